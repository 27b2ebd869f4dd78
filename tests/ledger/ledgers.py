"""Realistic ledgers (台账) written by the tests themselves, the way offices keep them.

A  standard .xlsx: one header row, full column set, case numbers, every outcome
B  .xlsx with a merged title row and a merged two-row header, other wordings and order,
   no case numbers (the dedup key is date + parties + type), a village merged down two rows
C  WPS-style .xlsx: sheet 'Sheet1', dates as text '2026.1.5' and as bare Excel serials,
   numbers stored as text, an ID typed into a number cell, amounts like '3,000元'/'三千元'
D  a GBK .csv as Excel on a Chinese Windows saves it

Each builder returns the file path; the module constants hold what the tests expect.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook

from mediator.core.validate import resident_id_check_char


def make_id(birth: str, seq: str, area: str = "330106") -> str:
    """A valid 18-character ID: odd ``seq`` last digit = male."""
    first17 = area + birth + seq
    return first17 + resident_id_check_char(first17)


def bad_check(idno: str) -> str:
    """The same ID with a wrong check character."""
    wrong = "0" if idno[-1] != "0" else "1"
    return idno[:-1] + wrong


def serial(d: date) -> int:
    return (d - date(1899, 12, 30)).days


ZHANG_ID = make_id("19700315", "123")   # male, 1970-03-15
WANG_ID = make_id("19851201", "045")    # 045: 4 even -> female? the 17th digit is 5 -> male
ZHAO_ID = make_id("19900620", "082")    # 17th digit 2 -> female
WU_BAD_ID = bad_check(make_id("19750101", "011"))

# --- A ------------------------------------------------------------------------------------

A_HEADER = ["案件编号", "受理日期", "申请人", "性别", "身份证号", "联系电话", "住址", "被申请人",
            "被申请人联系电话", "村(居)", "纠纷类型", "纠纷简要情况", "调解员", "调解日期",
            "调解结果", "协议形式", "协议金额", "履行情况", "回访日期", "回访人", "结案日期", "备注"]

A_ROWS = [
    ["2026-001", datetime(2026, 1, 5), "张三", "男", ZHANG_ID, "13812345678", "青石村3组12号",
     "李四", "13900001111", "青石村", "邻里纠纷", "两家因排水沟堵塞发生争吵", "王调解",
     datetime(2026, 1, 8), "调解成功", "书面", 3000, "已履行", datetime(2026, 2, 1), "赵回访",
     datetime(2026, 2, 10), "双方握手言和"],
    ["2026-002", datetime(2026, 3, 2), "王五、赵六", "男、女", f"{WANG_ID}、{ZHAO_ID}",
     "13700002222、13600003333", None, "青石建材有限公司", None, "白水村", "合同纠纷",
     "货款结算争议", "陈调解", datetime(2026, 3, 10), "调解不成功", None, None, None, None,
     None, datetime(2026, 3, 15), None],
    ["2026-003", datetime(2026, 11, 1), "孙七", "女", None, "0571-88886666", "青石村8组",
     "周八", None, "青石村委会", "宅基地使用权纠纷", "建房越界", "王调解",
     datetime(2026, 11, 10), None, None, None, None, None, None, None, None],
    ["2026-004", datetime(2026, 10, 20), "吴九", "男", WU_BAD_ID, "1381234567", None, "郑十",
     None, None, "奇怪的纠纷", "饲养的狗咬伤邻居", "王调解", datetime(2026, 10, 25),
     "调解成功", "口头", "三千元", "履行中", None, None, None, None],
    ["2026-005", datetime(2026, 6, 1), "冯一", None, None, None, None, "陈二", None, None,
     "婚姻家庭纠纷", "赡养费争议", None, None, "撤回", None, None, None, None, None,
     datetime(2026, 6, 5), None],
    ["2026-006", datetime(2026, 9, 1), "褚三", None, None, None, None, "卫四", None, None,
     "邻里", "借款不还引发争吵", "王调解", datetime(2026, 9, 3), "调解成功", "书面",
     "1.5万元", "未履行", datetime(2026, 10, 1), None, None, None],
    # rows that cannot be imported
    ["2026-007", None, "蒋五", None, None, None, None, "沈六", None, None, "邻里纠纷", "无日期",
     None, None, None, None, None, None, None, None, None, None],
    ["2026-008", datetime(2026, 7, 7), None, None, None, None, None, "韩七", None, None,
     "邻里纠纷", "无申请人", None, None, None, None, None, None, None, None, None, None],
    ["2026-009", "2026-13-45", "杨八", None, None, None, None, None, None, None, "邻里纠纷",
     "日期写错", None, None, None, None, None, None, None, None, None, None],
]
A_REJECTED = {8: "缺少受理日期", 9: "缺少申请人", 10: "2026-13-45"}
A_LATER_ROWS = [
    ["2026-010", datetime(2026, 11, 2), "朱九", None, None, "13512345678", None, "秦十", None,
     "青石村", "物业纠纷", "物业费", "王调解", None, None, None, None, None, None, None, None,
     None],
    ["2026-011", datetime(2026, 11, 3), "尤一", None, None, None, None, "许二", None, None,
     "交通事故", "电动车碰擦", "王调解", datetime(2026, 11, 4), "调解成功", "书面", "800元",
     "已履行", None, None, datetime(2026, 11, 20), None],
]


def ledger_a(path: Path, later: bool = False) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "2026年"
    ws.append(A_HEADER)
    for row in A_ROWS + (A_LATER_ROWS if later else []):
        ws.append(row)
    ws.append(["合计", None, None, None, None, None, None, None, None, None, None, None, None,
               None, None, None, 21800])
    other = wb.create_sheet("说明")
    other.append(["本表由综治中心填写"])
    wb.save(path)
    return path


# --- B ------------------------------------------------------------------------------------

B_TITLE = "青石镇人民调解委员会矛盾纠纷排查调处台账（2025年度）"
B_TOP = ["序号", "登记日期", "申请人", None, None, None, "被申请人", None, "所在村", "纠纷类别",
         "简要情况", "调解情况", None, None, "结案时间"]
B_BOTTOM = [None, None, "姓名", "民族", "年龄", "身份证号码", "姓名", "手机", None, None, None,
            "调解人", "调解日期", "调解结果", None]
B_ROWS = [
    [1, date(2025, 3, 4), "钱小明", "汉", 40, make_id("19850506", "031"), "孙大强", "13811112222",
     "青石村", "山林土地", "承包地边界不清", "王调解", date(2025, 3, 6), "达成协议",
     date(2025, 3, 30)],
    [2, date(2025, 4, 1), "李红", "畲族", 36, None, "周明、吴刚", "13822223333、13833334444",
     None, "劳动争议", "工资结算", "王调解", date(2025, 4, 9), "调解不成", date(2025, 4, 10)],
    [3, date(2025, 5, 20), "赵大妈", "汉", 68, None, "赵小军", None, "白水村", "婚姻家庭",
     "赡养问题", "李调解", None, None, None],
]


def ledger_b(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append([B_TITLE] + [None] * 14)
    ws.append(B_TOP)
    ws.append(B_BOTTOM)
    for row in B_ROWS:
        ws.append(row)
    ws.merge_cells("A1:O1")
    for col in ("A", "B", "I", "J", "K", "O"):
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("C2:F2")
    ws.merge_cells("G2:H2")
    ws.merge_cells("L2:N2")
    ws.merge_cells("I4:I5")  # 青石村 written once for rows 4 and 5
    wb.save(path)
    return path


# --- C (WPS) ------------------------------------------------------------------------------

C_HEADER = ["受理日期", "纠纷类型", "申请人", "申请人身份证号", "申请人电话", "被申请人",
            "涉及金额", "调解结果", "结案日期", "档案盒号"]
C_ROWS = [
    ["2026.1.5", "02", "张三", ZHANG_ID, "13812345678", "李四", "3,000元", "成功",
     serial(date(2026, 1, 20)), "A-01"],
    [serial(date(2026, 1, 9)), "土地承包纠纷", "王五", make_id("19600101", "011"), 13700002222,
     "赵六", "三千元", "调解成功", "2026年2月3日", "A-02"],
    ["2026年2月3日", "家长里短", "孙七", 330106198001010011.0, "13600003333", "周八", "5000",
     "不成功", "2026/3/4", None],
    ["2026/3/4", "邻里纠纷", "吴九", None, None, "郑十", "不详", None, None, "A-04"],
]


def ledger_c(path: Path) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws.append(C_HEADER)
    for row in C_ROWS:
        ws.append(row)
    wb.save(path)
    _wps_dimension(path)
    return path


def _wps_dimension(path: Path) -> None:
    """Some WPS saves declare the used range as A1 only; a reader that trusts it sees one
    row. Rewrite the sheet's <dimension> the way those files have it."""
    import re
    import zipfile

    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info.filename)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', data)
            zout.writestr(info, data)


# --- D (GBK CSV) --------------------------------------------------------------------------

D_HEADER = ["卷号", "受理时间", "当事人", "对方当事人", "纠纷类型", "纠纷简要情况", "调解结果",
            "协议金额", "结案日期", "备注"]
D_ROWS = [
    ["(2025)青石人调字第101号", "2025/11/5", "张三、李四", "王　五", "损害赔偿纠纷", "鸡鸭啄食庄稼",
     "调解成功", "1,200", "2025/11/20", "已送达"],
    ["(2025)青石人调字第102号", "2025/12/1", "钱一 孙二", "周三", "邻里纠纷", "噪音扰民", "调解中",
     "", "", ""],
    ["(2025)青石人调字第103号", "", "吴四", "郑五", "邻里纠纷", "没有日期", "", "", "", ""],
]


def ledger_d(path: Path, encoding: str = "gbk") -> Path:
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(D_HEADER)
        writer.writerows(D_ROWS)
    return path
