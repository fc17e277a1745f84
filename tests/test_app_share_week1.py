"""Shareable views of the gradients, sentiment, music, named-entity and home pages (AppTest): a link sets every
widget it names and the page shows that view (the figures the library computes for those settings, not the
defaults'); the page writes its own non-default settings back into the address; a nonsense link opens the
defaults with seqviz.ui.share's message, never a traceback."""

import functools

import numpy as np
import pytest
from conftest import chart, open_link, ticks, watchdog
from test_app_music import roll_notes

import seqviz
from seqviz.sentiment.models import CONTRAST, read, unseen_word
from seqviz.ui.i18n import translate
from seqviz.ui.sentiment import WORD_CHARS

pytestmark = pytest.mark.usefixtures("one_thread", "app_navigation")  # pages run inside app.py (conftest)
GRAD, SENT, MUSIC, NER, HOME = (
    f"pages/{p}.py" for p in ("vanishing_gradients", "sentiment_classifier", "music", "named_entities", "home")
)


@pytest.fixture(autouse=True)
def _bounded(request):
    with watchdog(300, request.config):
        yield


def opened(page: str, **params):
    """`page` opened from a link holding `params`; no exception, whatever the link holds."""
    at = open_link(page, **params)
    assert not at.exception, at.exception
    return at


@functools.cache
def default_view(page: str):
    """`page` opened with a bare address (shared by the tests of a page: read, never clicked)."""
    return opened(page)


def share_warnings(at) -> list[str]:
    return [w.value for w in at.warning if translate("share.head_bad", "en") in w.value]


def assert_refused(at, *reasons: str, keys=(), longest: int = 2000) -> None:
    """One share warning, naming each of `reasons` (locale keys; a text's limit is `longest` characters) and each
    key in `keys`; the address left clean."""
    (warning,) = share_warnings(at)
    for why in reasons:
        assert translate(why, "en", max=f"{longest:,}") in warning, (why, warning)
    for key in keys:
        assert key.replace("_", "\\_") in warning, (key, warning)
    assert at.query_params == {}  # the defaults differ from nothing: a clean address
    at.run()  # said once: the next run finds nothing new in the address
    assert not share_warnings(at)


def address_of(at) -> str:
    """The link the sidebar's share box offers."""
    (code,) = at.sidebar.get("code")
    return code.value


# ---------------------------------------------------------------- vanishing gradients


def norm_distances(at) -> list[list[int]]:
    """Per cell panel of the norms figure, the distances T − t drawn (clipped markers left out)."""
    fig = chart(at, "norms_fig")
    return [
        sorted(int(x) for tr in fig["data"] if tr.get("xaxis", "x") == ax and tr["name"] != "clipped" for x in tr["x"])
        for ax in ("x", "x2", "x3")
    ]


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def test_gradients_link_sets_every_control_and_the_figures_follow():
    link = dict(
        grad_source="fresh",
        grad_T="50",
        grad_scale="2.5",
        grad_act="relu",
        grad_loss="sum",
        grad_clip_on="1",
        grad_clip="3.3",
    )
    at = opened(GRAD, **link)
    assert not at.warning  # no share message (nor any other)
    sb = at.sidebar
    assert sb.radio(key="grad_source").value == "fresh" and sb.radio(key="grad_act").value == "relu"
    assert sb.radio(key="grad_loss").value == "sum" and sb.toggle(key="grad_clip_on").value is True
    assert sb.slider(key="grad_T").value == 50 and sb.slider(key="grad_scale").value == 2.5
    assert sb.slider(key="grad_clip").value == 3.3 and not sb.slider(key="grad_clip").disabled
    assert norm_distances(at) == [list(range(50))] * 3  # T = 50, not the default's 100
    assert norm_distances(default_view(GRAD)) == [list(range(100))] * 3
    assert all("over 50 steps" in label for label in metrics(at))
    assert any("Clipping at 3.3 rescaled" in i.value for i in at.info)  # clipping on, at the link's threshold
    assert not any("Clipping" in i.value for i in default_view(GRAD).info)
    clipped = max(float(np.max(tr["y"])) for tr in chart(at, "norms_fig")["data"] if tr["name"] == "LSTM")
    assert clipped <= 3.3 + 1e-6  # no gradient drawn longer than the threshold
    assert any("and g = relu with γ = 1.0" in m.value for m in at.markdown)  # the Jacobian note's g
    assert at.query_params == link  # the page writes the same view back: the link to copy is this one
    assert address_of(at).startswith("?") and "grad_T=50" in address_of(at)


