"""The home screen (案件): paging through 2,000 cases, Chinese search typed key by key,
filters, opening a case."""

from __future__ import annotations

from typing import Any

from conftest import TODAY, settle, settle_list  # type: ignore[import-not-found]
from textual.widgets import Checkbox, Input, Select, Static

from mediator.core.enums import DisputeType, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.queries import CaseFilter
from mediator.tui.screens.cases import PAGE, CasesScreen
from mediator.tui.widgets.case_list import PREFETCH, CaseList


def count_text(app: Any) -> str:
    return str(app.screen.query_one("#count", Static).render())


def count_of(n: int) -> str:
    """What the count shows for ``n`` cases (共 2,000 件)."""
    return f"共 {n:,} 件"


def shown_ids(app: Any) -> list[str]:
    return [r.id for r in app.screen.query_one(CaseList).rows]


def register(svc: Any, applicant: str, respondent: str = "李四", *, facts: str = "邻里纠纷",
             phone: str | None = None, dispute_type: DisputeType = DisputeType.NEIGHBOUR) -> str:
    case = svc.register_case(CaseInput(
        parties=[PartyInput(applicant, phone=phone),
                 PartyInput(respondent, role=PartyRole.RESPONDENT)],
        dispute_type=dispute_type, facts=facts, registered_on=TODAY))
    return case.case_id


async def test_pages_through_2000_cases_without_loading_them_all(big: Any) -> None:
    app = big.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, CasesScreen)
        case_list = app.screen.query_one(CaseList)
        assert len(case_list.rows) == PAGE  # one page, not 2,000 rows
        assert count_text(app) == count_of(2000)
        newest = big.svc.list_cases(CaseFilter(), limit=PAGE)
        assert shown_ids(app) == [r.id for r in newest.rows]  # newest first, same order as SQL
        assert case_list.has_focus
        for _ in range(12):  # page down to the end of what is loaded: the next pages arrive
            await pilot.press("pagedown")
            await settle(pilot, app)
        assert PAGE < len(case_list.rows) < 2000
        ids = shown_ids(app)
        assert len(ids) == len(set(ids))  # pages join without duplicates
        regs = [r.registered_on for r in case_list.rows]
        assert regs == sorted(regs, reverse=True)
        # keep going until everything is loaded: exactly the 2,000 cases, each once
        for _ in range(200):
            if not case_list.has_more:
                break
            await pilot.press("pagedown")
            await settle(pilot, app)
        assert len(set(shown_ids(app))) == 2000


def all_ids(svc: Any) -> list[str]:
    """Every case of the list in its order, read page by page from SQL."""
    ids: list[str] = []
    cursor = None
    while True:
        page = svc.list_cases(CaseFilter(), after=cursor, limit=500)
        ids += [r.id for r in page.rows]
        if page.next_cursor is None:
            return ids
        cursor = page.next_cursor


async def test_end_reaches_the_oldest_case_and_home_the_newest(big: Any) -> None:
    """End went only to the last row loaded so far; it goes to the oldest case (read from the
    other end in SQL), the list scrolls up from there without gaps or duplicates, and Home
    comes back to the newest case."""
    every = all_ids(big.svc)
    assert len(every) == 2000
    app = big.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        case_list = app.screen.query_one(CaseList)
        assert len(case_list.rows) == PAGE
        await pilot.press("end")
        await settle(pilot, app)
        assert case_list.current.id == every[-1]
        assert case_list.cursor == len(case_list.rows) - 1
        assert case_list.rows[-1].id == every[-1]
        shown = shown_ids(app)
        assert shown == every[-len(shown):]  # one run of the list's tail, in order
        assert len(shown) < 2000
        for _ in range(60):  # up through the pages above it
            await pilot.press("pageup")
            await settle(pilot, app)
        shown = shown_ids(app)
        assert shown == every[-len(shown):] and len(shown) > PAGE + PREFETCH
        assert case_list.current.id == every[len(every) - len(shown) + case_list.cursor]
        assert case_list.cursor < len(shown) - PAGE  # it moved up past the first page read
        await pilot.press("home")
        await settle(pilot, app)
        assert case_list.current.id == every[0]
        shown = shown_ids(app)
        assert shown == every[:len(shown)] and case_list.cursor == 0
        assert count_text(app) == count_of(2000)


