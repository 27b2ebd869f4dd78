"""Writing a package: snapshot the rows this office answers for, seal them, keep a copy in the
outbox, and write the file to a USB stick so that it is complete before the user pulls it.

Snapshot. sync.md suggests ``VACUUM INTO`` a temporary file and filtering that. Here the
rows are copied straight into a fresh payload file (ATTACHed) by ``INSERT … SELECT`` inside
ONE read transaction of the live database: in WAL mode a read transaction sees one
consistent snapshot, committed -wal content included, while other processes keep writing. It
gives the same consistency without first copying the whole database (audit trail, search
index, the other offices' rows at a county), and the payload gets exactly the frozen payload
schema. The payload is then fsynced by us, sealed into the outbox (``NAME.tmp``, fsync,
rename), and copied to the target the same way; only then is the stick safe to remove.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from mediator import __version__
from mediator.core import lineage
from mediator.core.db import LATEST_VERSION, Database
from mediator.core.files import (
    LOCK_SUFFIX,
    FileInUseError,
    atomic_write,
    fsync_file,
    in_use,
    safe_filename,
)
from mediator.core.lineage import Point
from mediator.core.validate import office_area_prefix
from mediator.i18n import t
from mediator.sync import payload as pl
from mediator.sync.errors import SyncIOError
from mediator.sync.keys import OfficeKeys, PublicKeys, b64, format_fingerprint, private_dir
from mediator.sync.package import write_package

SUFFIX = ".mdsync"
OUTBOX_KEEP = 10
_OFFICE_SUFFIXES = ("人民调解委员会", "调解委员会", "司法所", "综治中心", "矛调中心", "人民政府")


@dataclass
class ExportResult:
    name: str
    outbox_path: Path
    path: Path                  # where the user asked for it (the outbox copy if nowhere)
    recipient_code: str
    recipient_name: str
    encrypted: bool
    counts: dict[str, int]
    size: int
    seconds: float
    copied: bool = False        # written to a target outside the outbox
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def cases(self) -> int:
        return self.counts.get("dispute_case", 0)


StageCallback = Callable[[str, int, int], None]  # (stage, done, total)


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


def place_name(office_name: str) -> str:
    """青石镇人民调解委员会 -> 青石镇: the office's place, for the file name."""
    name = office_name.strip()
    for suffix in _OFFICE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    name = name.strip(" .")
    return safe_filename(name, max_length=60) if name else "office"


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def package_name(office_code: str, office_name: str, day: date) -> str:
    return f"{office_code}_{place_name(office_name)}_{iso_week(day)}{SUFFIX}"


def snapshot(db_path: Path, target: Path, area: str) -> dict[str, int]:
    """Copy every row owned inside ``area`` (tombstones included) into a new payload file."""
    return take_snapshot(db_path, target, area)[0]


def take_snapshot(db_path: Path, target: Path, area: str,
                  digests: dict[str, str] | None = None) -> tuple[dict[str, int], Point]:
    """:func:`snapshot`, and the point of this database's history it was taken at (lineage,
    audit sequence number, ancestry: core/lineage.py), read in the same transaction."""
    pl.create_empty(target)
    con = sqlite3.connect(str(db_path), timeout=30, isolation_level=None)
    try:
        con.execute("PRAGMA busy_timeout=30000")
        if lineage.read_chain(con) is None:
            # a database that lost its lineage setting gets a root of its own (one write)
            con.execute("BEGIN IMMEDIATE")
            try:
                lineage.ensure(con)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        con.execute("ATTACH DATABASE ? AS out", (str(target),))
        con.execute("PRAGMA out.journal_mode=OFF")
        con.execute("PRAGMA out.synchronous=OFF")
        counts: dict[str, int] = {}
        con.execute("BEGIN")
        try:
            chain = lineage.read_chain(con) or [(lineage.new_id(), None)]
            point = Point(chain[-1][0], lineage.audit_seq(con),
                          tuple((lid, int(seq or 0)) for lid, seq in chain[:-1]))
            for table in pl.TABLES:
                cols = ", ".join(pl.columns()[table])
                # facts this database derived for another office's version-1 package
                # stay here (mediator.sync.merge.merge_facts)
                own = " AND origin IS NOT 'derived'" if table == "case_fact" else ""
                cur = con.execute(
                    f"INSERT INTO out.{table} ({cols}) SELECT {cols} FROM main.{table} "
                    f"WHERE substr(owner_code, 1, ?) = ?{own} ORDER BY rowid",
                    (len(area), area))
                counts[table] = cur.rowcount
            _clean_controls(con)
            if digests is not None:   # of the rows as written, controls cleaned (issue 21)
                for table in pl.TABLES:
                    digests[table] = pl.table_digest(con, table, "out", pl.PAYLOAD_VERSION)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE out")
    finally:
        con.close()
    pl.finish(target)
    fsync_file(target)
    return counts, point


def _clean_controls(con: sqlite3.Connection) -> None:
    """Remove control characters from the payload's text, as input cleaning now does: a row
    stored before it existed (a vertical tab pasted into a note, which no form can edit
    away) would otherwise have the county refuse every package of this office. Only the
    copy is changed, and the same way every time, so the county sees stable content."""
    from mediator.core.rowchecks import clean_text_sql
    from mediator.core.text import strip_controls
    from mediator.sync.merge import text_columns

    con.create_function("mediator_strip_controls", 1,
                        lambda v: strip_controls(v, multi_line=True) if isinstance(v, str) else v,
                        deterministic=True)
    for table in pl.TABLES:
        for col in text_columns(table, pl.PAYLOAD_VERSION):
            con.execute(f"UPDATE out.{table} SET {col} = mediator_strip_controls({col}) "
                        f"WHERE typeof({col}) = 'text' AND NOT {clean_text_sql(col)}")


