"""Word vectors as the course teaches them: E (e_w = E o_w), cosine, neighbours, analogies, the training pairs and
negative sampling, debiasing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import torch
from torch import nn


def cosine(u: np.ndarray, v: np.ndarray) -> float:
    """cos θ = u·v / (‖u‖ ‖v‖); 0 when either vector is zero."""
    nu, nv = float(np.linalg.norm(u)), float(np.linalg.norm(v))
    return 0.0 if nu == 0 or nv == 0 else float(np.dot(u, v) / (nu * nv))


def bias_direction(pairs: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
    """g: the mean of e_a − e_b over pairs such as (woman, man), (mother, father), (girl, boy).

    One pair gives the course's g = e_woman − e_man; averaging several pairs cancels some of what each
    pair differs in besides the bias.
    """
    if not pairs:
        raise ValueError("the bias direction needs at least one pair of words")
    return np.mean([np.asarray(a, float) - np.asarray(b, float) for a, b in pairs], axis=0)


def project(e: np.ndarray, g: np.ndarray) -> np.ndarray:
    """The part of e along g: (e·g / ‖g‖²) g."""
    g = np.asarray(g, float)
    gg = float(g @ g)
    if gg == 0:
        raise ValueError("the bias direction is the zero vector (the two words have the same vector)")
    return (np.asarray(e, float) @ g) / gg * g


def neutralize(e: np.ndarray, g: np.ndarray) -> np.ndarray:
    """Remove the bias component of a word that should be neutral (receptionist, doctor):
    e_debiased = e − (e·g / ‖g‖²) g, so that e_debiased · g = 0."""
    return np.asarray(e, float) - project(e, g)


def _mean_parts(e1: np.ndarray, e2: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Equalize's first steps: μ = (e1 + e2)/2, its part μ_B along g, the rest μ_⊥, and sqrt(|1 − ‖μ_⊥‖²|)."""
    mu = (e1 + e2) / 2
    mu_b = project(mu, g)
    mu_orth = mu - mu_b
    return mu_b, mu_orth, float(np.sqrt(abs(1 - float(mu_orth @ mu_orth))))


