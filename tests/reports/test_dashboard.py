"""The dashboard screen, driven with Pilot in the real app, opened first (F5 pushes it the same
way)."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import openpyxl
from textual.widgets import Button, DataTable, Input, ProgressBar, Select, Static

from mediator.core.paths import resolve_paths
from mediator.reports.periods import parse_week
from mediator.reports.stats import TrendPoint
from mediator.tui.app import MediatorApp
from mediator.tui.screens.dashboard import DashboardScreen, trend_chart, type_chart
from tests.tui.case_harness import app_on

from .conftest import PARTY_NAMES, TODAY


def dash_app(services: Any) -> MediatorApp:
    """The app on ``services``' database, the dashboard open; folders in MEDIATOR_HOME."""
    return app_on(services, DashboardScreen, resolve_paths())


def _cells(table: DataTable) -> list[list[str]]:  # type: ignore[type-arg]
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def _ambiguous(text: str) -> set[str]:
    return {ch for ch in text if unicodedata.east_asian_width(ch) == "A"}


async def _loaded(pilot) -> DashboardScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, DashboardScreen)
    return screen


async def test_week_against_last_week_trend_types_overdue(known) -> None:  # type: ignore[no-untyped-def]
    app = dash_app(known.svc)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await _loaded(pilot)
        rows = {r[0]: r[1:] for r in _cells(screen.query_one("#dash-week", DataTable))}
        # today is Monday 2026-11-23: this week W48 is new, last week is W47 of the fixture
        assert rows["登记数"] == ["0", "4", "-4"]
        assert rows["调结数"] == ["0", "4", "-4"]
        assert rows["调解成功率"][:2] == ["—", "25.0%"]
        assert rows["期末在调数"][0] == "2" and rows["期末逾期数"][0] == "1"
        assert rows["协议涉及金额(元)"][1] == "500.00"
        trend = str(screen.query_one("#dash-trend", Static).render())
        assert "W47" in trend and "#" in trend and "=" in trend
        types = str(screen.query_one("#dash-types", Static).render())
        assert "02 邻里" in types and "#" in types
        assert not _ambiguous(trend + types)
        overdue = _cells(screen.query_one("#dash-overdue", DataTable))
        assert len(overdue) == 1 and overdue[0][0] == known.case_nos["C3"]
        assert overdue[0][1] == "吴某 / 郑某" and overdue[0][-1] == "逾期21天"
        shown = " ".join(" ".join(r) for r in overdue)
        assert not any(name in shown for name in PARTY_NAMES)


async def test_export_with_progress_and_path(known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = dash_app(known.svc)
    folder = tmp_path / "导出 报表"
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await _loaded(pilot)
        assert screen.query_one("#dash-period", Input).value == "2026-W48"
        screen.query_one("#dash-period", Input).value = "2026-W47"
        screen.query_one("#dash-folder", Input).value = str(folder)
        screen.query_one("#dash-export", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        written = folder / "青石镇人民调解周报_2026-W47.xlsx"
        assert written.exists() and screen.written == written
        bar = screen.query_one("#dash-progress", ProgressBar)
        assert bar.progress == bar.total == 3
        assert str(written) in str(screen.query_one("#dash-status", Static).render())
        wb = openpyxl.load_workbook(written)
        assert wb.worksheets[0].cell(row=1, column=1).value == "青石镇人民调解周报"

        # another kind and format; the period box follows the kind
        screen.query_one("#dash-kind", Select).value = "ledger"
        await pilot.pause()
        assert screen.query_one("#dash-period", Input).value == "2026-11"
        screen.query_one("#dash-format", Select).value = "csv"
        await pilot.pause()
        await pilot.press("ctrl+e")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert (folder / "青石镇人民调解台账_2026-11.csv").exists()


async def test_export_error_in_chinese(known, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    app = dash_app(known.svc)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await _loaded(pilot)
        screen.query_one("#dash-period", Input).value = "2025-W53"
        screen.query_one("#dash-folder", Input).value = str(tmp_path)
        screen.query_one("#dash-export", Button).press()
        await pilot.pause()
        assert "2025年共有52周" in str(screen.query_one("#dash-error", Static).render())
        assert list(tmp_path.iterdir()) == []


async def test_export_goes_to_the_exports_folder_and_opens_it(known, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """By default a report goes where a clerk finds it (导出), and 打开文件夹 shows it."""
    import os

    from mediator.core import desktop

    opened: list[Path] = []
    monkeypatch.setattr(desktop.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(desktop.subprocess, "Popen", lambda argv, **kw: opened.append(Path(argv[1])))
    exports = Path(os.environ["MEDIATOR_HOME"]) / "exports"
    app = dash_app(known.svc)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await _loaded(pilot)
        assert screen.query_one("#dash-folder", Input).value == str(exports)
        assert screen.query_one("#dash-open", Button).display is False
        screen.query_one("#dash-period", Input).value = "2026-W47"
        screen.query_one("#dash-export", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.written == exports / "青石镇人民调解周报_2026-W47.xlsx"
        assert screen.written.is_file()
        button = screen.query_one("#dash-open", Button)
        assert button.display is True
        button.press()
        await pilot.pause()
        assert opened == [exports]


async def test_a_report_open_in_wps_keeps_the_form_with_the_message(known, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                                   windows_rules) -> None:
    folder = tmp_path / "导出"
    folder.mkdir()
    held = folder / "青石镇人民调解周报_2026-W47.xlsx"
    held.write_bytes(b"last week's report")
    windows_rules.hold(held)
    app = dash_app(known.svc)
    async with app.run_test(size=(140, 60)) as pilot:
        screen = await _loaded(pilot)
        screen.query_one("#dash-period", Input).value = "2026-W47"
        screen.query_one("#dash-folder", Input).value = str(folder)
        screen.query_one("#dash-export", Button).press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        error = str(screen.query_one("#dash-error", Static).render())
        assert error.startswith(f"文件 {held} 正被其他程序")
        assert "关闭" in error
        assert screen.written is None
        assert screen.query_one("#dash-export", Button).disabled is False
        assert screen.query_one("#dash-open", Button).display is False
    assert held.read_bytes() == b"last week's report"
    assert sorted(p.name for p in folder.iterdir()) == [held.name]


def test_charts_use_plain_characters() -> None:
    weeks = parse_week("2026-W47", TODAY).weeks(4)
    points = [TrendPoint(w, r, c) for w, r, c in zip(weeks, (0, 3, 10, 5), (1, 0, 4, 5))]
    chart = str(trend_chart(points, height=5))
    lines = chart.splitlines()
    assert lines[0].startswith("10 |") and lines[5].startswith(" 0 +")
    assert lines[6].split() == ["W44", "W45", "W46", "W47"]
    # the 10 reaches the top row, the 3 does not; a 1 still shows one mark
    assert lines[0].count("#") == 1 and "=" not in lines[0]
    assert lines[4].count("=") == 3
    bars = str(type_chart([("02 邻里", 10), ("10 劳动争议", 1)], width=20))
    assert "#" * 20 + " 10" in bars and "|## 1" in bars
    assert not _ambiguous(chart + bars)


def test_the_type_chart_shows_a_long_type_name_whole() -> None:
    """Issue 18: '14 道路交通事~' was cut at 120 columns; a name is shown whole up to 22
    cells, and the bars line up after the longest."""
    lines = str(type_chart([("02 邻里", 2), ("14 道路交通事故", 1)], width=10)).splitlines()
    assert lines == ["02 邻里         |########## 2", "14 道路交通事故 |##### 1"]
