"""Figures from dated facts (issue 19): a past period computed again gives the same numbers
after later ordinary actions (重新调解, an extension, a 回访 dropped with its agreement), and
changes only when a past fact is corrected."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from mediator.core.enums import AgreementForm, DisputeType, Route
from mediator.core.errors import ValidationError
from mediator.core.inputs import AgreementInput, CaseInput, ObligationInput, PartyInput
from mediator.core.services import Services
from mediator.i18n import t
from mediator.reports.periods import parse_week
from mediator.reports.stats import compute

W44, W45, W46, W47 = "2026-W44", "2026-W45", "2026-W46", "2026-W47"
KEYS = ("accepted", "concluded", "success", "failed", "success_rate", "agreements",
        "written_agreements", "mediating", "overdue", "followups_due", "followups_missed")


class Clock:
    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def town(db):  # type: ignore[no-untyped-def]
    clock = Clock(date(2026, 9, 18))
    svc = Services(db, operator="王调解", today=clock)
    svc.init_office("青石镇人民调解委员会", "青石", "330106001")
    return svc, clock


def _case(svc: Services, reg: date, name: str) -> str:
    return svc.register_case(CaseInput(
        parties=[PartyInput(name), PartyInput("李四")], dispute_type=DisputeType.NEIGHBOUR,
        facts="两家因宅基地滴水问题发生争执", registered_on=reg)).case_id


def _figures(svc: Services, week: str, today: date) -> dict[str, Any]:
    totals = compute(svc.db, parse_week(week, today), today, breakdowns=False,
                     compare=False, trend_weeks=0).totals
    return {k: totals[k] for k in KEYS}


def _build(svc: Services, clock: Clock) -> dict[str, str]:
    """The issue's township: in W45 (11-02..11-08) six cases accepted, nine concluded (six
    agreements, three failures), one agreement (A1) paid by instalment; E accepted in
    September and past its month in W44."""
    ids: dict[str, str] = {}
    ids["E"] = _case(svc, date(2026, 9, 18), "钱一")
    clock.day = date(2026, 9, 20)
    svc.accept_case(ids["E"], on=date(2026, 9, 20))          # deadline 10-20
    clock.day = date(2026, 10, 30)
    for i in range(1, 6):                                     # B1..B5 accepted in W44
        ids[f"B{i}"] = _case(svc, date(2026, 10, 26), f"赵{i}")
        svc.accept_case(ids[f"B{i}"], on=date(2026, 10, 25 + i))
    clock.day = date(2026, 11, 8)
    for i in range(1, 7):                                     # A1..A6 accepted in W45
        ids[f"A{i}"] = _case(svc, date(2026, 11, 2), f"孙{i}")
        svc.accept_case(ids[f"A{i}"], on=date(2026, 11, 2 + i // 3))
    svc.record_agreement(ids["A1"], AgreementInput(
        AgreementForm.WRITTEN, date(2026, 11, 5), "分期赔偿", amount_fen=100000,
        responsibilities="李四负责", perform_method="转账", perform_place="村委会",
        perform_by=date(2026, 11, 10),
        obligations=[ObligationInput(date(2026, 11, 10), 100000)]))
    for key in ("A2", "A3", "A4", "B1", "B2"):
        svc.record_agreement(ids[key], AgreementInput(
            AgreementForm.ORAL, date(2026, 11, 6), "赔礼道歉", performed_now=True))
    for key in ("B3", "B4", "B5"):
        svc.record_failure(ids[key], "双方分歧大", [Route.LITIGATION], on=date(2026, 11, 7))
    return ids


EXPECTED_W45 = {"accepted": 6, "concluded": 9, "success": 6, "failed": 3,
                "success_rate": 6 / 9, "agreements": 6, "written_agreements": 1,
                "mediating": 3, "overdue": 1,
                "followups_due": 0, "followups_missed": 0}
EXPECTED_W44 = {"accepted": 5, "concluded": 0, "success": 0, "failed": 0, "success_rate": None,
                "agreements": 0, "written_agreements": 0, "mediating": 6, "overdue": 1, "followups_due": 0,
                "followups_missed": 0}
EXPECTED_W46 = {"accepted": 0, "concluded": 0, "success": 0, "failed": 0, "success_rate": None,
                "agreements": 0, "written_agreements": 0, "mediating": 3, "overdue": 1, "followups_due": 1,
                "followups_missed": 1}


def test_a_remediated_case_keeps_its_earlier_week(town) -> None:  # type: ignore[no-untyped-def]
    svc, clock = town
    ids = _build(svc, clock)
    clock.day = date(2026, 11, 16)
    assert _figures(svc, W45, clock.day) == EXPECTED_W45
    assert _figures(svc, W44, clock.day) == EXPECTED_W44
    assert _figures(svc, W46, clock.day) == EXPECTED_W46
    assert f"{_figures(svc, W45, clock.day)['success_rate']:.1%}" == "66.7%"

    # the instalment was missed (11-10): 未履行, urged, mediated again two weeks later;
    # E's deadline extended (recorded 11-17, after W44 had ended)
    assert svc.sweep_missed_instalments() == [ids["A1"]]
    svc.urge(ids["A1"], "电话督促", on=date(2026, 11, 16))
    clock.day = date(2026, 11, 19)
    svc.extend_case(ids["E"], date(2026, 12, 15), consent="双方同意延期", on=date(2026, 11, 17))
    svc.remediate(ids["A1"], "双方同意重新调解", on=date(2026, 11, 19))
    # A2's oral agreement of W45 put in writing now: W45 had one written agreement
    svc.put_agreement_in_writing(ids["A2"], "赔礼道歉并赔偿", "李四负责", "当面", "村委会",
                                 on=date(2026, 11, 19))
    a1 = svc.find_case(ids["A1"])
    # 重新调解 keeps the first 受理日期 and dates itself apart (issue 25)
    assert (a1.accepted_on, a1.remediated_on, a1.concluded_on, a1.outcome) == (
        date(2026, 11, 2), date(2026, 11, 19), None, None)

    # the weeks already past say what they said; the list behind 期末逾期数 too, with the
    # deadline as it stood then
    from mediator.reports.lists import overdue_cases
    lines, total = overdue_cases(svc.db, parse_week(W44, clock.day), clock.day)
    assert total == 1 and [(ln.id, ln.accepted_on, ln.deadline_on, ln.days_overdue)
                           for ln in lines] == [(ids["E"], date(2026, 9, 20),
                                                 date(2026, 10, 20), 12)]
    assert overdue_cases(svc.db, parse_week(W47, clock.day), clock.day)[1] == 0
    assert _figures(svc, W45, clock.day) == EXPECTED_W45
    assert _figures(svc, W44, clock.day) == EXPECTED_W44
    assert _figures(svc, W46, clock.day) == EXPECTED_W46
    # the new mediation counts in its own week, and its new conclusion too
    clock.day = date(2026, 11, 22)
    svc.record_agreement(ids["A1"], AgreementInput(
        AgreementForm.ORAL, date(2026, 11, 21), "当场赔偿", performed_now=True))
    w47 = _figures(svc, W47, clock.day)
    assert (w47["accepted"], w47["concluded"], w47["success"], w47["agreements"]) == (1, 1, 1, 1)
    # E: not overdue any more once extended (at the end of W47), still overdue in W44-W46
    assert w47["overdue"] == 0 and w47["mediating"] == 3
    assert _figures(svc, W45, clock.day) == EXPECTED_W45
    assert _figures(svc, W44, clock.day) == EXPECTED_W44
    assert _figures(svc, W46, clock.day) == EXPECTED_W46


def test_the_stored_put_in_writing_entry_is_the_one_derived_from() -> None:
    from mediator.core import facts
    from mediator.i18n import set_language

    texts = []
    for lang in ("zh_CN", "en"):
        set_language(lang)
        texts.append(t("svc.ev.put_in_writing"))
    set_language("zh_CN")
    assert tuple(texts) == facts.PUT_IN_WRITING_SUMMARIES


def test_a_correction_changes_the_period_it_was_in(town) -> None:  # type: ignore[no-untyped-def]
    svc, clock = town
    ids = _build(svc, clock)
    clock.day = date(2026, 11, 20)
    # B3 was in fact concluded on 11-09 (W46), not 11-07: a correction, audited
    svc.correct_dates(ids["B3"], "台账核对，调结日期登记有误", concluded_on=date(2026, 11, 9))
    w45, w46 = _figures(svc, W45, clock.day), _figures(svc, W46, clock.day)
    assert (w45["concluded"], w45["failed"], w45["success"]) == (8, 2, 6)
    assert (w46["concluded"], w46["failed"]) == (1, 1)
    case = svc.find_case(ids["B3"])
    assert case.concluded_on == date(2026, 11, 9)
    cf = svc.case_file(ids["B3"])
    assert [e.occurred_on for e in cf.events if e.kind == "STATE" and e.state_to == "TERMINATED"] \
        == [date(2026, 11, 9)]
    [entry] = [e for e in cf.events if e.kind == "EDIT"]
    assert entry.summary == t("svc.ev.corrected")
    assert entry.body == "调结日期：2026-11-07 更正为 2026-11-09\n台账核对，调结日期登记有误"
    from sqlalchemy import text
    with svc.db.read() as s:
        assert s.exec(text("SELECT count(*) FROM audit_log WHERE action = 'case.correct' "  # type: ignore[call-overload]
                           "AND entity_id = :id"), params={"id": ids["B3"]}).scalar_one() == 1
    # an acceptance corrected moves the one month with it
    svc.correct_dates(ids["A6"], "受理日期笔误", accepted_on=date(2026, 11, 2))
    a6 = svc.find_case(ids["A6"])
    assert (a6.accepted_on, a6.deadline_on) == (date(2026, 11, 2), date(2026, 12, 2))
    assert _figures(svc, W45, clock.day)["accepted"] == 6
    # ... and one before registration is refused
    with pytest.raises(ValidationError) as err:
        svc.correct_dates(ids["A6"], "受理日期笔误", accepted_on=date(2026, 10, 1))
    assert err.value.message == t("svc.date_before_registration", date="2026-11-02")


def test_a_correction_refuses_what_cannot_be(town) -> None:  # type: ignore[no-untyped-def]
    svc, clock = town
    ids = _build(svc, clock)
    with pytest.raises(ValidationError) as err:
        svc.correct_dates(ids["A5"], "", accepted_on=date(2026, 11, 1))
    assert err.value.message == t("svc.reason_required")
    with pytest.raises(ValidationError) as err:
        svc.correct_dates(ids["A5"], "核对")
    assert err.value.message == "请填写要更正的受理日期或调结日期。"
    with pytest.raises(ValidationError) as err:
        svc.correct_dates(ids["A5"], "核对", concluded_on=date(2026, 11, 5))
    assert err.value.message == "这次调解尚未办结，没有调结日期可更正。"
    with pytest.raises(ValidationError) as err:
        svc.correct_dates(ids["B3"], "核对", accepted_on=date(2026, 11, 8))
    assert err.value.message == ("更正后的日期顺序不对：受理日期不能晚于调结日期，"
                                 "也不能早于上一次调解的办结日期。")
    with pytest.raises(ValidationError) as err:
        svc.correct_dates(ids["B3"], "核对", concluded_on=clock.day + timedelta(days=1))
    assert err.value.message == t("svc.date_in_future")
    fresh = _case(svc, date(2026, 11, 8), "周五")
    with pytest.raises(ValidationError) as err:
        svc.correct_dates(fresh, "核对", accepted_on=date(2026, 11, 8))
    assert err.value.message == "该案件没有可更正的调解记录（未受理也未办结）。"


def test_the_cli_says_nothing_changed_after_later_actions(town, tmp_path, capsys,  # type: ignore[no-untyped-def]
                                                          monkeypatch) -> None:
    """`report weekly --week W` warns when a sent week's figures changed: not after 重新调解
    or an extension (later facts), but after a correction of that week."""
    from mediator.cli import main
    from mediator.core import services as services_mod

    svc, clock = town
    ids = _build(svc, clock)
    clock.day = date(2026, 11, 16)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(services_mod.Services, "today", lambda self: clock.day)
    db = str(svc.db.path)
    assert main(["report", "weekly", "--week", W45, "-f", "md", "-o", "-", "--db", db]) == 0
    capsys.readouterr()
    assert svc.sweep_missed_instalments() == [ids["A1"]]
    clock.day = date(2026, 11, 19)
    svc.extend_case(ids["E"], date(2026, 12, 15), consent="双方同意延期", on=date(2026, 11, 17))
    svc.remediate(ids["A1"], "双方同意重新调解", on=date(2026, 11, 19))
    assert main(["report", "weekly", "--week", W45, "-f", "md", "-o", "-", "--db", db]) == 0
    out = capsys.readouterr()
    assert "此后数字有变" not in out.err and "更正" not in out.out
    no_b3 = svc.find_case(ids["B3"]).case_no
    # a correction from the command line: a bad date is refused, nothing written
    assert main(["correct", no_b3, "--concluded-on", "2026-11-31", "--reason", "台账核对",
                 "--db", db]) != 0
    assert capsys.readouterr().err == "错误：日期不存在：2026年11月31日\n"
    assert svc.find_case(ids["B3"]).concluded_on == date(2026, 11, 7)
    assert main(["correct", no_b3, "--concluded-on", "2026-11-09", "--reason", "台账核对",
                 "--db", db]) == 0
    assert capsys.readouterr().out.strip() == (
        f"已更正 {no_b3} 的日期。已报送的相关报表再次导出时将标为“更正”。")
    assert svc.find_case(ids["B3"]).concluded_on == date(2026, 11, 9)
    assert main(["report", "weekly", "--week", W45, "-f", "md", "-o", "-", "--db", db]) == 0
    err = capsys.readouterr().err
    # B3 was still being mediated at the end of W45 now
    assert ("此后数字有变：调结数 9→8，调解不成数 3→2，调解成功率 66.7%→75.0%，"
            "期末在调数 3→4。") in err
    assert f"引起变化的案件：{no_b3}。" in err


# --- the facts themselves: recorded by the services = derived from the timeline -------------

FACT_COLUMNS = ("case_id, kind, spell, accepted_on, deadline_on, concluded_on, outcome, "
                "ref_id, deleted, {fact_on}")


def _facts(con: Any, drop_day: bool = True) -> list[tuple[Any, ...]]:
    """The fact rows (without ids and times); ``drop_day`` False leaves out the day a 回访 was
    dropped (a derivation can only take it from the row's last change)."""
    fact_on = "fact_on" if drop_day else \
        "CASE WHEN kind = 'FOLLOW_UP_DROPPED' THEN NULL ELSE fact_on END"
    sql = f"SELECT {FACT_COLUMNS.format(fact_on=fact_on)} FROM case_fact"
    return sorted(con.execute(sql).fetchall(),
                  key=lambda r: tuple("" if v is None else str(v) for v in r))


def _recorded_and_derived(path: Any) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The facts as written, and as ``facts.derive`` gives them from the timeline alone (in
    a transaction rolled back: the file is left as it was)."""
    import sqlite3

    from mediator.core import facts

    con = sqlite3.connect(path)
    try:
        recorded = _facts(con, drop_day=False)
        con.execute("DELETE FROM case_fact")
        facts.derive(con)
        return recorded, _facts(con, drop_day=False)
    finally:
        con.rollback()
        con.close()


def _history(svc: Services, clock: Clock) -> dict[str, str]:
    """The township, then 重新调解, an extension, a refusal and a transfer before acceptance,
    a deleted case."""
    ids = _build(svc, clock)
    clock.day = date(2026, 11, 16)
    svc.sweep_missed_instalments()
    clock.day = date(2026, 11, 19)
    svc.extend_case(ids["E"], date(2026, 12, 15), consent="双方同意延期", on=date(2026, 11, 17))
    svc.extend_case(ids["E"], date(2026, 12, 31), consent="再次同意延期", on=date(2026, 11, 18))
    svc.remediate(ids["A1"], "双方同意重新调解", on=date(2026, 11, 19))
    svc.put_agreement_in_writing(ids["A2"], "赔礼道歉并赔偿", "李四负责", "当面", "村委会",
                                 on=date(2026, 11, 19))
    ids["R"] = _case(svc, date(2026, 11, 18), "吴一")
    svc.refuse_case(ids["R"], "已起诉", [Route.LITIGATION], on=date(2026, 11, 18))
    ids["T"] = _case(svc, date(2026, 11, 18), "吴二")
    svc.transfer_case(ids["T"], "派出所", "涉及治安", on=date(2026, 11, 19))
    ids["D"] = _case(svc, date(2026, 11, 18), "吴三")
    svc.accept_case(ids["D"], on=date(2026, 11, 18))
    svc.delete_case(ids["D"], "重复登记")
    return ids


def test_the_facts_recorded_are_those_the_timeline_gives(town) -> None:  # type: ignore[no-untyped-def]
    """What Services._move records step by step is what mediator.core.facts.derive (the
    backfill, the demo, a version-1 package) reads from the timeline."""
    import sqlite3

    svc, clock = town
    ids = _history(svc, clock)
    recorded, derived = _recorded_and_derived(svc.db.path)
    assert derived == recorded
    con = sqlite3.connect(svc.db.path)
    recorded = _facts(con)
    con.close()
    by_case = {r[0]: r for r in recorded if r[1] == "SPELL"}
    assert [r[1:] for r in recorded if r[0] == ids["A1"] and r[1] == "SPELL"] == [
        ("SPELL", 1, "2026-11-02", "2026-12-02", "2026-11-05", "AGREEMENT", None, 0, None),
        ("SPELL", 2, "2026-11-19", "2026-12-19", None, None, None, 0, None)]
    [(kind, ref, deleted, day)] = [(r[1], r[7], r[8], r[9]) for r in recorded
                                   if r[0] == ids["A1"] and r[1] != "SPELL"]
    assert (kind, ref is not None, deleted, day) == ("FOLLOW_UP_DROPPED", True, 0, "2026-11-19")
    assert [r[1:] for r in recorded if r[0] == ids["E"]] == [
        ("EXTENSION", 1, None, "2026-12-15", None, None, None, 0, "2026-11-17"),
        ("EXTENSION", 1, None, "2026-12-31", None, None, None, 0, "2026-11-18"),
        ("SPELL", 1, "2026-09-20", "2026-10-20", None, None, None, 0, None)]
    assert [r[1:] for r in recorded if r[0] == ids["A2"] and r[1] != "SPELL"] == [
        ("PUT_IN_WRITING", 0, None, None, None, None, svc.case_file(ids["A2"]).agreement.id, 0,
         "2026-11-19")]
    assert by_case[ids["R"]][1:] == ("SPELL", 0, None, None, "2026-11-18", "REFUSED", None, 0,
                                     None)
    assert by_case[ids["T"]][1:] == ("SPELL", 0, None, None, "2026-11-19", "TRANSFERRED",
                                     None, 0, None)
    assert by_case[ids["D"]][1:] == ("SPELL", 1, "2026-11-18", "2026-12-18", None, None,
                                     None, 1, None)


def test_an_upgraded_database_gets_its_facts_from_what_it_holds(town, db_path) -> None:  # type: ignore[no-untyped-def]
    """Migration 0012 backfills the facts of the cases an earlier version stored (their
    timeline and columns): the past weeks then count as they did when they were sent."""
    import sqlite3

    from schema_history import rewind_before

    from mediator.core.db import open_database

    svc, clock = town
    _history(svc, clock)
    clock.day = date(2026, 11, 20)
    weeks = {w: _figures(svc, w, clock.day) for w in (W44, W45, W46, W47)}
    con = sqlite3.connect(svc.db.path)
    recorded = _facts(con)
    # when the 回访 was dropped: the backfill can only tell from the row's last change
    con.execute("UPDATE follow_up SET updated_at = '2026-11-19 02:10:00.000000' "
                "WHERE deleted = 1")
    con.commit()
    con.close()
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "case_fact")
    con.commit()
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = 'case_fact'"
                       ).fetchone()[0] == 0
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=clock)
        con = sqlite3.connect(db_path)
        try:
            assert _facts(con) == recorded
        finally:
            con.close()
        assert {w: _figures(again, w, clock.day) for w in weeks} == weeks
        assert weeks[W45] == EXPECTED_W45 and weeks[W46] == EXPECTED_W46


def test_the_demo_has_the_facts_of_its_cases(db) -> None:  # type: ignore[no-untyped-def]
    """The demo derives its facts from the state entries it wrote: each case's latest spell
    is what its columns say, and the re-mediated ones keep their earlier conclusion."""
    import sqlite3

    from mediator.demo.generator import generate

    generate(db, cases=300, seed=5, today=date(2026, 11, 23), parallel=False)
    con = sqlite3.connect(db.path)
    try:
        mismatched = con.execute(
            "SELECT count(*) FROM dispute_case c JOIN case_fact p ON p.case_id = c.id "
            "AND p.kind = 'SPELL' AND p.spell = (SELECT max(spell) FROM case_fact x "
            "WHERE x.case_id = c.id AND x.kind = 'SPELL') "
            "WHERE p.accepted_on IS NOT coalesce(c.remediated_on, c.accepted_on) "
            "OR (c.outcome IS NOT NULL AND p.concluded_on IS NOT c.concluded_on) "
            "OR p.outcome IS NOT c.outcome").fetchone()[0]
        without = con.execute(
            "SELECT count(*) FROM dispute_case c WHERE (c.accepted_on IS NOT NULL OR "
            "c.outcome IS NOT NULL) AND NOT EXISTS (SELECT 1 FROM case_fact p "
            "WHERE p.case_id = c.id)").fetchone()[0]
        spells = con.execute("SELECT count(*) FROM case_fact WHERE kind = 'SPELL'").fetchone()[0]
        extensions = con.execute("SELECT count(*) FROM case_fact WHERE kind = 'EXTENSION'"
                                 ).fetchone()[0]
        events = con.execute("SELECT count(*) FROM case_event WHERE kind = 'EXTENSION'"
                             ).fetchone()[0]
    finally:
        con.close()
    assert (mismatched, without) == (0, 0)
    assert spells > 200 and extensions == events


def test_undoing_a_ledger_import_takes_its_facts_with_it(svc) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import Outcome
    from mediator.core.importing import ImportedCase

    reg, ended = date(2026, 11, 2), date(2026, 11, 4)
    rows = [ImportedCase(row_no=2 + i, case=CaseInput(
        parties=[PartyInput(f"张{i}"), PartyInput("李四")], dispute_type=DisputeType.NEIGHBOUR,
        facts="滴水纠纷", registered_on=reg, import_key=f"k{i}"), outcome=Outcome.AGREEMENT,
        mediated_on=ended, closed_on=ended, agreement_form=AgreementForm.ORAL,
        identity=f"2026-11-02|张{i}|邻里") for i in range(3)]
    result = svc.import_ledger_rows(rows, "台账.xlsx")
    today = date(2026, 11, 23)
    stats = compute(svc.db, parse_week(W45, today), today, compare=False)
    assert (stats.totals["accepted"], stats.totals["success"], stats.trend[-1].concluded) == (
        3, 3, 3)
    from sqlalchemy import text
    with svc.db.read() as s:
        import_id = s.exec(text("SELECT id FROM ledger_import")).scalar_one()  # type: ignore[call-overload]
    svc.undo_ledger_import(import_id[:8])
    stats = compute(svc.db, parse_week(W45, today), today, compare=False)
    assert (stats.totals["accepted"], stats.totals["success"], stats.trend[-1].concluded) == (
        0, 0, 0)
    with svc.db.read() as s:
        assert s.exec(text("SELECT deleted, count(*) FROM case_fact GROUP BY deleted")  # type: ignore[call-overload]
                      ).all() == [(1, 3)]
    assert len(result.rows) == 3


def test_a_ledger_import_records_the_facts_the_timeline_gives(svc) -> None:  # type: ignore[no-untyped-def]
    """The ledger import records each case's spells as it replays its steps (``facts.step``,
    as Services does, issue 16: deriving them in SQL after each batch was a twentieth of the
    command); they are exactly what ``facts.derive`` reads from the timeline it wrote."""
    import sqlite3

    from mediator.core.enums import Outcome
    from mediator.core.importing import ImportedCase, Performance

    reg, mediated, closed = date(2026, 10, 5), date(2026, 10, 9), date(2026, 10, 20)
    kinds: list[dict[str, Any]] = [
        {},  # nothing after 受理日期: accepted that day (plan_lifecycle), still running
        {"mediating": True},  # accepted, still running
        {"outcome": Outcome.AGREEMENT, "mediated_on": mediated, "closed_on": closed,
         "agreement_form": AgreementForm.WRITTEN, "agreement_amount_fen": 50000,
         "performance": Performance.PERFORMED, "follow_up_on": date(2026, 10, 25)},
        {"outcome": Outcome.AGREEMENT, "mediated_on": mediated},
        {"outcome": Outcome.FAILED, "mediated_on": mediated, "closed_on": closed},
        {"outcome": Outcome.WITHDRAWN, "mediated_on": mediated},
        {"outcome": Outcome.TRANSFERRED, "mediated_on": mediated},
        {"outcome": Outcome.REFUSED, "mediated_on": reg},
    ]
    rows = [ImportedCase(row_no=2 + i, case=CaseInput(
        parties=[PartyInput(f"周{i}"), PartyInput("郑五")],
        dispute_type=DisputeType.LABOUR if i == 4 else DisputeType.NEIGHBOUR,
        facts="围墙纠纷", registered_on=reg, import_key=f"f{i}"),
        identity=f"2026-10-05|周{i}|邻里", **kw) for i, kw in enumerate(kinds)]
    result = svc.import_ledger_rows(rows, "台账.xlsx")
    assert [r.status for r in result.rows] == ["imported"] * len(kinds)
    con = sqlite3.connect(svc.db.path)
    numbers = dict(con.execute("SELECT id, import_key FROM dispute_case"))
    con.close()
    recorded, derived = _recorded_and_derived(svc.db.path)
    assert recorded == derived
    assert sorted((numbers[r[0]], *r[1:7]) for r in recorded) == [
        ("f0", "SPELL", 1, "2026-10-05", "2026-11-05", None, None),
        ("f1", "SPELL", 1, "2026-10-05", "2026-11-05", None, None),
        ("f2", "SPELL", 1, "2026-10-05", "2026-11-05", "2026-10-09", "AGREEMENT"),
        ("f3", "SPELL", 1, "2026-10-05", "2026-11-05", "2026-10-09", "AGREEMENT"),
        # 劳动争议: 15 days; concluded on the 调解日期 (the 结案日期 is its archiving)
        ("f4", "SPELL", 1, "2026-10-05", "2026-10-20", "2026-10-09", "FAILED"),
        ("f5", "SPELL", 1, "2026-10-05", "2026-11-05", "2026-10-09", "WITHDRAWN"),
        ("f6", "SPELL", 1, "2026-10-05", "2026-11-05", "2026-10-09", "TRANSFERRED"),
        ("f7", "SPELL", 0, None, None, "2026-10-05", "REFUSED"),
    ]
