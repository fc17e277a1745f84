"""The "Inside the RNN cell" page's three cells on one text (issue 17, AppTest): how far back each reaches (the
connectivity figure against seqviz's own numbers, and the RNN's shorter reach on the default line), the cells side
by side (a<t>, top-5 ŷ<t>, perplexities against seqviz.rnn.lm.score), the CSV downloads, and links that restore
the page's view (every widget) or, holding nonsense, open the defaults with the share module's message."""

import functools

import numpy as np
import pytest
from conftest import chart, open_link, watchdog

import seqviz
from seqviz.core.vocab import display
from seqviz.rnn.connectivity import connectivity
from seqviz.rnn.lm import score
from seqviz.ui.i18n import translate
from seqviz.ui.panels import COMPARE_CHARS, COMPARE_TEXT, DECAY_AT
from seqviz.viz.rnn import REACH_LEVELS, REACH_STEP

pytestmark = pytest.mark.usefixtures("one_thread", "app_navigation")  # pages run inside app.py (conftest)
PAGE = "pages/rnn_cell.py"
CELLS = ("rnn", "gru", "lstm")
BAD = translate("share.head_bad", "en")


@pytest.fixture(autouse=True)
def _bounded(request):
    with watchdog(300, request.config):
        yield


@functools.cache
def models() -> dict:
    return {c: seqviz.load_pretrained(f"names-{c}") for c in CELLS}


@functools.cache
def default_view():
    """The page from a bare address (read by several tests, never clicked)."""
    at = open_link(PAGE)
    assert not at.exception and not at.error
    return at


def table_with(at, column: str):
    """The one table on the page that has `column`, as a DataFrame."""
    (found,) = [d.value for d in at.dataframe if column in d.value.columns]
    return found


def reach_z(at) -> list[np.ndarray]:
    """The three connectivity heatmaps as drawn: log10 C, NaN where there is no path."""
    fig = chart(at, "reach_fig")
    return [np.asarray(fig["data"][i]["z"], float) for i in range(3)]


