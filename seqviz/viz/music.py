"""Figures of the music topic: piano rolls (one colour per voice, pitch names up the side), one-to-many sampling step
by step (a play-head over the roll and ŷ<t>'s likeliest next tokens) and the model's surprise note by note."""

from __future__ import annotations

import html
from fractions import Fraction

import numpy as np
import plotly.graph_objects as go

from seqviz.music.data import VOICES, pitch_name, pitch_number
from seqviz.viz.base import LABELS, axes, figure, player, scale, subplots

COLORS = ("#d62728", "#ff7f0e", "#2ca02c", "#1f77b4")  # S, A, T, B: one colour per voice
SEED_FILL = "rgba(120,120,120,0.10)"  # the seed's region of a roll
HIDDEN = ("<pad>", "<start>")  # never a model's next token: left out of ŷ<t>'s likeliest
MUSIC_LABELS = {
    **LABELS,
    "voice.S": "S · soprano",
    "voice.A": "A · alto",
    "voice.T": "T · tenor",
    "voice.B": "B · bass",
    "bar": "bar (4 beats of ♩ in 4/4)",
    "pitch": "pitch",
    "seed": "seed",
    "after": "continuation →",
    "dur": "lasts {f}",
    "wait": "wait {f}",
    "start": "∅ (&lt;start&gt;)",
    "end": "&lt;end&gt;",
    "top": "ŷ<sup>&lt;t&gt;</sup>: the 10 likeliest next tokens",
    "raw": "model ŷ<sup>&lt;t&gt;</sup>",
    "adjusted": "after temperature / top-k (sampled from)",
    "prob": "probability",
    "bits": "surprise −log<sub>2</sub> P (bits)",
    "unit": "bits",
    "note": "note",
    "by_note": "each note coloured by its surprise",
    "per_note": "bits per note over time",
    "at": "bar {bar}, beat {beat}",
}


def fraction(sixteenths: int) -> str:
    """A length in sixteenths as a fraction of a whole note: 4 -> "1/4", 6 -> "3/8", 16 -> "1"."""
    f = Fraction(int(sixteenths), 16)
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"


def token_text(tok: str, labels: dict | None = None) -> str:
    """A token as students read it (HTML-escaped for plotly): "S:G4" as it is, d4 -> "lasts 1/4", +2 -> "wait 1/8",
    <start> -> ∅."""
    labels = labels or MUSIC_LABELS
    if tok == "<start>":
        return labels["start"]
    if tok == "<end>":
        return labels["end"]
    if len(tok) > 1 and tok[0] in "d+" and tok[1:].isdigit():
        return labels["dur" if tok[0] == "d" else "wait"].format(f=fraction(int(tok[1:])))
    return html.escape(tok, quote=False)


def beat_of(onset: int, bar: int = 16) -> tuple[int, int]:
    """(bar, beat), both from 1, of a time in sixteenths: bars of `bar` sixteenths, beats of a quarter note."""
    return int(onset) // bar + 1, int(onset) % bar // 4 + 1


def _pitch_ticks(lo: int, hi: int) -> dict:
    """C, E and G of every octave between lo and hi as y ticks, named (C4 is middle C)."""
    vals = [p for p in range(lo, hi + 1) if p % 12 in (0, 4, 7)]
    return dict(
        tickmode="array",
        tickvals=vals,
        ticktext=[f"<b>{pitch_name(p)}</b>" if p % 12 == 0 else pitch_name(p) for p in vals],
        tickfont=dict(size=11),
        showgrid=True,
        gridcolor="rgba(0,0,0,0.06)",
        zeroline=False,
    )


