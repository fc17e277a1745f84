"""What-if panels: clamp a gate or set a unit inside the recurrent cell, and overwrite one step's attention α<t,·>
of the date translator; each draws the changed run beside the normal one. Every widget is in the address."""

from __future__ import annotations

import numpy as np
import streamlit as st

from seqviz.core.vocab import display
from seqviz.rnn import intervene as rnn_iv
from seqviz.rnn.cells import GATES
from seqviz.translation import intervene as mt_iv
from seqviz.ui import cache, share
from seqviz.ui.common import md_escape, t
from seqviz.ui.export import chart
from seqviz.ui.mt import figure_labels
from seqviz.viz import intervene as viz_iv

GATE_DEFAULT = {"gamma_u": 0.0, "gamma_f": 1.0, "gamma_o": 1.0, "gamma_r": 0.0}  # the value a newly clamped gate gets
FIRST_CLAMPS = {"gru": ["gamma_u"], "lstm": ["gamma_f", "gamma_u"]}  # the first view: memory frozen
SYMBOL = {"gamma_u": "Γu", "gamma_r": "Γr", "gamma_f": "Γf", "gamma_o": "Γo", "a": "a<t>", "c": "c<t>"}
FIRST_STEP = 3  # the change starts after a few characters, so the figure shows both runs agreeing first
VALUE_RANGE = {"a": (-1.0, 1.0, 0.05), "c": (-20.0, 20.0, 0.5)}  # (lo, hi, step) of a set unit: a<t> is in (−1, 1)


# ---------------------------------------------------------------- shared helpers


# Every format_func below is a dict's get, filled during the run: Streamlit (and AppTest) may call it again outside
# the run, where t() cannot see the session's language.


def _fit(key: str, default, *, options=None, lo=None, hi=None, what: str = "", shift: int = 0) -> None:
    """Bind `key` to the address, then bring a remembered value that no longer fits (another model, a shorter
    text or output) back to the default or into range; a number pulled into range gets a message.

    A default that depends on the text, the model or the line (the unit that varies most, the character that
    changes the output) is followed while the student has not changed the value, so the address stays short.
    `shift` is added to the numbers a message shows (1 for steps that the page counts from 1)."""
    seen = f"_iv_default_{key}"
    if (
        seen in st.session_state
        and st.session_state[seen] != default
        and st.session_state.get(key) == st.session_state[seen]
    ):
        del st.session_state[key]  # an untouched default moves with what it was computed from
    st.session_state[seen] = default
    share.bind(key, default, options=options, lo=lo, hi=hi)
    v = st.session_state[key]
    if options is not None:
        if isinstance(default, list):
            kept = [x for x in v if x in options] if isinstance(v, list) else list(default)
            if kept != v:
                st.session_state[key] = kept
        elif v not in options:
            if what and isinstance(v, int) and options and isinstance(options[0], int):
                st.info(t("iv.clamped", what=what, value=v + shift, lo=options[0] + shift, hi=options[-1] + shift))
            st.session_state[key] = default
    elif lo is not None and hi is not None and not (lo <= v <= hi):
        st.info(t("iv.clamped", what=what, value=v, lo=lo, hi=hi))
        st.session_state[key] = type(default)(min(max(v, lo), hi))


def _delta(d: float, digits: int) -> str | None:
    """A metric's change as shown ("+40.13"), or None (no arrow) when it rounds to 0."""
    return None if not np.isfinite(d) or abs(d) < 0.5 * 10**-digits else f"{d:+.{digits}f}"


# ---------------------------------------------------------------- inside the cell


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def cell_run(name: str, text: str, intervention: rnn_iv.Intervention | None = None) -> rnn_iv.Run:
    """The character model `name` over `text`, with an intervention or without (cached by content)."""
    return rnn_iv.run(cache.model(name), text, intervention)


def _labels() -> dict:
    return {k: t(f"iv.fig.{k}") for k in viz_iv.IV_LABELS} | {"time": t("fig.time")}


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def cell_figure(name: str, text: str, iv: rnn_iv.Intervention, unit: int, start: int, labels: tuple):
    """Both runs' figure, built once per view and shared read-only (a rebuild was most of the page's re-run)."""
    return cache.frozen(
        viz_iv.cell_comparison(cell_run(name, text), cell_run(name, text, iv), unit, start, dict(labels))
    )


