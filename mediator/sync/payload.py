"""The payload: a small SQLite file holding the synced rows, and how an untrusted one is opened.

The payload schema is frozen per version (``payload_v1.sql``), independent of how the local
database got its tables, so the receiving side can demand it *exactly*: any extra table,
index, trigger or view is refused before a single row is read. Rows are only ever read with
explicit column lists.

Opening a payload that arrived on a stick follows SQLite's advice for untrusted files: our
own private copy in a quarantine folder (never the stick: even a read-only open can create
``-wal``/``-shm`` files next to it), header bytes checked by hand first (rollback journal, not
WAL; size consistent), then ``trusted_schema=OFF``, ``cell_size_check=ON``, ``mmap_size=0``,
defensive mode with triggers and views disabled where the Python version exposes it,
``integrity_check`` and ``foreign_key_check``. Integrity checks cannot see edited *content*;
the signature and the AEAD tags do that.
"""

from __future__ import annotations

import sqlite3
import struct
from functools import lru_cache
from importlib import resources
from pathlib import Path

from mediator.core.db import open_untrusted
from mediator.i18n import t
from mediator.sync.errors import PackageInvalid, PackageUnsupported

PAYLOAD_VERSION = 2
PAYLOAD_APP_ID = 0x4D445350  # "MDSP": a mediator sync payload (a database is "MDTR")
SQLITE_MAGIC = b"SQLite format 3\x00"

#: in foreign-key order: parents before children
TABLES: tuple[str, ...] = ("office", "mediator", "village", "dispute_case", "agreement",
                           "obligation", "party", "case_event", "follow_up",
                           "case_fact",
                           # payload version 2 (issue 24): 排查 and 激化风险
                           "screening_round", "screening_item", "risk_event",
                           # payload version 2 (issue 25): the 信访件 records
                           "petition",
                           # payload version 2 (issue 22): the township's answers to its county
                           "supervision_reply")
#: child table -> (column, parent table) pairs, for ownership checks
PARENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "agreement": (("case_id", "dispute_case"),),
    "obligation": (("case_id", "dispute_case"), ("agreement_id", "agreement")),
    "party": (("case_id", "dispute_case"),),
    "case_event": (("case_id", "dispute_case"),),
    "follow_up": (("case_id", "dispute_case"),),
    "case_fact": (("case_id", "dispute_case"),),
    "screening_item": (("round_id", "screening_round"),),
    "risk_event": (("case_id", "dispute_case"), ("item_id", "screening_item")),
    "petition": (("case_id", "dispute_case"),),
}

#: what a package of an older payload version lacks, filled in on the rows it brought, per
#: version: (table, SET clause over the held row). Version 1 had no part payments: its
#: performed instalments were paid in full, its open ones not at all (issue 18).
OLDER_DEFAULTS: dict[int, tuple[tuple[str, str], ...]] = {
    1: (("obligation",
         "paid_fen = CASE WHEN performed_on IS NULL THEN 0 ELSE amount_fen END"),),
}


def ddl(version: int = PAYLOAD_VERSION) -> str:
    return resources.files("mediator.sync").joinpath(f"payload_v{version}.sql").read_text(
        encoding="utf-8")


