"""The "Named entities" page (AppTest): the course's pair leads, the one-directional tagger gives the shared word the
same ŷ in both sentences and the bidirectional one does not; the user's lines tagged as the library tags them; the
step-by-step figures hold the tagger's own states; held-out scores are the checkpoints' JSON; bad input gets a
message."""

import html

import numpy as np
import pytest

import seqviz
from seqviz.ner.data import PAIRS
from tests.conftest import chart, my_model
from tests.test_app import run_page

PAGE = "named_entities.py"
PAIR_PROB = {"en": "B-PER", "zh": "B-PER"}


def _html(at) -> list[str]:
    """The bodies of the page's st.html blocks (the tagged lines)."""
    return [e.proto.body for e in at.get("html")]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_pair_leads_and_only_the_bidirectional_tagger_reads_ahead(lang):
    at = run_page(PAGE, lang, ner_lang=lang)
    assert not at.exception and not at.error
    (s1, s2), focus = PAIRS[lang]
    bi, uni = seqviz.load_pretrained(f"ner-{lang}"), seqviz.load_pretrained(f"ner-{lang}-uni")
    col = bi.config.tags.index("B-PER")
    p = {(w, i): m.read(s).y_hat[focus, col] for w, m in (("bi", bi), ("uni", uni)) for i, s in enumerate((s1, s2))}
    table = at.dataframe[0].value  # rows: one-directional, bidirectional; columns: the two sentences
    assert table.iloc[0, 1].split(" → ")[0] == table.iloc[0, 2].split(" → ")[0] == f"{p['uni', 0]:.2f}"
    assert float(table.iloc[1, 1].split(" → ")[0]) > 0.9 > 0.1 > float(table.iloc[1, 2].split(" → ")[0])
    assert table.iloc[1, 1].endswith("B-PER") and p["bi", 0] > 0.9 > 0.1 > p["bi", 1]
    fig = chart(at, "ner_pair")  # four heatmaps: uni s1, uni s2, bi s1, bi s2 (tags x tokens)
    z = [np.asarray(d["z"], float) for d in fig["data"]]
    assert len(z) == 4 and all(np.allclose(m.sum(0), 1, atol=0.01) for m in z)
    assert np.allclose(z[0][:, focus], z[1][:, focus])  # the one-directional tagger cannot tell them apart
    assert abs(z[2][col, focus] - z[3][col, focus]) > 0.8  # the bidirectional one can
    frames = [s for s in fig["layout"]["shapes"] if s["type"] == "rect"]
    assert len(frames) == 4 and all(s["x0"] == focus - 0.5 for s in frames)
    verdict = at.info[0].value
    assert f"{p['uni', 0]:.2f}" in verdict and f"{p['bi', 0]:.2f}" in verdict and f"{p['bi', 1]:.2f}" in verdict


def test_the_default_lines_are_tagged_as_the_library_tags_them():
    at = run_page(PAGE, "en", ner_lang="en")
    assert not at.exception and not at.error
    bi = seqviz.load_pretrained("ner-en")
    lines = [ln for ln in at.text_area(key="ner_text_en").value.split("\n") if ln.strip()]
    expected = [(e["text"], e["type"]) for ln in lines for e in bi.read(ln).entities]
    ents = at.dataframe[1].value
    assert list(zip(ents.iloc[:, 0], ents.iloc[:, 1])) == expected
    assert ("Teddy Roosevelt", "PER") in expected and ("Boston University", "ORG") in expected
    assert not any(text.startswith("Teddy bears") for text, _ in expected)
    blocks = _html(at)
    assert len(blocks) == 2 * len(lines)  # every line, by the bidirectional then the one-directional tagger
    assert "Teddy Roosevelt<sup" in blocks[1] and "Teddy bears" in blocks[2] and "<span" not in blocks[2]


def test_the_step_figures_hold_the_taggers_own_states():
    at = run_page(PAGE, "en", ner_lang="en")
    line = at.selectbox(key="ner_line").value
    r = seqviz.load_pretrained("ner-en").read(line)
    fig = chart(at, "ner_states")
    a_fwd, a_bwd, y_hat = (np.asarray(d["z"], float) for d in fig["data"])
    assert np.allclose(a_fwd, r.a_fwd.T, atol=2e-3) and np.allclose(a_bwd, r.a_bwd.T, atol=2e-3)
    assert np.allclose(y_hat, r.y_hat.T, atol=2e-3) and np.allclose(y_hat.sum(0), 1, atol=0.01)
    assert len(fig["frames"]) == len(r.tokens)  # play / step over every token
    t = 4  # at step t: →a has read tokens 0..t, ←a tokens t..T-1, and ŷ<t>'s column is framed
    shapes = fig["frames"][t]["layout"]["shapes"]
    assert [(s["x0"], s["x1"]) for s in shapes] == [(-0.5, t + 0.5), (t - 0.5, len(r.tokens) - 0.5), (t - 0.5, t + 0.5)]
    k = at.select_slider(key="ner_t").value
    assert k == r.entities[0]["first"]  # the diagram opens on the first entity
    boxes = [a["text"] for a in chart(at, "ner_diagram")["layout"]["annotations"] if a.get("text")]
    col = {g: j for j, g in enumerate(r.tag_names)}
    assert f"{r.tags[k]} {r.y_hat[k, col[r.tags[k]]]:.2f}" in boxes
    at.select_slider(key="ner_t").set_value(2).run()
    boxes = [a["text"] for a in chart(at, "ner_diagram")["layout"]["annotations"] if a.get("text")]
    assert any(b.endswith(" and") for b in boxes) and not at.exception


