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
k = emb.neighbours_k(col_k)
limit = emb.search_limit(v, col_k)
st.markdown(t("emb.an.head"))
abc = emb.analogy_inputs(v)
answers = emb.search(name, v, "analogy", abc, 5, limit) if abc else []
emb.analogy_answer(abc, answers)
col_f, col_l = st.columns(2)
find, find_slot = emb.find_box(col_f)
listed, among_list = emb.word_list_box(v, col_l)
near = emb.neighbours(name, v, query, k, limit, listed if among_list else None)
st.caption(t("emb.map.intro"))
settings = emb.map_settings(v)
marks = {w: "list" for w in listed}  # later roles win: the search's matches, neighbours, the analogy, your word
marks.update({w: "found" for w in emb.found_words(v, settings, find, find_slot)})
marks.update({w: "neighbour" for w, _ in near})
arrows = []
if abc:
    d = answers[0][0]
    marks.update({w: "analogy" for w in (*abc, d)})
    arrows = [(abc[0], abc[1]), (abc[2], d)]
if query:
    marks[query] = "query"  # last: your word keeps its star even when it is one of the analogy's
view = emb.map_figure(name, v, settings, marks, arrows)
emb.word_list_chips(listed)
emb.export(name, v, view, listed, limit)

col_n, col_a = st.columns([2, 3])
with col_n:
    if query:
        st.subheader(t("emb.nn.list" if among_list else "emb.nn.head", word=query, n=len(listed)))
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
sentence = emb.sentence_input()
emb.training_pairs(v, sentence)

st.header(t("emb.bench.head"))
emb.benchmarks(name)

st.header(t("emb.bias.head"))
st.caption(t("emb.bias.intro"))
emb.debiasing(name, v)

st.header(t("emb.train.head"))
st.caption(t("emb.train.intro"))
emb.train_own()
