"""Word-embedding figures, side by side in one run: t-SNE (openTSNE), UMAP and sklearn's TSNE on the same
5,000 shipped word vectors, each cold in a fresh Python process; the cached re-display and the default
view of the page; training word2vec and GloVe on the default corpus (GloVe on CUDA too when present).

Run: python benchmarks/bench_embeddings.py [--words 5000] [--skip-training]
Targets (issue 4): t-SNE under 10 s and UMAP under 15 s cold at 5,000 words on 2 CPU cores; a cached
re-display under 100 ms; the default view drawn at once; GloVe on the default corpus under 60 s on CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

COLD = """
import json, sys, time
t0 = time.perf_counter()
import numpy as np
from seqviz.core.checkpoint import load_pretrained
X = load_pretrained("wiki-skipgram").vectors().E[:{n}]
t1 = time.perf_counter()
method = {method!r}
if method == "sklearn-tsne":
    from seqviz.embeddings.projection import sklearn_tsne
    Y = sklearn_tsne(X)
else:
    from seqviz.embeddings.projection import ProjectionConfig, project
    Y = project(X, ProjectionConfig(method, 2))
t2 = time.perf_counter()
from sklearn.manifold import trustworthiness
from seqviz.embeddings.projection import unit_rows
tw = trustworthiness(unit_rows(X), Y, n_neighbors=10, metric="cosine")
print(json.dumps({{"load": t1 - t0, "project": t2 - t1, "trust": float(tw)}}))
"""


def cold(method: str, n: int) -> dict:
    """Time one projection in a fresh interpreter: imports and numba compilation included."""
    t0 = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-c", COLD.format(root=str(ROOT), n=n, method=method)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    wall = time.perf_counter() - t0
    return {**json.loads(out.stdout.strip().splitlines()[-1]), "wall": wall}


def page_figures(n: int) -> None:
    """The work left on a rerun once a projection is cached: the figure and its JSON (what the page sends)."""
    import numpy as np

    from seqviz import viz
    from seqviz.core.checkpoint import PRETRAINED_DIR, load_pretrained
    from seqviz.embeddings.projection import ProjectionConfig, clusters, load_views, view_key

    v = load_pretrained("wiki-skipgram").vectors()
    t0 = time.perf_counter()
    views = load_views(PRETRAINED_DIR / "wiki-skipgram.views.safetensors")
    Y = views[view_key(ProjectionConfig("umap", 2), 2000)]
    t_view = time.perf_counter() - t0
    groups = clusters(v.E[:2000], 10)
    marks = {w: "neighbour" for w, _ in v.neighbours("king", 10)} | {"king": "query"}
    t0 = time.perf_counter()
    fig = viz.embeddings.embedding_map(v.words[:2000], Y, groups, [f"cluster {i}" for i in range(10)], marks)
    fig.to_json()
    t_fig = time.perf_counter() - t0
    print(
        f"default view (shipped UMAP of 2,000 words): load {1000 * t_view:.1f} ms, figure + JSON {1000 * t_fig:.0f} ms"
    )
    rng = np.random.default_rng(0)
    Y5 = rng.normal(size=(n, 2)).astype("float32")
    groups5 = rng.integers(0, 10, n)
    times = []
    for _ in range(5):
        t0 = time.perf_counter()
        fig = viz.embeddings.embedding_map(v.words[:n], Y5, groups5, [f"cluster {i}" for i in range(10)], marks)
        fig.to_json()
        times.append(time.perf_counter() - t0)
    print(
        f"cached re-display at {n:,} words (figure + JSON, projection cached): {1000 * min(times):.0f} ms "
        f"(target < 100 ms)"
    )


def page_rerun() -> None:
    """A whole page run through Streamlit's AppTest: first (cold caches), then a rerun with everything cached."""
    from streamlit.testing.v1 import AppTest

    def run_page(page: str) -> AppTest:  # as tests/test_app.py opens a page: app.py, then the page
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.switch_page(f"pages/{page}")
        return at.run()

    t0 = time.perf_counter()
    at = run_page("word_embeddings.py")
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.run()
    again = time.perf_counter() - t0
    assert not at.exception
    print(
        f"whole embeddings page in AppTest: first run {first:.2f} s (loads vectors, jieba-free), "
        f"rerun {1000 * again:.0f} ms"
    )


def training() -> None:
    import torch

    from seqviz.core.registry import shipped
    from seqviz.embeddings.corpus import wiki_corpus
    from seqviz.embeddings.glove import train_glove
    from seqviz.embeddings.kind import glove_config, word2vec_config
    from seqviz.embeddings.word2vec import train_word2vec

    t0 = time.perf_counter()
    sentences = wiki_corpus()
    print(
        f"default corpus: {sum(map(len, sentences)):,} words in {len(sentences):,} sentences, read in "
        f"{time.perf_counter() - t0:.1f} s"
    )
    kind, recipe = shipped()["wiki-skipgram"]  # the shipped checkpoints' settings, from the registry
    cfg = word2vec_config(kind.check(recipe.params))
    t0 = time.perf_counter()
    train_word2vec(sentences, cfg)
    print(
        f"word2vec skip-gram, {cfg.epochs} epochs, window {cfg.window}, k = {cfg.negative} (gensim, 1 worker): "
        f"{time.perf_counter() - t0:.1f} s"
    )
    kind, recipe = shipped()["wiki-glove"]
    glove = glove_config(kind.check(recipe.params))
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    for device in devices:
        from dataclasses import replace

        v, state = train_glove(sentences, replace(glove, device=device))
        print(
            f"GloVe, {glove.epochs} epochs, {v.info['nonzero_X']:,} non-zero X_ij, on {state.device}: "
            f"{state.elapsed:.1f} s training (target < 60 s on CPU)"
        )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--skip-training", action="store_true")
    a = ap.parse_args()
    import torch

    print(f"torch {torch.__version__}, {os.cpu_count()} CPU cores, {torch.get_num_threads()} torch threads")
    print(
        f"\nprojections of {a.words:,} shipped word vectors, each cold in a fresh process "
        "(interpreter start, imports, numba compilation and the projection):"
    )
    for method, label, target in (
        ("tsne", "t-SNE (openTSNE)", 10),
        ("umap", "UMAP (exact k-NN)", 15),
        ("sklearn-tsne", "sklearn TSNE", None),
        ("pca", "PCA", None),
    ):
        r = cold(method, a.words)
        note = f" (target < {target} s)" if target else ""
        print(
            f"  {label:<18} {r['wall']:6.1f} s wall, {r['project']:6.1f} s in the call, "
            f"trustworthiness {r['trust']:.3f}{note}"
        )
    print()
    page_figures(a.words)
    page_rerun()
    if not a.skip_training:
        print()
        training()


if __name__ == "__main__":
    main()
