"""The cells of one ledger sheet, whatever program saved it.

- .xlsx/.xlsm (Excel, WPS): the sheet's XML is streamed (xml.etree ``iterparse``), which reads
  a 10,000-row ledger about three times faster than openpyxl's read-only mode and, like it,
  never loads the sheet as objects; anything unexpected in the package falls back to openpyxl
  (read-only, ``data_only``, ``reset_dimensions``). Both ignore the sheet size the file
  declares (WPS and some exporters write ``A1`` for the whole sheet), take formulas' last
  computed value, and give the value of a merged range to every cell in it: a merged 申请人
  above 姓名/电话, or one 村 name merged down three rows, reads as written.
- .csv/.txt: UTF-8, UTF-8 with BOM, UTF-16 (Excel's "Unicode text") and GBK/GB18030 (what
  Excel on a Chinese Windows writes by default); comma, tab or semicolon separated.
- .xls (old Excel and WPS) and .ods (LibreOffice) are read with python-calamine; a WPS .et it
  cannot read, and a damaged .xls, get a message saying how to save as .xlsx; a file saved
  with a password (an OLE container holding an EncryptedPackage) says so and how to remove it.
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
        return _read_ole(path, sheet)
    if head.startswith(ZIP_MAGIC):
        if _is_ods(path):
            return _read_calamine(path, sheet, "ods")
        return _read_xlsx(path, sheet)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        raise ValidationError(t("ledger.error.unreadable", path=str(path),
                                error=t("ledger.error.not_zip")), "file")
    return _read_csv(path)


# --- .xls / .et / .ods / password-protected: python-calamine -------------------------------

#: the stream names an encrypted Office file keeps in its OLE container, as UTF-16
_ENCRYPTED = ("EncryptedPackage".encode("utf-16-le"), "EncryptionInfo".encode("utf-16-le"))


def _is_ods(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.read("mimetype").startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except (KeyError, OSError, zipfile.BadZipFile):
        return False


def _read_ole(path: Path, sheet: str | None) -> Table:
    """An OLE container: an old .xls, a WPS .et, or an .xlsx saved with a password (Office
    encrypts the whole package into an OLE file)."""
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    if any(marker in head for marker in _ENCRYPTED):
        raise ValidationError(t("ledger.error.password", path=str(path)), "file")
    return _read_calamine(path, sheet, "xls")


def _unreadable_key(wps: bool, kind: str) -> str:
    return "ledger.error.et" if wps else ("ledger.error.xls_unreadable" if kind == "xls"
                                          else "ledger.error.unreadable")


def _read_calamine(path: Path, sheet: str | None, kind: str) -> Table:
    from datetime import time, timedelta

    import python_calamine as pc

    wps = path.suffix.lower() in (".et", ".ett")
    try:
        wb = pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError as exc:
        raise ValidationError(t("ledger.error.password", path=str(path)), "file") from exc
    except Exception as exc:
        raise ValidationError(t(_unreadable_key(wps, kind), path=str(path), error=str(exc)),
                              "file") from exc
    try:
        names = [m.name for m in wb.sheets_metadata
                 if str(m.typ).endswith("WorkSheet")] or list(wb.sheet_names)
        if sheet is not None and sheet not in names:
            raise ValidationError(t("ledger.error.no_sheet", sheet=sheet,
                                    sheets="、".join(names)), "sheet")
        chosen = sheet if sheet is not None else names[0]
        try:
            ws = wb.get_sheet_by_name(chosen)
            raw = ws.to_python(skip_empty_area=False)
            merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (ws.merged_cell_ranges or [])]
        except pc.PasswordError as exc:
            raise ValidationError(t("ledger.error.password", path=str(path)), "file") from exc
        except ValidationError:
            raise
        except Exception as exc:
            raise ValidationError(t(_unreadable_key(wps, kind), path=str(path),
                                    error=str(exc)), "file") from exc
    finally:
        wb.close()
    clock = (time, timedelta)
    # an empty cell is None; a time of day or a duration its text
    rows: list[list[Any]] = [
        [None if v == "" else str(v) if isinstance(v, clock) else v for v in r] for r in raw]
    while rows and not any(v is not None and str(v).strip() for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    _fill_merged(rows, merged)
    return Table(rows=rows, kind=kind, sheet=chosen, sheets=names, merged=merged)


# --- xlsx ---------------------------------------------------------------------------------


def _active_sheet(path: Path) -> str | None:
    """The sheet a workbook opens on (bookViews' activeTab), without reading the sheets."""
    from xml.etree.ElementTree import fromstring

    try:
        with zipfile.ZipFile(path) as zf:
            book = fromstring(zf.read("xl/workbook.xml"))
    except (KeyError, OSError, zipfile.BadZipFile, SyntaxError):
        return None
    names = [el.get("name", "") for el in book.iter(_NS + "sheet")]
    view = book.find(f"{_NS}bookViews/{_NS}workbookView")
    try:
        active = int(view.get("activeTab", "0")) if view is not None else 0
    except ValueError:
        active = 0
    return names[active] if 0 <= active < len(names) else None


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    """python-calamine (five times faster than the streaming reader below), then the
    streaming reader, then openpyxl for anything neither expects."""
    try:
        chosen = sheet if sheet is not None else _active_sheet(path)
        table = _read_calamine(path, chosen, "xlsx")
        if sheet is None and chosen is not None and chosen not in table.sheets:
            table = _read_calamine(path, None, "xlsx")  # the active tab is a chart sheet
        return table
    except ValidationError as exc:
        if exc.field == "sheet":
            raise
    except Exception:  # noqa: BLE001, S110 - fall back to the readers below
        pass
    try:
        table = _read_xlsx_stream(path, sheet)
    except ValidationError:
        raise
    except Exception:  # noqa: BLE001 - an unusual file: let openpyxl read (or refuse) it
        table = None
    return table if table is not None else _read_xlsx_openpyxl(path, sheet)


_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
#: number formats Chinese (and Japanese/Korean) Excel treats as dates without declaring them
_CJK_DATE_FORMATS = frozenset((*range(27, 37), *range(50, 59)))
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


def _read_xlsx_stream(path: Path, sheet: str | None) -> Table | None:
    """Read one sheet by streaming its XML (xml.etree iterparse), about three times faster
    than openpyxl's read-only mode on a 10,000-row ledger. Values come out as openpyxl gives
    them with ``data_only``: shared and inline strings, numbers (int or float), booleans,
    formulas' cached results, and datetimes for cells whose number format is a date. Returns
    None for a workbook it does not understand (the caller falls back to openpyxl)."""
    from datetime import datetime
    from xml.etree.ElementTree import fromstring, iterparse

    from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format
    from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

    with zipfile.ZipFile(path) as zf:
        names = set(zf.namelist())
        book = fromstring(zf.read("xl/workbook.xml"))
        rels = {r.get("Id"): (r.get("Type", ""), r.get("Target", ""))
                for r in fromstring(zf.read("xl/_rels/workbook.xml.rels")).iter(_PKG_REL)}

        def part(target: str) -> str:
            target = target.lstrip("/") if target.startswith("/") else "xl/" + target
            parts: list[str] = []
            for piece in target.split("/"):
                if piece == "..":
                    parts.pop()
                elif piece not in ("", "."):
                    parts.append(piece)
            return "/".join(parts)

        sheets = []  # (name, part) of worksheets, in workbook order
        all_sheets = []
        for el in book.iter(_NS + "sheet"):
            kind, target = rels.get(el.get(_REL_NS + "id"), ("", ""))
            all_sheets.append(el.get("name", ""))
            if kind.endswith("/worksheet"):
                sheets.append((el.get("name", ""), part(target)))
        if not sheets:
            return None
        worksheet_names = [n for n, _ in sheets]
        if sheet is not None:
            if sheet not in worksheet_names:
                raise ValidationError(t("ledger.error.no_sheet", sheet=sheet,
                                        sheets="、".join(worksheet_names)), "sheet")
            chosen = sheet
        else:
            view = book.find(f"{_NS}bookViews/{_NS}workbookView")
            active = int(view.get("activeTab", "0")) if view is not None else 0
            name = all_sheets[active] if 0 <= active < len(all_sheets) else ""
            chosen = name if name in worksheet_names else worksheet_names[0]
        sheet_part = dict(sheets)[chosen]
        pr = book.find(_NS + "workbookPr")
        epoch = (CALENDAR_MAC_1904 if pr is not None and pr.get("date1904") in ("1", "true")
                 else CALENDAR_WINDOWS_1900)

        strings: list[str] = []
        shared = next((part(tg) for kind, tg in rels.values() if kind.endswith("/sharedStrings")),
                      "xl/sharedStrings.xml")
        if shared in names:
            with zf.open(shared) as fh:
                for _, el in iterparse(fh):
                    if el.tag == _NS + "si":
                        strings.append(_si_text(el))
                        el.clear()

        date_styles: set[int] = set()
        styles = next((part(tg) for kind, tg in rels.values() if kind.endswith("/styles")),
                      "xl/styles.xml")
        if styles in names:
            root = fromstring(zf.read(styles))
            custom = {int(f.get("numFmtId", "-1")): f.get("formatCode", "")
                      for f in root.iter(_NS + "numFmt")}
            xfs = root.find(_NS + "cellXfs")
            for index, xf in enumerate(xfs if xfs is not None else []):
                fmt = int(xf.get("numFmtId", "0"))
                code = custom.get(fmt) or BUILTIN_FORMATS.get(fmt, "")
                if fmt in _CJK_DATE_FORMATS and fmt not in custom or (code and is_date_format(code)):
                    date_styles.add(index)

        rows: list[list[Any]] = []
        merged: list[tuple[int, int, int, int]] = []
        cell_tag, row_tag, merge_tag = _NS + "c", _NS + "row", _NS + "mergeCell"
        v_tag, is_tag = _NS + "v", _NS + "is"
        current: list[Any] = []
        with zf.open(sheet_part) as fh:
            for _, el in iterparse(fh):
                tag = el.tag
                if tag == cell_tag:
                    ref = el.get("r")
                    col = column_index(_CELL_REF.match(ref).group(1)) if ref else len(current)  # type: ignore[union-attr]
                    kind = el.get("t", "n")
                    if kind == "inlineStr":
                        inline = el.find(is_tag)
                        value: Any = _si_text(inline) if inline is not None else None
                    else:
                        v = el.find(v_tag)
                        raw = v.text if v is not None else None
                        if raw is None:
                            value = None
                        elif kind == "s":
                            value = strings[int(raw)]
                        elif kind in ("str", "e"):
                            value = raw
                        elif kind == "b":
                            value = raw.strip() in ("1", "true")
                        elif kind == "d":
                            value = datetime.fromisoformat(raw.rstrip("Z"))
                        else:
                            number = float(raw)
                            value = int(number) if number.is_integer() and "." not in raw \
                                and "E" not in raw.upper() else number
                            style = el.get("s")
                            if style is not None and int(style) in date_styles:
                                value = from_excel(number, epoch)
                    if col >= len(current):
                        current.extend([None] * (col - len(current) + 1))
                    current[col] = value
                    el.clear()
                elif tag == row_tag:
                    number = el.get("r")
                    index = int(number) - 1 if number else len(rows)
                    while len(rows) < index:
                        rows.append([])
                    rows.append(current)
                    current = []
                    el.clear()
                elif tag == merge_tag:
                    m = re.fullmatch(r"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?", el.get("ref", ""))
                    if m:
                        c1, r1 = column_index(m.group(1)), int(m.group(2)) - 1
                        merged.append((r1, c1, int(m.group(4)) - 1 if m.group(4) else r1,
                                       column_index(m.group(3)) if m.group(3) else c1))
    while rows and not any(v is not None and str(v).strip() for v in rows[-1]):
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    for r in rows:
        if len(r) < width:
            r.extend([None] * (width - len(r)))
    _fill_merged(rows, merged)
    return Table(rows=rows, kind="xlsx", sheet=chosen, sheets=worksheet_names, merged=merged)


def _si_text(el: Any) -> str:
    """A shared/inline string: its <t>, or the <t> of each rich-text run (not phonetic <rPh>)."""
    out = []
    for child in el:
        if child.tag == _NS + "t":
            out.append(child.text or "")
        elif child.tag == _NS + "r":
            out.extend(x.text or "" for x in child.iter(_NS + "t"))
    return "".join(out)


def _read_xlsx_openpyxl(path: Path, sheet: str | None) -> Table:
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
