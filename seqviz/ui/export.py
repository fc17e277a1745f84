"""Every figure with a small download control under it: PNG (for slides), SVG, and the figure's data as CSV.

A page calls `chart(fig, key=...)` where it called `st.plotly_chart(fig, key=...)`; it draws the figure and, under
it, one small "Download" popover. The files are made only when a student clicks (deferred downloads): CSV straight
from the figure's data, PNG and SVG by plotly's own renderer in a headless Chromium driven by kaleido.

One Chromium serves the whole server process: the first image starts it (about 2 s), later ones reuse it (0.2-0.3 s
for a 128 x 60 heatmap), and clicks that come together queue for its one tab instead of starting a browser each
(benchmarks/bench_export.py measures both). Without Chromium, or when it fails, the popover says so in the
session's language and points to the camera icon in the figure's own toolbar, which saves a PNG in the student's
browser; CSV works everywhere.
"""

from __future__ import annotations

import asyncio
import atexit
import csv
import functools
import html
import io
import math
import os
import re
import threading
import time
from pathlib import Path

import numpy as np
import streamlit as st

from seqviz.ui.common import t

SCALE = 2  # PNG pixels per layout pixel: sharp on a projector and on slides (the toolbar camera too)
WIDTH, HEIGHT = 1000, 450  # image size in layout pixels when the figure sets none (about a wide page's column)
TABS = 1  # pages the browser draws on at once: 2 drew 30 queued PNGs in 8.1-8.6 s against 8.4-9.0 s (2 busy cores)
RENDER_TIMEOUT = 60  # s: the longest one image may take once it has the browser's tab
WAIT_TIMEOUT = 180  # s: the longest a click waits in all, queueing behind other students' images included
RETRY_AFTER = 60  # s: after a failure the image buttons give way to a message for this long, then are offered again
IDLE_CLOSE = 600  # s: Chromium is closed after this long without an image (about 150 MB back), restarted on need
MIME = {"png": "image/png", "svg": "image/svg+xml", "csv": "text/csv"}


class ExportError(RuntimeError):
    """An image could not be made; str() says why, for the log. `browser`: the browser is missing or failed (every
    figure is affected), else only this figure failed to draw (plotly.js refused it)."""

    def __init__(self, why: str, browser: bool = True):
        super().__init__(why)
        self.browser = browser


_IMPORTS = threading.Lock()  # kaleido and choreographer are imported by one thread at a time (see seqviz.ui.warmup)


def browser_path() -> str | None:
    """The Chromium (or Chrome) kaleido would start: BROWSER_PATH if set, else the first one found; None if none
    is there to run."""
    path = os.environ.get("BROWSER_PATH")
    if not path:
        try:
            with _IMPORTS:
                from choreographer.browsers.chromium import Chromium
        except ImportError:  # kaleido (and its choreographer) not installed
            return None
        path = Chromium.find_browser(skip_local=False)
    return str(path) if path and Path(path).is_file() and os.access(path, os.X_OK) else None


