"""SQLModel tables.

Every synced row carries: a UUID primary key (32 hex chars), the owning office's division
code, a revision that grows by one on every change, created/updated instants in UTC, and a
tombstone flag instead of deletion. These make the upward merge possible: the owner is the
only writer, and the higher revision wins (../shared/design/sync.md).

Calendar dates (acceptance, deadlines, follow-ups) are ``date``; instants are aware UTC
``datetime``. Enum columns hold the member NAME (stable ASCII).
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlmodel import Field, SQLModel


def new_id() -> str:
    return uuid.uuid4().hex


def utcnow() -> datetime:
    return datetime.now(UTC)


def local_time(moment: datetime | str, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored moment as the clerk's wall clock shows it. Moments are stored in UTC and read
    back naive (SQLite keeps no zone), so a naive value is UTC, not local time: shown as it is,
    an import at 14:00 in Beijing read 06:00."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime(fmt)


class SyncedRow(SQLModel):
    """Columns shared by every row that travels upward."""

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    owner_code: str = Field(index=False, max_length=12)
    revision: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    deleted: bool = Field(default=False)
    origin: str | None = Field(default=None, description="sync package that brought the row")


class Office(SyncedRow, table=True):
    __tablename__ = "office"

    code: str = Field(max_length=12)
    name: str
    short_name: str
    parent_code: str | None = Field(default=None, max_length=12)


class Mediator(SyncedRow, table=True):
    __tablename__ = "mediator"

    name: str
    phone: str | None = None
    title: str | None = None
    active: bool = True


class Village(SyncedRow, table=True):
    __tablename__ = "village"

    code: str = Field(max_length=12)
    name: str


class Case(SyncedRow, table=True):
    __tablename__ = "dispute_case"

    year: int
    seq: int
    case_no: str
    state: str = Field(default="REGISTERED", max_length=16)
    outcome: str | None = Field(default=None, max_length=16)
    dispute_type: str = Field(max_length=24)
    type_note: str | None = Field(default=None, description="original label when the type was guessed")
    source: str = Field(max_length=24)
    registered_on: date
    accepted_on: date | None = None
    notice_on: date | None = None
    deadline_on: date | None = Field(default=None, description="mediation target incl. extensions")
    extension_count: int = 0
    concluded_on: date | None = None
    archived_on: date | None = None
    next_due_on: date | None = Field(default=None, description="nearest open deadline (denormalised for the list)")
    next_due_kind: str | None = Field(default=None, max_length=24)
    village_code: str | None = Field(default=None, max_length=12)
    mediator_id: str | None = Field(default=None, max_length=32)
    facts: str = ""
    requests: str = ""
    persons_involved: int = 0
    amount_fen: int = 0
    group_dispute: bool = False
    risk_grade: str = Field(default="GENERAL", max_length=16)
    is_hard: bool = False
    lead_official: str | None = None
    responsible_person: str | None = None
    resolve_by: date | None = None
    stabilising_measures: str | None = None
    prevented_criminal: bool = False
    prevented_petition: bool = False
    petition_channel: str | None = Field(default=None, max_length=16)
    petition_received_on: date | None = None
    petition_extended: bool = False
    refusal_reason: str | None = None
    routes_told: str | None = Field(default=None, description="comma-separated Route names")
    transfer_to: str | None = None
    linked_case_id: str | None = Field(default=None, max_length=32)
    linked_case_no: str | None = None
    withdraw_reason: str | None = None
    import_key: str | None = Field(default=None, description="ledger number or dedup key")
    import_flags: str | None = Field(default=None, description="doubts found when imported")
    parties_text: str = Field(default="", description="party names joined, for the list")
    #: 重新调解: its date (the one month runs from it; accepted_on stays the first 受理日期)
    #: and its coded reason (RemediateReason)
    remediated_on: date | None = None
    remediate_reason: str | None = Field(default=None, max_length=24)
    #: 调解终止's coded reason (TerminateReason); the words stay on the timeline
    terminate_reason: str | None = Field(default=None, max_length=24)
    #: the referral regime (ReferralKind) and its record: the referring body, its number
    #: (法院案号, 警情编号, 信访件号, 工单号), the referral date, and the result fed back
    #: (委托调解结果告知函): its date and words (issue 25 point 3)
    referral_kind: str | None = Field(default=None, max_length=24)
    referral_body: str | None = None
    referral_no: str | None = None
    referral_on: date | None = None
    referral_feedback_on: date | None = None
    referral_result: str | None = None


class Party(SyncedRow, table=True):
    __tablename__ = "party"

    case_id: str = Field(foreign_key="dispute_case.id", max_length=32)
    position: int = 0
    role: str = Field(default="APPLICANT", max_length=16)
    kind: str = Field(default="PERSON", max_length=16)
    name: str
    id_number: str | None = None
    gender: str | None = Field(default=None, max_length=8)
    birth_date: date | None = None
    ethnicity: str | None = None
    phone: str | None = None
    address: str | None = None
    org_code: str | None = None
    representative: str | None = None
    #: the party's answer to mediation before 受理 (ConsentForm) and its date
    consent_form: str | None = Field(default=None, max_length=16)
    consent_on: date | None = None


class CaseEvent(SyncedRow, table=True):
    """One entry of the case timeline (状态变更, 告知, 调解记录, 备注, 延期, …)."""

    __tablename__ = "case_event"

    case_id: str = Field(foreign_key="dispute_case.id", max_length=32)
    kind: str = Field(max_length=16)
    occurred_on: date
    summary: str = ""
    body: str = ""
    place: str | None = None
    participants: str | None = None
    state_from: str | None = Field(default=None, max_length=16)
    state_to: str | None = Field(default=None, max_length=16)
    operator: str | None = None


class FollowUp(SyncedRow, table=True):
    __tablename__ = "follow_up"

    case_id: str = Field(foreign_key="dispute_case.id", max_length=32)
    obligation_id: str | None = Field(default=None, max_length=32)
    kind: str = Field(default="ROUTINE", max_length=16)
    method: str | None = Field(default=None, max_length=16)
    due_on: date
    done_on: date | None = None
    result: str | None = Field(default=None, max_length=16)
    note: str = ""
    operator: str | None = None
    #: the structured 回访 record (issue 24): 履行情况, 满意度, 新苗头/隐患, 措施
    performance: str = ""
    satisfaction: str | None = Field(default=None, max_length=16)
    new_signs: str = ""
    measures: str = ""


class Agreement(SyncedRow, table=True):
    __tablename__ = "agreement"

    case_id: str = Field(foreign_key="dispute_case.id", max_length=32)
    form: str = Field(max_length=8)
    effective_on: date
    terms: str = ""
    responsibilities: str = ""
    amount_fen: int = 0
    perform_place: str | None = None
    perform_method: str | None = None
    perform_by: date | None = None
    judicial_status: str | None = Field(default=None, max_length=16)
    judicial_applied_on: date | None = None
    judicial_decided_on: date | None = None
    judicial_court: str | None = None
    judicial_ref: str | None = None


class Obligation(SyncedRow, table=True):
    """One instalment or duty of an agreement; marked performed with its proof kept."""

    __tablename__ = "obligation"

    agreement_id: str = Field(foreign_key="agreement.id", max_length=32)
    case_id: str = Field(foreign_key="dispute_case.id", max_length=32)
    seq: int = 1
    obligor: str | None = None
    description: str = ""
    due_on: date
    amount_fen: int = 0
    performed_on: date | None = None
    proof: str | None = None
    #: paid so far (part payments, issue 18); equals amount_fen once performed
    paid_fen: int = 0


class CaseFact(SyncedRow, table=True):
    """A dated fact of a case (mediator.core.facts): a mediation spell (accepted, concluded
    with outcome), an extension (the new deadline from the day recorded), a 回访 dropped with
    its agreement. Period figures are counted from these, never from the case's current
    columns, so a past period computed again gives the same numbers."""

    __tablename__ = "case_fact"

    case_id: str = Field(foreign_key="dispute_case.id", max_length=32)
    kind: str = Field(max_length=24)
    spell: int = 0
    accepted_on: date | None = None
    deadline_on: date | None = None
    concluded_on: date | None = None
    outcome: str | None = Field(default=None, max_length=16)
    fact_on: date | None = None
    ref_id: str | None = Field(default=None, max_length=32)
class Petition(SyncedRow, table=True):
    """A 信访 matter handed to the office (信访转交 / 交办), linked to its mediation case, with
    its own clocks under the 信访工作条例 (2022): 15 days to tell the petitioner whether it is
    accepted (or 5 working days to object to the transfer), 60 days from acceptance to
    complete (extendable once by at most 30 days, approved by a 负责人 and told to the
    petitioner), the written reply, 复查 and 复核 (30 days each). Its clocks run until the
    matter is closed (``closed_on``), whatever the mediation does (core/petition.py)."""

    __tablename__ = "petition"

    case_id: str = Field(foreign_key="dispute_case.id", max_length=32)
    petition_no: str | None = None
    from_body: str | None = Field(default=None, description="转送/交办机关")
    assigned: bool = Field(default=False, description="交办 (result fed back) rather than 转送")
    channel: str | None = Field(default=None, max_length=16)
    received_on: date
    first_handler: str | None = Field(default=None, description="首办责任人")
    notice_on: date | None = Field(default=None, description="书面告知 (受理 or 不予受理)")
    not_accepted: bool = False
    objection_on: date | None = Field(default=None, description="异议: returned to the sender")
    objection_reason: str | None = None
    accepted_on: date | None = None
    extension_days: int = 0
    extended_on: date | None = None
    extension_approver: str | None = None
    extension_reason: str | None = None
    extension_told_on: date | None = None
    reply_on: date | None = None
    reply_content: str | None = None
    feedback_on: date | None = None
    feedback_note: str | None = None
    evaluation: str | None = Field(default=None, max_length=16)
    review_requested_on: date | None = None
    review_decided_on: date | None = None
    review_result: str | None = None
    rereview_requested_on: date | None = None
    rereview_decided_on: date | None = None
    rereview_result: str | None = None
    first_visit: bool = Field(default=False, description="初信初访")
    repeat_visit: bool = Field(default=False, description="重复访")
    over_level: str | None = Field(default=None, max_length=16, description="越级访: level visited")
    collective: bool = Field(default=False, description="集体访")
    persons: int = 0
    representatives: int = 0
    closed_on: date | None = None
    close_reason: str | None = Field(default=None, max_length=16)


class AuditEntry(SQLModel, table=True):
    """Hash-chained record of every change; local to this database, never synced."""

    __tablename__ = "audit_log"

    seq: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow)
    operator: str
    action: str
    entity: str
    entity_id: str | None = None
    before: str | None = None
    after: str | None = None
    prev_hash: str
    hash: str
    #: sum of the row digests after the transaction this entry ends (see core/audit.py)
    rows_digest: str | None = None


class AuditRow(SQLModel, table=True):
    """The digest of an own row of a table a user edits, as mediator last wrote it (see
    core/audit.py); local to this database, never synced."""

    __tablename__ = "audit_row"

    table_name: str = Field(primary_key=True)
    row_id: str = Field(primary_key=True)
    digest: str


class Setting(SQLModel, table=True):
    __tablename__ = "setting"

    key: str = Field(primary_key=True)
    value: str


class ReportSent(SQLModel, table=True):
    """A report of figures written out (a file, the TUI's export, standard output): what it
    said and each case's share, so the same report written later can tell what has changed
    since (mediator.reports.sent). Local to this database; never synced."""

    __tablename__ = "report_sent"

    id: int | None = Field(default=None, primary_key=True)
    kind: str
    period_label: str
    offices: str
    digest: str
    figures: str
    cases: str
    sent_at: str
    channel: str
    path: str | None = None
    operator: str | None = None
    correction: int = 0


SYNCED_TABLES: tuple[type[SyncedRow], ...] = (
    Office, Mediator, Village, Case, Party, CaseEvent, FollowUp, Agreement, Obligation,
    CaseFact,
    Petition,
)
#: SYNCED_TABLES and the 排查 tables (issue 24; payload version 2), set at the end of the module


# --- ledger import (mediator.ledger): local to each database, never exported --------------


class LedgerImport(SQLModel, table=True):
    """One run of ``import ledger`` that added cases."""

    __tablename__ = "ledger_import"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    owner_code: str = Field(max_length=12)
    source: str
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str
    cases: int = 0
    #: ``mediator import undo``: when and by whom the cases it added were tombstoned
    undone_at: datetime | None = None
    undone_by: str | None = None


class LedgerRow(SQLModel, table=True):
    """The ledger row an imported case came from: its identity (受理日期|当事人|类型), the
    ledger's own number, the import, where it was and a digest of each field as it read."""

    __tablename__ = "ledger_row"

    case_id: str = Field(primary_key=True, max_length=32)
    owner_code: str = Field(max_length=12)
    identity: str
    ledger_no: str | None = None
    import_id: str | None = Field(default=None, max_length=32)
    sheet: str | None = None
    row_no: int | None = None
    fields: str | None = Field(default=None, description="field -> digest, JSON")


# --- upward sync (mediator.sync): local to each database, never exported ------------------


class TrustedKey(SQLModel, table=True):
    """Another office's public keys, trusted by this database after a fingerprint check.

    Kept in the database rather than in the config folder: trust belongs to the data it lets
    in (a county database trusts its townships, the demo database trusts nobody), it is
    carried by backups and restores with that data, and adding or revoking a key goes into
    the same hash-chained audit trail as every other change.
    """

    __tablename__ = "trusted_key"

    fingerprint: str = Field(primary_key=True, max_length=32)
    office_code: str = Field(max_length=12)
    office_name: str
    sign_key: str = Field(description="Ed25519 public key, base64")
    enc_key: str = Field(description="X25519 public key, base64")
    added_at: datetime = Field(default_factory=utcnow)
    added_by: str
    revoked_at: datetime | None = None


class ImportLog(SQLModel, table=True):
    """One sync package merged into this database (re-importing the same file is a no-op)."""

    __tablename__ = "import_log"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    package_hash: str = Field(max_length=64)
    file_name: str
    sender_code: str = Field(max_length=12)
    sender_name: str
    sender_fingerprint: str = Field(max_length=32)
    package_created_at: str = Field(description="as written by the sender's clock; shown only")
    week: str = ""
    imported_at: datetime = Field(default_factory=utcnow)
    imported_by: str
    format_version: int
    schema_version: int
    new_rows: int = 0
    updated_rows: int = 0
    unchanged_rows: int = 0
    older_rows: int = 0
    conflict_rows: int = 0
    rejected_rows: int = 0
    details: str = Field(default="", description="per-table counts, JSON")
    #: the sender's lineage, audit sequence number at the export and ancestry (JSON); NULL for
    #: a package of format 1 (see core/lineage.py)
    lineage: str | None = Field(default=None, max_length=32)
    lineage_seq: int | None = None
    ancestry: str | None = None
    #: the package's per-table digests (JSON, from its signed header; issue 21); NULL: none
    digests: str | None = None


class SyncConflict(SQLModel, table=True):
    """Two different versions of one row under the same revision (FORK), two cases of one
    office under the same case number (NUMBER_CLASH), two versions from two branches of an
    office's history after a restored backup (BRANCH), or a row only the abandoned branch has
    (MISSING, ``other_json`` = "{}"). Both versions are kept; nothing is lost."""

    __tablename__ = "sync_conflict"

    id: str = Field(default_factory=new_id, primary_key=True, max_length=32)
    kind: str = Field(max_length=16, description="FORK, NUMBER_CLASH, BRANCH or MISSING")
    table_name: str = Field(max_length=32)
    row_id: str = Field(max_length=32)
    owner_code: str = Field(max_length=12)
    revision: int
    held_json: str
    other_json: str
    other_hash: str = Field(max_length=64)
    package_hash: str = Field(max_length=64)
    detected_at: datetime = Field(default_factory=utcnow)
    resolved_at: datetime | None = None
    resolved_by: str | None = None


# --- 排查 (screening, issue 24): rounds, what they found, escalation risks ------------------


class ScreeningRound(SyncedRow, table=True):
    """One 排查: when, at which level, where, by whom, with what focus. ``nil_return`` is a
    零报告: screened and nothing found (not the same as "no case registered")."""

    __tablename__ = "screening_round"

    held_on: date
    level: str = Field(default="VILLAGE", max_length=16)
    village_code: str | None = Field(default=None, max_length=12)
    unit: str | None = Field(default=None, description="unit screened when not a village")
    screened_by: str = ""
    focus: str = Field(default="", description="scope: 重点领域, 敏感期")
    sensitive: bool = Field(default=False, description="held in a 敏感期")
    nil_return: bool = False
    note: str = ""


class ScreeningItem(SyncedRow, table=True):
    """A dispute or 隐患 found in a round, with as little personal data as will do, who owns
    it, and what became of it (``disposition`` NULL while not yet decided)."""

    __tablename__ = "screening_item"

    round_id: str = Field(foreign_key="screening_round.id", max_length=32)
    found_on: date
    dispute_type: str = Field(max_length=24)
    village_code: str | None = Field(default=None, max_length=12)
    risk_grade: str = Field(default="GENERAL", max_length=16)
    summary: str = ""
    people: str = Field(default="", description="who is involved, only as far as needed")
    persons_involved: int = 0
    responsible_person: str | None = None
    stabilising_measures: str | None = None
    resolve_by: date | None = None
    disposition: str | None = Field(default=None, max_length=16)
    disposed_on: date | None = None
    disposition_note: str = Field(default="", description="how it was prevented / to whom")
    case_id: str | None = Field(default=None, max_length=32, description="the case it became")


class RiskEvent(SyncedRow, table=True):
    """激化风险: a dispute (a case, or an item found in screening) that might escalate — the
    signs, the measures, whom it was reported to (人民调解法 §25: 派出所 or another authority,
    and the person who took the report), the outcome, and what it prevented (``prevented``:
    comma-separated Prevention names, with the persons concerned). The evidence behind every
    防止民转刑 / 防止群体性上访 / 防止自杀 / 防止械斗 figure."""

    __tablename__ = "risk_event"

    case_id: str | None = Field(default=None, foreign_key="dispute_case.id", max_length=32)
    item_id: str | None = Field(default=None, foreign_key="screening_item.id", max_length=32)
    occurred_on: date
    signs: str = ""
    measures: str = ""
    reported_to: str = ""
    receiver: str | None = None
    reported_on: date | None = None
    outcome: str = ""
    prevented: str = ""
    prevented_persons: int = 0
    operator: str | None = None


SYNCED_TABLES = (*SYNCED_TABLES, ScreeningRound, ScreeningItem, RiskEvent)
class Supervision(SyncedRow, table=True):
    """A 督办 (SUPERVISE: a mark on a township's case) or 交办 (ASSIGN: a case the county hands
    to a township), written by the county; held read-only by the township that received it
    (mediator.core.supervision, mediator.sync.down). Withdrawn: a tombstone."""

    __tablename__ = "supervision"

    kind: str = Field(max_length=12)
    target_code: str = Field(max_length=12)
    case_id: str | None = Field(default=None, max_length=32)
    county_ref: str | None = Field(default=None, max_length=64)
    instruction: str
    due_on: date
    leader: str | None = Field(default=None, max_length=40)
    issued_on: date
    assign_json: str | None = None
    #: the township's case the item is about (for a 交办: the case registered on arrival)
    local_case_id: str | None = Field(default=None, max_length=32)


class SyncReceipt(SyncedRow, table=True):
    """回执: an upward package of a township that its county has imported (county-written,
    sent down; the township shows 县里已接收 for that export)."""

    __tablename__ = "sync_receipt"

    target_code: str = Field(max_length=12)
    package_hash: str = Field(max_length=64)
    week: str = Field(max_length=16)
    imported_at: datetime


class SupervisionReply(SyncedRow, table=True):
    """A township's 签收 (ACK), 办理情况 (PROGRESS) or 办结报告 (DONE) of a 督办/交办 item
    (``item_id``: the county's supervision row); written by the township, synced upward."""

    __tablename__ = "supervision_reply"

    item_id: str = Field(max_length=32)
    kind: str = Field(max_length=12)
    on_date: date
    note: str | None = None
    #: the township's case the item concerns (for a 交办: the case it registered), so the
    #: county's ledger links to it
    case_id: str | None = Field(default=None, max_length=32)


#: the township's answers travel upward with its cases (payload version 2)
SYNCED_TABLES = (*SYNCED_TABLES, SupervisionReply)


class Notice(SyncedRow, table=True):
    """通报 (issue 22): the county's figures per township for a period with ranks, one row per
    township sent to (county-written, sent down; mediator.core.notice). Not in SYNCED_TABLES:
    it travels only down."""

    __tablename__ = "notice"

    target_code: str = Field(max_length=12)
    period_label: str = Field(max_length=40)
    period_start: date
    period_end: date
    issued_on: date
    measures: str = Field(max_length=200)
    figures_json: str
