"""Masking of personal information for screens, exports and documents that leave the office.

PIPL (《个人信息保护法》) asks for minimisation and de-identification, so summaries and exports
mask by default using the conventions of court and mediation documents: ID ``110105********1234``,
phone ``138****1234``, name ``张某``. Unmasking is the caller's explicit (and audited) choice;
these functions only ever hide. Pure functions, no database or UI imports.
"""

from __future__ import annotations

import re

from mediator.core.errors import ValidationError
from mediator.core.validate import normalise, parse_phone

__all__ = ["mask_id", "mask_phone", "mask_name", "is_organisation_name", "COMPOUND_SURNAMES"]

MASK = "*"
NAME_MASK = "某"

# Two-character surnames (复姓) common enough to meet in a township; every other name keeps
# only its first character, which is right for the single-character surnames of almost
# everyone (and for minority names written with ·, where no surname can be told apart).
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 端木 独孤 南宫 "
    "西门 万俟 呼延 澹台 司空 闻人 赫连 申屠 钟离 百里 东郭 拓跋".split()
)

# Words that make a party name an organisation; organisations are not personal information.
_ORGANISATION_MARKERS = (
    "公司", "厂", "合作社", "委员会", "中心", "学校", "医院", "店",
    "集团", "银行", "协会", "事务所", "幼儿园", "政府", "研究院", "有限", "商行", "工作室",
)


def _keep_ends(text: str, head: int, tail: int) -> str:
    """``text`` with all but ``head`` leading and ``tail`` trailing characters masked."""
    middle = len(text) - head - tail
    return text[:head] + MASK * middle + (text[len(text) - tail:] if tail else "")


def mask_id(text: str | None) -> str:
    """``110105194912310021`` -> ``110105********0021``: keep the address code and last 4.

    Anything shorter than a real ID (10 characters or fewer) keeps at most a quarter of its
    characters at each end, so a partial or mistyped number is never shown whole.
    """
    value = re.sub(r"\s+", "", normalise(text))
    length = len(value)
    if length >= 11:
        return _keep_ends(value, 6, 4)
    keep = length // 4
    return _keep_ends(value, keep, keep)


def mask_phone(text: str | None) -> str:
    """``13812341234`` -> ``138****1234``; ``0571-88886666`` -> ``0571-****6666``.

    Numbers that do not parse are masked down to their last four digits (or entirely when
    they have fewer than seven digits), never shown whole.
    """
    value = normalise(text)
    if not value:
        return ""
    try:
        phone = parse_phone(value)
    except ValidationError:
        digits = re.sub(r"[^0-9]", "", value)
        if len(digits) >= 7:
            return _keep_ends(digits, 0, 4)
        return MASK * max(len(digits), 4)
    if "-" not in phone:
        return _keep_ends(phone, 3, 4)
    area, local, *extension = phone.split("-")
    return "-".join([area, _keep_ends(local, 0, 4), *extension])


def is_organisation_name(name: str | None) -> bool:
    """True for names of companies, factories, co-operatives, committees and the like."""
    value = normalise(name)
    return any(marker in value for marker in _ORGANISATION_MARKERS)


def mask_name(name: str | None) -> str:
    """Keep the surname and replace the given name with one 某: 张三 -> 张某, 欧阳小明 -> 欧阳某.

    Organisation names are returned unchanged. A compound surname is only recognised in
    names of three or more characters (a two-character 欧阳 is surname 欧 + given name 阳).
    Names without Chinese characters keep their first letter.
    """
    value = normalise(name)
    if not value or is_organisation_name(value):
        return value
    if not re.search(r"[\u3400-\u9fff\uf900-\ufaff]", value):
        return value[0] + MASK * 3
    if len(value) >= 3 and value[:2] in COMPOUND_SURNAMES:
        return value[:2] + NAME_MASK
    return value[0] + NAME_MASK
