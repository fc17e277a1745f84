"""Word embeddings as the course teaches them: the matrix E (e_w = E o_w), word2vec (skip-gram, CBOW,
negative sampling; trained with gensim), GloVe (trained in torch through seqviz.train.fit), cosine
similarity, neighbours, analogies, the debiasing steps, and the benchmark sets gensim ships.

Vectors are plain numpy: a `WordVectors` holds the words (most frequent first), E as a (V, n_e) array
whose row w is e_w (the course draws E as n_e x V; row w here is its column w), and the counts.
"""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Callable

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
    mu = (e1 + e2) / 2
    mu_b = project(mu, g)
    mu_orth = mu - mu_b
    scale = np.sqrt(abs(1 - float(mu_orth @ mu_orth)))
    out = []
    for e in (e1, e2):
        d = project(e, g) - mu_b
        n = float(np.linalg.norm(d))
        if n == 0:
            raise ValueError("the two words have the same bias component, so there is nothing to equalize")
        out.append(mu_orth + scale * d / n)
    return out[0], out[1]


# ---------------------------------------------------------------- text -> sentences of words

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDLIKE = re.compile(r"[^\W\d_]|[\u3400-\u9fff]")      # a letter of any script
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")


def detect_lang(text: str) -> str:
    """"zh" when at least a fifth of the letters are Chinese characters, else "en"."""
    letters = sum(1 for ch in text[:20000] if ch.isalpha())
    return "zh" if letters and len(_CJK.findall(text[:20000])) / letters >= 0.2 else "en"


def corpus_sentences(text: str, lang: str | None = None) -> list[list[str]]:
    """Split a corpus into sentences of lower-case words (Chinese segmented with jieba).

    A line break or . ! ? 。！？ ends a sentence, so no training window reaches across one; tokens
    without a letter (numbers, punctuation, emoji) are dropped.
    """
    from seqviz.sentiment import tokenize

    lang = lang or detect_lang(text)
    out = []
    for line in text.splitlines():
        for part in _SENTENCE_END.split(line):
            words = [w for w in tokenize(part, lang) if _WORDLIKE.search(w)]
            if words:
                out.append(words)
    return out


def wiki_corpus() -> list[list[str]]:
    """The default corpus: gensim's bundled Wikipedia extract (206 pages, about 450k words), markup
    stripped with gensim's filter_wiki, one sentence of lower-case words per item."""
    import bz2

    from gensim.corpora.wikicorpus import extract_pages, filter_wiki
    from gensim.utils import tokenize as gensim_tokenize

    from seqviz.data import WIKI_FILE, gensim_test_file
    out = []
    with bz2.BZ2File(gensim_test_file(WIKI_FILE)) as f:
        for _title, text, _pid in extract_pages(f):
            for para in filter_wiki(text).split("\n"):
                for part in _SENTENCE_END.split(para):
                    words = list(gensim_tokenize(part, lowercase=True))
                    if len(words) > 1:
                        out.append(words)
    return out


# ---------------------------------------------------------------- vectors, neighbours, analogies

@dataclass
class WordVectors:
    """Trained word vectors: words (most frequent first), E with e_w in row w, and the corpus counts."""
    words: list[str]
    E: np.ndarray                  # (V, n_e) float32
    counts: np.ndarray             # (V,) how often each word occurred in the training corpus
    method: str = ""               # "skip-gram", "cbow" or "glove"
    info: dict = field(default_factory=dict)   # corpus and settings, metrics

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
            close += [w for w in difflib.get_close_matches(word, self.words, n=n, cutoff=0.6) if w not in close]
        return close[:n]

    @cached_property
    def _frequent(self) -> list[str]:
        return self.words[:5000]

    def similarity(self, a: str, b: str) -> float:
        """cos(e_a, e_b)."""
        return float(self.unit[self.index[a]] @ self.unit[self.index[b]])

    def neighbours(self, query, k: int = 10, exclude=()) -> list[tuple[str, float]]:
        """The k words whose vectors have the largest cosine with `query` (a word or a vector),
        the query word and `exclude` left out."""
        if isinstance(query, str):
            exclude = set(exclude) | {query}
            q = self.unit[self.index[query]]
        else:
            q = np.asarray(query, dtype=np.float32)
            q = q / (np.linalg.norm(q) or 1.0)
        sims = self.unit @ q
        skip = [self.index[w] for w in exclude if w in self.index]
        sims[skip] = -np.inf
        k = min(k, len(self.words) - len(skip))
        top = np.argpartition(-sims, k - 1)[:k] if k > 0 else np.array([], dtype=int)
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(self.words[i], float(sims[i])) for i in top]

    def analogy(self, a: str, b: str, c: str, k: int = 5) -> list[tuple[str, float]]:
        """a : b :: c : ?  The words w maximising cos(e_w, e_b − e_a + e_c) (on unit vectors, as
        word2vec's evaluation does), a, b and c themselves left out."""
        u = self.unit
        target = u[self.index[b]] - u[self.index[a]] + u[self.index[c]]
        return self.neighbours(target, k, exclude={a, b, c})


