"""AppTests of the translation pages: Attention, and Beam search & BLEU, in English and 中文, with odd input."""

import re

import numpy as np
import pytest
import sacrebleu
from conftest import chart, pretrained_without, ticks, watchdog
from test_app import LIMIT, run_page

ATT, BEAM = "attention_model.py", "beam_search_bleu.py"


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog); the slowest takes about 20 s."""
    with watchdog(LIMIT, request.config):
        yield


def frame(at, column: str):
    """The first table on the page with a column named `column`."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def written(fig: dict, frame: int = -1) -> str:
    """What a decoding figure shows as written so far ("ŷ = …") at one of its frames."""
    import re

    text = fig["frames"][frame]["layout"]["annotations"][-1]["text"]
    return re.sub(r"<[^>]+>|▌", "", text).split("= ", 1)[1]


def test_attention_page_translates_the_default_dates():
    at = run_page(ATT)
    assert not at.exception and not at.error and not at.warning
    table = at.dataframe[0].value
    assert list(table.iloc[:, 1])[:3] == ["1989-06-13"] * 3
    assert list(table.iloc[:, 1])[4] == "2025-12-24"
    assert table.iloc[:, -1].str.startswith("✓").all()  # every default line checked
    assert table.shape[1] == 6  # both models side by side
    assert any("writes **1989-06-13**" in m.value for m in at.markdown)
    heat = chart(at, "mt_heat")  # α<t,t'> of the first line
    assert ticks(heat) == "tuesday␣13␣june␣1989" and ticks(heat, "yaxis") == "1989-06-13⏎"
    alpha = np.asarray(heat["data"][0]["z"], float)
    assert alpha.shape == (11, 20) and (alpha >= 0).all()
    assert np.allclose(alpha.sum(axis=1), 1, atol=1e-3)  # each output step's weights sum to 1
    looks = alpha.argmax(axis=1)  # where each output character looks
    assert set(looks[0:4]) <= set(range(16, 20))  # 1989 <- "1989"
    assert set(looks[5:7]) <= set(range(11, 15))  # 06 <- "june"
    assert set(looks[8:10]) <= {8, 9}  # 13 <- "13"
    steps = chart(at, "mt_steps_attention")  # the same decoding, one frame per output
    assert len(steps["frames"]) == 11 and written(steps, 0) == "1" and written(steps) == "1989-06-13⏎"
    for t, frame in enumerate(steps["frames"]):  # its bars are the heatmap's rows
        bars = next(d for d in frame["data"] if d.get("type") == "bar")
        assert np.allclose(np.asarray(bars["y"], float), alpha[t], atol=1e-3)
    assert written(chart(at, "mt_steps_plain")) == table.iloc[0, 3] + "⏎"  # without attention: its own output
    for key in ("mt_len", "mt_curve"):  # accuracies of both models
        fig = chart(at, key)
        assert [d["name"] for d in fig["data"]] == ["with attention", "without attention"]
        assert all(0 <= y <= 1 for d in fig["data"] for y in d["y"] if y is not None)
    assert len(at.latex) == 4
    assert any("With attention" in c.value and "held-out" in c.value for c in at.sidebar.caption)
    models = at.dataframe[1].value
    assert list(models.iloc[:, 0]) == ["with attention", "without attention"]


def test_attention_page_in_chinese():
    at = run_page(ATT, "zh")
    assert not at.exception and not at.error
    assert at.title[0].value == "带注意力的机器翻译"
    table = at.dataframe[0].value
    assert table.iloc[0, 0] == "1989年6月13日星期二" and table.iloc[0, 1] == "1989-06-13"
    assert table.iloc[2, 1] == "2024-02-29"  # a leap day
    assert any("注意力权重" in h.value for h in at.header)


def test_attention_page_follows_the_picked_line():
    at = run_page(ATT)
    at.selectbox(key="mt_pick").set_value(1).run()
    assert not at.exception
    assert any("reads **1989年6月13日星期二**" in m.value for m in at.markdown)


