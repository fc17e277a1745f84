"""Widgets and cached computations of the "Sentiment" page."""

from __future__ import annotations

import difflib
import html
import math

import streamlit as st

from seqviz import viz
from seqviz.sentiment.models import CONTRAST, MAX_TOKENS, read, unseen_word
from seqviz.ui import cache, mymodels, picker, share
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.export import chart
from seqviz.ui.i18n import has

CHECKPOINTS = {"en": "sentiment-en", "en-glove": "sentiment-en-glove", "zh": "sentiment-zh"}
LEARNT, GLOVE = CHECKPOINTS["en"], CHECKPOINTS["en-glove"]  # E learnt here / E = GloVe 6B 50d, frozen
MAX_LINES = 50
OWN_WORDS = 6  # words of the unseen-word box that get a row
WORD_CHARS = 100  # characters the unseen-word box takes (a link too)


def controls() -> tuple[str, str]:
    """Sidebar: which language's data and models, or one of this session's own; returns (checkpoint, language)."""
    default = "zh" if st.session_state.get("lang") == "zh" else "en"
    own = picker.ids("sentiment")  # "sent_lang" holds a language (shipped models) or a model id
    options = list(CHECKPOINTS) + own
    share.bind("sent_lang", default, options=options)  # a link naming another session's model gets the default
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
    if m is None:
        return picker.label(k)
    key = f"{m.model.config.lang}-glove" if m.model.config.vectors else m.model.config.lang
    return f"{picker.label(k)} · {t(f'sent.data.{key}')}"


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
    """Known words that look like `word` (difflib over the whole vocabulary: ~30 ms, so cached; over GloVe's most
    frequent 50,000 words when E is GloVe)."""
    model = cache.model(name)
    if model.vectors is not None:
        return model.vectors.suggest(word, 3) if not _has_cjk(word) else []
    return difflib.get_close_matches(word, model.config.words[1:], n=3, cutoff=0.75)


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
    if cache.model(name).vectors is not None and any(_has_cjk(ln) for ln in lines):
        st.warning(t("sent.glove.zh"))
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
    pick = 0
    if len(scored) > 1:  # which line is picked apart: its index among the scored lines
        share.bind(f"sent_pick_{lang}", 0, lo=0, hi=len(scored) - 1)
        pick = st.selectbox(
            t("sent.pick"), range(len(scored)), format_func=lambda i: scored[i][0][:100], key=f"sent_pick_{lang}"
        )
    line, r = scored[min(pick or 0, len(scored) - 1)]
    unknown = list(dict.fromkeys(w for w, k in zip(r.tokens, r.known) if not k))
    if unknown:
        st.info(t("sent.some_unknown", words=_suggest(unknown, name)))
    st.markdown(t("sent.verdicts", avg=_verdict(r.p_average), pa=r.p_average, lstm=_verdict(r.p_lstm), pl=r.p_lstm))
    labels = {**fig_labels(), **{k: t(f"sent.fig.{k}") for k in viz.sentiment.SENT_LABELS}}
    chart(figure(name, line, tuple(sorted(labels.items()))), key="sent_fig")
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


def _has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _looks_other(line: str, lang: str) -> bool:
    has_cjk = _has_cjk(line)
    return has_cjk if lang == "en" else not has_cjk and any(ch.isalpha() for ch in line)


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
                t("sent.col.base"): picker.pct(m.get("majority_baseline"), 1),
                t("sent.col.avg"): picker.pct(m.get("average_accuracy"), 1),
                t("sent.col.lstm"): picker.pct(m.get("lstm_accuracy"), 1),
                t("sent.col.neg_n"): m.get("n_with_negation"),
                t("sent.col.avg_neg"): picker.pct(m.get("average_accuracy_with_negation"), 1),
                t("sent.col.lstm_neg"): picker.pct(m.get("lstm_accuracy_with_negation"), 1),
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
        note = "en-glove" if model.vectors is not None else lang
        st.caption(t(f"sent.data_note.{note}", n_train=data["n_train"], V=data["n_vocabulary"]))
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


# ---------------------------------------------------------------- E learnt here vs E = GloVe 6B (Emojify V1 / V2)


@st.cache_data(max_entries=256, show_spinner=False)
def cached_unseen(word: str):
    """The frozen-GloVe models' reading of one word and its nearest training words; the learnt-E models' reading."""
    glove = cache.model(GLOVE)
    return unseen_word(glove, word, glove.meta.get("train_vocabulary") or []), cached_read(LEARNT, word)


def _cell(p: float, expected: str | None) -> str:
    if math.isnan(p):
        return t("sent.glove.unknown")
    mark = "" if expected is None else ("✅ " if (p > 0.5) == (expected == "positive") else "❌ ")
    return f"{mark}{_verdict(p)} ({p:.2f})"


