"""Choosing: by typing part of a label (:class:`Picker`), or among a few values in place
(:class:`CycleChoice`).

Choose one of a list by typing part of its label: ``邻`` finds 邻里, ``信访`` finds 信访转交,
``02`` the statistics code, ``qsc`` the pinyin initials of 青山村.

A Select with 19 dispute types or 30 villages is slow to use with an input method; typing two
characters and pressing Tab is not. The list of matches opens under the input while typing;
Up/Down move in it, Enter or Tab (or leaving the field) takes the highlighted match, a click
takes the clicked one. Text that matches nothing stays as typed and the field reports it.

Labels are user data (village names) and are always rendered literally, never as markup.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widget import Widget
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from mediator.core.validate import normalise
from mediator.i18n import t
from mediator.tui.widgets.inputs import Input

MAX_SHOWN = 30


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    #: more text that should match (codes, pinyin initials), not shown
    keys: str = ""


def _initials(label: str) -> str:
    try:
        from mediator.core.search import initials
    except ImportError:  # pragma: no cover - pypinyin is a dependency
        return ""
    try:
        return initials(label)
    except Exception:  # noqa: BLE001 - matching must never break typing
        return ""


def make_choices(
    items: Iterable[tuple[str, str]], *, codes: dict[str, str] | None = None, pinyin: bool = True
) -> list[Choice]:
    """Choices from (value, label) pairs; ``codes`` adds e.g. the 01-99 type codes."""
    out = []
    for value, label in items:
        keys = " ".join(
            x
            for x in (
                (codes or {}).get(value, ""),
                value.lower(),
                _initials(label) if pinyin else "",
            )
            if x
        )
        out.append(Choice(value, label, keys))
    return out


def match(choices: Sequence[Choice], text: str) -> list[Choice]:
    """Choices whose label (or keys) contain ``text``; label-prefix matches first."""
    q = normalise(text).lower()
    if not q:
        return list(choices)
    starts, contains, by_key = [], [], []
    for c in choices:
        label = c.label.lower()
        if label.startswith(q):
            starts.append(c)
        elif q in label:
            contains.append(c)
        elif any(k.startswith(q) for k in c.keys.split()):
            by_key.append(c)
    return starts + contains + by_key


class _PickerList(OptionList, can_focus=False):
    DEFAULT_CSS = """
    _PickerList { height: auto; max-height: 7; border: none; padding: 0; background: $panel; }
    """


class _PickerInput(Input):
    BINDINGS = [
        Binding("down", "picker_move(1)", show=False, id="picker_input.picker_move_next"),
        Binding("up", "picker_move(-1)", show=False, id="picker_input.picker_move_prev"),
    ]

    def on_key(self, event: events.Key) -> None:
        # Esc closes an open list; otherwise it goes on to the screen (返回). Not a binding:
        # a hidden Esc binding here would hide the screen's "esc 返回" from the footer.
        if event.key == "escape" and self.picker.close():
            event.stop()
            event.prevent_default()

    @property
    def picker(self) -> Picker:
        parent = self.parent
        assert isinstance(parent, Picker)
        return parent

    def action_picker_move(self, step: int) -> None:
        if not self.picker.move(step):
            raise SkipAction()


class Picker(Vertical):
    """Type part of a label, get the option. ``value`` is the chosen option's value or None."""

    DEFAULT_CSS = """
    Picker { height: auto; width: 1fr; }
    Picker > _PickerList { display: none; }
    Picker.-open > _PickerList { display: block; }
    """

    class Changed(Message):
        def __init__(self, picker: Picker, value: str | None):
            super().__init__()
            self.picker = picker
            self.value = value

        @property
        def control(self) -> Picker:
            return self.picker

    def __init__(
        self,
        choices: Sequence[Choice],
        value: str | None = None,
        *,
        placeholder: str = "",
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ):
        super().__init__(id=id, classes=classes, disabled=disabled)
        self.choices = list(choices)
        self._value = value if any(c.value == value for c in self.choices) else None
        self._placeholder = placeholder or t("casew.picker_placeholder")
        self._shown: list[Choice] = []
        #: a value set before the choices were loaded (villages come from a worker)
        self._pending = value if self._value is None else None

    def compose(self) -> ComposeResult:
        label = self._label_of(self._value)
        yield _PickerInput(label, placeholder=self._placeholder, compact=True, select_on_focus=True)
        yield _PickerList(markup=False, compact=True)

    # --- public --------------------------------------------------------------------------

    @property
    def input(self) -> Input:
        return self.query_one(_PickerInput)

    @property
    def value(self) -> str | None:
        return self._value

    @property
    def text(self) -> str:
        return self.input.value

    def set_value(self, value: str | None) -> None:
        """Choose ``value`` programmatically (restoring a draft, editing a case)."""
        chosen = value if any(c.value == value for c in self.choices) else None
        self._pending = value if chosen is None else None
        self._set(chosen)
        self.input.value = self._label_of(chosen)
        self.close()

    def set_choices(self, choices: Sequence[Choice]) -> None:
        """Replace the choices, keeping the chosen (or pending, or typed) entry."""
        self.choices = list(choices)
        if self._value is not None or self._pending is not None:
            self.set_value(self._value if self._value is not None else self._pending)
        elif self.input.value:
            self.set_text(self.input.value)

    def set_text(self, text: str) -> None:
        """Put text in as if typed (a draft with an unresolved entry)."""
        self.input.value = text
        exact = [c for c in self.choices if c.label == normalise(text)]
        self._set(exact[0].value if exact else None)

    def feedback(self, live: bool) -> tuple[str, bool] | None:
        text = normalise(self.input.value)
        if live or not text or self._value is not None:
            return None
        return t("casew.picker_no_match", text=text), True

    def move(self, step: int) -> bool:
        if not self.has_class("-open"):
            if not self.input.has_focus:
                return False
            self._refilter(open_=True)
            return self.has_class("-open")
        lst = self.query_one(_PickerList)
        if lst.option_count:
            current = lst.highlighted if lst.highlighted is not None else -1
            lst.highlighted = max(0, min(lst.option_count - 1, current + step))
        return True

    def close(self) -> bool:
        was_open = self.has_class("-open")
        self.remove_class("-open")
        return was_open

    # --- internals -----------------------------------------------------------------------

    def _label_of(self, value: str | None) -> str:
        for c in self.choices:
            if c.value == value:
                return c.label
        return ""

    def _set(self, value: str | None) -> None:
        if value is not None:
            self._pending = None
        if value != self._value:
            self._value = value
            self.post_message(self.Changed(self, value))

    def _refilter(self, open_: bool) -> None:
        text = self.input.value
        self._shown = match(self.choices, text)[:MAX_SHOWN]
        lst = self.query_one(_PickerList)
        lst.clear_options()
        lst.add_options([Option(Text(c.label), id=str(i)) for i, c in enumerate(self._shown)])
        if self._shown:
            lst.highlighted = 0
        self.set_class(open_ and bool(self._shown), "-open")

    def _take_highlighted(self) -> bool:
        lst = self.query_one(_PickerList)
        if not self._shown:
            return False
        index = lst.highlighted if lst.highlighted is not None else 0
        choice = self._shown[min(index, len(self._shown) - 1)]
        self._set(choice.value)
        self.input.value = choice.label
        self.close()
        return True

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        if event.input is not self.input:
            return
        text = event.value
        if text:
            self._pending = None
        if self._value is not None and text == self._label_of(self._value):
            self.close()
            return
        exact = [c for c in self.choices if c.label == normalise(text)]
        self._set(exact[0].value if exact else None)
        self._refilter(open_=self.input.has_focus and bool(normalise(text)) and not exact)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        if event.input is self.input and self.has_class("-open"):
            event.stop()
            self._take_highlighted()

    @on(Input.Blurred)
    def _blurred(self, event: Input.Blurred) -> None:
        if event.input is not self.input:
            return
        if self._value is None and normalise(self.input.value):
            if not self._shown:
                self._shown = match(self.choices, self.input.value)[:MAX_SHOWN]
            self._take_highlighted()
        self.close()

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = int(event.option.id or 0)
        if 0 <= index < len(self._shown):
            choice = self._shown[index]
            self._set(choice.value)
            self.input.value = choice.label
        self.close()


