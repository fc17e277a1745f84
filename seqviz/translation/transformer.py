"""The date translator as a Transformer (the course's week 4), trained on the same dates as the RNNs with attention.

Encoder (N layers), over the input characters x<1..Tx>:
    X = E_x x · √d_model + PE                                   embeddings plus sine/cosine positions
    X = LayerNorm(X + MultiHead(X W_Q, X W_K, X W_V))           self-attention: every character looks at every other
    X = LayerNorm(X + W_2 relu(W_1 X + b_1) + b_2)              a feed-forward network at each position
Decoder (N layers), over the outputs so far y<0..t-1> (y<0> = ⏎, the start):
    Y = LayerNorm(Y + MultiHead(Y, Y, Y, look-ahead mask))       masked self-attention: y<t> sees y<0..t-1> only
    Y = LayerNorm(Y + MultiHead(Y W_Q, X W_K, X W_V))            cross-attention: queries from the decoder, keys and
                                                                 values from the encoder (the RNN's α<t,t'>)
    Y = LayerNorm(Y + FFN(Y));   ŷ<t> = softmax(W_y Y<t> + b_y)
Beam search, the error analysis and the held-out metrics are the RNN translators' own (`Translator`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from seqviz.transformer.layers import DecoderLayer, EncoderLayer, causal_mask, positional_encoding
from seqviz.translation.dates import MAX_SOURCE
from seqviz.translation.models import TGT_CHARS, Translator


@dataclass
class TransformerConfig:
    """Shape of a Transformer date translator."""

    d_model: int = 64  # size of every position's vector (embeddings, attention outputs)
    h: int = 4  # attention heads; each works in d_k = d_model / h dimensions
    n_layers: int = 2  # encoder layers, and as many decoder layers
    d_ff: int = 128  # hidden units of each position's feed-forward network
    src_chars: tuple = ()  # the input characters x<t'> it knows
    tgt_chars: tuple = TGT_CHARS  # the output characters, ⏎ first (also y<0>, the start)
    max_src: int = MAX_SOURCE  # Tx: input characters read (longer input is cut)
    max_tgt: int = 12  # Ty limit of the search


@dataclass
class TMemory:
    """What the encoder hands the decoder (first dimension: 1 or the batch)."""

    x: torch.Tensor  # (b, Tx, d_model) the encoder's output at every input position
    pad: torch.Tensor  # (b, Tx) True at padding (keys the decoder may not attend to)
    weights: list  # per encoder layer: self-attention weights (b, h, Tx, Tx)


class DateTransformer(Translator):
    """Encoder-decoder Transformer over characters; `translate(text, beam_width)` as the RNN translators."""

    KIND = "nmt_transformer"  # the checkpoint kind (see seqviz.core.checkpoint)
    attention = True  # the pages' word for a translator that attends to its input

    def __init__(self, config: TransformerConfig):
        super().__init__(config)
        d, Vx, Vy = config.d_model, len(self.src_vocab), len(self.tgt_vocab)
        if d % config.h:
            raise ValueError(f"d_model = {d} is not a multiple of h = {config.h}")
        self.E_x = nn.Embedding(Vx + 1, d, padding_idx=0)  # input characters (id + 1; 0: padding or unknown)
        self.E_y = nn.Embedding(Vy, d)  # output characters, ⏎ (id 0) doubling as the start y<0>
        n = max(config.max_src, config.max_tgt) + 1
        self.register_buffer("PE", positional_encoding(n, d), persistent=False)  # (n, d), not learnt
        self.encoder = nn.ModuleList(EncoderLayer(d, config.h, config.d_ff) for _ in range(config.n_layers))
        self.decoder = nn.ModuleList(DecoderLayer(d, config.h, config.d_ff) for _ in range(config.n_layers))
        self.W_y = nn.Linear(d, Vy)  # ŷ<t> = softmax(W_y y<t> + b_y)
        for E in (self.E_x, self.E_y):  # e ~ N(0, 1/d_model), so that e · √d_model is as large as PE (about 1):
            nn.init.normal_(E.weight, std=d**-0.5)  # torch's N(0, 1) times √d would drown the positions
        with torch.no_grad():
            self.E_x.weight[0].zero_()  # padding and unknown characters read a zero vector

    # ---- the network -------------------------------------------------------------------------
    def encode(self, ids: torch.Tensor, lengths: torch.Tensor) -> TMemory:
        """(b, Tx) ids (-1: unknown or padding) and (b,) lengths -> the encoder's output, padding mask and weights."""
        Tx = ids.shape[1]
        pad = torch.arange(Tx, device=ids.device)[None] >= lengths.to(ids.device).clamp(min=1)[:, None]  # (b, Tx)
        x = self.E_x(ids + 1) * math.sqrt(self.config.d_model) + self.PE[:Tx]  # (b, Tx, d)
        weights = []
        for layer in self.encoder:
            x, w = layer(x, key_padding_mask=pad)  # w: (b, h, Tx, Tx)
            weights.append(w)
        return TMemory(x, pad, weights)

    def decode(self, mem: TMemory, y_in: torch.Tensor) -> tuple[torch.Tensor, list, list]:
        """y_in (n, t) = y<0..t-1> -> logits (n, t, Vy), and per decoder layer the masked self-attention (n, h, t, t)
        and cross-attention (n, h, t, Tx) weights. `mem` may have batch 1 (one input, many beam hypotheses)."""
        n, t = y_in.shape
        x, pad = mem.x, mem.pad
        if x.shape[0] != n:
            x, pad = x.expand(n, -1, -1), pad.expand(n, -1)
        y = self.E_y(y_in) * math.sqrt(self.config.d_model) + self.PE[:t]  # (n, t, d)
        mask = causal_mask(t, y.device)  # (t, t) True above the diagonal: no peeking at later outputs
        selfs, crosses = [], []
        for layer in self.decoder:
            y, w_self, w_cross = layer(y, x, tgt_mask=mask, memory_padding_mask=pad)
            selfs.append(w_self)
            crosses.append(w_cross)
        return self.W_y(y), selfs, crosses

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, y_in: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: ids (b, Tx), lengths (b,), y_in (b, Ty) = ⏎ then y<1..Ty-1> -> logits (b, Ty, Vy)."""
        return self.decode(self.encode(ids, lengths), y_in)[0]

    # ---- translation ---------------------------------------------------------------------------
    def start_state(self, mem: TMemory) -> tuple[torch.Tensor]:
        """The decoder's state is the outputs so far: none yet, (b, 0)."""
        return (torch.zeros(mem.x.shape[0], 0, dtype=torch.long, device=mem.x.device),)

    def step_fn(self, mem: TMemory):
        """The (state, prev) -> (log-probabilities, state) function beam search calls: the decoder reads y<0..t-1>
        again (Ty <= 12 characters: cheaper than caching keys and values) and gives ŷ<t>."""

        def step(state, prev):
            y_in = torch.cat([state[0], prev.to(state[0].device)[:, None]], dim=1)  # (n, t)
            logits = self.decode(mem, y_in)[0][:, -1]  # (n, Vy) the newest position
            return torch.log_softmax(logits, dim=-1), (y_in,)

        return step

    @torch.no_grad()
    def _follow(self, mem: TMemory, out_ids) -> dict:
        """The decoder once along `out_ids` (teacher forcing): ŷ<t>, every layer's and head's weights; `alpha` is the
        last layer's cross-attention averaged over its heads (rows sum to 1), to set beside the RNN's α<t,t'>."""
        y_in = torch.tensor([[0, *list(out_ids)[:-1]]], device=mem.x.device)  # (1, Ty)
        logits, selfs, crosses = self.decode(mem, y_in)
        logp = torch.log_softmax(logits[0], -1)  # (Ty, Vy)
        tok = torch.tensor(list(out_ids), device=logp.device)
        cross = torch.stack([w[0] for w in crosses]).float().cpu().numpy()  # (L, h, Ty, Tx)
        return {
            "alpha": cross[-1].mean(0),
            "energies": None,
            "context": None,
            "s": None,
            "probs": logp.exp().float().cpu().numpy(),
            "token_log_probs": logp[torch.arange(len(tok)), tok].float().cpu().numpy(),
            "attentions": {
                "encoder": torch.stack([w[0] for w in mem.weights]).float().cpu().numpy(),  # (L, h, Tx, Tx)
                "decoder": torch.stack([w[0] for w in selfs]).float().cpu().numpy(),  # (L, h, Ty, Ty)
                "cross": cross,
            },
        }

    @torch.no_grad()
    def query_step(self, text: str, output: str, layer: int, head: int, t: int, which: str = "cross") -> dict:
        """One query of one head by the numbers: decoder layer `layer`'s attention at output step t (0-based) while
        the decoder writes `output` for `text`.

        Args:
            which: "cross" (the query y<t> looks at the input characters) or "self" (the masked self-attention: it
                looks at y<0..t>, the later outputs blocked).
        Returns:
            {"keys": the characters looked at, "query": the character at step t (its input y<t-1>), "q" (d_k,),
             "K" (Tk, d_k), "V" (Tk, d_k), and seqviz.transformer.layers.attention_step's "scores", "weights" and
             "output" (d_k,): the same numbers the layer computes, recomputed here one at a time}
        """
        from seqviz.transformer.layers import attention_step

        tokens, ids, *_ = self.read_source(text)
        tgt = [self.tgt_vocab.index[ch] for ch in output if ch in self.tgt_vocab.index and ch != "\n"]
        tgt = tgt[: self.config.max_tgt] + ([0] if len(tgt) < self.config.max_tgt else [])  # ⏎ unless cut at Ty
        mem = self.encode(torch.as_tensor(ids if len(ids) else [-1])[None], torch.tensor([max(len(ids), 1)]))
        y_in = torch.tensor([[0, *tgt[:-1]]])  # (1, Ty): ⏎ then the output so far
        Ty = y_in.shape[1]
        if not 0 <= t < Ty or not 0 <= head < self.config.h:
            raise ValueError(f"step t = {t} of {Ty} outputs, head {head} of {self.config.h}")
        y = self.E_y(y_in) * math.sqrt(self.config.d_model) + self.PE[:Ty]  # (1, Ty, d)
        mask = causal_mask(Ty)
        for i, dec in enumerate(self.decoder):
            if i == layer:
                if which == "self":
                    Q, K, V = dec.self_attn.heads(y, y)  # (1, h, Ty, d_k) each
                    blocked, keys = mask[t], ["⏎", *[self.tgt_vocab.chars[j] for j in tgt[:-1]]]
                else:
                    a, _ = dec.self_attn(y, y, attn_mask=mask)
                    Q, K, V = dec.cross_attn.heads(dec.norm1(y + a), mem.x)  # the query after Add & Norm
                    blocked, keys = mem.pad[0], tokens or ["∅"]
                step = attention_step(Q[0, head, t], K[0, head], V[0, head], blocked)
                query = "⏎" if t == 0 else self.tgt_vocab.chars[tgt[t - 1]]
                return {"keys": keys, "query": query, "q": Q[0, head, t].numpy(), "K": K[0, head].numpy(),
                        "V": V[0, head].numpy(), **step}  # fmt: skip
            y, _, _ = dec(y, mem.x, tgt_mask=mask, memory_padding_mask=mem.pad)
        raise ValueError(f"layer {layer} of {len(self.decoder)}")

    def embed_source(self, text: str) -> dict:
        """What the encoder's first layer reads for `text`: the characters, E_x x · √d_model, PE and their sum."""
        tokens, ids, *_ = self.read_source(text)
        ids_t = torch.as_tensor(ids if len(ids) else [-1])[None]
        with torch.no_grad():
            e = self.E_x(ids_t + 1)[0] * math.sqrt(self.config.d_model)
        pe = self.PE[: e.shape[0]]
        return {"tokens": tokens, "embedding": e.numpy(), "pe": pe.numpy(), "x": (e + pe).numpy()}
