"""``mediator report``, ``doc`` and ``check``: files under their standard names, exit codes,
and errors in Chinese on stderr for bad weeks, months, dates and case numbers."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mediator.cli import main

from .conftest import FULL_ID, W47

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def db(known) -> str:  # type: ignore[no-untyped-def]
    return str(known.path)


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "报表 输出"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_weekly_xlsx_under_its_standard_name(db, cwd, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", "weekly", "--week", "2026-W47", "--db", db]) == 0
    written = cwd / "青石镇人民调解周报_2026-W47.xlsx"
    assert written.exists()
    assert str(written) in capsys.readouterr().out


def test_weekly_json_to_a_given_path(db, cwd) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", "weekly", "--week", "2026w47", "-f", "json", "-o", "周报.json",
                 "--db", db]) == 0
    data = json.loads((cwd / "周报.json").read_text(encoding="utf-8"))
    assert data["figures"]["current"] == W47


def test_month_forms_and_ledger_into_a_folder(db, cwd) -> None:  # type: ignore[no-untyped-def]
    out = cwd / "月报"
    out.mkdir()
    assert main(["report", "monthly", "--month", "2026年11月", "-f", "md", "-o", str(out),
                 "--db", db]) == 0
    assert (out / "青石镇人民调解月报_2026-11.md").exists()
    for kind, name in (("ledger", "青石镇人民调解台账_2026-11.csv"),
                       ("screening", "青石镇矛盾纠纷排查调处情况表_2026-11.csv"),
                       ("subsidy", "青石镇以案定补申报表_2026-11.csv")):
        assert main(["report", kind, "--month", "2026-11", "-f", "csv", "--db", db]) == 0
        assert (cwd / name).exists()
        assert FULL_ID not in (cwd / name).read_text(encoding="utf-8-sig")


def test_range(db, cwd) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", "range", "--from", "2026-11-16", "--to", "2026年11月22日", "-f", "json",
                 "--db", db]) == 0
    data = json.loads((cwd / "青石镇人民调解统计_2026-11-16至2026-11-22.json").read_text("utf-8"))
    assert data["figures"]["current"]["registered"] == W47["registered"]


@pytest.mark.parametrize("args,fragment", [
    (["report", "weekly", "--week", "2026-W99"], "不存在"),
    (["report", "weekly", "--week", "2025-W53"], "2025年共有52周"),
    (["report", "weekly", "--week", "第47周"], "2026-W47"),
    (["report", "monthly", "--month", "2026-13"], "月份"),
    (["report", "monthly", "--month", "十一月"], "2026-11"),
    (["report", "range", "--from", "2026-02-30", "--to", "2026-03-01"], "日期不存在"),
    (["report", "range", "--from", "2026-11-01"], "起止日期"),
    (["report", "range", "--from", "2026-11-30", "--to", "2026-11-01"], "早于"),
    (["report", "range", "--from", "前些天", "--to", "今天"], "无法识别日期"),
    (["report", "ledger", "--week", "2026-W47", "--month", "2026-11"], "只指定一种"),
    (["report", "weekly", "-f", "pdf"], "pdf"),
    (["report", "weekly", "--office", "3301x"], "区划代码"),
    (["report", "weekly", "--office", "440106"], "找不到单位"),
    (["doc", "agreement", "(2026)青石人调字第999号"], "找不到案件"),
    (["doc", "agreement", "乱写的案号"], "找不到案件"),
    (["doc", "record", "2026-3", "--session", "第二次"], "调解次数"),
    (["doc", "register", "2026-3", "-o", "x.docx"], None),
    (["check", "casefile", "(2025)青石人调字第888号"], "找不到案件"),
])
def test_errors_in_chinese_with_exit_codes(args, fragment, db, cwd, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(args + ["--db", db])
    out = capsys.readouterr()
    if fragment is None:  # the control: a good command on the same database
        assert code == 0
        return
    assert code == 2, out
    assert fragment in out.err and CJK.search(out.err)
    assert "Traceback" not in out.err and out.out == ""
    assert not list(cwd.glob("*.xlsx")) and not list(cwd.glob("*.docx"))


def test_errors_in_english(db, cwd, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["--lang", "en", "report", "weekly", "--week", "2026-W99", "--db", db]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_documents(db, cwd, known, capsys) -> None:  # type: ignore[no-untyped-def]
    no = known.case_nos["C1"]
    for kind, name in (("agreement", f"调解协议书_{no}.docx"), ("register", f"受理登记表_{no}.docx"),
                       ("casefile", f"卷宗封面及目录_{no}.docx")):
        assert main(["doc", kind, no, "--db", db]) == 0
        assert (cwd / name).exists()
    assert main(["doc", "record", "2026-1", "--session", "1", "--db", db]) == 0
    assert (cwd / f"调解笔录_{no}_第1次.docx").exists()


def test_check_casefile(db, cwd, known, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check", "casefile", known.case_nos["C1"], "--db", db]) == 1
    out = capsys.readouterr().out
    assert "[缺] 当事人身份证明" in out and "卷宗不齐全" in out
    assert main(["check", "casefile", known.case_nos["C11"], "--db", db]) == 0
    assert "卷宗材料齐全" in capsys.readouterr().out
    assert main(["check", "casefile", "--month", "2026-11", "--db", db]) == 1
    out = capsys.readouterr().out
    assert known.case_nos["C1"] in out and known.case_nos["C11"] not in out


def test_unmasked_warns(db, cwd, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["report", "ledger", "--month", "2026-11", "-f", "csv", "--unmasked",
                 "--db", db]) == 0
    assert "审计" in capsys.readouterr().err
    assert FULL_ID in (cwd / "青石镇人民调解台账_2026-11.csv").read_text(encoding="utf-8-sig")


def test_reports_do_not_import_textual() -> None:
    import subprocess
    import sys

    code = ("import sys, mediator.cli.reports, mediator.reports.service, mediator.reports.xlsx, "
            "mediator.reports.docx, mediator.documents.service; "
            "print(any(m.split('.')[0] == 'textual' for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
