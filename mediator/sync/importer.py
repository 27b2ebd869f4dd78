"""Importing packages: hostile until proven otherwise (sync.md, "Import").

For each file: copy it into a private quarantine folder while hashing it (nothing is ever
opened on the stick), stop early if that exact file was imported before, parse the header,
verify the signature, require a trusted sender and this office as the recipient, decrypt and
decompress into quarantine, check the SQLite payload, then validate and merge it in one
transaction (mediator.sync.merge). The quarantine folder is removed afterwards whatever
happened: it holds decrypted personal data.

Each file gets a :class:`FileReport`; a refused file leaves the database untouched.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from sqlalchemy import text

from mediator.core.db import Database
from mediator.core.errors import MediatorError
from mediator.core.files import LOCK_SUFFIX, in_use
from mediator.core.models import local_time
from mediator.core.validate import is_within_area, office_area_prefix
from mediator.i18n import t
from mediator.sync import errors as E
from mediator.sync.keys import OfficeKeys, format_fingerprint, private_dir
from mediator.sync.merge import (
    Counts,
    PackageMeta,
    merge_package,
    planned_skip,
    record_unchanged,
)
from mediator.sync.package import (
    MAX_PACKAGE,
    PackageInfo,
    open_payload,
    read_header,
    verify_signature,
)
from mediator.sync.payload import check_payload
from mediator.sync.scratch import sweep_quarantine

IMPORTED, ALREADY, REFUSED = "imported", "already", "refused"


@dataclass
class FileReport:
    file: Path
    status: str
    exit_code: int
    message: str
    sender_code: str = ""
    sender_name: str = ""
    fingerprint: str = ""
    package_hash: str = ""
    week: str = ""
    counts: Counts = field(default_factory=Counts)
    tables: dict[str, Counts] = field(default_factory=dict)
    details: list[str] = field(default_factory=list)
    affected_cases: int = 0
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status != REFUSED

    @property
    def cases_changed(self) -> int:
        """Cases new or updated by this file (their parties and records not counted)."""
        c = self.tables.get("dispute_case")
        return c.new + c.updated if c else 0


class Progress:
    """Progress of an import over many files; the CLI and the TUI subclass it."""

    def start(self, total_units: int, files: int) -> None: ...
    def file(self, index: int, path: Path) -> None: ...
    def stage(self, text: str) -> None: ...
    def advance(self, units: int) -> None: ...
    def done(self, report: FileReport) -> None: ...


def _units(path: Path) -> int:
    try:
        return max(1, path.stat().st_size) * 3   # copy, verify, decrypt
    except OSError:
        return 1


def copy_in(source: Path, target: Path, progress: Progress) -> str:
    """Copy a file from the stick into quarantine, returning its SHA-256."""
    h = hashlib.sha256()
    size = 0
    with open(source, "rb") as src, open(target, "wb") as dst:
        while block := src.read(1024 * 1024):
            size += len(block)
            if size > MAX_PACKAGE:
                raise E.PackageInvalid(t("sync.pkg.too_large", path=source.name))
            h.update(block)
            dst.write(block)
            progress.advance(len(block))
    return h.hexdigest()


def already_imported(db: Database, package_hash: str) -> str | None:
    with db.read() as s:
        row = s.exec(text("SELECT imported_at FROM import_log WHERE package_hash = :h"),  # type: ignore[call-overload]
                     params={"h": package_hash}).first()
    return None if row is None else local_time(str(row[0]), "%Y-%m-%d %H:%M:%S")


def trusted_fingerprint(db: Database, fingerprint: str) -> bool:
    with db.read() as s:
        row = s.exec(text("SELECT 1 FROM trusted_key WHERE fingerprint = :f "  # type: ignore[call-overload]
                          "AND revoked_at IS NULL"), params={"f": fingerprint}).first()
    return row is not None


def import_file(db: Database, source: Path, *, quarantine_root: Path, keys: OfficeKeys,
                operator: str, progress: Progress | None = None,
                today: Callable[[], date] | None = None) -> FileReport:
    progress = progress or Progress()
    started = time.monotonic()
    report = FileReport(file=source, status=REFUSED, exit_code=E.INVALID, message="")
    sweep_quarantine(quarantine_root)
    quarantine = Path(tempfile.mkdtemp(prefix="import-", dir=private_dir(quarantine_root)))
    try:
        with in_use(quarantine / LOCK_SUFFIX):
            _import_held(db, source, quarantine, keys, operator, progress, report, today)
    finally:
        shutil.rmtree(quarantine, ignore_errors=True)
        report.seconds = time.monotonic() - started
    return report


def _import_held(db: Database, source: Path, quarantine: Path, keys: OfficeKeys, operator: str,
                 progress: Progress, report: FileReport,
                 today: Callable[[], date] | None = None) -> None:
    """One file into ``report``: every refusal becomes the report's status and message."""
    try:
        _import(db, source, quarantine, keys, operator, progress, report, today)
    except E.SyncError as exc:
        report.status, report.exit_code, report.message = REFUSED, exc.exit_code, exc.message
        report.details = list(exc.details)
        if isinstance(exc, E.PackageUntrusted):
            report.fingerprint = exc.fingerprint
    except MediatorError as exc:   # anything else a file can make a validator say
        report.status, report.exit_code, report.message = REFUSED, E.INVALID, exc.message
    except OSError as exc:
        report.status, report.exit_code = REFUSED, E.IO_ERROR
        report.message = t("sync.io_error", path=str(getattr(exc, "filename", None) or source),
                           error=exc.strerror or str(exc))
    except Exception as exc:  # noqa: BLE001 - one file must never stop the others
        # nothing a file holds should get here (the header and payload checks refuse it with
        # their own codes); if something does, it is this file's refusal, logged with its
        # traceback, and the next file on the stick is still imported
        from mediator.core import logs

        logs.log.error("import of one file failed unexpectedly", exc_info=exc)
        report.status, report.exit_code = REFUSED, E.INVALID
        report.message = t("hostile.import_failed", path=source.name,
                           error=type(exc).__name__)


