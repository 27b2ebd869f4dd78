"""The mediation time limits in one table (core.rules.TIME_LIMITS, issue 25): 劳动争议 15 days
with the arbitration route, 诉前委派 30 days, every other type one month; used by
``rules.apply``, the deadlines, the warnings, the services and an upgraded database."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from schema_history import rewind_before

from mediator.core import rules
from mediator.core.enums import CaseState, DisputeType, Route
from mediator.core.rules import Action, CaseFacts, DeadlineKind, WarningCode
from mediator.i18n import t

ON = date(2026, 11, 2)
S = CaseState

EXPECTED = {dt: (date(2026, 11, 17) if dt in (DisputeType.LABOUR, DisputeType.WAGE_ARREARS)
                 else date(2026, 12, 2)) for dt in DisputeType}


@pytest.mark.parametrize("dispute_type", list(DisputeType))
def test_every_type_has_its_limit(dispute_type: DisputeType) -> None:
    assert rules.mediation_deadline(ON, dispute_type) == EXPECTED[dispute_type]
    assert rules.mediation_deadline(ON, dispute_type.name) == EXPECTED[dispute_type]
    tr = rules.apply(S.REGISTERED, Action.ACCEPT, ON, dispute_type=dispute_type.name)
    assert tr.dates == {"accepted_on": ON, "deadline_on": EXPECTED[dispute_type]}


def test_the_table() -> None:
    labour = rules.time_limit(DisputeType.LABOUR)
    assert (labour.days, labour.months, labour.route) == (15, None, Route.ARBITRATION)
    assert rules.time_limit("WAGE_ARREARS") is labour
    pre_suit = rules.time_limit(DisputeType.NEIGHBOUR, referral="PRE_SUIT")
    assert (pre_suit.days, pre_suit.route) == (30, Route.LITIGATION)
    # a court's pre-suit referral wins over the labour dispute's 15 days
    assert rules.mediation_deadline(ON, DisputeType.LABOUR, "PRE_SUIT") == date(2026, 12, 2)
    assert rules.time_limit(None) is rules.LIMIT_DEFAULT
    assert rules.time_limit("NEIGHBOUR", referral="SOMETHING_ELSE") is rules.LIMIT_DEFAULT
    assert rules.mediation_deadline(date(2026, 1, 31)) == date(2026, 2, 28)
    assert labour.label == "劳动争议调解期限十五日，期满未达成协议的可申请劳动仲裁"


def test_remediation_restarts_the_type_limit() -> None:
    tr = rules.apply(S.URGED, Action.REMEDIATE, ON, dispute_type="LABOUR")
    assert tr.dates["deadline_on"] == date(2026, 11, 17)


def test_labour_deadline_and_warning() -> None:
    f = CaseFacts(state=S.MEDIATING, registered_on=ON, accepted_on=ON, dispute_type="LABOUR")
    [d] = rules.deadlines(f, date(2026, 11, 20))
    assert (d.kind, d.due, d.days_left) == (DeadlineKind.MEDIATION, date(2026, 11, 17), -3)
    [w] = rules.warnings(f, date(2026, 11, 20))
    assert (w.code, w.message) == (WarningCode.PAST_LIMIT, t(
        "rules.warn.past_limit", limit=rules.LIMIT_LABOUR.label, days=3))
    assert w.message == "劳动争议调解期限十五日，期满未达成协议的可申请劳动仲裁：已超过 3 天，且未记录延期。"
    other = CaseFacts(state=S.MEDIATING, registered_on=ON, accepted_on=ON, dispute_type="CONTRACT")
    assert rules.warnings(other, date(2026, 11, 20)) == []


def test_a_labour_case_shows_fifteen_days(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    today = svc.today()
    case = make_case(dispute_type=DisputeType.LABOUR)
    svc.accept_case(case.id, on=today - timedelta(days=2))
    cf = svc.case_file(case.id)
    assert cf.case.deadline_on == today + timedelta(days=13)
    assert [(d.kind, d.due, d.badge()) for d in cf.deadlines] == [
        (DeadlineKind.MEDIATION, today + timedelta(days=13), "余13天")]
    assert (cf.case.next_due_on, cf.case.next_due_kind) == (today + timedelta(days=13), "MEDIATION")
    # an extension starts from the 15-day deadline
    from mediator.core.errors import ValidationError
    with pytest.raises(ValidationError) as err:
        svc.extend_case(case.id, today + timedelta(days=13), "双方同意延期")
    assert err.value.message == t("svc.extension_not_later",
                                  date=(today + timedelta(days=13)).isoformat())
    neighbour = make_case()
    svc.accept_case(neighbour.id, on=today - timedelta(days=2))
    assert svc.case_file(neighbour.id).case.deadline_on == rules.add_months(
        today - timedelta(days=2), 1)


def test_upgrade_gives_open_labour_cases_fifteen_days(svc, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.db import open_database
    from mediator.core.services import Services

    today = svc.today()
    accepted = today - timedelta(days=20)
    labour, extended, neighbour = (make_case(days_ago=25, dispute_type=DisputeType.LABOUR),
                                   make_case(days_ago=25, dispute_type=DisputeType.WAGE_ARREARS),
                                   make_case(days_ago=25))
    for c in (labour, extended, neighbour):
        svc.accept_case(c.id, on=accepted)
    svc.db.close()
    month = rules.add_months(accepted, 1)
    con = sqlite3.connect(db_path)
    # as the earlier version left them: one month for every type; one extended to 2026-12-31
    con.execute("UPDATE dispute_case SET deadline_on = ?, next_due_on = ?",
                (month.isoformat(), month.isoformat()))
    con.execute("UPDATE dispute_case SET deadline_on = '2026-12-31', next_due_on = '2026-12-31',"
                " extension_count = 1 WHERE id = ?", (extended.id,))
    rewind_before(con, "labour_limit")
    con.commit()
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=lambda: today)
        got = {c: (again.case_file(c).case.deadline_on, again.case_file(c).case.next_due_on)
               for c in (labour.id, extended.id, neighbour.id)}
    fifteen = accepted + timedelta(days=15)
    assert got == {labour.id: (fifteen, fifteen),
                   extended.id: (date(2026, 12, 31), date(2026, 12, 31)),
                   neighbour.id: (month, month)}
