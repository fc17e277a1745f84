"""A causal character Transformer: the decoder half of the course's Transformer, as a language model on the same
names as the RNN / GRU / LSTM character models, so that their held-out perplexities stand side by side.

    X = E x<0..t> · √d_model + PE
    X = LayerNorm(X + MultiHead(X, X, X, look-ahead mask))   each position sees itself and the characters before it
    X = LayerNorm(X + FFN(X))                                  (n_layers times)
    ŷ<t+1> = softmax(W_y X<t> + b_y)                            P(next character | the ones before)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn

from seqviz.core.vocab import CharVocab
from seqviz.transformer.layers import EncoderLayer, causal_mask, positional_encoding


@dataclass
class CharTransformerConfig:
    """Shape of a character Transformer."""

    d_model: int = 64  # size of every position's vector
    h: int = 4  # attention heads
    n_layers: int = 2  # layers of masked self-attention + feed-forward
    d_ff: int = 128  # hidden units of each position's feed-forward network
    chars: tuple = ()  # the vocabulary, ⏎ (the line boundary) first
    max_len: int = 256  # longest sequence it reads, ⏎s included (positions beyond have no encoding)


class CharTransformer(nn.Module):
    """E and PE -> n_layers of masked self-attention -> softmax over the next character."""

    KIND = "char_transformer"  # the checkpoint kind (see seqviz.core.checkpoint)

    def __init__(self, config: CharTransformerConfig):
        super().__init__()
        self.config = config
        self.vocab = CharVocab(list(config.chars))
        d = config.d_model
        if d % config.h:
            raise ValueError(f"d_model = {d} is not a multiple of h = {config.h}")
        self.E = nn.Embedding(len(self.vocab), d)
        self.register_buffer("PE", positional_encoding(config.max_len, d), persistent=False)  # (max_len, d)
        self.layers = nn.ModuleList(EncoderLayer(d, config.h, config.d_ff) for _ in range(config.n_layers))
        self.W_y = nn.Linear(d, len(self.vocab))
        # e ~ N(0, 1/d_model): e · √d_model then has the size of PE (torch's N(0, 1) would drown the positions)
        nn.init.normal_(self.E.weight, std=d**-0.5)

    def config_dict(self) -> dict:
        d = asdict(self.config)
        d["chars"] = list(d["chars"])
        return d

    def forward(self, x: torch.Tensor, weights: list | None = None) -> torch.Tensor:
        """x (b, T) ids (x<0> = ⏎) -> logits (b, T, V) of the next character; `weights` collects each layer's
        attention (b, h, T, T) when given."""
        T = x.shape[1]
        if T > self.config.max_len:  # no positional encoding beyond: say so rather than cut (targets would not match)
            raise ValueError(f"{T} positions, but this model reads at most max_len = {self.config.max_len}")
        a = self.E(x) * math.sqrt(self.config.d_model) + self.PE[:T]  # (b, T, d)
        mask = causal_mask(T, x.device)  # (T, T): no position sees a later one
        for layer in self.layers:
            a, w = layer(a, attn_mask=mask)
            if weights is not None:
                weights.append(w)
        return self.W_y(a)

    @torch.no_grad()
    def log_likelihood(self, line: str) -> tuple[float, int]:
        """(log P of the line and its closing ⏎, characters scored); unknown characters read as ⏎ and are not
        scored."""
        ids = np.concatenate([[0], self.vocab.encode(line[: self.config.max_len - 1]), [0]])
        x = torch.from_numpy(np.where(ids[:-1] < 0, 0, ids[:-1]))[None]  # (1, T)
        logp = torch.log_softmax(self(x)[0], -1)  # (T, V)
        y = ids[1:]
        known = y >= 0
        return float(logp[np.arange(len(y))[known], y[known]].sum()), int(known.sum())
