"""workdays (the working-day calendar) and petition (信访件) commands."""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from mediator.cli import Context, console, path_arg
from mediator.i18n import t


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("workdays", parents=[common], help=t("cli.workdays.help"))
    wsub = p.add_subparsers(dest="workdays_command", required=True)
    w = wsub.add_parser("status", parents=[common], help=t("cli.workdays.status_help"))
    w.set_defaults(handler=cmd_workdays_status)
    w = wsub.add_parser("import", parents=[common], help=t("cli.workdays.import_help"))
    w.add_argument("file", type=path_arg, help=t("cli.workdays.file"))
    w.set_defaults(handler=cmd_workdays_import)
    w = wsub.add_parser("add", parents=[common], help=t("cli.workdays.add_help"))
    w.add_argument("start", help=t("cli.workdays.start"))
    w.add_argument("days", type=int, help=t("cli.workdays.days"))
    w.set_defaults(handler=cmd_workdays_add)

    p = sub.add_parser("consent", parents=[common], help=t("cli.consent.help"))
    p.add_argument("case", help=t("cli.petition.case"))
    p.add_argument("party", help=t("cli.consent.party"))
    p.add_argument("form", choices=["ORAL", "WRITTEN", "NO_OBJECTION", "REFUSED"],
                   help=t("cli.consent.form"))
    p.add_argument("--on", help=t("cli.petition.on"))
    p.set_defaults(handler=cmd_consent)

    p = sub.add_parser("accept", parents=[common], help=t("cli.accept.help"))
    p.add_argument("case", help=t("cli.petition.case"))
    p.add_argument("--on", help=t("cli.petition.on"))
    p.add_argument("--without-consent", action="store_true", help=t("cli.accept.without_consent"))
    p.set_defaults(handler=cmd_accept)

    p = sub.add_parser("petition", parents=[common], help=t("cli.petition.help"))
    psub = p.add_subparsers(dest="petition_command", required=True)

    def step(name: str, handler: Any, *, on: bool = True) -> argparse.ArgumentParser:
        q = psub.add_parser(name, parents=[common], help=t(f"cli.petition.{name}_help"))
        q.add_argument("case", help=t("cli.petition.case"))
        if on:
            q.add_argument("--on", help=t("cli.petition.on"))
        q.set_defaults(handler=handler)
        return q

    step("show", cmd_petition_show, on=False)
    q = step("record", cmd_petition_record, on=False)
    q.add_argument("--received", required=True, help=t("cli.petition.received"))
    q.add_argument("--no", dest="petition_no", help=t("cli.petition.no"))
    q.add_argument("--from", dest="from_body", help=t("cli.petition.from"))
    q.add_argument("--assigned", action="store_true", help=t("cli.petition.assigned"))
    q.add_argument("--channel", help=t("cli.petition.channel"))
    q.add_argument("--first-handler", help=t("cli.petition.first_handler"))
    q.add_argument("--first-visit", action="store_true", help=t("cli.petition.first_visit"))
    q.add_argument("--repeat", action="store_true", help=t("cli.petition.repeat"))
    q.add_argument("--over-level", choices=OVER_LEVEL_CHOICES, help=t("cli.petition.over_level"))
    q.add_argument("--collective", action="store_true", help=t("cli.petition.collective"))
    q.add_argument("--persons", type=int, default=0, help=t("cli.petition.persons"))
    q.add_argument("--representatives", type=int, default=0,
                   help=t("cli.petition.representatives"))
    q = step("notice", cmd_petition_notice)
    q.add_argument("--not-accepted", action="store_true", help=t("cli.petition.not_accepted"))
    q = step("object", cmd_petition_object)
    q.add_argument("--reason", required=True, help=t("cli.petition.reason"))
    q = step("extend", cmd_petition_extend)
    q.add_argument("--days", type=int, required=True, help=t("cli.petition.days"))
    q.add_argument("--approver", required=True, help=t("cli.petition.approver"))
    q.add_argument("--reason", required=True, help=t("cli.petition.reason"))
    q.add_argument("--told", required=True, help=t("cli.petition.told"))
    q = step("reply", cmd_petition_reply)
    q.add_argument("--content", required=True, help=t("cli.petition.content"))
    q = step("feedback", cmd_petition_feedback)
    q.add_argument("--note", required=True, help=t("cli.petition.note"))
    q = step("evaluate", cmd_petition_evaluate, on=False)
    q.add_argument("evaluation", choices=["SATISFIED", "BASIC", "UNSATISFIED"],
                   help=t("cli.petition.evaluation"))
    q = step("review", cmd_petition_review)
    q.add_argument("--level", choices=["REVIEW", "REREVIEW"], default="REVIEW",
                   help=t("cli.petition.level"))
    q.add_argument("--decide", metavar="RESULT", help=t("cli.petition.decide"))


