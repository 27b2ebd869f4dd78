"""The 信访 part of the weekly and monthly reports (issue 25, point 1): 办结数, 按期办结,
首办化解 and their rates 按期办结率 and 首办化解率, each with its definition printed beside it.

Computed by ``stats.petition_figures`` (the one place the figures are defined); here they only
become a table. Shown when the office holds any petition matter (``stats.holds_petitions``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mediator.core.db import Database
from mediator.i18n import t
from mediator.reports.model import Column, Rate, Table
from mediator.reports.periods import Period
from mediator.reports.stats import PETITION_FIGURES, holds_petitions, petition_figures


def petition_part(db: Database, period: Period,
                  offices: Sequence[str] | None) -> tuple[Table, dict[str, Any]] | None:
    """The 信访 table and its JSON figures, or None for an office without petition matters."""
    if not holds_petitions(db, offices):
        return None
    values = petition_figures(db, period, offices)
    table = Table("petition_figures", t("report.table.petition_figures"), [
        Column("figure", t("report.col.figure"), 24), Column("value", t("report.col.current"), 10),
        Column("definition", t("report.col.definition"), 60)])
    for f in PETITION_FIGURES:
        table.rows.append([t(f"fig.{f.key}"), values[f.key], f.definition])
    for key in ("petition_on_time_rate", "petition_first_rate"):
        table.rows.append([t(f"fig.{key}"), Rate(values[key]),  # type: ignore[arg-type]
                           t(f"report.def.{key}")])
    data = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in values.items()}
    return table, data
