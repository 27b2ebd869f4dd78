"""The case documents as Word files: 人民调解协议书, 调解笔录, 人民调解受理登记表 and the case
file (卷宗) cover with its index (卷内目录) and back cover (备考表).

These go to the parties and into the file, so they carry full details (names, ID numbers,
addresses, phones); generating one is written to the audit trail by the caller
(``mediator.documents.service``). Every element the rules require is laid out even when the
record is empty, with a blank line to fill by hand rather than a silently missing part
(《人民调解法》§28–§33, 《人民调解工作若干规定》§35–§37).
"""

from __future__ import annotations

import re
from datetime import date

from docx.document import Document
from docx.enum.text import WD_BREAK

from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    EventKind,
    Gender,
    JudicialResult,
    Outcome,
    PartyKind,
    PartyRole,
    Route,
)
from mediator.core.errors import DomainError
from mediator.core.inputs import CaseFile
from mediator.core.models import CaseEvent, Office, Party
from mediator.documents import docxkit
from mediator.documents.completeness import FileCheck, Status
from mediator.i18n import t

BLANK = "＿＿＿＿＿＿＿＿"
BODY = 14  # 四号


def cn_date(day: date | None) -> str:
    if day is None:
        return t("doc.date_blank")
    return t("doc.date", year=day.year, month=day.month, day=day.day)


def _or_blank(value: str | None) -> str:
    value = (value or "").strip()
    return value or BLANK


def _money(fen: int) -> str:
    return t("doc.yuan", amount=f"{fen / 100:,.2f}")


def _role(p: Party) -> str:
    return PartyRole(p.role).label if p.role in PartyRole.__members__ else p.role


def party_details(p: Party) -> str:
    """One party's basic details, as an agreement or record states them."""
    if p.kind == PartyKind.ORGANISATION.name:
        return t("doc.party_org", role=_role(p), name=p.name, code=_or_blank(p.org_code),
                 representative=_or_blank(p.representative), address=_or_blank(p.address),
                 phone=_or_blank(p.phone))
    gender = Gender(p.gender).label if p.gender in Gender.__members__ else BLANK
    text = t("doc.party_person", role=_role(p), name=p.name, gender=gender,
             ethnicity=_or_blank(p.ethnicity), birth=cn_date(p.birth_date),
             id_number=_or_blank(p.id_number), address=_or_blank(p.address),
             phone=_or_blank(p.phone))
    if p.representative:
        text += t("doc.party_agent", agent=p.representative)
    return text


def _signature_block(doc: Document, cf: CaseFile, office: Office, on: date | None,
                     recorder: str | None = None) -> None:
    docxkit.para(doc, t("doc.sign.parties"), indent=False, size=BODY, bold=True)
    for p in cf.parties:
        docxkit.para(doc, t("doc.sign.party", role=_role(p), name=p.name, blank=BLANK),
                     indent=False, size=BODY)
    docxkit.para(doc, t("doc.sign.mediator", name=cf.mediator_name or "", blank=BLANK),
                 indent=False, size=BODY)
    if recorder is not None:
        docxkit.para(doc, t("doc.sign.recorder", name=recorder, blank=BLANK), indent=False,
                     size=BODY)
    docxkit.para(doc, t("doc.sign.seal", office=office.name), indent=False, align="right",
                 size=BODY)
    docxkit.para(doc, cn_date(on), indent=False, align="right", size=BODY)


def _numbered(text: str) -> list[str]:
    """Terms as typed, one per line, numbered 一、二、… unless already numbered."""
    lines = [ln.strip() for ln in (text or "").splitlines() if ln.strip()]
    if not lines:
        return [BLANK]
    if all(re.match(r"^([0-9０-９]+|[一二三四五六七八九十]+)[、.．)）]", ln) for ln in lines):
        return lines
    return [t("doc.item", n=_cn_num(i), text=ln) for i, ln in enumerate(lines, start=1)]


