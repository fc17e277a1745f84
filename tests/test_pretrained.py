"""Shipped checkpoints: safetensors + JSON with their metrics, small, loadable; bad files refused."""

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import tiny

import seqviz
from seqviz.core.checkpoint import PRETRAINED_DIR, CheckpointError, load_model, save_model

NAMES = ["names-gru", "names-lstm", "names-rnn"]


def test_list_pretrained_has_every_model_with_metrics():
    docs = seqviz.list_pretrained(kind="char_lm")
    assert [d["name"] for d in docs] == NAMES + ["python-lstm", "wiki-lstm"]
    for d in docs:
        assert d["command"] == f"python -m seqviz.training.build {d['name']}"
        assert 1.0 < d["metrics"]["val_perplexity"] < 10  # far better than a uniform guess (28 or 80 characters)
        assert d["metrics"]["val_perplexity"] == pytest.approx(np.exp(d["metrics"]["val_loss_nats_per_char"]), rel=1e-3)
        corpus = {"names": "names", "wiki": "Wikipedia", "python": "standard library"}[d["name"].split("-")[0]]
        assert corpus in d["data"]["source"]
    sentiment = seqviz.list_pretrained(kind="sentiment")
    assert [d["name"] for d in sentiment] == ["sentiment-en-glove", "sentiment-en", "sentiment-zh"]  # by file name
    assert {d["name"] for d in seqviz.list_pretrained()} == set(NAMES) | {
        "wiki-lstm",
        "python-lstm",
        "sentiment-en",
        "sentiment-en-glove",
        "sentiment-zh",
        "date-attention",
        "date-no-attention",
        "date-transformer",
        "names-transformer",
        "ner-en",
        "ner-en-uni",
        "ner-zh",
        "ner-zh-uni",
        "trigger-gru",
        "bach-satb",
        "bach-melody",
        "wiki-skipgram",
        "wiki-glove",
    }
    for d in sentiment:
        assert d["command"] == f"python -m seqviz.training.build {d['name']}"
        assert all(0.5 <= m["majority_baseline"] < 1 and m["n"] > 50 for m in d["metrics"].values())


def test_wiki_model_writes_english_prose():
    m = seqviz.load_pretrained("wiki-lstm")
    tr = m.trace("The United States of Americ")
    assert tr.top_k(tr.T - 1, 1)[0][0] == "a"
    assert len(m.vocab) > 60  # upper and lower case, digits, punctuation


def test_sentiment_checkpoint_roundtrip(tmp_path):
    from seqviz.sentiment.models import read

    m = seqviz.load_pretrained("sentiment-en")
    save_model(m, "copy", {}, tmp_path)
    back = load_model(tmp_path / "copy.json")
    a, b = read(m, "not bad at all"), read(back, "not bad at all")
    assert a.p_lstm == b.p_lstm and a.p_average == b.p_average


def test_pretrained_is_small_and_has_no_pickles():
    """pretrained/ stays small enough for a git clone and a wheel: 32.5 MB with 21 checkpoints, GloVe 6B's views and
    the parsed chorales (the four named-entity taggers are 5.5 MB of it, their vocabularies and E; the trigger-word
    model and its clips 4.3 MB; the music models and the chorales 2.3 MB)."""
    files = list(Path(PRETRAINED_DIR).iterdir())
    assert sum(f.stat().st_size for f in files) < 36e6
    assert {f.suffix for f in files} <= {".json", ".safetensors"}


@pytest.mark.parametrize("name", NAMES)
def test_pretrained_models_predict_names(name):
    m = seqviz.load_pretrained(name)
    tr = m.trace("mary johnso")
    assert tr.top_k(tr.T - 1, 1)[0][0] == "n"  # a trained model finishes a common surname
    assert not m.training


def test_save_load_roundtrip_is_identical(tmp_path, cell):
    m = tiny(cell)
    save_model(m, "tiny", {"metrics": {}}, tmp_path)
    back = load_model(tmp_path / "tiny.json")
    a, b = m.trace("hello world"), back.trace("hello world")
    np.testing.assert_array_equal(a.a, b.a)
    np.testing.assert_array_equal(a.y_hat, b.y_hat)


def test_malformed_and_foreign_checkpoints_are_refused(tmp_path):
    save_model(tiny("gru"), "ok", {}, tmp_path)
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(CheckpointError, match="cannot read"):
        load_model(tmp_path / "bad.json")
    doc = json.loads((tmp_path / "ok.json").read_text())
    (tmp_path / "foreign.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(CheckpointError, match="not a SeqViz"):
        load_model(tmp_path / "foreign.json")
    doc["config"]["n_a"] = 9  # weights no longer fit
    (tmp_path / "ok.json").write_text(json.dumps(doc))
    with pytest.raises(CheckpointError, match="do not fit"):
        load_model(tmp_path / "ok.json")
    (tmp_path / "pickle.json").write_text(json.dumps({**doc, "name": "pickle"}))
    (tmp_path / "pickle.safetensors").write_bytes(b"\x80\x04\x95" + b"\x00" * 64)  # a pickle header
    with pytest.raises(CheckpointError, match="cannot read the weights"):
        load_model(tmp_path / "pickle.json")
    with pytest.raises(CheckpointError, match="no checkpoint"):
        seqviz.load_pretrained("nope", tmp_path)
