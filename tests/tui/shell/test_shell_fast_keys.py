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
