"""通报 on the township's dashboard (issue 22): the latest notice received from the county,
this township's line with its ranks; nothing shown before one has arrived."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from mediator.core.notice import NoticeRow, to_json, with_ranks


async def settle(pilot: Any) -> None:
    """Until the app's workers are done and what they posted is handled."""
    for _ in range(5):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _receive(svc: Any) -> None:
    """A 通报 as the downward package leaves it (owner the county, addressed to 青石镇)."""
    counts = {"registered": 3, "accepted": 2, "concluded": 1, "success": 1, "overdue": 1,
              "followups_due": 4, "followups_done": 3, "supervision_overdue": 1}
    other = {**counts, "overdue": 0, "followups_done": 4, "supervision_overdue": 0}
    rows = with_ranks([NoticeRow("330106001", "青石镇", counts,
                                 {"success_rate": 0.5, "visit_rate": 0.75}, {}),
                       NoticeRow("330106002", "清溪乡", other,
                                 {"success_rate": 1.0, "visit_rate": 1.0}, {})],
                      ("success_rate", "overdue", "visit_rate"))
    with svc.db.write() as s:
        s.exec(text(
            "INSERT INTO notice (id, owner_code, revision, created_at, updated_at, deleted, "
            "origin, target_code, period_label, period_start, period_end, issued_on, measures, "
            "figures_json) VALUES ('" + "a" * 32 + "', '330106', 1, '2026-11-23 00:00:00', "
            "'2026-11-23 00:00:00', 0, 'pkg', '330106001', '2026-11', '2026-11-01', "
            "'2026-11-30', '2026-11-23', 'success_rate,overdue,visit_rate', :body)"),
            params={"body": to_json(rows)})


async def test_dashboard_shows_the_latest_notice(svc: Any, app_factory: Any) -> None:
    from mediator.tui.screens.dashboard import DashboardScreen

    app = app_factory()
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#dash-notice-box").display is False
    _receive(svc)
    app = app_factory()
    async with app.run_test(size=(130, 50)) as pilot:
        await settle(pilot)
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert app.screen.query_one("#dash-notice-box").display is True
        assert str(app.screen.query_one("#dash-notice").render()) == (
            "本乡镇 2026-11：调解成功率 50.0%（第 2 名），逾期未结 1 件（第 2 名），"
            "回访率 75.0%（第 2 名），督办逾期 1 件，共 2 个乡镇")
