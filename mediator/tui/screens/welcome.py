"""First start: a database without an office. Nobody should face an empty list wondering what
to do, so this screen asks for the office (name, short name, 9-digit division code) and the
operator's name, or opens the demo database instead."""

from __future__ import annotations

import inspect
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, ProgressBar, Static

from mediator.core.config import Config
from mediator.core.errors import MediatorError, ValidationError
from mediator.demo import generate as generate_demo
from mediator.i18n import t
from mediator.tui.bindings import translate_bindings
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.office_form import OfficeForm, OfficeValues

DEMO_CASES = 2000


def demo_generator() -> Any:
    """``mediator.demo.generate`` (a function, so tests can replace it)."""
    return generate_demo


class WelcomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+s", "create", "tui.key.create")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        app: Any = self.app
        with VerticalScroll(id="welcome"):
            yield Static(Content(t("tui.welcome.title")), id="welcome-title")
            yield Static(Content(t("tui.welcome.intro")), id="welcome-intro")
            yield OfficeForm(with_operator=True, operator=app.config.operator or "")
            with Horizontal(id="welcome-buttons"):
                yield Button(Content(t("tui.welcome.create")), variant="primary", id="create")
                yield Button(Content(t("tui.welcome.demo")), id="demo")
            yield Static(Content(""), id="welcome-status")
            yield ProgressBar(id="welcome-progress")
            yield Static(Content(t("tui.welcome.demo_hint", path=str(app.paths.demo_db)
                                   if app.paths else "demo.db")), id="welcome-demo-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#welcome-progress").display = False
        self.query_one("#office-name").focus()

    def _status(self, message: str) -> None:
        self.query_one("#welcome-status", Static).update(Content(message))

    def _busy(self, busy: bool) -> None:
        for button in self.query(Button):
            button.disabled = busy

    # --- create the office -------------------------------------------------------------

    @on(Button.Pressed, "#create")
    def action_create(self) -> None:
        values = self.query_one(OfficeForm).values()
        if values is None:
            return
        self._busy(True)
        self._create(values)

    @work(thread=True, exclusive=True, group="welcome", exit_on_error=False)
    def _create(self, values: OfficeValues) -> None:
        app: Any = self.app
        try:
            app.services.init_office(values.name, values.short_name, values.code)
        except ValidationError as exc:
            app.call_from_thread(self._failed, exc)
            return
        except Exception as exc:  # noqa: BLE001
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._created, values.operator)

    def _failed(self, exc: BaseException) -> None:
        self._busy(False)
        self.query_one("#welcome-progress").display = False
        if isinstance(exc, ValidationError):
            self.query_one(OfficeForm).show_error(exc)
        elif isinstance(exc, MediatorError):
            self._status(exc.message)
        else:
            self._status("")
            self.app.report_error(exc)  # type: ignore[attr-defined]

    def _created(self, operator: str) -> None:
        app: Any = self.app
        config: Config = app.config
        config.operator = operator
        try:
            app.save_settings(config)
        except OSError as exc:
            app.notify(t("tui.settings.save_failed", error=str(exc)), severity="error", markup=False)
        app.notify(t("tui.welcome.done"), markup=False)
        self.dismiss()
        app.office_ready()

    # --- or the demo database --------------------------------------------------------------

    @on(Button.Pressed, "#demo")
    def _demo(self) -> None:
        app: Any = self.app
        if app.paths is None:
            return
        self._busy(True)
        bar = self.query_one("#welcome-progress", ProgressBar)
        bar.display = True
        bar.update(total=None)
        self._status(t("tui.welcome.demo_opening"))
        self._open_demo()

    @work(thread=True, exclusive=True, group="welcome", exit_on_error=False)
    def _open_demo(self) -> None:
        from mediator.core.services import Services
        from mediator.tui.app import open_demo

        app: Any = self.app
        db = None
        try:
            db = open_demo(app.paths)
            svc = Services(db, app.operator)
            has_cases = svc.office() is not None and svc.count_cases() > 0
            if not has_cases:
                generate = demo_generator()
                if generate is None:
                    db.close()
                    app.call_from_thread(self._failed, MediatorError(t("tui.welcome.no_demo")))
                    return
                app.call_from_thread(self._status, t("tui.welcome.demo_generating", n=DEMO_CASES))
                kwargs: dict[str, Any] = {"cases": DEMO_CASES, "seed": 1}
                params = inspect.signature(generate).parameters
                if "today" in params:
                    kwargs["today"] = app.services.today()
                if "progress" in params:
                    kwargs["progress"] = lambda done, total: app.call_from_thread(
                        self._progress, done, total)
                generate(db, **kwargs)
        except Exception as exc:  # noqa: BLE001
            if db is not None:
                db.close()
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._demo_ready, db)

    def _progress(self, done: int, total: int) -> None:
        self.query_one("#welcome-progress", ProgressBar).update(total=total, progress=done)

    def _demo_ready(self, db: Any) -> None:
        app: Any = self.app
        app.switch_database(db)
        app.notify(t("tui.welcome.demo_done", path=str(app.paths.demo_db)), markup=False)
        self.dismiss()
        app.office_ready()
