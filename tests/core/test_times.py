"""Stored instants are UTC; what the clerk reads is the office's wall clock."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from mediator.core.models import local_time


@pytest.fixture
def beijing(monkeypatch):  # type: ignore[no-untyped-def]
    if not hasattr(time, "tzset"):
        pytest.skip("the zone of the process can be switched only where time.tzset exists")
    monkeypatch.setenv("TZ", "CST-8")   # China Standard Time, no zoneinfo file needed
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_naive_values_read_back_from_sqlite_are_utc(beijing) -> None:  # type: ignore[no-untyped-def]
    assert local_time(datetime(2026, 12, 4, 6, 0)) == "2026-12-04 14:00"
    assert local_time(datetime(2026, 12, 4, 6, 0, tzinfo=UTC)) == "2026-12-04 14:00"
    assert local_time("2026-12-03 20:30:00.123456", "%Y-%m-%d %H:%M:%S") == "2026-12-04 04:30:00"
    assert local_time(datetime(2026, 12, 31, 16, 5), "%Y-%m-%d") == "2027-01-01"
