"""Merging a checked payload into the database: set-based SQL, one transaction per package.

The payload is ATTACHed and merged table by table with ``INSERT … SELECT`` and ``UPDATE``
statements that compare revisions in SQL; Python only sees the handful of rows that fork, so
memory stays flat whatever the package size. Rules (sync.md):

* one writer per record: a row may only come from an office inside the sender's area, never
  one owned by this office, and never over a held row of another owner (id clash);
* the higher revision wins; an older revision changes nothing (tombstones included, so a
  deleted record never comes back from a replayed package);
* same revision, different content: a fork. The held version stays; the other one goes to
  ``sync_conflict`` with a copy of the held one, so nothing is lost;
* a held row brought by a package from another branch of the sender's history (a restored
  backup: core/lineage.py) that differs is a fork whatever the revisions (BRANCH): the
  restored branch's version is held, the other kept in ``sync_conflict``; rows only the
  abandoned branch has are kept and listed (MISSING);
* every row merged remembers its package (``origin`` = package SHA-256);
* rows that would change the database are validated first with the same validators as
  typed input (as SQL functions and SQL predicates); any bad row refuses the whole package.

Content is compared column by column (``IS``) instead of through a stored content hash: it
is exact, needs no extra column kept up to date by every local write, and costs nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from mediator.core import audit, rowchecks, search
from mediator.core.db import Database
from mediator.core.errors import ValidationError
from mediator.core.lineage import COMPATIBLE, SUPERSEDED, TAKE_OVER, Point, point_of, relation
from mediator.core.models import (
    new_id,
)
from mediator.core.rowchecks import (
    CODE_COLUMNS,
    ID_COLUMNS,
    MODELS,
    VILLAGE_COLUMNS,
    annotation,
    quote_sql,
    register_functions,
)
from mediator.core.text import plain
from mediator.core.validate import (
    is_within_area,
    parse_office_code,
)
from mediator.i18n import t
from mediator.sync.errors import PackageDamaged, PackageInvalid, SyncIOError
from mediator.sync.payload import (
    OLDER_DEFAULTS,
    PARENTS,
    PAYLOAD_VERSION,
    TABLES,
    columns,
    tables,
)

REINDEX_BATCH = 5000   # cases per search-index batch (bounded memory, few passes)
MERGE_CACHE_KIB = -65536   # 64 MiB of SQLite page cache while a package is merged
MAX_DETAILS = 20

@dataclass
class Counts:
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    older: int = 0
    conflicts: int = 0
    rejected: int = 0

    def add(self, other: Counts) -> None:
        for name in ("new", "updated", "unchanged", "older", "conflicts", "rejected"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int]:
        return {"new": self.new, "updated": self.updated, "unchanged": self.unchanged,
                "older": self.older, "conflicts": self.conflicts, "rejected": self.rejected}


@dataclass
class MergeResult:
    total: Counts = field(default_factory=Counts)
    tables: dict[str, Counts] = field(default_factory=dict)
    affected_cases: int = 0
    log_id: str = ""


@dataclass(frozen=True)
class PackageMeta:
    """What the merge needs to know about the package (from its verified header)."""

    package_hash: str
    file_name: str
    sender_code: str
    sender_name: str
    sender_fingerprint: str
    created_at: str
    week: str
    format_version: int
    schema_version: int
    #: where in the sender's history the package was written (format 2); None: format 1
    point: Point | None = None
    #: table -> digest of its rows, from the signed header (issue 21); empty: none sent
    digests: dict[str, str] = field(default_factory=dict)


# --- validators as SQL ---------------------------------------------------------------------


#: the most a package may raise a row's revision over the copy held (or start a new row at):
#: a row edited 100,000 times between two packages is not a township's work but a revision
#: set to freeze the row (a higher revision always wins, so nothing could ever replace it)
MAX_REVISION_STEP = 100_000


def row_checks(table: str, version: int, clean_text: bool = True) -> list[tuple[str, str]]:
    """The checks of every payload column of ``table`` (``core.rowchecks``)."""
    return rowchecks.row_checks(table, columns(version)[table], clean_text)


# Row classes, per table, from ONE pass over the payload joined to the database by primary
# key (kept in temp.sync_class by payload rowid, so later steps never look main up again):
NEW, NEWER, OLDER, SAME, FORK = 0, 1, 2, 3, 4
#: the held row came from a package of another branch of the sender's history (a restored
#: backup: core/lineage.py) and differs from the package's: TAKE puts the package's version in
#: place (the package's lineage was restored from that branch after it wrote the held row),
#: KEEP leaves the held one; either way the version set aside goes to sync_conflict (BRANCH)
TAKE, KEEP = 5, 6
CLASH = 10     # added to the class: the id is held here for another owner
CHANGING = f"c.kind IN ({NEW}, {NEWER}, {TAKE})"


def _rows(table: str, where: str) -> str:
    """FROM clause: the payload rows of ``table`` whose class matches ``where``."""
    return (f"FROM temp.sync_class c CROSS JOIN pkg.{table} p ON p.rowid = c.prow "
            f"WHERE {where}")


def _same(table: str, version: int) -> str:
    return " AND ".join(f"m.{c} IS p.{c}" for c in columns(version)[table] if c != "id")


# --- the checks that refuse a package -------------------------------------------------------


def check_package(conn: Connection, meta: PackageMeta, own_code: str,
                  version: int | None = None, skip: set[str] | frozenset[str] = frozenset()
                  ) -> list[str]:
    """Problems with the package as a whole (empty list: fine): owners outside the sender's
    area or this office's own code, children owned unlike their case, bad division codes.
    The tables in ``skip`` (unchanged_tables: not merged) are not checked."""
    problems: list[str] = []

    def note(text: str) -> bool:
        problems.append(text)
        return len(problems) >= MAX_DETAILS

    carried = tuple(tbl for tbl in (tables(version) if version is not None else TABLES)
                    if tbl not in skip)
    for table in carried:
        for (owner,) in conn.exec_driver_sql(f"SELECT DISTINCT owner_code FROM pkg.{table}"):
            ok = isinstance(owner, str)
            if ok:
                try:
                    ok = (parse_office_code(owner) == owner and owner != own_code
                          and is_within_area(owner, meta.sender_code))
                except ValidationError:
                    ok = False
            if not ok and note(t("sync.reject.owner", table=table, owner=str(owner),
                                 sender=meta.sender_code)):
                return problems
    for table in carried:
        for col, parent in PARENTS.get(table, ()):
            for (row_id,) in conn.exec_driver_sql(
                    f"SELECT c.id FROM pkg.{table} c JOIN pkg.{parent} p ON p.id = c.{col} "
                    f"WHERE c.owner_code IS NOT p.owner_code LIMIT {MAX_DETAILS}"):
                if note(t("sync.reject.parent_owner", table=table, id=str(row_id))):
                    return problems
    for (table, col), parse in CODE_COLUMNS.items():
        if table not in carried:
            continue
        for (value,) in conn.exec_driver_sql(
                f"SELECT DISTINCT p.{col} FROM pkg.{table} p WHERE p.{col} IS NOT NULL"):
            try:
                ok = isinstance(value, str) and parse(value) == value
            except ValidationError:
                ok = False
            if not ok and note(t("sync.reject.value", table=table, column=col,
                                 id="*", value=_show(value))):
                return problems
            outside = ok and (table, col) in VILLAGE_COLUMNS and not is_within_area(
                value, meta.sender_code)
            if outside and note(t("hostile.village_outside", table=t(f"sync.table.{table}"),
                                  code=value, sender=meta.sender_code)):
                return problems
    # one office row per office (typed input refuses a second one: svc.office_exists)
    for code, n in conn.exec_driver_sql(
            "SELECT code, count(*) FROM pkg.office GROUP BY code HAVING count(*) > 1 "
            f"LIMIT {MAX_DETAILS}"):
        if note(t("hostile.second_office", code=_show(code), n=n)):
            return problems
    return problems


def check_revision_steps(conn: Connection, table: str) -> list[str]:
    """Rows whose revision jumps more than MAX_REVISION_STEP over the held copy (or start
    above it): damage or a forged package, never a township's edits."""
    rows = conn.exec_driver_sql(
        f"SELECT p.id, p.revision, m.revision FROM temp.sync_class c "
        f"CROSS JOIN pkg.{table} p ON p.rowid = c.prow LEFT JOIN main.{table} m ON m.id = p.id "
        f"WHERE typeof(p.revision) = 'integer' AND ((c.kind = {NEW} AND p.revision > "
        f"{MAX_REVISION_STEP}) OR (c.kind IN ({NEWER}, {TAKE}) AND p.revision - m.revision > "
        f"{MAX_REVISION_STEP})) LIMIT {MAX_DETAILS}").all()
    return [t("hostile.revision_jump", table=t(f"sync.table.{table}"), id=str(row_id),
              revision=revision, held=0 if held is None else held, step=MAX_REVISION_STEP)
            for row_id, revision, held in rows]


