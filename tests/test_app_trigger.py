"""The "Trigger word" page (AppTest): it opens on a shipped clip where "activate" is said next to another word, and
what it draws is the library's own detection (x<t>, ŷ<t>, the chime); the threshold and the step move what they
should; the per-voice table is the checkpoint's JSON; every bad WAV gets a message, never a traceback."""

import struct

import numpy as np
import pytest
from conftest import chart, pretrained_without, watchdog
from test_app import LIMIT, run_page

import seqviz
from seqviz.speech.audio import SR, resample
from seqviz.speech.kind import load_clips
from seqviz.speech.models import chime_times, detect

PAGE = "trigger_word.py"


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog)."""
    with watchdog(LIMIT, request.config):
        yield


@pytest.fixture(scope="module")
def shipped():
    """The shipped model and its clips, loaded afresh (not through the page's cache)."""
    return seqviz.load_pretrained("trigger-gru"), *load_clips("trigger-gru")


def wav16(x: np.ndarray, sr: int) -> bytes:
    """16-bit PCM WAV bytes of (n,) or (n, channels) float audio."""
    x = np.asarray(x)
    ch = 1 if x.ndim == 1 else x.shape[1]
    pcm = np.round(np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    head = struct.pack(
        "<4sI4s4sIHHIIHH", b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ", 16, 1, ch, sr, sr * 2 * ch, 2 * ch, 16
    )
    return head + struct.pack("<4sI", b"data", len(pcm)) + pcm


def texts(at) -> str:
    return " ".join(e.value for kind in ("success", "warning", "info", "error", "caption") for e in getattr(at, kind))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_first_screen_hears_activate_in_the_default_clip(lang, shipped):
    m, clips, info = shipped
    at = run_page(PAGE, lang)
    assert not at.exception and not at.error
    assert at.title[0].value == (
        "Trigger word: a GRU hears “activate”" if lang == "en" else "触发字检测：GRU 听出 “activate”"
    )
    i = info["default"]
    assert at.selectbox(key="trig_clip").value == i and at.radio(key="trig_source").value == "clip"
    clip = clips[i]
    det = detect(m, clip.audio)
    fig = chart(at, "trig_fig")
    wave, spec, y, marks = fig["data"]
    assert np.asarray(spec["z"]).shape == (101, len(det.x) // 2)  # 1,998 frames shown as 999 columns (pairs' max)
    assert np.allclose(np.asarray(spec["z"])[:, 10], det.x[20:22].max(0), atol=0.06)
    assert np.allclose(y["y"], det.y_hat, atol=1e-4) and np.allclose(y["x"], det.times, atol=1e-4)
    shapes = fig["layout"]["shapes"]
    thr = [s for s in shapes if s["type"] == "line" and s["y0"] == s["y1"]]
    assert len(thr) == 1 and thr[0]["y0"] == 0.5
    chimes = sorted({s["x0"] for s in shapes if s["type"] == "line" and s["x0"] == s["x1"]})
    assert chimes == pytest.approx(det.chimes) and len(chimes) == 1
    assert marks["x"] == pytest.approx(det.chimes)  # and a ▼ over it
    end = clip.ends()[0]
    assert end - 0.2 <= chimes[0] <= end + 0.56  # the chime sounds right after "activate"
    words = [
        s for s in shapes if s["type"] == "rect" and s["yref"].endswith("domain") and s["fillcolor"] == "rgba(0,0,0,0)"
    ]
    assert len(words) == len(clip.words) >= 2  # "activate" and another word, framed
    assert len(at.get("audio")) == 2  # the clip, and the clip with the chime
    assert any(f"{chimes[0]:.2f}" in s.value for s in at.success)
    table = at.dataframe[0].value
    held = set(m.meta["data"]["voices_held_out"])
    assert len(table) == len(m.meta["metrics"]["voices"]) + 3
    marked = table[table.iloc[:, 1] == ("held-out voice" if lang == "en" else "留出的声音")]
    assert sorted(marked.iloc[:, 0]) == sorted(v.replace(":", " ") for v in held)
    recall = m.meta["metrics"]["voices"][sorted(held)[0]]["recall"]
    assert f"{100 * recall:.1f}%" in table.iloc[:, 4].tolist()
    assert ("synthetic" if lang == "en" else "合成") in at.info[-1].value
    k = at.slider(key="trig_t").value - 1
    assert k == int(np.flatnonzero(det.y_hat >= 0.5)[0])  # the diagram opens where ŷ<t> first reaches the threshold
    boxes = [a["text"] for a in chart(at, "trig_diagram")["layout"]["annotations"] if a.get("text")]
    assert any(b.endswith(f"<b>{det.y_hat[k]:.2f}</b>") for b in boxes)  # over the threshold: bold
    assert any(b.endswith(f" {det.y_hat[k - 2]:.2f}") for b in boxes) and det.y_hat[k - 2] < 0.5  # before: plain


def test_threshold_clip_and_step_move_what_they_should(shipped):
    m, clips, info = shipped
    at = run_page(PAGE)
    at.slider(key="trig_threshold").set_value(0.95).run()
    assert not at.exception
    det = detect(m, clips[info["default"]].audio)
    shapes = chart(at, "trig_fig")["layout"]["shapes"]
    assert [s["y0"] for s in shapes if s["type"] == "line" and s["y0"] == s["y1"]] == [0.95]
    chimes = sorted({s["x0"] for s in shapes if s["type"] == "line" and s["x0"] == s["x1"]})
    assert chimes == pytest.approx(chime_times(det.y_hat, det.times, 0.95))
    j = next(j for j, c in enumerate(clips) if not c.ends())  # a clip without "activate"
    at.selectbox(key="trig_clip").set_value(j).run()
    assert not at.exception
    y = chart(at, "trig_fig")["data"][2]["y"]
    assert np.allclose(y, detect(m, clips[j].audio).y_hat, atol=1e-4)
    at.slider(key="trig_t").set_value(3).run()
    boxes = [a["text"] for a in chart(at, "trig_diagram")["layout"]["annotations"] if a.get("text")]
    assert any("x<sup>&lt;9…23&gt;</sup>" in b for b in boxes)  # step 3 reads frames 9 … 23 (stride 4, kernel 15)


def _upload(at, data: bytes, name: str = "mine.wav"):
    at.radio(key="trig_source").set_value("upload").run()
    at.file_uploader(key="trig_upload").upload(name, data).run()
    return at


@pytest.mark.parametrize(
    "data,needle",
    [
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 400, "not a WAV file"),
        (b"", None),  # an empty upload: Streamlit's uploader hands over nothing, or SeqViz says it is empty
        (b"RIFF\x24\x00\x00\x00WAVEjunk" + b"\x00" * 40, "header is broken"),
    ],
    ids=["png", "empty", "no-fmt"],
)
def test_a_bad_file_gets_a_message_and_the_clip_stays(data, needle):
    at = _upload(run_page(PAGE), data)
    assert not at.exception
    if needle:
        assert any(needle in e.value for e in at.error), [e.value for e in at.error]
    assert "trig_fig" in [c.key for c in at.get("plotly_chart")]  # the chosen clip is still heard


def test_a_stereo_44k_upload_is_mixed_resampled_and_heard(shipped):
    m, clips, info = shipped
    x = clips[info["default"]].audio
    x44 = resample(x, SR, 44_100)
    at = _upload(run_page(PAGE), wav16(np.stack([x44, 0.5 * x44], 1), 44_100))
    assert not at.exception and not at.error
    shown = texts(at)
    assert "mixed down to one" in shown and "44,100 Hz" in shown
    y = np.asarray(chart(at, "trig_fig")["data"][2]["y"])
    ref = detect(m, x).y_hat
    assert len(y) == len(ref) and np.abs(y - ref).max() < 0.2  # the same clip, heard the same
    assert len(at.get("audio")) == 2


def test_a_recording_is_read_by_the_same_reader(shipped):
    """st.audio_input hands over WAV bytes (16 kHz mono here): a recording of clip 4 is heard as clip 4 is."""
    m, clips, _ = shipped
    at = run_page(PAGE)
    at.radio(key="trig_source").set_value("record").run()
    assert any("Nothing recorded yet" in c.value for c in at.caption)
    at.get("audio_input")[0].upload("recording.wav", wav16(clips[3].audio, SR)).run()
    assert not at.exception and not at.error
    assert any("your recording" in c.value and "16,000 Hz" in c.value for c in at.caption)
    y = np.asarray(chart(at, "trig_fig")["data"][2]["y"])
    assert np.allclose(y, detect(m, clips[3].audio).y_hat, atol=1e-3)
    at.get("audio_input")[0].upload("bad.wav", b"RIFF....WAVEnothing").run()
    assert not at.exception and any("header is broken" in e.value for e in at.error)


def test_silence_and_a_long_file_are_said_so():
    at = _upload(run_page(PAGE), wav16(np.zeros(3 * SR), SR))
    assert not at.exception and any("Nothing was heard" in w.value for w in at.warning)
    long = wav16(np.tile(np.sin(np.arange(8_000) / 3) * 0.1, 75), 8_000)  # 75 s
    at = _upload(run_page(PAGE), long)
    assert not at.exception and any("only its first 60 s" in w.value for w in at.warning)
    assert chart(at, "trig_fig")["layout"]["xaxis3"]["range"][1] == pytest.approx(60.0, abs=0.01)


def test_missing_checkpoint_gets_a_message(tmp_path, monkeypatch):
    with pretrained_without("trigger-gru", tmp_path, monkeypatch):
        at = run_page(PAGE)
        assert not at.exception
        assert any("trigger-gru" in e.value and "seqviz.training.build" in e.value for e in at.error)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_train_page_offers_the_kind_without_uploads_and_says_what_it_needs(lang, monkeypatch):
    at = run_page("train.py", lang, train_kind="trigger")
    assert not at.exception and not at.error
    assert at.radio(key="train_source_trigger").options == [
        "Synthetic speech (espeak-ng and flite voices, generated noise)"
        if lang == "en"
        else "合成语音（espeak-ng 和 flite 的声音，生成的噪声）"
    ]  # no upload: the kind trains on its own synthesised speech
    assert at.slider(key="train_trigger_epochs").value == 6
    assert at.select_slider(key="train_trigger_clips_per_voice").value == 60
    import shutil

    real = shutil.which
    monkeypatch.setattr(shutil, "which", lambda p, *a, **k: None if p in ("espeak-ng", "flite") else real(p, *a, **k))
    at = run_page("train.py", lang, train_kind="trigger")
    assert not at.exception and at.button(key="train_go").disabled
    assert any("espeak-ng, flite" in w.value for w in at.warning)


def test_a_sound_of_one_output_step_shows_its_diagram_without_a_slider(shipped):
    """0.1 s of sound (1,600 samples) gives the model exactly one output step: no step slider (it needs two ends),
    the diagram at that step, and the rest of the page."""
    rng = np.random.default_rng(0)
    at = _upload(run_page(PAGE), wav16(0.1 * rng.standard_normal(1_600), SR))
    assert not at.exception
    assert not [s for s in at.slider if s.key == "trig_t"]
    assert chart(at, "trig_diagram") is not None and at.info  # the diagram, and the page goes on to its note


def test_a_checkpoint_threshold_outside_the_slider_starts_it_at_the_nearest_end(shipped, monkeypatch):
    from seqviz.ui import cache

    model = cache.model("trigger-gru")
    monkeypatch.setattr(model.config, "threshold", 0.01)
    at = run_page(PAGE)
    assert not at.exception and at.slider(key="trig_threshold").value == 0.05