def _unseen_row(word: str, expected: str | None) -> dict:
    u, learnt = cached_unseen(word)
    near = ", ".join(f"{w} {c:.2f}" for w, c in u.neighbours[:3]) or "—"
    if math.isnan(learnt.p_average):  # the learnt E has no row for it: both models leave it out
        by_learnt = t("sent.glove.unknown")
    else:
        by_learnt = f"{_cell(learnt.p_average, expected)} · {_cell(learnt.p_lstm, expected)}"
    return {
        t("sent.glove.col.word"): u.word,
        t("sent.col.truth"): t(f"sent.{expected[:3]}") if expected else "—",
        t("sent.glove.col.near"): near,
        t("sent.glove.col.g_avg"): _cell(u.p_average, expected),
        t("sent.glove.col.g_lstm"): _cell(u.p_lstm, expected),
        t("sent.glove.col.learnt_both"): by_learnt,
    }


def _own_words() -> tuple[list[str], list[str]]:
    """The panel's own box: (the words typed that GloVe holds, at most OWN_WORDS; messages about the rest)."""
    share.bind("sent_glove_word", "", max_chars=WORD_CHARS)
    raw = st.text_input(t("sent.glove.try"), key="sent_glove_word", max_chars=WORD_CHARS, placeholder="sublime")
    if not raw.strip():
        return [], []
    glove, notes = cache.model(GLOVE), []
    tokens = [w for w in dict.fromkeys(glove.tokenize(raw)) if any(ch.isalpha() for ch in w)]
    if _has_cjk(raw):
        notes.append(t("sent.glove.zh"))
    if raw.strip() != raw.strip().lower():
        notes.append(t("sent.glove.lowered", low=md_escape(" ".join(tokens))))
    missing = [w for w in tokens if not glove.index.get(w, 0) and not _has_cjk(w)]
    if missing:
        notes.append(t("sent.glove.not_in_glove", words=_suggest(missing, GLOVE)))
    words = [w for w in tokens if glove.index.get(w, 0)]
    if len(words) > OWN_WORDS:
        notes.append(t("sent.glove.first", n=OWN_WORDS))
    trained = set(glove.meta.get("train_vocabulary") or [])  # once, not once per word
    seen = [w for w in words[:OWN_WORDS] if w in trained]
    if seen:
        notes.append(t("sent.glove.seen", words=", ".join(md_escape(w) for w in seen)))
    return words[:OWN_WORDS], notes


def glove_section() -> None:
    """The course's point of Emojify V1 / V2: with E = GloVe (frozen), words no training sentence has get a sensible
    verdict, because their vectors lie near words that were trained on; then held-out accuracy with each E."""
    if not (cache.available(GLOVE) and cache.available(LEARNT)):
        st.info(t("sent.glove.missing", name=GLOVE))
        return
    glove = cache.model(GLOVE)
    st.caption(t("sent.glove.explain"))
    examples = [e for e in glove.meta.get("unseen_words") or [] if isinstance(e, dict) and "word" in e]
    if examples:
        table([_unseen_row(e["word"], e.get("expected")) for e in examples])
    st.caption(t("sent.glove.unknown_note"))
    words, notes = _own_words()
    for note in notes:
        st.info(note)
    if words:
        table([_unseen_row(w, None) for w in words])
    st.markdown(t("sent.glove.compare"))
    comparison()


def comparison() -> None:
    """Held-out accuracy: {averaging, LSTM} x {E learnt here, E = GloVe}, as the two checkpoints' JSON record it."""
    metrics = {}
    for name in (LEARNT, GLOVE):
        m = cache.model(name).meta.get("metrics")
        metrics[name] = m if isinstance(m, dict) else {}
    tests = [k for k in metrics[LEARNT] if k in metrics[GLOVE]]
    rows = []
    for test in tests:
        for which in ("average", "lstm"):
            row = {
                t("sent.col.test"): t(f"sent.test.{test}") if has(f"sent.test.{test}") else str(test),
                t("sent.glove.col.model"): t("sent.col.avg" if which == "average" else "sent.col.lstm"),
            }
            for name, col in ((LEARNT, "sent.glove.col.learnt"), (GLOVE, "sent.glove.col.glove")):
                m = metrics[name][test] if isinstance(metrics[name][test], dict) else {}
                row[t(col)] = t("sent.glove.acc", acc=picker.pct(m.get(f"{which}_accuracy"), 1), n=m.get("n", "—"))
            rows.append(row)
    if rows:
        table(rows)
    st.caption(t("sent.glove.compare_note"))
