"""Sentiment classifiers: the maths of both models, their word contributions, tokenizers, data, and the shipped
English model on the course's negation pairs (the shipped held-out accuracies, and that they beat the majority
class, are recomputed in test_shipped_metrics.py)."""

import math

import numpy as np
import pytest
import torch

import seqviz
from seqviz.core.loop import TrainConfig, fit
from seqviz.core.text import tokenize
from seqviz.sentiment.data import lexicon_phrases, sentiment_splits
from seqviz.sentiment.models import (
    CONTRAST,
    GLOVE,
    PAD,
    SentimentConfig,
    SentimentModels,
    collate,
    encode_examples,
    evaluate,
    is_negation,
    joint_loss,
    predict,
    read,
    split_clitics,
    unseen_word,
)

WORDS = (PAD, "i", "am", "not", "feeling", "happy", "sad", "good", "bad", "movie")


def tiny(seed: int = 0) -> SentimentModels:
    torch.manual_seed(seed)
    m = SentimentModels(SentimentConfig("en", WORDS, n_e=6, n_a=5))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.3)
        m.E.weight[0] = 0
    return m.eval()


def test_averaging_is_the_softmax_of_the_mean_vector():
    m = tiny()
    r = read(m, "i am not feeling happy")
    E, W, b = (x.detach().numpy() for x in (m.E.weight, m.avg.weight, m.avg.bias))
    z = E[[1, 2, 3, 4, 5]].mean(0) @ W.T + b
    p = np.exp(z) / np.exp(z).sum()
    assert r.p_average == pytest.approx(p[1], abs=1e-6)


def test_lstm_reading_equals_torch_lstm_cell_step_by_step():
    m = tiny()
    r = read(m, "i am not feeling happy")
    cell = torch.nn.LSTMCell(6, 5)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(getattr(m.lstm, f"{name}_l0"))
        h = c = torch.zeros(1, 5)
        for t, i in enumerate([1, 2, 3, 4, 5]):
            h, c = cell(m.E.weight[i : i + 1], (h, c))
            p = torch.softmax(m.head(h), -1)[0, 1]
            assert r.lstm_running[t] == pytest.approx(float(p), abs=1e-6)
    assert r.p_lstm == pytest.approx(r.lstm_running[-1], abs=1e-7)


def test_contributions_add_up_to_the_verdicts():
    m = tiny(3)
    r = read(m, "not happy , not good movie")  # "," is unknown and left out
    sig = lambda z: 1 / (1 + math.exp(-z))
    assert r.known == [True, True, False, True, True, True]
    assert len(r.avg_contrib) == len(r.lstm_contrib) == 5
    assert sig(r.avg_bias + sum(r.avg_contrib)) == pytest.approx(r.p_average, abs=1e-6)
    assert sig(r.lstm_start + sum(r.lstm_contrib)) == pytest.approx(r.p_lstm, abs=1e-6)


def test_averaging_ignores_order_and_the_lstm_does_not():
    m = tiny()
    a, b = read(m, "not happy good"), read(m, "good happy not")
    assert a.p_average == pytest.approx(b.p_average, abs=1e-7)
    assert abs(a.p_lstm - b.p_lstm) > 1e-3


def test_only_unknown_words_give_no_verdict():
    r = read(tiny(), "xyzzy 😀 中文")
    assert r.n_known == 0 and math.isnan(r.p_average) and math.isnan(r.p_lstm)
    assert r.tokens == ["xyzzy", "😀", "中文"]


def test_batched_prediction_equals_single_reading():
    m = tiny()
    texts = ["i am happy", "not feeling good movie", "sad"]
    data = encode_examples(m, [(tokenize(x, "en"), 1) for x in texts])
    for which, attr in (("average", "p_average"), ("lstm", "p_lstm")):
        batch = predict(m, data, which)
        single = [getattr(read(m, x), attr) for x in texts]
        np.testing.assert_allclose(batch, single, atol=1e-6)


