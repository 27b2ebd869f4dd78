"""Case-file (卷宗) completeness: each case checked against the standard file index from what
its records hold, listing what is missing.

The index, in filing order: 申请书或受理登记表, 权利义务告知书, 当事人身份证明, 授权委托书,
调查记录, 证据材料, 调解记录, 调解协议书, 履行凭证, 回访记录, 司法确认材料, 情况说明, 封底.
Required for every mediated case: 申请书或受理登记表, 权利义务告知书, 身份证明, 调解记录,
协议书 (when the agreement is or must be written), 封底. The others are needed only when the
records show the case has them (an agent, money claimed, instalments, follow-ups, a court
application, an extension or an ending that needs explaining).

Some papers leave no trace in the records (a power of attorney, evidence): those are listed
as "to check" (核对), never as present. The facts of many cases are read with one SQL query
(correlated aggregates per case over indexed child rows); the assessment is a pure function.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text

from mediator.core.agreement_contents import missing_elements, missing_text
from mediator.core.db import Database
from mediator.core.enums import AgreementForm
from mediator.core.rules import oral_needs_written
from mediator.i18n import t


class Status(str, enum.Enum):
    PRESENT = "PRESENT"        # 已有
    MISSING = "MISSING"        # 缺
    VERIFY = "VERIFY"          # 请核对 (the records cannot show it)
    NOT_NEEDED = "NOT_NEEDED"  # 不需要 / 暂无

    @property
    def label(self) -> str:
        return t(f"filecheck.status.{self.name}")


#: the file index in filing order; True = required for a mediated case.
ITEMS: tuple[tuple[str, bool], ...] = (
    ("APPLICATION", True), ("NOTICE", True), ("IDENTITY", True), ("POWER_OF_ATTORNEY", False),
    ("INVESTIGATION", False), ("EVIDENCE", False), ("SESSION", True), ("AGREEMENT", True),
    ("PERFORMANCE_PROOF", False), ("FOLLOW_UP", False), ("JUDICIAL", False),
    ("STATEMENT", False), ("BACK_COVER", True),
)


@dataclass(frozen=True)
class FileItem:
    key: str
    required: bool
    status: Status
    on: date | None = None
    note: str = ""

    @property
    def name(self) -> str:
        return t(f"filecheck.item.{self.key}")


@dataclass(frozen=True)
class FileFacts:
    """What the records say about one case's file."""

    case_id: str
    case_no: str
    state: str
    outcome: str | None
    source: str
    registered_on: date
    accepted_on: date | None
    notice_on: date | None
    concluded_on: date | None
    archived_on: date | None
    extension_count: int
    refusal_reason: str | None
    withdraw_reason: str | None
    transfer_to: str | None
    amount_fen: int
    persons_without_id: int
    orgs_without_code: int
    agents: int
    sessions: int
    first_session: date | None
    last_session: date | None
    notes: int
    termination_note: int
    agreement_form: str | None
    agreement_amount_fen: int
    agreement_on: date | None
    judicial_status: str | None
    judicial_applied_on: date | None
    judicial_decided_on: date | None
    judicial_ref: str | None
    obligations: int
    performed: int
    performed_without_proof: int
    followups_done: int
    followups_overdue: int
    last_followup: date | None
    requests: str | None = None
    agreement_responsibilities: str | None = None
    agreement_method: str | None = None
    agreement_place: str | None = None
    agreement_perform_by: date | None = None


@dataclass(frozen=True)
class FileCheck:
    facts: FileFacts
    items: list[FileItem]

    @property
    def missing(self) -> list[FileItem]:
        return [i for i in self.items if i.status is Status.MISSING]

    @property
    def to_verify(self) -> list[FileItem]:
        return [i for i in self.items if i.status is Status.VERIFY]

    @property
    def complete(self) -> bool:
        return not self.missing

    def missing_text(self) -> str:
        return "、".join(i.name for i in self.missing)


