"""SVG snapshots of 登记 at 100×30 in Chinese and English (fixed clock, cursor
not blinking). Update with ``pytest --snapshot-update`` after a deliberate change of the look."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from case_harness import app_on, freeze_cursors, make_paths, settle, type_in

from mediator.i18n import set_language
from mediator.tui.screens.intake import IntakeScreen
from mediator.tui.widgets.party_editor import PartyEditor

ID_ZHANG = "11010519491231002X"


@pytest.fixture
def refs(svc: Any) -> Any:
    svc.add_village("330106001001", "青山村")
    svc.add_mediator("王调解")
    return svc


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_intake_snapshot(snap_compare: Any, refs: Any, tmp_path: Path, lang: str) -> None:
    set_language(lang)
    app = app_on(refs, IntakeScreen, make_paths(tmp_path / "home"))

    async def fill(pilot: Any) -> None:
        await settle(pilot, app)
        first, second = app.screen.query(PartyEditor)
        await type_in(pilot, first.query_one("#name"), "张三")
        await type_in(pilot, first.query_one("#id_number"), ID_ZHANG)
        await type_in(pilot, first.query_one("#phone"), "13812345678")
        await type_in(pilot, second.query_one("#name"), "李四")
        await pilot.press("ctrl+s")  # no type chosen: the error shows next to the field
        await settle(pilot, app)
        app.screen.query_one("#form").scroll_home(animate=False)
        freeze_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=fill)
