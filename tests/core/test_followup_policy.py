"""回访 policy (issue 24, point 5): every 调解成功 is visited; a case that ended at risk gets a
稳控回访; the visit has its structured record; the 卷宗 check asks for it."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from schema_history import rewind_before

from mediator.core.db import open_database
from mediator.core.enums import (
    AgreementForm,
    FollowUpMethod,
    FollowUpResult,
    Prevention,
    Route,
    Satisfaction,
)
from mediator.core.followups import RISK_DAYS_KEY, SUCCESS_DAYS_KEY
from mediator.core.inputs import AgreementInput
from mediator.core.models import FollowUp
from mediator.core.risk import RiskInput, Risks
from mediator.core.services import Services
from mediator.documents.completeness import Status, check_case
from mediator.i18n import t

TODAY = date(2026, 11, 23)


def visits(svc, case_id: str) -> list[tuple[date, str, str | None]]:  # type: ignore[no-untyped-def]
    return [(f.due_on, f.kind, f.done_on) for f in sorted(
        svc.case_file(case_id).follow_ups, key=lambda f: (f.due_on, f.kind))]


def test_every_success_gets_a_visit_configurable(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.accept_case(case.id)
    svc.record_agreement(case.id, AgreementInput(AgreementForm.ORAL, TODAY - timedelta(days=2),
                                                 "互相道歉", performed_now=True))
    assert visits(svc, case.id) == [(date(2026, 12, 21), "ROUTINE", None)]
    svc.set_setting(SUCCESS_DAYS_KEY, "15")
    other = make_case()
    svc.accept_case(other.id)
    svc.record_agreement(other.id, AgreementInput(AgreementForm.ORAL, TODAY, "互相道歉",
                                                  performed_now=True))
    assert visits(svc, other.id) == [(date(2026, 12, 8), "ROUTINE", None)]
    svc.set_setting(SUCCESS_DAYS_KEY, "0")  # off
    third = make_case()
    svc.accept_case(third.id)
    svc.record_agreement(third.id, AgreementInput(AgreementForm.ORAL, TODAY, "互相道歉",
                                                  performed_now=True))
    assert visits(svc, third.id) == []


def test_a_case_that_ended_at_risk_gets_a_stability_visit(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    at_risk, calm = make_case(), make_case()
    for c in (at_risk, calm):
        svc.accept_case(c.id)
    Risks(svc).record(RiskInput("扬言报复", "上门劝阻", case_id=at_risk.id,
                                occurred_on=TODAY - timedelta(days=3)))
    for c in (at_risk, calm):
        svc.record_failure(c.id, "分歧过大", [Route.LITIGATION], on=TODAY - timedelta(days=1))
    assert visits(svc, at_risk.id) == [(date(2026, 12, 7), "STABILITY", None)]
    assert visits(svc, calm.id) == []
    # a risk recorded after the case ended brings the visit too (once)
    svc.set_setting(RISK_DAYS_KEY, "7")
    Risks(svc).record(RiskInput("扬言上访", "约谈", case_id=calm.id, reported_to="镇信访办",
                                outcome="情绪平稳", prevented=[Prevention.PETITION],
                                prevented_persons=1))
    Risks(svc).record(RiskInput("再次扬言上访", "再次约谈", case_id=calm.id))
    assert visits(svc, calm.id) == [(date(2026, 11, 30), "STABILITY", None)]


def test_the_visit_record_is_structured_and_the_file_needs_it(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.accept_case(case.id)
    svc.record_notice(case.id)
    svc.add_session(case.id, "双方同意互相道歉")
    svc.record_agreement(case.id, AgreementInput(AgreementForm.ORAL, TODAY, "互相道歉",
                                                 performed_now=True))
    item = {i.key: i for i in check_case(svc.db, case.id, TODAY).items}["FOLLOW_UP"]
    assert (item.status, item.note) == (Status.MISSING, t("filecheck.note.followup_required"))
    [visit] = svc.case_file(case.id).follow_ups
    svc.complete_follow_up(visit.id, FollowUpResult.SATISFIED, FollowUpMethod.VISIT, "",
                           done_on=TODAY, performance="已互相道歉，关系缓和",
                           satisfaction=Satisfaction.BASIC, new_signs="院墙仍有裂缝",
                           measures="请村委会协调修缮")
    with svc.db.read() as s:
        fu = s.get(FollowUp, visit.id)
        assert (fu.performance, fu.satisfaction, fu.new_signs, fu.measures) == (
            "已互相道歉，关系缓和", "BASIC", "院墙仍有裂缝", "请村委会协调修缮")
    item = {i.key: i for i in check_case(svc.db, case.id, TODAY).items}["FOLLOW_UP"]
    assert item.status is Status.PRESENT
    with pytest.raises(ValueError):
        svc.complete_follow_up(visit.id, FollowUpResult.SATISFIED, FollowUpMethod.VISIT,
                               satisfaction="VERY")


def test_upgrade_adds_the_visit_columns(db_path, svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.accept_case(case.id)
    svc.schedule_follow_up(case.id, TODAY + timedelta(days=3), note="节前走访")
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "followup_record")
    con.commit()
    assert "satisfaction" not in {r[1] for r in con.execute("PRAGMA table_info(follow_up)")}
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=lambda: TODAY)
        [fu] = again.case_file(case.id).follow_ups
        assert (fu.note, fu.performance, fu.satisfaction, fu.new_signs) == ("节前走访", "", None, "")
