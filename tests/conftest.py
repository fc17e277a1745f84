"""Shared fixtures: tiny random-weight models with fixed seeds."""
import pytest
import torch

from seqviz.rnn.models import CharLM, CharLMConfig

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


def my_model(model, name: str = "mine", meta: dict | None = None, origin: str = "trained"):
    """A session model as the Train page stores it: (its id, MyModel) for at.session_state["my_models"]."""
    import hashlib

    from seqviz.core.checkpoint import model_from_bytes, to_bytes
    from seqviz.ui.mymodels import PREFIX, MyModel
    js, w = to_bytes(model, name, {"metrics": {}, **(meta or {})})
    m = model_from_bytes(js, w, name)
    mid = PREFIX + hashlib.sha256(js + b"\0" + w).hexdigest()[:16]
    return mid, MyModel(mid, name, m.meta["kind"], m.meta, js, w, m, origin)
