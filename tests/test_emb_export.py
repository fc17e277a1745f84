"""Exports of word vectors (the Embedding Projector's two TSV files, a projection as CSV), the search box's word
finder and neighbours within a word list: round trips through numpy / csv, a reading of the files written the way
the Projector's own parser reads them, refused words, Chinese text."""

import csv
import io

import numpy as np
import pytest

from seqviz.embeddings import export
from seqviz.embeddings.find import find_words
from seqviz.embeddings.vectors import WordVectors

ODD = ['say "hi"', "it's", "a,b", "国王", "naïve", "<b>x</b>", "\\n", "#", "1e5", "-"]  # writable, as they are


def projector_read(metadata: bytes) -> tuple[list[str], list[dict]]:
    """The metadata file read as the Projector's parseMetadata does (tensorboard's vz_projector/data-provider.ts):
    lines split on "\\n", blank lines skipped, a first line holding a tab is the header, fields split on tabs, no
    quoting. Returns (column names, one dict per point)."""
    names, points = ["label"], []
    for n, line in enumerate(x for x in metadata.decode("utf-8").split("\n") if x.strip()):
        if n == 0 and "\t" in line:
            names = line.split("\t")
            continue
        values = line.split("\t")
        points.append(
            {name: (values[i] if i < len(values) and values[i] != "" else None) for i, name in enumerate(names)}
        )
    return names, points


def projector_vectors(data: bytes) -> np.ndarray:
    """The vectors file read as the Projector's parseTensors does: trimmed lines, blank ones skipped, tab-split;
    a first field that is not a number would be taken as a label (it must never happen here)."""
    rows = []
    for line in data.decode("utf-8").split("\n"):
        line = line.strip()
        if not line:
            continue
        fields = line.split("\t")
        float(fields[0])  # a label here would shift every number by one
        rows.append([float(x) for x in fields])
    return np.asarray(rows)


def test_vectors_round_trip_through_numpy_and_the_projectors_reading():
    rng = np.random.default_rng(0)
    E = (rng.normal(size=(7, 5)) * np.array([1e-4, 1, 10, 300, 1e6])).astype(np.float32)
    data = export.vectors_tsv(E)
    text = data.decode("utf-8")
    assert text.endswith("\n") and text.count("\n") == 7 and all(line.count("\t") == 4 for line in text.splitlines())
    back = np.loadtxt(io.StringIO(text), delimiter="\t")
    assert back.shape == (7, 5) and np.allclose(back, E, rtol=1e-5, atol=0)  # 6 significant digits
    assert np.array_equal(projector_vectors(data), back)
    assert export.vectors_tsv(np.eye(2)).decode() == "1\t0\n0\t1\n"  # no header, no index column


@pytest.mark.parametrize(
    "bad",
    [np.zeros(4), np.zeros((3, 1)), np.array([[1.0, np.nan]]), np.array([[np.inf, 0.0]])],
    ids=["1-D", "one number per row", "nan", "inf"],
)
def test_vectors_that_the_projector_cannot_read_are_refused(bad):
    with pytest.raises(ValueError):
        export.vectors_tsv(bad)


def test_one_column_of_metadata_has_no_header_and_keeps_odd_words_as_they_are():
    data = export.metadata_tsv(ODD)
    assert data.decode("utf-8") == "".join(w + "\n" for w in ODD)
    assert "国王".encode() in data and "naïve".encode() in data  # UTF-8, no byte-order mark
    assert not data.startswith(b"\xef\xbb\xbf")
    names, points = projector_read(data)
    assert names == ["label"] and [p["label"] for p in points] == ODD  # the Projector reads each word back


