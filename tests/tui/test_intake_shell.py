"""登记 and 简易登记 reached through the real app shell (Ctrl+N, Ctrl+O), as a mediator does."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from case_harness import make_paths, settle, type_in
from textual.widgets import Input

from mediator.core.enums import CaseState, DisputeType
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.screens.intake import IntakeScreen, QuickCaseScreen, QuickDoneDialog
from mediator.tui.widgets.party_editor import PartyEditor

TODAY = date(2026, 11, 23)


async def test_new_case_and_quick_case_from_the_shell(svc: Any, db: Any, tmp_path: Path) -> None:
    from mediator.core.config import Config
    from mediator.tui.app import create_app

    app = create_app(db, make_paths(tmp_path / "home"), operator="王调解", today=TODAY,
                     config=Config())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        home = app.screen
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        first, second = intake.query(PartyEditor)
        await type_in(pilot, first.query_one("#name", Input), "周八")
        await type_in(pilot, second.query_one("#name", Input), "吴九")
        intake.query_one("#dispute_type").set_value(DisputeType.CONTRACT.name)
        await type_in(pilot, intake.query_one("#facts"), "借款两万元到期未还")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen)  # opened through app.open_case
        case_id = app.screen.case_id
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is home

        await pilot.press("ctrl+o")
        await settle(pilot, app)
        quick = app.screen
        assert isinstance(quick, QuickCaseScreen)
        await type_in(pilot, quick.query_one("#a_name", Input), "郑十")
        await type_in(pilot, quick.query_one("#b_name", Input), "冯一")
        quick.query_one("#dispute_type").set_value(DisputeType.NEIGHBOUR.name)
        await type_in(pilot, quick.query_one("#facts", Input), "占道堆放柴草")
        await type_in(pilot, quick.query_one("#terms", Input), "冯一当天搬走柴草")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, QuickDoneDialog)
        await pilot.click("#back")
        await settle(pilot, app)
        assert app.screen is home
    assert CaseState(svc.case_file(case_id).case.state) is CaseState.REGISTERED
    quick_case = svc.find_case("(2026)青石人调字第002号")
    assert CaseState(quick_case.state) is CaseState.PERFORMED
