"""Many cases written at once: the ledger import and the demo generator.

A case typed in goes through ``Services`` (ORM rows, one transaction per use case). A ledger
of 10,000 rows or a demo year of 20,000 cases cannot: building and flushing ORM objects costs
~20 ms a case. Both write plain rows with ``executemany`` instead, built from the same pure
pieces ``Services`` uses, so a case written here is one the services could have written:

- ``core.checks``: the case and agreement checks, party cleaning, case numbers, the party
  line of the case list, the facts the rules need and the nearest due date;
- ``rules.apply``: what each lifecycle step does to the case (state, outcome, dates);
- :func:`index_entry` and :func:`write_index`: the search index (``core.search``'s body and
  terms, as ``search.reindex_cases`` writes them; the demo's. A ledger import leaves its
  cases' entries for later, ``search.mark_pending``);
- audit entries chained in order without a round trip per entry (``audit.entry_hash``).

Nothing here calls ``Services`` or changes process-wide state (values are converted for
SQLite by :func:`sql_value`, not by a registered adapter).
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from mediator.core import audit, bulk_tables, checks, ledger_rows, rules, search
from mediator.core import facts as case_facts
from mediator.core.enums import AgreementForm, CaseState, PartyRole
from mediator.core.errors import DomainError, ValidationError
from mediator.core.importing import (
    ImportedCase,
    ImportResult,
    Performance,
    RowResult,
    VillageMatcher,
    plan_lifecycle,
)
from mediator.core.inputs import AgreementInput, CaseInput
from mediator.core.rules import Action
from mediator.core.validate import iso_date
from mediator.i18n import t

if TYPE_CHECKING:
    from mediator.core.db import Database


class Writer(Protocol):
    """What the ledger import needs of its caller (``Services``): the database, who is
    working and what day it is."""

    db: Database
    operator: str

    def today(self) -> date: ...


def sql_value(value: Any) -> Any:
    """A value as SQLAlchemy stores it on SQLite: a date as ISO text, a bool as 0/1."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    return value


def index_entry(case_no: str, names: Sequence[str], numbers: Sequence[str], facts: str,
                requests: str, *, initials: Callable[[str], str] | None = None
                ) -> tuple[str, list[str]]:
    """One case's search-index body and its sorted name terms, exactly as
    ``search.reindex_cases`` and ``Services`` write them.

    ``initials`` is for names and numbers already NFKC-normalised (the demo's, with its own
    fast pinyin initials, checked equal to ``search.initials``): then only the facts and
    requests are normalised (they keep typed punctuation when stored)."""
    if initials is None:
        return (search.fts_body(case_no, names, numbers, facts, requests),
                sorted(search.name_terms(names)))
    inits = [initials(n) for n in names]
    parts = [case_no, *names, *inits, *numbers, search.normalise(facts),
             search.normalise(requests)]
    body = "\n".join([p for p in parts if p])
    terms: set[str] = set()
    for name, ini in zip(names, inits):
        for variant in (name.lower(), ini):
            for i in range(len(variant)):
                terms.add(variant[i:])
    return body, sorted(terms)


def insert_sql(table: str, cols: Sequence[str], fixed: Mapping[int, str] | None = None) -> str:
    """``INSERT`` of one row of ``cols`` into ``table``, for ``executemany``; the positions in
    ``fixed`` are written as the SQL given there (a literal) instead of a parameter."""
    names = ", ".join(f'"{c}"' for c in cols)
    fixed = fixed or {}
    values = ", ".join(fixed.get(i, "?") for i in range(len(cols)))
    return f"INSERT INTO {table} ({names}) VALUES ({values})"


def sql_literal(text: str) -> str:
    """``text`` as an SQL string literal (quotes doubled: SQL has no other escape)."""
    return "'" + text.replace("'", "''") + "'"