def test_several_columns_get_a_header_and_missing_values_stay_empty():
    words = ["king", "国王", 'say "hi"']
    data = export.metadata_tsv(words, {"group": ["cluster 1", "cluster 2", None], "mark": ["query", "", "list"]})
    lines = data.decode("utf-8").split("\n")
    assert lines[0] == "word\tgroup\tmark" and lines[-1] == "" and len(lines) == 5
    rows = list(csv.reader(io.StringIO(data.decode("utf-8")), delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows[1:] == [["king", "cluster 1", "query"], ["国王", "cluster 2", ""], ['say "hi"', "", "list"]]
    names, points = projector_read(data)
    assert names == ["word", "group", "mark"]
    assert [p["word"] for p in points] == words and points[2]["group"] is None and points[1]["mark"] is None


@pytest.mark.parametrize("word", ["a\tb", "a\nb", "a\rb", "a\u2028b", "a\x85b", "", "   "])
def test_words_with_a_tab_or_a_line_break_are_refused_by_name(word):
    assert export.unsafe_words(["ok", word, "fine"]) == [word]
    with pytest.raises(ValueError, match="tab or a line break") as err:
        export.metadata_tsv(["ok", word, "fine"])
    assert repr(word) in str(err.value)
    with pytest.raises(ValueError):
        export.metadata_tsv(["ok", "x", "fine"], {"group": ["g", word or "\t", "g"]})
    with pytest.raises(ValueError):
        export.metadata_tsv(["ok"], {"bad\tname": ["g"]})


def test_lengths_must_agree():
    with pytest.raises(ValueError, match="2 words but 3 vectors"):
        export.projector_files(["a", "b"], np.zeros((3, 4)))
    with pytest.raises(ValueError, match="has 1 values for 2 words"):
        export.metadata_tsv(["a", "b"], {"group": ["g"]})
    with pytest.raises(ValueError):
        export.coordinates_csv(["a", "b"], np.zeros((2, 4)))
    vectors, metadata = export.projector_files(["a", "b"], np.ones((2, 3)))
    assert vectors == b"1\t1\t1\n1\t1\t1\n" and metadata == b"a\nb\n"


@pytest.mark.parametrize("dim", [2, 3])
def test_coordinates_csv_round_trips_any_word(dim):
    words = [*ODD, "two\nlines", "tab\there"]  # CSV quotes them: nothing is refused here
    rng = np.random.default_rng(1)
    Y = rng.normal(size=(len(words), dim)) * 50
    marks = ["query" if i == 0 else None for i in range(len(words))]
    data = export.coordinates_csv(words, Y, {"group": [f"g{i % 3}" for i in range(len(words))], "mark": marks})
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: spreadsheets read the Chinese right
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["word", *"xyz"[:dim], "group", "mark"]
    assert [r[0] for r in rows[1:]] == words
    assert np.allclose(np.array([[float(x) for x in r[1 : 1 + dim]] for r in rows[1:]]), Y, rtol=1e-5)
    assert rows[1][-1] == "query" and rows[2][-1] == "" and rows[3][-2] == "g2"


# ---------------------------------------------------------------- the search box and the word list


def vectors(words: list[str], seed: int = 0) -> WordVectors:
    rng = np.random.default_rng(seed)
    return WordVectors(words, rng.normal(size=(len(words), 6)), np.arange(len(words), 0, -1))


def test_find_words_reads_words_and_wildcards():
    words = ["king", "kings", "kingdom", "kind", "kin", "queen", "england", "land", "国王", "王后"]
    v = vectors(words)
    among = words[:8]  # the words the map shows: 国王 and 王后 are not drawn
    f = find_words(v, "Queen, king*  zzq kin? 国王 queen", among)
    assert f.words == ["queen", "king", "kings", "kingdom", "kind", "国王"]  # order asked, each once
    assert f.unknown == ["zzq"] and f.no_match == [] and f.cut == 0
    assert find_words(v, "*land", among).words == ["england", "land"]
    assert find_words(v, "?", among).words == []  # a single ? is one letter: no word of one letter here
    f = find_words(v, "qq*z, 王*", among)
    assert f.words == [] and f.no_match == ["qq*z", "王*"]  # patterns look among the drawn words only
    f = find_words(v, "k*", among, limit=2)
    assert f.words == ["king", "kings"] and f.cut == 3
    f = find_words(v, "a" * 100, among)
    assert f.unknown == ["a" * 40 + "…"] and f.words == []
    assert find_words(v, " , ", among) == find_words(v, "", among)


def test_a_pathological_pattern_is_fast():
    import time

    v = vectors(["a" * 30 + "b"] * 1 + [f"w{i}" for i in range(5000)])
    t0 = time.perf_counter()
    f = find_words(v, "*a*a*a*a*a*a*a*a*a*a*a*a*c", v.words)
    assert f.words == [] and time.perf_counter() - t0 < 1.0  # no catastrophic backtracking


def test_neighbours_among_a_word_list_match_a_brute_force_cosine():
    words = [f"w{i}" for i in range(40)]
    v = vectors(words, seed=3)
    pool = ["w5", "w9", "w0", "w33", "nope", "w9", "w12"]
    got = v.neighbours_among("w0", pool, k=3)
    E = v.E.astype(np.float64)
    cos = {w: float(E[v.index[w]] @ E[0] / np.linalg.norm(E[v.index[w]]) / np.linalg.norm(E[0])) for w in pool[:4]}
    cos["w12"] = float(E[12] @ E[0] / np.linalg.norm(E[12]) / np.linalg.norm(E[0]))
    cos.pop("w0")  # the query itself is left out, unknown words too
    expected = sorted(cos.items(), key=lambda x: -x[1])[:3]
    assert [w for w, _ in got] == [w for w, _ in expected]
    assert np.allclose([c for _, c in got], [c for _, c in expected], atol=1e-5)
    assert v.neighbours_among("w0", ["w0", "nope"], k=3) == [] and v.neighbours_among("w0", pool, k=0) == []
