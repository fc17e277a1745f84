"""Figures of the translation pages: the α<t,t'> heatmap, decoding step by step, accuracy by input
length, and the tree of beam-search hypotheses. Traces in, plotly Figures out; no Streamlit here."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go

from seqviz.core.vocab import display
from seqviz.translation.beam import CUT, FINISHED, FORCED, KEPT, PRUNED, BeamResult
from seqviz.viz.base import LABELS, axes, figure, player, scale, subplots, token_label

MT_LABELS = {  # English defaults; the UI passes translated ones
    "source": "input character x<sup>&lt;t'&gt;</sup>",
    "target": "output ŷ<sup>&lt;t&gt;</sup>",
    "alpha": "α<sup>&lt;t,t'&gt;</sup>",
    "alpha_row": "attention α<sup>&lt;t,t'&gt;</sup> of this output step",
    "context": "context<sup>&lt;t&gt;</sup> = Σ<sub>t'</sub> α<sup>&lt;t,t'&gt;</sup> a<sup>&lt;t'&gt;</sup> "
    "(2 n<sub>a</sub> numbers)",
    "context_plain": "context<sup>&lt;t&gt;</sup> = h, the same at every step (no attention)",
    "top5": "top-5 ŷ<sup>&lt;t&gt;</sup>",
    "prob": "probability",
    "unit": "unit",
    "length": "input length Tx (characters)",
    "accuracy": "exact-match accuracy (held-out)",
    "n": "dates",
    "epoch": "epoch",
    "val_accuracy": "exact-match accuracy (validation days)",
    "step": "output character ŷ<sup>&lt;t&gt;</sup> = ",
    "beam_t": "output position t",
    "beam_rank": "rank by log P(y<sup>&lt;1..t&gt;</sup>|x)",
    "kept": "kept in the beam",
    "finished": "finished (⏎)",
    "pruned": "pruned",
    "forced": "forced prefix",
    "cut": "cut at the length limit",
    "logp": "log P",
    "score": "score",
}
STATUS_STYLE = {  # status -> (colour, marker symbol)
    KEPT: ("#1f77b4", "circle"),
    FINISHED: ("#2ca02c", "star"),
    FORCED: ("#ff7f0e", "diamond"),
    CUT: ("#9467bd", "square"),
    PRUNED: ("#c7c7c7", "circle"),
}


def _player_right(layout: dict, tokens: list[str], labels: dict, start: int) -> None:
    """The shared play / pause / resume buttons and step slider, with the slider moved right so it clears
    the buttons when the figure sits in a narrower column beside its explanation."""
    layout.update(player(layout, tokens, labels, start, x=0.44))


def _char_ticks(chars: list[str], unknown: list[bool] | None = None) -> dict:
    unknown = unknown or [False] * len(chars)
    return dict(
        tickmode="array",
        tickvals=list(range(len(chars))),
        tickangle=0,
        ticktext=[token_label(c, u) for c, u in zip(chars, unknown)],
        tickfont=dict(size=16 if len(chars) <= 30 else 13),
    )


def attention_heatmap(tr, labels: dict | None = None) -> go.Figure:
    """α<t,t'> as a Ty x Tx heatmap: one row per output character, one column per input character."""
    labels = {**MT_LABELS, **(labels or {})}
    Ty, Tx = tr.alpha.shape
    fig = go.Figure(
        go.Heatmap(
            z=np.round(tr.alpha, 4),
            x=list(range(Tx)),
            y=list(range(Ty)),
            colorscale="Blues",
            zmin=0,
            zmax=1,
            colorbar=dict(title=dict(text=labels["alpha"]), thickness=14),
            customdata=[
                [f"{html.escape(display(tr.target[t]))} ← {html.escape(display(tr.source[s]))}" for s in range(Tx)]
                for t in range(Ty)
            ],
            hovertemplate="%{customdata}<br>" + labels["alpha"] + " = %{z:.3f}<extra></extra>",
        )
    )
    fig.update_xaxes(_char_ticks(tr.source, tr.unknown), title_text=labels["source"], side="bottom")
    fig.update_yaxes(_char_ticks(tr.target), title_text=labels["target"], autorange="reversed")
    fig.update_layout(height=140 + 34 * Ty, margin=dict(l=70, r=20, t=20, b=70), font=dict(size=14))
    return fig


