"""Backups through SQLite's online backup API (consistent even while another process writes).

On the first open of each day a copy goes to the backups folder; the newest 14 are kept.
Every copy gets a sidecar (``NAME.db.json``): the SHA-256 of the file, its schema version and
the head of its audit chain (last sequence number and hash).

``restore`` treats the file as hostile, as sync import treats a payload: the sidecar's digest
(a changed byte refuses; a backup from before sidecars existed is restored with a warning),
exactly the schema its version's migrations make (a planted trigger, view, table or index
refuses), SQLite's integrity and foreign-key checks, the same value checks as package rows,
an intact audit chain ending where the sidecar says. Only then is a private staged copy
upgraded and put in place, and the replaced database kept aside, so a restore can itself be
undone. A refused backup leaves the current database exactly as it was.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

# A consistent copy with its sidecar is the building block of every backup; it lives in db
# (which makes one before an upgrade), and is named here too for the callers of backup.
from mediator.core.db import (
    DAILY_PREFIX,
    Progress,
    _daily_name,
    audit_head,
    copy_database,
    file_digest,
    has_daily_backup,
    read_sidecar,
    sidecar_path,
    write_sidecar,
)
from mediator.core.errors import DatabaseError
from mediator.core.files import (
    LOCK_SUFFIX,
    FileWriteError,
    in_use,
    private_folder,
    replace,
    restrict,
    sweep_abandoned,
)
from mediator.core.text import plain
from mediator.i18n import t

if TYPE_CHECKING:
    from mediator.core.db import FileInfo

KEEP_DAILY = 14

#: ``warn(message)``: what a restore says without refusing (a backup without a sidecar)
Warn = Callable[[str], None]

#: a staged restore beside the database: ``mediator.db.restore``
STAGED_SUFFIX = ".restore"


def daily_backup(db_path: Path, backups: Path, today: date | None = None,
                 keep: int = KEEP_DAILY, progress: Progress | None = None) -> Path | None:
    """Make today's backup of ``db_path`` if none exists yet; keep that database's newest
    ``keep``. Returns the new file.

    Daily backups are per database (named after its file): the demo database sharing the
    backups folder must neither stand in for the real one's backup nor rotate it out.
    """
    from mediator.core.db import quick_check

    today = today or date.today()
    private_folder(backups)
    if has_daily_backup(db_path, backups, today):
        return None
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    if progress is not None:
        progress("check", 0, 0)
    problems = quick_check(db_path)
    if problems:
        # Never rotate good backups out for a copy of a damaged file.
        raise DatabaseError(t("db.damaged", path=str(db_path), error="; ".join(problems[:3])))
    target = backups / _daily_name(db_path, today)
    copy_database(db_path, target, progress)
    prune(backups, keep, stem=db_path.stem)
    return target


def prune(backups: Path, keep: int = KEEP_DAILY, stem: str | None = None) -> list[Path]:
    """Delete all but the newest ``keep`` daily backups (of one database if ``stem`` given)."""
    pattern = f"{DAILY_PREFIX}*-{stem}.db" if stem else f"{DAILY_PREFIX}*.db"
    daily = sorted(p for p in backups.glob(pattern)
                   if stem is None or p.name[len(DAILY_PREFIX) + 9:] == f"{stem}.db")
    removed = daily[:-keep] if len(daily) > keep else []
    for old in removed:
        old.unlink(missing_ok=True)
        sidecar_path(old).unlink(missing_ok=True)
    return removed


def backup_now(db_path: Path, target: Path | None, backups: Path) -> Path:
    if target is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = private_folder(backups) / f"manual-{stamp}-{db_path.stem}.db"
    from mediator.core.db import check_file

    # A copy of a damaged file would pass for a good backup until the day it is needed.
    info = check_file(db_path)
    if not info.exists:
        raise DatabaseError(t("db.missing", path=str(db_path)))
    if not info.tables:
        # a zero-length file or an SQLite file without mediator's schema: "backed up"
        # it would stand in for the real database's backup
        raise DatabaseError(t("integrity.not_a_database", path=str(db_path)))
    return copy_database(db_path, Path(target))


def _keep_aside(db_path: Path, kept: Path, healthy: bool) -> Path:
    """Save the database about to be replaced: a consistent SQLite copy of a sound file; the
    raw bytes (with its WAL) of a damaged one, exactly as found, since restoring over a
    damaged file is when a restore is most needed and SQLite may not be able to read it."""
    if healthy:
        return copy_database(db_path, kept)
    private_folder(kept.parent)
    try:
        for suffix in ("", "-wal"):
            side = db_path.with_name(db_path.name + suffix)
            if side.is_file():
                copy = kept.with_name(kept.name + suffix)
                shutil.copyfile(side, copy)
                restrict(copy, 0o600)
    except OSError as exc:
        raise DatabaseError(t("backup.io_error", path=str(kept), error=str(exc))) from exc
    return kept


def _healthy(db_path: Path) -> bool:
    from mediator.core.db import inspect_file, quick_check

    try:
        info = inspect_file(db_path)
    except DatabaseError:
        return False
    return info.exists and info.tables > 0 and not quick_check(db_path)


def _write_into(staged: Path, db_path: Path) -> bool:
    """Copy ``staged`` into the live file through SQLite's backup API (safe while another
    mediator window has it open: it takes the write lock and other connections see the new
    content). False if SQLite cannot do it (different page size), so the caller swaps files.

    The staged copy is opened read-only: were it gone, SQLite must fail rather than create an
    empty file and copy that over the database."""
    from mediator.core.db import readonly_uri

    try:
        src = sqlite3.connect(readonly_uri(staged), uri=True)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(t("storage.restore_replace_failed", path=str(db_path),
                              error=str(exc))) from exc
    try:
        try:
            src.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.DatabaseError as exc:
            raise DatabaseError(t("storage.restore_replace_failed", path=str(db_path),
                                  error=str(exc))) from exc
        try:
            dst = sqlite3.connect(str(db_path), timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        except sqlite3.DatabaseError:
            return False
    finally:
        src.close()
    return True


#: at most this many problems are named in a refusal
SHOWN = 3


def value_problems(path: Path) -> list[str]:
    """Rows whose values the sync import would refuse from a package (types, enums, dates,
    ID and phone numbers, lengths): the same checks, run over the backup's own tables."""
    from mediator.core.db import open_untrusted
    from mediator.core.rowchecks import TABLES, register_functions, row_checks

    problems: list[str] = []
    con = open_untrusted(path)
    try:
        register_functions(con)
        for table in TABLES:
            # the backup's own columns, less the one a package never carries (where a row
            # came from is this database's own knowledge)
            cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "origin"]
            if not cols:  # a table added by a later version (case_fact): nothing to check
                continue
            checks = row_checks(table, cols)
            bad = " OR ".join(f"coalesce(({pred}), 0) = 0" for _col, pred in checks)
            rows = con.execute(f"SELECT p.rowid FROM {table} p WHERE {bad} "
                               f"LIMIT {SHOWN}").fetchall()
            for (rowid,) in rows:
                for col, pred in checks:
                    hit = con.execute(f"SELECT p.id FROM {table} p WHERE p.rowid = ? AND "
                                      f"coalesce(({pred}), 0) = 0", (rowid,)).fetchone()
                    if hit is not None:
                        problems.append(t("integrity.bad_value", table=table, column=col,
                                          id=plain(hit[0], limit=40)))
                        break
            if len(problems) >= SHOWN:
                break
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        problems.append(str(exc))
    finally:
        con.close()
    return problems