class _Chromium:
    """The server's one headless Chromium (a kaleido.Kaleido with one tab) on an asyncio loop of its own thread.

    Started by the first image, under a lock, so that 30 clicks at once start one browser; their renders then
    queue for the tab. A browser that failed or timed out is closed, and the next image starts a fresh one.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards starting and closing
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._last_use = 0.0
        self._idle_timer: threading.Timer | None = None
        self.starts = 0  # browsers started by this process (the benchmark and the tests read it)
        self.failure: tuple[float, str] | None = None  # (when, why) of the latest failure, None after a success

    def running(self) -> bool:
        return self._kaleido is not None

    def _open(self):
        """Start Chromium; returns (loop, kaleido). Called with the lock held."""
        with _IMPORTS:  # only the image buttons need it: not imported by a server that never makes an image
            import kaleido

        path = browser_path()
        if path is None:
            raise ExportError("no Chromium or Chrome found (set BROWSER_PATH, or apt-get install chromium)")
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="seqviz-export-chromium", daemon=True).start()

        async def start():  # made inside the loop that will drive it
            k = kaleido.Kaleido(n=TABS, timeout=RENDER_TIMEOUT, mathjax=False, path=path)  # no MathJax: offline
            await k.open()
            return k

        try:
            k = asyncio.run_coroutine_threadsafe(start(), loop).result(RENDER_TIMEOUT)
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            raise
        self.starts += 1
        return loop, k

    def _close_locked(self) -> None:
        loop, k = self._loop, self._kaleido
        self._loop = self._kaleido = None
        if loop is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(k.close(), loop).result(10)
        except BaseException:  # noqa: S110 - a browser that will not close cleanly is left to the OS
            pass
        loop.call_soon_threadsafe(loop.stop)

    def close(self) -> None:
        """Close the browser (if open); the next image starts a new one."""
        with self._lock:
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            self._close_locked()

    def _close_if_idle(self) -> None:
        with self._lock:
            if self._kaleido is not None and time.monotonic() - self._last_use >= IDLE_CLOSE - 1:
                self._close_locked()

    def render(self, fig: dict, opts: dict) -> bytes:
        """`fig` (a figure dict) drawn as opts["format"]; raises ExportError."""
        try:
            with self._lock:
                if self._kaleido is None:
                    self._loop, self._kaleido = self._open()
                loop, k = self._loop, self._kaleido
                self._last_use = time.monotonic()
        except ExportError as e:
            self.failure = (time.monotonic(), str(e))
            raise
        except Exception as e:  # kaleido missing or Chromium failing to start
            self.failure = (time.monotonic(), f"Chromium did not start: {type(e).__name__}: {e}")
            raise ExportError(self.failure[1]) from e
        future = asyncio.run_coroutine_threadsafe(k.calc_fig(fig, opts=opts), loop)
        try:
            data = future.result(WAIT_TIMEOUT)
        except Exception as e:
            future.cancel()
            from kaleido.errors import JavascriptError, KaleidoError

            why = f"the image failed: {type(e).__name__}: {e}"
            if isinstance(e, (JavascriptError, KaleidoError)):  # this figure only: the browser is fine
                raise ExportError(why, browser=False) from e
            with self._lock:  # the browser itself failed (crashed, timed out): the next image starts a new one
                if self._kaleido is k:
                    self._close_locked()
            self.failure = (time.monotonic(), why)
            raise ExportError(why) from e
        self.failure = None
        with self._lock:
            self._last_use = time.monotonic()
            if self._idle_timer is not None:
                self._idle_timer.cancel()
            self._idle_timer = threading.Timer(IDLE_CLOSE, self._close_if_idle)
            self._idle_timer.daemon = True
            self._idle_timer.start()
        return data


BROWSER = _Chromium()
atexit.register(BROWSER.close)  # no Chromium left behind when the server stops


def images_available() -> bool:
    """Whether PNG/SVG are offered: a browser is there to run and none failed in the last RETRY_AFTER seconds."""
    failed = BROWSER.failure
    if failed is not None and time.monotonic() - failed[0] < RETRY_AFTER:
        return False
    return BROWSER.running() or _found_browser()


@functools.lru_cache(maxsize=1)
def _found_browser_at(minute: int, env: str | None) -> bool:
    return browser_path() is not None


def _found_browser() -> bool:
    """browser_path() looked up at most once a minute (a page may draw 40 figures per run)."""
    return _found_browser_at(int(time.monotonic() // 60), os.environ.get("BROWSER_PATH"))


# Once streamlit is imported, plotly's default template is Streamlit's, whose colours are placeholders (#000001 ...,
# streamlit/elements/lib/streamlit_plotly_theme.py) that Streamlit's web page swaps for the theme's own before
# drawing. A still image is drawn without that page, so the swap is made here, as the page makes it (its
# PlotlyChart.js): the light theme's colours for theme="streamlit" (st.plotly_chart's default), plotly's for
# theme=None. Placeholders #000032-#000040 colour only candlestick, waterfall, table and sankey traces (none in
# SeqViz); their light-theme values are close approximations.
_PLACEHOLDERS = [f"#0000{i:02d}" for i in (*range(1, 31), *range(32, 41))]
_THEMES = {
    "streamlit": (
        "#0068c9 #83c9ff #ff2b2b #ffabab #29b09d #7defa1 #ff8700 #ffd16a #6d3fc0 #d5dae5 "  # categorical
        "#e4f5ff #c7ebff #a6dcff #83c9ff #60b4ff #3d9df3 #1c83e1 #0068c9 #0054a3 #004280 "  # sequential
        "#7d353b #bd4043 #ff4b4b #ff8c8c #ffc7c7 #a6dcff #60b4ff #1c83e1 #0054a3 #004280 "  # diverging
        "#29b09d #ff2b2b #0068c9 #DCD8D4 #808495 #2F2D2B #FFFFFF #F0EFEE #FCFCFB"  # up, down, total, greys, background
    ).split(),
    None: (
        "#636efa #EF553B #00cc96 #ab63fa #FFA15A #19d3f3 #FF6692 #B6E880 #FF97FF #FECB52 "
        "#0d0887 #46039f #7201a8 #9c179e #bd3786 #d8576b #ed7953 #fb9f3a #fdca26 #f0f921 "
        "#8e0152 #c51b7d #de77ae #f1b6da #fde0ef #e6f5d0 #b8e186 #7fbc41 #4d9221 #276419 "
        "#3D9970 #FF4136 #4499FF #B2B5BE #2a3f5f #2a3f5f #EBF0F8 white #C8D4E3"
    ).split(),
}


def _theme_colours(template: dict, theme: str | None) -> dict:
    """`template` with Streamlit's placeholder colours replaced by `theme`'s (a new dict; the template is shared)."""
    import json

    text = json.dumps(template)
    if "#000001" not in text:
        return template
    for placeholder, colour in zip(_PLACEHOLDERS, _THEMES.get(theme, _THEMES["streamlit"])):
        text = text.replace(f'"{placeholder}"', f'"{colour}"')
    return json.loads(text)


def _image_figure(fig, theme: str | None = "streamlit") -> dict:
    """The figure's dict for a still image: in the colours the page shows, without the Play buttons and step
    slider of an animated figure.

    Cached figures share their dicts (seqviz.ui.cache.frozen), so nothing here is changed in place."""
    d = fig if isinstance(fig, dict) else fig.to_dict()
    layout = {k: v for k, v in d.get("layout", {}).items() if k not in ("updatemenus", "sliders")}
    if isinstance(layout.get("template"), dict):
        layout["template"] = _theme_colours(layout["template"], theme)
    return {"data": d.get("data", []), "layout": layout}


def image(fig, fmt: str = "png", *, scale: float | None = None, theme: str | None = "streamlit") -> bytes:
    """`fig` (a plotly figure or its dict) as PNG or SVG bytes, drawn by the server's one headless Chromium.

    Size: the figure's own layout width/height, else WIDTH x HEIGHT; PNG at SCALE times that unless `scale` says
    otherwise. `theme`: st.plotly_chart's, whose colours the image takes. Raises ExportError when there is no
    browser or it fails (the failure is remembered for RETRY_AFTER s).
    """
    if fmt not in ("png", "svg"):
        raise ValueError(f"image format {fmt!r}: png or svg")
    d = _image_figure(fig, theme)
    layout = d["layout"]
    opts = {
        "format": fmt,
        "width": layout.get("width") or WIDTH,
        "height": layout.get("height") or HEIGHT,
        "scale": (SCALE if fmt == "png" else 1) if scale is None else scale,
    }
    return BROWSER.render(d, opts)


# ------------------------------------------------------------------------------------------------ CSV of the data

_TAG = re.compile(r"<[^>]*>")


def _plain(text: str) -> str:
    """A label as plain text: plotly's HTML tags dropped, entities decoded ("a<sup>&lt;t&gt;</sup>" -> "a<t>")."""
    return html.unescape(_TAG.sub("", text))