_FACTS_SQL = """
SELECT c.id, c.case_no, c.state, c.outcome, c.source, c.registered_on, c.accepted_on, c.notice_on,
  c.concluded_on, c.archived_on, c.extension_count, c.refusal_reason, c.withdraw_reason,
  c.transfer_to, c.amount_fen,
  (SELECT count(*) FROM party p WHERE p.case_id = c.id AND p.deleted = 0 AND p.kind = 'PERSON'
     AND coalesce(p.id_number, '') = ''),
  (SELECT count(*) FROM party p WHERE p.case_id = c.id AND p.deleted = 0
     AND p.kind = 'ORGANISATION' AND coalesce(p.org_code, '') = ''),
  (SELECT count(*) FROM party p WHERE p.case_id = c.id AND p.deleted = 0 AND p.kind = 'PERSON'
     AND coalesce(p.representative, '') != ''),
  (SELECT count(*) FROM case_event e WHERE e.case_id = c.id AND e.deleted = 0 AND e.kind = 'SESSION'),
  (SELECT min(e.occurred_on) FROM case_event e WHERE e.case_id = c.id AND e.deleted = 0
     AND e.kind = 'SESSION'),
  (SELECT max(e.occurred_on) FROM case_event e WHERE e.case_id = c.id AND e.deleted = 0
     AND e.kind = 'SESSION'),
  (SELECT count(*) FROM case_event e WHERE e.case_id = c.id AND e.deleted = 0 AND e.kind = 'NOTE'),
  (SELECT count(*) FROM case_event e WHERE e.case_id = c.id AND e.deleted = 0 AND e.kind = 'STATE'
     AND e.state_to = 'TERMINATED' AND e.body != ''),
  a.form, coalesce(a.amount_fen, 0), a.effective_on, a.judicial_status, a.judicial_applied_on,
  a.judicial_decided_on, a.judicial_ref,
  (SELECT count(*) FROM obligation o WHERE o.case_id = c.id AND o.deleted = 0),
  (SELECT count(*) FROM obligation o WHERE o.case_id = c.id AND o.deleted = 0
     AND o.performed_on IS NOT NULL),
  (SELECT count(*) FROM obligation o WHERE o.case_id = c.id AND o.deleted = 0
     AND o.performed_on IS NOT NULL AND coalesce(o.proof, '') = ''),
  (SELECT count(*) FROM follow_up f WHERE f.case_id = c.id AND f.deleted = 0
     AND f.done_on IS NOT NULL),
  (SELECT count(*) FROM follow_up f WHERE f.case_id = c.id AND f.deleted = 0
     AND f.done_on IS NULL AND f.due_on < :today),
  (SELECT max(f.done_on) FROM follow_up f WHERE f.case_id = c.id AND f.deleted = 0),
  c.requests, a.responsibilities, a.perform_method, a.perform_place, a.perform_by
FROM dispute_case c
LEFT JOIN agreement a ON a.id = (SELECT a2.id FROM agreement a2 WHERE a2.case_id = c.id
  AND a2.deleted = 0 ORDER BY a2.effective_on DESC LIMIT 1)
"""


def _d(value: Any) -> date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


_DATE_COLS = frozenset({5, 6, 7, 8, 9, 19, 20, 25, 27, 28, 35, 40})
_INT_COLS = frozenset({10, 14, 15, 16, 17, 18, 21, 22, 24, 30, 31, 32, 33, 34})


def _facts(row: Sequence[Any]) -> FileFacts:
    values = [_d(v) if i in _DATE_COLS else int(v or 0) if i in _INT_COLS else v
              for i, v in enumerate(row)]
    return FileFacts(*values)


def load_facts(db: Database, where: str, params: dict[str, Any], today: date,
               order: str = "c.registered_on, c.seq", limit: int | None = None) -> list[FileFacts]:
    """File facts of the cases matching ``where`` (SQL on dispute_case c)."""
    sql = f"{_FACTS_SQL} WHERE c.deleted = 0 AND {where} ORDER BY {order}"
    params = dict(params, today=today.isoformat())
    if limit:
        sql += " LIMIT :lim"
        params["lim"] = limit
    with db.read() as s:
        rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
    return [_facts(r) for r in rows]


