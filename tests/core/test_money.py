"""One money formatter (mediator.core.money) for the case file, the reports, the documents and
the CLI: each place showed amounts its own way before; the table pins what they all showed."""

from __future__ import annotations

import pytest

from mediator.core.money import fen_to_yuan, format_fen


@pytest.mark.parametrize(("fen", "plain", "signed"), [
    (0, "0.00", "0.00"),
    (1, "0.01", "+0.01"),
    (5, "0.05", "+0.05"),
    (-5, "-0.05", "-0.05"),
    (100, "1.00", "+1.00"),
    (50000, "500.00", "+500.00"),
    (-150, "-1.50", "-1.50"),
    (12345, "123.45", "+123.45"),
    (123456, "1,234.56", "+1,234.56"),
    (300000, "3,000.00", "+3,000.00"),
    (123456789, "1,234,567.89", "+1,234,567.89"),
    (-123456789, "-1,234,567.89", "-1,234,567.89"),
    (99_999_999_999_99, "99,999,999,999.99", "+99,999,999,999.99"),
])
def test_format_fen(fen: int, plain: str, signed: str) -> None:
    assert format_fen(fen) == plain
    assert format_fen(fen, sign=True) == signed


@pytest.mark.parametrize("fen", [0, 1, 5, -5, 99, 100, 12345, 123456, -123456789, 10**13 + 7])
def test_same_text_as_each_place_showed_before(fen: int) -> None:
    """The TUI's integer format_yuan, the reports' and documents' ``{fen / 100:,.2f}`` and the
    reports' signed ``{fen / 100:+,.2f}`` (zero as 0.00): one answer for every amount."""
    sign = "-" if fen < 0 else ""
    tui = f"{sign}{abs(fen) // 100:,}.{abs(fen) % 100:02d}"
    assert format_fen(fen) == tui == f"{fen / 100:,.2f}"
    assert format_fen(fen, sign=True) == (f"{fen / 100:+,.2f}" if fen else "0.00")


def test_fen_to_yuan_is_the_spreadsheet_number() -> None:
    assert [fen_to_yuan(f) for f in (0, 5, -150, 123456)] == [0.0, 0.05, -1.5, 1234.56]
    assert fen_to_yuan(123456) == round(123456 / 100, 2)
