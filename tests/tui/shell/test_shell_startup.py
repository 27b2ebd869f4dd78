"""What the app does when it starts (missed instalments, a PC clock behind the data) and the
command palette in the user's language."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from conftest import TODAY, settle  # type: ignore[import-not-found]
from textual.command import CommandPalette
from textual.widgets import OptionList

from mediator.core.enums import AgreementForm
from mediator.core.inputs import AgreementInput, ObligationInput
from mediator.core.models import Case
from mediator.i18n import set_language, t


def notices(app: Any) -> list[str]:
    return [n.message for n in app._notifications]


async def test_start_marks_missed_instalments(svc: Any, make_case: Any, app_factory: Any) -> None:
    case = make_case(days_ago=20)
    svc.accept_case(case.id, on=TODAY - timedelta(days=19))
    svc.record_notice(case.id, on=TODAY - timedelta(days=19))
    svc.record_agreement(case.id, AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=TODAY - timedelta(days=10), terms="分两期付清",
        amount_fen=300000, obligations=[
            ObligationInput(due_on=TODAY - timedelta(days=2), amount_fen=100000),
            ObligationInput(due_on=TODAY + timedelta(days=20), amount_fen=200000)]))
    with svc.db.read() as s:
        assert s.get(Case, case.id).state == "PERFORMING"
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert any("未履行" in n for n in notices(app))
        await settle(pilot, app)
        [row] = app.screen.query_one("CaseList").rows  # the list reloaded after the sweep
        assert row.state == "UNPERFORMED"
    with svc.db.read() as s:
        assert s.get(Case, case.id).state == "UNPERFORMED"


async def test_warns_when_the_clock_is_behind_the_data(svc: Any, app_factory: Any,
                                                       monkeypatch: Any) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert not any("时钟" in n for n in notices(app))
    ahead = datetime.now(UTC) + timedelta(days=3)
    monkeypatch.setattr(type(svc), "newest_change_at", lambda self: ahead)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert any("时钟" in n and ahead.astimezone().strftime("%Y-%m-%d") in n
                   for n in notices(app))


async def palette_titles(pilot: Any, app: Any) -> list[str]:
    await settle(pilot, app)
    await pilot.press("ctrl+p")
    await pilot.pause(0.3)
    assert isinstance(app.screen, CommandPalette)
    options = app.screen.query_one(OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_command_palette_in_chinese_and_english(svc: Any, make_case: Any, app_factory: Any,
                                                      monkeypatch: Any) -> None:
    case = make_case()
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        titles = " ".join(await palette_titles(pilot, app))
        for title in ("案件列表", "日程", "设置", "登记新案件", "简易登记", "切换明暗主题", "退出"):
            assert title in titles
        assert "Quit" not in titles
    set_language("en")
    app = app_factory()
    opened: list[str] = []
    monkeypatch.setattr(app, "open_case", opened.append)
    async with app.run_test(size=(100, 30)) as pilot:
        titles = " ".join(await palette_titles(pilot, app))
        for title in ("Case list", "Agenda", "Register a new case", "Quick oral case", "Quit"):
            assert title in titles
        # a case found by the pinyin initials of a party opens from the palette
        await pilot.press(*"zs")
        await pilot.pause(0.5)
        await settle(pilot, app)
        options = app.screen.query_one(OptionList)
        found = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(case.case_no in f and "张三" in f for f in found)
        await pilot.press("enter")
        await settle(pilot, app)
        assert opened == [case.id]


async def test_start_builds_the_footer_without_restyling_each_key(svc: Any, app_factory: Any,
                                                                 monkeypatch: Any) -> None:
    """The footer's keys are compact from the start: Textual set the class on each key after
    it was mounted, one stylesheet pass per key, and a start-up check that found the office
    rebuilt every footer once more (a third of the first frame at 100,000 cases)."""
    from textual.app import App
    from textual.widgets._footer import FooterKey

    from mediator.tui.widgets.footer import Footer

    restyled: list[str] = []
    original = App.update_styles

    def update_styles(self: Any, node: Any, animate: bool = True) -> None:
        if isinstance(node, FooterKey):
            restyled.append(node.key)
        original(self, node, animate)

    monkeypatch.setattr(App, "update_styles", update_styles)
    composed: list[int] = []
    original_compose = Footer.compose

    def compose(self: Any) -> Any:
        composed.append(1)
        return original_compose(self)

    monkeypatch.setattr(Footer, "compose", compose)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert app.has_office is True
        keys = list(app.screen.query(FooterKey))
        assert keys and all(k.has_class("-compact") for k in keys)
        assert "ctrl+q" in {k.key for k in keys}
    assert restyled == []
    # the first compose is empty (bindings not ready); one rebuild when the list takes focus
    assert len(composed) == 2


async def _palette_options(pilot: Any, app: Any, want: str) -> list[str]:
    """The palette's options once the first of them is ``want`` (polled, bounded)."""
    found: list[str] = []
    for _ in range(200):
        await pilot.pause(0.02)
        options = app.screen.query_one(OptionList)
        found = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        if found and want in found[0]:
            return found
    return found


