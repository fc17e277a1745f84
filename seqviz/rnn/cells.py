"""One time step of the vanilla RNN, GRU and LSTM, written in the course's notation.

Each step function reads the weights of a fused `torch.nn.RNN/GRU/LSTM`
(so training uses the fast fused kernels) and unrolls the cell's equations
one line per gate. `W_x` / `W_a` are the input / recurrent halves of the
course's W[a<t-1>, x<t>]. Shapes: x (b, n_x), a_prev and c_prev (b, n_a).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import torch
from torch import Tensor

CELLS = ("rnn", "gru", "lstm")
GATES = {"rnn": (), "gru": ("gamma_u", "gamma_r"), "lstm": ("gamma_u", "gamma_f", "gamma_o")}


@dataclass
class Weights:
    """The weights of one layer of a fused torch recurrent module, in its own layout."""

    W_x: Tensor  # (k n_a, n_x)  torch weight_ih_l0, k = 1 (RNN), 3 (GRU: r, z, n), 4 (LSTM: i, f, g, o)
    W_a: Tensor  # (k n_a, n_a)  torch weight_hh_l0
    b_x: Tensor  # (k n_a,)      torch bias_ih_l0
    b_a: Tensor  # (k n_a,)      torch bias_hh_l0

    @classmethod
    def of(cls, module: torch.nn.Module) -> Weights:
        """Read layer 0 of a torch.nn.RNN / GRU / LSTM."""
        return cls(module.weight_ih_l0, module.weight_hh_l0, module.bias_ih_l0, module.bias_hh_l0)


GateEdit = Callable[[str, Tensor], Tensor]  # (gate name, its value (b, n_a)) -> the value the cell uses


def _as_is(name: str, value: Tensor) -> Tensor:
    """No intervention: every gate keeps the value the cell computed."""
    return value


ACTIVATIONS = {"tanh": torch.tanh, "relu": torch.relu, "sigmoid": torch.sigmoid, "linear": lambda z: z}


def open_memory_(module: torch.nn.Module, cell: str, forget_bias: float = 5.0, update_bias: float = 3.0) -> None:
    """Initialise a fused GRU/LSTM with its memory open: Γf ≈ 1 (LSTM) or Γu ≈ 0 (GRU).

    LSTM: forget-gate bias `forget_bias` (Γf = σ(5) ≈ 0.99). GRU: torch's z-gate bias
    `update_bias`, so z ≈ 0.95 and Γu = 1 − z ≈ 0.05. A vanilla RNN is left as it is.
    """
    n_a = module.hidden_size
    with torch.no_grad():
        if cell == "lstm":
            module.bias_ih_l0[n_a : 2 * n_a].fill_(forget_bias)
        elif cell == "gru":
            module.bias_ih_l0[n_a : 2 * n_a].fill_(update_bias)


def rnn_step(x: Tensor, a_prev: Tensor, w: Weights, g: str = "tanh") -> dict[str, Tensor]:
    """Vanilla RNN: a<t> = g(W_aa a<t-1> + W_ax x<t> + b_a), g = tanh unless asked otherwise."""
    z_a = x @ w.W_x.T + a_prev @ w.W_a.T + w.b_x + w.b_a  # (b, n_a) pre-activation
    a = ACTIVATIONS[g](z_a)  # hidden state a<t>
    return {"a": a, "z_a": z_a}


def gru_step(x: Tensor, a_prev: Tensor, w: Weights, edit: GateEdit | None = None) -> dict[str, Tensor]:
    """Full GRU (torch's variant of where Γr is applied); c<t> = a<t>.

    `edit` (an intervention, seqviz.rnn.intervene) may overwrite a gate before the cell uses it."""
    edit = edit or _as_is
    x_r, x_z, x_c = (x @ w.W_x.T + w.b_x).chunk(3, dim=1)  # (b, n_a) each: input parts
    h_r, h_z, h_c = (a_prev @ w.W_a.T + w.b_a).chunk(3, dim=1)  # (b, n_a) each: recurrent parts
    gamma_r = edit("gamma_r", torch.sigmoid(x_r + h_r))  # relevance gate Γr
    z_u = -(x_z + h_z)  # torch's z gate keeps the old memory: z = 1 − Γu
    gamma_u = edit("gamma_u", torch.sigmoid(z_u))  # update gate Γu
    z_c = x_c + gamma_r * h_c  # Γr scales W_ca a<t-1> + b_ca (course: W_c[Γr*a<t-1>, x<t>])
    c_tilde = torch.tanh(z_c)  # candidate memory c~<t>
    c = gamma_u * c_tilde + (1 - gamma_u) * a_prev  # memory cell c<t>
    a = c  # in a GRU, a<t> = c<t>
    return {
        "a": a,
        "c": c,
        "c_tilde": c_tilde,
        "gamma_u": gamma_u,
        "gamma_r": gamma_r,
        "z_u": z_u,
        "z_r": x_r + h_r,
        "z_c": z_c,
    }


def lstm_step(x: Tensor, a_prev: Tensor, c_prev: Tensor, w: Weights, edit: GateEdit | None = None) -> dict[str, Tensor]:
    """LSTM without peepholes; torch's gates (i, f, g, o) are the course's (Γu, Γf, c~, Γo).

    `edit` (an intervention, seqviz.rnn.intervene) may overwrite a gate before the cell uses it."""
    edit = edit or _as_is
    z = x @ w.W_x.T + a_prev @ w.W_a.T + w.b_x + w.b_a  # (b, 4 n_a) pre-activations
    z_u, z_f, z_c, z_o = z.chunk(4, dim=1)  # (b, n_a) each
    gamma_u = edit("gamma_u", torch.sigmoid(z_u))  # update gate Γu (torch: input gate i)
    gamma_f = edit("gamma_f", torch.sigmoid(z_f))  # forget gate Γf
    c_tilde = torch.tanh(z_c)  # candidate memory c~<t>
    gamma_o = edit("gamma_o", torch.sigmoid(z_o))  # output gate Γo
    c = gamma_u * c_tilde + gamma_f * c_prev  # memory cell c<t>
    a = gamma_o * torch.tanh(c)  # hidden state a<t>
    return {
        "a": a,
        "c": c,
        "c_tilde": c_tilde,
        "gamma_u": gamma_u,
        "gamma_f": gamma_f,
        "gamma_o": gamma_o,
        "z_u": z_u,
        "z_f": z_f,
        "z_c": z_c,
        "z_o": z_o,
    }


def unroll(cell: str, xs: Tensor, w: Weights, reset: Tensor | None = None, edit=None) -> dict[str, Tensor]:
    """Run the cell over a sequence and stack every quantity over time.

    Args:
        cell: "rnn", "gru" or "lstm".
        xs: inputs x<1..T>, shape (b, T, n_x).
        reset: (b, T) bool, True where the state restarts from a<0> = c<0> = 0
            before that step (a new line, as in training).
        edit: an intervention (see seqviz.rnn.intervene), None for the network as it is: its
            `gate(t, name, value)` may overwrite a gate at step t before the cell uses it, and its
            `state(t, out)` may overwrite a<t> (and c<t>) after step t; step t + 1 reads what it returns.
    Returns:
        dict of tensors of shape (b, T, n_a): "a", and for gated cells "c",
        "c_tilde", the gates and the pre-activations "z_*".
    """
    b, T, _ = xs.shape
    n_a = w.W_a.shape[1]
    a = xs.new_zeros(b, n_a)  # a<0> = 0
    c = xs.new_zeros(b, n_a)  # c<0> = 0
    steps = []
    any_reset = reset.any(dim=0).tolist() if reset is not None else [False] * T  # python bools: no per-step tensor ops
    for t in range(T):
        x = xs[:, t]  # (b, n_x)
        if any_reset[t]:
            keep = (~reset[:, t]).unsqueeze(1).to(xs.dtype)  # (b, 1): 0 where a new line starts
            a, c = a * keep, c * keep
        gate = None if edit is None else functools.partial(edit.gate, t)  # this step's gate overrides
        if cell == "rnn":
            out = rnn_step(x, a, w)
        elif cell == "gru":
            out = gru_step(x, a, w, gate)
        elif cell == "lstm":
            out = lstm_step(x, a, c, w, gate)
        else:
            raise ValueError(f"unknown cell {cell!r}; expected one of {CELLS}")
        if edit is not None:
            out = edit.state(t, out)  # a<t> / c<t> as the intervention sets them
        c = out["c"] if cell == "lstm" else c
        a = out["a"]
        steps.append(out)
    return {k: torch.stack([s[k] for s in steps], dim=1) for k in steps[0]}  # (b, T, n_a)
