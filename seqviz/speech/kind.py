"""The trigger-word kind ("trigger"): Conv1D + two GRUs on spectrograms of synthetic speech; its data (clips made
from words spoken by espeak-ng and flite voices, at build time), recipe, held-out recall and false alarms per voice,
and the checkpoint it ships (trigger-gru) with a small set of clips, so that the app never synthesises."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator

import numpy as np
import torch

from seqviz.core.checkpoint import PRETRAINED_DIR, config_size
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
from seqviz.speech import data as D
from seqviz.speech.audio import CLIP_SECONDS, HOP, N_FFT, N_FREQ, SR, spectrogram
from seqviz.speech.models import THRESHOLD, TriggerConfig, TriggerNet, bce_loss, detect, match, score
from seqviz.speech.synth import PROGRAMS, SynthError, missing

SOURCE = "synthetic-speech"
DESCRIPTION = (
    "10 s clips of words spoken by espeak-ng and flite voices over generated noise (synthesised here); "
    f"{len(D.TRAIN_VOICES)} voices to train on, {len(D.HELD_OUT)} held out"
)
CLIPS_PER_EXAMPLE = 50  # a clip (0.4 MB of spectrogram in memory) counts as 50 examples against Limits.examples
CLIPS_SUFFIX = ".clips.safetensors"  # the shipped clips beside the checkpoint: int16 audio at SR, one row per clip
SHOWCASE = (  # the shipped clips: (voice, "activate"s, other words); held-out voices' renders, never trained on
    ("espeak-ng:en-us", 1, 2),
    ("flite:slt", 1, 2),
    ("espeak-ng:en-gb-x-gbcwmd+f5", 2, 1),
    ("flite:kal16", 2, 1),
    ("flite:awb", 0, 3),
    ("espeak-ng:en-gb+f4", 1, 1),
    ("flite:slt", 2, 1),
    ("flite:rms", 1, 2),
)


def read(kind: str, source: str, text: str | None, params: dict, limits) -> Data:
    """The bundled clips, synthesised now: training clips of the training voices (at the training speeds, with
    random resampling), held-out clips of every voice (other speeds, no resampling) and the clips the checkpoint
    ships. Needs espeak-ng and flite.

    Raises:
        DataError: "no_upload" (this kind trains on its bundled speech only), "no_synth" (a synthesiser is missing),
            "synth_failed".
    """
    if source != SOURCE:
        raise DataError("no_upload")
    if missing():
        raise DataError("no_synth", programs=", ".join(missing()))
    t0 = time.perf_counter()
    try:
        train_bank = D.word_bank(D.TRAIN_VOICES, "train")
        test_bank = D.word_bank(D.ALL_VOICES, "test")
    except SynthError as err:
        raise DataError("no_synth" if err.code == "missing" else "synth_failed", **err.info) from err
    seed = params["seed"]
    per_voice = min(params["clips_per_voice"], max(1, limits.examples // CLIPS_PER_EXAMPLE // len(D.TRAIN_VOICES)))
    notes = {"cut_examples": {"n": per_voice * len(D.TRAIN_VOICES)}} if per_voice < params["clips_per_voice"] else {}
    train = [  # each clip kept as its spectrogram (float16, 0.4 MB) and when its "activate"s end
        (spectrogram(c.audio).astype(np.float16), tuple(c.ends()))
        for c in D.iter_clips(train_bank, D.TRAIN_VOICES, per_voice, seed)
    ]
    _, show = held_out(test_bank, params)  # the held-out clips are made while they are scored, one at a time
    extra = {"test_bank": test_bank, "showcase": show, "seconds": round(time.perf_counter() - t0, 1)}
    return Data(kind, source, train, DESCRIPTION, notes, extra=extra)


def held_out(test_bank: dict, params: dict) -> tuple[Iterator[D.Clip], list[D.Clip]]:
    """From the held-out takes of every voice: `test_clips` clips per voice to score (made one at a time as they are
    read), and the SHOWCASE clips the checkpoint ships (before their rounding to 16 bits)."""
    tests = D.iter_clips(test_bank, D.ALL_VOICES, params["test_clips"], params["seed"] + 1, jitter=False)
    rng = np.random.default_rng(params["seed"] + 2)
    show = [D.make_clip(test_bank, v, rng, n_t, n_n, jitter=False) for v, n_t, n_n in SHOWCASE]
    return tests, show


def _items(model: TriggerNet, examples) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(x, y) per training clip: its spectrogram (Tx, N_FREQ) in dB, float16 (read as float32), and y<t> (Ty,)."""
    out = []
    for x, ends in examples:
        times = model.step_times(model.steps(len(x)))
        out.append((torch.from_numpy(x), torch.from_numpy(D.labels(ends, times))))
    return out


def _collate(batch):
    return torch.stack([x for x, _ in batch]).float(), torch.stack([y for _, y in batch])


def _validation(model: TriggerNet, items) -> dict:
    from seqviz.speech.models import validation

    return validation(model, [(x.float(), y) for x, y in items])


