"""The application shell: modes (案件 / 日程 / 设置), global keys, the command palette, start-up
checks, and the methods other screens call (see the contract in ``mediator.tui``)."""

from __future__ import annotations

import gc
import logging
import threading
import weakref
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.css.stylesheet import Stylesheet
from textual.filter import LineFilter
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen

from mediator.core.config import Config, load_config, save_config
from mediator.core.db import Prepared
from mediator.core.errors import MediatorError
from mediator.core.glyphs import glyph_hint_due, use_safe_glyphs
from mediator.core.paths import Paths
from mediator.i18n import t
from mediator.tui.bindings import translate_bindings
from mediator.tui.glyphs import SafeGlyphs, key_display
from mediator.tui.keys import KeysInOrder
from mediator.tui.messages import CasesChanged
from mediator.tui.screens.cases import CasesScreen
from mediator.tui.text import plain
from mediator.tui.work import WorkFailed

if TYPE_CHECKING:
    from mediator.core.db import Database
    from mediator.core.firstpage import FirstPageReader
    from mediator.core.services import Services

log = logging.getLogger(__name__)

THEMES = {"dark": "textual-dark", "light": "textual-light"}
#: a clock this far behind the newest recorded change is worth a warning
CLOCK_TOLERANCE = timedelta(minutes=10)


#: what to open over the case list at start: a screen, or a function that makes one
FirstScreen = Screen[Any] | Callable[[], Screen[Any]]


#: from this many cases waiting for their search index (an import's), the clerk is told that
#: searches are slower until it is built, and when it is
INDEX_NOTICE = 2_000


class SearchIndexing(Message):
    """The background worker starts on ``count`` (≥ ``INDEX_NOTICE``) cases waiting for their
    search index entries."""

    def __init__(self, count: int) -> None:
        super().__init__()
        self.count = count


class SearchIndexed(Message):
    """The background worker built the search index entries an import left for later
    (``count`` cases; 0 when there were none); ``told``: the clerk was told it started."""

    def __init__(self, count: int, told: bool = False) -> None:
        super().__init__()
        self.count = count
        self.told = told


# Imported when first shown or used, not at start (the agenda, the settings and the palette's
# providers pull in the models, SQLAlchemy and the report modules): see MediatorApp.warm_up.
def _agenda_screen() -> Screen[Any]:
    from mediator.tui.screens.agenda import AgendaScreen

    return AgendaScreen()


def _settings_screen() -> Screen[Any]:
    from mediator.tui.screens.settings import SettingsScreen

    return SettingsScreen()


def _case_lookup() -> Any:
    from mediator.tui.commands import CaseLookup

    return CaseLookup


def _report_commands() -> Any:
    from mediator.tui.commands import ReportCommands

    return ReportCommands


class OfficeChecked(Message):
    """The start-up check found the office ``name`` (None: a database without an office)."""

    def __init__(self, name: str | None) -> None:
        super().__init__()
        self.name = name


class DataView(Protocol):
    """A screen that reloads when the database changed (see :meth:`MediatorApp.watch_data`)."""

    def data_changed(self, case_id: str | None) -> None: ...


def _supervision_commands() -> Any:
    """督办台账 in the palette (issue 22); its screen module loads on first use."""
    from mediator.tui.commands_supervision import SupervisionCommands

    return SupervisionCommands


class StartStylesheet(Stylesheet):
    """Textual's stylesheet, parsing each source once at start instead of three times.

    An app with MODES refreshes its CSS when it shows a mode's first screen (Textual's
    ``_init_mode``): ``set_variables`` emptied the parse cache although the variables had
    not changed, ``reparse`` parsed every source again in a fresh stylesheet whose cache was
    then thrown away, and the next widget class to mount parsed them all a third time —
    app.tcss and App.DEFAULT_CSS three times before the first frame (≈ 10 ms of CPU, measured
    in bench/notes.md, start22). Here unchanged variables keep the cache, and a reparse
    parses in place through it: a source is tokenized again only when its text or the
    variables (the theme) changed. Rules and their order are the same."""

    def set_variables(self, variables: dict[str, str]) -> None:
        if variables == self._variables:
            return
        super().set_variables(variables)

    def reparse(self) -> None:
        self.parse()


