"""Whole workbooks in one run (issue 16): every data sheet, summary sheets skipped and said
so, one reject file with a 工作表 column, a clean import removing the stale reject file, and a
ledger in a folder that cannot be written."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
import xlsxwriter
from openpyxl import load_workbook

from mediator.cli import main
from mediator.core.services import Services
from mediator.ledger.importer import import_ledger
from tests.ledger.test_identity import HEADER, cases


def workbook(path: Path, fixed: bool = False) -> Path:
    """一月 and 二月 numbered from 1, a row without a date on each, and a 汇总 sheet."""
    wb = xlsxwriter.Workbook(str(path))
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    months = {
        "一月": [[1, date(2026, 1, 5), "张三", "李四", "邻里纠纷", "排水沟", None, None],
                 [2, None if not fixed else date(2026, 1, 9), "钱一", "冯二", "邻里纠纷",
                  "竹林", None, None],
                 [3, date(2026, 1, 20), "王五", "赵六", "合同纠纷", "货款", "调解成功",
                  date(2026, 1, 25)]],
        "二月": [[1, date(2026, 2, 3), "孙七", "周八", "婚姻家庭纠纷", "赡养", None, None],
                 [2, date(2026, 2, 14), "吴九", None if not fixed else "郑十", "损害赔偿纠纷",
                  "菜地", None, None],
                 [3, date(2026, 2, 20), None if not fixed else "陈一", "刘二", "邻里纠纷",
                  "噪音", None, None]],
    }
    for name, rows in months.items():
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, HEADER)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    ws.write_datetime(r, c, value, day)
                elif value is not None:
                    ws.write(r, c, value)
    summary = wb.add_worksheet("全年汇总")
    summary.write_row(0, 0, ["月份", "受理件数", "调解成功"])
    summary.write_row(1, 0, ["一月", 3, 1])
    notes = wb.add_worksheet("填表说明")
    notes.write(0, 0, "本台账按月分表填写，受理日期填写到日。")
    wb.close()
    return path


def test_all_sheets_in_one_run(svc: Services, tmp_path: Path) -> None:
    path = workbook(tmp_path / "2026年台账.xlsx")
    report = import_ledger(path, svc)
    plan = report.plan
    assert [p.table.sheet for p in plan.parts] == ["一月", "二月"]
    assert plan.skipped_sheets == [
        ("全年汇总", "汇总表，不是案件"),
        ("填表说明", "不是案件表（在前 1 行中没有找到表头（如“受理日期”“申请人”）。"
                     "请在映射文件中用 header_row 指明表头所在行。）")]
    assert report.imported == 4
    assert report.rejected_at == [("「一月」第3行", "缺少受理日期"), ("「二月」第4行", "缺少申请人（当事人）姓名")]
    assert len(cases(svc)) == 4
    ws = load_workbook(report.reject_file, read_only=True).active
    got = [list(r) for r in ws.iter_rows(values_only=True)]
    assert got[0] == [*HEADER, "工作表", "原因"]
    assert [(r[0], r[2], r[-2], r[-1]) for r in got[1:]] == [
        (2, "钱一", "一月", "第3行：缺少受理日期"), (3, None, "二月", "第4行：缺少申请人（当事人）姓名")]

    # the clerk fills in what was missing and imports the same ledger again: the two rows
    # come in, nothing twice, and the stale reject file goes
    workbook(path, fixed=True)
    again = import_ledger(path, svc)
    assert (again.imported, again.existing, again.rejected) == (2, 3, [])
    # 郑十 added as the respondent since: the same case, changed (not a second case)
    assert [(again.place(r), r.case_no, r.changed) for r in again.changed] == [
        ("「二月」第3行", "(2026)青石人调字第004号", ("respondent.name",))]
    assert again.reject_file is None and again.reject_removed == report.reject_file
    assert not report.reject_file.exists()
    assert len(cases(svc)) == 6

    one = import_ledger(path, svc, sheet="二月")
    assert [p.table.sheet for p in one.plan.parts] == ["二月"]
    assert (one.existing, len(one.changed)) == (2, 1)


@contextlib.contextmanager
def unwritable(folder: Path) -> Iterator[None]:
    """The folder made unwritable: by its mode, or (as root, whom modes do not stop) with the
    immutable attribute. Skips where neither works."""
    os.chmod(folder, 0o555)
    immutable = False
    try:
        probe = folder / "probe"
        try:
            probe.write_bytes(b"")
        except OSError:
            pass
        else:
            probe.unlink()
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True,
                                  check=False) if os.name == "posix" else None
            if done is None or done.returncode != 0:
                pytest.skip("no way to make a folder unwritable here")
            immutable = True
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        os.chmod(folder, 0o755)


def test_read_only_folder_puts_the_reject_file_in_the_data_folder(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "数据" / "m.db"
    assert main(["--db", str(db), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    folder = tmp_path / "只读 台账"
    folder.mkdir()
    path = workbook(folder / "台账.xlsx")
    capsys.readouterr()
    with unwritable(folder):
        assert main(["--db", str(db), "import", "ledger", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    from mediator.core.paths import resolve_paths

    moved = resolve_paths(str(db)).data / "台账_未导入.xlsx"
    assert out[-1].startswith("本次导入编号 ")
    assert out[-5:-1] == [
        "未导入的行 2 行：",
        "  「一月」第3行：缺少受理日期",
        "  「二月」第4行：缺少申请人（当事人）姓名",
        f"台账所在文件夹 {folder} 不能写入，未导入的行已写入数据文件夹：{moved}",
    ]
    assert moved.exists() and not (folder / "台账_未导入.xlsx").exists()


def test_json_for_scripts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import json

    db = tmp_path / "数据" / "m.db"
    assert main(["--db", str(db), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    path = workbook(tmp_path / "台账.xlsx")
    capsys.readouterr()
    assert main(["--db", str(db), "import", "ledger", str(path), "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["counts"] == {"rows": 6, "new": 4, "existing": 0, "changed": 0, "updated": 0,
                             "duplicates": 0, "rejected": 2, "flagged": 1}
    assert got["sheets"] == ["一月", "二月"]
    assert got["skipped_sheets"][0] == {"sheet": "全年汇总", "reason": "汇总表，不是案件"}
    assert got["rejected"] == [
        {"sheet": "一月", "row": 3, "reason": "缺少受理日期"},
        {"sheet": "二月", "row": 4, "reason": "缺少申请人（当事人）姓名"}]
    assert got["flagged"] == [{"sheet": "一月", "row": 4, "case_no": "(2026)青石人调字第002号",
                               "flags": ["未填协议形式，按口头协议导入",
                                         "未填履行情况，已结案，按履行完毕导入"]}]
    assert got["reject_file"] == str(tmp_path / "台账_未导入.xlsx") and not got["dry_run"]

    workbook(path, fixed=True)
    assert main(["--db", str(db), "import", "ledger", str(path), "--json", "--dry-run"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["counts"]["new"], got["counts"]["existing"], got["dry_run"]) == (2, 3, True)
    assert got["changed"] == [{"sheet": "二月", "row": 3, "case_no": "(2026)青石人调字第004号",
                               "fields": ["respondent.name"], "changes": "被申请人姓名“郑十”",
                               "applied": False, "reason": None}]


def test_undo_an_import(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import re

    from sqlalchemy import text

    from mediator.core.db import open_database

    db = tmp_path / "数据" / "m.db"
    assert main(["--db", str(db), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    first = workbook(tmp_path / "台账.xlsx")
    assert main(["--db", str(db), "import", "ledger", str(first)]) == 0
    one = re.search(r"本次导入编号 ([0-9a-f]{8})", capsys.readouterr().out).group(1)  # type: ignore[union-attr]
    workbook(first, fixed=True)
    assert main(["--db", str(db), "import", "ledger", str(first)]) == 0
    two = re.search(r"本次导入编号 ([0-9a-f]{8})", capsys.readouterr().out).group(1)  # type: ignore[union-attr]

    assert main(["--db", str(db), "import", "undo"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert listed[0] == "台账导入（最近的在前）："
    assert [line.split()[0] for line in listed[1:]] == [two, one]

    assert main(["--db", str(db), "import", "undo", two]) == 0
    assert capsys.readouterr().out.strip() == (
        f"已撤销导入 {two}（台账.xlsx）：删除了 2 件案件："
        "(2026)青石人调字第005号、(2026)青石人调字第006号")
    with open_database(db) as d:
        with d.read() as s:
            live = s.exec(text("SELECT case_no FROM dispute_case WHERE deleted = 0 "  # type: ignore[call-overload]
                               "ORDER BY seq")).scalars().all()
            gone = s.exec(text("SELECT count(*) FROM party p JOIN dispute_case c ON c.id = "  # type: ignore[call-overload]
                               "p.case_id WHERE c.deleted = 1 AND p.deleted = 0")).scalar_one()
        assert live == [f"(2026)青石人调字第00{i}号" for i in range(1, 5)] and gone == 0
        svc = Services(d, operator="王调解")
        from mediator.core.queries import CaseFilter

        assert svc.list_cases(CaseFilter(query="钱一")).rows == []  # out of the search too
        assert svc.verify_audit().ok  # the tombstones are in the audited rows' digests
    assert main(["--db", str(db), "import", "undo", two]) == 2
    assert "已于" in capsys.readouterr().err

    # the rows come back with the next import of the ledger
    assert main(["--db", str(db), "import", "ledger", str(first)]) == 0
    assert "导入完成：新增 2 件，已导入过 3 件" in capsys.readouterr().out


def test_dry_run_preview_places_rows_by_sheet_and_shows_rows_pasted_twice(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    for name in ("一月", "二月"):
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, HEADER)
        ws.write_row(1, 0, [1, f"2026-0{1 if name == '一月' else 2}-05", "张三", "李四",
                            "邻里纠纷", "排水沟"])
    wb.get_worksheet_by_name("二月").write_row(2, 0, [2, "2026-02-05", "张三", "李四",
                                                    "邻里纠纷", "排水沟"])
    wb.close()
    assert main(["import", "ledger", str(path), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = out.index("前 3 行的理解：")
    assert out[start + 1:start + 5] == [
        "  「一月」第2行  2026-01-05  张三 / 李四  邻里  →  已受理",
        "  「二月」第2行  2026-02-05  张三 / 李四  邻里  →  已受理",
        "  「二月」第3行        →  重复行",
        "      与「二月」第2行相同，不导入",
    ]
