"""The aiohttp server of ``mediator serve``: the real terminal app, one process per browser
session, through textual-serve's ``AppService`` (issue 23).

What it adds to textual-serve's own ``Server``:

- **Offline.** The page, its style and its script come from this server only: our own
  templates (no web font, no Start button, a Chinese title, the 连接已断开 dialog in the user's
  language) and textual-serve's xterm script served with the font stack replaced
  (新宋体/NSimSun first) and the terminal object exposed as ``window.mediatorTerminal`` (the
  browser test reads what the screen shows from it). A Content-Security-Policy of ``'self'``
  keeps the browser from fetching anything elsewhere.
- **Access.** Loopback needs no login; any other address a password (see
  :mod:`mediator.web.access`), a login page, a session cookie that expires, and a limit on
  failed tries. Every login and failed login is audited with the remote address. The Host and
  Origin headers are checked, so another web site open in the same browser can neither drive
  the app over the websocket nor read it through a DNS name pointing at 127.0.0.1.
- **Sessions.** Each browser tab gets its own app process and its own draft slot: the
  lowest-numbered slot no open tab holds (``<data>/drafts/web-N``), so two tabs never share
  drafts, and a tab opened after one was closed finds the closed tab's drafts again. The page
  keeps its number in ``sessionStorage``, so a reload asks for the same one.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import shlex
import signal
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

from mediator.i18n import get_language, t
from mediator.web.access import check_password

log = logging.getLogger("mediator.web")

#: the session cookie
COOKIE = "mediator_session"
#: a login lasts this long (a working day), then the page asks again
SESSION_SECONDS = 8 * 3600
#: failed logins from one address within FAIL_WINDOW seconds before it must wait
MAX_FAILURES = 5
FAIL_WINDOW = 15 * 60
#: what the font stack is: Chinese drawn in a fixed grid on the offices' PCs
FONT_STACK = ("'NSimSun', '新宋体', 'Microsoft YaHei Mono', 'Noto Sans Mono CJK SC', "
              "monospace")
#: textual-serve's script, and what is changed in it (the version is pinned in pyproject)
_JS_FONT = "fontFamily:\"'Roboto Mono', Monaco, 'Courier New', monospace\""
_JS_START = "t.forEach((e=>{const t=new w(e,{ping:r});t.fit(),s||t.connect()}))"
_JS_START_NEW = ("t.forEach((e=>{const t=new w(e,{});window.mediatorTerminal=t;"
                 "t.fit(),t.connect()}))")
#: a draft slot as the page asks for it: its number from before a reload, or "new"
_SLOT = re.compile(r"new|[1-9][0-9]{0,3}")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


def patched_script() -> str:
    """textual-serve's browser script with our font stack, no Start button and no outside
    ping, and the terminal reachable as ``window.mediatorTerminal``."""
    text = (resources.files("textual_serve") / "static" / "js" / "textual.js").read_text(
        encoding="utf-8")
    for old, new in ((_JS_FONT, f'fontFamily:"{FONT_STACK}"'), (_JS_START, _JS_START_NEW)):
        if text.count(old) != 1:
            raise RuntimeError(f"textual-serve's script changed: {old!r} not found once")
        text = text.replace(old, new)
    return text


def xterm_css() -> str:
    return (resources.files("textual_serve") / "static" / "css" / "xterm.css").read_text(
        encoding="utf-8")


def _template(name: str) -> str:
    return (resources.files("mediator.web") / "templates" / name).read_text(encoding="utf-8")


def app_command(db: str | None, operator: str | None, lang: str | None) -> list[str]:
    """The command line of one session's app: the terminal app, with the serving command's
    --db, --operator and --lang (the environment, MEDIATOR_HOME too, is inherited)."""
    if getattr(sys, "frozen", False):
        argv = [sys.executable]
    else:
        argv = [sys.executable, "-m", "mediator"]
    for option, value in (("--db", db), ("--operator", operator), ("--lang", lang)):
        if value:
            argv += [option, str(value)]
    return argv


def shell_line(argv: Sequence[str]) -> str:
    """``argv`` as the one line textual-serve hands to the shell."""
    return subprocess.list2cmdline(argv) if os.name == "nt" else shlex.join(argv)


@dataclass
class Sessions:
    """Logged-in browsers: token → when the login runs out (on ``clock``)."""

    ttl: float = SESSION_SECONDS
    clock: Callable[[], float] = time.monotonic
    tokens: dict[str, float] = field(default_factory=dict)
    failures: dict[str, list[float]] = field(default_factory=dict)

    def new(self) -> str:
        token = secrets.token_urlsafe(32)
        self.tokens[token] = self.clock() + self.ttl
        return token

    def remaining(self, token: str | None) -> float:
        """Seconds left of the login ``token`` (0 when unknown or run out)."""
        if not token or token not in self.tokens:
            return 0.0
        left = self.tokens[token] - self.clock()
        if left <= 0:
            del self.tokens[token]
            return 0.0
        return left

    def blocked(self, remote: str) -> bool:
        now = self.clock()
        recent = [at for at in self.failures.get(remote, []) if now - at < FAIL_WINDOW]
        self.failures[remote] = recent
        return len(recent) >= MAX_FAILURES

    def failed(self, remote: str) -> None:
        self.failures.setdefault(remote, []).append(self.clock())


class WebServer:
    """The served app. ``make_app()`` gives the aiohttp application (tests use it with
    aiohttp's test client); ``mediator.cli.serve`` runs it."""

    def __init__(self, command: Sequence[str], *, port: int, host: str = "127.0.0.1",
                 secure: bool = False, password: dict[str, object] | None = None,
                 audit: Callable[[str, bool], None] | None = None,
                 sessions: Sessions | None = None, glyphs: str = "auto"):
        if secure and password is None:
            raise ValueError("a served page off loopback needs a password")
        self.command = list(command)
        self.host, self.port, self.secure = host, port, secure
        self.password = password
        self.audit = audit
        self.sessions = sessions or Sessions()
        self.glyphs = glyphs
        self.script = patched_script()
        self.css = xterm_css()
        self._sockets: set[web.WebSocketResponse] = set()
        self._services: set[Any] = set()
        #: the draft slots open tabs hold
        self.slots: set[int] = set()

    # --- the application -----------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard])
        app.add_routes([
            web.get("/", self.index),
            web.get("/login", self.login_page),
            web.post("/login", self.login),
            web.get("/ws/{slot}", self.websocket),
            web.get("/static/textual.js", self.static_script),
            web.get("/static/xterm.css", self.static_css),
            web.get("/static/mediator.js", self.static_own),
            web.get("/static/mediator.css", self.static_own),
        ])
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _guard(self, request: web.Request,
                     handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                     ) -> web.StreamResponse:
        if not self._host_allowed(request.host):
            return web.Response(status=421, text=t("web.bad_host_header"))
        response = await handler(request)
        response.headers["Content-Security-Policy"] = CSP
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers.setdefault("Cache-Control", "no-store")
        return response

    def _host_allowed(self, host: str) -> bool:
        """Loopback pages answer only to loopback names (a DNS name that points at
        127.0.0.1 must not reach the app); with a password any name the office uses does."""
        if self.secure:
            return True
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.strip("[]").lower()
        from mediator.web.access import is_loopback

        return is_loopback(name)

    def _logged_in(self, request: web.Request) -> float:
        """Seconds left of the request's login (inf where no login is needed)."""
        if not self.secure:
            return float("inf")
        return self.sessions.remaining(request.cookies.get(COOKIE))

    def _page(self, name: str, **values: str) -> web.Response:
        from html import escape

        text = _template(name)
        values = {"lang": "zh-CN" if get_language() == "zh_CN" else "en", **values}
        for key, value in values.items():
            text = text.replace("{{" + key + "}}", escape(value))
        return web.Response(text=text, content_type="text/html", charset="utf-8")

    async def index(self, request: web.Request) -> web.StreamResponse:
        if not self._logged_in(request):
            raise web.HTTPSeeOther("/login")
        return self._page("index.html", title=t("web.title"),
                          closed=t("web.closed"), reconnect=t("web.reconnect"),
                          starting=t("web.starting"))

    async def login_page(self, request: web.Request, message: str = "",
                         status: int = 200) -> web.StreamResponse:
        if not self.secure:
            raise web.HTTPSeeOther("/")
        response = self._page("login.html", title=t("web.login.title"),
                              heading=t("web.login.heading"), label=t("web.login.password"),
                              button=t("web.login.button"), message=message)
        response.set_status(status)
        return response

    async def login(self, request: web.Request) -> web.StreamResponse:
        if not self.secure:
            raise web.HTTPSeeOther("/")
        remote = request.remote or "?"
        if self.sessions.blocked(remote):
            return await self.login_page(request, t("web.login.blocked",
                                                    minutes=FAIL_WINDOW // 60), 429)
        form = await request.post()
        typed = str(form.get("password", ""))
        assert self.password is not None
        ok = check_password(self.password, typed)
        if self.audit is not None:
            try:
                await asyncio.to_thread(self.audit, remote, ok)
            except Exception:
                log.exception("the login could not be audited")
                return await self.login_page(request, t("web.login.no_audit"), 503)
        if not ok:
            self.sessions.failed(remote)
            return await self.login_page(request, t("web.login.wrong"), 401)
        response = web.HTTPSeeOther("/")
        response.set_cookie(COOKIE, self.sessions.new(), httponly=True, secure=True,
                            samesite="Strict", path="/")
        raise response

    async def static_script(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text=self.script, content_type="application/javascript",
                            charset="utf-8")

    async def static_css(self, request: web.Request) -> web.StreamResponse:
        return web.Response(text=self.css, content_type="text/css", charset="utf-8")

    async def static_own(self, request: web.Request) -> web.StreamResponse:
        name = request.path.rsplit("/", 1)[1]
        kind = "text/css" if name.endswith(".css") else "application/javascript"
        return web.Response(text=_template(name), content_type=kind, charset="utf-8")

    # --- the sessions --------------------------------------------------------------------

    def _origin_allowed(self, request: web.Request) -> bool:
        origin = request.headers.get("Origin")
        if origin is None:   # not a browser: it could reach the app without one anyway
            return True
        scheme = "https" if self.secure else "http"
        return origin == f"{scheme}://{request.host}"

    def claim_slot(self, asked: str) -> int:
        """The draft slot of a new session: the one asked for (the tab's own, after a
        reload) when no other tab holds it, else the lowest free one."""
        if asked.isdigit() and int(asked) not in self.slots:
            slot = int(asked)
        else:
            slot = next(n for n in range(1, len(self.slots) + 2) if n not in self.slots)
        self.slots.add(slot)
        return slot

    def session_environment(self, slot: int, user_agent: str) -> dict[str, str]:
        """What one session's app process gets on top of this process's environment."""
        env = {"MEDIATOR_DRAFT_SLOT": f"web-{slot}", "MEDIATOR_LANG": get_language()}
        # the browser's fonts draw the screen: on Windows 新宋体 draws box lines and other
        # ambiguous-width symbols two cells wide, as the Windows console does
        env["MEDIATOR_GLYPH_OS"] = "nt" if "Windows" in user_agent else "posix"
        return env

    async def websocket(self, request: web.Request) -> web.StreamResponse:
        left = self._logged_in(request)
        if not left:
            raise web.HTTPForbidden(text=t("web.login.needed"))
        if not self._origin_allowed(request):
            raise web.HTTPForbidden(text=t("web.bad_origin"))
        asked = request.match_info["slot"]
        if not _SLOT.fullmatch(asked):
            raise web.HTTPBadRequest(text=t("web.bad_slot"))
        from textual_serve.app_service import AppService
        from textual_serve.download_manager import DownloadManager

        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        socket = web.WebSocketResponse(heartbeat=15)
        await socket.prepare(request)
        slot = self.claim_slot(asked)
        extra = self.session_environment(slot, request.headers.get("User-Agent", ""))

        class Service(AppService):  # type: ignore[misc]
            def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
                env = super()._build_environment(width=width, height=height)
                env.pop("WT_SESSION", None)
                env.update(extra)
                return env

        async def close() -> None:
            await socket.close()

        service = Service(shell_line(self.command), write_bytes=socket.send_bytes,
                          write_str=socket.send_str, close=close,
                          download_manager=DownloadManager(), debug=False)
        expiry = None
        if left != float("inf"):
            expiry = asyncio.get_running_loop().call_later(
                left, lambda: asyncio.ensure_future(socket.close()))
        self._sockets.add(socket)
        self._services.add(service)
        try:
            # the page keeps the number for a reload (textual-serve's script ignores it)
            await socket.send_json(["mediator_slot", slot])
            await service.start(width, height)
            await self._relay(socket, service)
        finally:
            # free at once: the same tab reloading asks for it again
            self.slots.discard(slot)
            if expiry is not None:
                expiry.cancel()
            self._services.discard(service)
            self._sockets.discard(socket)
            await stop_session(service)
        return socket

    async def _relay(self, socket: web.WebSocketResponse, service: Any) -> None:
        async for message in socket:
            if message.type != WSMsgType.TEXT:
                continue
            try:
                envelope = message.json()
                kind = envelope[0]
            except (ValueError, TypeError, IndexError, KeyError):
                continue
            if kind == "stdin":
                await service.send_bytes(str(envelope[1]).encode("utf-8"))
            elif kind == "resize":
                size = envelope[1]
                await service.set_terminal_size(_int(size.get("width"), 80),
                                                _int(size.get("height"), 24))
            elif kind == "ping":
                await socket.send_json(["pong", envelope[1]])
            elif kind == "blur":
                await service.blur()
            elif kind == "focus":
                await service.focus()

    def end_sessions(self) -> None:
        """After the loop has ended: any session's app still running (its stop cut short by
        a second interrupt) is ended, so nothing of it outlives the server."""
        for service in list(self._services):
            process = getattr(service, "_process", None)
            if process is None or process.returncode is not None:
                continue
            try:
                os.kill(process.pid, signal.SIGTERM)
            except OSError:
                pass   # already gone

    async def on_shutdown(self, app: web.Application) -> None:
        """Ctrl+C: every session's app is asked to quit and waited for."""
        for service in list(self._services):
            await stop_session(service)
        for socket in list(self._sockets):
            await socket.close()


async def stop_session(service: Any, grace: float = 10) -> None:
    """Ask a session's app to quit and wait until its process has ended (killed after
    ``grace`` seconds), so nothing of it outlives the server."""
    try:
        await service.stop()
    except Exception:
        log.warning("a session did not stop cleanly", exc_info=True)
    process = getattr(service, "_process", None)
    if process is None:
        return
    try:
        await asyncio.wait_for(process.wait(), grace)
    except TimeoutError:
        process.kill()
        await process.wait()


def _int(value: object, default: int) -> int:
    try:
        number = int(str(value))
    except ValueError:
        return default
    return number if 1 <= number <= 1000 else default


def run(server: WebServer, sock: Any, ssl_context: Any = None) -> None:
    """Serve until Ctrl+C (the sessions' apps are stopped first)."""
    try:
        web.run_app(server.make_app(), sock=sock, ssl_context=ssl_context, print=None,
                    handle_signals=True, shutdown_timeout=10)
    except KeyboardInterrupt:
        # Ctrl+C landing while aiohttp shuts down (its handler already removed, Python's
        # default raises here): the stop the clerk asked for, not an error (CI saw exit 130
        # once in four runs)
        log.info("interrupted while stopping", exc_info=True)
    finally:
        # the loop has ended: a further Ctrl+C must not cut the ending of the sessions short
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            server.end_sessions()
        finally:
            signal.signal(signal.SIGINT, previous)


def page_url(host: str, port: int, secure: bool) -> str:
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown:
        shown = f"[{shown}]"
    return f"{'https' if secure else 'http'}://{shown}:{port}/"


def ssl_context_for(cert: Path, key: Path) -> Any:
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert, key)
    return context
