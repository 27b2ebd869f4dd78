"""Start and keystroke figures measured the way a user sees them: in a real terminal.

Each program runs in a pane of a tmux session at 120×36 (its own session, named after this
process, killed at the end). What the program writes to the terminal is streamed out of tmux
as it arrives (``tmux pipe-pane -O`` into a FIFO this probe reads): no polling, so the probe
costs the loaded machine nothing while it waits (``capture-pane`` every few ms cost ~2 ms of
CPU each and slowed what it measured). ``capture-pane`` only checks the screen between runs.

- ``start``: the clock starts just before tmux is asked to start the program
  (``respawn-pane``) and stops when a case number (…人调字第…号) of the first page has been
  written to the terminal; for the bare Textual app, its one label. Runs alternate (bare,
  mediator, bare, mediator …) so drift in the machine's load hits both alike; the figure is
  the ratio of the medians.
- ``keys``: with the search box focused, an input-method burst (2–4 characters: 王芳, zs,
  1234 …) is sent as ONE literal string (``tmux send-keys -l``), which the terminal hands the
  program in one read, as an input method commits a word; the clock stops when the list's
  rows (case numbers) are written again, and when the count beside the search box shows its
  number (共 N 件). Then Escape clears the box (not timed), the list comes back, ``/`` focuses
  the box again before the next burst.

Usage (also used by bench/figures_ui.py)::

    python bench/term_probe.py start DB [--runs 7] [--other NAME=DB ...]
    python bench/term_probe.py keys DB [--words 王芳,李秀,zs,1234] [--rounds 5]
"""

from __future__ import annotations

import argparse
import codecs
import os
import re
import select
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.common import DATA, PY, env_for

SESSION = f"bench-term-{os.getpid()}"
WIDTH, HEIGHT = 120, 36
CASE_NO = re.compile(r"人调字第\d+号")
#: what an empty database's list says once its (empty) first page is in
EMPTY_LIST = "还没有案件"
COUNT = re.compile(r"共 [\d,]+ 件")
BARE_LABEL = "BARE-TEXTUAL-READY"
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Label\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    f"        yield Label({BARE_LABEL!r})\n"
    "Bare().run()\n"
)


class Stream:
    """What the pane's program writes, read from tmux's pipe-pane FIFO."""

    def __init__(self) -> None:
        self.dir = tempfile.mkdtemp(prefix="term-probe-")
        self.path = os.path.join(self.dir, "pane.fifo")
        os.mkfifo(self.path)
        self.fd = os.open(self.path, os.O_RDONLY | os.O_NONBLOCK)
        tmux("pipe-pane", "-O", "-t", SESSION, f"cat > {shlex.quote(self.path)}")
        self.decoder = codecs.getincrementaldecoder("utf-8")("replace")

    def drain(self, quiet: float = 0.0) -> None:
        """Forget what was written so far (and until ``quiet`` seconds pass with nothing)."""
        while True:
            ready, _, _ = select.select([self.fd], [], [], quiet)
            if not ready:
                return
            try:
                if not os.read(self.fd, 1 << 16):
                    time.sleep(0.001)   # no writer yet
            except BlockingIOError:
                return

    def wait_for(self, patterns: dict[str, re.Pattern[str] | str], t0: float,
                 timeout: float = 60) -> dict[str, float]:
        """Seconds from ``t0`` until each pattern had been written (all of them or timeout)."""
        text = ""
        found: dict[str, float] = {}
        end = t0 + timeout
        while len(found) < len(patterns) and time.perf_counter() < end:
            ready, _, _ = select.select([self.fd], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except BlockingIOError:
                continue
            now = time.perf_counter()
            if not chunk:
                time.sleep(0.001)
                continue
            text += self.decoder.decode(chunk)
            for name, pat in patterns.items():
                if name not in found and (pat.search(text) if isinstance(pat, re.Pattern)
                                          else pat in text):
                    found[name] = now - t0
        return found

    def close(self) -> None:
        tmux("pipe-pane", "-t", SESSION)
        os.close(self.fd)
        os.unlink(self.path)
        os.rmdir(self.dir)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def _env_args() -> list[str]:
    env = env_for(home=DATA / "home")
    keep = {k: env[k] for k in ("MEDIATOR_HOME", "PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH")
            if k in env}
    keep.setdefault("LANG", "C.UTF-8")
    keep["MEDIATOR_OPERATOR"] = "bench"
    keep["TERM"] = "xterm-256color"
    return ["env", "-i", *(f"{k}={v}" for k, v in keep.items())]


def start_session() -> Stream:
    tmux("kill-session", "-t", SESSION)
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", str(WIDTH), "-y",
                    str(HEIGHT), "sleep 86400"], check=True)
    tmux("set-option", "-t", SESSION, "remain-on-exit", "on")
    return Stream()


def stop_session(stream: Stream) -> None:
    stream.close()
    tmux("kill-session", "-t", SESSION)


