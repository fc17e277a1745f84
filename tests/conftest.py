"""Shared fixtures: tiny random-weight models with fixed seeds."""

import contextlib

import pytest
import torch

from seqviz.rnn.models import CharLM, CharLMConfig

CHARS = tuple("\n abcdefghijklmnopqrstuvwxyz")


def tiny(cell: str, n_a: int = 7, seed: int = 0) -> CharLM:
    """A random-weight character model; biases made non-zero so every term is tested."""
    torch.manual_seed(seed)
    m = CharLM(CharLMConfig(cell, n_a, CHARS))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    return m.eval()


@pytest.fixture(params=["rnn", "gru", "lstm"])
def cell(request):
    return request.param


@pytest.fixture(scope="module")
def one_thread():
    """One torch thread and one BLAS thread for a module of small tensors, restored after: on a busy 2-core machine
    two threads wait on each other (greedy decoding of 4,000 dates: 0.3 s on one thread, 2-13 s on two; gensim's
    analogies 2 s against 43 s; reading 160 tokens with a tiny LSTM 8 ms against 4 s, measured here under load).
    A module asks for it with `pytestmark = pytest.mark.usefixtures("one_thread")`."""
    from threadpoolctl import threadpool_limits

    n = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(n)


@contextlib.contextmanager
def pretrained_without(missing: str, folder, monkeypatch):
    """pretrained/ as it would be without checkpoint `missing` (a copy in `folder`), with Streamlit's caches cleared
    before and after, so a page loads what the folder holds."""
    import shutil

    import streamlit as st

    from seqviz.core import checkpoint

    for f in checkpoint.PRETRAINED_DIR.iterdir():
        if f.name.split(".")[0] != missing:
            shutil.copy(f, folder / f.name)
    monkeypatch.setattr(checkpoint, "PRETRAINED_DIR", folder)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        yield
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def my_model(model, name: str = "mine", meta: dict | None = None, origin: str = "trained"):
    """A session model as the Train page stores it: (its id, MyModel) for at.session_state["my_models"]."""
    import hashlib

    from seqviz.core.checkpoint import model_from_bytes, to_bytes
    from seqviz.ui.mymodels import PREFIX, MyModel

    js, w = to_bytes(model, name, {"metrics": {}, **(meta or {})})
    m = model_from_bytes(js, w, name)
    mid = PREFIX + hashlib.sha256(js + b"\0" + w).hexdigest()[:16]
    return mid, MyModel(mid, name, m.meta["kind"], m.meta, js, w, m, origin)


def typed(value):
    """`value` with plotly's typed arrays ({"dtype", "bdata", "shape"}, as plotly >= 6 writes numpy arrays into a
    figure's JSON) decoded to numpy arrays, everywhere inside it."""
    import base64

    import numpy as np

    if isinstance(value, dict):
        if "bdata" in value and "dtype" in value:
            a = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]))
            shape = value.get("shape")
            return a.reshape([int(s) for s in str(shape).split(",")]) if shape is not None else a
        return {k: typed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [typed(v) for v in value]
    return value


def chart(at, key: str) -> dict:
    """The figure an AppTest page shows under `key`, as plotly.js receives it (the element's JSON spec), arrays
    decoded: what a student sees, not the figure object the page built."""
    import json

    found = [c for c in at.get("plotly_chart") if c.key == key]
    assert found, f"no chart {key!r} on the page; charts: {[c.key for c in at.get('plotly_chart')]}"
    return typed(json.loads(found[0].proto.spec))


def ticks(fig: dict, axis: str = "xaxis") -> str:
    """The tick labels of one axis of a figure from `chart`, joined (a figure's tokens, one per step)."""
    return "".join(str(x) for x in fig["layout"][axis].get("ticktext", []))


# each page's url path (seqviz/ui/nav.py) -> the key of the title (h1) the page itself shows, not its link's label
PAGE_TITLES = {
    "": "home.title",
    "rnn-cell": "cell.title",
    "gradients": "grad.title",
    "language-model": "lm.title",
    "music": "music.title",
    "named-entities": "ner.title",
    "embeddings": "emb.title",
    "sentiment": "sent.title",
    "attention": "mt.title",
    "beam-search": "beam.title",
    "trigger-word": "trig.title",
    "transformer": "tf.title",
    "train": "train.title",
}


@contextlib.contextmanager
def watchdog(seconds: float, config=None):
    """Bound code that can block inside C, where no Python timeout reaches: AppTest stops a slow script run by
    asking its thread to stop, then joins it without a limit, so a page stuck in a BLAS call (numpy's OpenBLAS
    once deadlocked in a matmul after the training queue's worker thread had used it) would hang the run
    forever. Past `seconds` this prints every thread's stack (past pytest's capture, given its `config`) and
    ends the test process: a failed run, not a stuck one. faulthandler's own timer, which needs no GIL, backs
    it up a little later."""
    import faulthandler
    import os
    import sys
    import threading

    def expire():
        capture = config.pluginmanager.getplugin("capturemanager") if config is not None else None
        if capture is not None:
            capture.suspend_global_capture(in_=True)
        sys.stderr.write(f"\n+++ watchdog: the test did not end in {seconds:g} s; every thread's stack:\n")
        sys.stderr.flush()
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)
        sys.stderr.flush()
        os._exit(1)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    faulthandler.dump_traceback_later(seconds + 30, exit=True)
    try:
        yield
    finally:
        timer.cancel()
        faulthandler.cancel_dump_traceback_later()


@pytest.fixture(autouse=True)
def app_navigation(monkeypatch):
    """Pages run inside app.py, as on a server that has run app.py once (every test: run_page and open_link).

    AppTest starts every run in Streamlit's legacy mode, which lists pages/*.py by file name and runs a page whose file
    name is its url path (transformer.py at /transformer) alone, without app.py, where the address is read and
    written; app.py's st.navigation turns that mode off on a real server."""
    from streamlit.runtime.pages_manager import PagesManager

    init = PagesManager.__init__

    def v2(self, *args, **kwargs):
        init(self, *args, **kwargs)
        PagesManager.uses_pages_directory = False

    monkeypatch.setattr(PagesManager, "__init__", v2)
    yield
    PagesManager.uses_pages_directory = None  # as AppTest leaves it


def open_link(page: str, lang: str = "en", timeout: float = 60, **params):
    """Open `page` (e.g. "pages/rnn_cell.py") from a shared link holding `params`, as a new browser tab does.

    The app runs once first (AppTest only knows st.navigation's pages after a run), then the address changes to the
    link's: seqviz.ui.share applies values that this session did not write itself. Use the app_navigation fixture."""
    import pathlib

    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(pathlib.Path(__file__).resolve().parent.parent / "app.py"), default_timeout=timeout)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    return at.run()


def page_downloads(at) -> list:
    """The page's own download buttons, without the PNG / SVG / CSV buttons under each figure (seqviz.ui.export)."""
    return [b for b in at.get("download_button") if not str(b.key or "").endswith(("__png", "__svg", "__csv"))]
