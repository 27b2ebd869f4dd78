"""排查 rounds and items (issue 24, point 1): recorded, disposed, turned into cases, due."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from schema_history import rewind_before
from sqlmodel import select

from mediator.core.db import open_database
from mediator.core.enums import (
    CaseSource,
    CaseState,
    Disposition,
    DisputeType,
    RiskGrade,
    ScreeningLevel,
)
from mediator.core.errors import DomainError, ValidationError
from mediator.core.models import CaseEvent, ScreeningItem, ScreeningRound
from mediator.core.screening import ItemInput, RoundInput, Screening, week_label
from mediator.core.services import Services
from mediator.i18n import t

TODAY = date(2026, 11, 23)
EAST, WEST = "330106001001", "330106001002"


@pytest.fixture
def scr(svc):  # type: ignore[no-untyped-def]
    svc.add_village(EAST, "东村")
    svc.add_village(WEST, "西村")
    return Screening(svc)


def test_a_nil_round_is_recorded_and_takes_no_items(scr) -> None:  # type: ignore[no-untyped-def]
    row = scr.add_nil_round(EAST, TODAY - timedelta(days=2))
    assert (row.held_on, row.level, row.village_code, row.village_name, row.nil_return,
            row.screened_by, row.items, row.week) == (
        date(2026, 11, 21), "VILLAGE", EAST, "东村", True, "王调解", 0, "2026-W47")
    with pytest.raises(DomainError) as err:
        scr.add_item(row.id, ItemInput(DisputeType.NEIGHBOUR, "滴水纠纷"))
    assert str(err.value) == t("scr.nil_round_no_items")
    with scr.db.read() as s:
        assert s.exec(select(ScreeningItem)).all() == []


def test_the_same_round_twice_is_refused(scr) -> None:  # type: ignore[no-untyped-def]
    scr.add_nil_round(EAST, TODAY)
    with pytest.raises(DomainError) as err:
        scr.add_nil_round(EAST, TODAY)
    assert str(err.value) == t("scr.round_exists", date="2026-11-23", place="东村")
    # another village the same day, or the same village the next day, is a new round
    scr.add_nil_round(WEST, TODAY)
    with scr.db.read() as s:
        assert len(s.exec(select(ScreeningRound)).all()) == 2


def test_bad_rounds_are_refused_with_nothing_written(scr) -> None:  # type: ignore[no-untyped-def]
    cases = [
        (RoundInput(village_code=None), "scr.village_required", {}),
        (RoundInput(village_code="330106001099"), "scr.village_unknown", {"code": "330106001099"}),
        (RoundInput(village_code=EAST, held_on=TODAY + timedelta(days=1)), "scr.date_future",
         {"date": "2026-11-24"}),
        (RoundInput(level=ScreeningLevel.SPECIAL), "scr.special_needs_focus", {}),
    ]
    for data, key, kw in cases:
        with pytest.raises(ValidationError) as err:
            scr.add_round(data)
        assert str(err.value) == t(key, **kw)
    with scr.db.read() as s:
        assert s.exec(select(ScreeningRound)).all() == []


def test_items_and_each_disposition(scr) -> None:  # type: ignore[no-untyped-def]
    rnd = scr.add_round(RoundInput(village_code=EAST, held_on=TODAY - timedelta(days=5),
                                   screened_by="李网格", focus="宅基地、外出务工返乡"))
    found = [scr.add_item(rnd.id, ItemInput(DisputeType.NEIGHBOUR, f"事项{i}", persons_involved=2))
             for i in range(4)]
    assert (found[0].found_on, found[0].village_code, found[0].disposition) == (
        date(2026, 11, 18), EAST, None)
    scr.dispose_item(found[0].id, Disposition.RESOLVED, "当场说和")
    with pytest.raises(ValidationError) as err:
        scr.dispose_item(found[1].id, Disposition.PREVENTED, "")
    assert str(err.value) == t("scr.prevented_needs_how")
    scr.dispose_item(found[1].id, Disposition.PREVENTED, "提前约谈双方，划清界址")
    with pytest.raises(ValidationError) as err:
        scr.dispose_item(found[2].id, Disposition.TRANSFERRED)
    assert str(err.value) == t("scr.transfer_needs_whom")
    scr.dispose_item(found[2].id, Disposition.TRANSFERRED, "镇国土所", on=TODAY - timedelta(days=1))
    scr.dispose_item(found[3].id, Disposition.WATCHING)
    with pytest.raises(DomainError):
        scr.dispose_item(found[3].id, Disposition.CASE)
    detail = scr.round_detail(rnd.id)
    assert [(i.summary, i.disposition, i.disposed_on, i.disposition_note) for i in detail.items] == [
        ("事项0", "RESOLVED", TODAY, "当场说和"),
        ("事项1", "PREVENTED", TODAY, "提前约谈双方，划清界址"),
        ("事项2", "TRANSFERRED", date(2026, 11, 22), "镇国土所"),
        ("事项3", "WATCHING", TODAY, ""),
    ]
    # 持续关注 still counts as open
    assert (detail.round.items, detail.round.open_items) == (4, 1)
    listed = scr.rounds(village_code=EAST)
    assert [(r.id, r.items, r.open_items, r.screened_by) for r in listed] == [
        (rnd.id, 4, 1, "李网格")]


def test_item_to_case_registers_and_links_both_ways(scr, svc) -> None:  # type: ignore[no-untyped-def]
    rnd = scr.add_round(RoundInput(village_code=WEST, held_on=TODAY - timedelta(days=3)))
    item = scr.add_item(rnd.id, ItemInput(
        DisputeType.HOUSE_HOMESTEAD, "两户为宅基地界址争执，有动手苗头", people="王某、赵某",
        persons_involved=5, risk_grade=RiskGrade.MAJOR, responsible_person="陈主任",
        stabilising_measures="每日走访", resolve_by=TODAY + timedelta(days=10)))
    with pytest.raises(ValidationError) as err:
        scr.item_to_case(item.id, " ")
    assert str(err.value) == t("scr.applicant_required")
    done, result = scr.item_to_case(item.id, "王五", "赵六")
    case = svc.find_case(result.case_id)
    assert (case.source, case.state, case.dispute_type, case.village_code, case.facts,
            case.persons_involved, case.risk_grade, case.responsible_person,
            case.stabilising_measures, case.resolve_by, case.registered_on) == (
        CaseSource.SCREENING.name, CaseState.REGISTERED.name, "HOUSE_HOMESTEAD", WEST,
        "两户为宅基地界址争执，有动手苗头", 5, "MAJOR", "陈主任", "每日走访",
        date(2026, 12, 3), TODAY)
    assert (done.disposition, done.case_id, done.case_no) == ("CASE", case.id, case.case_no)
    back = scr.item_for_case(case.id)
    assert back is not None and (back[0].id, back[1].id) == (rnd.id, item.id)
    with svc.db.read() as s:
        notes = [e.summary for e in s.exec(select(CaseEvent).where(
            CaseEvent.case_id == case.id, CaseEvent.kind == "NOTE")).all()]
    assert notes == [t("scr.ev.from_item", date="2026-11-20", place="西村")]
    with pytest.raises(DomainError) as derr:
        scr.dispose_item(item.id, Disposition.RESOLVED)
    assert str(derr.value) == t("scr.item_is_case")
    with pytest.raises(DomainError):
        scr.delete_round(rnd.id, "录错")


def test_due_follows_the_rhythm_and_the_sensitive_period(scr) -> None:  # type: ignore[no-untyped-def]
    # 东村 screened 14 days ago (due tomorrow), 西村 never; the township never
    scr.add_nil_round(EAST, TODAY - timedelta(days=14))
    due = scr.due()
    assert [(d.level, d.code, d.last_on, d.due_on) for d in due] == [
        ("TOWNSHIP", "330106001", None, TODAY), ("VILLAGE", WEST, None, TODAY)]
    assert [(d.code, d.due_on) for d in scr.due(days=7)] == [
        ("330106001", TODAY), (WEST, TODAY), (EAST, date(2026, 11, 24))]
    scr.add_round(RoundInput(level=ScreeningLevel.TOWNSHIP, held_on=TODAY - timedelta(days=20),
                             focus="月度排查"))
    assert [d.code for d in scr.due()] == [WEST]
    # a 敏感期 makes it weekly: 东村 (14 days) and the township (20 days) are overdue
    rhythm = scr.set_rhythm(sensitive_from="2026-11-20", sensitive_to="2026-12-10")
    assert (rhythm.sensitive_from, rhythm.sensitive_to, rhythm.days(ScreeningLevel.VILLAGE, TODAY)) == (
        date(2026, 11, 20), date(2026, 12, 10), 7)
    assert [(d.code, d.due_on) for d in scr.due()] == [
        ("330106001", date(2026, 11, 10)), (EAST, date(2026, 11, 16)), (WEST, TODAY)]
    with pytest.raises(ValidationError) as err:
        scr.set_rhythm(village_days=0)
    assert str(err.value) == t("scr.rhythm_range")
    assert scr.set_rhythm(village_days=10, sensitive_from="", sensitive_to="").village_days == 10


def test_delete_round_tombstones_it_and_its_items(scr) -> None:  # type: ignore[no-untyped-def]
    rnd = scr.add_round(RoundInput(village_code=EAST, held_on=TODAY))
    scr.add_item(rnd.id, ItemInput(DisputeType.OTHER, "噪音"))
    with pytest.raises(ValidationError):
        scr.delete_round(rnd.id, "")
    scr.delete_round(rnd.id, "录错了村")
    assert scr.rounds() == []
    with scr.db.read() as s:
        assert [(r.deleted, r.revision) for r in s.exec(select(ScreeningItem)).all()] == [(True, 2)]


def test_week_label_follows_iso_weeks() -> None:
    assert (week_label(date(2026, 12, 28)), week_label(date(2027, 1, 3)),
            week_label(date(2025, 12, 29))) == ("2026-W53", "2026-W53", "2026-W01")


def test_upgrade_adds_the_screening_tables_and_keeps_the_data(db_path, svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "screening")
    con.commit()
    assert con.execute("SELECT count(*) FROM sqlite_master WHERE name LIKE 'screening%'").fetchone() == (0,)
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=lambda: TODAY)
        assert again.find_case(case.id).case_no == case.case_no
        again.add_village(EAST, "东村")
        assert Screening(again).add_nil_round(EAST).nil_return is True