def decoding_animation(tr, vocab: list[str], labels: dict | None = None) -> go.Figure:
    """Decoding step by step: α<t,t'> over the input, context<t>, and the top-5 ŷ<t> with the
    output so far; Play walks t = 1..Ty, the slider steps. Without attention only the last two.
    Opens on the first output character."""
    labels = {**LABELS, **MT_LABELS, **(labels or {})}
    Ty, has_alpha = len(tr.target), tr.alpha is not None
    n_c = tr.context.shape[1]
    c_max = float(max(np.abs(tr.context).max(), 1e-6))
    if has_alpha:
        layout, ref = subplots(
            rows=2,
            cols=2,
            column_widths=[0.72, 0.28],
            row_heights=[0.72, 0.28],
            specs=[[{}, {"rowspan": 2}], [{}, None]],
            horizontal_spacing=0.1,
            vertical_spacing=0.27,
            subplot_titles=[labels["alpha_row"], labels["top5"], labels["context"]],
        )
        ctx_row = 2
    else:
        layout, ref = subplots(
            rows=1,
            cols=2,
            column_widths=[0.65, 0.35],
            horizontal_spacing=0.1,
            subplot_titles=[labels["context_plain"], labels["top5"]],
        )
        ctx_row = 1
    context_scale = scale("RdBu_r")

    def alpha_bar(t):
        a = tr.alpha[t]
        return dict(
            type="bar",
            x=list(range(len(tr.source))),
            y=np.round(a, 4),
            marker=dict(color="#1f77b4"),
            text=[f"{v:.2f}" if v >= 0.1 else "" for v in a],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="x<t'> = %{customdata}<br>α = %{y:.3f}<extra></extra>",
            customdata=[html.escape(display(c)) for c in tr.source],
            showlegend=False,
        )

    def context_strip(t):
        return dict(
            type="heatmap",
            z=[np.round(tr.context[t].astype(float), 3)],
            x=list(range(n_c)),
            y=[0],
            colorscale=context_scale,
            zmin=-c_max,
            zmax=c_max,
            showscale=False,
            hovertemplate=labels["unit"] + " %{x}: %{z:.3f}<extra></extra>",
        )

    def top5(t):
        p = tr.probs[t]
        order = np.argsort(-p)[:5]
        chosen = vocab.index(tr.target[t]) if tr.target[t] in vocab else -1
        return dict(
            type="bar",
            x=np.round(p[order], 4),
            y=list(range(1, len(order) + 1)),
            orientation="h",
            text=[f"{token_label(vocab[i])}  {p[i]:.2f}" for i in order],
            textposition="outside",
            textfont=dict(size=18),
            cliponaxis=False,
            hoverinfo="skip",
            showlegend=False,
            marker=dict(color=["#d62728" if i == chosen else "#4c78a8" for i in order]),
        )

    height, top, bottom = (560 if has_alpha else 420), 120, 170
    title_y = 1 + 62 / (height - top - bottom)  # 62 px above the plot area, clear of the subplot titles

    def so_far(t):
        shown = "".join(c for c in tr.target[: t + 1] if c != "\n") + ("⏎" if tr.target[t] == "\n" else "▌")
        return dict(
            text="ŷ = <b>" + html.escape(shown) + "</b>",
            x=0,
            y=title_y,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            font=dict(size=24, family="monospace"),
        )

    def data(t):
        return ([alpha_bar(t)] if has_alpha else []) + [context_strip(t), top5(t)]

    start = 0  # opens on the first output character
    cells = ([(1, 1)] if has_alpha else []) + [(ctx_row, 1), (1, 2)]
    traces = [{**trace, **ref[cell][1]} for trace, cell in zip(data(start), cells)]
    titles = layout["annotations"]  # the subplot titles, kept in every frame
    layout.update(
        height=height,
        margin=dict(l=60, r=30, t=top, b=bottom),
        font=dict(size=14),
        annotations=titles + [so_far(start)],
        bargap=0.15,
    )
    if has_alpha:
        axes(
            layout,
            ref[1, 1],
            x=dict(_char_ticks(tr.source, tr.unknown), range=[-0.6, len(tr.source) - 0.4]),
            y=dict(range=[0, 1.15], title=dict(text=labels["alpha"])),
        )
    axes(layout, ref[ctx_row, 1], x=dict(title=dict(text=labels["unit"])), y=dict(showticklabels=False))
    axes(
        layout,
        ref[1, 2],
        x=dict(range=[0, 1.35], title=dict(text=labels["prob"])),
        y=dict(autorange="reversed", showticklabels=False),
    )
    _player_right(layout, tr.target, labels, start)
    return figure(
        traces,
        layout,
        frames=[
            dict(
                name=str(t),
                data=data(t),
                traces=list(range(len(traces))),
                layout=dict(annotations=titles + [so_far(t)]),
            )
            for t in range(Ty)
        ],
    )


