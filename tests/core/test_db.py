"""The database file: pragmas, transactions, migrations from version 1, and the files that
must be refused untouched (not SQLite, another program's, newer, damaged, a folder)."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import SQLModel

from mediator.core import db as dbmod
from mediator.core import queries
from mediator.core.db import (
    APPLICATION_ID,
    LATEST_VERSION,
    MIGRATIONS,
    inspect_file,
    migrate,
    open_database,
)
from mediator.core.enums import DisputeType
from mediator.core.errors import DatabaseError
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.services import Services

from .dbtools import fingerprint, logical_dump, make_bad, make_v1_database

CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = date(2026, 11, 23)


def user_version(path: Path) -> int:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()


# --- connections and transactions --------------------------------------------------------


def test_every_connection_sets_the_pragmas(db) -> None:
    with db.engine.connect() as conn:
        get = lambda p: conn.exec_driver_sql(f"PRAGMA {p}").scalar_one()
        assert get("journal_mode") == "wal"
        assert get("synchronous") == 2  # FULL
        assert get("foreign_keys") == 1
        assert get("busy_timeout") >= 5000
    assert user_version(db.path) == LATEST_VERSION == MIGRATIONS[-1].version
    con = sqlite3.connect(db.path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    con.close()


def test_write_takes_the_write_lock_at_begin(db) -> None:
    """BEGIN IMMEDIATE: the lock is held from the start, so read-modify-write cannot interleave."""
    other = sqlite3.connect(db.path, timeout=0, isolation_level=None)
    try:
        with db.write() as s:
            s.connection()  # the transaction begins here, before any statement
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        # A read transaction does not block writers.
        with db.read() as s:
            s.connection()
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")
    finally:
        other.close()


def test_write_rolls_back_on_error(svc, dump) -> None:
    from mediator.core.models import Mediator

    before = dump(svc.db.path)
    with pytest.raises(RuntimeError), svc.db.write() as s:
        s.add(Mediator(owner_code="330106001", name="钱调解"))
        s.flush()
        raise RuntimeError("boom")
    assert dump(svc.db.path) == before


def test_new_database_in_a_folder_with_spaces_and_chinese(tmp_path: Path) -> None:
    path = tmp_path / "我的 文档" / "调解 台账" / "青石镇.db"
    with open_database(path) as db:
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        svc.register_case(CaseInput(parties=[PartyInput("张三")], dispute_type=DisputeType.OTHER,
                                    facts="测试"))
    assert path.is_file() and user_version(path) == LATEST_VERSION


def test_zero_byte_file_becomes_a_new_database(tmp_path: Path) -> None:
    path = tmp_path / "空.db"
    path.write_bytes(b"")
    with open_database(path):
        pass
    assert user_version(path) == LATEST_VERSION


def test_missing_file_without_create(tmp_path: Path) -> None:
    path = tmp_path / "无.db"
    with pytest.raises(DatabaseError) as err:
        open_database(path, create=False)
    assert str(path) in str(err.value) and CJK.search(str(err.value))
    assert not path.exists()


# --- migrations --------------------------------------------------------------------------


def test_migrations_apply_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / "steps.db"
    for version in range(1, LATEST_VERSION + 1):
        assert migrate(path, target=version) == version
        assert user_version(path) == version
    assert migrate(path) == LATEST_VERSION  # nothing left to do


def test_upgrade_from_version_1_keeps_data_and_search(tmp_path: Path) -> None:
    path = tmp_path / "旧 版本" / "mediator.db"
    path.parent.mkdir()
    make_v1_database(path)
    old = logical_dump(path)
    backups = tmp_path / "备份"

    with open_database(path, backups=backups) as db:
        assert db.schema_version() == LATEST_VERSION
        new = logical_dump(path)
        # the upgrade adds what covers the rows already held (migration 0006): their digests,
        # one baseline entry in the audit trail, and the trail's head in the settings
        baseline = new["audit_log"][-1]
        assert baseline[3:5] == ("audit.baseline", "database") and baseline[-1] is not None
        assert new["audit_log"][:-1] == old["audit_log"]
        assert len(new["audit_row"]) == 4  # the case, its two parties and its event
        added = sorted(set(new["setting"]) - set(old["setting"]))
        # and (migration 0007) the root of this database's lineage, with no ancestors
        assert [k for k, _ in added] == ["audit_tail", "sync.lineage"]
        assert added[0][1] == f"{baseline[0]}:{baseline[9]}"
        # its root is the start of the first audit hash: every copy of this database (an old
        # backup upgraded when restored) has the same one
        first = min(new["audit_log"])   # the baseline entry here: the v1 file had none
        assert added[1][1] == f'[["{first[9][:32]}",null]]'
        for table, rows in old.items():
            if table not in ("pragma.user_version", "audit_log", "setting"):
                # columns added later (0014's on dispute_case) come at the end, empty
                width = len(rows[0]) if rows else 0
                assert [r[:width] for r in new[table]] == rows, table
                assert {r[width:] for r in new[table]} <= {(None,) * (len(r) - width)
                                                            for r in new[table]}, table
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        with db.read() as s:
            # Two-character name (name index), pinyin initials, ID tail and facts (FTS).
            for query in ("李四", "oym", "002X", "宅基地滴水"):
                page = queries.list_cases(s, queries.CaseFilter(query=query), today=TODAY)
                assert [r.case_no for r in page.rows] == ["(2026)青石人调字第001号"], query
        # The old case carries on, and numbering continues after it.
        svc.record_notice("c0000000000000000000000000000001")
        new_case = svc.register_case(CaseInput(parties=[PartyInput("王五")],
                                               dispute_type=DisputeType.OTHER, facts="新案"))
        assert new_case.case_no == "(2026)青石人调字第002号"

    kept = list(backups.glob("before-upgrade-v1-*.db"))
    assert len(kept) == 1
    assert user_version(kept[0]) == 1
    assert {k: v for k, v in logical_dump(kept[0]).items()} == old


def test_upgrade_without_backups_folder_keeps_copy_beside(tmp_path: Path) -> None:
    path = tmp_path / "mediator.db"
    make_v1_database(path)
    with open_database(path):
        pass
    assert len(list((tmp_path / "backups").glob("before-upgrade-v1-*.db"))) == 1


def test_refused_upgrade_leaves_file(tmp_path: Path) -> None:
    path = tmp_path / "mediator.db"
    make_v1_database(path)
    for side in ("-wal", "-shm"):  # left by the read-only version probe above
        path.with_name(path.name + side).unlink(missing_ok=True)
    before = fingerprint(path)
    with pytest.raises(DatabaseError):
        open_database(path, migrate_schema=False)
    assert fingerprint(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mediator.db"]


def test_search_index_rebuilt_when_lost(svc, make_case, db_path: Path) -> None:
    case = make_case()
    svc.db.close()
    con = sqlite3.connect(db_path)
    con.execute("DELETE FROM case_term")
    con.execute("DELETE FROM case_fts")
    con.commit()
    con.close()
    with open_database(db_path) as db, db.read() as s:
        page = queries.list_cases(s, queries.CaseFilter(query="张三"), today=TODAY)
        assert [r.id for r in page.rows] == [case.id]
        assert queries.count_cases(s, queries.CaseFilter(query="滴水问题"), today=TODAY) == 1


def _schema(path: Path) -> dict[str, dict[str, tuple[bool, bool]]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {t: {r[1]: (bool(r[3]), bool(r[5])) for r in con.execute(f'PRAGMA table_info("{t}")')}
                for t in tables}
    finally:
        con.close()


def test_migrated_schema_matches_the_models(tmp_path: Path) -> None:
    """The SQL migrations and the SQLModel classes describe the same tables and columns."""
    import mediator.core.models  # noqa: F401  (registers every table)

    migrated = tmp_path / "migrated.db"
    migrate(migrated)
    from_models = tmp_path / "models.db"
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{from_models}")
    SQLModel.metadata.create_all(engine)
    engine.dispose()
    got, want = _schema(migrated), _schema(from_models)
    search_tables = {t for t in got if t in ("case_term", "search_pending")
                     or t.startswith(("case_fts", "case_bigram"))}
    assert set(got) - search_tables == set(want)
    for table, columns in want.items():
        assert got[table] == columns, table  # names, NOT NULL and primary keys


# --- files that must be refused ----------------------------------------------------------


def _good_db(path: Path, cases: int = 60) -> None:
    with open_database(path) as db:
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        for i in range(cases):
            svc.register_case(CaseInput(parties=[PartyInput(f"张三{i}")],
                                        dispute_type=DisputeType.OTHER, facts="事实" * 300))


@pytest.fixture(scope="module")
def good_db_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("good") / "mediator.db"
    _good_db(path)
    return path


BAD_KINDS = ["text", "random", "sqlite_magic_only", "foreign", "foreign_wal", "newer", "zeroed",
             "truncated", "garbage_page1", "directory"]
EXPECTED_WORDS = {
    "text": "不是数据库文件", "random": "不是数据库文件", "sqlite_magic_only": "损坏",
    "foreign": "不是 mediator 的数据库", "foreign_wal": "不是 mediator 的数据库",
    "newer": "更新版本", "zeroed": "损坏", "truncated": "损坏", "garbage_page1": "损坏",
    "directory": "文件夹",
}


def _snapshot(path: Path) -> object:
    if path.is_dir():
        return sorted((p.name, p.read_bytes()) for p in path.iterdir())
    return fingerprint(path)


@pytest.mark.parametrize("kind", BAD_KINDS)
def test_bad_file_refused_and_untouched(kind: str, tmp_path: Path, good_db_file: Path) -> None:
    path = make_bad(kind, tmp_path, good_db_file)
    siblings = sorted(p.name for p in tmp_path.iterdir())
    before = _snapshot(path)
    for attempt in (lambda: open_database(path, backups=tmp_path / "backups"),
                    lambda: open_database(path, create=False)):
        with pytest.raises(DatabaseError) as err:
            attempt()
        message = str(err.value)
        assert EXPECTED_WORDS[kind] in message, message
        assert str(path) in message
    assert _snapshot(path) == before
    # No -wal/-shm/backup left behind beside it.
    assert sorted(p.name for p in tmp_path.iterdir()) == siblings


def test_newer_version_only_in_pending_wal_is_refused_untouched(tmp_path: Path,
                                                               good_db_file: Path) -> None:
    """A newer mediator crashed after its upgrade committed to the WAL: the header still shows
    our version, but the file is newer. Opening must not checkpoint the WAL into it."""
    src = tmp_path / "live.db"
    shutil.copy(good_db_file, src)
    writer = sqlite3.connect(src, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute(f"PRAGMA user_version={LATEST_VERSION + 1}")
    copy = tmp_path / "crashed.db"
    for suffix in ("", "-wal"):
        shutil.copy(src.with_name(src.name + suffix), copy.with_name(copy.name + suffix))
    writer.close()
    assert os.path.getsize(copy.with_name(copy.name + "-wal")) > 0
    before = fingerprint(copy)
    with pytest.raises(DatabaseError) as err:
        open_database(copy)
    assert "更新版本" in str(err.value)
    after = fingerprint(copy)
    assert after["main"] == before["main"] and after["-wal"] == before["-wal"]


def test_big_file_checked_once_a_day(tmp_path: Path, good_db_file: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the size limit the full check runs on the first open of the day (no daily
    backup yet); the header checks (truncation) run on every open."""
    from mediator.core.backup import _daily_name

    monkeypatch.setattr(dbmod, "QUICK_CHECK_ALWAYS_BYTES", 0)
    zeroed = make_bad("zeroed", tmp_path, good_db_file)
    backups = tmp_path / "backups"
    backups.mkdir()
    with pytest.raises(DatabaseError):
        open_database(zeroed, backups=backups)
    (backups / _daily_name(zeroed, date.today())).write_bytes(b"")
    open_database(zeroed, backups=backups, migrate_schema=False).close()  # not re-checked today
    truncated = make_bad("truncated", tmp_path, good_db_file)
    with pytest.raises(DatabaseError):
        open_database(truncated)


