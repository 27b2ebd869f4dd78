"""激化风险 as an event (issue 24, point 2).

人民调解法 §25: a committee that finds a dispute may escalate takes preventive measures and
reports it at once to the police or another authority. Before this, 防止民转刑 / 防止群体性上访
were checkboxes anyone could tick at any time. Now the risk is a record — date, signs,
measures, whom it was reported to and who took the report, outcome — on a case or on a
screening item, and a prevention (防止民转刑 / 防止群体性上访 / 防止自杀 / 防止械斗, with the
persons concerned) is claimed on such a record only. The case's two old checkboxes follow
the events: a claim on an event ticks them, and ticking them by hand needs an event that claims
the same (:func:`check_claims`, called by ``Services.edit_case``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session, col, select

from mediator.core.checks import clean_text, optional_text
from mediator.core.enums import EventKind, Prevention
from mediator.core.errors import DomainError, NotFoundError, ValidationError
from mediator.core.models import Case, RiskEvent, ScreeningItem, Setting, utcnow
from mediator.core.validate import MAX_NAME, normalise_line
from mediator.i18n import t

#: the case's own checkbox for each prevention that has one (the other two exist only on events)
CASE_FLAGS = {Prevention.CRIMINAL: "prevented_criminal", Prevention.PETITION: "prevented_petition"}


@dataclass
class RiskInput:
    """One escalation risk. Exactly one of ``case_id`` / ``item_id``. ``prevented``: what it
    prevented (may stay empty while the risk is still being handled)."""

    signs: str
    measures: str
    case_id: str | None = None
    item_id: str | None = None
    occurred_on: date | None = None
    reported_to: str = ""
    receiver: str | None = None
    reported_on: date | None = None
    outcome: str = ""
    prevented: Sequence[Prevention] = field(default_factory=tuple)
    prevented_persons: int = 0


@dataclass(frozen=True)
class RiskRow:
    id: str
    case_id: str | None
    item_id: str | None
    occurred_on: date
    signs: str
    measures: str
    reported_to: str
    receiver: str | None
    reported_on: date | None
    outcome: str
    prevented: tuple[str, ...]
    prevented_persons: int


def _row(e: RiskEvent) -> RiskRow:
    return RiskRow(e.id, e.case_id, e.item_id, e.occurred_on, e.signs, e.measures, e.reported_to,
                   e.receiver, e.reported_on, e.outcome,
                   tuple(p for p in e.prevented.split(",") if p), e.prevented_persons)


def claimed(s: Session, case_id: str) -> set[str]:
    """What the risk events on a case claim to have prevented (Prevention names)."""
    rows = s.exec(select(RiskEvent.prevented).where(RiskEvent.case_id == case_id,
                                                    RiskEvent.deleted == False)).all()
    return {p for value in rows for p in value.split(",") if p}


def check_claims(s: Session, case: Case, changes: dict[str, Any]) -> None:
    """Ticking 防止民转刑 / 防止群体性上访 on a case needs a recorded risk event claiming it."""
    wanted = [kind for kind, flag in CASE_FLAGS.items() if changes.get(flag)]
    if not wanted:
        return
    have = claimed(s, case.id)
    for kind in wanted:
        if kind.name not in have:
            raise ValidationError(t("risk.claim_needs_event", what=kind.label), CASE_FLAGS[kind])


class Risks:
    """The 激化风险 use cases (one transaction each), on a :class:`Services`' database."""

    def __init__(self, services: Any) -> None:
        """``services``: a :class:`mediator.core.services.Services` (not imported here:
        ``Services.edit_case`` imports this module for :func:`check_claims`)."""
        self.svc = services

    def record(self, data: RiskInput) -> RiskRow:
        """Record an escalation risk and what it prevented. A claim needs the report (to whom:
        人民调解法 §25), the outcome and at least one person concerned."""
        if bool(data.case_id) == bool(data.item_id):
            raise ValidationError(t("risk.target_required"), "case_id")
        signs, measures = clean_text(data.signs, 2000), clean_text(data.measures, 2000)
        outcome = clean_text(data.outcome, 2000)
        reported_to = normalise_line(data.reported_to)
        receiver = optional_text(normalise_line(data.receiver))
        if not signs:
            raise ValidationError(t("risk.signs_required"), "signs")
        if not measures:
            raise ValidationError(t("risk.measures_required"), "measures")
        if len(reported_to) > MAX_NAME or (receiver and len(receiver) > MAX_NAME):
            raise ValidationError(t("svc.too_long", limit=MAX_NAME), "reported_to")
        kinds = sorted({Prevention(p) for p in data.prevented}, key=list(Prevention).index)
        persons = int(data.prevented_persons or 0)
        if persons < 0:
            raise ValidationError(t("risk.persons_negative"), "prevented_persons")
        if kinds:
            if not reported_to:
                raise ValidationError(t("risk.claim_needs_report"), "reported_to")
            if not outcome:
                raise ValidationError(t("risk.claim_needs_outcome"), "outcome")
            if persons < 1:
                raise ValidationError(t("risk.claim_needs_persons"), "prevented_persons")
        today = self.svc.today()
        occurred = data.occurred_on or today
        if occurred > today:
            raise ValidationError(t("scr.date_future", date=occurred.isoformat()), "occurred_on")
        if data.reported_on is not None:
            if not reported_to:
                raise ValidationError(t("risk.reported_on_needs_whom"), "reported_to")
            if not occurred <= data.reported_on <= today:
                raise ValidationError(t("risk.reported_on_range", date=occurred.isoformat()),
                                      "reported_on")
        with self.svc.db.write() as s:
            own = s.get(Setting, "office_code")
            case: Case | None = None
            if data.case_id:
                case = self.svc._case(s, data.case_id)
                owner = case.owner_code
                if occurred < case.registered_on:
                    raise ValidationError(t("svc.date_before_registration",
                                            date=case.registered_on.isoformat()), "occurred_on")
            else:
                item = s.get(ScreeningItem, data.item_id)
                if item is None or item.deleted:
                    raise NotFoundError(t("scr.item_not_found", id=data.item_id))
                if own is not None and item.owner_code != own.value:
                    raise DomainError(t("scr.read_only"))
                owner = item.owner_code
                if occurred < item.found_on:
                    raise ValidationError(t("scr.disposed_before_found",
                                            date=item.found_on.isoformat()), "occurred_on")
            event = RiskEvent(owner_code=owner, case_id=data.case_id or None,
                              item_id=data.item_id or None, occurred_on=occurred, signs=signs,
                              measures=measures, reported_to=reported_to, receiver=receiver,
                              reported_on=data.reported_on, outcome=outcome,
                              prevented=",".join(k.name for k in kinds),
                              prevented_persons=persons, operator=self.svc.operator)
            s.add(event)
            s.flush()
            if case is not None:
                before = case.model_dump(mode="json")
                for kind in kinds:
                    if kind in CASE_FLAGS:
                        setattr(case, CASE_FLAGS[kind], True)
                summary = t("risk.ev.summary", to=reported_to or t("risk.not_reported"))
                if kinds:
                    summary += t("risk.ev.prevented", what="、".join(k.label for k in kinds),
                                 n=persons)
                self.svc._event(s, case, EventKind.NOTE, occurred, summary,
                                "\n".join(x for x in (signs, measures, outcome) if x))
                from mediator.core import followups  # a case ended at risk: 稳控回访

                followups.after_ending_at_risk(self.svc, s, case, occurred)
                case.revision += 1
                case.updated_at = utcnow()
                self.svc._refresh(s, case)
                self.svc._audit(s, "case.risk", "case", case.id, before, case.model_dump(mode="json"))
            self.svc._audit(s, "risk.record", "risk_event", event.id, None,
                            event.model_dump(mode="json"))
            return _row(event)

    def for_case(self, case_id: str) -> list[RiskRow]:
        with self.svc.db.read() as s:
            return [_row(e) for e in s.exec(select(RiskEvent).where(
                RiskEvent.case_id == case_id, RiskEvent.deleted == False)
                .order_by(col(RiskEvent.occurred_on), col(RiskEvent.created_at))).all()]

    def for_item(self, item_id: str) -> list[RiskRow]:
        with self.svc.db.read() as s:
            return [_row(e) for e in s.exec(select(RiskEvent).where(
                RiskEvent.item_id == item_id, RiskEvent.deleted == False)
                .order_by(col(RiskEvent.occurred_on), col(RiskEvent.created_at))).all()]
