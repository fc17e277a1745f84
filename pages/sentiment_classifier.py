"""Sentiment: averaging word vectors vs an LSTM, on the course's "not feeling happy" contrast."""

import streamlit as st

from seqviz.ui import sentiment, t, text_source

st.title(t("sent.title"))
st.markdown(t("sent.intro"))
name, lang = sentiment.controls()  # a shipped pair of models, or one of this session's own

st.header(t("sent.contrast.head"))
st.caption(t("sent.contrast.explain"))
sentiment.contrast(name)
st.info(t("sent.why"))

st.header(t("sent.yours.head"))
st.caption(t("sent.yours.explain"))
clean = text_source(f"sent_text_{lang}", t(f"sent.default.{lang}"))
if clean.ok:
    sentiment.yours(clean.text, name)

st.header(t("sent.heldout.head"))
sentiment.heldout(name)