def _array(value):
    """A trace's data value as a numpy array (plotly's typed arrays {"dtype", "bdata", "shape"} decoded), or None."""
    if value is None:
        return None
    if isinstance(value, dict) and "bdata" in value and "dtype" in value:
        import base64

        a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
        shape = value.get("shape")
        return a.reshape([int(s) for s in str(shape).split(",")]) if shape is not None else a
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (list, tuple)):
        try:
            return np.asarray(value, dtype=object if any(isinstance(v, (list, tuple)) for v in value) else None)
        except ValueError:  # ragged rows
            return np.asarray(value, dtype=object)
    return None


def _cell(v) -> str:
    """One CSV field: numbers in their shortest exact form (float32 stays short), missing values empty."""
    if v is None:
        return ""
    if isinstance(v, (float, np.floating)):
        return "" if math.isnan(v) else str(v) if isinstance(v, np.floating) else repr(v)
    if isinstance(v, str):
        return _plain(v)
    return str(v)


def _ticks(layout: dict, ref: str | None, letter: str) -> dict:
    """tick value -> its label on the trace's axis (ticktext), for heatmaps drawn on numeric positions."""
    axis = layout.get(f"{letter}axis{(ref or letter)[1:]}", {}) or {}
    vals, text = _array(axis.get("tickvals")), _array(axis.get("ticktext"))
    if vals is None or text is None:
        return {}
    return {_key(v): t for v, t in zip(vals.tolist(), text.tolist())}


