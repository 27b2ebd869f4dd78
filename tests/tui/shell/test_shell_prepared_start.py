"""Start from a prepared file (issue 21), as the ``mediator`` command starts after the first
open of a day: the case list's first page is read on plain sqlite3, through the same queries
as ``Services``, and the Database (SQLAlchemy, the models, ``Services``) is opened after the
first frame; the list, its count, its search and the start-up checks are what they were."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import TODAY, make_app, settle_list  # type: ignore[import-not-found]

from mediator.core import firstpage
from mediator.core.db import Prepared, prepare_database
from mediator.core.queries import CaseFilter
from mediator.i18n import t


def prepared_app(big: Any) -> Any:
    prepared = prepare_database(big.paths.db, create=False, backups=big.paths.backups)
    assert prepared == Prepared(big.paths.db, True)
    return make_app(prepared, big.paths)


async def test_first_page_read_before_the_database_is_opened(big: Any, monkeypatch: Any) -> None:
    served: list[CaseFilter] = []
    original = firstpage.FirstPageReader.list_cases

    def list_cases(self: Any, f: CaseFilter | None = None, *a: Any, **kw: Any) -> Any:
        served.append(f or CaseFilter())
        return original(self, f, *a, **kw)

    monkeypatch.setattr(firstpage.FirstPageReader, "list_cases", list_cases)
    app = prepared_app(big)
    assert not app.services_ready and app.first_reader is not None
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_list(pilot, app)
        case_list = app.screen.query_one("CaseList")
        # the first page from plain sqlite3, in the frame the screen first showed
        assert served == [CaseFilter()]
        expected = big.svc.list_cases(limit=200)
        assert [r.id for r in case_list.rows] == [r.id for r in expected.rows]
        assert case_list.rows == expected.rows
        assert str(app.screen.query_one("#count").render()) == t("tui.cases.count", n="2,000")
        # after the first frame: the Database open, the start-up checks run (office found)
        assert app.services_ready and app.first_reader is None
        assert app.has_office is True
        assert app.office_title == "青石镇人民调解委员会"
        # a search now goes through Services, and finds what Services finds
        await pilot.press("王", "芳")
        await settle_list(pilot, app)
        want = big.svc.list_cases(CaseFilter(query="王芳"), limit=200).rows
        assert [r.id for r in app.screen.query_one("CaseList").rows] == [r.id for r in want]
        assert served == [CaseFilter()]


async def test_the_filters_come_after_the_first_frame(big: Any) -> None:
    """The filter row is filled after the first frame: the first page is asked with every
    filter unset, the villages arrive whichever comes first, and a filter then filters."""
    app = prepared_app(big)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_list(pilot, app)
        screen = app.screen
        assert [w.id for w in screen.query_one("#filters").children] == [
            "f-office", "f-state", "f-type", "f-village", "f-mediator", "f-risk", "f-overdue",
            "f-supervised"]
        villages = screen.query_one("#f-village")
        assert [key for _, key in villages._options[1:]] == [
            "330106001001", "330106001002", "330106001003"]
        villages.value = "330106001002"
        await settle_list(pilot, app)
        f = screen.current_filter()
        assert f == CaseFilter(village_code="330106001002")
        want = big.svc.list_cases(f, limit=200).rows
        assert [r.id for r in screen.query_one("CaseList").rows] == [r.id for r in want]
        n = big.svc.count_cases(f)
        assert str(screen.query_one("#count").render()) == t("tui.cases.count", n=f"{n:,}")


@pytest.mark.parametrize("f", [
    CaseFilter(), CaseFilter(query="王"), CaseFilter(query="王芳"), CaseFilter(query="wf"),
    CaseFilter(query="借款"), CaseFilter(query="宅基地滴水"), CaseFilter(query="138"),
    CaseFilter(query="2026 青石"), CaseFilter(states=("MEDIATING",)),
    CaseFilter(village_code="330106001002", risk_grade="HIGH"),
    CaseFilter(query="张", overdue_only=True)], ids=repr)
def test_the_first_page_reader_answers_as_services(big: Any, f: CaseFilter) -> None:
    """Same queries (core.queries), a plain sqlite3 connection instead of a session."""
    reader = firstpage.FirstPageReader(big.paths.db, lambda: TODAY)
    page, want = reader.list_cases(f, limit=50), big.svc.list_cases(f, limit=50)
    assert page.rows == want.rows and page.next_cursor == want.next_cursor
    assert reader.count_cases(f) == big.svc.count_cases(f)
    if want.next_cursor is not None:
        assert (reader.list_cases(f, after=want.next_cursor, limit=50).rows
                == big.svc.list_cases(f, after=want.next_cursor, limit=50).rows)
    end, want_end = reader.list_cases_before(f, limit=30), big.svc.list_cases_before(f, limit=30)
    assert end.rows == want_end.rows and end.next_cursor == want_end.next_cursor


@pytest.mark.parametrize("focus_box", [True, False], ids=["in the box", "from the list"])
@pytest.mark.parametrize("word", ["王芳", "zs", "1234"])
async def test_a_burst_of_keys_is_one_query(big: Any, monkeypatch: Any, word: str,
                                            focus_box: bool) -> None:
    """An input method commits a word as keys arriving in one read: they are all in the box
    before the list is asked, once (issue 21: the first key's query and a folded follow-up
    made the user wait for two)."""
    from textual import events

    from mediator.core.services import Services

    asked: list[str] = []
    original = Services.list_cases

    def list_cases(self: Any, f: CaseFilter | None = None, *a: Any, **kw: Any) -> Any:
        asked.append((f or CaseFilter()).query)
        return original(self, f, *a, **kw)

    monkeypatch.setattr(Services, "list_cases", list_cases)
    app = big.app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_list(pilot, app)
        if focus_box:
            await pilot.press("slash")
        asked.clear()
        for ch in word:   # posted together, as the driver posts the keys of one read
            app.post_message(events.Key(ch, ch))
        await settle_list(pilot, app)
        assert asked == [word]
        assert app.screen.query_one("#search").value == word
        want = big.svc.list_cases(CaseFilter(query=word), limit=200).rows
        assert [r.id for r in app.screen.query_one("CaseList").rows] == [r.id for r in want]
        n = big.svc.count_cases(CaseFilter(query=word))
        key = "tui.cases.count_one" if n == 1 else "tui.cases.count"
        assert str(app.screen.query_one("#count").render()) == t(key, n=f"{n:,}")


async def test_prepared_start_of_an_office_without_cases(svc: Any, paths: Any) -> None:
    """An empty office from a prepared file: the empty list, its count and the office's name.
    (The check can find the office before the navigation bar has composed — seen in the
    benchmark's headless start, timing-dependent here —: the bar then takes it on mount.)"""
    app = make_app(prepare_database(paths.db, create=False, backups=paths.backups), paths)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle_list(pilot, app)
        assert app.services_ready and app.has_office is True
        assert str(app.screen.query_one("#nav-title").render()) == "青石镇人民调解委员会"
        assert app.screen.query_one("CaseList").rows == []
        assert app.screen.query_one("CaseList").empty_text == t("tui.cases.empty")
        assert str(app.screen.query_one("#count").render()) == t("tui.cases.count", n="0")