class MediatorApp(KeysInOrder, App[int], inherit_bindings=False):
    """mediator's terminal UI; built by :func:`create_app` (the CLI and the tests alike)."""

    CSS_PATH = "app.tcss"
    TITLE = "mediator"
    DEFAULT_MODE = "cases"
    MODES: ClassVar[dict[str, Any]] = {
        "cases": CasesScreen,
        "agenda": _agenda_screen,
        "settings": _settings_screen,
    }
    # the palette's providers are imported when the palette first asks for them
    COMMANDS = App.COMMANDS | {_case_lookup, _report_commands, _supervision_commands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f2", "goto('cases')", "tui.key.cases", id="app.goto_cases"),
        Binding("f3", "goto('agenda')", "tui.key.agenda", id="app.goto_agenda"),
        Binding("f4", "goto('settings')", "tui.key.settings", id="app.goto_settings"),
        Binding("f5", "open_screen('dashboard', 'DashboardScreen')", "tui.key.dashboard",
                id="app.open_screen_dashboard"),
        Binding("f6", "open_screen('sync', 'SyncScreen')", "tui.key.sync",
                id="app.open_screen_sync"),
        Binding("f7", "open_screen('ledger_import', 'LedgerImportScreen')", "tui.key.ledger",
                show=False, id="app.open_screen_ledger_import"),
        Binding("f8", "open_screen('screening', 'ScreeningScreen')", "tui.key.screening",
                show=False, id="app.open_screen_screening"),
        Binding("ctrl+n", "new_case", "tui.key.new_case", id="app.new_case"),
        Binding("ctrl+o", "quick_case", "tui.key.quick_case", id="app.quick_case"),
        Binding("ctrl+t", "toggle_theme", "tui.key.theme", show=False, id="app.toggle_theme"),
        Binding("ctrl+q", "quit", "tui.key.quit", priority=True, id="app.quit"),
        Binding("ctrl+c", "help_quit", show=False, system=True, id="app.help_quit"),
        Binding("ctrl+p", "command_palette", "tui.key.palette", show=False, priority=True,
                id="app.command_palette"),
    ]

    def __init__(self, db: Database | Prepared, operator: str, paths: Paths, *,
                 today: date | Callable[[], date] | None = None, config: Config | None = None,
                 ask_operator: bool = False, first_screen: FirstScreen | None = None):
        """``ask_operator``: no operator name is known (none given, none in the settings):
        ask for one once the office is found, so the audit trail names a person.
        ``first_screen``: opened over the case list at start (a test's screen under test).
        ``db`` a :class:`~mediator.core.db.Prepared` file (the ``mediator`` command): the
        case list's first page is read on plain sqlite3 and the Database (SQLAlchemy, the
        models, ``Services``) opened after the first frame, or at once when something needs
        it first (:attr:`services`)."""
        super().__init__()
        # the theme's variables Textual's own stylesheet was just made with (computing them
        # again is ~1 ms)
        self.stylesheet = StartStylesheet(variables=self.stylesheet._variables)
        self.ask_operator = ask_operator
        self._first_screen = first_screen
        translate_bindings(self)
        self._db: Database | None = None
        self._services: Services | None = None
        self._prepared: Prepared | None = None
        self._open_lock = threading.Lock()
        self.paths = paths
        if config is None:
            config = load_config(paths.config_file)
        self.config = config
        self.operator = operator or config.operator
        if today is None:
            self._today: Callable[[], date] = date.today
        elif isinstance(today, date):
            fixed = today
            self._today = lambda: fixed
        else:
            self._today = today
        #: reads the case list before the Database is open (None once it is, or when the app
        #: was given an open Database)
        self.first_reader: FirstPageReader | None = None
        if isinstance(db, Prepared):
            from mediator.core.firstpage import FirstPageReader

            self._prepared = db
            self.first_reader = FirstPageReader(db.path, self._today)
        else:
            self.db = db
            self.services = self._make_services(db)
        #: None until the start-up check ran; False on a database without an office
        self.has_office: bool | None = None
        #: shown at the left of every navigation bar
        self.office_title = "mediator"
        self._data_views: weakref.WeakSet[Any] = weakref.WeakSet()
        self.theme = THEMES.get(config.theme, THEMES["dark"])
        #: draw only ASCII and Chinese characters (mediator.core.glyphs); fixed at start
        self.safe_glyphs = use_safe_glyphs(config.glyphs)
        self._glyph_filter = SafeGlyphs()

    # --- the database, opened at once or after the first frame ----------------------------

    def _make_services(self, db: Database) -> Services:
        from mediator.core.services import Services

        return Services(db, self.operator, today=self._today)

    def _open_prepared(self) -> None:
        """Open the prepared file (SQLAlchemy, the models, Services): once, from whichever
        thread needs it first (the warm-up after the first frame, or a screen)."""
        with self._open_lock:
            if self._services is not None or self._prepared is None:
                return
            from mediator.core.db import connect_prepared

            db = connect_prepared(self._prepared)
            self._db = db
            self._services = self._make_services(db)
            self.first_reader = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._open_prepared()
        assert self._db is not None
        return self._db

    @db.setter
    def db(self, value: Database) -> None:
        self._db = value

    @property
    def services(self) -> Services:
        """The use cases on the open database (opened here if it is not yet)."""
        if self._services is None:
            self._open_prepared()
        assert self._services is not None
        return self._services

    @services.setter
    def services(self, value: Services) -> None:
        self._services = value

    @property
    def services_ready(self) -> bool:
        return self._services is not None

    def case_reader(self) -> Any:
        """Who reads the case list: ``Services``, or before it is open the first-page reader
        (the same queries on plain sqlite3)."""
        services = self._services
        if services is not None:
            return services
        reader = self.first_reader
        return reader if reader is not None else self.services

    def today(self) -> date:
        return self._today()

    def first_page_shown(self) -> None:
        """The case list's first page is on screen: what was left for after it starts now."""
        if self._after_first_page or self._prepared is None:
            return  # not started from a prepared file: nothing was left for later
        self._after_first_page = True
        if not self._checks_started:
            self.startup_checks()
        self.warm_up()

    _after_first_page = False
    _checks_started = False

    # --- the first frame on the terminal ------------------------------------------------

    #: what waits for the first frame written to the terminal (None once it is out)
    _first_frame_waiting: list[tuple[MessagePump, Callable[[], object]]] | None = None

    def after_first_frame(self, callback: Callable[[], object],
                          node: MessagePump | None = None) -> None:
        """Run ``callback`` (on ``node``'s queue, the app's by default) once the first frame
        is on the terminal; after that (and always when headless: tests and the headless
        probe keep the order they had) after the next refresh, as ``node.call_after_refresh``.

        Textual composes and mounts the first screen inside a batch, before the app is
        running, and drops the displays made then: "after the next refresh" at start came
        before anything was written. The filter row, the navigation buttons, the count and
        the warm-up thread all ran first and put ~100 ms (0.3 s → 0.2 s of CPU measured in a
        real terminal) between the first page being ready and it being seen."""
        node = self if node is None else node
        if self.is_headless or self._first_frame_out:
            node.call_after_refresh(callback)
            return
        if self._first_frame_waiting is None:
            self._first_frame_waiting = []
        self._first_frame_waiting.append((node, callback))

    _first_frame_out = False

    async def _ready(self) -> None:
        await super()._ready()
        if not self.is_headless:
            # what was drawn while the first screen was composed and mounted was dropped
            # (App._display writes nothing before the app runs), and the next display would
            # be only the parts changed since: paint the whole screen once, now (the
            # compositor renders a full update when the screen's region is dirty)
            screen = self.screen
            screen._compositor._dirty_regions.add(screen.size.region)
            screen.refresh()

    def _display(self, screen: Screen, renderable: Any) -> None:
        super()._display(screen, renderable)
        # Textual writes when running, outside a batch, to a driver (App._display)
        if (not self._first_frame_out and renderable is not None and self._running
                and not self._batch_count and not self._closed and self._driver is not None):
            self._first_frame_out = True
            waiting, self._first_frame_waiting = self._first_frame_waiting or [], None
            for node, callback in waiting:
                node.call_later(callback)

    def close_database(self) -> None:
        """Close the Database if it was opened (a prepared file may never have been)."""
        if self._db is not None:
            self._db.close()

    @work(thread=True, exclusive=True, group="warm-up", exit_on_error=False)
    def warm_up(self) -> None:
        """Open the Database and import what start left out (the palette's providers, the
        other screens, pypinyin's dictionary), in a thread after the first frame: the first
        search, case file or agenda does not wait for them."""
        try:
            self._open_prepared()
            import pypinyin  # noqa: F401

            import mediator.tui.commands
            import mediator.tui.screens.agenda
            import mediator.tui.screens.case_file
            import mediator.tui.screens.intake
            import mediator.tui.screens.settings  # noqa: F401
        except Exception as exc:  # noqa: BLE001 - reported; whoever needs it tries again
            self.post_message(WorkFailed("warm-up", exc))

    # --- start ---------------------------------------------------------------------------

    #: warnings of the CLI's start-up checks (database on a network drive or a USB stick):
    #: printed before the screen was taken over, so said again here
    startup_notices: tuple[str, ...] = ()

    def on_mount(self) -> None:
        self.title = t("tui.app.title")
        for text in self.startup_notices:
            self.notify(text, severity="warning", timeout=60, markup=False)
        if self.services_ready:
            self._checks_started = True
            self.startup_checks()
        # else: after the case list's first page (first_page_shown), which must not wait for
        # the Database the checks need
        if self._first_screen is not None:
            first = self._first_screen
            self.push_screen(first if isinstance(first, Screen) else first())
        self.after_first_frame(self._freeze_startup_heap)
        # after the first frame: index entries a ledger import left for later (issue 16)
        self.after_first_frame(self.index_pending_cases)
        if glyph_hint_due(self.config.glyphs, self.config.glyphs_hint_shown):
            # after the first frame: a notice sent before the screen has its toast rack is lost
            self.after_first_frame(self.terminal_hint)

    def terminal_hint(self) -> None:
        """Once: auto chose safe glyphs on the Windows console; Windows Terminal draws better."""
        self.notify(t("glyphs.terminal_hint"), title=t("glyphs.terminal_hint_title"),
                    timeout=30, markup=False)
        self.config.glyphs_hint_shown = True
        if self.config.problem is None:
            try:
                save_config(self.paths.config_file, self.config)
            except OSError:
                log.warning("could not remember that the terminal hint was shown", exc_info=True)

    # --- drawing -------------------------------------------------------------------------

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters, and in safe-glyph mode the one that makes every line safe."""
        filters = super().get_line_filters()
        return [*filters, self._glyph_filter] if self.safe_glyphs else filters

    def get_key_display(self, binding: Binding) -> str:
        shown = super().get_key_display(binding)
        return key_display(shown) if self.safe_glyphs else shown

    def _freeze_startup_heap(self) -> None:
        """Move everything start-up made (modules, styles, the widget tree) out of the
        collector's sight: they live as long as the app, and every full collection walked
        them again. Measured on a 100,000-case list: full collections of 65–107 ms landed
        inside keystrokes (the slowest keystrokes of the benchmark); see bench/notes.md.
        No collection first: on the first frame it would delay the first page. The
        ``mediator`` command starts with the collector off (cli.main: start-up allocates
        hundreds of thousands of objects that all live on, and collecting them was a tenth
        of the start): on from here."""
        gc.freeze()
        gc.enable()

    @work(thread=True, exclusive=True, group="startup", exit_on_error=False)
    def startup_checks(self) -> None:
        """Office present? Missed instalments (未履行), and a PC clock behind the data."""
        try:
            office = self.services.office()
            self.post_message(OfficeChecked(office.name if office is not None else None))
            if office is None:
                return
            missed = self.services.sweep_missed_instalments()
            if missed:
                self.post_message(CasesChanged())
                self.notify(t("tui.app.missed", n=len(missed)), severity="warning", markup=False)
            from mediator.core import workdays

            for text in workdays.warnings(self.services.today()):
                self.notify(text, severity="warning", timeout=30, markup=False)
            newest = self.services.newest_change_at()
            now = datetime.now(UTC)
            if newest is not None and now + CLOCK_TOLERANCE < newest:
                self.notify(t("tui.app.clock_behind", newest=newest.astimezone().strftime("%Y-%m-%d %H:%M"),
                              now=now.astimezone().strftime("%Y-%m-%d %H:%M")),
                            severity="warning", timeout=30, markup=False)
        except Exception as exc:  # noqa: BLE001 - reported, the app keeps running
            self.post_message(WorkFailed("startup", exc))

    @work(thread=True, group="search-index", exit_on_error=False)
    def index_pending_cases(self) -> None:
        """Build the search index entries of imported cases (``search_pending``) in the
        background; searches find those cases meanwhile by scanning their texts."""
        told = False
        try:
            waiting = self.services.pending_search_count()
            if waiting >= INDEX_NOTICE:
                # a county's first import leaves up to a million: searches scan them until
                # the index is built, which the clerk is told rather than left to wonder
                told = True
                self.post_message(SearchIndexing(waiting))
            count = self.services.index_pending_cases()
        except Exception:  # left for the next start; searches still find them
            log.warning("could not build the pending search index entries", exc_info=True)
            return
        self.post_message(SearchIndexed(count, told))

    def on_search_indexing(self, message: SearchIndexing) -> None:
        self.notify(t("tui.index.building", n=f"{message.count:,}"), timeout=30, markup=False)

    def on_search_indexed(self, message: SearchIndexed) -> None:
        if message.told:
            self.notify(t("tui.index.built", n=f"{message.count:,}"), markup=False)

    def on_office_checked(self, message: OfficeChecked) -> None:
        if message.name is not None:
            self.set_office_title(message.name)
        self._office_checked(message.name is not None)

    def _office_checked(self, present: bool) -> None:
        self.has_office = present
        if present and self.ask_operator and not self.config.operator:
            from mediator.tui.dialogs.operator import OperatorDialog

            self.push_screen(OperatorDialog(), self._operator_named)
        if not present:
            # keys hidden on the first-start screen; with an office check_action answers as
            # it did while the check ran, and a refresh would rebuild every footer for nothing
            self.refresh_bindings()
            from mediator.tui.screens.welcome import WelcomeScreen

            self.push_screen(WelcomeScreen())

    def set_office_title(self, title: str) -> None:
        from mediator.tui.widgets.nav import NavBar

        self.office_title = title or "mediator"
        for screen in list(self._data_views):
            for bar in screen.query(NavBar):
                bar.set_title(self.office_title)

    def _operator_named(self, name: str | None) -> None:
        if name:
            self.config.operator = name
            try:
                self.save_settings()
            except OSError as exc:
                self.notify(t("tui.settings.save_failed", error=str(exc)), severity="error",
                            markup=False)

    def office_ready(self) -> None:
        """The first-start screen created the office or opened the demo database."""
        self.has_office = True
        self.refresh_bindings()
        self.post_message(CasesChanged())

    def switch_database(self, db: Database) -> None:
        """Work on another database file from now on (the demo database from first start)."""
        old, self.db = self.db, db
        self.services = self._make_services(db)
        self._prepared = None
        if old is not db:
            old.close()

    # --- the contract with the other screens ---------------------------------------------

    def watch_data(self, screen: DataView) -> None:
        """Screens with a ``data_changed(case_id)`` method register to hear of changes."""
        self._data_views.add(screen)

    def on_work_failed(self, message: WorkFailed) -> None:
        """A worker's error no screen dealt with (see ``mediator.tui.work``)."""
        self.report_error(message.error)

    def on_cases_changed(self, message: CasesChanged) -> None:
        view: DataView
        for view in list(self._data_views):
            view.data_changed(message.case_id)

    # The screens below are imported when first opened, not at start: the case file, intake,
    # dashboard, sync and ledger-import modules (and what they import: reports, documents,
    # sync) are not needed for the first frame.

    def open_case(self, case_id: str) -> None:
        from mediator.tui.screens.case_file import CaseFileScreen

        self.push_screen(CaseFileScreen(case_id))

    def new_case(self) -> None:
        from mediator.tui.screens.intake import IntakeScreen

        self.push_screen(IntakeScreen())

    def quick_case(self) -> None:
        from mediator.tui.screens.intake import QuickCaseScreen

        self.push_screen(QuickCaseScreen())

    def report_error(self, exc: BaseException) -> None:
        """Show an error from a worker: a user's error in their words, anything else briefly
        (and in the log) without stopping the app."""
        if isinstance(exc, MediatorError):
            self.notify(exc.message, severity="error", markup=False)
            return
        from mediator.core.logs import log_exception, summary, where_logged

        log_exception(exc, "tui")
        self.notify(f"{t('tui.app.unexpected', error=plain(summary(exc), limit=300))} "
                    f"{where_logged()}", severity="error", timeout=15, markup=False)

    def _handle_exception(self, error: Exception) -> None:
        """An exception nothing caught ends the app (Textual's rule): write it to the log
        before anything else, so that even a crash while drawing leaves its traceback."""
        from mediator.core.logs import log_exception

        log_exception(error, "tui (fatal)")
        super()._handle_exception(error)

    #: what the user reads after a crash (set by ``_fatal_error``)
    crash_message: str = ""

    def _fatal_error(self) -> None:
        """After the crash the user reads a short message in their language naming the log
        folder, not a Python traceback with local variables (which can hold a party's data);
        ``textual run --dev`` keeps Textual's traceback for developers."""
        if "debug" in self.features or self._exception is None:
            super()._fatal_error()
            return
        from mediator.core.logs import log_folder, summary

        self.bell()
        self.crash_message = t("logs.crashed", error=summary(self._exception),
                               folder=str(log_folder()))
        self._close_messages_no_wait()

    def _print_error_renderables(self) -> None:
        """Print the crash message once the terminal is restored, soft-wrapped by the terminal
        so that the log folder's path stays whole to copy (rich would break it at 80 columns)."""
        if self.crash_message:
            from rich.console import Console

            Console(stderr=True, markup=False, highlight=False, emoji=False,
                    soft_wrap=True).print(self.crash_message)
            self.crash_message = ""
        super()._print_error_renderables()

    # --- actions ---------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # unknown (None) while the start-up check runs: keys work at once; the welcome screen
        # covers everything if the check finds no office
        return not (action in ("goto", "new_case", "quick_case", "open_screen")
                    and self.has_office is False)

    async def action_goto(self, mode: str) -> None:
        """F2/F3/F4 show the mode's own screen (the list, the agenda, the settings), also when
        a case file was left open in that mode or is open now."""
        if self.current_mode != mode:
            await self.switch_mode(mode)
        while len(self.screen_stack) > 1 and not self.screen.is_modal:
            await self.pop_screen()

    def action_new_case(self) -> None:
        self.new_case()

    def action_open_screen(self, module: str, name: str) -> None:
        """Dashboard, sync and ledger import: pushed over the current mode."""
        if self.has_office is False:
            return
        screen = _feature_screen(module, name)
        if isinstance(self.screen, screen):
            return
        self.push_screen(screen())

    def open_report(self, kind: str) -> None:
        """工作概览 with the export form set to ``kind``."""
        from mediator.tui.screens.dashboard import DashboardScreen

        if self.has_office is not False:
            self.push_screen(DashboardScreen(kind=kind))

    def action_command_palette(self) -> None:
        """Ctrl+P: the palette, in the user's language."""
        if self.use_command_palette and not CommandPalette.is_open(self):
            from mediator.tui.commands import Palette

            self.push_screen(Palette())

    def action_quick_case(self) -> None:
        self.quick_case()

    def action_toggle_theme(self) -> None:
        self.theme = THEMES["light"] if self.theme == THEMES["dark"] else THEMES["dark"]
        self.config.theme = "light" if self.theme == THEMES["light"] else "dark"
        self.save_settings()

    def action_refresh(self) -> None:
        self.post_message(CasesChanged())

    def save_settings(self, config: Config | None = None) -> None:
        """Write the settings file and apply what can change at once (theme, colours,
        operator); the language applies at the next start."""
        if config is not None:
            self.config = config
        save_config(self.paths.config_file, self.config)
        self.theme = THEMES.get(self.config.theme, self.theme)
        if self.config.operator and self.config.operator != self.operator:
            self.operator = self.config.operator
            self.services = self._make_services(self.db)
        for view in list(self._data_views):
            changed = getattr(view, "settings_changed", None)
            if changed is not None:
                changed()

    def action_screenshot_to_file(self) -> None:
        path = self.save_screenshot(path=str(self.paths.data))
        self.notify(t("tui.app.screenshot_saved", path=path), markup=False)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action in the command palette, titled in the user's language."""
        if self.has_office is not False:
            yield SystemCommand(t("tui.cmd.cases"), t("tui.cmd.cases_help"),
                                lambda: self.action_goto("cases"))
            yield SystemCommand(t("tui.cmd.agenda"), t("tui.cmd.agenda_help"),
                                lambda: self.action_goto("agenda"))
            yield SystemCommand(t("tui.cmd.settings"), t("tui.cmd.settings_help"),
                                lambda: self.action_goto("settings"))
            yield SystemCommand(t("tui.cmd.new_case"), t("tui.cmd.new_case_help"), self.new_case)
            yield SystemCommand(t("tui.cmd.quick_case"), t("tui.cmd.quick_case_help"),
                                self.quick_case)
            for module, name, key in (
                ("dashboard", "DashboardScreen", "dashboard"), ("sync", "SyncScreen", "sync"),
                ("sync", "ImportLogScreen", "import_log"), ("sync", "ConflictsScreen", "conflicts"),
                ("ledger_import", "LedgerImportScreen", "ledger"),
                ("screening", "ScreeningScreen", "screening"),
            ):
                yield SystemCommand(t(f"tui.cmd.{key}"), t(f"tui.cmd.{key}_help"),
                                    lambda m=module, n=name: self.action_open_screen(m, n))
            yield SystemCommand(t("tui.cmd.refresh"), t("tui.cmd.refresh_help"),
                                self.action_refresh)
        yield SystemCommand(t("tui.cmd.theme"), t("tui.cmd.theme_help"), self.action_toggle_theme)
        if screen.query("HelpPanel"):
            yield SystemCommand(t("tui.cmd.keys_hide"), t("tui.cmd.keys_hide_help"),
                                self.action_hide_help_panel)
        else:
            yield SystemCommand(t("tui.cmd.keys"), t("tui.cmd.keys_help"),
                                self.action_show_help_panel)
        yield SystemCommand(t("tui.cmd.screenshot"), t("tui.cmd.screenshot_help"),
                            lambda: self.set_timer(0.1, self.action_screenshot_to_file))
        yield SystemCommand(t("tui.cmd.quit"), t("tui.cmd.quit_help"), self.action_quit)


