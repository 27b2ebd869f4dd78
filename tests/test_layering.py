"""The core and the non-TUI commands must not import textual (fast CLI, reusable core)."""

import subprocess
import sys

import pytest

CODE = """
import sys, importlib
for name in {modules!r}:
    importlib.import_module(name)
bad = sorted(m for m in sys.modules if m.split('.')[0] == 'textual')
print(','.join(bad))
"""


@pytest.mark.parametrize("modules", [
    ["mediator.core.services", "mediator.core.queries", "mediator.core.db", "mediator.core.backup"],
    ["mediator.cli", "mediator.cli.basic"],
])
def test_no_textual_import(modules: list[str]) -> None:
    out = subprocess.run([sys.executable, "-c", CODE.format(modules=modules)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_package_root_is_light() -> None:
    out = subprocess.run([sys.executable, "-c", CODE.format(modules=["mediator"])
                          + "\nprint(any(m.startswith('sqlmodel') for m in sys.modules))"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]
