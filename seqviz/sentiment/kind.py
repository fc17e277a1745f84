"""The sentiment kind: metrics and the shipped recipes."""
from __future__ import annotations

import platform
import time

import numpy as np
import torch

from seqviz.core.checkpoint import save_model
from seqviz.core.loop import TrainConfig, fit
from seqviz.sentiment.data import _split, sentiment_data, word2vec_matrix


SENTIMENT_RECIPES = {   # name -> (lang, n_e, n_a, words in E, training settings of both classifiers)
    # English: the 10,000 commonest words of the unlabelled text, plus every labelled word seen twice
    "sentiment-en": ("en", 50, 64, (10000, True), TrainConfig(epochs=15, lr=3e-3, batch_size=64, clip=1.0)),
    # Chinese: word2vec learns from the labelled reviews themselves; its 15,000 commonest words
    "sentiment-zh": ("zh", 50, 64, (15000, False), TrainConfig(epochs=4, lr=3e-3, batch_size=64, clip=1.0)),
}


def sentiment_metrics(model, tests: dict, lang: str, test_words=frozenset()) -> tuple[dict, list]:
    """Held-out accuracy of both classifiers on each test set (tokenized (tokens, label) pairs), beside
    the majority class and on the texts with a negation; and the texts the LSTM gets right and
    averaging gets wrong (shortest with a negation first)."""
    from seqviz.sentiment.models import CLASSES, encode_examples, is_negation, predict
    metrics, examples = {}, []
    for test_name, pairs in tests.items():
        if test_name == "phrases":     # score a phrase only when E knows its rated word (not just the template)
            kept = [(t, y) for t, y in pairs if any(w in test_words and w in model.index for w in t)]
        else:
            kept = [(t, y) for t, y in pairs if bool((model.ids(t) > 0).any())]
        data = encode_examples(model, kept)
        if not data:                   # no held-out text has a known word: nothing to score (null, not NaN)
            metrics[test_name] = {"n": 0, "n_dropped_unknown": len(pairs), "majority_baseline": None,
                                  "n_with_negation": 0, **{f"{w}_accuracy{x}": None for w in ("average", "lstm")
                                                           for x in ("", "_with_negation")}}
            continue
        y = np.array([lab for _, lab in data])
        neg = np.array([any(is_negation(w, lang) for w in t) for t, _ in kept])
        row = {"n": len(data), "n_dropped_unknown": len(pairs) - len(kept),
               "majority_baseline": round(float(max(y.mean(), 1 - y.mean())), 4), "n_with_negation": int(neg.sum())}
        preds = {}
        for which in ("average", "lstm"):
            preds[which] = (predict(model, data, which) > 0.5) == y
            row[f"{which}_accuracy"] = round(float(preds[which].mean()), 4)
            row[f"{which}_accuracy_with_negation"] = round(float(preds[which][neg].mean()), 4) if neg.any() else None
        metrics[test_name] = row
        # held-out texts the LSTM gets right and averaging gets wrong, shortest with a negation first
        for i in np.flatnonzero(preds["lstm"] & ~preds["average"]):
            examples.append({"text": " ".join(kept[i][0]) if lang == "en" else "".join(kept[i][0]),
                             "label": CLASSES[int(y[i])], "negation": bool(neg[i]), "test": test_name})
    examples.sort(key=lambda e: (not e["negation"], e["test"] != "reviews", len(e["text"])))
    return metrics, examples


def build_sentiment(name: str, out_dir=None, epochs: int | None = None, device: str = "auto",
                    callbacks=()) -> dict:
    """Learn E with word2vec, then train the averaging and the LSTM classifier on it; save both."""
    from seqviz.sentiment.models import SentimentConfig, SentimentModels, collate, encode_examples, evaluate, joint_loss
    lang, n_e, n_a, (max_words, add_labelled), cfg = SENTIMENT_RECIPES[name]
    cfg = TrainConfig(**{**cfg.__dict__, "device": device, **({"epochs": epochs} if epochs else {})})
    t0 = time.perf_counter()
    d = sentiment_data(lang)
    words, E = word2vec_matrix(d["unlabelled"], n_e, max_words=max_words,
                               also=[tok for tok, _ in d["train"]] if add_labelled else ())
    t_w2v = time.perf_counter() - t0
    model = SentimentModels(SentimentConfig(lang, tuple(words), n_e, n_a))
    model.E.weight.data.copy_(torch.from_numpy(E))
    train, val = _split(encode_examples(model, d["train"]), 0.1, 1)
    state = fit(model, joint_loss, train, cfg, val_fn=lambda m: evaluate(m, val),
                callbacks=callbacks, collate_fn=collate)
    model.cpu().eval()
    metrics, examples = sentiment_metrics(model, d["tests"], lang, d["test_words"])
    meta = {
        "title": f"Sentiment ({lang}): averaging vs LSTM over shared word2vec vectors",
        "data": {"source": d["source"], "n_train": len(train), "n_validation": len(val),
                 "n_vocabulary": len(words) - 1, "n_unlabelled_sentences": len(d["unlabelled"])},
        "command": f"python -m seqviz.training.build {name}",
        "training": {**cfg.__dict__, "steps": state.step, "validation_loss": round(state.best_val, 4),
                     "validation": "10% of the training examples, to keep the best weights", "word2vec_seconds": round(t_w2v, 1),
                     "seconds": round(time.perf_counter() - t0, 1), "torch": torch.__version__,
                     "machine": platform.machine(),
                     "word2vec": "gensim skip-gram, window 5, 5 negatives, min_count 2, 10 epochs"},
        "metrics": metrics,
        "examples_lstm_right_average_wrong": examples[:12],
    }
    save_model(model, name, meta, out_dir)
    return meta
