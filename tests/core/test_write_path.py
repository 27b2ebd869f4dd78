"""One write path: ``rules.apply`` decides what every lifecycle step does to a case, and the
three writers of cases (``Services``, the bulk ledger import, the demo generator) all take it
from there. Tested exhaustively on the pure function, then once end to end: the same steps
through each writer give the same case columns and the same state entries on the timeline.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from mediator.core import rules
from mediator.core.enums import AgreementForm, CaseState, DisputeType
from mediator.core.enums import Outcome as CaseOutcome
from mediator.core.errors import DomainError
from mediator.core.importing import ImportedCase
from mediator.core.inputs import AgreementInput, CaseInput, ObligationInput, PartyInput
from mediator.core.rules import TRANSITIONS, Action
from mediator.demo.generator import _Case, _Labels
from mediator.i18n import t

S = CaseState
ON = date(2026, 1, 31)
#: one calendar month from ON, clamped to February's end
DEADLINE = date(2026, 2, 28)

#: what each concluding state sets the outcome to (written out, not read from rules)
OUTCOMES = {S.REFUSED: "REFUSED", S.TERMINATED: "FAILED", S.TRANSFERRED: "TRANSFERRED",
            S.WITHDRAWN: "WITHDRAWN", S.AGREED: "AGREEMENT"}
#: the dates an action sets (None clears), beyond those of a concluding state
DATES = {
    Action.ACCEPT: {"accepted_on": ON, "deadline_on": DEADLINE},
    # 重新调解 keeps the first 受理日期 and stores its own date (issue 25)
    Action.REMEDIATE: {"remediated_on": ON, "deadline_on": DEADLINE, "outcome": None,
                       "concluded_on": None},
    Action.ARCHIVE: {"archived_on": ON},
}


def expected_columns(action: Action, before: CaseState, after: CaseState) -> dict[str, Any]:
    if after is before:
        return {}
    out: dict[str, Any] = {"state": after.name}
    if after in OUTCOMES:
        out.update(outcome=OUTCOMES[after], concluded_on=ON)
    out.update(DATES.get(action, {}))
    return out


ALL = [(a, s) for a in Action for s in CaseState]


@pytest.mark.parametrize(("action", "state"), ALL, ids=[f"{a.name}-{s.name}" for a, s in ALL])
def test_apply_every_action_in_every_state(action: Action, state: CaseState) -> None:
    if state not in TRANSITIONS[action]:
        with pytest.raises(DomainError) as err:
            rules.apply(state, action, ON)
        assert err.value.message == t("rules.illegal", action=action.label, state=state.label)
        return
    tr = rules.apply(state, action, ON)
    after = TRANSITIONS[action][state]
    assert (tr.action, tr.before, tr.after, tr.on, tr.moved) == (
        action, state, after, ON, after is not state)
    assert tr.columns() == expected_columns(action, state, after)
    assert tr.summary == (action.label if tr.moved else "")


def test_a_given_summary_is_kept() -> None:
    assert rules.apply(S.REGISTERED, Action.ACCEPT, ON, "受理了").summary == "受理了"


def test_every_date_column_apply_writes_is_a_case_column() -> None:
    from mediator.core.models import Case

    written = {c for a, s in ALL if s in TRANSITIONS[a]
               for c in rules.apply(s, a, ON).columns()}
    assert written == {"state", "outcome", "concluded_on", "accepted_on", "deadline_on",
                       "archived_on", "remediated_on"}
    assert written <= set(Case.model_fields)


# --- the writers agree --------------------------------------------------------------------

COLUMNS = ("state", "outcome", "accepted_on", "deadline_on", "concluded_on", "archived_on")


def service_view(svc: Any, case_id: str) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    cf = svc.case_file(case_id)
    return (tuple(getattr(cf.case, c) for c in COLUMNS),
            [(e.occurred_on, e.state_from, e.state_to, e.summary) for e in cf.events
             if e.kind == "STATE"])


def demo_view(case: _Case) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    return ((case.state.name, case.outcome, case.accepted_on, case.deadline_on,
             case.concluded_on, case.archived_on),
            [(e[0], e[6], e[7], e[2]) for e in sorted(case.events, key=lambda e: e[0])
             if e[1] == "STATE"])


def test_services_bulk_import_and_demo_write_the_same_agreed_and_archived_case(
        svc: Any, today: date) -> None:
    reg, agreed, closed = today - timedelta(days=40), today - timedelta(days=30), today - timedelta(days=2)
    parties = [PartyInput("张三"), PartyInput("李四")]

    def data(key: str) -> CaseInput:
        return CaseInput(parties=parties, dispute_type=DisputeType.NEIGHBOUR, facts="滴水纠纷",
                         registered_on=reg, import_key=key)

    # through the services, one use case per step
    cid = svc.register_case(data("svc")).case_id
    svc.accept_case(cid, on=reg)
    svc.record_agreement(cid, AgreementInput(AgreementForm.ORAL, agreed, "赔礼道歉"))
    svc.complete_performance(cid, on=closed)
    svc.archive_case(cid, on=closed)
    by_services = service_view(svc, cid)

    # through the bulk writer, as a ledger row saying the same
    result = svc.import_ledger_rows([ImportedCase(
        row_no=2, case=data("ledger"), outcome=CaseOutcome.AGREEMENT, mediated_on=agreed,
        closed_on=closed, agreement_form=AgreementForm.ORAL)], "台账.xlsx")
    (row,) = result.rows
    by_import = service_view(svc, row.case_id)

    # through the demo's case player
    labels = _Labels()
    case = _Case(today, labels, "王调解")
    case.event("STATE", reg, labels.registered, st="REGISTERED")
    case.move(Action.ACCEPT, reg, labels.accepted)
    case.move(Action.AGREE, agreed, labels.agreed[AgreementForm.ORAL])
    case.move(Action.COMPLETE_PERFORMANCE, closed, labels.performed)
    case.move(Action.ARCHIVE, closed, labels.archived)
    by_demo = demo_view(case)

    expected_case = ("ARCHIVED", "AGREEMENT", reg, rules.mediation_deadline(reg), agreed, closed)
    assert by_services[0] == by_import[0] == by_demo[0] == expected_case
    assert by_services[1] == by_import[1] == by_demo[1] == [
        (reg, None, "REGISTERED", t("svc.ev.registered")),
        (reg, "REGISTERED", "ACCEPTED", t("svc.ev.accepted")),
        (agreed, "ACCEPTED", "AGREED", t("svc.ev.agreed", form=AgreementForm.ORAL.label)),
        (closed, "AGREED", "PERFORMED", t("svc.ev.performed")),
        (closed, "PERFORMED", "ARCHIVED", t("svc.ev.archived")),
    ]


def test_services_and_demo_agree_on_a_remediated_case(svc: Any, make_case: Any,
                                                      today: date) -> None:
    """重新调解 (which no ledger records): the outcome and conclusion cleared, the month
    running again from the day of remediation."""
    reg, agreed, due = today - timedelta(days=30), today - timedelta(days=20), today - timedelta(days=10)
    cid = make_case(days_ago=30).id
    svc.accept_case(cid, on=reg)
    svc.record_agreement(cid, AgreementInput(AgreementForm.WRITTEN, agreed, "分期付款",
                                             amount_fen=50000,
                                             obligations=[ObligationInput(due, 50000)]))
    assert svc.sweep_missed_instalments() == [cid]
    svc.urge(cid, "电话督促", on=today)
    svc.remediate(cid, "双方同意重新调解", on=today)
    by_services = service_view(svc, cid)

    labels = _Labels()
    case = _Case(today, labels, "王调解")
    case.event("STATE", reg, labels.registered, st="REGISTERED")
    case.move(Action.ACCEPT, reg, labels.accepted)
    case.move(Action.AGREE, agreed, labels.agreed[AgreementForm.WRITTEN])
    case.move(Action.BEGIN_PERFORMANCE, agreed)
    case.move(Action.MISS, today, labels.missed)
    case.move(Action.URGE, today, labels.urged)
    case.move(Action.REMEDIATE, today, labels.remediate)
    by_demo = demo_view(case)

    assert by_services[0] == by_demo[0] == (
        "MEDIATING", None, reg, rules.mediation_deadline(today), None, None)
    assert [e[:3] for e in by_services[1]] == [e[:3] for e in by_demo[1]] == [
        (reg, None, "REGISTERED"), (reg, "REGISTERED", "ACCEPTED"),
        (agreed, "ACCEPTED", "AGREED"), (agreed, "AGREED", "PERFORMING"),
        (today, "PERFORMING", "UNPERFORMED"), (today, "UNPERFORMED", "URGED"),
        (today, "URGED", "MEDIATING"),
    ]
    assert [e[3] for e in by_services[1]] == [e[3] for e in by_demo[1]]


def test_an_effect_added_to_apply_reaches_every_writer(svc: Any, today: date,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A lifecycle change is an edit of rules.apply alone: here ACCEPT is made to set
    notice_on too, and the services, the bulk import and the demo all store it."""
    plain_apply = rules.apply

    def apply(state: CaseState, action: Action, on: date, summary: str = "",
              **kw: Any) -> rules.Transition:
        tr = plain_apply(state, action, on, summary, **kw)
        if action is Action.ACCEPT:
            tr.dates["notice_on"] = on
        return tr

    monkeypatch.setattr(rules, "apply", apply)
    reg = today - timedelta(days=5)

    def data(key: str) -> CaseInput:
        return CaseInput(parties=[PartyInput("张三")], dispute_type=DisputeType.OTHER,
                         facts="x", registered_on=reg, import_key=key)

    cid = svc.register_case(data("svc")).case_id
    svc.accept_case(cid, on=reg)
    (row,) = svc.import_ledger_rows([ImportedCase(row_no=2, case=data("ledger"))], "台账.xlsx").rows
    case = _Case(today, _Labels(), "王调解")
    case.move(Action.ACCEPT, reg)
    assert (svc.find_case(cid).notice_on, svc.find_case(row.case_id).notice_on,
            case.notice_on) == (reg, reg, reg)


