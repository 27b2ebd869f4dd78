"""mediator serve in a real browser: Debian's chromium driven by selenium through
chromium-driver (issue 23). ``.ci/run`` installs both; elsewhere these tests skip, saying why.

The first test serves a demo database on loopback, waits for the case list, searches a name
in Chinese, opens the case and reads the screen from xterm.js's buffer in the page
(``window.mediatorTerminal``, exposed by our copy of textual-serve's script); the screenshot
is kept in ``build/test-artefacts/``. The second serves on 127.0.0.2, which like every
address but 127.0.0.1 takes the password path (HTTPS, the login page; a wrong password
refused and audited, the right one opens the app). Both record every request the
page makes (Chrome's performance log) and check that none leaves this machine.

Every wait is on the page's state (WebDriverWait), never a sleep.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import signal
import sqlite3
import ssl
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from mediator.cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
try:
    import selenium  # noqa: F401
    HAVE_SELENIUM = True
except ImportError:
    HAVE_SELENIUM = False

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None or DRIVER is None,
                       reason="no chromium/chromedriver installed "
                              "(apt-get install chromium chromium-driver)"),
    pytest.mark.skipif(not HAVE_SELENIUM, reason="selenium is not installed (the test extra)"),
    pytest.mark.skipif(os.name == "nt", reason="the browser tests run on Linux (CI)"),
]

ARTEFACTS = Path(__file__).resolve().parents[2] / "build" / "test-artefacts"
#: how long the page may take (a cold start of the app on a busy CI machine)
WAIT = 90
CASES = 60
OPERATOR = "张三"

SCREEN_JS = """
const t = window.mediatorTerminal;
if (!t || !t.terminal) { return ""; }
const b = t.terminal.buffer.active;
const out = [];
for (let i = 0; i < b.length; i++) { out.push(b.getLine(i).translateToString(true)); }
return out.join("\\n");
"""


class Served:
    """``mediator serve`` as a child process, its printed lines collected."""

    def __init__(self, db: Path, *extra: str):
        self.process = subprocess.Popen(
            [sys.executable, "-m", "mediator", "--db", str(db), "--operator", OPERATOR,
             "serve", "--no-browser", "--port", "8620", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8",
            env={**os.environ, "PYTHONUNBUFFERED": "1"})
        assert self.process.stdout is not None
        self.lines: list[str] = []
        self.url = ""
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            found = re.search(r"(https?://\S+/)$", line.strip())
            if found:
                self.url = found.group(1)
                break
        assert self.url, self.lines
        self._drain = threading.Thread(target=self._read, daemon=True)
        self._drain.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    def stop(self) -> int:
        """Ctrl+C, as the clerk stops it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=60)
        self._drain.join(timeout=10)
        return code


def _browser(*extra: str):  # type: ignore[no-untyped-def]
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = CHROMIUM  # type: ignore[assignment]
    for arg in ("--headless=new", "--no-sandbox", "--window-size=1280,800",
                "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--lang=zh-CN", *extra):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # the driver is Debian's: selenium must never go looking for one on the network
    return webdriver.Chrome(options=options, service=Service(executable_path=DRIVER))


def _screen(driver) -> str:  # type: ignore[no-untyped-def]
    return str(driver.execute_script(SCREEN_JS))


def _wait_screen(driver, predicate, what: str) -> str:  # type: ignore[no-untyped-def]
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    # the screen the predicate held for, not one read again after it: the page may have
    # repainted in between (the list's count comes a moment after its rows)
    matched: list[str] = []

    def holds(d) -> bool:  # type: ignore[no-untyped-def]
        screen = _screen(d)
        if predicate(screen):
            matched.append(screen)
            return True
        return False

    try:
        WebDriverWait(driver, WAIT, poll_frequency=0.2).until(holds)
    except TimeoutException:
        pytest.fail(f"no {what} in {WAIT} s; the page shows:\n{_screen(driver)}")
    return matched[-1]


def _requested_hosts(driver) -> set[str]:  # type: ignore[no-untyped-def]
    """The host of every request the page made (documents, scripts, styles, fonts, images,
    fetches, websockets), from Chrome's performance log."""
    hosts: set[str] = set()
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        params = message.get("params", {})
        url = None
        if message.get("method") == "Network.requestWillBeSent":
            url = params.get("request", {}).get("url")
        elif message.get("method") == "Network.webSocketCreated":
            url = params.get("url")
        if url and urlsplit(url).scheme in ("http", "https", "ws", "wss"):
            hosts.add(urlsplit(url).hostname or "")
    return hosts


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    db = tmp_path / "演示 数据" / "demo.db"
    assert main(["--db", str(db), "demo", "--cases", str(CASES)]) == 0
    return db


@pytest.fixture
def driver_factory() -> Iterator[list]:  # type: ignore[type-arg]
    made: list = []  # type: ignore[type-arg]
    yield made
    for driver in made:
        driver.quit()


def _first_row(screen: str) -> tuple[str, str]:
    """(case number, first party's name) of the list's first row."""
    found = re.search(r"(\(\d{4}\)青石人调字第\d+号) (\S+?)(?:、\S+)? /", screen)
    assert found is not None, screen
    return found.group(1), found.group(2)


