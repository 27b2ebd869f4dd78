"""Plain display values for sync records, shared by the CLI and the TUI (no UI imports)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mediator.core.text import plain
from mediator.i18n import t

#: columns whose difference says nothing on its own (they always differ in a fork)
_QUIET = {"updated_at"}


@dataclass(frozen=True)
class ConflictView:
    kind: str
    table: str
    label: str
    differences: tuple[str, ...]
    held: dict[str, Any]
    other: dict[str, Any]


def _load(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _short(value: Any, limit: int = 40) -> str:
    text = plain(value)   # a package's values: no control character reaches a screen
    return text if len(text) <= limit else text[: limit - 1] + "…"


def conflict_summary(row: Any) -> ConflictView:
    held, other = _load(row.held_json), _load(row.other_json)
    label = (held.get("case_no") or other.get("case_no") or held.get("name") or other.get("name")
             or str(row.row_id)[:8])
    keys = sorted(set(held) | set(other))
    if row.kind == "MISSING":
        # nothing to compare: the other side no longer has the row at all
        diffs = [t("fork.missing_note")]
    else:
        diffs = [t("sync.conflict.diff", field=k, held=_short(held.get(k)),
                   other=_short(other.get(k)))
                 for k in keys if held.get(k) != other.get(k) and k not in _QUIET]
        if row.kind == "BRANCH":
            diffs.insert(0, t("fork.branch_note"))
    return ConflictView(kind=t(f"sync.conflict.kind.{row.kind}"),
                        table=t(f"sync.table.{row.table_name}"), label=plain(label),
                        differences=tuple(diffs), held=held, other=other)
