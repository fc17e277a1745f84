"""Figure builders and the equations panel, read back from each figure's own data (fig.to_dict(): these figures
are built without plotly's checks, whose fig.frames[t].data raises): the plotted numbers are the model's, user
text is escaped, numbers in the equations come from the trace."""

import base64
import html as htmllib
import json
import re

import numpy as np
import pytest
import torch
from conftest import tiny
from test_nmt import tiny as tiny_translator
from test_sentiment import tiny as tiny_sentiment

from seqviz import viz
from seqviz.rnn.equations import step_equations
from seqviz.rnn.gradients import grad_norms, jacobian_spectra
from seqviz.rnn.lm import sample, score
from seqviz.sentiment.models import read

HOSTILE = 'ab<script>alert("x")</script> & <b>bold</b>'
ROUNDED = {3: 5e-4 + 1e-7, 4: 5e-5 + 1e-8}  # what rounding to 3 or 4 decimals may move a number


def arr(v) -> np.ndarray:
    """A figure's array as to_dict() gives it: a list, or plotly's typed array {"dtype", "bdata", "shape"}."""
    if isinstance(v, dict) and "bdata" in v:
        a = np.frombuffer(base64.b64decode(v["bdata"]), dtype=np.dtype(v["dtype"]))
        shape = v.get("shape")
        if isinstance(shape, str):
            shape = [int(x) for x in shape.split(",")]
        return a.reshape(shape) if shape else a
    return np.asarray(v, dtype=float)


def visible(html: str) -> str:
    """What a reader sees of an HTML fragment: tags removed, entities decoded."""
    return htmllib.unescape(re.sub(r"<[^>]+>", "", html)).replace("\xa0", " ")


def test_state_animation_shows_a_and_the_top5_of_every_step(cell):
    tr = tiny(cell).trace("anna")
    fig = viz.rnn.state_animation(tr)
    d = fig.to_dict()
    heat = d["data"][0]
    assert heat["type"] == "heatmap" and arr(heat["z"]).shape == (tr.n_a, tr.T)  # unit x time
    np.testing.assert_allclose(arr(heat["z"]), tr.a.T, atol=ROUNDED[3])  # z is a<t>
    np.testing.assert_array_equal(arr(heat["x"]), np.arange(tr.T))
    assert fig.layout.updatemenus[0].buttons[0].method == "animate"
    assert [s["label"] for s in d["layout"]["sliders"][0]["steps"]] == ["⏎", "a", "n", "n", "a"]
    assert [f["name"] for f in d["frames"]] == [str(t) for t in range(tr.T)] and tr.T == 5
    for t, frame in enumerate(d["frames"]):  # frame t: the top 5 of ŷ<t> and the cursor at t
        top = tr.top_k(t, 5)
        bar = frame["data"][0]
        np.testing.assert_allclose(arr(bar["x"]), [p for _, p in top], rtol=1e-6)
        assert [x.split()[0] for x in bar["text"]] == [viz.base.token_label(ch) for ch, _ in top]
        assert frame["layout"]["shapes"][0]["x0"] == t


def test_gates_figure_rows_are_the_gate_values(cell):
    tr = tiny(cell).trace("anna")
    fig = viz.rnn.gates_figure(tr)
    d = fig.to_dict()
    titles = [a["text"] for a in d["layout"]["annotations"]]
    expected = {
        "rnn": ["a<sup>&lt;t&gt;</sup>"],
        "gru": ["Γ<sub>u</sub>", "Γ<sub>r</sub>", "c̃<sup>&lt;t&gt;</sup>"],
        "lstm": ["Γ<sub>u</sub>", "Γ<sub>f</sub>", "Γ<sub>o</sub>", "c̃<sup>&lt;t&gt;</sup>", "c<sup>&lt;t&gt;</sup>"],
    }[cell]
    assert titles == expected
    rows = {
        "rnn": ["a"],
        "gru": ["gamma_u", "gamma_r", "c_tilde"],
        "lstm": ["gamma_u", "gamma_f", "gamma_o", "c_tilde", "c"],
    }[cell]
    values = [{**tr.gates, "a": tr.a, "c_tilde": tr.c_tilde, "c": tr.c}[r] for r in rows]
    assert len(d["data"]) == len(values)
    for row, (trace, v) in enumerate(zip(d["data"], values)):  # row i shows the i-th title's values
        assert trace["type"] == "heatmap" and trace["yaxis"] == ("y" if row == 0 else f"y{row + 1}")
        np.testing.assert_allclose(arr(trace["z"]), v.T, atol=ROUNDED[3])
    if cell != "rnn":  # gates on their own 0..1 colour axis
        assert d["layout"]["coloraxis"]["cmin"] == 0 and d["layout"]["coloraxis"]["cmax"] == 1
        assert all(t["coloraxis"] == "coloraxis" for t in d["data"][: len(tr.gates)])
    assert len(d["frames"]) == tr.T