def _key(v):
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v


def _labels(values, n: int, ticks: dict, start=0, step=1) -> list:
    """n axis labels: the trace's own values (mapped through the axis's tick labels), else positions."""
    if values is None:
        values = [start + step * i for i in range(n)]
    else:
        values = values.tolist()[:n] + [None] * max(0, n - len(values))
    return [ticks.get(_key(v), v) if ticks else v for v in values]


def _rows(d: dict) -> tuple[list[str], list[dict]]:
    """(the columns used, one dict per point or heatmap cell) of a figure dict."""
    layout = d.get("layout", {}) or {}
    rows, used = [], set()
    for i, tr in enumerate(d.get("data", []) or []):
        name = tr.get("name")
        name = f"trace {i}" if name is None or name == "" else name
        z = _array(tr.get("z"))
        if tr.get("type") in ("heatmap", "contour", "histogram2d") or (z is not None and z.ndim == 2):
            if z is None or z.ndim != 2:
                continue
            n_rows, n_cols = z.shape
            y = _labels(
                _array(tr.get("y")), n_rows, _ticks(layout, tr.get("yaxis"), "y"), tr.get("y0", 0), tr.get("dy", 1)
            )
            x = _labels(
                _array(tr.get("x")), n_cols, _ticks(layout, tr.get("xaxis"), "x"), tr.get("x0", 0), tr.get("dx", 1)
            )
            used |= {"row", "column", "value"}
            rows += [
                {"trace": name, "row": y[r], "column": x[c], "value": z[r, c]}
                for r in range(n_rows)
                for c in range(n_cols)
            ]
            continue
        cols = {k: _array(tr.get(k)) for k in ("x", "y", "z")}
        cols = {k: a.ravel() if a is not None and a.dtype != object else a for k, a in cols.items()}
        n = max((len(a) for a in cols.values() if a is not None), default=0)
        if n == 0:
            continue
        for k, start, step in (("x", tr.get("x0", 0), tr.get("dx", 1)), ("y", tr.get("y0", 0), tr.get("dy", 1))):
            if cols[k] is None and cols["x" if k == "y" else "y"] is not None:  # plotly's default: positions
                cols[k] = np.asarray([start + step * j for j in range(n)])
        text = tr.get("text")
        texts = [text] * n if isinstance(text, str) else _array(text)
        used |= {k for k, a in cols.items() if a is not None} | ({"text"} if texts is not None else set())
        for j in range(n):
            row = {"trace": name}
            for k, a in cols.items():
                if a is not None:
                    row[k] = a[j] if j < len(a) else None
            if texts is not None:
                row["text"] = texts[j] if j < len(texts) else None
            rows.append(row)
    order = ["trace", "x", "y", "z", "text", "row", "column", "value"]
    return [c for c in order if c == "trace" or c in used], rows


def figure_csv(fig) -> str:
    """The data of every trace of `fig` as CSV: one row per point (trace, x, y[, z][, text]); a heatmap in long
    form, one row per cell (trace, row, column, value), its labels read through the axes' tick labels.

    Only the data the figure shows first (an animated figure's frames are not included). Labels lose plotly's
    HTML markup: a<sup>&lt;t&gt;</sup> becomes a<t>."""
    columns, rows = _rows(fig if isinstance(fig, dict) else fig.to_dict())
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for r in rows:
        w.writerow([_cell(r.get(c)) for c in columns])
    return out.getvalue()


