"""The shipped checkpoints' JSON recomputed: every metric in pretrained/*.json that takes seconds to recompute is
recomputed here from the weights and the data its recipe used, so a JSON that lies fails.

Recomputed on the whole held-out sets, compared to the number of decimals the JSON keeps:
  names-rnn / gru / lstm, wiki-lstm,  held-out loss (nats per character) and perplexity, line counts
  names-transformer
  python-lstm                         the same on its held-out files, when this Python's standard library is the one
                                      it was built on (its JSON's sha256; else skipped, saying so)
  ngram-baseline.json                 the neural rows (perplexity on the first held-out lines), line and character
                                      counts, parameter counts
  sentiment-en / zh                   every field of metrics: n, dropped, majority class, accuracies, with negation
  date-attention / no-attention /     exact match and character accuracy (greedy), by length, by locale, the
  date-transformer                    error analysis of every greedy error, the stored examples, parameter count
  wiki-skipgram / glove               analogy accuracy and coverage, WordSim-353 and SimLex-999 Spearman ρ and
                                      coverage, the random-vector baselines, vocabulary size
  bach-satb / bach-melody             held-out loss, perplexity and token count on the 29 held-out chorales, which
                                      chorales are held out and which validate, the training windows and tokens
                                      (transpositions included) and the vocabulary; bach-chorales.json's counts
  trigger-gru                         recall and false alarms per voice on the 880 held-out clips (synthesised again:
                                      about a minute, with espeak-ng and flite; skipped, saying so, where they make
                                      other audio than the build's, which the shipped clips show) and on the clips
                                      it ships
  ner-en / en-uni / zh / zh-uni       entity precision, recall, F1 and n per type and overall on every held-out set
                                      (counted here, by conlleval's rules), the sets' sizes and entity counts, the
                                      training set's size, tokens and entity counts (the data the code makes now),
                                      the vocabulary's size; and the page's Teddy pair (only the bidirectional
                                      tagger reads ahead)
Partly: the date models' beam numbers (exact_beam10, error_analysis.beam). A beam of 10 takes ~7 ms a date on one
thread, about a minute for both models' 8,000 test dates, so it runs on every greedy error (exact) and on a fixed
sample of BEAM_SAMPLE dates greedy gets right (which catches a JSON that hides beam errors only if one is sampled).
Not recomputed (minutes to hours): anything produced by training (final_train_loss, validation_loss, the learning
curves, steps), the n-gram rows of ngram-baseline.json (nltk fits of 19-78 s each, and a 5-gram scores ~40
characters a second), the date models' `scan` (greedy and beam over 34,497 dates).

Each comparison is a `check_*(stored JSON, recomputed)` function: `test_a_lying_json_is_caught` hands each one a
doctored copy and asserts it fails, and `test_a_lying_file_in_the_pretrained_folder_is_caught` runs a real test
against a pretrained folder whose JSON was edited.
"""

import copy
import functools
import json
import math
import os
import shutil
from collections import Counter

import numpy as np
import pytest
import torch
from scipy.stats import spearmanr

from seqviz.core.checkpoint import PRETRAINED_DIR, load_pretrained
from seqviz.core.data import full_names, split_lines, wiki_sentences
from seqviz.core.registry import NO_CAPS
from seqviz.core.registry import shipped as shipped_recipes
from seqviz.ner.data import TEDDY_PAIR, english_sentences, people_daily
from seqviz.rnn.ngram import BASELINE_FILE, N_EVAL
from seqviz.sentiment.data import sentiment_splits
from seqviz.sentiment.models import MAX_TOKENS, encode_examples, is_negation, predict
from seqviz.translation.dates import LENGTH_BINS, date_pairs, length_bucket
from seqviz.translation.models import greedy_batch

FOLDER = PRETRAINED_DIR  # the tests read JSON and weights from here (one test points it at a doctored copy)
CHAR_LMS = ("names-rnn", "names-gru", "names-lstm", "wiki-lstm", "python-lstm")
SENTIMENT = ("sentiment-en", "sentiment-en-glove", "sentiment-zh")
DATES = ("date-attention", "date-no-attention", "date-transformer")
CHAR_TRANSFORMERS = ("names-transformer",)  # scored as the character models are (not in the n-gram table)
VECTORS = ("wiki-skipgram", "wiki-glove")
NER = ("ner-en", "ner-en-uni", "ner-zh", "ner-zh-uni")
MUSIC = ("bach-satb", "bach-melody")
TRIGGER = ("trigger-gru",)
CHORALES = "bach-chorales"  # not a checkpoint: the chorales parsed once, which the music models train on
GLOVE6B = "glove-6b-50d"  # not a checkpoint: the course's GloVe 6B, whose build ships its scores and views
BEAM_SAMPLE = 400  # dates greedy gets right whose beam output is checked too (per model), ~3 s each


pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def stored(name: str) -> dict:
    """What the shipped JSON says (read as a file, not through the model)."""
    return json.loads((FOLDER / f"{name}.json").read_text(encoding="utf-8"))


def model(name: str):
    return load_pretrained(name, FOLDER)


def recipe(name: str) -> tuple[str, dict]:
    """How `name` was built: (the bundled data set, every setting of its recipe), from the model-kind registry."""
    kind, ship = shipped_recipes()[name]
    return ship.source, {**kind.defaults(), **ship.params}


def assert_rounded(stored_value, value, decimals: int, what: str = "") -> None:
    """`stored_value` is `value` rounded to `decimals` (1e-6 of slack for float32 sums done in another order)."""
    assert stored_value is not None and abs(stored_value - value) <= 0.5 * 10.0**-decimals + 1e-6, (
        f"{what}: the JSON says {stored_value}, recomputed {value}"
    )


def test_every_shipped_checkpoint_is_checked_here():
    """A checkpoint added to pretrained/ (or to the registry's shipped recipes) gets its metrics checked too."""
    checked = set(CHAR_LMS + CHAR_TRANSFORMERS + SENTIMENT + DATES + VECTORS + NER + MUSIC + TRIGGER)
    assert set(shipped_recipes()) == checked
    assert {p.stem for p in PRETRAINED_DIR.glob("*.json")} == checked | {
        BASELINE_FILE.removesuffix(".json"),
        GLOVE6B,
        CHORALES,
    }


