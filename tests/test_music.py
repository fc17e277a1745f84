"""Music: notes <-> tokens, the LSTM's sampling (temperature 0 is argmax) and surprise against a step-by-step
reference, synthesis (length, pitch by FFT), MIDI / WAV files and bad ones, the kind's data checks, and the shipped
checkpoints' held-out perplexity recomputed from their weights."""

import io
import json
import math
import wave

import numpy as np
import pytest
import torch

from seqviz.core.checkpoint import PRETRAINED_DIR, load_pretrained
from seqviz.core.registry import LIMITS, DataError
from seqviz.music.data import (
    END,
    MAX_DUR,
    START,
    decode,
    encode,
    load_corpus,
    pitch_name,
    pitch_number,
    sort_notes,
    transpose,
)
from seqviz.music.kind import ranges
from seqviz.music.models import MusicConfig, MusicLM, fit_notes, generate, perplexity, surprise, vocabulary
from seqviz.music.synth import SR, MusicFileError, frequency, midi_bytes, read_music, synthesize, wav_bytes
from seqviz.training import runner

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def corpus():
    return load_corpus()


def tiny(voices=(0, 1, 2, 3), seed=0) -> MusicLM:
    """A random-weight model over the ranges of a few chorales."""
    torch.manual_seed(seed)
    cs = load_corpus().chorales[:5]
    m = MusicLM(MusicConfig(vocabulary(ranges(cs, voices, 2)), voices, n_e=8, n_a=16, layers=2))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    return m.eval()


def test_pitch_names_round_trip():
    assert pitch_name(60) == "C4" and pitch_name(69) == "A4" and pitch_name(70) == "Bb4" and pitch_name(21) == "A0"
    assert all(pitch_number(pitch_name(p)) == p for p in range(128))
    with pytest.raises(ValueError):
        pitch_number("H4")


def test_tokens_round_trip_on_the_corpus(corpus):
    assert len(corpus.chorales) == 330  # four-part chorales, exact copies dropped
    assert (len(corpus.train), len(corpus.validation), len(corpus.held_out)) == (287, 14, 29)
    for c in corpus.chorales[::7]:
        notes = c.notes.copy()
        notes[:, 2] = notes[:, 2].clip(1, MAX_DUR)
        toks = encode(c.notes)
        assert toks[0] == START and toks[-1] == END
        assert np.array_equal(decode(toks), sort_notes(notes))
        melody = encode(c.notes, voices=(0,))
        assert all(t.startswith(("S:", "d", "+")) for t in melody[1:-1])


def test_encoding_by_hand():
    notes = np.array([[0, 0, 4, 67], [3, 0, 4, 43], [0, 4, 40, 69], [3, 60, 2, 45]])  # a 40 long note; a gap of 56
    assert encode(notes) == [START, "S:G4", "d4", "B:G2", "d4", "+4", "S:A4", "d32", "+16", "+16", "+16", "+8"] + [
        "B:A2",
        "d2",
        END,
    ]
    # a sampled stream need not follow the grammar: decoding never fails
    assert decode(["S:G4", "S:A4", "d2", "d4", "+3", "xyz", "A:C4", "+1", "B:E2"]).tolist() == [
        [0, 0, 1, 67],
        [0, 0, 2, 69],
        [1, 3, 1, 60],
        [3, 4, 1, 40],
    ]


def test_vocabulary_covers_every_pitch_in_range_and_transpositions(corpus):
    r = ranges(corpus.train, (0, 1, 2, 3), 3)
    m = MusicLM(MusicConfig(vocabulary(r)))
    lo, hi = r[0]
    assert m.ranges() == r and f"S:{pitch_name(lo)}" in m.tokens and f"S:{pitch_name(lo - 1)}" not in m.tokens
    for c in corpus.train[:40]:
        for k in (-3, 3):
            m.ids(encode(transpose(c.notes, k)))  # no unknown token
    with pytest.raises(ValueError, match="not in the model"):
        m.ids(["S:C8"])


