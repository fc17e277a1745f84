"""Vanishing and exploding gradients: ‖∂L/∂a<t>‖ across time for RNN, GRU and LSTM, clipping, BPTT, and a live
experiment."""

import streamlit as st

from seqviz import viz
from seqviz.ui import gradients as ui
from seqviz.ui import t
from seqviz.ui.export import chart

st.title(t("grad.title"))
st.markdown(t("grad.intro"))
settings = ui.controls()
labels = {k: t(f"grad.fig.{k}") for k in viz.rnn.GRAD_LABELS}
ui.presets()

view = ui.compute(**settings)
figs = ui.figures(tuple(settings.items()), tuple(labels.items()))
st.header(t("grad.norms.head"))
st.caption(t("grad.norms.explain"))
st.caption(t(f"grad.source.note.{settings['source']}"))
chart(figs["norms"], key="norms_fig")
ui.summaries(view["norms"])
ui.status(view, settings)

st.header(t("grad.clip.head"))
st.markdown(t("grad.clip.explain"))
st.latex(t("grad.clip.rule"))

st.header(t("grad.jac.head"))
st.caption(t("grad.jac.explain"))
chart(figs["jac"], key="jac_fig")
st.markdown(
    t("grad.jac.w_norm", w=view["w_norm"], act=settings["activation"], gamma=ui.DERIVATIVE_MAX[settings["activation"]])
)

st.header(t("grad.bptt.head"))
st.caption(t("grad.bptt.explain"))
chart(figs["bptt"], key="bptt_fig", config={"staticPlot": True})

st.header(t("grad.exp.head"))
st.markdown(t("grad.exp.explain"))
ui.experiment(labels)
