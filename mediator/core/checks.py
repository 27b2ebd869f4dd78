"""Pure checks and derivations of a case, shared by every writer (``Services``, the bulk
writer of the ledger import and the demo) and by screens that want to check a field before
saving: the same rule in one place, the same words for the user.

Nothing here touches the database. Rows may be model instances or plain dicts (the bulk
writer's): :func:`facts_from_rows` reads either.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import partial
from typing import Any

from mediator.core import rules
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    JudicialResult,
    PartyKind,
    PartyRole,
    RiskGrade,
)
from mediator.core.errors import Problems, ValidationError
from mediator.core.inputs import AgreementInput, CaseInput, PartyInput
from mediator.core.petition import PetitionFacts
from mediator.core.referral import check_fields
from mediator.core.validate import (
    MAX_NAME,
    normalise,
    normalise_line,
    normalise_text,
    parse_phone,
    parse_resident_id,
    parse_village_code,
)
from mediator.i18n import t

#: parties are listed applicants first, then respondents, then third parties
ROLE_ORDER = {PartyRole.APPLICANT.name: 0, PartyRole.RESPONDENT.name: 1, PartyRole.THIRD_PARTY.name: 2}


def clean_text(value: str | None, limit: int = 20000) -> str:
    value = normalise_text(value)
    if len(value) > limit:
        raise ValidationError(t("svc.too_long", limit=limit))
    return value


def optional_text(value: str | None) -> str | None:
    if value is None:  # most optional fields of a case (15 a case, 10,000 cases a ledger)
        return None
    value = normalise_text(value)
    return value or None


def format_case_no(year: int, short_name: str, seq: int) -> str:
    """(2026)青石人调字第007号"""
    return f"({year}){short_name}人调字第{seq:03d}号"


_APPLICANT = PartyRole.APPLICANT.name


def parties_text(parties: Sequence[tuple[str, str]]) -> str:
    """'张三 vs 李四、王五': applicants against respondents, for the case list."""
    applicants = [n for r, n in parties if r == _APPLICANT]
    others = [n for r, n in parties if r != _APPLICANT]
    left = "、".join(applicants)
    return f"{left} / {'、'.join(others)}" if others else left


def clean_party(p: PartyInput, index: int) -> PartyInput:
    """Normalise and validate one party; fills birth date and gender from a valid ID."""
    field_prefix = f"parties.{index}"
    name = normalise_line(p.name)
    if not name:
        raise ValidationError(t("svc.party_name_required", n=index + 1), f"{field_prefix}.name")
    if len(name) > MAX_NAME:
        raise ValidationError(t("svc.too_long", limit=MAX_NAME), f"{field_prefix}.name")
    out = PartyInput(name=name, role=p.role, kind=p.kind, gender=p.gender,
                     birth_date=p.birth_date, ethnicity=optional_text(p.ethnicity),
                     address=optional_text(p.address), org_code=optional_text(p.org_code),
                     representative=optional_text(p.representative))
    idno = normalise(p.id_number).upper().replace(" ", "")
    if idno:
        if p.kind is PartyKind.ORGANISATION:
            out.org_code = out.org_code or idno
        else:
            rid = parse_resident_id(idno)
            out.id_number = rid.number
            out.birth_date = rid.birth_date
            out.gender = rid.gender
    phone = normalise(p.phone)
    if phone:
        out.phone = parse_phone(phone)
    return out


#: a member of these enums, or its name (their values are their names), -> the name stored
_STORED: dict[type, dict[Any, str]] = {
    kind: {m: m.name for m in kind} for kind in (DisputeType, CaseSource, RiskGrade)}


def _stored(kind: type[Any], value: Any) -> str:
    """``kind(value).name``: a dictionary lookup for a valid value (an enum call and a
    ``.name`` are Python-level: three a case, 10,000 cases a ledger import); anything else
    raises as ``kind(value)`` does."""
    name = _STORED[kind].get(value)
    return name if name is not None else str(kind(value).name)


def check_case(data: CaseInput, today: date) -> tuple[list[PartyInput], dict[str, Any]]:
    """A case as typed (or read from a ledger, or copied for 承接) checked and normalised:
    its parties (:func:`clean_party`) and the case's columns. Every problem is reported at
    once (ValidationErrors when there are several, each naming its field); nothing about the
    database (the mediator's existence, numbering) is checked here."""
    if not data.parties:
        raise ValidationError(t("svc.parties_required"), "parties")
    problems = Problems()
    parties: list[PartyInput] = []
    for i, p in enumerate(data.parties):
        with problems.check():
            parties.append(clean_party(p, i))
    if not any(p.role is PartyRole.APPLICANT for p in data.parties):
        problems.add(ValidationError(t("svc.applicant_required"), "parties"))
    seen: set[str] = set()
    for p in parties:
        if p.id_number:
            if p.id_number in seen:
                problems.add(ValidationError(t("svc.duplicate_id", id=p.id_number), "parties"))
            seen.add(p.id_number)
    registered_on = data.registered_on or today
    if registered_on > today:
        problems.add(ValidationError(t("svc.date_in_future"), "registered_on"))
    if data.amount_fen < 0:
        problems.add(ValidationError(t("svc.amount_negative"), "amount_fen"))
    persons = (data.persons_involved if data.persons_involved is not None
               else len(data.parties))
    if persons < len(data.parties):
        problems.add(ValidationError(t("svc.persons_too_few", n=len(data.parties)),
                                     "persons_involved"))
    if data.is_hard and not normalise(data.lead_official):
        problems.add(ValidationError(t("svc.hard_needs_leader"), "lead_official"))
    if data.source is CaseSource.PETITION and data.petition_received_on is None:
        problems.add(ValidationError(t("svc.petition_needs_date"), "petition_received_on"))
    facts = clean_text(data.facts)
    if not facts:
        problems.add(ValidationError(t("svc.facts_required"), "facts"))
    referral: dict[str, Any] = {}
    with problems.check():  # the referral regime and its record (issue 25 point 3)
        referral = check_fields(data.referral_kind, data.referral_body, data.referral_no,
                                data.referral_on, source=data.source,
                                registered_on=registered_on, today=today)
    with problems.check():
        village = parse_village_code(data.village_code) if normalise(data.village_code) else None
    problems.raise_if_any()
    fields = {
        "dispute_type": _stored(DisputeType, data.dispute_type),
        "source": _stored(CaseSource, data.source),
        "registered_on": registered_on,
        "facts": facts,
        "requests": clean_text(data.requests),
        "village_code": village,
        "mediator_id": data.mediator_id or None,
        "persons_involved": persons,
        "amount_fen": data.amount_fen,
        "group_dispute": data.group_dispute if data.group_dispute is not None else persons >= 5,
        "risk_grade": _stored(RiskGrade, data.risk_grade),
        "is_hard": data.is_hard,
        "lead_official": optional_text(data.lead_official),
        "responsible_person": optional_text(data.responsible_person),
        "resolve_by": data.resolve_by,
        "stabilising_measures": optional_text(data.stabilising_measures),
        "petition_channel": data.petition_channel.name if data.petition_channel else None,
        "petition_received_on": data.petition_received_on,
        "type_note": optional_text(data.type_note),
        "import_key": optional_text(data.import_key),
        "import_flags": optional_text(data.import_flags),
    }
    fields.update(referral)
    return parties, fields


def check_agreement(a: AgreementInput, today: date) -> None:
    """An agreement as entered: terms, amounts, dates and instalments that fit together."""
    if not normalise(a.terms):
        raise ValidationError(t("svc.terms_required"), "terms")
    if a.amount_fen < 0 or any(o.amount_fen < 0 for o in a.obligations):
        raise ValidationError(t("svc.amount_negative"), "amount_fen")
    if a.effective_on > today:
        raise ValidationError(t("svc.date_in_future"), "effective_on")
    for o in a.obligations:
        if o.due_on < a.effective_on:
            raise ValidationError(t("svc.obligation_before_effect"), "obligations")
    if a.performed_now and a.obligations:
        raise ValidationError(t("svc.performed_now_with_obligations"), "obligations")


def facts_from_rows(case: Any, agreement: Any | None, obligations: Sequence[Any],
                    follow_ups: Sequence[Any], session_count: int,
                    petition: Any | None = None) -> rules.CaseFacts:
    """What the rules need to know of a case, from its rows (model instances or dicts)."""
    # a getter per row instead of attribute access through _Row: for the bulk writer's dicts
    # (10,000 cases an import) each attribute of _Row first failed the normal lookup
    c = _getter(case)
    a = _getter(agreement) if agreement is not None else None
    obligations = [_Row(o) for o in obligations]
    follow_ups = [_Row(f) for f in follow_ups]
    return rules.CaseFacts(
        state=CaseState(c("state")),
        registered_on=c("registered_on"),
        source=CaseSource(c("source")),
        accepted_on=c("accepted_on"),
        deadline_on=c("deadline_on"),
        extension_count=c("extension_count"),
        notice_on=c("notice_on"),
        session_count=session_count,
        agreement_form=AgreementForm(a("form")) if a else None,
        agreement_effective_on=a("effective_on") if a else None,
        agreement_amount_fen=a("amount_fen") if a else 0,
        judicial_status=JudicialResult(a("judicial_status"))
        if a and a("judicial_status") else None,
        obligations=tuple(rules.ObligationFacts(o.id, o.due_on, o.performed_on, o.amount_fen)
                          for o in obligations if not o.deleted),
        follow_ups=tuple(rules.FollowUpFacts(f.id, f.due_on, f.done_on)
                         for f in follow_ups if not f.deleted),
        is_hard=c("is_hard"),
        resolve_by=c("resolve_by"),
        petition_received_on=c("petition_received_on"),
        petition_extended=c("petition_extended"),
        dispute_type=c("dispute_type"),
        referral=c("referral_kind"),
        petition=PetitionFacts.from_row(petition) if petition is not None else None,
    )


def _getter(row: Any) -> Callable[[str], Any]:
    """``name -> value`` of a row that is a plain dict (None when absent, as _Row gives) or a
    model instance."""
    if type(row) is dict or isinstance(row, Mapping):
        return row.get  # type: ignore[no-any-return]
    return partial(getattr, row)


class _Row:
    """Attribute access to a row that is a model instance or a plain dict."""

    __slots__ = ("_row",)

    def __init__(self, row: Any):
        self._row = row

    def __getattr__(self, name: str) -> Any:
        row = self._row
        if type(row) is dict or isinstance(row, Mapping):  # a dict first: the bulk writer's
            return row.get(name)
        return getattr(row, name)


def nearest_due(facts: rules.CaseFacts, today: date) -> tuple[date | None, str | None]:
    """The case's ``next_due_on`` and ``next_due_kind``: its nearest binding deadline."""
    nearest = rules.nearest_deadline(rules.deadlines(facts, today))
    return (nearest.due, nearest.kind.name) if nearest else (None, None)
