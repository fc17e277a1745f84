"""AppTests of this session's own models on the existing pages: each page's selector offers them, picking
one shows its figures (in English and 中文), a just-trained model is selected once, and a page without
them is unchanged."""

import json

import numpy as np
import pytest
import torch
from conftest import chart, my_model, ticks, tiny, watchdog
from test_app import LIMIT, check_cell_figures, run_page

from seqviz.core import checkpoint
from seqviz.ui import mymodels
from seqviz.ui.i18n import translate

CELL, LM, SENT, ATT, BEAM = (
    "rnn_cell.py",
    "language_model.py",
    "sentiment_classifier.py",
    "attention_model.py",
    "beam_search_bleu.py",
)


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog); the slowest takes about 20 s."""
    with watchdog(LIMIT, request.config):
        yield


def own(model, label: str, meta: dict) -> mymodels.MyModel:
    """One of "this session's" models, built the way mymodels.add builds it (add needs a running script)."""
    m = my_model(model, label, meta)[1]
    for p in m.model.parameters():
        p.requires_grad_(False)
    return m


def session(*models) -> dict:
    return {"my_models": {m.id: m for m in models}}


def char_model(cell: str = "gru") -> mymodels.MyModel:
    meta = {
        "title": "GRU character model of class.txt",
        "data": {"source": "class.txt", "n_train_lines": 90},
        "metrics": {"val_loss_nats_per_char": 2.29, "val_perplexity": 9.87, "final_train_loss": 2.3},
        "training": {"curve": [{"step": 1, "loss": 3.3}, {"step": 2, "val_loss": 3.1}], "seconds": 2.0},
        "command": "python -m seqviz.training.studio char_lm --cell gru --name class-gru",
        "n_parameters": 500,
    }
    return own(tiny(cell), "class-gru", meta)


def nmt_model(attention: bool, bare: bool = False) -> mymodels.MyModel:
    from seqviz.translation.models import DateTranslator, NMTConfig

    shipped = json.loads((checkpoint.PRETRAINED_DIR / "date-attention.json").read_text(encoding="utf-8"))["config"]
    torch.manual_seed(1)
    model = DateTranslator(
        NMTConfig(
            attention,
            8,
            16,
            4,
            tuple(shipped["src_chars"]),
            tuple(shipped["tgt_chars"]),
            shipped["max_src"],
            shipped["max_tgt"],
        )
    ).eval()
    meta = (
        {}
        if bare
        else {
            "metrics": {
                "n_test": 40,
                "exact_greedy": 0.25,
                "char_accuracy_greedy": 0.71,
                "by_length": {
                    "1-10": {"n": 20, "exact": 0.3},
                    "11-15": {"n": 20, "exact": 0.2},
                    "16-20": {"n": 0, "exact": None},
                },
                "by_locale": {"?": {"n": 40, "exact": 0.25}},
            },
            "training": {
                "curve": [
                    {"step": 5, "loss": 2.1},
                    {"step": 10, "epoch": 1.0, "val_loss": 1.5, "val_exact": 0.1},
                    {"step": 15, "loss": 1.2},
                    {"step": 20, "epoch": 2.0, "val_loss": 1.1, "val_exact": 0.25},
                ],
                "seconds": 12.3,
                "epochs": 2,
                "device": "cpu",
            },
            "command": "python -m seqviz.training.studio dates --name my-dates",
            "n_parameters": 4000,
        }
    )
    return own(model, "my-dates-" + ("att" if attention else "plain") + ("-bare" if bare else ""), meta)


def sentiment_model(lang: str = "en", metrics: dict | None = None) -> mymodels.MyModel:
    from seqviz.core.text import tokenize
    from seqviz.sentiment.models import CONTRAST, PAD, SentimentConfig, SentimentModels

    texts = [x for x, _ in CONTRAST[lang]] + ["the movie was not bad at all", "东西不错，物流也快"]
    words = (PAD,) + tuple(sorted({w for x in texts for w in tokenize(x, lang)}))
    torch.manual_seed(2)
    model = SentimentModels(SentimentConfig(lang, words, 8, 6)).eval()
    row = {
        "n": 30,
        "n_dropped_unknown": 2,
        "majority_baseline": 0.6,
        "n_with_negation": 0,
        "average_accuracy": 0.7,
        "lstm_accuracy": 0.8,
        "average_accuracy_with_negation": None,
        "lstm_accuracy_with_negation": None,
    }
    meta = {
        "data": {"source": "my reviews.txt", "n_train": 120, "n_validation": 13, "n_vocabulary": len(words) - 1},
        "metrics": {"yours": row} if metrics is None else metrics,
        "examples_lstm_right_average_wrong": [
            {"text": texts[1], "label": "negative", "negation": True, "test": "yours"}
        ],
        "command": "python -m seqviz.training.studio sentiment --name my-reviews",
    }
    return own(model, f"my-reviews-{lang}", meta)


def unescape(markdown: str) -> str:
    """Markdown text as the browser shows it (the page escapes the student's model names)."""
    return markdown.replace("\\", "")


def captions(at) -> str:
    return unescape("\n".join(c.value for c in at.sidebar.caption))


def radio_keys(at) -> list:
    return [r.key for r in at.sidebar.radio]


# ---------------------------------------------------------------- Inside the RNN cell


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cell_page_shows_your_model(lang):
    m = char_model("gru")
    at = run_page(CELL, lang, cell_kind=m.id, **session(m))
    assert not at.exception and not at.error
    radio = at.sidebar.radio(key="cell_kind")
    assert radio.value == m.id and radio.options[:3] == ["RNN", "GRU", "LSTM"]
    assert radio.options[3:5] == [translate("cell.model.code", lang), translate("cell.model.prose", lang)]
    assert unescape(radio.options[5]) == ("⭐ class-gru (yours)" if lang == "en" else "⭐ class-gru（你的）")
    state = check_cell_figures(at, "gru", 7)  # your GRU's 7 units, by the GRU's equations
    assert ticks(state) == "⏎andrew␣ng⏎mary␣johnson"
    assert len(at.latex) == 12  # the GRU's equations: from model.config.cell
    assert at.sidebar.slider(key="cell_unit").max == 6  # n_a = 7
    text = captions(at)
    assert "class" in text and "9.87" in text and "seqviz.training.studio char_lm" in text and "⭐" in text
    assert ("Training studio" if lang == "en" else "训练工作室") in text  # the hint


def test_cell_page_selects_a_new_model_once_then_keeps_the_students_choice():
    m = char_model("lstm")
    at = run_page(CELL, my_models_new=m.id, **session(m))
    assert not at.exception and at.sidebar.radio(key="cell_kind").value == m.id
    at.sidebar.radio(key="cell_kind").set_value("rnn").run()
    assert not at.exception and at.sidebar.radio(key="cell_kind").value == "rnn"
    at.run()
    assert at.sidebar.radio(key="cell_kind").value == "rnn"


def test_cell_page_without_own_models_is_unchanged_and_a_dropped_model_falls_back():
    at = run_page(CELL)
    assert not at.exception
    assert at.sidebar.radio(key="cell_kind").options == [
        "RNN",
        "GRU",
        "LSTM",
        "LSTM · Python code",
        "LSTM · Wikipedia prose",
    ]
    assert at.sidebar.radio(key="cell_kind").value == "lstm"
    assert "⭐" not in captions(at) and "people's names" in captions(at)
    at = run_page(CELL, cell_kind="my-0123456789abcdef")  # removed on the Train page
    assert not at.exception and at.sidebar.radio(key="cell_kind").value == "lstm"


# ---------------------------------------------------------------- Language model


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_language_model_page_samples_and_scores_your_model(lang):
    m = char_model("gru")
    at = run_page(LM, lang, lm_corpus="yours", lm_mine=m.id, **session(m))
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="lm_corpus").value == "yours" and at.sidebar.radio(key="lm_mine").value == m.id
    from seqviz.rnn.lm import sample

    assert at.code[0].value == "\n".join(sample(m.model, 120, 1.0, None, 0).lines())  # sampled from your model
    fig = chart(at, "sample_fig")
    assert ticks(fig) == "⏎␣abcdefghijklmnopqrstuvwxyz" and len(fig["frames"]) == 120
    table = at.dataframe[0].value
    assert len(table) == 6 and "class-gru" in table.iloc[-1, 0] and table.iloc[-1, 0].startswith("GRU")
    assert table.iloc[-1, 4] == pytest.approx(9.87)
    assert len(at.dataframe) == 1  # no n-gram table for your model
    assert any(("no n-gram baseline" if lang == "en" else "没有 n 元语法基线") in i.value for i in at.info)
    assert "9.87" in captions(at)


