"""The character language model kind ("char_lm"): its corpora, loss, held-out metrics, data reader, recipe
and the four checkpoints it ships (names-rnn, names-gru, names-lstm, wiki-lstm)."""

from __future__ import annotations

import copy
import math

import numpy as np
import torch
import torch.nn.functional as F

from seqviz.core.checkpoint import config_size
from seqviz.core.data import (
    NAMES_DATA,
    WIKI_DATA,
    LineDataset,
    full_names,
    pad_collate,
    python_source,
    split_lines,
    wiki_sentences,
)
from seqviz.core.loop import Callback, fit_run, training_meta
from seqviz.core.registry import (
    COMMON,
    EVALS,
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
from seqviz.core.vocab import CharVocab
from seqviz.rnn.lm import sample
from seqviz.rnn.models import FUSED, CharLM, CharLMConfig
from seqviz.transformer.models import CharTransformer, CharTransformerConfig
from seqviz.transformer.sizes import SIZE_PARAMS, size_figures, sizes

CORPORA = {  # bundled corpus -> (lines loader, what the JSON says of it, how the page names it)
    "names": (lambda: full_names(seed=0), NAMES_DATA, "people's names (the `names` package: 1990 US census lists)"),
    "wiki": (wiki_sentences, WIKI_DATA, "Wikipedia sentences (gensim's bundled extract)"),
    # held out by file (every 10th), not by line: read() takes the split from python_source()
    "python": (None, {}, "Python source code (the standard library's own .py files)"),
}
VAL_LINES = Param(  # both character kinds: the held-out lines scored while training
    "val_lines", 2000, lo=1, hi=100_000, page=False,
    hint="held-out lines checked during training (the first ones of the 10% held out)",
)  # fmt: skip
SAMPLE_EVERY = Param(  # the studio's samples: a display setting, the same run with or without them
    "sample_every", 50, lo=0, hi=100_000, page=False,
    hint="write a short sample from the model at step 0 and every n steps (0: never), to watch it learn",
)  # fmt: skip
SAMPLE_CHARS = 100  # characters in each sample written while training
SAMPLE_TEMPERATURE = 0.8  # below 1: the words the model has learnt show sooner than at 1
MAX_LINE = 200  # a character model's training lines are cut into pieces this long
MAX_CHARSET = 500  # most distinct characters a character model keeps (the rarest are dropped)


def lm_loss(model, batch):
    """Mean cross-entropy (nats per character) of the next-character predictions."""
    x, y = batch
    logits = model(x)  # (b, T, V)
    return F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100)


@torch.no_grad()
def lm_eval(model, data: LineDataset, batch_size: int = 512) -> dict:
    """Held-out loss (nats per character, the ⏎ that ends each line included) and perplexity."""
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for i in range(0, len(data), batch_size):
        x, y = pad_collate([data[j] for j in range(i, min(i + batch_size, len(data)))])
        x, y = x.to(device), y.to(device)
        logits = model(x)
        total += float(F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100, reduction="sum"))
        count += int((y != -100).sum())
    loss = total / count
    return {"loss": loss, "perplexity": math.exp(loss) if loss < 700 else float("inf")}  # exp overflows past 709


class SampleWriter(Callback):
    """A training callback that writes a short sample from the current weights at step 0 and every `every` steps
    (as in Karpathy's "The Unreasonable Effectiveness of Recurrent Neural Networks"), always with the same seed, so
    only the weights change between samples. Each goes to every listener that has `on_sample(state, text)` (the
    studio's progress writers) and into `samples` as {step, loss, text}. It draws from its own generator, so the run
    trains exactly as it would without it.
    """

    def __init__(self, model, every: int, listeners=(), n_chars: int = SAMPLE_CHARS, seed: int = 0):
        self.model, self.every, self.n_chars, self.seed = model, int(every), n_chars, seed
        self.listeners = [cb for cb in listeners if hasattr(cb, "on_sample")]
        self.samples: list[dict] = []

    def _write(self, s) -> None:
        model = self.model
        if next(model.parameters()).device.type != "cpu":  # on a GPU: one copy to the CPU, not a sync per character
            model = copy.deepcopy(model).cpu()
        text = sample(model, self.n_chars, SAMPLE_TEMPERATURE, None, self.seed).text
        loss = s.loss if math.isfinite(s.loss) else None
        self.samples.append({"step": s.step, "loss": loss, "text": text})
        for cb in self.listeners:  # each has on_sample (__init__ kept only those)
            cb.on_sample(s, text)

    def on_start(self, s) -> None:
        self._write(s)  # the untrained model: gibberish

    def on_step(self, s) -> None:
        if s.step % self.every == 0:
            self._write(s)


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


