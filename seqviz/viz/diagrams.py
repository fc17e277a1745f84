"""Schematic Plotly pictures of the RNN architectures of the Sequence Models course, in course notation."""

import plotly.graph_objects as go

KINDS = ("one_to_one", "one_to_many", "many_to_one", "many_to_many_same", "many_to_many_diff", "brnn", "deep_rnn")

# role -> RGB of the box; "text" nodes are bare labels without a box.
COLORS = {
    "input": (59, 130, 246),
    "cell": (245, 158, 11),
    "cell2": (168, 85, 247),
    "output": (16, 185, 129),
    "loss": (220, 38, 38),
}
W, H = 0.34, 0.27  # half width / half height of a box, in data units (one column / one row apart)
FONT = 15


def _sup(base: str, t: str) -> str:
    return f"{base}<sup>&lt;{t}&gt;</sup>"


def _step(i: int, n: int, last: str) -> str:
    """Time index i (0-based) of n shown steps: 1, 2, ..., then the symbolic last one (T<sub>x</sub>)."""
    return last if i == n - 1 and n > 1 else str(i + 1)


class _Canvas:
    """Shapes and annotations collected as plain dicts, handed to Plotly once (add_shape one by one is slow)."""

    def __init__(self):
        self.shapes, self.annotations = [], []

    def add_shape(self, **kw):
        self.shapes.append(kw)

    def add_annotation(self, **kw):
        self.annotations.append(kw)

    def figure(self, **layout) -> go.Figure:
        return go.Figure(layout=dict(shapes=self.shapes, annotations=self.annotations, **layout))


def _box(fig: _Canvas, x: float, y: float, role: str, text: str, ink: str) -> None:
    if role != "text":
        r, g, b = COLORS[role]
        x0, x1, y0, y1, rx, ry = x - W, x + W, y - H, y + H, 0.06, 0.09
        path = (
            f"M{x0 + rx},{y0} L{x1 - rx},{y0} Q{x1},{y0} {x1},{y0 + ry} L{x1},{y1 - ry} Q{x1},{y1} {x1 - rx},{y1} "
            f"L{x0 + rx},{y1} Q{x0},{y1} {x0},{y1 - ry} L{x0},{y0 + ry} Q{x0},{y0} {x0 + rx},{y0} Z"
        )
        fig.add_shape(
            type="path",
            path=path,
            name=role,
            xref="x",
            yref="y",
            layer="below",
            fillcolor=f"rgba({r},{g},{b},0.25)",
            line=dict(color=f"rgb({r},{g},{b})", width=2),
        )
    fig.add_annotation(
        x=x,
        y=y,
        xref="x",
        yref="y",
        text=text,
        name=role,
        showarrow=False,
        font=dict(size=FONT if role != "text" else FONT - 1, color=ink),
    )


def _edge(p: tuple, q: tuple, boxed: bool) -> tuple:
    """Point where the segment from centre p towards q leaves p's box (a smaller margin for bare text)."""
    dx, dy = q[0] - p[0], q[1] - p[1]
    w, h = (W + 0.04, H + 0.05) if boxed else (0.3, 0.16)
    t = min(w / abs(dx) if dx else 1e9, h / abs(dy) if dy else 1e9)
    return p[0] + t * dx, p[1] + t * dy


def _arrow(fig: _Canvas, p: tuple, q: tuple, color: str, dash: bool = False, width: float = 2) -> None:
    if dash:  # annotation arrows cannot be dashed: dotted line shape, then a short solid arrow for the head
        m = (q[0] - 0.2 * (q[0] - p[0]), q[1] - 0.2 * (q[1] - p[1]))
        fig.add_shape(
            type="line",
            x0=p[0],
            y0=p[1],
            x1=m[0],
            y1=m[1],
            xref="x",
            yref="y",
            line=dict(color=color, width=2, dash="dot"),
        )
        p = m
    fig.add_annotation(
        x=q[0],
        y=q[1],
        ax=p[0],
        ay=p[1],
        xref="x",
        yref="y",
        axref="x",
        ayref="y",
        text="",
        showarrow=True,
        arrowhead=2,
        arrowsize=1.1,
        arrowwidth=width,
        arrowcolor=color,
    )


