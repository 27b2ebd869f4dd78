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
