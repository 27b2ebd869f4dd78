"""排查, 激化风险 and success-rate figures (issue 24, points 3 and 6), against a month counted
by hand."""

from __future__ import annotations

from datetime import date

import pytest

from mediator.core.enums import Disposition, DisputeType, Prevention, ScreeningLevel
from mediator.core.risk import RiskInput, Risks
from mediator.core.screening import ItemInput, RoundInput, Screening
from mediator.i18n import t
from mediator.reports.periods import month_period
from mediator.reports.stats import (
    Figures,
    rate_basis,
    rate_definition,
    screening_by_village,
    screening_figures,
    success_rate_on,
)

EAST, WEST, NORTH = "330106001001", "330106001002", "330106001003"
NOV = month_period(2026, 11)


@pytest.fixture
def month(svc, make_case):  # type: ignore[no-untyped-def]
    """November 2026 of 青石镇:

    东村  nil 11-03, nil 11-18 (and nil 10-28, outside)  -> a 零报告 village
    西村  11-05 found 3 (当场化解, 预防, 转立案 -> case A), nil 11-20
    北村  never screened by itself; the township round of 11-10 found 1 there (持续关注, 4 人)
    risks: case A 11-12 防止民转刑+械斗 3 人 reported; the 北村 item 11-15 防止自杀 1 人
           reported; case B 11-21 not reported, no claim; case B 10-30 (outside)
    """
    for code, name in ((EAST, "东村"), (WEST, "西村"), (NORTH, "北村")):
        svc.add_village(code, name)
    scr, risks = Screening(svc), Risks(svc)
    scr.add_nil_round(EAST, date(2026, 10, 28))
    scr.add_nil_round(EAST, date(2026, 11, 3))
    scr.add_nil_round(EAST, date(2026, 11, 18))
    west = scr.add_round(RoundInput(village_code=WEST, held_on=date(2026, 11, 5)))
    items = [scr.add_item(west.id, ItemInput(DisputeType.NEIGHBOUR, f"西村事项{i}",
                                             persons_involved=2)) for i in range(3)]
    scr.dispose_item(items[0].id, Disposition.RESOLVED, on=date(2026, 11, 5))
    scr.dispose_item(items[1].id, Disposition.PREVENTED, "约谈", on=date(2026, 11, 6))
    _, case_a = scr.item_to_case(items[2].id, "王五", on=date(2026, 11, 7))
    scr.add_nil_round(WEST, date(2026, 11, 20))
    town = scr.add_round(RoundInput(level=ScreeningLevel.TOWNSHIP, held_on=date(2026, 11, 10),
                                    focus="征地拆迁"))
    north = scr.add_item(town.id, ItemInput(DisputeType.LAND_ACQUISITION, "补偿款分配",
                                            village_code=NORTH, persons_involved=4))
    scr.dispose_item(north.id, Disposition.WATCHING, on=date(2026, 11, 10))
    risks.record(RiskInput("扬言持械报复", "连夜约谈", case_id=case_a.case_id,
                           occurred_on=date(2026, 11, 12), reported_to="青石派出所",
                           outcome="平息", prevented=[Prevention.CRIMINAL, Prevention.FIGHT],
                           prevented_persons=3))
    risks.record(RiskInput("扬言轻生", "亲属陪护", item_id=north.id, occurred_on=date(2026, 11, 15),
                           reported_to="村委会", outcome="情绪稳定",
                           prevented=[Prevention.SUICIDE], prevented_persons=1))
    case_b = make_case(days_ago=30)
    risks.record(RiskInput("争吵", "劝开", case_id=case_b.id, occurred_on=date(2026, 10, 30)))
    risks.record(RiskInput("再次争吵", "劝开", case_id=case_b.id, occurred_on=date(2026, 11, 21)))
    return svc


def test_screening_and_risk_figures_of_a_month(month) -> None:  # type: ignore[no-untyped-def]
    assert screening_figures(month.db, NOV) == {
        "screening_rounds": 5, "screening_nil_rounds": 3, "screening_villages": 2,
        "screening_nil_villages": 1, "screening_found": 4, "screening_found_persons": 10,
        "screening_resolved": 1, "screening_prevented": 1, "screening_to_case": 1,
        "screening_transferred": 0, "screening_open": 1,
        "risk_events": 3, "risk_reported": 2,
        "prevented_criminal_events": 1, "prevented_criminal_events_persons": 3,
        "prevented_petition_events": 0, "prevented_petition_events_persons": 0,
        "prevented_suicide_events": 1, "prevented_suicide_events_persons": 1,
        "prevented_fight_events": 1, "prevented_fight_events_persons": 3,
    }
    # another office's area counts nothing
    assert screening_figures(month.db, NOV, ["330106002"])["screening_rounds"] == 0


def test_per_village(month) -> None:  # type: ignore[no-untyped-def]
    rows = [(v.name, v.rounds, v.nil_rounds, v.found, v.prevented, v.resolved, v.to_case,
             v.nil_village) for v in screening_by_village(month.db, NOV)]
    assert rows == [("东村", 2, 2, 0, 0, 0, 0, True), ("西村", 2, 1, 3, 1, 1, 1, False),
                    ("北村", 0, 0, 1, 0, 0, 0, False)]


