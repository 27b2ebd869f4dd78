"""The one-line bar at the top of the main screens: where you are, and the other places one
click away (the footer shows the same actions as keys)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from mediator.i18n import t
from mediator.tui.base import MediatorNode

#: (button id, label key, action)
ITEMS = (
    ("cases", "tui.nav.cases", "app.goto('cases')"),
    ("agenda", "tui.nav.agenda", "app.goto('agenda')"),
    ("settings", "tui.nav.settings", "app.goto('settings')"),
    ("new", "tui.nav.new_case", "app.new_case"),
    ("quick", "tui.nav.quick_case", "app.quick_case"),
    ("palette", "tui.nav.palette", "app.command_palette"),
)


class NavBar(MediatorNode, Horizontal):
    DEFAULT_CSS = """
    NavBar { height: 1; width: 1fr; background: $panel; }
    NavBar > #nav-title { width: auto; max-width: 40%; padding: 0 1; text-style: bold;
                          color: $text-primary; }
    NavBar > Button { width: auto; min-width: 6; margin: 0 0 0 1; }
    NavBar > Button.-here { text-style: bold reverse; }
    """

    def __init__(self, here: str) -> None:
        super().__init__()
        self.here = here

    def compose(self) -> ComposeResult:
        # the buttons are mounted after the first frame (_mount_buttons): six Buttons (and
        # parsing Button's stylesheet) were a fifth of the case list's first frame
        yield Static(Content("mediator"), id="nav-title")

    def _buttons(self) -> list[Button]:
        buttons = []
        for key, label, action in ITEMS:
            button = Button(Content(t(label)), id=f"nav-{key}", action=action, compact=True,
                            classes="-here" if key == self.here else "")
            button.can_focus = False
            buttons.append(button)
        return buttons

    def on_mount(self) -> None:
        self.set_title(self.mediator.office_title)
        self.mediator.after_first_frame(self._mount_buttons, self)

    async def _mount_buttons(self) -> None:
        """Right of the title, once the screen's first frame is out; nothing else moves (the
        bar is one line high from the start)."""
        if self.is_attached and not self.query(Button):
            await self.mount_all(self._buttons())

    def set_title(self, title: str) -> None:
        """Shown left of the buttons: the office's short name (plain text, never markup)."""
        from mediator.tui.text import plain

        for shown in self.query("#nav-title").results(Static):
            shown.update(Content(plain(title, limit=40)))
        # none yet: the office was found before the bar composed (a start from a prepared
        # file runs the check right after the first page); on_mount shows the app's title
