"""The case lifecycle (domain.md §5) as pure functions: which actions are legal in which state,
where each leads, every deadline with days left or overdue, and the warnings a mediator must
see. Nothing here touches the database, so the rules are tested exhaustively and cheaply.
"""

from __future__ import annotations

import calendar
import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    JudicialResult,
    Outcome,
    Route,
)
from mediator.core.errors import DomainError
from mediator.core.petition import PetitionFacts
from mediator.core.petition import clocks as petition_clocks
from mediator.core.petition import warnings as petition_warnings
from mediator.i18n import t

S = CaseState

MEDIATION_MONTHS = 1
JUDICIAL_WINDOW_DAYS = 30
PETITION_NOTICE_DAYS = 15
PETITION_COMPLETE_DAYS = 60
PETITION_EXTENSION_DAYS = 30


class Action(str, enum.Enum):
    ACCEPT = "ACCEPT"
    REFUSE = "REFUSE"
    NOTICE = "NOTICE"
    SESSION = "SESSION"
    EXTEND = "EXTEND"
    TERMINATE = "TERMINATE"
    TRANSFER = "TRANSFER"
    WITHDRAW = "WITHDRAW"
    AGREE = "AGREE"
    BEGIN_PERFORMANCE = "BEGIN_PERFORMANCE"
    RECORD_PERFORMANCE = "RECORD_PERFORMANCE"
    COMPLETE_PERFORMANCE = "COMPLETE_PERFORMANCE"
    MISS = "MISS"
    URGE = "URGE"
    REMEDIATE = "REMEDIATE"
    ADVISE_SUIT = "ADVISE_SUIT"
    JUDICIAL_APPLY = "JUDICIAL_APPLY"
    JUDICIAL_RESULT = "JUDICIAL_RESULT"
    PUT_IN_WRITING = "PUT_IN_WRITING"
    SCHEDULE_FOLLOW_UP = "SCHEDULE_FOLLOW_UP"
    NOTE = "NOTE"
    EDIT = "EDIT"
    ARCHIVE = "ARCHIVE"

    @property
    def label(self) -> str:
        return t(f"action.{self.name}")


OPEN_MEDIATION = (S.ACCEPTED, S.MEDIATING)
AFTER_AGREEMENT = (S.AGREED, S.PERFORMING, S.PERFORMED, S.UNPERFORMED, S.URGED)
ARCHIVABLE = (S.REFUSED, S.TERMINATED, S.TRANSFERRED, S.WITHDRAWN, S.PERFORMED, S.SUIT_ADVISED)
NOT_ARCHIVED = tuple(s for s in CaseState if s is not S.ARCHIVED)

