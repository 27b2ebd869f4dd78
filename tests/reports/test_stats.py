"""The statistics against figures counted by hand (see conftest for the cases)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from mediator.reports import lists
from mediator.reports.periods import parse_month, parse_week
from mediator.reports.stats import FIGURES, SUMMARY_KEYS, compute, office_clause, params_for

from .conftest import AGO, TODAY, W46, W47


@pytest.fixture(scope="module")
def w47(known):  # type: ignore[no-untyped-def]
    return compute(known.db, parse_week("2026-W47", TODAY), TODAY)


def test_every_figure_of_the_week(w47) -> None:  # type: ignore[no-untyped-def]
    assert w47.totals.as_dict() == W47
    assert w47.as_of == date(2026, 11, 22)
    assert not w47.zero_report


def test_previous_week_and_year_before(w47) -> None:  # type: ignore[no-untyped-def]
    assert w47.previous_period == parse_week("2026-W46", TODAY)
    assert w47.previous.as_dict() == W46
    assert w47.year_ago_period == parse_week("2025-W47", TODAY)
    assert w47.year_ago.as_dict() == AGO


def test_breakdowns(w47) -> None:  # type: ignore[no-untyped-def]
    village = {g.label: g.figures for g in w47.by_village}
    assert {k: v["registered"] for k, v in village.items()} == {"东村": 2, "西村": 1, "未填村(居)": 1}
    assert village["东村"]["amount_fen"] == 50000
    assert village["西村"]["mediating"] == 1 and village["东村"]["overdue"] == 1
    mediator = {g.label: g.figures for g in w47.by_mediator}
    assert mediator["刘调解"]["registered"] == 2 and mediator["刘调解"]["concluded"] == 3
    assert mediator["陈调解"]["failed"] == 1 and mediator["未指定调解员"]["refused"] == 1
    source = {g.key: g.figures["registered"] for g in w47.by_source}
    assert source == {"APPLICATION": 2, "SCREENING": 1, "POLICE": 1, "GRID": 0}
    types = {g.key: g.figures for g in w47.by_type}
    assert types["WAGE_ARREARS"]["failed"] == 1 and types["LABOUR"]["transferred"] == 1
    # every breakdown adds up to the totals, figure by figure
    for groups in (w47.by_type, w47.by_source, w47.by_village, w47.by_mediator):
        for f in FIGURES:
            if f.sql:
                assert sum(g.figures[f.key] for g in groups) == w47.totals[f.key], f.key


def test_trend_twelve_weeks(w47) -> None:  # type: ignore[no-untyped-def]
    assert len(w47.trend) == 12
    assert w47.trend[-1].week.label == "2026-W47" and w47.trend[0].week.label == "2026-W36"
    by_week = {p.week.label: (p.registered, p.concluded) for p in w47.trend}
    assert by_week["2026-W47"] == (4, 4)
    assert by_week["2026-W46"] == (2, 0)
    assert by_week["2026-W45"] == (1, 1)   # the archived complete case
    assert by_week["2026-W40"] == (1, 0)   # C3, registered 2026-10-01
    assert sum(r for r, _ in by_week.values()) == 8


def test_office_filter(known) -> None:  # type: ignore[no-untyped-def]
    week = parse_week("2026-W47", TODAY)
    own = compute(known.db, week, TODAY, ["330106001"], trend_weeks=0)
    county = compute(known.db, week, TODAY, ["330106"], breakdowns=False, trend_weeks=0)
    other = compute(known.db, week, TODAY, ["330106002"], breakdowns=False, trend_weeks=0)
    assert own.totals.as_dict() == W47 == county.totals.as_dict()
    assert other.totals["registered"] == 0 and other.totals["mediating"] == 0


def test_case_lists_match_their_figures(known, w47) -> None:  # type: ignore[no-untyped-def]
    week = parse_week("2026-W47", TODAY)
    overdue, n = lists.overdue_cases(known.db, week, TODAY)
    assert n == w47.totals["overdue"] == len(overdue) == 1
    assert overdue[0].id == known.cases["C3"] and overdue[0].days_overdue == 20
    hard, n = lists.hard_cases(known.db, week, TODAY)
    assert n == 1 and hard[0].lead_official == "赵书记" and hard[0].resolve_by == date(2026, 12, 1)
    ledger = lists.ledger(known.db, week, TODAY)
    assert len(ledger) == w47.totals["registered"]
    assert [x.id for x in ledger] == [known.cases[c] for c in ("C1", "C2", "C4", "C6")]


def test_empty_week_is_a_zero_report(known) -> None:  # type: ignore[no-untyped-def]
    stats = compute(known.db, parse_week("2026-W43", TODAY), TODAY)
    assert stats.zero_report and stats.totals["registered"] == 0
    assert stats.totals["mediating"] == 1  # C3 was still open: the week is quiet, not empty


def test_month_includes_the_weeks(known) -> None:  # type: ignore[no-untyped-def]
    month = compute(known.db, parse_month("2026-11", TODAY), TODAY, trend_weeks=0)
    assert month.totals["registered"] == 7  # C1 C2 C4 C5 C6 C7 C11
    assert month.totals["success"] == 2 and month.totals["amount_fen"] == 150000
    assert month.as_of == TODAY  # the month has not ended: figures as at today
    assert month.previous_period == parse_month("2026-10", TODAY)
    assert month.previous.as_dict()["registered"] == 1


def test_new_year_week(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    """2026-W01 runs from Monday 2025-12-29: a case of 30 December belongs to it."""
    for day in (date(2025, 12, 28), date(2025, 12, 30), date(2026, 1, 2), date(2026, 1, 5)):
        make_case(days_ago=(TODAY - day).days)
    w01 = compute(svc.db, parse_week("2026-W01", TODAY), TODAY)
    assert w01.totals["registered"] == 2
    assert w01.previous["registered"] == 1
    assert w01.previous_period.label == "2025-W52"
    assert parse_week("2026-W01", TODAY).start == date(2025, 12, 29)
    assert compute(svc.db, parse_week("2026-W02", TODAY), TODAY).totals["registered"] == 1


def test_every_figure_is_in_the_summary() -> None:
    assert set(SUMMARY_KEYS) == {f.key for f in FIGURES}
    for f in FIGURES:
        assert f.definition and f.label != f"fig.{f.key}"


def test_open_cases_come_from_the_partial_index(known) -> None:  # type: ignore[no-untyped-def]
    """The spells running at period end come from the partial index of open spells (not a
    scan of every spell of a million-case county); only their cases are read."""
    from mediator.reports.stats import DIMENSIONS, _select

    params = params_for(parse_week("2026-W47", TODAY), TODAY)
    sql = _select("stock", tuple(DIMENSIONS), office_clause(None, params))
    with known.db.read() as s:
        plan = " ".join(str(r) for r in s.exec(text("EXPLAIN QUERY PLAN " + sql), params=params))
    assert "USING INDEX ix_fact_open" in plan


def test_readme_defines_every_figure() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Figures", 1)[1]
    for f in FIGURES:
        assert f"| `{f.key}` |" in section, f.key
