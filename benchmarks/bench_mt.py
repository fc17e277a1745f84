"""Translation and beam-search timings of the date translators, and what their checkpoints record.

Run: python benchmarks/bench_mt.py
Targets (issue 5): translating one date with α under 50 ms on CPU; beam search with B = 10 under 200 ms.
"""

from __future__ import annotations

import statistics
import time

DATES = ["Tuesday 13 June 1989", "1989年6月13日星期二", "miércoles, 13 de septiembre de 1989", "6/13/89"]


def median_ms(f, n: int = 30) -> float:
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main() -> None:
    import torch

    import seqviz
    from seqviz.translation.dates import date_pairs
    from seqviz.translation.models import greedy_batch

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device for inference: cpu")
    for name in ("date-attention", "date-no-attention"):
        t0 = time.perf_counter()
        m = seqviz.load_pretrained(name)
        t_load = time.perf_counter() - t0
        m.translate(DATES[0], beam_width=10)  # warm up
        print(f"\n{name}: load {t_load * 1e3:.0f} ms, {m.meta['n_parameters']:,} parameters")
        for text in DATES:
            greedy = median_ms(lambda: m.translate(text, beam_width=1))
            beam = median_ms(lambda: m.translate(text, beam_width=10))
            out = m.translate(text, beam_width=10).output
            print(
                f"  {text!r:40s} -> {out}  translate + α (greedy) {greedy:5.1f} ms | beam B=10 {beam:6.1f} ms"
                f"  [targets 50 / 200 ms]"
            )
        texts = [p.human for p in date_pairs(1000, seed=7, split="test")]
        t0 = time.perf_counter()
        greedy_batch(m, texts)
        print(f"  batched greedy, 1,000 held-out dates: {(time.perf_counter() - t0) * 1e3:.0f} ms")
        tr, mt = m.meta["training"], m.meta["metrics"]
        print(
            f"  checkpoint: trained {tr['epochs']} epochs ({tr['steps']} steps) in {tr['seconds']:.0f} s on "
            f"{tr['device']} with {tr.get('threads', '?')} thread(s); held-out exact match greedy "
            f"{100 * mt['exact_greedy']:.2f}%, B=10 {100 * mt['exact_beam10']:.2f}% on {mt['n_test']:,} dates"
        )
        print(
            "  by input length: "
            + ", ".join(
                f"{b}: {100 * v['exact']:.1f}% ({v['n']})" for b, v in mt["by_length"].items() if v["exact"] is not None
            )
        )
        sc = mt.get("scan")
        if sc:
            print(
                f"  error analysis on {sc['n']:,} more held-out dates: greedy wrong on {sc['greedy_wrong']}, "
                f"{sc['search']} the search's fault (B={sc['beam_width']} fixes {sc['fixed_by_beam']}), "
                f"{sc['model']} the model's"
            )


if __name__ == "__main__":
    main()
