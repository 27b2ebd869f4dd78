"""The county's issue-22 screens at 80×24, in Chinese and English: 督办台账, the 交办 dialog,
the 督办 dialog for marked cases, 登记 with its 交办 section, 上报同步 with 下发 and
the 发布通报 dialog over the dashboard. Frozen: the
clock (the network's), the key fingerprint, the import time shown, the removable drives.
Update after a deliberate change with ``--snapshot-update``."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from mediator.core.supervision import SupervisionService
from mediator.i18n import set_language

from .conftest import TODAY
from .test_sync_tui import office_app, settle

SMALL = (80, 24)


@pytest.fixture
def county(net, monkeypatch):  # type: ignore[no-untyped-def]
    """Two townships' cases at the county, three 督办 (one signed), one case of its own."""
    import mediator.sync.keys
    import mediator.sync.service
    import mediator.tui.screens.sync

    monkeypatch.setattr(mediator.sync.service, "removable_folders", list)
    monkeypatch.setattr(mediator.sync.keys, "format_fingerprint",
                        lambda fp: "ABCD EF01 2345 6789 ABCD EF01 2345 6789")
    monkeypatch.setattr(mediator.tui.screens.sync, "local_time", lambda at: "2026-11-23 09:30")
    set_language("zh_CN")
    a = net.t1.register(2)
    b = net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    sup = SupervisionService(net.county.svc)
    items = [sup.supervise(a[0], "久拖不决，请三日内化解并报告", TODAY + timedelta(days=3),
                           leader="李副县长"),
             sup.supervise(a[1], "请十日内化解", TODAY + timedelta(days=10)),
             sup.supervise(b[0], "请五日内化解", TODAY + timedelta(days=5))]
    r1, _ = net.county.sync.export_down([net.t1.code, net.t2.code], output=net.stick)
    net.t1.sync.import_files([r1.path])
    SupervisionService(net.t1.svc).acknowledge(items[1])
    (net.stick / "up").mkdir()
    net.county.sync.import_files([net.t1.export(net.stick / "up").path])
    from mediator.core.enums import DisputeType, PartyRole
    from mediator.core.inputs import CaseInput, PartyInput

    own = net.county.svc.register_case(CaseInput(
        parties=[PartyInput("王五", phone="13812345678"),
                 PartyInput("赵六", role=PartyRole.RESPONDENT)],
        dispute_type=DisputeType.NEIGHBOUR, facts="信访转交：宅基地边界争议",
        registered_on=TODAY))
    yield net, own.case_id, [r.id for r in net.county.svc.list_cases().rows]
    set_language("zh_CN")


def _frozen(app: Any) -> None:
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False


def _run(push: Any = None) -> Any:
    async def run(pilot: Any) -> None:
        await settle(pilot)
        if push is not None:
            pilot.app.push_screen(push())
            await settle(pilot)
        _frozen(pilot.app)
        await pilot.pause()
    return run


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("name", ["ledger", "assign", "supervise_many", "intake", "sync",
                                  "notice"])
def test_county_screen_at_80x24(snap_compare: Any, county: Any, name: str, lang: str) -> None:
    from mediator.tui.dialogs.assign import AssignDialog, SuperviseManyDialog
    from mediator.tui.dialogs.notice import NoticeDialog
    from mediator.tui.screens.case_file import CaseFileScreen
    from mediator.tui.screens.dashboard import DashboardScreen
    from mediator.tui.screens.intake import IntakeScreen
    from mediator.tui.screens.supervision import SupervisionLedgerScreen
    from mediator.tui.screens.sync import SyncScreen

    net, own_id, ids = county
    set_language(lang)
    first: Any = {"ledger": SupervisionLedgerScreen, "intake": IntakeScreen,
                  "sync": SyncScreen, "notice": DashboardScreen}.get(
                      name, lambda: CaseFileScreen(own_id))
    push = {"assign": lambda: AssignDialog(net.county.svc.case_file(own_id)),
            "supervise_many": lambda: SuperviseManyDialog(ids[1:3]),
            "notice": NoticeDialog}.get(name)
    app = office_app(net.county, first)
    assert snap_compare(app, terminal_size=SMALL, run_before=_run(push))
