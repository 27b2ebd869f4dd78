"""``mediator screening ...``: 排查 rounds, 零报告, items and their disposition, what is due."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from mediator.cli import Context, console
from mediator.core.text import plain
from mediator.i18n import t

LEVELS = ("village", "township", "special")
DISPOSITIONS = ("resolved", "prevented", "case", "transferred", "watching")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("screening", parents=[common], help=t("cli.scr.help"))
    ssub = p.add_subparsers(dest="screening_command", required=True, metavar=t("cli.commands"))

    q = ssub.add_parser("round", parents=[common], help=t("cli.scr.round.help"))
    q.add_argument("--village", help=t("cli.scr.opt.village"))
    q.add_argument("--date", help=t("cli.scr.opt.date"))
    q.add_argument("--level", default="village", help=t("cli.scr.opt.level"))
    q.add_argument("--by", default="", help=t("cli.scr.opt.by"))
    q.add_argument("--focus", default="", help=t("cli.scr.opt.focus"))
    q.add_argument("--unit", help=t("cli.scr.opt.unit"))
    q.add_argument("--sensitive", action="store_true", help=t("cli.scr.opt.sensitive"))
    q.add_argument("--nil", action="store_true", help=t("cli.scr.opt.nil"))
    q.set_defaults(handler=cmd_round)

    q = ssub.add_parser("nil", parents=[common], help=t("cli.scr.nil.help"))
    q.add_argument("village", help=t("cli.scr.opt.village"))
    q.add_argument("--date", help=t("cli.scr.opt.date"))
    q.add_argument("--by", default="", help=t("cli.scr.opt.by"))
    q.set_defaults(handler=cmd_nil)

    q = ssub.add_parser("item", parents=[common], help=t("cli.scr.item.help"))
    q.add_argument("round", help=t("cli.scr.opt.round"))
    q.add_argument("--type", required=True, help=t("cli.scr.opt.type"))
    q.add_argument("--summary", required=True, help=t("cli.scr.opt.summary"))
    q.add_argument("--village", help=t("cli.scr.opt.village"))
    q.add_argument("--date", help=t("cli.scr.opt.date"))
    q.add_argument("--grade", default="GENERAL", help=t("cli.scr.opt.grade"))
    q.add_argument("--people", default="", help=t("cli.scr.opt.people"))
    q.add_argument("--persons", default="0", help=t("cli.scr.opt.persons"))
    q.add_argument("--responsible", help=t("cli.scr.opt.responsible"))
    q.add_argument("--measures", help=t("cli.scr.opt.measures"))
    q.add_argument("--resolve-by", help=t("cli.scr.opt.resolve_by"))
    q.set_defaults(handler=cmd_item)

    q = ssub.add_parser("dispose", parents=[common], help=t("cli.scr.dispose.help"))
    q.add_argument("item", help=t("cli.scr.opt.item"))
    q.add_argument("--as", dest="disposition", required=True, help=t("cli.scr.opt.as"))
    q.add_argument("--note", default="", help=t("cli.scr.opt.note"))
    q.add_argument("--date", help=t("cli.scr.opt.date"))
    q.add_argument("--applicant", default="", help=t("cli.scr.opt.applicant"))
    q.add_argument("--respondent", default="", help=t("cli.scr.opt.respondent"))
    q.set_defaults(handler=cmd_dispose)

    q = ssub.add_parser("list", parents=[common], help=t("cli.scr.list.help"))
    q.add_argument("--village", help=t("cli.scr.opt.village"))
    q.add_argument("--from", dest="start", help=t("cli.scr.opt.from"))
    q.add_argument("--to", dest="end", help=t("cli.scr.opt.to"))
    q.set_defaults(handler=cmd_list)

    q = ssub.add_parser("show", parents=[common], help=t("cli.scr.show.help"))
    q.add_argument("round", help=t("cli.scr.opt.round"))
    q.set_defaults(handler=cmd_show)

    q = ssub.add_parser("due", parents=[common], help=t("cli.scr.due.help"))
    q.add_argument("--days", default="0", help=t("cli.scr.opt.days"))
    q.set_defaults(handler=cmd_due)

    q = ssub.add_parser("risk", parents=[common], help=t("cli.scr.risk.help"))
    q.add_argument("--case", help=t("cli.scr.opt.case"))
    q.add_argument("--item", help=t("cli.scr.opt.item"))
    q.add_argument("--signs", required=True, help=t("cli.scr.opt.signs"))
    q.add_argument("--measures", required=True, help=t("cli.scr.opt.risk_measures"))
    q.add_argument("--date", help=t("cli.scr.opt.date"))
    q.add_argument("--reported-to", default="", help=t("cli.scr.opt.reported_to"))
    q.add_argument("--receiver", help=t("cli.scr.opt.receiver"))
    q.add_argument("--reported-on", help=t("cli.scr.opt.reported_on"))
    q.add_argument("--outcome", default="", help=t("cli.scr.opt.outcome"))
    q.add_argument("--prevented", action="append", default=[], help=t("cli.scr.opt.prevented"))
    q.add_argument("--persons", default="0", help=t("cli.scr.opt.persons"))
    q.set_defaults(handler=cmd_risk)

    q = ssub.add_parser("policy", parents=[common], help=t("cli.scr.policy.help"))
    q.add_argument("--followup-days", help=t("cli.scr.opt.followup_days"))
    q.add_argument("--risk-followup-days", help=t("cli.scr.opt.risk_followup_days"))
    q.add_argument("--rate-basis", help=t("cli.scr.opt.rate_basis"))
    q.set_defaults(handler=cmd_policy)

    q = ssub.add_parser("rhythm", parents=[common], help=t("cli.scr.rhythm.help"))
    q.add_argument("--village-days", help=t("cli.scr.opt.village_days"))
    q.add_argument("--township-days", help=t("cli.scr.opt.township_days"))
    q.add_argument("--sensitive-days", help=t("cli.scr.opt.sensitive_days"))
    q.add_argument("--sensitive-from", help=t("cli.scr.opt.sensitive_from"))
    q.add_argument("--sensitive-to", help=t("cli.scr.opt.sensitive_to"))
    q.set_defaults(handler=cmd_rhythm)


# --- parsing what was typed (before the database is opened for writing) --------------------


def _date(value: str | None, field: str) -> date | None:
    from mediator.core.validate import normalise, parse_date

    return parse_date(value, date.today(), field=field) if normalise(value) else None


def _number(value: str | None, field: str) -> int | None:
    from mediator.core.errors import ValidationError
    from mediator.core.validate import normalise

    text = normalise(value)
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise ValidationError(t("cli.scr.bad_number", value=text), field) from None


def _enum(cls: Any, value: str, key: str) -> Any:
    from mediator.core.errors import ValidationError
    from mediator.core.validate import normalise

    member = cls.from_label(normalise(value))
    if member is None:
        raise ValidationError(t(key, value=normalise(value)), key)
    return member


def _screening(ctx: Context, db: Any) -> Any:
    from mediator.core.screening import Screening

    return Screening(ctx.services(db))


def _level_label(name: str) -> str:
    from mediator.core.enums import ScreeningLevel

    return ScreeningLevel(name).label


def _print_round(row: Any) -> None:
    console().print(t("cli.scr.round_done", id=row.id[:8], date=row.held_on.isoformat(),
                      place=plain(row.place), level=_level_label(row.level),
                      nil=t("cli.scr.nil_mark") if row.nil_return else ""), markup=False)


# --- commands ------------------------------------------------------------------------------


def cmd_round(ctx: Context) -> int:
    from mediator.core.enums import ScreeningLevel
    from mediator.core.errors import ValidationError
    from mediator.core.screening import RoundInput

    a = ctx.args
    if a.level.strip().lower() not in LEVELS:
        raise ValidationError(t("cli.scr.bad_level", value=plain(a.level)), "level")
    level = ScreeningLevel(a.level.strip().upper())
    held_on = _date(a.date, "date")
    with ctx.open_db(create=False) as db:
        scr = _screening(ctx, db)
        village = scr.village_code(a.village) if a.village else None
        row = scr.add_round(RoundInput(level=level, village_code=village, held_on=held_on,
                                       unit=a.unit, screened_by=a.by, focus=a.focus,
                                       sensitive=a.sensitive, nil_return=a.nil))
    _print_round(row)
    return 0


def cmd_nil(ctx: Context) -> int:
    a = ctx.args
    held_on = _date(a.date, "date")
    with ctx.open_db(create=False) as db:
        scr = _screening(ctx, db)
        row = scr.add_nil_round(scr.village_code(a.village), held_on, a.by)
    _print_round(row)
    return 0


def cmd_item(ctx: Context) -> int:
    from mediator.core.enums import DisputeType, RiskGrade
    from mediator.core.screening import ItemInput

    a = ctx.args
    dispute_type = _enum(DisputeType, a.type, "cli.scr.bad_type")
    grade = _enum(RiskGrade, a.grade, "cli.scr.bad_grade")
    found_on, resolve_by = _date(a.date, "date"), _date(a.resolve_by, "resolve_by")
    persons = _number(a.persons, "persons") or 0
    with ctx.open_db(create=False) as db:
        scr = _screening(ctx, db)
        round_id = scr.find(a.round)
        village = scr.village_code(a.village) if a.village else None
        row = scr.add_item(round_id, ItemInput(
            dispute_type, a.summary, village_code=village, found_on=found_on, risk_grade=grade,
            people=a.people, persons_involved=persons, responsible_person=a.responsible,
            stabilising_measures=a.measures, resolve_by=resolve_by))
    console().print(t("cli.scr.item_done", id=row.id[:8], summary=plain(row.summary, limit=80)),
                    markup=False)
    return 0


def cmd_dispose(ctx: Context) -> int:
    from mediator.core.enums import Disposition
    from mediator.core.errors import ValidationError

    a = ctx.args
    value = a.disposition.strip().lower()
    if value not in DISPOSITIONS:
        member = Disposition.from_label(a.disposition)
        if member is None:
            raise ValidationError(t("cli.scr.bad_disposition", value=plain(a.disposition)), "as")
    else:
        member = Disposition({"resolved": "RESOLVED", "prevented": "PREVENTED", "case": "CASE",
                              "transferred": "TRANSFERRED", "watching": "WATCHING"}[value])
    on = _date(a.date, "date")
    out = console()
    with ctx.open_db(create=False) as db:
        scr = _screening(ctx, db)
        item_id = scr.find(a.item, item=True)
        if member is Disposition.CASE:
            row, result = scr.item_to_case(item_id, a.applicant, a.respondent, on)
            out.print(t("cli.scr.to_case", id=row.id[:8], case_no=result.case_no), markup=False)
            return 0
        row = scr.dispose_item(item_id, member, a.note, on)
    out.print(t("cli.scr.disposed", id=row.id[:8], disposition=member.label), markup=False)
    return 0


def cmd_list(ctx: Context) -> int:
    a = ctx.args
    start, end = _date(a.start, "from"), _date(a.end, "to")
    out = console()
    with ctx.open_db(create=False, backup=False) as db:
        scr = _screening(ctx, db)
        village = scr.village_code(a.village) if a.village else None
        rows = scr.rounds(village_code=village, start=start, end=end)
    if not rows:
        out.print(t("cli.scr.none"), markup=False)
        return 0
    out.print(t("cli.scr.list_head"), markup=False)
    for r in rows:
        out.print(t("cli.scr.list_row", week=r.week, date=r.held_on.isoformat(), id=r.id[:8],
                    level=_level_label(r.level), place=plain(r.place, limit=20),
                    by=plain(r.screened_by, limit=12), items=r.items, open=r.open_items,
                    nil=t("cli.scr.yes") if r.nil_return else ""), markup=False)
    return 0


def cmd_show(ctx: Context) -> int:
    from mediator.core.enums import Disposition, DisputeType, RiskGrade

    out = console()
    with ctx.open_db(create=False, backup=False) as db:
        scr = _screening(ctx, db)
        detail = scr.round_detail(scr.find(ctx.args.round))
    r = detail.round
    out.print(t("cli.scr.show_head", id=r.id[:8], date=r.held_on.isoformat(), week=r.week,
                place=plain(r.place), level=_level_label(r.level), by=plain(r.screened_by)),
              markup=False)
    if r.focus:
        out.print(t("cli.scr.show_focus", focus=plain(r.focus)), markup=False)
    if r.nil_return:
        out.print(t("cli.scr.show_nil"), markup=False)
    elif not detail.items:
        out.print(t("cli.scr.show_no_items"), markup=False)
    for i in detail.items:
        disposition = (Disposition(i.disposition).label if i.disposition
                       else t("cli.scr.pending"))
        if i.case_no:
            disposition += f" {i.case_no}"
        elif i.disposition_note:
            disposition += f"（{plain(i.disposition_note, limit=40)}）"
        out.print(t("cli.scr.show_item", id=i.id[:8], type=DisputeType(i.dispute_type).label,
                    grade=RiskGrade(i.risk_grade).label, summary=plain(i.summary, limit=60),
                    disposition=disposition), markup=False)
    return 0


def cmd_due(ctx: Context) -> int:
    days = _number(ctx.args.days, "days") or 0
    out = console()
    with ctx.open_db(create=False, backup=False) as db:
        scr = _screening(ctx, db)
        today = scr.today()
        due = scr.due(days)
    if not due:
        out.print(t("cli.scr.due_none"), markup=False)
        return 0
    for d in due:
        left = d.days_left(today)
        when = (t("deadline.overdue", days=-left) if left < 0 else
                t("deadline.today") if left == 0 else t("deadline.left", days=left))
        out.print(t("cli.scr.due_row", due=d.due_on.isoformat(), when=when,
                    level=_level_label(d.level), name=plain(d.name),
                    last=d.last_on.isoformat() if d.last_on else t("cli.scr.never")),
                  markup=False)
    return 0


def cmd_rhythm(ctx: Context) -> int:
    a = ctx.args
    numbers = {k: _number(getattr(a, k), k) for k in ("village_days", "township_days",
                                                       "sensitive_days")}
    changing = any(v is not None for v in numbers.values()) or \
        a.sensitive_from is not None or a.sensitive_to is not None
    with ctx.open_db(create=False, backup=changing) as db:
        scr = _screening(ctx, db)
        rhythm = (scr.set_rhythm(**numbers, sensitive_from=a.sensitive_from,
                                 sensitive_to=a.sensitive_to) if changing else scr.rhythm())
    period = (f"{rhythm.sensitive_from.isoformat()} ~ {rhythm.sensitive_to.isoformat()}"
              if rhythm.sensitive_from and rhythm.sensitive_to else t("cli.scr.no_period"))
    console().print(t("cli.scr.rhythm", village=rhythm.village_days,
                      township=rhythm.township_days, sensitive=rhythm.sensitive_days,
                      period=period), markup=False)
    return 0


PREVENTIONS = {"criminal": "CRIMINAL", "petition": "PETITION", "suicide": "SUICIDE",
               "fight": "FIGHT"}


def cmd_risk(ctx: Context) -> int:
    """激化风险 on a case (by its number) or a screening item, and what it prevented."""
    from mediator.core.enums import Prevention
    from mediator.core.errors import ValidationError
    from mediator.core.risk import RiskInput, Risks

    a = ctx.args
    kinds: list[Any] = []
    for value in a.prevented:
        name = PREVENTIONS.get(value.strip().lower())
        member = Prevention(name) if name else Prevention.from_label(value)
        if member is None:
            raise ValidationError(t("cli.scr.bad_prevention", value=plain(value)), "prevented")
        kinds.append(member)
    occurred, reported_on = _date(a.date, "date"), _date(a.reported_on, "reported_on")
    persons = _number(a.persons, "persons") or 0
    with ctx.open_db(create=False) as db:
        svc = ctx.services(db)
        case_id = svc.find_case(a.case).id if a.case else None
        item_id = _item_id(ctx, db, a.item) if a.item else None
        row = Risks(svc).record(RiskInput(
            a.signs, a.measures, case_id=case_id, item_id=item_id, occurred_on=occurred,
            reported_to=a.reported_to, receiver=a.receiver, reported_on=reported_on,
            outcome=a.outcome, prevented=kinds, prevented_persons=persons))
    console().print(t("cli.scr.risk_done", id=row.id[:8], prevented="、".join(
        k.label for k in kinds) or t("cli.scr.risk_none")), markup=False)
    return 0


def _item_id(ctx: Context, db: Any, ref: str) -> str:
    return str(_screening(ctx, db).find(ref, item=True))


def cmd_policy(ctx: Context) -> int:
    """Show or set the 回访 policy and the success rate's denominator."""
    from mediator.core.policy import get_policy, set_policy

    a = ctx.args
    success = _number(a.followup_days, "followup_days")
    risk = _number(a.risk_followup_days, "risk_followup_days")
    changing = success is not None or risk is not None or a.rate_basis is not None
    with ctx.open_db(create=False, backup=changing) as db:
        svc = ctx.services(db)
        policy = (set_policy(svc, success_days=success, risk_days=risk, rate_basis=a.rate_basis)
                  if changing else get_policy(svc))
    console().print(t("cli.scr.policy", success=policy.success_days, risk=policy.risk_days,
                      basis=t(f"report.rate_def.{policy.rate_basis}")), markup=False)
    return 0
