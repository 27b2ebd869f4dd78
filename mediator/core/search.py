"""Search index maintenance.

Two structures (migration 0002): ``case_fts``, an FTS5 trigram index over everything
searchable (3+ character terms: words of the facts, case numbers, ID and phone tails, pinyin
initials of longer names), and ``case_term``, every suffix of every party name and of its
pinyin initials, so a prefix range scan finds two-character names (张三) and initials (zs),
which trigram cannot. The query side lives in ``queries.search_clause``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from sqlalchemy import text
from sqlmodel import Session

from mediator.core.validate import normalise


@lru_cache(maxsize=65536)
def initials(name: str) -> str:
    """Pinyin initials of a Chinese name, lower case ('张三' -> 'zs'); other letters kept."""
    from pypinyin import Style, lazy_pinyin

    letters = lazy_pinyin(name, style=Style.FIRST_LETTER, errors=lambda s: list(s))
    return "".join(x[:1] for x in letters if x).lower()


def name_terms(names: Iterable[str]) -> set[str]:
    terms: set[str] = set()
    for raw in names:
        name = normalise(raw).lower().replace(" ", "")
        if not name:
            continue
        for variant in (name, initials(name)):
            for i in range(len(variant)):
                terms.add(variant[i:])
    return terms


def fts_body(case_no: str, names: Sequence[str], numbers: Sequence[str], facts: str,
             requests: str = "", extra: Sequence[str] = ()) -> str:
    parts = [case_no, *names, *(initials(normalise(n)) for n in names), *numbers, facts,
             requests, *extra]
    return "\n".join(normalise(p) for p in parts if p)


def index_case(session: Session, case_rowid: int, body: str, terms: Iterable[str]) -> None:
    """Replace the index entries of one case (inside the caller's transaction)."""
    session.exec(text("DELETE FROM case_fts WHERE rowid = :r"), params={"r": case_rowid})  # type: ignore[call-overload]
    session.exec(text("DELETE FROM case_term WHERE case_rowid = :r"), params={"r": case_rowid})  # type: ignore[call-overload]
    session.exec(text("INSERT INTO case_fts (rowid, body) VALUES (:r, :b)"),  # type: ignore[call-overload]
                 params={"r": case_rowid, "b": body})
    rows = [{"t": term, "r": case_rowid} for term in sorted(set(terms))]
    if rows:
        session.exec(text("INSERT INTO case_term (term, case_rowid) VALUES (:t, :r)"), params=rows)  # type: ignore[call-overload]


def reindex_cases(session: Session, case_ids: Sequence[str] | None = None) -> int:
    """Rebuild index entries from the rows (all cases when ``case_ids`` is None).

    Used after bulk loads (demo, ledger import, sync merge). Deleted cases are removed.
    Runs on the session's own DB-API connection (same transaction): for a county merge of
    10,000 cases the ORM's per-row parameter handling took 3 of every 4 seconds here.
    """
    import json

    raw = session.connection().connection.driver_connection
    assert raw is not None
    where, params = "", ()
    if case_ids is not None:
        if not case_ids:
            return 0
        where = "WHERE c.id IN (SELECT value FROM json_each(?))"
        params = (json.dumps(list(case_ids)),)
    cases = raw.execute(
        f"SELECT c.rowid, c.id, c.case_no, c.facts, c.requests, c.deleted FROM dispute_case c "
        f"{where}", params).fetchall()
    if not cases:
        return 0
    by_case: dict[str, list[tuple[str, str | None, str | None]]] = {}
    party_where = where.replace("c.id", "p.case_id") + " AND" if where else "WHERE"
    for case_id, name, idno, phone in raw.execute(
            f"SELECT p.case_id, p.name, p.id_number, p.phone FROM party p {party_where} "
            f"p.deleted = 0", params):
        by_case.setdefault(case_id, []).append((name, idno, phone))
    count = 0
    fts_rows: list[tuple[int, str]] = []
    term_rows: list[tuple[str, int]] = []
    rowids: list[tuple[int]] = []
    for rowid, cid, case_no, facts, requests, deleted in cases:
        rowids.append((rowid,))
        if deleted:
            continue
        parties = by_case.get(cid, [])
        names = [p[0] for p in parties]
        numbers = [x for p in parties for x in (p[1], p[2]) if x]
        fts_rows.append((rowid, fts_body(case_no, names, numbers, facts, requests)))
        term_rows.extend((term, rowid) for term in sorted(name_terms(names)))
        count += 1
    if case_ids is None:
        raw.execute("DELETE FROM case_fts")
        raw.execute("DELETE FROM case_term")
    else:
        raw.executemany("DELETE FROM case_fts WHERE rowid = ?", rowids)
        raw.executemany("DELETE FROM case_term WHERE case_rowid = ?", rowids)
    # in key order: each index page is then written once per batch, not once per row
    # (the terms of a big county's cases are spread over its whole index)
    fts_rows.sort()
    term_rows.sort()
    raw.executemany("INSERT INTO case_fts (rowid, body) VALUES (?, ?)", fts_rows)
    raw.executemany("INSERT INTO case_term (term, case_rowid) VALUES (?, ?)", term_rows)
    return count
