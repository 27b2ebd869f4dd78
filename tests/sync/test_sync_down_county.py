"""The county's 交办 of its own case, 登记 and 交办 in one step, and 督办 of several cases at once
(issue 22): each one service call, one transaction, every item audited; what a township receives
and how the county's 督办台账 links its own record to the township's case."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from mediator.core.enums import DisputeType, PartyRole
from mediator.core.errors import NotFoundError, ValidationError
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.supervision import SIGNED, UNSIGNED, SupervisionService, can_assign_from
from mediator.i18n import t
from mediator.sync.importer import IMPORTED

from .conftest import TODAY, logical_dump


def _rows(path, sql, params=()):  # type: ignore[no-untyped-def]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _petition() -> CaseInput:
    return CaseInput(parties=[PartyInput("王五", phone="13812345678"),
                              PartyInput("赵六", role=PartyRole.RESPONDENT)],
                     dispute_type=DisputeType.FOREST_LAND, facts="信访转交：承包地边界争议",
                     requests="确认地界")


def test_can_assign_from() -> None:
    assert [can_assign_from(c) for c in ("3301", "330106", "330106000", "330106001", "x")] == [
        True, True, True, False, False]


def test_supervise_many_is_one_transaction_each_audited(net) -> None:
    a = net.t1.register(2)
    b = net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    due = TODAY + timedelta(days=7)
    # one case the county cannot supervise (its own): nothing at all is written
    [own] = net.county.register(1)
    dump = logical_dump(net.county.db.path)
    with pytest.raises(ValidationError) as err:
        sup.supervise_many([a[0], own, b[0]], "逾期未结，请七日内化解", due)
    assert err.value.message == t("supervision.not_below", code=net.county.code,
                                  own=net.county.code)
    with pytest.raises(NotFoundError):
        sup.supervise_many([a[0], "no-such-case"], "逾期未结，请七日内化解", due)
    with pytest.raises(ValidationError) as err:
        sup.supervise_many([], "逾期未结，请七日内化解", due)
    assert err.value.message == t("supervision.none_chosen")
    with pytest.raises(ValidationError) as err:
        sup.supervise_many([a[0]], " ", due)
    assert err.value.message == t("supervision.instruction_required")
    assert logical_dump(net.county.db.path) == dump
    # all three townships' cases (one repeated): three items, three audit entries
    ids = sup.supervise_many([a[0], a[1], b[0], a[0]], "逾期未结，请七日内化解", due, "李副县长")
    assert len(ids) == 3
    items = {i.id: i for i in sup.items()}
    assert [(items[i].kind, items[i].local_case_id, items[i].target_code, items[i].leader,
             items[i].due_on) for i in ids] == [
        ("SUPERVISE", a[0], net.t1.code, "李副县长", due),
        ("SUPERVISE", a[1], net.t1.code, "李副县长", due),
        ("SUPERVISE", b[0], net.t2.code, "李副县长", due)]
    audited = _rows(net.county.db.path, "SELECT action, entity_id FROM audit_log WHERE "
                    "entity = 'supervision' ORDER BY seq")
    assert audited == [("supervision.supervise", i) for i in ids]
    # each township receives its own
    r1, r2 = net.county.sync.export_down([net.t1.code, net.t2.code], output=net.stick)
    assert (r1.counts["supervision"], r2.counts["supervision"]) == (2, 1)


def test_the_county_assigns_its_own_case(net) -> None:
    net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    own = net.county.svc.register_case(_petition())
    sup = SupervisionService(net.county.svc)
    due = TODAY + timedelta(days=30)
    with pytest.raises(ValidationError) as err:
        sup.assign_case(own.case_id, "330107001", "请依法调处", due)
    assert err.value.message == t("supervision.not_below", code="330107001",
                                  own=net.county.code)
    item = sup.assign_case(own.case_no, net.t1.code, "请依法调处", due, "王主任")
    # a second 交办 of the same case is refused
    with pytest.raises(ValidationError) as err:
        sup.assign_case(own.case_id, net.t2.code, "请依法调处", due)
    assert err.value.message == t("supervision.already_assigned", case=own.case_no,
                                  code=net.t1.code)
    [held] = sup.items()
    assert (held.id, held.kind, held.target_code, held.county_ref, held.local_case_id,
            held.leader) == (item, "ASSIGN", net.t1.code, own.case_no, own.case_id, "王主任")
    # the county's case file shows the item, the township's case not yet known
    [shown] = net.county.svc.case_file(own.case_id).supervision
    assert (shown.id, shown.target_name, shown.township_case_id) == (
        item, "青石镇人民调解委员会", None)
    assert _rows(net.county.db.path, "SELECT action, entity_id FROM audit_log WHERE "
                 "entity = 'supervision'") == [("supervision.assign", item)]
    # the township receives the case with the county's parties, type, facts and requests
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick)
    [rep] = net.t1.sync.import_files([pkg.path])
    assert rep.status == IMPORTED
    [got] = SupervisionService(net.t1.svc).items()
    assert got.county_ref == own.case_no and got.local_case_id is not None
    [(owner, kind, facts, requests, source)] = _rows(
        net.t1.db.path, "SELECT owner_code, dispute_type, facts, requests, source FROM "
        "dispute_case WHERE id = ?", (got.local_case_id,))
    assert (owner, kind, facts, requests, source) == (
        net.t1.code, "FOREST_LAND", "信访转交：承包地边界争议", "确认地界", "GOVERNMENT")
    parties = _rows(net.t1.db.path, "SELECT name, role, phone FROM party WHERE case_id = ? "
                    "ORDER BY position", (got.local_case_id,))
    assert parties == [("王五", "APPLICANT", "13812345678"), ("赵六", "RESPONDENT", None)]
    # the 台账 names no township case until the township answers; then the township's
    ledger = {r.item.id: r for r in sup.ledger()}
    assert (ledger[item].status, ledger[item].item.case_no) == (UNSIGNED, None)
    SupervisionService(net.t1.svc).acknowledge(got.id)
    net.county.sync.import_files([net.t1.export(net.stick / "up2").path])
    [(township_no,)] = _rows(net.t1.db.path, "SELECT case_no FROM dispute_case WHERE id = ?",
                             (got.local_case_id,))
    ledger = {r.item.id: r for r in sup.ledger()}
    assert (ledger[item].status, ledger[item].item.case_no,
            ledger[item].item.county_ref) == (SIGNED, township_no, own.case_no)
    # the county's own case links to the township's once the answer came up
    [linked] = net.county.svc.case_file(own.case_id).supervision
    assert (linked.target_name, linked.township_case_id, linked.township_case_no) == (
        "青石镇人民调解委员会", got.local_case_id, township_no)


def test_a_township_case_cannot_be_assigned(net) -> None:
    [case_id] = net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    [(case_no,)] = _rows(net.county.db.path, "SELECT case_no FROM dispute_case WHERE id = ?",
                         (case_id,))
    with pytest.raises(ValidationError) as err:
        sup.assign_case(case_id, net.t2.code, "请依法调处", TODAY + timedelta(days=3))
    assert err.value.message == t("supervision.assign_not_own", case=case_no)
    assert sup.items() == []


def test_register_and_assign_in_one_transaction(net) -> None:
    net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    dump = logical_dump(net.county.db.path)
    # a deadline already past: neither the case nor the item is written
    with pytest.raises(ValidationError) as err:
        sup.register_and_assign(net.t1.code, _petition(), "请依法调处",
                                TODAY - timedelta(days=1))
    assert err.value.message == t("supervision.due_past",
                                  day=(TODAY - timedelta(days=1)).isoformat())
    with pytest.raises(ValidationError):
        sup.register_and_assign("330107001", _petition(), "请依法调处", TODAY)
    assert logical_dump(net.county.db.path) == dump
    case_id, case_no, item = sup.register_and_assign(net.t1.code, _petition(), "请依法调处",
                                                     TODAY + timedelta(days=15), "王主任")
    [(owner, facts)] = _rows(net.county.db.path, "SELECT owner_code, facts FROM dispute_case "
                             "WHERE id = ?", (case_id,))
    assert (owner, facts) == (net.county.code, "信访转交：承包地边界争议")
    [held] = sup.items()
    assert (held.id, held.kind, held.county_ref, held.local_case_id, held.target_code) == (
        item, "ASSIGN", case_no, case_id, net.t1.code)
    assert _rows(net.county.db.path, "SELECT action, entity_id FROM audit_log WHERE action IN "
                 "('case.register', 'supervision.assign') ORDER BY seq") == [
        ("case.register", case_id), ("supervision.assign", item)]


def test_the_ledger_page_filters_and_pages_in_sql_as_the_ledger_says(net) -> None:
    """ledger_page's status (worked out in SQL) is the ledger's, on any day; the filter by
    status and township and the paging give the ledger's rows in its order."""
    from mediator.core.supervision import (
        FINISHED,
        OVERDUE,
        RETURNED,
        STATUSES,
        WORKING,
    )

    a = net.t1.register(3)
    b = net.t2.register(2)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    s = [sup.supervise(c, "请化解", TODAY + timedelta(days=d))
         for c, d in ((a[0], 3), (a[1], 10), (a[2], 20), (b[0], 5), (b[1], 30))]
    j = sup.assign(net.t2.code, _petition(), "请依法调处", TODAY + timedelta(days=8))
    r1, r2 = net.county.sync.export_down([net.t1.code, net.t2.code], output=net.stick)
    net.t1.sync.import_files([r1.path])
    net.t2.sync.import_files([r2.path])
    t1, t2 = SupervisionService(net.t1.svc), SupervisionService(net.t2.svc)
    t1.acknowledge(s[0])
    t1.report_progress(s[1], "已约谈")
    t1.finish(s[2], "已化解")
    t2.return_item(j, "不属本乡管辖")
    (net.stick / "u").mkdir()
    reps = net.county.sync.import_files([net.t1.export(net.stick / "u").path,
                                         net.t2.export(net.stick / "u").path])
    assert [r.status for r in reps] == [IMPORTED, IMPORTED]
    for day in (TODAY, TODAY + timedelta(days=6), TODAY + timedelta(days=40)):
        want = [(r.item.id, r.status) for r in sup.ledger(on=day)]
        page = sup.ledger_page(limit=100, on=day)
        assert [(r.item.id, r.status) for r in page.rows] == want
        assert page.total == 6 and sum(page.counts.values()) == 6
        assert page.counts == {st: sum(1 for _, x in want if x == st) for st in STATUSES}
        for st in STATUSES:
            got = sup.ledger_page(status=st, on=day)
            assert [r.item.id for r in got.rows] == [i for i, x in want if x == st]
            assert got.total == page.counts[st]
    on6 = {r.item.id: r.status for r in sup.ledger_page(on=TODAY + timedelta(days=6)).rows}
    assert on6 == {s[0]: OVERDUE, s[1]: WORKING, s[2]: FINISHED, s[3]: OVERDUE,
                   s[4]: UNSIGNED, j: RETURNED}
    # by township, and a page at a time
    t2_page = sup.ledger_page(township=net.t2.code)
    assert [r.item.target_code for r in t2_page.rows] == [net.t2.code] * 3
    assert t2_page.total == 3 and t2_page.townships == [
        (net.t1.code, "青石镇人民调解委员会"), (net.t2.code, "清溪乡人民调解委员会")]
    everything = [r.item.id for r in sup.ledger()]
    pages = [sup.ledger_page(offset=o, limit=4) for o in (0, 4)]
    assert [r.item.id for p in pages for r in p.rows] == everything
    assert [len(p.rows) for p in pages] == [4, 2]
    with pytest.raises(ValidationError) as err:
        sup.ledger_page(status="LATE")
    assert err.value.message == t("supervision.bad_status", status="LATE",
                                  statuses="/".join(STATUSES))


