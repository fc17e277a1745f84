"""Device choice: CUDA when a GPU is present, else CPU."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def pick_device(prefer: str = "auto") -> torch.device:
    """Return the device to compute on.

    Args:
        prefer: "auto" (CUDA when available, else CPU), "cuda" or "cpu".
    """
    import torch  # imported here so that `import seqviz` stays light for the home page

    if prefer == "cpu":
        return torch.device("cpu")
    if prefer in ("auto", "cuda") and torch.cuda.is_available():
        return torch.device("cuda")
    return torch.device("cpu")


def device_info(device: torch.device | None = None) -> tuple[str, str]:
    """("cuda", GPU name) or ("cpu", number of threads) for `device` (default: the one pick_device() picks)."""
    import torch

    device = device or pick_device()
    if device.type == "cuda":
        return "cuda", torch.cuda.get_device_name(device)
    return "cpu", str(torch.get_num_threads())


def device_label(device: torch.device | None = None) -> str:
    """A short human label such as 'CUDA (NVIDIA H100)' or 'CPU (2 threads)'."""
    kind, detail = device_info(device)
    return f"CUDA ({detail})" if kind == "cuda" else f"CPU ({detail} threads)"
