"""One generic training loop for every SeqViz model; everything model-specific hooks in.

`fit(model, loss_fn, train_data, config, val_fn, callbacks)` knows nothing of
the model: `loss_fn(model, batch)` returns the scalar loss, `val_fn(model)`
returns held-out metrics, and callbacks see a `TrainState` after every step.
"""

from __future__ import annotations

import math
import random
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

from seqviz.core.device import pick_device
from seqviz.core.registry import DataError


@dataclass
class TrainConfig:
    """Settings of one training run."""

    epochs: int = 10  # passes over the training data
    lr: float = 3e-3  # learning rate
    optimizer: str = (
        "adam"  # "adam", "sgd" (plain gradient descent, as in the course's derivations) or "adagrad" (GloVe)
    )
    batch_size: int = 128  # examples per step
    clip: float | None = 1.0  # max global gradient norm; None turns clipping off
    seed: int = 0  # seeds python, numpy and torch (shuffling and init)
    device: str = "auto"  # "auto" (CUDA when present), "cuda" or "cpu"
    max_seconds: float | None = None  # stop after this much wall time (keeps the best model)
    eval_every: int = 0  # evaluate every n steps; 0 = at the end of each epoch


@dataclass
class TrainState:
    """What the loop knows; callbacks read it and may set `stop`."""

    config: TrainConfig
    device: torch.device
    n_steps: int = 0  # planned steps in the whole run
    step: int = 0  # steps done
    epoch: int = 0
    loss: float = float("nan")  # last training loss
    grad_norm: float = float("nan")  # global gradient norm before clipping
    val: dict = field(default_factory=dict)  # last held-out metrics
    history: list[dict] = field(default_factory=list)  # one row per step: step, loss, grad_norm (+ val_* rows)
    best_val: float = float("inf")
    best_state: dict | None = None  # CPU copy of the weights with the best held-out loss
    elapsed: float = 0.0
    stop: bool = False
    stop_reason: str = ""  # "", "time", "diverged", "callback"


class Callback:
    """Hooks of the training loop; override what you need."""

    def on_start(self, state: TrainState) -> None: ...
    def on_step(self, state: TrainState) -> None: ...
    def on_eval(self, state: TrainState) -> None: ...
    def on_end(self, state: TrainState) -> None: ...


class PrintProgress(Callback):
    """A one-line progress bar with loss and ETA for the terminal."""

    def __init__(self, every: int = 20, stream=sys.stderr):
        self.every, self.stream = every, stream

    def on_step(self, s: TrainState) -> None:
        if s.step % self.every and s.step != s.n_steps:
            return
        frac = s.step / max(s.n_steps, 1)
        eta = s.elapsed / frac - s.elapsed if frac > 0 else float("nan")
        bar = "#" * int(30 * frac)
        self.stream.write(f"\r[{bar:<30}] {s.step}/{s.n_steps} epoch {s.epoch + 1} loss {s.loss:.4f} eta {eta:5.0f}s ")
        self.stream.flush()

    def on_eval(self, s: TrainState) -> None:
        vals = " ".join(f"{k} {v:.4f}" for k, v in s.val.items())
        self.stream.write(f"\n  held-out: {vals}\n")

    def on_end(self, s: TrainState) -> None:
        self.stream.write(f"\ndone in {s.elapsed:.1f}s on {s.device} ({s.stop_reason or 'finished'})\n")


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch so a run is repeatable."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def to_device(batch: Any, device: torch.device) -> Any:
    """Move every tensor inside a (nested) batch to `device`."""
    if isinstance(batch, torch.Tensor):
        return batch.to(device, non_blocking=True)
    if isinstance(batch, (list, tuple)):
        return type(batch)(to_device(b, device) for b in batch)
    if isinstance(batch, dict):
        return {k: to_device(v, device) for k, v in batch.items()}
    return batch


