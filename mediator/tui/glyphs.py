"""Safe-glyph mode on screen: one line filter through which everything drawn passes.

Textual passes every line of every widget (borders, scroll bars, the footer, the command
palette, notifications, mediator's own tables and charts) through the app's line filters just
before it reaches the terminal or a screenshot. :class:`SafeGlyphs` replaces there each
character the Chinese Windows console draws at the wrong width (see ``mediator.core.glyphs``)
with one ASCII character, so layouts keep their widths. Block elements (scroll bar thumbs, the
edges of ``tall`` borders, bars) become a space in the colour that filled most of the cell.

Two things cannot be told from the drawn line and are handled where they are drawn: the
checkbox (``[x]`` / ``[ ]``, ``mediator.tui.widgets.checkbox``) and the names of keys in the
footer (:func:`key_display`). Data and written files are never changed.
"""

from __future__ import annotations

from functools import lru_cache

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.filter import LineFilter

from mediator.core.glyphs import block_is_full, is_block, is_safe_char, safe_char, safe_text

#: Textual's key symbols (textual.keys.KEY_DISPLAY_ALIASES) by name
KEY_NAMES = {"⏎": "Enter", "↑": "Up", "↓": "Down", "←": "Left", "→": "Right", "⌫": "Bksp"}

_REVERSE = Style(reverse=True)
_NOT_REVERSE = Style(reverse=False)


@lru_cache(maxsize=4096)
def _stand_in(ch: str) -> tuple[str, bool]:
    """What is drawn instead of ``ch`` (as many cells wide as Rich counted for it), and
    whether it is drawn in reverse (a block element that filled most of its cell)."""
    if is_safe_char(ch):
        return ch, False
    if is_block(ch):
        return " ", block_is_full(ch)
    width = cell_len(ch)
    return (safe_char(ch) + " " * width)[:width], False


@lru_cache(maxsize=4096)
def _safe_segments(text: str, style: Style | None) -> tuple[Segment, ...]:
    runs: list[tuple[str, bool]] = []
    for ch in text:
        piece, reverse = _stand_in(ch)
        if runs and runs[-1][1] == reverse:
            runs[-1] = (runs[-1][0] + piece, reverse)
        elif piece:
            runs.append((piece, reverse))
    reversed_style = (style or Style()) + (_NOT_REVERSE if style is not None and style.reverse
                                           else _REVERSE)
    return tuple(Segment(piece, reversed_style if reverse else style) for piece, reverse in runs)


class SafeGlyphs(LineFilter):
    """Replaces what the Chinese Windows console draws at the wrong width (see module doc)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out: list[Segment] = []
        for segment in segments:
            text, style, control = segment
            if control or text.isascii():
                out.append(segment)
            else:
                out.extend(_safe_segments(text, style))
        return out


def key_display(shown: str) -> str:
    """A key as Textual shows it (``⏎``, ``^↑``) in ASCII words (``Enter``, ``^Up``)."""
    for symbol, name in KEY_NAMES.items():
        shown = shown.replace(symbol, name)
    return safe_text(shown)
