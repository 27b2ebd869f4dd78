"""Regenerate the SVG screenshots shown in the README (``python docs/screenshots/make_screenshots.py``).

Runs the real app headless at 100x30 on a fresh demo database (``mediator.demo``, fixed
seed, frozen date) and saves each main screen with ``App.save_screenshot``, in Chinese and
English. Nothing outside a temporary folder and this folder is touched.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 23)
SIZE = (100, 30)


async def settle(pilot, app) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


async def shoot(db_path: Path, empty_path: Path, lang: str) -> list[str]:
    from textual.widgets import TabbedContent

    from mediator.core.config import Config
    from mediator.core.db import open_database
    from mediator.core.paths import Paths
    from mediator.i18n import set_language
    from mediator.tui.app import MediatorApp

    set_language(lang)
    suffix = "" if lang == "zh_CN" else "-en"
    shown = Path("/home/mediator/.local/share/mediator")  # shown on the welcome screen only
    saved = []

    def save(app, name: str) -> None:  # type: ignore[no-untyped-def]
        path = app.save_screenshot(filename=f"{name}{suffix}.svg", path=str(HERE))
        saved.append(path)

    db = open_database(db_path)
    try:
        work = db_path.parent / lang  # drafts and settings of this run stay in the temp folder
        paths = Paths(data=work, config=work / "config", backups=work / "backups",
                      db=db_path).ensure()
        app = MediatorApp(db, "王调解", paths, today=TODAY, config=Config())
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            save(app, "cases")
            await pilot.press("enter")
            await settle(pilot, app)
            if type(app.screen).__name__ == "CaseFileScreen":
                save(app, "case-file")
            await pilot.press("f3")
            await settle(pilot, app)
            save(app, "agenda")
            await pilot.press("f4")
            await settle(pilot, app)
            app.screen.query_one(TabbedContent).active = "tab-mediators"
            await settle(pilot, app)
            save(app, "settings")
            await pilot.press("f2", "ctrl+n")
            await settle(pilot, app)
            if type(app.screen).__name__ == "IntakeScreen":
                save(app, "intake")
    finally:
        db.close()
    db = open_database(empty_path)
    try:
        paths = Paths(data=shown, config=shown / "config", backups=shown / "backups", db=empty_path)
        app = MediatorApp(db, "", paths, today=TODAY, config=Config())
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            save(app, "welcome")
    finally:
        db.close()
    return saved


def main() -> int:
    from mediator.core.db import open_database
    from mediator.demo import generate

    with tempfile.TemporaryDirectory() as tmp:
        db_path, empty = Path(tmp) / "demo.db", Path(tmp) / "empty.db"
        with open_database(db_path) as db:
            generate(db, cases=2000, seed=1, today=TODAY, operator="王调解")
        for lang in ("zh_CN", "en"):
            for path in asyncio.run(shoot(db_path, empty, lang)):
                print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
