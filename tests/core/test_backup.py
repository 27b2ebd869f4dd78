"""Backups: the daily copy (one a day per database, newest 14 kept), ``mediator backup`` and
``mediator restore`` (checks first, keeps the replaced file, upgrades old backups)."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core import backup, queries
from mediator.core import db as db_module
from mediator.core.db import LATEST_VERSION, integrity_check, migrate, open_database
from mediator.core.enums import DisputeType
from mediator.core.errors import DatabaseError
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.services import Services

from .dbtools import fingerprint, logical_dump, make_bad, make_v1_database

TODAY = date(2026, 11, 23)


def new_db(path: Path, names: list[str]) -> None:
    with open_database(path) as db:
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        for name in names:
            svc.register_case(CaseInput(parties=[PartyInput(name)], dispute_type=DisputeType.OTHER,
                                        facts=f"{name}的纠纷"))


def case_names(path: Path) -> list[str]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return [r[0] for r in con.execute(
            "SELECT parties_text FROM dispute_case WHERE deleted = 0 ORDER BY seq")]
    finally:
        con.close()


def version(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "数据 库" / "mediator.db"
    new_db(path, ["张三", "李四"])
    return path


# --- daily backups -----------------------------------------------------------------------


def test_daily_backup_once_a_day_and_keeps_fourteen(live: Path, tmp_path: Path) -> None:
    backups = tmp_path / "备份"
    first = backup.daily_backup(live, backups, today=TODAY)
    assert first is not None and first.name == "daily-20261123-mediator.db"
    assert backup.daily_backup(live, backups, today=TODAY) is None  # only one per day
    assert case_names(first) == ["张三", "李四"]
    assert version(first) == LATEST_VERSION and integrity_check(first) == []
    # A self-contained file: rollback journal mode, nothing beside it but its checksum.
    assert first.read_bytes()[18:20] == b"\x01\x01"
    assert sorted(p.name for p in backups.iterdir()) == [first.name, first.name + ".json"]
    for n in range(1, 20):
        assert backup.daily_backup(live, backups, today=TODAY + timedelta(days=n)) is not None
    names = sorted(p.name for p in backups.glob("daily-*.db"))
    assert len(names) == 14
    # pruning takes each old backup's checksum with it
    assert sorted(p.name for p in backups.glob("daily-*.db.json")) == [n + ".json" for n in names]
    assert names[0] == f"daily-{(TODAY + timedelta(days=6)):%Y%m%d}-mediator.db"
    assert names[-1] == f"daily-{(TODAY + timedelta(days=19)):%Y%m%d}-mediator.db"


def test_daily_backups_are_per_database(live: Path, tmp_path: Path) -> None:
    """Opening demo.db first must not stand in for mediator.db's backup, nor rotate it out."""
    backups = tmp_path / "backups"
    demo = tmp_path / "demo.db"
    new_db(demo, ["演示"])
    backup.daily_backup(live, backups, today=TODAY)
    for n in range(20):
        backup.daily_backup(demo, backups, today=TODAY + timedelta(days=n))
    assert backup.daily_backup(live, backups, today=TODAY + timedelta(days=1)) is not None
    assert len(list(backups.glob("daily-*-demo.db"))) == 14
    assert len(list(backups.glob("daily-*-mediator.db"))) == 2


def test_daily_backup_of_damaged_file_refused_old_backups_kept(live: Path, tmp_path: Path) -> None:
    backups = tmp_path / "backups"
    for n in range(14):
        backup.daily_backup(live, backups, today=TODAY - timedelta(days=14 - n))
    before = sorted(p.name for p in backups.iterdir())
    bad = make_bad("zeroed", tmp_path, live)
    os.replace(bad, live)
    with pytest.raises(DatabaseError):
        backup.daily_backup(live, backups, today=TODAY)
    assert sorted(p.name for p in backups.iterdir()) == before


