"""The unit finder: the hypotheses on hand-written snippets and against Python's tokenizer, the finder
recovering planted units, the match view, and the alignment of a real trace with its text."""

import io
import random
import sysconfig
import tokenize
from pathlib import Path

import numpy as np
import pytest
from conftest import tiny

from seqviz.rnn.units import (
    HYPOTHESES,
    MAX_PATTERN,
    HypothesisError,
    correlations,
    evaluate_hypotheses,
    rank_units,
    regex_hypothesis,
    signals,
    top_passages,
    unit_values,
)


def spans(*parts):
    """(text, expected): the text is the parts' strings joined, each character carrying its part's value."""
    text = "".join(s for s, _ in parts)
    return text, np.concatenate([np.full(len(s), v, np.float32) for s, v in parts])


def check(name, *parts):
    text, expected = spans(*parts)
    got = HYPOTHESES[name](text)
    assert got.dtype == np.float32 and got.shape == (len(text),)
    np.testing.assert_array_equal(got, expected, err_msg=f"{name} of {text!r}")


# ---- strings, comments, brackets -----------------------------------------------------------------------------


def test_nested_quotes_the_other_kind_of_quote_does_not_close_a_string():
    check("in_string", ("x = ", 0), ("\"it's", 1), ('"', 0), (" + ", 0), ("'a\"b", 1), ("'", 0))


def test_escaped_quotes_stay_inside_and_an_escaped_backslash_does_not_escape_the_quote():
    check("in_string", ("s = ", 0), (r"'a\'b", 1), ("'", 0), (" # c", 0))
    check("in_comment", (r"s = 'a\'b' ", 0), ("# c", 1))
    check("in_string", (r"'a\\", 1), ("'", 0), (" + ", 0), ("'b", 1), ("'", 0))
    check("in_string", ("'a\\\nb", 1), ("'", 0), ("\nc", 0))  # a backslash-newline continues the string


def test_triple_quotes_span_lines_and_hold_both_kinds_of_quote():
    check("in_string", ("d = ", 0), ("\"\"\"He said \"hi\"\nit's '''ok'''\n", 1), ('"""', 0), (" + x\n", 0))
    check("in_string", ("'''a \"\"\" b\n'' x", 1), ("'''", 0), (" + ", 0), ("\"'", 1), ('"', 0))
    check("in_string", ("'''a", 1), ("'''", 0), ("'", 1), ("'", 0))  # ''''' closes at the first three
    check("in_string", ("'", 1), ("'", 0), (" ", 0), ("'", 1), ("'", 0))  # two empty strings
    check("in_string", ("'''", 1))  # three quotes open a triple-quoted string (here unterminated)


def test_brackets_inside_strings_and_comments_are_not_counted():
    code = ("f", 0), ("(a, ", 1), ('"(", ', 1), ("[1, ", 2), ("{2", 3), ("}", 2), ("]", 1), (")", 0), ("  # (x", 0)
    check("bracket_depth", *code)
    check("in_brackets", ("f", 0), ('(a, "(", [1, {2}]', 1), (")  # (x", 0))
    check("in_string", ("f(a, ", 0), ('"(', 1), ('", [1, {2}])  # (x', 0))
    check("in_comment", ('f(a, "(", [1, {2}])  ', 0), ("# (x", 1))
    check("bracket_depth", ('f"{x}(" + g', 0), ("(", 1), (")", 0))  # an f-string's braces are text


def test_brackets_across_lines_and_unbalanced_closers():
    check("bracket_depth", ("x = ", 0), ("[\n    1,\n    ", 1), ("(2,\n3", 2), (")\n", 1), ("]\ny", 0))
    check("bracket_depth", ("))", 0), ("(", 1), (")", 0), (")", 0))  # never below 0
    check("bracket_depth", ("a", 0), ("(", 1), ("(", 2), ("b", 2))  # unclosed at the end


def test_a_hash_inside_a_string_is_not_a_comment_and_a_quote_in_a_comment_is_not_a_string():
    check("in_comment", ('s = "#no" ', 0), ("# yes", 1), ("\nt", 0))
    check("in_string", ("s = ", 0), ('"#no', 1), ('"', 0), (" # yes\nt", 0))
    check("in_string", ("# it's\nx = ", 0), ("'a", 1), ("'", 0))
    check("in_comment", ("# it's", 1), ("\nx = 'a'", 0))


def test_unterminated_strings():
    check("in_string", ("x = ", 0), ("'abc", 1))  # at the end of the text
    check("in_string", ("x = ", 0), ("'ab", 1), ("\ny = (1", 0))  # a one-quote string stops at the newline
    check("bracket_depth", ("x = 'ab\ny = ", 0), ("(1", 1))
    check("in_string", ("'''ab\ncd", 1))  # a triple-quoted one runs to the end
    check("in_string", ("'a\\", 1))  # a lone backslash last