def test_success_rate_basis_is_configurable_and_defined(month) -> None:  # type: ignore[no-untyped-def]
    f = Figures({"accepted": 8, "concluded": 7, "success": 6, "failed": 1})
    assert (success_rate_on(f), success_rate_on(f, "CONCLUDED"), success_rate_on(f, "DECIDED")) == (
        0.75, 6 / 7, 6 / 7)
    assert success_rate_on(Figures({"success": 0}), "ACCEPTED") is None
    assert rate_basis(month.db) == "ACCEPTED"
    month.set_setting("report.success_rate_basis", "concluded")
    assert rate_basis(month.db) == "CONCLUDED"
    month.set_setting("report.success_rate_basis", "nonsense")
    assert rate_basis(month.db) == "ACCEPTED"
    assert rate_definition("ACCEPTED") == "调解成功率 = 调解成功数 ÷ 受理数（本期受理）"
    assert t("report.rate_def.DECIDED") == "调解成功率 = 调解成功数 ÷（调解成功数 + 调解不成数）"


def test_the_monthly_report_carries_them_with_definitions(month, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import AgreementForm
    from mediator.core.inputs import AgreementInput
    from mediator.reports.build import ReportRequest, build
    from mediator.reports.model import Rate

    # one case accepted in November and settled: 受理 1, 成功 1
    done = make_case(days_ago=10)
    month.accept_case(done.id, on=date(2026, 11, 13))
    month.record_agreement(done.id, AgreementInput(AgreementForm.ORAL, date(2026, 11, 14),
                                                   "互相道歉", performed_now=True))
    report = build(month.db, ReportRequest("monthly", NOV), date(2026, 11, 23))
    table = report.table("screening_figures")
    assert table.rows[0] == ["调解成功率", Rate(1.0), "调解成功率 = 调解成功数 ÷ 受理数（本期受理）"]
    assert [r[:2] for r in table.rows[1:6]] == [["排查次数", 5], ["零报告次数", 3],
                                                ["排查村(居)数", 2], ["零报告村(居)数", 1],
                                                ["排查发现(件)", 4]]
    assert report.table("screening_by_village").rows == [
        ["东村", 2, 2, 0, 0, 0, 0, True, 0], ["西村", 2, 1, 3, 1, 1, 1, False, 0],
        ["北村", 0, 0, 1, 0, 0, 0, False, 0]]
    assert report.table("screening_by_village").note == "本期未排查：北村"
    assert report.narrative[-1] == (
        "开展矛盾纠纷排查5次（其中零报告3次，零报告村(居)1个），排查发现矛盾纠纷4件，当场化解1件，"
        "预防纠纷1件，转立案1件；登记激化风险3次，已报告有关部门2次。"
        "调解成功率100.0%（调解成功率 = 调解成功数 ÷ 受理数（本期受理））。")
    assert report.figures["screening"]["screening_prevented"] == 1
    assert report.figures["screening"]["success_rate_basis"] == "ACCEPTED"
    county = report.figures["screening"]["county"]
    assert county == {
        "source_application": 1, "source_initiative": 1, "source_referred": 0, "source_court": 0,
        "agreements_performed": 1, "agreements_in_period": 1, "committees": 4,
        "mediators_active": 0, "cohort_accepted": 1, "cohort_success": 1, "cohort_failed": 0,
        "cohort_other": 0, "cohort_open": 0, "performance_rate": 1.0}
    assert report.table("county_figures").rows[-1] == [
        "协议履行率", Rate(1.0), "协议履行率 = 协议履行数 ÷ 本期生效的协议数"]


def test_county_sources_cohort_and_performance(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import AgreementForm, CaseSource, Route
    from mediator.core.inputs import AgreementInput, ObligationInput
    from mediator.reports.stats import county_figures

    svc.add_mediator("刘调解")
    court = make_case(days_ago=20, source=CaseSource.COURT)      # 11-03
    police = make_case(days_ago=18, source=CaseSource.POLICE)    # 11-05
    grid = make_case(days_ago=15, source=CaseSource.GRID)        # 11-08
    old = make_case(days_ago=60)                                 # 09-24: not registered in Nov
    for case, on in ((court, 4), (police, 6), (old, 10)):
        svc.accept_case(case.id, on=date(2026, 11, on))
    svc.record_agreement(court.id, AgreementInput(AgreementForm.WRITTEN, date(2026, 11, 9), "赔偿",
                                                  amount_fen=100, obligations=[
                                                      ObligationInput(date(2026, 12, 9), 100)]))
    svc.record_agreement(old.id, AgreementInput(AgreementForm.ORAL, date(2026, 11, 12), "道歉",
                                                performed_now=True))
    svc.record_failure(police.id, "分歧大", [Route.LITIGATION], on=date(2026, 11, 20))
    f = county_figures(svc.db, NOV)
    assert {k: f[k] for k in ("source_application", "source_initiative", "source_referred",
                              "source_court", "agreements_in_period", "agreements_performed",
                              "performance_rate", "committees", "mediators_active",
                              "cohort_accepted", "cohort_success", "cohort_failed",
                              "cohort_open")} == {
        "source_application": 0, "source_initiative": 1, "source_referred": 2, "source_court": 1,
        "agreements_in_period": 2, "agreements_performed": 1, "performance_rate": 0.5,
        "committees": 1, "mediators_active": 1, "cohort_accepted": 3, "cohort_success": 2,
        "cohort_failed": 1, "cohort_open": 0}
    assert grid.source == "GRID"


def test_per_village_counts_the_visits_done(month) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import FollowUpMethod, FollowUpResult

    case_id = month.find_case("(2026)青石人调字第001号").id  # 西村, from the 11-05 round
    month.accept_case(case_id, on=date(2026, 11, 8))
    month.schedule_follow_up(case_id, date(2026, 11, 20))
    [visit] = month.case_file(case_id).follow_ups
    month.complete_follow_up(visit.id, FollowUpResult.SATISFIED, FollowUpMethod.PHONE,
                             done_on=date(2026, 11, 21))
    got = {v.name: v.followups_done for v in screening_by_village(month.db, NOV)}
    assert got == {"东村": 0, "西村": 1, "北村": 0}
