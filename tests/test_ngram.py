"""The n-gram baseline: our per-line scoring against hand counts, and the shipped table."""

import math

import pytest

from seqviz.rnn import ngram


def test_bigram_mle_perplexity_matches_hand_counts():
    lines = ["ab", "aab"]
    m = ngram.fit(lines, 2, smoothing="mle")
    # bigram counts with padding: <s>a 2, aa 1, ab 2, b</s> 2; P(a|<s>)=1, P(a|a)=1/3, P(b|a)=2/3, P(</s>|b)=1
    nll = -(math.log(1) + math.log(2 / 3) + math.log(1)) - (
        math.log(1) + math.log(1 / 3) + math.log(2 / 3) + math.log(1)
    )
    assert ngram.line_nll(m, "ab") == (pytest.approx(-math.log(2 / 3)), 3)
    assert ngram.perplexity(m, lines) == pytest.approx(math.exp(nll / 7))


def test_kneser_ney_gives_unseen_sequences_a_chance_and_beats_uniform():
    lines = ["anna", "hannah", "nathan", "jonathan", "johanna"] * 5
    m = ngram.fit(lines, 3)
    nll, count = ngram.line_nll(m, "nanna")
    assert math.isfinite(nll) and count == 6
    assert 1.0 < ngram.perplexity(m, ["joanna"]) < len(set("".join(lines))) + 1


def test_shipped_table_compares_ngrams_with_the_neural_models():
    table = ngram.load_baseline()
    assert table is not None and table["command"] == "python -m seqviz.rnn.ngram"
    names = {r["model"]: r["perplexity"] for r in table["corpora"]["names"]["rows"]}
    assert {"2-gram Kneser-Ney", "5-gram Kneser-Ney", "names-lstm", "names-rnn"} <= set(names)
    assert names["5-gram Kneser-Ney"] < names["2-gram Kneser-Ney"]  # more context helps
    assert names["names-lstm"] < names["3-gram Kneser-Ney"]  # and the LSTM uses more still
    assert "wiki-lstm" in {r["model"] for r in table["corpora"]["wiki"]["rows"]}
