"""回访 policy (issue 24, point 5).

The committee supervises performance and visits the parties afterwards; counties check that
every successful case was visited. Before this, a 回访 was scheduled only per instalment, so a
case settled on the spot (or by an oral agreement without instalments) was never visited —
one successful case in five in the demo data. Now:

- every 调解成功 (agreement reached) gets a routine 回访 ``followup.success_days`` days after the
  agreement took effect (default 30; 0 turns it off), besides the per-instalment ones;
- a case that ended 不成 / 不予受理 while an escalation risk (激化风险) is recorded on it gets a
  稳控回访 ``followup.risk_days`` days after (default 15), as does such a case when the risk is
  recorded after it ended.

A case that already has an open 回访 of that kind gets no second one. Called inside the use
case's transaction (``Services._agree``, ``record_failure``, ``refuse_case``, ``Risks.record``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlmodel import Session, select

from mediator.core.enums import EventKind, FollowUpType
from mediator.core.facts import FOLLOW_UP_DROPPED
from mediator.core.models import Case, CaseFact, FollowUp, RiskEvent, Setting, utcnow
from mediator.i18n import t

SUCCESS_DAYS_KEY = "followup.success_days"
RISK_DAYS_KEY = "followup.risk_days"
DEFAULT_SUCCESS_DAYS = 30
DEFAULT_RISK_DAYS = 15


def policy_days(s: Session, key: str, default: int) -> int:
    """The configured number of days (0 = off); a value that is not a number is the default."""
    row = s.get(Setting, key)
    if row is None:
        return default
    try:
        value = int(row.value)
    except ValueError:
        return default
    return max(0, min(value, 366))


def _open_of_kind(s: Session, case_id: str, kind: FollowUpType) -> bool:
    return s.exec(select(FollowUp.id).where(
        FollowUp.case_id == case_id, FollowUp.deleted == False, FollowUp.kind == kind.name,
        FollowUp.obligation_id == None, FollowUp.done_on == None)).first() is not None


def _schedule(svc: Any, s: Session, case: Case, due_on: date, kind: FollowUpType,
              note: str) -> FollowUp:
    fu = FollowUp(owner_code=case.owner_code, case_id=case.id, kind=kind.name, due_on=due_on,
                  note=note, operator=svc.operator)
    s.add(fu)
    svc._event(s, case, EventKind.FOLLOW_UP, max(svc.today(), case.registered_on), t("svc.ev.followup_scheduled", date=due_on.isoformat()),
               note)
    return fu


def after_agreement(svc: Any, s: Session, case: Case, effective_on: date) -> FollowUp | None:
    """调解成功: the routine 回访 after the agreement took effect."""
    days = policy_days(s, SUCCESS_DAYS_KEY, DEFAULT_SUCCESS_DAYS)
    if days == 0:
        return None
    due_on = effective_on + timedelta(days=days)
    pending = s.exec(select(FollowUp).where(
        FollowUp.case_id == case.id, FollowUp.deleted == False,
        FollowUp.kind == FollowUpType.ROUTINE.name, FollowUp.obligation_id == None,
        FollowUp.done_on == None)).all()
    # a new agreement after 重新调解: a visit of the replaced agreement that fell due before
    # this one took effect is dropped (it still counts as due in its own period: a dated
    # FOLLOW_UP_DROPPED fact, as 重新调解 drops the 履行回访) and a new one is scheduled;
    # moving its date instead would rewrite a week already reported
    kept = False
    for fu in pending:
        if fu.due_on < effective_on:
            fu.deleted = True
            fu.revision += 1
            fu.updated_at = utcnow()
            s.add(fu)
            s.add(CaseFact(owner_code=case.owner_code, case_id=case.id,
                           kind=FOLLOW_UP_DROPPED, fact_on=svc.today(), ref_id=fu.id))
        else:
            kept = True
    if kept:
        return None
    return _schedule(svc, s, case, due_on, FollowUpType.ROUTINE,
                     t("fu.policy.success", days=days))


def has_risk(s: Session, case_id: str) -> bool:
    return s.exec(select(RiskEvent.id).where(RiskEvent.case_id == case_id,
                                             RiskEvent.deleted == False)).first() is not None


def after_ending_at_risk(svc: Any, s: Session, case: Case, on: date) -> FollowUp | None:
    """不成 / 不予受理 with an escalation risk recorded: a 稳控回访."""
    if case.outcome not in ("FAILED", "REFUSED") or not has_risk(s, case.id):
        return None
    days = policy_days(s, RISK_DAYS_KEY, DEFAULT_RISK_DAYS)
    if days == 0 or _open_of_kind(s, case.id, FollowUpType.STABILITY):
        return None
    return _schedule(svc, s, case, on + timedelta(days=days), FollowUpType.STABILITY,
                     t("fu.policy.risk", days=days))
