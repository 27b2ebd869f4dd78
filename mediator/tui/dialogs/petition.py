"""The 信访 dialogs of the case file (core/petition.py): 信访件登记, 书面告知, 异议退回, 信访延期,
书面答复, 反馈, 评价, 复查/复核 (申请 and 意见).

Each one parses its fields and calls one Services method; what the service refuses (an
extension without its approver, a reply before acceptance) is shown under its field and
nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.widgets import Static

from mediator.core.enums import PetitionChannel
from mediator.core.petition import OVER_LEVELS, Evaluation, Level, PetitionInput
from mediator.core.services import CaseFile, Outcome
from mediator.i18n import t
from mediator.tui.dialogs.base import plain_input
from mediator.tui.dialogs.case_actions import CaseDialog, SimpleCaseDialog
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.form import FormField, date_input, int_input
from mediator.tui.widgets.picker import CycleChoice

#: the case file's action keys of the petition dialogs, in the order they are offered
RECORD = "PETITION_RECORD"
NOTICE = "PETITION_NOTICE"
OBJECT = "PETITION_OBJECT"
EXTEND = "PETITION_EXTEND"
REPLY = "PETITION_REPLY"
FEEDBACK = "PETITION_FEEDBACK"
EVALUATE = "PETITION_EVALUATE"
REVIEW = "PETITION_REVIEW"
DECIDE = "PETITION_DECIDE"
KEYS = (RECORD, NOTICE, OBJECT, EXTEND, REPLY, FEEDBACK, EVALUATE, REVIEW, DECIDE)


def offered(cf: CaseFile) -> list[str]:
    """The petition actions a case offers now: 登记 for a 信访转交 case without its record
    (or to correct it), then each step as the record's dates allow."""
    from mediator.core.enums import CaseSource

    case, p = cf.case, cf.petition
    if p is None:
        return [RECORD] if case.source == CaseSource.PETITION.name else []
    out = [RECORD]
    if p.notice_on is None and p.objection_on is None:
        out += [NOTICE, OBJECT]
    if p.accepted_on is not None and p.reply_on is None:
        if not p.extension_days:
            out.append(EXTEND)
        out.append(REPLY)
    if p.from_body:
        out.append(FEEDBACK)
    if p.reply_on is not None:
        out.append(EVALUATE)
    review_open = (p.review_requested_on and not p.review_decided_on) or (
        p.rereview_requested_on and not p.rereview_decided_on)
    if review_open:
        out.append(DECIDE)
    elif (p.reply_on is not None and p.review_requested_on is None) or (
            p.review_decided_on is not None and p.rereview_requested_on is None):
        out.append(REVIEW)
    return out


def label(key: str) -> str:
    return t(f"petition.action.{key}")


