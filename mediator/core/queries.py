"""Read-side queries: the paged, filtered case list, search and the agenda.

All filtering, sorting and paging happens in SQL. The list pages by keyset (the sort key of
the last row seen), never by OFFSET, so page 2,000 costs what page 1 costs.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from mediator.core.lazyre import lazy
from mediator.core.search import pending_text, short_term
from mediator.core.validate import normalise

if TYPE_CHECKING:
    from sqlalchemy import TextClause
    from sqlmodel import Session

MAX_PAGE = 500


def text(sql: str) -> TextClause:
    """SQLAlchemy's ``text``, imported when first needed: the list, its search and its count
    also run on a plain ``sqlite3`` connection (the first page at start, before SQLAlchemy is
    imported: mediator.core.firstpage), through :func:`_rows`."""
    from sqlalchemy import text as sa_text

    return sa_text(sql)


def _rows(session: Session | sqlite3.Connection, sql: str, params: dict[str, Any]) -> list[Any]:
    """The rows of ``sql`` from a session or a plain ``sqlite3`` connection (same SQL, same
    named parameters)."""
    if isinstance(session, sqlite3.Connection):
        return session.execute(sql, params).fetchall()
    return list(session.exec(text(sql), params=params).all())  # type: ignore[call-overload]


@dataclass(frozen=True)
class CaseFilter:
    query: str = ""
    states: tuple[str, ...] = ()
    dispute_type: str | None = None
    village_code: str | None = None
    mediator_id: str | None = None
    risk_grade: str | None = None
    owner_code: str | None = None
    overdue_only: bool = False
    is_hard: bool | None = None
    #: only cases under a live 督办/交办 not yet answered with 办结报告 or 退回 (issue 22)
    supervised_only: bool = False


@dataclass(frozen=True)
class Cursor:
    """Sort key of the last row of a page (newest first: registered_on, seq, id)."""

    registered_on: str
    seq: int
    id: str


@dataclass(frozen=True)
class CaseRow:
    id: str
    case_no: str
    parties: str
    dispute_type: str
    village: str | None
    state: str
    registered_on: date
    next_due_on: date | None
    next_due_kind: str | None
    risk_grade: str
    owner_code: str
    is_hard: bool

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.registered_on.isoformat(), self._seq, self.id)

    _seq: int = 0


@dataclass
class Page:
    rows: list[CaseRow]
    next_cursor: Cursor | None
    params: dict[str, Any] = field(default_factory=dict)


_TOKEN_SPLIT = lazy(r"\s+")


def search_tokens(query: str) -> list[str]:
    """The words of a search; a word of punctuation alone (the ， typed between two words)
    is dropped: it would match nearly every case's text."""
    q = normalise(query).lower()
    return [tok for tok in _TOKEN_SPLIT.split(q) if any(ch.isalnum() for ch in tok)][:6]


