"""Widgets and cached computations of the "Music generation" page: a seed (a held-out chorale's first bars, nothing,
or the student's file), the model's continuation and Bach's, heard and seen, step by step, and its surprise."""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from seqviz.music.data import VOICES, Corpus, load_corpus
from seqviz.music.models import fit_notes, generate, surprise
from seqviz.music.synth import SR, MusicFileError, midi_bytes, read_music, render, soundfont_available, wav_bytes
from seqviz.ui import cache, picker, share
from seqviz.ui.common import fig_labels, md_escape, t, table, upload_mb
from seqviz.ui.export import chart

SHIPPED = ("bach-satb", "bach-melody")  # four voices, the soprano line
KIND = "music_lm"  # the checkpoint kind this page lists (the student's own music models too)
DEFAULT_CHORALE = "bwv287"  # held out (its whole tune family); F major, 4/4, mostly quarter notes, a one-beat upbeat
SOURCES = ("chorale", "none", "upload")
ENGINES = ("numpy", "soundfont")  # numpy's additive synthesis; pretty_midi's SoundFont where fluidsynth is installed
MAX_SEED = 2**31 - 1  # the largest sampling seed a link may set
MAX_UPLOAD_BYTES = 2_000_000  # a MIDI / MusicXML seed file (a whole chorale is about 5 kB as MIDI)
MAX_NOTES = 5_000  # notes read from an uploaded file; only its first bars are the seed
TEMPERATURE = 0.5  # the first screen's. bach-satb from the first two bars of the 29 held-out chorales, sampling seeds
# 0-2, 4 bars each: of the chords it writes (3+ voices sounding at an onset), 90% are a triad (or part of one) or a
# seventh chord at 0.5, 84% at 0.7, 69% at 1.0 (Bach's own held-out chorales: 85% by the same count, passing notes
# included); from bwv287's seed at 0.5, 50 of 51
MAX_STEPS = 300  # sampled steps the step-by-step animation walks (about seven bars of four voices)
LABEL_KEYS = (
    "voice.S", "voice.A", "voice.T", "voice.B", "pitch", "seed", "after", "dur", "wait", "start", "end",
    "top", "raw", "adjusted", "bits", "unit", "by_note", "per_note", "at",
)  # fmt: skip


@dataclass
class Seed:
    """What the model continues: the seed's notes (in the model's voices and ranges), the piece it came from (for
    the real continuation) and how to name it."""

    notes: np.ndarray  # (n, 4) the seed; (0, 4) for "nothing"
    piece: np.ndarray  # (m, 4) the whole piece, moved the same way (the chorale when the seed is nothing)
    end: int  # sixteenths: where the seed stops and the model starts
    bar: int  # sixteenths per bar
    meter: str
    title: str  # the piece, as the page names it (Markdown-safe)
    src: str  # "chorale", "none" or "upload": where the seed came from (a file that failed: "chorale")


@st.cache_resource(show_spinner=False)
def corpus() -> Corpus:
    """The shipped chorales (pretrained/bach-chorales.*), read once per server."""
    return load_corpus()


