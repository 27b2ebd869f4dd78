"""What a row does not say but its ledger does (issue 16).

- The year of a year-less date (3月5日): from the title above the header (青石镇2025年…台账),
  else the sheet name (2025年3月), else the file name (台账2025.xlsx) — the last one flagged,
  a file name being the least reliable of the three.
- One case written over several rows: the date and the applicant merged down the rows, the
  other cells (a second respondent, the rest of the facts) one per row. The rows are read as
  one case: merged cells once, the others joined.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from mediator.ledger.headers import Layout
from mediator.ledger.reader import Table
from mediator.ledger.values import free_text_of, is_blank, text_of

_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?:年|(?![0-9]))")
_MONTH_DAY = re.compile(r"([0-9]{1,2})月([0-9]{1,2})[日号]?")
_SHORT = re.compile(r"([0-9]{1,2})[./\-]([0-9]{1,2})")


@dataclass(frozen=True)
class YearHint:
    year: int
    source: str  # "title" | "sheet" | "file"


def year_hint(table: Table, layout: Layout, path: Path) -> YearHint | None:
    for r in table.rows[:layout.header_start]:
        for v in r:
            m = _YEAR.search(text_of(v))
            if m:
                return YearHint(int(m.group(1)), "title")
    for text, source in ((table.sheet or "", "sheet"), (Path(path).stem, "file")):
        m = _YEAR.search(text)
        if m:
            return YearHint(int(m.group(1)), source)
    return None


def month_day(value: Any) -> tuple[int, int] | None:
    """(3, 5) for 3月5日, 3月5号, 3.5, 3/5, 03-05; None for anything else."""
    if not isinstance(value, str):
        return None
    text = text_of(value).replace(" ", "")
    m = _MONTH_DAY.fullmatch(text) or _SHORT.fullmatch(text)
    if not m:
        return None
    return int(m.group(1)), int(m.group(2))


def with_year(md: tuple[int, int], year: int) -> date:
    try:
        return date(year, md[0], md[1])
    except ValueError as exc:
        raise ValueError(f"{md[0]}月{md[1]}日") from exc


#: fields whose cells on the rows of one case are joined as names (、) or as prose (newline)
_LIST_ATTRS = ("name", "id_number", "phone", "gender", "ethnicity", "age", "address")
_PROSE = ("facts", "requests", "agreement_terms", "follow_up_note", "note")


def case_row_groups(table: Table, layout: Layout,
                    indexes: list[int]) -> list[tuple[int, list[int]]]:
    """The data rows (0-based ``indexes``) grouped by case: (first row, rows of the case)."""
    fields = layout.index_of()
    date_col = fields["registered_on"].index if "registered_on" in fields else None
    name_col = fields["applicant.name"].index if "applicant.name" in fields else None
    spans: dict[int, int] = {}  # first row -> last row of a case merged down several rows
    if date_col is not None and name_col is not None and table.merged:
        by_col: dict[int, dict[int, int]] = {date_col: {}, name_col: {}}
        for r1, c1, r2, c2 in table.merged:
            if r2 > r1:
                for col, spans_of in by_col.items():
                    if c1 <= col <= c2:
                        spans_of[r1] = r2
        for r1, r2 in by_col[date_col].items():
            if by_col[name_col].get(r1) == r2:
                spans[r1] = r2
    groups: list[tuple[int, list[int]]] = []
    taken: set[int] = set()
    wanted = set(indexes)
    for i in indexes:
        if i in taken:
            continue
        last = spans.get(i, i)
        rows = [j for j in range(i, last + 1) if j in wanted]
        taken.update(rows)
        groups.append((i, rows))
    return groups


def join_rows(table: Table, layout: Layout, rows: list[int]) -> list[Any]:
    """The cells of a case written over several rows as one row."""
    if len(rows) == 1:
        return table.rows[rows[0]]
    width = max(len(table.rows[j]) for j in rows)
    kinds: dict[int, str] = {}
    for col in layout.columns:
        if col.field and col.field.split(".")[-1] in _LIST_ATTRS and "." in col.field:
            kinds[col.index] = "list"
        elif col.field in _PROSE or col.how in ("unknown", "duplicate"):
            kinds[col.index] = "prose"
    out: list[Any] = []
    for c in range(width):
        values = [table.rows[j][c] if c < len(table.rows[j]) else None for j in rows]
        kept: list[Any] = []
        for v in values:
            if not is_blank(v) and v not in kept:
                kept.append(v)
        if len(kept) <= 1:
            out.append(kept[0] if kept else values[0])
        elif kinds.get(c) == "list":
            out.append("、".join(text_of(v) for v in kept))
        elif kinds.get(c) == "prose":
            out.append("\n".join(free_text_of(v) for v in kept))
        else:
            out.append(kept[0])  # one amount, one date, one result: the first row's
    return out


_ROLE_LINE = re.compile(r"(申请人|被申请人|第三人|申请方|被申请方)[:：]\s*(.+)")
_ROLE_OF = {"申请人": "applicant", "申请方": "applicant", "被申请人": "respondent",
            "被申请方": "respondent", "第三人": "third_party"}


def _lines(value: Any) -> list[str]:
    if value is None:
        return []
    return [x.strip() for x in (value if isinstance(value, str) else text_of(value)).splitlines()]


def split_role_lines(cells: dict[str, Any]) -> None:
    """A 当事人 cell of one line per party with its role (申请人：张三 / 被申请人：李四), the
    身份证号码 and 联系电话 cells beside it line by line (— for none), as this app's own
    台账 export writes them: spread over the roles' fields (in place)."""
    value = cells.get("applicant.name")
    if type(value) is str:
        # no role word in the cell (most ledgers: a name per cell), so no line to spread;
        # its text is the one the row's texts_of makes next (remembered: no extra work)
        whole = text_of(value)
        if "申请" not in whole and "第三人" not in whole:
            return
    lines = [x for x in _lines(value) if x]
    if not lines:
        return
    found = [_ROLE_LINE.fullmatch(text_of(x)) for x in lines]
    if not all(found):
        return
    ids, phones = _lines(cells.get("applicant.id_number")), _lines(cells.get("applicant.phone"))
    grouped: dict[str, dict[str, list[str]]] = {}
    for k, m in enumerate(found):
        assert m is not None
        group = grouped.setdefault(_ROLE_OF[m.group(1)],
                                   {"name": [], "id_number": [], "phone": []})
        group["name"].append(m.group(2).strip())
        group["id_number"].append(ids[k] if k < len(ids) and ids[k] else "—")
        group["phone"].append(phones[k] if k < len(phones) and phones[k] else "—")
    for attr in ("name", "id_number", "phone"):
        cells.pop(f"applicant.{attr}", None)
    for role, group in grouped.items():
        for attr, values in group.items():
            cells[f"{role}.{attr}"] = "、".join(values)
