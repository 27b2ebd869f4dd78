"""A township that restores a backup and edits again forks its history (issue 17, item 3).
Whatever the number of edits on each branch, and in whichever order the county imports the
packages, no version is lost silently: the restored branch's version is held, the abandoned
one kept in sync_conflict (BRANCH), and a record only the abandoned branch has is listed as
MISSING. A history without a restore merges as before, and format-1 packages still import."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest

from mediator.core import lineage
from mediator.core.backup import copy_database, restore
from mediator.sync import package as pk
from mediator.sync.importer import IMPORTED
from mediator.sync.views import conflict_summary

from .conftest import synced_rows
from .hostile import payload_of, seal


def _chain(path: Path) -> lineage.Chain:
    con = sqlite3.connect(path)
    try:
        chain = lineage.read_chain(con)
    finally:
        con.close()
    assert chain is not None
    return chain


def _fork(net, tmp_path: Path, edits_a: int, edits_c: int,  # type: ignore[no-untyped-def]
          lost: bool = False):
    """Backup; ``edits_a`` edits (and a case registered, if ``lost``); package PA; restore
    the backup; ``edits_c`` edits; package PC."""
    t1 = net.t1
    (cid,) = t1.register(1)
    backup = tmp_path / "backup.db"
    copy_database(t1.db.path, backup)
    for i in range(edits_a):
        t1.svc.edit_case(cid, facts=f"版本A第{i + 1}次修改")
    lost_id = t1.register(1, facts="备份后登记的案件")[0] if lost else None
    pa = t1.export(tmp_path / "PA.mdsync").path
    before = _chain(t1.db.path)
    t1.db.close()
    restore(t1.paths.db, backup, t1.paths.backups)
    t1.reopen()
    after = _chain(t1.db.path)
    # the restored database starts a new lineage whose parent is the backup's
    assert len(before) == 1 and len(after) == 2 and after[0][0] == before[0][0]
    assert after[1][0] != before[0][0] and after[1][1] is None
    for i in range(edits_c):
        t1.svc.edit_case(cid, facts=f"版本C第{i + 1}次修改")
    pc = t1.export(tmp_path / "PC.mdsync").path
    return cid, lost_id, pa, pc


def _conflicts(county) -> list[tuple]:  # type: ignore[no-untyped-def]
    return sorted((c.kind, c.table_name, c.row_id, c.revision, c.held_json, c.other_json)
                  for c in county.sync.conflicts())


def _facts(doc: str) -> str:
    return json.loads(doc)["facts"]


@pytest.mark.parametrize("edits_a,edits_c", [(1, 2), (3, 1), (1, 1)])
@pytest.mark.parametrize("order", ["PA-PC", "PC-PA"])
def test_fork_with_any_edit_counts_keeps_both_versions(net, tmp_path, edits_a, edits_c,
                                                       order) -> None:
    cid, _, pa, pc = _fork(net, tmp_path, edits_a, edits_c)
    first, second = (pa, pc) if order == "PA-PC" else (pc, pa)
    (r1,) = net.county.sync.import_files([first])
    (r2,) = net.county.sync.import_files([second])
    assert (r1.status, r1.exit_code, r1.counts.conflicts) == (IMPORTED, 0, 0)
    # the case row forks, and so do the edit events each branch wrote after the backup
    assert (r2.status, r2.exit_code) == (IMPORTED, 6)
    # the restored branch (PC) is what the township has now: the county holds it
    case = net.county.svc.find_case(cid)
    assert case.facts == f"版本C第{edits_c}次修改" and case.revision == 1 + edits_c
    branch = [c for c in net.county.sync.conflicts() if c.kind == "BRANCH"]
    assert [(c.table_name, c.row_id, c.revision) for c in branch] == [
        ("dispute_case", cid, 1 + edits_a)]
    assert _facts(branch[0].held_json) == f"版本C第{edits_c}次修改"
    assert _facts(branch[0].other_json) == f"版本A第{edits_a}次修改"
    # the edit events only the abandoned branch wrote are kept and listed, not dropped
    missing = [c for c in net.county.sync.conflicts() if c.kind == "MISSING"]
    assert sorted(c.table_name for c in missing) == ["case_event"] * edits_a
    assert r2.counts.conflicts == 1 + edits_a
    # the county now holds every row the township holds, as the township holds it
    held = synced_rows(net.county.db.path, net.t1.code)
    own = synced_rows(net.t1.db.path, net.t1.code)
    assert held["dispute_case"] == own["dispute_case"]
    assert set(own["case_event"]) <= set(held["case_event"])
    assert len(held["case_event"]) == len(own["case_event"]) + edits_a


@pytest.mark.parametrize("edits_a,edits_c", [(1, 2), (3, 1)])
def test_both_orders_give_the_same_county(net, tmp_path, edits_a, edits_c) -> None:
    from .conftest import OFFICES, open_office

    _fork(net, tmp_path, edits_a, edits_c, lost=True)
    pa, pc = tmp_path / "PA.mdsync", tmp_path / "PC.mdsync"
    # a second county, a copy of the first before either package arrived
    net.county.db.close()
    root = net.county.paths.data.parent.parent
    twin_root = tmp_path / "twin"
    shutil.copytree(root / net.county.paths.data.parent.name,
                    twin_root / net.county.paths.data.parent.name)
    net.county.reopen()
    twin = open_office(twin_root, *OFFICES[2])
    try:
        assert [r.exit_code for r in net.county.sync.import_files([pa, pc])] == [0, 6]
        assert [r.exit_code for r in twin.sync.import_files([pc, pa])] == [0, 6]
        assert synced_rows(net.county.db.path, net.t1.code) == synced_rows(twin.db.path,
                                                                           net.t1.code)
        assert _conflicts(net.county) == _conflicts(twin)
        # every row the township still has comes from its live branch in both
        assert synced_rows(net.county.db.path, net.t1.code, origin=True) == synced_rows(
            twin.db.path, net.t1.code, origin=True)
        assert len(_conflicts(twin)) == 1 + edits_a + 4   # the lost case, 2 parties, 1 event
    finally:
        twin.db.close()


@pytest.mark.parametrize("order", ["PA-PC", "PC-PA"])
def test_case_registered_after_the_backup_is_listed(net, tmp_path, order) -> None:
    cid, lost, pa, pc = _fork(net, tmp_path, 1, 2, lost=True)
    files = [pa, pc] if order == "PA-PC" else [pc, pa]
    reports = net.county.sync.import_files(files)
    assert [r.exit_code for r in reports] == [0, 6]
    # kept at the county, and flagged: the township no longer has it
    assert net.county.svc.find_case(lost).facts == "备份后登记的案件0"
    missing = {(c.table_name, c.row_id) for c in net.county.sync.conflicts()
               if c.kind == "MISSING"}
    with net.county.db.read() as s:
        from sqlalchemy import text

        parties = {r[0] for r in s.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM party WHERE case_id = :c"), params={"c": lost})}
        events = {r[0] for r in s.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM case_event WHERE case_id = :c"), params={"c": lost})}
    assert ("dispute_case", lost) in missing
    assert {("party", p) for p in parties} <= missing and len(parties) == 2
    assert {("case_event", e) for e in events} <= missing
    view = conflict_summary(next(c for c in net.county.sync.conflicts()
                                 if c.kind == "MISSING" and c.row_id == lost))
    assert view.kind == "乡镇已无此记录"
    assert view.differences == ("这条记录是对方单位恢复备份前写下的，恢复后的数据库中已没有它；"
                                "县里仍保留，请与对方核实后处理。",)
    # the next package of the restored branch brings nothing new to list
    net.t1.svc.edit_case(cid, facts="第三版")
    (rep,) = net.county.sync.import_files([net.t1.export(tmp_path / "PC2.mdsync").path])
    assert (rep.exit_code, rep.counts.conflicts) == (0, 0)
    assert net.county.svc.find_case(cid).facts == "第三版"


def test_history_without_restore_has_no_conflicts(net, tmp_path) -> None:
    t1 = net.t1
    (cid,) = t1.register(1)
    copy_database(t1.db.path, tmp_path / "backup.db")   # a backup alone forks nothing
    codes = []
    for i in range(3):
        t1.svc.edit_case(cid, facts=f"第{i + 1}次修改")
        (rep,) = net.county.sync.import_files([t1.export(tmp_path / f"P{i}.mdsync").path])
        codes.append((rep.exit_code, rep.counts.conflicts))
    assert codes == [(0, 0)] * 3
    assert net.county.svc.find_case(cid).facts == "第3次修改"
    assert net.county.sync.conflicts() == []
    # an older package of the same line imported late is older, not a conflict
    old = t1.export(tmp_path / "old.mdsync").path
    t1.svc.edit_case(cid, facts="第4次修改")
    (new,) = net.county.sync.import_files([t1.export(tmp_path / "new.mdsync").path])
    (late,) = net.county.sync.import_files([old])
    assert (new.exit_code, late.exit_code, late.counts.older) == (0, 0, 1)
    assert net.county.svc.find_case(cid).facts == "第4次修改"


def test_package_header_carries_the_lineage(net, tmp_path) -> None:
    from sqlalchemy import text

    net.t1.register(1)
    with net.t1.db.read() as s:
        head = s.exec(text(  # type: ignore[call-overload]
            "SELECT max(seq) FROM audit_log")).scalar_one()
    path = net.t1.export(tmp_path / "P.mdsync").path
    info = pk.read_header(path)
    chain = _chain(net.t1.db.path)
    assert info.format_version == 2
    assert info.lineage is not None
    # the audit sequence number at the snapshot (the export's own entry comes after it)
    assert (info.lineage.lineage, info.lineage.seq, info.lineage.ancestry) == (
        chain[-1][0], head, ())
    (rep,) = net.county.sync.import_files([path])
    with net.county.db.read() as s:
        from sqlalchemy import text

        row = s.exec(text(  # type: ignore[call-overload]
            "SELECT lineage, lineage_seq, ancestry FROM import_log WHERE package_hash = :h"),
            params={"h": rep.package_hash}).one()
    assert tuple(row) == (chain[-1][0], head, "[]")


def test_format_1_package_still_imports(net, tmp_path) -> None:
    (cid,) = net.t1.register(1)
    payload = payload_of(net.t1, tmp_path / "p.sqlite")
    old = seal(net.t1, net.county, payload, tmp_path / "v1.mdsync")
    info = pk.read_header(old)
    assert (info.format_version, info.lineage) == (1, None)
    (rep,) = net.county.sync.import_files([old])
    assert (rep.status, rep.exit_code, rep.counts.conflicts) == (IMPORTED, 0, 0)
    assert net.county.svc.find_case(cid).facts == "两家因宅基地滴水问题发生争执0"
    with net.county.db.read() as s:
        from sqlalchemy import text

        row = s.exec(text(  # type: ignore[call-overload]
            "SELECT format_version, lineage, lineage_seq, ancestry FROM import_log")).one()
    assert tuple(row) == (1, None, None, None)
    # a format-2 package of the same office afterwards merges as usual
    net.t1.svc.edit_case(cid, facts="新版")
    (rep2,) = net.county.sync.import_files([net.t1.export(tmp_path / "v2.mdsync").path])
    assert (rep2.exit_code, rep2.counts.updated, rep2.counts.conflicts) == (0, 1, 0)


@pytest.mark.parametrize("change", [
    {"lineage": "XYZ"},
    {"lineage_seq": -1},
    {"ancestry": [["0" * 32]]},
    {"ancestry": [["0" * 32, "1"]]},
    {"ancestry": "none"},
])
def test_bad_lineage_fields_are_damage(net, tmp_path, change) -> None:
    from mediator.sync import errors as E

    net.t1.register(1)
    payload = payload_of(net.t1, tmp_path / "p.sqlite")
    header = {"lineage": "a" * 32, "lineage_seq": 3, "ancestry": [], **change}
    bad = seal(net.t1, net.county, payload, tmp_path / "bad.mdsync", header=header)
    (rep,) = net.county.sync.import_files([bad])
    assert (rep.status, rep.exit_code) == ("refused", E.DAMAGED)
    assert "已损坏" in rep.message


def test_points_relation() -> None:
    a, b, c = "a" * 32, "b" * 32, "c" * 32
    m5 = lineage.Point(a, 5)
    m9 = lineage.Point(a, 9)
    l12 = lineage.Point(b, 12, ((a, 7),))
    assert lineage.relation(m9, m5) == lineage.COMPATIBLE
    assert lineage.relation(l12, m5) == lineage.COMPATIBLE     # backed up after m5
    assert lineage.relation(l12, m9) == lineage.TAKE_OVER      # m9 written after the backup
    assert lineage.relation(m9, l12) == lineage.SUPERSEDED
    assert lineage.relation(lineage.Point(c, 3, ((a, 8),)), l12) == lineage.SIBLING
    assert lineage.parse_chain('[["' + a + '",7],["' + b + '",null]]') == [(a, 7), (b, None)]
    for bad in ("", "[]", '[["' + a + '",7]]', '[["' + a + '",null],["' + a + '",null]]',
                '[["x",null]]', "{"):
        assert lineage.parse_chain(bad) is None


def test_cli_restore_then_import_lists_both_branches(tmp_path, monkeypatch, capsys) -> None:
    """The issue's scenario with the commands a clerk types: backup, edit once, export,
    restore, edit twice, export; the county's second import ends with 6 and `sync conflicts`
    shows the other branch and the case only the abandoned branch had."""
    from datetime import date

    from mediator.cli import main
    from mediator.core.db import open_database
    from mediator.core.enums import DisputeType
    from mediator.core.inputs import CaseInput, PartyInput
    from mediator.core.services import Services

    def run(home: str, *argv: str) -> int:
        monkeypatch.setenv("MEDIATOR_HOME", str(tmp_path / home))
        monkeypatch.setenv("MEDIATOR_OPERATOR", f"{home}的操作员")
        return main(list(argv))

    def town(action) -> str:  # type: ignore[no-untyped-def]
        with open_database(tmp_path / "town" / "mediator.db") as db:
            return action(Services(db, "王", today=lambda: date(2026, 11, 23)))

    def register(facts: str):  # type: ignore[no-untyped-def]
        return lambda svc: svc.register_case(CaseInput(
            parties=[PartyInput("张三")], dispute_type=DisputeType.OTHER, facts=facts,
            registered_on=date(2026, 11, 20))).case_id

    stick = tmp_path / "U盘"
    stick.mkdir()
    assert run("town", "init", "--office-name", "青石镇人民调解委员会",
               "--office-code", "330106001") == 0
    assert run("county", "init", "--office-name", "西湖区人民调解委员会",
               "--office-code", "330106") == 0
    assert run("county", "keys", "export", "-o", str(stick)) == 0
    assert run("town", "keys", "export", "-o", str(stick)) == 0
    assert run("town", "keys", "trust", str(stick / "330106_西湖区.pub")) == 0
    assert run("county", "keys", "trust", str(stick / "330106001_青石镇.pub")) == 0
    cid = town(register("原始事实"))
    backup = tmp_path / "备份.db"
    assert run("town", "backup", "-o", str(backup)) == 0
    town(lambda svc: svc.edit_case(cid, facts="备份后改过一次"))
    town(register("备份后登记"))
    assert run("town", "sync", "export", "-o", str(tmp_path / "PA.mdsync")) == 0
    assert run("town", "restore", str(backup)) == 0
    town(lambda svc: svc.edit_case(cid, facts="恢复后改第一次"))
    town(lambda svc: svc.edit_case(cid, facts="恢复后改第二次"))
    assert run("town", "sync", "export", "-o", str(tmp_path / "PC.mdsync")) == 0
    assert run("county", "sync", "import", str(tmp_path / "PA.mdsync")) == 0
    capsys.readouterr()
    assert run("county", "sync", "import", str(tmp_path / "PC.mdsync")) == 6
    assert "冲突" in capsys.readouterr().out
    assert run("county", "sync", "conflicts") == 0
    out = capsys.readouterr().out
    assert out.count("恢复备份后的另一分支") == 1
    assert "恢复后改第二次" in out and "备份后改过一次" in out
    # the case registered after the backup, its party and its registration event, and the
    # event of the edit made after the backup
    assert out.count("乡镇已无此记录") == 4
    assert out.count("恢复后的数据库中已没有它") == 4


def test_county_restore_forks_only_its_own_rows_at_the_city(net, tmp_path) -> None:
    """A county that restores a backup forks its own history, not its townships': the rows
    it passes up keep their single writer, so the city orders them by revision as before."""
    county = net.county
    (cid,) = net.t1.register(1)
    county.sync.import_files([net.t1.export(tmp_path / "T1.mdsync").path])
    backup = tmp_path / "county-backup.db"
    copy_database(county.db.path, backup)
    net.t1.svc.edit_case(cid, facts="乡镇改过")
    county.sync.import_files([net.t1.export(tmp_path / "T2.mdsync").path])
    up_a = county.export(tmp_path / "KA.mdsync").path
    county.db.close()
    restore(county.paths.db, backup, county.paths.backups)
    county.reopen()
    up_c = county.export(tmp_path / "KC.mdsync").path
    (ra,) = net.city.sync.import_files([up_a])
    (rc,) = net.city.sync.import_files([up_c])
    assert (ra.exit_code, rc.exit_code, rc.counts.conflicts) == (0, 0, 0)
    assert rc.tables["dispute_case"].older == 1
    assert net.city.svc.find_case(cid).facts == "乡镇改过"
    assert net.city.sync.conflicts() == []
