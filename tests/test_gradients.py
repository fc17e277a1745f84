"""Gradients through time: equal to an independent autograd computation, exact for linear RNNs, clipping bounds."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import tiny
from torch import nn

from seqviz.rnn.gradients import grad_norms, jacobian_spectra, spectral_norm, weights_of
from seqviz.rnn.longrange import LongRangeConfig, make_task, run

TEXT = "mary johnson andrew ng"


def _ids(m, text=TEXT):
    return m.encode(text)[1]


def _reference_norms(m, ids, loss):
    """‖∂L/∂a<t>‖ with torch's own RNNCell/GRUCell/LSTMCell (copied weights) and retain_grad."""
    Cell = {"rnn": nn.RNNCell, "gru": nn.GRUCell, "lstm": nn.LSTMCell}[m.cell]
    ref = Cell(len(m.vocab), m.config.n_a)
    ref.load_state_dict({k.replace("_l0", ""): v.detach().clone() for k, v in m.rnn.state_dict().items()})
    x = m.one_hot(torch.as_tensor(ids)[None])[0]
    h = torch.zeros(1, m.config.n_a, requires_grad=True)
    c = torch.zeros(1, m.config.n_a)
    hs = []
    for t in range(len(ids)):
        if m.cell == "lstm":
            h, c = ref(x[t : t + 1], (h, c))
        else:
            h = ref(x[t : t + 1], h)
        h.retain_grad()
        hs.append(h)
    logits = m.head(torch.cat(hs))
    targets = torch.cat([torch.as_tensor(ids[1:]), torch.zeros(1, dtype=torch.long)])
    per = F.cross_entropy(logits, targets, reduction="none")
    (per[-1] if loss == "last" else per.sum()).backward()
    return np.array([h.grad.norm().item() for h in hs])


@pytest.mark.parametrize("loss", ["last", "sum"])
def test_norms_equal_independent_autograd(cell, loss):
    m = tiny(cell, n_a=8)
    ids = _ids(m)
    g = grad_norms(m, ids, loss)
    np.testing.assert_allclose(g.norms, _reference_norms(m, ids, loss), rtol=1e-4, atol=1e-10)
    assert g.forward_ok and g.T == len(ids)


def _linear_rnn(lam, n_a=6):
    m = tiny("rnn", n_a=n_a)
    with torch.no_grad():
        m.rnn.weight_hh_l0.copy_(lam * torch.eye(n_a))
    return m


@pytest.mark.parametrize("lam", [0.5, 0.9, 1.0, 1.3])
def test_linear_rnn_with_lambda_identity_follows_lambda_to_the_k(lam):
    m = _linear_rnn(lam)
    ids = _ids(m)
    g = grad_norms(m, ids, "last", activation="linear")
    k = g.distance
    np.testing.assert_allclose(g.norms, g.norms[-1] * lam**k, rtol=1e-4)
    sv = jacobian_spectra(m, ids, activation="linear")
    lam32 = float(np.float32(lam))  # the weights are float32
    np.testing.assert_allclose(sv[:, 0], lam32**k, rtol=1e-9)  # ∂a<T>/∂a<t> = λ^(T−t) I
    np.testing.assert_allclose(sv[:, 2], lam32**k, rtol=1e-9)


def test_tanh_rnn_below_one_must_vanish_pascanu_bound():
    m = tiny("rnn", n_a=8)
    with torch.no_grad():  # spectral norm (largest singular value) 0.8
        W = m.rnn.weight_hh_l0
        W.mul_(0.8 / torch.linalg.matrix_norm(W, ord=2))
    ids = _ids(m)
    w = spectral_norm(m)
    sv = jacobian_spectra(m, ids)[:, 0]
    assert w == pytest.approx(0.8, rel=1e-5)
    bound = w ** np.arange(len(ids))[::-1]
    assert np.all(sv <= bound * (1 + 1e-9))
    assert sv[0] < 1e-2


def test_scale_sets_the_spectral_radius_of_every_block(cell):
    m = tiny(cell, n_a=8)
    W = weights_of(m, scale=1.7).W_a
    for block in W.split(8, dim=0):
        assert torch.linalg.eigvals(block.double()).abs().max().item() == pytest.approx(1.7, rel=1e-6)
    assert weights_of(m, scale=0.0).W_a.abs().max() == 0


def test_exploding_case_explodes_and_clipping_bounds_every_step():
    """Spectral radius 6: ‖∂L/∂a<t>‖ grows about 1.5x a step back in time (the forward pass with tanh stays finite).
    The trajectory is chaotic, so the exact norms and whether float32 overflows before t = 1 depend on the CPU's
    kernels (here it overflows 212 steps back, on AVX-512 and on the default kernels alike); what must hold on any
    CPU: far back the norm is past 1e30 or has overflowed, an overflow is kept as inf / NaN (never turned into a
    number) and stays so further back, and the clip bounds every step."""
    m = tiny("rnn", n_a=32, seed=1)
    with torch.no_grad():
        m.rnn.weight_ih_l0.mul_(0.05)  # small inputs: tanh stays near its linear regime
    ids = _ids(m, TEXT * 10)
    wild = grad_norms(m, ids, "last", scale=6.0)
    d, g = wild.distance, wild.norms  # g[i] at distance d[i] = T - t from the last step
    assert wild.forward_ok and len(ids) > 200
    assert np.isfinite(g[d <= 20]).all()
    assert g[d == 100][0] > 1e12 * g[d == 0][0]  # exploding: here 1.6e18 times
    far = g[d >= 200]
    assert np.all(~np.isfinite(far) | (far > 1e30))  # here 2e36, then inf and NaN
    bad = ~np.isfinite(g)  # overflowed steps: only the farthest ones, all of them
    assert bad[: bad.sum()].all()
    tamed = grad_norms(m, ids, "last", scale=6.0, clip=1.0)
    assert np.all(np.isfinite(tamed.norms)) and tamed.norms.max() <= 1.0 + 1e-5
    assert tamed.clipped.sum() > 10
    assert np.all(tamed.norms[tamed.clipped] == pytest.approx(1.0, rel=1e-5))  # each clipped step at the threshold


def test_length_one_and_scale_zero():
    m = tiny("lstm")
    g = grad_norms(m, _ids(m, "")[:1], "sum", scale=0.0)
    assert g.T == 1 and np.isfinite(g.norms).all()
    assert jacobian_spectra(m, _ids(m, "")[:1])[0, 0] == pytest.approx(1.0)


def test_task_label_is_the_first_token():
    x, y = make_task(7, 50, seed=3).tensors
    assert x.shape == (50, 8) and torch.equal(x[:, 0], y) and (x[:, 1:] >= 2).all()


def test_longrange_runs_through_the_training_loop():
    seen = []
    r = run(
        LongRangeConfig(ks=(2,), cells=("gru",), seconds=0.3, n_train=256, n_test=64),
        progress=lambda *a: seen.append(a),
    )
    assert r.ks == (2,) and 0 <= r.accuracy["gru"][0] <= 1 and r.steps["gru"][0] > 0
    assert seen and seen[-1][0] == seen[-1][1] == 1


def test_forward_overflow_is_reported_not_hidden_by_clipping():
    m = tiny("rnn", n_a=16)
    ids = _ids(m, TEXT * 12)
    g = grad_norms(m, ids, "last", scale=6.0, activation="relu", clip=1.0)
    assert not g.forward_ok
    assert not np.isfinite(g.norms).all()  # NaN shown as NaN, not turned into 0 by the clip
    assert not (g.norms == 0).all()
