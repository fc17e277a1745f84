"""Connectivity (issue 17): C[t, t'] = ‖∂z<t>/∂x<t'>‖ of the RNN, GRU and LSTM names models over 200 characters,
cold (first call in this process) and warm, and the warm re-run of the "Inside the RNN cell" page with the
comparison reading those 200 characters (AppTest: the whole script, every section).

Run: python -m benchmarks.bench_connectivity [--threads N] [--baseline]
Targets (issue 17): connectivity of 200 characters, all three cells, at most 300 ms on CPU; the page's warm re-run
at most 100 ms. The app computes on one torch thread (seqviz.ui.warmup.THREADS), so that is the default here.
--baseline also times the obvious exact method, torch.func.jacrev of all logits against all inputs (one cell).
"""

from __future__ import annotations

import argparse
import logging
import statistics
import time

from benchmarks.bench_foundation import ROOT, ms
from benchmarks.bench_units import timed

# one line of names (the names models restart at every line break), 200 characters
TEXT = ("andrew ng mary johnson peter smith ada lovelace alan turing grace hopper " * 3)[:200]
TARGET_MS, PAGE_TARGET_MS = 300.0, 100.0
CELLS = ("rnn", "gru", "lstm")


def bench_compute() -> None:
    import seqviz
    from seqviz.rnn.connectivity import connectivity

    models = {c: seqviz.load_pretrained(f"names-{c}") for c in CELLS}
    print(f"\n# connectivity of {len(TEXT)} characters (T = {len(TEXT) + 1}), exact, float32")
    cold = {}
    for c, m in models.items():  # the first call of each cell in this process
        t0 = time.perf_counter()
        connectivity(m, TEXT)
        cold[c] = (time.perf_counter() - t0) * 1e3
    warm = {c: timed(lambda m=m: connectivity(m, TEXT), repeat=7)[0] for c, m in models.items()}
    for c in CELLS:
        print(f"  {c:5s} cold {cold[c]:7.1f} ms | warm (median of 7) {warm[c]:7.1f} ms")
    total_cold, total_warm = sum(cold.values()), sum(warm.values())
    print(
        f"  all three: cold {total_cold:.0f} ms, warm {total_warm:.0f} ms "
        f"(target {TARGET_MS:.0f} ms: {'met' if total_warm <= TARGET_MS else 'MISSED'})"
    )
    for c, m in models.items():
        conn = connectivity(m, TEXT)
        d = conn.decay([10, 20, 40])
        print(
            f"  {c:5s} mean reach (1% of the strongest input) {conn.reach(0.01).mean():5.1f} characters; "
            + ", ".join(f"C[t, t-{k}] / C[t, t] ~ {v:.1e}" for k, v in d.items())
        )


def bench_baseline(cell: str = "rnn") -> None:
    """torch.func.jacrev of every logit against every one-hot input: the whole (T V) x (T V) Jacobian."""
    import torch
    from torch.func import jacrev

    import seqviz
    from seqviz.rnn.cells import Weights, unroll
    from seqviz.rnn.connectivity import connectivity

    m = seqviz.load_pretrained(f"names-{cell}")
    tokens, ids = m.encode(TEXT)
    xs = m.one_hot(torch.from_numpy(ids)[None]).float()
    w = Weights.of(m.rnn)
    w = Weights(*(p.detach().float() for p in (w.W_x, w.W_a, w.b_x, w.b_a)))
    W_ya = m.head.weight.detach()

    def logits(x):
        return unroll(cell, x, w)["a"][0] @ W_ya.T  # (T, V); one line: no resets

    def full():
        J = jacrev(logits)(xs)[:, :, 0]  # (T, V, T, V)
        return J.pow(2).sum(dim=(1, 3)).sqrt()

    ms_ref, C_ref = timed(full, repeat=1)
    ms_ours, conn = timed(lambda: connectivity(m, TEXT), repeat=3)
    err = float((torch.from_numpy(conn.C) - C_ref.double()).abs().max() / C_ref.max())
    print(
        f"\n# baseline ({cell}): torch.func.jacrev of all logits {ms_ref:7.0f} ms, "
        f"seqviz.rnn.connectivity {ms_ours:6.1f} ms; largest difference {err:.1e} of max C"
    )


def _page_runs(at, n: int) -> list[float]:
    xs = []
    for _ in range(n):
        t0 = time.perf_counter()
        at.run()
        xs.append(time.perf_counter() - t0)
    return xs


def bench_page(n: int = 15) -> None:
    from streamlit.runtime.pages_manager import PagesManager
    from streamlit.testing.v1 import AppTest

    from seqviz.ui.panels import COMPARE_TEXT

    init = PagesManager.__init__  # pages run inside app.py, as on a server (tests/conftest.py: app_navigation)

    def v2(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    PagesManager.__init__ = v2
    print(f"\n# warm re-run of the RNN-cell page, the comparison reading {len(TEXT)} characters (AppTest)")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/rnn_cell.py")
    at.session_state["cell_cmp_text"] = TEXT
    t0 = time.perf_counter()
    at.run()
    cold = time.perf_counter() - t0
    assert not at.exception, at.exception
    assert len(at.text_area(key="cell_cmp_text").value) == len(TEXT)
    xs = _page_runs(at, n)
    med = statistics.median(xs) * 1e3
    print(f"  first run {cold * 1e3:7.1f} ms | warm {ms(xs)}")
    at.slider(key="cell_cmp_t").set_value(100)
    t0 = time.perf_counter()
    at.run()
    moved = (time.perf_counter() - t0) * 1e3
    print(f"  step slider moved (a new figure for t = 100): {moved:7.1f} ms")
    at.text_area(key="cell_cmp_text").set_value(COMPARE_TEXT)
    at.run()
    print(f"  the default comparison text ({len(COMPARE_TEXT)} characters): warm {ms(_page_runs(at, n))}")
    at.text_area(key="cell_cmp_text").set_value("")
    at.run()
    rest = statistics.median(_page_runs(at, n)) * 1e3
    print(f"  no comparison text (sections 6 and 7 stop at once; the rest of the page): warm median {rest:7.1f} ms")
    verdict = "met" if med <= PAGE_TARGET_MS else "MISSED"
    print(
        f"  warm re-run {med:.0f} ms (target {PAGE_TARGET_MS:.0f} ms: {verdict}); "
        f"sections 6 and 7 at 200 characters: {med - rest:.0f} ms of it"
    )
    PagesManager.__init__ = init


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the app uses 1)")
    parser.add_argument("--baseline", action="store_true", help="also time torch.func.jacrev (slow, ~0.5 GB)")
    args = parser.parse_args()
    import torch

    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s)")
    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings
    bench_compute()
    if args.baseline:
        bench_baseline()
    bench_page()


if __name__ == "__main__":
    main()
