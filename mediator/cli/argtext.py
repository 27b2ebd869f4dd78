"""argparse's own messages (usage, option lists, every parse error) in the user's language.

argparse writes them through ``gettext`` with the English text as the message id; this puts
the catalogue's translation in its place. A message not listed here stays in English, as it
was (a new Python may add some: the test lists the ones a user meets)."""

from __future__ import annotations

import argparse

from mediator.i18n import get_language, t

#: argparse's message ids (CPython 3.11–3.13) → catalogue keys (``argparse.json``)
KEYS = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positional",
    "options": "argparse.options",
    "show this help message and exit": "argparse.help",
    "show program's version number and exit": "argparse.version",
    "%(prog)s: error: %(message)s\n": "argparse.error",
    "the following arguments are required: %s": "argparse.required",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.choice",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "expected one argument": "argparse.one",
    "expected at least one argument": "argparse.at_least_one",
    "expected at most one argument": "argparse.at_most_one",
    "expected %s argument": "argparse.n",
    "expected %s arguments": "argparse.n",
    "invalid %(type)s value: %(value)r": "argparse.type",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "one of the arguments %s is required": "argparse.one_of",
    "not allowed with argument %s": "argparse.not_with",
    "ignored explicit argument %r": "argparse.ignored",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "argparse.parser",
    "can't open '%(filename)s': %(error)s": "argparse.open",
}


def translate(message: str) -> str:
    key = KEYS.get(message)
    if key is None or get_language() == "en":
        return message
    return t(key)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return translate(singular if n == 1 else plural)


def install() -> None:
    """argparse's messages through the catalogue (it looks ``_`` up when it writes one)."""
    argparse._ = translate  # type: ignore[attr-defined]
    argparse.ngettext = _ngettext  # type: ignore[attr-defined]
