"""The trend of a report ends on the period's last day; a monthly report's trend is 12 months."""

from __future__ import annotations

from datetime import date

from mediator.reports.periods import parse_month, parse_range
from mediator.reports.stats import compute

from .conftest import TODAY


def test_a_range_trend_stops_at_the_range_end(known) -> None:  # type: ignore[no-untyped-def]
    stats = compute(known.db, parse_range("2026-11-01", "2026-11-18", TODAY), TODAY)
    assert len(stats.trend) == 12
    last = stats.trend[-1]
    assert (last.week.start, last.week.end) == (date(2026, 11, 16), date(2026, 11, 18))
    # C6 registered on 11-19 is after the range: not counted
    assert (last.registered, last.concluded) == (3, 0)
    assert sum(p.registered for p in stats.trend) == stats.totals["registered"] + 1  # + C3 in Oct


def test_a_monthly_report_has_a_twelve_month_trend(known) -> None:  # type: ignore[no-untyped-def]
    stats = compute(known.db, parse_month("2026-11", TODAY), TODAY)
    assert [p.week.label for p in stats.trend] == [
        "2025-12", "2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07",
        "2026-08", "2026-09", "2026-10", "2026-11"]
    counts = {p.week.label: (p.registered, p.concluded) for p in stats.trend if
              p.registered or p.concluded}
    assert counts == {"2026-10": (1, 0), "2026-11": (7, 5)}


def test_the_monthly_trend_table_says_months(known) -> None:  # type: ignore[no-untyped-def]
    from mediator.reports.build import ReportRequest, build

    report = build(known.db, ReportRequest("monthly", parse_month("2026-11", TODAY)), TODAY)
    trend = next(tb for tb in report.tables if tb.key == "trend")
    assert trend.title == "近12个月趋势"
    assert [c.label for c in trend.columns[:2]] == ["月份", "起止日期"]
    assert trend.rows[-1][:2] == ["2026-11", "2026-11-01至2026-11-30"]
