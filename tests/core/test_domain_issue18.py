"""Domain points of issue 18 (item 12), checked against domain.md: 司法确认 for written
agreements only, 告知 offered once, 涉及金额 following the agreement, the repeat-party notice
when one ID comes with another name."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from schema_history import rewind_before

from mediator.core.enums import AgreementForm, CaseState, DisputeType, PartyRole
from mediator.core.errors import DomainError
from mediator.core.models import Case
from mediator.core.queries import CaseFilter
from mediator.core.rules import Action, DeadlineKind
from mediator.core.services import AgreementInput, CaseInput, PartyInput
from mediator.i18n import t

TODAY = date(2026, 11, 23)


def row(svc, case_id: str):  # type: ignore[no-untyped-def]
    return next(r for r in svc.list_cases(CaseFilter(), limit=500).rows if r.id == case_id)


def amount(svc, case_id: str) -> int:  # type: ignore[no-untyped-def]
    with svc.db.read() as s:
        return s.get(Case, case_id).amount_fen


def test_oral_agreement_performed_on_the_spot_has_no_judicial_window(svc) -> None:  # type: ignore[no-untyped-def]
    out = svc.quick_oral_case(
        CaseInput(parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
                  dispute_type=DisputeType.NEIGHBOUR, facts="两家为院墙滴水争吵",
                  registered_on=TODAY - timedelta(days=2)),
        AgreementInput(AgreementForm.ORAL, TODAY - timedelta(days=2), "互相道歉",
                       performed_now=True))
    cf = svc.case_file(out.case_id)
    assert cf.case.state == CaseState.PERFORMED.name
    # no 司法确认 deadline: the one left is the policy's 回访 (issue 24)
    assert [(d.kind, d.due) for d in cf.deadlines] == [
        (DeadlineKind.FOLLOW_UP, TODAY + timedelta(days=28))]
    assert Action.JUDICIAL_APPLY not in cf.legal_actions  # not offered
    r = row(svc, out.case_id)
    assert (r.next_due_on, r.next_due_kind) == (TODAY + timedelta(days=28), "FOLLOW_UP")
    with pytest.raises(DomainError) as err:
        svc.judicial_apply(out.case_id)
    assert str(err.value) == t("svc.judicial_oral")


def test_written_agreement_keeps_its_judicial_window(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.accept_case(case.id)
    svc.record_agreement(case.id, AgreementInput(AgreementForm.WRITTEN, TODAY, "赔偿500元",
                                                 amount_fen=50000, performed_now=True))
    cf = svc.case_file(case.id)
    assert [(d.kind, d.due) for d in cf.deadlines] == [
        (DeadlineKind.FOLLOW_UP, TODAY + timedelta(days=30)),  # the policy's 回访 (issue 24)
        (DeadlineKind.JUDICIAL, TODAY + timedelta(days=30))]
    assert Action.JUDICIAL_APPLY in cf.legal_actions
    assert row(svc, case.id).next_due_on == TODAY + timedelta(days=30)
    svc.judicial_apply(case.id)
    assert Action.JUDICIAL_APPLY not in svc.case_file(case.id).legal_actions


def test_notice_is_offered_once(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.accept_case(case.id)
    assert Action.NOTICE in svc.case_file(case.id).legal_actions
    svc.record_notice(case.id, on=TODAY - timedelta(days=1))
    cf = svc.case_file(case.id)
    assert cf.case.state == CaseState.MEDIATING.name
    assert Action.NOTICE not in cf.legal_actions
    assert Action.SESSION in cf.legal_actions
    with pytest.raises(DomainError) as err:
        svc.record_notice(case.id)
    assert str(err.value) == t("svc.notice_already", date=(TODAY - timedelta(days=1)).isoformat())


def test_case_amount_follows_its_agreement_unless_typed(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.accept_case(case.id)
    svc.record_agreement(case.id, AgreementInput(
        AgreementForm.WRITTEN, TODAY, "赔偿3000元", amount_fen=300000))
    assert amount(svc, case.id) == 300000  # was 0 (unset): follows the agreement
    typed = make_case(amount_fen=120000)  # 涉及金额 typed at registration
    svc.accept_case(typed.id)
    svc.record_agreement(typed.id, AgreementInput(AgreementForm.WRITTEN, TODAY, "赔偿800元",
                                                  amount_fen=80000))
    assert amount(svc, typed.id) == 120000


def test_repeat_party_same_id_other_name_is_flagged(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    earlier = make_case()  # 张三 11010519491231002X 13812345678
    same = svc.find_repeat_parties(id_number="11010519491231002X", name="张三")
    assert [(h.case_id, h.party_name, h.reason) for h in same] == [(earlier.id, "张三", "id")]
    other = svc.find_repeat_parties(id_number="11010519491231002X", name="王五")
    assert [(h.case_id, h.party_name, h.reason) for h in other] == [
        (earlier.id, "张三", "id_other_name")]
    by_phone = svc.find_repeat_parties(name="张三", phone="13812345678")
    assert [(h.case_id, h.reason) for h in by_phone] == [(earlier.id, "name_phone")]


def test_upgrade_clears_the_judicial_badge_of_oral_agreements(svc, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    import sqlite3

    from mediator.core.db import open_database
    from mediator.core.services import Services

    oral, written = make_case(), make_case()
    for case, form in ((oral, AgreementForm.ORAL), (written, AgreementForm.WRITTEN)):
        svc.accept_case(case.id)
        svc.record_agreement(case.id, AgreementInput(form, TODAY, "互相道歉", performed_now=True))
    svc.db.close()
    # what the earlier version stored: the 司法确认 window as the list's deadline of both
    con = sqlite3.connect(db_path)
    con.execute("UPDATE dispute_case SET next_due_on = '2026-12-23', next_due_kind = 'JUDICIAL'")
    rewind_before(con, "oral_no_judicial")
    con.commit()
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=lambda: TODAY)
        assert (row(again, oral.id).next_due_on, row(again, oral.id).next_due_kind) == (None, None)
        assert (row(again, written.id).next_due_on, row(again, written.id).next_due_kind) == (
            TODAY + timedelta(days=30), "JUDICIAL")
