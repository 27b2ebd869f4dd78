"""督办 and 交办 (issue 22): the county's rows about its townships' work.

One writer per record: every ``supervision`` row is written by the county (its owner); a
township holds the rows it received read-only (mediator.sync.down). A 督办 marks a case of a
township with the county's instruction, a deadline and the supervising leader; a 交办 hands
a new case (as the county received it: parties, type, facts) to a township, which registers
it as its own case (source 上级指定) when the downward package arrives. Withdrawing either is
a tombstone (revision + 1, deleted), which travels down like any change.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import text

from mediator.core.enums import CaseSource, DisputeType, PartyKind, PartyRole
from mediator.core.errors import NotFoundError, ValidationError
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.models import new_id, utcnow
from mediator.core.validate import (
    is_within_area,
    normalise_line,
    normalise_text,
    office_area_prefix,
    parse_office_code,
)
from mediator.i18n import t

SUPERVISE, ASSIGN = "SUPERVISE", "ASSIGN"


class ReplyKind(str, Enum):
    """A township's answer to an item: 签收, 办理情况, 办结报告."""

    ACK = "ACK"
    PROGRESS = "PROGRESS"
    DONE = "DONE"
    RETURN = "RETURN"    # 退回: a 交办 the township sends back, with its reason


#: the status of an item at the county (督办台账), in the order of progress
UNSIGNED, SIGNED, WORKING, FINISHED, OVERDUE = "UNSIGNED", "SIGNED", "WORKING", "FINISHED", \
    "OVERDUE"
RETURNED = "RETURNED"
STATUSES = (UNSIGNED, SIGNED, WORKING, FINISHED, OVERDUE, RETURNED)
KINDS = (SUPERVISE, ASSIGN)
MAX_INSTRUCTION = 2000
MAX_LEADER = 40
MAX_REF = 64


def now_text() -> str:
    return utcnow().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


@dataclass(frozen=True)
class Item:
    id: str
    owner_code: str
    revision: int
    deleted: bool
    kind: str
    target_code: str
    case_id: str | None
    county_ref: str | None
    instruction: str
    due_on: date
    leader: str | None
    issued_on: date
    local_case_id: str | None
    case_no: str | None = None
    #: a 交办 seen at the county: the township's name, and the case it registered for the
    #: item once its answer (签收, 办理情况 …) has come up with a package (items_of_case)
    target_name: str | None = None
    township_case_id: str | None = None
    township_case_no: str | None = None


ITEM_COLUMNS = ("id, owner_code, revision, deleted, kind, target_code, case_id, county_ref, "
                "instruction, due_on, leader, issued_on, local_case_id")


def _item(row: Any, case_no: str | None = None) -> Item:
    return Item(id=row[0], owner_code=row[1], revision=int(row[2]), deleted=bool(row[3]),
                kind=row[4], target_code=row[5], case_id=row[6], county_ref=row[7],
                instruction=row[8], due_on=date.fromisoformat(str(row[9])), leader=row[10],
                issued_on=date.fromisoformat(str(row[11])), local_case_id=row[12],
                case_no=case_no)


def check_instruction(value: str | None) -> str:
    text_ = normalise_text(value)
    if not text_:
        raise ValidationError(t("supervision.instruction_required"), "instruction")
    if len(text_) > MAX_INSTRUCTION:
        raise ValidationError(t("supervision.too_long", field=t("supervision.field.instruction"),
                                n=MAX_INSTRUCTION), "instruction")
    return text_


def check_short(value: str | None, field: str, limit: int) -> str | None:
    text_ = normalise_line(value)
    if len(text_) > limit:
        raise ValidationError(t("supervision.too_long", field=t(f"supervision.field.{field}"),
                                n=limit), field)
    return text_ or None


def case_to_json(data: CaseInput) -> str:
    """The case as the county hands it down: what a township needs to register it."""
    def party(p: PartyInput) -> dict[str, Any]:
        d = asdict(p)
        d["role"], d["kind"] = p.role.name, p.kind.name
        d.pop("gender", None)
        d.pop("birth_date", None)
        return d
    return json.dumps({"dispute_type": data.dispute_type.name, "facts": data.facts,
                       "requests": data.requests,
                       "parties": [party(p) for p in data.parties]},
                      ensure_ascii=False, sort_keys=True)


