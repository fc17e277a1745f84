"""Interventions: a clamped gate or a set unit inside the cell, and α<t,·> set by hand in the date translator. Checked
against the normal run, a plain numpy re-implementation of the course's equations, and the fused torch module."""

import math

import numpy as np
import pytest
import torch
from conftest import tiny, typed

import seqviz
from seqviz.rnn import lm
from seqviz.rnn.intervene import GateClamp, Intervention, InterventionError, UnitSet, run
from seqviz.translation import intervene as mt_iv

pytestmark = pytest.mark.usefixtures("one_thread")

LINE = "the cat sat on the mat"  # one line: no ⏎ inside, so nothing restarts the state
TWO = "anna bell\nbob"


def _sig(z):
    return 1 / (1 + np.exp(-z))


def reference(m, text, clamps=(), sets=()):
    """The course's equations in float64 numpy with the model's torch weights, one step at a time, with gate clamps
    and unit overrides applied by hand: (a (T, n_a), c (T, n_a) or None, ŷ (T, V))."""
    W, U = m.rnn.weight_ih_l0.detach().double().numpy(), m.rnn.weight_hh_l0.detach().double().numpy()
    b = (m.rnn.bias_ih_l0 + 0).detach().double().numpy()
    bh = m.rnn.bias_hh_l0.detach().double().numpy()
    _, ids = m.encode(text)
    n, V = m.config.n_a, len(m.vocab)
    a, c = np.zeros(n), np.zeros(n)
    A, C = [], []

    def clamp(t, name, v):
        v = v.copy()
        for k in clamps:
            if k.gate == name and t >= k.start:
                if k.unit is None:
                    v[:] = k.value
                else:
                    v[k.unit] = k.value
        return v

    for t, i in enumerate(ids):
        if i == 0:  # every ⏎ restarts the line from a<0> = c<0> = 0
            a, c = np.zeros(n), np.zeros(n)
        x = np.zeros(V)
        if i >= 0:
            x[i] = 1
        if m.cell == "rnn":
            a = np.tanh(W @ x + b + U @ a + bh)
        elif m.cell == "gru":
            zi, zh = W @ x + b, U @ a + bh
            r = clamp(t, "gamma_r", _sig(zi[:n] + zh[:n]))
            u = clamp(t, "gamma_u", 1 - _sig(zi[n : 2 * n] + zh[n : 2 * n]))  # torch's z = 1 − Γu
            ct = np.tanh(zi[2 * n :] + r * zh[2 * n :])
            a = u * ct + (1 - u) * a
            c = a
        else:
            z = W @ x + b + U @ a + bh
            u = clamp(t, "gamma_u", _sig(z[:n]))
            f = clamp(t, "gamma_f", _sig(z[n : 2 * n]))
            o = clamp(t, "gamma_o", _sig(z[3 * n :]))
            c = u * np.tanh(z[2 * n : 3 * n]) + f * c
            a = o * np.tanh(c)
        for s in sets:
            if t == s.start or (s.hold and t > s.start):
                a, c = a.copy(), c.copy()
                if s.field == "c":
                    c[s.unit] = s.value
                    a[s.unit] = o[s.unit] * math.tanh(s.value)
                else:
                    a[s.unit] = s.value
                    if m.cell == "gru":
                        c = a
        A.append(a)
        C.append(c)
    Wy, by = m.head.weight.detach().double().numpy(), m.head.bias.detach().double().numpy()
    logits = np.array(A) @ Wy.T + by
    p = np.exp(logits - logits.max(1, keepdims=True))
    return np.array(A), (None if m.cell == "rnn" else np.array(C)), p / p.sum(1, keepdims=True)


# ---------------------------------------------------------------- the cell


@pytest.mark.parametrize("text", [LINE, TWO, "x中y"])
def test_empty_intervention_reproduces_the_normal_trace_exactly(cell, text):
    m = tiny(cell)
    normal, r = m.trace(text), run(m, text, Intervention())
    assert run(m, text).trace.a.tobytes() == r.trace.a.tobytes()  # None and empty are the same
    for f in ("a", "c", "c_tilde", "y_hat", "ids", "unknown"):
        x, y = getattr(normal, f), getattr(r.trace, f)
        assert (x is None and y is None) or np.array_equal(x, y), f
    assert normal.tokens == r.trace.tokens and normal.vocab == r.trace.vocab
    assert set(normal.gates) == set(r.trace.gates) and set(normal.pre) == set(r.trace.pre)
    assert all(np.array_equal(normal.gates[g], r.trace.gates[g]) for g in normal.gates)
    assert all(np.array_equal(normal.pre[k], r.trace.pre[k]) for k in normal.pre)


