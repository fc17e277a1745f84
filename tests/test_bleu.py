"""BLEU: every number equals sacrebleu's, the clipped counts add up, and the course's examples."""
import math

import pytest
import sacrebleu
from sacrebleu.metrics import BLEU

from seqviz.translation.bleu import SMOOTHING, TOKENIZERS, bleu

REFS = ["the cat is on the mat", "there is a cat on the mat"]
CASES = [
    ("the the the the the the the", REFS, "13a"),
    ("the cat is on the mat", REFS, "13a"),
    ("the cat", REFS, "13a"),
    ("a cat is on the mat .", REFS, "13a"),
    ("The Cat sat, on the mat!", ["the cat sat on the mat!"], "13a"),
    ("猫在垫子上", ["猫坐在垫子上", "垫子上有一只猫"], "zh"),
    ("1989-06-13", ["1989-06-13"], "char"),
    ("1989-06-31", ["1989-06-13"], "13a"),
    ("", REFS, "13a"),
]


@pytest.mark.parametrize("cand,refs,tok", CASES)
@pytest.mark.parametrize("smooth", SMOOTHING)
def test_equals_sacrebleu(cand, refs, tok, smooth):
    ours = bleu(cand, refs, tokenize=tok, smooth_method=smooth)
    ref = BLEU(tokenize=tok, smooth_method=smooth).corpus_score([cand], [[r] for r in refs])
    assert ours.score == pytest.approx(ref.score, abs=1e-9)
    assert ours.precisions == pytest.approx(ref.precisions, abs=1e-9)
    assert (ours.bp, ours.sys_len, ours.ref_len) == (pytest.approx(ref.bp), ref.sys_len, ref.ref_len)
    if smooth != "add-k":                       # add-k adds k to sacrebleu's counts for n > 1
        assert ours.counts == list(ref.counts) and ours.totals == list(ref.totals)
    # the same as sacrebleu's one-call sentence API with the same settings
    sent = sacrebleu.sentence_bleu(cand, refs, tokenize=tok, smooth_method=smooth, use_effective_order=False)
    assert ours.score == pytest.approx(sent.score, abs=1e-9)


def test_course_example_modified_precision_is_two_sevenths():
    b = bleu("the the the the the the the", REFS, smooth_method="none")
    assert b.counts[0] == 2 and b.totals[0] == 7 and b.raw_precisions[0] == pytest.approx(2 / 7)
    the = next(r for r in b.rows if r.ngram == ("the",))
    assert (the.count, the.max_ref, the.clipped) == (7, 2, 2)
    assert b.score == 0.0                       # no bigram matches: the plain formula gives 0


def test_clipped_rows_add_up_and_score_rebuilds_from_parts():
    b = bleu("the cat is on a mat on the mat", REFS, smooth_method="none")
    for n in range(1, 5):
        rows = [r for r in b.rows if r.n == n]
        assert sum(r.clipped for r in rows) == b.counts[n - 1] and sum(r.count for r in rows) == b.totals[n - 1]
        assert all(r.clipped == min(r.count, r.max_ref) for r in rows)
    assert all(p > 0 for p in b.precisions)
    rebuilt = b.bp * math.exp(sum(math.log(p / 100) for p in b.precisions) / 4) * 100
    assert b.score == pytest.approx(rebuilt, rel=1e-12)


def test_brevity_penalty_uses_the_closest_reference_length():
    b = bleu("the cat", REFS)
    assert (b.sys_len, b.ref_len) == (2, 6)
    assert b.bp == pytest.approx(math.exp(1 - 6 / 2))
    assert bleu("the cat is on the mat", REFS).bp == 1.0


def test_chinese_is_split_into_characters_with_zh():
    b = bleu("猫在垫子上", ["猫坐在垫子上"], tokenize="zh")
    assert b.candidate_tokens == list("猫在垫子上") and b.sys_len == 5
    assert bleu("猫在垫子上", ["猫坐在垫子上"], tokenize="13a").sys_len == 1     # one "word" without zh


def test_bad_arguments():
    with pytest.raises(ValueError):
        bleu("a", [])
    with pytest.raises(ValueError):
        bleu("a", ["a"], tokenize="nope")
    assert set(TOKENIZERS) <= set(BLEU.TOKENIZERS)
