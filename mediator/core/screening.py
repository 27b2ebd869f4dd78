"""排查: screening rounds, what they found and what became of it (issue 24).

A township is judged on screening as much as on cases: how many rounds were held (排查次数),
how many disputes they found (排查发现), how many were prevented (预防纠纷), and which villages
reported "screened, nothing found" (零报告). None of that is a case, so it has its own records:

- a **round** (``screening_round``): when, at which level (村(居) / 乡镇 / 专项), where, who
  screened, the focus, and whether it was a nil return;
- an **item** (``screening_item``) found in a round: what, where, how grave, who owns it, the
  stabilising measures and deadline, and its disposition (当场化解 / 预防 / 转立案 / 移交 /
  持续关注). 转立案 registers a case with source 排查发现 in the same transaction; the item
  names the case and the case's timeline names the round, so each leads to the other.

The rhythm (村 every half month, 乡镇 monthly, weekly in a 敏感期) is configurable through
settings and gives the agenda its reminders (:meth:`Screening.due`).

Each public method is one use case and one transaction, like :class:`~mediator.core.services.
Services`, whose database, operator, clock and audit trail it shares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from mediator.core.checks import clean_text, optional_text
from mediator.core.enums import (
    CaseSource,
    Disposition,
    DisputeType,
    EventKind,
    PartyRole,
    RiskGrade,
    ScreeningLevel,
)
from mediator.core.errors import DomainError, NotFoundError, ValidationError
from mediator.core.inputs import CaseInput, CaseResult, PartyInput
from mediator.core.models import Case, ScreeningItem, ScreeningRound, Setting, Village, utcnow
from mediator.core.validate import MAX_NAME, normalise_line, parse_date, parse_village_code
from mediator.i18n import t

if TYPE_CHECKING:
    from mediator.core.services import Services

#: settings holding the rhythm (days between rounds) and the 敏感期
VILLAGE_DAYS_KEY = "screening.village_days"
TOWNSHIP_DAYS_KEY = "screening.township_days"
SENSITIVE_DAYS_KEY = "screening.sensitive_days"
SENSITIVE_FROM_KEY = "screening.sensitive_from"
SENSITIVE_TO_KEY = "screening.sensitive_to"
#: 村(居)调委会每半个月排查一次，乡镇每月一次; 敏感期 weekly
DEFAULT_VILLAGE_DAYS = 15
DEFAULT_TOWNSHIP_DAYS = 30
DEFAULT_SENSITIVE_DAYS = 7
MAX_TEXT = 2000
#: the agenda item kind of a screening reminder (its ``case_id`` holds the division code)
AGENDA_KIND = "SCREENING"


def week_label(day: date) -> str:
    """The ISO week a day belongs to, as the reports name it: ``2026-W49``."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


# --- inputs and what is handed back (plain values, never session-bound rows) ------------------


@dataclass
class RoundInput:
    """One 排查 as typed. ``held_on`` None is today; ``screened_by`` empty is the operator."""

    level: ScreeningLevel = ScreeningLevel.VILLAGE
    village_code: str | None = None
    held_on: date | None = None
    unit: str | None = None
    screened_by: str = ""
    focus: str = ""
    sensitive: bool = False
    nil_return: bool = False
    note: str = ""


@dataclass
class ItemInput:
    """A dispute or 隐患 found in a round. ``village_code`` None is the round's village,
    ``found_on`` None the round's date. ``people``: who is involved, only as far as needed
    (张某与李某), never ID numbers."""

    dispute_type: DisputeType
    summary: str
    village_code: str | None = None
    found_on: date | None = None
    risk_grade: RiskGrade = RiskGrade.GENERAL
    people: str = ""
    persons_involved: int = 0
    responsible_person: str | None = None
    stabilising_measures: str | None = None
    resolve_by: date | None = None


@dataclass(frozen=True)
class RoundRow:
    id: str
    owner_code: str
    held_on: date
    level: str
    village_code: str | None
    village_name: str
    unit: str | None
    screened_by: str
    focus: str
    sensitive: bool
    nil_return: bool
    note: str
    items: int = 0
    open_items: int = 0

    @property
    def week(self) -> str:
        return week_label(self.held_on)

    @property
    def place(self) -> str:
        """The village's name, else the unit, else the level's label (乡镇排查)."""
        return self.village_name or self.unit or ScreeningLevel(self.level).label


