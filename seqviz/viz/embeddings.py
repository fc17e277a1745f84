"""Figures of the word-embeddings topic: the map, one-hot vs e_w, training pairs, sampling, analogy, debiasing."""

from __future__ import annotations

import html

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from seqviz.viz.base import DIVERGING, LABELS, figure, player

# ---------------------------------------------------------------- word embeddings

EMB_LABELS = {
    "other": "other words",
    "query": "your word",
    "neighbour": "nearest neighbours",
    "analogy": "analogy",
    "list": "word list",
    "found": "search matches",
    "placed": "(placed beside its neighbours: not among the words projected)",
    "n_e": "dimension of e_w",
    "E": "E (n_e × V): one column per word",
    "o": "o_w",
    "e": "e_w = E o_w",
    "before": "before",
    "after": "after",
    "cos_g": "cos(e_w, g): how far the word leans along the bias direction g",
    "centre": "centre word",
    "context": "inside the window",
    "pairs": "training pairs at this step",
    "freq": "f(w): share of the corpus",
    "freq34": "f(w)^¾ / Σ f^¾: how often negatives are drawn",
    "target": "e_b − e_a + e_c",
    "cos_here": "cos(e_w, g) here",
    "cos_course": "printed by the course's notebook",
}
_PALETTE = [
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#bcbd22",
    "#7f7f7f",
    "#393b79",
    "#637939",
    "#8c6d31",
    "#843c39",
    "#7b4173",
    "#3182bd",
    "#e6550d",
    "#31a354",
    "#756bb1",
    "#636363",
]


MAX_LABELS = 60  # search matches and word-list words are labelled when at most this many (more: hover shows them)


def embedding_map(
    words: list[str],
    Y: np.ndarray,
    groups: np.ndarray,
    group_names: list[str],
    marks: dict[str, str] | None = None,
    arrows: list[tuple[str, str]] = (),
    extra: dict[str, np.ndarray] | None = None,
    labels: dict | None = None,
) -> go.Figure:
    """The projection scatter: one point per word (hover shows it), coloured by group; marked words
    drawn large and labelled; arrows from word to word (the analogy).

    Args:
        words, Y: the projected words and their (n, 2 or 3) coordinates.
        groups: (n,) group of each word (index into group_names; -1 = none, drawn light grey).
        marks: word -> "query", "neighbour", "analogy", "found" (search matches) or "list" (the word list).
        arrows: (from word, to word) pairs, both in `words` or `extra`.
        extra: word -> coordinates for marked words placed beside their neighbours (not projected).
    """
    fig = map_cloud(words, Y, groups, group_names, labels)
    _add_marks(fig, {w: Y[i] for i, w in enumerate(words)}, Y.shape[1], marks, arrows, extra, labels)
    return fig


def map_marks(
    words: list[str],
    Y: np.ndarray,
    marks: dict[str, str] | None = None,
    arrows: list[tuple[str, str]] = (),
    extra: dict[str, np.ndarray] | None = None,
    labels: dict | None = None,
) -> tuple[list[dict], list[dict]]:
    """What `embedding_map` draws over the cloud, as plotly JSON: (traces, annotations). A page that caches the
    cloud (thousands of points) adds these to it on each run, so a new query costs a few traces, not the map."""
    pos = {w: Y[i] for i, w in enumerate(words) if w in (marks or {})}
    return _mark_dicts(pos, Y.shape[1], marks, arrows, extra, labels)


def _xyz(P, dim: int) -> dict:
    P = np.asarray(P).reshape(-1, dim)
    d = dict(x=np.round(P[:, 0], 3), y=np.round(P[:, 1], 3))
    if dim == 3:
        d["z"] = np.round(P[:, 2], 3)
    return d


