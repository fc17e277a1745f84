"""Inside the RNN cell: a<t>, the gates and c<t> of a trained character model reading the user's text."""

import streamlit as st

from seqviz.ui import cache, fig_labels, intervene, panels, t, text_source
from seqviz.ui.export import chart

st.title(t("cell.title"))
st.markdown(t("cell.intro"))

name, model = panels.choose_model()  # RNN / GRU / LSTM, or one of this session's own models
cell = model.config.cell
panels.model_caption(model, name)

clean = text_source(*panels.text_key(), height=180 if name in panels.STRUCTURED.values() else 100)
if clean.ok:
    trace = cache.trace(name, clean.text)
    panels.input_notes(trace)
    labels = tuple(sorted(fig_labels().items()))
    unit = panels.unit_picker(trace, name, clean.text)

    st.header(t("cell.state.head"))
    st.caption(
        t("cell.state.explain") + " " + t("cell.state.multiline" if model.config.multiline else "cell.state.lines")
    )
    chart(cache.state_figure(name, clean.text, labels), key="state_fig")
    panels.export_trace(trace, name)  # a<t>, c<t> and the gates as CSV

    st.header(t("cell.gates.head"))
    if cell == "rnn":
        st.info(t("cell.gates.rnn"))
    else:
        st.caption(t(f"cell.gates.explain.{cell}"))
        chart(cache.gates_figure(name, clean.text, labels), key="gates_fig")
        st.caption(t("cell.gates.gru_note") if cell == "gru" else t("cell.lstm_note"))

    panels.step_panel(trace, unit)
    panels.hunt_panel(trace, name, clean.text, unit)
    panels.finder_panel(trace, name, clean.text)
    intervene.cell_panel(name, model, clean.text)  # what if: clamp a gate or set a unit, and read again
panels.compare_panel()  # RNN, GRU and LSTM on one text: how far back each reaches, side by side
panels.architectures()