@pytest.mark.parametrize(
    "text,kind,needle",
    [
        ("", "info", "Type some text"),
        ("  \n \n", "info", "Type some text"),
        ("hello world", "warning", "has no digit"),
        ("😀 <b>13</b> june 1989 <script>alert(1)</script>", "warning", "never saw"),
        ("今天是个好日子 2024", "warning", "never saw"),
        ("x" * 5000, "warning", "only the first 2,000"),
        ("tuesday 13 june 1989 and then a very long tail of words", "info", "Cut to the first 40"),
        ("\n".join(["13.06.89"] * 150), "warning", "only the first 100"),
        ("[link](http://x) $x^2$ 1/1/11", "warning", "never saw"),
    ],
)
def test_attention_page_odd_input_gets_a_message(text, kind, needle):
    at = run_page(ATT, mt_text=text)
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_attention_page_non_date_still_gets_an_output():
    at = run_page(ATT, mt_text="hello world")
    assert not at.exception
    out = at.dataframe[0].value.iloc[0, 1]
    assert len(out) >= 8 and set(out) <= set("0123456789-")
    assert at.dataframe[0].value.iloc[0, -1].startswith("—")  # not a training format
    heat = chart(at, "mt_heat")
    assert ticks(heat) == "hello␣world" and ticks(heat, "yaxis") == out + "⏎"  # the guess, read as attention
    assert np.allclose(np.asarray(heat["data"][0]["z"], float).sum(axis=1), 1, atol=1e-3)


def test_beam_page_default_view():
    at = run_page(BEAM)
    assert not at.exception and not at.error
    assert any("**1989-06-13**" in m.value and "B = 3" in m.value for m in at.markdown)
    tree = {d.get("name"): d for d in chart(at, "beam_tree")["data"]}  # the search tree of "Tuesday 13 June 1989"
    best = [
        c
        for x, y, c in sorted(
            zip(tree["kept in the beam"]["x"], tree["kept in the beam"]["y"], tree["kept in the beam"]["text"])
        )
        if y == 0
    ]
    assert "".join(best) == "1989-06-13"  # the top row of the beam spells it
    finished = tree["finished (⏎)"]["customdata"]  # B = 3 hypotheses ended with ⏎
    assert len(finished) == 3 and finished[0][0] == "1989-06-13⏎"
    final = at.dataframe[1].value
    assert list(final.iloc[:, 1]) == [f[0] for f in finished] and final.iloc[0, 1] == "1989-06-13⏎"
    assert tree["forced prefix"]["text"] == []  # no prefix in the plain search
    forced = {d.get("name"): d for d in chart(at, "beam_tree_prefix")["data"]}
    assert "".join(forced["forced prefix"]["text"]) == "20"  # the what-if tree starts with 20
    assert forced["finished (⏎)"]["customdata"][0][0].startswith("20")
    steps = at.dataframe[0].value  # step 1's candidates
    assert steps.iloc[0, 0] == "1" and set(steps.iloc[:, -1]) <= {"kept", "pruned", "finished ⏎"}
    assert any("Forced to start with **20**" in m.value for m in at.markdown)
    assert any("nobody is at fault" in s.value for s in at.success)  # y* defaults to the checked answer


def test_beam_width_one_is_greedy_on_the_page():
    at = run_page(BEAM, beam_B=1, beam_alpha=0.0)
    assert not at.exception
    assert any("greedy decoding" in c.value for c in at.sidebar.caption)
    final = at.dataframe[1].value
    assert len(final) == 1 and final.iloc[0, 1] == "1989-06-13⏎"


def test_beam_page_error_analysis_verdicts_and_bad_reference():
    at = run_page(BEAM, beam_text="Tuesday 13 June 1989", _beam_ref_for="Tuesday 13 June 1989", beam_ref="1989-06-14")
    assert not at.exception
    assert any("The model is at fault" in e.value for e in at.error)
    at.text_input(key="beam_ref").set_value("13/06/1989").run()
    assert not at.exception and any("can only write digits" in w.value for w in at.warning)
    at.text_input(key="beam_ref").set_value("").run()
    assert any("Type the right answer" in i.value for i in at.info)


