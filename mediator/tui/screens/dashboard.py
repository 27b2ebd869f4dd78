"""工作概览 — this week's figures against last week, a 12-week trend, cases by type, the overdue
cases, and exporting any report with a progress indicator and the path of the file written.

``DashboardScreen(kind="weekly")`` is pushed over the current mode (F5, the palette's
导出周报 …); it reads the app's services and paths. The figures come from
``mediator.reports.stats.compute`` (the same numbers as the 周报) in a thread worker; the
charts are drawn with ASCII characters (``#`` registered, ``=`` concluded) and CJK labels only,
because block and box glyphs are ambiguous-width and break alignment in Chinese terminals.
Party names are shortened (张某) as in every summary.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, ProgressBar, Static

from mediator.core.enums import DisputeType
from mediator.core.errors import MediatorError
from mediator.i18n import t
from mediator.reports.build import KINDS, ReportRequest, change_cells, figure_cell, type_rows
from mediator.reports.lists import CaseLine, overdue_cases
from mediator.reports.masking import mask_names_text
from mediator.reports.model import format_cell
from mediator.reports.periods import Period, parse_month, parse_week, week_period
from mediator.reports.stats import Figures, Stats, TrendPoint, compute
from mediator.tui.base import MediatorScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.text import clip, fit, literal
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.data_table import DataTable
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.select import Select

#: the figures compared week on week, in reading order
WEEK_KEYS = ("registered", "accepted", "concluded", "success", "success_rate", "mediating",
             "overdue", "hard_open", "followups_due", "followups_missed", "amount_fen")
OVERDUE_ROWS = 200
CHART_HEIGHT = 8
BAR_WIDTH = 30
EXPORT_KINDS = ("weekly", "monthly", "ledger", "screening", "subsidy")
EXPORT_FORMATS = ("xlsx", "docx", "csv", "md", "json")
STEPS = ("compute", "render", "done")


# --- charts (pure functions: ASCII bars and CJK labels only) --------------------------------


def trend_chart(points: Sequence[TrendPoint], height: int = CHART_HEIGHT) -> Text:
    """A column chart: per ISO week, a ``#`` column (registered) and a ``=`` column
    (concluded), scaled to the largest value, with the week numbers underneath."""
    top = max([max(p.registered, p.concluded) for p in points] + [1])
    axis = len(str(top))

    def bar(value: int) -> int:
        return 0 if value <= 0 else max(1, math.ceil(value / top * height))

    lines = []
    for level in range(height, 0, -1):
        label = str(top) if level == height else ""
        row = label.rjust(axis) + " |"
        for p in points:
            row += ("#" if bar(p.registered) >= level else " ")
            row += ("=" if bar(p.concluded) >= level else " ") + "  "
        lines.append(row.rstrip())
    lines.append("0".rjust(axis) + " +" + "-" * (4 * len(points)))
    lines.append(" " * (axis + 2) + "".join(f"W{p.week.start.isocalendar().week:02d} "
                                          for p in points).rstrip())
    lines.append(" " * (axis + 2) + t("tui.dash.legend"))
    return Text("\n".join(lines), no_wrap=True, end="")


def type_chart(rows: Sequence[tuple[str, int]], width: int = BAR_WIDTH,
               label_cells: int = 14) -> Text:
    """Horizontal ``#`` bars of registered cases per dispute type."""
    if not rows:
        return Text(t("tui.dash.no_cases"), end="")
    top = max([n for _, n in rows] + [1])
    # as wide as the longest name needs (14 道路交通事故纠纷 whole), up to 22 cells
    label_cells = max(label_cells, min(22, max(cell_len(label) for label, _ in rows)))
    lines = []
    for label, n in rows:
        length = 0 if n <= 0 else max(1, round(n / top * width))
        lines.append(f"{fit(label, label_cells)} |{'#' * length} {n}")
    return Text("\n".join(lines), no_wrap=True, end="")


