"""One runner for every model kind in the registry: the studio (the Train page and its command line) and the
rebuild of the shipped checkpoints both read data, train and save through these functions."""

from __future__ import annotations

import json
import math
import os
import re
import time
from pathlib import Path

from seqviz.core.checkpoint import save_model
from seqviz.core.loop import json_safe
from seqviz.core.registry import LIMITS, Data, DataError, Limits, Result, get


def read_data(
    kind: str, source: str, text: str | None = None, params: dict | None = None, limits: Limits = LIMITS
) -> Data:
    """The data of one run: a bundled set by name, or an uploaded text (source "upload"), cut to `limits`.

    Raises:
        DataError: the text is empty or too small to split into train and validation, has no usable
            line, or the bundled name is unknown.
    """
    k = get(kind)
    params = k.check(params or {})
    if source != "upload" and source not in k.bundled:
        raise DataError("unknown_source", source=source, choices=list(k.bundled))
    if source == "upload" and not (text or "").strip():
        raise DataError("empty")
    return k.read(kind, source, text, params, limits)


def run(
    kind: str,
    data: Data,
    params: dict | None = None,
    callbacks=(),
    device: str = "auto",
    max_seconds: float | None = None,
    name: str = "my-model",
    command: str | None = None,
) -> Result:
    """Train a `kind` model on `data`; the model holds the best held-out weights (or the last good ones).

    Raises:
        DataError: the data leaves nothing to train on with these settings (e.g. min_count too high),
            or the loss was NaN before anything good was kept.
    """
    k = get(kind)
    params = k.check(params or {})
    t0 = time.perf_counter()
    res = k.train(data, params, list(callbacks), device, max_seconds)
    res.meta.update(
        {
            "name": name,
            "studio": {"kind": kind, "source": data.source, "notes": data.notes},
            "command": command or command_line(kind, params, data.source, name),
            "n_parameters": int(sum(p.numel() for p in res.model.parameters())),
            "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        }
    )
    res.meta["training"]["total_seconds"] = round(time.perf_counter() - t0, 1)
    res.meta = json_safe(res.meta)
    return res


def save(result: Result, name: str, out_dir=None) -> Path:
    """Write NAME.safetensors + NAME.json (and the kind's extra files, e.g. NAME.views.safetensors); the JSON path."""
    path = save_model(result.model, name, result.meta, out_dir)
    for suffix, write in result.files.items():
        write(path.with_name(name + suffix))
    return path


def command_line(kind: str, params: dict, source: str, name: str) -> str:
    """The terminal command that repeats a run (with the uploaded file as --file)."""
    d = get(kind).defaults()
    opts = " ".join(f"--{k.replace('_', '-')} {v}" for k, v in params.items() if v != d[k])
    ext = "mid" if get(kind).binary else "txt"
    data = f"--file YOUR_FILE.{ext}" if source == "upload" else f"--data {source}"
    return " ".join(x for x in ("python -m seqviz.training.studio", kind, data, opts, f"--name {name}") if x)


class JsonlProgress:
    """Progress as JSON lines on a stream (what the app's worker reads), and a stop file it checks."""

    def __init__(self, stream, stop_file: str | None = None, every: float = 0.2):
        self.stream, self.stop_file, self.every, self._last = stream, stop_file, every, 0.0
        self._losses: list[float] = []  # losses since the last line: their mean is sent

    def emit(self, event: str, **kw) -> None:
        self.stream.write(json.dumps({"event": event, **kw}, allow_nan=False, default=str) + "\n")
        self.stream.flush()

    def _finite(self, x):
        return x if isinstance(x, (int, float)) and math.isfinite(x) else None

    def on_start(self, s) -> None:
        self.emit("start", n_steps=s.n_steps, device=str(s.device))

    def on_step(self, s) -> None:
        if self.stop_file and os.path.exists(self.stop_file) and not s.stop:
            s.stop, s.stop_reason = True, "stopped"
        if self._finite(s.loss) is not None:
            self._losses.append(s.loss)
        now = time.monotonic()
        if now - self._last >= self.every or s.step == s.n_steps or s.stop:
            self._last = now
            mean = sum(self._losses) / len(self._losses) if self._losses else None
            self._losses = []
            self.emit(
                "step",
                step=s.step,
                n_steps=s.n_steps,
                epoch=s.epoch,
                loss=self._finite(mean),
                elapsed=round(s.elapsed, 2),
            )

    def on_eval(self, s) -> None:
        self.emit("eval", step=s.step, val={k: self._finite(v) for k, v in s.val.items()})

    def on_sample(self, s, text: str) -> None:
        """A sample from the current weights (a character model's SampleWriter): the step, its loss, the text."""
        self.emit("sample", step=s.step, loss=self._finite(s.loss), text=text)

    def on_end(self, s) -> None:
        self.emit("end", stop_reason=s.stop_reason or "finished", steps=s.step, elapsed=round(s.elapsed, 2))


SAFE_NAME = re.compile(r"[^A-Za-z0-9._\-\u4e00-\u9fff]+")


def safe_name(name: str) -> str:
    """A file-system-safe checkpoint name (letters, digits, . _ - and Chinese; at most 60 characters)."""
    return SAFE_NAME.sub("-", name).strip("-.")[:60] or "my-model"