def map_cloud(
    words: list[str], Y: np.ndarray, groups: np.ndarray, group_names: list[str], labels: dict | None = None
) -> go.Figure:
    """The map's points, coloured by group, and its layout, without marks (see `embedding_map`)."""
    labels = {**EMB_LABELS, **(labels or {})}
    dim = Y.shape[1]
    Scatter = go.Scattergl if dim == 2 else go.Scatter3d
    fig = go.Figure()
    groups = np.asarray(groups)
    order = [-1] + list(range(len(group_names)))
    for g in order:
        sel = np.flatnonzero(groups == g)
        if not len(sel):
            continue
        color = "#c7c7c7" if g < 0 else _PALETTE[g % len(_PALETTE)]
        name = labels["other"] if g < 0 else html.escape(group_names[g])
        fig.add_trace(
            Scatter(
                **_xyz(Y[sel], dim),
                mode="markers",
                name=name,
                text=[html.escape(words[i]) for i in sel],
                customdata=[words[i] for i in sel],  # the word itself: a click or a box selection maps back to it
                hovertemplate="%{text}<extra></extra>",
                marker=dict(size=6 if dim == 2 else 3, color=color, opacity=0.6 if g >= 0 else 0.45),
            )
        )
    axis = dict(showticklabels=False, title=None, zeroline=False, showgrid=dim == 3)
    fig.update_layout(
        height=680,
        margin=dict(l=10, r=10, t=30, b=40),
        font=dict(size=14),
        legend=dict(itemsizing="constant", font=dict(size=13)),
        hoverlabel=dict(font_size=16),
        plot_bgcolor="white",
    )
    if dim == 2:
        fig.update_xaxes(axis)
        fig.update_yaxes(axis, scaleanchor="x")
    else:
        fig.update_scenes(xaxis=axis, yaxis=axis, zaxis=axis)
    return fig


def _add_marks(fig: go.Figure, pos: dict, dim: int, marks, arrows, extra, labels) -> None:
    """The marked words (query, neighbours, analogy) drawn large and labelled, and the analogy's arrows."""
    traces, notes = _mark_dicts(pos, dim, marks, arrows, extra, labels)
    fig.add_traces(traces)
    for note in notes:
        fig.add_annotation(note)


def _plain(P, dim: int) -> dict:
    """x, y (, z) of points as rounded plain floats (no numpy: these dicts skip plotly's conversion)."""
    P = np.asarray(P, dtype=float).reshape(-1, dim)
    d = {"x": np.round(P[:, 0], 3).tolist(), "y": np.round(P[:, 1], 3).tolist()}
    if dim == 3:
        d["z"] = np.round(P[:, 2], 3).tolist()
    return d


