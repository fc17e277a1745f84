"""Default data sets that ship inside installed packages (nothing is downloaded)."""
from __future__ import annotations

import os

import numpy as np
import torch
from torch.utils.data import Dataset


def _names_file(name: str) -> str:
    import names  # the `names` package ships the 1990 US census name lists
    return os.path.join(os.path.dirname(names.__file__), name)


def census_names(kind: str) -> tuple[list[str], np.ndarray]:
    """Names and their census frequencies (percent) from the `names` package.

    Args:
        kind: "dist.all.last", "dist.female.first" or "dist.male.first".
    """
    words, freq = [], []
    with open(_names_file(kind), encoding="ascii") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2:
                words.append(parts[0].lower())
                freq.append(float(parts[1]))
    return words, np.array(freq)


def full_names(seed: int = 0) -> list[str]:
    """One line "first last" for every census surname (88,799), first names drawn by frequency."""
    rng = np.random.default_rng(seed)
    last, _ = census_names("dist.all.last")
    firsts, weights = [], []
    for kind in ("dist.female.first", "dist.male.first"):
        w, f = census_names(kind)
        firsts += w
        weights.append(f + 1e-3)             # every name gets a small chance
    p = np.concatenate(weights)
    p /= p.sum()
    pick = rng.choice(len(firsts), size=len(last), p=p)
    return [f"{firsts[i]} {s}" for i, s in zip(pick, last)]


def split_lines(lines: list[str], val_frac: float = 0.1, seed: int = 0) -> tuple[list[str], list[str]]:
    """Shuffle with a seed and hold out `val_frac` of the lines."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(lines))
    n_val = max(1, int(len(lines) * val_frac))
    return [lines[i] for i in order[n_val:]], [lines[i] for i in order[:n_val]]


class LineDataset(Dataset):
    """Each line becomes (x, y): x = ⏎ + line, y = line + ⏎ (next-character targets)."""

    def __init__(self, lines: list[str], vocab):
        self.items = [torch.from_numpy(np.concatenate([[0], vocab.encode(line), [0]]))
                      for line in lines]

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, i: int) -> torch.Tensor:
        return self.items[i]


def pad_collate(seqs: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """Pad a list of id sequences: inputs padded with ⏎, targets with -100 (ignored by the loss)."""
    T = max(len(s) for s in seqs) - 1
    x = torch.zeros(len(seqs), T, dtype=torch.long)
    y = torch.full((len(seqs), T), -100, dtype=torch.long)
    for i, s in enumerate(seqs):
        x[i, : len(s) - 1] = s[:-1]
        y[i, : len(s) - 1] = s[1:]
    return x, y
