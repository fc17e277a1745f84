"""The figure export (seqviz/ui/export.py): CSV equal to the figure's data, PNG/SVG drawn by one shared Chromium,
a clear message when there is none, and the control under a figure on a page (AppTest)."""

import csv
import io
import json
import os
import struct
import threading
import xml.etree.ElementTree as ET

import numpy as np
import plotly.graph_objects as go
import pytest
from plotly.subplots import make_subplots
from streamlit.proto.WidgetStates_pb2 import WidgetStates
from streamlit.testing.v1 import AppTest

from seqviz.ui import export
from seqviz.ui.i18n import translate


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def floats(rows, col) -> np.ndarray:
    return np.array([float(r[col]) if r[col] != "" else np.nan for r in rows])


@pytest.fixture
def fresh_browser(monkeypatch):
    """A browser state of its own (no failure remembered from another test), closed afterwards."""
    browser = export._Chromium()
    monkeypatch.setattr(export, "BROWSER", browser)
    export._found_browser_at.cache_clear()
    yield browser
    browser.close()
    export._found_browser_at.cache_clear()


def need_browser():
    """Skip (with the reason) where no Chromium is installed, unless CI is set: there it must be."""
    if export.browser_path() is None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail("no Chromium for image export; CI is set, so it must be installed (apt-get install chromium)")
        pytest.skip("no Chromium or Chrome here (apt-get install chromium): PNG/SVG export cannot be checked")


# ------------------------------------------------------------------------------------------------------------ CSV


def test_csv_of_a_scatter_is_its_points():
    y = np.array([0.1, -0.25, np.nan, 3.5], dtype=np.float32)
    fig = go.Figure(go.Scatter(x=[1, 2, 3, 4], y=y, text=["a", "<b>b</b>", "c", "d"], name="Γ<sub>u</sub>"))
    fig.add_scatter(x=[0.5, 1.5], y=[7, 8], name="second")
    rows = read_csv(export.figure_csv(fig))
    assert list(rows[0]) == ["trace", "x", "y", "text"]
    first = [r for r in rows if r["trace"] == "Γu"]  # HTML markup dropped from names and texts
    assert [r["text"] for r in first] == ["a", "b", "c", "d"]
    np.testing.assert_array_equal(floats(first, "x"), fig.data[0].x)
    assert np.array_equal(floats(first, "y").astype(np.float32), np.asarray(fig.data[0].y), equal_nan=True)
    assert first[2]["y"] == ""  # a gap stays a gap, not "nan"
    second = [r for r in rows if r["trace"] == "second"]
    np.testing.assert_array_equal(floats(second, "y"), fig.data[1].y)
    assert [r["text"] for r in second] == ["", ""]


def test_csv_of_a_heatmap_is_long_form_with_its_labels():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 6))
    fig = go.Figure(go.Heatmap(z=z, x=list("abcdef"), y=[f"unit {i}" for i in range(4)]))
    rows = read_csv(export.figure_csv(fig))
    assert list(rows[0]) == ["trace", "row", "column", "value"] and len(rows) == z.size
    np.testing.assert_array_equal(floats(rows, "value").reshape(z.shape), np.asarray(fig.data[0].z))
    assert [r["row"] for r in rows[:6]] == ["unit 0"] * 6 and [r["column"] for r in rows[:6]] == list("abcdef")
    # seqviz's heatmaps draw at positions 0..T-1 and name them by the axis's tick labels (course notation)
    fig = go.Figure(go.Heatmap(z=z[:2, :3]))
    fig.update_xaxes(tickvals=[0, 1, 2], ticktext=["x<sup>&lt;1&gt;</sup>", "x<sup>&lt;2&gt;</sup>", "⏎"])
    rows = read_csv(export.figure_csv(fig))
    assert [r["column"] for r in rows] == ["x<1>", "x<2>", "⏎"] * 2 and [r["row"] for r in rows] == ["0"] * 3 + [
        "1"
    ] * 3
    np.testing.assert_array_equal(floats(rows, "value"), z[:2, :3].ravel())


