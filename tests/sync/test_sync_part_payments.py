"""Part payments travel up (payload version 2: obligation.paid_fen), and a version-1 package
from a township not yet upgraded is still read: its performed instalments count as fully
paid, its open ones as unpaid (issue 18)."""

from __future__ import annotations

from datetime import timedelta

from mediator.core.enums import AgreementForm
from mediator.core.inputs import AgreementInput, ObligationInput
from mediator.sync import package as pk
from mediator.sync import payload as pl
from mediator.sync.importer import IMPORTED

from .conftest import TODAY
from .hostile import as_version_1, counts_of, payload_of, seal


def paying_case(net, part: bool = True) -> str:  # type: ignore[no-untyped-def]
    """A case at t1 with two instalments: the first paid in full, 200 of the second's 500
    (``part``) or nothing of it."""
    (cid,) = net.t1.register(1)
    svc = net.t1.svc
    svc.accept_case(cid)
    svc.record_agreement(cid, AgreementInput(
        AgreementForm.WRITTEN, TODAY, "分期赔偿", amount_fen=150000,
        obligations=[ObligationInput(TODAY + timedelta(days=10), 100000, "第一期"),
                     ObligationInput(TODAY + timedelta(days=40), 50000, "第二期")]))
    first, second = svc.case_file(cid).obligations
    svc.record_performance(first.id, TODAY, "收条", amount_fen=100000)
    if part:
        svc.record_performance(second.id, TODAY, "转账", amount_fen=20000)
    return cid


def held(office, cid: str) -> list[tuple[int, int, str | None]]:  # type: ignore[no-untyped-def]
    return [(o.amount_fen, o.paid_fen, o.performed_on and o.performed_on.isoformat())
            for o in office.svc.case_file(cid).obligations]


def test_part_payments_travel_in_the_package(net, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = paying_case(net)
    path = net.t1.export(tmp_path / "P.mdsync").path
    assert pk.read_header(path).schema_version == pl.PAYLOAD_VERSION == 2
    (rep,) = net.county.sync.import_files([path])
    assert (rep.status, rep.exit_code) == (IMPORTED, 0)
    assert held(net.county, cid) == [(100000, 100000, "2026-11-23"), (50000, 20000, None)]


def test_a_version_1_package_is_read_with_defaults(net, tmp_path) -> None:  # type: ignore[no-untyped-def]
    cid = paying_case(net, part=False)  # as a township still on version 1 had it
    v1 = as_version_1(payload_of(net.t1, tmp_path / "p.sqlite"), tmp_path / "v1.sqlite")
    old = seal(net.t1, net.county, v1, tmp_path / "v1.mdsync",
               counts=counts_of(v1), header={"schema_version": 1})
    assert pk.read_header(old).schema_version == 1
    (rep,) = net.county.sync.import_files([old])
    assert (rep.status, rep.exit_code, rep.counts.conflicts) == (IMPORTED, 0, 0)
    # version 1 knew no part payments: performed means fully paid, open means nothing paid
    assert held(net.county, cid) == [(100000, 100000, "2026-11-23"), (50000, 0, None)]
    with net.county.db.read() as s:
        from sqlalchemy import text

        assert s.exec(text(  # type: ignore[call-overload]
            "SELECT schema_version FROM import_log")).scalar_one() == 1
    # the township upgrades and records a part payment: its version-2 package brings it
    second = net.t1.svc.case_file(cid).obligations[1]
    net.t1.svc.record_performance(second.id, TODAY, "转账", amount_fen=20000)
    (rep2,) = net.county.sync.import_files([net.t1.export(tmp_path / "v2.mdsync").path])
    assert (rep2.status, rep2.exit_code) == (IMPORTED, 0)
    assert held(net.county, cid) == [(100000, 100000, "2026-11-23"), (50000, 20000, None)]