def _time_ticks(end: int, bar: int) -> dict:
    """Bar numbers at the start of each bar, a light line on every beat."""
    vals = list(range(0, end + 1, bar))
    return dict(
        tickmode="array",
        tickvals=vals,
        ticktext=[str(v // bar + 1) for v in vals],
        showgrid=True,
        gridcolor="rgba(0,0,0,0.25)",
        minor=dict(dtick=4, showgrid=True, gridcolor="rgba(0,0,0,0.06)"),
        zeroline=False,
        range=[-0.5, end + 0.5],
    )


def _roll_traces(notes: np.ndarray, labels: dict, ref: dict | None = None, voices=None, bar: int = 16) -> list[dict]:
    """One horizontal-bar trace per voice: a bar from each note's onset, as long as the note, at its pitch."""
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 4)
    out = []
    for v in sorted(set(voices if voices is not None else notes[:, 0].tolist())):
        n = notes[notes[:, 0] == v]
        tips = [
            f"{VOICES[v]}:{pitch_name(p)} · {fraction(d)} · "
            + labels["at"].format(**dict(zip(("bar", "beat"), beat_of(o, bar))))
            for o, d, p in n[:, 1:].tolist()
        ]
        out.append(
            dict(
                type="bar",
                orientation="h",
                base=n[:, 1].astype(float),
                x=n[:, 2].astype(float),
                y=n[:, 3].astype(float),
                width=0.85,
                name=labels[f"voice.{VOICES[v]}"],
                legendgroup=VOICES[v],
                marker=dict(color=COLORS[v], line=dict(color="white", width=0.5)),
                hovertext=tips,
                hovertemplate="%{hovertext}<extra></extra>",
                **(ref or {}),
            )
        )
    return out


def _range(notes: np.ndarray, pad: int = 2) -> tuple[int, int]:
    notes = np.asarray(notes).reshape(-1, 4)
    if not len(notes):
        return 55, 79
    return int(notes[:, 3].min()) - pad, int(notes[:, 3].max()) + pad


def _seed_marks(seed_end: int, labels: dict, xref: str = "x", yref: str = "y") -> tuple[list, list]:
    """The seed's region shaded and a dashed line where the continuation starts, both labelled."""
    if seed_end <= 0:
        return [], []
    shapes = [
        dict(
            type="rect",
            xref=xref,
            yref=f"{yref} domain",
            x0=-0.5,
            x1=seed_end,
            y0=0,
            y1=1,
            fillcolor=SEED_FILL,
            line=dict(width=0),
            layer="below",
        ),
        dict(
            type="line",
            xref=xref,
            yref=f"{yref} domain",
            x0=seed_end,
            x1=seed_end,
            y0=0,
            y1=1,
            line=dict(color="#555", width=2, dash="dash"),
        ),
    ]
    notes = [
        dict(
            text=labels["seed"],
            x=seed_end / 2,
            y=1.0,
            xref=xref,
            yref=f"{yref} domain",
            showarrow=False,
            yanchor="bottom",
            font=dict(size=13, color="#555"),
        ),
        dict(
            text=labels["after"],
            x=seed_end,
            y=1.0,
            xref=xref,
            yref=f"{yref} domain",
            showarrow=False,
            xanchor="left",
            yanchor="bottom",
            font=dict(size=13, color="#555"),
        ),
    ]
    return shapes, notes


def piano_roll(
    notes: np.ndarray,
    seed_end: int = 0,
    end: int | None = None,
    bar: int = 16,
    labels: dict | None = None,
    pitch_range: tuple[int, int] | None = None,
    height: int = 420,
) -> go.Figure:
    """A piano roll of notes (voice, onset, duration, pitch): time across in bars, pitch up the side named, one colour
    per voice (legend S, A, T, B); the first `seed_end` sixteenths (the seed) shaded and labelled.

    Args:
        end: the time axis's end in sixteenths (default: the last note's end); two rolls with the same `end` and
            `pitch_range` line up.
    """
    labels = {**MUSIC_LABELS, **(labels or {})}
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 4)
    end = int(end if end is not None else ((notes[:, 1] + notes[:, 2]).max() if len(notes) else bar))
    lo, hi = pitch_range or _range(notes)
    shapes, notes_ = _seed_marks(seed_end, labels)
    layout = dict(
        barmode="overlay",
        height=height,
        margin=dict(l=60, r=20, t=50, b=50),
        font=dict(size=14),
        bargap=0,
        shapes=shapes,
        annotations=notes_,
        legend=dict(orientation="h", y=-0.16, x=0, traceorder="normal"),
        xaxis=dict(_time_ticks(end, bar), title=dict(text=labels["bar"], standoff=4)),
        yaxis=dict(_pitch_ticks(lo, hi), range=[lo - 0.5, hi + 0.5], title=dict(text=labels["pitch"])),
        hovermode="closest",
    )
    return figure(_roll_traces(notes, labels, bar=bar), layout)


