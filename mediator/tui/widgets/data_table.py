"""Textual's DataTable, with its header kept in step with its column widths."""

from __future__ import annotations

from collections.abc import Iterable

from textual.widgets import DataTable as TextualDataTable
from textual.widgets._data_table import CellType, RowKey


class DataTable(TextualDataTable[CellType]):
    """Textual 8.2.8's DataTable caches each rendered line under a counter of updates, but
    widening the columns to fit newly added rows (done when the widget is next idle) does not
    advance that counter. A line drawn between ``add_row`` and that idle moment, typically the
    header, is then served from the cache with the old widths for as long as nothing else
    changes: the header stays narrower than the rows beneath it. Here a change of widths
    advances the counter, so every line is drawn again with the widths the rows have."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        before = [column.get_render_width(self) for column in self.ordered_columns]
        super()._update_dimensions(new_rows)
        after = [column.get_render_width(self) for column in self.ordered_columns]
        if after != before:
            self._update_count += 1
            self.refresh()