def test_the_held_out_table_is_the_checkpoints_json():
    at = run_page(PAGE, "en", ner_lang="en")
    metrics = {w: seqviz.load_pretrained(n).meta["metrics"] for w, n in (("bi", "ner-en"), ("uni", "ner-en-uni"))}
    rows = at.dataframe[2].value
    n_rows = sum(len(per) for per in metrics["bi"].values())
    assert len(rows) == n_rows
    new = rows[rows.iloc[:, 0] == "new templates"]
    last = new.iloc[-1]  # all types
    assert last.iloc[1] == "all types"
    assert last.iloc[3] == f"{metrics['bi']['new_templates']['all']['f1']:.1%}"
    assert last.iloc[4] == f"{metrics['uni']['new_templates']['all']['f1']:.1%}"
    assert metrics["bi"]["new_templates"]["all"]["f1"] > metrics["uni"]["new_templates"]["all"]["f1"]


@pytest.mark.parametrize(
    "text,check",
    [
        ("", lambda at: "Type some text" in at.info[-2].value),
        ("江泽民在北京。", lambda at: any("looks like Chinese" in w.value for w in at.warning)),
        ("<b>x</b> Ada Lovelace 😀", lambda at: "&lt;b&gt;" in "".join(_html(at)) and "<b>x" not in "".join(_html(at))),
        ("x " * 1600, lambda at: any("2,000" in w.value for w in at.warning)),
        ("\n".join(f"Line {i} by Ada" for i in range(25)), lambda at: any("first 20" in w.value for w in at.warning)),
        ("😀 ☃ 🎉", lambda at: any("😀" in i.value for i in [*at.info, *at.warning])),
    ],
    ids=["empty", "chinese-on-english", "html", "huge", "many-lines", "emoji-only"],
)
def test_bad_input_gets_a_message_not_a_traceback(text, check):
    at = run_page(PAGE, "en", ner_lang="en", ner_text_en=text)
    assert not at.exception and not at.error
    assert check(at), [m.value for m in [*at.info, *at.warning]]
    assert len(at.dataframe) >= 2  # the pair and the held-out table are still there


def test_a_students_own_tagger_is_offered_and_used():
    from seqviz.ner.models import Tagger, TaggerConfig

    m = Tagger(TaggerConfig("en", ("<pad>", "<unk>", "he", "said"), n_e=8, n_a=8))
    score = {"precision": 0.5, "recall": 0.25, "f1": 0.3333, "n": 4}
    mid, mine = my_model(m, "my-tagger", {"metrics": {"yours": {"PER": score, "all": score}}})
    at = run_page(PAGE, "en", my_models={mid: mine}, ner_lang=mid)
    assert not at.exception and not at.error
    radio = at.sidebar.radio(key="ner_lang")
    assert radio.value == mid and radio.options[-1].startswith("⭐ my\\-tagger")
    assert "**⭐ my\\-tagger \\(yours\\)**" in [x.value for x in at.markdown]  # its title over its tagged lines
    pair = at.dataframe[0].value  # the pair still compares the shipped taggers
    assert list(pair.iloc[:, 0]) == ["One-directional LSTM", "Bidirectional LSTM"]
    assert at.dataframe[1].value.columns[0] == "Entity (⭐ my-tagger (yours))"
    held = at.dataframe[-1].value  # its own held-out set; the shipped tagger was not scored on it
    assert list(held.columns[3:]) == ["F1 · ⭐ my-tagger (yours)", "F1 · Bidirectional LSTM", held.columns[5]]
    assert held.iloc[0, 0] == "20% of your sentences" and list(held.iloc[:, 3]) == ["33.3%", "33.3%"]
    assert list(held.iloc[:, 4]) == ["—", "—"] and held.iloc[0, 5] == "50.0% / 25.0%"


def test_html_in_the_text_is_escaped_in_the_tagged_lines():
    at = run_page(PAGE, "en", ner_lang="en", ner_text_en='Ada "<script>" Lovelace & Boston')
    body = "".join(_html(at))
    assert html.escape("<script>") in body and "<script>" not in body
