"""The n-gram baseline of the language-model lesson: character n-gram models with interpolated
Kneser-Ney smoothing from nltk.lm, scored on the same held-out lines as the neural models.

nltk.lm is slow (a 5-gram fit on the names takes about a minute and scores about 40 characters a
second), so the table is built once by `python -m seqviz.rnn.ngram` and shipped as JSON in pretrained/.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

import numpy as np

BASELINE_FILE = "ngram-baseline.json"
ORDERS = (2, 3, 4, 5)
N_EVAL = 4000  # predictions scored by every model in the table: the first held-out lines up to this


def fit(lines: list[str], n: int, smoothing: str = "kneser_ney"):
    """A character n-gram model of `lines` (each padded with <s> and </s>), from nltk.lm."""
    from nltk.lm import MLE, KneserNeyInterpolated
    from nltk.lm.preprocessing import padded_everygram_pipeline

    grams, vocab = padded_everygram_pipeline(n, [list(line) for line in lines])
    model = KneserNeyInterpolated(n) if smoothing == "kneser_ney" else MLE(n)
    model.fit(grams, vocab)
    return model


def line_nll(model, line: str) -> tuple[float, int]:
    """Negative log-likelihood (nats) of `line` and the number of predictions: every character and
    the end of the line, as the neural models count them (their ⏎ is the n-gram's </s>)."""
    from nltk.lm.preprocessing import pad_both_ends

    n = model.order
    padded = list(pad_both_ends(list(line), n=n))
    total, count = 0.0, 0
    for i in range(n - 1, len(line) + n):  # each character, then the first </s>
        total -= model.logscore(padded[i], padded[i - n + 1 : i]) * math.log(2)  # nltk gives log2
        count += 1
    return total, count


def perplexity(model, lines: list[str]) -> float:
    """exp(mean negative log-likelihood per prediction) over `lines`."""
    nll = [line_nll(model, line) for line in lines]
    return math.exp(sum(a for a, _ in nll) / sum(b for _, b in nll))


def neural_perplexity(model, lines: list[str]) -> float:
    """The same figure for a SeqViz character model (state restarted at every line)."""
    from seqviz.core.data import LineDataset
    from seqviz.rnn.kind import lm_eval

    return lm_eval(model, LineDataset(lines, model.vocab))["perplexity"]


def build(out_dir: str | Path | None = None, orders=ORDERS, log=sys.stderr) -> dict:
    """Fit Kneser-Ney n-grams on each corpus's training lines and score them next to the shipped
    neural models on the first held-out lines (about N_EVAL predictions); write pretrained/ngram-baseline.json."""
    import nltk

    from seqviz.core.checkpoint import PRETRAINED_DIR, list_pretrained, load_pretrained
    from seqviz.core.data import split_lines
    from seqviz.rnn.kind import CORPORA

    out = {
        "format": "seqviz-ngram-baseline-1",
        "command": "python -m seqviz.rnn.ngram",
        "library": f"nltk {nltk.__version__} (nltk.lm.KneserNeyInterpolated, discount 0.1)",
        "corpora": {},
    }
    for corpus, (load_lines, desc, _) in CORPORA.items():
        train, val = split_lines(load_lines(), 0.1, seed=0)
        n_lines = int(np.searchsorted(np.cumsum([len(v) + 1 for v in val]), N_EVAL)) + 1
        val = val[:n_lines]
        rows = []
        for n in orders:
            t0 = time.perf_counter()
            model = fit(train, n)
            t_fit = time.perf_counter() - t0
            ppl = perplexity(model, val)
            rows.append(
                {
                    "model": f"{n}-gram Kneser-Ney",
                    "n": n,
                    "perplexity": round(ppl, 3),
                    "fit_seconds": round(t_fit, 1),
                    "score_seconds": round(time.perf_counter() - t0 - t_fit, 1),
                }
            )
            print(f"{corpus} {n}-gram: perplexity {ppl:.3f}", file=log)
        for doc in list_pretrained(kind="char_lm"):
            if doc.get("corpus", "names") == corpus:
                m = load_pretrained(doc["name"])
                rows.append(
                    {
                        "model": doc["name"],
                        "n": None,
                        "perplexity": round(neural_perplexity(m, val), 3),
                        "parameters": int(sum(p.numel() for p in m.parameters())),
                    }
                )
        out["corpora"][corpus] = {
            "data": desc,
            "n_train_lines": len(train),
            "n_eval_lines": len(val),
            "n_eval_chars": int(sum(len(v) + 1 for v in val)),
            "rows": rows,
        }
    path = Path(out_dir or PRETRAINED_DIR) / BASELINE_FILE
    path.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def load_baseline(folder: str | Path | None = None) -> dict | None:
    """The shipped table, or None when it has not been built."""
    from seqviz.core.checkpoint import PRETRAINED_DIR

    path = Path(folder or PRETRAINED_DIR) / BASELINE_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


if __name__ == "__main__":
    table = build()
    for corpus, c in table["corpora"].items():
        for r in c["rows"]:
            print(f"{corpus:6s} {r['model']:22s} {r['perplexity']:8.3f}")