def _sender_below(sender: str, own: str) -> bool:
    """True when ``sender`` is an office inside this office's area (a township of this
    county, a county of this city), not this office itself."""
    try:
        return (office_area_prefix(sender) != office_area_prefix(own)
                and is_within_area(sender, own))
    except MediatorError:
        return False


def _import(db: Database, source: Path, quarantine: Path, keys: OfficeKeys, operator: str,
            progress: Progress, report: FileReport,
            today: Callable[[], date] | None = None) -> None:
    if not source.is_file():
        raise E.SyncIOError(t("sync.no_such_file", path=str(source)))
    size = source.stat().st_size
    if size == 0:
        raise E.PackageInvalid(t("sync.pkg.empty", path=source.name))
    if size > MAX_PACKAGE:
        raise E.PackageInvalid(t("sync.pkg.too_large", path=source.name))
    progress.stage(t("sync.stage.copy"))
    # the copy keeps the file's own name, which is what the messages show
    copy = quarantine / "in" / source.name
    copy.parent.mkdir()
    package_hash = copy_in(source, copy, progress)
    report.package_hash = package_hash
    when = already_imported(db, package_hash)
    if when is not None:
        progress.advance(2 * size)
        report.status, report.exit_code = ALREADY, E.OK
        report.message = t("sync.already", when=when)
        return
    info = read_header(copy)
    # only the fingerprint (computed from the keys in the header) before the checks: the
    # sender's code, name and week are said once the signature and the trust are verified
    report.fingerprint = info.sender_fingerprint
    progress.stage(t("sync.stage.verify"))
    verify_signature(info, progress.advance)
    if not trusted_fingerprint(db, info.sender_fingerprint):
        raise E.PackageUntrusted(t("sync.pkg.untrusted", name=info.sender.office_name,
                                   code=info.sender.office_code,
                                   fingerprint=format_fingerprint(info.sender_fingerprint)),
                                 info.sender_fingerprint)
    if info.recipient_code != keys.office_code:
        raise E.PackageInvalid(t("sync.pkg.other_recipient", code=info.recipient_code,
                                 own=keys.office_code))
    if info.header.get("direction") == "down":
        _import_down(db, info, quarantine, keys, operator, progress, report, copy, today)
        return
    if not _sender_below(info.sender.office_code, keys.office_code):
        # sync goes upward only: a trusted office above (the city) or beside this one must
        # not overwrite the rows this office holds from its own townships
        raise E.PackageInvalid(t("sync.pkg.not_below", name=info.sender.office_name,
                                 code=info.sender.office_code, own=keys.office_code))
    if info.encrypted and info.recipient_fingerprint != keys.fingerprint:
        raise E.PackageInvalid(t("sync.pkg.other_key",
                                 fingerprint=format_fingerprint(info.recipient_fingerprint or "")))
    report.sender_code, report.sender_name = info.sender.office_code, info.sender.office_name
    report.week = info.week
    from mediator.sync.payload import PAYLOAD_VERSION

    if info.schema_version > PAYLOAD_VERSION:
        raise E.PackageUnsupported(t("sync.pkg.newer_schema", version=info.schema_version,
                                     supported=PAYLOAD_VERSION))
    if info.digests:
        # every table as merged from this sender last time (signed digests): logged as
        # imported, all unchanged, without decrypting the payload (issue 21)
        same = record_unchanged(db, _meta(info, package_hash, source), info.counts,
                                operator=operator, version=info.schema_version)
        if same is not None:
            progress.advance(size)
            report.counts, report.tables = same.total, same.tables
            report.status, report.exit_code = IMPORTED, E.OK
            report.message = t("sync.imported")
            return
    progress.stage(t("sync.stage.decrypt"))
    payload = quarantine / "payload.sqlite"
    enc: X25519PrivateKey | None = keys.enc if info.encrypted else None
    open_payload(info, payload, enc, progress.advance)
    copy.unlink()  # the sealed copy is no longer needed; free the space before merging
    progress.stage(t("sync.stage.check"))
    meta = _meta(info, package_hash, source)
    skip = planned_skip(db, meta, info.schema_version)
    version = check_payload(payload, info.counts, skip)
    if version != info.schema_version:
        raise E.PackageInvalid(t("sync.pkg.bad_payload", why=t("sync.why.schema")))

    def merge_stage(table: str) -> None:
        progress.stage(t("sync.stage.merge", table=t(f"sync.table.{table}")))

    try:
        result = merge_package(db, payload, meta, own_code=keys.office_code, operator=operator,
                               version=version, progress=merge_stage, checked_skip=skip)
    except (E.PackageInvalid, E.PackageDamaged) as exc:
        report.counts.rejected = len(exc.details)
        raise
    report.counts, report.tables = result.total, result.tables
    report.affected_cases = result.affected_cases
    report.status = IMPORTED
    if result.total.conflicts:
        report.exit_code = E.CONFLICTS
        report.message = t("sync.imported_conflicts", n=result.total.conflicts)
    else:
        report.exit_code = E.OK
        report.message = t("sync.imported")


