"""Figures of the RNN topic: a<t> and the gates over time, one unit, gradients, the long-range experiment, sampling
and surprise."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqviz.rnn.trace import Trace
from seqviz.viz.base import DIVERGING, GATE_SCALE, LABELS, NOTATION, axes, figure, player, scale, subplots, token_label


def _ticks(trace: Trace, max_ticks: int = 70) -> dict:
    every = max(1, int(np.ceil(trace.T / max_ticks)))
    idx = list(range(0, trace.T, every))
    return dict(
        tickmode="array",
        tickvals=idx,
        ticktext=[token_label(trace.tokens[i], bool(trace.unknown[i])) for i in idx],
        tickangle=0,
        tickfont=dict(size=14 if trace.T <= 40 else 11),
    )


def _step_ticks(obj, max_chars: int) -> dict:
    """Every character as a tick label when there are at most `max_chars` steps; else plain step numbers (a label
    on every 5th character would read as a word that is not there)."""
    return _ticks(obj, max_chars) if obj.T <= max_chars else dict(tickmode="auto", tickangle=0)


def _shade(t: int, T: int, xref: str = "x", yref: str = "paper") -> list[dict]:
    """A grey veil over the steps after t and a cursor line at t."""
    shapes = [dict(type="line", xref=xref, yref=yref, x0=t, x1=t, y0=0, y1=1, line=dict(color="black", width=2))]
    if t < T - 1:
        shapes.append(
            dict(
                type="rect",
                xref=xref,
                yref=yref,
                x0=t + 0.5,
                x1=T - 0.5,
                y0=0,
                y1=1,
                fillcolor="rgba(235,235,235,0.85)",
                line=dict(width=0),
                layer="above",
            )
        )
    return shapes


def state_animation(trace: Trace, labels: dict | None = None, start: int | None = None) -> go.Figure:
    """a<t> of every unit over time (heatmap) beside the top-5 ŷ<t>, animated step by step.

    Opens on the last step (the whole picture); Play walks t from the start with a
    veil over the characters the network has not read yet.
    """
    labels = {**LABELS, **(labels or {})}
    T = trace.T
    start = T - 1 if start is None else int(np.clip(start, 0, T - 1))
    layout, ref = subplots(
        rows=1,
        cols=2,
        column_widths=[0.7, 0.3],
        horizontal_spacing=0.13,
        subplot_titles=[labels["state"], labels["top5"]],
    )
    heat = dict(
        type="heatmap",
        z=np.round(trace.a.T, 3),
        x=np.arange(T),
        y=np.arange(trace.n_a),
        colorscale=scale(DIVERGING),
        zmin=-1,
        zmax=1,
        zmid=0,
        colorbar=dict(title=dict(text=NOTATION["a"]), x=0.635, xanchor="left", len=0.9, thickness=14),
        hovertemplate="t=%{x}<br>" + labels["unit"] + " %{y}<br>" + NOTATION["a"] + " = %{z:.3f}<extra></extra>",
        **ref[1, 1][1],
    )
    layout.update(
        shapes=_shade(start, T), height=600, margin=dict(l=60, r=30, t=60, b=170), font=dict(size=14), showlegend=False
    )
    axes(
        layout,
        ref[1, 1],
        x=dict(_ticks(trace), title=dict(text=labels["time"]), range=[-0.5, T - 0.5]),
        y=dict(title=dict(text=labels["unit"])),
    )
    axes(
        layout,
        ref[1, 2],
        x=dict(range=[0, 1.25], title=dict(text=labels["prob"])),
        y=dict(autorange="reversed", showticklabels=False),
    )
    layout.update(player(layout, trace.tokens, labels, start))
    return figure(
        [heat, {**_top5_bar(trace, start), **ref[1, 2][1]}],
        layout,
        frames=[
            dict(name=str(t), data=[_top5_bar(trace, t)], traces=[1], layout=dict(shapes=_shade(t, T)))
            for t in range(T)
        ],
    )


def _top5_bar(trace: Trace, t: int, k: int = 5) -> dict:
    top = trace.top_k(t, k)
    text = [f"{token_label(ch)}  {p:.2f}" for ch, p in top]
    return dict(
        type="bar",
        x=[p for _, p in top],
        y=list(range(1, len(top) + 1)),
        orientation="h",
        text=text,
        textposition="outside",
        textfont=dict(size=16),
        marker=dict(color="#4c78a8"),
        hoverinfo="skip",
        cliponaxis=False,
    )


def gates_figure(trace: Trace, labels: dict | None = None, start: int | None = None) -> go.Figure:
    """Every gate (0..1) and, for gated cells, c~<t> and c<t> over time, animated like a<t>."""
    labels = {**LABELS, **(labels or {})}
    rows = list(trace.gates)
    if trace.c_tilde is not None:
        rows.append("c_tilde")
    if trace.cell == "lstm":
        rows.append("c")
    if not rows:
        rows = ["a"]
    data = {**trace.gates, "c_tilde": trace.c_tilde, "c": trace.c, "a": trace.a}
    T = trace.T
    start = T - 1 if start is None else int(np.clip(start, 0, T - 1))
    layout, ref = subplots(
        rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.04, subplot_titles=[NOTATION[r] for r in rows]
    )
    c_max = float(max(1.0, np.abs(trace.c).max())) if trace.c is not None else 1.0
    axis_of = lambda name: "coloraxis" if name.startswith("gamma") else ("coloraxis3" if name == "c" else "coloraxis2")
    heatmaps = []
    for i, name in enumerate(rows, start=1):
        heatmaps.append(
            dict(
                type="heatmap",
                z=np.round(data[name].T, 3),
                x=np.arange(T),
                y=np.arange(trace.n_a),
                coloraxis=axis_of(name),
                hovertemplate="t=%{x}<br>"
                + labels["unit"]
                + " %{y}<br>"
                + NOTATION[name]
                + " = %{z:.3f}<extra></extra>",
                **ref[i, 1][1],
            )
        )
        axes(layout, ref[i, 1], y=dict(title=dict(text=labels["unit"], font=dict(size=12))))

    def bar(axis: str, title: str) -> dict:
        """A colour bar beside the rows that use `axis`."""
        doms = [layout[ref[i, 1][0][1]]["domain"] for i, r in enumerate(rows, 1) if axis_of(r) == axis]
        lo, hi = min(d[0] for d in doms), max(d[1] for d in doms)
        return dict(title=dict(text=title), y=(lo + hi) / 2, len=hi - lo, thickness=14)

    used = {axis_of(r) for r in rows}
    layout.update(
        height=230 + 180 * len(rows), margin=dict(l=60, r=30, t=50, b=170), font=dict(size=14), shapes=_shade(start, T)
    )
    if "coloraxis" in used:
        layout["coloraxis"] = dict(colorscale=scale(GATE_SCALE), cmin=0, cmax=1, colorbar=bar("coloraxis", "Γ"))
    if "coloraxis2" in used:
        layout["coloraxis2"] = dict(
            colorscale=scale(DIVERGING),
            cmin=-1,
            cmax=1,
            cmid=0,
            colorbar=bar("coloraxis2", NOTATION["c_tilde"] if trace.c_tilde is not None else NOTATION["a"]),
        )
    if "coloraxis3" in used:
        layout["coloraxis3"] = dict(
            colorscale=scale(DIVERGING), cmin=-c_max, cmax=c_max, cmid=0, colorbar=bar("coloraxis3", NOTATION["c"])
        )
    axes(layout, ref[len(rows), 1], x=dict(_ticks(trace), range=[-0.5, T - 0.5], title=dict(text=labels["time"])))
    layout.update(player(layout, trace.tokens, labels, start))
    return figure(heatmaps, layout, frames=[dict(name=str(t), layout=dict(shapes=_shade(t, T))) for t in range(T)])


def unit_curve(trace: Trace, unit: int, labels: dict | None = None) -> go.Figure:
    """One hidden unit over time: a<t>, its gates and (LSTM) c<t>, as lines."""
    labels = {**LABELS, **(labels or {})}
    fig = go.Figure()
    series = {"a": trace.a, **trace.gates}
    if trace.cell == "lstm":
        series["c"] = trace.c
    for name, arr in series.items():
        fig.add_trace(
            go.Scatter(
                x=np.arange(trace.T),
                y=np.round(arr[:, unit], 4),
                mode="lines+markers",
                name=NOTATION[name],
                line=dict(width=3 if name == "a" else 1.5),
            )
        )
    fig.update_layout(
        height=320,
        margin=dict(l=50, r=20, t=30, b=60),
        font=dict(size=14),
        legend=dict(orientation="h", y=1.15),
        hovermode="x unified",
    )
    fig.update_xaxes(_ticks(trace), range=[-0.5, trace.T - 0.5], title_text=labels["time"])
    return fig


def _rgb(v: float) -> str:
    """Diverging colour for v in [-1, 1]: blue < 0 < red, white at 0."""
    v = float(np.clip(v, -1, 1))
    if v >= 0:
        return f"rgb(255,{int(255 * (1 - v))},{int(255 * (1 - v))})"
    return f"rgb({int(255 * (1 + v))},{int(255 * (1 + v))},255)"


def _coloured_text(chars, shades, titles, unknown=None, size: int = 22, line_height: float = 1.8) -> str:
    """Characters on backgrounds of _rgb(shade) (shade in [-1, 1]), each with a hover title; newlines kept as <br>,
    spaces as &nbsp;, every character HTML-escaped (user text never becomes HTML); `unknown` ones outlined in red."""
    parts = []
    for i, (ch, v, title) in enumerate(zip(chars, shades, titles)):
        if ch == "\n":
            parts.append("<br>")
            continue
        shown = "&nbsp;" if ch == " " else html.escape(ch)
        outline = "outline:2px dashed #d62728;" if unknown is not None and unknown[i] else ""
        parts.append(f'<span title="{title}" style="background:{_rgb(v)};{outline}padding:1px 0">{shown}</span>')
    return (
        f'<div style="font-family:monospace;font-size:{size}px;line-height:{line_height:g};color:#111;'
        'word-break:break-all">' + "".join(parts) + "</div>"
    )


def values_text_html(text: str, values, size: int = 22) -> str:
    """`text` with each character's background coloured by its value (scaled by the largest |value|: red
    positive, blue negative); newlines kept, every character HTML-escaped. A hypothesis (0/1, a depth, a column)
    or a unit's values over a passage."""
    values = np.nan_to_num(np.asarray(values, dtype=float))
    scale = float(np.abs(values).max()) if len(values) else 0.0
    scale = scale if scale > 0 else 1.0
    return _coloured_text(text, values / scale, [f"{v:.3f}" for v in values], size=size)