def _chain(xs: list, ys: list, n: int, feed_back: bool = False) -> tuple:
    """Layout of one chain of n cells: inputs at the columns in xs, outputs at the columns in ys."""
    nodes = {"a0": (-1.0, 1, "text", _sup("a", "0"))}
    edges = [("a0", "c0", False)]
    for t in range(n):
        nodes[f"c{t}"] = (t, 1, "cell", _sup("a", _step(t, n, "T<sub>x</sub>" if xs != [0] else "T<sub>y</sub>")))
        if t:
            edges.append((f"c{t - 1}", f"c{t}", False))
    for i, t in enumerate(xs):
        nodes[f"x{t}"] = (t, 0, "input", _sup("x", _step(i, len(xs), "T<sub>x</sub>")))
        edges.append((f"x{t}", f"c{t}", False))
    for i, t in enumerate(ys):
        nodes[f"y{t}"] = (t, 2, "output", _sup("ŷ", _step(i, len(ys), "T<sub>y</sub>")))
        edges.append((f"c{t}", f"y{t}", False))
        if feed_back and t + 1 < n:
            edges.append((f"y{t}", f"c{t + 1}", True))
    return nodes, edges


def _layout(kind: str) -> tuple:
    """Nodes {key: (x, y, role, label)} and edges [(from, to, dashed)] of one architecture."""
    if kind == "one_to_one":
        return (
            {"x": (0, 0, "input", "x"), "a": (0, 1, "cell", "a"), "y": (0, 2, "output", "ŷ")},
            [("x", "a", False), ("a", "y", False)],
        )
    if kind == "one_to_many":
        return _chain([0], [0, 1, 2, 3], 4, feed_back=True)
    if kind == "many_to_one":
        return _chain([0, 1, 2, 3], [3], 4)
    if kind == "many_to_many_same":
        nodes, edges = _chain([0, 1, 2, 3], [0, 1, 2, 3], 4)
        for t in range(4):  # Tx = Ty: label both ends with T
            for k, base in (("x", "x"), ("c", "a"), ("y", "ŷ")):
                x, y, role, _ = nodes[f"{k}{t}"]
                nodes[f"{k}{t}"] = (
                    x,
                    y,
                    role,
                    _sup(base, _step(t, 4, "T<sub>x</sub>" if k == "x" else "T<sub>y</sub>")),
                )
        return nodes, edges
    if kind == "many_to_many_diff":
        nodes, edges = _chain([0, 1, 2], [3, 4, 5, 6], 7)
        for t in range(7):  # encoder a<t>; decoder cells s<t> as in the attention model of week 3
            nodes[f"c{t}"] = (
                (t, 1, "cell", _sup("a", _step(t, 3, "T<sub>x</sub>")))
                if t < 3
                else (t, 1, "cell2", _sup("s", _step(t - 3, 4, "T<sub>y</sub>")))
            )
        nodes["enc"] = (1, 2, "text", "encoder")
        nodes["dec"] = (4.5, 0, "text", "decoder")
        return nodes, edges
    if kind == "brnn":
        nodes, edges, d = {}, [], 0.24
        for t in range(4):
            nodes[f"x{t}"] = (t, 0, "input", _sup("x", t + 1))
            nodes[f"f{t}"] = (t - d, 1, "cell", _sup("→a", t + 1))
            nodes[f"b{t}"] = (t + d, 2, "cell2", _sup("←a", t + 1))
            nodes[f"y{t}"] = (t, 3, "output", _sup("ŷ", t + 1))
            edges += [
                (f"x{t}", f"f{t}", False),
                (f"x{t}", f"b{t}", False),
                (f"f{t}", f"y{t}", False),
                (f"b{t}", f"y{t}", False),
            ]
            if t:
                edges += [(f"f{t - 1}", f"f{t}", False), (f"b{t}", f"b{t - 1}", False)]
        return nodes, edges
    if kind == "deep_rnn":
        nodes, edges = {}, []
        for t in range(4):
            nodes[f"x{t}"] = (t, 0, "input", _sup("x", t + 1))
            nodes[f"y{t}"] = (t, 4, "output", _sup("ŷ", t + 1))
            for layer in range(1, 4):
                nodes[f"a{layer}_{t}"] = (t, layer, "cell", f"a<sup>[{layer}]&lt;{t + 1}&gt;</sup>")
                edges.append((f"a{layer - 1}_{t}" if layer > 1 else f"x{t}", f"a{layer}_{t}", False))
                if t:
                    edges.append((f"a{layer}_{t - 1}", f"a{layer}_{t}", False))
            edges.append((f"a3_{t}", f"y{t}", False))
        return nodes, edges
    raise ValueError(f"unknown architecture kind {kind!r}; valid kinds: {', '.join(KINDS)}")


