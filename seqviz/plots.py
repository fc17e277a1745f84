"""Figure builders: a Trace in, a plotly Figure (or escaped HTML) out; no Streamlit here."""
from __future__ import annotations

import copy
import functools
import html
import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
from _plotly_utils.utils import to_typed_array_spec
from plotly.colors import get_colorscale
from plotly.subplots import make_subplots

from seqviz.trace import Trace
from seqviz.vocab import display

# Course notation for every quantity a figure can show (Plotly's HTML subset).
NOTATION = {
    "a": "a<sup>&lt;t&gt;</sup>", "c": "c<sup>&lt;t&gt;</sup>", "c_tilde": "c̃<sup>&lt;t&gt;</sup>",
    "gamma_u": "Γ<sub>u</sub>", "gamma_r": "Γ<sub>r</sub>", "gamma_f": "Γ<sub>f</sub>",
    "gamma_o": "Γ<sub>o</sub>", "y_hat": "ŷ<sup>&lt;t&gt;</sup>",
}
LABELS = {   # English defaults; the UI passes translated ones
    "play": "▶ Play", "pause": "❚❚ Pause", "resume": "▷ Resume", "step": "step t = ", "unit": "hidden unit",
    "time": "time step t (input character x<sup>&lt;t&gt;</sup>)", "top5": "top-5 next characters ŷ<sup>&lt;t&gt;</sup>",
    "prob": "probability", "state": "hidden state a<sup>&lt;t&gt;</sup>, every unit over time",
}
DIVERGING = "RdBu_r"      # blue negative, white 0, red positive
GATE_SCALE = "Viridis"    # gates live in (0, 1)
FRAME_MS = 300            # one animation step


def token_label(ch: str, unknown: bool = False) -> str:
    """A tick label for one input character: visible, HTML-escaped, red when unknown to the model."""
    text = html.escape(display(ch))
    return f'<span style="color:#d62728">{text}</span>' if unknown else text


def _ticks(trace: Trace, max_ticks: int = 70) -> dict:
    every = max(1, int(np.ceil(trace.T / max_ticks)))
    idx = list(range(0, trace.T, every))
    return dict(tickmode="array", tickvals=idx,
                ticktext=[token_label(trace.tokens[i], bool(trace.unknown[i])) for i in idx],
                tickangle=0, tickfont=dict(size=14 if trace.T <= 40 else 11))


def _shade(t: int, T: int, xref: str = "x", yref: str = "paper") -> list[dict]:
    """A grey veil over the steps after t and a cursor line at t."""
    shapes = [dict(type="line", xref=xref, yref=yref, x0=t, x1=t, y0=0, y1=1,
                   line=dict(color="black", width=2))]
    if t < T - 1:
        shapes.append(dict(type="rect", xref=xref, yref=yref, x0=t + 0.5, x1=T - 0.5, y0=0, y1=1,
                           fillcolor="rgba(235,235,235,0.85)", line=dict(width=0), layer="above"))
    return shapes


def figure(data: list[dict], layout: dict, frames: list[dict] | None = None) -> go.Figure:
    """A Figure from plain dicts (traces with "type"), without plotly's per-property checks.

    For the figures rebuilt on every new sentence: plotly checks every property of every frame and
    slider step, 50-300 ms for a sentence of 60 characters; unchecked it takes a few ms (issue 8).
    Colour scales must be spelt out (`scale`), and properties written nested (marker=dict(color=...),
    not marker_color). tests/test_figures_checked.py rebuilds each such figure with full checks and
    asserts it comes out the same. Read its frames through fig.to_dict()["frames"]: plotly cannot
    index the data of an unchecked frame (fig.frames[t].data raises).

    The dicts are kept as `fig._plain` (data, layout, frames): a cache that never mutates the figure can
    serve them instead of fig.to_dict(), which deep-copies everything (seqviz.ui.cache.frozen).
    """
    layout = {"template": _template(pio.templates.default), **layout}
    fig = go.Figure(data=data, layout=layout, _validate=False)
    fig._frame_objs = tuple(go.Frame(f, _validate=False) for f in frames or ())   # the frames setter would check
    fig._plain = {"data": data, "layout": layout, **({"frames": frames} if frames else {})}
    return fig


def as_dict(fig: go.Figure) -> dict:
    """fig.to_dict() without its deep copy: a figure made by `figure` hands over its own dicts (so it must
    not change afterwards), with numpy arrays turned into plotly's typed arrays as to_dict does."""
    plain = getattr(fig, "_plain", None)
    if plain is None:
        return fig.to_dict()
    _typed_arrays(plain["data"])
    _typed_arrays(plain.get("frames", []))
    _typed_arrays([v for k, v in plain["layout"].items() if k != "template"])   # the template holds no arrays
    return plain


_NOT_TYPED = {"geojson", "layer", "layers", "range"}    # keys plotly never writes as typed arrays