def unit_text_html(trace: Trace, unit: int, field: str = "a") -> str:
    """The input text with each character's background coloured by one unit's value after reading it.

    Every character is HTML-escaped: user text is never interpreted as HTML.
    Unknown characters get a dashed red outline.
    """
    values = {"a": trace.a, "c": trace.c, "c_tilde": trace.c_tilde}.get(field)
    values = (trace.gates[field] if values is None else values)[1:, unit]  # step t reads tokens[t]; t = 0 is ⏎
    scale = max(1.0, float(np.abs(values).max())) if field == "c" else 1.0
    titles = [f"t={t} {html.escape(field)}={v:.3f}" for t, v in enumerate(values, 1)]
    return _coloured_text(trace.tokens[1:], values / scale, titles, trace.unknown[1:], line_height=1.9)


# --- how far back each cell reaches: connectivity, and the cells side by side --------------------------------
REACH_DECADES = 6  # the colour scale spans this many factors of 10 below the largest C[t, t']
REACH_SCALE = "YlOrRd"  # pale = weak, red = strong; black characters stay readable on every shade
REACH_LEVELS = 121  # shades of the coloured text: steps of REACH_STEP = 0.05 factors of 10 (12% apart)
REACH_STEP = REACH_DECADES / (REACH_LEVELS - 1)
BLANK = 200  # the coloured text's code for "no path" (white); 255 would base64-encode as "////", which plotly's JSON
# writer escapes to 24 characters
REACH_LABELS = {
    "t": "output step t (ŷ<sup>&lt;t&gt;</sup>)",
    "t_prime": "input step t′ (x<sup>&lt;t′&gt;</sup>)",
    "norm": "‖∂z<sup>&lt;t&gt;</sup>/∂x<sup>&lt;t′&gt;</sup>‖",
    "strip": "the text coloured by C[t, t′] for the chosen output step t (boxed)",
}


