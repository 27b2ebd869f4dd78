"""County -> township (issue 22): 督办 and 交办 travel down in sealed packages, imported only
from the office directly above, idempotently, never editing a township's case fields."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import timedelta

import pytest

from mediator.core.enums import DisputeType, PartyRole
from mediator.core.errors import NotFoundError, ValidationError
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.supervision import SupervisionService
from mediator.i18n import t
from mediator.sync import errors as E
from mediator.sync.errors import SyncSetupError
from mediator.sync.importer import ALREADY, IMPORTED, REFUSED

from .conftest import TODAY, logical_dump


def _case_fields(path, case_id):  # type: ignore[no-untyped-def]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute("SELECT * FROM dispute_case WHERE id = ?", (case_id,)).fetchone()
    finally:
        con.close()


def _petition() -> CaseInput:
    return CaseInput(parties=[PartyInput("王五", phone="13812345678"),
                              PartyInput("赵六", role=PartyRole.RESPONDENT)],
                     dispute_type=DisputeType.NEIGHBOUR, facts="信访转交：承包地边界争议")


def _rows(path, sql, params=()):  # type: ignore[no-untyped-def]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


@pytest.fixture
def sent(net):  # type: ignore[no-untyped-def]
    """Both townships' cases at the county; the county 督办 two of them and 交办 one."""
    a = net.t1.register(2)
    b = net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    due = TODAY + timedelta(days=10)
    s1 = sup.supervise(a[0], "久拖不决，请十日内化解并报告", due, leader="李副县长")
    s2 = sup.supervise(b[0], "请加快办理", due)
    j1 = sup.assign(net.t1.code, _petition(), "请依法调处", TODAY + timedelta(days=30),
                    county_ref="西信转〔2026〕12号")
    return a, b, sup, (s1, s2, j1)


def test_down_end_to_end(net, sent) -> None:
    a, b, sup, (s1, s2, j1) = sent
    before = _case_fields(net.t1.db.path, a[0])
    r1, r2 = net.county.sync.export_down([net.t1.code, net.t2.code], output=net.stick)
    assert r1.encrypted and r1.counts == {"supervision": 2, "sync_receipt": 1, "notice": 0}
    assert r2.counts == {"supervision": 1, "sync_receipt": 1, "notice": 0}
    assert r1.name.endswith(f"_下发_{net.t1.code}.mdsync")
    [rep] = net.t1.sync.import_files([r1.path])
    assert (rep.status, rep.exit_code) == (IMPORTED, E.OK)
    assert (rep.counts.new, rep.affected_cases) == (3, 1)
    assert rep.message == t("down.imported", new=3, updated=0, cases=1)
    items = {i.id: i for i in SupervisionService(net.t1.svc).items()}
    assert set(items) == {s1, j1}
    assert (items[s1].kind, items[s1].local_case_id, items[s1].leader) == (
        "SUPERVISE", a[0], "李副县长")
    assert items[s1].due_on == TODAY + timedelta(days=10)
    # the 交办 arrived as a case of the township, source 上级指定, county reference kept
    assigned = items[j1].local_case_id
    assert assigned is not None and items[j1].county_ref == "西信转〔2026〕12号"
    [(owner, source, facts)] = _rows(net.t1.db.path, "SELECT owner_code, source, facts FROM "
                                     "dispute_case WHERE id = ?", (assigned,))
    assert (owner, source, facts) == (net.t1.code, "GOVERNMENT", "信访转交：承包地边界争议")
    assert items[j1].case_no is not None
    # nothing the county sent touched the supervised case's own fields
    assert _case_fields(net.t1.db.path, a[0]) == before
    # audit on both sides
    county_actions = [r[0] for r in _rows(net.county.db.path,
                      "SELECT action FROM audit_log WHERE entity = 'supervision' ORDER BY seq")]
    assert county_actions == ["supervision.supervise", "supervision.supervise",
                              "supervision.assign"]
    town_actions = sorted(r[0] for r in _rows(net.t1.db.path,
                          "SELECT action FROM audit_log WHERE entity = 'supervision'"))
    assert town_actions == ["supervision.received", "supervision.received"]
    # 回执: the county imported one upward package of 青石镇
    [(h,)] = _rows(net.t1.db.path, "SELECT package_hash FROM sync_receipt")
    [(logged,)] = _rows(net.county.db.path, "SELECT package_hash FROM import_log "
                        "WHERE sender_code = ?", (net.t1.code,))
    assert h == logged
    # the other township gets its own
    [rep2] = net.t2.sync.import_files([r2.path])
    assert rep2.status == IMPORTED
    assert [i.id for i in SupervisionService(net.t2.svc).items()] == [s2]
    # re-import: a no-op
    dump = logical_dump(net.t1.db.path)
    [again] = net.t1.sync.import_files([r1.path])
    assert (again.status, again.exit_code) == (ALREADY, E.OK)
    assert logical_dump(net.t1.db.path) == dump