def check_changing_rows(conn: Connection, table: str, version: int) -> list[str]:
    """Validate the rows of ``table`` that would change the database (new, or a higher
    revision): the rest is either identical to what is held or ignored.

    Set-based (issue 21): the SQL predicates of every column run in one pass without their
    control-character test, which was most of the time (a GLOB over every text value); the
    text of all rows is then decoded and searched for control characters a chunk of rows at a
    time (``text_ok``). Only when that finds one do the full predicates run again, to name
    the row and column as before."""
    problems = _bad_rows(conn, table, version, clean_text=False)
    if problems:
        return problems
    found = text_ok(conn, table, version)
    if found == "utf8":
        problems.append(t("sync.reject.utf8", table=t(f"sync.table.{table}")))
    elif found == "controls":
        problems = _bad_rows(conn, table, version, clean_text=True) or [
            t("sync.reject.controls", table=t(f"sync.table.{table}"))]
    return problems


def _bad_rows(conn: Connection, table: str, version: int, *, clean_text: bool) -> list[str]:
    problems: list[str] = []
    checks = row_checks(table, version, clean_text)
    reason = " ".join(f"WHEN NOT coalesce(({pred}), 0) THEN {quote_sql(col)}"
                      for col, pred in checks)
    sql = (f"SELECT id, bad FROM (SELECT p.id AS id, CASE {reason} END AS bad "
           f"{_rows(table, CHANGING)}) WHERE bad IS NOT NULL LIMIT {MAX_DETAILS}")
    for row_id, col in conn.exec_driver_sql(sql).all():
        value = conn.exec_driver_sql(f"SELECT {col} FROM pkg.{table} WHERE id IS ?",
                                     (row_id,)).scalar()
        problems.append(t("sync.reject.value", table=table, column=col, id=str(row_id)[:32],
                          value=_show(value)))
    return problems


def text_columns(table: str, version: int) -> list[str]:
    model = MODELS[table]
    return [c for c in columns(version)[table]
            if annotation(model, c)[0] is str and c not in ID_COLUMNS]


