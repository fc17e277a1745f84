"""Connectivity C[t, t'] = ‖∂z<t>/∂x<t'>‖ (seqviz.rnn.connectivity) against autograd output by output, its
invariants (causal, cut at line starts, blind to what comes later, vanishing for a weak RNN), the per-step
Jacobians against torch.func, its figures and the page's CSV downloads."""

import csv
import io

import numpy as np
import pytest
import torch
from conftest import tiny, typed
from torch.func import jacrev

from seqviz.rnn.cells import Weights, gru_step, lstm_step, rnn_step, unroll
from seqviz.rnn.connectivity import Connectivity, connectivity, step_jacobians

pytestmark = pytest.mark.usefixtures("one_thread")


def brute_force(model, text: str) -> np.ndarray:
    """C by autograd, one output coordinate at a time: for every t and every coordinate v of z<t>,
    torch.autograd.grad of z<t>[v] with respect to all one-hot inputs, in float64."""
    tokens, ids = model.encode(text)
    xs = model.one_hot(torch.from_numpy(ids)[None]).double().requires_grad_(True)  # (1, T, V)
    w = Weights.of(model.rnn)
    w = Weights(*(p.detach().double() for p in (w.W_x, w.W_a, w.b_x, w.b_a)))
    reset = torch.from_numpy((ids == 0) & (not model.config.multiline))[None]
    a = unroll(model.cell, xs, w, reset)["a"]  # the trace's own forward pass
    z = a @ model.head.weight.detach().double().T + model.head.bias.detach().double()  # (1, T, V) logits
    T, V = z.shape[1:]
    C = np.zeros((T, T))
    for t in range(T):
        rows = [torch.autograd.grad(z[0, t, v], xs, retain_graph=True)[0][0] for v in range(V)]  # (T, V) each
        C[t] = torch.stack(rows).pow(2).sum(dim=(0, 2)).sqrt().numpy()  # Frobenius norm of each (V, V) block
    return C


TEXT = "ab cd!\nefg h\n\nij"  # two line starts, an empty line, an unknown character (!)


