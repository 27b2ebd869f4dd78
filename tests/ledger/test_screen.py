"""The 导入原有台账 screen, driven with Pilot in the real app (pushed as F7 pushes it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import text
from textual.widgets import Button, DataTable, Input, ProgressBar, Select, Static

from mediator.tui.screens.ledger_import import ALL_SHEETS, LedgerImportScreen, LedgerTree
from tests.ledger import ledgers as L
from tests.tui.case_harness import app_on


async def open_ledger(pilot: Any, start: Path) -> list[Any]:
    """Push the screen over the case list; the list receives what it is dismissed with."""
    results: list[Any] = []
    pilot.app.push_screen(LedgerImportScreen(start_dir=start), results.append)
    await pilot.pause()
    return results


async def settle(pilot: Any) -> None:
    """Wait for the screen's own workers (the folder tree keeps a loader running forever)."""
    for _ in range(600):
        await pilot.pause(0.05)
        if not any(w.is_running for w in pilot.app.workers if w.group.startswith("ledger")):
            break
    await pilot.pause()
    await pilot.pause()


async def click(pilot: Any, selector: str) -> None:
    """Click a button; a Button ignores clicks while its press animation runs (-active)."""
    button = pilot.app.screen.query_one(selector, Button)
    for _ in range(40):
        if not button.has_class("-active"):
            break
        await pilot.pause(0.05)
    await pilot.click(selector)


def cell_texts(table: DataTable) -> list[list[str]]:  # type: ignore[type-arg]
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


def count(svc: Any) -> int:
    with svc.db.read() as s:
        return s.exec(text("SELECT count(*) FROM dispute_case")).scalar_one()  # type: ignore[call-overload]


