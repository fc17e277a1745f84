"""Sampling and scoring: temperature → 0 is argmax, top-k bounds the support, perplexity = exp(mean NLL)."""

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from conftest import tiny

from seqviz.core.sampling import adjust
from seqviz.rnn.lm import sample, score


def test_temperature_zero_is_argmax_and_the_limit_of_small_temperatures():
    m = tiny("gru")
    s = sample(m, 30, temperature=0.0, seed=3)
    np.testing.assert_array_equal(s.chosen, s.raw.argmax(axis=1))
    p = torch.tensor([0.1, 0.5, 0.4])
    np.testing.assert_allclose(adjust(p, 1e-3, None).numpy(), [0, 1, 0], atol=1e-12)
    np.testing.assert_allclose(adjust(p, 1.0, None).numpy(), p.numpy(), atol=1e-6)


def test_top_k_keeps_only_k_characters_and_renormalises(cell):
    s = sample(tiny(cell), 25, temperature=1.3, top_k=3, seed=1)
    assert ((s.probs > 0).sum(axis=1) <= 3).all()
    np.testing.assert_allclose(s.probs.sum(axis=1), 1, atol=1e-5)
    assert all(s.probs[t, c] > 0 for t, c in enumerate(s.chosen))  # the pick is inside the top k


def test_top_k_larger_than_the_vocabulary_is_clamped():
    m = tiny("lstm")
    assert sample(m, 5, top_k=999).top_k == len(m.vocab)
    assert sample(m, 5, top_k=0).top_k is None


def test_sampling_is_repeatable_and_restarts_after_each_name():
    m = tiny("lstm")
    a, b = sample(m, 60, seed=7), sample(m, 60, seed=7)
    np.testing.assert_array_equal(a.chosen, b.chosen)
    ends = np.flatnonzero(a.chosen[:-1] == 0)
    assert len(ends) >= 2  # this seed ends several names
    for e in ends:  # after each ⏎ the model sees the start again
        np.testing.assert_allclose(a.raw[e + 1], a.raw[0], atol=1e-6)
    assert not np.allclose(a.raw[1], a.raw[0])  # (and elsewhere it does not)


def test_sampled_distributions_are_the_fused_models_on_the_sampled_text(cell):
    """The one-step cell used for sampling is the trained fused module, line by line."""
    m = tiny(cell)
    s = sample(m, 80, temperature=1.5, seed=2)
    text = m.vocab.decode(s.chosen)
    t0 = 0
    for line in text.split("\n"):  # each line starts again from a<0> = 0
        ids = torch.tensor([[0] + list(m.vocab.encode(line))])
        with torch.no_grad():
            p = torch.softmax(m(ids)[0], -1).numpy()
        np.testing.assert_allclose(s.raw[t0 : t0 + len(line) + 1], p[: len(s.raw) - t0], atol=1e-5)
        t0 += len(line) + 1


def test_perplexity_is_exp_of_mean_nll_computed_independently(cell):
    m = tiny(cell)
    text = "anna smith\nbob"
    sc = score(m, text)
    total, n = 0.0, 0
    for line in text.split("\n"):  # each line on its own, ⏎ at its end
        _, ids = m.encode(line)
        ids = np.concatenate([ids, [0]])
        with torch.no_grad():
            logits = m(torch.from_numpy(ids[:-1])[None])[0]
        total += float(F.cross_entropy(logits, torch.from_numpy(ids[1:]), reduction="sum"))
        n += len(ids) - 1
    assert sc.n == n == len(text) + 1
    assert sc.perplexity == pytest.approx(math.exp(total / n), rel=1e-5)
    assert sc.log_likelihood == pytest.approx(-total, rel=1e-5)


def test_scores_agree_with_the_trace():
    m = tiny("lstm")
    sc = score(m, "mary")
    nll = m.trace("mary\n").nll()
    np.testing.assert_allclose(-np.log(sc.p), nll, rtol=1e-5)


def test_unknown_characters_are_skipped_and_only_unknown_scores_nothing():
    m = tiny("rnn")
    sc = score(m, "a中b")
    assert list(sc.known) == [True, False, True, True] and np.isnan(sc.p[1])
    none = score(m, "中文😀")
    assert none.n == 1 and none.chars[-1] == "\n"  # only the end of the line is known
    assert score(m, "").n == 1