OVER_LEVEL_CHOICES = ["COUNTY", "CITY", "PROVINCE", "NATIONAL"]


def _today() -> date:
    return date.today()


def cmd_workdays_status(ctx: Context) -> int:
    """Which years are known (library, county file) and what is missing."""
    from mediator.core import workdays

    cal = workdays.install(ctx.paths.data)
    out = console()
    lib = sorted(workdays.library_years())
    if lib:
        out.print(t("cli.workdays.library", first=lib[0], last=lib[-1]), markup=False)
    county = sorted(cal.county)
    out.print(t("cli.workdays.county", years="、".join(map(str, county)) if county
                else t("cli.workdays.none"), path=str(ctx.paths.data / workdays.FILE_NAME)),
              markup=False)
    problems = workdays.warnings(_today(), cal, ahead=True)
    for line in problems:
        console(stderr=True).print(line, markup=False)
    return 4 if problems else 0


def cmd_workdays_import(ctx: Context) -> int:
    from mediator.core import workdays

    years = workdays.merge_county_file(ctx.paths.data, ctx.args.file)
    console().print(t("cli.workdays.imported", years="、".join(map(str, years))), markup=False)
    return 0


def cmd_workdays_add(ctx: Context) -> int:
    """The N-th working day after a date (what a 工作日 limit gives)."""
    from mediator.core import workdays
    from mediator.core.errors import ValidationError
    from mediator.core.validate import parse_date

    start = parse_date(ctx.args.start, _today(), field="start")
    if ctx.args.days < 1:
        raise ValidationError(t("cli.workdays.days_positive"), "days")
    cal = workdays.install(ctx.paths.data)
    console().print(cal.add_workdays(start, ctx.args.days).isoformat(), markup=False)
    for line in workdays.warnings(start, cal):
        console(stderr=True).print(line, markup=False)
    return 0


# --- petition ------------------------------------------------------------------------------


def _date(value: str | None, today: date, field: str) -> date | None:
    from mediator.core.validate import parse_date

    return parse_date(value, today, field=field) if value else None


def _petition_step(ctx: Context, work: Any) -> int:
    """Open the database, find the case, run one petition use case, say what it warns."""
    from mediator.core.text import plain

    with ctx.open_db() as db:
        svc = ctx.services(db)
        case = svc.find_case(ctx.args.case)
        result = work(svc, case.id, svc.today())
        console().print(t("cli.petition.done", case_no=plain(result.case_no)), markup=False)
        for warning in result.warnings:
            console(stderr=True).print(plain(warning), markup=False)
        _print_petition(svc, case.id)
    return 0


def _print_petition(svc: Any, case_id: str) -> None:
    """The record and its open clocks, as the case file shows them."""
    from mediator.core.petition import PetitionFacts
    from mediator.core.text import plain

    cf = svc.case_file(case_id)
    p = cf.petition
    out = console()
    if p is None:
        out.print(t("cli.petition.none"), markup=False)
        return
    facts = PetitionFacts.from_row(p)
    out.print(t("cli.petition.head", no=plain(p.petition_no or "-"),
                body=plain(p.from_body or "-"), received=p.received_on.isoformat(),
                stage=facts.stage.label), markup=False)
    repeats = [] if p.repeat_visit else svc.suggest_repeat(case_id)
    if repeats:  # a suggestion: the officer decides (petition record --repeat)
        out.print(t("petition.repeat_suggested", cases="、".join(map(plain, repeats))),
                  markup=False)
    for d in cf.deadlines:
        if d.kind.name.startswith("PETITION"):
            out.print(t("cli.petition.clock", kind=d.kind.label, due=d.due.isoformat(),
                        badge=d.badge()), markup=False)


def cmd_petition_show(ctx: Context) -> int:
    with ctx.open_db(create=False) as db:
        svc = ctx.services(db)
        case = svc.find_case(ctx.args.case)
        _print_petition(svc, case.id)
        if case.id and svc.case_file(case.id).petition is None:
            return 1
    return 0


