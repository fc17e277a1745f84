"""AppTest of the word-embeddings page: the default view on the course's GloVe 6B 50d (values, checked against what
the course's notebook printed), the Wikipedia-trained vectors, odd words, projections, debiasing, training."""

import re
import time

import numpy as np
import pytest
from conftest import chart, my_model, watchdog
from test_app import LIMIT, run_page

from seqviz.ui.i18n import translate

PAGE = "word_embeddings.py"
GLOVE = "glove-6b-50d"
WIKI = "wiki-skipgram"
# what the course's week-2 notebook "Operations on word vectors" printed with GloVe 6B 50d (its expected outputs),
# written out here rather than read from seqviz.embeddings.glove6b, so that an edit there cannot move the target
NOTEBOOK_COSINES = {
    "cos(father, mother)": 0.890903844289,
    "cos(ball, crocodile)": 0.274392462614,
    "cos(france − paris, rome − italy)": -0.675147930817,
}
NOTEBOOK_NAMES = {
    "john": -0.23163356146,
    "marie": 0.315597935396,
    "sophie": 0.318687898594,
    "ronaldo": -0.312447968503,
    "priya": 0.17632041839,
    "rahul": -0.169154710392,
    "danielle": 0.243932992163,
    "reza": -0.079304296722,
    "katy": 0.283106865957,
    "yasmin": 0.233138577679,
}
NOTEBOOK_ANALOGIES = {  # a : b :: c : ? -> the notebook's answer, and the page's 3CosAdd answer
    "italy : italian :: spain : ?": ("spanish", "spanish"),
    "india : delhi :: japan : ?": ("tokyo", "tokyo"),
    "man : woman :: boy : ?": ("girl", "girl"),
    "small : smaller :: large : ?": ("larger", "larger"),
    "man : woman :: king : ?": ("princess", "queen"),  # the notebook's search differs from the lecture's queen
}


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog); the slowest takes about 20 s."""
    with watchdog(LIMIT, request.config):
        yield


def words_of(fig, name: str | None = None) -> dict:
    """Each trace of a figure as {name: its words}, without the "*" of words placed beside their neighbours."""
    return {
        t.get("name"): [w.rstrip("*") for w in t.get("text") or []]
        for t in fig["data"]
        if name is None or t.get("name") == name
    }


def clusters(lang: str = "en") -> set[str]:
    """The legend names of the map's k-means clusters (k is at most 20)."""
    return {translate("emb.cluster", lang, i=i) for i in range(1, 21)}


def map_words(at, lang: str = "en") -> list[str]:
    """The words the map projected (every dot of the cluster traces)."""
    return [w for name, ws in words_of(chart(at, "emb_map")).items() if name in clusters(lang) for w in ws]


def marked(at, lang: str = "en") -> dict:
    """The map's marked words by the legend name of their trace (few words each, unlike the clusters)."""
    return {n: ws for n, ws in words_of(chart(at, "emb_map")).items() if n not in clusters(lang)}


