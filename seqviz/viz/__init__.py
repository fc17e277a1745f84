"""Figure builders: a trace in, a plotly figure out, on one fast path (`base`), one module per topic."""

from seqviz.viz import base, diagrams, embeddings, rnn, sentiment, translation  # noqa: F401