def _log10(C: np.ndarray) -> np.ndarray:
    """log10 C, NaN where C is exactly 0 (no path at all: t' after t, or before a line start)."""
    with np.errstate(divide="ignore"):
        out = np.log10(C)
    out[~np.isfinite(out)] = np.nan
    return out


def reach_figure(conns: dict, start: int | None = None, labels: dict | None = None, width: int = 60) -> go.Figure:
    """Connectivity C[t, t'] = ‖∂z<t>/∂x<t'>‖ of each cell side by side (t' on x, t on y, one log colour scale
    for all), and under them the text coloured by C[t, ·] for one output step t; ▶ Play walks t over the text.

    Args:
        conns: {"rnn": Connectivity, ...} of the same text.
        start: the output step t shown first (default: the last).
        width: characters per line of the coloured text.
    Returns:
        The figure; data[i] is cell i's heatmap with z = log10 C (NaN where C = 0), rounded to 3 decimals, and
        data[n] the text, coloured by codes round((log10 C[t, t'] - cmin) / REACH_STEP) (BLANK: no path).
    """
    labels = {**LABELS, **REACH_LABELS, **(labels or {})}
    cells = list(conns)
    n, first = len(cells), conns[cells[0]]
    T = first.T
    start = T - 1 if start is None else int(np.clip(start, 0, T - 1))
    logs = {c: _log10(conns[c].C).astype(np.float32) for c in cells}
    top = max((np.nanmax(z) for z in logs.values() if np.isfinite(z).any()), default=0.0)
    hi = float(np.ceil(top))
    lo = hi - REACH_DECADES
    W = min(T, width)
    lines = int(np.ceil(T / W))
    per = lines + 1  # rows of the strip per cell: its lines and a blank one
    heat_px, gap_px, strip_px = 360, 120, 26 * (n * per - 1)  # heights in pixels
    plot_px = heat_px + gap_px + strip_px
    layout, ref = subplots(
        rows=2,
        cols=n,
        specs=[[{}] * n, [{"colspan": n}] + [None] * (n - 1)],
        row_heights=[heat_px / (heat_px + strip_px), strip_px / (heat_px + strip_px)],
        vertical_spacing=gap_px / plot_px,
        horizontal_spacing=0.06,
        subplot_titles=[c.upper() for c in cells] + [labels["strip"]],
    )
    data = []
    for i, c in enumerate(cells, start=1):
        data.append(
            dict(
                type="heatmap",
                z=np.round(logs[c], 3),
                x=np.arange(T),
                y=np.arange(T),
                coloraxis="coloraxis",
                hovertemplate="t=%{y} · t′=%{x}<br>" + labels["norm"] + " = 10<sup>%{z:.2f}</sup><extra></extra>",
                **ref[1, i][1],
            )
        )
        axes(
            layout,
            ref[1, i],
            x=dict(_step_ticks(first, 16), range=[-0.5, T - 0.5], title=dict(text=labels["t_prime"])),
            y=dict(_step_ticks(first, 24), range=[T - 0.5, -0.5], title=dict(text=labels["t"] if i == 1 else "")),
        )
    rows_of = np.arange(T) // W  # the strip's line of each character
    cols_of = np.arange(T) % W
    strip_ref = ref[2, 1]

    def strip(t: int) -> dict:
        """Row t of each matrix on the text, as one byte per character (REACH_LEVELS shades from lo to hi; BLANK
        where there is no path or the character is not read yet): a frame per step stays small."""
        z = np.full((n * per - 1, W), BLANK, dtype=np.uint8)
        for i, c in enumerate(cells):
            v = logs[c][t, : t + 1]
            codes = np.clip(np.round((v - lo) / REACH_STEP), 0, REACH_LEVELS - 1)
            z[i * per + rows_of[: t + 1], cols_of[: t + 1]] = np.where(np.isnan(v), BLANK, codes)
        return dict(type="heatmap", z=z, coloraxis="coloraxis2", hoverinfo="skip", **strip_ref[1])

    chars = [token_label(tok, bool(u)) for tok, u in zip(first.tokens, first.unknown)]
    text = dict(
        type="scatter",
        mode="text",
        x=np.tile(cols_of, n),
        y=np.concatenate([i * per + rows_of for i in range(n)]),
        text=chars * n,
        textfont=dict(size=15, family="monospace", color="#111"),
        hoverinfo="skip",
        showlegend=False,
        **strip_ref[1],
    )
    axes(
        layout,
        strip_ref,
        x=dict(visible=False, range=[-0.5, W - 0.5]),
        y=dict(
            range=[n * per - 1.5, -0.5],
            tickmode="array",
            tickvals=[i * per + (lines - 1) / 2 for i in range(n)],
            ticktext=[c.upper() for c in cells],
            showgrid=False,
            zeroline=False,
        ),
    )
    heat_refs = [ref[1, i][1] for i in range(1, n + 1)]

    def boxes(t: int) -> list[dict]:
        """A box round row t of each heatmap (C[t, t'] for t' ≤ t) and round character t in each line of text."""
        line = dict(color="#1f77b4", width=2)
        r, col = int(rows_of[t]), int(cols_of[t])
        return [
            *(
                dict(
                    type="rect",
                    xref=h["xaxis"],
                    yref=h["yaxis"],
                    x0=-0.5,
                    x1=t + 0.5,
                    y0=t - 0.5,
                    y1=t + 0.5,
                    line=line,
                )
                for h in heat_refs
            ),
            *(
                dict(
                    type="rect",
                    xref=strip_ref[1]["xaxis"],
                    yref=strip_ref[1]["yaxis"],
                    x0=col - 0.5,
                    x1=col + 0.5,
                    y0=i * per + r - 0.5,
                    y1=i * per + r + 0.5,
                    line=line,
                )
                for i in range(n)
            ),
        ]

    shades = scale(REACH_SCALE)
    top_code = (REACH_LEVELS - 1) / BLANK  # where the last shade sits on the strip's 0..BLANK colour axis
    layout.update(
        height=plot_px + 50 + 170,
        margin=dict(l=70, r=30, t=50, b=170),
        font=dict(size=14),
        showlegend=False,
        shapes=boxes(start),
        coloraxis2=dict(  # the strip: codes 0..REACH_LEVELS-1 as the heatmaps' shades, BLANK white
            colorscale=[[p * top_code, c] for p, c in shades] + [[(REACH_LEVELS - 0.5) / BLANK, "white"], [1, "white"]],
            cmin=0,
            cmax=BLANK,
            showscale=False,
        ),
        coloraxis=dict(
            colorscale=shades,
            cmin=lo,
            cmax=hi,
            colorbar=dict(
                title=dict(text=labels["norm"]),
                tickvals=list(range(int(lo), int(hi) + 1)),
                ticktext=[f"10<sup>{k}</sup>" for k in range(int(lo), int(hi) + 1)],
                thickness=14,
                len=0.6,
                y=1,
                yanchor="top",
            ),
        ),
    )
    layout.update(player(layout, first.tokens, labels, start))
    return figure(
        [*data, strip(start), text],
        layout,
        frames=[  # per step only what changes: the text's colours and the boxes
            dict(name=str(t), data=[dict(type="heatmap", z=strip(t)["z"])], traces=[n], layout=dict(shapes=boxes(t)))
            for t in range(T)
        ],
    )


