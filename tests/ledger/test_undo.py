"""``mediator import undo`` also removes the mediators the import itself created, when no case
refers to them any more and nobody edited them since — as tombstones, audited, and said in its
output (issue 16)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from mediator.cli import main
from mediator.core.services import Services
from mediator.ledger.importer import import_ledger
from tests.ledger.test_identity import numbered, write_xlsx

HEADER = ["序号", "受理日期", "申请人", "被申请人", "纠纷类型", "纠纷简要情况", "调解员"]
ROWS = [
    [date(2026, 3, 2), "张三", "李四", "邻里纠纷", "排水沟堵塞", "王调解"],
    [date(2026, 3, 9), "王五", "赵六", "合同纠纷", "货款结算", "李调解"],
    [date(2026, 4, 1), "孙七", "周八", "婚姻家庭纠纷", "赡养费", "陈调解"],
    [date(2026, 5, 6), "吴九", "郑十", "损害赔偿纠纷", "鸡鸭毁坏菜地", "赵调解"],
]


def mediators(svc: Services) -> list[tuple[Any, ...]]:
    with svc.db.read() as s:
        return [tuple(r) for r in s.exec(text(  # type: ignore[call-overload]
            "SELECT name, deleted, revision FROM mediator ORDER BY name")).all()]


def test_undo_removes_the_mediators_the_import_created(svc: Services, tmp_path: Path,
                                                       make_case: Any) -> None:
    kept = svc.add_mediator("王调解")  # the office's own: never the import's to remove
    report = import_ledger(write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(ROWS)},
                                      header=HEADER), svc)
    assert report.result.new_mediators == ["李调解", "陈调解", "赵调解"]
    ids = {m.name: m.id for m in svc.mediators()}
    make_case(mediator_id=ids["陈调解"])  # a case typed in since refers to 陈调解
    svc.update_mediator(ids["赵调解"], phone="13700000001")  # 赵调解 was edited since

    entry, undone = svc.undo_ledger_import(report.result.import_id[:8])  # type: ignore[index]
    assert entry.id == report.result.import_id
    assert undone.case_nos == [f"(2026)青石人调字第00{i}号" for i in range(1, 5)]
    assert undone.mediators == [(ids["李调解"], "李调解")]
    assert mediators(svc) == [("李调解", 1, 2), ("王调解", 0, 1), ("赵调解", 0, 2),
                              ("陈调解", 0, 1)]
    assert sorted(m.name for m in svc.mediators()) == sorted(["王调解", "陈调解", "赵调解"])
    assert kept.id == ids["王调解"]
    with svc.db.read() as s:
        after = s.exec(text("SELECT \"after\" FROM audit_log WHERE action = 'ledger.undo'")  # type: ignore[call-overload]
                       ).scalar_one()
    assert json.loads(after)["mediator_ids"] == [ids["李调解"]]
    assert svc.verify_audit().ok  # the tombstone is in the audited rows' digests


def test_cli_says_which_mediators_went(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                       ) -> None:
    db = tmp_path / "数据" / "m.db"
    assert main(["--db", str(db), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(ROWS[:2])}, header=HEADER)
    assert main(["--db", str(db), "import", "ledger", str(path)]) == 0
    ref = re.search(r"本次导入编号 ([0-9a-f]{8})", capsys.readouterr().out).group(1)  # type: ignore[union-attr]
    assert main(["--db", str(db), "import", "undo", ref]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"已撤销导入 {ref}（台账.xlsx）：删除了 2 件案件：(2026)青石人调字第001号、(2026)青石人调字第002号",
        "同时删除了这次导入新建、现已无案件使用的调解员 2 名：李调解、王调解"]
