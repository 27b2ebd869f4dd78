"""通报 (issue 22): the county's figures per township for a period, with ranks.

The figures come from the reports (mediator.reports.notice builds them from
mediator.reports.stats); this module holds what both offices share: the measures a county may
rank on, the ranking rule, the stored form (``notice.figures_json``) and its strict reading (a
township reads it from a package: every field checked), and the rows' storage.

One writer per record: the county writes every ``notice`` row (one per township it is sent to);
a township holds the rows it received read-only (mediator.sync.down).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text

from mediator.core.errors import ValidationError
from mediator.i18n import t

#: the measures a county may rank on, each with the direction that ranks first
#: (True: the higher value ranks first)
MEASURES: dict[str, bool] = {"success_rate": True, "overdue": False, "visit_rate": True,
                             "supervision_overdue": False}
DEFAULT_MEASURES = ("success_rate", "overdue", "visit_rate")
#: the counts every row carries (the reports' figures of the same names; supervision_overdue:
#: the 督办/交办 sent to the township and past due at the period's end, core/overdue.py)
COUNTS = ("registered", "accepted", "concluded", "success", "overdue", "followups_due",
          "followups_done", "supervision_overdue")
RATES = ("success_rate", "visit_rate")
MAX_ROWS = 1000
MAX_NAME = 100


@dataclass(frozen=True)
class NoticeRow:
    """One township's line of a 通报."""

    code: str
    name: str
    counts: dict[str, int]
    rates: dict[str, float | None]
    ranks: dict[str, int | None]

    def value(self, measure: str) -> int | float | None:
        return self.rates[measure] if measure in RATES else self.counts[measure]


@dataclass(frozen=True)
class Notice:
    id: str
    owner_code: str
    target_code: str
    revision: int
    period_label: str
    period_start: date
    period_end: date
    issued_on: date
    measures: tuple[str, ...]
    rows: tuple[NoticeRow, ...]

    def own_row(self) -> NoticeRow | None:
        return next((r for r in self.rows if r.code == self.target_code), None)


def parse_measures(raw: str | Sequence[str] | None) -> tuple[str, ...]:
    """The measures to rank on: names from MEASURES, comma separated (default: all three)."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return DEFAULT_MEASURES
    names = [m.strip() for m in (raw.replace("，", ",").split(",") if isinstance(raw, str)
                                 else raw)]
    out: list[str] = []
    for name in names:
        if name not in MEASURES:
            raise ValidationError(t("notice.bad_measure", name=name,
                                    names="、".join(MEASURES)), "measures")
        if name not in out:
            out.append(name)
    if not out:
        raise ValidationError(t("notice.bad_measure", name="", names="、".join(MEASURES)),
                              "measures")
    return tuple(out)


def rank(values: dict[str, int | float | None], higher_first: bool) -> dict[str, int | None]:
    """Competition ranking (1, 2, 2, 4): ties share a rank; a township without a value (a rate
    with nothing to divide by) is not ranked."""
    known = [v for v in values.values() if v is not None]
    out: dict[str, int | None] = {}
    for code, v in values.items():
        if v is None:
            out[code] = None
        else:
            better = sum(1 for o in known if (o > v if higher_first else o < v))
            out[code] = better + 1
    return out


def with_ranks(rows: Sequence[NoticeRow], measures: Sequence[str]) -> list[NoticeRow]:
    ranks = {m: rank({r.code: r.value(m) for r in rows}, MEASURES[m]) for m in measures}
    return [NoticeRow(r.code, r.name, r.counts, r.rates, {m: ranks[m][r.code] for m in measures})
            for r in rows]


def to_json(rows: Sequence[NoticeRow]) -> str:
    return json.dumps([{"code": r.code, "name": r.name, "counts": r.counts, "rates": r.rates,
                        "ranks": r.ranks} for r in rows], ensure_ascii=False, sort_keys=True)


def from_json(raw: Any, measures: Sequence[str]) -> tuple[NoticeRow, ...]:
    """A 通报's rows as stored or received, every field checked."""
    try:
        if not isinstance(raw, str) or len(raw) > 2_000_000:
            raise ValueError("raw")
        data = json.loads(raw)
        if not isinstance(data, list) or len(data) > MAX_ROWS:
            raise ValueError("rows")
        out = []
        for d in data:
            if not isinstance(d, dict) or set(d) != {"code", "name", "counts", "rates", "ranks"}:
                raise ValueError("row")
            if not isinstance(d["code"], str) or not d["code"].isdigit() or \
                    len(d["code"]) > 12 or not isinstance(d["name"], str) or \
                    len(d["name"]) > MAX_NAME:
                raise ValueError("code")
            counts, rates, ranks = d["counts"], d["rates"], d["ranks"]
            if not isinstance(counts, dict) or set(counts) != set(COUNTS) or any(
                    type(v) is not int or not 0 <= v <= 10**9 for v in counts.values()):
                raise ValueError("counts")
            if not isinstance(rates, dict) or set(rates) != set(RATES) or any(
                    v is not None and (type(v) not in (int, float) or not math.isfinite(v)
                                       or v < 0) for v in rates.values()):
                raise ValueError("rates")
            if not isinstance(ranks, dict) or set(ranks) != set(measures) or any(
                    v is not None and (type(v) is not int or not 1 <= v <= MAX_ROWS)
                    for v in ranks.values()):
                raise ValueError("ranks")
            out.append(NoticeRow(d["code"], d["name"], dict(counts),
                                 {k: None if v is None else float(v) for k, v in rates.items()},
                                 dict(ranks)))
        return tuple(out)
    except (ValueError, TypeError, RecursionError) as exc:
        raise ValidationError(t("notice.bad_figures"), "figures_json") from exc


COLUMNS = ("id, owner_code, target_code, revision, period_label, period_start, period_end, "
           "issued_on, measures, figures_json")


def _notice(row: Any) -> Notice:
    measures = tuple(str(row[8]).split(","))
    return Notice(id=row[0], owner_code=row[1], target_code=row[2], revision=int(row[3]),
                  period_label=row[4], period_start=date.fromisoformat(str(row[5])),
                  period_end=date.fromisoformat(str(row[6])),
                  issued_on=date.fromisoformat(str(row[7])), measures=measures,
                  rows=from_json(row[9], measures))


def notices(s: Any, target_code: str | None = None) -> list[Notice]:
    """The live 通报 rows held (inside the caller's read transaction), newest period first."""
    where = "deleted = 0" + ("" if target_code is None else " AND target_code = :code")
    rows = s.exec(text(  # type: ignore[call-overload]
        f"SELECT {COLUMNS} FROM notice WHERE {where} "
        "ORDER BY period_start DESC, period_end DESC, target_code"),
        params={"code": target_code}).all()
    return [_notice(r) for r in rows]
