"""The character language model kind: its corpora, loss, held-out metrics and shipped recipes."""
from __future__ import annotations

import math
import platform
import time

import torch
import torch.nn.functional as F

from seqviz.core.data import LineDataset, full_names, pad_collate, split_lines, wiki_sentences
from seqviz.rnn.models import CharLM, CharLMConfig
from seqviz.core.checkpoint import save_model
from seqviz.core.loop import TrainConfig, fit
from seqviz.core.vocab import CharVocab


NAMES_DATA = {
    "source": "the `names` package: 1990 US census lists (dist.all.last, dist.female.first, dist.male.first)",
    "lines": "one 'first last' line per census surname (88,799), first names drawn by census frequency, seed 0",
    "split": "90% train / 10% held out, shuffled with seed 0",
}
WIKI_DATA = {
    "source": "gensim's bundled Wikipedia extract (gensim/test/test_data/" + "enwiki-latest-pages-articles1"
              "...shortened.bz2, 206 pages), markup stripped with gensim's filter_wiki",
    "lines": "one sentence per line: 30-240 ASCII characters, no leftover markup, headings or lists",
    "split": "90% train / 10% held out, shuffled with seed 0",
}
CORPORA = {   # corpus -> (lines loader, description, title of its models)
    "names": (lambda: full_names(seed=0), NAMES_DATA, "{cell} character model of people's names"),
    "wiki": (wiki_sentences, WIKI_DATA, "{cell} character model of Wikipedia sentences"),
}
RECIPES = {   # name -> (corpus, cell, n_a, training settings)
    "names-rnn": ("names", "rnn", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "names-gru": ("names", "gru", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "names-lstm": ("names", "lstm", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "wiki-lstm": ("wiki", "lstm", 256, TrainConfig(epochs=12, lr=2e-3, batch_size=64, clip=1.0)),
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
    return {"loss": loss, "perplexity": math.exp(loss) if loss < 700 else float("inf")}   # exp overflows past 709


def build(name: str, out_dir=None, epochs: int | None = None, device: str = "auto", callbacks=()) -> dict:
    """Train checkpoint `name` from scratch and save it; return its JSON metadata."""
    corpus, cell, n_a, cfg = RECIPES[name]
    cfg = TrainConfig(**{**cfg.__dict__, "device": device, **({"epochs": epochs} if epochs else {})})
    load_lines, data_desc, title = CORPORA[corpus]
    lines = load_lines()
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
        "title": title.format(cell=cell.upper()),
        "corpus": corpus,
        "data": {**data_desc, "n_train_lines": len(train_lines), "n_val_lines": len(val_lines)},
        "command": f"python -m seqviz.training.build {name}",
        "training": {**{k: v for k, v in cfg.__dict__.items()}, "steps": state.step,
                     "seconds": round(time.perf_counter() - t0, 1), "device": str(state.device),
                     "torch": torch.__version__, "machine": platform.machine()},
        "metrics": {"val_loss_nats_per_char": round(val["loss"], 4),
                    "val_perplexity": round(val["perplexity"], 3),
                    "final_train_loss": round(state.loss, 4)},
    }
    save_model(model, name, meta, out_dir)
    return meta
