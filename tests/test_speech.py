"""Trigger-word detection: the spectrogram against its closed form, the labels y<t>, resampling, the WAV reader on bad
and odd files, the chime, the model's shapes and causality, the detection rule, the clip generator, and the shipped
checkpoint's per-voice metrics recomputed on the clips it ships."""

import io
import os
import shutil
import struct
import time

import numpy as np
import pytest
import torch

from seqviz.core.registry import DataError
from seqviz.speech import audio as A
from seqviz.speech import data as D
from seqviz.speech.audio import HOP, N_FFT, N_FREQ, SR, AudioError, read_wav, spectrogram
from seqviz.speech.models import (
    EARLY,
    LATE,
    REFRACTORY,
    TriggerConfig,
    TriggerNet,
    chime_times,
    detect,
    match,
    score,
)

pytestmark = pytest.mark.usefixtures("one_thread")


def wav(samples: np.ndarray, sr: int, fmt: int = 1, bits: int | None = None, extra: bytes = b"") -> bytes:
    """A WAV file of `samples` ((n,) or (n, channels), already in the file's sample type) by hand."""
    x = np.asarray(samples)
    ch = 1 if x.ndim == 1 else x.shape[1]
    bits = bits or x.dtype.itemsize * 8
    body = x.tobytes() if bits != 24 else _int24(x)
    fmt_chunk = struct.pack("<HHIIHH", fmt, ch, sr, sr * ch * bits // 8, ch * bits // 8, bits)
    chunks = b"fmt " + struct.pack("<I", 16) + fmt_chunk + extra + b"data" + struct.pack("<I", len(body)) + body
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WAVE" + chunks


def _int24(x: np.ndarray) -> bytes:
    v = np.asarray(x, dtype=np.int32).reshape(-1)
    return np.stack([v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF], axis=1).astype(np.uint8).tobytes()


def sine(freq: float, seconds: float, sr: int = SR, amp: float = 0.5) -> np.ndarray:
    return (amp * np.sin(2 * np.pi * freq * np.arange(int(seconds * sr)) / sr)).astype(np.float32)


# ---------------------------------------------------------------- the spectrogram x<t>


def test_spectrogram_shape_times_and_closed_form():
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal(int(A.CLIP_SECONDS * SR))).astype(np.float32)
    s = spectrogram(x)
    assert s.shape == (1998, N_FREQ) == (A.n_frames(len(x)), 101)  # the course's window at 16 kHz
    ft = A.frame_times(len(s))
    assert ft[0] == pytest.approx(N_FFT / 2 / SR) and np.allclose(np.diff(ft), HOP / SR)
    assert A.frequencies()[[0, 1, -1]].tolist() == [0.0, 80.0, 8000.0]
    # numpy's closed form: periodic Hann window, |rfft|² / (Σw)², one-sided (doubled but for 0 Hz and Nyquist)
    w = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(N_FFT) / N_FFT)
    for t in (0, 1, 777, len(s) - 1):
        frame = x[t * HOP : t * HOP + N_FFT].astype(np.float64)
        p = np.abs(np.fft.rfft(frame * w)) ** 2 / w.sum() ** 2
        p[1:-1] *= 2
        assert np.allclose(s[t], 10 * np.log10(p), atol=1e-3)
    assert spectrogram(np.zeros(N_FFT - 1)).shape == (0, N_FREQ)
    assert spectrogram(np.zeros(SR)).min() == A.FLOOR_DB  # digital silence reads as the floor


@pytest.mark.parametrize("freq", [400.0, 1200.0, 3040.0, 6960.0])
def test_a_sine_peaks_in_its_frequency_bin(freq):
    s = spectrogram(sine(freq, 1.0))
    peak = np.bincount(s.argmax(1)).argmax()
    assert peak == round(freq / (SR / N_FFT))  # bins are 80 Hz apart
    assert A.frequencies()[peak] == pytest.approx(freq, abs=40)


