"""``mediator import ledger`` writes on plain sqlite3 (issue 16, part 4): after the day's
first open it never imports SQLModel, SQLAlchemy or pydantic, and what it writes is what
``Services.import_ledger_rows`` writes for the same ledger."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import text

from mediator.cli import main
from mediator.core import audit
from mediator.core.db import open_database
from mediator.core.services import Services
from mediator.i18n import t
from mediator.ledger.importer import import_ledger
from tests.ledger import ledgers as L

HEAVY = {"sqlmodel", "sqlalchemy", "pydantic", "pydantic_core"}
RUN = ("import sys\nfrom mediator.cli import main\nrc = main(sys.argv[1:])\n"
       f"print(rc, sorted({{m.split('.')[0] for m in sys.modules}} & set({sorted(HEAVY)!r})))")


def init(path: Path) -> None:
    assert main(["--db", str(path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0


def rows(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with open_database(path) as db, db.read() as s:
        return [tuple(r) for r in s.exec(text(sql)).all()]  # type: ignore[call-overload]


CASES = ("SELECT case_no, state, outcome, registered_on, accepted_on, concluded_on, archived_on,"
         " facts, parties_text, import_key, import_flags, amount_fen, persons_involved,"
         " next_due_on, next_due_kind, village_code, revision, deleted FROM dispute_case"
         " ORDER BY case_no")
PARTIES = ("SELECT c.case_no, p.position, p.role, p.kind, p.name, p.id_number, p.gender, p.phone,"
           " p.address, p.org_code FROM party p JOIN dispute_case c ON c.id = p.case_id"
           " ORDER BY c.case_no, p.position")
EVENTS = ("SELECT c.case_no, e.kind, e.occurred_on, e.summary, e.body, e.state_from, e.state_to,"
          " e.operator FROM case_event e JOIN dispute_case c ON c.id = e.case_id"
          " ORDER BY c.case_no, e.rowid")
OTHERS = ("SELECT c.case_no, a.form, a.effective_on, a.terms, a.amount_fen, f.kind, f.due_on,"
          " f.result, f.note FROM dispute_case c LEFT JOIN agreement a ON a.case_id = c.id"
          " LEFT JOIN follow_up f ON f.case_id = c.id ORDER BY c.case_no")
ENTRIES = "SELECT operator, action, entity FROM audit_log ORDER BY seq"


def test_command_writes_as_services_without_the_orm(tmp_path: Path) -> None:
    ledger = L.ledger_a(tmp_path / "台账.xlsx")
    plain, orm = tmp_path / "plain" / "m.db", tmp_path / "orm" / "m.db"
    init(plain)
    init(orm)
    # the command in a fresh process, after init (the day's checks and backup are done)
    done = subprocess.run([sys.executable, "-c", RUN, "--db", str(plain), "--operator",
                           "李文书", "import", "ledger", str(ledger)],
                          capture_output=True, text=True, check=False)
    assert done.stdout.splitlines()[-1] == "0 []", done.stdout + done.stderr
    # the same ledger through Services
    with open_database(orm) as db:
        report = import_ledger(ledger, Services(db, operator="李文书", today=date.today))
    assert report.imported == 6
    for sql in (CASES, PARTIES, EVENTS, OTHERS, ENTRIES):
        assert rows(plain, sql) == rows(orm, sql)
    assert len(rows(plain, CASES)) == 6
    assert [a for _, a, _ in rows(plain, ENTRIES)][-1] == "ledger.import"
    for path in (plain, orm):
        with open_database(path) as db, db.read() as s:
            assert audit.verify(s).ok


def test_update_and_a_first_open_of_the_day_still_use_services(tmp_path: Path) -> None:
    """``--update`` corrects cases through Services; so does the first open of a day (the
    file's checks and backup come with the Database)."""
    from mediator.core.paths import resolve_paths

    ledger = L.ledger_d(tmp_path / "台账.csv")
    path = tmp_path / "m.db"
    init(path)
    for backup in resolve_paths(path).backups.iterdir():
        backup.unlink()  # as if init had been yesterday
    done = subprocess.run([sys.executable, "-c", RUN, "--db", str(path), "import", "ledger",
                           str(ledger)], capture_output=True, text=True, check=False)
    assert done.stdout.splitlines()[-1] == f"0 {sorted(HEAVY)!r}", done.stdout + done.stderr
    done = subprocess.run([sys.executable, "-c", RUN, "--db", str(path), "import", "ledger",
                           str(ledger), "--update"], capture_output=True, text=True,
                          check=False)
    assert done.stdout.splitlines()[-1] == f"0 {sorted(HEAVY)!r}", done.stdout + done.stderr
    assert len(rows(path, CASES)) == 2
    with open_database(path) as db, db.read() as s:
        assert audit.verify(s).ok


def test_a_locked_database_or_a_failure_writes_nothing(
        tmp_path: Path, monkeypatch: Any, capsys: Any) -> None:
    """The plain path keeps the guarantees: another writer holding the file gives the
    database message and exit 3; a failure in the middle of the writes leaves nothing."""
    import sqlite3

    from mediator.core import bulk
    from mediator.core import db as dbm

    ledger = L.ledger_a(tmp_path / "台账.xlsx")
    path = tmp_path / "m.db"
    init(path)
    before = rows(path, ENTRIES)
    monkeypatch.setattr(dbm, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        capsys.readouterr()
        assert main(["--db", str(path), "import", "ledger", str(ledger)]) == 3
        # the message any database error gets (the Services path says the same)
        assert capsys.readouterr().err.strip() == t("cli.db_error", error="database is locked")
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    calls = []

    def fail_write(self: Any, con: Any) -> Any:
        calls.append(1)
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(bulk._Batch, "write", fail_write)
    assert main(["--db", str(path), "import", "ledger", str(ledger)]) == 3
    assert calls == [1]
    assert rows(path, CASES) == [] and rows(path, ENTRIES) == before
    assert rows(path, "SELECT count(*) FROM audit_row") == [(0,)]
    assert not (tmp_path / "台账_未导入.xlsx").exists()


def test_collector_is_on_again_and_nothing_left_frozen(tmp_path: Path) -> None:
    """The command turns the cyclic collector off while it reads and writes, and hands what
    outlived the import to the oldest generation (gc.freeze + unfreeze): afterwards the
    collector runs as before and nothing stays frozen out of its sight."""
    import gc

    db = tmp_path / "m.db"
    init(db)
    ledger = L.ledger_a(tmp_path / "台账.xlsx")
    assert gc.isenabled()
    assert main(["--db", str(db), "import", "ledger", str(ledger)]) == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert rows(db, "SELECT count(*) FROM dispute_case") == [(6,)]


def test_the_program_leaves_its_database_closed_and_whole(tmp_path: Path) -> None:
    """``python -m mediator import ledger`` (the program: the import leaves what outlived it
    frozen, out of the collector's last pass at exit) ends with its connection closed: the
    write-ahead log checkpointed into the file and removed, so the file alone (as carried on
    a stick) holds every case, and the audit chain verifies."""
    db = tmp_path / "m.db"
    init(db)
    ledger = L.ledger_a(tmp_path / "台账.xlsx")
    done = subprocess.run([sys.executable, "-m", "mediator", "--db", str(db), "import",
                           "ledger", str(ledger)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert not Path(f"{db}-wal").exists()
    assert rows(db, "SELECT count(*) FROM dispute_case") == [(6,)]
    with open_database(db) as opened, opened.read() as s:
        assert audit.verify(s).ok
