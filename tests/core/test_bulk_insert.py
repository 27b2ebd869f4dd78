"""``bulk.insert_statement`` writes a column NULL in every row as a NULL literal (issue 16:
sqlite3 passes each bound None and bool through its adapter protocol, ~9 % of a ledger
import): the rows stored are exactly those binding every value stores."""

from __future__ import annotations

import sqlite3

from mediator.core.bulk import insert_sql, insert_statement


def test_null_columns_become_literals_and_store_the_same_rows() -> None:
    cols = ("id", "note", "flag", "on_day", "n")
    rows = [("a", None, True, None, 1), ("b", None, False, "2026-01-02", None),
            ("c", None, 0, None, 3)]
    table, sql, params = insert_statement("t", cols, rows)
    assert table == "t"
    assert sql == 'INSERT INTO t ("id", "note", "flag", "on_day", "n") VALUES (?, NULL, ?, ?, ?)'
    assert params == [("a", True, None, 1), ("b", False, "2026-01-02", None), ("c", 0, None, 3)]
    stored = []
    for statement, values in ((sql, params), (insert_sql("t", cols), rows)):
        con = sqlite3.connect(":memory:")
        con.execute("CREATE TABLE t (id TEXT, note TEXT DEFAULT 'x', flag BOOLEAN, on_day DATE,"
                    " n INTEGER)")
        con.executemany(statement, values)
        stored.append(con.execute("SELECT id, note, typeof(note), flag, typeof(flag), on_day,"
                                  " n FROM t ORDER BY rowid").fetchall())
        con.close()
    assert stored[0] == stored[1] == [
        ("a", None, "null", 1, "integer", None, 1), ("b", None, "null", 0, "integer",
                                                     "2026-01-02", None),
        ("c", None, "null", 0, "integer", None, 3)]


def test_no_rows_and_no_null_column() -> None:
    assert insert_statement("t", ("a",), []) == ("t", 'INSERT INTO t ("a") VALUES (?)', [])
    rows = [("x", 1), ("y", None)]
    assert insert_statement("t", ("a", "b"), rows) == (
        "t", 'INSERT INTO t ("a", "b") VALUES (?, ?)', rows)
