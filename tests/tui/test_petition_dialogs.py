"""信访 in the case file, driven with Pilot (issue 25): the petition actions offered by the
record's dates, each dialog writing through its service, refusals shown under their field
and nothing written; the record's lines and clocks in the details."""

from __future__ import annotations

from datetime import date
from typing import Any

from case_harness import app_on, choose_action, field_error, settle, shown, type_in
from textual.widgets import Static

from mediator.core import workdays
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    DisputeType,
    PartyRole,
    PetitionChannel,
)
from mediator.core.inputs import AgreementInput, CaseInput, PartyInput
from mediator.i18n import t
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.widgets.checkbox import Checkbox

RECEIVED = date(2026, 11, 20)


def petition_case(svc: Any) -> str:
    return svc.register_case(CaseInput(
        parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
        dispute_type=DisputeType.NEIGHBOUR, facts="县信访局转来的滴水纠纷",
        source=CaseSource.PETITION, registered_on=RECEIVED, petition_received_on=RECEIVED,
        petition_channel=PetitionChannel.LETTER)).case_id


async def submit(pilot: Any, app: Any) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot, app)


async def test_petition_steps_through_the_case_file(svc: Any) -> None:
    previous = workdays.use(workdays.WorkCalendar())
    try:
        case_id = petition_case(svc)
        app = app_on(svc, lambda: CaseFileScreen(case_id))
        async with app.run_test(size=(110, 40)) as pilot:
            await settle(pilot, app)
            screen = app.screen
            assert [k for k in screen.actions if k.startswith("PETITION")] == [
                "PETITION_RECORD", "PETITION_NOTICE", "PETITION_OBJECT"]

            dialog = await choose_action(pilot, app, "PETITION_RECORD")
            await type_in(pilot, dialog.field("petition_no").widget, "县信转〔2026〕8号")
            await type_in(pilot, dialog.field("from_body").widget, "县信访局")
            dialog.query_one("#f-assigned", Checkbox).value = True
            await type_in(pilot, dialog.field("first_handler").widget, "李所长")
            await submit(pilot, app)
            p = svc.case_file(case_id).petition
            assert (p.petition_no, p.from_body, p.assigned, p.first_handler, p.channel,
                    p.received_on) == ("县信转〔2026〕8号", "县信访局", True, "李所长", "LETTER",
                                       RECEIVED)

            await choose_action(pilot, app, "PETITION_NOTICE")
            await submit(pilot, app)
            p = svc.case_file(case_id).petition
            assert (p.notice_on, p.accepted_on) == (svc.today(), svc.today())
            assert [k for k in app.screen.actions if k.startswith("PETITION")] == [
                "PETITION_RECORD", "PETITION_EXTEND", "PETITION_REPLY", "PETITION_FEEDBACK"]

            # an extension without its approver is refused under the field; nothing written
            dialog = await choose_action(pilot, app, "PETITION_EXTEND")
            await type_in(pilot, dialog.field("reason").widget, "需现场勘验")
            await submit(pilot, app)
            assert field_error(dialog, "approver") == t("petition.approver_required")
            assert svc.case_file(case_id).petition.extension_days == 0
            await type_in(pilot, dialog.field("approver").widget, "王镇长")
            await submit(pilot, app)
            p = svc.case_file(case_id).petition
            assert (p.extension_days, p.extension_approver, p.extension_told_on) == (
                30, "王镇长", svc.today())

            details = shown(app.screen.query_one("#cf-details", Static), 200)
            assert "县信转〔2026〕8号" in details and "30天，王镇长批准，2026-11-23告知" in details
            assert f"{t('deadline.PETITION_COMPLETE')} 2027-02-21 余90天" in details

            dialog = await choose_action(pilot, app, "PETITION_REPLY")
            await type_in(pilot, dialog.field("content").widget, "经调解双方达成协议，答复如下")
            await submit(pilot, app)
            p = svc.case_file(case_id).petition
            assert (p.reply_on, p.close_reason) == (svc.today(), "REPLIED")
            notes = [str(n.message) for n in app._notifications]
            assert t("petition.warn.feedback_missing") in notes
    finally:
        workdays.use(previous)


