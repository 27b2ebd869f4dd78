"""init, demo, doctor, backup, restore, audit."""

from __future__ import annotations

import argparse
from pathlib import Path

from mediator.cli import Context, console, path_arg, progress_bar, stages
from mediator.core.text import plain
from mediator.i18n import t


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("init", parents=[common], help=t("cli.init.help"))
    p.add_argument("--office-name", required=True, help=t("cli.init.office_name"))
    p.add_argument("--office-code", required=True, help=t("cli.init.office_code"))
    p.add_argument("--short-name", help=t("cli.init.short_name"))
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help=t("cli.demo.help"))
    p.add_argument("--cases", type=int, default=2000, help=t("cli.demo.cases"))
    p.add_argument("--seed", type=int, default=1, help=t("cli.demo.seed"))
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("doctor", parents=[common], help=t("cli.doctor.help"))
    p.add_argument("--bundle", action="store_true", help=t("logs.bundle.help"))
    p.add_argument("-o", "--output", type=path_arg, help=t("logs.bundle.output"))
    p.set_defaults(handler=cmd_doctor)

    p = sub.add_parser("backup", parents=[common], help=t("cli.backup.help"))
    p.add_argument("-o", "--output", type=path_arg, help=t("cli.backup.output"))
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help=t("cli.restore.help"))
    p.add_argument("file", type=path_arg, help=t("cli.restore.file"))
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("audit", parents=[common], help=t("cli.audit.help"))
    asub = p.add_subparsers(dest="audit_command", required=True)
    v = asub.add_parser("verify", parents=[common], help=t("cli.audit.verify_help"))
    v.set_defaults(handler=cmd_audit_verify)


def default_short_name(name: str) -> str:
    """青石镇人民调解委员会 -> 青石: the place name without its administrative suffix."""
    for suffix in ("人民调解委员会", "调解委员会", "司法所", "综治中心", "人民政府"):
        name = name.removesuffix(suffix)
    for suffix in ("街道办事处", "街道", "镇", "乡", "县", "区", "市"):
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name[:4]


def cmd_init(ctx: Context) -> int:
    from mediator.core.validate import normalise, parse_office_code

    name = normalise(ctx.args.office_name)
    short = normalise(ctx.args.short_name) if ctx.args.short_name else default_short_name(name)
    # Check the typed code before the database file is created: a typo must leave nothing.
    code = parse_office_code(ctx.args.office_code)
    with ctx.open_db() as db:
        office = ctx.services(db).init_office(name, short, code)
        keys_hook(ctx, office)
    console().print(t("cli.init.done", name=plain(office.name), code=office.code,
                      short=plain(office.short_name), path=str(ctx.paths.db)), markup=False)
    return 0


def keys_hook(ctx: Context, office) -> None:  # type: ignore[no-untyped-def]
    """Create the office's key pairs if the sync package is present (see mediator.sync)."""
    try:
        from mediator.sync.keys import ensure_keys  # type: ignore[import-not-found]
    except ImportError:
        return
    ensure_keys(ctx.paths, office)


def cmd_demo(ctx: Context) -> int:
    from mediator.core.errors import ValidationError
    from mediator.demo import generate

    if ctx.args.cases < 0 or ctx.args.cases > 2_000_000:
        raise ValidationError(t("cli.demo.bad_count"))
    explicit = getattr(ctx.args, "db", None) is not None or _env_db()
    paths = ctx.paths
    target = paths.db if explicit else paths.demo_db
    from mediator.core.db import open_database

    ctx.check_database(target)
    with open_database(target, backups=paths.backups) as db, progress_bar() as update:
        label = t("cli.demo.working", n=ctx.args.cases)
        result = generate(db, cases=ctx.args.cases, seed=ctx.args.seed,
                          progress=lambda done, total: update(label, done, total))
    console().print(t("cli.demo.done", n=result.cases, seconds=f"{result.seconds:.1f}"), markup=False)
    print(plain(target))
    return 0


def _env_db() -> bool:
    import os

    return bool(os.environ.get("MEDIATOR_DB"))


def cmd_doctor(ctx: Context) -> int:
    from mediator.core.errors import ValidationError

    bundle, output = getattr(ctx.args, "bundle", False), getattr(ctx.args, "output", None)
    if output is not None and not bundle:
        raise ValidationError(t("logs.bundle.needs_bundle"))
    if not bundle:
        lines, code = doctor_lines(ctx)
        _print_lines(lines)
        return code
    return _doctor_bundle(ctx, output)


