"""A downward package is hostile until proven otherwise, like an upward one: a signed file
with rows for another township, a 督办 of a case the township does not have, a forged
assignment, an upward payload dressed as a downward one, a damaged file: each is refused with
its message and exit code, the database untouched."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from mediator.core.supervision import SupervisionService
from mediator.i18n import t
from mediator.sync import down
from mediator.sync import errors as E
from mediator.sync.importer import REFUSED

from .conftest import TODAY, logical_dump
from .hostile import alter, payload_of, seal


@pytest.fixture
def county_rows(net):  # type: ignore[no-untyped-def]
    ids = net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    item = SupervisionService(net.county.svc).supervise(ids[0], "请办理",
                                                        TODAY + timedelta(days=5))
    return ids, item


def _down_payload(net, tmp_path, township):  # type: ignore[no-untyped-def]
    path = tmp_path / "down.sqlite"
    counts = down.snapshot(net.county.db.path, path, net.county.code, township)
    return path, counts


def _refused(net, package, message, code=E.INVALID) -> None:  # type: ignore[no-untyped-def]
    before = logical_dump(net.t1.db.path)
    [rep] = net.t1.sync.import_files([package])
    assert (rep.status, rep.exit_code, rep.message) == (REFUSED, code, message)
    assert logical_dump(net.t1.db.path) == before


def test_rows_for_another_township(net, county_rows, tmp_path) -> None:
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    alter(payload, f"UPDATE supervision SET target_code = '{net.t2.code}'")
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts,
                   header={"direction": "down", "schema_version": 1})
    _refused(net, package, t("down.other_township", code=net.t2.code, own=net.t1.code))


def test_supervision_of_a_case_not_held(net, county_rows, tmp_path) -> None:
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    alter(payload, "UPDATE supervision SET case_id = '" + "a" * 32 + "'")
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts,
                   header={"direction": "down", "schema_version": 1})
    _refused(net, package, t("down.unknown_case", id="a" * 32))


def test_rows_owned_by_another_office(net, county_rows, tmp_path) -> None:
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    alter(payload, f"UPDATE supervision SET owner_code = '{net.t2.code}'")
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts,
                   header={"direction": "down", "schema_version": 1})
    _refused(net, package, t("sync.reject.owner", table="supervision", owner=net.t2.code,
                             sender=net.county.code))


def test_forged_assignment_content(net, county_rows, tmp_path) -> None:
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    alter(payload, "UPDATE supervision SET kind = 'ASSIGN', case_id = NULL, "
                   "assign_json = '{\"parties\": 5}'")
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts,
                   header={"direction": "down", "schema_version": 1})
    _refused(net, package, t("supervision.bad_assignment"))


def test_an_upward_payload_sent_as_downward(net, county_rows, tmp_path) -> None:
    """The county's own upward snapshot, signed and marked down: the payload kind differs."""
    payload = payload_of(net.county, tmp_path / "up.sqlite")
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync",
                   header={"direction": "down", "schema_version": 1})
    _refused(net, package, t("sync.pkg.bad_payload", why=t("sync.why.application_id")))


def test_a_downward_payload_sent_as_upward(net, county_rows, tmp_path) -> None:
    """The other way: a downward payload in a package without the direction mark."""
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts)
    before = logical_dump(net.t1.db.path)
    [rep] = net.t1.sync.import_files([package])
    assert (rep.status, rep.exit_code) == (REFUSED, E.INVALID)
    assert logical_dump(net.t1.db.path) == before


def test_an_extra_table_in_the_payload(net, county_rows, tmp_path) -> None:
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    alter(payload, "CREATE TABLE x (a)")
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts,
                   header={"direction": "down", "schema_version": 1})
    _refused(net, package, t("sync.pkg.bad_payload", why=t("sync.why.schema")))


def test_a_damaged_downward_file(net, county_rows, tmp_path) -> None:
    [res] = net.county.sync.export_down([net.t1.code], output=net.stick)
    raw = bytearray(res.path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    bad = tmp_path / "bad.mdsync"
    bad.write_bytes(bytes(raw))
    before = logical_dump(net.t1.db.path)
    [rep] = net.t1.sync.import_files([bad])
    assert (rep.status, rep.exit_code) == (REFUSED, E.DAMAGED)
    assert logical_dump(net.t1.db.path) == before


def test_unknown_direction_is_a_damaged_header(net, county_rows, tmp_path) -> None:
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts,
                   header={"direction": "sideways", "schema_version": 1})
    before = logical_dump(net.t1.db.path)
    [rep] = net.t1.sync.import_files([package])
    assert (rep.status, rep.exit_code) == (REFUSED, E.DAMAGED)
    assert logical_dump(net.t1.db.path) == before
    con = sqlite3.connect(net.t1.db.path)
    assert con.execute("SELECT count(*) FROM supervision").fetchone() == (0,)
    con.close()


@pytest.mark.parametrize(("change", "column", "value"), [
    ("figures_json = '[{\"code\": \"330106001\", \"name\": \"x\", \"counts\": 5, "
     "\"rates\": {}, \"ranks\": {}}]'", "figures_json", "…"),
    ("figures_json = 'not json'", "figures_json", "…"),
    ("measures = 'speed'", "measures", "speed"),
    ("measures = 'overdue,overdue'", "measures", "overdue,overdue"),
    ("period_end = '2026-10-01'", "period_end", "2026-10-01"),
])
def test_a_forged_notice(net, county_rows, tmp_path, change, column, value) -> None:
    """通报 (issue 22): every field of a notice is checked before the township keeps it."""
    from mediator.reports.notice import NoticeService
    from mediator.reports.periods import month_period

    [notice_id] = NoticeService(net.county.svc).issue(month_period(2026, 11))
    payload, counts = _down_payload(net, tmp_path, net.t1.code)
    assert counts["notice"] == 1
    alter(payload, f"UPDATE notice SET {change}")
    package = seal(net.county, net.t1, payload, tmp_path / "p.mdsync", counts=counts,
                   header={"direction": "down", "schema_version": 1})
    _refused(net, package, t("sync.reject.value", table="notice", column=column, id=notice_id,
                             value=repr(value)[:60]))
