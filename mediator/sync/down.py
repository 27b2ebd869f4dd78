"""The downward package (issue 22): county -> township, in the same sealed format.

A downward package is an ordinary sealed package (mediator.sync.package: signed by the
county, encrypted to the township's key) whose header says ``"direction": "down"`` and whose
payload is the small frozen schema ``payload_down_v1.sql`` (application id "MDSD", so an
upward payload can never pass for a downward one or the other way round). It carries the
county's ``supervision`` rows (督办, 交办, their withdrawals as tombstones) for that one
township, and its 回执 (``sync_receipt``: which upward packages of that township it has
imported).

The township imports it through the same hostile-file path as any package (importer.py):
size, magic, signature, trusted sender, this office as the recipient, its own key; then
here: the sender must be the office directly above (not the city two levels up, not a
neighbour), the payload must have exactly the downward schema, and every row must be owned
by the sender and addressed to this township. Merging is one transaction: higher revision
wins, older or equal changes nothing, a 交办 arriving for the first time registers the
township's own case (source 上级指定), and nothing in the package ever edits a case field.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import struct
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import text

from mediator.core import audit
from mediator.core.db import Database, open_untrusted
from mediator.core.errors import ValidationError
from mediator.core.files import fsync_file
from mediator.core.models import new_id
from mediator.core.notice import from_json, parse_measures
from mediator.core.supervision import (
    KINDS,
    MAX_INSTRUCTION,
    MAX_LEADER,
    MAX_REF,
    case_from_json,
    now_text,
)
from mediator.core.validate import office_area_prefix, parse_office_code
from mediator.i18n import t
from mediator.sync.errors import PackageInvalid, PackageUnsupported
from mediator.sync.payload import check_header_bytes

DOWN = "down"
DOWN_VERSION = 1
DOWN_APP_ID = 0x4D445344  # "MDSD"
DOWN_TABLES = ("supervision", "sync_receipt", "notice")
_PARENT_LEN = {12: 9, 9: 6, 6: 4, 4: 2}


def ddl(version: int = DOWN_VERSION) -> str:
    return resources.files("mediator.sync").joinpath(f"payload_down_v{version}.sql").read_text(
        encoding="utf-8")


@lru_cache(maxsize=2)
def _expected(version: int = DOWN_VERSION) -> tuple[tuple[Any, ...], dict[str, tuple[str, ...]]]:
    con = sqlite3.connect(":memory:")
    try:
        con.executescript(ddl(version))
        master = tuple(con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))
        cols = {tbl: tuple(r[1] for r in con.execute(f"PRAGMA table_info({tbl})"))
                for tbl in DOWN_TABLES}
        return master, cols
    finally:
        con.close()


def columns() -> dict[str, tuple[str, ...]]:
    return _expected()[1]


def directly_above(sender: str, own: str) -> bool:
    """True when ``sender`` is the office one level above ``own`` (a township's county)."""
    try:
        own_area = office_area_prefix(own)
        parent = _PARENT_LEN.get(len(own_area))
        return parent is not None and office_area_prefix(sender) == own_area[:parent]
    except ValidationError:
        return False


# --- writing ----------------------------------------------------------------------------------


def snapshot(db_path: Path, target: Path, owner: str, township: str) -> dict[str, int]:
    """The county's rows for one township, read in one transaction, into a new payload."""
    con = sqlite3.connect(str(target), isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=OFF")
        con.executescript("BEGIN;" + ddl() + f"\nPRAGMA application_id={DOWN_APP_ID};"
                          f"\nPRAGMA user_version={DOWN_VERSION};\nCOMMIT;")
    finally:
        con.close()
    con = sqlite3.connect(str(db_path), timeout=30, isolation_level=None)
    counts: dict[str, int] = {}
    try:
        con.execute("PRAGMA busy_timeout=30000")
        con.execute("ATTACH DATABASE ? AS out", (str(target),))
        con.execute("BEGIN")
        try:
            cols = ", ".join(columns()["supervision"])
            counts["supervision"] = con.execute(
                f"INSERT INTO out.supervision ({cols}) SELECT {cols} FROM main.supervision "
                "WHERE owner_code = ? AND target_code = ? ORDER BY rowid",
                (owner, township)).rowcount
            # 回执: one row per upward package of this township imported here
            counts["sync_receipt"] = con.execute(
                "INSERT INTO out.sync_receipt (id, owner_code, revision, created_at, updated_at, "
                "deleted, target_code, package_hash, week, imported_at) SELECT "
                "substr(package_hash, 1, 32), ?, 1, imported_at, imported_at, 0, sender_code, "
                "package_hash, week, imported_at FROM main.import_log WHERE sender_code = ? "
                "ORDER BY imported_at", (owner, township)).rowcount
            # 通报: the county's notices addressed to this township
            cols = ", ".join(columns()["notice"])
            counts["notice"] = con.execute(
                f"INSERT INTO out.notice ({cols}) SELECT {cols} FROM main.notice "
                "WHERE owner_code = ? AND target_code = ? ORDER BY rowid",
                (owner, township)).rowcount
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        con.execute("DETACH DATABASE out")
    finally:
        con.close()
    con = sqlite3.connect(str(target), isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()
    fsync_file(target)
    return counts


# --- reading ----------------------------------------------------------------------------------


def check_payload(path: Path, counts: dict[str, int]) -> None:
    """Refuse anything but an intact downward payload with exactly our schema and counts."""
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) == 100 and struct.unpack(">I", head[68:72])[0] != DOWN_APP_ID:
        raise PackageInvalid(t("sync.pkg.bad_payload", why=t("sync.why.application_id")))
    # check_header_bytes insists on the upward id: compare everything else with ours
    try:
        check_header_bytes(path)
    except PackageInvalid as exc:
        if exc.message != t("sync.pkg.bad_payload", why=t("sync.why.application_id")):
            raise
    version = struct.unpack(">I", head[60:64])[0]
    if version > DOWN_VERSION:
        raise PackageUnsupported(t("sync.pkg.newer_schema", version=version,
                                   supported=DOWN_VERSION))
    if version != DOWN_VERSION:
        raise PackageInvalid(t("sync.pkg.bad_payload", why=t("sync.why.schema")))
    try:
        con = open_untrusted(path)
    except sqlite3.DatabaseError as exc:
        raise PackageInvalid(t("sync.pkg.bad_payload", why=str(exc))) from exc
    try:
        try:
            master = tuple(con.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))
            if master != _expected()[0]:
                raise PackageInvalid(t("sync.pkg.bad_payload", why=t("sync.why.schema")))
            if [r[0] for r in con.execute("PRAGMA integrity_check(20)")] != ["ok"]:
                raise PackageInvalid(t("sync.pkg.bad_payload", why=t("sync.why.integrity",
                                                                     problems="")))
            actual = {tbl: con.execute(f"SELECT count(*) FROM {tbl}").fetchone()[0]
                      for tbl in DOWN_TABLES}
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise PackageInvalid(t("sync.pkg.bad_payload", why=str(exc))) from exc
        if actual != {tbl: counts.get(tbl, -1) for tbl in DOWN_TABLES} or \
                set(counts) - set(DOWN_TABLES):
            raise PackageInvalid(t("sync.pkg.bad_payload", why=t("sync.why.counts")))
    finally:
        con.close()


def read_rows(path: Path) -> dict[str, list[dict[str, Any]]]:
    con = open_untrusted(path)
    try:
        out = {}
        for tbl in DOWN_TABLES:
            cols = columns()[tbl]
            out[tbl] = [dict(zip(cols, r, strict=True)) for r in con.execute(
                f"SELECT {', '.join(cols)} FROM {tbl} ORDER BY id")]
        return out
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise PackageInvalid(t("sync.pkg.bad_payload", why=str(exc))) from exc
    finally:
        con.close()


def _bad(table: str, row: Any, column: str, value: Any) -> PackageInvalid:
    return PackageInvalid(t("sync.reject.value", table=table, column=column, id=str(row),
                            value=repr(value)[:60]))


def _text(table: str, row: dict[str, Any], col: str, limit: int, required: bool) -> None:
    v = row[col]
    if v is None and not required:
        return
    if not isinstance(v, str) or len(v) > limit or (required and not v.strip()):
        raise _bad(table, row.get("id"), col, v)


def _date(table: str, row: dict[str, Any], col: str) -> None:
    v = row[col]
    try:
        ok = isinstance(v, str) and date.fromisoformat(v).isoformat() == v
    except ValueError:
        ok = False
    if not ok:
        raise _bad(table, row.get("id"), col, v)


def _common(table: str, row: dict[str, Any], sender: str, own: str) -> None:
    rid = row["id"]
    if not isinstance(rid, str) or len(rid) != 32 or set(rid) - set("0123456789abcdef"):
        raise _bad(table, rid, "id", rid)
    if row["owner_code"] != sender:
        raise PackageInvalid(t("sync.reject.owner", table=table, owner=str(row["owner_code"]),
                               sender=sender))
    if row["target_code"] != own:
        raise PackageInvalid(t("down.other_township", code=str(row["target_code"]), own=own))
    if not isinstance(row["revision"], int) or not 1 <= row["revision"] <= 10**9:
        raise _bad(table, rid, "revision", row["revision"])
    if row["deleted"] not in (0, 1):
        raise _bad(table, rid, "deleted", row["deleted"])
    for col in ("created_at", "updated_at"):
        _text(table, row, col, 40, True)


def validate(rows: dict[str, list[dict[str, Any]]], sender: str, own: str) -> None:
    for row in rows["supervision"]:
        _common("supervision", row, sender, own)
        if row["kind"] not in KINDS:
            raise _bad("supervision", row["id"], "kind", row["kind"])
        _text("supervision", row, "instruction", MAX_INSTRUCTION, True)
        _text("supervision", row, "leader", MAX_LEADER, False)
        _text("supervision", row, "county_ref", MAX_REF, False)
        _date("supervision", row, "due_on")
        _date("supervision", row, "issued_on")
        if row["kind"] == "ASSIGN":
            _text("supervision", row, "assign_json", 200_000, True)
            case_from_json(row["assign_json"], date.fromisoformat(row["issued_on"]))
            if row["case_id"] is not None:
                raise _bad("supervision", row["id"], "case_id", row["case_id"])
        else:
            _text("supervision", row, "case_id", 32, True)
            if row["assign_json"] is not None:
                raise _bad("supervision", row["id"], "assign_json", "…")
    for row in rows["sync_receipt"]:
        _common("sync_receipt", row, sender, own)
        _text("sync_receipt", row, "package_hash", 64, True)
        _text("sync_receipt", row, "week", 16, False)
        _text("sync_receipt", row, "imported_at", 40, True)
    for row in rows["notice"]:
        _common("notice", row, sender, own)
        _text("notice", row, "period_label", 40, True)
        for col in ("period_start", "period_end", "issued_on"):
            _date("notice", row, col)
        if row["period_end"] < row["period_start"]:
            raise _bad("notice", row["id"], "period_end", row["period_end"])
        _text("notice", row, "measures", 200, True)
        try:
            measures = parse_measures(row["measures"])
            if ",".join(measures) != row["measures"]:
                raise ValidationError("", "measures")
            from_json(row["figures_json"], measures)
        except ValidationError as exc:
            raise _bad("notice", row["id"], exc.field or "figures_json",
                       row["measures"] if exc.field == "measures" else "…") from exc


@dataclass
class DownResult:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    conflicts: int = 0
    cases_registered: int = 0


def merge(services: Any, db: Database, payload: Path, *, sender: str, own: str,
          package_hash: str, log: Callable[[Any, DownResult], None]) -> DownResult:
    """Merge a checked downward payload in ONE transaction (``log`` writes the import log
    entry in the same transaction)."""
    rows = read_rows(payload)
    validate(rows, sender, own)
    result = DownResult()
    with db.write() as s:
        for table in DOWN_TABLES:
            cols = columns()[table]
            for row in rows[table]:
                held = s.exec(text(  # type: ignore[call-overload]
                    f"SELECT revision, owner_code FROM {table} WHERE id = :id"),
                    params={"id": row["id"]}).first()
                if held is not None and held[1] != sender:
                    raise PackageInvalid(t("sync.reject.owner", table=table,
                                           owner=str(row["owner_code"]), sender=sender))
                if held is not None and row["revision"] < held[0]:
                    result.older += 1
                    continue
                if held is not None and row["revision"] == held[0]:
                    if _fork(s, table, cols, row, package_hash):
                        result.conflicts += 1
                    else:
                        result.unchanged += 1
                    continue
                params = {**row, "origin": package_hash}
                if held is None:
                    local = None
                    if table == "supervision":
                        local = _local_case(services, s, row, own)
                        if row["kind"] == "ASSIGN" and not row["deleted"]:
                            result.cases_registered += 1
                    params["local_case_id"] = local
                    extra = ", local_case_id" if table == "supervision" else ""
                    names = ", ".join(cols) + ", origin" + extra
                    values = ", ".join(f":{c}" for c in cols) + ", :origin" + (
                        ", :local_case_id" if extra else "")
                    s.exec(text(f"INSERT INTO {table} ({names}) VALUES ({values})"),  # type: ignore[call-overload]
                           params=params)
                    result.new += 1
                else:
                    sets = ", ".join(f"{c} = :{c}" for c in cols if c != "id")
                    s.exec(text(f"UPDATE {table} SET {sets}, origin = :origin "  # type: ignore[call-overload]
                                "WHERE id = :id"), params=params)
                    result.updated += 1
                if table == "supervision":
                    action = ("supervision.withdrawn" if row["deleted"] else
                              "supervision.received")
                    audit.append(s, services.operator, action, "supervision", row["id"], None, {
                        "kind": row["kind"], "from": sender, "due_on": row["due_on"],
                        "instruction": row["instruction"], "revision": row["revision"]})
                if table == "notice":
                    audit.append(s, services.operator, "notice.received", "notice", row["id"],
                                 None, {"from": sender, "period": row["period_label"],
                                        "revision": row["revision"]})
        log(s, result)
    return result


def _fork(s: Any, table: str, cols: tuple[str, ...], row: dict[str, Any],
          package_hash: str) -> bool:
    """Same revision, different content (the county restored an old backup and wrote again):
    the held version stays, the other is kept in ``sync_conflict`` (once), as upward."""
    held = s.exec(text(f"SELECT {', '.join(cols)} FROM {table} WHERE id = :id"),  # type: ignore[call-overload]
                  params={"id": row["id"]}).first()
    held_row = dict(zip(cols, held, strict=True))
    if all(_same(held_row[c], row[c]) for c in cols):
        return False
    other = json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
    other_hash = hashlib.sha256(other.encode()).hexdigest()
    seen = s.exec(text(  # type: ignore[call-overload]
        "SELECT 1 FROM sync_conflict WHERE table_name = :t AND row_id = :id "
        "AND other_hash = :h"), params={"t": table, "id": row["id"], "h": other_hash}).first()
    if seen is None:
        s.exec(text(  # type: ignore[call-overload]
            "INSERT INTO sync_conflict (id, kind, table_name, row_id, owner_code, revision, "
            "held_json, other_json, other_hash, package_hash, detected_at) VALUES (:cid, 'FORK', "
            ":t, :id, :owner, :rev, :held, :other, :h, :pkg, :now)"),
            params={"cid": new_id(), "t": table, "id": row["id"], "owner": row["owner_code"],
                    "rev": row["revision"], "h": other_hash, "pkg": package_hash,
                    "held": json.dumps(held_row, ensure_ascii=False, sort_keys=True, default=str),
                    "other": other, "now": now_text()})
    return True


def _same(held: Any, other: Any) -> bool:
    """Stored values compared as the payload holds them (SQLite gives booleans as 0/1)."""
    if isinstance(held, bool) or isinstance(other, bool):
        return int(held) == int(other)
    return held == other or str(held) == str(other)


def _local_case(services: Any, s: Any, row: dict[str, Any], own: str) -> str | None:
    """The township's case an item is about: for a 督办 the case it names (which must be one
    of this township's); for a 交办, a new case of this township registered now."""
    if row["kind"] == "SUPERVISE":
        held = s.exec(text(  # type: ignore[call-overload]
            "SELECT owner_code FROM dispute_case WHERE id = :id"),
            params={"id": row["case_id"]}).first()
        if held is None or held[0] != own:
            raise PackageInvalid(t("down.unknown_case", id=row["case_id"]))
        return str(row["case_id"])
    if row["deleted"]:
        return None
    data = case_from_json(row["assign_json"], services.today())
    parties, fields = services._validate_case(data)
    case = services._insert_case(s, parties, fields)
    services._refresh(s, case)
    services._audit(s, "case.register", "case", case.id, None, {
        "case_no": case.case_no, "source": "GOVERNMENT", "assigned_by": row["owner_code"],
        "supervision_id": row["id"], "county_ref": row["county_ref"]})
    return str(case.id)


def parse_target(code: str) -> str:
    return parse_office_code(code, field="target_code")
