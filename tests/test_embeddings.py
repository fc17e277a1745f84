"""The course's embedding algebra, on hand-checked vectors: cosine, bias direction, neutralize, equalize."""

import numpy as np
import pytest

from seqviz.embeddings.vectors import bias_direction, cosine, equalize, neutralize, project


def test_cosine_on_hand_checked_vectors():
    assert cosine(np.array([1.0, 0]), np.array([0, 2.0])) == 0
    assert cosine(np.array([1.0, 1]), np.array([2.0, 2])) == pytest.approx(1)
    assert cosine(np.array([1.0, 0]), np.array([-3.0, 0])) == pytest.approx(-1)
    assert cosine(np.array([3.0, 4]), np.array([4.0, 3])) == pytest.approx(24 / 25)
    assert cosine(np.zeros(2), np.array([1.0, 0])) == 0


def test_bias_direction_is_the_mean_difference():
    g = bias_direction([(np.array([1.0, 2]), np.array([0.0, 2])), (np.array([3.0, 0]), np.array([0.0, 1]))])
    np.testing.assert_allclose(g, [2, -0.5])
    with pytest.raises(ValueError):
        bias_direction([])


def test_neutralize_removes_exactly_the_bias_component():
    g = np.array([2.0, 0, 0])
    e = np.array([3.0, 1, -2])
    np.testing.assert_allclose(project(e, g), [3, 0, 0])
    np.testing.assert_allclose(neutralize(e, g), [0, 1, -2])
    rng = np.random.default_rng(0)
    g, e = rng.normal(size=50), rng.normal(size=50)
    assert neutralize(e, g) @ g == pytest.approx(0, abs=1e-10)
    np.testing.assert_allclose(neutralize(e, g) + project(e, g), e)
    with pytest.raises(ValueError):
        neutralize(e, np.zeros(50))


def test_equalize_makes_the_pair_symmetric_about_the_neutral_space():
    rng = np.random.default_rng(1)
    g = rng.normal(size=40)
    actor, actress, doctor = rng.normal(size=(3, 40))
    a, b = equalize(actor, actress, g)
    assert np.linalg.norm(a) == pytest.approx(1) and np.linalg.norm(b) == pytest.approx(1)
    assert a @ g == pytest.approx(-(b @ g))  # opposite bias, same size
    np.testing.assert_allclose(neutralize(a, g), neutralize(b, g), atol=1e-12)  # same neutral part
    d = neutralize(doctor, g)
    assert cosine(a, d) == pytest.approx(cosine(b, d))  # equidistant from a neutral word
    with pytest.raises(ValueError):
        equalize(actor, actor, g)


def test_equalize_on_a_hand_worked_example():
    g = np.array([1.0, 0])
    a, b = equalize(np.array([0.6, 0.8]), np.array([0.0, 1.0]), g)
    # μ = (0.3, 0.9), μ_⊥ = (0, 0.9), scale = sqrt(1 - 0.81) = sqrt(0.19); bias parts ±0.3 -> ±1 after scaling
    np.testing.assert_allclose(a, [np.sqrt(0.19), 0.9])
    np.testing.assert_allclose(b, [-np.sqrt(0.19), 0.9])


# ---------------------------------------------------------------- vectors, neighbours, analogies

from seqviz import embeddings as em  # noqa: E402


def _toy() -> em.WordVectors:
    """Four words where king − man + woman is exactly queen, plus two distractors."""
    words = ["man", "woman", "king", "queen", "apple", "pear"]
    E = np.array([[1, 0, 0, 0], [1, 1, 0, 0], [1, 0, 1, 0], [1, 1, 1, 0], [0, 0, 0, 1], [0, 0.1, 0, 1]], float)
    return em.WordVectors(words, E, np.array([50, 40, 30, 20, 10, 5]), "toy")


def test_neighbours_are_sorted_cosines_without_the_word_itself():
    v = _toy()
    got = v.neighbours("apple", 3)
    assert got[0][0] == "pear" and got[0][1] == pytest.approx(1 / np.sqrt(1.01))
    assert [s for _, s in got] == sorted((s for _, s in got), reverse=True)
    assert "apple" not in [w for w, _ in got]
    assert v.similarity("man", "woman") == pytest.approx(1 / np.sqrt(2))