class EmbeddingTable(nn.Module):
    """A WordVectors as a checkpoint (see seqviz.pretrained): E as an nn.Embedding, the counts as a buffer."""
    KIND = "embeddings"

    def __init__(self, words: list[str], n_e: int, method: str = "", info: dict | None = None):
        super().__init__()
        self.words, self.method, self.info = list(words), method, dict(info or {})
        self.E = nn.Embedding(len(self.words), n_e)                 # row w is e_w = E o_w
        self.register_buffer("counts", torch.zeros(len(self.words), dtype=torch.int64))

    @classmethod
    def from_vectors(cls, v: WordVectors) -> "EmbeddingTable":
        table = cls(v.words, v.n_e, v.method, v.info)
        with torch.no_grad():
            table.E.weight.copy_(torch.from_numpy(v.E))
            table.counts.copy_(torch.from_numpy(v.counts))
        return table

    def config_dict(self) -> dict:
        return {"words": self.words, "n_e": self.E.embedding_dim, "method": self.method, "info": self.info}

    def vectors(self) -> WordVectors:
        return WordVectors(self.words, self.E.weight.detach().cpu().numpy().copy(), self.counts.cpu().numpy(),
                           self.method, self.info)


# ---------------------------------------------------------------- training: word2vec (gensim) and GloVe (torch)

@dataclass
class Word2VecConfig:
    """Settings of a gensim word2vec run."""
    sg: bool = True              # True: skip-gram (predict each context word from the centre word); False: CBOW
    n_e: int = 100               # embedding size
    window: int = 5              # context words on each side of the centre word
    negative: int = 5            # k: negative samples per positive pair
    min_count: int = 5           # words seen fewer times are dropped
    epochs: int = 10             # passes over the corpus
    seed: int = 0                # with one worker thread, the same seed gives the same vectors


