"""The keys and sync subcommands end to end, with the exit codes scripts rely on."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from mediator.cli import main


@pytest.fixture
def homes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Run a command as one office: each has its own MEDIATOR_HOME."""
    def run(home: str, *argv: str) -> int:
        monkeypatch.setenv("MEDIATOR_HOME", str(tmp_path / home))
        monkeypatch.setenv("MEDIATOR_OPERATOR", f"{home}的操作员")
        return main(list(argv))
    return run


def _register(home: Path, n: int) -> None:
    from mediator.core.db import open_database
    from mediator.core.enums import DisputeType
    from mediator.core.inputs import CaseInput, PartyInput
    from mediator.core.services import Services

    with open_database(home / "mediator.db") as db:
        svc = Services(db, "王", today=lambda: date(2026, 11, 23))
        for i in range(n):
            svc.register_case(CaseInput(parties=[PartyInput("张三")], dispute_type=DisputeType.OTHER,
                                        facts=f"纠纷{i}", registered_on=date(2026, 11, 20)))


def test_keys_export_trust_sync_import(homes, tmp_path, capsys) -> None:
    stick = tmp_path / "U盘"
    stick.mkdir()
    assert homes("town", "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001") == 0
    assert homes("county", "init", "--office-name", "西湖区人民调解委员会",
                 "--office-code", "330106") == 0
    capsys.readouterr()
    # without the county's key the township cannot export: say what to do
    assert homes("town", "sync", "export", "-o", str(stick)) == 2
    assert "mediator keys trust" in capsys.readouterr().err

    assert homes("county", "keys", "export", "-o", str(stick)) == 0
    county_fp = re.search(r"指纹：([0-9 ]{39})", capsys.readouterr().out).group(1)
    assert homes("town", "keys", "export", "-o", str(stick)) == 0
    town_out = capsys.readouterr().out
    town_fp = re.search(r"指纹：([0-9 ]{39})", town_out).group(1)
    pub = stick / "330106_西湖区.pub"
    # a fingerprint misread on the phone refuses the key
    wrong = "0000" + county_fp[4:]
    assert homes("town", "keys", "trust", str(pub), "--fingerprint", wrong) == 4
    assert "指纹不一致" in capsys.readouterr().err
    assert homes("town", "keys", "trust", str(pub), "--fingerprint", county_fp) == 0
    assert homes("county", "keys", "trust", str(stick / "330106001_青石镇.pub")) == 0
    capsys.readouterr()
    assert homes("county", "keys", "list") == 0
    listed = capsys.readouterr().out
    assert town_fp in listed and county_fp in listed

    _register(tmp_path / "town", 3)
    assert homes("town", "sync", "export", "-o", str(stick)) == 0
    out = capsys.readouterr().out
    assert "可以安全拔出" in out and "案件 3 件" in out
    assert len(list(stick.glob("*.mdsync"))) == 1

    (stick / "坏的.mdsync").write_bytes(b"\x89MDS\r\n\x1a\n" + b"\x00" * 100)
    assert homes("county", "sync", "import", str(stick)) == 3      # one damaged file
    captured = capsys.readouterr()
    assert "新增" in captured.out and "已损坏" in captured.out
    assert "共 2 个文件" in captured.out
    # the merge left the new cases' search entries for after it; the command built them
    import sqlite3

    con = sqlite3.connect(tmp_path / "county" / "mediator.db")
    try:
        assert con.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM case_fts").fetchone()[0] == 3
    finally:
        con.close()
    (stick / "坏的.mdsync").unlink()
    assert homes("county", "sync", "import", str(stick)) == 0
    assert "导入过" in capsys.readouterr().out
    # next week: one case's facts changed at the township; its entries are built again
    from mediator.core.db import open_database
    from mediator.core.services import Services

    with open_database(tmp_path / "town" / "mediator.db") as db:
        with db.read() as s:
            from sqlalchemy import text

            first = s.exec(text("SELECT id FROM dispute_case ORDER BY seq LIMIT 1")).one()[0]
        Services(db, "王", today=lambda: date(2026, 11, 23)).edit_case(first, facts="补记漏水")
    for old in stick.glob("*.mdsync"):
        old.unlink()
    assert homes("town", "sync", "export", "-o", str(stick)) == 0
    assert homes("county", "sync", "import", str(stick)) == 0
    capsys.readouterr()
    con = sqlite3.connect(tmp_path / "county" / "mediator.db")
    try:
        assert con.execute("SELECT count(*) FROM search_pending").fetchone()[0] == 0
        assert con.execute("SELECT c.facts FROM case_fts f JOIN dispute_case c "
                           "ON c.rowid = f.rowid WHERE f.body LIKE '%补记漏水%'").fetchall() \
            == [("补记漏水",)]
    finally:
        con.close()
    assert homes("county", "sync", "log") == 0
    assert "青石镇人民调解委员会（330106001）" in capsys.readouterr().out
    assert homes("county", "sync", "conflicts") == 0
    assert "没有待处理的冲突" in capsys.readouterr().out
    assert homes("county", "sync", "import", str(tmp_path / "nothing-here.mdsync")) == 7


def test_unknown_sender_exit_code(homes, tmp_path, capsys) -> None:
    stick = tmp_path / "stick"
    stick.mkdir()
    homes("town", "init", "--office-name", "白沙镇人民调解委员会", "--office-code", "330106003")
    homes("county", "init", "--office-name", "西湖区人民调解委员会", "--office-code", "330106")
    homes("county", "keys", "export", "-o", str(stick))
    homes("town", "keys", "trust", str(stick / "330106_西湖区.pub"))
    homes("town", "sync", "export", "-o", str(stick))
    capsys.readouterr()
    assert homes("county", "sync", "import", *map(str, stick.glob("*.mdsync"))) == 4
    err_out = capsys.readouterr().out
    assert "不受信任" in err_out and "330106003" in err_out
    # trusting the key straight from the package (after the phone check) lets it in
    package = next(stick.glob("*.mdsync"))
    assert homes("county", "keys", "trust", str(package)) == 0
    assert homes("county", "sync", "import", str(package)) == 0
