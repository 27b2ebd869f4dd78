"""Key bindings whose descriptions are i18n keys, translated when a widget is created.

``BINDINGS`` are class attributes, evaluated when a module is imported; the language can change
after that (``--lang``, the settings screen, tests that run Chinese and English in one process).
So bindings name a catalog key (``"tui.key.open"``) and each instance translates its own copy
(``DOMNode._bindings`` is per instance) in ``__init__``.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from mediator.i18n import t

PREFIX = "tui."


def _tr(value: str | None) -> str | None:
    return t(value) if value and value.startswith(PREFIX) else value


def translate_bindings(node: DOMNode) -> None:
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [replace(b, description=_tr(b.description) or "", tooltip=_tr(b.tooltip) or "")
                      for b in bindings]
