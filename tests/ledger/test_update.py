"""``mediator import ledger --update``: a later version of a ledger, with results filled in
since, applied to the cases it brought in — through the lifecycle rules, dated as the ledger
dates it, audited as a correction; changes the rules do not allow listed with the reason and
not applied (issue 16)."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from mediator.cli import main
from mediator.core import audit
from mediator.core.services import Services
from mediator.ledger.importer import import_ledger
from tests.ledger.test_identity import numbered, write_xlsx

HEADER = ["序号", "受理日期", "申请人", "申请人联系电话", "被申请人", "纠纷类型", "纠纷简要情况",
          "涉及金额", "调解结果", "结案日期"]
V1 = [
    [date(2026, 3, 2), "张三", "13800000001", "李四", "邻里纠纷", "排水沟堵塞", None, None, None],
    [date(2026, 3, 9), "王五", None, "赵六", "合同纠纷", "货款结算", None, None, None],
    [date(2026, 4, 1), "孙七", None, "周八", "婚姻家庭纠纷", "赡养费", 800, "调解成功",
     date(2026, 4, 20)],
    [date(2026, 5, 6), "吴九", None, "郑十", "损害赔偿纠纷", "鸡鸭毁坏菜地", None, "调解成功", None],
]


def v2() -> list[list[Any]]:
    """The same ledger a month later: 张三's case settled (and his new phone, the amount),
    王五's failed; 孙七's result blanked (a step back) and 吴九's turned into 调解不成功 (another
    result than the one recorded), and a new case."""
    rows = [list(r) for r in V1]
    rows[0][2], rows[0][6], rows[0][7], rows[0][8] = "13900000001", 1200, "调解成功", \
        date(2026, 3, 20)
    rows[1][7], rows[1][8] = "调解不成功", date(2026, 3, 25)
    rows[2][7], rows[2][8] = None, None
    rows[3][7] = "调解不成功"
    return [*rows, [date(2026, 6, 1), "钱一", None, "冯二", "邻里纠纷", "竹林越界", None, None, None]]


def q(svc: Services, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    with svc.db.read() as s:
        return [tuple(r) for r in s.exec(text(sql), params=params).all()]  # type: ignore[call-overload]


def cases(svc: Services) -> list[tuple[Any, ...]]:
    return q(svc, "SELECT case_no, state, outcome, concluded_on, archived_on, amount_fen, "
                  "revision FROM dispute_case ORDER BY case_no")


def timeline(svc: Services, case_no: str) -> list[tuple[Any, ...]]:
    return q(svc, "SELECT e.kind, e.occurred_on, e.summary, e.body, e.state_from, e.state_to "
                  "FROM case_event e JOIN dispute_case c ON c.id = e.case_id "
                  "WHERE c.case_no = :n ORDER BY e.rowid", n=case_no)


BEFORE = [
    ("(2026)青石人调字第001号", "ACCEPTED", None, None, None, 0, 1),
    ("(2026)青石人调字第002号", "ACCEPTED", None, None, None, 0, 1),
    ("(2026)青石人调字第003号", "ARCHIVED", "AGREEMENT", "2026-04-20", "2026-04-20", 80000, 1),
    ("(2026)青石人调字第004号", "AGREED", "AGREEMENT", "2026-05-06", None, 0, 1),
]
BACKWARDS = "台账记为“已受理”，系统中的案件已是“已归档”，办案流程不能倒退"
OTHER_RESULT = "台账记为“调解终止”，系统中的案件是“达成协议”，按办案规则不能从“达成协议”变为“调解终止”"


def test_update_applies_results_through_the_rules(svc: Services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(V1)}, header=HEADER)
    assert import_ledger(path, svc).imported == 4
    assert cases(svc) == BEFORE
    audit_before = q(svc, "SELECT max(seq) FROM audit_log")[0][0]
    write_xlsx(path, {"2026年": numbered(v2())}, header=HEADER)

    # without --update: reported, nothing applied
    seen = import_ledger(path, svc, dry_run=True)
    assert [(r.row_no, r.status, r.applied) for r in seen.result.rows] == [
        (3, "changed", False), (4, "changed", False), (5, "changed", False),
        (6, "changed", False), (7, "imported", False)]

    # a dry run with --update says what would happen and changes nothing
    dry = import_ledger(path, svc, dry_run=True, update=True)
    assert [(r.row_no, r.applied, r.reason) for r in dry.changed] == [
        (3, True, None), (4, True, None), (5, False, BACKWARDS), (6, False, OTHER_RESULT)]
    assert cases(svc) == BEFORE

    report = import_ledger(path, svc, update=True)
    assert [(r.row_no, r.status, r.applied, r.state.name if r.state else None, r.reason,
             r.changed) for r in report.result.rows] == [
        (3, "changed", True, "ARCHIVED", None, ("applicant.phone", "amount", "result",
                                                "closed_on")),
        (4, "changed", True, "ARCHIVED", None, ("result", "closed_on")),
        (5, "changed", False, "ARCHIVED", BACKWARDS, ("result", "closed_on")),
        (6, "changed", False, "AGREED", OTHER_RESULT, ("result",)),
        (7, "imported", False, "ACCEPTED", None, ())]
    assert [r.row_no for r in report.updated] == [3, 4]
    assert [r.row_no for r in report.not_updated] == [5, 6]

    # 张三: concluded by agreement on the ledger's 结案日期, performed and archived that day;
    # 王五: 调解终止 then archived on his; the refused rows untouched (revision 1)
    assert cases(svc) == [
        ("(2026)青石人调字第001号", "ARCHIVED", "AGREEMENT", "2026-03-20", "2026-03-20", 120000, 2),
        ("(2026)青石人调字第002号", "ARCHIVED", "FAILED", "2026-03-25", "2026-03-25", 0, 2),
        BEFORE[2], BEFORE[3],
        ("(2026)青石人调字第005号", "ACCEPTED", None, None, None, 0, 1)]
    assert q(svc, "SELECT a.form, a.effective_on, a.terms, a.amount_fen FROM agreement a "
                  "JOIN dispute_case c ON c.id = a.case_id WHERE c.case_no = :n",
             n="(2026)青石人调字第001号") == [("WRITTEN", "2026-03-20", "（台账未记载协议内容，详见纸质卷宗）", 120000)]
    assert q(svc, "SELECT p.name, p.phone, p.revision FROM party p JOIN dispute_case c "
                  "ON c.id = p.case_id WHERE c.case_no = :n ORDER BY p.position",
             n="(2026)青石人调字第001号") == [("张三", "13900000001", 2), ("李四", None, 1)]

    assert timeline(svc, "(2026)青石人调字第001号") == [
        ("STATE", "2026-03-02", "登记", "", None, "REGISTERED"),
        ("STATE", "2026-03-02", "受理", "", "REGISTERED", "ACCEPTED"),
        ("IMPORT", "2026-11-23", "从 台账.xlsx 第 3 行导入", "", None, None),
        ("EDIT", "2026-11-23", "按台账 台账.xlsx 第3行更正",
         "申请人联系电话“13900000001”；协议金额“1200”；调解结果“调解成功”；结案日期“2026-03-20”\n"
         "未填协议形式，按书面协议导入\n未填履行情况，已结案，按履行完毕导入", None, None),
        ("STATE", "2026-03-20", "达成书面协议", "", "ACCEPTED", "AGREED"),
        ("STATE", "2026-03-20", "履行完毕", "据台账 台账.xlsx 第3行", "AGREED", "PERFORMED"),
        ("STATE", "2026-03-20", "归档", "据台账 台账.xlsx 第3行", "PERFORMED", "ARCHIVED")]
    assert timeline(svc, "(2026)青石人调字第002号")[3:] == [
        ("EDIT", "2026-11-23", "按台账 台账.xlsx 第4行更正",
         "调解结果“调解不成功”；结案日期“2026-03-25”", None, None),
        ("STATE", "2026-03-25", "调解终止", "据台账 台账.xlsx 第4行", "ACCEPTED", "TERMINATED"),
        ("STATE", "2026-03-25", "归档", "据台账 台账.xlsx 第4行", "TERMINATED", "ARCHIVED")]
    assert len(timeline(svc, "(2026)青石人调字第003号")) == 6  # nothing added

    # audited as corrections naming the file and row, then the import's summary
    entries = q(svc, "SELECT action, entity, entity_id, \"after\" FROM audit_log WHERE seq > :s "
                     "ORDER BY seq", s=audit_before)
    assert [(a, e) for a, e, _, _ in entries] == [
        ("party.ledger_update", "party"), ("case.ledger_update", "case"),
        ("case.ledger_update", "case"), ("ledger.import", "ledger")]
    corrected = [json.loads(after) for a, _, _, after in entries if a == "case.ledger_update"]
    assert [c["ledger_update"] for c in corrected] == [
        {"source": "台账.xlsx", "sheet": "2026年", "row": 3,
         "fields": ["applicant.phone", "amount", "result", "closed_on"]},
        {"source": "台账.xlsx", "sheet": "2026年", "row": 4, "fields": ["result", "closed_on"]}]
    assert [(c["case_no"], c["state"]) for c in corrected] == [
        ("(2026)青石人调字第001号", "ARCHIVED"), ("(2026)青石人调字第002号", "ARCHIVED")]
    # the import's one entry names the rows it added (the new case's: the case, its two
    # parties, its registration, acceptance and import entries) by count and digest sum
    added = q(svc, "SELECT a.digest FROM audit_row a JOIN dispute_case c "
                   "ON c.case_no = '(2026)青石人调字第005号' WHERE (a.table_name = 'dispute_case' "
                   "AND a.row_id = c.id) OR a.row_id IN (SELECT id FROM party WHERE case_id = c.id "
                   "UNION ALL SELECT id FROM case_event WHERE case_id = c.id)")
    assert json.loads(entries[-1][3]) == {
        "source": "台账.xlsx", "imported": 1, "existing": 0, "changed": 4, "rejected": 0,
        "updated": 2, "rows": 6,
        "rows_digest": f"{sum(int(d, 16) for (d,) in added) % audit.MODULUS:064x}"}

    # the ledger as applied is remembered: the same file again finds only the refused rows
    again = import_ledger(path, svc, update=True)
    assert [(r.row_no, r.status, r.applied) for r in again.result.rows] == [
        (3, "existing", False), (4, "existing", False), (5, "changed", False),
        (6, "changed", False), (7, "existing", False)]
    assert cases(svc)[0][6] == 2


def test_plain_field_changes_are_a_correction_and_archived_cases_stay_as_they_are(
        svc: Services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(V1)}, header=HEADER)
    import_ledger(path, svc)
    rows = [list(r) for r in V1]
    rows[0][5] = "排水沟堵塞，已疏通一半"  # facts of an open case
    rows[2][5] = "赡养费及医药费"          # facts of an archived case
    write_xlsx(path, {"2026年": numbered(rows)}, header=HEADER)
    report = import_ledger(path, svc, update=True)
    assert [(r.row_no, r.applied, r.reason) for r in report.changed] == [
        (3, True, None), (5, False, "当前状态为“已归档”，不能进行“修改信息”。")]
    assert q(svc, "SELECT case_no, state, facts, revision FROM dispute_case WHERE case_no IN "
                  "('(2026)青石人调字第001号', '(2026)青石人调字第003号') ORDER BY case_no") == [
        ("(2026)青石人调字第001号", "ACCEPTED", "排水沟堵塞，已疏通一半", 2),
        ("(2026)青石人调字第003号", "ARCHIVED", "赡养费", 1)]
    assert timeline(svc, "(2026)青石人调字第001号")[3:] == [
        ("EDIT", "2026-11-23", "按台账 台账.xlsx 第3行更正", "纠纷简要情况“排水沟堵塞，已疏通一半”",
         None, None)]
    # the search finds the corrected facts
    from mediator.core.queries import CaseFilter

    page = svc.list_cases(CaseFilter(query="疏通一半"))
    assert [r.case_no for r in page.rows] == ["(2026)青石人调字第001号"]


def test_a_step_the_app_recorded_is_not_taken_again(svc: Services, tmp_path: Path) -> None:
    """The clerk recorded a 调解记录 in the app (调解中); the ledger now has the agreement:
    the agreement follows from 调解中, dated by the ledger."""
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(V1[:1])}, header=HEADER)
    first = import_ledger(path, svc)
    case_id = first.result.rows[0].case_id
    svc.add_session(case_id, "双方到场协商", on=date(2026, 3, 10))
    rows = [list(V1[0])]
    rows[0][7], rows[0][8] = "调解成功", date(2026, 3, 20)
    write_xlsx(path, {"2026年": numbered(rows)}, header=HEADER)
    report = import_ledger(path, svc, update=True)
    assert [(r.applied, r.state.name if r.state else None) for r in report.changed] == [
        (True, "ARCHIVED")]
    assert [(k, on, f, to) for k, on, _, _, f, to in timeline(svc, "(2026)青石人调字第001号")
            if k == "STATE"] == [
        ("STATE", "2026-03-02", None, "REGISTERED"),
        ("STATE", "2026-03-02", "REGISTERED", "ACCEPTED"),
        ("STATE", "2026-03-10", "ACCEPTED", "MEDIATING"),
        ("STATE", "2026-03-20", "MEDIATING", "AGREED"),
        ("STATE", "2026-03-20", "AGREED", "PERFORMED"),
        ("STATE", "2026-03-20", "PERFORMED", "ARCHIVED")]


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    db = tmp_path / "数据" / "m.db"
    assert main(["--db", str(db), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    return db


def test_cli_update(db_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(V1)}, header=HEADER)
    assert main(["--db", str(db_file), "import", "ledger", str(path)]) == 0
    write_xlsx(path, {"2026年": numbered(v2())}, header=HEADER)
    capsys.readouterr()

    assert main(["--db", str(db_file), "import", "ledger", str(path)]) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("导入完成"))
    assert out[start + 1:start + 8] == [
        "台账中已有变化 4 件（未改动系统中的案件），重复行 0 行（未导入）",
        "已导入过、但台账内容有变化的 4 行（系统中的案件未改动，请到案件中办理）：",
        "  第3行（(2026)青石人调字第001号）：申请人联系电话“13900000001”；协议金额“1200”；"
        "调解结果“调解成功”；结案日期“2026-03-20”",
        "  第4行（(2026)青石人调字第002号）：调解结果“调解不成功”；结案日期“2026-03-25”",
        "  第5行（(2026)青石人调字第003号）：调解结果已清空；结案日期已清空",
        "  第6行（(2026)青石人调字第004号）：调解结果“调解不成功”",
        "如台账所记属实，加 --update 再导入一次，即按办案规则更新这些案件（记入案件时间线和审计日志）"]

    assert main(["--db", str(db_file), "import", "ledger", str(path), "--update",
                 "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("试运行：将新增"))
    assert out[start + 1:start + 5] == [
        "台账中已有变化 4 件：将按台账更新 2 件，不能更新 2 件；重复行 0 行（未导入）",
        "试运行：将按台账更新的 2 件：",
        "  第3行（(2026)青石人调字第001号）：申请人联系电话“13900000001”；协议金额“1200”；"
        "调解结果“调解成功”；结案日期“2026-03-20”；现为“已归档”",
        "  第4行（(2026)青石人调字第002号）：调解结果“调解不成功”；结案日期“2026-03-25”；现为“已归档”"]

    assert main(["--db", str(db_file), "import", "ledger", str(path), "--update"]) == 0
    out = capsys.readouterr().out.splitlines()
    start = next(i for i, line in enumerate(out) if line.startswith("导入完成"))
    assert re.fullmatch(r"导入完成：新增 0 件，已导入过 1 件，未导入 0 行，有疑问 0 件（用时 [0-9.]+ 秒）",
                        out[start])
    assert out[start + 1:] == [
        "台账中已有变化 4 件：按台账更新 2 件，不能更新 2 件；重复行 0 行（未导入）",
        "已按台账更新的 2 件（记入案件时间线和审计日志）：",
        "  第3行（(2026)青石人调字第001号）：申请人联系电话“13900000001”；协议金额“1200”；"
        "调解结果“调解成功”；结案日期“2026-03-20”；现为“已归档”",
        "  第4行（(2026)青石人调字第002号）：调解结果“调解不成功”；结案日期“2026-03-25”；现为“已归档”",
        "不能按台账更新的 2 行（系统中的案件未改动）：",
        "  第5行（(2026)青石人调字第003号）：调解结果已清空；结案日期已清空。原因：" + BACKWARDS,
        "  第6行（(2026)青石人调字第004号）：调解结果“调解不成功”。原因：" + OTHER_RESULT,
    ]

    assert main(["--db", str(db_file), "import", "ledger", str(path), "--update",
                 "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["counts"] == {"rows": 5, "new": 0, "existing": 3, "changed": 2, "updated": 0,
                             "duplicates": 0, "rejected": 0, "flagged": 0}
    assert [(c["row"], c["applied"], c["reason"]) for c in got["changed"]] == [
        (5, False, BACKWARDS), (6, False, OTHER_RESULT)]


def test_updated_cases_match_a_fresh_import_of_the_later_ledger(
        svc: Services, tmp_path: Path, today: date) -> None:
    """v1 then v2 with --update gives 张三 and 王五 the same state, result and dates as v2
    imported into an empty office: a result without a 调解日期 is dated by the 结案日期 on
    both ways."""
    from mediator.core.db import open_database

    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(V1)}, header=HEADER)
    import_ledger(path, svc)
    write_xlsx(path, {"2026年": numbered(v2())}, header=HEADER)
    import_ledger(path, svc, update=True)

    with open_database(tmp_path / "fresh" / "m.db") as db:
        fresh = Services(db, operator="王调解", today=lambda: today)
        fresh.init_office("青石镇人民调解委员会", "青石", "330106001")
        import_ledger(path, fresh)
        assert cases(fresh)[:2] == [
            ("(2026)青石人调字第001号", "ARCHIVED", "AGREEMENT", "2026-03-20", "2026-03-20", 120000, 1),
            ("(2026)青石人调字第002号", "ARCHIVED", "FAILED", "2026-03-25", "2026-03-25", 0, 1)]
    assert cases(svc)[:2] == [
        ("(2026)青石人调字第001号", "ARCHIVED", "AGREEMENT", "2026-03-20", "2026-03-20", 120000, 2),
        ("(2026)青石人调字第002号", "ARCHIVED", "FAILED", "2026-03-25", "2026-03-25", 0, 2)]


def test_a_party_added_to_the_row_is_added_to_the_case(svc: Services, tmp_path: Path) -> None:
    rows = [list(V1[0])]
    rows[0][3] = None  # 李四 not yet written in
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(rows)}, header=HEADER)
    import_ledger(path, svc)
    write_xlsx(path, {"2026年": numbered([V1[0]])}, header=HEADER)
    report = import_ledger(path, svc, update=True)
    assert [(r.changed, r.applied) for r in report.changed] == [(("respondent.name",), True)]
    assert q(svc, "SELECT c.parties_text, p.name, p.role, p.position FROM party p "
                  "JOIN dispute_case c ON c.id = p.case_id ORDER BY p.position") == [
        ("张三 / 李四", "张三", "APPLICANT", 0), ("张三 / 李四", "李四", "RESPONDENT", 1)]
    assert q(svc, "SELECT identity FROM ledger_row") == [("2026-03-02|张三、李四|NEIGHBOUR",)]
    again = import_ledger(path, svc, update=True)
    assert [r.status for r in again.result.rows] == ["existing"]


def test_a_date_of_a_step_taken_is_not_rewritten(svc: Services, tmp_path: Path) -> None:
    """孙七's case was archived on the ledger's 4月20日; the ledger now says 4月22日: no action
    of the rules re-dates an archived case, so the row is listed and the case kept."""
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(V1)}, header=HEADER)
    import_ledger(path, svc)
    rows = [list(r) for r in V1]
    rows[2][8] = date(2026, 4, 22)
    write_xlsx(path, {"2026年": numbered(rows)}, header=HEADER)
    report = import_ledger(path, svc, update=True)
    assert [(r.row_no, r.changed, r.applied, r.reason) for r in report.changed] == [
        (5, ("closed_on",), False, "台账的结案日期为2026-04-22，系统中的案件已于2026-04-20结案："
                                   "已办理的环节不能按台账改日期，请在案件中核对")]
    assert cases(svc)[2] == BEFORE[2]
