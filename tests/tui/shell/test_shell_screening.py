"""The 排查 screen (issue 24): reachable by F8 and the palette, a 零报告 in a few keys, an item
disposed and an item turned into a case, each checked in the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import select

from mediator.core.enums import DisputeType
from mediator.core.models import ScreeningItem, ScreeningRound
from mediator.core.screening import ItemInput, RoundInput, Screening

TODAY = date(2026, 11, 23)
EAST, WEST = "330106001001", "330106001002"


async def settle(pilot: Any) -> None:
    """Until the app's workers are done and what they posted is handled."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def open_screening(pilot: Any) -> Any:
    from mediator.tui.screens.screening import ScreeningScreen

    await settle(pilot)
    await pilot.press("f8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ScreeningScreen)
    assert screen.loaded
    return screen


def rounds(svc: Any) -> list[tuple[str | None, date, bool]]:
    with svc.db.read() as s:
        return [(r.village_code, r.held_on, r.nil_return) for r in s.exec(
            select(ScreeningRound).where(ScreeningRound.deleted == False)
            .order_by(ScreeningRound.created_at)).all()]


async def test_f8_and_a_nil_return_in_three_keys(svc: Any, app_factory: Any) -> None:
    svc.add_village(EAST, "东村")
    svc.add_village(WEST, "西村")
    Screening(svc).add_nil_round(EAST, date(2026, 11, 20))  # 东村 is not due, 西村 is
    app = app_factory()
    async with app.run_test(size=(110, 34)) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "矛盾纠纷排查" in titles
        screen = await open_screening(pilot)
        assert [d.code for d in screen.due] == ["330106001", WEST]
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert rounds(svc) == [(EAST, date(2026, 11, 20), True), (WEST, TODAY, True)]
        assert screen.query_one("#scr-rounds").row_count == 2
        # the same nil return again: the dialog stays open with the refusal, nothing written
        await pilot.press("n")
        await settle(pilot)
        assert app.screen.query_one("#f-village").value == EAST  # nothing due: the first
        app.screen.query_one("#f-village").value = WEST
        await pilot.press("ctrl+s")
        await settle(pilot)
        from mediator.tui.screens.screening import NilRoundDialog

        assert isinstance(app.screen, NilRoundDialog)
        assert str(app.screen.query_one("#dialog-error").render()) == (
            "2026-11-23 西村 的同级排查已经登记过，请勿重复录入。")
        assert len(rounds(svc)) == 2


async def test_dispose_and_turn_an_item_into_a_case(svc: Any, app_factory: Any) -> None:
    svc.add_village(EAST, "东村")
    scr = Screening(svc)
    rnd = scr.add_round(RoundInput(village_code=EAST, held_on=TODAY, focus="宅基地"))
    first = scr.add_item(rnd.id, ItemInput(DisputeType.NEIGHBOUR, "排水沟堵塞争执"))
    second = scr.add_item(rnd.id, ItemInput(DisputeType.HOUSE_HOMESTEAD, "宅基地界址争执",
                                            persons_involved=3))
    app = app_factory()
    async with app.run_test(size=(110, 34)) as pilot:
        screen = await open_screening(pilot)
        items = screen.query_one("#scr-items")
        assert items.row_count == 2
        items.focus()
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#f-disposition").value = "PREVENTED"
        app.screen.query_one("#f-note").text = "约谈双方，疏通排水沟"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("down")
        await pilot.press("d")
        await settle(pilot)
        app.screen.query_one("#f-disposition").value = "CASE"
        app.screen.query_one("#f-applicant").value = "王五"
        await pilot.press("ctrl+s")
        await settle(pilot)
        from mediator.tui.screens.case_file import CaseFileScreen

        assert isinstance(app.screen, CaseFileScreen)
        with svc.db.read() as s:
            got = {i.id: (i.disposition, i.disposition_note, i.case_id is not None)
                   for i in s.exec(select(ScreeningItem)).all()}
            case_id = s.get(ScreeningItem, second.id).case_id
        assert got[first.id] == ("PREVENTED", "约谈双方，疏通排水沟", False)
        assert got[second.id][0] == "CASE" and got[second.id][2] is True
        case = svc.find_case(case_id)
        assert (case.source, case.persons_involved, case.village_code) == ("SCREENING", 3, EAST)
        assert app.screen.case_id == case_id


async def test_agenda_reminds_of_villages_due_and_enter_opens_screening(
        svc: Any, app_factory: Any) -> None:
    from mediator.core.queries import AgendaItem
    from mediator.tui.screens.agenda import AgendaList
    from mediator.tui.screens.screening import ScreeningScreen

    svc.add_village(EAST, "东村")
    svc.add_village(WEST, "西村")
    scr = Screening(svc)
    assert scr.agenda_items(7) == []  # no screening records kept: no reminders
    scr.add_nil_round(EAST, date(2026, 11, 10))  # due 11-25, within the week
    scr.add_round(RoundInput(level="TOWNSHIP", held_on=date(2026, 11, 1), focus="月度"))
    app = app_factory()
    async with app.run_test(size=(110, 34)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        agenda = app.screen.query_one(AgendaList)
        got = [(r.kind, r.case_no, r.due_on) for r in agenda.rows if isinstance(r, AgendaItem)]
        # the township (due 12-01) is beyond the week
        assert got == [("SCREENING", "西村", TODAY), ("SCREENING", "东村", date(2026, 11, 25))]
        agenda.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ScreeningScreen)


async def test_case_file_k_records_a_risk_that_evidences_a_prevention(
        svc: Any, app_factory: Any) -> None:
    from mediator.core.inputs import CaseInput, PartyInput
    from mediator.core.models import RiskEvent
    from mediator.tui.dialogs.risk import RiskDialog
    from mediator.tui.screens.case_file import CaseFileScreen

    case_id = svc.register_case(CaseInput(parties=[PartyInput("张三")],
                                          dispute_type=DisputeType.NEIGHBOUR,
                                          facts="滴水纠纷")).case_id
    app = app_factory()
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        app.open_case(case_id)
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
        await pilot.press("k")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RiskDialog)
        dialog.query_one("#f-signs").text = "张三扬言要砸李四家"
        dialog.query_one("#f-measures").text = "当晚上门劝阻"
        dialog.query_one("#f-prevented-CRIMINAL").value = True
        dialog.query_one("#f-persons").value = "2"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # claimed without the report: refused in the dialog, nothing written
        assert app.screen is dialog
        assert str(dialog.query_one("#f-reported-to").parent.query_one(".ff-msg").render()) == (
            "认定防止民转刑/上访/自杀/械斗，须写明向谁报告（派出所或其他有关部门，人民调解法第二十五条）。")
        dialog.query_one("#f-reported-to").value = "青石派出所"
        dialog.query_one("#f-outcome").text = "未发生冲突"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
    with svc.db.read() as s:
        events = [(e.case_id, e.reported_to, e.prevented, e.prevented_persons)
                  for e in s.exec(select(RiskEvent)).all()]
    assert events == [(case_id, "青石派出所", "CRIMINAL", 2)]
    assert svc.find_case(case_id).prevented_criminal is True