def quantised(clips) -> list[D.Clip]:
    """The clips as they ship: audio rounded to 16-bit integers (what the page and the tests read back)."""
    return [
        D.Clip(np.round(np.clip(c.audio, -1, 1) * 32767).astype(np.float32) / 32767, c.voice, c.words) for c in clips
    ]


def _showcase(model: TriggerNet, clips) -> tuple[list[dict], int]:
    """Each shipped clip described (voice, held out, words and times, what the model hears in it) and the one the page
    opens on: the first with one "activate" and another word that the model gets right (found, no false alarm)."""
    held = {v.key for v in D.HELD_OUT}
    rows, default = [], None
    for i, c in enumerate(clips):
        det = detect(model, c.audio)
        found, false = match(det.chimes, c.ends(), model.config.label_seconds)
        rows.append(
            {
                "voice": c.voice,
                "held_out": c.voice in held,
                "words": [[w, round(s, 4), round(e, 4)] for w, s, e in c.words],
                "chimes": [round(x, 3) for x in det.chimes],
                "found": found,
                "false_alarms": false,
            }
        )
        right = found == len(c.ends()) == 1 and not false and len(c.words) > 1
        if default is None and right:
            default = i
    return rows, 0 if default is None else default


def train(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """The model trained on 90% of the training clips (10% pick the best weights); recall and false alarms per voice
    on the held-out clips, and on the clips it ships."""
    torch.manual_seed(p["seed"])
    probe = TriggerNet(TriggerConfig())
    items = _items(probe, data.items)
    xs = torch.stack([x for x, _ in items[:200]]).float()
    cfg = TriggerConfig(
        n_conv=p["n_conv"],
        n_a=p["n_a"],
        mean=round(float(xs.mean()), 3),
        std=round(float(xs.std()), 3),
    )
    torch.manual_seed(p["seed"])
    model = TriggerNet(cfg)
    order = np.random.default_rng(p["seed"] + 3).permutation(len(items))
    n_val = max(1, len(items) // 10)
    val = [items[i] for i in order[:n_val]]
    fit_items = [items[i] for i in order[n_val:]]
    n_tests = p["test_clips"] * len(D.ALL_VOICES)
    if max_seconds is not None:  # the run's cap counts the synthesis before and the scoring after the training too
        max_seconds = max(20.0, max_seconds - data.extra.get("seconds", 0.0) - 0.08 * n_tests - 10)
    state, seconds = fit_run(
        model, bce_loss, fit_items, p, device, max_seconds, lambda m: _validation(m, val), callbacks, _collate
    )
    show = quantised(data.extra.get("showcase", []))
    held = [v.key for v in D.HELD_OUT]
    voices = score(model, held_out(data.extra["test_bank"], p)[0]) if "test_bank" in data.extra else {}
    rows, default = _showcase(model, show)
    meta = {
        "title": f"Trigger word ({cfg.word}): Conv1D + 2 GRU trained on {data.description}",
        "data": {
            "source": data.description,
            "bundled": data.source,
            "voices_train": [v.key for v in D.TRAIN_VOICES],
            "voices_held_out": held,
            "words": {"trigger": D.TRIGGER, "negative": list(D.NEGATIVES)},
            "renders": D.RENDER,
            "n_train": len(fit_items),
            "n_validation": len(val),
            "n_test": (voices.get("all") or {}).get("clips", 0),
            "clip_seconds": CLIP_SECONDS,
            "features": {
                "sr": SR,
                "n_fft": N_FFT,
                "hop": HOP,
                "n_freq": N_FREQ,
                "frames_per_clip": int(items[0][0].shape[0]),
            },
            "steps_per_clip": int(items[0][1].shape[0]),
            "label_seconds": cfg.label_seconds,
            "seconds": data.extra.get("seconds"),  # synthesising the words and making the clips
        },
        "training": {
            **training_meta(p, state, seconds),
            "validation": "10% of the training clips, to keep the best weights",
        },
        "metrics": {
            "threshold": THRESHOLD,
            "rule": "an activate counts as found when a chime sounds from 0.2 s before its end to 0.2 s after its "
            "label window; any other chime is a false alarm",
            "voices": {k: v for k, v in voices.items() if k != "all"},
            "held_out_voices": pool(voices, held),
            "training_voices": pool(voices, [v.key for v in D.TRAIN_VOICES]),
            "all": voices.get("all"),
            "shipped_clips": score(model, show),
        },
        "clips": {"file": CLIPS_SUFFIX, "default": default, "items": rows},
    }
    audio = np.stack([np.round(np.clip(c.audio, -1, 1) * 32767).astype(np.int16) for c in show]) if show else None

    def write_clips(path) -> None:
        from safetensors.numpy import save_file

        if audio is not None:
            save_file({"audio": audio}, str(path), metadata={"sr": str(SR)})

    return Result(model, meta, state, files={CLIPS_SUFFIX: write_clips})


def pool(voices: dict, keys: list[str]) -> dict:
    """The per-voice rows of `keys` added up into one."""
    rows = [voices[k] for k in keys if k in voices]
    a, f = sum(r["activates"] for r in rows), sum(r["found"] for r in rows)
    n, fa = sum(r["clips"] for r in rows), sum(r["false_alarms"] for r in rows)
    with_fa = sum(r["clips_with_false_alarm"] * r["clips"] for r in rows)
    return {
        "clips": n,
        "activates": a,
        "found": f,
        "recall": round(f / a, 4) if a else None,
        "false_alarms": fa,
        "clips_with_false_alarm": round(with_fa / n, 4) if n else None,
        "false_alarms_per_hour": round(fa / (n * CLIP_SECONDS) * 3600, 1) if n else None,
    }


def load_clips(name: str = "trigger-gru", folder=None) -> tuple[list[D.Clip], dict]:
    """The clips a checkpoint ships (as float32 audio at SR) and its JSON's "clips" entry (voices, words, default).

    Raises:
        OSError / ValueError: the files are missing or do not match.
    """
    from pathlib import Path

    from safetensors.numpy import load_file

    folder = Path(folder or PRETRAINED_DIR)
    doc = json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))
    info = doc.get("clips") or {}
    audio = load_file(str(folder / f"{name}{CLIPS_SUFFIX}"))["audio"]
    rows = info.get("items") or []
    if audio.ndim != 2 or len(audio) != len(rows):
        raise ValueError(f"{name}{CLIPS_SUFFIX} holds {len(audio)} clips, its JSON describes {len(rows)}")
    clips = [
        D.Clip(a.astype(np.float32) / 32767, r["voice"], [(w, float(s), float(e)) for w, s, e in r["words"]])
        for a, r in zip(audio, rows)
    ]
    return clips, info


