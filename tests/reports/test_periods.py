"""ISO weeks (Monday–Sunday), months and ranges, with their 环比 and 同比 periods."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from mediator.core.errors import ValidationError
from mediator.reports.periods import (
    month_period,
    parse_month,
    parse_range,
    parse_week,
    week_period,
    weeks_in_year,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("text", ["2026-W47", "2026w47", "2026-w47", "2026W47", "2026年第47周",
                                  "２０２６－Ｗ４７", " 2026-W47 "])
def test_week_forms(text: str) -> None:
    week = parse_week(text, TODAY)
    assert (week.start, week.end) == (date(2026, 11, 16), date(2026, 11, 22))
    assert week.start.weekday() == 0 and week.label == "2026-W47"


def test_default_week_is_the_current_one() -> None:
    assert parse_week(None, TODAY).label == "2026-W48"
    assert parse_week("", date(2026, 11, 29)).label == "2026-W48"  # Sunday still W48


def test_weeks_around_new_year() -> None:
    w01 = parse_week("2026-W01", TODAY)
    assert (w01.start, w01.end) == (date(2025, 12, 29), date(2026, 1, 4))
    assert week_period(date(2025, 12, 31)).label == "2026-W01"
    assert w01.previous().label == "2025-W52"
    w53 = parse_week("2026-W53", TODAY)
    assert (w53.start, w53.end) == (date(2026, 12, 28), date(2027, 1, 3))
    assert week_period(date(2027, 1, 1)).label == "2026-W53"
    assert w53.year_ago().label == "2025-W52"   # 2025 has no week 53
    assert parse_week("2027-W01", TODAY).previous().label == "2026-W53"
    assert weeks_in_year(2020) == 53 and weeks_in_year(2025) == 52 and weeks_in_year(2026) == 53
    assert parse_week("2020-W53", TODAY).year_ago().label == "2019-W52"


@pytest.mark.parametrize("text,fragment", [
    ("2025-W53", "2025年共有52周"), ("2026-W00", "不存在"), ("2026-W54", "53周"),
    ("W47", "2026-W47"), ("2026-47", "格式"), ("1800-W01", "1900"), ("下周", "格式"),
])
def test_bad_weeks_say_why_in_chinese(text: str, fragment: str) -> None:
    with pytest.raises(ValidationError) as err:
        parse_week(text, TODAY)
    assert fragment in err.value.message


def test_months() -> None:
    for text in ("2026-11", "2026/11", "202611", "2026年11月", "2026.11"):
        m = parse_month(text, TODAY)
        assert (m.start, m.end, m.label) == (date(2026, 11, 1), date(2026, 11, 30), "2026-11")
    assert parse_month(None, TODAY).label == "2026-11"
    assert parse_month("2026-01", TODAY).previous().label == "2025-12"
    assert parse_month("2024-02", TODAY).end == date(2024, 2, 29)
    assert month_period(2026, 3).year_ago().label == "2025-03"
    for bad in ("2026-13", "2026-00", "十一月", "2026-1-5-"):
        with pytest.raises(ValidationError):
            parse_month(bad, TODAY)


def test_ranges() -> None:
    r = parse_range("2026-11-01", "2026年11月10日", TODAY)
    assert (r.start, r.end, r.days) == (date(2026, 11, 1), date(2026, 11, 10), 10)
    assert (r.previous().start, r.previous().end) == (date(2026, 10, 22), date(2026, 10, 31))
    leap = parse_range("2024-02-29", "2024-03-01", TODAY).year_ago()
    assert (leap.start, leap.end) == (date(2023, 2, 28), date(2023, 3, 1))
    with pytest.raises(ValidationError, match="早于"):
        parse_range("2026-11-30", "2026-11-01", TODAY)
    with pytest.raises(ValidationError, match="起止日期"):
        parse_range("2026-11-01", None, TODAY)
    with pytest.raises(ValidationError, match="日期不存在"):
        parse_range("2026-02-30", "2026-03-01", TODAY)


def test_trend_weeks_end_with_the_period() -> None:
    weeks = parse_month("2026-01", TODAY).weeks(12)
    assert weeks[-1].label == "2026-W05"  # 2026-01-31 is in W05
    assert all(b.start - a.start == date(2026, 1, 8) - date(2026, 1, 1) for a, b in itertools.pairwise(weeks))
