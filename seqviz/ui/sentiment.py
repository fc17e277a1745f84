"""Widgets and cached computations of the "Sentiment" page."""

from __future__ import annotations

import difflib
import html
import math

import streamlit as st

from seqviz import viz
from seqviz.sentiment.models import CONTRAST, MAX_TOKENS, read
from seqviz.ui import cache, mymodels, picker
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.i18n import has

CHECKPOINTS = {"en": "sentiment-en", "zh": "sentiment-zh"}
MAX_LINES = 50


def controls() -> tuple[str, str]:
    """Sidebar: which language's data and models, or one of this session's own; returns (checkpoint, language)."""
    default = "zh" if st.session_state.get("lang") == "zh" else "en"
    st.session_state.setdefault("sent_lang", default)
    own = picker.ids("sentiment")  # "sent_lang" holds a language (shipped models) or a model id
    options = list(CHECKPOINTS) + own
    picker.settle("sent_lang", options, default, "sent")
    labels = {k: _option_label(k) for k in options}
    pick = st.sidebar.radio(t("sent.data"), options, key="sent_lang", format_func=labels.get)
    picker.hint(own)
    name = CHECKPOINTS.get(pick, pick)
    return name, cache.load_or_stop(name).config.lang


def _option_label(k: str) -> str:
    if k in CHECKPOINTS:
        return t(f"sent.data.{k}")
    m = mymodels.get(k)
    return f"{picker.label(k)} · {t(f'sent.data.{m.model.config.lang}')}" if m else picker.label(k)


@st.cache_resource(show_spinner=False)
def tokenizer_ready(lang: str) -> bool:
    """Load jieba's dictionary once per server (about a second), not on the first user's click."""
    from seqviz.core.text import tokenize

    tokenize("预热", lang)
    return True


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def cached_read(name: str, text: str):
    model = cache.model(name)
    tokenizer_ready(model.config.lang)
    return read(model, text)


def _verdict(p: float) -> str:
    return t("sent.pos") if p > 0.5 else t("sent.neg")


def _mark(p: float, truth: int) -> str:
    return f"{'✅' if (p > 0.5) == bool(truth) else '❌'} {_verdict(p)} ({p:.2f})"


def contrast(name: str) -> None:
    """The course's point first: sentences that differ by a negation, and how each model reads them."""
    lang = cache.model(name).config.lang
    rows = []
    for text, truth in CONTRAST[lang]:
        r = cached_read(name, text)
        rows.append(
            {
                t("sent.col.text"): text,
                t("sent.col.truth"): t("sent.pos") if truth else t("sent.neg"),
                t("sent.col.avg"): _mark(r.p_average, truth),
                t("sent.col.lstm"): _mark(r.p_lstm, truth),
            }
        )
    table(rows)
    if lang == "zh" and not mymodels.is_mine(name):  # the note describes what the shipped models learnt
        st.info(t("sent.zh_note"))


@st.cache_data(max_entries=4096, show_spinner=False)
def _close_words(word: str, name: str) -> list[str]:
    """Known words that look like `word` (difflib over the whole vocabulary: ~30 ms, so cached)."""
    return difflib.get_close_matches(word, cache.model(name).config.words[1:], n=3, cutoff=0.75)


def _suggest(words: list[str], name: str) -> str:
    out = []
    for w in words[:8]:
        close = _close_words(w, name)
        out.append(md_escape(w) + (f" → {', '.join(md_escape(c) for c in close)}" if close else ""))
    return "; ".join(out)


def yours(text: str, name: str) -> None:
    """Every line of the user's text scored by both models; one line picked apart word by word."""
    lang = cache.model(name).config.lang
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) > MAX_LINES:
        st.warning(t("sent.too_many", n=len(lines), max=MAX_LINES))
        lines = lines[:MAX_LINES]
    readings = [cached_read(name, ln) for ln in lines]
    if any(r.n_words > MAX_TOKENS for r in readings):
        st.info(t("sent.long", n=MAX_TOKENS))
    scored = [(ln, r) for ln, r in zip(lines, readings) if r.n_known]
    for ln, r in zip(lines, readings):
        if not r.n_known:
            st.warning(
                t("sent.no_known", line=md_escape(ln[:80]), words=_suggest(list(dict.fromkeys(r.tokens)), name) or "—")
                + (" " + t("sent.other_lang") if _looks_other(ln, lang) else "")
            )
    if not scored:
        return
    table(
        [
            {
                t("sent.col.text"): ln,
                t("sent.col.avg"): f"{_verdict(r.p_average)} ({r.p_average:.2f})",
                t("sent.col.lstm"): f"{_verdict(r.p_lstm)} ({r.p_lstm:.2f})",
                t("sent.col.unknown"): ", ".join(w for w, k in zip(r.tokens, r.known) if not k),
            }
            for ln, r in scored
        ]
    )
    pick = (
        st.selectbox(
            t("sent.pick"), range(len(scored)), format_func=lambda i: scored[i][0][:100], key=f"sent_pick_{lang}"
        )
        if len(scored) > 1
        else 0
    )
    line, r = scored[min(pick or 0, len(scored) - 1)]
    unknown = list(dict.fromkeys(w for w, k in zip(r.tokens, r.known) if not k))
    if unknown:
        st.info(t("sent.some_unknown", words=_suggest(unknown, name)))
    st.markdown(t("sent.verdicts", avg=_verdict(r.p_average), pa=r.p_average, lstm=_verdict(r.p_lstm), pl=r.p_lstm))
    labels = {**fig_labels(), **{k: t(f"sent.fig.{k}") for k in viz.sentiment.SENT_LABELS}}
    st.plotly_chart(figure(name, line, tuple(sorted(labels.items()))), key="sent_fig")
    left, right = st.columns(2)
    left.markdown(
        f"**{t('sent.col.avg')}**  \n" + chips(r.tokens, r.known, r.avg_contrib, r.avg_bias), unsafe_allow_html=True
    )
    right.markdown(
        f"**{t('sent.col.lstm')}**  \n" + chips(r.tokens, r.known, r.lstm_contrib, r.lstm_start), unsafe_allow_html=True
    )
    st.caption(t("sent.chips") + " " + t("sent.running_note"))


