"""First start: a database without an office shows the welcome screen, which validates in
Chinese and creates the office; or opens the demo database instead."""

from __future__ import annotations

from typing import Any

from conftest import make_app, settle  # type: ignore[import-not-found]
from textual.widgets import Input, Static

from mediator.core.config import load_config
from mediator.core.services import Services
from mediator.tui.screens import welcome
from mediator.tui.screens.cases import CasesScreen
from mediator.tui.screens.welcome import WelcomeScreen


def error(app: Any, field: str) -> str:
    return str(app.screen.query_one(f"#office-{field}-error", Static).render())


async def test_first_start_creates_the_office(db: Any, paths: Any) -> None:
    app = make_app(db, paths)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, WelcomeScreen)
        assert app.check_action("new_case", ()) is False  # nothing to register into yet
        name = app.screen.query_one("#office-name", Input)
        assert name.has_focus
        for ch in "青石镇人民调解委员会":
            await pilot.press(ch)
        assert app.screen.query_one("#office-short", Input).value == "青石"  # prefilled
        code = app.screen.query_one("#office-code", Input)
        code.value = "33010600"  # eight digits
        operator = app.screen.query_one("#office-operator", Input)
        operator.value = ""
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, WelcomeScreen)
        assert "9" in error(app, "code") and "位" in error(app, "code")
        assert "姓名" in error(app, "operator")
        assert Services(db).office() is None  # nothing written
        code.value = "９９０１０６００１"  # full-width, and no such province
        operator.value = "王调解"
        await pilot.click("#create")
        await settle(pilot, app)
        assert "99" in error(app, "code")
        code.value = "３３０１０６００１"  # full-width digits from the IME are fine
        await pilot.click("#create")
        await settle(pilot, app)
        assert isinstance(app.screen, CasesScreen)
        assert app.check_action("new_case", ()) is True
    office = Services(db).office()
    assert office is not None
    assert (office.name, office.short_name, office.code) == ("青石镇人民调解委员会", "青石", "330106001")
    assert load_config(paths.config_file).operator == "王调解"


async def test_demo_database_instead(db: Any, paths: Any, monkeypatch: Any) -> None:
    app = make_app(db, paths)
    generator = welcome.demo_generator()
    monkeypatch.setattr(welcome, "DEMO_CASES", 30)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        assert isinstance(app.screen, WelcomeScreen)
        await pilot.click("#demo")
        for _ in range(60):
            await settle(pilot, app)
            if not isinstance(app.screen, WelcomeScreen) or str(
                    app.screen.query_one("#welcome-status", Static).render()).startswith("本版本"):
                break
        if generator is None:
            # no generator installed: said so, and the office form is still there to use
            assert isinstance(app.screen, WelcomeScreen)
            assert "演示" in str(app.screen.query_one("#welcome-status", Static).render())
            assert app.db is db
        else:
            assert isinstance(app.screen, CasesScreen)
            assert app.db.path == paths.demo_db
            assert app.services.count_cases() > 0
            assert Services(db).office() is None  # the user's own database is untouched
