"""This session's own models (trained on the Train page or uploaded): listed on every page beside the
shipped ones, never seen by other sessions, downloadable as safetensors + JSON.

A model's name is "my-" + a hash of its two files, so cached traces keyed by name stay correct when
two students happen to hold the same model, and nobody can guess another student's model.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
import zlib
from dataclasses import dataclass, field
from typing import Any

import streamlit as st

from seqviz.core.checkpoint import CheckpointError, model_from_bytes

KEY = "my_models"  # session_state: id -> MyModel, oldest first
MAX_MODELS = 5  # a session keeps its last five models (the oldest is dropped, with a note)
MAX_UPLOAD_BYTES = 50_000_000  # a checkpoint upload (the shipped ones are at most 4 MB)
PREFIX = "my-"


@dataclass
class MyModel:
    """One of this session's models: its files as bytes and the model built from them (read-only)."""

    id: str
    label: str  # the name the student gave it
    kind: str  # the checkpoint kind: char_lm, embeddings, nmt, sentiment
    doc: dict  # the JSON: config and meta (metrics, training curve ...)
    json_bytes: bytes
    weights: bytes
    model: Any
    origin: str  # "trained" or "uploaded"
    extra: dict = field(default_factory=dict)  # things derived once from the model (e.g. its WordVectors)


def _store() -> dict:
    return st.session_state.setdefault(KEY, {})


def is_mine(name: str) -> bool:
    return isinstance(name, str) and name.startswith(PREFIX)


def mine(kind: str | None = None) -> list[MyModel]:
    """This session's models, of one checkpoint kind if given, oldest first."""
    return [m for m in _store().values() if kind in (None, m.kind)]


def get(name: str) -> MyModel | None:
    return _store().get(name)


def model(name: str):
    """The model object of one of this session's models (CheckpointError when the session has none by that name)."""
    m = get(name)
    if m is None:
        raise CheckpointError(f"{name} is not one of this session's models (it may have been dropped)")
    return m.model


def add(json_bytes: bytes, weights: bytes, origin: str, label: str | None = None) -> MyModel:
    """Check and load a checkpoint and add it to this session's list; returns it.

    Raises:
        CheckpointError: the files are not a SeqViz checkpoint or do not fit together.
    """
    doc_model = model_from_bytes(json_bytes, weights, label or "upload")
    for p in doc_model.parameters():
        p.requires_grad_(False)
    digest = hashlib.sha256(json_bytes + b"\0" + weights).hexdigest()[:16]
    mid = PREFIX + digest
    store = _store()
    if mid not in store:
        while len(store) >= MAX_MODELS:  # drop the oldest
            store.pop(next(iter(store)))
            st.session_state["my_models_dropped"] = st.session_state.get("my_models_dropped", 0) + 1
        doc = doc_model.meta
        store[mid] = MyModel(
            mid, str(label or doc.get("name") or "model")[:60], doc["kind"], doc, json_bytes, weights, doc_model, origin
        )
    return store[mid]


def remove(name: str) -> None:
    _store().pop(name, None)


def zip_bytes(m: MyModel) -> bytes:
    """NAME.json + NAME.safetensors in one zip (stored, not compressed: safetensors barely compress)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr(f"{m.label}.json", m.json_bytes)
        z.writestr(f"{m.label}.safetensors", m.weights)
    return buf.getvalue()


def files_from_upload(files: list[tuple[str, bytes]]) -> tuple[bytes, bytes, str]:
    """(json, weights, label) from uploaded files: a .zip holding both, or the .json and the .safetensors.

    Raises:
        CheckpointError: with a message that says what is missing or wrong.
    """
    files = list(files)
    total = sum(len(b) for _, b in files)
    if total > MAX_UPLOAD_BYTES:
        raise CheckpointError(f"the upload is {total / 1e6:.1f} MB; the limit is {MAX_UPLOAD_BYTES // 1_000_000} MB")
    named: dict[str, tuple[str, bytes]] = {}
    budget = MAX_UPLOAD_BYTES  # bytes all uploaded zips may unpack to, together
    unpacked = []
    for fname, data in files:  # only the zips the student uploaded: never a zip in a zip
        if not fname.lower().endswith(".zip"):
            continue
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                infos = [i for i in z.infolist() if not i.is_dir()]
                if len(infos) > 10 or sum(i.file_size for i in infos) > budget:
                    raise CheckpointError("the zip is too large once unpacked")
                for i in infos:
                    with z.open(i) as f:
                        content = f.read(budget + 1)  # the sizes in a zip's directory can lie: count the bytes
                    if len(content) > budget:
                        raise CheckpointError("the zip is too large once unpacked")
                    budget -= len(content)
                    unpacked.append((i.filename.rsplit("/", 1)[-1], content))
        except CheckpointError:
            raise
        except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError, RuntimeError) as err:
            raise CheckpointError(f"{fname} is not a readable zip ({err})") from err
    for fname, data in files + unpacked:
        low = fname.lower()
        if low.endswith(".json"):
            named["json"] = (fname, data)
        elif low.endswith(".safetensors"):
            named["weights"] = (fname, data)
        elif low.endswith((".pt", ".pth", ".pkl", ".pickle", ".bin", ".ckpt")):
            raise CheckpointError(f"{fname} looks like a pickle; SeqViz only opens safetensors + JSON")
    if "json" not in named or "weights" not in named:
        missing = "the .json" if "json" not in named else "the .safetensors"
        raise CheckpointError(
            f"{missing} file is missing: a checkpoint is a .json and a .safetensors (or a zip of both)"
        )
    label = named["json"][0].rsplit(".", 1)[0]
    try:
        label = str(json.loads(named["json"][1].decode("utf-8")).get("name") or label)
    except (UnicodeDecodeError, ValueError, AttributeError):
        pass  # model_from_bytes reports it properly
    return named["json"][1], named["weights"][1], label
