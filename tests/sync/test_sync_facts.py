"""The dated facts travel upward (payload version 2), so the county's figures for a township
are the township's own; a version-1 package is read by deriving its cases' facts the way
migration 0012 did (issue 19)."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

import pytest

from mediator.core.enums import AgreementForm, DisputeType, Route
from mediator.core.inputs import AgreementInput, CaseInput, ObligationInput, PartyInput
from mediator.reports.periods import parse_week
from mediator.reports.stats import compute
from mediator.sync.importer import IMPORTED

from .conftest import TODAY, clone
from .hostile import as_version_1, counts_of, payload_of, seal

T1 = "330106001"
WEEKS = ("2026-W44", "2026-W45", "2026-W46", "2026-W47")


@pytest.fixture
def net(net_template, tmp_path):  # type: ignore[no-untyped-def]
    network = clone(net_template, tmp_path)
    yield network
    network.close()


def _history(office: Any) -> list[str]:
    """A township's month: accepted, agreed by instalment, missed, mediated again; an
    extension; a failure; a refusal."""
    svc = office.svc
    a, b, c, d = (svc.register_case(CaseInput(
        parties=[PartyInput(f"张{i}"), PartyInput("李四")], dispute_type=DisputeType.NEIGHBOUR,
        facts="两家因宅基地滴水问题发生争执", registered_on=date(2026, 10, 26))).case_id
        for i in range(4))
    for cid, day in ((a, date(2026, 10, 27)), (b, date(2026, 10, 28)), (c, date(2026, 11, 2))):
        svc.accept_case(cid, on=day)
    svc.record_agreement(a, AgreementInput(
        AgreementForm.WRITTEN, date(2026, 11, 3), "分期赔偿", amount_fen=50000,
        responsibilities="李四负责", perform_method="转账", perform_place="村委会",
        perform_by=date(2026, 11, 10), obligations=[ObligationInput(date(2026, 11, 10), 50000)]))
    assert svc.sweep_missed_instalments() == [a]
    svc.remediate(a, "重新调解", on=date(2026, 11, 20))
    svc.extend_case(b, date(2026, 12, 20), consent="双方同意", on=date(2026, 11, 20))
    svc.record_failure(c, "分歧大", [Route.LITIGATION], on=date(2026, 11, 5))
    svc.refuse_case(d, "已起诉", [Route.LITIGATION], on=date(2026, 11, 4))
    return [a, b, c, d]


def _facts(path: Any, cases: list[str]) -> list[tuple[Any, ...]]:
    con = sqlite3.connect(path)
    try:
        marks = ", ".join("?" * len(cases))
        return sorted(con.execute(
            "SELECT case_id, kind, spell, accepted_on, deadline_on, concluded_on, outcome, "
            "CASE WHEN kind = 'FOLLOW_UP_DROPPED' THEN NULL ELSE fact_on END, deleted "
            f"FROM case_fact WHERE case_id IN ({marks})", cases).fetchall(),
            key=lambda r: tuple("" if v is None else str(v) for v in r))
    finally:
        con.close()


def _weeks(db: Any, offices: list[str] | None) -> dict[str, dict[str, Any]]:
    return {w: compute(db, parse_week(w, TODAY), TODAY, offices, trend_weeks=0,
                       compare=False).totals.as_dict() for w in WEEKS}


def test_a_package_carries_the_facts_and_the_county_counts_them(net) -> None:  # type: ignore[no-untyped-def]
    cases = _history(net.t1)
    (rep,) = net.county.sync.import_files([net.t1.export(net.stick).path])
    assert rep.status == IMPORTED, rep.message
    own = _facts(net.t1.db.path, cases)
    assert _facts(net.county.db.path, cases) == own
    assert len([f for f in own if f[1] == "SPELL"]) == 5
    at_county = _weeks(net.county.db, [T1])
    assert at_county == _weeks(net.t1.db, None)
    assert (at_county["2026-W45"]["concluded"], at_county["2026-W45"]["success"],
            at_county["2026-W45"]["refused"], at_county["2026-W47"]["accepted"]) == (2, 1, 1, 1)


def test_a_version_1_package_is_read_by_deriving_the_facts(net, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cases = _history(net.t1)
    own = _facts(net.t1.db.path, cases)
    # what an earlier version sent: payload version 1, no case_fact table
    payload = as_version_1(payload_of(net.t1, tmp_path / "v2.sqlite"), tmp_path / "v1.sqlite")
    counts = {k: v for k, v in counts_of_v1(payload).items()}
    package = seal(net.t1, net.county, payload, tmp_path / "v1.mdsync", counts=counts,
                   header={"schema_version": 1})
    (rep,) = net.county.sync.import_files([package])
    assert rep.status == IMPORTED, rep.message
    assert _facts(net.county.db.path, cases) == own
    assert _weeks(net.county.db, [T1]) == _weeks(net.t1.db, None)
    con = sqlite3.connect(net.county.db.path)
    origins = {r[0] for r in con.execute("SELECT DISTINCT origin FROM case_fact")}
    con.close()
    assert origins == {"derived"}
    # derived facts stay at the county: its own package upward carries none of them
    up = payload_of(net.county, tmp_path / "up.sqlite", area="330106")
    assert counts_of(up)["case_fact"] == 0 and counts_of(up)["dispute_case"] == 4
    # the township upgrades: its own facts replace the derived ones (no double count)
    (rep,) = net.county.sync.import_files([net.t1.export(net.stick).path])
    assert rep.status == IMPORTED, rep.message
    assert _facts(net.county.db.path, cases) == own
    con = sqlite3.connect(net.county.db.path)
    origins = {r[0] for r in con.execute("SELECT DISTINCT origin FROM case_fact")}
    con.close()
    assert "derived" not in origins and len(origins) == 1
    assert _weeks(net.county.db, [T1]) == _weeks(net.t1.db, None)


def counts_of_v1(payload: Any) -> dict[str, int]:
    from mediator.sync.payload import tables

    con = sqlite3.connect(payload)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables(1)}
    finally:
        con.close()
