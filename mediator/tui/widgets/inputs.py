"""The one-line text input of every form: Textual's, except that focusing a filled field puts
the cursor at the end instead of selecting the whole text.

With the text selected, the Backspace meant to fix one digit wiped an 18-digit ID, and a
Shift+Tab back into 协议内容 replaced it with the next key typed; the prefilled village-code
prefix was replaced by the suffix typed after it.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input as TextualInput


class Input(TextualInput):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("select_on_focus", False)
        super().__init__(*args, **kwargs)
