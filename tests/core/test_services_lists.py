"""The read methods the terminal UI calls: paged list, count, agenda, newest change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from mediator.core.queries import CaseFilter


def test_list_and_count_page_through_the_filter(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    for i in range(5):
        make_case(days_ago=i)
    make_case(days_ago=9, facts="借款三万元未还")
    page = svc.list_cases(CaseFilter(), limit=2)
    assert len(page.rows) == 2 and page.next_cursor is not None
    rest = svc.list_cases(CaseFilter(), after=page.next_cursor, limit=10)
    ids = [r.id for r in page.rows + rest.rows]
    assert len(ids) == len(set(ids)) == 6 == svc.count_cases()
    assert svc.count_cases(CaseFilter(query="三万元")) == 1


def test_agenda_lists_scheduled_follow_up(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case = make_case(days_ago=3)
    svc.accept_case(case.id)
    svc.schedule_follow_up(case.id, svc.today() + timedelta(days=2), note="回访张三")
    items = svc.agenda()
    assert [i.kind for i in items if i.follow_up_id] == ["FOLLOW_UP"]


def test_newest_change_is_recent(svc) -> None:  # type: ignore[no-untyped-def]
    newest = svc.newest_change_at()
    assert newest is not None and newest.tzinfo is not None
    assert abs(datetime.now(UTC) - newest) < timedelta(minutes=5)


def test_agenda_keeps_this_week_when_the_backlog_is_long(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    for i in range(4):
        case = make_case(days_ago=60 + i)
        svc.accept_case(case.id, on=svc.today() - timedelta(days=59))
        svc.schedule_follow_up(case.id, svc.today() - timedelta(days=50 - i))
    fresh = make_case(days_ago=1)
    svc.accept_case(fresh.id)
    svc.schedule_follow_up(fresh.id, svc.today() + timedelta(days=3))
    items = svc.agenda(limit=2)
    upcoming = [i for i in items if i.due_on >= svc.today()]
    assert [i.case_id for i in upcoming if i.follow_up_id] == [fresh.id]
    assert len([i for i in items if i.follow_up_id and i.due_on < svc.today()]) == 2
