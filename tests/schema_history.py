"""Making a test database look as an older version of mediator left it, to test an upgrade."""

from __future__ import annotations

import re
import sqlite3

_CREATED = re.compile(r"CREATE\s+(?:VIRTUAL\s+)?(TABLE|INDEX)\s+(?:IF\s+NOT\s+EXISTS\s+)?"
                      r"\"?(\w+)\"?", re.IGNORECASE)
_ADDED = re.compile(r"ALTER\s+TABLE\s+\"?(\w+)\"?\s+ADD\s+(?:COLUMN\s+)?\"?(\w+)\"?",
                    re.IGNORECASE)


def rewind_before(con: sqlite3.Connection, name: str) -> int:
    """The file as the migrations before ``name`` left it: the tables and indexes that
    ``name`` and every later migration create are dropped, and the version is set back, so
    opening it runs them again in order (whatever migrations were added after ``name``).
    Returns the version it was set back to."""
    from mediator.core.db import MIGRATIONS

    version = next(m.version for m in MIGRATIONS if m.name == name)
    for migration in MIGRATIONS:
        if migration.version >= version:
            for kind, obj in _CREATED.findall(migration.sql):
                con.execute(f'DROP {kind.upper()} IF EXISTS "{obj}"')
    for migration in reversed(MIGRATIONS):  # columns added to tables kept: dropped again
        if migration.version >= version:
            for table, column in _ADDED.findall(migration.sql):
                present = {r[1] for r in con.execute(f'PRAGMA table_info("{table}")')}
                if column in present:
                    con.execute(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    con.execute(f"PRAGMA user_version = {version - 1}")
    return version - 1
