"""The lifecycle (domain.md §5) and every deadline and warning rule, with explicit dates.

The transition table is checked twice: exhaustively against itself (every action × state,
legal ones land where the table says, illegal ones raise a Chinese DomainError) and against
an independent transcription of the state diagram in domain.md, so a careless edit of
``rules.TRANSITIONS`` cannot silently open or close a path.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediator.core import rules
from mediator.core.enums import AgreementForm, CaseSource, CaseState, JudicialResult
from mediator.core.errors import DomainError
from mediator.core.rules import (
    Action,
    CaseFacts,
    Deadline,
    DeadlineKind,
    FollowUpFacts,
    ObligationFacts,
    WarningCode,
)
from mediator.i18n import set_language

S = CaseState
A = Action
CJK = re.compile(r"[\u4e00-\u9fff]")
TODAY = date(2026, 11, 23)

# --- the state machine -------------------------------------------------------------------

ALL_PAIRS = [(a, s) for a in Action for s in CaseState]


@pytest.mark.parametrize(("action", "state"), ALL_PAIRS,
                         ids=[f"{a.name}-{s.name}" for a, s in ALL_PAIRS])
def test_every_action_in_every_state(action: Action, state: CaseState) -> None:
    table = rules.TRANSITIONS[action]
    if state in table:
        assert rules.next_state(state, action) is table[state]
        rules.check(state, action)
        assert action in rules.legal_actions(state)
    else:
        with pytest.raises(DomainError) as err:
            rules.next_state(state, action)
        message = str(err.value)
        assert CJK.search(message), message
        # The user sees which state the case is in and what was refused.
        assert state.label in message and action.label in message
        assert action not in rules.legal_actions(state)


def test_illegal_message_follows_language() -> None:
    set_language("en")
    try:
        with pytest.raises(DomainError) as err:
            rules.next_state(S.ARCHIVED, A.ACCEPT)
        assert not CJK.search(str(err.value))
    finally:
        set_language("zh_CN")


# The moves that change state, transcribed from the diagram in domain.md §5.
DIAGRAM_MOVES = {
    (S.REGISTERED, A.ACCEPT): S.ACCEPTED,
    (S.REGISTERED, A.REFUSE): S.REFUSED,
    (S.REFUSED, A.ARCHIVE): S.ARCHIVED,
    (S.ACCEPTED, A.NOTICE): S.MEDIATING,
    (S.ACCEPTED, A.SESSION): S.MEDIATING,
    (S.MEDIATING, A.TERMINATE): S.TERMINATED,
    (S.MEDIATING, A.TRANSFER): S.TRANSFERRED,
    (S.MEDIATING, A.WITHDRAW): S.WITHDRAWN,
    (S.MEDIATING, A.AGREE): S.AGREED,
    (S.TERMINATED, A.ARCHIVE): S.ARCHIVED,
    (S.TRANSFERRED, A.ARCHIVE): S.ARCHIVED,
    (S.WITHDRAWN, A.ARCHIVE): S.ARCHIVED,
    (S.AGREED, A.BEGIN_PERFORMANCE): S.PERFORMING,
    (S.PERFORMING, A.COMPLETE_PERFORMANCE): S.PERFORMED,
    (S.PERFORMING, A.MISS): S.UNPERFORMED,
    (S.PERFORMED, A.ARCHIVE): S.ARCHIVED,
    (S.UNPERFORMED, A.URGE): S.URGED,
    (S.URGED, A.COMPLETE_PERFORMANCE): S.PERFORMED,
    (S.URGED, A.REMEDIATE): S.MEDIATING,
    (S.URGED, A.ADVISE_SUIT): S.SUIT_ADVISED,
    (S.SUIT_ADVISED, A.ARCHIVE): S.ARCHIVED,
}


@pytest.mark.parametrize(("state", "action"), list(DIAGRAM_MOVES))
def test_diagram_paths_exist(state: CaseState, action: Action) -> None:
    assert rules.next_state(state, action) is DIAGRAM_MOVES[(state, action)]


def test_extension_keeps_mediating() -> None:
    """延期 [both parties consent] ─> 调解中: recorded without leaving mediation."""
    assert rules.next_state(S.MEDIATING, A.EXTEND) is S.MEDIATING
    assert rules.next_state(S.ACCEPTED, A.EXTEND) is S.ACCEPTED


def test_archived_is_final() -> None:
    moving = [a for a in Action if S.ARCHIVED in rules.TRANSITIONS[a]
              and rules.TRANSITIONS[a][S.ARCHIVED] is not S.ARCHIVED]
    assert moving == []
    # Nothing but notes, follow-ups and a late court decision may touch an archived file.
    assert set(rules.legal_actions(S.ARCHIVED)) == {A.NOTE, A.SCHEDULE_FOLLOW_UP,
                                                   A.JUDICIAL_RESULT}


def test_archive_only_from_concluded_states() -> None:
    for state in CaseState:
        if state in (S.REFUSED, S.TERMINATED, S.TRANSFERRED, S.WITHDRAWN, S.PERFORMED,
                     S.SUIT_ADVISED):
            assert rules.next_state(state, A.ARCHIVE) is S.ARCHIVED
        else:
            with pytest.raises(DomainError):
                rules.next_state(state, A.ARCHIVE)


def test_no_mediation_after_refusal_or_before_acceptance() -> None:
    for action in (A.NOTICE, A.SESSION, A.AGREE, A.TERMINATE, A.EXTEND):
        for state in (S.REGISTERED, S.REFUSED):
            with pytest.raises(DomainError):
                rules.next_state(state, action)


def test_every_state_reachable_from_registration() -> None:
    seen, frontier = {S.REGISTERED}, [S.REGISTERED]
    while frontier:
        state = frontier.pop()
        for table in rules.TRANSITIONS.values():
            nxt = table.get(state)
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                frontier.append(nxt)
    assert seen == set(CaseState)


def test_every_non_archived_state_can_reach_archive() -> None:
    for start in CaseState:
        seen, frontier = {start}, [start]
        while frontier:
            state = frontier.pop()
            for table in rules.TRANSITIONS.values():
                nxt = table.get(state)
                if nxt is not None and nxt not in seen:
                    seen.add(nxt)
                    frontier.append(nxt)
        assert S.ARCHIVED in seen, start


def test_outcomes_of_concluding_states() -> None:
    from mediator.core.enums import Outcome

    assert rules.OUTCOME_OF[S.AGREED] is Outcome.AGREEMENT
    assert rules.OUTCOME_OF[S.TERMINATED] is Outcome.FAILED
    assert rules.OUTCOME_OF[S.REFUSED] is Outcome.REFUSED
    assert rules.OUTCOME_OF[S.WITHDRAWN] is Outcome.WITHDRAWN
    assert rules.OUTCOME_OF[S.TRANSFERRED] is Outcome.TRANSFERRED


def test_every_action_and_state_has_a_label_in_both_languages() -> None:
    for lang in ("zh_CN", "en"):
        set_language(lang)
        for a in Action:
            assert a.label != f"action.{a.name}"
        for k in DeadlineKind:
            assert k.label != f"deadline.{k.name}"
    set_language("zh_CN")


# --- add_months and the fixed windows ----------------------------------------------------


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),   # leap year
    (date(2026, 3, 31), 1, date(2026, 4, 30)),
    (date(2026, 1, 15), 1, date(2026, 2, 15)),
    (date(2026, 12, 31), 1, date(2027, 1, 31)),  # year boundary
    (date(2026, 11, 30), 3, date(2027, 2, 28)),
    (date(2026, 5, 31), -1, date(2026, 4, 30)),
    (date(2026, 1, 31), -2, date(2025, 11, 30)),
    (date(2026, 2, 28), 12, date(2027, 2, 28)),
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2026, 7, 4), 0, date(2026, 7, 4)),
])
def test_add_months_examples(start: date, months: int, expected: date) -> None:
    assert rules.add_months(start, months) == expected


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2200, 12, 31)),
       st.integers(min_value=-240, max_value=240))
def test_add_months_properties(start: date, months: int) -> None:
    out = rules.add_months(start, months)  # never raises
    assert (out.year * 12 + out.month) - (start.year * 12 + start.month) == months
    last = calendar.monthrange(out.year, out.month)[1]
    assert out.day == min(start.day, last)
    if start.day <= 28:
        assert out.day == start.day


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_mediation_deadline_is_one_calendar_month(accepted: date) -> None:
    due = rules.mediation_deadline(accepted)
    assert 28 <= (due - accepted).days <= 31
    assert due == rules.add_months(accepted, 1)


def test_mediation_deadline_examples() -> None:
    assert rules.mediation_deadline(date(2026, 11, 1)) == date(2026, 12, 1)
    assert rules.mediation_deadline(date(2026, 1, 30)) == date(2026, 2, 28)


def test_judicial_deadline_is_thirty_days() -> None:
    assert rules.judicial_deadline(date(2026, 11, 1)) == date(2026, 12, 1)
    assert rules.judicial_deadline(date(2026, 2, 10)) == date(2026, 3, 12)


def test_judicial_apply_window() -> None:
    eff = date(2026, 10, 1)
    rules.judicial_apply_allowed(eff, eff)
    rules.judicial_apply_allowed(eff, date(2026, 10, 31))  # day 30: still inside
    with pytest.raises(DomainError) as late:
        rules.judicial_apply_allowed(eff, date(2026, 11, 1))
    assert "2026-10-31" in str(late.value) and CJK.search(str(late.value))
    with pytest.raises(DomainError) as early:
        rules.judicial_apply_allowed(eff, date(2026, 9, 30))
    assert CJK.search(str(early.value))


# --- deadlines ---------------------------------------------------------------------------


def facts(**kw) -> CaseFacts:  # type: ignore[no-untyped-def]
    kw.setdefault("registered_on", date(2026, 10, 1))
    kw.setdefault("state", S.MEDIATING)
    return CaseFacts(**kw)


def kinds(items: list[Deadline]) -> list[tuple[DeadlineKind, date]]:
    return [(d.kind, d.due) for d in items]


def test_registered_case_has_no_deadline() -> None:
    assert rules.deadlines(facts(state=S.REGISTERED), TODAY) == []
    assert rules.nearest_deadline([]) is None


@pytest.mark.parametrize("state", [S.ACCEPTED, S.MEDIATING])
def test_mediation_deadline_one_month_from_acceptance(state: CaseState) -> None:
    f = facts(state=state, accepted_on=date(2026, 11, 1))
    [d] = rules.deadlines(f, TODAY)
    assert (d.kind, d.due, d.days_left, d.overdue) == (DeadlineKind.MEDIATION, date(2026, 12, 1),
                                                       8, False)


def test_mediation_deadline_uses_extension() -> None:
    f = facts(accepted_on=date(2026, 9, 1), deadline_on=date(2026, 12, 15), extension_count=1)
    [d] = rules.deadlines(f, TODAY)
    assert d.due == date(2026, 12, 15) and d.days_left == 22


def test_mediation_deadline_overdue() -> None:
    f = facts(accepted_on=date(2026, 9, 30))
    [d] = rules.deadlines(f, TODAY)
    assert d.due == date(2026, 10, 30) and d.days_left == -24 and d.overdue
    assert d.badge() == "逾期24天"


@pytest.mark.parametrize("state", [S.AGREED, S.TERMINATED, S.WITHDRAWN, S.TRANSFERRED,
                                   S.ARCHIVED, S.REFUSED])
def test_mediation_deadline_gone_after_conclusion(state: CaseState) -> None:
    f = facts(state=state, accepted_on=date(2026, 9, 1))
    assert DeadlineKind.MEDIATION not in [d.kind for d in rules.deadlines(f, TODAY)]


def test_badges() -> None:
    assert Deadline(DeadlineKind.MEDIATION, TODAY, 5).badge() == "余5天"
    assert Deadline(DeadlineKind.MEDIATION, TODAY, 0).badge() == "今天到期"
    assert Deadline(DeadlineKind.MEDIATION, TODAY, -3).badge() == "逾期3天"
    set_language("en")
    try:
        assert "3" in Deadline(DeadlineKind.MEDIATION, TODAY, -3).badge()
        assert not CJK.search(Deadline(DeadlineKind.MEDIATION, TODAY, -3).badge())
    finally:
        set_language("zh_CN")


def test_judicial_window_is_optional_and_closes() -> None:
    eff = date(2026, 11, 10)
    f = facts(state=S.AGREED, accepted_on=date(2026, 11, 1), agreement_form=AgreementForm.WRITTEN,
              agreement_effective_on=eff)
    [d] = rules.deadlines(f, TODAY)
    assert (d.kind, d.due, d.optional, d.days_left) == (DeadlineKind.JUDICIAL, date(2026, 12, 10),
                                                        True, 17)
    # Last day of the window still shows; the day after it is gone.
    assert rules.deadlines(f, date(2026, 12, 10))[0].days_left == 0
    assert rules.deadlines(f, date(2026, 12, 11)) == []
    # Once applied for, the window no longer matters.
    applied = facts(state=S.AGREED, agreement_effective_on=eff,
                    judicial_status=JudicialResult.APPLIED)
    assert rules.deadlines(applied, TODAY) == []


def test_optional_deadline_never_nearest_when_binding_one_exists() -> None:
    eff = date(2026, 11, 20)
    f = facts(state=S.PERFORMING, agreement_effective_on=eff,
              agreement_form=AgreementForm.WRITTEN,
              obligations=(ObligationFacts("o1", date(2027, 3, 1), None, 100),))
    items = rules.deadlines(f, TODAY)
    assert kinds(items) == [(DeadlineKind.JUDICIAL, date(2026, 12, 20)),
                            (DeadlineKind.PERFORMANCE, date(2027, 3, 1))]
    nearest = rules.nearest_deadline(items)
    assert nearest is not None and nearest.kind is DeadlineKind.PERFORMANCE
    # Only the optional one open: it is shown as nearest.
    only = rules.deadlines(facts(state=S.AGREED, agreement_effective_on=eff,
                                 agreement_form=AgreementForm.WRITTEN), TODAY)
    assert rules.nearest_deadline(only).kind is DeadlineKind.JUDICIAL  # type: ignore[union-attr]


def test_each_open_obligation_is_a_deadline() -> None:
    obs = (ObligationFacts("o1", date(2026, 11, 1), date(2026, 11, 1), 50000),
           ObligationFacts("o2", date(2026, 12, 1), None, 50000),
           ObligationFacts("o3", date(2027, 1, 1), None, 50000))
    for state in (S.AGREED, S.PERFORMING, S.UNPERFORMED, S.URGED):
        items = rules.deadlines(facts(state=state, obligations=obs), TODAY)
        perf = [(d.due, d.ref) for d in items if d.kind is DeadlineKind.PERFORMANCE]
        assert perf == [(date(2026, 12, 1), "o2"), (date(2027, 1, 1), "o3")]
    for state in (S.PERFORMED, S.SUIT_ADVISED, S.ARCHIVED):
        items = rules.deadlines(facts(state=state, obligations=obs), TODAY)
        assert not [d for d in items if d.kind is DeadlineKind.PERFORMANCE]


def test_follow_ups_open_ones_only_in_any_state() -> None:
    fus = (FollowUpFacts("f1", date(2026, 11, 20), date(2026, 11, 21)),
           FollowUpFacts("f2", date(2026, 11, 20)),
           FollowUpFacts("f3", date(2026, 12, 5)))
    for state in (S.MEDIATING, S.PERFORMED, S.ARCHIVED):
        items = [d for d in rules.deadlines(facts(state=state, follow_ups=fus), TODAY)
                 if d.kind is DeadlineKind.FOLLOW_UP]
        assert [(d.ref, d.days_left) for d in items] == [("f2", -3), ("f3", 12)]


def test_hard_case_resolve_by() -> None:
    f = facts(state=S.MEDIATING, is_hard=True, resolve_by=date(2026, 11, 30))
    assert kinds(rules.deadlines(f, TODAY)) == [(DeadlineKind.HARD_CASE, date(2026, 11, 30))]
    # Without a date, or once the case is concluded, nothing is due.
    assert rules.deadlines(facts(state=S.MEDIATING, is_hard=True), TODAY) == []
    for state in rules.TERMINAL_STATES:
        g = facts(state=state, is_hard=True, resolve_by=date(2026, 11, 30))
        assert not [d for d in rules.deadlines(g, TODAY) if d.kind is DeadlineKind.HARD_CASE]
    # A hard case in performance still owes its 化解时限.
    p = facts(state=S.PERFORMING, is_hard=True, resolve_by=date(2026, 12, 31))
    assert (DeadlineKind.HARD_CASE, date(2026, 12, 31)) in kinds(rules.deadlines(p, TODAY))
    # Not flagged hard: a stray date is ignored.
    assert rules.deadlines(facts(state=S.MEDIATING, resolve_by=date(2026, 11, 30)), TODAY) == []


def test_petition_notice_fifteen_days_from_receipt() -> None:
    f = facts(state=S.REGISTERED, source=CaseSource.PETITION,
              petition_received_on=date(2026, 11, 10))
    [d] = rules.deadlines(f, TODAY)
    assert (d.kind, d.due, d.days_left) == (DeadlineKind.PETITION_NOTICE, date(2026, 11, 25), 2)


def test_petition_completion_sixty_days_plus_thirty_once() -> None:
    base = dict(state=S.MEDIATING, source=CaseSource.PETITION, accepted_on=date(2026, 11, 1),
                petition_received_on=date(2026, 10, 25))
    items = rules.deadlines(facts(**base), TODAY)
    assert kinds(items) == [(DeadlineKind.MEDIATION, date(2026, 12, 1)),
                            (DeadlineKind.PETITION_COMPLETE, date(2026, 12, 31))]
    ext = rules.deadlines(facts(**base, petition_extended=True, deadline_on=date(2027, 1, 15),
                                extension_count=1), TODAY)
    assert kinds(ext) == [(DeadlineKind.MEDIATION, date(2027, 1, 15)),
                          (DeadlineKind.PETITION_COMPLETE, date(2027, 1, 30))]


def test_petition_deadlines_only_for_petitions() -> None:
    f = facts(state=S.REGISTERED, source=CaseSource.APPLICATION,
              petition_received_on=date(2026, 11, 10))
    assert rules.deadlines(f, TODAY) == []
    g = facts(state=S.REGISTERED, source=CaseSource.PETITION)  # no receipt date: nothing to count
    assert rules.deadlines(g, TODAY) == []


def test_deadlines_sorted_soonest_first_and_nearest() -> None:
    f = facts(state=S.MEDIATING, accepted_on=date(2026, 11, 1), is_hard=True,
              resolve_by=date(2026, 11, 25),
              follow_ups=(FollowUpFacts("f", date(2026, 11, 24)),))
    items = rules.deadlines(f, TODAY)
    assert kinds(items) == [(DeadlineKind.FOLLOW_UP, date(2026, 11, 24)),
                            (DeadlineKind.HARD_CASE, date(2026, 11, 25)),
                            (DeadlineKind.MEDIATION, date(2026, 12, 1))]
    assert [d.days_left for d in items] == [1, 2, 8]
    assert rules.nearest_deadline(items).kind is DeadlineKind.FOLLOW_UP  # type: ignore[union-attr]


@settings(max_examples=150, deadline=None)
@given(accepted=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)),
       today=st.dates(min_value=date(2020, 1, 1), max_value=date(2031, 12, 31)),
       due_offsets=st.lists(st.integers(min_value=-400, max_value=400), max_size=5))
def test_deadline_days_left_property(accepted: date, today: date, due_offsets: list[int]) -> None:
    fus = tuple(FollowUpFacts(f"f{i}", accepted + timedelta(days=o))
                for i, o in enumerate(due_offsets))
    items = rules.deadlines(facts(state=S.MEDIATING, registered_on=accepted, accepted_on=accepted,
                                  follow_ups=fus), today)
    assert len(items) == 1 + len(fus)
    for d in items:
        assert d.days_left == (d.due - today).days
        assert d.overdue == (d.due < today)
    assert [d.due for d in items] == sorted(d.due for d in items)
    nearest = rules.nearest_deadline(items)
    assert nearest is not None and nearest.due == min(d.due for d in items)


# --- warnings ----------------------------------------------------------------------------


def codes(f: CaseFacts, today: date = TODAY) -> set[WarningCode]:
    return {w.code for w in rules.warnings(f, today)}


def test_oral_agreement_with_money_or_obligations_needs_writing() -> None:
    assert rules.oral_needs_written(AgreementForm.ORAL, 1, 0)
    assert rules.oral_needs_written(AgreementForm.ORAL, 0, 1)
    assert not rules.oral_needs_written(AgreementForm.ORAL, 0, 0)
    assert not rules.oral_needs_written(AgreementForm.WRITTEN, 100000, 3)
    assert not rules.oral_needs_written(None, 100, 1)
    oral = facts(state=S.AGREED, agreement_form=AgreementForm.ORAL, agreement_amount_fen=50000,
                 agreement_effective_on=TODAY)
    ws = rules.warnings(oral, TODAY)
    assert WarningCode.ORAL_NEEDS_WRITTEN in {w.code for w in ws}
    assert any("书面" in w.message for w in ws)
    with_obligation = facts(state=S.PERFORMING, agreement_form=AgreementForm.ORAL,
                            obligations=(ObligationFacts("o", date(2026, 12, 1)),))
    assert WarningCode.ORAL_NEEDS_WRITTEN in codes(with_obligation)
    assert WarningCode.ORAL_NEEDS_WRITTEN not in codes(
        facts(state=S.AGREED, agreement_form=AgreementForm.ORAL))
    assert WarningCode.ORAL_NEEDS_WRITTEN not in codes(
        facts(state=S.ARCHIVED, agreement_form=AgreementForm.ORAL, agreement_amount_fen=1))


def test_past_one_month_without_extension() -> None:
    f = facts(accepted_on=date(2026, 10, 20))  # due 2026-11-20
    assert WarningCode.PAST_ONE_MONTH not in codes(f, date(2026, 11, 20))
    ws = rules.warnings(f, date(2026, 11, 23))
    [w] = [w for w in ws if w.code is WarningCode.PAST_ONE_MONTH]
    assert "3" in w.message and "延期" in w.message


def test_past_extended_deadline() -> None:
    f = facts(accepted_on=date(2026, 9, 1), deadline_on=date(2026, 11, 20), extension_count=1)
    assert codes(f) == {WarningCode.PAST_EXTENSION}
    g = facts(accepted_on=date(2026, 9, 1), deadline_on=date(2026, 12, 20), extension_count=1)
    assert codes(g) == set()


def test_session_without_notice() -> None:
    assert WarningCode.NO_NOTICE in codes(facts(accepted_on=TODAY, session_count=1))
    assert WarningCode.NO_NOTICE not in codes(facts(accepted_on=TODAY, session_count=1,
                                                    notice_on=TODAY))
    assert WarningCode.NO_NOTICE not in codes(facts(accepted_on=TODAY, session_count=0))


def test_judicial_window_closing_in_last_five_days() -> None:
    eff = date(2026, 10, 30)  # window ends 2026-11-29
    f = facts(state=S.AGREED, agreement_form=AgreementForm.WRITTEN, agreement_effective_on=eff)
    assert WarningCode.JUDICIAL_WINDOW_CLOSING not in codes(f, date(2026, 11, 23))  # 6 left
    assert WarningCode.JUDICIAL_WINDOW_CLOSING in codes(f, date(2026, 11, 24))      # 5 left
    assert WarningCode.JUDICIAL_WINDOW_CLOSING in codes(f, date(2026, 11, 29))      # 0 left
    assert WarningCode.JUDICIAL_WINDOW_CLOSING not in codes(f, date(2026, 11, 30))  # closed
    applied = facts(state=S.AGREED, agreement_effective_on=eff,
                    judicial_status=JudicialResult.APPLIED)
    assert WarningCode.JUDICIAL_WINDOW_CLOSING not in codes(applied, date(2026, 11, 25))


def test_performance_overdue() -> None:
    obs = (ObligationFacts("a", date(2026, 11, 1)), ObligationFacts("b", date(2026, 11, 10)),
           ObligationFacts("c", date(2026, 11, 5), date(2026, 11, 5)),
           ObligationFacts("d", date(2026, 12, 1)))
    ws = rules.warnings(facts(state=S.PERFORMING, obligations=obs), TODAY)
    [w] = [w for w in ws if w.code is WarningCode.PERFORMANCE_OVERDUE]
    assert "2" in w.message
    due_today = (ObligationFacts("a", TODAY),)
    assert WarningCode.PERFORMANCE_OVERDUE not in codes(facts(state=S.PERFORMING,
                                                              obligations=due_today))


def test_petition_notice_due_after_fifteen_days() -> None:
    f = facts(state=S.REGISTERED, source=CaseSource.PETITION,
              petition_received_on=date(2026, 11, 8))
    assert WarningCode.PETITION_NOTICE_DUE not in codes(f, date(2026, 11, 23))  # day 15
    assert WarningCode.PETITION_NOTICE_DUE in codes(f, date(2026, 11, 24))      # day 16
    accepted = facts(state=S.ACCEPTED, accepted_on=date(2026, 11, 9), source=CaseSource.PETITION,
                     petition_received_on=date(2026, 11, 1))
    assert WarningCode.PETITION_NOTICE_DUE not in codes(accepted)


def test_quiet_case_has_no_warnings() -> None:
    assert rules.warnings(facts(state=S.REGISTERED), TODAY) == []
    assert rules.warnings(facts(state=S.ACCEPTED, accepted_on=TODAY), TODAY) == []
