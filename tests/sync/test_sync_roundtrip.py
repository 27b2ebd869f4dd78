"""The "done means" of the upward sync: township -> county -> city, edits, deletions, replays,
any order, re-import, forks after a restored backup, and the county's read-only view."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from datetime import timedelta

import pytest

from mediator.core.backup import copy_database, restore
from mediator.core.enums import AgreementForm, Route
from mediator.core.errors import DomainError
from mediator.core.inputs import AgreementInput, ObligationInput
from mediator.core.queries import CaseFilter, count_cases, list_cases
from mediator.sync.importer import ALREADY, IMPORTED

from .conftest import TODAY, make_office, synced_rows


def _rich_history(o) -> list[str]:  # type: ignore[no-untyped-def]
    """Cases in many states, with agreements, obligations, follow-ups, a village, a mediator."""
    m = o.svc.add_mediator("赵调解", "13900001111")
    o.svc.add_village(o.code + "201", "石桥村")
    ids = o.register(4)
    o.svc.accept_case(ids[0], on=TODAY - timedelta(days=4))
    o.svc.record_notice(ids[0], on=TODAY - timedelta(days=4))
    o.svc.add_session(ids[0], "双方陈述", on=TODAY - timedelta(days=3))
    o.svc.record_agreement(ids[0], AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=TODAY - timedelta(days=2), terms="赔偿 500 元",
        amount_fen=50000, obligations=[ObligationInput(due_on=TODAY + timedelta(days=10),
                                                       amount_fen=50000)]))
    o.svc.refuse_case(ids[1], "已起诉", [Route.LITIGATION], on=TODAY - timedelta(days=1))
    o.svc.edit_case(ids[2], mediator_id=m.id, village_code=o.code + "201")
    o.svc.delete_case(ids[3], "重复登记")
    return ids


def test_two_townships_county_city_match(net) -> None:
    _rich_history(net.t1)
    net.t2.register(3)
    r1, r2 = net.t1.export(net.stick), net.t2.export(net.stick)
    assert r1.path.parent == net.stick and r1.outbox_path.exists() and r1.encrypted
    assert r1.path.read_bytes() == r1.outbox_path.read_bytes()
    reports = net.county.sync.import_files([r1.path, r2.path])
    assert [r.status for r in reports] == [IMPORTED, IMPORTED]
    assert reports[0].counts.new == sum(r1.counts.values())
    # every row and every field of each township arrives as it is there
    for town in (net.t1, net.t2):
        assert synced_rows(net.county.db.path, town.code) == synced_rows(town.db.path, town.code)
    with net.county.db.read() as s:
        assert count_cases(s, CaseFilter(owner_code=net.t1.code), TODAY) == 3   # one deleted
        assert count_cases(s, CaseFilter(owner_code=net.t2.code), TODAY) == 3
        # the search index was rebuilt for the merged cases: the county finds them by name
        assert count_cases(s, CaseFilter(query="张三", owner_code=net.t2.code), TODAY) == 3
        origins = {r[0] for r in s.exec(sqlite_text("SELECT DISTINCT origin FROM dispute_case"))}
    assert origins == {reports[0].package_hash, reports[1].package_hash}

    # the county passes everything up; the city holds the same rows
    up = net.county.export(net.stick)
    assert up.counts["dispute_case"] == 7 and up.recipient_code == "3301"
    (city_report,) = net.city.sync.import_files([up.path])
    assert city_report.status == IMPORTED
    assert synced_rows(net.city.db.path, "330106") == synced_rows(net.county.db.path, "330106")
    with net.city.db.read() as s:
        assert count_cases(s, CaseFilter(owner_code=net.t1.code), TODAY) == 3


def sqlite_text(sql: str):  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    return text(sql)


def test_edits_and_deletions_travel_and_old_files_change_nothing(net, dump) -> None:
    ids = net.t1.register(3)
    first = net.t1.export(net.stick)
    net.county.sync.import_files([first.path])
    net.t1.svc.edit_case(ids[0], facts="改过的事实")
    net.t1.svc.delete_case(ids[1], "登记错误")
    new_id = net.t1.register(1, facts="新案件")[0]
    second = net.t1.export(net.stick)
    (rep,) = net.county.sync.import_files([second.path])
    assert rep.status == IMPORTED
    assert rep.tables["dispute_case"].new == 1 and rep.tables["dispute_case"].updated == 2
    assert rep.tables["dispute_case"].unchanged == 1
    assert synced_rows(net.county.db.path, net.t1.code) == synced_rows(net.t1.db.path, net.t1.code)
    with net.county.db.read() as s:
        assert count_cases(s, CaseFilter(query="改过的事实"), TODAY) == 1
        assert count_cases(s, CaseFilter(owner_code=net.t1.code), TODAY) == 3
    case = net.county.svc.find_case(new_id)
    assert case.facts.startswith("新案件")


def test_an_older_file_after_a_newer_one_changes_nothing(net, dump) -> None:
    ids = net.t1.register(3)
    first = net.t1.export(net.stick / "first.mdsync")
    net.t1.svc.edit_case(ids[0], facts="改过的事实")
    net.t1.svc.delete_case(ids[1], "登记错误")
    second = net.t1.export(net.stick / "second.mdsync")
    net.county.sync.import_files([second.path])
    before = synced_rows(net.county.db.path, net.t1.code)
    (old,) = net.county.sync.import_files([first.path])
    assert old.status == IMPORTED
    assert old.counts.older > 0 and old.counts.updated == 0 and old.counts.new == 0
    assert old.tables["dispute_case"].older == 2 and old.tables["dispute_case"].unchanged == 1
    assert synced_rows(net.county.db.path, net.t1.code) == before
    with net.county.db.read() as s:   # the deleted case did not come back
        assert count_cases(s, CaseFilter(owner_code=net.t1.code), TODAY) == 2


def test_any_order_gives_the_same_database(net, office_factory, tmp_path) -> None:
    ids = net.t1.register(2)
    files = [net.t1.export(tmp_path / "a.mdsync").path]
    net.t1.svc.edit_case(ids[0], facts="第二次")
    net.t2.register(2)
    files.append(net.t2.export(tmp_path / "b.mdsync").path)
    net.t1.svc.delete_case(ids[1], "误录")
    net.t1.svc.edit_case(ids[0], facts="第三次")
    files.append(net.t1.export(tmp_path / "c.mdsync").path)
    results = []
    for n, order in enumerate(itertools.permutations(files)):
        county = make_office(tmp_path / f"county{n}", "西湖区人民调解委员会", "西湖", "330106")
        # the same keys as the real county, so the packages open
        shutil.copy(net.county.paths.config / "keys" / "330106.key",
                    county.paths.config / "keys" / "330106.key")
        county.trust(net.t1)
        county.trust(net.t2)
        reps = county.sync.import_files(list(order))
        assert all(r.status == IMPORTED for r in reps)
        results.append(synced_rows(county.db.path, "330106001"))
        results[-1].update({"t2:" + k: v for k, v in synced_rows(county.db.path, "330106002").items()})
        county.db.close()
    assert all(r == results[0] for r in results[1:])
    assert results[0]["dispute_case"] == synced_rows(net.t1.db.path, "330106001")["dispute_case"]


def test_reimport_is_a_quick_no_op(net, dump) -> None:
    net.t1.register(5)
    pkg = net.t1.export(net.stick)
    (first,) = net.county.sync.import_files([pkg.path])
    before = dump(net.county.db.path)
    (again,) = net.county.sync.import_files([pkg.path])
    assert again.status == ALREADY and again.exit_code == 0
    assert "已于" in again.message and "导入过" in again.message
    assert dump(net.county.db.path) == before
    assert again.seconds < max(0.5, first.seconds)


def test_restored_backup_fork_is_kept_as_a_conflict(net, tmp_path) -> None:
    t1 = net.t1
    (cid,) = t1.register(1)
    backup = tmp_path / "backup.db"
    copy_database(t1.db.path, backup)
    t1.svc.edit_case(cid, facts="备份之后的修改")          # revision 2, version A
    net.county.sync.import_files([t1.export(net.stick).path])
    # the township loses its disk, restores the old backup and edits again: revision 2, version B
    t1.db.close()
    restore(t1.paths.db, backup, t1.paths.backups)
    t1.reopen()
    t1.svc.edit_case(cid, facts="恢复备份后的另一修改")
    (rep,) = net.county.sync.import_files([t1.export(net.stick).path])
    assert rep.status == IMPORTED and rep.exit_code == 6 and rep.counts.conflicts >= 1
    # the restored database's lineage was forked from the backup's: what the township writes
    # now takes the place of the version written after the backup, which is kept aside
    held = net.county.svc.find_case(cid)
    assert held.facts == "恢复备份后的另一修改"
    conflicts = net.county.sync.conflicts()
    case_conflicts = [c for c in conflicts if c.table_name == "dispute_case" and c.row_id == cid]
    assert len(case_conflicts) == 1 and case_conflicts[0].kind == "BRANCH"
    assert "备份之后的修改" in case_conflicts[0].other_json
    assert "恢复备份后的另一修改" in case_conflicts[0].held_json
    # importing another copy of the same fork stores nothing twice
    net.county.sync.import_files([t1.export(net.stick).path])
    assert len([c for c in net.county.sync.conflicts() if c.row_id == cid
                and c.table_name == "dispute_case"]) == 1
    # the township moves on: the next revision wins normally
    t1.svc.edit_case(cid, facts="第三版")
    net.county.sync.import_files([t1.export(net.stick).path])
    assert net.county.svc.find_case(cid).facts == "第三版"
    assert net.county.sync.resolve_conflict(case_conflicts[0].id[:8]).resolved_at is not None
    assert not [c for c in net.county.sync.conflicts() if c.id == case_conflicts[0].id]


def test_reused_case_number_is_kept_and_listed(net, tmp_path) -> None:
    t1 = net.t1
    t1.register(1)
    backup = tmp_path / "backup.db"
    copy_database(t1.db.path, backup)
    (lost,) = t1.register(1, facts="只在县里还有的案件")
    net.county.sync.import_files([t1.export(net.stick).path])
    t1.db.close()
    restore(t1.paths.db, backup, t1.paths.backups)
    t1.reopen()
    (other,) = t1.register(1, facts="同一案号的新案件")
    assert t1.svc.find_case(other).case_no == net.county.svc.find_case(lost).case_no
    (rep,) = net.county.sync.import_files([t1.export(net.stick).path])
    assert rep.status == IMPORTED and rep.exit_code == 6
    assert net.county.svc.find_case(lost) and net.county.svc.find_case(other)
    kinds = {c.kind for c in net.county.sync.conflicts()}
    assert "NUMBER_CLASH" in kinds


def test_county_holds_township_rows_read_only(net) -> None:
    (cid,) = net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    with pytest.raises(DomainError):
        net.county.svc.edit_case(cid, facts="县里不能改")
    assert net.county.svc.case_file(cid).read_only
    with net.county.db.read() as s:
        page = list_cases(s, CaseFilter(owner_code="330106001"), today=TODAY)
    assert [r.id for r in page.rows] == [cid]


def test_plain_package_is_signed_and_imports(net) -> None:
    net.t1.register(2)
    pkg = net.t1.export(net.stick, plain=True)
    assert not pkg.encrypted
    raw = pkg.path.read_bytes()
    assert "两家因宅基地".encode() not in raw     # compressed, but not sealed
    (rep,) = net.county.sync.import_files([pkg.path])
    assert rep.status == IMPORTED and rep.counts.new > 0


def test_outbox_keeps_the_newest_packages(net) -> None:
    from mediator.sync.export import OUTBOX_KEEP, prune_outbox

    outbox = net.t1.paths.data / "outbox"
    net.t1.export()
    for i in range(OUTBOX_KEEP + 3):
        (outbox / f"old{i:02d}.mdsync").write_bytes(b"x")
    prune_outbox(outbox)
    assert len(list(outbox.glob("*.mdsync"))) == OUTBOX_KEEP


def test_snapshot_is_consistent_while_another_connection_writes(net, tmp_path) -> None:
    """The snapshot is one read transaction: a write not yet committed is not in it, even
    though it sits in the same WAL file the snapshot reads."""
    from mediator.sync import payload as pl
    from mediator.sync.export import snapshot

    net.t1.register(3)
    con = sqlite3.connect(net.t1.db.path, isolation_level=None)
    try:
        con.execute("BEGIN IMMEDIATE")
        con.execute("UPDATE dispute_case SET facts = 'half', revision = revision + 1")
        counts = snapshot(net.t1.db.path, tmp_path / "p.sqlite", "330106001")
        con.execute("COMMIT")
    finally:
        con.close()
    assert counts["dispute_case"] == 3
    pl.check_payload(tmp_path / "p.sqlite", counts)
    out = sqlite3.connect(tmp_path / "p.sqlite")
    assert {r[0] for r in out.execute("SELECT revision FROM dispute_case")} == {1}
    out.close()


def test_county_opens_its_own_linked_case(net) -> None:
    (cid,) = net.t1.register(1)
    net.t1.svc.accept_case(cid)
    net.t1.svc.transfer_case(cid, "西湖区人民调解委员会", "涉及多个乡镇")
    net.county.sync.import_files([net.t1.export(net.stick).path])
    out = net.county.svc.open_linked_case(cid)
    mine = net.county.svc.case_file(out.case_id)
    source = net.county.svc.find_case(cid)
    assert mine.case.owner_code == "330106" and not mine.read_only
    assert mine.case.linked_case_id == cid and mine.case.linked_case_no == source.case_no
    assert mine.case.case_no.startswith("(2026)西湖人调字第")
    assert [p.name for p in mine.parties] == ["张三", "李四"]
    assert mine.parties[0].id_number == "11010519491231002X"
    with pytest.raises(DomainError):
        net.county.svc.open_linked_case(cid)           # once only
    with pytest.raises(DomainError):
        net.county.svc.open_linked_case(out.case_id)   # not for its own cases
    assert net.county.svc.find_case(cid).revision == source.revision   # township case untouched
    # the county's own case travels up with the township's
    net.city.sync.import_files([net.county.export(net.stick).path])
    assert net.city.svc.find_case(out.case_id).linked_case_id == cid


def test_township_mediators_are_read_only_at_the_county(net) -> None:
    m = net.t1.svc.add_mediator("赵调解", "13900001111")
    net.county.sync.import_files([net.t1.export(net.stick).path])
    with pytest.raises(DomainError):
        net.county.svc.update_mediator(m.id, name="县里改名")


def test_county_summary_has_a_line_per_township(net) -> None:
    """The county's weekly summary shows each township's ledger line, and each line holds
    the figures the township's own summary shows."""
    from mediator.reports.build import ReportRequest, build
    from mediator.reports.periods import week_period
    from mediator.reports.stats import LEDGER_KEYS, compute

    _rich_history(net.t1)
    net.t2.register(3)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    week = week_period(TODAY - timedelta(days=5))
    report = build(net.county.db, ReportRequest("weekly", week, None), TODAY)
    (by_office,) = [tb for tb in report.tables if tb.key == "by_office"]
    keys = [c.key for c in by_office.columns][1:]
    assert keys == list(LEDGER_KEYS)
    lines = {row[0]: row[1:] for row in by_office.rows}
    assert set(lines) == {"合计", net.t1.name, net.t2.name}
    for town in (net.t1, net.t2):
        own = compute(town.db, week, TODAY, breakdowns=False, trend_weeks=0).totals
        own_report = build(town.db, ReportRequest("weekly", week, None), TODAY)
        assert not [tb for tb in own_report.tables if tb.key == "by_office"]  # one office: no table
        assert lines[town.name] == [by_office_cell(k, own) for k in LEDGER_KEYS]
    assert lines["合计"][0] == 3 + 3   # t1 registered 4, deleted 1; t2 registered 3


def by_office_cell(key: str, figures):  # type: ignore[no-untyped-def]
    from mediator.reports.build import figure_cell

    return figure_cell(key, figures[key])


def test_reimport_says_when_in_local_time(net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """"已于 … 导入过" gives the office's wall-clock time, not the UTC instant it stores."""
    import re
    import time
    from datetime import datetime

    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    monkeypatch.setenv("TZ", "CST-8")
    time.tzset()
    try:
        net.t1.register(1)
        pkg = net.t1.export(net.stick).path
        net.county.sync.import_files([pkg])
        (again,) = net.county.sync.import_files([pkg])
        assert again.status == ALREADY
        (when,) = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", again.message)
        shown = datetime.strptime(when, "%Y-%m-%d %H:%M:%S")
        assert abs((datetime.now() - shown).total_seconds()) < 120   # local, not 8 hours off
    finally:
        monkeypatch.undo()
        time.tzset()
