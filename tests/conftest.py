"""Shared fixtures: tiny random-weight models with fixed seeds."""
import pytest
import torch

from seqviz.models import CharLM, CharLMConfig

CHARS = tuple("\n abcdefghijklmnopqrstuvwxyz")


def tiny(cell: str, n_a: int = 7, seed: int = 0) -> CharLM:
    """A random-weight character model; biases made non-zero so every term is tested."""
    torch.manual_seed(seed)
    m = CharLM(CharLMConfig(cell, n_a, CHARS))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    return m.eval()


@pytest.fixture(params=["rnn", "gru", "lstm"])
def cell(request):
    return request.param
