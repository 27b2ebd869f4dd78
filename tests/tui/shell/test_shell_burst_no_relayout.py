"""An input-method burst repaints the search box, the list and the count, and relays nothing
(issue 21, bursts): Textual relaid the whole screen when the search box's virtual width (its
text) changed, and when the list's scrollable height changed although its scroll bar stayed.
What is shown is the same: the list's rows, the scroll bar's extent, the box's text."""

from __future__ import annotations

from typing import Any

from conftest import settle_list  # type: ignore[import-not-found]
from textual import events
from textual._compositor import Compositor

from mediator.core.queries import CaseFilter
from mediator.tui.widgets.case_list import CaseList
from mediator.tui.widgets.inputs import Input


async def test_a_burst_relays_nothing(big: Any, monkeypatch: Any) -> None:
    reflows: list[int] = []
    original = Compositor.reflow

    def reflow(self: Any, *a: Any, **kw: Any) -> Any:
        reflows.append(1)
        return original(self, *a, **kw)

    monkeypatch.setattr(Compositor, "reflow", reflow)
    app = big.app()
    async with app.run_test(size=(100, 24)) as pilot:
        await settle_list(pilot, app)
        case_list = app.screen.query_one(CaseList)
        assert len(case_list.rows) == 200
        await pilot.press("slash")
        await settle_list(pilot, app)
        # initials committed at once (张三 → zh…): more matches than the list shows (the
        # scroll bar stays) but fewer than a page (the scrollable height changes)
        word = "zh"
        want = big.svc.list_cases(CaseFilter(query=word), limit=200).rows
        assert case_list.scrollable_content_region.height < len(want) < 200
        reflows.clear()
        for key in word:  # one read of the terminal: both keys before either is handled
            app.post_message(events.Key(key, key))
        await settle_list(pilot, app)
        assert app.screen.query_one("#search", Input).value == word
        assert [r.id for r in case_list.rows] == [r.id for r in want]
        assert reflows == []
        # the list's scrollable height and its scroll bar follow the new page
        assert case_list.virtual_size.height == len(want) + 1
        assert case_list.vertical_scrollbar.window_virtual_size == len(want) + 1
        assert case_list.max_scroll_y == len(want) + 1 - case_list.scrollable_content_region.height
        # Escape: the whole list again (the focus moves to it, and the footer's keys with it)
        await pilot.press("escape")
        await settle_list(pilot, app)
        assert len(case_list.rows) == 200
        assert case_list.virtual_size.height == 201
        assert case_list.vertical_scrollbar.window_virtual_size == 201