#: the characters input cleaning removes (validate.normalise; rowchecks.clean_text_sql): NUL,
#: C0 except tab and line breaks, DEL, C1
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def utf8_ok(conn: Connection, table: str, version: int, chunk: int = 20000) -> bool:
    """All text of the rows that would change (per temp.sync_class) is valid UTF-8."""
    return text_ok(conn, table, version, chunk) != "utf8"


def text_ok(conn: Connection, table: str, version: int, chunk: int = 20000) -> str | None:
    """None when all text of the rows that would change (per temp.sync_class) is valid UTF-8
    (SQLite does not check; Python would fail on reading it later) without a control
    character; else "utf8" or "controls". The text is concatenated in SQL, a chunk of rows at
    a time, decoded once per chunk and searched with one regular expression: fast, whatever
    the row count. The newline between values keeps an unfinished sequence from completing
    with the next value's bytes (and is no control character)."""
    cols = text_columns(table, version)
    if not cols:
        return None
    joined = " || char(10) || ".join(f"coalesce(p.{c}, '')" for c in cols)
    low, high = conn.exec_driver_sql("SELECT min(prow), max(prow) FROM temp.sync_class").one()
    if low is None:
        return None
    sql = (f"SELECT CAST(group_concat({joined}, char(10)) AS BLOB) "
           f"{_rows(table, CHANGING + ' AND c.prow >= ? AND c.prow < ?')}")
    start = low
    utf8 = False
    while start <= high:
        blob = conn.exec_driver_sql(sql, (start, start + chunk)).scalar()
        if blob is not None:
            try:
                text = bytes(blob).decode("utf-8")
            except UnicodeDecodeError:
                utf8 = True   # the row checks named control characters first, as before
                text = bytes(blob).decode("utf-8", "replace")
            if CONTROL_CHARS.search(text) is not None:
                return "controls"
        start += chunk
    return "utf8" if utf8 else None


def _show(value: Any) -> str:
    if isinstance(value, bytes):
        return "0x" + value[:16].hex()
    text = repr(value) if not isinstance(value, str) else value
    return plain(text[:40])   # a package's value in a message: shown, never obeyed


# --- merging ---------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return "0x" + value.hex()
    return str(value)


def _row_json(conn: Connection, schema: str, table: str, cols: tuple[str, ...],
              row_id: str) -> str:
    row = conn.exec_driver_sql(f"SELECT {', '.join(cols)} FROM {schema}.{table} WHERE id = ?",
                               (row_id,)).one()
    return json.dumps(dict(zip(cols, row)), ensure_ascii=False, sort_keys=True,
                      default=_json_default)


def _store_conflict(conn: Connection, kind: str, table: str, row_id: str, owner: str,
                    revision: int, held: str, other: str, package_hash: str, now: str) -> int:
    """Store one conflict; 0 when the same one is already stored."""
    return conn.exec_driver_sql(
        "INSERT OR IGNORE INTO main.sync_conflict (id, kind, table_name, row_id, owner_code, "
        "revision, held_json, other_json, other_hash, package_hash, detected_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (new_id(), kind, table, row_id, owner, revision, held, other,
         hashlib.sha256(other.encode("utf-8")).hexdigest(), package_hash, now)).rowcount


def _now_text() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


#: per table, which rows make their case's search entries stale (new, or searchable text
#: changed): the case id to rebuild, and the condition on payload row p / held row m
SEARCH_TOUCH: dict[str, tuple[str, str]] = {
    "dispute_case": ("p.id", ("m.case_no IS NOT p.case_no OR m.facts IS NOT p.facts OR "
                              "m.requests IS NOT p.requests OR m.deleted IS NOT p.deleted")),
    "party": ("p.case_id", ("m.name IS NOT p.name OR m.id_number IS NOT p.id_number OR "
                            "m.phone IS NOT p.phone OR m.deleted IS NOT p.deleted OR "
                            "m.case_id IS NOT p.case_id")),
}


def classify(conn: Connection, table: str, version: int, sender: str = "",
             keep_same: bool = False) -> dict[int, int]:
    """Fill temp.sync_class for ``table``; returns {class: row count}. Only the sender's own
    rows can be on another branch of its history: rows it passes up from the offices below it
    have their own single writer, whose revisions still order them.

    Rows identical to the held ones (SAME) are counted, not stored, unless ``keep_same``
    (issue 21: a week's package of a big township is 99 % such rows; storing each in
    temp.sync_class, and every later step's scan of them, was most of the classification).
    Every step after this one reads only the other classes (SAME: only a taken-over lineage,
    which passes ``keep_same``)."""
    same = _same(table, version)
    conn.exec_driver_sql("DELETE FROM temp.sync_class")
    touch = "0"
    if table in SEARCH_TOUCH:
        touch = (f"m.id IS NULL OR ((p.revision > m.revision OR d.take_over = 1) AND "
                 f"({SEARCH_TOUCH[table][1]}))")
    conn.exec_driver_sql(
        f"INSERT INTO temp.sync_class (prow, kind, touch) SELECT prow, kind, touch FROM "
        f"(SELECT p.rowid AS prow, "
        f"CASE WHEN m.id IS NULL THEN {NEW} "
        f"WHEN d.origin IS NOT NULL AND NOT ({same}) THEN "
        f"CASE WHEN d.take_over = 1 THEN {TAKE} ELSE {KEEP} END "
        f"WHEN p.revision > m.revision THEN {NEWER} "
        f"WHEN p.revision < m.revision THEN {OLDER} WHEN {same} THEN {SAME} ELSE {FORK} END "
        f"+ CASE WHEN m.id IS NOT NULL AND m.owner_code IS NOT p.owner_code THEN {CLASH} "
        f"ELSE 0 END AS kind, {touch} AS touch "
        f"FROM pkg.{table} p LEFT JOIN main.{table} m ON m.id = p.id "
        f"LEFT JOIN temp.sync_diverged d ON d.origin = m.origin "
        f"AND p.owner_code = {quote_sql(sender)})"
        + ("" if keep_same else f" WHERE kind <> {SAME}"))
    kinds: dict[int, int] = {int(k): int(n) for k, n in conn.exec_driver_sql(
        "SELECT kind, count(*) FROM temp.sync_class GROUP BY kind")}
    if not keep_same:
        rows = conn.exec_driver_sql(f"SELECT count(*) FROM pkg.{table}").scalar() or 0
        if rows - sum(kinds.values()):
            kinds[SAME] = rows - sum(kinds.values())
    return kinds


