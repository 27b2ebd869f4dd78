"""Ledgers in the other formats offices have (issue 16): old Excel .xls (WPS and Excel 2003
save it), LibreOffice .ods, a workbook saved with a password, and a WPS .et file."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
import xlsxwriter

from mediator.core.errors import ValidationError
from mediator.core.services import Services
from mediator.ledger.importer import import_ledger

HEADER = ["序号", "受理日期", "申请人", "被申请人", "纠纷类型", "调解结果"]
ROWS = [[1, date(2025, 3, 5), "李明", "孙红", "邻里纠纷", "调解成功"],
        [2, date(2025, 4, 2), "周强", "吴刚、郑丽", "合同纠纷", None]]


def xls(path: Path) -> Path:
    """As Excel 2003 / WPS save it: a merged title, then the table; a second month sheet."""
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    day = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    for name, rows in (("三月", ROWS[:1]), ("四月", ROWS[1:])):
        ws = wb.add_sheet(name)
        ws.write_merge(0, 0, 0, len(HEADER) - 1, "青石镇2025年矛盾纠纷调解台账")
        for c, h in enumerate(HEADER):
            ws.write(1, c, h)
        for r, row in enumerate(rows, start=2):
            for c, v in enumerate(row):
                if isinstance(v, date):
                    ws.write(r, c, v, day)
                elif v is not None:
                    ws.write(r, c, v)
    wb.save(str(path))
    return path


def ods(path: Path) -> Path:
    """A minimal LibreOffice Calc file: the mimetype, a manifest and content.xml."""
    def cell(v: object) -> str:
        if isinstance(v, date):
            return (f'<table:table-cell office:value-type="date" '
                    f'office:date-value="{v.isoformat()}"><text:p>{v}</text:p></table:table-cell>')
        if isinstance(v, int):
            return (f'<table:table-cell office:value-type="float" office:value="{v}">'
                    f"<text:p>{v}</text:p></table:table-cell>")
        if v is None:
            return "<table:table-cell/>"
        return (f'<table:table-cell office:value-type="string"><text:p>{escape(str(v))}'
                f"</text:p></table:table-cell>")

    rows = "".join("<table:table-row>" + "".join(cell(v) for v in r) + "</table:table-row>"
                   for r in [HEADER, *ROWS])
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        f'<office:body><office:spreadsheet><table:table table:name="台账">{rows}'
        "</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet")
        zf.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        zf.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def parties(svc: Services, report: object) -> list[list[tuple[str, str]]]:
    return [[(p.role, p.name) for p in svc.case_file(r.case_id).parties]
            for r in report.result.rows]  # type: ignore[attr-defined]


EXPECTED = [[("APPLICANT", "李明"), ("RESPONDENT", "孙红")],
            [("APPLICANT", "周强"), ("RESPONDENT", "吴刚"), ("RESPONDENT", "郑丽")]]


def test_old_excel_xls_all_sheets(svc: Services, tmp_path: Path) -> None:
    report = import_ledger(xls(tmp_path / "台账.xls"), svc)
    assert [p.table.sheet for p in report.plan.parts] == ["三月", "四月"]
    assert (report.plan.table.kind, report.imported, report.rejected) == ("xls", 2, [])
    assert parties(svc, report) == EXPECTED
    first = svc.case_file(report.result.rows[0].case_id).case
    assert (first.registered_on, first.state) == (date(2025, 3, 5), "AGREED")
    assert import_ledger(tmp_path / "台账.xls", svc).existing == 2


def test_libreoffice_ods(svc: Services, tmp_path: Path) -> None:
    report = import_ledger(ods(tmp_path / "台账.ods"), svc)
    assert (report.plan.table.kind, report.plan.table.sheet, report.imported) == ("ods", "台账", 2)
    assert parties(svc, report) == EXPECTED
    assert svc.case_file(report.result.rows[1].case_id).case.registered_on == date(2025, 4, 2)


def test_password_protected_workbook_says_so(svc: Services, tmp_path: Path) -> None:
    import msoffcrypto

    plain = tmp_path / "plain.xlsx"
    wb = xlsxwriter.Workbook(str(plain))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, HEADER)
    ws.write_row(1, 0, [1, "2025-03-05", "李明", "孙红", "邻里纠纷", "调解成功"])
    wb.close()
    locked = tmp_path / "加密台账.xlsx"
    with open(plain, "rb") as src, open(locked, "wb") as out:
        office = msoffcrypto.OfficeFile(src)
        office.encrypt("1234", out)
    with pytest.raises(ValidationError) as err:
        import_ledger(locked, svc)
    assert err.value.message == (
        f"{locked} 设置了打开密码，无法读取。请在 Excel 或 WPS 中用密码打开，在“文件 → 信息 → "
        "保护工作簿 → 用密码进行加密”（WPS：“文件 → 文档加密 → 密码加密”）中清空密码并保存，"
        "再导入。")


def test_wps_et_that_cannot_be_read_gets_a_clear_message(svc: Services,
                                                          tmp_path: Path) -> None:
    et = tmp_path / "台账.et"
    et.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    with pytest.raises(ValidationError) as err:
        import_ledger(et, svc)
    assert err.value.message.startswith(f"{et} 是 WPS 表格（.et）格式，无法直接读取（")
    assert err.value.message.endswith("）。请在 WPS 中打开，“另存为” Excel 工作簿（.xlsx）后再导入。")
