"""Music generation: an LSTM writes Bach chorales one token at a time (one-to-many), seen as a piano roll and heard."""

import streamlit as st

from seqviz.ui import music, t
from seqviz.ui.cache import architecture_figure
from seqviz.ui.export import chart

st.title(t("music.title"))
st.markdown(t("music.intro"))
settings = music.controls()  # the model, the seed, temperature, top-k, length and sampling seed

st.header(t("music.pieces.head"))
st.caption(t("music.pieces.explain"))
seed = music.seed(settings)  # the seed's notes (messages on a file it could not use as it was)
shown = music.pieces(settings, seed)

st.header(t("music.steps.head"))
c1, c2 = st.columns([2, 3])
chart(architecture_figure("one_to_many"), width="stretch", key="mus_arch", where=c1)
c2.markdown(t("music.arch"))
music.steps(shown)

st.header(t("music.surprise.head"))
st.caption(t("music.surprise.explain"))
music.surprise_section(settings, shown)

st.header(t("music.heldout.head"))
music.heldout_table(settings)
st.info(t("music.honest"))
