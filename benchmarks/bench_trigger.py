"""Trigger word: the spectrogram and the model on 10 s of audio (the page's every new sound), reading a one-hour WAV
(cut to its first minute) and hearing that minute, and the held-out recall and false alarms per voice that the
checkpoint's JSON holds.

Run: python -m benchmarks.bench_trigger
Target: spectrogram + model on 10 s of audio in at most 100 ms (median, CPU, one torch thread).
"""

from __future__ import annotations

import struct
import time

import numpy as np

from benchmarks import bench_ner

RUNS = 30
TARGET_MS = 100.0


def timed(f) -> tuple[float, float]:
    """(median, max) milliseconds of RUNS calls of f(), after 3 not counted (bench_ner's timer)."""
    return bench_ner.timed(f, repeat=RUNS, warm=3)


def hour_wav(sr: int = 16_000) -> bytes:
    """One hour of 16-bit mono sound at `sr` (115 MB at 16 kHz) as WAV bytes: the shipped clips, over and over."""
    from seqviz.speech.kind import load_clips

    clips, _ = load_clips()
    one = np.concatenate([c.audio for c in clips])
    pcm = np.resize(np.round(one * 32767).astype("<i2"), 3600 * sr).tobytes()
    head = struct.pack("<4sI4s4sIHHIIHH", b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ", 16, 1, 1, sr, sr * 2, 2, 16)
    return head + struct.pack("<4sI", b"data", len(pcm)) + pcm


def main() -> None:
    import torch

    torch.set_num_threads(1)
    import seqviz
    from seqviz.speech.audio import read_wav, spectrogram
    from seqviz.speech.kind import load_clips
    from seqviz.speech.models import detect

    m = seqviz.load_pretrained("trigger-gru")
    clips, info = load_clips()
    audio = clips[info["default"]].audio
    x = spectrogram(audio)
    print(f"10 s of audio (median and max of {RUNS} runs, 1 torch thread, CPU):")
    spec = timed(lambda: spectrogram(audio))
    model = timed(lambda: m.y_hat(x))
    both = timed(lambda: detect(m, audio))
    print(f"  {f'spectrogram x<t> ({x.shape[0]} x {x.shape[1]})':34s} {spec[0]:6.1f} ms (max {spec[1]:.1f})")
    print(f"  {f'model: ŷ<t> at {m.steps(len(x))} steps':34s} {model[0]:6.1f} ms (max {model[1]:.1f})")
    print(f"  {'both (detect)':34s} {both[0]:6.1f} ms (max {both[1]:.1f})   target {TARGET_MS:.0f} ms")

    data = hour_wav()
    t0 = time.perf_counter()
    sound = read_wav(data)
    read_ms = (time.perf_counter() - t0) * 1e3
    t0 = time.perf_counter()
    det = detect(m, sound.audio)
    hear_ms = (time.perf_counter() - t0) * 1e3
    print(
        f"a one-hour WAV ({len(data) / 1e6:.0f} MB, 16 kHz, 16-bit): read in {read_ms:.1f} ms, cut to "
        f"{sound.seconds:.0f} s of {sound.seconds_in:.0f} s; that minute heard in {hear_ms:.0f} ms "
        f"({len(det.chimes)} chimes)"
    )

    met = m.meta["metrics"]
    held = set(m.meta["data"]["voices_held_out"])
    print(f"\nheld-out clips per voice (threshold {met['threshold']}), from pretrained/trigger-gru.json:")
    print(f"  {'voice':34s} {'':9s} {'clips':>5s} {'said':>5s} {'recall':>7s} {'FA clips':>9s} {'FA/hour':>8s}")
    rows = sorted(met["voices"].items(), key=lambda kv: (kv[0] not in held, kv[0]))
    rows += [("held-out voices", met["held_out_voices"]), ("training voices", met["training_voices"])]
    rows += [("the shipped clips", met["shipped_clips"]["all"])]
    for voice, r in rows:
        mark = "held out" if voice in held else ""
        print(
            f"  {voice:34s} {mark:9s} {r['clips']:5d} {r['activates']:5d} {r['recall']:7.1%} "
            f"{r['clips_with_false_alarm']:9.1%} {r['false_alarms_per_hour']:8.0f}"
        )
    t, d = m.meta["training"], m.meta["data"]
    print(
        f"\nthe build: synthesis and clips {d['seconds']:.0f} s, training {t['steps']} steps in {t['seconds']:.0f} s, "
        f"with the scoring {t['total_seconds']:.0f} s ({t['device']}, {t['threads']} torch thread)"
    )


if __name__ == "__main__":
    main()
