"""Outside text made safe: for showing it (:func:`plain`) and for storing it
(:func:`strip_controls`, :func:`xml_safe`).

Names, weeks, file names and messages come from people, from files on a USB stick and from
``.pub`` files. Raw control characters in them would reach the terminal: ``ESC [2J`` clears
the screen, ``ESC ]0;…BEL`` sets the window title, a bidi override (U+202E) reverses what
follows. Rich strips only BEL, BS, VT, FF and CR, not ESC. So every piece of outside text is
shown through :func:`plain`, in the CLI and the TUI alike: control characters become visible
caret (``^[``) or ``<U+202E>`` notation, plain ASCII because the app also runs in a safe-glyph
ASCII mode. Pure functions, no textual or rich import (``mediator.core`` never imports
textual).
"""

from __future__ import annotations

from mediator.core.lazyre import lazy

#: bidirectional embeddings, overrides and isolates: they reorder what follows them on screen
BIDI_CONTROLS = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))

# C0 controls, DEL and C1 controls in caret/hex notation; bidi controls as visible marks.
# Zero-width joiners and variation selectors stay: emoji need them.
_TABLE: dict[int, str] = {c: "^" + chr(c + 64) for c in range(0x20)}
_TABLE[0x7F] = "^?"
_TABLE.update({c: f"<{c:02X}>" for c in range(0x80, 0xA0)})
_TABLE.update({c: f"<U+{c:04X}>" for c in BIDI_CONTROLS})
_TABLE[0x09] = "    "

_ONE_LINE = dict(_TABLE)
_ONE_LINE.update({0x0A: " ", 0x0D: " ", 0x09: " ", 0x2028: " ", 0x2029: " "})
_MULTI_LINE = dict(_TABLE)
_MULTI_LINE.update({0x0A: "\n", 0x0D: ""})


_KEEP_LAYOUT = {c: v for c, v in _TABLE.items() if c not in (0x09, 0x0A)}


def visible_controls(text: str) -> str:
    """Like :func:`plain` but tabs, line feeds and CR LF pairs kept as they are: for whole
    reports and CSV written to the standard output, whose layout is the point. A lone CR
    (which sends the cursor back over what was printed) shows as ``^M``."""
    return "\r\n".join(part.translate(_KEEP_LAYOUT) for part in text.split("\r\n"))


def plain(value: object, *, one_line: bool = True, limit: int | None = None) -> str:
    """``value`` as a string that shows literally, never a terminal control.

    ``one_line`` (the default: names, weeks, file names in a line of output) turns line breaks
    and tabs into spaces; otherwise line breaks stay and tabs become spaces. Every other
    control character is shown as ``^X`` / ``<9B>`` / ``<U+202E>``. ``limit`` cuts the text
    to that many characters first (long facts in a list cell)."""
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = text[:limit]
    return text.translate(_ONE_LINE if one_line else _MULTI_LINE)


_CONTROL_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_CONTROLS = lazy(f"[{_CONTROL_CLASS}]")
_CONTROLS_ONE_LINE = lazy(f"[{_CONTROL_CLASS}\t\n\r]")
_WHITESPACE_CONTROLS = lazy("[\t\n\r\u2028\u2029]+")


def strip_controls(text: str, *, multi_line: bool = False) -> str:
    """Input cleaning: C0 and C1 control characters (and DEL) removed.

    In a one-line field (a name, a code) tabs and line breaks become one space each run, as a
    paste from a Word table would have meant; in a multi-line field (facts, terms, notes) they
    stay. A vertical tab, form feed, ESC or NUL is never what anybody meant to store: python-
    docx refuses them and a terminal obeys them."""
    if text.isprintable():
        # no control, tab, line break or U+2028/9 (none of them is printable): nothing for
        # either substitution to change (most names, ~40,000 in a 10,000-row ledger import)
        return text
    if multi_line:
        return _CONTROLS.sub("", text)
    return _CONTROLS.sub("", _WHITESPACE_CONTROLS.sub(" ", text))


def has_controls(text: str, *, multi_line: bool = False) -> bool:
    """True when :func:`strip_controls` would change ``text`` (apart from spacing)."""
    return (_CONTROLS if multi_line else _CONTROLS_ONE_LINE).search(text) is not None


# XML 1.0 allows TAB, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF;
# C1 controls are allowed by XML but mean nothing in a document and confuse Word.
_NOT_XML = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def xml_safe(value: object) -> str:
    """Text a .docx or .xlsx can hold: characters XML 1.0 refuses (and C1 controls) removed.
    The writers' second line of defence: stored text is cleaned on input, but a database
    written by an older version or by hand must still print."""
    text = "" if value is None else str(value)
    return _NOT_XML.sub("", text)


__all__ = ["BIDI_CONTROLS", "has_controls", "plain", "strip_controls", "visible_controls",
           "xml_safe"]
