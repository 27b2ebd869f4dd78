"""The hash-chained audit trail: every change appends an entry (who, what, before, after);
editing, deleting or inserting a row behind the application's back breaks the chain at that
row, and ``mediator audit verify`` says where."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core import audit
from mediator.core.enums import AgreementForm, JudicialResult, PartyRole, Route
from mediator.core.inputs import AgreementInput, ObligationInput, PartyInput

TODAY = date(2026, 11, 23)
D = timedelta


def entries(path: Path) -> list[sqlite3.Row]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        return con.execute("SELECT * FROM audit_log ORDER BY seq").fetchall()
    finally:
        con.close()


def verify(path: Path) -> audit.VerifyResult:
    from mediator.core.db import open_database

    with open_database(path) as db, db.read() as s:
        return audit.verify(s)


def test_every_service_call_appends_an_entry(svc, make_case) -> None:
    path = svc.db.path
    case = make_case(days_ago=20)
    calls = [
        ("case.accept", lambda: svc.accept_case(case.id, on=TODAY - D(20))),
        ("case.notice", lambda: svc.record_notice(case.id)),
        ("case.session", lambda: svc.add_session(case.id, "调解")),
        ("case.note", lambda: svc.add_note(case.id, "备注")),
        ("case.edit", lambda: svc.edit_case(case.id, requests="赔偿")),
        ("party.add", lambda: svc.add_party(case.id, PartyInput("王五",
                                                                role=PartyRole.THIRD_PARTY))),
        ("case.extend", lambda: svc.extend_case(case.id, TODAY + D(30), consent="同意")),
        ("followup.schedule",
         lambda: svc.schedule_follow_up(case.id, TODAY + D(2))),
        ("case.agree", lambda: svc.record_agreement(case.id, AgreementInput(
            AgreementForm.WRITTEN, TODAY - D(2), "赔偿", amount_fen=100,
            obligations=[ObligationInput(TODAY + D(5), 100)]))),
        ("case.judicial_apply", lambda: svc.judicial_apply(case.id)),
        ("case.judicial_result", lambda: svc.judicial_result(case.id, JudicialResult.CONFIRMED)),
        ("mediator.add", lambda: svc.add_mediator("钱调解", "13700001111")),
        ("village.add", lambda: svc.add_village("330106001201", "青石村")),
        ("setting.set", lambda: svc.set_setting("theme", "dark")),
    ]
    for action, call in calls:
        n = len(entries(path))
        call()
        new = entries(path)[n:]
        assert new, action
        assert action in [e["action"] for e in new]
        assert all(e["operator"] == "王调解" for e in new)
    assert verify(path).ok


def test_entry_records_before_and_after(svc, make_case) -> None:
    case = make_case()
    svc.accept_case(case.id)
    last = entries(svc.db.path)[-1]
    assert (last["action"], last["entity"], last["entity_id"]) == ("case.accept", "case", case.id)
    before, after = json.loads(last["before"]), json.loads(last["after"])
    assert (before["state"], after["state"]) == ("REGISTERED", "ACCEPTED")
    assert after["revision"] == before["revision"] + 1
    assert last["prev_hash"] == entries(svc.db.path)[-2]["hash"]


def test_reveal_is_audited(svc, make_case) -> None:
    """PIPL: showing a party's full ID is written to the trail."""
    case = make_case()
    party = svc.case_file(case.id).parties[0]
    svc.reveal_party(party.id)
    last = entries(svc.db.path)[-1]
    assert (last["action"], last["entity_id"]) == ("party.reveal", party.id)


def test_refused_change_leaves_no_entry(svc, make_case) -> None:
    from mediator.core.errors import DomainError

    case = make_case()
    n = len(entries(svc.db.path))
    with pytest.raises(DomainError):
        svc.urge(case.id, "督促")
    assert len(entries(svc.db.path)) == n


@pytest.fixture(scope="module")
def trail_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mediator.core.db import open_database
    from mediator.core.enums import DisputeType
    from mediator.core.inputs import CaseInput
    from mediator.core.services import Services

    path = tmp_path_factory.mktemp("trail") / "mediator.db"
    with open_database(path) as db:
        svc = Services(db, operator="王调解", today=lambda: TODAY)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        for _ in range(3):
            case = svc.register_case(CaseInput(parties=[PartyInput("张三")],
                                               dispute_type=DisputeType.NEIGHBOUR, facts="滴水"))
            svc.accept_case(case.case_id)
            svc.record_failure(case.case_id, "分歧大", routes=[Route.LITIGATION])
    assert len(entries(path)) >= 10
    return path


