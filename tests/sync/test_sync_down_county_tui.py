"""At the county, in the real app (issue 22): 交办 from a case file (key j) and from 登记 (the
交办给 section), 督办 of the cases marked in the list (space, then Ctrl+D). Each checked in
the database: what was written, and nothing when the input is refused."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

from textual.widgets import TextArea

from mediator.core.enums import DisputeType, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.supervision import SupervisionService
from mediator.i18n import t
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.select import Select

from .conftest import TODAY
from .test_sync_tui import office_app, settle


def _rows(path, sql, params=()):  # type: ignore[no-untyped-def]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _petition() -> CaseInput:
    return CaseInput(parties=[PartyInput("王五", phone="13812345678"),
                              PartyInput("赵六", role=PartyRole.RESPONDENT)],
                     dispute_type=DisputeType.NEIGHBOUR, facts="信访转交：宅基地边界争议")


async def test_the_county_assigns_its_own_case_from_the_case_file(net) -> None:
    from mediator.tui.dialogs.assign import AssignDialog

    net.t1.register(1)
    net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    own = net.county.svc.register_case(_petition())
    app = office_app(net.county, lambda: CaseFileScreen(own.case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("assign", ()) is True
        assert app.screen.check_action("supervise", ()) is False
        await pilot.press("j")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AssignDialog)
        target = dialog.query_one("#f-target", Select)
        assert [v for _, v in target._options if v is not Select.NULL] == [
            net.t1.code, net.t2.code]
        # no township chosen: refused under its field, nothing written
        dialog.query_one("#f-instruction", TextArea).text = "请依法调处，三十日内报结果"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, AssignDialog)
        assert _error(dialog, "target_code") == (t("assign.target_required"), True)
        assert SupervisionService(net.county.svc).items() == []
        target.value = net.t2.code
        dialog.query_one("#f-due_on", Input).value = (TODAY + timedelta(days=30)).isoformat()
        dialog.query_one("#f-leader", Input).value = "王主任"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
    [item] = SupervisionService(net.county.svc).items()
    assert (item.kind, item.target_code, item.local_case_id, item.county_ref, item.instruction,
            item.due_on, item.leader) == (
        "ASSIGN", net.t2.code, own.case_id, own.case_no, "请依法调处，三十日内报结果",
        TODAY + timedelta(days=30), "王主任")
    assert _rows(net.county.db.path, "SELECT action, entity_id FROM audit_log WHERE "
                 "entity = 'supervision'") == [("supervision.assign", item.id)]


async def test_no_assign_key_at_a_township_or_on_a_township_case(net) -> None:
    [case_id] = net.t1.register(1)
    app = office_app(net.t1, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("assign", ()) is False
        await pilot.press("j")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    app = office_app(net.county, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("assign", ()) is False
    assert SupervisionService(net.county.svc).items() == []


def _error(screen, name: str) -> tuple[str, bool]:  # type: ignore[no-untyped-def]
    """The message under field ``name`` and whether it is an error."""
    from mediator.tui.widgets.form import find_field

    ff = find_field(screen, name)
    assert ff is not None
    return ff._state


async def _fill_intake(pilot, screen) -> None:  # type: ignore[no-untyped-def]
    from mediator.tui.widgets.party_editor import PartyEditor
    from mediator.tui.widgets.picker import Picker

    first, second = list(screen.query(PartyEditor))[:2]
    first.query_one("#name", Input).value = "王五"
    second.query_one("#name", Input).value = "赵六"
    picker = screen.query_one("#dispute_type", Picker)
    picker.input.focus()
    await pilot.press("邻")
    await pilot.press("tab")   # the one match: 邻里
    screen.query_one("#facts", TextArea).text = "信访转交：宅基地边界争议"
    await settle(pilot)


async def test_register_and_assign_from_the_intake(net) -> None:
    from mediator.tui.screens.intake import IntakeScreen

    net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    app = office_app(net.county, IntakeScreen)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.query_one("#assign-box").has_class("-hidden")
        await _fill_intake(pilot, screen)
        target = screen.query_one("#f-assign-target", Select)
        target.value = net.t1.code
        # no instruction: refused under the field, neither the case nor the item written
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert _error(screen, "instruction") == (t("supervision.instruction_required"), True)
        assert _rows(net.county.db.path, "SELECT count(*) FROM dispute_case WHERE "
                     "owner_code = ?", (net.county.code,)) == [(0,)]
        assert SupervisionService(net.county.svc).items() == []
        screen.query_one("#f-assign-instruction", TextArea).text = "请依法调处"
        screen.query_one("#f-assign-leader", Input).value = "王主任"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
    [(case_id, case_no, facts)] = _rows(
        net.county.db.path, "SELECT id, case_no, facts FROM dispute_case WHERE owner_code = ?",
        (net.county.code,))
    assert facts == "信访转交：宅基地边界争议"
    [item] = SupervisionService(net.county.svc).items()
    assert (item.kind, item.target_code, item.local_case_id, item.county_ref, item.instruction,
            item.due_on, item.leader) == (
        "ASSIGN", net.t1.code, case_id, case_no, "请依法调处", TODAY + timedelta(days=10),
        "王主任")


async def test_the_intake_at_a_township_has_no_assign_section(net) -> None:
    from mediator.tui.screens.intake import IntakeScreen

    app = office_app(net.t1, IntakeScreen)
    async with app.run_test(size=(120, 60)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.query_one("#assign-box").has_class("-hidden")
        await _fill_intake(pilot, screen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen)
    assert SupervisionService(net.t1.svc).items() == []
    assert _rows(net.t1.db.path, "SELECT facts FROM dispute_case") == [("信访转交：宅基地边界争议",)]


async def test_the_county_supervises_the_cases_marked_in_the_list(net) -> None:
    from mediator.tui.dialogs.assign import SuperviseManyDialog
    from mediator.tui.screens.cases import CasesScreen
    from mediator.tui.widgets.case_list import MARK, CaseList

    net.t1.register(2)
    net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    app = office_app(net.county, CasesScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        case_list = screen.query_one(CaseList)
        assert case_list.markable is True
        rows = list(case_list.rows)
        assert len(rows) == 3
        case_list.focus()
        await pilot.press("space")          # marks the first, moves to the second
        await pilot.press("down")           # skips the second
        await pilot.press("space")          # marks the third
        await settle(pilot)
        assert list(case_list.marked) == [rows[0].id, rows[2].id]
        assert case_list.row_prefix(rows[0]) == MARK and case_list.row_prefix(rows[1]) == " "
        assert str(screen.query_one("#marked-count").render()) == t("tui.cases.marked_count",
                                                                    n=2)
        await pilot.press("ctrl+d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SuperviseManyDialog)
        assert dialog.case_ids == [rows[0].id, rows[2].id]
        # no instruction: refused, nothing written
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is dialog
        assert SupervisionService(net.county.svc).items() == []
        dialog.query_one("#f-instruction", TextArea).text = "逾期未结，请七日内化解"
        dialog.query_one("#f-due_on", Input).value = (TODAY + timedelta(days=7)).isoformat()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert case_list.marked == {}
        assert screen.query_one("#marked-count").has_class("-hidden")
    items = SupervisionService(net.county.svc).items()
    assert sorted((i.local_case_id, i.kind, i.instruction, i.due_on) for i in items) == sorted(
        (r.id, "SUPERVISE", "逾期未结，请七日内化解", TODAY + timedelta(days=7))
        for r in (rows[0], rows[2]))
    audited = _rows(net.county.db.path, "SELECT action FROM audit_log WHERE "
                    "entity = 'supervision'")
    assert audited == [("supervision.supervise",), ("supervision.supervise",)]


async def test_no_marks_at_a_township(net) -> None:
    from mediator.tui.screens.cases import CasesScreen
    from mediator.tui.widgets.case_list import CaseList

    net.t1.register(2)
    app = office_app(net.t1, CasesScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        case_list = app.screen.query_one(CaseList)
        case_list.focus()
        assert case_list.markable is False
        await pilot.press("space")
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert case_list.marked == {} and isinstance(app.screen, CasesScreen)
    assert SupervisionService(net.t1.svc).items() == []


async def test_the_county_sends_down_to_the_townships_it_ticks(net) -> None:
    """上报同步's 下发 at the county: the townships ticked each get their package in the
    folder chosen, as ``sync export --down`` writes it; the result says what went in."""
    from mediator.sync.importer import IMPORTED
    from mediator.tui.screens.sync import SyncScreen
    from mediator.tui.widgets.checkbox import SelectionList

    from .test_sync_tui import static_text

    a = net.t1.register(1)
    net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    sup.supervise(a[0], "请十日内化解", TODAY + timedelta(days=10))
    out = net.stick / "down"
    out.mkdir()
    app = office_app(net.county, SyncScreen)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert not screen.query_one("#down-box").has_class("-hidden")
        lst = screen.query_one("#down-to", SelectionList)
        assert [lst.get_option_at_index(i).value for i in range(lst.option_count)] == [
            net.t1.code, net.t2.code]
        screen.query_one("#sync-folder", Input).value = str(out)
        # none ticked: said, nothing written
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert static_text(screen, "#sync-result") == t("tui.sync.down_none")
        assert list(out.iterdir()) == []
        lst.focus()
        await pilot.press("space")          # ticks the first township
        assert lst.selected == [net.t1.code]
        await pilot.press("ctrl+d")
        await settle(pilot)
        [written] = list(out.glob("*.mdsync"))
        assert written.name.endswith(f"_下发_{net.t1.code}.mdsync")
        result = static_text(screen, "#sync-result").splitlines()
        assert result[0] == t("tui.sync.down_done", name=written.name, to="青石镇人民调解委员会",
                              items=1, receipts=1, notices=0)
    audited = _rows(net.county.db.path, "SELECT action, entity_id FROM audit_log WHERE "
                    "action = 'sync.export_down'")
    assert audited == [("sync.export_down", written.name)]
    # the township imports it: the 督办 arrives
    [rep] = net.t1.sync.import_files([written])
    assert rep.status == IMPORTED
    assert [i.local_case_id for i in SupervisionService(net.t1.svc).items()] == [a[0]]


async def test_no_send_down_at_a_township(net) -> None:
    from mediator.tui.screens.sync import SyncScreen

    app = office_app(net.t1, SyncScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#down-box").has_class("-hidden")
        assert app.screen.check_action("export_down", ()) is False


async def test_the_countys_case_links_to_the_townships_once_it_answers(net) -> None:
    """The county's own record of a 交办 says to whom it went; once the township's 签收
    comes up, its header names the township's case and t opens it."""
    from mediator.tui.screens.case_file import render_supervision_line

    net.t1.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    case_id, case_no, item = sup.register_and_assign(net.t1.code, _petition(), "请依法调处",
                                                     TODAY + timedelta(days=30))
    [line] = net.county.svc.case_file(case_id).supervision
    due = t("casefile.supervision_due", due=(TODAY + timedelta(days=30)).isoformat())
    assert render_supervision_line(line).plain == (
        f"{t('supervision.kind.ASSIGN')} {due} "
        f"{t('casefile.assigned_to', township='青石镇人民调解委员会')} "
        f"{t('casefile.assigned_unknown')} 请依法调处")
    [pkg] = net.county.sync.export_down([net.t1.code], output=net.stick)
    net.t1.sync.import_files([pkg.path])
    [got] = SupervisionService(net.t1.svc).items()
    # at the township the item is one received: no "to whom" on its case
    [received] = net.t1.svc.case_file(got.local_case_id).supervision
    assert (received.target_name, received.township_case_id) == (None, None)
    SupervisionService(net.t1.svc).acknowledge(got.id)
    [received] = net.t1.svc.case_file(got.local_case_id).supervision
    assert (received.target_name, received.township_case_id) == (None, None)
    (net.stick / "up").mkdir()
    net.county.sync.import_files([net.t1.export(net.stick / "up").path])
    [(township_no,)] = _rows(net.t1.db.path, "SELECT case_no FROM dispute_case WHERE id = ?",
                             (got.local_case_id,))
    app = office_app(net.county, lambda: CaseFileScreen(case_id))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = str(app.screen.query_one("#cf-warnings").render())
        assert header == (f"{t('supervision.kind.ASSIGN')} {due} "
                          f"{t('casefile.assigned_to', township='青石镇人民调解委员会')} "
                          f"{t('casefile.assigned_case', case=township_no)} 请依法调处")
        assert app.screen.check_action("open_assigned", ()) is True
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, CaseFileScreen) and app.screen.case_id == got.local_case_id
        assert app.screen.check_action("open_assigned", ()) is False


