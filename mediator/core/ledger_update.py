"""``mediator import ledger --update``: a later version of a ledger applied to the cases it
brought in before (issue 16).

A row whose identity matches an imported case but whose fields changed since (the result
filled in, a phone number corrected) is reported as changed; with ``--update`` the change is
applied here, inside the import's transaction, through the same rules as a change typed in:

- the lifecycle: the steps the row now records (``importing.plan_lifecycle``) that the case
  has not taken yet are taken with ``Services._move`` (``rules.apply``), dated as the ledger
  dates them (a result without a 调解日期 is dated by the 结案日期); an agreement the row
  now records is made with ``Services._agree``;
- the other fields (facts, amount, phone...) are corrected like an edit of the case
  (``Action.EDIT`` must be legal: an archived case is not edited);
- every applied row gets one 修改 entry on the timeline (按台账…更新) and one audit entry
  ``case.ledger_update`` naming the file and row; its ``ledger_row`` remembers the row as it
  is now, so the next import of the same file finds it unchanged.

A row whose change the rules do not allow (a case the app has moved further than the ledger,
a result that contradicts the one recorded, an archived case) is not applied at all and keeps
a reason in Chinese for the report. Nothing is overwritten directly.
"""

from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, select

from mediator.core import checks, ledger_rows, rules
from mediator.core.enums import AgreementForm, CaseState, EventKind
from mediator.core.enums import Outcome as Outcome_
from mediator.core.errors import DomainError, ValidationError
from mediator.core.importing import ImportedCase, Performance, plan_lifecycle
from mediator.core.inputs import AgreementInput
from mediator.core.models import Case, FollowUp, Mediator, Party
from mediator.core.rules import Action
from mediator.i18n import t

#: ledger fields whose change may move the case along its lifecycle
LIFECYCLE_FIELDS = frozenset({"result", "mediated_on", "closed_on", "performance",
                              "follow_up_on", "state"})
#: ledger field -> case column corrected from it
CASE_COLUMNS = {"facts": "facts", "requests": "requests", "amount": "amount_fen",
                "persons": "persons_involved", "risk_grade": "risk_grade", "source": "source"}
#: party details corrected from ``role.attr`` fields
PARTY_ATTRS = ("phone", "id_number", "address", "gender", "ethnicity")
#: the steps that give a case its result (the date ``concluded_on`` records)
_CONCLUDING = (Action.AGREE, Action.TERMINATE, Action.WITHDRAW, Action.TRANSFER, Action.REFUSE)
_FOLLOW_UP_RESULT = {Performance.PERFORMED: "PERFORMED", Performance.UNPERFORMED: "NOT_PERFORMED"}


@dataclass(frozen=True)
class Outcome:
    """What became of one changed row under ``--update``."""

    applied: bool
    state: CaseState | None = None
    #: why it was not applied (Chinese, for the report)
    reason: str | None = None


def field_label(name: str) -> str:
    """受理日期 / 申请人联系电话: as ``ledger.importer.field_label`` (the same keys)."""
    if "." in name:
        role, attr = name.split(".", 1)
        return t("ledger.party_field", role=t(f"ledger.role.{role}"),
                 attr=t(f"ledger.attr.{attr}"))
    return t(f"ledger.field.{name}")


def describe(row: ImportedCase, changed: tuple[str, ...]) -> str:
    """调解结果“调解成功”；结案日期“2026-03-20” (the cells as the ledger now gives them)."""
    parts = []
    for name in changed:
        value = row.texts.get(name, "")
        parts.append(t("ledger.change", field=field_label(name), value=value) if value
                     else t("ledger.change_blank", field=field_label(name)))
    return "；".join(parts)


def _reachable(start: CaseState, goal: CaseState) -> bool:
    """Whether some sequence of lifecycle actions leads from ``start`` to ``goal``."""
    seen, todo = {start}, deque([start])
    while todo:
        state = todo.popleft()
        if state is goal:
            return True
        for table in rules.TRANSITIONS.values():
            after = table.get(state)
            if after is not None and after not in seen:
                seen.add(after)
                todo.append(after)
    return False


def _result_label(outcome: Outcome_ | None) -> str:
    return outcome.label if outcome is not None else t("ledger.update.no_result")