def _bar(meter: str) -> int:
    """Sixteenths per bar of a metre: 4/4 -> 16, 3/4 -> 12, 3/2 -> 24."""
    try:
        num, den = (int(x) for x in meter.split("/"))
        return max(4, num * 16 // den)
    except ValueError:
        return 16


def key_name(key: str) -> str:
    """music21's key name as a student reads it: "B- major" -> "B♭ major"."""
    tonic, _, mode = key.partition(" ")
    return tonic.replace("-", "♭") + (" " + t(f"music.mode.{mode}") if mode in ("major", "minor") else "")


def model_label(name: str, markdown: bool = True) -> str:
    """How the page names a model: the shipped ones by what they write, the student's own as "⭐ NAME (yours)"."""
    return t(f"music.model.{name}") if name in SHIPPED else picker.label(name, markdown)


def controls() -> dict:
    """Sidebar: the model (shipped or this session's own), the seed, temperature, top-k, length and sampling seed."""
    sb = st.sidebar
    share.bind("mus_seed", 0, lo=0, hi=MAX_SEED)  # no widget: the resample button counts it up
    own = picker.ids(KIND)
    options = list(SHIPPED) + own
    share.bind("mus_model", SHIPPED[0], options=options)  # a link naming another session's model gets the default
    picker.settle("mus_model", options, SHIPPED[0], "music")
    name = sb.radio(t("music.model"), options, key="mus_model", format_func=model_label)
    picker.hint(own)
    model = cache.load_or_stop(name)
    try:
        held = held_out(name)
    except (FileNotFoundError, OSError, ValueError) as err:
        st.error(t("music.no_corpus", err=md_escape(str(err))))
        st.stop()
    cfg = model.config
    sb.caption(
        t(
            "music.model.info",
            voices=" ".join(VOICES[v] for v in cfg.voices),
            layers=cfg.layers,
            n_a=cfg.n_a,
            V=len(model.tokens),
            ppl=picker.number(((model.meta.get("metrics") or {}).get("held_out") or {}).get("perplexity")),
        )
    )
    share.bind("mus_src", "chorale", options=SOURCES)
    src = sb.radio(t("music.seed"), SOURCES, key="mus_src", format_func=lambda k: t(f"music.seed.{k}"))
    first = DEFAULT_CHORALE if DEFAULT_CHORALE in held else held[0]
    share.bind("mus_chorale", first, options=held)
    if st.session_state.get("mus_chorale") not in held:  # a chorale the model trained on (another model's choice)
        st.session_state["mus_chorale"] = first
    chorale = sb.selectbox(t("music.chorale"), held, key="mus_chorale", format_func=_chorale_label)
    upload = None
    if src == "upload":
        upload = sb.file_uploader(
            t("music.upload"),
            type=["mid", "midi", "xml", "musicxml", "mxl"],
            key="mus_upload",
            help=t("music.upload.help", mb=MAX_UPLOAD_BYTES // 1_000_000),
            max_upload_size=upload_mb(MAX_UPLOAD_BYTES),
        )
    share.bind("mus_bars", 2, lo=1, hi=4)
    bars = sb.slider(t("music.bars"), 1, 4, key="mus_bars", disabled=src == "none")
    share.bind("mus_temp", TEMPERATURE, lo=0.0, hi=2.0)
    temp = sb.slider(t("music.temp"), 0.0, 2.0, step=0.05, key="mus_temp", help=t("music.temp.help"))
    share.bind("mus_topk", 0, lo=0, hi=40)
    top_k = sb.slider(t("music.topk"), 0, 40, key="mus_topk", help=t("music.topk.help"))
    share.bind("mus_len", 4, lo=1, hi=12)
    length = sb.slider(t("music.len"), 1, 12, key="mus_len")
    engine = "numpy"  # numpy's organ-like tone; a sung one where pretty_midi's SoundFont can be played (fluidsynth)
    if soundfont():
        share.bind("mus_sound", "numpy", options=ENGINES)
        engine = sb.radio(t("music.sound"), ENGINES, key="mus_sound", format_func=lambda k: t(f"music.sound.{k}"))
    sb.button(
        t("music.resample"),
        key="mus_new",
        on_click=lambda: st.session_state.update(mus_seed=st.session_state["mus_seed"] + 1),
    )
    return dict(
        name=name,
        src=src,
        chorale=chorale,
        upload=upload,
        bars=int(bars),
        temperature=float(temp),
        top_k=int(top_k) or None,
        length=int(length),
        seed=int(st.session_state["mus_seed"]),
        engine=engine,
    )


@st.cache_resource(show_spinner=False)
def soundfont() -> bool:
    """Whether this server can sing the notes with pretty_midi's SoundFont (pyfluidsynth and libfluidsynth)."""
    return soundfont_available()


@st.cache_data(show_spinner=False)
def held_out(name: str) -> list[str]:
    """The held-out chorales of a model (its JSON's list when it has one, else the corpus's held-out set)."""
    names = [c.name for c in corpus().held_out]
    listed = (cache.model(name).meta.get("data") or {}).get("held_out_pieces")
    if isinstance(listed, list) and listed:
        known = set(names)
        names = [n for n in listed if n in known] or names
    return names


def _chorale_label(name: str) -> str:
    c = corpus().get(name)
    return f"{name} · {key_name(c.key)} · {c.meter}"


@st.cache_data(max_entries=32, ttl=3600, show_spinner=False)
def read_upload(digest: str, _data: bytes) -> tuple:
    """An uploaded file's notes, read once per content: ("ok", notes, info) or ("error", code, info)."""
    if len(_data) > MAX_UPLOAD_BYTES:
        return "error", "too_big", {"mb": MAX_UPLOAD_BYTES // 1_000_000}
    try:
        notes, info = read_music(_data, max_notes=MAX_NOTES)
    except MusicFileError as err:  # read_music's "too_big" is a MusicXML score too large once unzipped
        return "error", "too_big_xml" if err.code == "too_big" else err.code, dict(err.info)
    return "ok", notes, info


def _cut(notes: np.ndarray, end: int) -> np.ndarray:
    """The notes that start before `end`, each cut to end there at the latest."""
    notes = np.array(notes, dtype=np.int64).reshape(-1, 4)
    notes = notes[notes[:, 1] < end]
    notes[:, 2] = np.minimum(notes[:, 2], end - notes[:, 1])
    return notes


def seed(c: dict) -> Seed:
    """The seed the settings ask for, with a message for each thing the page changed or could not use; a file that
    cannot be used falls back to the chosen chorale (the other settings stay as they are)."""
    model = cache.model(c["name"])
    src = c["src"]
    found = _from_file(c, model) if src == "upload" else None
    if found is None:
        src = "chorale" if src == "upload" else src
        ch = corpus().get(c["chorale"])
        meter, title = ch.meter, f"{ch.name} ({key_name(ch.key)})"
        fitted, fit = fit_notes(model, ch.notes)
        if fit["octaves"]:
            st.caption(t("music.fit.octaves", n=fit["octaves"]))
    else:
        fitted, meter, title, (info, piece, fit) = found
    bar = _bar(meter)
    if src == "none":
        return Seed(np.zeros((0, 4), np.int64), fitted, 0, bar, meter, title, src)
    end = c["bars"] * bar
    fitted, late = _to_first_bar(fitted, bar, end)
    if late:  # the model's voices enter after the seed's bars (a melody model on a file whose top part enters late)
        st.info(t("music.fit.late", bar=late + 1, voices=" ".join(VOICES[v] for v in model.config.voices)))
    notes = _cut(fitted, end)
    if src == "upload":
        _file_messages(info, piece, fit, len(notes))
        _far(c["name"], notes)
    return Seed(notes, fitted, int((notes[:, 1] + notes[:, 2]).max()), bar, meter, title, src)


def _to_first_bar(notes: np.ndarray, bar: int, end: int) -> tuple[np.ndarray, int]:
    """The notes moved earlier by whole bars so that the first starts in the first bar, when none starts before `end`
    (the seed would be empty); else as they are. Returns (notes, bars moved)."""
    if not len(notes) or int(notes[:, 1].min()) < end:
        return notes, 0
    late = int(notes[:, 1].min()) // bar
    return notes - np.array([0, late * bar, 0, 0]), late


def _from_file(c: dict, model) -> tuple | None:
    """The student's file as (notes in the model's voices and ranges, metre, title, (what read_music and fit_notes
    said, for `_file_messages`)); None (and why) when there is none or it cannot be used."""
    up = c["upload"]
    if up is None:
        st.info(t("music.upload.none"))
        return None
    data = up.getvalue()
    found = read_upload(hashlib.sha256(data).hexdigest(), data)
    if found[0] == "error":
        _, code, details = found
        st.error(t(f"music.file.{code}", name=md_escape(up.name), **_fmt(details)))
        st.info(t("music.file.fallback"))
        return None
    _, piece, info = found
    fitted, fit = fit_notes(model, piece)
    if not len(fitted):
        st.error(t("music.no_voice", voices=" ".join(VOICES[v] for v in model.config.voices)))
        st.info(t("music.file.fallback"))
        return None
    return fitted, "4/4", t("music.yours", name=md_escape(up.name)), (info, piece, fit)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def seed_perplexity(name: str, notes: np.ndarray) -> float:
    """The model's perplexity per token on a seed (how far it is from what the model learnt)."""
    return surprise(cache.model(name), notes).perplexity


def _far(name: str, notes: np.ndarray) -> None:
    """How strange the student's seed is to the model: its perplexity on it against the held-out chorales' (a
    warning when more than twice as high)."""
    ppl = seed_perplexity(name, notes)
    held = picker.number(((cache.model(name).meta.get("metrics") or {}).get("held_out") or {}).get("perplexity"))
    far = ppl > 2 * held
    (st.warning if far else st.caption)(t("music.file.far" if far else "music.file.near", ppl=ppl, held=held))


def _fmt(details: dict) -> dict:
    return {k: md_escape(str(v)) if isinstance(v, str) else v for k, v in details.items()}


def _file_messages(info: dict, piece: np.ndarray, fit: dict, n_seed: int) -> None:
    """What the page made of the student's file: cut, a single note, what read_music left out (tracks past four,
    notes with no free voice) and what fit_notes changed (voices dropped, the piece moved by octaves, notes moved into
    their voice's range) or that it changed nothing."""
    if info.get("cut"):
        st.warning(t("music.file.cut", n=info["n_notes_file"], kept=MAX_NOTES, bars=int(piece[:, 1].max()) // 16 + 1))
    st.caption(t("music.file.read", n=len(piece), format=info.get("format", "MIDI"), n_seed=n_seed))
    if len(piece) == 1:
        st.info(t("music.file.single"))
    if info.get("dropped_tracks"):
        st.warning(t("music.file.tracks", n=int(info["dropped_tracks"]), notes=int(info.get("dropped_notes") or 0)))
    elif info.get("dropped_notes"):
        st.warning(t("music.file.crowded", n=int(info["dropped_notes"])))
    if fit["dropped_voices"]:
        st.warning(t("music.fit.dropped", voices=" ".join(VOICES[v] for v in fit["dropped_voices"])))
    if fit["octaves"]:
        st.info(t("music.fit.octaves", n=fit["octaves"]))
    if fit["moved"]:
        st.warning(t("music.fit.moved", n=fit["moved"]))
    if not (fit["dropped_voices"] or fit["octaves"] or fit["moved"]):
        st.caption(t("music.fit.none"))


# ---------------------------------------------------------------- cached results: by simple arguments


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def generation(name: str, notes: np.ndarray, sixteenths: int, temperature: float, top_k: int | None, seed: int):
    """The model's continuation of `notes` (one-to-many sampling), shared by sessions that ask the same."""
    return generate(cache.model(name), notes if len(notes) else None, sixteenths, temperature, top_k, seed)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def wav(notes: np.ndarray, engine: str = "numpy") -> bytes:
    """The notes as a WAV at SR: numpy's additive synthesis, or the SoundFont's choir (`engine`)."""
    return wav_bytes(render(notes, engine=engine)[0], SR)


@st.cache_data(max_entries=128, ttl=3600, show_spinner=False)
def midi(notes: np.ndarray) -> bytes:
    return midi_bytes(notes)


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def scored(name: str, chorale: str):
    """The model's surprise on a held-out chorale (moved into its ranges as the seed is)."""
    model = cache.model(name)
    notes, _ = fit_notes(model, corpus().get(chorale).notes)
    return surprise(model, notes)


def labels() -> dict:
    return fig_labels() | {k: t(f"music.fig.{k}") for k in LABEL_KEYS}


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _roll(notes: np.ndarray, seed_end: int, end: int, bar: int, lo: int, hi: int, words: tuple):
    from seqviz.viz.music import piano_roll

    return cache.frozen(piano_roll(notes, seed_end, end, bar, dict(words), (lo, hi), height=400))


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _steps_figure(name, notes, sixteenths, temperature, top_k, seed, bar: int, words: tuple):
    from seqviz.viz.music import generation_figure

    g = generation(name, notes, sixteenths, temperature, top_k, seed)
    return cache.frozen(generation_figure(g, bar, dict(words), MAX_STEPS))


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def _diagram(name, notes, sixteenths, temperature, top_k, seed, step: int, words: tuple):
    """The one-to-many diagram with the model's tokens around `step` (0-based): each output box the token that came
    next with the probability the model's own ŷ<t> gave it, and, where it was sampled, q: the probability it was drawn
    with (after temperature and top-k)."""
    from seqviz.viz.diagrams import sampling_figure
    from seqviz.viz.music import token_text

    g = generation(name, notes, sixteenths, temperature, top_k, seed)
    w = dict(words)
    T = n_steps(g)
    ids = [g.vocab.index(tok) for tok in g.tokens[1 : T + 1]]
    sampled = [i >= g.n_seed - 1 for i in range(T)]  # row i's token was drawn (not read from the seed)
    return cache.frozen(
        sampling_figure(
            [token_text(tok, w) for tok in g.tokens[:T]],
            [token_text(tok, w) for tok in g.tokens[1 : T + 1]],
            [float(g.raw[i, k]) for i, k in enumerate(ids)],
            step,
            fed=[i >= g.n_seed for i in range(T)],
            drawn=[float(g.probs[i, k]) if s else None for i, (k, s) in enumerate(zip(ids, sampled))],
        )
    )


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _surprise_figure(name: str, chorale: str, bar: int, words: tuple):
    from seqviz.viz.music import surprise_figure

    return cache.frozen(surprise_figure(scored(name, chorale), bar, dict(words)))


# ---------------------------------------------------------------- the page's sections


@dataclass
class Shown:
    """What the first section made, for the sections after it."""

    gen: object
    args: tuple  # (name, seed notes, sixteenths, temperature, top_k, seed): the generation's cache key
    seed: Seed
    words: tuple = field(default_factory=tuple)


def pieces(c: dict, s: Seed) -> Shown:
    """The model's continuation and Bach's (or the file's) from the same seed, side by side, each with its sound;
    downloads of the model's piece."""
    if c["temperature"] == 0:
        st.info(t("music.temp0"))
    sixteenths = c["length"] * s.bar
    args = (c["name"], s.notes, sixteenths, c["temperature"], c["top_k"], c["seed"])
    g = generation(*args)
    mine = g.notes
    end = s.end + sixteenths
    real = _cut(s.piece, end)
    both = np.concatenate([mine, real]) if len(real) else mine
    lo, hi = int(both[:, 3].min()) - 2, int(both[:, 3].max()) + 2
    words = labels() | {"bar": t("music.fig.bar", meter=s.meter)}
    w = tuple(sorted(words.items()))
    left, right = st.columns(2)
    left.subheader(t("music.model.head"))
    chart(_roll(mine, s.end, end, s.bar, lo, hi, w), width="stretch", key="mus_roll", where=left)
    left.audio(wav(mine, c["engine"]), format="audio/wav")
    right.subheader(t(f"music.real.head.{s.src}", piece=s.title))
    chart(_roll(real, s.end, end, s.bar, lo, hi, w), width="stretch", key="mus_real", where=right)
    right.audio(wav(real, c["engine"]), format="audio/wav")
    n_new = int((mine[:, 1] >= s.end).sum()) if len(mine) else 0
    left.caption(t("music.model.caption", n=n_new, bars=c["length"], tokens=len(g.tokens) - g.n_seed))
    right.caption(t("music.real.caption.none" if s.src == "none" else "music.real.caption"))
    if g.tokens[-1] == "<end>":
        st.info(t("music.ended", bar=int(g.times[-1]) // s.bar + 1))
    d1, d2, d3 = st.columns([1, 1, 6])
    stem = f"seqviz-{c['name']}-{c['seed']}"
    d1.download_button(t("music.dl.midi"), midi(mine), f"{stem}.mid", "audio/midi", key="mus_dl_midi")
    d2.download_button(t("music.dl.wav"), wav(mine, c["engine"]), f"{stem}.wav", "audio/wav", key="mus_dl_wav")
    d3.caption(t("music.dl.caption"))
    return Shown(g, args, s, w)


def steps(shown: Shown) -> None:
    """Sampling step by step (play-head and ŷ<t>), and the one-to-many diagram at a step chosen with a slider."""
    g, args = shown.gen, shown.args
    chart(_steps_figure(*args, shown.seed.bar, shown.words), width="stretch", key="mus_steps")
    n_sampled = len(g.probs) - max(g.n_seed - 1, 0)
    st.caption(t("music.steps.explain") + (" " + t("music.steps.cut", n=MAX_STEPS) if n_sampled > MAX_STEPS else ""))
    st.subheader(t("music.diagram.head"))
    st.caption(t("music.diagram.explain"))
    T = n_steps(g)
    first = max(g.n_seed, 1)  # 1-based: the first step whose token was sampled
    share.bind("mus_t", min(first, T), lo=1, hi=T)  # the default: the first step whose token was sampled
    if not isinstance(st.session_state.get("mus_t"), int) or not 1 <= st.session_state["mus_t"] <= T:
        st.session_state["mus_t"] = min(first, T)  # a step past this generation's end (after a shorter one)
    k = st.slider(t("music.step"), 1, max(T, 2), key="mus_t", help=t("music.step.help", n_seed=g.n_seed))
    k = min(k, T)
    chart(_diagram(*args, k - 1, shown.words), width="stretch", key="mus_diagram")
    from seqviz.viz.music import HIDDEN, token_text

    words = dict(shown.words)
    raw, q = g.raw[k - 1], g.probs[k - 1]  # the model's own ŷ<t>; what the token was drawn from
    top = [i for i in np.argsort(-raw, kind="stable") if g.vocab[i] not in HIDDEN][:3]
    drawn = g.tokens[k]  # k <= n_steps: every step shown has its next token
    i = g.vocab.index(drawn)
    if k - 1 < g.n_seed - 1:
        key = "music.step.now.seed"
    elif k < len(g.tokens) - 1:
        key = "music.step.now"
    elif drawn == "<end>":  # the last token: generation stopped after it, nothing is fed back
        key = "music.step.last.end"
    else:  # the length asked for reached (a + token), or generate's limit on tokens
        key = "music.step.last" if drawn.startswith("+") else "music.step.last.limit"
    st.caption(
        t(
            key,
            t=k,
            x=_plain(token_text(g.tokens[k - 1], words)),
            top=", ".join(f"{_plain(token_text(g.vocab[j], words))} {raw[j]:.2f}" for j in top),
            y=_plain(token_text(drawn, words)),
            p=float(raw[i]),
            q=float(q[i]),
            time=t(
                "music.fig.at",
                **dict(zip(("bar", "beat"), _beat(int(g.times[min(k, len(g.times) - 1)]), shown.seed.bar))),
            ),
        )
    )


def n_steps(g) -> int:
    """Steps the diagram and the step caption can show: those whose next token exists (every row of ŷ but the
    last when generation stopped at its limit on tokens)."""
    return min(len(g.probs), len(g.tokens) - 1)


def _plain(text: str) -> str:
    """A figure label (HTML-escaped) as Markdown-safe text."""
    return md_escape(html.unescape(text))


def _beat(onset: int, bar: int) -> tuple[int, int]:
    from seqviz.viz.music import beat_of

    return beat_of(onset, bar)


def surprise_section(c: dict, shown: Shown) -> None:
    """The model's surprise −log2 P on a held-out chorale, note by note, its perplexity and the most surprising
    notes named."""
    held = held_out(c["name"])
    default = c["chorale"] if c["chorale"] in held else held[0]
    share.bind("mus_surprise", default, options=held)
    if st.session_state.get("mus_surprise") not in held:
        st.session_state["mus_surprise"] = default
    name = st.selectbox(t("music.surprise.chorale"), held, key="mus_surprise", format_func=_chorale_label)
    s = scored(c["name"], name)
    bar = _bar(corpus().get(name).meter)
    words = dict(shown.words) | {"bar": t("music.fig.bar", meter=corpus().get(name).meter)}
    chart(_surprise_figure(c["name"], name, bar, tuple(sorted(words.items()))), width="stretch", key="mus_surprise_fig")
    ppl = (cache.model(c["name"]).meta.get("metrics") or {}).get("held_out") or {}
    st.markdown(
        t(
            "music.surprise.ppl",
            ppl=s.perplexity,
            bits=float(s.bits.mean()) if len(s.bits) else float("nan"),
            n=len(s.bits),
            notes=len(s.note_bits),
            held=picker.number(ppl.get("perplexity")),
        )
    )
    n = min(len(s.notes), len(s.note_bits))
    worst = np.argsort(-np.asarray(s.note_bits[:n]), kind="stable")[:5]
    from seqviz.music.data import pitch_name

    items = []
    for i in worst:
        v, onset, _, p = (int(x) for x in s.notes[i])
        b, beat = _beat(onset, bar)
        items.append(
            t("music.surprise.note", note=f"{VOICES[v]}:{pitch_name(p)}", bar=b, beat=beat, bits=float(s.note_bits[i]))
        )
    st.markdown(t("music.surprise.worst") + "\n" + "\n".join(f"- {x}" for x in items))


def heldout_table(c: dict) -> None:
    """The held-out perplexity of both shipped models (and the chosen own one) from their JSON."""
    rows = []
    for name in [*SHIPPED, *([c["name"]] if c["name"] not in SHIPPED else [])]:
        if not cache.available(name):
            continue
        m = cache.model(name)
        held = (m.meta.get("metrics") or {}).get("held_out") or {}
        data = m.meta.get("data") or {}
        pieces_ = data.get("held_out_pieces")
        rows.append(
            {
                t("music.col.model"): model_label(name, markdown=False),
                t("music.col.voices"): " ".join(VOICES[v] for v in m.config.voices),
                t("music.col.lstm"): f"{m.config.layers} × {m.config.n_a}",
                t("music.col.V"): len(m.tokens),
                t("music.col.ppl"): f"{picker.number(held.get('perplexity')):.2f}",
                t("music.col.tokens"): int(picker.number(held.get("n_tokens"), 0)),
                t("music.col.pieces"): len(pieces_) if isinstance(pieces_, list) else "—",
            }
        )
    table(rows)
    st.caption(t("music.heldout.caption"))
