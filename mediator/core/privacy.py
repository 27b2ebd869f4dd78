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

__all__ = [
    "COMPOUND_SURNAMES",
    "is_organisation_name",
    "mask_id",
    "mask_name",
    "mask_numbers_text",
    "mask_person_names_text",
    "mask_phone",
]

MASK = "*"
NAME_MASK = "某"

# Two-character surnames (复姓) common enough to meet in a township; every other name keeps
# only its first character, which is right for the single-character surnames of almost
# everyone (and for minority names written with ·, where no surname can be told apart).
COMPOUND_SURNAMES: frozenset[str] = frozenset(
    ["欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "轩辕", "令狐", "端木", "独孤", "南宫", "西门", "万俟", "呼延", "澹台", "司空", "闻人", "赫连", "申屠", "钟离", "百里", "东郭", "拓跋"]
)

# Words that make a party name an organisation; organisations are not personal information.
_ORGANISATION_MARKERS = (
    "公司", "厂", "合作社", "委员会", "中心", "学校", "医院", "店",
    "集团", "银行", "协会", "事务所", "幼儿园", "政府", "研究院", "有限", "商行", "工作室",
    "工程队", "施工队", "项目部", "经营部", "门市部", "办事处", "村民小组", "居民小组", "社区",
    "养殖场", "农场", "林场", "砖厂", "超市", "酒店", "饭店", "宾馆", "物业", "车队", "车行",
    "加油站", "卫生院", "卫生室", "诊所", "派出所", "司法所", "供销社", "信用社", "联合社",
    "专业社", "市场", "基地",
)
#: one-character words that make a name an organisation only at its end (青石砖瓦厂, 运输队)
_ORGANISATION_ENDINGS = ("厂", "店", "队", "站", "所", "局", "社", "院", "场", "矿", "馆", "行",
                         "部", "园", "组")


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
    return (any(marker in value for marker in _ORGANISATION_MARKERS)
            or (len(value) >= 3 and value.endswith(_ORGANISATION_ENDINGS)))


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


# --- numbers and names inside free text -----------------------------------------------------

# digits as typed: ASCII or full-width (an input method gives ０-９)
_D = "[0-9\uff10-\uff19]"
# what people put between groups of digits: spaces (also full-width and no-break), hyphens and
# dashes, dots (also full-width and the middle dot) — "138 1234 9999", "138-1234-9999",
# "138．1234．9999", "330106 19900101 7893"
_GAP = "[ \u00a0\u3000]"
_SEP = f"(?:{_GAP}{{0,2}}[-\uff0d\u2010-\u2015\u2212.\uff0e\u00b7\u30fb]?{_GAP}{{0,2}})"
# a number never starts right after a digit (or a digit and a hyphen or dot: 1-138…), nor
# ends before one; a space and a digit may be next to it (a date before a phone number)
_BEFORE = f"(?<!{_D})(?<!{_D}[-\uff0d.\uff0e])"
_AFTER_SPACE_OK = f"(?!{_D})(?![-\uff0d.\uff0e]{_D})"
_ID_TEXT = re.compile(
    f"{_BEFORE}[1-9\uff11-\uff19](?:{_SEP}{_D}){{16}}{_SEP}[0-9\uff10-\uff19XxＸｘ]"
    f"(?!{_D})(?![-\uff0d.\uff0e]{_D})"
    f"|{_BEFORE}[1-9\uff11-\uff19](?:{_SEP}{_D}){{14}}{_AFTER_SPACE_OK}")
_MOBILE_TEXT = re.compile(
    f"{_BEFORE}[1\uff11]{_SEP}[3-9\uff13-\uff19](?:{_SEP}{_D}){{9}}{_AFTER_SPACE_OK}")
_LANDLINE_TEXT = re.compile(
    f"{_BEFORE}[0\uff10]{_SEP}[1-9\uff11-\uff19](?:{_SEP}{_D}){{1,2}}{_SEP}"
    f"[2-9\uff12-\uff19](?:{_SEP}{_D}){{6,7}}{_AFTER_SPACE_OK}")


def _digits(text: str) -> str:
    return re.sub(r"[^0-9X]", "", normalise(text).upper())


def mask_numbers_text(text: str | None) -> str:
    """Free text with every resident ID and phone number masked, however it was typed: with
    spaces, hyphens or dots between the digit groups, in full-width digits. The mask is written
    without the separators (110105********1234, 138****1234, 0571****6666). Dates (2026-11-23,
    2026.11.23 9:30), amounts (10,050.50元) and case numbers ((2026)青石人调字第007号) have
    too few digits in a row to be taken for one and stay as they are."""
    value = text or ""
    value = _ID_TEXT.sub(lambda m: mask_id(_digits(m.group(0))), value)
    value = _MOBILE_TEXT.sub(lambda m: _keep_ends(_digits(m.group(0)), 3, 4), value)
    return _LANDLINE_TEXT.sub(lambda m: _keep_ends(_digits(m.group(0)), 4, 4), value)


_CJK = "\u3400-\u9fff\uf900-\ufaff"
#: what may stand between a name and an organisation ending when the name is part of it
#: (张三五金店, 李四养殖场): Chinese characters only, no 与/和/及/同 joining two parties
_ORG_TAIL = re.compile(f"[{_CJK}]{{0,10}}")
#: characters that end a name's run: joiners of two parties and the small words of a sentence
#: (张三去五金店 is a person going to a shop, 张三五金店 a shop)
_JOINERS = frozenset("与和及同跟对向给被把将、，。；：的了是在去到说称要买卖租借欠打骂找有"
                     "也都就还又很不没已因为但而并或且从自于让叫请帮替")


def _inside_organisation(text: str, start: int, end: int) -> bool:
    """True when the name found at text[start:end] begins an organisation's name there: the
    characters right after it (no joiner or small word between) end in an organisation word."""
    tail = _ORG_TAIL.match(text, end)
    run = tail.group(0) if tail else ""
    for i in range(len(run)):
        if run[i] in _JOINERS:
            run = run[:i]
            break
    name = text[start:end]
    words = _ORGANISATION_MARKERS + _ORGANISATION_ENDINGS
    return any((name + run[:k]).endswith(words) for k in range(1, len(run) + 1))


def mask_person_names_text(text: str | None, names: list[str] | tuple[str, ...] | set[str],
                           masker=None) -> str:  # type: ignore[no-untyped-def]
    """Free text with each of the given persons' names shortened (张三 -> 张某), longest first,
    except where the name begins an organisation's name (张三五金店 stays). Organisation names
    among ``names`` are left alone (pass persons only: the party kind decides)."""
    mask = masker or mask_name
    value = text or ""
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        short = mask(name)
        if short == name:
            continue
        out, pos = [], 0
        for m in re.finditer(re.escape(name), value):
            if _inside_organisation(value, m.start(), m.end()):
                continue
            out.append(value[pos:m.start()] + short)
            pos = m.end()
        value = "".join(out) + value[pos:]
    return value