# ---------------------------------------------------------------- sampling, step by step


def token_notes(tokens: list[str], times: np.ndarray, notes: np.ndarray) -> list[int]:
    """For each token, the row of `notes` it writes (its voice:pitch, or the d.. after it), -1 for the others."""
    at = {(int(v), int(o), int(p)): i for i, (v, o, _, p) in enumerate(np.asarray(notes).reshape(-1, 4).tolist())}
    out, last = [], -1
    for tok, now in zip(tokens, np.asarray(times).tolist()):
        if ":" in tok and tok[0] in VOICES:
            try:
                p = pitch_number(tok.split(":", 1)[1])
            except ValueError:
                p = None
            last = at.get((VOICES.index(tok[0]), int(now), p), -1)
            out.append(last)
        elif tok.startswith("d"):
            out.append(last)
            last = -1
        else:
            out.append(-1)
            last = -1
    return out


def steps_shown(n_seed: int, n_probs: int, max_steps: int) -> list[int]:
    """The steps (rows t of the generation's probs: ŷ<t+1> in the course's 1-based count) an animation walks: the
    sampled ones, the first `max_steps` of them."""
    return list(range(max(n_seed - 1, 0), n_probs))[:max_steps]


def _top(gen, t: int, k: int, labels: dict) -> tuple[list[int], list[str]]:
    """The k likeliest tokens of the model's ŷ at row t (the sampled one always among them; <pad> and <start>, never
    written next, left out), likeliest first."""
    order = [i for i in np.argsort(-gen.raw[t], kind="stable") if gen.vocab[i] not in HIDDEN][:k]
    chosen = gen.vocab.index(gen.tokens[t + 1]) if t + 1 < len(gen.tokens) else None
    if chosen is not None and chosen not in order:
        order[-1] = chosen
    return order, [token_text(gen.vocab[i], labels) for i in order]


def _bars(gen, t: int, k: int, labels: dict, ref: dict) -> list[dict]:
    """ŷ<t>'s top k as horizontal bars: the model's own (grey, wide) and the distribution sampled from (blue, the
    chosen token red), each labelled with its token and probability."""
    order, names = _top(gen, t, k, labels)
    chosen = gen.vocab.index(gen.tokens[t + 1]) if t + 1 < len(gen.tokens) else -1
    y = list(range(len(order)))
    q = np.round(gen.probs[t, order], 4)
    return [
        dict(
            type="bar",
            orientation="h",
            y=y,
            x=np.round(gen.raw[t, order], 4),
            name=labels["raw"],
            width=0.85,
            marker=dict(color="rgba(150,150,150,0.45)"),
            hoverinfo="skip",
            **ref,
        ),
        dict(
            type="bar",
            orientation="h",
            y=y,
            x=q,
            name=labels["adjusted"],
            width=0.5,
            marker=dict(color=["#d62728" if i == chosen else "#4c78a8" for i in order]),
            text=[f"{n}  {p:.2f}" for n, p in zip(names, q)],
            textposition="outside",
            cliponaxis=False,
            textfont=dict(size=13),
            hoverinfo="skip",
            **ref,
        ),
    ]


