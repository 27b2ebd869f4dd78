"""The case list: a line-API widget that draws only the rows on screen.

Why not ``DataTable``: ``add_rows`` measures every cell and blocked for 10 s on 100,000 rows,
and even pages of 200 cost a re-measure on every search keystroke. Here a row is a plain
``CaseRow`` and a line is drawn only when it is visible (``render_line``), so replacing the
rows after a keystroke costs nothing however many there are.

Why pages instead of a virtual list of all matches: the list is keyset-paged in SQL
(``queries.list_cases``), which cannot jump to row 50,000 without reading the 49,999 before it.
The widget holds the rows loaded so far and asks for more (:class:`CaseList.NeedMore`) when the
cursor or the scroll position comes within :data:`PREFETCH` rows of the end; the screen fetches
the next page in a thread worker and calls :meth:`append_rows`. The total number of matches is
shown by the screen (``count_cases``), not by the scrollbar.

``End`` cannot wait for every page between: with more rows to come it asks for the last page
itself (:class:`CaseList.NeedEnd`); the screen reads it from the other end in SQL and calls
:meth:`show_end`. The rows then start somewhere in the middle (``has_before``): near the top
the list asks for the page above (:class:`CaseList.NeedBefore`, :meth:`prepend_rows`), and
``Home`` asks for the first page again (:class:`CaseList.NeedStart`).

The widget knows nothing about the database; the screen feeds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding, BindingType
from textual.color import Color, ColorParseError
from textual.message import Message

from mediator.core.enums import CaseState, DisputeType, RiskGrade
from mediator.core.queries import CaseRow
from mediator.i18n import t
from mediator.tui.text import fit, plain
from mediator.tui.widgets.line_table import LineTable

PREFETCH = 60
#: the cell before a marked row (space marks; plain ASCII, drawn on every console)
MARK = "*"
SOON_DAYS = 3


@dataclass(frozen=True)
class Column:
    key: str
    title_key: str
    cap: int  # widest it gets (cells)
    keep: int  # dropped first when the terminal is narrow: lower goes first
    flex: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("case_no", "tui.col.case_no", 26, 9),
    Column("parties", "tui.col.parties", 999, 10, flex=True),
    Column("type", "tui.col.type", 10, 5),
    Column("village", "tui.col.village", 10, 2),
    Column("state", "tui.col.state", 10, 8),
    Column("registered_on", "tui.col.registered_on", 10, 1),
    Column("due", "tui.col.due", 12, 7),
    Column("risk", "tui.col.risk", 10, 6),
)
MIN_PARTIES = 20


def state_label(state: str) -> str:
    """A state as the list's narrow column shows it: a shorter word where the label is longer
    than the column (Not performed → Defaulted), never a label cut mid-word."""
    key = f"tui.state_short.{state}"
    short = t(key)
    return CaseState(state).label if short == key else short


def due_text(row: CaseRow, today: date) -> tuple[str, str]:
    """('余3天', 'soon') for the nearest deadline; the second value picks the colour."""
    if row.next_due_on is None:
        return "", ""
    days = (row.next_due_on - today).days
    if days < 0:
        return t("deadline.overdue", days=-days), "overdue"
    if days == 0:
        return t("deadline.today"), "soon"
    return t("deadline.left", days=days), "soon" if days <= SOON_DAYS else ""


#: colour words a county's rules are written in (蓝黄红 / 黄橙红)
CHINESE_COLOURS = {"红": "red", "橙": "orange", "黄": "yellow", "蓝": "blue", "绿": "green",
                   "紫": "purple", "灰": "grey", "黑": "black", "白": "white"}


def parse_colour(value: str | None) -> Color | None:
    """A CSS colour name (orange, gold), #RRGGBB, rgb(...) or a Chinese colour word (橙色)."""
    text = (value or "").strip().lower()
    text = CHINESE_COLOURS.get(text.removesuffix("色"), text)
    if not text:
        return None
    try:
        return Color.parse(text)
    except ColorParseError:
        return None


def risk_style(colour: str | None) -> Style:
    """A badge in the configured colour with readable text on it (light and dark themes)."""
    parsed = parse_colour(colour)
    if parsed is None:
        return Style(bold=True)
    return Style(bgcolor=parsed.rich_color, color="black" if parsed.brightness > 0.55 else "white",
                 bold=True)


