"""The use cases, each through the real Services on a file database, checking the rows written.

Every change must: move the case only along the lifecycle, bump the case's revision by exactly
one and its updated_at, leave an audit entry, and write nothing at all when it is refused.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

import pytest
from sqlmodel import select

from mediator.core import queries
from mediator.core.checks import format_case_no
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    FollowUpMethod,
    FollowUpResult,
    FollowUpType,
    JudicialResult,
    PartyKind,
    PartyRole,
    RemediateReason,
    Route,
)
from mediator.core.errors import DomainError, NotFoundError, ValidationError
from mediator.core.inputs import AgreementInput, CaseInput, ObligationInput, PartyInput
from mediator.core.models import (
    SYNCED_TABLES,
    Agreement,
    Case,
    CaseEvent,
    FollowUp,
    Obligation,
    Party,
)
from mediator.core.rules import DeadlineKind, WarningCode
from mediator.core.services import Services

CJK = re.compile(r"[\u4e00-\u9fff]")
D = timedelta
TODAY = date(2026, 11, 23)  # the svc fixture's clock


def case_row(svc: Services, case_id: str) -> Case:
    with svc.db.read() as s:
        row = s.get(Case, case_id)
        assert row is not None
        return row


def state(svc: Services, case_id: str) -> CaseState:
    return CaseState(case_row(svc, case_id).state)


def rows(svc: Services, model, case_id: str, include_deleted: bool = False):  # type: ignore[no-untyped-def]
    with svc.db.read() as s:
        q = select(model).where(model.case_id == case_id)
        if not include_deleted:
            q = q.where(model.deleted == False)
        return list(s.exec(q).all())


def audit_count(svc: Services) -> int:
    con = sqlite3.connect(svc.db.path)
    try:
        return con.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    finally:
        con.close()


def written(svc: Services, **kw) -> AgreementInput:  # type: ignore[no-untyped-def]
    kw.setdefault("form", AgreementForm.WRITTEN)
    kw.setdefault("effective_on", TODAY)
    kw.setdefault("terms", "李四赔偿张三修缮费")
    return AgreementInput(**kw)


class Tracker:
    """Asserts that each change bumps the case's revision by one and moves updated_at."""

    def __init__(self, svc: Services, case_id: str):
        self.svc, self.case_id = svc, case_id
        row = case_row(svc, case_id)
        self.revision, self.updated_at = row.revision, row.updated_at
        self.audits = audit_count(svc)

    def changed(self) -> Case:
        row = case_row(self.svc, self.case_id)
        assert row.revision == self.revision + 1
        assert row.updated_at > self.updated_at
        assert audit_count(self.svc) > self.audits
        self.revision, self.updated_at, self.audits = row.revision, row.updated_at, audit_count(self.svc)
        return row


# --- registration and numbering ----------------------------------------------------------


def test_register_writes_case_parties_and_event(svc, make_case) -> None:
    case = make_case()
    assert case.case_no == "(2026)青石人调字第001号"
    assert case.state == "REGISTERED" and case.revision == 1
    assert case.owner_code == "330106001" and len(case.id) == 32
    assert case.created_at.tzinfo is not None
    parties = sorted(rows(svc, Party, case.id), key=lambda p: p.position)
    assert [(p.name, p.role) for p in parties] == [("张三", "APPLICANT"), ("李四", "RESPONDENT")]
    # Birth date and gender derived from the ID.
    assert parties[0].birth_date == date(1949, 12, 31) and parties[0].gender == "FEMALE"
    assert all(p.owner_code == "330106001" and p.revision == 1 for p in parties)
    [ev] = rows(svc, CaseEvent, case.id)
    assert ev.kind == "STATE" and ev.state_to == "REGISTERED" and ev.operator == "王调解"
    assert case_row(svc, case.id).parties_text == "张三 / 李四"


def test_registration_normalises_full_width_input(svc, make_case) -> None:
    case = make_case(parties=[PartyInput("　王　五", id_number="１１０１０５１９４９１２３１００２ｘ",
                                         phone="１３８ １２３４ ５６７８")])
    [p] = rows(svc, Party, case.id)
    assert p.id_number == "11010519491231002X" and p.phone == "13812345678"


def test_case_numbers_sequential_per_office_per_year(svc, make_case, db) -> None:
    nos = [make_case().case_no for _ in range(3)]
    assert nos == [format_case_no(2026, "青石", n) for n in (1, 2, 3)]
    # A case registered last year starts that year's own sequence.
    old = make_case(days_ago=400)
    assert old.case_no == "(2025)青石人调字第001号"
    # Another office's cases in the same file (merged from below) do not take our numbers.
    with db.write() as s:
        s.add(Case(owner_code="330106002", year=2026, seq=50, case_no="(2026)白沙人调字第050号",
                   dispute_type="OTHER", source="APPLICATION", registered_on=TODAY, facts="x"))
    assert make_case().case_no == "(2026)青石人调字第004号"
    # A deleted case keeps its number: numbers are never reused.
    last = make_case()
    svc.delete_case(last.id, "录入错误")
    assert make_case().case_no == "(2026)青石人调字第006号"


def test_case_numbers_restart_in_new_year(db, make_case, svc) -> None:
    make_case()
    make_case()
    next_year = Services(db, operator="王调解", today=lambda: date(2027, 1, 2))
    case = next_year.register_case(CaseInput(parties=[PartyInput("赵六")],
                                             dispute_type=DisputeType.CONTRACT, facts="欠款"))
    assert case.case_no == "(2027)青石人调字第001号" and next_year.find_case(case.case_id).year == 2027


def test_register_without_office_is_refused(tmp_path) -> None:
    from mediator.core.db import open_database

    with open_database(tmp_path / "empty.db") as db:
        svc = Services(db, today=lambda: TODAY)
        with pytest.raises(DomainError) as err:
            svc.register_case(CaseInput(parties=[PartyInput("张三")],
                                        dispute_type=DisputeType.OTHER, facts="x"))
        assert "mediator init" in str(err.value)


