"""Gradients page figures: default view (cold, then warm page re-run) and the live long-range experiment.

Run: python benchmarks/bench_gradients.py
Targets (issue 3): the page's default view under 1 s on CPU; the live experiment under 30 s on
2 CPU cores for all three cells together.
"""

from __future__ import annotations

import logging
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    import numpy as np
    import torch

    import seqviz
    from seqviz import viz
    from seqviz.rnn.cells import open_memory_
    from seqviz.rnn.gradients import grad_norms, jacobian_spectra
    from seqviz.rnn.longrange import LongRangeConfig, run
    from seqviz.rnn.models import CharLM, CharLMConfig
    from seqviz.ui.gradients import STREAM
    from seqviz.viz.diagrams import bptt_figure

    logging.getLogger("streamlit").setLevel(logging.ERROR)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, cuda={torch.cuda.is_available()}")
    vocab = tuple(seqviz.load_pretrained("names-rnn").vocab.chars)
    for T in (100, 200, 300):
        ids = np.array([seqviz.load_pretrained("names-rnn").vocab.lookup(c) for c in (STREAM * 5)[:T]])
        t0 = time.perf_counter()
        norms, spectra = {}, {}
        for cell in ("rnn", "gru", "lstm"):
            torch.manual_seed(0)
            m = CharLM(CharLMConfig(cell, 64, vocab)).eval()
            open_memory_(m.rnn, cell)
            norms[cell] = grad_norms(m, ids, "last", 1.0)
            spectra[cell] = jacobian_spectra(m, ids, 1.0)
        t1 = time.perf_counter()
        viz.rnn.grad_norms_figure(norms), viz.rnn.jacobian_figure(spectra), bptt_figure(norms["rnn"].norms[-5:])
        t2 = time.perf_counter()
        tag = "  <- the page's default" if T == 100 else ""
        print(
            f"default view, T = {T:3d}: gradients + Jacobians for 3 cells {t1 - t0:5.2f} s, "
            f"figures {t2 - t1:5.2f} s, total {t2 - t0:5.2f} s{tag}"
        )

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.switch_page("pages/vanishing_gradients.py")
    t0 = time.perf_counter()
    at.run()
    first = time.perf_counter() - t0
    xs = []
    for _ in range(10):
        t0 = time.perf_counter()
        at.run()
        xs.append(time.perf_counter() - t0)
    print(
        f"page (AppTest): first run {first:.2f} s (imports, models, computing), "
        f"warm re-run median {statistics.median(xs) * 1e3:.1f} ms"
    )

    for device in ["cpu"] + (["cuda"] if torch.cuda.is_available() else []):
        r = run(LongRangeConfig(), device=device)
        print(f"live experiment on {device}: {r.seconds:.1f} s for 3 cells x k = {r.ks}")
        for cell, acc in r.accuracy.items():
            print(f"  {cell:5s} accuracy {[round(a, 3) for a in acc]}  steps {r.steps[cell]}")


if __name__ == "__main__":
    main()