def test_analogy_finds_queen_and_matches_gensim():
    v = _toy()
    assert v.analogy("man", "king", "woman", 1)[0][0] == "queen"
    ours = v.analogy("man", "woman", "king", 3)
    ref = em.keyed_vectors(v).most_similar(positive=["woman", "king"], negative=["man"], topn=3)
    assert [w for w, _ in ours] == [w for w, _ in ref]
    np.testing.assert_allclose([s for _, s in ours], [s for _, s in ref], rtol=1e-5)


def test_unknown_words_get_close_suggestions():
    v = _toy()
    assert "quen" not in v and v.missing(["Queen ", "quen"]) == ["quen"]
    assert v.suggest("quen")[0] == "queen"
    assert v.suggest("zzzzzz") == []


def test_onehot_times_E_picks_the_column():
    v = _toy()
    k, o, e = em.onehot(v, "king")
    assert k == 2 and o.sum() == 1 and o[2] == 1
    np.testing.assert_allclose(e, v.E[2])


# ---------------------------------------------------------------- training examples


def test_skipgram_and_cbow_pairs_by_hand():
    toks = ["a", "b", "c", "d"]
    assert [(c, t) for _, c, t in em.skipgram_pairs(toks, 1)] == [
        ("a", "b"),
        ("b", "a"),
        ("b", "c"),
        ("c", "b"),
        ("c", "d"),
        ("d", "c"),
    ]
    assert len(em.skipgram_pairs(toks, 2)) == 2 + 3 + 3 + 2
    assert em.cbow_pairs(toks, 1)[1] == (1, ["a", "c"], "b")


def test_negative_samples_follow_the_three_quarter_power():
    v = em.WordVectors(["the", "cat", "mat"], np.eye(3), np.array([800, 100, 100]))
    rows = em.negative_samples(v, "cat", "mat", 20000, seed=0)
    assert rows[0] == ("cat", "mat", 1) and all(y == 0 for _, _, y in rows[1:]) and len(rows) == 20001
    assert all(w != "mat" for _, w, _ in rows[1:])  # the target is never its own negative
    share = sum(w == "the" for _, w, _ in rows[1:]) / 20000
    assert share == pytest.approx(800**0.75 / (800**0.75 + 100**0.75), abs=0.01)  # redrawn over the/cat
    expect = 800**0.75 / (800**0.75 + 2 * 100**0.75)  # 0.667, below its 0.8 share of the corpus
    words, f, f34 = em.sampling_distribution(v)
    assert f[0] == pytest.approx(0.8) and f34[0] == pytest.approx(expect)


def test_corpus_sentences_english_chinese_and_junk():
    assert em.corpus_sentences("The cat sat. A dog ran!\nOK 42 🙂") == [
        ["the", "cat", "sat"],
        ["a", "dog", "ran"],
        ["ok"],
    ]
    zh = em.corpus_sentences("我喜欢自然语言处理。今天天气很好")
    assert em.detect_lang("我喜欢自然语言处理") == "zh" and len(zh) == 2 and "".join(zh[0]) == "我喜欢自然语言处理"
    assert em.corpus_sentences("<b>bold</b> &amp;") == [["b", "bold", "b", "amp"]]
    assert em.corpus_sentences("") == [] and em.corpus_sentences("123 !!! 🙂") == []


# ---------------------------------------------------------------- GloVe


def test_cooccurrence_counts_by_hand():
    idx = {"a": 0, "b": 1, "c": 2}
    i, j, x = em.cooccurrence([["a", "b", "c"], ["c", "a"], ["zzz", "b"]], idx, window=2)
    X = np.zeros((3, 3))
    X[i, j] = x
    expect = np.array([[0, 1, 0.5 + 1], [1, 0, 1], [0.5 + 1, 1, 0]])  # a-c: 1/2 in sentence 1, 1 in sentence 2
    np.testing.assert_allclose(X, expect)  # nothing across sentences, unknown words dropped


def test_glove_loss_and_weighting_closed_form():
    import torch

    G = em.GloVe(3, 2)
    with torch.no_grad():
        G.theta.copy_(torch.tensor([[1.0, 0], [0, 1], [1, 1]]))
        G.e.copy_(torch.tensor([[2.0, 1], [1, 1], [0, 3]]))
        G.b.copy_(torch.tensor([0.1, 0.2, 0.3]))
        G.b_tilde.copy_(torch.tensor([0.0, -0.5, 0.5]))
    i, j, x = torch.tensor([0, 2]), torch.tensor([1, 2]), torch.tensor([5.0, 200.0])
    pred0 = 1 * 1 + 0 * 1 + 0.1 - 0.5  # θ_0·e_1 + b_0 + b'_1
    pred1 = 1 * 0 + 1 * 3 + 0.3 + 0.5
    expect = (5 / 100) ** 0.75 * (pred0 - np.log(5)) ** 2 + 1.0 * (pred1 - np.log(200)) ** 2
    assert float(em.glove_loss(G, (i, j, x)).detach()) == pytest.approx(expect, rel=1e-5)
    assert float(em.glove_weight(torch.tensor(0.0))) == 0
    np.testing.assert_allclose(G.final(), [[1.5, 0.5], [0.5, 1], [0.5, 2]])  # (e + θ) / 2


