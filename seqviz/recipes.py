"""How each checkpoint in pretrained/ is built: data, model shape, training settings."""
from __future__ import annotations

import math
import platform
import time

import torch
import torch.nn.functional as F

from seqviz.data import LineDataset, full_names, pad_collate, split_lines
from seqviz.models import CharLM, CharLMConfig
from seqviz.pretrained import save_model
from seqviz.train import TrainConfig, fit
from seqviz.vocab import CharVocab

NAMES_DATA = {
    "source": "the `names` package: 1990 US census lists (dist.all.last, dist.female.first, dist.male.first)",
    "lines": "one 'first last' line per census surname (88,799), first names drawn by census frequency, seed 0",
    "split": "90% train / 10% held out, shuffled with seed 0",
}
RECIPES = {   # name -> (cell, n_a, training settings)
    "names-rnn": ("rnn", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "names-gru": ("gru", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "names-lstm": ("lstm", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
}


def lm_loss(model, batch):
    """Mean cross-entropy (nats per character) of the next-character predictions."""
    x, y = batch
    logits = model(x)                                           # (b, T, V)
    return F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100)


@torch.no_grad()
def lm_eval(model, data: LineDataset, batch_size: int = 512) -> dict:
    """Held-out loss (nats per character, the ⏎ that ends each line included) and perplexity."""
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for i in range(0, len(data), batch_size):
        x, y = pad_collate([data[j] for j in range(i, min(i + batch_size, len(data)))])
        x, y = x.to(device), y.to(device)
        logits = model(x)
        total += float(F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100, reduction="sum"))
        count += int((y != -100).sum())
    loss = total / count
    return {"loss": loss, "perplexity": math.exp(loss)}


def build(name: str, out_dir=None, epochs: int | None = None, device: str = "auto", callbacks=()) -> dict:
    """Train checkpoint `name` from scratch and save it; return its JSON metadata."""
    cell, n_a, cfg = RECIPES[name]
    cfg = TrainConfig(**{**cfg.__dict__, "device": device, **({"epochs": epochs} if epochs else {})})
    lines = full_names(seed=0)
    train_lines, val_lines = split_lines(lines, 0.1, seed=0)
    vocab = CharVocab.from_text("\n".join(lines))
    torch.manual_seed(cfg.seed)
    model = CharLM(CharLMConfig(cell, n_a, tuple(vocab.chars)))
    train_ds, val_ds = LineDataset(train_lines, vocab), LineDataset(val_lines, vocab)
    t0 = time.perf_counter()
    state = fit(model, lm_loss, train_ds, cfg, val_fn=lambda m: lm_eval(m, val_ds),
                callbacks=callbacks, collate_fn=pad_collate)
    model.cpu().eval()
    with torch.no_grad():
        val = lm_eval(model, val_ds)
    meta = {
        "title": f"{cell.upper()} character model of people's names",
        "data": {**NAMES_DATA, "n_train_lines": len(train_lines), "n_val_lines": len(val_lines)},
        "command": f"python -m seqviz.train {name}",
        "training": {**{k: v for k, v in cfg.__dict__.items()}, "steps": state.step,
                     "seconds": round(time.perf_counter() - t0, 1), "device": str(state.device),
                     "torch": torch.__version__, "machine": platform.machine()},
        "metrics": {"val_loss_nats_per_char": round(val["loss"], 4),
                    "val_perplexity": round(val["perplexity"], 3),
                    "final_train_loss": round(state.loss, 4)},
    }
    save_model(model, name, meta, out_dir)
    return meta
