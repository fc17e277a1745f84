"""Word vectors as files: the Embedding Projector's two TSV files and a projection's coordinates as CSV.

The Projector (projector.tensorflow.org, "Load") reads
- a vectors TSV: one row per word, its n_e numbers separated by tabs, no header;
- a metadata TSV: one row per word in the same order; a single column has no header (a "vocab file"), several
  columns have one (the Projector takes a first line holding a tab for the header).
It splits lines on "\\n" and fields on "\\t" and knows no quoting, so a field holding a tab or a line break cannot be
written: such words are refused (ValueError naming them), never silently changed. CSV has quoting, so the
coordinates file writes any word. Text is UTF-8 (Chinese words included); the CSV starts with a byte-order mark so
that spreadsheet programs read it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

import numpy as np

# characters a TSV field may not hold: the tab, and everything str.splitlines() breaks a line at
BREAKS = "\t\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029"
FLOAT = "%.6g"  # 6 significant digits: within 5e-7 of each float32 value, half the size of the full 9


def bad_field(text: str) -> bool:
    """Whether `text` cannot be one TSV field: empty or blank (the Projector skips blank lines) or holding a tab
    or a line break."""
    return not text.strip() or any(ch in BREAKS for ch in text)


def unsafe_words(words: Sequence[str]) -> list[str]:
    """The words (in order) that cannot be written to a metadata TSV (see `bad_field`)."""
    return [w for w in words if bad_field(w)]


def _refuse(fields: Sequence[str], what: str) -> None:
    bad = unsafe_words(fields)
    if bad:
        shown = ", ".join(repr(w) for w in bad[:5]) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        raise ValueError(f"{what} with a tab or a line break (or blank) cannot go into a TSV file: {shown}")


def vectors_tsv(E: np.ndarray) -> bytes:
    """The Projector's vectors file: row i holds e_w of word i, its n_e numbers tab-separated, no header.

    Args:
        E: (n, n_e) vectors, n_e >= 2 (the Projector refuses one-number vectors), all finite.
    Returns:
        UTF-8 bytes, n lines each ending in "\\n".
    """
    E = np.asarray(E, dtype=np.float64)
    if E.ndim != 2 or E.shape[1] < 2:
        raise ValueError(f"vectors must be an (n, n_e) array with n_e >= 2, not of shape {E.shape}")
    if not np.isfinite(E).all():
        raise ValueError("vectors holding NaN or infinity cannot be exported")
    row = "\t".join([FLOAT] * E.shape[1])
    return "".join(row % tuple(r) + "\n" for r in E.tolist()).encode("utf-8")


def metadata_tsv(words: Sequence[str], columns: dict[str, Sequence] | None = None) -> bytes:
    """The Projector's metadata file: the words one per line (no header), or with `columns` a header line
    "word<TAB>name..." and one row per word.

    Args:
        words: the n words, in the order of the vectors file.
        columns: extra columns, name -> n values (None or "" for none: the Projector reads an empty field as
            missing), e.g. {"group": cluster names}.
    Raises:
        ValueError naming the words, values or names that hold a tab or a line break, and when a column's length
        differs from the words'.
    """
    words = [str(w) for w in words]
    _refuse(words, "words")
    if not columns:
        return "".join(w + "\n" for w in words).encode("utf-8")
    names = [str(n) for n in columns]
    _refuse(names, "column names")
    values = []
    for name, col in columns.items():
        col = ["" if x is None else str(x) for x in col]
        if len(col) != len(words):
            raise ValueError(f"column {name!r} has {len(col)} values for {len(words)} words")
        _refuse([x for x in col if x], f"values of column {name!r}")  # empty values are allowed: missing
        values.append(col)
    lines = ["\t".join(["word", *names])] + ["\t".join(row) for row in zip(words, *values)]
    return "".join(line + "\n" for line in lines).encode("utf-8")


def projector_files(
    words: Sequence[str], E: np.ndarray, columns: dict[str, Sequence] | None = None
) -> tuple[bytes, bytes]:
    """(vectors TSV, metadata TSV) for the same words in the same order (see `vectors_tsv`, `metadata_tsv`)."""
    if len(words) != len(E):
        raise ValueError(f"{len(words)} words but {len(E)} vectors")
    return vectors_tsv(E), metadata_tsv(words, columns)


def coordinates_csv(words: Sequence[str], Y: np.ndarray, columns: dict[str, Sequence] | None = None) -> bytes:
    """A projection as CSV: a header "word,x,y[,z],<columns>" and one row per word, numbers to 6 digits.

    Args:
        words: the n projected words.
        Y: (n, 2) or (n, 3) coordinates.
        columns: extra columns, name -> n values (None is written as an empty field).
    Returns:
        UTF-8 bytes with a byte-order mark; quotes, commas and line breaks inside words are quoted as CSV does.
    """
    Y = np.asarray(Y, dtype=np.float64)
    if Y.ndim != 2 or Y.shape[1] not in (2, 3) or len(Y) != len(words):
        raise ValueError(f"coordinates must be ({len(words)}, 2 or 3), not {Y.shape}")
    columns = columns or {}
    for name, col in columns.items():
        if len(col) != len(words):
            raise ValueError(f"column {name!r} has {len(col)} values for {len(words)} words")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["word", *"xyz"[: Y.shape[1]], *columns])
    cols = [["" if x is None else x for x in col] for col in columns.values()]
    for i, (w, p) in enumerate(zip(words, Y.tolist())):
        writer.writerow([w, *(format(x, ".6g") for x in p), *(col[i] for col in cols)])
    return out.getvalue().encode("utf-8-sig")