async def test_ctrl_a_marks_every_case_shown_of_a_township(net) -> None:
    """督办 all of one township's cases: filter the list by the office, Ctrl+A, Ctrl+D."""
    from mediator.tui.dialogs.assign import SuperviseManyDialog
    from mediator.tui.screens.cases import CasesScreen
    from mediator.tui.widgets.case_list import CaseList

    a = net.t1.register(2)
    net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    app = office_app(net.county, CasesScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#f-office", Select).value = net.t1.code
        await settle(pilot)
        case_list = screen.query_one(CaseList)
        assert sorted(r.id for r in case_list.rows) == sorted(a)
        case_list.focus()
        await pilot.press("ctrl+a")
        assert sorted(case_list.marked) == sorted(a)
        await pilot.press("ctrl+a")          # all marked: cleared
        assert case_list.marked == {}
        await pilot.press("ctrl+a")
        await pilot.press("ctrl+d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SuperviseManyDialog) and sorted(dialog.case_ids) == sorted(a)
        dialog.query_one("#f-instruction", TextArea).text = "逾期未结，请七日内化解"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
    items = SupervisionService(net.county.svc).items()
    assert sorted((i.local_case_id, i.target_code, i.due_on) for i in items) == sorted(
        (c, net.t1.code, TODAY + timedelta(days=10)) for c in a)
