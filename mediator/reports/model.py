"""What a report is, independent of its file format: a title, a few paragraphs and tables of
typed cells. Builders (``mediator.reports.build``) make one from the statistics; renderers
(xlsx, docx, csv, md, json) only lay it out, so every format shows the same numbers.

Cells are plain ``int``, ``str``, ``date`` or ``None`` (shown as —), or one of the wrappers
below that say how a number is to be shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mediator.core.money import fen_to_yuan, format_fen

DASH = "—"


@dataclass(frozen=True)
class Money:
    """An amount in fen, shown in yuan with two decimals."""

    fen: int

    @property
    def yuan(self) -> float:
        return fen_to_yuan(self.fen)


@dataclass(frozen=True)
class Rate:
    """A ratio (0.667), shown as a percentage with one decimal (66.7%); None shows as —."""

    value: float | None


@dataclass(frozen=True)
class Points:
    """A change of a rate (0.667 → 0.292 is -0.375), shown in percentage points with its sign:
    -37.5个百分点 — never as -37.5%, which would read as a relative change. None shows as —."""

    value: float | None

    def text(self) -> str:
        from mediator.i18n import t

        if self.value is None:
            return DASH
        number = f"{self.value * 100:+.1f}" if round(self.value * 100, 1) else "0.0"
        return t("report.points", n=number)


@dataclass(frozen=True)
class Signed:
    """A change against another period (+3, -1.50, +5.0%), always shown with its sign."""

    value: int | Money | Rate | None


Cell = Any  # int | str | date | None | Money | Rate | Points | Signed


def format_cell(cell: Cell) -> str:
    """The text of a cell, as csv, md and docx show it (and xlsx for text cells)."""
    if cell is None:
        return DASH
    if isinstance(cell, bool):
        from mediator.i18n import t

        return t("report.yes") if cell else t("report.no")
    if isinstance(cell, Money):
        return format_fen(cell.fen)
    if isinstance(cell, Rate):
        return DASH if cell.value is None else f"{cell.value * 100:.1f}%"
    if isinstance(cell, Points):
        return cell.text()
    if isinstance(cell, Signed):
        inner = cell.value
        if inner is None or (isinstance(inner, Rate) and inner.value is None):
            return DASH
        if isinstance(inner, Money):
            return format_fen(inner.fen, sign=True)
        if isinstance(inner, Rate):
            return f"{inner.value * 100:+.1f}%" if inner.value else "0.0%"  # type: ignore[operator]
        return f"{inner:+d}" if inner else "0"
    if isinstance(cell, date):
        return cell.isoformat()
    return str(cell)


def json_cell(cell: Cell) -> Any:
    """The value of a cell in JSON: numbers stay numbers (money in yuan, rates as ratios)."""
    if isinstance(cell, Signed):
        return json_cell(cell.value)
    if isinstance(cell, Points):  # percentage points: -37.5
        return None if cell.value is None else round(cell.value * 100, 2)
    if isinstance(cell, Money):
        return cell.yuan
    if isinstance(cell, Rate):
        return None if cell.value is None else round(cell.value, 4)
    if isinstance(cell, date):
        return cell.isoformat()
    return cell


@dataclass
class Column:
    key: str
    label: str
    #: width in characters for xlsx/docx (Chinese characters count as 2)
    width: int = 10


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    #: chart to draw from this table in xlsx: "bar" (first column against ``chart_values``)
    #: or "line"; None for no chart
    chart: str | None = None
    chart_values: tuple[str, ...] = ()
    #: the first row is a total line (bold in xlsx/docx)
    total_row: bool = False
    #: indexes of "of which" lines (其中…): indented, and left out of charts
    sub_rows: frozenset[int] = frozenset()

    #: a list of cases (台账, 以案定补, overdue and hard cases): in xlsx its header row stays
    #: frozen and carries a filter
    @property
    def is_list(self) -> bool:
        return self.key in LIST_TABLES


#: the tables that list cases, one per row
LIST_TABLES = frozenset({"ledger", "subsidy", "overdue_cases", "hard_cases",
                         "ledger_screening"})  # the 台账's 排查 rounds, one per row


@dataclass
class Report:
    """A rendered-to-anything report.

    ``kind`` is weekly, monthly, range, ledger, screening or subsidy; ``name`` the default file
    name without extension; ``figures`` the raw figures for JSON (None for lists).
    """

    kind: str
    title: str
    subtitle: str
    office_name: str
    name: str
    masked: bool
    generated_on: date
    period_label: str
    narrative: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, Any] | None = None
    zero: bool = False

    def table(self, key: str) -> Table:
        for tb in self.tables:
            if tb.key == key:
                return tb
        raise KeyError(key)
