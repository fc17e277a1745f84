"""Gradients through time: ‖∂L/∂a<t>‖ at every step by autograd, and the Jacobian products ∂a<T>/∂a<t>."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from seqviz.rnn.cells import Weights, gru_step, lstm_step, rnn_step


@dataclass
class GradTrace:
    """‖∂L/∂a<t>‖ for t = 1..T (index 0 is t = 1), as autograd computed it.

    Attributes:
        norms: (T,) float64; inf or NaN where float32 overflowed.
        loss: "last" (L = L<T>) or "sum" (L = Σ_t L<t>).
        clip: the threshold applied to the gradient flowing into each a<t>, or None.
        clipped: (T,) True where that gradient was rescaled by the clip.
        forward_ok: False when the forward pass itself overflowed.
        loss_value: L.
    """

    cell: str
    activation: str
    norms: np.ndarray
    loss: str
    clip: float | None
    clipped: np.ndarray
    forward_ok: bool
    loss_value: float

    @property
    def T(self) -> int:
        return len(self.norms)

    @property
    def distance(self) -> np.ndarray:
        """(T,) T − t: how many steps a<t> is from the last step."""
        return np.arange(self.T)[::-1].copy()


def weights_of(model, scale: float | None = None) -> Weights:
    """A detached float32 copy of the model's recurrent weights, optionally rescaled.

    Args:
        scale: when given, every n_a x n_a recurrent block (W_aa for the RNN; one per
            gate for GRU/LSTM) is rescaled so that its spectral radius equals `scale`.
    """
    w = Weights.of(model.rnn)
    w = Weights(*(p.detach().float().cpu().clone() for p in (w.W_x, w.W_a, w.b_x, w.b_a)))
    if scale is not None:
        n_a = w.W_a.shape[1]
        blocks = []
        for block in w.W_a.split(n_a, dim=0):  # (n_a, n_a) each
            radius = torch.linalg.eigvals(block.double()).abs().max().item()
            blocks.append(block * (scale / radius) if radius > 0 else block)
        w.W_a = torch.cat(blocks, dim=0)
    return w


def _clip_hook(threshold: float, mask: list, t: int):
    """The clipping rule on the gradient flowing into a<t>: if ‖g‖ > threshold, g ← threshold · g / ‖g‖."""

    def hook(g: torch.Tensor) -> torch.Tensor:
        n = g.double().norm()  # in float64: a float32 sum of squares overflows at ~1e19
        if torch.isfinite(n) and n > threshold:
            mask[t] = True
            return g * (threshold / n).to(g.dtype)
        return g  # inf / NaN already: left as they are, and shown as such

    return hook


def _unroll_graph(
    model,
    ids: np.ndarray,
    scale: float | None,
    activation: str,
    dtype=torch.float32,
    clip: float | None = None,
    copies: int = 1,
) -> tuple[list[torch.Tensor], list[bool]]:
    """Forward pass keeping every a<t> (copies, n_a) as a node of the autograd graph (no state resets)."""
    cell = model.cell
    w = weights_of(model, scale)
    w = Weights(*(p.to(dtype) for p in (w.W_x, w.W_a, w.b_x, w.b_a)))
    xs = model.one_hot(torch.as_tensor(ids, dtype=torch.long)[None]).cpu()[0].to(dtype)  # (T, V)
    n_a = w.W_a.shape[1]
    a = torch.zeros(copies, n_a, dtype=dtype, requires_grad=True)  # a<0>: a leaf, so every a<t> is in the graph
    c = torch.zeros(copies, n_a, dtype=dtype)
    states, clipped = [], [False] * len(ids)
    for t in range(len(ids)):
        x = xs[t : t + 1].expand(copies, -1)
        if cell == "rnn":
            out = rnn_step(x, a, w, activation)
        elif cell == "gru":
            out = gru_step(x, a, w)
        else:
            out = lstm_step(x, a, c, w)
            c = out["c"]
        a = out["a"]
        a.retain_grad()
        if clip is not None:
            a.register_hook(_clip_hook(clip, clipped, t))
        states.append(a)
    return states, clipped


def grad_norms(
    model,
    ids: np.ndarray,
    loss: str = "last",
    scale: float | None = None,
    activation: str = "tanh",
    clip: float | None = None,
) -> GradTrace:
    """‖∂L/∂a<t>‖ of a character model over `ids` (no state resets), by autograd.

    L<t> is the cross-entropy of ŷ<t> against the next character x<t+1>; the
    last step has no next character, so it is scored against ⏎.

    Args:
        model: a CharLM (pretrained or freshly initialised).
        ids: (T,) character ids; unknown (-1) inputs are x<t> = 0.
        loss: "last" for L = L<T>, "sum" for L = Σ_t L<t>.
        scale: spectral radius to give the recurrent weights (None: as they are).
        activation: g of the vanilla RNN ("tanh", "relu", "sigmoid", "linear").
        clip: rescale the gradient flowing back into each a<t> to this norm at most.
    """
    ids_t = torch.as_tensor(ids, dtype=torch.long)
    states, clipped = _unroll_graph(model, ids, scale, activation, clip=clip)
    W_ya, b_y = model.head.weight.detach().float().cpu(), model.head.bias.detach().float().cpu()
    targets = torch.cat([ids_t[1:], torch.zeros(1, dtype=torch.long)]).clamp(min=0)  # x<t+1>, ⏎ at the end
    logits = torch.cat(states) @ W_ya.T + b_y  # (T, V)
    per_step = F.cross_entropy(logits, targets, reduction="none")  # (T,) L<t>
    L = per_step[-1] if loss == "last" else per_step.sum()
    forward_ok = bool(torch.isfinite(torch.cat(states)).all() and torch.isfinite(L))
    L.backward()
    norms = np.array([s.grad.double().norm().item() if s.grad is not None else 0.0 for s in states])
    return GradTrace(
        model.cell,
        activation if model.cell == "rnn" else "",
        norms,
        loss,
        clip,
        np.array(clipped),
        forward_ok,
        float(L.detach()),
    )


def jacobian_spectra(
    model, ids: np.ndarray, scale: float | None = None, activation: str = "tanh", k: int = 3
) -> np.ndarray:
    """The k largest singular values of ∂a<T>/∂a<t> for every t (the Pascanu et al. view).

    The sequence is run as n_a identical copies; one backward pass seeds copy i with
    the unit vector e_i at a<T>, so copy i's gradient at a<t> is row i of ∂a<T>/∂a<t>
    (every path from a<t> to a<T>, for the LSTM also those through c<t+1..T>, with c<t>
    itself held fixed). Computed in float64.

    Returns:
        (T, k) singular values, row t for a<t+1>; the last row is the identity's (all 1).
    """
    n_a = model.config.n_a
    states, _ = _unroll_graph(model, ids, scale, activation, dtype=torch.float64, copies=n_a)
    # copy i starts from e_i at a<T>: the gradient of Σ_i a<T>[i, i] (a scalar backward stays light)
    (states[-1] * torch.eye(n_a, dtype=torch.float64)).sum().backward()
    J = torch.stack([s.grad for s in states])  # (T, n_a, n_a) ∂a<T>/∂a<t>
    J = torch.nan_to_num(J, nan=float("inf"))
    sv = torch.linalg.svdvals(torch.where(torch.isfinite(J), J, torch.zeros_like(J)))
    sv[~torch.isfinite(J).all(dim=(1, 2))] = float("inf")  # an overflowed Jacobian stays visible
    return sv[:, :k].numpy()


def spectral_norm(model, scale: float | None = None) -> float:
    """‖W_aa‖₂ of the vanilla RNN (the largest singular value of its recurrent weights)."""
    return float(torch.linalg.matrix_norm(weights_of(model, scale).W_a.double(), ord=2))
