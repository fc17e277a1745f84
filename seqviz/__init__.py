"""SeqViz: live pictures of small sequence models in the notation of the Sequence Models course."""

# the topic packages register their model kinds when imported: load them all, so that any checkpoint opens
from seqviz import embeddings, music, ner, rnn, sentiment, speech, translation  # noqa: F401
from seqviz.core.checkpoint import list_pretrained, load_model, load_pretrained
from seqviz.core.device import device_label, pick_device
from seqviz.embeddings import load_vectors
from seqviz.rnn.connectivity import connectivity

__all__ = [
    "connectivity",
    "device_label",
    "pick_device",
    "list_pretrained",
    "load_model",
    "load_pretrained",
    "load_vectors",
]