def _gate_controls(cell: str, unit: int, start: int) -> rnn_iv.Intervention | None:
    """Which gates to clamp and to what, in every unit or in one; None when none is chosen."""
    gates = list(GATES[cell])
    key = f"iv_gates_{cell}"
    _fit(key, list(FIRST_CLAMPS[cell]), options=gates)
    chosen = st.multiselect(t("iv.cell.gates"), gates, key=key, format_func=SYMBOL.get, help=t("iv.cell.gates_help"))
    chosen = [g for g in gates if g in chosen]  # the cell's order, whatever the order of clicking
    if not chosen:
        st.info(t("iv.cell.none"))
        return None
    cols = st.columns(len(chosen) + 1)
    values = {}
    for col, g in zip(cols, chosen):
        _fit(f"iv_{g}", GATE_DEFAULT[g], lo=0.0, hi=1.0, what=SYMBOL[g])
        values[g] = col.slider(SYMBOL[g] + " =", 0.0, 1.0, step=0.05, key=f"iv_{g}")
    _fit("iv_scope", "all", options=["all", "one"])
    scope = cols[-1].radio(
        t("iv.cell.scope"),
        ["all", "one"],
        key="iv_scope",
        format_func={s: t(f"iv.scope.{s}") for s in ("all", "one")}.get,
    )
    where = None if scope == "all" else unit
    return rnn_iv.Intervention(clamps=tuple(rnn_iv.GateClamp(g, float(values[g]), where, start) for g in chosen))


def _unit_controls(cell: str, unit: int, start: int) -> rnn_iv.Intervention:
    """Which state to set (a<t>, or the LSTM's c<t>), to what, once or held."""
    fields = list(rnn_iv.FIELDS[cell])
    c1, c2, c3 = st.columns([1, 2, 2])
    field = "a"
    if len(fields) > 1:
        _fit(f"iv_field_{cell}", "a", options=fields)
        field = c1.radio(t("iv.cell.field"), fields, key=f"iv_field_{cell}", format_func=SYMBOL.get)
    lo, hi, step = VALUE_RANGE[field]
    _fit(f"iv_value_{field}", 0.0, lo=lo, hi=hi, what=SYMBOL[field])
    value = c2.slider(t("iv.cell.value", field=SYMBOL[field]), lo, hi, step=step, key=f"iv_value_{field}")
    _fit("iv_hold", True)
    hold = c3.toggle(t("iv.cell.hold"), key="iv_hold", help=t("iv.cell.hold_help"))
    return rnn_iv.Intervention(sets=(rnn_iv.UnitSet(unit, float(value), field, start, bool(hold)),))


def _say(cell: str, iv: rnn_iv.Intervention, unit: int, start: int, read: str) -> str:
    """What the intervention does, in the course's words."""
    where = dict(unit=unit, t=start, ch=md_escape(read))
    if iv.clamps:
        vals = {c.gate: c.value for c in iv.clamps}
        scope = t("iv.say.in_unit", unit=unit) if iv.clamps[0].unit is not None else t("iv.say.in_all")
        gates = ", ".join(f"{SYMBOL[g]} = {v:g}" for g, v in vals.items())
        head = t("iv.say.clamps", gates=gates, scope=scope, **where)
        parts = []
        if cell == "lstm" and vals.get("gamma_f") == 1 and vals.get("gamma_u") == 0:
            parts.append(t("iv.say.lstm.frozen"))  # the two together; any other gate is said after
            vals = {g: v for g, v in vals.items() if g not in ("gamma_f", "gamma_u")}
        for g, v in vals.items():
            level = "0" if v == 0 else "1" if v == 1 else "mid"
            parts.append(t(f"iv.say.{cell}.{g}.{level}"))
        return head + " " + " ".join(parts)
    s = iv.sets[0]
    key = "iv.say.set.hold" if s.hold else "iv.say.set.once"
    extra = " " + t("iv.say.set.c") if s.field == "c" else ""
    return t(key, field=SYMBOL[s.field], value=s.value, **where) + extra


