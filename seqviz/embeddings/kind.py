"""The word-vector kinds: the shipped recipes and their precomputed views."""
from __future__ import annotations

from dataclasses import asdict, replace
import platform
import time

import numpy as np
import torch

from seqviz.embeddings.glove import GloveConfig
from seqviz.embeddings.word2vec import Word2VecConfig, train_word2vec
from seqviz.core.checkpoint import save_model
from seqviz.rnn.kind import WIKI_DATA


# ---------------------------------------------------------------- word vectors (the word-embeddings page)

WIKI_WORDS_DATA = {
    "source": WIKI_DATA["source"],
    "tokens": "gensim's tokenize, lower-case; one sentence per item (a line break or . ! ? ends one)",
}
EMBEDDING_RECIPES = {   # name -> settings; both read the same default corpus. GloVe's x_max is 10, not the paper's
    # 100: in half a million words few pairs co-occur 100 times, so f(X_ij) would weigh almost every pair near 0
    "wiki-skipgram": Word2VecConfig(sg=True, n_e=100, window=8, negative=10, min_count=5, epochs=20),
    "wiki-glove": GloveConfig(n_e=100, window=10, min_count=5, x_max=10.0, epochs=15, lr=0.1),
}
EMBEDDING_VIEW_WORDS = 2000      # the page opens on the 2,000 most frequent words; their views ship precomputed


def default_views(vectors, n_words: int = EMBEDDING_VIEW_WORDS) -> dict:
    """The projections the page offers by default, precomputed so it opens at once."""
    from seqviz.embeddings.projection import ProjectionConfig, project, view_key
    X = vectors.E[:n_words]
    out = {}
    for cfg in (ProjectionConfig("umap", 2), ProjectionConfig("umap", 3), ProjectionConfig("tsne", 2),
                ProjectionConfig("pca", 2), ProjectionConfig("pca", 3)):
        out[view_key(cfg, len(X))] = project(X, cfg)
    return out


def build_embeddings(name: str, out_dir=None, epochs: int | None = None, device: str = "auto",
                     callbacks=()) -> dict:
    """Train word vectors on the default corpus, score them on gensim's benchmark sets, save them with
    their precomputed views."""
    from seqviz.embeddings.vectors import EmbeddingTable, WordVectors
    from seqviz.embeddings.benchmarks import evaluate
    from seqviz.embeddings.glove import train_glove
    from seqviz.embeddings.corpus import wiki_corpus
    from seqviz.embeddings.projection import save_views
    cfg = replace(EMBEDDING_RECIPES[name], **({"epochs": epochs} if epochs else {}))
    method = "skip-gram" if isinstance(cfg, Word2VecConfig) else "glove"
    if method == "glove":
        cfg = replace(cfg, device=device)
    t0 = time.perf_counter()
    sentences = wiki_corpus()
    t_corpus = time.perf_counter() - t0
    if method == "glove":
        vectors, state = train_glove(sentences, cfg, callbacks=callbacks)
        losses = [round(h["val_loss"], 5) for h in state.history if "val_loss" in h]
    else:
        vectors, losses = train_word2vec(sentences, cfg), None
    seconds = time.perf_counter() - t0 - t_corpus
    metrics = evaluate(vectors)
    rng = np.random.default_rng(0)     # the same words with random vectors: what chance scores
    chance = evaluate(WordVectors(vectors.words, rng.normal(size=vectors.E.shape), vectors.counts))
    metrics["random_vectors"] = {"analogy": round(chance["analogy"]["accuracy"], 4),
                                 "wordsim353": round(chance["wordsim353"]["spearman"], 4),
                                 "simlex999": round(chance["simlex999"]["spearman"], 4)}
    meta = {
        "title": f"{method} vectors of the Wikipedia extract gensim ships",
        "data": {**WIKI_WORDS_DATA, "n_sentences": len(sentences), "n_tokens": int(sum(map(len, sentences))),
                 "n_vocabulary": len(vectors)},
        "command": f"python -m seqviz.training.build {name}",
        "training": {"method": method, "settings": asdict(cfg), "epochs": cfg.epochs, "seconds": round(seconds, 1),
                     "corpus_seconds": round(t_corpus, 1), "objective_per_epoch": losses,
                     "device": vectors.info.get("device", "cpu"), "torch": torch.__version__,
                     "machine": platform.machine()},
        "metrics": metrics,
        "views": f"{name}.views.safetensors: PCA, t-SNE and UMAP of the {EMBEDDING_VIEW_WORDS} most frequent words",
    }
    table = EmbeddingTable.from_vectors(WordVectors(vectors.words, vectors.E, vectors.counts, method,
                                                    {"corpus": "wiki"}))
    path = save_model(table, name, meta, out_dir)
    save_views(path.with_name(f"{name}.views.safetensors"), default_views(vectors))
    return meta