def by_type_counts(stats: Stats) -> list[tuple[str, int]]:
    """Registered per type in the period (sub-types folded into their code's line)."""
    prefix = t("report.of_which", label="")
    return [(label, int(f["registered"] or 0)) for label, f in type_rows(stats.by_type)
            if not label.startswith(prefix) and f["registered"]]


#: the 排查 / 防止 figures the dashboard shows, in reading order (issue 24)
SCREENING_KEYS = ("screening_rounds", "screening_nil_rounds", "screening_nil_villages",
                  "screening_found", "screening_resolved", "screening_prevented",
                  "screening_to_case", "screening_open", "risk_events", "risk_reported",
                  "prevented_criminal_events", "prevented_petition_events",
                  "prevented_suicide_events", "prevented_fight_events")


def screening_text(values: dict[str, int]) -> Text:
    """This week's screening figures, two to a line (label and number)."""
    cells = [f"{t(f'fig.{k}')} {values.get(k, 0)}" for k in SCREENING_KEYS]
    lines = ["    ".join(cells[i:i + 2]) for i in range(0, len(cells), 2)]
    return Text("\n".join(lines))


def change_text(key: str, now: Figures, before: Figures) -> str:
    return format_cell(change_cells(key, now, before)[0])


# --- messages -------------------------------------------------------------------------------


@dataclass
class DashboardLoaded(Message):
    stats: Stats
    types: Stats
    overdue: list[CaseLine]
    overdue_total: int
    #: this week's 排查 / 防止 figures (issue 24), from stats.screening_figures
    screening: dict[str, int] | None = None
    #: the latest 通报 received from the county (issue 22): this township's line, or None
    notice: str | None = None
    #: an office above townships (a county): it may issue a 通报 (Ctrl+T)
    county: bool = False


@dataclass
class ExportStep(Message):
    step: str


@dataclass
class ExportDone(Message):
    path: Path


@dataclass
class ExportFailed(Message):
    error: BaseException


