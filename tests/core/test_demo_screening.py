"""The demo's 排查 (issue 24): a year of rounds in every village, nil returns, items of every
disposition, 排查发现 cases linked to their items, and a 激化风险 event behind every 防止 claim."""

from __future__ import annotations

from datetime import date

from mediator.core.db import open_database
from mediator.core.screening import Screening
from mediator.core.services import Services
from mediator.demo import generate

TODAY = date(2026, 11, 23)


def test_the_demo_screens_and_evidences_its_claims(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with open_database(tmp_path / "demo.db") as db:
        generate(db, cases=600, seed=5, today=TODAY, parallel=False)
        con = db.engine.raw_connection().driver_connection
        one = lambda sql: con.execute(sql).fetchone()[0]
        villages = one("SELECT count(*) FROM village WHERE deleted = 0")
        # every village screened about twice a month for a year
        assert one("SELECT count(DISTINCT village_code) FROM screening_round "
                   "WHERE level = 'VILLAGE'") == villages
        per_village = one("SELECT min(n) FROM (SELECT count(*) AS n FROM screening_round "
                          "WHERE level = 'VILLAGE' GROUP BY village_code)")
        assert 22 <= per_village <= 26
        assert one("SELECT count(*) FROM screening_round WHERE level = 'TOWNSHIP'") == 12
        assert one("SELECT count(*) FROM screening_round WHERE nil_return = 1") > 0
        assert {r[0] for r in con.execute("SELECT DISTINCT disposition FROM screening_item")} == {
            "RESOLVED", "PREVENTED", "TRANSFERRED", "WATCHING", "CASE"}
        # a nil return found nothing
        assert one("SELECT count(*) FROM screening_item i JOIN screening_round r "
                   "ON r.id = i.round_id WHERE r.nil_return = 1") == 0
        # every 防止 the demo claims has its event, claiming the same
        assert one("SELECT count(*) FROM dispute_case c WHERE (c.prevented_criminal = 1 "
                   "AND NOT EXISTS (SELECT 1 FROM risk_event k WHERE k.case_id = c.id "
                   "AND instr(k.prevented, 'CRIMINAL') > 0)) OR (c.prevented_petition = 1 "
                   "AND NOT EXISTS (SELECT 1 FROM risk_event k WHERE k.case_id = c.id "
                   "AND instr(k.prevented, 'PETITION') > 0))") == 0
        case_id = one("SELECT case_id FROM screening_item WHERE case_id IS NOT NULL LIMIT 1")
        linked = Screening(Services(db, "王调解", today=lambda: TODAY)).item_for_case(case_id)
        assert linked is not None and linked[1].case_id == case_id
