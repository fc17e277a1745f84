"""The unit finder: rank every unit of a<t>, c<t> and the gates by how well it tracks a hypothesis about the text.

Alignment (the one rule every function here keeps): `model.trace(text)` has T = len(text) + 1 steps; step 0
reads the start marker ⏎ and step i + 1 reads `text[i]`. So the value of a signal at character i is the state
*having just read* `text[i]` (trace row i + 1), and a hypothesis at character i describes that same moment:
whether a string is open after this character, the bracket depth after it, how many characters of the line
have been read so far. The only hypothesis that looks ahead is `vowel_next` (it is about x<t+1>, what ŷ<t>
predicts); `indentation` gives a line's indentation to all of its characters, its leading spaces included.
Lines end at "\\n" only ("\\r" is an ordinary character). A line model (names, wiki: not `multiline`) restarts
at every "\\n" of the text, so the row of a newline is the ⏎ start state again; a multiline model (source code)
runs on across it.

Beyond LSTMVis, where the user brushes a pattern by hand: every hypothesis is scored against every unit at
once (Pearson r: standardise the columns, one matrix product), and `top_passages` is LSTMVis's match view.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import regex  # re-compatible, and unlike re it has a match timeout (it comes with nltk, see requirements.txt)

from seqviz.rnn.trace import Trace

MAX_PATTERN = 200  # longest regular expression a user may type
REGEX_TIMEOUT = 0.5  # seconds one regular expression may run over the text (catastrophic backtracking)
VOWELS = frozenset("aeiouAEIOU")

# how a page names each signal, in the course's notation
SIGNAL_LABELS = {
    "a": "a<t>",
    "c": "c<t>",
    "c_tilde": "c~<t>",
    "gamma_u": "Γu",
    "gamma_r": "Γr",
    "gamma_f": "Γf",
    "gamma_o": "Γo",
}


class HypothesisError(ValueError):
    """Bad input to the unit finder; `code` is short and stable so that a page can translate it.

    Codes: "empty_regex", "regex_too_long", "bad_regex" (does not compile), "slow_regex" (ran past
    REGEX_TIMEOUT), "text_mismatch" (the trace is not of this text), "length_mismatch" (an array is not one
    value per character), "unknown_signal" / "unknown_unit" (no such signal or unit in the trace).
    """

    def __init__(self, code: str, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


# ---- the hypotheses: one float32 value per character of the text ------------------------------------------------

# Python's own `tokenize` cannot do this: it raises on partial code (an unterminated string, an unclosed
# bracket at the end of a pasted snippet) and gives tokens, not a state for every character. So a small
# scanner walks the text once, jumping from one interesting character to the next with a regex.
_SPECIAL = re.compile(r"[\"'#()\[\]{}]")
_OPEN, _CLOSE = frozenset("([{"), frozenset(")]}")
# the body of a string after its opening delimiter: anything but the closing quote, a backslash escapes the
# next character (a newline included); a one-quote string also stops at a newline, a triple-quoted one at
# its three quotes. Each alternative consumes a different first character, so matching is linear.
_BODY = {
    "'": re.compile(r"(?:[^'\\\n]|\\[\s\S])*"),
    '"': re.compile(r'(?:[^"\\\n]|\\[\s\S])*'),
    "'''": re.compile(r"(?:[^'\\]|\\[\s\S]|'(?!''))*"),
    '"""': re.compile(r'(?:[^"\\]|\\[\s\S]|"(?!""))*'),
}


