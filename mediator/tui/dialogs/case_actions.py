"""The dialogs of the lifecycle actions that need a date and a few words: 受理, 不予受理, 告知,
调解记录, 延期, 调解终止, 移交上报, 撤回, 归档, 备注, 督促履行, 重新调解, 告知起诉, 履行完毕.

Each one parses its fields, calls one Services method and closes with its Outcome. What the
service refuses (a date before registration, an action the state does not allow any more
because someone else changed the case) is shown inline and nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container
from textual.widgets import Static

from mediator.core.enums import RemediateReason, Route, TerminateReason
from mediator.core.errors import ValidationError
from mediator.core.rules import Action
from mediator.core.services import CaseFile, Outcome
from mediator.core.validate import normalise
from mediator.i18n import t
from mediator.tui.dialogs.base import ConfirmDialog, plain_input, text_area
from mediator.tui.dialogs.drafted import DraftedDialog
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.form import FormField, date_input
from mediator.tui.widgets.picker import CycleChoice


class CaseDialog(DraftedDialog[Outcome | None]):
    """A dialog acting on one case; the title names the action and the case. What is typed
    is kept as a draft until it is saved or discarded (dialogs/drafted.py)."""

    action: Action | None = None
    action_title: str = ""

    def __init__(self, cf: CaseFile) -> None:
        super().__init__()
        self.cf = cf
        self.case_id = cf.case.id
        name = self.action_title or (self.action.label if self.action else "")
        self.title_text = f"{name} · {cf.case.case_no}"

    def date_field(
        self, name: str = "on", label: str = "", value: str | None = None, required: bool = True
    ) -> FormField:
        return FormField(
            label or t("caseact.f.on"),
            date_input(
                self.today().isoformat() if value is None else value,
                today=self.today,
                id=f"f-{name}",
                field_name=name,
            ),
            field_name=name,
            required=required,
        )

    def on_date(self, name: str = "on") -> date:
        return self.parsed(name, required=True)


class RoutesBox(Container):
    """Checkboxes of the other routes the parties were told of (仲裁, 行政处理, 诉讼…), two to
    a row: in one row the English labels ran off an 80-column screen."""

    DEFAULT_CSS = """
    RoutesBox { height: auto; width: 1fr; layout: grid; grid-size: 2; grid-rows: 1;
                grid-columns: 1fr 1fr; }
    RoutesBox > Checkbox { border: none; padding: 0 1 0 0; margin: 0 1 0 0; width: auto; }
    """

    def __init__(self, checked: tuple[Route, ...] = (), *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._checked = checked

    def compose(self) -> ComposeResult:
        for r in Route:
            yield Checkbox(r.label, r in self._checked, id=f"route-{r.name}", compact=True)

    @property
    def value(self) -> list[Route]:
        return [r for r in Route if self.query_one(f"#route-{r.name}", Checkbox).value]


class SimpleCaseDialog(CaseDialog):
    """A date and one text."""

    text_name: str | None = "note"
    text_label: str = "caseact.f.note"
    text_required: bool = False
    text_lines: int = 3
    with_date: bool = True

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        raise NotImplementedError

    def extra_fields(self) -> ComposeResult:
        yield from ()

    def form(self) -> ComposeResult:
        yield from self.extra_fields()
        if self.text_name:
            widget = (
                text_area(id=f"f-{self.text_name}", height=self.text_lines)
                if self.text_lines > 1
                else plain_input(id=f"f-{self.text_name}")
            )
            yield FormField(
                t(self.text_label), widget, field_name=self.text_name, required=self.text_required
            )
        if self.with_date:
            yield self.date_field()

    def build(self) -> Callable[[], Outcome]:
        text = self.text(self.text_name) if self.text_name else ""
        if self.text_required and not normalise(text):
            raise ValidationError(t("caseact.required"), self.text_name)
        on = self.on_date() if self.with_date else None
        return self.call(text, on)


class AcceptDialog(SimpleCaseDialog):
    action = Action.ACCEPT
    text_name = None

    confirmed_no_consent = False

    def extra_fields(self) -> ComposeResult:
        yield Static(Text(t("caseact.accept_hint")), classes="dialog-hint")

    def without_consent(self) -> str:
        """The parties whose answer to mediation is not recorded (人民调解法 §17)."""
        return "、".join(p.name for p in self.cf.parties
                        if not p.deleted and not p.consent_form)

    def action_submit(self) -> None:
        """A party's answer not recorded: ask before accepting (the timeline notes it)."""
        names = self.without_consent()
        if self.busy or not names or self.confirmed_no_consent:
            super().action_submit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.confirmed_no_consent = True
                super(AcceptDialog, self).action_submit()

        self.app.push_screen(
            ConfirmDialog(t("caseact.accept_no_consent_title"),
                          t("caseact.accept_no_consent_message", names=names),
                          t("caseact.accept_no_consent_yes"), t("caseact.accept_no_consent_no")),
            answered)

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.accept_case(self.case_id, on)


