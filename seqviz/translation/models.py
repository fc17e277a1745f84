"""The course's neural machine translation model with attention, on its own example: human-written
dates ("Tuesday 13 June 1989", "1989年6月13日星期二") into ISO dates ("1989-06-13").

Encoder: a bidirectional LSTM reads the characters x<1..Tx> into a<t'> = [a→<t'>; a←<t'>].
Attention, for each output step t:
    e<t,t'>     = v · tanh(W_e [s<t-1>; a<t'>] + b_e)       a small network, one hidden layer of n_e units
    α<t,t'>     = exp(e<t,t'>) / Σ_t'' exp(e<t,t''>)         softmax over the Tx input positions
    context<t>  = Σ_t' α<t,t'> a<t'>
Decoder: the post-attention LSTM takes [context<t>; y<t-1>] and gives s<t>; ŷ<t> = softmax(W_y s<t> + b_y).
The previous output character y<t-1> is fed back (the course's date notebook leaves it out): without
it P(y<t> | x, y<1..t-1>) would not depend on the earlier choices and beam search could not differ
from greedy decoding.

The plain seq2seq (`attention=False`) has the same encoder and decoder, but its decoder only sees
the encoder's final states h = [a→<Tx>; a←<1>]: s<0> = tanh(W_h h) and context<t> = h at every step.
That one vector is the bottleneck attention removes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from seqviz.core.vocab import CharVocab
from seqviz.translation import beam as beam_mod
from seqviz.translation.dates import MAX_SOURCE, matching_formats, normalize

EOS = "\n"  # target index 0: y<0> (start) and the end mark ⏎
TGT_CHARS = (EOS,) + tuple("0123456789-")
UNSURE = 0.5  # P(ŷ|x) below this: the model is unsure (a note says so)


@dataclass
class NMTConfig:
    """Shape of a date translator."""

    attention: bool = True  # False: the plain seq2seq whose decoder only sees the encoder's last states
    n_a: int = 32  # encoder LSTM units per direction; a<t'> has 2 n_a
    n_s: int = 64  # post-attention LSTM units in s<t>
    n_e: int = 10  # hidden units of the energy network
    src_chars: tuple = ()  # the input characters x<t'> it knows
    tgt_chars: tuple = TGT_CHARS  # the output characters, ⏎ first
    max_src: int = MAX_SOURCE  # Tx: input characters read (longer input is cut)
    max_tgt: int = 12  # Ty limit of the search: 10 characters + ⏎, one to spare


@dataclass
class Memory:
    """What the encoder hands the decoder (first dimension: 1 or the batch)."""

    a: torch.Tensor  # (b, Tx, 2 n_a) a<t'>
    mask: torch.Tensor  # (b, Tx) True at real characters
    h: torch.Tensor  # (b, 2 n_a) the final states [a→<Tx>; a←<1>]
    a_proj: torch.Tensor | None  # (b, Tx, n_e) W_e's a<t'> part, computed once for every t


@dataclass
class Translation:
    """One translated input and everything the pages draw.

    Shapes: Ty output steps (⏎ included), Tx input characters.
    """

    text: str  # the input as given
    source: list[str]  # x<1..Tx> as read: normalised (lower case, NFKC) and cut at max_src
    target: list[str]  # ŷ<1..Ty>, the last one ⏎ unless the search hit its length limit
    output: str  # the translation (ŷ without ⏎)
    log_prob: float  # log P(ŷ | x)
    score: float  # (1 / Ty^α) log P(ŷ | x), what the search ranked by
    token_log_probs: np.ndarray  # (Ty,) log P(ŷ<t> | x, ŷ<1..t-1>)
    probs: np.ndarray  # (Ty, V_y) the model's ŷ<t> distribution at each step
    alpha: np.ndarray | None  # (Ty, Tx) α<t,t'>; None without attention
    energies: np.ndarray | None  # (Ty, Tx) e<t,t'>; None without attention
    context: np.ndarray  # (Ty, 2 n_a) context<t> (without attention: h at every step)
    s: np.ndarray  # (Ty, n_s) decoder states s<t>
    unknown: list[bool]  # per input character: never seen in training (fed as x<t'> = 0)
    notes: list[str] = field(default_factory=list)  # "empty", "cut", "unknown", "no_digits", "unsure", "unchecked"
    info: dict = field(default_factory=dict)  # numbers for the notes (n_chars, chars, p ...)
    formats: list = field(default_factory=list)  # (locale, pattern) pairs that write `output` as the input
    search: beam_mod.BeamResult | None = None
    attentions: dict | None = None  # a Transformer's weights per layer and head: "encoder" (L, h, Tx, Tx),
    # "decoder" (L, h, Ty, Ty) masked self-attention, "cross" (L, h, Ty, Tx); None for the RNN translators

    @property
    def p(self) -> float:
        """P(ŷ | x)."""
        return float(np.exp(self.log_prob))

    @property
    def outside(self) -> bool:
        """Whether the input looks outside what the model learned (a note says why)."""
        return any(n in self.notes for n in ("empty", "unknown", "no_digits", "unsure"))


class Translator(nn.Module):
    """What every date translator shares: reading the input characters, beam search over its decoder (through
    `start_state` and `step_fn`, which each model defines with `encode`, `forward` and `_follow`), the log-probability
    of a given output and the course's error analysis."""

    def __init__(self, config):
        super().__init__()
        self.config = config
        self.src_vocab = CharVocab(list(config.src_chars))
        self.tgt_vocab = CharVocab(list(config.tgt_chars))

    def config_dict(self) -> dict:
        d = asdict(self.config)
        d["src_chars"], d["tgt_chars"] = list(d["src_chars"]), list(d["tgt_chars"])
        return d

    def read_source(self, text: str) -> tuple[list[str], np.ndarray, list[str], dict]:
        """The characters the model reads from `text`, their ids (-1 = unknown), and notes."""
        norm = normalize(text)
        notes, info = [], {}
        if not norm:
            notes.append("empty")
        if len(norm) > self.config.max_src:
            notes.append("cut")
            info.update(n_chars=len(norm), max_chars=self.config.max_src)
            norm = norm[: self.config.max_src]
        ids = self.src_vocab.encode(norm) if norm else np.zeros(0, dtype=np.int64)
        unknown = sorted({ch for ch, i in zip(norm, ids) if i < 0})
        if unknown:
            notes.append("unknown")
            info["chars"] = unknown
        if norm and not any(ch.isdigit() for ch in norm):
            notes.append("no_digits")
        return list(norm), ids, notes, info

    def _prepare(self, text: str):
        tokens, ids, notes, info = self.read_source(text)
        if len(ids) == 0:  # nothing to read: one all-zero x<1>
            ids = np.array([-1])
        device = next(self.parameters()).device
        mem = self.encode(torch.from_numpy(ids)[None].to(device), torch.tensor([len(ids)]))
        return tokens, ids, notes, info, mem

    def target_ids(self, text: str) -> list[int] | None:
        """Ids of an output string (⏎ appended); None when it has a character outside 0-9 and '-'."""
        ids = [self.tgt_vocab.index.get(ch, -1) for ch in text.strip()]
        return None if any(i <= 0 for i in ids) else ids + [0]

    @torch.no_grad()
    def translate(self, text: str, beam_width: int = 1, length_alpha: float = 0.7, prefix: str = "") -> Translation:
        """Translate one date with beam search (B = 1: greedy) and return α and every step's numbers.

        Args:
            prefix: output characters to force first (what-if); characters outside 0-9 and '-' are ignored.
        """
        self.eval()
        tokens, ids, notes, info, mem = self._prepare(text)
        forced = [self.tgt_vocab.index[ch] for ch in prefix if ch in self.tgt_vocab.index and ch != EOS]
        res = beam_mod.beam_search(
            self.step_fn(mem),
            self.start_state(mem),
            start=0,
            eos=0,
            max_len=self.config.max_tgt,
            beam_width=beam_width,
            length_alpha=length_alpha,
            prefix=forced,
        )
        best = res.best
        return self.result(mem, text, tokens, ids, notes, info, best.tokens, best.log_prob, best.score, res)

    def result(self, mem, text, tokens, ids, notes, info, out_ids, log_prob, score, search=None, override=None):
        """The Translation of `text` whose decoder wrote `out_ids` (followed again for α, context and ŷ; `override`
        as in _follow), with the notes every translation gets: unsure below P = UNSURE, unchecked when no training
        format matches."""
        tr = self._follow(mem, out_ids) if override is None else self._follow(mem, out_ids, override)  # the
        target = [self.tgt_vocab.chars[i] for i in out_ids]  # Transformer's _follow (it inherits this) takes no α
        output = "".join(ch for ch in target if ch != EOS)
        if log_prob < np.log(UNSURE):
            notes.append("unsure")
        info["p"] = float(np.exp(log_prob))
        formats = matching_formats(text, output) if "cut" not in notes else []
        if not formats:
            notes.append("unchecked")
        return Translation(
            text=text,
            source=tokens,
            target=target,
            output=output,
            log_prob=log_prob,
            score=score,
            unknown=[bool(i < 0) for i in ids[: len(tokens)]],
            notes=notes,
            info=info,
            formats=formats,
            search=search,
            **tr,
        )

    @torch.no_grad()
    def log_probs_of(self, text: str, output: str) -> list[float] | None:
        """log P(y<t> | x, y<1..t-1>) of each character of a given output and its ⏎; None if it has
        a character the model cannot write."""
        ids = self.target_ids(output)
        if ids is None:
            return None
        *_, mem = self._prepare(text)
        return beam_mod.sequence_log_probs(self.step_fn(mem), self.start_state(mem), ids, start=0)

    @torch.no_grad()
    def error_analysis(
        self, text: str, reference: str, beam_width: int = 1, length_alpha: float = 0.7
    ) -> beam_mod.ErrorAnalysis | None:
        """The course's error analysis of one example against the reference y* (None when y* has a
        character the model cannot write)."""
        ref = self.target_ids(reference)
        if ref is None:
            return None
        tr = self.translate(text, beam_width, length_alpha)
        hat = [self.tgt_vocab.index[ch] for ch in tr.target]
        lp_star = sum(self.log_probs_of(text, reference))
        out = beam_mod.error_verdict(hat, tr.log_prob, ref, lp_star, length_alpha)
        out.details = {"output": tr.output, "reference": reference.strip(), "beam_width": beam_width}
        return out


