"""Showing text typed by users (names, facts, notes) so that it is displayed exactly as typed.

Two dangers, both found in practice (architecture.md, pitfall 1): Textual and Rich parse
``[bold]``, ``[/]`` and ``[@click=app.quit]`` in plain ``str`` as markup (the last one makes a
clickable quit), and raw control characters such as ``ESC [31m`` reach the terminal unchanged
through Rich (``Text`` strips only BEL, BS, VT, FF and CR) and recolour or move the screen.

So user text always goes through :func:`plain` (``mediator.core.text``, the one the CLI uses too) (control characters become visible ``^[``
notation, line breaks become spaces in one-line cells) and is then wrapped in
``rich.text.Text`` or passed with ``markup=False``; never into a markup template.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

from mediator.core.text import plain  # the one plain(), shared with the CLI

__all__ = ["clip", "fit", "literal", "plain"]


def literal(value: object, style: str | Style = "", *, one_line: bool = True,
            limit: int | None = None) -> Text:
    """A ``Text`` that can go into a Label, Static, DataTable cell or notification safely."""
    return Text(plain(value, one_line=one_line, limit=limit), style=style, end="")


def fit(text: str, width: int, marker: str = "~") -> str:
    """``text`` padded or cut to exactly ``width`` terminal cells (CJK counts two).

    A cut is shown with an ASCII marker: ambiguous-width glyphs such as the ellipsis are drawn
    one or two cells wide depending on the terminal and would break the columns.
    """
    if width <= 0:
        return ""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(set_cell_size(text, width - len(marker)).rstrip() + marker, width)


def clip(value: object, width: int) -> str:
    """User text on one line, cut to at most ``width`` cells (with the ASCII marker)."""
    text = plain(value, limit=width * 2)
    return text if cell_len(text) <= width else fit(text, width).rstrip()