class CaseList(LineTable):
    """The case rows; asks for the next page (:class:`NeedMore`) near the end."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_mark", "tui.cases.key.mark", id="cases.mark"),
        Binding("ctrl+a", "mark_all", "tui.cases.key.mark_all", show=False, id="cases.mark_all"),
    ]

    class NeedMore(Message):
        """The cursor or the view is near the last loaded row and more rows exist."""

        def __init__(self, case_list: CaseList) -> None:
            super().__init__()
            self.case_list = case_list

        @property
        def control(self) -> CaseList:
            return self.case_list

    class MarksChanged(Message):
        """A row was marked or unmarked (space), or the marks were cleared."""

        def __init__(self, case_list: CaseList) -> None:
            super().__init__()
            self.case_list = case_list

        @property
        def control(self) -> CaseList:
            return self.case_list

    class NeedEnd(NeedMore):
        """``End`` pressed while more rows exist than are loaded: show the last page."""

    class NeedBefore(NeedMore):
        """The cursor or the view is near the first loaded row and newer rows exist."""

    class NeedStart(NeedMore):
        """``Home`` pressed while the first rows are not loaded: show the first page."""

    def __init__(self, *, today: date, risk_colours: Mapping[str, str] | None = None,
                 name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        self.today = today
        self.rows: list[CaseRow] = []
        self.has_more = False
        self.has_before = False
        self._asked_more = False
        self._asked_before = False
        self._widths: dict[str, int] = {}
        self._measure_headers()
        self.set_risk_colours(risk_colours or {})
        #: rows marked with space, by case id (issue 22: 督办 of several cases at a county);
        #: marking is offered only where the screen allows it
        self.marked: dict[str, CaseRow] = {}
        self.markable = False

    # --- data --------------------------------------------------------------------------

    def set_risk_colours(self, colours: Mapping[str, str]) -> None:
        self._risk_styles = {g.name: risk_style(colours.get(g.name)) for g in RiskGrade}
        self._invalidate()

    def set_rows(self, rows: Sequence[CaseRow], has_more: bool, keep_id: str | None = None) -> None:
        """Replace the rows (a new search or filter, or a reload after a change)."""
        self.has_more = has_more
        self.has_before = False
        self._asked_more = self._asked_before = False
        self._measure_headers()
        self._measure(rows)
        index = 0
        if keep_id is not None:
            index = next((i for i, r in enumerate(rows) if r.id == keep_id), 0)
        self.replace_rows(rows, index, keep_scroll=keep_id is not None)

    def append_rows(self, rows: Sequence[CaseRow], has_more: bool) -> None:
        self.has_more = has_more
        self._asked_more = False
        if self._measure(rows):
            self._invalidate()
        self.extend_rows(rows)

    def show_end(self, rows: Sequence[CaseRow], has_before: bool) -> None:
        """The last page (the oldest cases), the cursor on its last row."""
        self.has_more = False
        self.has_before = has_before
        self._asked_more = self._asked_before = False
        self._measure(rows)
        self.replace_rows(rows, max(0, len(rows) - 1), keep_scroll=True)
        self._invalidate()
        self.scroll_to(y=max(0, len(rows) - self.body_height), animate=False)

    def prepend_rows(self, rows: Sequence[CaseRow], has_before: bool) -> None:
        """The page above the first loaded row; the cursor and the view stay on their rows."""
        self.has_before = has_before
        self._asked_before = False
        if self._measure(rows):
            self._invalidate()
        shift = len(rows)
        cursor, top = self.cursor, int(self.scroll_y)
        self.replace_rows([*rows, *self.rows], cursor + shift, keep_scroll=True)
        self.scroll_to(y=top + shift, animate=False)

    # --- marks ------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("toggle_mark", "mark_all"):
            return self.markable
        return True

    def action_toggle_mark(self) -> None:
        """Space marks the cursor's case (or unmarks it) and moves on to the next."""
        row = self.current
        if row is None or not self.markable:
            return
        if self.marked.pop(row.id, None) is None:
            self.marked[row.id] = row
        self._invalidate()
        self.post_message(self.MarksChanged(self))
        self.action_cursor(1)

    def action_mark_all(self) -> None:
        """Ctrl+A marks every row shown (e.g. a township's 逾期 cases, filtered), or, when all
        are marked already, clears the marks."""
        if not self.markable or not self.rows:
            return
        if all(r.id in self.marked for r in self.rows):
            self.clear_marks()
            return
        for r in self.rows:
            self.marked.setdefault(r.id, r)
        self._invalidate()
        self.post_message(self.MarksChanged(self))

    def clear_marks(self) -> None:
        if self.marked:
            self.marked.clear()
            self._invalidate()
            self.post_message(self.MarksChanged(self))

    def row_prefix(self, row: CaseRow) -> str:
        return MARK if row.id in self.marked else " "

    def action_last(self) -> None:
        if self.has_more:
            self.post_message(self.NeedEnd(self))
        else:
            super().action_last()

    def action_first(self) -> None:
        if self.has_before:
            self.post_message(self.NeedStart(self))
        else:
            super().action_first()

    # --- layout ------------------------------------------------------------------------

    def _measure_headers(self) -> None:
        labels = {
            "type": [m.label for m in DisputeType],
            "state": [state_label(m.name) for m in CaseState],
            "risk": [f" {m.label} " for m in RiskGrade],
            "registered_on": ["2026-01-01"],
            "due": [t("deadline.overdue", days=99), t("deadline.today")],
        }
        for col in COLUMNS:
            width = cell_len(t(col.title_key))
            for label in labels.get(col.key, ()):
                width = max(width, cell_len(label))
            self._widths[col.key] = min(width, col.cap)

    def _measure(self, rows: Sequence[CaseRow]) -> bool:
        """Widen the data-dependent columns for new rows; True when a width changed."""
        changed = False
        for key, get in (("case_no", lambda r: r.case_no), ("village", lambda r: r.village or "")):
            cap = next(c.cap for c in COLUMNS if c.key == key)
            width = self._widths[key]
            for r in rows:
                width = max(width, cell_len(plain(get(r), limit=40)))
            width = min(width, cap)
            if width != self._widths[key]:
                self._widths[key], changed = width, True
        return changed

    def layout_columns(self, width: int) -> list[tuple[str, str, int]]:
        """The columns that fit in ``width`` cells, with their widths (narrow ones drop)."""
        shown = list(COLUMNS)

        def fixed(cols: list[Column]) -> int:
            return sum(self._widths[c.key] + 1 for c in cols if not c.flex) + 1

        while width - fixed(shown) - 1 < MIN_PARTIES and len(shown) > 2:
            victim = min((c for c in shown if not c.flex), key=lambda c: c.keep)
            shown.remove(victim)
        flex_width = max(4, width - fixed(shown) - 1)
        return [(c.key, t(c.title_key), flex_width if c.flex else self._widths[c.key])
                for c in shown]

    # --- drawing -----------------------------------------------------------------------

    def render_cells(self, row: CaseRow, columns: list[tuple[str, str, int]], base: Style,
                     width: int) -> list[Segment]:
        segments = []
        for key, _, w in columns:
            style = base
            if key == "case_no":
                value = row.case_no
            elif key == "parties":
                value = row.parties
            elif key == "type":
                value = DisputeType(row.dispute_type).label
            elif key == "village":
                value = row.village or ""
            elif key == "state":
                value = state_label(row.state)
            elif key == "registered_on":
                value = row.registered_on.isoformat()
            elif key == "due":
                value, tone = due_text(row, self.today)
                if tone:
                    style = base + self.style_of(tone)
            else:
                grade = RiskGrade(row.risk_grade)
                badge = fit(f" {grade.label} ", min(w, cell_len(grade.label) + 2))
                segments.append(Segment(badge, base + self._risk_styles[grade.name]))
                segments.append(Segment(" " * (w - cell_len(badge) + 1), base))
                continue
            segments.append(Segment(fit(plain(value, limit=200), w), style))
            segments.append(Segment(" ", base))
        return segments

    # --- paging ------------------------------------------------------------------------

    def cursor_moved(self) -> None:
        if self.has_before and not self._asked_before \
                and min(self.cursor, int(self.scroll_y)) <= PREFETCH:
            self._asked_before = True
            self.post_message(self.NeedBefore(self))
        if not self.has_more or self._asked_more:
            return
        last_visible = int(self.scroll_y) + self.body_height
        if max(self.cursor, last_visible) >= len(self.rows) - PREFETCH:
            self._asked_more = True
            self.post_message(self.NeedMore(self))