class CycleChoice(Widget, can_focus=True):
    """One of a few fixed values (申请人/被申请人/第三人), changed in place with Space, Enter,
    Left/Right or a click. One widget instead of a Select's six, and Tab passes straight on."""

    DEFAULT_CSS = """
    CycleChoice { width: auto; min-width: 8; height: 1; padding: 0 1; background: $boost; }
    CycleChoice:focus { background: $primary 40%; text-style: bold; }
    CycleChoice.-blank { color: $text-muted; }
    """

    BINDINGS = [
        Binding("space,enter,right", "step(1)", show=False, id="cycle_choice.step_next"),
        Binding("left", "step(-1)", show=False, id="cycle_choice.step_prev"),
    ]

    class Changed(Message):
        def __init__(self, choice: CycleChoice, value: str | None):
            super().__init__()
            self.choice = choice
            self.value = value

        @property
        def control(self) -> CycleChoice:
            return self.choice

    def __init__(
        self,
        options: Sequence[tuple[str, str | None]],
        value: str | None = None,
        *,
        id: str | None = None,
        tooltip: str | None = None,
    ):
        super().__init__(id=id)
        self.options = list(options)
        values = [v for _, v in self.options]
        self._index = values.index(value) if value in values else 0
        if tooltip:
            self.tooltip = tooltip

    @property
    def value(self) -> str | None:
        return self.options[self._index][1]

    def set_value(self, value: str | None) -> None:
        values = [v for _, v in self.options]
        if value in values:
            self._select(values.index(value))

    def _select(self, index: int) -> None:
        index %= len(self.options)
        if index != self._index:
            self._index = index
            self.refresh(layout=True)
            self.post_message(self.Changed(self, self.value))
        self.set_class(self.value is None, "-blank")

    def on_mount(self) -> None:
        self.set_class(self.value is None, "-blank")

    def render(self) -> Text:
        return Text(f"< {self.options[self._index][0]} >")

    def action_step(self, step: int) -> None:
        self._select(self._index + step)

    def on_click(self) -> None:
        self.focus()
        self._select(self._index + 1)
