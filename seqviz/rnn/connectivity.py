"""Connectivity (Distill's "Memorization in RNNs"): how strongly the output at step t depends on the input at t'.

C[t, t'] = ‖∂z<t>/∂x<t'>‖_F, the Frobenius norm of the whole (V x V) Jacobian block, where

- x<t'> is the model's input vector at step t': the one-hot character vector of length V that the cell reads
  (the character models have no embedding; an unknown character is x<t'> = 0, and the block is still defined);
- z<t> = W_ya a<t> + b_y are the logits of ŷ<t> = softmax(z<t>). Logits, not the softmax: the softmax's own
  Jacobian (diag(ŷ) − ŷŷᵀ) shrinks every gradient of a step where the model is sure of the next character, which
  would mix "how sure at t" into "how far back t reaches". The logits are a fixed linear read-out of a<t>, so
  C measures only the paths through the recurrence.

The exact value, computed in one reverse sweep: with s<t> the cell's state (a<t>; for the LSTM (a<t>, c<t>)),
J<t> = ∂s<t>/∂s<t-1> and B<t> = ∂s<t>/∂x<t> (for every step at once, from the cell's equations), we have
∂z<t>/∂x<t'> = W_ya J<t> ... J<t'+1> B<t'>. Going back from the last step, the sweep carries for every output t ≥ s
the r x n_s block R ∂a<t>/∂s<s> (W_ya = Q R, so ‖W_ya G‖ = ‖R G‖ with r = min(V, n_a) rows instead of V); at each
step a few matrix products turn all of them into their norms at s and the blocks at s − 1: about
T²/2 · r · n_s · (V + n_a) multiply-adds in all, where autograd would need T·V whole backward passes (one per
output coordinate).
A line start (the state restarts from a<0> = 0) cuts every path, so on text of many lines the sweep only carries
the current line.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor

from seqviz.rnn.cells import Weights, gru_step, lstm_step, rnn_step, unroll

RESCALE = 4  # every 4 steps the sweep brings its blocks back to norm 1


@dataclass
class Connectivity:
    """How strongly each output depends on each earlier input.

    Attributes:
        cell: "rnn", "gru" or "lstm".
        tokens: the T input characters x<t> (tokens[0] is the start-of-line marker ⏎, as in the trace).
        C: (T, T) float64, C[t, t'] = ‖∂z<t>/∂x<t'>‖_F (z<t>: the logits of ŷ<t>; x<t'>: the one-hot input);
            exactly 0 for t' > t, and for t' before a line start at or before t (the state restarted there).
        unknown: (T,) True where the model never saw the character (x<t> = 0).
    """

    cell: str
    tokens: list[str]
    C: np.ndarray
    unknown: np.ndarray

    @property
    def T(self) -> int:
        """Number of time steps."""
        return len(self.tokens)

    def row(self, t: int) -> np.ndarray:
        """(T,) C[t, ·] / max C[t, ·]: each earlier input's share of the strongest one (0 after t)."""
        r = self.C[t]
        top = r.max()
        return r / top if top > 0 else r

    def reach(self, frac: float = 0.01) -> np.ndarray:
        """(T,) for each t, the largest distance t − t' with C[t, t'] ≥ frac · max C[t, ·]: how far back output t
        still feels an input at 1% (by default) of the strongest one."""
        top = self.C.max(axis=1, keepdims=True)
        strong = self.C >= frac * np.where(top > 0, top, np.inf)  # (T, T); a row of zeros has none
        first = np.argmax(strong, axis=1)  # the earliest such t' (0 when there is none)
        return np.where(strong.any(axis=1), np.arange(self.T) - first, 0)

    def decay(self, distances) -> dict[int, float]:
        """{d: the typical C[t, t − d] / C[t, t]}: how much weaker an input d steps back acts on ŷ<t> than the input
        at t itself (the geometric mean over every t where both are non-zero; NaN where there is no such t)."""
        out = {}
        for d in distances:
            d = int(d)
            if d <= 0 or d >= self.T:
                out[d] = float("nan")
                continue
            here, back = np.diagonal(self.C, offset=0)[d:], np.diagonal(self.C, offset=-d)
            ok = (here > 0) & (back > 0)
            out[d] = float(np.exp(np.mean(np.log(back[ok] / here[ok])))) if ok.any() else float("nan")
        return out


def step_jacobians(cell: str, xs: Tensor, a_prev: Tensor, c_prev: Tensor, w: Weights) -> dict[str, Tensor]:
    """The Jacobians of every step at once, from the cell's equations (cells.py) differentiated by hand.

    Every gate acts unit by unit on pre-activations that are linear in x<t> and a<t-1>, so each Jacobian is a
    sum of weight blocks with their rows scaled: ∂y/∂x<t> = Σ_k diag(∂y/∂z_k) W_xk. Tested against torch.func.

    Args:
        xs: (T, V) inputs x<t>; a_prev, c_prev: (T, n_a) the states each step starts from.
    Returns:
        "B": (T, n_s, V) ∂s<t>/∂x<t> and "J": (T, n_s, n_a) ∂s<t>/∂a<t-1>, with s<t> = a<t> (n_s = n_a) or, for
        the LSTM, a<t> and c<t> stacked (n_s = 2 n_a); for the LSTM also the diagonals (T, n_a) "ac" = ∂a<t>/∂c<t-1>
        and "cc" = ∂c<t>/∂c<t-1> (c<t-1> reaches step t unit by unit only).
    """
    rows = lambda d, W: d[:, :, None] * W[None]  # (T, n_a, ·): diag(d<t>) W for every t
    blocks = lambda W, k: W.split(W.shape[0] // k)  # the per-gate (n_a, ·) blocks of W_x or W_a
    if cell == "rnn":
        a = rnn_step(xs, a_prev, w)["a"]
        d = 1 - a**2  # ∂a<t>/∂z_a, tanh' (T, n_a)
        return {"B": rows(d, w.W_x), "J": rows(d, w.W_a)}
    if cell == "gru":
        q = gru_step(xs, a_prev, w)
        g_u, g_r, c_t = q["gamma_u"], q["gamma_r"], q["c_tilde"]  # (T, n_a) each
        h_c = (a_prev @ w.W_a.T + w.b_a).chunk(3, dim=1)[2]  # W_ca a<t-1> + b_ca, which Γr scales
        d_c = g_u * (1 - c_t**2)  # ∂a/∂z_c (z_c = x_c + Γr h_c)
        d_r = d_c * h_c * g_r * (1 - g_r)  # ∂a/∂(x_r + h_r), through Γr
        d_z = -(c_t - a_prev) * g_u * (1 - g_u)  # ∂a/∂(x_z + h_z), through Γu = σ(−(x_z + h_z))
        (Xr, Xz, Xc), (Ar, Az, Ac) = blocks(w.W_x, 3), blocks(w.W_a, 3)  # torch's order: r, z, n
        B = rows(d_r, Xr) + rows(d_z, Xz) + rows(d_c, Xc)
        J = rows(d_r, Ar) + rows(d_z, Az) + rows(d_c * g_r, Ac) + torch.diag_embed(1 - g_u)  # (1 − Γu) a<t-1>
        return {"B": B, "J": J}
    q = lstm_step(xs, a_prev, c_prev, w)
    g_u, g_f, g_o, c_t, c = q["gamma_u"], q["gamma_f"], q["gamma_o"], q["c_tilde"], q["c"]
    k = g_o * (1 - torch.tanh(c) ** 2)  # ∂a/∂c
    d_u, d_f, d_c = c_t * g_u * (1 - g_u), c_prev * g_f * (1 - g_f), g_u * (1 - c_t**2)  # ∂c/∂z_u, z_f, z_c
    d_o = torch.tanh(c) * g_o * (1 - g_o)  # ∂a/∂z_o
    (Xu, Xf, Xc, Xo), (Au, Af, Ac, Ao) = blocks(w.W_x, 4), blocks(w.W_a, 4)  # torch's order: i, f, g, o
    Bc = rows(d_u, Xu) + rows(d_f, Xf) + rows(d_c, Xc)  # ∂c<t>/∂x<t>
    Jc = rows(d_u, Au) + rows(d_f, Af) + rows(d_c, Ac)  # ∂c<t>/∂a<t-1>
    Ba = k[:, :, None] * Bc + rows(d_o, Xo)  # a = Γo tanh(c): through c and through Γo
    Ja = k[:, :, None] * Jc + rows(d_o, Ao)
    return {"B": torch.cat([Ba, Bc], dim=1), "J": torch.cat([Ja, Jc], dim=1), "ac": k * g_f, "cc": g_f}


def connectivity(model, text: str, dtype: torch.dtype = torch.float32) -> Connectivity:
    """C[t, t'] = ‖∂z<t>/∂x<t'>‖_F of a character model (CharLM: RNN, GRU or LSTM) reading `text`.

    Same inputs as the model's trace: ⏎ first, unknown characters as x<t> = 0, and for a model of single lines
    (not `multiline`) the state restarts at every ⏎, so no path crosses a line start. Exact (no sampling or
    random projections); see the module docstring for the method. Computed on the CPU.

    Args:
        model: a CharLM.
        text: the text it reads.
        dtype: torch.float32 (fast) or torch.float64.
    Returns:
        Connectivity with C of shape (T, T), T = len(text) + 1.
    """
    cell = model.cell
    tokens, ids = model.encode(text)
    w = Weights.of(model.rnn)
    w = Weights(*(p.detach().to("cpu", dtype) for p in (w.W_x, w.W_a, w.b_x, w.b_a)))
    n_a = w.W_a.shape[1]
    xs = model.one_hot(torch.from_numpy(ids)[None]).to("cpu", dtype)[0]  # (T, V) one-hot x<t>
    reset = ((ids == 0) & (not model.config.multiline)).tolist()  # the state restarts before these steps

    with torch.no_grad():
        out = unroll(cell, xs[None], w, torch.tensor(reset)[None])  # the forward pass, as the trace runs it
        keep = 1 - torch.tensor(reset, dtype=dtype)[:, None]  # (T, 1) 0 where the state restarts
        shift = lambda v: torch.cat([v.new_zeros(1, n_a), v[0, :-1]]) * keep  # (T, n_a) the state step t starts from
        a_prev = shift(out["a"])
        c_prev = shift(out["c"]) if cell == "lstm" else torch.zeros_like(a_prev)
        jac = step_jacobians(cell, xs, a_prev, c_prev, w)  # ∂s<t>/∂x<t>, ∂s<t>/∂s<t-1> of every step
    W_ya = model.head.weight.detach().to("cpu", dtype)  # (V, n_a)
    R = torch.linalg.qr(W_ya, mode="reduced").R  # (r, n_a), r = min(V, n_a): ‖W_ya G‖_F = ‖R G‖_F
    C = _sweep(R, jac, reset)
    return Connectivity(cell=cell, tokens=tokens, C=C.numpy(), unknown=ids < 0)


def _sweep(R: Tensor, jac: dict, reset: list) -> Tensor:
    """The reverse sweep: C[t, s] = ‖R ∂a<t>/∂x<s>‖_F for every s ≤ t, from the per-step Jacobians.

    Going back from the last step, `lam_a` (and for the LSTM `lam_c`) hold, for every output t from the current
    step s to the end of its line, the r rows of R ∂a<t>/∂a<s> (and R ∂a<t>/∂c<s>), output after output; two
    buffers take turns, so a step is a few matrix products and no copies. `jac` is from `step_jacobians`.
    """
    B, J = jac["B"], jac["J"]
    T, n_s, V = B.shape
    r, n_a = R.shape
    lstm = n_s > n_a
    B_a, J_aa = B[:, :n_a].contiguous(), J[:, :n_a].contiguous()  # (T, n_a, ·): what a<s> passes back
    if lstm:  # c<s> passes back through the same products, and to c<s-1> only unit by unit (Γf): two diagonals
        B_c, J_ca = B[:, n_a:].contiguous(), J[:, n_a:].contiguous()
        diag_ac, diag_cc = jac["ac"], jac["cc"]  # (T, n_a) ∂a<s>/∂c<s-1>, ∂c<s>/∂c<s-1> = Γf
    new = lambda k: R.new_zeros(T * r, k)
    bufs_a, bufs_c = [new(n_a), new(n_a)], ([new(n_a), new(n_a)] if lstm else None)
    gx_buf = new(V)
    C = torch.zeros(T, T, dtype=torch.float64)
    log_scale = torch.zeros(T, dtype=torch.float64)  # block t is kept at norm 1: its true size is exp(log_scale[t])
    cur, end = 0, T  # the outputs carried are s .. end - 1
    for s in range(T - 1, -1, -1):
        rows, m = slice(s * r, end * r), end - s
        lam_a = bufs_a[cur][rows]
        lam_a[:r] = R  # output s joins: R ∂a<s>/∂a<s> = R (and R ∂a<s>/∂c<s> = 0)
        lam_c = bufs_c[cur][rows] if lstm else None
        if lstm:
            lam_c[:r] = 0
        gx = gx_buf[: m * r]
        torch.mm(lam_a, B_a[s], out=gx)  # (m r, V) R ∂a<t>/∂x<s> for t = s .. end - 1
        if lstm:
            gx.addmm_(lam_c, B_c[s])
        C[s:end, s] = torch.linalg.vector_norm(gx.view(m, r * V), dim=1).double() * log_scale[s:end].exp()
        if reset[s]:  # a line starts at s: nothing before it reaches any output from here on
            end = s
            continue
        nxt_a = bufs_a[1 - cur][rows]
        torch.mm(lam_a, J_aa[s], out=nxt_a)  # R ∂a<t>/∂a<s-1>
        if lstm:
            nxt_a.addmm_(lam_c, J_ca[s])
            nxt_c = bufs_c[1 - cur][rows]
            torch.mul(lam_c, diag_cc[s], out=nxt_c)  # R ∂a<t>/∂c<s-1>
            nxt_c.addcmul_(lam_a, diag_ac[s])
        if s % RESCALE == 0:  # bring every block back to norm 1, its size kept in log_scale (exact): a vanishing
            # or exploding gradient would otherwise leave float32's range, or crawl through denormal numbers
            norm = torch.linalg.vector_norm(nxt_a.view(m, r * n_a), dim=1)
            if lstm:
                norm = torch.hypot(norm, torch.linalg.vector_norm(nxt_c.view(m, r * n_a), dim=1))
            norm = torch.where(norm > 0, norm, 1.0)
            log_scale[s:end] += norm.double().log()
            inv = (1 / norm)[:, None, None]
            nxt_a.view(m, r, n_a).mul_(inv)
            if lstm:
                nxt_c.view(m, r, n_a).mul_(inv)
        cur = 1 - cur
    return C
