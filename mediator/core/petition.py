"""信访 matters: the petition record of a case and its clocks (信访工作条例, 2022; issue 25).

A dispute handed over as a petition (信访转交 / 交办) carries obligations of its own, separate
from the mediation's one month:

- within 15 days of receipt the petitioner is told in writing whether the matter is accepted
  (书面告知); a body that holds the matter is not its to handle objects to the transfer within
  5 working days (counted by :mod:`core.workdays`, holidays and 调休 included);
- the matter is completed within 60 days of its acceptance, extendable once by at most 30
  days, approved by the 负责人 and told to the petitioner with the reason; a mediation
  extension (双方同意) is another thing and leaves this clock alone;
- the written reply (书面答复) closes it, whatever the mediation did: an agreement leaves the
  matter open until its reply; a 交办 matter also owes its result to the assigning body;
- 复查 and 复核: each requested within 30 days of the previous answer and decided within 30
  days of the request, each reopening the matter until decided.

The pure part (:class:`PetitionFacts`, :func:`deadlines`, :func:`warnings`) is used by
``core.rules``; :class:`PetitionUseCases` holds the use cases, one transaction each, mixed
into ``Services``. Flags (初信初访, 重复访, 越级访, 集体访) describe the matter and never
restrict a petitioner.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from mediator.core import workdays
from mediator.core.errors import DomainError, ValidationError, ValidationErrors
from mediator.i18n import t

if TYPE_CHECKING:
    from sqlmodel import Session

    from mediator.core.inputs import CaseResult
    from mediator.core.models import Case, Petition

NOTICE_DAYS = 15
OBJECTION_WORKDAYS = 5
COMPLETE_DAYS = 60
MAX_EXTENSION_DAYS = 30
REVIEW_REQUEST_DAYS = 30
REVIEW_DECIDE_DAYS = 30
#: 重复访 is suggested for the same party and type within this many days (setting
#: ``petition.repeat_days``)
REPEAT_DAYS_DEFAULT = 365
REPEAT_SETTING = "petition.repeat_days"


class Evaluation(str, enum.Enum):
    """The petitioner's evaluation of the handling (满意度评价)."""

    SATISFIED = "SATISFIED"
    BASIC = "BASIC"
    UNSATISFIED = "UNSATISFIED"

    @property
    def label(self) -> str:
        return t(f"petition.eval.{self.name}")


class Level(str, enum.Enum):
    """复查 (first) or 复核 (second) of a petition's answer."""

    REVIEW = "REVIEW"
    REREVIEW = "REREVIEW"

    @property
    def label(self) -> str:
        return t(f"petition.level.{self.name}")


class Close(str, enum.Enum):
    """Why a petition matter is closed."""

    NOT_ACCEPTED = "NOT_ACCEPTED"  # told in writing it is not accepted
    OBJECTED = "OBJECTED"          # returned to the transferring body (异议)
    REPLIED = "REPLIED"            # written reply given
    REVIEWED = "REVIEWED"          # 复查 decided
    REREVIEWED = "REREVIEWED"      # 复核 decided
    LEGACY = "LEGACY"              # closed with its case before petition records existed

    @property
    def label(self) -> str:
        return t(f"petition.close.{self.name}")


class Stage(str, enum.Enum):
    """Where a petition matter stands (derived from its dates)."""

    RECEIVED = "RECEIVED"
    HANDLING = "HANDLING"
    REVIEWING = "REVIEWING"
    REREVIEWING = "REREVIEWING"
    CLOSED = "CLOSED"

    @property
    def label(self) -> str:
        return t(f"petition.stage.{self.name}")


@dataclass(frozen=True)
class PetitionFacts:
    """What the clocks need of a petition record (model instance or dict, see from_row)."""

    received_on: date
    notice_on: date | None = None
    not_accepted: bool = False
    objection_on: date | None = None
    accepted_on: date | None = None
    extension_days: int = 0
    reply_on: date | None = None
    assigned: bool = False
    feedback_on: date | None = None
    review_requested_on: date | None = None
    review_decided_on: date | None = None
    rereview_requested_on: date | None = None
    rereview_decided_on: date | None = None
    closed_on: date | None = None

    @classmethod
    def from_row(cls, row: Any) -> PetitionFacts:
        get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
        values: dict[str, Any] = {f.name: get(f.name) for f in fields(cls)}
        return cls(**values)

    @property
    def stage(self) -> Stage:
        if self.closed_on is not None:
            return Stage.CLOSED
        if self.rereview_requested_on and not self.rereview_decided_on:
            return Stage.REREVIEWING
        if self.review_requested_on and not self.review_decided_on:
            return Stage.REVIEWING
        if self.accepted_on is not None:
            return Stage.HANDLING
        return Stage.RECEIVED


