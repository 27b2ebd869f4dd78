"""Key bindings: the one helper every screen, dialog and widget uses to show its keys in the
user's language.

``BINDINGS`` are class attributes, evaluated when a module is imported; the language can change
after that (``--lang``, the settings screen, tests that run Chinese and English in one process).
So a binding's description and tooltip name a catalog key (``"tui.key.open"``,
``"caseact.cancel"``) and each instance translates its own copy (``DOMNode._bindings`` is per
instance) in ``__init__``::

    BINDINGS = [Binding("ctrl+s", "save", "intake.key.save", id="intake.save")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

Every binding has an ``id`` (``scope.action``, unique in the package; a test checks it), so a
keymap can rebind it and a test can name it.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.dom import DOMNode

from mediator.i18n import DEFAULT_LANGUAGE, get_language, load_catalog, t


def translate_bindings(node: DOMNode) -> None:
    """Replace ``node``'s binding descriptions and tooltips that are catalog keys by their
    text in the current language; anything else (Textual's own bindings) stays as it is."""
    catalogs = (load_catalog(get_language()), load_catalog(DEFAULT_LANGUAGE))

    def known(value: str | None) -> bool:
        return bool(value) and any(value in catalog for catalog in catalogs)

    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        out = []
        for b in bindings:
            changes: dict[str, Any] = {}
            if known(b.description):
                changes["description"] = t(b.description)
            if known(b.tooltip):
                changes["tooltip"] = t(b.tooltip)
            out.append(replace(b, **changes) if changes else b)
        table[key] = out
