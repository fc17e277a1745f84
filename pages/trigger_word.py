"""Trigger word detection: a GRU hears "activate" in ten seconds of sound, a spectrogram in and ŷ<t> out."""

import streamlit as st

from seqviz.ui import speech, t

st.title(t("trig.title"))
st.markdown(t("trig.intro"))
name = speech.controls()  # the shipped model (or one of this session's own), loaded, with its clips

st.header(t("trig.hear.head"))
st.caption(t("trig.hear.explain"))
heard = speech.source(name)  # a shipped clip, or the student's WAV / recording (bad files get a message)
thr = speech.threshold(name)
speech.listen(name, heard, thr)  # the sound, the sound with the chime, x<t> and ŷ<t> on one time axis

st.header(t("trig.step.head"))
st.caption(t("trig.step.explain"))
speech.steps(name, heard, thr)  # the many-to-many diagram with this model's numbers at step t

st.header(t("trig.heldout.head"))
speech.heldout(name)  # recall and false alarms per voice, held-out voices marked
st.info(t("trig.honest"))
