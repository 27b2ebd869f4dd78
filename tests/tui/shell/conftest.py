"""Fixtures for the app shell's Pilot tests: file databases in tmp_path, a 2,000-case
database built once per session and copied, and the app on a frozen clock."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from shell_factory import bulk_cases  # type: ignore[import-not-found]

TODAY = date(2026, 11, 23)
OFFICE = ("青石镇人民调解委员会", "青石", "330106001")


def make_paths(root: Path, db: Path | None = None) -> Any:
    from mediator.core.paths import Paths

    return Paths(data=root / "数据 data", config=root / "config", backups=root / "backups",
                 db=db or root / "数据 data" / "mediator.db").ensure()


@pytest.fixture
def paths(tmp_path: Path, db_path: Path) -> Any:
    return make_paths(tmp_path, db_path)


def make_app(db: Any, paths: Any, **kw: Any) -> Any:
    from mediator.core.config import Config
    from mediator.tui.app import create_app

    kw.setdefault("today", TODAY)
    kw.setdefault("config", Config())
    return create_app(db, paths, operator="王调解", **kw)


@pytest.fixture
def app_factory(db: Any, paths: Any) -> Any:
    """``app_factory(**kw)``: the app on the ``db`` fixture's database (office via ``svc``)."""
    return lambda **kw: make_app(db, paths, **kw)


@pytest.fixture(scope="session")
def template_2000(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mediator.core.db import open_database
    from mediator.core.services import Services

    path = tmp_path_factory.mktemp("template") / "cases2000.db"
    db = open_database(path)
    try:
        Services(db, "王调解", today=lambda: TODAY).init_office(*OFFICE)
        bulk_cases(db, 2000, TODAY)
    finally:
        db.close()
    return path


@pytest.fixture
def big(template_2000: Path, tmp_path: Path) -> Iterator[Any]:
    """A copy of the 2,000-case database: ``big.db``, ``big.paths``, ``big.svc``, ``big.app()``."""
    from types import SimpleNamespace

    from mediator.core.db import open_database
    from mediator.core.services import Services

    paths = make_paths(tmp_path / "big")
    shutil.copyfile(template_2000, paths.db)
    db = open_database(paths.db)
    yield SimpleNamespace(db=db, paths=paths, svc=Services(db, "王调解", today=lambda: TODAY),
                          app=lambda **kw: make_app(db, paths, **kw))
    db.close()


async def settle(pilot: Any, app: Any) -> None:
    """Wait until workers are done and the screen is repainted."""
    await pilot.pause()
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def settle_list(pilot: Any, app: Any, turns: int = 500) -> None:
    """Wait on the case list's own state, not on time: no first page in flight, no folded
    search waiting to run, the count shown for the latest query, no worker running. Bounded by
    turns of the event loop; a list that never settles fails the test instead of hanging."""
    from textual.worker import WorkerState

    from mediator.i18n import t

    screen = app.screen
    for _ in range(turns):
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        count = str(screen.query_one("#count").render())
        if (screen._in_flight is None and not screen._search_dirty and not busy
                and count != t("tui.cases.counting")):
            return
    raise AssertionError("the case list did not settle")
