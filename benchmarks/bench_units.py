"""The unit finder (issue 16): every hypothesis on 10,000 characters of real Python source, rank_units over a
synthetic (10,000 x 1,536) signal set (an LSTM 256: a, c, c~ and three gates) and over a real trace, and the
match view.

Run: python -m benchmarks.bench_units
Target (issue 16): the unit finder over 10,000 characters and every unit in at most 1 s (the trace not counted).
"""

from __future__ import annotations

import statistics
import time

N = 10_000  # characters
TARGET_MS = 1000.0


def timed(f, repeat: int = 5) -> tuple[float, object]:
    """Median milliseconds of `repeat` calls of f(), and the last result."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3, out


def source(n: int = N) -> str:
    """The first n characters of the standard library's source, files joined in name order."""
    from seqviz.core.data import python_files

    text = ""
    for path in python_files():
        text += path.read_text(encoding="utf-8", errors="replace")
        if len(text) >= n:
            break
    return text[:n]


def main() -> None:
    import numpy as np

    import seqviz
    from seqviz.core.checkpoint import list_pretrained
    from seqviz.rnn import units

    text = source()
    units._scan.cache_clear()
    ms_h, hyps = timed(lambda: (units._scan.cache_clear(), units.evaluate_hypotheses(text))[1])
    print(f"{len(hyps)} hypotheses on {len(text):,} characters of stdlib source: {ms_h:6.1f} ms")
    for name, f in units.HYPOTHESES.items():
        ms, _ = timed(lambda: (units._scan.cache_clear(), f(text)))
        print(f"    {name:15s} {ms:6.2f} ms")

    rng = np.random.default_rng(0)
    sigs = {k: rng.normal(size=(N, 256)).astype(np.float32) for k in ("a", "c", "c_tilde", "gamma_u", "gamma_f")}
    sigs["gamma_o"] = rng.random((N, 256), dtype=np.float32)
    ms_r, ranked = timed(lambda: units.rank_units(sigs, text, hyps, top=5))
    print(
        f"rank_units, synthetic {N:,} x {sum(v.shape[1] for v in sigs.values()):,} signals x {len(hyps)} "
        f"hypotheses: {ms_r:6.1f} ms"
    )

    names = {d["name"] for d in list_pretrained()}
    model_name = "python-lstm" if "python-lstm" in names else "wiki-lstm"
    m = seqviz.load_pretrained(model_name)
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # 10,000 tiny steps: one thread; two fight any other busy process for the 2 cores
    m.trace(text[:200])  # warm up
    ms_t, trace = timed(lambda: m.trace(text), repeat=1)
    torch.set_num_threads(threads)
    print(
        f"trace of {len(text):,} characters with {model_name} (n_a = {m.config.n_a}, 1 torch thread): "
        f"{ms_t:6.0f} ms (not counted)"
    )

    def finder():
        units._scan.cache_clear()
        return units.rank_units(trace, text, units.evaluate_hypotheses(text), top=5)

    ms_f, ranked = timed(finder)
    n_units = sum(v.shape[1] for v in units.signals(trace).values())
    print(f"rank_units on the real trace ({n_units:,} units), hypotheses included: {ms_f:6.1f} ms")
    for h in ("in_string", "in_comment", "bracket_depth", "indentation", "line_position"):
        best = ranked[h][0]
        print(f"    {h:15s} best {best.label:12s} r = {best.r:+.3f}")

    best = ranked["in_string"][0]
    values = units.unit_values(trace, best.signal, best.unit)
    ms_p, ps = timed(lambda: units.top_passages(values, text, k=5, width=60, lowest=best.r < 0))
    print(f"top_passages (k = 5, width 60) over {len(text):,} characters: {ms_p:6.2f} ms")

    total = max(ms_f, ms_r + ms_h)
    print(f"unit finder over {N:,} characters and every unit: {total:.0f} ms (target {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
