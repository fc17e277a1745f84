"""The word-embeddings page as the Embedding Projector (issue #17, parts 6 and 7): a link restores the view, a click
on the map makes the query, a box selection the word list, the search box highlights words, and the downloads hold
the rows they say (AppTest).

AppTest has no API for a chart selection: `select` sends the widget state the browser sends (the frontend's JSON
{"selection": {points, point_indices, box, lasso}} under the chart's element id), with points read off the figure the
page drew (their customdata), so a figure without the words in customdata fails here. Downloads are made when a
button is pressed (a function given to st.download_button): `downloads` records AppTest's media file manager and
calls the function behind a button, as the server does on a click."""

import csv
import io
import json

import numpy as np
import pytest
from conftest import chart, open_link, page_downloads, watchdog

from seqviz.ui.i18n import translate

PAGE = "pages/word_embeddings.py"
pytestmark = pytest.mark.usefixtures("app_navigation")  # pages run inside app.py, where the address is read


@pytest.fixture(autouse=True)
def _bounded(request):
    with watchdog(300, request.config):
        yield


@pytest.fixture
def downloads(monkeypatch):
    """data(at, key): the bytes the download button `key` gives when pressed."""
    import streamlit.testing.v1.app_test as app_test

    made = []

    class Recording(app_test.MediaFileManager):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(app_test, "MediaFileManager", Recording)

    def data(at, key: str) -> bytes:
        (button,) = [b for b in at.get("download_button") if b.key == key]
        file_id = button.proto.deferred_file_id
        assert file_id, "the button's file is made on a click (a function), not on every run"
        entry = made[-1]._deferred_callables[file_id]
        out = entry["callable"]()
        return out if isinstance(out, bytes) else out.encode("utf-8")

    return data


def glove():
    from seqviz.embeddings import glove6b

    return glove6b.load()


def opened(**params):
    at = open_link(PAGE, **params)
    assert not at.exception, at.exception
    return at


def traces(at) -> dict:
    """The map's traces by legend name: {name: their words (customdata)}."""
    return {t.get("name"): list(t.get("customdata") or []) for t in chart(at, "emb_map")["data"] if t.get("name")}


def points(at, keep) -> list[dict]:
    """The map's points whose word passes keep(word, x, y), as plotly.js reports them in a selection event."""
    out = []
    for c, tr in enumerate(chart(at, "emb_map")["data"]):
        for i, w in enumerate(tr.get("customdata") or []):
            x, y = float(tr["x"][i]), float(tr["y"][i])
            if keep(w, x, y):
                out.append({"curve_number": c, "point_number": i, "point_index": i, "x": x, "y": y, "customdata": w})
    return out


