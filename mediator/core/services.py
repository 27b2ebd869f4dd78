"""Use cases. One method per thing a mediator does, each one transaction (BEGIN IMMEDIATE),
each validated before anything is written and each recorded in the audit trail.

Screens and CLI commands call these and nothing below them; they receive plain values or
model instances detached from the session (loaded eagerly, ``expire_on_commit=False``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, text
from sqlmodel import Session, col, select

from mediator.core import audit, bulk, checks, queries, rules, search
from mediator.core import facts as facts_mod
from mediator.core import referral as referral_mod
from mediator.core.checks import (
    ROLE_ORDER,
    clean_party,
    clean_text,
    facts_from_rows,
    format_case_no,
    optional_text,
    parties_text,
)
from mediator.core.db import Database
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    ConsentForm,
    DisputeType,
    EventKind,
    FollowUpMethod,
    FollowUpResult,
    FollowUpType,
    Gender,
    JudicialResult,
    PartyKind,
    PartyRole,
    PetitionChannel,
    RemediateReason,
    RiskGrade,
    Route,
    TerminateReason,
)
from mediator.core.errors import DomainError, NotFoundError, ValidationError
from mediator.core.importing import ImportedCase, ImportResult
from mediator.core.inputs import (
    AgreementInput,
    CaseFile,
    CaseInput,
    CaseResult,
    Health,
    ObligationInput,
    PartyInput,
    RepeatHit,
)
from mediator.core.models import (
    Agreement,
    Case,
    CaseEvent,
    CaseFact,
    FollowUp,
    LedgerRow,
    Mediator,
    Obligation,
    Office,
    Party,
    Petition,
    Setting,
    SyncedRow,
    Village,
    utcnow,
)
from mediator.core.money import format_fen
from mediator.core.petition import PetitionUseCases, current_petition
from mediator.core.referral import ReferralUseCases
from mediator.core.rules import Action
from mediator.core.validate import (
    MAX_NAME,
    MAX_SHORT_NAME,
    normalise,
    normalise_line,
    normalise_text,
    parse_office_code,
    parse_phone,
    parse_village_code,
)
from mediator.i18n import t

#: ``Outcome`` was this module's name for :class:`CaseResult`, and the inputs and results lived
#: here; both stay importable from here for the screens another branch is rewriting (issue 20's
#: TUI part). New code imports them from ``core.inputs``; drop these once nothing else does.
Outcome = CaseResult
__all__ = ["ROLE_ORDER", "AgreementInput", "CaseFile", "CaseInput", "CaseResult", "Health",
           "ObligationInput", "Outcome", "PartyInput", "RepeatHit", "Services", "clean_party",
           "current_agreement", "current_obligations", "facts_from_rows", "format_case_no",
           "parties_text"]




def _snapshot(row: SyncedRow | None) -> dict[str, Any] | None:
    return None if row is None else row.model_dump(mode="json")


def _touch(row: SyncedRow) -> None:
    row.revision += 1
    row.updated_at = utcnow()


#: cases with an instalment past due and unpaid, in the current agreement of a PERFORMING case.
#: Run on every start. ``+c.owner_code``: walk the few PERFORMING cases (ix_case_state), not
#: every case of the office (ix_case_number): 50 → 10 ms at 100,000 cases.
MISSED_INSTALMENTS_SQL = (
    "SELECT DISTINCT o.case_id FROM obligation o JOIN dispute_case c ON c.id = o.case_id "
    "WHERE o.performed_on IS NULL AND o.deleted = 0 AND o.due_on < :today "
    "AND c.state = 'PERFORMING' AND c.deleted = 0 AND +c.owner_code = "
    "(SELECT value FROM setting WHERE key = 'office_code') "
    # only the current agreement: one replaced after 重新调解 is history
    "AND o.agreement_id = (SELECT a.id FROM agreement a WHERE a.case_id = o.case_id "
    "AND a.deleted = 0 ORDER BY a.created_at DESC, a.id DESC LIMIT 1)"
)



class Services(PetitionUseCases, ReferralUseCases):
    """The application's use cases, bound to one database, operator and clock (the 信访
    ones in core/petition.py)."""

    def __init__(self, db: Database, operator: str = "", today: Callable[[], date] = date.today):
        self.db = db
        self.operator = operator or t("svc.unknown_operator")
        self._today = today

    def today(self) -> date:
        return self._today()

    # --- helpers -----------------------------------------------------------------------

    def _audit(self, s: Session, action: str, entity: str, entity_id: str | None,
               before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:
        audit.append(s, self.operator, action, entity, entity_id, before, after)

    def _office(self, s: Session) -> Office:
        office = queries.own_office(s)
        if office is None:
            raise DomainError(t("svc.no_office"))
        return office

    def _case(self, s: Session, case_id: str, *, writable: bool = True) -> Case:
        case = s.get(Case, case_id)
        if case is None or case.deleted:
            raise NotFoundError(t("svc.case_not_found", case=case_id))
        if writable:
            own = s.get(Setting, "office_code")
            if own is not None and case.owner_code != own.value:
                raise DomainError(t("svc.read_only_case", case=case.case_no))
        return case

    def _event(self, s: Session, case: Case, kind: EventKind, on: date, summary: str = "",
               body: str = "", state_from: CaseState | None = None,
               state_to: CaseState | None = None, **extra: Any) -> CaseEvent:
        ev = CaseEvent(owner_code=case.owner_code, case_id=case.id, kind=kind.name,
                       occurred_on=on, summary=summary, body=body,
                       state_from=state_from.name if state_from else None,
                       state_to=state_to.name if state_to else None,
                       operator=self.operator, **extra)
        s.add(ev)
        return ev

    def _move(self, s: Session, case: Case, action: Action, on: date, summary: str = "",
              body: str = "") -> CaseState:
        """Apply a lifecycle action (``rules.apply``: legality, state, outcome, dates) and
        write its timeline entry."""
        tr = rules.apply(CaseState(case.state), action, on, summary,
                         dispute_type=case.dispute_type, referral=case.referral_kind)
        if tr.moved:
            for column, value in tr.columns().items():
                setattr(case, column, value)
            self._event(s, case, EventKind.STATE, on, tr.summary, body,
                        state_from=tr.before, state_to=tr.after)
            self._record_facts(s, case, tr)
        return tr.after

    def _spells(self, s: Session, case: Case) -> list[tuple[facts_mod.Spell, CaseFact]]:
        rows = s.exec(select(CaseFact).where(
            CaseFact.case_id == case.id, CaseFact.kind == facts_mod.SPELL,
            CaseFact.deleted == False).order_by(col(CaseFact.spell))).all()
        return [(facts_mod.Spell(r.spell, r.accepted_on, r.deadline_on, r.concluded_on,
                                 r.outcome, r.id), r) for r in rows]

    def _record_facts(self, s: Session, case: Case, tr: rules.Transition) -> None:
        """The dated facts of a step (mediator.core.facts.step): a spell opened by 受理 or
        重新调解, ended by a result."""
        held = self._spells(s, case)
        spells = [sp for sp, _ in held]
        rows = {sp.id: row for sp, row in held}
        for sp in facts_mod.step(spells, tr):
            row = rows.get(sp.id) if sp.id else None
            if row is None:
                row = CaseFact(owner_code=case.owner_code, case_id=case.id,
                               kind=facts_mod.SPELL, spell=sp.spell)
            else:
                _touch(row)
            row.accepted_on, row.deadline_on = sp.accepted_on, sp.deadline_on
            row.concluded_on, row.outcome = sp.concluded_on, sp.outcome
            s.add(row)
        s.flush()

    def facts(self, s: Session, case: Case) -> rules.CaseFacts:
        agreement = current_agreement(s, case.id)
        obligations = current_obligations(s, agreement)
        follow_ups = s.exec(select(FollowUp).where(FollowUp.case_id == case.id,
                                                   FollowUp.deleted == False)).all()
        sessions = s.exec(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.SESSION.name,
            CaseEvent.deleted == False)).one()
        petition = current_petition(s, case.id)
        return facts_from_rows(case, agreement, obligations, follow_ups, int(sessions), petition)

    def _set_due(self, case: Case, facts: rules.CaseFacts) -> None:
        case.next_due_on, case.next_due_kind = checks.nearest_due(facts, self.today())

    def _refresh(self, s: Session, case: Case) -> rules.CaseFacts:
        """Recompute what is derived from the case's rows: nearest deadline, party names,
        search index. Called at the end of every change to a case."""
        s.flush()
        facts = self.facts(s, case)
        self._set_due(case, facts)
        parties = s.exec(select(Party).where(Party.case_id == case.id, Party.deleted == False)
                         .order_by(Party.position)).all()
        case.parties_text = parties_text([(p.role, p.name) for p in parties])
        s.add(case)
        s.flush()
        rowid = s.exec(text("SELECT rowid FROM dispute_case WHERE id = :id"),  # type: ignore[call-overload]
                       params={"id": case.id}).scalar_one()
        names = [p.name for p in parties]
        numbers = [x for p in parties for x in (p.id_number, p.phone) if x]
        search.index_case(s, rowid, search.fts_body(case.case_no, names, numbers, case.facts,
                                                   case.requests), search.name_terms(names))
        return facts

    # --- office, people, places --------------------------------------------------------

    def init_office(self, name: str, short_name: str, code: str) -> Office:
        name, short_name = normalise_line(name), normalise_line(short_name)
        if not name:
            raise ValidationError(t("svc.office_name_required"), "name")
        if not short_name:
            raise ValidationError(t("svc.office_short_required"), "short_name")
        if len(short_name) > MAX_SHORT_NAME:
            raise ValidationError(t("svc.office_short_too_long"), "short_name")
        if len(name) > MAX_NAME:
            raise ValidationError(t("svc.too_long", limit=MAX_NAME), "name")
        code = parse_office_code(code)
        with self.db.write() as s:
            existing = s.get(Setting, "office_code")
            if existing is not None and existing.value != code:
                raise DomainError(t("svc.office_exists", code=existing.value))
            office = s.exec(select(Office).where(Office.code == code)).first()
            before = _snapshot(office)
            if office is None:
                office = Office(owner_code=code, code=code, name=name, short_name=short_name)
            else:
                office.name, office.short_name = name, short_name
                _touch(office)
            s.add(office)
            s.merge(Setting(key="office_code", value=code))
            self._audit(s, "office.init", "office", office.id, before, _snapshot(office))
            return office

    def office(self) -> Office | None:
        with self.db.read() as s:
            try:
                return self._office(s)
            except DomainError:
                return None

    def add_mediator(self, name: str, phone: str | None = None, title: str | None = None) -> Mediator:
        name = normalise_line(name)
        if not name:
            raise ValidationError(t("svc.mediator_name_required"), "name")
        if len(name) > MAX_NAME:
            raise ValidationError(t("svc.too_long", limit=MAX_NAME), "name")
        phone_v = parse_phone(phone) if normalise(phone) else None
        with self.db.write() as s:
            office = self._office(s)
            m = Mediator(owner_code=office.code, name=name, phone=phone_v, title=optional_text(title))
            s.add(m)
            self._audit(s, "mediator.add", "mediator", m.id, None, _snapshot(m))
            return m

    def update_mediator(self, mediator_id: str, *, name: str | None = None,
                        phone: str | None = None, active: bool | None = None) -> Mediator:
        with self.db.write() as s:
            m = s.get(Mediator, mediator_id)
            if m is None or m.deleted:
                raise NotFoundError(t("svc.not_found"))
            own = s.get(Setting, "office_code")
            if own is not None and m.owner_code != own.value:
                # one writer per record: a township's mediator is read-only at the county
                raise DomainError(t("svc.read_only_mediator", name=m.name, owner=m.owner_code))
            before = _snapshot(m)
            if name is not None:
                if not normalise_line(name):
                    raise ValidationError(t("svc.mediator_name_required"), "name")
                if len(normalise_line(name)) > MAX_NAME:
                    raise ValidationError(t("svc.too_long", limit=MAX_NAME), "name")
                m.name = normalise_line(name)
            if phone is not None:
                m.phone = parse_phone(phone) if normalise(phone) else None
            if active is not None:
                m.active = active
            _touch(m)
            s.add(m)
            self._audit(s, "mediator.update", "mediator", m.id, before, _snapshot(m))
            return m

    def add_village(self, code: str, name: str) -> Village:
        name = normalise_line(name)
        if not name:
            raise ValidationError(t("svc.village_name_required"), "name")
        if len(name) > MAX_NAME:
            raise ValidationError(t("svc.too_long", limit=MAX_NAME), "name")
        code = parse_village_code(code)
        with self.db.write() as s:
            office = self._office(s)
            if not code.startswith(office.code[:9]) and len(office.code) == 9:
                raise ValidationError(t("svc.village_outside", code=code, office=office.code), "code")
            dup = s.exec(select(Village).where(Village.code == code,
                                               Village.deleted == False)).first()
            if dup is not None:
                raise ValidationError(t("svc.village_exists", code=code, name=dup.name), "code")
            v = Village(owner_code=office.code, code=code, name=name)
            s.add(v)
            self._audit(s, "village.add", "village", v.id, None, _snapshot(v))
            return v

    def set_setting(self, key: str, value: str) -> None:
        with self.db.write() as s:
            old = s.get(Setting, key)
            before = {"value": old.value} if old else None
            s.merge(Setting(key=key, value=value))
            self._audit(s, "setting.set", "setting", key, before, {"value": value})

    def get_setting(self, key: str, default: str | None = None) -> str | None:
        with self.db.read() as s:
            row = s.get(Setting, key)
            return row.value if row else default

    def mediators(self, include_inactive: bool = False) -> list[Mediator]:
        with self.db.read() as s:
            q = select(Mediator).where(Mediator.deleted == False)
            if not include_inactive:
                q = q.where(Mediator.active == True)
            return list(s.exec(q.order_by(Mediator.name)).all())

    def villages(self) -> list[Village]:
        with self.db.read() as s:
            return list(s.exec(select(Village).where(Village.deleted == False)
                               .order_by(Village.code)).all())

    def offices(self) -> list[Office]:
        with self.db.read() as s:
            return list(s.exec(select(Office).where(Office.deleted == False)
                               .order_by(Office.code)).all())

    # --- registering -------------------------------------------------------------------

    def _validate_case(self, data: CaseInput) -> tuple[list[PartyInput], dict[str, Any]]:
        return checks.check_case(data, self.today())

    def _validate_agreement(self, a: AgreementInput) -> None:
        checks.check_agreement(a, self.today())

    def _next_seq(self, s: Session, office: Office, year: int) -> int:
        return queries.last_seq(s, office.code, year) + 1

    def _insert_case(self, s: Session, parties: list[PartyInput], fields: dict[str, Any]) -> Case:
        office = self._office(s)
        if fields["mediator_id"] and s.get(Mediator, fields["mediator_id"]) is None:
            raise ValidationError(t("svc.mediator_unknown"), "mediator_id")
        year = fields["registered_on"].year
        seq = self._next_seq(s, office, year)
        case = Case(owner_code=office.code, year=year, seq=seq,
                    case_no=format_case_no(year, office.short_name, seq), **fields)
        s.add(case)
        s.flush()
        for i, p in enumerate(sorted(parties, key=lambda p: ROLE_ORDER[p.role.name])):
            s.add(Party(owner_code=office.code, case_id=case.id, position=i, role=p.role.name,
                        kind=p.kind.name, name=p.name, id_number=p.id_number,
                        gender=p.gender.name if p.gender else None, birth_date=p.birth_date,
                        ethnicity=p.ethnicity, phone=p.phone, address=p.address,
                        org_code=p.org_code, representative=p.representative))
        self._event(s, case, EventKind.STATE, case.registered_on, t("svc.ev.registered"),
                    state_to=CaseState.REGISTERED)
        if case.source == CaseSource.PETITION.name and case.petition_received_on:
            # 信访转交: the petition record and its clocks start with the case
            s.add(Petition(owner_code=office.code, case_id=case.id,
                           received_on=case.petition_received_on,
                           channel=case.petition_channel))
        return case

    def register_case(self, data: CaseInput) -> CaseResult:
        """登记: a new case in 待受理 with its parties, numbered per office per year."""
        parties, fields = self._validate_case(data)
        with self.db.write() as s:
            case = self._insert_case(s, parties, fields)
            self._refresh(s, case)
            self._audit(s, "case.register", "case", case.id, None, _snapshot(case))
            return CaseResult(case.id, case.case_no)

    def import_ledger_rows(self, rows: Sequence[ImportedCase], source_name: str, *,
                           progress: Callable[[int, int], None] | None = None,
                           dry_run: bool = False, update: bool = False) -> ImportResult:
        """Register many cases read from an existing ledger (台账) in ONE transaction.

        Each row is checked like a case typed in (``core.checks``), replayed along a legal
        lifecycle path to the state the ledger records (``importing.plan_lifecycle``,
        ``rules.apply``), written by ``core.bulk`` and given the timeline entry
        "从 FILE 第 N 行导入". Rows whose ``import_key`` is
        already in the database are skipped, so importing again adds only what is new.
        ``dry_run`` does all of it and rolls back. ``update``: rows already imported whose
        fields changed are applied to their cases through the lifecycle rules, audited as a
        correction (``core.ledger_update``). Returns an ``ImportResult``.
        """
        return bulk.insert_rows(self, rows, source_name, progress=progress, dry_run=dry_run,
                                update=update)

    def pending_search_count(self) -> int:
        """How many cases wait for their search index entries (``search_pending``)."""
        with self.db.read() as s:
            return search.pending_count(s)

    def index_pending_cases(self, chunk: int = 500) -> int:
        """Build the search index entries a ledger import left for later (``search_pending``,
        issue 16), ``chunk`` cases per transaction so another writer never waits long.
        Searches find these cases before and after (``queries._subqueries``). Returns how
        many cases were indexed."""
        done = 0
        while True:
            with self.db.read() as s:
                if not s.exec(text("SELECT EXISTS (SELECT 1 FROM search_pending)")).scalar_one():  # type: ignore[call-overload]
                    return done
            with self.db.write() as s:
                n = search.index_pending(s, chunk)
            if n == 0:
                return done
            done += n

    def ledger_imports(self) -> list[Any]:
        """The ledger imports of this office, newest first (``ledger_rows.ImportEntry``)."""
        from mediator.core import ledger_rows

        with self.db.read() as s:
            return ledger_rows.imports(s, self._office(s).code)

    def undo_ledger_import(self, ref: str) -> tuple[Any, Any]:
        """``mediator import undo``: tombstone everything one ledger import added (its cases
        and their rows, the mediators it created that nothing refers to now), in one
        transaction, audited; refused when a case was worked on since. Returns the import and
        what was removed (``ledger_rows.Undone``)."""
        from mediator.core import ledger_rows

        with self.db.write() as s:
            office = self._office(s)
            entry = ledger_rows.find_import(s, office.code, ref)
            now = utcnow().replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
            undone = ledger_rows.undo(s, office.code, entry, self.operator, now)
            self._audit(s, "ledger.undo", "ledger", entry.id, None, {
                "source": entry.source, "cases": len(undone.case_ids),
                "case_ids": undone.case_ids,
                "mediator_ids": [m[0] for m in undone.mediators]})
            return entry, undone

    def quick_oral_case(self, data: CaseInput, agreement: AgreementInput,
                        on: date | None = None) -> CaseResult:
        """简易登记: register, accept, 告知 and record the (usually oral) agreement at once."""
        on = on or data.registered_on or self.today()
        data.registered_on = on
        parties, fields = self._validate_case(data)
        self._validate_agreement(agreement)
        with self.db.write() as s:
            case = self._insert_case(s, parties, fields)
            self._accept(s, case, on)
            case.notice_on = on
            self._event(s, case, EventKind.NOTICE, on, t("svc.ev.notice"))
            self._move(s, case, Action.NOTICE, on)
            warnings = self._agree(s, case, agreement)
            self._refresh(s, case)
            self._audit(s, "case.quick_oral", "case", case.id, None, _snapshot(case))
            return CaseResult(case.id, case.case_no, tuple(warnings))

    def find_repeat_parties(self, id_number: str | None = None, name: str | None = None,
                            phone: str | None = None, exclude_case_id: str | None = None,
                            limit: int = 50) -> list[RepeatHit]:
        """Other cases of the same ID number, or of the same name and phone. A hit by ID
        under another name than ``name`` says so (reason ``id_other_name``): a typo in the ID,
        or one person registered under two names - either way the mediator must look."""
        idno = normalise(id_number).upper()
        name_n, phone_n = normalise(name), normalise(phone)
        try:
            phone_n = parse_phone(phone_n) if phone_n else ""
        except ValidationError:
            phone_n = ""
        conds = []
        params: dict[str, Any] = {"ex": exclude_case_id or "", "lim": limit}
        if idno:
            conds.append("p.id_number = :idno")
            params["idno"] = idno
        if name_n and phone_n:
            conds.append("(p.name = :name AND p.phone = :phone)")
            params.update(name=name_n, phone=phone_n)
        if not conds:
            return []
        sql = ("SELECT DISTINCT c.id, c.case_no, c.state, c.registered_on, p.name, "
               "CASE WHEN p.id_number = :idno2 THEN (CASE WHEN :given <> '' AND p.name <> :given "
               "THEN 'id_other_name' ELSE 'id' END) ELSE 'name_phone' END "
               "FROM party p JOIN dispute_case c ON c.id = p.case_id "
               f"WHERE ({' OR '.join(conds)}) AND p.deleted = 0 AND c.deleted = 0 AND c.id != :ex "
               "ORDER BY c.registered_on DESC LIMIT :lim")
        params["idno2"] = idno or "\x00"
        params["given"] = name_n
        with self.db.read() as s:
            rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
        return [RepeatHit(r[0], r[1], CaseState(r[2]), date.fromisoformat(str(r[3])), r[4], r[5])
                for r in rows]

    # --- lifecycle ---------------------------------------------------------------------

    def _check_date(self, on: date | None, case: Case, field: str = "on") -> date:
        on = on or self.today()
        if on > self.today():
            raise ValidationError(t("svc.date_in_future"), field)
        if on < case.registered_on:
            raise ValidationError(t("svc.date_before_registration",
                                    date=case.registered_on.isoformat()), field)
        return on

    def _accept(self, s: Session, case: Case, on: date, body: str = "") -> None:
        self._move(s, case, Action.ACCEPT, on, t("svc.ev.accepted"), body)

    def _change(self, case_id: str, action_name: str,
                work: Callable[[Session, Case], list[str] | None]) -> CaseResult:
        """Run one change to a case in one transaction with audit and derived fields."""
        with self.db.write() as s:
            case = self._case(s, case_id)
            before = _snapshot(case)
            warnings = work(s, case) or []
            _touch(case)
            self._refresh(s, case)
            self._audit(s, action_name, "case", case.id, before, _snapshot(case))
            return CaseResult(case.id, case.case_no, tuple(warnings))

    def accept_case(self, case_id: str, on: date | None = None, *,
                    require_consent: bool = False) -> CaseResult:
        """受理. 人民调解法 §17: a party that refused cannot be mediated (refused here); a
        party whose answer is not recorded is accepted only when confirmed: with
        ``require_consent`` it is refused with the names (the CLI without
        ``--without-consent``), otherwise (confirmed) the timeline says whose answer was
        missing and the result warns."""
        def work(s: Session, case: Case) -> list[str]:
            parties = s.exec(select(Party).where(Party.case_id == case.id,
                                                 Party.deleted == False)
                             .order_by(col(Party.position))).all()
            refused = [p.name for p in parties if p.consent_form == ConsentForm.REFUSED.name]
            if refused:  # 人民调解法 §17: 当事人一方明确拒绝调解的，不得调解
                raise DomainError(t("svc.accept_party_refused", names="、".join(refused)))
            missing = "、".join(p.name for p in parties if not p.consent_form)
            if missing and require_consent:
                raise DomainError(t("svc.accept_no_consent", names=missing))
            self._accept(s, case, self._check_date(on, case),
                         t("svc.accept_without_consent", names=missing) if missing else "")
            return [t("svc.accept_without_consent", names=missing)] if missing else []
        return self._change(case_id, "case.accept", work)

    def record_consent(self, party_id: str, form: ConsentForm, on: date | None = None
                       ) -> CaseResult:
        """A party's consent to mediation (口头/书面; 主动调解: no objection) or refusal,
        recorded before 受理."""
        with self.db.write() as s:
            party = s.get(Party, party_id)
            if party is None or party.deleted:
                raise NotFoundError(t("svc.not_found"))
            case = self._case(s, party.case_id)
            if case.state != CaseState.REGISTERED.name:
                raise DomainError(t("svc.consent_after_acceptance", state=CaseState(case.state).label))
            d = self._check_date(on, case)
            before = _snapshot(party)
            party.consent_form, party.consent_on = ConsentForm(form).name, d
            _touch(party)
            s.add(party)
            self._event(s, case, EventKind.NOTE, d,
                        t("svc.ev.consent", name=party.name, form=ConsentForm(form).label))
            _touch(case)
            self._refresh(s, case)
            self._audit(s, "party.consent", "party", party.id, before, _snapshot(party))
            warnings = [t("svc.consent_refused_hint")] if form is ConsentForm.REFUSED else []
            return CaseResult(case.id, case.case_no, tuple(warnings))

    def refuse_case(self, case_id: str, reason: str, routes: Sequence[Route] = (),
                    on: date | None = None, to_body: str = "",
                    measures: str = "") -> CaseResult:
        """不予受理: the reason, and where the parties were told to go - at least one route
        or a named body (stored as ``transfer_to``). A case with a recorded 激化风险 also
        needs the 疏导措施 taken and the body it was passed to (issue 25), kept on the
        timeline with the refusal."""
        reason = normalise_text(reason)
        body = normalise_line(to_body or "")
        measures = normalise_text(measures)
        if not reason:
            raise ValidationError(t("svc.reason_required"), "reason")
        if not routes and not body:
            raise ValidationError(t("svc.refuse_needs_route"), "routes")

        def work(s: Session, case: Case) -> None:
            from mediator.core import followups  # 稳控回访 when at risk (issue 24)

            d = self._check_date(on, case)
            if followups.has_risk(s, case.id):
                if not measures:
                    raise ValidationError(t("svc.refuse_risk_needs_measures"), "measures")
                if not body:
                    raise ValidationError(t("svc.refuse_risk_needs_body"), "to_body")
            case.refusal_reason = reason
            case.routes_told = ",".join(r.name for r in routes) or None
            case.transfer_to = body or case.transfer_to
            note = reason if not measures else "\n".join(
                (reason, t("svc.ev.refused_measures", measures=measures, body=body or "—")))
            self._move(s, case, Action.REFUSE, d, t("svc.ev.refused"), note)
            followups.after_ending_at_risk(self, s, case, d)
        return self._change(case_id, "case.refuse", work)

    def record_notice(self, case_id: str, on: date | None = None, note: str = "") -> CaseResult:
        """权利义务告知: recorded before mediating; moves 已受理 to 调解中."""
        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            rules.check(CaseState(case.state), Action.NOTICE)
            if case.notice_on is not None:
                raise DomainError(t("svc.notice_already", date=case.notice_on.isoformat()))
            case.notice_on = d
            self._event(s, case, EventKind.NOTICE, d, t("svc.ev.notice"), normalise_text(note))
            self._move(s, case, Action.NOTICE, d)
        return self._change(case_id, "case.notice", work)

    def add_session(self, case_id: str, content: str, on: date | None = None,
                    place: str | None = None, participants: str | None = None) -> CaseResult:
        """调解记录: one mediation session (time, place, participants, what was said)."""
        content = clean_text(content)
        if not content:
            raise ValidationError(t("svc.content_required"), "content")

        def work(s: Session, case: Case) -> list[str]:
            d = self._check_date(on, case)
            rules.check(CaseState(case.state), Action.SESSION)
            self._event(s, case, EventKind.SESSION, d, t("svc.ev.session"), content,
                        place=optional_text(place), participants=optional_text(participants))
            self._move(s, case, Action.SESSION, d)
            return [] if case.notice_on else [t("rules.warn.no_notice")]
        return self._change(case_id, "case.session", work)

    def add_note(self, case_id: str, note: str, on: date | None = None) -> CaseResult:
        note = clean_text(note)
        if not note:
            raise ValidationError(t("svc.content_required"), "note")

        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            self._event(s, case, EventKind.NOTE, d, t("svc.ev.note"), note)
        return self._change(case_id, "case.note", work)

    def extend_case(self, case_id: str, new_deadline: date, consent: str,
                    on: date | None = None) -> CaseResult:
        """延期: continuing past one month needs both parties' consent, recorded."""
        consent = normalise_text(consent)
        if not consent:
            raise ValidationError(t("svc.consent_required"), "consent")

        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            rules.check(CaseState(case.state), Action.EXTEND)
            current = case.deadline_on or rules.mediation_deadline(case.accepted_on or d,
                                                                   case.dispute_type)
            if new_deadline <= current:
                raise ValidationError(t("svc.extension_not_later", date=current.isoformat()),
                                      "new_deadline")
            case.deadline_on = new_deadline
            case.extension_count += 1
            spell = max((sp.spell for sp, _ in self._spells(s, case)), default=0)
            s.add(CaseFact(owner_code=case.owner_code, case_id=case.id,
                           kind=facts_mod.EXTENSION, spell=spell, fact_on=d,
                           deadline_on=new_deadline))
            # a petition's own clock is extended by Services.petition_extend, never by this
            self._event(s, case, EventKind.EXTENSION, d,
                        t("svc.ev.extended", date=new_deadline.isoformat()), consent)
        return self._change(case_id, "case.extend", work)

    def _agree(self, s: Session, case: Case, a: AgreementInput, *,
               policy: bool = True) -> list[str]:
        """``policy=False``: no 回访 by the office's policy (a ledger ``--update`` brings in
        a past that was visited or not as the ledger says, like a fresh import)."""
        if a.effective_on < case.registered_on:
            raise ValidationError(t("svc.date_before_registration",
                                    date=case.registered_on.isoformat()), "effective_on")
        # 涉及金额 follows the agreement unless typed by hand: unset, or the amount of the
        # agreement this one replaces
        prev = current_agreement(s, case.id)
        if case.amount_fen == 0 or (prev is not None and case.amount_fen == prev.amount_fen):
            case.amount_fen = a.amount_fen
        self._move(s, case, Action.AGREE, a.effective_on, t("svc.ev.agreed", form=a.form.label))
        ag = Agreement(owner_code=case.owner_code, case_id=case.id, form=a.form.name,
                       effective_on=a.effective_on, terms=clean_text(a.terms),
                       responsibilities=clean_text(a.responsibilities), amount_fen=a.amount_fen,
                       perform_place=optional_text(a.perform_place), perform_method=optional_text(a.perform_method),
                       perform_by=a.perform_by)
        s.add(ag)
        s.flush()
        for i, o in enumerate(sorted(a.obligations, key=lambda o: o.due_on), start=1):
            ob = Obligation(owner_code=case.owner_code, agreement_id=ag.id, case_id=case.id,
                            seq=i, obligor=optional_text(o.obligor), description=clean_text(o.description),
                            due_on=o.due_on, amount_fen=o.amount_fen)
            s.add(ob)
            s.flush()
            # 回访 on each obligation's due date: the committee supervises performance.
            s.add(FollowUp(owner_code=case.owner_code, case_id=case.id, obligation_id=ob.id,
                           kind=FollowUpType.PERFORMANCE.name, due_on=o.due_on,
                           note=t("svc.followup_for_obligation", n=i), operator=self.operator))
        if a.performed_now:
            self._move(s, case, Action.COMPLETE_PERFORMANCE, a.effective_on, t("svc.ev.performed"))
        elif a.obligations:
            self._move(s, case, Action.BEGIN_PERFORMANCE, a.effective_on)
        from mediator.core import followups  # 回访 policy (issue 24)

        if policy:
            followups.after_agreement(self, s, case, a.effective_on)
        warnings = []
        if rules.oral_needs_written(a.form, a.amount_fen, len(a.obligations)):
            warnings.append(t("rules.warn.oral_needs_written"))
        if a.form is AgreementForm.WRITTEN:
            from mediator.core.agreement_contents import missing_elements, missing_text

            gaps = missing_elements(requests=case.requests, responsibilities=a.responsibilities,
                                    method=a.perform_method, place=a.perform_place,
                                    perform_by=a.perform_by, instalments=len(a.obligations),
                                    performed_on_the_spot=a.performed_now)
            if gaps:
                warnings.append(t("rules.warn.written_missing", items=missing_text(gaps)))
        return warnings

    def record_agreement(self, case_id: str, agreement: AgreementInput) -> CaseResult:
        """达成协议 (口头/书面); schedules a 回访 for each obligation's due date."""
        self._validate_agreement(agreement)

        def work(s: Session, case: Case) -> list[str]:
            gaps = rules.concluding_warning(Action.AGREE, case.notice_on,
                                            self._session_count(s, case))
            return self._agree(s, case, agreement) + gaps
        return self._change(case_id, "case.agree", work)

    def _session_count(self, s: Session, case: Case) -> int:
        return int(s.exec(select(func.count()).select_from(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.SESSION.name,
            CaseEvent.deleted == False)).one())

    def _agreement(self, s: Session, case: Case) -> Agreement:
        ag = current_agreement(s, case.id)
        if ag is None:
            raise DomainError(t("svc.no_agreement"))
        return ag

    def record_failure(self, case_id: str, reason: str, routes: Sequence[Route],
                       on: date | None = None,
                       code: TerminateReason = TerminateReason.FAILED) -> CaseResult:
        """调解终止: the parties are told of the other routes (仲裁, 行政处理, 诉讼); the
        coded reason (调解不成, 一方要求终止, 已起诉/仲裁/行政处理, 失联, 激化移交) is stored."""
        reason = normalise_text(reason)
        if not reason:
            raise ValidationError(t("svc.reason_required"), "reason")
        if not routes:
            raise ValidationError(t("svc.routes_required"), "routes")

        def work(s: Session, case: Case) -> list[str]:
            gaps = rules.concluding_warning(Action.TERMINATE, case.notice_on,
                                            self._session_count(s, case))
            d = self._check_date(on, case)
            case.routes_told = ",".join(r.name for r in routes)
            case.terminate_reason = TerminateReason(code).name
            self._move(s, case, Action.TERMINATE, d, t("svc.ev.terminated"),
                       reason + "\n" + t("svc.routes_told", routes="、".join(r.label for r in routes)))
            from mediator.core import followups  # 稳控回访 when at risk (issue 24)

            followups.after_ending_at_risk(self, s, case, d)
            return gaps
        return self._change(case_id, "case.terminate", work)

    def record_performance(self, obligation_id: str, performed_on: date | None = None,
                           proof: str | None = None, amount_fen: int | None = None) -> CaseResult:
        """A payment on one obligation (instalment), with its proof (e.g. a receipt number).
        ``amount_fen`` is what was paid now, at most the balance (None: the whole balance);
        the obligation is performed once fully paid, and when all are, the case becomes
        履行完毕. A duty without money is performed in one step."""
        with self.db.write() as s:
            ob = s.get(Obligation, obligation_id)
            if ob is None or ob.deleted:
                raise NotFoundError(t("svc.not_found"))
            case = self._case(s, ob.case_id)
            before = _snapshot(case)
            rules.check(CaseState(case.state), Action.RECORD_PERFORMANCE)
            if ob.performed_on is not None:
                raise DomainError(t("svc.already_performed"))
            current = current_agreement(s, case.id)
            if current is None or ob.agreement_id != current.id:
                raise DomainError(t("svc.obligation_superseded"))
            balance = max(ob.amount_fen - ob.paid_fen, 0)
            paid = balance if amount_fen is None else amount_fen
            if ob.amount_fen > 0 and paid <= 0:
                raise ValidationError(t("svc.payment_not_positive"), "amount")
            if paid > balance:
                raise ValidationError(t("svc.payment_over_balance", paid=format_fen(paid),
                                        balance=format_fen(balance)), "amount")
            d = self._check_date(performed_on, case)
            ob_before = _snapshot(ob)
            ob.paid_fen += paid
            # each payment's proof is kept (its own is also in the payment's event)
            ob.proof = "；".join(x for x in (ob.proof, optional_text(proof)) if x) or None
            done = ob.paid_fen >= ob.amount_fen
            if done:
                ob.performed_on = d
            _touch(ob)
            s.add(ob)
            if done:
                summary = t("svc.ev.obligation_performed", n=ob.seq)
            else:
                summary = t("svc.ev.obligation_part_paid", n=ob.seq, paid=format_fen(paid),
                            balance=format_fen(ob.amount_fen - ob.paid_fen))
            self._event(s, case, EventKind.PERFORMANCE, d, summary, optional_text(proof) or "")
            s.flush()
            open_left = s.exec(select(func.count()).select_from(Obligation).where(
                Obligation.agreement_id == current.id, Obligation.performed_on == None,
                Obligation.deleted == False)).one()
            if open_left == 0:
                self._move(s, case, Action.COMPLETE_PERFORMANCE, d, t("svc.ev.performed"))
            _touch(case)
            self._refresh(s, case)
            self._audit(s, "obligation.performed" if done else "obligation.part_paid",
                        "obligation", ob.id, ob_before, _snapshot(ob))
            self._audit(s, "case.performance", "case", case.id, before, _snapshot(case))
            return CaseResult(case.id, case.case_no)

    def complete_performance(self, case_id: str, on: date | None = None, note: str = "") -> CaseResult:
        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            self._move(s, case, Action.COMPLETE_PERFORMANCE, d, t("svc.ev.performed"), normalise_text(note))
        return self._change(case_id, "case.performed", work)

    def sweep_missed_instalments(self) -> list[str]:
        """A missed instalment makes the case 未履行. Run at start and daily; returns case ids."""
        today = self.today()
        with self.db.write() as s:
            ids = [r[0] for r in s.exec(text(MISSED_INSTALMENTS_SQL),  # type: ignore[call-overload]
                                         params={"today": today.isoformat()})]
            for cid in ids:
                case = self._case(s, cid)
                before = _snapshot(case)
                self._move(s, case, Action.MISS, today, t("svc.ev.missed"))
                _touch(case)
                self._refresh(s, case)
                self._audit(s, "case.missed", "case", case.id, before, _snapshot(case))
            return ids

    def urge(self, case_id: str, note: str, on: date | None = None) -> CaseResult:
        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            self._move(s, case, Action.URGE, d, t("svc.ev.urged"), normalise_text(note))
        return self._change(case_id, "case.urge", work)

    def remediate(self, case_id: str, note: str = "", on: date | None = None,
                  reason: RemediateReason | None = None) -> CaseResult:
        """重新调解: after non-performance (the reason by default), after a 司法确认 驳回, or for
        an agreement whose content is improper or that a party has special difficulty
        performing (a coded reason required). The first 受理日期 is kept; the new date is
        stored apart and the time limit runs from it; the old agreement stays on file."""
        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            state = CaseState(case.state)
            code = reason
            if code is None and state in (CaseState.UNPERFORMED, CaseState.URGED):
                code = RemediateReason.NON_PERFORMANCE
            if code is None:
                raise ValidationError(t("svc.remediate_reason_required"), "reason")
            if code is RemediateReason.NON_PERFORMANCE and state not in (
                    CaseState.UNPERFORMED, CaseState.URGED):
                raise DomainError(t("svc.remediate_not_unperformed"))
            if code is RemediateReason.JUDICIAL_REJECTED:
                ag = current_agreement(s, case.id)
                if ag is None or ag.judicial_status != JudicialResult.REJECTED.name:
                    raise DomainError(t("svc.remediate_not_rejected"))
            case.remediate_reason = code.name
            self._move(s, case, Action.REMEDIATE, d, t("svc.ev.remediate"),
                       "\n".join(x for x in (code.label, normalise_text(note)) if x))
            # The failed agreement's open 履行回访 go with it; a new agreement schedules its own.
            for fu in s.exec(select(FollowUp).where(
                    FollowUp.case_id == case.id, FollowUp.obligation_id != None,
                    FollowUp.done_on == None, FollowUp.deleted == False)).all():
                fu.deleted = True
                _touch(fu)
                s.add(fu)
                # it still counts as due in the periods before today (应回访)
                s.add(CaseFact(owner_code=case.owner_code, case_id=case.id,
                               kind=facts_mod.FOLLOW_UP_DROPPED, fact_on=d, ref_id=fu.id))
        return self._change(case_id, "case.remediate", work)

    def advise_suit(self, case_id: str, note: str = "", on: date | None = None) -> CaseResult:
        def work(s: Session, case: Case) -> None:
            if case.state in (CaseState.AGREED.name, CaseState.PERFORMING.name):
                ag = current_agreement(s, case.id)
                if ag is None or ag.judicial_status != JudicialResult.REJECTED.name:
                    raise DomainError(t("svc.advise_suit_not_rejected"))
            d = self._check_date(on, case)
            case.routes_told = Route.LITIGATION.name
            self._move(s, case, Action.ADVISE_SUIT, d, t("svc.ev.suit"), normalise_text(note))
        return self._change(case_id, "case.suit", work)

    def put_agreement_in_writing(self, case_id: str, terms: str = "",
                                 responsibilities: str = "", perform_method: str | None = None,
                                 perform_place: str | None = None,
                                 perform_by: date | None = None,
                                 on: date | None = None) -> CaseResult:
        """补签书面协议: the oral agreement in force put in writing afterwards (a party asks,
        or it carries money or obligations): the same agreement, now 书面, with the terms as
        signed and what a written one must state (warned when missing, as on recording)."""
        def work(s: Session, case: Case) -> list[str]:
            d = self._check_date(on, case)
            rules.check(CaseState(case.state), Action.PUT_IN_WRITING)
            ag = self._agreement(s, case)
            if ag.form != AgreementForm.ORAL.name:
                raise DomainError(t("svc.agreement_already_written"))
            ag.form = AgreementForm.WRITTEN.name
            if normalise(terms):
                ag.terms = clean_text(terms)
            ag.responsibilities = clean_text(responsibilities) or ag.responsibilities
            ag.perform_method = optional_text(perform_method) or ag.perform_method
            ag.perform_place = optional_text(perform_place) or ag.perform_place
            ag.perform_by = perform_by or ag.perform_by
            _touch(ag)
            s.add(ag)
            # written from today: the periods before still count it as oral
            s.add(CaseFact(owner_code=case.owner_code, case_id=case.id,
                           kind=facts_mod.PUT_IN_WRITING, fact_on=d, ref_id=ag.id))
            self._event(s, case, EventKind.NOTE, d, t("svc.ev.put_in_writing"), ag.terms)
            from mediator.core.agreement_contents import missing_elements, missing_text

            instalments = len(current_obligations(s, ag))
            gaps = missing_elements(
                requests=case.requests, responsibilities=ag.responsibilities,
                method=ag.perform_method, place=ag.perform_place, perform_by=ag.perform_by,
                instalments=instalments,
                performed_on_the_spot=not instalments and case.state in (
                    CaseState.PERFORMED.name, CaseState.ARCHIVED.name))
            return [t("rules.warn.written_missing", items=missing_text(gaps))] if gaps else []
        return self._change(case_id, "case.put_in_writing", work)

    def judicial_apply(self, case_id: str, on: date | None = None, court: str = "") -> CaseResult:
        """司法确认 application: both parties, within 30 days of the agreement taking effect."""
        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            rules.check(CaseState(case.state), Action.JUDICIAL_APPLY)
            ag = self._agreement(s, case)
            if ag.judicial_status is not None:
                raise DomainError(t("svc.judicial_already"))
            if ag.form != AgreementForm.WRITTEN.name:
                raise DomainError(t("svc.judicial_oral"))
            rules.judicial_apply_allowed(ag.effective_on, d)
            ag.judicial_status = JudicialResult.APPLIED.name
            ag.judicial_applied_on = d
            # a court's referral names the court unless another is given (issue 25 point 3)
            named = optional_text(court) or optional_text(referral_mod.referring_court(case))
            ag.judicial_court = named
            _touch(ag)
            s.add(ag)
            self._event(s, case, EventKind.JUDICIAL, d, t("svc.ev.judicial_applied"), named or "")
        return self._change(case_id, "case.judicial_apply", work)

    def judicial_result(self, case_id: str, result: JudicialResult, on: date | None = None,
                        ref: str = "") -> CaseResult:
        if result is JudicialResult.APPLIED:
            raise ValidationError(t("svc.judicial_result_needed"), "result")

        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            rules.check(CaseState(case.state), Action.JUDICIAL_RESULT)
            ag = self._agreement(s, case)
            if ag.judicial_status != JudicialResult.APPLIED.name:
                raise DomainError(t("svc.judicial_not_applied"))
            if ag.judicial_applied_on and d < ag.judicial_applied_on:
                raise ValidationError(t("svc.judicial_before_apply"), "on")
            ag.judicial_status = result.name
            ag.judicial_decided_on = d
            ag.judicial_ref = optional_text(ref)
            _touch(ag)
            s.add(ag)
            self._event(s, case, EventKind.JUDICIAL, d, t("svc.ev.judicial_result", result=result.label),
                        normalise_text(ref))
        return self._change(case_id, "case.judicial_result", work)

    def transfer_case(self, case_id: str, to: str, reason: str, on: date | None = None) -> CaseResult:
        """移交/上报: the upper level opens its own case linked to this one."""
        to, reason = normalise_line(to), normalise_text(reason)
        if not to:
            raise ValidationError(t("svc.transfer_to_required"), "to")

        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            case.transfer_to = to
            self._move(s, case, Action.TRANSFER, d, t("svc.ev.transferred", to=to), reason)
            self._event(s, case, EventKind.TRANSFER, d, t("svc.ev.transferred", to=to), reason)
        return self._change(case_id, "case.transfer", work)

    def open_linked_case(self, source_case_id: str, on: date | None = None) -> CaseResult:
        """承接: the upper level opens its own case for a case an office below passed up
        (移交/上报). The new case belongs to this office, copies the parties and facts, and
        points back by id and number (linked_case_id / linked_case_no); the lower office's
        case stays as it was, read-only here."""
        with self.db.write() as s:
            source = self._case(s, source_case_id, writable=False)
            office = self._office(s)
            if source.owner_code == office.code:
                raise DomainError(t("svc.link_own_case"))
            existing = s.exec(select(Case).where(Case.linked_case_id == source.id,
                                                 Case.owner_code == office.code,
                                                 Case.deleted == False)).first()
            if existing is not None:
                raise DomainError(t("svc.link_exists", case=existing.case_no))
            rows = s.exec(select(Party).where(Party.case_id == source.id,
                                              Party.deleted == False)
                          .order_by(Party.position)).all()
            people = [PartyInput(
                name=p.name, role=PartyRole(p.role), kind=PartyKind(p.kind),
                id_number=p.id_number, phone=p.phone,
                gender=Gender(p.gender) if p.gender else None, birth_date=p.birth_date,
                ethnicity=p.ethnicity, address=p.address, org_code=p.org_code,
                representative=p.representative) for p in rows]
            parties, fields = self._validate_case(CaseInput(
                parties=people, dispute_type=DisputeType(source.dispute_type),
                source=CaseSource(source.source), registered_on=on or self.today(),
                facts=source.facts or source.case_no, requests=source.requests,
                village_code=source.village_code, persons_involved=source.persons_involved,
                amount_fen=source.amount_fen, group_dispute=source.group_dispute,
                risk_grade=RiskGrade(source.risk_grade), is_hard=source.is_hard,
                lead_official=source.lead_official,
                responsible_person=source.responsible_person, resolve_by=source.resolve_by,
                stabilising_measures=source.stabilising_measures,
                petition_channel=PetitionChannel(source.petition_channel)
                if source.petition_channel else None,
                petition_received_on=source.petition_received_on))
            case = self._insert_case(s, parties, fields)
            case.linked_case_id, case.linked_case_no = source.id, source.case_no
            self._event(s, case, EventKind.TRANSFER, case.registered_on,
                        t("svc.ev.linked_from", case=source.case_no), source.transfer_to or "")
            self._refresh(s, case)
            self._audit(s, "case.open_linked", "case", case.id, None, _snapshot(case))
            return CaseResult(case.id, case.case_no)

    def withdraw_case(self, case_id: str, reason: str = "", on: date | None = None) -> CaseResult:
        def work(s: Session, case: Case) -> None:
            d = self._check_date(on, case)
            case.withdraw_reason = optional_text(reason)
            self._move(s, case, Action.WITHDRAW, d, t("svc.ev.withdrawn"), normalise_text(reason))
        return self._change(case_id, "case.withdraw", work)

    def archive_case(self, case_id: str, on: date | None = None) -> CaseResult:
        def work(s: Session, case: Case) -> list[str]:
            d = self._check_date(on, case)
            self._move(s, case, Action.ARCHIVE, d, t("svc.ev.archived"))
            return []
        return self._change(case_id, "case.archive", work)

    def delete_case(self, case_id: str, reason: str) -> CaseResult:
        """A mistaken entry: tombstoned with its rows, never erased (so deletion travels)."""
        reason = normalise_text(reason)
        if not reason:
            raise ValidationError(t("svc.reason_required"), "reason")
        with self.db.write() as s:
            case = self._case(s, case_id)
            before = _snapshot(case)
            for model in (Party, CaseEvent, FollowUp, Obligation, Agreement, CaseFact):
                for row in s.exec(select(model).where(model.case_id == case.id,  # type: ignore[attr-defined]
                                                      model.deleted == False)).all():
                    row.deleted = True
                    _touch(row)
                    s.add(row)
            case.deleted = True
            _touch(case)
            s.add(case)
            s.flush()
            rowid = s.exec(text("SELECT rowid FROM dispute_case WHERE id=:id"),  # type: ignore[call-overload]
                           params={"id": case.id}).scalar_one()
            search.delete_bodies(s.connection().connection.driver_connection, [rowid])
            s.exec(text("DELETE FROM case_term WHERE case_rowid=:r"), params={"r": rowid})  # type: ignore[call-overload]
            self._audit(s, "case.delete", "case", case.id, before, {"deleted": True, "reason": reason})
            return CaseResult(case.id, case.case_no)

    # --- follow-ups --------------------------------------------------------------------

    def schedule_follow_up(self, case_id: str, due_on: date, kind: FollowUpType = FollowUpType.ROUTINE,
                           method: FollowUpMethod | None = None, note: str = "") -> CaseResult:
        def work(s: Session, case: Case) -> None:
            rules.check(CaseState(case.state), Action.SCHEDULE_FOLLOW_UP)
            if due_on < case.registered_on:
                raise ValidationError(t("svc.date_before_registration",
                                        date=case.registered_on.isoformat()), "due_on")
            s.add(FollowUp(owner_code=case.owner_code, case_id=case.id, kind=kind.name,
                           method=method.name if method else None, due_on=due_on,
                           note=normalise_text(note), operator=self.operator))
            self._event(s, case, EventKind.FOLLOW_UP, self.today(),
                        t("svc.ev.followup_scheduled", date=due_on.isoformat()), normalise_text(note))
        return self._change(case_id, "followup.schedule", work)

    def complete_follow_up(self, follow_up_id: str, result: FollowUpResult,
                           method: FollowUpMethod, note: str = "",
                           done_on: date | None = None, *, performance: str = "",
                           satisfaction: Any = None, new_signs: str = "",
                           measures: str = "") -> CaseResult:
        """回访 done. A visit that finds an obligation not performed marks the case 未履行.
        ``performance`` (履行情况), ``satisfaction`` (满意度, a Satisfaction), ``new_signs``
        (新苗头/隐患) and ``measures`` (措施) are the structured record (issue 24)."""
        from mediator.core.enums import Satisfaction

        satisfaction = Satisfaction(satisfaction) if satisfaction else None
        performance, new_signs = clean_text(performance, 2000), clean_text(new_signs, 2000)
        measures = clean_text(measures, 2000)
        with self.db.write() as s:
            fu = s.get(FollowUp, follow_up_id)
            if fu is None or fu.deleted:
                raise NotFoundError(t("svc.not_found"))
            case = self._case(s, fu.case_id)
            if fu.done_on is not None:
                raise DomainError(t("svc.followup_done_already"))
            d = self._check_date(done_on, case, "done_on")
            before_fu, before = _snapshot(fu), _snapshot(case)
            fu.done_on, fu.result, fu.method = d, result.name, method.name
            fu.performance, fu.new_signs, fu.measures = performance, new_signs, measures
            fu.satisfaction = satisfaction.name if satisfaction else None
            fu.note = "\n".join(x for x in (fu.note, normalise_text(note)) if x)
            fu.operator = self.operator
            _touch(fu)
            s.add(fu)
            self._event(s, case, EventKind.FOLLOW_UP, d,
                        t("svc.ev.followup_done", result=result.label, method=method.label),
                        normalise_text(note))
            if (result is FollowUpResult.NOT_PERFORMED
                    and case.state == CaseState.PERFORMING.name):
                self._move(s, case, Action.MISS, d, t("svc.ev.missed"))
            _touch(case)
            self._refresh(s, case)
            self._audit(s, "followup.complete", "follow_up", fu.id, before_fu, _snapshot(fu))
            self._audit(s, "case.followup", "case", case.id, before, _snapshot(case))
            return CaseResult(case.id, case.case_no)

    # --- editing -----------------------------------------------------------------------

    EDITABLE = ("dispute_type", "source", "facts", "requests", "village_code", "mediator_id",
                "persons_involved", "amount_fen", "group_dispute", "risk_grade", "is_hard",
                "lead_official", "responsible_person", "resolve_by", "stabilising_measures",
                "prevented_criminal", "prevented_petition", "petition_channel",
                "petition_received_on",
                "referral_kind", "referral_body", "referral_no", "referral_on")

    @classmethod
    def edited_fields(cls, body: str) -> str:
        """An 修改信息 entry's body (the field names, language-neutral as stored and synced)
        in the reader's words: "facts, risk_grade" -> 纠纷简要情况、风险等级. Other text is
        returned as it is."""
        names = [n.strip() for n in body.split(",")]
        if not body.strip() or any(n not in cls.EDITABLE for n in names):
            return body
        return t("svc.field.separator").join(t(f"svc.field.{n}") for n in names)

    def edit_case(self, case_id: str, **changes: Any) -> CaseResult:
        """Edit the details of a case (not its state: that moves only through actions)."""
        unknown = set(changes) - set(self.EDITABLE)
        if unknown:
            raise ValidationError(t("svc.not_editable", fields=", ".join(sorted(unknown))))

        def work(s: Session, case: Case) -> None:
            rules.check(CaseState(case.state), Action.EDIT)
            for key, value in changes.items():
                if key in ("facts", "requests"):
                    value = clean_text(value)
                    if key == "facts" and not value:
                        raise ValidationError(t("svc.facts_required"), "facts")
                elif key in ("lead_official", "responsible_person", "stabilising_measures"):
                    value = optional_text(value)
                elif key == "village_code":
                    value = parse_village_code(value) if normalise(value) else None
                elif key == "dispute_type":
                    value = DisputeType(value).name
                elif key == "source":
                    value = CaseSource(value).name
                elif key == "risk_grade":
                    value = RiskGrade(value).name
                elif key == "petition_channel":
                    value = PetitionChannel(value).name if value else None
                elif key in ("persons_involved", "amount_fen") and (value is None or int(value) < 0):
                    raise ValidationError(t("svc.amount_negative"), key)
                setattr(case, key, value)
            if any(k in changes for k in referral_mod.FIELDS):
                # the regime and its record (issue 25 point 3): the regime sets the source
                kind = changes.get("referral_kind", case.referral_kind)
                for key, value in referral_mod.check_fields(
                        kind, case.referral_body, case.referral_no, case.referral_on,
                        source=case.source, source_given="source" in changes,
                        registered_on=case.registered_on, today=self.today()).items():
                    setattr(case, key, value)
            if case.is_hard and not case.lead_official:
                raise ValidationError(t("svc.hard_needs_leader"), "lead_official")
            from mediator.core.risk import check_claims  # 防止… only with a risk event (issue 24)

            check_claims(s, case, changes)
            self._event(s, case, EventKind.EDIT, self.today(), t("svc.ev.edited"),
                        ", ".join(sorted(changes)))
        return self._change(case_id, "case.edit", work)

    def correct_dates(self, case_id: str, reason: str, *, spell: int | None = None,
                      accepted_on: date | None = None,
                      concluded_on: date | None = None) -> CaseResult:
        """更正: a date of a mediation recorded wrong (受理日期, 调结日期 of spell ``spell``,
        the latest by default). Unlike every later action, a correction changes the figures
        of the period the fact was in: the fact row, the state entry on the timeline and (for
        the latest spell) the case's columns are corrected, with the reason, audited."""
        reason = normalise_text(reason)
        if not reason:
            raise ValidationError(t("svc.reason_required"), "reason")
        if accepted_on is None and concluded_on is None:
            raise ValidationError(t("svc.correct_nothing"))

        def work(s: Session, case: Case) -> None:
            rules.check(CaseState(case.state), Action.NOTE)
            held = self._spells(s, case)
            numbers = [sp.spell for sp, _ in held]
            if not held or (spell is not None and spell not in numbers):
                raise ValidationError(t("svc.correct_no_spell"), "spell")
            i = numbers.index(spell) if spell is not None else len(held) - 1
            sp, row = held[i]
            prev_end = held[i - 1][0].concluded_on if i > 0 else None
            next_start = held[i + 1][0].accepted_on if i + 1 < len(held) else None
            changes = []
            if accepted_on is not None:
                if sp.accepted_on is None:
                    raise ValidationError(t("svc.correct_not_accepted"), "accepted_on")
                self._check_date(accepted_on, case, "accepted_on")
                end = concluded_on or sp.concluded_on
                if (end is not None and accepted_on > end) or (
                        prev_end is not None and accepted_on < prev_end):
                    raise ValidationError(t("svc.correct_order"), "accepted_on")
                changes.append(("accepted_on", sp.accepted_on, accepted_on))
            if concluded_on is not None:
                if sp.concluded_on is None:
                    raise ValidationError(t("svc.correct_not_concluded"), "concluded_on")
                self._check_date(concluded_on, case, "concluded_on")
                start = accepted_on or sp.accepted_on
                if (start is not None and concluded_on < start) or (
                        next_start is not None and concluded_on > next_start):
                    raise ValidationError(t("svc.correct_order"), "concluded_on")
                changes.append(("concluded_on", sp.concluded_on, concluded_on))
            latest = i == len(held) - 1
            extended = s.exec(select(func.count()).select_from(CaseFact).where(
                CaseFact.case_id == case.id, CaseFact.kind == facts_mod.EXTENSION,
                CaseFact.spell == sp.spell, CaseFact.deleted == False)).one()
            for column, old, new in changes:
                # the state entry that recorded it, moved to the corrected day
                starts = column == "accepted_on"
                for ev in s.exec(select(CaseEvent).where(
                        CaseEvent.case_id == case.id, CaseEvent.kind == EventKind.STATE.name,
                        CaseEvent.occurred_on == old, CaseEvent.deleted == False)).all():
                    opens = ev.state_to == CaseState.ACCEPTED.name or (
                        ev.state_to == CaseState.MEDIATING.name
                        and ev.state_from in (CaseState.UNPERFORMED.name, CaseState.URGED.name))
                    closes = ev.state_to in {st.name for st in rules.OUTCOME_OF}
                    if (starts and opens) or (not starts and closes):
                        ev.occurred_on = new
                        _touch(ev)
                        s.add(ev)
                        break
                setattr(row, column, new)
                if latest:
                    setattr(case, column, new)
                if starts and not extended:
                    row.deadline_on = rules.mediation_deadline(new)
                    if latest:
                        case.deadline_on = row.deadline_on
            _touch(row)
            s.add(row)
            body = "\n".join(t("svc.correct_line", field=t(f"svc.field.{c}"), old=o.isoformat(),
                                new=n.isoformat()) for c, o, n in changes if o is not None)
            self._event(s, case, EventKind.EDIT, self.today(), t("svc.ev.corrected"),
                        body + "\n" + reason)
        return self._change(case_id, "case.correct", work)

    def add_party(self, case_id: str, party: PartyInput) -> CaseResult:
        p = clean_party(party, 0)

        def work(s: Session, case: Case) -> None:
            rules.check(CaseState(case.state), Action.EDIT)
            pos = s.exec(select(func.coalesce(func.max(Party.position), -1)).where(
                Party.case_id == case.id)).one() + 1
            s.add(Party(owner_code=case.owner_code, case_id=case.id, position=pos,
                        role=p.role.name, kind=p.kind.name, name=p.name, id_number=p.id_number,
                        gender=p.gender.name if p.gender else None, birth_date=p.birth_date,
                        ethnicity=p.ethnicity, phone=p.phone, address=p.address,
                        org_code=p.org_code, representative=p.representative))
            self._event(s, case, EventKind.EDIT, self.today(), t("svc.ev.party_added", name=p.name))
        return self._change(case_id, "party.add", work)

    def update_party(self, party_id: str, party: PartyInput) -> CaseResult:
        p = clean_party(party, 0)
        with self.db.write() as s:
            row = s.get(Party, party_id)
            if row is None or row.deleted:
                raise NotFoundError(t("svc.not_found"))
            case = self._case(s, row.case_id)
            rules.check(CaseState(case.state), Action.EDIT)
            before = _snapshot(row)
            row.role, row.kind, row.name = p.role.name, p.kind.name, p.name
            row.id_number, row.phone, row.address = p.id_number, p.phone, p.address
            row.gender = p.gender.name if p.gender else None
            row.birth_date, row.ethnicity = p.birth_date, p.ethnicity
            row.org_code, row.representative = p.org_code, p.representative
            _touch(row)
            s.add(row)
            _touch(case)
            self._refresh(s, case)
            self._audit(s, "party.update", "party", row.id, before, _snapshot(row))
            return CaseResult(case.id, case.case_no)

    def remove_party(self, party_id: str) -> CaseResult:
        with self.db.write() as s:
            row = s.get(Party, party_id)
            if row is None or row.deleted:
                raise NotFoundError(t("svc.not_found"))
            case = self._case(s, row.case_id)
            rules.check(CaseState(case.state), Action.EDIT)
            left = s.exec(select(func.count()).select_from(Party).where(
                Party.case_id == case.id, Party.deleted == False, Party.id != row.id)).one()
            if left == 0:
                raise ValidationError(t("svc.parties_required"))
            before = _snapshot(row)
            row.deleted = True
            _touch(row)
            s.add(row)
            self._event(s, case, EventKind.EDIT, self.today(), t("svc.ev.party_removed", name=row.name))
            _touch(case)
            self._refresh(s, case)
            self._audit(s, "party.remove", "party", row.id, before, _snapshot(row))
            return CaseResult(case.id, case.case_no)

    def reveal_party(self, party_id: str) -> Party:
        """Show a party's full ID and phone: allowed, and written to the audit trail (PIPL)."""
        with self.db.write() as s:
            row = s.get(Party, party_id)
            if row is None or row.deleted:
                raise NotFoundError(t("svc.not_found"))
            self._audit(s, "party.reveal", "party", row.id, None, {"case_id": row.case_id})
            return row

    # --- lists (paged in SQL; the case list and the agenda) ---------------------------

    def list_cases(self, f: queries.CaseFilter | None = None, after: queries.Cursor | None = None,
                   limit: int = 100) -> queries.Page:
        """One page of the case list, newest first; pass ``page.next_cursor`` for the next."""
        with self.db.read() as s:
            return queries.list_cases(s, f or queries.CaseFilter(), after, limit, self.today())

    def list_cases_before(self, f: queries.CaseFilter | None = None,
                          before: queries.Cursor | None = None,
                          limit: int = 100) -> queries.Page:
        """The page just above ``before`` (the oldest cases without it), newest first; its
        ``next_cursor`` leads further up. ``End`` in the list starts here."""
        with self.db.read() as s:
            return queries.list_cases_before(s, f or queries.CaseFilter(), before, limit,
                                             self.today())

    def count_cases(self, f: queries.CaseFilter | None = None) -> int:
        with self.db.read() as s:
            return queries.count_cases(s, f or queries.CaseFilter(), self.today())

    def agenda(self, days: int = 7, limit: int = 500) -> list[queries.AgendaItem]:
        """Open follow-ups and deadlines up to ``days`` ahead, overdue ones included."""
        with self.db.read() as s:
            return queries.agenda(s, self.today(), days=days, limit=limit)

    def newest_change_at(self) -> datetime | None:
        with self.db.read() as s:
            return queries.newest_change(s)

    def health(self) -> Health:
        """What ``doctor`` reports of the records: counts per table, overdue cases, and the
        audit chain checked against the data (one read transaction, so they agree)."""
        with self.db.read() as s:
            return Health(counts=queries.table_counts(s),
                          overdue=queries.overdue_count(s, self.today()),
                          audit=audit.verify(s))

    def verify_audit(self) -> audit.VerifyResult:
        """``audit verify``: the chain, and the rows it covers, as stored."""
        with self.db.read() as s:
            return audit.verify(s)

    # --- reading -----------------------------------------------------------------------

    def case_file(self, case_id: str) -> CaseFile:
        with self.db.read() as s:
            case = self._case(s, case_id, writable=False)
            parties = list(s.exec(select(Party).where(Party.case_id == case.id,
                                                      Party.deleted == False)
                                  .order_by(Party.position)).all())
            events = list(s.exec(select(CaseEvent).where(CaseEvent.case_id == case.id,
                                                         CaseEvent.deleted == False)
                                 .order_by(CaseEvent.occurred_on, CaseEvent.created_at)).all())
            follow_ups = list(s.exec(select(FollowUp).where(FollowUp.case_id == case.id,
                                                            FollowUp.deleted == False)
                                     .order_by(FollowUp.due_on)).all())
            agreement = current_agreement(s, case.id)
            obligations = current_obligations(s, agreement)
            village = s.exec(select(Village.name).where(Village.code == case.village_code)).first() \
                if case.village_code else None
            mediator = s.get(Mediator, case.mediator_id) if case.mediator_id else None
            sessions = sum(1 for e in events if e.kind == EventKind.SESSION.name)
            petition = current_petition(s, case.id)
            facts = facts_from_rows(case, agreement, obligations, follow_ups, sessions, petition)
            own = s.get(Setting, "office_code")
            read_only = own is not None and own.value != case.owner_code
            link = s.get(LedgerRow, case.id)
            today = self.today()
            return CaseFile(
                case=case, parties=parties, events=events, follow_ups=follow_ups,
                agreement=agreement, obligations=obligations, village_name=village,
                mediator_name=mediator.name if mediator else None,
                deadlines=rules.deadlines(facts, today), warnings=rules.warnings(facts, today),
                legal_actions=[] if read_only else rules.offered_actions(facts),
                read_only=read_only, ledger_no=link.ledger_no if link else None,
                petition=petition,
                supervision=_supervision_of(s, case.id),
            )

    def _case_by_shorthand(self, s: Session, year: int, between: str, seq: int,
                           key: str) -> Case | None:
        local = s.get(Setting, "office_code")
        return _shorthand_case(s, local.value if local else None, year, between, seq, key)

    def find_case(self, case_no_or_id: str) -> Case:
        key = normalise(case_no_or_id)
        with self.db.read() as s:
            case = s.get(Case, key)
            if case is None:
                case = s.exec(select(Case).where(Case.case_no == key, Case.deleted == False)).first()
            if case is None:
                m = __import__("re").fullmatch(r"\(?(\d{4})\)?(\D*?)(\d+)号?", key)
                if m:
                    case = self._case_by_shorthand(s, int(m.group(1)), m.group(2),
                                                   int(m.group(3)), key)
            if case is None or case.deleted:
                raise NotFoundError(t("svc.case_not_found", case=key))
            return case


