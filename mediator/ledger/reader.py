"""The cells of one ledger sheet, whatever program saved it.

- .xlsx/.xlsm (Excel, WPS): openpyxl in read-only mode (a 10,000-row ledger streams instead
  of being loaded as objects), ``data_only`` so formulas give their last computed value, and
  ``reset_dimensions`` because WPS and some exporters write a wrong sheet size (openpyxl would
  then stop after the first row). Read-only mode does not expose merged cells, so their
  ranges are read from the sheet's XML and every cell of a range gets the range's value: a
  merged 申请人 above 姓名/电话, or one 村 name merged down three rows, reads as written.
- .csv/.txt: UTF-8, UTF-8 with BOM, UTF-16 (Excel's "Unicode text") and GBK/GB18030 (what
  Excel on a Chinese Windows writes by default); comma, tab or semicolon separated.
- .xls and WPS .et (the old binary formats) are refused with a message saying how to save
  as .xlsx, rather than read wrongly.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mediator.core.errors import ValidationError
from mediator.i18n import t

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls / .et / .doc
ZIP_MAGIC = b"PK\x03\x04"
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


@dataclass
class Table:
    """All rows of one sheet as values (None for empty cells), merged ranges filled in."""

    rows: list[list[Any]]
    kind: str  # "xlsx" | "csv"
    sheet: str | None = None
    sheets: list[str] = field(default_factory=list)
    encoding: str | None = None
    #: merged ranges as 0-based (first_row, first_col, last_row, last_col)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    @property
    def width(self) -> int:
        return max((len(r) for r in self.rows), default=0)


def column_index(letters: str) -> int:
    """'A' -> 0, 'AB' -> 27."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letter(index: int) -> str:
    """0 -> 'A', 27 -> 'AB'."""
    out = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read the ledger at ``path`` (one sheet of a workbook: ``sheet`` or the active one)."""
    path = Path(path)
    if not path.is_file():
        raise ValidationError(t("ledger.error.missing", path=str(path)), "file")
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise ValidationError(t("ledger.error.unreadable", path=str(path), error=str(exc)),
                              "file") from exc
    if head.startswith(OLE_MAGIC):
        raise ValidationError(t("ledger.error.old_format", path=str(path)), "file")
    if head.startswith(ZIP_MAGIC):
        return _read_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ValidationError(t("ledger.error.unreadable", path=str(path),
                                error=t("ledger.error.not_zip")), "file")
    return _read_csv(path)


# --- xlsx ---------------------------------------------------------------------------------


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, InvalidFileException...
        raise ValidationError(t("ledger.error.unreadable", path=str(path), error=str(exc)),
                              "file") from exc
    try:
        names = [ws.title for ws in wb.worksheets]
        if sheet is not None:
            if sheet not in names:
                raise ValidationError(t("ledger.error.no_sheet", sheet=sheet,
                                        sheets="、".join(names)), "sheet")
            ws = wb[sheet]
        else:
            ws = wb.active if wb.active is not None and wb.active.title in names else wb.worksheets[0]
        ws.reset_dimensions()
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        merged = _merged_ranges(wb, ws)
        title = ws.title
    finally:
        wb.close()
    while rows and not any(v is not None and str(v).strip() for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    _fill_merged(rows, merged)
    return Table(rows=rows, kind="xlsx", sheet=title, sheets=names, merged=merged)


def _merged_ranges(wb: Any, ws: Any) -> list[tuple[int, int, int, int]]:
    """Merged ranges of a read-only sheet, from its XML (``<mergeCell ref="A1:C1"/>``)."""
    try:
        data = wb._archive.read(ws._worksheet_path)
    except (AttributeError, KeyError, zipfile.BadZipFile):  # pragma: no cover - openpyxl internals
        return []
    tail = data.rfind(b"</sheetData>")  # mergeCells follow the cells
    found = []
    for m in _MERGE.finditer(data, max(tail, 0)):
        c1, r1 = column_index(m.group(1).decode()), int(m.group(2)) - 1
        c2 = column_index(m.group(3).decode()) if m.group(3) else c1
        r2 = int(m.group(4)) - 1 if m.group(4) else r1
        found.append((r1, c1, r2, c2))
    return found


def _fill_merged(rows: list[list[Any]], merged: list[tuple[int, int, int, int]]) -> None:
    for r1, c1, r2, c2 in merged:
        if r1 >= len(rows):
            continue
        value = rows[r1][c1] if c1 < len(rows[r1]) else None
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(c1, min(c2, len(row) - 1) + 1):
                row[c] = value


# --- csv ----------------------------------------------------------------------------------


def decode_bytes(raw: bytes) -> tuple[str, str]:
    """Text and the encoding it was in: BOMs first, then strict UTF-8, then GB18030 (a
    superset of GBK and GB2312, so it also reads what older Chinese Excel wrote)."""
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16"), "utf-16"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return raw.decode("gb18030", errors="replace"), "gb18030"


def _delimiter(text: str) -> str:
    sample = [line for line in text.splitlines()[:10] if line.strip()]
    best, score = ",", 0
    for d in (",", "\t", ";"):
        count = max((line.count(d) for line in sample), default=0)
        if count > score:
            best, score = d, count
    return best


def _read_csv(path: Path) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ValidationError(t("ledger.error.unreadable", path=str(path), error=str(exc)),
                              "file") from exc
    text, encoding = decode_bytes(raw)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    rows: list[list[Any]] = [[c if c.strip() else None for c in r] for r in reader]
    while rows and not any(rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    return Table(rows=rows, kind="csv", encoding=encoding)