PARTY_FIELDS = ("name", "role", "kind", "id_number", "phone", "ethnicity", "address",
                "org_code", "representative")


def case_from_json(raw: str, registered_on: date) -> CaseInput:
    """The township's reading of a 交办's case (from a package: every field checked, and the
    result goes through the same checks as a case typed in)."""
    try:
        data = json.loads(raw)
        if not isinstance(data, dict) or set(data) != {"dispute_type", "facts", "requests",
                                                        "parties"}:
            raise ValueError("keys")
        parties = []
        if not isinstance(data["parties"], list) or not 1 <= len(data["parties"]) <= 200:
            raise ValueError("parties")
        for p in data["parties"]:
            if not isinstance(p, dict) or set(p) - set(PARTY_FIELDS) or "name" not in p:
                raise ValueError("party")
            if any(v is not None and not isinstance(v, str) for v in p.values()):
                raise ValueError("party value")
            parties.append(PartyInput(
                name=p["name"], role=PartyRole[p.get("role") or "APPLICANT"],
                kind=PartyKind[p.get("kind") or "PERSON"], id_number=p.get("id_number"),
                phone=p.get("phone"), ethnicity=p.get("ethnicity"), address=p.get("address"),
                org_code=p.get("org_code"), representative=p.get("representative")))
        if not all(isinstance(data[k], str) for k in ("dispute_type", "facts", "requests")):
            raise ValueError("text")
        return CaseInput(parties=parties, dispute_type=DisputeType[data["dispute_type"]],
                         source=CaseSource.GOVERNMENT, registered_on=registered_on,
                         facts=data["facts"], requests=data["requests"])
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise ValidationError(t("supervision.bad_assignment"), "assign_json") from exc


def can_assign_from(office_code: str) -> bool:
    """An office above a township (a county, a city) may 交办 and 督办 to the offices below."""
    try:
        return len(office_area_prefix(office_code)) < 9
    except ValidationError:
        return False


