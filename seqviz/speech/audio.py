"""Sound in, the spectrogram x<t> out: the one sample rate, reading any WAV file safely, resampling, the chime.

Every clip, feature and model input here is mono audio at SR = 16 kHz, float32 in [-1, 1]. The spectrogram takes
the course's own settings (a window of N_FFT = 200 samples, 120 of them shared with the next window, so HOP = 80):
101 frequency bins from 0 to 8 kHz, 80 Hz apart, and one frame every 5 ms: 1,998 frames for 10 s at 16 kHz, where
the course's 44.1 kHz recordings give 5,511.
"""

from __future__ import annotations

import io
import struct
from dataclasses import dataclass, field
from math import gcd

import numpy as np

from seqviz.core.audio import wav_bytes as core_wav_bytes

SR = 16_000  # samples per second of every clip, feature and model input
CLIP_SECONDS = 10.0  # the course's clips: 10 s
N_FFT = 200  # samples per spectrogram window (12.5 ms): N_FFT // 2 + 1 = 101 frequency bins
HOP = 80  # samples from one window to the next (5 ms): N_FFT - HOP = 120 samples overlap, as in the course
N_FREQ = N_FFT // 2 + 1  # 101 bins, 0 ... 8,000 Hz
FLOOR_DB = -100.0  # log power floor (dB): a digital silence reads as this
MAX_SECONDS = 60.0  # a longer recording is cut to its first minute, and the page says so
SILENT_DBFS = -55.0  # a recording whose loudest 50 ms stays under this level (dB full scale) holds no sound


def n_frames(n_samples: int) -> int:
    """Spectrogram frames of `n_samples` samples (0 when shorter than one window)."""
    return 0 if n_samples < N_FFT else (n_samples - N_FFT) // HOP + 1


def frame_times(n: int) -> np.ndarray:
    """(n,) the centre of each spectrogram frame, in seconds."""
    return (np.arange(n) * HOP + N_FFT / 2) / SR


def frequencies() -> np.ndarray:
    """(N_FREQ,) the centre of each frequency bin, in Hz: 0, 80, ..., 8,000."""
    return np.arange(N_FREQ) * SR / N_FFT


def spectrogram(audio: np.ndarray) -> np.ndarray:
    """The log-power spectrogram x<t> of mono audio at SR: (frames, N_FREQ) in dB, frame t one x<t>.

    Each frame is the power |FFT|² of N_FFT samples under a Hann window (scipy's "spectrum" scaling, no
    detrending), in 10·log10, floored at FLOOR_DB.
    """
    from scipy.signal import spectrogram as scipy_spectrogram

    x = np.asarray(audio, dtype=np.float32)
    if len(x) < N_FFT:
        return np.full((0, N_FREQ), FLOOR_DB, dtype=np.float32)
    _, _, p = scipy_spectrogram(
        x, fs=SR, window="hann", nperseg=N_FFT, noverlap=N_FFT - HOP, detrend=False, scaling="spectrum", mode="psd"
    )  # (N_FREQ, frames)
    return np.maximum(10 * np.log10(np.maximum(p.T, 1e-30)), FLOOR_DB).astype(np.float32)