def select(at, pts: list[dict], box=(), lasso=()):
    """Run the page as after a selection on the map: the browser's widget state for the chart, the rest unchanged."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    (element,) = [c for c in at.get("plotly_chart") if c.key == "emb_map"]
    states = at._tree.get_widget_states()
    state = WidgetState()
    state.id = element.proto.id
    selection = {
        "points": pts,
        "point_indices": [p["point_index"] for p in pts],
        "box": list(box),
        "lasso": list(lasso),
    }
    state.string_value = json.dumps({"selection": selection})
    states.widgets.append(state)
    at._run(states)
    assert not at.exception, at.exception
    return at


def subheaders(at) -> list[str]:
    return [s.value for s in at.subheader]


def table(at, column_key: str):
    name = translate(column_key, "en")
    (found,) = [d.value for d in at.dataframe if name in d.value.columns and len(d.value.columns) == 3]
    return found


# ---------------------------------------------------------------- the selection event, word by word


def test_words_from_selection_reads_customdata_once_per_word():
    from seqviz.viz.embeddings import words_from_selection

    click = {"points": [{"curve_number": 3, "point_index": 7, "customdata": "queen"}], "box": [], "lasso": []}
    assert words_from_selection(click) == (["queen"], False)
    # a box over a marked word reports it twice (its dot and its mark), an arrow has no word, customdata may be a list
    box = {
        "points": [
            {"customdata": "paris"},
            {"customdata": ["rome"]},
            {"curve_number": 12, "point_index": 0},
            {"customdata": "paris"},
            {"customdata": ""},
        ],
        "box": [{"x": [0, 1], "y": [0, 1]}],
        "lasso": [],
    }
    assert words_from_selection(box) == (["paris", "rome"], True)
    assert words_from_selection({"points": [{"customdata": "a"}], "lasso": [{"x": [0], "y": [0]}]}) == (["a"], True)
    assert words_from_selection({"points": [{"customdata": "a"}, {"customdata": "b"}]}) == (["a", "b"], True)
    assert words_from_selection({"points": [], "box": [], "lasso": []}) == ([], False)
    assert words_from_selection(None) == ([], False)


# ---------------------------------------------------------------- a link restores the view


def test_a_link_opens_its_query_analogy_projection_and_lists():
    link = {
        "emb_query": "queen",
        "emb_k_nn": "5",
        "emb_an_a": "france",
        "emb_an_b": "paris",
        "emb_an_c": "italy",
        "emb_method": "pca",
        "emb_n": "3000",
        "emb_find": "kin?, king*, zzqxw",
        "emb_words": "red green blue",
        "emb_export_from": "list",
    }
    at = opened(**link)
    assert not at.error
    assert at.text_input(key="emb_query").value == "queen" and at.slider(key="emb_k_nn").value == 5
    assert "Nearest neighbours of “queen”" in subheaders(at)
    near = table(at, "emb.col.rank")
    assert len(near) == 5 and near.iloc[0, 0] == "princess"  # the 5 nearest, as v.neighbours finds them
    assert [w for w, _ in glove().neighbours("queen", 5, limit=100_000)] == list(near.iloc[:, 0])
    assert any("**france** : **paris** :: **italy** : **rome**" in m.value for m in at.markdown)
    assert at.radio(key="emb_method").value == "pca" and at.slider(key="emb_n").value == 3000
    assert any("PCA of the 3,000 most frequent words" in c.value for c in at.caption)  # computed for the link
    marks = traces(at)
    assert marks[translate("emb.fig.query", "en")] == ["queen"]
    assert sorted(marks[translate("emb.fig.analogy", "en")]) == ["france", "italy", "paris", "rome"]
    # kin? and king* among the map's 3,000 words: king (drawn as a neighbour of queen), kind, kingdom
    assert marks[translate("emb.fig.found", "en")] == ["kind", "kingdom"]
    map_words = {w for name, ws in marks.items() if name.startswith("cluster") for w in ws}
    assert len(map_words) == 3000 and {"king", "kind", "kingdom"} <= map_words
    assert sorted(marks[translate("emb.fig.list", "en")]) == ["blue", "green", "red"]
    assert any("zzqxw" in w.value for w in at.warning)  # the search's unknown word, said
    assert at.radio(key="emb_export_from").value == "list"
    # the page writes the same view back into the address: the link to copy is this one
    assert {k: at.query_params.get(k) for k in link} == link


def test_a_link_with_unknown_words_or_bad_values_says_so_and_opens_the_rest():
    at = opened(emb_query="zzqxw", emb_k_nn="99", emb_method="bogus", emb_an_c="<b>kng</b>", emb_dim="3")
    assert not at.error
    warnings = " ".join(w.value for w in at.warning)
    assert "**zzqxw** is not in this vocabulary" in warnings  # a word the vectors do not know: the word box's message
    assert "\\<b\\>kng\\</b\\>" in warnings and "<b>" not in warnings
    assert "emb\\_k\\_nn" in warnings and "emb\\_method" in warnings  # seqviz.ui.share: not applied, and said
    assert at.slider(key="emb_k_nn").value == 10 and at.radio(key="emb_method").value == "umap"
    assert at.radio(key="emb_dim").value == 3  # the good value of the link is applied
    (element,) = [c for c in at.get("plotly_chart") if c.key == "emb_map"]
    assert not element.proto.selection_mode  # plotly selects on flat plots only: the 3-D map is not a widget
    assert translate("emb.map.select3d", "en") in [c.value for c in at.caption]
    assert not [s for s in subheaders(at) if s.startswith("Nearest")]


# ---------------------------------------------------------------- selecting on the map


def test_a_click_on_the_map_makes_the_query():
    at = opened()
    assert at.text_input(key="emb_query").value == "king"
    (element,) = [c for c in at.get("plotly_chart") if c.key == "emb_map"]
    assert len(element.proto.selection_mode) == 3  # points, box and lasso
    assert translate("emb.map.select", "en") in [c.value for c in at.caption]  # the page says how
    pts = points(at, lambda w, x, y: w == "woman")
    assert len(pts) == 2  # its dot in a cluster and its diamond (the analogy's a, b, c): one word
    select(at, pts[:1])
    assert at.text_input(key="emb_query").value == "woman"
    assert "Nearest neighbours of “woman”" in subheaders(at)
    assert traces(at)[translate("emb.fig.query", "en")] == ["woman"]
    assert at.query_params.get("emb_query") == "woman"  # and the address says so


def test_a_box_selection_makes_the_word_list_and_its_export(downloads):
    at = opened()
    queen = points(at, lambda w, x, y: w == "queen")[0]  # its dot (and its diamond: the analogy's answer)
    x0, y0 = queen["x"], queen["y"]
    inside = lambda w, x, y: abs(x - x0) < 0.4 and abs(y - y0) < 0.4  # noqa: E731
    pts = points(at, inside)
    words = list(dict.fromkeys(p["customdata"] for p in pts))
    assert 3 <= len(words) < 300 and len(pts) > len(words)  # some words twice: a dot and its mark
    select(at, pts, box=[{"xref": "x", "yref": "y", "x": [x0 - 0.4, x0 + 0.4], "y": [y0 - 0.4, y0 + 0.4]}])
    assert at.text_area(key="emb_words").value == " ".join(words)
    assert at.text_input(key="emb_query").value == "king"  # a box does not change the query
    assert translate("emb.list.selected", "en", n=len(words)) in [c.value for c in at.caption]
    listed = traces(at)[translate("emb.fig.list", "en")]  # red squares, but where a word has a role above it
    assert listed == [w for w in words if w not in _marks_above(at)] and listed
    assert [c.value for c in at.main.code] == [" ".join(words)]  # the list in a box with a copy button

    # neighbours among the list only
    at.checkbox(key="emb_list_nn").check().run()
    near = table(at, "emb.col.rank")
    g = glove()
    assert set(near.iloc[:, 0]) <= set(words) - {"king"} and len(near) == min(10, len(set(words) - {"king"}))
    assert list(near.iloc[:, 0]) == [w for w, _ in g.neighbours_among("king", words, 10)]
    assert translate("emb.nn.list", "en", word="king", n=len(words)) in subheaders(at)

    # its export: the Projector's two files, the list's rows in the list's order
    at.radio(key="emb_export_from").set_value("list").run()
    vectors = np.loadtxt(io.StringIO(downloads(at, "emb_export_vectors").decode("utf-8")), delimiter="\t", ndmin=2)
    assert vectors.shape == (len(words), 50)
    assert np.allclose(vectors, g.E[[g.index[w] for w in words]], rtol=1e-5, atol=1e-6)
    assert downloads(at, "emb_export_metadata").decode("utf-8") == "".join(w + "\n" for w in words)  # no header

    # a lasso around the whole map: the list keeps the first 300 words, and says so
    everything = points(at, lambda w, x, y: True)
    select(at, everything, lasso=[{"xref": "x", "yref": "y", "x": [-99, 99, 99], "y": [-99, -99, 99]}])
    unique = list(dict.fromkeys(p["customdata"] for p in everything))  # 5,000 dots and the marks placed beside
    assert len(unique) > 5000
    assert at.text_area(key="emb_words").value.split() == unique[:300]
    said = translate("emb.list.selected", "en", n=len(unique)) + " " + translate("emb.list.cut", "en", n=300)
    assert said in [c.value for c in at.caption]
    assert len(downloads(at, "emb_export_metadata").decode("utf-8").split("\n")) == 301


def _marks_above(at) -> set:
    """Words drawn with a role above the word list's (search matches, neighbours, analogy, query)."""
    names = [translate(f"emb.fig.{r}", "en") for r in ("found", "neighbour", "analogy", "query")]
    return {w for n, ws in traces(at).items() if n in names for w in ws}


