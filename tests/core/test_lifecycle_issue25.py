"""The lifecycle per the law (issue 25): 司法确认 only for written agreements; after 驳回 the
case is offered 重新调解 (the first 受理日期 kept, the new date stored apart) and 告知起诉;
重新调解 also for 内容不当 / 特殊困难 with a coded reason; coded 终止 reasons; 不予受理 needs a
route or a named body."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from mediator.core import rules
from mediator.core.db import open_database
from mediator.core.enums import (
    AgreementForm,
    CaseState,
    JudicialResult,
    RemediateReason,
    Route,
    TerminateReason,
)
from mediator.core.errors import DomainError, ValidationError
from mediator.core.inputs import AgreementInput
from mediator.core.rules import Action
from mediator.core.services import Services
from mediator.i18n import t


def agreed(svc, make_case, form=AgreementForm.WRITTEN, days_ago=20):  # type: ignore[no-untyped-def]
    case = make_case(days_ago=days_ago)
    svc.accept_case(case.id, on=svc.today() - timedelta(days=days_ago))
    svc.record_agreement(case.id, AgreementInput(form, svc.today() - timedelta(days=5),
                                                 "李四加装檐沟", amount_fen=0))
    return case


def test_an_oral_agreement_cannot_go_to_judicial_confirmation(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = agreed(svc, make_case, AgreementForm.ORAL)
    assert Action.JUDICIAL_APPLY not in svc.case_file(case.id).legal_actions
    with pytest.raises(DomainError) as err:
        svc.judicial_apply(case.id, court="青石县人民法院")
    assert err.value.message == t("svc.judicial_oral")


def test_rejection_leads_to_remediation_with_the_first_acceptance_kept(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    today = svc.today()
    case = agreed(svc, make_case)
    first = today - timedelta(days=20)
    assert Action.ADVISE_SUIT not in svc.case_file(case.id).legal_actions
    with pytest.raises(DomainError) as early:
        svc.advise_suit(case.id, "告知起诉")
    assert early.value.message == t("svc.advise_suit_not_rejected")
    with pytest.raises(DomainError) as not_rejected:
        svc.remediate(case.id, "", reason=RemediateReason.JUDICIAL_REJECTED)
    assert not_rejected.value.message == t("svc.remediate_not_rejected")
    svc.judicial_apply(case.id, on=today - timedelta(days=3), court="青石县人民法院")
    svc.judicial_result(case.id, JudicialResult.REJECTED, on=today - timedelta(days=1),
                        ref="(2026)浙0106民特12号")
    offered = svc.case_file(case.id).legal_actions
    assert Action.REMEDIATE in offered and Action.ADVISE_SUIT in offered
    svc.remediate(case.id, "法院以协议内容违反公序良俗为由驳回", reason=RemediateReason.JUDICIAL_REJECTED)
    c = svc.case_file(case.id).case
    assert (c.state, c.accepted_on, c.remediated_on, c.deadline_on, c.remediate_reason,
            c.outcome, c.concluded_on) == (
        "MEDIATING", first, today, rules.add_months(today, 1), "JUDICIAL_REJECTED", None, None)
    # the old agreement stays on file; a new one is recorded after it
    svc.record_agreement(case.id, AgreementInput(AgreementForm.WRITTEN, today, "重新约定"))
    with svc.db.read() as s:
        from sqlmodel import select

        from mediator.core.models import Agreement
        terms = sorted(a.terms for a in s.exec(select(Agreement).where(
            Agreement.case_id == case.id)).all())
    assert terms == ["李四加装檐沟", "重新约定"]


def test_remediation_for_improper_content_needs_its_reason(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = agreed(svc, make_case)
    with pytest.raises(ValidationError) as err:
        svc.remediate(case.id, "")
    assert (err.value.message, err.value.field) == (t("svc.remediate_reason_required"), "reason")
    with pytest.raises(DomainError) as wrong:
        svc.remediate(case.id, "", reason=RemediateReason.NON_PERFORMANCE)
    assert wrong.value.message == t("svc.remediate_not_unperformed")
    svc.remediate(case.id, "赔偿数额明显过高", reason=RemediateReason.IMPROPER_CONTENT)
    c = svc.case_file(case.id).case
    assert (c.state, c.remediate_reason) == ("MEDIATING", "IMPROPER_CONTENT")


def test_refusal_needs_a_route_or_a_body(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    with pytest.raises(ValidationError) as err:
        svc.refuse_case(case.id, "属劳动仲裁受理范围", [])
    assert (err.value.message, err.value.field) == (t("svc.refuse_needs_route"), "routes")
    assert svc.case_file(case.id).case.state == CaseState.REGISTERED.name
    svc.refuse_case(case.id, "属劳动仲裁受理范围", [], to_body="青石县劳动人事争议仲裁委员会")
    c = svc.case_file(case.id).case
    assert (c.state, c.transfer_to, c.routes_told) == (
        "REFUSED", "青石县劳动人事争议仲裁委员会", None)


def test_termination_has_a_coded_reason(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    a, b = make_case(), make_case()
    for c in (a, b):
        svc.accept_case(c.id)
    svc.record_failure(a.id, "双方分歧过大", [Route.LITIGATION])
    svc.record_failure(b.id, "申请人已向法院起诉", [Route.LITIGATION],
                       code=TerminateReason.OTHER_ROUTE)
    assert [svc.case_file(c.id).case.terminate_reason for c in (a, b)] == ["FAILED", "OTHER_ROUTE"]


def test_upgrade_codes_earlier_failures(svc, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    failed, open_case = make_case(), make_case()
    svc.accept_case(failed.id)
    svc.accept_case(open_case.id)
    svc.record_failure(failed.id, "调解不成", [Route.LITIGATION])
    svc.db.close()
    from schema_history import rewind_before

    con = sqlite3.connect(db_path)
    rewind_before(con, "lifecycle")
    assert "terminate_reason" not in {r[1] for r in con.execute("PRAGMA table_info(dispute_case)")}
    con.commit()
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=svc.today)
        assert [again.case_file(c.id).case.terminate_reason for c in (failed, open_case)] == [
            "FAILED", None]


def test_a_party_that_refused_blocks_acceptance(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import ConsentForm

    case = make_case()
    applicant, respondent = svc.case_file(case.id).parties
    svc.record_consent(applicant.id, ConsentForm.WRITTEN)
    out = svc.record_consent(respondent.id, ConsentForm.REFUSED)
    assert out.warnings == (t("svc.consent_refused_hint"),)
    parties = svc.case_file(case.id).parties
    assert [(p.consent_form, p.consent_on) for p in parties] == [
        ("WRITTEN", svc.today()), ("REFUSED", svc.today())]
    with pytest.raises(DomainError) as err:
        svc.accept_case(case.id)
    assert err.value.message == t("svc.accept_party_refused", names="李四")
    assert svc.case_file(case.id).case.state == "REGISTERED"
    # the refusal is answered by 不予受理 with a route
    svc.refuse_case(case.id, "一方拒绝调解", [Route.LITIGATION])
    with pytest.raises(DomainError) as late:
        svc.record_consent(applicant.id, ConsentForm.ORAL)
    assert late.value.message == t("svc.consent_after_acceptance", state=CaseState.REFUSED.label)
    other = make_case()
    first, second = svc.case_file(other.id).parties
    svc.record_consent(first.id, ConsentForm.ORAL)
    svc.record_consent(second.id, ConsentForm.NO_OBJECTION)
    svc.accept_case(other.id)
    assert svc.case_file(other.id).case.state == "ACCEPTED"


def test_upgrade_adds_the_consent_columns(svc, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    from schema_history import rewind_before

    case = make_case()
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "consent")
    assert "consent_form" not in {r[1] for r in con.execute("PRAGMA table_info(party)")}
    con.commit()
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=svc.today)
        assert [(p.name, p.consent_form) for p in again.case_file(case.id).parties] == [
            ("张三", None), ("李四", None)]


def test_refusing_a_case_at_risk_needs_the_calming_measures_and_the_body(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    """Issue 25 point 4: an escalation risk (a recorded 激化风险) requires 疏导措施 and the
    body it went to; both are kept on the timeline with the refusal."""
    from mediator.core.enums import Route
    from mediator.core.risk import RiskInput, Risks

    case, calm = make_case(), make_case()
    Risks(svc).record(RiskInput("扬言报复", "上门劝阻", case_id=case.id,
                                occurred_on=case.registered_on))
    with pytest.raises(ValidationError) as err:
        svc.refuse_case(case.id, "已向法院起诉", [Route.LITIGATION])
    assert (err.value.message, err.value.field) == (
        t("svc.refuse_risk_needs_measures"), "measures")
    with pytest.raises(ValidationError) as err:
        svc.refuse_case(case.id, "已向法院起诉", [Route.LITIGATION], measures="上门劝导，稳定情绪")
    assert (err.value.message, err.value.field) == (t("svc.refuse_risk_needs_body"), "to_body")
    assert svc.case_file(case.id).case.state == CaseState.REGISTERED.name
    svc.refuse_case(case.id, "已向法院起诉", [Route.LITIGATION], to_body="青石派出所",
                    measures="上门劝导，稳定情绪")
    cf = svc.case_file(case.id)
    assert (cf.case.state, cf.case.transfer_to) == ("REFUSED", "青石派出所")
    refused = [e for e in cf.events if e.state_to == "REFUSED"]
    assert [e.body for e in refused] == ["已向法院起诉\n疏导措施：上门劝导，稳定情绪；移交/告知机关：青石派出所"]
    # without a recorded risk a route is enough, as before
    svc.refuse_case(calm.id, "已向法院起诉", [Route.LITIGATION])
    assert svc.case_file(calm.id).case.state == "REFUSED"
