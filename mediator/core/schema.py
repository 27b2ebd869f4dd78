"""The schema's history: the numbered migrations in ``core/migrations/NNNN_name.sql``.

Its own module, below both ``db`` (which applies them) and ``audit`` (whose row digests are
defined by the schema as of one version), so neither has to import the other for it.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache, partial
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


_FILE_NAME = r"(\d{4})_(\w+)\.sql"


def load_migrations() -> list[Migration]:
    """Ordered migrations from ``core/migrations/NNNN_name.sql`` (frozen once released)."""
    found: list[Migration] = []
    for name, read in _migration_files():
        m = re.fullmatch(_FILE_NAME, name)
        if m:
            found.append(Migration(int(m.group(1)), m.group(2), read()))
    found.sort(key=lambda x: x.version)
    for expected, mig in enumerate(found, start=1):
        if mig.version != expected:  # pragma: no cover - packaging error
            raise RuntimeError(f"migration numbering gap at {mig.version}")
    return found


def _migration_files() -> list[tuple[str, Callable[[], str]]]:
    """(file name, read its text) of each file in ``core/migrations``: plain file reads from
    the package's folder, through ``importlib.resources`` when it is not in one (a zip)."""
    folder = os.path.join(os.path.dirname(os.path.abspath(__file__)), "migrations")
    if os.path.isdir(folder):
        return [(name, partial(_read, os.path.join(folder, name))) for name in os.listdir(folder)]
    from importlib import resources

    return [(entry.name, partial(entry.read_text, encoding="utf-8"))
            for entry in resources.files("mediator.core").joinpath("migrations").iterdir()]


def _read(path: str) -> str:
    with open(path, encoding="utf-8") as fh:
        return fh.read()


@cache
def migrations() -> list[Migration]:
    """Every migration with its SQL, read on first use (opening an up-to-date file needs only
    :data:`LATEST_VERSION`; reading the 25 files was a few ms of every start)."""
    return load_migrations()


def _latest_version() -> int:
    """The last migration's number, from the file names alone (numbering checked as in
    :func:`load_migrations`)."""
    versions = sorted(int(m.group(1)) for name, _ in _migration_files()
                      if (m := re.fullmatch(_FILE_NAME, name)))
    for expected, version in enumerate(versions, start=1):
        if version != expected:  # pragma: no cover - packaging error
            raise RuntimeError(f"migration numbering gap at {version}")
    return versions[-1]


LATEST_VERSION = _latest_version()


def __getattr__(name: str) -> list[Migration]:
    """``MIGRATIONS``: the list of :func:`migrations`, read when first asked for."""
    if name == "MIGRATIONS":
        return migrations()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