@lru_cache(maxsize=4)
def expected_master(version: int = PAYLOAD_VERSION) -> tuple[tuple[str, str, str, str | None], ...]:
    """sqlite_master of a correct payload of ``version``, as SQLite itself stores it."""
    con = sqlite3.connect(":memory:")
    try:
        con.executescript(ddl(version))
        return tuple(con.execute(
            "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall())
    finally:
        con.close()


@lru_cache(maxsize=4)
def columns(version: int = PAYLOAD_VERSION) -> dict[str, tuple[str, ...]]:
    """The columns of each table a payload of ``version`` carries (tables it does not carry
    are left out: a version-1 package has no 排查 tables)."""
    con = sqlite3.connect(":memory:")
    try:
        con.executescript(ddl(version))
        found = {tbl: tuple(r[1] for r in con.execute(f"PRAGMA table_info({tbl})"))
                 for tbl in TABLES}
        return {tbl: cols for tbl, cols in found.items() if cols}
    finally:
        con.close()


def tables(version: int = PAYLOAD_VERSION) -> tuple[str, ...]:
    """The tables a payload of ``version`` carries, parents first."""
    return tuple(tbl for tbl in TABLES if tbl in columns(version))


def create_empty(path: Path) -> None:
    """A new payload file with the current schema (rows are added by the exporter)."""
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=OFF")  # a scratch file: fsynced once, when complete
        con.execute("PRAGMA page_size=4096")
        con.executescript("BEGIN;" + ddl() + f"\nPRAGMA application_id={PAYLOAD_APP_ID};"
                          f"\nPRAGMA user_version={PAYLOAD_VERSION};\nCOMMIT;")
    finally:
        con.close()


def finish(path: Path) -> None:
    """Switch a finished payload to rollback-journal mode (header bytes 18–19 = 1)."""
    con = sqlite3.connect(str(path), isolation_level=None)
    try:
        con.execute("PRAGMA journal_mode=DELETE")
    finally:
        con.close()


# --- checking an untrusted payload ------------------------------------------------------------


def _invalid(why: str) -> PackageInvalid:
    return PackageInvalid(t("sync.pkg.bad_payload", why=why))


def check_header_bytes(path: Path) -> None:
    """The 100-byte SQLite header, read by hand before SQLite ever opens the file."""
    size = path.stat().st_size
    with open(path, "rb") as fh:
        head = fh.read(100)
    if len(head) < 100 or not head.startswith(SQLITE_MAGIC):
        raise _invalid(t("sync.why.not_sqlite"))
    if head[18] != 1 or head[19] != 1:
        raise _invalid(t("sync.why.wal"))
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise _invalid(t("sync.why.header_bytes"))
    pages = struct.unpack(">I", head[28:32])[0]
    change, valid_for = struct.unpack(">I", head[24:28])[0], struct.unpack(">I", head[92:96])[0]
    if change != valid_for or pages * page_size != size or size == 0:
        raise _invalid(t("sync.why.header_bytes"))
    app_id = struct.unpack(">I", head[68:72])[0]
    if app_id != PAYLOAD_APP_ID:
        raise _invalid(t("sync.why.application_id"))


def payload_version(path: Path) -> int:
    with open(path, "rb") as fh:
        head = fh.read(100)
    return struct.unpack(">I", head[60:64])[0]


def check_payload(path: Path, counts: dict[str, int],
                  skip: set[str] | frozenset[str] = frozenset()) -> int:
    """Refuse anything but an intact payload of a known version with exactly our schema and
    the row counts the (signed) header promised. Returns the payload version. The tables in
    ``skip`` (sync.merge.unchanged_tables: not merged, their rows never read) are left out of
    the integrity and foreign-key checks (issue 21); without any, the whole file is checked."""
    check_header_bytes(path)
    version = payload_version(path)
    if version > PAYLOAD_VERSION:
        raise PackageUnsupported(t("sync.pkg.newer_schema", version=version,
                                   supported=PAYLOAD_VERSION))
    if version < 1:
        raise _invalid(t("sync.why.schema"))
    try:
        con = open_untrusted(path)
    except sqlite3.DatabaseError as exc:
        raise _invalid(str(exc)) from exc
    try:
        try:
            master = tuple(con.execute(
                "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name"))
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise _invalid(t("sync.why.schema")) from exc
        if master != expected_master(version):
            raise _invalid(t("sync.why.schema"))
        try:
            if not skip:
                problems = [r[0] for r in con.execute("PRAGMA integrity_check(20)")]
                bad_keys = con.execute("PRAGMA foreign_key_check").fetchone() is not None
            else:
                checked = [tbl for tbl in tables(version) if tbl not in skip]
                problems = [r[0] for tbl in checked
                            for r in con.execute(f"PRAGMA integrity_check({tbl})")]
                problems = [p for p in problems if p != "ok"] or ["ok"]
                bad_keys = any(con.execute(f"PRAGMA foreign_key_check({tbl})").fetchone()
                               is not None for tbl in checked)
            if problems != ["ok"]:
                raise _invalid(t("sync.why.integrity", problems="; ".join(map(str, problems[:3]))))
            if bad_keys:
                raise _invalid(t("sync.why.foreign_keys"))
            carried = tables(version)
            actual = {tbl: con.execute(f"SELECT count(*) FROM {tbl}").fetchone()[0]
                      for tbl in carried}
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise _invalid(str(exc)) from exc
        if {k: v for k, v in actual.items()} != {tbl: counts.get(tbl, -1) for tbl in carried} \
                or set(counts) - set(carried):
            raise _invalid(t("sync.why.counts"))
    finally:
        con.close()
    return version


# --- per-table digests (issue 21) -------------------------------------------------------------


def table_digest(con: sqlite3.Connection, table: str, schema: str = "main",
                 version: int | None = None) -> str:
    """SHA-256 of every row of ``table`` in ``schema`` (a payload), in rowid order, with its
    table name, payload version and column list. The exporter writes it into the signed header
    (``digests``); an importer that merged a table with the same digest from the same sender
    last time knows, on the sender's signature, that the table holds nothing new."""
    import hashlib

    version = PAYLOAD_VERSION if version is None else version
    cols = columns(version)[table]
    h = hashlib.sha256(f"{version}:{table}:{','.join(cols)}\n".encode())
    cur = con.execute(f"SELECT {', '.join(cols)} FROM {schema}.{table} ORDER BY rowid")
    while chunk := cur.fetchmany(5000):
        h.update(repr(chunk).encode("utf-8", "surrogatepass"))
    return h.hexdigest()
