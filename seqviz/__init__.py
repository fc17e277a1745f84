"""SeqViz: live pictures of small sequence models in the notation of the Sequence Models course."""
from seqviz.core.device import device_label, pick_device
from seqviz.core.checkpoint import list_pretrained, load_model, load_pretrained

__all__ = ["device_label", "pick_device", "list_pretrained", "load_model", "load_pretrained"]