def test_string_prefixes_are_outside_the_string():
    check("in_string", ("f", 0), ('"x{y}', 1), ('"', 0), (" + rb", 0), ("'\\d", 1), ("'", 0))


def test_the_scanner_agrees_with_pythons_tokenizer_on_whole_stdlib_files():
    """On complete, valid source, tokenize's STRING / COMMENT / bracket tokens are the reference."""
    for name in ("tokenize.py", "shlex.py", "textwrap.py"):
        text = (Path(sysconfig.get_paths()["stdlib"]) / name).read_text(encoding="utf-8")
        starts = np.concatenate([[0], np.cumsum([len(line) + 1 for line in text.split("\n")])])
        at = lambda rc, starts=starts: starts[rc[0] - 1] + rc[1]  # (row, col) -> offset in the text
        string, comment = np.zeros(len(text), np.float32), np.zeros(len(text), np.float32)
        brackets, levels, level = [], [], 0
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            s, e = at(tok.start), at(tok.end)
            if tok.type == tokenize.STRING:
                literal = tok.string.lstrip("rRbBuUfF")  # the prefix is outside
                closing = 3 if literal.startswith(('"""', "'''")) else 1
                string[e - len(literal) : e - closing] = 1
            elif tok.type == tokenize.COMMENT:
                comment[s:e] = 1
            elif tok.type == tokenize.OP and tok.string in "([{)]}":
                level += 1 if tok.string in "([{" else -1
                brackets.append(s)
                levels.append(level)
        last = np.searchsorted(brackets, np.arange(len(text)), side="right") - 1  # the last bracket so far
        depth = np.where(last >= 0, np.array(levels)[last], 0)
        assert string.sum() > 1000 and comment.sum() > 100 and depth.max() >= 2, name  # the file exercises it
        np.testing.assert_array_equal(HYPOTHESES["in_string"](text), string, err_msg=name)
        np.testing.assert_array_equal(HYPOTHESES["in_comment"](text), comment, err_msg=name)
        np.testing.assert_array_equal(HYPOTHESES["bracket_depth"](text), depth, err_msg=name)


# ---- lines, words, prose -------------------------------------------------------------------------------------


def test_line_position_and_indentation_across_newlines():
    text = "ab\n  cd\n\tx"
    np.testing.assert_array_equal(HYPOTHESES["line_position"](text), [1, 2, 0, 1, 2, 3, 4, 0, 1, 2])
    np.testing.assert_array_equal(HYPOTHESES["indentation"](text), [0, 0, 0, 2, 2, 2, 2, 2, 1, 1])
    np.testing.assert_array_equal(HYPOTHESES["line_position"]("\n\na"), [0, 0, 1])
    np.testing.assert_array_equal(HYPOTHESES["indentation"]("  \r\n x\u2028y"), [2, 2, 2, 2, 1, 1, 1, 1])  # \n only


def test_words_spaces_vowels_and_digits():
    # "x_1 = foo(bar2) _a 9b é": a word starts at a letter or _ that follows no letter, digit or _
    check("word_start", ("x", 1), ("_1 = ", 0), ("f", 1), ("oo(", 0), ("b", 1), ("ar2) ", 0), ("_", 1))
    check("word_start", ("_", 1), ("a 9b ", 0), ("é", 1), (" ", 0), ("中", 1), ("文", 0))
    check("in_word", ("x_1", 1), (" = ", 0), ("foo", 1), ("(", 0), ("bar2", 1), (") ", 0), ("_a", 1), (" ", 0))
    check("after_space", ("a", 0), (" ", 1), ("b", 0), ("\t", 1), ("c\n", 0))
    last = ("o", 0)  # the last character has no next one
    check("vowel_next", ("h", 1), ("aT", 0), ("x", 1), ("E", 0), ("y", 1), last)
    check("digit", ("a", 0), ("19", 1), ("-", 0), ("3", 1), ("x", 0))


def test_quotes_and_parentheses_in_prose_ignore_apostrophes_and_end_at_the_paragraph():
    check("in_quotes", ("He said ", 0), ('"no', 1), ('" and ', 0), ("“yes", 1), ("”. It's ", 0), ('"x', 1))
    check("in_quotes", ("a ", 0), ('"b', 1), ("\nc ", 0), ("「d", 1), ("」", 0))
    check("in_parentheses", ("a ", 0), ("(b (c) d", 1), (") e\n", 0), ("(it's", 1), ("\ng", 0))