def _still(fig: _Canvas, height: int, x_range: list, y_range: list) -> go.Figure:
    """A diagram as a fixed picture: no axes, no zoom or hover, a transparent background."""
    axis = dict(visible=False, showgrid=False, zeroline=False, fixedrange=True)
    return fig.figure(
        height=height,
        showlegend=False,
        hovermode=False,
        dragmode=False,
        margin=dict(l=4, r=4, t=4, b=4),
        paper_bgcolor="rgba(0,0,0,0)",
        plot_bgcolor="rgba(0,0,0,0)",
        xaxis=dict(range=x_range, **axis),
        yaxis=dict(range=y_range, **axis),
    )


def architecture_figure(kind: str, height: int = 240, dark: bool = False) -> go.Figure:
    """One architecture as boxes and arrows: inputs x<t> at the bottom, cells a<t> in the middle, outputs ŷ<t> on
    top."""
    nodes, edges = _layout(kind)
    ink, line = ("#F3F4F6", "#D1D5DB") if dark else ("#1F2937", "#374151")
    fig = _Canvas()
    for x, y, role, text in nodes.values():
        _box(fig, x, y, role, text, ink)
    for a, b, dash in edges:
        (px, py, pr, _), (qx, qy, qr, _) = nodes[a], nodes[b]
        _arrow(fig, _edge((px, py), (qx, qy), pr != "text"), _edge((qx, qy), (px, py), qr != "text"), line, dash)
    xs, ys = [n[0] for n in nodes.values()], [n[1] for n in nodes.values()]
    lo, hi = min(xs) - W - 0.1, max(xs) + W + 0.1
    pad = max(0.0, (3.0 - (hi - lo)) / 2)  # a single column should not stretch across the page
    return _still(fig, height, [lo - pad, hi + pad], [min(ys) - H - 0.08, max(ys) + H + 0.08])