@pytest.mark.parametrize(("change", "field"), [
    (dict(parties=[]), "parties"),
    (dict(parties=[PartyInput("李四", role=PartyRole.RESPONDENT)]), "parties"),
    (dict(parties=[PartyInput("")]), "parties.0.name"),
    (dict(parties=[PartyInput("张三", id_number="110105194912310021")]), None),  # bad checksum
    (dict(parties=[PartyInput("张三", phone="12345")]), None),
    (dict(parties=[PartyInput("张三", id_number="11010519491231002X"),
                   PartyInput("张三", id_number="11010519491231002X")]), "parties"),
    (dict(facts="  "), "facts"),
    (dict(days_ago=-1), "registered_on"),
    (dict(amount_fen=-1), "amount_fen"),
    (dict(persons_involved=1), "persons_involved"),
    (dict(is_hard=True), "lead_official"),
    (dict(source=CaseSource.PETITION), "petition_received_on"),
    (dict(village_code="33010600100"), None),
    (dict(facts="长" * 20001), None),
])
def test_invalid_registration_writes_nothing(svc, make_case, dump, change, field) -> None:
    make_case()
    before = dump(svc.db.path)
    with pytest.raises(ValidationError) as err:
        if change.get("parties") == []:  # make_case would substitute its default parties
            svc.register_case(CaseInput(parties=[], dispute_type=DisputeType.OTHER, facts="x"))
        else:
            make_case(**change)
    assert CJK.search(str(err.value))
    if field is not None:
        assert err.value.field == field
    assert dump(svc.db.path) == before


def test_unknown_mediator_writes_nothing(svc, make_case, dump) -> None:
    before = dump(svc.db.path)
    with pytest.raises(ValidationError):
        make_case(mediator_id="0" * 32)
    assert dump(svc.db.path) == before


def test_group_dispute_and_persons_derived(svc, make_case) -> None:
    five = [PartyInput(n) for n in ("甲一", "乙二", "丙三", "丁四", "戊五")]
    case = make_case(parties=five)
    assert case.persons_involved == 5 and case.group_dispute
    small = make_case()
    assert small.persons_involved == 2 and not small.group_dispute


def test_organisation_party_keeps_code_not_id(svc, make_case) -> None:
    case = make_case(parties=[PartyInput("张三"),
                              PartyInput("青石建材有限公司", role=PartyRole.RESPONDENT,
                                         kind=PartyKind.ORGANISATION,
                                         id_number="91330106MA2XXXXX0X",
                                         representative="钱七")])
    org = [p for p in rows(svc, Party, case.id) if p.kind == "ORGANISATION"][0]
    assert org.org_code == "91330106MA2XXXXX0X" and org.id_number is None


# --- the main path -----------------------------------------------------------------------


def test_full_lifecycle_to_archive(svc, make_case) -> None:
    case = make_case(days_ago=30)
    tr = Tracker(svc, case.id)
    reg = TODAY - D(30)

    svc.accept_case(case.id, on=reg + D(1))
    row = tr.changed()
    assert row.state == "ACCEPTED" and row.accepted_on == reg + D(1)
    assert row.deadline_on == date(2026, 11, 25)  # one calendar month after 10-25
    assert row.next_due_on == date(2026, 11, 25) and row.next_due_kind == "MEDIATION"

    svc.record_notice(case.id, on=reg + D(2), note="告知权利义务")
    row = tr.changed()
    assert row.state == "MEDIATING" and row.notice_on == reg + D(2)

    out = svc.add_session(case.id, "双方陈述，核实滴水位置", on=reg + D(3), place="村委会",
                          participants="张三、李四")
    assert out.warnings == ()  # notice was recorded first
    row = tr.changed()
    assert row.state == "MEDIATING"
    [session] = [e for e in rows(svc, CaseEvent, case.id) if e.kind == "SESSION"]
    # All input is NFKC-folded (issue 2 §7): the full-width comma becomes ','.
    assert (session.place, session.participants, session.body) == ("村委会", "张三、李四",
                                                                     "双方陈述，核实滴水位置")

    obligations = [ObligationInput(TODAY + D(10), 100000, "第一期"),
                   ObligationInput(TODAY + D(40), 200000, "第二期", obligor="李四")]
    out = svc.record_agreement(case.id, written(svc, effective_on=TODAY - D(5), amount_fen=300000,
                                                obligations=obligations,
                                                perform_place="村委会", perform_method="现金"))
    # no 争议事项 (requests) and no 各方责任: Art. 36 wants them in a written agreement
    assert out.warnings == (("书面调解协议书缺少：争议事项、各方责任（《人民调解工作若干规定》第三十六条），"
                             "请补充后再打印协议书。"),)
    row = tr.changed()
    assert row.state == "PERFORMING" and row.outcome == "AGREEMENT"
    assert row.concluded_on == TODAY - D(5)
    [ag] = rows(svc, Agreement, case.id)
    assert (ag.form, ag.amount_fen, ag.perform_place) == ("WRITTEN", 300000, "村委会")
    obs = sorted(rows(svc, Obligation, case.id), key=lambda o: o.seq)
    assert [(o.seq, o.due_on, o.amount_fen) for o in obs] == [(1, TODAY + D(10), 100000),
                                                             (2, TODAY + D(40), 200000)]
    # A 回访 scheduled for each obligation's due date, and the policy's 回访 30 days after the
    # agreement took effect (issue 24: every 调解成功 is visited).
    fus = sorted(rows(svc, FollowUp, case.id), key=lambda f: f.due_on)
    assert [(f.due_on, f.kind, f.obligation_id) for f in fus] == [
        (TODAY + D(10), "PERFORMANCE", obs[0].id), (TODAY + D(25), "ROUTINE", None),
        (TODAY + D(40), "PERFORMANCE", obs[1].id)]
    assert row.next_due_on == TODAY + D(10)

    svc.record_performance(obs[0].id, performed_on=TODAY, proof="收据 No.0012")
    row = tr.changed()
    assert row.state == "PERFORMING"
    with svc.db.read() as s:
        ob0 = s.get(Obligation, obs[0].id)
        assert ob0.performed_on == TODAY and ob0.proof == "收据 No.0012" and ob0.revision == 2
    with pytest.raises(DomainError):
        svc.record_performance(obs[0].id, proof="again")

    svc.record_performance(obs[1].id, proof="银行转账 20261123")
    row = tr.changed()
    assert row.state == "PERFORMED" and row.outcome == "AGREEMENT"

    # Both 回访 still open; archive then close.
    svc.archive_case(case.id)
    row = tr.changed()
    assert row.state == "ARCHIVED" and row.archived_on == TODAY
    cf = svc.case_file(case.id)
    assert cf.legal_actions and all(a.name in ("NOTE", "SCHEDULE_FOLLOW_UP", "JUDICIAL_RESULT")
                                    for a in cf.legal_actions)
    states = [(e.state_from, e.state_to) for e in cf.events if e.kind == "STATE"]
    assert states == [(None, "REGISTERED"), ("REGISTERED", "ACCEPTED"), ("ACCEPTED", "MEDIATING"),
                      ("MEDIATING", "AGREED"), ("AGREED", "PERFORMING"),
                      ("PERFORMING", "PERFORMED"), ("PERFORMED", "ARCHIVED")]
    with pytest.raises(DomainError):
        svc.edit_case(case.id, facts="改")


