"""The sentiment figure: each word's share of the decision, for averaging and the LSTM."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from seqviz.viz.base import LABELS, axes, figure, player, subplots

SENT_LABELS = {
    "average": "averaging",
    "lstm": "LSTM",
    "contrib": "share of the decision (log-odds of positive)",
    "running": "LSTM's P(positive) after reading word t",
    "p_avg": "averaging's P(positive)",
    "word": "word",
    "p": "P(positive)",
}


def sentiment_figure(r, labels: dict | None = None) -> go.Figure:
    """Each word's push towards positive (up) or negative (down) under both models, and the LSTM's
    opinion as it reads, animated word by word (Play / step)."""
    labels = {**LABELS, **SENT_LABELS, **(labels or {})}
    words = [w for w, k in zip(r.tokens, r.known) if k]
    T = len(words)
    x = list(range(T))
    ticks = dict(tickmode="array", tickvals=x, ticktext=[html.escape(w) for w in words], tickangle=-40 if T > 12 else 0)
    layout, ref = subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.2,
        row_heights=[0.55, 0.45],
        subplot_titles=[labels["contrib"], labels["running"]],
    )
    data = [
        dict(
            type="bar",
            x=x,
            y=np.round(contrib, 3),
            name=labels[name],
            marker=dict(color=color),
            hovertemplate="%{customdata}: %{y:+.2f}<extra>" + labels[name] + "</extra>",
            customdata=[html.escape(w) for w in words],
            **ref[1, 1][1],
        )
        for name, contrib, color in (("average", r.avg_contrib, "#9e9e9e"), ("lstm", r.lstm_contrib, "#d62728"))
    ]

    def running(t: int) -> dict:
        return dict(
            type="scatter",
            x=x[: t + 1],
            y=np.round(r.lstm_running[: t + 1], 3),
            mode="lines+markers+text",
            text=[f"{p:.2f}" for p in r.lstm_running[: t + 1]],
            textposition="top center",
            line=dict(color="#d62728", width=3),
            marker=dict(size=10),
            name=labels["running"],
            hovertemplate="%{y:.2f}<extra></extra>",
            showlegend=False,
            cliponaxis=False,
        )

    data.append({**running(T - 1), **ref[2, 1][1]})
    xref, yref = ref[2, 1][1]["xaxis"] + " domain", ref[2, 1][1]["yaxis"]
    hline = lambda y, **line: dict(type="line", line=line, x0=0, x1=1, xref=xref, y0=y, y1=y, yref=yref)
    layout.update(
        height=620,
        margin=dict(l=70, r=30, t=60, b=170),
        font=dict(size=14),
        barmode="group",
        legend=dict(orientation="h", x=1, xanchor="right", y=1.08),
        shapes=[
            hline(r.p_average, color="#9e9e9e", dash="dash", width=2),
            hline(0.5, color="#444", width=1, dash="dot"),
        ],
    )
    layout["annotations"].append(
        dict(
            text=f"{labels['p_avg']} = {r.p_average:.2f}",
            showarrow=False,
            x=1,
            xanchor="right",
            xref=xref,
            y=r.p_average,
            yanchor="top",
            yref=yref,
        )
    )
    axes(
        layout,
        ref[2, 1],
        x=dict(ticks, range=[-0.6, T - 0.4]),
        y=dict(range=[-0.05, 1.12], title=dict(text=labels["p"])),
    )
    axes(layout, ref[1, 1], x=dict(ticks, showticklabels=True), y=dict(zeroline=True, zerolinecolor="#444"))
    layout.update(player(layout, words, labels, T - 1))
    return figure(data, layout, frames=[dict(name=str(t), data=[running(t)], traces=[2]) for t in range(T)])
