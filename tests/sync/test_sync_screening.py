"""排查, 激化风险 and the structured 回访 travel upward (payload version 2, issue 24); the
county's figures add its townships up; a version-1 package is still read."""

from __future__ import annotations

from datetime import date

from mediator.core.enums import Disposition, DisputeType, Prevention
from mediator.core.risk import RiskInput, Risks
from mediator.core.screening import ItemInput, RoundInput, Screening
from mediator.reports.periods import month_period
from mediator.reports.stats import screening_figures
from mediator.sync import payload as pl
from mediator.sync.importer import IMPORTED

from .conftest import synced_rows

NOV = month_period(2026, 11)


def _screen(town, village: str, name: str, found: int) -> None:  # type: ignore[no-untyped-def]
    town.svc.add_village(village, name)
    scr = Screening(town.svc)
    scr.add_nil_round(village, date(2026, 11, 2))
    rnd = scr.add_round(RoundInput(village_code=village, held_on=date(2026, 11, 16)))
    for i in range(found):
        item = scr.add_item(rnd.id, ItemInput(DisputeType.NEIGHBOUR, f"事项{i}", persons_involved=2))
        scr.dispose_item(item.id, Disposition.PREVENTED, "约谈", on=date(2026, 11, 17))
    Risks(town.svc).record(RiskInput("扬言报复", "劝阻", item_id=item.id,
                                     occurred_on=date(2026, 11, 17), reported_to="派出所",
                                     outcome="平息", prevented=[Prevention.FIGHT],
                                     prevented_persons=6))


def test_screening_travels_and_the_county_adds_up(net) -> None:  # type: ignore[no-untyped-def]
    _screen(net.t1, "330106001001", "东村", 2)
    _screen(net.t2, "330106002001", "南村", 3)
    r1, r2 = net.t1.export(net.stick), net.t2.export(net.stick)
    assert (r1.counts["screening_round"], r1.counts["screening_item"], r1.counts["risk_event"]) == (
        2, 2, 1)
    reports = net.county.sync.import_files([r1.path, r2.path])
    assert [r.status for r in reports] == [IMPORTED, IMPORTED]
    for town in (net.t1, net.t2):
        assert synced_rows(net.county.db.path, town.code) == synced_rows(town.db.path, town.code)
    county = screening_figures(net.county.db, NOV, ["330106"])
    assert (county["screening_rounds"], county["screening_nil_rounds"], county["screening_found"],
            county["screening_prevented"], county["prevented_fight_events"],
            county["prevented_fight_events_persons"]) == (4, 2, 5, 5, 2, 12)
    assert screening_figures(net.county.db, NOV, ["330106002"])["screening_found"] == 3


def test_a_version_1_package_is_still_read(net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ids = net.t1.register(2)
    fu_case = ids[0]
    net.t1.svc.accept_case(fu_case)
    net.t1.svc.schedule_follow_up(fu_case, date(2026, 11, 25), note="节前回访")
    # what mediator before payload version 2 wrote: the version-1 schema and tables
    v1_tables = pl.TABLES[:9]
    ddl, columns = pl.ddl, pl.columns
    monkeypatch.setattr(pl, "PAYLOAD_VERSION", 1)
    monkeypatch.setattr(pl, "TABLES", v1_tables)
    monkeypatch.setattr(pl, "ddl", lambda version=1: ddl(version))
    monkeypatch.setattr(pl, "columns", lambda version=1: columns(version))
    old = net.t1.export(net.stick)
    monkeypatch.undo()
    assert set(old.counts) == set(v1_tables)
    [report] = net.county.sync.import_files([old.path])
    assert report.status == IMPORTED, report.message if hasattr(report, "message") else report
    with net.county.db.read() as s:
        from sqlalchemy import text

        rows = s.exec(text(  # type: ignore[call-overload]
            "SELECT note, performance, satisfaction, new_signs, measures FROM follow_up")).all()
    assert [tuple(r) for r in rows] == [("节前回访", "", None, "", "")]