def test_gradients_settings_go_into_the_address_and_the_address_restores_them():
    at = opened(GRAD)
    assert at.query_params == {}  # the default view: a bare address
    at.sidebar.slider(key="grad_T").set_value(40).run()
    assert at.query_params == {"grad_T": "40"}
    at.button(key="preset_explode").click().run()  # a preset sets several controls at once
    view = {"grad_source": "fresh", "grad_scale": "6", "grad_T": "200"}
    assert at.query_params == view
    again = opened(GRAD, **at.query_params)  # the address pasted into a new tab
    assert metrics(again) == metrics(at) and metrics(at) != metrics(default_view(GRAD))
    assert again.sidebar.slider(key="grad_scale").value == 6.0 and again.query_params == view
    assert [w.value for w in again.warning] == [w.value for w in at.warning]  # the same overflow warning


def test_gradients_nonsense_link_opens_the_defaults_with_a_message():
    at = opened(
        GRAD,
        grad_T="999",
        grad_act="swish",
        grad_scale="abc",
        grad_source="x" * 10_000,
        grad_clip_on="maybe",
        grad_clip="nan",
        bogus="1",
    )
    sb = at.sidebar
    assert sb.slider(key="grad_T").value == 100 and sb.radio(key="grad_act").value == "tanh"
    assert sb.slider(key="grad_scale").value == 1.0 and sb.radio(key="grad_source").value == "open"
    assert sb.toggle(key="grad_clip_on").value is False and sb.slider(key="grad_clip").value == 1.0
    assert metrics(at) == metrics(default_view(GRAD))  # the default view, as drawn
    reasons = ("share.why.range", "share.why.choice", "share.why.number", "share.why.long", "share.why.type")
    assert_refused(at, *reasons, keys=("grad_T", "grad_act", "grad_scale", "grad_source", "grad_clip_on", "bogus"))


# ---------------------------------------------------------------- sentiment


def table_with(at, text: str):
    """The first table whose first column holds `text`."""
    found = [d.value for d in at.dataframe if text in list(d.value.iloc[:, 0])]
    assert found, [list(d.value.iloc[:, 0]) for d in at.dataframe]
    return found[0]


def test_sentiment_link_sets_the_model_the_line_and_the_word_and_the_page_reads_them():
    text = "i am not feeling happy\nthe movie was not bad at all"
    link = dict(sent_lang="en-glove", sent_text_en=text, sent_pick_en="1", sent_glove_word="marvelous")
    at = opened(SENT, **link)
    assert not at.warning
    assert at.sidebar.radio(key="sent_lang").value == "en-glove"
    assert at.selectbox(key="sent_pick_en").value == 1 and at.text_input(key="sent_glove_word").value == "marvelous"
    assert ticks(chart(at, "sent_fig")) == "themoviewasnotbadatall"  # the second line, picked apart
    assert ticks(chart(default_view(SENT), "sent_fig")) == "iamnotfeelinghappy"
    glove = seqviz.load_pretrained("sentiment-en-glove")  # E = GloVe, frozen
    u = unseen_word(glove, "marvelous", glove.meta["train_vocabulary"])
    words = table_with(at, "marvelous")  # the word typed in the link, read by the frozen-GloVe models
    row = words[words.iloc[:, 0] == "marvelous"].iloc[0]
    col = lambda k: translate(f"sent.glove.col.{k}", "en")  # noqa: E731
    assert row[col("g_avg")].endswith(f"({u.p_average:.2f})") and row[col("g_lstm")].endswith(f"({u.p_lstm:.2f})")
    yours = table_with(at, "the movie was not bad at all")  # scored by the link's model: E = GloVe
    lstm = translate("sent.col.lstm", "en")
    assert list(yours[lstm]) == [
        f"{verdict(read(glove, ln).p_lstm)} ({read(glove, ln).p_lstm:.2f})" for ln in text.split("\n")
    ]
    assert at.query_params == link


