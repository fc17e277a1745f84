"""Overwrite attention by hand: translate a date with α<t,·> of one output step replaced by a chosen vector.

Up to output step t the decoder runs as it always does; at step t its context<t> = Σ_t' α<t,t'> a<t'> is built
from the given weights instead of the softmax of its energies e<t,t'>; from there it decodes greedily again, each
later step with its own attention. Comparing the two runs shows what the weights of one step decide.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch

from seqviz.translation import beam as beam_mod
from seqviz.translation.models import Translation


class AttentionError(ValueError):
    """Weights or a step that cannot be used; `code` is short and stable for a page to translate.

    Codes: "no_attention" (the model has no α to overwrite), "step" (outside 0 .. Ty − 1), "length" (not one
    weight per input character), "not_finite" (NaN or infinite), "negative", "zero" (all weights 0).
    """

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def normalise(weights, n: int) -> np.ndarray:
    """Weights for n input characters, ≥ 0 and not all 0, divided by their sum so they add up to 1 as α does."""
    w = np.asarray(weights, dtype=np.float64).ravel()
    if w.shape != (n,):
        raise AttentionError("length", f"{w.size} weights for {n} characters")
    if not np.isfinite(w).all():
        raise AttentionError("not_finite")
    if (w < 0).any():
        raise AttentionError("negative", ", ".join(str(int(i)) for i in np.flatnonzero(w < 0)))
    total = w.sum()
    if total <= 0:
        raise AttentionError("zero")
    return w / total


def one_hot(n: int, position: int) -> np.ndarray:
    """All of the attention on input character `position` (0-based) of n."""
    if not (isinstance(position, numbers.Integral) and 0 <= position < n):
        raise AttentionError("length", f"position {position} of {n} characters")
    w = np.zeros(n)
    w[position] = 1.0
    return w


@torch.no_grad()
def translate_with_alpha(
    model, text: str, step: int | None = None, weights=None, length_alpha: float = 0.7
) -> Translation:
    """Translate `text` greedily with α<step,·> replaced by `weights` (renormalised to sum to 1).

    Args:
        model: a DateTranslator with attention.
        step: the output step t whose attention is replaced (0-based: 0 writes the first character); None, or
            weights None: no replacement, the model's own greedy translation.
        weights: (Tx,) one weight per input character the model reads (Translation.source).
    Returns:
        a Translation like DateTranslator.translate's (without its beam record), with the replaced row in
        `alpha` and log P(ŷ | x) of the changed decoder.
    Raises:
        AttentionError when the model has no attention or the step or weights do not fit.
    """
    if not getattr(model.config, "attention", False) or not hasattr(model, "decode_step"):
        raise AttentionError("no_attention")
    model.eval()
    tokens, ids, notes, info, mem = model._prepare(text)
    override = {}
    if step is not None and weights is not None:
        if not (isinstance(step, numbers.Integral) and 0 <= step < model.config.max_tgt):
            raise AttentionError("step", f"{step} (Ty ≤ {model.config.max_tgt})")
        Tx = mem.a.shape[1]  # len(tokens), or 1 for an empty input (one all-zero x<1>)
        row = normalise(weights, Tx)
        override[int(step)] = torch.tensor(row, dtype=mem.a.dtype, device=mem.a.device)[None]  # (1, Tx)
    state0 = (*model.start_state(mem), 0)  # the step counter tells step_fn where α is overridden
    out_ids, log_prob = beam_mod.greedy(  # as beam search with B = 1
        model.step_fn(mem, override), state0, start=0, eos=0, max_len=model.config.max_tgt
    )
    score = beam_mod.normalized(log_prob, len(out_ids), length_alpha)
    return model.result(mem, text, tokens, ids, notes, info, out_ids, log_prob, score, override=override)


MONTH_STEP = 5  # "YYYY-MM-DD": output step 5 (0-based) writes the month's first digit


def default_step(tr: Translation) -> int:
    """The output step whose attention the page moves first: the month's first digit, or step 0 in a short output."""
    return MONTH_STEP if len(tr.target) > MONTH_STEP else 0


def changing_position(model, text: str, step: int, tr: Translation | None = None) -> int | None:
    """The first input character (left to right) that changes the output when all of step `step`'s attention
    is moved onto it; None if none does."""
    tr = tr or translate_with_alpha(model, text)
    n = tr.alpha.shape[1]
    for pos in range(n):
        if translate_with_alpha(model, text, step, one_hot(n, pos)).output != tr.output:
            return pos
    return None