def equalize(e1: np.ndarray, e2: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Make a pair that should differ only by the bias (actor / actress) equidistant from every
    neutralized word, as in the course (Bolukbasi et al. 2016). The vectors are first scaled to unit
    length, as the method assumes.

    μ = (e1 + e2)/2, μ_B its part along g, μ_⊥ = μ − μ_B; each word keeps μ_⊥ and gets a bias part
    of the same size and opposite sign, scaled so the result has unit length:
    e_i = μ_⊥ + sqrt(|1 − ‖μ_⊥‖²|) · (e_iB − μ_B) / ‖e_iB − μ_B‖.
    """
    e1 = np.asarray(e1, float) / np.linalg.norm(e1)
    e2 = np.asarray(e2, float) / np.linalg.norm(e2)
    mu_b, mu_orth, scale = _mean_parts(e1, e2, g)
    out = []
    for e in (e1, e2):
        d = project(e, g) - mu_b
        n = float(np.linalg.norm(d))
        if n == 0:
            raise ValueError("the two words have the same bias component, so there is nothing to equalize")
        out.append(mu_orth + scale * d / n)
    return out[0], out[1]


def equalize_course(e1: np.ndarray, e2: np.ndarray, g: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Equalize exactly as the course's notebook writes it (its equations 4-12), on the vectors as they are:

    e_iB^corrected = sqrt(|1 − ‖μ_⊥‖²|) · (e_iB − μ_B) / ‖(e_i − μ_⊥) − μ_B‖,   e_i = e_iB^corrected + μ_⊥.

    The formula assumes unit vectors; GloVe's are 4-6 long, so ‖μ_⊥‖² is far from 1 and the pair ends up further
    along g than `equalize` (which scales to unit length first) puts it: on GloVe 6B 50d, man / woman get
    cos(e, g) = ∓0.700 here (the notebook's printed numbers) against ∓0.267 with `equalize`. Both are symmetric
    about the neutral directions, which is what equalizing is for.
    """
    e1, e2 = np.asarray(e1, float), np.asarray(e2, float)
    mu_b, mu_orth, scale = _mean_parts(e1, e2, g)
    out = []
    for e in (e1, e2):
        n = float(np.linalg.norm(e - mu_orth - mu_b))
        if n == 0:
            raise ValueError("the two words have the same bias component, so there is nothing to equalize")
        out.append(scale * (project(e, g) - mu_b) / n + mu_orth)
    return out[0], out[1]


# ---------------------------------------------------------------- vectors, neighbours, analogies

SUGGEST_WORDS = 50_000  # "did you mean" looks among this many most frequent words


@dataclass
class WordVectors:
    """Trained word vectors: words (most frequent first), E with e_w in row w, and the corpus counts."""

    words: list[str]
    E: np.ndarray  # (V, n_e) float32
    counts: np.ndarray  # (V,) how often each word occurred in the training corpus
    method: str = ""  # "skip-gram", "cbow" or "glove"
    info: dict = field(default_factory=dict)  # corpus and settings, metrics

    def __post_init__(self):
        self.E = np.asarray(self.E, dtype=np.float32)
        self.counts = np.asarray(self.counts, dtype=np.int64)
        if self.E.shape[0] != len(self.words) or self.counts.shape[0] != len(self.words):
            raise ValueError("words, E and counts must have one row per word")

    @cached_property
    def index(self) -> dict[str, int]:
        """word -> row of E."""
        return {w: i for i, w in enumerate(self.words)}

    @cached_property
    def unit(self) -> np.ndarray:
        """Rows of E scaled to length 1, so a dot product is the cosine similarity."""
        n = np.linalg.norm(self.E, axis=1, keepdims=True)
        return self.E / np.where(n == 0, 1, n)

    def __contains__(self, word: str) -> bool:
        return word in self.index

    def __len__(self) -> int:
        return len(self.words)

    @property
    def n_e(self) -> int:
        return int(self.E.shape[1])

    @property
    def has_counts(self) -> bool:
        """Whether the corpus counts are known (GloVe 6B ships its words in frequency order, without counts)."""
        return bool(self.counts.any())

    def frequencies(self) -> np.ndarray:
        """How often each word occurred: the counts, or, when they are unknown, Zipf's law from the rank
        (f ∝ 1 / rank), which is close for the frequent words that negative sampling mostly draws."""
        if self.has_counts:
            return self.counts.astype(float)
        return 1.0 / np.arange(1, len(self.words) + 1, dtype=float)

    def sampling_cdf(self, power: float = 0.75) -> np.ndarray:
        """Cumulative sums of P(w) = f(w)^power / Σ f^power, computed once per power (400,000 words: ~10 ms)."""
        cache = self.__dict__.setdefault("_cdfs", {})
        if power not in cache:
            p = self.frequencies() ** power
            cdf = (p / p.sum()).cumsum()
            cache[power] = cdf / cdf[-1]
        return cache[power]

    def map_rows(self, n: int) -> np.ndarray:
        """Rows of the n most frequent words made of letters only (GloVe 6B's list starts with , . " 's and
        numbers, which a map of words does not want); the first n rows when every word is letters."""
        n = max(0, min(int(n), len(self.words)))
        rows = self._letter_rows
        return np.arange(n) if len(rows) == len(self.words) else rows[:n]

    @cached_property
    def _letter_rows(self) -> np.ndarray:
        return np.flatnonzero([w.isalpha() for w in self.words])

    def vector(self, word: str) -> np.ndarray:
        """e_w (a KeyError names the word when it is not in the vocabulary)."""
        return self.E[self.index[word]]

    def normalize(self, word: str) -> str:
        """The form the vocabulary uses: stripped and lower-case."""
        return word.strip().lower()

    def missing(self, words) -> list[str]:
        """The words (normalised) the vocabulary does not hold."""
        return [w for w in (self.normalize(x) for x in words) if w not in self.index]

    def suggest(self, word: str, n: int = 5) -> list[str]:
        """Known words that look like `word` (difflib), most frequent among the close ones first."""
        word = self.normalize(word)
        close = difflib.get_close_matches(word, self._frequent, n=n, cutoff=0.7)
        if len(close) < n:
            more = self.words[:SUGGEST_WORDS]  # difflib over 400,000 words takes seconds; 50,000 take ~0.3 s
            close += [w for w in difflib.get_close_matches(word, more, n=n, cutoff=0.6) if w not in close]
        return close[:n]

    @cached_property
    def _frequent(self) -> list[str]:
        return self.words[:5000]

    def similarity(self, a: str, b: str) -> float:
        """cos(e_a, e_b)."""
        return float(self.unit[self.index[a]] @ self.unit[self.index[b]])

    def neighbours(self, query, k: int = 10, exclude=(), limit: int | None = None) -> list[tuple[str, float]]:
        """The k words whose vectors have the largest cosine with `query` (a word or a vector),
        the query word and `exclude` left out; only the `limit` most frequent words searched when given."""
        if isinstance(query, str):
            exclude = set(exclude) | {query}
            q = self.unit[self.index[query]]
        else:
            q = np.asarray(query, dtype=np.float32)
            q = q / (np.linalg.norm(q) or 1.0)
        sims = self.unit[: limit or None] @ q
        skip = [i for i in (self.index[w] for w in exclude if w in self.index) if i < len(sims)]
        sims[skip] = -np.inf
        k = min(k, len(sims) - len(skip))
        top = np.argpartition(-sims, k - 1)[:k] if k > 0 else np.array([], dtype=int)
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.words[i], float(sims[i])) for i in top]

    def neighbours_among(self, query: str, candidates, k: int = 10) -> list[tuple[str, float]]:
        """The k words of `candidates` (a word list; unknown words and the query itself left out) whose vectors
        have the largest cosine with the word `query`, most similar first."""
        pool = list(dict.fromkeys(w for w in candidates if w in self.index and w != query))
        if not pool or k <= 0:
            return []
        sims = self.unit[[self.index[w] for w in pool]] @ self.unit[self.index[query]]  # (len(pool),)
        top = np.argsort(-sims, kind="stable")[:k]
        return [(pool[i], float(sims[i])) for i in top]

    def analogy(self, a: str, b: str, c: str, k: int = 5, limit: int | None = None) -> list[tuple[str, float]]:
        """a : b :: c : ?  The words w maximising cos(e_w, e_b − e_a + e_c) (on unit vectors, as
        word2vec's and gensim's evaluation do: "3CosAdd"), a, b and c themselves left out."""
        u = self.unit
        target = u[self.index[b]] - u[self.index[a]] + u[self.index[c]]
        return self.neighbours(target, k, exclude={a, b, c}, limit=limit)

    def course_analogy(self, a: str, b: str, c: str, limit: int | None = None) -> str:
        """a : b :: c : ? as the course's notebook searches: the word w maximising cos(e_b − e_a, e_w − e_c) on the
        raw vectors. It differs from `analogy` on some questions (man : woman :: king : ? gives "princess" here,
        "queen" there, on GloVe 6B 50d)."""
        E = self.E[: limit or None]
        d = self.vector(b).astype(np.float64) - self.vector(a)
        ec = self.vector(c).astype(np.float64)
        # ‖e_w − e_c‖² = ‖e_w‖² − 2 e_w·e_c + ‖e_c‖², so no (V, n_e) difference matrix is built
        num = E @ d.astype(np.float32) - float(ec @ d)
        den = np.sqrt(np.maximum(self._sq_norms[: len(E)] - 2 * (E @ ec.astype(np.float32)) + float(ec @ ec), 0))
        with np.errstate(divide="ignore", invalid="ignore"):
            sims = np.where(den > 0, num / (den * (np.linalg.norm(d) or 1.0)), -np.inf)
        for w in (a, b, c):
            if self.index[w] < len(sims):
                sims[self.index[w]] = -np.inf
        return self.words[int(np.argmax(sims))]

    @cached_property
    def _sq_norms(self) -> np.ndarray:
        return np.einsum("ij,ij->i", self.E, self.E)


