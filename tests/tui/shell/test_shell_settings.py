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


async def test_set_the_follow_up_policy_and_the_success_rate_basis(svc: Any,
                                                                   app_factory: Any) -> None:
    """回访与口径 (issue 24): the stored policy is shown, a bad number of days is refused under
    its field with nothing written, a good one lands in the database (audited)."""
    from sqlalchemy import text

    from mediator.core.policy import get_policy

    def stored() -> dict[str, str]:
        with svc.db.read() as s:
            rows = s.exec(text("SELECT key, value FROM setting WHERE key IN "  # type: ignore[call-overload]
                               "('followup.success_days', 'followup.risk_days', "
                               "'report.success_rate_basis')")).all()
        return dict(rows)

    def audited() -> int:
        with svc.db.read() as s:
            return s.exec(text("SELECT count(*) FROM audit_log "  # type: ignore[call-overload]
                               "WHERE action = 'setting.set'")).scalar_one()

    before = get_policy(svc)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, app, "tab-policy")
        success = app.screen.query_one("#pol-success_days", Input)
        risk = app.screen.query_one("#pol-risk_days", Input)
        basis = app.screen.query_one("#pol-rate_basis", Select)
        assert (success.value, risk.value, basis.value) == (
            str(before.success_days), str(before.risk_days), "ACCEPTED")
        assert text_of(app, "#pol-definition") == "调解成功率 = 调解成功数 ÷ 受理数（本期受理）"
        save = app.screen.query_one("#pol-save")
        assert app.screen.region.contains_region(save.region)  # whole at 80×24
        success.value = ""
        await type_into(pilot, app, "#pol-success_days", "3x")
        risk.value = "400"
        await pilot.click("#pol-save")
        await settle(pilot, app)
        assert text_of(app, "#pol-success_days-error") == (
            "天数“3x”无效：请填 0 到 366 之间的整数（0 表示不自动安排）。")
        assert text_of(app, "#pol-risk_days-error") == (
            "天数“400”无效：请填 0 到 366 之间的整数（0 表示不自动安排）。")
        assert app.focused is success
        assert stored() == {} and audited() == 0
        success.value = "30"
        risk.value = "7"
        basis.value = "DECIDED"
        await settle(pilot, app)
        assert text_of(app, "#pol-definition") == (
            "调解成功率 = 调解成功数 ÷（调解成功数 + 调解不成数）")
        success.focus()
        await pilot.press("enter")
        await settle(pilot, app)
        assert text_of(app, "#pol-success_days-error") == ""
        assert text_of(app, "#pol-risk_days-error") == ""
        assert text_of(app, "#pol-status") == (
            "已保存回访制度和成功率口径，新的回访按此安排，报表按此口径计算。")
    assert stored() == {"followup.success_days": "30", "followup.risk_days": "7",
                        "report.success_rate_basis": "DECIDED"}
    assert audited() == 3
    policy = get_policy(svc)
    assert (policy.success_days, policy.risk_days, policy.rate_basis) == (30, 7, "DECIDED")
