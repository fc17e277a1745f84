"""Figures of the interventions: a run of a changed cell beside the normal run, and an α heatmap with the row that was
overwritten by hand marked. Runs in, plotly Figures out; no Streamlit here."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqviz.core.vocab import display
from seqviz.viz.base import LABELS, NOTATION
from seqviz.viz.rnn import _ticks  # the a<t> figures' character axis
from seqviz.viz.translation import attention_heatmap

IV_LABELS = {  # English defaults; the UI passes translated ones
    "normal": "normal run",
    "changed": "changed run",
    "p_next": "P(actual next character)",
    "p_next_title": "ŷ<sup>&lt;t&gt;</sup> of the character that really comes next",
    "unit_title": "unit {unit} over time",
    "changed_from": "changed from here",
}
NORMAL, CHANGED = "#1f77b4", "#d62728"  # blue: the network as it is; red: with the intervention


def _next_chars(trace) -> list[str]:
    """The character each step's ŷ<t> is scored against: x<t+1>, then ⏎ after the last one."""
    return list(trace.tokens[1:]) + ["\n"]


def cell_comparison(normal, changed, unit: int, start: int, labels: dict | None = None) -> go.Figure:
    """Two runs of one text (seqviz.rnn.intervene.Run), the normal one in blue and the changed one in red, on
    shared steps t: top, the probability each gave the character that really comes next; below, unit `unit` of
    a<t> (solid) and, for an LSTM, of c<t> (dotted). Steps from `start` on, where the change acts, are shaded."""
    labels = {**LABELS, **IV_LABELS, **(labels or {})}
    tr0, tr1 = normal.trace, changed.trace
    T = tr0.T
    x = np.arange(T)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.12,
        row_heights=[0.55, 0.45],
        subplot_titles=[labels["p_next_title"], labels["unit_title"].format(unit=unit)],
    )
    nxt = [html.escape(display(ch), quote=False) for ch in _next_chars(tr0)]
    reads = [html.escape(display(ch), quote=False) for ch in tr0.tokens]
    hover = [f"t = {t}: {reads[t]} → {nxt[t]}" for t in range(T)]
    for run, name, color in ((normal, labels["normal"], NORMAL), (changed, labels["changed"], CHANGED)):
        fig.add_trace(
            go.Scatter(
                x=x,
                y=np.round(run.p_next, 4),
                mode="lines+markers",
                name=name,
                legendgroup=name,
                line=dict(color=color, width=3 if run is changed else 2),
                customdata=hover,
                hovertemplate="%{customdata}<br>P = %{y:.3f}<extra>" + name + "</extra>",
            ),
            row=1,
            col=1,
        )
    fields = ["a"] + (["c"] if tr0.cell == "lstm" else [])
    for field in fields:
        for tr, name, color in ((tr0, labels["normal"], NORMAL), (tr1, labels["changed"], CHANGED)):
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=np.round(getattr(tr, field)[:, unit], 4),
                    mode="lines+markers",
                    name=f"{NOTATION[field]} · {name}",
                    legendgroup=name,
                    showlegend=False,
                    line=dict(color=color, width=2, dash="solid" if field == "a" else "dot"),
                    customdata=hover,
                    hovertemplate="%{customdata}<br>" + NOTATION[field] + " = %{y:.3f}<extra>" + name + "</extra>",
                ),
                row=2,
                col=1,
            )
    for row in (1, 2):
        fig.add_vrect(
            x0=start - 0.5, x1=T - 0.5, fillcolor="rgba(214,39,40,0.07)", line_width=0, layer="below", row=row, col=1
        )
    fig.add_annotation(
        x=start - 0.5, y=1.0, xref="x", yref="y domain", text=labels["changed_from"], showarrow=False,
        xanchor="left", yanchor="bottom", font=dict(size=12, color=CHANGED),
    )  # fmt: skip
    fig.update_yaxes(range=[-0.03, 1.03], title_text=labels["p_next"], row=1, col=1)
    fig.update_yaxes(title_text=" / ".join(NOTATION[f] for f in fields), row=2, col=1)
    fig.update_xaxes(_ticks(tr0), range=[-0.5, T - 0.5], row=2, col=1)
    fig.update_xaxes(title_text=labels["time"], row=2, col=1)
    fig.update_layout(
        height=560,
        margin=dict(l=60, r=20, t=50, b=60),
        font=dict(size=14),
        legend=dict(orientation="h", y=1.12),
        hovermode="x unified",
    )
    return fig


def overwritten_heatmap(tr, step: int | None = None, labels: dict | None = None, set_by_hand: bool = True) -> go.Figure:
    """The α<t,t'> heatmap of seqviz.viz.translation with output row `step` framed: in solid red where it was set by
    hand, in dashed grey on the normal run (the row the other run replaces)."""
    fig = attention_heatmap(tr, labels)
    if step is not None and 0 <= step < tr.alpha.shape[0]:
        line = dict(color=CHANGED, width=3) if set_by_hand else dict(color="#555", width=2, dash="dash")
        fig.add_shape(type="rect", x0=-0.5, x1=tr.alpha.shape[1] - 0.5, y0=step - 0.5, y1=step + 0.5, line=line)
    return fig