def test_temperature_zero_is_the_argmax_of_a_fresh_forward_pass(corpus):
    m = tiny()
    seed = corpus.held_out[0].notes
    seed = seed[seed[:, 1] < 16]
    g = generate(m, seed, sixteenths=24, temperature=0)
    assert g.tokens[: g.n_seed - 1] == encode(seed)[:-1][: g.n_seed - 1]
    for t in range(g.n_seed, len(g.tokens)):  # each sampled token: the argmax given everything before it
        logits, _ = m(torch.from_numpy(m.ids(g.tokens[:t]))[None])
        assert m.tokens[int(logits[0, -1, 1:].argmax()) + 1] == g.tokens[t]
        assert g.probs[t - 1].max() == 1.0
    assert np.allclose(g.raw.sum(1), 1, atol=1e-5) and np.allclose(g.probs.sum(1), 1, atol=1e-5)
    assert g.seed_end == int((seed[:, 1] + seed[:, 2]).max())


def test_sampling_settings():
    m = tiny()
    g = generate(m, None, sixteenths=32, temperature=1.0, top_k=3, seed=1)
    assert g.tokens[0] == START and g.n_seed == 1
    assert ((g.probs > 0).sum(1) <= 3).all()
    assert g.tokens[-1] == END or g.end >= 32 > g.times[-1]
    again = generate(m, None, sixteenths=32, temperature=1.0, top_k=3, seed=1)
    assert again.tokens == g.tokens  # the seed repeats a sample
    assert generate(m, None, sixteenths=32, temperature=0.0).tokens == generate(m, None, 32, 1.0, top_k=1).tokens


def test_surprise_against_a_step_by_step_reference(corpus):
    m = tiny()
    notes = corpus.held_out[1].notes[:40]
    s = surprise(m, notes)
    toks = encode(notes)
    state, ref = None, []
    for a, b in zip(toks[:-1], toks[1:]):  # one token at a time, the state carried by hand
        logits, state = m(torch.tensor([[m.index[a]]]), state)
        ref.append(-torch.log_softmax(logits[0, -1], -1)[m.index[b]].item() / math.log(2))
    assert np.allclose(s.bits, ref, atol=1e-4)
    assert len(s.note_bits) == len(s.notes) == len(notes)
    pitch_and_dur = [ref[i] + ref[i + 1] for i, t in enumerate(toks[1:-1]) if ":" in t]
    assert np.allclose(s.note_bits, pitch_and_dur, atol=1e-4)
    from seqviz.music.data import Chorale

    ppl = perplexity(m, [Chorale("x", "", "", notes)])
    assert ppl["perplexity"] == pytest.approx(s.perplexity, rel=1e-4) and ppl["n_tokens"] == len(toks) - 1


def test_fit_notes_moves_a_seed_into_the_models_range():
    m = tiny(voices=(0,))
    lo, hi = m.ranges()[0]
    notes = np.array([[0, 0, 4, hi + 24], [0, 4, 4, hi + 22], [1, 0, 4, 60]])  # two octaves high; an alto note
    fitted, info = fit_notes(m, notes)
    assert info["dropped_voices"] == [1] and info["octaves"] == -2 and info["moved"] == 0
    assert fitted[:, 3].tolist() == [hi, hi - 2]
    far = np.array([[0, 0, 4, lo - 30], [0, 4, 4, lo + 5]])
    fitted, info = fit_notes(m, far)
    assert info["moved"] >= 1 and (fitted[:, 3] >= lo).all() and (fitted[:, 3] <= hi).all()


def test_synthesis_length_and_pitch():
    notes = np.array([[0, 0, 16, 69]])  # A4 for a whole note at 80 bpm: 3 s
    audio = synthesize(notes, bpm=80)
    assert audio.dtype == np.float32 and len(audio) == int((3.0 + 0.3) * SR)
    assert np.abs(audio).max() == pytest.approx(0.9)  # scaled so that the loudest moment is 0.9, never clipping
    spec = np.abs(np.fft.rfft(audio[: 2 * SR]))
    assert np.fft.rfftfreq(2 * SR, 1 / SR)[spec.argmax()] == pytest.approx(440.0, abs=1.0)
    two = synthesize(np.array([[0, 0, 8, 72], [3, 8, 8, 48]]), bpm=120)  # a sixteenth is 1/8 s: 1 s each
    first, second = two[: SR - 500], two[SR + 500 : 2 * SR - 500]
    f = np.fft.rfftfreq(len(first), 1 / SR)
    assert f[np.abs(np.fft.rfft(first)).argmax()] == pytest.approx(frequency(72), rel=0.01)  # C5 then C3
    f2 = np.fft.rfftfreq(len(second), 1 / SR)
    assert f2[np.abs(np.fft.rfft(second)).argmax()] == pytest.approx(frequency(48), rel=0.02)
    assert len(synthesize(np.zeros((0, 4), int))) >= 1