@dataclass(frozen=True)
class ItemRow:
    id: str
    round_id: str
    found_on: date
    dispute_type: str
    village_code: str | None
    risk_grade: str
    summary: str
    people: str
    persons_involved: int
    responsible_person: str | None
    stabilising_measures: str | None
    resolve_by: date | None
    disposition: str | None
    disposed_on: date | None
    disposition_note: str
    case_id: str | None
    case_no: str | None = None


@dataclass(frozen=True)
class DueScreening:
    """A village (or the township itself, ``level`` TOWNSHIP) whose next round is due."""

    level: str
    code: str
    name: str
    last_on: date | None
    due_on: date

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


@dataclass(frozen=True)
class Rhythm:
    village_days: int
    township_days: int
    sensitive_days: int
    sensitive_from: date | None = None
    sensitive_to: date | None = None

    def in_sensitive_period(self, day: date) -> bool:
        return (self.sensitive_from is not None and self.sensitive_to is not None
                and self.sensitive_from <= day <= self.sensitive_to)

    def days(self, level: ScreeningLevel, day: date) -> int:
        if self.in_sensitive_period(day):
            return self.sensitive_days
        return self.township_days if level is ScreeningLevel.TOWNSHIP else self.village_days


@dataclass(frozen=True)
class RoundDetail:
    round: RoundRow
    items: list[ItemRow] = field(default_factory=list)


def _snap(row: Any) -> dict[str, Any]:
    return row.model_dump(mode="json")


def _touch(row: Any) -> None:
    row.revision += 1
    row.updated_at = utcnow()


def _limited(value: str | None, what: str, limit: int = MAX_TEXT) -> str:
    try:
        return clean_text(value, limit)
    except ValidationError as exc:
        raise ValidationError(exc.message, what) from None