def _mark_dicts(pos: dict, dim: int, marks, arrows, extra, labels) -> tuple[list[dict], list[dict]]:
    """The marks as plotly JSON written out by hand (plotly's validated objects cost ~25 ms a query on the page;
    tests/test_figures_checked.py checks that plotly accepts these unchanged)."""
    labels = {**EMB_LABELS, **(labels or {})}
    marks, extra = marks or {}, extra or {}
    pos = dict(pos) | dict(extra)
    kind = "scattergl" if dim == 2 else "scatter3d"
    styles = {
        "list": ("#d62728", 9, "square"),  # the word list (typed, or selected on the map)
        "found": ("#ff7f0e", 14, "circle"),  # what the search box matched: bigger than the cloud, labelled
        "neighbour": ("#111111", 10, "circle"),
        "query": ("#111111", 20, "star"),
        "analogy": ("#111111", 13, "diamond"),
    }  # black over the coloured clouds, labelled
    traces, notes = [], []
    for role, (color, size, symbol) in styles.items():
        ws = [w for w, r in marks.items() if r == role and w in pos]
        if not ws:
            continue
        traces.append(
            {
                "type": kind,
                **_plain([pos[w] for w in ws], dim),
                "mode": "markers+text" if role not in ("list", "found") or len(ws) <= MAX_LABELS else "markers",
                "text": [html.escape(w) + ("*" if w in extra else "") for w in ws],
                "customdata": list(ws),
                "name": labels[role],
                "textposition": "top center",
                "textfont": {"size": 15, "color": "#111"},
                "hovertemplate": "%{text}<extra></extra>",
                "marker": {
                    "size": size if dim == 2 else size / 2,
                    "color": color,
                    "symbol": symbol if dim == 2 else "diamond",
                    "line": {"color": "white", "width": 1.5},
                },
            }
        )
    for a, b in arrows:
        if a not in pos or b not in pos:
            continue
        pa, pb = (np.asarray(pos[w], dtype=float) for w in (a, b))
        if dim == 2:
            notes.append(
                {
                    "x": float(pb[0]),
                    "y": float(pb[1]),
                    "ax": float(pa[0]),
                    "ay": float(pa[1]),
                    "xref": "x",
                    "yref": "y",
                    "axref": "x",
                    "ayref": "y",
                    "showarrow": True,
                    "arrowhead": 3,
                    "arrowsize": 1.4,
                    "arrowwidth": 3,
                    "arrowcolor": "#111111",
                    "text": "",
                }
            )
        else:
            d = pb - pa
            traces.append(
                {
                    "type": "scatter3d",
                    **_plain([pa, pb], dim),
                    "mode": "lines",
                    "showlegend": False,
                    "hoverinfo": "skip",
                    "line": {"color": "#111111", "width": 6},
                }
            )
            traces.append(
                {
                    "type": "cone",
                    "x": [float(pb[0])],
                    "y": [float(pb[1])],
                    "z": [float(pb[2])],
                    "u": [float(d[0])],
                    "v": [float(d[1])],
                    "w": [float(d[2])],
                    "sizemode": "absolute",
                    "sizeref": 0.6,
                    "anchor": "tip",
                    "showscale": False,
                    "hoverinfo": "skip",
                    "colorscale": [[0, "#111111"], [1, "#111111"]],
                }
            )
    if extra:
        notes.append(
            {
                "text": "* " + labels["placed"],
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.02,
                "showarrow": False,
                "xanchor": "left",
                "yanchor": "top",
                "font": {"size": 12, "color": "#555"},
            }
        )
    return traces, notes


def words_from_selection(selection) -> tuple[list[str], bool]:
    """The words a selection on the map picked, and whether it was an area (box or lasso, or several points).

    `selection` is st.plotly_chart's event.selection (points, box, lasso): each point carries its trace's
    customdata, the word itself (a marked word is in two traces, its cloud dot and its mark: counted once).
    Points without a word (the analogy's arrows) are skipped.

    Returns:
        (words in the order selected, no duplicates; True for a box / lasso / several points, False for a click).
    """
    selection = selection or {}
    words = []
    for p in selection.get("points") or []:
        data = p.get("customdata") if isinstance(p, dict) else None
        if isinstance(data, (list, tuple)):
            data = data[0] if data else None
        if isinstance(data, str) and data:
            words.append(data)
    words = list(dict.fromkeys(words))
    area = bool(selection.get("box") or selection.get("lasso")) or len(words) > 1
    return words, area


