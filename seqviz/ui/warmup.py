"""Server warm-up: every heavy module imported once, by one thread, before sessions race for them.

When 40 students open a fresh server in the same minute, 40 script threads import torch, pandas,
plotly, sklearn ... at once. Python's import locks then hand some of them half-initialised modules
("partially initialized module 'pandas' has no attribute 'Series"). Here the first run of app.py
imports everything while the other runs wait on a lock, so no page ever imports a heavy module itself.
"""

from __future__ import annotations

import gc
import importlib
import os
import pkgutil
import threading
import time

import streamlit as st

# third-party modules the pages (and Streamlit's own elements) import, some of them lazily inside functions
HEAVY = (
    "numpy",
    "torch",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",  # GloVe 6B's word list (seqviz.embeddings.glove6b)
    "plotly.graph_objects",
    "plotly.io",
    "plotly.tools",
    "safetensors.torch",
    "safetensors.numpy",
    "sklearn.decomposition",
    "sklearn.cluster",
    "sklearn.manifold",
    "openTSNE",
    "gensim.models",
    "gensim.test.utils",
    "jieba",
    "faker",
    "babel.dates",
    "sacrebleu.metrics",
    "scipy.signal",  # the trigger word's spectrogram and resampling (seqviz.speech.audio)
)
SKIP = ("seqviz.ui.warmup",)  # modules of seqviz not to import here
THREADS = 1  # torch (and BLAS) threads per server: 40 sessions on 2 cores gain nothing from
# intra-op threads (README, "A whole classroom"); SEQVIZ_THREADS overrides

_lock = threading.Lock()
_ready = threading.Event()
seconds = 0.0  # what the warm-up took (0 until it ran)


def is_ready() -> bool:
    """Whether the heavy modules are imported already (then ready() returns at once)."""
    return _ready.is_set()


def ready() -> float:
    """Import every heavy module and every seqviz module once per server; other callers wait meanwhile.

    Also sets torch's thread count (once, before any model runs). Returns the seconds the warm-up took.
    """
    global seconds
    if _ready.is_set():
        return seconds
    with _lock:
        if _ready.is_set():
            return seconds
        t0 = time.perf_counter()
        for name in HEAVY:
            try:
                importlib.import_module(name)
            except ImportError:  # an optional library missing: the page that needs it says so
                pass
        _threads()
        import seqviz

        for mod in pkgutil.walk_packages(seqviz.__path__, "seqviz."):
            if mod.name not in SKIP:
                importlib.import_module(mod.name)
        try:
            import jieba

            jieba.setLogLevel(60)
            jieba.initialize()  # its dictionary (about 1 s), else loaded by the first Chinese sentence
        except ImportError:
            pass
        gc.freeze()  # the modules' objects live as long as the server: later collections need not walk them
        seconds = time.perf_counter() - t0
        _ready.set()
        if not st.get_option("global.appTest"):  # a real server, not a test's AppTest: UMAP's numba compile
            from seqviz.ui import emb  # (10-15 s of CPU, in a thread) starts now, at the server's

            emb.warm_up_projections()  # first run, so it is done before a class arrives
    return seconds


def _threads() -> None:
    import torch

    n = max(1, int(os.environ.get("SEQVIZ_THREADS", THREADS)))
    torch.set_num_threads(n)
    try:
        torch.set_num_interop_threads(n)
    except RuntimeError:  # only possible before torch's first parallel work
        pass
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(n, user_api="blas")  # numpy's matrix products in the pages (neighbours, PCA)
    except ImportError:
        pass
