"""The footer of the sync and ledger-import screens at 80 columns: the last key shown ends
before the palette key (it ran one cell under it: "f2 Case▏^p Commands", "上报同 ▏^p 命令")."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import settle  # type: ignore[import-not-found]
from test_shell_footer import footer_layout  # type: ignore[import-not-found]

from mediator.i18n import set_language


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("screen", ["SyncScreen", "LedgerImportScreen"])
async def test_last_footer_key_is_whole(svc: Any, app_factory: Any, tmp_path: Any,
                                        monkeypatch: pytest.MonkeyPatch, lang: str,
                                        screen: str) -> None:
    import mediator.sync.service
    from mediator.tui.screens.ledger_import import LedgerImportScreen
    from mediator.tui.screens.sync import SyncScreen

    monkeypatch.setattr(mediator.sync.service, "removable_folders", list)
    set_language(lang)
    first = (SyncScreen if screen == "SyncScreen"
             else lambda: LedgerImportScreen(start_dir=tmp_path))
    app = app_factory(first_screen=first)
    async with app.run_test(size=(80, 24)) as pilot:
        if screen == "SyncScreen":
            await settle(pilot, app)
        else:  # its folder tree's loader never ends: wait for the screen itself
            for _ in range(4):
                await pilot.pause()
        assert type(app.screen).__name__ == screen
        shown, hidden, whole = footer_layout(app)
        assert whole, shown
        assert hidden
    set_language("zh_CN")