# ---------------------------------------------------------------- character language models

CORPORA = {"names": lambda: full_names(seed=0), "wiki": wiki_sentences}  # as seqviz/rnn/kind.py reads them


@functools.cache
def held_out(name: str) -> tuple[list[str], list[str]]:
    """The recipe's split (seqviz/rnn/kind.py read + train): every line of the corpus (none sampled away), 10% held
    out after a shuffle with the recipe's seed, at most `val_lines` of them scored."""
    corpus, p = recipe(name)
    if corpus == "python":  # held out by file: python_source() gives the split (and names this stdlib's text)
        from seqviz.core.data import python_source

        train, val, about = python_source()
        if about["sha256"] != stored(name)["data"]["sha256"]:
            pytest.skip(f"this Python's standard library is not the one {name} was built on (sha256 differs)")
        return train, val[: p["val_lines"]]
    lines = CORPORA[corpus]()
    assert len(lines) <= p["max_lines"]
    train, val = split_lines(lines, 0.1, seed=p["seed"])
    return train, val[: p["val_lines"]]


@torch.no_grad()
def line_nll(m, lines: list[str], rows: int = 256) -> tuple[np.ndarray, np.ndarray]:
    """−Σ log P of each line's characters and the ⏎ that ends it, each line from a<0> = 0, and how many
    predictions that is: lines sorted by length into padded batches whose padding is never scored."""
    seqs = [np.concatenate([[0], m.vocab.encode(line), [0]]) for line in lines]
    assert all((s >= 0).all() for s in seqs)  # the vocabulary was built from every line
    order = np.argsort([len(s) for s in seqs], kind="stable")
    nll, count = np.zeros(len(lines)), np.zeros(len(lines), dtype=np.int64)
    for i in range(0, len(order), rows):
        idx = order[i : i + rows]
        T = max(len(seqs[j]) for j in idx) - 1
        x = torch.zeros(len(idx), T, dtype=torch.long)
        y = torch.full((len(idx), T), -1, dtype=torch.long)
        for r, j in enumerate(idx):
            s = torch.from_numpy(seqs[j])
            x[r, : len(s) - 1], y[r, : len(s) - 1] = s[:-1], s[1:]
        logp = torch.log_softmax(m(x), -1).gather(-1, y.clamp(min=0)[..., None])[..., 0]
        nll[idx] = -torch.where(y >= 0, logp, 0.0).double().sum(1).numpy()
        count[idx] = (y >= 0).sum(1).numpy()
    return nll, count


@functools.cache
def char_lm_recomputed(name: str) -> dict:
    corpus = recipe(name)[0]
    train, val = held_out(name)
    m = model(name)
    nll, count = line_nll(m, val)
    loss = nll.sum() / count.sum()
    return {
        "corpus": corpus,
        "n_train": len(train),
        "n_val": len(val),
        "loss": loss,
        "perplexity": math.exp(loss),
        "nll": nll,
        "count": count,
        "parameters": sum(p.numel() for p in m.parameters()),
    }


def check_char_lm(meta: dict, rec: dict) -> None:
    assert meta.get("corpus", "names") == rec["corpus"]
    assert (meta["data"]["n_train_lines"], meta["data"]["n_val_lines"]) == (rec["n_train"], rec["n_val"])
    assert_rounded(meta["metrics"]["val_loss_nats_per_char"], rec["loss"], 4, "held-out loss")
    assert_rounded(meta["metrics"]["val_perplexity"], rec["perplexity"], 3, "held-out perplexity")


@pytest.mark.parametrize("name", CHAR_LMS + CHAR_TRANSFORMERS)
def test_char_lm_held_out_loss_and_perplexity(name):
    check_char_lm(stored(name), char_lm_recomputed(name))


def ngram_recomputed() -> dict:
    """The neural rows of the n-gram table: the first held-out lines up to N_EVAL predictions (seqviz/rnn/ngram.py)."""
    out = {}
    for name in CHAR_LMS:
        if recipe(name)[0] not in ("names", "wiki"):  # the n-gram table covers the two line corpora
            continue
        rec = char_lm_recomputed(name)
        n_lines = int(np.searchsorted(np.cumsum(rec["count"]), N_EVAL)) + 1  # count = len(line) + 1
        loss = rec["nll"][:n_lines].sum() / rec["count"][:n_lines].sum()
        out.setdefault(
            rec["corpus"],
            {
                "n_train_lines": rec["n_train"],
                "n_eval_lines": n_lines,
                "n_eval_chars": int(rec["count"][:n_lines].sum()),
                "rows": {},
            },
        )
        out[rec["corpus"]]["rows"][name] = {"perplexity": math.exp(loss), "parameters": rec["parameters"]}
    return out


def check_ngram_table(table: dict, rec: dict) -> None:
    assert set(table["corpora"]) == set(rec)
    for corpus, c in table["corpora"].items():
        want = rec[corpus]
        assert {k: c[k] for k in ("n_train_lines", "n_eval_lines", "n_eval_chars")} == {
            k: want[k] for k in ("n_train_lines", "n_eval_lines", "n_eval_chars")
        }, corpus
        neural = {r["model"]: r for r in c["rows"] if r["n"] is None}
        assert set(neural) == set(want["rows"]), corpus  # every shipped model of the corpus, no other
        for name, r in neural.items():
            assert_rounded(r["perplexity"], want["rows"][name]["perplexity"], 3, name)
            assert r["parameters"] == want["rows"][name]["parameters"], name


def test_ngram_table_neural_rows():
    table = json.loads((FOLDER / BASELINE_FILE).read_text(encoding="utf-8"))
    check_ngram_table(table, ngram_recomputed())


# ---------------------------------------------------------------- sentiment


