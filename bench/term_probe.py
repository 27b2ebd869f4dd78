"""Start and keystroke figures measured the way a user sees them: in a real terminal.

Each program runs in a pane of a tmux session at 120×36 (its own session, named after this
process, killed at the end). The clock starts just before tmux is asked to start the program
(``respawn-pane``) and stops when ``tmux capture-pane -p`` first shows what the user waits for:

- ``start``: a case number (…人调字第…号) of the first page; for the bare Textual app its one
  label. Runs alternate (bare, mediator, bare, mediator …) so drift in the machine's load hits
  both alike; the figure is the ratio of the medians.
- ``keys``: with mediator showing its list, an input-method burst (2–4 characters: 王芳, zs,
  1234 …) is sent as ONE literal string (``tmux send-keys -l``), which the terminal hands the
  program in one read, as an input method commits a word; the clock stops when the pane's
  list changed to the burst's first match, and again when the count beside the search box
  shows its number. Then Escape clears the box (not timed) and the list is back before the
  next burst.

Polling costs a few ms per ``capture-pane`` (a subprocess); it is the same for both sides of a
ratio. Usage (also used by bench/figures_ui.py)::

    python bench/term_probe.py start DB [--runs 7]
    python bench/term_probe.py keys DB [--words 王芳,李秀,zs,1234]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

from bench.common import DATA, PY, env_for

SESSION = f"bench-term-{os.getpid()}"
WIDTH, HEIGHT = 120, 36
CASE_NO = re.compile(r"人调字第\d+号")
BARE_LABEL = "BARE-TEXTUAL-READY"
BARE_APP = (
    "from textual.app import App\n"
    "from textual.widgets import Label\n"
    "class Bare(App):\n"
    "    def compose(self):\n"
    f"        yield Label({BARE_LABEL!r})\n"
    "Bare().run()\n"
)
POLL = 0.003


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def _env_args(db: Path | None) -> list[str]:
    env = env_for(home=DATA / "home")
    keep = {k: env[k] for k in ("MEDIATOR_HOME", "PATH", "HOME", "LANG", "LC_ALL", "PYTHONPATH")
            if k in env}
    keep.setdefault("LANG", "C.UTF-8")
    keep["MEDIATOR_OPERATOR"] = "bench"
    keep["TERM"] = "xterm-256color"
    return ["env", "-i", *(f"{k}={v}" for k, v in keep.items())]


def start_session() -> None:
    tmux("kill-session", "-t", SESSION)
    subprocess.run(["tmux", "new-session", "-d", "-s", SESSION, "-x", str(WIDTH), "-y",
                    str(HEIGHT), "sleep 86400"], check=True)
    tmux("set-option", "-t", SESSION, "remain-on-exit", "on")


def stop_session() -> None:
    tmux("kill-session", "-t", SESSION)


def run_until(cmd: list[str], ready: re.Pattern[str] | str, timeout: float = 60) -> float:
    """Seconds from asking tmux to start ``cmd`` until ``ready`` is on the pane."""
    tmux("respawn-pane", "-k", "-t", SESSION, "clear")  # an empty pane to start from
    shell = " ".join(_quote(a) for a in cmd)
    t0 = time.perf_counter()
    tmux("respawn-pane", "-k", "-t", SESSION, shell)
    while time.perf_counter() - t0 < timeout:
        text = screen()
        if (ready.search(text) if isinstance(ready, re.Pattern) else ready in text):
            return time.perf_counter() - t0
        time.sleep(POLL)
    raise RuntimeError(f"never ready: {shell}\n{screen()}")


def _quote(a: str) -> str:
    import shlex

    return shlex.quote(a)


def mediator_cmd(db: Path) -> list[str]:
    return [*_env_args(db), PY, "-m", "mediator", "--db", str(db)]


def bare_cmd() -> list[str]:
    return [*_env_args(None), PY, "-c", BARE_APP]


def start_figures(db: Path, runs: int = 7, others: dict[str, Path] | None = None,
                  ) -> dict[str, list[float]]:
    """Alternating runs: bare app, then mediator on ``db`` (and on each of ``others``)."""
    start_session()
    try:
        out: dict[str, list[float]] = {"bare": [], "mediator": []}
        for name in (others or {}):
            out[name] = []
        # warm-up: the first start of a day checks and backs up the file; disk cache
        run_until(bare_cmd(), BARE_LABEL)
        run_until(mediator_cmd(db), CASE_NO)
        for other in (others or {}).values():
            run_until(mediator_cmd(other), CASE_NO)
        for _ in range(runs):
            out["bare"].append(run_until(bare_cmd(), BARE_LABEL))
            out["mediator"].append(run_until(mediator_cmd(db), CASE_NO))
            for name, other in (others or {}).items():
                out[name].append(run_until(mediator_cmd(other), CASE_NO))
        return out
    finally:
        stop_session()


def _list_part(text: str) -> str:
    """The pane below the search row: the list (the count and the search box excluded)."""
    lines = text.splitlines()
    return "\n".join(lines[4:])


_COUNT = re.compile(r"共 [\d,]+ 件|[\d,]+ cases?")


def key_figures(db: Path, words: list[str], rounds: int = 3) -> tuple[list[float], list[float]]:
    """Burst → list repainted (ms), and burst → count shown (ms), per burst."""
    start_session()
    lists: list[float] = []
    counts: list[float] = []
    try:
        run_until(mediator_cmd(db), CASE_NO)
        time.sleep(1.0)  # the filters' choices and the start-up checks after the first frame
        idle = screen()
        for _ in range(rounds):
            for word in words:
                before_list = _list_part(screen())
                t0 = time.perf_counter()
                tmux("send-keys", "-t", SESSION, "-l", word)
                t_list = t_count = None
                while time.perf_counter() - t0 < 10:
                    text = screen()
                    now = time.perf_counter()
                    if t_list is None and _list_part(text) != before_list:
                        t_list = now
                    head = "\n".join(text.splitlines()[:3])
                    # the count says 统计中 from the keystroke until its number is back
                    if (t_list is not None and t_count is None and word in head
                            and _COUNT.search(head)):
                        t_count = now
                    if t_list is not None and t_count is not None:
                        break
                    time.sleep(POLL)
                if t_list is not None:
                    lists.append((t_list - t0) * 1000)
                if t_count is not None:
                    counts.append((t_count - t0) * 1000)
                tmux("send-keys", "-t", SESSION, "Escape")
                end = time.perf_counter() + 10
                while time.perf_counter() < end and _list_part(screen()) != _list_part(idle):
                    time.sleep(0.01)
                time.sleep(0.3)
        return lists, counts
    finally:
        stop_session()


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(len(s) * p))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["start", "keys"])
    ap.add_argument("db", type=Path)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--words", default="王芳,李秀,zs,1234")
    ap.add_argument("--other", action="append", default=[], help="NAME=DB: more databases")
    args = ap.parse_args()
    if args.mode == "start":
        others = dict(o.split("=", 1) for o in args.other)
        res = start_figures(args.db, args.runs, {k: Path(v) for k, v in others.items()})
        mb = statistics.median(res["bare"])
        for name, values in res.items():
            m = statistics.median(values)
            print(f"{name:10s} median {m:.3f} s  min {min(values):.3f}  max {max(values):.3f}"
                  f"  ÷ bare {m / mb:.2f}")
    else:
        lists, counts = key_figures(args.db, args.words.split(","))
        if lists:
            print(f"list   n={len(lists)} median {statistics.median(lists):.1f} ms "
                  f"p90 {pct(lists, 0.9):.1f} ms  max {max(lists):.1f}")
        if counts:
            print(f"count  n={len(counts)} median {statistics.median(counts):.1f} ms "
                  f"p90 {pct(counts, 0.9):.1f} ms")


if __name__ == "__main__":
    main()
