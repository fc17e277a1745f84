"""Figure builders: a trace in, a plotly figure out, on one fast path (`base`), one module per topic."""

from seqviz.viz import base, diagrams, embeddings, rnn, sentiment, transformer, translation  # noqa: F401
