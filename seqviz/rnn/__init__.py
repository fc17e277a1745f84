"""Recurrent networks: the RNN / GRU / LSTM cells, the character language model, traces, gradients, sampling."""

from seqviz.rnn import kind  # noqa: F401  (registers the "char_lm" model kind)