def test_session_before_notice_warns(svc, make_case) -> None:
    case = make_case()
    svc.accept_case(case.id)
    out = svc.add_session(case.id, "第一次调解")
    assert state(svc, case.id) is CaseState.MEDIATING
    assert out.warnings and "告知" in out.warnings[0]
    assert WarningCode.NO_NOTICE in {w.code for w in svc.case_file(case.id).warnings}


def test_oral_agreement_with_money_warns(svc, make_case) -> None:
    case = make_case()
    svc.accept_case(case.id)
    out = svc.record_agreement(case.id, AgreementInput(AgreementForm.ORAL, TODAY, "赔偿500元",
                                                       amount_fen=50000))
    # no 告知 and no session on file either: a 卷宗评查 would ask for them (issue 25)
    assert out.warnings == ("口头协议涉及金额或履行义务，依法应制作书面调解协议书。",
                            "达成协议时尚未记录权利义务告知、调解记录：卷宗应有告知和调解过程的记录，请补记。")
    assert state(svc, case.id) is CaseState.AGREED
    cf = svc.case_file(case.id)
    assert WarningCode.ORAL_NEEDS_WRITTEN in {w.code for w in cf.warnings}
    # 司法确认 confirms written agreements only: no window, no offer for an oral one (the one
    # deadline left is the policy's 回访, issue 24)
    assert [(d.kind, d.due) for d in cf.deadlines] == [(DeadlineKind.FOLLOW_UP, TODAY + D(30))]
    assert case_row(svc, case.id).next_due_kind == "FOLLOW_UP"
    assert Action.JUDICIAL_APPLY not in cf.legal_actions


def test_oral_agreement_without_money_performed_on_the_spot(svc, make_case) -> None:
    case = make_case()
    svc.accept_case(case.id)
    out = svc.record_agreement(case.id, AgreementInput(AgreementForm.ORAL, TODAY, "互相道歉",
                                                       performed_now=True))
    assert out.warnings == ("达成协议时尚未记录权利义务告知、调解记录：卷宗应有告知和调解过程的记录，请补记。",)
    assert state(svc, case.id) is CaseState.PERFORMED


def test_quick_oral_case(svc, dump) -> None:
    data = CaseInput(parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
                     dispute_type=DisputeType.NEIGHBOUR, facts="占道堆放柴草")
    out = svc.quick_oral_case(data, AgreementInput(AgreementForm.ORAL, TODAY, "当场清理",
                                                   performed_now=True))
    row = case_row(svc, out.case_id)
    assert (row.state, row.accepted_on, row.notice_on) == ("PERFORMED", TODAY, TODAY)
    before = dump(svc.db.path)
    bad = CaseInput(parties=[PartyInput("张三")], dispute_type=DisputeType.NEIGHBOUR, facts="x")
    with pytest.raises(ValidationError):
        svc.quick_oral_case(bad, AgreementInput(AgreementForm.ORAL, TODAY, "  "))
    assert dump(svc.db.path) == before


@pytest.mark.parametrize(("agreement", "error"), [
    (dict(terms=" "), ValidationError),
    (dict(amount_fen=-5), ValidationError),
    (dict(effective_on=TODAY + D(1)), ValidationError),
    (dict(effective_on=TODAY - D(30)), ValidationError),  # before registration
    (dict(obligations=[ObligationInput(TODAY - D(1), 100)]), ValidationError),
    (dict(obligations=[ObligationInput(TODAY, -100)]), ValidationError),
    (dict(performed_now=True, obligations=[ObligationInput(TODAY, 100)]), ValidationError),
])
def test_invalid_agreement_writes_nothing(svc, make_case, dump, agreement, error) -> None:
    case = make_case(days_ago=10)
    svc.accept_case(case.id)
    before = dump(svc.db.path)
    with pytest.raises(error) as err:
        svc.record_agreement(case.id, written(svc, **agreement))
    assert CJK.search(str(err.value))
    assert dump(svc.db.path) == before


# --- performance failing -----------------------------------------------------------------


def _performing(svc, make_case, due_in: int = -5):  # type: ignore[no-untyped-def]
    case = make_case(days_ago=30)
    svc.accept_case(case.id, on=TODAY - D(29))
    svc.record_agreement(case.id, written(svc, effective_on=TODAY - D(20), amount_fen=80000,
                                          obligations=[ObligationInput(TODAY + D(due_in), 80000)]))
    assert state(svc, case.id) is CaseState.PERFORMING
    return case


def test_missed_instalment_sweep_walks_the_performing_cases_only(svc) -> None:
    """The sweep runs on every start: it must reach the few PERFORMING cases by their state,
    not walk every case of the office (50 ms at 100,000 cases instead of 10)."""
    from mediator.core.services import MISSED_INSTALMENTS_SQL

    con = sqlite3.connect(svc.db.path)
    try:
        plan = " ".join(r[3] for r in con.execute(
            "EXPLAIN QUERY PLAN " + MISSED_INSTALMENTS_SQL.replace(":today", "'2026-12-04'")))
    finally:
        con.close()
    assert "SEARCH c USING INDEX ix_case_state (state=?)" in plan, plan


