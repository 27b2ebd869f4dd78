"""Helpers for the intake, quick-case and case-file tests. The app under test is the real one,
built by the factory the ``mediator`` command uses (``create_app``), with the screen under test
opened first over the case list."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App
from textual.message import Message

from mediator.core.config import Config
from mediator.core.paths import Paths
from mediator.core.services import Services
from mediator.tui.app import FirstScreen, MediatorApp, create_app
from mediator.tui.messages import CasesChanged


def make_paths(root: Path) -> Paths:
    return Paths(
        data=root / "data",
        config=root / "config",
        backups=root / "backups",
        db=root / "data" / "mediator.db",
    ).ensure()


def app_on(svc: Services, first_screen: FirstScreen | None, paths: Paths | None = None,
           **kw: Any) -> MediatorApp:
    """The app on ``svc``'s database, operator and clock, ``first_screen`` open. Without
    ``paths`` the app's folders (drafts, settings) go beside the database."""
    if paths is None:
        paths = make_paths(Path(svc.db.path).parent / "home")
    kw.setdefault("config", Config())
    return create_app(svc.db, paths, operator=svc.operator, today=svc.today,
                      first_screen=first_screen, **kw)


class Changes:
    """Every ``CasesChanged`` the screens posted: ``app.run_test(message_hook=changes)``."""

    def __init__(self) -> None:
        self.messages: list[CasesChanged] = []

    def __call__(self, message: Message) -> None:
        if isinstance(message, CasesChanged):
            self.messages.append(message)

    @property
    def case_ids(self) -> list[str | None]:
        return [m.case_id for m in self.messages]


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
