"""Cleaning user text and uploads before a model sees them: nothing here raises on bad input."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_CHARS = 2000  # longer input is cut to this many characters (a note says so)
MAX_UPLOAD_BYTES = 2_000_000  # uploads larger than this are refused


@dataclass
class CleanText:
    """User text made safe to feed a model, with the notes the page should show.

    `problems` are codes for the UI's translation table: "empty", "empty_file", "cut",
    "binary", "not_utf8", "too_big". `info` carries the numbers for them.
    """

    text: str  # the text to feed the model ("" when refused)
    problems: list[str] = field(default_factory=list)  # codes, in the order the page shows them
    info: dict = field(default_factory=dict)  # numbers the messages need (sizes, positions)

    @property
    def ok(self) -> bool:
        """True when there is text to feed the model."""
        return bool(self.text)


def clean_text(text: str | None, max_chars: int = MAX_CHARS) -> CleanText:
    """Normalise newlines, refuse whitespace-only text and cut long text to `max_chars`."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    if not text.strip():
        return CleanText("", ["empty"])
    out = CleanText(text)
    if len(text) > max_chars:
        out.text = text[:max_chars]
        out.problems.append("cut")
        out.info.update(n_chars=len(text), max_chars=max_chars)
    return out


def decode_upload(data: bytes, max_chars: int = MAX_CHARS, max_bytes: int = MAX_UPLOAD_BYTES) -> CleanText:
    """Decode an uploaded file as UTF-8 text; binary, non-UTF-8 and huge files give a problem code."""
    if len(data) > max_bytes:
        return CleanText("", ["too_big"], {"n_bytes": len(data), "max_bytes": max_bytes})
    head = data[:8192]
    if b"\x00" in head:
        return CleanText("", ["binary"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return CleanText("", ["not_utf8"], {"position": err.start + 1})  # 1-based byte number
    # control characters other than tab/newline are a sign of a binary file
    bad = sum(1 for ch in text[:8192] if ord(ch) < 32 and ch not in "\t\n\r")
    if bad > 8:
        return CleanText("", ["binary"])
    out = clean_text(text, max_chars)
    if out.problems == ["empty"]:
        out.problems = ["empty_file"]  # say it is the file that is empty, not the text box
    return out


_EN_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[^\w\s]|_")


def tokenize(text: str, lang: str) -> list[str]:
    """Words of `text` as the models saw them in training: lower-case English split like the
    pang_lee corpus ("it's", "don't" stay whole), Chinese segmented with jieba."""
    if lang == "zh":
        import jieba

        jieba.setLogLevel(60)  # no "Building prefix dict" chatter on stderr
        return [w.lower() for w in jieba.lcut(text) if w.strip()]
    return _EN_TOKEN.findall(text.lower())