def test_language_model_page_selects_a_new_model_and_lists_it_beside_the_shipped_ones():
    m = char_model("rnn")
    at = run_page(LM, my_models_new=m.id, **session(m))
    assert not at.exception and at.sidebar.radio(key="lm_corpus").value == "yours"
    at.sidebar.radio(key="lm_corpus").set_value("names").run()
    assert not at.exception and at.sidebar.radio(key="lm_corpus").value == "names"
    table = at.dataframe[0].value
    assert len(table) == 6 and "class-gru" in table.iloc[-1, 0]  # your model's row under the shipped ones
    assert "5-gram Kneser-Ney" in list(at.dataframe[1].value.iloc[:, 0])


def test_language_model_page_without_own_models_has_no_yours():
    at = run_page(LM)
    assert not at.exception and len(at.sidebar.radio(key="lm_corpus").options) == 3  # names, prose, code
    assert len(at.dataframe[0].value) == 5 and "⭐" not in captions(at)


# ---------------------------------------------------------------- Sentiment


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sentiment_page_reads_with_your_model(lang):
    m = sentiment_model(lang)
    at = run_page(SENT, lang, sent_lang=m.id, **session(m))
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="sent_lang").value == m.id
    contrast = at.dataframe[0].value
    assert len(contrast) == (7 if lang == "en" else 8)
    fig = chart(at, "sent_fig")  # your model reads the first line
    first = at.dataframe[1].value.iloc[0]
    p_lstm = float(fig["data"][2]["y"][-1])
    from seqviz.core.text import tokenize

    words = fig["layout"]["xaxis"]["ticktext"]  # its known words, in order
    assert words and set(words) <= set(tokenize(first.iloc[0], lang)) and first.iloc[2].endswith(f"({p_lstm:.2f})")
    held = next(d.value for d in at.dataframe if len(d.value) == 1 and d.value.iloc[0, 1] == 30)
    assert held.iloc[0, 0] == ("Your held-out examples" if lang == "en" else "你的留出样本")
    assert held.iloc[0, 6] == "—"  # no negations in the test set
    notes = " ".join(c.value for c in at.caption)
    assert "my reviews" in notes and "pang_lee" not in notes and "AFINN" not in notes