def cmd_petition_record(ctx: Context) -> int:
    from mediator.core.petition import PetitionInput

    a = ctx.args

    def work(svc: Any, case_id: str, today: date) -> Any:
        channel = None
        if a.channel:
            from mediator.core.enums import PetitionChannel

            found = PetitionChannel.from_label(a.channel)
            channel = found.name if found else a.channel
        return svc.record_petition(case_id, PetitionInput(
            received_on=_date(a.received, today, "received_on") or today,
            petition_no=a.petition_no, from_body=a.from_body, assigned=a.assigned,
            channel=channel, first_handler=a.first_handler, first_visit=a.first_visit,
            repeat_visit=a.repeat, over_level=a.over_level, collective=a.collective,
            persons=a.persons, representatives=a.representatives))
    return _petition_step(ctx, work)


def cmd_petition_notice(ctx: Context) -> int:
    a = ctx.args
    return _petition_step(ctx, lambda svc, cid, today: svc.petition_notice(
        cid, accepted=not a.not_accepted, on=_date(a.on, today, "on")))


def cmd_petition_object(ctx: Context) -> int:
    a = ctx.args
    return _petition_step(ctx, lambda svc, cid, today: svc.petition_object(
        cid, a.reason, on=_date(a.on, today, "on")))


def cmd_petition_extend(ctx: Context) -> int:
    a = ctx.args
    return _petition_step(ctx, lambda svc, cid, today: svc.petition_extend(
        cid, a.days, a.approver, a.reason, told_on=_date(a.told, today, "told_on"),
        on=_date(a.on, today, "on")))


def cmd_petition_reply(ctx: Context) -> int:
    a = ctx.args
    return _petition_step(ctx, lambda svc, cid, today: svc.petition_reply(
        cid, a.content, on=_date(a.on, today, "on")))


def cmd_petition_feedback(ctx: Context) -> int:
    a = ctx.args
    return _petition_step(ctx, lambda svc, cid, today: svc.petition_feedback(
        cid, a.note, on=_date(a.on, today, "on")))


def cmd_petition_evaluate(ctx: Context) -> int:
    from mediator.core.petition import Evaluation

    a = ctx.args
    return _petition_step(ctx, lambda svc, cid, today: svc.petition_evaluate(
        cid, Evaluation(a.evaluation)))


def cmd_petition_review(ctx: Context) -> int:
    """复查/复核: requested (no --decide) or decided (--decide RESULT)."""
    from mediator.core.petition import Level

    a = ctx.args
    level = Level(a.level)
    if a.decide is not None:
        return _petition_step(ctx, lambda svc, cid, today: svc.petition_review_decide(
            cid, level, a.decide, on=_date(a.on, today, "on")))
    return _petition_step(ctx, lambda svc, cid, today: svc.petition_review_request(
        cid, level, on=_date(a.on, today, "on")))


def cmd_consent(ctx: Context) -> int:
    """人民调解法 §17: a party's consent or refusal, before 受理."""
    from mediator.core.enums import ConsentForm
    from mediator.core.errors import NotFoundError
    from mediator.core.text import plain
    from mediator.core.validate import normalise

    a = ctx.args
    with ctx.open_db() as db:
        svc = ctx.services(db)
        case = svc.find_case(a.case)
        name = normalise(a.party)
        party = next((p for p in svc.case_file(case.id).parties if p.name == name), None)
        if party is None:
            raise NotFoundError(t("cli.consent.no_party", name=name))
        result = svc.record_consent(party.id, ConsentForm(a.form),
                                    on=_date(a.on, svc.today(), "on"))
        console().print(t("cli.petition.done", case_no=plain(result.case_no)), markup=False)
        for warning in result.warnings:
            console(stderr=True).print(plain(warning), markup=False)
    return 0


def cmd_accept(ctx: Context) -> int:
    """受理: refused while a party's answer to mediation is not recorded (人民调解法 §17),
    unless ``--without-consent`` confirms it (the timeline notes it, the warning is printed)."""
    from mediator.core.text import plain

    a = ctx.args
    with ctx.open_db() as db:
        svc = ctx.services(db)
        case = svc.find_case(a.case)
        result = svc.accept_case(case.id, on=_date(a.on, svc.today(), "on"),
                                 require_consent=not a.without_consent)
        done = svc.find_case(case.id)
        console().print(t("cli.accept.done", case_no=plain(result.case_no),
                          deadline=done.deadline_on.isoformat()), markup=False)
        for warning in result.warnings:
            console(stderr=True).print(plain(warning), markup=False)
    return 0
