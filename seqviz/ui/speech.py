"""Widgets and cached computations of the "Trigger word" page: a shipped clip, an uploaded WAV or a recording, heard
by the model; the figure, the chime, the diagram at a step, and the held-out scores per voice."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
import streamlit as st

from seqviz.core.registry import figure
from seqviz.ui import cache, picker, share
from seqviz.ui.common import md_escape, t, table, upload_mb
from seqviz.ui.export import chart

SHIPPED = "trigger-gru"  # the shipped model, and the clips that come with it
MAX_WAV_BYTES = 120_000_000  # a WAV upload: an hour of 16 kHz 16-bit mono is 115.2 MB; only its first minute is read
LABEL_KEYS = ("wave", "spec", "time", "threshold", "chime", "label", "db")
THRESHOLDS = [round(0.05 * i, 2) for i in range(1, 20)]  # the threshold slider's stops: a link may set only these
SOURCES = ("clip", "upload", "record")  # what the page listens to (a link can choose the source, not carry a file)


@dataclass
class Heard:
    """What the page listens to: its key (for the caches), the model's detection, and the words said if known."""

    key: str  # "clip:3" or "wav:<sha256>"
    det: object  # seqviz.speech.models.Detection
    words: list | None  # (word, start s, end s) of a shipped clip; None for the student's own sound
    voice: str | None  # the shipped clip's voice


# ---------------------------------------------------------------- cached loaders


@st.cache_resource(show_spinner=False)
def clips():
    """The shipped clips (float32 audio at 16 kHz) and their description from trigger-gru.json; loaded once."""
    from seqviz.speech.kind import load_clips

    return load_clips(SHIPPED)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def clip_detection(name: str, i: int):
    """Model `name` listening to shipped clip i (shared by every session)."""
    from seqviz.speech.models import detect

    return detect(cache.model(name), clips()[0][i].audio)


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def wav_detection(name: str, sha: str, _data: bytes):
    """Model `name` listening to a WAV file (keyed by its sha256): (the Sound read, its Detection); AudioError when
    the file cannot be read."""
    from seqviz.speech.audio import SR, read_wav
    from seqviz.speech.models import detect

    sound = read_wav(_data)
    return sound, detect(cache.model(name), sound.audio, SR)


def _labels() -> dict:
    return {k: t(f"trig.fig.{k}") for k in LABEL_KEYS}


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _figure(name: str, key: str, threshold: float, labels: tuple, _heard: Heard):
    from seqviz.speech.models import chime_times
    from seqviz.viz.speech import detection_figure

    det, cfg = _heard.det, cache.model(name).config
    chimes = chime_times(det.y_hat, det.times, threshold)
    fig = detection_figure(det, _heard.words, cfg.word, cfg.label_seconds, chimes, threshold, dict(labels))
    return cache.frozen(fig)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _chimed(name: str, key: str, threshold: float, _audio: np.ndarray, _chimes: tuple) -> bytes:
    """The sound with the chime mixed in where it sounds, as WAV bytes."""
    from seqviz.speech.audio import SR, chime, wav_bytes

    return wav_bytes(chime(_audio, SR, _chimes))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def _plain(name: str, key: str, _audio: np.ndarray) -> bytes:
    from seqviz.speech.audio import wav_bytes

    return wav_bytes(_audio)


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def _diagram(name: str, key: str, step: int, threshold: float, _heard: Heard):
    from seqviz.viz.speech import diagram

    det = _heard.det
    return cache.frozen(diagram(cache.model(name).config, det.y_hat, det.times, step, threshold))


# ---------------------------------------------------------------- widgets


def controls() -> str:
    """Sidebar: the shipped model or one of this session's own; returns its name (the page stops with a message when
    the shipped model or its clips cannot be loaded)."""
    own = picker.ids("trigger")
    options = [SHIPPED] + own
    picker.settle("trig_model", options, SHIPPED, "trigger")
    share.bind("trig_model", SHIPPED, options=options)  # a link naming another session's model gets a message
    name = st.sidebar.radio(
        t("trig.model"),
        options,
        key="trig_model",
        format_func=lambda k: t("trig.model.shipped") if k == SHIPPED else picker.label(k),
    )
    picker.hint(own)
    cache.load_or_stop(name)
    try:
        clips()
    except (OSError, ValueError, KeyError) as err:
        st.error(t("trig.no_clips", err=md_escape(str(err)[:200])))
        st.stop()
    return name


def _clip_label(i: int) -> str:
    cl, info = clips()
    row = info["items"][i]
    voice = row["voice"].replace(":", " ")
    held = f" · {t('trig.held_out')}" if row.get("held_out") else ""
    return (
        f"{i + 1} · {voice}{held} · " + ", ".join(w for w, _, _ in cl[i].words) if cl[i].words else f"{i + 1} · {voice}"
    )