def onehot_figure(words: list[str], k: int, E: np.ndarray, width: int = 7, labels: dict | None = None) -> go.Figure:
    """E o_w = e_w drawn as the course writes it: a slice of E (n_e × V, the chosen word's column
    outlined), the one-hot o_w with its single 1 at row k, and the column e_w it picks out."""
    labels = {**EMB_LABELS, **(labels or {})}
    V, n_e = E.shape
    lo, hi = max(0, k - width), min(V, k + width + 1)
    cols = list(range(lo, hi))
    lim = float(np.abs(E[cols]).max()) or 1.0
    fig = make_subplots(
        rows=1,
        cols=3,
        column_widths=[0.62, 0.12, 0.12],
        horizontal_spacing=0.07,
        subplot_titles=(labels["E"], labels["o"], labels["e"]),
    )
    fig.add_trace(
        go.Heatmap(
            z=np.round(E[cols].T, 3),
            x=[f"{i}" for i in cols],
            colorscale=DIVERGING,
            zmid=0,
            zmin=-lim,
            zmax=lim,
            showscale=False,
            customdata=[[html.escape(words[i]) for i in cols]] * n_e,
            hovertemplate="%{customdata} (%{x})<br>" + labels["n_e"] + " %{y}: %{z:.3f}<extra></extra>",
        ),
        1,
        1,
    )
    o_rows = [f"{i}" for i in cols]
    fig.add_trace(
        go.Heatmap(
            z=[[1.0 if i == k else 0.0] for i in cols],
            y=o_rows,
            colorscale=[[0, "white"], [1, "black"]],
            showscale=False,
            text=[["1" if i == k else "0"] for i in cols],
            texttemplate="%{text}",
            textfont=dict(size=13),
            hovertemplate="o_w[%{y}] = %{z:.0f}<extra></extra>",
            xgap=1,
            ygap=1,
        ),
        1,
        2,
    )
    fig.add_trace(
        go.Heatmap(
            z=np.round(E[k][:, None], 3),
            colorscale=DIVERGING,
            zmid=0,
            zmin=-lim,
            zmax=lim,
            colorbar=dict(thickness=12, len=0.9),
            hovertemplate=labels["n_e"] + " %{y}: %{z:.3f}<extra></extra>",
        ),
        1,
        3,
    )
    j = cols.index(k)
    fig.add_shape(
        type="rect", x0=j - 0.5, x1=j + 0.5, y0=-0.5, y1=n_e - 0.5, line=dict(color="black", width=3), row=1, col=1
    )
    ticks = [html.escape(words[i]) + f"<br>{i}" for i in cols]
    fig.update_xaxes(
        tickmode="array", tickvals=list(range(len(cols))), ticktext=ticks, tickangle=-50, type="category", row=1, col=1
    )
    fig.update_yaxes(title_text=labels["n_e"], autorange="reversed", row=1, col=1)
    fig.update_yaxes(
        tickmode="array",
        tickvals=o_rows,
        ticktext=[html.escape(words[i]) for i in cols],
        autorange="reversed",
        type="category",
        row=1,
        col=2,
    )
    fig.update_xaxes(showticklabels=False, row=1, col=2)
    fig.update_xaxes(showticklabels=False, row=1, col=3)
    fig.update_yaxes(autorange="reversed", showticklabels=False, row=1, col=3)
    fig.update_layout(height=480, margin=dict(l=60, r=20, t=50, b=110), font=dict(size=13))
    return fig


def pairs_animation(tokens: list[str], window: int, mode: str = "skip-gram", labels: dict | None = None) -> go.Figure:
    """The training pairs of a sentence, one centre word at a time (Play / step): the window around
    position t, and the pairs it yields (skip-gram: centre → each word in the window; CBOW: the
    words in the window together → the centre)."""
    labels = {**LABELS, **EMB_LABELS, **(labels or {})}
    T = len(tokens)

    def frame_data(t: int):
        inside = [u for u in range(max(0, t - window), min(T, t + window + 1)) if u != t]
        colors = ["#d62728" if u == t else "#1f77b4" if u in inside else "#e0e0e0" for u in range(T)]
        fonts = ["white" if u == t or u in inside else "#444" for u in range(T)]
        boxes = dict(
            type="scatter",
            x=list(range(T)),
            y=[1] * T,
            mode="markers+text",
            text=[html.escape(w) for w in tokens],
            textfont=dict(size=15, color=fonts),
            hoverinfo="skip",
            showlegend=False,
            marker=dict(symbol="square", size=[max(38, 11 * len(w)) for w in tokens], color=colors),
        )
        c = html.escape(tokens[t])
        if mode == "cbow":
            lines = [", ".join(html.escape(tokens[u]) for u in inside) + f"  →  <b>{c}</b>"]
        else:
            lines = [f"<b>{c}</b>  →  {html.escape(tokens[u])}" for u in inside]
        lines = lines or ["—"]
        pairs = dict(
            type="scatter",
            x=[0] * len(lines),
            y=[-0.3 - 0.32 * i for i in range(len(lines))],
            mode="text",
            text=lines,
            textposition="middle right",
            textfont=dict(size=15),
            hoverinfo="skip",
            showlegend=False,
        )
        return [boxes, pairs]

    rows = 1 if mode == "cbow" else 2 * window
    layout = dict(
        height=260 + 30 * rows,
        margin=dict(l=10, r=10, t=20, b=120),
        plot_bgcolor="white",
        xaxis=dict(visible=False, range=[-0.6, max(T, 6) - 0.4]),
        yaxis=dict(visible=False, range=[-0.3 - 0.32 * rows, 1.4]),
        annotations=[
            dict(
                text=labels["pairs"],
                x=-0.5,
                y=0.45,
                xref="x",
                yref="y",
                showarrow=False,
                xanchor="left",
                font=dict(size=13, color="#555"),
            )
        ],
    )
    layout.update(player(layout, tokens, labels, 0))
    return figure(frame_data(0), layout, frames=[dict(name=str(t), data=frame_data(t)) for t in range(T)])


