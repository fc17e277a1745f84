"""Reshaping a model's next-token distribution before sampling: temperature and top-k (every language model's)."""

from __future__ import annotations

import torch


def adjust(p: torch.Tensor, temperature: float, top_k: int | None) -> torch.Tensor:
    """Reshape a distribution: p^(1/T) renormalised (T → 0 is argmax), then keep the top k.

    Args:
        p: (V,) probabilities.
    """
    if temperature <= 0:  # the limit T → 0: all mass on the argmax
        out = torch.zeros_like(p)
        out[p.argmax()] = 1.0
        return out
    logp = torch.log(p.clamp_min(1e-30)) / temperature
    if top_k is not None and top_k < len(p):
        cut = torch.topk(logp, top_k).values[-1]
        logp = torch.where(logp >= cut, logp, torch.full_like(logp, -float("inf")))
    return torch.softmax(logp, dim=0)