def test_missed_instalment_then_urge_then_remediate(svc, make_case) -> None:
    case = _performing(svc, make_case)
    on_time = _performing(svc, make_case, due_in=3)
    tr = Tracker(svc, case.id)
    assert svc.sweep_missed_instalments() == [case.id]
    row = tr.changed()
    assert row.state == "UNPERFORMED"
    assert state(svc, on_time.id) is CaseState.PERFORMING
    assert svc.sweep_missed_instalments() == []  # nothing more to do
    svc.urge(case.id, "电话督促李四")
    assert tr.changed().state == "URGED"
    svc.remediate(case.id, "双方同意重新调解")
    row = tr.changed()
    assert row.state == "MEDIATING" and row.outcome is None and row.concluded_on is None
    # the first 受理日期 is kept; 重新调解's own date starts the new month (issue 25)
    assert (row.accepted_on, row.remediated_on, row.remediate_reason, row.deadline_on) == (
        date(2026, 10, 25), TODAY, "NON_PERFORMANCE", date(2026, 12, 23))


def test_new_agreement_after_remediation_supersedes_the_old_one(svc, make_case) -> None:
    """重新调解 then a new agreement: the old agreement's missed instalment and its 回访 no
    longer count, and the case file shows the new agreement (even on the same day)."""
    case = make_case(days_ago=60)
    svc.accept_case(case.id, on=TODAY - D(60))
    svc.record_agreement(case.id, written(svc, effective_on=TODAY - D(50), terms="旧协议",
                                          amount_fen=100,
                                          obligations=[ObligationInput(TODAY - D(40), 100)]))
    assert svc.sweep_missed_instalments() == [case.id]
    svc.remediate(case.id, "双方同意重新调解", on=TODAY - D(30))
    svc.edit_case(case.id, requests="赔偿修缮费")  # 争议事项 of the written agreement (Art. 36)
    out = svc.record_agreement(case.id, written(svc, effective_on=TODAY - D(5), terms="新协议",
                                                amount_fen=100, responsibilities="李四负责",
                                                perform_method="现金", perform_place="村委会",
                                                obligations=[ObligationInput(TODAY + D(30), 100)]))
    assert out.warnings == ("达成协议时尚未记录权利义务告知、调解记录：卷宗应有告知和调解过程的记录，请补记。",)  # neither 告知 nor a session was recorded
    cf = svc.case_file(case.id)
    assert cf.case.state == "PERFORMING" and cf.agreement.terms == "新协议"
    # the policy's 回访 of the old agreement (due before the new one) moved after the new one
    assert [(d.kind, d.due) for d in cf.deadlines if not d.optional] == [
        (DeadlineKind.FOLLOW_UP, TODAY + D(25)), (DeadlineKind.FOLLOW_UP, TODAY + D(30)),
        (DeadlineKind.PERFORMANCE, TODAY + D(30))]
    assert cf.warnings == []
    assert case_row(svc, case.id).next_due_on == TODAY + D(25)
    assert svc.sweep_missed_instalments() == []
    with svc.db.read() as s:
        assert [i.due_on for i in queries.agenda(s, TODAY, days=7)] == []
    # The old instalment is history now: it cannot be "performed" into the new agreement.
    old = [o for o in rows(svc, Obligation, case.id) if o.due_on == TODAY - D(40)][0]
    with pytest.raises(DomainError):
        svc.record_performance(old.id, proof="迟到的收据")
    new = [o for o in rows(svc, Obligation, case.id) if o.due_on == TODAY + D(30)][0]
    svc.record_performance(new.id, proof="收据")
    assert state(svc, case.id) is CaseState.PERFORMED


def test_same_day_second_agreement_is_the_current_one(svc, make_case) -> None:
    case = make_case(days_ago=10)
    svc.accept_case(case.id)
    svc.record_agreement(case.id, written(svc, terms="第一次", obligations=[
        ObligationInput(TODAY + D(1), 100)]))
    svc.sweep_missed_instalments()
    svc.edit_case(case.id, requests="x")
    with svc.db.write() as s:  # an instalment missed the same day (e.g. 回访 found it unpaid)
        s.get(Case, case.id).state = "UNPERFORMED"
    svc.remediate(case.id)
    svc.record_agreement(case.id, written(svc, terms="第二次"))
    assert svc.case_file(case.id).agreement.terms == "第二次"
    svc.judicial_apply(case.id)
    ags = {a.terms: a for a in rows(svc, Agreement, case.id)}
    assert ags["第二次"].judicial_status == "APPLIED" and ags["第一次"].judicial_status is None


def test_unperformed_advise_suit_then_archive(svc, make_case) -> None:
    case = _performing(svc, make_case)
    svc.sweep_missed_instalments()
    svc.advise_suit(case.id, "告知可向法院起诉")
    row = case_row(svc, case.id)
    assert row.state == "SUIT_ADVISED" and row.routes_told == "LITIGATION"
    svc.archive_case(case.id)
    assert state(svc, case.id) is CaseState.ARCHIVED


def test_late_performance_after_urging_completes(svc, make_case) -> None:
    case = _performing(svc, make_case)
    svc.sweep_missed_instalments()
    svc.urge(case.id, "上门督促")
    [ob] = rows(svc, Obligation, case.id)
    svc.record_performance(ob.id, proof="收条")
    assert state(svc, case.id) is CaseState.PERFORMED


def test_urge_is_illegal_while_performing(svc, make_case, dump) -> None:
    case = _performing(svc, make_case, due_in=5)
    before = dump(svc.db.path)
    with pytest.raises(DomainError) as err:
        svc.urge(case.id, "督促")
    assert "履行中" in str(err.value)
    assert dump(svc.db.path) == before


# --- other endings -----------------------------------------------------------------------


