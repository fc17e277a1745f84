"""Widget groups of the "Inside the RNN cell" page, so the page file stays short."""

from __future__ import annotations

import numpy as np
import streamlit as st

from seqviz import viz
from seqviz.core.vocab import display
from seqviz.rnn.equations import step_equations
from seqviz.ui import cache, mymodels, picker, share
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.export import chart
from seqviz.ui.textbox import text_source

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
    share.bind("cell_kind", "lstm", options=options)
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
    share.bind(key, first, lo=0, hi=trace.n_a - 1)
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
        share.bind("cell_t", min(3, trace.T - 1), lo=0, hi=trace.T - 1)
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
    if st.session_state.get("cell_field", "a") not in fields:  # c<t> or a gate the new cell does not have
        st.session_state["cell_field"] = "a"
    share.bind("cell_field", "a", options=fields)
    field = st.radio(
        t("cell.hunt.field"), fields, format_func=lambda f: t(f"field.{f}"), key="cell_field", horizontal=True
    )
    st.markdown(viz.rnn.unit_text_html(trace, unit, field), unsafe_allow_html=True)
    chart(cache.unit_figure(name, text, unit, t("fig.time")), key="unit_curve")


def architectures() -> None:
    """The course's RNN architectures: pick one to see its picture and what it is for.

    One diagram at a time: each Plotly chart costs the browser a few hundred ms to draw.
    """
    st.header(t("cell.types.head"))
    st.caption(t("cell.types.explain"))
    if st.session_state.get("cell_arch") not in ARCHITECTURES:
        st.session_state["cell_arch"] = "many_to_many_same"  # the shape of this page's model
    share.bind("cell_arch", "many_to_many_same", options=ARCHITECTURES)
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
    chart(cache.architecture_figure(kind, words), key="arch_fig", config={"staticPlot": True}, where=left)
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
    first = {"code": "in_string", "prose": "in_quotes"}.get(pick)
    first = first or max(ranking, key=lambda h: abs(ranking[h][0].r) if ranking[h] else 0)
    if st.session_state.get(key) not in options:
        st.session_state[key] = first
    c1, c2 = st.columns([1, 2])
    share.bind(key, first, options=options)
    hyp = c1.selectbox(
        t("cell.find.pick"),
        options,
        key=key,
        format_func=lambda h: t("cell.find.mine") if h == mine else t(f"hyp.{h}"),
    )
    share.bind("cell_regex", REGEX_DEFAULT, max_chars=units.MAX_PATTERN)
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


# ------------------------------------------- the three cells on one text (issue 17: reach, side by side, export)

COMPARE_CHARS = 200  # characters the comparison reads: its pictures have a row and a column per character
DECAY_AT = (5, 10, 20, 40)  # distances d of the table "how much weaker is an input d characters back"
# One line of names (the names models restart at every line break): 73 steps, far enough for the RNN's reach to end
# well before the GRU's and the LSTM's (C[t, t-40] / C[t, t]: about 10^-7.6, 10^-5.5 and 10^-4.4)
COMPARE_TEXT = "andrew ng mary johnson peter smith ada lovelace alan turing grace hopper"


def trace_csv(trace) -> str:
    """A trace as tidy CSV: one row per step t and hidden unit, columns t, character, unit, a, then c, c_tilde and
    the gates (gamma_u, gamma_r / gamma_f, gamma_o) where the cell has them. Characters as the figures show them
    (⏎ for a line start, ␣ for a space)."""
    import csv
    import io

    fields = {"a": trace.a}
    if trace.cell == "lstm":
        fields["c"] = trace.c
    if trace.c_tilde is not None:
        fields["c_tilde"] = trace.c_tilde
    fields |= trace.gates
    T, n_a = trace.a.shape
    cols = [np.char.mod("%.6g", v.astype(np.float64).ravel()) for v in fields.values()]  # row-major: t, then unit
    steps = np.repeat(np.arange(T), n_a)
    chars = [display(ch) for ch in trace.tokens]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["t", "character", "unit", *fields])
    w.writerows(zip(steps.tolist(), (chars[i] for i in steps), np.tile(np.arange(n_a), T).tolist(), *cols))
    return out.getvalue()


def connectivity_csv(conns: dict) -> str:
    """Connectivity as tidy CSV: one row per cell and pair t' ≤ t, columns cell, t, character (x<t>), t_prime,
    character_prime (x<t'>), C = ‖∂z<t>/∂x<t'>‖ (z<t>: the logits of ŷ<t>)."""
    import csv
    import io

    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["cell", "t", "character", "t_prime", "character_prime", "C"])
    for cell, conn in conns.items():
        chars = [display(ch) for ch in conn.tokens]
        t_, tp = np.tril_indices(conn.T)
        values = np.char.mod("%.6g", conn.C[t_, tp])
        w.writerows((cell, a, chars[a], b, chars[b], v) for a, b, v in zip(t_.tolist(), tp.tolist(), values))
    return out.getvalue()


