"""The "Transformer" page (AppTest): what it shows is the library's own numbers. The Transformer's answer and its
cross-attention beside the RNN's α<t,t'>, every head of a layer, the positional encodings, one query's weights,
beam search and the held-out numbers of the checkpoints' JSON; bad input gets a message, never a traceback."""

import json

import numpy as np
import pytest
from conftest import chart, pretrained_without, ticks, watchdog
from test_app import LIMIT, run_page

import seqviz
from seqviz.core import checkpoint
from seqviz.core.vocab import display
from seqviz.transformer.layers import positional_encoding

PAGE = "transformer.py"
DEFAULT = "Tuesday 13 June 1989"


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog)."""
    with watchdog(LIMIT, request.config):
        yield


@pytest.fixture(scope="module")
def tf():
    """The shipped Transformer, loaded afresh (not through the page's cache)."""
    return seqviz.load_pretrained("date-transformer")


def _z(fig: dict, i: int = 0) -> np.ndarray:
    return np.asarray(fig["data"][i]["z"], float)


def _frame(at, column: str):
    """The first table on the page with a column named `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def test_first_screen_the_transformer_translates_and_attends_like_the_rnn(tf):
    at = run_page(PAGE)
    assert not at.exception and not at.error and not at.warning
    assert at.text_input(key="tf_text").value == DEFAULT
    tr = tf.translate(DEFAULT)
    rnn = seqviz.load_pretrained("date-attention").translate(DEFAULT)
    assert tr.output == rnn.output == "1989-06-13"  # the phenomenon: both get the course's date right
    shown = " ".join(m.value for m in at.markdown)
    assert f"**Transformer** writes **{tr.output}** · P(ŷ|x) = {tr.p:.3f}" in shown
    assert f"**RNN with attention** writes **{rnn.output}** · P(ŷ|x) = {rnn.p:.3f}" in shown
    assert "Both write **1989-06-13**" in shown
    heat, heat_rnn = chart(at, "tf_heat"), chart(at, "tf_heat_rnn")
    for fig, t in ((heat, tr), (heat_rnn, rnn)):
        assert ticks(fig) == "tuesday␣13␣june␣1989" and ticks(fig, "yaxis") == "1989-06-13⏎"
        z = _z(fig)
        assert z.shape == t.alpha.shape == (11, 20)
        assert np.allclose(z, t.alpha, atol=1e-4)  # the figure is the model's own weights
        assert np.allclose(z.sum(axis=1), 1, atol=1e-3)  # every output step's weights sum to 1
    assert np.allclose(tr.alpha, tr.attentions["cross"][-1].mean(0), atol=1e-6)  # last layer, mean over heads
    both = [_z(heat).argmax(1), _z(heat_rnn).argmax(1)]
    for looks in both:  # where each output character looks, in the Transformer and in the RNN
        assert set(looks[0:4]) <= set(range(16, 20))  # 1989 <- "1989"
        assert looks[6] in range(11, 15)  # the 6 of 06 <- "june" (its 0 is the same for nine months)
        assert set(looks[8:10]) <= {8, 9}  # 13 <- "13"
    assert any("every row adds up to 1" in c.value for c in at.caption)
    sharp = f"{tr.alpha.max(1).mean():.2f} on average in the Transformer and {rnn.alpha.max(1).mean():.2f} in the RNN"
    assert any(sharp in c.value for c in at.caption)  # how spread out each map is, computed, not claimed


def test_every_head_is_the_models_own_and_the_mask_blocks_the_future(tf):
    at = run_page(PAGE)
    tr = tf.translate(DEFAULT)
    L, h = tf.config.n_layers, tf.config.h
    assert at.radio(key="tf_layer").value == L - 1  # opens on the last layer, the one averaged above
    for layer in (L - 1, 0):
        if layer != L - 1:
            at.radio(key="tf_layer").set_value(layer).run()
            assert not at.exception
        for which in ("cross", "encoder", "decoder"):
            fig = chart(at, f"tf_heads_{which}")
            assert len(fig["data"]) == h
            for i in range(h):
                assert np.allclose(_z(fig, i), tr.attentions[which][layer, i], atol=1e-4), (which, layer, i)
                assert np.allclose(_z(fig, i).sum(axis=1), 1, atol=1e-3)
    dec = chart(at, "tf_heads_decoder")
    for i in range(h):
        z = _z(dec, i)
        assert z.shape == (11, 11) and (z[np.triu_indices(11, 1)] == 0).all()  # the look-ahead mask: exactly 0
        assert z[0, 0] == 1  # writing ŷ<1>, the decoder may look at the start ⏎ only
    assert len(dec["layout"]["shapes"]) == h  # the blocked triangle is greyed in every head
    assert len(chart(at, "tf_heads_cross")["layout"].get("shapes", [])) == 0
    assert ticks(dec, "xaxis") == "⏎1989-06-13" and ticks(dec, "yaxis") == "1989-06-13⏎"


def test_positional_encoding_is_the_formula(tf):
    at = run_page(PAGE)
    pe = _z(chart(at, "tf_pe"))
    d = tf.config.d_model
    assert pe.shape == (20, d)
    assert np.allclose(pe, positional_encoding(20, d).numpy(), atol=1e-4)
    pos, i = np.arange(20)[:, None], np.arange(0, d, 2)[None]
    assert np.allclose(pe[:, 0::2], np.sin(pos / 10000 ** (i / d)), atol=1e-4)  # PE(pos, 2i) = sin(...)
    assert np.allclose(pe[:, 1::2], np.cos(pos / 10000 ** (i / d)), atol=1e-4)  # PE(pos, 2i+1) = cos(...)
    curves = chart(at, "tf_pe_curves")["data"]
    full = tf.PE.numpy()
    for line, j in zip(curves, (0, 10, 20, 30)):
        assert np.allclose(np.asarray(line["y"], float), full[:, j], atol=1e-4)
    assert len(at.latex) >= 3


@pytest.mark.parametrize("which,layer,head,t", [("cross", 1, 0, 0), ("cross", 0, 3, 5), ("self", 1, 2, 4)])
def test_one_query_by_the_numbers(tf, which, layer, head, t):
    at = run_page(PAGE, tf_q_which=which, tf_q_layer=layer, tf_q_head=head, tf_q_t=t)
    assert not at.exception and not at.error
    tr = tf.translate(DEFAULT)
    q = tf.query_step(DEFAULT, tr.output, layer, head, t, which=which)
    table = _frame(at, "softmax weight")
    w = table["softmax weight"].to_numpy(float)
    assert list(table["key character"]) == [display(k) for k in q["keys"]]
    assert np.allclose(w, q["weights"], atol=1e-4) and abs(w.sum() - 1) < 1e-3
    assert np.allclose(np.asarray(chart(at, "tf_query")["data"][0]["y"], float), q["weights"], atol=1e-4)
    full = tr.attentions["cross" if which == "cross" else "decoder"][layer, head, t]
    assert np.allclose(q["weights"], full, atol=1e-4)  # the step's numbers are the layer's own weights
    scores = list(table["score q·k / √d_k"])
    if which == "self":  # keys after step t are blocked
        assert scores[t + 1 :] == ["−∞"] * (len(scores) - t - 1) and (w[t + 1 :] == 0).all()
        assert "−∞" not in scores[: t + 1]
    else:
        s = np.asarray(q["scores"], float)
        assert np.allclose([float(x) for x in scores], s, atol=1e-3)
        assert np.allclose(s, q["K"] @ q["q"] / np.sqrt(len(q["q"])), atol=1e-4)  # q·k / √d_k
    vectors = _frame(at, "16")
    assert list(vectors.iloc[:, 0]) == ["q", "Σ w v"]
    assert np.allclose(vectors.iloc[0, 1:].to_numpy(float), q["q"], atol=1e-3)
    assert np.allclose(vectors.iloc[1, 1:].to_numpy(float), q["weights"] @ q["V"], atol=1e-3)


@pytest.mark.parametrize("B", [1, 10])
def test_beam_search_with_the_transformer(tf, B):
    at = run_page(PAGE, tf_B=B, tf_alpha=0.7)
    assert not at.exception
    tr = tf.translate(DEFAULT, beam_width=B, length_alpha=0.7)
    assert any(f"With B = {B} and α = 0.7: **{tr.output}**" in m.value for m in at.markdown)
    final = _frame(at, "Normalised score")
    assert list(final.iloc[:, 1]) == [
        "".join("⏎" if tf.tgt_vocab.chars[i] == "\n" else tf.tgt_vocab.chars[i] for i in h.tokens)
        for h in tr.search.finished[:10]
    ]
    assert np.allclose(final["Normalised score"].to_numpy(float), [h.score for h in tr.search.finished[:10]], atol=1e-4)
    lp = final["log P(y<1..t>|x)"].to_numpy(float)
    assert np.allclose(lp, [h.log_prob for h in tr.search.finished[:10]], atol=1e-4)
    assert sorted(final["Rank by log P"]) == list(range(1, len(final) + 1))
    assert final["Rank by log P"].iloc[int(np.argmax(lp))] == 1
    assert len(final) == (1 if B == 1 else len(tr.search.finished[:10])) and final.iloc[0, 1] == "1989-06-13⏎"
    chart(at, "tf_beam_tree")


def _json(name: str) -> dict:
    return json.loads((checkpoint.PRETRAINED_DIR / f"{name}.json").read_text(encoding="utf-8"))


def test_held_out_numbers_are_the_checkpoints_own():
    at = run_page(PAGE)
    rows = _frame(at, "Exact match (B = 10)")
    assert list(rows["Model"]) == ["Transformer", "RNN with attention", "RNN without attention"]
    for (_, row), name in zip(rows.iterrows(), ("date-transformer", "date-attention", "date-no-attention")):
        m, mm = seqviz.load_pretrained(name), _json(name)["metrics"]
        assert row["Exact match (greedy)"] == f"{100 * mm['exact_greedy']:.2f}%"
        assert row["Exact match (B = 10)"] == f"{100 * mm['exact_beam10']:.2f}%"
        assert row["Characters right"] == f"{100 * mm['char_accuracy_greedy']:.2f}%"
        assert row["Test dates"] == mm["n_test"]
        assert row["Parameters"] == f"{sum(p.numel() for p in m.parameters()):,}"
        assert row["Training (s)"] == f"{_json(name)['training']['seconds']:,.0f}"
    lines = chart(at, "tf_len")["data"]
    assert [d["name"] for d in lines] == ["Transformer", "RNN with attention", "RNN without attention"]
    by_len = _json("date-transformer")["metrics"]["by_length"]
    assert list(lines[0]["x"]) == list(by_len) and np.allclose(lines[0]["y"], [v["exact"] for v in by_len.values()])
    chars = _frame(at, "Held-out perplexity")
    names = [n for n in ("names-rnn", "names-gru", "names-lstm", "names-transformer") if _exists(n)]
    assert list(chars["Model"]) == names and len(names) >= 3
    for (_, row), name in zip(chars.iterrows(), names):
        mm = _json(name)["metrics"]
        assert row["Held-out perplexity"] == round(mm["val_perplexity"], 3)
        assert row["Held-out loss (nats per character)"] == round(mm["val_loss_nats_per_char"], 4)
        params = sum(p.numel() for p in seqviz.load_pretrained(name).parameters())
        assert row["Parameters"] == f"{params:,}"
    scan = _json("date-transformer")["metrics"]["scan"]
    wrong = _frame(at, "Transformer, greedy")  # the Transformer's recorded mistakes, the RNN's answer beside
    assert list(wrong["Input"]) == [e["human"] for e in scan["examples"][:8]]
    assert list(wrong["Transformer, greedy"]) == [e["greedy"] for e in scan["examples"][:8]]
    assert (wrong["Transformer, greedy"] != wrong["Right answer"]).all()
    rnn = seqviz.load_pretrained("date-attention")
    assert list(wrong["RNN with attention"]) == [rnn.translate(e["human"]).output for e in scan["examples"][:8]]
    assert any(f"gets {scan['greedy_wrong']:,} wrong" in c.value for c in at.caption)
    caption = next(c.value for c in at.caption if "held-out dates (days" in c.value)
    assert f"Transformer {100 * _json('date-transformer')['metrics']['exact_greedy']:.2f}%" in caption


def _exists(name: str) -> bool:
    return (checkpoint.PRETRAINED_DIR / f"{name}.json").exists()


@pytest.mark.parametrize(
    "text,kind,needle",
    [
        ("", "info", "Type a date"),
        ("   ", "info", "Type a date"),
        ("hello world", "warning", "has no digit"),
        ("😀 <b>13</b> june 1989 <script>alert(1)</script>", "warning", "never saw"),
        ("今天是个好日子 2024", "warning", "never saw"),
        ("tuesday 13 june 1989 and then a very long tail of words", "info", "Cut to the first 40"),
    ],
)
def test_odd_input_gets_a_message(tf, text, kind, needle):
    at = run_page(PAGE, tf_text=text)
    assert not at.exception and not at.error
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]
    keys = [c.key for c in at.get("plotly_chart")]
    if text.strip():  # still translated (a guess) and drawn, row sums included
        assert {"tf_heat", "tf_heads_decoder", "tf_pe", "tf_query"} <= set(keys)
        z = _z(chart(at, "tf_heat"))
        assert np.allclose(z.sum(axis=1), 1, atol=1e-3)
        assert z.shape == tf.translate(text).alpha.shape and z.shape[1] == len(tf.read_source(text)[0]) <= 40
    else:  # nothing to translate: only the held-out numbers
        assert keys == ["tf_len"]
    assert not any("<script>" in m.value for m in at.markdown)


def test_the_page_in_chinese():
    at = run_page(PAGE, "zh")
    assert not at.exception and not at.error
    assert at.title[0].value == "Transformer：不用循环的注意力"
    heads = " ".join(h.value for h in at.header)
    assert "位置编码" in heads and "集束搜索" in heads
    sub = " ".join(s.value for s in at.subheader)
    assert "掩码自注意力" in sub and "编码器自注意力" in sub and "交叉注意力" in sub
    assert any("两者都写出 **1989-06-13**" in m.value for m in at.markdown)
    assert chart(at, "tf_heads_cross")["layout"]["annotations"][0]["text"] == "头 1"


@pytest.mark.parametrize(
    "missing,kind,needle",
    [
        ("date-transformer", "error", "Could not load the model"),
        ("date-attention", "warning", "left out of the comparison"),
    ],
)
def test_missing_checkpoint_gets_a_message(tmp_path, monkeypatch, missing, kind, needle):
    with pretrained_without(missing, tmp_path, monkeypatch):
        at = run_page(PAGE)
        assert not at.exception
        assert any(needle in m.value and "seqviz.training.build" in m.value for m in getattr(at, kind))
        if missing == "date-attention":  # the Transformer's side still stands
            assert "tf_heat" in [c.key for c in at.get("plotly_chart")]
            assert "tf_heat_rnn" not in [c.key for c in at.get("plotly_chart")]


def test_the_pages_figures_are_valid_plotly(tf):
    """The figures built unchecked (viz.base.figure) come out the same when plotly checks every property."""
    from test_figures_checked import HOSTILE, assert_valid

    from seqviz import viz

    tr = tf.translate(HOSTILE)
    for which, causal in (("cross", False), ("encoder", False), ("decoder", True)):
        w = tr.attentions[which][0]
        q = tr.source if which == "encoder" else tr.target
        k = tr.target if which == "decoder" else tr.source
        d = assert_valid(viz.transformer.heads_figure(w, q, k, causal=causal))
        assert len(d["data"]) == tf.config.h and len(d["layout"].get("shapes", [])) == (tf.config.h if causal else 0)
    emb = tf.embed_source(HOSTILE)
    assert_valid(viz.transformer.pe_figure(emb["pe"], emb["tokens"]))
    assert_valid(viz.transformer.pe_curves(tf.PE.numpy(), [0, 1, 8, 16], marked=len(emb["tokens"])))
    step = tf.query_step(HOSTILE, tr.output, 0, 0, 2, which="self")  # step 3: the keys after it are blocked
    d = assert_valid(viz.transformer.query_figure(step["keys"], step["weights"], step["scores"]))
    marks = d["data"][0]["text"]
    assert len(marks) == len(tr.target) > 4 and "✕" not in marks[:3] and set(marks[3:]) == {"✕"}


def test_a_transformer_trained_in_this_session_takes_the_shipped_ones_place(tf):
    """The Train page sends a finished Transformer translator here: the page opens on it (⭐ in the sidebar), and
    every figure and table is that model's; the shipped one comes back when chosen."""
    import torch
    from conftest import my_model

    from seqviz.translation.transformer import DateTransformer, TransformerConfig

    torch.manual_seed(3)
    cfg = TransformerConfig(d_model=16, h=2, n_layers=1, d_ff=32, src_chars=tf.config.src_chars, max_tgt=12)
    mid, m = my_model(DateTransformer(cfg).eval(), "tiny-tf")
    at = run_page(PAGE, my_models={mid: m}, my_models_new=mid, tf_q_layer=1, tf_q_head=3)  # not in the tiny one
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="tf_mine").value == mid
    tr = m.model.translate(DEFAULT)
    heat = _z(chart(at, "tf_heat"))
    assert np.allclose(heat, tr.alpha, atol=1e-4) and np.allclose(heat.sum(axis=1), 1, atol=1e-3)
    heads = chart(at, "tf_heads_cross")
    assert len(heads["data"]) == 2 and np.allclose(_z(heads, 1), tr.attentions["cross"][0, 1], atol=1e-4)
    assert _z(chart(at, "tf_pe")).shape[1] == 16
    rows = _frame(at, "Exact match (B = 10)")
    assert rows.iloc[0, 0].startswith("Transformer · ⭐ tiny-tf") and rows.iloc[0, 1] == "—"
    assert rows.iloc[0]["Parameters"] == f"{sum(p.numel() for p in m.model.parameters()):,}"
    at.sidebar.radio(key="tf_mine").set_value("shipped").run()
    assert not at.exception
    assert np.allclose(_z(chart(at, "tf_heat")), tf.translate(DEFAULT).alpha, atol=1e-4)