def _audit_problem(path: Path, version: int, side: dict[str, Any] | None) -> str | None:
    """The backup's audit chain must be intact, and end where its sidecar says."""
    from mediator.core import audit
    from mediator.core.db import open_untrusted

    try:
        con = open_untrusted(path)
        try:
            if version >= audit.DIGEST_SCHEMA:
                # the rows against their digests too: a row edited in the file is refused
                result = audit.verify_connection(con)
            else:
                rows = con.execute(audit.chain_sql(with_digest=False))
                result = audit.verify_rows(tuple(r) for r in rows)
        finally:
            con.close()
        seq, head = audit_head(path)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        return str(exc)
    if not result.ok:
        return " ".join(audit.describe(result))
    if side is not None and (side["audit_seq"], side["audit_hash"]) != (seq, head):
        return t("integrity.audit_head", seq=side["audit_seq"], found=seq)
    return None


def check_backup(source: Path, progress: Progress | None = None,
                 warn: Warn | None = None) -> FileInfo:
    """Everything :func:`restore` demands of a backup before it changes anything; raises
    DatabaseError naming the first failed check. The file is only read."""
    from mediator.core.db import (
        _leave_refused_file_as_found,
        inspect_file,
        integrity_check,
        schema_problems,
    )

    source = Path(source)
    if not source.is_file():
        raise DatabaseError(t("backup.no_such_file", path=str(source)))
    with _leave_refused_file_as_found(source):
        # the checksum first (a file that is SQLite at all): a changed byte anywhere, even
        # in the schema pages that opening the file reads, is then said as what it is
        side = read_sidecar(source)
        with source.open("rb") as fh:
            sqlite_magic = fh.read(16) == b"SQLite format 3\x00"
        if side is not None and sqlite_magic and (
                side["size"] != source.stat().st_size or side["sha256"] != file_digest(source)):
            raise DatabaseError(t("integrity.checksum", path=str(source)))
        info = inspect_file(source)
        if not info.exists or info.tables == 0:
            raise DatabaseError(t("backup.empty", path=str(source)))
        if progress is not None:
            progress("check", 0, 0)
        if side is None:
            if warn is not None:
                warn(t("integrity.no_sidecar", path=str(source)))
        elif (side["size"] != source.stat().st_size or side["sha256"] != file_digest(source)):
            raise DatabaseError(t("integrity.checksum", path=str(source)))
        problems = schema_problems(source, info.user_version)
        if problems:
            raise DatabaseError(t("integrity.schema", path=str(source),
                                  problems="; ".join(problems[:SHOWN])))
        problems = integrity_check(source)
        if problems:
            raise DatabaseError(t("db.damaged", path=str(source),
                                  error="; ".join(problems[:SHOWN])))
        problems = value_problems(source)
        if problems:
            raise DatabaseError(t("integrity.values", path=str(source),
                                  problems="; ".join(problems[:SHOWN])))
        problem = _audit_problem(source, info.user_version, side)
        if problem:
            raise DatabaseError(t("integrity.audit", path=str(source), problem=problem))
    return info