def compare_states_figure(traces: dict, t: int, labels: dict | None = None) -> go.Figure:
    """a<t> of every unit over time for each cell, side by side (small multiples, one colour scale), with a veil
    over the characters after step t."""
    labels = {**LABELS, **(labels or {})}
    cells = list(traces)
    first = traces[cells[0]]
    T = first.T
    t = int(np.clip(t, 0, T - 1))
    layout, ref = subplots(rows=1, cols=len(cells), horizontal_spacing=0.05, subplot_titles=[c.upper() for c in cells])
    data, shapes = [], []
    for i, c in enumerate(cells, start=1):
        tr = traces[c]
        data.append(
            dict(
                type="heatmap",
                z=np.round(tr.a.T, 3),
                x=np.arange(T),
                y=np.arange(tr.n_a),
                coloraxis="coloraxis",
                hovertemplate="t=%{x}<br>"
                + labels["unit"]
                + " %{y}<br>"
                + NOTATION["a"]
                + " = %{z:.3f}<extra></extra>",
                **ref[1, i][1],
            )
        )
        axes(
            layout,
            ref[1, i],
            x=dict(_step_ticks(tr, 24), range=[-0.5, T - 0.5], title=dict(text=labels["time"])),
            y=dict(title=dict(text=labels["unit"] if i == 1 else "")),
        )
        shapes += _shade(t, T, xref=ref[1, i][1]["xaxis"], yref=ref[1, i][1]["yaxis"] + " domain")
    layout.update(
        height=380,
        margin=dict(l=60, r=30, t=50, b=80),
        font=dict(size=14),
        shapes=shapes,
        coloraxis=dict(
            colorscale=scale(DIVERGING),
            cmin=-1,
            cmax=1,
            cmid=0,
            colorbar=dict(title=dict(text=NOTATION["a"]), thickness=14),
        ),
    )
    return figure(data, layout)