class RefuseDialog(SimpleCaseDialog):
    action = Action.REFUSE
    text_name = "reason"
    text_label = "caseact.f.refuse_reason"
    text_required = True

    def form(self) -> ComposeResult:
        yield from super().form()
        yield FormField(t("caseact.f.routes_told"), RoutesBox(id="routes"), field_name="routes")
        # 不予受理 needs a route or the body the parties were sent to (issue 25)
        yield FormField(t("caseact.f.refuse_body"), plain_input(id="f-to_body"),
                        field_name="to_body")
        # with a recorded 激化风险: the 疏导措施 taken (the service says when it is required)
        yield FormField(t("caseact.f.refuse_measures"), plain_input(id="f-measures"),
                        field_name="measures")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        routes = self.query_one("#routes", RoutesBox).value
        body, measures = self.text("to_body"), self.text("measures")
        return lambda: self.services.refuse_case(self.case_id, text, routes, on, to_body=body,
                                                 measures=measures)


class NoticeDialog(SimpleCaseDialog):
    action = Action.NOTICE
    text_label = "caseact.f.notice_note"
    text_lines = 2

    def extra_fields(self) -> ComposeResult:
        yield Static(Text(t("caseact.notice_hint")), classes="dialog-hint")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.record_notice(self.case_id, on, text)


class SessionDialog(SimpleCaseDialog):
    action = Action.SESSION
    text_name = "content"
    text_label = "caseact.f.session_content"
    text_required = True
    text_lines = 7

    def extra_fields(self) -> ComposeResult:
        yield FormField(t("caseact.f.place"), plain_input(id="f-place"), field_name="place")
        yield FormField(
            t("caseact.f.participants"), plain_input(id="f-participants"), field_name="participants"
        )

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        place = self.text("place")
        participants = self.text("participants")
        return lambda: self.services.add_session(self.case_id, text, on, place, participants)


class ExtendDialog(SimpleCaseDialog):
    action = Action.EXTEND
    text_name = "consent"
    text_label = "caseact.f.consent"
    text_required = True
    text_lines = 2

    def extra_fields(self) -> ComposeResult:
        current = self.cf.case.deadline_on
        hint = t("caseact.extend_current", date=current.isoformat()) if current else ""
        yield FormField(
            t("caseact.f.new_deadline"),
            date_input(today=self.today, id="f-new_deadline", field_name="new_deadline"),
            field_name="new_deadline",
            required=True,
            hint=hint,
        )

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        new = self.parsed("new_deadline", required=True)
        return lambda: self.services.extend_case(self.case_id, new, text, on)


class TerminateDialog(SimpleCaseDialog):
    """调解不成: the case ends; the parties were told of the other routes."""

    action = Action.TERMINATE
    text_name = "reason"
    text_label = "caseact.f.fail_reason"
    text_required = True

    def form(self) -> ComposeResult:
        yield from super().form()
        yield FormField(
            t("caseact.f.routes_told"),
            RoutesBox((Route.LITIGATION,), id="routes"),
            field_name="routes",
            required=True,
        )

    def extra_fields(self) -> ComposeResult:
        yield FormField(t("caseact.f.terminate_code"),
                        CycleChoice([(c.label, c.name) for c in TerminateReason],
                                    TerminateReason.FAILED.name, id="f-code"),
                        field_name="code")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        routes = self.query_one("#routes", RoutesBox).value
        code = TerminateReason(self.query_one("#f-code", CycleChoice).value
                               or TerminateReason.FAILED.name)
        return lambda: self.services.record_failure(self.case_id, text, routes, on, code)


