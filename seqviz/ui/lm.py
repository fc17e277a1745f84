"""Widgets and cached computations of the "Language model & sampling" page."""
from __future__ import annotations

import streamlit as st

from seqviz import plots
from seqviz.lm import sample, score
from seqviz.ui import cache
from seqviz.ui.common import fig_labels, md_escape, t


def controls() -> dict:
    """Sidebar: which cell, temperature, top-k, length, seed."""
    sb = st.sidebar
    for k, v in dict(lm_cell="lstm", lm_temp=1.0, lm_topk=0, lm_len=120, lm_seed=0).items():
        st.session_state.setdefault(k, v)
    cell = sb.radio(t("cell.choose"), list(cache.MODELS), format_func=str.upper, key="lm_cell", horizontal=True)
    temp = sb.slider(t("lm.temp"), 0.0, 2.0, step=0.05, key="lm_temp", help=t("lm.temp.help"))
    top_k = sb.slider(t("lm.topk"), 0, 40, key="lm_topk", help=t("lm.topk.help"))
    n = sb.slider(t("lm.len"), 10, 400, step=10, key="lm_len")
    sb.button(t("lm.resample"), key="lm_new", on_click=lambda: st.session_state.update(
        lm_seed=st.session_state["lm_seed"] + 1))
    return dict(cell=cell, temperature=float(temp), top_k=int(top_k) or None, n=int(n),
                seed=int(st.session_state["lm_seed"]))


@st.cache_data(max_entries=128, show_spinner=False)
def cached_sample(name: str, n: int, temperature: float, top_k: int | None, seed: int):
    return sample(cache.model(name), n, temperature, top_k, seed)


@st.cache_resource(max_entries=64, show_spinner=False)
def sample_figure(name: str, n: int, temperature: float, top_k: int | None, seed: int, labels: tuple):
    return cache.frozen(plots.sample_animation(cached_sample(name, n, temperature, top_k, seed), dict(labels)))


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def cached_score(name: str, text: str):
    return score(cache.model(name), text)


def sampling(c: dict) -> None:
    """The animated sampling figure, the names it made, and notes on odd settings."""
    name = cache.MODELS[c["cell"]]
    V = len(cache.model(name).vocab)
    if c["temperature"] == 0:
        st.info(t("lm.temp0"))
    if c["top_k"] and c["top_k"] >= V:
        st.info(t("lm.topk_big", k=c["top_k"], V=V))
    labels = {**fig_labels(), **{k: t(f"lm.fig.{k}") for k in plots.LM_LABELS}}
    s = cached_sample(name, c["n"], c["temperature"], c["top_k"], c["seed"])
    fig = sample_figure(name, c["n"], c["temperature"], c["top_k"], c["seed"], tuple(sorted(labels.items())))
    st.plotly_chart(fig, key="sample_fig")
    lines = s.lines()
    st.markdown(t("lm.sampled", n=len(lines)))
    st.code("\n".join(lines) or "—", language=None)


def scoring(text: str) -> None:
    """Log-likelihood and perplexity of the user's text under all three cells, and a surprise strip."""
    rows, chosen = [], st.session_state.get("lm_cell", "lstm")
    for cell, name in cache.MODELS.items():
        sc = cached_score(name, text)
        rows.append({t("lm.col.model"): cell.upper(), t("lm.col.n"): sc.n,
                     t("lm.col.ll"): round(sc.log_likelihood, 2), t("lm.col.ppl"): round(sc.perplexity, 3),
                     t("lm.col.val"): cache.model(name).meta.get("metrics", {}).get("val_perplexity")})
    sc = cached_score(cache.MODELS[chosen], text)
    if not any(k for ch, k in zip(sc.chars, sc.known) if ch != "\n"):
        st.warning(t("lm.no_known"))                 # only line ends would be scored: nothing to say
        return
    unknown = sorted({ch for ch, k in zip(sc.chars, sc.known) if not k})
    if unknown:
        st.warning(t("problem.unknown", chars=", ".join(md_escape(repr(c)) for c in unknown[:30])))
    st.dataframe(rows, hide_index=True)
    st.caption(t("lm.strip", cell=chosen.upper()))
    st.markdown(plots.surprise_html(sc), unsafe_allow_html=True)
