"""安排回访 and 完成回访. A visit that finds an obligation not performed moves the case to 未履行
(the service decides that), so the case file shows 督促履行 next."""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult

from mediator.core.enums import FollowUpMethod, FollowUpResult, FollowUpType, Satisfaction
from mediator.core.errors import ValidationError
from mediator.core.rules import Action
from mediator.core.services import CaseFile, Outcome
from mediator.i18n import t
from mediator.tui.dialogs.base import enum_select, plain_input, text_area
from mediator.tui.dialogs.case_actions import CaseDialog
from mediator.tui.widgets.form import FormField, date_input
from mediator.tui.widgets.select import Select


class ScheduleFollowUpDialog(CaseDialog):
    action = Action.SCHEDULE_FOLLOW_UP

    def form(self) -> ComposeResult:
        yield FormField(
            t("caseact.f.due_on"),
            date_input("+7", today=self.today, id="f-due_on", field_name="due_on"),
            field_name="due_on",
            required=True,
        )
        yield FormField(
            t("caseact.f.followup_kind"),
            enum_select(FollowUpType, FollowUpType.ROUTINE, id="f-kind"),
            field_name="kind",
        )
        yield FormField(
            t("caseact.f.method"),
            enum_select(FollowUpMethod, None, id="f-method", allow_blank=True),
            field_name="method",
        )
        yield FormField(t("caseact.f.note"), text_area(id="f-note", height=2), field_name="note")

    def on_mount(self) -> None:
        self.field("due_on").refresh_feedback(live=True)

    def build(self) -> Callable[[], Outcome]:
        due = self.parsed("due_on", required=True)
        kind = FollowUpType(self.select_value("kind"))
        method_name = self.select_value("method")
        method = FollowUpMethod(method_name) if method_name else None
        note = self.text("note")
        return lambda: self.services.schedule_follow_up(self.case_id, due, kind, method, note)


class CompleteFollowUpDialog(CaseDialog):
    action_title = ""

    def __init__(self, cf: CaseFile, follow_up_id: str | None = None) -> None:
        self.action_title = t("casefile.action.COMPLETE_FOLLOW_UP")
        super().__init__(cf)
        self.open_items = [f for f in cf.follow_ups if f.done_on is None]
        self.follow_up_id = follow_up_id

    def form(self) -> ComposeResult:
        options = []
        for f in self.open_items:
            label = Text(
                t(
                    "caseact.followup_label",
                    due=f.due_on.isoformat(),
                    kind=FollowUpType(f.kind).label,
                )
            )
            if f.note:
                label.append("  ")
                label.append(Text(f.note[:40]))
            options.append((label, f.id))
        chosen = self.follow_up_id or (options[0][1] if options else None)
        yield FormField(
            t("caseact.f.followup"),
            Select(
                options,
                value=chosen if chosen else Select.NULL,
                allow_blank=not options,
                compact=True,
                id="f-followup",
            ),
            field_name="follow_up",
            required=True,
        )
        yield FormField(
            t("caseact.f.followup_result"),
            enum_select(FollowUpResult, FollowUpResult.SATISFIED, id="f-result"),
            field_name="result",
            required=True,
        )
        yield FormField(
            t("caseact.f.method"),
            enum_select(FollowUpMethod, FollowUpMethod.PHONE, id="f-method"),
            field_name="method",
            required=True,
        )
        yield FormField(
            t("caseact.f.followup_note"), text_area(id="f-note", height=3), field_name="note"
        )
        yield self.date_field("done_on", t("caseact.f.done_on"))
        # the structured 回访 record (issue 24), as in the agenda's 回访完成
        yield FormField(
            t("tui.fu.performance"), plain_input(id="f-performance"), field_name="performance"
        )
        yield FormField(
            t("tui.fu.satisfaction"),
            enum_select(Satisfaction, None, id="f-satisfaction", allow_blank=True),
            field_name="satisfaction",
        )
        yield FormField(
            t("tui.fu.new_signs"), plain_input(id="f-new_signs"), field_name="new_signs"
        )
        yield FormField(t("tui.fu.measures"), plain_input(id="f-measures"), field_name="measures")

    def build(self) -> Callable[[], Outcome]:
        fu = self.select_value("follow_up")
        if not fu:
            raise ValidationError(t("caseact.no_open_followup"), "follow_up")
        result = FollowUpResult(self.select_value("result"))
        method = FollowUpMethod(self.select_value("method"))
        note = self.text("note")
        done = self.on_date("done_on")
        record = {
            "performance": self.text("performance"),
            "satisfaction": self.select_value("satisfaction"),
            "new_signs": self.text("new_signs"),
            "measures": self.text("measures"),
        }
        return lambda: self.services.complete_follow_up(
            fu, result, method, note, done, **record
        )