def mark_diverged(conn: Connection, meta: PackageMeta) -> tuple[bool, bool]:
    """Fill temp.sync_diverged with the packages of this sender already imported whose point
    is on another branch than this package's (core/lineage.py), each marked take_over when
    this package's lineage was restored from that one's. Returns (any taken over, this
    package superseded by one already imported)."""
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS sync_diverged "
                         "(origin TEXT PRIMARY KEY, take_over INTEGER NOT NULL)")
    conn.exec_driver_sql("DELETE FROM temp.sync_diverged")
    if meta.point is None:
        return False, False
    take_over = superseded = False
    for package_hash, lineage, seq, ancestry in conn.exec_driver_sql(
            "SELECT package_hash, lineage, lineage_seq, ancestry FROM main.import_log "
            "WHERE sender_code = ? AND lineage IS NOT NULL", (meta.sender_code,)).all():
        held = point_of(lineage, seq, ancestry)
        if held is None:
            continue
        rel = relation(meta.point, held)
        if rel == COMPATIBLE:
            continue
        take_over |= rel == TAKE_OVER
        superseded |= rel == SUPERSEDED
        conn.exec_driver_sql("INSERT OR IGNORE INTO temp.sync_diverged (origin, take_over) "
                             "VALUES (?, ?)", (package_hash, int(rel == TAKE_OVER)))
    return take_over, superseded


def flag_missing(conn: Connection, table: str, cols: tuple[str, ...], origin: str,
                 now: str, sender: str, *, taken_over: bool, superseded: bool) -> int:
    """Rows only the abandoned branch has (a case registered at the township after the
    backup it restored): kept, and listed as MISSING ("no longer at the township"). They are
    the held rows from a branch this package took over that the package lacks, and the new
    rows a package of an abandoned branch brings. Tombstones are not listed. Returns the
    number of entries stored (one already stored is not counted again)."""
    found: list[str] = []
    if taken_over:
        found += [r[0] for r in conn.exec_driver_sql(
            f"SELECT m.id FROM main.{table} m WHERE m.deleted = 0 AND m.owner_code = ? "
            f"AND m.origin IN "
            f"(SELECT origin FROM temp.sync_diverged WHERE take_over = 1) "
            f"AND NOT EXISTS (SELECT 1 FROM pkg.{table} p WHERE p.id = m.id)", (sender,))]
    if superseded:
        found += [r[0] for r in conn.exec_driver_sql(
            f"SELECT p.id {_rows(table, f'c.kind = {NEW} AND p.deleted = 0 AND p.owner_code = ?')}",
            (sender,))]
    stored = 0
    for row_id in found:
        owner, revision = conn.exec_driver_sql(
            f"SELECT owner_code, revision FROM main.{table} WHERE id = ?", (row_id,)).one()
        stored += _store_conflict(conn, "MISSING", table, row_id, owner, revision,
                                  _row_json(conn, "main", table, cols, row_id), "{}",
                                  origin, now)
    return stored


#: bulk load (issue 21): a table that holds fewer than BULK_SHARE times the rows the package
#: brings has its secondary indexes dropped before the rows go in and built again after them,
#: in the same transaction (a failed or killed import leaves the indexes as they were).
#: Building an index once from sorted rows is far cheaper than keeping it up to date row by
#: row; for a first import into an empty county it was about half of the merge (measured).
BULK_SHARE = 2
BULK_MIN_ROWS = 1000   # a smaller package is merged row by row (nothing to gain)
#: indexes the merge itself reads while rows go in, never dropped: the case-number clash check
BULK_KEEP = frozenset({"ix_case_number"})


@dataclass
class BulkIndexes:
    """The indexes dropped for a bulk load: their SQL, and SQLite's statistics of them."""

    indexes: list[tuple[str, str]] = field(default_factory=list)
    stats: list[tuple[str, str, str]] = field(default_factory=list)


