"""Words to highlight on a map: exact words, and wildcard patterns (king*, *land, ?at) matched against the words
the map shows, as the Embedding Projector's search box does."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass, field

MAX_ITEM = 40  # characters of one word or pattern; longer items are reported, not searched
WILDCARDS = "*?"


@dataclass
class Found:
    """What a search found."""

    words: list[str] = field(default_factory=list)  # matches, in the order asked (a pattern's in `among`'s order)
    unknown: list[str] = field(default_factory=list)  # plain words the vocabulary does not hold (or too long)
    no_match: list[str] = field(default_factory=list)  # patterns that matched none of `among`
    cut: int = 0  # matches left out past `limit`


def split_items(text: str) -> list[str]:
    """The items of a search box: separated by commas and white space, duplicates dropped, order kept."""
    return list(dict.fromkeys(text.replace(",", " ").split()))


def is_pattern(item: str) -> bool:
    return any(ch in item for ch in WILDCARDS)


def find_words(v, text: str, among: list[str], limit: int = 200) -> Found:
    """The words of `text` to highlight: each plain word that `v` knows, and every word of `among` (the words the
    map shows) that a pattern matches (* any letters, ? one letter, fnmatch's rules, whole word, lower case).

    Args:
        v: WordVectors (its normalize() and vocabulary).
        text: the search box, e.g. "king, queen *land".
        among: the words patterns are matched against.
        limit: most words returned; the rest are counted in `cut`.
    """
    found = Found()
    seen: set[str] = set()
    for item in split_items(text):
        word = v.normalize(item)
        if len(word) > MAX_ITEM:
            found.unknown.append(word[:MAX_ITEM] + "…")
            continue
        if is_pattern(word):
            rx = re.compile(fnmatch.translate(word))  # Python's translation avoids catastrophic backtracking
            matches = [w for w in among if rx.match(w)]
            if not matches:
                found.no_match.append(word)
        elif word in v:
            matches = [word]
        else:
            found.unknown.append(word)
            continue
        for w in matches:
            if w not in seen:
                seen.add(w)
                found.words.append(w)
    if len(found.words) > limit:
        found.cut = len(found.words) - limit
        found.words = found.words[:limit]
    return found
