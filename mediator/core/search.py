"""Search index maintenance.

Two structures (migration 0002): ``case_fts``, an FTS5 trigram index over everything
searchable (3+ character terms: words of the facts, case numbers, ID and phone tails, pinyin
initials of longer names), and ``case_term``, every suffix of every party name and of its
pinyin initials, so a prefix range scan finds two-character names (张三) and initials (zs),
which trigram cannot. Migration 0008 adds ``case_bigram``, a contentless FTS5 index of every
character and every pair of adjacent characters of the same text (``bigram_doc``), which
serves one- and two-character words of the facts (围墙, 噪音) the trigram index cannot.
The query side lives in ``queries.search_clause``.

Every writer of ``case_fts`` goes through ``insert_bodies``/``delete_bodies`` so both indexes
hold the same cases: ``case_bigram`` keeps no text of its own (it would double its size), so
a case's entries are removed with the terms of its old ``case_fts`` body.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the list's first page is read before SQLAlchemy is imported (queries.py)
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


_HEX: dict[str, str] = {}


def _code(ch: str) -> str:
    code = _HEX.get(ch)
    if code is None:
        code = _HEX[ch] = format(ord(ch), "x")
    return code


def char_term(ch: str) -> str:
    """The ``case_bigram`` term of one character: its code point in hex and ``g`` (a letter
    hex never has), so any character - punctuation, full-width, emoji - is one plain ASCII
    token the FTS5 tokenizer keeps whole."""
    return _code(ch) + "g"


def pair_term(pair: str) -> str:
    """The ``case_bigram`` term of two adjacent characters ('围墙' -> '56f4g5899')."""
    return _code(pair[0]) + "g" + _code(pair[1])


def short_term(token: str) -> str:
    """The term a one- or two-character search token looks up in ``case_bigram``."""
    return char_term(token) if len(token) == 1 else pair_term(token)


def bigram_doc(body: str) -> str:
    """The ``case_bigram`` document of a ``case_fts`` body: each character and each pair of
    adjacent characters of every whitespace-free run, lower case (search tokens are split
    at whitespace and lowered, as the trigram tokenizer folds case), each term once."""
    terms: set[str] = set()
    for run in body.lower().split():
        codes = [_code(ch) for ch in run]
        prev = ""
        for code in codes:
            terms.add(code + "g")
            if prev:
                terms.add(prev + "g" + code)
            prev = code
    return " ".join(sorted(terms))


def insert_bodies(cursor: Any, rows: Sequence[tuple[int, str]]) -> None:
    """Add ``(case rowid, body)`` rows to both text indexes (``case_fts``, ``case_bigram``) on
    a DB-API cursor or connection; the rows must have no entries yet."""
    cursor.executemany("INSERT INTO case_fts (rowid, body) VALUES (?, ?)", rows)
    cursor.executemany("INSERT INTO case_bigram (rowid, body) VALUES (?, ?)",
                       [(rowid, bigram_doc(body)) for rowid, body in rows])


def delete_bodies(cursor: Any, rowids: Sequence[int]) -> None:
    """Remove the cases' entries from both text indexes (DB-API cursor or connection)."""
    old = []
    for rowid in rowids:
        found = cursor.execute("SELECT body FROM case_fts WHERE rowid = ?", (rowid,)).fetchone()
        if found is not None:
            old.append((rowid, bigram_doc(found[0])))
    cursor.executemany("INSERT INTO case_bigram (case_bigram, rowid, body) "
                       "VALUES ('delete', ?, ?)", old)
    cursor.executemany("DELETE FROM case_fts WHERE rowid = ?", [(r,) for r in rowids])


def _raw(session: Session) -> Any:
    raw = session.connection().connection.driver_connection
    assert raw is not None
    return raw


def index_case(session: Session, case_rowid: int, body: str, terms: Iterable[str]) -> None:
    """Replace the index entries of one case (inside the caller's transaction)."""
    from sqlalchemy import text

    raw = _raw(session)
    delete_bodies(raw, [case_rowid])
    session.exec(text("DELETE FROM case_term WHERE case_rowid = :r"), params={"r": case_rowid})  # type: ignore[call-overload]
    insert_bodies(raw, [(case_rowid, body)])
    rows = [{"t": term, "r": case_rowid} for term in sorted(set(terms))]
    if rows:
        session.exec(text("INSERT INTO case_term (term, case_rowid) VALUES (:t, :r)"), params=rows)  # type: ignore[call-overload]


