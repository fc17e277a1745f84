"""The cell's equations as LaTeX, general form beside the numbers of one step and one unit."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from seqviz.rnn.trace import Trace

GENERAL = {  # what each cell computes, in the course's notation (see seqviz/cells.py)
    "rnn": [
        ("a", r"a^{<t>} = \tanh(W_{aa}\,a^{<t-1>} + W_{ax}\,x^{<t>} + b_a)"),
    ],
    "gru": [
        ("gamma_r", r"\Gamma_r = \sigma(W_r[a^{<t-1>}, x^{<t>}] + b_r)"),
        ("gamma_u", r"\Gamma_u = \sigma(W_u[a^{<t-1>}, x^{<t>}] + b_u)"),
        ("c_tilde", r"\tilde c^{<t>} = \tanh(W_{cx}\,x^{<t>} + b_{cx} + \Gamma_r * (W_{ca}\,a^{<t-1>} + b_{ca}))"),
        ("c", r"c^{<t>} = \Gamma_u * \tilde c^{<t>} + (1 - \Gamma_u) * c^{<t-1>}"),
        ("a", r"a^{<t>} = c^{<t>}"),
    ],
    "lstm": [
        ("gamma_u", r"\Gamma_u = \sigma(W_u[a^{<t-1>}, x^{<t>}] + b_u)"),
        ("gamma_f", r"\Gamma_f = \sigma(W_f[a^{<t-1>}, x^{<t>}] + b_f)"),
        ("gamma_o", r"\Gamma_o = \sigma(W_o[a^{<t-1>}, x^{<t>}] + b_o)"),
        ("c_tilde", r"\tilde c^{<t>} = \tanh(W_c[a^{<t-1>}, x^{<t>}] + b_c)"),
        ("c", r"c^{<t>} = \Gamma_u * \tilde c^{<t>} + \Gamma_f * c^{<t-1>}"),
        ("a", r"a^{<t>} = \Gamma_o * \tanh(c^{<t>})"),
    ],
}
SYMBOL = {
    "gamma_u": r"\Gamma_u",
    "gamma_r": r"\Gamma_r",
    "gamma_f": r"\Gamma_f",
    "gamma_o": r"\Gamma_o",
    "c_tilde": r"\tilde c^{<t>}",
    "c": r"c^{<t>}",
    "a": r"a^{<t>}",
}


@dataclass
class Line:
    """One equation: the general form, the same with step t's numbers for one unit, and the value."""

    name: str
    general: str
    numeric: str
    value: float


def _f(v: float) -> str:
    return f"{v:.3f}".replace("-", "{-}")


def _p(v: float) -> str:
    """A factor in a product: negative numbers in parentheses."""
    return f"({_f(v)})" if v < 0 else _f(v)


def step_equations(trace: Trace, t: int, unit: int) -> list[Line]:
    """Equations of `trace.cell` at step t for hidden unit `unit`, with the numbers filled in."""
    t = int(np.clip(t, 0, trace.T - 1))
    new_line = t == 0 or trace.tokens[t] == "\n"  # the state restarts: a<0> = c<0> = 0
    prev = lambda arr: 0.0 if new_line else float(arr[t - 1, unit])
    at = lambda arr: float(arr[t, unit])
    g, z = trace.gates, trace.pre
    out = []
    for name, general in GENERAL[trace.cell]:
        s = SYMBOL[name]
        if name.startswith("gamma"):
            zz = at(z["z_" + name[-1]])
            num = rf"{s} = \sigma({_f(zz)}) = {_f(at(g[name]))}"
            val = at(g[name])
        elif name == "c_tilde":
            num = rf"{s} = \tanh({_f(at(z['z_c']))}) = {_f(at(trace.c_tilde))}"
            val = at(trace.c_tilde)
        elif name == "c" and trace.cell == "gru":
            gu, ct, cp = at(g["gamma_u"]), at(trace.c_tilde), prev(trace.c)
            num = rf"{s} = {_f(gu)} \times {_p(ct)} + {_f(1 - gu)} \times {_p(cp)} = {_f(at(trace.c))}"
            val = at(trace.c)
        elif name == "c":
            gu, ct, gf, cp = at(g["gamma_u"]), at(trace.c_tilde), at(g["gamma_f"]), prev(trace.c)
            num = rf"{s} = {_f(gu)} \times {_p(ct)} + {_f(gf)} \times {_p(cp)} = {_f(at(trace.c))}"
            val = at(trace.c)
        elif trace.cell == "lstm":
            num = rf"{s} = {_f(at(g['gamma_o']))} \times \tanh({_f(at(trace.c))}) = {_f(at(trace.a))}"
            val = at(trace.a)
        elif trace.cell == "gru":
            num = rf"{s} = {_f(at(trace.a))}"
            val = at(trace.a)
        else:
            num = rf"{s} = \tanh({_f(at(z['z_a']))}) = {_f(at(trace.a))}"
            val = at(trace.a)
        out.append(Line(name, general, num, val))
    ch, p = trace.top_k(t, 1)[0]
    shown = {"\n": r"\text{⏎}", " ": r"\text{␣}"}.get(ch, r"\text{" + _latex_char(ch) + "}")
    out.append(
        Line(
            "y_hat",
            r"\hat y^{<t>} = \mathrm{softmax}(W_{ya}\,a^{<t>} + b_y)",
            rf"\max_k \hat y^{{<t>}}_k = P({shown}) = {_f(p)}",
            p,
        )
    )
    return out


def _latex_char(ch: str) -> str:
    """Escape one vocabulary character for \\text{...}."""
    special = {
        "\\": r"\textbackslash{}",
        "{": r"\{",
        "}": r"\}",
        "$": r"\$",
        "&": r"\&",
        "#": r"\#",
        "_": r"\_",
        "%": r"\%",
        "^": r"\^{}",
        "~": r"\~{}",
    }
    return special.get(ch, ch)