class EmbeddingTable(nn.Module):
    """A WordVectors as a checkpoint (see seqviz.core.checkpoint): E as an nn.Embedding, the counts as a buffer."""

    KIND = "embeddings"

    def __init__(self, words: list[str], n_e: int, method: str = "", info: dict | None = None):
        super().__init__()
        self.words, self.method, self.info = list(words), method, dict(info or {})
        self.E = nn.Embedding(len(self.words), n_e)  # row w is e_w = E o_w
        self.register_buffer("counts", torch.zeros(len(self.words), dtype=torch.int64))

    @classmethod
    def from_vectors(cls, v: WordVectors) -> EmbeddingTable:
        table = cls(v.words, v.n_e, v.method, v.info)
        with torch.no_grad():
            table.E.weight.copy_(torch.from_numpy(v.E))
            table.counts.copy_(torch.from_numpy(v.counts))
        return table

    def config_dict(self) -> dict:
        return {"words": self.words, "n_e": self.E.embedding_dim, "method": self.method, "info": self.info}

    def vectors(self) -> WordVectors:
        return WordVectors(
            self.words, self.E.weight.detach().cpu().numpy().copy(), self.counts.cpu().numpy(), self.method, self.info
        )


# ---------------------------------------------------------------- what the course draws


def onehot(vectors: WordVectors, word: str) -> tuple[int, np.ndarray, np.ndarray]:
    """(index of w, its one-hot o_w of length V, e_w = E o_w), the product computed as the course writes it."""
    k = vectors.index[word]
    o = np.zeros(len(vectors), dtype=np.float32)
    o[k] = 1.0
    return k, o, vectors.E.T @ o  # (n_e, V) @ (V,) = (n_e,): picks column w of E


