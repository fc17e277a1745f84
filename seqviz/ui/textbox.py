"""The text box of every page that reads the user's text: typed or uploaded, cleaned, and kept in the address."""

from __future__ import annotations

import streamlit as st

from seqviz.core.text import MAX_UPLOAD_BYTES, CleanText, clean_text, decode_upload
from seqviz.ui import share
from seqviz.ui.common import md_escape, show_problems, t, upload_mb


def text_source(key: str, default: str, height: int = 100) -> CleanText:
    """A text box and a .txt upload; the upload wins when it is readable, else the text box is used.

    Returns the cleaned text (possibly empty) after showing any message about it.
    """
    keep = f"_kept_{key}"  # survives page switches, unlike widget state
    if key not in st.session_state:
        st.session_state[key] = st.session_state.get(keep, default)
    share.bind(key, default, init=False)  # a shared link's text wins
    col_text, col_up = st.columns([3, 2])
    typed = col_text.text_area(t("input.text"), key=key, height=height)
    st.session_state[keep] = typed
    upload = col_up.file_uploader(
        t("input.upload"), type=["txt"], key=f"{key}_upload", max_upload_size=upload_mb(MAX_UPLOAD_BYTES)
    )
    if upload is not None:
        clean = decode_upload(upload.getvalue())
        if clean.ok:
            col_up.caption(t("input.using_upload", name=md_escape(upload.name)))
            show_problems(clean)
            return clean
        show_problems(clean)  # explain why the file was refused, then fall back to the text box
    clean = clean_text(typed)
    show_problems(clean)
    return clean
