"""Named entities: many-to-many with Tx = Ty, and why the bidirectional RNN reads the sentence backwards too."""

import streamlit as st

from seqviz.ui import ner, t, text_source
from seqviz.ui.cache import architecture_figure
from seqviz.ui.export import chart

st.title(t("ner.title"))
st.markdown(t("ner.intro"))
name, lang = ner.controls()  # the shipped taggers of a language, or one of this session's own
models = ner.compared(name, lang)  # (title, checkpoint): the chosen tagger first, then the one it is compared with

st.header(t("ner.pair.head"))
st.caption(t("ner.pair.explain"))
ner.pair(lang)

st.header(t("ner.yours.head"))
st.caption(t("ner.yours.explain"))
clean = text_source(f"ner_text_{lang}", t(f"ner.default.{lang}"))
lines = ner.yours(clean.text, models, lang) if clean.ok else []

st.header(t("ner.step.head"))
c1, c2 = st.columns(2)
chart(architecture_figure("many_to_many_same"), width="stretch", key="ner_m2m", where=c1)
chart(architecture_figure("brnn"), width="stretch", key="ner_brnn", where=c2)
st.caption(t("ner.arch"))
ner.steps(lines, name)

st.header(t("ner.heldout.head"))
st.caption(t("ner.heldout.explain"))
ner.heldout(models)
st.info(t(f"ner.honest.{lang}"))