def verdict(p: float) -> str:
    return "positive" if p > 0.5 else "negative"


def test_sentiment_link_in_chinese_data_on_an_english_page():
    at = opened(SENT, sent_lang="zh")
    assert not at.warning and at.sidebar.radio(key="sent_lang").value == "zh"
    contrast = at.dataframe[0].value
    assert contrast.iloc[0, 0] == CONTRAST["zh"][0][0]  # the Chinese pair, not the English
    assert at.text_area(key="sent_text_zh").value == translate("sent.default.zh", "en")
    assert at.query_params == {"sent_lang": "zh"}


def test_sentiment_nonsense_link_opens_the_defaults_with_a_message():
    at = opened(SENT, sent_lang="mine_0123456789abcdef", sent_pick_en="7", sent_glove_word="x" * 150)
    assert at.sidebar.radio(key="sent_lang").value == "en" and at.selectbox(key="sent_pick_en").value == 0
    assert at.text_input(key="sent_glove_word").value == ""
    assert at.text_area(key="sent_text_en").value == translate("sent.default.en", "en")
    assert ticks(chart(at, "sent_fig")) == "iamnotfeelinghappy"
    assert_refused(
        at,
        "share.why.choice",
        "share.why.range",
        "share.why.long",
        keys=("sent_lang", "sent_pick_en", "sent_glove_word"),
        longest=WORD_CHARS,  # the unseen-word box's own limit, not the text boxes' 2,000
    )


# ---------------------------------------------------------------- music


def test_music_link_sets_model_seed_and_sampling_and_the_rolls_are_the_librarys():
    from seqviz.music.data import load_corpus
    from seqviz.music.models import fit_notes, generate, surprise

    link = dict(
        mus_model="bach-melody",
        mus_chorale="bwv64.4",
        mus_bars="1",
        mus_temp="0.8",
        mus_topk="5",
        mus_len="2",
        mus_seed="3",
        mus_t="4",
        mus_surprise="bwv81.7",
    )
    at = opened(MUSIC, **link)
    assert not at.warning
    sb = at.sidebar
    assert sb.radio(key="mus_model").value == "bach-melody" and sb.selectbox(key="mus_chorale").value == "bwv64.4"
    assert [sb.slider(key=k).value for k in ("mus_bars", "mus_temp", "mus_topk", "mus_len")] == [1, 0.8, 5, 2]
    assert at.slider(key="mus_t").value == 4 and at.selectbox(key="mus_surprise").value == "bwv81.7"
    model = seqviz.load_pretrained("bach-melody")  # the link's generation, computed here by the library
    notes, _ = fit_notes(model, load_corpus().get("bwv64.4").notes)
    seed = notes[notes[:, 1] < 16].copy()  # one bar of 4/4
    seed[:, 2] = np.minimum(seed[:, 2], 16 - seed[:, 1])
    g = generate(model, seed, 2 * 16, 0.8, 5, 3)
    roll = roll_notes(chart(at, "mus_roll"))
    assert np.array_equal(roll, g.notes[np.lexsort((g.notes[:, 3], g.notes[:, 0], g.notes[:, 1]))])
    assert set(roll[:, 0]) == {0} and len(set(roll_notes(chart(default_view(MUSIC), "mus_roll"))[:, 0])) == 4
    assert "At t = 4" in " ".join(c.value for c in at.caption)  # the diagram at the link's step
    s = surprise(model, fit_notes(model, load_corpus().get("bwv81.7").notes)[0])
    assert any(f"{s.perplexity:.2f}" in m.value for m in at.markdown)  # the surprise of the link's chorale
    assert at.query_params == link


