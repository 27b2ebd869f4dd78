"""Every key a screen, dialog or widget binds runs an action that exists: a footer key that
does nothing (``e 修改`` and ``n 备注`` in the case file called an action that was never
written) is found here, not by a clerk."""

from __future__ import annotations

import importlib
import pkgutil
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.dom import DOMNode

import mediator.tui
from mediator.tui.app import MediatorApp


def _all_modules() -> None:
    for info in pkgutil.walk_packages(mediator.tui.__path__, "mediator.tui."):
        importlib.import_module(info.name)


def _subclasses(cls: type) -> list[type]:
    out: list[type] = []
    for sub in cls.__subclasses__():
        out.append(sub)
        out.extend(_subclasses(sub))
    return out


def _action_name(action: str) -> tuple[str | None, str]:
    name = action.split("(", 1)[0]
    if "." in name:
        namespace, name = name.split(".", 1)
        return namespace, name
    return None, name


def test_every_binding_runs_an_existing_action() -> None:
    _all_modules()
    missing: list[str] = []
    checked = 0
    for cls in {c for c in _subclasses(DOMNode) if c.__module__.startswith("mediator.")}:
        for binding in cls.__dict__.get("BINDINGS", []):
            if not isinstance(binding, Binding):
                continue
            namespace, name = _action_name(binding.action)
            target = MediatorApp if namespace == "app" else cls
            checked += 1
            if not callable(getattr(target, f"action_{name}", None)):
                missing.append(f"{cls.__module__}.{cls.__name__}: {binding.key} -> "
                               f"{binding.action}")
    assert checked > 50
    assert missing == []


def _mediator_bindings() -> list[tuple[str, Binding]]:
    _all_modules()
    out: list[tuple[str, Binding]] = []
    for cls in {c for c in _subclasses(DOMNode) if c.__module__.startswith("mediator.")}:
        for binding in cls.__dict__.get("BINDINGS", []):
            if isinstance(binding, Binding):
                out.append((f"{cls.__module__}.{cls.__name__}: {binding.key}", binding))
    return out


def test_every_binding_has_an_id_of_its_own() -> None:
    """A keymap and a test name a key by its id: every binding has one, each a different one
    (two ``scope.action`` ids alike would rebind two keys at once)."""
    bindings = _mediator_bindings()
    assert len(bindings) > 50
    assert [where for where, b in bindings if not b.id] == []
    ids = sorted(b.id for _, b in bindings if b.id)
    assert sorted({i for i in ids if ids.count(i) > 1}) == []
    assert all(i.count(".") == 1 for i in ids), ids


def test_descriptions_follow_the_language() -> None:
    """One translator for every node: the catalog keys become the current language's words,
    Textual's own descriptions stay as they are."""
    from textual.widget import Widget

    from mediator.i18n import set_language
    from mediator.tui.bindings import translate_bindings

    class Node(Widget):
        BINDINGS: ClassVar[list[BindingType]] = [
            Binding("ctrl+s", "save", "tui.key.save", id="node.save"),
            Binding("escape", "cancel", "caseact.cancel", tooltip="caseact.cancel",
                    id="node.cancel"),
            Binding("x", "other", "Plain words", id="node.other")]

    def descriptions() -> list[tuple[str, str]]:
        node = Node()
        translate_bindings(node)
        return [(b.description, b.tooltip) for bs in node._bindings.key_to_bindings.values()
                for b in bs]

    set_language("zh_CN")
    assert descriptions() == [("保存", ""), ("取消", "取消"), ("Plain words", "")]
    set_language("en")
    try:
        assert descriptions() == [("Save", ""), ("Cancel", "Cancel"), ("Plain words", "")]
    finally:
        set_language("zh_CN")
