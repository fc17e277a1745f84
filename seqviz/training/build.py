"""Rebuild the shipped checkpoints: `python -m seqviz.training.build NAME|all`."""
from __future__ import annotations

import sys


from seqviz.core.loop import PrintProgress


def main(argv: list[str] | None = None) -> int:
    """`python -m seqviz.training.build NAME [NAME ...] | all`: rebuild pretrained checkpoints."""
    import argparse

    from seqviz.rnn.kind import RECIPES, build

    from seqviz.sentiment.kind import SENTIMENT_RECIPES, build_sentiment

    from seqviz.embeddings.kind import EMBEDDING_RECIPES, build_embeddings

    ap = argparse.ArgumentParser(prog="python -m seqviz.training.build", description=main.__doc__)
    known = sorted(RECIPES) + sorted(SENTIMENT_RECIPES)
    from seqviz.translation.kind import MT_RECIPES, build_mt   # issue 5: the date translators
    known += sorted(MT_RECIPES) + sorted(EMBEDDING_RECIPES)
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
        build = build_sentiment if name in SENTIMENT_RECIPES else build
        build = build_mt if name in MT_RECIPES else build
        build = build_embeddings if name in EMBEDDING_RECIPES else build
        meta = build(name, out_dir=a.out, epochs=a.epochs, device=a.device,
                             callbacks=[PrintProgress()])
        print(f"{name}: {meta['metrics']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
