"""Lists of cases behind the figures: the overdue and hard cases of a period, the ledger (台账)
and the 以案定补 claims. Each list selects exactly the cases its figure counts (the same SQL
predicates from ``stats``), so a list's length is the figure next to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text

from mediator.core.db import Database
from mediator.core.overdue import DEADLINE_AT
from mediator.documents.completeness import FileCheck, assess, load_facts
from mediator.reports.periods import Period
from mediator.reports.stats import (
    P_GROUP,
    P_HARD_OPEN,
    P_OVERDUE_AT_END,
    P_REGISTERED,
    office_clause,
    params_for,
)


def _d(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class CaseLine:
    id: str
    case_no: str
    parties: str
    dispute_type: str
    village: str | None
    mediator: str | None
    registered_on: date
    accepted_on: date | None
    deadline_on: date | None
    days_overdue: int
    risk_grade: str
    lead_official: str | None
    responsible_person: str | None
    resolve_by: date | None
    stabilising_measures: str | None
    #: the names of the parties that are organisations (never masked as persons)
    organisations: tuple[str, ...] = ()

    @property
    def persons(self) -> list[str]:
        """The names in ``parties`` that are persons (by party kind)."""
        return [n for n in self.parties.replace(" / ", "、").split("、")
                if n and n not in self.organisations]


_VILLAGE = "(SELECT v.name FROM village v WHERE v.code = c.village_code AND v.deleted = 0 LIMIT 1)"
_MEDIATOR = "(SELECT m.name FROM mediator m WHERE m.id = c.mediator_id LIMIT 1)"
_LINE_COLUMNS = (
    f"c.id, c.case_no, c.parties_text, c.dispute_type, {_VILLAGE}, {_MEDIATOR}, "
    "c.registered_on, {accepted}, {deadline}, "
    "CAST(julianday(:asof) - julianday({deadline}) AS INTEGER), c.risk_grade, "
    "c.lead_official, c.responsible_person, c.resolve_by, c.stabilising_measures, "
    "(SELECT group_concat(pt.name, char(31)) FROM party pt WHERE pt.case_id = c.id "
    "AND pt.deleted = 0 AND pt.kind = 'ORGANISATION')"  # as _ORGANISATIONS below
)
#: a list's rows: the FROM clause, the rowid it picks by, the branches of the rows it may
#: count (each an index range) and the acceptance and deadline it shows
_SPELLS = "case_fact p JOIN dispute_case c ON c.id = p.case_id"
_SOURCES = {
    # the spells running at period end (the "stock" rows of stats), with the deadline as it
    # stood then
    "stock": (_SPELLS, "p.rowid", (
        ("case_fact p INDEXED BY ix_fact_open JOIN dispute_case c ON c.id = p.case_id",
         ("p.kind = 'SPELL' AND p.concluded_on IS NULL AND p.accepted_on <= :asof "
         "AND p.deleted = 0")),
        (_SPELLS, ("p.concluded_on > :asof AND p.kind = 'SPELL' AND p.accepted_on <= :asof "
         "AND p.deleted = 0"))), "p.accepted_on", DEADLINE_AT),
    # the hard cases registered by period end
    "hard": ("dispute_case c", "c.rowid", (
        ("dispute_case c", "c.is_hard = 1 AND c.registered_on <= :asof"),),
        "c.accepted_on", "c.deadline_on"),
}


def _lines(db: Database, source: str, where: str, keys: str, order: str, period: Period,
           today: date, offices: Sequence[str] | None,
           limit: int) -> tuple[list[CaseLine], int]:
    """The cases of ``source`` (the rows stats counts the figure from) meeting ``where``:
    the first ``limit`` by ``keys`` (sort expressions) shown in ``order``, and how many there
    are."""
    params = params_for(period, today)
    own = office_clause(offices, params)
    params["lim"] = limit
    from_, rid, parts, accepted, deadline = _SOURCES[source]
    key_list = [k.strip().replace("{deadline}", deadline) for k in keys.split(",")]
    order = order.replace("{deadline}", deadline)
    named = ", ".join(f"{k} AS k{i}" for i, k in enumerate(key_list))
    branches = [f"SELECT {rid} AS rid, {named} FROM {frm} WHERE {cond} "
                f"AND c.deleted = 0 AND {own} AND {where}" for frm, cond in parts]
    union = " UNION ALL ".join(branches)
    positions = ", ".join(f"k{i}" for i in range(len(key_list)))
    columns = _LINE_COLUMNS.format(accepted=accepted, deadline=deadline)
    with db.read() as s:
        total = int(s.exec(text(f"SELECT count(*) FROM ({union})"), params=params).scalar_one())  # type: ignore[call-overload]
        rows = s.exec(text(  # type: ignore[call-overload]
            f"SELECT {columns} FROM {from_} WHERE {rid} IN "
            f"(SELECT rid FROM ({union}) ORDER BY {positions}, rid LIMIT :lim) "
            f"ORDER BY {order}"), params=params).all()
    lines = [CaseLine(r[0], r[1], r[2] or "", r[3], r[4], r[5], _d(r[6]), _d(r[7]), _d(r[8]),  # type: ignore[arg-type]
                      int(r[9] or 0), r[10], r[11], r[12], _d(r[13]), r[14],
                      tuple((r[15] or "").split("\x1f")) if r[15] else ()) for r in rows]
    return lines, total


def overdue_cases(db: Database, period: Period, today: date,
                  offices: Sequence[str] | None = None, limit: int = 1000) -> tuple[list[CaseLine], int]:
    """The cases the ``overdue`` figure counts, longest overdue first, and how many there are."""
    return _lines(db, "stock", P_OVERDUE_AT_END, "{deadline}", "{deadline}, c.case_no",
                  period, today, offices, limit)


def hard_cases(db: Database, period: Period, today: date,
               offices: Sequence[str] | None = None, limit: int = 1000) -> tuple[list[CaseLine], int]:
    """The cases the ``hard_open`` figure counts, nearest 化解时限 first."""
    return _lines(db, "hard", P_HARD_OPEN, "c.resolve_by IS NULL, c.resolve_by",
                  "c.resolve_by IS NULL, c.resolve_by, c.case_no", period, today, offices, limit)


@dataclass(frozen=True)
class PartyLine:
    role: str
    kind: str
    name: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class VisitLine:
    """One 回访 done, with its structured record (issue 24)."""

    done_on: date
    performance: str
    satisfaction: str | None
    new_signs: str
    measures: str


@dataclass(frozen=True)
class LedgerLine:
    id: str
    case_no: str
    registered_on: date
    dispute_type: str
    source: str
    village: str | None
    parties: list[PartyLine]
    facts: str
    persons: int
    amount_fen: int
    mediator: str | None
    accepted_on: date | None
    state: str
    outcome: str | None
    concluded_on: date | None
    agreement_form: str | None
    agreement_amount_fen: int | None
    followups_done: int
    risk_grade: str
    is_hard: bool
    group_dispute: bool
    #: the 回访 done, in the order they were done (issue 24)
    visits: tuple[VisitLine, ...] = ()


_US, _RS = "\x1f", "\x1e"  # unit and record separators inside group_concat
_PARTIES = (
    "(SELECT group_concat(x, char(30)) FROM (SELECT p.role || char(31) || p.kind || char(31) || "
    "p.name || char(31) || coalesce(p.id_number, p.org_code, '') || char(31) || "
    "coalesce(p.phone, '') AS x FROM party p WHERE p.case_id = c.id AND p.deleted = 0 "
    "ORDER BY p.position))"
)


def ledger(db: Database, period: Period, today: date,
           offices: Sequence[str] | None = None) -> list[LedgerLine]:
    """台账: every case the ``registered`` figure counts, in registration order, with its
    parties and where it stands today."""
    params = params_for(period, today)
    own = office_clause(offices, params)
    sql = (f"SELECT c.id, c.case_no, c.registered_on, c.dispute_type, c.source, {_VILLAGE}, "
           f"{_PARTIES}, c.facts, c.persons_involved, c.amount_fen, {_MEDIATOR}, c.accepted_on, "
           "c.state, c.outcome, c.concluded_on, a.form, a.amount_fen, "
           "(SELECT count(*) FROM follow_up f WHERE f.case_id = c.id AND f.deleted = 0 "
           "AND f.done_on IS NOT NULL), c.risk_grade, c.is_hard, "
           f"{P_GROUP} "
           "FROM dispute_case c LEFT JOIN agreement a ON a.id = (SELECT a2.id FROM agreement a2 "
           "WHERE a2.case_id = c.id AND a2.deleted = 0 ORDER BY a2.effective_on DESC LIMIT 1) "
           f"WHERE {P_REGISTERED} AND c.deleted = 0 AND {own} ORDER BY c.registered_on, c.seq")
    with db.read() as s:
        rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
    visits = _visits(db, period, today, offices)
    out = []
    for r in rows:
        parties = [PartyLine(*(rec.split(_US) + ["", "", "", "", ""])[:5])
                   for rec in (r[6] or "").split(_RS) if rec]
        out.append(LedgerLine(r[0], r[1], _d(r[2]), r[3], r[4], r[5], parties, r[7] or "",  # type: ignore[arg-type]
                              int(r[8] or 0), int(r[9] or 0), r[10], _d(r[11]), r[12], r[13],
                              _d(r[14]), r[15], None if r[16] is None else int(r[16]),
                              int(r[17] or 0), r[18], bool(r[19]), bool(r[20]),
                              visits.get(r[0], ())))
    return out


def _visits(db: Database, period: Period, today: date,
            offices: Sequence[str] | None) -> dict[str, tuple[VisitLine, ...]]:
    """The 回访 done on the cases of the ledger, by case, in the order they were done."""
    params = params_for(period, today)
    own = office_clause(offices, params)
    sql = ("SELECT f.case_id, f.done_on, f.performance, f.satisfaction, f.new_signs, f.measures "
           "FROM follow_up f JOIN dispute_case c ON c.id = f.case_id "
           f"WHERE {P_REGISTERED} AND c.deleted = 0 AND {own} AND f.deleted = 0 "
           "AND f.done_on IS NOT NULL ORDER BY f.case_id, f.done_on, f.created_at, f.id")
    with db.read() as s:
        rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
    out: dict[str, list[VisitLine]] = {}
    for r in rows:
        out.setdefault(r[0], []).append(VisitLine(_d(r[1]), r[2] or "", r[3] or None,  # type: ignore[arg-type]
                                                  r[4] or "", r[5] or ""))
    return {k: tuple(v) for k, v in out.items()}


@dataclass(frozen=True)
class RoundLine:
    """One 排查 round of the 台账's 排查 sheet: the round and what was found in it, counted
    by disposition (None: not yet disposed)."""

    id: str
    held_on: date
    level: str
    place: str
    screened_by: str
    focus: str
    sensitive: bool
    nil_return: bool
    found: int
    persons: int
    by_disposition: dict[str | None, int]


def screening_rounds(db: Database, period: Period,
                     offices: Sequence[str] | None = None) -> list[RoundLine]:
    """排查 rounds held in the period, in date order, with the items found in each (every
    item of the round, whatever became of it) counted by disposition."""
    params: dict[str, Any] = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    own = office_clause(offices, params, "r")
    sql = ("SELECT r.id, r.held_on, r.level, coalesce((SELECT v.name FROM village v "
           "WHERE v.code = r.village_code AND v.deleted = 0 LIMIT 1), r.unit, ''), "
           "r.screened_by, r.focus, r.sensitive, r.nil_return "
           "FROM screening_round r WHERE r.held_on BETWEEN :s AND :e AND r.deleted = 0 "
           f"AND {own} ORDER BY r.held_on, r.created_at, r.id")
    items_sql = ("SELECT i.round_id, i.disposition, count(*), sum(i.persons_involved) "
                 "FROM screening_item i JOIN screening_round r ON r.id = i.round_id "
                 "WHERE r.held_on BETWEEN :s AND :e AND r.deleted = 0 AND i.deleted = 0 "
                 f"AND {own} GROUP BY i.round_id, i.disposition")
    with db.read() as s:
        rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
        items = s.exec(text(items_sql), params=params).all()  # type: ignore[call-overload]
    counts: dict[str, dict[str | None, int]] = {}
    persons: dict[str, int] = {}
    for round_id, disposition, n, people in items:
        counts.setdefault(round_id, {})[disposition] = int(n)
        persons[round_id] = persons.get(round_id, 0) + int(people or 0)
    return [RoundLine(r[0], _d(r[1]), r[2], r[3], r[4] or "", r[5] or "", bool(r[6]),  # type: ignore[arg-type]
                      bool(r[7]), sum(counts.get(r[0], {}).values()), persons.get(r[0], 0),
                      counts.get(r[0], {})) for r in rows]


def subsidy_where(period: Period, today: date, offices: Sequence[str] | None
                  ) -> tuple[str, dict[str, Any]]:
    """以案定补 claims: the cases the ``success`` figure counts (mediated to an agreement in
    the period), as a WHERE clause on dispute_case c."""
    params = params_for(period, today)
    own = office_clause(offices, params)
    return f"c.concluded_on BETWEEN :s AND :e AND c.outcome = 'AGREEMENT' AND {own}", params


def casefile_checks(db: Database, period: Period, today: date,
                    offices: Sequence[str] | None) -> list[FileCheck]:
    """The case-file (卷宗) check of every case concluded in the period, in order of
    conclusion: what ``mediator check casefile --month …`` lists."""
    params = params_for(period, today)
    own = office_clause(offices, params)
    return [assess(f) for f in load_facts(db, f"c.concluded_on BETWEEN :s AND :e AND {own}",
                                          params, today, order="c.concluded_on, c.case_no")]


@dataclass(frozen=True)
class SubsidyInfo:
    parties: str
    dispute_type: str
    mediator: str | None
    risk_grade: str
    is_hard: bool
    group_dispute: bool
    organisations: tuple[str, ...] = ()


_ORGANISATIONS = ("(SELECT group_concat(p.name, char(31)) FROM party p WHERE p.case_id = c.id "
                  "AND p.deleted = 0 AND p.kind = 'ORGANISATION')")


def subsidy_info(db: Database, period: Period, today: date,
                 offices: Sequence[str] | None = None) -> dict[str, SubsidyInfo]:
    """Per claimed case: what the 以案定补 list shows besides the file check."""
    where, params = subsidy_where(period, today, offices)
    sql = (f"SELECT c.id, c.parties_text, c.dispute_type, {_MEDIATOR}, c.risk_grade, c.is_hard, "
           f"{P_GROUP}, {_ORGANISATIONS} FROM dispute_case c "
           f"WHERE c.deleted = 0 AND {where}")
    with db.read() as s:
        rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
    return {r[0]: SubsidyInfo(r[1] or "", r[2], r[3], r[4], bool(r[5]), bool(r[6]),
                              tuple(r[7].split("\x1f")) if r[7] else ()) for r in rows}
