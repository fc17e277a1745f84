"""Transformer: the date translator as a Transformer trained here, its cross-attention beside the RNN's α<t,t'>,
every head, the positional encodings, one query by the numbers, beam search, and held-out numbers side by side."""

import streamlit as st

from seqviz.ui import t
from seqviz.ui import transformer as tf

st.title(t("tf.title"))
st.markdown(t("tf.intro"))
models = tf.models()  # which -> checkpoint: "tf", and the RNN translators "attention" / "plain" when they load

st.header(t("tf.pair.head"))
text = tf.date_input()
if text:
    tr = tf.side_by_side(text, models)

    st.header(t("tf.heads.head"))
    st.markdown(t("tf.heads.intro"))
    st.latex(
        r"\text{MultiHead}(Q, K, V) = \text{concat}(\text{head}_1, \ldots, \text{head}_h)\,W^O,\quad "
        r"\text{head}_i = \text{Attention}(Q W_i^Q,\ K W_i^K,\ V W_i^V)"
    )
    tf.heads(text, models["tf"])

    st.header(t("tf.pe.head"))
    st.markdown(t("tf.pe.intro"))
    tf.positions(text, models["tf"])

    st.header(t("tf.q.head"))
    st.latex(r"\text{Attention}(Q, K, V) = \text{softmax}\!\Big(\frac{Q K^\top}{\sqrt{d_k}}\Big)\, V")
    st.markdown(t("tf.q.intro"))
    tf.query(text, tr, models["tf"])

    st.header(t("tf.beam.head"))
    st.caption(t("tf.beam.intro"))
    tf.search(text, models["tf"])

st.header(t("tf.heldout.head"))
tf.heldout(models)
