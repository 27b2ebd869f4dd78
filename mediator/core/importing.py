"""Cases brought in from an existing ledger (台账): what one row says, and the legal path
through the lifecycle that reaches the state the row records.

``mediator.ledger`` reads the files and turns rows into :class:`ImportedCase`;
``Services.import_ledger_rows`` has ``core.bulk`` insert them with the same checks as a case
typed in (``core.checks``) and replay the steps planned here through ``rules.apply``, so an
imported case is always one the rules could have produced: its outcome, concluded and
archived dates are set by the same code that sets them for live cases.

Pure functions only (no database), so the inference is tested cheaply and exhaustively.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from mediator.core.enums import AgreementForm, CaseState
from mediator.core.enums import Outcome as CaseOutcome
from mediator.core.inputs import CaseInput
from mediator.core.rules import Action
from mediator.i18n import t


class Performance(str, enum.Enum):
    """履行情况 as a ledger records it."""

    PERFORMED = "PERFORMED"
    PERFORMING = "PERFORMING"
    UNPERFORMED = "UNPERFORMED"


@dataclass
class ImportedCase:
    """One ledger row as understood: the case to register plus what happened to it."""

    row_no: int
    case: CaseInput  # parties, type, facts, dates... validated by the services
    outcome: CaseOutcome | None = None
    mediated_on: date | None = None
    closed_on: date | None = None
    agreement_form: AgreementForm | None = None
    agreement_terms: str = ""
    agreement_amount_fen: int = 0
    performance: Performance | None = None
    follow_up_on: date | None = None
    follow_up_by: str | None = None
    follow_up_note: str = ""
    mediator_names: list[str] = field(default_factory=list)
    village_name: str | None = None
    #: the ledger's own text that has no column of its own in the database (备注, 年龄,
    #: unrecognised columns...), kept in the import entry of the timeline
    note: str = ""
    #: doubts found while reading the row; stored in Case.import_flags and reported
    flags: list[str] = field(default_factory=list)
    #: what the row is known by on a later import (``ledger_rows.identity_of``); None: no
    #: identity, the ``case.import_key`` alone decides
    identity: str | None = None
    #: the ledger says the case is being mediated (调解中) though it gives no 调解日期
    mediating: bool = False
    #: the ledger's own case number, the sheet it is on, and a digest of each field it holds
    ledger_no: str | None = None
    sheet: str | None = None
    fields: dict[str, str] = field(default_factory=dict)
    #: each field's cell as text, as the ledger gives it (what a changed row now says)
    texts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """One lifecycle action to replay, on the date the ledger gives for it."""

    action: Action
    on: date


@dataclass
class Plan:
    """The steps to replay, doubts about the dates, and the dates as corrected."""

    steps: list[Step]
    flags: list[str]
    follow_up_on: date | None = None

    def on(self, action: Action) -> date | None:
        return next((st.on for st in self.steps if st.action is action), None)


@dataclass(frozen=True)
class RowResult:
    """What became of one row: imported (case_id set), already there, or rejected."""

    row_no: int
    status: str  # "imported" | "existing" | "changed" | "rejected"
    case_id: str | None = None
    case_no: str | None = None
    state: CaseState | None = None
    reason: str | None = None
    flags: tuple[str, ...] = ()
    #: "changed": the fields whose value differs from the row the case was imported from
    changed: tuple[str, ...] = ()
    #: "changed" under ``--update``: the change was applied to the case (else ``reason``
    #: says why the rules did not allow it)
    applied: bool = False


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    new_mediators: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: the ledger_import id of this run (None when it added nothing)
    import_id: str | None = None

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def updated(self) -> int:
        """Changed rows applied to their cases (``--update``)."""
        return sum(1 for r in self.rows if r.status == "changed" and r.applied)


def plan_lifecycle(row: ImportedCase, today: date) -> Plan:
    """The actions (after 登记) that take a new case to the state the row records.

    Returns the steps and any doubts found about the dates. Each date is clamped so the
    timeline never runs backwards (a typed 调解日期 before the 受理日期 becomes the 受理日期,
    and is flagged); a date after today is ignored and flagged.
    """
    flags: list[str] = []
    registered = row.case.registered_on or today
    last = registered

    def when(value: date | None, label_key: str) -> date | None:
        nonlocal last
        if value is None:
            return None
        if value > today:
            flags.append(t("import.flag.future_date", field=t(label_key),
                           date=value.isoformat()))
            return None
        if value < last:
            flags.append(t("import.flag.date_too_early", field=t(label_key),
                           date=value.isoformat(), floor=last.isoformat()))
            value = last
        last = value
        return value

    steps: list[Step] = []
    outcome = row.outcome
    closed_raw = row.closed_on
    if closed_raw is not None and closed_raw > today:
        flags.append(t("import.flag.future_date", field=t("import.field.closed_on"),
                       date=closed_raw.isoformat()))
        closed_raw = None
    if outcome is None and closed_raw is not None:
        outcome = CaseOutcome.AGREEMENT
        flags.append(t("import.flag.closed_without_result"))

    if outcome is CaseOutcome.REFUSED:
        steps.append(Step(Action.REFUSE, registered))
        closed = when(closed_raw, "import.field.closed_on")
        if closed:
            steps.append(Step(Action.ARCHIVE, closed))
        return Plan(steps, flags)

    steps.append(Step(Action.ACCEPT, registered))
    mediated = when(row.mediated_on, "import.field.mediated_on")
    if outcome is None:
        if mediated or row.mediating:
            steps.append(Step(Action.SESSION, mediated or registered))
        return Plan(steps, flags, when(row.follow_up_on, "import.field.follow_up_on"))

    # the result is dated by the 调解日期; a ledger without one dates it by its 结案日期
    # (调结), as the monthly figures count it; with neither, by the 受理日期
    concluded = mediated or (when(closed_raw, "import.field.closed_on")
                             if closed_raw is not None and closed_raw >= registered
                             else None) or registered
    if outcome is CaseOutcome.AGREEMENT:
        steps.append(Step(Action.AGREE, concluded))
        follow_up = when(row.follow_up_on, "import.field.follow_up_on")
        closed = when(closed_raw, "import.field.closed_on")
        performance = row.performance
        if performance is None and closed:
            performance = Performance.PERFORMED  # 结案 after an agreement: it was performed
        performed_on = follow_up or closed or concluded
        if performance is Performance.PERFORMED:
            steps.append(Step(Action.COMPLETE_PERFORMANCE, performed_on))
        elif performance is Performance.PERFORMING:
            steps.append(Step(Action.BEGIN_PERFORMANCE, concluded))
        elif performance is Performance.UNPERFORMED:
            steps.append(Step(Action.BEGIN_PERFORMANCE, concluded))
            steps.append(Step(Action.MISS, performed_on))
            if closed:
                steps.append(Step(Action.ADVISE_SUIT, closed))
                flags.append(t("import.flag.closed_unperformed"))
        if closed and performance is not Performance.PERFORMING:
            steps.append(Step(Action.ARCHIVE, closed))
        elif closed:
            flags.append(t("import.flag.closed_while_performing"))
        return Plan(steps, flags, follow_up)

    action = {CaseOutcome.FAILED: Action.TERMINATE, CaseOutcome.WITHDRAWN: Action.WITHDRAW,
              CaseOutcome.TRANSFERRED: Action.TRANSFER}[outcome]
    steps.append(Step(action, concluded))
    follow_up = when(row.follow_up_on, "import.field.follow_up_on")
    closed = when(closed_raw, "import.field.closed_on")
    if closed:
        steps.append(Step(Action.ARCHIVE, closed))
    return Plan(steps, flags, follow_up)


class VillageMatcher:
    """A ledger's 村(居) text to a village code: the exact name, else the one village whose
    name the text starts with or that starts with the text (青石村委会 → 青石村, 青石 → 青石村)."""

    SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村", "居")

    def __init__(self, villages: Sequence[tuple[str, str]]):
        self.by_name = {name: code for name, code in villages}
        self.cache: dict[str, str | None] = {}

    @classmethod
    def _stem(cls, name: str) -> str:
        for suffix in cls.SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix):
                return name[: -len(suffix)]
        return name

    def match(self, text: str) -> str | None:
        if text in self.cache:
            return self.cache[text]
        code = self.by_name.get(text)
        if code is None:
            stem = self._stem(text)
            hits = {c for n, c in self.by_name.items() if self._stem(n) == stem}
            code = hits.pop() if len(hits) == 1 else None
        self.cache[text] = code
        return code