def test_refuse_with_routes(svc, make_case, dump) -> None:
    case = make_case()
    with pytest.raises(ValidationError):
        svc.refuse_case(case.id, "  ")
    tr = Tracker(svc, case.id)
    svc.refuse_case(case.id, "已起诉至法院", routes=[Route.LITIGATION])
    row = tr.changed()
    assert (row.state, row.outcome, row.refusal_reason, row.routes_told) == (
        "REFUSED", "REFUSED", "已起诉至法院", "LITIGATION")
    assert row.concluded_on == TODAY
    before = dump(svc.db.path)
    with pytest.raises(DomainError):
        svc.accept_case(case.id)
    assert dump(svc.db.path) == before
    svc.archive_case(case.id)
    assert state(svc, case.id) is CaseState.ARCHIVED


def test_terminate_requires_routes(svc, make_case, dump) -> None:
    case = make_case()
    svc.accept_case(case.id)
    before = dump(svc.db.path)
    with pytest.raises(ValidationError) as err:
        svc.record_failure(case.id, "双方分歧较大", routes=[])
    assert err.value.field == "routes"
    assert dump(svc.db.path) == before
    svc.record_failure(case.id, "双方分歧较大", routes=[Route.LITIGATION, Route.ARBITRATION])
    row = case_row(svc, case.id)
    assert (row.state, row.outcome, row.routes_told) == ("TERMINATED", "FAILED",
                                                         "LITIGATION,ARBITRATION")
    last = [e for e in rows(svc, CaseEvent, case.id) if e.kind == "STATE"]
    assert any("诉讼" in e.body and "仲裁" in e.body for e in last)


def test_transfer(svc, make_case) -> None:
    case = make_case()
    svc.accept_case(case.id)
    with pytest.raises(ValidationError):
        svc.transfer_case(case.id, " ", "重大")
    svc.transfer_case(case.id, "县矛调中心", "涉及多个乡镇")
    row = case_row(svc, case.id)
    assert (row.state, row.outcome, row.transfer_to) == ("TRANSFERRED", "TRANSFERRED", "县矛调中心")
    assert [e.summary for e in rows(svc, CaseEvent, case.id) if e.kind == "TRANSFER"] == [
        "移交 县矛调中心"]


def test_withdraw(svc, make_case) -> None:
    case = make_case()
    svc.withdraw_case(case.id, "已私下和解")
    row = case_row(svc, case.id)
    assert (row.state, row.outcome, row.withdraw_reason) == ("WITHDRAWN", "WITHDRAWN", "已私下和解")
    with pytest.raises(DomainError):
        svc.withdraw_case(case.id)


# --- extension and judicial confirmation -------------------------------------------------


def test_extension_needs_consent_and_a_later_date(svc, make_case, dump) -> None:
    case = make_case(days_ago=40)
    svc.accept_case(case.id, on=TODAY - D(40))  # accepted 10-14, due 11-14: overdue
    cf = svc.case_file(case.id)
    assert WarningCode.PAST_ONE_MONTH in {w.code for w in cf.warnings}
    before = dump(svc.db.path)
    with pytest.raises(ValidationError) as no_consent:
        svc.extend_case(case.id, TODAY + D(20), consent=" ")
    assert no_consent.value.field == "consent"
    with pytest.raises(ValidationError) as not_later:
        svc.extend_case(case.id, date(2026, 11, 14), consent="双方同意")
    assert "2026-11-14" in str(not_later.value)
    assert dump(svc.db.path) == before
    tr = Tracker(svc, case.id)
    svc.extend_case(case.id, TODAY + D(20), consent="双方当事人同意延期")
    row = tr.changed()
    assert (row.deadline_on, row.extension_count, row.state) == (TODAY + D(20), 1, "ACCEPTED")
    assert row.next_due_on == TODAY + D(20)
    assert svc.case_file(case.id).warnings == []
    [ev] = [e for e in rows(svc, CaseEvent, case.id) if e.kind == "EXTENSION"]
    assert ev.body == "双方当事人同意延期"
    # Past the extended date the warning says so.
    later = Services(svc.db, operator="王调解", today=lambda: TODAY + D(25))
    assert {w.code for w in later.case_file(case.id).warnings} == {WarningCode.PAST_EXTENSION}


def test_extension_of_mediation_leaves_the_petition_clock_alone(svc, make_case) -> None:
    """The petition's clocks are its own (core.petition, issue 25): 15 days to tell, 5
    working days to object, 60 days from the petition's acceptance; a mediation extension
    (双方同意) does not add the petition's 30 days."""
    from mediator.core.enums import PetitionChannel

    case = make_case(source=CaseSource.PETITION, petition_channel=PetitionChannel.VISIT,
                     petition_received_on=TODAY - D(12))
    cf = svc.case_file(case.id)
    assert [(d.kind, d.due) for d in cf.deadlines] == [
        (DeadlineKind.PETITION_OBJECTION, date(2026, 11, 18)),
        (DeadlineKind.PETITION_NOTICE, TODAY + D(3))]
    svc.petition_notice(case.id, accepted=True)
    svc.accept_case(case.id)
    kinds = {d.kind: d.due for d in svc.case_file(case.id).deadlines}
    assert kinds[DeadlineKind.PETITION_COMPLETE] == TODAY + D(60)
    svc.extend_case(case.id, TODAY + D(70), consent="同意")
    kinds = {d.kind: d.due for d in svc.case_file(case.id).deadlines}
    assert kinds[DeadlineKind.PETITION_COMPLETE] == TODAY + D(60)
    assert not case_row(svc, case.id).petition_extended


def test_extension_refused_after_agreement(svc, make_case) -> None:
    case = make_case()
    svc.accept_case(case.id)
    svc.record_agreement(case.id, written(svc))
    with pytest.raises(DomainError):
        svc.extend_case(case.id, TODAY + D(60), consent="同意")


