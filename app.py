"""SeqViz: `streamlit run app.py`. Sets up the page, the shared sidebar and the navigation."""
import streamlit as st

from seqviz.ui import device_caption, language_switch, t
from seqviz.ui.nav import SECTIONS

st.set_page_config(page_title="SeqViz", page_icon="🔁", layout="wide")
language_switch()
device_slot = st.sidebar.container()   # filled after the page, so its content is drawn before torch loads
pages = {"SeqViz": [st.Page("pages/home.py", title=t("nav.home"), icon="🏠", default=True)]}
for group, entries in SECTIONS:
    pages[t(group)] = [st.Page(file, title=t(key), icon=icon, url_path=url) for file, key, icon, url in entries]
st.navigation(pages).run()
device_caption(device_slot)
