"""日程 — what is due: follow-ups (回访) and case deadlines, overdue / today / next 7 days.

A busy office has thousands of items (overdue ones pile up), so the list is a line-API
:class:`AgendaList` like the case list, not a ``DataTable``. A follow-up is completed
right here: Enter opens a small dialog (result, method, date, note) that calls
``Services.complete_follow_up`` in a worker; the agenda reloads on ``CasesChanged``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Static

from mediator.core.enums import FollowUpMethod, FollowUpResult, Satisfaction
from mediator.core.errors import MediatorError, ValidationError
from mediator.core.overdue import item_past_due
from mediator.core.queries import AgendaItem
from mediator.core.rules import DeadlineKind
from mediator.core.screening import AGENDA_KIND as SCREENING_KIND
from mediator.core.screening import with_reminders
from mediator.core.validate import parse_date
from mediator.i18n import t
from mediator.tui.base import MediatorModal, ReloadingScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.messages import CasesChanged
from mediator.tui.text import clip, fit, literal, plain
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.line_table import LineTable
from mediator.tui.widgets.nav import NavBar
from mediator.tui.widgets.select import Select
from mediator.tui.work import WorkFailed, post_result

if TYPE_CHECKING:
    from mediator.core.services import Outcome

DAYS = 7
PARTIES_CELLS = 24
#: overdue and upcoming items per kind (follow-ups, deadlines); see queries.agenda
LIMIT = 1000
GROUPS = ("overdue", "today", "week")


def group_of(item: AgendaItem, today: date) -> str:
    if item_past_due(item.due_on, today):  # 过期事项, mediator.core.overdue
        return "overdue"
    return "today" if item.due_on == today else "week"


def kind_label(item: AgendaItem) -> str:
    """The item's kind in a word or two: the agenda's 'What' column is narrow (80×24)."""
    if item.kind == "FOLLOW_UP":
        return t("tui.agenda.follow_up")
    if item.kind == SCREENING_KIND:  # 排查 due in a village (issue 24)
        return t("tui.agenda.screening")
    if item.kind in ("SUPERVISE", "ASSIGN"):   # the county's 督办/交办 (issue 22)
        return t(f"supervision.kind.{item.kind}")
    try:
        return short_kind(DeadlineKind(item.kind))
    except ValueError:
        return item.kind


def short_kind(kind: DeadlineKind) -> str:
    """A deadline's kind as the agenda shows it (its full label where no short one exists)."""
    key = f"tui.agenda.kind.{kind.name}"
    short = t(key)
    return kind.label if short == key else short


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


@dataclass(frozen=True)
class Heading:
    """A group line (已逾期 / 今天 / 7天内) between the items; the cursor steps over it."""

    group: str
    count: str


def item_key(item: AgendaItem) -> str:
    return f"{item.follow_up_id or item.case_id}:{item.kind}"