def test_csv_of_a_3d_scatter_has_z():
    rng = np.random.default_rng(1)
    x, y, z = rng.normal(size=(3, 5))
    fig = go.Figure(go.Scatter3d(x=x, y=y, z=z, text=list("vwxyz"), mode="markers+text", name="words"))
    rows = read_csv(export.figure_csv(fig))
    assert list(rows[0]) == ["trace", "x", "y", "z", "text"]
    for col, want in zip("xyz", (fig.data[0].x, fig.data[0].y, fig.data[0].z)):
        np.testing.assert_array_equal(floats(rows, col), want)
    assert [r["text"] for r in rows] == list("vwxyz")


def test_csv_of_subplots_holds_every_trace():
    fig = make_subplots(rows=1, cols=3)
    fig.add_trace(go.Bar(x=["p", "q", "r"], y=[3, 1, 2], name="bars"), 1, 1)
    fig.add_trace(go.Scatter(y=[0.5, 0.25], name="no x"), 1, 2)  # plotly's x: 0, 1, ...
    fig.add_trace(go.Heatmap(z=[[1, 2], [3, 4]], name="grid"), 1, 3)
    fig.update_layout(xaxis3=dict(tickvals=[0, 1], ticktext=["left", "right"]))  # the third subplot's own axis
    rows = read_csv(export.figure_csv(fig))
    assert list(rows[0]) == ["trace", "x", "y", "row", "column", "value"]
    by = {name: [r for r in rows if r["trace"] == name] for name in ("bars", "no x", "grid")}
    assert [r["x"] for r in by["bars"]] == list(fig.data[0].x)
    np.testing.assert_array_equal(floats(by["bars"], "y"), fig.data[0].y)
    np.testing.assert_array_equal(floats(by["no x"], "x"), [0, 1])
    np.testing.assert_array_equal(floats(by["no x"], "y"), fig.data[1].y)
    np.testing.assert_array_equal(floats(by["grid"], "value"), np.ravel(fig.data[2].z))
    assert [r["column"] for r in by["grid"]] == ["left", "right"] * 2
    assert sum(map(len, by.values())) == len(rows) == 3 + 2 + 4


def test_csv_of_a_seqviz_figure_reads_its_typed_arrays():
    """A cached figure hands over its dict with numpy arrays turned into plotly's typed arrays (bdata)."""
    from seqviz import viz

    z = np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4)
    fig = viz.base.figure([dict(type="heatmap", z=z, name="a<sup>&lt;t&gt;</sup>")], dict(height=300))
    d = viz.base.as_dict(fig)
    assert "bdata" in d["data"][0]["z"]
    rows = read_csv(export.figure_csv(d))
    assert {r["trace"] for r in rows} == {"a<t>"}
    np.testing.assert_array_equal(floats(rows, "value").astype(np.float32), z.ravel())


# ------------------------------------------------------------------------------------------------------ PNG / SVG


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_png_and_svg_of_a_small_figure(fresh_browser):
    need_browser()
    fig = go.Figure(go.Bar(x=["Γu", "Γf"], y=[0.2, 0.9]), layout=dict(width=400, height=300, title="gate means"))
    png = export.image(fig, "png")
    assert png_size(png) == (800, 600)  # scale 2: for slides
    svg = export.image(fig, "svg")
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg") and root.get("width") == "400" and root.get("height") == "300"
    text = "".join(root.itertext())
    assert "gate means" in text and "Γu" in text and "Γf" in text  # this figure, drawn
    assert fresh_browser.starts == 1  # the second image reused the first one's browser
    # a figure without a size gets WIDTH x HEIGHT; an animated one loses its Play button in a still image
    from seqviz import viz

    anim = viz.base.figure(
        [dict(type="scatter", x=[0, 1], y=[1, 0])],
        dict(updatemenus=[dict(type="buttons", buttons=[dict(label="▶ PLAYBUTTON", method="animate", args=[None])])]),
        frames=[dict(name="0", data=[dict(type="scatter", x=[0, 1], y=[0, 1])])],
    )
    as_shown = fresh_browser.render(anim.to_dict(), {"format": "svg", "width": 500, "height": 300})
    assert b"PLAYBUTTON" in as_shown  # on the page the figure has its Play button ...
    svg = export.image(anim, "svg")
    assert b"PLAYBUTTON" not in svg and ET.fromstring(svg).get("width") == str(export.WIDTH)  # ... not in the image
    assert "updatemenus" in anim.to_dict()["layout"]  # the figure itself is left as it was


