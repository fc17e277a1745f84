"""Word vectors down to 2-D or 3-D: PCA (sklearn), t-SNE (openTSNE) and UMAP (umap-learn), all seeded,
on cosine geometry; plus k-means colours and UMAP's one-off warm-up.

The same vectors, method, settings and seed give the same picture (a test checks it).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

METHODS = ("pca", "tsne", "umap")


@dataclass(frozen=True)
class ProjectionConfig:
    """How to draw high-dimensional vectors in 2-D or 3-D."""

    method: str = "umap"  # "pca", "tsne" or "umap"
    dim: int = 2  # 2 or 3
    perplexity: float = 30.0  # t-SNE: roughly how many neighbours each point tries to keep close
    n_neighbors: int = 15  # UMAP: size of the neighbourhood it preserves (small: local detail; large: global shape)
    min_dist: float = 0.1  # UMAP: how tightly points may pack (0 = tight clumps)
    seed: int = 0  # same seed, same picture

    def key(self) -> str:
        """A short name for caches and for the views shipped in pretrained/."""
        if self.method == "pca":
            return f"pca-{self.dim}d"
        if self.method == "tsne":
            return f"tsne-{self.dim}d-p{self.perplexity:g}-s{self.seed}"
        return f"umap-{self.dim}d-nn{self.n_neighbors}-md{self.min_dist:g}-s{self.seed}"


def unit_rows(X: np.ndarray) -> np.ndarray:
    """Rows scaled to length 1: Euclidean distance between them then orders pairs as cosine does."""
    X = np.asarray(X, dtype=np.float32)
    n = np.linalg.norm(X, axis=1, keepdims=True)
    return X / np.where(n == 0, 1, n)


def knn_cosine(U: np.ndarray, k: int, chunk: int = 2048) -> tuple[np.ndarray, np.ndarray]:
    """Exact k nearest neighbours of unit rows by cosine distance (each point its own first neighbour).

    Returns:
        (indices (n, k) int64, distances 1 − cos (n, k) float32), nearest first.
    """
    n = len(U)
    k = min(k, n)
    idx = np.empty((n, k), dtype=np.int64)
    dist = np.empty((n, k), dtype=np.float32)
    for s in range(0, n, chunk):
        S = U[s : s + chunk] @ U.T  # (chunk, n) cosines
        rows = np.arange(S.shape[0])
        S[rows, s + rows] = 2.0  # self first, whatever rounding says
        top = np.argpartition(-S, k - 1, axis=1)[:, :k]
        d = 1 - np.take_along_axis(S, top, 1)
        order = np.argsort(d, axis=1, kind="stable")
        idx[s : s + chunk] = np.take_along_axis(top, order, 1)
        dist[s : s + chunk] = np.maximum(np.take_along_axis(d, order, 1), 0)
    return idx, dist


def project(X: np.ndarray, cfg: ProjectionConfig) -> np.ndarray:
    """Coordinates (n, dim) of the rows of X, as float32.

    Raises:
        ValueError: too few points for the method and its settings (the message says which).
    """
    if cfg.method not in METHODS or cfg.dim not in (2, 3):
        raise ValueError(f"unknown projection {cfg.method!r} in {cfg.dim}-D")
    U = unit_rows(X)
    n = len(U)
    if n < cfg.dim + 2:
        raise ValueError("too_few_points")
    if cfg.method == "pca":
        from sklearn.decomposition import PCA

        return PCA(n_components=cfg.dim, random_state=cfg.seed).fit_transform(U).astype(np.float32)
    if cfg.method == "tsne":
        perplexity = min(cfg.perplexity, (n - 1) / 3)  # t-SNE needs n > 3 * perplexity
        if cfg.dim == 2:
            from openTSNE import TSNE

            # Barnes-Hut with θ = 0.8 and 600 iterations: on 5,000 word vectors here this takes about 6 s
            # against 40 s for the FFT default (whose grid grows as the map spreads), at the same
            # trustworthiness (0.911 vs 0.912; benchmarks/bench_embeddings.py)
            emb = TSNE(
                n_components=2,
                perplexity=perplexity,
                metric="cosine",
                neighbors="exact",
                negative_gradient_method="bh",
                theta=0.8,
                early_exaggeration_iter=200,
                n_iter=400,
                random_state=cfg.seed,
                n_jobs=2,
                verbose=False,
            ).fit(U)
            return np.asarray(emb, dtype=np.float32)
        from sklearn.manifold import TSNE as SkTSNE  # openTSNE's fast gradient is 2-D only

        return (
            SkTSNE(n_components=3, perplexity=perplexity, metric="cosine", init="pca", random_state=cfg.seed)
            .fit_transform(U)
            .astype(np.float32)
        )
    return _umap(U, cfg)


def _umap(U: np.ndarray, cfg: ProjectionConfig) -> np.ndarray:
    import umap

    k = max(2, min(cfg.n_neighbors, len(U) - 1))
    idx, dist = knn_cosine(U, k)  # exact neighbours: skips pynndescent's slow first compile
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "n_jobs overridden by random_state", "no NNDescent index"
        reducer = umap.UMAP(
            n_components=cfg.dim,
            n_neighbors=k,
            min_dist=cfg.min_dist,
            metric="cosine",
            random_state=cfg.seed,
            n_epochs=200,
            precomputed_knn=(idx, dist, None),
        )
        return reducer.fit_transform(U).astype(np.float32)


def sklearn_tsne(X: np.ndarray, perplexity: float = 30.0, seed: int = 0) -> np.ndarray:
    """sklearn's Barnes-Hut t-SNE on the same unit rows (the benchmark compares it with openTSNE)."""
    from sklearn.manifold import TSNE

    return TSNE(n_components=2, perplexity=perplexity, metric="cosine", init="pca", random_state=seed).fit_transform(
        unit_rows(X)
    )


def clusters(X: np.ndarray, k: int, seed: int = 0) -> np.ndarray:
    """k-means labels (on unit rows, so clusters follow cosine similarity)."""
    from sklearn.cluster import KMeans

    k = max(1, min(k, len(X)))
    return KMeans(n_clusters=k, n_init=3, random_state=seed).fit_predict(unit_rows(X))


def warm_up() -> float:
    """Run UMAP once on 300 random points so numba compiles its layout code (5–10 s, once per process)
    before a student asks for a projection. Returns the seconds it took."""
    import time

    t = time.perf_counter()
    rng = np.random.default_rng(0)
    project(rng.normal(size=(300, 16)), ProjectionConfig("umap", 2))
    project(rng.normal(size=(300, 16)), ProjectionConfig("umap", 3))
    return time.perf_counter() - t


def save_views(path, views: dict[str, np.ndarray]) -> None:
    """Ship precomputed projections (key -> (n, dim) array of the first n words) next to a checkpoint, in float32
    or, where the array is float16 (a map needs three digits), in half the bytes."""
    from safetensors.numpy import save_file

    save_file(
        {
            k: np.ascontiguousarray(v, dtype=np.float16 if v.dtype == np.float16 else np.float32)
            for k, v in views.items()
        },
        str(path),
    )


def load_views(path) -> dict[str, np.ndarray]:
    """The views save_views wrote ({} when the file is missing or unreadable)."""
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        return {k: v.astype(np.float32, copy=False) for k, v in load_file(str(path)).items()}
    except (OSError, SafetensorError):
        return {}


def view_key(cfg: ProjectionConfig, n_words: int) -> str:
    """The name of a shipped view: the projection's key and how many words it holds."""
    return f"{cfg.key()}-n{n_words}"
