"""The referral regime and record in 修改信息 (issue 25 point 3), driven through the real
case file with Pilot: the section shows for a referred source only, the values reach the
database, and the regime's 30 days apply at 受理."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from case_harness import app_on, choose_action, settle, type_in
from textual.widgets import Input

from mediator.core.enums import CaseSource, EventKind
from mediator.tui.app import MediatorApp
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.widgets.picker import CycleChoice, Picker


def file_app(svc: Any, case_id: str) -> MediatorApp:
    return app_on(svc, lambda: CaseFileScreen(case_id))


async def test_referral_set_in_edit(svc: Any, make_case: Any) -> None:
    plain = make_case()
    app = file_app(svc, plain.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        dialog = await choose_action(pilot, app, "EDIT")
        await settle(pilot, app)
        assert not dialog.query_one("#referral-section").has_class("-shown")
        dialog.query_one("#source", Picker).set_value(CaseSource.COURT.name)
        await settle(pilot, app)
        assert dialog.query_one("#referral-section").has_class("-shown")

    case = make_case(source=CaseSource.COURT)
    app = file_app(svc, case.id)
    on = svc.today() - timedelta(days=11)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        dialog = await choose_action(pilot, app, "EDIT")
        await settle(pilot, app)
        assert dialog.query_one("#referral-section").has_class("-shown")
        dialog.query_one("#referral_kind", CycleChoice).set_value("PRE_SUIT")
        await type_in(pilot, dialog.query_one("#referral_body", Input), "青石县人民法院")
        await type_in(pilot, dialog.query_one("#referral_no", Input), "（2026）浙0106民诉前调7号")
        await type_in(pilot, dialog.query_one("#referral_on", Input), on.isoformat())
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen)
    row = svc.find_case(case.id)
    assert (row.source, row.referral_kind, row.referral_body, row.referral_no, row.referral_on) == (
        "COURT", "PRE_SUIT", "青石县人民法院", "(2026)浙0106民诉前调7号", on)
    edit = [e for e in svc.case_file(case.id).events if e.kind == EventKind.EDIT.name][-1]
    assert edit.body == "referral_body, referral_kind, referral_no, referral_on"
    svc.accept_case(case.id, on=svc.today())
    assert svc.find_case(case.id).deadline_on == svc.today() + timedelta(days=30)
