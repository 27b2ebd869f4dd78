"""The dashboard, sync and ledger-import screens are reachable from the app shell by key and
from the command palette's actions."""

from __future__ import annotations

from typing import Any


async def _wait_for(pilot: Any, app: Any, cls: type) -> None:
    for _ in range(200):
        await pilot.pause(0.02)
        if isinstance(app.screen, cls):
            return
    raise AssertionError(f"{cls.__name__} never opened; screen is {type(app.screen).__name__}")


async def test_function_keys_open_dashboard_sync_and_ledger_import(svc: Any, app_factory: Any) -> None:
    from mediator.tui.screens.dashboard import DashboardScreen
    from mediator.tui.screens.ledger_import import LedgerImportScreen
    from mediator.tui.screens.sync import SyncScreen

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        await pilot.press("f5")
        await _wait_for(pilot, app, DashboardScreen)
        await pilot.press("escape")
        await pilot.pause(0.1)
        await pilot.press("f6")
        await _wait_for(pilot, app, SyncScreen)
        await pilot.press("escape")
        await pilot.pause(0.1)
        await pilot.press("f7")
        await _wait_for(pilot, app, LedgerImportScreen)


async def test_palette_actions_open_the_logs(svc: Any, app_factory: Any) -> None:
    from mediator.tui.screens.sync import ConflictsScreen, ImportLogScreen

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause(0.2)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "同步冲突" in titles and "工作概览" in titles and "导入旧台账" in titles
        app.action_open_screen("sync", "ImportLogScreen")
        await _wait_for(pilot, app, ImportLogScreen)
        app.action_open_screen("sync", "ConflictsScreen")
        await _wait_for(pilot, app, ConflictsScreen)