#: action -> {from state: to state}. An action whose target equals its source records
#: something without moving the case (告知 in 调解中, a note, a follow-up).
TRANSITIONS: dict[Action, dict[CaseState, CaseState]] = {
    Action.ACCEPT: {S.REGISTERED: S.ACCEPTED},
    Action.REFUSE: {S.REGISTERED: S.REFUSED},
    Action.NOTICE: {S.ACCEPTED: S.MEDIATING, S.MEDIATING: S.MEDIATING},
    Action.SESSION: {S.ACCEPTED: S.MEDIATING, S.MEDIATING: S.MEDIATING},
    Action.EXTEND: {S.ACCEPTED: S.ACCEPTED, S.MEDIATING: S.MEDIATING},
    Action.TERMINATE: {S.ACCEPTED: S.TERMINATED, S.MEDIATING: S.TERMINATED},
    Action.TRANSFER: {S.REGISTERED: S.TRANSFERRED, S.ACCEPTED: S.TRANSFERRED,
                      S.MEDIATING: S.TRANSFERRED},
    Action.WITHDRAW: {S.REGISTERED: S.WITHDRAWN, S.ACCEPTED: S.WITHDRAWN,
                      S.MEDIATING: S.WITHDRAWN},
    Action.AGREE: {S.ACCEPTED: S.AGREED, S.MEDIATING: S.AGREED},
    Action.BEGIN_PERFORMANCE: {S.AGREED: S.PERFORMING},
    Action.RECORD_PERFORMANCE: {s: s for s in (S.AGREED, S.PERFORMING, S.UNPERFORMED, S.URGED)},
    Action.COMPLETE_PERFORMANCE: {S.AGREED: S.PERFORMED, S.PERFORMING: S.PERFORMED,
                                  S.UNPERFORMED: S.PERFORMED, S.URGED: S.PERFORMED},
    Action.MISS: {S.PERFORMING: S.UNPERFORMED},
    Action.URGE: {S.UNPERFORMED: S.URGED},
    # 重新调解: after non-performance, and (with a coded reason, see the services) after a
    # 司法确认 驳回 or for 内容不当 / 特殊困难 while the agreement stands
    Action.REMEDIATE: {S.UNPERFORMED: S.MEDIATING, S.URGED: S.MEDIATING,
                       S.AGREED: S.MEDIATING, S.PERFORMING: S.MEDIATING},
    # 告知起诉: after non-performance, and after a 司法确认 驳回 (offered_actions)
    Action.ADVISE_SUIT: {S.UNPERFORMED: S.SUIT_ADVISED, S.URGED: S.SUIT_ADVISED,
                         S.AGREED: S.SUIT_ADVISED, S.PERFORMING: S.SUIT_ADVISED},
    Action.JUDICIAL_APPLY: {s: s for s in AFTER_AGREEMENT},
    Action.JUDICIAL_RESULT: {s: s for s in AFTER_AGREEMENT + (S.ARCHIVED,)},
    # 补签书面协议: an oral agreement put in writing afterwards (the services allow it only
    # while the agreement in force is oral), in any later state until the file is archived
    Action.PUT_IN_WRITING: {s: s for s in AFTER_AGREEMENT + (S.SUIT_ADVISED,)},
    Action.SCHEDULE_FOLLOW_UP: {s: s for s in CaseState if s not in (S.REGISTERED, S.REFUSED)},
    Action.NOTE: {s: s for s in CaseState},
    Action.EDIT: {s: s for s in NOT_ARCHIVED},
    Action.ARCHIVE: {s: S.ARCHIVED for s in ARCHIVABLE},
}

#: what a state change does to the case's outcome (None clears it).
OUTCOME_OF: dict[CaseState, Outcome | None] = {
    S.REFUSED: Outcome.REFUSED,
    S.TERMINATED: Outcome.FAILED,
    S.TRANSFERRED: Outcome.TRANSFERRED,
    S.WITHDRAWN: Outcome.WITHDRAWN,
    S.AGREED: Outcome.AGREEMENT,
}

TERMINAL_STATES = (S.REFUSED, S.TERMINATED, S.TRANSFERRED, S.WITHDRAWN, S.ARCHIVED,
                   S.SUIT_ADVISED, S.PERFORMED)


def legal_actions(state: CaseState) -> list[Action]:
    """Actions allowed in ``state``, in the order a screen should offer them."""
    return [a for a, table in TRANSITIONS.items() if state in table]


def next_state(state: CaseState, action: Action) -> CaseState:
    """Where ``action`` leads from ``state``; raises DomainError (shown to the user) if illegal."""
    table = TRANSITIONS[action]
    if state not in table:
        raise DomainError(t("rules.illegal", action=action.label, state=state.label))
    return table[state]


def check(state: CaseState, action: Action) -> None:
    next_state(state, action)


@dataclass(frozen=True)
class Transition:
    """What one lifecycle action does to a case: :func:`apply`'s answer.

    Every writer of cases (``Services``, the ledger import and the demo through
    ``core.bulk``) takes the state, outcome and dates from here and writes the timeline's
    state entry with ``summary`` when ``moved``; none of them decides an effect itself.
    """

    action: Action
    before: CaseState
    after: CaseState
    on: date
    #: the state entry's summary on the timeline (the caller's, else the action's label)
    summary: str
    #: whether the outcome column changes (to ``outcome``, None clearing it)
    sets_outcome: bool = False
    outcome: Outcome | None = None
    #: case date columns set to a date, or cleared (None)
    dates: dict[str, date | None] = field(default_factory=dict)

    @property
    def moved(self) -> bool:
        """False for an action that records something without changing the state (a
        session in 调解中, a note): then nothing of the case changes."""
        return self.after is not self.before

    def columns(self) -> dict[str, Any]:
        """The case columns to write, as stored (enums by member name)."""
        if not self.moved:
            return {}
        out: dict[str, Any] = {"state": self.after.name}
        if self.sets_outcome:
            out["outcome"] = self.outcome.name if self.outcome else None
        out.update(self.dates)
        return out


