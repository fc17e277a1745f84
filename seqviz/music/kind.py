"""The music kind ("music"): an LSTM language model over event tokens of notes; its data (the shipped Bach chorales,
or an uploaded MIDI / MusicXML file), recipe, held-out perplexity and the checkpoints it ships (bach-satb, a
four-voice model, and bach-melody, the soprano line alone)."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from seqviz.core.checkpoint import config_size
from seqviz.core.loop import fit_run, training_meta
from seqviz.core.registry import (
    COMMON,
    EVALS,
    LRS,
    Data,
    DataError,
    ModelKind,
    Param,
    Result,
    Shipped,
    fields,
    figure,
    register,
)
from seqviz.music import data as music_data
from seqviz.music.data import VOICES, Chorale, encode, transpose
from seqviz.music.models import MusicConfig, MusicLM, perplexity, vocabulary
from seqviz.music.synth import MusicFileError, read_music

BUNDLED = {"bach-chorales": "Bach's four-part chorales (music21's corpus; whole tunes held out)"}
PARTS = {"four": (0, 1, 2, 3), "soprano": (0,)}  # the `voices` setting -> the voices the model writes
MIN_NOTES = 100  # fewer notes in an upload: too little to learn from and hold some out


def read(kind: str, source: str, data, params: dict, limits) -> Data:
    """The shipped chorales (parsed from music21's corpus the first time, when pretrained/ lacks them), or the notes
    of an uploaded MIDI or MusicXML file (`data` is its bytes)."""
    if source == "bach-chorales":
        try:
            corpus = music_data.load_corpus()
        except FileNotFoundError:
            music_data.build()
            corpus = music_data.load_corpus()
        extra = {"validation": corpus.validation, "held_out": corpus.held_out}
        return Data(kind, source, corpus.train, BUNDLED[source], extra=extra)
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data or b"")
    if len(raw) > limits.upload_bytes:
        raise DataError("too_big", n_bytes=len(raw), max_bytes=limits.upload_bytes)
    try:
        notes, info = read_music(raw, max_notes=limits.examples)
    except MusicFileError as err:
        raise DataError(f"music_{err.code}", **err.info) from err
    if len(notes) < MIN_NOTES:
        raise DataError("too_small", n=len(notes), min=MIN_NOTES, unit="notes")
    notes_ = {"cut_examples": {"n": limits.examples}} if info["cut"] else {}
    piece = Chorale("upload", "", "", notes)
    return Data(kind, source, [piece], f"your {info['format']} file ({len(notes)} notes)", notes_)


def ranges(chorales, voices, shift: int) -> dict[int, tuple[int, int]]:
    """voice -> (lowest, highest) pitch of the pieces, widened by `shift` semitones each way (the transpositions)."""
    out = {}
    for v in voices:
        p = np.concatenate([c.notes[c.notes[:, 0] == v, 3] for c in chorales] or [np.zeros(0, int)])
        if len(p):
            out[v] = (int(p.min()) - shift, int(p.max()) + shift)
    return out


def windows(ids: list[int], size: int) -> list[list[int]]:
    """A long token sequence as pieces of at most `size` + 1 tokens, overlapping by one (so every token is a target
    once): the LSTM learns from windows, each from a<0> = 0."""
    return [ids[i : i + size + 1] for i in range(0, max(1, len(ids) - 1), size)]


def collate(seqs):
    return torch.nn.utils.rnn.pad_sequence([torch.as_tensor(s) for s in seqs], batch_first=True)  # <pad> is 0


def lm_loss(model, ids):
    logits, _ = model(ids[:, :-1])
    return F.cross_entropy(logits.transpose(1, 2), ids[:, 1:], ignore_index=0)


def cut_in_time(piece: Chorale, fracs=(0.8, 0.9)) -> tuple[Chorale, Chorale, Chorale]:
    """An uploaded piece split in time, before any transposition (so no transposed copy of a held-out passage is
    trained on): its first 80% of onsets to train on, the next 10% to pick the best weights, the last 10% to test.
    The later parts are moved to start at the downbeat of the bar (4/4) they start in."""
    onsets = np.unique(piece.notes[:, 1])
    cuts = [int(onsets[min(len(onsets) - 1, int(len(onsets) * f))]) for f in fracs]
    out = []
    for lo, hi in zip([0, *cuts], [*cuts, 1 << 30]):
        part = piece.notes[(piece.notes[:, 1] >= lo) & (piece.notes[:, 1] < hi)].copy()
        part[:, 1] -= (lo // 16) * 16
        out.append(Chorale(piece.name, piece.key, piece.meter, part))
    return out[0], out[1], out[2]


def train(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """An LSTM over the pieces' tokens, each training piece also transposed by ±1..`transpose` semitones. Bundled
    chorales: the validation tunes pick the best weights, the held-out tunes are the test. An upload: each piece cut
    in time (`cut_in_time`) before transposing."""
    voices = PARTS[p["voices"]]
    has = lambda cs: [c for c in cs if np.isin(c.notes[:, 0], voices).any()]  # noqa: E731
    if "held_out" in data.extra:
        pieces, val, held = has(data.items), has(data.extra["validation"]), has(data.extra["held_out"])
        split = "whole tune families: every 10th held out, every 20th (offset 4) for validation"
    else:
        parts = [cut_in_time(c) for c in has(data.items)]
        pieces, val, held = (has([c[i] for c in parts]) for i in range(3))
        split = "each piece cut in time: the first 80% trained on, the next 10% for validation, the last 10% held out"
    if not pieces or not val or not held:
        raise DataError("too_small", n=sum(len(c.notes) for c in data.items), min=MIN_NOTES, unit="notes")
    torch.manual_seed(p["seed"])
    tokens = vocabulary(ranges(pieces + val + held, voices, p["transpose"]))  # the inventory of tokens, not learnt
    model = MusicLM(MusicConfig(tokens, voices, p["n_e"], p["n_a"], p["layers"]))
    shifts = range(-p["transpose"], p["transpose"] + 1)
    items = [
        w
        for c in pieces
        for k in shifts
        for w in windows(list(model.ids(encode(transpose(c.notes, k), voices))), p["window"])
    ]
    if len(items) < 2:
        raise DataError("too_small", n=sum(len(c.notes) for c in data.items), min=MIN_NOTES, unit="notes")
    state, seconds = fit_run(
        model, lm_loss, items, p, device, max_seconds, lambda m: _val(perplexity(m, val)), callbacks, collate
    )
    test = perplexity(model, held)
    name = "four voices (S, A, T, B)" if len(voices) == 4 else "the soprano line"
    meta = {
        "title": f"Music: an LSTM writes {name}, trained on {data.description}",
        "data": {
            "source": data.description,
            "bundled": data.source if data.source in BUNDLED else None,
            "voices": [VOICES[v] for v in voices],
            "n_pieces": len(pieces),
            "n_windows": len(items),
            "n_tokens_train": int(sum(len(w) - 1 for w in items)),
            "transpositions": list(shifts),
            "split": split,
            "validation_pieces": [c.name for c in val],
            "held_out_pieces": [c.name for c in held],
        },
        "training": {**training_meta(p, state, seconds), "validation": "the validation pieces (best weights kept)"},
        "metrics": {"held_out": {"perplexity": test["perplexity"], "loss": test["loss"], "n_tokens": test["n_tokens"]}},
    }
    return Result(model, meta, state)


def _val(r: dict) -> dict:
    return {"loss": r["loss"], "perplexity": r["perplexity"]}


def summary(doc: dict) -> tuple[str, dict]:
    """The Train page's line on a checkpoint: its voices and held-out perplexity per token."""
    cfg, met = fields(doc)
    held = met.get("held_out") if isinstance(met.get("held_out"), dict) else {}
    voices = cfg.get("voices") if isinstance(cfg.get("voices"), list) else []
    return ("four" if len(voices) == 4 else "soprano"), {"ppl": figure(held.get("perplexity"), ".2f")}


def model(cfg: dict) -> MusicLM:
    """A checkpoint's config -> an untrained model of that shape (tokens and voices checked)."""
    tokens, voices = tuple(cfg["tokens"]), tuple(cfg["voices"])
    if tokens[:3] != ("<pad>", "<start>", "<end>") or not all(isinstance(t, str) for t in tokens) or len(tokens) > 2000:
        raise KeyError("tokens")
    if not voices or not all(v in (0, 1, 2, 3) for v in voices):
        raise KeyError("voices")
    return MusicLM(
        MusicConfig(tokens, voices, config_size(cfg, "n_e"), config_size(cfg, "n_a"), config_size(cfg, "layers", hi=4))
    )


_SHIPPED = dict(n_e=32, n_a=128, layers=2, lr=3e-3, batch_size=32, clip=1.0, evals=20)
KIND = register(
    ModelKind(
        summary=summary,
        name="music",
        order=7,
        checkpoint="music_lm",
        model=model,
        read=read,
        train=train,
        params=(
            Param(
                "voices",
                "four",
                choices=tuple(PARTS),
                hint="four: soprano, alto, tenor and bass in one stream of tokens; soprano: the melody alone",
            ),
            Param("n_a", 128, lo=8, hi=512, hint="LSTM units in each layer"),
            Param("layers", 2, lo=1, hi=3, hint="stacked LSTM layers"),
            Param("n_e", 32, lo=4, hi=256, hint="size of each token's vector"),
            Param("epochs", 8, lo=1, hi=100, hint="passes over the pieces (and their transpositions)"),
            Param("lr", 3e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate"),
            *COMMON,
            Param(
                "transpose",
                3,
                lo=0,
                hi=6,
                hint="each training piece is also played 1 .. this many semitones higher and lower (more keys seen)",
            ),
            Param("window", 256, lo=16, hi=2000, page=False, hint="tokens per training window (truncated BPTT)"),
            EVALS,
        ),
        bundled=tuple(BUNDLED),
        upload_format="a MIDI file (.mid) or MusicXML (.xml, .musicxml, .mxl); of several parts the highest is the "
        "soprano, the lowest the bass and the next two alto and tenor (more are left out); a piano piece is split into "
        "voices by the notes that start together, highest first, a held note keeping its voice.",
        pages=("pages/music.py",),
        upload_types=("mid", "midi", "xml", "musicxml", "mxl"),
        binary=True,
        shipped=(
            Shipped(
                "bach-satb",
                "bach-chorales",
                dict(_SHIPPED, voices="four", epochs=20),
                "Music: Bach chorales, four voices",
            ),
            Shipped(
                "bach-melody",
                "bach-chorales",
                dict(_SHIPPED, voices="soprano", epochs=30),
                "Music: Bach chorales, the soprano line",
            ),
        ),
    )
)