def sampling_figure(words: list[str], f: np.ndarray, f34: np.ndarray, labels: dict | None = None) -> go.Figure:
    """How negative sampling draws words: corpus frequency f(w) against f(w)^¾ / Σ f^¾."""
    labels = {**EMB_LABELS, **(labels or {})}
    x = [html.escape(w) for w in words]
    fig = go.Figure(
        [
            go.Bar(x=x, y=np.round(f, 4), name=labels["freq"], marker_color="#9e9e9e"),
            go.Bar(x=x, y=np.round(f34, 4), name=labels["freq34"], marker_color="#1f77b4"),
        ]
    )
    fig.update_layout(
        barmode="group",
        height=340,
        margin=dict(l=50, r=10, t=30, b=60),
        font=dict(size=13),
        legend=dict(orientation="h", y=1.12),
    )
    return fig


def analogy_figure(P: np.ndarray, words: list[str], roles: list[str], labels: dict | None = None) -> go.Figure:
    """a : b :: c : d in a 2-D PCA of just these vectors (where the parallelogram survives best):
    arrows a → b and c → d, and the point e_b − e_a + e_c the search started from.

    Args:
        P: (n, 2) coordinates; words and roles ("a", "b", "c", "d", "target", "candidate") per row.
    """
    labels = {**EMB_LABELS, **(labels or {})}
    pos = {r: P[i] for i, r in enumerate(roles) if r in ("a", "b", "c", "d", "target")}
    fig = go.Figure()
    colors = {
        "a": "#1f77b4",
        "b": "#1f77b4",
        "c": "#d62728",
        "d": "#d62728",
        "target": "#2ca02c",
        "candidate": "#9e9e9e",
    }
    text = [labels["target"] if r == "target" else html.escape(w) for w, r in zip(words, roles)]
    fig.add_trace(
        go.Scatter(
            x=np.round(P[:, 0], 3),
            y=np.round(P[:, 1], 3),
            mode="markers+text",
            text=text,
            textposition="top center",
            textfont=dict(size=15),
            hovertemplate="%{text}<extra></extra>",
            marker=dict(
                size=[14 if r != "candidate" else 9 for r in roles],
                symbol=["star" if r == "target" else "circle" for r in roles],
                color=[colors[r] for r in roles],
            ),
            showlegend=False,
        )
    )
    for s, e, color, dash in (
        ("a", "b", "#1f77b4", None),
        ("c", "d", "#d62728", None),
        ("c", "target", "#2ca02c", "dot"),
    ):
        if s in pos and e in pos:
            fig.add_annotation(
                x=float(pos[e][0]),
                y=float(pos[e][1]),
                ax=float(pos[s][0]),
                ay=float(pos[s][1]),
                xref="x",
                yref="y",
                axref="x",
                ayref="y",
                showarrow=True,
                arrowhead=3,
                arrowsize=1.3,
                arrowwidth=2.5 if dash is None else 1.5,
                arrowcolor=color,
                text="",
            )
    fig.update_layout(height=420, margin=dict(l=10, r=10, t=20, b=20), plot_bgcolor="white", font=dict(size=14))
    fig.update_xaxes(showticklabels=False, zeroline=False, showgrid=False)
    fig.update_yaxes(showticklabels=False, zeroline=False, showgrid=False, scaleanchor="x")
    return fig


