"""Sentiment classification as in the course (Emojify): the average of the word vectors into a
softmax, against an LSTM that reads the words in order. Both read the same embedding matrix E, so the
only difference between them is how they combine the words. E is either learnt here (word2vec vectors,
fine-tuned while the two classifiers are trained together) or, as in the course's Emojify V1 / V2, the
pretrained GloVe 6B 50d vectors, frozen: then a word never seen in training still has its e_w, close to
the words it is used like ("wonderful" near "terrific"), and the classifiers read it as they read those.

The point of the lesson: averaging forgets word order, so "not feeling happy" looks like
"feeling happy" plus a little "not"; the LSTM carries "not" forward in its state.
"""

from __future__ import annotations

import functools
from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqviz.core.text import tokenize

GLOVE = "glove-6b-50d"  # the pretrained vectors a frozen E can be (seqviz.embeddings.glove6b)
FROZEN_VECTORS = (GLOVE,)

CLASSES = ("negative", "positive")
PAD = "<pad>"  # index 0: padding and every word E does not know
MAX_TOKENS = 100  # words read per text, in training and on the page (longer ones are cut)
NEGATIONS = {
    "en": {"not", "no", "never", "nothing", "nor", "neither", "without", "hardly"},
    "zh": {"不", "没", "没有", "不是", "不会", "别", "无", "未", "不能", "不太", "并不", "毫无"},
}
CONTRAST = {  # (text, true label) pairs that differ by a negation, as in the course
    "en": [
        ("i am feeling happy", 1),
        ("i am not feeling happy", 0),
        ("this movie is good", 1),
        ("this movie is not good", 0),
        ("the food was bad", 0),
        ("the food was not bad", 1),
        ("there is nothing to like in this movie", 0),
    ],
    "zh": [
        ("我很喜欢", 1),
        ("我一点也不喜欢", 0),
        ("质量差", 0),
        ("质量不差", 1),
        ("有问题", 0),
        ("没有问题", 1),
        ("我不难过", 1),
        ("买了不会后悔", 1),
    ],
}


def is_negation(token: str, lang: str) -> bool:
    """A word that turns the meaning round: not, never, n't ... / 不, 没有 ..."""
    return token in NEGATIONS[lang] or (lang == "en" and token.endswith("n't"))


@dataclass
class SentimentConfig:
    """Shape of a pair of classifiers over one shared embedding matrix."""

    lang: str = "en"  # "en" or "zh": which tokenizer
    words: tuple = ()  # vocabulary of E, PAD first (only PAD when E is frozen pretrained vectors)
    n_e: int = 50  # embedding size
    n_a: int = 64  # LSTM hidden units
    vectors: str = ""  # "": E is learnt here (a row per word of `words`); GLOVE: E is GloVe 6B 50d, frozen


def split_clitics(tokens: list[str], known) -> list[str]:
    """GloVe 6B's tokenization of English contractions: "don't" -> "do", "n't"; "it's" -> "it", "'s" (only
    for words the vectors do not hold whole, `known` being their word -> row mapping)."""
    out = []
    for w in tokens:
        if "'" not in w or w in known or w.startswith("'"):
            out.append(w)
        elif w.endswith("n't") and len(w) > 3:  # isn't -> is n't, can't -> ca n't, won't -> wo n't (as GloVe has them)
            out += [w[:-3], "n't"]
        else:
            head, _, tail = w.partition("'")
            out += [head, "'" + tail]
    return out


@functools.cache
def _frozen_matrix(name: str) -> torch.Tensor:
    """The pretrained vectors' matrix (V, n_e) as a tensor over the same memory (no copy: GloVe 6B's 80 MB are
    memory-mapped once per process and shared by every model that reads them; never written)."""
    import warnings

    from seqviz.embeddings.glove6b import load_vectors

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "the given NumPy array is not writable": it is read-only
        return torch.from_numpy(np.asarray(load_vectors(name).E))  # a CPU tensor even on the loader's "meta"


class _ShiftedIndex:
    """word -> row of a frozen E: the vectors' own row + 1 (row 0 is padding); a view, not a 400,000-entry copy."""

    def __init__(self, index: dict):
        self._index = index

    def get(self, w, default=None):
        i = self._index.get(w)
        return default if i is None else i + 1

    def __contains__(self, w) -> bool:
        return w in self._index

    def __len__(self) -> int:
        return len(self._index) + 1


class FrozenE(nn.Module):
    """E = pretrained vectors, not trained: a buffer (no optimiser sees it, requires_grad False) that is left out of
    the checkpoint (non-persistent) and rebuilt from the vectors when the model is built. Id 0 (padding and unknown
    words) reads a zero vector; id r + 1 reads row r of the vectors."""

    def __init__(self, name: str):
        super().__init__()
        self.register_buffer("weight", _frozen_matrix(name), persistent=False)  # (V, n_e), the vectors' own rows
        self.padding_idx, self.embedding_dim = 0, self.weight.shape[1]

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        e = F.embedding((ids - 1).clamp(min=0), self.weight)  # e_w = E o_w, a row lookup
        return e * (ids > 0).unsqueeze(-1).to(e.dtype)  # padding: zeros


