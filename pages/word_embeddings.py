"""Word embeddings: E and e_w = E o_w, word2vec and GloVe vectors in 2-D / 3-D, neighbours, analogies,
training pairs, benchmark scores and debiasing."""

import streamlit as st

from seqviz.ui import emb, t

st.title(t("emb.title"))
st.markdown(t("emb.intro"))
name, v = emb.choose_vectors()

st.header(t("emb.map.head"))
col_q, col_k = st.columns([2, 1])
query = emb.word_input(v, t("emb.search"), "emb_query", "king", col_q)
k = col_k.slider(t("emb.search.k"), 3, 25, 10, key="emb_k_nn")
limit = emb.search_limit(v, col_k)
st.markdown(t("emb.an.head"))
abc = emb.analogy_inputs(v)
near = emb.search(name, v, "neighbours", (query,), k, limit) if query else []
answers = emb.search(name, v, "analogy", abc, 5, limit) if abc else []
emb.analogy_answer(abc, answers)
marks, arrows = {w: "neighbour" for w, _ in near}, []
if abc:
    d = answers[0][0]
    marks.update({w: "analogy" for w in (*abc, d)})
    arrows = [(abc[0], abc[1]), (abc[2], d)]
if query:
    marks[query] = "query"  # last: your word keeps its star even when it is one of the analogy's
st.caption(t("emb.map.intro"))
settings = emb.map_settings(v)
emb.map_figure(name, v, settings, marks, arrows)

col_n, col_a = st.columns([2, 3])
with col_n:
    if query:
        st.subheader(t("emb.nn.head", word=query))
        emb.neighbours_table(v, near)
with col_a:
    if abc:
        st.subheader(t("emb.an.result"))
        emb.analogy_result(name, v, *abc, answers, limit)

st.header(t("emb.course.head"))
st.caption(t("emb.course.intro"))
emb.course_check(name)

st.header(t("emb.onehot.head"))
word = emb.word_input(v, t("emb.onehot.word"), "emb_onehot_word", "orange" if "orange" in v else v.words[len(v) // 2])
if word:
    emb.onehot(name, v, word)

st.header(t("emb.pairs.head"))
st.caption(t("emb.pairs.intro"))
st.session_state.setdefault("emb_sentence", t("emb.pairs.default"))
sentence = st.text_input(t("emb.pairs.sentence"), key="emb_sentence", max_chars=400)
emb.training_pairs(v, sentence)

st.header(t("emb.bench.head"))
emb.benchmarks(name)

st.header(t("emb.bias.head"))
st.caption(t("emb.bias.intro"))
emb.debiasing(name, v)

st.header(t("emb.train.head"))
st.caption(t("emb.train.intro"))
emb.train_own()
