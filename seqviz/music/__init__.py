"""Music: an LSTM writes Bach chorales one token at a time (one-to-many), heard through numpy synthesis."""

from seqviz.music import kind  # noqa: F401  (registers the "music" model kind)
