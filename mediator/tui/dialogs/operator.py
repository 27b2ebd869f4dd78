"""Who is working here: asked once at a start when no operator name is known.

An office set up with ``mediator init`` (rather than the first-start screen) had no operator
name, and every change went into the audit trail as 管理员. The name is kept in the settings
of this PC (设置 changes it); 以后再说 keeps the default and asks again at the next start.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static

from mediator.core.validate import normalise_line
from mediator.i18n import t
from mediator.tui.bindings import translate_bindings
from mediator.tui.dialogs.base import DIALOG_CSS
from mediator.tui.widgets.inputs import Input

#: the longest operator name kept (a person's name; the audit trail repeats it on every entry)
MAX_NAME = 30


class OperatorDialog(ModalScreen[str | None]):
    """Returns the name typed, or None for 以后再说."""

    DEFAULT_CSS = DIALOG_CSS.replace("{cls}", "OperatorDialog")
    BINDINGS = [Binding("escape", "later", "tui.operator.later", id="operator.later")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(t("tui.operator.title")), id="dialog-title")
            yield Static(Text(t("tui.operator.message")), id="dialog-message")
            yield Input(id="operator-name", compact=True, max_length=MAX_NAME,
                        placeholder=t("tui.operator.placeholder"))
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("tui.operator.save"), id="ok", variant="primary")
                yield Button(t("tui.operator.later"), id="later")

    def on_mount(self) -> None:
        self.query_one("#operator-name", Input).focus()

    def action_later(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def _save(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        name = normalise_line(self.query_one("#operator-name", Input).value).strip()
        if not name:
            error = self.query_one("#dialog-error", Static)
            error.update(Text(t("tui.operator.required")))
            error.add_class("-shown")
            return
        self.dismiss(name)

    @on(Button.Pressed, "#later")
    def _later(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
