"""workdays (the working-day calendar) and petition (信访件) commands."""

from __future__ import annotations

import argparse
from datetime import date

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