def test_equals_autograd_output_by_output(cell):
    m = tiny(cell)
    ref = brute_force(m, TEXT)
    c64 = connectivity(m, TEXT, dtype=torch.float64)
    assert c64.C.shape == (len(TEXT) + 1,) * 2 and c64.tokens[0] == "\n" and c64.unknown[TEXT.index("!") + 1]
    np.testing.assert_allclose(c64.C, ref, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(connectivity(m, TEXT).C, ref, rtol=2e-4, atol=1e-6 * ref.max())  # float32
    assert (ref[np.tril_indices(len(ref))] > 0).sum() > 40  # many pairs really connected: not a test of zeros


def test_multiline_model_runs_on_across_line_starts(cell):
    m = tiny(cell, seed=1)
    m.config.multiline = True  # source-code models: a newline is a character like any other
    ref = brute_force(m, TEXT)
    np.testing.assert_allclose(connectivity(m, TEXT, dtype=torch.float64).C, ref, rtol=1e-10, atol=1e-12)
    assert ref[-1, 1] > 0  # the last output still depends on the first character, three lines back


def test_causal_and_cut_at_line_starts(cell):
    m = tiny(cell, seed=2)
    text = "hello world\nnew line here"
    C = connectivity(m, text).C
    T = len(text) + 1
    assert (C[np.triu_indices(T, 1)] == 0).all()  # t' > t: exactly 0
    start = text.index("\n") + 1  # the step that reads the line break: the state restarts before it
    assert (C[start:, :start] == 0).all()  # nothing before a line start reaches past it
    assert (C[start:, start:][np.tril_indices(T - start)] > 0).all()  # the line break itself is an input
    assert (C[:start, :start][np.tril_indices(start)] > 0).all()


def test_blind_to_text_after_t(cell):
    m = tiny(cell, seed=3)
    short, longer = "the quick brown", "the quick brown fox jumps over"
    a, b = connectivity(m, short).C, connectivity(m, longer).C
    n = len(short) + 1
    np.testing.assert_allclose(b[:n, :n], a, rtol=1e-5, atol=1e-7 * a.max())


def test_weak_recurrence_forgets_step_by_step():
    """A vanilla RNN with tiny recurrent weights: each step back multiplies by W_aa diag(tanh'), so C[t, t - d]
    falls with d, at every t, by about the same factor per step (vanishing gradients)."""
    m = tiny("rnn", n_a=7, seed=4)
    with torch.no_grad():
        m.rnn.weight_hh_l0.mul_(0.05)
    text = "abcdefghijklmnopqrstuvwxyz"
    C = connectivity(m, text).C
    T = len(text) + 1
    for t in range(2, T):
        back = C[t, : t + 1][::-1]  # distances 0..t
        assert (back[1:] / back[:-1] < 0.2).all(), t  # each step further back: at least 5 times weaker
    assert np.median([C[t, t - 5] / C[t, t] for t in range(5, T)]) < 1e-5


def test_no_underflow_far_back():
    """Far-back entries of a forgetting RNN go below float32's range (1e-45); the sweep keeps its blocks at
    norm 1 and their scale apart, so float32 gives what float64 gives."""
    m = tiny("rnn", n_a=7, seed=5)
    with torch.no_grad():
        m.rnn.weight_hh_l0.mul_(0.02)
    text = "abcdefghijklmnopqrstuvwxyz" * 2
    c32, c64 = connectivity(m, text).C, connectivity(m, text, dtype=torch.float64).C
    lower = np.tril_indices(len(text) + 1)
    assert c64[lower].min() < 1e-60  # really far below float32
    np.testing.assert_allclose(c32[lower], c64[lower], rtol=1e-3)


def test_step_jacobians_equal_torch_func(cell):
    """The hand-derived Jacobians of one step against torch.func.jacrev of the cell's own step function."""
    m = tiny(cell, seed=6)
    w = Weights.of(m.rnn)
    w = Weights(*(p.detach().double() for p in (w.W_x, w.W_a, w.b_x, w.b_a)))
    g = torch.Generator().manual_seed(0)
    T, n_a, V = 5, w.W_a.shape[1], w.W_x.shape[1]
    xs = torch.rand(T, V, generator=g, dtype=torch.float64)  # any input, not only one-hot
    a_prev = torch.rand(T, n_a, generator=g, dtype=torch.float64) * 2 - 1
    c_prev = torch.randn(T, n_a, generator=g, dtype=torch.float64)
    jac = step_jacobians(cell, xs, a_prev, c_prev, w)

    def state(x, a, c):  # s<t>: a<t>, or for the LSTM a<t> and c<t>
        if cell == "rnn":
            return rnn_step(x[None], a[None], w)["a"][0]
        if cell == "gru":
            return gru_step(x[None], a[None], w)["a"][0]
        out = lstm_step(x[None], a[None], c[None], w)
        return torch.cat([out["a"][0], out["c"][0]])

    for t in range(T):
        dx, da, dc = jacrev(state, argnums=(0, 1, 2))(xs[t], a_prev[t], c_prev[t])
        torch.testing.assert_close(jac["B"][t], dx)
        torch.testing.assert_close(jac["J"][t], da)
        if cell == "lstm":  # c<t-1> acts unit by unit: the two blocks are diagonal
            torch.testing.assert_close(torch.diag(jac["ac"][t]), dc[:n_a])
            torch.testing.assert_close(torch.diag(jac["cc"][t]), dc[n_a:])
        else:
            assert not dc.any()


def test_reach_and_decay_on_a_known_matrix():
    C = np.array([[1.0, 0, 0, 0], [0.5, 1, 0, 0], [0.001, 0.1, 1, 0], [0.0001, 0.02, 0.2, 2]])
    conn = Connectivity("rnn", list("\nabc"), C, np.zeros(4, bool))
    np.testing.assert_array_equal(conn.reach(0.01), [0, 1, 1, 2])  # row 3: 0.02 / 2 = 1% two steps back
    np.testing.assert_allclose(conn.row(3), [0.00005, 0.01, 0.1, 1])
    d = conn.decay([1, 2, 5])
    assert d[1] == pytest.approx(np.exp(np.mean(np.log([0.5, 0.1, 0.1]))))
    assert d[2] == pytest.approx(np.exp(np.mean(np.log([0.001, 0.01]))))
    assert np.isnan(d[5])


def test_reach_figure_shows_the_matrices():
    from seqviz.viz.rnn import BLANK, REACH_DECADES, REACH_LEVELS, REACH_STEP, reach_figure

    models = {c: tiny(c, seed=7) for c in ("rnn", "gru", "lstm")}
    text = "abc de\nfg"
    conns = {c: connectivity(m, text) for c, m in models.items()}
    fig = typed(reach_figure(conns, start=4).to_dict())  # as plotly.js receives it
    T = len(text) + 1
    for i, c in enumerate(conns):
        z = np.asarray(fig["data"][i]["z"], float)
        C = conns[c].C
        assert np.isnan(z[C == 0]).all() and (C[np.isnan(z)] == 0).all()  # blank exactly where there is no path
        np.testing.assert_allclose(10 ** z[C > 0], C[C > 0], rtol=3e-3)
    frames = fig["frames"]
    assert [f["name"] for f in frames] == [str(t) for t in range(T)]
    strip = np.asarray(frames[6]["data"][0]["z"], float)  # t = 6: the row of the space, one byte per character
    lo = fig["layout"]["coloraxis"]["cmin"]
    assert lo == fig["layout"]["coloraxis"]["cmax"] - REACH_DECADES
    per = 2  # one line of text per cell, and a blank line
    for i, c in enumerate(conns):
        row = strip[i * per]
        want = np.clip((np.log10(conns[c].C[6, :7]) - lo) / REACH_STEP, 0, REACH_LEVELS - 1)
        np.testing.assert_allclose(row[:7], want, atol=0.5 + 1e-3)  # the nearest of REACH_LEVELS shades
        assert (row[7:] == BLANK).all()  # not read yet
    boxes = [s for s in frames[6]["layout"]["shapes"] if s["yref"] in ("y", "y2", "y3")]
    assert [(s["y0"], s["y1"]) for s in boxes] == [(5.5, 6.5)] * 3  # row t = 6 boxed in each heatmap


def test_trace_csv_round_trips(cell):
    from seqviz.ui.panels import trace_csv

    m = tiny(cell, seed=8)
    tr = m.trace('a, "b"\nc')
    rows = list(csv.DictReader(io.StringIO(trace_csv(tr))))
    fields = {"rnn": ["a"], "gru": ["a", "c_tilde", "gamma_u", "gamma_r"]}
    fields = fields.get(cell, ["a", "c", "c_tilde", "gamma_u", "gamma_f", "gamma_o"])
    assert list(rows[0]) == ["t", "character", "unit", *fields]
    assert len(rows) == tr.T * tr.n_a
    assert [r["character"] for r in rows[:: tr.n_a]] == ["⏎", "a", ",", "␣", '"', "b", '"', "⏎", "c"]
    got = {f: np.array([float(r[f]) for r in rows]).reshape(tr.T, tr.n_a) for f in fields}
    want = {"a": tr.a, "c": tr.c, "c_tilde": tr.c_tilde, **tr.gates}
    for f in fields:
        np.testing.assert_allclose(got[f], want[f], rtol=1e-5, atol=1e-6)
    assert [int(r["unit"]) for r in rows[: tr.n_a]] == list(range(tr.n_a))


def test_connectivity_csv_lists_every_pair():
    from seqviz.ui.panels import connectivity_csv

    conns = {c: connectivity(tiny(c, seed=9), "ab\nc") for c in ("rnn", "lstm")}
    rows = list(csv.DictReader(io.StringIO(connectivity_csv(conns))))
    assert len(rows) == 2 * 5 * 6 // 2  # two cells, every t' <= t of 5 steps
    for r in rows:
        C = conns[r["cell"]].C[int(r["t"]), int(r["t_prime"])]
        assert float(r["C"]) == pytest.approx(C, rel=1e-5, abs=0)
    assert {(r["t"], r["character"]) for r in rows} == {("0", "⏎"), ("1", "a"), ("2", "b"), ("3", "⏎"), ("4", "c")}


def test_figures_are_valid_plotly():
    """Built from plain dicts without plotly's checks: rebuilt with every check on, each comes out the same (on text
    with HTML in it, which must stay text)."""
    from test_figures_checked import HOSTILE, assert_valid

    from seqviz.viz.rnn import compare_states_figure, reach_figure

    models = {c: tiny(c, seed=10) for c in ("rnn", "gru", "lstm")}
    d = assert_valid(reach_figure({c: connectivity(m, HOSTILE) for c, m in models.items()}, start=3))
    assert len(d["frames"]) == len(HOSTILE) + 1 == len(d["layout"]["sliders"][0]["steps"])
    chars = d["data"][4]["text"]  # the text's characters, escaped; those the model never saw in red
    assert chars[3] == '<span style="color:#d62728">&lt;</span>' and "<b>" not in "".join(chars)
    d = assert_valid(compare_states_figure({c: m.trace(HOSTILE) for c, m in models.items()}, 3))
    assert [a["text"] for a in d["layout"]["annotations"]] == ["RNN", "GRU", "LSTM"]
