"""Human-readable dates paired with ISO dates (YYYY-MM-DD): the course's translation task, generated
deterministically with faker (which day) and babel (how a locale writes it), nothing downloaded.

Every pattern uses CLDR's calendar year `y` / `yy` / `yyyy`, never the week-based year `Y`, which
writes 2019 for 31 December 2018. Two-digit years ("6/13/89") are unambiguous because every date
lies in 1950..2049: yy >= 50 means 19yy, yy < 50 means 20yy.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cache

FIRST, LAST = date(1950, 1, 1), date(2049, 12, 31)  # the dates the models learned
HELDOUT_FRAC = 0.1  # this share of all days is never used in training, in any format:
# half of it picks the best weights while training ("val"), half is the test
MAX_SOURCE = 40  # Tx: characters read; longer input is cut (the longest date written is 35)
ISO = "y-MM-dd"  # the target format, as a babel pattern

# (locale, babel pattern): how people in several countries write a day. Numeric formats are chosen
# so that no string means two different days: month first only as M/d/yy (en_US), day first
# otherwise, year first only with a four-digit year.
FORMATS: list[tuple[str, str]] = [
    # United States
    ("en_US", "M/d/yy"),
    ("en_US", "MMM d, y"),
    ("en_US", "MMMM d, y"),
    ("en_US", "EEEE, MMMM d, y"),
    ("en_US", "EEE, MMM d, y"),
    ("en_US", "MMMM d y"),
    ("en_US", "MMM d y"),
    # United Kingdom (and the course's own "Tuesday 13 June 1989", "13 06 89")
    ("en_GB", "dd/MM/y"),
    ("en_GB", "d MMM y"),
    ("en_GB", "d MMMM y"),
    ("en_GB", "EEEE, d MMMM y"),
    ("en_GB", "EEEE d MMMM y"),
    ("en_GB", "d MMMM, y"),
    ("en_GB", "dd MMM y"),
    ("en_GB", "EEE d MMM y"),
    ("en_GB", "dd MM yy"),
    # French
    ("fr_FR", "dd/MM/y"),
    ("fr_FR", "d MMM y"),
    ("fr_FR", "d MMMM y"),
    ("fr_FR", "EEEE d MMMM y"),
    ("fr_FR", "EEE d MMM y"),
    # German
    ("de_DE", "dd.MM.yy"),
    ("de_DE", "dd.MM.y"),
    ("de_DE", "d. MMMM y"),
    ("de_DE", "EEEE, d. MMMM y"),
    ("de_DE", "d. MMM y"),
    ("de_DE", "EEE, d. MMM y"),
    # Spanish
    ("es_ES", "d MMM y"),
    ("es_ES", "d 'de' MMMM 'de' y"),
    ("es_ES", "EEEE, d 'de' MMMM 'de' y"),
    ("es_ES", "EEE, d MMM y"),
    # Italian
    ("it_IT", "d MMM y"),
    ("it_IT", "d MMMM y"),
    ("it_IT", "EEEE d MMMM y"),
    # Chinese: 1989年6月13日星期二 and friends
    ("zh_CN", "y/M/d"),
    ("zh_CN", "y年M月d日"),
    ("zh_CN", "y年M月d日EEEE"),
    ("zh_CN", "y年M月d日 EEE"),
    ("zh_CN", "y年MM月dd日"),
    ("zh_CN", "y.MM.dd"),
    ("zh_CN", "y-M-d"),
    ("zh_CN", "EEEE y年M月d日"),
    # ISO itself: the model has to learn to copy
    ("en_US", ISO),
]
LOCALES = sorted({loc for loc, _ in FORMATS})


def normalize(text: str) -> str:
    """The text as the models read it: Unicode NFKC (full-width ２０２４ becomes 2024), lower case,
    every run of white space one plain space, no space at either end."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return " ".join(text.split())


@cache
def _locale(name: str):
    from babel import Locale

    return Locale.parse(name)


def render(d: date, locale: str, pattern: str) -> str:
    """How `locale` writes day `d` with the babel/CLDR `pattern`, normalised."""
    from babel.dates import format_date

    return normalize(format_date(d, pattern, locale=_locale(locale)))


def iso(d: date) -> str:
    """The target: YYYY-MM-DD."""
    return d.isoformat()


def split_of(d: date) -> str:
    """ "train", "val" or "test": a fixed split of the days by a seeded hash of the day, so a held-out
    day never appears in training in any format."""
    r = random.Random(d.toordinal()).random()
    return "train" if r >= HELDOUT_FRAC else ("val" if r < HELDOUT_FRAC / 2 else "test")


@dataclass
class DatePair:
    """One example: what a person wrote, the ISO date, and how it was written."""

    human: str  # normalised, as the model reads it
    iso: str  # YYYY-MM-DD
    locale: str  # babel locale of the format
    pattern: str  # babel pattern


def date_pairs(n: int, seed: int = 0, split: str = "train") -> list[DatePair]:
    """`n` examples: days of `split` ("train", "val" or "test") drawn by faker between 1950 and 2049,
    each written in one of FORMATS drawn by faker. Same seed, same list."""
    from faker import Faker

    fake = Faker()
    fake.seed_instance(seed)
    out = []
    while len(out) < n:
        d = fake.date_between_dates(FIRST, LAST)
        if split_of(d) != split:
            continue
        locale, pattern = fake.random_element(FORMATS)
        out.append(DatePair(render(d, locale, pattern), iso(d), locale, pattern))
    return out


def matching_formats(text: str, iso_date: str) -> list[tuple[str, str]]:
    """The (locale, pattern) pairs of FORMATS that write `iso_date` (1950..2049) exactly as `text`
    (normalised). An empty list means the text is not one of the training formats for that day, so the
    translation cannot be checked this way (it may still be right)."""
    try:
        d = date.fromisoformat(iso_date)
    except (TypeError, ValueError):
        return []
    if not FIRST <= d <= LAST:  # outside the years the formats are unambiguous in
        return []
    text = normalize(text)
    return [(loc, pat) for loc, pat in FORMATS if render(d, loc, pat) == text]


def length_bucket(n: int) -> str:
    """The input-length bin used to compare the models: "1-10", "11-15", ..., "31-40"."""
    for lo, hi in LENGTH_BINS:
        if lo <= n <= hi:
            return f"{lo}-{hi}"
    return f"{LENGTH_BINS[-1][0]}-{LENGTH_BINS[-1][1]}"


LENGTH_BINS = [(1, 10), (11, 15), (16, 20), (21, 25), (26, 30), (31, MAX_SOURCE)]
