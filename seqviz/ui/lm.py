"""Widgets and cached computations of the "Language model & sampling" page."""

from __future__ import annotations

import html

import streamlit as st

from seqviz import viz
from seqviz.core.vocab import BOUNDARY
from seqviz.rnn import ngram
from seqviz.rnn.lm import read_prompt, sample, score
from seqviz.ui import cache, picker, share
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.export import chart

CORPORA = {  # training text -> {cell: checkpoint}
    "names": cache.MODELS,
    "wiki": {"lstm": "wiki-lstm"},
    "python": {"lstm": "python-lstm"},  # source code: one stream across lines (CharLMConfig.multiline)
}
YOURS = "yours"  # the "training text" choice that lists this session's own character models
# the prompt the page suggests for each training text: a first name (the model invents the surname, then more names),
# the start of a sentence, the start of a function; none for the student's own model (its text is unknown here)
PROMPTS = {"names": "john ", "wiki": "The history of ", "python": "def ", YOURS: ""}
MAX_PROMPT_CHARS = 1000  # what the prompt box (and a link) takes; each model reads at most its own limit of it
MAX_SEED = 2**31 - 1  # the largest sampling seed a link may set
PROMPT_FOR = "_lm_prompt_for"  # session_state: the training text the prompt box last suggested for
KEPT_PROMPT = "_kept_lm_prompt"  # the prompt, kept across page switches (Streamlit forgets a widget's state)


def title(corpus: str, cell: str, name: str, markdown: bool = True) -> str:
    """How a model is named on the page: "LSTM · people's names", or "GRU · ⭐ NAME (yours)"."""
    what = picker.label(name, markdown) if corpus == YOURS else t(f"lm.corpus.{corpus}")
    return f"{cell.upper()} · {what}"


def controls() -> dict:
    """Sidebar: which training text (or this session's own model) and cell, temperature, top-k, top-p, length, seed.

    Every setting is bound to the address (seqviz.ui.share), so a link restores the view."""
    sb = st.sidebar
    share.bind("lm_seed", 0, lo=0, hi=MAX_SEED)  # no widget: the resample button counts it up
    own = picker.ids("char_lm")
    corpora = list(CORPORA) + ([YOURS] if own else [])
    share.bind("lm_corpus", "names", options=corpora)  # a link to another session's own model gets the default
    if picker.newest("lm", own):  # a model just trained: show it, once
        st.session_state.update(lm_corpus=YOURS, lm_mine=st.session_state["my_models_new"])
    picker.settle("lm_corpus", corpora, "names", "lm")
    corpus = sb.radio(t("lm.corpus"), corpora, format_func=lambda k: t(f"lm.corpus.{k}"), key="lm_corpus")
    if corpus == YOURS:
        share.bind("lm_mine", own[-1], options=own)
        picker.settle("lm_mine", own, own[-1], "lm")
        labels = {k: picker.label(k) for k in own}
        name = sb.radio(t("lm.mine"), own, format_func=labels.get, key="lm_mine")
        model = cache.load_or_stop(name)
        cell = model.config.cell
        sb.caption(
            t(
                "lm.mine.info",
                cell=cell.upper(),
                n_a=model.config.n_a,
                ppl=picker.number((model.meta.get("metrics") or {}).get("val_perplexity")),
            )
        )
    else:
        if len(CORPORA[corpus]) > 1:
            cells = list(CORPORA[corpus])
            share.bind("lm_cell", "lstm", options=cells)
            cell = sb.radio(t("cell.choose"), cells, format_func=str.upper, key="lm_cell", horizontal=True)
        else:
            cell = next(iter(CORPORA[corpus]))
        name = CORPORA[corpus][cell]
        model = cache.load_or_stop(name)  # the chosen model must load; the others are optional
        if len(CORPORA[corpus]) == 1:
            sb.caption(t("lm.one_model", cell=cell.upper(), n_a=model.config.n_a))
    picker.hint(own)
    share.bind("lm_temp", 1.0, lo=0.0, hi=2.0)
    temp = sb.slider(t("lm.temp"), 0.0, 2.0, step=0.05, key="lm_temp", help=t("lm.temp.help"))
    c1, c2 = sb.columns(2)
    share.bind("lm_topk", 0, lo=0, hi=40)
    top_k = c1.slider(t("lm.topk"), 0, 40, key="lm_topk", help=t("lm.topk.help"))
    share.bind("lm_topp", 1.0, lo=0.05, hi=1.0)
    top_p = c2.slider(t("lm.topp"), 0.05, 1.0, step=0.05, key="lm_topp", help=t("lm.topp.help"))
    share.bind("lm_len", 120, lo=10, hi=400)
    n = sb.slider(t("lm.len"), 10, 400, step=10, key="lm_len")
    sb.button(
        t("lm.resample"),
        key="lm_new",
        on_click=lambda: st.session_state.update(lm_seed=st.session_state["lm_seed"] + 1),
    )
    return dict(
        corpus=corpus,
        cell=cell,
        name=name,
        temperature=float(temp),
        top_k=int(top_k) or None,
        top_p=None if top_p >= 1 else round(float(top_p), 4),
        n=int(n),
        seed=int(st.session_state["lm_seed"]),
    )


