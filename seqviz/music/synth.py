"""Notes to sound and files: additive synthesis with numpy (a few harmonics under an envelope), WAV and MIDI bytes,
and MIDI / MusicXML files read back into notes (voices assigned by pitch)."""

from __future__ import annotations

import io

import numpy as np

from seqviz.core.audio import wav_bytes as core_wav_bytes
from seqviz.music.data import VOICES, sort_notes

SR = 22_050  # samples per second: enough for the chorales' range (the highest note is about 900 Hz)
BPM = 80  # quarter notes per minute when the chorales are played
HARMONICS = (1.0, 0.45, 0.25, 0.12, 0.06)  # amplitude of each partial: an organ-like tone, not a sine


def seconds_per_sixteenth(bpm: float = BPM) -> float:
    return 60.0 / float(bpm) / 4.0


def frequency(midi) -> np.ndarray:
    """Hz of MIDI pitches: A4 (69) is 440 Hz, each semitone a factor 2^(1/12)."""
    return 440.0 * 2.0 ** ((np.asarray(midi, dtype=np.float64) - 69) / 12)


def _tone(pitch: int, n: int, sr: int, m: int | None = None) -> np.ndarray:
    """The first m (default: all n) samples of a note of n samples: the harmonics of its frequency under a 10 ms
    attack, a slow decay and a 30 ms release. Hand-written because the point is a dependency-free tone in a few ms;
    a SoundFont needs fluidsynth (`render`)."""
    m = n if m is None else m
    t = np.arange(m) / sr
    f0 = float(frequency(pitch))
    wave_ = sum(a * np.sin(2 * np.pi * f0 * (k + 1) * t) for k, a in enumerate(HARMONICS) if f0 * (k + 1) < sr / 2)
    env = np.minimum(1.0, t / 0.01) * np.exp(-1.2 * t) * np.minimum(1.0, (n - np.arange(m)) / (0.03 * sr))
    return (wave_ * env).astype(np.float32)


def synthesize(notes: np.ndarray, bpm: float = BPM, sr: int = SR, max_seconds: float = 600.0) -> np.ndarray:
    """Mono float32 audio in [-1, 1] of the notes (voice, onset, duration, pitch) at `bpm`; at most `max_seconds`.

    Each distinct (pitch, length) tone is made once and added at each of its onsets; the mix is scaled so that
    four voices at once do not clip.
    """
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 4)
    step = seconds_per_sixteenth(bpm)
    total = int(min(max_seconds, ((notes[:, 1] + notes[:, 2]).max() * step + 0.3) if len(notes) else 0.0) * sr)
    out = np.zeros(max(total, 1), dtype=np.float32)
    cache: dict[tuple[int, int], np.ndarray] = {}
    for _, onset, dur, pitch in notes.tolist():
        i, n = int(onset * step * sr), int(dur * step * sr)
        if i >= total:
            continue
        j = min(total, i + n)
        tone = cache.get((pitch, n, j - i))
        if tone is None:  # only the samples that fit (a long note past the end is not made whole)
            tone = cache[(pitch, n, j - i)] = _tone(pitch, n, sr, j - i)
        out[i:j] += tone
    peak = float(np.abs(out).max())
    return out * (0.9 / peak) if peak > 0 else out


def soundfont_available() -> bool:
    """True when pretty_midi can render with its bundled General MIDI SoundFont (TimGM6mb.sf2): that needs the
    optional pyfluidsynth package and the fluidsynth library (`apt-get install libfluidsynth3`)."""
    import importlib.util

    if importlib.util.find_spec("fluidsynth") is None:
        return False
    try:
        import fluidsynth  # noqa: F401  (loads libfluidsynth; fails when the system library is missing)
    except (ImportError, OSError):
        return False
    return True


def render(notes: np.ndarray, bpm: float = BPM, sr: int = SR, engine: str = "numpy") -> tuple[np.ndarray, str]:
    """Audio of the notes and the engine that made it: "soundfont" (a sung "Choir Aahs" from pretty_midi's
    SoundFont through fluidsynth) when asked for and available, else "numpy" (`synthesize`)."""
    if engine == "soundfont" and soundfont_available() and len(notes):
        import pretty_midi

        pm = pretty_midi.PrettyMIDI(io.BytesIO(midi_bytes(notes, bpm)))
        audio = pm.fluidsynth(fs=sr).astype(np.float32)
        peak = float(np.abs(audio).max()) if len(audio) else 0.0
        return (audio * (0.9 / peak) if peak > 0 else audio), "soundfont"
    return synthesize(notes, bpm, sr), "numpy"


