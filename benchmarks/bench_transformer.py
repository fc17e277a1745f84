"""The Transformer beside the RNNs: translation time of one date, held-out accuracy and training time of the three
date translators, and held-out perplexity of the four character models of names, from their checkpoints.

Run: python -m benchmarks.bench_transformer
Target (issue 21): translating one date at most 30 ms on CPU.
"""

from __future__ import annotations

import time

from benchmarks.bench_mt import median_ms

DATES = ["Tuesday 13 June 1989", "1989年6月13日星期二", "miércoles, 13 de septiembre de 1989", "6/13/89"]
TRANSLATORS = ("date-transformer", "date-attention", "date-no-attention")
CHAR_MODELS = ("names-rnn", "names-gru", "names-lstm", "names-transformer")


def n_params(model) -> int:
    return sum(p.numel() for p in model.parameters())


def main() -> None:
    import torch

    import seqviz
    from seqviz.translation.dates import date_pairs
    from seqviz.translation.models import greedy_batch

    torch.set_num_threads(1)
    print(f"torch {torch.__version__}, 1 thread, device cpu (CUDA available: {torch.cuda.is_available()})")
    print("\nOne date, translate() with every layer's attention recorded (median of 30):")
    for name in TRANSLATORS:
        m = seqviz.load_pretrained(name)
        m.translate(DATES[0], beam_width=10)  # warm up
        for text in DATES:
            greedy = median_ms(lambda: m.translate(text, beam_width=1))
            beam = median_ms(lambda: m.translate(text, beam_width=10))
            print(
                f"  {name:18s} {text!r:40s} -> {m.translate(text).output}  greedy {greedy:5.1f} ms"
                f" | B=10 {beam:6.1f} ms" + ("  [target 30 ms]" if name == "date-transformer" else "")
            )
    texts = [p.human for p in date_pairs(1000, seed=7, split="test")]
    print("\nHeld-out (the same 4,000 test dates for all three), from each checkpoint's JSON:")
    print(
        f"  {'model':18s} {'params':>8s} {'greedy':>8s} {'B=10':>8s} {'chars':>8s} {'train s':>8s} 1,000 dates batched"
    )
    for name in TRANSLATORS:
        m = seqviz.load_pretrained(name)
        t0 = time.perf_counter()
        greedy_batch(m, texts)
        batch_ms = (time.perf_counter() - t0) * 1e3
        mt, tr = m.meta["metrics"], m.meta["training"]
        print(
            f"  {name:18s} {n_params(m):8,d} {100 * mt['exact_greedy']:7.2f}% {100 * mt['exact_beam10']:7.2f}% "
            f"{100 * mt['char_accuracy_greedy']:7.2f}% {tr['seconds']:8.0f} {batch_ms:8.0f} ms"
        )
        print(
            "      by input length: "
            + ", ".join(f"{b}: {100 * v['exact']:.1f}%" for b, v in mt["by_length"].items() if v["exact"] is not None)
        )
        scan = mt.get("scan") or {}
        if scan:
            print(
                f"      scan of {scan['n']:,} more held-out dates: {scan['greedy_wrong']} greedy errors "
                f"({scan['search']} search, {scan['model']} model), {scan['fixed_by_beam']} fixed by "
                f"B={scan['beam_width']}"
            )
    print("\nCharacter models of names (held-out lines, per character, ⏎ included):")
    print(f"  {'model':18s} {'params':>8s} {'nats/char':>10s} {'perplexity':>11s} {'train s':>8s} epochs")
    for name in CHAR_MODELS:
        m = seqviz.load_pretrained(name)
        mt, tr = m.meta["metrics"], m.meta["training"]
        print(
            f"  {name:18s} {n_params(m):8,d} {mt['val_loss_nats_per_char']:10.4f} {mt['val_perplexity']:11.3f} "
            f"{tr['seconds']:8.0f} {tr['epochs']}"
        )


if __name__ == "__main__":
    main()
