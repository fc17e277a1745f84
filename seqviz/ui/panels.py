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


# LSTMs of 256 units on text with structure for a unit to track (quotes, brackets, indentation; sentences)
STRUCTURED = {"code": "python-lstm", "prose": "wiki-lstm"}


def choose_model() -> tuple[str, object]:
    """Sidebar: RNN / GRU / LSTM of names, the LSTM of Python code or of Wikipedia prose, or one of this session's
    character models; returns (checkpoint name, model)."""
    own = picker.ids("char_lm")
    options = list(cache.MODELS) + [k for k, n in STRUCTURED.items() if cache.available(n)] + own
    picker.settle("cell_kind", options, "lstm", "cell")
    labels = {k: k.upper() if k in cache.MODELS else picker.label(k) for k in options}
    labels |= {k: t(f"cell.model.{k}") for k in STRUCTURED}
    pick = st.sidebar.radio(t("cell.choose"), options, key="cell_kind", horizontal=True, format_func=labels.get)
    picker.hint(own)
    name = cache.MODELS.get(pick, STRUCTURED.get(pick, pick))
    return name, cache.load_or_stop(name)


def text_key() -> tuple[str, str]:
    """(the text box's key, its default) for the chosen model: names, code and prose each keep their own text."""
    pick = st.session_state.get("cell_kind")
    if pick in STRUCTURED:
        return f"cell_text_{pick}", t(f"cell.default_text.{pick}")
    return "cell_text", t("cell.default_text")


