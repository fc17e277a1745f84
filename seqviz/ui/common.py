"""Shared widgets: language and device in the sidebar, text input with upload, messages."""

from __future__ import annotations

import re

import streamlit as st

from seqviz.core.text import CleanText
from seqviz.ui.i18n import LANGS, default_lang, translate

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~<>$&:])")


def lang() -> str:
    """The language this session chose ("en" or "zh")."""
    return st.session_state.get("lang") or default_lang()


def t(key: str, **fmt) -> str:
    """UI text of `key` in the session's language."""
    return translate(key, lang(), **fmt)


def fig_labels() -> dict:
    """Translated labels for seqviz.viz figures."""
    return {k: t(f"fig.{k}") for k in ("play", "pause", "resume", "step", "unit", "time", "top5", "prob", "state")}


def md_escape(text: str) -> str:
    """Escape user text so Markdown shows it literally (no links, HTML, LaTeX or emphasis)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def language_switch() -> None:
    """English / 中文 in the sidebar of every page (?lang=zh or SEQVIZ_LANG=zh choose the start)."""
    if "lang" not in st.session_state:
        q = st.query_params.get("lang")
        st.session_state["lang"] = q if q in LANGS else default_lang()
        if q is not None and q not in LANGS:
            st.session_state["_share_bad_lang"] = q  # seqviz.ui.share says so with the link's other notes
    st.sidebar.radio(translate("app.language"), list(LANGS), format_func=LANGS.get, key="lang", horizontal=True)


def table(rows: list[dict], **kwargs):
    """st.dataframe of a list of row dicts (index hidden), handed over as an Arrow table.

    Streamlit turns a list into a pandas DataFrame and that into Arrow on every run: about 10% of a busy
    classroom server's time (issue 8). Rows whose columns differ or do not fit one Arrow type each go the
    slow way."""
    import pyarrow as pa

    data = rows
    if rows and all(r.keys() == rows[0].keys() for r in rows):
        try:
            data = pa.Table.from_pylist(rows)
        except (pa.ArrowException, OverflowError, TypeError, ValueError):
            pass
    kwargs.setdefault("hide_index", True)
    return st.dataframe(data, **kwargs)


def upload_mb(max_bytes: int) -> int:
    """The cap (in MiB) to give st.file_uploader for an upload the app limits to `max_bytes` itself: a little
    above it, so that a file just over the limit still reaches the app and gets the app's own message in the
    session's language. `.streamlit/config.toml`'s server.maxUploadSize must be at least the largest of these."""
    return max_bytes // 2**20 + 2


def show_problems(clean: CleanText) -> None:
    """One clear message per problem found in the user's text."""
    for code in clean.problems:
        if code in ("empty", "empty_file"):
            st.info(t(f"problem.{code}"))
        elif code == "cut":
            st.warning(t("problem.cut", **clean.info))
        else:
            st.error(t(f"problem.{code}", **clean.info))
