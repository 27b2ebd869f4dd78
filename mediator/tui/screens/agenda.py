"""日程 — what is due: follow-ups (回访) and case deadlines, overdue / today / next 7 days.

The agenda is short by nature (``queries.agenda`` caps it at 500 items), so a ``DataTable``
is the right widget here, with every cell a ``Text`` (never markup). A follow-up is completed
right here: Enter opens a small dialog (result, method, date, note) that calls
``Services.complete_follow_up`` in a worker; the agenda reloads on ``CasesChanged``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, Label, Select, Static

from mediator.core.enums import FollowUpMethod, FollowUpResult
from mediator.core.errors import MediatorError, ValidationError
from mediator.core.queries import AgendaItem
from mediator.core.rules import DeadlineKind
from mediator.core.validate import parse_date
from mediator.i18n import t
from mediator.tui.bindings import translate_bindings
from mediator.tui.messages import CasesChanged
from mediator.tui.text import clip, literal
from mediator.tui.widgets.nav import NavBar

DAYS = 7
PARTIES_CELLS = 24
NOTE_CELLS = 40
GROUPS = ("overdue", "today", "week")


def group_of(item: AgendaItem, today: date) -> str:
    days = item.days_left(today)
    return "overdue" if days < 0 else "today" if days == 0 else "week"


def kind_label(item: AgendaItem) -> str:
    if item.kind == "FOLLOW_UP":
        return t("tui.agenda.follow_up")
    try:
        return DeadlineKind(item.kind).label
    except ValueError:
        return item.kind


def when_label(item: AgendaItem, today: date) -> str:
    days = item.days_left(today)
    if days < 0:
        return t("deadline.overdue", days=-days)
    if days == 0:
        return t("deadline.today")
    return t("deadline.left", days=days)


@dataclass
class AgendaLoaded(Message):
    items: list[AgendaItem]


class AgendaScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "act", "tui.key.agenda_act"),
        Binding("o", "open_case", "tui.key.open_case"),
        Binding("ctrl+r", "reload", "tui.key.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.items: dict[str, AgendaItem] = {}
        self._stale = False
        self._last_row = 0

    def compose(self) -> ComposeResult:
        yield NavBar("agenda")
        yield Static(Content(t("tui.agenda.loading")), id="agenda-summary")
        table: DataTable[Text] = DataTable(id="agenda", cursor_type="row", zebra_stripes=False)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.app.watch_data(self)  # type: ignore[attr-defined]
        table = self.query_one(DataTable)
        for key in ("due", "when", "kind", "case_no", "parties", "note"):
            table.add_column(Text(t(f"tui.agenda.col.{key}")), key=key)
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def data_changed(self, case_id: str | None = None) -> None:
        if self.is_current:
            self.reload()
        else:
            self._stale = True

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="agenda", exit_on_error=False)
    def reload(self) -> None:
        try:
            items = self.app.services.agenda(days=DAYS)  # type: ignore[attr-defined]
            self.post_message(AgendaLoaded(items))
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.app.report_error, exc)  # type: ignore[attr-defined]

    def on_agenda_loaded(self, msg: AgendaLoaded) -> None:
        today = self.app.services.today()  # type: ignore[attr-defined]
        table = self.query_one(DataTable)
        keep = None
        if table.row_count and table.cursor_row >= 0:
            keep = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        table.clear()
        self.items = {}
        groups: dict[str, list[AgendaItem]] = {g: [] for g in GROUPS}
        for item in msg.items:
            groups[group_of(item, today)].append(item)
        for group in GROUPS:
            if not groups[group]:
                continue
            style = {"overdue": "bold red", "today": "bold yellow", "week": "bold"}[group]
            table.add_row(Text(t(f"tui.agenda.group.{group}", n=len(groups[group])), style=style),
                          *(Text("") for _ in range(5)), key=f"group:{group}")
            for i, item in enumerate(groups[group]):
                key = f"{item.follow_up_id or item.case_id}:{item.kind}:{i}"
                self.items[key] = item
                tone = "red" if group == "overdue" else "yellow" if group == "today" else ""
                table.add_row(Text(item.due_on.isoformat()), Text(when_label(item, today), style=tone),
                              literal(kind_label(item)), literal(item.case_no),
                              Text(clip(item.parties, PARTIES_CELLS)),
                              Text(clip(item.note, NOTE_CELLS)), key=key)
        counts = {g: len(groups[g]) for g in GROUPS}
        summary = t("tui.agenda.summary", overdue=counts["overdue"], today=counts["today"],
                    week=counts["week"]) if msg.items else t("tui.agenda.empty")
        self.query_one("#agenda-summary", Static).update(Content(summary))
        if keep is not None and keep in self.items:
            table.move_cursor(row=table.get_row_index(keep))
        elif self.items:
            table.move_cursor(row=table.get_row_index(next(iter(self.items))))

    def current_item(self) -> AgendaItem | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(key or "")

    @on(DataTable.RowHighlighted)
    def _skip_headings(self, event: DataTable.RowHighlighted) -> None:
        """The cursor steps over the group headings (逾期 / 今天 / 7天内)."""
        table = event.data_table
        row = event.cursor_row
        if str(event.row_key.value).startswith("group:"):
            step = 1 if row >= self._last_row else -1
            target = row + step
            if not 0 <= target < table.row_count:
                target = row - step
            if 0 <= target < table.row_count and target != row:
                table.move_cursor(row=target)
                return
        self._last_row = row

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_act()

    def action_act(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if item.follow_up_id:
            self.app.push_screen(CompleteFollowUp(item))
        else:
            self.app.open_case(item.case_id)  # type: ignore[attr-defined]

    def action_open_case(self) -> None:
        item = self.current_item()
        if item is not None:
            self.app.open_case(item.case_id)  # type: ignore[attr-defined]


class CompleteFollowUp(ModalScreen[bool]):
    """回访完成: result, how it was done, when, and what was found."""

    BINDINGS = [Binding("escape", "cancel", "tui.key.cancel"),
                Binding("ctrl+s", "save", "tui.key.save")]

    def __init__(self, item: AgendaItem) -> None:
        super().__init__()
        translate_bindings(self)
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with Vertical(id="dialog"):
            yield Label(Content(t("tui.fu.title")), classes="dialog-title")
            header = literal(item.case_no, "bold")
            header.append("  ")
            header.append_text(literal(item.parties, limit=80))
            yield Static(header, classes="dialog-case")
            if item.note:
                yield Static(literal(item.note, limit=300), classes="dialog-note")
            yield Label(Content(t("tui.fu.result")))
            yield Select([(Content(r.label), r.name) for r in FollowUpResult], id="fu-result",
                         prompt=t("tui.fu.choose"))
            yield Label(Content(t("tui.fu.method")))
            yield Select([(Content(m.label), m.name) for m in FollowUpMethod], id="fu-method",
                         prompt=t("tui.fu.choose"), value=FollowUpMethod.PHONE.name)
            yield Label(Content(t("tui.fu.done_on")))
            yield Input(value=self.app.services.today().isoformat(), id="fu-date")  # type: ignore[attr-defined]
            yield Label(Content(t("tui.fu.note")))
            yield Input(placeholder=t("tui.fu.note_placeholder"), id="fu-note")
            yield Static(Content(""), id="fu-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("tui.fu.save")), variant="primary", id="fu-save")
                yield Button(Content(t("tui.fu.cancel")), id="fu-cancel")

    def on_mount(self) -> None:
        if self.app.is_headless:
            for widget in self.query(Input):
                widget.cursor_blink = False
        self.query_one("#fu-result", Select).focus()

    def _error(self, message: str) -> None:
        self.query_one("#fu-error", Static).update(Content(message))

    @on(Button.Pressed, "#fu-cancel")
    def action_cancel(self) -> None:
        self.dismiss(False)

    @on(Button.Pressed, "#fu-save")
    def action_save(self) -> None:
        result = self.query_one("#fu-result", Select).value
        method = self.query_one("#fu-method", Select).value
        if result is Select.NULL:
            self._error(t("tui.fu.need_result"))
            self.query_one("#fu-result", Select).focus()
            return
        if method is Select.NULL:
            self._error(t("tui.fu.need_method"))
            return
        try:
            done_on = parse_date(self.query_one("#fu-date", Input).value,
                                 self.app.services.today())  # type: ignore[attr-defined]
        except ValidationError as exc:
            self._error(exc.message)
            self.query_one("#fu-date", Input).focus()
            return
        self._error("")
        self._save(FollowUpResult(result), FollowUpMethod(method), done_on,
                   self.query_one("#fu-note", Input).value)

    @work(thread=True, exclusive=True, group="fu-save", exit_on_error=False)
    def _save(self, result: FollowUpResult, method: FollowUpMethod, done_on: date, note: str) -> None:
        assert self.item.follow_up_id is not None
        try:
            outcome = self.app.services.complete_follow_up(  # type: ignore[attr-defined]
                self.item.follow_up_id, result, method, note, done_on=done_on)
        except MediatorError as exc:
            self.app.call_from_thread(self._error, exc.message)
            return
        except Exception as exc:  # noqa: BLE001
            self.app.call_from_thread(self.app.report_error, exc)  # type: ignore[attr-defined]
            return
        self.app.call_from_thread(self._done, outcome.case_id)

    def _done(self, case_id: str) -> None:
        self.app.post_message(CasesChanged(case_id))
        self.app.notify(t("tui.fu.saved"), markup=False)
        self.dismiss(True)
