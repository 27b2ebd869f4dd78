"""Excel (.xlsx) rendering with XlsxWriter: fast (it streams rows, no object model of the
workbook) and it writes native Excel charts that WPS also shows.

One sheet per table. The first sheet carries the title, the period, the text of the report and
the first table. Every sheet prints on A4 landscape, one page wide, with its title and header
rows repeated on each page. User text is always written with ``write_string`` so a name or
fact starting with ``=`` never becomes a formula.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.utility import quote_sheetname, xl_range_abs

from mediator.core.files import atomic_path
from mediator.core.money import fen_to_yuan
from mediator.core.text import xml_safe
from mediator.i18n import t
from mediator.reports.model import DASH, Money, Points, Rate, Report, Signed, Table

FONT = "宋体"
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    name = _BAD_SHEET_CHARS.sub("", xml_safe(title)).strip("'")[:28] or "Sheet"
    base, n = name, 2
    while name.lower() in used:
        name = f"{base[:26]}{n}"
        n += 1
    used.add(name.lower())
    return name


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter", "border": 1}

        def fmt(**kw: Any) -> Any:
            return wb.add_format({**base, **kw})

        self.title = wb.add_format({"font_name": FONT, "font_size": 16, "bold": True,
                                    "align": "center", "valign": "vcenter"})
        self.subtitle = wb.add_format({"font_name": FONT, "font_size": 11, "align": "center"})
        self.text = wb.add_format({"font_name": FONT, "font_size": 11, "text_wrap": True,
                                   "valign": "top"})
        self.note = wb.add_format({"font_name": FONT, "font_size": 9, "italic": True})
        self.header = fmt(bold=True, align="center", text_wrap=True, bg_color="#DDEBF7")
        self.cache: dict[tuple[str, bool, bool], Any] = {}
        self._fmt = fmt
        self.specs = {
            "str": {"text_wrap": True},
            "int": {"num_format": "0", "align": "right"},
            "money": {"num_format": "#,##0.00", "align": "right"},
            "rate": {"num_format": "0.0%", "align": "right"},
            "signed_int": {"num_format": "+0;-0;0", "align": "right"},
            "signed_money": {"num_format": "+#,##0.00;-#,##0.00;0.00", "align": "right"},
            "signed_rate": {"num_format": "+0.0%;-0.0%;0.0%", "align": "right"},
            "points": {"num_format": t("report.points_format"), "align": "right"},
            "date": {"num_format": "yyyy-mm-dd", "align": "center"},
            "dash": {"align": "center"},
        }

    def get(self, kind: str, bold: bool = False, indent: bool = False) -> Any:
        key = (kind, bold, indent)
        if key not in self.cache:
            extra: dict[str, Any] = dict(self.specs[kind])
            if bold:
                extra["bold"] = True
            if indent:
                extra["indent"] = 2
            self.cache[key] = self._fmt(**extra)
        return self.cache[key]


def _write_cell(ws: Any, row: int, col: int, cell: Any, f: _Formats, bold: bool,
                indent: bool = False) -> None:
    if cell is None:
        ws.write_string(row, col, DASH, f.get("dash", bold))
    elif isinstance(cell, bool):
        ws.write_string(row, col, t("report.yes") if cell else t("report.no"), f.get("str", bold))
    elif isinstance(cell, (int, float)):
        ws.write_number(row, col, cell, f.get("int", bold))
    elif isinstance(cell, Money):
        ws.write_number(row, col, fen_to_yuan(cell.fen), f.get("money", bold))
    elif isinstance(cell, Rate):
        if cell.value is None:
            ws.write_string(row, col, DASH, f.get("dash", bold))
        else:
            ws.write_number(row, col, cell.value, f.get("rate", bold))
    elif isinstance(cell, Points):
        if cell.value is None:
            ws.write_string(row, col, DASH, f.get("dash", bold))
        else:
            ws.write_number(row, col, round(cell.value * 100, 1), f.get("points", bold))
    elif isinstance(cell, Signed):
        inner = cell.value
        if inner is None or (isinstance(inner, Rate) and inner.value is None):
            ws.write_string(row, col, DASH, f.get("dash", bold))
        elif isinstance(inner, Money):
            ws.write_number(row, col, fen_to_yuan(inner.fen), f.get("signed_money", bold))
        elif isinstance(inner, Rate):
            ws.write_number(row, col, inner.value, f.get("signed_rate", bold))  # type: ignore[arg-type]
        else:
            ws.write_number(row, col, inner, f.get("signed_int", bold))
    elif isinstance(cell, date):
        ws.write_datetime(row, col, cell, f.get("date", bold))
    else:
        ws.write_string(row, col, xml_safe(cell), f.get("str", bold, indent))


def _print_setup(ws: Any, header_row: int, freeze: bool) -> None:
    ws.set_paper(9)  # A4
    ws.set_landscape()
    ws.set_margins(left=0.5, right=0.5, top=0.7, bottom=0.7)
    ws.center_horizontally()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)
    ws.set_footer(t("report.xlsx.footer"))
    if freeze:
        ws.freeze_panes(header_row + 1, 0)


def _banner(ws: Any, row: int, ncols: int, value: str, fmt: Any) -> None:
    value = xml_safe(value)
    if ncols > 1:
        ws.merge_range(row, 0, row, ncols - 1, value, fmt)
    else:
        ws.write_string(row, 0, value, fmt)


def _write_table(wb: xlsxwriter.Workbook, ws: Any, sheet: str, table: Table, start_row: int,
                 f: _Formats, freeze: bool = True) -> int:
    """Write ``table`` from ``start_row``; returns the header row index."""
    r = start_row
    if table.note:
        ws.write_string(r, 0, xml_safe(table.note), f.note)
        r += 1
    header = r
    for c, col in enumerate(table.columns):
        ws.write_string(r, c, xml_safe(col.label), f.header)
        ws.set_column(c, c, col.width)
    for i, values in enumerate(table.rows):
        bold = table.total_row and i == 0
        indent = i in table.sub_rows
        for c, cell in enumerate(values):
            _write_cell(ws, header + 1 + i, c, cell, f, bold, indent and c == 0)
    _print_setup(ws, header, freeze or table.is_list)
    if table.is_list and table.rows:
        ws.autofilter(header, 0, header + len(table.rows), len(table.columns) - 1)
    if table.chart and table.rows:
        _chart(wb, ws, sheet, table, header)
    return header


def _chart_range(sheet: str, rows: list[int], col: int) -> Any:
    """The cells of ``col`` in ``rows`` (sheet rows, ascending) for a chart series: a plain
    range when they are contiguous, else a union of ranges — so a 其中 line between two type
    lines is never drawn as a bar of its own (its cases are in the line above)."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and r == runs[-1][1] + 1:
            runs[-1][1] = r
        else:
            runs.append([r, r])
    if len(runs) == 1:
        return [sheet, runs[0][0], col, runs[0][1], col]
    name = quote_sheetname(sheet)
    return "=(" + ",".join(f"{name}!{xl_range_abs(a, col, b, col)}" for a, b in runs) + ")"


