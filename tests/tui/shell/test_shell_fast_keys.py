"""Keys typed faster than the screen reacts (a fast typist, a slow PC, a pasted stream) land in
the fields they were meant for: a Tab moves the focus before the next characters are handed on."""

from __future__ import annotations

from typing import Any

from conftest import settle  # type: ignore[import-not-found]
from textual import events
from textual.widgets import Input

from mediator.tui.screens.intake import IntakeScreen
from mediator.tui.widgets.party_editor import PartyEditor


def stream(app: Any, keys: list[str]) -> None:
    """Hand every key to the app at once, as a terminal does when keys arrive in one read:
    nothing is handled between them."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


def chars(text: str) -> list[str]:
    return list(text)


async def test_a_stream_of_keys_fills_each_field_of_the_intake_form(svc: Any,
                                                                     app_factory: Any) -> None:
    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        assert isinstance(app.screen, IntakeScreen)
        first = app.screen.query(PartyEditor).first()
        assert app.focused is first.query_one("#name", Input)
        stream(app, chars("张三") + ["tab", "tab", "tab"] + chars("11010519491231002X")
               + ["tab"] + chars("13812345678") + ["tab"] + chars("青山村一组")
               + ["shift+tab"] + chars("0"))
        await settle(pilot, app)
        values = {f: first.query_one(f"#{f}", Input).value
                  for f in ("name", "id_number", "phone", "address")}
        assert values == {"name": "张三", "id_number": "11010519491231002X",
                          "phone": "138123456780", "address": "青山村一组"}
        assert app.focused is first.query_one("#phone", Input)


def messages(screen: Any) -> dict[str, str]:
    """Every error shown under a field of the form: field name -> message."""
    from mediator.tui.widgets.form import FormField

    return {ff.field_name: ff._state[0] for ff in screen.query(FormField)
            if ff._state[1]}


async def test_save_shows_every_problem_at_once_and_focuses_the_first(svc: Any,
                                                                     app_factory: Any) -> None:
    from mediator.i18n import t

    app = app_factory()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+n")
        await settle(pilot, app)
        first, second = app.screen.query(PartyEditor)
        stream(app, chars("张三") + ["tab", "tab", "tab"] + chars("110105194912310021")
               + ["tab"] + chars("1381234"))
        await settle(pilot, app)
        second.query_one("#name", Input).value = "李四"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        shown = messages(app.screen)
        # three problems of three fields, all on the first save
        assert sorted(shown) == ["dispute_type", "parties.0.id_number", "parties.0.phone"]
        assert shown["dispute_type"] == t("casew.f.type_required", text="")
        assert app.focused is first.query_one("#id_number", Input)
        # the typed values are still there; fix them, leave the facts empty and claim one
        # person for two parties: the two rules of the services come together too
        app.focused.value = "11010519491231002X"
        first.query_one("#phone", Input).value = "13812345678"
        details = app.screen.details
        details.query_one("#dispute_type").input.value = "邻里"
        details.query_one("#persons_involved", Input).value = "1"
        await settle(pilot, app)
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        shown = messages(app.screen)
        assert shown == {"facts": t("svc.facts_required"),
                         "persons_involved": t("svc.persons_too_few", n=2)}
        assert svc.list_cases().rows == []  # nothing was written
