"""首办化解率 and 按期办结率 of petition matters in the monthly report (issue 25, point 1):
exact figures from petitions taken through their steps, the definitions printed beside the
rates, and no 信访 table for an office without petition matters."""

from __future__ import annotations

from datetime import date

import pytest

from mediator.core import workdays
from mediator.core.enums import CaseSource, DisputeType, PartyRole, PetitionChannel
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.petition import Level
from mediator.core.services import Services
from mediator.i18n import t
from mediator.reports.build import ReportRequest, build
from mediator.reports.model import Rate
from mediator.reports.periods import month_period
from mediator.reports.stats import petition_figures

MARCH = month_period(2026, 3)


@pytest.fixture(autouse=True)
def library_calendar():  # type: ignore[no-untyped-def]
    previous = workdays.use(workdays.WorkCalendar())
    yield
    workdays.use(previous)


class Clock:
    def __init__(self, day: date):
        self.day = day

    def __call__(self) -> date:
        return self.day


def _petition(svc: Services, clock: Clock, received: date, name: str) -> str:
    clock.day = received
    case_id = svc.register_case(CaseInput(
        parties=[PartyInput(name), PartyInput("李四", role=PartyRole.RESPONDENT)],
        dispute_type=DisputeType.NEIGHBOUR, facts="宅基地边界争议，县信访局转来",
        source=CaseSource.PETITION, registered_on=received, petition_received_on=received,
        petition_channel=PetitionChannel.VISIT)).case_id
    svc.petition_notice(case_id, accepted=True)
    return case_id


def test_petition_rates(db) -> None:  # type: ignore[no-untyped-def]
    clock = Clock(date(2026, 1, 2))
    svc = Services(db, operator="王调解", today=clock)
    svc.init_office("青石镇人民调解委员会", "青石", "330106001")
    empty = build(db, ReportRequest("monthly", MARCH), date(2026, 4, 1))
    assert "petition_figures" not in [tb.key for tb in empty.tables]
    assert "petition" not in (empty.figures or {})
    late = _petition(svc, clock, date(2026, 1, 2), "赵一")      # due 3-03
    on_time = _petition(svc, clock, date(2026, 1, 5), "钱二")   # due 3-06
    extended = _petition(svc, clock, date(2026, 1, 10), "孙三")  # due 3-11, +30: 4-10
    february = _petition(svc, clock, date(2026, 1, 6), "李五")
    _petition(svc, clock, date(2026, 1, 20), "周六")             # still open
    clock.day = date(2026, 2, 20)
    svc.petition_extend(extended, 30, "王镇长", "需现场勘验", told_on=date(2026, 2, 20))
    clock.day = date(2026, 2, 27)
    svc.petition_reply(february, "经调解达成协议，已书面答复。")
    clock.day = date(2026, 3, 1)
    svc.petition_reply(on_time, "经调解达成协议，已书面答复。")
    clock.day = date(2026, 3, 10)
    svc.petition_reply(late, "调解不成，已告知其他途径。")
    clock.day = date(2026, 3, 20)
    svc.petition_review_request(late, Level.REVIEW)           # not resolved at first handling
    clock.day = date(2026, 3, 30)
    svc.petition_reply(extended, "经调解达成协议，已书面答复。")
    clock.day = date(2026, 4, 5)
    svc.petition_review_request(extended, Level.REVIEW)       # after March: March stands
    got = petition_figures(db, MARCH)
    assert got == {"petition_replied": 3, "petition_on_time": 2, "petition_first_resolved": 2,
                   "petition_on_time_rate": 2 / 3, "petition_first_rate": 2 / 3}
    assert petition_figures(db, month_period(2026, 2)) == {
        "petition_replied": 1, "petition_on_time": 1, "petition_first_resolved": 1,
        "petition_on_time_rate": 1.0, "petition_first_rate": 1.0}
    assert petition_figures(db, month_period(2026, 1)) == {
        "petition_replied": 0, "petition_on_time": 0, "petition_first_resolved": 0,
        "petition_on_time_rate": None, "petition_first_rate": None}
    report = build(db, ReportRequest("monthly", MARCH), date(2026, 4, 5))
    table = report.table("petition_figures")
    assert table.title == "信访事项办理情况"
    assert [r[:2] for r in table.rows] == [
        ["信访事项办结数", 3], ["其中按期办结", 2], ["其中首办化解", 2],
        ["按期办结率", Rate(2 / 3)], ["首办化解率", Rate(2 / 3)]]
    assert [r[2] for r in table.rows[3:]] == [t("report.def.petition_on_time_rate"),
                                              t("report.def.petition_first_rate")]
    assert table.rows[4][2] == ("首办化解率 = 首办化解数 ÷ 本期办结（书面答复）的信访事项数；"
                                "首办化解指截至期末未申请复查")
    assert report.figures["petition"] == {
        "petition_replied": 3, "petition_on_time": 2, "petition_first_resolved": 2,
        "petition_on_time_rate": 0.6667, "petition_first_rate": 0.6667}
