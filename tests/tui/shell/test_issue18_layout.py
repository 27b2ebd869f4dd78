"""Issue 18 at 80×24, driven with Pilot: an instalment's 'what' is wide enough to read, the
party table draws no scrollbar line under it yet still scrolls to the ID and phone, and a
two-character word of the facts is found from the search box."""

from __future__ import annotations

from typing import Any

from conftest import settle, settle_list  # type: ignore[import-not-found]
from rich.cells import cell_len
from test_shell_cases import count_of, count_text, register, shown_ids  # type: ignore[import-not-found]
from textual.widgets import Input

from mediator.tui.dialogs.agreement import AgreementDialog
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.widgets.data_table import DataTable


async def test_an_instalment_says_what_in_a_readable_width(svc: Any, make_case: Any,
                                                           app_factory: Any) -> None:
    """'What' was 9 cells at 80 columns: 赔偿款第一期 showed as 偿款第一期."""
    case = make_case()
    svc.accept_case(case.id)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.push_screen(AgreementDialog(svc.case_file(case.id)))
        await settle(pilot, app)
        app.screen.query_one("#inst-add").press()
        await settle(pilot, app)
        what = app.screen.query_one(".inst-what", Input)
        text = "赔偿款第一期含修缮费"
        what.focus()
        await pilot.pause()
        for ch in text:
            await pilot.press(ch)
        await pilot.pause()
        assert what.value == text
        assert what.content_size.width >= cell_len(text) + 1  # all of it on screen
        assert what.region.right <= app.screen.query_one("#dialog-body").region.right


async def test_party_table_has_no_scrollbar_line_and_still_scrolls(svc: Any, make_case: Any,
                                                                    app_factory: Any) -> None:
    case = make_case()  # 张三 with ID and phone, 李四
    app = app_factory(first_screen=lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        table = app.screen.query_one("#cf-parties", DataTable)
        assert table.virtual_size.width > table.size.width  # ID, phone, address do not fit
        # one line per party and the header: nothing under them (the scrollbar line was)
        assert table.size.height == 1 + len(svc.case_file(case.id).parties)
        assert table.scrollbar_size_horizontal == 0
        table.focus()
        await pilot.press("right", "right", "right")
        await pilot.pause()
        assert table.scroll_x > 0  # ← → reach the columns on the right


async def test_a_two_character_word_of_the_facts_is_found(svc: Any, app_factory: Any) -> None:
    """围墙, 噪音 found nothing: the trigram index needs three characters."""
    wall = register(svc, "张三", facts="倒车碰坏围墙")
    noise = register(svc, "王五", "赵六", facts="邻居装修噪音扰民")
    register(svc, "钱七", "孙八", facts="借款三万元到期未还")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_list(pilot, app)
        await pilot.press("slash")
        for ch in "围墙":
            await pilot.press(ch)
        await settle_list(pilot, app)
        assert shown_ids(app) == [wall]
        assert count_text(app) == count_of(1)
        app.screen.query_one("#search", Input).value = "噪音"
        await settle_list(pilot, app)
        assert shown_ids(app) == [noise]
        assert count_text(app) == count_of(1)
