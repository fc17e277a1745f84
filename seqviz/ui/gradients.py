"""Widgets and cached computations of the "Vanishing & exploding gradients" page."""

from __future__ import annotations

import threading

import numpy as np
import streamlit as st
import torch

from seqviz import viz
from seqviz.rnn.cells import open_memory_
from seqviz.rnn.gradients import grad_norms, jacobian_spectra, spectral_norm
from seqviz.rnn.longrange import LongRangeConfig, run
from seqviz.rnn.models import CharLM, CharLMConfig
from seqviz.ui import cache, share
from seqviz.ui.common import t
from seqviz.ui.export import chart
from seqviz.viz.diagrams import bptt_figure

CELLS = ("rnn", "gru", "lstm")
STREAM = "mary johnson andrew ng james smith linda garcia robert brown patricia davis "
DERIVATIVE_MAX = {"tanh": 1.0, "relu": 1.0, "sigmoid": 0.25}  # max |g'(z)|, for the Pascanu bound
PRESETS = {  # name -> widget values
    "vanish": dict(
        grad_source="open", grad_set_scale=True, grad_scale=0.5, grad_T=100, grad_act="tanh", grad_clip_on=False
    ),
    "explode": dict(
        grad_source="fresh", grad_set_scale=True, grad_scale=6.0, grad_T=200, grad_act="tanh", grad_clip_on=False
    ),
    "rescue": dict(
        grad_source="fresh",
        grad_set_scale=True,
        grad_scale=6.0,
        grad_T=200,
        grad_act="tanh",
        grad_clip_on=True,
        grad_clip=1.0,
    ),
}
DEFAULTS = dict(
    grad_source="open",
    grad_set_scale=True,
    grad_scale=1.0,
    grad_T=100,
    grad_act="tanh",
    grad_loss="last",
    grad_clip_on=False,
    grad_clip=1.0,
)


SOURCES = ("open", "fresh", "pretrained")
LOSSES = ("last", "sum")  # L = L<T> only, or the sum over every step


@st.cache_resource
def fresh_model(cell: str, open_memory: bool) -> CharLM:
    """A freshly initialised character model with the pretrained models' vocabulary.

    Drawn from its own generator (seed 0), as PyTorch's default U(−1/√n_a, 1/√n_a),
    so a training run in another thread reseeding torch cannot change it.
    """
    m = CharLM(CharLMConfig(cell, 64, tuple(cache.model(cache.MODELS[cell]).vocab.chars))).eval()
    g, bound = torch.Generator().manual_seed(0), 1 / 64**0.5
    with torch.no_grad():
        for p in m.parameters():
            p.uniform_(-bound, bound, generator=g)
    if open_memory:
        open_memory_(m.rnn, cell)
    return m


def model_for(source: str, cell: str) -> CharLM:
    """ "open": fresh with the memory open; "fresh": PyTorch's default init; "pretrained": the names model."""
    return cache.model(cache.MODELS[cell]) if source == "pretrained" else fresh_model(cell, source == "open")


