"""Hash-chained audit trail that also covers the data.

Each entry's hash covers the previous entry's hash and the entry's own text exactly as stored,
so editing, inserting or deleting an entry behind the application's back breaks the chain at
that point and ``verify`` names the first broken link. Entries are written in the same
transaction as the change they describe (BEGIN IMMEDIATE keeps the chain linear across
processes).

The chain alone says nothing about the rows (``UPDATE party SET name=…`` with sqlite3 left it
intact), nor about its own newest entries being deleted. So (migration 0006):

- Every connection carries temporary triggers that note which rows of the tables a user edits
  (:data:`COVERED`, own rows only) a transaction changes. Before a write transaction commits
  (:func:`settle`), each noted row's digest (SHA-256 of its content) goes into ``audit_row``,
  and the transaction's last entry carries ``rows_digest``, the sum of all row digests, inside
  its hash. Only the changed rows are hashed.
- ``verify`` re-hashes the live rows against ``audit_row`` (naming rows changed, added or
  deleted behind mediator's back), checks that ``audit_row`` adds up to the newest
  ``rows_digest``, and compares the chain's head with the ``audit_tail`` setting, written in
  the same transaction as every entry, so deleting the newest entries shows.
- Rows a county takes from packages (``origin`` set) are covered by the import's own entry and
  the package hash, not row by row.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the ledger import writes on plain sqlite3 without importing SQLModel
    from sqlmodel import Session

GENESIS = "0" * 64

#: the tables whose rows a user edits, covered row by row
COVERED = ("dispute_case", "party", "agreement", "obligation", "follow_up", "case_event")
#: the schema version whose columns a row digest covers (frozen: a column added later must
#: not change every digest)
DIGEST_SCHEMA = 6
#: the setting holding "seq:hash" of the newest entry
TAIL_KEY = "audit_tail"
#: the operator named in entries mediator writes by itself
SYSTEM = "mediator"
MODULUS = 1 << 256
#: at most this many changed rows are named
SHOWN = 20

Execute = Callable[[str, dict[str, Any]], Any]


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.name
    raise TypeError(type(value).__name__)


def to_json(data: dict[str, Any] | None) -> str | None:
    if data is None:
        return None
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=_default)


def entry_hash(prev_hash: str, at: str, operator: str, action: str, entity: str,
               entity_id: str | None, before: str | None, after: str | None,
               rows_digest: str | None = None) -> str:
    """The entry's hash; ``rows_digest`` is part of it when set (entries before 0006 and
    those in the middle of a transaction have none and keep the original formula)."""
    fields: list[Any] = [prev_hash, at, operator, action, entity, entity_id, before, after]
    if rows_digest is not None:
        fields.append(rows_digest)
    payload = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _now_text() -> str:
    # The storage format SQLAlchemy uses for DATETIME on SQLite; hashed exactly as stored.
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def append(session: Session, operator: str, action: str, entity: str,
           entity_id: str | None = None, before: dict[str, Any] | None = None,
           after: dict[str, Any] | None = None) -> str:
    """Append one entry inside the caller's transaction; returns its hash."""
    return _append(_session_execute(session), operator, action, entity, entity_id,
                   to_json(before), to_json(after))


def append_on(con: sqlite3.Connection, operator: str, action: str, entity: str,
              entity_id: str | None = None, before: dict[str, Any] | None = None,
              after: dict[str, Any] | None = None) -> str:
    """:func:`append` on a plain sqlite3 connection inside its transaction."""
    return _append(con.execute, operator, action, entity, entity_id, to_json(before),
                   to_json(after))


def _session_execute(session: Session) -> Execute:
    conn = session.connection()
    return lambda sql, params: conn.exec_driver_sql(sql, params)


