"""Held-out metrics of a date translator: exact match by length and locale, beam vs greedy, the error analysis."""

from __future__ import annotations

import numpy as np

from seqviz.translation.models import DateTranslator, greedy_batch


def greedy_metrics(model: DateTranslator, test) -> dict:
    """Greedy exact match and character accuracy on held-out pairs, by input length and by locale
    (pairs without a locale, such as uploaded ones, count as "?"); "outputs" holds the translations."""
    from seqviz.translation.dates import LENGTH_BINS, length_bucket

    outs, _ = greedy_batch(model, [p.human for p in test])
    ok = np.array([o == p.iso for o, p in zip(outs, test)])
    chars = np.mean(
        [sum(a == b for a, b in zip(o.ljust(len(p.iso)), p.iso)) / max(1, len(p.iso)) for o, p in zip(outs, test)]
    )
    by_len, by_loc = {}, {}
    for lo, hi in LENGTH_BINS:
        sel = [i for i, p in enumerate(test) if length_bucket(len(p.human)) == f"{lo}-{hi}"]
        by_len[f"{lo}-{hi}"] = {"n": len(sel), "exact": round(float(ok[sel].mean()), 4) if sel else None}
    for loc in sorted({p.locale or "?" for p in test}):
        sel = [i for i, p in enumerate(test) if (p.locale or "?") == loc]
        by_loc[loc] = {"n": len(sel), "exact": round(float(ok[sel].mean()), 4)}
    return {
        "n_test": len(test),
        "exact_greedy": round(float(ok.mean()), 4),
        "char_accuracy_greedy": round(float(chars), 4),
        "by_length": by_len,
        "by_locale": by_loc,
        "outputs": outs,
    }


def test_metrics(
    model: DateTranslator, test, beam_width: int = 10, length_alpha: float = 0.7, n_examples: int = 8
) -> dict:
    """Exact match (greedy and beam), by input length and locale, and the course's error analysis of
    the greedy and beam errors (is the search or the model at fault?)."""
    greedy = greedy_metrics(model, test)
    outs = greedy.pop("outputs")
    # beam search (B = 10) on every example, and the error analysis of each wrong answer
    verdicts = {"greedy": {"search": 0, "model": 0}, "beam": {"search": 0, "model": 0}}
    beam_out, examples = [], []
    for i, p in enumerate(test):
        beam_out.append(model.translate(p.human, beam_width, length_alpha).output)
        wrong = {"greedy": outs[i] != p.iso, "beam": beam_out[i] != p.iso}
        found = {}
        for which, B in (("greedy", 1), ("beam", beam_width)):
            if wrong[which]:
                found[which] = model.error_analysis(p.human, p.iso, B, length_alpha).verdict
                verdicts[which][found[which]] += 1
        if found:
            examples.append(
                {
                    "human": p.human,
                    "reference": p.iso,
                    "greedy": outs[i],
                    "beam": beam_out[i],
                    "verdict_greedy": found.get("greedy", "correct"),
                    "verdict_beam": found.get("beam", "correct"),
                    "locale": p.locale,
                    "pattern": p.pattern,
                }
            )
    beam_ok = [o == p.iso for o, p in zip(beam_out, test)]
    examples.sort(key=lambda e: (e["verdict_greedy"] != "search", len(e["human"])))
    return {
        **greedy,
        f"exact_beam{beam_width}": round(float(np.mean(beam_ok)), 4),
        "error_analysis": {"beam_width": beam_width, "length_alpha": length_alpha, **verdicts},
        "examples": examples[: 2 * n_examples],
    }


def scan_errors(
    model: DateTranslator, pairs, beam_width: int = 10, length_alpha: float = 0.7, n_examples: int = 8
) -> dict:
    """Error analysis over many held-out dates (repeats dropped): every greedy error classified (search
    or model at fault) and retried with a B-wide beam; examples where the search was at fault come first."""
    seen, unique = set(), []
    for p in pairs:  # the same day in the same format counts once
        if p.human not in seen:
            seen.add(p.human)
            unique.append(p)
    pairs = unique
    outs, _ = greedy_batch(model, [p.human for p in pairs])
    counts, examples = {"search": 0, "model": 0, "fixed_by_beam": 0}, []
    for o, p in zip(outs, pairs):
        if o == p.iso:
            continue
        verdict = model.error_analysis(p.human, p.iso, 1, length_alpha).verdict
        beam = model.translate(p.human, beam_width, length_alpha).output
        counts[verdict] += 1
        counts["fixed_by_beam"] += beam == p.iso
        examples.append(
            {
                "human": p.human,
                "reference": p.iso,
                "greedy": o,
                "beam": beam,
                "verdict_greedy": verdict,
                "verdict_beam": "correct"
                if beam == p.iso
                else model.error_analysis(p.human, p.iso, beam_width, length_alpha).verdict,
                "locale": p.locale,
                "pattern": p.pattern,
            }
        )
    examples.sort(key=lambda e: (e["verdict_greedy"] != "search", len(e["human"])))
    return {
        "n": len(pairs),
        "greedy_wrong": counts["search"] + counts["model"],
        **counts,
        "beam_width": beam_width,
        "length_alpha": length_alpha,
        "examples": examples[:n_examples],
    }