class TransferDialog(SimpleCaseDialog):
    action = Action.TRANSFER
    text_name = "reason"
    text_label = "caseact.f.transfer_reason"
    text_lines = 2

    def extra_fields(self) -> ComposeResult:
        yield FormField(
            t("caseact.f.transfer_to"), plain_input(id="f-to"), field_name="to", required=True
        )

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        to = self.text("to")
        return lambda: self.services.transfer_case(self.case_id, to, text, on)


class WithdrawDialog(SimpleCaseDialog):
    action = Action.WITHDRAW
    text_name = "reason"
    text_label = "caseact.f.withdraw_reason"
    text_lines = 2

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.withdraw_case(self.case_id, text, on)


class ArchiveDialog(SimpleCaseDialog):
    action = Action.ARCHIVE
    text_name = None

    #: set once the mediator said yes to archiving with 回访 still scheduled
    confirmed_open_follow_ups = False

    def extra_fields(self) -> ComposeResult:
        yield Static(Text(t("caseact.archive_hint")), classes="dialog-hint")

    def open_follow_ups(self) -> int:
        return sum(1 for f in self.cf.follow_ups if f.done_on is None and not f.deleted)

    def action_submit(self) -> None:
        """A 回访 still scheduled would stay open on an archived case: ask first."""
        n = self.open_follow_ups()
        if self.busy or not n or self.confirmed_open_follow_ups:
            super().action_submit()
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.confirmed_open_follow_ups = True
                super(ArchiveDialog, self).action_submit()

        self.app.push_screen(
            ConfirmDialog(t("caseact.archive_open_fu_title"),
                          t("caseact.archive_open_fu_message", n=n),
                          t("caseact.archive_open_fu_yes"), t("caseact.archive_open_fu_no")),
            answered)

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.archive_case(self.case_id, on)


class NoteDialog(SimpleCaseDialog):
    action = Action.NOTE
    text_required = True
    text_lines = 5

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.add_note(self.case_id, text, on)


class UrgeDialog(SimpleCaseDialog):
    action = Action.URGE
    text_label = "caseact.f.urge_note"

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.urge(self.case_id, text, on)


class RemediateDialog(SimpleCaseDialog):
    """重新调解 with its coded reason; the first 受理日期 is kept."""

    action = Action.REMEDIATE

    def extra_fields(self) -> ComposeResult:
        unperformed = self.cf.case.state in ("UNPERFORMED", "URGED")
        rejected = (self.cf.agreement is not None
                    and self.cf.agreement.judicial_status == "REJECTED")
        codes = [c for c in RemediateReason
                 if (c is not RemediateReason.NON_PERFORMANCE or unperformed)
                 and (c is not RemediateReason.JUDICIAL_REJECTED or rejected)]
        first = (RemediateReason.JUDICIAL_REJECTED if rejected
                 else RemediateReason.NON_PERFORMANCE if unperformed
                 else RemediateReason.IMPROPER_CONTENT)
        yield FormField(t("caseact.f.remediate_reason"),
                        CycleChoice([(c.label, c.name) for c in codes], first.name,
                                    id="f-reason"),
                        field_name="reason")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        reason = RemediateReason(self.query_one("#f-reason", CycleChoice).value
                                 or RemediateReason.IMPROPER_CONTENT.name)
        return lambda: self.services.remediate(self.case_id, text, on, reason)


class AdviseSuitDialog(SimpleCaseDialog):
    action = Action.ADVISE_SUIT

    def extra_fields(self) -> ComposeResult:
        yield Static(Text(t("caseact.suit_hint")), classes="dialog-hint")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.advise_suit(self.case_id, text, on)


class CompletePerformanceDialog(SimpleCaseDialog):
    action = Action.COMPLETE_PERFORMANCE
    text_lines = 2

    def extra_fields(self) -> ComposeResult:
        open_items = [o for o in self.cf.obligations if o.performed_on is None]
        if open_items:
            yield Static(Text(t("caseact.complete_open", n=len(open_items))), classes="dialog-hint")

    def call(self, text: str, on: date | None) -> Callable[[], Outcome]:
        return lambda: self.services.complete_performance(self.case_id, on, text)
