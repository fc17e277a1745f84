"""Figure builders and the equations panel: the right content, escaped user text, numbers from the trace."""
import html as htmllib
import json
import re

import numpy as np
import pytest

from conftest import tiny
from seqviz import viz
from seqviz.rnn.equations import step_equations

HOSTILE = 'ab<script>alert("x")</script> & <b>bold</b>'


def test_state_animation_has_a_frame_per_step_and_player(cell):
    tr = tiny(cell).trace("anna")
    fig = viz.rnn.state_animation(tr)
    assert len(fig.frames) == tr.T == 5
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    assert len(fig.layout.sliders[0].steps) == tr.T
    np.testing.assert_allclose(np.array(fig.data[0].z), np.round(tr.a.T, 3))
    # frame t shows the top-5 of step t
    top = tr.top_k(2, 5)
    np.testing.assert_allclose(fig.to_dict()["frames"][2]["data"][0]["x"], [p for _, p in top])


def test_gates_figure_rows_follow_the_cell(cell):
    tr = tiny(cell).trace("anna")
    fig = viz.rnn.gates_figure(tr)
    titles = [a.text for a in fig.layout.annotations]
    expected = {"rnn": ["a<sup>&lt;t&gt;</sup>"],
                "gru": ["Γ<sub>u</sub>", "Γ<sub>r</sub>", "c̃<sup>&lt;t&gt;</sup>"],
                "lstm": ["Γ<sub>u</sub>", "Γ<sub>f</sub>", "Γ<sub>o</sub>", "c̃<sup>&lt;t&gt;</sup>",
                         "c<sup>&lt;t&gt;</sup>"]}[cell]
    assert titles == expected
    assert len(fig.frames) == tr.T


def test_user_text_is_escaped_everywhere():
    tr = tiny("lstm").trace(HOSTILE)
    html = viz.rnn.unit_text_html(tr, 0)
    assert "<script" not in html and "<b>" not in html
    visible = htmllib.unescape(re.sub(r"<[^>]+>", "", html)).replace("\xa0", " ")
    assert visible == HOSTILE                          # what the student sees is exactly what they typed
    fig = viz.rnn.state_animation(tr)
    ticks = fig.layout.xaxis.ticktext
    assert ticks[3] == '<span style="color:#d62728">&lt;</span>'        # '<' is unknown to this vocab: red, escaped
    assert all("<" not in tick.replace("<span", "").replace("</span>", "") for tick in ticks)
    steps = [s.label for s in fig.layout.sliders[0].steps]
    assert "&lt;" in steps and "<" not in steps
    assert re.search(r'outline:2px dashed', html)      # unknown '<' etc. flagged


def test_unit_text_html_colours_follow_the_unit():
    tr = tiny("gru").trace("ab")
    html = viz.rnn.unit_text_html(tr, 1)
    assert html.count("<span") == 2
    v = tr.a[1, 1]
    assert f"a={v:.3f}" in html


def test_step_equations_numbers_come_from_the_trace(cell):
    tr = tiny(cell, seed=2).trace("hello")
    lines = step_equations(tr, 3, 4)
    by = {l.name: l for l in lines}
    assert by["a"].value == pytest.approx(tr.a[3, 4])
    assert f"{tr.a[3, 4]:.3f}".replace("-", "{-}") in by["a"].numeric
    if cell == "lstm":
        assert by["c"].value == pytest.approx(tr.c[3, 4])
        # the numbers printed reproduce c<t>: Γu c~ + Γf c<t-1>
        nums = [float(x.replace("{-}", "-")) for x in re.findall(r"\{-\}?[\d.]+|[\d.]+", by["c"].numeric)
                if x not in ("",)]
        gu, ct, gf, cp, c = [n for n in nums if not n.is_integer() or n == 0][:5]
        assert gu * ct + gf * cp == pytest.approx(c, abs=2e-3)
    assert by["y_hat"].value == pytest.approx(tr.y_hat[3].max())


def test_step_equations_clamp_t_and_use_zero_initial_state():
    tr = tiny("gru").trace("ab")
    lines = step_equations(tr, 99, 0)
    assert lines[-2].value == pytest.approx(tr.a[-1, 0])
    first = {l.name: l for l in step_equations(tr, 0, 0)}
    assert r"\times 0.000 =" in first["c"].numeric


def test_figures_serialise(cell):
    tr = tiny(cell).trace("x")
    for fig in (viz.rnn.state_animation(tr), viz.rnn.gates_figure(tr), viz.rnn.unit_curve(tr, 0)):
        assert json.loads(fig.to_json())["data"]


def test_nll_is_minus_log_of_the_next_known_character():
    tr = tiny("lstm").trace("ab中c")
    nll = tr.nll()
    assert nll.shape == (tr.T - 1,)
    assert nll[0] == pytest.approx(-np.log(tr.y_hat[0, tr.vocab.index("a")]))
    assert np.isnan(nll[2])                                      # the next character is unknown
