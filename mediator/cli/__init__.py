"""The ``mediator`` command.

Only the bare ``mediator`` (the terminal UI) imports textual; every subcommand prints with rich
and exits non-zero with a message on stderr when something is wrong. Subcommands live in
modules of this package, each with ``register(subparsers, common)``.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mediator import __version__
from mediator.i18n import set_language, t

#: modules that add subcommands (each defines ``register``).
COMMAND_MODULES = [
    "mediator.cli.basic",
    "mediator.cli.sync",
    "mediator.cli.reports",
    "mediator.cli.ledger",
]


@dataclass
class Context:
    """What every subcommand gets: resolved paths, operator, and the parsed arguments."""

    args: argparse.Namespace

    @property
    def paths(self):  # type: ignore[no-untyped-def]
        from mediator.core.paths import resolve_paths

        return resolve_paths(getattr(self.args, "db", None))

    @property
    def operator(self) -> str:
        from mediator.core.config import load_config

        explicit = getattr(self.args, "operator", None) or os.environ.get("MEDIATOR_OPERATOR")
        if explicit:
            return explicit
        return load_config(self.paths.config_file).operator or t("cli.default_operator")

    def open_db(self, *, create: bool = True, backup: bool = True):  # type: ignore[no-untyped-def]
        from datetime import date

        from mediator.core.backup import daily_backup, has_daily_backup
        from mediator.core.db import open_database

        paths = self.paths
        db = open_database(paths.db, create=create, backups=paths.backups)
        if backup:
            # the first open of a day checks and copies the whole file: on a big database that
            # is a minute with nothing on screen unless it is said (a township's 1 GB file took
            # 40-60 s on the benchmark machine)
            size = paths.db.stat().st_size if paths.db.exists() else 0
            if size >= SAY_BACKUP_BYTES and not has_daily_backup(paths.db, paths.backups,
                                                                 date.today()):
                console(stderr=True).print(t("cli.daily_backup", size=f"{size / 1e6:,.0f}"),
                                           markup=False)
            daily_backup(paths.db, paths.backups)
        return db

    def services(self, db):  # type: ignore[no-untyped-def]
        from mediator.core.services import Services

        return Services(db, operator=self.operator)


#: a first open of the day on a file this big says that it checks and backs it up
SAY_BACKUP_BYTES = 50_000_000


def console(stderr: bool = False):  # type: ignore[no-untyped-def]
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=t("cli.opt.db"))
    common.add_argument("--lang", choices=["zh", "zh_CN", "en"], default=argparse.SUPPRESS,
                        help=t("cli.opt.lang"))
    common.add_argument("--operator", metavar="NAME", default=argparse.SUPPRESS,
                        help=t("cli.opt.operator"))
    parser = argparse.ArgumentParser(prog="mediator", description=t("cli.description"),
                                     parents=[common])
    parser.add_argument("--version", action="version", version=f"mediator {__version__}")
    sub = parser.add_subparsers(dest="command", metavar=t("cli.commands"))
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def _preparse_language(argv: Sequence[str]) -> None:
    lang = None
    for i, a in enumerate(argv):
        if a == "--lang" and i + 1 < len(argv):
            lang = argv[i + 1]
        elif a.startswith("--lang="):
            lang = a.split("=", 1)[1]
    if lang:
        try:
            set_language(lang)
        except ValueError:
            pass


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        # a frozen build run as the demo's second process becomes that process here and exits
        # (a no-op otherwise); mediator/__main__.py, the build's entry, does it even earlier
        import multiprocessing

        multiprocessing.freeze_support()
    from mediator.core.errors import MediatorError

    argv = list(sys.argv[1:] if argv is None else argv)
    _preparse_language(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "lang", None):
        set_language(args.lang)
    ctx = Context(args)
    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from mediator.tui import run_app

            return run_app(ctx)
        return int(handler(ctx) or 0)
    except MediatorError as exc:
        console(stderr=True).print(t("cli.error", message=exc.message), markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        console(stderr=True).print(t("cli.interrupted"), markup=False)
        return 130
    except OSError as exc:
        console(stderr=True).print(t("cli.os_error", error=str(exc)), markup=False)
        return 7
    except Exception as exc:  # sqlite errors on damaged files and the like
        import sqlite3

        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, (sqlite3.DatabaseError, DBAPIError)):
            console(stderr=True).print(t("cli.db_error", error=str(exc).splitlines()[0]), markup=False)
            return 3
        raise


def path_arg(value: str) -> Path:
    return Path(value).expanduser()