async def test_chinese_search_typed_key_by_key(svc: Any, app_factory: Any) -> None:
    zhang = register(svc, "张三", phone="13812345678", facts="两家因宅基地滴水问题发生争执")
    wang = register(svc, "王小明", "赵六", facts="借款三万元到期未还")
    register(svc, "钱七", "孙八", facts="装修噪音扰民")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_list(pilot, app)
        assert count_text(app) == count_of(3)
        await pilot.press("slash")
        for ch in "张三":  # one key at a time, as an input method delivers them
            await pilot.press(ch)
        await settle_list(pilot, app)
        assert app.screen.query_one("#search", Input).value == "张三"
        assert shown_ids(app) == [zhang]
        assert count_text(app) == count_of(1)

        async def search(text: str) -> list[str]:
            app.screen.query_one("#search", Input).value = text
            await settle_list(pilot, app)
            return shown_ids(app)

        assert await search("zs") == [zhang]           # pinyin initials
        assert await search("5678") == [zhang]         # phone tail
        assert await search("小明") == [wang]          # part of a three-character name
        assert await search("宅基地") == [zhang]       # words of the facts
        assert await search("人调字第002") == [wang]   # case number
        assert await search("１３８１２３４５６７８") == [zhang]  # full-width digits from an IME
        assert await search("没有这个人") == []
        assert count_text(app) == count_of(0)
        await pilot.press("escape")  # clears the search, back to every case
        await settle_list(pilot, app)
        assert len(shown_ids(app)) == 3
        assert app.screen.query_one(CaseList).has_focus


async def test_typing_in_the_list_goes_to_the_search(svc: Any, app_factory: Any) -> None:
    register(svc, "张三")
    other = register(svc, "王五")
    app = app_factory()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert app.screen.query_one(CaseList).has_focus
        await pilot.press("w", "w")
        await settle_list(pilot, app)
        assert app.screen.query_one("#search", Input).value == "ww"
        assert shown_ids(app) == [other]


async def test_filters(big: Any) -> None:
    app = big.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.query_one("#f-state", Select).value = "open"
        await settle(pilot, app)
        open_count = big.svc.count_cases(screen.current_filter())
        assert 0 < open_count < 2000
        await settle_list(pilot, app)
        assert count_text(app) == count_of(open_count)
        assert {r.state for r in screen.query_one(CaseList).rows} == {"MEDIATING"}

        screen.query_one("#f-type", Select).value = DisputeType.NEIGHBOUR.name
        await settle(pilot, app)
        rows = screen.query_one(CaseList).rows
        assert rows and {r.dispute_type for r in rows} == {"NEIGHBOUR"}

        screen.query_one("#f-type", Select).value = Select.NULL
        screen.query_one("#f-state", Select).value = Select.NULL
        village = screen.query_one("#f-village", Select)
        assert len(village._options) == 4  # prompt + the three villages, loaded in a worker
        village.value = "330106001002"
        await settle(pilot, app)
        rows = screen.query_one(CaseList).rows
        assert rows and {r.village for r in rows} == {"白沙村"}
        village.value = Select.NULL

        screen.query_one("#f-risk", Select).value = "SEVERE"
        await settle(pilot, app)
        assert {r.risk_grade for r in screen.query_one(CaseList).rows} == {"SEVERE"}
        screen.query_one("#f-risk", Select).value = Select.NULL

        await pilot.click("#f-overdue")  # the mouse works on filters
        await settle(pilot, app)
        assert screen.query_one("#f-overdue", Checkbox).value
        rows = screen.query_one(CaseList).rows
        expected = big.svc.count_cases(CaseFilter(overdue_only=True))
        await settle_list(pilot, app)
        assert count_text(app) == count_of(expected)
        assert all(r.next_due_on is not None and r.next_due_on < TODAY for r in rows)


async def test_enter_and_click_open_the_case(svc: Any, app_factory: Any, monkeypatch: Any) -> None:
    first = register(svc, "张三")
    second = register(svc, "王五")
    app = app_factory()
    opened: list[str] = []
    monkeypatch.setattr(app, "open_case", opened.append)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert shown_ids(app) == [second, first]
        await pilot.press("down", "enter")
        assert opened == [first]
        # a click moves the cursor; a click on the cursor row opens it
        await pilot.click(CaseList, offset=(5, 1))
        await pilot.click(CaseList, offset=(5, 1))
        assert opened == [first, second]


async def test_list_reloads_after_a_change_and_keeps_the_cursor(svc: Any, app_factory: Any) -> None:
    from mediator.tui.messages import CasesChanged

    ids = [register(svc, name) for name in ("张三", "王五", "赵六")]
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("down")
        current = app.screen.query_one(CaseList).current
        assert current is not None and current.id == ids[1]
        svc.accept_case(ids[1])
        app.post_message(CasesChanged(ids[1]))
        await settle(pilot, app)
        current = app.screen.query_one(CaseList).current
        assert current is not None and current.id == ids[1] and current.state == "ACCEPTED"