def wav_bytes(audio: np.ndarray, sr: int = SR) -> bytes:
    """16-bit mono WAV of float audio in [-1, 1] at the music's rate (seqviz.core.audio.wav_bytes)."""
    return core_wav_bytes(audio, sr)


PROGRAMS = (52, 52, 52, 52)  # General MIDI "Choir Aahs" for each voice: a chorale is sung


def midi_bytes(notes: np.ndarray, bpm: float = BPM) -> bytes:
    """A standard MIDI file of the notes, one instrument (track) per voice, named Soprano ... Bass (pretty_midi)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(initial_tempo=float(bpm))
    step = seconds_per_sixteenth(bpm)
    names = ("Soprano", "Alto", "Tenor", "Bass")
    tracks = {}
    for v, onset, dur, pitch in np.asarray(notes, dtype=np.int64).reshape(-1, 4).tolist():
        if v not in tracks:
            tracks[v] = pretty_midi.Instrument(program=PROGRAMS[v], name=names[v])
        tracks[v].notes.append(pretty_midi.Note(80, int(pitch), onset * step, (onset + dur) * step))
    pm.instruments = [tracks[v] for v in sorted(tracks)]
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


class MusicFileError(ValueError):
    """A music file that cannot be read; `code` names the problem for the page's message."""

    def __init__(self, code: str, **info):
        super().__init__(f"{code}: {info}")
        self.code, self.info = code, info


def _assign_voices(rows: list[tuple[int, int, int, int]], n_tracks: int) -> tuple[np.ndarray, dict]:
    """Notes (track, onset, duration, pitch) -> (voice, onset, duration, pitch), and what was left out.

    Several tracks: by mean pitch, the highest is S and the lowest B; the next highest fill A and T (a 3-track
    piece has no T); tracks past four are dropped (counted in "dropped_tracks"). One track (a piano piece): at each
    onset a voice still sounding keeps its note, and the notes that start fill the free voices from S down, highest
    first; a note with no free voice is dropped (counted in "dropped_notes").
    """
    a = np.array(rows, dtype=np.int64).reshape(-1, 4)
    if n_tracks >= 2:
        means = {k: a[a[:, 0] == k, 3].mean() for k in np.unique(a[:, 0])}
        order = sorted(means, key=lambda k: -means[k])
        slots = {order[0]: 0, order[-1]: 3} | {k: v for k, v in zip(order[1:-1][:2], (1, 2))}
        keep = np.isin(a[:, 0], list(slots))
        out = a[keep].copy()
        out[:, 0] = [slots[k] for k in out[:, 0]]
        return sort_notes(out), {"dropped_tracks": len(order) - len(slots), "dropped_notes": int((~keep).sum())}
    out, busy, dropped = [], [-1] * len(VOICES), 0
    for onset in np.unique(a[:, 1]):
        at = a[a[:, 1] == onset]
        at = at[np.argsort(-at[:, 3], kind="stable")]
        free = [v for v in range(len(VOICES)) if busy[v] <= onset]
        for v, (_, o, d, p) in zip(free, at.tolist()):
            out.append((v, o, d, p))
            busy[v] = o + d
        dropped += max(0, len(at) - len(free))
    return sort_notes(np.array(out).reshape(-1, 4)), {"dropped_tracks": 0, "dropped_notes": dropped}