def _fts_phrase(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


#: A search term matching more cases than ``common_term`` is "common": the list is then read
#: in its sort order and each case checked against the term's matches, which stops after one
#: page; a rarer term looks its few cases up and sorts them. Fetching and sorting every match
#: of a common term was the slow path (13,753 matches of a three-character fact word: 30 ms at
#: 100,000 cases; read in order: 2 ms); scanning in order for a rare one is slow the other way.
#: Reading in order walks about cases × page / matches rows (~0.7 µs each) to fill a page;
#: fetching costs matches × ~2 µs: they meet near √(page × cases) / 2 matches. A fixed 600
#: was right at 100,000 cases and far too low at 1,000,000: a two-character name with 620
#: matches walked 160,000 rows (100–200 ms) for a page it could sort in 2 ms.
COMMON_TERM = 600
LIST_PAGE = 100


def common_term(cases: int) -> int:
    """The number of matches above which a search term is read in list order."""
    return max(COMMON_TERM, int((LIST_PAGE * max(cases, 0)) ** 0.5 / 2))


def _case_rows(session: Session | sqlite3.Connection) -> int:
    """How many cases the file has held (rowids are never reused: tombstones stay): one
    look at the end of the table's b-tree, not a count."""
    return int(_rows(session, "SELECT max(rowid) FROM dispute_case", {})[0][0] or 0)


def _subqueries(tokens: list[str], params: dict[str, Any]) -> list[str]:
    """One subquery per text index: the words of 3+ characters in the trigram index, the
    shorter ones in the character-pair index, each index asked for all its words at once
    (FTS5 intersects its lists itself, walking the rarest; a subquery per word made SQLite
    collect every match of a common one - a digit, a single character - to intersect them).
    A word of 3+ characters with a digit in it may also be the number a case had in its
    ledger (台账, e.g. XS-2026-017): it gets its own subquery, the text index's matches or
    the ledger number's (as typed or in capitals, through that index)."""
    subs = []
    pending = _Pending(params)
    numbered = [tok for tok in tokens if len(tok) >= 3 and any(ch.isdigit() for ch in tok)]
    long = [tok for tok in tokens if len(tok) >= 3 and tok not in numbered]
    short = [tok for tok in tokens if len(tok) < 3]
    if long:
        params["fts"] = " AND ".join(_fts_phrase(tok) for tok in long)
        subs.append("SELECT rowid FROM case_fts WHERE case_fts MATCH :fts" + pending.union(long))
    if short:
        # one or two characters: any text of the case holding them (围墙 in the facts, 张三
        # in a name, zs in a name's initials), through the character-pair index
        params["bg"] = " AND ".join(_fts_phrase(short_term(tok)) for tok in short)
        subs.append("SELECT rowid FROM case_bigram WHERE case_bigram MATCH :bg"
                    + pending.union(short))
    for i, tok in enumerate(numbered):
        params[f"fts{i}"] = _fts_phrase(tok)
        params[f"led{i}"], params[f"ledup{i}"] = tok, tok.upper()
        subs.append(f"SELECT rowid FROM case_fts WHERE case_fts MATCH :fts{i} "
                    f"UNION SELECT lc.rowid FROM ledger_row lr JOIN dispute_case lc "
                    f"ON lc.id = lr.case_id WHERE lr.ledger_no IN (:led{i}, :ledup{i}) "
                    f"AND lc.deleted = 0"
                    + pending.union([tok]))
    return subs


class _Pending:
    """The cases a bulk load left without index entries yet (``search_pending``, built later
    by ``search.index_pending``), found by scanning their texts for the same words: a
    just-imported case is in every result it belongs in before and after its index is
    built. Empty (one probe of an empty table) once they are built."""

    def __init__(self, params: dict[str, Any]):
        self.params = params
        self.count = 0

    def union(self, tokens: list[str]) -> str:
        conds = []
        # pinyin initials only for a word with a Latin letter in it (initials are letters)
        text = pending_text("pc", any(ch.isascii() and ch.isalpha() for tok in tokens
                                      for ch in tok))
        for tok in tokens:
            name = f"pend{self.count}"
            self.count += 1
            self.params[name] = tok
            conds.append(f"instr(pt.body, :{name}) > 0")
        # CROSS JOIN keeps search_pending the outer loop: with a plain JOIN SQLite's planner
        # walked all of dispute_case (a covering index) and probed the pending table for each
        # case - 0.3 s a subquery at 100,000 cases even with nothing pending
        return (f" UNION SELECT pt.rowid FROM (SELECT pc.rowid AS rowid, {text} AS body "
                f"FROM search_pending sp CROSS JOIN dispute_case pc "
                f"ON pc.rowid = sp.case_rowid WHERE pc.deleted = 0) pt "
                f"WHERE {' AND '.join(conds)}")


def search_clause(query: str, params: dict[str, Any],
                  session: Session | sqlite3.Connection | None = None) -> str:
    """SQL condition on ``c.rowid`` matching every token of ``query``.

    Tokens of 3+ characters go through the FTS5 trigram index (facts, numbers, long names);
    shorter ones through the character-pair index over the same text (两字姓名, pinyin
    initials, two-character words of the facts).

    With a ``session`` (the paged list) each index's match count is probed up to
    ``common_term`` (which grows with the number of cases); common terms are written as ``+c.rowid IN (…)``, which keeps SQLite from
    driving the query by them, so it walks the list index in order instead.
    """
    parts = []
    subs = list(enumerate(_subqueries(search_tokens(query), params)))
    common: set[int] = set()
    if session is not None and subs:
        limit = common_term(_case_rows(session))
        for i, sub in subs:
            probe = f"SELECT count(*) FROM ({sub} LIMIT {limit + 1})"
            n = _rows(session, probe, params)[0][0]
            if n > limit:
                common.add(i)
    for i, sub in subs:
        parts.append(f"{'+' if i in common else ''}c.rowid IN ({sub})")
    return " AND ".join(parts)


#: a live 督办/交办 item ``sv`` the township has not yet finished (办结报告) or returned (退回)
SUPERVISION_OPEN = ("sv.deleted = 0 AND NOT EXISTS (SELECT 1 FROM supervision_reply r "
                    "WHERE r.item_id = sv.id AND r.deleted = 0 AND r.kind IN ('DONE', 'RETURN'))")


def open_supervision_count(session: Session, own_code: str) -> int:
    """督办/交办 items received by office ``own_code`` and not yet finished or returned."""
    row = session.exec(text(  # type: ignore[call-overload]
        f"SELECT count(*) FROM supervision sv WHERE sv.target_code = :own AND "
        f"{SUPERVISION_OPEN}"), params={"own": own_code}).one()
    return int(row[0])


def _where(f: CaseFilter, today: date, params: dict[str, Any],
           session: Session | sqlite3.Connection | None = None) -> str:
    conds = ["c.deleted = 0"]
    if f.query.strip():
        clause = search_clause(f.query, params, session)
        if clause:
            conds.append(clause)
    if f.states:
        names = []
        for i, st in enumerate(f.states):
            params[f"st{i}"] = st
            names.append(f":st{i}")
        conds.append(f"c.state IN ({', '.join(names)})")
    for col, value in (("dispute_type", f.dispute_type), ("village_code", f.village_code),
                       ("mediator_id", f.mediator_id), ("risk_grade", f.risk_grade),
                       ("owner_code", f.owner_code)):
        if value:
            params[col] = value
            conds.append(f"c.{col} = :{col}")
    if f.overdue_only:
        params["today"] = today.isoformat()
        conds.append("c.next_due_on < :today")
    if f.is_hard is not None:
        conds.append("c.is_hard = 1" if f.is_hard else "c.is_hard = 0")
    if f.supervised_only:
        conds.append(f"EXISTS (SELECT 1 FROM supervision sv WHERE sv.local_case_id = c.id "
                     f"AND {SUPERVISION_OPEN})")
    return " AND ".join(conds)


def list_cases(session: Session | sqlite3.Connection, f: CaseFilter = CaseFilter(), after: Cursor | None = None,
               limit: int = 100, today: date | None = None) -> Page:
    """One page of cases, newest first."""
    limit = max(1, min(limit, MAX_PAGE))
    params: dict[str, Any] = {"lim": limit + 1}
    where = _where(f, today or date.today(), params, session)
    if after is not None:
        params.update(a_reg=after.registered_on, a_seq=after.seq, a_id=after.id)
        where += " AND (c.registered_on, c.seq, c.id) < (:a_reg, :a_seq, :a_id)"
    sql = ("SELECT c.id, c.case_no, c.parties_text, c.dispute_type, "
           "(SELECT v.name FROM village v WHERE v.code = c.village_code AND v.deleted = 0 LIMIT 1), "
           "c.state, c.registered_on, c.next_due_on, c.next_due_kind, c.risk_grade, c.owner_code, "
           "c.is_hard, c.seq FROM dispute_case c "
           f"WHERE {where} ORDER BY c.registered_on DESC, c.seq DESC, c.id DESC LIMIT :lim")
    raw = _rows(session, sql, params)
    rows = [CaseRow(r[0], r[1], r[2], r[3], r[4], r[5], _d(r[6]), _d(r[7]) if r[7] else None,
                    r[8], r[9], r[10], bool(r[11]), r[12]) for r in raw[:limit]]
    nxt = rows[-1].cursor if len(raw) > limit and rows else None
    return Page(rows, nxt)


def list_cases_before(session: Session | sqlite3.Connection, f: CaseFilter = CaseFilter(),
                      before: Cursor | None = None, limit: int = 100,
                      today: date | None = None) -> Page:
    """The ``limit`` cases just newer than ``before`` (the oldest ``limit`` cases without it),
    newest first like ``list_cases``: the list's last page for ``End`` and, from there, the
    pages above it. ``next_cursor`` is the first row's cursor when newer cases remain."""
    limit = max(1, min(limit, MAX_PAGE))
    params: dict[str, Any] = {"lim": limit + 1}
    where = _where(f, today or date.today(), params, session)
    if before is not None:
        params.update(b_reg=before.registered_on, b_seq=before.seq, b_id=before.id)
        where += " AND (c.registered_on, c.seq, c.id) > (:b_reg, :b_seq, :b_id)"
    sql = ("SELECT c.id, c.case_no, c.parties_text, c.dispute_type, "
           "(SELECT v.name FROM village v WHERE v.code = c.village_code AND v.deleted = 0 LIMIT 1), "
           "c.state, c.registered_on, c.next_due_on, c.next_due_kind, c.risk_grade, c.owner_code, "
           "c.is_hard, c.seq FROM dispute_case c "
           f"WHERE {where} ORDER BY c.registered_on, c.seq, c.id LIMIT :lim")
    raw = _rows(session, sql, params)
    rows = [CaseRow(r[0], r[1], r[2], r[3], r[4], r[5], _d(r[6]), _d(r[7]) if r[7] else None,
                    r[8], r[9], r[10], bool(r[11]), r[12]) for r in raw[:limit]]
    rows.reverse()
    nxt = rows[0].cursor if len(raw) > limit and rows else None
    return Page(rows, nxt)


def count_cases(session: Session | sqlite3.Connection, f: CaseFilter = CaseFilter(), today: date | None = None) -> int:
    params: dict[str, Any] = {}
    tokens = search_tokens(f.query)
    if tokens and f == replace(CaseFilter(), query=f.query):
        # a search alone: counted in the text indexes, which hold exactly the cases not
        # deleted (search.py). Joining every match to its case row was the slow part: a
        # two-character word in half of 100,000 cases took 68 ms that way, 1.3 ms here.
        subs = _subqueries(tokens, params)
        # each subquery bracketed: a compound SELECT binds left to right, so a subquery that
        # is itself a UNION (a ledger number; cases not yet indexed) would take the
        # INTERSECT before it into its first part
        inter = " INTERSECT ".join(f"SELECT * FROM ({sub})" for sub in subs)
        return int(_rows(session, f"SELECT count(*) FROM ({inter})", params)[0][0])
    where = _where(f, today or date.today(), params)
    return int(_rows(session, f"SELECT count(*) FROM dispute_case c WHERE {where}", params)[0][0])


def _d(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class AgendaItem:
    kind: str  # FOLLOW_UP or a DeadlineKind name
    due_on: date
    case_id: str
    case_no: str
    parties: str
    follow_up_id: str | None
    note: str

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


def agenda(session: Session, today: date, days: int = 7, owner_code: str | None = None,
           limit: int = 500) -> list[AgendaItem]:
    """Open follow-ups and case deadlines due up to ``today + days`` (overdue ones included).

    ``limit`` caps the overdue items and the upcoming ones separately (per kind), so a backlog
    of old overdue follow-ups never pushes today's and this week's items off the agenda.
    """
    horizon = (today + timedelta(days=days)).isoformat()
    params: dict[str, Any] = {"h": horizon, "t": today.isoformat(), "lim": limit}
    own = ""
    if owner_code:
        own = " AND c.owner_code = :own"
        params["own"] = owner_code
    items: list[AgendaItem] = []
    for window in ("f.due_on < :t", "f.due_on >= :t AND f.due_on <= :h"):
        fus = session.exec(text(  # type: ignore[call-overload]
            "SELECT f.due_on, c.id, c.case_no, c.parties_text, f.id, f.note, f.kind "
            "FROM follow_up f JOIN dispute_case c ON c.id = f.case_id "
            "WHERE f.done_on IS NULL AND f.deleted = 0 "
            f"AND c.deleted = 0 AND {window}{own} ORDER BY f.due_on LIMIT :lim"),
            params=params).all()
        items += [AgendaItem("FOLLOW_UP", _d(r[0]), r[1], r[2], r[3], r[4], r[5] or "")
                  for r in fus]
    for window in ("c.next_due_on < :t", "c.next_due_on >= :t AND c.next_due_on <= :h"):
        dls = session.exec(text(  # type: ignore[call-overload]
            "SELECT c.next_due_on, c.id, c.case_no, c.parties_text, c.next_due_kind "
            "FROM dispute_case c WHERE c.deleted = 0 AND c.next_due_on IS NOT NULL "
            f"AND {window} AND c.next_due_kind != 'FOLLOW_UP'{own} "
            "ORDER BY c.next_due_on LIMIT :lim"), params=params).all()
        items += [AgendaItem(r[4], _d(r[0]), r[1], r[2], r[3], None, "") for r in dls]
    items += _supervision_agenda(session, params, own)
    items.sort(key=lambda i: (i.due_on, i.case_no))
    return items


def _supervision_agenda(session: Session, params: dict[str, Any], own: str) -> list[AgendaItem]:
    """督办/交办 items (issue 22) not yet finished, due up to the horizon: kind SUPERVISE or
    ASSIGN, the county's instruction as the note."""
    rows = session.exec(text(  # type: ignore[call-overload]
        "SELECT s.due_on, c.id, c.case_no, c.parties_text, s.kind, s.instruction "
        "FROM supervision s JOIN dispute_case c ON c.id = s.local_case_id "
        "WHERE s.deleted = 0 AND c.deleted = 0 AND s.due_on <= :h AND NOT EXISTS ("
        "SELECT 1 FROM supervision_reply r WHERE r.item_id = s.id AND r.kind IN ('DONE', 'RETURN') "
        f"AND r.deleted = 0){own} ORDER BY s.due_on LIMIT :lim"), params=params).all()
    return [AgendaItem(r[4], _d(r[0]), r[1], r[2], r[3], None, r[5]) for r in rows]


def table_counts(session: Session) -> dict[str, int]:
    out = {}
    for table in ("office", "mediator", "village", "dispute_case", "party", "case_event",
                  "follow_up", "agreement", "obligation", "audit_log"):
        where = "" if table == "audit_log" else " WHERE deleted = 0"
        out[table] = int(session.exec(text(f"SELECT count(*) FROM {table}{where}")).scalar_one())  # type: ignore[call-overload]
    return out


def overdue_count(session: Session, today: date) -> int:
    """逾期案件 today, by the one definition (mediator.core.overdue), as the reports count them."""
    from mediator.core.overdue import overdue_case_count

    return overdue_case_count(session, today)


def real_case_count(session: Session) -> int:
    """Cases not made by ``mediator demo`` (demo refuses a database holding real cases)."""
    return int(session.exec(text(  # type: ignore[call-overload]
        "SELECT count(*) FROM dispute_case WHERE deleted = 0 AND "
        "(import_key IS NULL OR import_key NOT LIKE 'demo:%')")).scalar_one())


def newest_change(session: Session) -> datetime | None:
    """The latest instant written to the audit trail (UTC), to warn when the PC clock runs
    behind the data (sync.md, "Local writes")."""
    raw = session.exec(text("SELECT max(at) FROM audit_log")).scalar_one()  # type: ignore[call-overload]
    if not raw:
        return None
    value = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def own_office_name(session: Session | sqlite3.Connection) -> str | None:
    """The name of this database's office (as :func:`own_office` finds it), on a session or
    a plain sqlite3 connection: the navigation bar shows it from the first frame."""
    rows = _rows(session, "SELECT o.name FROM office o JOIN setting s ON s.key = 'office_code' "
                          "AND o.code = s.value WHERE o.deleted = 0 LIMIT 1", {})
    return str(rows[0][0]) if rows else None


def own_office(session: Session) -> Any:
    """This database's office (``Setting office_code``), or None before ``init``."""
    from sqlmodel import select

    from mediator.core.models import Office, Setting

    code = session.get(Setting, "office_code")
    if code is None:
        return None
    return session.exec(select(Office).where(Office.code == code.value,
                                             Office.deleted == False)).first()


def last_seq(session: Session, owner_code: str, year: int) -> int:
    """The highest case number an office has given in ``year`` (0 before its first)."""
    row = session.exec(text(  # type: ignore[call-overload]
        "SELECT coalesce(max(seq), 0) FROM dispute_case WHERE owner_code = :o AND year = :y"),
        params={"o": owner_code, "y": year}).one()
    return int(row[0])
