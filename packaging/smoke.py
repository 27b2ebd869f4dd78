"""Smoke test of the portable zip, as an office would use it: ``python packaging/smoke.py [ZIP]``.

Unpacks the zip twice (a township's stick and the county's, paths with spaces and Chinese), and
runs the program from there with no Python on PATH and an empty HOME: --version, init, a
10,000-case demo (its second process), the weekly report as xlsx, a ledger import, case
documents, keys, sync export and import at the county, the terminal UI through a
pseudo-terminal started by the launcher (quit with Ctrl+Q), the browser mode through its
launcher (the page, a websocket session drawing the app, Ctrl+C), and an upgrade (the zip unpacked
again over the township's folder) after which the data is still there. It fails on any
traceback, on any non-zero exit, and when anything was written outside the folders' 数据/ and
the stick folder it was asked to write to. ``--wheelhouse`` also builds the Linux wheelhouse
(packaging/wheelhouse.py) and installs it offline into a fresh virtual environment.

Python here only drives the test (the CI's interpreter); openpyxl, a dependency of mediator,
writes the ledger to import.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = "数据"
TRACEBACK = "Traceback"
ANSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][0-9AB]|\x1b[=>78]")

failures: list[str] = []
passed = 0  # commands and screens that ran clean


def count(ok: bool) -> None:
    global passed
    passed += ok


def fail(message: str) -> None:
    print(f"SMOKE FAIL: {message}", flush=True)
    failures.append(message)


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def unpack(zip_path: Path, target: Path) -> Path:
    """Extract keeping the Unix modes stored in the zip (as unzip does; zipfile alone drops them),
    replacing files that are there already (an upgrade over an older folder)."""
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            out = target / info.filename
            if info.is_dir():
                out.mkdir(parents=True, exist_ok=True)
                continue
            out.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, out.open("wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            mode = (info.external_attr >> 16) & 0o777
            if mode:
                out.chmod(mode)
    return target / "mediator"


class Office:
    """One unpacked copy, run with a bare environment: no python on PATH, HOME empty."""

    def __init__(self, folder: Path, env: dict[str, str], cwd: Path) -> None:
        self.folder, self.env, self.cwd = folder, env, cwd
        self.exe = folder / "mediator"

    @property
    def data(self) -> Path:
        return self.folder / DATA

    def run(self, *args: str, expect: int = 0, timeout: float = 300) -> str:
        shown = " ".join(args)
        print(f"+ mediator {shown}", flush=True)
        started = time.monotonic()
        proc = subprocess.run([str(self.exe), *args], env=self.env, cwd=self.cwd,
                              stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
        out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
        for line in out.strip().splitlines()[-6:]:
            print(f"    {line}")
        print(f"    (exit {proc.returncode}, {time.monotonic() - started:.1f} s)", flush=True)
        if TRACEBACK in out:
            fail(f"traceback from mediator {shown}:\n{out}")
        if proc.returncode != expect:
            fail(f"mediator {shown} exited {proc.returncode}, expected {expect}")
        count(TRACEBACK not in out and proc.returncode == expect)
        return out


def tui(launcher: Path, env: dict[str, str], cwd: Path, wait_for: str,
        timeout: float = 60) -> str:
    """Start the terminal UI in a 100x30 pseudo-terminal, wait until ``wait_for`` and the
    footer's quit key are drawn, press Ctrl+Q and return what was drawn (escapes removed)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    started = time.monotonic()
    proc = subprocess.Popen([str(launcher)], stdin=slave, stdout=slave, stderr=slave, env=env,
                            cwd=cwd, start_new_session=True)
    os.close(slave)
    raw = b""
    quit_at: float | None = None
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the program closed the terminal
                    chunk = b""
                if not chunk:
                    break
                raw += chunk
            screen = ANSI.sub("", raw.decode("utf-8", "replace"))
            if quit_at is None and wait_for in screen and "^q" in screen:
                print(f"    drawn after {time.monotonic() - started:.1f} s; Ctrl+Q", flush=True)
                time.sleep(1.0)  # let the first frame's workers finish, as a person would
                os.write(master, b"\x11")
                quit_at = time.monotonic()
            if not ready and proc.poll() is not None:
                break
            if time.monotonic() - started > timeout:
                fail(f"terminal UI: no {wait_for!r} or no exit within {timeout:.0f} s")
                break
    finally:
        if proc.poll() is None:
            proc.kill()
        code = proc.wait()
        os.close(master)
    screen = ANSI.sub("", raw.decode("utf-8", "replace"))
    if TRACEBACK in screen:
        fail(f"traceback in the terminal UI:\n{screen[-3000:]}")
    if quit_at is None:
        fail(f"terminal UI never showed {wait_for!r}:\n{screen[-2000:]}")
    elif code != 0:
        fail(f"terminal UI exited {code} after Ctrl+Q")
    else:
        print(f"    quit in {time.monotonic() - quit_at:.1f} s, exit 0", flush=True)
        count(TRACEBACK not in screen)
    return screen


