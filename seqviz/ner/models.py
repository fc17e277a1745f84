"""A named-entity tagger as in the course: many-to-many with Tx = Ty, one ŷ<t> per token x<t>.

x<t> = [e_w ; shape]  (the token's word vector and its capitalisation: "Teddy" vs "teddy")
→a<t> = LSTM reading x<1> ... x<t>           (the forward state: everything up to and including the token)
←a<t> = LSTM reading x<Tx> ... x<t>          (the backward state: everything from the end back to the token)
ŷ<t>  = softmax(W_y [→a<t> ; ←a<t>] + b_y)   (one probability per tag: B-PER, I-PER, ..., O)

The one-directional tagger is the same model without ←a<t>: its ŷ<t> depends on x<1..t> only, so it cannot tell
"Teddy Roosevelt" (a person) from "Teddy bears" (toys) at the word "Teddy"; the bidirectional one can.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence

from seqviz.ner.data import MAX_TOKENS, TAGS, tokenize

PAD, UNK = "<pad>", "<unk>"  # ids 0 and 1 of the vocabulary
SHAPES = ("pad", "lower", "Title", "UPPER", "digit", "other")  # capitalisation of a token, an id each
_FULL_WIDTH = {c: c + 0xFEE0 for c in range(0x21, 0x7F)}  # ASCII ! … ~ -> full-width ！ … ～
WORD_DROPOUT = 0.1  # share of training tokens read as <unk>, so that unseen names are read from their context


def token_key(token: str, lang: str) -> str:
    """The vocabulary key of a token: English words lower-cased, with a curly apostrophe read as a straight one (the
    shape keeps the case); Chinese ASCII letters and digits in their full-width form, as the People's Daily corpus
    writes them (2 -> ２). Training builds the vocabulary with it, and the tagger looks tokens up with it."""
    if lang == "en":
        return token.lower().replace("’", "'")
    return token.translate(_FULL_WIDTH)


def shape(token: str) -> int:
    """The shape id of a token: lower-case, Title-case, UPPER-case (café, Über, ÉCOLE too), a number, or other
    (punctuation, emoji, and letters without case such as 汉字)."""
    first = token[:1]
    if first.isdigit():
        return 4
    if not first.isalpha() or first.lower() == first.upper():  # no letter, or a script without capitals
        return 5
    if token.isupper() and len(token) > 1:
        return 3
    return 2 if first.isupper() else 1


def entities(tokens: list[str], tags: list[str]) -> list[tuple[str, int, int]]:
    """(type, first, last) token spans of BIO tags, read as conlleval / seqeval read them (an I- after O or after
    another type starts an entity)."""
    from seqeval.metrics.sequence_labeling import get_entities

    return [(kind, i, j) for kind, i, j in get_entities(list(tags))]


@dataclass
class TaggerConfig:
    """Shape of a tagger."""

    lang: str = "en"  # "en" (word tokens) or "zh" (character tokens)
    words: tuple = ()  # the vocabulary of E, PAD and UNK first (lower-case English words / Chinese characters)
    tags: tuple = TAGS  # the labels ŷ<t> ranges over, "O" first
    n_e: int = 64  # size of each word vector e_w
    n_a: int = 64  # hidden units of each direction
    bidirectional: bool = True  # False: the forward LSTM alone (ŷ<t> sees x<1..t> only)
    n_shape: int = 8  # size of the capitalisation vector appended to e_w


@dataclass
class Tagging:
    """A tagger's reading of one text: per token the states of both directions, ŷ<t> and the tag."""

    text: str
    tokens: list[str]  # x<1> ... x<Tx>
    spans: list[tuple[int, int]]  # where each token is in `text` (characters)
    known: np.ndarray  # (Tx,) bool: the token is in the vocabulary (else read as <unk>)
    a_fwd: np.ndarray  # (Tx, n_a) →a<t>
    a_bwd: np.ndarray | None  # (Tx, n_a) ←a<t>; None for a one-directional tagger
    y_hat: np.ndarray  # (Tx, n_tags) ŷ<t>, rows sum to 1
    tag_names: tuple  # the columns of y_hat
    tags: list[str]  # argmax of each row
    entities: list[dict] = field(default_factory=list)  # {"type", "text", "start", "end", "first", "last", "p"}
    n_cut: int = 0  # tokens beyond MAX_TOKENS, not read

    def pairs(self) -> list[tuple[str, str]]:
        """[(token, tag), ...]."""
        return list(zip(self.tokens, self.tags))