def read_music(data: bytes, name: str = "", max_notes: int = 50_000) -> tuple[np.ndarray, dict]:
    """Notes of a MIDI (pretty_midi) or MusicXML (music21) file, timed in sixteenths, with voices assigned.

    Returns (notes, info: "n_notes_file", "cut" (notes over max_notes dropped), "format").
    Raises:
        MusicFileError: "empty", "unreadable", "drums_only", "no_notes"; for MusicXML also "too_big" (a text over
            MAX_XML_BYTES) and "too_many_notes" (over twice max_notes: refused before music21 parses for seconds).
    """
    if not data:
        raise MusicFileError("empty")
    is_midi = data[:4] == b"MThd"
    rows, n_tracks = [], 0
    if is_midi:
        import pretty_midi

        try:
            pm = pretty_midi.PrettyMIDI(io.BytesIO(data))
        except Exception as err:  # mido and pretty_midi raise many kinds of errors on a damaged file
            raise MusicFileError("unreadable", format="MIDI", reason=str(err)[:200]) from err
        tracks = [i for i in pm.instruments if not i.is_drum and i.notes]
        if not tracks:
            raise MusicFileError("drums_only" if any(i.notes for i in pm.instruments) else "no_notes")
        sixteenth = pm.resolution / 4  # ticks per sixteenth: the grid does not depend on the tempo
        for k, inst in enumerate(tracks):
            for n in inst.notes:
                on, off = pm.time_to_tick(n.start) / sixteenth, pm.time_to_tick(n.end) / sixteenth
                rows.append((k, round(on), max(1, round(off - on)), int(n.pitch)))
        n_tracks = len(tracks)
    else:
        rows, n_tracks = _musicxml_rows(data, name, max_notes)
    if not rows:
        raise MusicFileError("no_notes")
    n_file = len(rows)
    rows = sorted(rows, key=lambda r: r[1])[:max_notes]
    notes, left = _assign_voices(rows, n_tracks)
    notes[:, 1] -= (notes[:, 1].min() // 16) * 16  # the first note in the first bar (4/4), where it falls in it
    fmt = "MIDI" if is_midi else "MusicXML"
    return notes, {"n_notes_file": n_file, "cut": max(0, n_file - max_notes), "format": fmt, **left}


MAX_XML_BYTES = 20_000_000  # a MusicXML text (an .mxl unzipped) past this is refused before music21 reads it


def _musicxml_text(data: bytes) -> bytes:
    """The score's XML: the file itself, or the largest .xml / .musicxml inside a compressed .mxl (its size checked
    before it is unzipped)."""
    import zipfile

    if data[:2] != b"PK":
        return data
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            inner = [i for i in z.infolist() if i.filename.lower().endswith((".xml", ".musicxml"))]
            inner = [i for i in inner if not i.filename.upper().startswith("META-INF")]
            if not inner:
                raise MusicFileError("unreadable", format="MusicXML", reason="the .mxl holds no score")
            big = max(inner, key=lambda i: i.file_size)
            if big.file_size > MAX_XML_BYTES:
                raise MusicFileError("too_big", n=big.file_size, max=MAX_XML_BYTES)
            return z.read(big)
    except zipfile.BadZipFile as err:
        raise MusicFileError("unreadable", format="MusicXML", reason=str(err)[:200]) from err


def _musicxml_rows(data: bytes, name: str, max_notes: int) -> tuple[list, int]:
    """(track, onset, duration, pitch) rows of a MusicXML (.xml, .musicxml or compressed .mxl) file via music21.

    Its size and its number of <note> elements are checked first (music21 takes about half a millisecond a note);
    unpitched notes (a drum part) are left out.
    """
    from music21 import chord, converter, note

    text = _musicxml_text(data)
    if b"<score-partwise" not in text[:5000] and b"<score-timewise" not in text[:5000]:
        raise MusicFileError("unreadable", format="MIDI or MusicXML", reason=f"{name or 'the file'} is neither")
    if len(text) > MAX_XML_BYTES:
        raise MusicFileError("too_big", n=len(text), max=MAX_XML_BYTES)
    n_notes = text.count(b"<note")
    if n_notes > 2 * max_notes:  # more than twice what will be kept: refused rather than parsed for seconds
        raise MusicFileError("too_many_notes", n=n_notes, max=2 * max_notes)
    try:
        score = converter.parseData(text.decode("utf-8", "replace"), format="musicxml").stripTies()
    except Exception as err:  # music21 raises many kinds of errors on a damaged file
        raise MusicFileError("unreadable", format="MusicXML", reason=str(err)[:200]) from err
    rows, unpitched = [], 0
    parts = list(score.parts) or [score]
    for k, part in enumerate(parts):
        for n in part.flatten().notes:
            if not isinstance(n, (note.Note, chord.Chord)):  # note.Unpitched, percussion.PercussionChord
                unpitched += 1  # note.Unpitched and percussion chords: drums
                continue
            if float(n.quarterLength) <= 0:  # a grace note
                continue
            dur = max(1, round(float(n.quarterLength) * 4))
            on = round(float(n.getOffsetInHierarchy(score)) * 4)
            pitches = n.pitches if isinstance(n, chord.Chord) else (n.pitch,)
            rows += [(k, on, dur, p.midi) for p in pitches]
    if not rows and unpitched:
        raise MusicFileError("drums_only")
    return rows, len({r[0] for r in rows}) or len(parts)
