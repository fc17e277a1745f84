"""AppTest of the language-model page's prompt and top-p: what the page shows (the prompt read, then what the model
wrote after it), the messages on prompts it cannot read as typed, and links that restore the view."""

import html
import re

import numpy as np
import pytest
from conftest import chart, open_link, watchdog
from test_app import run_page

from seqviz.core.checkpoint import load_pretrained
from seqviz.rnn.lm import sample
from seqviz.ui.i18n import translate

PAGE = "language_model.py"


@pytest.fixture(autouse=True)
def _bounded(request):
    with watchdog(300, request.config):
        yield


def written(at) -> tuple[str, str]:
    """(prompt, continuation) as the page shows them: the grey spans, then the bold part, unescaped."""
    block = next(m.value for m in at.markdown if "white-space:pre-wrap" in m.value)
    prompt = "".join(
        re.findall(r'<span title="P = [0-9.]+" style="background:#e5e7eb;color:#4b5563">(.*?)</span>', block)
    )
    bold = re.search(r'<b style="color:#111">(.*)</b>', block).group(1)
    unescape = lambda s: html.unescape(re.sub(r'<span style="color:#999">⏎(</span><br>| </span>)', "\n", s))
    return unescape(prompt), unescape(bold)


def test_the_first_screen_continues_a_prompt():
    at = run_page(PAGE)
    assert not at.exception and not at.error and not at.warning
    assert at.text_area(key="lm_prompt").value == "john "
    prompt, cont = written(at)
    s = sample(load_pretrained("names-lstm"), 120, 1.0, None, 0, prompt="john ")
    assert prompt == "john " and cont == s.text  # the model's own continuation, drawn apart from the prompt
    assert at.code[0].value.startswith("john ") and at.code[0].value.split("\n")[0] == s.lines()[0]
    assert len(chart(at, "sample_fig")["frames"]) == 120  # the animation: the 120 sampled steps
    diagram = chart(at, "boundary_fig")  # one-to-many picture around the end of the prompt
    boxes = " ".join(a["text"] for a in diagram["layout"]["annotations"])
    assert "q = " in boxes and "ŷ<sup>&lt;6&gt;</sup>" in boxes  # step 6: the first sampled character
    assert any("Grey: your prompt as the model read it (5 characters" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "corpus,typed,needle,read",
    [
        (
            "wiki",
            "The 中文😀 history of ",
            "never saw 3 character(s) of your prompt: '中', '文', '😀'",
            "The  history of ",
        ),
        ("python", "<b>x</b> = 中", "never saw 1 character(s) of your prompt: '中'", "<b>x</b> = "),
        ("names", "中文", "never saw 2 character(s)", ""),
    ],
)
def test_unknown_prompt_characters_are_named_skipped_and_shown_escaped(corpus, typed, needle, read):
    at = run_page(PAGE, lm_corpus=corpus, lm_prompt=typed)
    assert not at.exception and not at.error
    assert any(needle in w.value and "They are skipped" in w.value for w in at.warning), [w.value for w in at.warning]
    prompt, _ = written(at)
    assert prompt == read
    block = next(m.value for m in at.markdown if "white-space:pre-wrap" in m.value)
    assert "<b>" not in block and ("&lt;" in block) == (corpus == "python")  # shown escaped, one span a character
    if not read:  # nothing left to read: sampled from nothing, and said so
        assert any("starts from nothing" in i.value for i in at.info)
        assert "boundary_fig" not in [c.key for c in at.get("plotly_chart")]


def test_capitals_are_read_in_the_case_the_model_knows_and_a_long_prompt_is_cut():
    at = run_page(PAGE, lm_prompt="The history of ")  # the names model knows lower case only
    assert not at.exception and any("T → t" in i.value for i in at.info)
    assert written(at)[0] == "the history of "
    at = run_page(PAGE, lm_corpus="wiki", lm_prompt="word " * 60)
    assert any("has 300 characters" in w.value and "only the last 200" in w.value for w in at.warning)
    assert written(at)[0] == ("word " * 60)[-200:]
    at = run_page(PAGE, lm_prompt="anna\nbo")  # a line model: only the last line leads on
    assert any("only the prompt's last line" in c.value for c in at.caption)


