"""Figures of the named-entity topic: the user's text with its entities coloured, ŷ<t> of two taggers side by side
(the Teddy pair), and →a<t>, ←a<t> and ŷ<t> of one sentence, step by step."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from seqviz.ner.models import Tagging
from seqviz.viz.base import DIVERGING, LABELS, axes, figure, player, scale, subplots, token_label

COLORS = {"PER": "#e45756", "LOC": "#54a24b", "ORG": "#4c78a8"}  # entity type -> colour (others: grey)
OTHER = "#9d755d"
NER_LABELS = {
    **LABELS,
    "fwd": "→a<sup>&lt;t&gt;</sup>: read x<sup>&lt;1&gt;</sup> … x<sup>&lt;t&gt;</sup>",
    "bwd": "←a<sup>&lt;t&gt;</sup>: read x<sup>&lt;T<sub>x</sub>&gt;</sup> … x<sup>&lt;t&gt;</sup>",
    "y_hat": "ŷ<sup>&lt;t&gt;</sup>: P(tag)",
    "unit": "unit",
    "time": "token x<sup>&lt;t&gt;</sup>",
    "tag": "tag",
    "prob": "P",
}


def color(kind: str) -> str:
    """The colour of an entity type."""
    return COLORS.get(kind, OTHER)


def tagged_html(tg: Tagging, labels: dict | None = None) -> str:
    """The text with each entity on a coloured background and its type after it (HTML-escaped, safe to show)."""
    out, pos = [], 0
    for e in tg.entities:
        out.append(html.escape(tg.text[pos : e["start"]]))
        c = color(e["type"])
        out.append(
            f'<span style="background:{c}22;border:2px solid {c};border-radius:6px;padding:1px 4px;margin:0 1px" '
            f'title="{html.escape(e["type"])} {e["p"]:.2f}">{html.escape(e["text"])}'
            f'<sup style="color:{c};font-weight:700;margin-left:3px">{html.escape(e["type"])}</sup></span>'
        )
        pos = e["end"]
    out.append(html.escape(tg.text[pos:]))
    return '<div style="font-size:1.2rem;line-height:2.1;white-space:pre-wrap">' + "".join(out) + "</div>"


def _ticks(tokens: list[str], known, focus: int | None = None) -> dict:
    every = max(1, int(np.ceil(len(tokens) / 60)))
    idx = list(range(0, len(tokens), every))
    text = [token_label(tokens[i], not bool(known[i])) for i in idx]
    if focus is not None and focus in idx:
        text[idx.index(focus)] = f"<b>{text[idx.index(focus)]}</b>"
    return dict(
        tickmode="array",
        tickvals=idx,
        ticktext=text,
        tickangle=0 if sum(len(tokens[i]) + 1 for i in idx) <= 45 else -50,
        tickfont=dict(size=14 if len(tokens) <= 20 else 11),
    )


def _y_hat_heat(tg: Tagging, ref, show_scale: bool, text: bool = True) -> dict:
    return dict(
        type="heatmap",
        z=np.round(tg.y_hat.T, 3),
        x=np.arange(len(tg.tokens)),
        y=list(tg.tag_names),
        zmin=0,
        zmax=1,
        colorscale=scale("Blues"),
        showscale=show_scale,
        colorbar=dict(title=dict(text="ŷ"), len=0.5, thickness=12),
        **(dict(texttemplate="%{z:.2f}", textfont=dict(size=11)) if text else {}),
        hovertemplate="%{y}: %{z:.3f}<extra></extra>",
        **ref[1],
    )


def pair_figure(panels: list[tuple[str, Tagging]], focus: int, cols: int = 2, labels: dict | None = None) -> go.Figure:
    """ŷ<t> (tags x tokens) of taggers on sentences, one heatmap each, in a grid of `cols` columns; the column of
    token `focus` (the word whose tag only the words after it decide) is framed in every panel."""
    labels = {**NER_LABELS, **(labels or {})}
    rows = int(np.ceil(len(panels) / cols))
    layout, ref = subplots(
        rows=rows,
        cols=cols,
        subplot_titles=[title for title, _ in panels],
        horizontal_spacing=0.12,
        vertical_spacing=0.26 if rows > 1 else 0.1,
    )
    data, shapes = [], []
    for i, (_, tg) in enumerate(panels):
        r = ref[i // cols + 1, i % cols + 1]
        data.append(_y_hat_heat(tg, r, show_scale=i == 0))
        axes(
            layout, r, x=dict(_ticks(tg.tokens, tg.known, focus)), y=dict(autorange="reversed", tickfont=dict(size=12))
        )
        xk, yk = r[1]["xaxis"], r[1]["yaxis"]
        if 0 <= focus < len(tg.tokens):
            shapes.append(
                dict(
                    type="rect",
                    xref=xk,
                    yref=yk,
                    x0=focus - 0.5,
                    x1=focus + 0.5,
                    y0=-0.5,
                    y1=len(tg.tag_names) - 0.5,
                    line=dict(color="#d62728", width=3),
                )
            )
    layout.update(
        height=300 * rows + 80, margin=dict(l=70, r=30, t=60, b=60), font=dict(size=14), shapes=shapes, showlegend=False
    )
    return figure(data, layout)


def _veils(t: int, T: int, refs: list, bidirectional: bool) -> list[dict]:
    """At step t: the tokens →a<t> has read (1..t) and those ←a<t> has read (t..Tx) framed, ŷ<t>'s column framed."""
    spans = [(-0.5, t + 0.5, "#f58518")]
    if bidirectional:
        spans.append((t - 0.5, T - 0.5, "#7b3fbf"))
    spans.append((t - 0.5, t + 0.5, "#222222"))
    return [
        dict(
            type="rect",
            xref=r[1]["xaxis"],
            yref=f"{r[1]['yaxis']} domain",
            x0=x0,
            x1=x1,
            y0=0,
            y1=1,
            line=dict(color=c, width=3),
        )
        for (x0, x1, c), r in zip(spans, refs)
    ]


