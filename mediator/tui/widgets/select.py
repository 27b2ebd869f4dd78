"""Textual's Select, with its empty prompt in the user's language ("Select" showed in a
Chinese form wherever a prompt was not given)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from textual import on
from textual.app import ComposeResult
from textual.css.query import NoMatches
from textual.widgets import Select as TextualSelect
from textual.widgets._select import NoSelection, SelectCurrent, SelectOverlay, SelectType

from mediator.i18n import t


class Select(TextualSelect[SelectType]):
    def __init__(self, options: Iterable[tuple[RenderableType, SelectType]], *,
                 prompt: str | None = None, **kwargs: Any) -> None:
        super().__init__(options, prompt=t("tui.select.prompt") if prompt is None else prompt,
                         **kwargs)


class FilterSelect(Select[SelectType]):
    """A Select whose drop-down list (an OptionList, the costly part) is mounted after the
    first frame: the case list's six filters made a tenth of the start. Until then the
    Select shows its prompt or value as any Select does, and opening it mounts the list at
    once. The list is display:none while closed, so the screen looks the same either way.
    :meth:`attach_overlay` is called by the screen after its first frame."""

    _overlay_attached = False

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)

    async def attach_overlay(self) -> None:
        if self._overlay_attached or not self.is_attached:
            return
        self._overlay_attached = True
        overlay = SelectOverlay(type_to_search=self._type_to_search)
        # as Select.compose's data_bind(compact=Select.compact), which binds only in compose
        overlay.compact = self.compact
        await self.mount(overlay)
        super()._setup_options_renderables()
        self._highlight_value()

    def _highlight_value(self) -> None:
        for index, (_prompt, value) in enumerate(self._options):
            if value == self.value and value != self.NULL:
                self.query_one(SelectOverlay).highlighted = index
                break

    def _setup_options_renderables(self) -> None:
        if self._overlay_attached:
            super()._setup_options_renderables()

    def _watch_value(self, value: SelectType | NoSelection) -> None:
        if self._overlay_attached:
            super()._watch_value(value)
            return
        # Select._watch_value without the list's highlight (set when the list is mounted)
        self._value = value
        try:
            current = self.query_one(SelectCurrent)
        except NoMatches:
            return
        if value == self.NULL:
            current.update(self.NULL)
        else:
            for prompt, option_value in self._options:
                if option_value == value:
                    current.update(prompt)
                    break
        self.post_message(self.Changed(self, value))

    async def action_show_overlay(self) -> None:
        await self.attach_overlay()
        super().action_show_overlay()

    @on(SelectCurrent.Toggle)
    async def _attach_before_toggle(self, event: SelectCurrent.Toggle) -> None:
        """A click on the Select before its list was mounted: mount it first (Select's own
        handler, which runs next, opens it)."""
        await self.attach_overlay()
