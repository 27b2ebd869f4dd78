"""Issue 18 item 2: a case-file dialog keeps a draft like 登记 does. Text typed in 调解记录 and
then lost with the program comes back the next time the dialog opens (恢复 is what Enter
gives), is saved from there, and the draft is gone afterwards; 丢弃 deletes it."""

from __future__ import annotations

from typing import Any

from case_harness import app_on, settle, type_in

from mediator.tui.dialogs.base import ConfirmDialog
from mediator.tui.dialogs.case_actions import SessionDialog
from mediator.tui.drafts import DraftStore, drafts_folder
from mediator.tui.screens.case_file import CaseFileScreen

MINUTES = "双方同意李四赔偿张三院墙修缮费三千元"


async def type_a_session_and_lose_it(svc: Any, case_id: str) -> Any:
    """Type the minutes, let the draft be written, and stop the program without saving."""
    app = app_on(svc, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        dialog = SessionDialog(svc.case_file(case_id))
        app.push_screen(dialog)
        await settle(pilot, app)
        await type_in(pilot, dialog.field("content").widget, MINUTES)
        dialog.save_draft_now()  # the typing pause that writes it, without waiting for it
        await settle(pilot, app)
        name = dialog.draft_name()
    return app, name


async def test_a_dialog_draft_comes_back_and_goes_once_saved(svc: Any, make_case: Any) -> None:
    case = make_case()
    svc.accept_case(case.id)
    first, name = await type_a_session_and_lose_it(svc, case.id)
    store = DraftStore(drafts_folder(first.paths.data))
    assert store.load(name).form["f-content"] == MINUTES
    assert [e.kind for e in svc.case_file(case.id).events].count("SESSION") == 0

    app = app_on(svc, lambda: CaseFileScreen(case.id), paths=first.paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        dialog = SessionDialog(svc.case_file(case.id))
        app.push_screen(dialog)
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")  # 恢复
        await settle(pilot, app)
        assert app.screen is dialog
        assert dialog.field("content").widget.text == MINUTES
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, SessionDialog)
    sessions = [e for e in svc.case_file(case.id).events if e.kind == "SESSION"]
    assert [e.body for e in sessions] == [MINUTES]
    assert store.load(name) is None


async def test_a_declined_dialog_draft_is_deleted(svc: Any, make_case: Any) -> None:
    case = make_case()
    svc.accept_case(case.id)
    first, name = await type_a_session_and_lose_it(svc, case.id)
    store = DraftStore(drafts_folder(first.paths.data))
    app = app_on(svc, lambda: CaseFileScreen(case.id), paths=first.paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        dialog = SessionDialog(svc.case_file(case.id))
        app.push_screen(dialog)
        await settle(pilot, app)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("tab", "enter")  # 丢弃
        await settle(pilot, app)
        assert app.screen is dialog
        assert dialog.field("content").widget.text == ""
    assert store.load(name) is None
