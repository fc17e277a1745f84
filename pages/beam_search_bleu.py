"""Beam search & BLEU: the search tree step by step (B, α), a forced prefix, the course's error
analysis, and BLEU with its clipped counts, p1..p4 and brevity penalty (sacrebleu)."""

import streamlit as st

from seqviz.ui import beam, t

st.title(t("beam.title"))
st.markdown(t("beam.intro"))
left, right = st.columns(2)
left.latex(r"\hat y = \arg\max_{y} \prod_{t=1}^{T_y} P(y^{<t>} \mid x, y^{<1>}, \ldots, y^{<t-1>})")
right.latex(
    r"\text{score}(y) = \frac{1}{T_y^{\,\alpha}} \sum_{t=1}^{T_y} \log P(y^{<t>} \mid x, y^{<1>}, \ldots, y^{<t-1>})"
)
settings = beam.controls()

st.header(t("beam.search.head"))
st.caption(t("beam.search.explain"))
text = beam.date_input()
if text:
    own = beam.search(settings, text)
    st.header(t("beam.prefix.head"))
    st.caption(t("beam.prefix.intro"))
    beam.what_if(settings, text, own)
    st.header(t("beam.error.head"))
    st.caption(t("beam.error.explain"))
    beam.error_analysis(settings, text, own)

st.header(t("bleu.head"))
st.caption(t("bleu.explain"))
st.latex(
    r"p_n = \frac{\sum_{\text{n-gram} \in \hat y} \text{Count}_{\text{clip}}(\text{n-gram})}"
    r"{\sum_{\text{n-gram} \in \hat y} \text{Count}(\text{n-gram})}\qquad "
    r"\mathrm{BP} = \begin{cases} 1 & c > r \\ e^{\,1 - r/c} & c \le r \end{cases}"
)
beam.bleu_panel()