def test_sentiment_page_copes_with_a_model_without_metrics_and_selects_it_once():
    m = sentiment_model("en", metrics={})
    at = run_page(SENT, my_models_new=m.id, **session(m))
    assert not at.exception and at.sidebar.radio(key="sent_lang").value == m.id
    assert any("records no held-out accuracy" in i.value for i in at.info)
    at.sidebar.radio(key="sent_lang").set_value("en").run()
    assert not at.exception and at.sidebar.radio(key="sent_lang").value == "en"
    assert any("Real reviews" in list(d.value.iloc[:, 0]) for d in at.dataframe)  # the shipped held-out sets


def test_sentiment_page_without_own_models_is_unchanged():
    at = run_page(SENT, sent_lang="en")
    assert not at.exception and at.sidebar.radio(key="sent_lang").options == [
        "English · E learnt here",
        "English · E = GloVe 6B (frozen)",
        "中文 (Chinese)",
    ]
    assert "⭐" not in captions(at)


# ---------------------------------------------------------------- Attention


def frame(at, column: str):
    return next(d.value for d in at.dataframe if column in d.value.columns)


def written(fig: dict) -> str:
    """What a decoding figure shows as written at its last frame ("ŷ = …"), without the cursor and ⏎."""
    import re

    text = fig["frames"][-1]["layout"]["annotations"][-1]["text"]
    return re.sub(r"<[^>]+>|▌|⏎", "", text).split("= ", 1)[1]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_attention_page_puts_your_plain_model_in_its_place(lang):
    m = nmt_model(attention=False)
    at = run_page(ATT, lang, mt_mine=m.id, **session(m))
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="mt_mine").value == m.id
    lines = at.dataframe[0].value
    assert ticks(chart(at, "mt_heat"), "yaxis") == lines.iloc[0, 1] + "⏎" == "1989-06-13⏎"  # shipped attention
    assert written(chart(at, "mt_steps_plain")) == lines.iloc[0, 3].split()[0]  # yours, without attention (≠ …)
    col = "Model" if lang == "en" else "模型"
    models = frame(at, col)
    assert len(models) == 2 and "⭐" not in models.iloc[0, 0] and "my-dates-plain" in models.iloc[1, 0]
    assert models.iloc[1, 2] == "—" and models.iloc[1, 1] == "25.00%"  # no beam scan in a user model's JSON
    assert any("⭐" in c and "25.00%" in c for c in captions(at).split("\n"))
    if lang == "en":
        assert any("no list of held-out mistakes" in c.value for c in at.caption)
        assert any("not a like-for-like comparison" in c.value for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_attention_page_puts_your_attention_model_in_its_place(lang):
    m = nmt_model(attention=True)
    at = run_page(ATT, lang, my_models_new=m.id, **session(m))
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="mt_mine").value == m.id  # just trained: selected once
    lines = at.dataframe[0].value
    heat = chart(at, "mt_heat")  # your model's attention weights
    assert ticks(heat, "yaxis").rstrip("⏎") == lines.iloc[0, 1] != "1989-06-13"
    assert np.allclose(np.asarray(heat["data"][0]["z"], float).sum(axis=1), 1, atol=1e-3)
    assert written(chart(at, "mt_steps_attention")) == lines.iloc[0, 1]
    assert "my-dates-att" in frame(at, "Model" if lang == "en" else "模型").iloc[0, 0]
    at.sidebar.radio(key="mt_mine").set_value("shipped").run()
    assert not at.exception and at.sidebar.radio(key="mt_mine").value == "shipped"
    assert "⭐" not in frame(at, "Model" if lang == "en" else "模型").iloc[0, 0]


