"""BLEU: examples worked out by hand (clipped counts, p_n, brevity penalty, score), the counts against NLTK's
independent implementation, every number against sacrebleu's sentence-level API, and the course's examples."""

import math

import pytest
import sacrebleu
from nltk.translate.bleu_score import brevity_penalty, closest_ref_length, modified_precision, sentence_bleu
from sacrebleu.metrics import BLEU

from seqviz.translation.bleu import SMOOTHING, TOKENIZERS, bleu

REFS = ["the cat is on the mat", "there is a cat on the mat"]  # 6 and 7 tokens
CASES = [
    ("the the the the the the the", REFS, "13a"),
    ("the cat is on the mat", REFS, "13a"),
    ("the cat", REFS, "13a"),
    ("a cat is on the mat .", REFS, "13a"),
    ("on the mat on the mat", REFS, "13a"),
    ("The Cat sat, on the mat!", ["the cat sat on the mat!"], "13a"),
    ("猫在垫子上", ["猫坐在垫子上", "垫子上有一只猫"], "zh"),
    ("1989-06-13", ["1989-06-13"], "char"),
    ("1989-06-31", ["1989-06-13"], "13a"),
    ("", REFS, "13a"),
]


def _geomean(ps):
    return math.exp(sum(math.log(p) for p in ps) / len(ps))


# ---------------------------------------------------------------- worked out by hand


def test_course_example_by_hand():
    """'the' x 7 against REFS: 'the' occurs 7 times, at most 2 times in one reference (the first), so it is
    credited 2: p1 = 2/7. No bigram 'the the' in either reference: p2 = 0/6, p3 = 0/5, p4 = 0/4.
    c = 7, the closest reference length r = 7 (the second): BP = 1."""
    b = bleu("the the the the the the the", REFS, smooth_method="none")
    assert b.counts == [2, 0, 0, 0] and b.totals == [7, 6, 5, 4]
    assert (b.sys_len, b.ref_len, b.bp) == (7, 7, 1.0)
    assert b.raw_precisions[0] == pytest.approx(2 / 7)
    the = next(r for r in b.rows if r.ngram == ("the",))
    assert (the.count, the.max_ref, the.clipped) == (7, 2, 2)
    assert b.score == 0.0  # plain formula: log p2 = -inf, BLEU = 0
    # "floor" replaces each zero count by 0.1: p2..p4 = 0.1/6, 0.1/5, 0.1/4
    floor = bleu("the the the the the the the", REFS, smooth_method="floor")
    assert floor.precisions == pytest.approx([100 * 2 / 7, 100 * 0.1 / 6, 100 * 0.1 / 5, 100 * 0.1 / 4])
    assert floor.score == pytest.approx(100 * _geomean([2 / 7, 0.1 / 6, 0.1 / 5, 0.1 / 4]))  # 3.93


def test_clipping_takes_the_most_in_any_one_reference_not_the_sum():
    """'on the mat on the mat' (c = 6) against REFS (r = 6, BP = 1):
        1-grams: on x2 (at most 1 in one reference) -> 1, the x2 (2 in the first) -> 2, mat x2 (1) -> 1: p1 = 4/6
                 (summed over both references 'on' would get 2: clipping takes the maximum, not the sum)
        2-grams: 'on the' x2 -> 1, 'the mat' x2 -> 1, 'mat on' x1 -> 0:                               p2 = 2/5
        3-grams: 'on the mat' x2 -> 1, 'the mat on' -> 0, 'mat on the' -> 0:                            p3 = 1/4
        4-grams: none of the 3 in a reference:                                                          p4 = 0/3
    BLEU: 0 plainly; with sacrebleu's default "exp" smoothing the k-th zero count becomes 1 / (2^k · total), so
    p4 = 1/6 and BLEU = (4/6 · 2/5 · 1/4 · 1/6)^(1/4) = (1/90)^(1/4) = 0.3247."""
    plain = bleu("on the mat on the mat", REFS, smooth_method="none")
    assert plain.counts == [4, 2, 1, 0] and plain.totals == [6, 5, 4, 3] and plain.score == 0.0
    rows = {r.ngram: (r.count, r.max_ref, r.clipped) for r in plain.rows}
    assert rows[("on",)] == (2, 1, 1) and rows[("the",)] == (2, 2, 2) and rows[("mat", "on")] == (1, 0, 0)
    assert (plain.sys_len, plain.ref_len, plain.bp) == (6, 6, 1.0)
    exp = bleu("on the mat on the mat", REFS, smooth_method="exp")
    assert exp.precisions == pytest.approx([100 * 4 / 6, 100 * 2 / 5, 100 * 1 / 4, 100 * 1 / 6])
    assert exp.score == pytest.approx(100 * _geomean([4 / 6, 2 / 5, 1 / 4, 1 / 6]))
    assert exp.score == pytest.approx(100 * (1 / 90) ** 0.25) and exp.score == pytest.approx(32.47, abs=0.005)