def insert_statement(table: str, cols: Sequence[str], params: list[tuple[Any, ...]]
                     ) -> tuple[str, str, list[tuple[Any, ...]]]:
    """``(table, sql, params)`` inserting the rows ``params`` (tuples in ``cols``), with each
    column that holds the same text, or NULL, in every row written into the statement as a
    literal rather than bound for each row.

    Why: a bound text is copied into SQLite's memory for each row (an allocation under its
    mutex: ~750 instructions, 1.3 million of them in a 10,000-row ledger import), and a
    bound ``None`` goes through sqlite3's adapter protocol. The owner, the two timestamps,
    the operator and the empty optional columns are the same in every row of a batch; written
    once as literals, the rows stored are the same (the same text, an explicit NULL)."""
    if not params:
        return table, insert_sql(table, cols), params
    columns = list(zip(*params))
    size = len(params)
    fixed: dict[int, str] = {}
    for i, col in enumerate(columns):
        first = col[0]
        if first is None:
            if col.count(None) == size:
                fixed[i] = "NULL"
        # only a str equals a str: the same text in every row (NUL cannot be in SQL text)
        elif first.__class__ is str and col.count(first) == size and "\x00" not in first:
            fixed[i] = sql_literal(first)
    if fixed:
        params = list(zip(*(col for i, col in enumerate(columns) if i not in fixed)))
    return table, insert_sql(table, cols, fixed), params


def write_index(con: sqlite3.Connection | sqlite3.Cursor, fts: Sequence[tuple[int, str]],
                terms: Sequence[tuple[str, int]]) -> None:
    """Index entries of new cases (``search.index_case`` for many at once: new rows have no
    old entries to delete): ``(rowid, body)`` and ``(term, rowid)`` pairs."""
    search.insert_bodies(con, fts)
    con.executemany("INSERT INTO case_term (term, case_rowid) VALUES (?, ?)", terms)


#: timeline summary of each replayed step (the state-change entries of an imported case)
_STEP_SUMMARY = {
    Action.ACCEPT: "svc.ev.accepted", Action.REFUSE: "svc.ev.refused",
    Action.SESSION: "import.ev.mediating", Action.TERMINATE: "svc.ev.terminated",
    Action.WITHDRAW: "svc.ev.withdrawn", Action.TRANSFER: "import.ev.transferred",
    Action.COMPLETE_PERFORMANCE: "svc.ev.performed", Action.MISS: "svc.ev.missed",
    Action.ADVISE_SUIT: "svc.ev.suit", Action.ARCHIVE: "svc.ev.archived",
}
_FOLLOW_UP_RESULT = {Performance.PERFORMED: "PERFORMED", Performance.UNPERFORMED: "NOT_PERFORMED"}
BATCH = 1000
_AUDIT_SQL = ('INSERT INTO audit_log (at, operator, action, entity, entity_id, "before", "after",'
              " prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")

