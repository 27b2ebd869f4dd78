"""The 排查 / 防止 / 成功率 part of the weekly and monthly reports (issue 24, points 3 and 6).

Computed by ``stats.screening_figures`` / ``stats.screening_by_village`` (the one place figures
are defined); here they only become tables and a sentence: each figure with its definition
beside it, the success rate on the configured denominator with the definition printed, and one
line per village (零报告 villages marked).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from mediator.core.db import Database
from mediator.i18n import t
from mediator.reports.model import Column, Rate, Table
from mediator.reports.periods import Period
from mediator.reports.stats import (
    COUNTY_FIGURES,
    SCREENING_FIGURES,
    Figures,
    county_figures,
    rate_basis,
    rate_definition,
    screening_by_village,
    screening_figures,
    success_rate_on,
)


def screening_part(db: Database, period: Period, totals: Figures,
                   offices: Sequence[str] | None) -> tuple[list[Table], str, dict[str, Any]]:
    """The tables, the narrative sentence and the JSON figures of the 排查 part."""
    values = screening_figures(db, period, offices)
    basis = rate_basis(db)
    rate = success_rate_on(totals, basis)
    table = Table("screening_figures", t("report.table.screening_figures"), [
        Column("figure", t("report.col.figure"), 24), Column("value", t("report.col.current"), 10),
        Column("definition", t("report.col.definition"), 60)])
    table.rows.append([t("report.scr.success_rate"), Rate(rate), rate_definition(basis)])
    for f in SCREENING_FIGURES:
        table.rows.append([t(f"fig.{f.key}"), values[f.key], f.definition])
    villages = Table("screening_by_village", t("report.table.screening_by_village"), [
        Column("village", t("report.col.village"), 14),
        Column("rounds", t("fig.screening_rounds"), 10),
        Column("nil_rounds", t("fig.screening_nil_rounds"), 10),
        Column("found", t("fig.screening_found"), 10),
        Column("prevented", t("fig.screening_prevented"), 10),
        Column("resolved", t("fig.screening_resolved"), 10),
        Column("to_case", t("fig.screening_to_case"), 10),
        Column("nil_village", t("report.col.nil_village"), 8),
        Column("followups_done", t("fig.followups_done"), 10)])
    per_village = screening_by_village(db, period, offices)
    for v in per_village:
        villages.rows.append([v.name, v.rounds, v.nil_rounds, v.found, v.prevented, v.resolved,
                              v.to_case, v.nil_village, v.followups_done])
    unscreened = [v.name for v in per_village if v.rounds == 0]
    if unscreened:
        villages.note = t("report.scr.unscreened", names="、".join(unscreened))
    sentence = t("report.text.screening", rounds=values["screening_rounds"],
                 nil=values["screening_nil_rounds"], nil_villages=values["screening_nil_villages"],
                 found=values["screening_found"], resolved=values["screening_resolved"],
                 prevented=values["screening_prevented"], to_case=values["screening_to_case"],
                 risks=values["risk_events"], reported=values["risk_reported"],
                 rate="—" if rate is None else f"{rate * 100:.1f}%",
                 definition=rate_definition(basis))
    county = county_figures(db, period, offices)
    county_table = Table("county_figures", t("report.table.county_figures"), [
        Column("figure", t("report.col.figure"), 24), Column("value", t("report.col.current"), 10),
        Column("definition", t("report.col.definition"), 60)])
    for f in COUNTY_FIGURES:
        county_table.rows.append([t(f"fig.{f.key}"), county[f.key], f.definition])
    county_table.rows.append([t("fig.performance_rate"), Rate(county["performance_rate"]),  # type: ignore[arg-type]
                              t("report.def.performance_rate")])
    data: dict[str, Any] = dict(values)
    data["county"] = county
    data["success_rate_basis"] = basis
    data["success_rate_on_basis"] = None if rate is None else round(rate, 4)
    data["villages"] = [{"code": v.code, "name": v.name, "rounds": v.rounds,
                         "nil_rounds": v.nil_rounds, "found": v.found, "prevented": v.prevented,
                         "resolved": v.resolved, "to_case": v.to_case,
                         "nil_village": v.nil_village,
                         "followups_done": v.followups_done} for v in per_village]
    return [table, villages, county_table], sentence, data
