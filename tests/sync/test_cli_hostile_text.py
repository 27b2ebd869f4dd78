"""No terminal control from outside text reaches the terminal (issue 17, item 2).

Names, weeks, file names and messages come from packages, ``.pub`` files and from databases
written by older versions or by hand. Every CLI command that can print such text runs here
with hostile values (clear screen, an OSC window title, BEL, CR) and no ESC, BEL or CR byte
may reach stdout or stderr."""

from __future__ import annotations

import json
import shutil
import sqlite3
from types import SimpleNamespace

import pytest

from mediator.cli import main
from mediator.sync import package as pk
from mediator.sync.export import build_header, snapshot
from mediator.sync.keys import ensure_keys, load_keys, public_file_bytes

from . import test_sync_hostile as base
from .conftest import TODAY, clone
from .hostile import counts_of
from .test_sync_hostile_headers import crafted

seeded = base.seeded   # the hostile-file tests' network, built once per module
EVIL = "\x1b[2J\x1b]0;pwned\x07\r"
FORBIDDEN = ("\x1b", "\x07", "\r")


@pytest.fixture
def county(seeded, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    """The county (holding t2's cases) run through the CLI, its database salted with hostile
    names as a database written before input cleaning, or by hand, would be."""
    net = clone(seeded, tmp_path)
    home = net.county.paths.data
    shutil.copytree(net.county.paths.config / "keys", home / "config" / "keys")
    monkeypatch.setenv("MEDIATOR_HOME", str(home))
    monkeypatch.setenv("MEDIATOR_OPERATOR", "区里")
    stick = tmp_path / "stick"
    stick.mkdir()
    # a package signed by t1 whose office name is hostile, on a file name that is too
    keys = load_keys(net.t1.paths, net.t1.code)
    county_pub = load_keys(net.county.paths, net.county.code).public
    payload = tmp_path / "p.sqlite"
    snapshot(net.t1.db.path, payload, net.t1.code)
    header = build_header(keys, f"青石镇{EVIL}", net.county.code, f"西湖{EVIL}", county_pub,
                          counts_of(payload), TODAY)
    with open(stick / f"t1{EVIL.replace('/', '')}.mdsync", "wb") as fh:
        pk.write_package(fh, header, payload, keys.sign, county_pub)
    good = (tmp_path / "net" / "good.mdsync").read_bytes()
    (stick / f"{EVIL}bad.mdsync").write_bytes(crafted(good, "week with ESC"))
    # a .pub of another office with a hostile name, properly signed by its own key
    other = ensure_keys(SimpleNamespace(config=tmp_path / "other"),
                        SimpleNamespace(code="330106003", name=f"恶意{EVIL}"))
    (tmp_path / "evil.pub").write_bytes(public_file_bytes(other, f"恶意{EVIL}"))
    net.close()
    con = sqlite3.connect(home / "mediator.db", isolation_level=None)
    try:
        con.execute("UPDATE party SET name = name || ?", (EVIL,))
        con.execute("UPDATE dispute_case SET facts = facts || ?", (EVIL,))
        con.execute("UPDATE trusted_key SET office_name = office_name || ?", (EVIL,))
        con.execute("UPDATE office SET name = name || ?", (EVIL,))
        con.execute("UPDATE import_log SET sender_name = sender_name || ?, week = ?, "
                    "file_name = ?, imported_by = ?", (EVIL, EVIL, EVIL, EVIL))
        party_id, = con.execute("SELECT id FROM party LIMIT 1").fetchone()
        con.execute(
            "INSERT INTO sync_conflict (id, kind, table_name, row_id, owner_code, revision, "
            "held_json, other_json, other_hash, package_hash, detected_at, resolved_by) "
            "VALUES (?, 'FORK', 'party', ?, '330106002', 1, ?, ?, ?, ?, '2026-11-23 08:00:00', ?)",
            ("c" * 32, party_id, json.dumps({"name": "张三"}),
             json.dumps({"name": f"张三{EVIL}", "address": EVIL}), "0" * 64, "1" * 64, EVIL))
        case_no, = con.execute("SELECT case_no FROM dispute_case LIMIT 1").fetchone()
    finally:
        con.close()
    return SimpleNamespace(home=home, stick=stick, pub=tmp_path / "evil.pub", case_no=case_no,
                           out=tmp_path / "out")


def run_clean(capsys, *argv: str) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    code = main(list(argv))
    captured = capsys.readouterr()
    text = captured.out + captured.err
    for ch in FORBIDDEN:
        assert ch not in text, (argv, repr(ch), text[:400])
    assert "Traceback" not in text
    return code, text


def test_no_command_sends_a_terminal_control(county, capsys) -> None:  # type: ignore[no-untyped-def]
    code, text = run_clean(capsys, "sync", "import", str(county.stick))
    assert code == 3                      # the crafted file: damaged; the good one imported
    assert "^[[2J^[]0;pwned^G bad.mdsync 已损坏" in text
    assert "青石镇 [2J ]0;pwned" not in text and "（330106001）" in text
    code, text = run_clean(capsys, "sync", "log")
    assert code == 0 and "^[[2J^[]0;pwned^G" in text
    code, text = run_clean(capsys, "sync", "conflicts", "--all")
    assert code == 0 and "张三^[[2J" in text
    code, text = run_clean(capsys, "keys", "list")
    assert code == 0 and "^[]0;pwned^G" in text
    code, text = run_clean(capsys, "keys", "trust", str(county.pub))
    assert code == 0 and "恶意[2J]0;pwned" in text      # stored and shown without controls
    # a crafted package given to keys trust: refused as damaged, its name shown inert
    code, text = run_clean(capsys, "keys", "trust", str(county.stick / f"{EVIL}bad.mdsync"))
    assert code == 3 and "^[[2J^[]0;pwned^Gbad.mdsync 已损坏" in text
    code, text = run_clean(capsys, "check", "casefile", county.case_no)
    assert code in (0, 1)
    code, text = run_clean(capsys, "check", "casefile", "--month", "2026-11")
    assert code in (0, 1)
    for fmt in ("md", "json"):
        code, text = run_clean(capsys, "report", "ledger", "--month", "2026-11", "--unmasked",
                               "-f", fmt, "-o", "-")
        assert code == 0 and "^[[2J" in text.replace("\\u001b", "^[")
    county.out.mkdir()
    for kind in ("register", "casefile"):
        code, _ = run_clean(capsys, "doc", kind, county.case_no, "-o", str(county.out / kind))
        assert code == 0
    code, _ = run_clean(capsys, "doctor")
    code, _ = run_clean(capsys, "audit", "verify")


def test_csv_to_stdout_keeps_its_line_ends_but_no_escape(county, capsys) -> None:  # type: ignore[no-untyped-def]
    code = main(["report", "ledger", "--month", "2026-11", "--unmasked", "-f", "csv", "-o", "-"])
    captured = capsys.readouterr()
    assert code == 0
    assert "\x1b" not in captured.out and "\x07" not in captured.out
    assert "^[[2J" in captured.out and "^G^M" in captured.out
    assert captured.out.count("\r\n") == captured.out.count("\r") > 3   # CSV's own line ends