def test_no_hypothesis_ever_raises_and_depth_is_consistent():
    nasty = ["", "'", '"', '"""', "'''", "\\", "((((", "))))", "😀中文\t\r\n", "\ud800", "a\\", "'a\\", "#", "\n\n"]
    rnd = random.Random(0)
    alphabet = list("'\"\\#()[]{}\n\r\t a_é中😀")
    nasty += ["".join(rnd.choices(alphabet, k=rnd.randint(1, 40))) for _ in range(300)]
    for text in nasty:
        values = evaluate_hypotheses(text)
        assert list(values) == list(HYPOTHESES)
        for name, v in values.items():
            assert v.shape == (len(text),) and v.dtype == np.float32 and np.isfinite(v).all(), (name, text)
        assert (values["bracket_depth"] >= 0).all()
        np.testing.assert_array_equal(values["in_brackets"], values["bracket_depth"] > 0)
        assert not (values["in_string"] * values["in_comment"]).any(), text  # never both at once


# ---- the user's own hypothesis -------------------------------------------------------------------------------


def test_regex_hypothesis_marks_match_spans_multiline():
    np.testing.assert_array_equal(regex_hypothesis("a [b] c [de]", r"\[[^\]]*\]"), [0, 0, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1])
    np.testing.assert_array_equal(regex_hypothesis("ab\nab", "^a"), [1, 0, 0, 1, 0])  # ^ at every line
    v = regex_hypothesis("hello", "z+")
    assert v.shape == (5,) and not v.any()  # matches nothing: all zeros, the page says so
    assert not regex_hypothesis("abc", "x*").any()  # only empty matches: nothing marked


@pytest.mark.parametrize(
    "pattern, code",
    [("(", "bad_regex"), ("[a-", "bad_regex"), ("", "empty_regex"), ("a" * (MAX_PATTERN + 1), "regex_too_long")],
)
def test_bad_regexes_raise_with_a_code(pattern, code):
    with pytest.raises(HypothesisError) as e:
        regex_hypothesis("some text", pattern)
    assert e.value.code == code and isinstance(e.value, ValueError)
    if code == "bad_regex":
        assert e.value.detail  # says why


def test_a_catastrophic_regex_times_out_with_a_code():
    with pytest.raises(HypothesisError) as e:
        regex_hypothesis("a" * 60 + "!", "(a|aa)+$")
    assert e.value.code == "slow_regex"


# ---- the finder ----------------------------------------------------------------------------------------------


