"""Ledgers laid out as offices print them (issue 16): a title and a subtitle above the table,
headers of two and three rows with merged parent cells, a 合计 row and the 填表人/审核人 footer
under it. Built with xlsxwriter, merges and all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter

from mediator.core.services import Services
from mediator.ledger.importer import import_ledger
from tests.ledger.ledgers import make_id

LI_ID = make_id("19700315", "123")
SUN_ID = make_id("19800101", "024")


def three_row_ledger(path: Path) -> Path:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("2025年")
    day = wb.add_format({"num_format": "yyyy\"年\"m\"月\"d\"日\""})
    ws.merge_range("A1:L1", "青石镇2025年矛盾纠纷排查调处台账")
    ws.merge_range("A2:L2", "填报单位（盖章）：青石镇人民调解委员会")
    for col, label in ((0, "序号"), (1, "受理日期"), (10, "纠纷类型"), (11, "调解结果")):
        ws.merge_range(2, col, 4, col, label)
    ws.merge_range("C3:J3", "当事人")
    ws.merge_range("C4:F4", "申请人")
    ws.merge_range("G4:J4", "被申请人")
    ws.write_row(4, 2, ["姓名", "身份证号", "联系电话", "住址"] * 2)
    rows = [
        [1, date(2025, 3, 5), "李明", LI_ID, "13812345678", "青石村3组", "孙红", SUN_ID,
         "13900001111", "白水村1组", "邻里纠纷", "调解成功"],
        [2, date(2025, 4, 2), "周强", None, "13700002222", "青石村5组", "吴刚、郑丽", None,
         None, None, "合同纠纷", "调解不成功"],
        [3, date(2025, 6, 9), "王芳", None, None, None, "赵军", None, "13600003333", None,
         "婚姻家庭纠纷", None],
    ]
    for r, row in enumerate(rows, start=5):
        for c, value in enumerate(row):
            if isinstance(value, date):
                ws.write_datetime(r, c, value, day)
            elif value is not None:
                ws.write(r, c, value)
    ws.write_row(8, 0, ["合计", None, "3件"])
    ws.write(9, 0, "填表人：王调解")
    ws.write(9, 4, "审核人：李主任")
    ws.write(9, 8, "填报日期：2026年1月5日")
    wb.close()
    return path


def test_three_row_header_with_merged_parents_and_footer(svc: Services, tmp_path: Path) -> None:
    report = import_ledger(three_row_ledger(tmp_path / "台账.xlsx"), svc)
    layout = report.plan.layout
    assert (layout.header_start, layout.header_rows) == (2, 3)
    assert [c.field for c in layout.columns] == [
        None, "registered_on", "applicant.name", "applicant.id_number", "applicant.phone",
        "applicant.address", "respondent.name", "respondent.id_number", "respondent.phone",
        "respondent.address", "dispute_type", "result"]
    assert (report.imported, report.rejected) == (3, [])
    assert report.plan.skipped == {"summary": 2}
    rows = {r.row_no: r for r in report.result.rows}
    cf = svc.case_file(rows[6].case_id)
    assert [(p.role, p.name, p.id_number, p.phone, p.address) for p in cf.parties] == [
        ("APPLICANT", "李明", LI_ID, "13812345678", "青石村3组"),
        ("RESPONDENT", "孙红", SUN_ID, "13900001111", "白水村1组")]
    cf = svc.case_file(rows[7].case_id)
    assert [(p.role, p.name) for p in cf.parties] == [
        ("APPLICANT", "周强"), ("RESPONDENT", "吴刚"), ("RESPONDENT", "郑丽")]
    assert cf.case.persons_involved == 3
    cf = svc.case_file(rows[8].case_id)
    assert [(p.role, p.name, p.phone) for p in cf.parties] == [
        ("APPLICANT", "王芳", None), ("RESPONDENT", "赵军", "13600003333")]


def test_two_row_header_party_over_applicant_and_respondent(svc: Services,
                                                            tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.merge_range("A1:A2", "受理日期")
    ws.merge_range("B1:C1", "当事人")
    ws.write_row(1, 1, ["申请人", "被申请人"])
    ws.merge_range("D1:D2", "纠纷类型")
    ws.merge_range("E1:E2", "涉及人数")
    ws.write_row(2, 0, ["2025-05-06", "李明", "孙红、孙兵", "邻里纠纷", 3])
    wb.close()
    report = import_ledger(path, svc)
    assert [c.header for c in report.plan.layout.columns] == [
        "受理日期", "当事人/申请人", "当事人/被申请人", "纠纷类型", "涉及人数"]
    assert [c.field for c in report.plan.layout.columns] == [
        "registered_on", "applicant.name", "respondent.name", "dispute_type", "persons"]
    cf = svc.case_file(report.result.rows[0].case_id)
    assert [(p.role, p.name) for p in cf.parties] == [
        ("APPLICANT", "李明"), ("RESPONDENT", "孙红"), ("RESPONDENT", "孙兵")]
    assert cf.case.persons_involved == 3 and cf.case.import_flags is None


def month_ledger(path: Path, title: str | None, sheet: str = "Sheet1") -> Path:
    """A month sheet: dates without the year, one case written over two merged rows."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet(sheet)
    top = 0
    if title:
        ws.merge_range("A1:H1", title)
        top = 1
    ws.write_row(top, 0, ["序号", "受理日期", "申请人", "被申请人", "纠纷类型", "纠纷简要情况",
                          "调解日期", "协议金额"])
    r = top + 1
    ws.write_row(r, 0, [1, "3月5日", "李明", "孙红", "邻里纠纷", "排水沟", "3月8日", None])
    # case 2 over two rows: number, date, applicant, type and amount merged down
    for col, value in ((0, 2), (1, "3月12日"), (2, "周强"), (4, "损害赔偿纠纷"), (7, 5000)):
        ws.merge_range(r + 1, col, r + 2, col, value)
    ws.write_row(r + 1, 5, ["鸡鸭毁坏菜地，"])
    ws.write(r + 1, 3, "吴刚")
    ws.write(r + 2, 3, "郑丽")
    ws.write(r + 2, 5, "双方各执一词")
    ws.write(r + 1, 6, "12月1日")  # the year after? no: after the date, the same year
    wb.close()
    return path


