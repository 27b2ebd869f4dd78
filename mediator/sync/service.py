"""The sync use cases, for the CLI and the TUI alike: keys and trust, export, import, the
import log and conflicts. Bound to one database (through ``Services``) and one set of paths.
"""

from __future__ import annotations

import os
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlmodel import select

from mediator.core import audit
from mediator.core.errors import DomainError, NotFoundError, ValidationError
from mediator.core.files import FileInUseError
from mediator.core.models import ImportLog, Office, SyncConflict, TrustedKey, utcnow
from mediator.core.validate import is_within_area, normalise, parse_office_code
from mediator.i18n import t
from mediator.sync import export as ex
from mediator.sync import importer
from mediator.sync.errors import PackageInvalid, SyncIOError, SyncSetupError
from mediator.sync.keys import (
    OfficeKeys,
    PublicKeys,
    b64,
    clean_fingerprint,
    ensure_keys,
    format_fingerprint,
    public_file_bytes,
    unb64,
)
from mediator.sync.package import MAGIC, read_header, verify_signature


@dataclass(frozen=True)
class SentPackage:
    name: str
    package_hash: str
    received_at: str | None     # the county's import time (UTC, as stored); None: no 回执 yet


@dataclass(frozen=True)
class TrustResult:
    key: PublicKeys
    added: bool              # False: it was trusted already
    others: tuple[str, ...]  # other active fingerprints of the same office


