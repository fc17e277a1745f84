"""AppTest of the word-embeddings page: default view, odd words, projections, debiasing, training."""

import re
import time

import numpy as np
import pytest
from conftest import chart, my_model, watchdog
from test_app import LIMIT, run_page

PAGE = "word_embeddings.py"
CLUSTERS = "cluster"  # the map's words are coloured by k-means cluster by default


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


def own_vectors(words: list[str], vectors: np.ndarray, label: str = "mine"):
    from seqviz.embeddings.vectors import EmbeddingTable, WordVectors

    v = WordVectors(words, vectors, np.arange(len(words), 0, -1), "cbow", {"tokens": 5000})
    return my_model(EmbeddingTable.from_vectors(v), label)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_view_opens_on_shipped_vectors(lang):
    at = run_page(PAGE, lang)
    assert not at.exception and not at.error
    text = " ".join(c.value for c in at.caption)
    assert ("Precomputed UMAP" if lang == "en" else "预先算好的 UMAP") in text
    assert any("**spanish**" in m.value for m in at.markdown)  # france : french :: spain : spanish
    neighbours, analogy = at.dataframe[0].value, at.dataframe[1].value
    assert analogy.iloc[0, 0] == "spanish" and analogy.iloc[:, 1].is_monotonic_decreasing
    assert neighbours.iloc[:, 1].is_monotonic_decreasing and len(neighbours) == 10  # k = 10 neighbours of king
    marked = [ws for ws in words_of(chart(at, "emb_map")).values() if len(ws) < 20]  # the map's marked words
    assert ["king"] in marked and list(neighbours.iloc[:, 0]) in marked
    assert sorted(["france", "french", "spain", "spanish"]) in [sorted(ws) for ws in marked]
    assert sum(len(ws) for ws in words_of(chart(at, "emb_map")).values() if len(ws) >= 20) == 2000  # every word
    parallelogram = chart(at, "emb_analogy")["data"][0]["text"]  # a, b, c, the answer d, other candidates
    assert parallelogram[:4] == ["france", "french", "spain", "spanish"] and parallelogram[4:8] == list(
        analogy.iloc[1:, 0]
    )
    onehot = chart(at, "emb_onehot")  # e_w = E o_w, for "orange"
    E, o, e = (np.asarray(onehot["data"][i]["z"], float) for i in range(3))
    assert o.sum() == 1 and onehot["layout"]["yaxis2"]["ticktext"][int(o.argmax())] == "orange"
    assert np.allclose(e[:, 0], E[:, int(o.argmax())], atol=1e-3)  # picking a column of E
    debias = {t.get("name"): t for t in chart(at, "emb_debias")["data"] if t.get("name")}
    after = [t for t in debias.values() if "doctor" in (t.get("y") or [])][-1]  # the last set of dots: equalized
    neutral = [x for x, w in zip(after["x"], after["y"]) if w in ("doctor", "teacher", "engineer")]
    assert np.allclose(neutral, 0, atol=1e-6)  # nothing of the bias direction g is left
    bench = at.dataframe[3].value
    assert len(bench) == 3 and "%" in bench.iloc[0, 3]  # two shipped sets + the chance row
    pairs = at.dataframe[4].value
    before, after = pairs.iloc[:, 2].str.split(" / "), pairs.iloc[:, 3].str.split(" / ")
    assert (after.str[0] == after.str[1]).all() and not (before.str[0] == before.str[1]).all()  # equalized


def test_king_minus_man_plus_woman_gives_queen():
    """The course's analogy on vectors that hold it (the shipped ones learnt from half a million words do not:
    seqviz/ui/emb.py says so where it picks france : french :: spain : ? as the default)."""
    rng = np.random.default_rng(0)
    words = ["man", "woman", "king", "queen", "prince", "throne"] + [f"w{i}" for i in range(60)]
    vecs = rng.normal(size=(len(words), 16))
    unit = vecs / np.linalg.norm(vecs, axis=1, keepdims=True)
    vecs[3] = unit[2] - unit[0] + unit[1] + 0.05 * rng.normal(size=16)  # queen ≈ king − man + woman
    mid, m = own_vectors(words, vecs)
    at = run_page(PAGE, my_models={mid: m}, emb_vectors=mid, emb_an_a="man", emb_an_b="king", emb_an_c="woman")
    assert not at.exception and not at.error
    assert any("**man** : **king** :: **woman** : **queen**" in md.value for md in at.markdown)
    answers = at.dataframe[1].value
    assert answers.iloc[0, 0] == "queen" and answers.iloc[0, 1] > 0.9 > answers.iloc[1, 1]
    assert chart(at, "emb_analogy")["data"][0]["text"][:4] == ["man", "king", "woman", "queen"]
    assert sorted(["man", "king", "woman", "queen"]) in [sorted(ws) for ws in words_of(chart(at, "emb_map")).values()]


