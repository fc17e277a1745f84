"""Beam search: B = 1 is greedy, a wide enough beam is exhaustive search, every step is recorded
consistently, a forced prefix is honoured, and the course's error-analysis verdicts."""

import math

import pytest
import torch

from seqviz.translation.beam import (
    CUT,
    FINISHED,
    FORCED,
    KEPT,
    PRUNED,
    beam_search,
    error_verdict,
    exhaustive_search,
    greedy,
    normalized,
    sequence_log_probs,
)
from seqviz.translation.models import DateTranslator, NMTConfig

SRC = tuple(" 0123456789abcdefghijklmnopqrstuvwxyz")


def tiny(seed: int, tgt=("\n", "a", "b"), max_tgt: int = 4, attention: bool = True) -> DateTranslator:
    """A random-weight translator over a tiny output alphabet, weights spread so outputs vary."""
    torch.manual_seed(seed)
    m = DateTranslator(
        NMTConfig(attention=attention, n_a=4, n_s=6, n_e=3, src_chars=SRC, tgt_chars=tgt, max_tgt=max_tgt)
    )
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(4.0)
    return m.eval()


def search_fns(m, text="13 june 1989"):
    *_, mem = m._prepare(text)
    return m.step_fn(mem), m.start_state(mem)


class Table:
    """A hand-written conditional model: P(next | prefix) from a dict, for exact expectations."""

    def __init__(self, table, V):
        self.table, self.V = table, V

    def step(self, state, prev):
        (prefixes,) = state
        rows, new = [], []
        for row, p in zip(prefixes.tolist(), prev.tolist()):
            seq = tuple(t for t in row if t >= 0) + ((p,) if p != -9 else ())
            probs = self.table.get(seq, [1.0 / self.V] * self.V)
            rows.append([math.log(q) if q > 0 else -1e9 for q in probs])
            new.append(list(seq) + [-1] * (8 - len(seq)))
        return torch.tensor(rows), (torch.tensor(new),)

    state0 = (torch.full((1, 8), -1),)


# tokens: 0 = ⏎, 1 = "a", 2 = "b". Greedy takes "a" (0.6) but "b⏎" (0.4 * 0.9 = 0.36) beats every "a..." (<= 0.6 * 0.4)
TRAP = Table(
    {
        (): [0.0, 0.6, 0.4],
        (1,): [0.4, 0.3, 0.3],
        (2,): [0.9, 0.05, 0.05],
        (1, 1): [1.0, 0.0, 0.0],
        (1, 2): [1.0, 0.0, 0.0],
    },
    3,
)


def run(table, **kw):
    return beam_search(table.step, table.state0, start=-9, eos=0, max_len=4, **kw)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("attention", [True, False])
def test_beam_width_one_is_greedy(seed, attention):
    m = tiny(seed, tgt=("\n",) + tuple("0123456789-"), max_tgt=12, attention=attention)
    step, s0 = search_fns(m)
    res = beam_search(step, s0, start=0, eos=0, max_len=12, beam_width=1, length_alpha=0.7)
    tokens, lp = greedy(step, s0, start=0, eos=0, max_len=12)
    assert res.best.tokens == tokens and res.best.log_prob == pytest.approx(lp, abs=1e-5)
    assert all(len(s.beam) <= 1 for s in res.steps) and len(res.finished) == 1
    from seqviz.translation.models import greedy_batch

    outs, lps = greedy_batch(m, ["13 june 1989"])
    assert outs[0] == "".join(m.tgt_vocab.chars[i] for i in tokens).split("\n")[0]
    assert lps[0] == pytest.approx(lp, abs=1e-4)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("alpha", [0.0, 0.7, 1.0])
def test_wide_enough_beam_is_exhaustive_search(seed, alpha):
    m = tiny(seed)
    step, s0 = search_fns(m, "tuesday 13 june 1989")
    best, best_score = exhaustive_search(step, s0, start=0, eos=0, max_len=4, vocab_size=3, length_alpha=alpha)
    res = beam_search(step, s0, start=0, eos=0, max_len=4, beam_width=3**4, length_alpha=alpha)
    assert res.best.tokens == best and res.best.score == pytest.approx(best_score, abs=1e-5)
    assert len(res.finished) == 1 + 2 + 4 + 2**3 * 3  # every output: ended with ⏎, or cut at 4 tokens
    narrow = beam_search(step, s0, start=0, eos=0, max_len=4, beam_width=1, length_alpha=alpha)
    assert narrow.best.score <= best_score + 1e-6  # a narrow beam can only lose


