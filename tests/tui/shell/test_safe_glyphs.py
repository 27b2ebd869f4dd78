"""Safe-glyph mode: every screen, in both languages and at 80×24 and 100×30, draws only
printable ASCII and East-Asian Wide/Fullwidth characters; checkboxes read [x] / [ ]; keys are
named in ASCII. Plus SVG snapshots of the main screens in safe mode.

The screen is read the way Textual's own screenshot reads it: the top screen's compositor,
with the screens below a dialog, after every line filter ran.
"""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import OFFICE, TODAY, make_app, make_paths, settle  # type: ignore[import-not-found]
from rich.console import Console
from shell_factory import bulk_cases  # type: ignore[import-not-found]
from textual.widgets import Checkbox, Input, TabbedContent, TextArea

from mediator.core.config import Config
from mediator.core.db import open_database
from mediator.core.enums import AgreementForm, FollowUpMethod, FollowUpResult
from mediator.core.glyphs import is_safe_char
from mediator.core.inputs import AgreementInput, ObligationInput
from mediator.core.queries import CaseFilter
from mediator.core.services import Services
from mediator.i18n import set_language

SIZES = [(80, 24), (100, 30)]


def screen_text(app: Any) -> str:
    """What the terminal shows now, as text (as ``App.export_screenshot`` renders it)."""
    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), force_terminal=True,
                      color_system="truecolor", record=True, legacy_windows=False, safe_box=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text()


def unsafe(text: str) -> list[str]:
    return sorted({f"{ch!r} U+{ord(ch):04X}" for ch in text if ch != "\n" and not is_safe_char(ch)})


def a_full_case(svc: Services) -> str:
    """A case with something in every part of the case file."""
    from mediator.core.enums import DisputeType, PartyRole
    from mediator.core.inputs import CaseInput, PartyInput

    # the snapshots show this case file as drawn before the 回访 policy (issue 24), whose
    # visit would add a line; tests/core/test_followup_policy.py covers the policy
    svc.set_setting("followup.success_days", "0")
    svc.add_village("330106001901", "青山村")
    mediator = svc.add_mediator("王调解", "13812345678", "主任")
    case = svc.register_case(CaseInput(
        parties=[PartyInput("张三", id_number="11010519491231002X", phone="13812345678"),
                 PartyInput("李四", role=PartyRole.RESPONDENT, phone="13900001111")],
        dispute_type=DisputeType.NEIGHBOUR, facts="两家因宅基地滴水问题发生争执，“滴水”损坏墙面…",
        registered_on=TODAY - timedelta(days=12), village_code="330106001901",
        mediator_id=mediator.id, amount_fen=300000, requests="李四赔偿损失三千元"))
    svc.accept_case(case.case_id, on=TODAY - timedelta(days=11))
    svc.record_notice(case.case_id, on=TODAY - timedelta(days=11), note="口头告知")
    svc.add_session(case.case_id, "双方陈述滴水经过，同意分期赔偿", on=TODAY - timedelta(days=5),
                    place="青山村委会", participants="张三、李四")
    svc.schedule_follow_up(case.case_id, TODAY - timedelta(days=3), note="了解双方情绪")
    fu = svc.case_file(case.case_id).follow_ups[0]
    svc.complete_follow_up(fu.id, FollowUpResult.SATISFIED, FollowUpMethod.PHONE, "情绪稳定",
                           done_on=TODAY - timedelta(days=3))
    svc.record_agreement(case.case_id, AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=TODAY - timedelta(days=2),
        terms="李四分两期赔偿张三三千元", perform_method="现金", amount_fen=300000,
        obligations=[ObligationInput(TODAY + timedelta(days=5), 100000, "第一期", "李四"),
                     ObligationInput(TODAY + timedelta(days=35), 200000, "第二期", "李四")]))
    return case.case_id


def build(db_path: Path) -> tuple[Any, str]:
    db = open_database(db_path)
    svc = Services(db, "王调解", today=lambda: TODAY)
    svc.init_office(*OFFICE)
    bulk_cases(db, 60, TODAY, seed=3)
    case_id = a_full_case(svc)
    svc.add_mediator("李文书")
    rows = svc.list_cases(CaseFilter(states=("MEDIATING",)), limit=6).rows
    for i, row in enumerate(rows[:4]):
        svc.schedule_follow_up(row.id, TODAY + timedelta(days=i * 2 - 1) if i else TODAY,
                               note=("电话回访，了解协议履行情况", "上门回访", "", "回访申请人")[i])
    return db, case_id