def bptt_figure(norms=None, n: int = 5, height: int = 330, loss: str = "sum") -> go.Figure:
    """Backpropagation through time over the last n steps: x<t> -> a<t> -> ŷ<t> -> L<t> -> L, gradients in red.

    Args:
        norms: optional ‖∂L/∂a<t>‖ of the last n steps (oldest first); the red arrows between
            the a<t> get thicker where the gradient is larger (log scale), so vanishing shows.
        loss: "sum" (L = Σ L<t>: every L<t> sends a gradient down) or "last" (only L<T> does).
    """
    import math

    fig = _Canvas()
    ink, fwd, back, faint = "#1F2937", "#9CA3AF", "#DC2626", "#E5E7EB"
    top = ((n - 1) / 2, 4.1)
    for t in range(n):
        label = "T" if t == n - 1 else f"T−{n - 1 - t}"
        in_loss = loss == "sum" or t == n - 1
        for y, role, base in ((0, "input", "x"), (1, "cell", "a"), (2, "output", "ŷ"), (3, "loss", "L")):
            _box(fig, t, y, role if (role != "loss" or in_loss) else "text", _sup(base, label), ink)
        for y in range(3):
            _arrow(fig, _edge((t, y), (t, y + 1), True), _edge((t, y + 1), (t, y), True), fwd)
        if t:
            _arrow(fig, _edge((t - 1, 1), (t, 1), True), _edge((t, 1), (t - 1, 1), True), fwd)
        _arrow(fig, _edge((t, 3), top, True), _edge(top, (t, 3), False), fwd if in_loss else faint)
        if in_loss:  # the gradient's way down: L<t> -> ŷ<t> -> a<t>, just right of the forward arrows
            for y in (3, 2):
                fig.add_annotation(
                    x=t + 0.14,
                    y=y - 1 + H + 0.04,
                    ax=t + 0.14,
                    ay=y - H - 0.04,
                    xref="x",
                    yref="y",
                    axref="x",
                    ayref="y",
                    text="",
                    showarrow=True,
                    arrowhead=2,
                    arrowwidth=1.5,
                    arrowcolor=back,
                )
    _box(
        fig,
        top[0],
        top[1],
        "text",
        "L = Σ<sub>t</sub> L<sup>&lt;t&gt;</sup>" if loss == "sum" else "L = L<sup>&lt;T&gt;</sup>",
        ink,
    )
    widths = [2.5] * n
    if norms is not None and len(norms):
        logs = [math.log10(v) if v and math.isfinite(v) and v > 0 else None for v in norms[-n:]]
        ok = [v for v in logs if v is not None]
        best = max(ok) if ok else 0.0
        widths = [1.0 if v is None else max(0.6, 6.0 + 1.2 * (v - best)) for v in logs]
        widths = [1.0] * (n - len(widths)) + widths
    for t in range(n - 1, 0, -1):  # back through time: a<t> -> a<t-1>
        p, q = (t - 0.0, 1.32), (t - 1.0, 1.32)
        fig.add_annotation(
            x=q[0] + W + 0.02,
            y=q[1],
            ax=p[0] - W - 0.02,
            ay=p[1],
            xref="x",
            yref="y",
            axref="x",
            ayref="y",
            text="",
            showarrow=True,
            arrowhead=2,
            arrowwidth=widths[t - 1],
            arrowcolor=back,
        )
    return _still(fig, height, [-W - 0.2, n - 1 + W + 0.2], [-H - 0.1, 4.1 + H + 0.1])


