"""Dialog foundations.

:class:`FormDialog` is the shape of every case action: a title, a few FormFields, an error
line, 确定/取消. On 确定 (or Ctrl+S) the dialog first parses what was typed (errors appear next to
the field), then runs the service call in a thread worker. A DomainError or ValidationError
from the service is shown inline and the dialog stays open; the service wrote nothing, because
each use case is one transaction. On success the dialog closes with the service's Outcome,
whose warnings the case file shows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Label, OptionList, Static, TextArea
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from mediator.core.errors import MediatorError, ValidationError, ValidationErrors
from mediator.core.services import Services
from mediator.i18n import t
from mediator.tui.widgets.bindings import localise_bindings
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.form import FormField, ParsedInput, clear_errors, find_field
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.select import Select

R = TypeVar("R")

DIALOG_CSS = """
{cls} { align: center middle; }
{cls} > #dialog { width: 76; max-width: 96%; height: auto; max-height: 94%;
                  border: round $primary; background: $panel; padding: 0 1; }
{cls} #dialog-title { text-style: bold; width: 1fr; padding: 0 0 1 0; }
{cls} #dialog-body { height: auto; max-height: 24; }
{cls} #dialog-error { display: none; color: $error; height: auto; }
{cls} #dialog-error.-shown { display: block; }
{cls} .dialog-buttons { height: auto; align-horizontal: right; padding: 1 0 0 0; }
{cls} .dialog-buttons > Button { margin: 0 0 0 1; min-width: 10; }
"""


def unexpected(exc: BaseException) -> str:
    """The message for an error no rule foresaw; its traceback goes to the log."""
    from mediator.core.logs import log_exception, summary, where_logged

    log_exception(exc, "screen")
    return f"{t('caseact.unexpected', error=summary(exc))} {where_logged()}"


class FormDialog(ModalScreen[R]):
    """A dialog made of FormFields whose 确定 runs one service call in a thread worker."""

    DEFAULT_CSS = DIALOG_CSS.replace("{cls}", "FormDialog")

    BINDINGS = [
        Binding("escape", "cancel", "caseact.cancel", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "caseact.ok", priority=True, id="dialog.submit"),
    ]

    #: shown at the top of the dialog
    title_text: str = ""
    ok_label: str = ""

    def __init__(self, services: Services) -> None:
        super().__init__()
        localise_bindings(self)
        self.services = services
        self.busy = False

    # --- to implement --------------------------------------------------------------------

    def form(self) -> ComposeResult:
        """Yield the FormFields of the dialog."""
        yield from ()

    def build(self) -> Callable[[], Any]:
        """Parse the fields and return the service call to run (raise ValidationError)."""
        raise NotImplementedError

    def initial_focus(self) -> Widget | None:
        for w in self.query(
            "#dialog-body Input, #dialog-body TextArea, #dialog-body Select, #dialog-body Checkbox"
        ):
            if w.focusable:
                return w
        return None

    # --- frame ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), id="dialog-title")
            with VerticalScroll(id="dialog-body"):
                yield from self.form()
            yield Static("", id="dialog-error", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.ok_label or t("caseact.ok"), id="ok", variant="primary")
                yield Button(t("caseact.cancel"), id="cancel")

    #: rows around the body: the border (2), the title with its gap (2), the buttons with theirs
    #: (4); the dialog itself may take 94% of the screen (DIALOG_CSS)
    FRAME_ROWS = 8

    def on_resize(self, event: events.Resize) -> None:
        self._fit_body()

    def _fit_body(self) -> None:
        """Let the body scroll within what the screen leaves once the title, the message and
        the buttons are drawn: on a 24-row console the buttons stay on screen, and the field
        that gets the focus is scrolled into view (a body taller than what shows never
        scrolls, as it believes itself whole)."""
        rows = self.size.height * 94 // 100 - self.FRAME_ROWS
        if self._error_text:
            width = max(10, min(76, self.size.width * 96 // 100) - 4)
            rows -= -(-cell_len(self._error_text) // width)
        self.query_one("#dialog-body").styles.max_height = max(3, min(24, rows))

    def on_mount(self) -> None:
        self._error_text = ""
        self._fit_body()
        target = self.initial_focus()
        if target is not None:
            target.focus()
        # what the dialog showed before anything was typed: Esc asks only when it changed
        self._pristine: tuple[Any, ...] | None = None
        self.call_after_refresh(self._capture_pristine)

    def _capture_pristine(self) -> None:
        self._pristine = self.form_state()

    def program_change(self, change: Callable[[], None]) -> None:
        """A change the dialog makes itself (choices loaded in a worker): if nothing had been
        typed yet, the dialog is still untouched after it, and Esc leaves without asking."""
        clean = self._pristine is None or self.form_state() == self._pristine
        change()
        if clean:
            self.call_after_refresh(self._capture_pristine)

    def form_state(self) -> tuple[Any, ...]:
        """Every value the dialog's fields hold now (rows added count too)."""
        state: list[Any] = []
        for w in self.query("#dialog-body *"):
            if isinstance(w, TextArea):
                state.append((w.id, w.text))
            elif isinstance(w, Input | Select | Checkbox) or hasattr(w, "value"):
                value = getattr(w, "value", None)
                state.append((type(w).__name__, w.id, value if isinstance(
                    value, str | int | float | bool | type(None)) else repr(value)))
        return tuple(state)

    def today(self) -> date:
        return self.services.today()

    # --- helpers for subclasses ---------------------------------------------------------

    def field(self, name: str) -> FormField:
        ff = find_field(self, name)
        if ff is None:
            raise KeyError(name)
        return ff

    def text(self, name: str) -> str:
        w = self.field(name).widget
        if isinstance(w, TextArea):
            return w.text
        if isinstance(w, Input):
            return w.value
        raise TypeError(name)

    def parsed(self, name: str, *, required: bool = False) -> Any:
        w = self.field(name).widget
        assert isinstance(w, ParsedInput)
        value = w.parsed()
        if value is None and required:
            raise ValidationError(t("caseact.required"), name)
        return value

    def select_value(self, name: str) -> Any:
        w = self.field(name).widget
        assert isinstance(w, Select)
        return None if w.value is Select.NULL else w.value

    def checked(self, wid: str) -> bool:
        return self.query_one(f"#{wid}", Checkbox).value

    def show_error(self, exc: BaseException) -> None:
        """An error under its field (or under the form); several (ValidationErrors) each
        under its own, the focus on the first one of the form."""
        errors = exc.errors if isinstance(exc, ValidationErrors) else [exc]
        fields = list(self.query(FormField))
        found: list[FormField] = []
        for error in errors:
            message = error.message if isinstance(error, MediatorError) else unexpected(error)
            ff = find_field(self, getattr(error, "field", None))
            if ff is not None:
                ff.set_error(message)
                found.append(ff)
            else:
                err = self.query_one("#dialog-error", Static)
                err.update(Text(message))
                err.add_class("-shown")
                self._error_text = message
                self._fit_body()
        if found:
            target = min(found, key=fields.index).widget
            if target.focusable:
                target.focus()
            elif (inner := next(iter(target.query("Input")), None)) is not None:
                inner.focus()

    def clear_error(self) -> None:
        clear_errors(self)
        self.query_one("#dialog-error", Static).remove_class("-shown")
        if self._error_text:
            self._error_text = ""
            self._fit_body()

    # --- actions -------------------------------------------------------------------------

    def action_cancel(self) -> None:
        """Esc or 取消: leave at once when nothing was typed; otherwise ask first (继续填写
        has the focus), since the dialog's text is not kept anywhere else."""
        if self.busy:
            return
        if self._pristine is None or self.form_state() == self._pristine:
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmDialog(t("caseact.discard_title"), t("intake.discard_message"),
                          t("intake.discard"), t("intake.keep_editing"), yes_variant="error"),
            lambda discard: self.dismiss(None) if discard else None,
        )

    def action_submit(self) -> None:
        if self.busy:
            return
        self.clear_error()
        try:
            call = self.build()
        except MediatorError as exc:
            self.show_error(exc)
            return
        self.busy = True
        self.query_one("#ok", Button).disabled = True
        self._run(call)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog-submit")
    def _run(self, call: Callable[[], Any]) -> Any:
        return call()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "dialog-submit":
            return
        if event.state is WorkerState.SUCCESS:
            self.busy = False
            self.dismiss(event.worker.result)
        elif event.state in (WorkerState.ERROR, WorkerState.CANCELLED):
            self.busy = False
            self.query_one("#ok", Button).disabled = False
            if event.worker.error is not None:
                self.show_error(event.worker.error)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter in a one-line field moves on (to 确定 after the last one), as Tab does."""
        event.stop()
        self.focus_next()

    @on(Button.Pressed, "#ok")
    def _ok(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_cancel()


def text_area(text: str = "", *, id: str | None = None, height: int = 4) -> TextArea:
    ta = TextArea(
        text, id=id, compact=True, soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
    )
    ta.styles.height = height
    return ta


def plain_input(value: str = "", *, id: str | None = None, placeholder: str = "") -> Input:
    return Input(value, id=id, compact=True, placeholder=placeholder)


def enum_select(
    enum_cls: Any,
    value: Any = None,
    *,
    id: str | None = None,
    allow_blank: bool = False,
    members: Sequence[Any] | None = None,
) -> Select[str]:
    items = members if members is not None else list(enum_cls)
    options = [(Text(m.label), m.name) for m in items]
    chosen = value.name if value is not None and hasattr(value, "name") else value
    if chosen is None and not allow_blank:
        chosen = options[0][1]
    return Select(
        options,
        value=chosen if chosen is not None else Select.NULL,
        allow_blank=allow_blank,
        compact=True,
        id=id,
    )


class ConfirmDialog(ModalScreen[bool]):
    """A question with two answers; True for the first (e.g. 放弃 / 继续填写).

    ``safe`` is the answer that loses nothing (by default the second, "no"): it has the focus,
    so Enter gives it, and Esc gives it. The draft-recovery question's safe answer is 恢复 (the
    first): Enter there used to delete the draft for good."""

    DEFAULT_CSS = DIALOG_CSS.replace("{cls}", "ConfirmDialog")
    BINDINGS = [Binding("escape", "answer_safe", "caseact.cancel", id="confirm.cancel")]

    def __init__(
        self, title: str, message: str, yes: str, no: str, *, yes_variant: str = "primary",
        safe: bool = False,
    ) -> None:
        super().__init__()
        localise_bindings(self)
        self.title_text, self.message, self.yes, self.no = title, message, yes, no
        self.yes_variant = yes_variant
        self.safe = safe
        # the button Enter presses: focused by the screen once it is shown (Textual's own
        # AUTO_FOCUS, not a query in on_mount, which under load could run before the buttons
        # were mounted)
        self.AUTO_FOCUS = "#yes" if safe else "#no"

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), id="dialog-title")
            yield Static(Text(self.message), id="dialog-message")
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant=self.yes_variant)  # type: ignore[arg-type]
                yield Button(self.no, id="no")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)

    def action_answer_safe(self) -> None:
        self.dismiss(self.safe)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")


class ChooseDialog(ModalScreen[str | None]):
    """Pick one of a few rows (a case among repeats, an obligation); Enter opens it."""

    DEFAULT_CSS = (
        DIALOG_CSS.replace("{cls}", "ChooseDialog")
        + """
    ChooseDialog OptionList { height: auto; max-height: 16; }
    """
    )
    BINDINGS = [Binding("escape", "close", "caseact.cancel", id="choose.cancel")]

    def __init__(
        self,
        title: str,
        rows: Sequence[tuple[str, Text]],
        *,
        message: str = "",
        close_label: str = "",
    ) -> None:
        super().__init__()
        localise_bindings(self)
        self.title_text, self.rows, self.message = title, list(rows), message
        self.close_label = close_label or t("caseact.close")

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(self.title_text), id="dialog-title")
            if self.message:
                yield Static(Text(self.message))
            yield OptionList(
                *[Option(label, id=key) for key, label in self.rows], markup=False, id="choices"
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.close_label, id="close")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    @on(Button.Pressed, "#close")
    def _close(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(None)
