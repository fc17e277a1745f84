"""The fast plotly path every figure takes: plain dicts in, one unchecked Figure out; shared labels, scales and the
play/step player."""

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

from seqviz.core.vocab import display

# Course notation for every quantity a figure can show (Plotly's HTML subset).
NOTATION = {
    "a": "a<sup>&lt;t&gt;</sup>",
    "c": "c<sup>&lt;t&gt;</sup>",
    "c_tilde": "c̃<sup>&lt;t&gt;</sup>",
    "gamma_u": "Γ<sub>u</sub>",
    "gamma_r": "Γ<sub>r</sub>",
    "gamma_f": "Γ<sub>f</sub>",
    "gamma_o": "Γ<sub>o</sub>",
    "y_hat": "ŷ<sup>&lt;t&gt;</sup>",
}
LABELS = {  # English defaults; the UI passes translated ones
    "play": "▶ Play",
    "pause": "❚❚ Pause",
    "resume": "▷ Resume",
    "step": "step t = ",
    "unit": "hidden unit",
    "time": "time step t (input character x<sup>&lt;t&gt;</sup>)",
    "top5": "top-5 next characters ŷ<sup>&lt;t&gt;</sup>",
    "prob": "probability",
    "state": "hidden state a<sup>&lt;t&gt;</sup>, every unit over time",
}
DIVERGING = "RdBu_r"  # blue negative, white 0, red positive
GATE_SCALE = "Viridis"  # gates live in (0, 1)
FRAME_MS = 300  # one animation step


def token_label(ch: str, unknown: bool = False) -> str:
    """A tick label for one input character: visible, HTML-escaped, red when unknown to the model."""
    text = html.escape(display(ch), quote=False)  # plotly shows &quot; / &#x27; literally: quotes stay as they are
    return f'<span style="color:#d62728">{text}</span>' if unknown else text


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
    fig._frame_objs = tuple(go.Frame(f, _validate=False) for f in frames or ())  # the frames setter would check
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
    _typed_arrays([v for k, v in plain["layout"].items() if k != "template"])  # the template holds no arrays
    return plain


_NOT_TYPED = {"geojson", "layer", "layers", "range"}  # keys plotly never writes as typed arrays


def _typed_arrays(obj) -> None:
    """Each numpy array inside `obj` replaced by plotly's typed-array spec, in place (what to_dict's
    convert_to_base64 does, without its per-value module look-ups: about a quarter of a cache miss under load)."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            if isinstance(value, np.ndarray):  # as in plotly: arrays that are values of a dict, not list items
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
    refs = {
        (r + 1, c + 1): (cell[0].layout_keys, dict(cell[0].trace_kwargs))
        for r, row in enumerate(fig._grid_ref)
        for c, cell in enumerate(row)
        if cell
    }
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
        mode="immediate", fromcurrent=current, frame=dict(duration=ms, redraw=True), transition=dict(duration=0)
    )
    m = layout["margin"]
    y = -70 / (layout["height"] - m["t"] - m["b"])  # 70 px below the plot area, whatever its height
    steps = [dict(method="animate", label=token_label(tok), args=[[str(t)], go_to(0)]) for t, tok in enumerate(tokens)]
    return dict(
        updatemenus=[
            dict(
                type="buttons",
                direction="left",
                x=0,
                y=y,
                xanchor="left",
                yanchor="top",
                pad=dict(r=8, t=8),
                showactive=False,
                font=dict(size=15),
                buttons=[
                    dict(
                        label=labels["play"],
                        method="animate",
                        args=[[str(t) for t in range(len(tokens))], go_to(FRAME_MS)],
                    ),
                    dict(label=labels["pause"], method="animate", args=[[None], go_to(0)]),
                    dict(label=labels["resume"], method="animate", args=[None, go_to(FRAME_MS, True)]),
                ],
            )
        ],
        sliders=[
            dict(
                active=start,
                steps=steps,
                x=x,
                len=1 - x,
                y=y,
                yanchor="top",
                currentvalue=dict(prefix=labels["step"], font=dict(size=15)),
                pad=dict(t=8, b=0),
                font=dict(size=10),
            )
        ],
    )
