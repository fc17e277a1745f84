"""Widgets and cached computations of the "Attention" page (dates translated with and without attention)."""

from __future__ import annotations

import streamlit as st

from seqviz import viz
from seqviz.ui import cache, mymodels, picker, share
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.export import chart

CHECKPOINTS = {"attention": "date-attention", "plain": "date-no-attention"}  # which -> checkpoint
MAX_LINES = 100  # lines translated from one text box or upload


def figure_labels() -> tuple:
    """Translated labels of the translation figures, hashable for the figure caches."""
    labels = {**fig_labels(), **{k: t(f"mt.fig.{k}") for k in viz.translation.MT_LABELS}}
    return tuple(sorted(labels.items()))


def role(name: str) -> str:
    """A translator's place in the comparison: "attention" or "plain"."""
    return "attention" if cache.model(name).config.attention else "plain"


def which_label(which: str, name: str, markdown: bool = False) -> str:
    """ "with attention", or "with attention · ⭐ NAME (yours)" for this session's own model."""
    return t(f"mt.which.{which}") + (f" · {picker.label(name, markdown)}" if mymodels.is_mine(name) else "")


def _own_label(k: str) -> str:
    return t("mt.mine.shipped") if k == "shipped" else f"{picker.label(k)} · {t(f'mt.which.{role(k)}')}"


def models() -> dict:
    """Which -> checkpoint name: the shipped pair, where one of this session's translators (chosen in the
    sidebar) takes the place of the shipped model of its kind. The page stops with a message without an
    attention model, and leaves the comparison out without a plain one."""
    names = dict(CHECKPOINTS)
    own = picker.ids("nmt")
    options = ["shipped"] + own
    picker.settle("mt_mine", options, "shipped", "mt")
    share.bind("mt_mine", "shipped", options=options)  # a link naming another session's model gets a message
    if own:
        labels = {k: _own_label(k) for k in options}
        pick = st.sidebar.radio(t("mt.mine"), options, key="mt_mine", format_func=labels.get)
        picker.hint(own)
        if pick != "shipped":
            names[role(pick)] = pick
    cache.load_or_stop(names["attention"])
    out = {"attention": names["attention"]}
    if cache.available(names["plain"]):
        out["plain"] = names["plain"]
    else:
        st.warning(t("mt.plain_missing", name=names["plain"]))
    return out


def model_captions(loaded: dict) -> None:
    """Each model's held-out exact-match accuracy and size, in the sidebar."""
    for which, name in loaded.items():
        meta = cache.model(name).meta
        metrics = meta.get("metrics") or {}
        fmt = dict(
            n=int(picker.number(metrics.get("n_test"), 0)),
            params=int(picker.number(meta.get("n_parameters"), 0)),
            command=str(meta.get("command", "")).replace("`", "'"),
        )
        if mymodels.is_mine(name):
            st.sidebar.caption(
                t(
                    "mt.model.yours",
                    name=picker.label(name),
                    which=t(f"mt.which.{which}"),
                    acc=picker.pct(metrics.get("exact_greedy")),
                    **fmt,
                )
            )
        else:
            st.sidebar.caption(t(f"mt.model.{which}", acc=100 * picker.number(metrics.get("exact_greedy")), **fmt))


@st.cache_data(max_entries=2048, ttl=3600, show_spinner=False)
def translation(name: str, text: str, beam_width: int = 1, length_alpha: float = 0.7, prefix: str = ""):
    """One translation (cached: the same date typed twice, or by two students, is computed once)."""
    return cache.model(name).translate(text, beam_width=beam_width, length_alpha=length_alpha, prefix=prefix)


def lines_of(text: str) -> list[str]:
    """The non-blank lines of the user's text, at most MAX_LINES (a note says when some were left out)."""
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if not lines:
        st.info(t("mt.no_lines"))
    elif len(lines) > MAX_LINES:
        st.warning(t("mt.too_many", n=len(lines), max=MAX_LINES))
        lines = lines[:MAX_LINES]
    return lines


def _check(tr) -> str:
    if tr.formats:
        loc, pat = tr.formats[0]
        return t("mt.check.ok", locale=loc, pattern=pat)
    return t("mt.check.none")