def test_supervision_figures_in_the_townships_own_report(net) -> None:
    """督办逾期 and the other 督办/交办 figures in a township's monthly report, 逾期 by
    core/overdue.py's rule (the same count the county's 通报 ranks on); a township that never
    received an item has no such table."""
    from mediator.core.overdue import overdue_supervision_counts
    from mediator.reports.build import ReportRequest, build
    from mediator.reports.periods import month_period
    from mediator.reports.stats import SUPERVISION_FIGURES

    a = net.t1.register(3)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    late = sup.supervise(a[0], "请二日内化解", TODAY + timedelta(days=2))
    done = sup.supervise(a[1], "请三日内化解", TODAY + timedelta(days=3))
    sup.supervise(a[2], "请二十日内化解", TODAY + timedelta(days=20))
    gone = sup.assign(net.t1.code, _petition(), "请依法调处", TODAY + timedelta(days=1))
    sup.withdraw(gone)
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick)
    net.t1.sync.import_files([pkg.path])
    SupervisionService(net.t1.svc).finish(done, "已化解")
    period = month_period(TODAY.year, TODAY.month)          # 2026-11, ends 11-30
    day = TODAY + timedelta(days=5)                         # 11-28: the first one is late
    report = build(net.t1.db, ReportRequest("monthly", period), day)
    [table] = [tb for tb in report.tables if tb.key == "supervision_figures"]
    assert [(r[0], r[1]) for r in table.rows] == [
        (t("fig.supervision_received"), 3), (t("fig.supervision_finished"), 1),
        (t("fig.supervision_open"), 2), (t("fig.supervision_overdue"), 1)]
    assert [r[2] for r in table.rows] == [f.definition for f in SUPERVISION_FIGURES]
    assert report.figures is not None and report.figures["supervision"] == {
        "supervision_received": 3, "supervision_finished": 1, "supervision_open": 2,
        "supervision_overdue": 1}
    with net.t1.db.read() as s:
        assert overdue_supervision_counts(s, day) == {net.t1.code: 1}
    assert late != done
    # the other township received nothing: no 督办 table in its report
    other = build(net.t2.db, ReportRequest("monthly", period), day)
    assert [tb.key for tb in other.tables if tb.key == "supervision_figures"] == []