def test_unit_curve_lines_are_the_unit_values(cell):
    tr = tiny(cell).trace("anna")
    d = viz.rnn.unit_curve(tr, 2).to_dict()
    series = {"a": tr.a, **tr.gates, **({"c": tr.c} if cell == "lstm" else {})}
    assert len(d["data"]) == len(series)
    for trace, (name, v) in zip(d["data"], series.items()):
        assert trace["name"] == viz.base.NOTATION[name]
        np.testing.assert_allclose(arr(trace["y"]), v[:, 2], atol=ROUNDED[4])


def test_user_text_is_escaped_everywhere():
    tr = tiny("lstm").trace(HOSTILE)
    html = viz.rnn.unit_text_html(tr, 0)
    assert "<script" not in html and "<b>" not in html
    assert visible(html) == HOSTILE  # what the student sees is exactly what they typed
    fig = viz.rnn.state_animation(tr)
    ticks = fig.layout.xaxis.ticktext
    assert ticks[3] == '<span style="color:#d62728">&lt;</span>'  # '<' is unknown to this vocab: red, escaped
    assert all("<" not in tick.replace("<span", "").replace("</span>", "") for tick in ticks)
    steps = [s.label for s in fig.layout.sliders[0].steps]
    assert "&lt;" in steps and "<" not in steps
    assert re.search(r"outline:2px dashed", html)  # unknown '<' etc. flagged


def test_unit_text_html_colours_follow_the_unit():
    tr = tiny("gru").trace("ab")
    html = viz.rnn.unit_text_html(tr, 1)
    assert html.count("<span") == 2
    v = tr.a[1, 1]
    assert f"a={v:.3f}" in html


def test_step_equations_numbers_come_from_the_trace(cell):
    tr = tiny(cell, seed=2).trace("hello")
    lines = step_equations(tr, 3, 4)
    by = {line.name: line for line in lines}
    assert by["a"].value == pytest.approx(tr.a[3, 4])
    assert f"{tr.a[3, 4]:.3f}".replace("-", "{-}") in by["a"].numeric
    if cell == "lstm":
        assert by["c"].value == pytest.approx(tr.c[3, 4])
        # the numbers printed reproduce c<t>: Γu c~ + Γf c<t-1>
        nums = [
            float(x.replace("{-}", "-")) for x in re.findall(r"\{-\}?[\d.]+|[\d.]+", by["c"].numeric) if x not in ("",)
        ]
        gu, ct, gf, cp, c = [n for n in nums if not n.is_integer() or n == 0][:5]
        assert gu * ct + gf * cp == pytest.approx(c, abs=2e-3)
    assert by["y_hat"].value == pytest.approx(tr.y_hat[3].max())


def test_step_equations_clamp_t_and_use_zero_initial_state():
    tr = tiny("gru").trace("ab")
    lines = step_equations(tr, 99, 0)
    assert lines[-2].value == pytest.approx(tr.a[-1, 0])
    first = {line.name: line for line in step_equations(tr, 0, 0)}
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
    assert np.isnan(nll[2])  # the next character is unknown


# ---------------------------------------------------------------- gradients through time