async def test_preview_then_import(svc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc.add_mediator("王调解")
    path = L.ledger_a(tmp_path / "[bold]台账.xlsx")  # markup in a file name stays literal
    app = app_on(svc, None)
    async with app.run_test(size=(140, 60)) as pilot:
        results = await open_ledger(pilot, tmp_path)
        screen = app.screen
        assert isinstance(screen, LedgerImportScreen)
        assert screen.query_one("#ledger-run", Button).disabled
        screen.query_one("#ledger-file", Input).value = str(path)
        await click(pilot, "#ledger-preview")
        await settle(pilot)

        summary = str(screen.query_one("#ledger-summary", Static).render())
        assert "[bold]台账.xlsx" in summary and "可导入 6 行，不能导入 3 行" in summary
        cols = cell_texts(screen.query_one("#ledger-columns", DataTable))
        assert ["B", "受理日期", "受理日期"] in cols
        assert ["I", "被申请人联系电话", "被申请人联系电话"] in cols
        rows = cell_texts(screen.query_one("#ledger-rows", DataTable))
        assert rows[0][:5] == ["2", "2026-01-05", "张三 / 李四", "邻里", "已归档"]
        assert rows[2][4] == "调解中" and "按关键词" in rows[2][5]
        assert rows[6][4] == "不能导入" and rows[6][5] == "缺少受理日期"
        sheet = screen.query_one("#ledger-sheet", Select)
        assert sheet.display and sheet.value == ALL_SHEETS  # two sheets: the choice is shown
        assert count(svc) == 0  # a preview writes nothing

        assert not screen.query_one("#ledger-run", Button).disabled
        await click(pilot, "#ledger-run")
        await settle(pilot)
        bar = screen.query_one("#ledger-progress", ProgressBar)
        assert bar.progress == bar.total == 6
        report = str(screen.query_one("#ledger-report", Static).render())
        assert "新增 6 件，已导入过 0 件，未导入 3 行" in report
        assert "第8行：缺少受理日期" in report and "陈调解" in report
        assert "[bold]台账_未导入.xlsx" in report
        assert count(svc) == 6 and (tmp_path / "[bold]台账_未导入.xlsx").exists()
        # the new cases' search index is built in the background after the import
        for _ in range(600):
            await pilot.pause(0.05)
            if all(w.is_finished for w in app.workers if w.group == "search-index"):
                break
        with svc.db.read() as s:
            assert s.exec(text("SELECT (SELECT count(*) FROM search_pending), "  # type: ignore[call-overload]
                               "(SELECT count(*) FROM case_fts)")).one() == (0, 6)

        assert screen.query_one("#ledger-run", Button).disabled  # done: read the file again
        await click(pilot, "#ledger-preview")
        await settle(pilot)
        await click(pilot, "#ledger-run")  # the same ledger again: nothing new is added
        await settle(pilot)
        assert "新增 0 件，已导入过 6 件" in str(screen.query_one("#ledger-report", Static).render())
        assert count(svc) == 6
        await pilot.press("escape")
        await pilot.pause()
    assert len(results) == 1 and results[0].existing == 6


async def test_pick_in_tree_and_errors(svc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "台账"
    folder.mkdir()
    L.ledger_d(folder / "d.csv")
    (folder / "notes.docx").write_text("x")
    (folder / "旧台账.xls").write_bytes(b"")
    (folder / "台账.ods").write_bytes(b"")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not really")
    app = app_on(svc, None)
    async with app.run_test(size=(140, 60)) as pilot:
        await open_ledger(pilot, folder)
        screen = app.screen
        await click(pilot, "#ledger-preview")  # nothing typed yet
        await pilot.pause()
        assert "请先填写或选择台账文件" in str(screen.query_one("#ledger-error", Static).render())

        screen.query_one("#ledger-file", Input).value = str(tmp_path / "broken.xlsx")
        await click(pilot, "#ledger-preview")
        await settle(pilot)
        assert "无法读取台账文件" in str(screen.query_one("#ledger-error", Static).render())
        assert screen.query_one("#ledger-run", Button).disabled

        await click(pilot, "#ledger-browse")
        tree = screen.query_one("#ledger-tree", LedgerTree)
        await settle(pilot)
        names = [str(node.data.path.name) for node in tree.root.children]  # type: ignore[union-attr]
        assert sorted(names) == sorted(["d.csv", "旧台账.xls", "台账.ods"])  # ledger files only
        tree.select_node(next(n for n in tree.root.children
                              if n.data.path.name == "d.csv"))  # type: ignore[union-attr]
        await settle(pilot)
        assert screen.query_one("#ledger-file", Input).value == str(folder / "d.csv")
        assert str(screen.query_one("#ledger-error", Static).render()) == ""
        assert not screen.query_one("#ledger-sheet", Select).display  # a CSV has no sheets
        rows = cell_texts(screen.query_one("#ledger-rows", DataTable))
        assert rows[0][2] == "张三、李四 / 王五"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert count(svc) == 2


async def test_changed_rows_and_rows_pasted_twice_in_the_report(svc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from mediator.ledger.importer import import_ledger
    from tests.ledger.test_identity import ROWS, numbered, write_xlsx

    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(ROWS)})
    assert import_ledger(path, svc).imported == 4
    later = [list(r) for r in ROWS]
    later[1][5] = "调解不成功"
    write_xlsx(path, {"2026年": numbered([*later, ROWS[0]])})
    app = app_on(svc, None)
    async with app.run_test(size=(140, 60)) as pilot:
        await open_ledger(pilot, tmp_path)
        screen = app.screen
        screen.query_one("#ledger-file", Input).value = str(path)
        await click(pilot, "#ledger-preview")
        await settle(pilot)
        await click(pilot, "#ledger-run")
        await settle(pilot)
        report = str(screen.query_one("#ledger-report", Static).render()).splitlines()
        assert report[1:] == [
            "已导入过、但台账内容有变化的 1 行（系统中的案件未改动，请到案件中办理）：",
            "  第4行（(2026)青石人调字第002号）：调解结果“调解不成功”",
            "重复行 1 行（与另一行完全相同，只差序号，未导入）：",
            "  第7行：重复行，与第3行相同",
        ]
        assert report[0].startswith("导入完成：新增 0 件，已导入过 3 件，未导入 0 行，有疑问 0 件")
    assert count(svc) == 4


async def test_every_sheet_by_default_and_one_when_chosen(svc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from tests.ledger.test_workbooks import workbook

    path = workbook(tmp_path / "2026年台账.xlsx")
    app = app_on(svc, None)
    async with app.run_test(size=(140, 60)) as pilot:
        await open_ledger(pilot, tmp_path)
        screen = app.screen
        screen.query_one("#ledger-file", Input).value = str(path)
        await click(pilot, "#ledger-preview")
        await settle(pilot)
        summary = str(screen.query_one("#ledger-summary", Static).render()).splitlines()
        assert summary[1:3] == ["读取了 2 个工作表：一月、二月（用 --sheet 只导入其中一个）",
                                "跳过工作表「全年汇总」：汇总表，不是案件"]
        rows = cell_texts(screen.query_one("#ledger-rows", DataTable))
        assert [r[0] for r in rows] == ["「一月」第2行", "「一月」第3行", "「一月」第4行",
                                        "「二月」第2行", "「二月」第3行", "「二月」第4行"]
        assert rows[1][4:] == ["不能导入", "缺少受理日期"]
        sheet = screen.query_one("#ledger-sheet", Select)
        assert sheet.value == ALL_SHEETS
        sheet.value = "二月"
        await settle(pilot)
        assert [p.table.sheet for p in screen.plan.parts] == ["二月"]
        assert sheet.value == "二月"
        sheet.value = ALL_SHEETS
        await settle(pilot)
        assert [p.table.sheet for p in screen.plan.parts] == ["一月", "二月"]
        await click(pilot, "#ledger-run")
        await settle(pilot)
        report = str(screen.query_one("#ledger-report", Static).render()).splitlines()
        assert report[0].startswith("导入完成：新增 4 件，已导入过 0 件，未导入 2 行")
        assert "  「一月」第3行：缺少受理日期" in report
        assert "  「二月」第4行：缺少申请人（当事人）姓名" in report
    assert count(svc) == 4
