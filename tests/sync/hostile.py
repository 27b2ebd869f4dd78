"""Building hostile packages: real payloads altered with SQL, then sealed and signed with a
key the county trusts (as a compromised or buggy township would), or raw bytes mangled."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from mediator.sync import package as pk
from mediator.sync.export import build_header, snapshot
from mediator.sync.keys import load_keys
from mediator.sync.payload import TABLES

from .conftest import TODAY, Office


def payload_of(office: Office, target: Path, area: str | None = None) -> Path:
    snapshot(office.db.path, target, area or office.code)
    return target


def counts_of(payload: Path) -> dict[str, int]:
    con = sqlite3.connect(payload)
    try:
        held = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
                for t in TABLES if t in held}  # a version-1 payload holds fewer
    finally:
        con.close()


def as_version_1(current: Path, out: Path) -> Path:
    """The rows of payload ``current`` as a version-1 exporter wrote them: the version-1
    tables and columns only (what an office not yet upgraded sends)."""
    from mediator.sync import payload as pl

    con = sqlite3.connect(out, isolation_level=None)
    try:
        con.execute("PRAGMA page_size=4096")
        con.executescript("BEGIN;" + pl.ddl(1) + f"\nPRAGMA application_id={pl.PAYLOAD_APP_ID};"
                          "\nPRAGMA user_version=1;\nCOMMIT;")
        con.execute("ATTACH DATABASE ? AS cur", (str(current),))
        for table in pl.tables(1):
            cols = ", ".join(pl.columns(1)[table])
            con.execute(f"INSERT INTO {table} ({cols}) SELECT {cols} FROM cur.{table}")
        con.execute("DETACH DATABASE cur")
    finally:
        con.close()
    return out


def alter(payload: Path, *sql: str) -> Path:
    con = sqlite3.connect(payload, isolation_level=None)
    try:
        for stmt in sql:
            con.execute(stmt)
    finally:
        con.close()
    return payload


def seal(sender: Office, recipient: Office | None, payload: Path, out: Path, *,
         counts: dict[str, int] | None = None, plain: bool = False,
         header: dict[str, Any] | None = None) -> Path:
    keys = load_keys(sender.paths, sender.code)
    rkeys = load_keys(recipient.paths, recipient.code).public if recipient else None
    h = build_header(keys, sender.name, recipient.code if recipient else "330106", "",
                     None if plain else rkeys, counts if counts is not None else counts_of(payload),
                     TODAY)
    h.update(header or {})
    with open(out, "wb") as fh:
        pk.write_package(fh, h, payload, keys.sign, None if plain else rkeys)
    return out
