"""Beam search that keeps every step (live, finished and pruned hypotheses with their scores), a forced
prefix for what-if questions, exhaustive search as the reference, and the course's error analysis.

Works with any conditional model given as a step function
`step(state, prev) -> (log_probs (n, V), new_state)`, where `prev` (n,) holds the previous token of
each of the n hypotheses and `state` is a tuple of tensors whose first dimension is n.

Scores follow the course: a hypothesis y<1..Ty> has log P(y|x) = Σ_t log P(y<t> | x, y<1..t-1>) and the
length-normalised score (1 / Ty^α) · log P(y|x), where Ty counts the end mark ⏎ too (α = 0: no
normalisation, α = 1: the average log-probability per token).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import torch

Step = Callable[[tuple, torch.Tensor], tuple[torch.Tensor, tuple]]

KEPT, FINISHED, PRUNED, FORCED, CUT = "kept", "finished", "pruned", "forced", "cut"


def normalized(log_prob: float, length: int, alpha: float) -> float:
    """The course's length-normalised objective (1 / Ty^α) · Σ log P."""
    return log_prob / max(length, 1) ** alpha


@dataclass
class Hyp:
    """One hypothesis y<1..t> at one step of the search."""

    tokens: tuple  # token ids y<1..t>
    log_prob: float  # log P(y<1..t> | x)
    score: float  # log_prob / t^α
    token_log_prob: float  # log P(y<t> | x, y<1..t-1>) of the last token
    parent: int  # index of the parent in the previous step's `beam` (-1 at t = 1)
    status: str  # "kept" (stays in the beam), "finished" (ended with ⏎), "pruned",
    # "forced" (the what-if prefix), "cut" (still open at the length limit)

    @property
    def length(self) -> int:
        return len(self.tokens)


@dataclass
class BeamStep:
    """Step t of the search: the candidates considered, best first, and the beam kept for step t + 1."""

    t: int  # 1-based output position
    candidates: list[Hyp]  # every candidate shown: the kept/finished/forced ones first, then pruned
    beam: list[Hyp]  # the live hypotheses carried on (status kept or forced)
    n_expansions: int  # how many one-token extensions existed (live hypotheses x V)
    forced: bool = False  # this step was dictated by the prefix


@dataclass
class BeamResult:
    """Everything the search did."""

    steps: list[BeamStep]
    finished: list[Hyp]  # complete hypotheses (and those cut at max_len), best normalised score first
    beam_width: int
    length_alpha: float
    max_len: int
    prefix: tuple = ()

    @property
    def best(self) -> Hyp:
        return self.finished[0]


def select(state: tuple, idx: torch.Tensor) -> tuple:
    """Rows `idx` of every tensor in a state tuple (the parents of the hypotheses kept)."""
    return tuple(s.index_select(0, idx) for s in state)


@torch.no_grad()
def beam_search(
    step: Step,
    state0: tuple,
    *,
    start: int,
    eos: int,
    max_len: int,
    beam_width: int = 3,
    length_alpha: float = 0.7,
    prefix: Sequence[int] = (),
) -> BeamResult:
    """The course's beam search with every step recorded.

    At each step every live hypothesis is extended by every token; the `beam_width` (B) likeliest
    extensions, by log P(y<1..t> | x), are kept and the others pruned. A kept hypothesis that ends with
    `eos` is complete and leaves the beam, so the beam may shrink; the search stops when the beam is
    empty or after `max_len` tokens (open hypotheses are then "cut"). The answer is the complete
    hypothesis with the best length-normalised score. B = 1 is greedy decoding.

    Args:
        step: (state, prev (n,)) -> (log-probabilities (n, V), next state).
        state0: the decoder state for the first token (first dimension 1).
        prefix: tokens forced at the start (what-if); their log-probabilities still count.
    """
    B = max(1, int(beam_width))
    state, prefix = state0, tuple(int(p) for p in prefix)[:max_len]
    live = [Hyp((), 0.0, 0.0, 0.0, -1, KEPT)]
    steps, finished = [], []
    for t in range(1, max_len + 1):
        prev = torch.tensor([h.tokens[-1] if h.tokens else start for h in live], dtype=torch.long)
        logp, new_state = step(state, prev)  # (n, V)
        logp = logp.float().cpu()
        n, V = logp.shape
        forced = t <= len(prefix)
        k = min(B, V)
        top_lp, top_ix = logp.topk(k, dim=1)  # only a parent's top B can make the beam
        cands = []
        for i, h in enumerate(live):
            for lp, ix in zip(top_lp[i].tolist(), top_ix[i].tolist()):
                total = h.log_prob + lp
                cands.append(Hyp(h.tokens + (ix,), total, normalized(total, t, length_alpha), lp, i, PRUNED))
        if forced:  # the one live hypothesis takes the prefix token
            tok = prefix[t - 1]
            lp = float(logp[0, tok])
            chosen = Hyp(
                live[0].tokens + (tok,),
                live[0].log_prob + lp,
                normalized(live[0].log_prob + lp, t, length_alpha),
                lp,
                0,
                FORCED,
            )
            cands = [c for c in cands if c.tokens != chosen.tokens]
            cands.sort(key=lambda h: -h.log_prob)
            keep = [chosen]
        else:
            cands.sort(key=lambda h: -h.log_prob)
            keep, cands = cands[:B], cands[B:]
            for h in keep:
                h.status = FINISHED if h.tokens[-1] == eos else KEPT
        beam = [h for h in keep if h.status in (KEPT, FORCED) and not (h.status == FORCED and h.tokens[-1] == eos)]
        finished += [h for h in keep if h.status == FINISHED or (h.status == FORCED and h.tokens[-1] == eos)]
        if t == max_len:
            for h in beam:
                h.status = CUT if h.status == KEPT else h.status
            finished += beam
            beam = []
        steps.append(BeamStep(t, keep + cands, beam, n * V, forced))
        if not beam:
            break
        idx = torch.tensor([h.parent for h in beam], dtype=torch.long)
        state = select(new_state, idx)
        live = beam
    finished.sort(key=lambda h: -h.score)
    return BeamResult(steps, finished, B, float(length_alpha), max_len, prefix)


