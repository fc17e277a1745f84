"""The building blocks of the course's Transformer, one commented line per equation: positional encoding, masks,
multi-head attention, one query's attention by the numbers, and the post-norm encoder and decoder layers.

Shapes: b batch, Tq / Tk query / key positions (Tx source, Ty target), d = d_model, h heads of d_k = d / h.
Masks are bool, True = blocked (the key may not be attended to), as in torch. No dropout anywhere.

Fully blocked rows: a blocked key gets the score -inf, so exp gives it weight exactly 0. A query row whose every key
is blocked (a padded query under left padding, say) has nothing to attend to: it gets weights 0 and context 0, so its
output is finite (just W_O's bias), never NaN, in the forward pass and in the gradients. torch's modules give NaN in
such a row; every row with at least one open key is the same as theirs.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor, nn


def positional_encoding(T: int, d_model: int) -> Tensor:
    """(T, d_model): PE[pos, 2i] = sin(pos / 10000^(2i/d_model)), PE[pos, 2i+1] = cos(pos / 10000^(2i/d_model))"""
    pos = torch.arange(T, dtype=torch.float64)[:, None]  # (T, 1) positions 0 .. T-1
    two_i = torch.arange(0, d_model, 2, dtype=torch.float64)  # (⌈d/2⌉,) the even columns 2i
    angle = pos / 10000 ** (two_i / d_model)  # (T, ⌈d/2⌉) pos / 10000^(2i/d_model), in float64 for large pos
    pe = torch.zeros(T, d_model, dtype=torch.float64)  # (T, d)
    pe[:, 0::2] = torch.sin(angle)  # even columns: sin
    pe[:, 1::2] = torch.cos(angle[:, : d_model // 2])  # odd columns: cos of the same angle (one fewer if d is odd)
    return pe.float()


def causal_mask(T: int, device=None) -> Tensor:
    """(T, T) bool, True where position i may NOT attend to j (j > i): the decoder's look-ahead mask"""
    return torch.ones(T, T, dtype=torch.bool, device=device).triu(diagonal=1)  # strictly above the diagonal: future


def _blocked(key_padding_mask: Tensor | None, attn_mask: Tensor | None) -> Tensor | None:
    """Both masks as one bool mask that broadcasts over (b, h, Tq, Tk), or None when there is neither."""
    blocked = None
    for m, shape in ((key_padding_mask, "key_padding_mask (b, Tk)"), (attn_mask, "attn_mask (Tq, Tk)")):
        if m is not None and m.dtype != torch.bool:
            raise TypeError(f"{shape} must be bool with True = blocked, got {m.dtype}")
    if key_padding_mask is not None:
        blocked = key_padding_mask[:, None, None, :]  # (b, 1, 1, Tk) padded keys, for every head and query
    if attn_mask is not None:
        m = attn_mask[None, None]  # (1, 1, Tq, Tk) e.g. the look-ahead mask
        blocked = m if blocked is None else blocked | m  # (b, 1, Tq, Tk)
    return blocked


def _masked_softmax(scores: Tensor, blocked: Tensor | None) -> Tensor:
    """softmax over the keys (last axis) with blocked keys at weight 0; a fully blocked row gets all zeros."""
    if blocked is None:
        return torch.softmax(scores, dim=-1)  # α = softmax(scores) over the keys
    scores = scores.masked_fill(blocked, -math.inf)  # a blocked key scores -inf: exp(-inf) = 0
    empty = blocked.all(dim=-1, keepdim=True)  # a query with no open key at all
    alpha = torch.softmax(scores.masked_fill(empty, 0.0), dim=-1)  # its row set to 0 first, so no NaN is ever made
    return alpha.masked_fill(empty, 0.0)  # ... and it attends to nothing: weights 0, context 0


