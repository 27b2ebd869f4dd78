"""The case list's first page at start, read before SQLAlchemy and the models are imported.

Importing SQLAlchemy, SQLModel and the model classes takes most of the start (0.45 s of 0.8 s
on the benchmark machine): the ``mediator`` command shows the first page through this reader,
a plain ``sqlite3`` connection running the very same query code (:mod:`mediator.core.queries`
accepts a session or a connection), and the app opens the real database (``Services``) after
the first frame. The reader serves the list, its pages and its count with the signatures of
``Services``; nothing else (no writes, no other reads): whatever else the app needs waits for
``Services``.

A connection is opened per call (the calls come from worker threads; opening is ~0.1 ms),
``query_only``, with the same busy timeout as the database's own connections (not a
``mode=ro`` URI: that cannot open a WAL file whose ``-shm`` is missing).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from mediator.core import queries, search
from mediator.core.db import BUSY_TIMEOUT_MS


class FirstPageReader:
    """``list_cases``, ``list_cases_before`` and ``count_cases`` of ``Services``, on sqlite3."""

    def __init__(self, path: Path, today: Callable[[], date]) -> None:
        self.path = Path(path)
        self._today = today

    def today(self) -> date:
        return self._today()

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        con = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                              isolation_level=None, check_same_thread=False)
        try:
            con.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            con.execute("PRAGMA query_only=1")
            # the scan of cases a ledger import left for the search index (search_pending)
            # names them by their initials through this function, as Database's connections do
            con.create_function("mediator_initials", 1, search.sql_initials, deterministic=True)
            # one read transaction, as Database.read() gives: the probes of a search and the
            # page see the same snapshot
            con.execute("BEGIN")
            yield con
        finally:
            con.close()

    def list_cases(self, f: queries.CaseFilter | None = None,
                   after: queries.Cursor | None = None, limit: int = 100) -> queries.Page:
        with self._read() as con:
            return queries.list_cases(con, f or queries.CaseFilter(), after, limit, self.today())

    def list_cases_before(self, f: queries.CaseFilter | None = None,
                          before: queries.Cursor | None = None,
                          limit: int = 100) -> queries.Page:
        with self._read() as con:
            return queries.list_cases_before(con, f or queries.CaseFilter(), before, limit,
                                             self.today())

    def office_name(self) -> str | None:
        with self._read() as con:
            return queries.own_office_name(con)

    def count_cases(self, f: queries.CaseFilter | None = None) -> int:
        with self._read() as con:
            return queries.count_cases(con, f or queries.CaseFilter(), self.today())
