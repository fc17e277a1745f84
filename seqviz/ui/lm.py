"""Widgets and cached computations of the "Language model & sampling" page."""

from __future__ import annotations

import streamlit as st

from seqviz import viz
from seqviz.rnn import ngram
from seqviz.rnn.lm import sample, score
from seqviz.ui import cache, picker
from seqviz.ui.common import fig_labels, md_escape, t, table

CORPORA = {  # training text -> {cell: checkpoint}
    "names": cache.MODELS,
    "wiki": {"lstm": "wiki-lstm"},
    "python": {"lstm": "python-lstm"},  # source code: one stream across lines (CharLMConfig.multiline)
}
YOURS = "yours"  # the "training text" choice that lists this session's own character models


def title(corpus: str, cell: str, name: str, markdown: bool = True) -> str:
    """How a model is named on the page: "LSTM · people's names", or "GRU · ⭐ NAME (yours)"."""
    what = picker.label(name, markdown) if corpus == YOURS else t(f"lm.corpus.{corpus}")
    return f"{cell.upper()} · {what}"


def controls() -> dict:
    """Sidebar: which training text (or this session's own model) and cell, temperature, top-k, length, seed."""
    sb = st.sidebar
    for k, v in dict(lm_corpus="names", lm_cell="lstm", lm_temp=1.0, lm_topk=0, lm_len=120, lm_seed=0).items():
        st.session_state.setdefault(k, v)
    own = picker.ids("char_lm")
    corpora = list(CORPORA) + ([YOURS] if own else [])
    if picker.newest("lm", own):  # a model just trained: show it, once
        st.session_state.update(lm_corpus=YOURS, lm_mine=st.session_state["my_models_new"])
    picker.settle("lm_corpus", corpora, "names", "lm")
    corpus = sb.radio(t("lm.corpus"), corpora, format_func=lambda k: t(f"lm.corpus.{k}"), key="lm_corpus")
    if corpus == YOURS:
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
            cell = sb.radio(
                t("cell.choose"), list(CORPORA[corpus]), format_func=str.upper, key="lm_cell", horizontal=True
            )
        else:
            cell = next(iter(CORPORA[corpus]))
        name = CORPORA[corpus][cell]
        model = cache.load_or_stop(name)  # the chosen model must load; the others are optional
        if len(CORPORA[corpus]) == 1:
            sb.caption(t("lm.one_model", cell=cell.upper(), n_a=model.config.n_a))
    picker.hint(own)
    temp = sb.slider(t("lm.temp"), 0.0, 2.0, step=0.05, key="lm_temp", help=t("lm.temp.help"))
    top_k = sb.slider(t("lm.topk"), 0, 40, key="lm_topk", help=t("lm.topk.help"))
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
        n=int(n),
        seed=int(st.session_state["lm_seed"]),
    )


def multiline(c: dict) -> bool:
    """Whether the chosen model reads and writes several lines as one stream (the model of source code)."""
    return bool(getattr(cache.model(c["name"]).config, "multiline", False))


@st.cache_data(max_entries=128, show_spinner=False)
def cached_sample(name: str, n: int, temperature: float, top_k: int | None, seed: int):
    return sample(cache.model(name), n, temperature, top_k, seed)


@st.cache_resource(max_entries=64, show_spinner=False)
def sample_figure(name: str, n: int, temperature: float, top_k: int | None, seed: int, labels: tuple):
    return cache.frozen(viz.rnn.sample_animation(cached_sample(name, n, temperature, top_k, seed), dict(labels)))


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def cached_score(name: str, text: str):
    return score(cache.model(name), text)


def sampling(c: dict) -> None:
    """The animated sampling figure, the names it made, and notes on odd settings."""
    name = c["name"]
    V = len(cache.model(name).vocab)
    if c["temperature"] == 0:
        st.info(t("lm.temp0"))
    if c["top_k"] and c["top_k"] >= V:
        st.info(t("lm.topk_big", k=c["top_k"], V=V))
    labels = {**fig_labels(), **{k: t(f"lm.fig.{k}") for k in viz.rnn.LM_LABELS}}
    s = cached_sample(name, c["n"], c["temperature"], c["top_k"], c["seed"])
    fig = sample_figure(name, c["n"], c["temperature"], c["top_k"], c["seed"], tuple(sorted(labels.items())))
    st.plotly_chart(fig, key="sample_fig")
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
