"""The schema's history: the numbered migrations in ``core/migrations/NNNN_name.sql``.

Its own module, below both ``db`` (which applies them) and ``audit`` (whose row digests are
defined by the schema as of one version), so neither has to import the other for it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def load_migrations() -> list[Migration]:
    """Ordered migrations from ``core/migrations/NNNN_name.sql`` (frozen once released)."""
    found: list[Migration] = []
    folder = resources.files("mediator.core").joinpath("migrations")
    for entry in folder.iterdir():
        m = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), entry.read_text(encoding="utf-8")))
    found.sort(key=lambda x: x.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:  # pragma: no cover - packaging error
            raise RuntimeError(f"migration numbering gap at {mig.version}")
    return found


MIGRATIONS = load_migrations()
LATEST_VERSION = MIGRATIONS[-1].version