class DateTranslator(Translator):
    """Bi-LSTM encoder, attention (or the plain final-state bridge), post-attention LSTM decoder."""

    KIND = "nmt"  # the checkpoint kind (see seqviz.core.checkpoint)

    def __init__(self, config: NMTConfig):
        super().__init__(config)
        Vx, Vy, n_a, n_s = len(self.src_vocab), len(self.tgt_vocab), config.n_a, config.n_s
        self.enc_fwd = nn.LSTM(Vx, n_a, batch_first=True)  # a→<t'>: reads x<1> .. x<Tx>
        self.enc_bwd = nn.LSTM(Vx, n_a, batch_first=True)  # a←<t'>: reads x<Tx> .. x<1>
        if config.attention:
            self.W_es = nn.Linear(n_s, config.n_e)  # W_e's s<t-1> columns, and b_e
            self.W_ea = nn.Linear(2 * n_a, config.n_e, bias=False)  # W_e's a<t'> columns
            self.v = nn.Linear(config.n_e, 1, bias=False)  # e = v · tanh(...)
        else:
            self.W_h = nn.Linear(2 * n_a, n_s)  # s<0> = tanh(W_h h)
        self.decoder = nn.LSTMCell(2 * n_a + Vy, n_s)  # post-attention LSTM: [context; y<t-1>] -> s<t>
        self.W_y = nn.Linear(n_s, Vy)  # ŷ<t> = softmax(W_y s<t> + b_y)

    # ---- shapes and bookkeeping ------------------------------------------------------------
    @property
    def attention(self) -> bool:
        return self.config.attention

    def src_one_hot(self, ids: torch.Tensor) -> torch.Tensor:
        """(b, Tx) ids, -1 for unknown or padding -> one-hot x<t'> (b, Tx, Vx), zero for -1."""
        x = F.one_hot(ids.clamp(min=0), len(self.src_vocab)).float()
        return x * (ids >= 0).unsqueeze(-1).float()

    # ---- the network -------------------------------------------------------------------------
    def encode(self, ids: torch.Tensor, lengths: torch.Tensor) -> Memory:
        """(b, Tx) ids and (b,) lengths -> a<t'> for every input position, the mask and h.

        The backward LSTM reads each input reversed within its own length, so padding never
        enters a real position's a<t'> (what packing does, at half the cost on a CPU)."""
        b, Tx = ids.shape
        lengths = lengths.to(ids.device).clamp(min=1)
        t = torch.arange(Tx, device=ids.device)[None]  # (1, Tx)
        mask = t < lengths[:, None]  # (b, Tx)
        rev = torch.where(mask, lengths[:, None] - 1 - t, t)  # (b, Tx) flips the real part
        x = self.src_one_hot(ids)  # (b, Tx, Vx)
        a_f, _ = self.enc_fwd(x)  # (b, Tx, n_a)
        gather = lambda z: z.gather(1, rev[:, :, None].expand(-1, -1, z.shape[-1]))
        a_b = gather(self.enc_bwd(gather(x))[0])  # (b, Tx, n_a)
        a = torch.cat([a_f, a_b], dim=-1)  # (b, Tx, 2 n_a)
        h = torch.cat([a_f[torch.arange(b), lengths - 1], a_b[:, 0]], dim=-1)  # (b, 2 n_a) [a→<Tx>; a←<1>]
        return Memory(a, mask, h, self.W_ea(a) if self.attention else None)

    def start_state(self, mem: Memory) -> tuple[torch.Tensor, torch.Tensor]:
        """(s<0>, c<0>): zeros with attention (as in the course), tanh(W_h h) and zeros without."""
        b, n_s = mem.h.shape[0], self.config.n_s
        c0 = mem.h.new_zeros(b, n_s)
        s0 = torch.tanh(self.W_h(mem.h)) if not self.attention else mem.h.new_zeros(b, n_s)
        return s0, c0

    def attend(self, mem: Memory, s_prev: torch.Tensor, alpha: torch.Tensor | None = None):
        """e<t,t'>, α<t,t'> and context<t> for decoder states s<t-1> (n, n_s); mem may have batch 1.

        `alpha` (n, Tx), rows summing to 1, overrides the softmax of the energies (an intervention,
        seqviz.translation.intervene); e<t,t'> are still the model's own."""
        if not self.attention:
            return None, None, mem.h.expand(s_prev.shape[0], -1)
        e = self.v(torch.tanh(self.W_es(s_prev)[:, None, :] + mem.a_proj)).squeeze(-1)  # (n, Tx)
        e = e.masked_fill(~mem.mask, float("-inf"))
        if alpha is None:
            alpha = torch.softmax(e, dim=-1)  # (n, Tx), rows sum to 1
        context = torch.matmul(alpha.unsqueeze(1), mem.a).squeeze(1)  # (n, 2 n_a) Σ α a
        return e, alpha, context

    def decode_step(
        self, mem: Memory, s: torch.Tensor, c: torch.Tensor, y_prev: torch.Tensor, alpha: torch.Tensor | None = None
    ):
        """One output step: attention on s<t-1>, then the post-attention LSTM. Returns logits (n, Vy),
        s<t>, c<t>, e, α, context<t>. `alpha` (n, Tx) replaces the model's α<t,·> when given."""
        e, alpha, context = self.attend(mem, s, alpha)
        y1 = F.one_hot(y_prev, len(self.tgt_vocab)).float()  # (n, Vy) y<t-1>
        s, c = self.decoder(torch.cat([context, y1], dim=-1), (s, c))  # (n, n_s)
        return self.W_y(s), s, c, e, alpha, context

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor, y_in: torch.Tensor) -> torch.Tensor:
        """Teacher forcing: ids (b, Tx), lengths (b,), y_in (b, Ty) = ⏎ then y<1..Ty-1> -> logits (b, Ty, Vy)."""
        mem = self.encode(ids, lengths)
        s, c = self.start_state(mem)
        out = []
        for t in range(y_in.shape[1]):
            logits, s, c, *_ = self.decode_step(mem, s, c, y_in[:, t])
            out.append(logits)
        return torch.stack(out, dim=1)

    # ---- translation ---------------------------------------------------------------------------
    def step_fn(self, mem: Memory, alphas: dict | None = None):
        """The (state, prev) -> (log-probabilities, state) function seqviz.translation.beam searches with.

        With `alphas` {t: α<t,·> (1, Tx)} the state also counts the step, (s, c, t), and those steps' attention is
        overridden (seqviz.translation.intervene; start from (*start_state(mem), 0))."""

        def step(state, prev):
            s, c, *t = state
            alpha = alphas.get(t[0]) if alphas and t else None
            logits, s, c, *_ = self.decode_step(mem, s, c, prev.to(s.device), alpha)
            return torch.log_softmax(logits, dim=-1), ((s, c, t[0] + 1) if t else (s, c))

        return step

    @torch.no_grad()
    def _follow(self, mem: Memory, out_ids, alphas: dict | None = None) -> dict:
        """Teacher-force the decoder along `out_ids`, recording α, e, context, s and ŷ at each step.

        `alphas` {t: α<t,·> (1, Tx)} overrides the attention of those output steps (0-based)."""
        s, c = self.start_state(mem)
        prev = torch.zeros(1, dtype=torch.long, device=mem.a.device)
        rec = {k: [] for k in ("alpha", "energies", "context", "s", "probs", "token_log_probs")}
        for t, tok in enumerate(out_ids):
            logits, s, c, e, alpha, context = self.decode_step(mem, s, c, prev, (alphas or {}).get(t))
            logp = torch.log_softmax(logits[0], -1)
            rec["probs"].append(logp.exp())
            rec["token_log_probs"].append(logp[tok])
            rec["context"].append(context[0])
            rec["s"].append(s[0])
            if alpha is not None:
                rec["alpha"].append(alpha[0])
                rec["energies"].append(e[0])
            prev = torch.tensor([tok], device=mem.a.device)
        out = {k: torch.stack(v).float().cpu().numpy() if v else None for k, v in rec.items()}
        return out


