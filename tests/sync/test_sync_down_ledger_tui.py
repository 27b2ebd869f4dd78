"""The county's 督办台账 screen in the real app (issue 22): each item's status and days left,
filtered by status and township and paged in SQL, Enter opens the case, Ctrl+E writes the xlsx;
reached from the command palette at a county only."""

from __future__ import annotations

from datetime import timedelta

from textual.command import CommandPalette
from textual.widgets import OptionList, Static

from mediator.core.supervision import OVERDUE, SIGNED, UNSIGNED, SupervisionService
from mediator.i18n import t
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.screens.supervision import LedgerTable, SupervisionLedgerScreen, days_text
from mediator.tui.widgets.select import Select

from .conftest import TODAY
from .test_sync_tui import office_app, settle


def _county_with_items(net):  # type: ignore[no-untyped-def]
    a = net.t1.register(2)
    b = net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    items = [sup.supervise(a[0], "请三日内化解", TODAY - timedelta(days=0) + timedelta(days=3)),
             sup.supervise(a[1], "请十日内化解", TODAY + timedelta(days=10)),
             sup.supervise(b[0], "请五日内化解", TODAY + timedelta(days=5))]
    r1, _ = net.county.sync.export_down([net.t1.code, net.t2.code], output=net.stick)
    net.t1.sync.import_files([r1.path])
    SupervisionService(net.t1.svc).acknowledge(items[1])
    (net.stick / "up").mkdir()
    net.county.sync.import_files([net.t1.export(net.stick / "up").path])
    return a, b, sup, items


async def test_the_ledger_screen_filters_pages_opens_and_exports(net, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    import mediator.tui.screens.supervision as screen_module

    a, b, sup, items = _county_with_items(net)
    monkeypatch.setattr(screen_module, "PAGE", 2)
    monkeypatch.setattr(screen_module, "PREFETCH", 0)
    app = office_app(net.county, SupervisionLedgerScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(LedgerTable)
        # pages of two: the screen has room for more, so the second page (from offset 2)
        # was asked for at once
        assert [r.item.id for r in table.rows] == items and not table.has_more
        assert screen.page is not None and screen.page.offset == 2
        counts = " · ".join(f"{t(f'supervision.status.{s}')} {n}" for s, n in (
            ("UNSIGNED", 2), ("SIGNED", 1), ("WORKING", 0), ("FINISHED", 0), ("OVERDUE", 0),
            ("RETURNED", 0)))
        assert str(screen.query_one("#sv-counts", Static).render()) == t(
            "tui.sv.summary", n=3, counts=counts)
        assert [(r.status, days_text(r)) for r in table.rows] == [
            (UNSIGNED, t("deadline.left", days=3)), (SIGNED, t("deadline.left", days=10)),
            (UNSIGNED, t("deadline.left", days=5))]
        # by status, then by township
        screen.query_one("#sv-status", Select).value = UNSIGNED
        await settle(pilot)
        assert [r.item.id for r in table.rows] == [items[0], items[2]]
        screen.query_one("#sv-town", Select).value = net.t2.code
        await settle(pilot)
        assert [r.item.id for r in table.rows] == [items[2]]
        # Enter opens the township's case
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen) and app.screen.case_id == b[0]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # Ctrl+E: the whole 台账 as xlsx in the exports folder
        await pilot.press("ctrl+e")
        await settle(pilot)
        path = net.county.paths.export_folder / f"督办台账_{TODAY.isoformat()}.xlsx"
        assert str(screen.query_one("#sv-result", Static).render()) == t(
            "cli.supervision.written", path=str(path))
    sheet = openpyxl.load_workbook(path).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    statuses = [row[8] for row in values if row[8] in (t("supervision.status.UNSIGNED"),
                                                        t("supervision.status.SIGNED"))]
    assert statuses == [t("supervision.status.UNSIGNED"), t("supervision.status.SIGNED"),
                        t("supervision.status.UNSIGNED")]


async def test_an_overdue_item_says_how_many_days(net) -> None:
    _a, _b, sup, items = _county_with_items(net)
    net.county.svc.today = lambda: TODAY + timedelta(days=6)   # type: ignore[method-assign]
    rows = {r.item.id: r for r in sup.ledger()}
    assert (rows[items[0]].status, days_text(rows[items[0]])) == (
        OVERDUE, t("deadline.overdue", days=3))


async def _palette(pilot, app, typed: str) -> list[str]:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*typed)
    found: list[str] = []
    for _ in range(100):
        await pilot.pause(0.02)
        options = app.screen.query_one(OptionList)
        found = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        if found and t("tui.cmd.supervision") in found[0]:
            break
    return found


async def test_the_palette_opens_the_ledger_at_a_county_only(net) -> None:
    _county_with_items(net)
    app = office_app(net.county)
    async with app.run_test(size=(100, 30)) as pilot:
        found = await _palette(pilot, app, "督办台账")
        assert found and t("tui.cmd.supervision") in found[0]
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SupervisionLedgerScreen)
    app = office_app(net.t1)
    async with app.run_test(size=(100, 30)) as pilot:
        found = await _palette(pilot, app, "督办台账")
        assert not any(t("tui.cmd.supervision") in f for f in found)


async def test_withdraw_from_the_ledger(net) -> None:
    """w on an item asks first; 撤回 writes the tombstone (audited), the 台账 no longer lists
    it, and the next 下发 carries it."""
    import sqlite3

    from mediator.tui.dialogs.base import ConfirmDialog

    _a, _b, sup, items = _county_with_items(net)
    app = office_app(net.county, SupervisionLedgerScreen)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        table = screen.query_one(LedgerTable)
        table.focus()
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")             # the safe answer: nothing withdrawn
        await settle(pilot)
        assert [i.id for i in sup.items()] == items
        await pilot.press("w")
        await settle(pilot)
        await pilot.click("#yes")
        await settle(pilot)
        assert app.screen is screen
        assert [r.item.id for r in table.rows] == items[1:]
    assert [i.id for i in sup.items()] == items[1:]
    con = sqlite3.connect(f"file:{net.county.db.path}?mode=ro", uri=True)
    try:
        assert con.execute("SELECT deleted, revision FROM supervision WHERE id = ?",
                           (items[0],)).fetchone() == (1, 2)
        assert con.execute("SELECT count(*) FROM audit_log WHERE action = "
                           "'supervision.withdraw' AND entity_id = ?",
                           (items[0],)).fetchone() == (1,)
    finally:
        con.close()