def frame(at, column_key: str, lang: str = "en"):
    """The one table on the page with the column `column_key` (a locale key) as a DataFrame."""
    name = translate(column_key, lang)
    found = [d.value for d in at.dataframe if name in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables have a column {name!r}"
    return found[0]


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def glove():
    from seqviz.embeddings import glove6b

    return glove6b.load()


def rank(word: str) -> int:
    """The word's frequency rank in GloVe 6B (1 = the most frequent)."""
    return glove().index[word] + 1


def own_vectors(words: list[str], vectors: np.ndarray, label: str = "mine"):
    from seqviz.embeddings.vectors import EmbeddingTable, WordVectors

    v = WordVectors(words, vectors, np.arange(len(words), 0, -1), "cbow", {"tokens": 5000})
    return my_model(EmbeddingTable.from_vectors(v), label)


# ---------------------------------------------------------------- the default view: GloVe 6B 50d


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_view_opens_on_glove_6b(lang):
    at = run_page(PAGE, lang)
    assert not at.exception and not at.error
    radio = at.sidebar.radio(key="emb_vectors")
    assert radio.value == GLOVE and radio.options[0] == translate(f"emb.ckpt.{GLOVE}", lang) and len(radio.options) == 3
    sidebar = " ".join(c.value for c in at.sidebar.caption)
    assert translate("emb.vectors.info", lang, V=400_000, n_e=50, tokens=6_000_000_000) in sidebar
    text = " ".join(c.value for c in at.caption)
    shipped = "Precomputed UMAP of the 5,000 most frequent" if lang == "en" else "预先算好的 UMAP，5,000 个高频词"
    assert shipped in text

    # man : woman :: king : queen (3CosAdd), and the caption: the notebook's own search gives princess
    assert translate("emb.an.answer", lang, a="man", b="woman", c="king", d="queen", cos=0.852) in [
        m.value for m in at.markdown
    ]
    assert translate("emb.an.notebook_other", lang, d="queen", w="princess") in [c.value for c in at.caption]
    tables = [d.value for d in at.dataframe if translate("emb.col.cos", lang) in d.value.columns]
    assert [len(t.columns) for t in tables] == [3, 2]  # the neighbours (with their rank), the analogy's answers
    neighbours, analogy = tables
    assert list(analogy.iloc[:, 0]) == ["queen", "throne", "prince", "daughter", "elizabeth"]
    assert analogy.iloc[:, 1].is_monotonic_decreasing and abs(analogy.iloc[0, 1] - 0.852) < 1e-3

    # the 10 nearest neighbours of king, with their frequency rank (GloVe 6B ships no counts)
    assert translate("emb.nn.head", lang, word="king") in subheaders(at)
    assert list(neighbours.columns) == [translate(f"emb.col.{c}", lang) for c in ("word", "cos", "rank")]
    assert len(neighbours) == 10 and neighbours.iloc[:, 1].is_monotonic_decreasing
    near = dict(zip(neighbours.iloc[:, 0], neighbours.iloc[:, 1]))
    assert "queen" in near and "king" not in near and abs(near["queen"] - 0.784) < 1e-3
    ranks = dict(zip(neighbours.iloc[:, 0], neighbours.iloc[:, 2]))
    assert ranks["queen"] == rank("queen") == 2061 and all(ranks[w] == rank(w) for w in ranks)

    # the map: the 5,000 most frequent words made of letters, the analogy and the neighbours marked on it
    words = map_words(at, lang)
    assert len(words) == len(set(words)) == 5000 and all(w.isalpha() for w in words)
    assert {"the", "king", "queen", "woman"} <= set(words) and "prohertrib" not in words
    marks = marked(at, lang)
    assert sorted(marks[translate("emb.fig.analogy", lang)]) == ["man", "queen", "woman"]
    assert marks[translate("emb.fig.query", lang)] == ["king"]  # your word keeps its star, though it is also c
    # queen is a neighbour of king and the analogy's answer: it is drawn as an analogy word
    assert marks[translate("emb.fig.neighbour", lang)] == [w for w in near if w != "queen"]
    placed = [
        w.rstrip("*")
        for t in chart(at, "emb_map")["data"]
        if t.get("name") == translate("emb.fig.neighbour", lang)
        for w in t["text"]
        if w.endswith("*")
    ]
    assert placed == [w for w in near if w not in set(words)] and placed  # e.g. throne, ruler: placed beside
    parallelogram = chart(at, "emb_analogy")["data"][0]["text"]  # a, b, c, the answer d, other candidates
    assert parallelogram[:4] == ["man", "woman", "king", "queen"] and parallelogram[4:8] == list(analogy.iloc[1:, 0])

    # the course's notebook, number by number: the printed numbers, and the same computed here, to 6 decimals
    course = frame(at, "emb.col.course", lang)
    what, printed, here = (course[translate(f"emb.col.{c}", lang)] for c in ("what", "course", "here"))
    rows = dict(zip(what, zip(printed, here)))
    for name, value in NOTEBOOK_COSINES.items():
        assert rows[name] == (f"{value:.6f}", f"{value:.6f}"), name
    for name, value in NOTEBOOK_NAMES.items():
        assert rows[f"cos({name}, g)"] == (f"{value:.6f}", f"{value:.6f}"), name
    for question, (notebook, page) in NOTEBOOK_ANALOGIES.items():
        assert rows[question][1] == translate("emb.course.two", lang, nb=notebook, add=page), question
    assert rows["man : woman :: king : ?"][0] == translate("emb.course.lecture", lang)
    assert rows["italy : italian :: spain : ?"][0] == "spanish"

    def course_row(key):
        return rows[translate(f"emb.course.{key}", lang)]

    assert course_row("receptionist_before") == ("0.330779", "0.330779")
    printed_zero, here_zero = (float(x) for x in course_row("receptionist_after"))  # rounding noise around 0
    assert abs(printed_zero) < 1e-15 and abs(here_zero) < 1e-6
    assert course_row("man_before") == ("-0.117111", "-0.117111")
    assert course_row("woman_before") == ("0.356666", "0.356666")
    assert course_row("e1_after") == ("-0.700436", "-0.700436")  # the notebook's equalize formula, reproduced
    assert course_row("e2_after") == ("0.700436", "0.700436")
    assert course_row("e1_after_unit_first") == ("—", "-0.267076")  # this page's, unit length first
    assert course_row("e2_after_unit_first") == ("—", "0.267076")
    assert len(course) == 3 + 5 + 10 + 6 + 2

    # one-hot: e_w = E o_w, for "orange"
    onehot = chart(at, "emb_onehot")
    E, o, e = (np.asarray(onehot["data"][i]["z"], float) for i in range(3))
    assert o.sum() == 1 and onehot["layout"]["yaxis2"]["ticktext"][int(o.argmax())] == "orange"
    assert np.allclose(e[:, 0], E[:, int(o.argmax())], atol=1e-3)  # picking a column of E
    assert np.allclose(e[:, 0], glove().vector("orange"), atol=1e-2)

    # how good: GloVe 6B first, the two Wikipedia sets, then one chance row per vocabulary
    bench = frame(at, "emb.col.analogy", lang)
    assert len(bench) == 5
    assert bench.iloc[0, 0] == "▶ " + translate(f"emb.ckpt.{GLOVE}", lang)
    assert bench.iloc[0, 1:].tolist() == [
        "6,000,000,000",
        "400,000",
        "49.7% (14,877 / 19,544)",
        "0.50 (100%)",
        "0.26 (100%)",
    ]
    assert list(bench.iloc[1:3, 0]) == [translate(f"emb.ckpt.{n}", lang) for n in ("wiki-skipgram", "wiki-glove")]
    assert list(bench.iloc[1:3, 2]) == ["8,944", "8,944"] and list(bench.iloc[3:, 2]) == ["—", "—"]
    chance = [float(x.rstrip("%")) for x in bench.iloc[3:, 3]]
    assert all(x < 1 for x in chance)  # random vectors answer (almost) no analogy
    # by section: questions-words' 14 sections, one column per shipped set; the covered questions add up
    sections = frame(at, "emb.col.section", lang)
    assert len(sections) == 14 and len(sections.columns) == 4
    assert sections.iloc[0, 0] == "capital-common-countries" and sections.iloc[-1, 0] == "gram9-plural-verbs"
    glove_col = sections[translate(f"emb.ckpt.{GLOVE}", lang)]
    cells = [re.fullmatch(r"(\d+)% \(([\d,]+)\)", c) for c in glove_col]
    assert all(cells) and sum(int(c[2].replace(",", "")) for c in cells) == 14_877
    assert dict(zip(sections.iloc[:, 0], glove_col))["gram6-nationality-adjective"] == "94% (1,445)"
    wiki_col = sections[translate("emb.ckpt.wiki-skipgram", lang)]
    assert sum(int(re.search(r"\(([\d,]+)\)", c)[1].replace(",", "")) for c in wiki_col) == 3_686

    # debiasing: the names measured along g = e_woman − e_man, as the notebook printed them
    bars = {t.get("name"): t for t in chart(at, "emb_bias_bars")["data"]}
    here = bars[translate("emb.fig.cos_here", lang)]
    value = dict(zip(here["y"], here["x"]))
    for name, printed_value in NOTEBOOK_NAMES.items():
        assert abs(value[name] - printed_value) < 1e-4, name
    assert value["john"] == -0.2316 and value["marie"] == 0.3156
    ticks = bars[translate("emb.fig.cos_course", lang)]  # the black ticks: the notebook's printed values
    assert list(ticks["y"]) == list(NOTEBOOK_NAMES)
    assert np.allclose(ticks["x"], list(NOTEBOOK_NAMES.values()), atol=1e-4)
    assert value["lipstick"] > 0 > value["guns"]  # the bias the next steps remove
    colours = dict(zip(here["y"], here["marker"]["color"]))
    assert colours["marie"] != colours["john"]  # leaning one way or the other
    # neutralize and equalize, drawn
    debias = {t.get("name"): t for t in chart(at, "emb_debias")["data"] if t.get("name")}
    after = dict(zip(debias[translate("emb.fig.after", lang)]["y"], debias[translate("emb.fig.after", lang)]["x"]))
    before = dict(zip(debias[translate("emb.fig.before", lang)]["y"], debias[translate("emb.fig.before", lang)]["x"]))
    neutral = ["receptionist", "doctor", "teacher", "engineer", "pilot", "computer", "singer"]
    assert list(after)[:7] == neutral and all(after[w] == 0 for w in neutral)  # nothing of g is left
    assert before["receptionist"] == 0.331  # the notebook's 0.330779, before
    for a, b in (("man", "woman"), ("actor", "actress"), ("king", "queen")):
        assert after[a] == -after[b] < 0  # equalized: symmetric about 0, the male word on the man side
    assert after["woman"] == 0.267
    # the equalize table: this page's way (unit length first) and the notebook's, with what the notebook printed
    eq = frame(at, "emb.col.g_notebook", lang).set_index(translate("emb.col.word", lang))
    assert list(eq.index) == ["man", "woman", "actor", "actress", "king", "queen"]
    assert eq.loc["man"].tolist() == ["-0.1171", "-0.2671", "-0.7004", "-0.7004"]
    assert eq.loc["woman"].tolist() == ["+0.3567", "+0.2671", "+0.7004", "+0.7004"]
    assert (eq.iloc[2:, 3] == "—").all()  # the notebook printed man and woman only
    # the distances: after both steps each neutral word is as close to one word of a pair as to the other
    pairs = frame(at, "emb.col.pair", lang)
    assert len(pairs) == 7 * 3 and pairs.iloc[0, :2].tolist() == ["receptionist", "man / woman"]
    before_d, after_d = pairs.iloc[:, 2].str.split(" / "), pairs.iloc[:, 3].str.split(" / ")
    assert (after_d.str[0] == after_d.str[1]).all() and not (before_d.str[0] == before_d.str[1]).any()

    # negative sampling: frequencies estimated from the rank (GloVe 6B has no counts), and said so
    assert any(translate("emb.neg.zipf", lang) in c.value for c in at.caption)
    assert frame(at, "emb.col.label", lang).iloc[:, 2].tolist() == [1, 0, 0, 0, 0]


def test_search_limit_keeps_rare_words_out_of_neighbours_and_analogies():
    at = run_page(PAGE, emb_query="paris", emb_an_c="paris")
    limit = at.select_slider(key="emb_limit")
    assert list(limit.options) == ["10,000", "30,000", "100,000", "200,000", "400,000"] and limit.value == 100_000
    near = frame(at, "emb.col.rank")  # by default among the 100,000 most frequent: no junk token first
    assert near.iloc[0, 0] == "france" and (near.iloc[:, 2] <= 100_000).all()
    limit.set_value(400_000).run()
    near = frame(at, "emb.col.rank")
    assert near.iloc[0, 0] == "prohertrib" and near.iloc[0, 2] == 129_500  # a rare token, among all 400,000
    assert any("**paris** : **prohertrib**" in m.value for m in at.markdown)
    limit.set_value(10_000).run()
    assert not at.exception and not at.error
    near = frame(at, "emb.col.rank")
    assert len(near) == 10 and (near.iloc[:, 2] <= 10_000).all() and near.iloc[0, 0] == "france"
    assert [rank(w) for w in near.iloc[:, 0]] == near.iloc[:, 2].tolist()
    answers = [d.value for d in at.dataframe if len(d.value.columns) == 2][0]
    assert answers.iloc[0, 0] == "france" and all(rank(w) <= 10_000 for w in answers.iloc[:, 0])
    notebook = re.search(r"gives \*\*(.+?)\*\*", " ".join(c.value for c in at.caption))[1]
    assert rank(notebook) <= 10_000  # the notebook's search is limited too
    assert "prohertrib" not in [w for ws in marked(at).values() for w in ws]


# ---------------------------------------------------------------- the Wikipedia-trained vectors


def test_wiki_vectors_open_on_an_analogy_they_get_right():
    at = run_page(PAGE, emb_vectors=WIKI)
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="emb_vectors").value == WIKI
    assert any("**france** : **french** :: **spain** : **spanish**" in m.value for m in at.markdown)
    assert translate("emb.an.notebook_same", "en", d="spanish", w="spanish") in [c.value for c in at.caption]
    assert [i.value for i in at.info] == [translate("emb.course.other", "en")]  # the notebook's numbers: GloVe 6B
    assert not [d for d in at.dataframe if translate("emb.col.course", "en") in d.value.columns]
    assert "emb_limit" not in [w.key for w in at.get("select_slider")]  # 8,944 words: nothing to limit
    near = frame(at, "emb.col.count")  # counts of the corpus they were trained on
    assert len(near) == 10 and (near.iloc[:, 2] > 0).all() and near.iloc[:, 1].is_monotonic_decreasing
    assert not any(translate("emb.neg.zipf", "en") in c.value for c in at.caption)  # real counts here
    assert at.slider(key="emb_n").value == 2000
    assert len(map_words(at)) == 2000
    assert any("Precomputed UMAP of the 2,000 most frequent" in c.value for c in at.caption)
    bench = frame(at, "emb.col.analogy")
    assert bench.iloc[1, 0].startswith("▶ ") and not bench.iloc[0, 0].startswith("▶")
    # the names the notebook measured are mostly not in 8,944 words: said, and no notebook ticks drawn
    assert any("`sophie`" in w.value for w in at.warning)
    assert len(chart(at, "emb_bias_bars")["data"]) == 1
    eq = frame(at, "emb.col.g_notebook")
    assert (eq.iloc[:, 4] == "—").all()


