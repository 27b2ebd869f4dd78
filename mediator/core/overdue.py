"""What "overdue" means — defined once, used by every figure that says it.

Two notions are needed and they have two names and two labels:

* **逾期案件** (an overdue *case*, ``P_OVERDUE_CASE`` / ``overdue_case_count``): on day D, a case
  in mediation — accepted on or before D and not concluded by D — whose mediation deadline
  (``deadline_on``: one month from acceptance, or the recorded extension) is before D. This is
  the report's 期末逾期数 (D = the period's end, or today while it runs), the dashboard's
  逾期案件 list and ``doctor``'s 逾期案件 (D = today). A follow-up, an instalment or a petition
  notice past its day does not make a case overdue: those are items.
* **过期事项** (a past-due *item*, ``item_past_due``): an open agenda item — a follow-up not
  done or a case deadline — whose day is before today. The agenda groups and counts these
  (unit 项, never 件).

The SQL predicates are on ``dispute_case c`` with the bind parameter ``:asof`` (day D).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text

from mediator.core.validate import office_area_prefix

#: a case in mediation at the end of day :asof
P_OPEN_AT = "(c.accepted_on <= :asof AND (c.concluded_on IS NULL OR c.concluded_on > :asof))"
#: 逾期案件 on day :asof
P_OVERDUE_CASE = f"({P_OPEN_AT} AND c.deadline_on < :asof)"

#: the same two notions for a past day, from the dated facts (``case_fact p``, a SPELL row:
#: mediator.core.facts): the spell running at the end of day :asof, and 逾期 on that day by the
#: deadline as it stood then (the latest extension recorded by :asof, else the spell's one
#: month), so an extension recorded later never changes a day already past
P_SPELL_OPEN_AT = ("(p.accepted_on <= :asof AND (p.concluded_on IS NULL "
                   "OR p.concluded_on > :asof))")
DEADLINE_AT = ("coalesce((SELECT max(x.deadline_on) FROM case_fact x WHERE x.case_id = p.case_id "
               "AND x.kind = 'EXTENSION' AND x.spell = p.spell AND x.deleted = 0 "
               "AND x.fact_on <= :asof), p.deadline_on)")
P_SPELL_OVERDUE_AT = f"({P_SPELL_OPEN_AT} AND {DEADLINE_AT} < :asof)"


def overdue_case_count(session: Any, on: date, offices: Sequence[str] | None = None) -> int:
    """How many live cases are 逾期案件 on day ``on`` (of ``offices``; None: every office)."""
    params: dict[str, Any] = {"asof": on.isoformat()}
    own = ""
    if offices:
        parts = []
        for i, code in enumerate(offices):
            params[f"own{i}"] = office_area_prefix(code) + "%"
            parts.append(f"c.owner_code LIKE :own{i}")
        own = " AND (" + " OR ".join(parts) + ")"
    return int(session.exec(text(  # type: ignore[call-overload]
        f"SELECT count(*) FROM dispute_case c WHERE c.deleted = 0 AND {P_OVERDUE_CASE}{own}"),
        params=params).scalar_one())


def item_past_due(due_on: date, today: date) -> bool:
    """过期事项: an open item (follow-up, deadline) whose day is before ``today``."""
    return due_on < today


def days_past_due(due_on: date, today: date) -> int:
    """Days an item or a case deadline is past (0 when it is not)."""
    return max(0, (today - due_on).days)


#: item_past_due in SQL for a 督办/交办 item ``sv`` on day :asof (the 督办台账's 逾期, paged in
#: SQL; the item's 办结/退回 are checked by the caller, as ``SupervisionService.ledger`` does)
P_ITEM_PAST_DUE_SV = "(sv.due_on < :asof)"

#: 督办逾期 (issue 22): a live 督办/交办 item ``sv`` whose deadline is before :asof (as
#: item_past_due) with no 办结报告 or 退回 dated on or before it
P_SUPERVISION_OVERDUE_AT = (
    "(sv.deleted = 0 AND sv.issued_on <= :asof AND sv.due_on < :asof AND NOT EXISTS ("
    "SELECT 1 FROM supervision_reply r WHERE r.item_id = sv.id AND r.deleted = 0 "
    "AND r.kind IN ('DONE', 'RETURN') AND r.on_date <= :asof))")


def overdue_supervision_counts(session: Any, asof: date) -> dict[str, int]:
    """督办/交办 items past due on ``asof``, per township they were sent to."""
    rows = session.exec(text(  # type: ignore[call-overload]
        f"SELECT sv.target_code, count(*) FROM supervision sv WHERE {P_SUPERVISION_OVERDUE_AT} "
        "GROUP BY sv.target_code"), params={"asof": asof.isoformat()}).all()
    return {str(code): int(n) for code, n in rows}


__all__ = ["DEADLINE_AT", "P_ITEM_PAST_DUE_SV", "P_OPEN_AT", "P_OVERDUE_CASE", "P_SPELL_OPEN_AT", "P_SPELL_OVERDUE_AT",
           "P_SUPERVISION_OVERDUE_AT", "days_past_due", "item_past_due",
           "overdue_case_count", "overdue_supervision_counts"]
