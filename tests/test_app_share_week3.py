"""Shareable views (issue #17) of the Attention, Beam search & BLEU, Trigger word and Transformer pages (AppTest):
a link with non-default settings opens the page with those settings and what they show (checked against the
library's own numbers), the page writes them back into the address, and a nonsense link opens the defaults with
the share module's message, never a traceback."""

import pathlib
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
import sacrebleu
from conftest import chart, ticks, watchdog
from streamlit.testing.v1 import AppTest
from test_app import LIMIT, TIMEOUT

import seqviz
from seqviz.core.vocab import display
from seqviz.speech.kind import load_clips
from seqviz.speech.models import chime_times, detect
from seqviz.ui.beam import BLEU_EXAMPLES

ROOT = pathlib.Path(__file__).resolve().parent.parent
BAD = "Parts of this link could not be used"  # the share module's warning (locales/en/app.toml, share.head_bad)


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog)."""
    with watchdog(LIMIT, request.config):
        yield


pytestmark = pytest.mark.usefixtures("app_navigation")  # pages run inside app.py (conftest)


def open_link(page: str, params: dict) -> AppTest:
    """Open `page` from a link carrying `params`, as a new browser tab does: through app.py (which reads the address
    before the page and writes it after). AppTest needs one run before switch_page finds the navigation's pages; that
    run (Home) comes before the link, so the link is the page's own."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = "en"
    at.run()
    at.query_params.update(params)
    at.switch_page(f"pages/{page}")
    return at.run()


def address(at) -> dict:
    """What the page wrote into the address, but the language; the sidebar's link to copy must say the same."""
    written = {k: v for k, v in at.query_params.items() if k != "lang"}
    shown = at.sidebar.code[0].value  # the "Share this view" box
    assert {k: v[0] for k, v in parse_qs(urlsplit(shown).query).items()} == written, shown
    return written


def bad_note(at) -> str:
    """The share module's message on a link's unusable values (it must be there)."""
    notes = [w.value for w in at.warning if BAD in w.value]
    assert len(notes) == 1, [w.value for w in at.warning]
    return notes[0]


def named(key: str) -> str:
    """How the share module's message names a key (bold, Markdown-escaped)."""
    return "**" + key.replace("_", "\\_") + "**"


def answer(at) -> str:
    """The beam search's answer line ("With B = … and α = …: **…**")."""
    return next(m.value for m in at.markdown if m.value.startswith("With B = "))


