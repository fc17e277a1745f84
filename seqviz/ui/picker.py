"""This session's own models in the pages' model choices: their ids and labels, the hint, and selecting a
model the student has just trained (once per page, so the student's later choice stands)."""

from __future__ import annotations

import math

import streamlit as st

from seqviz.ui import mymodels
from seqviz.ui.common import md_escape, t

SEEN = "my_models_seen"  # session_state: page -> ids that page has already selected by itself


def ids(kind: str) -> list[str]:
    """This session's models of one checkpoint kind ("char_lm", "nmt", "sentiment" ...), oldest first."""
    return [m.id for m in mymodels.mine(kind)]


def label(name: str, markdown: bool = True) -> str:
    """ "⭐ NAME (yours)" for one of this session's models; Markdown-escaped unless `markdown` is False
    (tables and select boxes show text as it is)."""
    m = mymodels.get(name)
    text = m.label if m else name
    return t("my.label", name=md_escape(text) if markdown else text)


def newest(page: str, options) -> str | None:
    """The model the student has just trained or opened, the first time `page` can offer it; else None."""
    new = st.session_state.get("my_models_new")
    if new is None or new not in options:
        return None
    seen = st.session_state.setdefault(SEEN, {}).setdefault(page, set())
    if new in seen:
        return None
    seen.add(new)
    return new


def settle(key: str, options: list, default, page: str) -> None:
    """Before selector `key` is drawn: select a just-trained model once, and go back to `default` when the
    remembered choice is no longer offered (a model removed or dropped)."""
    new = newest(page, options)
    if new is not None:
        st.session_state[key] = new
    if st.session_state.get(key) not in options:
        st.session_state[key] = default


def hint(names) -> None:
    """The sidebar note on ⭐, under a selector that offers this session's models."""
    if names:
        st.sidebar.caption(t("my.hint"))


def number(value, default: float = float("nan")) -> float:
    """A metric from a checkpoint's JSON as a float (`default` when it is missing or not a number)."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        return default
    return v if math.isfinite(v) else default


def pct(value, digits: int = 2) -> str:
    """A fraction from a checkpoint's JSON as a percentage ("—" when it is missing or not a number)."""
    v = number(value)
    return "—" if math.isnan(v) else f"{100 * v:.{digits}f}%"