def test_judicial_confirmation_within_window(svc, make_case) -> None:
    case = make_case(days_ago=20)
    svc.accept_case(case.id, on=TODAY - D(20))
    svc.record_agreement(case.id, written(svc, effective_on=TODAY - D(10)))
    with pytest.raises(DomainError):
        svc.judicial_result(case.id, JudicialResult.CONFIRMED)  # not applied yet
    with pytest.raises(ValidationError):
        svc.judicial_result(case.id, JudicialResult.APPLIED)
    tr = Tracker(svc, case.id)
    svc.judicial_apply(case.id, court="青石区人民法院")
    tr.changed()
    [ag] = rows(svc, Agreement, case.id)
    assert (ag.judicial_status, ag.judicial_applied_on, ag.judicial_court, ag.revision) == (
        "APPLIED", TODAY, "青石区人民法院", 2)
    assert DeadlineKind.JUDICIAL not in [d.kind for d in svc.case_file(case.id).deadlines]
    with pytest.raises(DomainError):
        svc.judicial_apply(case.id)
    svc.judicial_result(case.id, JudicialResult.CONFIRMED, ref="(2026)浙0106民特12号")
    tr.changed()
    [ag] = rows(svc, Agreement, case.id)
    assert (ag.judicial_status, ag.judicial_decided_on, ag.judicial_ref) == (
        "CONFIRMED", TODAY, "(2026)浙0106民特12号")


def test_judicial_apply_refused_after_thirty_days(svc, make_case, dump) -> None:
    case = make_case(days_ago=60)
    svc.accept_case(case.id, on=TODAY - D(60))
    svc.record_agreement(case.id, written(svc, effective_on=TODAY - D(31)))
    before = dump(svc.db.path)
    with pytest.raises(DomainError) as err:
        svc.judicial_apply(case.id)
    assert "30" in str(err.value) and (TODAY - D(1)).isoformat() in str(err.value)
    assert dump(svc.db.path) == before
    # The last day of the window was fine.
    svc.judicial_apply(case.id, on=TODAY - D(1))


def test_judicial_apply_needs_an_agreement(svc, make_case) -> None:
    case = make_case()
    svc.accept_case(case.id)
    with pytest.raises(DomainError):
        svc.judicial_apply(case.id)


# --- follow-ups --------------------------------------------------------------------------


def test_schedule_and_complete_follow_up(svc, make_case) -> None:
    case = make_case()
    with pytest.raises(DomainError):  # not before acceptance
        svc.schedule_follow_up(case.id, TODAY + D(3))
    svc.accept_case(case.id)
    with pytest.raises(ValidationError):
        svc.schedule_follow_up(case.id, TODAY - D(30))
    tr = Tracker(svc, case.id)
    svc.schedule_follow_up(case.id, TODAY + D(3), FollowUpType.STABILITY, FollowUpMethod.PHONE,
                           "节前稳控")
    row = tr.changed()
    assert row.next_due_on == TODAY + D(3) and row.next_due_kind == "FOLLOW_UP"
    [fu] = rows(svc, FollowUp, case.id)
    assert (fu.kind, fu.method, fu.note, fu.done_on) == ("STABILITY", "PHONE", "节前稳控", None)
    svc.complete_follow_up(fu.id, FollowUpResult.SATISFIED, FollowUpMethod.VISIT, "情绪稳定")
    row = tr.changed()
    [fu] = rows(svc, FollowUp, case.id)
    assert (fu.done_on, fu.result, fu.method, fu.revision) == (TODAY, "SATISFIED", "VISIT", 2)
    assert "情绪稳定" in fu.note and "节前稳控" in fu.note
    assert row.next_due_kind == "MEDIATION"
    with pytest.raises(DomainError):
        svc.complete_follow_up(fu.id, FollowUpResult.SATISFIED, FollowUpMethod.VISIT)
    with pytest.raises(NotFoundError):
        svc.complete_follow_up("0" * 32, FollowUpResult.SATISFIED, FollowUpMethod.VISIT)


def test_follow_up_finding_non_performance_marks_unperformed(svc, make_case) -> None:
    case = _performing(svc, make_case, due_in=0)
    [fu] = [f for f in rows(svc, FollowUp, case.id) if f.kind == "PERFORMANCE"]
    assert fu.due_on == TODAY and fu.kind == "PERFORMANCE"
    svc.complete_follow_up(fu.id, FollowUpResult.NOT_PERFORMED, FollowUpMethod.VISIT,
                           "李四称资金困难")
    assert state(svc, case.id) is CaseState.UNPERFORMED
    ev = [e for e in rows(svc, CaseEvent, case.id) if e.state_to == "UNPERFORMED"]
    assert len(ev) == 1


def test_follow_up_satisfied_keeps_performing(svc, make_case) -> None:
    case = _performing(svc, make_case, due_in=0)
    [fu] = [f for f in rows(svc, FollowUp, case.id) if f.kind == "PERFORMANCE"]
    svc.complete_follow_up(fu.id, FollowUpResult.SATISFIED, FollowUpMethod.PHONE)
    assert state(svc, case.id) is CaseState.PERFORMING


# --- editing -----------------------------------------------------------------------------


def test_edit_case(svc, make_case, dump) -> None:
    case = make_case()
    tr = Tracker(svc, case.id)
    svc.edit_case(case.id, facts="改为：围墙界址纠纷", dispute_type=DisputeType.HOUSE_HOMESTEAD,
                  amount_fen=120000, is_hard=True, lead_official="周镇长",
                  resolve_by=TODAY + D(15))
    row = tr.changed()
    assert (row.facts, row.dispute_type, row.amount_fen, row.is_hard, row.lead_official) == (
        # NFKC turns the IME's full-width colon into ':'
        "改为：围墙界址纠纷", "HOUSE_HOMESTEAD", 120000, True, "周镇长")
    assert row.next_due_on == TODAY + D(15) and row.next_due_kind == "HARD_CASE"
    before = dump(svc.db.path)
    for bad in (dict(state="ARCHIVED"), dict(facts=""), dict(lead_official=""),
                dict(amount_fen=-1), dict(village_code="12")):
        with pytest.raises(ValidationError):
            svc.edit_case(case.id, **bad)
        assert dump(svc.db.path) == before, bad


