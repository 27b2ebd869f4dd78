"""De-identifying what summaries print (domain.md §4): names shortened to 张某, ID numbers to
110105********1234, phones to 138****1234 — including numbers typed into free text such as
the facts of a case. Pure functions over already-loaded values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mediator.core.privacy import mask_id, mask_numbers_text, mask_person_names_text, mask_phone
from mediator.core.privacy import mask_name as _mask_name

#: the same names come back on every line of a long list; masking one is not free (NFKC,
#: organisation markers), so remember the answers.
mask_name = lru_cache(maxsize=65536)(_mask_name)

_NAME_SPLIT = re.compile(r"(、| / |，|,)")


def mask_names_text(names: str, organisations: Iterable[str] = ()) -> str:
    """``张三、王五 / 李四`` (the case list's party line) with every person's name shortened;
    the names in ``organisations`` (parties of kind 单位) and names that read as one (公司,
    厂, 合作社, 委员会 …) are kept."""
    keep = set(organisations)
    return "".join(part if _NAME_SPLIT.fullmatch(part) or part in keep else mask_name(part)
                   for part in _NAME_SPLIT.split(names or "") if part)


def scrub(text: str | None, names: Iterable[str] = ()) -> str:
    """Free text with every ID number and phone masked (also typed with spaces, hyphens or
    dots, in full-width digits) and the given persons' names shortened; pass the names of
    persons only — an organisation party is never masked as a person."""
    value = mask_numbers_text(text)
    return mask_person_names_text(value, list(names), mask_name)


__all__ = ["mask_id", "mask_name", "mask_names_text", "mask_phone", "scrub"]
