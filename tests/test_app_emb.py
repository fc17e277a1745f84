"""AppTest of the word-embeddings page: default view, odd words, projections, debiasing, training."""
import time

import pytest
from conftest import my_model
from test_app import run_page

PAGE = "word_embeddings.py"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_default_view_opens_on_shipped_vectors(lang):
    at = run_page(PAGE, lang)
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 6          # map, analogy, one-hot, pairs, sampling, debiasing
    text = " ".join(c.value for c in at.caption)
    assert ("Precomputed UMAP" if lang == "en" else "预先算好的 UMAP") in text
    assert any("**spanish**" in m.value for m in at.markdown)           # france : french :: spain : spanish
    bench = at.dataframe[3].value
    assert len(bench) == 3 and "%" in bench.iloc[0, 3]                  # two shipped sets + the chance row


def test_unknown_words_get_suggestions_not_tracebacks():
    at = run_page(PAGE)
    at.text_input(key="emb_query").set_value("kng").run()
    at.text_input(key="emb_an_c").set_value("<b>fathr</b>").run()
    assert not at.exception
    warnings = " ".join(w.value for w in at.warning)
    assert "**kng** is not in this vocabulary" in warnings and "`king`" in warnings
    assert "\\<b\\>fathr\\</b\\>" in warnings and "<b>" not in warnings     # escaped, shown literally
    at.text_input(key="emb_query").set_value("   ").run()
    assert not at.exception and any("Type a word" in i.value for i in at.info)
    at.text_input(key="emb_onehot_word").set_value("🙂🙂").run()
    assert not at.exception and len(at.get("plotly_chart")) == 4        # no analogy, no one-hot figure


def test_other_projections_are_computed_and_cached(monkeypatch):
    from seqviz.ui import emb
    monkeypatch.setattr(emb, "TSNE_3D_MAX", 300)     # sklearn's 3-D t-SNE on 2,000 words would take a minute
    at = run_page(PAGE)
    at.radio(key="emb_method").set_value("pca")
    at.radio(key="emb_dim").set_value(3)
    at.slider(key="emb_n").set_value(600)
    at.button[0].click().run()                        # the form's Draw button
    assert not at.exception and not at.error
    assert any("PCA of the 600 most frequent words" in c.value for c in at.caption)
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
    assert len(at.dataframe[2].value) == 8                               # the real pair + 7 negatives


def test_training_through_the_queue_adds_session_vectors():
    """The page's launcher sends the run to the server's queue; when it is done the vectors are listed."""
    at = run_page(PAGE, emb_train_source_word2vec="lee", emb_train_word2vec_method="cbow",
                  emb_train_word2vec_epochs=1, emb_train_word2vec_n_e=10)
    at.button(key="emb_train_go").click().run()
    assert not at.exception and not at.error
    for _ in range(120):                                   # poll as the page's live fragment does
        if any("is ready" in s.value for s in at.success):
            break
        time.sleep(0.5)
        at.run()
    assert not at.exception and not at.error
    assert any("is ready" in s.value for s in at.success)
    chosen = at.sidebar.radio(key="emb_vectors")
    assert chosen.value.startswith("my-") and len(chosen.options) == 3     # selected at once
    assert "n_e = 10" in " ".join(c.value for c in at.sidebar.caption)
    bench = [d.value for d in at.dataframe if len(d.value) == 4 and d.value.iloc[:, 0].str.startswith("▶").any()]
    assert bench and bench[0].iloc[2, 0].startswith("▶ ")              # its benchmark row joined the table, marked
    assert {"emb_map", "emb_pairs", "emb_debias"} <= {c.key for c in at.get("plotly_chart")}   # the map draws them


@pytest.mark.parametrize("V", [50, 200])
def test_small_own_vocabularies_work_everywhere(V):
    import numpy as np

    from seqviz.embeddings.vectors import EmbeddingTable, WordVectors
    rng = np.random.default_rng(0)
    words = ["man", "woman", "king", "queen", "france", "french", "spain", "spanish", "orange"] + [f"w{i}" for i in range(V - 9)]
    v = WordVectors(words, rng.normal(size=(V, 16)), np.arange(V, 0, -1), "cbow", {"tokens": 5000})
    mid, m = my_model(EmbeddingTable.from_vectors(v), "mine")
    at = run_page(PAGE, my_models={mid: m}, emb_vectors=mid)
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="emb_vectors").value == mid
    assert any(f"All {V} words are shown" in c.value for c in at.caption)
    assert len(at.dataframe[3].value) == 4                               # its row (scored now) in the table