def remaining_steps(current: CaseState, steps: list[Any],
                    outcome: Outcome_ | None = None) -> list[Any]:
    """The planned steps (from 待受理) the case, now in ``current`` with ``outcome``, has
    still to take to reach where the plan ends. Raises DomainError, in words, when the rules
    allow no way (the case is further on than the ledger; another result)."""
    states = [CaseState.REGISTERED]
    outcomes: list[Outcome_ | None] = [None]
    for step in steps:
        tr = rules.apply(states[-1], step.action, step.on)
        states.append(tr.after)
        outcomes.append(tr.outcome if tr.sets_outcome else outcomes[-1])
    target = states[-1]
    on_path = [k for k, s in enumerate(states) if s is current]
    if on_path and outcomes[on_path[-1]] != outcome:
        # the same state by another result (调解成功 archived, the ledger now 调解不成功)
        raise DomainError(t("ledger.update.other_result",
                            ledger=_result_label(outcomes[-1]), case=_result_label(outcome)))
    if current is target:
        return []
    if on_path:
        return steps[on_path[-1]:]
    # the case took a step of its own the ledger does not record (a 调解记录 typed in):
    # the first tail of the plan that is legal from where the case is
    for j in range(1, len(steps)):
        state = current
        try:
            for step in steps[j:]:
                state = rules.next_state(state, step.action)
        except DomainError:
            continue
        if state is target:
            return steps[j:]
    if _reachable(target, current):
        raise DomainError(t("ledger.update.backwards", ledger=target.label, state=current.label))
    raise DomainError(t("ledger.update.incompatible", ledger=target.label, state=current.label))