@pytest.fixture
def trail(trail_template: Path, tmp_path: Path) -> Path:
    """A closed file with ten audit entries, for raw sqlite3 to edit."""
    path = tmp_path / "审计 测试" / "mediator.db"
    path.parent.mkdir()
    shutil.copyfile(trail_template, path)
    return path


def tamper(path: Path, sql: str, *params: object) -> None:
    con = sqlite3.connect(path)
    con.execute(sql, params)
    con.commit()
    con.close()


def cli_verify(path: Path, capsys) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["--db", str(path), "audit", "verify"])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_intact_trail_verifies(trail: Path, capsys) -> None:
    n = len(entries(trail))
    result = verify(trail)
    assert result.ok and result.entries == n
    code, out, err = cli_verify(trail, capsys)
    assert code == 0 and f"共 {n} 条" in out and err == ""


def test_changed_after_is_found(trail: Path, capsys) -> None:
    row = entries(trail)[5]
    after = json.loads(row["after"])
    after["state"] = "AGREED"
    tamper(trail, 'UPDATE audit_log SET "after" = ? WHERE seq = ?',
           json.dumps(after, ensure_ascii=False, sort_keys=True), row["seq"])
    result = verify(trail)
    assert (result.broken_at, result.reason) == (row["seq"], "hash")
    code, out, err = cli_verify(trail, capsys)
    assert code != 0 and f"第 {row['seq']} 条" in err and "Traceback" not in err


@pytest.mark.parametrize("column", ["operator", "at", "action", "entity_id", "before"])
def test_any_changed_column_is_found(trail: Path, column: str) -> None:
    seq = entries(trail)[3]["seq"]
    tamper(trail, f'UPDATE audit_log SET "{column}" = ? WHERE seq = ?', "x", seq)
    assert verify(trail).broken_at == seq


def test_deleted_middle_row_is_found(trail: Path, capsys) -> None:
    seq = entries(trail)[4]["seq"]
    tamper(trail, "DELETE FROM audit_log WHERE seq = ?", seq)
    result = verify(trail)
    assert result.broken_at == seq + 1  # the first entry whose predecessor is missing
    code, _, err = cli_verify(trail, capsys)
    assert code != 0 and f"第 {seq + 1} 条" in err


def test_deleted_middle_row_renumbered_is_found(trail: Path) -> None:
    """Closing the gap by renumbering does not help: the next entry's prev_hash is wrong."""
    seq = entries(trail)[4]["seq"]
    con = sqlite3.connect(trail)
    con.execute("DELETE FROM audit_log WHERE seq = ?", (seq,))
    con.execute("UPDATE audit_log SET seq = seq - 1 WHERE seq > ?", (seq,))
    con.commit()
    con.close()
    result = verify(trail)
    assert (result.broken_at, result.reason) == (seq, "prev")


def test_inserted_row_is_found(trail: Path, capsys) -> None:
    rows = entries(trail)
    last = rows[-1]
    tamper(trail, "INSERT INTO audit_log (seq, at, operator, action, entity, entity_id, \"before\","
           " \"after\", prev_hash, hash) VALUES (?, ?, '王调解', 'case.accept', 'case', 'x', NULL,"
           " '{}', ?, ?)", last["seq"] + 1, "2026-11-23 01:00:00.000000", last["hash"], "0" * 64)
    assert verify(trail).broken_at == last["seq"] + 1
    code, _, err = cli_verify(trail, capsys)
    assert code != 0 and f"第 {last['seq'] + 1} 条" in err


def test_inserted_row_in_the_middle_is_found(trail: Path) -> None:
    """Make room by shifting later entries up: the inserted entry cannot carry a valid hash
    and a valid link at once without rewriting every later entry."""
    rows = entries(trail)
    seq = rows[3]["seq"]
    con = sqlite3.connect(trail)
    con.execute("UPDATE audit_log SET seq = seq + 1000 WHERE seq > ?", (seq,))
    con.execute("UPDATE audit_log SET seq = seq - 999 WHERE seq > 1000")
    forged_at = "2026-11-23 01:00:00.000000"
    forged = audit.entry_hash(rows[3]["hash"], forged_at, "王调解", "case.delete", "case", "x",
                              None, None)
    con.execute("INSERT INTO audit_log (seq, at, operator, action, entity, entity_id, prev_hash,"
                " hash) VALUES (?, ?, '王调解', 'case.delete', 'case', 'x', ?, ?)",
                (seq + 1, forged_at, rows[3]["hash"], forged))
    con.commit()
    con.close()
    result = verify(trail)
    assert (result.broken_at, result.reason) == (seq + 2, "prev")