def _now(gen, t: int, rows: list[int], notes: np.ndarray, end: int, refs) -> list[dict]:
    """At row t (the token tokens[t + 1] is being drawn): the future veiled, a play-head, the note written framed."""
    x, y = refs[1]["xaxis"], refs[1]["yaxis"]
    now = float(gen.times[t + 1]) if t + 1 < len(gen.times) else float(end)
    shapes = [
        dict(
            type="rect",
            xref=x,
            yref=f"{y} domain",
            x0=now,
            x1=end + 0.5,
            y0=0,
            y1=1,
            fillcolor="rgba(255,255,255,0.72)",
            line=dict(width=0),
            layer="above",
        ),
        dict(type="line", xref=x, yref=f"{y} domain", x0=now, x1=now, y0=0, y1=1, line=dict(color="#111", width=3)),
    ]
    i = rows[t + 1] if t + 1 < len(rows) else -1
    if i >= 0:
        _, o, d, p = notes[i].tolist()
        shapes.append(
            dict(type="rect", xref=x, yref=y, x0=o, x1=o + d, y0=p - 0.7, y1=p + 0.7, line=dict(color="#111", width=3))
        )
    return shapes


def generation_figure(
    gen, bar: int = 16, labels: dict | None = None, max_steps: int = 300, k: int = 10, start: int | None = None
) -> go.Figure:
    """One-to-many sampling step by step: the piano roll of the seed and what the model wrote (left), with a
    play-head at the token being drawn, and ŷ<t>'s k likeliest next tokens (right: grey the model's own ŷ<t>, blue
    the distribution after temperature / top-k, red the token sampled and fed back as x<t+1>). Play walks the
    sampled steps (the first `max_steps`).

    Args:
        gen: a seqviz.music.models.Generation.
    """
    labels = {**MUSIC_LABELS, **(labels or {})}
    notes = gen.notes
    end = int(max(gen.end, (notes[:, 1] + notes[:, 2]).max() if len(notes) else 0))
    steps = steps_shown(gen.n_seed, len(gen.probs), max_steps)
    if not steps:  # nothing sampled (the seed filled the length): the seed's last step
        steps = [len(gen.probs) - 1]
    start = steps[0] if start is None or start not in steps else start
    layout, ref = subplots(
        rows=1,
        cols=2,
        column_widths=[0.66, 0.34],
        horizontal_spacing=0.04,
        subplot_titles=["", labels["top"]],
    )
    roll, right = ref[1, 1], ref[1, 2]
    rows = token_notes(gen.tokens, gen.times, notes)
    data = _roll_traces(notes, labels, roll[1], bar=bar)
    n_roll = len(data)
    data += _bars(gen, start, k, labels, right[1])
    lo, hi = _range(notes)
    axes(
        layout,
        roll,
        x=dict(_time_ticks(end, bar), title=dict(text=labels["bar"], standoff=4)),
        y=dict(_pitch_ticks(lo, hi), range=[lo - 0.5, hi + 0.5]),
    )
    axes(
        layout,
        right,
        x=dict(range=[0, 1.45], title=dict(text=labels["prob"]), tickvals=[0, 0.5, 1]),
        y=dict(range=[k - 0.5, -0.5], showticklabels=False, showgrid=False, zeroline=False),
    )
    seed_shapes, seed_notes = _seed_marks(
        gen.seed_end if gen.n_seed > 1 else 0, labels, roll[1]["xaxis"], roll[1]["yaxis"]
    )
    for a in layout["annotations"]:
        a["font"] = dict(size=14)
    layout.update(
        barmode="overlay",
        bargap=0,
        height=560,
        margin=dict(l=60, r=20, t=95, b=190),
        font=dict(size=14),
        showlegend=True,
        legend=dict(orientation="h", y=1.11, yanchor="bottom", x=0, font=dict(size=12)),
        hovermode="closest",
        shapes=seed_shapes + _now(gen, start, rows, notes, end, roll),
        annotations=layout["annotations"] + seed_notes,
    )
    names = [f"{t + 1} · {token_text(gen.tokens[t + 1], labels)}" for t in steps]
    layout.update(player(layout, [html.unescape(n) for n in names], labels, 0, x=0.3))
    layout["sliders"][0]["steps"] = [
        dict(s, args=[[str(t)], s["args"][1]]) for s, t in zip(layout["sliders"][0]["steps"], steps)
    ]
    layout["updatemenus"][0]["buttons"][0]["args"][0] = [str(t) for t in steps]
    layout["sliders"][0]["active"] = steps.index(start)
    frames = [
        dict(
            name=str(t),
            data=_bars(gen, t, k, labels, right[1]),
            traces=[n_roll, n_roll + 1],
            layout=dict(shapes=seed_shapes + _now(gen, t, rows, notes, end, roll)),
        )
        for t in steps
    ]
    return figure(data, layout, frames)