def doctor_lines(ctx: Context) -> tuple[list[str], int]:
    """What ``doctor`` says, as lines, and its exit code (0 when all is well)."""
    from mediator.core.db import LATEST_VERSION, integrity_check
    from mediator.core.startup import storage_kind

    path = ctx.paths.db
    with ctx.open_db(create=False, backup=False) as db:
        problems = integrity_check(path)
        health = ctx.services(db).health()
        counts, overdue, chain = health.counts, health.overdue, health.audit
        version = db.schema_version()
    lines = [t("cli.doctor.path", path=str(path)),
             t("cli.doctor.schema", version=version, latest=LATEST_VERSION),
             t("cli.doctor.integrity_ok") if not problems else
             t("cli.doctor.integrity_bad", problems="; ".join(problems[:5]))]
    lines += [t("cli.doctor.count", table=t(f"cli.table.{table}"), n=n)
              for table, n in counts.items()]
    lines.append(t("cli.doctor.overdue", n=overdue))
    lines += audit_lines(chain)
    lines.append(t("logs.doctor.storage", kind=t(f"logs.kind.{storage_kind(path)}")))
    return lines, 0 if not problems and chain.ok else 3


def _print_lines(lines: list[str]) -> None:
    out = console()
    for line in lines:
        out.print(line, markup=False)


def _doctor_bundle(ctx: Context, output: Path | None) -> int:
    """Run the checks and pack what they said with the logs and versions into a zip. A
    database that cannot be opened is when the bundle is needed most: the failure is
    written into it (and said on stderr) instead of stopping the bundle."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    from mediator.core import logs
    from mediator.core.errors import MediatorError

    try:
        lines, code = doctor_lines(ctx)
        _print_lines(lines)
    except MediatorError as exc:
        lines, code = [t("cli.doctor.path", path=str(ctx.paths.db)),
                       t("logs.doctor.failed", message=exc.message)], exc.exit_code
        console(stderr=True).print(t("cli.error", message=exc.message), markup=False)
    except (sqlite3.DatabaseError, DBAPIError) as exc:
        message = t("cli.db_error", error=str(exc).splitlines()[0])
        logs.log.warning("database error", exc_info=exc)
        lines, code = [t("cli.doctor.path", path=str(ctx.paths.db)),
                       t("logs.doctor.failed", message=message)], 3
        console(stderr=True).print(message, markup=False)
    except OSError as exc:
        message = t("cli.os_error", error=str(exc))
        logs.log.warning("file operation failed", exc_info=exc)
        lines, code = [t("cli.doctor.path", path=str(ctx.paths.db)),
                       t("logs.doctor.failed", message=message)], 7
        console(stderr=True).print(message, markup=False)
    logs.flush()
    target = logs.write_bundle(_bundle_target(output), "\n".join(lines) + "\n",
                               ctx.paths.logs)
    console().print(t("logs.bundle.done", path=str(target)), markup=False)
    return code


def _bundle_target(output: Path | None) -> Path:
    from datetime import datetime

    name = f"mediator-bundle-{datetime.now():%Y%m%d-%H%M%S}.zip"
    if output is None:
        return Path.cwd() / name
    if output.is_dir():
        return output / name
    return output


def cmd_backup(ctx: Context) -> int:
    from mediator.core.backup import backup_now

    paths = ctx.paths
    if not paths.db.exists():
        from mediator.core.errors import DatabaseError

        raise DatabaseError(t("db.missing", path=str(paths.db)))
    target = backup_now(paths.db, ctx.args.output, paths.backups)
    console().print(t("cli.backup.done", path=str(target)), markup=False)
    return 0


def cmd_restore(ctx: Context) -> int:
    from mediator.core.backup import restore

    paths = ctx.paths
    err = console(stderr=True)
    with progress_bar() as update:
        kept = restore(paths.db, Path(ctx.args.file), paths.backups, progress=stages(update),
                       warn=lambda text: err.print(text, markup=False))
    out = console()
    out.print(t("cli.restore.done", path=str(paths.db), source=str(ctx.args.file)), markup=False)
    if kept:
        out.print(t("cli.restore.kept", path=str(kept)), markup=False)
    return 0


def audit_lines(result) -> list[str]:  # type: ignore[no-untyped-def]
    """What the audit check found (``audit.VerifyResult``), one finding a line."""
    from mediator.core import audit

    return audit.describe(result)


def cmd_audit_verify(ctx: Context) -> int:
    with ctx.open_db(create=False, backup=False) as db:
        result = ctx.services(db).verify_audit()
    if result.ok:
        console().print(t("cli.audit.ok", n=result.entries), markup=False)
        return 0
    err = console(stderr=True)
    for line in audit_lines(result):
        err.print(line, markup=False)
    return 4