def apply(state: CaseState, action: Action, on: date, summary: str = "", *,
          dispute_type: DisputeType | str | None = None,
          referral: str | None = None) -> Transition:
    """``action`` taken on ``on`` in ``state``: the new state, outcome and dates.

    The one place a lifecycle step's effects are written down (pure; raises DomainError if
    the action is illegal in ``state``). To make an action do more to a case, change it here.
    """
    after = next_state(state, action)
    if after is state:
        return Transition(action, state, after, on, summary)
    dates: dict[str, date | None] = {}
    sets_outcome = False
    outcome: Outcome | None = None
    if after in OUTCOME_OF:  # a result: 调解成功/不成功, 不予受理, 移交, 撤回
        sets_outcome, outcome = True, OUTCOME_OF[after]
        dates["concluded_on"] = on
    if action is Action.ACCEPT:  # the one month runs from acceptance
        dates["accepted_on"] = on
        dates["deadline_on"] = mediation_deadline(on, dispute_type, referral)
    elif action is Action.REMEDIATE:  # ... and again from 重新调解; the first 受理日期 is
        dates["remediated_on"] = on   # kept, and the failed agreement is no longer the result
        dates["deadline_on"] = mediation_deadline(on, dispute_type, referral)
        sets_outcome, outcome = True, None
        dates["concluded_on"] = None
    if after is S.ARCHIVED:
        dates["archived_on"] = on
    return Transition(action, state, after, on, summary or action.label, sets_outcome,
                      outcome, dates)


def add_months(day: date, months: int) -> date:
    """Calendar months, clamped to the month's end (1月31日 + 1 month = 2月28/29日)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class TimeLimit:
    """How long a mediation may run from acceptance before it is late (or the parties may go
    elsewhere): ``days`` calendar days, else ``months`` calendar months; ``route`` is the
    route the parties may take once it has run (shown with the deadline)."""

    key: str
    days: int | None = None
    months: int | None = None
    route: Route | None = None

    def due(self, accepted_on: date) -> date:
        if self.days is not None:
            return accepted_on + timedelta(days=self.days)
        return add_months(accepted_on, self.months or MEDIATION_MONTHS)

    @property
    def label(self) -> str:
        return t(f"limit.{self.key}")


#: the mediation time limits, in one table (issue 25): the rules, the deadlines shown, the
#: list and agenda (``next_due_on``) and the reports (``deadline_on``: 逾期) all come from here.
#: - 劳动争议 (10, with 拖欠农民工工资): 劳动争议调解仲裁法 §14, 15 days from receipt, after
#:   which a party may apply for arbitration;
#: - 诉前委派 (a court's pre-suit referral): 30 days (最高法《关于人民法院特邀调解的规定》§22);
#: - everything else: 人民调解 "一般在一个月内调结".
LIMIT_DEFAULT = TimeLimit("DEFAULT", months=MEDIATION_MONTHS)
LIMIT_LABOUR = TimeLimit("LABOUR", days=15, route=Route.ARBITRATION)
LIMIT_PRE_SUIT = TimeLimit("PRE_SUIT", days=30, route=Route.LITIGATION)
TIME_LIMITS: dict[str, TimeLimit] = {
    DisputeType.LABOUR.name: LIMIT_LABOUR,
    DisputeType.WAGE_ARREARS.name: LIMIT_LABOUR,
}
#: referral regimes with a limit of their own; they win over the dispute type's
REFERRAL_LIMITS: dict[str, TimeLimit] = {
    "PRE_SUIT": LIMIT_PRE_SUIT,
}


def time_limit(dispute_type: DisputeType | str | None = None,
               referral: str | None = None) -> TimeLimit:
    """The limit a case's mediation runs under: its referral regime's, its type's, or the
    one month."""
    if referral and referral in REFERRAL_LIMITS:
        return REFERRAL_LIMITS[referral]
    key = dispute_type.name if isinstance(dispute_type, DisputeType) else dispute_type
    return TIME_LIMITS.get(key or "", LIMIT_DEFAULT)


def mediation_deadline(accepted_on: date, dispute_type: DisputeType | str | None = None,
                       referral: str | None = None) -> date:
    """一般在一个月内调结: one calendar month from acceptance; 15 days for a labour dispute,
    30 for a court's pre-suit referral (:data:`TIME_LIMITS`)."""
    return time_limit(dispute_type, referral).due(accepted_on)