def drop_for_bulk(conn: Connection, version: int) -> BulkIndexes:
    """Drop the secondary indexes of the payload tables this package outweighs (BULK_SHARE),
    inside the caller's transaction; ``restore_after_bulk`` builds them again. Unique indexes
    (constraints) and BULK_KEEP stay."""
    bulk = BulkIndexes()
    for table in tables(version):
        incoming = conn.exec_driver_sql(f"SELECT count(*) FROM pkg.{table}").scalar() or 0
        if incoming < BULK_MIN_ROWS:
            continue
        limit = BULK_SHARE * incoming
        # counted up to the limit only: a big county's table is never counted whole
        held = conn.exec_driver_sql(
            f"SELECT count(*) FROM (SELECT 1 FROM main.{table} LIMIT ?)", (limit,)).scalar() or 0
        if held >= limit:
            continue
        bulk.indexes += [(name, sql) for name, sql in conn.exec_driver_sql(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY name", (table,))
            if name not in BULK_KEEP and not sql.lstrip().upper().startswith("CREATE UNIQUE")]
    if not bulk.indexes:
        return bulk
    if conn.exec_driver_sql("SELECT 1 FROM main.sqlite_master WHERE type = 'table' "
                            "AND name = 'sqlite_stat1'").first():
        names = [n for n, _ in bulk.indexes]
        bulk.stats = [tuple(r) for r in conn.exec_driver_sql(   # type: ignore[misc]
            f"SELECT tbl, idx, stat FROM main.sqlite_stat1 WHERE idx IN "
            f"({', '.join('?' * len(names))})", tuple(names))]
    for name, _sql in bulk.indexes:
        conn.exec_driver_sql(f'DROP INDEX main."{name}"')
    return bulk


def restore_after_bulk(conn: Connection, bulk: BulkIndexes) -> None:
    """Build the dropped indexes again, with the very SQL they had (the schema stays the one
    db.expected_schema checks), and put their statistics back."""
    for _name, sql in bulk.indexes:
        conn.exec_driver_sql(sql)
    for row in bulk.stats:
        conn.exec_driver_sql("INSERT INTO main.sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)",
                             row)


def _areas_overlap(a: str, b: str) -> bool:
    try:
        return is_within_area(a, b) or is_within_area(b, a)
    except ValidationError:
        return True


def unchanged_tables(conn: Connection, meta: PackageMeta, version: int) -> set[str]:
    """The tables of this package whose signed digest is the one of the same table in the
    last package imported from the same sender (issue 21): their rows are exactly the rows
    merged then, so merging them again would change nothing, and they are neither checked nor
    merged again (rows that are not applied). Only when that import is the latest one of any
    sender whose area overlaps this sender's (nothing else brought rows of this area since),
    of the same payload version, and found no conflict in the table (a fork found again is
    reported again)."""
    if not meta.digests:
        return set()
    last = None
    for sender, digests, schema_version, details in conn.exec_driver_sql(
            "SELECT sender_code, digests, schema_version, details FROM main.import_log "
            "ORDER BY imported_at DESC, rowid DESC"):
        if sender == meta.sender_code:
            last = (digests, schema_version, details)
            break
        if _areas_overlap(str(sender), meta.sender_code):
            return set()
    if last is None or last[0] is None or last[1] != version:
        return set()
    try:
        before = json.loads(last[0])
        counts = json.loads(last[2] or "{}")
    except ValueError:
        return set()
    if not isinstance(before, dict) or not isinstance(counts, dict):
        return set()
    return {tbl for tbl in tables(version)
            if meta.digests.get(tbl) is not None and before.get(tbl) == meta.digests[tbl]
            and isinstance(counts.get(tbl), dict) and counts[tbl].get("conflicts") == 0}


def merge_tables(conn: Connection, meta: PackageMeta, version: int,
                 progress: Callable[[str], None] | None = None,
                 skip: set[str] | None = None) -> MergeResult:
    """Classify, check and merge every table, inside the caller's transaction, but those in
    ``skip`` (default: unchanged_tables)."""
    result = MergeResult()
    now = _now_text()
    origin = meta.package_hash
    taken_over, superseded = mark_diverged(conn, meta)
    if skip is None or taken_over or superseded:
        skip = set() if taken_over or superseded else unchanged_tables(conn, meta, version)
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS sync_class "
                         "(prow INTEGER PRIMARY KEY, kind INTEGER NOT NULL, touch INTEGER)")
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS sync_touched "
                         "(id TEXT PRIMARY KEY, is_new INTEGER NOT NULL)")
    conn.exec_driver_sql("DELETE FROM temp.sync_touched")
    conn.exec_driver_sql("CREATE TEMP TABLE IF NOT EXISTS sync_fact_cases (id TEXT PRIMARY KEY)")
    conn.exec_driver_sql("DELETE FROM temp.sync_fact_cases")
    bulk = drop_for_bulk(conn, version)
    for table in tables(version):
        if progress:
            progress(table)
        if table in skip:   # the same rows as last time from this sender: all unchanged
            counts = Counts(unchanged=conn.exec_driver_sql(
                f"SELECT count(*) FROM pkg.{table}").scalar() or 0)
            result.tables[table] = counts
            result.total.add(counts)
            continue
        cols = columns(version)[table]
        kinds = classify(conn, table, version, meta.sender_code, keep_same=taken_over)
        clashes = sum(n for k, n in kinds.items() if k >= CLASH)
        if clashes:
            # a row id this database holds for another owner: refuse the package (the caller's
            # transaction rolls back whatever earlier tables merged)
            details = [t("sync.reject.id_clash", table=table, id=str(r[0]), owner=str(r[1]),
                         held=str(r[2])) for r in conn.exec_driver_sql(
                f"SELECT p.id, p.owner_code, m.owner_code FROM temp.sync_class c "
                f"CROSS JOIN pkg.{table} p ON p.rowid = c.prow "
                f"CROSS JOIN main.{table} m ON m.id = p.id "
                f"WHERE c.kind >= {CLASH} LIMIT {MAX_DETAILS}")]
            raise PackageInvalid(t("sync.pkg.rows_rejected", n=clashes, first=details[0]),
                                 details)
        takes = kinds.get(TAKE, 0)
        counts = Counts(new=kinds.get(NEW, 0), updated=kinds.get(NEWER, 0),
                        unchanged=kinds.get(SAME, 0), older=kinds.get(OLDER, 0),
                        conflicts=kinds.get(FORK, 0) + takes + kinds.get(KEEP, 0))
        if counts.new or counts.updated or takes:
            problems = check_changing_rows(conn, table, version)
            if problems:
                raise PackageInvalid(t("sync.pkg.rows_rejected", n=len(problems),
                                       first=problems[0]), problems)
            jumps = check_revision_steps(conn, table)
            if jumps:
                raise PackageDamaged(t("hostile.revision_refused", n=len(jumps),
                                       first=jumps[0]), jumps)
        case_col = "p.id" if table == "dispute_case" else (
            "p.case_id" if "case_id" in cols else None)
        if case_col and (counts.new or counts.updated or takes):
            conn.exec_driver_sql(f"INSERT OR IGNORE INTO temp.sync_fact_cases (id) "
                                 f"SELECT {case_col} {_rows(table, CHANGING)} "
                                 f"AND {case_col} IS NOT NULL")
        if table in SEARCH_TOUCH:
            case_id = SEARCH_TOUCH[table][0]
            is_new = f"c.kind = {NEW}" if table == "dispute_case" else "0"
            conn.exec_driver_sql(f"INSERT OR IGNORE INTO temp.sync_touched (id, is_new) "
                                 f"SELECT {case_id}, {is_new} {_rows(table, 'c.touch')}")
        if counts.conflicts:
            for row_id, owner, revision in conn.exec_driver_sql(
                    f"SELECT p.id, p.owner_code, p.revision {_rows(table, f'c.kind = {FORK}')}"
                    ).all():
                _store_conflict(conn, "FORK", table, row_id, owner, revision,
                                _row_json(conn, "main", table, cols, row_id),
                                _row_json(conn, "pkg", table, cols, row_id), origin, now)
        # another branch: the version set aside is stored, the one kept is "held"
        for kind in (TAKE, KEEP):
            if not kinds.get(kind):
                continue
            for row_id, owner, p_rev, m_rev in conn.exec_driver_sql(
                    f"SELECT p.id, m.owner_code, p.revision, m.revision FROM temp.sync_class c "
                    f"CROSS JOIN pkg.{table} p ON p.rowid = c.prow "
                    f"CROSS JOIN main.{table} m ON m.id = p.id WHERE c.kind = {kind}").all():
                main_json = _row_json(conn, "main", table, cols, row_id)
                pkg_json = _row_json(conn, "pkg", table, cols, row_id)
                if kind == TAKE:
                    _store_conflict(conn, "BRANCH", table, row_id, owner, m_rev, pkg_json,
                                    main_json, origin, now)
                else:
                    _store_conflict(conn, "BRANCH", table, row_id, owner, p_rev, main_json,
                                    pkg_json, origin, now)
        if counts.updated or takes:
            values = ", ".join(f"p.{c}" for c in cols if c != "id")
            targets = ", ".join(c for c in cols if c != "id")
            conn.exec_driver_sql(
                f"UPDATE main.{table} SET ({targets}, origin) = "
                f"(SELECT {values}, ? FROM pkg.{table} p WHERE p.id = main.{table}.id) "
                f"WHERE id IN (SELECT p.id {_rows(table, f'c.kind IN ({NEWER}, {TAKE})')})",
                (origin,))
        if taken_over and counts.unchanged:
            # a version both branches hold now comes from the live one: later packages of it
            # compare with these rows as with their own (and either import order agrees)
            conn.exec_driver_sql(
                f"UPDATE main.{table} SET origin = ? WHERE id IN (SELECT p.id "
                f"{_rows(table, f'c.kind = {SAME}')}) AND origin IN "
                f"(SELECT origin FROM temp.sync_diverged WHERE take_over = 1)", (origin,))
        if counts.new:
            conn.exec_driver_sql(
                f"INSERT INTO main.{table} ({', '.join(cols)}, origin) "
                f"SELECT {', '.join('p.' + c for c in cols)}, ? "
                f"{_rows(table, f'c.kind = {NEW}')}", (origin,))
        for older, defaults in OLDER_DEFAULTS.items():
            if version <= older:
                for target, assign in defaults:
                    if target == table and (counts.new or counts.updated or takes):
                        conn.exec_driver_sql(
                            f"UPDATE main.{table} SET {assign} WHERE id IN (SELECT p.id "
                            f"{_rows(table, f'c.kind IN ({NEW}, {NEWER}, {TAKE})')})")
        if taken_over or superseded:
            missing = flag_missing(conn, table, cols, origin, now, meta.sender_code,
                                   taken_over=taken_over, superseded=superseded)
            counts.conflicts += missing
        result.tables[table] = counts
        result.total.add(counts)
    restore_after_bulk(conn, bulk)
    if not {"dispute_case", "case_fact"} & set(tables(version)) <= skip:
        merge_facts(conn, version)
    # a restored backup can number a different case like one already held: keep both, say so
    # (checked when the case arrives; CROSS JOIN starts from the few new cases)
    clashes = conn.exec_driver_sql(
        "SELECT n.id, o.id, n.owner_code, n.revision FROM temp.sync_touched a "
        "CROSS JOIN main.dispute_case n ON n.id = a.id "
        "CROSS JOIN main.dispute_case o ON o.owner_code = n.owner_code AND o.year = n.year "
        "AND o.seq = n.seq AND o.id <> n.id WHERE a.is_new AND n.deleted = 0 "
        "AND o.deleted = 0").all()
    cols = columns(version)["dispute_case"]
    for new_case, held_case, owner, revision in clashes:
        _store_conflict(conn, "NUMBER_CLASH", "dispute_case", new_case, owner, revision,
                        _row_json(conn, "main", "dispute_case", cols, held_case),
                        _row_json(conn, "main", "dispute_case", cols, new_case), origin, now)
        result.total.conflicts += 1
        result.tables["dispute_case"].conflicts += 1
    return result


