"""督办 at the township's case list (issue 22): the count of received, unfinished 督办/交办 on
the home screen, and a filter (in SQL) for the cases under one. Both stay hidden while there
are none."""

from __future__ import annotations

from typing import Any

from conftest import TODAY, settle, settle_list  # type: ignore[import-not-found]
from sqlalchemy import text
from textual.widgets import Checkbox, Static

from mediator.core.enums import DisputeType, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.queries import CaseFilter
from mediator.core.supervision import SupervisionService
from mediator.tui.widgets.case_list import CaseList


def _register(svc: Any, facts: str) -> str:
    return svc.register_case(CaseInput(
        parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
        dispute_type=DisputeType.NEIGHBOUR, facts=facts, registered_on=TODAY)).case_id


def _received(svc: Any, case_id: str, n: int) -> str:
    """A 督办 as the downward package leaves it at the township (mediator.sync.down)."""
    item = f"{n:032x}"
    with svc.db.write() as s:
        s.exec(text(
            "INSERT INTO supervision (id, owner_code, revision, created_at, updated_at, deleted, "
            "origin, kind, target_code, case_id, county_ref, instruction, due_on, leader, "
            "issued_on, assign_json, local_case_id) VALUES (:id, '330106', 1, "
            "'2026-11-23 00:00:00', '2026-11-23 00:00:00', 0, 'pkg', 'SUPERVISE', '330106001', "
            ":case, NULL, '请尽快化解', '2026-12-03', NULL, '2026-11-23', NULL, :case)"),
            params={"id": item, "case": case_id})
    return item


async def test_supervised_count_and_filter(svc: Any, app_factory: Any) -> None:
    plain = _register(svc, "没有督办的案件")
    pressed = _register(svc, "被督办的案件")
    done = _register(svc, "督办已办结的案件")
    app = app_factory()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle_list(pilot, app)
        await settle(pilot, app)
        screen = app.screen
        assert screen.query_one("#supervised-count", Static).has_class("-hidden")
        assert screen.query_one("#f-supervised", Checkbox).has_class("-hidden")
    _received(svc, pressed, 1)
    finished = _received(svc, done, 2)
    SupervisionService(svc).finish(finished, "已化解，双方签订协议")
    assert SupervisionService(svc).open_count() == 1
    assert [r.id for r in svc.list_cases(CaseFilter(supervised_only=True)).rows] == [pressed]
    assert svc.count_cases(CaseFilter(supervised_only=True)) == 1
    app = app_factory()
    async with app.run_test(size=(130, 40)) as pilot:
        await settle_list(pilot, app)
        await settle(pilot, app)
        screen = app.screen
        badge = screen.query_one("#supervised-count", Static)
        assert not badge.has_class("-hidden")
        assert str(badge.render()) == "督办待办 1 件"
        box = screen.query_one("#f-supervised", Checkbox)
        assert not box.has_class("-hidden")
        assert {r.id for r in screen.query_one(CaseList).rows} == {plain, pressed, done}
        await pilot.click("#f-supervised")
        await settle_list(pilot, app)
        assert box.value
        assert [r.id for r in screen.query_one(CaseList).rows] == [pressed]
