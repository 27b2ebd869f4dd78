"""``mediator import ledger`` as a clerk runs it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import text

from mediator.cli import main
from mediator.core.db import open_database
from tests.ledger import ledgers as L


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    path = tmp_path / "数据 库" / "m.db"
    assert main(["--db", str(path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    return path


def count(path: Path) -> int:
    with open_database(path) as db, db.read() as s:
        return s.exec(text("SELECT count(*) FROM dispute_case")).scalar_one()  # type: ignore[call-overload]


def test_dry_run_prints_mapping_and_writes_nothing(db_file: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    ledger = L.ledger_b(tmp_path / "台账 2025.xlsx")
    capsys.readouterr()
    from mediator.core.paths import resolve_paths

    backups = resolve_paths(db_file).backups

    def files() -> list[str]:
        return sorted(p.name for d in (db_file.parent, backups) if d.exists() for p in d.iterdir())

    before = files()
    assert main(["--db", str(db_file), "import", "ledger", str(ledger), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "表头在第 2–3 行" in out
    assert "申请人/身份证号码  →  申请人身份证号  [applicant.id_number]" in out
    assert "调解情况/调解人  →  调解员  [mediator]" in out
    assert "序号  →  不导入" in out
    assert "第4行  2025-03-04  钱小明 / 孙大强  山林土地  →  已归档" in out
    assert "试运行：将新增 3 件" in out and "未写入任何数据" in out
    assert count(db_file) == 0
    assert not (tmp_path / "台账 2025_未导入.xlsx").exists()
    assert files() == before  # no backup, no reject file, nothing


def test_import_then_again(db_file: Path, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    ledger = L.ledger_d(tmp_path / "台账.csv")
    assert main(["--db", str(db_file), "--operator", "李文书", "import", "ledger",
                 str(ledger)]) == 0
    out = capsys.readouterr().out
    assert "编码 gb18030" in out
    assert "导入完成：新增 2 件，已导入过 0 件，未导入 1 行" in out
    assert "第4行：缺少受理日期" in out
    assert f"未导入的行已写入 {tmp_path / '台账_未导入.xlsx'}" in out
    assert count(db_file) == 2
    assert main(["--db", str(db_file), "import", "ledger", str(ledger)]) == 0
    assert "新增 0 件，已导入过 2 件" in capsys.readouterr().out
    assert count(db_file) == 2


def test_mapping_sheet_and_errors(db_file: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    ledger = L.ledger_c(tmp_path / "c.xlsx")
    mapping = tmp_path / "映射.toml"
    mapping.write_text('[columns]\n"档案盒号" = "note"\n[types]\n"家长里短" = "邻里"\n',
                       encoding="utf-8")
    assert main(["--db", str(db_file), "import", "ledger", str(ledger), "--mapping",
                 str(mapping), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "档案盒号  →  备注  [note]（映射文件）" in out
    assert "纠纷类型“家长里短”无法识别" not in out

    assert main(["--db", str(db_file), "import", "ledger", str(ledger), "--sheet", "2025"]) == 2
    assert "没有名为“2025”的工作表" in capsys.readouterr().err
    mapping.write_text('[columns]\n"档案盒号" = "火星"\n', encoding="utf-8")
    assert main(["--db", str(db_file), "import", "ledger", str(ledger), "--mapping",
                 str(mapping)]) == 2
    assert "火星" in capsys.readouterr().err
    assert main(["--db", str(db_file), "import", "ledger"]) == 2
    assert main(["--db", str(db_file), "import", "ledger", "--fields"]) == 0
    assert "applicant.id_number" in capsys.readouterr().out
    assert count(db_file) == 0


def test_english(db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ledger = L.ledger_b(tmp_path / "b.xlsx")
    assert main(["--lang", "en", "--db", str(db_file), "import", "ledger", str(ledger)]) == 0
    out = capsys.readouterr().out
    assert "Done: 3 cases added" in out and "applicant ID number" in out


def test_changed_rows_and_rows_pasted_twice_are_listed(db_file: Path, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from tests.ledger.test_identity import ROWS, numbered, write_xlsx

    ledger = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(ROWS)})
    assert main(["--db", str(db_file), "import", "ledger", str(ledger)]) == 0
    capsys.readouterr()
    later = [list(r) for r in ROWS]
    later[0][5] = "调解成功"
    later[2][4] = "赡养费，已分摊"
    write_xlsx(ledger, {"2026年": numbered([*later, ROWS[1]])})
    assert main(["--db", str(db_file), "import", "ledger", str(ledger)]) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("导入完成"))
    assert re.fullmatch(r"导入完成：新增 0 件，已导入过 2 件，未导入 0 行，有疑问 0 件（用时 [0-9.]+ 秒）",
                        out[start])
    assert out[start + 1:] == [
        "台账中已有变化 2 件（未改动系统中的案件），重复行 1 行（未导入）",
        "已导入过、但台账内容有变化的 2 行（系统中的案件未改动，请到案件中办理）：",
        "  第3行（(2026)青石人调字第001号）：调解结果“调解成功”",
        "  第5行（(2026)青石人调字第003号）：纠纷简要情况“赡养费，已分摊”",
        "如台账所记属实，加 --update 再导入一次，即按办案规则更新这些案件（记入案件时间线和审计日志）",
        "重复行 1 行（与另一行完全相同，只差序号，未导入）：",
        "  第7行：重复行，与第4行相同",
    ]
    assert count(db_file) == 4