def train_word2vec(sentences: list[list[str]], cfg: Word2VecConfig | None = None,
                   progress: Callable[[int, int, float], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> WordVectors:
    """Train word2vec with gensim (negative sampling, no hierarchical softmax).

    Args:
        progress: called after each epoch with (epoch done, epochs, that epoch's training loss).
        should_stop: asked after each epoch; True ends training there and keeps the vectors so far
            (gensim's own loop has no stop, so the epoch-end callback raises and the error is caught).
    Raises:
        ValueError: the corpus leaves no word seen `min_count` times.
    """
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    cfg = cfg or Word2VecConfig()

    class Report(CallbackAny2Vec):
        def __init__(self):
            self.epoch, self.seen = 0, 0.0

        def on_epoch_end(self, model):
            total = model.get_latest_training_loss()
            self.epoch += 1
            if progress:
                progress(self.epoch, cfg.epochs, total - self.seen)
            self.seen = total
            if should_stop is not None and self.epoch < cfg.epochs and should_stop():
                raise _StopTraining

    model = Word2Vec(vector_size=cfg.n_e, window=cfg.window, min_count=cfg.min_count, sg=int(cfg.sg),
                     negative=cfg.negative, hs=0, seed=cfg.seed, workers=1, compute_loss=True)
    model.build_vocab(sentences)
    if len(model.wv) < 2:
        raise ValueError("too_small")
    report = Report()
    try:
        model.train(sentences, total_examples=model.corpus_count, epochs=cfg.epochs, compute_loss=True,
                    callbacks=[report])
    except _StopTraining:
        pass                             # raised between epochs: gensim's worker threads are done
    words = list(model.wv.index_to_key)
    counts = np.array([model.wv.get_vecattr(w, "count") for w in words])
    return WordVectors(words, model.wv.vectors.copy(), counts, "skip-gram" if cfg.sg else "cbow",
                       {"config": asdict(cfg), "tokens": int(sum(map(len, sentences))), "epochs_done": report.epoch})


class _StopTraining(Exception):
    """Raised from gensim's epoch-end callback to end a run early."""


@dataclass
class GloveConfig:
    """Settings of a GloVe run (Pennington et al. 2014, as the course states it)."""
    n_e: int = 100               # embedding size
    window: int = 10             # words on each side counted as co-occurring, weighted 1/distance
    min_count: int = 5           # words seen fewer times are dropped
    x_max: float = 100.0         # f(X_ij) = (X_ij / x_max)^power below x_max, else 1
    power: float = 0.75
    epochs: int = 25             # passes over the non-zero X_ij
    lr: float = 0.05             # AdaGrad learning rate, as in the paper
    batch_size: int = 16384      # X_ij entries per step
    seed: int = 0
    device: str = "auto"         # "auto" (CUDA when present), "cuda" or "cpu"
    max_seconds: float | None = None   # stop after this much wall time (the best vectors so far are kept)


def build_vocab(sentences: list[list[str]], min_count: int) -> tuple[list[str], np.ndarray]:
    """Words seen at least `min_count` times, most frequent first (ties alphabetically), and their counts."""
    counts = Counter(w for s in sentences for w in s)
    words = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
    return words, np.array([counts[w] for w in words], dtype=np.int64)


def cooccurrence(sentences: list[list[str]], index: dict[str, int], window: int):
    """The co-occurrence counts X_ij: how often word j appears within `window` words of word i, each
    time weighted 1/distance (as GloVe does). Symmetric; only non-zero entries are returned.

    Returns:
        (i, j, x): int64, int64 and float64 arrays of the non-zero entries, sorted by (i, j).
    """
    V = len(index)
    pad = np.full(window, -1, dtype=np.int64)     # -1s between sentences: no pair reaches across one
    parts = []
    for s in sentences:
        ids = [index[w] for w in s if w in index]   # out-of-vocabulary words are removed first
        if len(ids) > 1:
            parts += [np.array(ids, dtype=np.int64), pad]
    if not parts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0)
    ids = np.concatenate(parts)
    keys, weights = [], []
    for d in range(1, window + 1):
        a, b = ids[:-d], ids[d:]
        ok = (a >= 0) & (b >= 0)
        a, b = a[ok], b[ok]
        keys += [a * V + b, b * V + a]               # both directions: X is symmetric
        weights += [np.full(2 * len(a), 1.0 / d)]
    keys = np.concatenate(keys)
    uniq, inv = np.unique(keys, return_inverse=True)
    x = np.bincount(inv, weights=np.concatenate(weights))
    return uniq // V, uniq % V, x


class GloVe(nn.Module):
    """θ_i and e_j with biases b_i, b'_j, so that θ_i·e_j + b_i + b'_j ≈ log X_ij."""

    def __init__(self, V: int, n_e: int):
        super().__init__()
        scale = 0.5 / n_e
        self.theta = nn.Parameter((torch.rand(V, n_e) - 0.5) * 2 * scale)   # θ_i (one role)
        self.e = nn.Parameter((torch.rand(V, n_e) - 0.5) * 2 * scale)       # e_j (the other role)
        self.b = nn.Parameter(torch.zeros(V))
        self.b_tilde = nn.Parameter(torch.zeros(V))

    def forward(self, i, j):
        return (self.theta[i] * self.e[j]).sum(-1) + self.b[i] + self.b_tilde[j]   # (batch,)

    def final(self) -> np.ndarray:
        """The course's final e_w = (e_w + θ_w) / 2: the two roles are symmetric, so average them."""
        return ((self.e + self.theta) / 2).detach().cpu().numpy()


def glove_weight(x, x_max: float = 100.0, power: float = 0.75):
    """f(X_ij): (X_ij / x_max)^power below x_max, else 1, so rare pairs count less and frequent ones
    (of, the) do not dominate; f(0) = 0, so pairs never seen add nothing."""
    return torch.clamp(x / x_max, max=1.0) ** power


def glove_loss(model, batch, x_max: float = 100.0, power: float = 0.75):
    """Σ f(X_ij) (θ_i·e_j + b_i + b'_j − log X_ij)², summed over the batch (AdaGrad, as GloVe)."""
    i, j, x = batch
    return (glove_weight(x, x_max, power) * (model(i, j) - torch.log(x)) ** 2).sum()


class _Chunks:
    """The non-zero X_ij, shuffled once and cut into batches: one item is one whole batch, so the
    DataLoader does no per-entry Python work."""

    def __init__(self, i, j, x, batch_size: int, seed: int):
        order = np.random.default_rng(seed).permutation(len(x))
        self.i, self.j = torch.from_numpy(i[order]), torch.from_numpy(j[order])
        self.x = torch.from_numpy(x[order].astype(np.float32))
        self.bs = batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.bs)

    def __getitem__(self, k):
        sl = slice(k * self.bs, (k + 1) * self.bs)
        return self.i[sl], self.j[sl], self.x[sl]


