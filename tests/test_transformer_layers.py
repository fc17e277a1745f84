"""The Transformer blocks compute the course's equations: equal to torch's modules with copied weights, and masked."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from seqviz.transformer.layers import (
    DecoderLayer,
    EncoderLayer,
    MultiHeadAttention,
    attention_step,
    causal_mask,
    positional_encoding,
)

D, H, D_FF = 8, 2, 16  # d_model, heads, feed-forward width
B, TX, TY = 3, 6, 5  # batch, source and target lengths
X_LEN = torch.tensor([6, 4, 2])  # real source lengths (right padding)
Y_LEN = torch.tensor([5, 3, 4])  # real target lengths
ATOL = 1e-5


pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def _padding(lengths: torch.Tensor, T: int) -> torch.Tensor:
    """(b, T) bool, True at the padding after each sequence's length."""
    return torch.arange(T)[None, :] >= lengths[:, None]


def _jitter(module: nn.Module, seed: int) -> nn.Module:
    """Move every weight and bias (LayerNorm's too) off its initialisation, so every term is tested."""
    torch.manual_seed(seed)
    with torch.no_grad():
        for p in module.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    return module.eval()


def _mha_state(m: MultiHeadAttention, prefix: str = "") -> dict:
    """Our W_Q, W_K, W_V, W_O as the state dict of torch.nn.MultiheadAttention."""
    return {
        prefix + "in_proj_weight": torch.cat([m.W_Q.weight, m.W_K.weight, m.W_V.weight]).detach().clone(),
        prefix + "in_proj_bias": torch.cat([m.W_Q.bias, m.W_K.bias, m.W_V.bias]).detach().clone(),
        prefix + "out_proj.weight": m.W_O.weight.detach().clone(),
        prefix + "out_proj.bias": m.W_O.bias.detach().clone(),
    }


def _lin_state(module: nn.Module, names: dict) -> dict:
    """{torch name: our parameter} for the feed-forward and LayerNorm weights."""
    out = {}
    for theirs, ours in names.items():
        for p in ("weight", "bias"):
            out[f"{theirs}.{p}"] = getattr(module, ours).state_dict()[p].clone()
    return out


def _mha_pair(seed: int = 0):
    torch.manual_seed(seed)
    ours = _jitter(MultiHeadAttention(D, H), seed)
    ref = nn.MultiheadAttention(D, H, dropout=0.0, bias=True, batch_first=True).eval()
    ref.load_state_dict(_mha_state(ours))
    return ours, ref


# ---- positional encoding and the look-ahead mask


@pytest.mark.parametrize("T, d", [(50, 16), (7, 5), (1, 2)])
def test_positional_encoding_is_the_closed_form(T, d):
    pe = positional_encoding(T, d)
    assert pe.shape == (T, d) and pe.dtype == torch.float32
    want = np.zeros((T, d))
    for pos in range(T):
        for col in range(d):
            i = col // 2  # columns 2i and 2i+1 share the angle pos / 10000^(2i/d)
            angle = pos / math.pow(10000, 2 * i / d)
            want[pos, col] = math.sin(angle) if col % 2 == 0 else math.cos(angle)
    np.testing.assert_allclose(pe.numpy(), want, atol=1e-6)
    assert pe.abs().max() <= 1.0
    np.testing.assert_array_equal(pe[0].numpy(), np.arange(d) % 2)  # PE[0] = [0, 1, 0, 1, ...]


def test_causal_mask_is_strictly_upper_triangular():
    m = causal_mask(5)
    assert m.shape == (5, 5) and m.dtype == torch.bool
    for i in range(5):
        for j in range(5):
            assert bool(m[i, j]) == (j > i)  # i may not look at a later j
    assert not causal_mask(1).any()


# ---- multi-head attention against torch.nn.MultiheadAttention


def test_heads_must_divide_d_model():
    with pytest.raises(ValueError):
        MultiHeadAttention(10, 3)


@pytest.mark.parametrize("kind", ["self", "cross", "self+padding", "cross+padding", "self+causal", "self+both"])
def test_multi_head_attention_equals_torch(kind):
    ours, ref = _mha_pair()
    torch.manual_seed(1)
    x_q = torch.randn(B, TY, D)
    x_kv = x_q if kind.startswith("self") else torch.randn(B, TX, D)
    T_k = x_kv.shape[1]
    lengths = Y_LEN if kind.startswith("self") else X_LEN
    kpm = _padding(lengths, T_k) if ("padding" in kind or "both" in kind) else None
    am = causal_mask(TY) if ("causal" in kind or "both" in kind) else None
    with torch.no_grad():
        out, w = ours(x_q, x_kv, key_padding_mask=kpm, attn_mask=am)
        out_ref, w_ref = ref(
            x_q, x_kv, x_kv, key_padding_mask=kpm, attn_mask=am, need_weights=True, average_attn_weights=False
        )
    assert out.shape == (B, TY, D) and w.shape == (B, H, TY, T_k)
    np.testing.assert_allclose(out.numpy(), out_ref.numpy(), atol=ATOL)  # every query has an open key here
    np.testing.assert_allclose(w.numpy(), w_ref.numpy(), atol=ATOL)
    np.testing.assert_allclose(w.sum(-1).numpy(), 1.0, atol=1e-6)  # each row of weights is a distribution
    blocked = torch.zeros(B, 1, TY, T_k, dtype=torch.bool)
    if kpm is not None:
        blocked |= kpm[:, None, None, :]
    if am is not None:
        blocked |= am
    assert (w.masked_select(blocked.expand_as(w)) == 0).all()  # exactly 0 at every blocked key


