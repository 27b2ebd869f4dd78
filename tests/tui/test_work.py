"""The one worker idiom (mediator.tui.work): a worker's result arrives as a typed message, an
error as WorkFailed, and an error no screen handles is reported by the app."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any

from case_harness import app_on, settle
from textual.message import Message

from mediator.core.errors import MediatorError
from mediator.tui.screens.agenda import AgendaScreen
from mediator.tui.work import WorkFailed, post_result


class Answer(Message):
    def __init__(self, value: int) -> None:
        super().__init__()
        self.value = value


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    def post_message(self, message: Message) -> bool:
        self.messages.append(message)
        return True


def test_result_posted_as_its_message() -> None:
    inbox = Inbox()
    post_result(inbox, "g", lambda: 42, Answer)  # type: ignore[arg-type]
    assert [type(m) for m in inbox.messages] == [Answer]
    assert inbox.messages[0].value == 42  # type: ignore[attr-defined]


def test_error_posted_as_work_failed_with_its_group() -> None:
    inbox = Inbox()
    error = MediatorError("数据库忙")

    def fail() -> int:
        raise error

    post_result(inbox, "agenda", fail, Answer)  # type: ignore[arg-type]
    (failed,) = inbox.messages
    assert isinstance(failed, WorkFailed)
    assert (failed.group, failed.error) == ("agenda", error)


async def test_cancelled_worker_posts_nothing_and_unhandled_errors_reach_the_app(
        svc: Any, tmp_path: Path) -> None:
    app = app_on(svc, AgendaScreen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        inbox = Inbox()
        started, release, finished = threading.Event(), threading.Event(), threading.Event()

        def slow() -> int:
            started.set()
            release.wait(5)
            return 1

        def job() -> None:
            post_result(inbox, "g", slow, Answer)  # type: ignore[arg-type]
            finished.set()

        worker = screen.run_worker(job, thread=True, exit_on_error=False)
        await asyncio.to_thread(started.wait, 5)
        worker.cancel()  # what a newer request of an exclusive group does
        release.set()
        assert await asyncio.to_thread(finished.wait, 5)
        assert inbox.messages == []
        # the agenda does not handle WorkFailed: it goes on to the app, which says it
        screen.post_message(WorkFailed("agenda", MediatorError("数据库正忙，请稍后再试")))
        await settle(pilot, app)
        assert [n.message for n in app._notifications] == ["数据库正忙，请稍后再试"]