def length_accuracy_figure(rows: dict, labels: dict | None = None, values: bool = True) -> go.Figure:
    """Held-out exact-match accuracy by input length, one line per model.

    Args:
        rows: {model label: {"1-10": {"n": ..., "exact": ...}, ...}} (a checkpoint's metrics.by_length).
        values: write each point's accuracy beside it (off for lines close enough for their labels to collide).
    """
    labels = {**MT_LABELS, **(labels or {})}
    fig = go.Figure()
    styles = [
        ("#1f77b4", "solid", "circle", "top center"),
        ("#d62728", "dash", "square", "bottom center"),
        ("#2ca02c", "dot", "diamond", "middle right"),  # a third model (the Transformer page's)
    ]
    lows = []
    for (name, by_len), (color, dash, symbol, where) in zip(rows.items(), styles):
        bins = [b for b, v in by_len.items() if v.get("exact") is not None]
        acc = [by_len[b]["exact"] for b in bins]
        lows += acc
        fig.add_trace(
            go.Scatter(
                x=bins,
                y=acc,
                mode="lines+markers+text" if values else "lines+markers",
                name=name,
                text=[f"{100 * a:.1f}%" if a < 0.9995 and values else "" for a in acc],
                textposition=where,
                cliponaxis=False,
                textfont=dict(size=14, color=color),
                customdata=[by_len[b]["n"] for b in bins],
                line=dict(color=color, width=3, dash=dash),
                marker=dict(size=11, symbol=symbol),
                hovertemplate="Tx %{x}: %{y:.1%} (%{customdata} " + labels["n"] + ")<extra>" + name + "</extra>",
            )
        )
    lo = min(lows) if lows else 0.9
    fig.update_yaxes(
        title_text=labels["accuracy"],
        tickformat=".0%" if lo < 0.95 else ".1%",
        range=[max(0.0, lo - 2 * (1.0 - lo) - 0.005), 1.0 + 0.5 * (1.0 - lo) + 0.002],
    )
    fig.update_xaxes(title_text=labels["length"], type="category")
    fig.update_layout(
        height=380, margin=dict(l=70, r=20, t=40, b=60), font=dict(size=14), legend=dict(orientation="h", y=1.12)
    )
    return fig


