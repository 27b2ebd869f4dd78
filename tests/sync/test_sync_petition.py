"""Petition records travel upward (payload version 2, issue 25), and a version-1 package,
which has no petition table, is still read."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from mediator.core.enums import CaseSource, DisputeType, PartyRole, PetitionChannel
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.petition import PetitionInput
from mediator.sync.importer import IMPORTED
from mediator.sync.payload import PAYLOAD_APP_ID, PAYLOAD_VERSION, columns, ddl, tables

from .conftest import TODAY, synced_rows
from .hostile import payload_of, seal


def petition_case(office) -> str:  # type: ignore[no-untyped-def]
    case_id = office.svc.register_case(CaseInput(
        parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
        dispute_type=DisputeType.LABOUR, facts="县信访局转来的欠薪纠纷",
        source=CaseSource.PETITION, registered_on=TODAY - timedelta(days=4),
        petition_received_on=TODAY - timedelta(days=4),
        petition_channel=PetitionChannel.VISIT)).case_id
    office.svc.record_petition(case_id, PetitionInput(
        received_on=TODAY - timedelta(days=4), petition_no="县信转〔2026〕3号",
        from_body="县信访局", assigned=True, first_handler="李所长", collective=True,
        persons=8, representatives=3))
    office.svc.petition_notice(case_id)
    return case_id


def test_petition_records_travel_upward(net) -> None:  # type: ignore[no-untyped-def]
    assert PAYLOAD_VERSION == 2 and "petition" in tables(2) and "petition" not in tables(1)
    case_id = petition_case(net.t1)
    report = net.t1.export(net.stick)
    assert report.counts["petition"] == 1
    (rep,) = net.county.sync.import_files([report.path])
    assert rep.status == IMPORTED
    assert rep.tables["petition"].new == 1
    assert synced_rows(net.county.db.path, net.t1.code) == synced_rows(net.t1.db.path, net.t1.code)
    cf = net.county.svc.case_file(case_id)
    assert (cf.read_only, cf.petition.petition_no, cf.petition.accepted_on, cf.petition.persons) == (
        True, "县信转〔2026〕3号", TODAY, 8)
    # the county sees the petition's own clock (the mediation is not accepted yet)
    assert [(d.kind.name, d.due) for d in cf.deadlines] == [
        ("PETITION_COMPLETE", TODAY + timedelta(days=60))]


def test_a_version_1_package_is_still_read(net, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """As an office not yet upgraded writes it: the version-1 tables only."""
    ids = net.t1.register(2)
    payload = payload_of(net.t1, tmp_path / "v2.sqlite")
    v1 = tmp_path / "v1.sqlite"
    con = sqlite3.connect(v1, isolation_level=None)
    con.executescript("BEGIN;" + ddl(1) + f"\nPRAGMA application_id={PAYLOAD_APP_ID};"
                      "\nPRAGMA user_version=1;\nCOMMIT;")
    con.execute("ATTACH ? AS src", (str(payload),))
    counts = {}
    for table in tables(1):
        cols = ", ".join(columns(1)[table])
        counts[table] = con.execute(f"INSERT INTO main.{table} ({cols}) "
                                    f"SELECT {cols} FROM src.{table}").rowcount
    con.execute("DETACH src")
    con.close()
    payload = v1
    package = seal(net.t1, net.county, payload, tmp_path / "v1.mdsync", counts=counts,
                   header={"schema_version": 1})
    (rep,) = net.county.sync.import_files([package])
    assert rep.status == IMPORTED, rep.message
    assert rep.tables["dispute_case"].new == 2 and "petition" not in rep.tables
    assert {net.county.svc.case_file(i).petition for i in ids} == {None}
