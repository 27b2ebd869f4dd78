"""``mediator demo``: reproducible, rule-abiding, valid synthetic data.

One database of 2,000 cases is generated once for the module and checked against the rules
the services enforce (lifecycle, derived fields, search index, validation); smaller ones check
determinism, the refusals and the CLI.
"""

from __future__ import annotations

import re
import sqlite3
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlmodel import select

from mediator.core import audit, queries, rules, search
from mediator.core.checks import facts_from_rows, format_case_no, parties_text
from mediator.core.db import Database, open_database
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    FollowUpType,
    JudicialResult,
    Outcome,
)
from mediator.core.errors import DomainError, ValidationError
from mediator.core.models import Agreement, Case, FollowUp, Obligation
from mediator.core.validate import (
    normalise,
    normalise_text,
    parse_phone,
    parse_resident_id,
    parse_village_code,
)
from mediator.demo import generate, uscc_valid

TODAY = date(2026, 11, 23)
STAMP = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}")


def _open(path: Path) -> Database:
    return open_database(path)


def dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table (the audit entry without its wall-clock time and hash, the
    settings without the chain's head)."""
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        out = {}
        for table in tables:
            try:
                cur = con.execute(f'SELECT rowid, * FROM "{table}" ORDER BY rowid')
            except sqlite3.OperationalError:  # WITHOUT ROWID (FTS5 shadow tables)
                if table == "case_bigram":  # contentless: its shadow tables are dumped
                    continue
                cur = con.execute(f'SELECT * FROM "{table}" ORDER BY 1, 2')
            cols = [d[0] for d in cur.description]
            rows = cur.fetchall()
            if table == "audit_log":
                keep = [i for i, c in enumerate(cols) if c not in ("at", "hash")]
                rows = [tuple(r[i] for i in keep) for r in rows]
            if table == "setting":
                # the chain's head names that hash too; the lineage is the database's own
                # identity (random in a database made empty), not content the seed decides
                rows = [r for r in rows if r[1] not in ("audit_tail", "sync.lineage")]
            out[table] = rows
        return out
    finally:
        con.close()


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo 演示") / "demo.db"
    with _open(path) as db:
        seen: list[tuple[int, int]] = []
        result = generate(db, cases=2000, seed=7, today=TODAY,
                          progress=lambda done, total: seen.append((done, total)))
    assert result.cases == 2000
    assert seen[0] == (0, 2000) and seen[-1] == (2000, 2000)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    return path


@pytest.fixture
def big_db(big: Path):  # type: ignore[no-untyped-def]
    db = _open(big)
    yield db
    db.close()


def rows(db: Database, sql: str, **params: Any) -> list[Any]:
    with db.read() as s:
        return list(s.exec(text(sql), params=params).all())  # type: ignore[call-overload]


# --- determinism -------------------------------------------------------------------------


def test_same_seed_same_rows_different_seed_different_rows(tmp_path: Path) -> None:
    dumps = []
    for name, seed, parallel in (("a", 3, False), ("b", 3, True), ("c", 4, False)):
        with _open(tmp_path / f"{name}.db") as db:
            generate(db, cases=300, seed=seed, today=TODAY, parallel=parallel)
        dumps.append(dump(tmp_path / f"{name}.db"))
    # another connection keeps the file in WAL mode: the load takes the other path
    held = sqlite3.connect(tmp_path / "d.db")
    try:
        with _open(tmp_path / "d.db") as db:
            held.execute("SELECT count(*) FROM sqlite_master").fetchone()
            generate(db, cases=300, seed=3, today=TODAY)
        assert held.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        held.close()
    dumps.append(dump(tmp_path / "d.db"))
    first, child, other, wal = dumps
    assert first["dispute_case"] and first["case_fts"] and first["case_term"]
    # in-process, in a child process, with or without WAL: the very same rows in every table
    for table in first:
        assert first[table] == child[table] == wal[table], table
    assert first["dispute_case"] != other["dispute_case"]
    for name in "abcd":
        con = sqlite3.connect(tmp_path / f"{name}.db")
        try:
            assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        finally:
            con.close()


# --- coverage ----------------------------------------------------------------------------


def test_every_state_type_source_and_outcome_occurs(big_db: Database) -> None:
    def values(col: str) -> set[str]:
        return {r[0] for r in rows(big_db, f"SELECT DISTINCT {col} FROM dispute_case")}

    assert values("state") == {s.name for s in CaseState}
    assert values("dispute_type") == {d.name for d in DisputeType}
    assert values("source") == {s.name for s in CaseSource}
    assert values("outcome") - {None} == {o.name for o in Outcome}
    assert {r[0] for r in rows(big_db, "SELECT DISTINCT form FROM agreement")} == \
        {f.name for f in AgreementForm}
    assert {r[0] for r in rows(big_db, "SELECT DISTINCT judicial_status FROM agreement")} >= \
        {j.name for j in JudicialResult}
    assert {r[0] for r in rows(big_db, "SELECT DISTINCT kind FROM follow_up")} == \
        {k.name for k in FollowUpType}
    kinds = {r[0] for r in rows(big_db, "SELECT DISTINCT kind FROM case_event")}
    assert kinds >= {"STATE", "NOTICE", "SESSION", "EXTENSION", "FOLLOW_UP", "PERFORMANCE",
                     "JUDICIAL", "TRANSFER"}


def test_the_year_looks_like_a_ledger(big_db: Database) -> None:
    today = TODAY.isoformat()
    one = lambda sql: rows(big_db, sql, t=today)[0][0]
    # spread over the year before today, recent ones open, old ones concluded
    assert one("SELECT min(registered_on) FROM dispute_case") >= \
        (TODAY - timedelta(days=365)).isoformat()
    assert one("SELECT max(registered_on) FROM dispute_case") <= today
    old_open = one("SELECT avg(concluded_on IS NULL) FROM dispute_case "
                   "WHERE registered_on < date(:t, '-180 days')")
    new_open = one("SELECT avg(concluded_on IS NULL) FROM dispute_case "
                   "WHERE registered_on >= date(:t, '-14 days')")
    assert old_open < 0.1
    assert new_open > 0.3
    assert one("SELECT count(*) FROM dispute_case WHERE state = 'ARCHIVED'") > 800
    # past one month, with and without a recorded extension
    assert one("SELECT count(*) FROM dispute_case WHERE state = 'MEDIATING' "
               "AND deadline_on < :t AND extension_count = 0") > 0
    assert one("SELECT count(*) FROM dispute_case WHERE extension_count > 0") > 20
    # hard cases carry the 五个一 fields; group disputes have 5+ persons
    assert one("SELECT count(*) FROM dispute_case WHERE is_hard = 1") > 20
    assert one("SELECT count(*) FROM dispute_case WHERE is_hard = 1 AND (lead_official IS NULL "
               "OR responsible_person IS NULL OR resolve_by IS NULL "
               "OR stabilising_measures IS NULL)") == 0
    assert one("SELECT count(DISTINCT risk_grade) FROM dispute_case") == 3
    assert one("SELECT count(*) FROM dispute_case WHERE group_dispute = 1") > 20
    assert one("SELECT count(*) FROM dispute_case WHERE group_dispute != "
               "(persons_involved >= 5)") == 0
    assert one("SELECT count(*) FROM dispute_case WHERE source = 'PETITION' AND "
               "(petition_received_on IS NULL OR petition_channel IS NULL)") == 0
    assert one("SELECT count(*) FROM dispute_case WHERE state = 'REFUSED' AND "
               "(refusal_reason IS NULL OR routes_told IS NULL)") == 0
    assert one("SELECT count(*) FROM dispute_case WHERE transfer_to IS NOT NULL") > 10
    assert one("SELECT count(*) FROM dispute_case WHERE withdraw_reason IS NOT NULL") > 10
    # money: instalments, some paid with receipts, some missed; follow-ups done and overdue
    assert one("SELECT count(*) FROM agreement WHERE amount_fen > 0 AND form = 'ORAL'") > 0
    assert one("SELECT count(*) FROM obligation WHERE performed_on IS NOT NULL "
               "AND proof IS NOT NULL") > 300
    assert one("SELECT count(*) FROM (SELECT agreement_id FROM obligation GROUP BY 1 "
               "HAVING count(*) >= 3)") > 20
    assert one("SELECT count(*) FROM follow_up WHERE done_on IS NULL AND due_on < :t") > 0
    assert one("SELECT count(*) FROM follow_up WHERE done_on IS NOT NULL") > 500
    assert one("SELECT count(*) FROM dispute_case WHERE prevented_criminal = 1") > 0
    assert one("SELECT count(*) FROM dispute_case WHERE prevented_petition = 1") > 0
    # people come back (重复纠纷): the same ID number in several cases
    assert one("SELECT count(*) FROM (SELECT id_number FROM party WHERE id_number IS NOT NULL "
               "GROUP BY 1 HAVING count(DISTINCT case_id) > 1)") > 0


# --- the rules ---------------------------------------------------------------------------


LEGAL = {(a.name, b.name) for table in rules.TRANSITIONS.values() for a, b in table.items()
         if a is not b}


def test_timelines_follow_the_lifecycle(big_db: Database) -> None:
    cases = {r[0]: r for r in rows(big_db, (
        "SELECT id, state, outcome, concluded_on, archived_on, registered_on, accepted_on "
        "FROM dispute_case"))}
    events: dict[str, list[Any]] = defaultdict(list)
    for r in rows(big_db, "SELECT case_id, kind, occurred_on, state_from, state_to, created_at, "
                          "summary, operator FROM case_event ORDER BY case_id, occurred_on, "
                          "created_at"):
        events[r[0]].append(r)
    assert set(events) == set(cases)
    for cid, (_, state, outcome, concluded, archived, registered, _acc) in cases.items():
        evs = events[cid]
        stamps = [e[5] for e in evs]
        assert len(set(stamps)) == len(stamps), "timeline order must be unambiguous"
        assert all(STAMP.fullmatch(s) for s in stamps)
        assert all(registered <= e[2] <= TODAY.isoformat() for e in evs)
        assert all(e[6] and e[7] for e in evs)
        chain = [e for e in evs if e[1] == "STATE"]
        assert chain[0][3] is None and chain[0][4] == "REGISTERED"
        current, out, done_on, arch = "REGISTERED", None, None, None
        for e in chain[1:]:
            assert e[3] == current and (e[3], e[4]) in LEGAL, (cid, current, e[3], e[4])
            current = e[4]
            to = CaseState[current]
            if to in rules.OUTCOME_OF:
                oc = rules.OUTCOME_OF[to]
                out, done_on = (oc.name if oc else None), e[2]
            if e[3] in ("UNPERFORMED", "URGED") and current == "MEDIATING":  # 重新调解
                out, done_on = None, None
            if current == "ARCHIVED":
                arch = e[2]
        assert current == state
        assert (outcome, concluded, archived) == (out, done_on, arch), cid


def test_agreements_obligations_and_follow_ups_fit_together(big_db: Database) -> None:
    assert rows(big_db, """
        SELECT count(*) FROM agreement a JOIN dispute_case c ON c.id = a.case_id
        WHERE a.effective_on < (SELECT min(occurred_on) FROM case_event e
                                WHERE e.case_id = c.id AND e.state_to = 'ACCEPTED')
           OR c.concluded_on IS NULL AND c.state NOT IN ('MEDIATING')
    """)[0][0] == 0
    # every obligation has its 履行回访, due on its date (as services._agree schedules)
    assert rows(big_db, """
        SELECT count(*) FROM obligation o LEFT JOIN follow_up f
          ON f.obligation_id = o.id AND f.kind = 'PERFORMANCE' AND f.due_on = o.due_on
        WHERE f.id IS NULL""")[0][0] == 0
    assert rows(big_db, """
        SELECT count(*) FROM obligation o JOIN agreement a ON a.id = o.agreement_id
        WHERE o.due_on < a.effective_on OR o.case_id != a.case_id
           OR (o.performed_on IS NOT NULL AND (o.performed_on < a.effective_on
               OR o.performed_on > :t OR o.proof IS NULL))""", t=TODAY.isoformat())[0][0] == 0
    # instalments add up to the agreed amount when the agreement is about money only
    assert rows(big_db, """
        SELECT count(*) FROM agreement a WHERE a.amount_fen > 0 AND EXISTS (
          SELECT 1 FROM obligation o WHERE o.agreement_id = a.id AND o.amount_fen > 0)
        AND a.amount_fen != (SELECT sum(amount_fen) FROM obligation o
                             WHERE o.agreement_id = a.id)""")[0][0] == 0
    # nothing is done in the future; 司法确认 applied within 30 days of the agreement
    assert rows(big_db, """
        SELECT count(*) FROM agreement WHERE judicial_applied_on IS NOT NULL AND
          (judicial_applied_on > date(effective_on, '+30 days')
           OR judicial_applied_on < effective_on OR judicial_decided_on < judicial_applied_on)
    """)[0][0] == 0
    assert rows(big_db, "SELECT count(*) FROM follow_up WHERE done_on > :t",
                t=TODAY.isoformat())[0][0] == 0
    # archived cases left nothing open
    assert rows(big_db, """
        SELECT count(*) FROM follow_up f JOIN dispute_case c ON c.id = f.case_id
        WHERE c.state = 'ARCHIVED' AND f.done_on IS NULL""")[0][0] == 0


def test_derived_fields_are_what_the_services_compute(big_db: Database) -> None:
    with big_db.read() as s:
        office = s.exec(text("SELECT short_name FROM office")).one()[0]  # type: ignore[call-overload]
        cases = s.exec(select(Case).order_by(Case.registered_on)).all()
        sample = cases[::5]
        ids = [c.id for c in sample]
        ags = {a.case_id: a for a in s.exec(select(Agreement).where(Agreement.case_id.in_(ids)))}  # type: ignore[attr-defined]
        obs: dict[str, list[Obligation]] = defaultdict(list)
        for o in s.exec(select(Obligation).where(Obligation.case_id.in_(ids))):  # type: ignore[attr-defined]
            obs[o.case_id].append(o)
        fus: dict[str, list[FollowUp]] = defaultdict(list)
        for f in s.exec(select(FollowUp).where(FollowUp.case_id.in_(ids))):  # type: ignore[attr-defined]
            fus[f.case_id].append(f)
        sessions = dict(s.exec(text(  # type: ignore[call-overload]
            "SELECT case_id, count(*) FROM case_event WHERE kind = 'SESSION' GROUP BY 1")).all())
        parties: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for cid, role, name in s.exec(text(  # type: ignore[call-overload]
                "SELECT case_id, role, name FROM party ORDER BY case_id, position")).all():
            parties[cid].append((role, name))
    for c in sample:
        facts = facts_from_rows(c, ags.get(c.id), obs[c.id], fus[c.id], sessions.get(c.id, 0))
        nearest = rules.nearest_deadline(rules.deadlines(facts, TODAY))
        assert (c.next_due_on, c.next_due_kind) == (
            (nearest.due, nearest.kind.name) if nearest else (None, None)), c.case_no
        if c.accepted_on and c.extension_count == 0 and c.state in ("ACCEPTED", "MEDIATING"):
            # from 受理, or from 重新调解 where there was one (the first 受理日期 is kept)
            assert c.deadline_on == rules.mediation_deadline(c.remediated_on or c.accepted_on,
                                                             c.dispute_type)
    for c in cases:
        assert c.case_no == format_case_no(c.year, office, c.seq)
        assert c.parties_text == parties_text(parties[c.id])
        assert c.revision >= 1 and not c.deleted and c.import_key == f"demo:{c.import_key[5:]}"


def test_case_numbers_run_per_year_in_registration_order(big_db: Database) -> None:
    by_year: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for year, seq, reg in rows(big_db, "SELECT year, seq, registered_on FROM dispute_case "
                                       "ORDER BY year, seq"):
        by_year[year].append((reg, seq))
        assert reg.startswith(str(year))
    assert len(by_year) == 2  # the year before 2026-11-23 spans two calendar years
    for year, items in by_year.items():
        assert [s for _, s in items] == list(range(1, len(items) + 1)), year
        assert [r for r, _ in items] == sorted(r for r, _ in items), year
    keys = [r[0] for r in rows(big_db, "SELECT import_key FROM dispute_case")]
    assert sorted(int(k[5:]) for k in keys) == list(range(1, 2001))


# --- validity ----------------------------------------------------------------------------


def test_people_numbers_and_places_are_valid(big_db: Database) -> None:
    ids = 0
    for name, kind, idno, gender, birth, phone, org_code in rows(big_db, (
            "SELECT name, kind, id_number, gender, birth_date, phone, org_code FROM party")):
        assert name == normalise(name) and 2 <= len(name) <= 30
        if idno:
            rid = parse_resident_id(idno, today=TODAY)
            assert rid.number == idno and rid.gender.name == gender
            assert rid.birth_date.isoformat() == birth
            ids += 1
        if phone:
            assert parse_phone(phone) == phone
        if kind == "ORGANISATION" and org_code:
            assert uscc_valid(org_code), org_code
    assert ids > 2000
    office = rows(big_db, "SELECT code FROM office")[0][0]
    for code, in rows(big_db, "SELECT code FROM village"):
        assert parse_village_code(code) == code and code.startswith(office)
    for phone, in rows(big_db, "SELECT phone FROM mediator"):
        assert re.fullmatch(r"1[3-9]\d{9}", phone)
    # the texts are stored as the services store typed text (punctuation kept, trimmed)
    for table, cols in (("dispute_case", ("facts", "requests", "stabilising_measures")),
                        ("case_event", ("body", "place", "participants")),
                        ("agreement", ("terms", "responsibilities")),
                        ("obligation", ("description", "proof")), ("follow_up", ("note",))):
        for row in rows(big_db, f"SELECT {', '.join(cols)} FROM {table}"):
            for value in row:
                if value is not None:
                    typed = value.split("\n")[0]  # 调解终止 adds the catalog's routes line
                    assert typed == normalise_text(typed), (table, value)
                    # Chinese punctuation, as an input method types it: never "，" folded to ","
                    assert not re.search(r"[\u4e00-\u9fff][,;:]|[,;:] ?[\u4e00-\u9fff]", value), value
                    assert "{" not in value, (table, value)  # no unfilled template field


def test_search_index_is_what_reindex_writes_and_finds_names(big_db: Database) -> None:
    def snapshot() -> tuple[list[Any], list[Any]]:
        fts = rows(big_db, "SELECT rowid, body FROM case_fts ORDER BY rowid")
        terms = rows(big_db, "SELECT term, case_rowid FROM case_term ORDER BY case_rowid, term")
        return [tuple(r) for r in fts], [tuple(r) for r in terms]

    before = snapshot()
    with big_db.write() as s:
        assert search.reindex_cases(s) == 2000
    assert snapshot() == before
    # a two-character person name (trigram cannot find it; the name index must)
    name, case_id = rows(big_db, "SELECT p.name, p.case_id FROM party p WHERE p.kind = 'PERSON' "
                                 "AND length(p.name) = 2 LIMIT 1")[0]
    with big_db.read() as s:
        page = queries.list_cases(s, queries.CaseFilter(query=name), limit=500, today=TODAY)
        assert case_id in {r.id for r in page.rows}
        # and its pinyin initials
        ini = search.initials(name)
        page = queries.list_cases(s, queries.CaseFilter(query=ini), limit=500, today=TODAY)
        assert page.rows


def test_two_character_fact_words_counted_exactly(big_db: Database) -> None:
    """The demo builds the character-pair index as the services would: the count of a
    two-character word of the facts (and a one-character one) is the true number of cases
    holding it, before and after a full reindex."""
    bodies = rows(big_db, "SELECT c.rowid, f.body FROM dispute_case c "
                          "JOIN case_fts f ON f.rowid = c.rowid WHERE c.deleted = 0")
    words = ["围墙", "噪音", "漏水", "工资", "彩礼", "装修", "墙"]

    def counts() -> dict[str, int]:
        with big_db.read() as s:
            return {w: queries.count_cases(s, queries.CaseFilter(query=w), today=TODAY)
                    for w in words}

    truth = {w: sum(1 for _, body in bodies if w in body.lower()) for w in words}
    assert truth["围墙"] > 0 and truth["噪音"] > 0
    assert counts() == truth
    with big_db.write() as s:
        search.reindex_cases(s)
    assert counts() == truth


def test_one_audit_entry_and_a_sound_file(big: Path, big_db: Database) -> None:
    with big_db.read() as s:
        chain = audit.verify(s)
        entries = s.exec(text("SELECT action, operator, \"after\" FROM audit_log")).all()  # type: ignore[call-overload]
    assert chain.ok and chain.entries == 1
    assert entries[0][0] == "demo.generate" and '"cases": 2000' in entries[0][2]
    con = sqlite3.connect(big)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        con.close()
    assert not Path(str(big) + "-wal").exists() or Path(str(big) + "-wal").stat().st_size == 0


# --- refusals and the existing office ---------------------------------------------------------


def test_refuses_a_ledger_with_real_cases_and_writes_nothing(svc, make_case, db) -> None:  # type: ignore[no-untyped-def]
    make_case()
    before = dump(db.path)
    with pytest.raises(DomainError) as err:
        generate(db, cases=10, today=TODAY)
    assert "真实案件" in err.value.message
    assert dump(db.path) == before


def test_uses_the_existing_office_and_refuses_a_second_batch(svc, db) -> None:  # type: ignore[no-untyped-def]
    result = generate(db, cases=60, seed=2, today=TODAY)
    assert result.office_code == "330106001" and result.rows["office"] == 0
    assert result.rows["village"] == 12 and result.rows["mediator"] == 8
    owners = {r[0] for r in rows(db, "SELECT DISTINCT owner_code FROM dispute_case")}
    assert owners == {"330106001"}
    before = dump(db.path)
    with pytest.raises(DomainError) as err:
        generate(db, cases=10, today=TODAY)
    assert "演示案件" in err.value.message and str(db.path) in err.value.message
    assert dump(db.path) == before
    with pytest.raises(ValidationError):
        generate(db, cases=-1)


def test_zero_cases_sets_up_the_office_only(db) -> None:  # type: ignore[no-untyped-def]
    result = generate(db, cases=0, today=TODAY)
    assert result.cases == 0 and result.first_case_no is None
    assert rows(db, "SELECT name, short_name, code FROM office")[0] == \
        ("青石镇人民调解委员会", "青石", "330106001")
    assert rows(db, "SELECT value FROM setting WHERE key = 'office_code'")[0][0] == "330106001"


# --- the command -------------------------------------------------------------------------


def test_cli_demo_prints_the_path_and_refuses_a_real_ledger(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], svc, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    from mediator.cli import main

    target = tmp_path / "演示 库" / "demo.db"
    assert main(["demo", "--cases", "50", "--db", str(target)]) == 0
    out = capsys.readouterr().out
    assert str(target) in out
    assert rows(_open(target), "SELECT count(*) FROM dispute_case")[0][0] == 50

    make_case()
    code = main(["demo", "--cases", "50", "--db", str(db_path)])
    captured = capsys.readouterr()
    assert code != 0
    assert "真实案件" in captured.err and "真实案件" not in captured.out
