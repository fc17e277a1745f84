"""Bach's chorales as notes and as tokens: parsed once from music21's corpus at build time, shipped compactly.

A chorale is an (n, 4) int array of notes, one row (voice, onset, duration, pitch): voice 0..3 is soprano, alto,
tenor, bass; onset and duration count sixteenth notes; pitch is a MIDI number (60 = C4). The language models read
it as an event stream of tokens, one onset after another:

    <start> S:G4 d4 A:D4 d4 T:B3 d4 B:G2 d4 +4 S:G4 d8 ...

"S:G4" starts a note of the soprano, the "d.." token after it is that note's duration in sixteenths, and "+.."
moves time on to the next onset. In a melody (soprano only) each note is the same three tokens. Tokens are text, so
the vocabulary, the checkpoint's JSON and the page all read the same thing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from seqviz.core import checkpoint

VOICES = ("S", "A", "T", "B")  # soprano, alto, tenor, bass: the order of a chorale's four parts
START, END = "<start>", "<end>"
MAX_DUR = 32  # sixteenths (two 4/4 bars): a longer note (a held final chord) is cut to this
MAX_SHIFT = 16  # a longer gap between onsets is written as several + tokens
NAME = "bach-chorales"  # pretrained/bach-chorales.{safetensors,json}: the parsed corpus
NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
LICENCE = (
    "Bach's chorales are in the public domain; these encodings come with music21 (BSD-3-Clause), whose corpus is "
    "distributed with the encoders' permission and may restrict commercial use (music21/corpus/license.txt)"
)
_NOTE = re.compile(r"^([SATB]):([A-G][#b]?)(-?\d)$")
_NUM = re.compile(r"^([d+])(\d+)$")


def pitch_name(midi: int) -> str:
    """60 -> "C4" (sharps for the black keys except Eb, Ab and Bb, as most of the chorales' keys spell them)."""
    return f"{NAMES[midi % 12]}{midi // 12 - 1}"


def pitch_number(name: str) -> int:
    """ "C4" -> 60; the inverse of `pitch_name`."""
    m = re.match(r"^([A-G][#b]?)(-?\d)$", name)
    if not m or m.group(1) not in NAMES:
        raise ValueError(f"not a pitch name: {name!r}")
    return NAMES.index(m.group(1)) + 12 * (int(m.group(2)) + 1)


@dataclass
class Chorale:
    """One chorale: its name (BWV number), key, metre and notes (n, 4) = (voice, onset, duration, pitch)."""

    name: str
    key: str
    meter: str
    notes: np.ndarray  # (n, 4) int, sorted by onset then voice
    title: str = ""

    @property
    def length(self) -> int:
        """Sixteenths from the first onset to the last note's end."""
        return int((self.notes[:, 1] + self.notes[:, 2]).max()) if len(self.notes) else 0


def sort_notes(notes: np.ndarray) -> np.ndarray:
    """Notes sorted by onset, then voice (S first), then pitch: the order the tokens list them in."""
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 4)
    return notes[np.lexsort((notes[:, 3], notes[:, 0], notes[:, 1]))]


def encode(notes: np.ndarray, voices: tuple[int, ...] = (0, 1, 2, 3)) -> list[str]:
    """Tokens of the notes of `voices`: <start>, then per onset each note's voice:pitch and d<duration>, then +<gap>
    to the next onset (time starts at 0, the first bar's downbeat); <end> after the last note (its duration has no +
    after it)."""
    notes = sort_notes(notes)
    notes = notes[np.isin(notes[:, 0], voices)]
    out, now = [START], 0
    for v, onset, dur, pitch in notes.tolist():
        if onset > now:  # time counts from 0: a chorale that starts with an upbeat starts with a + token
            gap = onset - now
            while gap > 0:
                out.append(f"+{min(gap, MAX_SHIFT)}")
                gap -= MAX_SHIFT
            now = onset
        out += [f"{VOICES[v]}:{pitch_name(pitch)}", f"d{max(1, min(dur, MAX_DUR))}"]
    out.append(END)
    return out


def decode(tokens) -> np.ndarray:
    """Notes (n, 4) of a token stream, read forgivingly (sampled streams need not follow the grammar): a voice:pitch
    waits for its d; a + or a new note ends a note still waiting, with the time it has had (at least a sixteenth);
    other tokens are skipped. The inverse of `encode` on what `encode` writes."""
    notes, now, waiting = [], 0, None

    def close(dur):
        nonlocal waiting
        if waiting is not None:
            notes.append((waiting[0], waiting[1], max(1, dur), waiting[2]))
            waiting = None

    for tok in tokens:
        m = _NOTE.match(tok)
        if m:
            close(1)
            try:
                waiting = (VOICES.index(m.group(1)), now, pitch_number(m.group(2) + m.group(3)))
            except ValueError:  # a spelling the vocabulary never writes (Db4, E#4): skipped like any unknown token
                waiting = None
            continue
        m = _NUM.match(tok)
        if not m:
            continue  # <start>, <end>, anything else
        n = int(m.group(2))
        if m.group(1) == "d":
            close(n)
        else:
            close(n)
            now += n
    close(1)
    return sort_notes(np.array(notes, dtype=np.int64).reshape(-1, 4))


