"""Fixtures for the core tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from .dbtools import logical_dump


@pytest.fixture
def dump() -> Callable[[Path], dict[str, list[tuple]]]:
    return logical_dump
