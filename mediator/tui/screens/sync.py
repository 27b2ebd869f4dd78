"""同步 — sending this office's package upward on a USB stick, importing what the offices
below sent, the import log and the conflicts list.

Every screen reads the app's services and paths (``MediatorScreen``) and is pushed with
``app.push_screen(SyncScreen())``; the sync work runs in thread
workers that call :class:`mediator.sync.service.SyncService` and report progress and results
back with messages (``mediator.tui.work``). Nothing here reads the database itself. Package, office and file
names come from outside and are shown literally (``mediator.tui.text.literal``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Label,
    ProgressBar,
    Static,
)

from mediator.core.errors import MediatorError
from mediator.core.logs import user_message
from mediator.core.models import local_time
from mediator.i18n import t
from mediator.tui.base import MediatorScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.messages import CasesChanged
from mediator.tui.text import clip, literal, plain
from mediator.tui.widgets.checkbox import SelectionList
from mediator.tui.widgets.data_table import DataTable
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.select import Select
from mediator.tui.work import WorkFailed

if TYPE_CHECKING:
    from mediator.core.paths import Paths
    from mediator.core.services import Services
    from mediator.sync.service import SyncService

PROGRESS_EVERY = 0.1  # seconds between progress updates from a worker


def _sync(services: Services, paths: Paths) -> SyncService:
    from mediator.sync.service import SyncService

    return SyncService(services, paths)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _changed(app: App[Any]) -> None:
    """Tell the case list and the agenda to reload (the app shell's contract)."""
    app.post_message(CasesChanged())


class _Throttle:
    """Forward progress to the screen at most every PROGRESS_EVERY seconds (a message the
    screen applies to its bar and label on the UI thread)."""

    def __init__(self, screen: Screen[Any], bar: ProgressBar, label: Static):
        self.screen, self.bar, self.label = screen, bar, label
        self.last = 0.0

    def show(self, text: str | None, done: float | None, total: float | None,
             force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < PROGRESS_EVERY:
            return
        self.last = now
        self.screen.post_message(ProgressShown(self.bar, self.label, text, done, total))


@dataclass
class ProgressShown(Message):
    """How far a worker got: for ``bar`` (``done`` of ``total``) and its ``label``."""

    bar: ProgressBar
    label: Static
    text: str | None
    done: float | None
    total: float | None


def show_progress(msg: ProgressShown) -> None:
    if msg.total is not None or msg.done is not None:
        msg.bar.update(total=msg.total, progress=msg.done)
    if msg.text is not None:
        msg.label.update(literal(msg.text))


# --- the hub: export here, the rest one key away ---------------------------------------------


@dataclass
class SyncInfo(Message):
    office: str
    fingerprint: str
    recipients: list[tuple[str, str]]   # (label, code)
    default: str | None
    folders: list[str]
    conflicts: int
    last_import: str
    #: at a county (issue 22): the trusted townships directly below, for 下发 (label, code)
    townships: list[tuple[str, str]] | None = None


@dataclass
class ExportDone(Message):
    lines: list[str]
    ok: bool
    copied: bool = False
    folder: Path | None = None      # where the package was written, for 打开文件夹


class SyncScreen(MediatorScreen[None]):
    """数据同步: write this week's package for the office above (to a USB folder)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.sync.key.back", id="sync.back"),
        Binding("ctrl+e", "export", "tui.sync.key.export", id="sync.export"),
        Binding("i", "import_files", "tui.sync.key.import", id="sync.import_files"),
        Binding("l", "log", "tui.sync.key.log", id="sync.log"),
        Binding("c", "conflicts", "tui.sync.key.conflicts", id="sync.conflicts"),
        # 下发 at a county (issue 22): shown once townships below are known
        Binding("ctrl+d", "export_down", "tui.sync.key.down", id="sync.export_down"),
    ]

    DEFAULT_CSS = """
    SyncScreen #down-box { height: auto; }
    SyncScreen #down-box.-hidden { display: none; }
    SyncScreen #down-to { height: auto; max-height: 8; }
    """

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.down_offered = False

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="sync"):
            yield Label(Content(t("tui.sync.title")), classes="screen-title")
            yield Static(Content(t("tui.sync.loading")), id="sync-office")
            yield Label(Content(t("tui.sync.export_title")), classes="section-title")
            yield Label(Content(t("tui.sync.recipient")))
            yield Select([], id="sync-to", prompt=t("tui.sync.choose_recipient"))
            yield Label(Content(t("tui.sync.folder")))
            yield Select([], id="sync-drives", prompt=t("tui.sync.choose_drive"))
            yield Input(placeholder=t("tui.sync.folder_placeholder"), id="sync-folder")
            with Horizontal(classes="buttons"):
                yield Button(Content(t("tui.sync.export")), variant="primary", id="sync-export")
                yield Button(Content(t("tui.sync.import")), id="sync-import")
                yield Button(Content(t("tui.sync.log")), id="sync-log")
                yield Button(Content(t("tui.sync.conflicts")), id="sync-conflicts")
            with Vertical(id="down-box", classes="-hidden"):
                yield Label(Content(t("tui.sync.down_title")), classes="section-title")
                yield Label(Content(t("tui.sync.down_hint")))
                yield SelectionList[str](id="down-to")
                with Horizontal(classes="buttons"):
                    yield Button(Content(t("tui.sync.down")), id="sync-down")
            yield Static(Content(""), id="sync-stage")
            yield ProgressBar(total=None, show_eta=False, id="sync-progress")
            yield Static(Content(""), id="sync-result")
            yield Button(Content(t("files.open_folder")), id="sync-open")
        yield Footer()

    def on_mount(self) -> None:
        if self.app.is_headless:
            for widget in self.query(Input):
                widget.cursor_blink = False
        self.query_one("#sync-progress", ProgressBar).display = False
        self.query_one("#sync-open", Button).display = False
        self.opened_folder: Path | None = None
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="sync-info", exit_on_error=False)
    def load(self) -> None:
        from mediator.sync.keys import format_fingerprint
        from mediator.sync.service import removable_folders

        try:
            sync = _sync(self.services, self.paths)
            office = sync.office()
            fp = format_fingerprint(sync.keys().fingerprint)
            rows = sync.recipients()
            default = sync.default_recipient()
            log = sync.import_log(limit=1)
            from mediator.sync.down import directly_above

            below = [(f"{plain(r.office_name)}（{r.office_code}）", r.office_code) for r in rows
                     if directly_above(office.code, r.office_code)]
            last = (t("tui.sync.last_import", at=local_time(log[0].imported_at),
                      name=plain(log[0].sender_name)) if log else t("tui.sync.never_imported"))
            self.post_message(SyncInfo(
                office=t("tui.sync.office", name=plain(office.name), code=office.code), fingerprint=fp,
                recipients=[(f"{plain(r.office_name)}（{r.office_code}）", r.office_code) for r in rows],
                default=default.office_code if default else None,
                folders=[str(p) for p in removable_folders()],
                conflicts=sync.open_conflict_count(), last_import=last, townships=below))
        except Exception as exc:  # noqa: BLE001 - shown to the user, never a crash
            self.post_message(WorkFailed("sync-info", exc))

    def on_progress_shown(self, msg: ProgressShown) -> None:
        show_progress(msg)

    def on_work_failed(self, msg: WorkFailed) -> None:
        msg.stop()
        self._show_error(msg.error)

    def _show_error(self, exc: BaseException) -> None:
        message = user_message(exc, "sync")
        self.query_one("#sync-result", Static).update(literal(message, "bold red",
                                                              one_line=False))

    def on_sync_info(self, msg: SyncInfo) -> None:
        text = Text()
        text.append_text(literal(msg.office, "bold"))
        text.append("\n" + t("tui.sync.fingerprint", fingerprint=msg.fingerprint))
        text.append("\n")
        text.append_text(literal(msg.last_import))
        if msg.conflicts:
            text.append("\n" + t("tui.sync.open_conflicts", n=msg.conflicts), style="bold yellow")
        self.query_one("#sync-office", Static).update(text)
        to = self.query_one("#sync-to", Select)
        current = to.value
        to.set_options([(literal(label), code) for label, code in msg.recipients])
        if current is not Select.NULL and any(code == current for _, code in msg.recipients):
            to.value = current
        elif msg.default:
            to.value = msg.default
        drives = self.query_one("#sync-drives", Select)
        drives.set_options([(literal(f), f) for f in msg.folders])
        folder = self.query_one("#sync-folder", Input)
        if not folder.value and msg.folders:
            folder.value = msg.folders[0]
        self._show_townships(msg.townships or [])

    # --- 下发 (a county, issue 22) ----------------------------------------------------------

    def _show_townships(self, townships: list[tuple[str, str]]) -> None:
        box = self.query_one("#down-box")
        box.set_class(not townships, "-hidden")
        lst = self.query_one("#down-to", SelectionList)
        chosen = set(lst.selected)
        lst.clear_options()
        lst.add_options([(literal(label), code, code in chosen) for label, code in townships])
        if townships:
            lst.highlighted = 0   # space ticks from the first row on
        if self.down_offered != bool(townships):
            self.down_offered = bool(townships)
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "export_down":
            return self.down_offered
        return True

    @on(Button.Pressed, "#sync-down")
    def action_export_down(self) -> None:
        if not self.down_offered:
            return
        codes = [str(c) for c in self.query_one("#down-to", SelectionList).selected]
        result = self.query_one("#sync-result", Static)
        if not codes:
            result.update(literal(t("tui.sync.down_none"), "bold red", one_line=False))
            return
        folder = self.query_one("#sync-folder", Input).value.strip()
        result.update(Content(""))
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#sync-down", Button).disabled = True
        self.query_one("#sync-open", Button).display = False
        self.run_export_down(codes, Path(folder) if folder else None)

    @work(thread=True, exclusive=True, group="sync-export", exit_on_error=False)
    def run_export_down(self, codes: list[str], folder: Path | None) -> None:
        """``sync export --down CODE…``: one package per township, into ``folder``."""
        try:
            if folder is not None and not folder.is_dir():
                from mediator.sync.errors import SyncIOError

                raise SyncIOError(t("tui.sync.no_folder", path=str(folder)))
            if folder is None:
                folder = Path(self.paths.export_folder)
                folder.mkdir(parents=True, exist_ok=True)
            results = _sync(self.services, self.paths).export_down(codes, output=folder)
        except Exception as exc:  # noqa: BLE001
            self.post_message(ExportDone([user_message(exc, "sync")], False))
            return
        lines = []
        for r in results:
            lines.append(t("tui.sync.down_done", name=r.name,
                           to=r.recipient_name or r.recipient_code,
                           items=r.counts.get("supervision", 0),
                           receipts=r.counts.get("sync_receipt", 0),
                           notices=r.counts.get("notice", 0)))
        copied = any(r.copied for r in results)
        if copied:
            lines.append(t("cli.sync.written", path=str(folder)))
            lines.append(t("sync.safe_to_remove"))
        self.post_message(ExportDone(lines, True, copied, folder))

    @on(Select.Changed, "#sync-drives")
    def _drive(self, event: Select.Changed) -> None:
        if event.value is not Select.NULL:
            self.query_one("#sync-folder", Input).value = str(event.value)

    @on(Button.Pressed, "#sync-export")
    def action_export(self) -> None:
        to = self.query_one("#sync-to", Select).value
        folder = self.query_one("#sync-folder", Input).value.strip()
        self.query_one("#sync-result", Static).update(Content(""))
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.query_one("#sync-export", Button).disabled = True
        self.query_one("#sync-open", Button).display = False
        self.run_export(None if to is Select.NULL else str(to), Path(folder) if folder else None)

    @work(thread=True, exclusive=True, group="sync-export", exit_on_error=False)
    def run_export(self, to: str | None, folder: Path | None) -> None:
        progress = _Throttle(self, self.query_one("#sync-progress", ProgressBar),
                             self.query_one("#sync-stage", Static))

        def on_stage(stage: str, done: int, total: int) -> None:
            progress.show(t(f"sync.stage.{stage}"), done if stage != "snapshot" else None,
                          total if stage != "snapshot" else None)

        try:
            if folder is not None and not folder.is_dir():
                from mediator.sync.errors import SyncIOError

                raise SyncIOError(t("tui.sync.no_folder", path=str(folder)))
            if folder is None:
                # no stick chosen: into 导出, a folder the clerk can find and copy from
                folder = Path(self.paths.export_folder)
                folder.mkdir(parents=True, exist_ok=True)
            result = _sync(self.services, self.paths).export(to=to, output=folder,
                                                             progress=on_stage)
        except Exception as exc:  # noqa: BLE001
            message = user_message(exc, "sync")
            self.post_message(ExportDone([message], False))
            return
        lines = [t("tui.sync.exported", name=result.name, cases=result.cases,
                   to=result.recipient_name or result.recipient_code, size=_size(result.size))]
        if result.copied:
            lines.append(t("cli.sync.written", path=str(result.path)))
        lines.append(t("cli.sync.outbox_copy", path=str(result.outbox_path)))
        if result.copied:
            lines.append(t("sync.safe_to_remove"))
        self.post_message(ExportDone(lines, True, result.copied, result.path.parent))

    def on_export_done(self, msg: ExportDone) -> None:
        self.query_one("#sync-export", Button).disabled = False
        self.query_one("#sync-down", Button).disabled = False
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.display = msg.ok
        if msg.ok:
            bar.update(total=1, progress=1)
        self.query_one("#sync-stage", Static).update(Content(""))
        style = "" if msg.ok else "bold red"
        self.query_one("#sync-result", Static).update(
            literal("\n".join(msg.lines), style, one_line=False))
        if msg.ok:
            self.notify(t("sync.safe_to_remove") if msg.copied else msg.lines[0], markup=False)
        self.opened_folder = msg.folder if msg.ok else None
        self.query_one("#sync-open", Button).display = self.opened_folder is not None

    @on(Button.Pressed, "#sync-open")
    def open_folder(self) -> None:
        """打开文件夹: where the package was just written."""
        from mediator.core.desktop import open_folder

        if self.opened_folder is None:
            return
        try:
            open_folder(self.opened_folder)
        except MediatorError as exc:
            self.query_one("#sync-result", Static).update(literal(exc.message, "bold red",
                                                                  one_line=False))

    @on(Button.Pressed, "#sync-import")
    def action_import_files(self) -> None:
        folder = self.query_one("#sync-folder", Input).value.strip()
        self.app.push_screen(ImportScreen(folder))

    @on(Button.Pressed, "#sync-log")
    def action_log(self) -> None:
        self.app.push_screen(ImportLogScreen())

    @on(Button.Pressed, "#sync-conflicts")
    def action_conflicts(self) -> None:
        self.app.push_screen(ConflictsScreen())

    def action_back(self) -> None:
        self.app.pop_screen()


# --- importing ---------------------------------------------------------------------------------


@dataclass
class FilesFound(Message):
    files: list[str]
    error: str


@dataclass
class FileImported(Message):
    report: Any


@dataclass
class ImportFinished(Message):
    summary: str
    code: int


REPORT_COLUMNS = ("file", "sender", "result", "new", "updated", "unchanged", "older",
                  "conflicts", "rejected", "message")


class ImportScreen(MediatorScreen[None]):
    """导入同步包: pick the packages on a stick, import them, read each file's report."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.sync.key.back", id="sync_import.back"),
        Binding("ctrl+r", "scan", "tui.sync.key.scan", id="sync_import.scan"),
        Binding("ctrl+e", "run", "tui.sync.key.run_import", id="sync_import.run"),
    ]

    def __init__(self, folder: str = "") -> None:
        super().__init__()
        translate_bindings(self)
        self.folder = folder

    def compose(self) -> ComposeResult:
        with Vertical(id="sync-import"):
            yield Label(Content(t("tui.sync.import_title")), classes="screen-title")
            yield Label(Content(t("tui.sync.import_folder")))
            with Horizontal(classes="buttons"):
                yield Input(value=self.folder, placeholder=t("tui.sync.folder_placeholder"),
                            id="import-folder")
                yield Button(Content(t("tui.sync.scan")), id="import-scan")
            yield SelectionList[str](id="import-files")
            with Horizontal(classes="buttons"):
                yield Button(Content(t("tui.sync.run_import")), variant="primary",
                             id="import-run")
            yield Static(Content(""), id="import-stage")
            yield ProgressBar(total=None, show_eta=False, id="import-progress")
            table: DataTable[Text] = DataTable(id="import-report", cursor_type="row")
            yield table
            yield Static(Content(""), id="import-summary")
        yield Footer()

    def on_mount(self) -> None:
        if self.app.is_headless:
            for widget in self.query(Input):
                widget.cursor_blink = False
        self.query_one("#import-progress", ProgressBar).display = False
        table = self.query_one("#import-report", DataTable)
        for key in REPORT_COLUMNS:
            table.add_column(Text(t(f"tui.sync.col.{key}")), key=key)
        if self.folder:
            self.action_scan()
        else:
            self.query_one("#import-folder", Input).focus()

    @on(Input.Submitted, "#import-folder")
    @on(Button.Pressed, "#import-scan")
    def action_scan(self) -> None:
        self.scan(self.query_one("#import-folder", Input).value.strip())

    @work(thread=True, exclusive=True, group="sync-scan", exit_on_error=False)
    def scan(self, folder: str) -> None:
        from mediator.sync.export import SUFFIX

        if not folder:
            self.post_message(FilesFound([], t("tui.sync.need_folder")))
            return
        path = Path(folder).expanduser()
        try:
            if path.is_file():
                files = [path]
            elif path.is_dir():
                files = sorted(p for p in path.iterdir() if p.suffix == SUFFIX and p.is_file())
            else:
                self.post_message(FilesFound([], t("tui.sync.no_folder", path=folder)))
                return
        except OSError as exc:
            self.post_message(FilesFound([], t("sync.io_error", path=folder, error=str(exc))))
            return
        self.post_message(FilesFound([str(f) for f in files],
                                     "" if files else t("sync.no_files")))

    def on_files_found(self, msg: FilesFound) -> None:
        lst = self.query_one("#import-files", SelectionList)
        lst.clear_options()
        for f in msg.files:
            lst.add_option((literal(Path(f).name), f, True))
        self.query_one("#import-summary", Static).update(literal(msg.error, "bold red"))
        if msg.files:
            lst.focus()

    @on(Button.Pressed, "#import-run")
    def action_run(self) -> None:
        files = [Path(f) for f in self.query_one("#import-files", SelectionList).selected]
        if not files:
            self.query_one("#import-summary", Static).update(
                literal(t("tui.sync.nothing_selected"), "bold red"))
            return
        self.query_one("#import-report", DataTable).clear()
        self.query_one("#import-summary", Static).update(Content(""))
        self.query_one("#import-run", Button).disabled = True
        bar = self.query_one("#import-progress", ProgressBar)
        bar.display = True
        bar.update(total=None, progress=0)
        self.run_import(files)

    def on_progress_shown(self, msg: ProgressShown) -> None:
        show_progress(msg)

    @work(thread=True, exclusive=True, group="sync-import", exit_on_error=False)
    def run_import(self, files: list[Path]) -> None:
        from mediator.sync.importer import IMPORTED, Progress, exit_code
        from mediator.sync.merge import Counts

        screen = self
        throttle = _Throttle(self, self.query_one("#import-progress", ProgressBar),
                             self.query_one("#import-stage", Static))

        class UiProgress(Progress):
            total = 0
            units = 0
            n = 0
            prefix = ""

            def start(self, total_units: int, files: int) -> None:
                self.total, self.n = total_units, files
                throttle.show(None, 0, total_units, force=True)

            def file(self, index: int, path: Path) -> None:
                self.prefix = f"[{index + 1}/{self.n}] {plain(path.name)}"
                throttle.show(self.prefix, self.units, self.total, force=True)

            def stage(self, text: str) -> None:
                throttle.show(f"{self.prefix}  {text}", self.units, self.total)

            def advance(self, units: int) -> None:
                self.units += units
                throttle.show(None, self.units, self.total)

            def done(self, report: Any) -> None:
                screen.post_message(FileImported(report))

        try:
            reports = _sync(self.services, self.paths).import_files(files, UiProgress())
        except Exception as exc:  # noqa: BLE001
            message = user_message(exc, "sync")
            self.post_message(ImportFinished(message, 4))
            return
        total = Counts()
        for r in reports:
            if r.status == IMPORTED:
                total.add(r.counts)
        ok = sum(1 for r in reports if r.ok)
        summary = t("sync.report.total", files=len(reports), ok=ok, refused=len(reports) - ok,
                    new=total.new, updated=total.updated, unchanged=total.unchanged,
                    older=total.older, conflicts=total.conflicts)
        self.post_message(ImportFinished(summary, exit_code(reports)))

    def on_file_imported(self, msg: FileImported) -> None:
        from mediator.sync.importer import ALREADY, IMPORTED

        r = msg.report
        c = r.counts
        result = {IMPORTED: t("tui.sync.result.imported"), ALREADY: t("tui.sync.result.already")
                  }.get(r.status, t("tui.sync.result.refused"))
        style = "green" if r.status == IMPORTED and not c.conflicts else \
            "yellow" if r.status != "refused" else "bold red"
        sender = f"{r.sender_name}（{r.sender_code}）" if r.sender_code else ""
        message = r.message if not r.details else f"{r.message} {'; '.join(r.details[:3])}"
        nums = [c.new, c.updated, c.unchanged, c.older, c.conflicts, c.rejected]
        self.query_one("#import-report", DataTable).add_row(
            Text(clip(r.file.name, 36)), Text(clip(sender, 40)), Text(result, style=style),
            *(Text(str(n), justify="right") for n in nums), Text(clip(message, 80)))

    def on_import_finished(self, msg: ImportFinished) -> None:
        self.query_one("#import-run", Button).disabled = False
        self.query_one("#import-stage", Static).update(Content(""))
        bar = self.query_one("#import-progress", ProgressBar)
        bar.update(total=1, progress=1)
        style = "bold" if msg.code in (0, 6) else "bold red"
        self.query_one("#import-summary", Static).update(literal(msg.summary, style,
                                                                 one_line=False))
        _changed(self.app)
        # the imported cases' search entries, left by the merges for after their commits
        # (issue 21): built in the background, searches find those cases meanwhile
        self.mediator.index_pending_cases()

    def action_back(self) -> None:
        self.app.pop_screen()


# --- the import log and the conflicts -------------------------------------------------------------


@dataclass
class LogLoaded(Message):
    rows: list[Any]


class ImportLogScreen(MediatorScreen[None]):
    """导入记录: every package merged here, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "tui.sync.key.back", id="sync_log.back"),
                Binding("ctrl+r", "reload", "tui.sync.key.reload", show=False, id="sync_log.reload")]
    COLUMNS: ClassVar[tuple[str, ...]] = ("at", "sender", "week", "file", "new", "updated", "unchanged", "older",
               "conflicts", "by")

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        yield Label(Content(t("tui.sync.log_title")), classes="screen-title")
        table: DataTable[Text] = DataTable(id="sync-log-table", cursor_type="row")
        yield table
        yield Static(Content(""), id="sync-log-summary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in self.COLUMNS:
            table.add_column(Text(t(f"tui.sync.col.{key}")), key=key)
        table.focus()
        self.action_reload()

    def action_reload(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="sync-log", exit_on_error=False)
    def load(self) -> None:
        try:
            self.post_message(LogLoaded(_sync(self.services, self.paths).import_log()))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("sync-log", exc))

    def on_work_failed(self, msg: WorkFailed) -> None:
        msg.stop()
        self.query_one("#sync-log-summary", Static).update(
            literal(user_message(msg.error, "sync"), "bold red"))

    def on_log_loaded(self, msg: LogLoaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for r in msg.rows:
            table.add_row(Text(local_time(r.imported_at)),
                          Text(clip(f"{r.sender_name}（{r.sender_code}）", 40)), literal(r.week, limit=16),
                          Text(clip(r.file_name, 36)),
                          *(Text(str(n), justify="right") for n in (
                              r.new_rows, r.updated_rows, r.unchanged_rows, r.older_rows,
                              r.conflict_rows)),
                          Text(clip(r.imported_by, 12)), key=r.id)
        self.query_one("#sync-log-summary", Static).update(Content(
            t("tui.sync.log_count", n=len(msg.rows)) if msg.rows else t("sync.log.none")))

    def action_back(self) -> None:
        self.app.pop_screen()


@dataclass
class ConflictsLoaded(Message):
    rows: list[Any]


class ConflictsScreen(MediatorScreen[None]):
    """冲突: two versions of one record; both are kept. Shows what differs; ``r`` marks one
    as dealt with (after talking to the township), ``a`` shows the handled ones too."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "back", "tui.sync.key.back", id="sync_conflicts.back"),
                Binding("r", "resolve", "tui.sync.key.resolve", id="sync_conflicts.resolve"),
                Binding("a", "toggle_all", "tui.sync.key.show_all", id="sync_conflicts.toggle_all")]
    COLUMNS: ClassVar[tuple[str, ...]] = ("kind", "table", "label", "owner", "revision", "detected", "state")

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.show_all = False
        self.rows: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Label(Content(t("tui.sync.conflicts_title")), classes="screen-title")
        table: DataTable[Text] = DataTable(id="sync-conflicts-table", cursor_type="row")
        yield table
        yield Static(Content(""), id="sync-conflict-detail")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        for key in self.COLUMNS:
            table.add_column(Text(t(f"tui.sync.col.{key}")), key=key)
        table.focus()
        self.load()

    @work(thread=True, exclusive=True, group="sync-conflicts", exit_on_error=False)
    def load(self) -> None:
        try:
            rows = _sync(self.services, self.paths).conflicts(include_resolved=self.show_all)
            self.post_message(ConflictsLoaded(rows))
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("conflicts-load", exc))

    def on_work_failed(self, msg: WorkFailed) -> None:
        msg.stop()
        message = user_message(msg.error, "sync")
        if msg.group == "conflicts-load":
            self.query_one("#sync-conflict-detail", Static).update(literal(message, "bold red"))
        else:
            self.notify(message, severity="error", markup=False)

    def on_conflicts_loaded(self, msg: ConflictsLoaded) -> None:
        from mediator.sync.views import conflict_summary

        table = self.query_one(DataTable)
        table.clear()
        self.rows = {r.id: r for r in msg.rows}
        for r in msg.rows:
            v = conflict_summary(r)
            state = t("tui.sync.conflict.open") if r.resolved_at is None else \
                t("tui.sync.conflict.done")
            table.add_row(Text(v.kind), Text(v.table), Text(clip(v.label, 30)),
                          Text(r.owner_code), Text(str(r.revision), justify="right"),
                          Text(local_time(r.detected_at)),
                          Text(state), key=r.id)
        detail = self.query_one("#sync-conflict-detail", Static)
        detail.update(Content(t("sync.conflict.none") if not msg.rows else ""))
        if msg.rows:
            self._detail(msg.rows[0].id)

    @on(DataTable.RowHighlighted)
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._detail(str(event.row_key.value))

    def _detail(self, conflict_id: str) -> None:
        from mediator.sync.views import conflict_summary

        row = self.rows.get(conflict_id)
        if row is None:
            return
        v = conflict_summary(row)
        text = literal(f"{v.table} {v.label}", "bold")
        text.append("\n" + t("tui.sync.conflict.explain"))
        for line in v.differences[:12] or (t("tui.sync.conflict.same_fields"),):
            text.append("\n")
            text.append_text(literal(line))
        self.query_one("#sync-conflict-detail", Static).update(text)

    def current(self) -> Any:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rows.get(str(key))

    def action_resolve(self) -> None:
        row = self.current()
        if row is not None and row.resolved_at is None:
            self.resolve(row.id)

    @work(thread=True, exclusive=True, group="sync-conflicts", exit_on_error=False)
    def resolve(self, conflict_id: str) -> None:
        try:
            _sync(self.services, self.paths).resolve_conflict(conflict_id)
        except Exception as exc:  # noqa: BLE001
            self.post_message(WorkFailed("conflicts-resolve", exc))
            return
        rows = _sync(self.services, self.paths).conflicts(include_resolved=self.show_all)
        self.post_message(ConflictsLoaded(rows))

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