def test_inspect_file_reads_header_only_for_foreign_files(tmp_path: Path,
                                                          good_db_file: Path) -> None:
    info = inspect_file(good_db_file)
    assert info.exists and info.user_version == LATEST_VERSION and info.tables > 10
    assert info.application_id == APPLICATION_ID
    assert inspect_file(tmp_path / "none.db").exists is False


@pytest.mark.parametrize(("path", "uri"), [
    ("/home/王 调解/mediator.db", "file:/home/%E7%8E%8B%20%E8%B0%83%E8%A7%A3/mediator.db"),
    ("C:\\Users\\王\\调解 数据\\m.db", "file:/C:/Users/%E7%8E%8B/%E8%B0%83%E8%A7%A3%20%E6%95%B0%E6%8D%AE/m.db"),
    # A network share: SQLite refuses a URI authority, so it must stay empty.
    ("\\\\server\\share\\调解\\m.db", "file:////server/share/%E8%B0%83%E8%A7%A3/m.db"),
    ("/tmp/a#b?c.db", "file:/tmp/a%23b%3Fc.db"),
])
def test_file_uri_for_read_only_probes(path: str, uri: str) -> None:
    assert dbmod.sqlite_file_uri(path) == uri


def test_read_only_probe_of_odd_folder_names(tmp_path: Path) -> None:
    folder = tmp_path / "a#b?c 数据%20"
    folder.mkdir()
    with open_database(folder / "m.db"):
        pass
    assert inspect_file(folder / "m.db").user_version == LATEST_VERSION
    assert dbmod.quick_check(folder / "m.db") == []