def test_the_app_in_the_browser_searches_and_opens_a_case(
        demo_db: Path, tmp_path: Path, driver_factory: list) -> None:  # type: ignore[type-arg]
    from selenium.webdriver.common.by import By

    served = Served(demo_db)
    try:
        assert served.url.startswith("http://127.0.0.1:")
        driver = _browser()
        driver_factory.append(driver)
        driver.get(served.url)
        assert driver.title == "人民调解"
        screen = _wait_screen(driver, lambda s: f"共 {CASES} 件" in s, "the case list")
        assert "青石镇人民调解委员会" in screen
        case_no, name = _first_row(screen)
        typing = driver.find_element(By.CSS_SELECTOR, ".xterm-helper-textarea")
        typing.send_keys("/")
        # the search box has the focus: the list's own key (⏎ 打开) leaves the footer
        _wait_screen(driver, lambda s: s.splitlines()[-1].startswith("/ 搜索"),
                     "the search box focused")
        typed = ""
        for char in name:   # each character on the screen before the next is typed
            typing.send_keys(char)
            typed += char
            _wait_screen(driver, lambda s, typed=typed: s.splitlines()[2].startswith(typed),
                         f"{typed!r} in the search box")
        screen = _wait_screen(driver, lambda s: re.search(r"共 \d+ 件", s) is not None
                              and f"共 {CASES} 件" not in s and name in s.splitlines()[2],
                              "the search's result")
        lines = screen.splitlines()
        assert lines[2].startswith(name)
        assert re.search(rf"{re.escape(case_no)} .*{re.escape(name)}", screen)
        found = int(re.search(r"共 (\d+) 件", screen).group(1))  # type: ignore[union-attr]
        assert 1 <= found < CASES
        # open the first hit (the case above if it is the only one)
        typing.send_keys("\n")
        screen = _wait_screen(driver, lambda s: "案件卷宗 — " in s, "the case file")
        title = re.search(r"案件卷宗 — (\S+)", screen).group(1)  # type: ignore[union-attr]
        assert re.fullmatch(r"\(\d{4}\)青石人调字第\d+号", title)
        assert "办理经过" in screen and "纠纷简要情况" in screen
        shown = [line.split() for line in screen.splitlines() if line.split()[:1] == ["申请人"]
                 or line.split()[:1] == ["被申请人"]]
        assert any(name in row for row in shown), screen
        ARTEFACTS.mkdir(parents=True, exist_ok=True)
        shot = ARTEFACTS / "serve-case-file.png"
        assert driver.save_screenshot(str(shot))
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert _requested_hosts(driver) == {"127.0.0.1"}
        # this tab holds draft slot 1; a second tab is a second session with slot 2
        assert driver.execute_script(
            "return window.sessionStorage.getItem('mediator-draft-slot')") == "1"
        first = driver.current_window_handle
        driver.switch_to.new_window("tab")
        driver.get(served.url)
        _wait_screen(driver, lambda s: f"共 {CASES} 件" in s, "the second tab's case list")
        assert driver.execute_script(
            "return window.sessionStorage.getItem('mediator-draft-slot')") == "2"
        driver.switch_to.window(first)
        assert "案件卷宗 — " in _screen(driver)   # the first session is where it was
    finally:
        code = served.stop()
    # Ctrl+C stopped the server and the session's app with it
    assert code == 0, served.lines
    assert served.lines[-1] == "服务已停止。", served.lines


def test_the_password_path_on_another_address(demo_db: Path, driver_factory: list) -> None:  # type: ignore[type-arg]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    from mediator.core.paths import resolve_paths
    from mediator.web.access import save_password

    # any address but 127.0.0.1 takes the password path: set one, as the clerk would
    save_password(resolve_paths().config, "调解室密码2026")
    served = Served(demo_db, "--host", "127.0.0.2")
    try:
        assert served.url.startswith("https://127.0.0.2:")
        port = int(urlsplit(served.url).port or 0)
        printed = next((line.strip() for line in served.lines
                        if re.fullmatch(r"([0-9A-F]{2}:){31}[0-9A-F]{2}", line.strip())), None)
        assert printed is not None, served.lines
        pem = ssl.get_server_certificate(("127.0.0.2", port))
        der = ssl.PEM_cert_to_DER_cert(pem)
        assert printed == ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())
        driver = _browser("--ignore-certificate-errors")
        driver_factory.append(driver)
        wait = WebDriverWait(driver, WAIT, poll_frequency=0.2)
        driver.get(served.url)
        wait.until(ec.presence_of_element_located((By.ID, "password")))
        assert driver.title == "人民调解 · 登录"
        assert urlsplit(driver.current_url).path == "/login"
        driver.find_element(By.ID, "password").send_keys("猜的密码")
        driver.find_element(By.ID, "submit").click()
        wait.until(ec.text_to_be_present_in_element((By.ID, "message"), "密码不对"))
        assert driver.find_element(By.ID, "message").text == "密码不对，请重新输入。"
        driver.find_element(By.ID, "password").send_keys("调解室密码2026")
        driver.find_element(By.ID, "submit").click()
        wait.until(ec.title_is("人民调解"))
        screen = _wait_screen(driver, lambda s: f"共 {CASES} 件" in s, "the case list")
        assert "青石镇人民调解委员会" in screen
        assert _requested_hosts(driver) == {"127.0.0.2"}
    finally:
        assert served.stop() == 0, served.lines
    con = sqlite3.connect(demo_db)
    rows = con.execute("SELECT action, after FROM audit_log WHERE action LIKE 'web.%' "
                       "ORDER BY seq").fetchall()
    con.close()
    assert [action for action, _ in rows] == ["web.login_failed", "web.login"]
    remotes = {json.loads(after)["remote"] for _, after in rows}
    assert len(remotes) == 1 and remotes <= {"127.0.0.1", "127.0.0.2"}