class SupervisionService:
    """The county's 督办/交办 use cases (one transaction each, audited)."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.db = services.db

    def _own(self, s: Any) -> str:
        return str(self.services._office(s).code)

    def _township(self, own: str, code: str | None) -> str:
        target = parse_office_code(normalise_line(code), field="target_code")
        area = office_area_prefix(own)
        if office_area_prefix(target) == area or not is_within_area(target, own):
            raise ValidationError(t("supervision.not_below", code=target, own=own), "target_code")
        return target

    def _insert(self, s: Any, own: str, kind: str, target: str, case_id: str | None,
                county_ref: str | None, instruction: str, due_on: date, leader: str | None,
                assign_json: str | None, local_case_id: str | None) -> str:
        if due_on < self.services.today():
            raise ValidationError(t("supervision.due_past", day=due_on.isoformat()), "due_on")
        item_id, now = new_id(), now_text()
        s.exec(text(  # type: ignore[call-overload]
            "INSERT INTO supervision (id, owner_code, revision, created_at, updated_at, deleted, "
            "origin, kind, target_code, case_id, county_ref, instruction, due_on, leader, "
            "issued_on, assign_json, local_case_id) VALUES (:id, :own, 1, :now, :now, 0, NULL, "
            ":kind, :target, :case_id, :ref, :ins, :due, :leader, :issued, :aj, :local)"),
            params={"id": item_id, "own": own, "now": now, "kind": kind, "target": target,
                    "case_id": case_id, "ref": county_ref, "ins": instruction,
                    "due": due_on.isoformat(), "leader": leader,
                    "issued": self.services.today().isoformat(), "aj": assign_json,
                    "local": local_case_id})
        self.services._audit(s, f"supervision.{kind.lower()}", "supervision", item_id, None, {
            "kind": kind, "target_code": target, "case_id": case_id, "instruction": instruction,
            "due_on": due_on.isoformat(), "leader": leader, "county_ref": county_ref})
        return item_id

    def supervise(self, case_ref: str, instruction: str, due_on: date,
                  leader: str | None = None) -> str:
        """督办 a township's case (by id or case number). Returns the item's id."""
        ins = check_instruction(instruction)
        lead = check_short(leader, "leader", MAX_LEADER)
        with self.db.write() as s:
            own = self._own(s)
            row = s.exec(text(  # type: ignore[call-overload]
                "SELECT id, owner_code FROM dispute_case WHERE deleted = 0 AND "
                "(id = :r OR case_no = :r) ORDER BY id LIMIT 2"),
                params={"r": normalise_line(case_ref)}).all()
            if len(row) != 1:
                raise NotFoundError(t("supervision.case_not_found", ref=case_ref))
            case_id, owner = row[0]
            target = self._township(own, owner)
            return self._insert(s, own, SUPERVISE, target, case_id, None, ins, due_on, lead,
                                None, case_id)

    def assign(self, target_code: str, case: CaseInput, instruction: str, due_on: date,
               county_ref: str | None = None, leader: str | None = None) -> str:
        """交办 a case the county received to a township. Returns the item's id."""
        ins = check_instruction(instruction)
        lead = check_short(leader, "leader", MAX_LEADER)
        ref = check_short(county_ref, "county_ref", MAX_REF)
        self.services._validate_case(case)   # what the township will check again
        with self.db.write() as s:
            own = self._own(s)
            target = self._township(own, target_code)
            return self._insert(s, own, ASSIGN, target, None, ref, ins, due_on, lead,
                                case_to_json(case), None)

    def supervise_many(self, case_ids: list[str], instruction: str, due_on: date,
                       leader: str | None = None) -> list[str]:
        """督办 several townships' cases at once (a selection in the case list): one item per
        case, all in ONE transaction (none is written if any case cannot be supervised), each
        audited. Returns the items' ids in the order of ``case_ids``."""
        ins = check_instruction(instruction)
        lead = check_short(leader, "leader", MAX_LEADER)
        ids = list(dict.fromkeys(normalise_line(c) for c in case_ids))
        if not ids:
            raise ValidationError(t("supervision.none_chosen"), "cases")
        with self.db.write() as s:
            own = self._own(s)
            out = []
            for case_id in ids:
                row = s.exec(text(  # type: ignore[call-overload]
                    "SELECT owner_code, case_no FROM dispute_case WHERE id = :id "
                    "AND deleted = 0"), params={"id": case_id}).first()
                if row is None:
                    raise NotFoundError(t("supervision.case_not_found", ref=case_id))
                target = self._township(own, row[0])
                out.append(self._insert(s, own, SUPERVISE, target, case_id, None, ins, due_on,
                                        lead, None, case_id))
            return out

    def assign_case(self, case_ref: str, target_code: str, instruction: str, due_on: date,
                    leader: str | None = None) -> str:
        """交办 one of the county's own cases to a township: the township receives the case's
        parties, type, facts and requests as a new case of its own; the county's case keeps
        the item (``local_case_id``) and its number travels as the county's reference, so the
        township's reply links the two. Returns the item's id."""
        ins = check_instruction(instruction)
        lead = check_short(leader, "leader", MAX_LEADER)
        with self.db.write() as s:
            own = self._own(s)
            row = s.exec(text(  # type: ignore[call-overload]
                "SELECT id, owner_code, case_no, dispute_type, facts, requests "
                "FROM dispute_case WHERE deleted = 0 AND (id = :r OR case_no = :r) "
                "ORDER BY id LIMIT 2"), params={"r": normalise_line(case_ref)}).all()
            if len(row) != 1:
                raise NotFoundError(t("supervision.case_not_found", ref=case_ref))
            case_id, owner, case_no, kind, facts, requests = row[0]
            if owner != own:
                raise ValidationError(t("supervision.assign_not_own", case=case_no), "case")
            held = s.exec(text(  # type: ignore[call-overload]
                "SELECT target_code FROM supervision WHERE local_case_id = :id AND kind = "
                "'ASSIGN' AND owner_code = :own AND deleted = 0"),
                params={"id": case_id, "own": own}).first()
            if held is not None:
                raise ValidationError(t("supervision.already_assigned", case=case_no,
                                        code=held[0]), "case")
            target = self._township(own, target_code)
            parties = [PartyInput(name=p[0], role=PartyRole[p[1]], kind=PartyKind[p[2]],
                                  id_number=p[3], phone=p[4], ethnicity=p[5], address=p[6],
                                  org_code=p[7], representative=p[8])
                       for p in s.exec(text(  # type: ignore[call-overload]
                           "SELECT name, role, kind, id_number, phone, ethnicity, address, "
                           "org_code, representative FROM party WHERE case_id = :id AND "
                           "deleted = 0 ORDER BY position"), params={"id": case_id}).all()]
            data = CaseInput(parties=parties, dispute_type=DisputeType[kind],
                             source=CaseSource.GOVERNMENT, facts=facts or "",
                             requests=requests or "")
            self.services._validate_case(data)   # what the township will check again
            return self._insert(s, own, ASSIGN, target, None, case_no, ins, due_on, lead,
                                case_to_json(data), case_id)

    def register_and_assign(self, target_code: str, case: CaseInput, instruction: str,
                            due_on: date, leader: str | None = None) -> tuple[str, str, str]:
        """登记 a case the county received and 交办 it to a township, in ONE transaction: the
        county keeps its own record (the item on it, its number as the county's reference),
        the township gets the case with the next downward package. Returns (case id, case
        number, item id)."""
        ins = check_instruction(instruction)
        lead = check_short(leader, "leader", MAX_LEADER)
        parties, fields = self.services._validate_case(case)
        with self.db.write() as s:
            own = self._own(s)
            target = self._township(own, target_code)
            row = self.services._insert_case(s, parties, fields)
            self.services._refresh(s, row)
            self.services._audit(s, "case.register", "case", row.id, None,
                                 row.model_dump(mode="json"))
            item_id = self._insert(s, own, ASSIGN, target, None, row.case_no, ins, due_on, lead,
                                   case_to_json(case), row.id)
            return str(row.id), str(row.case_no), item_id

    def withdraw(self, item_id: str) -> None:
        """撤回 a 督办/交办: a tombstone that travels down in the next package."""
        with self.db.write() as s:
            own = self._own(s)
            row = s.exec(text(  # type: ignore[call-overload]
                "SELECT revision FROM supervision WHERE id = :id AND owner_code = :own "
                "AND deleted = 0"), params={"id": item_id, "own": own}).first()
            if row is None:
                raise NotFoundError(t("supervision.not_found", id=item_id))
            s.exec(text(  # type: ignore[call-overload]
                "UPDATE supervision SET deleted = 1, revision = revision + 1, updated_at = :now "
                "WHERE id = :id"), params={"id": item_id, "now": now_text()})
            self.services._audit(s, "supervision.withdraw", "supervision", item_id,
                                 {"deleted": False}, {"deleted": True})

    def items(self, include_withdrawn: bool = False) -> list[Item]:
        """Every item held (the county's own, or those a township received)."""
        with self.db.read() as s:
            rows = s.exec(text(  # type: ignore[call-overload]
                f"SELECT {', '.join('s.' + c.strip() for c in ITEM_COLUMNS.split(','))}, "
                "c.case_no FROM supervision s LEFT JOIN dispute_case c ON c.id = s.local_case_id "
                + ("" if include_withdrawn else "WHERE s.deleted = 0 ")
                + "ORDER BY s.target_code, s.issued_on, s.created_at, s.rowid")).all()
        return [_item(r[:13], r[13]) for r in rows]

    def open_count(self) -> int:
        """督办/交办 this office received and has not yet finished or returned (the count a
        township's clerk sees first on start)."""
        from mediator.core.queries import open_supervision_count, own_office

        with self.db.read() as s:
            office = own_office(s)
            return 0 if office is None else open_supervision_count(s, str(office.code))

    # --- the township's answers ------------------------------------------------------------

    def _reply(self, item_id: str, kind: ReplyKind, note: str | None, on: date | None) -> str:
        day = on or self.services.today()
        if day > self.services.today():
            raise ValidationError(t("supervision.reply_future", day=day.isoformat()), "on_date")
        text_ = normalise_text(note) or None
        if kind is not ReplyKind.ACK and not text_:
            raise ValidationError(t("supervision.note_required"), "note")
        if text_ is not None and len(text_) > MAX_INSTRUCTION:
            raise ValidationError(t("supervision.too_long", field=t("supervision.field.note"),
                                    n=MAX_INSTRUCTION), "note")
        with self.db.write() as s:
            own = self._own(s)
            held = s.exec(text(  # type: ignore[call-overload]
                "SELECT local_case_id, kind FROM supervision WHERE id = :id "
                "AND target_code = :own AND deleted = 0"),
                params={"id": item_id, "own": own}).first()
            if held is None:
                raise NotFoundError(t("supervision.not_found", id=item_id))
            if kind is ReplyKind.RETURN and held[1] != ASSIGN:
                raise ValidationError(t("supervision.return_only_assign"), "kind")
            done = {r[0] for r in s.exec(text(  # type: ignore[call-overload]
                "SELECT kind FROM supervision_reply WHERE item_id = :id AND deleted = 0"),
                params={"id": item_id}).all()}
            if kind is ReplyKind.ACK and ReplyKind.ACK.value in done:
                raise ValidationError(t("supervision.already_signed"), "kind")
            if ReplyKind.DONE.value in done:
                raise ValidationError(t("supervision.already_done"), "kind")
            if ReplyKind.RETURN.value in done:
                raise ValidationError(t("supervision.already_returned"), "kind")
            reply_id, now = new_id(), now_text()
            s.exec(text(  # type: ignore[call-overload]
                "INSERT INTO supervision_reply (id, owner_code, revision, created_at, "
                "updated_at, deleted, origin, item_id, kind, on_date, note, case_id) VALUES (:rid, "
                ":own, 1, :now, :now, 0, NULL, :item, :kind, :day, :note, :case)"),
                params={"rid": reply_id, "own": own, "now": now, "item": item_id,
                        "kind": kind.value, "day": day.isoformat(), "note": text_,
                        "case": held[0]})
            if kind is not ReplyKind.ACK and ReplyKind.ACK.value not in done:
                # answering an item signs for it too (the county sees it received)
                s.exec(text(  # type: ignore[call-overload]
                    "INSERT INTO supervision_reply (id, owner_code, revision, created_at, "
                    "updated_at, deleted, origin, item_id, kind, on_date, note, case_id) VALUES "
                    "(:rid, :own, 1, :now, :now, 0, NULL, :item, 'ACK', :day, NULL, :case)"),
                    params={"rid": new_id(), "own": own, "now": now, "item": item_id,
                            "day": day.isoformat(), "case": held[0]})
            self.services._audit(s, f"supervision.{kind.value.lower()}", "supervision",
                                 item_id, None, {"reply": reply_id, "on": day.isoformat(),
                                                 "note": text_})
            return reply_id

    def acknowledge(self, item_id: str, on: date | None = None) -> str:
        """签收 an item received from the county."""
        return self._reply(item_id, ReplyKind.ACK, None, on)

    def report_progress(self, item_id: str, note: str, on: date | None = None) -> str:
        """办理情况: how the township is dealing with an item."""
        return self._reply(item_id, ReplyKind.PROGRESS, note, on)

    def return_item(self, item_id: str, reason: str, on: date | None = None) -> str:
        """退回 a 交办 to the county, with the reason (the township's case stays its own)."""
        return self._reply(item_id, ReplyKind.RETURN, reason, on)

    def finish(self, item_id: str, note: str, on: date | None = None) -> str:
        """办结报告: the item is dealt with."""
        return self._reply(item_id, ReplyKind.DONE, note, on)

    # --- the county's 督办台账 -------------------------------------------------------------

    def ledger(self, on: date | None = None) -> list[LedgerRow]:
        """Every live item this office issued, with its status on day ``on`` (today)."""
        day = on or self.services.today()
        with self.db.read() as s:
            own = self._own(s)
            return self._ledger_rows(s, own, day, None)

    def ledger_page(self, status: str | None = None, township: str | None = None,
                    offset: int = 0, limit: int = 100, on: date | None = None) -> LedgerPage:
        """One page of the 督办台账 (the county's screen): the items of ``township`` (None:
        all) whose status on day ``on`` is ``status`` (None: any), in the 台账's order, with the
        total and the number of items in each status (for the filter). The status is worked
        out in SQL with the same rules as :meth:`ledger` (逾期 by core/overdue.py)."""
        from mediator.core.overdue import P_ITEM_PAST_DUE_SV

        if status is not None and status not in STATUSES:
            raise ValidationError(t("supervision.bad_status", status=status,
                                    statuses="/".join(STATUSES)), "status")
        day = on or self.services.today()

        def answered(kind: str) -> str:
            return ("EXISTS (SELECT 1 FROM supervision_reply r WHERE r.item_id = sv.id AND "
                    "r.owner_code = sv.target_code AND r.deleted = 0 AND r.on_date <= :asof "
                    f"AND r.kind = '{kind}')")
        status_sql = (f"CASE WHEN {answered('RETURN')} THEN '{RETURNED}' "
                      f"WHEN {answered('DONE')} THEN '{FINISHED}' "
                      f"WHEN {P_ITEM_PAST_DUE_SV} THEN '{OVERDUE}' "
                      f"WHEN {answered('PROGRESS')} THEN '{WORKING}' "
                      f"WHEN {answered('ACK')} THEN '{SIGNED}' ELSE '{UNSIGNED}' END")
        with self.db.read() as s:
            own = self._own(s)
            params: dict[str, Any] = {"own": own, "asof": day.isoformat()}
            where = "sv.owner_code = :own AND sv.deleted = 0"
            if township:
                where += " AND sv.target_code = :town"
                params["town"] = township
            base = (f"SELECT sv.id, sv.target_code, sv.issued_on, sv.created_at, sv.rowid AS rid, "
                    f"{status_sql} AS status FROM supervision sv WHERE {where}")
            counts = {st: 0 for st in STATUSES}
            for st, n in s.exec(text(  # type: ignore[call-overload]
                    f"SELECT status, count(*) FROM ({base}) GROUP BY status"),
                    params=params).all():
                counts[str(st)] = int(n)
            chosen = "" if status is None else " WHERE status = :status"
            if status is not None:
                params["status"] = status
            ids = [r[0] for r in s.exec(text(  # type: ignore[call-overload]
                f"SELECT id FROM ({base}){chosen} ORDER BY target_code, issued_on, created_at, "
                "rid LIMIT :lim OFFSET :off"),
                params={**params, "lim": max(1, limit), "off": max(0, offset)}).all()]
            rows = self._ledger_rows(s, own, day, ids) if ids else []
            towns = [(str(c), str(n or c)) for c, n in s.exec(text(  # type: ignore[call-overload]
                "SELECT DISTINCT sv.target_code, o.name FROM supervision sv LEFT JOIN office o "
                "ON o.code = sv.target_code WHERE sv.owner_code = :own AND sv.deleted = 0 "
                "ORDER BY sv.target_code"), params={"own": own}).all()]
        total = counts[status] if status is not None else sum(counts.values())
        return LedgerPage(rows=rows, total=total, counts=counts, townships=towns,
                          offset=max(0, offset))

    def _ledger_rows(self, s: Any, own: str, day: date,
                     ids: list[str] | None) -> list[LedgerRow]:
        """The 台账 rows on ``day`` of the live items ``ids`` this office issued (None: all),
        in the 台账's order (inside the caller's read transaction)."""
        from mediator.core.overdue import days_past_due, item_past_due

        only = "" if ids is None else " AND s.id IN (SELECT value FROM json_each(:ids))"
        only_r = "" if ids is None else " AND r.item_id IN (SELECT value FROM json_each(:ids))"
        params: dict[str, Any] = {"own": own, "day": day.isoformat()}
        if ids is not None:
            params["ids"] = json.dumps(ids)
        items = [_item(r[:13], r[13]) for r in s.exec(text(  # type: ignore[call-overload]
            f"SELECT {', '.join('s.' + c.strip() for c in ITEM_COLUMNS.split(','))}, "
            "c.case_no FROM supervision s LEFT JOIN dispute_case c ON c.id = s.local_case_id "
            f"WHERE s.deleted = 0 AND s.owner_code = :own{only} "
            "ORDER BY s.target_code, s.issued_on, s.created_at, s.rowid"), params=params).all()]
        names = dict(s.exec(text(  # type: ignore[call-overload]
            "SELECT code, name FROM office")).all())
        # the township's case of each item, as its answers name it (a 交办's new case)
        linked = dict(s.exec(text(  # type: ignore[call-overload]
            "SELECT r.item_id, c.case_no FROM supervision_reply r JOIN dispute_case c "
            f"ON c.id = r.case_id AND c.owner_code = r.owner_code WHERE r.deleted = 0{only_r}"),
            params=params).all())
        replies: dict[str, dict[str, tuple[date, str | None]]] = {}
        for item_id, kind, on_date, note in s.exec(text(  # type: ignore[call-overload]
                "SELECT r.item_id, r.kind, r.on_date, r.note FROM supervision_reply r "
                "JOIN supervision i ON i.id = r.item_id AND r.owner_code = i.target_code "
                f"WHERE r.deleted = 0 AND i.owner_code = :own AND r.on_date <= :day{only_r} "
                "ORDER BY r.on_date, r.created_at"), params=params).all():
            # the latest answer of each kind
            replies.setdefault(item_id, {})[kind] = (date.fromisoformat(str(on_date)), note)
        out = []
        for item in items:
            got = replies.get(item.id, {})
            done = got.get(ReplyKind.DONE.value)
            returned = got.get(ReplyKind.RETURN.value)
            if returned is not None:
                status = RETURNED
                done = returned
            elif done is not None:
                status = FINISHED
            elif item_past_due(item.due_on, day):
                status = OVERDUE
            elif ReplyKind.PROGRESS.value in got:
                status = WORKING
            elif ReplyKind.ACK.value in got:
                status = SIGNED
            else:
                status = UNSIGNED
            progress = got.get(ReplyKind.PROGRESS.value)
            signed = got.get(ReplyKind.ACK.value)
            if item.kind == ASSIGN:
                # a 交办's case is the township's (the county's own record, if any, is the ref)
                item = replace(item, case_no=linked.get(item.id))
            elif item.case_no is None and item.id in linked:
                item = replace(item, case_no=linked[item.id])
            out.append(LedgerRow(
                item=item, township=names.get(item.target_code, item.target_code),
                status=status, days_left=None if done else (item.due_on - day).days,
                days_overdue=0 if done else days_past_due(item.due_on, day),
                signed_on=signed[0] if signed else None,
                progress=progress[1] if progress else None,
                finished_on=done[0] if done else None, report=done[1] if done else None))
        return out