def read(kind: str, source: str, text: str | None, params: dict, limits) -> Data:
    """Lines of a bundled corpus, or of an uploaded text (long lines cut, rare characters dropped)."""
    notes, about = {}, {}
    held_out = None
    if source == "python":
        lines, held_out, about = python_source()
        desc = CORPORA[source][2]
    elif source in CORPORA:
        load, about, desc = CORPORA[source]
        lines = load()
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
        if len(counts) > MAX_CHARSET:  # keep the commonest characters; the rarest are removed
            keep = set(sorted(counts, key=lambda c: -counts[c])[:MAX_CHARSET])
            notes["charset"] = {"n": len(counts), "kept": MAX_CHARSET}
            lines = ["".join(ch for ch in ln if ch in keep) for ln in lines]
            lines = [ln for ln in lines if ln]
    n_all = len(lines)
    lines = _cap_lines(lines, int(params["max_lines"]), int(params["seed"]))
    if len(lines) < n_all:
        notes["sampled"] = {"n": len(lines), "of": n_all}
    if len(lines) < limits.min_lines:
        raise DataError("too_small", n=len(lines), min=limits.min_lines, unit="lines")
    return Data(kind, source, lines, desc, notes, extra={"about": about, "held_out": held_out})


# ---------------------------------------------------------------- recipe


