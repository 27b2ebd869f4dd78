"""Chinese working days (工作日) with 调休, for every limit counted in working days (the
5-working-day objection of a petition, 信访工作条例; any later 工作日 limit).

A working day is Monday to Friday, less the statutory holidays the State Council announces
each year, plus the weekend days it makes working days (调休, e.g. 2026-01-04, a Sunday).
The announcement comes out in November for the next year, so two sources are combined:

- the ``chinesecalendar`` library, which knows the years up to its release;
- a file the county can update, ``workdays.json`` in the data folder, for the years the
  library does not know yet (or to correct one). Its years win over the library's::

      {"2027": {"holidays": ["2027-01-01", ...], "workdays": ["2027-02-07", ...]}}

  ``holidays``: the days off that would be working days (Monday-Friday); ``workdays``: the
  weekend days that are working days. Every other weekday works and every weekend day rests.

A year neither source knows is counted as plain Monday-Friday and :func:`warnings` says so
(the app shows it at start and in ``doctor``), so a clerk knows a limit may be a few days out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from mediator.core.errors import ValidationError
from mediator.i18n import t

#: the county's file, in the data folder
FILE_NAME = "workdays.json"


def _library() -> Any:
    """The ``chinese_calendar`` module, or None where it is missing (a build without it still
    counts, by the county file and Monday-Friday)."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - it is a dependency; a broken install still runs
        return None
    return chinese_calendar


def library_years() -> frozenset[int]:
    """The years the installed library knows."""
    lib = _library()
    if lib is None:
        return frozenset()
    known = {d.year for d in lib.holidays} | {d.year for d in lib.workdays}
    return frozenset(known)


@dataclass(frozen=True)
class YearOverride:
    """One year as the county's file gives it."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()


@dataclass(frozen=True)
class WorkCalendar:
    """The working-day calendar in force: the library plus the county's years."""

    county: Mapping[int, YearOverride] = field(default_factory=dict)
    use_library: bool = True

    def covered(self, year: int) -> bool:
        """Whether ``year``'s holidays and 调休 are known (else Monday-Friday is assumed)."""
        return year in self.county or (self.use_library and year in library_years())

    def is_workday(self, day: date) -> bool:
        override = self.county.get(day.year)
        if override is not None:
            if day in override.workdays:
                return True
            if day in override.holidays:
                return False
            return day.weekday() < 5
        if self.use_library and day.year in library_years():
            lib = _library()
            return bool(lib.is_workday(day))
        return day.weekday() < 5

    def add_workdays(self, start: date, count: int) -> date:
        """The ``count``-th working day after ``start`` (``start`` itself not counted, as a
        limit "within N working days of receipt" runs from the next day)."""
        if count < 1:
            raise ValueError(count)
        day, left = start, count
        while left:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 if end <= start)."""
        n, day = 0, start
        while day < end:
            day += timedelta(days=1)
            if self.is_workday(day):
                n += 1
        return n


def parse_county(data: Any) -> dict[int, YearOverride]:
    """The county file's content, checked: every year a 4-digit key, every date a real ISO
    date of that year, holidays on weekdays and 调休 workdays on weekends. Raises
    ValidationError naming the first wrong entry."""
    if not isinstance(data, dict):
        raise ValidationError(t("workdays.bad_file_shape"))
    out: dict[int, YearOverride] = {}
    for key, value in data.items():
        if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
            raise ValidationError(t("workdays.bad_year", year=str(key)))
        year = int(key)
        if not isinstance(value, dict) or set(value) - {"holidays", "workdays"}:
            raise ValidationError(t("workdays.bad_year_shape", year=key))
        days: dict[str, set[date]] = {"holidays": set(), "workdays": set()}
        for kind in ("holidays", "workdays"):
            items = value.get(kind, [])
            if not isinstance(items, list):
                raise ValidationError(t("workdays.bad_year_shape", year=key))
            for item in items:
                try:
                    day = date.fromisoformat(str(item))
                except ValueError:
                    raise ValidationError(t("workdays.bad_date", year=key, value=str(item))) from None
                if day.year != year:
                    raise ValidationError(t("workdays.wrong_year", year=key, value=str(item)))
                weekend = day.weekday() >= 5
                if kind == "holidays" and weekend:
                    raise ValidationError(t("workdays.holiday_on_weekend", value=day.isoformat()))
                if kind == "workdays" and not weekend:
                    raise ValidationError(t("workdays.workday_on_weekday", value=day.isoformat()))
                days[kind].add(day)
        out[year] = YearOverride(frozenset(days["holidays"]), frozenset(days["workdays"]))
    return out


def read_county_file(path: Path) -> dict[int, YearOverride]:
    """The county file at ``path`` (no file: no county years)."""
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        raise ValidationError(t("workdays.not_json", path=str(path))) from None
    return parse_county(data)


def county_json(county: Mapping[int, YearOverride]) -> str:
    """The county years as the file holds them (sorted, so the same content is the same file)."""
    return json.dumps({str(y): {"holidays": sorted(d.isoformat() for d in o.holidays),
                                "workdays": sorted(d.isoformat() for d in o.workdays)}
                       for y, o in sorted(county.items())}, ensure_ascii=False, indent=2) + "\n"


_current: WorkCalendar = WorkCalendar()


def calendar() -> WorkCalendar:
    """The calendar in force for this process (the library alone until :func:`install`)."""
    return _current


def use(cal: WorkCalendar) -> WorkCalendar:
    """Put ``cal`` in force; returns the one it replaces (tests put it back)."""
    global _current
    previous, _current = _current, cal
    return previous


def install(data_folder: Path) -> WorkCalendar:
    """Read the county file of ``data_folder`` and put the calendar in force (the CLI and the
    TUI do this at start). A broken file raises ValidationError; the library alone stays."""
    cal = WorkCalendar(read_county_file(data_folder / FILE_NAME))
    use(cal)
    return cal


def save_county(data_folder: Path, county: Mapping[int, YearOverride]) -> Path:
    """Write the county years into ``data_folder``'s file (atomically) and put them in force."""
    from mediator.core.files import atomic_write

    path = atomic_write(data_folder / FILE_NAME, county_json(county))
    use(WorkCalendar(dict(county)))
    return path


def merge_county_file(data_folder: Path, source: Path) -> list[int]:
    """``workdays import``: the years of the county's ``source`` file checked and added to
    this office's file (a year given again replaces the old one). Returns the years added."""
    incoming = read_county_file(source) if source.is_file() else None
    if incoming is None:
        raise ValidationError(t("workdays.no_file", path=str(source)))
    if not incoming:
        raise ValidationError(t("workdays.empty_file", path=str(source)))
    merged = dict(read_county_file(data_folder / FILE_NAME))
    merged.update(incoming)
    save_county(data_folder, merged)
    return sorted(incoming)


def warnings(today: date, cal: WorkCalendar | None = None, *, ahead: bool = False) -> list[str]:
    """What a clerk must be told: this year's holidays unknown (limits counted Monday-Friday);
    with ``ahead`` (``doctor``, ``workdays status``) in December next year's too, as
    petitions received now run into it."""
    cal = cal or calendar()
    out = []
    years = [today.year] + ([today.year + 1] if ahead and today.month == 12 else [])
    for year in years:
        if not cal.covered(year):
            out.append(t("workdays.uncovered", year=year, file=FILE_NAME))
    return out