def merge_facts(conn: Connection, version: int) -> None:
    """The dated facts (mediator.core.facts) of the package's cases. A package of version 1
    carries none: they are derived from the cases' timeline, as migration 0012 did for the
    cases held then (marked DERIVED: never exported, replaced by the office's own facts when
    a later package brings them). Cases that still have none get them the same way."""
    from mediator.core import facts

    if "case_fact" in tables(version):
        # only the cases with a row new or changed by this package (temp.sync_fact_cases):
        # the package's other cases are as the merge that brought them left them, which
        # did this for them already (issue 21: a week's 1 % of changes, not every case)
        conn.exec_driver_sql(
            "DELETE FROM main.case_fact WHERE origin = ? AND case_id IN "
            "(SELECT id FROM temp.sync_fact_cases)", (facts.DERIVED,))
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM temp.sync_fact_cases")]
    else:
        conn.exec_driver_sql(
            "DELETE FROM main.case_fact WHERE origin = ? AND case_id IN "
            "(SELECT id FROM pkg.dispute_case)", (facts.DERIVED,))
        ids = [r[0] for r in conn.exec_driver_sql("SELECT id FROM pkg.dispute_case")]
    for sql, params in facts.derive_statements(ids, origin=facts.DERIVED):
        conn.exec_driver_sql(sql, params)


