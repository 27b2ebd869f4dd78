"""The server of mediator serve through aiohttp's test client (no browser, no app process):
the login, the session's expiry, the failed-login limit, the Host and Origin checks and the
offline page (issue 23)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import pytest
from aiohttp.test_utils import TestClient, TestServer

from mediator.i18n import set_language
from mediator.web import server as srv
from mediator.web.access import hash_password

PASSWORD = "调解室密码2026"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def audited() -> list[tuple[str, bool]]:
    return []


async def _client(web: srv.WebServer) -> TestClient:
    client = TestClient(TestServer(web.make_app()))
    await client.start_server()
    return client


@pytest.fixture
async def secure(clock: Clock, audited: list[tuple[str, bool]]) -> AsyncIterator[TestClient]:
    web = srv.WebServer(["mediator"], port=8620, host="0.0.0.0", secure=True,
                        password=hash_password(PASSWORD),
                        audit=lambda remote, ok: audited.append((remote, ok)),
                        sessions=srv.Sessions(ttl=3600, clock=clock))
    client = await _client(web)
    yield client
    await client.close()


@pytest.fixture
async def local() -> AsyncIterator[TestClient]:
    client = await _client(srv.WebServer(["mediator"], port=8620))
    yield client
    await client.close()


def _cookie(response) -> str:  # type: ignore[no-untyped-def]
    """The session cookie as the browser sends it back (a Secure cookie: aiohttp's jar
    would keep it from the plain-HTTP test server)."""
    morsel = response.cookies[srv.COOKIE]
    assert morsel["httponly"] is True and morsel["secure"] is True
    assert morsel["samesite"] == "Strict"
    return f"{srv.COOKIE}={morsel.value}"


def _message(html: str) -> str:
    found = re.search(r'<p class="message" id="message">(.*?)</p>', html)
    assert found is not None
    return found.group(1)


async def test_the_page_asks_for_the_password_first(secure: TestClient) -> None:
    page = await secure.get("/", allow_redirects=False)
    assert (page.status, page.headers["Location"]) == (303, "/login")
    login = await secure.get("/login")
    html = await login.text()
    assert login.status == 200
    assert "<title>人民调解 · 登录</title>" in html
    assert _message(html) == ""
    socket = await secure.get("/ws/new")
    assert (socket.status, await socket.text()) == (403, "请先登录。")


async def test_a_wrong_password_is_refused_and_audited(
        secure: TestClient, audited: list[tuple[str, bool]]) -> None:
    response = await secure.post("/login", data={"password": "猜的密码"}, allow_redirects=False)
    assert response.status == 401
    assert _message(await response.text()) == "密码不对，请重新输入。"
    assert srv.COOKIE not in response.cookies
    assert audited == [("127.0.0.1", False)]


async def test_the_right_password_opens_the_app_until_the_login_runs_out(
        secure: TestClient, audited: list[tuple[str, bool]], clock: Clock) -> None:
    response = await secure.post("/login", data={"password": PASSWORD}, allow_redirects=False)
    assert (response.status, response.headers["Location"]) == (303, "/")
    assert audited == [("127.0.0.1", True)]
    cookie = _cookie(response)
    page = await secure.get("/", headers={"Cookie": cookie}, allow_redirects=False)
    assert page.status == 200
    assert "<title>人民调解</title>" in await page.text()
    clock.now += 3599
    page = await secure.get("/", headers={"Cookie": cookie}, allow_redirects=False)
    assert page.status == 200
    clock.now += 2
    page = await secure.get("/", headers={"Cookie": cookie}, allow_redirects=False)
    assert (page.status, page.headers["Location"]) == (303, "/login")
    # a made-up cookie opens nothing
    page = await secure.get("/", headers={"Cookie": f"{srv.COOKIE}=made-up"},
                            allow_redirects=False)
    assert page.status == 303


async def test_too_many_wrong_passwords_must_wait(
        secure: TestClient, audited: list[tuple[str, bool]], clock: Clock) -> None:
    for _ in range(srv.MAX_FAILURES):
        response = await secure.post("/login", data={"password": "x"})
        assert response.status == 401
    response = await secure.post("/login", data={"password": PASSWORD}, allow_redirects=False)
    assert response.status == 429
    assert _message(await response.text()) == "密码输错次数太多，请 15 分钟后再试。"
    assert len(audited) == srv.MAX_FAILURES      # the refused try was never checked
    clock.now += srv.FAIL_WINDOW
    response = await secure.post("/login", data={"password": PASSWORD}, allow_redirects=False)
    assert response.status == 303


async def test_a_login_that_cannot_be_audited_is_refused(clock: Clock) -> None:
    def broken(remote: str, ok: bool) -> None:
        raise OSError("disk full")

    web = srv.WebServer(["mediator"], port=8620, host="0.0.0.0", secure=True,
                        password=hash_password(PASSWORD), audit=broken,
                        sessions=srv.Sessions(clock=clock))
    client = await _client(web)
    try:
        response = await client.post("/login", data={"password": PASSWORD},
                                     allow_redirects=False)
        assert response.status == 503
        assert srv.COOKIE not in response.cookies
    finally:
        await client.close()


async def test_loopback_needs_no_login_but_only_loopback_names(local: TestClient) -> None:
    page = await local.get("/")
    assert page.status == 200
    login = await local.get("/login", allow_redirects=False)
    assert (login.status, login.headers["Location"]) == (303, "/")
    # a DNS name pointing at 127.0.0.1 (rebinding) gets nothing
    other = await local.get("/", headers={"Host": "evil.example:8620"})
    assert (other.status, await other.text()) == (
        421, "此地址不能打开人民调解：请用 127.0.0.1 或 localhost 访问。")
    assert (await local.get("/", headers={"Host": "localhost:8620"})).status == 200


async def test_another_web_site_cannot_open_the_websocket(local: TestClient) -> None:
    response = await local.get("/ws/new", headers={"Origin": "http://evil.example"})
    assert (response.status, await response.text()) == (403, "此连接来自其他网页，已拒绝。")
    for bad in ("NOT-A-SLOT", "0", "12345", "1a"):
        response = await local.get(f"/ws/{bad}")
        assert (response.status, await response.text()) == (400, "连接地址不对，请重新打开页面。"), bad


async def test_the_closed_message_in_english(local: TestClient) -> None:
    set_language("en")
    html = await (await local.get("/")).text()
    assert '<div id="closed-message" class="message">Connection lost</div>' in html
    assert '<button type="button" id="reconnect">Reconnect</button>' in html
    assert '<html lang="en">' in html


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("src", "href", "action") and value:
                self.links.append(value)


URL = re.compile(r"(?:https?|wss?|ftp)://|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


async def test_the_page_references_only_this_server(local: TestClient,
                                                     secure: TestClient) -> None:
    """Every page and every file they load, scanned for an address elsewhere (xterm.css's
    licence comment names two web sites: comments are not loaded)."""
    seen: dict[str, str] = {}
    for client, pages in ((local, ["/"]), (secure, ["/login"])):
        for page in pages:
            html = await (await client.get(page)).text()
            seen[page] = html
            parser = _Links()
            parser.feed(html)
            assert parser.links, page
            for link in parser.links:
                assert link.startswith("/") and not link.startswith("//"), link
                if link not in seen:
                    response = await client.get(link)
                    assert response.status == 200, link
                    seen[link] = await response.text()
    assert sorted(seen) == ["/", "/login", "/static/mediator.css", "/static/mediator.js",
                            "/static/textual.js", "/static/xterm.css"]
    for name, text in seen.items():
        if name.endswith(".css"):
            text = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)
        assert URL.findall(text) == [], name
        assert "@import" not in text and "googleapis" not in text, name
    script = seen["/static/textual.js"]
    assert f'fontFamily:"{srv.FONT_STACK}"' in script
    assert "Roboto" not in script
    assert "window.mediatorTerminal=t" in script
    assert "fonts.googleapis" not in seen["/"]
    assert srv.FONT_STACK.startswith("'NSimSun', '新宋体', 'Microsoft YaHei Mono', "
                                     "'Noto Sans Mono CJK SC'")


async def test_the_policy_forbids_loading_from_elsewhere(local: TestClient) -> None:
    response = await local.get("/")
    assert response.headers["Content-Security-Policy"] == srv.CSP
    assert "default-src 'none'" in srv.CSP and "connect-src 'self'" in srv.CSP
    assert response.headers["X-Frame-Options"] == "DENY"


def test_the_session_command_passes_db_operator_and_language() -> None:
    argv = srv.app_command("/数据/案件 库.db", "张三", "en")
    assert argv[-6:] == ["--db", "/数据/案件 库.db", "--operator", "张三", "--lang", "en"]
    assert srv.app_command(None, None, None)[-2:] == ["-m", "mediator"]


def test_the_browser_picks_the_glyphs() -> None:
    web = srv.WebServer(["mediator"], port=8620)
    env = web.session_environment(1, "Mozilla/5.0 (Windows NT 10.0; Win64)")
    assert env == {"MEDIATOR_DRAFT_SLOT": "web-1", "MEDIATOR_LANG": "zh_CN",
                   "MEDIATOR_GLYPH_OS": "nt"}
    env = web.session_environment(2, "Mozilla/5.0 (X11; Linux x86_64)")
    assert env["MEDIATOR_GLYPH_OS"] == "posix"


def test_each_open_tab_holds_its_own_draft_slot() -> None:
    web = srv.WebServer(["mediator"], port=8620)
    assert [web.claim_slot("new"), web.claim_slot("new"), web.claim_slot("new")] == [1, 2, 3]
    # a duplicated tab asks for a slot another tab holds: it gets a free one
    assert web.claim_slot("2") == 4
    web.slots.discard(2)
    # the tab that held 2 reloads and asks for it again
    assert web.claim_slot("2") == 2
    # the tab with slot 1 is closed; the next new tab finds its drafts
    web.slots.discard(1)
    assert web.claim_slot("new") == 1
    assert web.slots == {1, 2, 3, 4}


def test_two_tabs_keep_two_drafts_of_the_same_form(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Each tab's app has its own draft folder: the intake draft of one tab is not the
    other's (before, both apps wrote <data>/drafts/intake.json)."""
    from mediator.tui.drafts import DraftStore, drafts_folder

    monkeypatch.setenv("MEDIATOR_DRAFT_SLOT", "web-1")
    first = DraftStore(drafts_folder(tmp_path))
    first.save("intake", {"name": "王一"})
    monkeypatch.setenv("MEDIATOR_DRAFT_SLOT", "web-2")
    second = DraftStore(drafts_folder(tmp_path))
    second.save("intake", {"name": "李二"})
    assert first.load("intake").form == {"name": "王一"}
    assert second.load("intake").form == {"name": "李二"}
    assert drafts_folder(tmp_path) == tmp_path / "drafts" / "web-2"
    monkeypatch.setenv("MEDIATOR_DRAFT_SLOT", "../escape")
    assert drafts_folder(tmp_path) == tmp_path / "drafts"
    monkeypatch.delenv("MEDIATOR_DRAFT_SLOT")
    assert drafts_folder(tmp_path) == tmp_path / "drafts"


@pytest.mark.parametrize(("glyph_os", "safe"), [("nt", True), ("posix", False)])
def test_auto_glyphs_follow_the_browsers_system(glyph_os: str, safe: bool) -> None:
    from mediator.core.glyphs import use_safe_glyphs

    assert use_safe_glyphs("auto", environ={"MEDIATOR_GLYPH_OS": glyph_os}) is safe
    assert use_safe_glyphs("full", environ={"MEDIATOR_GLYPH_OS": "nt"}) is False


def test_no_windows_terminal_hint_in_the_browser() -> None:
    from mediator.core.glyphs import glyph_hint_due

    assert glyph_hint_due("auto", False, "nt", environ={}) is True
    assert glyph_hint_due("auto", False, environ={"MEDIATOR_GLYPH_OS": "nt"}) is False