def test_switching_vectors_in_the_sidebar():
    """GloVe 6B -> the Wikipedia vectors -> back. The map's word count follows the vectors (5,000 / 2,000
    precomputed); the analogy boxes keep what they hold, so the Wikipedia vectors are asked the lecture's question."""
    at = run_page(PAGE)
    assert at.slider(key="emb_n").value == 5000
    at.sidebar.radio(key="emb_vectors").set_value(WIKI).run()
    assert not at.exception and not at.error
    assert at.slider(key="emb_n").value == 2000 and len(map_words(at)) == 2000
    assert any("Precomputed UMAP of the 2,000 most frequent" in c.value for c in at.caption)
    assert [at.text_input(key=k).value for k in ("emb_an_a", "emb_an_b", "emb_an_c")] == ["man", "woman", "king"]
    answer = re.search(r"\*\*king\*\* : \*\*(.+?)\*\*", " ".join(m.value for m in at.markdown))[1]
    assert answer != "queen"  # half a million words of Wikipedia do not hold it
    assert any(translate("emb.course.other", "en") == i.value for i in at.info)
    for k, w in (("emb_an_a", "france"), ("emb_an_b", "french"), ("emb_an_c", "spain")):
        at.text_input(key=k).set_value(w)
    at.run()
    assert any("**france** : **french** :: **spain** : **spanish**" in m.value for m in at.markdown)
    at.sidebar.radio(key="emb_vectors").set_value(GLOVE).run()
    assert not at.exception and not at.error
    assert at.slider(key="emb_n").value == 5000 and len(map_words(at)) == 5000
    assert at.select_slider(key="emb_limit").value == 100_000
    assert len(frame(at, "emb.col.course")) == 26
    assert any("**france** : **french** :: **spain** : **spanish**" in m.value for m in at.markdown)


