"""What every screen, dialog and widget of the UI reaches through the app, typed.

Screens do not take ``services`` or ``paths`` as arguments: they read them from the app when
they need them, through these accessors. The app is the one owner: opening the demo database
from the first-start screen or naming another operator in the settings replaces
``app.services``, and a screen that kept the object it was built with would go on writing to
the old database or under the old name. ::

    class SomeScreen(MediatorScreen[None]):
        @work(thread=True, exclusive=True, exit_on_error=False)
        def load(self) -> None:
            self.post_message(Loaded(self.services.agenda(days=14)))

- :class:`MediatorScreen` for full screens, :class:`MediatorModal` for dialogs;
- :class:`MediatorNode` (a mixin) for anything else that lives in the app's DOM (a widget, a
  command provider): ``self.mediator`` is the app as :class:`~mediator.tui.app.MediatorApp`.

Tests build the real app (``mediator.tui.app.create_app(..., first_screen=...)``), so there is
no stand-in app whose gaps production code would have to allow for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.screen import ModalScreen, Screen

if TYPE_CHECKING:
    from mediator.core.config import Config
    from mediator.core.paths import Paths
    from mediator.core.services import Services
    from mediator.tui.app import MediatorApp

R = TypeVar("R")


class MediatorNode:
    """Typed access to the app: mix into a Textual DOM node (widget, screen, provider)."""

    @property
    def mediator(self) -> MediatorApp:
        """The running app (Textual types ``self.app`` as any App)."""
        return cast("MediatorApp", cast(Any, self).app)

    @property
    def services(self) -> Services:
        """The use cases on the open database; read it each time (it can be replaced)."""
        return self.mediator.services

    @property
    def paths(self) -> Paths:
        """Where the data, settings, drafts and exports live."""
        return self.mediator.paths

    @property
    def config(self) -> Config:
        """The settings in force."""
        return self.mediator.config


class MediatorScreen(MediatorNode, Screen[R]):
    """A full screen of the UI."""


class MediatorModal(MediatorNode, ModalScreen[R]):
    """A dialog over a screen."""


class ReloadingScreen(MediatorScreen[R]):
    """A screen whose rows the app's other screens can change (``MediatorApp.watch_data``):
    shown, it reloads at once; behind another screen, it reloads when it is shown again."""

    _stale = False
    #: loads the screen's rows again (each screen's own worker)
    reload: Callable[[], object]

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.reload()

    def data_changed(self, case_id: str | None = None) -> None:
        if self.is_current:
            self.reload()
        else:
            self._stale = True
