"""Ten-second clips for trigger-word detection (触发字检测), made as the course's notebook makes them: spoken words
pasted at random, non-overlapping places over a background, with y<t> = 1 for a short window right after each
"activate".

The words are synthetic (espeak-ng and flite voices, see `synth`), and so is the background: no recorded noise ships
offline either, so it is generated with numpy (coloured noise, mains hum, a rumble that comes and goes, stray tones).
A clip has one voice. Every random choice comes from one seeded generator, so a rebuild makes the same clips.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from seqviz.speech.audio import CLIP_SECONDS, SR, resample
from seqviz.speech.synth import Voice, say

TRIGGER = "activate"  # the course's trigger word
NEGATIVES = (  # words that are not it: some sound like it, most are everyday words
    "activity", "active", "captivate", "cultivate", "motivate", "elevate", "vacate", "estimate", "acting",
    "hello", "computer", "music", "kitchen", "weather", "seven", "banana", "tomorrow", "window", "please",
    "stop", "morning", "yesterday", "coffee", "listen",
)  # fmt: skip
ESPEAK_TRAIN = (  # espeak-ng voices the model trains on: accents (language) and speakers (+variant; never f5)
    "en-us", "en-us+f3", "en-us+m7", "en-us+klatt2", "en-gb+m3", "en-gb+f4", "en-gb+f2", "en-gb-scotland+f2",
    "en-gb-scotland+m1", "en-029+m5", "en-029+f1", "en-us-nyc+klatt", "en-us-nyc+f1", "en-gb-x-rp+f1",
    "en-gb-x-rp+m6", "en-gb-x-gbclan+m2",
)  # fmt: skip
FLITE_TRAIN = ("kal16", "kal", "awb", "rms")  # flite voices it trains on (kal: kal16's speaker at 8 kHz, a phone line)
HELD_OUT = (Voice("flite", "slt"), Voice("espeak-ng", "en-gb-x-gbcwmd+f5"))  # never heard in training
TRAIN_VOICES = tuple(Voice("espeak-ng", v) for v in ESPEAK_TRAIN) + tuple(Voice("flite", v) for v in FLITE_TRAIN)
ALL_VOICES = TRAIN_VOICES + HELD_OUT
# each word is synthesised at these speeds (and espeak-ng pitches); held-out clips use the ones training never heard
# flite's voices keep their own pitch, so their training takes are also shifted up (x 13/10 and 8/5 in pitch and
# formants, by resampling a slower take back to its speed): a higher, shorter vocal tract, as a woman's or a child's
RENDER = {
    "train": {"rate": (0.8, 0.95, 1.1, 1.25), "pitch": (30, 50, 70), "shift": ((1, 1), (13, 10), (8, 5))},
    "test": {"rate": (0.88, 1.03, 1.18), "pitch": (40, 60), "shift": ((1, 1),)},
}
LABEL_SECONDS = 0.36  # y<t> = 1 for this long after "activate" ends (the course: 50 of its 1,375 steps, 0.36 s)
MIN_GAP = 0.1  # seconds of background at least between two words of a clip
SOFT_END = 0.3  # share of training words whose last 40-120 ms fade out (a final stop left unreleased)


@dataclass
class Clip:
    """One clip: its audio, its voice, and where each word was said."""

    audio: np.ndarray  # (n,) float32 at SR, 10 s
    voice: str  # the voice's key, "flite:slt"
    words: list[tuple[str, float, float]] = field(default_factory=list)  # (word, start s, end s), in time order

    def ends(self, word: str = TRIGGER) -> list[float]:
        """When each `word` ends (seconds)."""
        return [e for w, _, e in self.words if w == word]


def labels(ends, times: np.ndarray, window: float = LABEL_SECONDS) -> np.ndarray:
    """y<t>: 1 at the output steps whose time lies in [end, end + window) of some trigger word, else 0.

    Args:
        ends: when each trigger word ends (seconds).
        times: (Ty,) the time of each output step (seconds).
    Returns: (Ty,) float32.
    """
    y = np.zeros(len(times), dtype=np.float32)
    for e in ends:
        y[(times >= e) & (times < e + window)] = 1.0
    return y


# ---------------------------------------------------------------- the spoken words


def word_bank(voices, split: str = "train", words=(TRIGGER, *NEGATIVES)) -> dict[str, dict[str, list]]:
    """Every word spoken by every voice at each of the split's speeds (and pitches): voice key -> word -> audio list.

    Raises:
        SynthError: a synthesiser is missing or failed.
    """
    r = RENDER[split]
    bank: dict[str, dict[str, list]] = {}
    for v in voices:
        if v.synth == "espeak-ng":  # pitch is one of espeak-ng's settings
            takes = [(rate, p, (1, 1)) for rate in r["rate"] for p in r["pitch"]]
        else:  # flite keeps its voice's pitch: shift it
            takes = [(rate, 50, s) for rate in r["rate"] for s in r["shift"]]
        bank[v.key] = {w: [_take(w, v, *take) for take in takes] for w in words}
    return bank


def _take(word: str, voice: Voice, rate: float, pitch: int, shift: tuple[int, int]) -> np.ndarray:
    """One take of `word`: spoken at `rate`, then, for a shift (a, b) other than (1, 1), spoken a/b slower and
    resampled a/b shorter, so that it keeps `rate` with its pitch and formants a/b higher."""
    a, b = shift
    x = say(word, voice, rate * b / a, pitch)
    return x if a == b else resample(x, a, b)


# ---------------------------------------------------------------- the background


def _coloured(n: int, alpha: float, rng: np.random.Generator) -> np.ndarray:
    """Noise whose power falls as 1/f^alpha (0 white, 1 pink, 2 brown), unit RMS."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1 / SR)
    spec *= 1 / np.maximum(f, 20.0) ** (alpha / 2)
    x = np.fft.irfft(spec, n)
    return x / (x.std() + 1e-12)


