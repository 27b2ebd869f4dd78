"""交办 and 督办 of several cases at the county (issue 22).

:class:`AssignDialog`: from one of the county's own cases (key ``j`` in its case file), the
township, the instruction, the deadline and the leader; 确定 calls
``SupervisionService.assign_case`` (one transaction, audited).

:class:`SuperviseManyDialog`: the cases marked in the case list (space), one instruction,
deadline and leader for all; 确定 calls ``SupervisionService.supervise_many`` (one transaction
for all, each item audited).

The townships offered are loaded in a worker (``NoticeService.townships``): those directly
below the office, from its office list or the cases it holds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.message import Message

from mediator.core.errors import ValidationError
from mediator.core.services import CaseFile
from mediator.core.supervision import SupervisionService
from mediator.core.text import plain
from mediator.i18n import t
from mediator.tui.dialogs.base import FormDialog, plain_input, text_area
from mediator.tui.widgets.form import FormField, date_input
from mediator.tui.widgets.select import Select
from mediator.tui.work import WorkFailed, post_result

#: the default 办理时限 of a new 交办/督办: ten days on
DEFAULT_DAYS = 10


class TownshipsLoaded(Message):
    def __init__(self, townships: list[tuple[str, str]]) -> None:
        super().__init__()
        self.townships = townships


def township_label(code: str, name: str) -> str:
    return f"{plain(name)}（{code}）" if name != code else code


def load_townships(services: object) -> list[tuple[str, str]]:
    from mediator.reports.notice import NoticeService

    return NoticeService(services).townships()


class AssignDialog(FormDialog[str | None]):
    """交办 one of the county's own cases to a township. Dismisses with the item's id."""

    def __init__(self, cf: CaseFile) -> None:
        super().__init__()
        self.cf = cf
        self.title_text = t("assign.title", case=cf.case.case_no)
        self.ok_label = t("assign.ok")

    def form(self) -> ComposeResult:
        yield FormField(t("assign.target"),
                        Select([], allow_blank=True, compact=True, id="f-target"),
                        field_name="target_code", required=True)
        yield FormField(t("assign.instruction"),
                        text_area(id="f-instruction", height=3), field_name="instruction",
                        required=True)
        yield FormField(t("supervise.due"),
                        date_input((self.today() + timedelta(days=DEFAULT_DAYS)).isoformat(),
                                   today=self.today, id="f-due_on", field_name="due_on"),
                        field_name="due_on", required=True)
        yield FormField(t("supervision.field.leader"), plain_input(id="f-leader"),
                        field_name="leader")

    def on_mount(self) -> None:
        super().on_mount()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="assign-load")
    def _load(self) -> None:
        post_result(self, "assign-load", lambda: load_townships(self.services), TownshipsLoaded)

    def on_townships_loaded(self, message: TownshipsLoaded) -> None:
        select = self.query_one("#f-target", Select)
        options = [(Text(township_label(c, n)), c) for c, n in message.townships]
        self.program_change(lambda: select.set_options(options))
        if not options:
            self.show_error(ValidationError(t("assign.no_townships"), "target_code"))

    def on_work_failed(self, message: WorkFailed) -> None:
        if message.group == "assign-load":
            message.stop()
            self.show_error(message.error)
            return
        super().on_work_failed(message)

    def build(self) -> Callable[[], str]:
        target = self.select_value("target_code")
        if target is None:
            raise ValidationError(t("assign.target_required"), "target_code")
        instruction = self.text("instruction")
        due = self.parsed("due_on", required=True)
        leader = self.text("leader")
        sup = SupervisionService(self.services)
        case_id = self.cf.case.id
        return lambda: sup.assign_case(case_id, target, instruction, due, leader)


class SuperviseManyDialog(FormDialog[list[str] | None]):
    """督办 the cases marked in the list. Dismisses with the items' ids."""

    def __init__(self, case_ids: list[str]) -> None:
        super().__init__()
        self.case_ids = list(case_ids)
        self.title_text = t("supervise_many.title", n=len(self.case_ids))
        self.ok_label = t("supervise.ok")

    def form(self) -> ComposeResult:
        yield FormField(t("supervise.instruction"),
                        text_area(id="f-instruction", height=3), field_name="instruction",
                        required=True)
        yield FormField(t("supervise.due"),
                        date_input((self.today() + timedelta(days=DEFAULT_DAYS)).isoformat(),
                                   today=self.today, id="f-due_on", field_name="due_on"),
                        field_name="due_on", required=True)
        yield FormField(t("supervision.field.leader"), plain_input(id="f-leader"),
                        field_name="leader")

    def build(self) -> Callable[[], list[str]]:
        instruction = self.text("instruction")
        due = self.parsed("due_on", required=True)
        leader = self.text("leader")
        sup = SupervisionService(self.services)
        ids = self.case_ids
        return lambda: sup.supervise_many(ids, instruction, due, leader)