def export_trace(trace, name: str) -> None:
    """A download of the trace (a<t>, c<t>, the gates) as CSV, made only when clicked."""
    st.download_button(
        t("cell.export.trace"),
        data=lambda: "\ufeff" + trace_csv(trace),  # a byte-order mark: Excel reads the UTF-8 characters right
        file_name=f"{name}-trace.csv",  # names-lstm-trace.csv, or a session model's id
        mime="text/csv",
        key="cell_trace_csv",
        help=t("cell.export.trace.help"),
        on_click="ignore",
    )


SUPERSCRIPT = str.maketrans("-0123456789.", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹·")


def _power(v: float) -> str:
    """A ratio as a power of ten for the decay table ("10⁻³·²"); "—" when there is none."""
    return "—" if not np.isfinite(v) or v <= 0 else "10" + f"{np.log10(v):.1f}".translate(SUPERSCRIPT)


def compare_panel() -> None:
    """Sections 6 and 7: RNN, GRU and LSTM (cache.MODELS) on one text of their own. How far back each reaches
    (connectivity side by side, the text coloured by one output's row), then a<t>, the top-5 ŷ<t> and the
    perplexity of each, with one step slider t for both."""
    st.header(t("cell.reach.head"))
    st.caption(t("cell.reach.explain"))
    missing = [n for n in cache.MODELS.values() if not cache.available(n)]
    if missing:
        st.warning(t("cell.cmp.missing", names=", ".join(missing)))
        return
    st.markdown(t("cell.cmp.text_note"))
    clean = text_source("cell_cmp_text", COMPARE_TEXT, height=80)
    if not clean.ok:
        return
    text = clean.text
    if len(text) > COMPARE_CHARS:
        st.info(t("cell.cmp.too_long", n=COMPARE_CHARS))
        text = text[:COMPARE_CHARS]
    names = tuple(cache.MODELS.values())
    T = len(text) + 1  # ⏎ first
    clamp_state("cell_cmp_t", T - 1, T - 1)
    share.bind("cell_cmp_t", T - 1, lo=0, hi=T - 1)
    step = st.slider(t("cell.cmp.t"), 0, T - 1, key="cell_cmp_t", help=t("cell.cmp.t_help"))
    conns = {cell: cache.connectivity(n, text) for cell, n in cache.MODELS.items()}
    labels = {k: t(f"cell.fig.{k}") for k in ("t", "t_prime", "strip")}
    labels = tuple(sorted({**fig_labels(), **labels}.items()))
    chart(cache.reach_figure(names, text, step, labels), key="reach_fig")
    st.caption(t("cell.reach.scale"))

    st.markdown(f"**{t('cell.reach.decay.head')}**")
    decay = {cell: c.decay(DECAY_AT) for cell, c in conns.items()}
    reach = {cell: float(c.reach(0.01).mean()) for cell, c in conns.items()}
    rows = [
        {
            t("cell.reach.col.cell"): cell.upper(),
            **{t("cell.reach.col.d", d=d): _power(decay[cell][d]) for d in DECAY_AT},
            t("cell.reach.col.reach"): round(reach[cell], 1),
        }
        for cell in conns
    ]
    table(rows)
    st.caption(t("cell.reach.decay.explain"))
    st.download_button(
        t("cell.export.conn"),
        data=lambda: "\ufeff" + connectivity_csv(conns),
        file_name="connectivity.csv",
        mime="text/csv",
        key="cell_conn_csv",
        help=t("cell.export.conn.help"),
        on_click="ignore",
    )

    st.header(t("cell.side.head"))
    st.caption(t("cell.side.explain"))
    chart(cache.compare_states_figure(names, text, step, labels), key="side_fig")
    ch = md_escape(display(conns["rnn"].tokens[step]))
    st.markdown(f"**{t('cell.side.top5', t=step, ch=ch)}**")
    tops = {cell: cache.trace(n, text).top_k(step, 5) for cell, n in cache.MODELS.items()}
    prob = {cell: t("cell.side.prob", cell=cell.upper()) for cell in tops}
    table(  # one row per rank: each cell's guess and its probability, side by side
        [
            {
                k: v
                for cell, top in tops.items()
                for k, v in ((cell.upper(), display(top[i][0])), (prob[cell], top[i][1]))
            }
            for i in range(5)
        ],
        width="stretch",
        column_config={
            p: st.column_config.ProgressColumn(format="%.3f", min_value=0, max_value=1) for p in prob.values()
        },
    )
    rows = []
    for cell, n in cache.MODELS.items():
        m = cache.model(n)
        meta = getattr(m, "meta", None) or {}
        metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
        rows.append(
            {
                t("cell.reach.col.cell"): cell.upper(),
                t("cell.side.col.n_a"): m.config.n_a,
                t("cell.side.col.ppl"): round(cache.text_perplexity(n, text), 3),
                t("cell.side.col.val"): round(picker.number(metrics.get("val_perplexity")), 3),
            }
        )
    st.markdown(f"**{t('cell.side.ppl_head')}**")
    table(rows)
    st.caption(t("cell.side.ppl_note"))
