"""The search index of imported cases is built after the import (issue 16, speed): the import
commits its cases with a ``search_pending`` mark each; until ``index_pending_cases`` builds
their entries a search finds them by scanning their texts. Nothing is missing from a search
before or after, a crash in between loses nothing, an upgrade adds the empty table."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from mediator.core import audit, queries, search
from mediator.core.db import open_database
from mediator.core.queries import CaseFilter
from mediator.core.services import Services
from mediator.ledger.importer import import_ledger
from tests.conftest import TODAY
from tests.ledger import ledgers as L

#: a search and the ledger rows (of ledger A) whose cases it finds
SEARCHES = {
    "张三": [2],                 # a two-character name: the character-pair index
    "zs": [2, 5],                # pinyin initials: 张三, and 郑十 of row 5
    "ZS": [2, 5],                # in capitals
    "zhao": [],                  # initials are initials, not syllables
    "青石建材": [3],             # an organisation's name, 3+ characters: the trigram index
    "排水沟": [2],               # a word of the facts
    "咬伤": [5],                 # a two-character word of the facts
    "88886666": [4],             # a phone number's tail
    "0571-88886666": [4],        # the whole of it
    "2026-003": [4],             # the ledger's own number
    "第003号": [4],              # the case number the import gave
    "赵六 货款": [3],            # two words, both in one case
    "张三 货款": [],             # two words in different cases
    "排水沟 货款": [],           # the same, one word of each index
    "青石建材 2026-003": [],     # the same, a ledger number and a name
    "排水沟 张三 2026-001": [2],  # three words, one of each kind, all in one case
    "纠纷": [],                  # the type's name is not searched (not in the index body)
}


def state(svc: Services) -> tuple[int, int, int]:
    """(cases in the trigram index, cases with name terms, cases waiting for their entries)"""
    with svc.db.read() as s:
        return tuple(s.exec(text(  # type: ignore[call-overload]
            "SELECT (SELECT count(*) FROM case_fts), (SELECT count(DISTINCT case_rowid) "
            "FROM case_term), (SELECT count(*) FROM search_pending)")).one())


def found(svc: Services, by_row: dict[int, str]) -> dict[str, list[int]]:
    """Each search's hits as ledger rows: from the list and, the same, from the count."""
    rows = {case_id: row for row, case_id in by_row.items()}
    out = {}
    for query in SEARCHES:
        page = svc.list_cases(CaseFilter(query=query))
        hits = sorted(rows[r.id] for r in page.rows)
        assert svc.count_cases(CaseFilter(query=query)) == len(hits), query
        assert svc.count_cases(CaseFilter(query=query, owner_code="330106001")) == len(hits)
        out[query] = hits
    return out


def imported(svc: Services, path: Path) -> dict[int, str]:
    report = import_ledger(path, svc)
    assert report.imported == 6
    return {r.row_no: r.case_id for r in report.result.rows if r.status == "imported"}


@pytest.fixture
def office(svc):  # type: ignore[no-untyped-def]
    svc.add_mediator("王调解")
    return svc