def _code(n: int = 3000) -> str:
    line = 'x = f("it\'s", [1, 2])  # note\nif y:\n    s = \'a\\\'b\' + """doc\n"ok"\n"""\n'
    return (line * (n // len(line) + 1))[:n]


def _planted(text: str, seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = len(text)
    s = HYPOTHESES["in_string"](text)
    sigs = {k: rng.normal(size=(n, 32)).astype(np.float32) for k in ("a", "c", "gamma_f")}
    sigs["c"][:, 17] = s + 0.02 * rng.normal(size=n)  # tracks strings
    sigs["gamma_f"][:, 5] = 0.5 - 0.4 * s + 0.05 * rng.normal(size=n)  # closes inside strings
    sigs["a"][:, 3] = 0.7  # constant: r = 0, not NaN
    return sigs


def test_the_finder_recovers_a_planted_unit_and_a_planted_negative_one():
    text = _code()
    ranked = rank_units(_planted(text), text, top=4)
    assert list(ranked) == list(HYPOTHESES)
    first, second = ranked["in_string"][:2]
    assert (first.signal, first.unit) == ("c", 17) and first.r > 0.9 and first.label == "c<t>[17]"
    assert (second.signal, second.unit) == ("gamma_f", 5) and second.r < -0.9 and second.label == "Γf[5]"
    assert abs(ranked["in_string"][2].r) < 0.2  # the rest is noise
    for scores in ranked.values():
        assert len(scores) == 4 and all(np.isfinite(u.r) and -1 <= u.r <= 1 for u in scores)


def test_correlations_equal_numpys_corrcoef_and_constants_give_zero():
    text = _code(1500)
    sigs = _planted(text, seed=1)
    hyps = {"in_string": HYPOTHESES["in_string"](text), "depth": HYPOTHESES["bracket_depth"](text)}
    hyps["nothing"] = regex_hypothesis(text, "zzz")  # a regex that matches nothing: constant
    R = correlations(sigs, text, hyps)
    for h in ("in_string", "depth"):
        for k in sigs:
            for u in (0, 5, 17, 31):
                want = np.corrcoef(hyps[h], sigs[k][:, u].astype(np.float64))[0, 1]
                assert R[h][k][u] == pytest.approx(want, abs=1e-5)
        assert R[h]["a"][3] == 0  # the constant unit
    assert all((r == 0).all() for r in R["nothing"].values())
    assert all(u.r == 0 for u in rank_units(sigs, text, {"nothing": hyps["nothing"]})["nothing"])


def test_the_finder_checks_lengths():
    text = _code(200)
    with pytest.raises(HypothesisError) as e:
        rank_units(_planted(text), text + "x")
    assert e.value.code == "length_mismatch"
    with pytest.raises(HypothesisError) as e:
        rank_units(_planted(text), text, {"short": np.zeros(10)})
    assert e.value.code == "length_mismatch"


# ---- signals of a real trace ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, keys",
    [
        ("rnn", ["a"]),
        ("gru", ["a", "c_tilde", "gamma_u", "gamma_r"]),
        ("lstm", ["a", "c", "c_tilde", "gamma_u", "gamma_f", "gamma_o"]),
    ],
)
def test_signals_drop_the_start_step_so_row_i_has_just_read_text_i(cell, keys):
    m = tiny(cell)
    text = "ab\nab"  # a line model restarts at the newline: the newline's step is the ⏎ start step again
    trace = m.trace(text)
    sigs = signals(trace)
    assert list(sigs) == keys
    assert all(v.shape == (len(text), m.config.n_a) for v in sigs.values())
    np.testing.assert_array_equal(sigs["a"], trace.a[1:])
    np.testing.assert_array_equal(sigs["a"][2], trace.a[0])  # text[2] = "\n" reads ⏎ from a<0> = 0
    np.testing.assert_array_equal(sigs["a"][3:5], sigs["a"][0:2])  # "ab" after the newline = the first "ab"
    assert not np.array_equal(sigs["a"][1], sigs["a"][0])
    np.testing.assert_array_equal(unit_values(trace, "a", 2), trace.a[1:, 2])
    with pytest.raises(HypothesisError):
        unit_values(trace, "gamma_x", 0)
    with pytest.raises(HypothesisError) as e:
        rank_units(trace, "ab\nac")
    assert e.value.code == "text_mismatch"


def test_a_shipped_model_smoke():
    import seqviz

    m = seqviz.load_pretrained("wiki-lstm")
    text = 'The river (the "Nile") flows north.\nIt is 6,650 km long, the longest in Africa.'
    trace = m.trace(text)
    sigs = signals(trace)
    assert list(sigs) == ["a", "c", "c_tilde", "gamma_u", "gamma_f", "gamma_o"]
    assert all(v.shape == (len(text), m.config.n_a) and np.isfinite(v).all() for v in sigs.values())
    ranked = rank_units(trace, text, top=3)
    assert all(len(s) == 3 and all(np.isfinite(u.r) and abs(u.r) <= 1 for u in s) for s in ranked.values())
    best = ranked["in_parentheses"][0]  # 8 characters in brackets out of 80: some unit follows them closely
    assert abs(best.r) > 0.5
    p = top_passages(unit_values(trace, best.signal, best.unit), text, k=2, width=10, lowest=best.r < 0)
    assert len(p) == 2 and p[0].start < 21 and p[0].end > 10  # the best passage meets the parentheses


# ---- LSTMVis's match view ------------------------------------------------------------------------------------


def test_top_passages_find_planted_bumps_without_overlap_best_first():
    rng = np.random.default_rng(0)
    text = "".join(rng.choice(list("abcdef "), size=1000))
    values = 0.05 * rng.normal(size=1000)
    values[100:130] += 1.0
    values[400:420] += 0.5
    values[700:705] += 0.6
    ps = top_passages(values, text, k=3, width=40)
    assert len(ps) == 3
    assert ps[0].start <= 100 and ps[0].end >= 130  # the whole first bump
    assert ps[1].start <= 400 and ps[1].end >= 420
    assert ps[2].start <= 700 and ps[2].end >= 705
    assert [p.score for p in ps] == sorted((p.score for p in ps), reverse=True)
    spans_ = sorted((p.start, p.end) for p in ps)
    assert all(a[1] <= b[0] for a, b in zip(spans_, spans_[1:]))  # no overlap
    for p in ps:
        assert p.text == text[p.start : p.end] and p.end - p.start == 40
        np.testing.assert_allclose(p.values, values[p.start : p.end], rtol=1e-6)
        assert p.score == pytest.approx(values[p.start : p.end].mean())
    low = top_passages(-values, text, k=1, width=40, lowest=True)[0]
    assert low.start == ps[0].start and low.score == pytest.approx(-ps[0].score)


def test_top_passages_edges():
    assert top_passages(np.zeros(0), "") == []
    (p,) = top_passages(np.arange(5.0), "abcde", k=3, width=60)  # shorter than a window: the whole text
    assert (p.start, p.end, p.text) == (0, 5, "abcde")
    assert len(top_passages(np.ones(100), "x" * 100, k=10, width=30)) == 3  # only 3 fit without overlap
    with pytest.raises(HypothesisError):
        top_passages(np.ones(4), "abc")
