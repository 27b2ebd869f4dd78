"""Keys in the order they were typed, whatever the speed.

Textual hands a key to the focused widget's queue and goes on. A Tab moves the focus only
once it has travelled up from that widget to the screen's binding, so the characters typed
right after it, already handed to the same widget, land in the field the Tab was leaving: a
fast typist, a slow PC or a pasted stream put the facts in 登记日期 and a phone number into the
ID. The app therefore holds every key that follows a key which may move the focus (Tab,
Enter, Esc, a function key, a Ctrl combination: anything that is not a plain character) until
that key has been handled all the way up, then lets the held keys through in order, each one
to whatever has the focus by then. Plain characters typed after plain characters pass at once,
so typing costs nothing.

How "handled all the way up" is known: a marker message is posted to the same widget right
behind the key. Messages of a widget are handled in order and bubble to the same parents in
order, so the marker reaches the app after the key did, and after any binding it ran.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import events
from textual.app import App
from textual.message import Message

#: if a marker is lost (its widget was removed before handling it), the held keys are let
#: through anyway after this long: late is better than never.
RELEASE_AFTER = 0.5


class KeyHandled(Message, bubble=True):
    """Posted behind a key that may move the focus; reaching the app means it was handled."""

    def __init__(self, serial: int) -> None:
        super().__init__()
        self.serial = serial


def moves_focus(event: events.Key) -> bool:
    """Whether a key may change where the next keys go: anything but a plain character."""
    return not event.is_printable


class KeysInOrder:
    """Mixin for the App (listed before ``App`` in the bases): holds keys, and pastes, that
    come behind a focus-moving key until that key has been handled."""

    _held: deque[events.Key | events.Paste]
    _waiting: int | None = None
    _serial: int = 0

    async def on_event(self, event: events.Event) -> None:
        app: Any = self
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            if not hasattr(self, "_held"):
                self._held = deque()
            if self._waiting is not None:
                self._held.append(event)
                return
            await self._deliver(event)
            return
        await App.on_event(app, event)

    async def _deliver(self, event: events.Key | events.Paste) -> None:
        app: Any = self
        await App.on_event(app, event)
        if isinstance(event, events.Key) and moves_focus(event):
            self._serial += 1
            serial = self._serial
            self._waiting = serial
            # posted where the key went (if a priority binding took it, the marker is
            # merely early: that binding has already run)
            target = app.focused or app.screen
            target.post_message(KeyHandled(serial))
            app.set_timer(RELEASE_AFTER, lambda: self._release(serial))

    def keys_held(self) -> bool:
        """Keys typed and not yet let through (behind a focus-moving key)."""
        return bool(getattr(self, "_held", None))

    def on_key_handled(self, message: KeyHandled) -> None:
        message.stop()
        self._release(message.serial)

    def _release(self, serial: int) -> None:
        if self._waiting != serial:
            return
        self._waiting = None
        if self._held:
            app: Any = self
            app.call_next(self._drain)

    async def _drain(self) -> None:
        """Let the held keys through in order until one of them holds the rest again."""
        while self._held and self._waiting is None:
            await self._deliver(self._held.popleft())