# ----------------------------------------------------------------------------------------------- the page widget


def _safe_name(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("._") or "figure"


CLICK_WAIT = 20  # s: how long the control, rerun by a PNG/SVG click, waits for that image before it is redrawn
_FAILED = "_export_failed_{key}"  # session state: when an image of this figure last failed (time.monotonic())


class _Click:
    """A PNG/SVG button's image, made on a Streamlit worker thread (without the page's context) when clicked:
    `done` is set when it is made or has failed, `error` holds the failure."""

    def __init__(self, fig, fmt: str, theme: str | None):
        self.fig, self.fmt, self.theme = fig, fmt, theme
        self.done = threading.Event()
        self.error: ExportError | None = None

    def __call__(self) -> bytes:
        try:
            return image(self.fig, self.fmt, theme=self.theme)
        except ExportError as e:
            self.error = e
            raise  # Streamlit logs it; the student gets no file, and the control says why (_after_click)
        finally:
            self.done.set()


def _after_click(click: _Click, key: str) -> None:
    """A PNG/SVG click reruns only the control (a fragment); this waits for the image first, so that a failure is
    known when the control is redrawn, and it says so at once."""
    click.done.wait(CLICK_WAIT)
    if click.error is not None:
        st.session_state[_FAILED.format(key=key)] = time.monotonic()


def chart(fig, *, key: str, where=None, file_name: str | None = None, **plotly_chart_kwargs):
    """`where.plotly_chart(fig, key=key, ...)` (where: st, a column, the sidebar) and, right under it, a small
    Download popover: PNG (x2, for slides), SVG and CSV of the figure's data, each made only when clicked.

    The toolbar's camera saves a PNG of the same name at the same scale (config's toImageButtonOptions, merged with
    any `config` passed). Returns what plotly_chart returns (the selection event when on_select is given).
    """
    where = st if where is None else where
    name = _safe_name(file_name or key)
    config = dict(plotly_chart_kwargs.pop("config", None) or {})
    config["toImageButtonOptions"] = {"filename": name, "scale": SCALE, **(config.get("toImageButtonOptions") or {})}
    event = where.plotly_chart(fig, key=key, config=config, **plotly_chart_kwargs)
    theme = plotly_chart_kwargs.get("theme", "streamlit")
    if where is st:
        _control(fig, key, name, theme)
    else:
        with where:  # a column, the sidebar, a container: the control goes under the figure there
            _control(fig, key, name, theme)
    return event


@st.fragment
def _control(fig, key: str, name: str, theme: str | None) -> None:
    """The Download popover under a figure: PNG and SVG when a browser can draw them, else why not; CSV always.

    A fragment: a click reruns this control only, never the page."""
    pop = st.popover(
        t("export.button"), icon=":material/download:", type="tertiary", help=t("export.help"), key=f"{key}__export"
    )
    row = pop.container(horizontal=True, gap="small")
    failed = st.session_state.get(_FAILED.format(key=key))
    mine = failed is not None and time.monotonic() - failed < RETRY_AFTER  # this figure failed just now
    images = images_available() and not mine
    for fmt in ("png", "svg") if images else ():
        click = _Click(fig, fmt, theme)
        row.download_button(
            t(f"export.{fmt}"),
            data=click,
            file_name=f"{name}.{fmt}",
            mime=MIME[fmt],
            key=f"{key}__{fmt}",
            help=t(f"export.{fmt}.help"),
            on_click=_after_click,
            args=(click, key),
        )
    row.download_button(
        t("export.csv"),
        data=lambda: "\ufeff" + figure_csv(fig),  # a byte-order mark: Excel then reads the UTF-8 (中文 labels) right
        file_name=f"{name}.csv",
        mime=MIME["csv"],
        key=f"{key}__csv",
        help=t("export.csv.help"),
        on_click="ignore",
    )
    if not images:
        broken = mine or (BROWSER.failure is not None and _found_browser())
        pop.caption(t("export.failed" if broken else "export.no_browser"))