def _meta(info: PackageInfo, package_hash: str, source: Path) -> PackageMeta:
    return PackageMeta(
        package_hash=package_hash, file_name=source.name, sender_code=info.sender.office_code,
        sender_name=info.sender.office_name, sender_fingerprint=info.sender_fingerprint,
        created_at=info.created_at, week=info.week, format_version=info.format_version,
        schema_version=info.schema_version, point=info.lineage, digests=info.digests)


def _import_down(db: Database, info: PackageInfo, quarantine: Path, keys: OfficeKeys,
                 operator: str, progress: Progress, report: FileReport, copy: Path,
                 today: Callable[[], date] | None) -> None:
    """A downward package (mediator.sync.down): only from the office directly above."""
    from mediator.core.models import ImportLog
    from mediator.core.services import Services
    from mediator.sync import down

    if not down.directly_above(info.sender.office_code, keys.office_code):
        raise E.PackageInvalid(t("down.not_above", name=info.sender.office_name,
                                 code=info.sender.office_code, own=keys.office_code))
    if info.encrypted and info.recipient_fingerprint != keys.fingerprint:
        raise E.PackageInvalid(t("sync.pkg.other_key",
                                 fingerprint=format_fingerprint(info.recipient_fingerprint or "")))
    report.sender_code, report.sender_name = info.sender.office_code, info.sender.office_name
    report.week = info.week
    if info.schema_version > down.DOWN_VERSION:
        raise E.PackageUnsupported(t("sync.pkg.newer_schema", version=info.schema_version,
                                     supported=down.DOWN_VERSION))
    progress.stage(t("sync.stage.decrypt"))
    payload = quarantine / "payload.sqlite"
    open_payload(info, payload, keys.enc if info.encrypted else None, progress.advance)
    copy.unlink()
    progress.stage(t("sync.stage.check"))
    down.check_payload(payload, info.counts)
    services = Services(db, operator=operator, **({} if today is None else {"today": today}))

    def log(s, result: down.DownResult) -> None:  # type: ignore[no-untyped-def]
        s.add(ImportLog(
            package_hash=report.package_hash, file_name=info.path.name,
            sender_code=info.sender.office_code, sender_name=info.sender.office_name,
            sender_fingerprint=info.sender_fingerprint, package_created_at=info.created_at,
            week=info.week, imported_by=operator, format_version=info.format_version,
            schema_version=info.schema_version, new_rows=result.new,
            updated_rows=result.updated, unchanged_rows=result.unchanged,
            older_rows=result.older, conflict_rows=result.conflicts,
            details=json.dumps({"direction": "down"})))

    result = down.merge(services, db, payload, sender=info.sender.office_code,
                        own=keys.office_code, package_hash=report.package_hash, log=log)
    report.counts = Counts(new=result.new, updated=result.updated, unchanged=result.unchanged,
                           older=result.older, conflicts=result.conflicts)
    report.affected_cases = result.cases_registered
    report.status, report.exit_code = IMPORTED, E.OK
    report.message = t("down.imported", new=result.new, updated=result.updated,
                       cases=result.cases_registered)
    if result.conflicts:
        report.exit_code = E.CONFLICTS
        report.message = t("sync.imported_conflicts", n=result.conflicts)


def import_files(db: Database, files: Sequence[Path], *, quarantine_root: Path,
                 keys: OfficeKeys, operator: str,
                 progress: Progress | None = None,
                 today: Callable[[], date] | None = None) -> list[FileReport]:
    progress = progress or Progress()
    progress.start(sum(_units(Path(f)) for f in files), len(files))
    reports = []
    for i, f in enumerate(files):
        path = Path(f)
        progress.file(i, path)
        report = import_file(db, path, quarantine_root=quarantine_root, keys=keys,
                             operator=operator, progress=progress, today=today)
        reports.append(report)
        progress.done(report)
    return reports


def exit_code(reports: Sequence[FileReport]) -> int:
    """The first refusal's code; else 6 if any file brought conflicts; else 0."""
    for r in reports:
        if r.status == REFUSED:
            return r.exit_code
    return E.CONFLICTS if any(r.exit_code == E.CONFLICTS for r in reports) else E.OK


def details_json(report: FileReport) -> str:
    return json.dumps({k: v.as_dict() for k, v in report.tables.items()}, sort_keys=True)


__all__ = [
    "ALREADY",
    "IMPORTED",
    "REFUSED",
    "FileReport",
    "Progress",
    "exit_code",
    "import_file",
    "import_files",
]