def test_joint_training_learns_negation_that_averaging_cannot():
    """The course's point on a toy set: 'not' flips the label; only the LSTM can fit all four."""
    pairs = [("happy", 1), ("not happy", 0), ("sad", 0), ("not sad", 1)] * 32
    m = tiny()
    data = encode_examples(m, [(tokenize(x, "en"), y) for x, y in pairs])
    cfg = TrainConfig(epochs=60, lr=0.03, batch_size=32, device="cpu")
    fit(m, joint_loss, data, cfg, collate_fn=collate)
    assert evaluate(m, data[:4])["lstm_accuracy"] == 1.0


def test_english_tokens_follow_the_corpus_and_chinese_is_segmented():
    assert tokenize("It's NOT bad, don't <b>", "en") == ["it's", "not", "bad", ",", "don't", "<", "b", ">"]
    zh = tokenize("我一点也不开心", "zh")
    assert "".join(zh) == "我一点也不开心" and len(zh) >= 3
    assert is_negation("don't", "en") and is_negation("not", "en") and is_negation("不", "zh")
    assert not is_negation("happy", "en")


def test_lexicon_phrases_flip_the_label_of_negated_copies():
    out = lexicon_phrases({"good": 3, "awful": -3}, seed=0)
    assert ("good", 1) in out and ("awful", 0) in out
    for text, y in out:
        word = "good" if "good" in text else "awful"
        negated = any(is_negation(w, "en") for w in tokenize(text, "en"))
        assert y == (int(word == "good") ^ int(negated))


def test_chinese_split_has_no_review_on_both_sides_and_no_contradictions():
    sp = sentiment_splits("zh")
    train = {x for x, _ in sp["train"]}
    test = [x for x, _ in sp["tests"]["reviews"]]
    assert len(test) > 1500 and not train & set(test) and len(set(test)) == len(test)
    assert len(train) == len(sp["train"])  # every text once, so one label each


def test_splits_do_not_overlap():
    sp = sentiment_splits("en")
    train = {x for x, _ in sp["train"]}
    assert not train & {x for x, _ in sp["tests"]["reviews"]}
    words = lambda pairs: (
        {w for x, _ in pairs for w in x.split()}
        - {
            "not",
            "i",
            "am",
            "feeling",
            "it",
            "was",
            "this",
            "movie",
            "is",
            "isn't",
            "the",
            "food",
            "never",
            "so",
            "!",
            "at",
            "all",
        }
    )
    assert not words(sp["tests"]["phrases"]) & words(sp["train"][sp["n_reviews_train"] :])


def test_shipped_english_lstm_gets_the_negation_pairs_right_and_averaging_does_not():
    m = seqviz.load_pretrained("sentiment-en")
    right = {"average": 0, "lstm": 0}
    for text, truth in CONTRAST["en"]:
        r = read(m, text)
        right["average"] += (r.p_average > 0.5) == bool(truth)
        right["lstm"] += (r.p_lstm > 0.5) == bool(truth)
    assert right["lstm"] >= len(CONTRAST["en"]) - 1 and right["average"] <= len(CONTRAST["en"]) - 2


# ---------------------------------------------------------------- E = GloVe 6B 50d, frozen (Emojify V1 / V2)


def glove_model(n_a: int = 4, seed: int = 0) -> SentimentModels:
    torch.manual_seed(seed)
    return SentimentModels(SentimentConfig("en", (PAD,), 50, n_a, GLOVE))