def summary(doc: dict) -> tuple[str, dict]:
    """The Train page's line on a checkpoint: recall and false alarms on the held-out voices' clips."""
    _, met = fields(doc)
    held = met.get("held_out_voices") if isinstance(met.get("held_out_voices"), dict) else {}
    return "", {
        "recall": figure(held.get("recall"), ".0%"),
        "false": figure(held.get("clips_with_false_alarm"), ".0%"),
    }


def model(cfg: dict) -> TriggerNet:
    """A checkpoint's config -> an untrained model of that shape (its features checked against this library's)."""
    if (cfg.get("sr"), cfg.get("n_fft"), cfg.get("hop"), cfg.get("n_freq")) != (SR, N_FFT, HOP, N_FREQ):
        raise ValueError(f"the features differ from this library's: sr {SR}, n_fft {N_FFT}, hop {HOP}")
    nums = [float(cfg[k]) for k in ("mean", "std", "dropout", "label_seconds", "threshold")]
    if not all(math.isfinite(v) for v in nums) or nums[1] <= 0 or not 0 <= nums[2] < 1 or not 0 < nums[4] < 1:
        raise ValueError("mean / std / dropout / label_seconds / threshold out of range")
    if not isinstance(cfg.get("word"), str):
        raise KeyError("word")
    return TriggerNet(
        TriggerConfig(
            word=cfg["word"][:40],
            n_conv=config_size(cfg, "n_conv"),
            kernel=config_size(cfg, "kernel", hi=64),
            stride=config_size(cfg, "stride", hi=16),
            n_a=config_size(cfg, "n_a"),
            dropout=nums[2],
            mean=nums[0],
            std=nums[1],
            label_seconds=nums[3],
            threshold=nums[4],
        )
    )


KIND = register(
    ModelKind(
        summary=summary,
        name="trigger",
        order=9,
        checkpoint="trigger",
        model=model,
        read=read,
        train=train,
        params=(
            Param(
                "clips_per_voice",
                60,
                lo=5,
                hi=1000,
                ticks=(10, 20, 40, 60, 100),
                hint="10 s training clips made for each of the 20 training voices (each 0.4 MB in memory)",
            ),
            Param("n_a", 96, lo=8, hi=256, hint="GRU units of each of the two layers"),
            Param("n_conv", 196, lo=8, hi=512, hint="Conv1D filters, each reading 15 spectrogram frames (82.5 ms)"),
            Param("epochs", 6, lo=1, hi=100, hint="passes over the training clips"),
            Param("lr", 1e-3, lo=1e-6, hi=100.0, ticks=LRS, hint="Adam's learning rate"),
            *COMMON,
            Param("test_clips", 20, lo=1, hi=1000, page=False, hint="held-out clips made for each voice, to score"),
            EVALS,
        ),
        bundled=(SOURCE,),
        upload_format="none: this kind trains only on speech synthesised here by espeak-ng and flite",
        uploads=False,
        needs=PROGRAMS,
        pages=("pages/trigger_word.py",),
        shipped=(
            Shipped(
                "trigger-gru",
                SOURCE,
                dict(clips_per_voice=160, epochs=10, batch_size=32, evals=20, test_clips=40),
                "Trigger word: Conv1D + 2 GRU on synthetic speech",
            ),
        ),
    )
)
