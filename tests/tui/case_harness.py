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
    return Paths(data=root / "data", config=root / "config", backups=root / "backups",
                 db=root / "data" / "mediator.db").ensure()


class Harness(App[None]):
    """Pushes one screen at start; ``open_case`` pushes the case file like MediatorApp does."""

    def __init__(self, services: Services, paths: Paths | None = None,
                 first: Callable[[Harness], Screen[Any]] | None = None) -> None:
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