def train_glove(sentences: list[list[str]], cfg: GloveConfig | None = None, callbacks=()):
    """Count X, then fit GloVe through SeqViz's one training loop (seqviz.train.fit).

    Returns:
        (WordVectors with e_w = (e_w + θ_w)/2, the loop's TrainState: per-step loss history).
    Raises:
        ValueError("too_small"): fewer than 2 words reach min_count, or no pair co-occurs.
    """
    from seqviz.train import TrainConfig, fit
    cfg = cfg or GloveConfig()
    words, counts = build_vocab(sentences, cfg.min_count)
    if len(words) < 2:
        raise ValueError("too_small")
    index = {w: k for k, w in enumerate(words)}
    i, j, x = cooccurrence(sentences, index, cfg.window)
    if len(x) == 0:
        raise ValueError("too_small")
    torch.manual_seed(cfg.seed)
    model = GloVe(len(words), cfg.n_e)
    data = _Chunks(i, j, x, cfg.batch_size, cfg.seed)
    n_val = min(len(x), 50_000)     # the objective on a fixed random sample of entries picks the best epoch
    pick = np.random.default_rng(cfg.seed + 1).permutation(len(x))[:n_val]
    val = tuple(torch.from_numpy(a[pick]) for a in (i, j, x.astype(np.float32)))

    def val_fn(m):
        dev = next(m.parameters()).device
        return {"loss": glove_loss(m, tuple(v.to(dev) for v in val), cfg.x_max, cfg.power) / n_val}

    state = fit(model, lambda m, b: glove_loss(m, b, cfg.x_max, cfg.power), data,
                TrainConfig(epochs=cfg.epochs, lr=cfg.lr, optimizer="adagrad", batch_size=1, clip=None,
                            seed=cfg.seed, device=cfg.device, max_seconds=cfg.max_seconds),
                val_fn=val_fn, callbacks=callbacks, collate_fn=lambda b: b[0])
    info = {"config": asdict(cfg), "tokens": int(sum(map(len, sentences))), "nonzero_X": int(len(x)),
            "device": str(state.device), "seconds": round(state.elapsed, 1), "stop_reason": state.stop_reason}
    return WordVectors(words, model.cpu().final(), counts, "glove", info), state


# ---------------------------------------------------------------- the benchmark sets gensim ships

BENCHMARKS = {"analogy": "questions-words.txt", "wordsim353": "wordsim353.tsv", "simlex999": "simlex999.txt"}


def keyed_vectors(vectors: WordVectors):
    """The same vectors as a gensim KeyedVectors (for gensim's evaluation code)."""
    from gensim.models import KeyedVectors
    kv = KeyedVectors(vectors.n_e)
    kv.add_vectors(vectors.words, vectors.E)
    return kv