@st.cache_resource(max_entries=64, show_spinner=False)
def figure(name: str, text: str, labels: tuple):
    return cache.frozen(viz.sentiment.sentiment_figure(cached_read(name, text), dict(labels)))


CHIP = "display:inline-block;white-space:nowrap;padding:2px 6px;margin:2px;border-radius:4px;line-height:2.2;"


def _chip(text: str, value: float | None, style: str) -> str:
    number = "" if value is None else f" <small>{value:+.2f}</small>"
    title = "" if value is None else f' title="{value:+.2f}"'
    return f'<span{title} style="{CHIP}{style}">{html.escape(text)}{number}</span>'


def chips(tokens: list[str], known: list[bool], contrib: list[float], start: float) -> str:
    """The start value (bias) as a grey chip, then the words as coloured chips: green pushes towards
    positive, red towards negative, dashed unknown. Start + all chips = the verdict's log-odds."""
    out, values = [_chip(t("sent.start"), start, "background:#e0e0e0")], iter(contrib)
    scale = max([abs(c) for c in contrib] + [1e-6])
    for w, k in zip(tokens, known):
        if not k:
            out.append(_chip(w, None, "border:1px dashed #999;color:#777"))
            continue
        c = next(values)
        alpha = min(1.0, abs(c) / scale) * 0.85 + 0.1
        out.append(_chip(w, c, f"background:rgba({'46,160,67' if c > 0 else '214,39,40'},{alpha:.2f})"))
    return " ".join(out)


def _looks_other(line: str, lang: str) -> bool:
    has_cjk = any("\u4e00" <= ch <= "\u9fff" for ch in line)
    return has_cjk if lang == "en" else not has_cjk and any(ch.isalpha() for ch in line)


def pct(v) -> str:
    v = picker.number(v)  # None, NaN or not a number (a hand-edited JSON): "—"
    return "—" if math.isnan(v) else f"{100 * v:.1f}%"


def heldout(name: str) -> None:
    """Held-out accuracy of both models next to the majority-class baseline, and examples."""
    model = cache.model(name)
    meta, lang = model.meta, model.config.lang
    rows = []
    metrics = meta.get("metrics") if isinstance(meta.get("metrics"), dict) else {}
    for test, m in metrics.items():
        m = m if isinstance(m, dict) else {}
        rows.append(
            {
                t("sent.col.test"): t(f"sent.test.{test}") if has(f"sent.test.{test}") else str(test),
                t("sent.col.n"): m.get("n"),
                t("sent.col.base"): pct(m.get("majority_baseline")),
                t("sent.col.avg"): pct(m.get("average_accuracy")),
                t("sent.col.lstm"): pct(m.get("lstm_accuracy")),
                t("sent.col.neg_n"): m.get("n_with_negation"),
                t("sent.col.avg_neg"): pct(m.get("average_accuracy_with_negation")),
                t("sent.col.lstm_neg"): pct(m.get("lstm_accuracy_with_negation")),
            }
        )
    if rows:
        table(rows)
    else:
        st.info(t("sent.heldout.none"))
    data = meta.get("data") if isinstance(meta.get("data"), dict) else {}
    if mymodels.is_mine(name):  # not the shipped data: say only what the JSON records
        st.caption(
            t(
                "sent.data_note.yours",
                source=md_escape(str(data.get("source", "?"))),
                n_train=int(picker.number(data.get("n_train"), 0)),
                V=int(picker.number(data.get("n_vocabulary"), len(model.config.words) - 1)),
            )
        )
    else:
        st.caption(t(f"sent.data_note.{lang}", n_train=data["n_train"], V=data["n_vocabulary"]))
    examples = [e for e in meta.get("examples_lstm_right_average_wrong") or [] if isinstance(e, dict) and "text" in e]
    if examples:
        st.markdown(t("sent.examples"))
        table(
            [
                {
                    t("sent.col.text"): e["text"],
                    t("sent.col.truth"): t("sent.pos" if e.get("label") == "positive" else "sent.neg"),
                }
                for e in examples
            ]
        )