def transpose(notes: np.ndarray, semitones: int) -> np.ndarray:
    """The notes `semitones` higher (lower when negative)."""
    out = np.array(notes, dtype=np.int64).reshape(-1, 4)
    out[:, 3] += semitones
    return out


# ---------------------------------------------------------------- the corpus: parsed once, shipped as arrays


def parse_chorales(limit: int | None = None, progress=None) -> list[Chorale]:
    """Every four-part chorale of music21's corpus as notes (about 33 s for all 371 files; build time only).

    Ties are merged into one note, grace notes (duration 0) dropped, durations rounded to sixteenths; a chorale
    that does not have exactly four parts, or whose part has chords, is skipped.
    """
    from music21 import chord, corpus  # music21 only where the corpus is parsed

    out = []
    files = sorted(corpus.chorales.Iterator(returnType="filename"), key=_bwv_order)
    for i, fn in enumerate(files[:limit]):
        if progress:
            progress(i, len(files))
        score = corpus.parse(fn).stripTies()
        parts = list(score.parts)
        if len(parts) != 4:
            continue
        rows, bad = [], False
        first = parts[0].getElementsByClass("Measure")
        # an upbeat: music21 counts offsets from the pickup bar's first note, and paddingLeft is the part of that
        # bar that is missing (3 quarters before a one-quarter upbeat in 4/4)
        pickup = round(float(first[0].paddingLeft) * 4) if len(first) else 0
        for v, part in enumerate(parts):
            for n in part.flatten().notes:
                if isinstance(n, chord.Chord):
                    bad = True
                    break
                dur = round(float(n.quarterLength) * 4)
                if dur <= 0:  # a grace note
                    continue
                rows.append((v, round(float(n.getOffsetInHierarchy(score)) * 4), dur, n.pitch.midi))
        if bad or not rows:
            continue
        notes = sort_notes(np.array(rows))
        notes[:, 1] += pickup  # time 0 is the first bar's downbeat: bar lines fall on multiples of the bar's length
        key = score.analyze("key")
        ts = score.recurse().getElementsByClass("TimeSignature")
        out.append(
            Chorale(
                name=fn.split("/")[-1],
                key=f"{key.tonic.name} {key.mode}",
                meter=ts[0].ratioString if ts else "4/4",
                notes=notes,
                title=(score.metadata.title or "") if score.metadata else "",
            )
        )
    return out


def _bwv_order(fn: str):
    """bach/bwv153.1 -> (153, 1): BWV order."""
    nums = [int(x) for x in re.findall(r"\d+", fn.split("/")[-1])]
    return (nums, fn)


@dataclass
class Corpus:
    """The parsed chorales, split by tune: Bach harmonised many hymn tunes more than once (often in another key), so
    chorales whose soprano opens with the same TUNE_INTERVALS intervals form one family, and a family is held out, kept
    for validation or trained on as a whole. Families in BWV order of their first chorale: every 10th is held out, every
    20th (offset 4) is the validation set that picks the best weights, the rest are trained on."""

    chorales: list[Chorale]
    meta: dict = field(default_factory=dict)

    def _split(self, which: int) -> list[Chorale]:
        fam = families(self.chorales)
        return [c for c, f in zip(self.chorales, fam) if split_of(f) == which]

    @property
    def train(self) -> list[Chorale]:
        return self._split(TRAIN)

    @property
    def validation(self) -> list[Chorale]:
        return self._split(VALIDATION)

    @property
    def held_out(self) -> list[Chorale]:
        return self._split(HELD_OUT)

    def get(self, name: str) -> Chorale:
        """The chorale called `name` (KeyError lists none: there are hundreds)."""
        for c in self.chorales:
            if c.name == name:
                return c
        raise KeyError(name)


TUNE_INTERVALS = 12  # soprano intervals that name a tune (transposition-invariant)
TRAIN, VALIDATION, HELD_OUT = 0, 1, 2


def tune(c: Chorale) -> tuple:
    """The first TUNE_INTERVALS intervals (semitones) of the soprano: the same tune in any key gives the same tuple."""
    sop = c.notes[c.notes[:, 0] == 0, 3]
    return tuple(np.diff(sop[: TUNE_INTERVALS + 1]).tolist())


def families(chorales: list[Chorale]) -> list[int]:
    """Each chorale's tune family: 0, 1, 2 ... in order of each family's first chorale."""
    ids: dict[tuple, int] = {}
    return [ids.setdefault(tune(c), len(ids)) for c in chorales]


