"""The sync screens, driven with Pilot in the real app (built as the ``mediator`` command builds
it, the screen under test opened first), checked against the files written and the
databases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from textual.widgets import Button, DataTable, Input, Select, SelectionList, Static

from mediator.core.backup import copy_database
from mediator.core.config import Config
from mediator.tui.app import MediatorApp, create_app
from mediator.tui.screens.sync import ConflictsScreen, ImportLogScreen, ImportScreen, SyncScreen


def office_app(office: Any, first_screen: Any = None, operator: str = "") -> MediatorApp:
    """The app on one office's database, folders and clock."""
    return create_app(office.db, office.paths, operator=operator or office.svc.operator,
                      today=office.svc.today, config=Config(), first_screen=first_screen)


async def settle(pilot) -> None:  # type: ignore[no-untyped-def]
    from textual.worker import WorkerCancelled

    for _ in range(3):
        try:
            await pilot.app.workers.wait_for_complete()
        except WorkerCancelled:
            pass   # an exclusive worker replaced by a newer one: the next round waits for that
        await pilot.pause()


def static_text(screen, selector: str) -> str:  # type: ignore[no-untyped-def]
    return str(screen.query_one(selector, Static).render())


async def test_export_to_a_usb_folder(net) -> None:
    net.t1.register(3)
    app = office_app(net.t1, SyncScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert "青石镇人民调解委员会" in static_text(screen, "#sync-office")
        assert screen.query_one("#sync-to", Select).value == "330106"   # the county, by default
        screen.query_one("#sync-folder", Input).value = str(net.stick)
        await pilot.click("#sync-export")
        await settle(pilot)
        result = static_text(screen, "#sync-result")
        assert "可以安全拔出" in result, result
    written = list(net.stick.glob("*.mdsync"))
    assert len(written) == 1 and written[0].name.startswith("330106001_青石镇_")
    assert (net.t1.paths.data / "outbox" / written[0].name).read_bytes() == written[0].read_bytes()


async def test_export_without_a_stick_goes_to_the_exports_folder(net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """No stick chosen: the package lands in 导出 (not only the hidden outbox), and 打开文件夹
    shows that folder."""
    from mediator.core import desktop

    opened: list[Any] = []
    monkeypatch.setattr(desktop.shutil, "which", lambda tool: f"/usr/bin/{tool}")
    monkeypatch.setattr(desktop.subprocess, "Popen", lambda argv, **kw: opened.append(argv[1]))
    net.t1.register(2)
    app = office_app(net.t1, SyncScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#sync-folder", Input).value = ""
        assert screen.query_one("#sync-open", Button).display is False
        await pilot.click("#sync-export")
        await settle(pilot)
        exports = net.t1.paths.export_folder
        written = list(exports.glob("*.mdsync"))
        assert len(written) == 1 and written[0].name.startswith("330106001_青石镇_")
        assert str(written[0]) in static_text(screen, "#sync-result").replace("\n", "")
        assert screen.query_one("#sync-open", Button).display is True
        await pilot.click("#sync-open")
        await pilot.pause()
        assert opened == [str(exports)]


async def test_export_to_a_missing_folder_says_so(net, tmp_path) -> None:
    app = office_app(net.t1, SyncScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.query_one("#sync-folder", Input).value = str(tmp_path / "没有插U盘")
        await pilot.click("#sync-export")
        await settle(pilot)
        assert "找不到文件夹" in static_text(app.screen, "#sync-result")
        assert app.screen.query_one("#sync-export", Button).disabled is False
    assert not list(net.stick.glob("*.mdsync"))


async def test_import_files_from_a_stick_with_per_file_report(net) -> None:
    net.t1.register(2)
    net.t2.register(3)
    net.t1.export(net.stick)
    net.t2.export(net.stick)
    (net.stick / "坏文件.mdsync").write_bytes(b"not a package")
    app = office_app(net.county, lambda: ImportScreen(str(net.stick)))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        files = app.screen.query_one("#import-files", SelectionList)
        assert len(files.selected) == 3
        await pilot.click("#import-run")
        await settle(pilot)
        table = app.screen.query_one("#import-report", DataTable)
        assert table.row_count == 3
        results = sorted(str(table.get_row_at(i)[2]) for i in range(3))
        assert results == ["已导入", "已导入", "未导入"]
        summary = static_text(app.screen, "#import-summary")
        assert "导入 2 个" in summary and "未导入 1 个" in summary
    with net.county.db.read() as s:
        assert s.exec(text("SELECT count(*) FROM dispute_case WHERE deleted = 0")).one()[0] == 5
        # the merges left the new cases' search entries for after them: built in the
        # background once the import finished
        assert s.exec(text("SELECT count(*) FROM search_pending")).one()[0] == 0
        assert s.exec(text("SELECT count(*) FROM case_fts")).one()[0] == 5

    # the log screen lists both imports
    app = office_app(net.county, ImportLogScreen)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        senders = {str(table.get_row_at(i)[1]) for i in range(2)}
        assert senders == {"青石镇人民调解委员会（330106001）", "清溪乡人民调解委员会（330106002）"}


async def test_conflicts_screen_shows_and_resolves(net, tmp_path) -> None:
    t1 = net.t1
    (cid,) = t1.register(1)
    copy_database(t1.db.path, tmp_path / "b.db")
    t1.svc.edit_case(cid, facts="县里先收到的版本")
    net.county.sync.import_files([t1.export(tmp_path / "a.mdsync").path])
    t1.db.close()
    import shutil

    for side in ("-wal", "-shm"):
        (t1.paths.db.parent / (t1.paths.db.name + side)).unlink(missing_ok=True)
    shutil.copyfile(tmp_path / "b.db", t1.paths.db)
    t1.reopen()
    t1.svc.edit_case(cid, facts="恢复备份后另改的版本")
    net.county.sync.import_files([t1.export(tmp_path / "b.mdsync").path])
    conflicts = net.county.sync.conflicts()
    assert conflicts
    app = office_app(net.county, ConflictsScreen)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(conflicts)
        detail = static_text(app.screen, "#sync-conflict-detail")
        assert "恢复备份后另改的版本" in detail or "县里先收到的版本" in detail
        for _ in range(table.row_count):
            await pilot.press("r")
            await settle(pilot)
            table.move_cursor(row=0)
    assert net.county.sync.conflicts() == []
    assert len(net.county.sync.conflicts(include_resolved=True)) == len(conflicts)


async def test_names_with_markup_are_shown_literally(office_factory, net) -> None:
    evil = office_factory("[@click=app.quit]白沙[/]镇人民调解委员会", "白沙", "330106003")
    evil.trust(net.county)
    net.county.trust(evil)
    evil.register(1)
    evil.export(net.stick)
    app = office_app(net.county, lambda: ImportScreen(str(net.stick)))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#import-run")
        await settle(pilot)
        table = app.screen.query_one("#import-report", DataTable)
        assert str(table.get_row_at(0)[1]).startswith("[@click=app.quit]白沙[/]")
        assert app.is_running


async def test_county_filters_by_township_and_takes_over_a_case(net) -> None:
    """The real app on a county database: an office filter (absent at a township), township
    cases read-only, and 承接 (l) opening the county's own linked case."""
    from mediator.core.queries import CaseFilter
    from mediator.tui.screens.case_file import CaseFileScreen
    from mediator.tui.screens.cases import CasesScreen
    from mediator.tui.widgets.case_list import CaseList

    from .conftest import TODAY

    (passed_up,) = net.t1.register(1)
    net.t1.svc.accept_case(passed_up)
    net.t1.svc.transfer_case(passed_up, "西湖区人民调解委员会", "涉及两个乡镇")
    t2_cases = net.t2.register(2)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    app = office_app(net.county, operator="西湖操作员")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        office = app.screen.query_one("#f-office", Select)
        assert office.display
        assert len(app.screen.query_one(CaseList).rows) == 3
        office.value = net.t2.code
        await settle(pilot)
        assert sorted(r.id for r in app.screen.query_one(CaseList).rows) == sorted(t2_cases)
        office.value = net.t1.code
        await settle(pilot)
        assert [r.id for r in app.screen.query_one(CaseList).rows] == [passed_up]
        app.open_case(passed_up)
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen) and app.screen.cf.read_only
        await pilot.press("l")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
        mine = app.screen.cf
        assert mine is not None and not mine.read_only
        assert mine.case.owner_code == "330106" and mine.case.linked_case_id == passed_up
    with net.county.db.read() as s:
        from mediator.core.queries import count_cases

        assert count_cases(s, CaseFilter(owner_code="330106"), TODAY) == 1
    assert net.county.svc.find_case(passed_up).revision == net.t1.svc.find_case(passed_up).revision


async def test_township_has_no_office_filter(net) -> None:


    net.t1.register(1)
    app = office_app(net.t1, operator="青石操作员")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#f-office", Select).display


async def test_crafted_headers_are_reported_per_file_and_the_rest_imported(net) -> None:
    """A crafted header once raised out of the import worker and stopped the whole stick."""
    from .test_sync_hostile_headers import crafted

    net.t1.register(1)
    good = net.t1.export(net.stick).path
    data = good.read_bytes()
    (net.stick / "0-nested.mdsync").write_bytes(crafted(data, "nested lists"))
    (net.stick / "1-payload.mdsync").write_bytes(crafted(data, "payload a list"))
    app = office_app(net.county, lambda: ImportScreen(str(net.stick)))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        await pilot.click("#import-run")
        await settle(pilot)
        table = app.screen.query_one("#import-report", DataTable)
        rows = {str(table.get_row_at(i)[0]): table.get_row_at(i) for i in range(table.row_count)}
        assert set(rows) == {"0-nested.mdsync", "1-payload.mdsync", good.name}
        for name in ("0-nested.mdsync", "1-payload.mdsync"):
            assert str(rows[name][1]) == ""          # no unverified sender named
            assert str(rows[name][2]) == "未导入"
            assert "已损坏" in str(rows[name][-1])
        assert str(rows[good.name][2]) == "已导入"
        assert "未导入 2 个" in static_text(app.screen, "#import-summary")


async def test_import_log_shows_a_hostile_week_literally(net) -> None:
    net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    with net.county.db.write() as s:
        s.exec(text("UPDATE import_log SET week = :w"), params={"w": "\x1b[2J\x07W48"})
    app = office_app(net.county, ImportLogScreen)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        week = str(app.screen.query_one(DataTable).get_row_at(0)[2])
        assert week == "^[[2J^GW48"
