"""Figures of the Transformer page: the attention weights of every head, the positional encodings, and one query's
softmax weights over its keys. Arrays in, plotly Figures out; no Streamlit here."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from seqviz.core.vocab import display
from seqviz.viz.base import DIVERGING, axes, figure, scale, subplots, token_label

TF_LABELS = {  # English defaults; the UI passes translated ones
    "head": "head {i}",
    "weight": "weight",
    "query": "query (row)",
    "key": "key (column)",
    "masked": "blocked by the look-ahead mask",
    "position": "position pos (input character)",
    "dimension": "column of PE (0 … d<sub>model</sub> − 1)",
    "pe": "PE",
    "pos": "position pos",
    "column": "PE(pos, {j})",
    "score": "score q·k / √d<sub>k</sub>",
}
LINE_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


def _ticks(chars: list[str], size: int = 13) -> dict:
    """One tick per character (an empty list draws no ticks)."""
    return dict(
        tickmode="array",
        tickvals=list(range(len(chars))),
        ticktext=[token_label(c) for c in chars],
        tickangle=0,
        tickfont=dict(size=size if len(chars) <= 24 else 10),
    )


def _lookahead(T: int, ref: tuple) -> dict:
    """A grey staircase over the cells above the diagonal of a T x T heatmap: the keys the mask blocks."""
    pts = [(0.5, -0.5), (T - 0.5, -0.5), (T - 0.5, T - 1.5)]
    for i in range(T - 2, -1, -1):  # down the staircase, row by row, back to the top left
        pts += [(i + 0.5, i + 0.5), (i + 0.5, i - 0.5)]
    path = "M " + " L ".join(f"{x},{y}" for x, y in pts) + " Z"
    (xk, yk), kw = ref
    return dict(
        type="path",
        path=path,
        xref=kw.get("xaxis", "x"),
        yref=kw.get("yaxis", "y"),
        fillcolor="rgba(110,110,110,0.28)",
        line=dict(color="rgba(110,110,110,0.6)", width=1),
        layer="above",
    )


def heads_figure(
    weights: np.ndarray,
    q_labels: list[str],
    k_labels: list[str],
    labels: dict | None = None,
    causal: bool = False,
    cols: int | None = None,
) -> go.Figure:
    """Every head's attention weights as a heatmap, side by side: one row per query, one column per key.

    Args:
        weights: (h, Tq, Tk) one layer's weights; every row sums to 1 (over the keys it may look at).
        q_labels, k_labels: the Tq query and the Tk key characters.
        causal: grey out the cells above the diagonal (the decoder's look-ahead mask; their weights are 0).
        cols: heatmaps per row (default 2 when there are more than 2 heads, so that each stays readable).
    """
    labels = {**TF_LABELS, **(labels or {})}
    w = np.asarray(weights, dtype=float)
    h, Tq, Tk = w.shape
    cols = cols or (h if h <= 2 else 2)
    rows = int(np.ceil(h / cols))
    layout, ref = subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[labels["head"].format(i=i + 1) for i in range(h)],
        horizontal_spacing=0.08,
        vertical_spacing=min(0.3, 90 / (rows * (60 + 24 * Tq) + 1)) if rows > 1 else 0.1,
    )
    qs = [html.escape(display(c)) for c in q_labels]
    ks = [html.escape(display(c)) for c in k_labels]
    hover = [[f"{qs[i]} → {ks[j]}" for j in range(Tk)] for i in range(Tq)]
    data, shapes = [], []
    for i in range(h):
        r = ref[i // cols + 1, i % cols + 1]
        data.append(
            dict(
                type="heatmap",
                z=np.round(w[i], 4),
                x=list(range(Tk)),
                y=list(range(Tq)),
                zmin=0,
                zmax=1,
                colorscale=scale("Blues"),
                showscale=i == 0,
                colorbar=dict(title=dict(text=labels["weight"]), thickness=14, len=min(1.0, 0.5 * rows)),
                customdata=hover,
                hovertemplate="%{customdata}<br>" + labels["weight"] + " = %{z:.3f}<extra></extra>",
                **r[1],
            )
        )
        last_row = i // cols == rows - 1 or i + cols >= h
        axes(
            layout,
            r,
            x=dict(_ticks(k_labels), **({"title": dict(text=labels["key"])} if last_row else {})),
            y=dict(
                _ticks(q_labels),
                autorange="reversed",
                **({"title": dict(text=labels["query"])} if i % cols == 0 else {}),
            ),
        )
        if causal and Tq == Tk and Tq > 1:
            shapes.append(_lookahead(Tq, r))
    height = rows * (60 + 24 * Tq) + 150
    layout.update(height=height, margin=dict(l=70, r=20, t=50, b=70), font=dict(size=13))
    if shapes:
        layout["shapes"] = shapes
    return figure(data, layout)


def pe_figure(pe: np.ndarray, tokens: list[str], labels: dict | None = None) -> go.Figure:
    """The positional encodings PE (T x d_model) the encoder adds to its T input characters: one row per position,
    one column per dimension, on a diverging scale from −1 (blue) to 1 (red)."""
    labels = {**TF_LABELS, **(labels or {})}
    pe = np.asarray(pe, dtype=float)
    T, d = pe.shape
    rows = [f"{p} · {display(c)}" for p, c in zip(range(T), tokens)] + [str(p) for p in range(len(tokens), T)]
    data = [
        dict(
            type="heatmap",
            z=np.round(pe, 4),
            x=list(range(d)),
            y=list(range(T)),
            zmin=-1,
            zmax=1,
            zmid=0,
            colorscale=scale(DIVERGING),
            colorbar=dict(title=dict(text=labels["pe"]), thickness=14),
            customdata=[[html.escape(rows[p])] * d for p in range(T)],
            hovertemplate="pos %{customdata}, j = %{x}<br>PE = %{z:.3f}<extra></extra>",
        )
    ]
    layout = dict(
        height=140 + 22 * T,
        margin=dict(l=90, r=20, t=20, b=60),
        font=dict(size=13),
        xaxis=dict(title=dict(text=labels["dimension"])),
        yaxis=dict(
            title=dict(text=labels["position"]),
            autorange="reversed",
            tickmode="array",
            tickvals=list(range(T)),
            ticktext=[html.escape(r) for r in rows],
            tickfont=dict(size=12 if T <= 30 else 9),
        ),
    )
    return figure(data, layout)


def pe_curves(pe: np.ndarray, columns: list[int], labels: dict | None = None, marked: int = 0) -> go.Figure:
    """A few columns of PE over the positions, one line each: the low columns turn fast, the high ones slowly.
    The first `marked` positions (the input's characters) are shaded."""
    labels = {**TF_LABELS, **(labels or {})}
    pe = np.asarray(pe, dtype=float)
    T = pe.shape[0]
    data = [
        dict(
            type="scatter",
            x=list(range(T)),
            y=np.round(pe[:, j], 4),
            mode="lines+markers",
            name=labels["column"].format(j=j) + (" · sin" if j % 2 == 0 else " · cos"),
            line=dict(color=LINE_COLORS[n % len(LINE_COLORS)], width=2.5, dash="solid" if j % 2 == 0 else "dot"),
            marker=dict(size=5),
            hovertemplate="pos %{x}: %{y:.3f}<extra></extra>",
        )
        for n, j in enumerate(columns)
        if 0 <= j < pe.shape[1]
    ]
    shapes = (  # the input's own positions, shaded
        [
            dict(
                type="rect",
                xref="x",
                yref="paper",
                x0=-0.5,
                x1=marked - 0.5,
                y0=0,
                y1=1,
                fillcolor="rgba(31,119,180,0.07)",
                line=dict(width=0),
                layer="below",
            )
        ]
        if marked
        else []
    )
    layout = dict(
        height=340,
        margin=dict(l=70, r=20, t=40, b=60),
        font=dict(size=13),
        legend=dict(orientation="h", y=1.12),
        xaxis=dict(title=dict(text=labels["pos"]), range=[-0.5, T - 0.5]),
        yaxis=dict(title=dict(text=labels["pe"]), range=[-1.1, 1.1]),
        **({"shapes": shapes} if shapes else {}),
    )
    return figure(data, layout)


def query_figure(keys: list[str], weights: np.ndarray, scores: np.ndarray, labels: dict | None = None) -> go.Figure:
    """One query's softmax weights over its keys as bars (each with its weight written on it); a key the mask
    blocks gets weight 0 and is marked."""
    labels = {**TF_LABELS, **(labels or {})}
    w, s = np.asarray(weights, dtype=float), np.asarray(scores, dtype=float)
    blocked = np.isneginf(s)
    data = [
        dict(
            type="bar",
            x=list(range(len(keys))),
            y=np.round(w, 4),
            marker=dict(color=["#c7c7c7" if b else "#1f77b4" for b in blocked]),
            text=["✕" if b else (f"{v:.2f}" if v >= 0.01 else "") for v, b in zip(w, blocked)],
            textposition="outside",
            cliponaxis=False,
            customdata=[
                [html.escape(display(k)), labels["masked"] if b else f"{sc:.3f}"] for k, sc, b in zip(keys, s, blocked)
            ],
            hovertemplate="%{customdata[0]}<br>"
            + labels["score"]
            + ": %{customdata[1]}<br>"
            + labels["weight"]
            + " = %{y:.3f}<extra></extra>",
            showlegend=False,
        )
    ]
    layout = dict(
        height=320,
        margin=dict(l=70, r=20, t=30, b=60),
        font=dict(size=14),
        xaxis=dict(_ticks(keys, 15), title=dict(text=labels["key"]), range=[-0.6, len(keys) - 0.4]),
        yaxis=dict(title=dict(text=labels["weight"]), range=[0, 1.15]),
        bargap=0.15,
    )
    return figure(data, layout)
