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


def test_common_and_rare_terms_give_the_same_pages(svc, make_case, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A term with many matches is read in list order, a rare one looked up and sorted; both
    plans must return the same cases in the same order, page after page."""
    from mediator.core import queries
    from mediator.core.enums import PartyRole
    from mediator.core.inputs import PartyInput

    for i in range(12):
        make_case(days_ago=i % 5, facts=f"第{i}户因宅基地滴水问题发生争执" if i % 3 else "借款纠纷",
                  parties=[PartyInput("张三" if i % 2 else "王五"),
                           PartyInput("李四", role=PartyRole.RESPONDENT)])

    def pages(f: CaseFilter) -> list[str]:
        ids, cursor = [], None
        while True:
            page = svc.list_cases(f, after=cursor, limit=3)
            ids += [r.id for r in page.rows]
            if page.next_cursor is None:
                return ids
            cursor = page.next_cursor

    filters = [CaseFilter(query=q) for q in ("滴水问题", "宅基地", "zs", "张三 宅基地", "王五 借款纠纷", "ls")]
    rare = {f.query: pages(f) for f in filters}
    monkeypatch.setattr(queries, "common_term", lambda cases: 0)  # every term is now "common"
    common = {f.query: pages(f) for f in filters}
    assert rare == common
    assert len(rare["滴水问题"]) == 8 and len(rare["张三 宅基地"]) == 4 and len(rare["ls"]) == 12
    assert len(rare["王五 借款纠纷"]) == 2
    assert rare["宅基地"] == [r for r in rare["ls"] if r in set(rare["宅基地"])]