class PetitionRecordDialog(CaseDialog):
    """信访件登记: number, sender, dates, flags and the 首办责任人."""

    action_title = ""

    def __init__(self, cf: CaseFile) -> None:
        self.action_title = label(RECORD)
        super().__init__(cf)

    def form(self) -> ComposeResult:
        p = self.cf.petition
        case = self.cf.case
        received = (p.received_on if p else case.petition_received_on) or self.today()
        yield self.date_field("received_on", t("petition.f.received_on_label"),
                              received.isoformat())
        yield FormField(t("petition.f.petition_no"),
                        plain_input(p.petition_no or "" if p else "", id="f-petition_no"),
                        field_name="petition_no")
        yield FormField(t("petition.f.from_body"),
                        plain_input(p.from_body or "" if p else "", id="f-from_body"),
                        field_name="from_body")
        channel = (p.channel if p else case.petition_channel) or ""
        yield FormField(t("petition.f.channel"),
                        CycleChoice([(t("petition.f.none"), None)]
                                    + [(c.label, c.name) for c in PetitionChannel],
                                    channel or None, id="f-channel"),
                        field_name="channel")
        yield FormField(t("petition.f.first_handler"),
                        plain_input(p.first_handler or "" if p else "", id="f-first_handler"),
                        field_name="first_handler")
        yield FormField(t("petition.f.over_level"),
                        CycleChoice([(t("petition.f.none"), None)]
                                    + [(t(f"petition.level_visited.{lv}"), lv)
                                       for lv in OVER_LEVELS],
                                    p.over_level if p else None, id="f-over_level"),
                        field_name="over_level")
        yield Checkbox(t("petition.f.assigned"), bool(p and p.assigned), id="f-assigned")
        yield Checkbox(t("petition.f.first_visit"), bool(p and p.first_visit), id="f-first_visit")
        yield Checkbox(t("petition.f.repeat_visit"), bool(p and p.repeat_visit),
                       id="f-repeat_visit")
        yield Checkbox(t("petition.f.collective"), bool(p and p.collective), id="f-collective")
        yield FormField(t("petition.f.persons"),
                        int_input(str(p.persons) if p else "0", field_name="persons",
                                  label=t("petition.f.persons"), id="f-persons"),
                        field_name="persons")
        yield FormField(t("petition.f.representatives"),
                        int_input(str(p.representatives) if p else "0",
                                  field_name="representatives",
                                  label=t("petition.f.representatives"), id="f-representatives"),
                        field_name="representatives")

    def build(self) -> Callable[[], Outcome]:
        data = PetitionInput(
            received_on=self.on_date("received_on"),
            petition_no=self.text("petition_no"), from_body=self.text("from_body"),
            assigned=self.checked("f-assigned"),
            channel=self.query_one("#f-channel", CycleChoice).value or None,
            first_handler=self.text("first_handler"),
            first_visit=self.checked("f-first_visit"),
            repeat_visit=self.checked("f-repeat_visit"),
            over_level=self.query_one("#f-over_level", CycleChoice).value or None,
            collective=self.checked("f-collective"),
            persons=self.parsed("persons") or 0,
            representatives=self.parsed("representatives") or 0)
        return lambda: self.services.record_petition(self.case_id, data)


class _PetitionStep(SimpleCaseDialog):
    key = ""

    def __init__(self, cf: CaseFile) -> None:
        self.action_title = label(self.key)
        super().__init__(cf)


class PetitionNoticeDialog(_PetitionStep):
    """书面告知 受理 (the 60 days start) or 不予受理 (closed)."""

    key = NOTICE
    text_name = None

    def extra_fields(self) -> ComposeResult:
        yield Static(Text(t("petition.notice_hint")), classes="dialog-hint")
        yield Checkbox(t("petition.f.not_accepted"), False, id="f-not_accepted")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        accepted = not self.checked("f-not_accepted")
        return lambda: self.services.petition_notice(self.case_id, accepted, on)


class PetitionObjectDialog(_PetitionStep):
    key = OBJECT
    text_name = "reason"
    text_label = "petition.f.objection_reason"
    text_required = True

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.petition_object(self.case_id, text, on)


class PetitionExtendDialog(_PetitionStep):
    """信访延期: days (≤30), the approving 负责人, the reason and when the petitioner was told."""

    key = EXTEND
    text_name = "reason"
    text_label = "petition.f.extension_reason"
    text_required = True
    text_lines = 2

    def extra_fields(self) -> ComposeResult:
        yield FormField(t("petition.f.days"),
                        int_input("30", field_name="days", label=t("petition.f.days"),
                                  minimum=1, id="f-days"),
                        field_name="days", required=True)
        yield FormField(t("petition.f.approver"), plain_input(id="f-approver"),
                        field_name="approver", required=True)
        yield FormField(t("petition.f.told_on"),
                        date_input(self.today().isoformat(), today=self.today, id="f-told_on",
                                   field_name="told_on"),
                        field_name="told_on", required=True)

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        days = self.parsed("days", required=True)
        approver = self.text("approver")
        told = self.parsed("told_on", required=True)
        return lambda: self.services.petition_extend(self.case_id, days, approver, text, told, on)


