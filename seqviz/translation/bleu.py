"""BLEU of one candidate against one or more references, computed by sacrebleu, with its parts laid
open: each candidate n-gram's count, its most frequent count in any one reference, the clipped count,
the modified precisions p1..p4, the brevity penalty BP and the score.

    p_n  = Σ count_clip(n-gram) / Σ count(n-gram)        over the candidate's n-grams
    BP   = 1 if c > r else exp(1 − r / c)                c: candidate length, r: the closest reference length
    BLEU = BP · exp(¼ Σ_n log p_n)                       (n = 1..4), reported ×100 as sacrebleu does
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

TOKENIZERS = ("13a", "zh", "char", "intl", "none")  # sacrebleu's, offered on the page
SMOOTHING = ("exp", "none", "floor", "add-k")  # sacrebleu's smooth_method values


@dataclass
class NgramRow:
    """One distinct n-gram of the candidate."""

    n: int
    ngram: tuple  # its tokens
    count: int  # times it occurs in the candidate
    max_ref: int  # the most times it occurs in any single reference
    clipped: int  # min(count, max_ref): the credit it gets


@dataclass
class BleuParts:
    """sacrebleu's numbers for one candidate, and where they come from."""

    score: float  # BLEU × 100 (sacrebleu's BLEUScore.score)
    counts: list[int]  # clipped matches per n (sacrebleu's .counts; before add-k's +k)
    totals: list[int]  # candidate n-grams per n (sacrebleu's .totals; before add-k's +k)
    precisions: list[float]  # p_n × 100 after smoothing (.precisions)
    bp: float  # brevity penalty (.bp)
    sys_len: int  # candidate length c in tokens (.sys_len)
    ref_len: int  # closest reference length r (.ref_len)
    candidate_tokens: list[str]
    reference_tokens: list[list[str]]
    rows: list[NgramRow] = field(default_factory=list)
    smooth_method: str = "exp"
    tokenize: str = "13a"
    signature: str = ""

    @property
    def raw_precisions(self) -> list[float | None]:
        """counts / totals before smoothing (None when the candidate has no n-gram of that order)."""
        return [c / t if t else None for c, t in zip(self.counts, self.totals)]


def bleu(
    candidate: str,
    references: list[str],
    tokenize: str = "13a",
    smooth_method: str = "exp",
    lowercase: bool = False,
    max_order: int = 4,
) -> BleuParts:
    """BLEU of `candidate` against `references` (sacrebleu's corpus BLEU of one segment) and its parts.

    Args:
        tokenize: a sacrebleu tokenizer: "13a" (the standard for English), "zh" (Chinese characters
            split, the rest as 13a), "char", "intl" or "none" (split on spaces only).
        smooth_method: "exp" (sacrebleu's default), "none" (the course's plain formula: one p_n = 0 makes
            BLEU 0), "floor" or "add-k".
    Raises:
        ValueError: no reference, or an unknown tokenizer / smoothing.
    """
    from sacrebleu.metrics import BLEU
    from sacrebleu.metrics.helpers import extract_all_word_ngrams

    refs = [r for r in references if r is not None]
    if not refs:
        raise ValueError("BLEU needs at least one reference")
    if tokenize not in TOKENIZERS or smooth_method not in SMOOTHING:
        raise ValueError(f"tokenize must be one of {TOKENIZERS}, smooth_method one of {SMOOTHING}")
    metric = BLEU(tokenize=tokenize, smooth_method=smooth_method, lowercase=lowercase, max_ngram_order=max_order)
    s = metric.corpus_score([candidate], [[r] for r in refs])
    # the same tokenisation and n-gram extraction sacrebleu uses, to show every clipped count
    cand = metric._preprocess_segment(candidate)
    ref_tok = [metric._preprocess_segment(r) for r in refs]
    cand_ngrams, _ = extract_all_word_ngrams(cand, 1, max_order)
    max_ref: Counter = Counter()
    for r in ref_tok:
        for g, c in extract_all_word_ngrams(r, 1, max_order)[0].items():
            max_ref[g] = max(max_ref[g], c)
    rows = [NgramRow(len(g), g, c, max_ref[g], min(c, max_ref[g])) for g, c in cand_ngrams.items()]
    rows.sort(key=lambda r: r.n)  # stable: first occurrence order within each n
    counts = [sum(r.clipped for r in rows if r.n == n) for n in range(1, max_order + 1)]
    totals = [sum(r.count for r in rows if r.n == n) for n in range(1, max_order + 1)]
    return BleuParts(
        score=float(s.score),
        counts=counts,
        totals=totals,
        precisions=[float(p) for p in s.precisions],
        bp=float(s.bp),
        sys_len=int(s.sys_len),
        ref_len=int(s.ref_len),
        candidate_tokens=cand.split(),
        reference_tokens=[r.split() for r in ref_tok],
        rows=rows,
        smooth_method=smooth_method,
        tokenize=tokenize,
        signature=str(metric.get_signature()),
    )
