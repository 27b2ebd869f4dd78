"""案件 — the home screen: every case, newest first, searched and filtered in SQL.

Data path: a change of the search box starts a thread worker at once (keys typed while a
query runs fold into one next query); it asks ``Services.list_cases`` for the first page and
posts it, waits until that page has been painted, then asks ``Services.count_cases`` and
posts the count (so the count, slow at a county, never delays the list). Each load carries a
generation number, so a page that arrives after a newer keystroke is dropped. Further pages
are fetched when the list asks for them (:class:`CaseList.NeedMore`).
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field, replace
from functools import cache
from typing import ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from mediator.core.enums import CaseState, DisputeType, RiskGrade
from mediator.core.queries import CaseFilter, CaseRow, Cursor
from mediator.i18n import t
from mediator.tui.base import MediatorScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.text import plain
from mediator.tui.widgets.case_list import CaseList
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.nav import NavBar
from mediator.tui.widgets.select import Select
from mediator.tui.work import WorkFailed

PAGE = 200
PAINT_WAIT = 1.0   # seconds the count waits for the first page to be painted, at most
#: turns of the event loop a search waits, at most, for keys already typed to reach the box
DRAIN_TURNS = 50


@cache
def state_groups() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The states of 未结 and 已结 (the state filter's groups), on first use: the rules module
    (and the petition rules it needs) is not imported before the first frame."""
    from mediator.core.rules import TERMINAL_STATES

    return (tuple(s.name for s in CaseState if s not in TERMINAL_STATES),
            tuple(s.name for s in TERMINAL_STATES))


@dataclass
class PageLoaded(Message):
    generation: int
    rows: list[CaseRow]
    next_cursor: Cursor | None
    append: bool
    keep_id: str | None = None
    #: set once the page is on screen (first pages only): the worker counts after that
    painted: threading.Event | None = None


@dataclass
class EndLoaded(Message):
    """A page read from the oldest end (``End``, then the pages above it)."""
    generation: int
    rows: list[CaseRow]
    #: the first row's cursor when newer rows remain above
    before_cursor: Cursor | None
    prepend: bool


@dataclass
class CountLoaded(Message):
    generation: int
    count: int


@dataclass
class ChoicesLoaded(Message):
    villages: list[tuple[str, str]]
    mediators: list[tuple[str, str]]
    office: str
    #: the offices whose cases this database holds (more than one at a county or city)
    offices: list[tuple[str, str]] = field(default_factory=list)
    #: 督办/交办 received and not yet finished (issue 22): shown, with its filter, when any
    supervised: int = 0
    #: the office is above townships (a county): cases can be marked and supervised
    county: bool = False


def state_options() -> list[tuple[Content, str]]:
    opts = [(Content(t("tui.cases.open")), "open"), (Content(t("tui.cases.closed")), "closed")]
    return opts + [(Content(s.label), s.name) for s in CaseState]


class FirstPageFailed(WorkFailed):
    """The first page of query ``generation`` failed."""

    def __init__(self, group: str, error: BaseException, generation: int) -> None:
        super().__init__(group, error)
        self.generation = generation