# ---- batched decoding and training ------------------------------------------------------------


def encode_batch(model: Translator, texts: list[str]) -> tuple[torch.Tensor, torch.Tensor]:
    """Padded ids (b, Tx) with -1 for padding and unknown characters, and lengths (b,)."""
    rows = [model.src_vocab.encode(normalize(x)[: model.config.max_src]) for x in texts]
    rows = [r if len(r) else np.array([-1]) for r in rows]
    lengths = torch.tensor([len(r) for r in rows])
    ids = torch.full((len(rows), int(lengths.max())), -1, dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.from_numpy(r)
    return ids, lengths


@torch.no_grad()
def greedy_batch(model: Translator, texts: list[str], batch_size: int = 512) -> tuple[list[str], np.ndarray]:
    """Greedy translations of many inputs at once, and each one's log P(ŷ|x) (any translator: through its
    `start_state` and `step_fn`)."""
    model.eval()
    device = next(model.parameters()).device
    outs, lps = [], []
    for i in range(0, len(texts), batch_size):
        ids, lengths = encode_batch(model, texts[i : i + batch_size])
        mem = model.encode(ids.to(device), lengths)
        state, step = model.start_state(mem), model.step_fn(mem)
        prev = torch.zeros(len(lengths), dtype=torch.long, device=device)
        done = torch.zeros(len(lengths), dtype=torch.bool, device=device)
        total = torch.zeros(len(lengths), device=device)
        chars = []
        for _ in range(model.config.max_tgt):
            logp, state = step(state, prev)
            prev = logp.argmax(-1)
            total += torch.where(done, torch.zeros_like(total), logp.gather(1, prev[:, None])[:, 0])
            chars.append(torch.where(done, torch.zeros_like(prev), prev))
            done |= prev == 0
            if bool(done.all()):
                break
        grid = torch.stack(chars, 1).cpu().numpy()
        for row in grid:
            outs.append("".join(model.tgt_vocab.chars[j] for j in row).split(EOS)[0])
        lps.append(total.cpu().numpy())
    return outs, np.concatenate(lps) if lps else np.zeros(0)


class PairData(torch.utils.data.Dataset):
    """(source ids, target ids with ⏎) of date pairs, for `fit`."""

    def __init__(self, model: DateTranslator, pairs):
        self.items = []
        for p in pairs:
            src = torch.from_numpy(model.src_vocab.encode(p.human[: model.config.max_src]))
            self.items.append((src, torch.tensor(model.target_ids(p.iso))))

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i):
        return self.items[i]


