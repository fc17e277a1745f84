"""Sound out: mono float audio as a 16-bit WAV file, for st.audio and downloads (music and speech share it)."""

from __future__ import annotations

import io
import wave

import numpy as np


def wav_bytes(audio: np.ndarray, sr: int) -> bytes:
    """Mono float audio in [-1, 1] (clipped there) as a 16-bit PCM WAV file, written by the standard library's wave."""
    pcm = np.round(np.clip(np.asarray(audio, dtype=np.float32), -1, 1) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(int(sr))
        w.writeframes(pcm.tobytes())
    return buf.getvalue()
