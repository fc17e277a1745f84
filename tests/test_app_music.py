"""The "Music generation" page (AppTest): the piano rolls hold the seed's real notes and exactly the notes the library
generates from it, Bach's continuation beside them; temperature 0 is the argmax continuation; the step-by-step figure
and the diagram show the generation's own ŷ<t>; the surprise figure holds surprise()'s bits; the melody model writes
one voice; bad files and a missing checkpoint get a message, not a traceback."""

import io

import numpy as np
import pytest

import seqviz
from seqviz.music.data import load_corpus
from seqviz.music.models import fit_notes, generate, surprise
from seqviz.ui.music import DEFAULT_CHORALE, MAX_NOTES, MAX_STEPS, TEMPERATURE, _plain
from seqviz.viz.music import token_text
from tests.conftest import chart, my_model, page_downloads, pretrained_without
from tests.test_app import run_page

PAGE = "music.py"
BAR = 16  # the default chorale is in 4/4
pytestmark = pytest.mark.usefixtures("one_thread")


def roll_notes(fig: dict) -> np.ndarray:
    """The notes a piano roll draws: (voice, onset, duration, pitch), sorted as the library sorts them."""
    rows = [
        np.stack([np.full(len(tr["y"]), "SATB".index(tr["legendgroup"])), tr["base"], tr["x"], tr["y"]], axis=1)
        for tr in fig["data"]
        if tr.get("type") == "bar" and tr.get("legendgroup")
    ]
    notes = np.concatenate(rows).astype(np.int64) if rows else np.zeros((0, 4), np.int64)
    return notes[np.lexsort((notes[:, 3], notes[:, 0], notes[:, 1]))]


def sort(notes) -> np.ndarray:
    notes = np.asarray(notes, dtype=np.int64).reshape(-1, 4)
    return notes[np.lexsort((notes[:, 3], notes[:, 0], notes[:, 1]))]


def cut(notes, end: int) -> np.ndarray:
    """The notes that start before `end`, cut to end there (the page's seed: a chorale's first bars)."""
    notes = np.array(notes, dtype=np.int64)
    notes = notes[notes[:, 1] < end]
    notes[:, 2] = np.minimum(notes[:, 2], end - notes[:, 1])
    return notes


def chorale(model, name: str = DEFAULT_CHORALE) -> np.ndarray:
    notes, _ = fit_notes(model, load_corpus().get(name).notes)
    return notes