def _fact_rows(svc: Any, case_id: str) -> list[tuple[Any, ...]]:
    from sqlalchemy import text

    with svc.db.read() as s:
        return [tuple(r) for r in s.exec(text(  # type: ignore[call-overload]
            "SELECT kind, spell, accepted_on, deadline_on, concluded_on, outcome, fact_on "
            "FROM case_fact WHERE case_id = :c AND deleted = 0 ORDER BY kind, spell"),
            params={"c": case_id}).all()]


@pytest.mark.parametrize("outcome", [CaseOutcome.AGREEMENT, CaseOutcome.FAILED,
                                     CaseOutcome.WITHDRAWN, None])
def test_services_and_bulk_import_record_the_same_dated_facts(svc: Any, today: date,
                                                              outcome: Any) -> None:
    """The facts the figures count (mediator.core.facts): Services._move records them step
    by step, the ledger import (and the demo) derive them from the state entries the same
    rules.apply wrote; the rows are the same."""
    reg, ended = today - timedelta(days=40), today - timedelta(days=30)

    def data(key: str) -> CaseInput:
        return CaseInput(parties=[PartyInput("张三"), PartyInput("李四")],
                         dispute_type=DisputeType.NEIGHBOUR, facts="滴水纠纷",
                         registered_on=reg, import_key=key)

    cid = svc.register_case(data("svc")).case_id
    svc.accept_case(cid, on=reg)
    if outcome is CaseOutcome.AGREEMENT:
        svc.record_agreement(cid, AgreementInput(AgreementForm.ORAL, ended, "赔礼道歉",
                                                 performed_now=True))
    elif outcome is CaseOutcome.FAILED:
        from mediator.core.enums import Route
        svc.record_failure(cid, "分歧大", [Route.LITIGATION], on=ended)
    elif outcome is CaseOutcome.WITHDRAWN:
        svc.withdraw_case(cid, "撤回", on=ended)
    (row,) = svc.import_ledger_rows([ImportedCase(
        row_no=2, case=data("ledger"), outcome=outcome, mediated_on=ended if outcome else None,
        closed_on=ended if outcome else None,
        agreement_form=AgreementForm.ORAL if outcome is CaseOutcome.AGREEMENT else None)],
        "台账.xlsx").rows
    mine = _fact_rows(svc, cid)
    assert mine == _fact_rows(svc, row.case_id)
    assert mine == [("SPELL", 1, reg.isoformat(), rules.mediation_deadline(reg).isoformat(),
                     ended.isoformat() if outcome else None,
                     outcome.name if outcome else None, None)]
