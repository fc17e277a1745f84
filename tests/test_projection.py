"""Projections: seeded and repeatable, exact cosine neighbours, shipped views."""
import numpy as np
import pytest

from seqviz.embeddings.projection import ProjectionConfig, clusters, knn_cosine, project, unit_rows


def _blobs(n=300, seed=0):
    rng = np.random.default_rng(seed)
    centers = rng.normal(size=(4, 20)) * 4
    labels = rng.integers(0, 4, n)
    return centers[labels] + rng.normal(size=(n, 20)), labels


def test_knn_matches_brute_force():
    X, _ = _blobs(200)
    idx, dist = knn_cosine(unit_rows(X), 6, chunk=64)
    U = unit_rows(X)
    D = 1 - U @ U.T
    ref = np.argsort(D, axis=1, kind="stable")[:, :6]
    assert (idx[:, 0] == np.arange(200)).all()
    np.testing.assert_allclose(dist, np.take_along_axis(D, ref, 1), atol=1e-5)


@pytest.mark.parametrize("cfg", [ProjectionConfig("pca", 2), ProjectionConfig("pca", 3), ProjectionConfig("umap", 2),
                                 ProjectionConfig("tsne", 2, perplexity=20)])
def test_same_seed_same_picture(cfg):
    X, labels = _blobs()
    Y1, Y2 = project(X, cfg), project(X, cfg)
    assert Y1.shape == (len(X), cfg.dim)
    np.testing.assert_array_equal(Y1, Y2)
    # the blobs stay apart: each point's nearest neighbour in the picture is from its own blob
    D = ((Y1[:, None] - Y1[None]) ** 2).sum(-1)
    np.fill_diagonal(D, np.inf)
    assert (labels[D.argmin(1)] == labels).mean() > 0.95


def test_other_seed_other_umap():
    X, _ = _blobs()
    assert not np.allclose(project(X, ProjectionConfig("umap", 2, seed=0)), project(X, ProjectionConfig("umap", 2, seed=1)))


def test_too_few_points_and_bad_method():
    with pytest.raises(ValueError):
        project(np.ones((3, 5)), ProjectionConfig("umap", 3))
    with pytest.raises(ValueError):
        project(np.ones((30, 5)), ProjectionConfig("mds", 2))
    assert project(np.random.default_rng(0).normal(size=(12, 5)), ProjectionConfig("tsne", 2)).shape == (12, 2)


def test_clusters_find_the_blobs():
    X, labels = _blobs()
    got = clusters(X, 4)
    # every blob maps to one cluster
    assert all(len(set(got[labels == k])) == 1 for k in range(4))


def test_shipped_views_match_a_fresh_computation():
    from seqviz.core.checkpoint import PRETRAINED_DIR, load_pretrained
    from seqviz.embeddings.projection import load_views, view_key
    from seqviz.embeddings.kind import EMBEDDING_VIEW_WORDS
    views = load_views(PRETRAINED_DIR / "wiki-skipgram.views.safetensors")
    cfg = ProjectionConfig("pca", 2)
    key = view_key(cfg, EMBEDDING_VIEW_WORDS)
    assert {view_key(ProjectionConfig("umap", 2), EMBEDDING_VIEW_WORDS), key} <= set(views)
    E = load_pretrained("wiki-skipgram").vectors().E[:EMBEDDING_VIEW_WORDS]
    np.testing.assert_allclose(np.abs(views[key]), np.abs(project(E, cfg)), atol=1e-3)   # PCA signs may flip


def test_shipped_umap_view_is_what_project_gives():
    from seqviz.core.checkpoint import PRETRAINED_DIR, load_pretrained
    from seqviz.embeddings.projection import load_views, view_key
    from seqviz.embeddings.kind import EMBEDDING_VIEW_WORDS
    cfg = ProjectionConfig("umap", 2)
    view = load_views(PRETRAINED_DIR / "wiki-glove.views.safetensors")[view_key(cfg, EMBEDDING_VIEW_WORDS)]
    E = load_pretrained("wiki-glove").vectors().E[:EMBEDDING_VIEW_WORDS]
    np.testing.assert_allclose(view, project(E, cfg), atol=1e-4)
