"""report, doc and check: summaries and forms from the records, case documents, case-file
checks.

    mediator report weekly [--week 2026-W47] [--format xlsx|docx|md|csv|json] [-o PATH]
    mediator report monthly [--month 2026-11]
    mediator report range --from 2026-01-01 --to 2026-06-30
    mediator report ledger|screening|subsidy [--week W | --month M | --from D --to D]
    mediator doc agreement|record|register|casefile CASE_NO [-o FILE] [--session N]
    mediator check casefile [CASE_NO] [--week W | --month M | --from D --to D]

Summaries mask names, ID numbers and phones unless ``--unmasked`` is given (which is written to
the audit trail). Documents for the parties carry full details and are audited too.
"""

from __future__ import annotations

import argparse
from datetime import date
from typing import Any

from mediator.cli import Context, console, path_arg, progress_bar, write_stdout
from mediator.core.text import plain
from mediator.i18n import t

REPORT_KINDS = ("weekly", "monthly", "range", "ledger", "screening", "subsidy")
DOC_KINDS = ("agreement", "record", "register", "casefile", "refusal", "referral_result",
             "petition_reply")


def _period_options(p: argparse.ArgumentParser, kind: str) -> None:
    if kind in ("weekly", "ledger", "screening", "subsidy"):
        p.add_argument("--week", metavar="YYYY-Www", help=t("cli.report.opt.week"))
    if kind in ("monthly", "ledger", "screening", "subsidy"):
        p.add_argument("--month", metavar="YYYY-MM", help=t("cli.report.opt.month"))
    if kind in ("range", "ledger", "screening", "subsidy"):
        p.add_argument("--from", dest="date_from", metavar="DATE", help=t("cli.report.opt.from"))
        p.add_argument("--to", dest="date_to", metavar="DATE", help=t("cli.report.opt.to"))


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("report", parents=[common], help=t("cli.report.help"),
                       description=t("cli.report.description"))
    rsub = p.add_subparsers(dest="report_kind", required=True, metavar=t("cli.report.kinds"))
    for kind in REPORT_KINDS:
        r = rsub.add_parser(kind, parents=[common], help=t(f"cli.report.{kind}.help"))
        _period_options(r, kind)
        r.add_argument("--format", "-f", default="xlsx", metavar="FORMAT",
                       help=t("cli.report.opt.format"))
        r.add_argument("-o", "--output", type=path_arg, help=t("cli.report.opt.output"))
        r.add_argument("--office", action="append", metavar="CODE", help=t("cli.report.opt.office"))
        r.add_argument("--unmasked", action="store_true", help=t("cli.report.opt.unmasked"))
        if kind in ("weekly", "monthly", "range"):  # county templates (issue 24)
            r.add_argument("--template", metavar="FILE", help=t("cli.report.opt.template"))
        r.set_defaults(handler=cmd_report)
    from mediator.cli.supervision import register_report

    register_report(rsub, common)   # 督办台账 (issue 22)

    p = sub.add_parser("doc", parents=[common], help=t("cli.doc.help"),
                       description=t("cli.doc.description"))
    dsub = p.add_subparsers(dest="doc_kind", required=True, metavar=t("cli.doc.kinds"))
    for kind in DOC_KINDS:
        d = dsub.add_parser(kind, parents=[common], help=t(f"cli.doc.{kind}.help"))
        d.add_argument("case", metavar="CASE_NO", help=t("cli.doc.opt.case"))
        d.add_argument("-o", "--output", type=path_arg, help=t("cli.doc.opt.output"))
        if kind == "record":
            d.add_argument("--session", type=str, metavar="N", help=t("cli.doc.opt.session"))
        d.set_defaults(handler=cmd_doc)

    p = sub.add_parser("check", parents=[common], help=t("cli.check.help"))
    csub = p.add_subparsers(dest="check_kind", required=True, metavar=t("cli.check.kinds"))
    c = csub.add_parser("casefile", parents=[common], help=t("cli.check.casefile.help"),
                        description=t("cli.check.casefile.description"))
    c.add_argument("case", nargs="?", metavar="CASE_NO", help=t("cli.check.opt.case"))
    _period_options(c, "ledger")
    c.add_argument("--office", action="append", metavar="CODE", help=t("cli.report.opt.office"))
    c.set_defaults(handler=cmd_check_casefile)