def test_fully_blocked_query_is_finite_with_zero_weights():
    """Left padding: query 0 of sequence 0 may see no key (causal + padded key 0). It attends to nothing, no NaN."""
    ours, _ = _mha_pair()
    x = torch.randn(2, 4, D, requires_grad=True)
    kpm = torch.tensor([[True, False, False, False], [False] * 4])
    out, w = ours(x, x, key_padding_mask=kpm, attn_mask=causal_mask(4))
    assert torch.isfinite(out).all() and torch.isfinite(w).all()
    assert (w[0, :, 0] == 0).all()  # the empty row: weights 0
    torch.testing.assert_close(out[0, 0], ours.W_O.bias)  # context 0, so only W_O's bias is left
    np.testing.assert_allclose(w[0, :, 1:].sum(-1).detach().numpy(), 1.0, atol=1e-6)  # the other rows as usual
    out.sum().backward()
    assert torch.isfinite(x.grad).all() and all(torch.isfinite(p.grad).all() for p in ours.parameters())


def test_masks_must_be_bool():
    ours, _ = _mha_pair()
    x = torch.randn(1, 3, D)
    with pytest.raises(TypeError):
        ours(x, x, attn_mask=causal_mask(3).float())


# ---- one query by the numbers


@pytest.mark.parametrize("masked", [False, True])
def test_attention_step_reproduces_head_0(masked):
    ours, _ = _mha_pair()
    torch.manual_seed(2)
    x_q, x_kv = torch.randn(B, TY, D), torch.randn(B, TX, D)
    kpm = _padding(X_LEN, TX) if masked else None
    with torch.no_grad():
        _, w = ours(x_q, x_kv, key_padding_mask=kpm)
        d_k = ours.d_k
        Q = ours.W_Q(x_q)[..., :d_k]  # (b, Tq, d_k) head 0's queries: its columns of W_Q, by hand
        K = ours.W_K(x_kv)[..., :d_k]  # (b, Tk, d_k)
        V = ours.W_V(x_kv)[..., :d_k]  # (b, Tk, d_k)
        A = w[:, 0] @ V  # (b, Tq, d_k) head 0's output before W_O
        Qh, Kh, Vh = ours.heads(x_q, x_kv)
    torch.testing.assert_close(Qh[:, 0], Q)  # the head split is the column split
    torch.testing.assert_close(Kh[:, 0], K)
    torch.testing.assert_close(Vh[:, 0], V)
    for n in range(B):
        for i in range(TY):
            step = attention_step(Q[n, i], K[n], V[n].numpy(), mask=None if kpm is None else kpm[n].numpy())
            assert step["scores"].shape == (TX,) and step["output"].shape == (d_k,)
            np.testing.assert_allclose(step["weights"], w[n, 0, i].numpy(), atol=1e-6)
            np.testing.assert_allclose(step["output"], A[n, i].numpy(), atol=1e-5)
            want = K[n].double().numpy() @ Q[n, i].double().numpy() / math.sqrt(d_k)
            if kpm is not None:
                want[kpm[n].numpy()] = -np.inf
            np.testing.assert_allclose(step["scores"], want, atol=1e-6)
            assert math.isclose(step["weights"].sum(), 1.0, abs_tol=1e-12)


def test_attention_step_with_every_key_blocked():
    step = attention_step(np.ones(2), np.ones((3, 2)), np.ones((3, 4)), mask=np.ones(3, dtype=bool))
    assert np.isneginf(step["scores"]).all()
    np.testing.assert_array_equal(step["weights"], 0.0)
    np.testing.assert_array_equal(step["output"], 0.0)


# ---- encoder and decoder layers against torch's