def test_doctor_reports_broken_chain(trail: Path, capsys) -> None:
    seq = entries(trail)[2]["seq"]
    tamper(trail, "UPDATE audit_log SET operator = '别人' WHERE seq = ?", seq)
    code = main(["--db", str(trail), "doctor"])
    out = capsys.readouterr().out
    assert code != 0 and f"第 {seq} 条" in out


def test_verify_rows_unit() -> None:
    rows = []
    prev = audit.GENESIS
    for seq in range(1, 4):
        h = audit.entry_hash(prev, f"2026-11-2{seq} 00:00:00.000000", "王", "a", "case", str(seq),
                             None, audit.to_json({"n": seq}))
        rows.append((seq, f"2026-11-2{seq} 00:00:00.000000", "王", "a", "case", str(seq), None,
                     audit.to_json({"n": seq}), prev, h))
        prev = h
    assert audit.verify_rows(rows).ok
    assert audit.verify_rows([]).ok and audit.verify_rows([]).entries == 0
    broken = list(rows)
    broken[1] = broken[1][:7] + ('{"n": 9}',) + broken[1][8:]
    assert audit.verify_rows(broken).broken_at == 2
    assert audit.verify_rows(rows[1:]).broken_at == 2  # first entry removed


# --- the trail covers the data (issue 17, item 5) -------------------------------------------


def _one(path: Path, sql: str) -> tuple:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchone()
    finally:
        con.close()


@pytest.mark.parametrize("table, sql", [
    ("party", "UPDATE party SET name = '王二麻' WHERE id = (SELECT min(id) FROM party)"),
    ("dispute_case", ("UPDATE dispute_case SET facts = '改过的事实' "
                      "WHERE id = (SELECT min(id) FROM dispute_case)")),
    ("case_event", "UPDATE case_event SET body = 'x' WHERE id = (SELECT min(id) FROM case_event)"),
])
def test_a_row_changed_behind_the_applications_back_is_found(table: str, sql: str, trail: Path,
                                                            capsys) -> None:
    assert verify(trail).ok
    tamper(trail, sql)
    row_id = _one(trail, f"SELECT min(id) FROM {table}")[0]
    result = verify(trail)
    assert not result.ok and result.broken_at is None
    assert result.changed == ((table, row_id),) and result.changed_count == 1
    code, out, err = cli_verify(trail, capsys)
    assert code == 4 and out == ""
    assert "有 1 条记录被绕过本程序修改、添加或删除" in err and row_id in err
    code = main(["--db", str(trail), "doctor"])
    out = capsys.readouterr().out
    assert code == 3 and row_id in out and "审计记录完整" not in out


def test_agreement_amount_changed_behind_the_back_is_found(svc, make_case) -> None:
    case = make_case(days_ago=5)
    svc.accept_case(case.id)
    svc.record_agreement(case.id, AgreementInput(AgreementForm.WRITTEN, TODAY, "赔偿",
                                                 amount_fen=100_000))
    path = svc.db.path
    assert verify(path).ok
    tamper(path, "UPDATE agreement SET amount_fen = 1")
    (agreement_id,) = _one(path, "SELECT id FROM agreement")
    assert verify(path).changed == (("agreement", agreement_id),)


def test_rows_added_or_deleted_behind_the_back_are_found(trail: Path, capsys) -> None:
    con = sqlite3.connect(trail)
    victim = con.execute("SELECT id FROM follow_up UNION ALL SELECT id FROM party "
                         "ORDER BY 1 LIMIT 1").fetchone()[0]
    table = "follow_up" if con.execute("SELECT 1 FROM follow_up WHERE id = ?",
                                       (victim,)).fetchone() else "party"
    con.execute(f"DELETE FROM {table} WHERE id = ?", (victim,))
    con.execute("INSERT INTO party SELECT 'ffffffffffffffffffffffffffff0001', owner_code,"
                " revision, created_at, updated_at, deleted, origin, case_id, position + 1,"
                " role, kind, '假人', id_number, gender, birth_date, ethnicity, phone, address,"
                " org_code, representative, consent_form, consent_on FROM party LIMIT 1")
    con.commit()
    forged = con.execute("SELECT id FROM party WHERE name = '假人'").fetchone()[0]
    con.close()
    result = verify(trail)
    assert set(result.changed) == {(table, victim), ("party", forged)}
    code, _, err = cli_verify(trail, capsys)
    assert code == 4 and victim in err and forged in err