def midi(notes, drums: bool = False, program: int = 0) -> bytes:
    """A MIDI file of (pitch, start s, end s) notes in one instrument (pretty_midi, 120 bpm: a sixteenth is 0.125 s)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI()
    inst = pretty_midi.Instrument(program, is_drum=drums)
    inst.notes = [pretty_midi.Note(90, p, s, e) for p, s, e in notes]
    pm.instruments.append(inst)
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def step_caption(at) -> str:
    """The caption under the diagram: what happened at the step chosen."""
    found = [c.value for c in at.caption if c.value.startswith("At t = ")]
    assert len(found) == 1, [c.value for c in at.caption]
    return found[0]


def test_the_first_screen_continues_a_held_out_chorale_in_four_voices():
    at = run_page(PAGE)
    assert not at.exception and not at.error
    model = seqviz.load_pretrained("bach-satb")
    assert DEFAULT_CHORALE in model.meta["data"]["held_out_pieces"]
    piece = chorale(model)
    seed = cut(piece, 2 * BAR)
    g = generate(model, seed, 4 * BAR, TEMPERATURE, None, 0)
    roll = roll_notes(chart(at, "mus_roll"))
    assert np.array_equal(roll, sort(g.notes))  # exactly the library's generation
    assert np.array_equal(roll[roll[:, 1] < 2 * BAR], sort(seed))  # the seed: the chorale's real first two bars
    new = roll[roll[:, 1] >= 2 * BAR]
    assert len(new) > 20 and set(new[:, 0]) == {0, 1, 2, 3}  # four voices written by the model
    end = 6 * BAR
    assert np.array_equal(roll_notes(chart(at, "mus_real")), sort(cut(piece, end)))  # Bach's, from the same seed
    shaded = [s for s in chart(at, "mus_roll")["layout"]["shapes"] if s["type"] == "rect"]
    assert shaded and shaded[0]["x1"] == 2 * BAR
    assert len(at.get("audio")) == 2 and len(page_downloads(at)) == 2

    steps = chart(at, "mus_steps")  # Play walks the sampled steps, each frame ŷ<t>'s top 10
    first = g.n_seed - 1  # the row of probs the first sampled token was drawn from
    assert len(steps["frames"]) == min(MAX_STEPS, len(g.probs) - first) and steps["frames"][0]["name"] == str(first)
    raw, adjusted = steps["frames"][0]["data"]
    top = [i for i in np.argsort(-g.raw[first], kind="stable") if g.vocab[i] not in ("<pad>", "<start>")][:10]
    assert np.allclose(raw["x"], g.raw[first, top], atol=1e-4)
    assert np.allclose(adjusted["x"], g.probs[first, top], atol=1e-4)
    drawn = list(g.vocab).index(g.tokens[first + 1])
    assert [c == "#d62728" for c in adjusted["marker"]["color"]] == [i == drawn for i in top]  # the token drawn

    assert at.slider(key="mus_t").value == g.n_seed  # the diagram opens on the first sampled step
    p, q = g.raw[first, drawn], g.probs[first, drawn]  # the model's own ŷ<t>; the reshaped q it was drawn from
    assert abs(p - q) > 0.005  # at temperature 0.5 they differ: the page must not show one as the other
    boxes = [a["text"] for a in chart(at, "mus_diagram")["layout"]["annotations"] if a.get("text")]
    assert any(b.endswith(f"P = {p:.2f} · q = {q:.2f}") for b in boxes), boxes
    caption = step_caption(at)
    assert f"(ŷ<t> = {p:.2f}, drawn from q = {q:.2f}), fed back as x<t+1>" in caption
    likeliest = [i for i in np.argsort(-g.raw[first], kind="stable") if g.vocab[i] not in ("<pad>", "<start>")][:3]
    named = ", ".join(f"{_plain(token_text(g.vocab[i]))} {g.raw[first, i]:.2f}" for i in likeliest)
    assert f"ŷ<t> puts {named}. Drawn: **{_plain(token_text(g.tokens[first + 1]))}**" in caption  # ŷ's own top 3


def test_the_last_step_says_generation_stopped():
    at = run_page(PAGE)
    model = seqviz.load_pretrained("bach-satb")
    g = generate(model, cut(chorale(model), 2 * BAR), 4 * BAR, TEMPERATURE, None, 0)
    T = len(g.tokens) - 1  # the last token's step: generation stops after it
    at.slider(key="mus_t").set_value(T).run()
    assert not at.exception and not at.error
    caption = step_caption(at)
    assert "nothing is fed back" in caption and "fed back as x<t+1>" not in caption
    i = list(g.vocab).index(g.tokens[T])
    assert f"ŷ<t> = {g.raw[T - 1, i]:.2f}, drawn from q = {g.probs[T - 1, i]:.2f}" in caption
    at.slider(key="mus_t").set_value(T - 1).run()  # a step before it: its token is fed back
    assert "fed back as x<t+1>" in step_caption(at)


def test_temperature_zero_is_the_argmax_continuation():
    at = run_page(PAGE, mus_temp=0.0)
    assert not at.exception and not at.error
    model = seqviz.load_pretrained("bach-satb")
    g = generate(model, cut(chorale(model), 2 * BAR), 4 * BAR, 0.0, None, 0)
    assert np.array_equal(roll_notes(chart(at, "mus_roll")), sort(g.notes))
    assert all(g.probs[t].max() == 1.0 for t in range(g.n_seed - 1, len(g.probs)))  # each step took its argmax
    assert any("argmax" in i.value for i in at.info)
    at.button(key="mus_new").click().run()  # another sampling seed: at temperature 0 the same music
    assert np.array_equal(roll_notes(chart(at, "mus_roll")), sort(g.notes))


def test_from_nothing_the_model_starts_at_x1_equal_start():
    at = run_page(PAGE, mus_src="none", mus_temp=0.8, mus_len=2)
    assert not at.exception and not at.error
    g = generate(seqviz.load_pretrained("bach-satb"), None, 2 * BAR, 0.8, None, 0)
    assert g.tokens[0] == "<start>" and g.n_seed == 1
    assert np.array_equal(roll_notes(chart(at, "mus_roll")), sort(g.notes))
    assert not [s for s in chart(at, "mus_roll")["layout"]["shapes"] if s["type"] == "rect"]  # no seed to shade
    assert at.slider(key="mus_t").value == 1


def test_the_surprise_figure_is_the_library_s_surprise():
    model = seqviz.load_pretrained("bach-satb")
    held = {c.name for c in load_corpus().held_out}
    other = next(n for n in model.meta["data"]["held_out_pieces"] if n in held and n != DEFAULT_CHORALE)
    at = run_page(PAGE, mus_surprise=other)
    assert not at.exception and not at.error
    s = surprise(model, chorale(model, other))
    fig = chart(at, "mus_surprise_fig")
    assert np.allclose(fig["data"][0]["marker"]["color"], s.note_bits, atol=1e-3)  # each note's bits
    assert np.array_equal(fig["data"][0]["base"], s.notes[:, 1]) and np.array_equal(fig["data"][0]["y"], s.notes[:, 3])
    for tr, v in zip(fig["data"][1:], range(4)):  # bits per note over time, a trace per voice
        assert np.allclose(tr["y"], s.note_bits[s.notes[:, 0] == v], atol=1e-3)
    text = " ".join(m.value for m in at.markdown)
    assert f"**{s.perplexity:.2f}**" in text
    worst = int(np.argmax(s.note_bits))
    assert f"{s.note_bits[worst]:.1f} bits" in text
    held = at.dataframe[0].value  # both shipped models' held-out perplexity, from their JSON
    for row, name in zip(held.itertuples(index=False), ("bach-satb", "bach-melody")):
        assert row[4] == f"{seqviz.load_pretrained(name).meta['metrics']['held_out']['perplexity']:.2f}"


def test_the_melody_model_writes_one_voice():
    at = run_page(PAGE, mus_model="bach-melody")
    assert not at.exception and not at.error
    model = seqviz.load_pretrained("bach-melody")
    piece = chorale(model)
    assert set(piece[:, 0]) == {0}  # fit_notes keeps the voices the model writes
    g = generate(model, cut(piece, 2 * BAR), 4 * BAR, TEMPERATURE, None, 0)
    fig = chart(at, "mus_roll")
    assert [tr["legendgroup"] for tr in fig["data"]] == ["S"]
    assert np.array_equal(roll_notes(fig), sort(g.notes))
    assert [tr["legendgroup"] for tr in chart(at, "mus_real")["data"]] == ["S"]
    assert len(chart(at, "mus_surprise_fig")["data"]) == 2  # the coloured roll and the soprano's bits


def test_a_students_own_music_model_is_offered_and_used():
    import torch

    from seqviz.music.kind import ranges
    from seqviz.music.models import MusicConfig, MusicLM, vocabulary

    torch.manual_seed(0)
    m = MusicLM(MusicConfig(vocabulary(ranges(load_corpus().train, (0, 1, 2, 3), 3)), (0, 1, 2, 3), 8, 16, 1)).eval()
    mid, mine = my_model(m, "my-chorales")
    at = run_page(PAGE, my_models={mid: mine}, mus_model=mid)
    assert not at.exception and not at.error
    radio = at.sidebar.radio(key="mus_model")
    assert radio.value == mid and radio.options[-1].startswith("⭐ my\\-chorales")
    g = generate(mine.model, cut(chorale(mine.model), 2 * BAR), 4 * BAR, TEMPERATURE, None, 0)
    assert np.array_equal(roll_notes(chart(at, "mus_roll")), sort(g.notes))
    assert len(at.dataframe[0].value) == 3  # the two shipped models and this one


def _upload(data: bytes, name: str = "mine.mid", **state):
    at = run_page(PAGE, mus_src="upload", **state)
    at.file_uploader(key="mus_upload").upload(name, data).run()
    assert not at.exception
    return at


def _messages(at) -> str:
    return " | ".join(m.value for m in [*at.error, *at.warning, *at.info, *at.caption])


def _zipped(xml: bytes) -> bytes:
    """A compressed MusicXML (.mxl): the score zipped."""
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("score.xml", xml)
    return buf.getvalue()


@pytest.mark.parametrize(
    "data,needle",
    [
        (b"MThd\x00\x00\x00\x06\x00\x01\x00\x02\x01\xe0MTrk\xff\xff", "could not be read as MIDI"),
        (b"PK\x03\x04 not really a zip", "could not be read as MusicXML"),
        (b"hello, this is text", "could not be read"),
        (midi([(36, i / 2, i / 2 + 0.25) for i in range(50)], drums=True), "only drums"),
        (midi([]), "holds no notes that last"),
        (b"", "is empty"),
        (b"MThd" + bytes(2_100_000), "larger than 2 MB"),
        (b"<score-partwise>" + b"<note/>" * (2 * MAX_NOTES + 1), f"files of up to {2 * MAX_NOTES:,} notes"),
        (_zipped(b"<score-partwise>" + bytes(21_000_000)), "scores of up to 20,000,000 bytes"),
    ],
    ids=["corrupt-midi", "corrupt-mxl", "text", "drums-only", "no-notes", "empty", "too-big", "many-notes", "big-mxl"],
)
def test_a_file_that_cannot_seed_gets_a_message_and_the_chorale_stays(data, needle):
    at = _upload(data)
    assert needle in _messages(at), _messages(at)
    assert any("held-out chorale" in i.value for i in at.info)  # the fallback is said
    model = seqviz.load_pretrained("bach-satb")
    seed = cut(chorale(model), 2 * BAR)
    roll = roll_notes(chart(at, "mus_roll"))
    assert np.array_equal(roll[roll[:, 1] < 2 * BAR], sort(seed))  # the chorale's seed, the page still whole
    assert at.sidebar.radio(key="mus_src").value == "upload"  # the student's choice stays


def test_a_single_note_is_a_seed():
    at = _upload(midi([(67, 0.0, 0.5)]))  # G4, a quarter note
    assert not at.error
    assert "single note" in _messages(at)
    roll = roll_notes(chart(at, "mus_roll"))
    assert roll[0].tolist() == [0, 0, 4, 67] and len(roll) > 1  # the note, then the model's continuation
    assert "How it goes on" in " ".join(h.value for h in at.subheader)


def test_a_huge_file_is_cut_and_a_high_one_moved_into_range():
    notes = [(96 + i % 5, i * 0.125, i * 0.125 + 0.125) for i in range(MAX_NOTES + 1000)]  # C7 and up, sixteenths
    at = _upload(midi(notes), "huge.mid")
    assert not at.error
    text = _messages(at)
    assert f"{MAX_NOTES + 1000:,} notes" in text and f"first {MAX_NOTES:,}" in text, text
    assert "moved by -" in text  # the piece moved down by octaves into the soprano's range
    assert "far from anything the model learnt" in text  # a chromatic run of sixteenths is no chorale
    model = seqviz.load_pretrained("bach-satb")
    roll = roll_notes(chart(at, "mus_roll"))
    for v, (lo, hi) in model.ranges().items():  # every note in its voice's range, the file's (S) among them
        assert ((roll[roll[:, 0] == v, 3] >= lo) & (roll[roll[:, 0] == v, 3] <= hi)).all()
    assert (roll[roll[:, 1] < 2 * BAR, 2] == 1).all()  # the seed: the file's sixteenths


def _satb(parts, start_bars=(0, 0, 0, 0)) -> bytes:
    """A MIDI file of four tracks (S A T B by pitch), each a list of (pitch, start s, end s) from its start bar on
    (pretty_midi's 120 bpm: a 4/4 bar is 2 s)."""
    import pretty_midi

    pm = pretty_midi.PrettyMIDI()
    for notes, bar in zip(parts, start_bars):
        inst = pretty_midi.Instrument(0)
        inst.notes = [pretty_midi.Note(90, p, s + 2 * bar, e + 2 * bar) for p, s, e in notes]
        pm.instruments.append(inst)
    buf = io.BytesIO()
    pm.write(buf)
    return buf.getvalue()


def test_a_chorale_like_seed_is_kept_as_it_is_and_an_odd_one_is_reported():
    """What fit_notes changed and how far the seed is from what the model learnt: nothing moved and a perplexity
    near the held-out one for a held-out chorale's own first bars; octaves moved, notes moved and the far warning
    for a chromatic run five octaves up."""
    from seqviz.music.synth import midi_bytes

    model = seqviz.load_pretrained("bach-satb")
    piece = chorale(model)
    at = _upload(midi_bytes(cut(piece, 4 * BAR)), "chorale.mid")
    normal = _messages(at)
    assert not at.error and not at.warning, normal
    assert "none had to be moved" in normal and "The model's perplexity on your seed" in normal
    assert "far from anything" not in normal and "octave" not in normal
    roll = roll_notes(chart(at, "mus_roll"))
    assert np.array_equal(roll[roll[:, 1] < 2 * BAR], sort(cut(piece, 2 * BAR)))  # the notes as they were

    odd = _messages(_upload(midi([(96 + i % 12, i * 0.125, i * 0.125 + 0.125) for i in range(64)]), "odd.mid"))
    assert "far from anything the model learnt" in odd and "moved by -" in odd, odd
    assert "none had to be moved" not in odd


def test_a_melody_model_on_a_file_whose_top_part_enters_late():
    """The melody model keeps only the soprano; when it starts after the seed's bars, the piece is moved earlier by
    whole bars (not a traceback, not an empty seed)."""
    low = [[(p, b * 0.5, b * 0.5 + 0.5) for b in range(32)] for p in (67, 64, 48)]
    top = [(72 + (b % 3) * 2, b * 0.5, b * 0.5 + 0.5) for b in range(16)]
    at = _upload(_satb([top, *low], (4, 0, 0, 0)), "late.mid", mus_model="bach-melody")  # S enters at bar 5
    assert not at.exception and not at.error
    text = _messages(at)
    assert "does not write the voice(s) A T B" in text and "only start in bar 5" in text, text
    roll = roll_notes(chart(at, "mus_roll"))
    assert set(roll[:, 0]) == {0} and roll[0, 1] == 0  # the soprano's first note on the first downbeat
    assert roll[roll[:, 1] < 2 * BAR, 3].tolist() == [n[0] for n in top[:8]]  # its first two bars are the seed
    real = roll_notes(chart(at, "mus_real"))
    assert real[0].tolist() == [0, 0, 4, 72]  # the file, moved the same way
    at4 = _upload(_satb([top, *low], (4, 0, 0, 0)), "late.mid")  # the four-voice model: A T B from bar 1
    assert not at4.exception and not at4.error and "only start in bar" not in _messages(at4)


def test_parts_past_four_are_left_out_with_a_note():
    parts = [[(p, b * 0.5, b * 0.5 + 0.5) for b in range(16)] for p in (76, 72, 67, 60, 48)]
    at = _upload(_satb(parts, (0,) * 5), "five.mid")
    assert not at.exception and not at.error
    assert "the other 1 part(s) (16 notes) were left out" in _messages(at), _messages(at)
    roll = roll_notes(chart(at, "mus_roll"))
    assert sorted(set(roll[roll[:, 1] == 0, 3].tolist())) == [48, 67, 72, 76]  # S, A, T, B: the 4th highest left out


def test_voices_the_model_does_not_write_are_dropped_with_a_note():
    import pretty_midi

    pm = pretty_midi.PrettyMIDI()
    for p in (72, 67, 64, 48):  # four parts: S A T B by pitch
        inst = pretty_midi.Instrument(0)
        inst.notes = [pretty_midi.Note(90, p, b * 0.5, b * 0.5 + 0.5) for b in range(16)]
        pm.instruments.append(inst)
    buf = io.BytesIO()
    pm.write(buf)
    at = _upload(buf.getvalue(), "satb.mid", mus_model="bach-melody")
    assert "does not write the voice(s) A T B" in _messages(at)
    assert [tr["legendgroup"] for tr in chart(at, "mus_roll")["data"]] == ["S"]


@pytest.mark.parametrize("missing", ["bach-satb", "bach-chorales"])
def test_the_page_without_its_files_stops_with_a_message(missing, tmp_path, monkeypatch):
    with pretrained_without(missing, tmp_path, monkeypatch):
        at = run_page(PAGE)
        assert not at.exception
        assert at.error and missing in at.error[0].value
        assert not at.get("plotly_chart")


def test_the_page_in_chinese():
    at = run_page(PAGE, "zh")
    assert not at.exception and not at.error
    assert at.title[0].value.startswith("音乐生成")
    fig = chart(at, "mus_roll")
    assert fig["layout"]["xaxis"]["title"]["text"] == "小节（4/4）" and fig["data"][0]["name"] == "S · 女高音"


def test_the_figures_are_valid_plotly():
    from test_figures_checked import assert_valid

    from seqviz.viz.diagrams import sampling_figure
    from seqviz.viz.music import generation_figure, piano_roll, surprise_figure, token_text

    model = seqviz.load_pretrained("bach-melody")
    piece = chorale(model)
    g = generate(model, cut(piece, 2 * BAR), 2 * BAR, 1.0, 5, 1)
    assert_valid(piano_roll(g.notes, g.seed_end))
    d = assert_valid(generation_figure(g, max_steps=7))
    assert len(d["frames"]) == len(d["layout"]["sliders"][0]["steps"]) == 7
    assert_valid(surprise_figure(surprise(model, piece)))
    T = len(g.probs)
    assert_valid(sampling_figure([token_text(x) for x in g.tokens[:T]], g.tokens[1 : T + 1], [0.5] * T, 3))
    fed = [False, False, False, True, True, True]  # x<1> .. x<3> read from a seed, then each the sample before it
    fig = sampling_figure(["∅", "a", "b", "c", "d", "e"], list("abcdef"), [0.25] * 6, 2, fed=fed)
    dotted = [sh for sh in fig.layout.shapes if sh.type == "line" and sh.line.dash == "dot"]
    assert len(dotted) == 2  # ŷ<3> -> x<4> and ŷ<4> -> x<5> in the window of x<1> .. x<5>
    texts = [a.text for a in fig.layout.annotations if a.text]
    assert "a<sup>&lt;0&gt;</sup> = 0" in texts and "ŷ<sup>&lt;3&gt;</sup>: c<br>P = 0.25" in texts
    assert [token_text(x) for x in ("S:G4", "d4", "d6", "d16", "+2", "<start>")] == [
        "S:G4", "lasts 1/4", "lasts 3/8", "lasts 1", "wait 1/8", "∅ (&lt;start&gt;)"
    ]  # fmt: skip


def test_the_sound_can_be_a_soundfont_choir_where_fluidsynth_is_installed():
    from seqviz.music.synth import soundfont_available

    if not soundfont_available():
        pytest.skip("no pyfluidsynth / libfluidsynth here: the page offers numpy's tone only")
    at = run_page(PAGE)
    assert at.sidebar.radio(key="mus_sound").value == "numpy"  # numpy by default
    before = [a.proto.url for a in at.get("audio")]
    at.sidebar.radio(key="mus_sound").set_value("soundfont").run()
    assert not at.exception and not at.error
    after = [a.proto.url for a in at.get("audio")]
    assert len(after) == 2 and after[0] != before[0] and after[1] != before[1]  # other sounds, the same notes