class MultiHeadAttention(nn.Module):
    """Multi-head attention: h heads of scaled dot-product attention, concatenated, then W_O."""

    def __init__(self, d_model: int, h: int):
        super().__init__()
        if d_model % h:
            raise ValueError(f"d_model = {d_model} is not divisible by h = {h} heads")
        self.d_model, self.h, self.d_k = d_model, h, d_model // h  # each head works in d_k = d_model / h dims
        self.W_Q = nn.Linear(d_model, d_model)  # queries of all h heads side by side: head i = columns i d_k ..
        self.W_K = nn.Linear(d_model, d_model)  # keys
        self.W_V = nn.Linear(d_model, d_model)  # values
        self.W_O = nn.Linear(d_model, d_model)  # mixes the concatenated heads back into d_model

    def heads(self, x_q: Tensor, x_kv: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Q = x_q W_Q, K = x_kv W_K, V = x_kv W_V split into h heads: (b, h, Tq, d_k), (b, h, Tk, d_k) twice."""
        b, T_q, T_k = x_q.shape[0], x_q.shape[1], x_kv.shape[1]
        Q = self.W_Q(x_q).view(b, T_q, self.h, self.d_k).transpose(1, 2)  # (b, h, Tq, d_k) q<i> per head
        K = self.W_K(x_kv).view(b, T_k, self.h, self.d_k).transpose(1, 2)  # (b, h, Tk, d_k) k<j> per head
        V = self.W_V(x_kv).view(b, T_k, self.h, self.d_k).transpose(1, 2)  # (b, h, Tk, d_k) v<j> per head
        return Q, K, V

    def forward(
        self, x_q: Tensor, x_kv: Tensor, key_padding_mask: Tensor | None = None, attn_mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """x_q (b, Tq, d), x_kv (b, Tk, d); key_padding_mask (b, Tk) True at padding; attn_mask (Tq, Tk) True = blocked.

        Returns (out (b, Tq, d), weights (b, h, Tq, Tk)): Attention(Q, K, V) = softmax(Q Kᵀ / √d_k) V per head,
        heads concatenated, then W_O.
        """
        b, T_q = x_q.shape[0], x_q.shape[1]
        Q, K, V = self.heads(x_q, x_kv)  # (b, h, Tq, d_k), (b, h, Tk, d_k), (b, h, Tk, d_k)
        scores = Q @ K.transpose(-2, -1) / math.sqrt(self.d_k)  # (b, h, Tq, Tk) q<i>·k<j> / √d_k
        alpha = _masked_softmax(scores, _blocked(key_padding_mask, attn_mask))  # (b, h, Tq, Tk) softmax over keys j
        A = alpha @ V  # (b, h, Tq, d_k) A(q<i>, K, V) = Σ_j α<i,j> v<j>, each head
        concat = A.transpose(1, 2).reshape(b, T_q, self.d_model)  # (b, Tq, d) concat(head_1, ..., head_h)
        out = self.W_O(concat)  # (b, Tq, d) MultiHead(Q, K, V) = concat(heads) W_O
        return out, alpha


def _numpy(a) -> np.ndarray:
    """A tensor or array-like as a float64 numpy array."""
    if isinstance(a, Tensor):
        a = a.detach().cpu().numpy()
    return np.asarray(a, dtype=np.float64)


def attention_step(q, K, V, mask=None) -> dict:
    """One query by the numbers: q (d_k,), K (Tk, d_k), V (Tk, d_v) as numpy or tensors; mask (Tk,) True = blocked.

    Returns float64 numpy arrays {"scores": q·k<j> / √d_k (Tk,) (-inf where blocked), "weights": softmax (Tk,),
    "output": Σ_j w_j v<j> (d_v,)}. With every key blocked the weights and the output are all 0.
    """
    q, K, V = _numpy(q), _numpy(K), _numpy(V)  # (d_k,), (Tk, d_k), (Tk, d_v)
    scores = K @ q / math.sqrt(q.shape[0])  # (Tk,) q·k<j> / √d_k
    if mask is not None:
        scores = np.where(_numpy(mask).astype(bool), -np.inf, scores)  # (Tk,) blocked keys: -inf
    if np.isneginf(scores).all():
        weights = np.zeros_like(scores)  # (Tk,) nothing to attend to
    else:
        z = np.exp(scores - scores.max())  # (Tk,) exp(score), shifted by the largest for stability; 0 where blocked
        weights = z / z.sum()  # (Tk,) softmax: w_j = exp(s_j) / Σ_j' exp(s_j')
    output = weights @ V  # (d_v,) Σ_j w_j v<j>
    return {"scores": scores, "weights": weights, "output": output}


class EncoderLayer(nn.Module):
    """One encoder block (post-norm): self-attention, Add & Norm, position-wise feed-forward, Add & Norm."""

    def __init__(self, d_model: int, h: int, d_ff: int):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, h)  # Q, K and V all from the same sentence
        self.norm1 = nn.LayerNorm(d_model)  # Add & Norm after the attention
        self.ff1 = nn.Linear(d_model, d_ff)  # W_1, b_1
        self.ff2 = nn.Linear(d_ff, d_model)  # W_2, b_2
        self.norm2 = nn.LayerNorm(d_model)  # Add & Norm after the feed-forward

    def forward(
        self, x: Tensor, key_padding_mask: Tensor | None = None, attn_mask: Tensor | None = None
    ) -> tuple[Tensor, Tensor]:
        """x = LN(x + MHA(x, x)); x = LN(x + W_2 relu(W_1 x + b_1) + b_2). Returns (x, self weights (b, h, T, T)).

        x (b, T, d); key_padding_mask (b, T) True at padding; attn_mask (T, T) True = blocked, none by default
        (causal_mask(T) turns the block into a masked, decoder-only one, as in a character language model).
        """
        a, alpha = self.self_attn(x, x, key_padding_mask, attn_mask)  # (b, T, d), (b, h, T, T)
        x = self.norm1(x + a)  # (b, T, d) Add & Norm: LN(x + MHA(x, x))
        f = self.ff2(torch.relu(self.ff1(x)))  # (b, T, d) FFN(x) = W_2 relu(W_1 x + b_1) + b_2, each position alone
        x = self.norm2(x + f)  # (b, T, d) Add & Norm: LN(x + FFN(x))
        return x, alpha


class DecoderLayer(nn.Module):
    """One decoder block (post-norm): masked self-attention, cross-attention to the encoder, feed-forward; each
    followed by Add & Norm."""

    def __init__(self, d_model: int, h: int, d_ff: int):
        super().__init__()
        self.self_attn = MultiHeadAttention(d_model, h)  # masked: a target word sees only the words before it
        self.norm1 = nn.LayerNorm(d_model)
        self.cross_attn = MultiHeadAttention(d_model, h)  # queries from the decoder, keys and values from the encoder
        self.norm2 = nn.LayerNorm(d_model)
        self.ff1 = nn.Linear(d_model, d_ff)  # W_1, b_1
        self.ff2 = nn.Linear(d_ff, d_model)  # W_2, b_2
        self.norm3 = nn.LayerNorm(d_model)

    def forward(
        self,
        y: Tensor,
        memory: Tensor,
        tgt_mask: Tensor | None = None,
        memory_padding_mask: Tensor | None = None,
        tgt_padding_mask: Tensor | None = None,
    ) -> tuple[Tensor, Tensor, Tensor]:
        """y = LN(y + MaskedMHA(y, y)); y = LN(y + MHA(y, memory)); y = LN(y + FFN(y)).

        y (b, Ty, d), memory (b, Tx, d) the encoder's output; tgt_mask (Ty, Ty) True = blocked, None = causal_mask(Ty)
        (pass an all-False mask for none); memory_padding_mask (b, Tx) and tgt_padding_mask (b, Ty) True at padding.
        Returns (y (b, Ty, d), self weights (b, h, Ty, Ty), cross weights (b, h, Ty, Tx)).
        """
        if tgt_mask is None:
            tgt_mask = causal_mask(y.shape[1], device=y.device)  # (Ty, Ty) the look-ahead mask
        a, alpha_self = self.self_attn(y, y, key_padding_mask=tgt_padding_mask, attn_mask=tgt_mask)  # (b, Ty, d)
        y = self.norm1(y + a)  # (b, Ty, d) Add & Norm: LN(y + MaskedMHA(y, y))
        c, alpha_cross = self.cross_attn(y, memory, key_padding_mask=memory_padding_mask)  # (b, Ty, d) Q: y, K, V: x
        y = self.norm2(y + c)  # (b, Ty, d) Add & Norm: LN(y + MHA(y, memory))
        f = self.ff2(torch.relu(self.ff1(y)))  # (b, Ty, d) FFN(y) = W_2 relu(W_1 y + b_1) + b_2
        y = self.norm3(y + f)  # (b, Ty, d) Add & Norm: LN(y + FFN(y))
        return y, alpha_self, alpha_cross
