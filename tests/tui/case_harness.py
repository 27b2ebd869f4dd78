"""A tiny App for testing the intake, quick-case and case-file screens on their own: it offers
what those screens need from the real app (``services``, ``paths``, ``open_case``) and nothing
else, so these tests do not depend on the app shell."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from mediator.core.paths import Paths
from mediator.core.services import Services


def make_paths(root: Path) -> Paths:
    return Paths(
        data=root / "data",
        config=root / "config",
        backups=root / "backups",
        db=root / "data" / "mediator.db",
    ).ensure()


class Harness(App[None]):
    """Pushes one screen at start; ``open_case`` pushes the case file like MediatorApp does."""

    TITLE = "mediator"

    def __init__(
        self,
        services: Services,
        paths: Paths | None = None,
        first: Callable[[Harness], Screen[Any]] | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.paths = paths
        self._first = first
        self.changes: list[Any] = []
        self.opened: list[str] = []

    def on_mount(self) -> None:
        if self._first is not None:
            self.push_screen(self._first(self))

    def open_case(self, case_id: str) -> None:
        from mediator.tui.screens.case_file import CaseFileScreen

        self.opened.append(case_id)
        self.push_screen(CaseFileScreen(self.services, case_id))

    def on_cases_changed(self, message: Any) -> None:
        self.changes.append(message)


def fixed(d: date) -> Callable[[], date]:
    return lambda: d


async def settle(pilot: Any, app: App[Any]) -> None:
    """Wait until thread workers are done and the screen has processed their messages."""
    from textual.worker import WorkerState

    await pilot.pause()
    for _ in range(6):
        busy = [w for w in app.workers if w.state in (WorkerState.PENDING, WorkerState.RUNNING)]
        if not busy:
            return
        await app.workers.wait_for_complete()
        await pilot.pause()


async def type_in(pilot: Any, widget: Any, text: str) -> None:
    """Focus ``widget`` and type ``text`` into it as key events (Chinese characters included).

    The keys are queued together and processed in order by the focused widget; only one wait at
    the end (``pilot.press`` waits for idle after every key, which makes a form take seconds).
    Keys that move focus (Tab) must go through ``pilot.press``: they act on the next widget only
    after bubbling up to the screen.
    """
    from textual import events
    from textual.keys import _character_to_key

    widget.focus()
    await pilot.pause()
    app = pilot.app
    for ch in text:
        key = ch if ch.isalnum() else _character_to_key(ch)
        event = events.Key(key, ch)
        event.set_sender(app)
        app._driver.send_message(event)
    await pilot.pause()


def field_message(root: Any, name: str) -> str:
    """The text under a FormField (its hint or error), '' when none is shown."""
    from mediator.tui.widgets.form import find_field

    ff = find_field(root, name)
    assert ff is not None, name
    return ff._state[0]


def field_error(root: Any, name: str) -> str:
    from mediator.tui.widgets.form import find_field

    ff = find_field(root, name)
    assert ff is not None, name
    return field_message(root, name) if ff.has_error else ""


async def choose_action(pilot: Any, app: App[Any], key: str) -> Any:
    """Open an action of the case file the way a user does: the action list, then Enter.
    Returns the dialog that opened."""
    from textual.widgets import OptionList

    screen = app.screen
    assert key in screen.actions, (key, screen.actions)
    actions = screen.query_one("#cf-actions", OptionList)
    actions.focus()
    actions.highlighted = screen.actions.index(key)
    await pilot.press("enter")
    await pilot.pause()
    return app.screen


def freeze_cursors(app: App[Any]) -> None:
    """Snapshot tests: a blinking cursor would make every screenshot differ."""
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False  # type: ignore[attr-defined]


def shown(widget: Any, width: int = 100) -> str:
    """The plain text a Static shows, whatever it holds (str, Text, Content, a Rich table)."""
    from rich.console import Console
    from rich.text import Text
    from textual.content import Content

    content = widget.content
    if isinstance(content, str | Text | Content):
        return str(content) if not isinstance(content, Text) else content.plain
    console = Console(width=width, record=True, force_terminal=False, color_system=None)
    with console.capture() as capture:
        console.print(content)
    return capture.get()