@functools.cache
def sentiment_recomputed(name: str) -> dict:
    """Every field of seqviz/sentiment/kind.py's sentiment_metrics, computed here from the splits and the weights."""
    m = model(name)
    lang = m.config.lang
    sp = sentiment_splits(lang)
    out = {}
    for test, pairs in sp["tests"].items():
        toks = [(m.tokenize(x)[:MAX_TOKENS], y) for x, y in pairs]  # E = GloVe: contractions split as GloVe has them
        if test == "phrases":  # scored only when E knows the held-out rated word, not just the template
            kept = [(t, y) for t, y in toks if any(w in sp["test_words"] and w in m.index for w in t)]
        else:  # at least one word E knows (index 0 is padding)
            kept = [(t, y) for t, y in toks if any(m.index.get(w, 0) > 0 for w in t)]
        data = encode_examples(m, kept)
        assert len(data) == len(kept)
        y = np.array([lab for _, lab in kept])
        neg = np.array([any(is_negation(w, lang) for w in t) for t, _ in kept])
        row = {
            "n": len(kept),
            "n_dropped_unknown": len(pairs) - len(kept),
            "majority_baseline": max(y.mean(), 1 - y.mean()),
            "n_with_negation": int(neg.sum()),
        }
        for which in ("average", "lstm"):
            right = (predict(m, data, which) > 0.5) == y
            row[f"{which}_accuracy"] = right.mean()
            row[f"{which}_accuracy_with_negation"] = right[neg].mean() if neg.any() else None
        out[test] = row
    return out


def check_sentiment(meta: dict, rec: dict) -> None:
    got = meta["metrics"]
    assert set(got) == set(rec)
    for test, row in rec.items():
        assert set(got[test]) == set(row), test
        for key in ("n", "n_dropped_unknown", "n_with_negation"):
            assert got[test][key] == row[key], (test, key)
        for key in set(row) - {"n", "n_dropped_unknown", "n_with_negation"}:
            if row[key] is None:  # no text with a negation: the JSON says null
                assert got[test][key] is None, (test, key)
            else:
                assert_rounded(got[test][key], row[key], 4, f"{test} {key}")


@pytest.mark.parametrize("name", SENTIMENT)
def test_sentiment_held_out_metrics(name):
    check_sentiment(stored(name), sentiment_recomputed(name))


@pytest.mark.parametrize(
    "name,test,beat",
    [
        ("sentiment-zh", "reviews", ("average", "lstm")),
        # English: only 100 labelled reviews ship, so on unseen rated words averaging stays at the majority class
        # (the README and the page say so); the LSTM, which learnt what "not" does, beats it
        ("sentiment-en", "phrases", ("lstm",)),
        # E = GloVe 6B, frozen: the rated words held out have vectors near the trained ones, so both beat it
        ("sentiment-en-glove", "phrases", ("average", "lstm")),
    ],
)
def test_shipped_classifiers_beat_the_majority_class(name, test, beat):
    """By more than 1.5 standard errors of an accuracy at 50%, on the recomputed numbers."""
    row = sentiment_recomputed(name)[test]
    for which in beat:
        assert row[f"{which}_accuracy"] > row["majority_baseline"] + 1.5 * math.sqrt(0.25 / row["n"]), (which, row)


def test_sentiment_glove_unseen_words_are_unseen_and_its_vocabulary_is_the_training_sentences():
    """sentiment-en-glove.json's `train_vocabulary` is every word of its training sentences (as its E reads them), and
    each of its `unseen_words` is in none of them and has a GloVe vector."""
    m, doc = model("sentiment-en-glove"), stored("sentiment-en-glove")
    train = {w for x, _ in sentiment_splits("en")["train"] for w in m.tokenize(x)[:MAX_TOKENS]}
    assert doc["train_vocabulary"] == sorted(train)
    words = [u["word"] for u in doc["unseen_words"]]
    assert len(words) == 6 and not set(words) & train and all(m.index.get(w, 0) > 0 for w in words)
    assert doc["data"]["n_vocabulary"] == len(m.vectors.words) == 400_000


# ---------------------------------------------------------------- date translators


@functools.cache
def held_out_dates(n_test: int) -> list:
    """The recipe's test set (seqviz/translation/kind.py read): n_test held-out dates drawn with seed 2."""
    return date_pairs(n_test, seed=2, split="test")


def _counts(verdicts: list[str]) -> dict:
    return {"search": verdicts.count("search"), "model": verdicts.count("model")}


@functools.cache
def dates_recomputed(name: str) -> dict:
    meta = stored(name)
    B, alpha = meta["metrics"]["error_analysis"]["beam_width"], meta["metrics"]["error_analysis"]["length_alpha"]
    m, test = model(name), held_out_dates(recipe(name)[1]["n_test"])
    outs, _ = greedy_batch(m, [p.human for p in test])
    ok = np.array([o == p.iso for o, p in zip(outs, test)])
    chars = [sum(a == b for a, b in zip(o.ljust(len(p.iso)), p.iso)) / len(p.iso) for o, p in zip(outs, test)]
    by_length = {}
    for lo, hi in LENGTH_BINS:
        sel = np.array([length_bucket(len(p.human)) == f"{lo}-{hi}" for p in test])
        by_length[f"{lo}-{hi}"] = {"n": int(sel.sum()), "exact": ok[sel].mean() if sel.any() else None}
    by_locale = {
        loc: {"n": int(sel.sum()), "exact": ok[sel].mean()}
        for loc in sorted({p.locale for p in test})
        for sel in [np.array([p.locale == loc for p in test])]
    }
    greedy_of = dict(zip((p.human for p in test), outs))
    pair_of = {p.human: p for p in test}

    @functools.cache
    def example(human: str) -> dict | None:
        """A test date as the JSON's examples list it: greedy and beam output, each verdict (search or model at
        fault, or correct); None for a date not in the test set."""
        p = pair_of.get(human)
        if p is None:
            return None
        greedy, beam = greedy_of[human], m.translate(human, B, alpha).output
        verdict = lambda out, width: "correct" if out == p.iso else m.error_analysis(human, p.iso, width, alpha).verdict
        return {
            "human": human,
            "reference": p.iso,
            "greedy": greedy,
            "beam": beam,
            "verdict_greedy": verdict(greedy, 1),
            "verdict_beam": verdict(beam, B),
            "locale": p.locale,
            "pattern": p.pattern,
        }

    errors = {test[i].human: example(test[i].human) for i in np.flatnonzero(~ok)}  # every greedy error
    rng = np.random.default_rng(0)  # a fixed sample of the dates greedy gets right, through the beam too
    sample = rng.choice(np.flatnonzero(ok), min(BEAM_SAMPLE, int(ok.sum())), replace=False)
    beam_wrong_in_sample = sum(m.translate(test[i].human, B, alpha).output != test[i].iso for i in sample)
    return {
        "n_test": len(test),
        "exact_greedy": ok.mean(),
        "char_accuracy_greedy": float(np.mean(chars)),
        "by_length": by_length,
        "by_locale": by_locale,
        "errors": errors,
        "example": example,
        "beam_wrong_in_sample": beam_wrong_in_sample,
        "n_parameters": sum(p.numel() for p in m.parameters()),
    }


