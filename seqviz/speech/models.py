"""The course's trigger-word model: a spectrogram x<t> in, ŷ<t> = P("activate" has just been said) out, at every
output step (many-to-many: the strided convolution turns Tx frames into Ty = Tx / 4 steps).

x<1..Tx>  the spectrogram, one frame (101 frequencies) every 5 ms, in dB, normalised
Conv1D    15 frames wide, stride 4: one output step every 20 ms, reading 82.5 ms of sound (then BatchNorm, ReLU)
GRU, GRU  n_a units each, left to right only: ŷ<t> hears nothing after step t
ŷ<t>      sigmoid(W_y a<t> + b_y)

The chime sounds when ŷ<t> rises over the threshold (at most once per REFRACTORY seconds).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqviz.speech.audio import HOP, N_FFT, N_FREQ, SILENT_DBFS, SR, frame_times, level_dbfs, resample, spectrogram
from seqviz.speech.data import LABEL_SECONDS, TRIGGER

THRESHOLD = 0.5  # ŷ<t> at or above it: "activate" was heard
REFRACTORY = 0.5  # seconds after a chime during which ŷ<t> cannot sound another one
EARLY, LATE = 0.2, 0.2  # a chime counts for an "activate" from EARLY s before its end to LATE s after its label window


@dataclass
class TriggerConfig:
    """Shape of the model and the features it reads (checked against seqviz.speech.audio when loaded)."""

    word: str = TRIGGER  # the trigger word it listens for
    n_freq: int = N_FREQ  # frequency bins of each x<t>
    n_conv: int = 196  # Conv1D filters (the course: 196)
    kernel: int = 15  # spectrogram frames each filter reads (the course: 15)
    stride: int = 4  # frames from one output step to the next (the course: 4)
    n_a: int = 96  # GRU units of each layer
    dropout: float = 0.2  # dropout after the convolution and each GRU (training only)
    mean: float = -60.0  # x<t> is read as (dB - mean) / std: the training spectrograms' mean and spread
    std: float = 20.0
    sr: int = SR  # the features: sample rate, window and hop (samples)
    n_fft: int = N_FFT
    hop: int = HOP
    label_seconds: float = LABEL_SECONDS  # y<t> = 1 for this long after the word ends
    threshold: float = THRESHOLD  # the chime's default threshold


@dataclass
class Detection:
    """The model listening to one recording: x<t>, ŷ<t> over time, and where the chime sounds."""

    audio: np.ndarray  # (n,) the mono audio at SR that was read
    x: np.ndarray  # (Tx, N_FREQ) the spectrogram in dB: x<t>
    frame_times: np.ndarray  # (Tx,) the centre of each frame (s)
    y_hat: np.ndarray  # (Ty,) ŷ<t>
    times: np.ndarray  # (Ty,) when step t ends: ŷ<t> has heard the sound up to this time (s)
    threshold: float
    chimes: list[float] = field(default_factory=list)  # when the chime sounds (s)
    silent: bool = False  # the recording holds no sound at all (its loudest 50 ms under SILENT_DBFS)

    @property
    def seconds(self) -> float:
        return len(self.audio) / SR


class TriggerNet(nn.Module):
    """Conv1D (strided) -> BatchNorm -> ReLU -> GRU -> GRU -> a sigmoid at every step."""

    KIND = "trigger"  # the checkpoint kind (see seqviz.core.checkpoint)

    def __init__(self, config: TriggerConfig):
        super().__init__()
        c = self.config = config
        self.conv = nn.Conv1d(c.n_freq, c.n_conv, c.kernel, stride=c.stride)
        self.bn = nn.BatchNorm1d(c.n_conv)
        self.gru1 = nn.GRU(c.n_conv, c.n_a, batch_first=True)
        self.gru2 = nn.GRU(c.n_a, c.n_a, batch_first=True)
        self.drop = nn.Dropout(c.dropout)
        self.W_y = nn.Linear(c.n_a, 1)

    def config_dict(self) -> dict:
        return asdict(self.config)

    def steps(self, n_frames: int) -> int:
        """Output steps Ty for Tx = n_frames spectrogram frames."""
        c = self.config
        return 0 if n_frames < c.kernel else (n_frames - c.kernel) // c.stride + 1

    def step_times(self, n_steps: int) -> np.ndarray:
        """(n_steps,) when each output step ends: the end of the last sample its Conv1D window reads (s)."""
        c = self.config
        return ((np.arange(n_steps) * c.stride + c.kernel - 1) * c.hop + c.n_fft) / c.sr

    def states(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(a1, a2): both GRU layers' a<t>, each (b, Ty, n_a), from x (b, Tx, n_freq) in dB."""
        c = self.config
        x = (x - c.mean) / c.std  # (b, Tx, n_freq)
        h = self.drop(F.relu(self.bn(self.conv(x.transpose(1, 2))))).transpose(1, 2)  # (b, Ty, n_conv)
        a1, _ = self.gru1(h)  # (b, Ty, n_a)
        a2, _ = self.gru2(self.drop(a1))  # (b, Ty, n_a)
        return a1, a2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (b, Ty); ŷ<t> is their sigmoid."""
        return self.W_y(self.drop(self.states(x)[1])).squeeze(-1)

    @torch.no_grad()
    def y_hat(self, x: np.ndarray) -> np.ndarray:
        """ŷ<t> (Ty,) of one spectrogram (Tx, n_freq) in dB."""
        if self.steps(len(x)) == 0:
            return np.zeros(0, dtype=np.float32)
        return torch.sigmoid(self(torch.as_tensor(x, dtype=torch.float32)[None]))[0].numpy()


def chime_times(y_hat: np.ndarray, times: np.ndarray, threshold: float = THRESHOLD) -> list[float]:
    """When the chime sounds: each step where ŷ<t> rises to `threshold` or over (from under it, or at the first
    step), unless a chime sounded less than REFRACTORY seconds before."""
    above = np.asarray(y_hat) >= threshold
    rising = np.flatnonzero(above & ~np.concatenate([[False], above[:-1]]))
    out: list[float] = []
    for i in rising:
        if not out or times[i] - out[-1] >= REFRACTORY:
            out.append(float(times[i]))
    return out


def detect(model: TriggerNet, audio: np.ndarray, sr: int = SR, threshold: float | None = None) -> Detection:
    """Listen to `audio` (mono, at `sr`; resampled to SR): its spectrogram, ŷ<t> at every step and the chimes.

    Returns a Detection; a recording with no sound at all is marked `silent` (its ŷ<t> is still computed).
    """
    x_audio = resample(np.asarray(audio, dtype=np.float32), sr, SR)
    x = spectrogram(x_audio)
    y = model.y_hat(x)
    times = model.step_times(len(y))
    thr = model.config.threshold if threshold is None else float(threshold)
    return Detection(
        audio=x_audio,
        x=x,
        frame_times=frame_times(len(x)),
        y_hat=y,
        times=times,
        threshold=thr,
        chimes=chime_times(y, times, thr),
        silent=level_dbfs(x_audio) < SILENT_DBFS,
    )


# ---------------------------------------------------------------- training and scoring


WARP = (0.8, 1.25)  # training: each clip's frequency axis stretched by a factor from this range ...
TILT = 10.0  # ... and tilted by up to this many dB from 0 Hz to 8 kHz, either way


MASKS = (2, 12, 12, 12)  # SpecAugment: per clip 2 frequency bands of up to 12 bins, 12 spans of up to 12 frames


def augment(x: torch.Tensor) -> torch.Tensor:
    """Spectrograms (b, Tx, n_freq) in dB as other speakers and microphones might give them: each clip's frequency
    axis stretched by a random factor in WARP (a longer or shorter vocal tract moves every formant and harmonic by
    that factor), its spectrum tilted by a random slope of up to TILT dB (a brighter or duller microphone), and a few
    frequency bands and short stretches of time set to the clip's mean (SpecAugment: no single cue can be relied on)."""
    b, T, n = x.shape
    n_f, w_f, n_t, w_t = MASKS
    f0 = torch.randint(0, n, (b, n_f, 1), device=x.device)
    fw = torch.randint(0, w_f + 1, (b, n_f, 1), device=x.device)
    f = torch.arange(n, device=x.device)[None, None]  # (1, 1, n_freq)
    band = ((f >= f0) & (f < f0 + fw)).any(1)[:, None, :]  # (b, 1, n_freq)
    t0 = torch.randint(0, T, (b, n_t, 1), device=x.device)
    tw = torch.randint(0, w_t + 1, (b, n_t, 1), device=x.device)
    s = torch.arange(T, device=x.device)[None, None]  # (1, 1, Tx)
    span = ((s >= t0) & (s < t0 + tw)).any(1)[:, :, None]  # (b, Tx, 1)
    x = torch.where(band | span, x.mean(dim=(1, 2), keepdim=True), x)
    alpha = torch.empty(b, 1, device=x.device).uniform_(*WARP)  # (b, 1)
    src = (torch.arange(n, device=x.device, dtype=x.dtype)[None] / alpha).clamp(max=n - 1)  # (b, n_freq) read from
    lo = src.floor().long().clamp(max=n - 2)
    w = (src - lo)[:, None, :]  # (b, 1, n_freq)
    take = lambda idx: torch.gather(x, 2, idx[:, None, :].expand(-1, x.shape[1], -1))
    warped = take(lo) * (1 - w) + take(lo + 1) * w  # (b, Tx, n_freq)
    slope = torch.empty(b, 1, 1, device=x.device).uniform_(-TILT, TILT)
    return warped + slope * torch.linspace(-0.5, 0.5, n, device=x.device)  # (b, Tx, n_freq)


