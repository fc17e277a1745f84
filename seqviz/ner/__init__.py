"""Named entities: a bidirectional LSTM tags each token PER / LOC / ORG / O (many-to-many, Tx = Ty)."""

from seqviz.ner import kind  # noqa: F401  (registers the "ner" model kind)
