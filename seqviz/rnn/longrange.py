"""The long-range dependency experiment: a label decided by the first token, then k distractors."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import TensorDataset

from seqviz.core.loop import Callback, TrainConfig, fit
from seqviz.rnn.cells import open_memory_
from seqviz.rnn.models import FUSED

N_SIGNAL = 2  # tokens 0 and 1 decide the label
N_TOKENS = 10  # tokens 2..9 are distractors


@dataclass
class LongRangeConfig:
    """Settings of the live experiment."""

    ks: tuple = (10, 40, 100)  # distractors after the deciding token
    cells: tuple = ("rnn", "gru", "lstm")
    n_a: int = 16  # hidden units
    seconds: float = 30.0  # safety time cap per (cell, k); the step cap is what binds
    max_steps: int = 300  # step cap per (cell, k)
    stop_loss: float = 0.02  # stop early once the mean loss of the last 10 steps is below this
    n_train: int = 2048  # training sequences
    n_test: int = 512  # held-out sequences
    lr: float = 1e-2  # Adam learning rate
    batch_size: int = 128
    clip: float | None = 1.0
    seed: int = 0


def make_task(k: int, n: int, seed: int) -> TensorDataset:
    """n sequences: x<1> ∈ {0, 1} is the label, x<2..k+1> are random distractors. (n, k+1) ids, (n,) labels."""
    g = torch.Generator().manual_seed(seed)
    y = torch.randint(0, N_SIGNAL, (n,), generator=g)
    x = torch.randint(N_SIGNAL, N_TOKENS, (n, k + 1), generator=g)
    x[:, 0] = y
    return TensorDataset(x, y)


class ManyToOne(nn.Module):
    """Many-to-one classifier: one-hot x<t> -> cell -> a<Tx> -> softmax over 2 labels."""

    def __init__(self, cell: str, n_a: int):
        super().__init__()
        self.cell = cell
        self.rnn = FUSED[cell](N_TOKENS, n_a, batch_first=True)
        self.head = nn.Linear(n_a, N_SIGNAL)
        open_memory_(self.rnn, cell)  # gated cells start by keeping their memory (Γf ≈ 0.99, Γu ≈ 0.05)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        a, _ = self.rnn(F.one_hot(x, N_TOKENS).float())  # (b, T, n_a)
        return self.head(a[:, -1])  # (b, 2) logits from a<Tx>


def _loss(model, batch):
    x, y = batch
    return F.cross_entropy(model(x), y)


@torch.no_grad()
def accuracy(model, data: TensorDataset) -> float:
    """Fraction of held-out sequences whose label is predicted right."""
    model.eval()
    x, y = data.tensors
    device = next(model.parameters()).device
    acc = (model(x.to(device)).argmax(1) == y.to(device)).float().mean().item()
    model.train()
    return acc


@dataclass
class LongRangeResult:
    """accuracy[cell][i] is the held-out accuracy after training on ks[i] distractors."""

    ks: tuple
    accuracy: dict = field(default_factory=dict)
    steps: dict = field(default_factory=dict)
    seconds: float = 0.0
    device: str = "cpu"


def run(config: LongRangeConfig | None = None, device: str = "auto", progress=None) -> LongRangeResult:
    """Train every cell on every k through the one training loop; report held-out accuracy.

    Args:
        progress: optional callable(done_runs, total_runs, cell, k, loss) for a live bar.
    """
    cfg = config or LongRangeConfig()
    res = LongRangeResult(ks=tuple(cfg.ks))
    total, done = len(cfg.cells) * len(cfg.ks), 0
    t0 = time.perf_counter()

    class Report(Callback):
        def __init__(self, cell, k):
            self.cell, self.k = cell, k

        def on_step(self, s):
            recent = [h["loss"] for h in s.history[-10:] if "loss" in h]
            if s.step >= cfg.max_steps or (len(recent) == 10 and sum(recent) / 10 < cfg.stop_loss):
                s.stop = True  # solved, or out of steps
            if progress and s.step % 10 == 0:
                frac = max(s.step / cfg.max_steps, s.elapsed / cfg.seconds)
                progress(done + min(1.0, frac), total, self.cell, self.k, s.loss)

    for cell in cfg.cells:
        res.accuracy[cell], res.steps[cell] = [], []
        for k in cfg.ks:
            torch.manual_seed(cfg.seed)
            model = ManyToOne(cell, cfg.n_a)
            train, test = make_task(k, cfg.n_train, cfg.seed), make_task(k, cfg.n_test, cfg.seed + 1)
            tc = TrainConfig(
                epochs=1000,
                lr=cfg.lr,
                batch_size=cfg.batch_size,
                clip=cfg.clip,
                seed=cfg.seed,
                device=device,
                max_seconds=cfg.seconds,
            )
            state = fit(model, _loss, train, tc, callbacks=[Report(cell, k)])
            res.accuracy[cell].append(accuracy(model, test))
            res.steps[cell].append(state.step)
            res.device = str(state.device)
            done += 1
            if progress:
                progress(done, total, cell, k, state.loss)
    res.seconds = time.perf_counter() - t0
    return res
