"""督办 at the township, in the real app (issue 22): the case file's header says what the
county asked, by when, and who supervises; withdrawn, it is gone."""

from __future__ import annotations

from datetime import timedelta

from mediator.core.supervision import SupervisionService
from mediator.i18n import t
from mediator.tui.screens.case_file import CaseFileScreen

from .conftest import TODAY
from .test_sync_tui import office_app, settle, static_text


async def test_the_case_file_header_shows_the_countys_supervision(net) -> None:
    [case_id] = net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    item = sup.supervise(case_id, "久拖不决，请十日内化解", TODAY + timedelta(days=10),
                         leader="李副县长")
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick)
    net.t1.sync.import_files([pkg.path])
    app = office_app(net.t1, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = static_text(app.screen, "#cf-warnings")
    due = t("casefile.supervision_due", due=(TODAY + timedelta(days=10)).isoformat())
    assert header == (f"{t('supervision.kind.SUPERVISE')} {due} "
                      f"{t('casefile.supervision_leader')} 李副县长 久拖不决，请十日内化解")
    # withdrawn at the county: the next package takes the mark away
    sup.withdraw(item)
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick / "2")
    net.t1.sync.import_files([pkg.path])
    app = office_app(net.t1, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert static_text(app.screen, "#cf-warnings") == ""
        assert not app.screen.query_one("#cf-warnings").has_class("-shown")


async def test_the_agenda_lists_the_countys_items_and_opens_their_case(net) -> None:
    from mediator.tui.screens.agenda import AgendaList, AgendaScreen, Heading, kind_label
    from mediator.tui.screens.case_file import CaseFileScreen as Opened

    [case_id] = net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    item = sup.supervise(case_id, "请三日内报告进展", TODAY + timedelta(days=3))
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick)
    net.t1.sync.import_files([pkg.path])
    [agenda_item] = [i for i in net.t1.svc.agenda() if i.kind == "SUPERVISE"]
    assert (agenda_item.case_id, agenda_item.due_on, agenda_item.note) == (
        case_id, TODAY + timedelta(days=3), "请三日内报告进展")
    assert kind_label(agenda_item) == t("supervision.kind.SUPERVISE")
    app = office_app(net.t1, AgendaScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(AgendaList)
        rows = [r for r in table.rows if not isinstance(r, Heading)]
        index = next(i for i, r in enumerate(table.rows)
                     if not isinstance(r, Heading) and r.kind == "SUPERVISE")
        assert [r.kind for r in rows].count("SUPERVISE") == 1
        table.cursor = index
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, Opened) and app.screen.case_id == case_id
    # finished at the township: off the agenda
    SupervisionService(net.t1.svc).finish(item, "已化解")
    assert [i for i in net.t1.svc.agenda() if i.kind == "SUPERVISE"] == []


async def test_the_county_supervises_from_a_township_case_file(net) -> None:
    from sqlalchemy import text
    from textual.widgets import Input, TextArea

    from mediator.tui.dialogs.supervise import SuperviseDialog

    [case_id] = net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    app = office_app(net.county, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SuperviseDialog)
        # no instruction: refused under its field, nothing written
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, SuperviseDialog)
        with net.county.db.read() as s:
            assert s.exec(text("SELECT count(*) FROM supervision")).scalar_one() == 0  # type: ignore[call-overload]
        dialog.query_one("#f-instruction", TextArea).text = "请十日内化解"
        dialog.query_one("#f-due_on", Input).value = "2026-12-01"
        dialog.query_one("#f-leader", Input).value = "王主任"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
    [item] = SupervisionService(net.county.svc).items()
    assert (item.kind, item.local_case_id, item.instruction, item.due_on.isoformat(),
            item.leader, item.target_code) == ("SUPERVISE", case_id, "请十日内化解",
                                               "2026-12-01", "王主任", net.t1.code)


async def test_no_supervision_key_on_an_own_case(net) -> None:
    [case_id] = net.t1.register(1)
    app = office_app(net.t1, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("supervise", ()) is False
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
