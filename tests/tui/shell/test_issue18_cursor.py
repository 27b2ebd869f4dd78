"""Issue 18 item 3, driven with Pilot: after a failed save the cursor is at the end of the
field it focuses (one Backspace removes one character, not the whole text), and the village
code prefilled with the office's code takes the typed suffix after it."""

from __future__ import annotations

from typing import Any

from conftest import settle  # type: ignore[import-not-found]
from test_shell_settings import open_settings  # type: ignore[import-not-found]
from textual.widgets import Input

from mediator.tui.dialogs.case_actions import ExtendDialog
from mediator.tui.screens.case_file import CaseFileScreen


async def test_after_a_failed_save_backspace_removes_one_character(svc: Any, make_case: Any,
                                                                   app_factory: Any) -> None:
    case = make_case()
    svc.accept_case(case.id)
    app = app_factory(first_screen=lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        dialog = ExtendDialog(svc.case_file(case.id))
        app.push_screen(dialog)
        await settle(pilot, app)
        until = dialog.field("new_deadline").widget
        until.focus()
        for ch in "2027-02-30":  # no such day
            await pilot.press(ch)
        consent = dialog.field("consent").widget
        consent.focus()
        for ch in "双方同意":
            await pilot.press(ch)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        assert app.focused is until  # the bad field
        assert until.cursor_position == len("2027-02-30")
        assert until.selection.start == until.selection.end  # nothing selected
        await pilot.press("backspace")
        await pilot.press("8")
        await pilot.pause()
        assert until.value == "2027-02-38"  # one character replaced, the rest kept
        await pilot.press("backspace", "backspace", "2", "8")
        await pilot.pause()
        assert until.value == "2027-02-28"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    deadline = svc.case_file(case.id).case.deadline_on
    assert deadline is not None and deadline.isoformat() == "2027-02-28"


async def test_the_village_code_suffix_goes_after_the_office_code(svc: Any,
                                                                  app_factory: Any) -> None:
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(pilot, app, "tab-villages")
        name = app.screen.query_one("#vil-name", Input)
        name.focus()
        for ch in "青石村":
            await pilot.press(ch)
        await pilot.press("shift+tab")  # back into the code (before the name), prefilled
        await pilot.pause()
        code = app.screen.query_one("#vil-code", Input)
        assert app.focused is code
        for ch in "001":
            await pilot.press(ch)
        await pilot.pause()
        assert code.value == "330106001001"
        await pilot.click("#vil-add")
        await settle(pilot, app)
    assert [(v.code, v.name) for v in svc.villages()] == [("330106001001", "青石村")]