@pytest.mark.parametrize("text", [LINE, TWO, "ab\n", "a?b"])
def test_perplexity_and_p_next_agree_with_the_fused_module(cell, text):
    """lm.score runs the fused torch module line by line: the same perplexity, and p_next is ŷ<t> of x<t+1> then ⏎."""
    m = tiny(cell)
    r = run(m, text)
    score = lm.score(m, text)
    assert r.perplexity == pytest.approx(score.perplexity, rel=1e-5)
    p = r.p_next[~np.isnan(r.p_next)]
    np.testing.assert_allclose(p, score.p[score.known], rtol=1e-5)
    ids = r.trace.ids
    for t in range(r.trace.T - 1):
        want = r.trace.y_hat[t, ids[t + 1]] if ids[t + 1] >= 0 else np.nan
        np.testing.assert_allclose(r.p_next[t], want, rtol=1e-5)
    assert np.isnan(r.p_next[-1]) == text.endswith("\n")  # the end of the text is scored unless it ends with ⏎


@pytest.mark.parametrize(
    "clamps, sets",
    [
        ((GateClamp("gamma_u", 0.0, None, 4),), ()),
        ((GateClamp("gamma_u", 0.7, 2, 3),), ()),
        ((), (UnitSet(3, 0.5, "a", 5, False),)),
        ((), (UnitSet(1, -0.9, "a", 2, True),)),
    ],
)
def test_interventions_equal_a_numpy_reimplementation(cell, clamps, sets):
    m = tiny(cell, seed=1)
    if cell == "rnn" and clamps:
        pytest.skip("a vanilla RNN has no gates")
    r = run(m, TWO, Intervention(clamps, sets))
    a, c, p = reference(m, TWO, clamps, sets)
    np.testing.assert_allclose(r.trace.a, a, atol=2e-5)
    np.testing.assert_allclose(r.trace.y_hat, p, atol=2e-5)
    if c is not None:
        np.testing.assert_allclose(r.trace.c, c, atol=2e-5)
    assert not np.allclose(r.trace.a, m.trace(TWO).a, atol=1e-3)  # it did change something


@pytest.mark.parametrize("cell_", ["lstm", "gru"])
def test_lstm_and_gru_clamps_equal_the_reimplementation_on_every_gate(cell_):
    m = tiny(cell_, seed=2)
    gates = {"lstm": ("gamma_u", "gamma_f", "gamma_o"), "gru": ("gamma_u", "gamma_r")}[cell_]
    for g in gates:
        for v in (0.0, 0.3, 1.0):
            clamps = (GateClamp(g, v, None, 2),)
            r = run(m, LINE, Intervention(clamps))
            np.testing.assert_allclose(r.trace.a, reference(m, LINE, clamps)[0], atol=2e-5, err_msg=f"{g}={v}")
            np.testing.assert_allclose(r.trace.gates[g][2:], v)  # the trace shows the clamped gate


@pytest.mark.parametrize("start", [1, 6])
def test_lstm_with_forget_one_and_update_zero_keeps_c_constant(start):
    """The issue's test: Γf = 1, Γu = 0 from step s on: c<t> = c<s−1> for every t ≥ s, in every unit."""
    m = tiny("lstm", seed=4)
    iv = Intervention((GateClamp("gamma_f", 1.0, None, start), GateClamp("gamma_u", 0.0, None, start)))
    tr = run(m, LINE, iv).trace
    normal = m.trace(LINE)
    np.testing.assert_array_equal(tr.c[:start], normal.c[:start])  # untouched before s
    np.testing.assert_allclose(tr.c[start:], np.broadcast_to(normal.c[start - 1], tr.c[start:].shape), atol=1e-7)
    assert np.abs(normal.c[start:] - normal.c[start - 1]).max() > 0.1  # while the normal memory moves
    np.testing.assert_allclose(tr.a[start:], tr.gates["gamma_o"][start:] * np.tanh(tr.c[start:]), atol=1e-6)


