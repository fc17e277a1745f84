"""The model-kind registry: every kind of model SeqViz trains is declared once, as a `ModelKind`.

A topic package declares its kinds (class, config, data readers, recipe, metrics, the UI's hints,
the checkpoints shipped in pretrained/) and calls `register`. Everything else reads the registry:
checkpoint loading (`seqviz.core.checkpoint`), the training runner and its command lines
(`seqviz.training`), and the Train page (`seqviz.ui.train`).
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any


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

    upload_bytes: int = 5_000_000  # an uploaded file
    chars: int = 2_000_000  # characters a character model trains on (more are cut)
    tokens: int = 1_000_000  # words of a word-vector corpus (more are cut)
    examples: int = 100_000  # labelled examples or date pairs (more are cut)
    seconds: float = field(default_factory=_env_seconds)  # wall time of one run on the server (SEQVIZ_TRAIN_SECONDS)
    min_lines: int = 20  # fewer lines / examples cannot be split into train and validation
    min_tokens: int = 200  # fewer words: nothing to learn vectors from


LIMITS = Limits()  # the classroom's caps: the Train page, and the CLI with --classroom
NO_CAPS = replace(LIMITS, upload_bytes=2**62, chars=2**62, tokens=2**62, examples=2**62)  # the CLI by default


@dataclass(frozen=True)
class Param:
    """One hyperparameter: its default, its range or choices, and a one-line hint (the only English of it)."""

    name: str
    default: Any
    choices: tuple = ()  # a fixed set of values
    lo: float | None = None  # else a number between lo and hi
    hi: float | None = None
    hint: str = ""
    ticks: tuple = ()  # values the page offers on a select slider (any value in lo..hi is valid)
    page: bool = True  # False: a setting of the command line (and the shipped recipes) only
    sources: tuple = ()  # the data the Train page offers it for (bundled names, "upload"); () for every data set

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
        except (OverflowError, ValueError, TypeError) as err:  # "inf" for an int, "abc" for a number
            span = f" between {self.lo:g} and {self.hi:g}" if self.lo is not None else ""
            raise ValueError(f"{self.name} must be a finite number{span}, not {value!r}") from err
        if self.choices and value not in self.choices:
            raise ValueError(f"{self.name} must be one of {list(self.choices)}, not {value!r}")
        if self.lo is not None and not (self.lo <= value <= self.hi):
            raise ValueError(f"{self.name} must be between {self.lo} and {self.hi}, not {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"{self.name} must be a finite number")
        return value


LRS = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0, 10.0)  # up to values that diverge, on purpose
COMMON = (  # the settings every kind trained by the loop shares
    Param(
        "batch_size",
        64,
        lo=1,
        hi=4096,
        ticks=(8, 16, 32, 64, 128, 256, 512),
        hint="examples per step: larger is faster per example, noisier gradients when small",
    ),
    Param(
        "clip",
        1.0,
        lo=0.0,
        hi=1e6,
        ticks=(0.0, 0.1, 0.5, 1.0, 5.0, 100.0),
        hint="largest gradient norm allowed; 0 turns clipping off (then exploding gradients can make the loss NaN)",
    ),
    Param("seed", 0, lo=0, hi=10_000, hint="same seed, same data split and start: the run repeats"),
)

EVALS = Param("evals", 25, lo=0, hi=1000, page=False, hint="held-out checks per run (0: one after each epoch)")


class DataError(ValueError):
    """Data that cannot be trained on; `code` names the problem, `info` holds its numbers."""

    def __init__(self, code: str, **info):
        super().__init__(f"{code}: {info}")
        self.code, self.info = code, info


@dataclass
class Data:
    """What a recipe trains on: the items, where they came from, and notes about what was cut or skipped."""

    kind: str
    source: str  # a bundled name, or "upload"
    items: list  # lines / sentences / pairs / (text, label)
    description: str
    notes: dict = field(default_factory=dict)  # code -> numbers ("cut", "skipped", "charset" ...)
    extra: dict = field(default_factory=dict)  # held-out sets and settings that come with bundled data
    lang: str = "en"


@dataclass
class Result:
    """A trained model, its JSON meta and the loop's final state; `files` are extra files to write beside the
    checkpoint (suffix -> function(path)), such as the word vectors' precomputed views."""

    model: Any
    meta: dict
    state: Any
    files: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Shipped:
    """A checkpoint in pretrained/, rebuilt as a run of its kind with fixed settings."""

    name: str
    source: str  # the bundled data set it trains on
    params: dict  # settings that differ from the kind's defaults
    title: str = ""  # the title its JSON carries


