"""Interventions inside a recurrent cell: clamp a gate, or set a unit of a<t> / c<t>, and rerun the text.

A gate clamp holds Γu, Γr, Γf or Γo at a chosen value in [0, 1] (in every unit or in one) at every step from t
on, before the cell uses it: with Γf = 1 and Γu = 0 an LSTM neither forgets nor writes, so c<t> stays what it
was; with Γu = 0 a GRU carries a<t> = c<t> forward unchanged. A unit override sets one unit of a<t> (or of the
LSTM's c<t>) after step t: once (the next steps evolve from the new value) or held at every step from t on (the
unit is cut out, an ablation). `run` returns the same Trace a normal run does, so every figure of the cell page
draws it, plus the probability of each actual next character and the text's perplexity.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np
import torch

from seqviz.core.vocab import BOUNDARY
from seqviz.rnn.cells import GATES
from seqviz.rnn.trace import Trace

FIELDS = {"rnn": ("a",), "gru": ("a",), "lstm": ("a", "c")}  # what a unit override may set (GRU: c<t> = a<t>)


class InterventionError(ValueError):
    """An intervention that does not fit the model or the text; `code` is short and stable for a page to translate.

    Codes: "gate" (the cell has no such gate), "gate_value" (outside [0, 1]), "field" (no such state in the
    cell), "value" (not a finite number), "unit" (outside 0 .. n_a − 1), "step" (outside 0 .. T − 1).
    """

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass(frozen=True)
class GateClamp:
    """Hold one gate at `value` at every step from `start` on, before the cell uses it."""

    gate: str  # "gamma_u", "gamma_r" (GRU), "gamma_f" or "gamma_o" (LSTM)
    value: float  # in [0, 1]: 0 shuts the gate, 1 opens it fully
    unit: int | None = None  # the one unit clamped; None: every unit
    start: int = 0  # first step t it applies to (0 reads the start marker ⏎)


@dataclass(frozen=True)
class UnitSet:
    """Set one unit of a<t> (or of the LSTM's c<t>) to `value` after step `start`."""

    unit: int  # which hidden unit
    value: float = 0.0  # the value it gets (0: switched off)
    field: str = "a"  # "a", or "c" for the LSTM's memory cell (then a<t> = Γo * tanh(c<t>) follows it)
    start: int = 0  # the step t it is set at
    hold: bool = False  # False: set once at t, later steps evolve from it; True: set again at every step from t on


@dataclass(frozen=True)
class Intervention:
    """Gate clamps and unit overrides applied together; empty, it is the network as it is.

    `unroll` calls `gate` inside every step and `state` after it (see seqviz.rnn.cells.unroll)."""

    clamps: tuple[GateClamp, ...] = ()
    sets: tuple[UnitSet, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.clamps and not self.sets

    def check(self, cell: str, n_a: int, T: int) -> None:
        """Raise InterventionError when a clamp or override does not fit a `cell` of n_a units over T steps."""
        for c in self.clamps:
            if c.gate not in GATES[cell]:
                raise InterventionError("gate", c.gate)
            if not (isinstance(c.value, numbers.Real) and 0 <= c.value <= 1):  # NaN fails both comparisons
                raise InterventionError("gate_value", str(c.value))
            _check_place(c.unit, c.start, n_a, T)
        for s in self.sets:
            if s.field not in FIELDS[cell]:
                raise InterventionError("field", s.field)
            if not (isinstance(s.value, numbers.Real) and math.isfinite(s.value)):
                raise InterventionError("value", str(s.value))
            _check_place(s.unit, s.start, n_a, T)

    def gate(self, t: int, name: str, value: torch.Tensor) -> torch.Tensor:
        """The gate `name` (b, n_a) the cell uses at step t: its own value, or the clamped one."""
        for c in self.clamps:
            if c.gate == name and t >= c.start:
                value = value.clone()
                if c.unit is None:
                    value[:] = c.value
                else:
                    value[:, c.unit] = c.value
        return value

    def state(self, t: int, out: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
        """The step's outputs with a<t> / c<t> overwritten where a unit override applies at step t."""
        todo = [s for s in self.sets if t == s.start or (s.hold and t > s.start)]
        if not todo:
            return out
        out = dict(out)
        a = out["a"].clone()
        c = out["c"].clone() if "c" in out else None
        for s in todo:
            if s.field == "c":  # the LSTM's memory: a<t> = Γo * tanh(c<t>) follows it
                c[:, s.unit] = s.value
                a[:, s.unit] = out["gamma_o"][:, s.unit] * math.tanh(s.value)
            else:
                a[:, s.unit] = s.value
                if "gamma_o" not in out and c is not None:  # GRU: c<t> is a<t>
                    c[:, s.unit] = s.value
        out["a"] = a
        if c is not None:
            out["c"] = c
        return out


def _check_place(unit: int | None, start: int, n_a: int, T: int) -> None:
    if unit is not None and not (isinstance(unit, numbers.Integral) and 0 <= unit < n_a):
        raise InterventionError("unit", f"{unit} (n_a = {n_a})")
    if not (isinstance(start, numbers.Integral) and 0 <= start < T):
        raise InterventionError("step", f"{start} (T = {T})")


@dataclass
class Run:
    """One run of a character model over a text, with or without an intervention.

    Attributes:
        trace: the cell's numbers at every step, as CharLM.trace gives them.
        p_next: (T,) P(the actual next character | x<1..t>) at each step: ŷ<t> of x<t+1>, and at the last step of
            ⏎ (the end of the text); NaN where that character is unknown to the model or there is none.
        perplexity: exp(mean −log P) over those next characters: the text's perplexity, scored as
            seqviz.rnn.lm.score scores it.
        intervention: what was changed (empty for the normal run).
    """

    trace: Trace
    p_next: np.ndarray
    perplexity: float
    intervention: Intervention


@torch.no_grad()
def run(model, text: str, intervention: Intervention | None = None) -> Run:
    """Run a CharLM over `text` with `intervention` (None or empty: the network as it is).

    CharLM.trace (CPU, float32, each ⏎ of a line model restarts from a<0> = 0) with the intervention passed into
    every step. Raises InterventionError when it does not fit the model or the text.
    """
    intervention = intervention or Intervention()
    tokens, ids = model.encode(text)
    intervention.check(model.cell, model.config.n_a, len(tokens))
    trace = model.trace(text, None if intervention.empty else intervention)
    W_ya, b_y = model.head.weight.detach().float().cpu(), model.head.bias.detach().float().cpu()
    logits = torch.from_numpy(trace.a) @ W_ya.T + b_y  # (T, V), as trace's ŷ<t>
    log_p = torch.log_softmax(logits, dim=-1).numpy()  # (T, V), exact where ŷ underflows to 0
    nxt = next_ids(ids, text)
    T = len(ids)
    lp = np.full(T, np.nan)
    known = nxt >= 0
    lp[known] = log_p[np.arange(T)[known], nxt[known]]
    ppl = float(np.exp(-np.mean(lp[known]))) if known.any() else float("nan")
    return Run(trace, np.exp(lp), ppl, intervention)


def next_ids(ids: np.ndarray, text: str) -> np.ndarray:
    """(T,) the id each step's ŷ<t> is scored against: x<t+1>, then ⏎ for the end of the text (none after a text
    that already ends with ⏎); −1 where unknown, −2 where there is nothing to score."""
    end = -2 if text.endswith(BOUNDARY) else 0
    return np.concatenate([ids[1:], [end]]).astype(np.int64)
