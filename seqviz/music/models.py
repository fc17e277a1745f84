"""The music language model: an LSTM over the chorales' event tokens, sampled one token at a time (one-to-many)
and scored note by note (surprise)."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqviz.core.sampling import adjust
from seqviz.music.data import END, MAX_DUR, MAX_SHIFT, START, VOICES, decode, encode, pitch_name

PAD = "<pad>"


def vocabulary(ranges: dict[int, tuple[int, int]]) -> tuple[str, ...]:
    """<pad>, <start>, <end>, every pitch of each voice's range (lo..hi, both included), d1..d32 and +1..+16.

    Every pitch of the range, not only those the data used: a chorale transposed into a key the corpus never
    used still reads without unknown tokens.
    """
    notes = [f"{VOICES[v]}:{pitch_name(p)}" for v in sorted(ranges) for p in range(ranges[v][0], ranges[v][1] + 1)]
    return (
        PAD,
        START,
        END,
        *notes,
        *(f"d{i}" for i in range(1, MAX_DUR + 1)),
        *(f"+{i}" for i in range(1, MAX_SHIFT + 1)),
    )


@dataclass
class MusicConfig:
    """Shape of a music model: its token vocabulary and the voices it writes."""

    tokens: tuple = ()  # the vocabulary, <pad> first (see `vocabulary`)
    voices: tuple = (0, 1, 2, 3)  # 0..3 = S, A, T, B; (0,) is a melody model
    n_e: int = 32  # size of each token's vector e
    n_a: int = 128  # LSTM units per layer
    layers: int = 2  # stacked LSTM layers


class MusicLM(nn.Module):
    """x<t> (the previous token) -> e -> LSTM (layers) -> a<t> -> ŷ<t> = softmax(W_y a<t> + b_y) over the next token."""

    KIND = "music_lm"

    def __init__(self, config: MusicConfig):
        super().__init__()
        self.config = config
        self.tokens = tuple(config.tokens)
        self.index = {tok: i for i, tok in enumerate(self.tokens)}
        V = len(self.tokens)
        self.embed = nn.Embedding(V, config.n_e, padding_idx=0)  # E
        self.rnn = nn.LSTM(config.n_e, config.n_a, num_layers=config.layers, batch_first=True)
        self.head = nn.Linear(config.n_a, V)  # W_y, b_y

    def forward(self, ids: torch.Tensor, state=None):
        """Logits of the next token and the LSTM's state. ids (b, T) -> (b, T, V)."""
        a, state = self.rnn(self.embed(ids), state)  # (b, T, n_a)
        return self.head(a), state

    def ids(self, tokens) -> np.ndarray:
        """Indices of `tokens`; ValueError names the first the model does not know."""
        bad = next((t for t in tokens if t not in self.index), None)
        if bad is not None:
            raise ValueError(f"token {bad!r} is not in the model's vocabulary")
        return np.array([self.index[t] for t in tokens], dtype=np.int64)

    def ranges(self) -> dict[int, tuple[int, int]]:
        """voice -> (lowest, highest) MIDI pitch the model can write."""
        from seqviz.music.data import pitch_number

        out: dict[int, list[int]] = {}
        for tok in self.tokens:
            if ":" in tok:
                v, name = tok.split(":")
                out.setdefault(VOICES.index(v), []).append(pitch_number(name))
        return {v: (min(p), max(p)) for v, p in out.items()}

    def config_dict(self) -> dict:
        d = asdict(self.config)
        d["tokens"], d["voices"] = list(d["tokens"]), list(d["voices"])
        return d