def test_music_a_new_sample_goes_into_the_address_and_the_address_replays_it():
    at = opened(MUSIC)
    assert at.query_params == {}
    at.sidebar.button(key="mus_new").click().run()  # the sampling seed has no widget; the address carries it
    assert at.query_params["mus_seed"] == "1"  # (and mus_t: Streamlit resets the step slider when its range changes)
    again = opened(MUSIC, **at.query_params)
    assert np.array_equal(roll_notes(chart(again, "mus_roll")), roll_notes(chart(at, "mus_roll")))
    assert again.slider(key="mus_t").value == at.slider(key="mus_t").value and again.query_params == at.query_params
    assert not np.array_equal(roll_notes(chart(at, "mus_roll")), roll_notes(chart(default_view(MUSIC), "mus_roll")))


def test_music_nonsense_link_opens_the_defaults_with_a_message():
    at = opened(
        MUSIC,
        mus_model="mine_x",
        mus_chorale="bwv000",
        mus_temp="9",
        mus_bars="abc",
        mus_t="99999",
        mus_seed="-1",
        mus_src="x" * 10_000,
    )
    sb = at.sidebar
    assert sb.radio(key="mus_model").value == "bach-satb" and sb.selectbox(key="mus_chorale").value == "bwv287"
    assert sb.slider(key="mus_temp").value == 0.5 and sb.slider(key="mus_bars").value == 2
    assert sb.radio(key="mus_src").value == "chorale"
    assert at.slider(key="mus_t").value == default_view(MUSIC).slider(key="mus_t").value
    assert np.array_equal(roll_notes(chart(at, "mus_roll")), roll_notes(chart(default_view(MUSIC), "mus_roll")))
    assert_refused(
        at,
        "share.why.choice",
        "share.why.range",
        "share.why.number",
        "share.why.long",
        keys=("mus_model", "mus_chorale", "mus_temp", "mus_bars", "mus_t", "mus_seed", "mus_src"),
    )


# ---------------------------------------------------------------- named entities


def test_ner_link_sets_the_line_and_the_step_and_the_figures_are_that_lines():
    text = "Ada Lovelace met Charles Babbage in London.\nTeddy Roosevelt went to Boston."
    line = "Teddy Roosevelt went to Boston."
    link = dict(ner_text_en=text, ner_line=line, ner_t="4")
    at = opened(NER, **link)
    assert not at.warning
    assert at.selectbox(key="ner_line").value == line and at.select_slider(key="ner_t").value == 4
    r = seqviz.load_pretrained("ner-en").read(line)
    fig = chart(at, "ner_states")
    assert np.allclose(np.asarray(fig["data"][2]["z"], float), r.y_hat.T, atol=2e-3)  # ŷ<t> of the link's line
    assert f"At t = 5, x<t> = “{r.tokens[4]}”" in " ".join(c.value for c in at.caption)
    assert at.query_params == link
    at.select_slider(key="ner_t").set_value(1).run()  # the student moves on: the address follows
    assert at.query_params == {**link, "ner_t": "1"}


def test_ner_link_in_chinese_on_an_english_page():
    at = opened(NER, ner_lang="zh")
    assert not at.warning and at.sidebar.radio(key="ner_lang").value == "zh"
    assert at.text_area(key="ner_text_zh").value == translate("ner.default.zh", "en")
    assert at.query_params == {"ner_lang": "zh"}


def test_ner_nonsense_link_opens_the_defaults_with_a_message():
    at = opened(NER, ner_lang="fr", ner_t="-3", ner_line="not a line of the text", ner_text_en="x" * 10_000)
    view = default_view(NER)
    assert at.sidebar.radio(key="ner_lang").value == "en"
    assert at.selectbox(key="ner_line").value == view.selectbox(key="ner_line").value
    assert at.select_slider(key="ner_t").value == view.select_slider(key="ner_t").value
    assert at.text_area(key="ner_text_en").value == translate("ner.default.en", "en")
    assert_refused(
        at,
        "share.why.choice",
        "share.why.range",
        "share.why.long",
        keys=("ner_lang", "ner_t", "ner_line", "ner_text_en"),
    )


# ---------------------------------------------------------------- home


def test_home_has_nothing_to_share_and_a_foreign_link_says_so():
    assert default_view(HOME).query_params == {}
    at = opened(HOME, grad_T="50")  # a setting of another page
    assert at.title[0].value == translate("home.title", "en")
    (warning,) = share_warnings(at)
    assert "grad\\_T" in warning and at.query_params == {}