def judicial_deadline(effective_on: date) -> date:
    return effective_on + timedelta(days=JUDICIAL_WINDOW_DAYS)


# --- deadlines ---------------------------------------------------------------------------


class DeadlineKind(str, enum.Enum):
    MEDIATION = "MEDIATION"
    JUDICIAL = "JUDICIAL"
    PERFORMANCE = "PERFORMANCE"
    FOLLOW_UP = "FOLLOW_UP"
    HARD_CASE = "HARD_CASE"
    PETITION_NOTICE = "PETITION_NOTICE"
    PETITION_COMPLETE = "PETITION_COMPLETE"
    PETITION_OBJECTION = "PETITION_OBJECTION"
    PETITION_REVIEW = "PETITION_REVIEW"
    PETITION_REREVIEW = "PETITION_REREVIEW"

    @property
    def label(self) -> str:
        return t(f"deadline.{self.name}")


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due: date
    days_left: int
    #: optional deadlines (the 司法确认 window) are shown but never the case's "nearest"
    optional: bool = False
    ref: str | None = None

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    def badge(self) -> str:
        """余N天 / 今天到期 / 逾期N天 (the list column and agenda)."""
        if self.days_left > 0:
            return t("deadline.left", days=self.days_left)
        if self.days_left == 0:
            return t("deadline.today")
        return t("deadline.overdue", days=-self.days_left)


@dataclass(frozen=True)
class ObligationFacts:
    id: str
    due_on: date
    performed_on: date | None = None
    amount_fen: int = 0


@dataclass(frozen=True)
class FollowUpFacts:
    id: str
    due_on: date
    done_on: date | None = None


@dataclass(frozen=True)
class CaseFacts:
    """What the rules need to know about a case; built from the rows by the services."""

    state: CaseState
    registered_on: date
    source: CaseSource = CaseSource.APPLICATION
    accepted_on: date | None = None
    deadline_on: date | None = None
    extension_count: int = 0
    notice_on: date | None = None
    session_count: int = 0
    agreement_form: AgreementForm | None = None
    agreement_effective_on: date | None = None
    agreement_amount_fen: int = 0
    judicial_status: JudicialResult | None = None
    obligations: Sequence[ObligationFacts] = field(default_factory=tuple)
    follow_ups: Sequence[FollowUpFacts] = field(default_factory=tuple)
    is_hard: bool = False
    resolve_by: date | None = None
    petition_received_on: date | None = None
    petition_extended: bool = False
    dispute_type: str | None = None
    #: the referral regime (ReferralKind name): 诉前委派 runs 30 days (REFERRAL_LIMITS)
    referral: str | None = None
    #: the case's petition record (core.petition): its clocks replace the two above
    petition: PetitionFacts | None = None