def test_wav_and_midi_files(corpus):
    notes = corpus.held_out[0].notes
    audio = synthesize(notes)
    with wave.open(io.BytesIO(wav_bytes(audio))) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate(), w.getnframes()) == (1, 2, SR, len(audio))
    back, info = read_music(midi_bytes(notes), "x.mid")
    assert np.array_equal(back, sort_notes(notes)) and info["format"] == "MIDI" and info["cut"] == 0
    cut, info = read_music(midi_bytes(notes), "x.mid", max_notes=50)
    assert len(cut) == 50 and info["cut"] == len(notes) - 50


def _midi(notes_by_track, drums=False) -> bytes:
    import pretty_midi

    pm = pretty_midi.PrettyMIDI(initial_tempo=120)
    for track in notes_by_track:
        inst = pretty_midi.Instrument(0, is_drum=drums)
        inst.notes = [pretty_midi.Note(90, p, s, e) for p, s, e in track]
        pm.instruments.append(inst)
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def test_bad_music_files():
    for data, code in (
        (b"", "empty"),
        (b"MThd\x00\x00\x00\x06garbage", "unreadable"),
        (bytes(range(256)) * 4, "unreadable"),
        (b"<html><body>not music</body></html>", "unreadable"),
        (_midi([[(36, 0, 0.5), (38, 0.5, 1)]], drums=True), "drums_only"),
        (_midi([[]]), "no_notes"),
    ):
        with pytest.raises(MusicFileError) as err:
            read_music(data, "x")
        assert err.value.code == code, data[:20]
    one, _ = read_music(_midi([[(60, 0, 0.5)]]), "one.mid")  # a single note is music (too little to train on)
    assert one.tolist() == [[0, 0, 4, 60]]
    # a piano piece: the notes that start together, highest first, are S, A, T, B (a fifth is dropped)
    chord = _midi([[(p, 0, 0.5) for p in (48, 55, 60, 64, 67)] + [(72, 0.5, 1.0)]])
    assert read_music(chord, "c.mid")[0].tolist() == [[0, 0, 4, 67], [1, 0, 4, 64], [2, 0, 4, 60], [3, 0, 4, 55]] + [
        [0, 4, 4, 72]
    ]


def test_musicxml_upload(tmp_path, corpus):
    from music21 import converter

    midi = tmp_path / "c.mid"
    midi.write_bytes(midi_bytes(corpus.held_out[2].notes[:60]))
    xml = tmp_path / "c.musicxml"
    converter.parse(str(midi)).write("musicxml", fp=str(xml))
    notes, info = read_music(xml.read_bytes(), "c.musicxml")
    assert info["format"] == "MusicXML" and len(notes) >= 55
    assert set(notes[:, 0]) == {0, 1, 2, 3}


def test_kind_reads_uploads_and_says_what_is_wrong(corpus):
    for data, code in (
        (b"not music at all", "music_unreadable"),
        (_midi([[(36, 0, 0.5)]], drums=True), "music_drums_only"),
        (_midi([[(60, 0, 0.5)]]), "too_small"),
    ):
        with pytest.raises(DataError) as err:
            runner.read_data("music", "upload", data, {}, LIMITS)
        assert err.value.code == code
    with pytest.raises(DataError) as err:
        runner.read_data("music", "upload", b"MThd" + b"\0" * (LIMITS.upload_bytes + 1), {}, LIMITS)
    assert err.value.code == "too_big"
    d = runner.read_data("music", "upload", midi_bytes(corpus.held_out[3].notes), {}, LIMITS)
    assert len(d.items) == 1 and len(d.items[0].notes) == len(corpus.held_out[3].notes)


def test_a_run_on_an_uploaded_midi_file(corpus, tmp_path):
    d = runner.read_data("music", "upload", midi_bytes(corpus.held_out[4].notes), {}, LIMITS)
    p = dict(n_a=16, n_e=8, layers=1, epochs=2, window=32, transpose=1, evals=2)
    res = runner.run("music", d, p, device="cpu", name="mine")
    held = res.meta["metrics"]["held_out"]
    assert 1 < held["perplexity"] < len(res.model.tokens) and held["n_tokens"] > 0
    assert res.meta["command"].startswith("python -m seqviz.training.studio music --file YOUR_FILE.mid ")
    path = runner.save(res, "mine", tmp_path)
    assert json.loads(path.read_text())["kind"] == "music_lm"


