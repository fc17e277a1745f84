"""The traced numbers are the network's: equal to torch modules, and the cell equations hold."""

import numpy as np
import pytest
import torch
from conftest import tiny
from torch import nn

TEXT = "the cat, which ate, was full"


def _copy_into(module: nn.Module, model) -> nn.Module:
    module.load_state_dict({k: v.clone() for k, v in model.rnn.state_dict().items()})
    return module


def test_a_equals_torch_module_with_copied_weights(cell):
    m = tiny(cell)
    tr = m.trace(TEXT)
    V, n_a = len(m.vocab), m.config.n_a
    ref = _copy_into({"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}[cell](V, n_a, batch_first=True), m)
    x = m.one_hot(torch.from_numpy(tr.ids)[None])
    with torch.no_grad():
        out, _ = ref(x)
    np.testing.assert_allclose(tr.a, out[0].numpy(), atol=1e-5)


@pytest.mark.parametrize("gated", ["lstm", "gru"])
def test_gated_cells_equal_torch_cells_every_step(gated):
    """a<t> (and the LSTM's c<t>) equal nn.LSTMCell / nn.GRUCell with copied weights, step by step."""
    m = tiny(gated)
    tr = m.trace(TEXT)
    ref = {"lstm": nn.LSTMCell, "gru": nn.GRUCell}[gated](len(m.vocab), m.config.n_a)
    ref.load_state_dict({k.replace("_l0", ""): v for k, v in m.rnn.state_dict().items()})
    x = m.one_hot(torch.from_numpy(tr.ids)[None])[0]
    h = c = torch.zeros(1, m.config.n_a)
    with torch.no_grad():
        for t in range(tr.T):
            if gated == "lstm":
                h, c = ref(x[t : t + 1], (h, c))
                np.testing.assert_allclose(tr.c[t], c[0].numpy(), atol=1e-5)
            else:
                h = ref(x[t : t + 1], h)
            np.testing.assert_allclose(tr.a[t], h[0].numpy(), atol=1e-5)


def test_y_hat_is_softmax_of_head_and_matches_forward(cell):
    m = tiny(cell)
    tr = m.trace(TEXT)
    with torch.no_grad():
        logits = m(torch.from_numpy(tr.ids)[None])[0]
    np.testing.assert_allclose(tr.y_hat, torch.softmax(logits, -1).numpy(), atol=1e-5)
    np.testing.assert_allclose(tr.y_hat.sum(1), 1, atol=1e-5)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def test_recurrence_identities_hold_every_step(cell):
    tr = tiny(cell, seed=3).trace(TEXT)
    a_prev = np.vstack([np.zeros(tr.n_a), tr.a[:-1]])
    if cell == "rnn":
        np.testing.assert_allclose(tr.a, np.tanh(tr.pre["z_a"]), atol=1e-6)
        assert tr.c is None and tr.gates == {}
        return
    for g, arr in tr.gates.items():
        assert arr.shape == (tr.T, tr.n_a) and (arr > 0).all() and (arr < 1).all()
        np.testing.assert_allclose(arr, _sigmoid(tr.pre["z_" + g[-1]]), atol=1e-6)
    np.testing.assert_allclose(tr.c_tilde, np.tanh(tr.pre["z_c"]), atol=1e-6)
    c_prev = np.vstack([np.zeros(tr.n_a), tr.c[:-1]])
    gu = tr.gates["gamma_u"]
    if cell == "gru":
        np.testing.assert_allclose(tr.c, gu * tr.c_tilde + (1 - gu) * c_prev, atol=1e-6)
        np.testing.assert_array_equal(tr.a, tr.c)
    else:
        np.testing.assert_allclose(tr.c, gu * tr.c_tilde + tr.gates["gamma_f"] * c_prev, atol=1e-6)
        np.testing.assert_allclose(tr.a, tr.gates["gamma_o"] * np.tanh(tr.c), atol=1e-6)
    assert np.abs(a_prev).max() < 1 + 1e-6


def test_gru_update_gate_is_one_minus_torch_z():
    m = tiny("gru")
    tr = m.trace("ab")
    W = m.rnn.weight_ih_l0.detach().numpy()
    b, bh = m.rnn.bias_ih_l0.detach().numpy(), m.rnn.bias_hh_l0.detach().numpy()
    n = m.config.n_a
    x0 = np.zeros(len(m.vocab))
    x0[0] = 1  # the start marker
    z = _sigmoid(W[n : 2 * n] @ x0 + b[n : 2 * n] + bh[n : 2 * n])  # a<0> = 0
    np.testing.assert_allclose(tr.gates["gamma_u"][0], 1 - z, atol=1e-6)


def test_unknown_characters_are_flagged_and_fed_as_zero():
    m = tiny("lstm")
    tr = m.trace("a中😀<b>")
    assert tr.tokens == ["\n", "a", "中", "😀", "<", "b", ">"]
    assert list(tr.unknown) == [False, False, True, True, True, False, True]
    # x<t> = 0 means the pre-activation is W_aa a<t-1> + b alone
    w_a = m.rnn.weight_hh_l0.detach().numpy()
    b = (m.rnn.bias_ih_l0 + m.rnn.bias_hh_l0).detach().numpy()
    z = w_a @ tr.a[1] + b
    np.testing.assert_allclose(tr.pre["z_u"][2], z[: m.config.n_a], atol=1e-5)


def test_capitals_read_as_lower_case():
    m = tiny("gru")
    np.testing.assert_allclose(m.trace("ANNA").a, m.trace("anna").a)


def test_empty_text_gives_only_the_start_step():
    tr = tiny("rnn").trace("")
    assert tr.T == 1 and tr.a.shape == (1, 7) and tr.y_hat.shape == (1, 28)


def test_trace_fields_and_shapes(cell):
    tr = tiny(cell).trace("abc")
    keys = {"rnn": set(), "gru": {"gamma_u", "gamma_r"}, "lstm": {"gamma_u", "gamma_f", "gamma_o"}}[cell]
    assert set(tr.gates) == keys
    assert tr.a.shape == (4, 7) and tr.y_hat.shape == (4, 28)
    assert all(isinstance(v, np.ndarray) for v in [tr.a, tr.y_hat, tr.ids, *tr.gates.values()])
    assert tr.top_k(0, 5)[0][1] == pytest.approx(tr.y_hat[0].max())


def test_every_line_starts_from_zero_state_as_in_training(cell):
    m = tiny(cell)
    two, one = m.trace("anna\nbob"), m.trace("bob")
    np.testing.assert_allclose(two.a[5:], one.a, atol=1e-6)  # line 2 (from its ⏎) == "bob" alone
    np.testing.assert_allclose(two.y_hat[5:], one.y_hat, atol=1e-6)
    np.testing.assert_allclose(two.y_hat[5], two.y_hat[0], atol=1e-6)  # after ⏎ the same first-letter guess


def test_trace_matches_per_line_torch_forward(cell):
    """The fused module, run on each line separately (as in training), gives the trace's a<t>."""
    m = tiny(cell)
    tr = m.trace("ab cd\nxyz")
    with torch.no_grad():
        for line, sl in [("ab cd", slice(0, 6)), ("xyz", slice(6, 10))]:
            _, ids = m.encode(line)
            out, _ = m.rnn(m.one_hot(torch.from_numpy(ids)[None]))
            np.testing.assert_allclose(tr.a[sl], out[0].numpy(), atol=1e-5)


# ---------------------------------------------------------------- models of several lines (source code)


def _multiline_model(cell: str = "lstm"):
    import seqviz.rnn.models as M

    torch.manual_seed(0)
    return M.CharLM(M.CharLMConfig(cell, 8, tuple("\nab(): "), multiline=True)).eval()


def test_a_multiline_model_runs_on_across_newlines_as_in_training():
    """trace(), score() and the fused forward agree for a model of several-line items: its state is not reset at
    a newline (it was trained on chunks of source with newlines inside), unlike a model of single lines."""
    from seqviz.rnn.lm import score

    m = _multiline_model()
    text = "a(b)\n  ab\n(a)"
    tr = m.trace(text)
    _, ids = m.encode(text)
    with torch.no_grad():
        a_fused, _ = m.rnn(m.one_hot(torch.from_numpy(ids)[None]))
    np.testing.assert_allclose(tr.a, a_fused[0].numpy(), atol=1e-5)  # no reset at the two newlines
    single = type(m)(type(m.config)(m.config.cell, 8, m.config.chars, multiline=False))
    single.load_state_dict(m.state_dict())
    assert not np.allclose(single.eval().trace(text).a, tr.a, atol=1e-5)  # a line model restarts at each ⏎
    sc = score(m, text)
    assert sc.chars == list(text) + ["\n"]  # one sequence: the newlines are characters, the text's end is ⏎
    with torch.no_grad():
        logp = torch.log_softmax(m(torch.from_numpy(ids)[None]), -1)[0].numpy()
    nxt = np.concatenate([ids[1:], [0]])
    np.testing.assert_allclose(np.log(sc.p), logp[np.arange(len(nxt)), nxt], atol=1e-5)


def test_a_multiline_model_keeps_its_flag_in_the_checkpoint(tmp_path):
    from seqviz.core.checkpoint import load_model, save_model

    m = _multiline_model("gru")
    back = load_model(save_model(m, "code", {"metrics": {}}, tmp_path))
    assert back.config.multiline and back.config.cell == "gru"
    assert "multiline" not in type(m)(type(m.config)("gru", 8, m.config.chars)).config_dict()  # line models unchanged