def deadlines(facts: CaseFacts, today: date) -> list[Deadline]:
    """Every open deadline of the case, soonest first."""
    out: list[Deadline] = []

    def add(kind: DeadlineKind, due: date, optional: bool = False, ref: str | None = None) -> None:
        out.append(Deadline(kind, due, (due - today).days, optional, ref))

    state = facts.state
    if state in OPEN_MEDIATION and facts.accepted_on:
        add(DeadlineKind.MEDIATION,
            facts.deadline_on or mediation_deadline(facts.accepted_on, facts.dispute_type,
                                                    facts.referral))
    if (judicial_possible(facts) and state in AFTER_AGREEMENT
            and facts.judicial_status is None
            and today <= judicial_deadline(facts.agreement_effective_on)):
        add(DeadlineKind.JUDICIAL, judicial_deadline(facts.agreement_effective_on), optional=True)
    if state in (S.AGREED, S.PERFORMING, S.UNPERFORMED, S.URGED):
        for ob in facts.obligations:
            if ob.performed_on is None:
                add(DeadlineKind.PERFORMANCE, ob.due_on, ref=ob.id)
    for fu in facts.follow_ups:
        if fu.done_on is None:
            add(DeadlineKind.FOLLOW_UP, fu.due_on, ref=fu.id)
    if facts.is_hard and facts.resolve_by and state not in TERMINAL_STATES:
        add(DeadlineKind.HARD_CASE, facts.resolve_by)
    if facts.petition is not None:  # its own clocks, whatever the mediation does
        for kind, due, optional in petition_clocks(facts.petition):
            add(DeadlineKind[kind], due, optional)
    elif facts.source is CaseSource.PETITION and facts.petition_received_on:
        if state is S.REGISTERED:
            add(DeadlineKind.PETITION_NOTICE,
                facts.petition_received_on + timedelta(days=PETITION_NOTICE_DAYS))
        elif state in OPEN_MEDIATION and facts.accepted_on:
            days = PETITION_COMPLETE_DAYS + (PETITION_EXTENSION_DAYS if facts.petition_extended else 0)
            add(DeadlineKind.PETITION_COMPLETE, facts.accepted_on + timedelta(days=days))
    out.sort(key=lambda d: (d.due, d.optional, d.kind.value))
    return out


def judicial_possible(facts: CaseFacts) -> bool:
    """司法确认 confirms a written agreement (调解协议书, 人民调解法 §33): an oral one - most
    often performed on the spot - has nothing to confirm, so no window, no offer."""
    return (facts.agreement_effective_on is not None
            and facts.agreement_form is AgreementForm.WRITTEN)


def offered_actions(facts: CaseFacts) -> list[Action]:
    """``legal_actions`` of the case's state less what its facts rule out: 申请司法确认 for
    an agreement that is not written (or already applied for), 权利义务告知 once given."""
    out = legal_actions(facts.state)
    if not judicial_possible(facts) or facts.judicial_status is not None:
        out = [a for a in out if a is not Action.JUDICIAL_APPLY]
    if facts.notice_on is not None:
        out = [a for a in out if a is not Action.NOTICE]
    if facts.state in (S.AGREED, S.PERFORMING) and facts.judicial_status is not JudicialResult.REJECTED:
        # 告知起诉 while the agreement stands only after the court refused to confirm it
        out = [a for a in out if a is not Action.ADVISE_SUIT]
    return out


def nearest_deadline(items: Iterable[Deadline]) -> Deadline | None:
    """The case's nearest binding deadline (optional ones only if nothing else is open)."""
    items = list(items)
    binding = [d for d in items if not d.optional]
    pool = binding or items
    return min(pool, key=lambda d: d.due) if pool else None


# --- warnings ----------------------------------------------------------------------------


class WarningCode(str, enum.Enum):
    ORAL_NEEDS_WRITTEN = "ORAL_NEEDS_WRITTEN"
    PAST_ONE_MONTH = "PAST_ONE_MONTH"
    PAST_EXTENSION = "PAST_EXTENSION"
    NO_NOTICE = "NO_NOTICE"
    JUDICIAL_WINDOW_CLOSING = "JUDICIAL_WINDOW_CLOSING"
    PERFORMANCE_OVERDUE = "PERFORMANCE_OVERDUE"
    PETITION_NOTICE_DUE = "PETITION_NOTICE_DUE"
    PAST_LIMIT = "PAST_LIMIT"
    PETITION = "PETITION"


@dataclass(frozen=True)
class RuleWarning:
    code: WarningCode
    message: str


def oral_needs_written(form: AgreementForm | None, amount_fen: int, obligation_count: int) -> bool:
    """人民调解法 §28: an agreement carrying money or obligations must be written."""
    return form is AgreementForm.ORAL and (amount_fen > 0 or obligation_count > 0)


