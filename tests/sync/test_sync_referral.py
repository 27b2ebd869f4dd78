"""The referral record travels upward (columns at the end of dispute_case in payload version
2, issue 25 point 3), and a version-1 package, which has none of them, still gives a case
without a regime."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from mediator.core.enums import DisputeType, PartyRole, ReferralKind
from mediator.core.inputs import CaseInput, PartyInput
from mediator.sync.importer import IMPORTED
from mediator.sync.payload import columns, tables

from .conftest import TODAY, synced_rows
from .hostile import as_version_1, payload_of, seal

REFERRAL_COLUMNS = ["referral_kind", "referral_body", "referral_no", "referral_on",
                    "referral_feedback_on", "referral_result"]


def referred_case(office) -> str:  # type: ignore[no-untyped-def]
    return office.svc.register_case(CaseInput(
        parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
        dispute_type=DisputeType.CONTRACT, facts="法院诉前委派的买卖合同纠纷",
        registered_on=TODAY - timedelta(days=2), referral_kind=ReferralKind.PRE_SUIT,
        referral_body="青石县人民法院", referral_no="（2026）浙0106民诉前调5号",
        referral_on=TODAY - timedelta(days=3))).case_id


def test_the_referral_record_travels_upward(net) -> None:  # type: ignore[no-untyped-def]
    assert list(columns(2)["dispute_case"][-6:]) == REFERRAL_COLUMNS
    assert not set(REFERRAL_COLUMNS) & set(columns(1)["dispute_case"])
    case_id = referred_case(net.t1)
    report = net.t1.export(net.stick)
    (rep,) = net.county.sync.import_files([report.path])
    assert rep.status == IMPORTED
    assert synced_rows(net.county.db.path, net.t1.code) == synced_rows(net.t1.db.path, net.t1.code)
    row = net.county.svc.find_case(case_id)
    assert (row.source, row.referral_kind, row.referral_body, row.referral_no, row.referral_on) == (
        "COURT", "PRE_SUIT", "青石县人民法院", "（2026）浙0106民诉前调5号", TODAY - timedelta(days=3))


def test_a_version_1_package_gives_no_regime(net, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case_id = referred_case(net.t1)
    v1 = as_version_1(payload_of(net.t1, tmp_path / "v2.sqlite"), tmp_path / "v1.sqlite")
    con = sqlite3.connect(v1)
    counts = {tb: con.execute(f"SELECT count(*) FROM {tb}").fetchone()[0] for tb in tables(1)}
    con.close()
    package = seal(net.t1, net.county, v1, tmp_path / "v1.mdsync", counts=counts,
                   header={"schema_version": 1})
    (rep,) = net.county.sync.import_files([package])
    assert rep.status == IMPORTED, rep.message
    row = net.county.svc.find_case(case_id)
    assert (row.source, row.referral_kind, row.referral_body) == ("COURT", None, None)
