"""Pure parts of the import: cell values, header recognition, the mapping file, and the
lifecycle path planned for each combination a ledger can record."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from pathlib import Path

import pytest

from mediator.core import rules
from mediator.core.enums import AgreementForm, CaseState, DisputeType
from mediator.core.enums import Outcome as CaseOutcome
from mediator.core.errors import ValidationError
from mediator.core.importing import ImportedCase, Performance, plan_lifecycle
from mediator.core.inputs import CaseInput, PartyInput
from mediator.ledger.headers import classify, detect_layout, norm_header, resolve_columns
from mediator.ledger.mapping import apply_mapping, load_mapping
from mediator.ledger.reader import Table, column_index, column_letter, decode_bytes
from mediator.ledger.values import (
    TypeMatcher,
    parse_agreement_form,
    parse_cell_date,
    parse_money,
    parse_performance,
    parse_result,
    parse_source,
    split_names,
    split_values,
    text_of,
)

TODAY = date(2026, 11, 23)


@pytest.mark.parametrize("value, expected", [
    (datetime(2026, 1, 5, 0, 0), date(2026, 1, 5)),
    (date(2026, 1, 5), date(2026, 1, 5)),
    (46027, date(2026, 1, 5)),            # Excel serial
    (46027.0, date(2026, 1, 5)),
    ("46027", date(2026, 1, 5)),          # serial stored as text (WPS)
    ("2026.1.5", date(2026, 1, 5)),
    ("2026.01.05.", date(2026, 1, 5)),
    ("2026/1/5", date(2026, 1, 5)),
    ("2026-01-05 00:00:00", date(2026, 1, 5)),
    ("2026年1月5日", date(2026, 1, 5)),
    ("2026 年 1 月 5 号", date(2026, 1, 5)),
    ("２０２６－０１－０５", date(2026, 1, 5)),  # full-width, from an IME
    (20260105, date(2026, 1, 5)),
    ("20260105", date(2026, 1, 5)),
    (None, None), ("", None), ("/", None), ("无", None),
])
def test_dates(value: object, expected: date | None) -> None:
    assert parse_cell_date(value) == expected


@pytest.mark.parametrize("value", ["2026-13-45", "今天", "+7", "1月5日", "2026年1月", 12, "abc"])
def test_not_dates(value: object) -> None:
    with pytest.raises(ValueError):
        parse_cell_date(value)


@pytest.mark.parametrize("label, expected, how", [
    ("邻里纠纷", DisputeType.NEIGHBOUR, "exact"),
    ("邻里", DisputeType.NEIGHBOUR, "exact"),
    ("02", DisputeType.NEIGHBOUR, "exact"),
    ("2", DisputeType.NEIGHBOUR, "exact"),
    ("02 邻里纠纷", DisputeType.NEIGHBOUR, "exact"),
    ("14-道路交通事故", DisputeType.TRAFFIC, "exact"),
    ("婚姻家庭纠纷", DisputeType.MARRIAGE_FAMILY, "exact"),
    ("赡养纠纷", DisputeType.MARRIAGE_FAMILY, "exact"),
    ("民间借贷纠纷", DisputeType.CONTRACT, "exact"),
    ("拖欠农民工工资", DisputeType.WAGE_ARREARS, "exact"),
    ("劳动争议", DisputeType.LABOUR, "exact"),
    ("交通事故", DisputeType.TRAFFIC, "exact"),
    ("物业纠纷", DisputeType.PROPERTY_MGMT, "exact"),
    ("其他纠纷", DisputeType.OTHER, "exact"),
    ("宅基地使用权纠纷", DisputeType.HOUSE_HOMESTEAD, "keyword"),
    ("家长里短", DisputeType.OTHER, "unknown"),
    ("", DisputeType.OTHER, "blank"),
])
def test_types(label: str, expected: DisputeType, how: str) -> None:
    found = TypeMatcher().match(label)
    assert (found.type, found.how) == (expected, how)


def test_type_synonyms_from_a_mapping() -> None:
    matcher = TypeMatcher({"家长里短": DisputeType.NEIGHBOUR})
    assert matcher.match("家长里短纠纷").type is DisputeType.NEIGHBOUR


@pytest.mark.parametrize("value, fen", [
    (3000, 300000), (3000.5, 300050), ("3,000元", 300000), ("三千元", 300000),
    ("1.5万元", 1500000), ("¥1,234.56", 123456), ("无", 0), (None, 0), ("", 0), ("0", 0),
])
def test_amounts(value: object, fen: int) -> None:
    assert parse_money(value) == fen


def test_amounts_in_wan_and_unreadable() -> None:
    assert parse_money(1.5, scale=10000) == 1500000
    assert parse_money("2", scale=10000) == 2000000
    assert parse_money("2万", scale=10000) == 2000000  # already says 万
    for bad in ("不详", "约三千", "-5"):
        with pytest.raises(ValueError):
            parse_money(bad)


@pytest.mark.parametrize("cell, names, persons", [
    ("张三、李四", ["张三", "李四"], 0),
    ("张三,李四", ["张三", "李四"], 0),
    ("张三，李四；王五", ["张三", "李四", "王五"], 0),
    ("张三 李四", ["张三", "李四"], 0),
    ("王　五", ["王五"], 0),             # padding that aligns a two-character name
    ("张三等5人", ["张三"], 5),
    ("张三、李四等十二人", ["张三", "李四"], 12),
    ("  ", [], 0),
])
def test_names(cell: str, names: list[str], persons: int) -> None:
    assert split_names(cell) == (names, persons)


def test_values_split_and_text() -> None:
    assert split_values("13800001111、13900002222") == ["13800001111", "13900002222"]
    assert split_values("13800001111 13900002222") == ["13800001111", "13900002222"]
    assert text_of(13812345678.0) == "13812345678"
    assert text_of(datetime(2026, 1, 5)) == "2026-01-05"


@pytest.mark.parametrize("text, outcome", [
    ("调解成功", CaseOutcome.AGREEMENT), ("成功", CaseOutcome.AGREEMENT),
    ("达成协议", CaseOutcome.AGREEMENT), ("已调结", CaseOutcome.AGREEMENT),
    ("是", CaseOutcome.AGREEMENT), ("调解不成功", CaseOutcome.FAILED),
    ("不成功", CaseOutcome.FAILED), ("未达成协议", CaseOutcome.FAILED),
    ("终止调解", CaseOutcome.FAILED), ("否", CaseOutcome.FAILED),
    ("申请人撤回", CaseOutcome.WITHDRAWN), ("移交法院", CaseOutcome.TRANSFERRED),
    ("不予受理", CaseOutcome.REFUSED), ("调解中", None), ("正在调解", None), ("", None),
])
def test_results(text: str, outcome: CaseOutcome | None) -> None:
    assert parse_result(text) is outcome


def test_forms_performance_sources() -> None:
    assert parse_agreement_form("书面协议") is AgreementForm.WRITTEN
    assert parse_agreement_form("口头") is AgreementForm.ORAL
    assert parse_performance("已履行完毕") is Performance.PERFORMED
    assert parse_performance("未履行") is Performance.UNPERFORMED
    assert parse_performance("未履行完") is Performance.PERFORMING
    assert parse_performance("部分履行") is Performance.PERFORMING
    assert parse_source("派出所移交").name == "POLICE"
    assert parse_source("网格员上报").name == "GRID"
    for parser, bad in ((parse_result, "再说"), (parse_agreement_form, "视频"),
                        (parse_performance, "待定"), (parse_source, "天上掉下来")):
        with pytest.raises(ValueError):
            parser(bad)


# --- headers ------------------------------------------------------------------------------


@pytest.mark.parametrize("header, field", [
    ("受理日期", "registered_on"), ("登记时间", "registered_on"), ("受理\n日期", "registered_on"),
    ("受理日期（年月日）", "registered_on"), ("*受理日期", "registered_on"),
    ("案件编号", "number"), ("卷号", "number"), ("村（居）", "village"), ("所在村", "village"),
    ("纠纷类别", "dispute_type"), ("简要情况", "facts"), ("纠纷简要情况及调解经过", "facts"),
    ("申请人", "applicant.name"), ("当事人", "applicant.name"), ("申请人姓名", "applicant.name"),
    ("被申请人", "respondent.name"), ("对方当事人", "respondent.name"),
    ("申请人身份证号", "applicant.id_number"), ("被申请人联系电话", "respondent.phone"),
    ("联系电话（被申请人）", "respondent.phone"), ("协议金额(元)", "amount"),
    ("涉及金额（万元）", "amount"), ("回访人", "follow_up_by"), ("结案日期", "closed_on"),
])
def test_header_words(header: str, field: str) -> None:
    hit = classify(norm_header(header))
    assert hit is not None and hit.kind == "field" and hit.name == field


def test_bare_party_details_follow_the_last_party_column() -> None:
    cols = resolve_columns([["申请人", "身份证号", "电话", "被申请人", "身份证号", "电话",
                             "姓名", "电话", "序号", "奇怪的列", "受理日期", "登记日期"]], 12)
    assert [c.field for c in cols] == [
        "applicant.name", "applicant.id_number", "applicant.phone", "respondent.name",
        "respondent.id_number", "respondent.phone", "third_party.name", "third_party.phone",
        None, None, "registered_on", None]
    assert [c.how for c in cols[8:]] == ["ignored", "unknown", "auto", "duplicate"]


def test_title_rows_and_two_row_csv_header() -> None:
    rows = [
        ["某某镇2025年矛盾纠纷台账", None, None, None, None, None],
        ["填报单位：某某镇司法所", None, None, None, None, "单位：元"],
        ["受理日期", "申请人", None, None, "被申请人", "涉及金额（万元）"],
        [None, "姓名", "身份证号", "电话", None, None],
        ["2025-01-05", "张三", None, "13800001111", "李四", 1.2],
    ]
    layout = detect_layout(Table(rows=rows, kind="csv"))
    assert (layout.header_start, layout.header_rows, layout.data_start) == (2, 2, 4)
    assert [c.field for c in layout.columns] == [
        "registered_on", "applicant.name", "applicant.id_number", "applicant.phone",
        "respondent.name", "amount"]
    assert layout.columns[5].scale == 10000
    assert layout.columns[2].header == "申请人/身份证号"


def test_no_header_found() -> None:
    with pytest.raises(ValidationError, match="表头"):
        detect_layout(Table(rows=[["a", "b"], ["1", "2"]], kind="csv"))


def test_columns_letters() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 701)] == ["A", "Z", "AA", "AB", "ZZ"]
    assert [column_index(x) for x in ("A", "Z", "AA", "ZZ")] == [0, 25, 26, 701]


def test_decode() -> None:
    text = "受理日期,申请人\n"
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")
    assert decode_bytes(text.encode("utf-8")) == (text, "utf-8")
    assert decode_bytes(text.encode("utf-8-sig")) == (text, "utf-8-sig")


# --- mapping ------------------------------------------------------------------------------


def test_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "映射.toml"
    path.write_text('header_row = 2\nsheet = "2025年"\n[columns]\n"经办" = "mediator"\n'
                    '"D" = "申请人联系电话"\n"旧编号" = "ignore"\n"不存在的列" = "note"\n'
                    '[types]\n"家长里短" = "02"\n"土地承包经营" = "FOREST_LAND"\n',
                    encoding="utf-8")
    mapping = load_mapping(path)
    assert (mapping.header_row, mapping.sheet) == (2, "2025年")
    assert mapping.columns == {"经办": "mediator", "D": "applicant.phone", "旧编号": "ignore",
                               "不存在的列": "note"}
    assert mapping.types == {"家长里短": DisputeType.NEIGHBOUR,
                             "土地承包经营": DisputeType.FOREST_LAND}
    cols = resolve_columns([["受理日期", "申请人", "经办", "手机号码?", "旧编号", "调解员"]], 6)
    unmatched = apply_mapping(cols, mapping)
    assert unmatched == ["不存在的列"]
    assert [(c.field, c.how) for c in cols] == [
        ("registered_on", "auto"), ("applicant.name", "auto"), ("mediator", "mapping"),
        ("applicant.phone", "mapping"), (None, "ignored"), (None, "duplicate")]


@pytest.mark.parametrize("content, message", [
    ('[columns]\n"经办" = "nonsense"\n', "nonsense"),
    ('[types]\n"x" = "火星纠纷"\n', "火星纠纷"),
    ("header_rows = 4\n", "header_rows"),
    ("colums = 1\n", "colums"),
    ("[columns\n", "格式错误"),
])
def test_bad_mapping_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "m.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValidationError, match=message):
        load_mapping(path)


# --- lifecycle ----------------------------------------------------------------------------


def _row(**kw: object) -> ImportedCase:
    case = CaseInput(parties=[PartyInput("甲")], dispute_type=DisputeType.OTHER,
                     registered_on=date(2026, 3, 1), facts="x")
    return ImportedCase(row_no=2, case=case, **kw)  # type: ignore[arg-type]


OUTCOMES = [None, *CaseOutcome]
PERFORMANCES = [None, *Performance]
DATES = [None, date(2026, 3, 5), date(2026, 2, 1), date(2027, 1, 1)]  # ok, too early, future


@pytest.mark.parametrize("outcome, performance", itertools.product(OUTCOMES, PERFORMANCES))
def test_every_combination_is_a_legal_path(outcome: CaseOutcome | None,
                                           performance: Performance | None) -> None:
    for mediated, closed, follow_up in itertools.product(DATES, DATES, DATES):
        plan = plan_lifecycle(_row(outcome=outcome, performance=performance, mediated_on=mediated,
                                   closed_on=closed, follow_up_on=follow_up), TODAY)
        state, last = CaseState.REGISTERED, date(2026, 3, 1)
        for step in plan.steps:
            state = rules.next_state(state, step.action)  # raises if illegal
            assert last <= step.on <= TODAY
            last = step.on
        closed_ok = closed is not None and closed <= TODAY
        if closed_ok and not (outcome is CaseOutcome.AGREEMENT and performance is Performance.PERFORMING) \
                and not (outcome is None and performance is Performance.PERFORMING):
            assert state is CaseState.ARCHIVED
        used = (closed,) if outcome is CaseOutcome.REFUSED else (mediated, closed, follow_up)
        if any(d is not None and d > TODAY for d in used):
            assert any("晚于今天" in f for f in plan.flags)


@pytest.mark.parametrize("kw, final", [
    ({}, CaseState.ACCEPTED),
    ({"mediated_on": date(2026, 3, 4)}, CaseState.MEDIATING),
    ({"outcome": CaseOutcome.AGREEMENT}, CaseState.AGREED),
    ({"outcome": CaseOutcome.AGREEMENT, "performance": Performance.PERFORMED}, CaseState.PERFORMED),
    ({"outcome": CaseOutcome.AGREEMENT, "performance": Performance.UNPERFORMED}, CaseState.UNPERFORMED),
    ({"outcome": CaseOutcome.AGREEMENT, "closed_on": date(2026, 4, 1)}, CaseState.ARCHIVED),
    ({"outcome": CaseOutcome.AGREEMENT, "performance": Performance.UNPERFORMED,
      "closed_on": date(2026, 4, 1)}, CaseState.ARCHIVED),
    ({"outcome": CaseOutcome.FAILED}, CaseState.TERMINATED),
    ({"outcome": CaseOutcome.WITHDRAWN}, CaseState.WITHDRAWN),
    ({"outcome": CaseOutcome.TRANSFERRED}, CaseState.TRANSFERRED),
    ({"outcome": CaseOutcome.REFUSED}, CaseState.REFUSED),
    ({"closed_on": date(2026, 4, 1)}, CaseState.ARCHIVED),
])
def test_final_states(kw: dict[str, object], final: CaseState) -> None:
    state = CaseState.REGISTERED
    for step in plan_lifecycle(_row(**kw), TODAY).steps:
        state = rules.next_state(state, step.action)
    assert state is final


def test_dates_that_run_backwards_are_clamped_and_flagged() -> None:
    plan = plan_lifecycle(_row(outcome=CaseOutcome.FAILED, mediated_on=date(2026, 2, 1),
                               closed_on=date(2027, 2, 1)), TODAY)
    assert [(s.action.name, s.on) for s in plan.steps] == [
        ("ACCEPT", date(2026, 3, 1)), ("TERMINATE", date(2026, 3, 1))]
    assert len(plan.flags) == 2