def notes(results: list[tuple]) -> None:
    """One message per kind of trouble, naming the lines: outside what the model learned, or cut."""
    groups: dict[str, list[str]] = {}
    for line, tr in ((ln, r["attention"]) for ln, r in results):
        for code in tr.notes:
            groups.setdefault(code, []).append(line)
    quote = lambda lines: ", ".join(f"“{md_escape(ln[:40])}”" for ln in lines[:5]) + (" …" if len(lines) > 5 else "")
    if "cut" in groups:
        cut_at = max(r["attention"].info.get("max_chars", 0) for _, r in results)
        st.info(t("mt.note.cut", lines=quote(groups["cut"]), max=cut_at))
    unknown = sorted({ch for _, r in results for ch in r["attention"].info.get("chars", [])})
    if unknown:
        st.warning(
            t(
                "mt.note.unknown",
                lines=quote(groups["unknown"]),
                chars=" ".join(md_escape(repr(c)) for c in unknown[:20]),
            )
        )
    if "no_digits" in groups:
        st.warning(t("mt.note.no_digits", lines=quote(groups["no_digits"])))
    unsure = [ln for ln in groups.get("unsure", []) if ln not in groups.get("no_digits", [])]
    if unsure:
        st.warning(t("mt.note.unsure", lines=quote(unsure)))


def translate_all(lines: list[str], loaded: dict) -> list[tuple]:
    """Every line through every loaded model (greedy), shown as one table; returns [(line, {which: tr})]."""
    results = [(ln, {w: translation(name, ln) for w, name in loaded.items()}) for ln in lines]
    notes(results)
    rows = []
    for line, r in results:
        att = r["attention"]
        row = {t("mt.col.input"): line, t("mt.col.att"): att.output, t("mt.col.p"): round(att.p, 3)}
        if "plain" in r:
            row[t("mt.col.plain")] = r["plain"].output + ("" if r["plain"].output == att.output else "  ≠")
            row[t("mt.col.p_plain")] = round(r["plain"].p, 3)
        row[t("mt.col.check")] = _check(att) if att.formats else (_check(r["plain"]) if "plain" in r else _check(att))
        rows.append(row)
    table(rows)
    st.caption(t("mt.table.explain"))
    return results


def pick(results: list[tuple]) -> str:
    """The line the figures below follow."""
    options = list(range(len(results)))
    share.bind("mt_pick", 0, options=options)
    if st.session_state["mt_pick"] not in options:  # fewer lines than before
        st.session_state["mt_pick"] = 0
    if len(results) == 1:
        return results[0][0]
    i = st.selectbox(t("mt.pick"), options, format_func=lambda i: results[i][0][:80], key="mt_pick")
    return results[min(i or 0, len(results) - 1)][0]


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def heatmap_figure(name: str, text: str, labels: tuple):
    return cache.frozen(viz.translation.attention_heatmap(translation(name, text), dict(labels)))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def decoding_figure(name: str, text: str, labels: tuple):
    m = cache.model(name)
    return cache.frozen(
        viz.translation.decoding_animation(translation(name, text), list(m.tgt_vocab.chars), dict(labels))
    )


def beside(explain_key: str, **fmt):
    """A wide column for a figure and a narrow one with its explanation; returns the wide one."""
    left, right = st.columns([5, 2])
    right.markdown(t(explain_key, **fmt))
    return left


def heatmap(line: str, loaded: dict) -> None:
    """The α<t,t'> heatmap of one line, with the explanation beside it."""
    name = loaded["attention"]
    tr = translation(name, line)
    st.markdown(t("mt.heat.result", text=md_escape("".join(tr.source)), out=tr.output, p=tr.p))
    chart(
        heatmap_figure(name, line, figure_labels()),
        key="mt_heat",
        where=beside("mt.heat.explain", Tx=len(tr.source), Ty=len(tr.target)),
    )


def decoding(line: str, which: str, loaded: dict) -> None:
    """The step-by-step decoding figure of one model, with the explanation beside it."""
    name = loaded[which]
    chart(
        decoding_figure(name, line, figure_labels()), key=f"mt_steps_{which}", where=beside(f"mt.steps.explain.{which}")
    )


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)  # pairs may name a session's own model
def length_figure(pairs: tuple, labels: tuple):
    """Accuracy by input length of each (which, checkpoint) in `pairs` whose JSON records it."""
    lab = dict(labels)
    rows = {lab[f"which.{w}"]: by_length(name) for w, name in pairs if by_length(name)}
    return cache.frozen(viz.translation.length_accuracy_figure(rows, lab))


def by_length(name: str) -> dict:
    """metrics.by_length of a checkpoint, without the bins that have no test dates ({} when not recorded)."""
    by_len = (cache.model(name).meta.get("metrics") or {}).get("by_length") or {}
    return {b: v for b, v in by_len.items() if isinstance(v, dict) and v.get("n") and v.get("exact") is not None}