class PetitionReplyDialog(_PetitionStep):
    key = REPLY
    text_name = "content"
    text_label = "petition.f.reply_content"
    text_required = True
    text_lines = 6

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.petition_reply(self.case_id, text, on)


class PetitionFeedbackDialog(_PetitionStep):
    key = FEEDBACK
    text_name = "note"
    text_label = "petition.f.feedback_note"
    text_required = True

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.petition_feedback(self.case_id, text, on)


class PetitionEvaluateDialog(_PetitionStep):
    key = EVALUATE
    text_name = None
    with_date = False

    def extra_fields(self) -> ComposeResult:
        p = self.cf.petition
        yield FormField(t("petition.f.evaluation"),
                        CycleChoice([(e.label, e.name) for e in Evaluation],
                                    (p.evaluation if p else None) or Evaluation.SATISFIED.name,
                                    id="f-evaluation"),
                        field_name="evaluation")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        value = Evaluation(self.query_one("#f-evaluation", CycleChoice).value
                           or Evaluation.SATISFIED.name)
        return lambda: self.services.petition_evaluate(self.case_id, value)


def _level(cf: CaseFile) -> Level:
    p = cf.petition
    return Level.REVIEW if p is None or p.review_decided_on is None else Level.REREVIEW


class PetitionReviewDialog(_PetitionStep):
    """复查 (after the reply) or 复核 (after the 复查): requested on a date."""

    key = REVIEW
    text_name = None

    def extra_fields(self) -> ComposeResult:
        yield Static(Text(t("petition.review_hint", level=_level(self.cf).label)),
                     classes="dialog-hint")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        level = _level(self.cf)
        return lambda: self.services.petition_review_request(self.case_id, level, on)


class PetitionDecideDialog(_PetitionStep):
    key = DECIDE
    text_name = "result"
    text_label = "petition.f.review_result"
    text_required = True
    text_lines = 4

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        p = self.cf.petition
        level = Level.REREVIEW if p is not None and p.rereview_requested_on else Level.REVIEW
        return lambda: self.services.petition_review_decide(self.case_id, level, text, on)


CONSENT = "CONSENT"


class ConsentDialog(SimpleCaseDialog):
    """当事人意愿 before 受理 (人民调解法 §17): agreed orally / in writing, no objection (主动
    调解), or refused - a case with a refusal cannot be accepted."""

    action_title = ""
    text_name = None

    def __init__(self, cf: CaseFile) -> None:
        self.action_title = t("casefile.action.CONSENT")
        super().__init__(cf)

    def extra_fields(self) -> ComposeResult:
        from mediator.core.enums import ConsentForm

        yield FormField(t("caseact.f.party"),
                        CycleChoice([(p.name, p.id) for p in self.cf.parties],
                                    self.cf.parties[0].id if self.cf.parties else None,
                                    id="f-party"),
                        field_name="party")
        yield FormField(t("caseact.f.consent_form"),
                        CycleChoice([(c.label, c.name) for c in ConsentForm],
                                    ConsentForm.ORAL.name, id="f-consent_form"),
                        field_name="consent_form")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        from mediator.core.enums import ConsentForm

        party = self.query_one("#f-party", CycleChoice).value or ""
        form = ConsentForm(self.query_one("#f-consent_form", CycleChoice).value
                           or ConsentForm.ORAL.name)
        return lambda: self.services.record_consent(party, form, on)


DIALOGS: dict[str, type[CaseDialog]] = {
    RECORD: PetitionRecordDialog,
    NOTICE: PetitionNoticeDialog,
    OBJECT: PetitionObjectDialog,
    EXTEND: PetitionExtendDialog,
    REPLY: PetitionReplyDialog,
    FEEDBACK: PetitionFeedbackDialog,
    EVALUATE: PetitionEvaluateDialog,
    REVIEW: PetitionReviewDialog,
    DECIDE: PetitionDecideDialog,
}

__all__ = ["DIALOGS", "KEYS", "label", "offered"]