def test_unknown_words_get_suggestions_not_tracebacks():
    at = run_page(PAGE)
    at.text_input(key="emb_query").set_value("kng").run()
    at.text_input(key="emb_an_c").set_value("<b>fathr</b>").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "**kng** is not in this vocabulary" in warnings and "`king`" in warnings
    assert "\\<b\\>fathr\\</b\\>" in warnings and "<b>" not in warnings  # escaped, shown literally
    at.text_input(key="emb_query").set_value("   ").run()
    assert not at.exception and any("Type a word" in i.value for i in at.info)
    at.text_input(key="emb_onehot_word").set_value("🙂🙂").run()
    assert not at.exception
    assert [c.key for c in at.get("plotly_chart")] == ["emb_map", "emb_pairs", "emb_sampling", "emb_debias"]
    assert all(len(ws) >= 20 for ws in words_of(chart(at, "emb_map")).values())  # no word marked on the map


def test_other_projections_are_computed_and_cached(monkeypatch):
    from seqviz.ui import emb

    monkeypatch.setattr(emb, "TSNE_3D_MAX", 300)  # sklearn's 3-D t-SNE on 2,000 words would take a minute
    at = run_page(PAGE)
    at.radio(key="emb_method").set_value("pca")
    at.radio(key="emb_dim").set_value(3)
    at.slider(key="emb_n").set_value(600)
    at.button[0].click().run()  # the form's Draw button
    assert not at.exception and not at.error
    assert any("PCA of the 600 most frequent words" in c.value for c in at.caption)
    dots = [t for t in chart(at, "emb_map")["data"] if (t.get("name") or "").startswith(CLUSTERS)]
    assert {t["type"] for t in dots} == {"scatter3d"} and sum(len(t["text"]) for t in dots) == 600
    at.radio(key="emb_method").set_value("tsne")
    at.button[0].click().run()
    assert not at.exception and any("3-D t-SNE runs on at most 300 words" in i.value for i in at.info)
    assert any("t-SNE of the 300 most frequent words" in c.value for c in at.caption)


def test_word_lists_colour_and_report_unknown_words():
    at = run_page(PAGE)
    at.radio(key="emb_colour").set_value("lists")
    at.text_area(key="emb_lists").set_value("colours: red green blue zzqx\nnothing here: qqqq")
    at.button[0].click().run()
    assert not at.exception
    assert any("zzqx" in c.value and "qqqq" in c.value for c in at.caption)
    traces = words_of(chart(at, "emb_map"))
    assert traces["colours"] == ["red", "green", "blue"] and "nothing here" not in traces  # the known words only
    assert len(traces["other words"]) == 2000 - 3


def test_debiasing_bad_input():
    at = run_page(PAGE)
    at.text_input(key="emb_bias_axis").set_value("woman-man, she, foo-bar").run()
    assert not at.exception and any("Skipped" in w.value and "foo" in w.value and "she" in w.value for w in at.warning)
    at.text_input(key="emb_bias_axis").set_value("").run()
    assert any("at least one pair" in i.value for i in at.info)
    at.text_input(key="emb_bias_axis").set_value("king-king").run()
    assert not at.exception and any("zero bias direction" in w.value for w in at.warning)


def test_training_pairs_and_negative_sampling_controls():
    at = run_page(PAGE)
    at.text_input(key="emb_sentence").set_value("hello").run()
    assert any("at least two words" in i.value for i in at.info)
    at.text_input(key="emb_sentence").set_value("the cat sat on the mat").run()
    at.radio(key="emb_pairs_mode").set_value("cbow").run()
    assert not at.exception and any("CBOW" in c.value and "6 here" in c.value for c in at.caption)
    at.slider(key="emb_neg_k").set_value(7).run()
    assert len(at.dataframe[2].value) == 8  # the real pair + 7 negatives


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
    assert chosen.value.startswith("my-") and len(chosen.options) == 3  # selected at once
    captions = " ".join(c.value for c in at.sidebar.caption)
    assert "n_e = 10" in captions
    bench = [d.value for d in at.dataframe if len(d.value) == 4 and d.value.iloc[:, 0].str.startswith("▶").any()]
    assert bench and bench[0].iloc[2, 0].startswith("▶ ")  # its benchmark row joined the table, marked
    V = int(re.search(r"([\d,]+) words × n_e = 10", captions).group(1).replace(",", ""))
    drawn = sum(len(ws) for name, ws in words_of(chart(at, "emb_map")).items() if name.startswith(CLUSTERS))
    assert drawn == min(V, 2000) and V != 8944  # the map draws the new vectors' words


@pytest.mark.parametrize("V", [50, 200])
def test_small_own_vocabularies_work_everywhere(V):
    import numpy as np

    from seqviz.embeddings.vectors import EmbeddingTable, WordVectors

    rng = np.random.default_rng(0)
    words = ["man", "woman", "king", "queen", "france", "french", "spain", "spanish", "orange"]
    words += [f"w{i}" for i in range(V - 9)]
    v = WordVectors(words, rng.normal(size=(V, 16)), np.arange(V, 0, -1), "cbow", {"tokens": 5000})
    mid, m = my_model(EmbeddingTable.from_vectors(v), "mine")
    at = run_page(PAGE, my_models={mid: m}, emb_vectors=mid)
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="emb_vectors").value == mid
    assert any(f"All {V} words are shown" in c.value for c in at.caption)
    assert len(at.dataframe[3].value) == 4  # its row (scored now) in the table