def _write_atomically(target: Path, write: Callable[[Any], None]) -> None:
    # readable by the user alone (POSIX): a package names every party of every case
    atomic_write(target, write, private=True)


def copy_to(source: Path, target: Path, on_bytes: Callable[[int], None]) -> None:
    def write(fh: Any) -> None:
        with open(source, "rb") as src:
            while block := src.read(1024 * 1024):
                fh.write(block)
                on_bytes(len(block))
    _write_atomically(target, write)


def prune_outbox(outbox: Path, keep: int = OUTBOX_KEEP) -> list[Path]:
    files = sorted(outbox.glob(f"*{SUFFIX}"), key=lambda p: (p.stat().st_mtime, p.name))
    removed = files[:-keep] if len(files) > keep else []
    for old in removed:
        old.unlink(missing_ok=True)
    return removed


def build_header(keys: OfficeKeys, office_name: str, recipient_code: str, recipient_name: str,
                 recipient: PublicKeys | None, counts: dict[str, int], today: date,
                 point: Point | None = None,
                 digests: dict[str, str] | None = None) -> dict[str, Any]:
    """The header fields a package states about itself (the writer adds payload and
    encryption fields). All of it is covered by the signature."""
    code = keys.office_code
    own = keys.public
    return {
        "kind": "mediator-sync",
        "sender": {"code": code, "name": office_name, "sign_key": b64(own.sign_key),
                   "enc_key": b64(own.enc_key), "fingerprint": own.fingerprint},
        "recipient": {"code": recipient_code, "name": recipient_name,
                      "fingerprint": recipient.fingerprint if recipient else None},
        "app_version": __version__,
        "schema_version": pl.PAYLOAD_VERSION,
        "db_schema_version": LATEST_VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "week": iso_week(today),
        "scope": office_area_prefix(code),
        "counts": counts,
        **({} if point is None else {
            "lineage": point.lineage, "lineage_seq": point.seq,
            "ancestry": [[lid, seq] for lid, seq in point.ancestry]}),
        # each table's digest (payload.table_digest): an importer skips a table whose digest
        # is the one it merged from this sender last time (issue 21)
        **({} if not digests else {"digests": digests}),
    }


def export_package(db: Database, *, data_dir: Path, keys: OfficeKeys, office_name: str,
                   recipient_code: str, recipient_name: str, recipient: PublicKeys | None,
                   today: date, output: Path | None = None,
                   progress: StageCallback = _noop, down_to: str | None = None) -> ExportResult:
    """Write this office's package. ``recipient`` None makes a plain (signed, unencrypted) one."""
    started = time.monotonic()
    code = keys.office_code
    name = package_name(code, office_name, today)
    if down_to is not None:   # 下发 (mediator.sync.down): one package per township
        name = name.replace(SUFFIX, f"_下发_{down_to}{SUFFIX}")
    outbox = private_dir(data_dir / "outbox")
    work_root = private_dir(data_dir / "sync" / "tmp")
    work = Path(tempfile.mkdtemp(prefix="export-", dir=work_root))
    held = contextlib.ExitStack()
    try:
        # the snapshot is this office's data in plain: held, so that only a killed export's
        # folder is swept at the next start (sweep_work)
        held.enter_context(in_use(work / LOCK_SUFFIX))
        progress("snapshot", 0, 1)
        payload_file = work / "payload.sqlite"
        digests: dict[str, str] = {}
        if down_to is None:
            counts, point = take_snapshot(db.path, payload_file, office_area_prefix(code),
                                          digests)
        else:
            from mediator.sync import down

            counts, point = down.snapshot(db.path, payload_file, code, down_to), None
        progress("snapshot", 1, 1)
        own = keys.public
        header = build_header(keys, office_name, recipient_code, recipient_name, recipient,
                              counts, today, point, digests)
        if down_to is not None:
            from mediator.sync import down

            header.update(direction=down.DOWN, schema_version=down.DOWN_VERSION)
        payload_size = payload_file.stat().st_size
        done = 0

        def sealed(n: int) -> None:
            nonlocal done
            done += n
            progress("seal", done, payload_size)

        outbox_path = outbox / name
        _write_atomically(outbox_path, lambda fh: write_package(
            fh, header, payload_file, keys.sign, recipient, sealed))
        prune_outbox(outbox)
        size = outbox_path.stat().st_size
        path, copied = outbox_path, False
        if output is not None:
            target = output / name if output.is_dir() else output
            if target.resolve() != outbox_path.resolve():
                copied_bytes = 0

                def on_copy(n: int) -> None:
                    nonlocal copied_bytes
                    copied_bytes += n
                    progress("copy", copied_bytes, size)

                target.parent.mkdir(parents=True, exist_ok=True)
                copy_to(outbox_path, target, on_copy)
                path, copied = target, True
    except FileInUseError:
        raise
    except OSError as exc:
        raise SyncIOError(t("sync.io_error", path=str(getattr(exc, "filename", "") or output
                                                       or data_dir), error=str(exc))) from exc
    finally:
        held.close()
        shutil.rmtree(work, ignore_errors=True)
    return ExportResult(name=name, outbox_path=outbox_path, path=path,
                        recipient_code=recipient_code, recipient_name=recipient_name,
                        encrypted=recipient is not None, counts=counts, size=size,
                        seconds=time.monotonic() - started, copied=copied,
                        extra={"fingerprint": format_fingerprint(own.fingerprint)})