def frame(at, column: str):
    """The first table on the page with a column named `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def hyp(vocab, tokens) -> str:
    return "".join(display(vocab[i]) for i in tokens)


# ---------------------------------------------------------------- Beam search & BLEU

BEAM = "beam_search_bleu.py"


def test_beam_link_round_trip():
    link = {
        "beam_model": "plain",
        "beam_B": "7",
        "beam_alpha": "0.3",
        "beam_text": "5 March 2001",
        "beam_t": "4",
        "beam_prefix": "19",
        "bleu_example": "zh",
        "bleu_smooth": "none",
    }
    at = open_link(BEAM, link)
    assert not at.exception and not at.warning and not at.error  # no link message, no Streamlit warning box
    sb = at.sidebar
    assert sb.radio(key="beam_model").value == "plain"
    assert sb.slider(key="beam_B").value == 7 and sb.slider(key="beam_alpha").value == pytest.approx(0.3)
    assert at.text_input(key="beam_text").value == "5 March 2001" and at.slider(key="beam_t").value == 4
    assert at.text_input(key="beam_prefix").value == "19"
    assert at.radio(key="bleu_example").value == "zh" and at.selectbox(key="bleu_smooth").value == "none"
    # what the settings show: the model without attention's own beam search, B = 7, α = 0.3, on that date
    m = seqviz.load_pretrained("date-no-attention")
    tr = m.translate("5 March 2001", beam_width=7, length_alpha=0.3)
    assert answer(at).startswith(f"With B = 7 and α = 0.3: **{tr.output}**") and tr.output == "2001-03-05"
    vocab = list(m.tgt_vocab.chars)
    steps = at.dataframe[0].value  # the candidates of step t = 4, as the search ranked them
    assert list(steps.iloc[:, 0]) == [hyp(vocab, h.tokens) for h in tr.search.steps[3].candidates]
    assert all(len(h) == 4 for h in steps.iloc[:, 0])
    final = at.dataframe[1].value
    assert list(final.iloc[:, 1]) == [hyp(vocab, h.tokens) for h in tr.search.finished[:20]] and len(final) > 3
    forced = {d.get("name"): d for d in chart(at, "beam_tree_prefix")["data"]}
    assert "".join(forced["forced prefix"]["text"]) == "19"
    cand, refs, tok = BLEU_EXAMPLES["zh"]
    assert at.text_input(key="bleu_cand").value == cand and at.selectbox(key="bleu_tok").value == tok == "zh"
    ref = sacrebleu.sentence_bleu(cand, refs.split("\n"), tokenize="zh", smooth_method="none")
    assert {x.label: x.value for x in at.metric}["BLEU score"] == f"{ref.score:.2f}"
    assert address(at) == link  # written back: every non-default value, nothing else (the example's texts are its)
    at.sidebar.slider(key="beam_B").set_value(3).run()  # back to the default: it leaves the address
    assert not at.exception and address(at) == {k: v for k, v in link.items() if k != "beam_B"}
    assert answer(at).startswith("With B = 3 and α = 0.3")


def test_beam_nonsense_link_opens_the_defaults_with_a_message():
    link = {
        "beam_B": "99",
        "beam_alpha": "0.75",  # between the slider's stops
        "beam_model": "mine-0123456789abcdef",  # a model of another session
        "beam_text": "x" * 10_000,
        "beam_t": "abc",
        "bleu_tok": "klingon",
        "bleu_cand": "the cat " * 1_000,
        "nonsense": "1",
    }
    at = open_link(BEAM, link)
    assert not at.exception and not at.error
    sb = at.sidebar
    assert sb.radio(key="beam_model").value == "attention"
    assert sb.slider(key="beam_B").value == 3 and sb.slider(key="beam_alpha").value == pytest.approx(0.7)
    assert at.text_input(key="beam_text").value == "Tuesday 13 June 1989" and at.slider(key="beam_t").value == 1
    assert at.selectbox(key="bleu_tok").value == "13a"
    assert at.text_input(key="bleu_cand").value == BLEU_EXAMPLES["course"][0]
    assert answer(at).startswith("With B = 3 and α = 0.7: **1989-06-13**")
    note = bad_note(at)
    for key, why in [
        ("beam_B", "out of range"),
        ("beam_alpha", "not one of the choices"),
        ("beam_model", "not one of the choices"),
        ("beam_text", "too long"),
        ("beam_t", "not a number"),
        ("bleu_tok", "not one of the choices"),
        ("bleu_cand", "too long"),
    ]:
        line = next((ln for ln in note.split("\n") if named(key) in ln), "")
        assert why in line, (key, note)
    assert "nonsense" in note
    assert address(at) == {}  # the defaults: nothing to write


# ---------------------------------------------------------------- Attention

ATT = "attention_model.py"


def test_attention_link_round_trip():
    link = {"mt_text": "3/4/2010\n5 May 1999", "mt_pick": "1"}
    at = open_link(ATT, link)
    assert not at.exception and not at.warning and not at.error  # no link message, no Streamlit warning box
    assert at.selectbox(key="mt_pick").value == 1
    tr = seqviz.load_pretrained("date-attention").translate("5 May 1999")
    assert tr.output == "1999-05-05"
    assert any(f"writes **{tr.output}** (P(ŷ|x) = {tr.p:.3f})" in m.value for m in at.markdown)
    heat = chart(at, "mt_heat")  # the second line's α<t,t'>, not the first's
    assert ticks(heat) == "5␣may␣1999" and ticks(heat, "yaxis") == tr.output + "⏎"
    assert np.allclose(np.asarray(heat["data"][0]["z"], float), tr.alpha, atol=1e-4)
    assert address(at) == link
    at.selectbox(key="mt_pick").set_value(0).run()
    assert not at.exception and address(at) == {"mt_text": link["mt_text"]}
    assert ticks(chart(at, "mt_heat")) == "3/4/2010"


def test_attention_nonsense_link_opens_the_defaults_with_a_message():
    at = open_link(ATT, {"mt_pick": "7", "mt_mine": "mine-0123456789abcdef"})  # the default text has 5 lines
    assert not at.exception and not at.error
    assert at.selectbox(key="mt_pick").value == 0
    assert ticks(chart(at, "mt_heat")) == "tuesday␣13␣june␣1989"
    note = bad_note(at)
    assert named("mt_pick") in note and named("mt_mine") in note and "not one of the choices" in note
    assert address(at) == {}
    at = open_link(ATT, {"mt_pick": "one"})
    assert not at.exception and "not a number" in bad_note(at) and at.selectbox(key="mt_pick").value == 0


# ---------------------------------------------------------------- Trigger word

TRIG = "trigger_word.py"


@pytest.fixture(scope="module")
def shipped():
    """The shipped model and its clips, loaded afresh (not through the page's cache)."""
    return seqviz.load_pretrained("trigger-gru"), *load_clips("trigger-gru")


def test_trigger_link_round_trip(shipped):
    m, clips, info = shipped
    j = next(j for j, c in enumerate(clips) if c.ends() and j != info["default"])  # another clip with "activate"
    link = {"trig_clip": str(j), "trig_threshold": "0.8", "trig_t": "5"}
    at = open_link(TRIG, link)
    assert not at.exception and not at.warning and not at.error  # no link message, no Streamlit warning box
    assert at.selectbox(key="trig_clip").value == j and at.slider(key="trig_threshold").value == pytest.approx(0.8)
    assert at.slider(key="trig_t").value == 5
    det = detect(m, clips[j].audio)
    fig = chart(at, "trig_fig")
    assert np.allclose(fig["data"][2]["y"], det.y_hat, atol=1e-4)  # clip j's ŷ<t>, not the default clip's
    shapes = fig["layout"]["shapes"]
    assert [s["y0"] for s in shapes if s["type"] == "line" and s["y0"] == s["y1"]] == [0.8]
    chimes = sorted({s["x0"] for s in shapes if s["type"] == "line" and s["x0"] == s["x1"]})
    assert chimes == pytest.approx(chime_times(det.y_hat, det.times, 0.8))
    boxes = [a["text"] for a in chart(at, "trig_diagram")["layout"]["annotations"] if a.get("text")]
    assert any("x<sup>&lt;17…31&gt;</sup>" in b for b in boxes)  # step 5 reads frames 17 … 31 (stride 4, kernel 15)
    assert address(at) == link
    at.slider(key="trig_threshold").set_value(0.5).run()
    assert not at.exception and address(at) == {"trig_clip": str(j), "trig_t": "5"}


def test_trigger_nonsense_link_opens_the_defaults_with_a_message(shipped):
    m, clips, info = shipped
    link = {
        "trig_threshold": "0.07",
        "trig_clip": "999",
        "trig_t": "-3",
        "trig_source": "microphone",
        "trig_model": "mine-0123456789abcdef",
    }
    at = open_link(TRIG, link)
    assert not at.exception and not at.error
    assert at.selectbox(key="trig_clip").value == info["default"] and at.radio(key="trig_source").value == "clip"
    assert at.slider(key="trig_threshold").value == 0.5
    det = detect(m, clips[info["default"]].audio)
    assert at.slider(key="trig_t").value == int(np.flatnonzero(det.y_hat >= 0.5)[0]) + 1  # the default step
    note = bad_note(at)
    assert all(named(k) in note for k in link) and "out of range" in note and "not one of the choices" in note
    assert address(at) == {}


# ---------------------------------------------------------------- Transformer

TF = "transformer.py"


def test_transformer_link_round_trip():
    text = "5 March 2001"
    link = {
        "tf_text": text,
        "tf_layer": "0",
        "tf_q_layer": "0",
        "tf_q_head": "1",
        "tf_q_which": "self",
        "tf_q_t": "3",
        "tf_B": "5",
        "tf_alpha": "0.2",
    }
    at = open_link(TF, link)
    assert not at.exception and not at.warning and not at.error  # no link message, no Streamlit warning box
    assert at.text_input(key="tf_text").value == text and at.radio(key="tf_layer").value == 0
    assert at.selectbox(key="tf_q_layer").value == 0 and at.selectbox(key="tf_q_head").value == 1
    assert at.radio(key="tf_q_which").value == "self" and at.select_slider(key="tf_q_t").value == 3
    assert at.slider(key="tf_B").value == 5 and at.slider(key="tf_alpha").value == pytest.approx(0.2)
    tf = seqviz.load_pretrained("date-transformer")
    tr = tf.translate(text)
    heads = np.stack([np.asarray(d["z"], float) for d in chart(at, "tf_heads_cross")["data"] if "z" in d])
    assert np.allclose(heads, tr.attentions["cross"][0], atol=1e-4)  # layer 1's heads, not the last layer's
    q = tf.query_step(text, tr.output, 0, 1, 3, which="self")
    assert np.allclose(np.asarray(chart(at, "tf_query")["data"][0]["y"], float), q["weights"], atol=1e-4)
    assert np.allclose(q["weights"], tr.attentions["decoder"][0, 1, 3], atol=1e-4)
    b = tf.translate(text, beam_width=5, length_alpha=0.2)
    assert answer(at).startswith(f"With B = 5 and α = 0.2: **{b.output}**")
    final = frame(at, "Normalised score")
    assert np.allclose(final["Normalised score"].to_numpy(float), [h.score for h in b.search.finished[:10]], atol=1e-4)
    assert address(at) == link
    at.radio(key="tf_q_which").set_value("cross").run()
    assert not at.exception and address(at) == {k: v for k, v in link.items() if k != "tf_q_which"}


def test_transformer_nonsense_link_opens_the_defaults_with_a_message():
    link = {"tf_layer": "9", "tf_q_head": "x", "tf_B": "0", "tf_text": "1" * 10_000, "tf_q_t": "500", "tf_alpha": "nan"}
    at = open_link(TF, link)
    assert not at.exception and not at.error
    tf = seqviz.load_pretrained("date-transformer")
    L = tf.config.n_layers
    assert at.text_input(key="tf_text").value == "Tuesday 13 June 1989" and at.radio(key="tf_layer").value == L - 1
    assert at.selectbox(key="tf_q_head").value == 0 and at.select_slider(key="tf_q_t").value == 0
    assert at.slider(key="tf_B").value == 3 and at.slider(key="tf_alpha").value == pytest.approx(0.7)
    assert answer(at).startswith("With B = 3 and α = 0.7: **1989-06-13**")
    note = bad_note(at)
    assert all(named(k) in note for k in link) and "too long" in note and "not a number" in note
    assert address(at) == {}
