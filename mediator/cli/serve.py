"""serve: the terminal app in the office's browser (mediator.web, the ``web`` extra)."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from mediator.cli import Context, console
from mediator.i18n import t


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    from mediator.web import DEFAULT_HOST, DEFAULT_PORT

    p = sub.add_parser("serve", parents=[common], help=t("cli.serve.help"))
    p.add_argument("--host", default=DEFAULT_HOST, help=t("cli.serve.host"))
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("cli.serve.port"))
    p.add_argument("--no-browser", action="store_true", help=t("cli.serve.no_browser"))
    p.add_argument("--set-password", action="store_true", help=t("cli.serve.set_password"))
    p.set_defaults(handler=cmd_serve)


def _read_secret(prompt: str) -> str:
    """A password from the console without echo; from stdin's next line when it is a pipe
    (scripts, tests)."""
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        return getpass.getpass(prompt)
    line = sys.stdin.readline() if sys.stdin is not None else ""
    return line.rstrip("\r\n")


def cmd_set_password(ctx: Context) -> int:
    from mediator.web.access import check_new_password, save_password

    first = _read_secret(t("web.password.prompt"))
    second = _read_secret(t("web.password.again"))
    path = save_password(ctx.paths.config, check_new_password(first, second))
    console().print(t("web.password.saved", path=str(path)), markup=False)
    return 0


def _page_language(ctx: Context) -> None:
    """The page speaks the language the terminal app would (--lang, MEDIATOR_LANG, then
    the one saved in the settings)."""
    from mediator.core.config import load_config
    from mediator.i18n import set_language

    if getattr(ctx.args, "lang", None) or os.environ.get("MEDIATOR_LANG"):
        return
    language = load_config(ctx.paths.config_file).language
    if language:
        try:
            set_language(language)
        except ValueError:
            pass


def cmd_serve(ctx: Context) -> int:
    if ctx.args.set_password:
        return cmd_set_password(ctx)
    from mediator.core.errors import MediatorError

    try:
        import aiohttp  # noqa: F401
        import textual_serve  # noqa: F401
    except ImportError as exc:
        raise MediatorError(t("web.missing")) from exc
    from mediator.web import access, server

    args = ctx.args
    paths = ctx.paths
    _page_language(ctx)
    secure = access.check_host(args.host, paths.config)
    sock = access.bind_socket(args.host, args.port)
    try:
        port = sock.getsockname()[1]
        out = console()
        if port != args.port:
            out.print(t("web.port_moved", asked=args.port, port=port), markup=False)
        # the database is opened once as the terminal app would (checks, upgrade, the
        # day's backup) before any session starts
        ctx.open_db().close()
        ssl_context = None
        if secure:
            cert = access.ensure_certificate(paths.config, args.host)
            ssl_context = server.ssl_context_for(cert.cert, cert.key)
        web = server.WebServer(
            server.app_command(getattr(args, "db", None), getattr(args, "operator", None),
                               getattr(args, "lang", None)),
            host=args.host, port=port, secure=secure,
            password=access.load_password(paths.config) if secure else None,
            audit=_auditor(paths.db))
        url = server.page_url(args.host, port, secure)
        if secure:
            out.print(t("web.fingerprint", fingerprint=cert.fingerprint), markup=False)
            out.print(t("web.serving_remote", port=port), markup=False)
        out.print(t("web.serving", url=url), markup=False)
        out.print(t("web.stop_hint"), markup=False)
        sys.stdout.flush()
        if not args.no_browser:
            import webbrowser

            webbrowser.open(url)
        try:
            server.run(web, sock, ssl_context)
        except KeyboardInterrupt:
            # serving has begun: Ctrl+C is how the clerk stops it, wherever it lands
            # (CI saw one escape aiohttp's shutdown under load: exit 130 instead of 0)
            logging.getLogger("mediator.web").info("interrupted after serving", exc_info=True)
    finally:
        sock.close()
    console().print(t("web.stopped"), markup=False)
    return 0


def _auditor(db_path):  # type: ignore[no-untyped-def]
    """Writes one audit entry per login attempt (a short connection each: the sessions'
    apps write to the same file)."""
    from mediator.core.audit import SYSTEM
    from mediator.core.db import open_database
    from mediator.core.webaudit import record_web_login

    def record(remote: str, succeeded: bool) -> None:
        db = open_database(db_path, create=False)
        try:
            record_web_login(db, SYSTEM, remote, succeeded)
        finally:
            db.close()

    return record