def _chart(wb: xlsxwriter.Workbook, ws: Any, sheet: str, table: Table, header: int) -> None:
    keys = [c.key for c in table.columns]
    rows = [i for i in range(len(table.rows))
            if not (table.total_row and i == 0) and i not in table.sub_rows]
    if not rows:
        return
    first, last = header + 1 + rows[0], header + 1 + rows[-1]
    cells = [header + 1 + i for i in rows]
    if table.chart == "bar":
        chart = wb.add_chart({"type": "bar"})
        for key in table.chart_values:
            col = keys.index(key)
            chart.add_series({"name": [sheet, header, col],
                              "categories": _chart_range(sheet, cells, 0),
                              "values": _chart_range(sheet, cells, col),
                              "data_labels": {"value": True}})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"none": True})
        chart.set_title({"name": t("report.chart.by_type"), "name_font": {"name": FONT, "size": 12}})
        height = max(288, 22 * len(rows) + 80)
    else:
        chart = wb.add_chart({"type": "line"})
        for key in table.chart_values:
            col = keys.index(key)
            chart.add_series({"name": [sheet, header, col],
                              "categories": [sheet, first, 0, last, 0],
                              "values": [sheet, first, col, last, col],
                              "marker": {"type": "circle"}})
        chart.set_title({"name": t("report.chart.trend"), "name_font": {"name": FONT, "size": 12}})
        chart.set_legend({"position": "bottom"})
        height = 320
    chart.set_x_axis({"num_font": {"name": FONT}})
    chart.set_size({"width": 620, "height": height})
    ws.insert_chart(header, len(table.columns) + 1, chart)


def render(report: Report, path: Path) -> Path:
    path = Path(path)
    big = sum(len(tb.rows) for tb in report.tables) > 20000
    with atomic_path(path) as tmp:
        _write_workbook(report, tmp, big)
    return path


def _write_workbook(report: Report, tmp: Path, big: bool) -> None:
    wb = xlsxwriter.Workbook(str(tmp), {"constant_memory": big, "strings_to_numbers": False,
                                        "strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": xml_safe(report.title), "subject": xml_safe(report.subtitle),
                       "company": xml_safe(report.office_name)})
    f = _Formats(wb)
    used: set[str] = set()
    try:
        for index, table in enumerate(report.tables):
            sheet = _sheet_name(table.title, used)
            ws = wb.add_worksheet(sheet)
            ncols = max(len(table.columns), 1)
            r = 0
            if index == 0:
                _banner(ws, 0, ncols, report.title, f.title)
                ws.set_row(0, 30)
                _banner(ws, 1, ncols, report.subtitle, f.subtitle)
                r = 2
                if not report.masked:
                    _banner(ws, r, ncols, t("report.unmasked_notice"), f.note)
                    r += 1
                for line in report.narrative:
                    _banner(ws, r, ncols, line, f.text)
                    ws.set_row(r, 15 * max(1, len(line) // max(ncols * 6, 40) + 1))
                    r += 1
                r += 1
            else:
                _banner(ws, 0, ncols, table.title, f.title)
                r = 1
            _write_table(wb, ws, sheet, table, r, f, freeze=index > 0)
    finally:
        wb.close()