def cell_panel(name: str, model, text: str) -> None:
    """Change the cell (clamp gates, or set a unit of a<t> / c<t> from step t), rerun the text, and draw the changed
    run beside the normal one: ŷ<t> of the actual next character, the unit's a<t> (and c<t>), the perplexity."""
    from seqviz.ui import panels  # the cell page's widget groups (its suggested units), only where it is shown

    st.header(t("iv.cell.head"))
    cell = model.config.cell
    st.caption(t(f"iv.cell.explain.{cell}"))
    normal = cell_run(name, text)
    tr = normal.trace
    T, n_a = tr.T, tr.n_a
    kinds = (["gates"] if GATES[cell] else []) + ["unit"]
    c1, c2, c3 = st.columns([2, 1, 2])
    if len(kinds) > 1:
        _fit(f"iv_what_{cell}", kinds[0], options=kinds)
        what = c1.radio(
            t("iv.cell.what"), kinds, key=f"iv_what_{cell}", format_func={k: t(f"iv.what.{k}") for k in kinds}.get
        )
    else:
        what = "unit"
        c1.markdown(t("iv.cell.rnn_only"))
    pick = st.session_state.get("cell_kind", "")
    followed = st.session_state.get(f"cell_unit_{pick}" if pick in panels.HEADLINE else "cell_unit")  # the sidebar's
    first = followed if isinstance(followed, int) and 0 <= followed < n_a else panels.suggested_units(tr)[0]
    _fit("iv_unit", first, lo=0, hi=n_a - 1, what=t("iv.unit_word"))
    unit = int(c2.number_input(t("iv.cell.unit"), 0, n_a - 1, step=1, key="iv_unit", help=t("iv.cell.unit_help")))
    _fit("iv_start", min(FIRST_STEP, T - 1), lo=0, hi=T - 1, what="t")
    start = c3.slider(t("iv.cell.start"), 0, T - 1, key="iv_start")
    read = display(tr.tokens[start])
    c3.caption(t("iv.cell.reading", t=start, ch=md_escape(read)))
    iv = _gate_controls(cell, unit, start) if what == "gates" else _unit_controls(cell, unit, start)
    if iv is None:
        return
    try:
        changed = cell_run(name, text, iv)
    except rnn_iv.InterventionError as err:
        st.warning(t(f"iv.err.{err.code}", detail=md_escape(err.detail)))
        return
    st.markdown(_say(cell, iv, unit, start, read))
    m1, m2, m3 = st.columns(3)
    ppl = lambda r: f"{r.perplexity:.2f}" if np.isfinite(r.perplexity) else "—"  # no known next character: none
    m1.metric(t("iv.cell.ppl_normal"), ppl(normal), help=t("iv.cell.ppl_help"))
    m2.metric(
        t("iv.cell.ppl_changed"),
        ppl(changed),
        delta=_delta(changed.perplexity - normal.perplexity, 2),
        delta_color="inverse",  # a higher perplexity is worse
    )
    diff = np.abs(np.nan_to_num(changed.p_next - normal.p_next))
    k = int(diff.argmax())
    if diff[k] >= 0.005:
        nxt = display(tr.tokens[k + 1]) if k + 1 < T else display("\n")
        m3.metric(
            t("iv.cell.biggest", t=k, ch=md_escape(display(tr.tokens[k])), next=md_escape(nxt)),
            f"{normal.p_next[k]:.3f} → {changed.p_next[k]:.3f}",
        )
    else:
        m3.markdown(t("iv.cell.no_change"))
    chart(cell_figure(name, text, iv, unit, start, tuple(sorted(_labels().items()))), key="iv_cell_fig")
    st.caption(t("iv.cell.fig_explain", unit=unit))


# ---------------------------------------------------------------- attention by hand


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def att_run(name: str, line: str, step: int | None = None, weights: tuple | None = None):
    """The date `line` translated greedily by `name`, with α<step,·> set to `weights` (cached by content)."""
    return mt_iv.translate_with_alpha(cache.model(name), line, step, weights)


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def att_figure(name: str, line: str, step: int, weights: tuple | None, labels: tuple):
    """The α heatmap of the normal run (weights None) or of the run with α<step,·> set to `weights`, the row
    framed; built once per view and shared read-only (it was rebuilt on every re-run)."""
    run = att_run(name, line) if weights is None else att_run(name, line, step, weights)
    return cache.frozen(viz_iv.overwritten_heatmap(run, step, dict(labels), set_by_hand=weights is not None))


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def first_position(name: str, line: str, step: int) -> int:
    """The input character the page first moves step `step`'s attention to: the first that changes the output (else
    the one the model attends to least)."""
    tr = att_run(name, line)
    pos = mt_iv.changing_position(cache.model(name), line, step, tr)
    return int(np.argmin(tr.alpha[step])) if pos is None else pos


