"""The trace of a recurrent network over one text: every number a page draws."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Trace:
    """What a cell computed at each step t = 1..T (all numpy arrays).

    Attributes:
        cell: "rnn", "gru" or "lstm".
        tokens: the T input characters x<t> (tokens[0] is the start-of-line marker ⏎;
            at every ⏎ the state restarts from a<0> = 0).
        ids: (T,) vocabulary indices, -1 where the character is unknown (fed as x<t> = 0).
        unknown: (T,) True where the model never saw the character.
        a: (T, n_a) hidden state a<t>.
        c: (T, n_a) memory cell c<t> (GRU: equal to a<t>; vanilla RNN: None).
        c_tilde: (T, n_a) candidate c~<t> (vanilla RNN: None).
        gates: {"gamma_u", "gamma_r", "gamma_f", "gamma_o"} present in the cell, each (T, n_a).
        pre: pre-activations ("z_a", "z_u", "z_f", "z_c", ...) each (T, n_a).
        y_hat: (T, V) next-character probabilities ŷ<t> = P(x<t+1> | x<1..t>).
        vocab: the V characters that y_hat ranks.
    """

    cell: str
    tokens: list[str]
    ids: np.ndarray
    unknown: np.ndarray
    a: np.ndarray
    c: np.ndarray | None
    c_tilde: np.ndarray | None
    gates: dict[str, np.ndarray]
    pre: dict[str, np.ndarray]
    y_hat: np.ndarray
    vocab: list[str]

    @property
    def T(self) -> int:
        """Number of time steps."""
        return len(self.tokens)

    @property
    def n_a(self) -> int:
        """Number of hidden units."""
        return self.a.shape[1]

    def top_k(self, t: int, k: int = 5) -> list[tuple[str, float]]:
        """The k most likely next characters after step t, with their probabilities."""
        p = self.y_hat[t]
        idx = np.argsort(-p)[:k]
        return [(self.vocab[i], float(p[i])) for i in idx]

    def nll(self) -> np.ndarray:
        """(T-1,) −log P(x<t+1> | x<1..t>) of each next known character (NaN where it is unknown)."""
        nxt = self.ids[1:]
        p = self.y_hat[np.arange(self.T - 1), np.clip(nxt, 0, None)]
        out = -np.log(np.maximum(p, 1e-12))
        out[nxt < 0] = np.nan
        return out