class AgendaList(LineTable):
    """Agenda items under group headings, drawn line by line (busy offices have thousands)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "tui.key.agenda_act", id="agenda_list.select")]

    def __init__(self, today: date, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.today = today
        self._case_no_width = 12
        self._parties_width = PARTIES_CELLS

    def set_items(self, rows: list[Heading | AgendaItem], keep: str | None) -> None:
        """Replace the rows, keeping the cursor on the same item (or the same place, when
        that item just left the agenda)."""
        widths = [cell_len(plain(r.case_no, limit=30)) for r in rows if isinstance(r, AgendaItem)]
        self._case_no_width = min(26, max([cell_len(t("tui.agenda.col.case_no")), *widths]))
        widths = [cell_len(plain(r.parties, limit=60)) for r in rows if isinstance(r, AgendaItem)]
        self._parties_width = min(PARTIES_CELLS,
                                  max([cell_len(t("tui.agenda.col.parties")), *widths]))
        index = 0
        if keep is not None:
            index = next((i for i, r in enumerate(rows)
                          if isinstance(r, AgendaItem) and item_key(r) == keep), self.cursor)
        self.replace_rows(rows, index, keep_scroll=keep is not None)

    def selectable(self, row: object) -> bool:
        return isinstance(row, AgendaItem)

    def layout_columns(self, width: int) -> list[tuple[str, str, int]]:
        when = max(cell_len(t("deadline.overdue", days=999)), cell_len(t("deadline.today")),
                   cell_len(t("tui.agenda.col.when")))
        kind = min(12, max(cell_len(label) for label in [
            t("tui.agenda.col.kind"), t("tui.agenda.follow_up"),
            *(short_kind(k) for k in DeadlineKind)]))
        cols = [("due", 10), ("when", when), ("kind", kind), ("case_no", self._case_no_width),
                ("parties", self._parties_width)]
        used = sum(w + 1 for _, w in cols) + 2
        if width - used >= 10:
            cols.append(("note", width - used))
        else:  # narrow terminal: the parties take what is left, the note goes
            cols[-1] = ("parties", max(8, self._parties_width + width - used - 1))
        return [(key, t(f"tui.agenda.col.{key}"), w) for key, w in cols]

    def render_cells(self, row: Heading | AgendaItem, columns: list[tuple[str, str, int]],
                     base: Style, width: int) -> list[Segment]:
        if isinstance(row, Heading):
            tone = {"overdue": "overdue", "today": "soon"}.get(row.group, "heading")
            style = base + self.style_of("heading") + self.style_of(tone)
            return [Segment(t(f"tui.agenda.group.{row.group}", n=row.count), style)]
        days = row.days_left(self.today)
        tone_style = base + (self.style_of("overdue") if days < 0 else
                             self.style_of("soon") if days == 0 else Style())
        values = {"due": (row.due_on.isoformat(), base), "when": (when_label(row, self.today), tone_style),
                  "kind": (kind_label(row), base), "case_no": (row.case_no, base),
                  "parties": (row.parties, base), "note": (row.note, base)}
        segments = []
        for key, _, w in columns:
            value, style = values[key]
            segments.append(Segment(fit(plain(value, limit=w * 2), w), style))
            segments.append(Segment(" ", base))
        return segments


class AgendaScreen(ReloadingScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("o", "open_case", "tui.key.open_case", id="agenda.open_case"),
        Binding("ctrl+r", "reload", "tui.key.reload", show=False, id="agenda.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield NavBar("agenda")
        yield Static(Content(t("tui.agenda.loading")), id="agenda-summary")
        yield AgendaList(self.services.today(), id="agenda")
        yield Footer()

    def on_mount(self) -> None:
        self.mediator.watch_data(self)
        self.query_one(AgendaList).focus()
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="agenda", exit_on_error=False)
    def reload(self) -> None:
        # an error is not handled here: it reaches the app, which reports it
        post_result(self, "agenda", lambda: with_reminders(
            self.services.agenda(days=DAYS, limit=LIMIT), self.services, DAYS), AgendaLoaded)

    def on_agenda_loaded(self, msg: AgendaLoaded) -> None:
        today = self.services.today()
        agenda = self.query_one(AgendaList)
        agenda.today = today
        current = agenda.current
        keep = item_key(current) if isinstance(current, AgendaItem) else None
        groups: dict[str, list[AgendaItem]] = {g: [] for g in GROUPS}
        for item in msg.items:
            groups[group_of(item, today)].append(item)
        # the query caps overdue items per kind: say "2000+" rather than a wrong total
        capped = any(sum(1 for i in groups["overdue"] if (i.kind == "FOLLOW_UP") == fu) >= LIMIT
                     for fu in (True, False))
        counts = {g: f"{len(groups[g])}" for g in GROUPS}
        if capped:
            counts["overdue"] += "+"
        rows: list[Heading | AgendaItem] = []
        for group in GROUPS:
            if groups[group]:
                rows.append(Heading(group, counts[group]))
                rows.extend(groups[group])
        agenda.empty_text = t("tui.agenda.empty")
        agenda.set_items(rows, keep)
        summary = t("tui.agenda.summary", overdue=counts["overdue"], today=counts["today"],
                    week=counts["week"]) if msg.items else t("tui.agenda.empty")
        self.query_one("#agenda-summary", Static).update(Content(summary))

    def current_item(self) -> AgendaItem | None:
        current = self.query_one(AgendaList).current
        return current if isinstance(current, AgendaItem) else None

    @on(AgendaList.Selected)
    def _selected(self, event: AgendaList.Selected) -> None:
        event.stop()
        self.action_act()

    def action_act(self) -> None:
        item = self.current_item()
        if item is None:
            return
        if item.kind == SCREENING_KIND:
            self.mediator.action_open_screen("screening", "ScreeningScreen")
        elif item.follow_up_id:
            self.app.push_screen(CompleteFollowUp(item))
        else:
            self.mediator.open_case(item.case_id)

    def action_open_case(self) -> None:
        item = self.current_item()
        if item is not None and item.kind != SCREENING_KIND:
            self.mediator.open_case(item.case_id)


class CompleteFollowUp(MediatorModal[bool]):
    """回访完成: result, how it was done, when, and what was found."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "tui.key.cancel", id="agenda_done.cancel"),
                Binding("ctrl+s", "save", "tui.key.save", id="agenda_done.save")]

    def __init__(self, item: AgendaItem) -> None:
        super().__init__()
        translate_bindings(self)
        self.item = item

    def compose(self) -> ComposeResult:
        item = self.item
        with VerticalScroll(id="dialog"):
            yield Label(Content(t("tui.fu.title")), classes="dialog-title")
            header = literal(item.case_no, "bold")
            header.append("  ")
            header.append_text(literal(item.parties, limit=80))
            yield Static(header, classes="dialog-case")
            if item.note:
                yield Static(Text(clip(item.note, 200)), classes="dialog-note")
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.result")))
                yield Select([(Content(r.label), r.name) for r in FollowUpResult], id="fu-result",
                             prompt=t("tui.fu.choose"), compact=True)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.method")))
                yield Select([(Content(m.label), m.name) for m in FollowUpMethod], id="fu-method",
                             prompt=t("tui.fu.choose"), value=FollowUpMethod.PHONE.name,
                             compact=True)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.done_on")))
                yield Input(value=self.services.today().isoformat(), id="fu-date",
                            compact=True, placeholder=t("tui.fu.date_hint"))
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.note")))
                yield Input(placeholder=t("tui.fu.note_placeholder"), id="fu-note", compact=True)
            # the structured 回访 record (issue 24)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.performance")))
                yield Input(id="fu-performance", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.satisfaction")))
                yield Select([(Content(m.label), m.name) for m in Satisfaction],
                             id="fu-satisfaction", prompt=t("tui.fu.choose"), compact=True)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.new_signs")))
                yield Input(id="fu-new-signs", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.fu.measures")))
                yield Input(id="fu-measures", compact=True)
            yield Static(Content(""), id="fu-error", classes="error")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(t("tui.fu.save")), variant="primary", id="fu-save")
                yield Button(Content(t("tui.fu.cancel")), id="fu-cancel")
        yield Footer()

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
                                 self.services.today())
        except ValidationError as exc:
            self._error(exc.message)
            self.query_one("#fu-date", Input).focus()
            return
        self._error("")
        satisfaction = self.query_one("#fu-satisfaction", Select).value
        record = {"performance": self.query_one("#fu-performance", Input).value,
                  "satisfaction": None if satisfaction is Select.NULL else satisfaction,
                  "new_signs": self.query_one("#fu-new-signs", Input).value,
                  "measures": self.query_one("#fu-measures", Input).value}
        self._save(FollowUpResult(result), FollowUpMethod(method), done_on,
                   self.query_one("#fu-note", Input).value, record)

    @work(thread=True, exclusive=True, group="fu-save", exit_on_error=False)
    def _save(self, result: FollowUpResult, method: FollowUpMethod, done_on: date, note: str,
              record: dict[str, Any] | None = None) -> None:
        follow_up_id = self.item.follow_up_id
        assert follow_up_id is not None
        post_result(self, "fu-save", lambda: self.services.complete_follow_up(
            follow_up_id, result, method, note, done_on=done_on, **(record or {})), self.Done)

    class Done(Message):
        def __init__(self, outcome: Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    def on_work_failed(self, message: WorkFailed) -> None:
        """A user's error under the form; anything else goes on to the app's report."""
        if isinstance(message.error, MediatorError):
            message.stop()
            self._error(message.error.message)

    def on_complete_follow_up_done(self, message: Done) -> None:
        case_id = message.outcome.case_id
        self.app.post_message(CasesChanged(case_id))
        self.app.notify(t("tui.fu.saved"), markup=False)
        self.dismiss(True)