def test_grad_norms_figure_plots_the_computed_norms_on_a_log_axis():
    ids = tiny("rnn").encode("mary johnson andrew ng" * 10)[1]
    wild = tiny("rnn", n_a=32, seed=1)
    with torch.no_grad():
        wild.rnn.weight_ih_l0.mul_(0.05)
    traces = {
        "rnn": grad_norms(wild, ids, "last", scale=6.0),  # explodes, float32 overflows
        "gru": grad_norms(tiny("gru"), ids, "sum", clip=0.05),  # clipped
        "lstm": grad_norms(tiny("lstm"), ids, "last"),
    }
    d = viz.rnn.grad_norms_figure(traces).to_dict()
    assert [a["text"] for a in d["layout"]["annotations"]] == ["RNN", "GRU", "LSTM"]
    for i, g in enumerate(traces.values(), start=1):
        axis = "x" if i == 1 else f"x{i}"
        mine = [t for t in d["data"] if t["xaxis"] == axis]
        line, finite = mine[0], np.isfinite(g.norms) & (g.norms > 0)
        assert line["mode"] == "lines+markers"
        np.testing.assert_array_equal(arr(line["x"]), g.distance[finite])  # x: T − t
        np.testing.assert_allclose(arr(line["y"]), g.norms[finite], rtol=1e-12)  # y: the norms themselves
        over = [t for t in mine if t["mode"] == "markers+text"]  # overflow marked, not dropped
        assert bool(over) == (not np.isfinite(g.norms).all())
        if over:
            np.testing.assert_array_equal(arr(over[0]["x"]), g.distance[~np.isfinite(g.norms)])
            assert set(over[0]["text"]) <= {"inf", "NaN", ""} and over[0]["text"][0] in ("inf", "NaN")
        rings = [t for t in mine if t.get("name") == "clipped"]  # clipped steps ringed
        assert bool(rings) == bool(g.clipped.any())
        if rings:
            np.testing.assert_array_equal(arr(rings[0]["x"]), g.distance[g.clipped & finite])
    assert not np.isfinite(traces["rnn"].norms).all() and traces["gru"].clipped.any()
    yaxes = [v for k, v in d["layout"].items() if k.startswith("yaxis")]
    assert len(yaxes) == 3 and all(y["type"] == "log" for y in yaxes)
    lo, hi = yaxes[0]["range"]  # log10 range holding every finite norm
    finite = np.concatenate([g.norms[np.isfinite(g.norms)] for g in traces.values()])
    assert 10**lo < finite.min() and finite.max() < 10**hi


def test_jacobian_figure_plots_the_singular_values_and_the_bound():
    m = tiny("rnn", n_a=8)
    ids = m.encode("mary johnson")[1]
    sv = {"rnn": jacobian_spectra(m, ids), "lstm": jacobian_spectra(tiny("lstm", n_a=8), ids)}
    bound = 0.9 ** np.arange(len(ids))[::-1]
    d = viz.rnn.jacobian_figure(sv, bound).to_dict()
    assert d["layout"]["yaxis"]["type"] == "log"
    for trace, s in zip(d["data"], sv.values()):
        np.testing.assert_array_equal(arr(trace["x"]), np.arange(len(s))[::-1])
        np.testing.assert_allclose(arr(trace["y"]), s[:, 0], rtol=1e-12)
    np.testing.assert_allclose(arr(d["data"][-1]["y"]), bound, rtol=1e-12)


# ---------------------------------------------------------------- language models


def test_surprise_strip_escapes_html_and_shades_by_surprise():
    m = tiny("lstm")
    text = HOSTILE + "\nsecond 中 line"
    sc = score(m, text)
    html = viz.rnn.surprise_html(sc)
    assert "<script" not in html and "<b>" not in html
    assert visible(html) == text.replace("\n", "⏎") + "⏎"  # every character, escaped, ⏎ at line ends
    spans = re.findall(r'<span title="([^"]*)" style="background:rgb\(255,(\d+),(\d+)\);([^"]*)">(.*?)</span>', html)
    shown = [(ch, p, k) for ch, p, k in zip(sc.chars, sc.p, sc.known) if ch != "\n"]
    assert len(spans) == len(shown)
    for (title, g, b, style, content), (ch, p, known) in zip(spans, shown):
        assert htmllib.unescape(content).replace("\xa0", " ") == ch
        if known:  # white when expected, red when surprising: −log2 P over 10 bits
            assert int(g) == int(b) == int(255 * (1 - min(-np.log2(p), 10.0) / 10.0)) and title == f"P={p:.3f}"
            assert "dashed" not in style
        else:
            assert int(g) == 255 and title == "unknown" and "outline:2px dashed" in style
    unknown = {ch for ch, k in zip(sc.chars, sc.known) if not k}
    assert unknown == set(text) - set(m.vocab.chars) and "中" in unknown and "<" in unknown


def test_sample_animation_frames_are_the_distributions_of_each_step():
    s = sample(tiny("gru"), 15, temperature=1.5, top_k=4, seed=3)
    d = viz.rnn.sample_animation(s).to_dict()
    assert len(d["frames"]) == len(s.chosen)
    for t, frame in enumerate(d["frames"]):
        raw, adjusted = frame["data"]
        np.testing.assert_allclose(arr(raw["y"]), s.raw[t], atol=ROUNDED[4])  # the model's ŷ<t>
        np.testing.assert_allclose(arr(adjusted["y"]), s.probs[t], atol=ROUNDED[4])  # after temperature, top-k
        colours = adjusted["marker"]["color"]
        assert [i for i, c in enumerate(colours) if c == "#d62728"] == [s.chosen[t]]  # the pick in red
        so_far = "".join(s.vocab[i] for i in s.chosen[: t + 1]).replace("\n", " ⏎ ")[-60:]
        assert visible(frame["layout"]["annotations"][0]["text"]) == so_far + "▌"


