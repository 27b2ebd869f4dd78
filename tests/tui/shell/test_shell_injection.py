"""Hostile text typed into the database is shown literally everywhere the shell shows user
text (case list, search, agenda, settings, command palette, notifications) and never acts:
no markup styling, no clickable quit, no terminal escape codes, no crash on emoji or a
4,000-character fact."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

from conftest import TODAY, settle  # type: ignore[import-not-found]
from sqlalchemy import text
from textual.widgets import DataTable, Input, TabbedContent

from mediator.core.enums import DisputeType, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.text import strip_controls
from mediator.tui.screens.agenda import AgendaList, AgendaScreen
from mediator.tui.screens.cases import CasesScreen
from mediator.tui.screens.settings import SettingsScreen
from mediator.tui.text import plain
from mediator.tui.widgets.case_list import CaseList

HOSTILE = [
    "[bold]张三",
    "李四[/]",
    "[@click=app.quit]点我[/]",
    "\x1b[31m红\x1b[0m",
    "王😀五🎉",
    "[link=https://example.com]链接[/link]",
    "赵\u202e六",  # right-to-left override
]
LONG_FACT = "两家因宅基地滴水问题发生争执[red]" + "很长的事实描述" * 570  # > 4,000 characters


def screen_text(app: Any) -> str:
    """What is on the screen, as plain text (from the SVG Textual would save)."""
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def seed(svc: Any) -> list[str]:
    ids = []
    for i in range(0, len(HOSTILE), 2):
        parties = [PartyInput(HOSTILE[i])]
        if i + 1 < len(HOSTILE):
            parties.append(PartyInput(HOSTILE[i + 1], role=PartyRole.RESPONDENT))
        case = svc.register_case(CaseInput(parties=parties, dispute_type=DisputeType.OTHER,
                                           facts=LONG_FACT, requests="[@click=app.quit]退[/]",
                                           registered_on=TODAY - timedelta(days=2)))
        svc.accept_case(case.case_id)
        svc.schedule_follow_up(case.case_id, TODAY, note=HOSTILE[(i + 1) % len(HOSTILE)] + LONG_FACT)
        ids.append(case.case_id)
    svc.init_office("[@click=app.quit]青石镇[/]人民调解委员会", "青石", "330106001")
    for name in HOSTILE[:3]:
        svc.add_mediator(name)
    svc.add_village("330106001001", "[bold]青石村[/]")
    svc.add_village("330106001002", "\x1b[2J清屏村")
    # typed input removes ESC now; a database written by an older version, by hand or by an
    # import can still hold it, and every screen must show it inert: put it back directly
    with svc.db.write() as s:
        for raw in (HOSTILE[3], "\x1b[2J清屏村"):
            clean = strip_controls(raw)
            for table, col in (("party", "name"), ("dispute_case", "parties_text"),
                               ("village", "name"), ("follow_up", "note")):
                s.exec(text(f"UPDATE {table} SET {col} = replace({col}, :clean, :raw)"),
                       params={"clean": clean, "raw": raw})
    return ids


async def click_everywhere(pilot: Any, app: Any, widget: Any, rows: int, per_row: int = 4) -> None:
    """Click across the first rows; nothing may quit, and nothing but the app's own action
    (opening the case or the follow-up dialog) may happen."""
    screen = app.screen
    for y in range(1, rows + 1):
        for x in range(2, widget.size.width - 2, max(8, widget.size.width // per_row)):
            await pilot.click(widget, offset=(x, y))
            assert app.is_running and app.return_code is None
            if app.screen is not screen:  # a click opened something: go back
                app.pop_screen()
                await pilot.pause()


def assert_shown_literally(text: str, values: list[str]) -> None:
    for value in values:
        assert plain(value) in text, value


async def test_hostile_text_in_every_shell_screen(svc: Any, app_factory: Any,
                                                  monkeypatch: Any) -> None:
    seed(svc)
    app = app_factory()
    opened: list[str] = []
    monkeypatch.setattr(app, "open_case", opened.append)  # keep the click test on this screen
    async with app.run_test(size=(140, 30), notifications=True) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, CasesScreen)
        text = screen_text(app)
        assert_shown_literally(text, HOSTILE)
        assert "^[[31m红" in text and "\x1b" not in text
        assert "[@click=app.quit]青石镇[/]" in text  # the office name in the bar
        case_list = app.screen.query_one(CaseList)
        await click_everywhere(pilot, app, case_list, 2)

        # searching for the hostile strings themselves
        search = app.screen.query_one("#search", Input)
        for query in ("[bold]", "[@click=app.quit]", "[/]", "\x1b[31m", "😀", "很长的事实描述"):
            search.value = query
            await pilot.pause(0.2)
            await settle(pilot, app)
            assert app.is_running and isinstance(app.screen, CasesScreen)
        assert len(case_list.rows) == 4  # the long fact is found in every case
        search.value = ""

        # the command palette's case lookup
        await pilot.press("ctrl+p")
        await pilot.pause()
        for ch in "zs":
            await pilot.press(ch)
        await pilot.pause(0.5)
        await settle(pilot, app)
        assert "[bold]张三" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()

        # the agenda: parties and hostile notes of 4,000+ characters
        await pilot.press("f3")
        await settle(pilot, app)
        assert isinstance(app.screen, AgendaScreen)
        text = screen_text(app)
        assert_shown_literally(text, [HOSTILE[0], HOSTILE[1], HOSTILE[4], HOSTILE[5]])
        assert "[@click=app.quit]点我[/" in text  # cut to the column's width, still literal
        assert "^[[31m红" in text
        await click_everywhere(pilot, app, app.screen.query_one(AgendaList), 2, per_row=2)
        assert isinstance(app.screen, AgendaScreen)

        # settings: office, mediators, villages
        await pilot.press("f4")
        await settle(pilot, app)
        assert isinstance(app.screen, SettingsScreen)
        assert "[@click=app.quit]青石镇[/]人民调解委员会" in screen_text(app)
        tabs = app.screen.query_one(TabbedContent)
        tabs.active = "tab-mediators"
        await settle(pilot, app)
        assert_shown_literally(screen_text(app), HOSTILE[:3])
        await click_everywhere(pilot, app, app.screen.query_one("#mediators", DataTable), 1)
        tabs.active = "tab-villages"
        await settle(pilot, app)
        text = screen_text(app)
        assert "[bold]青石村[/]" in text and "^[[2J清屏村" in text

        # a notification carrying user text
        app.report_error(ValueError("[@click=app.quit]点我[/]"))
        await pilot.pause(0.3)
        toast = app.screen.query_one("Toast")
        assert "[@click=app.quit]点我[/]" in str(toast.render())
        await pilot.click(toast)
        assert app.is_running and app.return_code is None