def _curve(name: str) -> list[dict]:
    """The validation rows of a checkpoint's training curve (training-loss rows have no val_exact)."""
    rows = (cache.model(name).meta.get("training") or {}).get("curve") or []
    return [r for r in rows if isinstance(r, dict) and r.get("val_exact") is not None and r.get("epoch") is not None]


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)  # pairs may name a session's own model
def curve_figure(pairs: tuple, labels: tuple):
    """Validation accuracy while training of each (which, checkpoint) in `pairs` whose JSON records it."""
    lab = dict(labels)
    curves = {lab[f"which.{w}"]: _curve(name) for w, name in pairs if _curve(name)}
    return cache.frozen(viz.translation.learning_curve_figure(curves, lab))


def compare(loaded: dict, results: list[tuple]) -> None:
    """Attention vs no attention: held-out accuracy by input length and while training, and on the user's lines."""
    if "plain" not in loaded:
        return
    names, pairs = tuple(loaded), tuple(loaded.items())
    labels = dict(figure_labels())
    labels.update({f"which.{w}": which_label(w, name) for w, name in pairs})
    labels = tuple(sorted(labels.items()))
    rows = []
    for w, name in pairs:
        meta = cache.model(name).meta
        mm, tr = meta.get("metrics") or {}, meta.get("training") or {}
        rows.append(
            {
                t("mt.col.model"): which_label(w, name),
                t("mt.col.exact"): picker.pct(mm.get("exact_greedy")),
                t("mt.col.exact_beam"): picker.pct(mm.get("exact_beam10")),
                t("mt.col.chars"): picker.pct(mm.get("char_accuracy_greedy")),
                t("mt.col.n"): mm.get("n_test"),
                t("mt.col.params"): f"{int(picker.number(meta.get('n_parameters'), 0)):,}",
                t("mt.col.train"): t(
                    "mt.train_time",
                    s=picker.number(tr.get("seconds"), 0),
                    epochs=tr.get("epochs", "?"),
                    device=tr.get("device", "?"),
                ),
            }
        )
    table(rows)
    if any(mymodels.is_mine(name) for _, name in pairs):
        st.caption(t("mt.compare.mine_note"))  # trained on other data with other settings: not like for like
    yours(results, names)
    plain, by_len = cache.model(loaded["plain"]).meta.get("metrics") or {}, by_length(loaded["plain"])
    if by_len:
        worst = min(by_len, key=lambda b: by_len[b]["exact"])
        chart(
            length_figure(pairs, labels),
            key="mt_len",
            where=beside(
                "mt.compare.length_explain",
                acc=100 * picker.number(plain.get("exact_greedy")),
                worst=worst,
                worst_acc=100 * by_len[worst]["exact"],
            ),
        )
    else:
        st.caption(t("mt.compare.no_length"))
    scan = plain.get("scan") if isinstance(plain.get("scan"), dict) else None
    scan_att = (cache.model(loaded["attention"]).meta.get("metrics") or {}).get("scan") or {}
    if scan and scan.get("examples"):
        st.markdown(
            t(
                "mt.compare.errors",
                wrong=scan.get("greedy_wrong", "?"),
                n=scan.get("n", 0),
                wrong_att=scan_att.get("greedy_wrong", "?"),
            )
        )
        table(
            [
                {
                    t("mt.col.input"): e["human"],
                    t("mt.col.reference"): e["reference"],
                    t("mt.col.plain"): e["greedy"],
                    t("mt.col.att"): translation(loaded["attention"], e["human"]).output,
                }
                for e in scan["examples"]
            ]
        )
    elif mymodels.is_mine(loaded["plain"]):
        st.caption(t("mt.compare.no_scan"))
    if any(_curve(name) for _, name in pairs):
        chart(curve_figure(pairs, labels), key="mt_curve", where=beside("mt.compare.curve_explain"))
    else:
        st.caption(t("mt.compare.no_curve"))


def yours(results: list[tuple], names: tuple) -> None:
    """Both models on the user's lines whose answer can be checked (the input is a training format of it)."""
    if not results:
        return
    checked = [(ln, r) for ln, r in results if r["attention"].formats or r["plain"].formats]
    if checked:
        truth = {ln: (r["attention"] if r["attention"].formats else r["plain"]).output for ln, r in checked}
        ok = {w: sum(r[w].output == truth[ln] for ln, r in checked) for w in names}
        st.markdown(t("mt.compare.yours", n=len(checked), att=ok["attention"], plain=ok["plain"]))
    else:
        st.caption(t("mt.compare.none_checked"))
