"""Shareable views: the widgets a page binds live in the address (?key=value), so that a link restores the view.

LSTMVis, LIT and the Embedding Projector keep their state in the address; so does SeqViz. A page calls
`bind(key, default, ...)` just before it creates the widget with that key (and without `value=`/`index=`): the
widget then reads st.session_state[key], which is the default, what the student set, or what a shared link says.
app.py calls `begin()` before the page and `publish()` after it: publish writes every bound value that differs from
its default into the address (so links stay short) and shows a box with the link to copy.

A value in the address counts as a link's only when it differs from what this session wrote there last: a student
moving a slider is never overruled by the address, while a pasted link (a new session) or a hand-edited address is
applied once. Values are checked against the widget's type, choices and range; one that does not fit (a model
trained in another session, a step past the text's end, 10 kB of text) is not applied and the page says so.
Why not Streamlit's own `bind="query-params"` (new in 1.6x, seen after this was written): it drops a link value it
cannot use without a word (out of range, not a choice: "ignored and removed from the URL"), while a student or teacher
opening a bad link must be told which setting was not used and why; it also checks only the widget's own bounds, not
the app's (a text box's length, this session's models). This module adds that check and message, and the link box.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from urllib.parse import urlencode

import streamlit as st

from seqviz.core.text import MAX_CHARS
from seqviz.ui.common import md_escape, t

RESERVED = ("lang",)  # app.py owns ?lang
MAX_TEXT = MAX_CHARS  # characters of text a link may carry: as much as a text box keeps
_LAST, _PENDING, _BOUND, _NOTES = "_share_last", "_share_pending", "_share_bound", "_share_notes"
_TRUE, _FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


def _address() -> dict[str, list[str]]:
    """What the address holds now (but ?lang), each key with all its values."""
    return {k: st.query_params.get_all(k) for k in st.query_params if k not in RESERVED}


def begin() -> None:
    """Before the page runs: note which values in the address came from a link, to be applied by bind()."""
    now = _address()
    st.session_state[_PENDING] = dict(now) if now != st.session_state.get(_LAST) else {}
    st.session_state[_BOUND] = {}
    st.session_state[_NOTES] = []
    bad_lang = st.session_state.pop("_share_bad_lang", None)  # set by language_switch: ?lang=xx not known
    if bad_lang is not None:
        st.session_state[_NOTES].append(("lang", bad_lang[:40], "share.why.choice", MAX_TEXT))


def _encode(value) -> list[str] | None:
    """The address form of a widget value: a list of strings (several for a tuple), or None for no value."""
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        out = [x for v in value for x in (_encode(v) or [])]
        return out or [""]  # an empty list is "?key=": it must have a form in the address, or links lose it
    if isinstance(value, bool):
        return ["1" if value else "0"]
    if isinstance(value, float):
        return [format(value, ".6g")]
    return [str(value)]


def _parse_one(raw: str, like, options, lo, hi, max_chars):
    """One address string read as the type of `like`, checked; raises ValueError with the reason's locale key."""
    if isinstance(like, bool):
        low = raw.strip().lower()
        if low not in _TRUE + _FALSE:
            raise ValueError("share.why.type")
        value = low in _TRUE
    elif isinstance(like, int):
        if not re.fullmatch(r"[+-]?[0-9]{1,18}", raw.strip()):  # int() also takes "1_0" and full-width digits
            raise ValueError("share.why.number")
        value = int(raw.strip())
    elif isinstance(like, float):
        try:
            value = float(raw.strip())
        except ValueError:
            raise ValueError("share.why.number") from None
        if not math.isfinite(value):
            raise ValueError("share.why.number")
    else:
        if len(raw) > max_chars:
            raise ValueError("share.why.long")
        value = raw
    if options is not None and value not in options:
        raise ValueError("share.why.choice")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if (lo is not None and value < lo) or (hi is not None and value > hi):
            raise ValueError("share.why.range")
    return value


