"""受理 with a party's answer to mediation not recorded (人民调解法 §17): the case file asks
first, 返回 leaves the case as it was, 仍然受理 accepts it and the timeline says whose answer
was missing."""

from __future__ import annotations

from typing import Any

from case_harness import app_on, choose_action, settle

from mediator.core.enums import CaseState, ConsentForm
from mediator.tui.app import MediatorApp
from mediator.tui.dialogs.base import ConfirmDialog
from mediator.tui.dialogs.case_actions import AcceptDialog
from mediator.tui.screens.case_file import CaseFileScreen


def file_app(svc: Any, case_id: str) -> MediatorApp:
    return app_on(svc, lambda: CaseFileScreen(case_id))


async def test_accept_without_consent_is_confirmed(svc: Any, make_case: Any) -> None:
    case = make_case()
    zhang = next(p for p in svc.case_file(case.id).parties if p.name == "张三")
    svc.record_consent(zhang.id, ConsentForm.WRITTEN)
    app = file_app(svc, case.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await choose_action(pilot, app, "ACCEPT")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#no")
        await settle(pilot, app)
        assert isinstance(app.screen, AcceptDialog)
        assert svc.case_file(case.id).case.state == CaseState.REGISTERED.name
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.click("#yes")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen)
    cf = svc.case_file(case.id)
    assert cf.case.state == CaseState.ACCEPTED.name
    accepted = [e for e in cf.events if e.state_to == CaseState.ACCEPTED.name]
    assert [(e.summary, e.body) for e in accepted] == [
        ("受理", "受理时未记录当事人李四同意调解的意愿（经确认受理）。")]


async def test_accept_with_every_answer_asks_nothing(svc: Any, make_case: Any) -> None:
    case = make_case()
    for p in svc.case_file(case.id).parties:
        svc.record_consent(p.id, ConsentForm.ORAL)
    app = file_app(svc, case.id)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await choose_action(pilot, app, "ACCEPT")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen)
    cf = svc.case_file(case.id)
    assert [(e.summary, e.body) for e in cf.events
            if e.state_to == CaseState.ACCEPTED.name] == [("受理", "")]