def train(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """Split the lines (10% held out, or the corpus's own held-out files), build a CharLM over their characters, fit
    it, score the held-out lines."""
    if data.extra.get("held_out"):
        train_lines, val_lines = data.items, data.extra["held_out"]
    else:
        train_lines, val_lines = split_lines(data.items, 0.1, seed=p["seed"])
    val_lines = val_lines[: p["val_lines"]]  # a bounded validation set keeps the checks quick
    vocab = CharVocab.from_text("\n".join(train_lines + val_lines))
    torch.manual_seed(p["seed"])
    multiline = bool(data.extra.get("held_out")) and data.source == "python"  # items of several source lines
    if "d_model" in p:  # the char_transformer kind: the same data, loss and held-out lines, another network
        model = CharTransformer(
            CharTransformerConfig(  # positions for the longest line (wiki sentences reach 240 characters) and its ⏎s
                p["d_model"],
                p["h"],
                p["n_layers"],
                p["d_ff"],
                tuple(vocab.chars),
                max(MAX_LINE, *map(len, train_lines + val_lines)) + 2,
            )  # fmt: skip
        )
    else:
        model = CharLM(CharLMConfig(p["cell"], p["n_a"], tuple(vocab.chars), multiline))
    train_ds, val_ds = LineDataset(train_lines, vocab), LineDataset(val_lines, vocab)
    if isinstance(model, CharLM) and p.get("sample_every") and any(hasattr(cb, "on_sample") for cb in callbacks):
        # samples as it learns, for a listener that shows them (the studio's progress writers)
        callbacks = [*callbacks, SampleWriter(model, p["sample_every"], callbacks, seed=p["seed"])]
    state, seconds = fit_run(
        model, lm_loss, train_ds, p, device, max_seconds, lambda m: lm_eval(m, val_ds), callbacks, pad_collate
    )
    val = lm_eval(model, val_ds)
    meta = {
        "title": f"{p.get('cell', 'transformer').upper()} character model of {data.description}",
        "corpus": data.source,
        "data": {
            **data.extra.get("about", {}),
            "source": data.extra.get("about", {}).get("source", data.description),
            "n_train_lines": len(train_lines),
            "n_val_lines": len(val_lines),
            "n_chars": len(vocab),
            "n_train_chars": int(sum(map(len, train_lines))),
        },
        "training": training_meta(p, state, seconds),
        "metrics": {
            "val_loss_nats_per_char": round(val["loss"], 4),
            "val_perplexity": round(val["perplexity"], 3),
            "final_train_loss": None if not math.isfinite(state.loss) else round(state.loss, 4),
        },
    }
    return Result(model, meta, state)


def summary(doc: dict) -> tuple[str, dict]:
    """The Train page's line on a checkpoint: cell, n_a and held-out perplexity."""
    cfg, met = fields(doc)
    return "", {
        "cell": str(cfg.get("cell", "")).upper(),
        "n_a": figure(cfg.get("n_a"), ".0f"),
        "ppl": figure(met.get("val_perplexity"), ".2f"),
    }


def model(cfg: dict) -> CharLM:
    """A checkpoint's config -> an untrained CharLM of that shape."""
    if cfg["cell"] not in FUSED or not cfg["chars"]:
        raise KeyError("cell/chars")
    return CharLM(
        CharLMConfig(cfg["cell"], config_size(cfg, "n_a"), tuple(cfg["chars"]), bool(cfg.get("multiline", False)))
    )


def _names(cell: str) -> Shipped:
    return Shipped(
        f"names-{cell}",
        "names",
        dict(cell=cell, n_a=64, epochs=12, lr=3e-3, batch_size=128, **_FULL),
        f"{cell.upper()} character model of people's names",
    )


_FULL = dict(max_lines=100_000, val_lines=100_000, evals=0)  # the shipped models: every line, a check per epoch
KIND = register(
    ModelKind(
        summary=summary,
        name="char_lm",
        order=1,
        checkpoint="char_lm",
        model=model,
        read=read,
        train=train,
        params=(
            Param(
                "cell",
                "lstm",
                choices=("rnn", "gru", "lstm"),
                hint="the recurrent cell: RNN, GRU (Γu, Γr) or LSTM (Γf, Γu, Γo, c<t>)",
            ),
            Param("n_a", 64, lo=8, hi=512, hint="hidden units in a<t>: more remember more, train slower"),
            Param("epochs", 3, lo=1, hi=50, hint="passes over the training lines"),
            Param(
                "lr",
                3e-3,
                lo=1e-6,
                hi=100.0,
                ticks=LRS,
                hint="Adam's learning rate: 1e-3..1e-2 is safe; 1 and above diverge",
            ),
            Param("max_lines", 10_000, lo=20, hi=100_000, hint="lines used (a random sample when there are more)"),
            *COMMON,
            VAL_LINES,
            EVALS,
            SAMPLE_EVERY,
        ),
        bundled=tuple(CORPORA),
        upload_format="any UTF-8 text. Each line is one training sequence; long lines are cut into 200-character "
        "pieces.",
        pages=("pages/rnn_cell.py", "pages/language_model.py"),
        shipped=(
            _names("rnn"),
            _names("gru"),
            _names("lstm"),
            Shipped(
                "wiki-lstm",
                "wiki",
                dict(cell="lstm", n_a=256, epochs=12, lr=2e-3, batch_size=64, **_FULL),
                "LSTM character model of Wikipedia sentences",
            ),
            Shipped(
                "python-lstm",
                "python",
                dict(cell="lstm", n_a=256, epochs=10, lr=3e-3, batch_size=64, **_FULL),
                "LSTM character model of Python source code (the standard library)",
            ),
        ),
    )
)


def held_out_text(corpus: str, n_chars: int = 10_000) -> str:
    """About `n_chars` of a shipped character model's held-out text (lines it never trained on), for finding where
    a unit fires: the held-out files of Python source, or the held-out 10% of names or Wikipedia sentences (the
    recipe's split, seed 0). "" for a corpus that is not bundled (an upload)."""
    if corpus == "python":
        lines = python_source()[1]
    elif corpus in CORPORA:
        lines = split_lines(CORPORA[corpus][0](), 0.1, seed=0)[1]
    else:
        return ""
    out, total = [], 0
    for line in lines:
        if total >= n_chars:
            break
        out.append(line)
        total += len(line) + 1
    return "\n".join(out)[:n_chars]


def transformer_model(cfg: dict) -> CharTransformer:
    """A character Transformer checkpoint's config -> an untrained model of that shape."""
    if not cfg["chars"]:
        raise KeyError("chars")
    return CharTransformer(CharTransformerConfig(*sizes(cfg), tuple(cfg["chars"]), config_size(cfg, "max_len", 4096)))


def transformer_summary(doc: dict) -> tuple[str, dict]:
    """The Train page's line on a character Transformer: its size and held-out perplexity."""
    cfg, met = fields(doc)
    return "", {**size_figures(cfg), "ppl": figure(met.get("val_perplexity"), ".2f")}


register(
    ModelKind(
        summary=transformer_summary,
        name="char_transformer",
        order=2,
        checkpoint="char_transformer",
        model=transformer_model,
        read=read,
        train=train,
        params=(
            *SIZE_PARAMS,
            Param("epochs", 3, lo=1, hi=50, hint="passes over the training lines"),
            Param("lr", 1e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate"),
            Param("max_lines", 10_000, lo=20, hi=100_000, hint="lines used (a random sample when there are more)"),
            *COMMON,
            VAL_LINES,
            EVALS,
        ),
        bundled=tuple(CORPORA),
        upload_format="any UTF-8 text. Each line is one training sequence; long lines are cut into 200-character "
        "pieces.",
        pages=("pages/transformer.py",),
        shipped=(
            Shipped(
                "names-transformer",
                "names",
                dict(d_model=64, h=4, n_layers=2, epochs=12, lr=1e-3, batch_size=128, **_FULL),
                "Transformer character model of people's names (2 layers, 4 heads, d_model 64)",
            ),
        ),
    )
)
