"""The SQLite file: opening it safely, pragmas, schema migrations and transactions.

Every connection runs in WAL mode with ``synchronous=FULL`` (a committed change survives a
power cut), ``foreign_keys=ON`` and a busy timeout. Every write transaction starts with
``BEGIN IMMEDIATE``: revision counters are read-modify-write, and under Python's default
deferred transactions two processes silently lost half their updates (sync.md, "Local writes").

A file that is not SQLite, is damaged, belongs to another program or was written by a newer
mediator is refused with a clear message and is never modified.
"""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # imported when a Database is made: the checks of open_database (prepare_database) and
    # the case list's first page at start run on plain sqlite3 before SQLAlchemy is loaded
    from sqlalchemy import Engine
    from sqlmodel import Session

from mediator.core.errors import DatabaseError
from mediator.core.files import (
    FileInUseError,
    FileWriteError,
    atomic_path,
    atomic_write,
    private_folder,
    remove,
)
from mediator.core.schema import LATEST_VERSION, Migration, migrations
from mediator.i18n import t

APPLICATION_ID = 0x4D445452  # "MDTR": marks a file as a mediator database
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
#: ``Connection.info`` key: the newest audit entry's number when a write transaction began
AUDIT_START = "mediator_audit_start"


@dataclass(frozen=True)
class FileInfo:
    exists: bool
    user_version: int = 0
    application_id: int = 0
    tables: int = 0


#: Files up to this size get SQLite's quick_check on every open (about 0.2 s at this size);
#: larger ones once a day, on the open that finds no daily backup yet (which reads the whole
#: file anyway), so a county database of a million cases still opens at once.
QUICK_CHECK_ALWAYS_BYTES = 64 * 1024 * 1024


def _raw_connect(path: Path) -> sqlite3.Connection:
    con = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                          check_same_thread=False)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return con


def readonly_uri(path: Path) -> str:
    """``file:`` URI opening ``path`` read-only (see sqlite_file_uri)."""
    return sqlite_file_uri(str(Path(path).resolve())) + "?mode=ro"


def sqlite_file_uri(absolute: str) -> str:
    """``file:`` URI of an absolute path, POSIX or Windows. Not Path.as_uri(): for a Windows
    network path (\\\\server\\share\\x.db) that gives file://server/..., an authority
    SQLite rejects; an empty authority followed by //server/share is what SQLite accepts."""
    text = absolute.replace("\\", "/")
    if text.startswith("//"):
        text = "//" + text
    elif not text.startswith("/"):
        text = "/" + text  # C:/x -> /C:/x
    return "file:" + urllib.parse.quote(text, safe="/:")


def _readonly_connect(path: Path) -> sqlite3.Connection:
    """A connection that can never write the file, not even a WAL checkpoint on close."""
    con = sqlite3.connect(readonly_uri(path), uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None,
                          check_same_thread=False)
    con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return con