def test_beam_page_search_at_fault_example_from_the_held_out_set():
    """The model without attention has held-out dates where greedy decoding is wrong although the model
    prefers the right answer; trying one with B = 1 says the search is at fault, and B = 10 repairs it."""
    at = run_page(BEAM, beam_model="plain")
    assert not at.exception and not at.error
    summary = next(m.value for m in at.markdown if "held-out dates (days never seen" in m.value)
    assert "**0** are the search's fault" not in summary
    examples = frame(at, "Verdict, greedy")
    assert examples.iloc[0, 3] == "search's fault" and examples.iloc[0, 5] == "right"
    at.button(key="beam_try_0").click().run()  # load the first example with B = 1
    assert not at.exception and at.sidebar.slider(key="beam_B").value == 1
    assert at.text_input(key="beam_text").value == examples.iloc[0, 0]
    assert any("The search is at fault" in w.value for w in at.warning), [w.value for w in at.warning]
    at.sidebar.slider(key="beam_B").set_value(10).run()
    assert any("nobody is at fault" in s.value for s in at.success)


def test_beam_page_points_to_the_other_model_for_search_errors():
    at = run_page(BEAM)  # with attention: no search error
    assert any("Switch the sidebar to the model without attention" in i.value for i in at.info)


@pytest.mark.parametrize(
    "state,kind,needle",
    [
        (dict(beam_text="   "), "info", "Type a date"),
        (dict(beam_text="😀 hello <b>x</b>"), "warning", "never saw"),
        (dict(beam_prefix="ab"), "warning", "can only write digits"),
        (dict(beam_prefix=""), "info", "Type a prefix"),
        (dict(beam_text="x" * 300), "info", "Cut to the first 40"),
    ],
)
def test_beam_page_odd_input(state, kind, needle):
    at = run_page(BEAM, **state)
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_bleu_panel_shows_sacrebleus_numbers():
    at = run_page(BEAM)
    cand, refs = "the the the the the the the", ["the cat is on the mat", "there is a cat on the mat"]
    ref = sacrebleu.sentence_bleu(cand, refs, smooth_method="exp")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["BLEU score"] == f"{ref.score:.2f}" and metrics["Brevity penalty BP"] == "1.000"
    table = frame(at, "p_n = clipped / total")
    assert list(table.iloc[:, 1]) == [2, 0, 0, 0] and list(table.iloc[:, 2]) == [7, 6, 5, 4]
    assert table.iloc[0, 3] == f"{2 / 7:.4f}"
    at.selectbox(key="bleu_smooth").set_value("none").run()
    assert {m.label: m.value for m in at.metric}["BLEU score"] == "0.00"


def test_bleu_examples_and_missing_references():
    at = run_page(BEAM)
    at.radio(key="bleu_example").set_value("short").run()
    bp = {m.label: m.value for m in at.metric}["Brevity penalty BP"]
    assert not at.exception and float(bp) < 0.2
    at.radio(key="bleu_example").set_value("zh").run()
    assert not at.exception and at.selectbox(key="bleu_tok").value == "zh"
    at.text_area(key="bleu_refs").set_value("  \n ").run()
    assert any("at least one reference" in i.value for i in at.info)
    at.text_area(key="bleu_refs").set_value("a b c").run()
    at.text_input(key="bleu_cand").set_value("").run()
    assert not at.exception and any("candidate is empty" in i.value for i in at.info)


def test_beam_page_in_chinese_and_plain_model():
    at = run_page(BEAM, "zh", beam_model="plain", beam_B=10)
    assert not at.exception and not at.error
    assert at.title[0].value == "集束搜索与 BLEU 得分"
    assert any("束宽" in s.label for s in at.sidebar.slider)
    assert any("简短惩罚" in m.label for m in at.metric)


@pytest.mark.parametrize(
    "page,missing,kind,needle",
    [
        (ATT, "date-attention", "error", "Could not load the model"),
        (BEAM, "date-attention", "error", "Could not load the model"),
        (ATT, "date-no-attention", "warning", "comparison is left out"),
    ],
)
def test_missing_checkpoint_gets_a_message(tmp_path, monkeypatch, page, missing, kind, needle):
    with pretrained_without(missing, tmp_path, monkeypatch):
        at = run_page(page)
        assert not at.exception
        assert any(needle in m.value and "seqviz.training.build" in m.value for m in getattr(at, kind))


def test_beam_page_never_prints_a_negative_zero():
    """A log P just below zero (the model is sure) reads 0.000, not -0.000, in the answer and the forced prefix."""
    at = run_page("beam_search_bleu.py")
    text = " ".join(m.value for m in at.markdown)
    assert not at.exception and "log P" in text
    assert not re.search(r"-0\.0+(?!\d)", text), re.findall(r".{40}-0\.0+(?!\d)", text)
