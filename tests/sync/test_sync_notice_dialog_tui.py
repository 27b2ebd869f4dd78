"""发布通报 from the county's dashboard (issue 22, point 5), in the real app: Ctrl+T opens the
dialog at a county only; a bad period or no measure is refused and writes nothing; 发布 stores
one 通报 row per township below, ranked on the measures ticked, audited once."""

from __future__ import annotations

import sqlite3

from mediator.i18n import t
from mediator.tui.dialogs.notice import NoticeDialog
from mediator.tui.screens.dashboard import DashboardScreen
from mediator.tui.widgets.inputs import Input

from .test_sync_tui import office_app, settle


def _rows(path, sql, params=()):  # type: ignore[no-untyped-def]
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def _field_error(dialog: NoticeDialog, name: str) -> tuple[str, bool]:
    """The message under field ``name`` and whether it is an error."""
    from mediator.tui.widgets.form import find_field

    ff = find_field(dialog, name)
    assert ff is not None
    return ff._state


def _form_error(dialog: NoticeDialog) -> str:
    err = dialog.query_one("#dialog-error")
    return str(err.render()) if err.has_class("-shown") else ""


async def test_the_county_issues_a_notice_from_its_dashboard(net) -> None:
    net.t1.register(2)
    net.t2.register(1)
    net.county.sync.import_files([net.t1.export(net.stick).path, net.t2.export(net.stick).path])
    app = office_app(net.county, DashboardScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.check_action("issue_notice", ()) is True
        await pilot.press("ctrl+t")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NoticeDialog)
        period = dialog.query_one("#f-period", Input)
        assert period.value == "2026-10"   # the month before the office's today (2026-11-23)
        # a period that is neither a month nor a week: refused, nothing written
        period.value = "十一月"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoticeDialog)
        assert _field_error(dialog, "period") == (
            t("report.err.month_format", value="十一月"), True)
        # no measure ticked: refused
        period.value = "2026-11"
        for name in ("success_rate", "overdue", "visit_rate", "supervision_overdue"):
            dialog.query_one(f"#m-{name}").value = False
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, NoticeDialog)
        assert _form_error(dialog) == t("notice.dialog.measure_required")
        assert _rows(net.county.db.path, "SELECT count(*) FROM notice") == [(0,)]
        dialog.query_one("#m-overdue").value = True
        dialog.query_one("#m-visit_rate").value = True
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert _rows(net.county.db.path,
                 "SELECT target_code, period_label, period_start, period_end, measures "
                 "FROM notice ORDER BY target_code") == [
        (net.t1.code, "2026-11", "2026-11-01", "2026-11-30", "overdue,visit_rate"),
        (net.t2.code, "2026-11", "2026-11-01", "2026-11-30", "overdue,visit_rate")]
    assert _rows(net.county.db.path,
                 "SELECT count(*) FROM audit_log WHERE action = 'notice.issue'") == [(1,)]


async def test_no_notice_key_at_a_township(net) -> None:
    net.t1.register(1)
    app = office_app(net.t1, DashboardScreen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.check_action("issue_notice", ()) is False
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
    assert _rows(net.t1.db.path, "SELECT count(*) FROM notice") == [(0,)]