@torch.no_grad()
def greedy(step: Step, state0: tuple, *, start: int, eos: int, max_len: int) -> tuple[tuple, float]:
    """Greedy decoding: the single likeliest token at every step. Returns (tokens, log P)."""
    state, prev, tokens, total = state0, start, [], 0.0
    for _ in range(max_len):
        logp, state = step(state, torch.tensor([prev]))
        prev = int(logp[0].argmax())
        total += float(logp[0, prev])
        tokens.append(prev)
        if prev == eos:
            break
    return tuple(tokens), total


@torch.no_grad()
def sequence_log_probs(step: Step, state0: tuple, tokens: Sequence[int], *, start: int) -> list[float]:
    """log P(y<t> | x, y<1..t-1>) of each token of a given output (teacher forcing)."""
    state, prev, out = state0, start, []
    for tok in tokens:
        logp, state = step(state, torch.tensor([prev]))
        out.append(float(logp[0, int(tok)]))
        prev = int(tok)
    return out


@torch.no_grad()
def exhaustive_search(
    step: Step, state0: tuple, *, start: int, eos: int, max_len: int, vocab_size: int, length_alpha: float = 0.7
) -> tuple[tuple, float]:
    """The exact argmax of the normalised score over every output of at most `max_len` tokens (ending
    with `eos`, or `max_len` long): V^max_len sequences, so only for tiny models. Returns (tokens, score)."""
    best, best_score = (), -math.inf
    for L in range(1, max_len + 1):
        for body in itertools.product(range(vocab_size), repeat=L):
            if eos in body[:-1] or (L < max_len and body[-1] != eos):
                continue  # ⏎ only at the end; shorter outputs must have ended
            lp = sum(sequence_log_probs(step, state0, body, start=start))
            s = normalized(lp, L, length_alpha)
            if s > best_score:
                best, best_score = body, s
    return best, best_score


@dataclass
class ErrorAnalysis:
    """The course's error analysis of one example: who is at fault, the search or the model?

    verdict: "correct" (ŷ = y*), "search" (the model prefers y*, P(y*|x) > P(ŷ|x): the beam missed it;
    a wider beam may help), "model" (the model itself prefers the wrong ŷ: better data, training or
    architecture are needed). Compared with the objective the search maximises: the length-normalised
    score (for equal lengths, the same as comparing P).
    """

    verdict: str
    log_p_hat: float
    log_p_star: float
    score_hat: float
    score_star: float
    details: dict = field(default_factory=dict)


def error_verdict(
    y_hat: Sequence[int], log_p_hat: float, y_star: Sequence[int], log_p_star: float, length_alpha: float
) -> ErrorAnalysis:
    """Compare P(y*|x) with P(ŷ|x) as the course teaches (normalised by length with the search's α)."""
    s_hat = normalized(log_p_hat, len(y_hat), length_alpha)
    s_star = normalized(log_p_star, len(y_star), length_alpha)
    if tuple(y_hat) == tuple(y_star):
        verdict = "correct"
    elif s_star > s_hat:
        verdict = "search"
    else:
        verdict = "model"
    return ErrorAnalysis(verdict, log_p_hat, log_p_star, s_hat, s_star)