def test_king_minus_man_plus_woman_gives_queen_on_own_vectors():
    """The course's analogy on a session's own vectors (the arguments in another order: man : king :: woman)."""
    rng = np.random.default_rng(0)
    words = ["man", "woman", "king", "queen", "prince", "throne"] + [f"w{i}" for i in range(60)]
    vecs = rng.normal(size=(len(words), 16))
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs[3] = unit[2] - unit[0] + unit[1] + 0.05 * rng.normal(size=16)  # queen ≈ king − man + woman
    mid, m = own_vectors(words, vecs)
    at = run_page(PAGE, my_models={mid: m}, emb_vectors=mid, emb_an_a="man", emb_an_b="king", emb_an_c="woman")
    assert not at.exception and not at.error
    assert any("**man** : **king** :: **woman** : **queen**" in md.value for md in at.markdown)
    answers = [d.value for d in at.dataframe if len(d.value.columns) == 2][0]
    assert answers.iloc[0, 0] == "queen" and answers.iloc[0, 1] > 0.9 > answers.iloc[1, 1]
    assert chart(at, "emb_analogy")["data"][0]["text"][:4] == ["man", "king", "woman", "queen"]
    marks = marked(at)
    assert sorted(marks["analogy a, b, c, d"]) == ["man", "queen", "woman"] and marks["your word"] == ["king"]