def check_dates(meta: dict, rec: dict) -> None:
    got = meta["metrics"]
    assert meta["data"]["n_test"] == got["n_test"] == rec["n_test"]
    assert meta["n_parameters"] == rec["n_parameters"]
    assert_rounded(got["exact_greedy"], rec["exact_greedy"], 4, "exact_greedy")
    assert_rounded(got["char_accuracy_greedy"], rec["char_accuracy_greedy"], 4, "char_accuracy_greedy")
    for group in ("by_length", "by_locale"):
        assert set(got[group]) == set(rec[group]), group
        for key, row in rec[group].items():
            assert got[group][key]["n"] == row["n"], (group, key)
            assert_rounded(got[group][key]["exact"], row["exact"], 4, f"{group} {key}")
    errors, kept = rec["errors"], 16  # test_metrics keeps 2 x 8 examples
    assert got["error_analysis"]["greedy"] == _counts([e["verdict_greedy"] for e in errors.values()])
    # every stored example is a test date recomputed field by field; with no more errors than examples kept,
    # every greedy error is listed
    for e in got["examples"]:
        assert e == rec["example"](e["human"]), e
    shown = {e["human"] for e in got["examples"] if e["verdict_greedy"] != "correct"}
    if len(errors) <= kept:
        assert shown == set(errors)
    # beam: exact on the greedy errors; on the dates greedy gets right, the JSON's beam-only errors must be listed
    # (when few) and recompute, and a claim of none is checked on the sample
    B = got["error_analysis"]["beam_width"]
    beam_wrong = [e for e in errors.values() if e["verdict_beam"] != "correct"]
    beam_only = [e for e in got["examples"] if e["verdict_greedy"] == "correct"]
    n_beam_wrong = round((1 - got[f"exact_beam{B}"]) * rec["n_test"])
    n_beam_only = n_beam_wrong - len(beam_wrong)
    assert sum(got["error_analysis"]["beam"].values()) == n_beam_wrong
    assert n_beam_only >= len(beam_only)
    if len(errors) + n_beam_only <= kept:
        assert len(beam_only) == n_beam_only
    if n_beam_only == 0:
        assert rec["beam_wrong_in_sample"] == 0
    if n_beam_only == len(beam_only):
        assert got["error_analysis"]["beam"] == _counts([e["verdict_beam"] for e in beam_wrong + beam_only])


@pytest.mark.parametrize("name", DATES)
def test_date_translator_held_out_metrics(name):
    check_dates(stored(name), dates_recomputed(name))


def test_attention_beats_no_attention_and_the_attention_model_is_near_perfect():
    att, plain = dates_recomputed("date-attention"), dates_recomputed("date-no-attention")
    assert att["exact_greedy"] >= plain["exact_greedy"] and att["exact_greedy"] >= 0.99


# ---------------------------------------------------------------- word vectors


def _gensim_file(name: str) -> str:
    from gensim.test.utils import datapath

    return datapath(name)


def benchmarks(words: list[str], E: np.ndarray, analogy_vocab: int | None = None) -> dict:
    """The scores seqviz/embeddings/benchmarks.py gets from gensim, written out with numpy and scipy.

    analogy: a:b :: c:? answered by the word nearest (cosine) to unit(b) − unit(a) + unit(c), a, b and c
    excluded, on the questions whose four words are all among the `analogy_vocab` most frequent (all words by
    default), searched among those words; also per section of questions-words; wordsim353 / simlex999: Spearman's ρ
    between the cosine and the human rating of the pairs whose two words are known (any of them).
    """
    index = {w: i for i, w in enumerate(words)}
    U = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    n = min(analogy_vocab or len(words), len(words))
    questions, sections = [], []
    with open(_gensim_file("questions-words.txt"), encoding="utf-8") as f:
        for line in f:
            if line.startswith(":"):
                sections.append(line[1:].strip())
            elif line.strip():
                questions.append((sections[-1], line.lower().split()))
    kept = [(sec, [index[w] for w in q]) for sec, q in questions if all(index.get(w, n) < n for w in q)]
    known = np.array([q for _, q in kept]).reshape(-1, 4)
    correct = np.zeros(len(known), dtype=bool)
    for s in range(0, len(known), 512):
        q = known[s : s + 512]
        target = U[q[:, 1]] - U[q[:, 0]] + U[q[:, 2]]
        S = (target / np.linalg.norm(target, axis=1, keepdims=True)) @ U[:n].T
        np.put_along_axis(S, q[:, :3], -np.inf, axis=1)
        correct[s : s + 512] = S.argmax(1) == q[:, 3]
    per = {sec: [ok for (sec_, _), ok in zip(kept, correct) if sec_ == sec] for sec in sections}
    out = {
        "analogy": {
            "accuracy": float(correct.mean()) if len(known) else 0.0,
            "covered": len(known),
            "total": len(questions),
            "coverage": len(known) / len(questions),
            "sections": {
                sec: {"accuracy": sum(oks) / max(1, len(oks)), "covered": len(oks)} for sec, oks in per.items() if oks
            },
        }
    }
    for name, file in (("wordsim353", "wordsim353.tsv"), ("simlex999", "simlex999.txt")):
        with open(_gensim_file(file), encoding="utf-8") as f:
            rows = [line.lower().split("\t") for line in f if line.strip() and not line.startswith("#")]
        pairs = [(index[a], index[b], float(r)) for a, b, r in rows if a in index and b in index]
        cos = [float(U[i] @ U[j]) for i, j, _ in pairs]
        out[name] = {
            "spearman": float(spearmanr(cos, [r for *_, r in pairs])[0]),
            "coverage": len(pairs) / len(rows),
            "covered": len(pairs),
            "total": len(rows),
        }
    return out


