"""The layers, checked on every module so that they cannot be fooled: no textual below the
TUI, no SQLAlchemy/SQLModel in it, nothing below it importing it, no queries in the CLI.

Statically (every import statement of every module, including those inside functions) and by
importing every non-TUI module in a fresh interpreter."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mediator

ROOT = Path(mediator.__file__).parent


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> list[Path]:
    return sorted(ROOT.rglob("*.py"))


def imports(path: Path, package: list[str] | None = None) -> list[str]:
    """Every module an import statement in ``path`` names (relative imports resolved against
    ``package``, by default the package ``path`` is in)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    if package is None:
        package = module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
    out: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package[:len(package) - node.level + 1] + ([base] if base else []))
            out.append(base)
            out += [f"{base}.{a.name}" for a in node.names]
    return out


def top(name: str) -> str:
    return name.split(".")[0]


def in_tui(path: Path) -> bool:
    return module_name(path).startswith("mediator.tui")


def test_the_walk_sees_imports_inside_functions() -> None:
    """The check itself: an import inside a function counts (they are the usual way in)."""
    names = imports(ROOT / "cli" / "__init__.py")
    assert "mediator.tui.run_app" in names


def test_no_textual_outside_the_tui() -> None:
    bad = [f"{module_name(p)}: {n}" for p in modules() if not in_tui(p)
           for n in imports(p) if top(n) == "textual"]
    assert bad == []


def test_no_sqlalchemy_or_sqlmodel_in_the_tui() -> None:
    bad = [f"{module_name(p)}: {n}" for p in modules() if in_tui(p)
           for n in imports(p) if top(n) in ("sqlalchemy", "sqlmodel")]
    assert bad == []


def test_nothing_below_the_tui_imports_it() -> None:
    """Only the command line (the entry point that starts the TUI) may import mediator.tui."""
    bad = [f"{module_name(p)}: {n}" for p in modules()
           if not in_tui(p) and not module_name(p).startswith("mediator.cli")
           for n in imports(p) if n == "mediator.tui" or n.startswith("mediator.tui.")]
    assert bad == []


def test_the_cli_holds_no_queries() -> None:
    """Subcommands call services; a session or a raw SQL text in the CLI is a use case that
    belongs in a service (doctor, audit verify and the report's --office check were)."""
    bad = []
    for path in sorted((ROOT / "cli").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if isinstance(func, ast.Attribute) and func.attr in ("read", "write") \
                    and isinstance(func.value, ast.Name) and func.value.id == "db":
                bad.append(f"{path.name}:{node.lineno} db.{func.attr}()")
            if isinstance(func, ast.Name) and func.id == "text":
                bad.append(f"{path.name}:{node.lineno} text()")
    assert bad == []


CODE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
print(",".join(sorted(m for m in sys.modules if m.split(".")[0] == "textual")))
"""


def test_importing_every_non_tui_module_loads_no_textual() -> None:
    names = [module_name(p) for p in modules() if not in_tui(p)
             and module_name(p) not in ("mediator.__main__",)]
    assert len(names) > 50
    out = subprocess.run([sys.executable, "-c", CODE, *names], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


@pytest.mark.parametrize("probe", [
    "import textual.widgets", "from textual import on", "from textual.app import App",
    "from ..tui.app import MediatorApp",
])
def test_an_added_import_is_caught(tmp_path: Path, probe: str) -> None:
    """The walk sees the forms an import takes, inside a function too (the old test missed
    textual imported by core/importing.py, core/demo.py, reports/stats.py, sync/merge.py)."""
    module = tmp_path / "probe.py"
    module.write_text(f"def later():\n    {probe}\n", encoding="utf-8")
    found = imports(module, package=["mediator", "core"])
    assert any(top(n) == "textual" or n.startswith("mediator.tui") for n in found), found


def test_package_root_is_light() -> None:
    out = subprocess.run([sys.executable, "-c", "import mediator, sys; "
                          "print(any(m.split('.')[0] in ('sqlmodel', 'textual') "
                          "for m in sys.modules))"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


def _mediator_modules_imported(path: Path, known: set[str],
                               package: list[str] | None = None) -> set[str]:
    """The mediator modules ``path`` imports (anywhere in it, inside functions and
    ``TYPE_CHECKING`` blocks too). ``from mediator.core import audit`` names the module
    mediator.core.audit; ``from mediator.core.audit import x`` names it as well."""
    out: set[str] = set()
    for name in imports(path, package):
        if name in known:
            out.add(name)
            continue
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name:
            out.add(name)
    # ``from pkg import submodule``: the submodule is what is meant, not pkg's __init__
    for name in list(out):
        if any(other.startswith(name + ".") for other in out):
            out.discard(name)
    return out


#: (a, b) pairs allowed to import each other, until the branch that removes them lands
ALLOWED_CYCLES = {
    ("mediator.tui.app", "mediator.tui.screens.welcome"),  # TUI helper removes
}


def test_no_two_modules_import_each_other() -> None:
    """A pair of modules importing each other (even lazily, inside a function) has no
    direction: neither can be understood, tested or replaced without the other. Packages
    count as their ``__init__``, which importing a submodule runs anyway."""
    paths = {module_name(p): p for p in modules()}
    known = set(paths)
    edges = {name: _mediator_modules_imported(path, known) - {name}
             for name, path in paths.items()}
    cycles = sorted({tuple(sorted((a, b))) for a, deps in edges.items() for b in deps
                     if a in edges.get(b, set())})
    assert [c for c in cycles if c not in ALLOWED_CYCLES] == []


def test_the_cycle_check_sees_a_lazy_import(tmp_path: Path) -> None:
    """The check itself: an import inside a function is an edge like any other."""
    module = tmp_path / "probe.py"
    module.write_text("def later():\n    from mediator.core import db\n", encoding="utf-8")
    known = {"mediator", "mediator.core", "mediator.core.db"}
    assert _mediator_modules_imported(module, known, ["mediator", "core"]) == {"mediator.core.db"}
