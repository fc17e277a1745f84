"""Training throughput of SeqViz's one training loop (`seqviz.core.loop.fit`) against a bare PyTorch loop.

Same model, same data, same batches (a seeded DataLoader), Adam and gradient clipping in both; `fit`
adds its NaN checks, history, periodic snapshots and (in the app) the JSON-lines progress callback.
Reports steps/s of each and the ratio (target: fit within 10% of the bare loop), on the CPU, and on
CUDA when there is a GPU. Also times one studio run per kind at small settings, end to end.

    python benchmarks/bench_train.py [--steps 300] [--repeats 3] [--skip-studio]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import time

import torch
from torch import nn
from torch.utils.data import DataLoader

from seqviz.core.data import LineDataset, full_names, pad_collate
from seqviz.core.loop import TrainConfig, fit
from seqviz.core.vocab import CharVocab
from seqviz.rnn.kind import lm_loss
from seqviz.rnn.models import CharLM, CharLMConfig
from seqviz.training.runner import JsonlProgress


def setup(n_a: int, n_lines: int, cell: str = "lstm"):
    lines = full_names(seed=0)[:n_lines]
    vocab = CharVocab.from_text("\n".join(lines))
    return LineDataset(lines, vocab), tuple(vocab.chars)


def bare_loop(ds, chars, n_a, steps, batch, device, cell) -> float:
    """The textbook loop: no checks, no history. Returns steps per second."""
    torch.manual_seed(0)
    model = CharLM(CharLMConfig(cell, n_a, chars)).to(device)
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    loader = DataLoader(
        ds, batch_size=batch, shuffle=True, generator=torch.Generator().manual_seed(0), collate_fn=pad_collate
    )
    model.train()
    done, t0 = 0, None
    while done < steps:
        for x, y in loader:
            if done == 10:  # the first steps warm up allocators and kernels
                _sync(device)
                t0 = time.perf_counter()
            x, y = x.to(device), y.to(device)
            loss = lm_loss(model, (x, y))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            done += 1
            if done == steps:
                break
    _sync(device)
    return (steps - 10) / (time.perf_counter() - t0)


class _Clock:
    """Starts the clock after the 10th step, like the bare loop."""

    def __init__(self, device):
        self.device, self.t0 = device, None

    def on_start(self, s): ...
    def on_eval(self, s): ...
    def on_end(self, s): ...

    def on_step(self, s):
        if s.step == 10:
            _sync(self.device)
            self.t0 = time.perf_counter()


def fit_loop(ds, chars, n_a, steps, batch, device, cell, progress: bool) -> float:
    torch.manual_seed(0)
    model = CharLM(CharLMConfig(cell, n_a, chars))
    n_per_epoch = -(-len(ds) // batch)
    cfg = TrainConfig(epochs=-(-steps // n_per_epoch), lr=3e-3, batch_size=batch, clip=1.0, device=device)
    clock = _Clock(torch.device(device))

    class Stop:
        def on_start(self, s): ...
        def on_eval(self, s): ...
        def on_end(self, s): ...
        def on_step(self, s):
            if s.step >= steps:
                s.stop = True

    cbs = [clock, Stop()] + ([JsonlProgress(io.StringIO())] if progress else [])
    fit(model, lm_loss, ds, cfg, callbacks=cbs, collate_fn=pad_collate)
    _sync(torch.device(device))
    return (steps - 10) / (time.perf_counter() - clock.t0)


def _sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


def throughput(device: str, steps: int, repeats: int) -> None:
    print(
        f"\n== fit vs a bare PyTorch loop on {device} ({torch.get_num_threads()} threads), {steps} steps, "
        f"median of {repeats} alternating runs"
    )
    print(
        f"{'model':<22}{'batch':>6}{'bare steps/s':>14}{'fit steps/s':>13}{'fit+progress':>14}{'fit/bare':>10}"
        f"{'(+progress)':>13}"
    )
    for cell, n_a, batch in (("lstm", 64, 64), ("lstm", 256, 64), ("gru", 128, 128)):
        ds, chars = setup(n_a, 20_000, cell)
        bare, plain, prog = [], [], []
        for _ in range(repeats):
            bare.append(bare_loop(ds, chars, n_a, steps, batch, device, cell))
            plain.append(fit_loop(ds, chars, n_a, steps, batch, device, cell, progress=False))
            prog.append(fit_loop(ds, chars, n_a, steps, batch, device, cell, progress=True))
        b, f, p = (statistics.median(v) for v in (bare, plain, prog))
        print(f"{cell.upper() + f' n_a={n_a}':<22}{batch:>6}{b:>14.1f}{f:>13.1f}{p:>14.1f}{f / b:>10.3f}{p / b:>13.3f}")
    print("target: fit/bare >= 0.90 (within 10%)")


def studio_runs() -> None:
    """One small studio run per kind, in this process (what the worker process does, minus its start)."""
    from seqviz.core import registry
    from seqviz.training import runner

    print("\n== studio runs at small settings (in process; the app adds about 3 s to start its worker)")
    runs = [
        ("char_lm", "names", {"max_lines": 2000, "epochs": 1}),
        ("word2vec", "lee", {"epochs": 5}),
        ("glove", "lee", {"epochs": 15}),
        ("dates", "dates", {"n_pairs": 2000, "epochs": 1}),
        ("sentiment", "en", {"epochs": 3}),
    ]
    for kind, source, params in runs:
        t0 = time.perf_counter()
        data = runner.read_data(kind, source, None, registry.get(kind).check(params))
        t1 = time.perf_counter()
        res = runner.run(kind, data, params)
        t2 = time.perf_counter()
        print(
            f"{kind:<10} {source:<6} data {t1 - t0:5.1f} s  train+metrics {t2 - t1:5.1f} s  "
            f"steps {res.state.step:>5}  stop {res.state.stop_reason or 'finished'}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--skip-studio", action="store_true")
    a = ap.parse_args()
    print(f"torch {torch.__version__}, OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}")
    throughput("cpu", a.steps, a.repeats)
    if torch.cuda.is_available():
        throughput("cuda", a.steps, a.repeats)
    else:
        print("\n(no CUDA device here: GPU figures come from a machine with one)")
    if not a.skip_studio:
        studio_runs()


if __name__ == "__main__":
    main()
