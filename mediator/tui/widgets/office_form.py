"""The office's identity (name, short name for case numbers, division code) as a form, used by
the first-start screen and by the settings screen when the office is missing."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Label, Static

from mediator.cli.basic import default_short_name
from mediator.core.errors import ValidationError
from mediator.core.validate import normalise, parse_office_code
from mediator.i18n import t
from mediator.tui.widgets.inputs import Input


@dataclass(frozen=True)
class OfficeValues:
    name: str
    short_name: str
    code: str
    operator: str


class OfficeForm(Vertical):
    """Fields with an error line under each; :meth:`values` validates and shows the errors."""

    DEFAULT_CSS = """
    OfficeForm { height: auto; }
    OfficeForm > .form-row { height: auto; margin-top: 1; }
    OfficeForm > .form-row > Label { width: 18; padding-right: 1; text-align: right; }
    OfficeForm > .form-row > Input { width: 1fr; }
    OfficeForm > .hint { color: $text-muted; padding-left: 18; height: auto; }
    OfficeForm > .error { color: $error; padding-left: 18; height: auto; display: none; }
    OfficeForm > .error.-shown { display: block; }
    """

    def __init__(self, *, with_operator: bool, operator: str = "", id: str | None = None):
        super().__init__(id=id)
        self.with_operator = with_operator
        self.operator = operator
        self._short_touched = False
        self._errors: dict[str, str] = {}

    def _row(self, label: str, field: str, **input_args: object) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield Label(Content(label))
            yield Input(id=f"office-{field}", compact=True, **input_args)  # type: ignore[arg-type]

    def compose(self) -> ComposeResult:
        yield from self._row(t("tui.office.name"), "name",
                             placeholder=t("tui.office.name_placeholder"))
        yield Static(Content(""), id="office-name-error", classes="error")
        yield from self._row(t("tui.office.short"), "short", max_length=10,
                             placeholder=t("tui.office.short_placeholder"))
        yield Static(Content(t("tui.office.short_hint")), classes="hint")
        yield Static(Content(""), id="office-short-error", classes="error")
        yield from self._row(t("tui.office.code"), "code", max_length=12,
                             placeholder=t("tui.office.code_placeholder"))
        yield Static(Content(t("tui.office.code_hint")), classes="hint")
        yield Static(Content(""), id="office-code-error", classes="error")
        if self.with_operator:
            yield from self._row(t("tui.office.operator"), "operator", value=self.operator,
                                 max_length=20, placeholder=t("tui.office.operator_placeholder"))
            yield Static(Content(""), id="office-operator-error", classes="error")

    def on_mount(self) -> None:
        if self.app.is_headless:
            for widget in self.query(Input):
                widget.cursor_blink = False

    @on(Input.Changed, "#office-name")
    def _name_changed(self, event: Input.Changed) -> None:
        if not self._short_touched:
            short = self.query_one("#office-short", Input)
            with short.prevent(Input.Changed):
                short.value = default_short_name(normalise(event.value))[:10]

    @on(Input.Changed, "#office-short")
    def _short_changed(self) -> None:
        self._short_touched = True

    def _show(self, field: str, message: str) -> None:
        self._errors[field] = message
        error = self.query_one(f"#office-{field}-error", Static)
        error.update(Content(message))
        error.set_class(bool(message), "-shown")

    def show_error(self, exc: ValidationError) -> None:
        """An error from ``Services.init_office`` under the field it concerns."""
        field = {"name": "name", "short_name": "short", "code": "code"}.get(exc.field or "", "code")
        self._show(field, exc.message)

    def values(self) -> OfficeValues | None:
        """The validated values, or None after showing what is wrong under each field."""
        name = normalise(self.query_one("#office-name", Input).value)
        short = normalise(self.query_one("#office-short", Input).value)
        code_text = self.query_one("#office-code", Input).value
        ok = True
        self._show("name", "" if name else t("svc.office_name_required"))
        ok &= bool(name)
        if not short:
            self._show("short", t("svc.office_short_required"))
            ok = False
        elif len(short) > 10:
            self._show("short", t("svc.office_short_too_long"))
            ok = False
        else:
            self._show("short", "")
        code = ""
        try:
            code = parse_office_code(code_text, field="code")
            if len(code) != 9:
                raise ValidationError(t("tui.office.code_nine", length=len(code)), "code")
            self._show("code", "")
        except ValidationError as exc:
            self._show("code", exc.message)
            ok = False
        operator = ""
        if self.with_operator:
            operator = normalise(self.query_one("#office-operator", Input).value)
            self._show("operator", "" if operator else t("tui.office.operator_required"))
            ok &= bool(operator)
        if not ok:
            first = next(f for f in ("name", "short", "code", "operator") if self._errors.get(f))
            self.query_one(f"#office-{first}", Input).focus()
            return None
        return OfficeValues(name, short, code, operator)