# ---------------------------------------------------------------- odd words in the boxes


def test_word_boxes_read_several_words_capitals_and_chinese():
    at = run_page(PAGE, emb_query="king queen")
    assert not at.exception and not at.error
    assert "One word per box: using **king** (the first of 2)." in [c.value for c in at.caption]
    assert "Nearest neighbours of “king”" in subheaders(at) and frame(at, "emb.col.rank").iloc[1, 0] == "queen"
    at.text_input(key="emb_query").set_value("King").run()
    captions = [c.value for c in at.caption]
    assert "These vectors are lower-case: **King** is read as **king**." in captions
    assert not any("One word per box" in c for c in captions)
    assert "Nearest neighbours of “king”" in subheaders(at) and len(frame(at, "emb.col.rank")) == 10
    at.text_input(key="emb_query").set_value("PARIS, France").run()
    captions = [c.value for c in at.caption]
    assert "One word per box: using **paris** (the first of 2)." in captions
    assert "These vectors are lower-case: **PARIS** is read as **paris**." in captions
    assert "Nearest neighbours of “paris”" in subheaders(at)
    at.text_input(key="emb_query").set_value("国王").run()
    assert not at.exception and not at.error
    assert [w.value for w in at.warning] == [translate("emb.word.cjk", "en", word="国王")]
    assert not [s for s in subheaders(at) if s.startswith("Nearest")]  # no neighbours table
    assert not [d for d in at.dataframe if translate("emb.col.rank", "en") in d.value.columns]
    assert translate("emb.fig.query", "en") not in marked(at)
    at.text_input(key="emb_an_b").set_value("女人").run()
    assert len(at.warning) == 2 and not [s for s in subheaders(at) if s == "Analogy"]
    assert "emb_analogy" not in [c.key for c in at.get("plotly_chart")]