def evaluate(vectors: WordVectors) -> dict:
    """Scores on the sets gensim ships, with coverage (the share of items whose words are all known).

    analogy: accuracy on the questions-words analogies (Mikolov et al. 2013) that are covered;
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
    score, sections = kv.evaluate_word_analogies(path, restrict_vocab=len(vectors), case_insensitive=True)
    tot = sections[-1]
    n = len(tot["correct"]) + len(tot["incorrect"])
    out["analogy"] = {"accuracy": float(score) if n else 0.0, "covered": n, "total": total,
                      "coverage": n / total}
    for name in ("wordsim353", "simlex999"):
        path = datapath(BENCHMARKS[name])
        with open(path, encoding="utf-8") as f:
            rows = [line.lower().split("\t") for line in f if line.strip() and not line.startswith("#")]
        n_known = sum(1 for r in rows if len(r) >= 3 and r[0] in kv and r[1] in kv)
        rho = 0.0
        if n_known >= 3:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                _pearson, spearman, _oov = kv.evaluate_word_pairs(path, restrict_vocab=len(vectors),
                                                                  case_insensitive=True)
            rho = float(spearman[0]) if spearman[0] == spearman[0] else 0.0    # NaN when ratings tie
        out[name] = {"spearman": rho, "coverage": n_known / len(rows), "covered": n_known, "total": len(rows)}
    return out


# ---------------------------------------------------------------- what the course draws

def onehot(vectors: WordVectors, word: str) -> tuple[int, np.ndarray, np.ndarray]:
    """(index of w, its one-hot o_w of length V, e_w = E o_w), the product computed as the course writes it."""
    k = vectors.index[word]
    o = np.zeros(len(vectors), dtype=np.float32)
    o[k] = 1.0
    return k, o, vectors.E.T @ o          # (n_e, V) @ (V,) = (n_e,): picks column w of E


def skipgram_pairs(tokens: list[str], window: int) -> list[tuple[int, str, str]]:
    """Skip-gram's training pairs: for each position t, the (t, context c, target) with the centre
    word as c and every word within `window` of it as a target to predict."""
    return [(t, c, tokens[u]) for t, c in enumerate(tokens)
            for u in range(max(0, t - window), min(len(tokens), t + window + 1)) if u != t]


def cbow_pairs(tokens: list[str], window: int) -> list[tuple[int, list[str], str]]:
    """CBOW's training examples: the words around position t (up to `window` each side) predict the word at t."""
    return [(t, [tokens[u] for u in range(max(0, t - window), min(len(tokens), t + window + 1)) if u != t], w)
            for t, w in enumerate(tokens) if len(tokens) > 1]


def negative_samples(vectors: WordVectors, context: str, target: str, k: int, seed: int = 0,
                     power: float = 0.75) -> list[tuple[str, str, int]]:
    """Negative sampling: the real (context, target) pair labelled 1, and k words drawn at random with
    P(w) = f(w)^¾ / Σ f(w')^¾ (f = corpus frequency) labelled 0, as in the course.

    A draw that hits the target itself is skipped and drawn again, as word2vec does.
    """
    rng = np.random.default_rng(seed)
    p = vectors.counts.astype(float) ** power
    p /= p.sum()
    skip = vectors.index.get(target)
    if skip is not None and p[skip] >= 1:
        return [(context, target, 1)]                  # nothing else could be drawn
    drawn = []
    while len(drawn) < k:
        drawn += [i for i in rng.choice(len(vectors), size=k, p=p) if i != skip][: k - len(drawn)]
    return [(context, target, 1)] + [(context, vectors.words[i], 0) for i in drawn]


def sampling_distribution(vectors: WordVectors, n: int = 15, power: float = 0.75):
    """(words, frequency share f(w), the ¾-power share) for the n most frequent words: the ¾ power
    lifts rare words and lowers 'the', 'of'."""
    f = vectors.counts.astype(float)
    p = f ** power
    return vectors.words[:n], (f / f.sum())[:n], (p / p.sum())[:n]


@dataclass
class DebiasReport:
    """Each word's cosine with the bias direction g, before and after the course's two steps."""
    g: np.ndarray
    neutral: list[str]                     # words neutralized
    before: dict[str, float]               # cos(e_w, g) for every word shown
    after: dict[str, float]
    pairs: list[tuple[str, str]]           # pairs equalized
    distances: list[dict]                  # per neutral word and pair: cos to each word of the pair, before/after


def debias(vectors: WordVectors, axis_pairs: list[tuple[str, str]], neutral: list[str],
           pairs: list[tuple[str, str]]) -> DebiasReport:
    """Bias direction from `axis_pairs`, neutralize `neutral`, equalize `pairs` (all words must be known).

    The vectors are taken at unit length first, as the equalize step assumes.
    """
    u = {w: vectors.unit[vectors.index[w]].astype(float)
         for w in {w for p in axis_pairs + pairs for w in p} | set(neutral)}
    g = bias_direction([(u[a], u[b]) for a, b in axis_pairs])
    new = dict(u)
    for w in neutral:
        new[w] = neutralize(u[w], g)
    for a, b in pairs:
        if a != b:
            new[a], new[b] = equalize(u[a], u[b], g)
    shown = list(dict.fromkeys(neutral + [w for p in pairs for w in p]))
    dist = [{"word": w, "pair": (a, b), "before": (cosine(u[w], u[a]), cosine(u[w], u[b])),
             "after": (cosine(new[w], new[a]), cosine(new[w], new[b]))} for w in neutral for a, b in pairs]
    return DebiasReport(g, neutral, {w: cosine(u[w], g) for w in shown}, {w: cosine(new[w], g) for w in shown},
                        pairs, dist)
