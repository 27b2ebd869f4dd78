"""Showing text typed by users (names, facts, notes) so that it is displayed exactly as typed.

Two dangers, both found in practice (architecture.md, pitfall 1): Textual and Rich parse
``[bold]``, ``[/]`` and ``[@click=app.quit]`` in plain ``str`` as markup (the last one makes a
clickable quit), and raw control characters such as ``ESC [31m`` reach the terminal unchanged
through Rich (``Text`` strips only BEL, BS, VT, FF and CR) and recolour or move the screen.

So user text always goes through :func:`plain` (control characters become visible ``^[``
notation, line breaks become spaces in one-line cells) and is then wrapped in
``rich.text.Text`` or passed with ``markup=False``; never into a markup template.
"""

from __future__ import annotations

from rich.cells import cell_len, set_cell_size
from rich.style import Style
from rich.text import Text

# C0 controls, DEL and C1 controls in caret/hex notation; bidirectional overrides (which
# reorder what follows them on screen) as visible marks. Zero-width joiners and variation
# selectors stay: emoji need them.
_TABLE: dict[int, str] = {c: "^" + chr(c + 64) for c in range(0x20)}
_TABLE[0x7F] = "^?"
_TABLE.update({c: f"<{c:02X}>" for c in range(0x80, 0xA0)})
_TABLE.update({c: f"<U+{c:04X}>" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
_TABLE[0x09] = "    "

_ONE_LINE = dict(_TABLE)
_ONE_LINE.update({0x0A: " ", 0x0D: " ", 0x09: " ", 0x2028: " ", 0x2029: " "})
_MULTI_LINE = dict(_TABLE)
_MULTI_LINE.update({0x0A: "\n", 0x0D: ""})


def plain(value: object, *, one_line: bool = True, limit: int | None = None) -> str:
    """``value`` as a string that shows literally: no control characters, optionally cut to
    ``limit`` characters (long facts in a list cell)."""
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit]
    return text.translate(_ONE_LINE if one_line else _MULTI_LINE)


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