def _append(run: Execute, operator: str, action: str, entity: str, entity_id: str | None,
            b: str | None, a: str | None, rows_digest: str | None = None) -> str:
    prev = run("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1", {}).fetchone()
    seq, prev_hash = (int(prev[0]) + 1, str(prev[1])) if prev else (1, GENESIS)
    at = _now_text()
    h = entry_hash(prev_hash, at, operator, action, entity, entity_id, b, a, rows_digest)
    run("INSERT INTO audit_log (seq, at, operator, action, entity, entity_id, \"before\","
        " \"after\", prev_hash, hash, rows_digest) VALUES (:seq, :at, :op, :action, :entity,"
        " :eid, :b, :a, :prev, :h, :rd)",
        {"seq": seq, "at": at, "op": operator, "action": action, "entity": entity,
         "eid": entity_id, "b": b, "a": a, "prev": prev_hash, "h": h, "rd": rows_digest})
    _set_tail(run, seq, h)
    return h


def _set_tail(run: Execute, seq: int, h: str) -> None:
    run("INSERT OR REPLACE INTO setting (\"key\", value) VALUES (:k, :v)",
        {"k": TAIL_KEY, "v": f"{seq}:{h}"})


# --- row digests ------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def digest_columns() -> dict[str, tuple[str, ...]]:
    """The columns a row digest covers, per table, as of :data:`DIGEST_SCHEMA`."""
    from mediator.core.schema import MIGRATIONS

    con = sqlite3.connect(":memory:")
    try:
        for mig in MIGRATIONS:
            if mig.version <= DIGEST_SCHEMA:
                con.executescript(mig.sql)
        return {tbl: tuple(r[1] for r in con.execute(f"PRAGMA table_info({tbl})"))
                for tbl in COVERED}
    finally:
        con.close()


def row_digest(table: str, content: str) -> str:
    """SHA-256 of a row: its table and its values as SQLite's json_array gives them."""
    return hashlib.sha256(f"{table}\n{content}".encode()).hexdigest()


def digest_sql(table: str, alias: str = "p") -> str:
    """SQL computing the digest of the row ``alias`` of ``table`` (needs :func:`register`)."""
    cols = ", ".join(f'{alias}."{c}"' for c in digest_columns()[table])
    return f"mediator_row_digest('{table}', json_array({cols}))"


def _row_bytes_sql(table: str, alias: str = "p") -> str:
    """The row's JSON (as :func:`digest_sql` hashes it) handed to a function as its UTF-8
    bytes: the same bytes the digest hashes, no decoding into a Python string and encoding
    back (95,000 rows a 10,000-row ledger import)."""
    cols = ", ".join(f'{alias}."{c}"' for c in digest_columns()[table])
    return f"CAST(json_array({cols}) AS BLOB)"


def _summed_sql(table: str, alias: str = "p") -> str:
    """:func:`digest_sql` through ``mediator_row_digest_summed`` (:func:`_row_bytes_sql`)."""
    return f"mediator_row_digest_summed('{table}', {_row_bytes_sql(table, alias)})"


#: the sum of the digests ``mediator_row_digest_summed`` made, per thread (SQLite calls a
#: function on the thread running the statement; :func:`settle` zeroes it, then reads it)
_MADE = threading.local()


#: per table, a SHA-256 that has hashed ``"<table>\n"`` (what every row digest starts with)
_PREFIXED: dict[str, Any] = {}


def _prefixed(table: str) -> Any:
    base = _PREFIXED.get(table)
    if base is None:
        base = _PREFIXED[table] = hashlib.sha256(f"{table}\n".encode())
    return base


def _summed_digest(table: str, content: bytes) -> str:
    """:func:`row_digest` of a row's JSON given as UTF-8 bytes (:func:`_summed_sql`), its value
    added to the thread's sum (from the raw bytes: a fifth cheaper than parsing the hex
    again, for the 95,000 rows of a 10,000-row ledger)."""
    h = _prefixed(table).copy()  # the prefix hashed once: a copy is cheaper than a new hash
    h.update(content)
    raw = h.digest()
    _MADE.total += int.from_bytes(raw)
    return raw.hex()


