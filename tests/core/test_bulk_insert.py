"""``bulk.insert_statement`` writes a column NULL in every row as a NULL literal, and one
holding the same text in every row as that text's literal (issue 16: each bound value costs
sqlite3 an adapter lookup or a copy, for each of a ledger import's 100,000 rows): the rows
stored are exactly those binding every value stores. And ``None`` binds through the adapter
``core.db`` registers as the NULL it always was."""

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


def _stored(sql: str, params: list[tuple[object, ...]]) -> list[tuple[object, ...]]:
    con = sqlite3.connect(":memory:")
    con.execute("CREATE TABLE t (id TEXT, who TEXT, at DATETIME, n NUMERIC, note TEXT)")
    con.executemany(sql, params)
    rows = con.execute("SELECT id, who, typeof(who), at, n, typeof(n), note FROM t "
                       "ORDER BY rowid").fetchall()
    con.close()
    return rows


def test_the_same_text_in_every_row_becomes_a_literal() -> None:
    cols = ("id", "who", "at", "n", "note")
    at = "2026-12-07 06:00:00.000001"
    rows = [("a", "O'Brien", at, "5", "x\x00y"), ("b", "O'Brien", at, "5", "x\x00y"),
            ("c", "O'Brien", at, "5", "x\x00y")]
    _table, sql, params = insert_statement("t", cols, rows)
    # quotes doubled; a text with NUL stays bound (SQL text cannot carry it)
    assert sql == ('INSERT INTO t ("id", "who", "at", "n", "note") VALUES '
                   "(?, 'O''Brien', '2026-12-07 06:00:00.000001', '5', ?)")
    assert params == [("a", "x\x00y"), ("b", "x\x00y"), ("c", "x\x00y")]
    # the column's affinity applies to the literal as to a bound text ('5' -> 5)
    assert _stored(sql, params) == _stored(insert_sql("t", cols), rows) == [
        (k, "O'Brien", "text", at, 5, "integer", "x\x00y") for k in "abc"]


def test_texts_equal_only_in_some_rows_or_not_texts_stay_bound() -> None:
    cols = ("id", "who", "at", "n", "note")
    rows = [("a", "甲", "1", 1, None), ("b", "乙", "1", 1, "")]
    _table, sql, params = insert_statement("t", cols, rows)
    assert sql == 'INSERT INTO t ("id", "who", "at", "n", "note") VALUES (?, ?, \'1\', ?, ?)'
    assert params == [("a", "甲", 1, None), ("b", "乙", 1, "")]
    assert _stored(sql, params) == _stored(insert_sql("t", cols), rows) == [
        ("a", "甲", "text", 1, 1, "integer", None), ("b", "乙", "text", 1, 1, "integer", "")]


def test_none_binds_as_null_through_the_registered_adapter() -> None:
    from mediator.core import db

    assert sqlite3.adapters[(type(None), sqlite3.PrepareProtocol)] is db._as_null
    con = sqlite3.connect(":memory:")
    assert con.execute("SELECT typeof(?), ? IS NULL", (None, None)).fetchone() == ("null", 1)
    con.close()


def test_no_rows_and_no_null_column() -> None:
    assert insert_statement("t", ("a",), []) == ("t", 'INSERT INTO t ("a") VALUES (?)', [])
    rows = [("x", 1), ("y", None)]
    assert insert_statement("t", ("a", "b"), rows) == (
        "t", 'INSERT INTO t ("a", "b") VALUES (?, ?)', rows)
