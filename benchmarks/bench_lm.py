"""Language-model figures: sampling 200 characters and scoring a 1,000-character paste, per cell.

Run: python benchmarks/bench_lm.py
Targets (issue 6): sampling 200 characters under 200 ms on CPU; scoring 1,000 characters under 200 ms.
"""
from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    import torch

    import seqviz
    from seqviz.lm import sample, score

    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    paste = ("andrew ng\nmary johnson\nada lovelace\ngrace hopper\n" * 40)[:1000]
    for cell in ("rnn", "gru", "lstm"):
        m = seqviz.load_pretrained(f"names-{cell}")
        sample(m, 20), score(m, "warm up")
        s_times, c_times = [], []
        for seed in range(10):
            t0 = time.perf_counter()
            sample(m, 200, temperature=1.0, top_k=None, seed=seed)
            s_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            sc = score(m, paste)
            c_times.append(time.perf_counter() - t0)
        print(f"{cell:5s} sample 200 chars: median {statistics.median(s_times) * 1e3:6.1f} ms | "
              f"score 1,000 chars: median {statistics.median(c_times) * 1e3:5.1f} ms (perplexity {sc.perplexity:.2f})")


if __name__ == "__main__":
    main()
