"""A ledger row is known again by its registration date, parties and type (issue 16), never by
its running number: renumbered ledgers, inserted rows, per-sheet numbering, rows pasted twice,
look-alike cases, and databases that imported ledgers before the identity existed."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from schema_history import rewind_before
from sqlalchemy import text

from mediator.core.db import open_database
from mediator.core.services import Services
from mediator.ledger.importer import import_ledger
from tests.conftest import TODAY

HEADER = ["序号", "受理日期", "申请人", "被申请人", "纠纷类型", "纠纷简要情况", "调解结果",
          "结案日期"]


def write_xlsx(path: Path, sheets: dict[str, list[list[Any]]],
               header: list[str] = HEADER) -> Path:
    """A workbook as an office keeps it: one sheet per village or month, each with a title row
    merged across the table, then the header, then the rows."""
    wb = xlsxwriter.Workbook(str(path))
    day = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        ws.merge_range(0, 0, 0, len(header) - 1, f"青石镇{name}矛盾纠纷排查调处台账")
        ws.write_row(1, 0, header)
        for r, row in enumerate(rows, start=2):
            for c, value in enumerate(row):
                if isinstance(value, date):
                    ws.write_datetime(r, c, value, day)
                elif value is not None:
                    ws.write(r, c, value)
    wb.close()
    return path


def numbered(rows: list[list[Any]]) -> list[list[Any]]:
    return [[i, *row] for i, row in enumerate(rows, start=1)]


ROWS = [
    [date(2026, 3, 2), "张三", "李四", "邻里纠纷", "排水沟堵塞", None, None],
    [date(2026, 3, 9), "王五", "赵六", "合同纠纷", "货款结算", "调解成功", None],
    [date(2026, 4, 1), "孙七", "周八", "婚姻家庭纠纷", "赡养费", None, None],
    [date(2026, 5, 6), "吴九", "郑十", "损害赔偿纠纷", "鸡鸭毁坏菜地", "调解不成功", None],
]


def cases(svc: Services) -> list[tuple[str, str]]:
    with svc.db.read() as s:
        return [tuple(r) for r in s.exec(text(  # type: ignore[call-overload]
            "SELECT case_no, parties_text FROM dispute_case ORDER BY case_no")).all()]


def statuses(report: Any) -> dict[int, str]:
    return {r.row_no: r.status for r in report.result.rows}


def test_renumbered_ledger_with_an_inserted_row(svc: Services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(ROWS)})
    first = import_ledger(path, svc)
    assert (first.imported, first.existing, first.changed) == (4, 0, [])

    # the next version: a case of 3月5日 inserted in date order (everything after it is
    # renumbered), 张三's result filled in since
    later = [list(r) for r in ROWS]
    later[0][5:7] = ["调解成功", date(2026, 3, 20)]
    later.insert(1, [date(2026, 3, 5), "钱一", "冯二", "邻里纠纷", "竹林越界", None, None])
    write_xlsx(path, {"2026年": numbered(later)})
    again = import_ledger(path, svc)
    assert statuses(again) == {3: "changed", 4: "imported", 5: "existing", 6: "existing",
                               7: "existing"}
    changed = again.changed[0]
    assert changed.case_no == "(2026)青石人调字第001号"
    assert changed.changed == ("result", "closed_on")
    assert again.result.rows[1].case_no == "(2026)青石人调字第005号"
    assert cases(svc) == [
        ("(2026)青石人调字第001号", "张三 / 李四"), ("(2026)青石人调字第002号", "王五 / 赵六"),
        ("(2026)青石人调字第003号", "孙七 / 周八"), ("(2026)青石人调字第004号", "吴九 / 郑十"),
        ("(2026)青石人调字第005号", "钱一 / 冯二")]
    # nothing changed in the database for the changed row: it is reported, not applied
    with svc.db.read() as s:
        state = s.exec(text("SELECT state FROM dispute_case WHERE case_no = :n"),  # type: ignore[call-overload]
                       params={"n": "(2026)青石人调字第001号"}).scalar_one()
    assert state == "ACCEPTED"


def test_every_sheet_numbered_from_one(svc: Services, tmp_path: Path) -> None:
    path = write_xlsx(tmp_path / "各村台账.xlsx", {
        "青石村": numbered(ROWS[:2]), "白水村": numbered(ROWS[2:])})
    one = import_ledger(path, svc, sheet="青石村")
    two = import_ledger(path, svc, sheet="白水村")
    assert (one.imported, two.imported, two.existing) == (2, 2, 0)
    assert len(cases(svc)) == 4
    assert import_ledger(path, svc, sheet="白水村").existing == 2


def test_pasted_twice_and_look_alikes(svc: Services, tmp_path: Path) -> None:
    rows = numbered([
        ROWS[0],
        ROWS[1],
        ROWS[0],                                                   # pasted again: row 4
        [date(2026, 3, 9), "赵六", "王五", "合同纠纷", "另一笔货款", None, None],  # look-alike
    ])
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": rows})
    report = import_ledger(path, svc)
    assert report.imported == 3
    assert [(r.row_no, r.duplicate_of) for r in report.duplicates] == [(5, "第3行")]
    flags = {r.row_no: r.flags for r in report.flagged}
    assert flags == {
        4: ("未填协议形式，按口头协议导入", "未填调解日期和结案日期，“调解成功”按受理日期2026-03-09导入",
            "与第6行受理日期、当事人、纠纷类型相同，其他内容不同，可能重复"),
        6: ("与第4行受理日期、当事人、纠纷类型相同，其他内容不同，可能重复",),
    }
    again = import_ledger(path, svc)
    assert (again.imported, again.existing, len(again.duplicates)) == (0, 3, 1)

    # a third case of the same parties and day added later: imported, flagged against the
    # case already there
    rows.append([5, date(2026, 3, 2), "李四", "张三", "邻里纠纷", "又因排水沟争吵", None, None])
    write_xlsx(path, {"2026年": rows})
    third = import_ledger(path, svc)
    assert statuses(third) == {3: "existing", 4: "existing", 6: "existing", 7: "imported"}
    assert third.result.rows[-1].flags == (
        "与第3行受理日期、当事人、纠纷类型相同，其他内容不同，可能重复",
        "与已导入的(2026)青石人调字第001号受理日期、当事人、纠纷类型相同，其他内容不同，可能重复",)


def test_upgrade_gives_old_imports_an_identity(svc: Services, db_path: Path,
                                               tmp_path: Path) -> None:
    """A database that imported the ledger before migration 0008 (keys from the running
    number) does not import it again after the upgrade."""
    path = write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(ROWS)})
    assert import_ledger(path, svc).imported == 4
    svc.db.close()
    con = sqlite3.connect(db_path)
    con.executescript("""
        UPDATE dispute_case SET import_key = 'ledger:2026:' || seq;
        UPDATE dispute_case SET import_key = 'ledger:XS-7' WHERE seq = 4;""")
    rewind_before(con, "ledger_rows")
    con.commit()
    con.close()
    with open_database(db_path) as db:
        upgraded = Services(db, operator="王调解", today=lambda: TODAY)
        with db.read() as s:
            got = s.exec(text("SELECT c.seq, r.ledger_no, r.identity, r.fields FROM ledger_row r "  # type: ignore[call-overload]
                              "JOIN dispute_case c ON c.id = r.case_id ORDER BY c.seq")).all()
        assert [tuple(r) for r in got] == [
            (1, "1", "2026-03-02|张三、李四|NEIGHBOUR", None),
            (2, "2", "2026-03-09|王五、赵六|CONTRACT", None),
            (3, "3", "2026-04-01|周八、孙七|MARRIAGE_FAMILY", None),
            (4, "XS-7", "2026-05-06|吴九、郑十|DAMAGES", None)]
        # a renumbered later version: all four known, nothing imported twice
        write_xlsx(path, {"2026年": numbered([ROWS[3], *ROWS[:3]])})
        again = import_ledger(path, upgraded)
        assert (again.imported, again.existing) == (0, 4)


def test_ledger_number_in_the_case_file_and_the_search(svc: Services, tmp_path: Path) -> None:
    from mediator.core.queries import CaseFilter

    rows = [["XS-2026-017", *ROWS[0]], ["XS-2026-018", *ROWS[1]]]
    report = import_ledger(write_xlsx(tmp_path / "台账.xlsx", {"2026年": rows},
                                      ["案件编号", *HEADER[1:]]), svc)
    first = report.result.rows[0]
    assert svc.case_file(first.case_id).ledger_no == "XS-2026-017"
    page = svc.list_cases(CaseFilter(query="xs-2026-017"))
    assert [r.case_no for r in page.rows] == [first.case_no]
    page = svc.list_cases(CaseFilter(query="XS-2026-018 王五"))
    assert [r.case_no for r in page.rows] == [report.result.rows[1].case_no]


def test_undo_refused_when_a_case_was_worked_on_since(svc: Services, tmp_path: Path) -> None:
    import pytest

    from mediator.core.errors import ValidationError

    report = import_ledger(write_xlsx(tmp_path / "台账.xlsx", {"2026年": numbered(ROWS)}), svc)
    first = report.result.rows[0]
    svc.schedule_follow_up(first.case_id, date(2026, 12, 1))
    with pytest.raises(ValidationError) as err:
        svc.undo_ledger_import(report.result.import_id[:8])  # type: ignore[index]
    assert err.value.message == (
        "不能撤销：其中 1 件导入后已有办理记录（(2026)青石人调字第001号），撤销会丢掉这些记录。"
        "请逐件删除不需要的案件")
    assert len(cases(svc)) == 4
    with pytest.raises(ValidationError) as err:
        svc.undo_ledger_import("abc")
    assert err.value.message.startswith("没有编号以“abc”开头的台账导入")


def test_field_digests_are_the_ones_earlier_imports_stored() -> None:
    """A later import compares its fields with the digests stored by earlier ones (in
    ledger_row.fields): the rule may not drift (CRC-32 of the UTF-8 text, 8 hex digits)."""
    from mediator.core.ledger_rows import digests

    assert digests({"applicant.name": "张三", "registered_on": "2025-01-05", "note": ""}) == {
        "applicant.name": "7984b0ca", "registered_on": "77ea329d", "note": ""}
