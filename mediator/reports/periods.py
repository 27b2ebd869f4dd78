"""Reporting periods: ISO weeks (Monday–Sunday), calendar months and free date ranges, with the
periods a report compares against (环比: the one just before; 同比: the same one a year
earlier).

Weeks follow ISO 8601 because that is what Chinese offices print on a 周报 (第47周 runs Monday
to Sunday) and because it settles the weeks around New Year: 2026-W01 starts on Monday
2025-12-29, and 2026 has a week 53 (2026-12-28 to 2027-01-03). Pure functions, no database.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from mediator.core.errors import ValidationError
from mediator.core.validate import normalise, parse_date
from mediator.i18n import t

MIN_YEAR, MAX_YEAR = 1900, 2100

_WEEK = re.compile(r"(\d{4})\s*(?:-?\s*w\s*|年\s*第?\s*)(\d{1,2})\s*周?")
_MONTH = re.compile(r"(\d{4})\s*(?:[-/.]\s*|年\s*)?(\d{1,2})\s*月?")


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week number of 28 December is always the year's last week."""
    return date(year, 12, 28).isocalendar().week


@dataclass(frozen=True)
class Period:
    """An inclusive range of calendar days with the kind of report it belongs to.

    ``kind`` is ``week`` (an ISO week), ``month`` (a calendar month) or ``range``.
    """

    kind: str
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        """``2026-W47``, ``2026-11`` or ``2026-11-01至2026-11-30`` (used in file names)."""
        if self.kind == "week":
            iso = self.start.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        return t("report.period.range_label", start=self.start.isoformat(), end=self.end.isoformat())

    @property
    def title(self) -> str:
        """For people: 2026年第47周（11月16日至11月22日）, 2026年11月, 2026年11月1日至11月30日."""
        span = t("report.period.span", start=_cn_date(self.start),
                 end=_cn_date(self.end, omit_year=self.end.year == self.start.year))
        if self.kind == "week":
            iso = self.start.isocalendar()
            return t("report.period.week_title", year=iso.year, week=iso.week, span=span)
        if self.kind == "month":
            return t("report.period.month_title", year=self.start.year, month=self.start.month)
        return span

    def previous(self) -> Period:
        """环比: the week before, the month before, or a range of equal length just before."""
        if self.kind == "week":
            return week_period(self.start - timedelta(days=7))
        if self.kind == "month":
            first = self.start.replace(day=1) - timedelta(days=1)
            return month_period(first.year, first.month)
        return Period("range", self.start - timedelta(days=self.days), self.start - timedelta(days=1))

    def year_ago(self) -> Period:
        """同比: the same ISO week (week 53 maps to week 52 in a 52-week year), the same month,
        or the same dates one year earlier (29 February becomes 28 February)."""
        if self.kind == "week":
            iso = self.start.isocalendar()
            year = iso.year - 1
            return week_period(date.fromisocalendar(year, min(iso.week, weeks_in_year(year)), 1))
        if self.kind == "month":
            return month_period(self.start.year - 1, self.start.month)
        return Period("range", _year_back(self.start), _year_back(self.end))

    def weeks(self, count: int) -> list[Period]:
        """The ``count`` ISO weeks ending with the week that holds this period's last day."""
        last = week_period(self.end)
        return [week_period(last.start - timedelta(days=7 * i)) for i in range(count - 1, -1, -1)]


def _year_back(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _cn_date(day: date, omit_year: bool = False) -> str:
    if omit_year:
        return t("report.period.date_md", month=day.month, day=day.day)
    return t("report.period.date_ymd", year=day.year, month=day.month, day=day.day)


def week_period(day: date) -> Period:
    """The ISO week (Monday–Sunday) that contains ``day``."""
    monday = day - timedelta(days=day.weekday())
    return Period("week", monday, monday + timedelta(days=6))


def month_period(year: int, month: int) -> Period:
    last = calendar.monthrange(year, month)[1]
    return Period("month", date(year, month, 1), date(year, month, last))


def parse_week(text: str | None, today: date) -> Period:
    """``2026-W47``, ``2026W47``, ``2026年第47周``; empty means the week holding ``today``."""
    raw = normalise(text)
    if not raw:
        return week_period(today)
    m = _WEEK.fullmatch(raw.lower())
    if not m:
        raise ValidationError(t("report.err.week_format", value=raw), "week")
    year, week = int(m.group(1)), int(m.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(t("report.err.year_range", value=raw), "week")
    most = weeks_in_year(year)
    if not 1 <= week <= most:
        raise ValidationError(t("report.err.week_range", value=raw, year=year, weeks=most), "week")
    return week_period(date.fromisocalendar(year, week, 1))


def parse_month(text: str | None, today: date) -> Period:
    """``2026-11``, ``2026/11``, ``202611``, ``2026年11月``; empty means the current month."""
    raw = normalise(text)
    if not raw:
        return month_period(today.year, today.month)
    m = _MONTH.fullmatch(raw)
    if not m:
        raise ValidationError(t("report.err.month_format", value=raw), "month")
    year, month = int(m.group(1)), int(m.group(2))
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValidationError(t("report.err.year_range", value=raw), "month")
    if not 1 <= month <= 12:
        raise ValidationError(t("report.err.month_range", value=raw), "month")
    return month_period(year, month)


def parse_range(start: str | None, end: str | None, today: date) -> Period:
    """Two dates in any form ``parse_date`` reads; both required, start not after end."""
    if not normalise(start) or not normalise(end):
        raise ValidationError(t("report.err.range_needs_both"), "from")
    first = parse_date(start, today, field="from")
    last = parse_date(end, today, field="to")
    if last < first:
        raise ValidationError(t("report.err.range_order", start=first.isoformat(),
                                end=last.isoformat()), "to")
    if (last - first).days > 366 * 20:
        raise ValidationError(t("report.err.range_too_long"), "to")
    return Period("range", first, last)
