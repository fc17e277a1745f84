"""What the two Transformer kinds (date_transformer, char_transformer) share: their size settings, a checkpoint's
sizes checked before anything is built, and the Train page's words on a checkpoint's size."""

from __future__ import annotations

from seqviz.core.checkpoint import config_size
from seqviz.core.registry import Param, figure

SIZE_PARAMS = (  # every Transformer kind's size settings, with their hints
    Param("d_model", 64, lo=16, hi=256, ticks=(16, 32, 64, 128, 256), hint="size of every position's vector"),
    Param("h", 4, choices=(1, 2, 4, 8), hint="attention heads (d_model must be a multiple of h)"),
    Param("n_layers", 2, lo=1, hi=4, hint="layers (a translator has as many in its encoder as in its decoder)"),
    Param("d_ff", 128, lo=16, hi=1024, page=False, hint="hidden units of each position's feed-forward network"),
)


def sizes(cfg: dict) -> tuple[int, int, int, int]:
    """(d_model, h, n_layers, d_ff) of a checkpoint's config, each checked to be in range and d_model a multiple of
    h (ValueError otherwise)."""
    d, h = config_size(cfg, "d_model", 1024), config_size(cfg, "h", 64)
    if d % h:
        raise ValueError(f"d_model = {d} is not a multiple of h = {h}")
    return d, h, config_size(cfg, "n_layers", 12), config_size(cfg, "d_ff", 4096)


def size_figures(cfg: dict) -> dict:
    """The Train page's figures of a Transformer checkpoint's size: d, h and L (layers)."""
    return {k: figure(cfg.get(key), ".0f") for k, key in (("d", "d_model"), ("h", "h"), ("L", "n_layers"))}