def test_down_withdraw_and_replay(net, sent) -> None:
    a, _b, sup, (s1, _s2, j1) = sent
    old = net.county.sync.export_down([net.t1.code], output=net.stick / "old")[0]
    old_copy = net.stick / "old_copy.mdsync"
    shutil.copy(old.path, old_copy)
    sup.withdraw(s1)
    with pytest.raises(NotFoundError):
        sup.withdraw(s1)
    new = net.county.sync.export_down([net.t1.code], output=net.stick)[0]
    [rep] = net.t1.sync.import_files([new.path])
    assert rep.status == IMPORTED
    assert [i.id for i in SupervisionService(net.t1.svc).items()] == [j1]
    # the older package afterwards: nothing comes back, and no second case is registered
    [rep] = net.t1.sync.import_files([old_copy])
    assert (rep.status, rep.counts.older, rep.counts.unchanged, rep.affected_cases) == (
        IMPORTED, 1, 2, 0)
    assert [i.id for i in SupervisionService(net.t1.svc).items()] == [j1]
    assert len(_rows(net.t1.db.path, "SELECT id FROM dispute_case WHERE source = 'GOVERNMENT'")) == 1
    withdrawn = [r[0] for r in _rows(net.t1.db.path, "SELECT action FROM audit_log "
                                     "WHERE action = 'supervision.withdrawn'")]
    assert withdrawn == ["supervision.withdrawn"]


def test_down_refused_at_wrong_office(net, sent) -> None:
    r1 = net.county.sync.export_down([net.t1.code], output=net.stick)[0]
    dump = logical_dump(net.t2.db.path)
    [rep] = net.t2.sync.import_files([r1.path])
    assert (rep.status, rep.exit_code) == (REFUSED, E.INVALID)
    assert rep.message == t("sync.pkg.other_recipient", code=net.t1.code, own=net.t2.code)
    assert logical_dump(net.t2.db.path) == dump
    # the county itself cannot import a downward package (it is not below its sender)
    [rep] = net.county.sync.import_files([r1.path])
    assert rep.status == REFUSED


def test_down_only_from_directly_above(net) -> None:
    """The city (two levels above a township) cannot send down to it, even when trusted."""
    net.t1.trust(net.city)
    net.city.trust(net.t1)
    with pytest.raises(SyncSetupError) as err:
        net.city.sync.export_down([net.t1.code])
    assert err.value.message == t("down.not_below", code=net.t1.code, own=net.city.code)
    # a package the city forged by hand for the township is refused on arrival
    from mediator.sync import export as ex

    res = ex.export_package(
        net.city.db, data_dir=net.city.paths.data, keys=net.city.sync.keys(),
        office_name=net.city.name, recipient_code=net.t1.code, recipient_name=net.t1.name,
        recipient=net.city.sync.resolve_recipient(net.t1.code, False)[2], today=TODAY,
        output=net.stick, down_to=net.t1.code)
    dump = logical_dump(net.t1.db.path)
    [rep] = net.t1.sync.import_files([res.path])
    assert (rep.status, rep.exit_code) == (REFUSED, E.INVALID)
    assert rep.message == t("down.not_above", name=net.city.name, code=net.city.code,
                            own=net.t1.code)
    assert logical_dump(net.t1.db.path) == dump


def test_supervision_inputs_refused(net, sent) -> None:
    a, _b, sup, _ids = sent
    with pytest.raises(ValidationError) as err:
        sup.supervise(a[0], "  ", TODAY + timedelta(days=3))
    assert err.value.message == t("supervision.instruction_required")
    with pytest.raises(ValidationError) as err:
        sup.supervise(a[0], "请办理", TODAY - timedelta(days=1))
    assert err.value.message == t("supervision.due_past",
                                  day=(TODAY - timedelta(days=1)).isoformat())
    with pytest.raises(ValidationError) as err:
        sup.assign("330107001", _petition(), "请办理", TODAY + timedelta(days=3))
    assert err.value.message == t("supervision.not_below", code="330107001",
                                  own=net.county.code)
    with pytest.raises(NotFoundError):
        sup.supervise("不存在", "请办理", TODAY + timedelta(days=3))


