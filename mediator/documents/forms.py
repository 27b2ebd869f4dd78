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
from mediator.core.money import format_fen, yuan_upper
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
    return t("doc.yuan", amount=format_fen(fen))


def money_with_upper(fen: int) -> str:
    """人民币10,050.50元（大写：人民币壹万零伍拾元伍角）: figures and 大写 side by side, as an
    agreement states an amount."""
    return t("doc.yuan_upper", figures=_money(fen), upper=yuan_upper(fen))


def ethnicity_text(value: str | None) -> str:
    """汉 and 汉族 both print 汉族 (never 汉族族); a blank stays a blank to fill in by hand."""
    value = (value or "").strip()
    if not value:
        return BLANK + t("doc.ethnicity_suffix")
    suffix = t("doc.ethnicity_suffix")
    return value if not suffix or value.endswith(suffix) else value + suffix


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
             ethnicity=ethnicity_text(p.ethnicity), birth=cn_date(p.birth_date),
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


#: a number the user typed before a term: 1. / 1、 / (1) / （一） / 一、 / 第一条 / ①
_TYPED_NUMBER = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百0-9０-９]+[条项、]\s*[、.．:：]?"
    r"|[（(]\s*(?:[0-9０-９]+|[一二三四五六七八九十]+)\s*[)）]\s*[、.．]?"
    r"|(?:[0-9０-９]{1,2}|[一二三四五六七八九十]+)\s*[、.．)）](?![0-9０-９])"
    r"|[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳])\s*")


def _numbered(text: str) -> list[str]:
    """Terms one per line, numbered （一）（二）… under their heading — one numbering scheme:
    whatever numbers were typed (1. / 一、 / (1) / 第一条) are replaced, so a term never reads
    一、 inside heading 四、."""
    lines = [_TYPED_NUMBER.sub("", ln, count=1).strip() for ln in (text or "").splitlines()]
    lines = [ln for ln in lines if ln]
    if not lines:
        return [BLANK]
    return [t("doc.item", n=_cn_num(i), text=ln) for i, ln in enumerate(lines, start=1)]


def _cn_num(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")


def copies_text(parties: int) -> str:
    """本协议一式三份，双方当事人各执一份，人民调解委员会留存一份 — one copy per party and one
    kept, in Chinese numerals; 各方当事人 when there are more than two."""
    key = "doc.agreement.copies_two" if parties == 2 else "doc.agreement.copies_many"
    copies = parties + 1
    n = _cn_num(copies) if t("doc.numerals") == "chinese" else str(copies)
    return t(key, n=n)


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
        docxkit.para(doc, t("doc.agreement.amount", amount=money_with_upper(ag.amount_fen)),
                     size=BODY)
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
                            amount=money_with_upper(o.amount_fen) if o.amount_fen
                            else t("doc.none")),
                     size=BODY)
    docxkit.para(doc, t("doc.agreement.effect"), size=BODY)
    docxkit.para(doc, t("doc.agreement.judicial"), size=BODY)
    docxkit.para(doc, copies_text(len(cf.parties)), size=BODY)
    if ag.form == AgreementForm.ORAL.name:
        docxkit.para(doc, t("doc.agreement.oral_note", date=cn_date(ag.effective_on)), size=12)
    _signature_block(doc, cf, office, ag.effective_on)
    return doc


# --- 调解笔录 ----------------------------------------------------------------------------------


def sessions(cf: CaseFile) -> list[CaseEvent]:
    return [e for e in cf.events if e.kind == EventKind.SESSION.name]


#: what may follow a speaker's name at the start of a line: 张三称… / 申请人陈述：…
_SAYS = r"(?:陈述|称|说|表示|认为|回答|答|补充|提出|问)?"
_MARK = r"\s*[：:，,]?\s*"