def debias_figure(report, labels: dict | None = None) -> go.Figure:
    """Each word's cos(e_w, g) before (grey) and after (colour) neutralize / equalize, on one row per word."""
    labels = {**EMB_LABELS, **(labels or {})}
    words = list(report.before)
    y = [html.escape(w) for w in words]
    fig = go.Figure()
    for w, yy in zip(words, y):
        fig.add_trace(
            go.Scatter(
                x=[report.before[w], report.after[w]],
                y=[yy, yy],
                mode="lines",
                showlegend=False,
                line=dict(color="#bbb", width=2),
                hoverinfo="skip",
            )
        )
    fig.add_trace(
        go.Scatter(
            x=[round(report.before[w], 3) for w in words],
            y=y,
            mode="markers",
            name=labels["before"],
            marker=dict(size=13, color="#9e9e9e"),
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    neutral = set(report.neutral)
    fig.add_trace(
        go.Scatter(
            x=[round(report.after[w], 3) for w in words],
            y=y,
            mode="markers",
            name=labels["after"],
            marker=dict(size=13, color=["#2ca02c" if w in neutral else "#9467bd" for w in words]),
            hovertemplate="%{y}: %{x:.3f}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line=dict(color="#444", width=1))
    fig.update_layout(
        height=120 + 34 * len(words),
        margin=dict(l=10, r=10, t=30, b=60),
        font=dict(size=14),
        xaxis_title=labels["cos_g"],
        legend=dict(orientation="h", y=1.08),
        plot_bgcolor="white",
    )
    fig.update_yaxes(autorange="reversed", showgrid=True, gridcolor="#f0f0f0")
    return fig


def bias_bars(
    words: list[str], values: list[float], course: dict | None = None, labels: dict | None = None
) -> go.Figure:
    """cos(e_w, g) for each word as a horizontal bar (positive: towards the first word of the axis pairs, orange;
    negative: blue), with the value the course's notebook printed as a black tick where it printed one."""
    labels = {**EMB_LABELS, **(labels or {})}
    course = course or {}
    y = [html.escape(w) for w in words]
    fig = go.Figure(
        go.Bar(
            x=[round(float(x), 4) for x in values],
            y=y,
            orientation="h",
            marker=dict(color=["#ff7f0e" if x > 0 else "#1f77b4" for x in values]),
            name=labels["cos_here"],
            hovertemplate="%{y}: %{x:.4f}<extra></extra>",
        )
    )
    known = [(yy, course[w]) for w, yy in zip(words, y) if w in course]
    if known:
        fig.add_trace(
            go.Scatter(
                x=[round(c, 4) for _, c in known],
                y=[yy for yy, _ in known],
                mode="markers",
                marker=dict(symbol="line-ns", size=22, line=dict(width=3, color="#111")),
                name=labels["cos_course"],
                hovertemplate="%{y}: %{x:.4f}<extra></extra>",
            )
        )
    fig.add_vline(x=0, line=dict(color="#444", width=1))
    fig.update_layout(
        height=110 + 26 * len(words),
        margin=dict(l=10, r=10, t=30, b=50),
        font=dict(size=14),
        xaxis_title=labels["cos_g"],
        legend=dict(orientation="h", y=1.06),
        plot_bgcolor="white",
        bargap=0.25,
    )
    fig.update_yaxes(autorange="reversed")
    return fig
