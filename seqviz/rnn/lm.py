"""Language models: continue a prompt or sample from nothing (temperature, top-k, top-p); score text (perplexity)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn

from seqviz.core.data import PYTHON_CHUNK
from seqviz.core.sampling import adjust
from seqviz.core.vocab import BOUNDARY

MAX_PROMPT = 200  # characters of a prompt a line model reads: its training lines were cut to 200 (rnn.kind.MAX_LINE)


@dataclass
class Prompt:
    """A prompt as the model reads it.

    Attributes:
        text: what the model reads: the typed prompt with unknown characters skipped, case-folded ones mapped
            and, when too long, only its end kept.
        ids: (P,) the characters' indices (⏎ is 0).
        unknown: characters of the typed prompt the model never saw (skipped), in order of first appearance.
        mapped: typed character -> the one read instead (only the other case is known, e.g. "T" -> "t").
        cut: characters dropped from the front to keep the prompt within the limit.
        limit: the most characters this model reads.
    """

    text: str = ""
    ids: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    unknown: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)
    cut: int = 0
    limit: int = MAX_PROMPT


def prompt_limit(model) -> int:
    """The most prompt characters `model` reads: a line of its training text (a chunk of source code for a model of
    several-line items)."""
    return PYTHON_CHUNK if getattr(model.config, "multiline", False) else MAX_PROMPT


def read_prompt(model, text: str, limit: int | None = None) -> Prompt:
    """What `model` makes of a typed prompt: unknown characters skipped, a character known only in the other case
    read as that case, then at most `limit` characters, the last ones (they lead into the continuation)."""
    limit = prompt_limit(model) if limit is None else max(0, int(limit))
    vocab, kept, unknown, mapped = model.vocab, [], [], {}
    for ch in text or "":
        i = vocab.lookup(ch)
        if i < 0:
            if ch not in unknown:
                unknown.append(ch)
            continue
        if vocab.chars[i] != ch:
            mapped[ch] = vocab.chars[i]
        kept.append(i)
    cut = max(0, len(kept) - limit)
    ids = np.array(kept[cut:], dtype=np.int64)
    return Prompt(vocab.decode(ids), ids, unknown, mapped, cut, limit)


@dataclass
class Sample:
    """What the model did at each sampling step t, after reading a prompt (possibly empty).

    Attributes:
        probs: (T, V) the distribution sampled from at step t (after temperature, top-k and top-p).
        raw: (T, V) the model's own ŷ<t> (temperature 1, no top-k / top-p).
        chosen: (T,) the sampled character's index; ⏎ ends a name and the next starts from a<0> = 0.
        vocab: the V characters.
        temperature, top_k, top_p: the settings used (top_k None = off, already clamped to V; top_p None = off).
        prompt: the prompt as read before step 1 (teacher forcing: its characters are fed, not sampled).
        prompt_p: (P,) P(each prompt character | the ones before it), from the model's own ŷ.
    """

    probs: np.ndarray
    raw: np.ndarray
    chosen: np.ndarray
    vocab: list[str]
    temperature: float
    top_k: int | None
    top_p: float | None = None
    prompt: Prompt = field(default_factory=Prompt)
    prompt_p: np.ndarray = field(default_factory=lambda: np.zeros(0))

    @property
    def text(self) -> str:
        """Everything sampled (the continuation, without the prompt), names separated by newlines."""
        return "".join(self.vocab[i] for i in self.chosen)

    @property
    def full_text(self) -> str:
        """The prompt as read, then the continuation."""
        return self.prompt.text + self.text

    def lines(self) -> list[str]:
        """The complete lines, the prompt's included (a trailing unfinished one included)."""
        return [line for line in self.full_text.split(BOUNDARY) if line]


def step_cell(model) -> nn.Module:
    """A one-step cell (nn.LSTMCell / GRUCell / RNNCell) sharing the fused module's weights.

    Stepping nn.LSTM one character at a time costs about 0.7 ms a call; the cell about 0.2 ms,
    which is what keeps sampling 200 characters from the 256-unit model under 200 ms.
    """
    rnn = model.rnn
    if model.cell == "lstm":
        cell = nn.utils.skip_init(nn.LSTMCell, rnn.input_size, rnn.hidden_size)
    elif model.cell == "gru":
        cell = nn.utils.skip_init(nn.GRUCell, rnn.input_size, rnn.hidden_size)
    else:
        cell = nn.utils.skip_init(nn.RNNCell, rnn.input_size, rnn.hidden_size, nonlinearity=rnn.nonlinearity)
    for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
        setattr(cell, name, getattr(rnn, f"{name}_l0"))  # the same Parameters, not copies
    return cell.to(next(rnn.parameters()).device)