class Updater:
    """Applies changed rows to their cases in the import's session (``svc`` is the
    ``Services`` the import runs for: its ``_move``, ``_agree``, ``_event``, ``_refresh`` and
    ``_audit`` are the ones every change of a case goes through)."""

    def __init__(self, svc: Any, s: Session, owner: str, source_name: str,
                 summaries: dict[Action, str]):
        self.svc, self.s, self.owner, self.source = svc, s, owner, source_name
        #: the timeline summary of each step, as the import writes it (``bulk``)
        self.summaries = summaries
        self.today = svc.today()
        self._mediators: dict[str, str] | None = None
        self.new_mediators: list[str] = []
        self._villages: Any = None

    def apply(self, case_id: str, row: ImportedCase, changed: tuple[str, ...],
              place: str) -> Outcome:
        """Apply one changed row; all of it or, with a reason, nothing."""
        from mediator.core.services import _snapshot, _touch

        s = self.s
        case = s.get(Case, case_id)
        if case is None or case.deleted:
            return Outcome(False, reason=t("svc.case_not_found", case=case_id))
        state = CaseState(case.state)
        try:
            corrections, party_changes, new_parties = self._corrections(case, row, changed)
            steps, agreement, follow_up_on, notes = self._lifecycle(case, row, changed)
            if corrections or party_changes or new_parties:
                rules.check(state, Action.EDIT)
        except (DomainError, ValidationError) as exc:
            return Outcome(False, state, reason=exc.message)

        before = _snapshot(case)
        # the doubts about the row (a form assumed, a date clamped) go with the correction
        body = "\n".join(dict.fromkeys([describe(row, changed), *row.flags, *notes]))
        for column, value in corrections.items():
            setattr(case, column, value)
        for party, values in party_changes:
            p_before = _snapshot(party)
            for attr, value in values.items():
                setattr(party, attr, value)
            _touch(party)
            s.add(party)
            self.svc._audit(s, "party.ledger_update", "party", party.id, p_before,
                            {**(_snapshot(party) or {}), "ledger_update": self.source})
        if new_parties:
            position = max((p.position for p in self._parties(case)), default=-1)
            for p in new_parties:
                position += 1
                party = Party(owner_code=case.owner_code, case_id=case.id, position=position,
                              role=p.role.name, kind=p.kind.name, name=p.name,
                              id_number=p.id_number, gender=p.gender.name if p.gender else None,
                              birth_date=p.birth_date, ethnicity=p.ethnicity, phone=p.phone,
                              address=p.address, org_code=p.org_code)
                s.add(party)
                self.svc._audit(s, "party.ledger_update", "party", party.id, None,
                                {**(_snapshot(party) or {}), "ledger_update": self.source})
        self.svc._event(s, case, EventKind.EDIT, self.today,
                        t("ledger.update.ev", file=self.source, place=place), body)
        summaries = self.summaries
        for step in steps:
            if step.action is Action.AGREE and agreement is not None:
                self.svc._agree(s, case, replace(agreement, effective_on=step.on), policy=False)
            else:
                self.svc._move(s, case, step.action, step.on, summaries.get(step.action, ""),
                               t("ledger.update.ev_step", file=self.source, place=place))
        if follow_up_on is not None:
            self._follow_up(case, row, follow_up_on, agreement is not None or
                            s.exec(text("SELECT count(*) FROM agreement WHERE case_id = :c "  # type: ignore[call-overload]
                                        "AND deleted = 0"), params={"c": case.id}).scalar())
        _touch(case)
        self.svc._refresh(s, case)
        self.svc._audit(s, "case.ledger_update", "case", case.id, before, {
            **(_snapshot(case) or {}),
            "ledger_update": {"source": self.source, "sheet": row.sheet, "row": row.row_no,
                              "fields": list(changed)}})
        self._remember(case.id, row)
        return Outcome(True, CaseState(case.state))

    # --- what the row changes ------------------------------------------------------------

    def _parties(self, case: Case) -> list[Party]:
        return list(self.s.exec(select(Party).where(Party.case_id == case.id,
                                                    Party.deleted == False)
                                .order_by(Party.position)).all())  # type: ignore[arg-type]

    def _corrections(self, case: Case, row: ImportedCase, changed: tuple[str, ...]
                     ) -> tuple[dict[str, Any], list[tuple[Party, dict[str, Any]]], list[Any]]:
        """Case columns, party details and parties the row now gives differently (checked
        like a case typed in: ``core.checks``)."""
        parties, fields = checks.check_case(replace(row.case, village_code=None,
                                                    mediator_id=None), self.today)
        columns: dict[str, Any] = {}
        for name, column in CASE_COLUMNS.items():
            if name in changed and fields[column] != getattr(case, column):
                columns[column] = fields[column]
        if "village" in changed and row.village_name:
            code = self._village(row.village_name)
            if code is not None and code != case.village_code:
                columns["village_code"] = code
        if "mediator" in changed and row.mediator_names:
            mediator_id = self._mediator(row.mediator_names[0])
            if mediator_id != case.mediator_id:
                columns["mediator_id"] = mediator_id
        existing = self._parties(case)
        by_key = {(p.role, ledger_rows.name_key(p.name)): p for p in existing}
        changes: list[tuple[Party, dict[str, Any]]] = []
        added = []
        for p in parties:
            role = p.role.name.lower()
            have = by_key.get((p.role.name, ledger_rows.name_key(p.name)))
            if have is None:
                if f"{role}.name" in changed:
                    added.append(p)
                continue
            values: dict[str, Any] = {}
            for attr in PARTY_ATTRS:
                if f"{role}.{attr}" not in changed:
                    continue
                new = getattr(p, attr)
                new = new.name if hasattr(new, "name") else new
                if new is not None and new != getattr(have, attr):
                    values[attr] = new
                    if attr == "id_number":
                        values["birth_date"] = p.birth_date
                        values["gender"] = p.gender.name if p.gender else have.gender
            if values:
                changes.append((have, values))
        return columns, changes, added

    def _lifecycle(self, case: Case, row: ImportedCase, changed: tuple[str, ...]
                   ) -> tuple[list[Any], AgreementInput | None, date | None, list[str]]:
        """The steps still to take, the agreement to make, the follow-up to record."""
        if not LIFECYCLE_FIELDS & set(changed):
            return [], None, None, []
        # a result without a 调解日期 is dated as the ledger closes it (its 结案/调结 date)
        dated = replace(row, mediated_on=row.mediated_on or (
            row.closed_on if row.outcome is not None else None))
        plan = plan_lifecycle(dated, self.today)
        steps = remaining_steps(CaseState(case.state), plan.steps,
                                Outcome_[case.outcome] if case.outcome else None)
        if not steps:
            self._same_dates(case, plan.steps)
        notes = list(plan.flags)
        last = self.s.exec(text(  # type: ignore[call-overload]
            "SELECT max(occurred_on) FROM case_event WHERE case_id = :c AND kind = 'STATE' "
            "AND deleted = 0"), params={"c": case.id}).scalar()
        floor = max(case.registered_on, date.fromisoformat(str(last)[:10]) if last else
                    case.registered_on)
        dated_steps = []
        for step in steps:  # the timeline never runs backwards
            if step.on < floor:
                notes.append(t("import.flag.date_too_early", field=step.action.label,
                               date=step.on.isoformat(), floor=floor.isoformat()))
                step = replace(step, on=floor)
            floor = step.on
            dated_steps.append(step)
        agreement = None
        if any(st.action is Action.AGREE for st in dated_steps):
            agreement = AgreementInput(
                form=row.agreement_form or AgreementForm.ORAL,
                effective_on=next(st.on for st in dated_steps if st.action is Action.AGREE),
                terms=row.agreement_terms or t("import.terms_unknown"),
                amount_fen=row.agreement_amount_fen)
            checks.check_agreement(agreement, self.today)
        follow_up_on = plan.follow_up_on if "follow_up_on" in changed else None
        if follow_up_on is not None and self.s.exec(text(  # type: ignore[call-overload]
                "SELECT count(*) FROM follow_up WHERE case_id = :c AND done_on = :d "
                "AND deleted = 0"), params={"c": case.id, "d": follow_up_on.isoformat()}).scalar():
            follow_up_on = None  # recorded already
        return dated_steps, agreement, follow_up_on, notes

    def _same_dates(self, case: Case, steps: list[Any]) -> None:
        """The case has taken every step the row records: a date the row now gives
        differently (结案日期 corrected) cannot be applied, since no action of the rules
        re-dates a step taken. Raises DomainError, in words."""
        recorded = {"concluded_on": case.concluded_on, "archived_on": case.archived_on}
        conclusion = next((st.on for st in steps if st.action in _CONCLUDING), None)
        archive = next((st.on for st in steps if st.action is Action.ARCHIVE), None)
        for column, ledger in (("concluded_on", conclusion), ("archived_on", archive)):
            have = recorded[column]
            if ledger is not None and have is not None and ledger != have:
                raise DomainError(t(f"ledger.update.redate_{column}", ledger=ledger.isoformat(),
                                    case=have.isoformat()))

    def _follow_up(self, case: Case, row: ImportedCase, on: date, agreed: bool) -> None:
        if case.state in (CaseState.REGISTERED.name, CaseState.REFUSED.name):
            return
        by = row.follow_up_by or ""
        self.s.add(FollowUp(owner_code=case.owner_code, case_id=case.id,
                            kind="PERFORMANCE" if agreed else "ROUTINE", due_on=on, done_on=on,
                            result=_FOLLOW_UP_RESULT.get(row.performance)  # type: ignore[arg-type]
                            if row.performance else None,
                            note=row.follow_up_note, operator=by or self.svc.operator))
        self.svc._event(self.s, case, EventKind.FOLLOW_UP, on,
                        t("import.ev.follow_up", by=by) if by else t("import.ev.follow_up_anon"),
                        row.follow_up_note)

    def _village(self, name: str) -> str | None:
        if self._villages is None:
            from mediator.core.importing import VillageMatcher

            self._villages = VillageMatcher([tuple(r) for r in self.s.exec(text(  # type: ignore[call-overload]
                "SELECT name, code FROM village WHERE deleted = 0")).all()])
        return self._villages.match(name)

    def _mediator(self, name: str) -> str:
        from mediator.core.services import _snapshot

        if self._mediators is None:
            self._mediators = {m.name: m.id for m in self.s.exec(select(Mediator).where(
                Mediator.owner_code == self.owner, Mediator.deleted == False)).all()}
        if name not in self._mediators:
            m = Mediator(owner_code=self.owner, name=name)
            self.s.add(m)
            self.svc._audit(self.s, "mediator.add", "mediator", m.id, None, _snapshot(m))
            self._mediators[name] = m.id
            self.new_mediators.append(name)
        return self._mediators[name]

    def _remember(self, case_id: str, row: ImportedCase) -> None:
        """The ledger row as it is now: read again, it is "already imported"."""
        self.s.exec(text(  # type: ignore[call-overload]
            "UPDATE ledger_row SET identity = coalesce(:i, identity), ledger_no = :n, "
            "sheet = :sh, row_no = :r, fields = :f WHERE case_id = :c"),
            params={"i": row.identity, "n": row.ledger_no, "sh": row.sheet, "r": row.row_no,
                    "f": json.dumps(row.fields, ensure_ascii=False, sort_keys=True),
                    "c": case_id})