def _digest_into(table: str, made: list[bytes]) -> Callable[[bytes], str]:
    """:func:`_summed_digest` for the new rows of one table (:func:`insert_noted`): the
    table's hash bound once and each raw digest kept in ``made`` to be summed at the end —
    no table name made and looked up, no thread-local sum updated, per row (a fifth of the
    digests' time)."""
    base = _prefixed(table)

    def digest(content: bytes) -> str:
        h = base.copy()
        h.update(content)
        raw = h.digest()
        made.append(raw)
        return raw.hex()
    return digest


def register(con: sqlite3.Connection) -> None:
    """The SQL function the digests are computed with, on one connection; and the one
    :func:`settle` uses, which also adds each digest it makes to the thread's sum."""
    con.create_function("mediator_row_digest", 2, row_digest, deterministic=True)
    con.create_function("mediator_row_digest_summed", 2, _summed_digest)


def install(con: sqlite3.Connection) -> None:
    """Give a connection to a mediator database the digest function and the temporary
    triggers that note changed rows (temporary: they live in this connection only, so the
    file's schema stays exactly what the migrations made)."""
    register(con)
    statements = [("CREATE TEMP TABLE IF NOT EXISTS audit_changed (table_name TEXT NOT NULL,"
                   " row_id TEXT NOT NULL, PRIMARY KEY (table_name, row_id)) WITHOUT ROWID"),
                  # rows :func:`insert_noted` digested itself: how many and their digests' sum
                  ("CREATE TEMP TABLE IF NOT EXISTS audit_digested (n INTEGER NOT NULL,"
                   " total TEXT NOT NULL)")]
    for tbl in COVERED:
        note = f"INSERT OR IGNORE INTO audit_changed VALUES ('{tbl}', "
        statements += [
            _insert_trigger(tbl),
            (f"CREATE TEMP TRIGGER IF NOT EXISTS audit_upd_{tbl} AFTER UPDATE ON main.{tbl} "
             f"WHEN NEW.origin IS NULL OR OLD.origin IS NULL BEGIN {note}NEW.id); "
             f"{note}OLD.id); END"),
            (f"CREATE TEMP TRIGGER IF NOT EXISTS audit_del_{tbl} AFTER DELETE ON main.{tbl} "
             f"WHEN OLD.origin IS NULL BEGIN {note}OLD.id); END"),
        ]
    for sql in statements:
        con.execute(sql)


def _insert_trigger(tbl: str) -> str:
    return (f"CREATE TEMP TRIGGER IF NOT EXISTS audit_ins_{tbl} AFTER INSERT ON main.{tbl} "
            f"WHEN NEW.origin IS NULL BEGIN INSERT OR IGNORE INTO audit_changed VALUES "
            f"('{tbl}', NEW.id); END")


def insert_noted(con: sqlite3.Cursor, table: str, sql: str,
                 rows: Sequence[Sequence[Any]]) -> tuple[int, int]:
    """``executemany(sql, rows)`` of new rows of ``table``, digested for :func:`settle`
    exactly as it digests the rows the insert trigger notes (rows without ``origin``), but in
    one statement afterwards: the trigger, run once per row, made up a third of a 10,000-row
    ledger import's insert time, and noting the rows in ``temp.audit_changed`` for settle to
    join back and digest them was another 0.2 s (issue 16). Their digests go into
    ``audit_row`` here and their count and sum into ``temp.audit_digested``, which settle
    adds to the transaction's sum; a row changed again later in the transaction is noted by
    the update trigger and re-digested by settle (its digest here taken out of the sum). The
    trigger is off only during this executemany, inside the caller's transaction (a rollback
    restores it, and empties ``audit_digested``, with everything else).

    Returns how many rows it digested and the sum of their digests (``(0, 0)`` when the
    insert trigger noted them instead): the ledger import names them in its one entry."""
    trigger = f"audit_ins_{table}"
    if table not in COVERED or con.execute(
            "SELECT 1 FROM temp.sqlite_master WHERE type = 'trigger' AND name = ?",
            (trigger,)).fetchone() is None:
        con.executemany(sql, rows)
        return 0, 0
    # new rows get rowids above the largest one (no AUTOINCREMENT reuse below it); their ids
    # are new, so audit_row holds no digest of them yet
    last = con.execute(f"SELECT coalesce(max(rowid), 0) FROM main.{table}").fetchone()[0]
    con.execute(f"DROP TRIGGER temp.{trigger}")
    try:
        con.executemany(sql, rows)
        made: list[bytes] = []
        connection = con.connection if isinstance(con, sqlite3.Cursor) else con
        connection.create_function("mediator_new_row_digest", 1, _digest_into(table, made))
        n = con.execute(f"INSERT INTO audit_row (table_name, row_id, digest) SELECT "
                        f"'{table}', p.id, mediator_new_row_digest({_row_bytes_sql(table)}) "
                        f"FROM main.{table} p WHERE p.rowid > ? AND p.origin IS NULL",
                        (last,)).rowcount
        total = sum(map(int.from_bytes, made))
        if n:
            con.execute("INSERT INTO temp.audit_digested VALUES (?, ?)", (n, _hex(total)))
        return n, total % MODULUS
    finally:
        con.execute(_insert_trigger(table))


