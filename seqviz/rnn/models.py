"""Character-level language model with a vanilla RNN, GRU or LSTM cell, and its trace."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqviz.core.vocab import BOUNDARY, CharVocab
from seqviz.rnn.cells import GATES, Weights, unroll
from seqviz.rnn.trace import Trace

FUSED = {"rnn": nn.RNN, "gru": nn.GRU, "lstm": nn.LSTM}


@dataclass
class CharLMConfig:
    """Shape of a character language model."""

    cell: str = "lstm"  # "rnn", "gru" or "lstm"
    n_a: int = 64  # hidden units in a<t>
    chars: tuple = ()  # vocabulary, boundary "\n" first
    multiline: bool = False  # True: trained on items of several lines (source code), so a newline is a character
    # like any other and the state runs on across it; False: every line is its own sequence from a<0> = 0 (names)


class CharLM(nn.Module):
    """x<t> (one-hot character) -> cell -> a<t> -> ŷ<t> = softmax(W_ya a<t> + b_y)."""

    KIND = "char_lm"  # the checkpoint kind (see seqviz.core.checkpoint)

    def __init__(self, config: CharLMConfig):
        super().__init__()
        self.config = config
        self.vocab = CharVocab(list(config.chars))
        V = len(self.vocab)
        self.rnn = FUSED[config.cell](V, config.n_a, batch_first=True)  # fused kernel for training
        self.head = nn.Linear(config.n_a, V)  # W_ya, b_y

    @property
    def cell(self) -> str:
        return self.config.cell

    def one_hot(self, ids: torch.Tensor) -> torch.Tensor:
        """One-hot x<t> of shape (b, T, V); unknown characters (id -1) give x<t> = 0."""
        x = F.one_hot(ids.clamp(min=0), len(self.vocab)).float()
        return x * (ids >= 0).unsqueeze(-1).float()

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        """Logits of the next character. ids (b, T) -> (b, T, V)."""
        a, _ = self.rnn(self.one_hot(ids))  # (b, T, n_a)
        return self.head(a)  # (b, T, V)

    def encode(self, text: str) -> tuple[list[str], np.ndarray]:
        """Tokens of `text` with the start-of-line marker in front, and their ids."""
        tokens = [BOUNDARY] + list(text)
        return tokens, np.concatenate([[0], self.vocab.encode(text)]).astype(np.int64)

    @torch.no_grad()
    def trace(self, text: str, edit=None) -> Trace:
        """Unroll the cell's equations over `text` and return every step's numbers.

        The first token is the start-of-line marker, so ŷ<1> is the model's guess
        for the first character. Each later ⏎ starts a new line from a<0> = c<0> = 0,
        exactly as every line started in training (a multiline model, of source code, runs on across them).
        Computed on the CPU in float32. `edit` changes gates and states on the way (seqviz.rnn.intervene).
        """
        tokens, ids = self.encode(text)
        w = Weights.of(self.rnn)
        w = Weights(*(p.detach().float().cpu() for p in (w.W_x, w.W_a, w.b_x, w.b_a)))
        xs = self.one_hot(torch.from_numpy(ids)[None]).cpu()  # (1, T, V)
        reset = torch.from_numpy((ids == 0) & (not self.config.multiline))[None]  # (1, T) a new line starts
        out = unroll(self.cell, xs, w, reset, edit)
        a = out["a"]  # (1, T, n_a)
        W_ya, b_y = self.head.weight.detach().float().cpu(), self.head.bias.detach().float().cpu()
        y_hat = torch.softmax(a @ W_ya.T + b_y, dim=-1)  # (1, T, V)
        np_ = {k: v[0].numpy() for k, v in out.items()}
        c = np_.get("c")
        return Trace(
            cell=self.cell,
            tokens=tokens,
            ids=ids,
            unknown=ids < 0,
            a=np_["a"],
            c=c,
            c_tilde=np_.get("c_tilde"),
            gates={g: np_[g] for g in GATES[self.cell]},
            pre={k: v for k, v in np_.items() if k.startswith("z_")},
            y_hat=y_hat[0].numpy(),
            vocab=list(self.vocab.chars),
        )

    def config_dict(self) -> dict:
        """JSON-ready description of the model's shape."""
        d = asdict(self.config)
        d["chars"] = list(d["chars"])
        if not d["multiline"]:
            del d["multiline"]  # the line models' configs read as they always have
        return d
