"""督办/交办 (issue 22).

    mediator supervision add CASE_NO --instruction TEXT --due DATE [--leader NAME]   (county)
    mediator supervision withdraw ID                                                 (county)
    mediator supervision list                                          (county and township)
    mediator supervision ack|progress|finish|return ID [--note TEXT] [--on DATE]            (township)
    mediator report supervision [--format md|csv|json|xlsx] [-o PATH] [--on DATE]         (county)
    mediator sync export --down CODE…   (one downward package per township: cli/sync.py)
"""

from __future__ import annotations

import argparse

from mediator.cli import Context, console, path_arg, write_stdout
from mediator.core.text import plain
from mediator.i18n import t


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("supervision", parents=[common], help=t("cli.supervision.help"))
    ssub = p.add_subparsers(dest="supervision_command", required=True)
    a = ssub.add_parser("add", parents=[common], help=t("cli.supervision.add_help"))
    a.add_argument("case", metavar="CASE_NO")
    a.add_argument("--instruction", required=True)
    a.add_argument("--due", required=True, metavar="DATE")
    a.add_argument("--leader")
    a.set_defaults(handler=cmd_add)
    j = ssub.add_parser("assign", parents=[common], help=t("cli.supervision.assign_help"))
    j.add_argument("--to", required=True, metavar="CODE", dest="target")
    j.add_argument("--applicant", action="append", required=True, metavar="NAME")
    j.add_argument("--respondent", action="append", default=[], metavar="NAME")
    j.add_argument("--phone", metavar="PHONE", help=t("cli.supervision.phone_help"))
    j.add_argument("--type", required=True, dest="dispute_type", metavar="TYPE")
    j.add_argument("--facts", required=True)
    j.add_argument("--requests", default="")
    j.add_argument("--instruction", required=True)
    j.add_argument("--due", required=True, metavar="DATE")
    j.add_argument("--ref", metavar="REF", help=t("cli.supervision.ref_help"))
    j.add_argument("--leader")
    j.set_defaults(handler=cmd_assign)
    w = ssub.add_parser("withdraw", parents=[common], help=t("cli.supervision.withdraw_help"))
    w.add_argument("id")
    w.set_defaults(handler=cmd_withdraw)
    ls = ssub.add_parser("list", parents=[common], help=t("cli.supervision.list_help"))
    ls.set_defaults(handler=cmd_list)
    for kind in ("ack", "progress", "finish", "return"):
        r = ssub.add_parser(kind, parents=[common], help=t(f"cli.supervision.{kind}_help"))
        r.add_argument("id")
        if kind != "ack":
            r.add_argument("--note", required=True)
        r.add_argument("--on", metavar="DATE")
        r.set_defaults(handler=cmd_reply, reply=kind)
    # 通报 (issue 22): issued at the county, shown and exported at both offices
    n = ssub.add_parser("notice", parents=[common], help=t("cli.notice.help"))
    nsub = n.add_subparsers(dest="notice_command", required=True)
    ni = nsub.add_parser("issue", parents=[common], help=t("cli.notice.issue_help"))
    span = ni.add_mutually_exclusive_group(required=True)
    span.add_argument("--month", metavar="YYYY-MM")
    span.add_argument("--week", metavar="YYYY-Www")
    span.add_argument("--from", dest="start", metavar="DATE")
    ni.add_argument("--to", dest="end", metavar="DATE")
    ni.add_argument("--measures", help=t("cli.notice.measures_help"))
    ni.set_defaults(handler=cmd_notice_issue)
    ns = nsub.add_parser("show", parents=[common], help=t("cli.notice.show_help"))
    ns.add_argument("--period", metavar="LABEL")
    ns.add_argument("--format", "-f", default="md", metavar="FORMAT")
    ns.add_argument("-o", "--output", type=path_arg)
    ns.set_defaults(handler=cmd_notice_show)


