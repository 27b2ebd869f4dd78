"""Which ledger rows are already in the database, and what changed since (issue 16).

A ledger row's *identity* is what does not change as its case goes on: the registration date,
the set of party names (spaces dropped, each once, in code point order) and the coded dispute
type. The running number is not part of it (rows are renumbered, inserted in date order,
numbered afresh on every sheet); nor are facts, result or amount (filled in later).

Each imported case keeps its identity in ``ledger_row`` with a short digest of every field as
the ledger said it then. A row read again is matched against the imported cases of the same
identity: the same digests -> already imported; otherwise -> changed, field by field. A row
whose identity matches cases that are all accounted for is a new case (two cases of the same
parties on the same day happen) and is imported, flagged as a possible duplicate.

Used inside ``importing.insert_rows``'s transaction; pure apart from ``load`` and ``store``.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from mediator.core import search
from mediator.core.validate import iso_date, normalise_line

if TYPE_CHECKING:  # pragma: no cover
    from mediator.core.importing import ImportedCase

_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """A party name as compared: normalised as stored, without any whitespace."""
    return _SPACE.sub("", normalise_line(name))


def identity_of(registered: date, names: Iterable[str], dispute_type: str) -> str:
    """``2025-03-05|李四、张三|NEIGHBOUR`` (the same text the 0008 migration computes)."""
    keys = sorted({k for k in map(name_key, names) if k})
    return f"{iso_date(registered)}|{'、'.join(keys)}|{dispute_type}"


def digests(texts: dict[str, str]) -> dict[str, str]:
    """Each field's value as remembered: "" for blank, else its CRC-32 in hex (enough to tell
    a changed cell, cheap for 10,000 rows × 20 columns, and not the value itself). A row's
    fields at once: one call a row, not one a cell (170,000 calls a 10,000-row ledger)."""
    crc32 = zlib.crc32
    # %-formatting: an f-string's format spec is half as fast again, 170,000 times
    return {name: "%08x" % crc32(text.encode("utf-8")) if text else ""  # noqa: UP031
            for name, text in texts.items()}


def changed_fields(old: dict[str, str] | None, new: dict[str, str]) -> list[str]:
    """Fields whose value differs; a column the ledger did not have before counts only when
    it now holds something, a column it no longer has does not count."""
    if old is None:
        return []
    return [k for k, v in new.items() if (k in old and old[k] != v) or (k not in old and v)]


@dataclass
class Known:
    case_id: str
    case_no: str
    fields: dict[str, str] | None


@dataclass(frozen=True)
class Verdict:
    status: str  # "existing" | "changed" | "new"
    case_no: str | None = None
    case_id: str | None = None
    changed: tuple[str, ...] = ()
    #: a new row whose identity an imported case already has: its case number
    same_as: str | None = None


def load(con: Any, owner: str, identities: Sequence[str]) -> dict[str, list[Known]]:
    """The imported cases registered on the days of ``identities`` (not only those of the
    same identity: a party added to the ledger since changes the identity), by identity.
    ``con``: a plain sqlite3 connection (the ledger import's writer)."""
    out: dict[str, list[Known]] = {}
    days = sorted({i[:10] for i in identities})
    found = con.execute(
        "SELECT r.identity, r.case_id, c.case_no, r.fields FROM ledger_row r "
        "JOIN dispute_case c ON c.id = r.case_id "
        "WHERE r.owner_code = :o AND c.deleted = 0 "
        "AND substr(r.identity, 1, 10) IN (SELECT value FROM json_each(:days)) "
        "ORDER BY r.row_no, c.seq", {"o": owner, "days": json.dumps(days)}).fetchall()
    for identity, case_id, case_no, fields in found:
        out.setdefault(identity, []).append(
            Known(case_id, case_no, json.loads(fields) if fields else None))
    return out


def match(rows: Sequence[ImportedCase], known: dict[str, list[Known]]) -> list[Verdict]:
    """One verdict per row (rows without an identity are "new")."""
    verdicts: list[Verdict | None] = [None] * len(rows)
    pool = {identity: list(cases) for identity, cases in known.items()}  # not yet claimed
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        if row.identity is not None:
            groups.setdefault(row.identity, []).append(i)
    for identity, indexes in groups.items():
        cases = pool.get(identity, [])
        if not cases:
            continue
        rest = []
        for i in indexes:  # the same fields as an imported case: that case
            hit = next((k for k in cases if k.fields is None
                        or not changed_fields(k.fields, rows[i].fields)), None)
            if hit is None:
                rest.append(i)
                continue
            cases.remove(hit)
            verdicts[i] = Verdict("existing", hit.case_no, hit.case_id)
        for i in rest:  # then, in order, the ones that changed since
            if cases:
                k = cases.pop(0)
                verdicts[i] = Verdict("changed", k.case_no, k.case_id,
                                      tuple(changed_fields(k.fields, rows[i].fields)))
            else:
                verdicts[i] = Verdict("new", same_as=known[identity][0].case_no)
    # A party added to (or dropped from) the row since it was imported changes its identity:
    # the same day and type, and one set of names inside the other, is that case, changed.
    for i, row in enumerate(rows):
        if verdicts[i] is not None or row.identity is None:
            continue
        day, names, kind = _parts(row.identity)
        for identity, cases in pool.items():
            k_day, k_names, k_kind = _parts(identity)
            if not cases or (k_day, k_kind) != (day, kind) or not names or not k_names \
                    or not (names <= k_names or k_names <= names):
                continue
            k = cases.pop(0)
            fields = changed_fields(k.fields, row.fields) if k.fields is not None else \
                [f for f in row.fields if f.endswith(".name") and row.fields[f]]
            verdicts[i] = Verdict("changed", k.case_no, k.case_id, tuple(fields))
            break
    return [v or Verdict("new") for v in verdicts]


def _parts(identity: str) -> tuple[str, frozenset[str], str]:
    day, _, rest = identity.partition("|")
    names, _, kind = rest.rpartition("|")
    return day, frozenset(n for n in names.split("、") if n), kind


_ROW_SQL = ("INSERT INTO ledger_row (case_id, owner_code, identity, ledger_no, import_id, sheet,"
            " row_no, fields) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
_IMPORT_SQL = ("INSERT INTO ledger_import (id, owner_code, source, imported_at, imported_by, cases)"
               " VALUES (?, ?, ?, ?, ?, ?)")


def store(con: Any, owner: str, import_id: str, source: str, operator: str, now: str,
          links: Sequence[tuple[str, ImportedCase]]) -> None:
    """Record the import and, per case it added, the row it came from."""
    if not links:
        return
    con.execute(_IMPORT_SQL, (import_id, owner, source, now, operator, len(links)))
    con.executemany(_ROW_SQL, [
        (case_id, owner, row.identity, row.ledger_no, import_id, row.sheet, row.row_no,
         _fields_json(row.fields))
        for case_id, row in links if row.identity is not None])


#: ``json.dumps(fields, ensure_ascii=False, sort_keys=True)`` with one encoder for all rows
#: (json.dumps with options builds a new encoder per call: 10,000 of them a ledger)
_fields_json = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


# --- undo ---------------------------------------------------------------------------------

#: the rows of a case, children first
_CASE_TABLES = ("party", "case_event", "follow_up", "obligation", "agreement", "case_fact")


@dataclass(frozen=True)
class ImportEntry:
    id: str
    source: str
    imported_at: str
    imported_by: str
    cases: int
    undone_at: str | None


def imports(session: Any, owner: str) -> list[ImportEntry]:
    from sqlalchemy import text

    return [ImportEntry(*r) for r in session.exec(text(
        "SELECT id, source, imported_at, imported_by, cases, undone_at FROM ledger_import "
        "WHERE owner_code = :o ORDER BY imported_at DESC"), params={"o": owner}).all()]


def find_import(session: Any, owner: str, ref: str) -> ImportEntry:
    """An import by its id or the start of it (at least 6 characters, as printed)."""
    from mediator.core.errors import ValidationError
    from mediator.i18n import t

    ref = ref.strip().lower()
    hits = [e for e in imports(session, owner) if len(ref) >= 6 and e.id.startswith(ref)]
    if len(hits) != 1:
        raise ValidationError(t("ledger.undo.unknown" if not hits else "ledger.undo.ambiguous",
                                ref=ref), "import")
    return hits[0]


@dataclass(frozen=True)
class Undone:
    """What ``undo`` removed."""

    case_ids: list[str]
    case_nos: list[str]
    #: the mediators the import itself created and nothing references now: (id, name)
    mediators: list[tuple[str, str]]


def undo(session: Any, owner: str, entry: ImportEntry, operator: str, now: str) -> Undone:
    """Tombstone every case the import added, with all their rows, and the mediators it
    created (a name first met in that ledger) that no live case refers to any more and nobody
    edited since (in the caller's transaction). Refused when a case has been worked on since
    (its revision moved on): undoing would throw that work away.

    The import never creates villages (a 村(居) it does not know is flagged, not added), so
    there are none to remove. A mediator created by the import carries the import's own
    instant as its ``created_at`` (the bulk writer stamps both with one clock reading)."""
    from sqlalchemy import text

    from mediator.core.errors import ValidationError
    from mediator.i18n import t

    if entry.undone_at is not None:
        raise ValidationError(t("ledger.undo.already", id=entry.id[:8],
                                at=str(entry.undone_at)[:16]), "import")
    rows = session.exec(text(
        "SELECT c.id, c.case_no, c.revision, c.rowid FROM ledger_row r "
        "JOIN dispute_case c ON c.id = r.case_id WHERE r.import_id = :i AND c.deleted = 0 "
        "ORDER BY c.seq"), params={"i": entry.id}).all()
    edited = [r[1] for r in rows if r[2] != 1]
    if edited:
        more = "" if len(edited) <= 5 else t("ledger.undo.and_more", n=len(edited) - 5)
        raise ValidationError(t("ledger.undo.edited", n=len(edited),
                                cases="、".join(edited[:5]) + more), "import")
    ids = json.dumps([r[0] for r in rows])
    params = {"ids": ids, "now": now}
    for table in (*_CASE_TABLES, "dispute_case"):
        key = "id" if table == "dispute_case" else "case_id"
        session.exec(text(
            f"UPDATE {table} SET deleted = 1, revision = revision + 1, updated_at = :now "
            f"WHERE deleted = 0 AND {key} IN (SELECT value FROM json_each(:ids))"),
            params=params)
    rowids = json.dumps([r[3] for r in rows])
    # both text indexes (trigram and character pairs) through the one helper that keeps them
    # in step, as a deletion by the services does
    search.delete_bodies(session.connection().connection.driver_connection,
                         [r[3] for r in rows])
    session.exec(text("DELETE FROM case_term WHERE case_rowid IN "
                      "(SELECT value FROM json_each(:r))"), params={"r": rowids})
    mediators = [(r[0], r[1]) for r in session.exec(text(
        "SELECT m.id, m.name FROM mediator m WHERE m.owner_code = :o AND m.deleted = 0 "
        "AND m.revision = 1 AND m.created_at = (SELECT imported_at FROM ledger_import "
        "WHERE id = :i) AND NOT EXISTS (SELECT 1 FROM dispute_case c "
        "WHERE c.mediator_id = m.id AND c.deleted = 0) ORDER BY m.name"),
        params={"o": owner, "i": entry.id}).all()]
    session.exec(text(
        "UPDATE mediator SET deleted = 1, revision = revision + 1, updated_at = :now "
        "WHERE id IN (SELECT value FROM json_each(:ids))"),
        params={"now": now, "ids": json.dumps([m[0] for m in mediators])})
    session.exec(text("UPDATE ledger_import SET undone_at = :now, undone_by = :op "
                      "WHERE id = :i"), params={"now": now, "op": operator, "i": entry.id})
    return Undone([r[0] for r in rows], [r[1] for r in rows], mediators)
