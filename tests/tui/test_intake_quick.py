"""简易登记: a dispute settled on the spot, typed in one screen with Tab between the fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from case_harness import app_on, field_error, make_paths, settle, type_in
from sqlalchemy import text
from textual.widgets import Checkbox, Input

from mediator.core.enums import AgreementForm, CaseState, DisputeType
from mediator.tui.app import MediatorApp
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.screens.intake import QuickCaseScreen, QuickDoneDialog


@pytest.fixture
def refs(svc: Any) -> Any:
    svc.add_village("330106001001", "青山村")
    svc.add_mediator("王调解")
    return svc


@pytest.fixture
def paths(tmp_path: Path) -> Any:
    return make_paths(tmp_path / "home")


def quick_app(svc: Any, paths: Any) -> MediatorApp:
    return app_on(svc, QuickCaseScreen, paths)


def count_cases(db: Any) -> int:
    with db.read() as s:
        return s.exec(text("SELECT count(*) FROM dispute_case")).scalar_one()  # type: ignore[call-overload]


async def type_and_tab(pilot: Any, app: MediatorApp, wid: str, value: str) -> None:
    """Type into the focused field (which must be ``wid``), then Tab on."""
    assert app.focused is not None and (app.focused.id == wid or app.focused.parent.id == wid), (
        wid,
        app.focused,
    )
    await type_in(pilot, app.focused, value)
    await pilot.press("tab")


async def test_oral_agreement_with_money_in_one_screen(refs: Any, paths: Any) -> None:
    app = quick_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        # the whole form in Tab order, as a mediator types it
        await type_and_tab(pilot, app, "a_name", "张三")
        await type_and_tab(pilot, app, "a_phone", "13812345678")
        await type_and_tab(pilot, app, "b_name", "李四")
        await type_and_tab(pilot, app, "b_phone", "")
        await type_and_tab(pilot, app, "dispute_type", "邻")
        await type_and_tab(pilot, app, "village_code", "青山")
        await type_and_tab(pilot, app, "facts", "李四家的鸡吃了张三的菜苗")
        await type_and_tab(pilot, app, "terms", "李四赔偿张三菜苗损失五百元，当场付清")
        await type_and_tab(pilot, app, "amount", "五百元")
        assert app.focused is app.screen.query_one("#performed_now", Checkbox)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, QuickDoneDialog)
        assert dialog.warnings and "书面" in dialog.warnings[0]  # oral + money: write it down
        shown = " ".join(str(w.render()) for w in dialog.query(".warning"))
        assert "口头协议涉及金额" in shown
        assert "(2026)青石人调字第001号" in dialog.case_no
        await pilot.click("#again")
        await settle(pilot, app)
        assert isinstance(app.screen, QuickCaseScreen)
        assert app.screen.query_one("#a_name", Input).value == ""
        assert app.focused is app.screen.query_one("#a_name", Input)
    case = refs.find_case("(2026)青石人调字第001号")
    cf = refs.case_file(case.id)
    assert CaseState(cf.case.state) is CaseState.PERFORMED  # performed on the spot
    assert cf.case.dispute_type == DisputeType.NEIGHBOUR.name and cf.village_name == "青山村"
    assert cf.case.notice_on is not None and cf.case.accepted_on is not None
    assert cf.agreement is not None and cf.agreement.form == AgreementForm.ORAL.name
    assert cf.agreement.amount_fen == 50000 and "五百元" in cf.agreement.terms
    assert [p.name for p in cf.parties] == ["张三", "李四"] and cf.parties[0].phone == "13812345678"
    assert cf.mediator_name == "王调解"
    assert any(w.code.name == "ORAL_NEEDS_WRITTEN" for w in cf.warnings)


async def test_performed_by_a_date_makes_an_obligation(refs: Any, paths: Any) -> None:
    app = quick_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.query_one("#a_name", Input).value = "王五"
        screen.query_one("#b_name", Input).value = "赵六"
        screen.query_one("#dispute_type").set_value(DisputeType.DAMAGES.name)
        screen.query_one("#facts", Input).value = "倒车碰坏围墙"
        screen.query_one("#terms", Input).value = "赵六负责修好围墙"
        due = screen.query_one("#due_on", Input)
        assert due.disabled
        box = screen.query_one("#performed_now", Checkbox)
        # ticked by default, and it says so in characters, not only in colour
        assert str(box._button) == "[x]"
        box.value = False
        await pilot.pause()
        assert str(box._button) == "[ ]"
        assert not due.disabled
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "obligations").startswith("未当场履行")
        await type_in(pilot, due, "+7")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, QuickDoneDialog)
        assert app.screen.warnings  # an obligation in an oral agreement: also warned
        await pilot.click("#open")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen)
        case_id = app.screen.case_id
    cf = refs.case_file(case_id)
    assert CaseState(cf.case.state) is CaseState.PERFORMING
    (ob,) = cf.obligations
    assert str(ob.due_on) == "2026-11-30" and ob.obligor == "赵六" and ob.performed_on is None
    # the instalment's 回访, and the policy's 30 days after the agreement (issue 24)
    assert sorted(str(f.due_on) for f in cf.follow_ups) == ["2026-11-30", "2026-12-23"]


async def test_errors_are_inline_and_nothing_is_written(refs: Any, paths: Any, db: Any) -> None:
    app = quick_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        await type_in(pilot, screen.query_one("#a_name", Input), "张三")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "parties.1.name") == "第2名当事人的姓名不能为空。"
        assert app.focused is screen.query_one("#b_name", Input)
        await type_in(pilot, screen.query_one("#b_name", Input), "李四")
        await type_in(pilot, screen.query_one("#b_phone", Input), "110")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "电话" in field_error(screen, "parties.1.phone")
        screen.query_one("#b_phone", Input).value = ""
        screen.query_one("#dispute_type").set_value(DisputeType.OTHER.name)
        screen.query_one("#facts", Input).value = "口角"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "terms") == "请填写协议内容。"
        screen.query_one("#terms", Input).value = "互相道歉"
        await type_in(pilot, screen.query_one("#amount", Input), "-5元")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "负" in field_error(screen, "amount_fen")
        assert isinstance(app.screen, QuickCaseScreen)
        assert count_cases(db) == 0
        screen.query_one("#amount", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, QuickDoneDialog)
        assert app.screen.warnings == ()  # no money, nothing to perform later: no warning
    assert count_cases(db) == 1