class Screening:
    """The 排查 use cases on one database (shares a :class:`Services`' database, operator,
    clock and audit trail)."""

    def __init__(self, services: Services) -> None:
        self.svc = services

    @property
    def db(self) -> Any:
        return self.svc.db

    def today(self) -> date:
        return self.svc.today()

    # --- helpers -------------------------------------------------------------------------

    def _own_code(self, s: Session) -> str:
        return self.svc._office(s).code

    def _village(self, s: Session, code: str | None, own: str, field_name: str) -> Village:
        if not normalise_line(code):
            raise ValidationError(t("scr.village_required"), field_name)
        parsed = parse_village_code(code, field=field_name)
        village = s.exec(select(Village).where(Village.code == parsed, Village.deleted == False,
                                               Village.owner_code == own)).first()
        if village is None:
            raise ValidationError(t("scr.village_unknown", code=parsed), field_name)
        return village

    def _date(self, on: date | None, field_name: str) -> date:
        day = on or self.today()
        if day > self.today():
            raise ValidationError(t("scr.date_future", date=day.isoformat()), field_name)
        return day

    def _round(self, s: Session, round_id: str, own: str) -> ScreeningRound:
        row = s.get(ScreeningRound, round_id)
        if row is None or row.deleted:
            raise NotFoundError(t("scr.round_not_found", id=round_id))
        if row.owner_code != own:
            raise DomainError(t("scr.read_only"))
        return row

    def _item(self, s: Session, item_id: str, own: str) -> ScreeningItem:
        row = s.get(ScreeningItem, item_id)
        if row is None or row.deleted:
            raise NotFoundError(t("scr.item_not_found", id=item_id))
        if row.owner_code != own:
            raise DomainError(t("scr.read_only"))
        return row

    def _names(self, s: Session) -> dict[str, str]:
        return {v.code: v.name for v in s.exec(select(Village).where(Village.deleted == False))}

    def _round_row(self, s: Session, r: ScreeningRound, names: dict[str, str] | None = None) -> RoundRow:
        names = self._names(s) if names is None else names
        counts = s.exec(text(  # type: ignore[call-overload]
            "SELECT count(*), coalesce(sum(disposition IS NULL OR disposition = 'WATCHING'), 0) "
            "FROM screening_item WHERE round_id = :r AND deleted = 0"), params={"r": r.id}).one()
        return RoundRow(r.id, r.owner_code, r.held_on, r.level, r.village_code,
                        names.get(r.village_code or "", ""), r.unit, r.screened_by, r.focus,
                        r.sensitive, r.nil_return, r.note, int(counts[0]), int(counts[1]))

    @staticmethod
    def _item_row(i: ScreeningItem, case_no: str | None = None) -> ItemRow:
        return ItemRow(i.id, i.round_id, i.found_on, i.dispute_type, i.village_code, i.risk_grade,
                       i.summary, i.people, i.persons_involved, i.responsible_person,
                       i.stabilising_measures, i.resolve_by, i.disposition, i.disposed_on,
                       i.disposition_note, i.case_id, case_no)

    # --- rounds --------------------------------------------------------------------------

    def add_round(self, data: RoundInput) -> RoundRow:
        """Record one 排查 (a nil return too). A village round names a village of this office;
        a township round may; a special round names its unit or focus. The same village (or
        unit) screened twice at the same level on one day is refused as a double entry."""
        held_on = self._date(data.held_on, "held_on")
        level = ScreeningLevel(data.level)
        screened_by = normalise_line(data.screened_by) or self.svc.operator
        if len(screened_by) > MAX_NAME:
            raise ValidationError(t("svc.too_long", limit=MAX_NAME), "screened_by")
        unit = optional_text(normalise_line(data.unit))
        if unit is not None and len(unit) > MAX_NAME:
            raise ValidationError(t("svc.too_long", limit=MAX_NAME), "unit")
        focus = _limited(data.focus, "focus")
        note = _limited(data.note, "note")
        if level is ScreeningLevel.SPECIAL and not (unit or focus):
            raise ValidationError(t("scr.special_needs_focus"), "focus")
        with self.db.write() as s:
            own = self._own_code(s)
            village_code = None
            if level is ScreeningLevel.VILLAGE or normalise_line(data.village_code):
                village_code = self._village(s, data.village_code, own, "village_code").code
            dup = s.exec(select(ScreeningRound).where(
                ScreeningRound.owner_code == own, ScreeningRound.deleted == False,
                ScreeningRound.held_on == held_on, ScreeningRound.level == level.name,
                ScreeningRound.village_code == village_code if village_code else
                ScreeningRound.village_code.is_(None),  # type: ignore[union-attr]
                ScreeningRound.unit == unit if unit else ScreeningRound.unit.is_(None),  # type: ignore[union-attr]
            )).first()
            if dup is not None:
                raise DomainError(t("scr.round_exists", date=held_on.isoformat(),
                                    place=self._names(s).get(village_code or "", "") or unit
                                    or level.label))
            row = ScreeningRound(owner_code=own, held_on=held_on, level=level.name,
                                 village_code=village_code, unit=unit, screened_by=screened_by,
                                 focus=focus, sensitive=bool(data.sensitive),
                                 nil_return=bool(data.nil_return), note=note)
            s.add(row)
            s.flush()
            self.svc._audit(s, "screening.round", "screening_round", row.id, None, _snap(row))
            return self._round_row(s, row)

    def add_nil_round(self, village_code: str, held_on: date | None = None,
                      screened_by: str = "", focus: str = "") -> RoundRow:
        """零报告 in a few keys: a village round that found nothing."""
        return self.add_round(RoundInput(level=ScreeningLevel.VILLAGE, village_code=village_code,
                                         held_on=held_on, screened_by=screened_by, focus=focus,
                                         nil_return=True))

    def delete_round(self, round_id: str, reason: str) -> RoundRow:
        """A round entered by mistake: tombstoned (deletions travel upward), with its items;
        refused when one of its items became a case."""
        reason = normalise_line(reason)
        if not reason:
            raise ValidationError(t("scr.delete_reason"), "reason")
        with self.db.write() as s:
            own = self._own_code(s)
            row = self._round(s, round_id, own)
            items = s.exec(select(ScreeningItem).where(ScreeningItem.round_id == row.id,
                                                       ScreeningItem.deleted == False)).all()
            if any(i.case_id for i in items):
                raise DomainError(t("scr.delete_has_case"))
            before = _snap(row)
            result = self._round_row(s, row)
            for i in items:
                i.deleted = True
                _touch(i)
                s.add(i)
            row.deleted = True
            _touch(row)
            s.add(row)
            self.svc._audit(s, "screening.round_delete", "screening_round", row.id, before,
                            {"deleted": True, "reason": reason})
            return result

    def rounds(self, *, village_code: str | None = None, start: date | None = None,
               end: date | None = None, limit: int = 1000) -> list[RoundRow]:
        """Rounds newest first, optionally of one village and between two dates (inclusive),
        with how many items each found and how many are still open."""
        where = ["r.deleted = 0"]
        params: dict[str, Any] = {"lim": limit}
        if village_code:
            where.append("r.village_code = :v")
            params["v"] = parse_village_code(village_code, field="village_code")
        if start is not None:
            where.append("r.held_on >= :a")
            params["a"] = start.isoformat()
        if end is not None:
            where.append("r.held_on <= :b")
            params["b"] = end.isoformat()
        sql = ("SELECT r.id, r.owner_code, r.held_on, r.level, r.village_code, "
               "coalesce(v.name, ''), r.unit, r.screened_by, r.focus, r.sensitive, r.nil_return, "
               "r.note, count(i.id), coalesce(sum(i.id IS NOT NULL AND (i.disposition IS NULL OR "
               "i.disposition = 'WATCHING')), 0) FROM screening_round r "
               "LEFT JOIN village v ON v.code = r.village_code AND v.deleted = 0 "
               "LEFT JOIN screening_item i ON i.round_id = r.id AND i.deleted = 0 "
               f"WHERE {' AND '.join(where)} GROUP BY r.id "
               "ORDER BY r.held_on DESC, coalesce(v.name, r.unit, ''), r.id LIMIT :lim")
        with self.db.read() as s:
            rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
        return [RoundRow(r[0], r[1], date.fromisoformat(str(r[2])), r[3], r[4], r[5], r[6], r[7],
                         r[8], bool(r[9]), bool(r[10]), r[11], int(r[12]), int(r[13]))
                for r in rows]

    def round_detail(self, round_id: str) -> RoundDetail:
        with self.db.read() as s:
            row = s.get(ScreeningRound, round_id)
            if row is None or row.deleted:
                raise NotFoundError(t("scr.round_not_found", id=round_id))
            items = s.exec(select(ScreeningItem).where(
                ScreeningItem.round_id == round_id, ScreeningItem.deleted == False)
                .order_by(col(ScreeningItem.found_on), col(ScreeningItem.created_at))).all()
            numbers = self._case_numbers(s, [i.case_id for i in items if i.case_id])
            return RoundDetail(self._round_row(s, row),
                               [self._item_row(i, numbers.get(i.case_id or "")) for i in items])

    @staticmethod
    def _case_numbers(s: Session, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        cases = s.exec(select(Case).where(Case.id.in_(ids))).all()  # type: ignore[attr-defined]
        return {c.id: c.case_no for c in cases}

    # --- items ---------------------------------------------------------------------------

    def add_item(self, round_id: str, data: ItemInput) -> ItemRow:
        """Record what a round found. A round reported as 零报告 found nothing: it takes no
        items (record the round again without the nil flag, or delete it)."""
        summary = _limited(data.summary, "summary")
        if not summary:
            raise ValidationError(t("scr.summary_required"), "summary")
        people = _limited(data.people, "people", 500)
        if data.persons_involved < 0:
            raise ValidationError(t("scr.persons_negative"), "persons_involved")
        dispute_type = DisputeType(data.dispute_type)
        grade = RiskGrade(data.risk_grade)
        responsible = optional_text(normalise_line(data.responsible_person))
        if responsible is not None and len(responsible) > MAX_NAME:
            raise ValidationError(t("svc.too_long", limit=MAX_NAME), "responsible_person")
        measures = optional_text(_limited(data.stabilising_measures, "stabilising_measures"))
        with self.db.write() as s:
            own = self._own_code(s)
            rnd = self._round(s, round_id, own)
            if rnd.nil_return:
                raise DomainError(t("scr.nil_round_no_items"))
            found_on = self._date(data.found_on or rnd.held_on, "found_on")
            if found_on < rnd.held_on:
                raise ValidationError(t("scr.found_before_round", date=rnd.held_on.isoformat()),
                                      "found_on")
            if data.resolve_by is not None and data.resolve_by < found_on:
                raise ValidationError(t("scr.resolve_before_found"), "resolve_by")
            village = (self._village(s, data.village_code, own, "village_code").code
                       if normalise_line(data.village_code) else rnd.village_code)
            item = ScreeningItem(owner_code=own, round_id=rnd.id, found_on=found_on,
                                 dispute_type=dispute_type.name, village_code=village,
                                 risk_grade=grade.name, summary=summary, people=people,
                                 persons_involved=int(data.persons_involved),
                                 responsible_person=responsible, stabilising_measures=measures,
                                 resolve_by=data.resolve_by)
            s.add(item)
            s.flush()
            self.svc._audit(s, "screening.item", "screening_item", item.id, None, _snap(item))
            return self._item_row(item)

    def dispose_item(self, item_id: str, disposition: Disposition, note: str = "",
                     on: date | None = None) -> ItemRow:
        """当场化解 / 预防 (say how) / 移交 (say to whom) / 持续关注. 转立案 is
        :meth:`item_to_case` (it registers the case); an item that became a case is final."""
        disposition = Disposition(disposition)
        if disposition is Disposition.CASE:
            raise DomainError(t("scr.case_via_register"))
        note = _limited(note, "note")
        if disposition is Disposition.PREVENTED and not note:
            raise ValidationError(t("scr.prevented_needs_how"), "note")
        if disposition is Disposition.TRANSFERRED and not note:
            raise ValidationError(t("scr.transfer_needs_whom"), "note")
        with self.db.write() as s:
            own = self._own_code(s)
            item = self._item(s, item_id, own)
            if item.disposition == Disposition.CASE.name:
                raise DomainError(t("scr.item_is_case"))
            day = self._date(on, "on")
            if day < item.found_on:
                raise ValidationError(t("scr.disposed_before_found",
                                        date=item.found_on.isoformat()), "on")
            before = _snap(item)
            item.disposition, item.disposed_on, item.disposition_note = disposition.name, day, note
            _touch(item)
            s.add(item)
            self.svc._audit(s, "screening.dispose", "screening_item", item.id, before, _snap(item))
            return self._item_row(item)

    def item_to_case(self, item_id: str, applicant: str, respondent: str = "",
                     on: date | None = None, mediator_id: str | None = None) -> tuple[ItemRow, CaseResult]:
        """转立案: register a case (登记, source 排查发现) prefilled from the item — type,
        village, facts, people involved, risk grade, owner, measures, deadline — and link both
        ways: the item names the case, the case's timeline names the round. One transaction."""
        applicant, respondent = normalise_line(applicant), normalise_line(respondent)
        if not applicant:
            raise ValidationError(t("scr.applicant_required"), "applicant")
        parties = [PartyInput(applicant, role=PartyRole.APPLICANT)]
        if respondent:
            parties.append(PartyInput(respondent, role=PartyRole.RESPONDENT))
        with self.db.write() as s:
            own = self._own_code(s)
            item = self._item(s, item_id, own)
            if item.disposition == Disposition.CASE.name:
                raise DomainError(t("scr.item_is_case"))
            rnd = s.get(ScreeningRound, item.round_id)
            assert rnd is not None
            day = self._date(on, "on")
            if day < item.found_on:
                raise ValidationError(t("scr.disposed_before_found",
                                        date=item.found_on.isoformat()), "on")
            checked, fields = self.svc._validate_case(CaseInput(
                parties=parties, dispute_type=DisputeType(item.dispute_type),
                source=CaseSource.SCREENING, registered_on=day, facts=item.summary,
                village_code=item.village_code, mediator_id=mediator_id,
                persons_involved=max(item.persons_involved, len(parties)),
                risk_grade=RiskGrade(item.risk_grade),
                responsible_person=item.responsible_person,
                stabilising_measures=item.stabilising_measures,
                resolve_by=item.resolve_by if item.resolve_by and item.resolve_by >= day else None))
            case = self.svc._insert_case(s, checked, fields)
            place = self._names(s).get(rnd.village_code or "", "") or rnd.unit or \
                ScreeningLevel(rnd.level).label
            self.svc._event(s, case, EventKind.NOTE, day,
                            t("scr.ev.from_item", date=rnd.held_on.isoformat(), place=place),
                            item.summary)
            self.svc._refresh(s, case)
            before = _snap(item)
            item.disposition, item.disposed_on = Disposition.CASE.name, day
            item.case_id = case.id
            item.disposition_note = case.case_no
            _touch(item)
            s.add(item)
            self.svc._audit(s, "case.register", "case", case.id, None,
                            case.model_dump(mode="json"))
            self.svc._audit(s, "screening.to_case", "screening_item", item.id, before, _snap(item))
            return self._item_row(item, case.case_no), CaseResult(case.id, case.case_no)

    def item_for_case(self, case_id: str) -> tuple[RoundRow, ItemRow] | None:
        """The screening item a case came from (转立案), with its round; None for other cases."""
        with self.db.read() as s:
            item = s.exec(select(ScreeningItem).where(ScreeningItem.case_id == case_id,
                                                      ScreeningItem.deleted == False)).first()
            if item is None:
                return None
            rnd = s.get(ScreeningRound, item.round_id)
            assert rnd is not None
            case = s.get(Case, case_id)
            return self._round_row(s, rnd), self._item_row(item, case.case_no if case else None)

    def find(self, ref: str, *, item: bool = False) -> str:
        """The id of the round (or item) whose id starts with ``ref`` (the 8 characters the
        lists show); refused when none or several match."""
        ref = normalise_line(ref).lower()
        table = "screening_item" if item else "screening_round"
        missing = t("scr.item_not_found" if item else "scr.round_not_found", id=ref)
        if not ref or not all(c in "0123456789abcdef" for c in ref):
            raise NotFoundError(missing)
        with self.db.read() as s:
            ids = [r[0] for r in s.exec(text(  # type: ignore[call-overload]
                f"SELECT id FROM {table} WHERE id LIKE :p AND deleted = 0 LIMIT 2"),
                params={"p": ref + "%"}).all()]
        if not ids:
            raise NotFoundError(missing)
        if len(ids) > 1:
            raise ValidationError(t("scr.ref_ambiguous", ref=ref), "ref")
        return str(ids[0])

    def village_code(self, text_: str) -> str:
        """A village typed by code or by (part of) its name, as the CLI takes it."""
        value = normalise_line(text_)
        with self.db.read() as s:
            own = self._own_code(s)
            villages = s.exec(select(Village).where(Village.deleted == False,
                                                    Village.owner_code == own)).all()
        exact = [v for v in villages if value in (v.code, v.name)]
        hits = exact or [v for v in villages if value and value in v.name]
        if len(hits) == 1:
            return hits[0].code
        if len(hits) > 1:
            raise ValidationError(t("scr.village_ambiguous", name=value,
                                    names="、".join(v.name for v in hits)), "village_code")
        if value.isdigit():
            return value  # let the use case say what is wrong with the code
        raise ValidationError(t("scr.village_unknown", code=value), "village_code")

    # --- rhythm and reminders -------------------------------------------------------------

    def rhythm(self) -> Rhythm:
        with self.db.read() as s:
            return self._rhythm(s)

    @staticmethod
    def _rhythm(s: Session) -> Rhythm:
        def number(key: str, default: int) -> int:
            row = s.get(Setting, key)
            try:
                value = int(row.value) if row else default
            except ValueError:
                return default
            return value if value > 0 else default

        def day(key: str) -> date | None:
            row = s.get(Setting, key)
            try:
                return date.fromisoformat(row.value) if row and row.value else None
            except ValueError:
                return None

        return Rhythm(number(VILLAGE_DAYS_KEY, DEFAULT_VILLAGE_DAYS),
                      number(TOWNSHIP_DAYS_KEY, DEFAULT_TOWNSHIP_DAYS),
                      number(SENSITIVE_DAYS_KEY, DEFAULT_SENSITIVE_DAYS),
                      day(SENSITIVE_FROM_KEY), day(SENSITIVE_TO_KEY))

    def set_rhythm(self, *, village_days: int | None = None, township_days: int | None = None,
                   sensitive_days: int | None = None, sensitive_from: str | None = None,
                   sensitive_to: str | None = None) -> Rhythm:
        """Change the rhythm (days between rounds) and the 敏感期 (``""`` clears it)."""
        values: dict[str, str] = {}
        for key, number, name in ((VILLAGE_DAYS_KEY, village_days, "village_days"),
                                  (TOWNSHIP_DAYS_KEY, township_days, "township_days"),
                                  (SENSITIVE_DAYS_KEY, sensitive_days, "sensitive_days")):
            if number is not None:
                if not 1 <= number <= 366:
                    raise ValidationError(t("scr.rhythm_range"), name)
                values[key] = str(number)
        bounds: dict[str, date | None] = {}
        for key, raw, name in ((SENSITIVE_FROM_KEY, sensitive_from, "sensitive_from"),
                               (SENSITIVE_TO_KEY, sensitive_to, "sensitive_to")):
            if raw is not None:
                bounds[key] = parse_date(raw, self.today(), field=name) if normalise_line(raw) else None
                values[key] = bounds[key].isoformat() if bounds[key] else ""  # type: ignore[union-attr]
        with self.db.write() as s:
            current = self._rhythm(s)
            start = bounds.get(SENSITIVE_FROM_KEY, current.sensitive_from)
            end = bounds.get(SENSITIVE_TO_KEY, current.sensitive_to)
            if (start is None) != (end is None):
                raise ValidationError(t("scr.sensitive_both"), "sensitive_to")
            if start is not None and end is not None and end < start:
                raise ValidationError(t("scr.sensitive_order"), "sensitive_to")
            for key, value in values.items():
                old = s.get(Setting, key)
                s.merge(Setting(key=key, value=value))
                self.svc._audit(s, "setting.set", "setting", key,
                                {"value": old.value} if old else None, {"value": value})
            s.flush()
            return self._rhythm(s)

    def due(self, days: int = 0) -> list[DueScreening]:
        """Villages of this office (and the township itself) whose next round is due within
        ``days`` from today, most overdue first. A village never screened is due today."""
        today = self.today()
        with self.db.read() as s:
            own = self._own_code(s)
            rhythm = self._rhythm(s)
            rows = s.exec(text(  # type: ignore[call-overload]
                "SELECT v.code, v.name, (SELECT max(r.held_on) FROM screening_round r "
                "WHERE r.village_code = v.code AND r.deleted = 0 AND r.owner_code = :own) "
                "FROM village v WHERE v.deleted = 0 AND v.owner_code = :own ORDER BY v.code"),
                params={"own": own}).all()
            office = self.svc._office(s)
            township_last = s.exec(text(  # type: ignore[call-overload]
                "SELECT max(held_on) FROM screening_round WHERE deleted = 0 "
                "AND owner_code = :own AND level = 'TOWNSHIP'"), params={"own": own}).one()[0]
        found: list[DueScreening] = []
        horizon = today + timedelta(days=days)

        def add(level: ScreeningLevel, code: str, name: str, last: Any) -> None:
            last_on = date.fromisoformat(str(last)) if last else None
            due_on = last_on + timedelta(days=rhythm.days(level, today)) if last_on else today
            if due_on <= horizon:
                found.append(DueScreening(level.name, code, name, last_on, due_on))

        add(ScreeningLevel.TOWNSHIP, office.code, office.name, township_last)
        for code, name, last in rows:
            add(ScreeningLevel.VILLAGE, code, name, last)
        found.sort(key=lambda d: (d.due_on, d.level != ScreeningLevel.TOWNSHIP.name, d.code))
        return found

    def agenda_items(self, days: int) -> list[Any]:
        """The agenda's reminders (kind ``SCREENING``): each village, and the township, whose
        next round is due within ``days``. Only once the office keeps screening records at
        all (one round recorded): an office that does not is not reminded every day."""
        from mediator.core.queries import AgendaItem

        with self.db.read() as s:
            any_round = s.exec(text(  # type: ignore[call-overload]
                "SELECT 1 FROM screening_round WHERE deleted = 0 LIMIT 1")).first()
        if any_round is None:
            return []
        return [AgendaItem(kind=AGENDA_KIND, due_on=d.due_on, case_id=d.code, case_no=d.name,
                           parties=ScreeningLevel(d.level).label, follow_up_id=None,
                           note=t("scr.agenda_note", last=d.last_on.isoformat()) if d.last_on
                           else t("scr.agenda_never"))
                for d in self.due(days)]


def with_reminders(items: list[Any], services: Services, days: int) -> list[Any]:
    """The agenda's items with the screening reminders merged in by date (stable: on one day
    the case items come first)."""
    merged = list(items) + Screening(services).agenda_items(days)
    return sorted(merged, key=lambda i: i.due_on) if len(merged) > len(items) else merged

