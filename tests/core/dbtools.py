"""Helpers for the storage tests: a logical dump of every table (to prove nothing was written)
and file fingerprints (to prove a refused file was never touched)."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path


def logical_dump(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table (FTS shadow tables included), in a stable order."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name")]
        out: dict[str, list[tuple]] = {}
        for name in names:
            try:
                rows = con.execute(f'SELECT * FROM "{name}"').fetchall()
            except sqlite3.OperationalError:  # a virtual table's own name; its shadows are dumped
                continue
            out[name] = sorted(rows, key=repr)
        out["pragma.user_version"] = [(con.execute("PRAGMA user_version").fetchone()[0],)]
        return out
    finally:
        con.close()


def fingerprint(path: Path) -> dict[str, str | None]:
    """sha256 of a file and of its -wal/-shm/-journal companions (None when absent)."""
    out: dict[str, str | None] = {}
    for suffix in ("", "-wal", "-shm", "-journal"):
        p = path.with_name(path.name + suffix)
        out[suffix or "main"] = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else None
    return out