def collate(items):
    """-> ids (b, Tx) padded with -1, lengths (b,), y_in (b, Ty) starting with ⏎, y_out (b, Ty)."""
    lengths = torch.tensor([len(x) for x, _ in items])
    ids = torch.full((len(items), int(lengths.max())), -1, dtype=torch.long)
    for i, (x, _) in enumerate(items):
        ids[i, : len(x)] = x
    y_out = torch.stack([y for _, y in items])
    y_in = torch.cat([torch.zeros_like(y_out[:, :1]), y_out[:, :-1]], dim=1)
    return ids, lengths, y_in, y_out


def nmt_loss(model: DateTranslator, batch) -> torch.Tensor:
    """Mean cross-entropy of every output character (and ⏎) under teacher forcing."""
    ids, lengths, y_in, y_out = batch
    logits = model(ids, lengths, y_in)
    return F.cross_entropy(logits.flatten(0, 1), y_out.flatten())


@torch.no_grad()
def evaluate(model: DateTranslator, pairs, batch_size: int = 1024) -> dict:
    """Held-out loss (nats per output character) and exact-match accuracy of greedy decoding."""
    device = next(model.parameters()).device
    data = PairData(model, pairs)
    total, n = 0.0, 0
    for i in range(0, len(data), batch_size):
        batch = collate([data[j] for j in range(i, min(i + batch_size, len(data)))])
        ids, lengths, y_in, y_out = (x.to(device) for x in batch)
        logits = model(ids, lengths, y_in)
        total += float(F.cross_entropy(logits.flatten(0, 1), y_out.flatten(), reduction="sum"))
        n += y_out.numel()
    outs, _ = greedy_batch(model, [p.human for p in pairs])
    return {"loss": total / n, "exact": float(np.mean([o == p.iso for o, p in zip(outs, pairs)]))}


# ---- checkpoints: how pretrained/date-*.json are built ------------------------------------------