def test_upgrade_adds_the_supervision_tables(net) -> None:
    """An existing database (before migration supervision) upgrades with its data intact."""
    from schema_history import rewind_before

    from mediator.core.db import LATEST_VERSION

    ids = net.t1.register(1)
    path = net.t1.db.path
    net.t1.db.close()
    con = sqlite3.connect(path)
    try:
        rewind_before(con, "supervision")
        con.commit()
        assert _rows_con(con, "SELECT name FROM sqlite_master WHERE name = 'supervision'") == []
    finally:
        con.close()
    net.t1.reopen()
    assert _rows(path, "PRAGMA user_version") == [(LATEST_VERSION,)]
    assert _rows(path, "SELECT count(*) FROM supervision") == [(0,)]
    assert _rows(path, "SELECT id FROM dispute_case") == [(ids[0],)]


def _rows_con(con, sql):  # type: ignore[no-untyped-def]
    return con.execute(sql).fetchall()


def test_replies_travel_up_and_the_county_ledger(net, sent) -> None:
    """The done-when: 交办 one, 督办 two; the townships import, acknowledge, answer one,
    finish one; the county imports the replies; its 督办台账 shows each item's status."""
    from mediator.core.supervision import FINISHED, OVERDUE, SIGNED, UNSIGNED, WORKING, ReplyKind

    _a, _b, sup, (s1, s2, j1) = sent
    r1, r2 = net.county.sync.export_down([net.t1.code, net.t2.code], output=net.stick)
    assert [r.status for r in net.t1.sync.import_files([r1.path])] == [IMPORTED]
    assert [r.status for r in net.t2.sync.import_files([r2.path])] == [IMPORTED]
    # before any answer: nothing signed
    assert [(r.item.id, r.status) for r in sup.ledger()] == [
        (s1, UNSIGNED), (j1, UNSIGNED), (s2, UNSIGNED)]
    t1 = SupervisionService(net.t1.svc)
    t2 = SupervisionService(net.t2.svc)
    t1.acknowledge(s1)
    t1.report_progress(j1, "已约双方当事人，定于下周调解")
    t2.finish(s2, "双方达成协议，已履行完毕")
    with pytest.raises(ValidationError) as err:
        t1.acknowledge(s1)
    assert err.value.message == t("supervision.already_signed")
    with pytest.raises(ValidationError) as err:
        t2.report_progress(s2, "又一条")
    assert err.value.message == t("supervision.already_done")
    with pytest.raises(ValidationError) as err:
        t1.report_progress(s1, "  ")
    assert err.value.message == t("supervision.note_required")
    with pytest.raises(NotFoundError):   # not an item of this township
        t1.acknowledge(s2)
    up1, up2 = net.t1.export(net.stick), net.t2.export(net.stick)
    assert up1.counts["supervision_reply"] == 3   # ACK of s1; ACK + PROGRESS of j1
    assert up2.counts["supervision_reply"] == 2   # ACK + DONE of s2
    reports = net.county.sync.import_files([up1.path, up2.path])
    assert [r.status for r in reports] == [IMPORTED, IMPORTED]
    assert reports[0].tables["supervision_reply"].new == 3
    rows = {r.item.id: r for r in sup.ledger()}
    assert {k: v.status for k, v in rows.items()} == {s1: SIGNED, j1: WORKING, s2: FINISHED}
    assert rows[s1].days_left == 10 and rows[s1].signed_on == TODAY
    assert rows[j1].progress == "已约双方当事人，定于下周调解" and rows[j1].days_left == 30
    # the county's 交办 links to the case the township registered for it
    [(assigned_no,)] = _rows(net.t1.db.path, "SELECT case_no FROM dispute_case "
                             "WHERE source = 'GOVERNMENT'")
    assert rows[j1].item.case_no == assigned_no
    assert (rows[s2].report, rows[s2].finished_on, rows[s2].days_left) == (
        "双方达成协议，已履行完毕", TODAY, None)
    # eleven days on, the signed 督办 is past its deadline: 逾期 (core/overdue.py's item rule)
    later = {r.item.id: (r.status, r.days_overdue) for r in
             sup.ledger(on=TODAY + timedelta(days=11))}
    assert later == {s1: (OVERDUE, 1), j1: (WORKING, 0), s2: (FINISHED, 0)}
    # re-importing the replies changes nothing
    dump = logical_dump(net.county.db.path)
    again = net.county.sync.import_files([up1.path, up2.path])
    assert [r.status for r in again] == [ALREADY, ALREADY]
    assert logical_dump(net.county.db.path) == dump
    # the county's next package down carries the receipts of both upward packages of 青石镇
    nxt = net.county.sync.export_down([net.t1.code], output=net.stick / "next")[0]
    assert nxt.counts == {"supervision": 2, "sync_receipt": 2, "notice": 0}
    # 回执 at the township: its latest package is 已上报 only until the county's next one
    assert [(p.name, p.package_hash, p.received_at) for p in net.t1.sync.sent_packages()] == [
        (up1.name, reports[0].package_hash, None)]
    net.t1.sync.import_files([nxt.path])
    got = {r[0] for r in _rows(net.t1.db.path, "SELECT package_hash FROM sync_receipt")}
    assert reports[0].package_hash in got
    [(logged,)] = _rows(net.county.db.path, "SELECT imported_at FROM import_log WHERE "
                        "package_hash = ?", (reports[0].package_hash,))
    assert [(p.name, p.received_at) for p in net.t1.sync.sent_packages()] == [
        (up1.name, logged)]
    assert ReplyKind.DONE.value == "DONE"


