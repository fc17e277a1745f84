"""Figures built from plain dicts without plotly's checks (viz.base.figure) are valid plotly: rebuilt with every
check on, each comes out the same. A misspelt property, a flat `marker_color` or a colour scale by name
("RdBu_r", which plotly.js does not know) in a frame would fail here."""

import json

import numpy as np
import plotly.graph_objects as go
import plotly.io as pio
import pytest
from conftest import tiny
from test_nmt import tiny as tiny_translator

import seqviz
from seqviz import viz
from seqviz.rnn.lm import sample
from seqviz.sentiment.models import read

HOSTILE = 'ab<b>c</b> 😀 & "d"'


def _same(a, b, path=""):
    """Equal JSON values, numbers to 1e-9 (plotly's checks turn float32 arrays into float64 lists)."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), f"{path}: keys {sorted(a.keys() ^ b.keys())}"
        for k in a:
            _same(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, list) and isinstance(b, list):
        assert len(a) == len(b), f"{path}: length {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{path}[{i}]")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        assert np.isclose(a, b, rtol=1e-9, atol=1e-12), f"{path}: {a} != {b}"
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def assert_valid(fig: go.Figure) -> dict:
    """The figure's JSON, asserted equal to that of the same figure rebuilt with plotly's checks, and to that of
    the dicts the page's cache sends without copying them (viz.base.as_dict)."""
    raw = json.loads(pio.to_json(fig.to_dict(), validate=False))
    checked = json.loads(pio.to_json(go.Figure(fig.to_dict()), validate=False))
    _same(raw, checked)
    _same(json.loads(pio.to_json(viz.base.as_dict(fig), validate=False)), raw)
    return raw


def test_char_model_figures(cell):
    tr = tiny(cell).trace(HOSTILE)
    for fig in (viz.rnn.state_animation(tr), viz.rnn.gates_figure(tr, start=2)):
        d = assert_valid(fig)
        assert len(d["frames"]) == tr.T == len(d["layout"]["sliders"][0]["steps"])
    d = assert_valid(viz.rnn.state_animation(tr))
    np.testing.assert_allclose(d["frames"][2]["data"][0]["x"], [p for _, p in tr.top_k(2, 5)], atol=1e-7)


def test_sentiment_figure():
    r = read(seqviz.load_pretrained("sentiment-en"), "i am not feeling happy today")
    d = assert_valid(viz.sentiment.sentiment_figure(r))
    assert len(d["frames"]) == sum(r.known)
    assert [s["y0"] for s in d["layout"]["shapes"]] == pytest.approx([r.p_average, 0.5])


@pytest.mark.parametrize("attention", [True, False])
def test_translation_figures(attention):
    m = tiny_translator(attention)
    vocab = list(m.tgt_vocab.chars)
    tr = m.translate("13 june 1989", beam_width=3)
    d = assert_valid(viz.translation.decoding_animation(tr, vocab))
    assert len(d["frames"]) == len(tr.target)
    d = assert_valid(viz.translation.beam_tree(tr.search, vocab, max_pruned=2))
    assert len(d["frames"]) == len(tr.search.steps)


def test_sampling_animation():
    s = sample(tiny("gru"), 12, temperature=1.0, top_k=0, seed=1)
    d = assert_valid(viz.rnn.sample_animation(s))
    assert len(d["frames"]) == len(s.chosen) == len(d["layout"]["sliders"][0]["steps"])


@pytest.mark.parametrize("mode", ["skip-gram", "cbow"])
def test_pairs_animation(mode):
    d = assert_valid(viz.embeddings.pairs_animation(HOSTILE.split(), 2, mode))
    assert len(d["frames"]) == len(HOSTILE.split())


def test_a_named_colour_scale_in_a_frame_is_caught():
    bad = viz.base.figure(
        [dict(type="heatmap", z=[[0, 1]])],
        {},
        frames=[dict(name="0", data=[dict(type="heatmap", z=[[1, 0]], colorscale="RdBu_r")])],
    )
    with pytest.raises(AssertionError):
        assert_valid(bad)


@pytest.mark.parametrize("dim", [2, 3])
def test_map_marks_written_by_hand_are_valid_plotly(dim):
    """viz.embeddings.map_marks writes its traces and arrows as plain dicts (the page adds them to a cached cloud on
    every query): plotly with every check on takes them unchanged."""
    rng = np.random.default_rng(0)
    words = ["man", "woman", "king", "queen", "x<b>", 'say"hi"']
    Y = rng.normal(size=(len(words), dim)).astype(np.float32)
    marks = {
        "king": "query",
        "x<b>": "neighbour",
        'say"hi"': "neighbour",
        "man": "analogy",
        "woman": "analogy",
        "queen": "analogy",
        "ruler": "neighbour",
    }
    extra = {"ruler": rng.normal(size=dim)}
    traces, notes = viz.embeddings.map_marks(words, Y, marks, [("man", "woman"), ("king", "queen")], extra)
    raw = json.loads(pio.to_json({"data": traces, "layout": {"annotations": notes}}, validate=False))
    checked = json.loads(pio.to_json(go.Figure({"data": traces, "layout": {"annotations": notes}}), validate=False))
    checked["layout"].pop("template")  # the default template plotly adds; the page's cloud carries its own
    _same(raw, checked)
    assert sum(len(t.get("text", [])) for t in traces) == len(marks) and "x&lt;b&gt;" in traces[0]["text"]
    assert len(notes) == (3 if dim == 2 else 1)  # two arrows as annotations in 2-D (cones in 3-D), and the * note
    full = viz.embeddings.embedding_map(words, Y, np.zeros(len(words), int), ["all"], marks, [("man", "woman")], extra)
    assert len(full.data) == 1 + len({r for r in marks.values()}) + (0 if dim == 2 else 2)