def skipgram_pairs(tokens: list[str], window: int) -> list[tuple[int, str, str]]:
    """Skip-gram's training pairs: for each position t, the (t, context c, target) with the centre
    word as c and every word within `window` of it as a target to predict."""
    return [
        (t, c, tokens[u])
        for t, c in enumerate(tokens)
        for u in range(max(0, t - window), min(len(tokens), t + window + 1))
        if u != t
    ]


def cbow_pairs(tokens: list[str], window: int) -> list[tuple[int, list[str], str]]:
    """CBOW's training examples: the words around position t (up to `window` each side) predict the word at t."""
    return [
        (t, [tokens[u] for u in range(max(0, t - window), min(len(tokens), t + window + 1)) if u != t], w)
        for t, w in enumerate(tokens)
        if len(tokens) > 1
    ]


def negative_samples(
    vectors: WordVectors, context: str, target: str, k: int, seed: int = 0, power: float = 0.75
) -> list[tuple[str, str, int]]:
    """Negative sampling: the real (context, target) pair labelled 1, and k words drawn at random with
    P(w) = f(w)^¾ / Σ f(w')^¾ (f = corpus frequency) labelled 0, as in the course.

    A draw that hits the target itself is skipped and drawn again, as word2vec does.
    """
    rng = np.random.default_rng(seed)
    cdf = vectors.sampling_cdf(power)
    skip = vectors.index.get(target)
    if skip is not None and cdf[skip] - (cdf[skip - 1] if skip else 0.0) >= 1:
        return [(context, target, 1)]  # nothing else could be drawn
    drawn = []
    while len(drawn) < k:  # what rng.choice(V, k, p=p) draws, from the cumulative sums kept on the vectors
        draws = cdf.searchsorted(rng.random(k), side="right")
        drawn += [int(i) for i in draws if i != skip][: k - len(drawn)]
    return [(context, target, 1)] + [(context, vectors.words[i], 0) for i in drawn]


def sampling_distribution(vectors: WordVectors, n: int = 15, power: float = 0.75):
    """(words, frequency share f(w), the ¾-power share) for the n most frequent words made of letters
    (GloVe 6B's list starts with , . and "): the ¾ power lifts rare words and lowers 'the', 'of'."""
    f = vectors.frequencies()
    p = f**power
    rows = vectors.map_rows(n)
    return [vectors.words[i] for i in rows], (f / f.sum())[rows], (p / p.sum())[rows]


@dataclass
class DebiasReport:
    """Each word's cosine with the bias direction g, before and after the course's two steps."""

    g: np.ndarray
    neutral: list[str]  # words neutralized
    before: dict[str, float]  # cos(e_w, g) for every word shown
    after: dict[str, float]
    pairs: list[tuple[str, str]]  # pairs equalized
    distances: list[dict]  # per neutral word and pair: cos to each word of the pair, before/after
    after_course: dict[str, float] = field(default_factory=dict)  # pair words: cos(e_w, g) after the notebook's
    # equalize formula (equalize_course), beside `after` (equalize, unit length first)


def debias(
    vectors: WordVectors, axis_pairs: list[tuple[str, str]], neutral: list[str], pairs: list[tuple[str, str]]
) -> DebiasReport:
    """Bias direction from `axis_pairs`, neutralize `neutral`, equalize `pairs` (all words must be known).

    As in the course's notebook, g and the neutralize step use the vectors as they are (so one pair woman-man gives
    the notebook's g = e_woman − e_man and its cosines); equalize scales the pair to unit length first, as the
    method assumes, and the notebook's own formula is reported beside it (`after_course`).
    """
    u = {
        w: np.asarray(vectors.vector(w), dtype=float) for w in {w for p in axis_pairs + pairs for w in p} | set(neutral)
    }
    g = bias_direction([(u[a], u[b]) for a, b in axis_pairs])
    new, course = dict(u), {}
    for w in neutral:
        new[w] = neutralize(u[w], g)
    for a, b in pairs:
        if a != b:
            new[a], new[b] = equalize(u[a], u[b], g)
            ca, cb = equalize_course(u[a], u[b], g)
            course[a], course[b] = cosine(ca, g), cosine(cb, g)
    shown = list(dict.fromkeys(neutral + [w for p in pairs for w in p]))
    dist = [
        {
            "word": w,
            "pair": (a, b),
            "before": (cosine(u[w], u[a]), cosine(u[w], u[b])),
            "after": (cosine(new[w], new[a]), cosine(new[w], new[b])),
        }
        for w in neutral
        for a, b in pairs
    ]
    return DebiasReport(
        g, neutral, {w: cosine(u[w], g) for w in shown}, {w: cosine(new[w], g) for w in shown}, pairs, dist, course
    )