def notice_due(received_on: date) -> date:
    """书面告知 within 15 days of receipt."""
    return received_on + timedelta(days=NOTICE_DAYS)


def objection_due(received_on: date) -> date:
    """异议 to the transfer within 5 working days of receipt (holidays and 调休 counted)."""
    return workdays.calendar().add_workdays(received_on, OBJECTION_WORKDAYS)


def complete_due(accepted_on: date, extension_days: int = 0) -> date:
    """办结 within 60 days of the petition's acceptance, plus its approved extension."""
    return accepted_on + timedelta(days=COMPLETE_DAYS + extension_days)


def review_decide_due(requested_on: date) -> date:
    return requested_on + timedelta(days=REVIEW_DECIDE_DAYS)


def review_request_until(answered_on: date) -> date:
    return answered_on + timedelta(days=REVIEW_REQUEST_DAYS)


def clocks(p: PetitionFacts) -> list[tuple[str, date, bool]]:
    """The open clocks of a petition: (DeadlineKind name, due, optional). Optional: the
    objection window (only if the matter is not the office's to handle)."""
    out: list[tuple[str, date, bool]] = []
    stage = p.stage
    if stage is Stage.RECEIVED and p.notice_on is None and p.objection_on is None:
        out.append(("PETITION_NOTICE", notice_due(p.received_on), False))
        out.append(("PETITION_OBJECTION", objection_due(p.received_on), True))
    elif stage is Stage.HANDLING and p.accepted_on is not None and p.reply_on is None:
        out.append(("PETITION_COMPLETE", complete_due(p.accepted_on, p.extension_days), False))
    elif stage is Stage.REVIEWING and p.review_requested_on:
        out.append(("PETITION_REVIEW", review_decide_due(p.review_requested_on), False))
    elif stage is Stage.REREVIEWING and p.rereview_requested_on:
        out.append(("PETITION_REREVIEW", review_decide_due(p.rereview_requested_on), False))
    return out


def warnings(p: PetitionFacts, today: date) -> list[str]:
    """What the officer must see: a matter answered but not yet closed (the reply missing
    after the mediation ended is said by the clock itself); a 交办 matter whose result was
    not fed back to the assigning body."""
    out = []
    if p.assigned and p.reply_on is not None and p.feedback_on is None:
        out.append(t("petition.warn.feedback_missing"))
    if p.stage is Stage.RECEIVED and p.notice_on is None and p.objection_on is None \
            and today > notice_due(p.received_on):
        out.append(t("petition.warn.notice_late", days=(today - notice_due(p.received_on)).days))
    return out


# --- use cases ---------------------------------------------------------------------------


def current_petition(s: Session, case_id: str) -> Petition | None:
    """The case's petition record (信访件), if it came in as one."""
    from sqlmodel import col, select

    from mediator.core.models import Petition

    return s.exec(select(Petition).where(Petition.case_id == case_id,
                                         Petition.deleted == False)
                  .order_by(col(Petition.created_at))).first()


def _text(value: str | None, limit: int = 20000) -> str:
    """Text typed into a petition form (a reply, a decision): normalised, within limits."""
    from mediator.core.validate import normalise_text

    value = normalise_text(value)
    if len(value) > limit:
        raise ValidationError(t("svc.too_long", limit=limit))
    return value


@dataclass(frozen=True)
class PetitionInput:
    """The petition record's facts as registered (信访件登记)."""

    received_on: date
    petition_no: str | None = None
    from_body: str | None = None
    assigned: bool = False
    channel: str | None = None
    first_handler: str | None = None
    first_visit: bool = False
    repeat_visit: bool = False
    over_level: str | None = None
    collective: bool = False
    persons: int = 0
    representatives: int = 0


#: 越级访: the level the petitioner went to, skipping this one
OVER_LEVELS = ("COUNTY", "CITY", "PROVINCE", "NATIONAL")


