"""How the shipped date translators are built."""
from __future__ import annotations

import platform
import time

import torch

from seqviz.translation.models import DateTranslator, NMTConfig, PairData, collate, evaluate, nmt_loss
from seqviz.translation.metrics import scan_errors, test_metrics

N_TRAIN, N_VAL, N_TEST = 60_000, 2_000, 4_000
MT_RECIPES = {   # name -> (attention?, training settings)
    "date-attention": (True, dict(epochs=10, lr=4e-3, batch_size=128, clip=1.0)),
    "date-no-attention": (False, dict(epochs=10, lr=4e-3, batch_size=128, clip=1.0)),
}
MT_DATA = ("dates drawn by faker between 1950-01-01 and 2049-12-31 and written by babel in one of {n} "
           "formats of {locales} (Chinese: 1989年6月13日星期二 ...), lower-cased; 10% of the days are held out "
           "in every format (half to pick the best weights, half for the test)")


SCAN = ((20_000, 11, "test"), (20_000, 12, "val"))    # the extra held-out dates error analysis scans


def build_mt(name: str, out_dir=None, epochs: int | None = None, device: str = "auto", callbacks=()) -> dict:
    """Train checkpoint `name` ("date-attention" or "date-no-attention") from scratch and save it."""
    from seqviz.translation.dates import FORMATS, LOCALES, date_pairs
    from seqviz.core.checkpoint import save_model
    from seqviz.core.loop import TrainConfig, fit

    attention, settings = MT_RECIPES[name]
    cfg = TrainConfig(**{**settings, "device": device, **({"epochs": epochs} if epochs else {})})
    t0 = time.perf_counter()
    train = date_pairs(N_TRAIN, seed=0, split="train")
    val = date_pairs(N_VAL, seed=1, split="val")
    test = date_pairs(N_TEST, seed=2, split="test")
    src_chars = tuple(sorted(set("".join(p.human for p in train))))
    torch.manual_seed(cfg.seed)
    model = DateTranslator(NMTConfig(attention=attention, src_chars=src_chars))
    t_data = time.perf_counter() - t0
    t1 = time.perf_counter()
    state = fit(model, nmt_loss, PairData(model, train), cfg, val_fn=lambda m: evaluate(m, val),
                callbacks=callbacks, collate_fn=collate)
    t_train = time.perf_counter() - t1
    model.cpu().eval()
    t2 = time.perf_counter()
    metrics = test_metrics(model, test)
    metrics["scan"] = scan_errors(model, [p for n, seed, split in SCAN for p in date_pairs(n, seed, split)])
    curve = [{"step": h["step"], "epoch": round(h["step"] / max(1, state.n_steps / cfg.epochs), 2),
              "val_loss": round(h["val_loss"], 5), "val_exact": round(h["val_exact"], 4)}
             for h in state.history if "val_exact" in h]
    meta = {
        "title": "Date translator " + ("with attention" if attention else "without attention (plain seq2seq)"),
        "data": {"source": MT_DATA.format(n=len(FORMATS), locales=", ".join(LOCALES)),
                 "n_train": len(train), "n_val": len(val), "n_test": len(test), "seconds": round(t_data, 1)},
        "command": f"python -m seqviz.training.build {name}",
        "training": {**cfg.__dict__, "steps": state.step, "seconds": round(t_train, 1), "device": str(state.device),
                     "threads": torch.get_num_threads(), "validation_loss": round(state.best_val, 5),
                     "stop": state.stop_reason or "finished", "torch": torch.__version__, "machine": platform.machine(),
                     "curve": curve, "test_seconds": round(time.perf_counter() - t2, 1)},
        "n_parameters": sum(p.numel() for p in model.parameters()),
        "metrics": metrics,
    }
    save_model(model, name, meta, out_dir)
    return meta
