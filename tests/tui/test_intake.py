"""登记 driven with Pilot: Chinese typed key by key, then the database checked through Services."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from case_harness import Changes, app_on, field_error, field_message, make_paths, settle, type_in
from sqlalchemy import text
from textual.widgets import Checkbox, Input, TextArea

from mediator.core.enums import CaseState, DisputeType, Gender, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.tui.app import MediatorApp
from mediator.tui.dialogs.base import ChooseDialog, ConfirmDialog
from mediator.tui.drafts import DraftStore, drafts_folder
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.screens.intake import DRAFT_NAME, IntakeScreen
from mediator.tui.widgets.party_editor import PartyEditor
from mediator.tui.widgets.picker import Picker

ID_ZHANG = "11010519491231002X"  # valid, female, born 1949-12-31


@pytest.fixture
def refs(svc: Any) -> Any:
    svc.add_village("330106001001", "青山村")
    svc.add_village("330106001002", "石门村")
    svc.add_mediator("王调解")
    return svc


@pytest.fixture
def paths(tmp_path: Path) -> Any:
    return make_paths(tmp_path / "家 home")


def intake_app(svc: Any, paths: Any) -> MediatorApp:
    return app_on(svc, IntakeScreen, paths)


def editors(app: MediatorApp) -> list[PartyEditor]:
    return list(app.screen.query(PartyEditor))


async def fill_party(
    pilot: Any, editor: PartyEditor, name: str, idno: str = "", phone: str = "", address: str = ""
) -> None:
    await type_in(pilot, editor.query_one("#name", Input), name)
    if idno:
        await type_in(pilot, editor.query_one("#id_number", Input), idno)
    if phone:
        await type_in(pilot, editor.query_one("#phone", Input), phone)
    if address:
        await type_in(pilot, editor.query_one("#address", Input), address)


async def test_register_a_case_with_two_parties(refs: Any, paths: Any) -> None:
    app = intake_app(refs, paths)
    changes = Changes()
    async with app.run_test(size=(100, 30), message_hook=changes) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        first, second = editors(app)
        # Tab order is tight: the name field has focus, then role/kind, then the ID number.
        assert app.focused is first.query_one("#name", Input)
        await pilot.press(*"张三", "tab", "tab", "tab")
        assert app.focused is first.query_one("#id_number", Input)
        await type_in(pilot, app.focused, ID_ZHANG)
        assert "1949-12-31" in field_message(screen, "parties.0.id_number")
        assert "女" in field_message(screen, "parties.0.id_number")
        await pilot.press("tab")
        assert app.focused is first.query_one("#phone", Input)
        await type_in(pilot, app.focused, "１３８１２３４５６７８")  # full-width digits from an IME
        await pilot.press("tab")
        assert app.focused is first.query_one("#address", Input)
        await type_in(pilot, app.focused, "青山村一组")
        await fill_party(pilot, second, "李四", phone="13900001111")
        await type_in(pilot, screen.query_one("#dispute_type", Picker).input, "邻")
        await pilot.press("tab")  # takes the one match: 邻里
        await type_in(pilot, screen.query_one("#village_code", Picker).input, "石门")
        await pilot.press("enter")
        await type_in(pilot, screen.query_one("#facts", TextArea), "两家因宅基地滴水问题发生争执")
        await type_in(pilot, screen.query_one("#requests", TextArea), "赔偿损失")
        await type_in(pilot, screen.query_one("#amount_fen", Input), "3,000元")
        assert "3,000.00" in field_message(screen, "amount_fen")
        await pilot.press("ctrl+s")
        await settle(pilot, app)

        assert isinstance(app.screen, CaseFileScreen)
        case_id = app.screen.case_id
        assert [s.case_id for s in app.screen_stack if isinstance(s, CaseFileScreen)] == [case_id]
        assert changes.case_ids == [case_id]
    cf = refs.case_file(case_id)
    assert CaseState(cf.case.state) is CaseState.REGISTERED
    assert cf.case.dispute_type == DisputeType.NEIGHBOUR.name
    assert cf.case.village_code == "330106001002" and cf.village_name == "石门村"
    assert cf.case.facts == "两家因宅基地滴水问题发生争执" and cf.case.requests == "赔偿损失"
    assert cf.case.amount_fen == 300000
    assert cf.mediator_name == "王调解"  # the operator's own name is chosen by default
    zhang, li = cf.parties
    assert (zhang.name, zhang.role, zhang.id_number) == ("张三", PartyRole.APPLICANT.name, ID_ZHANG)
    assert zhang.gender == Gender.FEMALE.name and str(zhang.birth_date) == "1949-12-31"
    assert zhang.phone == "13812345678" and zhang.address == "青山村一组"
    assert (li.name, li.role, li.phone) == ("李四", PartyRole.RESPONDENT.name, "13900001111")
    assert DraftStore(drafts_folder(paths.data)).load(DRAFT_NAME) is None


async def test_validation_errors_inline_and_nothing_written(refs: Any, paths: Any, db: Any) -> None:
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        first, _ = editors(app)
        await fill_party(pilot, first, "张三", idno="110105194912310021")  # wrong check digit
        assert "校验位" in field_error(screen, "parties.0.id_number")  # shown as soon as complete
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "校验位" in field_error(screen, "parties.0.id_number")
        assert app.focused is first.query_one("#id_number", Input)

        first.query_one("#id_number", Input).value = ""
        await type_in(pilot, first.query_one("#phone", Input), "12345")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "电话" in field_error(screen, "parties.0.phone")

        first.query_one("#phone", Input).value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "dispute_type") == "请选择纠纷类型。"

        await type_in(pilot, screen.query_one("#dispute_type", Picker).input, "不存在的类型")
        await pilot.press("tab")
        assert "没有与" in field_error(screen, "dispute_type")

        screen.query_one("#dispute_type", Picker).set_value(DisputeType.CONTRACT.name)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "facts") == "请填写纠纷简要情况。"  # from the service

        await type_in(pilot, screen.query_one("#facts", TextArea), "借款纠纷")
        screen.query_one("#registered_on", Input).value = ""   # the prefilled date cleared
        await type_in(pilot, screen.query_one("#registered_on", Input), "明天")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "registered_on") == "日期不能晚于今天。"
        assert isinstance(app.screen, IntakeScreen)
    with db.read() as s:
        assert s.exec(text("SELECT count(*) FROM dispute_case")).scalar_one() == 0  # type: ignore[call-overload]


async def test_hard_case_and_petition_fields(refs: Any, paths: Any) -> None:
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        first, second = editors(app)
        await fill_party(pilot, first, "王五")
        await fill_party(pilot, second, "赵六")
        screen.query_one("#dispute_type", Picker).set_value(DisputeType.FOREST_LAND.name)
        await type_in(pilot, screen.query_one("#facts", TextArea), "山林权属争议，双方多次冲突")
        assert not screen.query_one("#hard-section").has_class("-shown")
        screen.query_one("#is_hard", Checkbox).value = True
        await pilot.pause()
        assert screen.query_one("#hard-section").has_class("-shown")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "lead_official") == "疑难案件须填写包案领导。"

        await type_in(pilot, screen.query_one("#lead_official", Input), "李镇长")
        await type_in(pilot, screen.query_one("#responsible_person", Input), "陈所长")
        await type_in(pilot, screen.query_one("#resolve_by", Input), "+30")
        await type_in(pilot, screen.query_one("#stabilising_measures", TextArea), "每周走访一次")
        await type_in(pilot, screen.query_one("#source", Picker).input, "信访")
        await pilot.press("tab")
        await pilot.pause()
        assert screen.query_one("#petition-section").has_class("-shown")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert field_error(screen, "petition_received_on") == "信访转交的案件须填写信访收到日期。"
        await type_in(pilot, screen.query_one("#petition_received_on", Input), "2026年11月20日")
        await type_in(pilot, screen.query_one("#persons_involved", Input), "８")
        await pilot.pause()
        assert screen.query_one("#group_dispute", Checkbox).value  # 5+ people: group dispute
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        case_id = app.screen.case_id
    case = refs.case_file(case_id).case
    assert case.is_hard and case.lead_official == "李镇长" and case.responsible_person == "陈所长"
    assert str(case.resolve_by) == "2026-12-23" and case.stabilising_measures == "每周走访一次"
    assert case.source == "PETITION" and str(case.petition_received_on) == "2026-11-20"
    assert case.persons_involved == 8 and case.group_dispute


async def test_add_and_remove_parties(refs: Any, paths: Any) -> None:
    refs.register_case(
        CaseInput(parties=[PartyInput("甲")], dispute_type=DisputeType.OTHER, facts="x")
    )
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert len(editors(app)) == 3
        third = editors(app)[2]
        assert app.focused is third.query_one("#name", Input)
        await pilot.press(*"孙七")
        editors(app)[0].query_one("#name", Input).value = "甲"
        editors(app)[1].query_one("#name", Input).value = "乙"
        await pilot.click(editors(app)[1].query_one("#remove"))
        await settle(pilot, app)
        names = [e.to_dict()["name"] for e in editors(app)]
        assert names == ["甲", "孙七"]
        assert editors(app)[1].index == 1
        screen.query_one("#dispute_type", Picker).set_value(DisputeType.OTHER.name)
        screen.query_one("#facts", TextArea).text = "测试"
        editors(app)[1].query_one("#name", Input).value = ""
        editors(app)[1].query_one("#phone", Input).value = "13900001111"  # not blank: needs a name
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert "第2名当事人" in field_error(screen, "parties.1.name")
        editors(app)[1].query_one("#phone", Input).value = ""
        await pilot.press("ctrl+s")  # a party left blank is left out
        await settle(pilot, app)
        cf = refs.case_file(app.screen.case_id)
    assert cf.case.case_no.endswith("第002号")  # numbering continues after the earlier case
    assert [p.name for p in cf.parties] == ["甲"]


async def test_repeat_party_is_announced_and_can_be_opened(
    refs: Any, paths: Any, make_case: Any
) -> None:
    earlier = make_case()  # 张三 with ID_ZHANG, 李四 13900001111
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        first, second = editors(app)
        await fill_party(pilot, first, "张三", idno=ID_ZHANG)
        await pilot.pause(0.5)
        await settle(pilot, app)
        assert first.query_one(".pe-repeat").display
        assert "此人另有 1 件案件" in str(first.query_one("#repeat-msg").render())
        await fill_party(pilot, second, "李四", phone="13900001111")
        await pilot.pause(0.5)
        await settle(pilot, app)
        assert second.repeats and second.repeats[0].reason == "name_phone"

        await pilot.click(first.query_one("#repeat-open"))
        await pilot.pause()
        assert isinstance(app.screen, ChooseDialog)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen) and app.screen.case_id == earlier.id
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)  # the form is still there
        assert editors(app)[0].to_dict()["name"] == "张三"


async def test_same_id_under_another_name_is_warned(
    refs: Any, paths: Any, make_case: Any
) -> None:
    make_case()  # 张三 with ID_ZHANG
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        first, _ = editors(app)
        await fill_party(pilot, first, "王五", idno=ID_ZHANG)
        await pilot.pause(0.5)
        await settle(pilot, app)
        assert [h.reason for h in first.repeats] == ["id_other_name"]
        assert first.query_one(".pe-repeat").display
        assert str(first.query_one("#repeat-msg").render()) == (
            "此人另有 1 件案件\n注意：此身份证号在其他案件中登记的姓名是 张三")


async def test_draft_saved_while_typing_and_esc_asks_before_discarding(
    refs: Any, paths: Any
) -> None:
    """(Offering the draft back after a crash: test_drafts_recovery.py kills a real process.)"""
    store = DraftStore(drafts_folder(paths.data))
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("escape")  # nothing typed yet: leaves without asking
        await pilot.pause()
        assert not isinstance(app.screen, (IntakeScreen, ConfirmDialog))
        app.push_screen(IntakeScreen())
        await settle(pilot, app)
        await fill_party(pilot, editors(app)[0], "[bold]张三", idno=ID_ZHANG)
        await type_in(pilot, app.screen.query_one("#facts", TextArea), "滴水纠纷")
        app.screen.query_one("#village_code", Picker).set_value("330106001001")
        await pilot.pause(0.8)
        await settle(pilot, app)
        draft = store.load(DRAFT_NAME)
        assert draft is not None
        assert draft.form["parties"][0]["name"] == "[bold]张三"
        assert draft.form["details"]["facts"] == "滴水纠纷"
        assert draft.form["details"]["village_code"]["value"] == "330106001001"

        await pilot.press("escape")  # changed form: asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#no")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, IntakeScreen)
        assert store.load(DRAFT_NAME) is not None
        await pilot.press("escape")
        await pilot.pause()
        await pilot.click("#yes")  # discard
        await settle(pilot, app)
        assert not isinstance(app.screen, IntakeScreen)
    assert store.load(DRAFT_NAME) is None


async def test_declined_draft_is_deleted(refs: Any, paths: Any) -> None:
    store = DraftStore(drafts_folder(paths.data))
    store.save(DRAFT_NAME, {"parties": [{"name": "旧草稿"}], "details": {}})
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#no")
        await settle(pilot, app)
        assert editors(app)[0].to_dict()["name"] == ""
    assert store.load(DRAFT_NAME) is None


async def test_back_into_a_filled_field_the_cursor_is_at_the_end(refs: Any, paths: Any) -> None:
    """Shift+Tab back into a filled ID and one Backspace removes one character: the whole
    text used to be selected on focus, and the Backspace wiped all 18 digits."""
    app = intake_app(refs, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        first = editors(app)[0]
        idno = first.query_one("#id_number", Input)
        await type_in(pilot, idno, ID_ZHANG)
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.focused is not idno
        await pilot.press("shift+tab")
        await pilot.pause()
        assert app.screen.focused is idno
        assert idno.cursor_position == len(ID_ZHANG)
        await pilot.press("backspace")
        await pilot.pause()
        assert idno.value == ID_ZHANG[:-1]
