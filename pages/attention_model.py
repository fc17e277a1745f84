"""Attention: the course's date translator, its α<t,t'> heatmap, decoding step by step, and the
same inputs through a seq2seq model without attention."""

import streamlit as st

from seqviz.ui import intervene, mt, t, text_source

st.title(t("mt.title"))
st.markdown(t("mt.intro"))
left, right = st.columns(2)
left.latex(r"e^{<t,t'>} = v^\top \tanh\!\big(W_e\,[s^{<t-1>};\,a^{<t'>}] + b_e\big)")
left.latex(r"\alpha^{<t,t'>} = \frac{\exp(e^{<t,t'>})}{\sum_{t''=1}^{T_x}\exp(e^{<t,t''>})}")
right.latex(r"\text{context}^{<t>} = \sum_{t'=1}^{T_x} \alpha^{<t,t'>}\, a^{<t'>}")
right.latex(
    r"\begin{aligned} s^{<t>} &= \mathrm{LSTM}\big([\text{context}^{<t>};\, y^{<t-1>}],\ s^{<t-1>}\big) \\ "
    r"\hat y^{<t>} &= \mathrm{softmax}(W_y s^{<t>} + b_y) \end{aligned}"
)  # two lines: one is too wide
st.caption(t("mt.equations"))
models = mt.models()  # which -> checkpoint name (this session's own model in its role)
mt.model_captions(models)

st.header(t("mt.yours.head"))
st.caption(t("mt.yours.explain"))
clean = text_source("mt_text", t("mt.default"))
lines = mt.lines_of(clean.text) if clean.ok else []
results = mt.translate_all(lines, models) if lines else []
if results:
    line = mt.pick(results)
    st.header(t("mt.heat.head"))
    mt.heatmap(line, models)
    st.header(t("mt.steps.head"))
    mt.decoding(line, "attention", models)
    if "plain" in models:
        st.subheader(t("mt.steps.plain_head"))
        mt.decoding(line, "plain", models)
    intervene.attention_panel(line, models)  # what if: overwrite one step's α<t,·> by hand

st.header(t("mt.compare.head"))
st.caption(t("mt.compare.explain"))
mt.compare(models, results)
