"""The navigation bar's buttons are mounted after the screen's first frame (issue 21, start):
the first frame of the case list has the bar's title only; once the screen is out the six
buttons follow, in their order, with their labels, and take the user where they did."""

from __future__ import annotations

from typing import Any

from conftest import settle, settle_list  # type: ignore[import-not-found]
from test_shell_prepared_start import prepared_app  # type: ignore[import-not-found]
from textual.widgets import Button

from mediator.tui.screens.cases import CasesScreen
from mediator.tui.widgets.case_list import CaseList
from mediator.tui.widgets.nav import NavBar

LABELS = ["案件", "日程", "设置", "登记", "简易登记", "命令"]
IDS = ["nav-cases", "nav-agenda", "nav-settings", "nav-new", "nav-quick", "nav-palette"]


def bar_buttons(screen: Any) -> list[Button]:
    return list(screen.query_one(NavBar).query(Button))


async def test_nav_buttons_follow_the_first_page(big: Any, monkeypatch: Any) -> None:
    """When the buttons are mounted the case list already shows its first page (read in the
    screen's on_mount, drawn in the first frame), and the bar held its title alone."""
    seen: list[tuple[int, list[str]]] = []
    original = NavBar._mount_buttons

    async def mount_buttons(self: Any) -> None:
        if isinstance(self.screen, CasesScreen):
            seen.append((len(self.screen.query_one(CaseList).rows),
                         [w.id or "" for w in self.children]))
        await original(self)

    monkeypatch.setattr(NavBar, "_mount_buttons", mount_buttons)
    app = prepared_app(big)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_list(pilot, app)
        assert seen == [(200, ["nav-title"])]
        buttons = bar_buttons(app.screen)
        assert [b.id for b in buttons] == IDS
        assert [str(b.label) for b in buttons] == LABELS
        assert [b.has_class("-here") for b in buttons] == [True] + [False] * 5
        assert [b.can_focus for b in buttons] == [False] * 6


async def test_nav_buttons_work_after_start(big: Any) -> None:
    app = big.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        await pilot.click("#nav-agenda")
        await settle(pilot, app)
        assert app.current_mode == "agenda"
        # the agenda's own bar: its buttons came after its first frame too, 日程 marked
        buttons = bar_buttons(app.screen)
        assert [b.id for b in buttons] == IDS
        assert [b.has_class("-here") for b in buttons] == [False, True, False, False, False, False]
        await pilot.click("#nav-cases")
        await settle(pilot, app)
        assert app.current_mode == "cases"
        assert len(app.screen.query_one(CaseList).rows) == 200


async def test_theme_still_restyles_with_the_start_stylesheet(big: Any) -> None:
    """The start's stylesheet keeps its parse cache while the theme's variables are the same;
    a new theme still restyles every widget with the new theme's colours, and a start in the
    light theme is drawn in it from the first screen."""
    from textual.color import Color

    from mediator.core.config import Config
    from mediator.tui.app import StartStylesheet

    app = big.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.stylesheet, StartStylesheet)
        assert app.theme == "textual-dark"
        dark = Color.parse(app.get_css_variables()["background"])
        assert app.screen.styles.background == dark
        await pilot.press("ctrl+t")
        await settle(pilot, app)
        assert app.theme == "textual-light"
        light = Color.parse(app.get_css_variables()["background"])
        assert light != dark
        assert app.screen.styles.background == light
    app = big.app(config=Config(theme="light"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot, app)
        assert app.theme == "textual-light"
        assert app.screen.styles.background == light
