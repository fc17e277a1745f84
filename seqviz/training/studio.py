"""The training studio's command line: train any registered model kind on bundled or uploaded data.

The Train page runs exactly this command in a worker process (see `seqviz.training.jobs`), so a model trained
in a terminal and one trained in the app are the same two files.

    python -m seqviz.training.studio char_lm --file class.txt --cell gru --epochs 5 --name our-class --out models/
    python -m seqviz.training.studio dates --start date-attention --epochs 2 --name dates-more
    python -m seqviz.training.studio --help
A character model (char_lm) writes a short sample at step 0 and every --sample-every steps (default 50; 0: never),
printed between the progress lines (sent as "sample" events with --progress jsonl).
The classroom's caps (LIMITS: file size, characters, words, examples) apply with --classroom, which the app's
worker passes; a terminal run is bounded only by the settings' own ranges.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from seqviz.core.loop import Callback, PrintProgress
from seqviz.core.registry import KINDS, LIMITS, NO_CAPS, DataError
from seqviz.core.text import decode_upload
from seqviz.training.runner import JsonlProgress, read_data, run, safe_name, save


class PrintSamples(Callback):
    """The samples a character model writes as it learns (see --sample-every), printed between progress lines."""

    def __init__(self, stream=None):
        self.stream = stream

    def on_sample(self, s, text: str) -> None:
        stream = self.stream or sys.stderr
        loss = f"{s.loss:.4f}" if math.isfinite(s.loss) else "—"
        body = "\n".join("    " + line for line in text.split("\n"))
        stream.write(f"\n--- sample at step {s.step} (loss {loss}):\n{body}\n")
        stream.flush()


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="python -m seqviz.training.studio",
        description=(
            "Train a SeqViz model on bundled data or your own file; writes NAME.safetensors + NAME.json, "
            "which the app's Train page can open."
        ),
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    ap.add_argument("kind", choices=list(KINDS))
    ap.add_argument(
        "--data",
        default=None,
        help="a bundled data set: " + "; ".join(f"{k.name}: {', '.join(k.bundled)}" for k in KINDS.values()),
    )
    ap.add_argument(
        "--file",
        default=None,
        help="train on this UTF-8 .txt instead (format per kind: "
        + "; ".join(f"{k.name}: {k.upload_format}" for k in KINDS.values())
        + ")",
    )
    ap.add_argument("--name", default="my-model", help="file name of the checkpoint")
    ap.add_argument("--out", default=".", help="folder to write NAME.safetensors and NAME.json into")
    ap.add_argument(
        "--device",
        default="auto",
        choices=("auto", "cpu", "cuda"),
        help="where torch trains (word2vec always trains on the CPU: gensim has no GPU code)",
    )
    ap.add_argument("--max-seconds", type=float, default=None, help="stop after this long, keeping the best model")
    ap.add_argument("--progress", default="bar", choices=("bar", "jsonl", "none"))
    ap.add_argument("--stop-file", default=None, help="stop (keeping the best model) when this file appears")
    ap.add_argument(
        "--classroom",
        action="store_true",
        help=(
            f"apply the Train page's caps: a file up to {LIMITS.upload_bytes // 1_000_000} MB, at most "
            f"{LIMITS.chars:,} characters, {LIMITS.tokens:,} words or {LIMITS.examples:,} examples (the app's worker "
            "passes it; without it only the settings' own ranges apply)"
        ),
    )
    seen = set()
    for kind in KINDS.values():
        for prm in kind.params:
            if prm.name in seen:
                continue
            seen.add(prm.name)
            ap.add_argument(
                f"--{prm.name.replace('_', '-')}",
                dest=prm.name,
                default=None,
                help=(  # argparse formats help with %: a hint's own "10%" must be "10%%"
                    f"{prm.hint} (default for each kind: "
                    + ", ".join(
                        f"{k.name} {k.defaults()[prm.name]}" for k in KINDS.values() if prm.name in k.defaults()
                    )
                    + ")"
                ).replace("%", "%%"),
            )
    return ap


def main(argv: list[str] | None = None) -> int:
    """Train from the terminal; exit status 0 = written, 2 = bad arguments or data, 3 = training failed."""
    a = _parser().parse_args(argv)
    params = {k: getattr(a, k) for k in KINDS[a.kind].defaults() if getattr(a, k, None) is not None}
    progress = JsonlProgress(sys.stdout, a.stop_file) if a.progress == "jsonl" else None

    def fail(code: str, status: int, **info) -> int:
        if progress:
            progress.emit("error", code=code, info=info)
        else:
            print(f"error: {code} {info}", file=sys.stderr)
        return status

    try:
        params = KINDS[a.kind].check(params)
    except ValueError as err:
        return fail("bad_param", 2, message=str(err))
    text, limits = None, LIMITS if a.classroom else NO_CAPS
    if a.file:
        try:
            raw = Path(a.file).read_bytes()
        except OSError as err:
            return fail("no_file", 2, message=str(err))
        if KINDS[a.kind].binary:  # a MIDI or MusicXML file: the kind reads the bytes itself
            text = raw
        else:
            clean = decode_upload(raw, max_chars=limits.upload_bytes, max_bytes=limits.upload_bytes)
            if not clean.ok:
                return fail(clean.problems[0] if clean.problems else "empty", 2, **clean.info)
            text = clean.text
    source = "upload" if a.file else (a.data or KINDS[a.kind].bundled[0])
    callbacks = [progress] if progress else ([PrintProgress(every=5), PrintSamples()] if a.progress == "bar" else [])
    try:
        data = read_data(a.kind, source, text, params, limits)
        if progress and data.notes:
            progress.emit("notes", notes=data.notes)
        result = run(a.kind, data, params, callbacks, a.device, a.max_seconds, safe_name(a.name))
    except DataError as err:
        return fail(err.code, 2, **err.info)
    except (RuntimeError, MemoryError, OverflowError) as err:  # e.g. out of memory for a huge n_a
        return fail("failed", 3, message=str(err)[:300])
    path = save(result, safe_name(a.name), a.out)
    if progress:
        progress.emit(
            "saved",
            json=str(path),
            weights=str(path.with_suffix(".safetensors")),
            stop_reason=result.state.stop_reason or "finished",
        )
    else:
        print(
            f"wrote {path} and {path.with_suffix('.safetensors')}; metrics: "
            f"{json.dumps(result.meta['metrics'], ensure_ascii=False)[:400]}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