def test_images_take_the_colours_the_page_shows(fresh_browser):
    """With streamlit imported, plotly's default template is Streamlit's, whose colours are placeholders its web page
    swaps for the theme's: an image gets the same swap (else bars come out near-black, rgb(0, 0, 1))."""
    need_browser()
    import plotly.io as pio

    assert pio.templates.default == "streamlit"
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]), layout=dict(width=300, height=200))
    assert fig.to_dict()["layout"]["template"]["layout"]["colorway"][0] == "#000001"
    svg = export.image(fig, "svg").decode()
    assert "rgb(0, 104, 201)" in svg and "rgb(0, 0, 1)" not in svg  # #0068c9: the light theme's first colour
    svg = export.image(fig, "svg", theme=None).decode()  # st.plotly_chart(theme=None): plotly's own colours
    assert "rgb(99, 110, 250)" in svg and "rgb(0, 0, 1)" not in svg  # #636efa
    assert fig.to_dict()["layout"]["template"]["layout"]["colorway"][0] == "#000001"  # the figure is unchanged


def test_clicks_at_once_share_one_browser(fresh_browser):
    """Eight students click PNG at the same moment on a server whose browser is not started yet: one Chromium
    starts, every click gets its image."""
    need_browser()
    fig = go.Figure(go.Heatmap(z=np.arange(12).reshape(3, 4)), layout=dict(width=200, height=150))
    out, errors = [], []

    def click():
        try:
            out.append(export.image(fig, "png"))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(120)
    assert errors == [] and len(out) == 8 and all(png_size(p) == (400, 300) for p in out)
    assert fresh_browser.starts == 1


def test_no_browser_gives_the_message(fresh_browser, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/chromium")
    assert export.browser_path() is None and not export.images_available()
    with pytest.raises(export.ExportError, match="no Chromium"):
        export.image(go.Figure(go.Scatter(y=[1, 2])), "png")
    at = run_app()
    assert not at.exception
    assert [b.proto.label for b in buttons(at)] == ["CSV (data)"]  # the data still downloads
    assert [c.value for c in at.caption] == [translate("export.no_browser", "en")]
    at = run_app(lang="zh")
    assert [c.value for c in at.caption] == [translate("export.no_browser", "zh")]
    assert "Chromium" in at.caption[0].value and "相机" in at.caption[0].value


def test_a_failing_browser_gives_the_message_then_is_tried_again(fresh_browser, monkeypatch):
    need_browser()
    import kaleido

    async def broken(self, *args, **kwargs):
        raise RuntimeError("the browser went away")

    monkeypatch.setattr(kaleido.Kaleido, "calc_fig", broken)
    fig = go.Figure(go.Scatter(y=[1, 2]))
    assert export.images_available()
    with pytest.raises(export.ExportError, match="went away"):
        export.image(fig, "svg")
    assert not fresh_browser.running()  # a browser that failed is closed; the next image starts a new one
    assert not export.images_available()
    at = run_app(lang="zh")
    assert [b.proto.label for b in buttons(at)] == [translate("export.csv", "zh")]
    assert [c.value for c in at.caption] == [translate("export.failed", "zh")]
    # a minute later the image buttons are offered again
    when, why = fresh_browser.failure
    fresh_browser.failure = (when - export.RETRY_AFTER, why)
    assert export.images_available()
    assert [b.proto.label for b in buttons(run_app())] == ["PNG", "SVG", "CSV (data)"]


# ---------------------------------------------------------------------------------------------------- on a page


def _app():
    import plotly.graph_objects as go
    import streamlit as st
    from streamlit import runtime

    from seqviz.ui.export import chart

    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[4.0, 5.0, 6.0], name="points", mode="markers"), layout=dict(height=250))
    left, _ = st.columns(2)
    event = chart(
        fig,
        key="pts",
        where=left,
        file_name="my points",
        on_select="rerun",
        selection_mode="points",
        config={"scrollZoom": True},
    )
    st.write(f"selected: {list(event['selection']['point_indices'])}")
    st.session_state["_files"] = runtime.get_instance().media_file_mgr  # to run the deferred downloads


def run_app(lang: str = "en") -> AppTest:
    at = AppTest.from_function(_app, default_timeout=30)
    at.session_state["lang"] = lang
    return at.run()