def test_year_from_the_title_and_a_case_over_two_merged_rows(svc: Services,
                                                             tmp_path: Path) -> None:
    path = month_ledger(tmp_path / "台账.xlsx", "青石镇2025年3月矛盾纠纷调解台账")
    report = import_ledger(path, svc)
    assert (report.imported, report.rejected, len(report.plan.rows)) == (2, [], 2)
    rows = {r.row_no: r for r in report.result.rows}
    one = svc.case_file(rows[3].case_id)
    assert (one.case.registered_on, one.case.state, one.case.import_flags) == (
        date(2025, 3, 5), "MEDIATING", None)
    two = svc.case_file(rows[4].case_id)
    assert (two.case.registered_on, two.case.amount_fen) == (date(2025, 3, 12), 500000)
    assert [(p.role, p.name) for p in two.parties] == [
        ("APPLICANT", "周强"), ("RESPONDENT", "吴刚"), ("RESPONDENT", "郑丽")]
    assert two.case.facts == "鸡鸭毁坏菜地，\n双方各执一词"


def test_year_from_the_file_name_is_flagged_and_no_year_is_rejected(svc: Services,
                                                                   tmp_path: Path) -> None:
    report = import_ledger(month_ledger(tmp_path / "台账2024.xlsx", None), svc)
    assert report.imported == 2
    flags = {r.row_no: r.flags for r in report.result.rows}
    assert flags[2] == ("受理日期“3月5日”没有年份，按文件名中的2024年导入，请核对",)
    assert svc.case_file(report.result.rows[0].case_id).case.registered_on == date(2024, 3, 5)

    sheet = import_ledger(month_ledger(tmp_path / "台账.xlsx", None, sheet="2023年3月"), svc)
    assert sheet.imported == 2 and sheet.flagged == []

    none = import_ledger(month_ledger(tmp_path / "三月台账.xlsx", None), svc)
    assert none.imported == 0
    assert none.rejected == [
        (2, "受理日期“3月5日”没有年份，标题、工作表名和文件名中也找不到年份，请补上年份"),
        (3, "受理日期“3月12日”没有年份，标题、工作表名和文件名中也找不到年份，请补上年份")]


def test_hidden_columns_are_read(svc: Services, tmp_path: Path) -> None:
    path = tmp_path / "台账.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["受理日期", "申请人", "身份证号", "被申请人", "纠纷类型"])
    ws.write_row(1, 0, ["2025-05-06", "李明", LI_ID, "孙红", "邻里纠纷"])
    ws.set_column(2, 2, None, None, {"hidden": True})  # IDs hidden from view, still there
    wb.close()
    report = import_ledger(path, svc)
    assert report.plan.layout.columns[2].field == "applicant.id_number"
    assert svc.case_file(report.result.rows[0].case_id).parties[0].id_number == LI_ID
