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

The widget knows nothing about the database; the screen feeds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color, ColorParseError
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mediator.core.enums import CaseState, DisputeType, RiskGrade
from mediator.core.queries import CaseRow
from mediator.i18n import t
from mediator.tui.bindings import translate_bindings
from mediator.tui.text import fit, plain

PREFETCH = 60
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


class CaseList(ScrollView, can_focus=True):
    """Rows of cases with a fixed header line; Enter or a click on the cursor row selects."""

    DEFAULT_CSS = """
    CaseList {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        height: 1fr;
    }
    CaseList > .case-list--header { text-style: bold; background: $panel; color: $foreground; }
    CaseList > .case-list--cursor { background: $block-cursor-blurred-background; }
    CaseList:focus > .case-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    CaseList > .case-list--overdue { color: $error; text-style: bold; }
    CaseList > .case-list--soon { color: $warning; }
    CaseList > .case-list--muted { color: $text-muted; }
    """

    COMPONENT_CLASSES = {
        "case-list--header", "case-list--cursor", "case-list--overdue", "case-list--soon",
        "case-list--muted",
    }

    BINDINGS = [
        Binding("up", "cursor(-1)", "tui.key.up", show=False),
        Binding("down", "cursor(1)", "tui.key.down", show=False),
        Binding("pageup", "page(-1)", "tui.key.pageup", show=False),
        Binding("pagedown", "page(1)", "tui.key.pagedown", show=False),
        Binding("home", "first", "tui.key.first", show=False),
        Binding("end", "last", "tui.key.last", show=False),
        Binding("enter", "select", "tui.key.open"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Selected(Message):
        def __init__(self, case_list: "CaseList", row: CaseRow) -> None:
            super().__init__()
            self.case_list = case_list
            self.row = row

        @property
        def control(self) -> "CaseList":
            return self.case_list

    class NeedMore(Message):
        """The cursor or the view is near the last loaded row and more rows exist."""

        def __init__(self, case_list: "CaseList") -> None:
            super().__init__()
            self.case_list = case_list

        @property
        def control(self) -> "CaseList":
            return self.case_list

    def __init__(self, *, today: date, risk_colours: Mapping[str, str] | None = None,
                 name: str | None = None, id: str | None = None, classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self)
        self.today = today
        self.rows: list[CaseRow] = []
        self.has_more = False
        self.empty_text = ""
        self._asked_more = False
        self._widths: dict[str, int] = {}
        self._measure_headers()
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._generation = 0
        self.set_risk_colours(risk_colours or {})

    # --- data --------------------------------------------------------------------------

    def set_risk_colours(self, colours: Mapping[str, str]) -> None:
        self._risk_styles = {g.name: risk_style(colours.get(g.name)) for g in RiskGrade}
        self._invalidate()

    def set_rows(self, rows: Sequence[CaseRow], has_more: bool, keep_id: str | None = None) -> None:
        """Replace the rows (a new search or filter, or a reload after a change)."""
        self.rows = list(rows)
        self.has_more = has_more
        self._asked_more = False
        self._measure_headers()
        self._measure(self.rows)
        index = 0
        if keep_id is not None:
            index = next((i for i, r in enumerate(self.rows) if r.id == keep_id), 0)
        self._invalidate()
        self.virtual_size = Size(0, len(self.rows) + 1)
        if keep_id is None:
            self.scroll_to(y=0, animate=False)
        self.cursor = min(index, max(0, len(self.rows) - 1))

    def append_rows(self, rows: Sequence[CaseRow], has_more: bool) -> None:
        self.rows.extend(rows)
        self.has_more = has_more
        self._asked_more = False
        if self._measure(rows):
            self._invalidate()
        self.virtual_size = Size(0, len(self.rows) + 1)
        self.refresh()
        self._check_more()

    @property
    def current(self) -> CaseRow | None:
        if 0 <= self.cursor < len(self.rows):
            return self.rows[self.cursor]
        return None

    # --- layout ------------------------------------------------------------------------

    def _measure_headers(self) -> None:
        labels = {
            "type": [m.label for m in DisputeType],
            "state": [m.label for m in CaseState],
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

    def layout_columns(self, width: int) -> list[tuple[Column, int]]:
        """The columns that fit in ``width`` cells, with their widths (narrow ones drop)."""
        shown = list(COLUMNS)

        def fixed(cols: list[Column]) -> int:
            return sum(self._widths[c.key] + 1 for c in cols if not c.flex) + 1

        while width - fixed(shown) - 1 < MIN_PARTIES and len(shown) > 2:
            victim = min((c for c in shown if not c.flex), key=lambda c: c.keep)
            shown.remove(victim)
        flex_width = max(4, width - fixed(shown) - 1)
        return [(c, flex_width if c.flex else self._widths[c.key]) for c in shown]

    def _invalidate(self) -> None:
        self._generation += 1
        self._cache.clear()
        self.refresh()

    # --- drawing -----------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._invalidate()

    def on_focus(self, event: events.Focus) -> None:
        self._invalidate()

    def on_blur(self, event: events.Blur) -> None:
        self._invalidate()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._header(width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            if not self.rows and y == 2 and self.empty_text:
                return self._message(width, self.empty_text)
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self.cursor
        key = (self._generation, index, width, is_cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._row(self.rows[index], width, is_cursor)
            self._cache[key] = strip
        return strip

    def _header(self, width: int) -> Strip:
        style = self.rich_style + self.get_component_rich_style("case-list--header")
        segments = [Segment(" ", style)]
        for col, w in self.layout_columns(width):
            segments.append(Segment(fit(t(col.title_key), w) + " ", style))
        return Strip(segments).adjust_cell_length(width, style)

    def _message(self, width: int, text: str) -> Strip:
        style = self.rich_style + self.get_component_rich_style("case-list--muted")
        return Strip([Segment("  " + plain(text), style)]).adjust_cell_length(width, self.rich_style)

    def _row(self, row: CaseRow, width: int, is_cursor: bool) -> Strip:
        base = self.rich_style
        if is_cursor:
            base = base + self.get_component_rich_style("case-list--cursor")
        segments = [Segment(" ", base)]
        for col, w in self.layout_columns(width):
            style = base
            if col.key == "case_no":
                value = row.case_no
            elif col.key == "parties":
                value = row.parties
            elif col.key == "type":
                value = DisputeType(row.dispute_type).label
            elif col.key == "village":
                value = row.village or ""
            elif col.key == "state":
                value = CaseState(row.state).label
            elif col.key == "registered_on":
                value = row.registered_on.isoformat()
            elif col.key == "due":
                value, tone = due_text(row, self.today)
                if tone:
                    style = base + self.get_component_rich_style(f"case-list--{tone}")
            else:
                grade = RiskGrade(row.risk_grade)
                badge = fit(f" {grade.label} ", min(w, cell_len(grade.label) + 2))
                segments.append(Segment(badge, base + self._risk_styles[grade.name]))
                segments.append(Segment(" " * (w - cell_len(badge) + 1), base))
                continue
            segments.append(Segment(fit(plain(value, limit=200), w), style))
            segments.append(Segment(" ", base))
        return Strip(segments).adjust_cell_length(width, base)

    # --- movement ----------------------------------------------------------------------

    @property
    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def watch_cursor(self, old: int, new: int) -> None:
        if self.rows:
            clamped = max(0, min(new, len(self.rows) - 1))
            if clamped != new:
                self.cursor = clamped
                return
        self._cache.clear()
        self.refresh()
        self._scroll_to_cursor()
        self._check_more()

    def _scroll_to_cursor(self) -> None:
        top, height = int(self.scroll_y), self._body_height
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._check_more()

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self._check_more()

    def _check_more(self) -> None:
        if not self.has_more or self._asked_more:
            return
        last_visible = int(self.scroll_y) + self._body_height
        if max(self.cursor, last_visible) >= len(self.rows) - PREFETCH:
            self._asked_more = True
            self.post_message(self.NeedMore(self))

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self._body_height)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        if self.rows:
            self.cursor = len(self.rows) - 1

    def action_select(self) -> None:
        row = self.current
        if row is not None:
            self.post_message(self.Selected(self, row))

    async def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:
            return
        index = int(self.scroll_y) + offset.y - 1
        if 0 <= index < len(self.rows):
            again = index == self.cursor
            self.cursor = index
            if again or event.chain >= 2:
                self.action_select()