def background(rng: np.random.Generator, seconds: float = CLIP_SECONDS) -> np.ndarray:
    """A generated background (no recorded one ships offline): coloured noise, and at random mains hum, a rumble
    that swells and fades, and a few stray tones; its level random, from near silence to loud."""
    n = int(seconds * SR)
    t = np.arange(n) / SR
    x = _coloured(n, rng.uniform(0.0, 2.0), rng)
    if rng.random() < 0.4:  # mains hum: 50 or 60 Hz and its harmonics
        f0 = rng.choice((50.0, 60.0))
        x += rng.uniform(0.2, 2.0) * sum(np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6.3)) / k for k in (1, 2, 3))
    if rng.random() < 0.4:  # a rumble that swells and fades (traffic, a fan)
        env = 0.5 + 0.5 * np.sin(2 * np.pi * rng.uniform(0.05, 0.5) * t + rng.uniform(0, 6.3))
        x += rng.uniform(0.5, 3.0) * env * _coloured(n, 2.0, rng)
    for _ in range(rng.integers(0, 4)):  # stray tones (a beep, a note), each a fraction of a second
        i, m = rng.integers(0, n), int(rng.uniform(0.05, 0.6) * SR)
        seg = t[: min(m, n - i)]
        x[i : i + len(seg)] += rng.uniform(0.3, 2.0) * np.sin(2 * np.pi * rng.uniform(200, 3000) * seg)
    level = 10 ** (rng.uniform(-65, -22) / 20)  # RMS, from near silence to loud
    return (x / (x.std() + 1e-12) * level).astype(np.float32)


# ---------------------------------------------------------------- clips


def _place(lengths: list[int], n: int, rng: np.random.Generator, tries: int = 50) -> list[int] | None:
    """Random start samples for segments of `lengths` in n samples, none overlapping (with MIN_GAP between)."""
    gap = int(MIN_GAP * SR)
    taken: list[tuple[int, int]] = []
    starts = []
    for m in lengths:
        for _ in range(tries):
            s = int(rng.integers(0, max(1, n - m)))
            if all(s + m + gap <= a or s >= b + gap for a, b in taken):
                taken.append((s, s + m))
                starts.append(s)
                break
        else:
            return None
    return starts


def make_clip(
    bank: dict, voice: str, rng: np.random.Generator, n_trigger: int, n_negative: int, jitter: bool = True
) -> Clip:
    """One 10 s clip in `voice`: `n_trigger` "activate"s and `n_negative` other words at random non-overlapping places
    over a generated background, each word at a random gain (and, with `jitter`, sped up or slowed down by resampling,
    which moves its pitch too: a voice a little higher or lower than the synthesiser's)."""
    n = int(CLIP_SECONDS * SR)
    audio = background(rng)
    chosen = [TRIGGER] * n_trigger + [str(rng.choice(NEGATIVES)) for _ in range(n_negative)]
    rng.shuffle(chosen)
    segs = []
    for w in chosen:
        takes = bank[voice][w]
        x = takes[int(rng.integers(len(takes)))]
        if jitter:
            x = resample(x, 20, int(rng.integers(17, 25)))  # 20 samples -> 17 .. 24: 15% faster .. 20% slower
            if rng.random() < SOFT_END:  # its last consonant unreleased, as many speakers say "activa(t)"
                m = min(len(x) // 3, int(rng.uniform(0.04, 0.12) * SR))
                x = x.copy()
                x[len(x) - m :] *= np.linspace(1, 0, m, dtype=np.float32) ** 2
        segs.append((w, x * 10 ** (rng.uniform(-22, -1) / 20) / (np.abs(x).max() + 1e-9)))  # peak -22 .. -1 dBFS
    starts = _place([len(x) for _, x in segs], n, rng)
    while starts is None:  # too many words for 10 s: drop the last one
        segs = segs[:-1]
        starts = _place([len(x) for _, x in segs], n, rng)
    words = []
    for (w, x), s in zip(segs, starts):
        audio[s : s + len(x)] += x
        words.append((w, s / SR, (s + len(x)) / SR))
    words.sort(key=lambda r: r[1])
    peak = float(np.abs(audio).max())
    return Clip((audio / peak if peak > 1 else audio).astype(np.float32), voice, words)


def iter_clips(bank: dict, voices, n_per_voice: int, seed: int, jitter: bool = True) -> Iterator[Clip]:
    """n_per_voice clips for each voice of the bank, one at a time: 0-3 "activate"s (most often 1 or 2) and 0-3
    other words each."""
    rng = np.random.default_rng(seed)
    for v in voices:
        key = v.key if isinstance(v, Voice) else v
        for _ in range(n_per_voice):
            n_trigger = int(rng.choice(4, p=(0.2, 0.4, 0.3, 0.1)))
            yield make_clip(bank, key, rng, n_trigger, int(rng.integers(0, 4)), jitter)


def clips(bank: dict, voices, n_per_voice: int, seed: int, jitter: bool = True) -> list[Clip]:
    """`iter_clips` as a list."""
    return list(iter_clips(bank, voices, n_per_voice, seed, jitter))
