"""How long each animated figure takes to build on a student's own sentence (a cache miss of the page).

Run: python benchmarks/bench_figures.py

For every figure the pages rebuild on new input it prints the median of 7 builds, in ms:
- "build + dict": the builder (viz.base.figure, unchecked) plus viz.base.as_dict, which is what a page pays;
- "plotly checks": go.Figure(fig.to_dict()), the same figure passed through plotly's per-property checks,
  which is what building it from go.Bar / go.Frame objects cost before (issue 8);
for a 60-character and a 200-character input (B = 10 beams for the tree). Shipped checkpoints, one thread.
"""

from __future__ import annotations

import statistics
import time

import plotly.graph_objects as go
import torch

import seqviz
from seqviz import viz
from seqviz.rnn.lm import sample
from seqviz.sentiment.models import read

REPEAT = 7


def ms(fn) -> float:
    fn()
    times = []
    for _ in range(REPEAT):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main() -> None:
    torch.set_num_threads(1)
    lstm = seqviz.load_pretrained("names-lstm")
    nmt, plain = seqviz.load_pretrained("date-attention"), seqviz.load_pretrained("date-no-attention")
    sent = seqviz.load_pretrained("sentiment-en")
    vocab = list(nmt.tgt_vocab.chars)
    sentences = {
        60: "the cat sat on the mat and looked at the birds in the garden.",
        200: (
            "a recurrent network reads one character at a time and keeps what it needs in its "
            "hidden state; the gates decide what to forget, what to write and what to show "
            "at every step of the sentence you typed."
        ),
    }
    print(f"{'figure':34s} {'input':>6s} {'build + dict':>13s} {'plotly checks':>14s}")
    for n, text in sentences.items():
        text = text[:n]
        trace, reading, sampled, words = lstm.trace(text), read(sent, text), sample(lstm, n, seed=0), text.split()
        cases = {  # the model's work is done once, above: only the figure is timed
            "state_animation (a<t>, top-5)": lambda: viz.rnn.state_animation(trace),
            "gates_figure (LSTM)": lambda: viz.rnn.gates_figure(trace),
            "sentiment_figure": lambda: viz.sentiment.sentiment_figure(reading),
            "pairs_animation (window 2)": lambda: viz.embeddings.pairs_animation(words, 2),
            "sample_animation": lambda: viz.rnn.sample_animation(sampled),
        }
        if n == 60:  # dates are at most 40 characters
            tr, tr0 = nmt.translate("Tuesday 13 June 1989", beam_width=10), plain.translate("13.06.89")
            cases["decoding_animation (attention)"] = lambda: viz.translation.decoding_animation(tr, vocab)
            cases["decoding_animation (none)"] = lambda: viz.translation.decoding_animation(tr0, vocab)
            cases["beam_tree (B = 10)"] = lambda: viz.translation.beam_tree(tr.search, vocab)
        for name, build in cases.items():
            fig = build()
            fast = ms(lambda: viz.base.as_dict(build()))
            checked = ms(lambda: go.Figure(fig.to_dict()))
            print(f"{name:34s} {n:6d} {fast:10.1f} ms {checked:11.1f} ms")


if __name__ == "__main__":
    main()