def test_glove_e_is_the_glove_rows_and_training_leaves_it_unchanged():
    v = seqviz.load_vectors(GLOVE)
    m = glove_model()
    assert not m.E.weight.requires_grad and not any(p is m.E.weight for p in m.parameters())
    assert "E.weight" not in m.state_dict()  # the checkpoint stores the classifiers only
    for w in ("happy", "sad", "not", "the"):
        np.testing.assert_array_equal(m.E(m.ids([w]))[0].numpy(), v.vector(w))  # e_w is GloVe's row of w
    assert not m.E(torch.tensor([0, 0])).any()  # id 0: padding and unknown words read zeros
    assert np.shares_memory(m.E.weight.numpy(), v.E)  # no copy of the 80 MB matrix per model or process
    before = m.E.weight.clone()
    pairs = [("happy", 1), ("not happy", 0), ("sad", 0), ("not sad", 1)] * 8
    data = encode_examples(m, [(m.tokenize(x), y) for x, y in pairs])
    lstm_before = m.lstm.weight_ih_l0.detach().clone()
    fit(m, joint_loss, data, TrainConfig(epochs=3, lr=0.03, batch_size=8, device="cpu"), collate_fn=collate)
    assert torch.equal(m.E.weight, before)  # frozen: not one number of E moved
    assert not torch.equal(m.lstm.weight_ih_l0, lstm_before)  # while the classifiers did learn


def test_a_word_outside_the_training_vocabulary_gets_its_glove_vector():
    v = seqviz.load_vectors(GLOVE)
    shipped = seqviz.load_pretrained("sentiment-en-glove")
    train = set(shipped.meta["train_vocabulary"])
    for w in ("wonderful", "abysmal"):
        assert w not in train
        np.testing.assert_array_equal(shipped.E(shipped.ids([w]))[0].numpy(), v.vector(w))
    r = read(shipped, "Wonderful")  # capitals: GloVe 6B is lower-case, the tokenizer lowers them
    assert r.tokens == ["wonderful"] and r.known == [True] and r.p_lstm > 0.5
    u = unseen_word(shipped, "Abysmal", train, k=3)
    assert (u.word, u.in_vectors, u.in_training) == ("abysmal", True, False)
    assert u.p_average < 0.5 and u.p_lstm < 0.5 and len(u.neighbours) == 3
    assert all(n in train for n, _ in u.neighbours) and u.neighbours[0][1] >= u.neighbours[-1][1]
    assert u.neighbours[0][1] == pytest.approx(v.similarity("abysmal", u.neighbours[0][0]), abs=1e-6)
    # what GloVe does not hold (a typo, Chinese) is left out, as an unknown word is with the learnt E
    r = read(shipped, "xyzzyq 中文")
    assert r.n_known == 0 and math.isnan(r.p_lstm)
    assert unseen_word(shipped, "中文", train).in_vectors is False


def test_contractions_are_split_as_glove_has_them():
    m = glove_model()
    assert m.tokenize("It isn't bad, I can't say it's not") == [
        "it", "is", "n't", "bad", ",", "i", "ca", "n't", "say", "it", "'s", "not",
    ]  # fmt: skip
    assert all(m.index.get(w, 0) > 0 for w in m.tokenize("It isn't bad, I can't say it's not"))
    assert is_negation("n't", "en")
    assert split_clitics(["don't", "o'clock"], {"o'clock": 0}) == ["do", "n't", "o'clock"]


def test_glove_checkpoint_round_trip_rebuilds_e_and_refuses_bad_configs(tmp_path):
    from seqviz.core.checkpoint import CheckpointError, load_model, model_from_bytes, save_model, to_bytes

    m = glove_model(n_a=3)
    path = save_model(m, "g", {}, tmp_path)
    assert path.with_suffix(".safetensors").stat().st_size < 50_000  # no 400,000 x 50 matrix inside
    back = load_model(path)
    assert back.config.vectors == GLOVE and torch.equal(back.E.weight, m.E.weight)
    doc, weights = to_bytes(m, "g", {})
    for bad in ({"vectors": "glove-840b"}, {"lang": "zh"}, {"n_e": 60}):
        cfg = {**m.config_dict(), **bad}
        with pytest.raises(CheckpointError):
            model_from_bytes({"format": "seqviz-checkpoint-1", "kind": "sentiment", "config": cfg}, weights)


def test_glove_embedding_refuses_chinese_data():
    from seqviz.core.registry import DataError
    from seqviz.training.runner import read_data, run

    data = read_data("sentiment", "zh")
    with pytest.raises(DataError) as err:
        run("sentiment", data, {"embedding": GLOVE, "epochs": 1})
    assert err.value.code == "english_only"
