"""referral commands: a referred case's regime and record, and the result reported back
(issue 25 point 3)."""

from __future__ import annotations

import argparse
from typing import Any

from mediator.cli import Context, console
from mediator.i18n import t

KIND_CHOICES = ["PRE_SUIT", "IN_SUIT", "POLICE_110", "TRAFFIC_POLICE", "PETITION_OFFICE",
                "HOTLINE_12345", "CENTRE", "PROCURATORATE"]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("referral", parents=[common], help=t("cli.referral.help"))
    rsub = p.add_subparsers(dest="referral_command", required=True)
    q = rsub.add_parser("set", parents=[common], help=t("cli.referral.set_help"))
    q.add_argument("case", help=t("cli.petition.case"))
    q.add_argument("--kind", required=True, choices=KIND_CHOICES, help=t("cli.referral.kind"))
    q.add_argument("--body", help=t("cli.referral.body"))
    q.add_argument("--no", dest="number", help=t("cli.referral.no"))
    q.add_argument("--on", help=t("cli.referral.on"))
    q.set_defaults(handler=cmd_referral_set)
    q = rsub.add_parser("feedback", parents=[common], help=t("cli.referral.feedback_help"))
    q.add_argument("case", help=t("cli.petition.case"))
    q.add_argument("--result", required=True, help=t("cli.referral.result"))
    q.add_argument("--on", help=t("cli.referral.on"))
    q.set_defaults(handler=cmd_referral_feedback)
    q = rsub.add_parser("show", parents=[common], help=t("cli.referral.show_help"))
    q.add_argument("case", help=t("cli.petition.case"))
    q.set_defaults(handler=cmd_referral_show)


def _date(value: str | None, svc: Any, field: str) -> Any:
    from mediator.core.validate import parse_date

    return parse_date(value, svc.today(), field=field) if value else None


def cmd_referral_set(ctx: Context) -> int:
    """修改信息 of the referral fields only: the regime (which sets the source) and record."""
    from mediator.core.enums import ReferralKind
    from mediator.core.text import plain

    a = ctx.args
    with ctx.open_db() as db:
        svc = ctx.services(db)
        case = svc.find_case(a.case)
        result = svc.edit_case(case.id, referral_kind=ReferralKind(a.kind),
                               referral_body=a.body, referral_no=a.number,
                               referral_on=_date(a.on, svc, "referral_on"))
        console().print(t("cli.referral.done", case=plain(result.case_no),
                          kind=ReferralKind(a.kind).label), markup=False)
        _print(svc, case.id)
    return 0


def cmd_referral_feedback(ctx: Context) -> int:
    from mediator.core.text import plain

    a = ctx.args
    with ctx.open_db() as db:
        svc = ctx.services(db)
        case = svc.find_case(a.case)
        result = svc.record_referral_feedback(case.id, a.result, on=_date(a.on, svc, "on"))
        done = svc.find_case(case.id)
        console().print(t("cli.referral.fed_back", case=plain(result.case_no),
                          date=done.referral_feedback_on.isoformat()), markup=False)
    return 0


def cmd_referral_show(ctx: Context) -> int:
    with ctx.open_db(create=False) as db:
        svc = ctx.services(db)
        case = svc.find_case(ctx.args.case)
        return _print(svc, case.id)


def _print(svc: Any, case_id: str) -> int:
    from mediator.core.enums import ReferralKind
    from mediator.core.text import plain

    case = svc.find_case(case_id)
    out = console()
    if not case.referral_kind:
        out.print(t("cli.referral.show.not_referred", case=plain(case.case_no)), markup=False)
        return 1
    none = t("cli.referral.show.none")
    feedback = (f"{case.referral_feedback_on.isoformat()} {plain(case.referral_result or '')}"
                if case.referral_feedback_on else none)
    for key, value in (
            ("kind", ReferralKind(case.referral_kind).label),
            ("body", plain(case.referral_body) if case.referral_body else none),
            ("no", plain(case.referral_no) if case.referral_no else none),
            ("on", case.referral_on.isoformat() if case.referral_on else none),
            ("deadline", case.deadline_on.isoformat() if case.deadline_on else none),
            ("feedback", feedback)):
        out.print(t(f"cli.referral.show.{key}", value=value), markup=False)
    return 0