# --- gradients through time ---------------------------------------------------------------
CELL_COLORS = {"rnn": "#d62728", "gru": "#2ca02c", "lstm": "#1f77b4"}
GRAD_LABELS = {
    "distance": "distance from the last step, T − t",
    "norm": "‖∂L/∂a<sup>&lt;t&gt;</sup>‖",
    "sigma": "largest singular value of ∂a<sup>&lt;T&gt;</sup>/∂a<sup>&lt;t&gt;</sup>",
    "bound": "bound ‖W<sub>aa</sub>‖₂<sup>T−t</sup>",
    "overflow": "overflow (inf / NaN)",
    "underflow": "underflow (exactly 0)",
    "clipped": "clipped",
    "k": "distractors k",
    "accuracy": "held-out accuracy",
    "chance": "chance",
}


def _log_range(arrays) -> tuple[float, float]:
    vals = np.concatenate([np.asarray(a, dtype=float).ravel() for a in arrays])
    ok = vals[np.isfinite(vals) & (vals > 0)]
    if not ok.size:
        return -1.0, 1.0
    return float(np.floor(np.log10(ok.min())) - 1), float(np.ceil(np.log10(ok.max())) + 1)


def _log_series(fig, x, y, name, color, lo, hi, row, col, labels, clipped=None, show_legend=True):
    """A log-scale line with inf/NaN drawn at the top and exact zeros at the bottom, as such."""
    y = np.asarray(y, dtype=float)
    finite = np.isfinite(y) & (y > 0)
    fig.add_trace(
        go.Scatter(
            x=x[finite],
            y=y[finite],
            mode="lines+markers",
            name=name,
            legendgroup=name,
            marker=dict(size=4, color=color),
            line=dict(color=color, width=2.5),
            showlegend=show_legend,
            hovertemplate="T−t=%{x}<br>%{y:.3e}<extra>" + name + "</extra>",
        ),
        row,
        col,
    )
    over = ~np.isfinite(y)
    if over.any():
        fig.add_trace(
            go.Scatter(
                x=x[over],
                y=np.full(over.sum(), 10**hi),
                mode="markers+text",
                text=[
                    ("inf" if np.isinf(v) else "NaN") if i == 0 or np.isinf(v) != np.isinf(y[over][i - 1]) else ""
                    for i, v in enumerate(y[over])
                ],
                textposition="bottom center",
                textfont=dict(size=15, color=color),
                marker=dict(symbol="x", size=9, color=color),
                name=labels["overflow"],
                legendgroup="overflow",
                showlegend=False,
                hoverinfo="skip",
            ),
            row,
            col,
        )
    zero = np.isfinite(y) & (y == 0)
    if zero.any():
        fig.add_trace(
            go.Scatter(
                x=x[zero],
                y=np.full(zero.sum(), 10**lo),
                mode="markers",
                marker=dict(symbol="triangle-down", size=7, color=color),
                name=labels["underflow"],
                legendgroup="underflow",
                showlegend=False,
                hovertemplate="T−t=%{x}<br>0<extra></extra>",
            ),
            row,
            col,
        )
    if clipped is not None and np.any(clipped):
        c = np.asarray(clipped) & finite
        fig.add_trace(
            go.Scatter(
                x=x[c],
                y=y[c],
                mode="markers",
                name=labels["clipped"],
                marker=dict(symbol="circle-open", size=11, color="#ff7f0e", line=dict(width=2)),
                legendgroup="clipped",
                showlegend=False,
                hoverinfo="skip",
            ),
            row,
            col,
        )


