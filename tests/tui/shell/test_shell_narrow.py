"""Screens at 80×24, in both languages: nothing wraps that must not, nothing runs off the edge."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import settle  # type: ignore[import-not-found]
from textual.widgets import Button, Static

from mediator.i18n import set_language
from mediator.tui.screens.dashboard import DashboardScreen


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
async def test_overview_at_80_columns_stacks_instead_of_wrapping(big: Any, lang: str) -> None:
    set_language(lang)
    app = big.app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("f5")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        trend = screen.query_one("#dash-trend", Static)
        lines = len(str(trend.render()).splitlines())
        assert trend.size.height == lines  # one screen row per chart line: nothing wrapped
        export = screen.query_one("#dash-export", Button)
        body = screen.query_one("#dash-body")
        assert export.region.x >= 0
        assert export.virtual_region.right <= body.size.width  # the button is whole
        week = screen.query_one("#dash-week")
        assert week.virtual_region.right <= body.size.width
        assert screen.has_class("-narrow")
        await pilot.resize_terminal(140, 36)
        await settle(pilot, app)
        assert not screen.has_class("-narrow")
