"""Amounts of money: stored as whole fen (分, ``int``), shown in yuan with two decimals.

The one place that turns fen into text (:func:`format_fen`) or into a number of yuan for a
spreadsheet cell (:func:`fen_to_yuan`); parsing what people type is
:func:`mediator.core.validate.parse_amount_fen`. Integer arithmetic: no float rounding
between what is stored and what is shown, however large the amount.

Amounts in 大写 (:func:`yuan_upper`: the capital numerals a legal or financial document writes
beside the figures, so that no one can alter them): 10,050.50 元 → 壹万零伍拾元伍角.
Conventions (《会计基础工作规范》 §52): 壹 is written before 拾 (壹拾元); a run of zeros inside
the number is one 零, also across a 万 or 亿 group; a whole yuan amount ends in 整; 角 without
分 needs no 整; 分 without 角 is preceded by 零 when there are yuan (壹元零伍分).
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

DIGITS = "零壹贰叁肆伍陆柒捌玖"
UNITS = ("", "拾", "佰", "仟")
GROUPS = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """0 < n < 10000 in capitals, without its group unit (zeros inside collapsed)."""
    out, zero = "", False
    for pos in range(3, -1, -1):
        digit = n // 10 ** pos % 10
        if digit == 0:
            zero = bool(out)
            continue
        out += ("零" if zero else "") + DIGITS[digit] + UNITS[pos]
        zero = False
    return out


def yuan_upper(fen: int) -> str:
    """``fen`` (an amount in fen, ≥ 0, below 10¹⁶ yuan) as 大写 yuan, jiao and fen."""
    if fen < 0:
        raise ValueError("negative amount")
    yuan, rest = divmod(fen, 100)
    jiao, cents = divmod(rest, 10)
    if yuan >= 10 ** 16:
        raise ValueError("amount too large")
    groups = []
    n = yuan
    while n:
        n, g = divmod(n, 10000)
        groups.append(g)
    text, pending = "", False
    for i in range(len(groups) - 1, -1, -1):
        g = groups[i]
        if g == 0:
            pending = bool(text)
            continue
        if text and (pending or g < 1000):
            text += "零"
        text += _group(g) + GROUPS[i]
        pending = g % 10 == 0  # 壹佰万零壹仟: the zeros after 佰 are read before the next group
    if text:
        text += "元"
    if not jiao and not cents:
        return (text or "零元") + "整"
    if jiao:
        text += DIGITS[jiao] + "角"
    elif text:
        text += "零"
    if cents:
        text += DIGITS[cents] + "分"
    return text


__all__ = ["yuan_upper"]