@torch.no_grad()
def sample(
    model,
    n_chars: int = 120,
    temperature: float = 1.0,
    top_k: int | None = None,
    seed: int = 0,
    top_p: float | None = None,
    prompt: str = "",
    max_prompt: int | None = None,
) -> Sample:
    """Read `prompt`, then sample n_chars characters from a character model, one x<t> at a time.

    The prompt is read first (teacher forcing: each of its characters is fed as x<t> whatever ŷ<t> said, and the
    state a<t> (c<t>) carries over); then each step feeds the previous sample as x<t>. After ⏎ the state restarts
    at 0, as every name started in training (a model of source code runs on across lines). An empty prompt samples
    from the start marker alone. Unknown prompt characters are skipped (see `read_prompt`).
    """
    V = len(model.vocab)
    top_k = None if top_k is None or top_k <= 0 else min(int(top_k), V)
    top_p = None if top_p is None or top_p >= 1 else max(0.0, float(top_p))
    read = read_prompt(model, prompt, max_prompt)
    restart = not model.config.multiline  # a new line starts from a<0> = c<0> = 0
    g = torch.Generator().manual_seed(seed)
    device = next(model.parameters()).device
    cell = step_cell(model)

    def step(x: int, state):
        """Feed x<t>; return ŷ<t> (on the CPU) and the new state."""
        inp = model.one_hot(torch.tensor([x], device=device))  # (1, V)
        state = cell(inp, state)
        a = state[0] if isinstance(state, tuple) else state  # a<t> (1, n_a); an LSTM also returns c<t>
        return torch.softmax(model.head(a[0]), dim=-1).cpu(), state

    p, state = step(0, None)  # x<1> is the start marker ⏎: ŷ<1> guesses the first character
    prompt_p = []
    for x in read.ids:  # teacher forcing: the prompt's characters, whatever ŷ said
        prompt_p.append(float(p[x]))
        if x == 0 and restart:
            state = None
        p, state = step(int(x), state)
    probs, raw, chosen = [], [], []
    n_chars = max(0, int(n_chars))
    for t in range(n_chars):
        q = adjust(p, temperature, top_k, top_p)
        x = int(torch.multinomial(q, 1, generator=g)) if temperature > 0 else int(q.argmax())
        probs.append(q.numpy())
        raw.append(p.numpy())
        chosen.append(x)
        if x == 0 and restart:
            state = None
        if t + 1 < n_chars:
            p, state = step(x, state)
    empty = np.zeros((0, V))
    return Sample(
        np.array(probs) if probs else empty,
        np.array(raw) if raw else empty,
        np.array(chosen, dtype=np.int64),
        list(model.vocab.chars),
        float(temperature),
        top_k,
        top_p,
        read,
        np.array(prompt_p, dtype=np.float64),
    )


@dataclass
class Score:
    """How likely the model finds a text, character by character.

    Attributes:
        chars: the scored characters (the text, then ⏎ for the end of its last line).
        p: (N,) P(character | everything before it on its line); NaN for unknown characters.
        known: (N,) False where the model never saw the character.
    """

    chars: list[str]
    p: np.ndarray
    known: np.ndarray

    @property
    def n(self) -> int:
        """Number of scored (known) characters."""
        return int(self.known.sum())

    @property
    def log_likelihood(self) -> float:
        """Σ log P over the known characters (nats)."""
        return float(np.log(self.p[self.known]).sum()) if self.n else float("nan")

    @property
    def perplexity(self) -> float:
        """exp(mean negative log-likelihood per known character)."""
        return float(np.exp(-self.log_likelihood / self.n)) if self.n else float("nan")


@torch.no_grad()
def score(model, text: str) -> Score:
    """Score `text`: each line on its own from a<0> = 0 (as in training), its ending ⏎ included; for a model of
    several-line items (source code), the whole text as one sequence, its newlines scored like any character.

    One padded batch through the fused module, so a long paste is fast.
    """
    lines = text.split(BOUNDARY)
    if text.endswith(BOUNDARY):
        lines = lines[:-1]
    if model.config.multiline:
        lines = [BOUNDARY.join(lines)]
    seqs = [np.concatenate([[0], model.vocab.encode(line), [0]]) for line in lines]
    T = max(len(s) for s in seqs) - 1
    x = np.zeros((len(seqs), T), dtype=np.int64)
    for i, s in enumerate(seqs):
        x[i, : len(s) - 1] = s[:-1]
    device = next(model.parameters()).device
    logp = torch.log_softmax(model(torch.from_numpy(x).to(device)), dim=-1).cpu().numpy()  # (lines, T, V)
    p, chars = [], []
    for i, (line, s) in enumerate(zip(lines, seqs)):
        nxt = s[1:]  # the line's characters, then ⏎
        p.append(np.where(nxt >= 0, np.exp(logp[i, np.arange(len(nxt)), np.clip(nxt, 0, None)]), np.nan))
        chars += list(line) + [BOUNDARY]  # (a newline inside a multiline model's text is one of its chars)
    p = np.concatenate(p).astype(np.float64)
    return Score(chars, p, ~np.isnan(p))