class Tagger(nn.Module):
    """E and a shape vector -> (bi)directional LSTM -> softmax over the tags, at every token."""

    KIND = "ner"  # the checkpoint kind (see seqviz.core.checkpoint)

    def __init__(self, config: TaggerConfig):
        super().__init__()
        self.config = config
        self.index = {w: i for i, w in enumerate(config.words)}
        self.E = nn.Embedding(len(config.words), config.n_e, padding_idx=0)
        self.S = nn.Embedding(len(SHAPES), config.n_shape, padding_idx=0)
        self.lstm = nn.LSTM(
            config.n_e + config.n_shape, config.n_a, batch_first=True, bidirectional=config.bidirectional
        )
        self.W_y = nn.Linear(config.n_a * (2 if config.bidirectional else 1), len(config.tags))

    def config_dict(self) -> dict:
        return asdict(self.config)

    # ------------------------------------------------------------ tokens -> ids

    def key(self, token: str) -> str:
        """The vocabulary key of a token (see `token_key`)."""
        return token_key(token, self.config.lang)

    def ids(self, tokens: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """(word ids, shape ids) of tokens, each (Tx,) long; unknown words read as UNK (id 1)."""
        w = [self.index.get(self.key(t), 1) for t in tokens]
        return torch.tensor(w, dtype=torch.long), torch.tensor([shape(t) for t in tokens], dtype=torch.long)

    # ------------------------------------------------------------ the network

    def states(self, words: torch.Tensor, shapes: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """[→a<t> ; ←a<t>] at every token: (b, Tx, n_a) or (b, Tx, 2 n_a). Padded batches are packed, so the
        backward LSTM starts at each sentence's own last token, not at the padding."""
        x = torch.cat([self.E(words), self.S(shapes)], dim=-1)  # (b, Tx, n_e + n_shape)
        packed = pack_padded_sequence(x, lengths.cpu(), batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        a, _ = pad_packed_sequence(out, batch_first=True, total_length=words.shape[1])
        return a

    def forward(self, words: torch.Tensor, shapes: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """Logits (b, Tx, n_tags); ŷ<t> is their softmax."""
        return self.W_y(self.states(words, shapes, lengths))

    # ------------------------------------------------------------ reading text

    @torch.no_grad()
    def read(self, text: str) -> Tagging:
        """Tag `text` (up to MAX_TOKENS tokens): the states, ŷ<t>, the tags and the entities."""
        toks = tokenize(text, self.config.lang)
        n_cut = max(0, len(toks) - MAX_TOKENS)
        toks = toks[:MAX_TOKENS]
        tokens = [t for t, _, _ in toks]
        spans = [(s, e) for _, s, e in toks]
        n, h = len(tokens), self.config.n_a
        if not n:
            empty = np.zeros((0, h), dtype=np.float32)
            return Tagging(
                text, [], [], np.zeros(0, bool), empty, None if not self.config.bidirectional else empty,
                np.zeros((0, len(self.config.tags)), dtype=np.float32), self.config.tags, [],
            )  # fmt: skip
        w, s = self.ids(tokens)
        a = self.states(w[None], s[None], torch.tensor([n]))[0]  # (Tx, n_a or 2 n_a)
        y_hat = F.softmax(self.W_y(a), dim=-1).numpy()  # (Tx, n_tags)
        tags = [self.config.tags[i] for i in y_hat.argmax(1)]
        a = a.numpy()
        out = Tagging(
            text=text,
            tokens=tokens,
            spans=spans,
            known=(w > 1).numpy(),
            a_fwd=a[:, :h],
            a_bwd=a[:, h:] if self.config.bidirectional else None,
            y_hat=y_hat,
            tag_names=self.config.tags,
            tags=tags,
            n_cut=n_cut,
        )
        for kind, i, j in entities(tokens, tags):
            out.entities.append(
                {
                    "type": kind,
                    "text": text[spans[i][0] : spans[j][1]],
                    "start": spans[i][0],
                    "end": spans[j][1],
                    "first": i,
                    "last": j,
                    "p": float(y_hat[i : j + 1].max(1).mean()),  # mean ŷ of its tags (each the row's largest)
                }
            )
        return out

    def tag(self, text: str) -> list[tuple[str, str]]:
        """[(token, tag), ...] of `text`: the public one-call API."""
        return self.read(text).pairs()

    @torch.no_grad()
    def predict(self, sentences: list[tuple], batch_size: int = 256) -> list[list[str]]:
        """The argmax tags of already-tokenized sentences (a list of token tuples), in batches; [] for an empty one."""
        out: list[list[str]] = [[] for _ in sentences]
        todo = [i for i, s in enumerate(sentences) if len(s)]
        for b in range(0, len(todo), batch_size):
            rows = todo[b : b + batch_size]
            chunk = [list(sentences[i])[:MAX_TOKENS] for i in rows]
            words, shapes, lengths, _ = collate([(self.ids(s), None) for s in chunk])
            pred = self(words, shapes, lengths).argmax(-1).tolist()
            for i, s, p in zip(rows, chunk, pred):
                out[i] = [self.config.tags[k] for k in p[: len(s)]]
        return out


# ---------------------------------------------------------------- training


def encode(model: Tagger, sentences) -> list[tuple]:
    """((word ids, shape ids), tag ids) per non-empty sentence; tags unknown to the model raise KeyError."""
    col = {t: i for i, t in enumerate(model.config.tags)}
    out = []
    for toks, tags in sentences:
        if toks:
            out.append((model.ids(list(toks)), torch.tensor([col[t] for t in tags], dtype=torch.long)))
    return out


def collate(batch: list[tuple]) -> tuple:
    """Pad a batch of ((words, shapes), tags) to (b, Tx); returns (words, shapes, lengths, tags or None)."""
    lengths = torch.tensor([len(w) for (w, _), _ in batch], dtype=torch.long)
    n = int(lengths.max())
    words = torch.zeros(len(batch), n, dtype=torch.long)
    shapes = torch.zeros(len(batch), n, dtype=torch.long)
    tags = torch.full((len(batch), n), -100, dtype=torch.long)  # -100: padding, no loss
    for i, ((w, s), y) in enumerate(batch):
        words[i, : len(w)], shapes[i, : len(s)] = w, s
        if y is not None:
            tags[i, : len(y)] = y
    return words, shapes, lengths, (tags if batch[0][1] is not None else None)


def tag_loss(model: Tagger, batch) -> torch.Tensor:
    """Cross-entropy of ŷ<t> against the true tag, summed over the tokens, averaged per token. In training a
    WORD_DROPOUT share of the words are read as <unk>, as a name never seen is."""
    words, shapes, lengths, tags = batch
    if model.training:
        drop = (torch.rand(words.shape, device=words.device) < WORD_DROPOUT) & (words > 1)
        words = words.masked_fill(drop, 1)
    logits = model(words, shapes, lengths)
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), tags.reshape(-1), ignore_index=-100)


def validation(model: Tagger, val: list[tuple]) -> dict:
    """Held-out loss and token accuracy (the loop keeps the weights with the lowest loss)."""
    device = next(model.parameters()).device
    loss, right, n = 0.0, 0, 0
    for b in range(0, len(val), 256):
        words, shapes, lengths, tags = (x.to(device) for x in collate(val[b : b + 256]))
        logits = model(words, shapes, lengths)
        mask = tags >= 0
        loss += float(F.cross_entropy(logits[mask], tags[mask], reduction="sum"))
        right += int((logits.argmax(-1)[mask] == tags[mask]).sum())
        n += int(mask.sum())
    return {"loss": loss / max(n, 1), "token_accuracy": right / max(n, 1)}


def entity_scores(gold: list, pred: list) -> dict:
    """Entity-level precision, recall and F1 (seqeval, conlleval's rules), per type and micro-averaged over all."""
    from seqeval.metrics import classification_report

    rep = classification_report([list(g) for g in gold], pred, output_dict=True, zero_division=0)
    out = {}
    for name, row in rep.items():
        if name in ("macro avg", "weighted avg"):
            continue
        key = "all" if name == "micro avg" else name
        out[key] = {
            "precision": round(float(row["precision"]), 4),
            "recall": round(float(row["recall"]), 4),
            "f1": round(float(row["f1-score"]), 4),
            "n": int(row["support"]),
        }
    return out


def score(model: Tagger, sentences) -> dict:
    """Entity scores of `model` on (tokens, tags) sentences (each read up to MAX_TOKENS tokens, as the tagger reads
    it)."""
    sentences = [(s[:MAX_TOKENS], t[:MAX_TOKENS]) for s, t in sentences if len(s)]
    pred = model.predict([s for s, _ in sentences])
    return entity_scores([t for _, t in sentences], pred)