def _speakers(parties: list[Party], mediator: str | None) -> list[tuple[str, str]]:
    """(prefix a line may begin with, who it names), longest prefix first: each party by name
    and by role with name, a role on its own when one party has it, and the mediator."""
    out: list[tuple[str, str]] = []
    by_role: dict[str, list[Party]] = {}
    for p in parties:
        by_role.setdefault(_role(p), []).append(p)
    for role, ps in by_role.items():
        for p in ps:
            who = f"{role}{p.name}"
            out += [(role + p.name, who), (p.name, who)]
        out.append((role, f"{role}{ps[0].name}" if len(ps) == 1 else role))
    med = t("doc.record.mediator_who", name=mediator or "")
    out += [("人民调解员", med), ("调解员", med)]
    if mediator:
        out.append((mediator, med))
    return sorted({x for x in out if x[0]}, key=lambda x: -len(x[0]))


def record_lines(body: str, parties: list[Party], mediator: str | None) -> list[tuple[str, str]]:
    """Every line of a session record, in order, with who said it: a line (or a sentence
    after 。；！？ that opens with 某某陈述：) is a party's only when it begins with that
    party's name or role, and is printed without that prefix (the label names the speaker);
    every other line is the mediator's (his questions, the facts he checked, his proposals)."""
    speakers = _speakers(parties, mediator)
    med = t("doc.record.mediator_who", name=mediator or "")
    alternatives = "|".join(re.escape(prefix) for prefix, _ in speakers)
    split = re.compile(rf"(?<=[。；！？!?;])\s*(?=(?:{alternatives}){_SAYS}[：:])")
    out: list[tuple[str, str]] = []
    for raw in (body or "").splitlines():
        for line in split.split(raw.strip()):
            line = line.strip()
            if not line:
                continue
            who = med
            for prefix, name in speakers:
                m = re.match(rf"{re.escape(prefix)}{_SAYS}{_MARK}", line)
                if m:
                    rest = line[m.end():].strip()
                    if rest:
                        who, line = name, rest
                    break
            out.append((who, line))
    return out


_CLOCK = r"(?:(?:上午|下午|晚上|中午)?\s*\d{1,2}\s*(?:[:：]\s*\d{2}|时(?:\s*\d{1,2}\s*分)?|点(?:\s*\d{1,2}\s*分)?(?:半)?))"
_TIME_LINE = re.compile(rf"^(?:时间[：:]?\s*)?({_CLOCK})(?:\s*(?:至|到|-|—|－|~|～)\s*({_CLOCK}))?")


def session_time(ev: CaseEvent) -> str:
    """时间 of a session: its date and clock time. The time is taken from a record that opens
    with it (9:30至11:00 / 上午9时 / 时间：14:00-15:30); otherwise blanks to fill in by hand,
    never a time the record does not state."""
    day = cn_date(ev.occurred_on)
    first = next((ln.strip() for ln in (ev.body or "").splitlines() if ln.strip()), "")
    m = _TIME_LINE.match(first)
    if not m:
        return t("doc.record.time_blank", date=day)
    if m.group(2):
        return t("doc.record.time_span", date=day, start=m.group(1).strip(),
                 end=m.group(2).strip())
    return t("doc.record.time_at", date=day, start=m.group(1).strip())


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
    for label, value in (("doc.record.time", session_time(ev)),
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
    body = ev.body or ""
    stated = _TIME_LINE.match(body.strip())
    if stated and not body.strip()[stated.end():].split("\n", 1)[0].strip(" ，,。"):
        body = body.strip().split("\n", 1)[1] if "\n" in body.strip() else ""  # the time line
    lines = record_lines(body, cf.parties, cf.mediator_name)
    med = t("doc.record.mediator_who", name=cf.mediator_name or "")
    for who, text in lines:
        docxkit.labelled(doc, who if who == med else t("doc.record.account_of", who=who), text,
                         size=BODY)
    if not lines:
        docxkit.para(doc, BLANK, size=BODY)
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