def served(launcher: Path, env: dict[str, str], cwd: Path, db: Path, wait_for: str,
           timeout: float = 90) -> None:
    """``mediator serve`` through the browser launcher: the page and its script are served,
    a websocket session (what the browser opens) gets the app's screen with ``wait_for`` on
    it, and Ctrl+C stops the server and the session's app with exit 0."""
    import asyncio
    import signal

    try:
        import aiohttp
    except ImportError:
        fail("the smoke test's Python lacks aiohttp (pip install -e \".[test]\")")
        return
    started = time.monotonic()
    proc = subprocess.Popen([str(launcher), "--db", str(db), "--no-browser"], env=env, cwd=cwd,
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    assert proc.stdout is not None
    lines: list[str] = []
    url = ""
    for raw in proc.stdout:
        line = raw.decode("utf-8", "replace").rstrip("\n")
        lines.append(line)
        found = re.search(r"(http://127\.0\.0\.1:\d+/)$", line.strip())
        if found:
            url = found.group(1)
            break
    if not url:
        proc.kill()
        fail("mediator serve printed no address:\n" + "\n".join(lines[-20:]))
        return
    print(f"    serving {url} after {time.monotonic() - started:.1f} s", flush=True)

    async def session() -> str:
        async with aiohttp.ClientSession() as http:
            async with http.get(url) as page:
                html = await page.text()
                if page.status != 200 or "<title>人民调解</title>" not in html:
                    fail(f"the served page: {page.status} {html[:300]!r}")
            async with http.get(url + "static/textual.js") as script:
                if "NSimSun" not in await script.text():
                    fail("the served script lacks the font stack")
            screen = b""
            async with http.ws_connect(url.replace("http", "ws", 1)
                                       + "ws/new?width=100&height=30") as ws:
                async with asyncio.timeout(timeout):
                    async for message in ws:
                        if message.type == aiohttp.WSMsgType.BINARY:
                            screen += message.data
                            if wait_for.encode("utf-8") in screen:
                                break
            return screen.decode("utf-8", "replace")

    try:
        screen = asyncio.run(session())
    except (TimeoutError, aiohttp.ClientError) as exc:
        screen = ""
        fail(f"mediator serve: no {wait_for!r} in a session ({exc!r})")
    if wait_for in screen:
        print(f"    a session drew {wait_for!r} after {time.monotonic() - started:.1f} s",
              flush=True)
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
        fail("mediator serve did not stop within 60 s of Ctrl+C")
    text = "\n".join(lines) + "\n" + out.decode("utf-8", "replace")
    if TRACEBACK in text:
        fail(f"traceback from mediator serve:\n{text[-3000:]}")
    elif proc.returncode != 0 or "服务已停止。" not in text:
        fail(f"mediator serve exited {proc.returncode} after Ctrl+C:\n{text[-2000:]}")
    else:
        print("    Ctrl+C: stopped, exit 0", flush=True)
        count(wait_for in screen)


def bare_env(work: Path) -> tuple[dict[str, str], Path]:
    """PATH holds only sh and dirname (the launcher's needs); HOME is an empty folder."""
    bin_dir = work / "bin"
    bin_dir.mkdir()
    for tool in ("sh", "dirname"):
        found = shutil.which(tool)
        if found is None:
            sys.exit(f"smoke needs {tool}")
        (bin_dir / tool).symlink_to(found)
    for py in ("python", "python3"):
        if shutil.which(py, path=str(bin_dir)):
            sys.exit("python on the smoke's PATH")
    home = work / "home"
    home.mkdir()
    env = {"PATH": str(bin_dir), "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
           "TERM": "xterm-256color", "TZ": "Asia/Shanghai"}
    return env, home


def write_ledger(path: Path) -> None:
    """A small ledger as offices keep it in Excel (see tests/ledger/ledgers.py)."""
    from datetime import datetime

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["案件编号", "受理日期", "申请人", "联系电话", "被申请人", "村(居)", "纠纷类型",
               "纠纷简要情况", "调解员", "调解结果", "协议形式", "协议金额", "结案日期"])
    ws.append(["2026-001", datetime(2026, 1, 5), "张三", "13812345678", "李四", "青石村",
               "邻里纠纷", "两家因排水沟堵塞发生争吵", "王调解", "调解成功", "书面", 3000,
               datetime(2026, 2, 10)])
    ws.append(["2026-002", datetime(2026, 3, 2), "王五", None, "赵六", "白水村", "合同纠纷",
               "货款结算争议", "陈调解", "调解不成功", None, None, datetime(2026, 3, 15)])
    ws.append(["2026-003", datetime(2026, 11, 1), "孙七", None, "周八", "青石村",
               "宅基地使用权纠纷", "建房越界", "王调解", None, None, None, None])
    wb.save(path)