def test_parties_add_update_remove(svc, make_case) -> None:
    case = make_case()
    tr = Tracker(svc, case.id)
    svc.add_party(case.id, PartyInput("王小明", role=PartyRole.THIRD_PARTY, phone="13700002222"))
    assert tr.changed().parties_text == "张三 / 李四、王小明"
    with svc.db.read() as s:
        page = queries.list_cases(s, queries.CaseFilter(query="小明"), today=TODAY)
    assert [r.id for r in page.rows] == [case.id]
    wang = [p for p in rows(svc, Party, case.id) if p.name == "王小明"][0]
    svc.update_party(wang.id, PartyInput("王晓明", role=PartyRole.RESPONDENT))
    assert tr.changed().parties_text == "张三 / 李四、王晓明"
    with svc.db.read() as s:
        assert queries.count_cases(s, queries.CaseFilter(query="小明"), today=TODAY) == 0
        assert queries.count_cases(s, queries.CaseFilter(query="晓明"), today=TODAY) == 1
    with svc.db.read() as s:
        assert s.get(Party, wang.id).revision == 2
    svc.remove_party(wang.id)
    assert tr.changed().parties_text == "张三 / 李四"
    with svc.db.read() as s:
        gone = s.get(Party, wang.id)
        assert gone.deleted and gone.revision == 3
    li = [p for p in rows(svc, Party, case.id) if p.name == "李四"][0]
    svc.remove_party(li.id)
    zhang = [p for p in rows(svc, Party, case.id)][0]
    with pytest.raises(ValidationError):
        svc.remove_party(zhang.id)  # the last party stays
    with pytest.raises(ValidationError):
        svc.add_party(case.id, PartyInput("赵六", id_number="123"))


def test_delete_case_tombstones_every_row(svc, make_case) -> None:
    case = _performing(svc, make_case, due_in=3)
    svc.schedule_follow_up(case.id, TODAY + D(1))
    svc.add_note(case.id, "备注一条")
    with pytest.raises(ValidationError):
        svc.delete_case(case.id, " ")
    before = {}
    with svc.db.read() as s:
        for model in (Party, CaseEvent, FollowUp, Obligation, Agreement):
            for r in s.exec(select(model).where(model.case_id == case.id)).all():
                before[(model.__name__, r.id)] = r.revision
    assert len(before) > 8
    rev = case_row(svc, case.id).revision
    svc.delete_case(case.id, "重复录入")
    with svc.db.read() as s:
        for model in (Party, CaseEvent, FollowUp, Obligation, Agreement):
            for r in s.exec(select(model).where(model.case_id == case.id)).all():
                assert r.deleted and r.revision == before[(model.__name__, r.id)] + 1
        row = s.get(Case, case.id)
        assert row.deleted and row.revision == rev + 1  # a tombstone, never erased
        assert queries.count_cases(s, queries.CaseFilter(), today=TODAY) == 0
        assert queries.count_cases(s, queries.CaseFilter(query="张三"), today=TODAY) == 0
        assert queries.agenda(s, TODAY, days=30) == []
    with pytest.raises(NotFoundError):
        svc.case_file(case.id)
    with pytest.raises(NotFoundError):
        svc.add_note(case.id, "x")
    assert svc.sweep_missed_instalments() == []


def test_revision_grows_by_one_on_every_change(svc, make_case) -> None:
    """Every service call on a case adds exactly one to its revision (the merge depends on it)."""
    case = make_case(days_ago=20)
    tr = Tracker(svc, case.id)
    calls = [
        lambda: svc.accept_case(case.id, on=TODAY - D(20)),
        lambda: svc.record_notice(case.id),
        lambda: svc.add_session(case.id, "调解"),
        lambda: svc.add_note(case.id, "备注"),
        lambda: svc.edit_case(case.id, requests="赔偿损失"),
        lambda: svc.add_party(case.id, PartyInput("王五", role=PartyRole.THIRD_PARTY)),
        lambda: svc.extend_case(case.id, TODAY + D(30), consent="同意"),
        lambda: svc.schedule_follow_up(case.id, TODAY + D(2)),
        lambda: svc.record_agreement(case.id, written(svc, effective_on=TODAY - D(3),
                                                      obligations=[ObligationInput(TODAY, 100)])),
        lambda: svc.judicial_apply(case.id),
        lambda: svc.judicial_result(case.id, JudicialResult.REJECTED),
    ]
    for i, call in enumerate(calls):
        call()
        tr.changed()
        assert case_row(svc, case.id).revision == 2 + i


# --- repeat parties ----------------------------------------------------------------------


def test_repeat_party_by_id_and_by_name_phone(svc, make_case) -> None:
    first = make_case(days_ago=100)
    second = make_case(parties=[PartyInput("张三", id_number="11010519491231002x"),
                                PartyInput("孙八", role=PartyRole.RESPONDENT)])
    other = make_case(parties=[PartyInput("李四", phone="13900001111")])
    hits = svc.find_repeat_parties(id_number="11010519491231002X", exclude_case_id=second.id)
    assert [(h.case_id, h.reason, h.party_name) for h in hits] == [(first.id, "id", "张三")]
    assert hits[0].case_no == first.case_no and hits[0].state is CaseState.REGISTERED
    both = svc.find_repeat_parties(id_number="１１０１０５１９４９１２３１００２ｘ")
    assert {h.case_id for h in both} == {first.id, second.id}
    by_phone = svc.find_repeat_parties(name="李四", phone="139-0000-1111")
    assert {(h.case_id, h.reason) for h in by_phone} == {(first.id, "name_phone"),
                                                        (other.id, "name_phone")}
    assert svc.find_repeat_parties(name="李四", phone="13900002222") == []
    assert svc.find_repeat_parties(name="李四") == []  # a name alone is not enough
    assert svc.find_repeat_parties() == []
    svc.delete_case(first.id, "误录")
    assert svc.find_repeat_parties(id_number="11010519491231002X",
                                   exclude_case_id=second.id) == []


# --- ownership ---------------------------------------------------------------------------


