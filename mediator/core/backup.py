"""Backups through SQLite's online backup API (consistent even while another process writes).

On the first open of each day a copy goes to the backups folder; the newest 14 are kept.
``restore`` checks a file thoroughly before it replaces anything, and keeps the replaced
database aside, so a restore can itself be undone.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path

from mediator.core.errors import DatabaseError
from mediator.core.files import FileInUseError, FileWriteError, atomic_path, replace
from mediator.i18n import t

KEEP_DAILY = 14
DAILY_PREFIX = "daily-"


def copy_database(source: Path, target: Path) -> Path:
    """Write a consistent copy of ``source`` to ``target`` atomically (tmp, fsync, rename).

    The copy is switched to rollback-journal mode so it is one self-contained file.
    """
    target = Path(target)
    try:
        with atomic_path(target) as tmp:
            # Read-only: a backup source (say, a file on a USB stick) with a pending WAL must
            # not be checkpointed, i.e. written, by being copied.
            from mediator.core.db import readonly_uri

            src = sqlite3.connect(readonly_uri(Path(source)), uri=True, timeout=30)
            try:
                dst = sqlite3.connect(str(tmp))
                try:
                    src.backup(dst)
                    dst.execute("PRAGMA journal_mode=DELETE")
                finally:
                    dst.close()
            finally:
                src.close()
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


def daily_backup(db_path: Path, backups: Path, today: date | None = None,
                 keep: int = KEEP_DAILY) -> Path | None:
    """Make today's backup of ``db_path`` if none exists yet; keep that database's newest
    ``keep``. Returns the new file.

    Daily backups are per database (named after its file): the demo database sharing the
    backups folder must neither stand in for the real one's backup nor rotate it out.
    """
    from mediator.core.db import quick_check

    today = today or date.today()
    backups.mkdir(parents=True, exist_ok=True)
    if has_daily_backup(db_path, backups, today):
        return None
    if not db_path.exists() or db_path.stat().st_size == 0:
        return None
    problems = quick_check(db_path)
    if problems:
        # Never rotate good backups out for a copy of a damaged file.
        raise DatabaseError(t("db.damaged", path=str(db_path), error="; ".join(problems[:3])))
    target = backups / _daily_name(db_path, today)
    copy_database(db_path, target)
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
    return removed


def backup_now(db_path: Path, target: Path | None, backups: Path) -> Path:
    if target is None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = backups / f"manual-{stamp}-{db_path.stem}.db"
    from mediator.core.db import check_file

    # A copy of a damaged file would pass for a good backup until the day it is needed.
    check_file(db_path)
    return copy_database(db_path, Path(target))


def _keep_aside(db_path: Path, kept: Path, healthy: bool) -> Path:
    """Save the database about to be replaced: a consistent SQLite copy of a sound file; the
    raw bytes (with its WAL) of a damaged one, exactly as found, since restoring over a
    damaged file is when a restore is most needed and SQLite may not be able to read it."""
    if healthy:
        return copy_database(db_path, kept)
    kept.parent.mkdir(parents=True, exist_ok=True)
    try:
        for suffix in ("", "-wal"):
            side = db_path.with_name(db_path.name + suffix)
            if side.is_file():
                shutil.copyfile(side, kept.with_name(kept.name + suffix))
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
    content). False if SQLite cannot do it (different page size), so the caller swaps files."""
    try:
        src = sqlite3.connect(str(staged))
        try:
            dst = sqlite3.connect(str(db_path), timeout=30)
            try:
                src.backup(dst)
            finally:
                dst.close()
        finally:
            src.close()
    except sqlite3.DatabaseError:
        return False
    return True


def restore(db_path: Path, source: Path, backups: Path) -> Path | None:
    """Replace ``db_path`` by the backup ``source`` after checking it; return where the old
    database was kept (None if there was none).

    Nothing is changed unless ``source`` is a sound mediator database this version can read.
    """
    from mediator.core.db import (
        LATEST_VERSION, _leave_refused_file_as_found, inspect_file, integrity_check, migrate,
    )

    db_path, source = Path(db_path), Path(source)
    if not source.is_file():
        raise DatabaseError(t("backup.no_such_file", path=str(source)))
    with _leave_refused_file_as_found(source):
        info = inspect_file(source)
        if not info.exists or info.tables == 0:
            raise DatabaseError(t("backup.empty", path=str(source)))
        problems = integrity_check(source)
        if problems:
            raise DatabaseError(t("db.damaged", path=str(source),
                                  error="; ".join(problems[:3])))
    # Stage the copy beside the target, upgrade it there, and only then put it in place.
    staged = db_path.with_name(db_path.name + ".restore")
    try:
        copy_database(source, staged)
        if info.user_version < LATEST_VERSION:
            migrate(staged)
        kept: Path | None = None
        healthy = db_path.exists() and _healthy(db_path)
        if db_path.exists():
            stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
            kept = backups / f"replaced-{stamp}-{db_path.stem}.db"
            n = 1
            while kept.exists():  # two restores within a second must not overwrite the first
                n += 1
                kept = backups / f"replaced-{stamp}-{n}-{db_path.stem}.db"
            kept = _keep_aside(db_path, kept, healthy)
        if healthy and _write_into(staged, db_path):
            staged.unlink()
            return kept
        # A damaged or foreign file (no one can be using it through SQLite): swap the files.
        try:
            for suffix in ("-wal", "-shm"):
                db_path.with_name(db_path.name + suffix).unlink(missing_ok=True)
            db_path.parent.mkdir(parents=True, exist_ok=True)
            replace(staged, db_path)
        except (OSError, FileWriteError) as exc:
            raise DatabaseError(t("storage.restore_replace_failed", path=str(db_path),
                                  error=str(exc))) from exc
        return kept
    finally:
        staged.unlink(missing_ok=True)
