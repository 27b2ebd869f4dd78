"""设置: mediators and villages added through the screen land in the database; bad input is
refused inline with nothing written; preferences go to config.toml."""

from __future__ import annotations

from typing import Any

from conftest import settle  # type: ignore[import-not-found]
from textual.widgets import DataTable, Input, Select, Static, TabbedContent

from mediator.core.config import load_config
from mediator.tui.screens.settings import SettingsScreen


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def type_into(pilot: Any, app: Any, selector: str, text: str) -> None:
    app.screen.query_one(selector, Input).focus()
    for ch in text:
        await pilot.press(ch)


async def open_settings(pilot: Any, app: Any, tab: str) -> None:
    await settle(pilot, app)
    await pilot.press("f4")
    await settle(pilot, app)
    assert isinstance(app.screen, SettingsScreen)
    app.screen.query_one(TabbedContent).active = tab
    await settle(pilot, app)


async def test_add_and_deactivate_a_mediator(svc: Any, app_factory: Any) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_settings(pilot, app, "tab-mediators")
        await type_into(pilot, app, "#med-name", "赵调解")
        app.screen.query_one("#med-phone", Input).value = "12345"  # not a phone number
        await pilot.click("#med-add")
        await settle(pilot, app)
        assert "12345" in text_of(app, "#med-error") or "电话" in text_of(app, "#med-error")
        assert svc.mediators(include_inactive=True) == []
        phone = app.screen.query_one("#med-phone", Input)
        phone.value = "１３９１２３４５６７８"  # full-width, from an IME
        phone.focus()
        await pilot.press("enter")
        await settle(pilot, app)
        [m] = svc.mediators(include_inactive=True)
        assert (m.name, m.phone, m.active) == ("赵调解", "13912345678", True)
        assert app.screen.query_one("#med-name", Input).value == ""
        table = app.screen.query_one("#mediators", DataTable)
        assert table.row_count == 1
        table.move_cursor(row=0)
        await pilot.click("#med-toggle")
        await settle(pilot, app)
        [m] = svc.mediators(include_inactive=True)
        assert m.active is False
        assert svc.mediators() == []
        # an empty name is refused before anything is sent
        await pilot.click("#med-add")
        await settle(pilot, app)
        assert "姓名" in text_of(app, "#med-error")
        assert len(svc.mediators(include_inactive=True)) == 1


async def test_add_a_village(svc: Any, app_factory: Any) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, app, "tab-villages")
        code = app.screen.query_one("#vil-code", Input)
        assert code.value == "330106001"  # prefilled with the office's code
        await type_into(pilot, app, "#vil-name", "青石村")
        await pilot.click("#vil-add")  # only 9 digits: refused inline
        await settle(pilot, app)
        assert text_of(app, "#vil-error")
        assert svc.villages() == []
        code.value = "330106002001"  # another township
        await pilot.click("#vil-add")
        await settle(pilot, app)
        assert svc.villages() == []
        assert text_of(app, "#vil-error")
        code.value = "３３０１０６００１００１"  # full-width
        await pilot.click("#vil-add")
        await settle(pilot, app)
        [v] = svc.villages()
        assert (v.code, v.name) == ("330106001001", "青石村")
        assert app.screen.query_one("#villages", DataTable).row_count == 1
        assert "已添加" in text_of(app, "#vil-error")
        # the case list's village filter learns the new village
        await pilot.press("f2")
        await settle(pilot, app)
        village_filter = app.screen.query_one("#f-village", Select)
        assert any(value == "330106001001" for _, value in village_filter._options)


async def test_preferences_are_validated_and_saved(svc: Any, app_factory: Any, paths: Any) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_settings(pilot, app, "tab-office")
        shown = text_of(app, "#office-view")
        assert "青石镇人民调解委员会" in shown and "330106001" in shown
        assert not app.screen.query_one("#office-init").display
        app.screen.query_one(TabbedContent).active = "tab-prefs"
        await settle(pilot, app)
        screen = app.screen
        screen.query_one("#pref-operator", Input).value = ""
        screen.query_one("#risk-MAJOR", Input).value = "土黄"
        await pilot.click("#pref-save")
        await pilot.pause()
        assert "操作员" in text_of(app, "#pref-operator-error")
        assert "土黄" in text_of(app, "#risk-MAJOR-error")
        assert not paths.config_file.exists()
        screen.query_one("#pref-operator", Input).value = "李文书"
        screen.query_one("#risk-MAJOR", Input).value = "orange"
        screen.query_one("#risk-SEVERE", Input).value = "红色"  # the county's own words
        screen.query_one("#pref-theme", Select).value = "light"
        screen.query_one("#pref-language", Select).value = "en"
        await pilot.click("#pref-save")
        await pilot.pause()
        assert "已保存" in text_of(app, "#pref-status")
        assert "下次启动" in text_of(app, "#pref-status")
        assert app.theme == "textual-light"
        assert app.services.operator == "李文书"
    cfg = load_config(paths.config_file)
    assert (cfg.operator, cfg.theme, cfg.language) == ("李文书", "light", "en")
    assert cfg.risk_colours["MAJOR"] == "orange" and cfg.risk_colours["SEVERE"] == "红色"