def assess(f: FileFacts) -> FileCheck:
    """The file index of one case with the status of each item."""
    mediated = f.accepted_on is not None
    items: list[FileItem] = []

    def add(key: str, status: Status, on: date | None = None, note: str = "") -> None:
        required = dict(ITEMS)[key]
        items.append(FileItem(key, required, status, on, note))

    add("APPLICATION", Status.PRESENT, f.registered_on,
        t("filecheck.note.application") if f.source == "APPLICATION" else t("filecheck.note.register"))
    if not mediated:
        add("NOTICE", Status.NOT_NEEDED, note=t("filecheck.note.not_accepted"))
    elif f.notice_on:
        add("NOTICE", Status.PRESENT, f.notice_on)
    else:
        add("NOTICE", Status.MISSING)
    if f.persons_without_id or f.orgs_without_code:
        add("IDENTITY", Status.MISSING,
            note=t("filecheck.note.identity_missing", n=f.persons_without_id + f.orgs_without_code))
    else:
        add("IDENTITY", Status.PRESENT)
    add("POWER_OF_ATTORNEY", Status.VERIFY if f.agents else Status.NOT_NEEDED,
        note=t("filecheck.note.agents", n=f.agents) if f.agents else "")
    add("INVESTIGATION", Status.PRESENT if f.notes else Status.NOT_NEEDED,
        note=t("filecheck.note.notes", n=f.notes) if f.notes else "")
    claims_money = f.amount_fen > 0 or f.agreement_amount_fen > 0
    add("EVIDENCE", Status.VERIFY if claims_money else Status.NOT_NEEDED,
        note=t("filecheck.note.evidence") if claims_money else "")
    oral = f.agreement_form == AgreementForm.ORAL.name
    if f.sessions:
        add("SESSION", Status.PRESENT, f.first_session,
            t("filecheck.note.sessions", n=f.sessions))
    elif oral:
        add("SESSION", Status.PRESENT, f.agreement_on, t("filecheck.note.oral_record"))
    elif not mediated or f.outcome in ("WITHDRAWN", "TRANSFERRED"):
        add("SESSION", Status.NOT_NEEDED)
    else:
        add("SESSION", Status.MISSING)
    if f.agreement_form == AgreementForm.WRITTEN.name:
        gaps = missing_elements(
            requests=f.requests, responsibilities=f.agreement_responsibilities,
            method=f.agreement_method, place=f.agreement_place,
            perform_by=f.agreement_perform_by, instalments=f.obligations,
            performed_on_the_spot=not f.obligations and f.state in ("PERFORMED", "ARCHIVED"))
        if gaps:  # 《人民调解工作若干规定》Art. 36
            add("AGREEMENT", Status.MISSING, f.agreement_on,
                t("filecheck.note.agreement_missing", items=missing_text(gaps)))
        else:
            add("AGREEMENT", Status.PRESENT, f.agreement_on)
    elif oral and oral_needs_written(AgreementForm.ORAL, f.agreement_amount_fen, f.obligations):
        add("AGREEMENT", Status.MISSING, note=t("filecheck.note.oral_needs_written"))
    elif oral:
        add("AGREEMENT", Status.NOT_NEEDED, note=t("filecheck.note.oral"))
    else:
        add("AGREEMENT", Status.NOT_NEEDED)
    if f.performed_without_proof:
        add("PERFORMANCE_PROOF", Status.MISSING,
            note=t("filecheck.note.proof_missing", n=f.performed_without_proof))
    elif f.performed:
        add("PERFORMANCE_PROOF", Status.PRESENT, note=t("filecheck.note.performed", n=f.performed))
    else:
        add("PERFORMANCE_PROOF", Status.NOT_NEEDED)
    if f.followups_overdue:
        add("FOLLOW_UP", Status.MISSING, note=t("filecheck.note.followup_overdue", n=f.followups_overdue))
    elif f.followups_done:
        add("FOLLOW_UP", Status.PRESENT, f.last_followup,
            t("filecheck.note.followups", n=f.followups_done))
    elif f.outcome == "AGREEMENT":  # 回访 policy (issue 24): every 调解成功 is visited
        add("FOLLOW_UP", Status.MISSING, note=t("filecheck.note.followup_required"))
    else:
        add("FOLLOW_UP", Status.NOT_NEEDED)
    if f.judicial_status in ("CONFIRMED", "REJECTED"):
        add("JUDICIAL", Status.PRESENT if f.judicial_ref else Status.MISSING, f.judicial_decided_on,
            "" if f.judicial_ref else t("filecheck.note.judicial_ref"))
    elif f.judicial_status == "APPLIED":
        add("JUDICIAL", Status.PRESENT, f.judicial_applied_on, t("filecheck.note.judicial_pending"))
    else:
        add("JUDICIAL", Status.NOT_NEEDED)
    reasons = {"REFUSED": f.refusal_reason, "WITHDRAWN": f.withdraw_reason,
               "TRANSFERRED": f.transfer_to, "FAILED": "x" if f.termination_note else None}
    if f.outcome in reasons:
        add("STATEMENT", Status.PRESENT if reasons[f.outcome] else Status.MISSING, f.concluded_on,
            t(f"filecheck.note.statement_{f.outcome.lower()}"))
    elif f.extension_count:
        add("STATEMENT", Status.PRESENT, note=t("filecheck.note.extension", n=f.extension_count))
    else:
        add("STATEMENT", Status.NOT_NEEDED)
    if f.archived_on:
        add("BACK_COVER", Status.PRESENT, f.archived_on)
    else:
        add("BACK_COVER", Status.MISSING, note=t("filecheck.note.not_archived"))
    return FileCheck(f, items)


def check_case(db: Database, case_id: str, today: date) -> FileCheck:
    facts = load_facts(db, "c.id = :cid", {"cid": case_id}, today)
    if not facts:
        from mediator.core.errors import NotFoundError

        raise NotFoundError(t("svc.case_not_found", case=case_id))
    return assess(facts[0])


def subsidy_grade(risk_grade: str, is_hard: bool, group_dispute: bool) -> str:
    """以案定补 grade: 重大 for a 重大-risk case; 疑难 for a hard case, a 较大-risk case or a
    group dispute; otherwise 一般. Returns GENERAL, DIFFICULT or MAJOR."""
    if risk_grade == "SEVERE":
        return "MAJOR"
    if is_hard or risk_grade == "MAJOR" or group_dispute:
        return "DIFFICULT"
    return "GENERAL"
