"""A table that draws only the lines on screen (Textual's line API), for long lists.

Why not ``DataTable``: it measures every cell of every row to size its columns, so
``add_rows`` blocked for 10 s on 100,000 rows and took most of a second for the 1,000 items
of a busy agenda. Here a row is whatever plain object the screen hands over; a line is drawn
only when it is visible, through :meth:`LineTable.render_cells`, and cached until the rows,
the width, the cursor or the theme change. Column widths come from the subclass (from the
labels it can show and the rows loaded), never from measuring every row.

User text goes through :func:`mediator.tui.text.fit` into plain ``Segment`` text: it is never
parsed as markup, and control characters were already made visible by ``plain``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from mediator.tui.bindings import translate_bindings
from mediator.tui.text import plain


class LineTable(ScrollView, can_focus=True):
    """Rows under a fixed header line; Enter, or a click on the cursor row, selects."""

    DEFAULT_CSS = """
    LineTable {
        scrollbar-size-vertical: 1;
        overflow-x: hidden;
        height: 1fr;
    }
    LineTable > .line-table--header { text-style: bold; background: $panel; color: $foreground; }
    LineTable > .line-table--cursor { background: $block-cursor-blurred-background; }
    LineTable:focus > .line-table--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    LineTable > .line-table--heading { text-style: bold; color: $text-primary; }
    LineTable > .line-table--overdue { color: $error; text-style: bold; }
    LineTable > .line-table--soon { color: $warning; }
    LineTable > .line-table--muted { color: $text-muted; }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "line-table--header", "line-table--cursor", "line-table--heading",
        "line-table--overdue", "line-table--soon", "line-table--muted",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor(-1)", "tui.key.up", show=False, id="line_table.cursor_prev"),
        Binding("down", "cursor(1)", "tui.key.down", show=False, id="line_table.cursor_next"),
        Binding("pageup", "page(-1)", "tui.key.pageup", show=False, id="line_table.page_prev"),
        Binding("pagedown", "page(1)", "tui.key.pagedown", show=False, id="line_table.page_next"),
        Binding("home", "first", "tui.key.first", show=False, id="line_table.first"),
        Binding("end", "last", "tui.key.last", show=False, id="line_table.last"),
        Binding("enter", "select", "tui.key.open", id="line_table.select"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    class Selected(Message):
        """Enter or a click on the cursor row."""

        def __init__(self, table: LineTable, row: Any) -> None:
            super().__init__()
            self.table = table
            self.row = row

        @property
        def control(self) -> LineTable:
            return self.table

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None):
        super().__init__(name=name, id=id, classes=classes)
        translate_bindings(self)
        self.rows: list[Any] = []
        self.empty_text = ""
        self._cache: LRUCache[tuple[object, ...], Strip] = LRUCache(1024)
        self._generation = 0
        self._last_cursor = 0

    # --- for subclasses ------------------------------------------------------------------

    def layout_columns(self, width: int) -> list[tuple[str, str, int]]:
        """(key, title, width) of the columns shown in ``width`` cells."""
        raise NotImplementedError

    def render_cells(self, row: Any, columns: list[tuple[str, str, int]], base: Style,
                     width: int) -> list[Segment]:
        """The segments of one row (each column padded to its width by the subclass)."""
        raise NotImplementedError

    def selectable(self, row: Any) -> bool:
        """Rows the cursor can rest on (group headings are not)."""
        return True

    def cursor_moved(self) -> None:
        """Called after the cursor or the scroll position changed."""

    def row_prefix(self, row: Any) -> str:
        """The one cell before a row's columns (a mark, where a subclass has them)."""
        return " "

    # --- data --------------------------------------------------------------------------

    def replace_rows(self, rows: Sequence[Any], cursor: int = 0, keep_scroll: bool = False) -> None:
        self.rows = list(rows)
        self._invalidate()
        self._set_height(len(self.rows) + 1)
        if not keep_scroll:
            self.scroll_to(y=0, animate=False)
        self._last_cursor = 0
        self.cursor = self._nearest_selectable(min(cursor, max(0, len(self.rows) - 1)), 1)

    def extend_rows(self, rows: Sequence[Any]) -> None:
        self.rows.extend(rows)
        self._set_height(len(self.rows) + 1)
        self.refresh()
        self.cursor_moved()

    def _set_height(self, lines: int) -> None:
        """The scrollable height (the rows and the header). Textual relays the whole screen
        when a widget's virtual size changes; when the scroll bar stays as it is (shown
        before and after, as for a search's page after the whole list's) nothing else moves:
        the list and its scroll bar are repainted, not the screen relaid (issue 21, bursts)."""
        new = Size(0, lines)
        old = self.virtual_size
        if new == old:
            return
        window = self.scrollable_content_region.height
        if (self.is_mounted and window > 0 and self.show_vertical_scrollbar
                and old.height > window and lines > window):
            self.set_reactive(LineTable.virtual_size, new)
            bar = self.vertical_scrollbar
            bar.window_virtual_size = lines
            bar.refresh()
            self.refresh()
        else:
            self.virtual_size = new

    @property
    def current(self) -> Any | None:
        if 0 <= self.cursor < len(self.rows) and self.selectable(self.rows[self.cursor]):
            return self.rows[self.cursor]
        return None

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

    def on_resize(self, event: events.Resize) -> None:
        self._cache.clear()
        self.cursor_moved()

    def style_of(self, component: str) -> Style:
        return self.get_component_rich_style(f"line-table--{component}")

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            style = self.rich_style + self.style_of("header")
            from mediator.tui.text import fit

            segments = [Segment(" ", style)]
            segments += [Segment(fit(title, w) + " ", style)
                         for _, title, w in self.layout_columns(width)]
            return Strip(segments).adjust_cell_length(width, style)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.rows):
            if not self.rows and y == 2 and self.empty_text:
                style = self.rich_style + self.style_of("muted")
                return Strip([Segment("  " + plain(self.empty_text), style)]).adjust_cell_length(
                    width, self.rich_style)
            return Strip.blank(width, self.rich_style)
        is_cursor = index == self.cursor
        key = (self._generation, index, width, is_cursor, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            base = self.rich_style
            if is_cursor and self.selectable(self.rows[index]):
                base = base + self.style_of("cursor")
            segments = [Segment(self.row_prefix(self.rows[index]), base)]
            segments += self.render_cells(self.rows[index], self.layout_columns(width), base, width)
            strip = Strip(segments).adjust_cell_length(width, base)
            self._cache[key] = strip
        return strip

    # --- movement ----------------------------------------------------------------------

    @property
    def body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - 1)

    def _nearest_selectable(self, index: int, step: int) -> int:
        if not self.rows:
            return 0
        for candidate in (*range(index, len(self.rows) if step > 0 else -1, step),
                          *range(index, -1 if step > 0 else len(self.rows), -step)):
            if self.selectable(self.rows[candidate]):
                return candidate
        return index

    def watch_cursor(self, old: int, new: int) -> None:
        if self.rows:
            target = max(0, min(new, len(self.rows) - 1))
            target = self._nearest_selectable(target, 1 if new >= self._last_cursor else -1)
            if target != new:
                self.cursor = target
                return
        self._last_cursor = new
        self._cache.clear()
        self.refresh()
        top, height = int(self.scroll_y), self.body_height
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + height:
            self.scroll_to(y=new - height + 1, animate=False)
        self.cursor_moved()

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self.cursor_moved()

    def action_cursor(self, step: int) -> None:
        if self.rows:
            self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))

    def action_page(self, direction: int) -> None:
        self.action_cursor(direction * self.body_height)

    def action_first(self) -> None:
        self._last_cursor = 0
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
        if 0 <= index < len(self.rows) and self.selectable(self.rows[index]):
            again = index == self.cursor
            self.cursor = index
            if again or event.chain >= 2:
                self.action_select()