class SentimentModels(nn.Module):
    """E -> (a) mean of the e_w -> softmax, and (b) LSTM over the e_w -> softmax on its last state a<T>."""

    KIND = "sentiment"  # the checkpoint kind (see seqviz.core.checkpoint)

    def __init__(self, config: SentimentConfig):
        super().__init__()
        self.config = config
        if config.vectors:  # frozen pretrained E: every word the vectors hold can be looked up
            from seqviz.embeddings.glove6b import load_vectors

            self.vectors = load_vectors(config.vectors)
            self.index = _ShiftedIndex(self.vectors.index)
            self.E = FrozenE(config.vectors)
        else:
            self.vectors = None
            self.index = {w: i for i, w in enumerate(config.words)}
            self.E = nn.Embedding(len(config.words), config.n_e, padding_idx=0)  # e_w = E o_w
        self.avg = nn.Linear(config.n_e, len(CLASSES))  # the averaging model's softmax layer
        self.lstm = nn.LSTM(config.n_e, config.n_a, batch_first=True)
        self.head = nn.Linear(config.n_a, len(CLASSES))  # the LSTM model's softmax layer on a<T>
        self.drop = nn.Dropout(0.3)

    def config_dict(self) -> dict:
        d = asdict(self.config)
        d["words"] = list(d["words"])
        if not d["vectors"]:  # E learnt here: the config reads as it always has
            del d["vectors"]
        return d

    @property
    def n_vocabulary(self) -> int:
        """Words E holds (padding not counted)."""
        return len(self.index) - 1

    def tokenize(self, text: str) -> list[str]:
        """The words of `text` as E indexes them (GloVe's contractions split the way GloVe 6B was tokenized)."""
        words = tokenize(text, self.config.lang)
        return split_clitics(words, self.index) if self.config.vectors else words

    def ids(self, tokens: list[str]) -> torch.Tensor:
        """Indices of `tokens` in E; 0 for words it does not know."""
        return torch.tensor([self.index.get(w, 0) for w in tokens[:MAX_TOKENS]], dtype=torch.long)

    def average_logits(self, ids: torch.Tensor) -> torch.Tensor:
        """(b, T) -> (b, 2): softmax layer on the mean of the known words' vectors."""
        mask = (ids > 0).unsqueeze(-1).float()
        mean = (self.E(ids) * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        return self.avg(self.drop(mean))

    def lstm_states(self, ids: torch.Tensor) -> torch.Tensor:
        """(b, T) -> a<t> for every step, (b, T, n_a). Callers leave unknown words out."""
        a, _ = self.lstm(self.drop(self.E(ids)))
        return a

    def lstm_logits(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """(b, T), lengths (b,) -> (b, 2): softmax layer on the last state a<T> of each sequence."""
        packed = nn.utils.rnn.pack_padded_sequence(
            self.drop(self.E(ids)), lengths.cpu().clamp(min=1), batch_first=True, enforce_sorted=False
        )
        _, (h, _) = self.lstm(packed)
        return self.head(self.drop(h[-1]))


@dataclass
class Reading:
    """Both models' verdicts on one text, with each word's share of the decision.

    Contributions are in log-odds of "positive" (log P(pos)/P(neg)) and add up exactly:
    averaging: bias + Σ_w (w_pos − w_neg)·e_w / n;  LSTM: z(a<0>) + Σ_t [z(a<t>) − z(a<t−1>)],
    i.e. how much reading word t moved the LSTM's opinion.
    """

    tokens: list[str]  # the words read (at most MAX_TOKENS)
    known: list[bool]
    p_average: float  # P(positive) from averaging
    p_lstm: float  # P(positive) from the LSTM
    avg_bias: float = 0.0
    avg_contrib: list[float] = field(default_factory=list)
    lstm_start: float = 0.0  # log-odds before any word (a<0> = 0)
    lstm_contrib: list[float] = field(default_factory=list)
    lstm_running: list[float] = field(default_factory=list)  # P(positive) after each known word
    n_words: int = 0  # words in the text before the cut at MAX_TOKENS

    @property
    def n_known(self) -> int:
        return sum(self.known)


def _log_odds(logits: torch.Tensor) -> torch.Tensor:
    return logits[..., 1] - logits[..., 0]


@torch.no_grad()
def read(model: SentimentModels, text: str) -> Reading:
    """Score `text` with both classifiers; unknown words are left out of both."""
    model.eval()
    words = model.tokenize(text)
    tokens = words[:MAX_TOKENS]
    all_ids = model.ids(tokens)
    known = [bool(i > 0) for i in all_ids]
    ids = all_ids[all_ids > 0].unsqueeze(0)
    if ids.shape[1] == 0:
        return Reading(tokens, known, float("nan"), float("nan"), n_words=len(words))
    w = model.avg.weight[1] - model.avg.weight[0]
    bias = float(model.avg.bias[1] - model.avg.bias[0])
    avg_c = (model.E(ids[0]) @ w / ids.shape[1]).tolist()
    a = model.lstm_states(ids)[0]  # (T, n_a)
    z = _log_odds(model.head(torch.cat([torch.zeros(1, a.shape[1]), a])))  # z(a<0>) .. z(a<T>)
    return Reading(
        tokens,
        known,
        p_average=float(torch.sigmoid(torch.tensor(bias + sum(avg_c)))),
        p_lstm=float(torch.sigmoid(z[-1])),
        avg_bias=bias,
        avg_contrib=avg_c,
        lstm_start=float(z[0]),
        lstm_contrib=(z[1:] - z[:-1]).tolist(),
        lstm_running=torch.sigmoid(z[1:]).tolist(),
        n_words=len(words),
    )


def collate(items: list[tuple[torch.Tensor, int]]):
    """Pad (ids, label) pairs: ids (b, T) padded with 0, lengths (b,), labels (b,)."""
    lengths = torch.tensor([max(1, len(x)) for x, _ in items])
    ids = torch.zeros(len(items), int(lengths.max()), dtype=torch.long)
    for i, (x, _) in enumerate(items):
        ids[i, : len(x)] = x
    return ids, lengths, torch.tensor([y for _, y in items])


def encode_examples(model: SentimentModels, examples: list[tuple[list[str], int]]):
    """(tokens, label) -> (ids of the known words, label); examples with no known word are dropped."""
    out = []
    for tokens, y in examples:
        ids = model.ids(tokens)
        ids = ids[ids > 0]
        if len(ids):
            out.append((ids, int(y)))
    return out


def joint_loss(model: SentimentModels, batch) -> torch.Tensor:
    """Cross-entropy of the averaging model plus that of the LSTM: both train at once on one E."""
    ids, lengths, y = batch
    return F.cross_entropy(model.average_logits(ids), y) + F.cross_entropy(model.lstm_logits(ids, lengths), y)


@torch.no_grad()
def predict(model: SentimentModels, data, which: str, batch_size: int = 256) -> np.ndarray:
    """P(positive) of every encoded example under "average" or "lstm"."""
    model.eval()
    out = []
    for i in range(0, len(data), batch_size):
        ids, lengths, _ = collate(data[i : i + batch_size])
        logits = model.average_logits(ids) if which == "average" else model.lstm_logits(ids, lengths)
        out.append(torch.softmax(logits, -1)[:, 1].numpy())
    return np.concatenate(out) if out else np.zeros(0)


def evaluate(model: SentimentModels, data) -> dict:
    """Held-out loss (both models' summed, what fit() keeps the best weights by) and each accuracy."""
    y = np.array([lab for _, lab in data])
    out = {"loss": 0.0}
    for which in ("average", "lstm"):
        p = predict(model, data, which).clip(1e-7, 1 - 1e-7)
        out["loss"] += float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
        out[f"{which}_accuracy"] = float(np.mean((p > 0.5) == y))
    return out


@dataclass
class UnseenWord:
    """A word read by classifiers over a frozen pretrained E, beside the training words its vector is near."""

    word: str  # as E indexes it (lower-case)
    in_vectors: bool  # E holds it (else it is unknown and left out)
    in_training: bool  # some training sentence has it
    neighbours: list[tuple[str, float]]  # nearest training words by cos(e_word, e_v), largest first
    p_average: float  # P(positive) of the text that is only this word (NaN when unknown)
    p_lstm: float


def nearest_training_words(model: SentimentModels, word: str, train_words, k: int = 5) -> list[tuple[str, float]]:
    """The k training words whose vectors in the frozen E have the largest cosine with e_word ([] when E does not
    hold the word, or E is learnt here)."""
    v = model.vectors
    if v is None or word not in v.index:
        return []
    rows = np.array(sorted({v.index[w] for w in train_words if w in v.index and w != word}), dtype=np.int64)
    if not len(rows):
        return []
    sims = v.unit[rows] @ v.unit[v.index[word]]  # (n_train_words,)
    top = np.argsort(-sims, kind="stable")[:k]
    return [(v.words[rows[i]], float(sims[i])) for i in top]


def unseen_word(model: SentimentModels, word: str, train_words, k: int = 5) -> UnseenWord:
    """How the classifiers over a frozen E read one word, and which training words its vector is near."""
    w = word.strip().lower()
    r = read(model, w)
    return UnseenWord(
        w,
        bool(model.index.get(w, 0)),
        w in set(train_words),
        nearest_training_words(model, w, train_words, k),
        r.p_average,
        r.p_lstm,
    )
