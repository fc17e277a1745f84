"""Training studio: train a character model, word vectors, the date translator or the sentiment
classifiers on bundled or your own data, watch it learn, and use it on every page of your session."""

import streamlit as st

from seqviz.ui import t, train

st.title(t("train.title"))
st.markdown(t("train.intro"))
train.limits_caption()
train.watch()

st.header(t("train.new"))
train.launcher()

st.header(t("train.mine"))
st.caption(t("train.mine.explain"))
train.my_models_panel()
train.upload_error()
train.upload_panel()
st.caption(t("train.cli"))
st.code(
    "python -m seqviz.training.studio char_lm --file class.txt --cell gru --epochs 10 --name our-class --out models/\n"
    "python -m seqviz.training.studio dates --start date-attention --epochs 3 --name dates-more\n"
    "python -m seqviz.training.studio --help",
    language="bash",
)