def test_a_township_returns_an_assignment(net, sent) -> None:
    from mediator.core.supervision import RETURNED

    _a, _b, sup, (s1, _s2, j1) = sent
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick)
    net.t1.sync.import_files([pkg.path])
    town = SupervisionService(net.t1.svc)
    with pytest.raises(ValidationError) as err:
        town.return_item(s1, "不属本镇")
    assert err.value.message == t("supervision.return_only_assign")
    with pytest.raises(ValidationError) as err:
        town.return_item(j1, " ")
    assert err.value.message == t("supervision.note_required")
    assert [i.kind for i in net.t1.svc.agenda(days=60) if i.kind == "ASSIGN"] == ["ASSIGN"]
    town.return_item(j1, "当事人户籍及土地均不在本镇")
    with pytest.raises(ValidationError) as err:
        town.report_progress(j1, "又一条")
    assert err.value.message == t("supervision.already_returned")
    assert [i for i in net.t1.svc.agenda(days=60) if i.kind == "ASSIGN"] == []
    net.county.sync.import_files([net.t1.export(net.stick).path])
    rows = {r.item.id: r for r in sup.ledger()}
    assert (rows[j1].status, rows[j1].report, rows[j1].days_left) == (
        RETURNED, "当事人户籍及土地均不在本镇", None)


def test_a_fork_from_a_restored_county_is_kept_not_hidden(net, sent, tmp_path) -> None:
    """The county restores a backup and edits the same item again: same revision, other
    content. The township keeps what it holds and records the other version as a conflict."""
    from mediator.sync import down

    from .hostile import alter, seal

    _a, _b, _sup, (s1, _s2, _j1) = sent
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick)
    net.t1.sync.import_files([pkg.path])
    payload = tmp_path / "fork.sqlite"
    counts = down.snapshot(net.county.db.path, payload, net.county.code, net.t1.code)
    alter(payload, f"UPDATE supervision SET instruction = '另一版本的意见' WHERE id = '{s1}'")
    forked = seal(net.county, net.t1, payload, tmp_path / "fork.mdsync", counts=counts,
                  header={"direction": "down", "schema_version": 1})
    [rep] = net.t1.sync.import_files([forked])
    assert (rep.status, rep.exit_code, rep.counts.conflicts) == (IMPORTED, E.CONFLICTS, 1)
    [held] = [i for i in SupervisionService(net.t1.svc).items() if i.id == s1]
    assert held.instruction == "久拖不决，请十日内化解并报告"
    [(kind, table, row_id, other)] = _rows(
        net.t1.db.path, "SELECT kind, table_name, row_id, other_json FROM sync_conflict")
    assert (kind, table, row_id) == ("FORK", "supervision", s1)
    import json

    assert json.loads(other)["instruction"] == "另一版本的意见"
