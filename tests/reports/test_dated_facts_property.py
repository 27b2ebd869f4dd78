"""Property (issue 19): take a random history, compute every past week, apply random later
actions (new cases, acceptances, conclusions, 重新调解, extensions, 回访 done or dropped),
compute again - the past weeks are unchanged."""

from __future__ import annotations

import tempfile
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mediator.core.db import open_database
from mediator.core.enums import (
    AgreementForm,
    DisputeType,
    FollowUpMethod,
    FollowUpResult,
    Route,
)
from mediator.core.errors import DomainError, ValidationError
from mediator.core.inputs import AgreementInput, CaseInput, ObligationInput, PartyInput
from mediator.core.services import Services
from mediator.reports.periods import week_period
from mediator.reports.stats import compute

START = date(2026, 8, 3)      # a Monday
CUT = date(2026, 10, 5)       # "today" when the past weeks are first computed (a Monday)
LATER = CUT + timedelta(days=35)


class Clock:
    day = START

    def __call__(self) -> date:
        return self.day


def _week_figures(svc: Services, today: date) -> dict[str, Any]:
    """Every figure and breakdown of every week from START's to the last one ended before CUT."""
    out = {}
    week = week_period(START)
    while week.end < CUT:
        stats = compute(svc.db, week, today, trend_weeks=0)
        out[week.label] = (stats.totals.as_dict(),
                           {dim: [(r.key, r.figures.as_dict()) for r in getattr(stats, f"by_{dim}")]
                            for dim in ("type", "source", "village", "mediator", "office")})
        week = week_period(week.end + timedelta(days=1))
    return out


def _act(svc: Services, data: Any, clock: Clock, cases: list[str]) -> None:
    day = clock.day
    if not cases or data.draw(st.integers(0, 4)) == 0:
        cases.append(svc.register_case(CaseInput(
            parties=[PartyInput(f"张{len(cases)}"), PartyInput("李四")],
            dispute_type=data.draw(st.sampled_from([DisputeType.NEIGHBOUR, DisputeType.DAMAGES])),
            facts="纠纷", registered_on=day)).case_id)
        return
    cid = data.draw(st.sampled_from(cases))
    case = svc.find_case(cid)
    state = case.state
    choices: list[str] = []
    if state == "REGISTERED":
        choices = ["accept", "accept", "refuse", "withdraw"]
    elif state in ("ACCEPTED", "MEDIATING"):
        choices = ["agree_now", "agree_later", "fail", "extend", "withdraw", "session"]
    elif state == "PERFORMING":
        choices = ["perform"]
    elif state in ("UNPERFORMED", "URGED"):
        choices = ["remediate", "urge"]
    if state in ("AGREED", "PERFORMING", "PERFORMED", "UNPERFORMED", "URGED"):
        choices.append("write")
    choices.append("follow_up")
    what = data.draw(st.sampled_from(choices))
    try:
        if what == "accept":
            svc.accept_case(cid, on=day)
        elif what == "refuse":
            svc.refuse_case(cid, "已起诉", [Route.LITIGATION], on=day)
        elif what == "withdraw":
            svc.withdraw_case(cid, "撤回", on=day)
        elif what == "agree_now":
            svc.record_agreement(cid, AgreementInput(AgreementForm.ORAL, day, "赔礼道歉",
                                                     performed_now=True))
        elif what == "agree_later":
            due = day + timedelta(days=data.draw(st.integers(1, 12)))
            svc.record_agreement(cid, AgreementInput(
                AgreementForm.WRITTEN, day, "分期赔偿", amount_fen=10000,
                obligations=[ObligationInput(due, 10000)]))
        elif what == "fail":
            svc.record_failure(cid, "分歧大", [Route.LITIGATION], on=day)
        elif what == "extend":
            current = case.deadline_on or day
            svc.extend_case(cid, current + timedelta(days=data.draw(st.integers(1, 30))),
                            consent="双方同意", on=day)
        elif what == "session":
            svc.add_session(cid, "调解员主持调解", on=day)
        elif what == "perform":
            svc.complete_performance(cid, on=day)
        elif what == "remediate":
            svc.remediate(cid, "重新调解", on=day)
        elif what == "urge":
            svc.urge(cid, "督促", on=day)
        elif what == "write":
            svc.put_agreement_in_writing(cid, "补签", "双方", "转账", "村委会", on=day)
        elif what == "follow_up":
            cf = svc.case_file(cid)
            open_ = [f for f in cf.follow_ups if f.done_on is None]
            if open_:
                svc.complete_follow_up(open_[0].id, data.draw(st.sampled_from(
                    [FollowUpResult.PERFORMED, FollowUpResult.NOT_PERFORMED])),
                    FollowUpMethod.PHONE, done_on=day)
            elif state not in ("REGISTERED", "REFUSED"):
                svc.schedule_follow_up(cid, day + timedelta(days=data.draw(st.integers(0, 20))))
    except (DomainError, ValidationError):
        pass  # refused: nothing written


def _live(svc: Services, data: Any, clock: Clock, cases: list[str], until: date) -> None:
    while clock.day < until:
        svc.sweep_missed_instalments()
        for _ in range(data.draw(st.integers(0, 3))):
            _act(svc, data, clock, cases)
        clock.day = min(until, clock.day + timedelta(days=data.draw(st.integers(1, 5))))


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_past_weeks_do_not_change_after_later_actions(data: Any) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = open_database(Path(tmp) / "m.db")
        try:
            clock = Clock()
            svc = Services(db, operator="王调解", today=clock)
            svc.init_office("青石镇人民调解委员会", "青石", "330106001")
            cases: list[str] = []
            _live(svc, data, clock, cases, CUT)
            before = _week_figures(svc, CUT)
            _live(svc, data, clock, cases, LATER)
            assert _week_figures(svc, LATER) == before
        finally:
            db.close()