class PetitionUseCases:
    """The petition use cases of ``Services`` (mixed in): one transaction each, through
    ``Services._change`` (audit, the case's nearest deadline refreshed)."""

    # provided by Services
    today: Callable[[], date]
    _change: Callable[..., CaseResult]
    _audit: Callable[..., None]

    def _petition(self, s: Session, case: Case, *, required: bool = True) -> Petition | None:
        row = current_petition(s, case.id)
        if row is None and required:
            raise DomainError(t("petition.none", case=case.case_no))
        return row

    def _day(self, on: date | None, not_before: date | None, field: str,
             before_name: str = "") -> date:
        on = on or self.today()
        if on > self.today():
            raise ValidationError(t("svc.date_in_future"), field)
        if not_before is not None and on < not_before:
            raise ValidationError(t("petition.date_before", what=before_name,
                                    date=not_before.isoformat()), field)
        return on

    def _petition_change(self, case_id: str, action: str,
                         work: Callable[[Session, Case, Petition], list[str] | None]
                         ) -> CaseResult:
        from mediator.core.models import utcnow

        def outer(s: Session, case: Case) -> list[str]:
            p = self._petition(s, case)
            assert p is not None
            before = p.model_dump(mode="json")
            out = work(s, case, p) or []
            p.revision += 1
            p.updated_at = utcnow()
            s.add(p)
            self._audit(s, action, "petition", p.id, before, p.model_dump(mode="json"))
            return out
        return self._change(case_id, action, outer)

    def record_petition(self, case_id: str, data: PetitionInput) -> CaseResult:
        """信访件登记: create the case's petition record, or correct its registered facts."""
        from mediator.core.enums import PetitionChannel
        from mediator.core.models import Petition
        from mediator.core.validate import normalise_line

        problems: list[ValidationError] = []
        received = data.received_on
        if received > self.today():
            problems.append(ValidationError(t("svc.date_in_future"), "received_on"))
        if data.channel is not None and data.channel not in PetitionChannel.__members__:
            problems.append(ValidationError(t("petition.bad_channel"), "channel"))
        if data.over_level is not None and data.over_level not in OVER_LEVELS:
            problems.append(ValidationError(t("petition.bad_level"), "over_level"))
        if data.persons < 0 or data.representatives < 0:
            problems.append(ValidationError(t("petition.bad_count"), "persons"))
        if data.collective and data.persons < 5:
            problems.append(ValidationError(t("petition.collective_persons"), "persons"))
        if data.representatives > 5:
            problems.append(ValidationError(t("petition.too_many_representatives"),
                                            "representatives"))
        if data.assigned and not normalise_line(data.from_body or ""):
            problems.append(ValidationError(t("petition.assigned_needs_body"), "from_body"))
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise ValidationErrors(problems)
        values: dict[str, Any] = dict(
            petition_no=normalise_line(data.petition_no or "") or None,
            from_body=normalise_line(data.from_body or "") or None,
            assigned=data.assigned, channel=data.channel, received_on=received,
            first_handler=normalise_line(data.first_handler or "") or None,
            first_visit=data.first_visit, repeat_visit=data.repeat_visit,
            over_level=data.over_level, collective=data.collective,
            persons=data.persons, representatives=data.representatives)

        def work(s: Session, case: Case) -> None:
            from mediator.core.models import utcnow

            p = self._petition(s, case, required=False)
            if p is None:
                p = Petition(owner_code=case.owner_code, case_id=case.id, **values)
                s.add(p)
                s.flush()
                self._audit(s, "petition.record", "petition", p.id, None,
                            p.model_dump(mode="json"))
            else:
                if p.notice_on is not None and received > p.notice_on:
                    raise ValidationError(t("petition.received_after_notice",
                                            date=p.notice_on.isoformat()), "received_on")
                before = p.model_dump(mode="json")
                for k, v in values.items():
                    setattr(p, k, v)
                p.revision += 1
                p.updated_at = utcnow()
                s.add(p)
                self._audit(s, "petition.edit", "petition", p.id, before,
                            p.model_dump(mode="json"))
            # the case's own petition columns follow (the list, reports, older readers)
            case.petition_received_on = received
            case.petition_channel = data.channel
        return self._change(case_id, "petition.record", work)

    def petition_notice(self, case_id: str, accepted: bool = True, on: date | None = None
                        ) -> CaseResult:
        """书面告知: the matter accepted (its 60 days start) or not accepted (closed)."""
        def work(s: Session, case: Case, p: Petition) -> list[str]:
            if p.notice_on is not None or p.objection_on is not None:
                raise DomainError(t("petition.already_noticed"))
            d = self._day(on, p.received_on, "on", t("petition.f.received_on"))
            p.notice_on = d
            if accepted:
                p.accepted_on = d
            else:
                p.not_accepted = True
                p.closed_on, p.close_reason = d, Close.NOT_ACCEPTED.name
            late = (d - notice_due(p.received_on)).days
            return [t("petition.warn.notice_late", days=late)] if late > 0 else []
        return self._petition_change(case_id, "petition.notice", work)

    def petition_object(self, case_id: str, reason: str, on: date | None = None) -> CaseResult:
        """异议: the matter is not this office's; returned to the transferring body."""
        from mediator.core.validate import normalise_text

        reason = normalise_text(reason)
        if not reason:
            raise ValidationError(t("svc.reason_required"), "reason")

        def work(s: Session, case: Case, p: Petition) -> list[str]:
            if p.notice_on is not None or p.objection_on is not None:
                raise DomainError(t("petition.already_noticed"))
            d = self._day(on, p.received_on, "on", t("petition.f.received_on"))
            p.objection_on, p.objection_reason = d, reason
            p.closed_on, p.close_reason = d, Close.OBJECTED.name
            due = objection_due(p.received_on)
            return [t("petition.warn.objection_late", date=due.isoformat())] if d > due else []
        return self._petition_change(case_id, "petition.object", work)

    def petition_extend(self, case_id: str, days: int, approver: str, reason: str,
                        told_on: date | None, on: date | None = None) -> CaseResult:
        """延期办理: once, at most 30 days, approved by a named 负责人, the reason told to the
        petitioner (date recorded). Separate from a mediation's 延期."""
        from mediator.core.validate import normalise_line, normalise_text

        approver, reason = normalise_line(approver or ""), normalise_text(reason or "")
        problems = []
        if not 1 <= days <= MAX_EXTENSION_DAYS:
            problems.append(ValidationError(t("petition.extension_days"), "days"))
        if not approver:
            problems.append(ValidationError(t("petition.approver_required"), "approver"))
        if not reason:
            problems.append(ValidationError(t("svc.reason_required"), "reason"))
        if told_on is None:
            problems.append(ValidationError(t("petition.told_required"), "told_on"))
        if len(problems) == 1:
            raise problems[0]
        if problems:
            raise ValidationErrors(problems)
        assert told_on is not None

        def work(s: Session, case: Case, p: Petition) -> None:
            if p.accepted_on is None or p.closed_on is not None or p.reply_on is not None:
                raise DomainError(t("petition.extend_not_handling"))
            if p.extension_days:
                raise DomainError(t("petition.extend_once",
                                    date=(p.extended_on or p.accepted_on).isoformat()))
            d = self._day(on, p.accepted_on, "on", t("petition.f.accepted_on"))
            due = complete_due(p.accepted_on)
            if d > due:
                raise ValidationError(t("petition.extend_after_due", date=due.isoformat()), "on")
            told = self._day(told_on, d, "told_on", t("petition.f.extended_on"))
            p.extension_days, p.extended_on = days, d
            p.extension_approver, p.extension_reason, p.extension_told_on = approver, reason, told
        return self._petition_change(case_id, "petition.extend", work)

    def petition_reply(self, case_id: str, content: str, on: date | None = None) -> CaseResult:
        """书面答复: closes the matter (whatever the mediation did); a 交办 matter is then
        to be fed back to its body."""
        content = _text(content)
        if not content:
            raise ValidationError(t("svc.content_required"), "content")

        def work(s: Session, case: Case, p: Petition) -> list[str]:
            if p.accepted_on is None:
                raise DomainError(t("petition.reply_not_accepted"))
            if p.reply_on is not None:
                raise DomainError(t("petition.already_replied", date=p.reply_on.isoformat()))
            d = self._day(on, p.accepted_on, "on", t("petition.f.accepted_on"))
            p.reply_on, p.reply_content = d, content
            p.closed_on, p.close_reason = d, Close.REPLIED.name
            out = []
            due = complete_due(p.accepted_on, p.extension_days)
            if d > due:
                out.append(t("petition.warn.reply_late", days=(d - due).days))
            if p.assigned and p.feedback_on is None:
                out.append(t("petition.warn.feedback_missing"))
            return out
        return self._petition_change(case_id, "petition.reply", work)

    def petition_feedback(self, case_id: str, note: str, on: date | None = None) -> CaseResult:
        """反馈: the result reported to the body that transferred or assigned the matter."""
        note = _text(note)
        if not note:
            raise ValidationError(t("svc.content_required"), "note")

        def work(s: Session, case: Case, p: Petition) -> None:
            if p.from_body is None:
                raise DomainError(t("petition.feedback_no_body"))
            p.feedback_on = self._day(on, p.received_on, "on", t("petition.f.received_on"))
            p.feedback_note = note
        return self._petition_change(case_id, "petition.feedback", work)

    def petition_evaluate(self, case_id: str, evaluation: Evaluation) -> CaseResult:
        """满意度评价 of the petitioner, after the reply."""
        def work(s: Session, case: Case, p: Petition) -> None:
            if p.reply_on is None:
                raise DomainError(t("petition.evaluate_before_reply"))
            p.evaluation = Evaluation(evaluation).name
        return self._petition_change(case_id, "petition.evaluate", work)

    def petition_review_request(self, case_id: str, level: Level, on: date | None = None
                                ) -> CaseResult:
        """复查 (after the reply) or 复核 (after the 复查 decision) requested: within 30 days
        of the answer; the matter is open again until decided (30 days)."""
        def work(s: Session, case: Case, p: Petition) -> None:
            if level is Level.REVIEW:
                answered, taken = p.reply_on, p.review_requested_on
                missing = "petition.review_needs_reply"
            else:
                answered, taken = p.review_decided_on, p.rereview_requested_on
                missing = "petition.rereview_needs_review"
            if answered is None:
                raise DomainError(t(missing))
            if taken is not None:
                raise DomainError(t("petition.review_already", level=level.label,
                                    date=taken.isoformat()))
            d = self._day(on, answered, "on", t("petition.f.answered_on"))
            if d > review_request_until(answered):
                raise ValidationError(t("petition.review_too_late", level=level.label,
                                        date=review_request_until(answered).isoformat()), "on")
            if level is Level.REVIEW:
                p.review_requested_on = d
            else:
                p.rereview_requested_on = d
            p.closed_on, p.close_reason = None, None
        return self._petition_change(case_id, "petition.review_request", work)

    def petition_review_decide(self, case_id: str, level: Level, result: str,
                               on: date | None = None) -> CaseResult:
        """复查/复核意见: the decision closes the matter again."""
        result = _text(result)
        if not result:
            raise ValidationError(t("svc.content_required"), "result")

        def work(s: Session, case: Case, p: Petition) -> list[str]:
            requested = p.review_requested_on if level is Level.REVIEW else p.rereview_requested_on
            decided = p.review_decided_on if level is Level.REVIEW else p.rereview_decided_on
            if requested is None:
                raise DomainError(t("petition.review_not_requested", level=level.label))
            if decided is not None:
                raise DomainError(t("petition.review_decided", level=level.label,
                                    date=decided.isoformat()))
            d = self._day(on, requested, "on", t("petition.f.requested_on"))
            if level is Level.REVIEW:
                p.review_decided_on, p.review_result = d, result
                p.closed_on, p.close_reason = d, Close.REVIEWED.name
            else:
                p.rereview_decided_on, p.rereview_result = d, result
                p.closed_on, p.close_reason = d, Close.REREVIEWED.name
            due = review_decide_due(requested)
            return [t("petition.warn.review_late", level=level.label,
                      days=(d - due).days)] if d > due else []
        return self._petition_change(case_id, "petition.review_decide", work)

    def suggest_repeat(self, case_id: str) -> list[str]:
        """重复访 suggested: case numbers of other petitions of the same petitioner (an
        applicant with the same ID number, or the same name where no ID is known) and dispute type received within ``petition.repeat_days`` (default 365) before
        this one. A suggestion only: the officer decides."""
        from sqlalchemy import text

        with self.db.read() as s:  # type: ignore[attr-defined]
            from mediator.core.models import Case as CaseRow
            from mediator.core.models import Setting

            case = s.get(CaseRow, case_id)
            if case is None:
                return []
            setting = s.get(Setting, REPEAT_SETTING)
            try:
                days = int(setting.value) if setting else REPEAT_DAYS_DEFAULT
            except ValueError:
                days = REPEAT_DAYS_DEFAULT
            rows = s.exec(text(  # type: ignore[call-overload]
                "SELECT DISTINCT c.case_no FROM petition p JOIN dispute_case c ON c.id = p.case_id "
                "JOIN party o ON o.case_id = c.id AND o.deleted = 0 AND o.role = 'APPLICANT' "
                "JOIN party me ON me.case_id = :cid AND me.deleted = 0 AND me.role = 'APPLICANT' "
                "AND ((me.id_number IS NOT NULL AND me.id_number = o.id_number) "
                "     OR (me.id_number IS NULL AND me.name = o.name)) "
                "WHERE p.deleted = 0 AND c.deleted = 0 AND c.id <> :cid "
                "AND c.dispute_type = :dtype AND p.received_on >= :since "
                "ORDER BY c.case_no"),
                params={"cid": case_id, "dtype": case.dispute_type,
                        "since": (self.today() - timedelta(days=days)).isoformat()}).all()
            return [r[0] for r in rows]