CPU_LOG: dict[str, list[float]] = {}


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of process ``pid`` (all its threads) so far, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_until(stream: Stream, cmd: list[str], ready: re.Pattern[str] | str,
              label: str = "") -> float:
    """Seconds from asking tmux to start ``cmd`` until ``ready`` was written to the pane.
    The CPU the program used until then (clock ticks of 10 ms: a median over runs) is noted
    in ``CPU_LOG[label]``: on a loaded machine it varies less than the wall clock."""
    tmux("respawn-pane", "-k", "-t", SESSION, "sleep 86400")   # the last program ended
    stream.drain(quiet=0.2)
    shell = " ".join(shlex.quote(a) for a in cmd)
    t0 = time.perf_counter()
    # started in the data folder: ``python -m`` puts its working folder first on sys.path
    tmux("respawn-pane", "-k", "-c", str(DATA), "-t", SESSION, shell)
    pid = int(tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip() or 0)
    found = stream.wait_for({"ready": ready}, t0)
    cpu = _cpu_seconds(pid) if pid else float("nan")
    if "ready" not in found:
        raise RuntimeError(f"never ready: {shell}\n{screen()}")
    if label:
        CPU_LOG.setdefault(label, []).append(cpu)
    return found["ready"]


def mediator_cmd(db: Path) -> list[str]:
    return [*_env_args(), PY, "-m", "mediator", "--db", str(Path(db).resolve())]


def bare_cmd() -> list[str]:
    return [*_env_args(), PY, "-c", BARE_APP]


def start_figures(db: Path, runs: int = 7, others: dict[str, Path] | None = None,
                  ) -> dict[str, list[float]]:
    """Alternating runs: bare app, then mediator on ``db`` (and on each of ``others``; one
    named ``empty`` is an empty database: ready when its list says it has no cases)."""
    stream = start_session()
    try:
        out: dict[str, list[float]] = {"bare": [], "mediator": []}
        for name in (others or {}):
            out[name] = []
        # warm-up: the first start of a day checks and backs up the file; disk cache
        run_until(stream, bare_cmd(), BARE_LABEL)
        run_until(stream, mediator_cmd(db), CASE_NO)
        for name, other in (others or {}).items():
            run_until(stream, mediator_cmd(other), EMPTY_LIST if name == "empty" else CASE_NO)
        for _ in range(runs):
            out["bare"].append(run_until(stream, bare_cmd(), BARE_LABEL, "bare"))
            out["mediator"].append(run_until(stream, mediator_cmd(db), CASE_NO, "mediator"))
            for name, other in (others or {}).items():
                out[name].append(run_until(stream, mediator_cmd(other),
                                           EMPTY_LIST if name == "empty" else CASE_NO, name))
        return out
    finally:
        stop_session(stream)


def key_figures(db: Path, words: list[str], rounds: int = 5,
                ) -> tuple[list[float], list[float], list[str]]:
    """Burst → list rows written (ms), and burst → count written (ms), per burst; and the
    problems seen (a burst whose list or count never came, a screen not showing the word)."""
    stream = start_session()
    lists: list[float] = []
    counts: list[float] = []
    problems: list[str] = []
    try:
        run_until(stream, mediator_cmd(db), CASE_NO)
        # the Database, the filters' choices and the start-up checks after the first frame
        stream.drain(quiet=1.0)
        for _ in range(rounds):
            for word in words:
                tmux("send-keys", "-t", SESSION, "/")     # the search box
                stream.drain(quiet=0.3)
                t0 = time.perf_counter()
                tmux("send-keys", "-t", SESSION, "-l", word)
                found = stream.wait_for({"list": CASE_NO, "count": COUNT}, t0, timeout=10)
                if "list" in found:
                    lists.append(found["list"] * 1000)
                if "count" in found:
                    counts.append(found["count"] * 1000)
                shown = screen()
                if len(found) < 2 or word not in shown:
                    problems.append(f"{word}: {sorted(found)}")
                tmux("send-keys", "-t", SESSION, "Escape")
                stream.wait_for({"list": CASE_NO, "count": COUNT}, time.perf_counter(), 10)
                stream.drain(quiet=0.3)
        return lists, counts, problems
    finally:
        stop_session(stream)


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["start", "keys"])
    ap.add_argument("db", type=Path)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--words", default="王芳,李秀,zs,1234")
    ap.add_argument("--other", action="append", default=[], help="NAME=DB: more databases")
    args = ap.parse_args()
    if args.mode == "start":
        others = dict(o.split("=", 1) for o in args.other)
        res = start_figures(args.db, args.runs, {k: Path(v) for k, v in others.items()})
        mb = statistics.median(res["bare"])
        cb = statistics.median(CPU_LOG["bare"])
        for name, values in res.items():
            m = statistics.median(values)
            c = statistics.median(CPU_LOG[name])
            print(f"{name:10s} median {m:.3f} s  min {min(values):.3f}  max {max(values):.3f}"
                  f"  ÷ bare {m / mb:.2f}   CPU {c:.2f} s ÷ bare {c / cb:.2f}")
    else:
        lists, counts, problems = key_figures(args.db, args.words.split(","), args.rounds)
        if lists:
            print(f"list   n={len(lists)} median {statistics.median(lists):.1f} ms "
                  f"p90 {pct(lists, 0.9):.1f} ms  max {max(lists):.1f}")
        if counts:
            print(f"count  n={len(counts)} median {statistics.median(counts):.1f} ms "
                  f"p90 {pct(counts, 0.9):.1f} ms")
        for p in problems:
            print("problem", p)


if __name__ == "__main__":
    main()