def parse(raw: list[str], default, *, options=None, lo=None, hi=None, max_chars: int = MAX_TEXT):
    """The address strings `raw` read as a value like `default` (a tuple or list: one element per string).

    Raises ValueError whose message is the locale key of the reason (type, number, choice, range, long, count)."""
    if isinstance(default, (tuple, list)):
        like = default[0] if default else (options[0] if options else "")
        if isinstance(default, list) and raw == [""]:
            return []  # "?key=": an empty list
        if isinstance(default, tuple) and default and len(raw) != len(default):
            raise ValueError("share.why.count")  # a range slider: exactly its two ends
        values = [_parse_one(r, like, None, lo, hi, max_chars) for r in raw]
        if options is not None and any(v not in options for v in values):
            raise ValueError("share.why.choice")
        if isinstance(default, tuple) and values != sorted(values):
            raise ValueError("share.why.range")
        if isinstance(default, list):
            values = list(dict.fromkeys(values))  # a multiselect holds each choice once
        return type(default)(values)
    if len(raw) != 1:
        raise ValueError("share.why.count")
    return _parse_one(raw[0], default, options, lo, hi, max_chars)


def bind(
    key: str,
    default,
    *,
    options: Sequence | None = None,
    lo: float | None = None,
    hi: float | None = None,
    max_chars: int = MAX_TEXT,
    init: bool = True,
) -> None:
    """Put the widget `key` in the address. Call just before creating the widget, which gets no value=/index=.

    Args:
        default: the widget's default; its type decides how the address is read (bool, int, float, str, or a tuple /
            list of them for a range slider / multiselect). Values equal to it are left out of the address.
        options: the allowed values (choices of a radio, selectbox or multiselect), if any.
        lo, hi: the inclusive range of a number (of each number of a tuple).
        max_chars: the longest text a link may set.
        init: put `default` into st.session_state when the key has no value yet (False when the caller does).
    """
    if _BOUND not in st.session_state:  # a page run without app.py (a test of one widget group)
        begin()
    st.session_state[_BOUND][key] = (_encode(default), max_chars)
    pending = st.session_state[_PENDING]
    if key in pending:
        raw = pending.pop(key)
        try:
            st.session_state[key] = parse(raw, default, options=options, lo=lo, hi=hi, max_chars=max_chars)
        except ValueError as why:
            shown = ", ".join(raw).replace("\n", "⏎")
            shown = shown if len(shown) <= 40 else shown[:40] + "…"
            st.session_state[_NOTES].append((key, shown, str(why), max_chars))
            st.session_state[key] = default
    if init:
        st.session_state.setdefault(key, default)


def current() -> dict[str, list[str]]:
    """The address this run's bound widgets give: each value that differs from its default."""
    out = {}
    for key, (default, max_chars) in st.session_state.get(_BOUND, {}).items():
        value = st.session_state.get(key)
        if isinstance(value, str):
            value = value[:max_chars]  # what a text box uses (it cuts longer text), so the link opens again
        value = _encode(value)
        if value is not None and value != default:
            out[key] = value
    return out


def link(values: dict[str, list[str]] | None = None) -> str:
    """The address of this view: the page's own address with the bound values and the language."""
    values = current() if values is None else values
    query = dict(values)
    for k in RESERVED:
        if k in st.query_params:
            query[k] = st.query_params.get_all(k)
    base = (st.context.url or "").split("?")[0]
    return base + ("?" + urlencode(query, doseq=True) if query else "")


def publish(notes_slot=None, link_slot=None) -> None:
    """After the page: write the view into the address, say which link values were not used, show the link."""
    if _BOUND not in st.session_state:
        return
    values = current()
    if values != _address():
        keep = {k: st.query_params.get_all(k) for k in RESERVED if k in st.query_params}
        st.query_params.from_dict({**keep, **values})
    st.session_state[_LAST] = _address()  # as the address holds it, so the next run finds it unchanged
    notes = st.session_state.get(_NOTES, [])
    unknown = sorted(st.session_state.get(_PENDING, {}))
    st.session_state[_PENDING] = {}
    if (notes or unknown) and notes_slot is not None:
        lines = [
            t("share.bad_value", name=md_escape(k), value=md_escape(v), why=t(why, max=f"{n:,}"))
            for k, v, why, n in notes
        ]
        if unknown:
            lines.append(t("share.unknown", keys=", ".join(md_escape(k[:40]) for k in unknown[:10])))
        notes_slot.warning(t("share.head_bad") + "\n\n" + "\n".join(f"- {line}" for line in lines), icon="🔗")
    with (link_slot or st.sidebar).expander("🔗 " + t("share.box")):
        st.caption(t("share.explain"))
        st.code(link(values), language=None, wrap_lines=True)
