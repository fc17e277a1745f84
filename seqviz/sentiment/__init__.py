"""Sentiment classification: averaging the word vectors vs an LSTM over the same E."""

from seqviz.sentiment import kind  # noqa: F401  (registers the "sentiment" model kind)
