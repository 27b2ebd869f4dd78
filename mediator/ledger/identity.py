"""Rows of one ledger that are the same case: pasted twice, or two cases that look alike.

Within one ledger (all its sheets), rows of the same identity (``core.ledger_rows``) are
compared field by field, the running number left out:

- the same in every field: the later row is a 重复行 (pasted twice) and is not imported; it is
  listed with the row it repeats;
- different in some field: both are imported, each flagged 有疑问 with the other's place —
  two cases of the same parties on the same day do happen, and a row is never silently merged
  or skipped.
"""

from __future__ import annotations

from typing import Any

from mediator.i18n import t


def place(sheet: str | None, row_no: int, *, several: bool) -> str:
    """第5行, or 「二月」第5行 in a workbook read sheet by sheet."""
    if several and sheet:
        return t("ledger.place_sheet", sheet=sheet, row=row_no)
    return t("ledger.place", row=row_no)


def mark_duplicates(rows: list[Any], *, several_sheets: bool) -> None:
    """Set ``duplicate_of`` on ``importer.ParsedRow``s pasted twice; flag look-alikes (in
    place)."""
    seen: dict[str, list[Any]] = {}
    for r in rows:
        case = r.case
        if case is None or case.identity is None:
            continue
        group = seen.setdefault(case.identity, [])
        same = next((o for o in group if o.case.fields == case.fields), None)
        if same is not None:
            r.duplicate_of = place(same.sheet, same.row_no, several=several_sheets)
            continue
        for other in group:
            here = place(r.sheet, r.row_no, several=several_sheets)
            there = place(other.sheet, other.row_no, several=several_sheets)
            case.flags.append(t("import.flag.look_alike", place=there))
            other.case.flags.append(t("import.flag.look_alike", place=here))
        group.append(r)