def test_top_p_cuts_what_the_model_may_draw_and_the_figure_shows_it():
    at = run_page(PAGE, lm_topp=0.5, lm_len=60)
    assert not at.exception and not at.error
    assert at.sidebar.slider(key="lm_topp").value == 0.5
    fig = chart(at, "sample_fig")
    assert fig["data"][1]["name"] == "after temperature / top-k / top-p"
    kept = [int(np.sum(np.asarray(f["data"][1]["y"], float) > 0)) for f in fig["frames"]]
    assert max(kept) < 28 and min(kept) >= 1  # at every step only the nucleus survives
    (note,) = [c.value for c in at.caption if "survive temperature" in c.value]
    assert f"On average {np.mean(kept):.1f} of the 28 characters" in note
    s = sample(load_pretrained("names-lstm"), 60, 1.0, None, 0, top_p=0.5, prompt="john ")
    assert written(at)[1] == s.text


def test_the_suggested_prompt_follows_the_training_text_until_it_is_edited():
    at = run_page(PAGE)
    at.sidebar.radio(key="lm_corpus").set_value("wiki").run()
    assert at.text_area(key="lm_prompt").value == "The history of " and written(at)[0] == "The history of "
    assert at.code[0].value.startswith("The history of ")
    at.sidebar.radio(key="lm_corpus").set_value("python").run()
    assert at.text_area(key="lm_prompt").value == "def " and at.code[0].value.startswith("def ")
    at.text_area(key="lm_prompt").set_value("import ").run()
    at.sidebar.radio(key="lm_corpus").set_value("wiki").run()  # a prompt the student typed stays
    assert not at.exception and at.text_area(key="lm_prompt").value == "import "
    at.text_area(key="lm_prompt").set_value("").run()  # empty: sampling from nothing, as before
    assert not at.exception and written(at)[0] == "" and "boundary_fig" not in [c.key for c in at.get("plotly_chart")]


def test_a_link_restores_the_whole_view(app_navigation):
    view = dict(lm_corpus="python", lm_prompt="import ", lm_temp="0.7", lm_topk="10", lm_topp="0.9", lm_len="80")
    at = open_link(f"pages/{PAGE}", **view, lm_seed="3")
    assert not at.exception and not at.error and not at.warning
    sb = at.sidebar
    assert sb.radio(key="lm_corpus").value == "python" and at.text_area(key="lm_prompt").value == "import "
    assert (sb.slider(key="lm_temp").value, sb.slider(key="lm_topk").value, sb.slider(key="lm_topp").value) == (
        0.7,
        10,
        0.9,
    )
    assert sb.slider(key="lm_len").value == 80 and at.session_state["lm_seed"] == 3
    s = sample(load_pretrained("python-lstm"), 80, 0.7, 10, 3, top_p=0.9, prompt="import ")
    assert written(at) == ("import ", s.text)  # the very sample the link's sender saw
    assert at.query_params == {**view, "lm_seed": "3"}  # and the page writes the same view back
    at = open_link(f"pages/{PAGE}", lm_cell="gru", lm_prompt="ann")
    assert not at.exception and at.sidebar.radio(key="lm_cell").value == "gru" and written(at)[0] == "ann"
    assert at.query_params == {"lm_cell": "gru", "lm_prompt": "ann"}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_bad_link_opens_the_defaults_with_a_message(lang, app_navigation):
    at = open_link(f"pages/{PAGE}", lang=lang, lm_topp="7", lm_corpus="yours", lm_prompt="x" * 5000)
    assert not at.exception and not at.error
    assert at.sidebar.slider(key="lm_topp").value == 1.0 and at.text_area(key="lm_prompt").value == "john "
    (warning,) = [w for w in at.warning if translate("share.head_bad", lang) in w.value]
    assert translate("share.why.range", lang) in warning.value and "1,000" in warning.value  # the prompt's limit
    assert translate("share.why.long", lang).split("{")[0] in warning.value and "yours" in warning.value
    assert at.text_area(key="lm_prompt").label == translate("lm.prompt", lang)