def _feature_screen(module: str, name: str) -> type[Screen[Any]]:
    """The class of a screen opened from the keys or the palette (F5, F6, F7), imported on
    first use: reports, sync and the ledger reader are not needed for the first frame."""
    if module == "dashboard":
        from mediator.tui.screens import dashboard

        screen: type[Screen[Any]] = getattr(dashboard, name)
    elif module == "sync":
        from mediator.tui.screens import sync

        screen = getattr(sync, name)
    elif module == "ledger_import":
        from mediator.tui.screens import ledger_import

        screen = getattr(ledger_import, name)
    elif module == "screening":
        from mediator.tui.screens import screening

        screen = getattr(screening, name)
    elif module == "supervision":
        from mediator.tui.screens import supervision

        screen = getattr(supervision, name)
    else:
        raise ValueError(f"no screen module {module!r}")
    return screen


def create_app(db: Database | Prepared, paths: Paths, *, operator: str = "", config: Config | None = None,
               today: date | Callable[[], date] | None = None, ask_operator: bool = False,
               notices: Sequence[str] = (),
               first_screen: FirstScreen | None = None) -> MediatorApp:
    """The app as the ``mediator`` command builds it, and as the tests build it: one factory,
    so what a test drives is what a clerk runs. ``config`` None reads ``paths.config_file``;
    ``today`` a fixed date or clock (tests, snapshots) or None for the real clock; ``notices``
    the CLI's start-up warnings, said again on screen; ``first_screen`` opened over the case
    list at start."""
    app = MediatorApp(db, operator, paths, today=today, config=config, ask_operator=ask_operator,
                      first_screen=first_screen)
    app.startup_notices = tuple(notices)
    return app
