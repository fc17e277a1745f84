"""The only package that imports streamlit: cached loaders, shared widgets and UI text."""

from seqviz.ui.cache import device_caption
from seqviz.ui.common import fig_labels, lang, language_switch, md_escape, show_problems, t, table
from seqviz.ui.textbox import text_source

__all__ = [
    "device_caption",
    "fig_labels",
    "lang",
    "language_switch",
    "md_escape",
    "show_problems",
    "t",
    "table",
    "text_source",
]