def reindex_affected(conn: Connection, session: Session) -> int:
    """Note every case this package touched (new, or its searchable text changed) in
    ``search_pending`` (issue 21, as a ledger import does since issue 16), the old entries of
    a changed case removed first: building the entries (pinyin initials, trigram and
    character-pair documents) was half of a first import into a county. The county catches
    up after the merge has committed (``Services.index_pending_cases``: the CLI at the end of
    the import, the TUI in a background worker); until then searches find those cases by
    scanning their texts (``queries._Pending``), never by their old text. Returns the cases
    touched."""
    del session   # the entries are built after the merge's transaction
    raw = conn.connection.driver_connection
    assert raw is not None
    changed = [r[0] for r in conn.exec_driver_sql(
        "SELECT c.rowid FROM temp.sync_touched a CROSS JOIN main.dispute_case c "
        "ON c.id = a.id WHERE a.is_new = 0 ORDER BY c.rowid")]
    for i in range(0, len(changed), REINDEX_BATCH):
        batch = changed[i:i + REINDEX_BATCH]
        search.delete_bodies(raw, batch)
        raw.executemany("DELETE FROM case_term WHERE case_rowid = ?", [(r,) for r in batch])
    conn.exec_driver_sql(
        "INSERT OR IGNORE INTO main.search_pending (case_rowid) SELECT c.rowid "
        "FROM temp.sync_touched a CROSS JOIN main.dispute_case c ON c.id = a.id")
    return int(conn.exec_driver_sql("SELECT count(*) FROM temp.sync_touched").scalar() or 0)


def planned_skip(db: Database, meta: PackageMeta, version: int) -> set[str]:
    """The tables ``merge_package`` will skip as things stand (``unchanged_tables``), read
    before the payload is checked, so that only the tables to merge are checked in full.
    ``merge_package`` decides again inside its transaction (``checked_skip``)."""
    if not meta.digests or not 1 <= version <= PAYLOAD_VERSION:
        return set()
    with db.engine.connect() as conn, conn.begin() as tx:
        taken_over, superseded = mark_diverged(conn, meta)
        skip = set() if taken_over or superseded else unchanged_tables(conn, meta, version)
        tx.rollback()
    return skip


def _check_late(conn: Connection, tables_: set[str]) -> None:
    """The integrity and foreign-key checks of payload tables ``check_payload`` left out
    because they were to be skipped, for a merge that must merge them after all (another
    import from an overlapping area came in between)."""
    for tbl in sorted(tables_):
        problems = [r[0] for r in conn.exec_driver_sql(f"PRAGMA pkg.integrity_check({tbl})")]
        if problems != ["ok"]:
            raise PackageInvalid(t("sync.pkg.bad_payload", why=t(
                "sync.why.integrity", problems="; ".join(map(str, problems[:3])))))
        if conn.exec_driver_sql(f"PRAGMA pkg.foreign_key_check({tbl})").first() is not None:
            raise PackageInvalid(t("sync.pkg.bad_payload", why=t("sync.why.foreign_keys")))