def test_encoder_layer_equals_torch():
    torch.manual_seed(0)
    ours = _jitter(EncoderLayer(D, H, D_FF), 3)
    ref = nn.TransformerEncoderLayer(
        D, H, D_FF, dropout=0.0, batch_first=True, norm_first=False, activation="relu"
    ).eval()
    state = _mha_state(ours.self_attn, "self_attn.")
    state |= _lin_state(ours, {"linear1": "ff1", "linear2": "ff2", "norm1": "norm1", "norm2": "norm2"})
    ref.load_state_dict(state)
    x = torch.randn(B, TX, D)
    kpm = _padding(X_LEN, TX)
    with torch.no_grad():
        out, w = ours(x, key_padding_mask=kpm)
        out_ref = ref(x, src_key_padding_mask=kpm)
        out_free, _ = ours(x)
        out_free_ref = ref(x)
        causal = causal_mask(TX)
        out_causal, w_causal = ours(x, attn_mask=causal)  # the decoder-only (language model) form
        out_causal_ref = ref(x, src_mask=causal)
    assert out.shape == (B, TX, D) and w.shape == (B, H, TX, TX)
    real = ~kpm
    np.testing.assert_allclose(out[real].numpy(), out_ref[real].numpy(), atol=ATOL)  # real positions only
    np.testing.assert_allclose(out_free.numpy(), out_free_ref.numpy(), atol=ATOL)
    np.testing.assert_allclose(out_causal.numpy(), out_causal_ref.numpy(), atol=ATOL)
    assert (w_causal.masked_select(causal.expand_as(w_causal)) == 0).all()
    assert (w.masked_select(kpm[:, None, None, :].expand_as(w)) == 0).all()
    np.testing.assert_allclose(w.sum(-1).numpy(), 1.0, atol=1e-6)


def _decoder_pair():
    torch.manual_seed(0)
    ours = _jitter(DecoderLayer(D, H, D_FF), 4)
    ref = nn.TransformerDecoderLayer(
        D, H, D_FF, dropout=0.0, batch_first=True, norm_first=False, activation="relu"
    ).eval()
    state = _mha_state(ours.self_attn, "self_attn.") | _mha_state(ours.cross_attn, "multihead_attn.")
    names = {"linear1": "ff1", "linear2": "ff2", "norm1": "norm1", "norm2": "norm2", "norm3": "norm3"}
    ref.load_state_dict(state | _lin_state(ours, names))
    return ours, ref


def test_decoder_layer_equals_torch():
    ours, ref = _decoder_pair()
    torch.manual_seed(5)
    y, memory = torch.randn(B, TY, D), torch.randn(B, TX, D)
    mpm, tpm, causal = _padding(X_LEN, TX), _padding(Y_LEN, TY), causal_mask(TY)
    with torch.no_grad():
        out, w_self, w_cross = ours(y, memory, tgt_mask=causal, memory_padding_mask=mpm, tgt_padding_mask=tpm)
        # torch: a bool tgt_mask / key padding mask is True where attention is NOT allowed, as ours
        out_ref = ref(y, memory, tgt_mask=causal, tgt_key_padding_mask=tpm, memory_key_padding_mask=mpm)
        out_default, *_ = ours(y, memory, memory_padding_mask=mpm, tgt_padding_mask=tpm)  # None = causal
    assert out.shape == (B, TY, D) and w_self.shape == (B, H, TY, TY) and w_cross.shape == (B, H, TY, TX)
    real = ~tpm
    np.testing.assert_allclose(out[real].numpy(), out_ref[real].numpy(), atol=ATOL)
    torch.testing.assert_close(out_default, out)
    assert (w_self.masked_select(causal.expand_as(w_self)) == 0).all()  # no look-ahead
    assert (w_cross.masked_select(mpm[:, None, None, :].expand_as(w_cross)) == 0).all()  # no padded source word
    np.testing.assert_allclose(w_self.sum(-1).numpy(), 1.0, atol=1e-6)
    np.testing.assert_allclose(w_cross.sum(-1).numpy(), 1.0, atol=1e-6)

    # torch's float form of the same mask (-inf above the diagonal) gives the same numbers
    def _float(m):
        return torch.zeros(m.shape).masked_fill(m, -math.inf)

    with torch.no_grad():
        out_ref_f = ref(
            y, memory, tgt_mask=_float(causal), tgt_key_padding_mask=_float(tpm), memory_key_padding_mask=_float(mpm)
        )
    np.testing.assert_allclose(out[real].numpy(), out_ref_f[real].numpy(), atol=ATOL)


def test_decoder_is_causal():
    """Changing a later target word leaves every earlier output of the decoder layer unchanged."""
    ours, _ = _decoder_pair()
    torch.manual_seed(6)
    y, memory = torch.randn(1, TY, D), torch.randn(1, TX, D)
    with torch.no_grad():
        out, *_ = ours(y, memory, tgt_mask=causal_mask(TY))
        for t in range(TY):
            y2 = y.clone()
            y2[0, t] = torch.randn(D) * 3  # a different word at position t
            out2, *_ = ours(y2, memory, tgt_mask=causal_mask(TY))
            np.testing.assert_allclose(out2[0, :t].numpy(), out[0, :t].numpy(), atol=1e-6)  # before t: the same
            assert not torch.allclose(out2[0, t], out[0, t])  # at t: it does change
        # without the mask the future leaks in: the first output moves when the last word does
        y2 = y.clone()
        y2[0, -1] += 3
        free = torch.zeros(TY, TY, dtype=torch.bool)
        a, *_ = ours(y, memory, tgt_mask=free)
        b, *_ = ours(y2, memory, tgt_mask=free)
        assert not torch.allclose(a[0, 0], b[0, 0])
