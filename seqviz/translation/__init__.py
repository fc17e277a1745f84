"""Translation with attention on the course's dates task: the models, beam search, BLEU, error analysis."""

from seqviz.translation import kind  # noqa: F401  (registers the "dates" model kind)