@dataclass(frozen=True)
class ModelKind:
    """One kind of model: what it is, how it reads data and trains, and what the UI says of it."""

    name: str  # "char_lm", "word2vec", ... (the studio's and the command line's name)
    checkpoint: str  # the "kind" a checkpoint's JSON names; two kinds may write the same one
    model: Callable[[dict], Any]  # a checkpoint's config dict -> the model, sizes checked (ValueError/KeyError)
    params: tuple[Param, ...]  # every setting, with its default, range and hint
    bundled: tuple[str, ...]  # data sets that ship with SeqViz (the first is the default)
    upload_format: str  # what an uploaded .txt holds (English; the zh text is in the UI's locale)
    read: Callable[..., Data]  # (source, text, params, limits) -> Data; DataError when it cannot train
    train: Callable[..., Result]  # (data, params, callbacks, device, max_seconds) -> Result
    pages: tuple[str, ...] = ()  # the app pages that list a model of this kind
    shipped: tuple[Shipped, ...] = ()  # the checkpoints in pretrained/ built from this kind
    order: int = 0  # where the Train page and the command line list it
    summary: Callable[[dict], tuple[str, dict]] | None = None  # a checkpoint's JSON -> (variant, its figures)
    upload_types: tuple[str, ...] = ("txt", "tsv", "csv", "conll", "iob", "bio")  # what the Train page accepts
    binary: bool = False  # True: an upload reaches `read` as its bytes (a MIDI file), not as decoded text
    uploads: bool = True  # False: it trains on its bundled data only (the Train page offers no upload)
    needs: tuple[str, ...] = ()  # programs its bundled data needs at training time (the Train page checks PATH)

    def defaults(self) -> dict:
        """Every setting at its default."""
        return {p.name: p.default for p in self.params}

    def check(self, params: dict) -> dict:
        """Defaults filled in and every value checked (ValueError names the first bad one)."""
        known = {p.name: p for p in self.params}
        unknown = sorted(set(params) - set(known))
        if unknown:
            raise ValueError(f"{self.name} has no setting {unknown[0]!r}; it has {sorted(known)}")
        return {name: p.check(params.get(name, p.default)) for name, p in known.items()}


def figure(value, spec: str) -> str:
    """A number from a checkpoint's JSON, formatted (`spec` "%": a fraction as a percentage); "—" when it is missing
    or not a finite number (an uploaded JSON may hold anything there)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "—"
    return format(v, spec) if math.isfinite(v) else "—"


def fields(doc: dict) -> tuple[dict, dict]:
    """(config, metrics) of a checkpoint's JSON, each a dict even when the JSON holds something else there."""
    d = doc if isinstance(doc, dict) else {}
    cfg, met = d.get("config"), d.get("metrics")
    return (cfg if isinstance(cfg, dict) else {}), (met if isinstance(met, dict) else {})


KINDS: dict[str, ModelKind] = {}  # name -> kind, in the order the topic packages register them


def register(kind: ModelKind) -> ModelKind:
    """Add `kind` to the registry (a topic package does this once, when it is imported)."""
    KINDS[kind.name] = kind
    for k in sorted(KINDS.values(), key=lambda k: k.order):  # keep KINDS in listing order
        KINDS[k.name] = KINDS.pop(k.name)
    return kind


def get(name: str) -> ModelKind:
    """The kind called `name`; ValueError lists the known ones."""
    if name not in KINDS:
        raise ValueError(f"unknown kind {name!r}; choose from {list(KINDS)}")
    return KINDS[name]


def for_checkpoint(checkpoint_kind: str) -> ModelKind | None:
    """The first kind whose checkpoints say `checkpoint_kind` (they share one model builder)."""
    return next((k for k in KINDS.values() if k.checkpoint == checkpoint_kind), None)


def shipped() -> dict[str, tuple[ModelKind, Shipped]]:
    """Every shipped checkpoint's name -> (its kind, its fixed settings)."""
    return {s.name: (k, s) for k in KINDS.values() for s in k.shipped}