def _cn_num(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


# --- 人民调解协议书 ------------------------------------------------------------------------------


def agreement_document(cf: CaseFile, office: Office) -> Document:
    """调解协议书 with every element of 《人民调解法》§29: the parties' basic details; the main
    facts, points in dispute and each side's responsibility; the agreed terms; how, where and
    by when they are performed; signature lines for the parties and the mediator, the
    committee's seal; and how many copies are made."""
    ag = cf.agreement
    if ag is None:
        raise DomainError(t("svc.no_agreement"))
    case = cf.case
    doc = docxkit.new_document(body_size=BODY)
    docxkit.title(doc, t("doc.agreement.title"))
    docxkit.para(doc, t("doc.number", case_no=case.case_no), indent=False, align="right", size=BODY)
    for p in cf.parties:
        docxkit.para(doc, party_details(p), indent=False, size=BODY)
    docxkit.heading(doc, t("doc.agreement.facts"), size=BODY)
    docxkit.para(doc, _or_blank(case.facts), size=BODY)
    docxkit.heading(doc, t("doc.agreement.dispute"), size=BODY)
    docxkit.para(doc, _or_blank(case.requests), size=BODY)
    docxkit.heading(doc, t("doc.agreement.responsibilities"), size=BODY)
    docxkit.para(doc, _or_blank(ag.responsibilities), size=BODY)
    docxkit.heading(doc, t("doc.agreement.terms", office=office.name), size=BODY)
    for line in _numbered(ag.terms):
        docxkit.para(doc, line, size=BODY)
    if ag.amount_fen:
        docxkit.para(doc, t("doc.agreement.amount", amount=_money(ag.amount_fen)), size=BODY)
    docxkit.heading(doc, t("doc.agreement.performance"), size=BODY)
    docxkit.para(doc, t("doc.agreement.method", value=_or_blank(ag.perform_method)), size=BODY)
    docxkit.para(doc, t("doc.agreement.place", value=_or_blank(ag.perform_place)), size=BODY)
    last_due = max([o.due_on for o in cf.obligations], default=None)
    docxkit.para(doc, t("doc.agreement.deadline",
                        value=cn_date(ag.perform_by or last_due) if (ag.perform_by or last_due)
                        else BLANK), size=BODY)
    for o in cf.obligations:
        docxkit.para(doc, t("doc.agreement.obligation", n=o.seq, obligor=_or_blank(o.obligor),
                            due=cn_date(o.due_on), what=_or_blank(o.description),
                            amount=_money(o.amount_fen) if o.amount_fen else t("doc.none")),
                     size=BODY)
    docxkit.para(doc, t("doc.agreement.effect"), size=BODY)
    docxkit.para(doc, t("doc.agreement.judicial"), size=BODY)
    docxkit.para(doc, t("doc.agreement.copies", n=len(cf.parties) + 1, parties=len(cf.parties)),
                 size=BODY)
    if ag.form == AgreementForm.ORAL.name:
        docxkit.para(doc, t("doc.agreement.oral_note", date=cn_date(ag.effective_on)), size=12)
    _signature_block(doc, cf, office, ag.effective_on)
    return doc


# --- 调解笔录 ----------------------------------------------------------------------------------


def sessions(cf: CaseFile) -> list[CaseEvent]:
    return [e for e in cf.events if e.kind == EventKind.SESSION.name]


def _accounts(body: str, parties: list[Party]) -> list[tuple[str, str]]:
    """Each side's account: the lines of the record that start with a party's name or role
    (张三称：… / 申请人：…), grouped per party. Empty when the record was not kept that way."""
    out: dict[str, list[str]] = {}
    keys = []
    for p in parties:
        keys.append((p, [p.name, _role(p) + p.name, _role(p)]))
    for line in (body or "").splitlines():
        stripped = line.strip()
        for p, prefixes in keys:
            if any(stripped.startswith(x) for x in prefixes if x):
                out.setdefault(p.id, []).append(stripped)
                break
    return [(f"{_role(p)}{p.name}", "\n".join(out[p.id])) for p, _ in keys if p.id in out]


def record_document(cf: CaseFile, office: Office, session_no: int | None = None) -> Document:
    """调解笔录 of one session: time, place, subject, participants, the 告知 given, each side's
    account, the facts checked, and the agreement reached or why none was."""
    found = sessions(cf)
    if not found:
        raise DomainError(t("doc.err.no_session"))
    if session_no is None:
        session_no = len(found)
    if not 1 <= session_no <= len(found):
        raise DomainError(t("doc.err.session_range", n=session_no, total=len(found)))
    ev = found[session_no - 1]
    case = cf.case
    doc = docxkit.new_document(body_size=BODY)
    docxkit.title(doc, t("doc.record.title"))
    docxkit.para(doc, t("doc.record.number", case_no=case.case_no, n=session_no), indent=False,
                 align="right", size=12)
    subject = t("doc.record.subject_text", type=DisputeType(case.dispute_type).label,
                parties=case.parties_text)
    for label, value in (("doc.record.time", cn_date(ev.occurred_on)),
                         ("doc.record.place", _or_blank(ev.place)),
                         ("doc.record.subject", subject),
                         ("doc.record.participants", _or_blank(ev.participants)),
                         ("doc.record.mediator", _or_blank(cf.mediator_name)),
                         ("doc.record.recorder", _or_blank(ev.operator))):
        docxkit.labelled(doc, t(label), value, size=BODY)
    docxkit.heading(doc, t("doc.record.notice"), size=BODY)
    docxkit.para(doc, t("doc.record.notice_text"), size=BODY)
    if case.notice_on and case.notice_on <= ev.occurred_on:
        docxkit.para(doc, t("doc.record.notice_done", date=cn_date(case.notice_on)), size=BODY)
    else:
        docxkit.para(doc, t("doc.record.notice_missing"), size=BODY)
    docxkit.heading(doc, t("doc.record.accounts"), size=BODY)
    accounts = _accounts(ev.body, cf.parties)
    if accounts:
        for who, text in accounts:
            docxkit.labelled(doc, t("doc.record.account_of", who=who), text, size=BODY)
    else:
        docxkit.para(doc, _or_blank(ev.body), size=BODY)
    docxkit.heading(doc, t("doc.record.facts"), size=BODY)
    docxkit.para(doc, _or_blank(case.facts), size=BODY)
    docxkit.heading(doc, t("doc.record.result"), size=BODY)
    is_last = session_no == len(found)
    ag = cf.agreement
    if is_last and ag is not None and ag.effective_on >= ev.occurred_on:
        docxkit.para(doc, t("doc.record.agreed", form=AgreementForm(ag.form).label), size=BODY)
        for line in _numbered(ag.terms):
            docxkit.para(doc, line, size=BODY)
    elif is_last and case.outcome == Outcome.FAILED.name:
        reason = next((e.body for e in reversed(cf.events)
                       if e.kind == EventKind.STATE.name and e.state_to == CaseState.TERMINATED.name),
                      "")
        docxkit.para(doc, t("doc.record.failed", reason=_or_blank(reason)), size=BODY)
    else:
        docxkit.para(doc, t("doc.record.continue"), size=BODY)
    docxkit.para(doc, t("doc.record.read_back"), size=BODY)
    _signature_block(doc, cf, office, ev.occurred_on, recorder=ev.operator or "")
    return doc


# --- 受理登记表 --------------------------------------------------------------------------------


def register_document(cf: CaseFile, office: Office) -> Document:
    """人民调解受理登记表: the registration, the parties, the dispute and how it was received."""
    case = cf.case
    doc = docxkit.new_document(body_size=12, margins_cm=(2.5, 2.2, 2.5, 2.2))
    docxkit.title(doc, t("doc.register.title"), size=20)
    docxkit.para(doc, t("doc.register.head", office=office.name, case_no=case.case_no),
                 indent=False, size=11)
    rows = [
        [t("doc.register.registered_on"), cn_date(case.registered_on),
         t("doc.register.source"), CaseSource(case.source).label],
        [t("doc.register.type"), DisputeType(case.dispute_type).label,
         t("doc.register.village"), cf.village_name or BLANK],
        [t("doc.register.persons"), str(case.persons_involved),
         t("doc.register.amount"), _money(case.amount_fen)],
    ]
    docxkit.table(doc, None, rows, widths_cm=(3.0, 5.0, 3.0, 5.0), size=11)
    docxkit.heading(doc, t("doc.register.parties"), size=12)
    prow = []
    for p in cf.parties:
        gender = Gender(p.gender).label if p.gender in Gender.__members__ else ""
        prow.append([_role(p), p.name, gender, p.birth_date.isoformat() if p.birth_date else "",
                     p.ethnicity or "", p.id_number or p.org_code or "", p.phone or "",
                     p.address or ""])
    docxkit.table(doc, [t(f"doc.register.col.{k}") for k in
                        ("role", "name", "gender", "birth", "ethnicity", "id", "phone", "address")],
                  prow, widths_cm=(1.6, 1.8, 1.0, 2.2, 1.2, 3.8, 2.6, 3.0), size=9)
    docxkit.heading(doc, t("doc.register.facts"), size=12)
    docxkit.para(doc, _or_blank(case.facts), size=12)
    docxkit.heading(doc, t("doc.register.requests"), size=12)
    docxkit.para(doc, _or_blank(case.requests), size=12)
    docxkit.heading(doc, t("doc.register.handling"), size=12)
    if case.state == CaseState.REFUSED.name or case.outcome == Outcome.REFUSED.name:
        routes = "、".join(Route(r).label for r in (case.routes_told or "").split(",") if r)
        docxkit.para(doc, t("doc.register.refused", reason=_or_blank(case.refusal_reason),
                            routes=routes or BLANK), size=12)
    elif case.accepted_on:
        docxkit.para(doc, t("doc.register.accepted", date=cn_date(case.accepted_on),
                            deadline=cn_date(case.deadline_on)), size=12)
    else:
        docxkit.para(doc, t("doc.register.pending"), size=12)
    docxkit.para(doc, t("doc.register.notice", date=cn_date(case.notice_on)
                        if case.notice_on else BLANK), size=12)
    reg_op = next((e.operator for e in cf.events if e.kind == EventKind.STATE.name
                   and e.state_to == CaseState.REGISTERED.name), None)
    docxkit.para(doc, t("doc.register.sign", mediator=cf.mediator_name or BLANK,
                        registrar=reg_op or BLANK), indent=False, size=12)
    docxkit.para(doc, t("doc.register.applicant_sign", blank=BLANK), indent=False, size=12)
    return doc


# --- 卷宗: cover, index, back cover ------------------------------------------------------------


def _page_break(doc: Document) -> None:
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def casefile_document(cf: CaseFile, office: Office, check: FileCheck) -> Document:
    """封面 (cover), 卷内目录 (index of what the file holds, with what is missing) and
    备考表 (back cover)."""
    case = cf.case
    doc = docxkit.new_document(body_size=BODY)
    docxkit.para(doc, office.name, indent=False, align="center", size=16, font=docxkit.SONG)
    docxkit.title(doc, t("doc.casefile.cover_title"), size=36, space_after=36)
    outcome = Outcome(case.outcome).label if case.outcome else CaseState(case.state).label
    judicial = ""
    if cf.agreement and cf.agreement.judicial_status:
        judicial = JudicialResult(cf.agreement.judicial_status).label
    cover = [
        (t("doc.casefile.case_no"), case.case_no),
        (t("doc.casefile.cause"), t("doc.casefile.cause_text",
                                    type=DisputeType(case.dispute_type).label)),
        (t("doc.casefile.parties"), case.parties_text),
        (t("doc.casefile.mediator"), cf.mediator_name or BLANK),
        (t("doc.casefile.accepted_on"), cn_date(case.accepted_on) if case.accepted_on else BLANK),
        (t("doc.casefile.concluded_on"), cn_date(case.concluded_on) if case.concluded_on else BLANK),
        (t("doc.casefile.outcome"), outcome + (t("doc.paren", text=judicial) if judicial else "")),
        (t("doc.casefile.archived_on"), cn_date(case.archived_on) if case.archived_on else BLANK),
        (t("doc.casefile.keep"), t("doc.casefile.keep_value")),
        (t("doc.casefile.filed_by"), BLANK),
    ]
    docxkit.table(doc, None, [list(r) for r in cover], widths_cm=(4.0, 11.0), size=14,
                  font=docxkit.FANGSONG)
    _page_break(doc)
    docxkit.title(doc, t("doc.casefile.index_title"), size=20)
    docxkit.para(doc, t("doc.number", case_no=case.case_no), indent=False, align="right", size=12)
    rows = []
    n = 0
    for item in check.items:
        if item.status in (Status.NOT_NEEDED,):
            continue
        n += 1
        rows.append([str(n), item.name, item.on.isoformat() if item.on else "",
                     item.status.label, "", item.note])
    docxkit.table(doc, [t(f"doc.casefile.col.{k}") for k in
                        ("n", "item", "date", "status", "pages", "note")],
                  rows, widths_cm=(1.2, 4.6, 2.6, 1.8, 1.4, 4.4), size=10.5)
    if check.missing:
        docxkit.heading(doc, t("doc.casefile.missing_title"), size=13)
        for item in check.missing:
            kind = t("doc.casefile.required") if item.required else t("doc.casefile.as_needed")
            docxkit.para(doc, t("doc.casefile.missing_line", item=item.name, kind=kind,
                                note=item.note), indent=False, size=12)
    else:
        docxkit.para(doc, t("doc.casefile.complete"), indent=False, size=12)
    _page_break(doc)
    docxkit.title(doc, t("doc.casefile.back_title"), size=20)
    present = sum(1 for i in check.items if i.status is Status.PRESENT)
    docxkit.para(doc, t("doc.casefile.back_count", n=present), size=BODY)
    docxkit.para(doc, t("doc.casefile.back_note"), size=BODY)
    docxkit.para(doc, t("doc.casefile.back_sign", blank=BLANK,
                        date=cn_date(case.archived_on) if case.archived_on else BLANK),
                 indent=False, size=BODY)
    return doc
