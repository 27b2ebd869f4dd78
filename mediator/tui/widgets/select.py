"""Textual's Select, with its empty prompt in the user's language ("Select" showed in a
Chinese form wherever a prompt was not given)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rich.console import RenderableType
from textual.widgets import Select as TextualSelect
from textual.widgets._select import SelectType

from mediator.i18n import t


class Select(TextualSelect[SelectType]):
    def __init__(self, options: Iterable[tuple[RenderableType, SelectType]], *,
                 prompt: str | None = None, **kwargs: Any) -> None:
        super().__init__(options, prompt=t("tui.select.prompt") if prompt is None else prompt,
                         **kwargs)