def test_found_before_and_after_the_index_is_built(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    by_row = imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    assert state(office) == (0, 0, 6)
    assert found(office, by_row) == SEARCHES
    assert office.index_pending_cases(chunk=4) == 6
    assert state(office) == (6, 6, 0)
    assert found(office, by_row) == SEARCHES
    # the entries are those a full rebuild writes
    with office.db.read() as s:
        built = s.exec(text("SELECT term, case_rowid FROM case_term ORDER BY 1, 2")).all()  # type: ignore[call-overload]
        bodies = s.exec(text("SELECT rowid, body FROM case_fts ORDER BY 1")).all()  # type: ignore[call-overload]
    with office.db.write() as s:
        assert search.reindex_cases(s) == 6
    with office.db.read() as s:
        assert s.exec(text("SELECT term, case_rowid FROM case_term ORDER BY 1, 2")).all() == built  # type: ignore[call-overload]
        assert s.exec(text("SELECT rowid, body FROM case_fts ORDER BY 1")).all() == bodies  # type: ignore[call-overload]
        assert audit.verify(s).ok


def test_the_first_page_reader_finds_them_too(office, tmp_path: Path,  # type: ignore[no-untyped-def]
                                              db_path: Path) -> None:
    """Before the app has opened its Database (a prepared start) the list reads through the
    first-page reader on plain sqlite3: it finds the cases waiting for their index entries
    the same way, initials included (its connection has the SQL function too)."""
    from mediator.core.firstpage import FirstPageReader

    by_row = imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    rows = {case_id: row for row, case_id in by_row.items()}
    reader = FirstPageReader(db_path, lambda: TODAY)
    got = {}
    for query in SEARCHES:
        page = reader.list_cases(CaseFilter(query=query))
        hits = sorted(rows[r.id] for r in page.rows)
        assert reader.count_cases(CaseFilter(query=query)) == len(hits), query
        got[query] = hits
    assert got == SEARCHES


def test_a_crash_before_the_build_loses_nothing(office, tmp_path: Path, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    by_row = imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    office.db.close()  # the process ends before anything built the index
    with open_database(db_path) as db:  # opening does not build them (nor lose the marks)
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        assert state(svc) == (0, 0, 6)
        assert found(svc, by_row) == SEARCHES


def test_a_crash_during_the_build_keeps_the_rest(office, tmp_path: Path,  # type: ignore[no-untyped-def]
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    by_row = imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    real = search.reindex_cases
    calls: list[int] = []

    def fails_second(session, case_ids=None):  # type: ignore[no-untyped-def]
        calls.append(len(case_ids))
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        return real(session, case_ids)

    monkeypatch.setattr(search, "reindex_cases", fails_second)
    with pytest.raises(sqlite3.OperationalError):
        office.index_pending_cases(chunk=4)
    assert calls == [4, 2]
    assert state(office) == (4, 4, 2)  # the first chunk is in, the second still marked
    assert found(office, by_row) == SEARCHES
    monkeypatch.setattr(search, "reindex_cases", real)
    assert office.index_pending_cases() == 2
    assert state(office) == (6, 6, 0)
    assert found(office, by_row) == SEARCHES


def test_undone_before_the_build(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    by_row = imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    office.undo_ledger_import(office.ledger_imports()[0].id)
    assert found(office, by_row) == {q: [] for q in SEARCHES}
    assert office.index_pending_cases() == 6  # the marks go; a deleted case gets no entries
    assert state(office) == (0, 0, 0)
    assert found(office, by_row) == {q: [] for q in SEARCHES}


def test_edited_before_the_build(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A case changed through the services gets its entries then; the later build writes
    the same ones again."""
    by_row = imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    office.edit_case(by_row[4], facts="两家因围墙倒塌发生争吵")  # was 建房越界
    hits = lambda q: [r.id for r in office.list_cases(CaseFilter(query=q)).rows]
    assert (hits("建房越界"), hits("围墙倒塌")) == ([], [by_row[4]])
    assert office.index_pending_cases() == 6
    assert (hits("建房越界"), hits("围墙倒塌")) == ([], [by_row[4]])
    with office.db.read() as s:
        assert s.exec(text("SELECT count(*) FROM case_fts")).scalar_one() == 6  # type: ignore[call-overload]


def test_upgrade_adds_the_empty_table(svc, make_case, db_path: Path) -> None:  # type: ignore[no-untyped-def]
    from schema_history import rewind_before

    case = make_case()
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "search_pending")
    con.commit()
    assert "search_pending" not in {r[0] for r in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    con.close()
    with open_database(db_path) as db, db.read() as s:
        assert s.exec(text("SELECT count(*) FROM search_pending")).scalar_one() == 0  # type: ignore[call-overload]
        page = queries.list_cases(s, CaseFilter(query="张三"), today=TODAY)
        assert [r.id for r in page.rows] == [case.id]


async def _run_until_indexed(office) -> tuple[list[int], list[str]]:  # type: ignore[no-untyped-def]
    """Start the app on ``office`` and wait for its background worker's SearchIndexed: the
    counts it reported and the notices shown by then."""
    from mediator.tui.app import SearchIndexed
    from tests.tui.case_harness import app_on

    seen: list[int] = []
    app = app_on(office, None)

    def hook(message: object) -> None:
        if isinstance(message, SearchIndexed):
            seen.append(message.count)

    async with app.run_test(size=(120, 40), message_hook=hook) as pilot:
        for _ in range(400):
            await pilot.pause()
            if seen:
                break
            await app.workers.wait_for_complete()
        await pilot.pause()
        return seen, [str(n.message) for n in app._notifications]


async def test_the_app_builds_them_after_its_first_frame(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    by_row = imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    seen, _ = await _run_until_indexed(office)
    assert seen == [6]
    assert state(office) == (6, 6, 0)
    assert found(office, by_row) == SEARCHES


def test_the_pending_scan_walks_the_pending_cases_not_every_case(office, make_case) -> None:  # type: ignore[no-untyped-def]
    """The scan of cases waiting for their index is driven by ``search_pending``: with a plain
    JOIN SQLite walked every case and probed the pending table for each (0.3 s a search at
    100,000 cases with nothing pending; bench/run.py's keystroke figure went to 600 ms)."""
    for _ in range(3):
        make_case()
    params: dict = {}
    clause = queries.search_clause("王芳 青石建材", params)
    with office.db.read() as s:
        plan = [r[3] for r in s.exec(text(  # type: ignore[call-overload]
            f"EXPLAIN QUERY PLAN SELECT c.id FROM dispute_case c WHERE {clause}"),
            params=params).all()]
    scans = [p for p in plan if p.startswith("SCAN")]
    assert [p for p in scans if p.split()[1] == "pc"] == []
    assert scans.count("SCAN sp") == 2   # one per text subquery: character pairs, trigrams


async def test_the_clerk_is_told_while_many_wait(office, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """From ``INDEX_NOTICE`` cases waiting (a county's first import: up to a million), a
    notice says searches are slower until the index is built, and another when it is."""
    from mediator.i18n import t
    from mediator.tui import app as app_module

    imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    assert office.pending_search_count() == 6
    monkeypatch.setattr(app_module, "INDEX_NOTICE", 6)
    seen, notes = await _run_until_indexed(office)
    assert seen == [6]
    assert notes == [t("tui.index.building", n="6"), t("tui.index.built", n="6")]
    assert office.pending_search_count() == 0


async def test_a_few_waiting_build_without_a_word(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    imported(office, L.ledger_a(tmp_path / "台账.xlsx"))
    seen, notes = await _run_until_indexed(office)
    assert seen == [6]
    assert notes == []