def _tiny_corpus(n=400, seed=0):
    """Two topics that never share a sentence: animals and numbers."""
    rng = np.random.default_rng(seed)
    topics = [["cat", "dog", "horse", "cow", "sheep"], ["one", "two", "three", "four", "five"]]
    return [list(rng.choice(topics[k % 2], 6)) for k in range(n)]


def test_glove_loss_falls_and_topics_separate():
    v, state = em.train_glove(
        _tiny_corpus(),
        em.GloveConfig(n_e=8, window=3, min_count=1, epochs=30, batch_size=16, x_max=10, lr=0.1, device="cpu"),
    )
    vals = [h["val_loss"] for h in state.history if "val_loss" in h]
    assert vals[-1] < 0.5 * vals[0]
    assert v.similarity("cat", "dog") > v.similarity("cat", "two") + 0.3


def test_word2vec_is_repeatable_and_learns_topics():
    cfg = em.Word2VecConfig(n_e=8, window=2, min_count=1, epochs=20, negative=3)
    seen = []
    a = em.train_word2vec(_tiny_corpus(), cfg, progress=lambda e, n, loss: seen.append((e, n)))
    b = em.train_word2vec(_tiny_corpus(), cfg)
    np.testing.assert_array_equal(a.E, b.E)
    assert seen[-1] == (20, 20) and a.method == "skip-gram"
    topics = [["cat", "dog", "horse", "cow", "sheep"], ["one", "two", "three", "four", "five"]]
    within = [a.similarity(x, y) for t in topics for x in t for y in t if x < y]
    across = [a.similarity(x, y) for x in topics[0] for y in topics[1]]
    assert np.mean(within) > np.mean(across) + 0.3  # here 0.86 against 0.41
    with pytest.raises(ValueError):
        em.train_word2vec([["lonely"]], em.Word2VecConfig(min_count=5))


def test_debias_report():
    rng = np.random.default_rng(0)
    words = ["woman", "man", "she", "he", "doctor", "nurse", "actress", "actor"]
    v = em.WordVectors(words, rng.normal(size=(8, 10)), np.ones(8, int))
    r = em.debias(v, [("woman", "man"), ("she", "he")], ["doctor", "nurse"], [("actress", "actor")])
    assert r.after["doctor"] == pytest.approx(0, abs=1e-9) and r.before["doctor"] != pytest.approx(0, abs=1e-3)
    assert r.after["actress"] == pytest.approx(-r.after["actor"])
    for d in r.distances:
        assert d["after"][0] == pytest.approx(d["after"][1])


def test_embedding_table_round_trip(tmp_path):
    from seqviz.core.checkpoint import load_model, save_model

    v = _toy()
    path = save_model(em.EmbeddingTable.from_vectors(v), "toy", {"metrics": {}}, tmp_path)
    back = load_model(path).vectors()
    assert back.words == v.words and back.method == "toy"
    np.testing.assert_array_equal(back.E, v.E.astype(np.float32))
    np.testing.assert_array_equal(back.counts, v.counts)


# ---------------------------------------------------------------- the benchmark sets (the shipped vectors' scores are
#                                                                  recomputed in test_shipped_metrics.py)


def test_evaluate_reports_coverage():
    v = _toy()
    m = em.evaluate(v)
    from gensim.test.utils import datapath

    with open(datapath("questions-words.txt")) as f:
        mine = [q for q in (line.lower().split() for line in f if not line.startswith(":")) if set(q) <= set(v.words)]
    assert m["analogy"]["covered"] == len(mine) == 2 and m["analogy"]["total"] == 19544  # king/queen, man/woman
    assert m["analogy"]["accuracy"] == 1.0  # the toy vectors make both exact parallelograms
    assert m["wordsim353"]["covered"] == 2 and m["wordsim353"]["spearman"] == 0  # too few pairs for a ρ