def test_unknown_words_get_suggestions_not_tracebacks():
    at = run_page(PAGE)
    at.text_input(key="emb_query").set_value("kng").run()
    at.text_input(key="emb_an_c").set_value("<b>fathr</b>").run()
    assert not at.exception and not at.error
    warnings = [w.value for w in at.warning]
    assert "**kng** is not in this vocabulary. Did you mean `kong`, `king`, `kings`, `kung`, `keng`?" in warnings
    assert any("\\<b\\>fathr\\</b\\>" in w for w in warnings) and not any("<b>" in w for w in warnings)  # literal
    assert "emb_analogy" not in [c.key for c in at.get("plotly_chart")] and not marked(at)  # nothing to mark
    at.text_input(key="emb_an_c").set_value("fathr").run()
    assert any("**fathr** is not in this vocabulary. Did you mean `father`" in w.value for w in at.warning)
    at.text_input(key="emb_query").set_value("   ").run()
    assert not at.exception and [i.value for i in at.info] == ["Type a word."]
    at.text_input(key="emb_onehot_word").set_value("🙂🙂").run()
    assert not at.exception
    assert any(w.value.startswith("**🙂🙂** is not in this vocabulary.") for w in at.warning)
    assert [c.key for c in at.get("plotly_chart")] == [
        "emb_map",
        "emb_pairs",
        "emb_sampling",
        "emb_bias_bars",
        "emb_debias",
    ]
    assert len(map_words(at)) == 5000 and not marked(at)  # no word marked on the map


def test_chinese_words_work_on_vectors_that_hold_them():
    rng = np.random.default_rng(1)
    words = ["国王", "王后", "男人", "女人", "苹果"] + [f"w{i}" for i in range(55)]
    mid, m = own_vectors(words, rng.normal(size=(len(words), 8)))
    at = run_page(PAGE, my_models={mid: m}, emb_vectors=mid, emb_query="国王")
    assert not at.exception and not at.error
    assert "Nearest neighbours of “国王”" in subheaders(at) and len(frame(at, "emb.col.count")) == 10
    assert not any("is Chinese" in w.value for w in at.warning)