@functools.cache
def vectors_recomputed(name: str) -> dict:
    """The benchmark scores of shipped vectors, from the vectors themselves (GloVe 6B: from its wheel, analogies over
    the 30,000 most frequent words as its build scores them)."""
    if name == GLOVE6B:
        from seqviz.embeddings.glove6b import ANALOGY_VOCAB, load

        v, n = load(), ANALOGY_VOCAB
    else:
        v, n = model(name).vectors(), None
    rec = benchmarks(v.words, v.E.astype(np.float64), n)
    rng = np.random.default_rng(0)  # the recipe's chance level: the same words with random vectors
    chance = benchmarks(v.words, rng.normal(size=v.E.shape).astype(np.float32).astype(np.float64), n)
    rec["random_vectors"] = {
        "analogy": chance["analogy"]["accuracy"],
        "wordsim353": chance["wordsim353"]["spearman"],
        "simlex999": chance["simlex999"]["spearman"],
    }
    rec["n_vocabulary"] = len(v.words)
    return rec


def check_vectors(meta: dict, rec: dict) -> None:
    got = meta["metrics"]
    assert meta.get("data", {}).get("n_vocabulary", meta.get("V")) == rec["n_vocabulary"]
    a, b = got["analogy"], rec["analogy"]
    assert (a["covered"], a["total"]) == (b["covered"], b["total"])
    assert round(a["accuracy"] * a["covered"]) == round(b["accuracy"] * b["covered"])  # the same questions right
    assert a["coverage"] == pytest.approx(b["coverage"], abs=1e-12)
    assert a["sections"].keys() == b["sections"].keys()
    for sec, x in a["sections"].items():
        y = b["sections"][sec]
        assert x["covered"] == y["covered"] and round(x["accuracy"] * x["covered"]) == round(
            y["accuracy"] * y["covered"]
        )
    for bench in ("wordsim353", "simlex999"):
        a, b = got[bench], rec[bench]
        assert (a["covered"], a["total"]) == (b["covered"], b["total"])
        assert a["coverage"] == pytest.approx(b["coverage"], abs=1e-12)
        assert a["spearman"] == pytest.approx(b["spearman"], abs=1e-4), bench  # float32 cosines in gensim
    for key, value in rec["random_vectors"].items():
        assert_rounded(got["random_vectors"][key], value, 4, f"random_vectors {key}")


@pytest.mark.parametrize("name", VECTORS + (GLOVE6B,))
def test_word_vector_benchmarks(name):
    check_vectors(stored(name), vectors_recomputed(name))


def test_benchmarks_agree_with_the_library(name="wiki-glove"):
    """The numpy re-implementation above and seqviz.embeddings.benchmarks.evaluate (gensim) agree (on one model:
    gensim answers the analogies one by one in Python, 3-10 s)."""
    from seqviz.embeddings.benchmarks import evaluate

    lib, rec = evaluate(model(name).vectors()), vectors_recomputed(name)
    assert lib["analogy"]["covered"] == rec["analogy"]["covered"]
    assert lib["analogy"]["accuracy"] == pytest.approx(rec["analogy"]["accuracy"], abs=1.5 / rec["analogy"]["covered"])
    for bench in ("wordsim353", "simlex999"):
        assert lib[bench]["covered"] == rec[bench]["covered"]
        assert lib[bench]["spearman"] == pytest.approx(rec[bench]["spearman"], abs=1e-4)


def test_glove6b_json_holds_the_course_numbers_recomputed():
    """pretrained/glove-6b-50d.json's notebook block is what glove6b.course_numbers gives on the wheel's vectors."""
    from seqviz.embeddings.glove6b import course_numbers, load

    got, rec = stored(GLOVE6B)["course"], course_numbers(load())
    assert got["analogies"] == rec["analogies"]
    for x, y in zip(got["cosines"], rec["cosines"]):
        assert x["here"] == pytest.approx(y["here"], abs=1e-9)
    for key, value in rec["debias"].items():
        assert got["debias"][key] == pytest.approx(value, abs=1e-9), key


def test_shipped_vectors_beat_random_ones():
    for name in VECTORS + (GLOVE6B,):
        rec = vectors_recomputed(name)
        assert rec["wordsim353"]["spearman"] > rec["random_vectors"]["wordsim353"] + 0.05, name
        assert rec["analogy"]["accuracy"] > rec["random_vectors"]["analogy"], name


# ---------------------------------------------------------------- named-entity taggers


def bio_entities(tags) -> set[tuple[str, int, int]]:
    """(type, first, last) of every entity in BIO tags, by conlleval's rules: an entity starts at B-X, or at an I-X
    that follows O or another type, and runs over the I-X after it."""
    out, kind, start = set(), None, 0
    for i, t in enumerate([*tags, "O"]):
        if t == "O" or t.startswith("B-") or t[2:] != kind:  # the open entity (if any) ends before token i
            if kind is not None:
                out.add((kind, start, i - 1))
            kind, start = (None, 0) if t == "O" else (t[2:], i)
    return out


def entity_prf(gold: list, pred: list) -> dict:
    """Per type and over all ("all"): precision (right / predicted, 0 when none), recall (right / true, 0 when
    none), their harmonic mean and n (true entities), an entity right when its type and both ends are."""
    true = {(k, s, *e) for s, tags in enumerate(gold) for k, *e in bio_entities(tags)}
    said = {(k, s, *e) for s, tags in enumerate(pred) for k, *e in bio_entities(tags)}
    out = {}
    for kind in sorted({e[0] for e in true | said}) + ["all"]:
        t = {e for e in true if kind in ("all", e[0])}
        p = {e for e in said if kind in ("all", e[0])}
        prec, rec = (len(t & p) / len(p) if p else 0.0), (len(t & p) / len(t) if t else 0.0)
        out[kind] = {"precision": prec, "recall": rec, "f1": 2 * prec * rec / (prec + rec) if prec + rec else 0.0}
        out[kind]["n"] = len(t)
    return out


