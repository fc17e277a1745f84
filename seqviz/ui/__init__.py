"""The only package that imports streamlit: cached loaders, shared widgets and UI text."""
from seqviz.ui.common import fig_labels, lang, md_escape, show_problems, sidebar, t, text_source

from seqviz.ui import cache, panels  # noqa: E402

__all__ = ["fig_labels", "lang", "md_escape", "show_problems", "sidebar", "t", "text_source", "cache", "panels"]
