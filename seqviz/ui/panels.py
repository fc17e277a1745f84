"""Widget groups of the "Inside the RNN cell" page, so the page file stays short."""

from __future__ import annotations

import numpy as np
import streamlit as st

from seqviz import viz
from seqviz.core.vocab import display
from seqviz.rnn.equations import step_equations
from seqviz.ui import cache, mymodels, picker
from seqviz.ui.common import md_escape, t, table

ARCHITECTURES = (
    "one_to_one",
    "one_to_many",
    "many_to_one",
    "many_to_many_same",
    "many_to_many_diff",
    "brnn",
    "deep_rnn",
)


def choose_model() -> tuple[str, object]:
    """Sidebar: RNN / GRU / LSTM, or one of this session's character models; returns (checkpoint name, model)."""
    own = picker.ids("char_lm")
    options = list(cache.MODELS) + own
    picker.settle("cell_kind", options, "lstm", "cell")
    labels = {k: k.upper() if k in cache.MODELS else picker.label(k) for k in options}
    pick = st.sidebar.radio(t("cell.choose"), options, key="cell_kind", horizontal=True, format_func=labels.get)
    picker.hint(own)
    name = cache.MODELS.get(pick, pick)
    return name, cache.load_or_stop(name)


def model_caption(m, name: str = "") -> None:
    """The model's title, size, held-out perplexity and rebuild command, in the sidebar."""
    meta = getattr(m, "meta", None) or {}
    metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    cell = m.config.cell.upper()
    title = (
        t("cell.model_title.yours", cell=cell, name=picker.label(name))
        if mymodels.is_mine(name)
        else t("cell.model_title", cell=cell)
    )
    st.sidebar.caption(
        t(
            "cell.model_info",
            title=title,
            n_a=m.config.n_a,
            ppl=picker.number(metrics.get("val_perplexity")),
            command=str(meta.get("command", "")).replace("`", "'"),
        )
    )


def input_notes(trace) -> None:
    """Flag characters the model never saw, and capitals it reads as lower case."""
    text = trace.tokens[1:]
    unknown = sorted({ch for ch, u in zip(text, trace.unknown[1:]) if u})
    if unknown:
        shown = ", ".join(md_escape(repr(ch)) for ch in unknown[:30]) + (" …" if len(unknown) > 30 else "")
        st.warning(t("problem.unknown", chars=shown))
    if any(ch not in trace.vocab and ch.lower() in trace.vocab for ch in text):
        st.caption(t("problem.case"))


def clamp_state(key: str, hi: int, default: int = 0) -> None:
    """Keep a slider's remembered value inside [0, hi] when the text or model changes."""
    v = st.session_state.get(key, default)
    st.session_state[key] = int(min(max(v, 0), hi))


def suggested_units(trace, k: int = 5) -> list[int]:
    """The k units whose a<t> varies most over the text: good places to start hunting."""
    return [int(i) for i in np.argsort(-trace.a[1:].std(axis=0))[:k]] if trace.T > 1 else [0]


def unit_picker(trace) -> int:
    """The hidden unit the page follows, chosen in the sidebar; starts on the most varying unit."""
    best = suggested_units(trace)
    clamp_state("cell_unit", trace.n_a - 1, best[0])
    unit = st.sidebar.slider(t("cell.step.unit"), 0, trace.n_a - 1, key="cell_unit", help=t("cell.step.unit_help"))
    st.sidebar.caption(t("cell.hunt.suggest", units=", ".join(map(str, best))))
    return unit


def step_panel(trace, unit: int) -> None:
    """Pick t; the cell's equations in vector form beside this unit's numbers; top-5 ŷ<t>."""
    st.header(t("cell.step.head"))
    st.caption(t("cell.step.explain"))
    clamp_state("cell_t", trace.T - 1, min(3, trace.T - 1))
    left, right = st.columns([3, 2])
    with left:
        step = st.slider(t("cell.step.t"), 0, trace.T - 1, key="cell_t")  # T >= 2 whenever there is text
        ch = display(trace.tokens[step])
        st.markdown(t("cell.step.reading", t=step, ch=md_escape(ch)))
    with right:
        st.markdown(f"**{t('cell.step.top5', ch=md_escape(ch))}**")
        rows = [{t("cell.step.char"): display(c), t("cell.step.prob"): p} for c, p in trace.top_k(step, 5)]
        table(
            rows,
            width="stretch",
            column_config={
                t("cell.step.prob"): st.column_config.ProgressColumn(format="%.3f", min_value=0, max_value=1)
            },
        )
    h1, h2 = st.columns(2)
    h1.markdown(f"**{t('cell.step.general')}**")
    h2.markdown(f"**{t('cell.step.numbers', unit=unit)}**")
    for line in step_equations(trace, step, unit):
        g, n = st.columns(2)
        g.latex(line.general)
        n.latex(line.numeric)


def hunt_panel(trace, name: str, text: str, unit: int) -> None:
    """The text coloured by one unit, the unit over time, and units worth trying."""
    st.header(t("cell.hunt.head"))
    st.caption(t("cell.hunt.explain"))
    fields = ["a"] + (["c"] if trace.cell == "lstm" else []) + list(trace.gates)
    field = st.radio(
        t("cell.hunt.field"), fields, format_func=lambda f: t(f"field.{f}"), key="cell_field", horizontal=True
    )
    st.markdown(viz.rnn.unit_text_html(trace, unit, field), unsafe_allow_html=True)
    st.plotly_chart(cache.unit_figure(name, text, unit, t("fig.time")), key="unit_curve")


def architectures() -> None:
    """The course's RNN architectures: pick one to see its picture and what it is for.

    One diagram at a time: each Plotly chart costs the browser a few hundred ms to draw.
    """
    st.header(t("cell.types.head"))
    st.caption(t("cell.types.explain"))
    if st.session_state.get("cell_arch") not in ARCHITECTURES:
        st.session_state["cell_arch"] = "many_to_many_same"  # the shape of this page's model
    kind = (
        st.segmented_control(
            t("cell.types.pick"),
            ARCHITECTURES,
            format_func=lambda k: t(f"arch.{k}"),
            key="cell_arch",
            selection_mode="single",
        )
        or "many_to_many_same"
    )
    left, right = st.columns([3, 2], vertical_alignment="center")
    words = (("encoder", t("arch.encoder")), ("decoder", t("arch.decoder")))
    left.plotly_chart(cache.architecture_figure(kind, words), key="arch_fig", config={"staticPlot": True})
    right.markdown(f"**{t(f'arch.{kind}')}**")
    right.markdown(t(f"arch.{kind}.use"))
    if kind == "many_to_many_same":
        right.caption(t("cell.types.this_page"))
