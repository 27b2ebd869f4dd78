"""Screens at 80×24, in both languages: nothing wraps that must not, nothing runs off the edge."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import settle  # type: ignore[import-not-found]
from textual.widgets import Button, Static

from mediator.i18n import set_language
from mediator.tui.screens.dashboard import DashboardScreen


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_overview_at_80_columns_stacks_instead_of_wrapping(big: Any, lang: str) -> None:
    set_language(lang)
    app = big.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("f5")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        trend = screen.query_one("#dash-trend", Static)
        lines = len(str(trend.render()).splitlines())
        assert trend.size.height == lines  # one screen row per chart line: nothing wrapped
        export = screen.query_one("#dash-export", Button)
        body = screen.query_one("#dash-body")
        assert export.region.x >= 0
        assert export.virtual_region.right <= body.size.width  # the button is whole
        week = screen.query_one("#dash-week")
        assert week.virtual_region.right <= body.size.width
        assert screen.has_class("-narrow")
        await pilot.resize_terminal(140, 36)
        await settle(pilot, app)
        assert not screen.has_class("-narrow")


def _dialogs() -> list[tuple[str, Any]]:
    from mediator.tui.dialogs.agreement import AgreementDialog
    from mediator.tui.dialogs.case_actions import SessionDialog, TerminateDialog
    from mediator.tui.dialogs.edit import EditCaseDialog
    from mediator.tui.dialogs.follow_up import CompleteFollowUpDialog, ScheduleFollowUpDialog

    return [("agreement", AgreementDialog), ("session", SessionDialog),
            ("terminate", TerminateDialog), ("edit", EditCaseDialog),
            ("follow_up", ScheduleFollowUpDialog),
            ("follow_up_done", CompleteFollowUpDialog)]  # with the 回访 record (issue 24)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize(("name", "dialog"), _dialogs())
async def test_case_dialogs_at_80x24_keep_their_buttons_and_the_focus_in_view(
        svc: Any, make_case: Any, app_factory: Any, lang: str, name: str, dialog: Any) -> None:
    set_language(lang)
    case = make_case()
    svc.accept_case(case.id)
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        app.push_screen(dialog(svc.case_file(case.id)))
        await settle(pilot, app)
        screen = app.screen
        body = screen.query_one("#dialog-body")
        seen = set()
        for _ in range(40):  # every field once, then the buttons
            focused = app.focused
            assert focused is not None
            if focused.id in ("ok", "cancel"):
                break
            if focused in seen:
                continue
            seen.add(focused)
            # the focused field is scrolled into the part of the body on screen
            assert body.region.contains_region(focused.region.intersection(body.region)), name
            assert focused.region.intersection(body.region).area > 0, (name, focused)
            await pilot.press("tab")
            await pilot.pause()
        ok = screen.query_one("#ok", Button)
        assert screen.region.contains_region(ok.region)
        assert ok.region.area > 0