def staged_path(db_path: Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + STAGED_SUFFIX)


def sweep_staged(db_path: Path) -> bool:
    """Remove the staged copy (and its partial copies) a killed restore left beside
    ``db_path``: a full copy of the data, at any age, unless a restore is running now."""
    staged = staged_path(db_path)
    lock = staged.with_name(staged.name + LOCK_SUFFIX)

    def left() -> list[Path]:
        return [p for p in (staged, lock) if p.exists()] + list(
            staged.parent.glob(f".{staged.stem}.*.partial{staged.suffix}"))

    def gone() -> None:
        for leftover in left():
            if leftover != lock:
                leftover.unlink(missing_ok=True)

    try:
        if not staged.parent.is_dir() or not left():
            return False
        return sweep_abandoned(lock, gone)
    except OSError:
        return False


def restore(db_path: Path, source: Path, backups: Path,
            progress: Progress | None = None, warn: Warn | None = None) -> Path | None:
    """Replace ``db_path`` by the backup ``source`` after checking it (:func:`check_backup`);
    return where the old database was kept (None if there was none). ``warn`` hears what is
    said without refusing.

    Nothing is changed unless ``source`` is a sound mediator database this version can read.
    """
    from mediator.core.db import LATEST_VERSION, migrate

    db_path, source = Path(db_path), Path(source)
    info = check_backup(source, progress, warn)
    # Stage the copy beside the target, upgrade it there, and only then put it in place.
    staged = staged_path(db_path)
    try:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(t("backup.io_error", path=str(db_path), error=str(exc))) from exc
    with in_use(staged.with_name(staged.name + LOCK_SUFFIX)):
        try:
            return _put_in_place(db_path, source, staged, backups, info.user_version,
                                 LATEST_VERSION, migrate, progress)
        finally:
            staged.unlink(missing_ok=True)


def _put_in_place(db_path: Path, source: Path, staged: Path, backups: Path, version: int,
                  latest: int, migrate: Callable[[Path], int],
                  progress: Progress | None) -> Path | None:
    copy_database(source, staged, progress, sidecar=False)
    if version < latest:
        migrate(staged)
    # the restored data starts a new lineage forked from the backup's: a county can then tell
    # what the old database wrote after this backup from what this one writes next
    from mediator.core.lineage import fork_file

    try:
        fork_file(str(staged))
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(t("backup.io_error", path=str(staged), error=str(exc))) from exc
    kept: Path | None = None
    healthy = db_path.exists() and _healthy(db_path)
    if db_path.exists():
        private_folder(backups)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        kept = backups / f"replaced-{stamp}-{db_path.stem}.db"
        n = 1
        while kept.exists():  # two restores within a second must not overwrite the first
            n += 1
            kept = backups / f"replaced-{stamp}-{n}-{db_path.stem}.db"
        kept = _keep_aside(db_path, kept, healthy)
    if healthy and _write_into(staged, db_path):
        restrict(db_path, 0o600)
        return kept
    # A damaged or foreign file (no one can be using it through SQLite): swap the files.
    try:
        for suffix in ("-wal", "-shm"):
            db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
        replace(staged, db_path)
    except (OSError, FileWriteError) as exc:
        raise DatabaseError(t("storage.restore_replace_failed", path=str(db_path),
                              error=str(exc))) from exc
    restrict(db_path, 0o600)
    return kept


__all__ = [
    "DAILY_PREFIX", "KEEP_DAILY", "Progress", "Warn", "backup_now", "check_backup",
    "copy_database", "daily_backup", "file_digest", "has_daily_backup", "prune", "restore",
    "sidecar_path", "staged_path", "sweep_staged", "value_problems", "write_sidecar",
]
