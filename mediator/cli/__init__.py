"""The ``mediator`` command.

Only the bare ``mediator`` (the terminal UI) imports textual; every subcommand prints with rich
and exits non-zero with a message on stderr when something is wrong. Subcommands live in
modules of this package, each with ``register(subparsers, common)``.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import argparse

from mediator import __version__
from mediator.i18n import set_language, t

#: modules that add subcommands (each defines ``register``).
COMMAND_MODULES = [
    "mediator.cli.basic",
    "mediator.cli.sync",
    "mediator.cli.reports",
    "mediator.cli.ledger",
    "mediator.cli.facts",
    "mediator.cli.screening",
    "mediator.cli.petition",
    "mediator.cli.supervision",
    "mediator.cli.referral",
    "mediator.cli.serve",
]


@dataclass
class Context:
    """What every subcommand gets: resolved paths, operator, and the parsed arguments."""

    args: argparse.Namespace
    #: warnings of the start-up checks, printed on stderr and shown again by the TUI
    notices: list[str] = field(default_factory=list)
    _checked: set[Path] = field(default_factory=set)

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

    def open_db(self, *, create: bool = True, backup: bool = True,  # type: ignore[no-untyped-def]
                prepared: bool = False):
        """The working database, checked (and created or upgraded), backed up on the first
        open of a day. ``prepared``: after the first open of the day return the checked file
        (``core.db.Prepared``) instead of the Database, for the terminal UI to show its first
        page before SQLAlchemy is imported (mediator.core.firstpage); the first open of a
        day opens it all as before."""
        from datetime import date

        from mediator.core.db import has_daily_backup, open_database, prepare_database

        paths = self.paths
        self.check_database(paths.db)
        if prepared and backup and has_daily_backup(paths.db, paths.backups, date.today()):
            return prepare_database(paths.db, create=create, backups=paths.backups)
        from mediator.core.backup import daily_backup

        db = open_database(paths.db, create=create, backups=paths.backups)
        if backup:
            # the first open of a day checks and copies the whole file: on a big database that
            # is a minute with nothing on screen unless it is said (a township's 1 GB file took
            # 40-60 s on the benchmark machine)
            size = paths.db.stat().st_size if paths.db.exists() else 0
            if not has_daily_backup(paths.db, paths.backups, date.today()):
                if size >= SAY_BACKUP_BYTES:
                    console(stderr=True).print(t("cli.daily_backup", size=f"{size / 1e6:,.0f}"),
                                               markup=False)
                with progress_bar() as update:
                    daily_backup(paths.db, paths.backups, progress=stages(update))
        return db

    def check_database(self, path: Path) -> None:
        """Refuse an SQLite too old for the schema; warn (once per file and run) when the
        file is on a network drive or a USB stick. See :mod:`mediator.core.startup`."""
        from mediator.core import logs
        from mediator.core.startup import check_sqlite, location_warnings, storage_kind

        check_sqlite()
        if path in self._checked:
            return
        self._checked.add(path)
        kind = storage_kind(path)
        logs.log.info("database storage=%s", kind)
        for text in location_warnings(path, self.paths.config, kind=kind):
            console(stderr=True).print(text, markup=False)
            self.notices.append(text)

    def services(self, db):  # type: ignore[no-untyped-def]
        from mediator.core.services import Services

        return Services(db, operator=self.operator)


#: a first open of the day on a file this big says that it checks and backs it up
SAY_BACKUP_BYTES = 50_000_000


@contextlib.contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A progress bar on stderr for long work (an old office PC is slow): what is being done,
    how much of it, and the time left. ``update(label, done, total)``; a total of 0 means it
    cannot be known (SQLite's check says nothing while it runs): the bar then pulses and the
    time taken shows. One line at a time; gone when the work is done."""
    err = console(stderr=True)
    if not err.is_terminal:   # into a file or a pipe (scripts, logs): no bar to redraw
        yield lambda label, done, total: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeRemainingColumn(), TimeElapsedColumn(), console=err,
                  transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(label: str, done: int, total: int) -> None:
            task = tasks.get(label)
            if task is None:
                for other in tasks.values():
                    bar.update(other, visible=False)
                task = tasks[label] = bar.add_task(label, total=total or None)
            bar.update(task, completed=done, total=total or None)

        yield update


def stages(update: Callable[[str, int, int], None]) -> Callable[[str, int, int], None]:
    """A core ``progress(stage, done, total)`` shown with the stage's name (cli.progress.*)."""
    return lambda stage, done, total: update(t(f"cli.progress.{stage}"), done, total)


