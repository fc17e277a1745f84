"""The benchmark sets gensim ships: questions-words analogies, WordSim-353, SimLex-999."""

from __future__ import annotations

from seqviz.embeddings.vectors import WordVectors

# ---------------------------------------------------------------- the benchmark sets gensim ships

BENCHMARKS = {"analogy": "questions-words.txt", "wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}


def keyed_vectors(vectors: WordVectors):
    """The same vectors as a gensim KeyedVectors (for gensim's evaluation code)."""
    from gensim.models import KeyedVectors

    kv = KeyedVectors(vectors.n_e)
    kv.add_vectors(vectors.words, vectors.E)
    return kv


def evaluate(vectors: WordVectors, analogy_vocab: int | None = None, sections: bool = False) -> dict:
    """Scores on the sets gensim ships, with coverage (the share of items whose words are all known).

    analogy: accuracy on the questions-words analogies (Mikolov et al. 2013) that are covered, answers searched
    among the `analogy_vocab` most frequent words (all by default; a question with a rarer word is not covered);
    with `sections`, also the accuracy and count of each of its 14 sections;
    wordsim353 / simlex999: Spearman's ρ between cosine and human similarity ratings on covered pairs.
    """
    import logging
    import warnings

    from gensim.test.utils import datapath

    kv = keyed_vectors(vectors)
    logging.getLogger("gensim").setLevel(logging.ERROR)
    out = {}
    path = datapath(BENCHMARKS["analogy"])
    with open(path, encoding="utf-8") as f:
        total = sum(1 for line in f if line.strip() and not line.startswith(":"))
    restrict = min(analogy_vocab or len(vectors), len(vectors))
    score, parts = kv.evaluate_word_analogies(path, restrict_vocab=restrict, case_insensitive=True)
    tot = parts[-1]
    n = len(tot["correct"]) + len(tot["incorrect"])
    out["analogy"] = {"accuracy": float(score) if n else 0.0, "covered": n, "total": total, "coverage": n / total}
    if sections:
        out["analogy"]["sections"] = {
            p["section"]: {
                "accuracy": len(p["correct"]) / max(1, len(p["correct"]) + len(p["incorrect"])),
                "covered": len(p["correct"]) + len(p["incorrect"]),
            }
            for p in parts[:-1]
        }
    for name in ("wordsim353", "simlex999"):
        path = datapath(BENCHMARKS[name])
        with open(path, encoding="utf-8") as f:
            rows = [line.lower().split("\t") for line in f if line.strip() and not line.startswith("#")]
        n_known = sum(1 for r in rows if len(r) >= 3 and r[0] in kv and r[1] in kv)
        rho = 0.0
        if n_known >= 3:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _pearson, spearman, _oov = kv.evaluate_word_pairs(
                    path, restrict_vocab=len(vectors), case_insensitive=True
                )
            rho = float(spearman[0]) if spearman[0] == spearman[0] else 0.0  # NaN when ratings tie
        out[name] = {"spearman": rho, "coverage": n_known / len(rows), "covered": n_known, "total": len(rows)}
    return out
