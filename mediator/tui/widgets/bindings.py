"""Key binding descriptions in the current language.

Textual reads ``BINDINGS`` when a class is defined, i.e. once, at import. The descriptions are
written as catalog keys (``caseact.cancel``) and translated here for each new screen, so the
footer and the command palette follow a language switched at run time.
"""

from __future__ import annotations

from dataclasses import replace

from textual.dom import DOMNode

from mediator.i18n import get_language, load_catalog, t


def localise_bindings(node: DOMNode) -> None:
    catalog = load_catalog(get_language())
    fallback = load_catalog("zh_CN")
    table = node._bindings.key_to_bindings
    for key, bindings in list(table.items()):
        out = []
        for b in bindings:
            changes = {}
            if b.description in catalog or b.description in fallback:
                changes["description"] = t(b.description)
            if b.tooltip and (b.tooltip in catalog or b.tooltip in fallback):
                changes["tooltip"] = t(b.tooltip)
            out.append(replace(b, **changes) if changes else b)
        table[key] = out
