"""Character vocabulary of a character-level language model."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BOUNDARY = "\n"  # one token marks both the start of a line (x<1>) and its end (<EOS>)
VISIBLE = {BOUNDARY: "⏎", " ": "␣", "\t": "⇥"}  # how invisible characters are drawn


def display(ch: str) -> str:
    """A visible label for a character (the boundary, space and tab get a symbol)."""
    return VISIBLE.get(ch, ch)


@dataclass
class CharVocab:
    """Maps characters to indices. Index 0 is the line boundary `\\n`."""

    chars: list[str]

    def __post_init__(self):
        self.index = {ch: i for i, ch in enumerate(self.chars)}

    def __len__(self) -> int:
        return len(self.chars)

    @classmethod
    def from_text(cls, text: str) -> CharVocab:
        """Vocabulary of every character in `text`, boundary first."""
        return cls([BOUNDARY] + sorted(set(text) - {BOUNDARY}))

    def lookup(self, ch: str) -> int:
        """Index of `ch` (case-folded when only the other case is known), or -1 when unknown."""
        if ch in self.index:
            return self.index[ch]
        for other in (ch.lower(), ch.upper()):
            if other in self.index:
                return self.index[other]
        return -1

    def encode(self, text: str) -> np.ndarray:
        """Indices of the characters of `text`, -1 for characters the model never saw. Shape (T,)."""
        return np.array([self.lookup(ch) for ch in text], dtype=np.int64)

    def decode(self, ids) -> str:
        """Characters of the indices `ids`."""
        return "".join(self.chars[i] for i in ids)