def states_figure(tg: Tagging, labels: dict | None = None, start: int = 0) -> go.Figure:
    """→a<t>, ←a<t> (units x tokens) and ŷ<t> (tags x tokens) over the sentence, sharing the token axis; Play walks
    t and frames, at each step, the tokens each direction has read and the ŷ<t> it gives."""
    labels = {**NER_LABELS, **(labels or {})}
    T, bi = len(tg.tokens), tg.a_bwd is not None
    start = int(np.clip(start, 0, max(T - 1, 0)))
    titles = [labels["fwd"], *([labels["bwd"]] if bi else []), labels["y_hat"]]
    n = len(titles)
    heights = [0.36, 0.36, 0.28] if bi else [0.55, 0.45]
    layout, ref = subplots(
        rows=n, cols=1, shared_xaxes=True, row_heights=heights, vertical_spacing=0.07, subplot_titles=titles
    )
    refs = [ref[i + 1, 1] for i in range(n)]
    states = [tg.a_fwd, *([tg.a_bwd] if bi else [])]
    data = []
    for i, a in enumerate(states):
        data.append(
            dict(
                type="heatmap",
                z=np.round(a.T, 3),
                x=np.arange(T),
                y=np.arange(a.shape[1]),
                zmin=-1,
                zmax=1,
                zmid=0,
                colorscale=scale(DIVERGING),
                showscale=i == 0,
                colorbar=dict(title=dict(text="a"), len=0.5, y=0.75, thickness=12),
                hovertemplate=labels["unit"] + " %{y}: %{z:.3f}<extra></extra>",
                **refs[i][1],
            )
        )
        axes(layout, refs[i], y=dict(title=dict(text=labels["unit"])))
    data.append(_y_hat_heat(tg, refs[-1], show_scale=False, text=T <= 30))
    axes(
        layout,
        refs[-1],
        x=dict(_ticks(tg.tokens, tg.known), title=dict(text=labels["time"])),
        y=dict(autorange="reversed"),
    )
    layout.update(
        height=780 if bi else 600,
        margin=dict(l=70, r=30, t=50, b=190),
        font=dict(size=14),
        showlegend=False,
        shapes=_veils(start, T, refs, bi),
    )
    layout.update(player(layout, tg.tokens, labels, start))
    frames = [dict(name=str(t), data=[], traces=[], layout=dict(shapes=_veils(t, T, refs, bi))) for t in range(T)]
    return figure(data, layout, frames=frames)