def tagger_figure(
    tokens: list[str],
    tags: list[str],
    probs: list[float],
    t: int,
    bidirectional: bool = True,
    window: int = 5,
    height: int = 330,
) -> go.Figure:
    """The course's many-to-many picture (Tx = Ty) of a tagger with its own numbers: a window of `window` tokens
    around step t, each x<t> the token, →a<t> (and ←a<t> for a bidirectional RNN) and ŷ<t> the tag it gives with its
    probability; column t framed. Arrows as in the BRNN diagram: →a left to right, ←a right to left.

    Args:
        tokens, tags, probs: x<t>, the argmax tag and its probability, per token (0-based t).
    """
    import html

    T = len(tokens)
    t = max(0, min(t, T - 1))
    lo = max(0, min(t - window // 2, T - window))
    cols = list(range(lo, min(T, lo + window)))
    fig, ink, line = _Canvas(), "#1F2937", "#374151"
    d = 0.24 if bidirectional else 0.0
    top = 3 if bidirectional else 2
    for j, i in enumerate(cols):
        tok = html.escape(tokens[i] if len(tokens[i]) <= 9 else tokens[i][:8] + "…")
        _box(fig, j, 0, "input", f"{_sup('x', i + 1)} {tok}", ink)
        _box(fig, j - d, 1, "cell", _sup("→a", i + 1), ink)
        _arrow(fig, _edge((j, 0), (j - d, 1), True), _edge((j - d, 1), (j, 0), True), line)
        if bidirectional:
            _box(fig, j + d, 2, "cell2", _sup("←a", i + 1), ink)
            _arrow(fig, _edge((j, 0), (j + d, 2), True), _edge((j + d, 2), (j, 0), True), line)
            _arrow(fig, _edge((j + d, 2), (j, top), True), _edge((j, top), (j + d, 2), True), line)
        _arrow(fig, _edge((j - d, 1), (j, top), True), _edge((j, top), (j - d, 1), True), line)
        _box(fig, j, top, "output", f"{html.escape(tags[i])} {probs[i]:.2f}", ink)
        if j:
            _arrow(fig, _edge((j - 1 - d, 1), (j - d, 1), True), _edge((j - d, 1), (j - 1 - d, 1), True), line)
            if bidirectional:
                _arrow(fig, _edge((j + d, 2), (j - 1 + d, 2), True), _edge((j - 1 + d, 2), (j + d, 2), True), line)
    k = cols.index(t)
    fig.add_shape(
        type="rect", xref="x", yref="y", x0=k - 0.5, x1=k + 0.5, y0=-H - 0.12, y1=top + H + 0.12,
        line=dict(color="#d62728", width=3, dash="dot"), layer="below",
    )  # fmt: skip
    return _still(fig, height, [-W - 0.4, max(len(cols), 3) - 1 + W + 0.4], [-H - 0.2, top + H + 0.2])


def sampling_figure(
    inputs: list[str],
    outputs: list[str],
    probs: list[float],
    t: int,
    fed: list[bool] | None = None,
    window: int = 5,
    height: int = 330,
    drawn: list[float | None] | None = None,
) -> go.Figure:
    """The course's one-to-many picture of sampling with a model's own numbers: a window of `window` steps around t
    (0-based), each x<t> the token read (x<1> = ∅, the start), a<t>, and ŷ<t> the token drawn from it with its
    probability; where x<t> is the token drawn at t - 1 fed back (x<t> = ŷ<t-1>), a dashed arrow brings it down.
    Column t framed.

    Args:
        inputs, outputs, probs: x<t> as text (already HTML-safe), the token drawn from ŷ<t> and its probability.
        fed: per step, whether x<t> is the previous step's sample (True) or read from a seed (False).
        drawn: per step, the probability q the token was drawn with when that is not ŷ<t>'s own (after temperature
            or top-k), shown as "q = .." after P; None (or a None entry): nothing more.
    """
    T = len(inputs)
    fed = fed if fed is not None else [i > 0 for i in range(T)]
    t = max(0, min(t, T - 1))
    lo = max(0, min(t - window // 2, T - window))
    cols = list(range(lo, min(T, lo + window)))
    fig, ink, line, back = _Canvas(), "#1F2937", "#374151", "#DC2626"
    if lo == 0:
        _box(fig, -1.0, 1, "text", _sup("a", "0") + " = 0", ink)
        _arrow(fig, _edge((-1.0, 1), (0, 1), False), _edge((0, 1), (-1.0, 1), True), line)
    for j, i in enumerate(cols):
        _box(fig, j, 0, "input", f"{_sup('x', i + 1)}<br>{inputs[i]}", ink)
        _box(fig, j, 1, "cell", _sup("a", i + 1), ink)
        q = drawn[i] if drawn is not None else None
        p = f"P = {probs[i]:.2f}" + ("" if q is None else f" · q = {q:.2f}")
        _box(fig, j, 2, "output", f"{_sup('ŷ', i + 1)}: {outputs[i]}<br>{p}", ink)
        _arrow(fig, _edge((j, 0), (j, 1), True), _edge((j, 1), (j, 0), True), line)
        _arrow(fig, _edge((j, 1), (j, 2), True), _edge((j, 2), (j, 1), True), line)
        if j:
            _arrow(fig, _edge((j - 1, 1), (j, 1), True), _edge((j, 1), (j - 1, 1), True), line)
            if fed[i]:  # x<t> = the token drawn from ŷ<t-1>
                _arrow(fig, _edge((j - 1, 2), (j, 0), True), _edge((j, 0), (j - 1, 2), True), back, dash=True)
    k = cols.index(t)
    fig.add_shape(
        type="rect", xref="x", yref="y", x0=k - 0.5, x1=k + 0.5, y0=-H - 0.12, y1=2 + H + 0.12,
        line=dict(color="#d62728", width=3, dash="dot"), layer="below",
    )  # fmt: skip
    left = -1.4 if lo == 0 else -W - 0.4
    return _still(fig, height, [left, max(len(cols), 3) - 1 + W + 0.4], [-H - 0.2, 2 + H + 0.2])
