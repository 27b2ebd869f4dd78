"""The working-day calendar (core.workdays): real 2025/2026 holidays and 调休 days from the
library, the county's file for later years, its checks, and the CLI over both."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core import workdays
from mediator.core.errors import ValidationError
from mediator.core.workdays import WorkCalendar, YearOverride
from mediator.i18n import t

LIB = WorkCalendar()


@pytest.fixture(autouse=True)
def library_calendar():  # type: ignore[no-untyped-def]
    previous = workdays.use(WorkCalendar())
    yield
    workdays.use(previous)


@pytest.mark.parametrize(("day", "working"), [
    (date(2025, 1, 26), True),    # Sunday, 调休 before 春节
    (date(2025, 1, 28), False),   # 除夕
    (date(2025, 2, 4), False),    # 春节 ends 2月4日
    (date(2025, 2, 8), True),     # Saturday, 调休
    (date(2025, 4, 27), True),    # Sunday, 调休 before 劳动节
    (date(2025, 5, 5), False),    # 劳动节
    (date(2025, 9, 28), True),    # Sunday, 调休 before 国庆
    (date(2025, 10, 8), False),   # 国庆/中秋 ends 10月8日
    (date(2025, 10, 11), True),   # Saturday, 调休
    (date(2026, 1, 2), False),    # 元旦 (Friday)
    (date(2026, 1, 4), True),     # Sunday, 调休
    (date(2026, 2, 14), True),    # Saturday, 调休 before 春节
    (date(2026, 2, 23), False),   # 春节 ends 2月23日 (Monday)
    (date(2026, 2, 28), True),    # Saturday, 调休
    (date(2026, 4, 6), False),    # 清明 (Monday)
    (date(2026, 5, 9), True),     # Saturday, 调休
    (date(2026, 6, 19), False),   # 端午 (Friday)
    (date(2026, 9, 25), False),   # 中秋 (Friday)
    (date(2026, 9, 20), True),    # Sunday, 调休
    (date(2026, 10, 7), False),   # 国庆
    (date(2026, 10, 10), True),   # Saturday, 调休
    (date(2026, 10, 12), True),   # an ordinary Monday
    (date(2026, 10, 17), False),  # an ordinary Saturday
])
def test_library_knows_2025_and_2026(day: date, working: bool) -> None:
    assert LIB.is_workday(day) is working


@pytest.mark.parametrize(("start", "n", "due"), [
    (date(2026, 9, 30), 5, date(2026, 10, 13)),   # 8, 9, 10 (调休 Saturday), 12, 13
    (date(2026, 9, 18), 5, date(2026, 9, 24)),    # Friday before 中秋: 20 (调休 Sunday) 21-24
    (date(2026, 2, 13), 5, date(2026, 2, 27)),    # Friday before 春节: 14 (调休), 24-27
    (date(2026, 12, 4), 5, date(2026, 12, 11)),   # an ordinary week
    (date(2025, 12, 31), 1, date(2026, 1, 4)),    # 元旦 1-3 off, 4 (Sunday) worked
])
def test_add_workdays(start: date, n: int, due: date) -> None:
    assert LIB.add_workdays(start, n) == due


def test_workdays_between() -> None:
    assert LIB.workdays_between(date(2026, 9, 30), date(2026, 10, 13)) == 5
    assert LIB.workdays_between(date(2026, 10, 13), date(2026, 10, 13)) == 0


def test_an_unknown_year_counts_monday_to_friday_and_is_said() -> None:
    assert LIB.covered(2026) is True
    assert LIB.covered(2040) is False
    assert LIB.is_workday(date(2040, 1, 2)) is True     # a Monday
    assert LIB.is_workday(date(2040, 1, 7)) is False    # a Saturday
    assert workdays.warnings(date(2040, 3, 1), LIB) == [
        t("workdays.uncovered", year=2040, file="workdays.json")]
    assert workdays.warnings(date(2026, 3, 1), LIB) == []
    # December looks at next year too, where asked (doctor, workdays status)
    assert workdays.warnings(date(2026, 12, 7), LIB) == []
    if not LIB.covered(2027):
        assert workdays.warnings(date(2026, 12, 7), LIB, ahead=True) == [
            t("workdays.uncovered", year=2027, file="workdays.json")]


def test_the_county_file_wins_for_its_years() -> None:
    cal = WorkCalendar({2040: YearOverride(holidays=frozenset({date(2040, 1, 2)}),
                                           workdays=frozenset({date(2040, 1, 7)}))})
    assert cal.covered(2040) is True
    assert cal.is_workday(date(2040, 1, 2)) is False
    assert cal.is_workday(date(2040, 1, 7)) is True
    assert cal.is_workday(date(2040, 1, 3)) is True
    assert cal.add_workdays(date(2039, 12, 30), 1) == date(2040, 1, 3)  # Fri; 1-2 off
    assert workdays.warnings(date(2040, 5, 1), cal) == []


@pytest.mark.parametrize(("content", "message"), [
    ([], t("workdays.bad_file_shape")),
    ({"27": {}}, t("workdays.bad_year", year="27")),
    ({"2040": {"holiday": []}}, t("workdays.bad_year_shape", year="2040")),
    ({"2040": {"holidays": "2040-01-02"}}, t("workdays.bad_year_shape", year="2040")),
    ({"2040": {"holidays": ["2040-13-01"]}}, t("workdays.bad_date", year="2040", value="2040-13-01")),
    ({"2040": {"holidays": ["2041-01-02"]}}, t("workdays.wrong_year", year="2040", value="2041-01-02")),
    ({"2040": {"holidays": ["2040-01-07"]}}, t("workdays.holiday_on_weekend", value="2040-01-07")),
    ({"2040": {"workdays": ["2040-01-02"]}}, t("workdays.workday_on_weekday", value="2040-01-02")),
])
def test_a_wrong_county_file_is_refused(content: object, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        workdays.parse_county(content)
    assert err.value.message == message


def test_import_writes_the_data_folder_file_and_puts_it_in_force(tmp_path: Path) -> None:
    source = tmp_path / "县司法局 2040.json"
    source.write_text(json.dumps({"2040": {"holidays": ["2040-01-02"],
                                           "workdays": ["2040-01-07"]}}), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    assert workdays.merge_county_file(data, source) == [2040]
    assert json.loads((data / "workdays.json").read_text(encoding="utf-8")) == {
        "2040": {"holidays": ["2040-01-02"], "workdays": ["2040-01-07"]}}
    assert workdays.calendar().is_workday(date(2040, 1, 7)) is True
    # a second year is added beside the first
    source.write_text(json.dumps({"2041": {"holidays": ["2041-01-01"]}}), encoding="utf-8")
    assert workdays.merge_county_file(data, source) == [2041]
    assert sorted(workdays.read_county_file(data / "workdays.json")) == [2040, 2041]


def test_cli_add_status_and_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["workdays", "add", "2026-09-30", "5"]) == 0
    assert capsys.readouterr().out == "2026-10-13\n"
    assert main(["workdays", "add", "2026-09-30", "0"]) == 2
    assert capsys.readouterr().err.strip() == t("cli.error",
                                                message=t("cli.workdays.days_positive"))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["workdays", "import", str(bad)]) == 2
    assert capsys.readouterr().err.strip() == t(
        "cli.error", message=t("workdays.not_json", path=str(bad)))
    good = tmp_path / "2040.json"
    good.write_text(json.dumps({"2040": {"holidays": ["2040-01-02"]}}), encoding="utf-8")
    assert main(["workdays", "import", str(good)]) == 0
    assert capsys.readouterr().out.strip() == t("cli.workdays.imported", years="2040")
    assert main(["workdays", "add", "2040-01-01", "1"]) == 0
    assert capsys.readouterr().out == "2040-01-03\n"