def bce_loss(model: TriggerNet, batch) -> torch.Tensor:
    """Binary cross-entropy of ŷ<t> against y<t>, averaged over every step of every clip (the course's loss); in
    training the spectrograms are `augment`ed first."""
    x, y = batch
    return F.binary_cross_entropy_with_logits(model(augment(x) if model.training else x), y)


def validation(model: TriggerNet, items: list, batch_size: int = 32) -> dict:
    """Held-out loss and step accuracy at the threshold (the loop keeps the weights with the lowest loss)."""
    device = next(model.parameters()).device
    loss, right, n = 0.0, 0, 0
    for b in range(0, len(items), batch_size):
        x = torch.stack([i[0] for i in items[b : b + batch_size]]).to(device)
        y = torch.stack([i[1] for i in items[b : b + batch_size]]).to(device)
        logits = model(x)
        loss += float(F.binary_cross_entropy_with_logits(logits, y, reduction="sum"))
        right += int(((torch.sigmoid(logits) >= THRESHOLD).float() == y).sum())
        n += y.numel()
    return {"loss": loss / max(n, 1), "step_accuracy": right / max(n, 1)}


def match(chimes: list[float], ends: list[float], label_seconds: float = LABEL_SECONDS) -> tuple[int, int]:
    """(activates found, false alarms) of one clip. An "activate" ending at e is found when a chime sounds between
    e - EARLY and e + label_seconds + LATE; a chime in no such interval is a false alarm."""
    spans = [(e - EARLY, e + label_seconds + LATE) for e in ends]
    found = sum(any(a <= c <= b for c in chimes) for a, b in spans)
    false = sum(not any(a <= c <= b for a, b in spans) for c in chimes)
    return found, false


