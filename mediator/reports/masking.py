"""De-identifying what summaries print (domain.md §4): names shortened to 张某, ID numbers to
110105********1234, phones to 138****1234 — including numbers typed into free text such as
the facts of a case. Pure functions over already-loaded values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mediator.core.privacy import mask_id, mask_phone
from mediator.core.privacy import mask_name as _mask_name

#: the same names come back on every line of a long list; masking one is not free (NFKC,
#: organisation markers), so remember the answers.
mask_name = lru_cache(maxsize=65536)(_mask_name)

# an 18-character (or legacy 15-digit) resident ID, a mobile number, a landline with area code
_ID = re.compile(r"(?<![0-9A-Za-z])(?:[1-9][0-9]{16}[0-9Xx]|[1-9][0-9]{14})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<![0-9])1[3-9][0-9]{9}(?![0-9])")
_LANDLINE = re.compile(r"(?<![0-9])0[1-9][0-9]{1,2}-?[2-9][0-9]{6,7}(?![0-9])")
_NAME_SPLIT = re.compile(r"(、| / |，|,)")


def mask_names_text(names: str) -> str:
    """``张三、王五 / 李四`` (the case list's party line) with every name shortened."""
    return "".join(part if _NAME_SPLIT.fullmatch(part) else mask_name(part)
                   for part in _NAME_SPLIT.split(names or "") if part)


def scrub(text: str | None, names: Iterable[str] = ()) -> str:
    """Free text with every ID number and phone masked and the given names shortened."""
    value = text or ""
    value = _ID.sub(lambda m: mask_id(m.group(0)), value)
    value = _MOBILE.sub(lambda m: mask_phone(m.group(0)), value)
    value = _LANDLINE.sub(lambda m: mask_phone(m.group(0)), value)
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        short = mask_name(name)
        if short != name:
            value = value.replace(name, short)
    return value


__all__ = ["mask_id", "mask_name", "mask_names_text", "mask_phone", "scrub"]