def fit_notes(model: MusicLM, notes: np.ndarray) -> tuple[np.ndarray, dict]:
    """Notes the model can read: only its voices; the whole piece moved by octaves to sit best in the model's ranges,
    then any note still outside moved by octaves into its voice's range. Returns (notes, what changed: "octaves",
    "moved", "dropped_voices")."""
    notes = np.array(notes, dtype=np.int64).reshape(-1, 4)
    ranges = model.ranges()
    keep = np.isin(notes[:, 0], list(ranges))
    info = {"dropped_voices": sorted({int(v) for v in notes[~keep, 0]}), "octaves": 0, "moved": 0}
    notes = notes[keep]
    if not len(notes):
        return notes, info

    def outside(n):
        lo = np.array([ranges[v][0] for v in n[:, 0]])
        hi = np.array([ranges[v][1] for v in n[:, 0]])
        return (n[:, 3] < lo) | (n[:, 3] > hi), lo, hi

    best = min(range(-4, 5), key=lambda k: (outside(notes + [0, 0, 0, 12 * k])[0].sum(), abs(k)))
    notes = notes + [0, 0, 0, 12 * best]
    info["octaves"] = int(best)
    out, lo, hi = outside(notes)
    if out.any():
        info["moved"] = int(out.sum())
        p = notes[:, 3].copy()
        p = np.where(p < lo, lo + (p - lo) % 12, np.where(p > hi, hi - (hi - p) % 12, p))  # the nearest octave in range
        notes[:, 3] = np.clip(p, lo, hi)  # a range narrower than an octave may hold no octave of it: the nearest end
    return notes, info


@dataclass
class Generation:
    """What the model did at each step of one-to-many sampling.

    Attributes:
        tokens: every token, the seed's first (tokens[0] is <start>: x<1> is "nothing").
        n_seed: how many of `tokens` came from the seed (they were read, not sampled).
        probs: (T, V) the distribution the token after step t was sampled from (after temperature and top-k);
            row t belongs to tokens[t + 1]. Rows of seed steps are the model's ŷ<t> (nothing was sampled).
        raw: (T, V) the model's own ŷ<t> at each step (temperature 1, no top-k).
        times: (len(tokens),) the time, in sixteenths, at which each token is written.
        vocab: the V tokens.
    """

    tokens: list[str]
    n_seed: int
    probs: np.ndarray
    raw: np.ndarray
    times: np.ndarray
    vocab: tuple
    temperature: float
    top_k: int | None

    @property
    def notes(self) -> np.ndarray:
        """Every note, seed and sampled: (n, 4) = (voice, onset, duration, pitch)."""
        return decode(self.tokens)

    @property
    def seed_end(self) -> int:
        """The time (sixteenths) where the seed ends and sampling starts: after the seed's last token."""
        return self._after(self.n_seed - 1)

    @property
    def end(self) -> int:
        """The time (sixteenths) after the last token."""
        return self._after(len(self.tokens) - 1)

    def _after(self, i: int) -> int:
        tok = self.tokens[i]
        return int(self.times[i]) + (int(tok[1:]) if tok.startswith("+") else 0)


def token_times(tokens) -> np.ndarray:
    """The time (sixteenths) at which each token is written: a +k token moves time on by k after it."""
    out, now = [], 0
    for tok in tokens:
        out.append(now)
        if tok.startswith("+") and tok[1:].isdigit():
            now += int(tok[1:])
    return np.array(out, dtype=np.int64)


