"""Database work in the UI: one idiom.

A keystroke never waits on SQLite. Screens start a **thread worker** that calls
:class:`~mediator.core.services.Services` and **posts a typed Message** with the result back to
the screen; the screen's handler, on the UI thread, updates the widgets::

    class AgendaLoaded(Message):
        def __init__(self, items: list[AgendaItem]) -> None: ...

    @work(thread=True, exclusive=True, exit_on_error=False, group="agenda")
    def load(self) -> None:
        post_result(self, "agenda", lambda: self.services.agenda(days=14), AgendaLoaded)

    def on_agenda_loaded(self, message: AgendaLoaded) -> None:
        ...  # widgets

    def on_work_failed(self, message: WorkFailed) -> None:
        message.stop()
        ...  # say it next to the field; a screen that does not handle it (or does not stop
             # it) lets it bubble to the app, which reports it (MediatorApp.on_work_failed)

- ``exclusive=True``: a newer request of the same group cancels the older one; a cancelled
  worker's result is dropped by :func:`post_result` (the list never jumps back to an older
  query).
- ``exit_on_error=False``: an unexpected error reaches the user as a message, not as the end of
  the app; :func:`post_result` turns it into :class:`WorkFailed`.
- Messages only: no ``app.call_from_thread`` into a screen's methods, no
  ``on_worker_state_changed`` switch on group names (the two older idioms).

Dialogs of the case file are the one other shape: :class:`~mediator.tui.dialogs.base.FormDialog`
subclasses return the service call as a closure from ``build()``; the dialog runs it the same
way and dismisses with its result (``push_screen(dialog, callback)``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from textual.message import Message
from textual.message_pump import MessagePump
from textual.worker import NoActiveWorker, get_current_worker

T = TypeVar("T")


class WorkFailed(Message):
    """A worker of ``group`` raised ``error`` (a user's error or a fault)."""

    def __init__(self, group: str, error: BaseException) -> None:
        super().__init__()
        self.group = group
        self.error = error


def post_result(node: MessagePump, group: str, call: Callable[[], T],
                done: Callable[[T], Message] | None = None) -> None:
    """In a thread worker: run ``call`` and post ``done(result)`` to ``node`` (the result
    itself when ``call`` builds the message), or :class:`WorkFailed` when it raised. Nothing
    is posted for a worker cancelled meanwhile (a newer request of its exclusive group
    replaced it)."""
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - shown to the user by the handler
        if not _cancelled():
            node.post_message(WorkFailed(group, exc))
        return
    if not _cancelled():
        node.post_message(done(result) if done is not None else cast(Message, result))


def _cancelled() -> bool:
    try:
        return get_current_worker().is_cancelled
    except NoActiveWorker:  # called outside a worker (a test calling the function directly)
        return False
