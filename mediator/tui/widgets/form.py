"""Form building blocks: a labelled field with its message line, and inputs that parse.

Every form (登记, 简易登记, the case-file dialogs) is made of :class:`FormField`s. A field shows its
label, its input, and below it either a hint (what was understood: ``2026-11-30 星期一``,
``3,000.00 元``, ``1949-12-31 女``) or an error in the user's language. Errors raised by the
services carry ``ValidationError.field``; :func:`find_field` maps that name back to the field so
the message appears next to the input that caused it.

Inputs parse through :mod:`mediator.core.validate`, which normalises IME full-width digits
first, so ``２０２６－１－５`` and ``３，０００元`` are accepted like their ASCII forms.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.css.scalar import Unit
from textual.dom import DOMNode
from textual.widget import Widget
from textual.widgets import Label, Static

from mediator.core.errors import ValidationError
from mediator.core.money import format_fen
from mediator.core.validate import (
    normalise,
    parse_amount_fen,
    parse_date,
    parse_int,
    parse_phone,
    parse_resident_id,
)
from mediator.i18n import t
from mediator.tui.widgets.inputs import Input

Feedback = tuple[str, bool] | None  # (message, is_error)


WEEKDAY_KEYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def describe_date(d: date) -> str:
    return t(
        "casew.date_hint",
        date=d.isoformat(),
        weekday=t(f"casew.weekday.{WEEKDAY_KEYS[d.weekday()]}"),
    )


class ParsedInput(Input):
    """An Input whose text is parsed by a validator from :mod:`mediator.core.validate`.

    ``parsed()`` returns the value (``None`` when empty) or raises ValidationError with the
    field name; ``feedback()`` gives the hint/error line shown by the enclosing FormField.
    Errors are shown when the field is left (not while typing), except where ``live_error``
    says the text is complete enough to judge (an 18-character ID number).
    """

    def __init__(
        self,
        value: str = "",
        *,
        parser: Callable[[str], Any],
        describe: Callable[[Any], str] | None = None,
        live_error: Callable[[str], bool] | None = None,
        field_name: str | None = None,
        **kwargs: Any,
    ):
        kwargs.setdefault("compact", True)
        super().__init__(value, **kwargs)
        self._parser = parser
        self._describe = describe
        self._live_error = live_error
        self.field_name = field_name

    def parsed(self) -> Any:
        text = normalise(self.value)
        if not text:
            return None
        try:
            return self._parser(text)
        except ValidationError as exc:
            raise ValidationError(exc.message, self.field_name or exc.field) from None

    def feedback(self, live: bool) -> Feedback:
        text = normalise(self.value)
        if not text:
            return None
        try:
            value = self._parser(text)
        except ValidationError as exc:
            if not live or (self._live_error is not None and self._live_error(text)):
                return exc.message, True
            return None
        return (self._describe(value), False) if self._describe else None


def date_input(
    value: str = "", *, today: Callable[[], date], field_name: str | None = None, **kwargs: Any
) -> ParsedInput:
    """A date typed as 今天 / 明天 / +7 / 2026-1-5 / 2026年1月5日 / 20260105."""
    kwargs.setdefault("placeholder", t("casew.date_placeholder"))
    return ParsedInput(
        value,
        parser=lambda s: parse_date(s, today()),
        describe=describe_date,
        field_name=field_name,
        **kwargs,
    )


def amount_input(value: str = "", *, field_name: str | None = None, **kwargs: Any) -> ParsedInput:
    """Money as 3000 / 3,000元 / 三千元 / 1.5万; stored in fen."""
    kwargs.setdefault("placeholder", t("casew.amount_placeholder"))
    return ParsedInput(
        value,
        parser=parse_amount_fen,
        describe=lambda fen: t("casew.amount_hint", yuan=format_fen(fen)),
        field_name=field_name,
        **kwargs,
    )


def id_input(
    value: str = "", *, today: Callable[[], date], field_name: str | None = None, **kwargs: Any
) -> ParsedInput:
    """A resident ID: the birth date and gender it encodes are shown as soon as it is valid."""

    def describe(rid: Any) -> str:
        return t(
            "casew.id_hint",
            birth=rid.birth_date.isoformat(),
            gender=rid.gender.label,
            age=rid.age_on(today()),
        )

    kwargs.setdefault("placeholder", t("casew.id_placeholder"))
    return ParsedInput(
        value,
        parser=lambda s: parse_resident_id(s, today=today()),
        describe=describe,
        live_error=lambda s: len(s.replace(" ", "")) >= 18,
        field_name=field_name,
        **kwargs,
    )


def phone_input(value: str = "", *, field_name: str | None = None, **kwargs: Any) -> ParsedInput:
    kwargs.setdefault("placeholder", t("casew.phone_placeholder"))
    return ParsedInput(value, parser=parse_phone, field_name=field_name, **kwargs)


def int_input(
    value: str = "", *, field_name: str, label: str, minimum: int = 0, **kwargs: Any
) -> ParsedInput:
    return ParsedInput(
        value,
        parser=lambda s: parse_int(s, field_name, label=label, minimum=minimum),
        field_name=field_name,
        **kwargs,
    )


class FormField(Widget):
    """A label, one input widget and, when there is something to say, a message line under it.

    Three widgets per field (the message line is mounted only when first needed): a form has
    dozens of fields, and every widget costs time when the screen opens and on each layout.
    """

    DEFAULT_CSS = """
    FormField { layout: grid; grid-size: 2; grid-columns: 13 1fr; grid-rows: auto;
                height: auto; width: 1fr; }
    FormField > .ff-label { width: 13; padding: 0 1 0 0; text-align: right; color: $text-muted; }
    FormField.-required > .ff-label { color: $text; }
    FormField > .ff-msg { column-span: 2; height: auto; padding: 0 0 0 13; color: $text-muted; }
    FormField > .ff-msg.-error { color: $error; }
    """

    def __init__(
        self,
        label: str,
        widget: Widget,
        *,
        field_name: str,
        required: bool = False,
        hint: str = "",
        id: str | None = None,
        classes: str | None = None,
    ):
        super().__init__(id=id, classes=classes)
        self.label_text = label
        self.widget = widget
        self.field_name = field_name
        self.default_hint = hint
        self._state: tuple[str, bool] = ("", False)
        self._message: Static | None = None
        if required:
            self.add_class("-required")

    def compose(self) -> ComposeResult:
        # A grid row of height "auto" measures the content (one line of an empty TextArea),
        # not the height the widget asked for: give fixed-height widgets their row height.
        height = self.widget.styles.height
        if height is not None and height.unit is Unit.CELLS:
            self.styles.grid_rows = f"{int(height.value)} auto"
        yield Label(Text(self.label_text), classes="ff-label")
        yield self.widget

    def on_mount(self) -> None:
        if self.default_hint:
            self.set_hint(self.default_hint)

    def set_label(self, label: str) -> None:
        self.label_text = label
        self.query_one(".ff-label", Label).update(Text(label))

    def _show(self, message: str, error: bool) -> None:
        """Change the message line only when it changes: every update of an auto-height
        Static costs a layout pass of the whole form, and this runs on each keystroke."""
        state = (message, error)
        if state == self._state:
            return
        self._state = state
        if self._message is None:
            if not message:
                return
            self._message = Static("", classes="ff-msg", markup=False)
            self.mount(self._message)
        msg = self._message
        msg.update(Text(message))
        msg.set_class(error, "-error")
        msg.display = bool(message)

    def set_error(self, message: str) -> None:
        self._show(message, True)

    def set_hint(self, message: str) -> None:
        self._show(message, False)

    def clear(self) -> None:
        self.set_hint(self.default_hint)

    @property
    def has_error(self) -> bool:
        return self._state[1]

    def refresh_feedback(self, live: bool) -> None:
        feedback = getattr(self.widget, "feedback", None)
        result = feedback(live) if feedback else None
        if result is None:
            self.clear()
        elif result[1]:
            self.set_error(result[0])
        else:
            self.set_hint(result[0])

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.widget or self._owns(event.input):
            self.refresh_feedback(live=True)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input is self.widget or self._owns(event.input):
            self.refresh_feedback(live=False)

    def _owns(self, node: DOMNode) -> bool:
        return node is not self.widget and self.widget in node.ancestors


def find_field(root: Widget, name: str | None) -> FormField | None:
    """The FormField for a ValidationError.field (``facts``, ``parties.1.phone``)."""
    if not name:
        return None
    for ff in root.query(FormField):
        if ff.field_name == name:
            return ff
    return None


def clear_errors(root: Widget) -> None:
    for ff in root.query(FormField):
        if ff.has_error:
            ff.clear()