def test_connectivity_figure_is_the_library_s_and_the_rnn_reaches_least():
    at = default_view()
    assert at.text_area(key="cell_cmp_text").value == COMPARE_TEXT
    conns = {c: connectivity(m, COMPARE_TEXT) for c, m in models().items()}
    for z, (c, conn) in zip(reach_z(at), conns.items()):
        assert z.shape == (len(COMPARE_TEXT) + 1,) * 2
        assert (np.isnan(z) == (conn.C == 0)).all(), c  # blank exactly where no path exists (t' > t)
        np.testing.assert_allclose(10 ** z[conn.C > 0], conn.C[conn.C > 0], rtol=3e-3)
    fig = chart(at, "reach_fig")
    assert [a["text"] for a in fig["layout"]["annotations"][:3]] == ["RNN", "GRU", "LSTM"]
    T = len(COMPARE_TEXT) + 1
    step = at.slider(key="cell_cmp_t").value
    assert step == T - 1 and at.slider(key="cell_cmp_t").max == T - 1  # opens on the last output
    strip = np.asarray(fig["data"][3]["z"], float)  # the text coloured by row t of each matrix (shade codes)
    lo = fig["layout"]["coloraxis"]["cmin"]
    for i, conn in enumerate(conns.values()):
        line = strip[i * 3 : i * 3 + 2].ravel()[:T]  # two lines of 60 characters per cell, then a blank line
        want = np.clip((np.log10(conn.C[step]) - lo) / REACH_STEP, 0, REACH_LEVELS - 1)
        np.testing.assert_allclose(line, want, atol=0.5 + 1e-3)
    assert strip.shape[1] == 60 and len(fig["frames"]) == T  # ▶ Play: one frame per output step

    # the phenomenon, as the table under the figure prints it: an input d characters back acts more weakly on the
    # RNN's ŷ<t> than on the GRU's, and more weakly on the GRU's than on the LSTM's, ever more so with distance
    decay = table_with(at, "d = 40")
    assert list(decay.iloc[:, 0]) == ["RNN", "GRU", "LSTM"]
    exponent = lambda v: float(v.removeprefix("10").translate(str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹·", "-0123456789.")))
    for d in DECAY_AT:
        shown = [exponent(v) for v in decay[f"d = {d}"]]
        want = [np.log10(conn.decay([d])[d]) for conn in conns.values()]
        np.testing.assert_allclose(shown, want, atol=0.051)
    at40 = [exponent(v) for v in decay["d = 40"]]
    assert at40[0] < at40[1] - 1 < at40[2] - 2  # RNN 10^-7.5, GRU 10^-5.5, LSTM 10^-4.4: orders of magnitude
    reach = list(decay["reach (characters)"])
    assert reach[0] < reach[1] < reach[2]
    np.testing.assert_allclose(reach, [round(conn.reach(0.01).mean(), 1) for conn in conns.values()])


def test_side_by_side_shows_all_three_cells_and_their_perplexities():
    at = default_view()
    step = at.slider(key="cell_cmp_t").value
    fig = chart(at, "side_fig")
    assert [a["text"] for a in fig["layout"]["annotations"]] == ["RNN", "GRU", "LSTM"]
    for i, m in enumerate(models().values()):
        tr = m.trace(COMPARE_TEXT)
        np.testing.assert_allclose(np.asarray(fig["data"][i]["z"], float), tr.a.T, atol=1e-3)
    top = table_with(at, "P (RNN)")  # one row per rank, each cell's guess and its probability side by side
    for c, m in models().items():
        want = m.trace(COMPARE_TEXT).top_k(step, 5)
        assert list(top[c.upper()]) == [display(ch) for ch, _ in want]
        np.testing.assert_allclose(top[f"P ({c.upper()})"], [p for _, p in want], atol=1e-6)
    assert any("top-5 ŷ<t> after “r” (t = 72)" in m.value for m in at.markdown)  # the last "r" of hopper
    ppl = table_with(at, "perplexity on this text")
    assert list(ppl["cell"]) == ["RNN", "GRU", "LSTM"] and list(ppl["units n_a"]) == [64, 64, 64]
    np.testing.assert_allclose(
        ppl["perplexity on this text"], [score(m, COMPARE_TEXT).perplexity for m in models().values()], atol=1e-3
    )
    held = [m.meta["metrics"]["val_perplexity"] for m in models().values()]
    np.testing.assert_allclose(ppl["held-out perplexity (names)"], held, atol=1e-3)
    labels = [b.proto.label for b in at.get("download_button")]
    mine = [translate("cell.export.trace"), translate("cell.export.conn")]
    assert [label for label in labels if label in mine] == mine  # the trace under section 1, C under section 6


def test_the_comparison_reads_the_text_typed():
    at = open_link(PAGE)
    at.text_area(key="cell_cmp_text").set_value("ada ng\nbob").run()  # two lines: the break cuts every path
    assert not at.exception and at.slider(key="cell_cmp_t").value == 10  # T - 1 of the new text
    for z in reach_z(at):
        assert z.shape == (11, 11) and np.isnan(z[7:, :7]).all() and not np.isnan(z[7:, 7:][np.tril_indices(4)]).any()
    at.slider(key="cell_cmp_t").set_value(3).run()
    boxes = [s for s in chart(at, "reach_fig")["layout"]["shapes"] if s["yref"] == "y"]
    assert [(b["y0"], b["y1"]) for b in boxes] == [(2.5, 3.5)]  # row t = 3 boxed in the RNN's heatmap
    assert any("after “a” (t = 3)" in m.value for m in at.markdown)  # x<3> = "a" of ada

    at.text_area(key="cell_cmp_text").set_value("mary " * 100).run()
    assert any(f"first {COMPARE_CHARS}" in i.value for i in at.info)
    assert reach_z(at)[0].shape == (COMPARE_CHARS + 1,) * 2
    at.text_area(key="cell_cmp_text").set_value("王小明 😀 <b>x</b>").run()  # characters the models never saw
    assert not at.exception and reach_z(at)[0].shape == (15, 15)
    at.text_area(key="cell_cmp_text").set_value("   ").run()
    assert not at.exception and any("Type some text" in i.value for i in at.info)
    assert "reach_fig" not in [c.key for c in at.get("plotly_chart")] and "arch_fig" in [
        c.key for c in at.get("plotly_chart")
    ]


def test_a_link_restores_every_widget_of_the_page():
    link = dict(
        cell_kind="gru",
        cell_text="anna lee\nbo",
        cell_unit="7",
        cell_t="7",
        cell_field="gamma_r",
        cell_hyp_gru="__regex__",
        cell_regex="[aeiou]+",
        cell_cmp_text="mary ann smith",
        cell_cmp_t="10",
        cell_arch="brnn",
    )
    at = open_link(PAGE, **link)
    assert not at.exception and not [w for w in at.warning if BAD in w.value]
    assert at.sidebar.radio(key="cell_kind").value == "gru" and at.text_area(key="cell_text").value == "anna lee\nbo"
    assert at.sidebar.slider(key="cell_unit").value == 7 and at.slider(key="cell_t").value == 7
    assert at.radio(key="cell_field").value == "gamma_r" and at.selectbox(key="cell_hyp_gru").value == "__regex__"
    assert at.text_area(key="cell_cmp_text").value == "mary ann smith" and at.slider(key="cell_cmp_t").value == 10
    assert at.text_input(key="cell_regex").value == "[aeiou]+" and at.session_state["cell_arch"] == "brnn"
    # ... and the page shows that view
    assert len(at.latex) == 12  # the GRU's equations
    assert any("At step t = 7 the network reads x<t> = “e”" in m.value for m in at.markdown)  # ⏎anna lee
    assert any(translate("arch.brnn.use") in m.value for m in at.markdown)
    assert any(m.value.startswith("Units that follow your regular expression best") for m in at.markdown)
    assert reach_z(at)[0].shape == (15, 15)
    boxes = [s for s in chart(at, "reach_fig")["layout"]["shapes"] if s["yref"] == "y"]
    assert [(b["y0"], b["y1"]) for b in boxes] == [(9.5, 10.5)]
    assert at.query_params == link  # written back: the link to copy is this view's

    again = open_link(PAGE, **at.query_params)  # the address pasted into a new tab
    assert again.slider(key="cell_cmp_t").value == 10 and again.sidebar.slider(key="cell_unit").value == 7


def test_moving_a_slider_writes_the_address():
    at = open_link(PAGE)
    assert at.query_params == {}
    at.slider(key="cell_cmp_t").set_value(20).run()
    at.radio(key="cell_field").set_value("gamma_f").run()
    assert at.query_params == {"cell_cmp_t": "20", "cell_field": "gamma_f"}


def test_a_nonsense_link_opens_the_defaults_with_a_message():
    at = open_link(
        PAGE,
        cell_kind="xyz",
        cell_t="-3",
        cell_unit="999",
        cell_field="zzz",
        cell_cmp_t="abc",
        cell_arch="nope",
    )
    assert not at.exception and not at.error
    default = default_view()
    assert at.sidebar.radio(key="cell_kind").value == "lstm"
    assert at.slider(key="cell_t").value == 3 and at.slider(key="cell_cmp_t").value == len(COMPARE_TEXT)
    assert at.sidebar.slider(key="cell_unit").value == default.sidebar.slider(key="cell_unit").value
    assert at.radio(key="cell_field").value == "a" and at.session_state["cell_arch"] == "many_to_many_same"
    (warning,) = [w.value for w in at.warning if BAD in w.value]
    for key in ("cell_kind", "cell_t", "cell_unit", "cell_field", "cell_cmp_t", "cell_arch"):
        assert key.replace("_", "\\_") in warning, key
    for why in ("share.why.choice", "share.why.range", "share.why.number"):
        assert translate(why, "en") in warning, why
    np.testing.assert_array_equal(reach_z(at)[2], reach_z(default)[2])  # the default view, as drawn
    assert at.query_params == {}


def test_without_a_names_checkpoint_the_comparison_says_so(tmp_path, monkeypatch):
    from conftest import pretrained_without

    with pretrained_without("names-gru", tmp_path, monkeypatch):
        at = open_link(PAGE)
        assert not at.exception and not at.error
        assert any("names-gru" in w.value and "cannot be compared" in w.value for w in at.warning)
        charts = [c.key for c in at.get("plotly_chart")]
        assert "state_fig" in charts and "reach_fig" not in charts and "arch_fig" in charts