# ---------------------------------------------------------------- the map's settings


def test_other_projections_are_computed_and_cached(monkeypatch):
    from seqviz.ui import emb

    monkeypatch.setattr(emb, "TSNE_3D_MAX", 300)  # sklearn's 3-D t-SNE on 5,000 words would take minutes
    at = run_page(PAGE)
    at.radio(key="emb_method").set_value("pca")
    at.radio(key="emb_dim").set_value(3)
    at.slider(key="emb_n").set_value(600)
    at.button[0].click().run()  # the form's Draw button
    assert not at.exception and not at.error
    assert any("PCA of the 600 most frequent words" in c.value and "cached now" in c.value for c in at.caption)
    dots = [t for t in chart(at, "emb_map")["data"] if t.get("name") in clusters()]
    assert {t["type"] for t in dots} == {"scatter3d"} and sum(len(t["text"]) for t in dots) == 600
    assert len({len(t["x"]) for t in dots}) > 1 and all(len(t["z"]) == len(t["x"]) for t in dots)
    at.radio(key="emb_method").set_value("tsne")
    at.button[0].click().run()
    assert not at.exception and any("3-D t-SNE runs on at most 300 words" in i.value for i in at.info)
    assert any("t-SNE of the 300 most frequent words" in c.value for c in at.caption)
    assert len(map_words(at)) == 300
    at.radio(key="emb_dim").set_value(2)
    at.slider(key="emb_n").set_value(10_000)
    at.button[0].click().run()  # shipped precomputed: the 10k t-SNE view
    assert any("Precomputed t-SNE of the 10,000 most frequent" in c.value for c in at.caption)
    assert len(map_words(at)) == 10_000


def test_word_lists_colour_and_report_unknown_words():
    at = run_page(PAGE)
    at.radio(key="emb_colour").set_value("lists")
    at.text_area(key="emb_lists").set_value("colours: red green blue zzqx\nnothing here: qqqqz")
    at.button[0].click().run()
    assert not at.exception
    assert any("zzqx" in c.value and "qqqqz" in c.value for c in at.caption)
    traces = words_of(chart(at, "emb_map"))
    assert traces["colours"] == ["red", "green", "blue"] and "nothing here" not in traces  # the known words only
    assert len(traces["other words"]) == 5000 - 3


# ---------------------------------------------------------------- debiasing, training pairs, training


def test_debiasing_bad_input():
    at = run_page(PAGE)
    at.text_input(key="emb_bias_axis").set_value("woman-man, she, foo-zzqxw").run()
    assert not at.exception and not at.error
    assert any(w.value.endswith(": she; foo\\-zzqxw") for w in at.warning)  # escaped: Markdown
    bars = {t.get("name"): t for t in chart(at, "emb_bias_bars")["data"]}
    assert translate("emb.fig.cos_course", "en") in bars  # the axis is still woman-man alone: the ticks stay
    at.text_input(key="emb_bias_axis").set_value("he-she, woman-man").run()
    bars = chart(at, "emb_bias_bars")["data"]
    assert len(bars) == 1  # another g than the notebook's: no notebook ticks
    assert (frame(at, "emb.col.g_printed").iloc[:, 4] == "—").all()
    at.text_input(key="emb_bias_axis").set_value("").run()
    assert any("at least one pair" in i.value for i in at.info)
    assert "emb_bias_bars" not in [c.key for c in at.get("plotly_chart")]
    at.text_input(key="emb_bias_axis").set_value("king-king").run()
    assert not at.exception and any("zero bias direction" in w.value for w in at.warning)
    at.text_input(key="emb_bias_axis").set_value("woman-man").run()
    at.text_input(key="emb_bias_measure").set_value("<i>x</i>, 🙂, John, zzqxw").run()
    assert not at.exception and not at.error
    assert list(chart(at, "emb_bias_bars")["data"][0]["y"]) == ["john"]
    warned = " ".join(w.value for w in at.warning)
    assert "zzqxw" in warned and "<i>" not in warned