def fit(
    model: nn.Module,
    loss_fn: Callable[[nn.Module, Any], torch.Tensor],
    train_data: Dataset,
    config: TrainConfig | None = None,
    val_fn: Callable[[nn.Module], dict] | None = None,
    callbacks: Iterable[Callback] = (),
    collate_fn: Callable | None = None,
) -> TrainState:
    """Train `model` with Adam (or SGD), clipping and seeding; return the final state.

    Args:
        loss_fn: (model, batch on the device) -> scalar loss tensor.
        train_data: a torch Dataset; batches come from a seeded, shuffled DataLoader.
        val_fn: (model in eval mode, no grad) -> dict with a "loss" key.
    Returns:
        The TrainState; the model holds the best held-out weights (or the last
        finite ones if training diverged).
    """
    config = config or TrainConfig()
    callbacks = list(callbacks)
    seed_everything(config.seed)
    device = pick_device(config.device)
    model.to(device)
    gen = torch.Generator().manual_seed(config.seed)
    loader = DataLoader(
        train_data, batch_size=config.batch_size, shuffle=True, generator=gen, collate_fn=collate_fn, drop_last=False
    )
    if config.optimizer == "sgd":
        opt = torch.optim.SGD(model.parameters(), lr=config.lr)
    elif config.optimizer == "adagrad":
        opt = torch.optim.Adagrad(model.parameters(), lr=config.lr)
    else:
        opt = torch.optim.Adam(model.parameters(), lr=config.lr)
    s = TrainState(config=config, device=device, n_steps=config.epochs * len(loader))
    last_good = _cpu_copy(model)
    t0 = time.perf_counter()
    for cb in callbacks:
        cb.on_start(s)

    def evaluate():
        if val_fn is None:
            return
        model.eval()
        with torch.no_grad():
            s.val = {k: float(v) for k, v in val_fn(model).items()}
        model.train()
        s.history.append({"step": s.step, **{f"val_{k}": v for k, v in s.val.items()}})
        if s.val.get("loss", float("inf")) < s.best_val:
            s.best_val, s.best_state = s.val["loss"], _cpu_copy(model)
        for cb in callbacks:
            cb.on_eval(s)

    model.train()
    for s.epoch in range(config.epochs):
        for batch in loader:
            batch = to_device(batch, device)
            loss = loss_fn(model, batch)
            if not torch.isfinite(loss):
                s.stop, s.stop_reason = True, "diverged"
                break
            opt.zero_grad(set_to_none=True)
            loss.backward()
            clip = config.clip if config.clip else float("inf")
            s.grad_norm = float(nn.utils.clip_grad_norm_(model.parameters(), clip))
            if not math.isfinite(s.grad_norm):
                s.stop, s.stop_reason = True, "diverged"
                break
            opt.step()
            s.step += 1
            s.loss = float(loss.detach())
            s.elapsed = time.perf_counter() - t0
            s.history.append({"step": s.step, "loss": s.loss, "grad_norm": s.grad_norm})
            if s.step % 200 == 0:
                last_good = _cpu_copy(model)
            for cb in callbacks:
                cb.on_step(s)
            if config.eval_every and s.step % config.eval_every == 0:
                evaluate()
            if config.max_seconds is not None and s.elapsed > config.max_seconds:
                s.stop, s.stop_reason = True, "time"
            if s.stop:
                s.stop_reason = s.stop_reason or "callback"
                break
        if s.stop:
            break
        if not config.eval_every:
            evaluate()
    if s.stop_reason == "diverged":
        # the weights that gave a NaN are not good: go back to the best held-out ones,
        # else to the last snapshot (taken every 200 steps and at the start)
        model.load_state_dict(s.best_state or last_good)
    else:
        evaluated_last = s.history and "val_loss" in s.history[-1]
        if val_fn is not None and not evaluated_last:
            evaluate()  # the final steps count too
        if s.best_state is not None:
            model.load_state_dict(s.best_state)
    s.elapsed = time.perf_counter() - t0
    for cb in callbacks:
        cb.on_end(s)
    return s


def _cpu_copy(model: nn.Module) -> dict:
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


# ---------------------------------------------------------------- a kind's run through the loop


def train_config(params: dict, device: str, max_seconds: float | None, n_items: int) -> TrainConfig:
    """The loop's settings from a kind's params: epochs, lr, batch_size, clip (0 = off), seed, and `evals`
    held-out checks per run (0: one at the end of each epoch)."""
    steps = params["epochs"] * math.ceil(n_items / params["batch_size"])
    evals = int(params.get("evals", 25))
    return TrainConfig(
        epochs=params["epochs"],
        lr=params["lr"],
        batch_size=params["batch_size"],
        clip=params["clip"] or None,
        seed=params["seed"],
        device=device,
        max_seconds=max_seconds,
        eval_every=max(1, steps // evals) if evals else 0,
    )


def fit_run(model, loss_fn, train, params: dict, device, max_seconds, val_fn, callbacks, collate_fn):
    """`fit` with a kind's params; returns (state, seconds) with the model on the CPU in eval mode.

    Raises:
        DataError("diverged_early"): the loss was NaN before any model worth keeping.
    """
    cfg = train_config(params, device, max_seconds, len(train))
    t0 = time.perf_counter()
    state = fit(model, loss_fn, train, cfg, val_fn=val_fn, callbacks=callbacks, collate_fn=collate_fn)
    seconds = time.perf_counter() - t0
    if state.stop_reason == "diverged" and state.best_state is None and state.step < 200:
        raise DataError("diverged_early", step=state.step)
    model.cpu().eval()
    return state, seconds


def curve(state: TrainState, keep: int = 300) -> list[dict]:
    """The loop's history, thinned to about `keep` training rows (every validation row is kept)."""
    rows = [h for h in state.history if "loss" in h]
    every = max(1, len(rows) // keep)
    return [
        {k: round(v, 5) if isinstance(v, float) else v for k, v in h.items()}
        for h in state.history
        if "loss" not in h or (rows and h["step"] % every == 0)
    ]


def training_meta(params: dict, state: TrainState, seconds: float) -> dict:
    """What a checkpoint's JSON says of its training: the settings, steps, time, device, machine, the curve."""
    import platform

    return {
        **params,
        "steps": state.step,
        "n_steps": state.n_steps,
        "seconds": round(seconds, 1),
        "device": str(state.device),
        "stop": state.stop_reason or "finished",
        "best_val_loss": None if not math.isfinite(state.best_val) else round(state.best_val, 5),
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "machine": platform.machine(),
        "curve": curve(state),
    }


def json_safe(x):
    """`x` with every NaN or infinite float replaced by None (JSON null; e.g. an accuracy on no examples)."""
    if isinstance(x, float):
        return x if math.isfinite(x) else None
    if isinstance(x, dict):
        return {k: json_safe(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [json_safe(v) for v in x]
    return x