def test_gru_with_update_zero_keeps_a_and_c_constant():
    m = tiny("gru", seed=4)
    start = 4
    tr = run(m, LINE, Intervention((GateClamp("gamma_u", 0.0, None, start),))).trace
    normal = m.trace(LINE)
    np.testing.assert_array_equal(tr.a[:start], normal.a[:start])
    np.testing.assert_allclose(tr.a[start:], np.broadcast_to(normal.a[start - 1], tr.a[start:].shape), atol=1e-7)
    np.testing.assert_array_equal(tr.a, tr.c)  # a<t> = c<t> in a GRU, also when changed
    assert np.abs(normal.a[start:] - normal.a[start - 1]).max() > 0.1


def test_a_clamp_in_one_unit_changes_only_that_unit_at_its_first_step():
    m = tiny("lstm", seed=5)
    s, u = 3, 2
    tr = run(m, LINE, Intervention((GateClamp("gamma_f", 0.0, u, s),))).trace
    normal = m.trace(LINE)
    np.testing.assert_array_equal(tr.c[:s], normal.c[:s])
    others = [k for k in range(m.config.n_a) if k != u]
    np.testing.assert_array_equal(tr.c[s, others], normal.c[s, others])  # the others read the same a<s−1>
    assert tr.gates["gamma_f"][s:, u].max() == 0 and tr.c[s, u] != normal.c[s, u]
    assert np.abs(tr.a[s + 1 :, others] - normal.a[s + 1 :, others]).max() > 1e-4  # then it spreads


def test_a_unit_set_once_applies_at_its_step_only_and_later_steps_evolve_from_it(cell):
    m = tiny(cell, seed=6)
    s, u, v = 4, 3, 0.8
    tr = run(m, LINE, Intervention(sets=(UnitSet(u, v, "a", s, hold=False),))).trace
    normal = m.trace(LINE)
    np.testing.assert_array_equal(tr.a[:s], normal.a[:s])  # nothing before step s
    expect = normal.a[s].copy()
    expect[u] = v
    np.testing.assert_allclose(tr.a[s], expect, atol=0)  # only that unit, at that step
    if cell != "rnn":
        assert (tr.c[s] != normal.c[s]).sum() == (1 if cell == "gru" else 0)  # GRU: c<t> is a<t>; LSTM: c untouched
    # step s + 1 is the plain cell applied to the changed state (no further override)
    step_only = Intervention(sets=(UnitSet(u, v, "a", s, hold=False),))
    a_ref = reference(m, LINE, sets=step_only.sets)[0]
    np.testing.assert_allclose(tr.a[s + 1 :], a_ref[s + 1 :], atol=2e-5)
    assert abs(tr.a[s + 1, u] - v) > 1e-3  # not held: it moves on
    assert np.abs(tr.a[s + 1] - normal.a[s + 1]).max() > 1e-4  # and the change reached the next step


def test_a_held_unit_stays_at_its_value_from_its_step_on(cell):
    m = tiny(cell, seed=7)
    tr = run(m, TWO, Intervention(sets=(UnitSet(0, -0.5, "a", 2, hold=True),))).trace
    assert (tr.a[2:, 0] == np.float32(-0.5)).all()  # also across the ⏎, which restarts the others
    np.testing.assert_array_equal(tr.a[:2], m.trace(TWO).a[:2])


def test_lstm_memory_set_drives_a_through_the_output_gate():
    m = tiny("lstm", seed=8)
    s, u = 3, 4
    tr = run(m, LINE, Intervention(sets=(UnitSet(u, 2.0, "c", s),))).trace
    assert tr.c[s, u] == 2.0
    assert tr.a[s, u] == pytest.approx(tr.gates["gamma_o"][s, u] * math.tanh(2.0), abs=1e-6)
    np.testing.assert_allclose(tr.a, reference(m, LINE, sets=(UnitSet(u, 2.0, "c", s),))[0], atol=2e-5)