def grad_norms_figure(traces: dict, labels: dict | None = None) -> go.Figure:
    """‖∂L/∂a<t>‖ against the distance T − t, one panel per cell side by side, log scale.

    Args:
        traces: {"rnn": GradTrace, "gru": GradTrace, "lstm": GradTrace}.
    """
    labels = {**GRAD_LABELS, **(labels or {})}
    cells = list(traces)
    lo, hi = _log_range([tr.norms for tr in traces.values()])
    fig = make_subplots(
        rows=1, cols=len(cells), shared_yaxes=True, horizontal_spacing=0.03, subplot_titles=[c.upper() for c in cells]
    )
    for i, cell in enumerate(cells, start=1):
        tr = traces[cell]
        _log_series(
            fig,
            tr.distance,
            tr.norms,
            cell.upper(),
            CELL_COLORS[cell],
            lo,
            hi,
            1,
            i,
            labels,
            clipped=tr.clipped,
            show_legend=False,
        )
        fig.update_xaxes(title_text=labels["distance"], row=1, col=i)
    fig.update_yaxes(
        type="log", range=[lo - 0.3, hi + 0.3], exponentformat="power", title_text=labels["norm"], row=1, col=1
    )
    fig.update_yaxes(type="log", range=[lo - 0.3, hi + 0.3], exponentformat="power")
    fig.update_layout(height=430, margin=dict(l=70, r=20, t=50, b=60), font=dict(size=14), showlegend=False)
    return fig