def _hand_row(line: str, step: int, normal) -> np.ndarray | None:
    """A table of the input characters with a weight each to edit (starting at the model's own α<t,·>); the edited
    row is kept in the address. None (after a message) when the weights cannot be used."""
    Tx = normal.alpha.shape[1]
    share.bind("iv_att_row", "")
    here = f"{step}:{line}"
    if st.session_state.get("_iv_att_for", here) != here:  # another line or step: start again from the model's α
        st.session_state["iv_att_row"] = ""
        st.session_state.pop("iv_att_editor", None)
    st.session_state["_iv_att_for"] = here
    model_row = np.round(normal.alpha[step].astype(np.float64), 3)
    start = model_row
    raw = st.session_state["iv_att_row"]
    if raw:
        try:
            start = np.array([float(x) for x in raw.split(",")])
            if start.shape != (Tx,):
                raise ValueError
        except ValueError:
            st.warning(t("iv.att.bad_row", n=Tx))
            start = model_row
            st.session_state["iv_att_row"] = ""
    import pandas as pd

    table = pd.DataFrame(
        {"pos": np.arange(1, Tx + 1), "char": [display(c) for c in normal.source], "alpha": model_row, "weight": start}
    )
    edited = st.data_editor(
        table,
        key="iv_att_editor",
        hide_index=True,
        disabled=["pos", "char", "alpha"],
        column_config={
            "pos": st.column_config.NumberColumn("t'"),
            "char": st.column_config.TextColumn(t("iv.att.col.char")),
            "alpha": st.column_config.NumberColumn(t("iv.att.col.alpha", t=step + 1), format="%.3f"),
            "weight": st.column_config.NumberColumn(t("iv.att.col.weight"), format="%.3f"),
        },
    )
    w = pd.to_numeric(edited["weight"], errors="coerce").to_numpy(np.float64)
    same = w.shape == model_row.shape and np.array_equal(w, model_row)
    st.session_state["iv_att_row"] = "" if same else ",".join("nan" if np.isnan(v) else format(v, ".4g") for v in w)
    try:
        row = mt_iv.normalise(w, Tx)
    except mt_iv.AttentionError as err:
        detail = ", ".join(str(i + 1) for i in np.flatnonzero(w < 0)) if err.code == "negative" else err.detail
        (st.info if err.code == "zero" else st.warning)(t(f"iv.att.err.{err.code}", detail=md_escape(detail)))
        return None
    total = float(np.sum(w))
    if abs(total - 1) > 1e-3:
        st.caption(t("iv.att.renormalised", total=total))
    return row


def attention_panel(line: str, models: dict) -> None:
    """Overwrite α<t,·> of one output step of `line` (all on one input character, or a row edited by hand), let the
    decoder go on greedily, and show both runs: outputs, P(ŷ|x) and α heatmaps."""
    name = models["attention"]
    st.header(t("iv.att.head"))
    st.caption(t("iv.att.explain"))
    try:
        normal = att_run(name, line)
    except mt_iv.AttentionError:
        st.info(t("iv.att.no_attention"))
        return
    if not normal.source:
        st.info(t("iv.att.empty"))
        return
    Ty, Tx = normal.alpha.shape
    steps, positions = list(range(Ty)), list(range(Tx))
    c1, c2, c3 = st.columns([2, 1, 2])
    _fit("iv_att_t", mt_iv.default_step(normal), options=steps, what="t", shift=1)
    step = c1.selectbox(
        t("iv.att.step"),
        steps,
        key="iv_att_t",
        format_func={i: t("iv.att.step_option", t=i + 1, ch=display(normal.target[i])) for i in steps}.get,
    )
    _fit("iv_att_mode", "one", options=["one", "hand"])
    mode = c2.radio(
        t("iv.att.mode"),
        ["one", "hand"],
        key="iv_att_mode",
        format_func={m: t(f"iv.att.mode.{m}") for m in ("one", "hand")}.get,
    )
    if mode == "one":
        _fit("iv_att_pos", first_position(name, line, step), options=positions, what="t'", shift=1)
        pos = c3.selectbox(
            t("iv.att.pos"),
            positions,
            key="iv_att_pos",
            format_func={i: t("iv.att.pos_option", t=i + 1, ch=display(normal.source[i])) for i in positions}.get,
        )
        weights = mt_iv.one_hot(Tx, pos)
        how = t("iv.att.how.one", t=step + 1, tp=pos + 1, ch=md_escape(display(normal.source[pos])))
    else:
        weights = _hand_row(line, step, normal)
        if weights is None:
            return
        how = t("iv.att.how.hand", t=step + 1)
        if not st.session_state["iv_att_row"]:  # nothing edited yet
            how += " " + t("iv.att.hand_start")
    changed = att_run(name, line, step, tuple(float(w) for w in weights))
    old, new = display(normal.target[step]), display(changed.target[step])
    verdict = "changed" if changed.output != normal.output else "same"
    st.markdown(
        how
        + " "
        + t(f"iv.att.result.{verdict}", t=step + 1, old=md_escape(old), new=md_escape(new), out=changed.output)
    )
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("iv.att.out_normal"), normal.output or "∅")
    m2.metric(t("iv.att.p_normal"), f"{normal.p:.3f}")
    m3.metric(t("iv.att.out_changed"), changed.output or "∅")
    m4.metric(t("iv.att.p_changed"), f"{changed.p:.3f}", delta=_delta(changed.p - normal.p, 3))
    labels = tuple(sorted(dict(figure_labels()).items()))
    weights = tuple(float(w) for w in weights)
    left, right = st.columns(2)
    left.markdown(f"**{t('iv.att.heat_normal')}**")
    chart(att_figure(name, line, step, None, labels), key="iv_att_heat_normal", where=left)
    right.markdown(f"**{t('iv.att.heat_changed')}**")
    chart(att_figure(name, line, step, weights, labels), key="iv_att_heat_changed", where=right)
    st.caption(t("iv.att.heat_explain"))
