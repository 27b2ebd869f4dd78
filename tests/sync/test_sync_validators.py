"""The SQL side of row validation agrees with mediator.core.validate, and the payload schema
still matches the models (a change to a synced table needs a new payload version)."""

from __future__ import annotations

import sqlite3
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from mediator.core.errors import ValidationError
from mediator.core.models import SYNCED_TABLES
from mediator.core.rowchecks import phone_fast_sql, rid_fast_sql
from mediator.core.validate import parse_phone, parse_resident_id, resident_id_check_char
from mediator.sync.payload import TABLES, columns

CON = sqlite3.connect(":memory:")


def sql_accepts(expr: str, value: str) -> bool:
    return bool(CON.execute(f"SELECT coalesce(({expr}), 0) FROM (SELECT ? AS x)", (value,))
                .fetchone()[0])


def python_accepts_rid(value: str) -> bool:
    try:
        return parse_resident_id(value).number == value
    except ValidationError:
        return False


@st.composite
def resident_ids(draw) -> str:  # type: ignore[no-untyped-def]
    area = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    birth = draw(st.dates(date(1880, 1, 1), date(2040, 12, 31)))
    seq = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    check = resident_id_check_char(first17)
    tail = draw(st.sampled_from([check, check, "X", "0", "9", "x"]))
    value = first17 + tail
    if draw(st.booleans()):   # damage it a little
        pos = draw(st.integers(0, 17))
        value = value[:pos] + draw(st.sampled_from("0123456789X ")) + value[pos + 1:]
    return value


@settings(max_examples=400, deadline=None)
@given(value=st.one_of(resident_ids(), st.text(max_size=20),
                       st.from_regex(r"[0-9X]{15,19}", fullmatch=True)))
def test_fast_resident_id_check_never_accepts_what_validate_refuses(value: str) -> None:
    fast = sql_accepts(rid_fast_sql("x"), value)
    slow = python_accepts_rid(value)
    assert not fast or slow, value
    if slow and len(value) == 18:
        assert fast, value    # and it does take the common case off the Python path


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.from_regex(r"1[0-9]{10}", fullmatch=True), st.text(max_size=14)))
def test_fast_phone_check_never_accepts_what_validate_refuses(value: str) -> None:
    if sql_accepts(phone_fast_sql("x"), value):
        assert parse_phone(value) == value


def test_payload_schema_matches_the_models() -> None:
    """If this fails, a synced table changed: add payload_v2.sql and an upgrade step."""
    by_name = {m.__tablename__: m for m in SYNCED_TABLES}
    assert set(TABLES) == set(by_name)
    for table in TABLES:
        model_cols = [c.name for c in by_name[table].__table__.columns if c.name != "origin"]
        assert list(columns()[table]) == model_cols, table


def test_backup_and_package_rows_are_checked_over_the_same_tables_and_columns() -> None:
    """A restore checks a backup's rows with core.rowchecks over the file's own columns
    less ``origin``; the sync import over the payload's. They must be the same."""
    import sqlite3

    from mediator.core import rowchecks
    from mediator.core.schema import MIGRATIONS
    from mediator.sync.payload import TABLES, columns

    assert rowchecks.TABLES == TABLES
    con = sqlite3.connect(":memory:")
    for mig in MIGRATIONS:
        con.executescript(mig.sql)
    for table in TABLES:
        own = tuple(r[1] for r in con.execute(f"PRAGMA table_info({table})") if r[1] != "origin")
        assert own == columns()[table], table