def merge_package(db: Database, payload: Path, meta: PackageMeta, *, own_code: str,
                  operator: str, version: int,
                  progress: Callable[[str], None] | None = None,
                  checked_skip: set[str] | None = None) -> MergeResult:
    """Check and merge one payload in ONE write transaction; nothing is written on error.
    ``checked_skip``: the tables ``check_payload`` did not check (``planned_skip``)."""
    with db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        try:
            raw.execute("ATTACH DATABASE ? AS pkg", (str(payload),))
        except sqlite3.DatabaseError as exc:
            raise PackageInvalid(t("sync.pkg.bad_payload", why=str(exc))) from exc
        previous_cache = raw.execute("PRAGMA main.cache_size").fetchone()[0]
        try:
            register_functions(raw)
            # index maintenance at a big county touches pages all over its indexes; a larger
            # page cache for this one transaction cut it by a third to a half (measured)
            raw.execute(f"PRAGMA main.cache_size={MERGE_CACHE_KIB}")
            conn.execution_options(mediator_write=True)
            try:
                with conn.begin():
                    taken_over, superseded = mark_diverged(conn, meta)
                    skip = (set() if taken_over or superseded
                            else unchanged_tables(conn, meta, version))
                    if checked_skip and checked_skip - skip:
                        _check_late(conn, checked_skip - skip)
                    problems = check_package(conn, meta, own_code, version, skip)
                    if problems:
                        err = PackageInvalid(t("sync.pkg.rows_rejected", n=len(problems),
                                               first=problems[0]), problems)
                        raise err
                    result = merge_tables(conn, meta, version, progress, skip)
                    if progress:
                        progress("index")
                    with Session(bind=conn) as session:
                        result.affected_cases = reindex_affected(conn, session)
                        result.log_id = _log(conn, session, meta, result, operator)
            except sqlite3.OperationalError as exc:
                raise _operational(exc) from exc
            except UnicodeError as exc:
                raise PackageInvalid(t("sync.pkg.bad_payload", why=str(exc)[:120])) from exc
            except sqlite3.DatabaseError as exc:
                raise PackageInvalid(t("sync.pkg.merge_failed", error=str(exc))) from exc
            except Exception as exc:
                inner = getattr(exc, "orig", None)
                if isinstance(inner, sqlite3.OperationalError):
                    raise _operational(inner) from exc
                if isinstance(inner, sqlite3.DatabaseError):
                    raise PackageInvalid(t("sync.pkg.merge_failed", error=str(inner))) from exc
                raise
        finally:
            try:
                raw.execute(f"PRAGMA main.cache_size={int(previous_cache)}")
                raw.execute("DETACH DATABASE pkg")
            except sqlite3.DatabaseError:
                conn.invalidate()
    return result


def record_unchanged(db: Database, meta: PackageMeta, counts: dict[str, int], *,
                     operator: str, version: int) -> MergeResult | None:
    """A package every table of which is unchanged (``unchanged_tables``: its signed digests
    are those merged from the same sender last time) is logged as imported, every row
    unchanged, without its payload being decrypted or read: none of its rows would be
    applied. None (nothing written) when any table must be merged; the caller then merges
    the package in full. ``counts`` are the header's (signed) row counts."""
    if not meta.digests or not 1 <= version <= PAYLOAD_VERSION:
        return None
    carried = tables(version)
    if set(counts) != set(carried):
        return None
    try:
        with db.engine.connect() as conn:
            conn.execution_options(mediator_write=True)
            with conn.begin() as tx:
                taken_over, superseded = mark_diverged(conn, meta)
                if taken_over or superseded or \
                        unchanged_tables(conn, meta, version) != set(carried):
                    tx.rollback()
                    return None
                result = MergeResult()
                for table in carried:
                    result.tables[table] = Counts(unchanged=counts[table])
                    result.total.add(result.tables[table])
                with Session(bind=conn) as session:
                    result.log_id = _log(conn, session, meta, result, operator)
    except sqlite3.OperationalError as exc:
        raise _operational(exc) from exc
    except Exception as exc:
        inner = getattr(exc, "orig", None)
        if isinstance(inner, sqlite3.OperationalError):
            raise _operational(inner) from exc
        raise
    return result


def _operational(exc: sqlite3.OperationalError) -> Exception:
    text = str(exc).lower()
    if "disk" in text or "i/o" in text or "full" in text:
        return SyncIOError(t("sync.db_io_error", error=str(exc)))
    return PackageInvalid(t("sync.pkg.merge_failed", error=str(exc)))


def _log(conn: Connection, session: Session, meta: PackageMeta, result: MergeResult,
         operator: str) -> str:
    log_id = new_id()
    total = result.total
    details = json.dumps({k: v.as_dict() for k, v in result.tables.items()}, sort_keys=True)
    conn.exec_driver_sql(
        "INSERT INTO main.import_log (id, package_hash, file_name, sender_code, sender_name, "
        "sender_fingerprint, package_created_at, week, imported_at, imported_by, format_version, "
        "schema_version, new_rows, updated_rows, unchanged_rows, older_rows, conflict_rows, "
        "rejected_rows, details, lineage, lineage_seq, ancestry, digests) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (log_id, meta.package_hash, meta.file_name, meta.sender_code, meta.sender_name,
         meta.sender_fingerprint, meta.created_at, meta.week, _now_text(), operator,
         meta.format_version, meta.schema_version, total.new, total.updated, total.unchanged,
         total.older, total.conflicts, total.rejected, details,
         *((None, None, None) if meta.point is None else (
             meta.point.lineage, meta.point.seq,
             json.dumps([list(a) for a in meta.point.ancestry], separators=(",", ":")))),
         json.dumps(meta.digests, sort_keys=True) if meta.digests else None))
    audit.append(session, operator, "sync.import", "import_log", log_id, None, {
        "package": meta.package_hash, "file": meta.file_name, "sender": meta.sender_code,
        "fingerprint": meta.sender_fingerprint, "week": meta.week, **total.as_dict(),
        "cases": result.affected_cases,
    })
    return log_id