def resample(audio: np.ndarray, sr_in: int, sr_out: int = SR) -> np.ndarray:
    """`audio` at `sr_in` as audio at `sr_out` (polyphase filtering, scipy.signal.resample_poly), float32."""
    x = np.asarray(audio, dtype=np.float32)
    if sr_in == sr_out or not len(x):
        return x
    from scipy.signal import resample_poly

    g = gcd(int(sr_in), int(sr_out))
    return resample_poly(x, sr_out // g, sr_in // g).astype(np.float32)


def level_dbfs(audio: np.ndarray, window: float = 0.05) -> float:
    """The loudest `window` seconds of `audio`: RMS in dB full scale (0 dB: a full-scale square wave); -inf if
    empty or digitally silent."""
    x = np.asarray(audio, dtype=np.float64)
    n = max(1, int(window * SR))
    if not len(x):
        return float("-inf")
    k = len(x) // n
    blocks = x[: k * n].reshape(k, n) if k else x[None]
    rms = float(np.sqrt((blocks**2).mean(1)).max())
    return 20 * np.log10(rms) if rms > 0 else float("-inf")


# ---------------------------------------------------------------- reading WAV files


class AudioError(ValueError):
    """A file that cannot be read as sound; `code` names the problem (the page words it), `info` holds its numbers.

    Codes: "empty" (no bytes), "not_wav" (not a RIFF/WAVE file), "bad_header" (a WAVE file whose format chunk is
    missing or malformed), "format" (compressed or unusual sample format: info["format"], info["bits"]),
    "no_audio" (no samples)."""

    def __init__(self, code: str, **info):
        super().__init__(f"{code}: {info}")
        self.code, self.info = code, info


@dataclass
class Sound:
    """A recording read for the model: mono float32 at SR, at most MAX_SECONDS long, and what was done to it."""

    audio: np.ndarray  # (n,) float32 in [-1, 1], mono, at SR
    sr_in: int  # the file's own sample rate
    channels: int  # the file's channels (mixed down to one)
    bits: int  # bits per sample in the file
    seconds_in: float  # the file's length (seconds), before any cut
    cut: bool = False  # longer than MAX_SECONDS: only the first MAX_SECONDS were read
    notes: list[str] = field(default_factory=list)  # "stereo", "resampled", "cut", "silent", "clipped"

    @property
    def seconds(self) -> float:
        return len(self.audio) / SR

    @property
    def silent(self) -> bool:
        return "silent" in self.notes


_PCM, _FLOAT, _EXTENSIBLE = 1, 3, 0xFFFE


def _chunks(buf: memoryview):
    """(id, offset, size) of each RIFF chunk after the 12-byte header; a last chunk's size is cut to what is there."""
    pos = 12
    while pos + 8 <= len(buf):
        cid = bytes(buf[pos : pos + 4])
        (size,) = struct.unpack("<I", buf[pos + 4 : pos + 8])
        yield cid, pos + 8, min(size, len(buf) - pos - 8)
        pos += 8 + size + (size & 1)  # chunks are padded to an even size


def read_wav(data: bytes | bytearray | memoryview | io.IOBase, max_seconds: float = MAX_SECONDS) -> Sound:
    """Read a WAV file (bytes or a binary file) as mono float32 audio at SR: any channel count (averaged), 8-bit
    unsigned, 16/24/32-bit integer or 32/64-bit float samples, any sample rate (resampled). Only the first
    `max_seconds` are decoded, however long the file says it is, so an hour-long file costs no more than a minute.

    Raises:
        AudioError: empty, not a WAVE file, a broken or unsupported format, or no samples (see its codes).
    """
    if isinstance(data, io.IOBase):
        data = data.read()
    buf = memoryview(bytes(data) if not isinstance(data, (bytes, memoryview)) else data).cast("B")
    if len(buf) == 0:
        raise AudioError("empty")
    if len(buf) < 12 or bytes(buf[:4]) not in (b"RIFF", b"RIFX") or bytes(buf[8:12]) != b"WAVE":
        raise AudioError("not_wav")
    if bytes(buf[:4]) == b"RIFX":
        raise AudioError("format", format="big-endian RIFX", bits=0)
    fmt, data_at = None, None
    for cid, off, size in _chunks(buf):
        if cid == b"fmt " and size >= 16:
            fmt = struct.unpack("<HHIIHH", buf[off : off + 16])
            if fmt[0] == _EXTENSIBLE and size >= 26:  # the real format is the sub-format GUID's first two bytes
                fmt = (struct.unpack("<H", buf[off + 24 : off + 26])[0], *fmt[1:])
        elif cid == b"data":
            data_at = (off, size)
            break
    if fmt is None:
        raise AudioError("bad_header")
    tag, channels, rate, _, align, bits = fmt
    width = bits // 8
    if not (0 < channels <= 64) or not (1_000 <= rate <= 768_000) or align != channels * width or bits % 8:
        raise AudioError("bad_header")
    kinds = {(_PCM, 8): "u1", (_PCM, 16): "<i2", (_PCM, 24): "i3", (_PCM, 32): "<i4", (_FLOAT, 32): "<f4"}
    kinds[_FLOAT, 64] = "<f8"
    dtype = kinds.get((tag, bits))
    if dtype is None:
        names = {2: "ADPCM", 6: "A-law", 7: "µ-law", 0x11: "IMA ADPCM", 0x55: "MP3"}
        raise AudioError("format", format=names.get(tag, f"format {tag}"), bits=bits)
    if data_at is None:
        raise AudioError("no_audio")
    off, size = data_at
    frames_in = size // align
    keep = min(frames_in, int(max_seconds * rate))
    raw = buf[off : off + keep * align]
    if not keep:
        raise AudioError("no_audio")
    if dtype == "i3":  # 24-bit: three little-endian bytes, sign-extended into an int32
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3).astype(np.int32)
        x = ((b[:, 0] | (b[:, 1] << 8) | (b[:, 2] << 16)) << 8 >> 8).astype(np.float32) / 2**23
    else:
        x = np.frombuffer(raw, dtype=dtype)
        if dtype == "u1":
            x = (x.astype(np.float32) - 128) / 128
        elif dtype.startswith("<i"):
            x = x.astype(np.float32) / float(2 ** (bits - 1))
        else:
            x = np.nan_to_num(x.astype(np.float32), nan=0.0, posinf=1.0, neginf=-1.0)
    x = x.reshape(-1, channels)
    notes = []
    if channels > 1:
        notes.append("stereo")
    x = x.mean(axis=1, dtype=np.float32)
    if np.abs(x).max(initial=0) > 1.0:  # float files may exceed full scale
        notes.append("clipped")
        x = np.clip(x, -1.0, 1.0)
    if rate != SR:
        notes.append("resampled")
        x = resample(x, rate, SR)
    cut = frames_in > keep
    if cut:
        notes.append("cut")
    if level_dbfs(x) < SILENT_DBFS:
        notes.append("silent")
    return Sound(x.astype(np.float32), int(rate), int(channels), int(bits), frames_in / rate, cut, notes)


