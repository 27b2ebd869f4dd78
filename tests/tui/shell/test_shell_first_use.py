"""A first-day office: 登记 says where villages and mediators are added instead of offering
empty pickers."""

from __future__ import annotations

from typing import Any

from conftest import settle  # type: ignore[import-not-found]

from mediator.tui.screens.intake import IntakeScreen
from mediator.tui.widgets.form import find_field


def hint(screen: Any, name: str) -> str:
    field = find_field(screen, name)
    assert field is not None, name
    return str(field._state[0]) if field._state else ""


async def test_intake_points_to_settings_while_villages_and_mediators_are_missing(
        svc: Any, app_factory: Any) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert isinstance(app.screen, IntakeScreen)
        assert hint(app.screen, "village_code") == "还没有村(居)：在 设置(F4) → 村(居) 中添加"
        assert hint(app.screen, "mediator_id") == "还没有调解员：在 设置(F4) → 调解员 中添加"
    svc.add_village("330106001001", "青山村")
    svc.add_mediator("王调解")
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert (hint(app.screen, "village_code"), hint(app.screen, "mediator_id")) == ("", "")