async def test_keys_typed_during_a_slow_query_fold_into_one(svc: Any, app_factory: Any,
                                                            monkeypatch: Any) -> None:
    """No debounce: the first key queries at once; keys typed while that query runs are
    folded into a single query for the final text when it returns, and the list ends up
    showing the final text's matches (never an older query's)."""
    import threading

    zhang = register(svc, "张三丰")
    register(svc, "张小四")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_list(pilot, app)
        services = app.services
        real = services.list_cases
        queries: list[str] = []
        release = threading.Event()

        def slow(f: CaseFilter, *args: Any, **kwargs: Any) -> Any:
            queries.append(f.query)
            release.wait(30)   # held until the test has typed; the timeout only unsticks a bug
            return real(f, *args, **kwargs)

        monkeypatch.setattr(services, "list_cases", slow)
        search = app.screen.query_one("#search", Input)
        search.value = "张"
        await pilot.pause()                    # the first key queries at once, and is held
        for text in ("张三", "张三丰"):         # as fast as an input method commits them
            search.value = text
        await pilot.pause()
        assert queries == ["张"]
        release.set()
        await settle_list(pilot, app)
        assert shown_ids(app) == [zhang]
        # the two changes that arrived while the first ran folded into one query
        assert queries == ["张", "张三丰"]
        assert count_text(app) == count_of(1)


async def test_count_waits_for_the_list_to_be_painted(big: Any, monkeypatch: Any) -> None:
    """The match count (slow at a county) is asked only once the first page is on screen,
    so it never competes with the repaint; and the heap start-up built is frozen, so a full
    garbage collection does not walk it again in the middle of a keystroke."""
    import gc

    from mediator.core.services import Services
    from mediator.tui.screens import cases

    order: list[str] = []
    painted_before_count: list[bool] = []
    original_count = Services.count_cases
    original_post = cases.CasesScreen.post_message

    def post(self: Any, message: Any) -> bool:
        if isinstance(message, cases.PageLoaded) and message.painted is not None:
            order.append("page")
            event = message.painted

            def count(svc: Any, f: Any) -> int:
                painted_before_count.append(event.is_set())
                order.append("count")
                return original_count(svc, f)

            monkeypatch.setattr(Services, "count_cases", count)
        return original_post(self, message)

    monkeypatch.setattr(cases.CasesScreen, "post_message", post)
    app = big.app()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_list(pilot, app)
        assert count_text(app) == count_of(2000)
        assert gc.get_freeze_count() > 0
        await pilot.press("slash")
        await pilot.press("x", "y", "z")
        await settle_list(pilot, app)
        assert count_text(app) == count_of(0)
    gc.unfreeze()
    assert order and order[0] == "page"
    assert painted_before_count and all(painted_before_count)


async def test_f2_always_shows_the_list(svc: Any, app_factory: Any) -> None:
    """F2 from the agenda came back to the case file left open in the list's mode; it shows the
    list, wherever the user is."""
    from mediator.tui.screens.agenda import AgendaScreen
    from mediator.tui.screens.case_file import CaseFileScreen

    case_id = register(svc, "张三")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_list(pilot, app)
        await pilot.press("enter")                 # open the case file from the list
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen) and app.screen.case_id == case_id
        await pilot.press("f3")
        await settle(pilot, app)
        assert isinstance(app.screen, AgendaScreen)
        await pilot.press("f2")
        await settle(pilot, app)
        assert isinstance(app.screen, CasesScreen)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen)
        await pilot.press("f2")                    # from the case file itself
        await settle(pilot, app)
        assert isinstance(app.screen, CasesScreen)


async def test_one_case_is_one_case_in_english(svc: Any, app_factory: Any) -> None:
    from mediator.i18n import set_language

    set_language("en")
    register(svc, "张三")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_list(pilot, app)
        assert count_text(app) == "1 case"
        register(svc, "王五")
        app.screen.reload()
        await settle_list(pilot, app)
        assert count_text(app) == "2 cases"


async def test_enter_in_the_search_box_opens_the_first_match(svc: Any, app_factory: Any,
                                                             monkeypatch: Any) -> None:
    """One Enter opens the case found (a second Enter was needed); pressed before the matches
    arrive, the first match opens as soon as they do."""
    import threading

    wang = register(svc, "王小明", "赵六")
    zhang = register(svc, "张三")
    app = app_factory()
    opened: list[str] = []
    monkeypatch.setattr(app, "open_case", opened.append)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle_list(pilot, app)
        search = app.screen.query_one("#search", Input)
        search.focus()
        search.value = "小明"
        await settle_list(pilot, app)
        await pilot.press("enter")
        await pilot.pause()
        assert opened == [wang]

        release = threading.Event()
        real = app.services.list_cases

        def held(f: CaseFilter, *args: Any, **kwargs: Any) -> Any:
            release.wait(30)     # the matches are slow to come (a county); never a real wait
            return real(f, *args, **kwargs)

        monkeypatch.setattr(app.services, "list_cases", held)
        search.focus()
        search.value = "张三"
        await pilot.pause()
        await pilot.press("enter")              # before the matches are there
        await pilot.pause()
        assert opened == [wang]
        release.set()
        await settle_list(pilot, app)
        assert opened == [wang, zhang]
