"""Language-model and sentiment figures: sampling 200 characters and scoring a 1,000-character paste
per model; reading one sentence with both sentiment classifiers (and jieba's first load).

Run: python benchmarks/bench_lm.py
Targets (issue 6): sampling 200 characters under 200 ms on CPU; scoring 1,000 characters under 200 ms.
"""

from __future__ import annotations

import statistics
import time


def main() -> None:
    import torch

    import seqviz
    from seqviz.rnn.lm import sample, score

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    names = ("andrew ng\nmary johnson\nada lovelace\ngrace hopper\n" * 40)[:1000]
    prose = ("The river flows north through the valley. It was named after a local king.\n" * 20)[:1000]
    for name, paste in (("names-rnn", names), ("names-gru", names), ("names-lstm", names), ("wiki-lstm", prose)):
        m = seqviz.load_pretrained(name)
        sample(m, 20), score(m, "warm up")
        s_times, c_times = [], []
        for seed in range(10):
            t0 = time.perf_counter()
            sample(m, 200, temperature=1.0, top_k=None, seed=seed)
            s_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sc = score(m, paste)
            c_times.append(time.perf_counter() - t0)
        print(
            f"{name:10s} sample 200 chars: median {statistics.median(s_times) * 1e3:6.1f} ms | "
            f"score 1,000 chars: median {statistics.median(c_times) * 1e3:5.1f} ms (perplexity {sc.perplexity:.2f})"
        )

    sentiment()


def sentiment() -> None:
    import seqviz
    from seqviz.sentiment.models import read

    for name, text in (("sentiment-en", "i am not feeling happy about this movie"), ("sentiment-zh", "我一点也不开心")):
        t0 = time.perf_counter()
        m = seqviz.load_pretrained(name)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        read(m, text)  # first call: jieba loads its dictionary
        t_first = time.perf_counter() - t0
        times = []
        for _ in range(20):
            t0 = time.perf_counter()
            read(m, text)
            times.append(time.perf_counter() - t0)
        print(
            f"{name}: load {t_load * 1e3:.0f} ms, first reading {t_first * 1e3:.0f} ms, "
            f"then median {statistics.median(times) * 1e3:.1f} ms per sentence (both models)"
        )


if __name__ == "__main__":
    main()