def jacobian_figure(spectra: dict, bound: np.ndarray | None = None, labels: dict | None = None) -> go.Figure:
    """σ_max(∂a<T>/∂a<t>) against T − t for each cell, with the ‖W_aa‖₂^(T−t) bound of a tanh RNN."""
    labels = {**GRAD_LABELS, **(labels or {})}
    arrays = [s[:, 0] for s in spectra.values()] + ([bound] if bound is not None else [])
    lo, hi = _log_range(arrays)
    fig = make_subplots(rows=1, cols=1)
    for cell, sv in spectra.items():
        d = np.arange(len(sv))[::-1].copy()
        _log_series(fig, d, sv[:, 0], cell.upper(), CELL_COLORS[cell], lo, hi, 1, 1, labels)
    if bound is not None:
        d = np.arange(len(bound))[::-1].copy()
        ok = np.isfinite(bound) & (bound > 0)
        fig.add_trace(
            go.Scatter(
                x=d[ok],
                y=bound[ok],
                mode="lines",
                name=labels["bound"],
                line=dict(color=CELL_COLORS["rnn"], dash="dash", width=1.5),
            )
        )
    fig.update_yaxes(type="log", range=[lo - 0.3, hi + 0.3], exponentformat="power", title_text=labels["sigma"])
    fig.update_xaxes(title_text=labels["distance"])
    fig.update_layout(
        height=400, margin=dict(l=70, r=20, t=30, b=60), font=dict(size=14), legend=dict(orientation="h", y=1.08)
    )
    return fig


