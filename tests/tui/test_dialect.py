"""The TUI speaks one dialect (see the ``mediator.tui`` docstring): these checks keep a second
one from growing back - a screen that reaches ``self.app`` untyped or takes services as an
argument, a worker answering through ``call_from_thread`` or a state-changed switch, a
fallback for a test app, a module importing the app shell back."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from pathlib import Path

from textual.screen import ModalScreen, Screen

import mediator.tui
from mediator.tui.base import MediatorModal, MediatorScreen

TUI = Path(mediator.tui.__file__).parent


def _sources() -> dict[str, str]:
    return {str(p.relative_to(TUI)): p.read_text(encoding="utf-8") for p in TUI.rglob("*.py")}


def test_no_second_worker_idiom_and_no_fallbacks_for_test_apps() -> None:
    patterns = {
        "call_from_thread": re.compile(r"\.call_from_thread\("),
        "state-changed switch": re.compile(r"def on_worker_state_changed"),
        "getattr on the app": re.compile(r"getattr\((self\.)?app\b"),
        "import guard": re.compile(r"except ImportError"),
        "importlib": re.compile(r"importlib\.import_module\((?!\"mediator\.core\.demo\")"),
        "untyped app": re.compile(r"type: ignore\[attr-defined\]"),
    }
    found = sorted(f"{name}: {what}" for name, text in _sources().items()
                   for what, pattern in patterns.items() if pattern.search(text)
                   and not (what == "import guard" and name == "widgets/picker.py"))
    assert found == []


def test_only_the_entry_point_imports_the_app_shell() -> None:
    """Screens reach the app through ``tui.base`` (typed, no import): no import cycle."""
    importers = []
    for name, text in _sources().items():
        tree = ast.parse(text)
        typing_only = {id(n) for block in ast.walk(tree) if isinstance(block, ast.If)
                       and ast.unparse(block.test) == "TYPE_CHECKING"
                       for n in ast.walk(block)}
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and node.module == "mediator.tui.app"
                    and id(node) not in typing_only):
                importers.append(name)
    assert sorted(set(importers)) == ["__init__.py"]


def test_every_screen_and_dialog_speaks_through_the_typed_base() -> None:
    for info in pkgutil.walk_packages(mediator.tui.__path__, "mediator.tui."):
        importlib.import_module(info.name)

    def subclasses(cls: type) -> set[type]:
        out = set(cls.__subclasses__())
        for sub in list(out):
            out |= subclasses(sub)
        return out

    ours = {c for c in subclasses(Screen) if c.__module__.startswith("mediator.tui.")}
    # the small confirmation dialogs hold no service call; the palette is Textual's own
    plain = {"ConfirmDialog", "ChooseDialog", "QuickDoneDialog", "OperatorDialog", "Palette"}
    outside = sorted(c.__name__ for c in ours if c.__name__ not in plain
                     and not issubclass(c, MediatorScreen | MediatorModal))
    assert outside == []
    assert len(ours) >= 20
    assert all(issubclass(c, ModalScreen) for c in ours if issubclass(c, MediatorModal))


def test_screens_leave_the_services_rules_to_the_services() -> None:
    """A screen does not raise the services' own errors (``svc.*`` messages): the service
    checks the rule and names the field, and every problem comes back at once. Only the
    dialog of 补签书面协议 requires what the service leaves optional (blank terms there
    keep the recorded ones; in the dialog, prefilled, a cleared box is a mistake), and the
    party editor's name, which names the editor's own row (blank rows are left out of what
    the service sees, so the service's party number can differ from the one on screen)."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "mediator" / "tui"
    found = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id == "ValidationError" and node.args
                    and isinstance(node.args[0], ast.Call) and node.args[0].args
                    and isinstance(node.args[0].args[0], ast.Constant)
                    and str(node.args[0].args[0].value).startswith("svc.")):
                found.append(f"{path.relative_to(root)}:{node.args[0].args[0].value}")
    assert found == ["dialogs/agreement.py:svc.terms_required",
                     "widgets/party_editor.py:svc.party_name_required"]