@functools.cache
def ner_recomputed(name: str) -> dict:
    """The recipe's data as the "ner" kind reads it: the training sentences' size and entities, and the held-out sets
    (People's Daily's held-out paragraphs; the English sets but "train"), each tagged by the checkpoint and scored
    here."""
    from seqviz.core.registry import get

    source, p = recipe(name)
    m = model(name)
    assert m.config.lang == name.split("-")[1] and m.config.bidirectional == (not name.endswith("-uni"))
    data = get("ner").read("ner", source, None, p, NO_CAPS)
    tests = data.extra["tests"]
    if m.config.lang == "zh":
        assert tests == {"held_out": people_daily()[1]} and tuple(data.items) == people_daily()[0]
    else:
        sets = english_sentences()
        assert tests == {k: v for k, v in sets.items() if k != "train"} and tuple(data.items) == sets["train"]
    # every word of the vocabulary is a key the tagger looks up (English lower-cased, Chinese without ASCII, which
    # it reads full-width), else the word could never be read
    words = m.config.words[2:]
    assert all(m.key(w) == w for w in words), [w for w in words if m.key(w) != w][:10]
    out = {}
    for test, sents in tests.items():
        gold = [tags for toks, tags in sents]
        pred = m.predict([toks for toks, _ in sents])
        assert [len(x) for x in pred] == [len(x) for x in gold]  # no held-out sentence is longer than the tagger reads
        types = entity_prf(gold, gold)
        out[test] = {
            "scores": entity_prf(gold, pred),
            "data": {"n_sentences": len(sents), "entities": {k: r["n"] for k, r in types.items() if k != "all"}},
        }
    train = {
        "n_sentences": len(data.items),
        "n_tokens": sum(len(toks) for toks, _ in data.items),
        "entities": dict(sorted(Counter(k for _, tags in data.items for k, _, _ in bio_entities(tags)).items())),
        "n_vocabulary": len(m.config.words),
    }
    return {"tests": out, "train": train}


def check_ner(meta: dict, rec: dict) -> None:
    got, data = meta["metrics"], meta["data"]
    train = rec["train"]  # the data the recipe trains on now (a checkpoint built from other data fails here)
    assert data["n_train"] + data["n_validation"] == train["n_sentences"], "training sentences"
    assert data["n_tokens_train"] == train["n_tokens"], "training tokens"
    assert data["entities_train"] == train["entities"], "training entities"
    assert data["n_vocabulary"] == train["n_vocabulary"], "vocabulary"
    rec = rec["tests"]
    assert set(got) == set(rec) == set(data["tests"])
    for test, r in rec.items():
        assert data["tests"][test] == r["data"], test
        assert set(got[test]) == set(r["scores"]), test  # every type and "all", no other
        for kind, row in r["scores"].items():
            assert set(got[test][kind]) == set(row), (test, kind)
            assert got[test][kind]["n"] == row["n"], (test, kind, "n")
            for key in ("precision", "recall", "f1"):
                assert_rounded(got[test][kind][key], row[key], 4, f"{test} {kind} {key}")


@pytest.mark.parametrize("name", NER)
def test_ner_held_out_entity_scores(name):
    check_ner(stored(name), ner_recomputed(name))


@functools.cache
def music_recomputed(name: str) -> dict:
    """The recipe's data as the "music" kind reads it (the shipped chorales), its training windows counted as the
    recipe makes them, and the held-out chorales' loss and perplexity from the weights."""
    from seqviz.core.registry import get
    from seqviz.music.data import encode, families, load_corpus, transpose
    from seqviz.music.kind import PARTS, windows
    from seqviz.music.models import perplexity

    source, p = recipe(name)
    m = model(name)
    voices = PARTS[p["voices"]]
    assert tuple(m.config.voices) == voices
    data = get("music").read("music", source, None, p, NO_CAPS)
    corpus = load_corpus(FOLDER)
    assert [c.name for c in data.items] == [c.name for c in corpus.train]
    held = data.extra["held_out"]
    shifts = range(-p["transpose"], p["transpose"] + 1)
    wins = [w for c in data.items for k in shifts for w in windows(encode(transpose(c.notes, k), voices), p["window"])]
    return {
        "held": perplexity(m, held),
        "held_names": [c.name for c in held],
        "val_names": [c.name for c in data.extra["validation"]],
        "n_pieces": len(data.items),
        "n_windows": len(wins),
        "n_tokens_train": sum(len(w) - 1 for w in wins),
        "n_vocabulary": len(m.tokens),
        "corpus": {
            "n_chorales": len(corpus.chorales),
            "n_notes": sum(len(c.notes) for c in corpus.chorales),
            "n_families": len(set(families(corpus.chorales))),
            **{f"n_{k}": len(getattr(corpus, k)) for k in ("train", "validation", "held_out")},
        },
    }


def check_music(meta: dict, rec: dict) -> None:
    got, data = meta["metrics"]["held_out"], meta["data"]
    assert data["held_out_pieces"] == rec["held_names"], "held-out chorales"
    assert data["validation_pieces"] == rec["val_names"], "validation chorales"
    assert data["n_pieces"] == rec["n_pieces"] and data["n_windows"] == rec["n_windows"], "training pieces"
    assert data["n_tokens_train"] == rec["n_tokens_train"], "training tokens"
    assert len(meta["config"]["tokens"]) == rec["n_vocabulary"], "vocabulary"
    assert got["n_tokens"] == rec["held"]["n_tokens"], "held-out tokens"
    assert_rounded(got["loss"], rec["held"]["loss"], 5, "held-out loss")
    assert_rounded(got["perplexity"], rec["held"]["perplexity"], 4, "held-out perplexity")
    corpus = json.loads((FOLDER / f"{CHORALES}.json").read_text(encoding="utf-8"))
    assert corpus["metrics"] == rec["corpus"], "the parsed chorales"


@pytest.mark.parametrize("name", MUSIC)
def test_music_held_out_perplexity(name):
    check_music(stored(name), music_recomputed(name))


@functools.cache
def trigger_recomputed(name: str) -> dict:
    """The held-out clips the recipe makes (the held-out takes of every voice, synthesised again) heard by the
    weights: recall and false alarms per voice; the same on the shipped clips. {"skip": why} when espeak-ng or flite
    is missing, or makes other audio here than at the build (the shipped clips, made from the same takes, differ)."""
    from seqviz.speech import data as D
    from seqviz.speech.kind import held_out as trigger_held_out
    from seqviz.speech.kind import load_clips, quantised
    from seqviz.speech.models import score
    from seqviz.speech.synth import missing

    if missing():
        why = f"{', '.join(missing())} not installed (apt-get install -y espeak-ng flite)"
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{why}, and CI is set: .ci/run installs them")
        return {"skip": why}
    _, p = recipe(name)
    tests, show = trigger_held_out(D.word_bank(D.ALL_VOICES, "test"), p)  # tests: made one by one as they are heard
    shipped, _ = load_clips(name, FOLDER)
    if len(show) != len(shipped) or not all(np.array_equal(a.audio, b.audio) for a, b in zip(quantised(show), shipped)):
        return {"skip": "espeak-ng / flite here make other audio than the build's (the shipped clips differ)"}
    m = model(name)
    voices = score(m, tests)
    return {"voices": voices, "n_test": voices["all"]["clips"], "shipped": score(m, shipped)}


