"""Code-quality gates that hold every commit to the house rules (docs/architecture.md):
ruff clean with the repository's settings, and mypy's error count never higher than the number
recorded in pyproject.toml (lower it there when a change fixes some; never raise it)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _tool(module: str) -> None:
    try:
        __import__(module)
    except ImportError:  # pragma: no cover - both are in the test extras
        pytest.fail(f"{module} is missing: install the test extras (pip install -e '.[test]')")


def test_ruff_is_clean() -> None:
    _tool("ruff")
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--quiet", "."],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          check=False)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]


def test_mypy_errors_do_not_grow() -> None:
    _tool("mypy")
    recorded = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    ceiling = int(recorded["tool"]["mediator"]["mypy_errors"])
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental",
                           "--cache-dir", "/dev/null" if sys.platform != "win32" else "nul",
                           "mediator"],
                          cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          check=False)
    out = done.stdout
    found = re.search(r"Found (\d+) errors? in", out)
    count = int(found.group(1)) if found else 0
    assert found or "Success" in out, out[-4000:] + done.stderr[-2000:]
    assert count <= ceiling, (f"mypy finds {count} errors, more than the {ceiling} recorded: "
                              f"fix the new ones\n{out[-4000:]}")
