"""Every key a screen, dialog or widget binds runs an action that exists: a footer key that
does nothing (``e 修改`` and ``n 备注`` in the case file called an action that was never
written) is found here, not by a clerk."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
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