def test_other_office_case_is_read_only(svc, db, dump) -> None:
    with db.write() as s:
        c = Case(owner_code="330106002", year=2026, seq=1, case_no="(2026)白沙人调字第001号",
                 dispute_type="OTHER", source="APPLICATION", registered_on=TODAY, facts="外单位案件")
        s.add(c)
        cid = c.id
    before = dump(db.path)
    with pytest.raises(DomainError) as err:
        svc.accept_case(cid)
    assert "白沙" in str(err.value)
    assert dump(db.path) == before
    cf = svc.case_file(cid)
    assert cf.read_only and cf.legal_actions == []


def test_every_synced_table_has_the_merge_columns() -> None:
    for model in SYNCED_TABLES:
        cols = set(model.model_fields)
        assert {"id", "owner_code", "revision", "created_at", "updated_at", "deleted"} <= cols


# --- random walks: the services never allow what the rules forbid ------------------------

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediator.core.rules import TRANSITIONS, Action


def _extend(svc: Services, cid: str) -> object:
    current = case_row(svc, cid).deadline_on or TODAY
    return svc.extend_case(cid, current + D(10), consent="双方同意")


WALK = {
    Action.ACCEPT: lambda svc, cid: svc.accept_case(cid),
    Action.REFUSE: lambda svc, cid: svc.refuse_case(cid, "已起诉", [Route.LITIGATION]),
    Action.NOTICE: lambda svc, cid: svc.record_notice(cid),
    Action.SESSION: lambda svc, cid: svc.add_session(cid, "调解"),
    Action.EXTEND: _extend,
    Action.TERMINATE: lambda svc, cid: svc.record_failure(cid, "不成", [Route.LITIGATION]),
    Action.TRANSFER: lambda svc, cid: svc.transfer_case(cid, "县矛调中心", "重大"),
    Action.WITHDRAW: lambda svc, cid: svc.withdraw_case(cid, "撤回"),
    # A written agreement with one instalment: 达成协议 then straight into 履行中.
    Action.AGREE: lambda svc, cid: svc.record_agreement(cid, written(
        svc, effective_on=TODAY - D(5), amount_fen=100,
        obligations=[ObligationInput(TODAY - D(1), 100)])),
    Action.COMPLETE_PERFORMANCE: lambda svc, cid: svc.complete_performance(cid),
    Action.URGE: lambda svc, cid: svc.urge(cid, "督促"),
    # a coded reason valid in every state 重新调解 is legal in (issue 25)
    Action.REMEDIATE: lambda svc, cid: svc.remediate(
        cid, "重新调解", reason=RemediateReason.IMPROPER_CONTENT),
    Action.ADVISE_SUIT: lambda svc, cid: svc.advise_suit(cid, "告知起诉"),
    Action.ARCHIVE: lambda svc, cid: svc.archive_case(cid),
    Action.NOTE: lambda svc, cid: svc.add_note(cid, "备注"),
    Action.EDIT: lambda svc, cid: svc.edit_case(cid, requests="改"),
    Action.SCHEDULE_FOLLOW_UP: lambda svc, cid: svc.schedule_follow_up(cid, TODAY + D(3)),
    Action.MISS: lambda svc, cid: svc.sweep_missed_instalments(),
}


WALK_ACTIONS = sorted(WALK, key=lambda a: a.name)


@settings(max_examples=30, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_random_walk_follows_the_rules(svc, make_case, data) -> None:  # type: ignore[no-untyped-def]
    """Any sequence of actions on a fresh case: each legal one moves exactly as the table
    says and adds one revision; each illegal one raises DomainError and changes nothing.
    Steps are drawn mostly from the legal ones so walks get deep (agreement, missed
    instalment, 重新调解, a second agreement ...)."""
    case = make_case(days_ago=40)
    model = CaseState.REGISTERED
    steps: list[Action] = []
    for _ in range(data.draw(st.integers(min_value=1, max_value=14), label="length")):
        legal_now = [a for a in WALK_ACTIONS if model in TRANSITIONS[a]] + [Action.MISS]
        pool = legal_now if data.draw(st.integers(0, 4), label="bias") else WALK_ACTIONS
        action = data.draw(st.sampled_from(pool), label="action")
        steps.append(action)
        before = case_row(svc, case.id)
        legal = model in TRANSITIONS[action]
        if action is Action.ADVISE_SUIT and model in (CaseState.AGREED, CaseState.PERFORMING):
            legal = False  # only after a 司法确认 驳回, which the walk never records
        if action is Action.MISS:
            # (Cases of earlier examples share the file and may be swept too.)
            moved = case.id in svc.sweep_missed_instalments()
            # The instalment (due yesterday) is missed whenever the case is 履行中.
            assert moved == (model is CaseState.PERFORMING), steps
            if moved:
                model = CaseState.UNPERFORMED
        elif legal:
            WALK[action](svc, case.id)
            model = TRANSITIONS[action][model]
            if action is Action.AGREE:
                model = TRANSITIONS[Action.BEGIN_PERFORMANCE][model]
        else:
            with pytest.raises(DomainError):
                WALK[action](svc, case.id)
        after = case_row(svc, case.id)
        assert CaseState(after.state) is model, steps
        changed = legal or (action is Action.MISS and after.state != before.state)
        assert after.revision == before.revision + (1 if changed else 0), steps
        if model is CaseState.PERFORMING:
            # Only the current agreement's instalment is open: an earlier, superseded one
            # (an agreement before 重新调解) must not make a fresh agreement look overdue.
            cf = svc.case_file(case.id)
            assert [d.kind for d in cf.deadlines].count(DeadlineKind.PERFORMANCE) == 1, steps


def test_facts_keep_chinese_punctuation(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case(facts="双方因滴水问题争执，协商未果；要求赔偿２０００元！")
    assert svc.case_file(case.id).case.facts == "双方因滴水问题争执，协商未果；要求赔偿2000元！"


def test_note_cannot_be_dated_in_the_future(svc, make_case, today) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from mediator.core.errors import ValidationError

    case = make_case()
    with pytest.raises(ValidationError):
        svc.add_note(case.id, "电话回访", on=today + timedelta(days=1))
