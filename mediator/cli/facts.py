"""``mediator correct CASE``: 更正 a date of a mediation recorded wrong (受理日期, 调结日期).

The one way a past period's figures change (issue 19): every other action is a later fact
and leaves the periods already reported as they were. Audited, with the reason on the
case's timeline; ``report weekly --week W`` then says which figures changed since it was
sent.
"""

from __future__ import annotations

import argparse

from mediator.cli import Context, console
from mediator.core.text import plain
from mediator.i18n import t


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("correct", parents=[common], help=t("cli.correct.help"),
                       description=t("cli.correct.description"))
    p.add_argument("case", metavar=t("cli.correct.case_metavar"), help=t("cli.correct.case"))
    p.add_argument("--accepted-on", metavar="YYYY-MM-DD", help=t("cli.correct.accepted_on"))
    p.add_argument("--concluded-on", metavar="YYYY-MM-DD", help=t("cli.correct.concluded_on"))
    p.add_argument("--spell", type=int, metavar="N", help=t("cli.correct.spell"))
    p.add_argument("--reason", required=True, help=t("cli.correct.reason"))
    p.set_defaults(handler=cmd_correct)


def cmd_correct(ctx: Context) -> int:
    from mediator.core.validate import parse_date

    args = ctx.args
    with ctx.open_db(create=False) as db:
        svc = ctx.services(db)
        today = svc.today()
        accepted = parse_date(args.accepted_on, today, field="accepted_on") \
            if args.accepted_on else None
        concluded = parse_date(args.concluded_on, today, field="concluded_on") \
            if args.concluded_on else None
        case = svc.find_case(args.case)
        svc.correct_dates(case.id, args.reason, spell=args.spell, accepted_on=accepted,
                          concluded_on=concluded)
        console().print(t("cli.correct.done", case_no=plain(case.case_no)), markup=False)
    return 0
