"""Figures of the trigger-word topic: the sound, its spectrogram x<t> and, under it on the same time axis, ŷ<t> with
the threshold, the label windows and the chimes; and the many-to-many diagram with the model's own numbers."""

from __future__ import annotations

import html

import numpy as np

from seqviz.speech.audio import SR, frequencies
from seqviz.speech.models import Detection, TriggerConfig
from seqviz.viz.base import axes, figure, scale, subplots
from seqviz.viz.diagrams import H, W, _arrow, _box, _Canvas, _edge, _still, _sup

SPEECH_LABELS = {  # English defaults; the page passes translated ones
    "wave": "sound",
    "spec": "spectrogram x<sup>&lt;t&gt;</sup> (Hz)",
    "y_hat": "ŷ<sup>&lt;t&gt;</sup>",
    "time": "time (s)",
    "threshold": "threshold",
    "chime": "chime",
    "label": "y<sup>&lt;t&gt;</sup> = 1",
    "db": "dB",
    "trigger": "activate",
}
TRIGGER_COLOR = "#d62728"  # "activate" and its label window
OTHER_COLOR = "#7f7f7f"  # the other words
CHIME_COLOR = "#ff9900"
MAX_COLUMNS = 1000  # spectrogram columns drawn (longer recordings are shown with neighbouring frames' maximum)
MAX_WAVE = 2000  # points of the waveform's envelope


def _envelope(audio: np.ndarray, n: int = MAX_WAVE) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(times, min, max) of `audio` in n blocks: the waveform's outline, light to draw."""
    k = max(1, int(np.ceil(len(audio) / n)))
    m = len(audio) // k
    if m == 0:
        return np.zeros(0), np.zeros(0), np.zeros(0)
    blocks = audio[: m * k].reshape(m, k)
    t = (np.arange(m) * k + k / 2) / SR
    return np.round(t, 4), np.round(blocks.min(1), 4), np.round(blocks.max(1), 4)


def _columns(x: np.ndarray, times: np.ndarray, n: int = MAX_COLUMNS) -> tuple[np.ndarray, np.ndarray]:
    """The spectrogram with at most n columns: groups of neighbouring frames by their maximum (a word stays seen)."""
    k = max(1, int(np.ceil(len(x) / n)))
    m = len(x) // k
    if k == 1 or m == 0:
        return x, times
    return x[: m * k].reshape(m, k, -1).max(1), times[: m * k].reshape(m, k).mean(1)


def detection_figure(
    det: Detection,
    words: list | None = None,
    trigger: str = "activate",
    label_seconds: float = 0.36,
    chimes: list[float] | None = None,
    threshold: float | None = None,
    labels: dict | None = None,
    height: int = 620,
) -> dict:
    """The sound (its outline), the spectrogram x<t> (frequency in Hz against time) and ŷ<t> under it on one time
    axis, with the threshold, each word said (when known: the shipped clips) and each "activate"'s label window
    y<t> = 1, and a mark where the chime sounds.

    Args:
        det: a Detection (seqviz.speech.models.detect).
        words: (word, start s, end s) of each word said, if known.
        chimes, threshold: the chimes and threshold to show (default: the detection's own).
    """
    lab = {**SPEECH_LABELS, **(labels or {})}
    chimes = det.chimes if chimes is None else chimes
    thr = det.threshold if threshold is None else threshold
    layout, refs = subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.04, row_heights=[0.14, 0.52, 0.34])
    end = max(det.seconds, 0.1)
    wt, lo, hi = _envelope(det.audio)
    x, ft = _columns(det.x, det.frame_times)
    data = [
        dict(
            type="scatter",
            x=np.concatenate([wt, wt[::-1]]),
            y=np.concatenate([hi, lo[::-1]]),
            fill="toself",
            mode="lines",
            line=dict(width=0.5, color="#4c78a8"),
            fillcolor="rgba(76,120,168,0.6)",
            hoverinfo="skip",
            showlegend=False,
            **refs[1, 1][1],
        ),
        dict(
            type="heatmap",
            z=np.round(x.T, 1),
            x=np.round(ft, 4),
            y=frequencies(),
            zmin=-100,
            zmax=float(max(-40.0, np.percentile(x, 99.5))) if x.size else 0.0,
            colorscale=scale("Viridis"),
            colorbar=dict(title=dict(text=lab["db"]), len=0.45, y=0.64, thickness=12),
            hovertemplate="%{x:.2f} s · %{y:.0f} Hz: %{z:.0f} dB<extra></extra>",
            **refs[2, 1][1],
        ),
        dict(
            type="scatter",
            x=np.round(det.times, 4),
            y=np.round(det.y_hat, 4),
            mode="lines",
            name=lab["y_hat"],
            line=dict(color="#2ca02c", width=2.5),
            hovertemplate="%{x:.2f} s: ŷ = %{y:.3f}<extra></extra>",
            showlegend=False,
            **refs[3, 1][1],
        ),
    ]
    shapes, notes = [], []
    (xa3, ya3), _ = refs[3, 1]
    (xa2, ya2), _ = refs[2, 1]
    xr, yr3, yr2 = xa3.replace("axis", ""), ya3.replace("axis", ""), ya2.replace("axis", "")
    shapes.append(
        dict(
            type="line",
            xref=xr,
            yref=yr3,
            x0=0,
            x1=end,
            y0=thr,
            y1=thr,
            line=dict(color="#555", dash="dash", width=1.5),
        )
    )
    notes.append(
        dict(
            xref=xr, yref=yr3, x=end, y=thr, text=f"{lab['threshold']} {thr:.2f}", showarrow=False,
            xanchor="right", yanchor="bottom", font=dict(size=12, color="#555"),
        )
    )  # fmt: skip
    for w, s, e in words or []:
        color = TRIGGER_COLOR if w == trigger else OTHER_COLOR
        shapes.append(
            dict(type="rect", xref=xr, yref=yr2 + " domain", x0=s, x1=e, y0=0, y1=1,
                 line=dict(color=color, width=2), fillcolor="rgba(0,0,0,0)")
        )  # fmt: skip
        notes.append(
            dict(xref=xr, yref=yr2 + " domain", x=(s + e) / 2, y=1.0, text=html.escape(w), showarrow=False,
                 yanchor="bottom", font=dict(size=13, color=color))
        )  # fmt: skip
        if w == trigger:  # its label window: y<t> = 1 for label_seconds after the word
            shapes.append(
                dict(type="rect", xref=xr, yref=yr3 + " domain", x0=e, x1=e + label_seconds, y0=0, y1=1,
                     line=dict(width=0), fillcolor="rgba(214,39,40,0.15)", layer="below")
            )  # fmt: skip
    for c in chimes:
        for yr in (yr2 + " domain", yr3 + " domain"):
            shapes.append(
                dict(type="line", xref=xr, yref=yr, x0=c, x1=c, y0=0, y1=1, line=dict(color=CHIME_COLOR, width=2.5))
            )
    data.append(  # a marker over each chime (no emoji: a browser without an emoji font would show a box)
        dict(
            type="scatter",
            x=list(chimes),
            y=[1.08] * len(chimes),
            mode="markers+text",
            marker=dict(symbol="triangle-down", size=14, color=CHIME_COLOR),
            text=[lab["chime"]] * len(chimes),
            textposition="middle right",
            textfont=dict(size=12, color=CHIME_COLOR),
            hovertemplate=f"{lab['chime']} %{{x:.2f}} s<extra></extra>",
            showlegend=False,
            **refs[3, 1][1],
        )
    )
    if any(w == trigger for w, _, _ in words or []):  # a legend for the red band
        notes.append(
            dict(xref=xr + " domain", yref=yr3 + " domain", x=0.0, y=1.0, text=f"▮ {lab['label']}", showarrow=False,
                 xanchor="left", yanchor="bottom", font=dict(size=12, color=TRIGGER_COLOR))
        )  # fmt: skip
    axes(layout, refs[1, 1], y=dict(title=dict(text=lab["wave"]), showticklabels=False, fixedrange=True))
    axes(layout, refs[2, 1], y=dict(title=dict(text=lab["spec"]), fixedrange=True))
    axes(
        layout,
        refs[3, 1],
        x=dict(title=dict(text=lab["time"]), range=[0, end]),
        y=dict(title=dict(text=lab["y_hat"]), range=[-0.03, 1.16], fixedrange=True),
    )
    layout.update(
        height=height,
        margin=dict(l=70, r=20, t=30, b=50),
        shapes=shapes,
        annotations=[*layout.get("annotations", []), *notes],
        showlegend=False,
        hovermode="closest",
    )
    return figure(data, layout)


