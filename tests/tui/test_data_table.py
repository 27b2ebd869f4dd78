"""Tables are drawn with the widths their rows give the columns, however the frames fall."""

from __future__ import annotations

from textual import events
from textual.app import App, ComposeResult

from mediator.tui.widgets.data_table import DataTable


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DataTable(id="t")


async def test_header_follows_the_widths_rows_give_the_columns() -> None:
    """The case file's party table showed a header narrower than its rows whenever a frame was
    drawn between adding the rows and the table's next idle moment (where Textual widens the
    columns): the header line stayed cached with the labels' widths."""
    app = OneTable()
    async with app.run_test(size=(60, 10)) as pilot:
        table = app.query_one(DataTable)
        table.add_column("身份", key="role")
        table.add_column("电话", key="phone")
        await pilot.pause()
        table.add_row("被申请人", "139****1111")
        # A frame drawn now, before the table is idle, has the label-wide columns ...
        assert table.render_line(0).text.rstrip() == " 身份  电话"
        # ... and the next idle moment widens them (called here directly, so that no resize
        # or other event in between can hide a stale line).
        await table._on_idle(events.Idle())
        assert [c.get_render_width(table) for c in table.ordered_columns] == [10, 13]
        assert table.render_line(0).text.rstrip() == " 身份      电话"
        assert table.render_line(1).text.rstrip() == " 被申请人  139****1111"