@pytest.mark.parametrize(
    "cell_, iv, code",
    [
        ("gru", Intervention((GateClamp("gamma_f", 1.0),)), "gate"),
        ("rnn", Intervention((GateClamp("gamma_u", 0.0),)), "gate"),
        ("lstm", Intervention((GateClamp("gamma_f", 1.5),)), "gate_value"),
        ("lstm", Intervention((GateClamp("gamma_f", float("nan")),)), "gate_value"),
        ("lstm", Intervention((GateClamp("gamma_f", 1.0, 7),)), "unit"),
        ("lstm", Intervention((GateClamp("gamma_f", 1.0, None, 23),)), "step"),
        ("rnn", Intervention(sets=(UnitSet(0, 0.0, "c"),)), "field"),
        ("gru", Intervention(sets=(UnitSet(-1, 0.0),)), "unit"),
        ("lstm", Intervention(sets=(UnitSet(0, float("inf")),)), "value"),
        ("lstm", Intervention(sets=(UnitSet(0, 0.0, "a", -1),)), "step"),
    ],
)
def test_interventions_that_do_not_fit_raise_a_coded_error(cell_, iv, code):
    m = tiny(cell_)  # n_a = 7; LINE has T = 23 steps
    with pytest.raises(InterventionError) as err:
        run(m, LINE, iv)
    assert err.value.code == code


def test_shipped_lstm_loses_track_when_its_memory_is_frozen():
    """The page's first view: Γf = 1, Γu = 0 from step 3 of "andrew ng" makes the names LSTM far more surprised."""
    m = seqviz.load_pretrained("names-lstm")
    text = "andrew ng\nmary johnson"
    normal = run(m, text)
    frozen = run(m, text, Intervention((GateClamp("gamma_f", 1.0, None, 3), GateClamp("gamma_u", 0.0, None, 3))))
    assert frozen.perplexity > 3 * normal.perplexity
    k = text.index(" ")  # after "andrew" the normal model expects the space; the frozen one does not
    assert normal.p_next[k] > 0.9 and frozen.p_next[k] < 0.1


# ---------------------------------------------------------------- attention by hand


@pytest.fixture(scope="module")
def dates():
    return seqviz.load_pretrained("date-attention")


@pytest.mark.parametrize("text", ["Tuesday 13 June 1989", "1989年6月13日星期二", "6/13/89", "", "zzz"])
def test_no_override_is_the_greedy_translation(dates, text):
    tr, ref = mt_iv.translate_with_alpha(dates, text), dates.translate(text)
    assert tr.output == ref.output and tr.target == ref.target and tr.source == ref.source
    assert tr.log_prob == pytest.approx(ref.log_prob, abs=1e-5)
    np.testing.assert_allclose(tr.alpha, ref.alpha, atol=1e-6)
    assert tr.notes == ref.notes


def test_the_models_own_row_as_override_changes_nothing(dates):
    text = "mardi 13 juin 1989"
    ref = dates.translate(text)
    tr = mt_iv.translate_with_alpha(dates, text, 5, ref.alpha[5])
    assert tr.output == ref.output
    assert tr.log_prob == pytest.approx(ref.log_prob, abs=1e-4)


def test_an_overwritten_row_is_the_context_and_earlier_steps_are_untouched(dates):
    text = "Tuesday 13 June 1989"
    ref = dates.translate(text)
    Tx = len(ref.source)
    w = np.arange(Tx, dtype=float) % 3  # not normalised: sums to 19
    tr = mt_iv.translate_with_alpha(dates, text, 4, w)
    row = w / w.sum()
    np.testing.assert_allclose(tr.alpha[4], row, atol=1e-6)
    np.testing.assert_allclose(tr.alpha[:4], ref.alpha[:4], atol=1e-6)
    assert tr.target[:4] == ref.target[:4]
    with torch.no_grad():  # context<t> = Σ_t' α<t,t'> a<t'> with the encoder's own a<t'>
        _, ids, *_ = dates.read_source(text)
        a = dates.encode(torch.from_numpy(ids)[None], torch.tensor([len(ids)])).a[0].numpy()
    np.testing.assert_allclose(tr.context[4], row @ a, atol=1e-5)
    assert tr.log_prob == pytest.approx(float(np.sum(tr.token_log_probs)))


