"""Cases brought in from an existing ledger (台账): what one row says, and the legal path
through the lifecycle that reaches the state the row records.

``mediator.ledger`` reads the files and turns rows into :class:`ImportedCase`;
``Services.import_ledger_rows`` inserts them with the same validation as a case typed in and
replays the steps planned here through the state machine (``rules.TRANSITIONS``), so an
imported case is always one the rules could have produced: its outcome, concluded and
archived dates are set by the same code that sets them for live cases.

Pure functions only (no database), so the inference is tested cheaply and exhaustively.
"""

from __future__ import annotations

import enum
import json
import os
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from mediator.core import rules
from mediator.core.enums import AgreementForm, CaseState
from mediator.core.enums import Outcome as CaseOutcome
from mediator.core.rules import Action
from mediator.i18n import t

if TYPE_CHECKING:  # pragma: no cover - avoids an import cycle with services
    from mediator.core.services import CaseInput, Services


class Performance(str, enum.Enum):
    """履行情况 as a ledger records it."""

    PERFORMED = "PERFORMED"
    PERFORMING = "PERFORMING"
    UNPERFORMED = "UNPERFORMED"


@dataclass
class ImportedCase:
    """One ledger row as understood: the case to register plus what happened to it."""

    row_no: int
    case: "CaseInput"  # parties, type, facts, dates... validated by the services
    outcome: CaseOutcome | None = None
    mediated_on: date | None = None
    closed_on: date | None = None
    agreement_form: AgreementForm | None = None
    agreement_terms: str = ""
    agreement_amount_fen: int = 0
    performance: Performance | None = None
    follow_up_on: date | None = None
    follow_up_by: str | None = None
    follow_up_note: str = ""
    mediator_names: list[str] = field(default_factory=list)
    village_name: str | None = None
    #: the ledger's own text that has no column of its own in the database (备注, 年龄,
    #: unrecognised columns...), kept in the import entry of the timeline
    note: str = ""
    #: doubts found while reading the row; stored in Case.import_flags and reported
    flags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One lifecycle action to replay, on the date the ledger gives for it."""

    action: Action
    on: date


@dataclass
class Plan:
    """The steps to replay, doubts about the dates, and the dates as corrected."""

    steps: list[Step]
    flags: list[str]
    follow_up_on: date | None = None

    def on(self, action: Action) -> date | None:
        return next((st.on for st in self.steps if st.action is action), None)


@dataclass(frozen=True)
class RowResult:
    """What became of one row: imported (case_id set), already there, or rejected."""

    row_no: int
    status: str  # "imported" | "existing" | "rejected"
    case_id: str | None = None
    case_no: str | None = None
    state: CaseState | None = None
    reason: str | None = None
    flags: tuple[str, ...] = ()


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    new_mediators: list[str] = field(default_factory=list)
    dry_run: bool = False

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)


def plan_lifecycle(row: ImportedCase, today: date) -> Plan:
    """The actions (after 登记) that take a new case to the state the row records.

    Returns the steps and any doubts found about the dates. Each date is clamped so the
    timeline never runs backwards (a typed 调解日期 before the 受理日期 becomes the 受理日期,
    and is flagged); a date after today is ignored and flagged.
    """
    flags: list[str] = []
    registered = row.case.registered_on or today
    last = registered

    def when(value: date | None, label_key: str) -> date | None:
        nonlocal last
        if value is None:
            return None
        label = t(label_key)
        if value > today:
            flags.append(t("import.flag.future_date", field=label, date=value.isoformat()))
            return None
        if value < last:
            flags.append(t("import.flag.date_too_early", field=label, date=value.isoformat(),
                           floor=last.isoformat()))
            value = last
        last = value
        return value

    steps: list[Step] = []
    outcome = row.outcome
    closed_raw = row.closed_on
    if closed_raw is not None and closed_raw > today:
        flags.append(t("import.flag.future_date", field=t("import.field.closed_on"),
                       date=closed_raw.isoformat()))
        closed_raw = None
    if outcome is None and closed_raw is not None:
        outcome = CaseOutcome.AGREEMENT
        flags.append(t("import.flag.closed_without_result"))

    if outcome is CaseOutcome.REFUSED:
        steps.append(Step(Action.REFUSE, registered))
        closed = when(closed_raw, "import.field.closed_on")
        if closed:
            steps.append(Step(Action.ARCHIVE, closed))
        return Plan(steps, flags)

    steps.append(Step(Action.ACCEPT, registered))
    mediated = when(row.mediated_on, "import.field.mediated_on")
    if outcome is None:
        if mediated:
            steps.append(Step(Action.SESSION, mediated))
        return Plan(steps, flags, when(row.follow_up_on, "import.field.follow_up_on"))

    concluded = mediated or registered
    if outcome is CaseOutcome.AGREEMENT:
        steps.append(Step(Action.AGREE, concluded))
        follow_up = when(row.follow_up_on, "import.field.follow_up_on")
        closed = when(closed_raw, "import.field.closed_on")
        performance = row.performance
        if performance is None and closed:
            performance = Performance.PERFORMED  # 结案 after an agreement: it was performed
        performed_on = follow_up or closed or concluded
        if performance is Performance.PERFORMED:
            steps.append(Step(Action.COMPLETE_PERFORMANCE, performed_on))
        elif performance is Performance.PERFORMING:
            steps.append(Step(Action.BEGIN_PERFORMANCE, concluded))
        elif performance is Performance.UNPERFORMED:
            steps.append(Step(Action.BEGIN_PERFORMANCE, concluded))
            steps.append(Step(Action.MISS, performed_on))
            if closed:
                steps.append(Step(Action.ADVISE_SUIT, closed))
                flags.append(t("import.flag.closed_unperformed"))
        if closed and performance is not Performance.PERFORMING:
            steps.append(Step(Action.ARCHIVE, closed))
        elif closed:
            flags.append(t("import.flag.closed_while_performing"))
        return Plan(steps, flags, follow_up)

    action = {CaseOutcome.FAILED: Action.TERMINATE, CaseOutcome.WITHDRAWN: Action.WITHDRAW,
              CaseOutcome.TRANSFERRED: Action.TRANSFER}[outcome]
    steps.append(Step(action, concluded))
    follow_up = when(row.follow_up_on, "import.field.follow_up_on")
    closed = when(closed_raw, "import.field.closed_on")
    if closed:
        steps.append(Step(Action.ARCHIVE, closed))
    return Plan(steps, flags, follow_up)


# --- inserting (called by Services.import_ledger_rows) -------------------------------------

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

# The ISO text SQLAlchemy writes for a date column (and Python's own, deprecated, default).
sqlite3.register_adapter(date, date.isoformat)


class _Rollback(Exception):
    """Raised at the end of a dry run so the transaction rolls back."""


class _Rows:
    """The rows of one batch as plain dicts, plus their audit entries and search index.

    A ledger has thousands of rows; building ORM objects (SQLModel runs every field's default
    and validator) and flushing them cost ~20 ms a case here, which made a 10,000-row ledger
    take minutes. Plain dicts inserted with one executemany per table are two orders faster.
    The values are those the services would write (same validation, numbering and state
    rules), in the form SQLAlchemy stores them on SQLite: instants as naive-UTC text, dates as
    ISO text (the adapter above), booleans as 0/1.
    """

    TABLES = ("mediator", "dispute_case", "party", "agreement", "case_event", "follow_up")

    def __init__(self, owner: str, operator: str, prev_hash: str):
        from mediator.core.models import utcnow

        self.owner, self.operator, self.prev_hash = owner, operator, prev_hash
        self.now = utcnow().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in self.TABLES}
        self.audit: list[tuple[Any, ...]] = []
        self._prefix = f"{time.time_ns() // 1_000_000:012x}"
        self._counter = 0
        self._random: list[str] = []

    def new_id(self) -> str:
        """A 32-hex-character id like ``models.new_id``, but in creation order: the import's
        start in milliseconds, a counter, then 52 random bits. Rows are then appended to the
        primary-key and case_id indexes instead of landing at random places in them, which
        made the inserts of a large ledger twice as fast. Still unique across offices (the
        random part) and across imports (the time)."""
        if not self._random:
            raw = os.urandom(7 * 1000).hex()
            self._random = [raw[i:i + 13] for i in range(0, len(raw), 14)]
        self._counter += 1
        return f"{self._prefix}{self._counter:07x}{self._random.pop()}"

    def add(self, table: str, **values: Any) -> dict[str, Any]:
        row = {"id": self.new_id(), "owner_code": self.owner, "revision": 1,
               "created_at": self.now, "updated_at": self.now, "deleted": False, "origin": None,
               **values}
        self.rows[table].append(row)
        return row

    def event(self, case: dict[str, Any], kind: str, on: date, summary: str, body: str = "",
              state_from: str | None = None, state_to: str | None = None) -> None:
        self.add("case_event", case_id=case["id"], kind=kind, occurred_on=on, summary=summary,
                 body=body, place=None, participants=None, state_from=state_from,
                 state_to=state_to, operator=self.operator)

    def audit_entry(self, action: str, entity_id: str, after: dict[str, Any]) -> None:
        """``audit.append`` without the round trip: the chain is extended here, in order."""
        from datetime import UTC, datetime

        from mediator.core import audit

        at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")  # as audit.append stores it
        entity = action.split(".")[0]
        a = audit.to_json(after)
        h = audit.entry_hash(self.prev_hash, at, self.operator, action, entity, entity_id, None, a)
        self.audit.append((at, self.operator, action, entity, entity_id, None, a,
                           self.prev_hash, h))
        self.prev_hash = h

    def take(self) -> "_Batch":
        """Hand the batch over for writing (statements, search index) and start a new one."""
        from mediator.core import search

        statements = []
        for name in self.TABLES:
            rows = self.rows[name]
            if rows:
                cols = list(rows[0])
                statements.append((
                    f"INSERT INTO {name} ({', '.join(chr(34) + c + chr(34) for c in cols)}) "
                    f"VALUES ({', '.join('?' * len(cols))})",
                    [tuple(r.values()) for r in rows]))
        by_case: dict[str, list[dict[str, Any]]] = {}
        for p in self.rows["party"]:
            by_case.setdefault(p["case_id"], []).append(p)
        index = []
        for case in self.rows["dispute_case"]:
            parties = by_case.get(case["id"], [])
            names = [p["name"] for p in parties]
            numbers = [x for p in parties for x in (p["id_number"], p["phone"]) if x]
            # the same body and terms as search.reindex_cases / Services._refresh
            index.append((case["id"], search.fts_body(case["case_no"], names, numbers,
                                                      case["facts"], case["requests"]),
                          sorted(search.name_terms(names))))
        batch = _Batch(statements, index, self.audit)
        self.rows = {name: [] for name in self.TABLES}
        self.audit = []
        return batch


@dataclass
class _Batch:
    statements: list[tuple[str, list[tuple[Any, ...]]]]
    index: list[tuple[str, str, list[str]]]
    audit: list[tuple[Any, ...]]

    def write(self, con: sqlite3.Connection) -> None:
        from mediator.core import search

        cursor = con.cursor()
        try:
            last = cursor.execute("SELECT coalesce(max(rowid), 0) FROM dispute_case").fetchone()[0]
            for sql, params in self.statements:  # parents first: keys are checked per statement
                cursor.executemany(sql, params)
            # the search index of the new cases: search.index_case for many at once (new
            # rows have no old entries to delete)
            rowids = {cid: rowid for rowid, cid in cursor.execute(
                "SELECT rowid, id FROM dispute_case WHERE rowid > ?", (last,))}
            search.insert_bodies(cursor, [(rowids[cid], body) for cid, body, _ in self.index])
            cursor.executemany("INSERT INTO case_term (term, case_rowid) VALUES (?, ?)",
                               [(term, rowids[cid]) for cid, _, terms in self.index
                                for term in terms])
            cursor.executemany(_AUDIT_SQL, self.audit)
        finally:
            cursor.close()


def _move(rows: _Rows, case: dict[str, Any], action: Action, on: date, summary: str) -> None:
    """``Services._move`` on a row dict: the same legality check and outcome rules."""
    before = CaseState(case["state"])
    after = rules.next_state(before, action)
    if after is before:
        return
    case["state"] = after.name
    if after in rules.OUTCOME_OF:
        outcome = rules.OUTCOME_OF[after]
        case["outcome"] = outcome.name if outcome else None
        case["concluded_on"] = on
    if after is CaseState.ARCHIVED:
        case["archived_on"] = on
    if action is Action.ACCEPT:
        case["accepted_on"] = on
        case["deadline_on"] = rules.mediation_deadline(on)
    rows.event(case, "STATE", on, summary or action.label, state_from=before.name,
               state_to=after.name)


def insert_rows(svc: "Services", rows: Sequence[ImportedCase], source_name: str, *,
                progress: Callable[[int, int], None] | None = None,
                dry_run: bool = False) -> ImportResult:
    """See ``Services.import_ledger_rows``.

    Everything the batch needs from the database is read first (existing keys, mediators,
    villages, the numbering of each year, the audit chain's last hash); then cases are built
    in memory and written in batches by the writer thread; then the summary audit entry.
    """
    from types import SimpleNamespace

    from pydantic_core import PydanticUndefined
    from sqlalchemy import text
    from sqlmodel import select

    from mediator.core import audit
    from mediator.core.errors import ValidationError
    from mediator.core.models import Case, Mediator, SyncedRow, Village
    from mediator.core.services import (
        ROLE_ORDER, AgreementInput, facts_from_rows, format_case_no, parties_text,
    )

    today = svc.today()
    result = ImportResult(dry_run=dry_run)
    total = len(rows)
    # every column the model declares, with its default (so a column added later is filled)
    synced = set(SyncedRow.model_fields)
    case_defaults = {name: (None if f.default is PydanticUndefined else f.default)
                     for name, f in Case.model_fields.items()
                     if name not in synced and f.default_factory is None}
    # the same texts for every case: translated once
    summaries = {a: t(k) for a, k in _STEP_SUMMARY.items()}
    summaries.update({a: a.label for a in Action if a not in summaries})
    registered_text, terms_unknown = t("svc.ev.registered"), t("import.terms_unknown")
    try:
        with svc.db.write() as s:
            office = svc._office(s)
            keys = sorted({r.case.import_key for r in rows if r.case.import_key})
            existing: dict[str, str] = dict(s.exec(text(  # type: ignore[call-overload]
                "SELECT import_key, case_no FROM dispute_case WHERE owner_code = :o "
                "AND deleted = 0 AND import_key IN (SELECT value FROM json_each(:keys))"),
                params={"o": office.code, "keys": json.dumps(keys)}).all())
            mediators = {m.name: m.id for m in s.exec(select(Mediator).where(
                Mediator.owner_code == office.code, Mediator.deleted == False)).all()}  # noqa: E712
            villages = VillageMatcher([(v.name, v.code) for v in s.exec(
                select(Village).where(Village.deleted == False)).all()])  # noqa: E712
            years = {r.case.registered_on.year for r in rows if r.case.registered_on}
            seqs = {year: svc._next_seq(s, office, year) - 1 for year in years}
            prev = s.exec(text("SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1")).scalar()  # type: ignore[call-overload]
            batch = _Rows(office.code, svc.operator, prev or audit.GENESIS)
            con = s.connection().connection.driver_connection
            first_row: dict[str, int] = {}
            pending = 0
            for done, row in enumerate(rows, start=1):
                key = row.case.import_key
                if key and key in existing:
                    result.rows.append(RowResult(row.row_no, "existing",
                                                 case_no=existing[key]))
                    continue
                if key and key in first_row:
                    result.rows.append(RowResult(row.row_no, "rejected", reason=t(
                        "import.reject.duplicate_row", row=first_row[key])))
                    continue
                plan = plan_lifecycle(row, today)
                flags = [*row.flags, *plan.flags]
                village_code = row.case.village_code
                if not village_code and row.village_name:
                    village_code = villages.match(row.village_name)
                    if village_code is None:
                        flags.append(t("import.flag.village_unknown", name=row.village_name))
                data = replace(row.case, village_code=village_code, mediator_id=None,
                               import_flags="；".join(flags) or None)
                agree_on = plan.on(Action.AGREE)
                agreement_in = None
                try:
                    parties, fields = svc._validate_case(data)
                    if agree_on is not None:
                        agreement_in = AgreementInput(
                            form=row.agreement_form or AgreementForm.ORAL,
                            effective_on=agree_on,
                            terms=row.agreement_terms or terms_unknown,
                            amount_fen=row.agreement_amount_fen)
                        svc._validate_agreement(agreement_in)
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
                case = batch.add("dispute_case", **{**case_defaults, **fields})
                case.update(year=year, seq=seqs[year], state=CaseState.REGISTERED.name,
                            case_no=format_case_no(year, office.short_name, seqs[year]))
                ordered = sorted(parties, key=lambda p: ROLE_ORDER[p.role.name])
                for i, p in enumerate(ordered):
                    batch.add("party", case_id=case["id"], position=i, role=p.role.name,
                              kind=p.kind.name, name=p.name, id_number=p.id_number,
                              gender=p.gender.name if p.gender else None,
                              birth_date=p.birth_date, ethnicity=p.ethnicity, phone=p.phone,
                              address=p.address, org_code=p.org_code,
                              representative=p.representative)
                batch.event(case, "STATE", case["registered_on"], registered_text,
                            state_to=CaseState.REGISTERED.name)
                agreement = None
                for step in plan.steps:
                    if step.action is Action.AGREE and agreement_in is not None:
                        _move(batch, case, Action.AGREE, step.on,
                              t("svc.ev.agreed", form=agreement_in.form.label))
                        agreement = batch.add(
                            "agreement", case_id=case["id"], form=agreement_in.form.name,
                            effective_on=step.on, terms=agreement_in.terms,
                            responsibilities="", amount_fen=agreement_in.amount_fen,
                            perform_place=None, perform_method=None, perform_by=None,
                            judicial_status=None, judicial_applied_on=None,
                            judicial_decided_on=None, judicial_court=None, judicial_ref=None)
                    else:
                        _move(batch, case, step.action, step.on, summaries[step.action])
                follow_ups = []
                if plan.follow_up_on and case["state"] not in (CaseState.REGISTERED.name,
                                                               CaseState.REFUSED.name):
                    by = row.follow_up_by or ""
                    follow_ups.append(batch.add(
                        "follow_up", case_id=case["id"], obligation_id=None,
                        kind="PERFORMANCE" if agreement else "ROUTINE", method=None,
                        due_on=plan.follow_up_on, done_on=plan.follow_up_on,
                        result=_FOLLOW_UP_RESULT.get(row.performance)  # type: ignore[arg-type]
                        if row.performance else None,
                        note=row.follow_up_note, operator=by or svc.operator))
                    batch.event(case, "FOLLOW_UP", plan.follow_up_on,
                                t("import.ev.follow_up", by=by) if by
                                else t("import.ev.follow_up_anon"), row.follow_up_note)
                body = "\n".join(x for x in (row.note, "\n".join(flags)) if x)
                batch.event(case, "IMPORT", today,
                            t("import.ev.imported", file=source_name, row=row.row_no), body)
                view = SimpleNamespace(**case)
                svc._set_due(view, facts_from_rows(  # type: ignore[arg-type]
                    view, SimpleNamespace(**agreement) if agreement else None,  # type: ignore[arg-type]
                    [], [SimpleNamespace(**f) for f in follow_ups], 0))  # type: ignore[misc]
                case["next_due_on"], case["next_due_kind"] = view.next_due_on, view.next_due_kind
                case["parties_text"] = parties_text([(p.role.name, p.name) for p in ordered])
                batch.audit_entry("case.import", case["id"], case)
                result.rows.append(RowResult(row.row_no, "imported", case["id"],
                                             case["case_no"], CaseState(case["state"]),
                                             flags=tuple(flags)))
                if key:
                    first_row[key] = row.row_no
                pending += 1
                if pending >= BATCH:
                    batch.take().write(con)
                    pending = 0
                    if progress:
                        progress(done, total)
            batch.take().write(con)
            if progress:
                progress(total, total)
            svc._audit(s, "ledger.import", "ledger", None, None, {
                "source": source_name, "imported": result.count("imported"),
                "existing": result.count("existing"), "rejected": result.count("rejected")})
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


class VillageMatcher:
    """A ledger's 村(居) text to a village code: the exact name, else the one village whose
    name the text starts with or that starts with the text (青石村委会 → 青石村, 青石 → 青石村)."""

    SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村", "居")

    def __init__(self, villages: Sequence[tuple[str, str]]):
        self.by_name = {name: code for name, code in villages}
        self.cache: dict[str, str | None] = {}

    @classmethod
    def _stem(cls, name: str) -> str:
        for suffix in cls.SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return name

    def match(self, text: str) -> str | None:
        if text in self.cache:
            return self.cache[text]
        code = self.by_name.get(text)
        if code is None:
            stem = self._stem(text)
            hits = {c for n, c in self.by_name.items() if self._stem(n) == stem}
            code = hits.pop() if len(hits) == 1 else None
        self.cache[text] = code
        return code