# ---------------------------------------------------------------- sentiment


def test_sentiment_figure_bars_are_the_contributions():
    m = tiny_sentiment(3)
    r = read(m, "not happy <b>, not good movie")  # '<', 'b', '>' and ',' are unknown, left out
    d = viz.sentiment.sentiment_figure(r).to_dict()
    words = [w for w, k in zip(r.tokens, r.known) if k]
    avg, lstm, running = d["data"]
    np.testing.assert_allclose(arr(avg["y"]), r.avg_contrib, atol=ROUNDED[3])
    np.testing.assert_allclose(arr(lstm["y"]), r.lstm_contrib, atol=ROUNDED[3])
    np.testing.assert_allclose(arr(running["y"]), r.lstm_running, atol=ROUNDED[3])
    assert d["layout"]["xaxis"]["ticktext"] == words == ["not", "happy", "not", "good", "movie"]
    assert avg["customdata"] == words
    assert [s["y0"] for s in d["layout"]["shapes"]] == pytest.approx([r.p_average, 0.5])
    for t, frame in enumerate(d["frames"]):  # the LSTM's opinion word by word
        np.testing.assert_allclose(arr(frame["data"][0]["y"]), r.lstm_running[: t + 1], atol=ROUNDED[3])


# ---------------------------------------------------------------- translation


def test_attention_heatmap_is_alpha_with_escaped_labels():
    m = tiny_translator()
    tr = m.translate("<b>13</b> june 1989", beam_width=3)
    d = viz.translation.attention_heatmap(tr).to_dict()
    heat = d["data"][0]
    z = arr(heat["z"])
    assert z.shape == tr.alpha.shape == (len(tr.target), len(tr.source))
    np.testing.assert_allclose(z, tr.alpha, atol=ROUNDED[4])  # row t: α<t,t'> over the input
    assert (heat["zmin"], heat["zmax"]) == (0, 1)
    ticks = d["layout"]["xaxis"]["ticktext"]
    assert [visible(x) for x in ticks] == [viz.base.display(c) for c in tr.source]
    assert "<b>" not in "".join(ticks) and "&lt;" in "".join(ticks)
    assert all("<" not in cell.split(" ← ")[1] for row in heat["customdata"] for cell in row)
    assert d["layout"]["yaxis"]["autorange"] == "reversed"  # first output character on top


def test_decoding_animation_frames_follow_the_decoder():
    m = tiny_translator()
    vocab = list(m.tgt_vocab.chars)
    tr = m.translate("13 june 1989", beam_width=1)
    d = viz.translation.decoding_animation(tr, vocab).to_dict()
    assert len(d["frames"]) == len(tr.target)
    for t, frame in enumerate(d["frames"]):
        alpha, context, top5 = frame["data"]
        np.testing.assert_allclose(arr(alpha["y"]), tr.alpha[t], atol=ROUNDED[4])
        np.testing.assert_allclose(arr(context["z"])[0], tr.context[t], atol=ROUNDED[3])
        order = np.argsort(-tr.probs[t])[:5]
        np.testing.assert_allclose(arr(top5["x"]), tr.probs[t][order], atol=ROUNDED[4])
        chosen = [i for i, c in zip(order, top5["marker"]["color"]) if c == "#d62728"]
        assert [vocab[i] for i in chosen] == [tr.target[t]]  # greedy: the top one, in red
    plain = tiny_translator(attention=False).translate("13 june 1989")
    d = viz.translation.decoding_animation(plain, vocab).to_dict()
    assert len(d["frames"][0]["data"]) == 2  # no α without attention
    np.testing.assert_allclose(arr(d["frames"][-1]["data"][0]["z"])[0], plain.context[-1], atol=ROUNDED[3])


def test_length_accuracy_figure_plots_the_stored_rows():
    rows = {
        "with attention": {
            "1-10": {"n": 5, "exact": 1.0},
            "11-15": {"n": 0, "exact": None},
            "16-20": {"n": 9, "exact": 0.875},
        },
        "plain": {"1-10": {"n": 5, "exact": 0.6}, "11-15": {"n": 3, "exact": 0.5}, "16-20": {"n": 9, "exact": 0.25}},
    }
    d = viz.translation.length_accuracy_figure(rows).to_dict()
    att, plain = d["data"]
    assert list(att["x"]) == ["1-10", "16-20"] and list(arr(att["y"])) == [1.0, 0.875]  # empty bins left out
    assert list(plain["x"]) == ["1-10", "11-15", "16-20"] and list(arr(plain["y"])) == [0.6, 0.5, 0.25]
    assert list(arr(plain["customdata"])) == [5, 3, 9]