class CasesScreen(MediatorScreen[None]):
    """The case list with its search box and filters."""

    #: the list has the focus from the first frame (focusing the search box first, then the
    #: list, built the footer twice)
    AUTO_FOCUS = "#cases"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "tui.key.search", key_display="/", id="cases.focus_search"),
        Binding("escape", "clear_search", "tui.key.clear", show=False, id="cases.clear_search"),
        Binding("ctrl+r", "reload", "tui.key.reload", show=False, id="cases.reload"),
        # 督办 the marked cases (or the cursor's) at a county (issue 22)
        Binding("ctrl+d", "supervise_marked", "tui.cases.key.supervise", id="cases.supervise"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.generation = 0
        self.next_cursor: Cursor | None = None
        self.before_cursor: Cursor | None = None
        #: generation of the first-page query in flight (None when idle), and whether the
        #: search box changed while it ran
        self._in_flight: int | None = None
        self._search_dirty = False
        #: a search waits for the keys already typed (_search_when_drained)
        self._search_scheduled = False
        #: the filter of the last first-page query started
        self._last_filter: CaseFilter | None = None
        self._stale = False
        #: Enter was pressed in the search box before its matches arrived: open the first
        self._open_first = False
        #: the filters are mounted after the first frame; choices that arrived before them
        self._filters_mounted = False
        self._pending_choices: ChoicesLoaded | None = None

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        app = self.mediator
        yield NavBar("cases")
        with Horizontal(id="search-row"):
            yield Input(placeholder=t("tui.cases.search_placeholder"), id="search", compact=True,
                        select_on_focus=False)
            yield Static(Content(""), id="count")
            yield Static(Content(""), id="supervised-count", classes="-hidden")
            yield Static(Content(""), id="marked-count", classes="-hidden")
        # the filters are mounted into their row (one line high) after the first frame
        # (_mount_filters): six Selects and two checkboxes were a fifth of the start
        yield Horizontal(id="filters")
        yield CaseList(today=app.today(), risk_colours=app.config.risk_colours,
                       id="cases")
        yield Footer()

    def _filter_widgets(self) -> list[Widget]:
        # imported here: Textual's Checkbox and SelectionList are not needed before the
        # first frame
        from mediator.tui.widgets.checkbox import Checkbox

        return [
            # shown at a county or city, which holds the cases of several offices
            Select([], prompt=t("tui.cases.f_office"), id="f-office", compact=True,
                   classes="-hidden"),
            Select(state_options(), prompt=t("tui.cases.f_state"), id="f-state", compact=True),
            Select([(Content(d.label), d.name) for d in DisputeType],
                   prompt=t("tui.cases.f_type"), id="f-type", compact=True),
            Select([], prompt=t("tui.cases.f_village"), id="f-village", compact=True),
            Select([], prompt=t("tui.cases.f_mediator"), id="f-mediator", compact=True),
            Select([(Content(r.label), r.name) for r in RiskGrade],
                   prompt=t("tui.cases.f_risk"), id="f-risk", compact=True),
            Checkbox(t("tui.cases.f_overdue"), id="f-overdue", compact=True),
            Checkbox(t("tui.cases.f_supervised"), id="f-supervised", compact=True,
                     classes="-hidden"),
        ]

    def on_mount(self) -> None:
        self.mediator.watch_data(self)
        self.mediator.after_first_frame(self._mount_filters, self)
        if self.app.is_headless:
            self.query_one("#search", Input).cursor_blink = False
        self.query_one(CaseList).focus()
        self._choices_loaded = False
        self.reload()

    async def _mount_filters(self) -> None:
        await self.query_one("#filters", Horizontal).mount_all(self._filter_widgets())
        self._filters_mounted = True
        if self._pending_choices is not None:
            choices, self._pending_choices = self._pending_choices, None
            self.on_choices_loaded(choices)

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload(keep=True)
            self.load_choices()

    def data_changed(self, case_id: str | None = None) -> None:
        """Called by the app on ``CasesChanged``: reload now if shown, else when shown."""
        if self.is_current:
            self.reload(keep=True, keep_id=case_id)
            self.load_choices()
        else:
            self._stale = True

    def settings_changed(self) -> None:
        case_list = self.query_one(CaseList)
        case_list.set_risk_colours(self.config.risk_colours)

    # --- the filter ----------------------------------------------------------------------

    def current_filter(self) -> CaseFilter:
        if not self._filters_mounted:
            # the first frame: the filters are not there yet, all of them still unset
            return CaseFilter(query=self.query_one("#search", Input).value)
        from mediator.tui.widgets.checkbox import Checkbox

        def value(widget_id: str) -> str | None:
            v = self.query_one(widget_id, Select).value
            return None if v is Select.NULL else str(v)

        state = value("#f-state")
        states: tuple[str, ...] = ()
        if state == "open":
            states = state_groups()[0]
        elif state == "closed":
            states = state_groups()[1]
        elif state:
            states = (state,)
        return CaseFilter(query=self.query_one("#search", Input).value, states=states,
                          dispute_type=value("#f-type"), village_code=value("#f-village"),
                          mediator_id=value("#f-mediator"), risk_grade=value("#f-risk"),
                          owner_code=value("#f-office"),
                          overdue_only=self.query_one("#f-overdue", Checkbox).value,
                          supervised_only=self.query_one("#f-supervised", Checkbox).value)

    @on(Input.Changed, "#search")
    def _search_changed(self) -> None:
        # Search as you type with no fixed wait: a key typed when no query runs queries as
        # soon as the keys already typed are in the box (a word an input method commits, 王芳
        # or zs, arrives as a burst of keys in one read: one query for all of it, not one
        # for its first key and another for the rest); keys typed while one runs fold into
        # a single query when it returns (a 150 ms debounce made every search wait longer
        # than the query itself).
        self._search_dirty = True
        if self._in_flight is None:
            self._schedule_search()

    def _schedule_search(self) -> None:
        if not self._search_scheduled:
            self._search_scheduled = True
            self.call_later(self._search_when_drained)

    def _input_pending(self) -> bool:
        """Keys typed but not yet in the search box: in the app's queue (the rest of a burst
        the terminal sent in one read), held behind a focus-moving key, or in the box's."""
        app = self.mediator
        search = self.query_one("#search", Input)
        return bool(app.message_queue_size or search.message_queue_size or app.keys_held())

    async def _search_when_drained(self) -> None:
        """Query the search box once the keys already typed have reached it: the app's own
        event loop turns until they have (no timer; a few turns for a burst)."""
        for _ in range(DRAIN_TURNS):
            if not self._input_pending():
                break
            await asyncio.sleep(0)
        self._search_scheduled = False
        if self._in_flight is not None or not self._search_dirty:
            return
        if self.current_filter() == self._last_filter:
            # the box is back to what the list shows (the burst's last key was already in
            # the query its first key started)
            self._search_dirty = False
            case_list = self.query_one(CaseList)
            if self._open_first:
                self._open_first = False
                if case_list.current is not None:
                    self.mediator.open_case(case_list.current.id)
            return
        self.reload()

    @on(Input.Submitted, "#search")
    def _search_submitted(self) -> None:
        """Enter in the search box opens the first match (it only moved to the list, and a
        second Enter opened it); when the matches are still being found, as soon as they are."""
        case_list = self.query_one(CaseList)
        case_list.focus()
        if self._in_flight is None and not self._search_dirty:
            self._open_first = False
            if case_list.current is not None:
                self.mediator.open_case(case_list.current.id)
        else:
            self._open_first = True

    @on(Select.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    def on_checkbox_changed(self) -> None:
        """A filter's checkbox (Checkbox.Changed; the class is imported after the first
        frame, so no ``@on`` with it here)."""
        self.reload()

    def on_key(self, event: events.Key) -> None:
        search = self.query_one("#search", Input)
        case_list = self.query_one(CaseList)
        if event.key == "down" and self.focused is search:
            # down from the search box goes into the list
            case_list.focus()
            event.stop()
        elif (self.focused is case_list and event.is_printable and event.character
              and event.character not in "/ "):
            # typing while the list has focus searches: no need to find the box first
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
            event.prevent_default()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        search = self.query_one("#search", Input)
        if search.value:
            search.value = ""
            self.reload()
        self.query_one(CaseList).focus()

    def action_reload(self) -> None:
        self.reload(keep=True)
        self.load_choices()

    # --- loading -------------------------------------------------------------------------

    def reload(self, keep: bool = False, keep_id: str | None = None) -> None:
        """Load the first page(s) again. ``keep`` reloads as many rows as are loaded now and
        keeps the cursor on the same case."""
        self.generation += 1
        # no page may be asked for from the old list's cursors until the first page is back:
        # a "more" asked for with them would land behind the new first page
        self.next_cursor = None
        self.before_cursor = None
        case_list = self.query_one(CaseList)
        want = PAGE
        if keep:
            want = max(PAGE, min(len(case_list.rows), 2000))
            current = case_list.current
            keep_id = keep_id or (current.id if current else None)
        self.query_one("#count", Static).update(Content(t("tui.cases.counting")), layout=False)
        self._in_flight = self.generation
        self._search_dirty = False
        f = self._last_filter = self.current_filter()
        if self.mediator.first_reader is not None and self.generation == 1:
            # at start from a prepared file: the first page read here, on plain sqlite3 (a few
            # ms), so the first frame already shows it; only the count is left to the worker
            try:
                page = self.mediator.first_reader.list_cases(f, limit=want)
                office = self.mediator.first_reader.office_name()
                if office:
                    # in the first frame, as when the start-up check found it first
                    self.mediator.set_office_title(office)
            except Exception:  # noqa: BLE001, S110 - the worker below reads it again, reports it
                pass
            else:
                painted = threading.Event()
                self.on_page_loaded(PageLoaded(self.generation, page.rows, page.next_cursor,
                                               False, keep_id, painted))
                self._load_first(self.generation, f, want, keep_id, painted)
                return
        self._load_first(self.generation, f, want, keep_id)

    def on_first_page_failed(self, message: FirstPageFailed) -> None:
        """The list's query failed: the next query may run (the app reports the error)."""
        self._first_page_done(message.generation)
        # at start from a prepared file: what waited for the first page runs all the same
        self.mediator.first_page_shown()

    def _first_page_done(self, generation: int) -> None:
        if generation != self._in_flight:
            return
        self._in_flight = None
        if self._search_dirty:
            self._schedule_search()

    @work(thread=True, exclusive=True, group="cases-first", exit_on_error=False)
    def _load_first(self, generation: int, f: CaseFilter, want: int, keep_id: str | None,
                    painted: threading.Event | None = None) -> None:
        """The first page(s) and then the count; ``painted`` given: the page was shown
        already (reload at start), only the count is left."""
        # Services, or at start before it is open the same queries on plain sqlite3
        svc = self.mediator.case_reader()
        rows: list[CaseRow] = []
        cursor: Cursor | None = None
        try:
            while painted is None:
                page = svc.list_cases(f, after=cursor, limit=min(500, want - len(rows)))
                rows.extend(page.rows)
                cursor = page.next_cursor
                if cursor is None or len(rows) >= want:
                    painted = threading.Event()
                    self.post_message(PageLoaded(generation, rows, cursor, False, keep_id,
                                                 painted))
            # the count after the frame: running beside the repaint it delayed the list
            painted.wait(PAINT_WAIT)
            if get_current_worker().is_cancelled:
                return
            self.post_message(CountLoaded(generation, svc.count_cases(f)))
        except Exception as exc:  # noqa: BLE001 - shown to the user, the app keeps running
            self.post_message(FirstPageFailed("cases-first", exc, generation))

    @work(thread=True, exclusive=True, group="cases-more", exit_on_error=False)
    def _load_more(self, generation: int, f: CaseFilter, after: Cursor) -> None:
        try:
            page = self.mediator.case_reader().list_cases(f, after=after, limit=PAGE)
            self.post_message(PageLoaded(generation, page.rows, page.next_cursor, True))
        except Exception as exc:  # noqa: BLE001 - reported by the app
            self.post_message(WorkFailed("cases-more", exc))

    @work(thread=True, exclusive=True, group="cases-end", exit_on_error=False)
    def _load_end(self, generation: int, f: CaseFilter, before: Cursor | None) -> None:
        try:
            page = self.mediator.case_reader().list_cases_before(f, before=before, limit=PAGE)
            self.post_message(EndLoaded(generation, page.rows, page.next_cursor,
                                        before is not None))
        except Exception as exc:  # noqa: BLE001 - reported by the app
            self.post_message(WorkFailed("cases-end", exc))

    @work(thread=True, exclusive=True, group="cases-choices", exit_on_error=False)
    def load_choices(self) -> None:
        svc = self.services
        try:
            villages = [(plain(v.name), v.code) for v in svc.villages()]
            mediators = [(plain(m.name) + ("" if m.active else t("tui.cases.inactive")), m.id)
                         for m in svc.mediators(include_inactive=True)]
            office = svc.office()
            offices = [(f"{plain(o.short_name or o.name)} {o.code}", o.code)
                       for o in svc.offices()]
            from mediator.core.supervision import SupervisionService, can_assign_from

            self.post_message(ChoicesLoaded(villages, mediators, office.name if office else "",
                                            offices, SupervisionService(svc).open_count(),
                                            county=office is not None
                                            and can_assign_from(office.code)))
        except Exception as exc:  # noqa: BLE001 - reported by the app
            self.post_message(WorkFailed("cases-choices", exc))

    def on_page_loaded(self, msg: PageLoaded) -> None:
        if not msg.append:
            self._first_page_done(msg.generation)
        if msg.generation != self.generation:
            if msg.painted is not None:
                msg.painted.set()
            return
        if msg.painted is not None:
            self.mediator.after_first_frame(msg.painted.set, self)
            # at start from a prepared file: the Database opens and the rest is imported now
            self.mediator.after_first_frame(self.mediator.first_page_shown, self)
        case_list = self.query_one(CaseList)
        if msg.append and not case_list.has_more:
            return  # asked for before End showed the last page: its cursor is stale too
        self.next_cursor = msg.next_cursor
        if not self._choices_loaded:
            # the filters' villages and mediators after the first page: the list comes first
            self._choices_loaded = True
            if self.mediator.services_ready:
                self.load_choices()
            else:
                # they need the Database: after the first frame, which must not wait for it
                self.mediator.after_first_frame(self.load_choices, self)
        if msg.append:
            case_list.append_rows(msg.rows, msg.next_cursor is not None)
        else:
            f = self.current_filter()
            filtered = bool(f.query.strip()) or f != replace(CaseFilter(), query=f.query)
            case_list.empty_text = t("tui.cases.no_match") if filtered else t("tui.cases.empty")
            case_list.set_rows(msg.rows, msg.next_cursor is not None, keep_id=msg.keep_id)
            if self._open_first and self._in_flight is None and not self._search_dirty:
                self._open_first = False
                if case_list.current is not None:
                    self.mediator.open_case(case_list.current.id)

    def on_count_loaded(self, msg: CountLoaded) -> None:
        if msg.generation == self.generation:
            # a fixed width (app.tcss): the count changing is a repaint, not a new layout
            key = "tui.cases.count_one" if msg.count == 1 else "tui.cases.count"
            self.query_one("#count", Static).update(
                Content(t(key, n=f"{msg.count:,}")), layout=False)

    def on_choices_loaded(self, msg: ChoicesLoaded) -> None:
        if not self._filters_mounted:
            self._pending_choices = msg
            return
        from mediator.tui.widgets.checkbox import Checkbox

        self.query_one("#f-office", Select).set_class(len(msg.offices) < 2, "-hidden")
        supervised = self.query_one("#f-supervised", Checkbox)
        supervised.set_class(msg.supervised == 0 and not supervised.value, "-hidden")
        badge = self.query_one("#supervised-count", Static)
        badge.set_class(msg.supervised == 0, "-hidden")
        badge.update(Content(t("tui.cases.supervised_count", n=msg.supervised)))
        for widget_id, options in (("#f-office", msg.offices), ("#f-village", msg.villages),
                                   ("#f-mediator", msg.mediators)):
            select = self.query_one(widget_id, Select)
            value = select.value
            with select.prevent(Select.Changed):
                select.set_options([(Content(label), key) for label, key in options])
                if value is not Select.NULL and any(key == value for _, key in options):
                    select.value = value
        if msg.office:
            self.mediator.set_office_title(msg.office)
        case_list = self.query_one(CaseList)
        if case_list.markable != msg.county:
            case_list.markable = msg.county
            self.refresh_bindings()

    # --- 督办 of marked cases (a county) ---------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "supervise_marked":
            return self.query_one(CaseList).markable
        return True

    @on(CaseList.MarksChanged)
    def _marks_changed(self) -> None:
        n = len(self.query_one(CaseList).marked)
        badge = self.query_one("#marked-count", Static)
        badge.set_class(n == 0, "-hidden")
        badge.update(Content(t("tui.cases.marked_count", n=n)))

    def action_supervise_marked(self) -> None:
        from mediator.tui.dialogs.assign import SuperviseManyDialog

        case_list = self.query_one(CaseList)
        if not case_list.markable:
            return
        ids = list(case_list.marked) or (
            [case_list.current.id] if case_list.current is not None else [])
        if not ids:
            self.notify(t("supervision.none_chosen"), markup=False, severity="warning")
            return

        def done(items: list[str] | None) -> None:
            if items is not None:
                case_list.clear_marks()
                self.notify(t("supervise_many.done", n=len(items)), markup=False)

        self.app.push_screen(SuperviseManyDialog(ids), done)

    @on(CaseList.NeedMore)
    def _need_more(self) -> None:
        if self.next_cursor is not None:
            self._load_more(self.generation, self.current_filter(), self.next_cursor)

    @on(CaseList.NeedEnd)
    def _need_end(self) -> None:
        self._load_end(self.generation, self.current_filter(), None)

    @on(CaseList.NeedBefore)
    def _need_before(self) -> None:
        if self.before_cursor is not None:
            self._load_end(self.generation, self.current_filter(), self.before_cursor)

    @on(CaseList.NeedStart)
    def _need_start(self) -> None:
        self.reload()

    def on_end_loaded(self, msg: EndLoaded) -> None:
        if msg.generation != self.generation:
            return
        case_list = self.query_one(CaseList)
        if msg.prepend and not case_list.has_before:
            return
        self.before_cursor = msg.before_cursor
        if msg.prepend:
            case_list.prepend_rows(msg.rows, msg.before_cursor is not None)
        else:
            self.next_cursor = None
            case_list.show_end(msg.rows, msg.before_cursor is not None)

    @on(CaseList.Selected)
    def _open(self, event: CaseList.Selected) -> None:
        self.mediator.open_case(event.row.id)