def record_gaps(notice_on: date | None, session_count: int) -> list[str]:
    """What a 卷宗评查 expects on file before an agreement or a termination and is missing:
    the 权利义务告知 and a 调解记录 (the names, in the reader's language)."""
    gaps = []
    if notice_on is None:
        gaps.append(t("rules.gap.notice"))
    if session_count == 0:
        gaps.append(t("rules.gap.session"))
    return gaps


def concluding_warning(action: Action, notice_on: date | None, session_count: int) -> list[str]:
    """The warning given when 达成协议 or 调解终止 is recorded without 告知 or a session
    record (issue 25 point 4); empty when both are on file."""
    gaps = record_gaps(notice_on, session_count)
    if not gaps:
        return []
    return [t("rules.warn.concluded_without", action=action.label,
              items=t("svc.field.separator").join(gaps))]


def warnings(facts: CaseFacts, today: date) -> list[RuleWarning]:
    out: list[RuleWarning] = []
    if oral_needs_written(facts.agreement_form, facts.agreement_amount_fen,
                          len(facts.obligations)) and facts.state is not S.ARCHIVED:
        out.append(RuleWarning(WarningCode.ORAL_NEEDS_WRITTEN, t("rules.warn.oral_needs_written")))
    if facts.state in OPEN_MEDIATION and facts.accepted_on:
        due = facts.deadline_on or mediation_deadline(facts.accepted_on, facts.dispute_type,
                                                      facts.referral)
        if today > due:
            limit = time_limit(facts.dispute_type, facts.referral)
            if facts.extension_count == 0 and limit is not LIMIT_DEFAULT:
                # 劳动争议: 15 days, then the parties may go to arbitration
                out.append(RuleWarning(WarningCode.PAST_LIMIT,
                                       t("rules.warn.past_limit", limit=limit.label,
                                         days=(today - due).days)))
            elif facts.extension_count == 0:
                out.append(RuleWarning(WarningCode.PAST_ONE_MONTH,
                                       t("rules.warn.past_one_month", days=(today - due).days)))
            else:
                out.append(RuleWarning(WarningCode.PAST_EXTENSION,
                                       t("rules.warn.past_extension", days=(today - due).days)))
    if facts.state is S.MEDIATING and facts.notice_on is None and facts.session_count > 0:
        out.append(RuleWarning(WarningCode.NO_NOTICE, t("rules.warn.no_notice")))
    if (judicial_possible(facts) and facts.judicial_status is None
            and facts.state in AFTER_AGREEMENT):
        left = (judicial_deadline(facts.agreement_effective_on) - today).days
        if 0 <= left <= 5:
            out.append(RuleWarning(WarningCode.JUDICIAL_WINDOW_CLOSING,
                                   t("rules.warn.judicial_closing", days=left)))
    if facts.state in (S.PERFORMING, S.AGREED):
        late = [o for o in facts.obligations if o.performed_on is None and o.due_on < today]
        if late:
            out.append(RuleWarning(WarningCode.PERFORMANCE_OVERDUE,
                                   t("rules.warn.performance_overdue", count=len(late))))
    if facts.petition is not None:
        out += [RuleWarning(WarningCode.PETITION, m) for m in petition_warnings(facts.petition, today)]
    elif (facts.source is CaseSource.PETITION and facts.state is S.REGISTERED
            and facts.petition_received_on
            and (today - facts.petition_received_on).days > PETITION_NOTICE_DAYS):
        out.append(RuleWarning(WarningCode.PETITION_NOTICE_DUE, t("rules.warn.petition_notice")))
    return out


def judicial_apply_allowed(effective_on: date, applied_on: date) -> None:
    """Both parties must apply within 30 days of the agreement taking effect."""
    if applied_on < effective_on:
        raise DomainError(t("rules.judicial_before_effect"))
    if applied_on > judicial_deadline(effective_on):
        raise DomainError(t("rules.judicial_window_passed",
                            deadline=judicial_deadline(effective_on).isoformat()))
