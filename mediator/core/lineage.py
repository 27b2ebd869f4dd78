"""Lineages: telling a township's abandoned branch from its live one after a restore.

Revisions order the versions of a row only while an office's history is a single line. When a
township restores an old backup and edits again, its database starts a second history from the
backup's state; the versions written on the first one after the backup are gone from the
township, whatever their revision numbers say. So each database carries a *lineage*: a random
id, plus the ids of the databases it descends from by restores, each with the *fork point*, the
audit sequence number of the backup it was restored from (setting ``sync.lineage``, JSON
``[[root, fork_seq], …, [own id, null]]``, root first).

Every write to the data appends to the audit trail in the same transaction, so the audit
sequence number orders a database's states: a snapshot taken at sequence ``a`` is part of the
history of every later state of the same lineage, and of a descendant forked at ``k >= a``. A
package carries its sender's *point* (lineage, audit sequence at the snapshot, ancestry); two
points are *compatible* when one is in the other's history. Rows a county holds from a package
whose point is not compatible with a new package's were written on another branch: they are
never overwritten or kept silently (mediator.sync.merge).

The root lineage is the start of the database's first audit hash (migration 0007), so every
copy of one database shares it, a backup made before lineages existed included; a new
database gets a random one. The setting is written directly (like the audit tail), never
synced and never audited: it is bookkeeping of the file, not data. No textual here.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from dataclasses import dataclass

KEY = "sync.lineage"
MAX_DEPTH = 64                     # restores of restores: far more than a real office makes
_ID = re.compile(r"[0-9a-f]{32}")

Chain = list[tuple[str, int | None]]


def new_id() -> str:
    return uuid.uuid4().hex


def parse_chain(text: str | None) -> Chain | None:
    """The chain from the setting's JSON; None when absent or not what mediator writes."""
    if not text:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, list) or not 1 <= len(data) <= MAX_DEPTH:
        return None
    chain: Chain = []
    for i, item in enumerate(data):
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[0], str)
                and _ID.fullmatch(item[0])):
            return None
        last = i == len(data) - 1
        seq = item[1]
        if last and seq is not None:
            return None
        if not last and not (type(seq) is int and 0 <= seq < 2**63):
            return None
        chain.append((item[0], seq))
    if len({lid for lid, _ in chain}) != len(chain):
        return None
    return chain


def dump_chain(chain: Chain) -> str:
    return json.dumps([[lid, seq] for lid, seq in chain], separators=(",", ":"))


def read_chain(con: sqlite3.Connection) -> Chain | None:
    row = con.execute('SELECT value FROM setting WHERE "key" = ?', (KEY,)).fetchone()
    return parse_chain(row[0] if row else None)


def audit_seq(con: sqlite3.Connection) -> int:
    row = con.execute("SELECT max(seq) FROM audit_log").fetchone()
    return int(row[0] or 0)


def ensure(con: sqlite3.Connection) -> Chain:
    """This database's chain, starting a root lineage when it has none (or an unreadable
    one). ``con`` must be in a write transaction or autocommit."""
    chain = read_chain(con)
    if chain is None:
        chain = [(root_id(con), None)]
        con.execute('INSERT OR REPLACE INTO setting ("key", value) VALUES (?, ?)',
                    (KEY, dump_chain(chain)))
    return chain


def root_id(con: sqlite3.Connection) -> str:
    """The root lineage of a database that has none: the start of its first audit hash, as
    migration 0007 makes it (every copy of a database shares it), else a random id."""
    row = con.execute("SELECT lower(substr(hash, 1, 32)) FROM audit_log "
                      "ORDER BY seq LIMIT 1").fetchone()
    if row and isinstance(row[0], str) and _ID.fullmatch(row[0]):
        return row[0]
    return new_id()


def fork(con: sqlite3.Connection) -> Chain:
    """Start a new lineage in a database just restored from a backup: its parent is the
    backup's lineage, forked at the backup's audit head. A backup without a lineage (made
    before there were lineages) gets a root of its own first."""
    chain = read_chain(con) or [(root_id(con), None)]
    head = audit_seq(con)
    own, _ = chain[-1]
    forked: Chain = [*chain[:-1], (own, head), (new_id(), None)]
    if len(forked) > MAX_DEPTH:      # keep the newest ancestors: the oldest matter least
        forked = forked[-MAX_DEPTH:]
    con.execute('INSERT OR REPLACE INTO setting ("key", value) VALUES (?, ?)',
                (KEY, dump_chain(forked)))
    return forked


def fork_file(path: str) -> Chain:
    """:func:`fork` on the database file at ``path``, in one transaction."""
    con = sqlite3.connect(path, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        try:
            chain = fork(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return chain
    finally:
        con.close()


# --- comparing points ------------------------------------------------------------------------


@dataclass(frozen=True)
class Point:
    """Where a snapshot was taken: a lineage, its audit sequence number, and its ancestry
    (the chain minus its own last entry)."""

    lineage: str
    seq: int
    ancestry: tuple[tuple[str, int], ...] = ()

    def limit(self, lineage: str) -> int | None:
        """The newest audit sequence number of ``lineage`` in this point's history."""
        if lineage == self.lineage:
            return self.seq
        for lid, seq in self.ancestry:
            if lid == lineage:
                return seq
        return None

    def contains(self, other: Point) -> bool:
        """``other``'s state is in this point's history."""
        limit = self.limit(other.lineage)
        return limit is not None and other.seq <= limit

    def descends_from(self, lineage: str) -> bool:
        return any(lid == lineage for lid, _ in self.ancestry)


COMPATIBLE, TAKE_OVER, SUPERSEDED, SIBLING = "compatible", "take_over", "superseded", "sibling"


def relation(package: Point, held: Point) -> str:
    """How a new package's point stands to the point of a package already imported:
    compatible (one history contains the other: revisions decide, as always); take_over (the
    new package's lineage was restored from the held one's, which wrote after the fork: the
    held rows of that package are the abandoned branch); superseded (the reverse: the new
    package is from the abandoned branch); sibling (two branches, neither restored from the
    other after it)."""
    if package.contains(held) or held.contains(package):
        return COMPATIBLE
    if package.descends_from(held.lineage):
        return TAKE_OVER
    if held.descends_from(package.lineage):
        return SUPERSEDED
    return SIBLING


def point_of(lineage: str | None, seq: int | None, ancestry: str | None) -> Point | None:
    """A point from an import_log row (None for a package without lineage)."""
    if lineage is None or seq is None:
        return None
    pairs: list[tuple[str, int]] = []
    try:
        for lid, fseq in json.loads(ancestry or "[]"):
            pairs.append((str(lid), int(fseq)))
    except (ValueError, TypeError):
        return None
    return Point(lineage, int(seq), tuple(pairs))


__all__ = ["KEY", "Point", "dump_chain", "ensure", "fork", "fork_file", "parse_chain",
           "read_chain", "relation"]