async def test_agenda_visit_saves_the_structured_record(svc: Any, app_factory: Any) -> None:
    from mediator.core.enums import AgreementForm
    from mediator.core.inputs import AgreementInput, CaseInput, PartyInput
    from mediator.core.models import FollowUp
    from mediator.tui.screens.agenda import AgendaList, CompleteFollowUp

    case_id = svc.register_case(CaseInput(parties=[PartyInput("张三")],
                                          dispute_type=DisputeType.NEIGHBOUR, facts="滴水",
                                          registered_on=date(2026, 10, 1))).case_id
    svc.accept_case(case_id, on=date(2026, 10, 1))
    svc.record_agreement(case_id, AgreementInput(AgreementForm.ORAL, date(2026, 10, 24),
                                                 "互相道歉", performed_now=True))
    [visit] = svc.case_file(case_id).follow_ups  # the policy's: 10-24 + 30 = 11-23, today
    app = app_factory()
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        agenda = app.screen.query_one(AgendaList)
        agenda.cursor = next(i for i, r in enumerate(agenda.rows)
                             if getattr(r, "follow_up_id", None) == visit.id)
        agenda.focus()
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CompleteFollowUp)
        dialog.query_one("#fu-result").value = "SATISFIED"
        dialog.query_one("#fu-performance").value = "已互相道歉"
        dialog.query_one("#fu-satisfaction").value = "SATISFIED"
        dialog.query_one("#fu-new-signs").value = "无"
        dialog.query_one("#fu-measures").value = "继续关注"
        await pilot.press("ctrl+s")
        await settle(pilot)
    with svc.db.read() as s:
        fu = s.get(FollowUp, visit.id)
        assert (fu.done_on, fu.performance, fu.satisfaction, fu.new_signs, fu.measures) == (
            TODAY, "已互相道歉", "SATISFIED", "无", "继续关注")


async def test_dashboard_shows_this_weeks_screening(svc: Any, app_factory: Any) -> None:
    from mediator.tui.screens.dashboard import DashboardScreen

    svc.add_village(EAST, "东村")
    svc.add_village(WEST, "西村")
    scr = Screening(svc)
    scr.add_nil_round(EAST, TODAY)
    rnd = scr.add_round(RoundInput(village_code=WEST, held_on=TODAY))
    scr.add_item(rnd.id, ItemInput(DisputeType.NEIGHBOUR, "排水沟"))
    scr.add_nil_round(EAST, date(2026, 11, 20))  # last week: not counted
    app = app_factory()
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        lines = str(app.screen.query_one("#dash-screening").render()).splitlines()
        assert lines[:2] == ["排查次数 2    零报告次数 1", "零报告村(居)数 1    排查发现(件) 1"]


async def test_rhythm_dialog_sets_a_sensitive_period(svc: Any, app_factory: Any) -> None:
    from mediator.tui.screens.screening import RhythmDialog

    svc.add_village(EAST, "东村")
    app = app_factory()
    async with app.run_test(size=(110, 40)) as pilot:
        await open_screening(pilot)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RhythmDialog)
        dialog.query_one("#f-sensitive_from").value = "2026-11-20"
        await pilot.press("ctrl+s")
        await settle(pilot)
        # only one end of the period: refused in the dialog, nothing saved
        assert app.screen is dialog
        assert str(dialog.query_one("#f-sensitive_to").parent.query_one(".ff-msg").render()) == (
            "敏感期请同时填写开始和结束日期。")
        dialog.query_one("#f-sensitive_to").value = "2026-12-10"
        dialog.query_one("#f-village_days").value = "10"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not dialog
    rhythm = Screening(svc).rhythm()
    assert (rhythm.village_days, rhythm.sensitive_from, rhythm.sensitive_to) == (
        10, date(2026, 11, 20), date(2026, 12, 10))