def _read_own(name: str, data: bytes, label: str) -> Heard | None:
    """The student's WAV (uploaded or recorded), read and heard; a message for every problem, None when unreadable."""
    from seqviz.speech.audio import MAX_SECONDS, AudioError

    if len(data) > MAX_WAV_BYTES:
        st.error(t("trig.bad.too_big", mb=len(data) / 1e6, max=MAX_WAV_BYTES // 1_000_000))
        return None
    sha = hashlib.sha256(data).hexdigest()
    try:
        sound, det = wav_detection(name, sha, data)
    except AudioError as err:
        st.error(t(f"trig.bad.{err.code}", **{k: v for k, v in err.info.items() if isinstance(v, (str, int))}))
        return None
    notes = []
    if "stereo" in sound.notes:
        notes.append(t("trig.note.stereo", n=sound.channels))
    if "resampled" in sound.notes:
        notes.append(t("trig.note.resampled", sr=sound.sr_in))
    if "clipped" in sound.notes:
        notes.append(t("trig.note.clipped"))
    st.caption(t("trig.own", name=md_escape(label), seconds=sound.seconds_in, sr=sound.sr_in, bits=sound.bits))
    if notes:
        st.info(" ".join(notes))
    if sound.cut:
        st.warning(t("trig.note.cut", seconds=sound.seconds_in, max=MAX_SECONDS))
    if sound.silent:
        st.warning(t("trig.note.silent"))
    elif sound.seconds < 1.0:
        st.info(t("trig.note.short", seconds=sound.seconds))
    return Heard(f"wav:{sha}", det, None, None)


def source(name: str) -> Heard:
    """A shipped clip (the default), an uploaded WAV or a recording; returns what the model heard. An unreadable file
    gets its message, and the page goes on with the chosen shipped clip."""
    from seqviz.speech.audio import MAX_SECONDS

    cl, info = clips()
    # the choices sit in the sidebar, as on the other pages, so that the figure and ŷ<t> are on the first screen
    share.bind("trig_source", "clip", options=SOURCES)
    pick = st.sidebar.radio(t("trig.source"), SOURCES, key="trig_source", format_func=lambda s: t(f"trig.source.{s}"))
    share.bind("trig_clip", int(info.get("default", 0)) if cl else 0, options=list(range(len(cl))))
    i = st.sidebar.selectbox(t("trig.clip"), list(range(len(cl))), key="trig_clip", format_func=_clip_label)
    own = None
    if pick == "upload":
        up = st.file_uploader(
            t("trig.upload", max=int(MAX_SECONDS)),
            type=["wav", "wave"],
            key="trig_upload",
            max_upload_size=upload_mb(MAX_WAV_BYTES),
            help=t("trig.upload.help", mb=MAX_WAV_BYTES // 1_000_000),
        )
        if up is not None:
            own = _read_own(name, up.getvalue(), up.name)
        else:
            st.caption(t("trig.upload.none"))
    elif pick == "record":
        rec = st.audio_input(t("trig.record"), key="trig_record", sample_rate=16_000)
        if rec is not None:
            own = _read_own(name, rec.getvalue(), t("trig.record.name"))
        else:
            st.caption(t("trig.record.none"))
    if own is not None:
        return own
    if pick != "clip":
        st.caption(t("trig.fallback", n=i + 1))
    row = info["items"][i]
    return Heard(f"clip:{i}", clip_detection(name, i), cl[i].words, row.get("voice"))


def threshold(name: str) -> float:
    """The threshold slider (the model's own default to start with)."""
    own = float(cache.model(name).config.threshold)  # a student's checkpoint may hold any value in 0..1
    default = min(0.95, max(0.05, round(own * 20) / 20))
    share.bind("trig_threshold", default, options=THRESHOLDS)
    return st.sidebar.slider(
        t("trig.threshold"), 0.05, 0.95, step=0.05, key="trig_threshold", help=t("trig.threshold.help")
    )


def listen(name: str, heard: Heard, thr: float) -> list[float]:
    """The sound and the sound with the chime mixed in, the figure, and what happened, in words; returns the chimes."""
    from seqviz.speech.models import chime_times, match

    det, cfg = heard.det, cache.model(name).config
    chimes = chime_times(det.y_hat, det.times, thr)
    fig = _figure(name, heard.key, thr, tuple(sorted(_labels().items())), heard)
    chart(fig, width="stretch", key="trig_fig")
    c1, c2 = st.columns(2)
    c1.markdown(t("trig.play.plain"))
    c1.audio(_plain(name, heard.key, det.audio), format="audio/wav")
    c2.markdown(t("trig.play.chime", n=len(chimes)))
    c2.audio(_chimed(name, heard.key, thr, det.audio, tuple(chimes)), format="audio/wav")
    if det.silent:
        return chimes
    peak = int(np.argmax(det.y_hat)) if len(det.y_hat) else 0
    top = float(det.y_hat[peak]) if len(det.y_hat) else 0.0
    when = ", ".join(f"{c:.2f} s" for c in chimes)
    if heard.words is not None:
        ends = [e for w, _, e in heard.words if w == cfg.word]
        found, false = match(chimes, ends, cfg.label_seconds)
        said = ", ".join(f"{e:.2f} s" for e in ends) or "—"
        msg = t(
            "trig.verdict.clip", n=len(ends), ends=said, found=found, false=false, chimes=when or "—", word=cfg.word
        )
        (st.success if found == len(ends) and not false else st.warning)(msg)
    elif chimes:
        st.success(t("trig.verdict.own", chimes=when, word=cfg.word))
    else:
        st.info(t("trig.verdict.none", p=top, at=float(det.times[peak]) if len(det.times) else 0.0, thr=thr))
    return chimes


def first_step(y_hat: np.ndarray, threshold: float) -> int:
    """Where the diagram opens: the first step where ŷ<t> reaches the threshold, else the step where it is highest."""
    over = np.flatnonzero(y_hat >= threshold)
    return int(over[0]) if len(over) else int(np.argmax(y_hat))


def steps(name: str, heard: Heard, thr: float) -> None:
    """The many-to-many diagram with the model's numbers at a step the student picks (first: `first_step`)."""
    det, cfg = heard.det, cache.model(name).config
    n = len(det.y_hat)
    if not n:
        st.caption(t("trig.too_short"))
        return
    key = "trig_t"
    if st.session_state.get("trig_t_for") != heard.key or not 1 <= st.session_state.get(key, 0) <= n:
        st.session_state[key] = first_step(det.y_hat, thr) + 1
        st.session_state["trig_t_for"] = heard.key
    share.bind(key, first_step(det.y_hat, thr) + 1, lo=1, hi=n)  # after the reset above: a link's step wins
    k = 0 if n == 1 else st.slider(t("trig.step"), 1, n, key=key) - 1  # a slider needs two ends
    chart(_diagram(name, heard.key, k, thr, heard), width="stretch", key="trig_diagram")
    first = k * cfg.stride
    ms = 1000 * cfg.hop / cfg.sr
    st.caption(
        t(
            "trig.step.now",
            t=k + 1,
            time=float(det.times[k]),
            y=float(det.y_hat[k]),
            f1=first + 1,
            f2=first + cfg.kernel,
            s1=first * ms / 1000,
            s2=((first + cfg.kernel - 1) * cfg.hop + cfg.n_fft) / cfg.sr,
            n_conv=cfg.n_conv,
            n_a=cfg.n_a,
        )
    )
    st.caption(
        t(
            "trig.sizes",
            tx=len(det.x),
            ty=n,
            bins=det.x.shape[1],
            seconds=det.seconds,
            hop=ms,
            step=cfg.stride * ms,
            kernel=cfg.kernel,
            stride=cfg.stride,
            params=sum(p.numel() for p in cache.model(name).parameters()),
        )
    )


def heldout(name: str) -> None:
    """Recall and false alarms per voice on the held-out clips (the checkpoint's JSON), held-out voices marked, then
    the pooled rows and the shipped clips' own."""
    met = (cache.model(name).meta or {}).get("metrics") or {}
    data = (cache.model(name).meta or {}).get("data") or {}
    held = set(data.get("voices_held_out") or [])
    voices = met.get("voices") or {}
    rows = []

    def row(label: str, r: dict, status: str) -> dict:
        r = r if isinstance(r, dict) else {}
        return {
            t("trig.col.voice"): label,
            t("trig.col.status"): status,
            t("trig.col.clips"): r.get("clips"),
            t("trig.col.said"): r.get("activates"),
            t("trig.col.recall"): picker.pct(r.get("recall"), 1),
            t("trig.col.fa_clips"): picker.pct(r.get("clips_with_false_alarm"), 1),
            t("trig.col.fa_hour"): figure(r.get("false_alarms_per_hour"), ".0f"),  # "—" when missing
        }

    for v in sorted(voices, key=lambda v: (v not in held, v)):
        rows.append(row(v.replace(":", " "), voices[v], t("trig.held_out") if v in held else t("trig.trained")))
    rows.append(row(t("trig.pool.held"), met.get("held_out_voices"), "Σ"))
    rows.append(row(t("trig.pool.train"), met.get("training_voices"), "Σ"))
    rows.append(row(t("trig.pool.shipped"), (met.get("shipped_clips") or {}).get("all"), "Σ"))
    table(rows)
    st.caption(
        t(
            "trig.heldout.how",
            thr=picker.number(met.get("threshold"), 0.5),
            n=int(picker.number(data.get("n_train"), 0)),
            v=len(data.get("voices_train") or []),
        )
    )