def buttons(at) -> list:
    return list(at.get("download_button"))


def test_chart_shows_the_figure_the_control_and_a_selection(fresh_browser):
    at = run_app()
    assert not at.exception
    (shown,) = at.get("plotly_chart")
    spec = json.loads(shown.proto.spec)
    assert spec["data"][0]["y"] == [4.0, 5.0, 6.0] and shown.proto.id.endswith("-pts")
    config = json.loads(shown.proto.config)
    assert config["toImageButtonOptions"] == {"filename": "my_points", "scale": 2}  # the camera, too
    assert config["scrollZoom"] is True  # the page's own config kept
    (pop,) = at.get("popover")
    assert pop.proto.popover.label == "Download" and pop.proto.popover.type == "tertiary"
    found = buttons(at)
    assert [b.proto.label for b in found] == (
        ["PNG", "SVG", "CSV (data)"] if export.images_available() else ["CSV (data)"]
    )
    assert all(b.proto.deferred_file_id and not b.proto.url for b in found)  # made only when clicked
    files = at.session_state["_files"]
    csv_button = found[-1]
    entry = files._deferred_callables[csv_button.proto.deferred_file_id]
    assert entry["filename"] == "my_points.csv" and entry["mimetype"] == "text/csv"
    data = entry["callable"]()
    assert data.startswith("\ufeff") and data[1:] == export.figure_csv(go.Figure(json.loads(shown.proto.spec)))
    assert at.markdown[-1].value == "selected: []"
    # a student selects the second point: the selection comes back through chart()
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())
    w = states.widgets.add()
    w.id = shown.proto.id
    point = {"curve_number": 0, "point_number": 1, "point_index": 1, "x": 2, "y": 5.0}
    w.string_value = json.dumps({"selection": {"points": [point], "point_indices": [1], "box": [], "lasso": []}})
    at = at._run(states)
    assert not at.exception and at.markdown[-1].value == "selected: [1]"


def test_the_png_button_makes_the_png(fresh_browser):
    need_browser()
    at = run_app()
    png = buttons(at)[0]
    entry = at.session_state["_files"]._deferred_callables[png.proto.deferred_file_id]
    assert entry["filename"] == "my_points.png" and entry["mimetype"] == "image/png"
    assert png_size(entry["callable"]()) == (2 * export.WIDTH, 2 * 250)


def test_a_browser_that_does_not_start_gives_the_message(fresh_browser, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", "/bin/false")  # there and runnable, but no browser: it exits at once
    assert export.images_available()
    with pytest.raises(export.ExportError, match="did not start"):
        export.image(go.Figure(go.Scatter(y=[1, 2])), "png")
    assert not fresh_browser.running() and not export.images_available()
    assert [c.value for c in run_app().caption] == [translate("export.failed", "en")]


def test_a_click_whose_image_fails_makes_the_control_say_so(fresh_browser, monkeypatch):
    """The click's own image fails (plotly.js refused this figure): the control, rerun by the click, waits for
    the outcome and shows the message in place of PNG/SVG; other figures and the browser are not affected."""
    monkeypatch.setattr(export, "images_available", lambda: True)  # as on a server with a browser

    def refused(fig, fmt, **kwargs):
        raise export.ExportError("the image failed: KaleidoError: bad figure", browser=False)

    monkeypatch.setattr(export, "image", refused)
    at = run_app(lang="zh")
    png = buttons(at)[0]
    assert png.proto.label == "PNG" and png.proto.ignore_rerun is False  # a click reruns the control
    deferred = at.session_state["_files"]._deferred_callables[png.proto.deferred_file_id]["callable"]
    with pytest.raises(export.ExportError):
        deferred()  # what Streamlit runs on the click (it logs the error; the student gets no file)
    states = WidgetStates()
    states.CopyFrom(at._tree.get_widget_states())
    w = states.widgets.add()
    w.id, w.trigger_value = png.proto.id, True  # ... and the click itself
    at = at._run(states)
    assert not at.exception
    assert [b.proto.label for b in buttons(at)] == [translate("export.csv", "zh")]
    assert [c.value for c in at.caption] == [translate("export.failed", "zh")]
    assert fresh_browser.failure is None  # one figure's failure does not take images from the others