def test_training_pairs_and_negative_sampling_controls():
    at = run_page(PAGE)
    at.text_input(key="emb_sentence").set_value("hello").run()
    assert any("at least two words" in i.value for i in at.info)
    at.text_input(key="emb_sentence").set_value("the cat sat on the mat").run()
    at.radio(key="emb_pairs_mode").set_value("cbow").run()
    assert not at.exception and any("CBOW" in c.value and "6 here" in c.value for c in at.caption)
    at.slider(key="emb_neg_k").set_value(7).run()
    negatives = frame(at, "emb.col.label")
    assert len(negatives) == 8 and negatives.iloc[:, 2].tolist() == [1] + [0] * 7  # the real pair + 7 negatives
    assert negatives.iloc[0, :2].tolist() == ["the", "cat"]
    assert "cat" not in negatives.iloc[1:, 1].tolist()  # never the target


def test_training_through_the_queue_adds_session_vectors():
    """The page's launcher sends the run to the server's queue; when it is done the vectors are listed."""
    at = run_page(
        PAGE,
        emb_train_source_word2vec="lee",
        emb_train_word2vec_method="cbow",
        emb_train_word2vec_epochs=1,
        emb_train_word2vec_n_e=10,
    )
    at.button(key="emb_train_go").click().run()
    assert not at.exception and not at.error
    t0 = time.time()
    while not any("is ready" in s.value for s in at.success) and time.time() - t0 < 120:
        time.sleep(0.5)  # poll as the page's live fragment does, for 2 minutes
        at.run()
    assert not at.exception and not at.error
    assert any("is ready" in s.value for s in at.success)
    chosen = at.sidebar.radio(key="emb_vectors")
    assert chosen.value.startswith("my-") and len(chosen.options) == 4  # selected at once
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "n_e = 10" in captions
    bench = frame(at, "emb.col.analogy")
    assert len(bench) == 6 and bench.iloc[3, 0].startswith("▶ ")  # its benchmark row joined the table, marked
    assert not bench.iloc[0, 0].startswith("▶")
    V = int(re.search(r"([\d,]+) words × n_e = 10", captions).group(1).replace(",", ""))
    assert V not in (8944, 400_000)
    v = at.session_state["my_models"][chosen.value].extra["vectors"]
    assert len(v) == V and V < 2000  # the Lee corpus: all its words on the map, which draws words of letters only
    drawn = map_words(at)
    assert sorted(drawn) == sorted(w for w in v.words if w.isalpha()) and len(drawn) > V * 0.9
    assert [i.value for i in at.info if "GloVe 6B" in i.value] == [translate("emb.course.other", "en")]


@pytest.mark.parametrize("V", [50, 200])
def test_small_own_vocabularies_work_everywhere(V):
    from seqviz.embeddings.vectors import EmbeddingTable, WordVectors

    rng = np.random.default_rng(0)
    words = ["man", "woman", "king", "queen", "france", "french", "spain", "spanish", "orange"]
    words += [f"w{i}" for i in range(V - 9)]
    v = WordVectors(words, rng.normal(size=(V, 16)), np.arange(V, 0, -1), "cbow", {"tokens": 5000})
    mid, m = my_model(EmbeddingTable.from_vectors(v), "mine")
    at = run_page(PAGE, my_models={mid: m}, emb_vectors=mid)
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="emb_vectors").value == mid
    letters = sorted(w for w in words if w.isalpha())  # the map draws words of letters only, and says how many
    assert any(f"All {len(letters)} words are shown" in c.value for c in at.caption)
    assert sorted(map_words(at)) == letters
    bench = frame(at, "emb.col.analogy")
    assert len(bench) == 6 and bench.iloc[3, 0].startswith("▶ ")  # its row (scored now) in the table


def test_the_map_caption_counts_the_dots_it_draws():
    rng = np.random.default_rng(0)
    words = ["man", "woman", "king", "queen", "france", "french", "spain", "spanish", "orange"]
    words += [f"w{i}" for i in range(200 - 9)]  # a vocabulary of your own may well hold "w0", "1990s", "covid-19"
    mid, m = own_vectors(words, rng.normal(size=(200, 16)))
    at = run_page(PAGE, my_models={mid: m}, emb_vectors=mid)
    assert not at.exception and not at.error
    said = [int(x) for c in at.caption for x in re.findall(r"All (\d+) words are shown", c.value)]
    assert said == [len(map_words(at))]
