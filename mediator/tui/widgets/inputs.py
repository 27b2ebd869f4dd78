"""The one-line text input of every form: Textual's, except that focusing a filled field puts
the cursor at the end instead of selecting the whole text.

With the text selected, the Backspace meant to fix one digit wiped an 18-digit ID, and a
Shift+Tab back into 协议内容 replaced it with the next key typed; the prefilled village-code
prefix was replaced by the suffix typed after it.
"""

from __future__ import annotations

from typing import Any

from textual.geometry import Size
from textual.widgets import Input as TextualInput


class Input(TextualInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)

    def _watch_value(self, value: str) -> None:
        """Textual sets the box's virtual width (its text's width) on every change of the
        value, and a changed virtual size relays the whole screen. A box whose own size does
        not depend on its text (no ``auto`` width or height: the search box, the form fields)
        only scrolls within itself: the new width is taken without a new layout, so a word an
        input method commits repaints the box, not the screen (issue 21, bursts)."""
        if self.is_mounted and not self.styles.auto_dimensions:
            self.set_reactive(TextualInput.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