def _typed_arrays(obj) -> None:
    """Each numpy array inside `obj` replaced by plotly's typed-array spec, in place (what to_dict's
    convert_to_base64 does, without its per-value module look-ups: about a quarter of a cache miss under load)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, np.ndarray):          # as in plotly: arrays that are values of a dict, not list items
                if key not in _NOT_TYPED:
                    obj[key] = to_typed_array_spec(value)
            elif isinstance(value, (dict, list, tuple)):
                _typed_arrays(value)
    elif isinstance(obj, (list, tuple)):
        for value in obj:
            if isinstance(value, (dict, list, tuple)):
                _typed_arrays(value)


@functools.lru_cache(maxsize=4)
def _template(name) -> dict:
    """The default template as a plain dict, made once (every new Figure would otherwise copy it in)."""
    return pio.templates[name].to_plotly_json() if name else {}


@functools.lru_cache(maxsize=32)
def scale(name: str) -> list:
    """A named colour scale spelt out as [[0, colour], ...] (plotly.js knows no "RdBu_r")."""
    return get_colorscale(name)


@functools.lru_cache(maxsize=64)
def _grid(spec: str) -> tuple[dict, dict]:
    fig = make_subplots(**json.loads(spec))
    layout = fig.layout.to_plotly_json()
    layout.pop("template", None)
    refs = {(r + 1, c + 1): (cell[0].layout_keys, dict(cell[0].trace_kwargs))
            for r, row in enumerate(fig._grid_ref) for c, cell in enumerate(row) if cell}
    return layout, refs


def subplots(**kwargs) -> tuple[dict, dict]:
    """make_subplots(**kwargs) as a plain layout dict, cached by its arguments (plotly takes 20-50 ms per grid).

    Returns:
        (layout: a fresh copy to fill in, refs: (row, col) -> ((x-axis key, y-axis key), {"xaxis": "x2", ...}))
    """
    layout, refs = _grid(json.dumps(kwargs, sort_keys=True, ensure_ascii=False))
    return copy.deepcopy(layout), refs


def axes(layout: dict, ref: tuple, x: dict | None = None, y: dict | None = None) -> None:
    """Update the x and y axis of one subplot (ref from `subplots`) in a plain layout dict."""
    (xk, yk), _ = ref
    layout.setdefault(xk, {}).update(x or {})
    layout.setdefault(yk, {}).update(y or {})


def player(layout: dict, tokens: list[str], labels: dict, start: int, x: float = 0.36) -> dict:
    """Play (from t = 0), pause and resume buttons and a step slider, placed under the x-axis title.

    Returns the layout's updatemenus and sliders, as plain dicts, for a layout with height and margin.
    `x` is where the slider starts (it runs to the right edge); more room for the buttons in a narrow column.
    """
    go_to = lambda ms, current=False: dict(
        mode="immediate", fromcurrent=current, frame=dict(duration=ms, redraw=True), transition=dict(duration=0))
    m = layout["margin"]
    y = -70 / (layout["height"] - m["t"] - m["b"])   # 70 px below the plot area, whatever its height
    steps = [dict(method="animate", label=token_label(tok), args=[[str(t)], go_to(0)])
             for t, tok in enumerate(tokens)]
    return dict(
        updatemenus=[dict(type="buttons", direction="left", x=0, y=y, xanchor="left", yanchor="top",
                          pad=dict(r=8, t=8), showactive=False, font=dict(size=15), buttons=[
            dict(label=labels["play"], method="animate", args=[[str(t) for t in range(len(tokens))], go_to(FRAME_MS)]),
            dict(label=labels["pause"], method="animate", args=[[None], go_to(0)]),
            dict(label=labels["resume"], method="animate", args=[None, go_to(FRAME_MS, True)])])],
        sliders=[dict(active=start, steps=steps, x=x, len=1 - x, y=y, yanchor="top",
                      currentvalue=dict(prefix=labels["step"], font=dict(size=15)),
                      pad=dict(t=8, b=0), font=dict(size=10))])


def state_animation(trace: Trace, labels: dict | None = None, start: int | None = None) -> go.Figure:
    """a<t> of every unit over time (heatmap) beside the top-5 ŷ<t>, animated step by step.

    Opens on the last step (the whole picture); Play walks t from the start with a
    veil over the characters the network has not read yet.
    """
    labels = {**LABELS, **(labels or {})}
    T = trace.T
    start = T - 1 if start is None else int(np.clip(start, 0, T - 1))
    layout, ref = subplots(rows=1, cols=2, column_widths=[0.7, 0.3], horizontal_spacing=0.13,
                           subplot_titles=[labels["state"], labels["top5"]])
    heat = dict(
        type="heatmap", z=np.round(trace.a.T, 3), x=np.arange(T), y=np.arange(trace.n_a), colorscale=scale(DIVERGING),
        zmin=-1, zmax=1, zmid=0, colorbar=dict(title=dict(text=NOTATION["a"]), x=0.635, xanchor="left", len=0.9, thickness=14),
        hovertemplate="t=%{x}<br>" + labels["unit"] + " %{y}<br>" + NOTATION["a"] + " = %{z:.3f}<extra></extra>",
        **ref[1, 1][1])
    layout.update(shapes=_shade(start, T), height=600, margin=dict(l=60, r=30, t=60, b=170),
                  font=dict(size=14), showlegend=False)
    axes(layout, ref[1, 1], x=dict(_ticks(trace), title=dict(text=labels["time"]), range=[-0.5, T - 0.5]),
         y=dict(title=dict(text=labels["unit"])))
    axes(layout, ref[1, 2], x=dict(range=[0, 1.25], title=dict(text=labels["prob"])),
         y=dict(autorange="reversed", showticklabels=False))
    layout.update(player(layout, trace.tokens, labels, start))
    return figure([heat, {**_top5_bar(trace, start), **ref[1, 2][1]}], layout,
                  frames=[dict(name=str(t), data=[_top5_bar(trace, t)], traces=[1], layout=dict(shapes=_shade(t, T)))
                          for t in range(T)])


def _top5_bar(trace: Trace, t: int, k: int = 5) -> dict:
    top = trace.top_k(t, k)
    text = [f"{token_label(ch)}  {p:.2f}" for ch, p in top]
    return dict(type="bar", x=[p for _, p in top], y=list(range(1, len(top) + 1)), orientation="h", text=text,
                textposition="outside", textfont=dict(size=16), marker=dict(color="#4c78a8"),
                hoverinfo="skip", cliponaxis=False)


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
    layout, ref = subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.04,
                           subplot_titles=[NOTATION[r] for r in rows])
    c_max = float(max(1.0, np.abs(trace.c).max())) if trace.c is not None else 1.0
    axis_of = lambda name: "coloraxis" if name.startswith("gamma") else ("coloraxis3" if name == "c" else "coloraxis2")
    heatmaps = []
    for i, name in enumerate(rows, start=1):
        heatmaps.append(dict(
            type="heatmap", z=np.round(data[name].T, 3), x=np.arange(T), y=np.arange(trace.n_a), coloraxis=axis_of(name),
            hovertemplate="t=%{x}<br>" + labels["unit"] + " %{y}<br>" + NOTATION[name] + " = %{z:.3f}<extra></extra>",
            **ref[i, 1][1]))
        axes(layout, ref[i, 1], y=dict(title=dict(text=labels["unit"], font=dict(size=12))))

    def bar(axis: str, title: str) -> dict:
        """A colour bar beside the rows that use `axis`."""
        doms = [layout[ref[i, 1][0][1]]["domain"] for i, r in enumerate(rows, 1) if axis_of(r) == axis]
        lo, hi = min(d[0] for d in doms), max(d[1] for d in doms)
        return dict(title=dict(text=title), y=(lo + hi) / 2, len=hi - lo, thickness=14)

    used = {axis_of(r) for r in rows}
    layout.update(height=230 + 180 * len(rows), margin=dict(l=60, r=30, t=50, b=170), font=dict(size=14),
                  shapes=_shade(start, T))
    if "coloraxis" in used:
        layout["coloraxis"] = dict(colorscale=scale(GATE_SCALE), cmin=0, cmax=1, colorbar=bar("coloraxis", "Γ"))
    if "coloraxis2" in used:
        layout["coloraxis2"] = dict(colorscale=scale(DIVERGING), cmin=-1, cmax=1, cmid=0, colorbar=bar(
            "coloraxis2", NOTATION["c_tilde"] if trace.c_tilde is not None else NOTATION["a"]))
    if "coloraxis3" in used:
        layout["coloraxis3"] = dict(colorscale=scale(DIVERGING), cmin=-c_max, cmax=c_max, cmid=0,
                                    colorbar=bar("coloraxis3", NOTATION["c"]))
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
        fig.add_trace(go.Scatter(x=np.arange(trace.T), y=np.round(arr[:, unit], 4), mode="lines+markers",
                                 name=NOTATION[name], line=dict(width=3 if name == "a" else 1.5)))
    fig.update_layout(height=320, margin=dict(l=50, r=20, t=30, b=60), font=dict(size=14),
                      legend=dict(orientation="h", y=1.15), hovermode="x unified")
    fig.update_xaxes(_ticks(trace), range=[-0.5, trace.T - 0.5], title_text=labels["time"])
    return fig


def _rgb(v: float) -> str:
    """Diverging colour for v in [-1, 1]: blue < 0 < red, white at 0."""
    v = float(np.clip(v, -1, 1))
    if v >= 0:
        return f"rgb(255,{int(255 * (1 - v))},{int(255 * (1 - v))})"
    return f"rgb({int(255 * (1 + v))},{int(255 * (1 + v))},255)"


def unit_text_html(trace: Trace, unit: int, field: str = "a") -> str:
    """The input text with each character's background coloured by one unit's value after reading it.

    Every character is HTML-escaped: user text is never interpreted as HTML.
    Unknown characters get a dashed red outline.
    """
    values = trace.a if field == "a" else (trace.c if field == "c" else trace.gates[field])
    scale = max(1.0, float(np.abs(values[:, unit]).max())) if field == "c" else 1.0
    parts = []
    for t in range(1, trace.T):
        ch, v = trace.tokens[t], float(values[t, unit]) / scale
        if ch == "\n":
            parts.append("<br>")
            continue
        shown = "&nbsp;" if ch == " " else html.escape(ch)
        outline = "outline:2px dashed #d62728;" if trace.unknown[t] else ""
        parts.append(f'<span title="t={t} {html.escape(field)}={values[t, unit]:.3f}" '
                     f'style="background:{_rgb(v)};{outline}padding:1px 0">{shown}</span>')
    return ('<div style="font-family:monospace;font-size:22px;line-height:1.9;color:#111;'
            'word-break:break-all">' + "".join(parts) + "</div>")


# --- gradients through time ---------------------------------------------------------------
CELL_COLORS = {"rnn": "#d62728", "gru": "#2ca02c", "lstm": "#1f77b4"}
GRAD_LABELS = {"distance": "distance from the last step, T − t", "norm": "‖∂L/∂a<sup>&lt;t&gt;</sup>‖",
               "sigma": "largest singular value of ∂a<sup>&lt;T&gt;</sup>/∂a<sup>&lt;t&gt;</sup>",
               "bound": "bound ‖W<sub>aa</sub>‖₂<sup>T−t</sup>", "overflow": "overflow (inf / NaN)",
               "underflow": "underflow (exactly 0)", "clipped": "clipped", "k": "distractors k",
               "accuracy": "held-out accuracy", "chance": "chance"}


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
    fig.add_trace(go.Scatter(x=x[finite], y=y[finite], mode="lines+markers", name=name, legendgroup=name,
                             marker=dict(size=4, color=color), line=dict(color=color, width=2.5),
                             showlegend=show_legend, hovertemplate="T−t=%{x}<br>%{y:.3e}<extra>" + name + "</extra>"),
                  row, col)
    over = ~np.isfinite(y)
    if over.any():
        fig.add_trace(go.Scatter(x=x[over], y=np.full(over.sum(), 10 ** hi), mode="markers+text",
                                 text=[("inf" if np.isinf(v) else "NaN") if i == 0 or np.isinf(v) != np.isinf(y[over][i - 1])
                                       else "" for i, v in enumerate(y[over])], textposition="bottom center",
                                 textfont=dict(size=15, color=color),
                                 marker=dict(symbol="x", size=9, color=color), name=labels["overflow"],
                                 legendgroup="overflow", showlegend=False, hoverinfo="skip"), row, col)
    zero = np.isfinite(y) & (y == 0)
    if zero.any():
        fig.add_trace(go.Scatter(x=x[zero], y=np.full(zero.sum(), 10 ** lo), mode="markers",
                                 marker=dict(symbol="triangle-down", size=7, color=color), name=labels["underflow"],
                                 legendgroup="underflow", showlegend=False,
                                 hovertemplate="T−t=%{x}<br>0<extra></extra>"), row, col)
    if clipped is not None and np.any(clipped):
        c = np.asarray(clipped) & finite
        fig.add_trace(go.Scatter(x=x[c], y=y[c], mode="markers", name=labels["clipped"],
                                 marker=dict(symbol="circle-open", size=11, color="#ff7f0e", line=dict(width=2)),
                                 legendgroup="clipped", showlegend=False, hoverinfo="skip"), row, col)


def grad_norms_figure(traces: dict, labels: dict | None = None) -> go.Figure:
    """‖∂L/∂a<t>‖ against the distance T − t, one panel per cell side by side, log scale.

    Args:
        traces: {"rnn": GradTrace, "gru": GradTrace, "lstm": GradTrace}.
    """
    labels = {**GRAD_LABELS, **(labels or {})}
    cells = list(traces)
    lo, hi = _log_range([tr.norms for tr in traces.values()])
    fig = make_subplots(rows=1, cols=len(cells), shared_yaxes=True, horizontal_spacing=0.03,
                        subplot_titles=[c.upper() for c in cells])
    for i, cell in enumerate(cells, start=1):
        tr = traces[cell]
        _log_series(fig, tr.distance, tr.norms, cell.upper(), CELL_COLORS[cell], lo, hi, 1, i, labels,
                    clipped=tr.clipped, show_legend=False)
        fig.update_xaxes(title_text=labels["distance"], row=1, col=i)
    fig.update_yaxes(type="log", range=[lo - 0.3, hi + 0.3], exponentformat="power", title_text=labels["norm"],
                     row=1, col=1)
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
        fig.add_trace(go.Scatter(x=d[ok], y=bound[ok], mode="lines", name=labels["bound"],
                                 line=dict(color=CELL_COLORS["rnn"], dash="dash", width=1.5)))
    fig.update_yaxes(type="log", range=[lo - 0.3, hi + 0.3], exponentformat="power", title_text=labels["sigma"])
    fig.update_xaxes(title_text=labels["distance"])
    fig.update_layout(height=400, margin=dict(l=70, r=20, t=30, b=60), font=dict(size=14),
                      legend=dict(orientation="h", y=1.08))
    return fig


def longrange_figure(result, labels: dict | None = None) -> go.Figure:
    """Held-out accuracy against the number of distractors k, one line per cell; chance is 50%."""
    labels = {**GRAD_LABELS, **(labels or {})}
    fig = go.Figure()
    style = {"rnn": ("solid", "circle", 12), "gru": ("dash", "square", 14), "lstm": ("dot", "diamond", 10)}
    for cell, acc in result.accuracy.items():   # distinct dashes and markers: equal lines stay visible
        dash, symbol, size = style.get(cell, ("solid", "circle", 10))
        fig.add_trace(go.Scatter(x=list(result.ks), y=acc, mode="lines+markers", name=cell.upper(),
                                 line=dict(color=CELL_COLORS[cell], width=3, dash=dash),
                                 marker=dict(size=size, symbol=symbol)))
    fig.add_hline(y=0.5, line=dict(dash="dot", color="gray"), annotation_text=labels["chance"])
    fig.update_xaxes(title_text=labels["k"], type="log", tickvals=list(result.ks))
    fig.update_yaxes(title_text=labels["accuracy"], range=[0.3, 1.05], tickformat=".0%")
    fig.update_layout(height=380, margin=dict(l=70, r=20, t=30, b=60), font=dict(size=14),
                      legend=dict(orientation="h", y=1.1))
    return fig


# --- language models ----------------------------------------------------------------------
LM_LABELS = {"raw": "model ŷ<sup>&lt;t&gt;</sup>", "adjusted": "after temperature / top-k",
             "chosen": "sampled", "prob": "probability", "char": "next character"}


def sample_animation(s, labels: dict | None = None) -> go.Figure:
    """Sampling step by step: ŷ<t> over every character, the reshaped distribution, the pick, the text so far."""
    labels = {**LM_LABELS, **(labels or {})}
    T = len(s.chosen)
    chars = [token_label(c) for c in s.vocab]
    x = list(range(len(chars)))

    def traces(t: int) -> list:
        colors = ["#d62728" if i == s.chosen[t] else "#4c78a8" for i in x]
        return [dict(type="bar", x=x, y=np.round(s.raw[t], 4), name=labels["raw"],
                     marker=dict(color="rgba(150,150,150,0.45)")),
                dict(type="bar", x=x, y=np.round(s.probs[t], 4), name=labels["adjusted"], marker=dict(color=colors))]

    def text_so_far(t: int) -> dict:
        shown = "".join(s.vocab[i] for i in s.chosen[: t + 1]).replace("\n", " ⏎ ")[-60:]
        return dict(text="<b>" + html.escape(shown) + "▌</b>", x=0, y=1.14, xref="paper", yref="paper",
                    xanchor="left", showarrow=False, font=dict(size=22, family="monospace"))

    start = T - 1
    layout = dict(barmode="overlay", height=480, margin=dict(l=60, r=20, t=90, b=150), font=dict(size=14),
                  annotations=[text_so_far(start)], legend=dict(orientation="h", y=1.02, x=1, xanchor="right"),
                  yaxis=dict(range=[0, 1.02], title=dict(text=labels["prob"])),
                  xaxis=dict(tickmode="array", tickvals=x, ticktext=chars, title=dict(text=labels["char"]),
                             tickfont=dict(size=16)))
    layout.update(player(layout, [s.vocab[i] for i in s.chosen], {**LABELS, **labels}, start))
    return figure(traces(start), layout,
                  frames=[dict(name=str(t), data=traces(t), layout=dict(annotations=[text_so_far(t)])) for t in range(T)])


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
        parts.append(f'<span title="{tip}" style="background:rgb(255,{shade},{shade});{outline}padding:1px 0">'
                     f"{shown}</span>")
    return ('<div style="font-family:monospace;font-size:22px;line-height:1.9;color:#111;word-break:break-all">'
            + "".join(parts) + "</div>")


SENT_LABELS = {"average": "averaging", "lstm": "LSTM", "contrib": "share of the decision (log-odds of positive)",
               "running": "LSTM's P(positive) after reading word t", "p_avg": "averaging's P(positive)",
               "word": "word", "p": "P(positive)"}


def sentiment_figure(r, labels: dict | None = None) -> go.Figure:
    """Each word's push towards positive (up) or negative (down) under both models, and the LSTM's
    opinion as it reads, animated word by word (Play / step)."""
    labels = {**LABELS, **SENT_LABELS, **(labels or {})}
    words = [w for w, k in zip(r.tokens, r.known) if k]
    T = len(words)
    x = list(range(T))
    ticks = dict(tickmode="array", tickvals=x, ticktext=[html.escape(w) for w in words], tickangle=-40 if T > 12 else 0)
    layout, ref = subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.2, row_heights=[0.55, 0.45],
                           subplot_titles=[labels["contrib"], labels["running"]])
    data = [dict(type="bar", x=x, y=np.round(contrib, 3), name=labels[name], marker=dict(color=color),
                 hovertemplate="%{customdata}: %{y:+.2f}<extra>" + labels[name] + "</extra>",
                 customdata=[html.escape(w) for w in words], **ref[1, 1][1])
            for name, contrib, color in (("average", r.avg_contrib, "#9e9e9e"), ("lstm", r.lstm_contrib, "#d62728"))]

    def running(t: int) -> dict:
        return dict(type="scatter", x=x[: t + 1], y=np.round(r.lstm_running[: t + 1], 3), mode="lines+markers+text",
                    text=[f"{p:.2f}" for p in r.lstm_running[: t + 1]], textposition="top center",
                    line=dict(color="#d62728", width=3), marker=dict(size=10), name=labels["running"],
                    hovertemplate="%{y:.2f}<extra></extra>", showlegend=False, cliponaxis=False)
    data.append({**running(T - 1), **ref[2, 1][1]})
    xref, yref = ref[2, 1][1]["xaxis"] + " domain", ref[2, 1][1]["yaxis"]
    hline = lambda y, **line: dict(type="line", line=line, x0=0, x1=1, xref=xref, y0=y, y1=y, yref=yref)
    layout.update(height=620, margin=dict(l=70, r=30, t=60, b=170), font=dict(size=14), barmode="group",
                  legend=dict(orientation="h", x=1, xanchor="right", y=1.08),
                  shapes=[hline(r.p_average, color="#9e9e9e", dash="dash", width=2),
                          hline(0.5, color="#444", width=1, dash="dot")])
    layout["annotations"].append(dict(text=f"{labels['p_avg']} = {r.p_average:.2f}", showarrow=False, x=1,
                                      xanchor="right", xref=xref, y=r.p_average, yanchor="top", yref=yref))
    axes(layout, ref[2, 1], x=dict(ticks, range=[-0.6, T - 0.4]), y=dict(range=[-0.05, 1.12], title=dict(text=labels["p"])))
    axes(layout, ref[1, 1], x=dict(ticks, showticklabels=True), y=dict(zeroline=True, zerolinecolor="#444"))
    layout.update(player(layout, words, labels, T - 1))
    return figure(data, layout, frames=[dict(name=str(t), data=[running(t)], traces=[2]) for t in range(T)])


# ---------------------------------------------------------------- word embeddings

EMB_LABELS = {"other": "other words", "query": "your word", "neighbour": "nearest neighbours", "analogy": "analogy",
              "placed": "(placed beside its neighbours: not among the words projected)", "n_e": "dimension of e_w",
              "E": "E (n_e × V): one column per word", "o": "o_w", "e": "e_w = E o_w", "before": "before", "after": "after",
              "cos_g": "cos(e_w, g): how far the word leans along the bias direction g", "centre": "centre word",
              "context": "inside the window", "pairs": "training pairs at this step", "freq": "f(w): share of the corpus",
              "freq34": "f(w)^¾ / Σ f^¾: how often negatives are drawn", "target": "e_b − e_a + e_c"}
_PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
            "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd", "#e6550d", "#31a354",
            "#756bb1", "#636363"]


def embedding_map(words: list[str], Y: np.ndarray, groups: np.ndarray, group_names: list[str],
                  marks: dict[str, str] | None = None, arrows: list[tuple[str, str]] = (),
                  extra: dict[str, np.ndarray] | None = None, labels: dict | None = None) -> go.Figure:
    """The projection scatter: one point per word (hover shows it), coloured by group; marked words
    drawn large and labelled; arrows from word to word (the analogy).

    Args:
        words, Y: the projected words and their (n, 2 or 3) coordinates.
        groups: (n,) group of each word (index into group_names; -1 = none, drawn light grey).
        marks: word -> "query", "neighbour" or "analogy".
        arrows: (from word, to word) pairs, both in `words` or `extra`.
        extra: word -> coordinates for marked words placed beside their neighbours (not projected).
    """
    labels = {**EMB_LABELS, **(labels or {})}
    marks, extra = marks or {}, extra or {}
    dim = Y.shape[1]
    pos = {w: Y[i] for i, w in enumerate(words)} | dict(extra)
    Scatter = go.Scattergl if dim == 2 else go.Scatter3d
    fig = go.Figure()

    def xyz(P):
        P = np.asarray(P).reshape(-1, dim)
        d = dict(x=np.round(P[:, 0], 3), y=np.round(P[:, 1], 3))
        if dim == 3:
            d["z"] = np.round(P[:, 2], 3)
        return d
    groups = np.asarray(groups)
    order = [-1] + list(range(len(group_names)))
    for g in order:
        sel = np.flatnonzero(groups == g)
        if not len(sel):
            continue
        color = "#c7c7c7" if g < 0 else _PALETTE[g % len(_PALETTE)]
        name = labels["other"] if g < 0 else html.escape(group_names[g])
        fig.add_trace(Scatter(**xyz(Y[sel]), mode="markers", name=name, text=[html.escape(words[i]) for i in sel],
                              hovertemplate="%{text}<extra></extra>",
                              marker=dict(size=6 if dim == 2 else 3, color=color, opacity=0.6 if g >= 0 else 0.45)))
    styles = {"neighbour": ("#111111", 10, "circle"), "query": ("#111111", 20, "star"),
              "analogy": ("#111111", 13, "diamond")}       # black over the coloured clouds, labelled
    for role, (color, size, symbol) in styles.items():
        ws = [w for w, r in marks.items() if r == role and w in pos]
        if not ws:
            continue
        text = [html.escape(w) + ("*" if w in extra else "") for w in ws]
        fig.add_trace(Scatter(**xyz([pos[w] for w in ws]), mode="markers+text", text=text, name=labels[role],
                              textposition="top center", textfont=dict(size=15, color="#111"),
                              hovertemplate="%{text}<extra></extra>",
                              marker=dict(size=size if dim == 2 else size / 2, color=color,
                                          symbol=symbol if dim == 2 else "diamond",
                                          line=dict(color="white", width=1.5))))
    for a, b in arrows:
        if a not in pos or b not in pos:
            continue
        if dim == 2:
            fig.add_annotation(x=float(pos[b][0]), y=float(pos[b][1]), ax=float(pos[a][0]), ay=float(pos[a][1]),
                               xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=3,
                               arrowsize=1.4, arrowwidth=3, arrowcolor="#111111", text="")
        else:
            fig.add_trace(go.Scatter3d(**xyz([pos[a], pos[b]]), mode="lines", showlegend=False, hoverinfo="skip",
                                       line=dict(color="#111111", width=6)))
            d = pos[b] - pos[a]
            fig.add_trace(go.Cone(x=[pos[b][0]], y=[pos[b][1]], z=[pos[b][2]], u=[d[0]], v=[d[1]], w=[d[2]],
                                  sizemode="absolute", sizeref=0.6, anchor="tip", showscale=False, hoverinfo="skip",
                                  colorscale=[[0, "#111111"], [1, "#111111"]]))
    if extra:
        fig.add_annotation(text="* " + labels["placed"], xref="paper", yref="paper", x=0, y=-0.02,
                           showarrow=False, xanchor="left", yanchor="top", font=dict(size=12, color="#555"))
    axis = dict(showticklabels=False, title=None, zeroline=False, showgrid=dim == 3)
    fig.update_layout(height=680, margin=dict(l=10, r=10, t=30, b=40), font=dict(size=14),
                      legend=dict(itemsizing="constant", font=dict(size=13)), hoverlabel=dict(font_size=16),
                      plot_bgcolor="white")
    if dim == 2:
        fig.update_xaxes(axis)
        fig.update_yaxes(axis, scaleanchor="x")
    else:
        fig.update_scenes(xaxis=axis, yaxis=axis, zaxis=axis)
    return fig


def onehot_figure(words: list[str], k: int, E: np.ndarray, width: int = 7, labels: dict | None = None) -> go.Figure:
    """E o_w = e_w drawn as the course writes it: a slice of E (n_e × V, the chosen word's column
    outlined), the one-hot o_w with its single 1 at row k, and the column e_w it picks out."""
    labels = {**EMB_LABELS, **(labels or {})}
    V, n_e = E.shape
    lo, hi = max(0, k - width), min(V, k + width + 1)
    cols = list(range(lo, hi))
    lim = float(np.abs(E[cols]).max()) or 1.0
    fig = make_subplots(rows=1, cols=3, column_widths=[0.62, 0.12, 0.12], horizontal_spacing=0.07,
                        subplot_titles=(labels["E"], labels["o"], labels["e"]))
    fig.add_trace(go.Heatmap(z=np.round(E[cols].T, 3), x=[f"{i}" for i in cols], colorscale=DIVERGING, zmid=0,
                             zmin=-lim, zmax=lim, showscale=False, customdata=[[html.escape(words[i]) for i in cols]] * n_e,
                             hovertemplate="%{customdata} (%{x})<br>" + labels["n_e"] + " %{y}: %{z:.3f}<extra></extra>"),
                  1, 1)
    o_rows = [f"{i}" for i in cols]
    fig.add_trace(go.Heatmap(z=[[1.0 if i == k else 0.0] for i in cols], y=o_rows, colorscale=[[0, "white"], [1, "black"]],
                             showscale=False, text=[["1" if i == k else "0"] for i in cols], texttemplate="%{text}",
                             textfont=dict(size=13), hovertemplate="o_w[%{y}] = %{z:.0f}<extra></extra>", xgap=1, ygap=1),
                  1, 2)
    fig.add_trace(go.Heatmap(z=np.round(E[k][:, None], 3), colorscale=DIVERGING, zmid=0, zmin=-lim, zmax=lim,
                             colorbar=dict(thickness=12, len=0.9),
                             hovertemplate=labels["n_e"] + " %{y}: %{z:.3f}<extra></extra>"), 1, 3)
    j = cols.index(k)
    fig.add_shape(type="rect", x0=j - 0.5, x1=j + 0.5, y0=-0.5, y1=n_e - 0.5, line=dict(color="black", width=3),
                  row=1, col=1)
    ticks = [html.escape(words[i]) + f"<br>{i}" for i in cols]
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(cols))), ticktext=ticks, tickangle=-50,
                     type="category", row=1, col=1)
    fig.update_yaxes(title_text=labels["n_e"], autorange="reversed", row=1, col=1)
    fig.update_yaxes(tickmode="array", tickvals=o_rows, ticktext=[html.escape(words[i]) for i in cols],
                     autorange="reversed", type="category", row=1, col=2)
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
        boxes = dict(type="scatter", x=list(range(T)), y=[1] * T, mode="markers+text", text=[html.escape(w) for w in tokens],
                     textfont=dict(size=15, color=fonts), hoverinfo="skip", showlegend=False,
                     marker=dict(symbol="square", size=[max(38, 11 * len(w)) for w in tokens], color=colors))
        c = html.escape(tokens[t])
        if mode == "cbow":
            lines = [", ".join(html.escape(tokens[u]) for u in inside) + f"  →  <b>{c}</b>"]
        else:
            lines = [f"<b>{c}</b>  →  {html.escape(tokens[u])}" for u in inside]
        lines = lines or ["—"]
        pairs = dict(type="scatter", x=[0] * len(lines), y=[-0.3 - 0.32 * i for i in range(len(lines))], mode="text",
                     text=lines, textposition="middle right", textfont=dict(size=15), hoverinfo="skip",
                     showlegend=False)
        return [boxes, pairs]
    rows = 1 if mode == "cbow" else 2 * window
    layout = dict(height=260 + 30 * rows, margin=dict(l=10, r=10, t=20, b=120), plot_bgcolor="white",
                  xaxis=dict(visible=False, range=[-0.6, max(T, 6) - 0.4]),
                  yaxis=dict(visible=False, range=[-0.3 - 0.32 * rows, 1.4]),
                  annotations=[dict(text=labels["pairs"], x=-0.5, y=0.45, xref="x", yref="y", showarrow=False,
                                    xanchor="left", font=dict(size=13, color="#555"))])
    layout.update(player(layout, tokens, labels, 0))
    return figure(frame_data(0), layout, frames=[dict(name=str(t), data=frame_data(t)) for t in range(T)])


def sampling_figure(words: list[str], f: np.ndarray, f34: np.ndarray, labels: dict | None = None) -> go.Figure:
    """How negative sampling draws words: corpus frequency f(w) against f(w)^¾ / Σ f^¾."""
    labels = {**EMB_LABELS, **(labels or {})}
    x = [html.escape(w) for w in words]
    fig = go.Figure([go.Bar(x=x, y=np.round(f, 4), name=labels["freq"], marker_color="#9e9e9e"),
                     go.Bar(x=x, y=np.round(f34, 4), name=labels["freq34"], marker_color="#1f77b4")])
    fig.update_layout(barmode="group", height=340, margin=dict(l=50, r=10, t=30, b=60), font=dict(size=13),
                      legend=dict(orientation="h", y=1.12))
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
    colors = {"a": "#1f77b4", "b": "#1f77b4", "c": "#d62728", "d": "#d62728", "target": "#2ca02c", "candidate": "#9e9e9e"}
    text = [labels["target"] if r == "target" else html.escape(w) for w, r in zip(words, roles)]
    fig.add_trace(go.Scatter(x=np.round(P[:, 0], 3), y=np.round(P[:, 1], 3), mode="markers+text", text=text,
                             textposition="top center", textfont=dict(size=15), hovertemplate="%{text}<extra></extra>",
                             marker=dict(size=[14 if r != "candidate" else 9 for r in roles],
                                         symbol=["star" if r == "target" else "circle" for r in roles],
                                         color=[colors[r] for r in roles]), showlegend=False))
    for s, e, color, dash in (("a", "b", "#1f77b4", None), ("c", "d", "#d62728", None), ("c", "target", "#2ca02c", "dot")):
        if s in pos and e in pos:
            fig.add_annotation(x=float(pos[e][0]), y=float(pos[e][1]), ax=float(pos[s][0]), ay=float(pos[s][1]),
                               xref="x", yref="y", axref="x", ayref="y", showarrow=True, arrowhead=3, arrowsize=1.3,
                               arrowwidth=2.5 if dash is None else 1.5, arrowcolor=color, text="")
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
        fig.add_trace(go.Scatter(x=[report.before[w], report.after[w]], y=[yy, yy], mode="lines", showlegend=False,
                                 line=dict(color="#bbb", width=2), hoverinfo="skip"))
    fig.add_trace(go.Scatter(x=[round(report.before[w], 3) for w in words], y=y, mode="markers", name=labels["before"],
                             marker=dict(size=13, color="#9e9e9e"), hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    neutral = set(report.neutral)
    fig.add_trace(go.Scatter(x=[round(report.after[w], 3) for w in words], y=y, mode="markers", name=labels["after"],
                             marker=dict(size=13, color=["#2ca02c" if w in neutral else "#9467bd" for w in words]),
                             hovertemplate="%{y}: %{x:.3f}<extra></extra>"))
    fig.add_vline(x=0, line=dict(color="#444", width=1))
    fig.update_layout(height=120 + 34 * len(words), margin=dict(l=10, r=10, t=30, b=60), font=dict(size=14),
                      xaxis_title=labels["cos_g"], legend=dict(orientation="h", y=1.08), plot_bgcolor="white")
    fig.update_yaxes(autorange="reversed", showgrid=True, gridcolor="#f0f0f0")
    return fig