@torch.no_grad()
def generate(
    model: MusicLM,
    seed_notes: np.ndarray | None = None,
    sixteenths: int = 64,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
    max_tokens: int = 4000,
) -> Generation:
    """Continue `seed_notes` (None: from nothing, x<1> = <start>) for `sixteenths` more sixteenth notes, one token at
    a time, each sampled token fed back as the next x<t>. Stops at <end>, at the length or at `max_tokens`.

    temperature 0 takes the argmax each step; top_k keeps the k likeliest tokens (None or 0: all).
    """
    model.eval()
    V = len(model.tokens)
    top_k = None if not top_k or top_k <= 0 else min(int(top_k), V)
    tokens = encode(seed_notes, model.config.voices)[:-1] if seed_notes is not None and len(seed_notes) else [START]
    n_seed = len(tokens)
    if n_seed > 1:  # the seed's notes all end; time moves on to the last note's end before the model writes on
        notes = np.asarray(seed_notes).reshape(-1, 4)
        end = int((notes[:, 1] + notes[:, 2]).max()) - int(token_times(tokens)[-1])
        while end > 0:
            tokens.append(f"+{min(end, MAX_SHIFT)}")
            end -= MAX_SHIFT
        n_seed = len(tokens)
    g = torch.Generator().manual_seed(int(seed))
    logits, state = model(torch.from_numpy(model.ids(tokens))[None])  # read the seed in one call
    raw = list(torch.softmax(logits[0], -1).numpy())
    probs = list(raw)
    now, goal = int(token_times(tokens)[-1]), int(token_times(tokens)[-1]) + int(sixteenths)
    never = torch.tensor([model.index.get(t, 0) for t in (PAD, START)])  # tokens a sample never writes

    def drawable(p):
        p = p.clone()
        p[never] = 0.0
        return p / p.sum() if p.sum() > 0 else torch.full_like(p, 1.0 / len(p))

    p = torch.softmax(logits[0, -1], -1)
    while len(tokens) < max_tokens:
        q = adjust(drawable(p), temperature, top_k)
        x = int(torch.multinomial(q, 1, generator=g)) if temperature > 0 else int(q.argmax())
        probs[-1] = q.numpy()
        tok = model.tokens[x]
        tokens.append(tok)
        if tok == END:
            break
        if tok.startswith("+"):
            now += int(tok[1:])
            if now >= goal:
                break
        logits, state = model(torch.tensor([[x]]), state)
        p = torch.softmax(logits[0, -1], -1)
        raw.append(p.numpy())
        probs.append(p.numpy())
    raw, probs = np.array(raw[: len(tokens)]), np.array(probs[: len(tokens)])
    return Generation(tokens, n_seed, probs, raw, token_times(tokens), model.tokens, float(temperature), top_k)


@dataclass
class Surprise:
    """How surprised the model is by a piece: -log2 P of each token given the ones before, and per note.

    Attributes:
        tokens: <start> and the piece's tokens; bits[t] belongs to tokens[t + 1].
        bits: (T - 1,) -log2 P(token t + 1 | tokens ..t).
        notes: (n, 4) the notes read; note_bits: (n,) each note's pitch and duration tokens together.
    """

    tokens: list[str]
    bits: np.ndarray
    notes: np.ndarray
    note_bits: np.ndarray

    @property
    def perplexity(self) -> float:
        """Per token: 2 ** (mean bits) = e ** (mean nats)."""
        return float(2 ** self.bits.mean()) if len(self.bits) else float("nan")


@torch.no_grad()
def surprise(model: MusicLM, notes: np.ndarray) -> Surprise:
    """-log2 P of every token of `notes` (its <end> included) under the model, and per note."""
    model.eval()
    tokens = encode(notes, model.config.voices)
    ids = torch.from_numpy(model.ids(tokens))[None]
    logits, _ = model(ids[:, :-1])
    logp = torch.log_softmax(logits[0], -1).gather(1, ids[0, 1:, None])[:, 0]
    bits = (-logp / math.log(2)).numpy()
    note_bits, rows, pending = [], [], None
    for t, tok in enumerate(tokens[1:]):
        if ":" in tok:
            pending = bits[t]
        elif tok.startswith("d") and pending is not None:
            note_bits.append(pending + bits[t])
            pending = None
    rows = decode(tokens)
    return Surprise(tokens, bits, rows, np.array(note_bits[: len(rows)]))


def perplexity(model: MusicLM, chorales, batch: int = 32) -> dict:
    """Held-out loss (nats per token) and perplexity of whole pieces (each from <start> to <end>)."""
    model.eval()
    seqs = [torch.from_numpy(model.ids(encode(c.notes, model.config.voices))) for c in chorales]
    total, n = 0.0, 0
    with torch.no_grad():
        for i in range(0, len(seqs), batch):
            ids = nn.utils.rnn.pad_sequence(seqs[i : i + batch], batch_first=True)  # <pad> is 0
            logits, _ = model(ids[:, :-1])
            loss = F.cross_entropy(logits.transpose(1, 2), ids[:, 1:], ignore_index=0, reduction="sum")
            total, n = total + float(loss), n + int((ids[:, 1:] != 0).sum())
    return {"loss": total / max(n, 1), "perplexity": math.exp(total / max(n, 1)), "n_tokens": n}
