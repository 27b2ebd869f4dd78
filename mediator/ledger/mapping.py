"""The optional mapping file: tells the importer what the recogniser could not work out.

```toml
# 台账导入映射（mediator import ledger 台账.xlsx --mapping 映射.toml）
sheet = "2025年"        # which sheet (the same as --sheet)
header_row = 3          # the header starts on row 3 (as Excel numbers rows)
header_rows = 2         # and has two rows

[columns]               # column (its header text or its letter) = field
"经办人" = "mediator"
"H" = "facts"
"当事人甲" = "applicant.name"
"甲方电话" = "申请人联系电话"   # a header wording the recogniser knows also works
"旧编号" = "ignore"

[types]                 # the ledger's own type labels = coded type (name, code or label)
"土地承包经营" = "FOREST_LAND"
"家长里短" = "02"
```

Field names are listed by ``mediator import ledger --fields``.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from mediator.core.enums import DisputeType
from mediator.core.errors import ValidationError
from mediator.i18n import t
from mediator.ledger.headers import ALL_FIELDS, Column, classify, norm_header
from mediator.ledger.reader import column_index

IGNORE = "ignore"
_KEYS = {"sheet", "header_row", "header_rows", "columns", "types"}


@dataclass
class Mapping:
    columns: dict[str, str] = field(default_factory=dict)  # header text or letter -> field
    types: dict[str, DisputeType] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None
    header_rows: int | None = None
    source: Path | None = None


def _fail(path: Path, message: str) -> ValidationError:
    return ValidationError(t("ledger.mapping.error", path=str(path), message=message), "mapping")


def resolve_field(value: str) -> str | None:
    """A field name, 'ignore', or a header wording the recogniser knows (申请人联系电话)."""
    value = value.strip()
    if value in ALL_FIELDS or value == IGNORE:
        return value
    hit = classify(norm_header(value))
    if hit is not None and hit.kind == "field":
        return hit.name
    if hit is not None and hit.kind == "attr":
        return f"applicant.{hit.name}"
    return None


def load_mapping(path: Path) -> Mapping:
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as exc:
        raise ValidationError(t("ledger.mapping.missing", path=str(path)), "mapping") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(path, str(exc)) from exc
    except tomllib.TOMLDecodeError as exc:
        raise _fail(path, t("ledger.mapping.syntax", error=str(exc))) from exc
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise _fail(path, t("ledger.mapping.unknown_key", keys="、".join(unknown)))
    out = Mapping(source=path)
    sheet = data.get("sheet")
    if sheet is not None:
        out.sheet = str(sheet)
    for key in ("header_row", "header_rows"):
        value = data.get(key)
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 1 \
                or (key == "header_rows" and value > 3):
            raise _fail(path, t("ledger.mapping.bad_number", key=key, value=str(value)))
        setattr(out, key, value)
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise _fail(path, t("ledger.mapping.not_table", key="columns"))
    for header, target in columns.items():
        resolved = resolve_field(str(target))
        if resolved is None:
            raise _fail(path, t("ledger.mapping.bad_field", header=header, field=str(target)))
        out.columns[str(header)] = resolved
    types = data.get("types", {})
    if not isinstance(types, dict):
        raise _fail(path, t("ledger.mapping.not_table", key="types"))
    for label, target in types.items():
        found = _dispute_type(str(target))
        if found is None:
            raise _fail(path, t("ledger.mapping.bad_type", label=label, type=str(target)))
        out.types[str(label)] = found
    return out


def _dispute_type(text: str) -> DisputeType | None:
    text = text.strip()
    if text.isdigit():
        hits = [m for m in DisputeType if m.code == text.zfill(2)]
        return hits[0] if hits else None
    return DisputeType.from_label(text)  # type: ignore[return-value]


def apply_mapping(columns: list[Column], mapping: Mapping) -> list[str]:
    """Apply the [columns] section; returns the mapping keys that matched no column."""
    unmatched: list[str] = []
    by_header: dict[str, Column] = {}
    for col in columns:
        by_header.setdefault(norm_header(col.header), col)
        if "/" in col.header:  # a two-row header can be named by its lower text alone
            by_header.setdefault(norm_header(col.header.split("/", 1)[1]), col)
    for key, target in mapping.columns.items():
        col = by_header.get(norm_header(key))
        if col is None and re.fullmatch(r"[A-Za-z]{1,3}", key.strip()):
            index = column_index(key.strip())
            col = columns[index] if 0 <= index < len(columns) else None
        if col is None:
            unmatched.append(key)
            continue
        if target == IGNORE:
            col.field, col.how = None, "ignored"
            continue
        for other in columns:  # the mapping wins over what was recognised
            if other is not col and other.field == target:
                other.field, other.how = None, "duplicate"
        col.field, col.how = target, "mapping"
        col.scale = 10000 if target == "amount" and "万" in col.header else 1
    return unmatched

