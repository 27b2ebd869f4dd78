"""督办 from a township's case file at the county (issue 22): instruction, deadline, leader;
确定 calls ``SupervisionService.supervise`` in a worker (one transaction, audited)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from textual.app import ComposeResult

from mediator.core.services import CaseFile
from mediator.core.supervision import SupervisionService
from mediator.i18n import t
from mediator.tui.dialogs.base import FormDialog, plain_input, text_area
from mediator.tui.widgets.form import FormField, date_input


class SuperviseDialog(FormDialog[str | None]):
    """Dismisses with the new item's id (None: cancelled)."""

    def __init__(self, cf: CaseFile) -> None:
        super().__init__()
        self.cf = cf
        self.title_text = t("supervise.title", case=cf.case.case_no)
        self.ok_label = t("supervise.ok")

    def form(self) -> ComposeResult:
        yield FormField(t("supervise.instruction"),
                        text_area(id="f-instruction", height=3), field_name="instruction",
                        required=True)
        yield FormField(t("supervise.due"),
                        date_input((self.today() + timedelta(days=10)).isoformat(),
                                   today=self.today, id="f-due_on", field_name="due_on"),
                        field_name="due_on", required=True)
        yield FormField(t("supervision.field.leader"), plain_input(id="f-leader"),
                        field_name="leader")

    def build(self) -> Callable[[], str]:
        instruction = self.text("instruction")
        due = self.parsed("due_on", required=True)
        leader = self.text("leader")
        sup = SupervisionService(self.services)
        case_id = self.cf.case.id
        return lambda: sup.supervise(case_id, instruction, due, leader)