def period_from_args(args: argparse.Namespace, kind: str, today: date) -> Any:
    """The period a command asked for; each kind has its natural default (this week, this
    month)."""
    from mediator.core.errors import ValidationError
    from mediator.reports.periods import parse_month, parse_range, parse_week

    week, month = getattr(args, "week", None), getattr(args, "month", None)
    start, end = getattr(args, "date_from", None), getattr(args, "date_to", None)
    given = [x for x in (week, month, start or end) if x]
    if len(given) > 1:
        raise ValidationError(t("cli.report.one_period"))
    if week:
        return parse_week(week, today)
    if month:
        return parse_month(month, today)
    if start or end or kind == "range":
        return parse_range(start, end, today)
    if kind == "weekly":
        return parse_week(None, today)
    return parse_month(None, today)


def cmd_report(ctx: Context) -> int:
    from mediator.reports.build import ReportRequest, is_future
    from mediator.reports.sent import local_time
    from mediator.reports.service import export, export_text, known_offices

    args = ctx.args
    kind = args.report_kind
    fmt = (args.format or "xlsx").strip().lower().lstrip(".")
    template = None
    if getattr(args, "template", None):  # checked before the database is opened
        from pathlib import Path

        from mediator.reports.templates import default_template, load_template

        template = (default_template() if args.template.strip().lower() == "default"
                    else load_template(Path(args.template).expanduser()))
    with ctx.open_db(create=False) as db:
        svc = ctx.services(db)
        period = period_from_args(args, kind, svc.today())
        req = ReportRequest(kind, period, known_offices(svc, args.office), masked=not args.unmasked,
                            template=template)
        def drifted(d: Any) -> None:
            """The figures differ from what was sent: say so, and which cases changed them."""
            console(stderr=True).print(t("cli.report.drift", sent_at=local_time(d.sent.sent_at),
                                         changes=d.changes_text(),
                                         cases="、".join(d.cases) or "—"), markup=False)

        if args.output is not None and str(args.output) == "-":
            write_stdout(export_text(svc, req, fmt, on_drift=drifted), fmt)
            if is_future(period, svc.today()):
                console(stderr=True).print(t("cli.report.future_warning", period=period.title,
                                             start=period.start.isoformat()), markup=False)
            return 0
        with progress_bar() as update:
            steps = ("compute", "render", "done")
            path = export(svc, req, fmt, args.output, progress=lambda step: update(
                t("cli.report.working"), steps.index(step) + 1, len(steps)), on_drift=drifted)
    console().print(t("cli.report.written", path=str(path)), markup=False)
    if is_future(period, svc.today()):
        console(stderr=True).print(t("cli.report.future_warning", period=period.title,
                                     start=period.start.isoformat()), markup=False)
    if args.unmasked:
        console(stderr=True).print(t("cli.report.unmasked_warning"), markup=False)
    return 0


def cmd_doc(ctx: Context) -> int:
    from mediator.core.errors import ValidationError
    from mediator.core.validate import parse_int
    from mediator.documents.service import generate

    args = ctx.args
    session = None
    if getattr(args, "session", None):
        session = parse_int(args.session, t("cli.doc.session_field"), minimum=1)
    with ctx.open_db(create=False) as db:
        svc = ctx.services(db)
        if not (args.case or "").strip():
            raise ValidationError(t("cli.doc.case_required"))
        path = generate(svc, args.doc_kind, args.case, args.output, session)
    console().print(t("cli.doc.written", path=str(path)), markup=False)
    return 0


def cmd_check_casefile(ctx: Context) -> int:
    from mediator.documents.completeness import Status, check_case
    from mediator.reports.lists import casefile_checks
    from mediator.reports.service import known_offices

    args = ctx.args
    out = console()
    with ctx.open_db(create=False) as db:
        svc = ctx.services(db)
        today = svc.today()
        if args.case:
            case = svc.find_case(args.case)
            check = check_case(db, case.id, today)
            out.print(t("cli.check.case_head", case_no=plain(case.case_no)), markup=False)
            for item in check.items:
                if item.status is Status.NOT_NEEDED:
                    continue
                kind = t("doc.casefile.required") if item.required else t("doc.casefile.as_needed")
                out.print(t("cli.check.item", status=item.status.label, item=item.name, kind=kind,
                            note=plain(item.note)), markup=False)
            out.print(t("cli.check.complete") if check.complete else
                      t("cli.check.incomplete", missing=plain(check.missing_text())), markup=False)
            return 0 if check.complete else 1
        period = period_from_args(args, "monthly", today)
        checks = casefile_checks(db, period, today, known_offices(svc, args.office))
    bad = [c for c in checks if not c.complete]
    out.print(t("cli.check.period_head", period=period.title), markup=False)
    for c in bad:
        out.print(t("cli.check.case_missing", case_no=plain(c.facts.case_no),
                    missing=plain(c.missing_text())),
                  markup=False)
    out.print(t("cli.check.summary", n=len(checks), ok=len(checks) - len(bad), bad=len(bad)),
              markup=False)
    return 0 if not bad else 1