def _has_pending_wal(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        return wal.stat().st_size > 0
    except OSError:
        return False


def inspect_file(path: Path) -> FileInfo:
    """Read what a file claims to be without changing it; raise DatabaseError if unusable.

    The identity (SQLite at all, mediator's application id, schema version) comes from the
    100-byte header read as plain bytes, so a file that is refused is never even opened by
    SQLite (whose read-write connection would checkpoint a leftover WAL into it on close).
    """
    path = Path(path)
    # Before the size test: on Windows a directory reports size 0 and would pass as "new".
    if path.is_dir():
        raise DatabaseError(t("db.is_directory", path=str(path)))
    if not path.exists():
        return FileInfo(exists=False)
    try:
        size = path.stat().st_size
        if size == 0:
            return FileInfo(exists=True)
        with open(path, "rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise DatabaseError(t("db.cannot_read", path=str(path), error=str(exc))) from exc
    if not header.startswith(SQLITE_MAGIC):
        raise DatabaseError(t("db.not_sqlite", path=str(path)))
    if len(header) < 100:
        raise DatabaseError(t("db.damaged", path=str(path), error="header truncated"))
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise DatabaseError(t("db.damaged", path=str(path), error=f"page size {page_size}"))
    schema_cookie = int.from_bytes(header[40:44], "big")
    user_version = int.from_bytes(header[60:64], "big", signed=True)
    app_id = int.from_bytes(header[68:72], "big", signed=True)
    if app_id != APPLICATION_ID and (schema_cookie or user_version):
        raise DatabaseError(t("db.foreign", path=str(path)))
    if user_version > LATEST_VERSION:
        raise DatabaseError(t("db.newer", path=str(path), version=user_version,
                              supported=LATEST_VERSION))
    # The page count in the header is reliable when its "valid for" counter matches the change
    # counter and no WAL is pending (a checkpoint in progress writes page 1 first).
    pages = int.from_bytes(header[28:32], "big")
    if (header[24:28] == header[92:96] and pages * page_size > size
            and not _has_pending_wal(path)):
        raise DatabaseError(t("db.damaged", path=str(path),
                              error=f"file truncated: {size} of {pages * page_size} bytes"))
    if app_id != APPLICATION_ID:
        # An empty SQLite file (no schema yet): mediator may adopt it.
        return FileInfo(True, user_version, app_id, 0)
    try:
        con = _readonly_connect(path)
        try:
            user_version = con.execute("PRAGMA user_version").fetchone()[0]
            tables = con.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(t("db.damaged", path=str(path), error=str(exc))) from exc
    if user_version > LATEST_VERSION:  # bumped in a WAL not yet checkpointed
        raise DatabaseError(t("db.newer", path=str(path), version=user_version,
                              supported=LATEST_VERSION))
    return FileInfo(True, user_version, app_id, tables)


def quick_check(path: Path) -> list[str]:
    """SQLite's quick integrity check; an empty list means the file is sound."""
    try:
        con = _readonly_connect(path)
        try:
            rows = [r[0] for r in con.execute("PRAGMA quick_check").fetchall()]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def integrity_check(path: Path) -> list[str]:
    """The full check (indexes too) plus foreign keys; slow on big files (doctor, restore)."""
    try:
        con = _readonly_connect(path)
        try:
            rows = [r[0] for r in con.execute("PRAGMA integrity_check").fetchall()]
            rows += [f"foreign key: {r}" for r in con.execute("PRAGMA foreign_key_check").fetchall()]
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    return [] if rows == ["ok"] else [r for r in rows if r != "ok"]


#: one row of ``sqlite_master`` as compared by :func:`schema_problems`
MasterRow = tuple[str, str, str, "str | None"]


@lru_cache(maxsize=8)
def expected_schema(version: int) -> tuple[MasterRow, ...]:
    """``sqlite_master`` of a database made by this mediator's migrations up to ``version``,
    exactly as SQLite stores it (built in memory: the migrations are frozen once released,
    so every sound file of that version has this schema and nothing else)."""
    con = sqlite3.connect(":memory:", isolation_level=None)
    try:
        for mig in migrations():
            if mig.version <= version:
                con.executescript("BEGIN;\n" + mig.sql + "\nCOMMIT;")
        return _master(con)
    finally:
        con.close()


def _master(con: sqlite3.Connection) -> tuple[MasterRow, ...]:
    return tuple(con.execute(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name, tbl_name"))


def open_untrusted(path: Path) -> sqlite3.Connection:
    """A read-only connection to a file that came from elsewhere (a backup to restore, a sync
    payload in quarantine), with the defences SQLite advises for untrusted files: no schema
    code runs (triggers, views and functions in the schema are not trusted), cells are
    checked as they are read. Its file URI also serves Windows network paths."""
    con = _readonly_connect(path)
    setconfig = getattr(con, "setconfig", None)  # Python 3.12+
    if setconfig is not None:
        for name, value in (("SQLITE_DBCONFIG_DEFENSIVE", True),
                            ("SQLITE_DBCONFIG_ENABLE_TRIGGER", False),
                            ("SQLITE_DBCONFIG_ENABLE_VIEW", False),
                            ("SQLITE_DBCONFIG_TRUSTED_SCHEMA", False)):
            op = getattr(sqlite3, name, None)
            if op is not None:
                setconfig(op, value)
    for pragma in ("trusted_schema=OFF", "cell_size_check=ON", "mmap_size=0", "query_only=ON"):
        con.execute(f"PRAGMA {pragma}")
    return con


def schema_problems(path: Path, version: int) -> list[str]:
    """What differs between the file's schema and the one ``version``'s migrations make:
    an extra trigger, view, table or index (planted to run on the next edit, or to hide
    rows) or a changed or missing one. Empty: exactly the schema mediator made."""
    try:
        con = open_untrusted(path)
        try:
            # SQLite's own statistics (ANALYZE) hold no code: not a difference
            found = tuple(r for r in _master(con) if not str(r[1]).startswith("sqlite_stat"))
        finally:
            con.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return [str(exc)]
    expected = expected_schema(version)
    if found == expected:
        return []
    want = {(r[0], r[1]): r for r in expected}
    have = {(r[0], r[1]): r for r in found}
    # names from a hostile file are shown, never sent to the terminal as they are
    from mediator.core.text import plain

    problems = [f"{plain(kind, limit=20)} {plain(name, limit=60)}: "
                f"{'unexpected' if key not in want else 'changed'}"
                for key in sorted(have, key=repr) for kind, name in [key]
                if want.get(key) != have[key]]
    problems += [f"{kind} {name}: missing" for (kind, name) in sorted(set(want) - set(have))]
    return problems or ["schema differs"]


def migrate(path: Path, target: int = LATEST_VERSION) -> int:
    """Bring the file up to ``target``; each step is one transaction. Returns the new version."""
    info = inspect_file(path)
    current = info.user_version
    if current >= target:
        return current
    if info.exists and info.tables:
        problems = quick_check(path)
        if problems:
            raise DatabaseError(t("db.damaged", path=str(path), error="; ".join(problems[:3])))
    from mediator.core import audit

    con = _raw_connect(path)
    try:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")
        for mig in migrations():
            if current < mig.version <= target:
                # executescript runs each statement as written: the explicit BEGIN/COMMIT make
                # the DDL and the version bump one atomic step.
                try:
                    con.executescript(
                        "BEGIN IMMEDIATE;\n" + mig.sql
                        + f"\nPRAGMA application_id={APPLICATION_ID};"
                        + f"\nPRAGMA user_version={mig.version};"
                    )
                    if mig.version == audit.DIGEST_SCHEMA:
                        # the rows already held get their digests in the same step
                        audit.baseline(con)
                    con.execute("COMMIT")
                except sqlite3.DatabaseError:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
                current = mig.version
    finally:
        con.close()
    return current


def _as_null(_value: None) -> None:
    return None


# None is bound as NULL with or without this; registered, sqlite3 finds its adapter in its
# registry at once instead of first asking the protocol and the value for one (two failed
# attribute lookups, each making and dropping an AttributeError): ≈ 0.4 µs an empty optional
# value, 133,000 of them in a 10,000-row ledger import (issue 16)
sqlite3.register_adapter(type(None), _as_null)


def configure_connection(dbapi_con: sqlite3.Connection) -> None:
    """What every connection to a mediator database gets: WAL, full sync, foreign keys, the
    busy timeout, the search's SQL function and the audit's triggers."""
    dbapi_con.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_con.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()
    from mediator.core import audit, search

    # the search's scan of cases whose index entries are not built yet (search_pending)
    dbapi_con.create_function("mediator_initials", 1, search.sql_initials,
                              deterministic=True)

    try:
        audit.install(dbapi_con)
    except sqlite3.OperationalError:
        pass  # not (yet) a mediator schema: nothing to note


@contextmanager
def plain_write(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction on a plain sqlite3 connection, as :meth:`Database.write` makes
    it (BEGIN IMMEDIATE, the audit's rows settled before the commit, a rollback on any
    error), for a bulk command that must not import SQLAlchemy (the ledger import, issue
    16). The file must have been prepared (:func:`prepare_database`)."""
    from mediator.core import audit

    con = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    try:
        configure_connection(con)
        con.execute("BEGIN IMMEDIATE")
        try:
            started = int(con.execute("SELECT coalesce(max(seq), 0) FROM audit_log")
                          .fetchone()[0])
            yield con
            audit.settle_on(con, started)
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise
    finally:
        con.close()


def _make_engine(path: Path) -> Engine:
    from sqlalchemy import create_engine, event

    engine = create_engine(
        f"sqlite:///{path}",
        connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record):  # type: ignore[no-untyped-def]
        configure_connection(dbapi_con)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # type: ignore[no-untyped-def]
        if conn.get_execution_options().get("mediator_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            # where the audit chain stood when this write began (see audit.settle); read
            # under the write lock, so no other process can move it meanwhile
            conn.info[AUDIT_START] = conn.exec_driver_sql(
                "SELECT coalesce(max(seq), 0) FROM audit_log").scalar_one()
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


class Database:
    """An open mediator database. ``read()`` and ``write()`` give one-transaction sessions."""

    def __init__(self, path: Path):
        self.path = path
        self.engine = _make_engine(path)
        self._write_engine = self.engine.execution_options(mediator_write=True)

    @contextmanager
    def read(self) -> Iterator[Session]:
        from sqlmodel import Session

        # Closing the session ends the (deferred) read transaction; objects stay loaded.
        with Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One write transaction: BEGIN IMMEDIATE, commit on success, roll back on any error."""
        from sqlmodel import Session

        from mediator.core import audit

        with Session(self._write_engine, expire_on_commit=False) as session:
            try:
                yield session
                if session.in_transaction():  # a block that wrote nothing takes no lock
                    session.flush()
                    conn = session.connection()
                    audit.settle(session, int(conn.info.get(AUDIT_START, 0)))
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def schema_version(self) -> int:
        with self.engine.connect() as conn:
            return conn.exec_driver_sql("PRAGMA user_version").scalar_one()

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


@contextmanager
def _leave_refused_file_as_found(path: Path) -> Iterator[None]:
    """The read-only probes may create empty -wal/-shm files beside a WAL-mode file; when the
    file is then refused, remove them so it is left exactly as it was found."""
    sidecars = [path.with_name(path.name + x) for x in ("-wal", "-shm")]
    had_sidecars = any(p.exists() for p in sidecars)
    try:
        yield
    except DatabaseError:
        if not had_sidecars and not _has_pending_wal(path):
            for side in sidecars:
                side.unlink(missing_ok=True)
        raise


def _raise_if_damaged(path: Path) -> None:
    problems = quick_check(path)
    if problems:
        raise DatabaseError(t("db.damaged", path=str(path), error="; ".join(problems[:3])))


def check_file(path: Path) -> FileInfo:
    """Everything short of opening: identity (inspect_file) and quick_check, for commands
    that read a file without opening it as the working database (backup). A refused file is
    left exactly as found."""
    path = Path(path)
    with _leave_refused_file_as_found(path):
        info = inspect_file(path)
        if info.exists and info.tables:
            _raise_if_damaged(path)
    return info


# --- consistent copies (the backup module's building block, used here before an upgrade) ---

SIDECAR_SUFFIX = ".json"
SIDECAR_FORMAT = 1
#: ``progress(stage, done, total)``: stage ``check`` (total 0, not measurable: SQLite's check
#: reports nothing while it runs) or ``copy`` (pages)
Progress = Callable[[str, int, int], None]
DAILY_PREFIX = "daily-"
#: pages SQLite's backup copies per step (4 MB of 4 KB pages): often enough to move a progress
#: bar on a slow office PC, few enough steps not to slow the copy
STEP_PAGES = 1024


def sidecar_path(backup: Path) -> Path:
    """Where the checksum of ``backup`` is kept: ``NAME.db.json`` beside it."""
    backup = Path(backup)
    return backup.with_name(backup.name + SIDECAR_SUFFIX)


def file_digest(path: Path) -> str:
    import hashlib  # OpenSSL's start is ms of every start's import of this module

    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            h.update(block)
    return h.hexdigest()


def audit_head(path: Path) -> tuple[int, str]:
    """(last sequence number, its hash) of the audit chain in the file at ``path``; (0, "")
    when the chain is empty."""
    con = open_untrusted(path)
    try:
        row = con.execute("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    finally:
        con.close()
    return (int(row[0]), str(row[1])) if row else (0, "")


def write_sidecar(backup: Path) -> Path:
    """Write ``backup``'s sidecar: digest, size, schema version and audit chain head."""
    backup = Path(backup)
    seq, head = audit_head(backup)
    data = {"format": SIDECAR_FORMAT, "file": backup.name, "sha256": file_digest(backup),
            "size": backup.stat().st_size, "schema_version": inspect_file(backup).user_version,
            "audit_seq": seq, "audit_hash": head}
    return atomic_write(sidecar_path(backup), json.dumps(data, ensure_ascii=False, indent=1)
                        + "\n", private=True)


def read_sidecar(backup: Path) -> dict[str, Any] | None:
    """The sidecar of ``backup``; None if there is none (a backup made before sidecars).
    A sidecar that cannot be read as one refuses the backup: it is damaged or was edited."""
    side = sidecar_path(backup)
    try:
        raw = side.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DatabaseError(t("db.cannot_read", path=str(side), error=str(exc))) from exc
    try:
        data = json.loads(raw.decode("utf-8"))
        ok = (isinstance(data, dict) and data.get("format") == SIDECAR_FORMAT
              and isinstance(data.get("sha256"), str) and len(data["sha256"]) == 64
              and type(data.get("size")) is int and type(data.get("audit_seq")) is int
              and isinstance(data.get("audit_hash"), str))
    except (UnicodeDecodeError, ValueError, RecursionError):
        ok = False
    if not ok:
        raise DatabaseError(t("integrity.sidecar_bad", path=str(side)))
    return data


def copy_database(source: Path, target: Path, progress: Progress | None = None, *,
                  sidecar: bool = True) -> Path:
    """Write a consistent copy of ``source`` to ``target`` atomically (tmp, fsync, rename),
    readable by the user alone, with its sidecar (see :func:`write_sidecar`).

    The copy is switched to rollback-journal mode so it is one self-contained file. The old
    sidecar goes first: a crash between the two leaves a backup without one (restored with
    a warning), never a sound backup with a sidecar that refuses it.
    """
    target = Path(target)
    try:
        if not target.parent.exists():
            private_folder(target.parent)  # a backups folder made here: the user's alone
        if sidecar:
            remove(sidecar_path(target))
        with atomic_path(target, private=True) as tmp:
            # Read-only: a backup source (say, a file on a USB stick) with a pending WAL must
            # not be checkpointed, i.e. written, by being copied.
            src = sqlite3.connect(readonly_uri(Path(source)), uri=True, timeout=30)
            try:
                dst = sqlite3.connect(str(tmp))
                try:
                    if progress is None:
                        src.backup(dst)
                    else:
                        src.backup(dst, pages=STEP_PAGES, progress=lambda _status, left, total:
                                   progress("copy", total - left, total))
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
        if sidecar:
            write_sidecar(target)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(t("backup.failed", path=str(source), error=str(exc))) from exc
    except FileInUseError:
        raise
    except FileWriteError as exc:
        raise DatabaseError(t("backup.io_error", path=str(target),
                              error=str(exc.__cause__ or exc))) from exc
    return target


def _daily_name(db_path: Path, day: date) -> str:
    return f"{DAILY_PREFIX}{day.strftime('%Y%m%d')}-{Path(db_path).stem}.db"


def has_daily_backup(db_path: Path, backups: Path, today: date) -> bool:
    return (Path(backups) / _daily_name(db_path, today)).is_file()


def _check_on_open(path: Path, size: int, backups: Path | None) -> bool:
    if size <= QUICK_CHECK_ALWAYS_BYTES:
        return True
    if backups is None:
        return False
    return not has_daily_backup(path, backups, date.today())


#: a case whose index entries are meant to exist: not one a bulk load left for later
#: (search_pending, built by search.index_pending), so an import's cases alone are no lost index
_INDEXED = "AND rowid NOT IN (SELECT case_rowid FROM search_pending)"


def ensure_search_index(db: Database) -> int:
    """Fill the search index if the file has cases but no index entries at all, or only the
    character-pair index is empty (a file made before migration 0008).

    Migration 0002 created the index empty, so cases written by version 1 were unsearchable
    after an upgrade; this also repairs a file whose index was lost (a crash between an
    upgrade and the reindex, a bulk load without one). Three indexed probes when all is well.
    """
    from sqlalchemy import text

    from mediator.core import search

    with db.read() as s:
        empty = s.exec(text(  # type: ignore[call-overload]
            f"SELECT EXISTS (SELECT 1 FROM dispute_case WHERE deleted = 0 {_INDEXED}) "
            "AND NOT EXISTS (SELECT 1 FROM case_term)")).scalar_one()
    if empty:
        with db.write() as s:
            return search.reindex_cases(s)
    with db.read() as s:
        # migration 0008 added the character-pair index empty: it is filled from the
        # trigram index's texts (a fifth of the time of rebuilding every index)
        pairs_missing = s.exec(text(  # type: ignore[call-overload]
            f"SELECT EXISTS (SELECT 1 FROM dispute_case WHERE deleted = 0 {_INDEXED}) "
            "AND NOT EXISTS (SELECT 1 FROM case_bigram_data WHERE id NOT IN (1, 10))")).scalar_one()
    if not pairs_missing:
        return 0
    with db.write() as s:
        return search.fill_pairs(s)


def open_database(path: Path, *, create: bool = True, migrate_schema: bool = True,
                  backups: Path | None = None) -> Database:
    """Open (and if needed create or upgrade) the database at ``path``.

    A damaged file is refused before anything is written (see QUICK_CHECK_ALWAYS_BYTES for
    when the full-file check runs). Before an upgrade of a file that already holds data, a
    copy is kept in ``backups`` (default: a ``backups`` folder beside the file).
    """
    return connect_prepared(prepare_database(path, create=create, migrate_schema=migrate_schema,
                                             backups=backups))


@dataclass(frozen=True)
class Prepared:
    """A file :func:`prepare_database` checked (and created or upgraded): ready to connect."""

    path: Path
    #: it held mediator's schema, or was just upgraded: its search index is checked on connect
    has_tables: bool


def connect_prepared(prepared: Prepared) -> Database:
    """The second half of :func:`open_database`: the Database (SQLAlchemy is imported here)
    and the search index's repair when a file has cases but no index."""
    db = Database(prepared.path)
    if prepared.has_tables:
        try:
            ensure_search_index(db)
        except BaseException:
            db.close()
            raise
    return db


def prepare_database(path: Path, *, create: bool = True, migrate_schema: bool = True,
                     backups: Path | None = None) -> Prepared:
    """The first half of :func:`open_database`, on plain sqlite3: identity and damage checks,
    creating a new file, the upgrade (with its copy kept first)."""
    path = Path(path)
    with _leave_refused_file_as_found(path):
        info = inspect_file(path)
        if info.exists and info.tables and _check_on_open(path, path.stat().st_size, backups):
            _raise_if_damaged(path)
        if info.exists and info.user_version < LATEST_VERSION and not migrate_schema:
            raise DatabaseError(t("db.needs_upgrade", path=str(path)))
    if info.exists and not info.tables and not create:
        # A zero-length file or an SQLite file without mediator's schema: only the commands
        # that set up a database (init, demo, the first start) may give it one; the others
        # would report a healthy empty database, or back one up, where the user meant theirs.
        raise DatabaseError(t("integrity.not_a_database", path=str(path)))
    if not info.exists:
        if not create:
            raise DatabaseError(t("db.missing", path=str(path)))
        try:
            if not path.parent.exists():
                private_folder(path.parent)
            # readable by the user alone (POSIX); SQLite gives -wal and -shm the same mode
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o600)
            os.close(fd)
        except FileExistsError:
            pass
        except OSError as exc:  # FileWriteError (from private_folder) is an OSError too
            raise DatabaseError(t("db.cannot_create", path=str(path), error=str(exc))) from exc
    elif os.name == "posix" and path.stat().st_mode & 0o077:
        try:
            os.chmod(path, 0o600)
        except OSError:
            pass  # another user's file opened read-write: SQLite decides
    upgraded = False
    if info.user_version < LATEST_VERSION:
        if not migrate_schema:
            raise DatabaseError(t("db.needs_upgrade", path=str(path)))
        if info.exists and info.tables:
            folder = backups if backups is not None else path.parent / "backups"
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            keep = folder / f"before-upgrade-v{info.user_version}-{stamp}-{path.stem}.db"
            copy_database(path, keep)
            upgraded = True
        try:
            migrate(path)
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(t("db.damaged", path=str(path), error=str(exc))) from exc
    return Prepared(path, bool(info.tables) or upgraded)


def __getattr__(name: str) -> list[Migration]:
    """``MIGRATIONS`` (mediator.core.schema's), read on first use."""
    if name == "MIGRATIONS":
        return migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "APPLICATION_ID",
    "LATEST_VERSION",
    "MIGRATIONS",  # noqa: F822 - module __getattr__, read on first use
    "QUICK_CHECK_ALWAYS_BYTES",
    "Database",
    "FileInfo",
    "Migration",
    "Prepared",
    "audit_head",
    "check_file",
    "connect_prepared",
    "copy_database",
    "ensure_search_index",
    "expected_schema",
    "file_digest",
    "has_daily_backup",
    "inspect_file",
    "integrity_check",
    "migrate",
    "open_database",
    "open_untrusted",
    "prepare_database",
    "quick_check",
    "read_sidecar",
    "schema_problems",
    "sidecar_path",
    "write_sidecar",
]