def test_every_step_is_recorded_consistently():
    m = tiny(1, tgt=("\n",) + tuple("0123456789-"), max_tgt=12)
    step, s0 = search_fns(m)
    B = 4
    res = beam_search(step, s0, start=0, eos=0, max_len=12, beam_width=B, length_alpha=0.7)
    prev_beam = None
    for st in res.steps:
        chosen = [h for h in st.candidates if h.status in (KEPT, FINISHED, CUT)]
        pruned = [h for h in st.candidates if h.status == PRUNED]
        assert len(chosen) <= B and st.beam == [h for h in chosen if h.status == KEPT]
        assert all(h.status == CUT for h in chosen if h.length == 12 and h.tokens[-1] != 0)
        if pruned:
            assert min(h.log_prob for h in chosen) >= max(h.log_prob for h in pruned)  # the best B survive
        for h in st.candidates:
            assert h.length == st.t and h.score == pytest.approx(normalized(h.log_prob, st.t, 0.7))
            if prev_beam is not None:
                parent = prev_beam[h.parent]
                assert h.tokens[:-1] == parent.tokens
                assert h.log_prob == pytest.approx(parent.log_prob + h.token_log_prob, abs=1e-5)
        prev_beam = st.beam
    scores = [h.score for h in res.finished]
    assert scores == sorted(scores, reverse=True)
    for h in res.finished:  # the recorded log P is the model's P(y|x)
        assert h.log_prob == pytest.approx(sum(sequence_log_probs(step, s0, h.tokens, start=0)), abs=1e-4)


def test_forced_prefix_is_kept_and_its_probability_counts():
    m = tiny(2, tgt=("\n",) + tuple("0123456789-"), max_tgt=12)
    tr = m.translate("13 june 1989", beam_width=3, prefix="20x")  # x is not an output character
    assert tr.output.startswith("20")
    assert [s.forced for s in tr.search.steps[:2]] == [True, True] and not tr.search.steps[2].forced
    assert all(s.beam[0].status == FORCED for s in tr.search.steps[:2])
    assert tr.log_prob == pytest.approx(float(tr.token_log_probs.sum()), abs=1e-4)
    step, s0 = search_fns(m)
    ids = [m.tgt_vocab.index[ch] for ch in tr.target]
    assert tr.log_prob == pytest.approx(sum(sequence_log_probs(step, s0, ids, start=0)), abs=1e-4)


def test_greedy_falls_into_the_trap_and_a_wider_beam_escapes():
    g = run(TRAP, beam_width=1, length_alpha=0.0)
    b = run(TRAP, beam_width=2, length_alpha=0.0)
    assert g.best.tokens[0] == 1 and b.best.tokens == (2, 0)
    assert math.exp(b.best.log_prob) == pytest.approx(0.36)


def test_error_analysis_verdicts():
    g = run(TRAP, beam_width=1, length_alpha=0.0).best  # "a⏎" with P = 0.6 * 0.4 = 0.24
    lp = lambda toks: sum(sequence_log_probs(TRAP.step, TRAP.state0, toks, start=-9))
    star = (2, 0)  # P(y*) = 0.36 > 0.24: the search missed it
    assert error_verdict(g.tokens, g.log_prob, star, lp(star), 0.0).verdict == "search"
    star = (1, 1, 0)  # P(y*) = 0.18 < 0.24: the model prefers ŷ
    v = error_verdict(g.tokens, g.log_prob, star, lp(star), 0.0)
    assert v.verdict == "model" and math.exp(v.log_p_star) == pytest.approx(0.18)
    assert error_verdict(g.tokens, g.log_prob, g.tokens, g.log_prob, 0.0).verdict == "correct"
    # with α = 1 the comparison uses the normalised scores: log(0.18)/3 = -0.57 > log(0.24)/2 = -0.71
    assert error_verdict(g.tokens, g.log_prob, star, lp(star), 1.0).verdict == "search"


def test_model_error_analysis_uses_the_same_numbers():
    m = tiny(3, tgt=("\n",) + tuple("0123456789-"), max_tgt=12)
    with torch.no_grad():
        m.W_y.bias[0] += 6.0  # ⏎ likely enough that outputs end
    tr = m.translate("13 june 1989", beam_width=1)
    assert tr.target[-1] == "\n"
    assert m.error_analysis("13 june 1989", tr.output, 1).verdict == "correct"
    other = "1989-06-13" if tr.output != "1989-06-13" else "2000-01-01"
    ea = m.error_analysis("13 june 1989", other, 1, 0.7)
    lp_star = sum(m.log_probs_of("13 june 1989", other))
    assert ea.log_p_star == pytest.approx(lp_star, abs=1e-5) and ea.log_p_hat == pytest.approx(tr.log_prob, abs=1e-5)
    assert ea.verdict == ("search" if ea.score_star > ea.score_hat else "model")
    assert m.error_analysis("13 june 1989", "13/06/1989") is None  # '/' cannot be written