@pytest.mark.parametrize("attention", [True, False])
def test_attention_page_copes_with_a_model_whose_json_records_nothing(attention):
    m = nmt_model(attention, bare=True)
    at = run_page(ATT, mt_mine=m.id, **session(m))
    assert not at.exception and not at.error
    models = frame(at, "Model")
    assert (models.iloc[0 if attention else 1, 1:4] == "—").all()
    if not attention:
        assert any("no accuracy by input length" in c.value for c in at.caption)


def test_attention_page_without_own_models_is_unchanged():
    at = run_page(ATT)
    assert not at.exception and "mt_mine" not in radio_keys(at) and "⭐" not in captions(at)
    assert ticks(chart(at, "mt_heat"), "yaxis") == "1989-06-13⏎"
    assert written(chart(at, "mt_steps_plain")) == written(chart(at, "mt_steps_attention")) == "1989-06-13"


# ---------------------------------------------------------------- Beam search


@pytest.mark.parametrize("lang,attention", [("en", True), ("zh", False)])
def test_beam_page_searches_with_your_model(lang, attention):
    m = nmt_model(attention)
    at = run_page(BEAM, lang, beam_model=m.id, **session(m))
    assert not at.exception and not at.error
    radio = at.sidebar.radio(key="beam_model")
    assert radio.value == m.id and len(radio.options) == 3 and "⭐" in radio.options[2]
    final = list(at.dataframe[1].value.iloc[:, 1])  # your model's B = 3 hypotheses ...
    ends = [
        c[0]
        for d in chart(at, "beam_tree")["data"]
        if d.get("mode") == "markers+text" and d.get("customdata") and all(len(c[0]) > 2 for c in d["customdata"])
        for c in d["customdata"]
    ]
    assert len(final) == 3 and final == ends[:3] and "1989-06-13" not in final  # ... end the tree's branches
    assert any("B = 3" in md.value and f"**{final[0].rstrip('⏎')}**" in md.value for md in at.markdown)
    if lang == "en":
        assert any("records no such analysis" in c.value for c in at.caption)


def test_beam_page_selects_a_new_model_once_and_is_unchanged_without_one():
    m = nmt_model(False)
    at = run_page(BEAM, my_models_new=m.id, **session(m))
    assert not at.exception and at.sidebar.radio(key="beam_model").value == m.id
    at.sidebar.radio(key="beam_model").set_value("attention").run()
    assert not at.exception and at.sidebar.radio(key="beam_model").value == "attention"
    at = run_page(BEAM)
    assert not at.exception and len(at.sidebar.radio(key="beam_model").options) == 2