def split_of(family: int) -> int:
    """HELD_OUT for every 10th family, VALIDATION for every 20th (offset 4), else TRAIN."""
    return HELD_OUT if family % 10 == 9 else VALIDATION if family % 20 == 4 else TRAIN


def dedupe(chorales: list[Chorale]) -> tuple[list[Chorale], list[str]]:
    """The chorales without exact copies (music21's iterator yields some twice under other names): (kept, the names
    of the copies dropped)."""
    seen, kept, dropped = set(), [], []
    for c in chorales:
        key = c.notes.tobytes()
        (dropped.append(c.name) if key in seen else kept.append(c)), seen.add(key)
    return kept, dropped


def save_corpus(chorales: list[Chorale], out_dir=None) -> Path:
    """The chorales as four small-integer arrays with offsets (.safetensors, 5 bytes a note) and their names, keys
    and metres (.json)."""
    from safetensors.numpy import save_file

    chorales, copies = dedupe(chorales)
    out = Path(out_dir or checkpoint.PRETRAINED_DIR)
    out.mkdir(parents=True, exist_ok=True)
    notes = np.concatenate([c.notes for c in chorales])
    starts = np.cumsum([0] + [len(c.notes) for c in chorales]).astype(np.int32)
    arrays = {"voice": notes[:, 0].astype(np.uint8), "onset": notes[:, 1].astype(np.uint16)}
    arrays |= {"duration": notes[:, 2].clip(0, 255).astype(np.uint8), "pitch": notes[:, 3].astype(np.uint8)}
    save_file({**arrays, "starts": starts}, str(out / f"{NAME}.safetensors"))
    meta = {
        "kind": "music_corpus",
        "name": NAME,
        "title": "Bach's four-part chorales from music21's corpus, as notes (voice, onset, duration, pitch)",
        "command": f"python -m seqviz.training.build {NAME}",
        "licence": LICENCE,
        "units": "onset and duration in sixteenth notes from the first bar's downbeat (an upbeat starts after 0), "
        "pitch as MIDI numbers",
        "held_out": "whole tune families (chorales whose soprano opens with the same 12 intervals): every 10th",
        "duplicates_dropped": copies,
        "chorales": [{"name": c.name, "key": c.key, "meter": c.meter, "title": c.title} for c in chorales],
        "metrics": {
            "n_chorales": len(chorales),
            "n_notes": int(len(notes)),
            "n_families": len(set(families(chorales))),
            **{f"n_{k}": len(getattr(Corpus(chorales), k)) for k in ("train", "validation", "held_out")},
        },
    }
    (out / f"{NAME}.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False))
    return out / f"{NAME}.json"


def load_corpus(folder=None) -> Corpus:
    """The shipped corpus (FileNotFoundError when pretrained/ lacks it: `python -m seqviz.training.build
    bach-chorales` writes it)."""
    d = Path(folder or checkpoint.PRETRAINED_DIR)  # read when called: tests point it elsewhere
    meta = json.loads((d / f"{NAME}.json").read_text())
    from safetensors.numpy import load_file

    z = load_file(str(d / f"{NAME}.safetensors"))
    notes = np.stack([z[k].astype(np.int64) for k in ("voice", "onset", "duration", "pitch")], axis=1)
    starts = z["starts"]
    chorales = [
        Chorale(c["name"], c["key"], c["meter"], notes[starts[i] : starts[i + 1]], c.get("title", ""))
        for i, c in enumerate(meta["chorales"])
    ]
    return Corpus(chorales, meta)


def build(out_dir=None) -> dict:
    """Parse the corpus and write pretrained/bach-chorales.{safetensors,json}; returns the JSON."""
    path = save_corpus(parse_chorales(), out_dir)
    return json.loads(path.read_text())


CHORDS = (  # pitch-class sets above a root: major, minor, diminished, augmented triads; the usual seventh chords
    {0, 4, 7}, {0, 3, 7}, {0, 3, 6}, {0, 4, 8},
    {0, 4, 7, 10}, {0, 3, 7, 10}, {0, 4, 7, 11}, {0, 3, 6, 9}, {0, 3, 6, 10},
)  # fmt: skip


def chord_share(notes: np.ndarray, start: int = 0) -> tuple[int, int]:
    """(chords that are a triad or a seventh chord, chords): at each onset from `start` on where at least three voices
    sound, whether the pitch classes sounding fit one of CHORDS on one of them as the root (an incomplete triad, such
    as a bare third, fits too). A rough measure of harmony: Bach's passing notes make chords that do not fit."""
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 4)
    good = total = 0
    for onset in np.unique(notes[notes[:, 1] >= start, 1]):
        sounding = notes[(notes[:, 1] <= onset) & (notes[:, 1] + notes[:, 2] > onset)]
        if len(set(sounding[:, 0].tolist())) < 3:
            continue
        pcs = {int(p) % 12 for p in sounding[:, 3]}
        total += 1
        good += any({(p - r) % 12 for p in pcs} <= c for r in pcs for c in CHORDS)
    return good, total
