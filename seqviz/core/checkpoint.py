"""Checkpoints as safetensors + a JSON config (never pickles): save, list and load."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

from seqviz.core import registry

FORMAT = "seqviz-checkpoint-1"
MAX_DIM = 4096  # largest n_a / n_s / n_e a config may ask for (the studio's own stop at 1000)
MAX_STEPS = 1000  # largest max_src / max_tgt of a date translator
PRETRAINED_DIR = Path(os.environ.get("SEQVIZ_PRETRAINED", Path(__file__).resolve().parents[2] / "pretrained"))


class CheckpointError(ValueError):
    """A checkpoint that is missing, malformed or does not fit its model."""


def config_size(cfg: dict, key: str, hi: int = MAX_DIM, lo: int = 1) -> int:
    """A whole number from a config, checked to lie in lo..hi before anything is built with it."""
    v = cfg[key]
    try:
        f = float(v)
    except (TypeError, ValueError):
        f = float("nan")
    if isinstance(v, bool) or not math.isfinite(f) or f != int(f) or not lo <= f <= hi:
        raise ValueError(f"{key} = {str(v)[:20]!r} is not a whole number between {lo} and {hi}")
    return int(f)


def _reason(err: Exception) -> str:
    """The first line of an error, short enough for a message on the page."""
    return (str(err).splitlines() or [type(err).__name__])[0][:200]


def save_model(model, name: str, meta: dict, out_dir: str | Path | None = None) -> Path:
    """Write `name.safetensors` (the weights) and `name.json` (config + meta); return the JSON path."""
    from safetensors.torch import save_file

    out = Path(out_dir or PRETRAINED_DIR)
    out.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    save_file(tensors, str(out / f"{name}.safetensors"))
    doc = {"format": FORMAT, "name": name, "kind": model.KIND, "config": model.config_dict(), **meta}
    path = out / f"{name}.json"
    path.write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def list_pretrained(folder: str | Path | None = None, kind: str | None = None) -> list[dict]:
    """The JSON of every checkpoint in `folder` (default pretrained/), sorted by name; only `kind` if given."""
    folder = Path(folder or PRETRAINED_DIR)
    out = []
    for p in sorted(folder.glob("*.json")):
        try:
            doc = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if (
            doc.get("format") == FORMAT
            and (folder / f"{p.stem}.safetensors").exists()
            and kind in (None, doc.get("kind"))
        ):
            out.append(doc)
    return out


def to_bytes(model, name: str, meta: dict) -> tuple[bytes, bytes]:
    """The two files `save_model` writes, as bytes: (JSON config + meta, safetensors weights)."""
    from safetensors.torch import save

    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    doc = {"format": FORMAT, "name": name, "kind": model.KIND, "config": model.config_dict(), **meta}
    return (json.dumps(doc, indent=1, ensure_ascii=False) + "\n").encode("utf-8"), save(tensors)


def model_from_bytes(doc_bytes: bytes | dict, weights: bytes | None, label: str = "checkpoint"):
    """Build and load a model from a checkpoint's JSON and safetensors bytes (never unpickles).

    Raises:
        CheckpointError: the JSON is not a SeqViz config (or asks for sizes out of range), the weights are
            not safetensors, or they do not fit the config (names, shapes, dtypes, checked before the model is
            built), or hold NaN / inf.
    """
    import torch
    from safetensors import SafetensorError
    from safetensors.torch import load

    if isinstance(doc_bytes, dict):
        doc = doc_bytes
    else:
        try:
            doc = json.loads(doc_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise CheckpointError(f"cannot read {label}: the config is not JSON ({err})") from err
    kinds = sorted({k.checkpoint for k in registry.KINDS.values()})
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("kind") not in kinds:
        raise CheckpointError(f"{label} is not a SeqViz checkpoint config (format {FORMAT!r}, kind one of {kinds})")
    if weights is None:
        raise CheckpointError(f"cannot read the weights of {label}: no .safetensors file")
    try:
        tensors = load(bytes(weights))
    except (SafetensorError, ValueError, OSError) as err:
        raise CheckpointError(f"cannot read the weights of {label}: not a safetensors file ({err})") from err
    build = registry.for_checkpoint(doc["kind"]).model
    cfg = doc.get("config") or {}
    try:
        with torch.device("meta"):  # shapes only, nothing allocated: a hostile config costs nothing
            expected = build(cfg).state_dict()
    except (KeyError, TypeError, ValueError, AttributeError, RuntimeError, OverflowError, MemoryError) as err:
        raise CheckpointError(f"{label}: bad config ({_reason(err)})") from err
    missing, extra = sorted(set(expected) - set(tensors)), sorted(set(tensors) - set(expected))
    if missing or extra:
        raise CheckpointError(
            f"the weights do not fit the config of {label} (missing {missing[:3]}, unexpected {extra[:3]})"
        )
    for k, v in tensors.items():
        if v.dtype != expected[k].dtype:
            raise CheckpointError(f"{label}: weight {k} is {v.dtype}, expected {expected[k].dtype}")
        if v.shape != expected[k].shape:
            raise CheckpointError(
                f"the weights do not fit the config of {label} (weight {k} has shape "
                f"{tuple(v.shape)}, the config needs {tuple(expected[k].shape)})"
            )
        if v.is_floating_point() and not bool(v.isfinite().all()):
            raise CheckpointError(f"{label}: weight {k} holds NaN or inf")
    try:  # the real model is now exactly as large as its weights
        model = build(cfg)
        model.load_state_dict(tensors, strict=True)
    except (RuntimeError, MemoryError, ValueError, OverflowError) as err:
        raise CheckpointError(f"the weights do not fit the config of {label} ({_reason(err)})") from err
    model.meta = doc
    return model.eval()


def load_model(json_path: str | Path):
    """Build the model a JSON config describes and load its safetensors weights.

    Raises:
        CheckpointError: the files are missing, malformed, or the weights do not fit.
    """
    json_path = Path(json_path)
    try:
        doc = json_path.read_bytes()
    except OSError as err:
        raise CheckpointError(f"cannot read {json_path.name}: {err}") from err
    weights = json_path.with_suffix(".safetensors")
    return model_from_bytes(doc, weights.read_bytes() if weights.exists() else None, json_path.stem)


def load_pretrained(name: str, folder: str | Path | None = None):
    """Load a shipped checkpoint by name (see `list_pretrained()`), in eval mode on the CPU."""
    folder = Path(folder or PRETRAINED_DIR)
    path = folder / f"{name}.json"
    if not path.exists():
        names = [d["name"] for d in list_pretrained(folder)]
        raise CheckpointError(f"no checkpoint {name!r}; available: {names}")
    return load_model(path)
