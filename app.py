"""SeqViz: `streamlit run app.py`. Sets up the page, the shared sidebar and the navigation."""

import streamlit as st

from seqviz.ui import device_caption, lang, language_switch, share, t, warmup
from seqviz.ui.i18n import default_lang
from seqviz.ui.nav import SECTIONS
from seqviz.ui.train import collect_finished

st.set_page_config(page_title="SeqViz", page_icon="🔁", layout="wide")
if "lang" in st.session_state:  # the language radio's value, a click on it included
    st.session_state["_lang"] = st.session_state["lang"]
if "_lang" in st.session_state:  # set again through the API: the radio's widget id changes with the
    st.session_state["lang"] = st.session_state["_lang"]  # page, and a new radio would fall back to English
language_switch()
if lang() != default_lang() and st.query_params.get("lang") != lang():
    st.query_params["lang"] = lang()  # the address keeps ?lang=zh too: reloads and new tabs stay in 中文
elif lang() == default_lang() and "lang" in st.query_params:
    del st.query_params["lang"]
device_slot = st.sidebar.container()  # filled after the page, so its content is drawn first
link_slot = st.sidebar.container()  # "Share this view": above the page's own controls, filled after the page
pages = {"SeqViz": [st.Page("pages/home.py", title=t("nav.home"), icon="🏠", default=True)]}
for group, entries in SECTIONS:
    pages[t(group)] = [st.Page(file, title=t(key), icon=icon, url_path=url) for file, key, icon, url in entries]
page = st.navigation(pages, expanded=True)  # every page listed (13 would fold); before anything slow: from here
# on the server stops reading pages/ as a legacy page list (see README, "A whole classroom")
if not warmup.is_ready():  # a fresh server: one run imports the heavy modules, the others wait
    with st.spinner(t("app.warming")):
        warmup.ready()
collect_finished()  # a training run that ended while on another page joins the session now
share.begin()  # which values in the address came from a shared link
notes = st.container()  # above the page: what in a link could not be used
try:
    page.run()
finally:  # st.stop() on a page ends its run early: its settings still go into the address
    share.publish(notes, link_slot)
device_caption(device_slot)
