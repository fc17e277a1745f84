"""The Transformer of the course's week 4: positional encoding, (masked) multi-head attention, encoder, decoder."""

from seqviz.transformer.layers import (
    DecoderLayer,
    EncoderLayer,
    MultiHeadAttention,
    attention_step,
    causal_mask,
    positional_encoding,
)

__all__ = [
    "DecoderLayer",
    "EncoderLayer",
    "MultiHeadAttention",
    "attention_step",
    "causal_mask",
    "positional_encoding",
]