async def test_an_agreement_leaves_the_petition_open(svc: Any) -> None:
    case_id = petition_case(svc)
    svc.petition_notice(case_id, accepted=True)
    svc.accept_case(case_id)
    svc.record_agreement(case_id, AgreementInput(AgreementForm.WRITTEN, svc.today(), "加装檐沟",
                                                 performed_now=True))
    app = app_on(svc, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, app)
        assert "PETITION_REPLY" in app.screen.actions
        details = shown(app.screen.query_one("#cf-details", Static), 200)
        assert f"{t('deadline.PETITION_COMPLETE')} 2027-01-22 余60天" in details


async def test_the_app_warns_when_the_year_has_no_holidays(svc: Any) -> None:
    from mediator.core.services import Services

    later = Services(svc.db, operator="王调解", today=lambda: date(2040, 3, 1))
    previous = workdays.use(workdays.WorkCalendar())
    try:
        app = app_on(later, None)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, app)
            notes = [str(n.message) for n in app._notifications]
            assert notes.count(t("workdays.uncovered", year=2040, file="workdays.json")) == 1
    finally:
        workdays.use(previous)


async def test_a_refusal_without_a_route_is_refused_in_the_dialog(svc: Any, make_case: Any
                                                                   ) -> None:
    case = make_case()
    app = app_on(svc, lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, app)
        dialog = await choose_action(pilot, app, "REFUSE")
        await type_in(pilot, dialog.field("reason").widget, "属劳动仲裁受理范围")
        await submit(pilot, app)
        assert field_error(dialog, "routes") == t("svc.refuse_needs_route")
        assert svc.case_file(case.id).case.state == "REGISTERED"
        await type_in(pilot, dialog.field("to_body").widget, "县劳动人事争议仲裁委员会")
        await submit(pilot, app)
        c = svc.case_file(case.id).case
        assert (c.state, c.transfer_to) == ("REFUSED", "县劳动人事争议仲裁委员会")


async def test_consent_is_recorded_before_acceptance(svc: Any, make_case: Any) -> None:
    from mediator.tui.widgets.picker import CycleChoice

    case = make_case()
    app = app_on(svc, lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, app)
        assert app.screen.actions[:2] == ["ACCEPT", "REFUSE"] and "CONSENT" in app.screen.actions
        dialog = await choose_action(pilot, app, "CONSENT")
        parties = svc.case_file(case.id).parties
        dialog.query_one("#f-party", CycleChoice).set_value(parties[1].id)
        dialog.query_one("#f-consent_form", CycleChoice).set_value("REFUSED")
        await submit(pilot, app)
        assert [p.consent_form for p in svc.case_file(case.id).parties] == [None, "REFUSED"]
        assert t("svc.consent_refused_hint") in [str(n.message) for n in app._notifications]


async def test_refusing_a_case_at_risk_asks_for_the_calming_measures(svc: Any, make_case: Any
                                                                      ) -> None:
    """Issue 25: with a recorded 激化风险 the dialog refuses until 疏导措施 are given."""
    from mediator.core.risk import RiskInput, Risks

    case = make_case()
    Risks(svc).record(RiskInput("扬言报复", "上门劝阻", case_id=case.id,
                                occurred_on=case.registered_on))
    app = app_on(svc, lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(110, 40)) as pilot:
        await settle(pilot, app)
        dialog = await choose_action(pilot, app, "REFUSE")
        await type_in(pilot, dialog.field("reason").widget, "已向法院起诉")
        await type_in(pilot, dialog.field("to_body").widget, "青石派出所")
        await submit(pilot, app)
        assert field_error(dialog, "measures") == t("svc.refuse_risk_needs_measures")
        assert svc.case_file(case.id).case.state == "REGISTERED"
        await type_in(pilot, dialog.field("measures").widget, "上门劝导")
        await submit(pilot, app)
        cf = svc.case_file(case.id)
        assert (cf.case.state, cf.case.transfer_to) == ("REFUSED", "青石派出所")
        assert [e.body for e in cf.events if e.state_to == "REFUSED"] == [
            "已向法院起诉\n疏导措施：上门劝导；移交/告知机关：青石派出所"]
