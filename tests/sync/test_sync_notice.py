"""通报 (issue 22): the county's figures per township for a period, ranked on the measures it
chose, travel down with the downward package and are shown and exported at the township."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta

import pytest

from mediator.core.enums import AgreementForm, DisputeType, PartyRole
from mediator.core.errors import DomainError, ValidationError
from mediator.core.inputs import AgreementInput, CaseInput, PartyInput
from mediator.core.notice import rank
from mediator.reports.notice import NoticeService, render
from mediator.reports.periods import month_period
from mediator.sync import errors as E
from mediator.sync.importer import ALREADY, IMPORTED

from .conftest import TODAY, logical_dump

NOVEMBER = month_period(2026, 11)


def _case(facts: str, on: date) -> CaseInput:
    return CaseInput(parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
                     dispute_type=DisputeType.NEIGHBOUR, facts=facts, registered_on=on)


def _oral(office, facts: str) -> str:  # type: ignore[no-untyped-def]
    on = TODAY - timedelta(days=4)
    return office.svc.quick_oral_case(_case(facts, on), AgreementInput(
        AgreementForm.ORAL, on, "当场清理", performed_now=True), on=on).case_id


@pytest.fixture
def work(net):  # type: ignore[no-untyped-def]
    """青石镇: two cases registered in November (one accepted), one oral agreement, and one
    accepted on 1 October and still open (逾期); the other township: one case registered and
    one oral agreement. Both packages imported at the county."""
    t1 = net.t1
    nov = t1.register(2)[0]
    first = t1.svc.register_case(_case("十月受理未结", date(2026, 10, 1))).case_id
    t1.svc.accept_case(first, on=date(2026, 10, 1))
    t1.svc.accept_case(nov, on=TODAY - timedelta(days=5))
    _oral(t1, "占道堆放柴草")
    net.t2.register(1)
    _oral(net.t2, "鸡鸭毁坏菜地")
    net.county.sync.import_files([t1.export(net.stick).path, net.t2.export(net.stick).path])
    # 督办 issued on 1 November: 青石镇's due on the 10th (past due at the period's end),
    # the other township's due on the 30th (not yet)
    from mediator.core.services import Services
    from mediator.core.supervision import SupervisionService

    earlier = SupervisionService(Services(net.county.db, operator="县操作员",
                                          today=lambda: date(2026, 11, 1)))
    earlier.supervise(first, "久拖不决，请尽快化解", date(2026, 11, 10))
    other = net.t2.svc.list_cases().rows[0].id
    earlier.supervise(other, "请按时办结", date(2026, 11, 30))
    return NoticeService(net.county.svc)


def test_notice_end_to_end(net, work) -> None:
    ids = work.issue(NOVEMBER, "success_rate,overdue,visit_rate")
    assert len(ids) == 2
    county_rows = {r.code: r for r in work.held()[0].rows}
    t1, t2 = county_rows[net.t1.code], county_rows[net.t2.code]
    assert t1.counts == {"registered": 3, "accepted": 2, "concluded": 1, "success": 1,
                         "overdue": 1, "followups_due": 0, "followups_done": 0,
                         "supervision_overdue": 1}
    assert t2.counts == {"registered": 2, "accepted": 1, "concluded": 1, "success": 1,
                         "overdue": 0, "followups_due": 0, "followups_done": 0,
                         "supervision_overdue": 0}
    assert (t1.rates, t2.rates) == ({"success_rate": 0.5, "visit_rate": None},
                                    {"success_rate": 1.0, "visit_rate": None})
    # the higher success rate ranks first, the fewer overdue cases ranks first; no 回访 due:
    # not ranked
    assert t1.ranks == {"success_rate": 2, "overdue": 2, "visit_rate": None}
    assert t2.ranks == {"success_rate": 1, "overdue": 1, "visit_rate": None}
    r1, r2 = net.county.sync.export_down([net.t1.code, net.t2.code], output=net.stick)
    assert r1.counts == {"supervision": 1, "sync_receipt": 1, "notice": 1}
    [rep] = net.t1.sync.import_files([r1.path])
    assert (rep.status, rep.exit_code) == (IMPORTED, E.OK)
    got = NoticeService(net.t1.svc).latest()
    assert got is not None and (got.period_label, got.target_code) == ("2026-11", net.t1.code)
    own = got.own_row()
    assert own is not None and (own.counts["overdue"], own.ranks["success_rate"]) == (1, 2)
    assert [r.code for r in got.rows] == [net.t1.code, net.t2.code]
    md = render(got, "md").splitlines()
    assert md[0] == "# 2026-11 各乡镇人民调解工作通报"
    assert md[4] == ("| 乡镇 | 登记 | 受理 | 调结 | 调解成功 | 调解成功率 | 逾期未结 | 应回访 | "
                     "已回访 | 回访率 | 督办逾期 | 调解成功率排名 | 逾期未结数排名 | 回访率排名 |")
    assert md[6:] == [
        "| 青石镇人民调解委员会 | 3 | 2 | 1 | 1 | 50.0% | 1 | 0 | 0 | — | 1 | 2 | 2 | — |",
        "| 清溪乡人民调解委员会 | 2 | 1 | 1 | 1 | 100.0% | 0 | 0 | 0 | — | 0 | 1 | 1 | — |"]
    data = json.loads(render(got, "json"))
    assert data["rows"][1]["ranks"] == {"success_rate": 1, "overdue": 1, "visit_rate": None}
    audit = sqlite3.connect(f"file:{net.t1.db.path}?mode=ro", uri=True).execute(
        "SELECT action FROM audit_log WHERE entity = 'notice'").fetchall()
    assert audit == [("notice.received",)]
    # re-import changes nothing
    dump = logical_dump(net.t1.db.path)
    [again] = net.t1.sync.import_files([r1.path])
    assert again.status == ALREADY
    assert logical_dump(net.t1.db.path) == dump
    # re-issued with other measures: the same row, a new revision, replaces the held one
    assert work.issue(NOVEMBER, "supervision_overdue,overdue") == ids
    [r1b] = net.county.sync.export_down([net.t1.code], output=net.stick / "b")
    [rep2] = net.t1.sync.import_files([r1b.path])
    assert rep2.status == IMPORTED
    newer = NoticeService(net.t1.svc).held()
    assert len(newer) == 1 and newer[0].measures == ("supervision_overdue", "overdue")
    assert newer[0].own_row().ranks == {"supervision_overdue": 2, "overdue": 2}  # type: ignore[union-attr]


def test_notice_inputs_refused(net, work) -> None:
    with pytest.raises(ValidationError) as exc:
        work.issue(NOVEMBER, "success_rate,speed")
    assert exc.value.message == ("排名指标“speed”不认识，可选：success_rate、overdue、visit_rate、"
                                 "supervision_overdue")
    with pytest.raises(DomainError) as none:
        NoticeService(net.t1.svc).find(None)
    assert none.value.message == "还没有通报"


def test_rank_ties_share_a_place() -> None:
    assert rank({"a": 0.5, "b": 0.9, "c": 0.5, "d": None, "e": 0.1}, True) == {
        "a": 2, "b": 1, "c": 2, "d": None, "e": 4}
    assert rank({"a": 3, "b": 0, "c": 0}, False) == {"a": 3, "b": 1, "c": 1}


def test_upgrade_adds_the_notice_table(net) -> None:
    from schema_history import rewind_before

    from mediator.core.db import LATEST_VERSION

    ids = net.t1.register(1)
    path = net.t1.db.path
    net.t1.db.close()
    con = sqlite3.connect(path)
    try:
        rewind_before(con, "notice")
        con.commit()
        assert con.execute("SELECT name FROM sqlite_master WHERE name = 'notice'").fetchall() \
            == []
    finally:
        con.close()
    net.t1.reopen()
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA user_version").fetchall() == [(LATEST_VERSION,)]
        assert con.execute("SELECT count(*) FROM notice").fetchall() == [(0,)]
        assert con.execute("SELECT id FROM dispute_case").fetchall() == [(ids[0],)]
    finally:
        con.close()
