"""Reshaping a model's next-token distribution before sampling: temperature, top-k, top-p (every language model's)."""

from __future__ import annotations

import torch


def adjust(p: torch.Tensor, temperature: float, top_k: int | None, top_p: float | None = None) -> torch.Tensor:
    """Reshape a distribution: p^(1/T) renormalised (T → 0 is argmax), then keep the top k, then the nucleus top p.

    Top-p (nucleus sampling) keeps the most likely tokens until their mass reaches top_p: the smallest such set,
    plus any token tied with the last one kept (as top-k keeps ties with the k-th). top_p None or ≥ 1 keeps all;
    a tiny top_p keeps only the argmax (and its ties).

    Args:
        p: (V,) probabilities.
        top_k: keep the k most likely (None or ≥ V: all).
        top_p: keep the nucleus of this mass, after temperature and top-k (None or ≥ 1: all).
    Returns:
        (V,) probabilities, zero outside what was kept, summing to 1.
    """
    if temperature <= 0:  # the limit T → 0: all mass on the argmax
        out = torch.zeros_like(p)
        out[p.argmax()] = 1.0
        return out
    logp = torch.log(p.clamp_min(1e-30)) / temperature
    if top_k is not None and top_k < len(p):
        cut = torch.topk(logp, top_k).values[-1]
        logp = torch.where(logp >= cut, logp, torch.full_like(logp, -float("inf")))
    q = torch.softmax(logp, dim=0)
    if top_p is None or top_p >= 1:
        return q
    desc = torch.sort(q, descending=True).values  # (V,)
    before = torch.cumsum(desc.double(), 0).roll(1)  # mass of the tokens more likely than each one (float64)
    before[0] = 0.0
    n_keep = max(1, int((before < top_p).sum()))  # the smallest prefix whose mass reaches top_p
    cut = desc[n_keep - 1]
    q = torch.where(q >= cut, q, torch.zeros_like(q))
    return q / q.sum()