@pytest.fixture(params=["zh_CN", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    set_language(request.param)
    return str(request.param)


@pytest.fixture
def world(tmp_path: Path) -> Any:
    from types import SimpleNamespace

    db, case_id = build(tmp_path / "safe.db")
    paths = make_paths(tmp_path / "home", tmp_path / "safe.db")
    ledgers = tmp_path / "台账 ledgers"
    (ledgers / "2025年").mkdir(parents=True)
    (ledgers / "调解台账.xlsx").write_bytes(b"")
    yield SimpleNamespace(db=db, case_id=case_id, paths=paths, ledgers=ledgers,
                          app=lambda **kw: make_app(db, paths, config=Config(glyphs="safe"), **kw))
    db.close()


def freeze(app: Any) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    for area in app.screen.query(TextArea):
        area.cursor_blink = False


@pytest.mark.parametrize("size", SIZES, ids=["80x24", "100x30"])
async def test_every_screen_draws_only_safe_characters(world: Any, lang: str,
                                                       size: tuple[int, int]) -> None:
    from mediator.tui.screens.ledger_import import LedgerImportScreen, LedgerTree

    app = world.app()
    assert app.safe_glyphs
    seen: dict[str, str] = {}

    async def look(name: str, *, wait: bool = True) -> str:
        if wait:
            await settle(pilot, app)
        text = screen_text(app)
        assert unsafe(text) == [], (name, unsafe(text), text)
        seen[name] = text
        return text

    async with app.run_test(size=size) as pilot:
        # 案件: the filter row's checkbox is a bracket pair, ticked with an x
        text = await look("cases")
        overdue = app.screen.query_one(Checkbox)
        assert "[ ]" in text and "[x]" not in text
        overdue.value = True
        assert "[x]" in await look("cases, overdue only")
        overdue.value = False
        # keys in the footer are named in ASCII (Enter, not ⏎)
        assert "Enter" in text
        app.open_case(world.case_id)
        await look("case file")
        await pilot.press("a")  # the action list
        await look("case file, actions")
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("f2")
        app.new_case()
        await look("intake")
        await pilot.press("escape")
        await settle(pilot, app)
        app.quick_case()
        await look("quick intake")
        await pilot.press("escape")
        await settle(pilot, app)
        await pilot.press("f3")
        await look("agenda")
        await pilot.press("f4")
        for tab in ("tab-office", "tab-mediators", "tab-villages", "tab-prefs"):
            app.screen.query_one(TabbedContent).active = tab
            await look(f"settings {tab}")
        await pilot.press("f2")
        for module, name in (("dashboard", "DashboardScreen"), ("sync", "SyncScreen"),
                             ("sync", "ImportLogScreen"), ("sync", "ConflictsScreen")):
            app.action_open_screen(module, name)
            await look(name)
            app.pop_screen()
        # the folder tree's loader is a worker that never ends: wait for its nodes instead
        app.push_screen(LedgerImportScreen(start_dir=world.ledgers))
        await pilot.pause()
        await pilot.click("#ledger-browse")
        tree = app.screen.query_one(LedgerTree)
        for _ in range(200):
            if len(tree.root.children) == 2:
                break
            await pilot.pause()
        await pilot.pause()
        text = await look("ledger import", wait=False)
        assert "+ 2025年" in text
        app.action_command_palette()
        await pilot.pause()
        await look("command palette", wait=False)
    assert len(seen) == 17


async def test_first_start_draws_only_safe_characters(tmp_path: Path, lang: str) -> None:
    db = open_database(tmp_path / "empty.db")
    try:
        app = make_app(db, make_paths(tmp_path / "home", tmp_path / "empty.db"),
                       config=Config(glyphs="safe"))
        for size in SIZES:
            async with app.run_test(size=size) as pilot:
                await settle(pilot, app)
                assert type(app.screen).__name__ == "WelcomeScreen"
                text = screen_text(app)
                assert unsafe(text) == [], text
            app = make_app(db, make_paths(tmp_path / "home", tmp_path / "empty.db"),
                           config=Config(glyphs="safe"))
    finally:
        db.close()


async def test_full_mode_keeps_textual_glyphs(world: Any) -> None:
    """Full mode keeps Textual's drawing, except the boxes: [ ] / [x] in every mode, since a
    colour alone did not tell a clerk whether a box was ticked."""
    app = make_app(world.db, world.paths, config=Config(glyphs="full"))
    assert not app.safe_glyphs
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        text = screen_text(app)
        assert "▼" in text and "⏎" in text
        assert "[ ] 只看逾期" in text and "▐X▌" not in text


# --- snapshots ---------------------------------------------------------------------------


def test_cases_snapshot(snap_compare: Any, world: Any, lang: str) -> None:
    async def ready(pilot: Any) -> None:
        await settle(pilot, pilot.app)
        freeze(pilot.app)

    assert snap_compare(world.app(), terminal_size=(100, 30), run_before=ready)


def test_case_file_snapshot(snap_compare: Any, world: Any, lang: str) -> None:
    async def ready(pilot: Any) -> None:
        await settle(pilot, pilot.app)
        pilot.app.open_case(world.case_id)
        await settle(pilot, pilot.app)
        freeze(pilot.app)

    assert snap_compare(world.app(), terminal_size=(100, 30), run_before=ready)


def test_intake_snapshot(snap_compare: Any, world: Any, lang: str) -> None:
    async def ready(pilot: Any) -> None:
        await settle(pilot, pilot.app)
        pilot.app.new_case()
        await settle(pilot, pilot.app)
        freeze(pilot.app)
        await pilot.pause()

    assert snap_compare(world.app(), terminal_size=(100, 30), run_before=ready)


async def test_selection_list_boxes_in_safe_mode() -> None:
    """The import screen's file list: [x] for a chosen file, [ ] for the others."""
    from textual.app import App, ComposeResult

    from mediator.tui.widgets.checkbox import SelectionList

    class Safe(App[None]):
        safe_glyphs = True

        def compose(self) -> ComposeResult:
            yield SelectionList[str](("a.mdsync", "a", True), ("b.mdsync", "b", False))

    app = Safe()
    async with app.run_test(size=(30, 4)) as pilot:
        await pilot.pause()
        lines = screen_text(app).splitlines()  # inside the list's border (no filter here)
        assert "[x] a.mdsync" in lines[1] and "[ ] b.mdsync" in lines[2], lines


async def test_windows_console_hint_is_shown_once(world: Any, monkeypatch: pytest.MonkeyPatch,
                                                  lang: str) -> None:
    """auto on the Windows console: safe glyphs, and once a notice on Windows Terminal."""
    from mediator.core.config import load_config
    from mediator.i18n import t

    monkeypatch.setattr("mediator.core.glyphs.auto_picks_safe", lambda *a, **k: True)

    def notices(app: Any) -> list[str]:
        return [str(n.message) for n in app._notifications]

    app = make_app(world.db, world.paths, config=Config(glyphs="auto"))
    assert app.safe_glyphs
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(pilot, app)
        assert notices(app) == [t("glyphs.terminal_hint")]
        await pilot.pause()
        text = screen_text(app)
        assert unsafe(text) == [] and "wt mediator" in text.replace("\n", " ")
    saved = load_config(world.paths.config_file)
    assert (saved.glyphs, saved.glyphs_hint_shown) == ("auto", True)

    again = make_app(world.db, world.paths, config=saved)
    async with again.run_test(size=(100, 30)) as pilot:
        await settle(pilot, again)
        assert again.safe_glyphs and notices(again) == []


async def test_no_hint_when_the_mode_was_chosen(world: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("mediator.core.glyphs.auto_picks_safe", lambda *a, **k: True)
    app = make_app(world.db, world.paths, config=Config(glyphs="full"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert not app.safe_glyphs and list(app._notifications) == []
    assert not world.paths.config_file.exists()


async def test_settings_choose_the_mode(world: Any) -> None:
    """设置 > 偏好: the choice is saved; it applies at the next start, and the screen says so."""
    from textual.widgets import Select, Static

    from mediator.core.config import load_config

    app = make_app(world.db, world.paths, config=Config(glyphs="full"))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f4")
        await settle(pilot, app)
        app.screen.query_one(TabbedContent).active = "tab-prefs"
        await settle(pilot, app)
        choice = app.screen.query_one("#pref-glyphs", Select)
        assert choice.value == "full"
        choice.value = "safe"
        app.screen.query_one("#pref-save").press()
        await settle(pilot, app)
        status = str(app.screen.query_one("#pref-status", Static).render())
        assert "屏幕字符在下次启动时改变" in status
        assert not app.safe_glyphs
    assert load_config(world.paths.config_file).glyphs == "safe"
