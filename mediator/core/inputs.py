"""What the use cases take and give back: the inputs a screen or the CLI fills in, and the
results ``Services`` returns. Plain dataclasses with no behaviour, so every layer above the
services (CLI, TUI, ledger reader, demo) can build and read them without touching a session.

Every use case that changes a case returns one :class:`CaseResult` (the case's id and number,
and any warnings to show); reads return their own views (:class:`CaseFile`,
:class:`RepeatHit`, :class:`Health`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from mediator.core import rules
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    Gender,
    PartyKind,
    PartyRole,
    PetitionChannel,
    ReferralKind,
    RiskGrade,
)
from mediator.core.rules import Action

if TYPE_CHECKING:  # annotations only: the ledger import uses the inputs without the models
    from mediator.core import audit
    from mediator.core.models import (
        Agreement,
        Case,
        CaseEvent,
        FollowUp,
        Obligation,
        Party,
        Petition,
    )

# --- inputs ------------------------------------------------------------------------------


@dataclass
class PartyInput:
    name: str
    role: PartyRole = PartyRole.APPLICANT
    kind: PartyKind = PartyKind.PERSON
    id_number: str | None = None
    phone: str | None = None
    gender: Gender | None = None
    birth_date: date | None = None
    ethnicity: str | None = None
    address: str | None = None
    org_code: str | None = None
    representative: str | None = None


@dataclass
class CaseInput:
    parties: Sequence[PartyInput]
    dispute_type: DisputeType
    source: CaseSource = CaseSource.APPLICATION
    registered_on: date | None = None
    facts: str = ""
    requests: str = ""
    village_code: str | None = None
    mediator_id: str | None = None
    persons_involved: int | None = None
    amount_fen: int = 0
    group_dispute: bool | None = None
    risk_grade: RiskGrade = RiskGrade.GENERAL
    is_hard: bool = False
    lead_official: str | None = None
    responsible_person: str | None = None
    resolve_by: date | None = None
    stabilising_measures: str | None = None
    petition_channel: PetitionChannel | None = None
    petition_received_on: date | None = None
    type_note: str | None = None
    import_key: str | None = None
    import_flags: str | None = None
    #: the referral regime and its record (issue 25 point 3); a kind sets the source
    referral_kind: ReferralKind | None = None
    referral_body: str | None = None
    referral_no: str | None = None
    referral_on: date | None = None


@dataclass
class ObligationInput:
    due_on: date
    amount_fen: int = 0
    description: str = ""
    obligor: str | None = None


@dataclass
class AgreementInput:
    form: AgreementForm
    effective_on: date
    terms: str
    amount_fen: int = 0
    responsibilities: str = ""
    perform_place: str | None = None
    perform_method: str | None = None
    perform_by: date | None = None
    obligations: Sequence[ObligationInput] = ()
    #: performed on the spot (common for oral agreements): the case goes straight to 履行完毕
    performed_now: bool = False


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CaseResult:
    """What every use case that changes a case returns: which case (id and 案号) and any
    warnings to show. Not the case's ``Outcome`` (调解结果, an enum): the result of a call."""

    case_id: str
    case_no: str
    warnings: tuple[str, ...] = field(default_factory=tuple)


# --- read views --------------------------------------------------------------------------


@dataclass(frozen=True)
class RepeatHit:
    case_id: str
    case_no: str
    state: CaseState
    registered_on: date
    party_name: str
    reason: str  # "id", "id_other_name" (same ID, another name) or "name_phone"


@dataclass
class CaseFile:
    """Everything a case file screen or document needs, loaded in one read transaction."""

    case: Case
    parties: list[Party]
    events: list[CaseEvent]
    follow_ups: list[FollowUp]
    agreement: Agreement | None
    obligations: list[Obligation]
    village_name: str | None
    mediator_name: str | None
    deadlines: list[rules.Deadline]
    warnings: list[rules.RuleWarning]
    legal_actions: list[Action]
    read_only: bool = False
    #: the number the case had in the ledger (台账) it was imported from
    ledger_no: str | None = None
    #: its petition record (信访件), when it came in as one
    petition: Petition | None = None
    #: the county's live 督办/交办 items on this case (mediator.core.supervision.Item)
    supervision: list[Any] = field(default_factory=list)


@dataclass(frozen=True)
class Health:
    """``Services.health``: counts per table, overdue cases, the audit chain's verdict."""

    counts: dict[str, int]
    overdue: int
    audit: audit.VerifyResult
