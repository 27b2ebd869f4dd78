"""督办台账 (issue 22): the county's 督办/交办 items with each one's status, as md/csv/json.

The rows come from ``SupervisionService.ledger`` (status by core/overdue.py's item rule);
this module only lays them out.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from mediator.core.supervision import LedgerRow
from mediator.core.text import plain
from mediator.i18n import t

FORMATS = ("md", "csv", "json", "xlsx")
COLUMNS = ("township", "kind", "case_no", "county_ref", "instruction", "leader", "issued_on",
           "due_on", "status", "days_left", "signed_on", "progress", "finished_on", "report")


def _record(r: LedgerRow) -> dict[str, Any]:
    def day(d: date | None) -> str | None:
        return None if d is None else d.isoformat()
    return {"township": r.township, "township_code": r.item.target_code, "id": r.item.id,
            "kind": r.item.kind, "case_no": r.item.case_no, "county_ref": r.item.county_ref,
            "instruction": r.item.instruction, "leader": r.item.leader,
            "issued_on": day(r.item.issued_on), "due_on": day(r.item.due_on),
            "status": r.status, "days_left": r.days_left, "days_overdue": r.days_overdue,
            "signed_on": day(r.signed_on), "progress": r.progress,
            "finished_on": day(r.finished_on), "report": r.report}


def _cells(r: LedgerRow) -> list[str]:
    rec = _record(r)
    rec["kind"] = t(f"supervision.kind.{r.item.kind}")
    rec["status"] = t(f"supervision.status.{r.status}")
    return ["" if rec[c] is None else plain(str(rec[c])) for c in COLUMNS]


def render(rows: Sequence[LedgerRow], fmt: str, on: date) -> str:
    if fmt == "json":
        return json.dumps({"as_of": on.isoformat(), "items": [_record(r) for r in rows]},
                          ensure_ascii=False, indent=1) + "\n"
    heads = [t(f"supervision.col.{c}") for c in COLUMNS]
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(heads)
        w.writerows(_cells(r) for r in rows)
        return buf.getvalue()
    if fmt == "md":
        def esc(v: str) -> str:
            return v.replace("|", "\\|").replace("\n", " ")
        lines = [f"# {t('supervision.title', day=on.isoformat())}", "",
                 "| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        lines += ["| " + " | ".join(esc(c) for c in _cells(r)) + " |" for r in rows]
        if not rows:
            lines = lines[:2] + [t("supervision.none")]
        return "\n".join(lines) + "\n"
    raise ValueError(fmt)


WIDTHS = {"township": 16, "kind": 6, "case_no": 22, "county_ref": 18, "instruction": 40,
          "leader": 10, "issued_on": 11, "due_on": 11, "status": 8, "days_left": 8,
          "signed_on": 11, "progress": 40, "finished_on": 11, "report": 40}


def to_report(rows: Sequence[LedgerRow], on: date, office_name: str) -> Any:
    """The 台账 as a report model, for the xlsx writer (mediator.reports.xlsx)."""
    from mediator.reports.model import Column, Report, Table

    table = Table(key="supervision", title=t("supervision.title", day=on.isoformat()),
                  columns=[Column(c, t(f"supervision.col.{c}"), WIDTHS[c]) for c in COLUMNS])
    for r in rows:
        cells: list[Any] = _cells(r)
        cells[COLUMNS.index("days_left")] = r.days_left   # a number in the sheet
        table.rows.append(cells)
    return Report(kind="supervision", title=t("supervision.title", day=on.isoformat()),
                  subtitle="", office_name=office_name, name=f"督办台账_{on.isoformat()}",
                  masked=False, generated_on=on, period_label=on.isoformat(), tables=[table])


def write_xlsx(services: Any, folder: Any, on: date | None = None) -> Any:
    """The whole 督办台账 on day ``on`` (today) as 督办台账_<day>.xlsx in ``folder`` (the TUI's
    export; what ``mediator report supervision --format xlsx`` writes). Returns the path."""
    from pathlib import Path

    from mediator.core.supervision import SupervisionService
    from mediator.reports import xlsx

    sup = SupervisionService(services)
    day = on or services.today()
    rows = sup.ledger(on=day)
    office = services.office()
    target = Path(folder) / f"督办台账_{day.isoformat()}.xlsx"
    return xlsx.render(to_report(rows, day, office.name if office else ""), target)


def supervision_part(db: Any, period: Any, today: date,
                     offices: Sequence[str] | None) -> tuple[Any, dict[str, int]] | None:
    """The 督办/交办 table of a weekly or monthly report (the township's items from the
    county: received, finished, open, 督办逾期) and its JSON figures; None for an office that
    never received one."""
    from mediator.reports.model import Column, Table
    from mediator.reports.stats import SUPERVISION_FIGURES, supervision_figures

    values = supervision_figures(db, period, today, offices)
    if values is None:
        return None
    table = Table("supervision_figures", t("report.table.supervision_figures"), [
        Column("figure", t("report.col.figure"), 24), Column("value", t("report.col.current"), 10),
        Column("definition", t("report.col.definition"), 60)])
    for f in SUPERVISION_FIGURES:
        table.rows.append([t(f"fig.{f.key}"), values[f.key], f.definition])
    return table, values