def test_first_open_of_the_day_through_the_cli(tmp_path: Path, capsys) -> None:
    home = Path(os.environ["MEDIATOR_HOME"])
    db_path = tmp_path / "青石.db"
    assert main(["--db", str(db_path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    daily = list((home / "backups").glob("daily-*-青石.db"))
    assert len(daily) == 1
    assert main(["--db", str(db_path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    assert list((home / "backups").glob("daily-*-青石.db")) == daily


# --- mediator backup ---------------------------------------------------------------------


def test_backup_command_to_a_file(live: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "U盘 备份" / "青石 2026-11-23.db"
    assert main(["--db", str(live), "backup", "-o", str(out)]) == 0
    assert str(out) in capsys.readouterr().out
    assert case_names(out) == ["张三", "李四"] and integrity_check(out) == []
    # Without -o it goes to the backups folder.
    assert main(["--db", str(live), "backup"]) == 0
    manual = list((Path(os.environ["MEDIATOR_HOME"]) / "backups").glob("manual-*-mediator.db"))
    assert len(manual) == 1 and case_names(manual[0]) == ["张三", "李四"]


def test_backup_while_another_connection_writes(live: Path, tmp_path: Path) -> None:
    """The backup API gives a consistent copy even with uncheckpointed WAL content."""
    with open_database(live) as db:
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        svc.register_case(CaseInput(parties=[PartyInput("王五")], dispute_type=DisputeType.OTHER,
                                    facts="新"))
        assert os.path.getsize(live.with_name(live.name + "-wal")) > 0
        copy = backup.backup_now(live, tmp_path / "copy.db", tmp_path / "b")
    assert case_names(copy) == ["张三", "李四", "王五"]


def test_backup_command_errors(tmp_path: Path, capsys) -> None:
    assert main(["--db", str(tmp_path / "无.db"), "backup"]) == 3
    err = capsys.readouterr().err
    assert "找不到数据库文件" in err and "Traceback" not in err
    text = tmp_path / "notes.db"
    text.write_text("不是数据库", encoding="utf-8")
    assert main(["--db", str(text), "backup", "-o", str(tmp_path / "x.db")]) == 3
    assert "不是数据库文件" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


# --- restore -----------------------------------------------------------------------------


def test_restore_replaces_and_keeps_the_old_file(live: Path, tmp_path: Path, capsys) -> None:
    saved = tmp_path / "saved.db"
    backup.backup_now(live, saved, tmp_path / "b")
    new_db(live, ["王五"])  # a mistake made after the backup
    assert case_names(live) == ["张三", "李四", "王五"]
    assert main(["--db", str(live), "restore", str(saved)]) == 0
    out = capsys.readouterr().out
    assert case_names(live) == ["张三", "李四"]
    kept = list((Path(os.environ["MEDIATOR_HOME"]) / "backups").glob("replaced-*-mediator.db"))
    assert len(kept) == 1 and str(kept[0]) in out
    assert case_names(kept[0]) == ["张三", "李四", "王五"]
    assert not live.with_name(live.name + ".restore").exists()
    with open_database(live) as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
    # Restoring twice within one second keeps both replaced files.
    backup.restore(live, saved, tmp_path / "kept")
    backup.restore(live, saved, tmp_path / "kept")
    assert len(list((tmp_path / "kept").glob("replaced-*.db"))) == 2


def test_restore_into_a_database_open_elsewhere(live: Path, tmp_path: Path) -> None:
    """Another mediator window has the file open: it sees the restored data, and nothing
    of its WAL is lost or mixed in."""
    saved = tmp_path / "saved.db"
    backup.backup_now(live, saved, tmp_path / "b")
    with open_database(live) as db:
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        svc.register_case(CaseInput(parties=[PartyInput("王五")], dispute_type=DisputeType.OTHER,
                                    facts="新"))
        backup.restore(live, saved, tmp_path / "kept")
        with db.read() as s:
            assert queries.count_cases(s, today=TODAY) == 2
        svc.register_case(CaseInput(parties=[PartyInput("赵六")], dispute_type=DisputeType.OTHER,
                                    facts="恢复后新登记"))
    assert case_names(live) == ["张三", "李四", "赵六"]
    assert integrity_check(live) == []
    with open_database(live) as db, db.read() as s:
        from mediator.core import audit

        assert audit.verify(s).ok


@pytest.mark.parametrize("kind", ["text", "random", "foreign", "newer", "zeroed", "truncated",
                                  "garbage_page1", "directory", "missing", "empty_sqlite"])
def test_restore_refuses_bad_backup_and_changes_nothing(kind: str, live: Path, tmp_path: Path,
                                                       capsys) -> None:
    if kind == "missing":
        bad = tmp_path / "无此文件.db"
    elif kind == "empty_sqlite":
        bad = tmp_path / "空.db"
        sqlite3.connect(bad).close()
        bad.write_bytes(b"")
    else:
        bad = make_bad(kind, tmp_path, live)
    before_dump = logical_dump(live)
    before_db = fingerprint(live)
    folder = sorted(p.name for p in live.parent.iterdir())
    code = main(["--db", str(live), "restore", str(bad)])
    err = capsys.readouterr().err
    assert code != 0
    assert "错误" in err and "Traceback" not in err
    assert fingerprint(live) == before_db
    assert logical_dump(live) == before_dump
    assert sorted(p.name for p in live.parent.iterdir()) == folder
    assert not list((Path(os.environ["MEDIATOR_HOME"]) / "backups").glob("replaced-*"))


def test_restore_of_older_schema_backup_upgrades_it(live: Path, tmp_path: Path) -> None:
    old = tmp_path / "v1 备份.db"
    make_v1_database(old)
    before = fingerprint(old)["main"]
    backup.restore(live, old, tmp_path / "kept")
    assert fingerprint(old)["main"] == before  # the backup itself is left as it was
    assert version(live) == LATEST_VERSION
    assert case_names(live) == ["欧阳明 / 李四"]
    with open_database(live) as db, db.read() as s:
        page = queries.list_cases(s, queries.CaseFilter(query="欧阳"), today=TODAY)
        assert [r.case_no for r in page.rows] == ["(2026)青石人调字第001号"]


@pytest.mark.parametrize("damage", ["zeroed", "truncated", "text"])
def test_restore_over_a_damaged_database(damage: str, live: Path, tmp_path: Path) -> None:
    """The case restore exists for: the live file is damaged. It is still kept aside."""
    saved = tmp_path / "saved.db"
    backup.backup_now(live, saved, tmp_path / "b")
    broken = make_bad(damage, tmp_path, live)
    broken_bytes = broken.read_bytes()
    os.replace(broken, live)
    with pytest.raises(DatabaseError):
        open_database(live)
    kept = backup.restore(live, saved, tmp_path / "kept")
    assert kept is not None and kept.read_bytes() == broken_bytes
    assert case_names(live) == ["张三", "李四"] and integrity_check(live) == []
    open_database(live).close()


def test_restore_to_a_new_location(tmp_path: Path, live: Path) -> None:
    target = tmp_path / "新电脑" / "mediator.db"
    assert backup.restore(target, live, tmp_path / "kept") is None
    assert case_names(target) == ["张三", "李四"]


def test_copy_is_atomic_no_temp_left(live: Path, tmp_path: Path) -> None:
    target = tmp_path / "c.db"
    target.write_bytes(b"old")
    backup.copy_database(live, target)
    assert case_names(target) == ["张三", "李四"]
    assert not target.with_name("c.db.tmp").exists()
    migrate(target)  # already current: a no-op on a sound copy
    assert version(target) == LATEST_VERSION


# --- progress ------------------------------------------------------------------------------


def page_count(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return int(con.execute("PRAGMA page_count").fetchone()[0])
    finally:
        con.close()


def test_daily_backup_reports_the_check_then_the_pages_copied(live: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    monkeypatch.setattr(db_module, "STEP_PAGES", 5)   # a small file still copies in steps
    seen: list[tuple[str, int, int]] = []
    made = backup.daily_backup(live, tmp_path / "b", TODAY,
                               progress=lambda *step: seen.append(step))
    assert made is not None
    pages = page_count(live)
    assert pages > 10
    assert seen[0] == ("check", 0, 0)
    copied = [done for stage, done, total in seen[1:] if stage == "copy" and total == pages]
    assert len(copied) == len(seen) - 1
    assert copied == sorted(copied) and copied[-1] == pages
    assert copied[0] == 5
    assert case_names(made) == case_names(live)


def test_restore_through_the_cli_shows_its_progress(live: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """On a terminal the restore shows a bar with the pages copied of all; redirected, none."""
    import io

    from rich.console import Console

    from mediator import cli

    saved = tmp_path / "保存.db"
    backup.copy_database(live, saved)
    screen = io.StringIO()
    real = cli.console
    monkeypatch.setattr(cli, "console", lambda stderr=False: Console(
        file=screen, force_terminal=True, width=120, color_system=None) if stderr else real())
    monkeypatch.setattr(db_module, "STEP_PAGES", 5)
    target = tmp_path / "恢复到.db"
    assert main(["--db", str(target), "restore", str(saved)]) == 0
    pages = page_count(saved)
    assert "正在备份（页） " in screen.getvalue()
    assert f"{pages}/{pages}" in screen.getvalue()
    assert case_names(target) == case_names(live)


# --- restore checks what it restores (issue 17, item 6) -------------------------------------


def _saved(live: Path, tmp_path: Path) -> Path:
    saved = tmp_path / "备份 U盘" / "saved.db"
    backup.backup_now(live, saved, tmp_path / "b")
    return saved


def _tamper(saved: Path, sql: str, *, resign: bool = True) -> None:
    """Change a backup with sqlite3, as someone with the stick could; ``resign`` also writes a
    matching sidecar (whoever can edit the file can rewrite its checksum)."""
    con = sqlite3.connect(saved)
    try:
        con.executescript(sql)
    finally:
        con.close()
    if resign:
        backup.write_sidecar(saved)
    else:
        backup.sidecar_path(saved).unlink()


def _one_value(path: Path, sql: str) -> object:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def _refused(live: Path, saved: Path, capsys, expect: str, *, says_unchanged: bool = True) -> str:
    dump = logical_dump(live)  # first: a read-only look may leave -wal/-shm files behind
    before = fingerprint(live)
    folder = sorted(p.name for p in live.parent.iterdir())
    code = main(["--db", str(live), "restore", str(saved)])
    err = capsys.readouterr().err
    assert code == 3, err
    assert expect in err and "Traceback" not in err
    assert "未恢复" in err or not says_unchanged
    assert fingerprint(live) == before and logical_dump(live) == dump
    assert sorted(p.name for p in live.parent.iterdir()) == folder
    assert not list((Path(os.environ["MEDIATOR_HOME"]) / "backups").glob("replaced-*"))
    return err


def test_every_copy_has_a_sidecar_with_digest_and_audit_head(live: Path, tmp_path: Path) -> None:
    import hashlib
    import json

    daily = backup.daily_backup(live, tmp_path / "b", TODAY)
    manual = backup.backup_now(live, None, tmp_path / "b")
    copied = backup.copy_database(live, tmp_path / "c.db")
    con = sqlite3.connect(f"file:{live}?mode=ro", uri=True)
    seq, head = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    con.close()
    for made in (daily, manual, copied):
        assert made is not None
        side = json.loads(backup.sidecar_path(made).read_text(encoding="utf-8"))
        assert side["sha256"] == hashlib.sha256(made.read_bytes()).hexdigest()
        assert side["size"] == made.stat().st_size
        assert (side["audit_seq"], side["audit_hash"]) == (seq, head) and seq > 0
        assert side["schema_version"] == LATEST_VERSION


def test_restore_refuses_a_planted_trigger(live: Path, tmp_path: Path, capsys) -> None:
    saved = _saved(live, tmp_path)
    _tamper(saved, "CREATE TRIGGER wipe AFTER UPDATE ON dispute_case "
                   "BEGIN DELETE FROM party; END;")
    err = _refused(live, saved, capsys, "结构")
    assert "trigger wipe" in err
    # and without its sidecar (the warning is said, the trigger still refuses)
    backup.sidecar_path(saved).unlink()
    _refused(live, saved, capsys, "trigger wipe")


@pytest.mark.parametrize("sql, named", [
    ("CREATE TABLE notes (x);", "table notes"),
    ("CREATE VIEW v_party AS SELECT name FROM party;", "view v_party"),
    ("CREATE INDEX ix_extra ON party (name);", "index ix_extra"),
    ("DROP INDEX ix_party_idno;", "index ix_party_idno: missing"),
])
def test_restore_refuses_a_schema_that_is_not_exactly_ours(sql: str, named: str, live: Path,
                                                          tmp_path: Path, capsys) -> None:
    saved = _saved(live, tmp_path)
    _tamper(saved, sql)
    assert named in _refused(live, saved, capsys, "结构")


def test_restore_checks_an_old_backup_against_its_own_version(live: Path, tmp_path: Path,
                                                             capsys) -> None:
    old = tmp_path / "v1.db"
    make_v1_database(old)
    con = sqlite3.connect(old)
    con.executescript("CREATE TRIGGER t AFTER INSERT ON party BEGIN DELETE FROM party; END;")
    con.close()
    _refused(live, old, capsys, "trigger t")


@pytest.mark.parametrize("where", [0, 20, 99, 100, 1500, 4096 + 7, "middle", "end"])
def test_restore_refuses_a_backup_with_one_byte_changed(where: int | str, live: Path,
                                                       tmp_path: Path, capsys) -> None:
    saved = _saved(live, tmp_path)
    data = bytearray(saved.read_bytes())
    ends = {"middle": len(data) // 2, "end": len(data) - 3}
    offset = ends[where] if isinstance(where, str) else where
    data[offset] ^= 0x04
    saved.write_bytes(bytes(data))
    # not SQLite at all (the magic bytes): said so; any other byte: the checksum, read
    # before SQLite opens the file
    err = _refused(live, saved, capsys, "", says_unchanged=False)
    if offset == 0:
        assert "不是数据库文件" in err or "database disk image is malformed" in err
    else:
        assert "与它的校验值不符" in err


def test_restore_refuses_values_package_import_would_refuse(live: Path, tmp_path: Path,
                                                           capsys) -> None:
    saved = _saved(live, tmp_path)
    _tamper(saved, "UPDATE party SET id_number = '110105194912310021' WHERE position = 0;")
    assert "party.id_number" in _refused(live, saved, capsys, "不合规")


def test_restore_refuses_a_broken_or_cut_audit_chain(live: Path, tmp_path: Path, capsys) -> None:
    saved = _saved(live, tmp_path)
    _tamper(saved, "UPDATE audit_log SET operator = '某人' WHERE seq = 2;")
    _refused(live, saved, capsys, "审计链")
    # the newest entries deleted, the sidecar left as it was: its head no longer matches
    saved = tmp_path / "cut.db"
    backup.backup_now(live, saved, tmp_path / "b")
    side = backup.sidecar_path(saved).read_text(encoding="utf-8")
    _tamper(saved, "DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log);")
    backup.sidecar_path(saved).write_text(
        side.replace(side.split('"sha256": "')[1][:64], backup.file_digest(saved)),
        encoding="utf-8")
    # the file's own head (its audit_tail setting) already shows the cut
    last = int(_one_value(saved, "SELECT max(seq) FROM audit_log"))
    _refused(live, saved, capsys, f"第 {last + 1} 条起的记录不见了")
    # the setting rewritten to match: the checksum file's head still shows it
    _tamper(saved, f"UPDATE setting SET value = (SELECT seq || ':' || hash FROM audit_log "
                   f"WHERE seq = {last}) WHERE key = 'audit_tail';", resign=False)
    backup.sidecar_path(saved).write_text(side, encoding="utf-8")
    side_now = backup.sidecar_path(saved).read_text(encoding="utf-8")
    backup.sidecar_path(saved).write_text(
        side_now.replace(side_now.split('"sha256": "')[1][:64], backup.file_digest(saved))
        .replace(side_now.split('"size": ')[1].split(",")[0], str(saved.stat().st_size)),
        encoding="utf-8")
    # (the deleted entry carried the sum of the last write: the digests no longer add up)
    err = _refused(live, saved, capsys, "操作记录（审计链）不完整")
    assert "审计链应到第" in err or "记录校验表被改动过" in err


def test_restore_refuses_a_damaged_sidecar(live: Path, tmp_path: Path, capsys) -> None:
    saved = _saved(live, tmp_path)
    backup.sidecar_path(saved).write_text("[[[", encoding="utf-8")
    _refused(live, saved, capsys, "校验文件")


def test_restore_without_sidecar_warns_and_restores_a_sound_file(live: Path, tmp_path: Path,
                                                                capsys) -> None:
    saved = _saved(live, tmp_path)
    backup.sidecar_path(saved).unlink()
    new_db(live, ["王五"])
    assert main(["--db", str(live), "restore", str(saved)]) == 0
    err = capsys.readouterr().err
    assert "没有校验文件" in err and str(saved) in err
    assert case_names(live) == ["张三", "李四"]
    warned: list[str] = []
    from mediator.i18n import set_language

    set_language("en")
    backup.restore(live, saved, tmp_path / "kept", warn=warned.append)
    assert len(warned) == 1 and "no checksum file" in warned[0]


def test_restore_with_sidecar_says_nothing(live: Path, tmp_path: Path) -> None:
    saved = _saved(live, tmp_path)
    warned: list[str] = []
    backup.restore(live, saved, tmp_path / "kept", warn=warned.append)
    assert warned == [] and case_names(live) == ["张三", "李四"]


def test_restore_accepts_sqlites_own_statistics(live: Path, tmp_path: Path) -> None:
    """ANALYZE adds sqlite_stat1 (numbers for the query planner, no code): not a planted
    table."""
    saved = _saved(live, tmp_path)
    _tamper(saved, "ANALYZE;")
    backup.restore(live, saved, tmp_path / "kept")
    assert case_names(live) == ["张三", "李四"]


def test_restore_refuses_a_backup_whose_rows_were_edited(live: Path, tmp_path: Path,
                                                        capsys) -> None:
    """A row changed with sqlite3 inside a backup (its checksum file gone, as if older) no
    longer matches the digest the audit trail holds for it."""
    saved = _saved(live, tmp_path)
    _tamper(saved, "UPDATE party SET name = '王二麻' WHERE name = '张三';", resign=False)
    err = _refused(live, saved, capsys, "有 1 条记录被绕过本程序修改")
    assert "没有校验文件" in err  # the warning came first; the edit still refuses


def test_names_from_a_hostile_backup_never_reach_the_terminal(live: Path, tmp_path: Path,
                                                             capsys) -> None:
    saved = _saved(live, tmp_path)
    _tamper(saved, 'CREATE TRIGGER "x\x1b[2J\x1b]0;owned\x07" AFTER UPDATE ON party '
                   "BEGIN DELETE FROM party; END;")
    err = _refused(live, saved, capsys, "结构")
    assert "\x1b" not in err and "\x07" not in err and "x^[[2J^[]0;owned^G" in err
