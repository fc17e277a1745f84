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

glove = name in (sentiment.LEARNT, sentiment.GLOVE)  # the shipped English models: E learnt here vs E = GloVe
if glove:  # the course's Emojify V1 / V2: E = GloVe 6B, frozen, reads words no training sentence has
    st.header(t("sent.glove.head"))
    sentiment.glove_section()

st.header(t("sent.yours.head", n=3 if glove else 2))
st.caption(t("sent.yours.explain"))
clean = text_source(f"sent_text_{lang}", t(f"sent.default.{lang}"))
if clean.ok:
    sentiment.yours(clean.text, name)

st.header(t("sent.heldout.head", n=4 if glove else 3))
sentiment.heldout(name)
