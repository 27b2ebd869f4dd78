"""What the bare ``mediator`` imports before its first frame (issue 21): the terminal UI's
start after the first open of a day paints the first page from plain sqlite3, and the ORM,
the other screens, the rules and pypinyin come after it. Run in a fresh process, through
``mediator.cli.main`` as the command runs, headless; the modules loaded when the case list's
first page is on screen (``first_page_shown``: the app's own event) are compared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mediator.core.backup import daily_backup
from mediator.core.paths import resolve_paths

CHILD = """
import json, sys
from textual.app import App

run = App.run
seen = {}

def headless(self, *args, **kw):
    kw.update(headless=True, size=(120, 36))

    def shown(app):
        if not seen:
            seen["modules"] = sorted(sys.modules)
            seen["rows"] = len(app.screen.query_one("CaseList").rows)
        app.exit()

    type(self).first_page_shown = shown
    return run(self, *args, **kw)

App.run = headless
from mediator.cli import main
code = main(["--db", sys.argv[1]])
print(json.dumps({"code": code, **seen}))
"""

#: not before the first frame: the ORM, the services, the other screens, the dialogs, the
#: command palette's providers, the case rules, the search's pinyin dictionary, argparse
#: (the bare command's three options are read without it: cli.ui_arguments) (the filter
#: row's checkboxes are mounted after the first frame, before ``first_page_shown``)
LATER = ("sqlalchemy", "sqlmodel", "pydantic", "pypinyin", "mediator.core.models",
         "mediator.core.services", "mediator.core.rules", "mediator.core.petition",
         "mediator.tui.screens.agenda", "mediator.tui.screens.case_file",
         "mediator.tui.screens.settings", "mediator.tui.screens.intake",
         "mediator.tui.dialogs", "mediator.tui.commands", "argparse")


def later_modules(modules: list[str]) -> list[str]:
    return sorted(m for m in modules if any(m == p or m.startswith(p + ".") for p in LATER))


def test_the_first_frame_imports_no_orm_rules_or_other_screens(
        svc: Any, make_case: Any, tmp_path: Path, monkeypatch: Any) -> None:
    make_case()
    home = tmp_path / "home"
    monkeypatch.setenv("MEDIATOR_HOME", str(home))
    db_path = Path(svc.db.path)
    paths = resolve_paths(db_path)
    svc.db.close()
    # after the first open of a day: today's backup exists, the file is checked
    assert daily_backup(db_path, paths.backups) is not None
    env = {**os.environ, "MEDIATOR_HOME": str(home), "MEDIATOR_OPERATOR": "王调解"}
    env.pop("MEDIATOR_DB", None)
    out = subprocess.run([sys.executable, "-c", CHILD, str(db_path)], capture_output=True,
                         text=True, env=env, cwd=tmp_path, timeout=120, check=False)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert result["rows"] == 1
    assert later_modules(result["modules"]) == []
    # what the walk would have caught: everything in LATER is a module that exists
    assert later_modules(["sqlalchemy.orm", "mediator.core.rules", "mediator.tui.dialogs.edit",
                          "mediator.core.rulesets", "mediator.tui.widgets.case_list"]) \
        == ["mediator.core.rules", "mediator.tui.dialogs.edit", "sqlalchemy.orm"]


def test_importing_the_cli_loads_no_textual_orm_or_rules() -> None:
    code = ("import json, sys; import mediator.cli; "
            "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('textual', 'sqlalchemy', 'sqlmodel', 'pypinyin') or m in "
            "('mediator.core.rules', 'mediator.core.models', 'hashlib'))))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert json.loads(out.stdout) == []


def _read_until(fd: int, done: Any, limit: float = 60.0) -> str:
    """What the program writes to its terminal, until ``done(text)`` (or ``limit`` seconds
    with no end in sight: a guard, not a measure)."""
    import codecs
    import select
    import time

    decoder = codecs.getincrementaldecoder("utf-8")("replace")
    text = ""
    end = time.monotonic() + limit
    while not done(text) and time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(fd, 1 << 16)
            except OSError:
                break
            if not chunk:
                break
            text += decoder.decode(chunk)
    return text


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal (pty) is POSIX")
def test_the_first_frame_on_a_terminal_is_written_before_the_rest_of_the_start(
        svc: Any, make_case: Any, tmp_path: Path, monkeypatch: Any) -> None:
    """In a real terminal (a pty, 120×36), the first page reaches the terminal before the
    filter row, the navigation buttons and the warm-up: Textual drops what is drawn while
    the first screen is mounted, and the work "after the first frame" used to run before
    anything was written (MediatorApp.after_first_frame)."""
    import fcntl
    import pty
    import re
    import struct
    import termios

    from mediator.i18n import t

    make_case()
    home = tmp_path / "home"
    monkeypatch.setenv("MEDIATOR_HOME", str(home))
    db_path = Path(svc.db.path)
    svc.db.close()
    assert daily_backup(db_path, resolve_paths(db_path).backups) is not None
    env = {**os.environ, "MEDIATOR_HOME": str(home), "MEDIATOR_OPERATOR": "王调解",
           "TERM": "xterm-256color", "MEDIATOR_LANG": "zh"}
    env.pop("MEDIATOR_DB", None)
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 36, 120, 0, 0))
    proc = subprocess.Popen([sys.executable, "-m", "mediator", "--db", str(db_path)],
                            stdin=slave, stdout=slave, stderr=slave, env=env, cwd=tmp_path,
                            close_fds=True)
    os.close(slave)
    case_no = re.compile(r"人调字第\d+号")
    state_filter = t("tui.cases.f_overdue")   # the filter row's checkbox: no other text
    try:
        text = _read_until(master, lambda s: state_filter in s and case_no.search(s))
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        os.close(master)
    first_row = case_no.search(text)
    assert first_row is not None, text[-2000:]
    assert state_filter in text
    # the whole first screen (rows, search box, count's place) before the filters came
    assert text.index(state_filter) > first_row.start()
    assert text.index(t("tui.cases.search_placeholder")) < first_row.start()
