"""SeqViz: `streamlit run app.py`. Sets up the page, the shared sidebar and the navigation."""
import plotly.graph_objects  # noqa: F401  (heavy modules load once, before sessions race for them)
import streamlit as st
import torch  # noqa: F401

from seqviz.ui import sidebar, t

st.set_page_config(page_title="SeqViz", page_icon="🔁", layout="wide")
sidebar()
pages = {
    "SeqViz": [st.Page("pages/home.py", title=t("nav.home"), icon="🏠", default=True)],
    t("nav.group.week1"): [st.Page("pages/rnn_cell.py", title=t("nav.cell"), icon="🔁", url_path="rnn-cell")],
}
st.navigation(pages).run()