def write_stdout(text: str, fmt: str) -> None:
    """A report or list for ``-o -``. Into a pipe or a file it goes as UTF-8 bytes (CSV with a
    byte-order mark, like the file export, so Excel and WPS read it), whatever the console's
    code page: nothing is lost to GBK. On a terminal it is printed as text."""
    from mediator.core.text import visible_controls

    text = visible_controls(text)
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None or out.isatty():
        out.write(text)
        out.flush()
        return
    out.flush()
    buffer.write(text.encode("utf-8-sig" if fmt == "csv" else "utf-8"))
    buffer.flush()


def _tolerant_streams() -> None:
    """A Chinese Windows console redirected to a file writes in its code page (cp936): a name
    with a character outside GBK (䶮) must not end the command with UnicodeEncodeError.
    Such characters become ? there; UTF-8 streams are left as they are."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "")
        if encoding not in ("utf8", "utf8sig") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def console(stderr: bool = False):  # type: ignore[no-untyped-def]
    """The console every subcommand prints with. Its ``print`` shows every string through
    :func:`mediator.core.text.plain` (line breaks kept): the commands pass outside text through
    ``plain`` themselves, and this is the guard for any message that quotes it (a refusal
    naming a file, an error quoting a value) — no ESC, BEL or CR from a name ever reaches the
    terminal."""
    from rich.console import Console

    from mediator.core.text import plain

    class SafeConsole(Console):
        def print(self, *objects: Any, **kwargs: Any) -> None:
            super().print(*(plain(o, one_line=False) if isinstance(o, str) else o
                            for o in objects), **kwargs)

    # emoji=False: rich would turn ":ok:" in a name, or ":AB:" in a certificate's
    # fingerprint, into an emoji; everything is printed as it is written
    return SafeConsole(stderr=stderr, highlight=False, soft_wrap=True, emoji=False)


#: the options of the bare ``mediator`` (the terminal UI), each with its value
_UI_OPTIONS = ("--db", "--lang", "--operator")


def starts_ui(argv: Sequence[str]) -> bool:
    """``argv`` names no subcommand and asks for no help or version: the terminal UI starts,
    and the subcommands' parsers (all of mediator.cli's modules) need not be built."""
    i = 0
    while i < len(argv):
        arg = argv[i]
        if any(arg.startswith(opt + "=") for opt in _UI_OPTIONS):
            i += 1
        elif arg in _UI_OPTIONS:
            i += 2
        else:
            return False
    return i == len(argv)


#: the languages ``--lang`` takes
LANG_CHOICES = ("zh", "zh_CN", "en")


def ui_arguments(argv: Sequence[str]) -> argparse.Namespace | None:
    """The bare ``mediator``'s options (``starts_ui``) read as argparse reads them, without
    it: importing argparse and building the parser were ~2 ms of every start of the terminal
    UI. ``--opt value`` or ``--opt=value``, the last one given wins, an option not given is
    no attribute (argparse's SUPPRESS). None when argparse must judge — a value that starts
    with ``-``, a language it refuses, an option without its value —: it then says why,
    with its exit code, as before."""
    found: dict[str, str] = {}
    i = 0
    while i < len(argv):
        option, eq, value = argv[i].partition("=")
        if eq and option in _UI_OPTIONS:
            i += 1
        elif argv[i] in _UI_OPTIONS and i + 1 < len(argv):
            option, value = argv[i], argv[i + 1]
            i += 2
        else:
            return None
        if value.startswith("-") or (option == "--lang" and value not in LANG_CHOICES):
            return None
        found[option[2:]] = value
    return cast("argparse.Namespace", SimpleNamespace(**found))


def build_parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """The command line; ``subcommands`` False leaves them out (the bare ``mediator``:
    registering them imports every command module, ~40 ms of each start)."""
    import argparse

    from mediator.cli import argtext

    argtext.install()
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help=t("cli.opt.db"))
    common.add_argument("--lang", choices=list(LANG_CHOICES), default=argparse.SUPPRESS,
                        help=t("cli.opt.lang"))
    common.add_argument("--operator", metavar="NAME", default=argparse.SUPPRESS,
                        help=t("cli.opt.operator"))
    parser = argparse.ArgumentParser(prog="mediator", description=t("cli.description"),
                                     parents=[common])
    parser.add_argument("--version", action="version", version=f"mediator {__version__}")
    if not subcommands:
        return parser
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


#: sub-subcommand destinations, for the command name written to the log
_SUBCOMMANDS = ("audit_command", "keys_command", "sync_command", "import_command",
                "report_kind", "doc_kind", "check_kind", "screening_command",
                "workdays_command", "petition_command", "supervision_command")


def command_name(args: argparse.Namespace) -> str:
    """``doctor``, ``sync import``, ``tui``: what ran, never its arguments (they carry names)."""
    parts = [getattr(args, "command", None) or "tui"]
    parts += [str(v) for d in _SUBCOMMANDS if (v := getattr(args, d, None))]
    return " ".join(parts)


#: whether this process is the ``mediator`` program (``python -m mediator``, the installed
#: command, the portable build): set by :func:`run`; False when another program (a test)
#: calls :func:`main`
AS_PROGRAM = False


def run() -> int:
    """The ``mediator`` program: :func:`main` in a process that ends when it returns."""
    global AS_PROGRAM
    AS_PROGRAM = True
    return main()


def main(argv: Sequence[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        # a frozen build run as the demo's second process becomes that process here and exits
        # (a no-op otherwise); mediator/__main__.py, the build's entry, does it even earlier
        import multiprocessing

        multiprocessing.freeze_support()
    from mediator.core import logs

    argv = list(sys.argv[1:] if argv is None else argv)
    _tolerant_streams()
    _preparse_language(argv)
    ui = starts_ui(argv)
    args = ui_arguments(argv) if ui else None
    if args is None:
        args = build_parser(subcommands=not ui).parse_args(argv)
    if getattr(args, "lang", None):
        set_language(args.lang)
    ctx = Context(args)
    name = command_name(args)
    logs.setup_logging(_log_folder())
    logs.log_start(name)
    code = 1
    try:
        if ui:
            # until the terminal UI's first frame (MediatorApp._freeze_startup_heap): what
            # start-up allocates lives as long as the app, collecting it only costs time
            gc.disable()
        code = _run(ctx, name)
        return code
    finally:
        gc.enable()   # off for the terminal UI's start: back on if it never drew a frame
        logs.log_stop(name, code)
        logs.close_logging()


def _log_folder() -> Path:
    from mediator.core.paths import resolve_paths

    return resolve_paths().logs


def _run(ctx: Context, name: str) -> int:
    """Run the command; every failure becomes a message on stderr and an exit code, and
    anything unexpected goes to the log with its traceback."""
    from mediator.core import logs
    from mediator.core.errors import MediatorError

    handler = getattr(ctx.args, "handler", None)
    sweep_leftovers(ctx)
    install_workdays(ctx)
    try:
        if handler is None:
            from mediator.tui import run_app

            return run_app(ctx)
        return int(handler(ctx) or 0)
    except MediatorError as exc:
        logs.log.info("refused: %s", type(exc).__name__)
        console(stderr=True).print(t("cli.error", message=exc.message), markup=False)
        return exc.exit_code
    except KeyboardInterrupt:
        logs.log.info("interrupted")
        console(stderr=True).print(t("cli.interrupted"), markup=False)
        return 130
    except OSError as exc:
        logs.log.warning("file operation failed", exc_info=exc)
        console(stderr=True).print(t("cli.os_error", error=str(exc)), markup=False)
        return 7
    except Exception as exc:  # noqa: BLE001 - sqlite errors on damaged files and the like
        import sqlite3

        from sqlalchemy.exc import DBAPIError

        if isinstance(exc, (sqlite3.DatabaseError, DBAPIError)):
            logs.log.warning("database error", exc_info=exc)
            console(stderr=True).print(t("cli.db_error", error=str(exc).splitlines()[0]), markup=False)
            return 3
        console(stderr=True).print(logs.log_unexpected(exc, name), markup=False)
        return 1


def install_workdays(ctx: Context) -> None:
    """The county's working-day file (``workdays.json`` in the data folder) in force for this
    run; a broken one is said (and the library's calendar alone is used), never stops it."""
    from mediator.core import workdays
    from mediator.core.errors import ValidationError

    try:
        workdays.install(ctx.paths.data)
    except (ValidationError, OSError) as exc:
        text = t("workdays.file_ignored", message=str(exc))
        console(stderr=True).print(text, markup=False)
        ctx.notices.append(text)


def sweep_leftovers(ctx: Context) -> None:
    """On every start: remove what a killed run left behind with personal data in it, at
    any age (a staged restore beside the database, decrypted packages in quarantine, a
    killed export's snapshot),
    except what a running mediator window still holds. Never stops the command."""
    from mediator.core import logs
    from mediator.core.backup import sweep_staged

    try:
        paths = ctx.paths
        if sweep_staged(paths.db):
            logs.log.info("start-up sweep: staged restore checked")
        if not paths.quarantine.exists() and not (paths.data / "sync").exists():
            return  # no import or export ever ran here: nothing to sweep, nothing to import
        from mediator.sync.scratch import sweep_quarantine, sweep_work

        removed = sweep_quarantine(paths.quarantine) + sweep_work(paths.data)
        if removed:
            logs.log.info("start-up sweep: %d scratch folders removed", removed)
    except (OSError, ImportError) as exc:
        logs.log.warning("start-up sweep failed", exc_info=exc)


def path_arg(value: str) -> Path:
    return Path(value).expanduser()