def multiline(c: dict) -> bool:
    """Whether the chosen model reads and writes several lines as one stream (the model of source code)."""
    return bool(getattr(cache.model(c["name"]).config, "multiline", False))


def prompt_box(c: dict) -> str:
    """The prompt the model reads before it writes, with a note on whatever it cannot read as typed.

    The box suggests a prompt for each training text; an untouched suggestion follows the training text."""
    default = PROMPTS.get(c["corpus"], "")
    was = st.session_state.get(PROMPT_FOR)
    if "lm_prompt" not in st.session_state and KEPT_PROMPT in st.session_state:
        st.session_state["lm_prompt"] = st.session_state[KEPT_PROMPT]  # back from another page
    if was is not None and was != c["corpus"] and st.session_state.get("lm_prompt") == PROMPTS.get(was, ""):
        st.session_state["lm_prompt"] = default
    st.session_state[PROMPT_FOR] = c["corpus"]
    share.bind("lm_prompt", default, max_chars=MAX_PROMPT_CHARS)
    typed = st.text_area(
        t("lm.prompt"), key="lm_prompt", height=75, max_chars=MAX_PROMPT_CHARS, help=t("lm.prompt.help")
    )
    st.session_state[KEPT_PROMPT] = typed
    read = read_prompt(cache.model(c["name"]), typed)
    if read.unknown:
        chars = ", ".join(md_escape(repr(ch)) for ch in read.unknown[:30])
        st.warning(t("lm.prompt.unknown", chars=chars, n=len(read.unknown)))
    if typed and not read.text:
        st.info(t("lm.prompt.nothing"))
    if read.mapped:
        pairs = ", ".join(f"{md_escape(a)} → {md_escape(b)}" for a, b in list(read.mapped.items())[:30])
        st.info(t("lm.prompt.mapped", pairs=pairs))
    if read.cut:
        st.warning(t("lm.prompt.cut", n=read.cut + len(read.ids), limit=read.limit))
    if BOUNDARY in read.text[:-1] and not multiline(c):
        st.caption(t("lm.prompt.lines"))
    return typed


@st.cache_data(max_entries=128, show_spinner=False)
def cached_sample(
    name: str, n: int, temperature: float, top_k: int | None, seed: int, top_p: float | None = None, prompt: str = ""
):
    return sample(cache.model(name), n, temperature, top_k, seed, top_p=top_p, prompt=prompt)


def _args(c: dict, prompt: str) -> tuple:
    """The cache key of the page's sample."""
    return c["name"], c["n"], c["temperature"], c["top_k"], c["seed"], c["top_p"], prompt


@st.cache_resource(max_entries=64, show_spinner=False)
def sample_figure(args: tuple, labels: tuple):
    return cache.frozen(viz.rnn.sample_animation(cached_sample(*args), dict(labels)))


@st.cache_resource(max_entries=64, show_spinner=False)
def boundary_figure(args: tuple):
    """The course's one-to-many picture around the first sampled step: the prompt's last characters read (teacher
    forcing), then the samples fed back."""
    from seqviz.viz.base import token_label
    from seqviz.viz.diagrams import sampling_figure

    s = cached_sample(*args)
    P = len(s.prompt.ids)
    ids = list(s.prompt.ids) + list(s.chosen)  # what each step's ŷ<t> led to
    inputs = [token_label(BOUNDARY)] + [token_label(s.vocab[i]) for i in ids[:-1]]
    p = list(s.prompt_p) + [float(s.raw[t, k]) for t, k in enumerate(s.chosen)]
    drawn = [None] * P + [float(s.probs[t, k]) for t, k in enumerate(s.chosen)]
    fed = [i > P for i in range(len(ids))]  # x<t> = the character drawn at t − 1
    return cache.frozen(sampling_figure(inputs, [token_label(s.vocab[i]) for i in ids], p, P, fed=fed, drawn=drawn))


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def cached_score(name: str, text: str):
    return score(cache.model(name), text)


def _html(text: str) -> str:
    """Text for a one-line HTML block in Markdown: escaped, no newline (a blank line would end the block), no $."""
    return html.escape(text).replace("$", "&#36;")


def written_html(s, multiline: bool = False) -> str:
    """The prompt (grey, each character with its P under the model) and the continuation (bold), HTML-escaped.

    A line ends in ⏎: on a line of its own for a model of several-line items (source code), else inline (names)."""
    end = '<span style="color:#999">⏎</span><br>' if multiline else '<span style="color:#999">⏎ </span>'
    parts = []
    for ch, p in zip(s.prompt.text, s.prompt_p):
        shown = end if ch == BOUNDARY else _html(ch)
        parts.append(f'<span title="P = {p:.3f}" style="background:#e5e7eb;color:#4b5563">{shown}</span>')
    parts.append('<b style="color:#111">' + end.join(_html(line) for line in s.text.split(BOUNDARY)) + "</b>")
    return (
        '<div style="font-family:monospace;font-size:18px;line-height:1.7;white-space:pre-wrap;'
        'word-break:break-all">' + "".join(parts) + "</div>"
    )