def test_edited_digests_are_found(trail: Path, capsys) -> None:
    """Changing a row and its digest together no longer adds up to the chain's sum."""
    tamper(trail, "UPDATE party SET name = '王二麻' WHERE id = (SELECT min(id) FROM party)")
    con = sqlite3.connect(trail)
    audit.register(con)
    con.execute(f"UPDATE audit_row SET digest = (SELECT {audit.digest_sql('party')} FROM party p "
                "WHERE p.id = audit_row.row_id) WHERE table_name = 'party'")
    con.commit()
    con.close()
    result = verify(trail)
    assert result.changed_count == 0 and result.digests_edited and not result.ok
    code, _, err = cli_verify(trail, capsys)
    assert code == 4 and "记录校验表被改动过" in err


@pytest.mark.parametrize("newest", [1, 3])
def test_deleting_the_newest_entries_is_found(newest: int, trail: Path, capsys) -> None:
    last = entries(trail)[-1]["seq"]
    tamper(trail, "DELETE FROM audit_log WHERE seq > ?", last - newest)
    result = verify(trail)
    assert result.broken_at is None and result.missing_from == last - newest + 1
    code, _, err = cli_verify(trail, capsys)
    assert code == 4 and f"第 {last - newest + 1} 条起的记录不见了" in err


def test_deleting_the_record_of_an_unmasked_export_is_found(svc, make_case, capsys) -> None:
    """An entry that changed no row (an --unmasked report) deleted: the head kept in the
    settings table no longer matches."""
    from mediator.core import audit as core_audit

    make_case()
    with svc.db.write() as s:
        core_audit.append(s, "王调解", "report.unmasked", "report", None, None,
                          {"kind": "ledger"})
    path = svc.db.path
    assert verify(path).ok
    seq = entries(path)[-1]["seq"]
    tamper(path, "DELETE FROM audit_log WHERE seq = ?", seq)
    assert verify(path).missing_from == seq
    tamper(path, "DELETE FROM setting WHERE key = 'audit_tail'")
    assert verify(path).missing_from == seq  # the setting gone as well: still found


def test_every_write_path_keeps_the_data_covered(svc, make_case, tmp_path: Path) -> None:
    """Services, the demo generator and the ledger's bulk rows all leave verify intact, and
    each transaction's last entry carries the sum."""
    from mediator.core.db import open_database
    from mediator.demo import generate

    case = make_case()
    svc.accept_case(case.id)
    party = svc.case_file(case.id).parties[1]
    svc.remove_party(party.id)
    svc.delete_case(make_case().id, "重复登记")
    assert verify(svc.db.path).ok
    last = entries(svc.db.path)[-1]
    assert last["rows_digest"] is not None
    from tests.ledger import ledgers

    ledger = ledgers.ledger_d(tmp_path / "台账.csv")
    assert main(["--db", str(svc.db.path), "import", "ledger", str(ledger)]) == 0
    assert verify(svc.db.path).ok
    assert entries(svc.db.path)[-1]["rows_digest"] is not None
    demo = tmp_path / "demo.db"
    with open_database(demo) as db:
        generate(db, cases=40, seed=3)
        with db.read() as s:
            assert audit.verify(s).ok
    tamper(demo, "UPDATE obligation SET amount_fen = amount_fen + 1 "
                 "WHERE id = (SELECT min(id) FROM obligation)")
    with open_database(demo) as db, db.read() as s:
        assert [t for t, _ in audit.verify(s).changed] == ["obligation"]


def test_an_upgraded_database_is_covered_from_its_baseline(tmp_path: Path) -> None:
    from tests.core.dbtools import make_v1_database

    path = tmp_path / "v1.db"
    make_v1_database(path)
    assert verify(path).ok
    assert entries(path)[-1]["action"] == "audit.baseline"
    tamper(path, "UPDATE party SET phone = '13900000000' WHERE name = '欧阳明'")
    assert verify(path).changed == (("party", "b0000000000000000000000000000001"),)