class DashboardScreen(MediatorScreen[None]):
    """工作概览 (see the module docstring)."""

    DEFAULT_CSS = """
    DashboardScreen { layout: vertical; }
    DashboardScreen #dash-title { height: 1; padding: 0 1; text-style: bold;
                                  background: $panel; }
    DashboardScreen #dash-body { height: 1fr; }
    DashboardScreen .dash-row { height: auto; }
    DashboardScreen .dash-box { height: auto; border: round $primary; padding: 0 1;
                                 width: 1fr; }
    DashboardScreen #dash-week { height: auto; max-height: 16; width: 1fr; }
    DashboardScreen #dash-overdue { height: auto; max-height: 14; }
    DashboardScreen #dash-export-row { height: auto; }
    DashboardScreen #dash-export-row > * { margin-right: 1; }
    DashboardScreen #dash-kind { width: 24; }
    DashboardScreen #dash-format { width: 14; }
    DashboardScreen #dash-period { width: 16; }
    DashboardScreen #dash-folder { width: 1fr; }
    DashboardScreen #dash-progress { height: auto; }
    DashboardScreen #dash-status { height: auto; }
    DashboardScreen #dash-error { color: $error; height: auto; }
    DashboardScreen #dash-notice-box { display: none; }
    /* narrower than the figures and the chart side by side: one column, the export form on
       two rows, so nothing wraps or runs off the edge at 80 columns */
    DashboardScreen.-narrow .dash-row { layout: vertical; }
    DashboardScreen.-narrow .dash-row > .dash-box { width: 100%; }
    DashboardScreen.-narrow #dash-export-row { layout: grid; grid-size: 3; grid-rows: auto;
                                               grid-columns: 1fr 1fr 1fr; grid-gutter: 0 1; }
    DashboardScreen.-narrow #dash-export-row > * { width: 100%; margin-right: 0; }
    DashboardScreen.-narrow #dash-folder { column-span: 3; }
    DashboardScreen.-narrow #dash-unmasked { column-span: 2; }
    """

    #: below this width the two boxes of the first row are stacked
    NARROW = 120

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "tui.dash.key.back", id="dashboard.back"),
        Binding("ctrl+r", "reload", "tui.dash.key.reload", id="dashboard.reload"),
        Binding("ctrl+e", "export", "tui.dash.key.export", id="dashboard.export"),
        Binding("ctrl+t", "issue_notice", "tui.dash.key.notice", id="dashboard.notice"),
    ]

    def __init__(self, kind: str = "weekly") -> None:
        """``kind``: the report the export form starts with (the palette's 导出周报 …)."""
        super().__init__()
        translate_bindings(self)
        self.kind = kind if kind in EXPORT_KINDS else "weekly"
        self.stats: Stats | None = None
        self.written: Path | None = None
        #: a county's dashboard (known once the figures are loaded): 发布通报 is offered
        self.county = False

    # --- layout --------------------------------------------------------------------------

    def default_folder(self) -> Path:
        """The exports folder (导出): Documents\\人民调解, where a clerk finds the file."""
        return Path(self.paths.export_folder)

    def compose(self) -> ComposeResult:
        yield Static(Content(t("tui.dash.title")), id="dash-title")
        with VerticalScroll(id="dash-body"):
            with Horizontal(classes="dash-row"):
                with Vertical(classes="dash-box", id="dash-week-box"):
                    yield Label(Content(t("tui.dash.week_vs_last")))
                    yield DataTable(id="dash-week", cursor_type="none", zebra_stripes=True)
                with Vertical(classes="dash-box"):
                    yield Label(Content(t("tui.dash.trend")))
                    yield Static(Text(t("tui.dash.loading")), id="dash-trend")
            with Vertical(classes="dash-box"):
                yield Label(Content(t("tui.dash.by_type")))
                yield Static(Text(t("tui.dash.loading")), id="dash-types")
            with Vertical(classes="dash-box", id="dash-notice-box"):
                yield Static(Text(""), id="dash-notice")
            with Vertical(classes="dash-box"):
                yield Label(Content(t("tui.dash.screening")))
                yield Static(Text(t("tui.dash.loading")), id="dash-screening")
            with Vertical(classes="dash-box"):
                yield Label(Content(t("tui.dash.overdue")), id="dash-overdue-title")
                yield DataTable(id="dash-overdue", cursor_type="row")
            with Vertical(classes="dash-box"):
                yield Label(Content(t("tui.dash.export")))
                with Horizontal(id="dash-export-row"):
                    yield Select([(Content(t(f"tui.dash.kind.{k}")), k) for k in EXPORT_KINDS],
                                 value=self.kind, allow_blank=False, id="dash-kind")
                    yield Select([(Content(f), f) for f in EXPORT_FORMATS], value="xlsx",
                                 allow_blank=False, id="dash-format")
                    yield Input(id="dash-period", placeholder="2026-W47")
                    yield Input(id="dash-folder")
                    yield Checkbox(Content(t("tui.dash.unmasked")), id="dash-unmasked")
                    yield Button(Content(t("tui.dash.export_button")), variant="primary",
                                 id="dash-export")
                yield ProgressBar(total=len(STEPS), show_eta=False, id="dash-progress")
                yield Static(Content(""), id="dash-status")
                yield Button(Content(t("files.open_folder")), id="dash-open")
                yield Static(Content(""), id="dash-error")
        yield Footer()

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width < self.NARROW, "-narrow")

    def on_mount(self) -> None:
        self.set_class(self.app.size.width < self.NARROW, "-narrow")
        if self.app.is_headless:
            for widget in self.query(Input):
                widget.cursor_blink = False
        week = self.query_one("#dash-week", DataTable)
        for key in ("figure", "this_week", "last_week", "change"):
            week.add_column(Text(t(f"tui.dash.col.{key}")), key=key)
        overdue = self.query_one("#dash-overdue", DataTable)
        for key in ("case_no", "parties", "type", "mediator", "deadline", "days"):
            overdue.add_column(Text(t(f"tui.dash.col.{key}")), key=key)
        self.query_one("#dash-period", Input).value = self._default_period(self.kind)
        self.query_one("#dash-folder", Input).value = str(self.default_folder())
        self.query_one("#dash-open", Button).display = False
        self.reload()

    # --- figures -------------------------------------------------------------------------

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()

    @work(thread=True, exclusive=True, group="dashboard", exit_on_error=False)
    def reload(self) -> None:
        try:
            today = self.services.today()
            week = week_period(today)
            stats = compute(self.services.db, week, today)
            # the mix of types over the trend's weeks: a Monday's week alone shows nothing
            span = Period("range", stats.trend[0].week.start, week.end)
            types = compute(self.services.db, span, today, compare=False, trend_weeks=0)
            lines, total = overdue_cases(self.services.db, week, today, limit=OVERDUE_ROWS)
            from mediator.core.supervision import can_assign_from
            from mediator.reports.notice import own_line
            from mediator.reports.stats import screening_figures

            office = self.services.office()
            self.post_message(DashboardLoaded(stats, types, lines, total,
                                              screening_figures(self.services.db, week),
                                              own_line(self.services),
                                              office is not None
                                              and can_assign_from(office.code)))
        except Exception as exc:  # noqa: BLE001 - shown, never fatal
            self.post_message(ExportFailed(exc))

    def on_dashboard_loaded(self, msg: DashboardLoaded) -> None:
        stats = self.stats = msg.stats
        if msg.county != self.county:
            self.county = msg.county
            self.refresh_bindings()
        title = t("tui.dash.title_week", period=stats.period.title, as_of=stats.as_of.isoformat())
        self.query_one("#dash-title", Static).update(literal(title, "bold"))
        week = self.query_one("#dash-week", DataTable)
        week.clear()
        for key in WEEK_KEYS:
            week.add_row(Text(t(f"fig.{key}")),
                         Text(format_cell(figure_cell(key, stats.totals[key])), justify="right"),
                         Text(format_cell(figure_cell(key, stats.previous[key])), justify="right"),
                         Text(change_text(key, stats.totals, stats.previous), justify="right"),
                         key=key)
        self.query_one("#dash-trend", Static).update(trend_chart(stats.trend))
        self.query_one("#dash-types", Static).update(type_chart(by_type_counts(msg.types)))
        if msg.screening is not None:
            self.query_one("#dash-screening", Static).update(screening_text(msg.screening))
        if msg.notice is not None:
            self.query_one("#dash-notice", Static).update(literal(msg.notice))
            self.query_one("#dash-notice-box").display = True
        overdue = self.query_one("#dash-overdue", DataTable)
        overdue.clear()
        for line in msg.overdue:
            overdue.add_row(literal(line.case_no), Text(clip(mask_names_text(line.parties, line.organisations), 20)),
                            literal(DisputeType(line.dispute_type).label),
                            literal(line.mediator or ""),
                            Text(line.deadline_on.isoformat() if line.deadline_on else ""),
                            Text(t("deadline.overdue", days=line.days_overdue), style="red"),
                            key=line.id)
        heading = t("tui.dash.overdue_count", n=msg.overdue_total)
        if msg.overdue_total > len(msg.overdue):
            heading += t("tui.dash.overdue_shown", shown=len(msg.overdue))
        self.query_one("#dash-overdue-title", Label).update(literal(heading))

    # --- export --------------------------------------------------------------------------

    def _default_period(self, kind: str) -> str:
        today = self.services.today()
        if kind == "weekly":
            return week_period(today).label
        return f"{today.year}-{today.month:02d}"

    @on(Select.Changed, "#dash-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.query_one("#dash-period", Input).value = self._default_period(event.value)

    def _period(self, kind: str, text: str) -> Period:
        today = self.services.today()
        if kind == "weekly":
            return parse_week(text, today)
        return parse_month(text, today)

    def action_export(self) -> None:
        self.start_export()

    # --- 通报 (a county, issue 22) ----------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "issue_notice":
            return self.county
        return True

    def action_issue_notice(self) -> None:
        """发布通报: the period's figures of every township below, ranked, for the next 下发."""
        from mediator.tui.dialogs.notice import NoticeDialog

        if not self.county:
            return

        def done(result: tuple[str, int] | None) -> None:
            if result is not None:
                label, n = result
                self.notify(t("notice.issued_cli", period=label, n=n), markup=False)

        self.app.push_screen(NoticeDialog(), done)

    @on(Button.Pressed, "#dash-export")
    def start_export(self) -> None:
        kind = str(self.query_one("#dash-kind", Select).value)
        fmt = str(self.query_one("#dash-format", Select).value)
        error = self.query_one("#dash-error", Static)
        error.update(Content(""))
        try:
            period = self._period(kind, self.query_one("#dash-period", Input).value)
        except MediatorError as exc:
            error.update(literal(exc.message))
            self.query_one("#dash-period", Input).focus()
            return
        folder_text = self.query_one("#dash-folder", Input).value.strip()
        folder = Path(folder_text).expanduser() if folder_text else self.default_folder()
        masked = not self.query_one("#dash-unmasked", Checkbox).value
        assert kind in KINDS
        self.query_one("#dash-progress", ProgressBar).update(progress=0)
        self.query_one("#dash-status", Static).update(Content(t("tui.dash.step.start")))
        self.query_one("#dash-export", Button).disabled = True
        self.query_one("#dash-open", Button).display = False
        self.export(ReportRequest(kind, period, masked=masked), fmt, folder)

    @work(thread=True, exclusive=True, group="dashboard-export", exit_on_error=False)
    def export(self, req: ReportRequest, fmt: str, folder: Path) -> None:
        from mediator.reports.service import export

        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = export(self.services, req, fmt, folder=folder, channel="tui",
                          progress=lambda step: self.post_message(ExportStep(step)))
            self.post_message(ExportDone(path))
        except Exception as exc:  # noqa: BLE001 - shown to the user
            self.post_message(ExportFailed(exc))

    def on_export_step(self, msg: ExportStep) -> None:
        self.query_one("#dash-progress", ProgressBar).update(progress=STEPS.index(msg.step) + 1)
        self.query_one("#dash-status", Static).update(Content(t(f"tui.dash.step.{msg.step}")))

    def on_export_done(self, msg: ExportDone) -> None:
        self.written = msg.path
        self.query_one("#dash-export", Button).disabled = False
        self.query_one("#dash-progress", ProgressBar).update(progress=len(STEPS))
        self.query_one("#dash-status", Static).update(
            literal(t("tui.dash.written", path=str(msg.path))))
        self.notify(t("tui.dash.written", path=str(msg.path)), markup=False)
        self.query_one("#dash-open", Button).display = True

    @on(Button.Pressed, "#dash-open")
    def open_folder(self) -> None:
        """打开文件夹: the folder of the file just written, in Explorer."""
        from mediator.core.desktop import open_folder

        if self.written is None:
            return
        try:
            open_folder(self.written)
        except MediatorError as exc:
            self.query_one("#dash-error", Static).update(literal(exc.message, limit=300))

    def on_export_failed(self, msg: ExportFailed) -> None:
        self.query_one("#dash-export", Button).disabled = False
        exc = msg.error
        if isinstance(exc, MediatorError):
            text = exc.message
        else:
            from mediator.core.logs import log_exception, summary, where_logged

            log_exception(exc, "dashboard")
            text = f"{t('tui.dash.failed', error=summary(exc))} {where_logged()}"
        # room for the log folder's path after a 200-character summary
        self.query_one("#dash-error", Static).update(literal(text, limit=600))
        self.query_one("#dash-status", Static).update(Content(""))


__all__ = ["DashboardScreen", "by_type_counts", "trend_chart", "type_chart"]