# ---------------------------------------------------------------- surprise


def surprise_figure(s, bar: int = 16, labels: dict | None = None, height: int = 560) -> go.Figure:
    """The model's surprise −log2 P on a piece, note by note: the piano roll with each note coloured by its bits
    (top) and the bits of every note over time, one colour per voice (bottom).

    Args:
        s: a seqviz.music.models.Surprise (note_bits[i] belongs to notes[i]).
    """
    labels = {**MUSIC_LABELS, **(labels or {})}
    notes, bits = np.asarray(s.notes).reshape(-1, 4), np.asarray(s.note_bits, dtype=float)
    n = min(len(notes), len(bits))
    notes, bits = notes[:n], bits[:n]
    end = int((notes[:, 1] + notes[:, 2]).max()) if n else bar
    layout, ref = subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.6, 0.4],
        vertical_spacing=0.1,
        subplot_titles=[labels["by_note"], labels["per_note"]],
    )
    top, low = ref[1, 1], ref[2, 1]
    tips = [
        f"{VOICES[v]}:{pitch_name(p)} · {b:.2f} bits · "
        + labels["at"].format(**dict(zip(("bar", "beat"), beat_of(o, bar))))
        for (v, o, _, p), b in zip(notes.tolist(), bits.tolist())
    ]
    zmax = float(max(np.percentile(bits, 98), 1.0)) if n else 1.0
    data = [
        dict(
            type="bar",
            orientation="h",
            base=notes[:, 1].astype(float),
            x=notes[:, 2].astype(float),
            y=notes[:, 3].astype(float),
            width=0.85,
            showlegend=False,
            hovertext=tips,
            hovertemplate="%{hovertext}<extra></extra>",
            marker=dict(
                color=np.round(bits, 4),
                colorscale=scale("YlOrRd"),
                cmin=0,
                cmax=zmax,
                showscale=True,
                colorbar=dict(title=dict(text=labels["unit"]), len=0.55, y=0.75, thickness=12),
                line=dict(color="rgba(0,0,0,0.25)", width=0.5),
            ),
            **top[1],
        ),
    ]
    for v in sorted(set(notes[:, 0].tolist())):
        m = notes[:, 0] == v
        data.append(
            dict(
                type="scatter",
                mode="markers",
                x=notes[m, 1].astype(float),
                y=np.round(bits[m], 4),
                name=labels[f"voice.{VOICES[v]}"],
                marker=dict(color=COLORS[v], size=7),
                hovertext=[tp for tp, k in zip(tips, m) if k],
                hovertemplate="%{hovertext}<extra></extra>",
                **low[1],
            )
        )
    lo, hi = _range(notes)
    axes(layout, top, x=dict(_time_ticks(end, bar)), y=dict(_pitch_ticks(lo, hi), range=[lo - 0.5, hi + 0.5]))
    axes(
        layout,
        low,
        x=dict(_time_ticks(end, bar), title=dict(text=labels["bar"], standoff=4)),
        y=dict(title=dict(text=labels["bits"]), rangemode="tozero"),
    )
    layout.update(
        barmode="overlay",
        bargap=0,
        height=height,
        margin=dict(l=60, r=20, t=40, b=60),
        font=dict(size=14),
        legend=dict(orientation="h", y=-0.14, x=0),
        hovermode="closest",
    )
    return figure(data, layout)
