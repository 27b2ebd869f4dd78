"""A power cut in the middle of 登记: the app is killed (SIGKILL, nothing gets to clean up) while
a case is being typed; the next start of 登记 offers the draft back and restores it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from case_harness import app_on, make_paths, settle
from textual.widgets import Input, TextArea

from mediator.tui.dialogs.base import ConfirmDialog
from mediator.tui.drafts import DraftStore, drafts_folder
from mediator.tui.screens.intake import DRAFT_NAME, IntakeScreen
from mediator.tui.widgets.party_editor import PartyEditor

TODAY = date(2026, 11, 23)

# 登记 driven by Pilot in another process (the app opened on 登记, as the tests build it;
# test_intake_shell.py covers the way there through the case list's keys).
CHILD = r"""
import asyncio, sys
from datetime import date
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from case_harness import app_on, make_paths, settle, type_in
from mediator.core.db import open_database
from mediator.core.services import Services
from mediator.tui.screens.intake import IntakeScreen

async def main():
    paths = make_paths(Path(sys.argv[1]))
    db = open_database(paths.db)
    services = Services(db, "王调解", today=lambda: date(2026, 11, 23))
    app = app_on(services, IntakeScreen, paths)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        editor = screen.query("PartyEditor").first()
        await type_in(pilot, editor.query_one("#name"), "张三")
        await type_in(pilot, editor.query_one("#id_number"), "11010519491231002X")
        await type_in(pilot, screen.query_one("#facts"), "邻居滴水纠纷，断电前还没保存")
        print("typed", flush=True)
        await asyncio.sleep(3600)  # killed long before

asyncio.run(main())
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
async def test_killed_mid_entry_then_draft_restored(tmp_path: Path) -> None:
    root = tmp_path / "家 home"
    paths = make_paths(root)
    # the office lives in the database the child opens
    from mediator.core.db import open_database
    from mediator.core.services import Services

    child_db = open_database(paths.db)
    Services(child_db, "王调解", today=lambda: TODAY).init_office(
        "青石镇人民调解委员会", "青石", "330106001"
    )
    child_db.close()

    store = DraftStore(drafts_folder(paths.data))
    log = tmp_path / "child.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(root), str(Path(__file__).parent)],
            stdout=err,
            stderr=err,
        )
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            draft = store.load(DRAFT_NAME)
            if draft and "断电前" in str(draft.form.get("details", {}).get("facts")):
                break
            assert proc.poll() is None, log.read_text(encoding="utf-8", errors="replace")[-3000:]
            time.sleep(0.1)
        else:
            pytest.fail(
                "no draft was written while typing: "
                + log.read_text(encoding="utf-8", errors="replace")[-3000:]
            )
        os.kill(proc.pid, signal.SIGKILL)  # the power cut
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # no half-written file beside the draft
    assert [p.name for p in store.folder.iterdir()] == [f"{DRAFT_NAME}.json"]

    app_db = open_database(paths.db)
    try:
        services = Services(app_db, "王调解", today=lambda: TODAY)
        app = app_on(services, IntakeScreen, paths)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, app)
            assert isinstance(app.screen, ConfirmDialog)  # "发现未保存的登记"
            await pilot.click("#yes")
            await settle(pilot, app)
            screen = app.screen
            assert isinstance(screen, IntakeScreen)
            editor = screen.query(PartyEditor).first()
            assert editor.query_one("#name", Input).value == "张三"
            assert editor.query_one("#id_number", Input).value == "11010519491231002X"
            assert screen.query_one("#facts", TextArea).text == "邻居滴水纠纷，断电前还没保存"
    finally:
        app_db.close()


@pytest.mark.parametrize("key", ["enter", "escape"])
async def test_enter_or_esc_on_the_recovery_question_keeps_the_draft(tmp_path: Path,
                                                                     key: str) -> None:
    """The question draws 恢复 as the default: Enter restores (it used to focus 丢弃 and
    delete the draft for good), and so does Esc."""
    from case_harness import type_in

    from mediator.core.db import open_database
    from mediator.core.services import Services

    paths = make_paths(tmp_path / "home")
    db = open_database(paths.db)
    try:
        services = Services(db, "王调解", today=lambda: TODAY)
        services.init_office("青石镇人民调解委员会", "青石", "330106001")
        store = DraftStore(drafts_folder(paths.data))
        typing = app_on(services, IntakeScreen, paths)
        async with typing.run_test(size=(100, 30)) as pilot:
            await settle(pilot, typing)
            await type_in(pilot, typing.screen.query_one("#facts"), "邻居滴水纠纷")
            screen = typing.screen
            assert isinstance(screen, IntakeScreen)
            screen._save_draft_now()   # the typing pause that saves it, without waiting
            await settle(pilot, typing)
        draft = store.load(DRAFT_NAME)
        assert draft is not None and draft.form["details"]["facts"] == "邻居滴水纠纷"

        app = app_on(services, IntakeScreen, paths)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot, app)
            assert isinstance(app.screen, ConfirmDialog)
            assert app.screen.focused is not None and app.screen.focused.id == "yes"
            await pilot.press(key)
            await settle(pilot, app)
            assert isinstance(app.screen, IntakeScreen)
            assert app.screen.query_one("#facts", TextArea).text == "邻居滴水纠纷"
        assert store.load(DRAFT_NAME) is not None
    finally:
        db.close()
