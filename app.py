"""SeqViz: `streamlit run app.py`. Sets up the page, the shared sidebar and the navigation."""
import streamlit as st

from seqviz.ui import device_caption, language_switch, t

st.set_page_config(page_title="SeqViz", page_icon="🔁", layout="wide")
language_switch()
device_slot = st.sidebar.container()   # filled after the page, so its content is drawn before torch loads
pages = {
    "SeqViz": [st.Page("pages/home.py", title=t("nav.home"), icon="🏠", default=True)],
    t("nav.group.week1"): [st.Page("pages/rnn_cell.py", title=t("nav.cell"), icon="🔁", url_path="rnn-cell"),
                           st.Page("pages/vanishing_gradients.py", title=t("nav.grad"), icon="📉", url_path="gradients"),
                           st.Page("pages/language_model.py", title=t("nav.lm"), icon="✍️", url_path="language-model")],
}
st.navigation(pages).run()
device_caption(device_slot)
