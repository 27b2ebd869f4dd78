"""Which characters the screen may draw: all of Unicode, or only what the Chinese Windows console
draws one or two cells wide as every other program expects.

On Windows 10's stock console (conhost, code page 936, font SimSun) the East-Asian *ambiguous*
characters — box drawing, block elements, arrows, ``…``, ``—``, ``·``, ``“”``, ``①``, ``○`` and
pinyin letters with tones — are drawn two cells wide while the program counted one, so every
line after such a character is shifted and borders, tables and the footer fall apart. Windows
Terminal draws them one cell wide like every other terminal.

In *safe* mode the screen holds only printable ASCII (``0x20``–``0x7E``) and East-Asian Wide or
Fullwidth characters (Chinese text). Every other character is replaced by one ASCII character
(or removed when it takes no cell), so what was laid out keeps its width: the replacement is
applied to what is drawn, never to data or files.

This module decides the mode and holds the replacement table; the terminal UI applies it
(``mediator.tui.glyphs``). No textual import here.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Mapping
from functools import lru_cache

#: the values of ``glyphs`` in config.toml
GLYPH_MODES = ("auto", "safe", "full")
DEFAULT_GLYPH_MODE = "auto"


def normalise_glyph_mode(value: object) -> str:
    """The configured mode, with anything unknown read as ``auto``."""
    text = str(value or "").strip().lower()
    return text if text in GLYPH_MODES else DEFAULT_GLYPH_MODE


def auto_picks_safe(os_name: str | None = None, environ: Mapping[str, str] | None = None) -> bool:
    """``auto``: safe on Windows unless running inside Windows Terminal (which sets
    ``WT_SESSION`` in every shell it starts); full everywhere else."""
    environ = os.environ if environ is None else environ
    if os_name is None:
        # mediator serve: the browser's PC draws the screen (MEDIATOR_GLYPH_OS, from its
        # user agent), not the server's console
        os_name = environ.get("MEDIATOR_GLYPH_OS") or os.name
    return os_name == "nt" and not environ.get("WT_SESSION")


def use_safe_glyphs(mode: object, os_name: str | None = None,
                    environ: Mapping[str, str] | None = None) -> bool:
    """Whether the screen is drawn with safe glyphs, for the configured ``mode``."""
    mode = normalise_glyph_mode(mode)
    if mode == "auto":
        return auto_picks_safe(os_name, environ)
    return mode == "safe"


def glyph_hint_due(mode: object, hint_shown: bool, os_name: str | None = None,
                   environ: Mapping[str, str] | None = None) -> bool:
    """Whether to say (once) that Windows Terminal draws the screen better: ``auto`` chose safe
    glyphs because this is the Windows console, and the notice was not shown before."""
    environ = os.environ if environ is None else environ
    # in a browser (mediator serve) Windows Terminal is no help: no hint there
    return (normalise_glyph_mode(mode) == "auto" and not hint_shown
            and not environ.get("MEDIATOR_GLYPH_OS") and auto_picks_safe(os_name, environ))


def is_safe_char(ch: str) -> bool:
    """Printable ASCII or an East-Asian Wide/Fullwidth character (Chinese text)."""
    return " " <= ch <= "~" or unicodedata.east_asian_width(ch) in ("W", "F")


# --- the replacement of one character --------------------------------------------------------

#: characters whose ASCII stand-in cannot be read from their Unicode name or decomposition
_EXPLICIT = {
    "…": "~", "‥": ":", "⋯": "~",  # a cut is shown as ~, like mediator.tui.text.fit does
    "·": ".", "•": "*", "‧": ".", "∙": ".", "◦": "o", "‣": ">",
    "“": '"', "”": '"', "„": '"', "‟": '"', "″": '"', "«": "<", "»": ">",
    "‘": "'", "’": "'", "‚": ",", "‛": "'", "′": "'", "‹": "<", "›": ">",
    "×": "x", "÷": "/", "±": "+", "−": "-", "∕": "/", "≤": "<", "≥": ">", "≠": "#",
    "≈": "~", "∞": "8", "√": "v", "°": "o", "¥": "Y", "£": "L", "€": "E", "¢": "c",
    "§": "S", "¶": "P", "©": "c", "®": "r", "¬": "-", "¦": "|", "¯": "-", "¤": "*",
    "¡": "!", "¿": "?", "ß": "s", "æ": "a", "Æ": "A", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D",
    "ł": "l", "Ł": "L", "ı": "i", "œ": "o", "Œ": "O", "þ": "p", "Þ": "P", "ð": "d", "Ð": "D",
    "✓": "v", "✔": "v", "☑": "x", "☒": "x", "✗": "x", "✘": "x", "☐": "_",
    "⏎": "<", "↵": "<", "⌫": "<", "⌦": ">", "⇥": ">", "⇤": "<", "⌘": "#", "⌥": "+", "⇧": "^",
    "※": "*", "★": "*", "☆": "*", "✱": "*", "✳": "*", "❖": "*", "♦": "*", "♥": "*",
    "♠": "*", "♣": "*", "♪": "*",
    "⠀": " ",
}


def _by_name(ch: str) -> str | None:
    """Box drawing, arrows and shapes, by what their Unicode name says they look like."""
    name = unicodedata.name(ch, "")
    words = set(name.replace("-", " ").split())
    if name.startswith("BOX DRAWINGS"):
        if "DIAGONAL" in words:
            return "X" if "CROSS" in words else ("/" if "UPPER RIGHT" in name else "\\")
        across = bool(words & {"HORIZONTAL", "LEFT", "RIGHT"})
        down = bool(words & {"VERTICAL", "UP", "DOWN"})
        if across and not down:
            return "=" if "DOUBLE" in words else "-"
        if down and not across:
            return "|"
        return "+"
    if "ARROW" in words or "ARROWHEAD" in words or "POINTING" in words or "TRIANGLE" in words:
        for word, mark in (("LEFT RIGHT", "-"), ("UP DOWN", "|")):
            if word in name:
                return mark
        for word, mark in (("LEFT", "<"), ("LEFTWARDS", "<"), ("RIGHT", ">"), ("RIGHTWARDS", ">"),
                           ("UP", "^"), ("UPWARDS", "^"), ("DOWN", "v"), ("DOWNWARDS", "v")):
            if word in words:
                return mark
        return ">"
    if words & {"DASH", "HYPHEN", "HORIZONTAL"}:
        return "-"
    if "VERTICAL" in words:
        return "|"
    if words & {"CIRCLE", "RING", "BULLSEYE", "FISHEYE"}:
        return "o"
    if words & {"SQUARE", "RECTANGLE", "PARALLELOGRAM"}:
        return "#"
    if words & {"DIAMOND", "LOZENGE", "STAR", "ASTERISK", "FLOWER", "SPARKLE"}:
        return "*"
    if name.startswith("BRAILLE PATTERN"):
        return "." if ch != "\u2800" else " "
    return None


#: share of a cell a block element fills (U+2580..U+259F); half or more is drawn as a full
#: cell in the glyph's colour, less as an empty one
BLOCK_COVER = dict(zip(
    map(chr, range(0x2580, 0x25A0)),
    (4, 1, 2, 3, 4, 5, 6, 7, 8, 7, 6, 5, 4, 3, 2, 1,
     4, 2, 4, 6, 1, 1, 2, 2, 2, 6, 4, 6, 6, 2, 4, 6), strict=True))


def is_block(ch: str) -> bool:
    """A block element: drawn by colouring part of a cell (scroll bars, tall borders, bars)."""
    return ch in BLOCK_COVER


def block_is_full(ch: str) -> bool:
    """Whether the block element covers half its cell or more (in eighths: 4 of 8)."""
    return BLOCK_COVER[ch] >= 4


@lru_cache(maxsize=4096)
def safe_char(ch: str) -> str:
    """``ch`` itself when it is safe, otherwise what stands in for it: one ASCII character, or
    nothing for a character that takes no cell (combining marks, joiners, variation
    selectors). Block elements become a space (the UI colours the cell instead)."""
    if is_safe_char(ch):
        return ch
    if unicodedata.category(ch) in ("Mn", "Me", "Cf", "Cc"):
        return ""
    if is_block(ch):
        return " "
    if ch in _EXPLICIT:
        return _EXPLICIT[ch]
    if unicodedata.category(ch) == "Zs":
        return " "
    by_name = _by_name(ch)
    if by_name is not None:
        return by_name
    # letters with accents (pinyin tones: ā á ǎ à, ü), ligatures and circled digits
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if len(base) == 1 and " " <= base <= "~":
        return base
    return "?"


def safe_text(text: str) -> str:
    """``text`` with every character not safe replaced (same number of terminal cells)."""
    if text.isascii() and text.isprintable():
        return text
    return "".join(safe_char(ch) for ch in text)