@pytest.mark.parametrize("name,voices", [("bach-satb", 4), ("bach-melody", 1)])
def test_shipped_models_held_out_perplexity_recomputed(name, voices, corpus):
    doc = json.loads((PRETRAINED_DIR / f"{name}.json").read_text())
    m = load_pretrained(name)
    assert len(m.config.voices) == voices
    held = [corpus.get(n) for n in doc["data"]["held_out_pieces"]]
    assert [c.name for c in held] == [c.name for c in corpus.held_out]  # 29 chorales, tunes never trained on
    got = perplexity(m, held)
    assert got["perplexity"] == pytest.approx(doc["metrics"]["held_out"]["perplexity"], rel=1e-4)
    assert got["n_tokens"] == doc["metrics"]["held_out"]["n_tokens"]
    assert got["perplexity"] < 6  # far below a uniform guess over the vocabulary
    assert got["perplexity"] < len(m.tokens) / 20


def test_soundfont_rendering_when_fluidsynth_is_there_else_numpy(monkeypatch):
    from seqviz.music import synth

    note = np.array([[0, 0, 16, 69]])
    monkeypatch.setattr(synth, "soundfont_available", lambda: False)
    audio, engine = synth.render(note, engine="soundfont")
    assert engine == "numpy" and np.array_equal(audio, synthesize(note))
    monkeypatch.undo()
    if not synth.soundfont_available():
        pytest.skip("pyfluidsynth / libfluidsynth not installed (optional): the numpy tone is used")
    audio, engine = synth.render(note, engine="soundfont")
    assert engine == "soundfont" and len(audio) >= 3 * SR
    spec = np.abs(np.fft.rfft(audio[: 2 * SR]))
    peak = np.fft.rfftfreq(2 * SR, 1 / SR)[spec.argmax()]
    assert (
        abs(peak / (440 * round(peak / 440)) - 1) < 0.015
    )  # A4 or one of its harmonics (the sample is 10 cents sharp)


def test_held_out_tunes_are_never_trained_on(corpus):
    """No held-out or validation chorale is a copy of a training one, nor does its soprano open with a training
    chorale's tune in any key (Bach set many hymn tunes more than once)."""
    from seqviz.music.data import tune

    train_tunes = {tune(c) for c in corpus.train}
    train_notes = {c.notes.tobytes() for c in corpus.train}
    for c in corpus.held_out + corpus.validation:
        assert tune(c) not in train_tunes and c.notes.tobytes() not in train_notes, c.name
    assert len({c.notes.tobytes() for c in corpus.chorales}) == len(corpus.chorales)
    assert corpus.meta["duplicates_dropped"]  # music21's iterator does yield copies


def test_upbeats_start_after_the_first_downbeat(corpus):
    c = corpus.get("bwv255")  # starts with a one-beat upbeat in 4/4
    assert c.meter == "4/4" and c.notes[:, 1].min() == 12
    assert encode(c.notes)[:3] == [START, "+12", "S:C5"]
    assert np.array_equal(decode(encode(c.notes))[:, 1], sort_notes(c.notes)[:, 1])


def test_fit_notes_with_a_range_narrower_than_an_octave():
    m = MusicLM(MusicConfig(vocabulary({0: (57, 67)}), (0,)))  # A3..G4: G#/Ab has no octave in range
    notes = np.array([[0, 0, 4, 68], [0, 4, 4, 80], [0, 8, 4, 44], [0, 12, 4, 60]])
    fitted, info = fit_notes(m, notes)  # returns (it used to loop for ever)
    assert ((fitted[:, 3] >= 57) & (fitted[:, 3] <= 67)).all() and info["moved"] >= 1
    assert fitted[3, 3] == 60 or info["octaves"] != 0


def test_generate_never_writes_pad_or_start():
    m = tiny()
    with torch.no_grad():  # make <pad> and <start> the model's favourites everywhere
        m.head.bias[0] += 50
        m.head.bias[1] += 40
    for kw in (dict(temperature=0), dict(temperature=1.0, top_k=1), dict(temperature=1.5, seed=3)):
        g = generate(m, None, sixteenths=16, max_tokens=60, **kw)
        assert "<pad>" not in g.tokens[1:] and "<start>" not in g.tokens[1:], kw