@st.cache_data(max_entries=64, show_spinner=False)
def compute(source: str, T: int, scale: float | None, activation: str, loss: str, clip: float | None) -> dict:
    """Every number the page draws, for one setting of the controls (shared by all sessions)."""
    ids = np.array([cache.model("names-rnn").vocab.lookup(ch) for ch in (STREAM * (T // len(STREAM) + 1))[:T]])
    out = {"norms": {}, "spectra": {}}
    for cell in CELLS:
        m = model_for(source, cell)
        out["norms"][cell] = grad_norms(m, ids, loss, scale, activation, clip)
        out["spectra"][cell] = jacobian_spectra(m, ids, scale, activation)
    out["w_norm"] = spectral_norm(model_for(source, "rnn"), scale)
    return out


@st.cache_resource(max_entries=64, show_spinner=False)
def figures(settings: tuple, labels: tuple) -> dict:
    """The page's three figures for one setting (built once, dicts frozen, shared)."""
    settings, labels = dict(settings), dict(labels)
    view = compute(**settings)
    return {
        "norms": cache.frozen(viz.rnn.grad_norms_figure(view["norms"], labels)),
        "jac": cache.frozen(viz.rnn.jacobian_figure(view["spectra"], bound(view, settings), labels)),
        "bptt": cache.frozen(bptt_figure(view["norms"]["rnn"].norms[-5:], loss=settings["loss"])),
    }


def apply_preset(name: str) -> None:
    st.session_state.update(PRESETS[name])


def controls() -> dict:
    """The sidebar controls; returns the chosen settings (each one in the address, for a shared link)."""
    d, sb = DEFAULTS, st.sidebar
    share.bind("grad_source", d["grad_source"], options=SOURCES)
    source = sb.radio(t("grad.source"), SOURCES, key="grad_source", format_func=lambda s: t(f"grad.source.{s}"))
    share.bind("grad_T", d["grad_T"], lo=1, hi=300)
    T = sb.slider(t("grad.T"), 1, 300, key="grad_T")
    share.bind("grad_set_scale", d["grad_set_scale"])
    set_scale = sb.toggle(t("grad.set_scale"), key="grad_set_scale")
    share.bind("grad_scale", d["grad_scale"], lo=0.0, hi=6.0)
    scale = sb.slider(t("grad.scale"), 0.0, 6.0, step=0.1, key="grad_scale", disabled=not set_scale)
    share.bind("grad_act", d["grad_act"], options=tuple(DERIVATIVE_MAX))
    act = sb.radio(t("grad.act"), list(DERIVATIVE_MAX), key="grad_act", horizontal=True)
    share.bind("grad_loss", d["grad_loss"], options=LOSSES)
    loss = sb.radio(t("grad.loss"), LOSSES, key="grad_loss", format_func=lambda s: t(f"grad.loss.{s}"))
    share.bind("grad_clip_on", d["grad_clip_on"])
    clip_on = sb.toggle(t("grad.clip_on"), key="grad_clip_on")
    share.bind("grad_clip", d["grad_clip"], lo=0.1, hi=10.0)
    clip = sb.slider(t("grad.clip"), 0.1, 10.0, step=0.1, key="grad_clip", disabled=not clip_on)
    return dict(
        source=source,
        T=int(T),
        scale=float(scale) if set_scale else None,
        activation=act,
        loss=loss,
        clip=float(clip) if clip_on else None,
    )


def presets() -> None:
    cols = st.columns(3)
    for col, name in zip(cols, PRESETS):
        col.button(t(f"grad.preset.{name}"), key=f"preset_{name}", on_click=apply_preset, args=(name,), width="stretch")


def summaries(norms: dict) -> None:
    """One metric per cell: how many powers of ten the gradient changes over the sequence."""
    for col, (cell, tr) in zip(st.columns(len(norms)), norms.items()):
        first, last = tr.norms[-1], tr.norms[0]  # at T − t = 0 and at T − t = T − 1
        if not np.all(np.isfinite(tr.norms)):
            value = t("grad.metric.overflow", n=int((~np.isfinite(tr.norms)).sum()))
        elif last == 0 or first == 0:
            value = t("grad.metric.underflow")
        else:
            value = f"× 10^{np.log10(last / first):+.1f}"
        col.metric(t("grad.metric", cell=cell.upper(), T=tr.T), value)


def status(view: dict, settings: dict) -> None:
    """Say what happened: overflow, a forward pass that overflowed, clipping at work."""
    bad = [c.upper() for c, tr in view["norms"].items() if not np.all(np.isfinite(tr.norms))]
    fwd = [c.upper() for c, tr in view["norms"].items() if not tr.forward_ok]
    if fwd:
        st.warning(t("grad.forward_overflow", cells=", ".join(fwd)))
    if bad:
        st.warning(t("grad.overflow", cells=", ".join(bad)))
    if settings["clip"] is not None:
        n = {c.upper(): int(tr.clipped.sum()) for c, tr in view["norms"].items()}
        st.info(t("grad.clipped", counts=", ".join(f"{c}: {k}" for c, k in n.items()), c=settings["clip"]))


def bound(view: dict, settings: dict) -> np.ndarray:
    """(γ ‖W_aa‖₂)^(T−t) for t = 1..T: no tanh/ReLU/sigmoid RNN's Jacobian product can exceed it."""
    gamma = DERIVATIVE_MAX[settings["activation"]] * view["w_norm"]
    with np.errstate(over="ignore"):
        return gamma ** np.arange(settings["T"])[::-1].astype(float)


_LOCK = threading.Lock()  # one live experiment at a time on this server


@st.cache_resource
def experiment_store() -> dict:
    """The experiment's state, shared by every session: one run serves the whole class.

    {"status": "idle" | "running" | "done" | "failed", "progress": (done, total, cell, k, loss),
     "result": LongRangeResult, "error": str}
    """
    return {"status": "idle"}


def _train_in_background(store: dict) -> None:
    """Run the experiment in a thread, so a student clicking elsewhere does not kill it."""

    def progress(done, total, cell, k, loss):
        store["progress"] = (done, total, cell, k, loss)

    try:
        store["result"] = run(LongRangeConfig(), progress=progress)
        store["status"] = "done"
    except Exception as err:  # reported on the page, never a traceback
        store["status"], store["error"] = "failed", f"{type(err).__name__}: {err}"
    finally:
        _LOCK.release()


def start_experiment() -> None:
    store = experiment_store()
    if store["status"] in ("idle", "failed") and _LOCK.acquire(blocking=False):
        store.update(status="running", progress=(0, 1, "", 0, float("nan")))
        threading.Thread(target=_train_in_background, args=(store,), daemon=True).start()


@st.fragment(run_every=0.5)
def _progress() -> None:
    store = experiment_store()
    if store["status"] != "running":
        st.rerun()  # finished: redraw the whole page with the result
    done, total, cell, k, loss = store["progress"]
    text = t("grad.exp.progress", cell=cell.upper(), k=k, loss=loss) if cell else t("grad.exp.waiting")
    st.progress(min(done / total, 1.0), text=text)


def experiment(labels: dict) -> None:
    """Run (or show) the long-range experiment through the one training loop."""
    store = experiment_store()
    st.button(
        t("grad.exp.run"),
        key="grad_exp_run",
        type="primary",
        on_click=start_experiment,
        disabled=store["status"] in ("running", "done"),
    )
    if store["status"] == "running":
        _progress()
        return
    if store["status"] == "failed":
        st.warning(t("grad.exp.failed", error=store.get("error", "")))
        return
    res = store.get("result")
    if res is None:
        st.caption(t("grad.exp.not_run", device=cache.device_info()[0].upper()))
        return
    chart(viz.rnn.longrange_figure(res, labels), key="exp_fig")
    st.caption(t("grad.exp.done", seconds=res.seconds, device=res.device.upper()))
    for cell, acc in res.accuracy.items():
        learned = [k for k, a in zip(res.ks, acc) if a >= 0.9]
        missed = [k for k, a in zip(res.ks, acc) if a < 0.9]
        if not missed:
            key = "grad.exp.all"
        elif not learned:
            key = "grad.exp.none"
        else:
            key = "grad.exp.verdict"
        st.markdown(
            t(
                key,
                cell=cell.upper(),
                learned=", ".join(map(str, learned)),
                failed=", ".join(f"{k} ({a:.0%})" for k, a in zip(res.ks, acc) if a < 0.9),
            )
        )