def register_report(rsub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    r = rsub.add_parser("supervision", parents=[common], help=t("cli.supervision.report_help"))
    r.add_argument("--format", "-f", default="md", metavar="FORMAT")
    r.add_argument("-o", "--output", type=path_arg)
    r.add_argument("--on", metavar="DATE")
    r.set_defaults(handler=cmd_report)


def _sup(ctx: Context, db):  # type: ignore[no-untyped-def]
    from mediator.core.supervision import SupervisionService

    return SupervisionService(ctx.services(db))


def _day(text: str | None, field: str):  # type: ignore[no-untyped-def]
    from mediator.core.validate import parse_date

    return None if text is None else parse_date(text, field=field)


def cmd_add(ctx: Context) -> int:
    due = _day(ctx.args.due, "due_on")
    with ctx.open_db(create=False) as db:
        item_id = _sup(ctx, db).supervise(ctx.args.case, ctx.args.instruction, due,
                                          ctx.args.leader)
    console().print(t("cli.supervision.added", id=item_id), markup=False)
    return 0


def cmd_assign(ctx: Context) -> int:
    """交办: a case the county received, handed to a township."""
    from mediator.core.enums import DisputeType, PartyRole
    from mediator.core.errors import ValidationError
    from mediator.core.inputs import CaseInput, PartyInput

    kind = DisputeType.from_label(ctx.args.dispute_type)
    if kind is None:
        raise ValidationError(t("cli.supervision.bad_type", type=ctx.args.dispute_type),
                              "dispute_type")
    a = ctx.args
    parties = [PartyInput(n, phone=a.phone if i == 0 else None)
               for i, n in enumerate(a.applicant)]
    parties += [PartyInput(n, role=PartyRole.RESPONDENT) for n in a.respondent]
    case = CaseInput(parties=parties, dispute_type=DisputeType(kind.value), facts=a.facts,
                     requests=a.requests)
    due = _day(a.due, "due_on")
    with ctx.open_db(create=False) as db:
        item_id = _sup(ctx, db).assign(a.target, case, a.instruction, due, a.ref, a.leader)
    console().print(t("cli.supervision.assigned", id=item_id, code=a.target), markup=False)
    return 0


def cmd_withdraw(ctx: Context) -> int:
    with ctx.open_db(create=False) as db:
        _sup(ctx, db).withdraw(ctx.args.id)
    console().print(t("cli.supervision.withdrawn", id=ctx.args.id), markup=False)
    return 0


def cmd_list(ctx: Context) -> int:
    with ctx.open_db(create=False) as db:
        items = _sup(ctx, db).items()
    out = console()
    if not items:
        out.print(t("supervision.none"), markup=False)
    for i in items:
        out.print(t("cli.supervision.row", id=i.id, kind=t(f"supervision.kind.{i.kind}"),
                    case_no=plain(i.case_no or "—"), due=i.due_on.isoformat(),
                    instruction=plain(i.instruction)), markup=False)
    return 0


def cmd_reply(ctx: Context) -> int:
    on = _day(ctx.args.on, "on_date")
    with ctx.open_db(create=False) as db:
        sup = _sup(ctx, db)
        if ctx.args.reply == "ack":
            sup.acknowledge(ctx.args.id, on)
        elif ctx.args.reply == "progress":
            sup.report_progress(ctx.args.id, ctx.args.note, on)
        elif ctx.args.reply == "return":
            sup.return_item(ctx.args.id, ctx.args.note, on)
        else:
            sup.finish(ctx.args.id, ctx.args.note, on)
    console().print(t(f"cli.supervision.{ctx.args.reply}_done", id=ctx.args.id), markup=False)
    return 0


def cmd_report(ctx: Context) -> int:
    from mediator.core.errors import ValidationError
    from mediator.core.files import atomic_write
    from mediator.reports.supervision import FORMATS, render

    fmt = ctx.args.format.lower()
    if fmt not in FORMATS:
        raise ValidationError(t("cli.supervision.bad_format", format=ctx.args.format,
                                formats="/".join(FORMATS)), "format")
    on = _day(ctx.args.on, "on")
    with ctx.open_db(create=False) as db:
        sup = _sup(ctx, db)
        day = on or sup.services.today()
        rows = sup.ledger(on=day)
        office = sup.services.office()
    out = ctx.args.output
    if fmt == "xlsx":
        from pathlib import Path

        from mediator.reports import xlsx
        from mediator.reports.supervision import to_report

        name = f"督办台账_{day.isoformat()}.xlsx"
        target = Path.cwd() / name if out is None or str(out) == "-" else (
            out / name if out.is_dir() else out)
        xlsx.render(to_report(rows, day, office.name if office else ""), target)
        console().print(t("cli.supervision.written", path=str(target)), markup=False)
        return 0
    body = render(rows, fmt, day)
    if out is None or str(out) == "-":
        write_stdout(body, fmt)
        return 0
    target = out / f"督办台账_{day.isoformat()}.{fmt}" if out.is_dir() else out
    atomic_write(target, ("\ufeff" + body) if fmt == "csv" else body)
    console().print(t("cli.supervision.written", path=str(target)), markup=False)
    return 0


def cmd_notice_issue(ctx: Context) -> int:
    from mediator.reports.notice import NoticeService
    from mediator.reports.periods import parse_month, parse_range, parse_week

    a = ctx.args
    with ctx.open_db(create=False) as db:
        svc = NoticeService(ctx.services(db))
        today = svc.services.today()
        period = (parse_month(a.month, today) if a.month else
                  parse_week(a.week, today) if a.week else parse_range(a.start, a.end, today))
        ids = svc.issue(period, a.measures)
    console().print(t("notice.issued_cli", period=period.label, n=len(ids)), markup=False)
    return 0


def cmd_notice_show(ctx: Context) -> int:
    from mediator.core.errors import ValidationError
    from mediator.core.files import atomic_write
    from mediator.reports.notice import FORMATS, NoticeService, render, to_report

    fmt = ctx.args.format.lower()
    if fmt not in FORMATS:
        raise ValidationError(t("notice.bad_format", format=ctx.args.format,
                                formats="/".join(FORMATS)), "format")
    with ctx.open_db(create=False) as db:
        svc = NoticeService(ctx.services(db))
        notice = svc.find(ctx.args.period)
        office = svc.services.office()
    out = ctx.args.output
    name = f"通报_{notice.period_label}.{fmt}"
    if fmt == "xlsx":
        from pathlib import Path

        from mediator.reports import xlsx

        target = Path.cwd() / name if out is None or str(out) == "-" else (
            out / name if out.is_dir() else out)
        xlsx.render(to_report(notice, office.name if office else ""), target)
        console().print(t("notice.written", path=str(target)), markup=False)
        return 0
    body = render(notice, fmt)
    if out is None or str(out) == "-":
        write_stdout(body, fmt)
        return 0
    target = out / name if out.is_dir() else out
    atomic_write(target, ("\ufeff" + body) if fmt == "csv" else body)
    console().print(t("notice.written", path=str(target)), markup=False)
    return 0