def fill_pairs(session: Session) -> int:
    """Build ``case_bigram`` from the texts in ``case_fts`` (which holds exactly the cases not
    deleted), for a file whose pair index is empty (made before migration 0008)."""
    raw = _raw(session)
    raw.execute("INSERT INTO case_bigram (case_bigram) VALUES ('delete-all')")
    count = 0
    bodies = raw.execute("SELECT rowid, body FROM case_fts ORDER BY rowid")
    while chunk := bodies.fetchmany(5000):
        raw.executemany("INSERT INTO case_bigram (rowid, body) VALUES (?, ?)",
                        [(rowid, bigram_doc(body)) for rowid, body in chunk])
        count += len(chunk)
    return count


def reindex_cases(session: Session, case_ids: Sequence[str] | None = None,
                  fresh: bool = False) -> int:
    """Rebuild index entries from the rows (all cases when ``case_ids`` is None).

    Used after bulk loads (demo, ledger import, sync merge). Deleted cases are removed.
    Runs on the session's own DB-API connection (same transaction): for a county merge of
    10,000 cases the ORM's per-row parameter handling took 3 of every 4 seconds here.
    ``fresh``: the cases were added in this transaction (case rows are never removed, so
    their rowids never had entries) and there is nothing to remove first.
    """
    import json

    raw = _raw(session)
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
        raw.execute("INSERT INTO case_bigram (case_bigram) VALUES ('delete-all')")
        raw.execute("DELETE FROM case_term")
    elif not fresh:
        delete_bodies(raw, [r[0] for r in rowids])
        raw.executemany("DELETE FROM case_term WHERE case_rowid = ?", rowids)
    # in key order: each index page is then written once per batch, not once per row
    # (the terms of a big county's cases are spread over its whole index)
    fts_rows.sort()
    term_rows.sort()
    insert_bodies(raw, fts_rows)
    raw.executemany("INSERT INTO case_term (term, case_rowid) VALUES (?, ?)", term_rows)
    return count


# --- index entries built after a bulk load (issue 16) --------------------------------------
#
# A ledger import commits its cases with one ``search_pending`` row each (migration 0025)
# instead of their index entries: building them (pinyin initials of every name, trigram and
# character-pair entries) was two of the import's nine seconds. They are built afterwards by
# :func:`index_pending` (the TUI's background worker after its first frame); until then
# ``queries._subqueries`` finds those cases by scanning their texts (:func:`pending_text`),
# so a search never misses one. A crash between the two loses nothing: the marks stay.


def mark_pending(cursor: Any, rowids: Iterable[int]) -> None:
    """Note new cases whose index entries are still to be built (DB-API cursor)."""
    cursor.executemany("INSERT OR IGNORE INTO search_pending (case_rowid) VALUES (?)",
                       [(r,) for r in rowids])


def sql_initials(name: str | None) -> str:
    """``mediator_initials(name)`` in SQL: a name's pinyin initials as its index body holds
    them (registered on every connection by ``db``; pypinyin is loaded on the first call)."""
    return initials(normalise(name)) if name else ""


def pending_text(alias: str, with_initials: bool) -> str:
    """SQL expression: the text of case ``alias`` as its ``case_fts`` body would hold it
    (:func:`fts_body`: case number, party names, their initials when ``with_initials``, ID
    numbers and phones, facts, requests; one part a line), lower case like the indexes'
    terms. A search word (no whitespace) is in this text exactly when the indexes would
    find it: the trigram index matches any substring, the character-pair index any
    character or pair inside a line's run of non-space characters."""
    person = ("coalesce(p.name, '') || char(10) || coalesce(p.id_number, '') || char(10) || "
              "coalesce(p.phone, '')")
    if with_initials:
        person += " || char(10) || mediator_initials(p.name)"
    return (f"lower({alias}.case_no || char(10) || coalesce({alias}.facts, '') || char(10) || "
            f"coalesce({alias}.requests, '') || char(10) || coalesce((SELECT group_concat("
            f"{person}, char(10)) FROM party p WHERE p.case_id = {alias}.id "
            f"AND p.deleted = 0), ''))")


def pending_count(session: Session) -> int:
    return int(_raw(session).execute("SELECT count(*) FROM search_pending").fetchone()[0])


def index_pending(session: Session, limit: int = 500) -> int:
    """Build the index entries of up to ``limit`` cases waiting in ``search_pending`` and
    remove their marks, in the caller's transaction (a deleted case gets none). Returns how
    many marks were settled; 0 when none is left."""
    raw = _raw(session)
    rowids = [r[0] for r in raw.execute(
        "SELECT case_rowid FROM search_pending ORDER BY case_rowid LIMIT ?", (limit,))]
    if not rowids:
        return 0
    import json

    ids = [r[0] for r in raw.execute(
        "SELECT id FROM dispute_case WHERE rowid IN (SELECT value FROM json_each(?))",
        (json.dumps(rowids),))]
    reindex_cases(session, ids)
    raw.executemany("DELETE FROM search_pending WHERE case_rowid = ?", [(r,) for r in rowids])
    return len(rowids)
