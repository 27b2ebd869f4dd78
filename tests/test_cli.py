"""The ``mediator`` command: version, language, init validation, where the database is
(``--db`` > ``MEDIATOR_DB`` > ``MEDIATOR_HOME``), doctor, and bad files refused with a message
on stderr (never a traceback) and left untouched. Paths carry spaces and Chinese characters,
as they do on Windows desktops."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from core.dbtools import fingerprint, make_bad

from mediator import __version__
from mediator.cli import main
from mediator.core.db import LATEST_VERSION, open_database
from mediator.core.enums import DisputeType
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.services import Services

CJK = re.compile(r"[\u4e00-\u9fff]")
INIT = ["init", "--office-name", "青石镇人民调解委员会", "--office-code", "330106001"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = dict(os.environ, PYTHONIOENCODING="utf-8", **(env or {}))
    return subprocess.run([sys.executable, "-m", "mediator", *args], capture_output=True,
                          text=True, encoding="utf-8", env=full, timeout=60)


@pytest.fixture
def home() -> Path:
    return Path(os.environ["MEDIATOR_HOME"])


@pytest.fixture(scope="module")
def good_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("good") / "template.db"
    with open_database(path) as db:
        svc = Services(db, operator="王调解", today=date.today)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        svc.register_case(CaseInput(parties=[PartyInput("张三"), PartyInput("李四")],
                                    dispute_type=DisputeType.NEIGHBOUR, facts="滴水纠纷"))
    return path


@pytest.fixture
def good(good_template: Path, tmp_path: Path) -> Path:
    """A sound database with one case, in a folder whose name has spaces and Chinese."""
    path = tmp_path / "我的 文档" / "青石 台账.db"
    path.parent.mkdir()
    shutil.copyfile(good_template, path)
    return path


# --- version and entry points ------------------------------------------------------------


def test_version_through_python_m() -> None:
    out = run("--version")
    assert out.returncode == 0 and out.stdout.strip() == f"mediator {__version__}"


def test_version_through_the_installed_script() -> None:
    script = Path(sys.executable).with_name("mediator.exe" if os.name == "nt" else "mediator")
    if not script.exists():
        pytest.skip("mediator script not installed next to this interpreter")
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and __version__ in out.stdout


def test_printed_text_is_never_turned_into_emoji(capsys) -> None:
    """Every command prints through ``console()``: a name written ":ok:" or a certificate
    fingerprint holding ":AB:" is printed as written (rich's default made them 🆗 and 🆎,
    which also broke the browser test's fingerprint check whenever the digest held one)."""
    from mediator.cli import console

    fingerprint = ":".join(["AB", "CD", "OK", "12"] * 8)
    out = console()
    out.print("当事人 :ok: 张三", markup=False)
    out.print(fingerprint, markup=False)
    assert capsys.readouterr().out == f"当事人 :ok: 张三\n{fingerprint}\n"


# --- init --------------------------------------------------------------------------------


def test_init_creates_the_database_and_office(tmp_path: Path, capsys) -> None:
    path = tmp_path / "新 建" / "青石.db"
    assert main(["--db", str(path), *INIT]) == 0
    out = capsys.readouterr()
    assert "青石镇人民调解委员会" in out.out and "“青石”" in out.out and out.err == ""
    with open_database(path) as db:
        office = Services(db).office()
        assert office is not None and (office.code, office.short_name) == ("330106001", "青石")
        assert db.schema_version() == LATEST_VERSION


@pytest.mark.parametrize("code", ["33010600", "abc", "３３０１０６００１２", ""])
def test_init_rejects_bad_office_code(code: str, tmp_path: Path, capsys) -> None:
    path = tmp_path / "青石.db"
    assert main(["--db", str(path), "init", "--office-name", "青石镇", "--office-code", code]) == 2
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("错误") and CJK.search(out.err)
    assert not path.exists()  # nothing created for a mistyped command


def test_init_rejects_another_office_on_the_same_file(good: Path, capsys) -> None:
    assert main(["--db", str(good), "init", "--office-name", "白沙镇",
                 "--office-code", "330106002"]) == 2
    assert "330106001" in capsys.readouterr().err


def test_init_accepts_full_width_code(tmp_path: Path, capsys) -> None:
    path = tmp_path / "青石.db"
    assert main(["--db", str(path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "３３０１０６００１"]) == 0


# --- language ----------------------------------------------------------------------------


def test_lang_en_gives_english_messages(tmp_path: Path, capsys) -> None:
    path = tmp_path / "x.db"
    assert main(["--lang", "en", "--db", str(path), "init", "--office-name", "Qingshi",
                 "--office-code", "123"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Error:") and not CJK.search(err)


def test_lang_en_for_doctor_and_refusals(good: Path, tmp_path: Path, capsys) -> None:
    assert main(["--db", str(good), "--lang", "en", "doctor"]) == 0
    out = capsys.readouterr().out
    assert "Schema version" in out and "Integrity check: ok" in out
    assert not CJK.search(out.replace(str(good), ""))
    text = tmp_path / "notes.txt"
    text.write_text("hello", encoding="utf-8")
    assert main(["--lang=en", "--db", str(text), "doctor"]) == 3
    err = capsys.readouterr().err
    assert "not a database" in err and not CJK.search(err)


def test_mediator_lang_environment(good: Path) -> None:
    out = run("--db", str(good), "doctor", env={"MEDIATOR_LANG": "en"})
    assert out.returncode == 0 and "Schema version" in out.stdout


def test_help_in_both_languages(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "乡镇人民调解" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "--help"])
    assert "mediation committees" in capsys.readouterr().out


# --- where the database is ---------------------------------------------------------------


def test_db_precedence(tmp_path: Path, home: Path, monkeypatch, capsys) -> None:
    # MEDIATOR_HOME alone: data, config and backups move together.
    assert main(INIT) == 0
    assert (home / "mediator.db").is_file()
    assert list((home / "backups").glob("daily-*-mediator.db"))
    # MEDIATOR_DB beats MEDIATOR_HOME for the database (backups stay in the home).
    env_db = tmp_path / "环境 变量" / "env.db"
    monkeypatch.setenv("MEDIATOR_DB", str(env_db))
    assert main(INIT) == 0
    assert env_db.is_file()
    assert list((home / "backups").glob("daily-*-env.db"))
    # --db beats both, before or after the subcommand.
    flag_db = tmp_path / "命令 行" / "flag.db"
    assert main(["--db", str(flag_db), *INIT]) == 0
    assert flag_db.is_file()
    later_db = tmp_path / "命令 行" / "later.db"
    assert main([*INIT, "--db", str(later_db)]) == 0
    assert later_db.is_file()
    capsys.readouterr()
    assert main(["doctor"]) == 0
    assert str(env_db) in capsys.readouterr().out
    monkeypatch.delenv("MEDIATOR_DB")
    assert main(["doctor"]) == 0
    assert str(home / "mediator.db") in capsys.readouterr().out


def test_operator_recorded_in_audit(tmp_path: Path, monkeypatch) -> None:
    import sqlite3

    path = tmp_path / "a.db"
    assert main(["--db", str(path), "--operator", "赵所长", *INIT]) == 0
    monkeypatch.setenv("MEDIATOR_OPERATOR", "钱调解")
    assert main(["--db", str(path), *INIT]) == 0
    con = sqlite3.connect(path)
    ops = [r[0] for r in con.execute("SELECT operator FROM audit_log ORDER BY seq")]
    con.close()
    assert ops == ["赵所长", "钱调解"]


# --- doctor ------------------------------------------------------------------------------


def test_doctor_reports(good: Path, capsys) -> None:
    assert main(["--db", str(good), "doctor"]) == 0
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert lines[0] == f"数据库：{good}"
    assert f"结构版本：{LATEST_VERSION}（最新 {LATEST_VERSION}）" in out.out
    assert "完整性检查：正常" in out.out
    assert "  案件：1" in out.out and "  当事人：2" in out.out and "  单位：1" in out.out
    assert "逾期案件（超过调解期限）：0" in out.out.splitlines() and "审计记录完整" in out.out
    assert out.err == ""


def test_doctor_does_not_create_a_missing_database(tmp_path: Path, capsys) -> None:
    path = tmp_path / "无 此.db"
    assert main(["--db", str(path), "doctor"]) == 3
    err = capsys.readouterr().err
    assert "找不到数据库文件" in err and str(path) in err
    assert not path.exists()


BAD = ["text", "random", "foreign", "newer", "zeroed", "truncated", "garbage_page1", "directory"]


@pytest.mark.parametrize("kind", BAD)
@pytest.mark.parametrize("command", [["doctor"], ["audit", "verify"], ["backup"]])
def test_bad_file_refused_by_commands(kind: str, command: list[str], good: Path, tmp_path: Path,
                                      capsys) -> None:
    bad = make_bad(kind, tmp_path, good)
    before = fingerprint(bad) if bad.is_file() else sorted(os.listdir(bad))
    code = main(["--db", str(bad), *command])
    out = capsys.readouterr()
    assert code != 0
    assert out.err.startswith("错误") and CJK.search(out.err) and str(bad) in out.err
    assert "Traceback" not in out.err and out.out == ""
    assert (fingerprint(bad) if bad.is_file() else sorted(os.listdir(bad))) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("坏")) == [bad.name]


def test_damaged_file_through_the_real_entry_point(good: Path, tmp_path: Path) -> None:
    bad = make_bad("zeroed", tmp_path, good)
    before = fingerprint(bad)
    out = run("--db", str(bad), "doctor")
    assert out.returncode == 3
    assert "已损坏" in out.stderr and "Traceback" not in out.stderr and out.stdout == ""
    assert fingerprint(bad) == before


def test_bad_lang_value(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "fr", "doctor"])
    assert exc.value.code == 2
    assert "fr" in capsys.readouterr().err


def test_first_open_of_the_day_on_a_big_file_says_it_backs_up(tmp_path: Path, capsys,
                                                              monkeypatch) -> None:
    """Checking and copying a big database takes a minute: the mediator is told, before the
    screen would otherwise stay blank; the second open of the day says nothing."""
    import argparse

    from mediator import cli

    path = tmp_path / "大 库.db"
    assert main(["--db", str(path), *INIT]) == 0
    ctx = cli.Context(argparse.Namespace(db=str(path)))
    for old in ctx.paths.backups.glob("daily-*"):
        old.unlink()
    capsys.readouterr()
    monkeypatch.setattr(cli, "SAY_BACKUP_BYTES", 1)   # this small file counts as big
    ctx.open_db(create=False).close()
    err = capsys.readouterr().err
    assert "每日备份" in err and "MB" in err
    assert list(ctx.paths.backups.glob("daily-*"))
    ctx.open_db(create=False).close()
    assert "每日备份" not in capsys.readouterr().err
    monkeypatch.setattr(cli, "SAY_BACKUP_BYTES", path.stat().st_size + 1)
    for old in ctx.paths.backups.glob("daily-*"):
        old.unlink()
    ctx.open_db(create=False).close()
    assert "每日备份" not in capsys.readouterr().err   # a small file: no message


# --- zero-length and non-mediator files (issue 17, item 7) ----------------------------------


NOT_CREATING = [["doctor"], ["audit", "verify"], ["backup"], ["report", "weekly"],
                ["doc", "register", "(2026)青石人调字第001号"], ["check", "casefile"],
                ["sync", "export"], ["sync", "log"], ["keys", "list"]]


@pytest.mark.parametrize("kind", ["zero", "empty_sqlite", "other_program"])
@pytest.mark.parametrize("command", NOT_CREATING, ids=" ".join)
def test_empty_or_foreign_file_refused_by_commands_that_do_not_create(
        kind: str, command: list[str], tmp_path: Path, home: Path, capsys,
        monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    monkeypatch.chdir(tmp_path)  # a report that is wrongly written lands here, not in the tree

    path = tmp_path / "空 文件.db"
    if kind == "zero":
        path.write_bytes(b"")
    else:
        con = sqlite3.connect(path)
        if kind == "other_program":
            con.execute("PRAGMA user_version = 0")
            con.execute("CREATE TABLE notes (x)")
        con.close()
    before = fingerprint(path)
    code = main(["--db", str(path), *command])
    out = capsys.readouterr()
    assert code == 3, out.err
    assert out.err.startswith("错误") and str(path) in out.err
    # a foreign SQLite file was refused before; empty ones were adopted and "healthy"
    said = "不是人民调解数据库" if kind != "other_program" else "不是 mediator 的数据库"
    assert said in out.err
    assert "Traceback" not in out.err
    assert fingerprint(path) == before
    assert not (home / "backups").exists() or not list((home / "backups").glob("*空 文件*"))


def test_empty_file_refused_in_english(tmp_path: Path, capsys) -> None:
    path = tmp_path / "zero.db"
    path.write_bytes(b"")
    assert main(["--lang", "en", "--db", str(path), "doctor"]) == 3
    assert "is not a mediator database (an empty file" in capsys.readouterr().err
    assert path.read_bytes() == b""


def test_init_still_sets_up_a_zero_length_file(tmp_path: Path) -> None:
    path = tmp_path / "新.db"
    path.write_bytes(b"")
    assert main(["--db", str(path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    assert main(["--db", str(path), "doctor"]) == 0


@pytest.mark.parametrize(("argv", "ui"), [
    ([], True), (["--db", "x.db"], True), (["--db=x.db", "--lang", "en"], True),
    (["--operator", "王", "--db", "x.db"], True), (["--db"], False), (["doctor"], False),
    (["--help"], False), (["--version"], False), (["--db", "x.db", "backup"], False)])
def test_the_bare_command_builds_no_subcommand_parsers(argv: list[str], ui: bool) -> None:
    """Issue 21: the terminal UI's start skips importing every command module."""
    from mediator import cli

    assert cli.starts_ui(argv) is ui


def test_open_db_prepared_after_the_first_open_of_the_day(tmp_path: Path) -> None:
    """The first open of a day opens (checks, backs up) as always; the later ones hand the
    terminal UI the checked file, opened after its first frame (issue 21)."""
    import argparse

    from mediator import cli
    from mediator.core.db import Database, Prepared

    path = tmp_path / "库.db"
    assert main(["--db", str(path), *INIT]) == 0
    ctx = cli.Context(argparse.Namespace(db=str(path)))
    for old in ctx.paths.backups.glob("daily-*"):
        old.unlink()
    first = ctx.open_db(prepared=True)
    assert isinstance(first, Database)
    first.close()
    assert len(list(ctx.paths.backups.glob("daily-*.db"))) == 1
    assert ctx.open_db(prepared=True) == Prepared(path, True)
