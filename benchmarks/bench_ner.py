"""Named-entity taggers: the page's reading of a 100-word English sentence and a 100-character Chinese one with each
shipped tagger (`read`: states, ŷ<t>, tags and entities; `tag`: the (token, tag) pairs), the time to parse People's
Daily and to generate the English sentences, and the held-out entity scores each checkpoint's JSON holds, the
bidirectional tagger beside its one-directional twin.

Run: python -m benchmarks.bench_ner
Target: read() and tag() at most 20 ms (median, one torch thread) for 100 tokens, on every shipped tagger.
"""

from __future__ import annotations

import statistics
import time

NAMES = ("ner-en", "ner-en-uni", "ner-zh", "ner-zh-uni")
PAIRS = {"en": ("ner-en", "ner-en-uni"), "zh": ("ner-zh", "ner-zh-uni")}  # (bidirectional, one-directional)
N_TOKENS = 100
RUNS = 50
TARGET_MS = 20.0


def timed(f, repeat: int = RUNS, warm: int = 5) -> tuple[float, float]:
    """(median, max) milliseconds of `repeat` calls of f(), after `warm` calls not counted."""
    for _ in range(warm):
        f()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, max(times) * 1e3


def texts() -> dict[str, str]:
    """A text of exactly N_TOKENS tokens per language: held-out sentences (English: new templates; Chinese: the
    held-out People's Daily paragraphs), joined and cut."""
    from seqviz.ner.data import english_sentences, people_daily, tokenize

    words = [w for toks, _ in english_sentences()["new_templates"][:40] for w in toks][:N_TOKENS]
    chars = [c for chars, _ in people_daily()[1][:40] for c in chars][:N_TOKENS]
    out = {"en": " ".join(words), "zh": "".join(chars)}
    for lang, text in out.items():
        assert len(tokenize(text, lang)) == N_TOKENS, lang
    return out


def speed(models: dict) -> list[float]:
    """read() and tag() per shipped tagger; the medians."""
    sample = texts()
    print(f"reading {N_TOKENS} tokens (median and max of {RUNS} runs after 5 warm-up ones, 1 torch thread):")
    medians = []
    for name in NAMES:
        m = models.get(name)
        if m is None:
            print(f"  {name:11s} not in pretrained/ (python -m seqviz.training.build {name})")
            continue
        text = sample[m.config.lang]
        r = m.read(text)
        assert len(r.tokens) == N_TOKENS and r.n_cut == 0
        for what, fn in (("read", lambda: m.read(text)), ("tag", lambda: m.tag(text))):
            med, worst = timed(fn)
            medians.append(med)
            print(f"  {name:11s} {what:4s}  median {med:6.2f} ms  max {worst:6.2f} ms  ({len(r.entities)} entities)")
    return medians


def data_times() -> None:
    from seqviz.ner.data import _pools, english_sentences, people_daily

    times = []
    for _ in range(3):
        people_daily.cache_clear()
        t0 = time.perf_counter()
        train, held = people_daily()
        times.append(time.perf_counter() - t0)
    print(
        f"people_daily(): parse 199801.txt into {len(train):,} + {len(held):,} sentences: "
        f"median {statistics.median(times):.2f} s of 3"
    )
    english_sentences.cache_clear()
    _pools.cache_clear()
    t0 = time.perf_counter()
    sets = english_sentences()
    sizes = ", ".join(f"{k} {len(v):,}" for k, v in sets.items())
    print(f"english_sentences(): {sizes} (name lists read too): {time.perf_counter() - t0:.2f} s")
    print("  (train without the course's sentences, new_sentences without copies of training ones)")


def scores(docs: dict) -> None:
    """Held-out entity P / R / F1 from each checkpoint's JSON, per language, test set and label: bi | uni."""
    print("\nheld-out entity scores from the checkpoints' JSON (seqeval, conlleval's rules): bidirectional | forward")
    prf = f"{'P':>6s} {'R':>6s} {'F1':>6s}"
    print(f"  {'':2s} {'test set':14s} {'label':5s} {'n':>6s}   {prf} | {prf}")
    cell = lambda row: f"{row['precision']:6.3f} {row['recall']:6.3f} {row['f1']:6.3f}" if row else f"{'—':>20s}"  # noqa: E731
    for lang, (bi, uni) in PAIRS.items():
        b, u = (docs.get(bi) or {}).get("metrics", {}), (docs.get(uni) or {}).get("metrics", {})
        if not b and not u:
            print(f"  {lang:2s} no checkpoint of {bi} / {uni}")
            continue
        for test in dict.fromkeys([*b, *u]):
            labels = sorted({*b.get(test, {}), *u.get(test, {})} - {"all"}) + ["all"]
            for label in labels:
                rb, ru = b.get(test, {}).get(label), u.get(test, {}).get(label)
                n = (rb or ru)["n"]
                print(f"  {lang:2s} {test:14s} {label:5s} {n:6,d}   {cell(rb)} | {cell(ru)}")


def main() -> None:
    import torch

    from seqviz.core.checkpoint import PRETRAINED_DIR, load_pretrained

    torch.set_num_threads(1)  # one request of the page: short sequences, one thread
    models, docs = {}, {}
    for name in NAMES:
        if (PRETRAINED_DIR / f"{name}.json").exists():
            t0 = time.perf_counter()
            models[name] = load_pretrained(name)
            docs[name] = models[name].meta
            m = models[name]
            print(
                f"{name:11s} loaded in {1e3 * (time.perf_counter() - t0):5.0f} ms: {m.config.lang}, "
                f"{'bidirectional' if m.config.bidirectional else 'forward only'}, n_a {m.config.n_a}, "
                f"{len(m.config.words):,} words, {sum(p.numel() for p in m.parameters()):,} parameters"
            )
    medians = speed(models)
    if medians:
        verdict = "met" if max(medians) <= TARGET_MS else "MISSED"
        print(f"slowest median {max(medians):.2f} ms (target {TARGET_MS:.0f} ms: {verdict})")
    data_times()
    scores(docs)


if __name__ == "__main__":
    main()
