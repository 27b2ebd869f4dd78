"""The 排查 and 回访 parts of the 台账 (issue 24, point 6): a 排查 sheet with one line per round
(date, level, village or unit, who screened, 零报告, the items found counted by disposition),
and the structured 回访 record (履行情况, 满意度, 新苗头/隐患, 措施) in the case lines, one line
per visit done, like the parties."""

from __future__ import annotations

from collections.abc import Sequence

from mediator.core.db import Database
from mediator.core.enums import Disposition, Satisfaction, ScreeningLevel
from mediator.i18n import t
from mediator.reports import lists
from mediator.reports.masking import scrub
from mediator.reports.model import Cell, Column, Table
from mediator.reports.periods import Period


def visit_columns() -> list[Column]:
    return [Column("visit_on", t("ledx.col.visit_on"), 12),
            Column("performance", t("ledx.col.performance"), 20),
            Column("satisfaction", t("ledx.col.satisfaction"), 10),
            Column("new_signs", t("ledx.col.new_signs"), 20),
            Column("visit_measures", t("ledx.col.measures"), 20)]


def visit_cells(line: lists.LedgerLine, masked: bool) -> list[Cell]:
    """The 回访 cells of a case line: one line per visit done, in the same order in every
    column ("—" where a visit left that part blank); None when no visit was done."""
    if not line.visits:
        return [None] * 5
    names = [p.name for p in line.parties if p.kind == "PERSON"]

    def free(value: str) -> str:
        return (scrub(value, names) if masked else value) or "—"

    return ["\n".join(v.done_on.isoformat() for v in line.visits),
            "\n".join(free(v.performance) for v in line.visits),
            "\n".join(Satisfaction(v.satisfaction).label
                      if v.satisfaction in Satisfaction.__members__ else "—"
                      for v in line.visits),
            "\n".join(free(v.new_signs) for v in line.visits),
            "\n".join(free(v.measures) for v in line.visits)]


def rounds_table(db: Database, period: Period, offices: Sequence[str] | None,
                 masked: bool = True) -> tuple[Table, list[lists.RoundLine]]:
    """排查台账: every round held in the period, nil rounds included."""
    rounds = lists.screening_rounds(db, period, offices)
    table = Table("ledger_screening", t("ledx.table.rounds"), [
        Column("n", t("report.col.n"), 6), Column("held_on", t("ledx.col.held_on"), 12),
        Column("level", t("ledx.col.level"), 10), Column("place", t("ledx.col.place"), 14),
        Column("by", t("ledx.col.by"), 10), Column("focus", t("ledx.col.focus"), 20),
        Column("nil", t("ledx.col.nil"), 8), Column("found", t("ledx.col.found"), 8),
        Column("persons", t("ledx.col.persons"), 8)]
        + [Column(f"d_{d.name.lower()}", d.label, 10) for d in Disposition]
        + [Column("d_pending", t("ledx.col.pending"), 10)])
    for i, r in enumerate(rounds, start=1):
        focus = scrub(r.focus) if masked else r.focus
        focus += (("；" if r.focus else "") + t("ledx.sensitive") if r.sensitive else "")
        table.rows.append(
            [i, r.held_on, ScreeningLevel(r.level).label if r.level in ScreeningLevel.__members__
             else r.level, r.place or None, r.screened_by, focus,
             t("ledx.yes") if r.nil_return else t("ledx.no"), r.found, r.persons]
            + [r.by_disposition.get(d.name, 0) for d in Disposition]
            + [r.by_disposition.get(None, 0)])
    if not rounds:
        table.note = t("ledx.no_rounds")
    return table, rounds
