"""Cell values as township ledgers hold them (issue 16): prose keeps its punctuation, IDs
Excel turned into 3.30106E+17, organisation codes (GB 32100), 回访情况 without a date,
调解中, assumed agreement forms and the blank markers —, / and 无."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter

from mediator.core.enums import EventKind
from mediator.core.services import Services
from mediator.ledger.importer import import_ledger
from tests.ledger.ledgers import make_id

ORG_CODE = "91350100M000100Y43"   # passes GB 32100's check
HEADER = ["受理日期", "申请人", "身份证号", "被申请人", "被申请人身份证号", "被申请人电话",
          "纠纷类型", "纠纷简要情况", "调解员", "调解结果", "协议金额", "回访情况"]


def ledger(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("2025年")
    ws.write_row(0, 0, HEADER)
    text = wb.add_format({"num_format": "@"})
    rows = [
        ["2025-03-05", "李明", "3.30106E+17", "青石建材有限公司", ORG_CODE, "—",
         "合同纠纷", "双方因货款结算发生争执；经调解：分两期付清，不再追究。", "/", "调解成功",
         3000, "双方满意，已按期付款"],
        ["2025-04-01", "周强", make_id("19800101", "024"), "吴刚", "无", "13900001111",
         "邻里纠纷", "（噪音）夜间施工扰民！", "王调解", "调解中", None, None],
        ["2025-05-06", "孙红", "330106198001019999", "赵军", None, None,
         "邻里纠纷", "排水", "无", None, None, None],
    ]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is not None:
                ws.write_string(r, c, value, text) if isinstance(value, str) \
                    else ws.write_number(r, c, value)
    wb.close()
    return path


def test_values_as_ledgers_hold_them(svc: Services, tmp_path: Path) -> None:
    report = import_ledger(ledger(tmp_path / "台账.xlsx"), svc)
    assert (report.imported, report.rejected) == (3, [])
    rows = {r.row_no: r for r in report.result.rows}

    cf = svc.case_file(rows[2].case_id)
    c = cf.case
    assert c.facts == "双方因货款结算发生争执；经调解：分两期付清，不再追究。"
    li, org = cf.parties
    assert (li.name, li.id_number, li.org_code) == ("李明", None, None)
    assert (org.name, org.kind, org.org_code, org.phone) == (
        "青石建材有限公司", "ORGANISATION", ORG_CODE, None)
    assert c.import_flags == (
        "李明的证件号“3.30106E+17”已被Excel改成科学计数法，后几位已丢失，未录入（原文见导入记录），"
        "请核对原件后补录；未填协议形式，按书面协议导入；"
        "未填调解日期和结案日期，“调解成功”按受理日期2025-03-05导入")
    note = next(e for e in cf.events if e.kind == EventKind.IMPORT.name).body
    assert note.splitlines()[:2] == ["李明的证件号（原文）：3.30106E+17",
                                     "回访情况：双方满意，已按期付款"]
    assert c.mediator_id is None and report.result.new_mediators == ["王调解"]
    assert (c.state, c.amount_fen) == ("AGREED", 300000)

    c2 = svc.case_file(rows[3].case_id).case
    assert (c2.state, c2.facts) == ("MEDIATING", "（噪音）夜间施工扰民！")
    assert svc.case_file(rows[3].case_id).parties[1].id_number is None

    cf3 = svc.case_file(rows[4].case_id)
    assert cf3.case.mediator_id is None and cf3.case.state == "ACCEPTED"
    assert cf3.parties[0].id_number is None
    assert "孙红的身份证号“330106198001019999”有误" in cf3.case.import_flags
    assert [m.name for m in svc.mediators()] == ["王调解"]
    assert cf3.case.registered_on == date(2025, 5, 6)


def test_a_date_written_as_text_is_parsed_once_and_a_bad_one_fails_every_time() -> None:
    """Dates as text (a CSV's: all of them) are remembered by their text: the same day
    again is the same answer; a text that is no date raises each time (issue 16)."""
    from datetime import date

    import pytest

    from mediator.ledger.values import _date_of_text, parse_cell_date

    _date_of_text.cache_clear()
    assert parse_cell_date("2024年3月5日") == date(2024, 3, 5)
    assert parse_cell_date("2024年3月5日") == date(2024, 3, 5)
    assert parse_cell_date("2024-03-05 00:00:00") == date(2024, 3, 5)
    assert parse_cell_date("45356") == date(2024, 3, 5)  # an Excel serial as text
    assert _date_of_text.cache_info().hits == 1
    for _ in range(2):
        with pytest.raises(ValueError):
            parse_cell_date("2024年13月5日")
        with pytest.raises(ValueError):
            parse_cell_date("3月5日")  # no year: the caller takes it from the title
    assert parse_cell_date("—") is None
