"""Home: what SeqViz is, the course's topics mapped to pages, and the shipped models."""

import streamlit as st

import seqviz
from seqviz.ui import t, table
from seqviz.ui.nav import TITLES

st.title(t("home.title"))
st.markdown(t("home.intro"))
st.success(t("home.start"))

st.header(t("home.map"))
TOPICS = [  # (course part, topic, page file or None while planned)
    ("home.week1", "home.topic.cell", "pages/rnn_cell.py"),
    ("home.week1", "home.topic.grad", "pages/vanishing_gradients.py"),
    ("home.week1", "home.topic.lm", "pages/language_model.py"),
    ("home.week1", "home.topic.music", "pages/music.py"),
    ("home.week1", "home.topic.ner", "pages/named_entities.py"),
    ("home.week2", "home.topic.emb", "pages/word_embeddings.py"),
    ("home.week2", "home.topic.sent", "pages/sentiment_classifier.py"),
    ("home.week3", "home.topic.mt", "pages/attention_model.py"),
    ("home.week3", "home.topic.beam", "pages/beam_search_bleu.py"),
    ("home.week3", "home.topic.trig", "pages/trigger_word.py"),
    ("home.week4", "home.topic.tf", "pages/transformer.py"),
    ("home.studio", "home.topic.train", "pages/train.py"),
]
for week in dict.fromkeys(w for w, _, _ in TOPICS):
    st.subheader(t(week))
    for _, topic, page in (row for row in TOPICS if row[0] == week):
        left, right = st.columns([3, 2])
        left.markdown(f"- {t(topic)}")
        if page:
            right.page_link(page, label=t(TITLES[page]), icon="➡️")
        else:
            right.caption(t("home.soon"))

st.header(t("home.models"))
st.caption(t("home.models.caption"))
rows = [
    {
        t("home.col.model"): d.get("name"),
        t("home.col.cell"): str(d.get("config", {}).get("cell", "")).upper(),
        t("home.col.units"): d.get("config", {}).get("n_a"),
        t("home.col.ppl"): d.get("metrics", {}).get("val_perplexity"),
    }
    for d in seqviz.list_pretrained(kind="char_lm")
]
table(rows)
