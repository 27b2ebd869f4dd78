"""Amounts of money: stored as whole fen (分, ``int``), shown in yuan with two decimals.

The one place that turns fen into text (:func:`format_fen`) or into a number of yuan for a
spreadsheet cell (:func:`fen_to_yuan`); parsing what people type is
:func:`mediator.core.validate.parse_amount_fen`. Integer arithmetic: no float rounding
between what is stored and what is shown, however large the amount.
"""

from __future__ import annotations


def format_fen(fen: int, *, sign: bool = False) -> str:
    """``123456`` → ``"1,234.56"``; ``-5`` → ``"-0.05"``; ``0`` → ``"0.00"``.

    Thousands grouped with commas and always two decimals, so amounts line up in lists and
    read the same in the case file, the reports and the documents. ``sign``: a change against
    another period, shown with its sign (``"+1,234.56"``, ``"-0.50"``), zero as ``"0.00"``.
    """
    fen = int(fen)
    if fen < 0:
        prefix = "-"
    elif sign and fen > 0:
        prefix = "+"
    else:
        prefix = ""
    whole, cents = divmod(abs(fen), 100)
    return f"{prefix}{whole:,}.{cents:02d}"


def fen_to_yuan(fen: int) -> float:
    """The amount in yuan as a number (a spreadsheet cell formatted ``#,##0.00``)."""
    return int(fen) / 100
