"""GloVe in torch: co-occurrence counts X_ij, the weighting f(X_ij), AdaGrad through the one training loop."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from seqviz.embeddings.vectors import WordVectors


@dataclass
class GloveConfig:
    """Settings of a GloVe run (Pennington et al. 2014, as the course states it)."""

    n_e: int = 100  # embedding size
    window: int = 10  # words on each side counted as co-occurring, weighted 1/distance
    min_count: int = 5  # words seen fewer times are dropped
    x_max: float = 100.0  # f(X_ij) = (X_ij / x_max)^power below x_max, else 1
    power: float = 0.75
    epochs: int = 25  # passes over the non-zero X_ij
    lr: float = 0.05  # AdaGrad learning rate, as in the paper
    batch_size: int = 16384  # X_ij entries per step
    seed: int = 0
    device: str = "auto"  # "auto" (CUDA when present), "cuda" or "cpu"
    max_seconds: float | None = None  # stop after this much wall time (the best vectors so far are kept)


def build_vocab(sentences: list[list[str]], min_count: int) -> tuple[list[str], np.ndarray]:
    """Words seen at least `min_count` times, most frequent first (ties alphabetically), and their counts."""
    counts = Counter(w for s in sentences for w in s)
    words = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
    return words, np.array([counts[w] for w in words], dtype=np.int64)


def cooccurrence(sentences: list[list[str]], index: dict[str, int], window: int):
    """The co-occurrence counts X_ij: how often word j appears within `window` words of word i, each
    time weighted 1/distance (as GloVe does). Symmetric; only non-zero entries are returned.

    Returns:
        (i, j, x): int64, int64 and float64 arrays of the non-zero entries, sorted by (i, j).
    """
    V = len(index)
    pad = np.full(window, -1, dtype=np.int64)  # -1s between sentences: no pair reaches across one
    parts = []
    for s in sentences:
        ids = [index[w] for w in s if w in index]  # out-of-vocabulary words are removed first
        if len(ids) > 1:
            parts += [np.array(ids, dtype=np.int64), pad]
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    ids = np.concatenate(parts)
    keys, weights = [], []
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0)
        a, b = a[ok], b[ok]
        keys += [a * V + b, b * V + a]  # both directions: X is symmetric
        weights += [np.full(2 * len(a), 1.0 / d)]
    keys = np.concatenate(keys)
    uniq, inv = np.unique(keys, return_inverse=True)
    x = np.bincount(inv, weights=np.concatenate(weights))
    return uniq // V, uniq % V, x


class GloVe(nn.Module):
    """θ_i and e_j with biases b_i, b'_j, so that θ_i·e_j + b_i + b'_j ≈ log X_ij."""

    def __init__(self, V: int, n_e: int):
        super().__init__()
        scale = 0.5 / n_e
        self.theta = nn.Parameter((torch.rand(V, n_e) - 0.5) * 2 * scale)  # θ_i (one role)
        self.e = nn.Parameter((torch.rand(V, n_e) - 0.5) * 2 * scale)  # e_j (the other role)
        self.b = nn.Parameter(torch.zeros(V))
        self.b_tilde = nn.Parameter(torch.zeros(V))

    def forward(self, i, j):
        return (self.theta[i] * self.e[j]).sum(-1) + self.b[i] + self.b_tilde[j]  # (batch,)

    def final(self) -> np.ndarray:
        """The course's final e_w = (e_w + θ_w) / 2: the two roles are symmetric, so average them."""
        return ((self.e + self.theta) / 2).detach().cpu().numpy()


def glove_weight(x, x_max: float = 100.0, power: float = 0.75):
    """f(X_ij): (X_ij / x_max)^power below x_max, else 1, so rare pairs count less and frequent ones
    (of, the) do not dominate; f(0) = 0, so pairs never seen add nothing."""
    return torch.clamp(x / x_max, max=1.0) ** power


def glove_loss(model, batch, x_max: float = 100.0, power: float = 0.75):
    """Σ f(X_ij) (θ_i·e_j + b_i + b'_j − log X_ij)², summed over the batch (AdaGrad, as GloVe)."""
    i, j, x = batch
    return (glove_weight(x, x_max, power) * (model(i, j) - torch.log(x)) ** 2).sum()


class _Chunks:
    """The non-zero X_ij, shuffled once and cut into batches: one item is one whole batch, so the
    DataLoader does no per-entry Python work."""

    def __init__(self, i, j, x, batch_size: int, seed: int):
        order = np.random.default_rng(seed).permutation(len(x))
        self.i, self.j = torch.from_numpy(i[order]), torch.from_numpy(j[order])
        self.x = torch.from_numpy(x[order].astype(np.float32))
        self.bs = batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.bs)

    def __getitem__(self, k):
        sl = slice(k * self.bs, (k + 1) * self.bs)
        return self.i[sl], self.j[sl], self.x[sl]


def train_glove(sentences: list[list[str]], cfg: GloveConfig | None = None, callbacks=()):
    """Count X, then fit GloVe through SeqViz's one training loop (seqviz.core.loop.fit).

    Returns:
        (WordVectors with e_w = (e_w + θ_w)/2, the loop's TrainState: per-step loss history).
    Raises:
        ValueError("too_small"): fewer than 2 words reach min_count, or no pair co-occurs.
    """
    from seqviz.core.loop import TrainConfig, fit

    cfg = cfg or GloveConfig()
    words, counts = build_vocab(sentences, cfg.min_count)
    if len(words) < 2:
        raise ValueError("too_small")
    index = {w: k for k, w in enumerate(words)}
    i, j, x = cooccurrence(sentences, index, cfg.window)
    if len(x) == 0:
        raise ValueError("too_small")
    torch.manual_seed(cfg.seed)
    model = GloVe(len(words), cfg.n_e)
    data = _Chunks(i, j, x, cfg.batch_size, cfg.seed)
    n_val = min(len(x), 50_000)  # the objective on a fixed random sample of entries picks the best epoch
    pick = np.random.default_rng(cfg.seed + 1).permutation(len(x))[:n_val]
    val = tuple(torch.from_numpy(a[pick]) for a in (i, j, x.astype(np.float32)))

    def val_fn(m):
        dev = next(m.parameters()).device
        return {"loss": glove_loss(m, tuple(v.to(dev) for v in val), cfg.x_max, cfg.power) / n_val}

    state = fit(
        model,
        lambda m, b: glove_loss(m, b, cfg.x_max, cfg.power),
        data,
        TrainConfig(
            epochs=cfg.epochs,
            lr=cfg.lr,
            optimizer="adagrad",
            batch_size=1,
            clip=None,
            seed=cfg.seed,
            device=cfg.device,
            max_seconds=cfg.max_seconds,
        ),
        val_fn=val_fn,
        callbacks=callbacks,
        collate_fn=lambda b: b[0],
    )
    info = {
        "config": asdict(cfg),
        "tokens": int(sum(map(len, sentences))),
        "nonzero_X": int(len(x)),
        "device": str(state.device),
        "seconds": round(state.elapsed, 1),
        "stop_reason": state.stop_reason,
    }
    return WordVectors(words, model.cpu().final(), counts, "glove", info), state