def wav_bytes(audio: np.ndarray, sr: int = SR) -> bytes:
    """Mono float audio in [-1, 1] as a 16-bit PCM WAV file at 16 kHz (seqviz.core.audio.wav_bytes)."""
    return core_wav_bytes(audio, sr)


# ---------------------------------------------------------------- the chime


def chime_sound(seconds: float = 0.45, sr: int = SR) -> np.ndarray:
    """A short bell: two partials (880 and 1,320 Hz, a fifth apart) with a fast attack and an exponential decay."""
    t = np.arange(int(seconds * sr)) / sr
    env = np.minimum(1.0, t / 0.005) * np.exp(-t / 0.12)
    tone = 0.6 * np.sin(2 * np.pi * 880 * t) + 0.4 * np.sin(2 * np.pi * 1320 * t)
    return (0.5 * env * tone).astype(np.float32)


def chime(audio: np.ndarray, sr: int, times) -> np.ndarray:
    """`audio` with the chime mixed in starting at each of `times` (seconds); a chime past the end is cut there.

    The sum is scaled down if it would exceed full scale, so the mix never clips."""
    out = np.asarray(audio, dtype=np.float32).copy()
    bell = chime_sound(sr=sr)
    for s in times:
        i = int(round(float(s) * sr))
        if 0 <= i < len(out):
            n = min(len(bell), len(out) - i)
            out[i : i + n] += bell[:n]
    peak = float(np.abs(out).max(initial=0))
    return out / peak if peak > 1 else out
