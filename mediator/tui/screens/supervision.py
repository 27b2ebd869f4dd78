"""督办台账 — the county's 督办/交办 items with each one's status and days left (issue 22).

The data is ``SupervisionService.ledger_page``: filtered by status and township and paged in
SQL (a county of 200 townships may hold thousands of items); the list asks for the next page
near its end. Enter opens the item's case; Ctrl+E writes the whole 台账 as xlsx into the
exports folder (``reports.supervision.write_xlsx``, the report ``mediator report supervision``
writes). Reached from the command palette (督办台账, mediator.tui.commands_supervision). Nothing here reads the database itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Static

from mediator.core.supervision import (
    FINISHED,
    OVERDUE,
    RETURNED,
    STATUSES,
    LedgerPage,
    LedgerRow,
    SupervisionService,
)
from mediator.i18n import t
from mediator.tui.base import ReloadingScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.text import fit, literal, plain
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.line_table import LineTable
from mediator.tui.widgets.select import Select
from mediator.tui.work import WorkFailed, post_result

PAGE = 100
#: from this width on the 办理时限 column is shown too
WIDE = 100
#: the common end of an office's name, left out in the narrow 乡镇 column
NAME_END = "人民调解委员会"
PREFETCH = 20
ALL = "*"

#: (key, title key, width cap or 0 for the flexible column)
COLUMNS = (("township", "supervision.col.township", 8), ("kind", "supervision.col.kind", 4),
           ("case_no", "supervision.col.case_no", 23), ("due_on", "supervision.col.due_on", 10),
           ("status", "supervision.col.status", 6), ("days", "tui.sv.col.days", 8),
           ("instruction", "supervision.col.instruction", 0))


def short_name(name: str) -> str:
    """青石镇人民调解委员会 → 青石镇 (the column is narrow; the name is the township's)."""
    return name[:-len(NAME_END)] if name.endswith(NAME_END) and name != NAME_END else name


def days_text(row: LedgerRow) -> str:
    if row.days_left is None:
        return ""
    if row.days_overdue:
        return t("deadline.overdue", days=row.days_overdue)
    return t("deadline.left", days=row.days_left)


class LedgerTable(LineTable):
    """The 台账's rows; asks for the next page near the end."""

    class NeedMore(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.has_more = False
        self._asked = False

    def set_page(self, page: LedgerPage, append: bool) -> None:
        rows = [*self.rows, *page.rows] if append else list(page.rows)
        self.has_more = page.offset + len(page.rows) < page.total
        self._asked = False
        if append:
            self.extend_rows(page.rows)
        else:
            self.replace_rows(rows)

    def layout_columns(self, width: int) -> list[tuple[str, str, int]]:
        out = []
        for key, title, cap in COLUMNS:
            if key == "due_on" and width < WIDE:
                continue   # the days left say it; the instruction needs the room
            label = t(title)
            w = max(cell_len(label), cap) if cap else 0
            if key == "kind":
                w = max(w, *(cell_len(t(f"supervision.kind.{k}")) for k in ("SUPERVISE",
                                                                              "ASSIGN")))
            elif key == "status":
                w = max(w, *(cell_len(t(f"supervision.status.{s}")) for s in STATUSES))
            out.append((key, label, w))
        fixed = sum(w + 1 for k, _, w in out if k != "instruction") + 1
        return [(k, label, w or max(4, width - fixed - 1)) for k, label, w in out]

    def render_cells(self, row: LedgerRow, columns: list[tuple[str, str, int]], base: Style,
                     width: int) -> list[Segment]:
        late = row.status == OVERDUE
        done = row.status in (FINISHED, RETURNED)
        tone = base + (self.style_of("overdue") if late else
                       self.style_of("muted") if done else Style())
        values = {"township": (short_name(row.township), base),
                  "kind": (t(f"supervision.kind.{row.item.kind}"), base),
                  "case_no": (row.item.case_no or row.item.county_ref or "", base),
                  "due_on": (row.item.due_on.isoformat(), base),
                  "status": (t(f"supervision.status.{row.status}"), tone),
                  "days": (days_text(row), tone),
                  "instruction": (row.item.instruction, base)}
        segments = []
        for key, _, w in columns:
            value, style = values[key]
            segments.append(Segment(fit(plain(value, limit=w * 2), w), style))
            segments.append(Segment(" ", base))
        return segments

    def cursor_moved(self) -> None:
        if not self.has_more or self._asked:
            return
        last = int(self.scroll_y) + self.body_height
        if max(self.cursor, last) >= len(self.rows) - PREFETCH:
            self._asked = True
            self.post_message(self.NeedMore())


@dataclass
class LedgerLoaded(Message):
    generation: int
    page: LedgerPage
    append: bool


@dataclass
class LedgerWritten(Message):
    path: Path


@dataclass
class ItemWithdrawn(Message):
    label: str


class SupervisionLedgerScreen(ReloadingScreen[None]):
    """督办台账: filter by status and township; Enter opens the case; Ctrl+E → xlsx."""

    DEFAULT_CSS = """
    SupervisionLedgerScreen #sv-title { text-style: bold; padding: 0 1; }
    SupervisionLedgerScreen #sv-filter { height: 1; padding: 0 1; }
    SupervisionLedgerScreen #sv-filter > Select { width: 1fr; margin: 0 1 0 0; }
    SupervisionLedgerScreen #sv-counts { height: auto; padding: 0 1; color: $text-muted; }
    SupervisionLedgerScreen #sv-result { height: auto; padding: 0 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.sync.key.back", id="sv.back"),
        Binding("ctrl+e", "export", "tui.sv.key.export", id="sv.export"),
        Binding("w", "withdraw", "tui.sv.key.withdraw", id="sv.withdraw"),
        Binding("ctrl+r", "reload", "tui.key.reload", show=False, id="sv.reload"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.generation = 0
        self.page: LedgerPage | None = None

    def compose(self) -> ComposeResult:
        yield Label(Content(t("supervision.title", day=self.services.today().isoformat())),
                    id="sv-title")
        with Horizontal(id="sv-filter"):
            yield Select([(Content(t("tui.sv.all_statuses")), ALL)], value=ALL,
                         allow_blank=False, compact=True, id="sv-status")
            yield Select([(Content(t("tui.sv.all_townships")), ALL)], value=ALL,
                         allow_blank=False, compact=True, id="sv-town")
        yield Static(Content(t("tui.sync.loading")), id="sv-counts")
        yield LedgerTable(id="sv-table")
        yield Static(Content(""), id="sv-result")
        yield Footer()

    def on_mount(self) -> None:
        self.mediator.watch_data(self)
        self.query_one(LedgerTable).focus()
        self.reload()

    # --- loading -------------------------------------------------------------------------

    def _filter(self) -> tuple[str | None, str | None]:
        def value(wid: str) -> str | None:
            v = self.query_one(wid, Select).value
            return None if v is Select.NULL or v == ALL else str(v)
        return value("#sv-status"), value("#sv-town")

    def action_reload(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.generation += 1
        status, town = self._filter()
        self._load(self.generation, status, town, 0, False)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sv-load")
    def _load(self, generation: int, status: str | None, town: str | None, offset: int,
              append: bool) -> None:
        sup = SupervisionService(self.services)
        post_result(self, "sv-load", lambda: LedgerLoaded(
            generation, sup.ledger_page(status, town, offset=offset, limit=PAGE), append))

    @on(LedgerTable.NeedMore)
    def _more(self) -> None:
        table = self.query_one(LedgerTable)
        status, town = self._filter()
        self._load(self.generation, status, town, len(table.rows), True)

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    def on_ledger_loaded(self, msg: LedgerLoaded) -> None:
        if msg.generation != self.generation:
            return
        page = self.page = msg.page
        status = self.query_one("#sv-status", Select)
        with status.prevent(Select.Changed):
            value = status.value
            status.set_options([(Content(t("tui.sv.all_statuses")), ALL)] + [
                (Content(t("tui.sv.status_n", status=t(f"supervision.status.{s}"),
                           n=page.counts[s])), s) for s in STATUSES])
            status.value = value
        town = self.query_one("#sv-town", Select)
        with town.prevent(Select.Changed):
            value = town.value
            towns = [(Content(plain(short_name(name))), code) for code, name in page.townships]
            town.set_options([(Content(t("tui.sv.all_townships")), ALL), *towns])
            town.value = value if value == ALL or any(c == value for _, c in towns) else ALL
        table = self.query_one(LedgerTable)
        table.empty_text = t("supervision.none")
        table.set_page(page, msg.append)
        counts = " · ".join(f"{t(f'supervision.status.{s}')} {page.counts[s]}"
                            for s in STATUSES)
        self.query_one("#sv-counts", Static).update(
            Content(t("tui.sv.summary", n=page.total, counts=counts)))

    def on_work_failed(self, msg: WorkFailed) -> None:
        msg.stop()
        from mediator.core.logs import user_message

        self.query_one("#sv-result", Static).update(
            literal(user_message(msg.error, "supervision"), "bold red", one_line=False))

    # --- acting --------------------------------------------------------------------------

    @on(LedgerTable.Selected)
    def _open(self, event: LedgerTable.Selected) -> None:
        row: LedgerRow = event.row
        if row.item.local_case_id:
            self.mediator.open_case(row.item.local_case_id)
        else:
            self.notify(t("tui.sv.no_case"), markup=False)

    def action_export(self) -> None:
        self.query_one("#sv-result", Static).update(Content(t("tui.sv.exporting")))
        self._export(Path(self.paths.export_folder))

    @work(thread=True, exclusive=True, exit_on_error=False, group="sv-export")
    def _export(self, folder: Path) -> None:
        from mediator.reports.supervision import write_xlsx

        def write() -> LedgerWritten:
            folder.mkdir(parents=True, exist_ok=True)
            return LedgerWritten(write_xlsx(self.services, folder))

        post_result(self, "sv-export", write)

    def on_ledger_written(self, msg: LedgerWritten) -> None:
        text = t("cli.supervision.written", path=str(msg.path))
        self.query_one("#sv-result", Static).update(literal(text, one_line=False))
        self.notify(text, markup=False)

    def action_withdraw(self) -> None:
        """撤回 the item under the cursor (asked first): a tombstone for the next 下发."""
        from mediator.tui.dialogs.base import ConfirmDialog

        row = self.query_one(LedgerTable).current
        if row is None:
            return
        label = t("tui.sv.item_label", kind=t(f"supervision.kind.{row.item.kind}"),
                  township=short_name(row.township),
                  case=row.item.case_no or row.item.county_ref or "")
        def answered(yes: bool | None) -> None:
            if yes:
                self._withdraw(row.item.id, label)

        self.app.push_screen(
            ConfirmDialog(t("tui.sv.withdraw_title"), t("tui.sv.withdraw_message", item=label),
                          t("tui.sv.withdraw_yes"), t("caseact.cancel"), yes_variant="error"),
            answered)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sv-withdraw")
    def _withdraw(self, item_id: str, label: str) -> None:
        sup = SupervisionService(self.services)

        def withdraw() -> ItemWithdrawn:
            sup.withdraw(item_id)
            return ItemWithdrawn(label)

        post_result(self, "sv-withdraw", withdraw)

    def on_item_withdrawn(self, msg: ItemWithdrawn) -> None:
        self.notify(t("tui.sv.withdrawn", item=msg.label), markup=False)
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()
