"""Spoken words synthesised offline, at build time only: espeak-ng and flite (Debian packages) run as programs.

No recorded speech ships offline in any package, so the trigger-word data is synthetic: every word is spoken by a
text-to-speech voice, trimmed of its silence and resampled to SR. The app itself never synthesises: the shipped
checkpoint comes with its own clips.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass

import numpy as np

from seqviz.speech.audio import SR, AudioError, read_wav

PROGRAMS = ("espeak-ng", "flite")  # the synthesisers; `apt-get install -y espeak-ng flite`


@dataclass(frozen=True)
class Voice:
    """One synthetic speaker: a synthesiser and its voice name (espeak-ng: language+variant, flite: a voice)."""

    synth: str  # "espeak-ng" or "flite"
    name: str  # "en-us+f3", "slt", ...

    @property
    def key(self) -> str:
        """ "espeak-ng:en-us+f3", "flite:slt": how clips and metrics name the voice."""
        return f"{self.synth}:{self.name}"


class SynthError(RuntimeError):
    """A synthesiser that is missing or failed; `code` is "missing" (info["programs"]) or "failed"."""

    def __init__(self, code: str, **info):
        super().__init__(f"{code}: {info}")
        self.code, self.info = code, info


def missing() -> list[str]:
    """The synthesiser programs not installed here."""
    return [p for p in PROGRAMS if shutil.which(p) is None]


def trim(audio: np.ndarray, rel: float = 0.02, pad: float = 0.02) -> np.ndarray:
    """`audio` without its leading and trailing silence: from the first to the last sample above `rel` of the peak,
    with `pad` seconds kept either side."""
    x = np.asarray(audio, dtype=np.float32)
    peak = float(np.abs(x).max(initial=0))
    if peak == 0:
        return x[:0]
    loud = np.flatnonzero(np.abs(x) > rel * peak)
    p = int(pad * SR)
    return x[max(0, loud[0] - p) : loud[-1] + 1 + p]


def say(word: str, voice: Voice, rate: float = 1.0, pitch: int = 50) -> np.ndarray:
    """`word` spoken by `voice`: mono float32 at SR, trimmed of silence.

    Args:
        rate: speaking speed, 1 = the voice's own (espeak-ng: 175 words a minute; flite: duration_stretch 1/rate).
        pitch: espeak-ng's pitch, 0-99 (flite keeps its voice's own).
    Raises:
        SynthError: the program is missing ("missing") or gave no sound ("failed").
    """
    if shutil.which(voice.synth) is None:
        raise SynthError("missing", programs=[voice.synth])
    if voice.synth == "espeak-ng":
        cmd = ["espeak-ng", "-v", voice.name, "-s", str(round(175 * rate)), "-p", str(int(pitch)), "--stdout", word]
        out = subprocess.run(cmd, capture_output=True, timeout=30, check=False).stdout
    else:
        fd, path = tempfile.mkstemp(suffix=".wav")
        os.close(fd)
        try:
            cmd = ["flite", "-voice", voice.name, "--setf", f"duration_stretch={1 / rate:.3f}", "-t", word, "-o", path]
            subprocess.run(cmd, capture_output=True, timeout=30, check=False)
            with open(path, "rb") as f:
                out = f.read()
        finally:
            os.unlink(path)
    try:
        sound = read_wav(out, max_seconds=30)
    except AudioError as err:
        raise SynthError("failed", voice=voice.key, word=word, problem=err.code) from err
    x = trim(sound.audio)
    if not len(x):
        raise SynthError("failed", voice=voice.key, word=word, problem="silent")
    return x