def model_caption(m, name: str = "") -> None:
    """The model's title, size, held-out perplexity and rebuild command, in the sidebar."""
    meta = getattr(m, "meta", None) or {}
    metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    cell = m.config.cell.upper()
    kind = next((k for k, n in STRUCTURED.items() if n == name), "")
    title = (
        t("cell.model_title.yours", cell=cell, name=picker.label(name))
        if mymodels.is_mine(name)
        else t(f"cell.model_title.{kind}" if kind else "cell.model_title", cell=cell)
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


HEADLINE = {"code": "in_string", "prose": "in_quotes"}  # what the code and prose models open on


def unit_picker(trace, name: str = "", text: str = "") -> int:
    """The hidden unit the page follows, chosen in the sidebar; starts on the most varying unit, or, for the code
    and prose models, on the unit of a<t> that best tracks strings (quotes), so section 4 opens on it."""
    best = suggested_units(trace)
    pick = st.session_state.get("cell_kind", "")
    key = f"cell_unit_{pick}" if pick in HEADLINE else "cell_unit"  # each of those models keeps its own unit
    first = best[0]
    if pick in HEADLINE and key not in st.session_state and trace.T > 2:
        from seqviz.rnn import units

        a_only = {"a": units.signals(trace)["a"]}  # the slider follows a unit of a<t>
        ranked = units.rank_units(a_only, text, {"h": units.HYPOTHESES[HEADLINE[pick]](text)}, 1)["h"]
        first = ranked[0].unit if ranked and ranked[0].r != 0 else first
    clamp_state(key, trace.n_a - 1, first)
    unit = st.sidebar.slider(t("cell.step.unit"), 0, trace.n_a - 1, key=key, help=t("cell.step.unit_help"))
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
    pick = st.session_state.get("cell_kind", "")
    st.caption(t(f"cell.hunt.explain.{pick}" if pick in HEADLINE else "cell.hunt.explain"))
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


# ---------------------------------------------------------------- the unit finder (issue 16)

FINDER_TOP = 3  # best units listed per hypothesis
HELD_OUT_CHARS = 10_000  # held-out text searched for where a unit fires
REGEX_DEFAULT = r"\([^()]*\)"  # "inside a pair of parentheses", a hypothesis the student can edit


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _ranking(name: str, text: str, top: int = FINDER_TOP) -> dict:
    from seqviz.rnn import units

    return units.rank_units(cache.trace(name, text), text, top=top)


@st.cache_resource(max_entries=8, show_spinner=False)
def _held_out(name: str) -> tuple[str, object]:
    """(held-out text of the model's corpus, its trace), once per server: where a unit fires beyond your text."""
    from seqviz.core.registry import shipped
    from seqviz.rnn.kind import held_out_text

    m = cache.model(name)
    recipe = shipped().get(name)  # a shipped model: the bundled data its recipe names
    corpus = recipe[1].source if recipe else ((getattr(m, "meta", None) or {}).get("studio") or {}).get("source", "")
    text = held_out_text(corpus, HELD_OUT_CHARS)
    return text, (m.trace(text) if text else None)


def _unit_label(s) -> str:
    from seqviz.rnn.units import SIGNAL_LABELS

    return f"{SIGNAL_LABELS.get(s.signal, s.signal)} #{s.unit}"


def finder_panel(trace, name: str, text: str) -> None:
    """Every unit of a<t>, c<t> and the gates ranked against named hypotheses about the text and one of the
    student's own (a regular expression); the text coloured by the hypothesis and by its best unit; and where
    that unit fires most in held-out text (LSTMVis's match view)."""
    from seqviz.rnn import units

    st.header(t("cell.find.head"))
    st.caption(t("cell.find.explain"))
    if trace.T < 3:
        st.info(t("cell.find.short"))
        return
    ranking = _ranking(name, text)
    rows = []
    for hyp, best in ranking.items():
        row = {t("cell.find.col.hyp"): t(f"hyp.{hyp}")}
        for i in range(FINDER_TOP):
            s = best[i] if i < len(best) else None
            ok = s is not None and s.r != 0  # r = 0: the hypothesis is constant on this text (no string in it, say)
            row[t("cell.find.col.unit", i=i + 1)] = f"{_unit_label(s)}  r = {s.r:+.2f}" if ok else "—"
        rows.append(row)
    table(rows)
    mine = "__regex__"
    options = list(ranking) + [mine]
    pick = st.session_state.get("cell_kind", "")
    key = f"cell_hyp_{pick}"  # each model keeps its own choice; code opens on strings, prose on quotes
    if st.session_state.get(key) not in options:
        first = {"code": "in_string", "prose": "in_quotes"}.get(pick)
        st.session_state[key] = first or max(ranking, key=lambda h: abs(ranking[h][0].r) if ranking[h] else 0)
    c1, c2 = st.columns([1, 2])
    hyp = c1.selectbox(
        t("cell.find.pick"),
        options,
        key=key,
        format_func=lambda h: t("cell.find.mine") if h == mine else t(f"hyp.{h}"),
    )
    st.session_state.setdefault("cell_regex", REGEX_DEFAULT)
    pattern = c2.text_input(
        t("cell.find.regex"), key="cell_regex", max_chars=units.MAX_PATTERN, help=t("cell.find.regex.help")
    )
    if hyp == mine:
        try:
            values = units.regex_hypothesis(text, pattern)
        except units.HypothesisError as err:
            st.warning(t(f"cell.find.err.{err.code}", detail=md_escape(str(getattr(err, "detail", "") or ""))))
            return
        if not values.any():
            st.info(t("cell.find.nomatch", pattern=md_escape(pattern)))
            return
        best = units.rank_units(trace, text, {mine: values}, top=FINDER_TOP)[mine]
        st.markdown(t("cell.find.regex_best", units=", ".join(f"{_unit_label(s)} (r = {s.r:+.2f})" for s in best)))
    else:
        values = units.HYPOTHESES[hyp](text)
        best = ranking[hyp]
    if not best or best[0].r == 0:
        st.info(t("cell.find.constant", hyp=t(f"hyp.{hyp}") if hyp != mine else md_escape(pattern)))
        return
    top = best[0]
    st.markdown(t("cell.find.hyp_text"))
    st.markdown(viz.rnn.values_text_html(text, values), unsafe_allow_html=True)
    st.markdown(t("cell.find.unit_text", unit=md_escape(_unit_label(top)), r=top.r))
    st.markdown(viz.rnn.unit_text_html(trace, top.unit, top.signal), unsafe_allow_html=True)

    st.subheader(t("cell.find.where", unit=md_escape(_unit_label(top))))
    held, held_trace = _held_out(name)
    source = "held_out"
    if not held:  # a model of an upload: no held-out text ships with it
        held, held_trace, source = text, trace, "yours"
    series = units.unit_values(held_trace, top.signal, top.unit)
    passages = units.top_passages(series, held, k=5, width=60, lowest=top.r < 0)
    st.caption(t(f"cell.find.where.{source}", n=len(held)))
    for p in passages:  # one block each, so passages that end mid-line do not run into the next
        block = viz.rnn.values_text_html(p.text, p.values, size=16)
        st.markdown(
            f'<div style="border-left:3px solid #bbb;padding-left:10px;margin:8px 0">{block}</div>',
            unsafe_allow_html=True,
        )