@pytest.mark.parametrize(("typed", "kind", "lang"), [
    ("周报", "weekly", "zh_CN"), ("台账", "ledger", "zh_CN"), ("subsidy", "subsidy", "zh_CN"),
    ("weekly", "weekly", "en"), ("排查", "screening", "en"),
])
async def test_the_palette_finds_every_report_by_its_name(svc: Any, app_factory: Any,
                                                          typed: str, kind: str,
                                                          lang: str) -> None:
    """周报 in the palette said "No matches found"; each report is found by its Chinese or
    English name and opens the overview with its export form set to that report."""
    from textual.widgets import Select

    from mediator.tui.screens.dashboard import DashboardScreen

    set_language(lang)
    title = t("tui.cmd.report", report=t(f"tui.dash.kind.{kind}"))
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*typed)
        found = await _palette_options(pilot, app, title)
        assert found and title in found[0], found
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#dash-kind", Select).value == kind


async def test_palette_and_prompts_in_the_users_language(svc: Any, app_factory: Any) -> None:
    """The palette said "Search for commands…" and "No matches found", empty choices "Select",
    in a Chinese interface."""
    from textual.widgets import Input

    from mediator.tui.widgets.select import Select

    assert Select([("甲", "a")]).prompt == "请选择"
    assert Select([("甲", "a")], prompt="接收单位").prompt == "接收单位"
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await settle(pilot, app)
        assert isinstance(app.screen, CommandPalette)
        assert app.screen.query_one(Input).placeholder.startswith("输入命令、报表或案件")
        await pilot.press(*"qqqxqqq")
        found = await _palette_options(pilot, app, "没有找到")
        assert found and "'没有找到'" in found[0] and "No matches" not in found[0]


async def test_an_office_set_up_by_init_asks_who_is_working(svc: Any, app_factory: Any,
                                                            paths: Any) -> None:
    """After ``mediator init`` no operator was ever asked, and the audit trail said 管理员."""
    from textual.widgets import Input

    from mediator.core.config import Config, load_config
    from mediator.tui.dialogs.operator import OperatorDialog

    app = app_factory(ask_operator=True, config=Config())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, OperatorDialog)
        await pilot.press("enter")                         # nothing typed: asked again
        await pilot.pause()
        assert isinstance(app.screen, OperatorDialog)
        assert str(app.screen.query_one("#dialog-error").render()) == "请填写姓名。"
        app.screen.query_one("#operator-name", Input).value = "李文书"
        await pilot.press("enter")
        await settle(pilot, app)
        assert not isinstance(app.screen, OperatorDialog)
        assert app.services.operator == "李文书"
    assert load_config(paths.config_file).operator == "李文书"

    later = app_factory(ask_operator=True, config=Config())
    async with later.run_test(size=(100, 30)) as pilot:
        await settle(pilot, later)
        assert isinstance(later.screen, OperatorDialog)
        await pilot.press("escape")                        # 以后再说
        await settle(pilot, later)
        assert not isinstance(later.screen, OperatorDialog)

    named = app_factory(ask_operator=True, config=Config(operator="王调解"))
    async with named.run_test(size=(100, 30)) as pilot:
        await settle(pilot, named)
        assert not isinstance(named.screen, OperatorDialog)


@pytest.mark.parametrize(("argv", "asked"), [([], True), (["--operator", "赵文书"], False)])
def test_the_cli_asks_for_an_operator_only_when_none_is_known(monkeypatch: Any, argv: list[str],
                                                              asked: bool) -> None:
    from mediator.cli import main
    from mediator.tui.app import MediatorApp

    assert main(["init", "--office-name", "青石镇人民调解委员会", "--office-code", "330106001"]) == 0
    seen: list[bool] = []
    monkeypatch.setattr(MediatorApp, "run", lambda self, *a, **k: seen.append(self.ask_operator))
    assert main(argv) == 0
    assert seen == [asked]
