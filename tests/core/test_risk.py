"""激化风险 as an event (issue 24, point 2): 防止… is claimed only with one on the case."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from schema_history import rewind_before
from sqlmodel import select

from mediator.core.db import open_database
from mediator.core.enums import DisputeType, Prevention
from mediator.core.errors import ValidationError
from mediator.core.models import CaseEvent, RiskEvent
from mediator.core.risk import RiskInput, Risks
from mediator.core.screening import ItemInput, RoundInput, Screening
from mediator.core.services import Services
from mediator.i18n import set_language, t

TODAY = date(2026, 11, 23)


def test_ticking_a_prevention_needs_an_event_claiming_it(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    with pytest.raises(ValidationError) as err:
        svc.edit_case(case.id, prevented_criminal=True)
    assert str(err.value) == t("risk.claim_needs_event", what="防止民转刑")
    assert svc.find_case(case.id).prevented_criminal is False
    set_language("en")
    try:
        with pytest.raises(ValidationError) as err:
            svc.edit_case(case.id, prevented_petition=True)
        assert str(err.value) == ("'Prevented a group petition' needs an escalation risk recorded "
                                  "on this case (date, signs, measures, reported to, outcome): "
                                  "record the risk first.")
    finally:
        set_language("zh_CN")
    # a risk without a claim does not make the claim either
    Risks(svc).record(RiskInput("扬言报复", "上门劝阻", case_id=case.id))
    with pytest.raises(ValidationError):
        svc.edit_case(case.id, prevented_criminal=True)
    row = Risks(svc).record(RiskInput(
        "李四扬言持刀上门", "连夜约谈双方，收缴刀具", case_id=case.id, occurred_on=TODAY - timedelta(days=2),
        reported_to="青石派出所", receiver="王警官", reported_on=TODAY - timedelta(days=2),
        outcome="未发生冲突", prevented=[Prevention.FIGHT, Prevention.CRIMINAL], prevented_persons=4))
    assert (row.prevented, row.prevented_persons, row.reported_to) == (
        ("CRIMINAL", "FIGHT"), 4, "青石派出所")
    after = svc.find_case(case.id)
    assert (after.prevented_criminal, after.prevented_petition) == (True, False)
    svc.edit_case(case.id, prevented_criminal=True)  # now evidenced: allowed
    with svc.db.read() as s:
        notes = sorted(e.summary for e in s.exec(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "NOTE")).all())
    assert notes == sorted(["激化风险（报告：未报告）",
                            "激化风险（报告：青石派出所）；防止民转刑、防止群体性械斗，4 人"])


def test_claims_need_the_report_the_outcome_and_persons(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    base = dict(signs="扬言跳河", measures="安排亲属陪护", case_id=case.id,
                prevented=[Prevention.SUICIDE])
    bad = [
        (dict(base, signs=" "), "risk.signs_required", {}),
        (dict(base, measures=""), "risk.measures_required", {}),
        (dict(base, outcome="情绪稳定", prevented_persons=1), "risk.claim_needs_report", {}),
        (dict(base, reported_to="村委会", prevented_persons=1), "risk.claim_needs_outcome", {}),
        (dict(base, reported_to="村委会", outcome="情绪稳定"), "risk.claim_needs_persons", {}),
        (dict(base, case_id=None), "risk.target_required", {}),
        (dict(base, reported_to="村委会", outcome="情绪稳定", prevented_persons=1,
              reported_on=TODAY - timedelta(days=30), occurred_on=TODAY - timedelta(days=1)),
         "risk.reported_on_range", {"date": "2026-11-22"}),
    ]
    for kw, key, fmt in bad:
        with pytest.raises(ValidationError) as err:
            Risks(svc).record(RiskInput(**kw))
        assert str(err.value) == t(key, **fmt), key
    with svc.db.read() as s:
        assert s.exec(select(RiskEvent)).all() == []


def test_a_risk_on_a_screening_item(svc) -> None:  # type: ignore[no-untyped-def]
    svc.add_village("330106001001", "东村")
    scr = Screening(svc)
    rnd = scr.add_round(RoundInput(village_code="330106001001", held_on=TODAY))
    item = scr.add_item(rnd.id, ItemInput(DisputeType.FOREST_LAND, "两组村民为山林边界聚集"))
    row = Risks(svc).record(RiskInput("两组各二十余人聚集", "镇村干部现场劝离", item_id=item.id,
                                      reported_to="青石派出所", outcome="人员散去",
                                      prevented=[Prevention.FIGHT], prevented_persons=45))
    assert [r.id for r in Risks(svc).for_item(item.id)] == [row.id]
    assert (row.case_id, row.item_id, row.occurred_on) == (None, item.id, TODAY)


def test_upgrade_adds_the_risk_table(db_path, svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "risk_events")
    con.commit()
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=lambda: TODAY)
        assert Risks(again).for_case(case.id) == []
        Risks(again).record(RiskInput("争吵升级", "分开劝说", case_id=case.id))
        assert len(Risks(again).for_case(case.id)) == 1
