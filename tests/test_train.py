"""The one training loop: loss falls, clipping bounds the norm, seeds repeat, callbacks fire, NaN is caught."""

import math

import pytest
import torch
from torch import nn
from torch.utils.data import TensorDataset

from seqviz.core.data import LineDataset, pad_collate
from seqviz.core.loop import Callback, TrainConfig, fit
from seqviz.core.vocab import CharVocab
from seqviz.rnn.kind import lm_eval, lm_loss
from seqviz.rnn.models import CharLM, CharLMConfig

LINES = ["anna", "hannah", "ann", "nan", "anan", "hanna"] * 20


def _lm(cell="gru", seed=0):
    vocab = CharVocab.from_text("\n".join(LINES))
    torch.manual_seed(seed)
    return CharLM(CharLMConfig(cell, 16, tuple(vocab.chars))), LineDataset(LINES, vocab)


def test_loss_falls_and_best_model_kept():
    model, data = _lm()
    before = lm_eval(model, data)["loss"]
    s = fit(
        model,
        lm_loss,
        data,
        TrainConfig(epochs=5, batch_size=16, lr=1e-2),
        val_fn=lambda m: lm_eval(m, data),
        collate_fn=pad_collate,
    )
    after = lm_eval(model, data)["loss"]
    assert after < before - 0.5
    assert after == pytest.approx(s.best_val, abs=1e-5)
    assert s.step == 5 * math.ceil(len(data) / 16) and s.stop_reason == ""


class Recorder(Callback):
    def __init__(self):
        self.events = []

    def on_start(self, s):
        self.events.append("start")

    def on_step(self, s):
        self.events.append("step")

    def on_eval(self, s):
        self.events.append("eval")

    def on_end(self, s):
        self.events.append("end")


def test_callbacks_fire_in_order_and_can_stop():
    model, data = _lm()
    rec = Recorder()

    class StopAt3(Callback):
        def on_step(self, s):
            s.stop = s.step >= 3

    s = fit(
        model,
        lm_loss,
        data,
        TrainConfig(epochs=3, batch_size=16),
        val_fn=lambda m: lm_eval(m, data),
        callbacks=[rec, StopAt3()],
        collate_fn=pad_collate,
    )
    assert rec.events[0] == "start" and rec.events[-1] == "end"
    assert rec.events.count("step") == 3 and s.stop_reason == "callback"


def test_same_seed_same_weights():
    runs = []
    for _ in range(2):
        model, data = _lm(seed=1)
        fit(model, lm_loss, data, TrainConfig(epochs=1, batch_size=16, seed=5), collate_fn=pad_collate)
        runs.append(model.head.weight.detach().clone())
    torch.testing.assert_close(runs[0], runs[1])


def _regression(scale=1.0):
    torch.manual_seed(0)
    x = torch.randn(64, 4) * scale
    return TensorDataset(x, x.sum(1, keepdim=True) * 100)


def test_clipping_bounds_the_applied_gradient():
    """With clip=c, the gradient Adam receives has global norm <= c, though the raw norm was larger."""
    model = nn.Linear(4, 1)
    seen = []

    class Spy(Callback):
        def on_step(self, s):  # runs after opt.step(); the clipped gradients are still in .grad
            seen.append(torch.cat([p.grad.flatten() for p in model.parameters()]).norm().item())

    loss = lambda m, b: ((m(b[0]) - b[1]) ** 2).mean()
    s = fit(model, loss, _regression(), TrainConfig(epochs=1, batch_size=64, clip=0.5), callbacks=[Spy()])
    assert s.grad_norm > 0.5  # the raw norm was larger...
    assert max(seen) == pytest.approx(0.5, rel=1e-4)  # ...and what was applied is exactly at the bound


def test_diverging_run_is_caught_and_best_weights_restored():
    model = nn.Linear(4, 1)
    calls = {"n": 0}

    def loss(m, b):
        calls["n"] += 1
        out = ((m(b[0]) - b[1]) ** 2).mean()
        return out * float("nan") if calls["n"] == 4 else out

    val = lambda m: {"loss": float(((m(_regression().tensors[0]) - _regression().tensors[1]) ** 2).mean())}
    s = fit(model, loss, _regression(), TrainConfig(epochs=5, batch_size=16, clip=None, eval_every=1), val_fn=val)
    assert s.stop_reason == "diverged" and s.step == 3
    for k, v in model.state_dict().items():
        torch.testing.assert_close(v, s.best_state[k])  # the model holds the best weights, not the last


def test_final_steps_are_evaluated_with_eval_every():
    model, data = _lm()
    s = fit(
        model,
        lm_loss,
        data,
        TrainConfig(epochs=1, batch_size=16, eval_every=5),
        val_fn=lambda m: lm_eval(m, data),
        collate_fn=pad_collate,
    )
    assert s.step % 5 != 0  # 8 steps: the last eval would be skipped...
    assert s.history[-1]["step"] == s.step and "val_loss" in s.history[-1]  # ...but is not


def test_time_cap_stops_run():
    model, data = _lm()
    s = fit(
        model,
        lm_loss,
        data,
        TrainConfig(epochs=1000, batch_size=16, max_seconds=0.2),
        val_fn=lambda m: lm_eval(m, data),
        collate_fn=pad_collate,
    )
    assert s.stop_reason == "time" and s.epoch < 1000


def test_pad_collate_targets_shifted_and_padded():
    vocab = CharVocab.from_text("ab")
    d = LineDataset(["ab", "b"], vocab)
    x, y = pad_collate([d[0], d[1]])
    assert x.tolist() == [[0, 1, 2], [0, 2, 0]]
    assert y.tolist() == [[1, 2, 0], [2, 0, -100]]


def test_plain_sgd_option_also_learns():
    model, data = _lm()
    before = lm_eval(model, data)["loss"]
    fit(model, lm_loss, data, TrainConfig(epochs=5, batch_size=16, lr=1.0, optimizer="sgd"), collate_fn=pad_collate)
    assert lm_eval(model, data)["loss"] < before - 0.3