# ---------------------------------------------------------------- the search box


def test_the_search_box_highlights_words_and_names_the_unknown():
    at = opened(emb_find="paris, London zzqxw, qq*z")
    assert not at.error
    found = traces(at)[translate("emb.fig.found", "en")]
    assert found == ["paris", "london"]  # read in lower case, in the order typed
    (trace,) = [t for t in chart(at, "emb_map")["data"] if t.get("name") == translate("emb.fig.found", "en")]
    assert trace["mode"] == "markers+text" and trace["marker"]["size"] > 10  # bigger than the cloud, labelled
    assert any("zzqxw" in w.value for w in at.warning)
    assert translate("emb.find.no_match", "en", patterns="**qq\\*z**") in [i.value for i in at.info]
    assert translate("emb.find.count", "en", n=2) in [c.value for c in at.caption]


# ---------------------------------------------------------------- downloads


def test_the_downloads_hold_the_maps_rows_and_the_vocabularys(downloads):
    at = opened()
    assert at.radio(key="emb_export_from").value == "map"  # the default: the map's words
    g = glove()
    fig = chart(at, "emb_map")
    cloud = [t for t in fig["data"] if t.get("name", "").startswith("cluster")]
    words = [w for t in cloud for w in t["customdata"]]
    assert len(words) == 5000

    meta = list(csv.reader(io.StringIO(downloads(at, "emb_export_metadata").decode("utf-8")), delimiter="\t"))
    assert meta[0] == ["word", "group", "mark"] and len(meta) == 5001  # several columns: a header line
    rows = {r[0]: r for r in meta[1:]}
    assert rows["king"][2] == "query" and rows["woman"][2] == "analogy" and rows["the"][2] == ""
    assert rows["king"][1] == next(t["name"] for t in cloud if "king" in t["customdata"])  # its cluster
    order = [r[0] for r in meta[1:]]
    vectors = np.loadtxt(io.StringIO(downloads(at, "emb_export_vectors").decode("utf-8")), delimiter="\t")
    assert vectors.shape == (5000, 50)
    assert np.allclose(vectors, g.E[[g.index[w] for w in order]], rtol=1e-5, atol=1e-6)  # row i = word i's e_w

    coords = list(csv.reader(io.StringIO(downloads(at, "emb_export_coords").decode("utf-8-sig"))))
    assert coords[0] == ["word", "x", "y", "group", "mark"] and len(coords) == 5001
    drawn = {w: (x, y) for t in cloud for w, x, y in zip(t["customdata"], t["x"], t["y"])}
    assert sorted(r[0] for r in coords[1:]) == sorted(words)
    assert all(
        abs(float(r[1]) - drawn[r[0]][0]) < 1e-3 and abs(float(r[2]) - drawn[r[0]][1]) < 1e-3 for r in coords[1:]
    )

    # the vocabulary: the 10,000 most frequent words, as the search limit says; one column, no header
    at.select_slider(key="emb_limit").set_value(10_000)
    at.radio(key="emb_export_from").set_value("vocab").run()
    meta = downloads(at, "emb_export_metadata").decode("utf-8").split("\n")
    assert meta[:-1] == g.words[:10_000] and meta[-1] == ""
    vectors = np.loadtxt(io.StringIO(downloads(at, "emb_export_vectors").decode("utf-8")), delimiter="\t")
    assert vectors.shape == (10_000, 50) and np.allclose(vectors, g.E[:10_000], rtol=1e-5, atol=1e-6)

    # an empty word list: nothing to download, and the page says how to fill it
    at.radio(key="emb_export_from").set_value("list").run()
    assert translate("emb.export.no_list", "en") in [i.value for i in at.info]
    assert {b.key for b in page_downloads(at)} == {"emb_export_coords"}