class _Rollback(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


@lru_cache(maxsize=64)
def _convertible(table: str, cols: tuple[str, ...]) -> tuple[int, ...]:
    """The positions of ``cols`` that are date or boolean columns of ``table`` (the values
    :func:`sql_value` converts; every other value is stored as it is). From the models'
    description in ``bulk_tables`` (checked against them by tests/core/test_bulk_tables.py):
    the import does not import the models."""
    known, converted = bulk_tables.COLUMNS[table], bulk_tables.CONVERTED[table]
    return tuple(i for i, c in enumerate(cols) if c in converted or c not in known)


class _Rows:
    """The rows of one batch as plain dicts, plus their audit entries and search index.

    A ledger has thousands of rows; building ORM objects (SQLModel runs every field's default
    and validator) and flushing them cost ~20 ms a case here, which made a 10,000-row ledger
    take minutes. Plain dicts inserted with one executemany per table are two orders faster.
    The values are those the services would write (same validation, numbering and state
    rules), in the form SQLAlchemy stores them on SQLite: instants as naive-UTC text, dates as
    ISO text (:func:`sql_value`), booleans as 0/1.
    """

    TABLES = ("mediator", "dispute_case", "party", "agreement", "case_event", "follow_up",
              "case_fact")

    def __init__(self, owner: str, operator: str, prev_hash: str):
        self.owner, self.operator, self.prev_hash = owner, operator, prev_hash
        # as models.utcnow() is stored: naive UTC text
        self.now = datetime.now(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.TABLES}
        self.tuples: dict[str, list[tuple[Any, ...]]] = {n: [] for n in self._TUPLE_COLUMNS}
        self.audit: list[tuple[Any, ...]] = []
        self._prefix = f"{time.time_ns() // 1_000_000:012x}"
        self._counter = 0
        self._ids: list[str] = []  # the next ids, last first
        # add_with's: by table, the defaults it was made with and the row to copy
        self._templates: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {}

    def new_id(self) -> str:
        """A 32-hex-character id like ``models.new_id``, but in creation order: the import's
        start in milliseconds, a counter, then 52 random bits. Rows are then appended to the
        primary-key and case_id indexes instead of landing at random places in them, which
        made the inserts of a large ledger twice as fast. Still unique across offices (the
        random part) and across imports (the time)."""
        if not self._ids:  # made a thousand at a time (100,000 ids a 10,000-row ledger)
            raw = os.urandom(7 * 1000).hex()
            start, prefix = self._counter, self._prefix
            # %-formatting: faster than an f-string's format spec (100,000 ids)
            self._ids = ["%s%07x%s" % (prefix, start + n, raw[i:i + 13])  # noqa: UP031
                         for n, i in enumerate(range(0, len(raw), 14), start=1)]
            self._ids.reverse()
            self._counter += len(self._ids)
        return self._ids.pop()

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        return self.add_row(table, values)

    def add_row(self, table: str, *parts: dict[str, Any]) -> dict[str, Any]:
        """:meth:`add` of the columns in ``parts`` (later ones win), merged into the row
        once (a new case's 60 columns: no keyword dicts built on the way)."""
        row = {"id": self.new_id(), "owner_code": self.owner, "revision": 1,
               "created_at": self.now, "updated_at": self.now, "deleted": False, "origin": None}
        for part in parts:
            row.update(part)
        self.rows[table].append(row)
        return row

    def add_with(self, table: str, defaults: dict[str, Any],
                 values: dict[str, Any]) -> dict[str, Any]:
        """``add_row(table, defaults, values)`` from a copy of the common columns and
        ``defaults`` made once per table: copying a dict is one step, while merging the
        defaults into each new row grew it four times over (a new case's 60 columns, 10,000
        cases a ledger). The row's columns and their order are those of ``add_row``."""
        made = self._templates.get(table)
        if made is None or made[0] is not defaults:
            made = self._templates[table] = (defaults, {
                "id": None, "owner_code": self.owner, "revision": 1, "created_at": self.now,
                "updated_at": self.now, "deleted": False, "origin": None, **defaults})
        row = made[1].copy()
        row["id"] = self.new_id()
        row.update(values)
        self.rows[table].append(row)
        return row

    #: rows nobody reads back or changes after they are made (most of an import's rows) are
    #: built as tuples in these columns, already as stored (dates as ISO text, booleans as 0/1):
    #: no dict to make and convert in :meth:`take`
    _TUPLE_COLUMNS = {
        "party": ("id", "owner_code", "revision", "created_at", "updated_at", "deleted",
                  "origin", "case_id", "position", "role", "kind", "name", "id_number",
                  "gender", "birth_date", "ethnicity", "phone", "address", "org_code",
                  "representative"),
        "case_event": ("id", "owner_code", "revision", "created_at", "updated_at", "deleted",
                       "origin", "case_id", "kind", "occurred_on", "summary", "body", "place",
                       "participants", "state_from", "state_to", "operator"),
        "case_fact": ("id", "owner_code", "revision", "created_at", "updated_at", "deleted",
                      "origin", "case_id", "kind", "spell", "accepted_on", "deadline_on",
                      "concluded_on", "outcome", "fact_on", "ref_id"),
    }

    def event(self, case: dict[str, Any], kind: str, on: date, summary: str, body: str = "",
              state_from: str | None = None, state_to: str | None = None) -> None:
        """A timeline entry of ``case`` (half the rows of an import)."""
        now = self.now
        self.tuples["case_event"].append((
            self.new_id(), self.owner, 1, now, now, 0, None, case["id"], kind,
            iso_date(on), summary, body, None, None, state_from, state_to, self.operator))

    def party(self, case_id: str, position: int, role: str, kind: str, name: str,
              id_number: str | None, gender: str | None, birth_date: date | None,
              ethnicity: str | None, phone: str | None, address: str | None,
              org_code: str | None, representative: str | None) -> None:
        now = self.now
        self.tuples["party"].append((
            self.new_id(), self.owner, 1, now, now, 0, None, case_id, position, role, kind,
            name, id_number, gender, iso_date(birth_date) if birth_date else None, ethnicity,
            phone, address, org_code, representative))

    def fact(self, case_id: str, kind: str, spell: int, accepted_on: date | None,
             deadline_on: date | None, concluded_on: date | None, outcome: str | None) -> None:
        now = self.now
        self.tuples["case_fact"].append((
            self.new_id(), self.owner, 1, now, now, 0, None, case_id, kind, spell,
            iso_date(accepted_on) if accepted_on else None,
            iso_date(deadline_on) if deadline_on else None,
            iso_date(concluded_on) if concluded_on else None, outcome, None, None))

    def audit_entry(self, action: str, entity_id: str, after: dict[str, Any]) -> None:
        """``audit.append`` without the round trip: the chain is extended here, in order."""
        at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as audit.append stores it
        entity = action.split(".")[0]
        a = audit.to_json(after)
        h = audit.entry_hash(self.prev_hash, at, self.operator, action, entity, entity_id, None, a)
        self.audit.append((at, self.operator, action, entity, entity_id, None, a,
                           self.prev_hash, h))
        self.prev_hash = h

    def take(self) -> _Batch:
        """Hand the batch over for writing and start a new one."""
        statements = []
        for name in self.TABLES:
            made = self.tuples.get(name)
            if made:
                statements.append(insert_statement(name, self._TUPLE_COLUMNS[name], made))
            rows = self.rows[name]
            if rows:
                cols = list(rows[0])
                convert = _convertible(name, tuple(cols))
                params = []
                for r in rows:  # sql_value on the date and boolean columns only
                    values = list(r.values())
                    for i in convert:
                        v = values[i]
                        kind = v.__class__
                        if kind is date:
                            values[i] = iso_date(v)
                        elif kind is bool:  # as sqlite3 binds it, without its adapter lookup
                            values[i] = 1 if v else 0
                        elif v is not None:
                            values[i] = sql_value(v)
                    params.append(tuple(values))
                statements.append(insert_statement(name, cols, params))
        batch = _Batch(statements, self.audit)
        self.rows = {name: [] for name in self.TABLES}
        self.tuples = {name: [] for name in self._TUPLE_COLUMNS}
        self.audit = []
        return batch


@dataclass
class _Batch:
    statements: list[tuple[str, str, list[tuple[Any, ...]]]]
    audit: list[tuple[Any, ...]]

    def write(self, con: sqlite3.Connection) -> tuple[int, int]:
        """Write the batch; returns how many of its rows were digested and their digests'
        sum (``audit.insert_noted``)."""
        cursor = con.cursor()
        digested, total = 0, 0
        try:
            last = cursor.execute("SELECT coalesce(max(rowid), 0) FROM dispute_case").fetchone()[0]
            # parents first: keys are checked per statement; the new rows of the audited
            # tables noted for audit.settle by the writer, not by a trigger per row
            for table, sql, params in self.statements:
                n, summed = audit.insert_noted(cursor, table, sql, params)
                digested, total = digested + n, total + summed
            # the search index of the new cases is built after the command (issue 16: it was
            # two of the import's nine seconds); until then a search scans their texts.
            # (Their dated facts came with their rows: _move, facts.step.)
            search.mark_pending(cursor, [rowid for (rowid,) in cursor.execute(
                "SELECT rowid FROM dispute_case WHERE rowid > ?", (last,)).fetchall()])
            cursor.executemany(_AUDIT_SQL, self.audit)
        finally:
            cursor.close()
        return digested, total


class _Added:
    """The rows a ledger import added, named in its one ``ledger.import`` entry.

    An import writes one audit entry, not one per case (issue 16: the JSON and hash of
    10,000 case entries were a tenth of the command). Nothing is lost by it: every row it
    adds is digested into ``audit_row`` and summed into the transaction's ``rows_digest``
    like any other write, so ``audit.verify`` covers each row; the entry names the import
    (its id, which ``import undo`` takes and ``ledger.undo`` names), how many rows it added
    and the sum of their digests, which ``audit_row`` must still add up to for those rows;
    a case's own origin is in its timeline (the IMPORT entry: file and row), its
    ``import_key`` and ``ledger_row`` link. Mediators the import adds keep their own
    ``mediator.add`` entries."""

    def __init__(self) -> None:
        self.rows, self.total = 0, 0

    def add(self, rows: int, total: int) -> None:
        self.rows, self.total = self.rows + rows, (self.total + total) % audit.MODULUS

    def digest(self) -> str:
        return f"{self.total:064x}"


#: a stored state name -> its member, and back (an enum call and a ``.name`` are Python-level
#: calls: ~30,000 lifecycle steps an import)
_STATE_OF = {s.name: s for s in CaseState}
_NAME_OF = {s: s.name for s in CaseState}


def _move(rows: _Rows, case: dict[str, Any], spells: list[case_facts.Spell], action: Action,
          on: date, summary: str) -> None:
    """``rules.apply`` on a row dict, the state entry of the timeline, and the dated facts of
    the step (``facts.step``, as ``Services`` records them; ``spells``: the case's so far)."""
    before = case["state"]
    tr = rules.apply(_STATE_OF[before], action, on, summary,
                     dispute_type=case.get("dispute_type"))
    if tr.after is not tr.before:  # tr.moved
        case.update(tr.columns())
        rows.event(case, "STATE", on, tr.summary, state_from=before,
                   state_to=_NAME_OF[tr.after])
        case_facts.step(spells, tr)


def _add_spells(rows: _Rows, case: dict[str, Any], spells: list[case_facts.Spell]) -> None:
    """The case's ``SPELL`` facts as :func:`_move` recorded them, oldest first."""
    for sp in spells:
        rows.fact(case["id"], case_facts.SPELL, sp.spell, sp.accepted_on, sp.deadline_on,
                  sp.concluded_on, sp.outcome)


def _apply_changes(svc: Writer, s: Any, owner: str, source_name: str,
                   rows: Sequence[ImportedCase], changed: list[tuple[int, ImportedCase]],
                   result: ImportResult, summaries: dict[Action, str]) -> None:
    """``--update``: each changed row through ``ledger_update.Updater`` (the lifecycle rules
    and an audited correction), its result marked applied or given the reason it was not."""
    from mediator.core.ledger_update import Updater

    updater = Updater(svc, s, owner, source_name, summaries)
    several = len({r.sheet for r in rows}) > 1
    for index, row in changed:
        res = result.rows[index]
        place = t("ledger.place_sheet", sheet=row.sheet, row=row.row_no) \
            if several and row.sheet else t("ledger.place", row=row.row_no)
        outcome = updater.apply(res.case_id or "", row, res.changed, place)
        result.rows[index] = replace(res, applied=outcome.applied, reason=outcome.reason,
                                     state=outcome.state)
    result.new_mediators.extend(updater.new_mediators)


class PlainWriter:
    """What ``ledger.importer.run_import`` needs of ``Services`` for a new import, on plain
    sqlite3: the command ``mediator import ledger`` writes with it so that it never imports
    SQLModel, SQLAlchemy or pydantic (issue 16: ≈ 0.4–0.8 s of the command's CPU, a fifth
    of it). The same :func:`insert_rows` as ``Services.import_ledger_rows``, in one
    transaction made as ``Database.write`` makes it (``db.plain_write``). ``--update`` goes
    through ``Services`` (its corrections are ORM work)."""

    def __init__(self, path: Path, operator: str,
                 today: Callable[[], date] = date.today) -> None:
        self.path, self.operator, self._today = Path(path), operator, today

    def today(self) -> date:
        return self._today()

    def import_ledger_rows(self, rows: Sequence[ImportedCase], source_name: str, *,
                           progress: Callable[[int, int], None] | None = None,
                           dry_run: bool = False, update: bool = False) -> ImportResult:
        from mediator.core.db import plain_write

        if update:
            raise ValueError("--update needs Services")  # pragma: no cover - a caller's bug
        result = ImportResult(dry_run=dry_run)
        try:
            with plain_write(self.path) as con:
                _insert(con, self.operator, self.today(), rows, source_name, result,
                        progress=progress)
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        return result


def insert_rows(svc: Writer, rows: Sequence[ImportedCase], source_name: str, *,
                progress: Callable[[int, int], None] | None = None,
                dry_run: bool = False, update: bool = False) -> ImportResult:
    """The ledger import (``Services.import_ledger_rows``, which see), in a transaction of
    ``svc.db``; :class:`PlainWriter` runs the same without SQLAlchemy."""
    result = ImportResult(dry_run=dry_run)
    try:
        with svc.db.write() as s:
            con = s.connection().connection.driver_connection
            apply = None
            if update:
                def apply(owner: str, rows: Sequence[ImportedCase],
                          changed: list[tuple[int, ImportedCase]],
                          summaries: dict[Action, str]) -> None:
                    _apply_changes(svc, s, owner, source_name, rows, changed, result,
                                   summaries)
            _insert(con, svc.operator, svc.today(), rows, source_name, result,
                    progress=progress, apply=apply)
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


def _insert(con: sqlite3.Connection, operator: str, today: date,
            rows: Sequence[ImportedCase], source_name: str, result: ImportResult, *,
            progress: Callable[[int, int], None] | None = None,
            apply: Callable[..., None] | None = None) -> None:
    """The import inside the caller's transaction on ``con``.

    Everything the batch needs from the database is read first (existing keys, mediators,
    villages, the numbering of each year, the audit chain's last hash); then cases are built
    in memory, checked by ``core.checks`` and moved by ``rules.apply``, and written in
    batches; then ``apply`` (``--update``) applies the changed rows to their cases
    (``core.ledger_update``); then the import's audit entry.
    """
    update = apply is not None
    total = len(rows)
    case_defaults = bulk_tables.CASE_DEFAULTS
    # the same texts for every case: translated once
    summaries = {a: t(k) for a, k in _STEP_SUMMARY.items()}
    summaries.update({a: a.label for a in Action if a not in summaries})
    registered_text, terms_unknown = t("svc.ev.registered"), t("import.terms_unknown")
    agreed_text = {form: t("svc.ev.agreed", form=form.label) for form in AgreementForm}
    follow_up_text: dict[str, str] = {}
    # enum names read once (an enum's .name is a descriptor call: 300,000 of them a ledger)
    registered, refused = CaseState.REGISTERED.name, CaseState.REFUSED.name
    role_order = {role: checks.ROLE_ORDER[role.name] for role in PartyRole}
    office = con.execute(
        "SELECT o.code, o.short_name FROM office o JOIN setting s "
        "ON s.key = 'office_code' AND o.code = s.value WHERE o.deleted = 0 "
        "LIMIT 1").fetchone()
    if office is None:
        raise DomainError(t("svc.no_office"))
    code, short_name = office
    keys = sorted({r.case.import_key for r in rows if r.case.import_key})
    existing: dict[str, str] = dict(con.execute(
        "SELECT import_key, case_no FROM dispute_case WHERE owner_code = ? "
        "AND deleted = 0 AND import_key IN (SELECT value FROM json_each(?))",
        (code, json.dumps(keys))).fetchall())
    mediators = dict(con.execute(
        "SELECT name, id FROM mediator WHERE owner_code = ? AND deleted = 0",
        (code,)).fetchall())
    villages = VillageMatcher(con.execute(
        "SELECT name, code FROM village WHERE deleted = 0").fetchall())
    years = {r.case.registered_on.year for r in rows if r.case.registered_on}
    seqs = {year: int(con.execute(
        "SELECT coalesce(max(seq), 0) FROM dispute_case WHERE owner_code = ? "
        "AND year = ?", (code, year)).fetchone()[0]) for year in years}
    prev = con.execute("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1"
                       ).fetchone()
    batch = _Rows(code, operator, prev[0] if prev else audit.GENESIS)
    known = ledger_rows.load(con, code, [r.identity for r in rows if r.identity])
    verdicts = ledger_rows.match(rows, known)
    links: list[tuple[str, ImportedCase]] = []
    first_row: dict[str, int] = {}
    pending = 0
    added = _Added()
    changed: list[tuple[int, ImportedCase]] = []  # (index in result.rows, row)
    for done, row in enumerate(rows, start=1):
        key = row.case.import_key
        verdict = verdicts[done - 1]
        if verdict.status != "new":
            if verdict.status == "changed":
                changed.append((len(result.rows), row))
            result.rows.append(RowResult(row.row_no, verdict.status, verdict.case_id,
                                         verdict.case_no, changed=verdict.changed))
            continue
        if row.identity is None and key and key in existing:
            result.rows.append(RowResult(row.row_no, "existing",
                                         case_no=existing[key]))
            continue
        if row.identity is None and key and key in first_row:
            result.rows.append(RowResult(row.row_no, "rejected", reason=t(
                "import.reject.duplicate_row", row=first_row[key])))
            continue
        plan = plan_lifecycle(row, today)
        flags = [*row.flags, *plan.flags]
        if verdict.same_as:
            flags.append(t("import.flag.same_as_case", case=verdict.same_as))
        village_code = row.case.village_code
        if not village_code and row.village_name:
            village_code = villages.match(row.village_name)
            if village_code is None:
                flags.append(t("import.flag.village_unknown", name=row.village_name))
        # dataclasses.replace without running __init__ again (CaseInput is a plain
        # dataclass): the plan's own row is left as it was
        data = object.__new__(CaseInput)
        data.__dict__.update(row.case.__dict__, village_code=village_code, mediator_id=None,
                             import_flags="；".join(flags) or None)
        agree_on = plan.on(Action.AGREE)
        agreement_in = None
        try:
            parties, fields = checks.check_case(data, today)
            if agree_on is not None:
                agreement_in = AgreementInput(
                    form=row.agreement_form or AgreementForm.ORAL,
                    effective_on=agree_on,
                    terms=row.agreement_terms or terms_unknown,
                    amount_fen=row.agreement_amount_fen)
                checks.check_agreement(agreement_in, today)
        except ValidationError as exc:
            result.rows.append(RowResult(row.row_no, "rejected", reason=exc.message))
            continue

        if row.mediator_names:
            name = row.mediator_names[0]
            if name not in mediators:
                m = batch.add("mediator", name=name, phone=None, title=None,
                              active=True)
                batch.audit_entry("mediator.add", m["id"], m)
                mediators[name] = m["id"]
                result.new_mediators.append(name)
            fields["mediator_id"] = mediators[name]
        year = fields["registered_on"].year
        seqs[year] += 1
        case = batch.add_with("dispute_case", case_defaults, fields)
        case.update(year=year, seq=seqs[year], state=registered,
                    case_no=checks.format_case_no(year, short_name, seqs[year]))
        ordered = sorted(parties, key=lambda p: role_order[p.role])
        roles = [p.role.name for p in ordered]
        for i, p in enumerate(ordered):
            batch.party(case["id"], i, roles[i], p.kind.name, p.name, p.id_number,
                        p.gender.name if p.gender else None, p.birth_date, p.ethnicity,
                        p.phone, p.address, p.org_code, p.representative)
        batch.event(case, "STATE", case["registered_on"], registered_text,
                    state_to=registered)
        agreement = None
        spells: list[case_facts.Spell] = []
        for step in plan.steps:
            if step.action is Action.AGREE and agreement_in is not None:
                _move(batch, case, spells, Action.AGREE, step.on,
                      agreed_text[agreement_in.form])
                agreement = batch.add(
                    "agreement", case_id=case["id"], form=agreement_in.form.name,
                    effective_on=step.on, terms=agreement_in.terms,
                    responsibilities="", amount_fen=agreement_in.amount_fen,
                    perform_place=None, perform_method=None, perform_by=None,
                    judicial_status=None, judicial_applied_on=None,
                    judicial_decided_on=None, judicial_court=None, judicial_ref=None)
            else:
                _move(batch, case, spells, step.action, step.on, summaries[step.action])
        _add_spells(batch, case, spells)
        follow_ups = []
        if plan.follow_up_on and case["state"] not in (registered, refused):
            by = row.follow_up_by or ""
            follow_ups.append(batch.add(
                "follow_up", case_id=case["id"], obligation_id=None,
                kind="PERFORMANCE" if agreement else "ROUTINE", method=None,
                due_on=plan.follow_up_on, done_on=plan.follow_up_on,
                result=_FOLLOW_UP_RESULT.get(row.performance)  # type: ignore[arg-type]
                if row.performance else None,
                note=row.follow_up_note, operator=by or operator))
            batch.event(case, "FOLLOW_UP", plan.follow_up_on,
                        follow_up_text.get(by) or follow_up_text.setdefault(
                            by, t("import.ev.follow_up", by=by) if by
                            else t("import.ev.follow_up_anon")), row.follow_up_note)
        body = "\n".join(x for x in (row.note, "\n".join(flags)) if x)
        batch.event(case, "IMPORT", today,
                    t("import.ev.imported", file=source_name, row=row.row_no), body)
        case["next_due_on"], case["next_due_kind"] = checks.nearest_due(
            checks.facts_from_rows(case, agreement, [], follow_ups, 0), today)
        case["parties_text"] = checks.parties_text([(role, p.name)
                                                    for role, p in zip(roles, ordered)])
        result.rows.append(RowResult(row.row_no, "imported", case["id"],
                                     case["case_no"], CaseState(case["state"]),
                                     flags=tuple(flags)))
        links.append((case["id"], row))
        if key:
            first_row[key] = row.row_no
        pending += 1
        if pending >= BATCH:
            added.add(*batch.take().write(con))
            pending = 0
            if progress:
                progress(done, total)
    added.add(*batch.take().write(con))
    if links:
        # random (as models.new_id): printed short, typed back to undo
        result.import_id = uuid.uuid4().hex
        ledger_rows.store(con, code, result.import_id, source_name, operator, batch.now, links)
    if apply is not None and changed:
        apply(code, rows, changed, summaries)
    if progress:
        progress(total, total)
    summary = {
        "source": source_name, "imported": result.count("imported"),
        "existing": result.count("existing"), "changed": result.count("changed"),
        "rejected": result.count("rejected")}
    if added.rows:
        # the rows this import added, by count and the sum of their digests: the
        # import's one entry stands for its cases (see _Added)
        summary.update(rows=added.rows, rows_digest=added.digest())
    if update:
        summary["updated"] = result.updated
    audit.append_on(con, operator, "ledger.import", "ledger", result.import_id, None, summary)