def score(model: TriggerNet, clips, threshold: float | None = None) -> dict:
    """Recall and false alarms per voice (and over all clips): each clip heard whole, its chimes matched to its
    "activate"s (`match`).

    Returns: {voice or "all": {"clips", "activates", "found", "recall", "false_alarms", "clips_with_false_alarm"
    (a fraction of the clips), "false_alarms_per_hour"}}.
    """
    thr = model.config.threshold if threshold is None else threshold
    rows: dict[str, list] = {}
    for clip in clips:
        det = detect(model, clip.audio, SR, thr)
        found, false = match(det.chimes, clip.ends(model.config.word), model.config.label_seconds)
        rows.setdefault(clip.voice, []).append((len(clip.ends(model.config.word)), found, false, det.seconds))
    rows["all"] = [r for v in list(rows) for r in rows[v]]
    out = {}
    for voice, rs in rows.items():
        a, f, fa, secs = (np.array([r[i] for r in rs]) for i in range(4))
        out[voice] = {
            "clips": len(rs),
            "activates": int(a.sum()),
            "found": int(f.sum()),
            "recall": round(float(f.sum() / a.sum()), 4) if a.sum() else None,
            "false_alarms": int(fa.sum()),
            "clips_with_false_alarm": round(float((fa > 0).mean()), 4),
            "false_alarms_per_hour": round(float(fa.sum() / secs.sum() * 3600), 1),
        }
    return out
