"""Cached models, traces and figures: models shared read-only by all sessions, traces keyed by content."""

from __future__ import annotations

import streamlit as st

import seqviz
from seqviz import viz
from seqviz.core.checkpoint import CheckpointError
from seqviz.core.device import device_info as device_info_
from seqviz.ui import mymodels
from seqviz.ui.common import md_escape, t

MODELS = {"rnn": "names-rnn", "gru": "names-gru", "lstm": "names-lstm"}


def frozen(fig):
    """Compute a cached figure's dict once.

    st.plotly_chart calls fig.to_dict() on every run, which deep-copies the figure
    (about 60 ms for an animated 200-step figure, 3 ms once it is a plain dict).
    Cached figures are never mutated, so the dict is computed here and reused; a figure
    built from plain dicts (viz.base.figure) hands them over without even one copy.
    """
    d = viz.base.as_dict(fig)
    fig.to_dict = lambda: d
    return fig


@st.cache_resource
def device_info() -> tuple[str, str]:
    """The device training uses: ("cuda", GPU name) when there is one, else ("cpu", thread count)."""
    return device_info_()


def device_caption(slot=None) -> None:
    """The device SeqViz computes on (CUDA when present, else CPU), in the sidebar."""
    kind, detail = device_info()
    label = f"CUDA ({detail})" if kind == "cuda" else t("app.cpu1" if str(detail) == "1" else "app.cpu", n=detail)
    (slot or st.sidebar).caption(t("app.device", device=label))


@st.cache_resource
def shipped_model(name: str):
    """A pretrained model, loaded once per server, in eval mode (read-only)."""
    m = seqviz.load_pretrained(name)
    for p in m.parameters():
        p.requires_grad_(False)
    return m


def model(name: str):
    """A shipped model (shared by every session) or one of this session's own ("my-..."), read-only."""
    return mymodels.model(name) if mymodels.is_mine(name) else shipped_model(name)


@st.cache_data(ttl=60, show_spinner=False)
def _shipped_available(name: str) -> bool:
    try:
        shipped_model(name)
        return True
    except (CheckpointError, OSError):
        return False


def available(name: str) -> bool:
    """Whether checkpoint `name` loads (shipped ones re-checked every minute, so a rebuilt one appears)."""
    return mymodels.get(name) is not None if mymodels.is_mine(name) else _shipped_available(name)


def load_or_stop(name: str):
    """The cached model, or a clear message and a stopped page when it cannot be loaded."""
    try:
        return model(name)
    except (CheckpointError, OSError) as err:
        st.error(t("error.model", name=name, err=md_escape(str(err))))
        st.stop()


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def trace(name: str, text: str):
    """The model's trace over `text` (two students typing the same text pay once).

    Bounded: a 2,000-character LSTM trace is about 5 MB.
    """
    return model(name).trace(text)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def state_figure(name: str, text: str, labels: tuple):
    """Animated a<t> + top-5 figure (shared, never mutated)."""
    return frozen(viz.rnn.state_animation(trace(name, text), dict(labels)))


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def gates_figure(name: str, text: str, labels: tuple):
    """Animated gates / memory cell figure (shared, never mutated)."""
    return frozen(viz.rnn.gates_figure(trace(name, text), dict(labels)))


@st.cache_resource(show_spinner=False)
def architecture_figure(kind: str, words: tuple = ()):
    """A small RNN-architecture diagram; `words` translates its plain-word labels (("encoder", "编码器"), ...)."""
    from seqviz.viz.diagrams import architecture_figure as draw

    fig, names = draw(kind), dict(words)
    for ann in fig.layout.annotations:
        ann.text = names.get(ann.text, ann.text)
    return frozen(fig)


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def unit_figure(name: str, text: str, unit: int, time_label: str):
    """One unit's a<t>, gates and c<t> over time."""
    return frozen(viz.rnn.unit_curve(trace(name, text), unit, {"time": time_label}))


# --------------------------------------------------------------- the three cells compared (issue 17, parts 2-3)


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def connectivity(name: str, text: str):
    """C[t, t'] = ‖∂z<t>/∂x<t'>‖ of the model reading `text` (seqviz.rnn.connectivity); shared read-only, so a re-run
    does not unpickle three (T, T) matrices as st.cache_data would."""
    from seqviz.rnn.connectivity import connectivity as compute

    return compute(model(name), text)


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def reach_figure(names: tuple, text: str, t: int, labels: tuple):
    """The cells' connectivity side by side and the text coloured by row t (shared, never mutated)."""
    conns = {model(n).config.cell: connectivity(n, text) for n in names}
    return frozen(viz.rnn.reach_figure(conns, t, dict(labels)))


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def compare_states_figure(names: tuple, text: str, t: int, labels: tuple):
    """a<t> of each cell side by side, veiled after step t (shared, never mutated)."""
    traces = {model(n).config.cell: trace(n, text) for n in names}
    return frozen(viz.rnn.compare_states_figure(traces, t, dict(labels)))


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def text_perplexity(name: str, text: str) -> float:
    """The model's perplexity on `text` (seqviz.rnn.lm.score: each line from a<0> = 0, its ending ⏎ scored)."""
    from seqviz.rnn.lm import score

    return score(model(name), text).perplexity