def check_trigger(meta: dict, rec: dict) -> None:
    from seqviz.speech.kind import pool

    if "skip" in rec:
        pytest.skip(rec["skip"])
    got, data = meta["metrics"], meta["data"]
    voices = {k: v for k, v in rec["voices"].items() if k != "all"}
    assert data["n_test"] == rec["n_test"], "held-out clips"
    assert got["voices"] == voices, "per voice"
    assert got["all"] == rec["voices"]["all"], "all voices"
    assert got["held_out_voices"] == pool(voices, data["voices_held_out"]), "held-out voices"
    assert got["training_voices"] == pool(voices, data["voices_train"]), "training voices"
    assert got["shipped_clips"] == rec["shipped"], "the shipped clips"


@pytest.mark.parametrize("name", TRIGGER)
def test_trigger_recall_and_false_alarms_per_voice(name):
    check_trigger(stored(name), trigger_recomputed(name))


def test_entity_counting_here_is_conllevals():
    """The counting above against hand-made tags (an I- after O starts an entity, B- after I- of its type a new
    one); seqeval agreeing is checked in test_ner.py."""
    assert bio_entities("O I-PER I-PER B-PER I-LOC B-ORG O B-LOC".split()) == {
        ("PER", 1, 2), ("PER", 3, 3), ("LOC", 4, 4), ("ORG", 5, 5), ("LOC", 7, 7),
    }  # fmt: skip
    gold = ["B-PER I-PER O B-LOC".split(), "O I-ORG I-ORG O".split()]
    pred = ["B-PER I-PER O B-ORG".split(), "O B-ORG I-ORG O".split()]
    got = entity_prf(gold, pred)
    assert got["all"] == {"precision": 2 / 3, "recall": 2 / 3, "f1": pytest.approx(2 / 3), "n": 3}
    assert got["LOC"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "n": 1}
    assert got["ORG"]["precision"] == 0.5 and got["ORG"]["recall"] == 1.0 and got["PER"]["f1"] == 1.0


@torch.no_grad()
def test_only_the_bidirectional_english_tagger_tells_teddy_roosevelt_from_teddy_bears():
    """The page's pair: for ner-en-uni ŷ at "Teddy" is the same in both sentences (it has read the same three
    tokens before it); ner-en reads what follows and says B-PER for Roosevelt's Teddy and not for the bears."""
    reads = {n: [model(n).read(t) for t in TEDDY_PAIR] for n in ("ner-en-uni", "ner-en")}
    i = reads["ner-en"][0].tokens.index("Teddy")
    assert i == 3 and all(r.tokens[i] == "Teddy" for rs in reads.values() for r in rs)
    a, b = reads["ner-en-uni"]
    np.testing.assert_allclose(a.y_hat[i], b.y_hat[i], atol=1e-6, rtol=0)
    a, b = reads["ner-en"]
    col = a.tag_names.index("B-PER")
    assert a.y_hat[i, col] > 0.9 and b.y_hat[i, col] < 0.1, (a.y_hat[i, col], b.y_hat[i, col])


# ---------------------------------------------------------------- a lying JSON fails


def _set(doc: dict, path: tuple, change) -> dict:
    doc = copy.deepcopy(doc)
    *head, last = path
    node = doc
    for key in head:
        node = node[key]
    node[last] = change(node[last])
    return doc


def _named(rows: list, name: str) -> int:
    return next(i for i, r in enumerate(rows) if r["model"] == name)