def learning_curve_figure(curves: dict, labels: dict | None = None) -> go.Figure:
    """Held-out exact-match accuracy after each epoch of training, one line per model.

    Args:
        curves: {model label: [{"epoch": ..., "val_exact": ...}, ...]} (a checkpoint's training.curve).
    """
    labels = {**MT_LABELS, **(labels or {})}
    fig = go.Figure()
    styles = [("#1f77b4", "solid", "circle"), ("#d62728", "dash", "square")]
    for (name, rows), (color, dash, symbol) in zip(curves.items(), styles):
        fig.add_trace(
            go.Scatter(
                x=[r["epoch"] for r in rows],
                y=[r["val_exact"] for r in rows],
                name=name,
                mode="lines+markers",
                line=dict(color=color, width=3, dash=dash),
                marker=dict(size=9, symbol=symbol),
                hovertemplate=labels["epoch"] + " %{x}: %{y:.1%}<extra>" + name + "</extra>",
            )
        )
    fig.update_yaxes(title_text=labels["val_accuracy"], tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(title_text=labels["epoch"])
    fig.update_layout(
        height=340, margin=dict(l=70, r=20, t=40, b=60), font=dict(size=14), legend=dict(orientation="h", y=1.14)
    )
    return fig


def beam_tree(
    res: BeamResult, vocab: list[str], labels: dict | None = None, max_pruned: int | None = None
) -> go.Figure:
    """The search as a tree: column t holds the candidates of step t ranked by log P (the beam on top,
    pruned ones greyed below), each linked to its parent; Play reveals one step at a time."""
    labels = {**LABELS, **MT_LABELS, **(labels or {})}
    B = res.beam_width
    max_pruned = B if max_pruned is None else max_pruned
    text_of = lambda toks: "".join(display(vocab[i]) for i in toks)
    nodes, edges = [], []  # nodes: (t, rank, hyp); edges: (t, rank_parent, rank_child, status)
    beam_rank_prev = {0: 0}  # the start: y<0> = ⏎ at column 0
    for st in res.steps:
        shown = [h for h in st.candidates if h.status != PRUNED] + [h for h in st.candidates if h.status == PRUNED][
            :max_pruned
        ]
        shown.sort(key=lambda h: (h.status == PRUNED, -h.log_prob))
        rank_of_beam = {}
        for r, h in enumerate(shown):
            nodes.append((st.t, r, h))
            if h.parent in beam_rank_prev:
                edges.append((st.t, beam_rank_prev[h.parent], r, h.status))
        for i, h in enumerate(st.beam):
            rank_of_beam[i] = next(r for r, g in enumerate(shown) if g is h)
        beam_rank_prev = rank_of_beam
    T = len(res.steps)
    n_rows = max((r for _, r, _ in nodes), default=0) + 1

    shown = {
        id(h): (
            html.escape(display(vocab[h.tokens[-1]])),  # each node's label and hover, once
            [html.escape(text_of(h.tokens)), h.log_prob, h.score, h.token_log_prob],
        )
        for _, _, h in nodes
    }

    def traces(upto: int) -> list:
        out = []
        for status in (PRUNED, KEPT, FORCED, CUT, FINISHED):  # grey first, so live edges are drawn on top
            xs, ys = [], []
            for t, r0, r1, s in edges:
                if s == status and t <= upto:
                    xs += [t - 1, t, None]
                    ys += [r0, r1, None]
            color = STATUS_STYLE[status][0]
            out.append(
                dict(
                    type="scatter",
                    x=xs or [None],
                    y=ys or [None],
                    mode="lines",
                    hoverinfo="skip",
                    showlegend=False,
                    line=dict(color=color, width=1 if status == PRUNED else 2.5),
                )
            )
        for status in (PRUNED, KEPT, FORCED, CUT, FINISHED):
            sel = [(t, r, h) for t, r, h in nodes if h.status == status and t <= upto]
            color, symbol = STATUS_STYLE[status]
            out.append(
                dict(
                    type="scatter",
                    x=[t for t, _, _ in sel] or [None],
                    y=[r for _, r, _ in sel] or [None],
                    mode="markers+text",
                    name=labels[status],
                    marker=dict(size=30, color=color, symbol=symbol, line=dict(color="white", width=1)),
                    text=[shown[id(h)][0] for _, _, h in sel],
                    textfont=dict(size=15, color="#555" if status == PRUNED else "white"),
                    customdata=[shown[id(h)][1] for _, _, h in sel],
                    hovertemplate="%{customdata[0]}<br>"
                    + labels["logp"]
                    + " = %{customdata[1]:.3f}<br>"
                    + labels["score"]
                    + " = %{customdata[2]:.3f}<br>log P(y<t>) = %{customdata[3]:.3f}<extra></extra>",
                    showlegend=True,
                )
            )
        return out

    data = traces(T)
    n_traces = len(data)
    data.append(
        dict(
            type="scatter",
            x=[0],
            y=[0],
            mode="markers+text",
            text=["⏎"],
            showlegend=False,
            hoverinfo="skip",
            marker=dict(size=30, color="#444"),
            textfont=dict(size=15, color="white"),
        )
    )
    height = max(420, 150 + 40 * n_rows) + 120
    layout = dict(
        height=height,
        margin=dict(l=70, r=20, t=50, b=170),
        font=dict(size=14),
        legend=dict(orientation="h", y=1.02, yanchor="bottom", x=0),
        plot_bgcolor="white",
        shapes=[
            dict(
                type="rect",
                x0=0,
                x1=1,
                xref="x domain",
                y0=-0.5,
                y1=min(B, n_rows) - 0.5,
                yref="y",
                fillcolor="rgba(31,119,180,0.06)",
                line=dict(width=0),
                layer="below",
            )
        ],
        xaxis=dict(
            title=dict(text=labels["beam_t"]),
            range=[-0.5, T + 0.5],
            tickmode="array",
            tickvals=list(range(T + 1)),
            showgrid=False,
            zeroline=False,
        ),
        yaxis=dict(
            title=dict(text=labels["beam_rank"]),
            autorange="reversed",
            tickmode="array",
            tickvals=list(range(n_rows)),
            ticktext=[str(r + 1) for r in range(n_rows)],
            showgrid=False,
            zeroline=False,
        ),
    )
    _player_right(layout, [str(t + 1) for t in range(T)], {**labels, "step": labels["beam_t"] + " = "}, T - 1)
    return figure(
        data, layout, frames=[dict(name=str(t), data=traces(t + 1), traces=list(range(n_traces))) for t in range(T)]
    )