def files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def smoke(zip_path: Path, work: Path) -> None:
    env, home = bare_env(work)
    desktop = work / "desktop"  # the working folder the commands are started from
    desktop.mkdir()
    stick = work / "U盘 E"       # where the office asks for files to be written
    stick.mkdir()

    step(f"unpack {zip_path.name}")
    town = Office(unpack(zip_path, work / "乡镇 青石"), env, desktop)
    county = Office(unpack(zip_path, work / "县 西湖"), env, desktop)
    for name in ("mediator", "start.sh", "start-web.sh", "portable.txt", "使用说明.txt",
                 "SHA256SUMS.txt"):
        if not (town.folder / name).is_file():
            fail(f"{name} missing from the zip")
    if (town.folder / DATA).exists():
        fail("the zip carries a 数据/ folder: unpacking over an office would replace its data")
    check_sums(town.folder)

    step("township: version, init, demo, reports, ledger import, documents")
    version = town.run("--version")
    if not re.search(r"mediator \d+\.\d+", version):
        fail(f"--version said {version!r}")
    town.run("init", "--office-name", "青石镇人民调解委员会", "--office-code", "330106001",
             "--operator", "王调解")
    demo_out = town.run("demo", "--cases", "10000")
    demo_db = town.data / "demo.db"
    if str(demo_db) not in demo_out or not demo_db.is_file():
        fail(f"demo.db is not in {town.data}")
    town.run("report", "weekly", "-f", "xlsx", "--db", str(demo_db), "-o", str(stick))
    if not list(stick.glob("*周报*.xlsx")):
        fail("no weekly xlsx written")
    town.run("report", "ledger", "--format", "csv", "--db", str(demo_db), "-o", str(stick))
    ledgers = list(stick.glob("*台账*.csv"))
    case_no = None
    if ledgers:
        found = re.search(r"\(\d{4}\)青石人调字第\d+号", ledgers[0].read_text(encoding="utf-8-sig"))
        case_no = found.group(0) if found else None
    if case_no is None:
        fail("no case number in the demo's ledger")
    else:
        town.run("doc", "register", case_no, "--db", str(demo_db), "-o", str(stick))
        town.run("doc", "casefile", case_no, "--db", str(demo_db), "-o", str(stick))
        if len(list(stick.glob("*.docx"))) < 2:
            fail("case documents not written")

    ledger = stick / "原台账.xlsx"
    write_ledger(ledger)
    town.run("import", "ledger", str(ledger))
    town.run("doctor")

    step("sync: keys exchanged with the county, the township's package imported there")
    county.run("init", "--office-name", "西湖区人民调解委员会", "--office-code", "330106")
    county.run("keys", "export", "-o", str(stick))
    town.run("keys", "export", "-o", str(stick))
    town.run("keys", "trust", str(stick / "330106_西湖区.pub"))
    county.run("keys", "trust", str(stick / "330106001_青石镇.pub"))
    town.run("sync", "export", "-o", str(stick))
    if len(list(stick.glob("*.mdsync"))) != 1:
        fail("sync export wrote no package")
    county.run("sync", "import", str(stick))
    county.run("sync", "log")

    step("terminal UI through the launcher, in a pseudo-terminal")
    tui(town.folder / "start.sh", env, desktop, wait_for="青石镇人民调解委员会")
    step("browser mode through start-web.sh: the page, a session, Ctrl+C")
    served(town.folder / "start-web.sh", env, desktop, demo_db, wait_for="青石镇人民调解委员会")
    step("terminal UI started directly, on a fresh folder: the welcome screen")
    fresh = Office(unpack(zip_path, work / "新 U盘"), env, desktop)
    tui(fresh.exe, env, desktop, wait_for="创建并开始使用")
    if not (fresh.data / "mediator.db").is_file():
        fail("the welcome screen's database is not in the fresh folder's 数据/")

    step("upgrade: the zip unpacked again over the township's folder")
    counts = re.compile(r"^\s*(?:单位|案件|当事人|调解协议)：\d+$", re.MULTILINE)
    before = (sorted(p.name for p in town.data.iterdir()), counts.findall(town.run("doctor")))
    (town.exe).write_bytes(b"an older program")  # the zip must replace the program files
    unpack(zip_path, town.folder.parent)
    after = (sorted(p.name for p in town.data.iterdir()), counts.findall(town.run("doctor")))
    if before != after or not any("案件：" in line for line in after[1]):
        fail(f"数据/ changed by unpacking over it: {before} -> {after}")
    tui(town.folder / "start.sh", env, desktop, wait_for="青石镇人民调解委员会")
    check_sums(town.folder)

    step("where the files went")
    check_places(work, home, desktop, stick, [town, county, fresh])


