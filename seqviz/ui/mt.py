"""Widgets and cached computations of the "Attention" page (dates translated with and without attention)."""
from __future__ import annotations

import streamlit as st

from seqviz import mt_plots
from seqviz.ui import cache
from seqviz.ui.common import fig_labels, md_escape, t

CHECKPOINTS = {"attention": "date-attention", "plain": "date-no-attention"}   # which -> checkpoint
MAX_LINES = 100                                    # lines translated from one text box or upload


def figure_labels() -> tuple:
    """Translated labels of the translation figures, hashable for the figure caches."""
    labels = {**fig_labels(), **{k: t(f"mt.fig.{k}") for k in mt_plots.MT_LABELS}}
    return tuple(sorted(labels.items()))


def models() -> dict:
    """The attention model (the page stops with a message without it) and, when it loads, the plain one."""
    out = {"attention": cache.load_or_stop(CHECKPOINTS["attention"])}
    if cache.available(CHECKPOINTS["plain"]):
        out["plain"] = cache.model(CHECKPOINTS["plain"])
    else:
        st.warning(t("mt.plain_missing", name=CHECKPOINTS["plain"]))
    return out


def model_captions(loaded: dict) -> None:
    """Each model's held-out exact-match accuracy and size, in the sidebar."""
    for which, m in loaded.items():
        metrics = m.meta.get("metrics", {})
        st.sidebar.caption(t(f"mt.model.{which}", acc=100 * metrics.get("exact_greedy", float("nan")),
                             n=metrics.get("n_test", 0), params=m.meta.get("n_parameters", 0),
                             command=m.meta.get("command", "")))


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
        st.info(t("mt.note.cut", lines=quote(groups["cut"]), max=_max_src()))
    unknown = sorted({ch for _, r in results for ch in r["attention"].info.get("chars", [])})
    if unknown:
        st.warning(t("mt.note.unknown", lines=quote(groups["unknown"]),
                     chars=" ".join(md_escape(repr(c)) for c in unknown[:20])))
    if "no_digits" in groups:
        st.warning(t("mt.note.no_digits", lines=quote(groups["no_digits"])))
    unsure = [ln for ln in groups.get("unsure", []) if ln not in groups.get("no_digits", [])]
    if unsure:
        st.warning(t("mt.note.unsure", lines=quote(unsure)))


def _max_src() -> int:
    return cache.model(CHECKPOINTS["attention"]).config.max_src


def translate_all(lines: list[str], loaded: dict) -> list[tuple]:
    """Every line through every loaded model (greedy), shown as one table; returns [(line, {which: tr})]."""
    results = [(ln, {w: translation(CHECKPOINTS[w], ln) for w in loaded}) for ln in lines]
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
    st.dataframe(rows, hide_index=True)
    st.caption(t("mt.table.explain"))
    return results


def pick(results: list[tuple]) -> str:
    """The line the figures below follow."""
    if len(results) == 1:
        return results[0][0]
    options = list(range(len(results)))
    i = st.selectbox(t("mt.pick"), options, format_func=lambda i: results[i][0][:80], key="mt_pick")
    return results[min(i or 0, len(results) - 1)][0]


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def heatmap_figure(name: str, text: str, labels: tuple):
    return cache.frozen(mt_plots.attention_heatmap(translation(name, text), dict(labels)))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def decoding_figure(name: str, text: str, labels: tuple):
    m = cache.model(name)
    return cache.frozen(mt_plots.decoding_animation(translation(name, text), list(m.tgt_vocab.chars), dict(labels)))


def beside(explain_key: str, **fmt):
    """A wide column for a figure and a narrow one with its explanation; returns the wide one."""
    left, right = st.columns([5, 2])
    right.markdown(t(explain_key, **fmt))
    return left


def heatmap(line: str) -> None:
    """The α<t,t'> heatmap of one line, with the explanation beside it."""
    name = CHECKPOINTS["attention"]
    tr = translation(name, line)
    st.markdown(t("mt.heat.result", text=md_escape("".join(tr.source)), out=tr.output, p=tr.p))
    beside("mt.heat.explain", Tx=len(tr.source), Ty=len(tr.target)).plotly_chart(
        heatmap_figure(name, line, figure_labels()), key="mt_heat")


def decoding(line: str, which: str) -> None:
    """The step-by-step decoding figure of one model, with the explanation beside it."""
    name = CHECKPOINTS[which]
    beside(f"mt.steps.explain.{which}").plotly_chart(decoding_figure(name, line, figure_labels()),
                                                     key=f"mt_steps_{which}")


@st.cache_resource(show_spinner=False)
def length_figure(names: tuple, labels: tuple):
    lab = dict(labels)
    rows = {lab[f"which.{w}"]: cache.model(CHECKPOINTS[w]).meta["metrics"]["by_length"] for w in names}
    return cache.frozen(mt_plots.length_accuracy_figure(rows, lab))


@st.cache_resource(show_spinner=False)
def curve_figure(names: tuple, labels: tuple):
    lab = dict(labels)
    curves = {lab[f"which.{w}"]: cache.model(CHECKPOINTS[w]).meta["training"].get("curve", []) for w in names}
    return cache.frozen(mt_plots.learning_curve_figure(curves, lab))


def compare(loaded: dict, results: list[tuple]) -> None:
    """Attention vs no attention: held-out accuracy by input length and while training, and on the user's lines."""
    if "plain" not in loaded:
        return
    names = tuple(loaded)
    labels = dict(figure_labels())
    labels.update({f"which.{w}": t(f"mt.which.{w}") for w in names})
    labels = tuple(sorted(labels.items()))
    rows = []
    for w, m in loaded.items():
        mm, tr = m.meta["metrics"], m.meta["training"]
        rows.append({t("mt.col.model"): t(f"mt.which.{w}"), t("mt.col.exact"): f"{100 * mm['exact_greedy']:.2f}%",
                     t("mt.col.exact_beam"): f"{100 * mm.get('exact_beam10', float('nan')):.2f}%",
                     t("mt.col.chars"): f"{100 * mm['char_accuracy_greedy']:.2f}%", t("mt.col.n"): mm["n_test"],
                     t("mt.col.params"): f"{m.meta.get('n_parameters', 0):,}",
                     t("mt.col.train"): t("mt.train_time", s=tr.get("seconds", 0), epochs=tr.get("epochs", 0),
                                          device=tr.get("device", "?"))})
    st.dataframe(rows, hide_index=True)
    yours(results, names)
    plain = loaded["plain"].meta["metrics"]
    worst = min((b for b, v in plain["by_length"].items() if v["n"]), key=lambda b: plain["by_length"][b]["exact"])
    beside("mt.compare.length_explain", acc=100 * plain["exact_greedy"], worst=worst,
           worst_acc=100 * plain["by_length"][worst]["exact"]).plotly_chart(length_figure(names, labels), key="mt_len")
    scan, scan_att = plain.get("scan"), loaded["attention"].meta["metrics"].get("scan", {})
    if scan and scan.get("examples"):
        st.markdown(t("mt.compare.errors", wrong=scan["greedy_wrong"], n=scan["n"],
                      wrong_att=scan_att.get("greedy_wrong", "?")))
        st.dataframe([{t("mt.col.input"): e["human"], t("mt.col.reference"): e["reference"],
                       t("mt.col.plain"): e["greedy"],
                       t("mt.col.att"): translation(CHECKPOINTS["attention"], e["human"]).output}
                      for e in scan["examples"]], hide_index=True)
    beside("mt.compare.curve_explain").plotly_chart(curve_figure(names, labels), key="mt_curve")


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