@lru_cache(maxsize=8)
def _scan(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(in_string, in_comment, bracket_depth) of every character of Python-like source; never raises."""
    n = len(text)
    string = np.zeros(n, np.float32)
    comment = np.zeros(n, np.float32)
    depth = np.zeros(n, np.float32)
    level, i = 0, 0
    while i < n:
        m = _SPECIAL.search(text, i)
        j = m.start() if m else n
        depth[i:j] = level  # ordinary code up to the next special character
        if j == n:
            break
        ch = text[j]
        if ch == "#":  # a comment runs to the end of the line; the newline is not part of it
            end = text.find("\n", j)
            end = n if end < 0 else end
            comment[j:end] = 1
            depth[j:end] = level
            i = end
        elif ch in "'\"":
            delim = ch * 3 if text.startswith(ch * 3, j) else ch
            body = _BODY[delim].match(text, j + len(delim)).end()
            if text.startswith(delim, body):  # closed: the opening quote(s) and the body are in the string
                string[j:body] = 1
                depth[j : body + len(delim)] = level
                i = body + len(delim)  # the closing quote(s) are not: after reading them the string is over
            else:  # unterminated: at a newline (one-quote string) or at the end of the text
                end = n if body < n and text[body] == "\\" else body  # a lone backslash as the last character
                string[j:end] = 1
                depth[j:end] = level
                i = end
        else:  # a bracket: its own character carries the depth after reading it
            level = level + 1 if ch in _OPEN else max(level - 1, 0)  # an unmatched closer does not go below 0
            depth[j] = level
            i = j + 1
    for a in (string, comment, depth):
        a.flags.writeable = False  # cached: callers get copies
    return string, comment, depth


def in_string(text: str) -> np.ndarray:
    """1 inside a Python string literal (' " ''' \"\"\", backslash escapes): its opening quote(s) and body;
    0 on its closing quote(s) and on prefixes like f/r/b. An unterminated one-quote string ends at the
    newline, an unterminated triple-quoted one at the end of the text."""
    return _scan(text)[0].copy()


def in_comment(text: str) -> np.ndarray:
    """1 from a # outside strings to the end of its line (the newline itself is 0)."""
    return _scan(text)[1].copy()


def bracket_depth(text: str) -> np.ndarray:
    """How many ( [ { are open after reading this character, outside strings and comments (never below 0)."""
    return _scan(text)[2].copy()


def in_brackets(text: str) -> np.ndarray:
    """1 where bracket_depth > 0 (an opening bracket is inside, a closing one that ends the nesting is not)."""
    return (_scan(text)[2] > 0).astype(np.float32)


def _line_starts(text: str) -> np.ndarray:
    """(n,) index of the first character of the line each character belongs to (a newline ends its line)."""
    n = len(text)
    starts = np.zeros(n, np.int64)
    nl = np.fromiter((i for i, ch in enumerate(text) if ch == "\n"), np.int64)
    nl = nl[nl + 1 < n]
    starts[nl + 1] = nl + 1
    return np.maximum.accumulate(starts) if n else starts


def line_position(text: str) -> np.ndarray:
    """How many characters of the current line have been read, this one included (a newline gives 0)."""
    n = len(text)
    col = np.arange(n, dtype=np.float32)
    col -= _line_starts(text) - 1
    col[[i for i, ch in enumerate(text) if ch == "\n"]] = 0
    return col


def indentation(text: str) -> np.ndarray:
    """The number of leading spaces and tabs of the line, for every character of the line (its newline too)."""
    out = np.zeros(len(text), np.float32)
    pos = 0
    for line in text.split("\n"):  # not splitlines(): it also breaks at \r, \x0c, \u2028 ...
        out[pos : pos + len(line) + 1] = len(line) - len(line.lstrip(" \t"))
        pos += len(line) + 1
    return out


_QUOTE_PAIRS = {'"': '"', "“": "”", "「": "」", "『": "』", "«": "»"}


def in_quotes(text: str) -> np.ndarray:
    """1 inside a quotation in prose: "…", “…”, «…», 「…」, 『…』 (the opening mark is in, the closing one out).

    No escapes and no apostrophes (it's, don't), unlike in_string. A quotation that is still open at a
    newline ends there: in prose it rarely runs past its paragraph, and one stray mark would otherwise flip
    the rest of the text.
    """
    out = np.zeros(len(text), np.float32)
    close = None  # the mark that would close the open quotation
    for i, ch in enumerate(text):
        if close is not None and (ch == close or ch == "\n"):
            close = None
        elif close is None and ch in _QUOTE_PAIRS:
            close = _QUOTE_PAIRS[ch]
        out[i] = close is not None
    return out


def in_parentheses(text: str) -> np.ndarray:
    """1 inside ( … ) in prose, ignoring quotes and apostrophes; the nesting restarts at each newline."""
    out = np.zeros(len(text), np.float32)
    level = 0
    for i, ch in enumerate(text):
        if ch == "(":
            level += 1
        elif ch == ")" or ch == "\n":
            level = 0 if ch == "\n" else max(level - 1, 0)
        out[i] = level > 0
    return out


def _wordish(text: str) -> np.ndarray:
    """(n,) True where the character is a letter, a digit or an underscore (any script)."""
    return np.fromiter((ch.isalnum() or ch == "_" for ch in text), bool, len(text))


def word_start(text: str) -> np.ndarray:
    """1 on a letter or underscore that starts a word (the character before it is no letter, digit or _)."""
    w = _wordish(text)
    starter = np.fromiter((ch.isalpha() or ch == "_" for ch in text), bool, len(text))
    before = np.concatenate([[False], w[:-1]]) if len(text) else w
    return (starter & ~before).astype(np.float32)


def in_word(text: str) -> np.ndarray:
    """1 on a letter, digit or underscore (inside a word or an identifier)."""
    return _wordish(text).astype(np.float32)


def after_space(text: str) -> np.ndarray:
    """1 where the character just read is a space or a tab (the next one starts a new token)."""
    return np.fromiter((ch in " \t" for ch in text), np.float32, len(text))


def vowel_next(text: str) -> np.ndarray:
    """1 where the next character is a vowel a e i o u (either case): what ŷ<t> has to predict; last is 0."""
    out = np.zeros(len(text), np.float32)
    out[:-1] = np.fromiter((ch in VOWELS for ch in text[1:]), np.float32, max(len(text) - 1, 0))
    return out


def digit(text: str) -> np.ndarray:
    """1 on a decimal digit 0-9 (numbers, dates, line numbers)."""
    return np.fromiter(("0" <= ch <= "9" for ch in text), np.float32, len(text))


# display order: source code first, then what also makes sense on prose
HYPOTHESES: dict[str, Callable[[str], np.ndarray]] = {
    "in_string": in_string,
    "in_comment": in_comment,
    "in_brackets": in_brackets,
    "bracket_depth": bracket_depth,
    "indentation": indentation,
    "line_position": line_position,
    "in_quotes": in_quotes,
    "in_parentheses": in_parentheses,
    "word_start": word_start,
    "in_word": in_word,
    "after_space": after_space,
    "vowel_next": vowel_next,
    "digit": digit,
}


def evaluate_hypotheses(text: str, names: list[str] | None = None) -> dict[str, np.ndarray]:
    """Every named hypothesis (or those in `names`) evaluated on `text`: name -> (len(text),) float32."""
    return {name: HYPOTHESES[name](text) for name in (names or HYPOTHESES)}


def regex_hypothesis(text: str, pattern: str) -> np.ndarray:
    """1 on every character inside a match of `pattern` (multiline: ^ and $ match at each line), 0 elsewhere.

    A pattern that matches nothing (or only empty strings) gives all zeros: check `values.any()` and say so.
    Raises HypothesisError "empty_regex", "regex_too_long" (over MAX_PATTERN characters), "bad_regex" (does not
    compile; detail says why) or "slow_regex" (it backtracked for more than REGEX_TIMEOUT seconds).
    """
    if not pattern:
        raise HypothesisError("empty_regex")
    if len(pattern) > MAX_PATTERN:
        raise HypothesisError("regex_too_long", f"{len(pattern)} characters, at most {MAX_PATTERN}")
    try:
        compiled = regex.compile(pattern, regex.MULTILINE)
    except (regex.error, ValueError, OverflowError, RecursionError) as e:
        raise HypothesisError("bad_regex", str(e)) from None
    out = np.zeros(len(text), np.float32)
    try:
        for m in compiled.finditer(text, timeout=REGEX_TIMEOUT):
            out[m.start() : m.end()] = 1
    except TimeoutError:
        raise HypothesisError("slow_regex", f"still matching after {REGEX_TIMEOUT} s") from None
    return out


# ---- the signals of a trace, one row per character ------------------------------------------------------------


def signals(trace: Trace) -> dict[str, np.ndarray]:
    """Every per-step signal of the trace, one row per character of the text (the ⏎ start step dropped).

    Returns:
        {"a": (T-1, n_a), "c": LSTM only (a GRU's c<t> is a<t>), "c_tilde": gated cells, then each gate by
        its trace key ("gamma_u", "gamma_f", "gamma_o" / "gamma_u", "gamma_r")}; row i is the state having
        just read text[i] (views into the trace, float32); a line model's row at a "\\n" is the ⏎ start state.
    """
    out = {"a": trace.a[1:]}
    if trace.cell == "lstm" and trace.c is not None:
        out["c"] = trace.c[1:]
    if trace.c_tilde is not None:
        out["c_tilde"] = trace.c_tilde[1:]
    out.update({g: v[1:] for g, v in trace.gates.items()})
    return out


def _signals_of(trace: Trace | Mapping[str, np.ndarray], text: str) -> Mapping[str, np.ndarray]:
    """The signals of a trace of `text` (checked), or an already computed signals dict (lengths checked)."""
    if isinstance(trace, Trace):
        if trace.T != len(text) + 1 or trace.tokens[1:] != list(text):
            raise HypothesisError("text_mismatch", f"the trace has {trace.T - 1} characters, the text {len(text)}")
        return signals(trace)
    for name, v in trace.items():
        if v.ndim != 2 or len(v) != len(text):
            raise HypothesisError("length_mismatch", f"signal {name!r} has shape {v.shape}, text {len(text)}")
    return trace


def unit_values(trace: Trace | Mapping[str, np.ndarray], signal: str, unit: int) -> np.ndarray:
    """One unit's values, one per character of the text (to colour the text by): (len(text),) float32."""
    sigs = signals(trace) if isinstance(trace, Trace) else trace
    if signal not in sigs:
        raise HypothesisError("unknown_signal", f"{signal!r}; the trace has {list(sigs)}")
    if not 0 <= unit < sigs[signal].shape[1]:
        raise HypothesisError("unknown_unit", f"{unit}; {signal} has {sigs[signal].shape[1]} units")
    return np.asarray(sigs[signal][:, unit], np.float32)


# ---- the finder ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitScore:
    """One unit and how well it tracks a hypothesis: Pearson r over the characters, sign kept."""

    signal: str  # a key of signals(): "a", "c", "c_tilde", "gamma_f", ...
    unit: int  # its index, 0..n_a-1
    r: float  # -1..1; 0 for a constant unit or a constant hypothesis

    @property
    def label(self) -> str:
        """The unit in the course's notation, e.g. "c<t>[17]" or "Γf[3]"."""
        return f"{SIGNAL_LABELS.get(self.signal, self.signal)}[{self.unit}]"


def _centre(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Columns minus their mean, and 1 / their norm (0 for a constant column, so that its r is 0, not NaN).

    The mean is summed in float64, so a constant float32 column centres to exactly 0; a column whose spread is
    below 1e-5 of its mean counts as constant (what is left is rounding, not a signal).
    """
    mean = X.mean(axis=0, dtype=np.float64)  # (k,)
    X = X - mean.astype(X.dtype)
    norm = np.sqrt(np.einsum("ij,ij->j", X, X, dtype=np.float64))  # (k,)
    alive = norm > 1e-5 * np.abs(mean) * np.sqrt(len(X))
    return X, np.where(alive, 1.0 / np.where(alive, norm, 1.0), 0.0)


def correlations(
    trace: Trace | Mapping[str, np.ndarray], text: str, hypotheses: Mapping[str, np.ndarray] | None = None
) -> dict[str, dict[str, np.ndarray]]:
    """Pearson r of every unit of every signal with every hypothesis: {hypothesis: {signal: (n_a,) r}}.

    Args:
        trace: `model.trace(text)`, or a signals dict {name: (len(text), n)} (e.g. cached `signals(trace)`).
        hypotheses: {name: (len(text),) values}; default every entry of HYPOTHESES on `text`.
    """
    sigs = _signals_of(trace, text)
    hyps = dict(hypotheses) if hypotheses is not None else evaluate_hypotheses(text)
    for name, h in hyps.items():
        if np.shape(h) != (len(text),):
            raise HypothesisError("length_mismatch", f"hypothesis {name!r} has shape {np.shape(h)}, text {len(text)}")
    keys = list(sigs)
    if not hyps or not len(text):  # nothing to correlate with, or over
        return {h: {k: np.zeros(sigs[k].shape[1], np.float32) for k in keys} for h in hyps}
    H, h_inv = _centre(np.stack([np.nan_to_num(np.asarray(h, np.float64)) for h in hyps.values()], axis=1))
    H = (H * h_inv).astype(np.float32)  # (N, m) standardised hypotheses (a constant one is all zeros)
    out = {h: {} for h in hyps}
    for k in keys:  # one signal at a time: no (N, K) copy of every unit
        X, x_inv = _centre(np.asarray(sigs[k], np.float32))  # (N, n)
        R = (X.T @ H) * x_inv[:, None]  # (n, m) Pearson r; X.T @ H is ~10x faster in OpenBLAS than H.T @ X
        R = np.clip(R, -1.0, 1.0).astype(np.float32)
        for i, h in enumerate(hyps):
            out[h][k] = R[:, i].copy()
    return out


def rank_units(
    trace: Trace | Mapping[str, np.ndarray],
    text: str,
    hypotheses: Mapping[str, np.ndarray] | None = None,
    top: int = 5,
) -> dict[str, list[UnitScore]]:
    """For each hypothesis, the `top` units of all signals by |Pearson r| over the characters (sign kept).

    Args:
        trace: `model.trace(text)`, or a signals dict {name: (len(text), n)}.
        hypotheses: {name: (len(text),) values}; default every entry of HYPOTHESES on `text`.
    Returns:
        {hypothesis: [UnitScore, ...] best first}; a constant hypothesis (a regex that matches nothing) gives
        units with r = 0.
    """
    out = {}
    for name, by_signal in correlations(trace, text, hypotheses).items():
        keys = list(by_signal)
        r = np.concatenate([by_signal[k] for k in keys]) if keys else np.zeros(0, np.float32)
        owner = np.repeat(np.arange(len(keys)), [len(by_signal[k]) for k in keys])
        starts = np.cumsum([0] + [len(by_signal[k]) for k in keys])
        best = np.argsort(-np.abs(r), kind="stable")[: max(top, 0)]
        out[name] = [UnitScore(keys[owner[i]], int(i - starts[owner[i]]), float(r[i])) for i in best]
    return out


# ---- LSTMVis's match view --------------------------------------------------------------------------------------


@dataclass
class Passage:
    """A window of the text where a unit is most on."""

    start: int  # text[start:end] is the passage
    end: int
    text: str
    values: np.ndarray  # (end - start,) the unit's values there, to colour each character
    score: float  # the mean of those values (the window's rank)


def top_passages(values: np.ndarray, text: str, k: int = 5, width: int = 60, lowest: bool = False) -> list[Passage]:
    """The k non-overlapping windows of `width` characters where the mean of `values` is highest, best first.

    The mean, not the peak: a window ranks high when the unit stays on through it (a whole string literal,
    a whole parenthesis), not for one spike. Greedy: take the best window, rule out every window that overlaps
    it, repeat. Fewer than k come back when no more fit. A shorter text is one passage, the whole text.

    Args:
        values: (len(text),) one unit's values (e.g. `unit_values(trace, "c", 17)` over held-out text).
        lowest: rank by the lowest mean instead (a unit that is "on" when negative); scores stay the means.
    """
    values = np.nan_to_num(np.asarray(values, np.float64))
    n = len(text)
    if values.shape != (n,):
        raise HypothesisError("length_mismatch", f"values have shape {values.shape}, text {n}")
    if n == 0 or k <= 0:
        return []
    w = int(min(max(width, 1), n))
    csum = np.concatenate([[0.0], np.cumsum(values)])
    means = (csum[w:] - csum[:-w]) / w  # (n - w + 1,) the mean of each window text[s : s + w]
    rank = -means if lowest else means.copy()
    out = []
    for _ in range(k):
        s = int(np.argmax(rank))
        if rank[s] == -np.inf:
            break
        out.append(Passage(s, s + w, text[s : s + w], values[s : s + w].astype(np.float32), float(means[s])))
        rank[max(s - w + 1, 0) : s + w] = -np.inf  # every window that overlaps this one
    return out
