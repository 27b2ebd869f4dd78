"""日程: grouped follow-ups and deadlines; a follow-up completed from the agenda lands in the
database and leaves the agenda."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import TODAY, settle  # type: ignore[import-not-found]
from sqlmodel import select
from textual.widgets import Input, Select, Static

from mediator.core.enums import FollowUpMethod, FollowUpResult
from mediator.core.models import CaseEvent, FollowUp
from mediator.tui.screens.agenda import (
    AgendaList,
    AgendaScreen,
    CompleteFollowUp,
    Heading,
    item_key,
)


def setup_cases(svc: Any, make_case: Any) -> tuple[str, str, str]:
    overdue = make_case(days_ago=40)
    svc.accept_case(overdue.id, on=TODAY - timedelta(days=39))  # mediation deadline passed
    visit = make_case(days_ago=5, parties=None)
    svc.accept_case(visit.id)
    svc.schedule_follow_up(visit.id, TODAY, note="上门回访张三")
    later = make_case(days_ago=3)
    svc.accept_case(later.id)
    svc.schedule_follow_up(later.id, TODAY + timedelta(days=4), note="电话回访")
    fu = next(f for f in svc.case_file(visit.id).follow_ups if f.done_on is None)
    return overdue.id, visit.id, fu.id


def row_keys(agenda: AgendaList) -> list[str]:
    return [f"group:{r.group}" if isinstance(r, Heading) else item_key(r) for r in agenda.rows]


async def test_agenda_groups_and_completes_a_follow_up(svc: Any, make_case: Any,
                                                       app_factory: Any) -> None:
    _, visit_id, fu_id = setup_cases(svc, make_case)
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("f3")
        await settle(pilot, app)
        assert isinstance(app.screen, AgendaScreen)
        table = app.screen.query_one(AgendaList)
        keys = row_keys(table)
        groups = [k for k in keys if k.startswith("group:")]
        assert groups == ["group:overdue", "group:today", "group:week"]
        summary = str(app.screen.query_one("#agenda-summary", Static).render())
        assert "逾期 1 项" in summary and "今天 1 项" in summary
        # the cursor starts on the first item; move to today's follow-up and press Enter
        today_row = keys.index(next(k for k in keys if k.startswith(fu_id)))
        table.cursor = today_row
        await pilot.press("enter")
        await settle(pilot, app)
        dialog = app.screen
        assert isinstance(dialog, CompleteFollowUp)
        # saving without a result is refused inline, nothing written
        await pilot.click("#fu-save")
        await settle(pilot, app)
        assert "请选择回访结果" in str(dialog.query_one("#fu-error", Static).render())
        dialog.query_one("#fu-result", Select).value = FollowUpResult.SATISFIED.name
        dialog.query_one("#fu-method", Select).value = FollowUpMethod.VISIT.name
        date_input = dialog.query_one("#fu-date", Input)
        date_input.value = "明年"  # not a date: inline message in Chinese
        await pilot.click("#fu-save")
        await settle(pilot, app)
        assert isinstance(app.screen, CompleteFollowUp)
        assert str(dialog.query_one("#fu-error", Static).render())
        date_input.value = "今天"
        dialog.query_one("#fu-note", Input).focus()
        for ch in "双方关系缓和":
            await pilot.press(ch)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, AgendaScreen)
        assert fu_id not in "".join(row_keys(app.screen.query_one(AgendaList)))
    with svc.db.read() as s:
        fu = s.get(FollowUp, fu_id)
        assert fu.done_on == TODAY and fu.result == "SATISFIED" and fu.method == "VISIT"
        assert "双方关系缓和" in fu.note and "上门回访张三" in fu.note
        events = s.exec(select(CaseEvent).where(CaseEvent.case_id == visit_id,
                                                CaseEvent.kind == "FOLLOW_UP")).all()
        assert any("双方关系缓和" in e.body for e in events)


async def test_enter_on_a_deadline_opens_the_case(svc: Any, make_case: Any, app_factory: Any,
                                                  monkeypatch: Any) -> None:
    overdue_id, _, _ = setup_cases(svc, make_case)
    app = app_factory()
    opened: list[str] = []
    monkeypatch.setattr(app, "open_case", opened.append)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("f3")
        await settle(pilot, app)
        table = app.screen.query_one(AgendaList)
        assert table.cursor == 1  # first item, under the 逾期 heading
        await pilot.press("enter")
        assert opened == [overdue_id]
        await pilot.press("down")  # steps over the 今天 heading onto the follow-up
        await pilot.pause()
        assert table.cursor == 3
        await pilot.press("o")  # O opens the case of a follow-up too
        assert len(opened) == 2 and opened[1] != overdue_id
        await pilot.press("up")
        await pilot.pause()
        assert table.cursor == 1
        await pilot.press("home")  # the heading above cannot hold the cursor
        assert table.cursor == 1