def test_decode_skips_spellings_it_does_not_write():
    assert decode(["S:Db4", "d4", "+4", "S:E#4", "d2", "+2", "S:C4", "d4"]).tolist() == [[0, 6, 4, 60]]


def test_a_long_note_is_synthesised_only_as_far_as_the_audio_goes():
    audio = synthesize(np.array([[0, 0, 4, 60], [0, 0, 10**7, 64]]), max_seconds=2.0)
    assert len(audio) == 2 * SR


def _xml(parts) -> bytes:
    """A MusicXML file via music21: parts of ("pitch name" | "drum" | "rest", quarter length)."""
    from music21 import clef, converter, note, stream

    score = stream.Score()
    for events in parts:
        part = stream.Part()
        for what, ql in events:
            if what == "drum":
                part.insert(0, clef.PercussionClef()) if not part.getElementsByClass("Clef") else None
                n = note.Unpitched(displayName="C4", quarterLength=ql)
            elif what == "rest":
                n = note.Rest(quarterLength=ql)
            else:
                n = note.Note(what, quarterLength=ql)
            part.append(n)
        score.insert(0, part)
    from music21.musicxml.m21ToXml import GeneralObjectExporter

    assert converter  # (imported for parse in read_music)
    return GeneralObjectExporter(score).parse()


def test_musicxml_drums_late_parts_and_size_guards():
    with pytest.raises(MusicFileError) as err:
        read_music(_xml([[("drum", 1.0)] * 8]), "drums.musicxml")
    assert err.value.code == "drums_only"
    notes, info = read_music(_xml([[("C5", 1.0)] * 4, [("drum", 1.0)] * 4]), "band.musicxml")
    assert notes[:, 3].tolist() == [72] * 4  # the pitched part read, the drums left out
    late, _ = read_music(_xml([[("rest", 16.0)] + [("E5", 1.0)] * 4, [("C3", 1.0)] * 20]), "late.musicxml")
    assert set(late[late[:, 0] == 0, 1]) == {64, 68, 72, 76} and set(late[:, 0]) == {0, 3}  # S enters in bar 5
    with pytest.raises(MusicFileError) as err:
        read_music(_xml([[("C4", 0.25)] * 200]), "many.musicxml", max_notes=50)
    assert err.value.code == "too_many_notes"
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("META-INF/container.xml", "<container/>")
        z.writestr("score.xml", _xml([[("G4", 1.0)] * 4]))
    mxl, info = read_music(buf.getvalue(), "c.mxl")
    assert mxl[:, 3].tolist() == [67] * 4 and info["format"] == "MusicXML"


def test_voices_from_many_tracks_and_from_one_piano_track():
    tracks = [[(p, 0, 1)] for p in (72, 65, 60, 55, 40)]  # five parts: the lowest stays the bass
    notes, info = read_music(_midi(tracks), "five.mid")
    assert notes[:, [0, 3]].tolist() == [[0, 72], [1, 65], [2, 60], [3, 40]] and info["dropped_tracks"] == 1
    # one track: a held soprano keeps its voice while the notes under it change
    piano = _midi([[(72, 0, 2), (60, 0, 0.5), (64, 0.5, 1.0), (48, 0, 2)]])
    notes, info = read_music(piano, "piano.mid")
    assert notes[:, [0, 1, 3]].tolist() == [[0, 0, 72], [1, 0, 60], [2, 0, 48], [1, 4, 64]]


def test_chord_share_by_hand():
    from seqviz.music.data import chord_share

    c_major = [[0, 0, 4, 72], [1, 0, 4, 67], [2, 0, 4, 64], [3, 0, 4, 48]]  # C G E C
    g7 = [[0, 4, 4, 71], [1, 4, 4, 65], [2, 4, 4, 62], [3, 4, 4, 43]]  # B F D G: a dominant seventh
    cluster = [[0, 8, 4, 62], [1, 8, 4, 61], [2, 8, 4, 60], [3, 8, 4, 48]]  # C C# D: no triad
    two_voices = [[0, 12, 4, 62], [3, 12, 4, 61]]  # not a chord of 3+ voices
    assert chord_share(np.array(c_major + g7 + cluster + two_voices)) == (2, 3)
    assert chord_share(np.array(c_major + g7 + cluster), start=4) == (1, 2)