def diagram(
    cfg: TriggerConfig,
    y_hat: np.ndarray,
    times: np.ndarray,
    t: int,
    threshold: float | None = None,
    window: int = 5,
    height: int = 360,
) -> object:
    """The course's many-to-many picture (Tx = Ty after the Conv1D) with this model's numbers: for a window of steps
    around t, the kernel's frames read (x<t>: 15 frames of 101 frequencies), the Conv1D, the two GRU layers a<t>,
    and ŷ<t> with its value (green at or over the threshold, the model's own by default); column t framed."""
    thr = cfg.threshold if threshold is None else threshold
    T = len(y_hat)
    t = max(0, min(t, T - 1))
    lo = max(0, min(t - window // 2, T - window))
    cols = list(range(lo, min(T, lo + window)))
    fig, ink, line = _Canvas(), "#1F2937", "#374151"
    for j, i in enumerate(cols):
        first = i * cfg.stride
        _box(fig, j, 0, "input", f"{_sup('x', f'{first + 1}…{first + cfg.kernel}')}", ink)
        _box(fig, j, 1, "text", f"Conv1D {cfg.n_conv}", ink)
        _box(fig, j, 2, "cell", f"{_sup('a', i + 1)}<sub>[1]</sub>", ink)
        _box(fig, j, 3, "cell2", f"{_sup('a', i + 1)}<sub>[2]</sub>", ink)
        p = float(y_hat[i])
        heard = p >= thr  # at or over the threshold: bold and green
        _box(
            fig,
            j,
            4,
            "output",
            f"{_sup('ŷ', i + 1)} " + (f"<b>{p:.2f}</b>" if heard else f"{p:.2f}"),
            "#15803d" if heard else ink,
        )
        fig.add_annotation(
            x=j,
            y=-0.55,
            xref="x",
            yref="y",
            text=f"{times[i]:.2f} s",
            showarrow=False,
            font=dict(size=12, color="#555"),
        )
        for a, b in ((0, 1), (1, 2), (2, 3), (3, 4)):
            _arrow(fig, _edge((j, a), (j, b), a != 1), _edge((j, b), (j, a), b != 1), line)
        if j:
            for r in (2, 3):
                _arrow(fig, _edge((j - 1, r), (j, r), True), _edge((j, r), (j - 1, r), True), line)
    k = cols.index(t)
    fig.add_shape(
        type="rect", xref="x", yref="y", x0=k - 0.5, x1=k + 0.5, y0=-H - 0.4, y1=4 + H + 0.12,
        line=dict(color="#d62728", width=3, dash="dot"), layer="below",
    )  # fmt: skip
    return _still(fig, height, [-W - 0.4, max(len(cols), 3) - 1 + W + 0.4], [-H - 0.45, 4 + H + 0.2])