def _shorthand_case(s: Session, local: str | None, year: int, between: str, seq: int,
                    key: str) -> Case | None:
    """The case ``2026-7`` (or ``2026青石7``) names: sequence numbers run per office, so in a
    database holding several offices the office must be told — by its short name in the
    shorthand, or by being this database's own office; otherwise the shorthand is refused as
    ambiguous, listing the case numbers it could mean."""
    found = list(s.exec(select(Case).where(Case.year == year, Case.seq == seq,
                                           Case.deleted == False)
                        .order_by(Case.owner_code)).all())
    offices = {o.code: o for o in s.exec(select(Office).where(Office.deleted == False)).all()}
    told = {code for code, o in offices.items() if o.short_name and o.short_name in between}
    if told:  # 2026青石7: only that office's case
        found = [c for c in found if c.owner_code in told]
    if len(found) <= 1:
        return found[0] if found else None
    own = [c for c in found if c.owner_code == local]
    if len(own) == 1:
        return own[0]
    raise ValidationError(t("svc.case_ambiguous", case=key,
                            cases="、".join(c.case_no for c in found)))


def current_agreement(s: Session, case_id: str) -> Agreement | None:
    """The agreement in force: the one recorded last. After 重新调解 a new agreement
    replaces the earlier one (both kept); effective dates can tie or even run backwards, so
    the order is by when each was recorded."""
    return s.exec(select(Agreement).where(Agreement.case_id == case_id,
                                          Agreement.deleted == False)
                  .order_by(Agreement.created_at.desc(), Agreement.id.desc())).first()  # type: ignore[attr-defined]


def current_obligations(s: Session, agreement: Agreement | None) -> list[Obligation]:
    """The obligations of ``agreement`` (none without one), by instalment number."""
    if agreement is None:
        return []
    return list(s.exec(select(Obligation).where(Obligation.agreement_id == agreement.id,
                                                Obligation.deleted == False)
                       .order_by(Obligation.seq)).all())


def _supervision_of(s: Session, case_id: str) -> list[Any]:
    """The live 督办/交办 items on a case (issue 22), for its case file."""
    from mediator.core.supervision import items_of_case

    return items_of_case(s, case_id)