class SyncService:
    def __init__(self, services, paths):  # type: ignore[no-untyped-def]
        self.services = services
        self.db = services.db
        self.paths = paths

    @property
    def operator(self) -> str:
        return self.services.operator

    # --- this office --------------------------------------------------------------------

    def office(self) -> Office:
        office = self.services.office()
        if office is None:
            raise DomainError(t("svc.no_office"))
        return office

    def keys(self) -> OfficeKeys:
        """This office's keys; made now if the database was set up before sync existed."""
        return ensure_keys(self.paths, self.office())

    def public_key_bytes(self) -> bytes:
        office = self.office()
        return public_file_bytes(self.keys(), office.name)

    def default_public_name(self) -> str:
        office = self.office()
        return f"{office.code}_{ex.place_name(office.name)}.pub"

    def write_public_key(self, output: Path | None) -> Path:
        data = self.public_key_bytes()
        target = output or Path.cwd() / self.default_public_name()
        if target.is_dir():
            target = target / self.default_public_name()
        try:
            ex._write_atomically(target, lambda fh: fh.write(data))
        except FileInUseError:
            raise
        except OSError as exc:
            raise SyncIOError(t("sync.io_error", path=str(target), error=str(exc))) from exc
        return target

    # --- trust --------------------------------------------------------------------------

    def read_key_source(self, path: Path) -> PublicKeys:
        """Public keys from a ``.pub`` file, or the sender keys of a ``.mdsync`` package
        (after checking the package's signature with them)."""
        try:
            with open(path, "rb") as fh:
                start = fh.read(len(MAGIC))
        except OSError as exc:
            raise SyncIOError(t("sync.io_error", path=str(path), error=str(exc))) from exc
        if start == MAGIC:
            info = read_header(path)
            verify_signature(info)
            return info.sender
        from mediator.sync.keys import read_public_file

        return read_public_file(path)

    def trust(self, path: Path, expected: str | None = None) -> TrustResult:
        pub = self.read_key_source(path)
        return self.trust_key(pub, expected)

    def trust_key(self, pub: PublicKeys, expected: str | None = None) -> TrustResult:
        fp = pub.fingerprint
        if expected is not None and clean_fingerprint(expected) != fp:
            raise PackageInvalid(t("sync.keys.fingerprint_mismatch",
                                   expected=format_fingerprint(clean_fingerprint(expected)),
                                   actual=format_fingerprint(fp)))
        own = self.keys()
        if fp == own.fingerprint or pub.office_code == own.office_code:
            raise DomainError(t("sync.keys.own_key"))
        with self.db.write() as s:
            row = s.get(TrustedKey, fp)
            others = tuple(r.fingerprint for r in s.exec(select(TrustedKey).where(
                TrustedKey.office_code == pub.office_code, TrustedKey.fingerprint != fp,
                TrustedKey.revoked_at == None)).all())
            if row is not None and row.revoked_at is None:
                return TrustResult(pub, False, others)
            before = None if row is None else row.model_dump(mode="json")
            if row is None:
                row = TrustedKey(fingerprint=fp, office_code=pub.office_code,
                                 office_name=pub.office_name, sign_key=b64(pub.sign_key),
                                 enc_key=b64(pub.enc_key), added_by=self.operator)
            else:
                row.revoked_at, row.added_at, row.added_by = None, utcnow(), self.operator
            s.add(row)
            audit.append(s, self.operator, "key.trust", "trusted_key", fp, before,
                         {"office_code": pub.office_code, "office_name": pub.office_name,
                          "fingerprint": fp})
            return TrustResult(pub, True, others)

    def trusted(self, include_revoked: bool = False) -> list[TrustedKey]:
        with self.db.read() as s:
            q = select(TrustedKey)
            if not include_revoked:
                q = q.where(TrustedKey.revoked_at == None)
            return list(s.exec(q.order_by(TrustedKey.office_code, TrustedKey.added_at)).all())

    def revoke(self, fingerprint: str) -> TrustedKey:
        fp = clean_fingerprint(fingerprint)
        with self.db.write() as s:
            row = s.get(TrustedKey, fp)
            if row is None or row.revoked_at is not None:
                raise NotFoundError(t("sync.keys.not_trusted", fingerprint=format_fingerprint(fp)))
            row.revoked_at = utcnow()
            s.add(row)
            audit.append(s, self.operator, "key.revoke", "trusted_key", fp, None,
                         {"office_code": row.office_code})
            return row

    @staticmethod
    def public_of(row: TrustedKey) -> PublicKeys:
        return PublicKeys(row.office_code, row.office_name, unb64(row.sign_key, 32),
                          unb64(row.enc_key, 32))

    # --- export -------------------------------------------------------------------------

    def recipients(self) -> list[TrustedKey]:
        """Trusted offices this office can send to, the offices above it first."""
        own = self.office().code
        rows = self.trusted()
        return sorted(rows, key=lambda r: (not _above(r.office_code, own), -len(r.office_code),
                                           r.office_code, -r.added_at.timestamp()))

    def default_recipient(self) -> TrustedKey | None:
        own = self.office().code
        above = [r for r in self.recipients() if _above(r.office_code, own)]
        return above[0] if above else None

    def resolve_recipient(self, to: str | None, plain: bool) -> tuple[str, str, PublicKeys | None]:
        if to:
            code = parse_office_code(normalise(to))
            rows = [r for r in self.recipients() if r.office_code == code]
            if rows:
                newest = max(rows, key=lambda r: r.added_at)
                return code, newest.office_name, None if plain else self.public_of(newest)
            if plain:
                return code, "", None
            raise SyncSetupError(t("sync.export.no_key_for", code=code))
        row = self.default_recipient()
        if row is None:
            raise SyncSetupError(t("sync.export.no_recipient"))
        return row.office_code, row.office_name, None if plain else self.public_of(row)

    def export(self, to: str | None = None, output: Path | None = None, plain: bool = False,
               progress: ex.StageCallback | None = None) -> ex.ExportResult:
        office = self.office()
        keys = self.keys()
        code, name, recipient = self.resolve_recipient(to, plain)
        result = ex.export_package(
            self.db, data_dir=self.paths.data, keys=keys, office_name=office.name,
            recipient_code=code, recipient_name=name, recipient=recipient,
            today=self.services.today(), output=output, progress=progress or ex._noop)
        with self.db.write() as s:
            audit.append(s, self.operator, "sync.export", "package", result.name, None, {
                "file": str(result.path), "recipient": code, "encrypted": result.encrypted,
                "counts": result.counts, "size": result.size})
        return result

    def export_down(self, codes: Sequence[str], output: Path | None = None,
                    progress: ex.StageCallback | None = None) -> list[ex.ExportResult]:
        """下发: one downward package per township (issue 22, mediator.sync.down)."""
        from mediator.sync import down

        office = self.office()
        keys = self.keys()
        targets = []
        for raw in codes:
            code = parse_office_code(normalise(raw), field="target_code")
            if not down.directly_above(office.code, code):
                raise SyncSetupError(t("down.not_below", code=code, own=office.code))
            code, name, recipient = self.resolve_recipient(code, plain=False)
            targets.append((code, name, recipient))
        results = []
        for code, name, recipient in targets:
            result = ex.export_package(
                self.db, data_dir=self.paths.data, keys=keys, office_name=office.name,
                recipient_code=code, recipient_name=name, recipient=recipient,
                today=self.services.today(), output=output, progress=progress or ex._noop,
                down_to=code)
            with self.db.write() as s:
                audit.append(s, self.operator, "sync.export_down", "package", result.name, None, {
                    "file": str(result.path), "recipient": code, "counts": result.counts,
                    "size": result.size})
            results.append(result)
        return results

    def outbox(self) -> list[Path]:
        folder = self.paths.data / "outbox"
        if not folder.is_dir():
            return []
        return sorted(folder.glob(f"*{ex.SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)

    def sent_packages(self) -> list[SentPackage]:
        """回执 (issue 22): each upward package still in the outbox, newest first, with the
        time the county says it imported it (from the receipts it sent down), else None."""
        import hashlib

        with self.db.read() as s:
            got = {h: at for h, at in s.exec(text(  # type: ignore[call-overload]
                "SELECT package_hash, imported_at FROM sync_receipt WHERE deleted = 0")).all()}
        out = []
        for path in self.outbox():
            if "_下发_" in path.name:
                continue
            h = hashlib.sha256()
            with open(path, "rb") as fh:
                while block := fh.read(1024 * 1024):
                    h.update(block)
            digest = h.hexdigest()
            at = got.get(digest)
            out.append(SentPackage(path.name, digest, None if at is None else str(at)))
        return out

    # --- import -------------------------------------------------------------------------

    def import_files(self, files: Sequence[Path],
                     progress: importer.Progress | None = None) -> list[importer.FileReport]:
        keys = self.keys()
        return importer.import_files(self.db, [Path(f) for f in files],
                                     quarantine_root=self.paths.quarantine,
                                     keys=keys, operator=self.operator, progress=progress,
                                     today=self.services.today)

    def import_log(self, limit: int = 500) -> list[ImportLog]:
        with self.db.read() as s:
            return list(s.exec(select(ImportLog).order_by(ImportLog.imported_at.desc())  # type: ignore[attr-defined]
                               .limit(limit)).all())

    # --- conflicts ----------------------------------------------------------------------

    def conflicts(self, include_resolved: bool = False, limit: int = 500) -> list[SyncConflict]:
        with self.db.read() as s:
            q = select(SyncConflict)
            if not include_resolved:
                q = q.where(SyncConflict.resolved_at == None)
            return list(s.exec(q.order_by(SyncConflict.detected_at.desc())  # type: ignore[attr-defined]
                               .limit(limit)).all())

    def open_conflict_count(self) -> int:
        with self.db.read() as s:
            return int(s.exec(text(  # type: ignore[call-overload]
                "SELECT count(*) FROM sync_conflict WHERE resolved_at IS NULL")).scalar_one())

    def resolve_conflict(self, conflict_id: str) -> SyncConflict:
        """Mark a conflict as dealt with (both versions stay stored)."""
        with self.db.write() as s:
            row = s.get(SyncConflict, conflict_id)
            if row is None:
                matches = s.exec(select(SyncConflict).where(
                    SyncConflict.id.startswith(normalise(conflict_id)))).all()  # type: ignore[attr-defined]
                row = matches[0] if len(matches) == 1 else None
            if row is None:
                raise NotFoundError(t("sync.conflict.not_found", id=conflict_id))
            if row.resolved_at is None:
                row.resolved_at, row.resolved_by = utcnow(), self.operator
                s.add(row)
                audit.append(s, self.operator, "conflict.resolve", "sync_conflict", row.id,
                             None, {"table": row.table_name, "row": row.row_id})
            return row


def _above(code: str, own: str) -> bool:
    """True when office ``code`` is above ``own`` (its area contains it)."""
    try:
        return code != own and is_within_area(own, code)
    except ValidationError:
        return False


def removable_folders() -> list[Path]:
    """Likely USB drives, for the export and import screens to offer."""
    found: list[Path] = []
    if os.name == "nt":
        for letter in string.ascii_uppercase[3:]:  # D: onwards
            root = Path(f"{letter}:\\")
            try:
                if root.exists():
                    found.append(root)
            except OSError:
                continue
        return found
    user = os.environ.get("USER") or os.environ.get("USERNAME") or ""
    for base in (Path("/media") / user, Path("/run/media") / user, Path("/media"), Path("/Volumes")):
        try:
            if base.is_dir():
                found += [p for p in sorted(base.iterdir()) if p.is_dir() and p not in found
                          and p.name != user]
        except OSError:
            continue
    return found