@dataclass(frozen=True)
class LedgerRow:
    item: Item
    township: str
    status: str
    days_left: int | None
    days_overdue: int
    signed_on: date | None
    progress: str | None
    finished_on: date | None
    report: str | None


def items_of_case(s: Any, case_id: str) -> list[Item]:
    """The live items on one case (inside the caller's read transaction)."""
    rows = s.exec(text(  # type: ignore[call-overload]
        f"SELECT {ITEM_COLUMNS} FROM supervision WHERE local_case_id = :id AND deleted = 0 "
        "ORDER BY issued_on, created_at"), params={"id": case_id}).all()
    owner = s.exec(text(  # type: ignore[call-overload]
        "SELECT owner_code FROM dispute_case WHERE id = :id"), params={"id": case_id}).first()
    out = []
    for item in (_item(r) for r in rows):
        if item.kind == ASSIGN and owner is not None and owner[0] == item.owner_code:
            # the county's own record of a 交办: the township, and its case once it answered
            name = s.exec(text(  # type: ignore[call-overload]
                "SELECT name FROM office WHERE code = :code"),
                params={"code": item.target_code}).first()
            linked = s.exec(text(  # type: ignore[call-overload]
                "SELECT c.id, c.case_no FROM supervision_reply r JOIN dispute_case c "
                "ON c.id = r.case_id AND c.owner_code = r.owner_code WHERE r.item_id = :id "
                "AND r.owner_code = :town AND r.deleted = 0 AND c.deleted = 0 "
                "ORDER BY r.created_at LIMIT 1"),
                params={"id": item.id, "town": item.target_code}).first()
            item = replace(item, target_name=str(name[0]) if name else None,
                           township_case_id=str(linked[0]) if linked else None,
                           township_case_no=str(linked[1]) if linked else None)
        out.append(item)
    return out


@dataclass(frozen=True)
class LedgerPage:
    """A page of the 督办台账 and what its filter shows."""

    rows: list[LedgerRow]
    total: int                       # items matching the filter (every page)
    counts: dict[str, int]           # items of the township filter in each status
    townships: list[tuple[str, str]]  # (code, name) of every township with a live item
    offset: int = 0