def test_month_attention_on_the_days_digit_writes_it_into_the_month(dates):
    """The page's default: all of step 6's attention (the month's first digit) on the day's "1" writes 1989-16-13."""
    text = "Tuesday 13 June 1989"
    normal = mt_iv.translate_with_alpha(dates, text)
    step = mt_iv.default_step(normal)
    assert step == 5 and normal.target[step] == "0"
    pos = mt_iv.changing_position(dates, text, step, normal)
    assert normal.source[pos] == "1" and pos == text.lower().index("13")
    for p in range(pos):  # no character before it changes the output
        assert (
            mt_iv.translate_with_alpha(dates, text, step, mt_iv.one_hot(len(normal.source), p)).output == "1989-06-13"
        )
    changed = mt_iv.translate_with_alpha(dates, text, step, mt_iv.one_hot(len(normal.source), pos))
    assert changed.output == "1989-16-13" and changed.p < normal.p
    assert "unchecked" in changed.notes  # no format writes a 16th month


@pytest.mark.parametrize(
    "weights, code",
    [([0, 0, 0], "zero"), ([1, -1, 1], "negative"), ([1, float("nan"), 0], "not_finite"), ([1, 1], "length")],
)
def test_bad_rows_raise_a_coded_error(dates, weights, code):
    with pytest.raises(mt_iv.AttentionError) as err:
        mt_iv.translate_with_alpha(dates, "6/1", 0, weights)  # 3 input characters
    assert err.value.code == code


def test_normalise_and_one_hot():
    np.testing.assert_allclose(mt_iv.normalise([1, 3], 2), [0.25, 0.75])
    np.testing.assert_array_equal(mt_iv.one_hot(4, 2), [0, 0, 1, 0])
    with pytest.raises(mt_iv.AttentionError):
        mt_iv.one_hot(4, 4)


def test_overwriting_needs_attention_and_a_step_in_range(dates):
    plain = seqviz.load_pretrained("date-no-attention")
    with pytest.raises(mt_iv.AttentionError) as err:
        mt_iv.translate_with_alpha(plain, "6/13/89")
    assert err.value.code == "no_attention"
    with pytest.raises(mt_iv.AttentionError) as err:
        mt_iv.translate_with_alpha(dates, "6/13/89", dates.config.max_tgt, [1] * 7)
    assert err.value.code == "step"


# ---------------------------------------------------------------- figures


def test_cell_comparison_draws_both_runs_numbers():
    from seqviz.viz.intervene import cell_comparison

    m = tiny("lstm")
    normal = run(m, TWO)
    changed = run(m, TWO, Intervention((GateClamp("gamma_f", 0.0, None, 2),)))
    fig = typed(cell_comparison(normal, changed, 3, 2).to_dict())
    top = [d for d in fig["data"] if d.get("yaxis", "y") == "y"]
    assert len(top) == 2
    np.testing.assert_allclose(np.asarray(top[0]["y"], float), normal.p_next, atol=1e-4)
    np.testing.assert_allclose(np.asarray(top[1]["y"], float), changed.p_next, atol=1e-4)
    below = [np.asarray(d["y"], float) for d in fig["data"] if d.get("yaxis") == "y2"]
    expect = [normal.trace.a[:, 3], changed.trace.a[:, 3], normal.trace.c[:, 3], changed.trace.c[:, 3]]
    assert len(below) == 4 and all(np.allclose(b, e, atol=1e-4) for b, e in zip(below, expect))


def test_overwritten_heatmap_frames_the_row(dates):
    from seqviz.viz.intervene import overwritten_heatmap

    tr = mt_iv.translate_with_alpha(dates, "6/13/89", 2, mt_iv.one_hot(7, 0))
    fig = typed(overwritten_heatmap(tr, 2).to_dict())
    np.testing.assert_allclose(np.asarray(fig["data"][0]["z"], float)[2], [1, 0, 0, 0, 0, 0, 0])
    rect = [s for s in fig["layout"]["shapes"] if s["type"] == "rect"]
    assert len(rect) == 1 and rect[0]["y0"] == 1.5 and rect[0]["y1"] == 2.5 and "dash" not in rect[0]["line"]
    normal = typed(overwritten_heatmap(mt_iv.translate_with_alpha(dates, "6/13/89"), 2, set_by_hand=False).to_dict())
    (rect,) = [s for s in normal["layout"]["shapes"] if s["type"] == "rect"]
    assert rect["line"]["dash"] == "dash" and (rect["y0"], rect["y1"]) == (1.5, 2.5)
