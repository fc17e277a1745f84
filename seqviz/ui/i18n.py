"""Every piece of UI text, in English and 中文, read from seqviz/ui/locales/<lang>/*.toml; pages call t(key).

One TOML file per page or section (locales/en/cell.toml and locales/zh/cell.toml, ...), each a flat list of
quoted keys, exactly the keys pages pass to t():

    "cell.title" = "Inside the RNN cell"

Long texts are wrapped into lines of at most 120 characters as TOML multi-line strings with line-ending
backslashes: the backslash removes the line break and the next line's indentation, so a space between two words
goes before the backslash. The Train page's setting hints are English only in the library (`Param(..., hint=...)`
of each model kind); locales/zh/hints.toml holds their translations.
Each language is read once, on first use, and kept.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

LANGS = {"en": "English", "zh": "中文"}
LOCALES = Path(__file__).with_name("locales")

_CATALOGS: dict[str, dict[str, str]] = {}


def locale_files(lang: str) -> list[Path]:
    """The TOML files of `lang`, by name."""
    return sorted((LOCALES / lang).glob("*.toml"))


def _flatten(table: dict, prefix: str = ""):
    """(dotted key, text) of a parsed TOML file; a [table] header or a bare dotted key nests, a quoted key does not."""
    for name, value in table.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _load(lang: str) -> dict[str, str]:
    """All keys of `lang` from its files; a key defined twice (in one file or two) or not a string is an error."""
    text: dict[str, str] = {}
    where: dict[str, str] = {}
    for path in locale_files(lang):
        with path.open("rb") as f:
            table = tomllib.load(f)
        for key, value in _flatten(table):
            if key in text:
                raise ValueError(f"UI text {key!r} is defined twice: {where[key]} and {path.name} ({lang})")
            if not isinstance(value, str):
                raise ValueError(f"UI text {key!r} in {lang}/{path.name} is not a string")
            text[key], where[key] = value, path.name
    return text


def catalog(lang: str) -> dict[str, str]:
    """key -> text of `lang` (any unknown language reads as English), read once and kept. Do not modify it."""
    lang = lang if lang in LANGS else "en"
    found = _CATALOGS.get(lang)
    if found is None:
        found = _CATALOGS[lang] = _load(lang)
    return found


def has(key: str, lang: str = "en") -> bool:
    """Whether `key` has a text of its own in `lang` (no fallback)."""
    return key in catalog(lang)


def default_lang() -> str:
    """The starting language: SEQVIZ_LANG if set to a known language, else English."""
    lang = os.environ.get("SEQVIZ_LANG", "en")
    return lang if lang in LANGS else "en"


def translate(key: str, lang: str = "en", **fmt) -> str:
    """The text of `key` in `lang`, formatted with `fmt`; a key missing there falls back to English, and a key
    missing everywhere shows as the key itself."""
    text = catalog(lang).get(key)
    if text is None:
        text = catalog("en").get(key)
        if text is None:
            return key
    return text.format(**fmt) if fmt else text