def test_every_precision_telescopes_to_three_sevenths():
    """'the cat is on the mat today' (c = 7; r = 7, BP = 1) against REFS: every n-gram is in the first reference
    except the ones ending in 'today', one per order: p1 = 6/7, p2 = 5/6, p3 = 4/5, p4 = 3/4, whose product is
    3/7: BLEU = (3/7)^(1/4) = 0.8091 for every smoothing (no count is zero)."""
    for smooth in ("none", "exp", "floor"):
        b = bleu("the cat is on the mat today", REFS, smooth_method=smooth)
        assert b.counts == [6, 5, 4, 3] and b.totals == [7, 6, 5, 4] and b.bp == 1.0
        assert b.score == pytest.approx(100 * (3 / 7) ** 0.25)
    assert b.score == pytest.approx(80.91, abs=0.005)


def test_brevity_penalty_by_hand():
    """'the cat is on' (c = 4) is a perfect prefix of the first reference: p1..p4 = 4/4, 3/3, 2/2, 1/1. The closest
    reference length is r = 6 (not 7): BP = exp(1 - r/c) = exp(1 - 6/4) = exp(-0.5), BLEU = 60.65."""
    b = bleu("the cat is on", REFS, smooth_method="none")
    assert b.counts == b.totals == [4, 3, 2, 1]
    assert (b.sys_len, b.ref_len) == (4, 6)
    assert b.bp == pytest.approx(math.exp(-0.5))
    assert b.score == pytest.approx(100 * math.exp(-0.5)) and b.score == pytest.approx(60.65, abs=0.005)
    # 'the cat' (c = 2): r = 6, BP = exp(1 - 3)
    short = bleu("the cat", REFS)
    assert (short.sys_len, short.ref_len) == (2, 6) and short.bp == pytest.approx(math.exp(1 - 6 / 2))
    assert bleu("the cat is on the mat", REFS).bp == 1.0


# ---------------------------------------------------------------- independent references


@pytest.mark.parametrize("cand,refs,tok", CASES)
def test_counts_and_plain_score_equal_nltk(cand, refs, tok):
    """NLTK's own n-gram counting (modified_precision), closest reference length, brevity penalty and
    sentence_bleu, on the same tokens."""
    b = bleu(cand, refs, tokenize=tok, smooth_method="none")
    hyp, ref_toks = b.candidate_tokens, b.reference_tokens
    for n in range(1, 5):
        p = modified_precision(ref_toks, hyp, n)  # an unnormalised Fraction: clipped / max(1, total)
        assert (p.numerator, p.denominator) == (b.counts[n - 1], max(1, b.totals[n - 1])), n
    r = closest_ref_length(ref_toks, len(hyp))
    assert (b.sys_len, b.ref_len) == (len(hyp), r)
    assert b.bp == pytest.approx(brevity_penalty(r, len(hyp)) if hyp else 0.0)
    nltk_score = 100 * sentence_bleu(ref_toks, hyp) if all(b.counts) else 0.0  # NLTK gives ~1e-300 then
    assert b.score == pytest.approx(nltk_score, abs=1e-9)


@pytest.mark.parametrize("cand,refs,tok", CASES)
@pytest.mark.parametrize("smooth", SMOOTHING)
def test_equals_sacrebleu_sentence_bleu(cand, refs, tok, smooth):
    """sacrebleu's sentence-level entry point (the page wraps its corpus-level pieces), every smoothing."""
    ours = bleu(cand, refs, tokenize=tok, smooth_method=smooth)
    ref = sacrebleu.sentence_bleu(cand, refs, tokenize=tok, smooth_method=smooth, use_effective_order=False)
    assert ours.score == pytest.approx(ref.score, abs=1e-9)
    assert ours.precisions == pytest.approx(ref.precisions, abs=1e-9)
    assert (ours.bp, ours.sys_len, ours.ref_len) == (pytest.approx(ref.bp), ref.sys_len, ref.ref_len)
    if smooth != "add-k":  # add-k adds k to sacrebleu's counts for n > 1
        assert ours.counts == list(ref.counts) and ours.totals == list(ref.totals)


# ---------------------------------------------------------------- the parts


def test_clipped_rows_add_up_and_score_rebuilds_from_parts():
    b = bleu("the cat is on a mat on the mat", REFS, smooth_method="none")
    for n in range(1, 5):
        rows = [r for r in b.rows if r.n == n]
        assert sum(r.clipped for r in rows) == b.counts[n - 1] and sum(r.count for r in rows) == b.totals[n - 1]
        assert all(r.clipped == min(r.count, r.max_ref) for r in rows)
    assert all(p > 0 for p in b.precisions)
    rebuilt = b.bp * math.exp(sum(math.log(p / 100) for p in b.precisions) / 4) * 100
    assert b.score == pytest.approx(rebuilt, rel=1e-12)


def test_chinese_is_split_into_characters_with_zh():
    b = bleu("猫在垫子上", ["猫坐在垫子上"], tokenize="zh")
    assert b.candidate_tokens == list("猫在垫子上") and b.sys_len == 5
    assert bleu("猫在垫子上", ["猫坐在垫子上"], tokenize="13a").sys_len == 1  # one "word" without zh


def test_bad_arguments():
    with pytest.raises(ValueError):
        bleu("a", [])
    with pytest.raises(ValueError):
        bleu("a", ["a"], tokenize="nope")
    with pytest.raises(ValueError):
        bleu("a", ["a"], smooth_method="nope")
    assert set(TOKENIZERS) <= set(BLEU.TOKENIZERS)