LIES = [  # (what to check, JSON, the lie: a path in it and how the number changes)
    ("char_lm", "names-rnn", ("metrics", "val_perplexity"), lambda v: v - 0.002),
    ("char_lm", "names-gru", ("metrics", "val_loss_nats_per_char"), lambda v: v - 0.0002),
    ("char_lm", "names-lstm", ("data", "n_val_lines"), lambda v: v + 1),
    ("char_lm", "wiki-lstm", ("metrics", "val_perplexity"), lambda v: v - 0.002),
    ("sentiment", "sentiment-en", ("metrics", "phrases", "lstm_accuracy"), lambda v: v + 1 / 281),
    ("sentiment", "sentiment-en", ("metrics", "reviews", "n_with_negation"), lambda v: v + 1),
    ("sentiment", "sentiment-zh", ("metrics", "reviews", "majority_baseline"), lambda v: v + 0.001),
    ("sentiment", "sentiment-en-glove", ("metrics", "phrases", "average_accuracy"), lambda v: v + 1 / 1233),
    ("sentiment", "sentiment-en-glove", ("metrics", "phrases", "n"), lambda v: v + 1),
    ("sentiment", "sentiment-zh", ("metrics", "reviews", "average_accuracy_with_negation"), lambda v: v + 0.001),
    ("dates", "date-no-attention", ("metrics", "exact_greedy"), lambda v: v + 1 / 4000),
    ("dates", "date-no-attention", ("metrics", "by_locale", "en_GB", "exact"), lambda v: 1.0),
    ("dates", "date-no-attention", ("metrics", "error_analysis", "greedy", "search"), lambda v: v + 1),
    ("dates", "date-no-attention", ("metrics", "examples", 0, "greedy"), lambda v: "1952-02-01"),
    ("dates", "date-no-attention", ("metrics", "examples"), lambda v: v[1:]),
    ("dates", "date-attention", ("metrics", "by_length", "31-40", "n"), lambda v: v + 1),
    ("dates", "date-attention", ("metrics", "char_accuracy_greedy"), lambda v: v - 0.0002),
    ("dates", "date-attention", ("metrics", "exact_beam10"), lambda v: v - 1 / 4000),
    (
        "dates",
        "date-attention",
        ("metrics",),
        lambda m: {
            **m,
            "exact_beam10": m["exact_beam10"] - 1 / 4000,  # and
            "error_analysis": _set(m["error_analysis"], ("beam", "model"), lambda v: v + 1),
        },
    ),  # consistent
    ("vectors", "wiki-skipgram", ("metrics", "wordsim353", "spearman"), lambda v: v + 0.001),
    ("vectors", "wiki-skipgram", ("metrics", "analogy", "accuracy"), lambda v: v + 1 / 3686),
    ("vectors", "wiki-glove", ("metrics", "simlex999", "covered"), lambda v: v - 1),
    ("vectors", "wiki-glove", ("metrics", "random_vectors", "wordsim353"), lambda v: v + 0.001),
    ("vectors", "wiki-glove", ("metrics", "analogy", "sections", "family", "covered"), lambda v: v - 1),
    ("vectors", GLOVE6B, ("metrics", "analogy", "accuracy"), lambda v: v + 1 / 14877),
    ("vectors", GLOVE6B, ("metrics", "analogy", "sections", "capital-world", "accuracy"), lambda v: v + 1 / 2715),
    ("vectors", GLOVE6B, ("metrics", "simlex999", "spearman"), lambda v: v + 0.001),
    ("ner", "ner-en", ("metrics", "new_templates", "all", "f1"), lambda v: v + 0.0002),
    ("ner", "ner-en", ("metrics", "new_templates", "PER", "n"), lambda v: v + 1),
    ("ner", "ner-en-uni", ("metrics", "new_sentences", "LOC", "recall"), lambda v: v - 0.0002),
    ("ner", "ner-en-uni", ("metrics", "course"), lambda m: {k: v for k, v in m.items() if k != "all"}),
    ("ner", "ner-zh", ("metrics", "held_out", "ORG", "precision"), lambda v: v + 0.0002),
    ("ner", "ner-zh", ("data", "tests", "held_out", "n_sentences"), lambda v: v - 1),
    ("ner", "ner-zh-uni", ("metrics", "held_out", "all", "recall"), lambda v: v + 0.0002),
    ("ner", "ner-zh-uni", ("data", "tests", "held_out", "entities", "PER"), lambda v: v + 1),
    ("ner", "ner-en", ("data", "n_train"), lambda v: v + 15),  # trained on the course's sentences too
    ("ner", "ner-zh", ("data", "entities_train", "PER"), lambda v: v + 426),  # names joined as before
    ("ner", "ner-zh-uni", ("data", "n_tokens_train"), lambda v: v + 90),
    ("music", "bach-satb", ("metrics", "held_out", "perplexity"), lambda v: v - 0.001),
    ("music", "bach-melody", ("metrics", "held_out", "loss"), lambda v: v + 0.0001),
    ("music", "bach-satb", ("data", "held_out_pieces"), lambda v: v[1:] + v[:1]),  # other chorales held out
    ("music", "bach-melody", ("data", "n_tokens_train"), lambda v: v + 3),
    ("trigger", "trigger-gru", ("metrics", "voices", "flite:slt", "found"), lambda v: v + 1),
    ("trigger", "trigger-gru", ("metrics", "voices", "espeak-ng:en-us", "clips_with_false_alarm"), lambda v: v - 0.025),
    ("trigger", "trigger-gru", ("metrics", "held_out_voices", "recall"), lambda v: v + 0.01),
    ("trigger", "trigger-gru", ("metrics", "shipped_clips", "all", "false_alarms"), lambda v: v + 1),
    ("trigger", "trigger-gru", ("data", "voices_held_out"), lambda v: v[:1]),  # one held-out voice fewer
]
CHECKS = {
    "char_lm": (check_char_lm, char_lm_recomputed),
    "sentiment": (check_sentiment, sentiment_recomputed),
    "dates": (check_dates, dates_recomputed),
    "vectors": (check_vectors, vectors_recomputed),
    "ner": (check_ner, ner_recomputed),
    "music": (check_music, music_recomputed),
    "trigger": (check_trigger, trigger_recomputed),
}


@pytest.mark.parametrize("check,name,path,change", LIES, ids=[f"{n}:{'.'.join(map(str, p))}" for _, n, p, _ in LIES])
def test_a_lying_json_is_caught(check, name, path, change):
    fn, recompute = CHECKS[check]
    fn(stored(name), recompute(name))  # the truth passes
    with pytest.raises(AssertionError):
        fn(_set(stored(name), path, change), recompute(name))


@pytest.mark.parametrize("corpus,model_name,change", [("names", "names-lstm", -0.002), ("wiki", "wiki-lstm", +0.002)])
def test_a_lying_ngram_table_is_caught(corpus, model_name, change):
    table = json.loads((FOLDER / BASELINE_FILE).read_text(encoding="utf-8"))
    rec = ngram_recomputed()
    check_ngram_table(table, rec)
    rows = table["corpora"][corpus]["rows"]
    lie = _set(table, ("corpora", corpus, "rows", _named(rows, model_name), "perplexity"), lambda v: v + change)
    with pytest.raises(AssertionError):
        check_ngram_table(lie, rec)
    with pytest.raises(AssertionError):  # a shipped model left out of the table
        check_ngram_table(_set(table, ("corpora", corpus, "rows"), lambda r: r[:-1]), rec)


def test_a_lying_file_in_the_pretrained_folder_is_caught(tmp_path, monkeypatch):
    """The real test, run on a copy of pretrained/ whose names-rnn.json claims a perplexity 0.01 lower (the
    recomputed numbers are those of the same weights, cached)."""
    for f in ("names-rnn.json", "names-rnn.safetensors"):
        shutil.copy(PRETRAINED_DIR / f, tmp_path / f)
    doc = _set(stored("names-rnn"), ("metrics", "val_perplexity"), lambda v: round(v - 0.01, 3))
    (tmp_path / "names-rnn.json").write_text(json.dumps(doc, indent=1), encoding="utf-8")
    monkeypatch.setitem(globals(), "FOLDER", tmp_path)
    assert stored("names-rnn")["metrics"]["val_perplexity"] == doc["metrics"]["val_perplexity"]
    with pytest.raises(AssertionError, match="perplexity"):
        test_char_lm_held_out_loss_and_perplexity("names-rnn")
