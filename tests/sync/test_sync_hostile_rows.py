"""Package rows are held to what typed input accepts (issue 17, item 7, the row checks), and
a package may not push a row's revision beyond reason. Each hostile package is signed by a
trusted township key, as a buggy or compromised township would send it."""

from __future__ import annotations

import sqlite3

import pytest

from mediator.core.errors import ValidationError
from mediator.sync import errors as E
from mediator.sync.importer import IMPORTED
from mediator.sync.merge import MAX_REVISION_STEP

from . import test_sync_hostile as base
from .hostile import alter, payload_of, seal

# the seeded network of the hostile-file tests, built once per module
seeded, setup, refused = base.seeded, base.setup, base.refused


def office_copy(payload) -> str:  # type: ignore[no-untyped-def]
    """SQL adding a second office row for the same office (another id)."""
    con = sqlite3.connect(payload)
    try:
        cols = [r[1] for r in con.execute("PRAGMA table_info(office)")]
    finally:
        con.close()
    values = ", ".join("'" + "e" * 32 + "'" if c == "id" else c for c in cols)
    return f"INSERT INTO office ({', '.join(cols)}) SELECT {values} FROM office"


@pytest.mark.parametrize(("sql", "words"), [
    # names longer than a form accepts
    ("UPDATE party SET name = '{long}' WHERE rowid = 1", "name"),
    ("UPDATE mediator SET name = '{long}'", "name"),
    ("UPDATE office SET name = '{long}'", "name"),
    ("UPDATE office SET short_name = '青石青石青石青石青石青'", "short_name"),
    # control characters input cleaning removes
    ("UPDATE party SET name = '张' || char(0) || '三' WHERE rowid = 1", "name"),
    ("UPDATE party SET name = '张' || char(11) || '三' WHERE rowid = 1", "name"),
    ("UPDATE dispute_case SET facts = facts || char(27) || '[2J' WHERE rowid = 1", "facts"),
    ("UPDATE case_event SET summary = summary || char(155) WHERE rowid = 1", "summary"),
    # a village of another township
    ("UPDATE dispute_case SET village_code = '330106002001' WHERE rowid = 1", "330106002001"),
    # accepted before it was registered
    ("UPDATE dispute_case SET accepted_on = date(registered_on, '-1 day') WHERE rowid = 1",
     "accepted_on"),
    # a second office row
    ("OFFICE_COPY", "2 条单位记录"),
])
def test_rows_typed_input_would_refuse_are_invalid(setup, dump, tmp_path, sql, words) -> None:  # type: ignore[no-untyped-def]
    net, _ = setup
    payload = payload_of(net.t1, tmp_path / "p.sqlite")
    if sql == "OFFICE_COPY":
        sql = office_copy(payload)
    if "mediator" in sql:
        net.t1.svc.add_mediator("刘调解")
        payload = payload_of(net.t1, tmp_path / "p2.sqlite")
    alter(payload, sql.replace("{long}", "张" * 101))
    pkg = seal(net.t1, net.county, payload, tmp_path / "evil.mdsync")
    msg = refused(net, pkg, dump, E.INVALID)
    assert words in msg, msg
    assert "\x00" not in msg and "\x1b" not in msg and "\x0b" not in msg


def test_a_name_at_the_limit_is_accepted(setup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    net, _ = setup
    payload = alter(payload_of(net.t1, tmp_path / "p.sqlite"),
                    "UPDATE party SET name = '" + "张" * 100 + "' WHERE rowid = 1")
    pkg = seal(net.t1, net.county, payload, tmp_path / "ok.mdsync")
    (rep,) = net.county.sync.import_files([pkg])
    assert rep.status == IMPORTED, rep.message


def test_typed_input_has_the_same_name_limits(setup) -> None:  # type: ignore[no-untyped-def]
    net, _ = setup
    with pytest.raises(ValidationError):
        net.t1.svc.add_mediator("张" * 101)
    with pytest.raises(ValidationError):
        net.t1.svc.add_village("330106001001", "村" * 101)
    assert net.t1.svc.add_mediator("张" * 100).name == "张" * 100


@pytest.mark.parametrize("revision", [MAX_REVISION_STEP + 1, 99_999_999_999_999])
def test_a_new_row_may_not_start_above_the_step(setup, dump, tmp_path, revision) -> None:  # type: ignore[no-untyped-def]
    net, _ = setup
    payload = alter(payload_of(net.t1, tmp_path / "p.sqlite"),
                    f"UPDATE dispute_case SET revision = {revision} WHERE rowid = 1")
    msg = refused(net, seal(net.t1, net.county, payload, tmp_path / "r.mdsync"), dump, E.DAMAGED)
    assert "版本号" in msg and str(revision) in msg


def test_a_held_row_may_not_jump_more_than_the_step(setup, dump, tmp_path) -> None:  # type: ignore[no-untyped-def]
    net, good = setup
    (first,) = net.county.sync.import_files([good])
    assert first.status == IMPORTED
    with net.county.db.read() as s:
        from sqlalchemy import text

        case_id, held = s.exec(text("SELECT id, revision FROM dispute_case "
                                    "WHERE owner_code = '330106001' ORDER BY id LIMIT 1")).one()
    jump = alter(payload_of(net.t1, tmp_path / "j.sqlite"),
                 f"UPDATE dispute_case SET revision = {held + MAX_REVISION_STEP + 1} "
                 f"WHERE id = '{case_id}'")
    msg = refused(net, seal(net.t1, net.county, jump, tmp_path / "j.mdsync"), dump, E.DAMAGED)
    assert str(held + MAX_REVISION_STEP + 1) in msg
    # exactly the step is still a township's work (however unlikely)
    step = alter(payload_of(net.t1, tmp_path / "s.sqlite"),
                 f"UPDATE dispute_case SET revision = {held + MAX_REVISION_STEP} "
                 f"WHERE id = '{case_id}'")
    (rep,) = net.county.sync.import_files([seal(net.t1, net.county, step, tmp_path / "s.mdsync")])
    assert rep.status == IMPORTED and rep.counts.updated == 1, rep.message


def test_control_characters_stored_before_cleaning_are_cleaned_on_export(setup, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A note with a vertical tab stored by an older version cannot be edited away in any
    form: the package carries it cleaned, so the county still takes this office's files."""
    net, _ = setup
    with net.t1.db.write() as s:
        from sqlalchemy import text

        s.exec(text("UPDATE case_event SET summary = summary || char(11) || char(0) || 'x' "
                    "WHERE rowid = 1"))
        s.exec(text("UPDATE party SET name = '张' || char(27) || '三' WHERE rowid = 1"))
    (rep,) = net.county.sync.import_files([net.t1.export(tmp_path / "old.mdsync").path])
    assert rep.status == IMPORTED, rep.message
    with net.county.db.read() as s:
        rows = s.exec(text("SELECT summary FROM case_event WHERE owner_code = '330106001' "
                           "UNION ALL SELECT name FROM party WHERE owner_code = '330106001'")).all()
    values = [r[0] for r in rows]
    assert "张三" in values and any(v.endswith("x") for v in values)
    assert not any(ch in v for v in values for ch in "\x00\x0b\x1b")
