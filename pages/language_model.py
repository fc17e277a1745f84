"""Language model & sampling: continue a prompt (temperature, top-k, top-p), sample novel names, score text."""

import streamlit as st

from seqviz.ui import lm, t, text_source

st.title(t("lm.title"))
st.markdown(t("lm.intro"))
st.latex(r"P(y^{<1>}, \ldots, y^{<T_y>}) = \prod_{t=1}^{T_y} P(y^{<t>} \mid y^{<1>}, \ldots, y^{<t-1>})")
settings = lm.controls()

st.header(t("lm.sample.head"))
st.caption(t("lm.sample.explain") + (" " + t("lm.multiline") if lm.multiline(settings) else ""))
prompt = lm.prompt_box(settings)
lm.sampling(settings, prompt)

st.header(t("lm.score.head"))
st.caption(t("lm.score.explain") + (" " + t("lm.multiline.score") if lm.multiline(settings) else ""))
st.latex(t("lm.ppl_formula"))
clean = text_source("lm_text", t("lm.default_text"))
if clean.ok:
    lm.scoring(clean.text, settings)

st.header(t("lm.ngram.head"))
st.caption(t("lm.ngram.explain"))
lm.baseline(settings)