def _sum(digests: Iterable[str | None]) -> int:
    total = 0
    for d in digests:
        if d:
            total += int(d, 16)
    return total % MODULUS


def _hex(value: int) -> str:
    return f"{value % MODULUS:064x}"


def _last_sum(run: Execute) -> int:
    row = run("SELECT rows_digest FROM audit_log WHERE rows_digest IS NOT NULL "
              "ORDER BY seq DESC LIMIT 1", {}).fetchone()
    return int(row[0], 16) if row else 0


def _tail(run: Execute) -> tuple[int, str, Any] | None:
    return run("SELECT seq, hash, at, operator, action, entity, entity_id, \"before\","
               " \"after\", prev_hash FROM audit_log ORDER BY seq DESC LIMIT 1", {}).fetchone()


def start_seq(session: Session) -> int:
    """The newest entry's number at the start of a write transaction (see :func:`settle`)."""
    row = session.connection().exec_driver_sql(
        "SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()
    return int(row[0])


def settle(session: Session, started_at: int) -> None:
    """Before a write transaction commits: digest the rows it changed into ``audit_row`` and
    put the new sum into the transaction's last entry (re-hashed: nothing follows it yet),
    or into an entry of its own when the transaction wrote rows but no entry."""
    _settle(_session_execute(session), started_at)


def settle_on(con: sqlite3.Connection, started_at: int) -> None:
    """:func:`settle` on a plain sqlite3 connection (the ledger import's own transaction)."""
    _settle(con.execute, started_at)


def _settle(run: Execute, started_at: int) -> None:
    changed = run("SELECT count(*) FROM temp.audit_changed", {}).fetchone()[0]
    digested = run("SELECT n, total FROM temp.audit_digested", {}).fetchall()
    tail = _tail(run)
    if not changed and not digested:
        if tail is not None and tail[0] > started_at:
            _set_tail(run, int(tail[0]), str(tail[1]))  # entries written without append()
        return
    # the rows insert_noted digested (their digests are in audit_row already)
    total = _last_sum(run) + _sum(d for _n, d in digested)
    changed += sum(n for n, _d in digested)
    run("DELETE FROM temp.audit_digested", {})
    # each changed row is hashed once: old digests out of the sum, new ones in
    held = ("SELECT a.digest FROM temp.audit_changed c JOIN audit_row a "
            "ON a.table_name = c.table_name AND a.row_id = c.row_id")
    total -= _sum(r[0] for r in run(held, {}))
    run("DELETE FROM audit_row WHERE (table_name, row_id) IN "
        "(SELECT table_name, row_id FROM temp.audit_changed)", {})
    # the new digests are summed as they are made (one pass): reading them back through the
    # join was 0.28 s of a 10,000-row ledger import's 95,000 rows (issue 16)
    _MADE.total = 0
    for tbl in COVERED:
        run(f"INSERT INTO audit_row (table_name, row_id, digest) SELECT '{tbl}', p.id, "
            f"{_summed_sql(tbl)} FROM temp.audit_changed c JOIN main.{tbl} p ON p.id = c.row_id "
            f"WHERE c.table_name = '{tbl}' AND p.origin IS NULL", {})
    total = (total + _MADE.total) % MODULUS
    run("DELETE FROM temp.audit_changed", {})
    digest = _hex(total)
    if tail is not None and tail[0] > started_at:
        seq, _h, at, op, action, entity, eid, b, a, prev = tail
        h = entry_hash(prev, str(at), op, action, entity, eid, b, a, digest)
        run("UPDATE audit_log SET rows_digest = :rd, hash = :h WHERE seq = :seq",
            {"rd": digest, "h": h, "seq": seq})
        _set_tail(run, int(seq), h)
    else:
        _append(run, SYSTEM, "data.write", "rows", None, None, to_json({"rows": changed}),
                digest)


def baseline(con: sqlite3.Connection) -> int:
    """Digest every covered row a database holds when it is upgraded to row digests (inside
    the migration's transaction), with one ``audit.baseline`` entry carrying the sum.
    Returns the number of rows."""
    register(con)
    run: Execute = con.execute
    for tbl in COVERED:
        run(f"INSERT INTO audit_row (table_name, row_id, digest) SELECT '{tbl}', p.id, "
            f"{digest_sql(tbl)} FROM main.{tbl} p WHERE p.origin IS NULL", {})
    count = run("SELECT count(*) FROM audit_row", {}).fetchone()[0]
    if count:
        total = _sum(r[0] for r in run("SELECT digest FROM audit_row", {}))
        _append(run, SYSTEM, "audit.baseline", "database", None, None,
                to_json({"rows": count}), _hex(total))
    return int(count)


@dataclass(frozen=True)
class VerifyResult:
    entries: int
    broken_at: int | None = None
    reason: str | None = None
    #: (table, row id) of rows changed, added or deleted behind mediator's back (the first
    #: :data:`SHOWN`), and how many there are in all
    changed: tuple[tuple[str, str], ...] = ()
    changed_count: int = 0
    #: the row digests themselves were edited (they no longer add up to the chain's sum)
    digests_edited: bool = False
    #: the newest entries were deleted: the entry the ``audit_tail`` setting names
    missing_from: int | None = None
    last_seq: int = 0

    @property
    def ok(self) -> bool:
        return (self.broken_at is None and not self.changed_count and not self.digests_edited
                and self.missing_from is None)


def chain_sql(with_digest: bool = True) -> str:
    cols = ", rows_digest" if with_digest else ""
    return ("SELECT seq, at, operator, action, entity, entity_id, \"before\", \"after\","
            f" prev_hash, hash{cols} FROM audit_log ORDER BY seq")


def verify_rows(rows: Iterable[tuple[Any, ...]]) -> VerifyResult:
    """Check (seq, at, operator, action, entity, entity_id, before, after, prev_hash, hash
    [, rows_digest]) rows in order; stop at the first broken link."""
    prev_hash = GENESIS
    count = 0
    last_seq = 0
    for row in rows:
        seq, at, op, action, entity, eid, b, a, stored_prev, stored_hash = row[:10]
        rows_digest = row[10] if len(row) > 10 else None
        count += 1
        if seq != last_seq + 1:
            return VerifyResult(count, seq, "gap")
        if stored_prev != prev_hash:
            return VerifyResult(count, seq, "prev")
        if entry_hash(prev_hash, str(at), op, action, entity, eid, b, a,
                      rows_digest) != stored_hash:
            return VerifyResult(count, seq, "hash")
        prev_hash = stored_hash
        last_seq = seq
    return VerifyResult(count, last_seq=last_seq)


def verify(session: Session) -> VerifyResult:
    """The chain, its head against the ``audit_tail`` setting, and every covered row
    against its digest."""
    conn = session.connection()
    register(conn.connection.driver_connection)  # type: ignore[arg-type]
    return verify_with(_session_execute(session))


def verify_connection(con: sqlite3.Connection) -> VerifyResult:
    """:func:`verify` over a plain sqlite3 connection (a backup opened read-only)."""
    register(con)
    return verify_with(con.execute)


def verify_with(run: Execute) -> VerifyResult:
    chain = verify_rows(tuple(r) for r in run(chain_sql(), {}))
    if not chain.ok:
        return chain
    missing_from = _truncation(run, chain.last_seq)
    stored = _sum(r[0] for r in run("SELECT digest FROM audit_row", {}))
    digests_edited = stored != _last_sum(run)
    changed: list[tuple[str, str]] = []
    count = 0
    for tbl in COVERED:
        n, first = _changed_rows(run, tbl, SHOWN - len(changed))
        count += n
        changed += first
    return VerifyResult(chain.entries, changed=tuple(changed), changed_count=count,
                        digests_edited=digests_edited, missing_from=missing_from,
                        last_seq=chain.last_seq)


def describe(result: VerifyResult) -> list[str]:
    """What :func:`verify` found, one finding a line, in the user's language."""
    from mediator.core.text import plain
    from mediator.i18n import t

    if result.ok:
        return [t("cli.audit.ok", n=result.entries)]
    if result.broken_at is not None:
        return [t("cli.audit.broken", seq=result.broken_at, n=result.entries)]
    lines = []
    if result.missing_from is not None:
        lines.append(t("integrity.truncated", seq=result.missing_from))
    if result.digests_edited:
        lines.append(t("integrity.digests_edited"))
    if result.changed_count:
        rows = t("integrity.row_sep").join(
            t("integrity.row", table=t(f"cli.table.{table}"), id=plain(row_id, limit=40))
            for table, row_id in result.changed)
        if result.changed_count > len(result.changed):
            rows += " …"
        lines.append(t("integrity.rows_changed", n=result.changed_count, rows=rows))
    return lines


def _truncation(run: Execute, last_seq: int) -> int | None:
    """The first missing entry's number when the chain ends before the entry the
    ``audit_tail`` setting names (its newest entries deleted), else None."""
    row = run("SELECT value FROM setting WHERE \"key\" = :k", {"k": TAIL_KEY}).fetchone()
    tail = _tail(run)
    if row is None:
        # a database that has written an entry since 0006 always has the setting
        has_sums = run("SELECT 1 FROM audit_log WHERE rows_digest IS NOT NULL LIMIT 1",
                       {}).fetchone()
        return last_seq + 1 if has_sums else None
    seq_text, _, h = str(row[0]).partition(":")
    try:
        seq = int(seq_text)
    except ValueError:
        return last_seq + 1
    if tail is not None and (int(tail[0]), str(tail[1])) == (seq, h):
        return None
    return last_seq + 1


def _changed_rows(run: Execute, tbl: str, limit: int) -> tuple[int, list[tuple[str, str]]]:
    """Own rows of ``tbl`` whose content does not match their digest (or that have none),
    and digests whose row is gone."""
    bad = (f"SELECT p.id FROM main.{tbl} p LEFT JOIN audit_row a ON a.table_name = '{tbl}' "
           f"AND a.row_id = p.id WHERE p.origin IS NULL AND "
           f"(a.digest IS NULL OR a.digest != {digest_sql(tbl)}) "
           f"UNION ALL SELECT a.row_id FROM audit_row a WHERE a.table_name = '{tbl}' AND NOT "
           f"EXISTS (SELECT 1 FROM main.{tbl} p WHERE p.id = a.row_id AND p.origin IS NULL)")
    ids = [str(r[0]) for r in run(bad, {}).fetchall()]
    return len(ids), [(tbl, i) for i in ids[:max(limit, 0)]]
