"""The 台账 carries the 排查 rounds as their own sheet and the structured 回访 record in the case
lines (issue 24, point 6), checked against a month counted by hand."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from mediator.core.enums import (
    Disposition,
    DisputeType,
    FollowUpMethod,
    FollowUpResult,
    Satisfaction,
    ScreeningLevel,
)
from mediator.core.screening import ItemInput, RoundInput, Screening
from mediator.i18n import set_language
from mediator.reports import render
from mediator.reports.build import ReportRequest, build
from mediator.reports.periods import month_period

EAST, WEST = "330106001001", "330106001002"
NOV = month_period(2026, 11)


@pytest.fixture
def month(svc, make_case):  # type: ignore[no-untyped-def]
    """November 2026 of 青石镇:

    11-03 东村 nil; 10-28 东村 nil (outside the month)
    11-05 西村 by 赵主任: 3 found (当场化解 2 人, 预防 3 人, 转立案 1 人 -> a case)
    11-10 乡镇 征地拆迁: 1 found (持续关注, 4 人)
    11-22 专项 at 青石中学, 敏感期, 校园周边: 2 found, not yet disposed (0 人)
    the case of 11-13 (张三 v 李四): visited 11-16 with a full record, 11-20 with none
    """
    set_language("zh_CN")
    svc.add_village(EAST, "东村")
    svc.add_village(WEST, "西村")
    scr = Screening(svc)
    scr.add_nil_round(EAST, date(2026, 10, 28))
    scr.add_nil_round(EAST, date(2026, 11, 3))
    west = scr.add_round(RoundInput(village_code=WEST, held_on=date(2026, 11, 5),
                                    screened_by="赵主任"))
    items = [scr.add_item(west.id, ItemInput(DisputeType.NEIGHBOUR, f"西村事项{i}",
                                             persons_involved=n)) for i, n in enumerate((2, 3, 1))]
    scr.dispose_item(items[0].id, Disposition.RESOLVED, on=date(2026, 11, 5))
    scr.dispose_item(items[1].id, Disposition.PREVENTED, "约谈", on=date(2026, 11, 6))
    scr.item_to_case(items[2].id, "王五", on=date(2026, 11, 7))
    town = scr.add_round(RoundInput(level=ScreeningLevel.TOWNSHIP, held_on=date(2026, 11, 10),
                                    focus="征地拆迁"))
    north = scr.add_item(town.id, ItemInput(DisputeType.LAND_ACQUISITION, "补偿款分配",
                                            village_code=EAST, persons_involved=4))
    scr.dispose_item(north.id, Disposition.WATCHING, on=date(2026, 11, 10))
    school = scr.add_round(RoundInput(level=ScreeningLevel.SPECIAL, unit="青石中学",
                                      held_on=date(2026, 11, 22), sensitive=True,
                                      focus="校园周边"))
    for summary in ("学生家长争执", "小卖部占道"):
        scr.add_item(school.id, ItemInput(DisputeType.OTHER, summary))
    case = make_case(days_ago=10)
    svc.accept_case(case.id, on=date(2026, 11, 13))
    svc.schedule_follow_up(case.id, date(2026, 11, 16))
    svc.schedule_follow_up(case.id, date(2026, 11, 20))
    first, second = sorted(svc.case_file(case.id).follow_ups, key=lambda f: f.due_on)
    svc.complete_follow_up(first.id, FollowUpResult.SATISFIED, FollowUpMethod.VISIT, "",
                           date(2026, 11, 16), performance="张三已收到赔偿，电话13812345678",
                           satisfaction=Satisfaction.BASIC, new_signs="李四仍有怨气",
                           measures="村调委会每周走访")
    svc.complete_follow_up(second.id, FollowUpResult.SATISFIED, FollowUpMethod.PHONE, "",
                           date(2026, 11, 20))
    svc.case_no = case.case_no
    return svc


def _ledger(svc, masked: bool):  # type: ignore[no-untyped-def]
    return build(svc.db, ReportRequest("ledger", NOV, masked=masked), date(2026, 11, 23))


def test_the_ledger_lists_the_rounds_of_the_month_with_their_items_by_disposition(month) -> None:  # type: ignore[no-untyped-def]
    report = _ledger(month, masked=False)
    cases, rounds = report.tables
    assert rounds.key == "ledger_screening" and rounds.title == "矛盾纠纷排查台账"
    assert [c.label for c in rounds.columns] == [
        "序号", "排查日期", "层级", "村(社区)/单位", "排查人", "排查重点", "零报告", "发现(件)",
        "涉及人数", "当场化解", "预防", "转立案", "移交", "持续关注", "待处置"]
    assert rounds.rows == [
        [1, date(2026, 11, 3), "村(居)排查", "东村", "王调解", "", "是", 0, 0, 0, 0, 0, 0, 0, 0],
        [2, date(2026, 11, 5), "村(居)排查", "西村", "赵主任", "", "否", 3, 6, 1, 1, 1, 0, 0, 0],
        [3, date(2026, 11, 10), "乡镇排查", None, "王调解", "征地拆迁", "否", 1, 4,
         0, 0, 0, 0, 1, 0],
        [4, date(2026, 11, 22), "专项排查", "青石中学", "王调解", "校园周边；敏感期", "否", 2, 0,
         0, 0, 0, 0, 0, 2],
    ]
    assert report.narrative[1] == "本期排查4次（其中零报告1次），发现矛盾纠纷或隐患6件。"
    assert report.figures is not None and report.figures["screening_rounds"] == 4


def test_the_case_lines_carry_the_structured_follow_up_record(month) -> None:  # type: ignore[no-untyped-def]
    report = _ledger(month, masked=False)
    cases = report.tables[0]
    keys = [c.key for c in cases.columns]
    at = keys.index("followups")
    assert keys[at:at + 6] == ["followups", "visit_on", "performance", "satisfaction",
                               "new_signs", "visit_measures"]
    assert [c.label for c in cases.columns[at + 1:at + 6]] == [
        "回访日期", "履行情况", "满意度", "新苗头/隐患", "回访措施"]
    (line,) = [r for r in cases.rows if r[1] == month.case_no]
    assert line[at:at + 6] == [2, "2026-11-16\n2026-11-20", "张三已收到赔偿，电话13812345678\n—",
                               "基本满意\n—", "李四仍有怨气\n—", "村调委会每周走访\n—"]
    # the case opened from the 排查 item: no visit, no record
    (other,) = [r for r in cases.rows if r[1] != month.case_no]
    assert other[at:at + 6] == [0, None, None, None, None, None]


def test_the_masked_ledger_masks_names_and_numbers_in_the_follow_up_record(month) -> None:  # type: ignore[no-untyped-def]
    cases = _ledger(month, masked=True).tables[0]
    at = [c.key for c in cases.columns].index("performance")
    (line,) = [r for r in cases.rows if r[1] == month.case_no]
    assert line[at] == "张某已收到赔偿，电话138****5678\n—"
    assert line[at + 2] == "李某仍有怨气\n—"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_round_sheet_is_written_in_every_ledger_format(month, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    path = render.write(_ledger(month, masked=True), fmt, folder=tmp_path)
    if fmt == "xlsx":
        from openpyxl import load_workbook

        wb = load_workbook(path)
        assert wb.sheetnames[1] == "矛盾纠纷排查台账"
        ws = wb["矛盾纠纷排查台账"]
        values = [[c.value for c in row] for row in ws.iter_rows()]
        header = values.index(["序号", "排查日期", "层级", "村(社区)/单位", "排查人", "排查重点",
                               "零报告", "发现(件)", "涉及人数", "当场化解", "预防", "转立案",
                               "移交", "持续关注", "待处置"])
        assert values[header + 2][:9] == [2, datetime(2026, 11, 5), "村(居)排查", "西村", "赵主任", "",
                                          "否", 3, 6]
        # a list like the case sheet: its header carries a filter over the four rounds
        assert ws.auto_filter.ref == f"A{header + 1}:O{header + 5}"
    else:
        content = path.read_text(encoding="utf-8-sig")
        assert "\n2,2026-11-05,村(居)排查,西村,赵主任,,否,3,6,1,1,1,0,0,0\n" in content
