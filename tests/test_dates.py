"""Date pairs: deterministic, calendar year (not week year), Chinese included, unambiguous, held-out days
never trained on."""

from collections import defaultdict
from datetime import date, timedelta

import pytest

from seqviz.translation.dates import (
    FIRST,
    FORMATS,
    LAST,
    LOCALES,
    date_pairs,
    length_bucket,
    matching_formats,
    normalize,
    render,
    split_of,
)


def test_same_seed_same_pairs_and_seeds_differ():
    a, b, c = date_pairs(50, seed=3), date_pairs(50, seed=3), date_pairs(50, seed=4)
    assert [(p.human, p.iso) for p in a] == [(p.human, p.iso) for p in b]
    assert [p.iso for p in a] != [p.iso for p in c]
    assert all(FIRST.isoformat() <= p.iso <= LAST.isoformat() for p in a)


def test_calendar_year_not_week_year():
    """31 Dec 2018 lies in ISO week 1 of 2019: 'YYYY' would write 2019."""
    assert not any("Y" in pat.replace("'de'", "") for _, pat in FORMATS)
    d = date(2018, 12, 31)
    for loc, pat in FORMATS:
        text = render(d, loc, pat)
        assert ("2018" in text) or ("18" in text and "yy" in pat and "yyy" not in pat), (loc, pat, text)
        assert "2019" not in text


def test_course_examples_and_chinese():
    d = date(1989, 6, 13)
    assert render(d, "zh_CN", "y年M月d日EEEE") == "1989年6月13日星期二"
    assert ("zh_CN", "y年M月d日EEEE") in matching_formats("1989年6月13日星期二", "1989-06-13")
    assert ("en_GB", "EEEE d MMMM y") in matching_formats("Tuesday 13 June 1989", "1989-06-13")
    assert ("en_US", "M/d/yy") in matching_formats("6/13/89", "1989-06-13")
    assert matching_formats("Tuesday 13 June 1989", "1989-06-14") == []
    assert matching_formats("hello", "not a date") == []
    assert {"zh_CN", "en_US", "fr_FR", "de_DE", "es_ES"} <= set(LOCALES)
    zh = [p for p in date_pairs(400, seed=0) if p.locale == "zh_CN"]
    assert zh and all("年" in p.human or "/" in p.human or "." in p.human or "-" in p.human for p in zh)


def test_two_digit_years_pivot_at_50():
    assert matching_formats("1/30/47", "2047-01-30") and matching_formats("1/30/51", "1951-01-30")
    assert not matching_formats("1/30/47", "1947-01-30")


def test_no_string_means_two_days():
    """Every format of every locale over two whole years: a written date never maps to two ISO dates."""
    seen = defaultdict(set)
    for year in (1989, 2012):  # 2012: a leap year
        d = date(year, 1, 1)
        while d.year == year:
            for loc, pat in FORMATS:
                seen[render(d, loc, pat)].add(d)
            d += timedelta(days=1)
    clashes = {k: v for k, v in seen.items() if len(v) > 1}
    assert clashes == {}
    assert max(len(k) for k in seen) <= 40


def test_held_out_days_never_appear_in_training():
    train = {p.iso for p in date_pairs(3000, seed=0)}
    test = {p.iso for p in date_pairs(500, seed=2, split="test")}
    val = {p.iso for p in date_pairs(500, seed=1, split="val")}
    assert not (train & test) and not (train & val) and not (val & test)
    assert all(split_of(date.fromisoformat(d)) == "test" for d in test)


@pytest.mark.parametrize(
    "raw,norm",
    [
        ("  Tuesday   13 JUNE 1989 ", "tuesday 13 june 1989"),
        ("２０２４年２月２９日", "2024年2月29日"),
        ("13\u00a006\u202f89", "13 06 89"),
        ("", ""),
        (None, ""),
    ],
)
def test_normalize(raw, norm):
    assert normalize(raw) == norm


def test_length_buckets():
    assert [length_bucket(n) for n in (1, 10, 11, 36, 40, 99)] == ["1-10", "1-10", "11-15", "31-40", "31-40", "31-40"]
