"""导入原有台账 — bring an Excel/WPS/CSV ledger in, seeing first how it will be understood.

Pushed with ``app.push_screen(LedgerImportScreen())`` (F7). The clerk
chooses a file (typing its path or picking it in the folder tree), and the screen shows how
each column was recognised and how the first rows will be imported (the state each case will
be in, and any doubts) before anything is written. 开始导入 then runs the import in a thread
worker with a progress bar and shows the report: cases added, already there, rows left out (in
the companion ``…_未导入.xlsx``), cases imported with doubts.

Reading and importing go through ``mediator.ledger.importer`` (no SQL here); file names,
headers and cell text come from outside and are always shown literally.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import (
    Button,
    DirectoryTree,
    Label,
    ProgressBar,
    Static,
)

from mediator.i18n import t
from mediator.tui.base import MediatorNode, MediatorScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.messages import CasesChanged
from mediator.tui.text import clip, literal
from mediator.tui.widgets.data_table import DataTable
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.select import Select

#: the sheet choice that reads every data sheet of the workbook (the default)
ALL_SHEETS = "\x00all"
LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv", ".txt")
PREVIEW_ROWS = 20
REPORT_LINES = 30
PROGRESS_EVERY = 0.1


class LedgerTree(MediatorNode, DirectoryTree):
    """Folders and ledger files only."""

    def on_mount(self) -> None:
        if self.mediator.safe_glyphs:  # no folder and file pictures: the Windows console cannot draw them
            self.ICON_NODE, self.ICON_NODE_EXPANDED, self.ICON_FILE = "+ ", "- ", "  "

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".")
                and (p.is_dir() or p.suffix.lower() in LEDGER_SUFFIXES)]


@dataclass
class PlanReady(Message):
    plan: Any


@dataclass
class ImportProgress(Message):
    done: int
    total: int


@dataclass
class ImportDone(Message):
    report: Any


@dataclass
class Failed(Message):
    message: str


class LedgerImportScreen(MediatorScreen[Any]):
    """导入原有台账 (dismissed with the report, or None when nothing was imported)."""

    DEFAULT_CSS = """
    LedgerImportScreen #ledger { padding: 0 1; }
    LedgerImportScreen .ledger-title { text-style: bold; padding: 0 0 1 0; }
    LedgerImportScreen .ledger-row { height: auto; }
    LedgerImportScreen .ledger-row > Input { width: 1fr; }
    LedgerImportScreen .ledger-row > Button { margin: 0 0 0 1; min-width: 10; }
    LedgerImportScreen #ledger-tree { height: 12; display: none; border: round $primary; }
    LedgerImportScreen #ledger-tree.-shown { display: block; }
    LedgerImportScreen #ledger-sheet { width: 40; }
    LedgerImportScreen DataTable { height: auto; max-height: 16; margin: 1 0 0 0; }
    LedgerImportScreen #ledger-summary, LedgerImportScreen #ledger-report { height: auto; margin: 1 0 0 0; }
    LedgerImportScreen #ledger-error { color: $error; height: auto; }
    """

    BINDINGS = [
        Binding("escape", "back", "tui.ledger.key.back", id="ledger.back"),
        Binding("ctrl+r", "preview", "tui.ledger.key.preview", id="ledger.preview"),
        Binding("ctrl+s", "run", "tui.ledger.key.run", id="ledger.run", priority=True),
    ]

    def __init__(self, *, start_dir: Path | None = None, file: Path | None = None) -> None:
        super().__init__()
        translate_bindings(self)
        self.start_dir = start_dir or Path.home()
        self.initial_file = file
        self.plan: Any = None
        self.sheet_choice: str | None = None
        self.report: Any = None
        self.running = False

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="ledger"):
            yield Label(Content(t("tui.ledger.title")), classes="ledger-title")
            yield Static(Content(t("tui.ledger.intro")), id="ledger-intro")
            yield Label(Content(t("tui.ledger.file")))
            with Horizontal(classes="ledger-row"):
                yield Input(value=str(self.initial_file or ""),
                            placeholder=t("tui.ledger.file_placeholder"), id="ledger-file")
                yield Button(Content(t("tui.ledger.browse")), id="ledger-browse")
            yield LedgerTree(self.start_dir, id="ledger-tree")
            with Horizontal(classes="ledger-row"):
                yield Select([], id="ledger-sheet", prompt=t("tui.ledger.sheet_prompt"))
                yield Input(placeholder=t("tui.ledger.mapping_placeholder"), id="ledger-mapping")
            with Horizontal(classes="ledger-row"):
                yield Button(Content(t("tui.ledger.preview")), id="ledger-preview")
                yield Button(Content(t("tui.ledger.run")), variant="primary", id="ledger-run",
                             disabled=True)
                yield Button(Content(t("tui.ledger.back")), id="ledger-back")
            yield Static(Content(""), id="ledger-error")
            yield Static(Content(""), id="ledger-summary")
            columns: DataTable[Text] = DataTable(id="ledger-columns", cursor_type="row",
                                                 zebra_stripes=True)
            yield columns
            rows: DataTable[Text] = DataTable(id="ledger-rows", cursor_type="row",
                                              zebra_stripes=True)
            yield rows
            yield ProgressBar(total=None, id="ledger-progress")
            yield Static(Content(""), id="ledger-report")
        yield Footer()

    def on_mount(self) -> None:
        if self.app.is_headless:
            for widget in self.query(Input):
                widget.cursor_blink = False
        self.query_one("#ledger-sheet", Select).display = False
        self.query_one("#ledger-progress", ProgressBar).display = False
        cols = self.query_one("#ledger-columns", DataTable)
        cols.add_columns(*(t(f"tui.ledger.col.{k}") for k in ("letter", "header", "field")))
        rows = self.query_one("#ledger-rows", DataTable)
        rows.add_columns(*(t(f"tui.ledger.row.{k}")
                           for k in ("row", "date", "parties", "type", "state", "note")))
        cols.display = rows.display = False
        self.query_one("#ledger-file", Input).focus()
        if self.initial_file:
            self.action_preview()

    # --- choosing the file -------------------------------------------------------------

    @on(Button.Pressed, "#ledger-browse")
    def _browse(self) -> None:
        tree = self.query_one("#ledger-tree", LedgerTree)
        tree.toggle_class("-shown")
        if tree.has_class("-shown"):
            tree.focus()

    @on(DirectoryTree.FileSelected, "#ledger-tree")
    def _picked(self, event: DirectoryTree.FileSelected) -> None:
        self.query_one("#ledger-file", Input).value = str(event.path)
        self.query_one("#ledger-tree", LedgerTree).remove_class("-shown")
        self.query_one("#ledger-sheet", Select).clear()
        self.action_preview()

    @on(Input.Submitted, "#ledger-file")
    @on(Input.Submitted, "#ledger-mapping")
    def _submitted(self) -> None:
        self.action_preview()

    @on(Select.Changed, "#ledger-sheet")
    def _sheet(self, event: Select.Changed) -> None:
        if self.plan is None or event.value is Select.NULL:
            return
        shown = ALL_SHEETS if len(self.plan.parts) != 1 or self.sheet_choice is None \
            else self.plan.table.sheet
        if event.value != shown:
            self.action_preview()

    # --- preview -----------------------------------------------------------------------

    def _inputs(self) -> tuple[Path | None, str | None, Path | None]:
        text = self.query_one("#ledger-file", Input).value.strip().strip('"')
        sheet = self.query_one("#ledger-sheet", Select).value
        mapping = self.query_one("#ledger-mapping", Input).value.strip().strip('"')
        return (Path(text).expanduser() if text else None,
                None if sheet is Select.NULL or sheet == ALL_SHEETS else str(sheet),
                Path(mapping).expanduser() if mapping else None)

    def action_preview(self) -> None:
        if self.running:
            return
        path, sheet, mapping = self._inputs()
        self.sheet_choice = sheet
        self._error("")
        if path is None:
            self._error(t("tui.ledger.no_file"))
            return
        self.plan = None
        self.query_one("#ledger-run", Button).disabled = True
        self.query_one("#ledger-summary", Static).update(Content(t("tui.ledger.reading")))
        self.query_one("#ledger-report", Static).update(Content(""))
        self.query_one("#ledger-progress", ProgressBar).display = False
        self.read_plan(path, sheet, mapping)

    @work(thread=True, exclusive=True, group="ledger-plan", exit_on_error=False)
    def read_plan(self, path: Path, sheet: str | None, mapping: Path | None) -> None:
        from mediator.ledger.importer import plan_ledger

        try:
            plan = plan_ledger(path, self.services.today(), sheet=sheet, mapping_path=mapping)
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            self.post_message(Failed(getattr(exc, "message", None) or str(exc)))
            return
        self.post_message(PlanReady(plan))

    def on_plan_ready(self, msg: PlanReady) -> None:
        from mediator.ledger.importer import field_label, preview_rows

        plan = self.plan = msg.plan
        layout = plan.layout
        first, last = layout.header_start + 1, layout.header_start + layout.header_rows
        summary = Text()
        summary.append_text(literal(plan.path.name, "bold"))
        summary.append("  " + t("tui.ledger.summary", rows=len(plan.rows), cases=len(plan.cases),
                                rejected=len(plan.rejected),
                                header=str(first) if first == last else f"{first}–{last}"))
        if plan.missing:
            summary.append("\n" + t("cli.import.ledger.missing", fields="、".join(
                field_label(f) for f in plan.missing)), style="yellow")
        if plan.unmatched_mapping:
            summary.append("\n")
            summary.append_text(literal(t("tui.ledger.mapping_unmatched", keys="、".join(
                plan.unmatched_mapping)), "yellow"))

        if plan.several:
            summary.append("\n" + t("cli.import.ledger.sheets_read", n=len(plan.parts),
                                     sheets="、".join(p.table.sheet or "" for p in plan.parts)))
        for name, why in plan.skipped_sheets:
            summary.append("\n")
            summary.append_text(literal(t("cli.import.ledger.sheet_skipped", sheet=name,
                                          reason=why), "dim"))
        self.query_one("#ledger-summary", Static).update(summary)

        sheet = self.query_one("#ledger-sheet", Select)
        if len(plan.table.sheets) > 1:
            with self.prevent(Select.Changed):
                sheet.set_options([(t("tui.ledger.all_sheets"), ALL_SHEETS)]
                                  + [(literal(n), n) for n in plan.table.sheets])
                sheet.value = ALL_SHEETS if self.sheet_choice is None else plan.table.sheet
            sheet.display = True
        else:
            sheet.display = False

        cols = self.query_one("#ledger-columns", DataTable)
        cols.clear()
        for col in layout.columns:
            if col.how == "empty":
                continue
            if col.field:
                target = Text(field_label(col.field))
                if col.how == "mapping":
                    target.append(t("cli.import.ledger.by_mapping"), style="italic")
            elif col.how == "ignored":
                target = Text(t("cli.import.ledger.ignored"), style="dim")
            else:
                target = Text(t("tui.ledger.unknown"), style="yellow")
            cols.add_row(Text(col.letter), literal(col.header, limit=40), target)
        rows = self.query_one("#ledger-rows", DataTable)
        rows.clear()
        for p in preview_rows(plan, self.services.today(), PREVIEW_ROWS):
            style = "red" if p.rejected else ("yellow" if p.note else "")
            rows.add_row(literal(p.place if plan.several else str(p.row_no)), Text(p.date),
                         literal(clip(p.parties, 24)), literal(clip(p.type, 20)), Text(p.state, style=style),
                         literal(clip(p.note, 60), style))
        cols.display = rows.display = True
        self.query_one("#ledger-run", Button).disabled = not plan.cases

    def on_failed(self, msg: Failed) -> None:
        self.running = False
        self.query_one("#ledger-summary", Static).update(Content(""))
        self.query_one("#ledger-progress", ProgressBar).display = False
        self._error(msg.message)
        self.query_one("#ledger-run", Button).disabled = self.plan is None or not self.plan.cases

    def _error(self, message: str) -> None:
        self.query_one("#ledger-error", Static).update(literal(message, one_line=False))

    # --- import ------------------------------------------------------------------------

    def action_run(self) -> None:
        if self.running or self.plan is None or not self.plan.cases:
            return
        self.running = True
        self._error("")
        self.query_one("#ledger-run", Button).disabled = True
        self.query_one("#ledger-preview", Button).disabled = True
        bar = self.query_one("#ledger-progress", ProgressBar)
        bar.display = True
        bar.update(total=len(self.plan.cases), progress=0)
        self.query_one("#ledger-report", Static).update(Content(t("tui.ledger.importing")))
        self.run_import(self.plan)

    @on(Button.Pressed, "#ledger-run")
    def _run_pressed(self) -> None:
        self.action_run()

    @on(Button.Pressed, "#ledger-preview")
    def _preview_pressed(self) -> None:
        self.action_preview()

    @work(thread=True, exclusive=True, group="ledger-run", exit_on_error=False)
    def run_import(self, plan: Any) -> None:
        from mediator.ledger.importer import run_import

        last = [0.0]

        def progress(done: int, total: int) -> None:
            now = time.monotonic()
            if done < total and now - last[0] < PROGRESS_EVERY:
                return
            last[0] = now
            self.post_message(ImportProgress(done, total))

        try:
            report = run_import(plan, self.services, progress=progress,
                                fallback_dir=self.paths.data if self.paths is not None else None)
        except Exception as exc:  # noqa: BLE001 - nothing was written (one transaction)
            self.post_message(Failed(getattr(exc, "message", None) or str(exc)))
            return
        self.post_message(ImportDone(report))

    def on_import_progress(self, msg: ImportProgress) -> None:
        self.query_one("#ledger-progress", ProgressBar).update(total=msg.total, progress=msg.done)

    def on_import_done(self, msg: ImportDone) -> None:
        self.running = False
        self.report = report = msg.report
        self.query_one("#ledger-preview", Button).disabled = False
        bar = self.query_one("#ledger-progress", ProgressBar)
        bar.update(total=max(1, len(report.plan.cases)), progress=max(1, len(report.plan.cases)))
        self.query_one("#ledger-report", Static).update(self.report_text(report))
        self.app.post_message(CasesChanged())
        self.notify(t("tui.ledger.done", imported=report.imported), markup=False)
        if report.imported and not report.result.dry_run:
            self.mediator.index_pending_cases()  # their search index, in the background

    @staticmethod
    def report_text(report: Any) -> Text:
        text = Text()
        text.append(t("cli.import.ledger.summary", imported=report.imported,
                      existing=report.existing, rejected=len(report.rejected),
                      flagged=len(report.flagged), seconds=f"{report.seconds:.1f}"),
                    style="bold")
        if report.result.new_mediators:
            text.append("\n")
            text.append_text(literal(t("cli.import.ledger.new_mediators",
                                       names="、".join(report.result.new_mediators))))
        if report.flagged:
            text.append("\n" + t("cli.import.ledger.flagged_title", n=len(report.flagged)),
                        style="yellow")
            for r in report.flagged[:REPORT_LINES]:
                text.append("\n  ")
                text.append_text(literal(t("cli.import.ledger.flagged_at", place=report.place(r),
                                           case=r.case_no, flags="；".join(r.flags))))
        if report.changed:
            from mediator.ledger.importer import describe_change

            text.append("\n" + t("cli.import.ledger.changed_title", n=len(report.changed)),
                        style="yellow")
            for r in report.changed[:REPORT_LINES]:
                text.append("\n  ")
                text.append_text(literal(t("cli.import.ledger.changed_row", place=report.place(r),
                                           case=r.case_no or "",
                                           changes=describe_change(report, r))))
        if report.duplicates:
            text.append("\n" + t("cli.import.ledger.duplicates_title",
                                  n=len(report.duplicates)), style="yellow")
            for d in report.duplicates[:REPORT_LINES]:
                text.append("\n  ")
                text.append_text(literal(t("cli.import.ledger.duplicate_row",
                                           place=report.plan.place(d),
                                           other=d.duplicate_of)))
        if report.rejected:
            text.append("\n" + t("cli.import.ledger.rejected_title", n=len(report.rejected)),
                        style="red")
            for where, reason in report.rejected_at[:REPORT_LINES]:
                text.append("\n  ")
                text.append_text(literal(t("ledger.reject.at", place=where, reason=reason)))
        shown = max(len(report.flagged), len(report.rejected), len(report.changed),
                    len(report.duplicates))
        if shown > REPORT_LINES:
            text.append("\n" + t("tui.ledger.see_cli"))
        if report.reject_file is not None:
            text.append("\n")
            text.append_text(literal(
                t("cli.import.ledger.reject_file_moved", folder=str(report.plan.path.parent),
                  path=str(report.reject_file)) if report.reject_moved
                else t("cli.import.ledger.reject_file", path=str(report.reject_file)), "bold"))
        if report.reject_error is not None:
            text.append("\n")
            text.append_text(literal(t("cli.import.ledger.reject_file_failed",
                                       error=report.reject_error), "red"))
        if report.reject_removed is not None:
            text.append("\n")
            text.append_text(literal(t("cli.import.ledger.reject_file_removed",
                                       path=str(report.reject_removed))))
        return text

    def action_back(self) -> None:
        if self.running:
            self.notify(t("tui.ledger.wait"), markup=False)
            return
        self.dismiss(self.report)

    @on(Button.Pressed, "#ledger-back")
    def _back_pressed(self) -> None:
        self.action_back()