def check_sums(folder: Path) -> None:
    import hashlib

    lines = (folder / "SHA256SUMS.txt").read_text(encoding="utf-8-sig").splitlines()
    bad = [rel for digest, rel in (line.split("  ", 1) for line in lines if line)
           if not (folder / rel).is_file()
           or hashlib.sha256((folder / rel).read_bytes()).hexdigest() != digest]
    listed = {line.split("  ", 1)[1] for line in lines if line}
    program = {p.relative_to(folder).as_posix() for p in files_under(folder)
               if not p.relative_to(folder).as_posix().startswith(DATA + "/")}
    missing = program - listed - {"SHA256SUMS.txt"}
    if bad or missing:
        fail(f"SHA256SUMS.txt: wrong {bad[:5]}, not listed {sorted(missing)[:5]}")
    else:
        print(f"    SHA256SUMS.txt: {len(lines)} files match", flush=True)


def check_places(work: Path, home: Path, desktop: Path, stick: Path,
                 offices: list[Office]) -> None:
    stray = files_under(home) + files_under(desktop)
    if stray:
        fail(f"written outside the portable folders: {[str(p) for p in stray[:10]]}")
    for office in offices:
        if not (office.data / "mediator.db").is_file():
            fail(f"no database in {office.data}")
    town = offices[0]
    expected = ["mediator.db", "demo.db", "config/keys", "backups", "outbox"]
    for rel in expected:
        if not (town.data / rel).exists():
            fail(f"{rel} not in {town.data}")
    databases = [p for p in work.rglob("*.db") if DATA not in p.relative_to(work).parts]
    if databases:
        fail(f"a database outside 数据/: {databases}")
    print(f"    HOME and the working folder empty; 数据/ holds: "
          f"{sorted(p.name for p in town.data.iterdir())}", flush=True)
    outside = [p.relative_to(work).as_posix() for p in files_under(stick)]
    print(f"    written on the stick as asked: {len(outside)} files", flush=True)


def wheelhouse(work: Path) -> None:
    """The Linux wheelhouse from the hashed lock, installed offline into a fresh venv."""
    step("wheelhouse: download from the lock, install with --no-index into a fresh venv")
    out = work / "wheelhouse"
    subprocess.run([sys.executable, str(ROOT / "packaging" / "wheelhouse.py"), "--platform",
                    "linux", "--dest", str(out)], check=True)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV"))}
    env["PIP_CONFIG_FILE"] = os.devnull  # no index or find-links from this machine's pip.conf
    command = (out / "install.txt").read_text(encoding="utf-8").strip().splitlines()[-1]
    if not command.startswith("python3 -m pip install --no-index"):
        fail(f"install.txt's command: {command!r}")
    command = command.replace("python3", str(venv / "bin" / "python"), 1)
    print(f"+ {command}", flush=True)
    subprocess.run(command, shell=True, check=True, cwd=out, env=env)
    home = work / "wheelhouse-home"
    home.mkdir()
    proc = subprocess.run([str(venv / "bin" / "mediator"), "--version"], capture_output=True,
                          text=True, env={**env, "MEDIATOR_HOME": str(home)})
    print(f"    {proc.stdout.strip()} {proc.stderr.strip()}", flush=True)
    if proc.returncode != 0 or TRACEBACK in proc.stdout + proc.stderr:
        fail("mediator installed from the wheelhouse does not start")
    else:
        count(True)


def newest_zip() -> Path:
    zips = sorted((ROOT / "dist").glob("mediator-*-linux-*.zip"), key=lambda p: p.stat().st_mtime)
    if not zips:
        sys.exit("no dist/mediator-*-linux-*.zip: run python packaging/build.py first")
    return zips[-1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("zip", nargs="?", type=Path, help="default: the newest in dist/")
    parser.add_argument("--wheelhouse", action="store_true",
                        help="also build the Linux wheelhouse and install it offline")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args(argv)
    zip_path = (args.zip or newest_zip()).resolve()
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="mediator-smoke-"))
    try:
        smoke(zip_path, work)
        if args.wheelhouse:
            wheelhouse(work)
    except subprocess.TimeoutExpired as exc:
        fail(f"timed out: {exc}")
    finally:
        if args.keep:
            print(f"work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    took = time.monotonic() - started
    print(f"\nportable smoke took {took:.0f} s", flush=True)
    print(f"smoke: {passed} passed, {len(failures)} failed", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
