"""Word-embedding algebra of the course, on plain numpy vectors: cosine similarity, the bias
direction, and the two debiasing steps (neutralize, equalize).

Training (word2vec with gensim, GloVe in torch), neighbours, analogies and projections will join
this module with the word-embeddings page (issue 4); the functions here have no dependencies.
"""
from __future__ import annotations

import numpy as np


def cosine(u: np.ndarray, v: np.ndarray) -> float:
    """cos θ = u·v / (‖u‖ ‖v‖); 0 when either vector is zero."""
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    return 0.0 if nu == 0 or nv == 0 else float(np.dot(u, v) / (nu * nv))


def bias_direction(pairs: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """g: the mean of e_a − e_b over pairs such as (woman, man), (mother, father), (girl, boy).

    One pair gives the course's g = e_woman − e_man; averaging several pairs cancels some of what each
    pair differs in besides the bias.
    """
    if not pairs:
        raise ValueError("the bias direction needs at least one pair of words")
    return np.mean([np.asarray(a, float) - np.asarray(b, float) for a, b in pairs], axis=0)


def project(e: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The part of e along g: (e·g / ‖g‖²) g."""
    g = np.asarray(g, float)
    gg = float(g @ g)
    if gg == 0:
        raise ValueError("the bias direction is the zero vector (the two words have the same vector)")
    return (np.asarray(e, float) @ g) / gg * g


def neutralize(e: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Remove the bias component of a word that should be neutral (receptionist, doctor):
    e_debiased = e − (e·g / ‖g‖²) g, so that e_debiased · g = 0."""
    return np.asarray(e, float) - project(e, g)


def equalize(e1: np.ndarray, e2: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make a pair that should differ only by the bias (actor / actress) equidistant from every
    neutralized word, as in the course (Bolukbasi et al. 2016). The vectors are first scaled to unit
    length, as the method assumes.

    μ = (e1 + e2)/2, μ_B its part along g, μ_⊥ = μ − μ_B; each word keeps μ_⊥ and gets a bias part
    of the same size and opposite sign, scaled so the result has unit length:
    e_i = μ_⊥ + sqrt(|1 − ‖μ_⊥‖²|) · (e_iB − μ_B) / ‖e_iB − μ_B‖.
    """
    e1 = np.asarray(e1, float) / np.linalg.norm(e1)
    e2 = np.asarray(e2, float) / np.linalg.norm(e2)
    mu = (e1 + e2) / 2
    mu_b = project(mu, g)
    mu_orth = mu - mu_b
    scale = np.sqrt(abs(1 - float(mu_orth @ mu_orth)))
    out = []
    for e in (e1, e2):
        d = project(e, g) - mu_b
        n = float(np.linalg.norm(d))
        if n == 0:
            raise ValueError("the two words have the same bias component, so there is nothing to equalize")
        out.append(mu_orth + scale * d / n)
    return out[0], out[1]