def sampling(c: dict, prompt: str = "") -> None:
    """The animated sampling figure, the prompt and what the model wrote after it, and notes on odd settings."""
    name = c["name"]
    V = len(cache.model(name).vocab)
    if c["temperature"] == 0:
        st.info(t("lm.temp0"))
    if c["top_k"] and c["top_k"] >= V:
        st.info(t("lm.topk_big", k=c["top_k"], V=V))
    labels = {**fig_labels(), **{k: t(f"lm.fig.{k}") for k in viz.rnn.LM_LABELS}}
    args = _args(c, prompt)
    s = cached_sample(*args)
    if len(s.prompt.ids):
        st.caption(t("lm.written.explain", n=len(s.prompt.ids)))
    st.markdown(written_html(s, multiline(c)), unsafe_allow_html=True)
    chart(sample_figure(args, tuple(sorted(labels.items()))), key="sample_fig")
    if len(s.chosen) and c["temperature"] > 0 and (c["top_k"] or c["top_p"]):
        st.caption(t("lm.survive", k=float((s.probs > 0).sum(axis=1).mean()), V=V))
    if len(s.prompt.ids) and len(s.chosen):
        st.caption(t("lm.boundary.explain"))
        chart(boundary_figure(args), key="boundary_fig")
    lines = s.lines()
    st.markdown(t("lm.sampled", n=len(lines)))
    st.code("\n".join(lines) or "—", language=None, wrap_lines=True)


def scoring(text: str, c: dict) -> None:
    """Log-likelihood and perplexity of the user's text under every model, and a surprise strip."""
    rows = []
    models = [(corpus, cell, name) for corpus, cells in CORPORA.items() for cell, name in cells.items()]
    models += [(YOURS, cache.model(name).config.cell, name) for name in picker.ids("char_lm")]
    for corpus, cell, name in models:
        if not cache.available(name):
            continue  # a missing checkpoint just leaves its row out
        sc = cached_score(name, text)
        val = picker.number((cache.model(name).meta.get("metrics") or {}).get("val_perplexity"), None)
        rows.append(
            {
                t("lm.col.model"): title(corpus, cell, name, markdown=False),
                t("lm.col.n"): sc.n,
                t("lm.col.ll"): round(sc.log_likelihood, 2),
                t("lm.col.ppl"): round(sc.perplexity, 3),
                t("lm.col.val"): val,
            }
        )
    sc = cached_score(c["name"], text)
    if not any(k for ch, k in zip(sc.chars, sc.known) if ch != "\n"):
        st.warning(
            t("lm.no_known", V=len(cache.model(c["name"]).vocab) - 1)
        )  # only line ends would be scored: nothing to say
        return
    unknown = sorted({ch for ch, k in zip(sc.chars, sc.known) if not k})
    if unknown:
        st.warning(t("problem.unknown", chars=", ".join(md_escape(repr(c)) for c in unknown[:30])))
    table(rows)
    st.caption(t("lm.strip", cell=title(c["corpus"], c["cell"], c["name"])))
    st.markdown(viz.rnn.surprise_html(sc), unsafe_allow_html=True)


def baseline(c: dict) -> None:
    """The shipped n-gram table of the chosen training text, next to the neural models."""
    if c["corpus"] == YOURS:
        st.info(t("lm.ngram.yours"))  # counted only for the shipped training texts
        return
    saved = ngram.load_baseline()
    if not saved or c["corpus"] not in saved.get("corpora", {}):
        st.info(t("lm.ngram.missing"))
        return
    part = saved["corpora"][c["corpus"]]
    table(
        [
            {
                t("lm.col.model"): r["model"],
                t("lm.ngram.col.ppl"): r["perplexity"],
                t("lm.ngram.col.kind"): t("lm.ngram.kind.ngram") if r.get("n") else t("lm.ngram.kind.neural"),
            }
            for r in sorted(part["rows"], key=lambda r: -r["perplexity"])
        ]
    )
    best = lambda rows: min(rows, key=lambda r: r["perplexity"]) if rows else None
    ng, nn = best([r for r in part["rows"] if r.get("n")]), best([r for r in part["rows"] if not r.get("n")])
    if ng and nn:
        gap = abs(ng["perplexity"] - nn["perplexity"]) / min(ng["perplexity"], nn["perplexity"])
        key = (
            "lm.ngram.level"
            if gap < 0.03
            else "lm.ngram.wins"
            if ng["perplexity"] < nn["perplexity"]
            else "lm.ngram.loses"
        )
        st.markdown(
            t(
                key,
                ngram=ng["model"],
                p_ngram=ng["perplexity"],
                neural=nn["model"],
                p_neural=nn["perplexity"],
                n_lines=part["n_eval_lines"],
            )
        )
    st.caption(
        t(
            "lm.ngram.caption",
            n_lines=part["n_eval_lines"],
            n_chars=part["n_eval_chars"],
            n_train=part["n_train_lines"],
            lib=saved["library"],
        )
    )
