"""SVG snapshots of the shell's screens, Chinese and English, at 100x30.

Frozen: the clock (``today=``), the data (fixed seed), the paths shown on screen, and the
cursor blink (off when headless). Update after a deliberate change with
``pytest tests/tui/shell/test_shell_snapshots.py --snapshot-update`` and look at the report.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import OFFICE, TODAY, make_app, settle  # type: ignore[import-not-found]
from shell_factory import bulk_cases  # type: ignore[import-not-found]
from textual.widgets import TabbedContent

from mediator.core.db import open_database
from mediator.core.paths import Paths
from mediator.core.queries import CaseFilter
from mediator.core.services import Services
from mediator.i18n import set_language

SIZE = (100, 30)
#: what the screens show as paths: the same on every machine
SHOWN = Path("/home/mediator/.local/share/mediator")


def shown_paths(db_path: Path) -> Paths:
    return Paths(data=SHOWN, config=SHOWN / "config", backups=SHOWN / "backups", db=db_path)


def build(db_path: Path) -> Any:
    db = open_database(db_path)
    svc = Services(db, "王调解", today=lambda: TODAY)
    svc.init_office(*OFFICE)
    bulk_cases(db, 60, TODAY, seed=3)
    svc.add_mediator("王调解", "13812345678", "主任")
    svc.add_mediator("李文书")
    rows = svc.list_cases(CaseFilter(states=("MEDIATING",)), limit=6).rows
    for i, row in enumerate(rows[:4]):
        svc.schedule_follow_up(row.id, TODAY + timedelta(days=i * 2 - 1) if i else TODAY,
                               note=("电话回访，了解协议履行情况", "上门回访", "", "回访申请人")[i])
    return db


@pytest.fixture(params=["zh_CN", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    set_language(request.param)
    return str(request.param)


@pytest.fixture
def snap_app(tmp_path: Path, lang: str) -> Any:
    db = build(tmp_path / "snap.db")
    yield make_app(db, shown_paths(tmp_path / "snap.db"))
    db.close()


async def _wait(pilot: Any) -> None:
    await settle(pilot, pilot.app)


def test_home(snap_compare: Any, snap_app: Any) -> None:
    assert snap_compare(snap_app, terminal_size=SIZE, run_before=_wait)


def test_agenda(snap_compare: Any, snap_app: Any) -> None:
    async def go(pilot: Any) -> None:
        await _wait(pilot)
        await pilot.press("f3")
        await _wait(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=go)


def test_settings(snap_compare: Any, snap_app: Any) -> None:
    async def go(pilot: Any) -> None:
        await _wait(pilot)
        await pilot.press("f4")
        await _wait(pilot)
        pilot.app.screen.query_one(TabbedContent).active = "tab-mediators"
        await _wait(pilot)

    assert snap_compare(snap_app, terminal_size=SIZE, run_before=go)


def test_welcome(snap_compare: Any, tmp_path: Path, lang: str) -> None:
    db = open_database(tmp_path / "empty.db")
    try:
        app = make_app(db, shown_paths(tmp_path / "empty.db"))
        assert snap_compare(app, terminal_size=SIZE, run_before=_wait)
    finally:
        db.close()