def test_resampling_keeps_pitch_and_duration():
    for sr_in in (8_000, 22_050, 44_100, 48_000):
        x = sine(440.0, 2.0, sr_in)
        y = A.resample(x, sr_in, SR)
        assert len(y) == pytest.approx(2.0 * SR, abs=2)
        spec = np.abs(np.fft.rfft(y[SR // 4 : SR // 4 + SR]))  # one second: 1 Hz bins
        assert spec.argmax() == 440
    z = np.ones(5, dtype=np.float32)
    assert A.resample(z, SR, SR) is not None and np.array_equal(A.resample(z, SR, SR), z)


# ---------------------------------------------------------------- reading WAV files


def test_reader_decodes_every_sample_type_to_the_same_sound():
    x = sine(1000.0, 0.5) * 0.8
    ref = read_wav(wav((x * 32767).astype("<i2"), SR)).audio
    assert np.allclose(ref, x, atol=1e-4)
    cases = {
        "uint8": wav(np.round(x * 127 + 128).astype(np.uint8), SR),
        "int24": wav(np.round(x * (2**23 - 1)).astype(np.int32), SR, bits=24),
        "int32": wav(np.round(x * (2**31 - 1)).astype("<i4"), SR),
        "float32": wav(x.astype("<f4"), SR, fmt=3),
        "float64": wav(x.astype("<f8"), SR, fmt=3),
    }
    for name, data in cases.items():
        s = read_wav(data)
        assert s.notes == [] and s.sr_in == SR and s.channels == 1, name
        assert np.allclose(s.audio, x, atol=2e-2 if name == "uint8" else 1e-4), name
    neg = read_wav(wav(np.array([-(2**23), 2**23 - 1, -1], dtype=np.int32), SR, bits=24)).audio
    assert np.allclose(neg, [-1.0, 1 - 2**-23, -(2**-23)])  # 24-bit signs extended


def test_reader_mixes_stereo_down_and_resamples():
    left, right = sine(440.0, 1.0, 44_100, 0.6), sine(880.0, 1.0, 44_100, 0.2)
    data = wav((np.stack([left, right], 1) * 32767).astype("<i2"), 44_100)
    s = read_wav(io.BytesIO(data))
    assert s.channels == 2 and s.sr_in == 44_100 and {"stereo", "resampled"} <= set(s.notes)
    assert np.allclose(s.audio, A.resample((left + right) / 2, 44_100, SR), atol=1e-3)
    low = read_wav(wav((sine(300.0, 3.0, 8_000) * 32767).astype("<i2"), 8_000))
    assert "resampled" in low.notes and len(low.audio) == 3 * SR and low.seconds_in == 3.0


def test_reader_refuses_what_is_not_a_wav_with_a_code():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50
    good = wav(np.zeros(100, dtype="<i2"), SR)
    cases = {
        b"": "empty",
        png: "not_wav",
        b"a text file, not sound": "not_wav",
        b"RIFF\x00\x00\x00\x00WAVEjunk": "bad_header",  # no fmt chunk
        good.replace(b"data", b"junk"): "no_audio",
        wav(np.zeros(100, dtype=np.uint8), SR, fmt=7): "format",  # µ-law
        wav(np.zeros(100, dtype="<i2"), 0): "bad_header",  # a sample rate of 0
        b"RIFX" + good[4:]: "format",
    }
    for data, code in cases.items():
        with pytest.raises(AudioError) as err:
            read_wav(data)
        assert err.value.code == code, (data[:16], err.value.code)
    with pytest.raises(AudioError) as err:
        read_wav(wav(np.zeros(0, dtype="<i2"), SR))
    assert err.value.code == "no_audio"


def test_an_hour_long_wav_is_cut_to_a_minute_quickly():
    n = 3600 * 8_000  # one hour of 8 kHz 8-bit mono: 28.8 MB
    body = np.full(n, 128, dtype=np.uint8)
    body[: 8_000 * 70 : 7] = 200  # a little sound in the first minute and beyond
    data = wav(body, 8_000)
    t0 = time.perf_counter()
    s = read_wav(data)
    took = time.perf_counter() - t0
    assert s.cut and "cut" in s.notes and s.seconds_in == 3600.0
    assert s.seconds == pytest.approx(A.MAX_SECONDS, abs=1e-3)
    assert took < 2.0  # the hour is never decoded, only its first minute
    truncated = read_wav(data[: 44 + 8_000 * 5])  # a header that promises more than the file holds
    assert truncated.seconds == pytest.approx(5.0, abs=1e-3) and not truncated.cut


def test_silence_is_read_and_marked():
    s = read_wav(wav(np.zeros(SR * 2, dtype="<i2"), SR))
    assert s.silent and s.seconds == 2.0
    faint = read_wav(wav((sine(300.0, 1.0) * 0.0005 * 32767).astype("<i2"), SR))  # about -69 dBFS
    assert faint.silent
    assert not read_wav(wav((sine(300.0, 1.0) * 32767 * 0.1).astype("<i2"), SR)).silent


def test_wav_bytes_round_trip():
    x = sine(500.0, 0.3) * 0.9
    back = read_wav(A.wav_bytes(x))
    assert np.allclose(back.audio, x, atol=1e-4) and back.sr_in == SR and back.bits == 16


# ---------------------------------------------------------------- the chime


def test_the_chime_is_mixed_in_at_its_times():
    base = np.zeros(3 * SR, dtype=np.float32)
    out = A.chime(base, SR, [0.5, 2.9, 7.0])  # the last is past the end: not mixed
    assert np.abs(out[: int(0.5 * SR)]).max() == 0  # nothing before the first chime
    bell = A.chime_sound()
    assert np.allclose(out[int(0.5 * SR) : int(0.5 * SR) + len(bell)], bell)
    assert np.allclose(out[int(2.9 * SR) :], bell[: 3 * SR - int(2.9 * SR)])  # cut at the end
    assert np.abs(out[int(0.5 * SR) + len(bell) : int(2.9 * SR)]).max() == 0
    loud = A.chime(np.full(SR, 0.95, dtype=np.float32), SR, [0.1])
    assert np.abs(loud).max() <= 1.0  # scaled, never clipped
    assert np.array_equal(A.chime(base, SR, []), base)


# ---------------------------------------------------------------- labels, the model, the rule


def test_labels_mark_the_window_right_after_each_trigger_word():
    m = TriggerNet(TriggerConfig())
    times = m.step_times(m.steps(A.n_frames(int(A.CLIP_SECONDS * SR))))
    assert len(times) == 496 and np.allclose(np.diff(times), 0.02)  # Ty = 496, one step every 20 ms
    assert times[0] == pytest.approx(((15 - 1) * HOP + N_FFT) / SR)
    y = D.labels([2.0, 6.5], times)
    on = times[y == 1]
    assert len(on) == 2 * 18  # 0.36 s = 18 steps after each word
    assert on[0] >= 2.0 and on[0] - 0.02 < 2.0 and on[17] < 2.0 + D.LABEL_SECONDS <= on[17] + 0.02
    assert on[18] >= 6.5 and y[times < 2.0].sum() == 0 and y.sum() == 36
    assert D.labels([9.9], times).sum() == 5  # a window past the end of the clip is cut there
    assert D.labels([], times).sum() == 0


def test_model_shapes_range_and_causality():
    torch.manual_seed(0)
    m = TriggerNet(TriggerConfig(n_conv=16, n_a=8)).eval()
    rng = np.random.default_rng(1)
    x = (0.1 * rng.standard_normal(4 * SR)).astype(np.float32)
    det = detect(m, x)
    assert det.x.shape == (A.n_frames(len(x)), N_FREQ) and det.y_hat.shape == det.times.shape == (m.steps(len(det.x)),)
    assert ((0 <= det.y_hat) & (det.y_hat <= 1)).all() and det.seconds == 4.0
    cut = 2.0  # change the sound after 2 s: ŷ<t> of every step that ended by then stays the same
    y = x.copy()
    y[int(cut * SR) :] = rng.standard_normal(len(y) - int(cut * SR)) * 0.5
    after = detect(m, y)
    before = det.times <= cut
    assert before.sum() > 50 and np.allclose(after.y_hat[before], det.y_hat[before], atol=1e-6)
    assert not np.allclose(after.y_hat[~before], det.y_hat[~before], atol=1e-3)
    assert detect(m, np.zeros(100, dtype=np.float32)).y_hat.shape == (0,)  # shorter than one step
    d8 = detect(m, A.resample(x, SR, 8_000), 8_000)  # any rate is heard at 16 kHz
    assert d8.audio.shape == x.shape


def test_the_chime_rule_and_the_matching_rule():
    times = np.arange(100) * 0.02
    y = np.zeros(100)
    y[10:15] = 0.9  # a rise at step 10
    y[17:19] = 0.8  # another 0.14 s later: within REFRACTORY, no second chime
    y[50:60] = 0.6  # a rise 0.8 s after: a chime
    assert chime_times(y, times, 0.5) == [pytest.approx(0.2), pytest.approx(1.0)]
    assert chime_times(y, times, 0.7) == [pytest.approx(0.2)]  # 0.6 never reaches 0.7
    assert chime_times(np.ones(100), times, 0.5) == [0.0]  # over the threshold from the first step
    assert REFRACTORY == 0.5
    end = 1.0  # an activate ending at 1.0 s is found by a chime in [1.0 - EARLY, 1.0 + 0.36 + LATE]
    assert match([end - EARLY], [end]) == (1, 0) and match([end + 0.36 + LATE], [end]) == (1, 0)
    assert match([end - EARLY - 0.01], [end]) == (0, 1) and match([end + 0.36 + LATE + 0.01], [end]) == (0, 1)
    assert match([1.1, 4.0], [1.0, 3.0]) == (1, 1) and match([], [1.0]) == (0, 0) and match([2.0], []) == (0, 1)


def _bank() -> dict:
    """A tiny word bank without a synthesiser: tone bursts stand in for words."""
    words = {D.TRIGGER: [sine(600.0, 0.6)], **{w: [sine(300.0 + 10 * i, 0.4)] for i, w in enumerate(D.NEGATIVES)}}
    return {"test:voice": words}


def test_clips_place_words_apart_and_repeat_with_the_seed():
    a = D.clips(_bank(), ["test:voice"], 12, seed=3)
    b = D.clips(_bank(), ["test:voice"], 12, seed=3)
    assert len(a) == 12 and all(np.array_equal(x.audio, y.audio) and x.words == y.words for x, y in zip(a, b))
    assert any(x.words != y.words for x, y in zip(a, D.clips(_bank(), ["test:voice"], 12, seed=4)))
    for c in a:
        assert c.audio.shape == (int(A.CLIP_SECONDS * SR),) and np.abs(c.audio).max() <= 1.0
        spans = [(s, e) for _, s, e in c.words]
        assert spans == sorted(spans) and all(0 <= s < e <= A.CLIP_SECONDS for s, e in spans)
        assert all(e1 + D.MIN_GAP <= s2 + 1e-9 for (_, e1), (s2, _) in zip(spans, spans[1:]))  # never overlapping
        assert len(c.ends()) <= 3 and len(c.words) <= 6
    c = D.make_clip(_bank(), "test:voice", np.random.default_rng(0), 1, 0, jitter=False)
    ((w, s, e),) = c.words
    assert w == D.TRIGGER and e - s == pytest.approx(0.6, abs=1e-3)
    burst = c.audio[int(s * SR) : int(e * SR)]
    assert np.abs(burst).max() > 5 * np.abs(c.audio[: int(s * SR)]).max(initial=0) or s < 0.05


def test_hostile_configs_are_refused():
    from seqviz.speech.kind import model

    good = TriggerNet(TriggerConfig()).config_dict()
    assert isinstance(model(good), TriggerNet)
    for bad in ({"n_conv": 10**9}, {"sr": 8000}, {"std": 0.0}, {"threshold": 1.5}, {"mean": float("nan")}):
        with pytest.raises((ValueError, KeyError)):
            model({**good, **bad})


def test_the_kind_says_what_it_needs(monkeypatch):
    from seqviz.core.registry import get
    from seqviz.speech import kind
    from seqviz.training.runner import read_data

    k = get("trigger")
    assert not k.uploads and set(k.needs) == {"espeak-ng", "flite"} and k.bundled == ("synthetic-speech",)
    with pytest.raises(DataError) as err:
        read_data("trigger", "upload", "hello", {})
    assert err.value.code == "no_upload"
    monkeypatch.setattr(kind, "missing", lambda: ["espeak-ng", "flite"])
    with pytest.raises(DataError) as err:
        read_data("trigger", "synthetic-speech", None, {})
    assert err.value.code == "no_synth" and err.value.info["programs"] == "espeak-ng, flite"


# ---------------------------------------------------------------- the shipped checkpoint and its clips


@pytest.fixture(scope="module")
def shipped():
    import seqviz
    from seqviz.speech.kind import load_clips

    return seqviz.load_pretrained("trigger-gru"), *load_clips("trigger-gru")


def test_the_shipped_metrics_are_what_the_weights_give_on_the_shipped_clips(shipped):
    m, clips, info = shipped
    met = m.meta["metrics"]
    assert score(m, clips) == met["shipped_clips"]  # recall and false alarms per voice, recomputed
    for c, row in zip(clips, info["items"]):
        det = detect(m, c.audio)
        assert [round(x, 3) for x in det.chimes] == row["chimes"]
        assert (det.seconds, c.voice) == (A.CLIP_SECONDS, row["voice"])
        assert match(det.chimes, c.ends()) == (row["found"], row["false_alarms"])


def test_the_shipped_clips_show_the_phenomenon(shipped):
    m, clips, info = shipped
    held = set(m.meta["data"]["voices_held_out"])
    assert held == {v.key for v in D.HELD_OUT} and not held & set(m.meta["data"]["voices_train"])
    assert {c.voice for c in clips} & held  # a held-out voice is on the page
    assert {len(c.ends()) for c in clips} >= {0, 1, 2}
    assert any(w != D.TRIGGER for c in clips for w, _, _ in c.words)
    d = clips[info["default"]]  # the first screen: one "activate" and another word, heard right
    assert len(d.ends()) == 1 and len(d.words) >= 2
    det = detect(m, d.audio)
    assert match(det.chimes, d.ends()) == (1, 0)
    end = d.ends()[0]
    assert (
        det.y_hat[det.times < end - EARLY].max() < 0.5 < det.y_hat[(det.times >= end) & (det.times < end + 0.6)].max()
    )
    voices = m.meta["metrics"]["voices"]
    assert set(voices) == {v.key for v in D.ALL_VOICES}
    for v in voices.values():
        assert v["found"] <= v["activates"] and 0 <= v["clips_with_false_alarm"] <= 1
        assert v["recall"] == pytest.approx(v["found"] / v["activates"], abs=1e-4)
    pooled = m.meta["metrics"]["held_out_voices"]
    assert pooled["activates"] == sum(voices[k]["activates"] for k in held)
    assert m.meta["metrics"]["training_voices"]["recall"] > 0.8  # the model does hear the voices it trained on
    assert sum(p.numel() for p in m.parameters()) == m.meta["n_parameters"]


def test_silence_rings_no_chime(shipped):
    m, _, _ = shipped
    det = detect(m, np.zeros(10 * SR, dtype=np.float32))
    assert det.silent and det.chimes == []


# ---------------------------------------------------------------- the synthesisers (build time only)


def _need(program: str) -> None:
    if shutil.which(program) is None:
        if os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no"):
            pytest.fail(f"{program} is not installed, and CI is set (.ci/run installs espeak-ng and flite)")
        pytest.skip(f"{program} is not installed (apt-get install -y espeak-ng flite)")


@pytest.mark.parametrize("voice", [D.TRAIN_VOICES[0], D.HELD_OUT[0]], ids=lambda v: v.key)
def test_a_word_is_synthesised_trimmed_and_repeatable(voice):
    from seqviz.speech.synth import say

    _need(voice.synth)
    a = say(D.TRIGGER, voice)
    assert 0.3 < len(a) / SR < 1.5 and 0.05 < np.abs(a).max() <= 1.0
    assert np.abs(a[: int(0.005 * SR)]).max() < np.abs(a).max()  # the silence before the word is trimmed
    assert np.array_equal(a, say(D.TRIGGER, voice))  # the same every time: a rebuild makes the same clips
    slow = say(D.TRIGGER, voice, rate=0.8)
    assert len(slow) > len(a)


def test_the_figures_are_valid_plotly_and_show_the_detection(shipped):
    """Built without plotly's checks (viz.base.figure), rebuilt with them: the same; and what they hold is the
    detection's own numbers."""
    from conftest import typed
    from test_figures_checked import assert_valid

    from seqviz.viz.speech import detection_figure, diagram

    m, clips, info = shipped
    c = clips[info["default"]]
    det = detect(m, c.audio)
    d = typed(assert_valid(detection_figure(det, c.words, D.TRIGGER, D.LABEL_SECONDS)))
    wave, spec, y, marks = d["data"]
    assert np.asarray(spec["z"]).shape == (N_FREQ, len(det.x) // 2) and marks["x"] == pytest.approx(det.chimes)
    assert len(wave["x"]) <= 2 * 2000  # the waveform's outline, not 160,000 samples
    long = detect(m, np.tile(c.audio, 6))  # 60 s: at most 1,000 columns of spectrogram drawn
    assert np.asarray(typed(assert_valid(detection_figure(long)))["data"][1]["z"]).shape[1] <= 1000
    boxes = [a["text"] for a in assert_valid(diagram(m.config, det.y_hat, det.times, 0))["layout"]["annotations"]]
    assert sum("Conv1D 196" in b for b in boxes) == 5 and any("x<sup>&lt;1…15&gt;</sup>" in b for b in boxes)