def longrange_figure(result, labels: dict | None = None) -> go.Figure:
    """Held-out accuracy against the number of distractors k, one line per cell; chance is 50%."""
    labels = {**GRAD_LABELS, **(labels or {})}
    fig = go.Figure()
    style = {"rnn": ("solid", "circle", 12), "gru": ("dash", "square", 14), "lstm": ("dot", "diamond", 10)}
    for cell, acc in result.accuracy.items():  # distinct dashes and markers: equal lines stay visible
        dash, symbol, size = style.get(cell, ("solid", "circle", 10))
        fig.add_trace(
            go.Scatter(
                x=list(result.ks),
                y=acc,
                mode="lines+markers",
                name=cell.upper(),
                line=dict(color=CELL_COLORS[cell], width=3, dash=dash),
                marker=dict(size=size, symbol=symbol),
            )
        )
    fig.add_hline(y=0.5, line=dict(dash="dot", color="gray"), annotation_text=labels["chance"])
    fig.update_xaxes(title_text=labels["k"], type="log", tickvals=list(result.ks))
    fig.update_yaxes(title_text=labels["accuracy"], range=[0.3, 1.05], tickformat=".0%")
    fig.update_layout(
        height=380, margin=dict(l=70, r=20, t=30, b=60), font=dict(size=14), legend=dict(orientation="h", y=1.1)
    )
    return fig


# --- language models ----------------------------------------------------------------------
LM_LABELS = {
    "raw": "model ŷ<sup>&lt;t&gt;</sup>",
    "adjusted": "after temperature / top-k",
    "chosen": "sampled",
    "prob": "probability",
    "char": "next character",
}


def sample_animation(s, labels: dict | None = None) -> go.Figure:
    """Sampling step by step: ŷ<t> over every character, the reshaped distribution, the pick, the text so far."""
    labels = {**LM_LABELS, **(labels or {})}
    T = len(s.chosen)
    chars = [token_label(c) for c in s.vocab]
    x = list(range(len(chars)))

    def traces(t: int) -> list:
        colors = ["#d62728" if i == s.chosen[t] else "#4c78a8" for i in x]
        return [
            dict(
                type="bar",
                x=x,
                y=np.round(s.raw[t], 4),
                name=labels["raw"],
                marker=dict(color="rgba(150,150,150,0.45)"),
            ),
            dict(type="bar", x=x, y=np.round(s.probs[t], 4), name=labels["adjusted"], marker=dict(color=colors)),
        ]

    def text_so_far(t: int) -> dict:
        shown = "".join(s.vocab[i] for i in s.chosen[: t + 1]).replace("\n", " ⏎ ")[-60:]
        return dict(
            text="<b>" + html.escape(shown) + "▌</b>",
            x=0,
            y=1.14,
            xref="paper",
            yref="paper",
            xanchor="left",
            showarrow=False,
            font=dict(size=22, family="monospace"),
        )

    start = T - 1
    layout = dict(
        barmode="overlay",
        height=480,
        margin=dict(l=60, r=20, t=90, b=150),
        font=dict(size=14),
        annotations=[text_so_far(start)],
        legend=dict(orientation="h", y=1.02, x=1, xanchor="right"),
        yaxis=dict(range=[0, 1.02], title=dict(text=labels["prob"])),
        xaxis=dict(
            tickmode="array", tickvals=x, ticktext=chars, title=dict(text=labels["char"]), tickfont=dict(size=16)
        ),
    )
    layout.update(player(layout, [s.vocab[i] for i in s.chosen], {**LABELS, **labels}, start))
    return figure(
        traces(start),
        layout,
        frames=[dict(name=str(t), data=traces(t), layout=dict(annotations=[text_so_far(t)])) for t in range(T)],
    )


def surprise_html(score) -> str:
    """The scored text, each character shaded by its surprise −log₂ P (white = expected, red = surprising).

    Every character is HTML-escaped; unknown characters get a dashed outline.
    """
    parts = []
    for ch, p, known in zip(score.chars, score.p, score.known):
        if ch == "\n":
            parts.append('<span style="color:#999">⏎</span><br>')
            continue
        bits = min(-np.log2(p), 10.0) / 10.0 if known else 0.0
        shade = int(255 * (1 - bits))
        shown = "&nbsp;" if ch == " " else html.escape(ch)
        outline = "" if known else "outline:2px dashed #d62728;"
        tip = f"P={p:.3f}" if known else "unknown"
        parts.append(
            f'<span title="{tip}" style="background:rgb(255,{shade},{shade});{outline}padding:1px 0">{shown}</span>'
        )
    return (
        '<div style="font-family:monospace;font-size:22px;line-height:1.9;color:#111;word-break:break-all">'
        + "".join(parts)
        + "</div>"
    )
