"""Child process of the UI benchmarks. Prints machine-readable lines:

    READY                    when the first screen is interactive (start-up figures)
    KEY <ms>                 keystroke to repainted list, one per query
    RSS <MB>                 peak resident memory after scrolling and opening cases

Usage: ui_probe.py bare | start DB | keys DB QUERIES_FILE | memory DB
"""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def peak_rss_mb() -> float:
    try:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    except ImportError:  # Windows
        import psutil  # type: ignore[import-not-found]

        return psutil.Process().memory_info().peak_wset / 2**20


def make_app(db_path: str, prepared: bool = False):  # type: ignore[no-untyped-def]
    """The app as ``mediator`` builds it. ``prepared``: as its start after the first of a day
    (cli.Context.open_db(prepared=True)): the first page on plain sqlite3, the Database opened
    after the first frame."""
    _mark_loads()
    from datetime import date

    from mediator.core.config import load_config
    from mediator.core.db import has_daily_backup, prepare_database
    from mediator.core.paths import resolve_paths
    from mediator.tui.app import MediatorApp

    paths = resolve_paths(db_path)
    if prepared and has_daily_backup(paths.db, paths.backups, date.today()):
        return MediatorApp(db=prepare_database(paths.db, backups=paths.backups),
                           operator="bench", paths=paths,
                           config=load_config(paths.config_file))
    from mediator.core.backup import daily_backup
    from mediator.core.db import open_database

    # what `mediator` does (cli.Context.open_db): the first open of a day checks the whole
    # file and makes the daily backup; the runs after a warm-up are the other opens of a day
    db = open_database(paths.db, backups=paths.backups)
    daily_backup(paths.db, paths.backups)
    return MediatorApp(db=db, operator="bench", paths=paths, config=load_config(paths.config_file))


_LOADED: list[float] = []
#: when the app said its first page was on screen (MediatorApp.first_page_shown)
_PAINTED: list[float] = []


def _mark_loads() -> None:
    """Note when the case list receives its first page (even an empty one)."""
    from mediator.tui.widgets.case_list import CaseList

    original = CaseList.set_rows

    def set_rows(self, *a, **kw):  # type: ignore[no-untyped-def]
        original(self, *a, **kw)
        _LOADED.append(time.perf_counter())

    CaseList.set_rows = set_rows  # type: ignore[method-assign]

    from mediator.tui.app import MediatorApp

    shown = MediatorApp.first_page_shown

    def first_page_shown(self):  # type: ignore[no-untyped-def]
        _PAINTED.append(time.perf_counter())
        shown(self)

    MediatorApp.first_page_shown = first_page_shown  # type: ignore[method-assign]


async def wait_rows(app, timeout: float = 30.0):  # type: ignore[no-untyped-def]
    from mediator.tui.widgets.case_list import CaseList

    end = time.perf_counter() + timeout
    while time.perf_counter() < end:
        try:
            lst = app.screen.query_one(CaseList)
            if _LOADED:
                return lst
        except Exception:  # noqa: BLE001 - screen not mounted yet
            pass
        await asyncio.sleep(0.002)
    raise SystemExit("case list never loaded")


async def bare() -> None:
    from textual.app import App
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self):  # type: ignore[no-untyped-def]
            yield Label("mediator")

    app = Bare()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        print("READY", flush=True)


async def start(db: str) -> None:
    """READY once the first page has been drawn (the frame after the list took its rows):
    the app is interactive from then. What a start from a prepared file leaves for after
    the first frame (the Database, the start-up checks, the filters) is not waited for."""
    app = make_app(db, prepared=True)
    async with app.run_test(size=(120, 40)):
        await wait_rows(app)
        while not _PAINTED:
            await asyncio.sleep(0.002)
        print("READY", flush=True)


async def keys(db: str, queries_file: str) -> None:
    """Keystroke to repainted list: from the change of the search box (a key, or an input
    method committing a word) to the first frame the app writes after the list took the
    new rows. Each query is followed by clearing the box, which is not measured."""
    from textual.widgets import Input

    queries = Path(queries_file).read_text(encoding="utf-8").split("\n")
    app = make_app(db)
    frames: list[float] = []
    original_display = app._display

    def display(screen, renderable):  # type: ignore[no-untyped-def]
        original_display(screen, renderable)
        frames.append(time.perf_counter())

    app._display = display  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await wait_rows(app)
        search = app.screen.query_one("#search", Input)
        stamps: list[float] = []
        original = lst.set_rows

        def set_rows(*a, **kw):  # type: ignore[no-untyped-def]
            original(*a, **kw)
            stamps.append(time.perf_counter())

        lst.set_rows = set_rows  # type: ignore[method-assign]
        for q in queries:
            if not q:
                continue
            for value in (q, ""):
                await pilot.pause()  # start from an idle app (the count of the last query)
                before = len(stamps)
                t0 = time.perf_counter()
                search.value = value
                painted = None
                while time.perf_counter() - t0 < 5:
                    if len(stamps) > before:
                        after = [f for f in frames if f > stamps[before]]
                        if after:
                            painted = after[0]
                            break
                    await asyncio.sleep(0.0005)
                if value and painted is not None:
                    print(f"KEY {(painted - t0) * 1000:.2f}", flush=True)


async def memory(db: str) -> None:
    from mediator.tui.screens.case_file import CaseFileScreen

    app = make_app(db)
    async with app.run_test(size=(120, 40)) as pilot:
        lst = await wait_rows(app)
        lst.focus()
        for _ in range(60):  # scroll through ~60 screens of the list, loading pages as it goes
            await pilot.press("pagedown")
            await pilot.pause(0.01)
        ids = [r.id for r in lst.rows[:: max(1, len(lst.rows) // 20)]][:20]
        for case_id in ids:
            app.open_case(case_id)
            for _ in range(500):
                await pilot.pause(0.005)
                if isinstance(app.screen, CaseFileScreen):
                    break
            await pilot.pause(0.05)
            await pilot.press("escape")
            await pilot.pause(0.02)
        print(f"ROWS {len(lst.rows)}", flush=True)
        print(f"RSS {peak_rss_mb():.1f}", flush=True)


def main() -> None:
    mode = sys.argv[1]
    if mode == "bare":
        asyncio.run(bare())
    elif mode == "start":
        asyncio.run(start(sys.argv[2]))
    elif mode == "keys":
        asyncio.run(keys(sys.argv[2], sys.argv[3]))
    elif mode == "memory":
        asyncio.run(memory(sys.argv[2]))


if __name__ == "__main__":
    main()
