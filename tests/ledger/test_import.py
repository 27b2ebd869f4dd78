"""End to end: the four ledgers imported into a real database, every field of a sample of
rows checked, the reject file read back, and repeated imports adding only what is new."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import text

from mediator.core import audit
from mediator.core.enums import (
    AgreementForm,
    CaseState,
    DisputeType,
    EventKind,
    FollowUpResult,
    Gender,
    PartyKind,
    PartyRole,
)
from mediator.core.queries import CaseFilter
from mediator.ledger.importer import import_ledger, plan_ledger, reject_path
from tests.ledger import ledgers as L

QINGSHI, BAISHUI = "330106001001", "330106001002"


@pytest.fixture
def office(svc):  # type: ignore[no-untyped-def]
    svc.add_village(QINGSHI, "青石村")
    svc.add_mediator("王调解", phone="13911112222")
    return svc


def case_count(svc) -> int:  # type: ignore[no-untyped-def]
    with svc.db.read() as s:
        return s.exec(text("SELECT count(*) FROM dispute_case")).scalar_one()  # type: ignore[call-overload]


def ledger_link(svc, case_id: str) -> tuple:  # type: ignore[no-untyped-def]
    """The ledger's number, the identity and the row an imported case came from."""
    with svc.db.read() as s:
        return tuple(s.exec(text(  # type: ignore[call-overload]
            "SELECT ledger_no, identity, row_no FROM ledger_row WHERE case_id = :c"),
            params={"c": case_id}).one())


def by_row(report) -> dict:  # type: ignore[no-untyped-def]
    return {r.row_no: r for r in report.result.rows}


def states(cf) -> list[tuple[str | None, str | None, date]]:  # type: ignore[no-untyped-def]
    return [(e.state_from, e.state_to, e.occurred_on) for e in cf.events
            if e.kind == EventKind.STATE.name]


def test_standard_ledger_every_field(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = office
    path = L.ledger_a(tmp_path / "青石镇 台账.xlsx")
    report = import_ledger(path, svc)
    assert (report.imported, report.existing) == (6, 0)
    assert report.plan.table.sheet == "2026年"  # the active sheet, not 说明
    assert report.plan.skipped == {"summary": 1}
    rows = by_row(report)
    mediator_id = next(m.id for m in svc.mediators() if m.name == "王调解")

    # row 2: agreement, performed, followed up, closed -> archived
    cf = svc.case_file(rows[2].case_id)
    c = cf.case
    assert c.case_no.startswith("(2026)青石人调字第")
    assert (c.registered_on, c.accepted_on, c.concluded_on, c.archived_on) == (
        date(2026, 1, 5), date(2026, 1, 5), date(2026, 1, 8), date(2026, 2, 10))
    assert (c.state, c.outcome) == (CaseState.ARCHIVED.name, "AGREEMENT")
    assert c.dispute_type == DisputeType.NEIGHBOUR.name and c.type_note is None
    assert c.amount_fen == 300000 and c.facts == "两家因排水沟堵塞发生争吵"
    assert c.village_code == QINGSHI and c.mediator_id == mediator_id
    assert ledger_link(svc, c.id) == ("2026-001", "2026-01-05|张三、李四|NEIGHBOUR", 2)
    assert c.import_flags is None
    assert c.next_due_on is None and c.parties_text == "张三 / 李四"
    zhang, li = cf.parties
    assert (zhang.name, zhang.role, zhang.kind) == ("张三", PartyRole.APPLICANT.name, PartyKind.PERSON.name)
    assert zhang.id_number == L.ZHANG_ID
    assert (zhang.birth_date, zhang.gender) == (date(1970, 3, 15), Gender.MALE.name)
    assert (zhang.phone, zhang.address) == ("13812345678", "青石村3组12号")
    assert (li.name, li.role, li.phone, li.id_number) == ("李四", PartyRole.RESPONDENT.name,
                                                          "13900001111", None)
    assert cf.agreement is not None
    assert (cf.agreement.form, cf.agreement.effective_on, cf.agreement.amount_fen) == (
        AgreementForm.WRITTEN.name, date(2026, 1, 8), 300000)
    (fu,) = cf.follow_ups
    assert (fu.due_on, fu.done_on, fu.result, fu.operator) == (
        date(2026, 2, 1), date(2026, 2, 1), FollowUpResult.PERFORMED.name, "赵回访")
    assert states(cf) == [
        (None, "REGISTERED", date(2026, 1, 5)), ("REGISTERED", "ACCEPTED", date(2026, 1, 5)),
        ("ACCEPTED", "AGREED", date(2026, 1, 8)), ("AGREED", "PERFORMED", date(2026, 2, 1)),
        ("PERFORMED", "ARCHIVED", date(2026, 2, 10))]
    (imported,) = [e for e in cf.events if e.kind == EventKind.IMPORT.name]
    assert imported.summary == f"从 {path.name} 第 2 行导入"
    assert imported.occurred_on == svc.today() and "备注：双方握手言和" in imported.body

    # row 3: two applicants with IDs, an organisation, a new mediator, an unknown village
    cf = svc.case_file(rows[3].case_id)
    wang, zhao, firm = cf.parties
    assert (wang.name, wang.id_number, wang.gender, wang.phone) == (
        "王五", L.WANG_ID, Gender.MALE.name, "13700002222")
    assert (zhao.name, zhao.id_number, zhao.gender, zhao.birth_date, zhao.phone) == (
        "赵六", L.ZHAO_ID, Gender.FEMALE.name, date(1990, 6, 20), "13600003333")
    assert (firm.role, firm.kind) == (PartyRole.RESPONDENT.name, PartyKind.ORGANISATION.name)
    assert cf.case.persons_involved == 3 and cf.case.village_code is None
    assert (cf.case.state, cf.case.outcome, cf.case.concluded_on) == (
        CaseState.ARCHIVED.name, "FAILED", date(2026, 3, 10))
    assert cf.mediator_name == "陈调解" and report.result.new_mediators == ["陈调解"]
    assert "白水村" in cf.case.import_flags

    # row 4: still mediating; a type guessed from a keyword; village 青石村委会 -> 青石村
    c = svc.case_file(rows[4].case_id).case
    assert (c.state, c.outcome, c.deadline_on, c.next_due_on) == (
        CaseState.MEDIATING.name, None, date(2026, 12, 1), date(2026, 12, 1))
    assert (c.dispute_type, c.type_note) == (DisputeType.HOUSE_HOMESTEAD.name, "宅基地使用权纠纷")
    assert c.village_code == QINGSHI and "按关键词" in c.import_flags
    sun = svc.case_file(rows[4].case_id).parties[0]
    assert (sun.gender, sun.phone, sun.id_number) == (Gender.FEMALE.name, "0571-88886666", None)

    # row 5: bad ID checksum and bad phone kept out of the party, written in the flags
    cf = svc.case_file(rows[5].case_id)
    wu = cf.parties[0]
    assert (wu.id_number, wu.phone, wu.gender) == (None, None, Gender.MALE.name)
    assert L.WU_BAD_ID in cf.case.import_flags and "1381234567" in cf.case.import_flags
    assert (cf.case.dispute_type, cf.case.type_note) == (DisputeType.OTHER.name, "奇怪的纠纷")
    assert cf.case.state == CaseState.PERFORMING.name
    assert (cf.agreement.form, cf.agreement.amount_fen) == (AgreementForm.ORAL.name, 300000)
    flagged = {r.row_no: r.flags for r in report.flagged}
    assert set(flagged) == {3, 4, 5} and any(L.WU_BAD_ID in f for f in flagged[5])

    # row 6: withdrawn then archived, both on its 结案日期 (no 调解日期: the ledger's 调结
    # date is the result's, as --update dates it); row 7: agreed, not performed after the
    # follow-up
    c = svc.case_file(rows[6].case_id).case
    assert (c.state, c.outcome, c.concluded_on, c.archived_on) == (
        CaseState.ARCHIVED.name, "WITHDRAWN", date(2026, 6, 5), date(2026, 6, 5))
    cf = svc.case_file(rows[7].case_id)
    assert cf.case.state == CaseState.UNPERFORMED.name and cf.case.amount_fen == 1500000
    assert cf.follow_ups[0].result == FollowUpResult.NOT_PERFORMED.name

    # found by search like any case; the audit chain is intact
    assert svc.count_cases(CaseFilter(query="张三")) == 1
    assert svc.count_cases(CaseFilter(query="褚三")) == 1
    with svc.db.read() as s:
        assert audit.verify(s).ok
        entries = s.exec(text(  # type: ignore[call-overload]
            "SELECT action, entity_id, \"after\" FROM audit_log "
            "WHERE action IN ('case.import', 'ledger.import')")).all()
        # the rows the import added: its six cases and their parties, events, agreements
        # and follow-ups, each digested in audit_row
        digests = [d for (d,) in s.exec(text(  # type: ignore[call-overload]
            "SELECT a.digest FROM audit_row a WHERE (a.table_name = 'dispute_case' AND "
            "a.row_id IN (SELECT case_id FROM ledger_row WHERE import_id = :i)) OR "
            "(a.table_name IN ('party', 'case_event', 'agreement', 'follow_up') AND "
            "(SELECT case_id FROM party WHERE id = a.row_id UNION ALL "
            " SELECT case_id FROM case_event WHERE id = a.row_id UNION ALL "
            " SELECT case_id FROM agreement WHERE id = a.row_id UNION ALL "
            " SELECT case_id FROM follow_up WHERE id = a.row_id) IN "
            "(SELECT case_id FROM ledger_row WHERE import_id = :i))"),
            params={"i": report.result.import_id}).all()]
    # one entry for the import (issue 16, part 4), not one per case: it names the import,
    # how many rows it added and the sum of their digests
    assert [(a, e) for a, e, _ in entries] == [("ledger.import", report.result.import_id)]
    after = json.loads(entries[0][2])
    assert (after["imported"], after["rows"], len(digests)) == (6, len(digests), len(digests))
    assert after["rows_digest"] == f"{sum(int(d, 16) for d in digests) % audit.MODULUS:064x}"


def test_reject_file_and_repeats(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = office
    path = L.ledger_a(tmp_path / "台账.xlsx")
    report = import_ledger(path, svc)
    assert [r for r, _ in report.rejected] == sorted(L.A_REJECTED)
    assert report.reject_file == tmp_path / "台账_未导入.xlsx" == reject_path(path)
    ws = load_workbook(report.reject_file, read_only=True).active
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    assert rows[0] == L.A_HEADER + ["工作表", "原因"]
    assert {r[-2] for r in rows[1:]} == {"2026年"}
    assert [r[0] for r in rows[1:]] == ["2026-007", "2026-008", "2026-009"]
    assert rows[2][7] == "韩七" and rows[3][1] == "2026-13-45"
    for (row_no, expected), row in zip(sorted(L.A_REJECTED.items()), rows[1:]):
        assert row[-1].startswith(f"第{row_no}行：") and expected in row[-1]

    # the same ledger again: nothing new
    again = import_ledger(path, svc)
    assert (again.imported, again.existing, len(again.rejected)) == (0, 6, 3)
    assert case_count(svc) == 6

    # a later version with two more rows: only those are added, numbered after the others
    L.ledger_a(path, later=True)
    later = import_ledger(path, svc)
    assert (later.imported, later.existing) == (2, 6)
    added = [r for r in later.result.rows if r.status == "imported"]
    assert [r.row_no for r in added] == [11, 12]
    assert [r.case_no for r in added] == ["(2026)青石人调字第007号", "(2026)青石人调字第008号"]
    assert case_count(svc) == 8
    c = svc.case_file(added[1].case_id).case
    assert (c.dispute_type, c.state, c.amount_fen) == (DisputeType.TRAFFIC.name,
                                                       CaseState.ARCHIVED.name, 80000)

    # the clerk fixes the rejected rows in the companion file and imports it
    wb = load_workbook(report.reject_file)
    ws = wb.active
    ws["B2"] = "2026-07-01"   # 2026-007 gets its date
    ws["C3"] = "韩六"          # 2026-008 gets an applicant
    wb.save(report.reject_file)
    fixed = import_ledger(report.reject_file, svc)
    assert fixed.imported == 2 and [r for r, _ in fixed.rejected] == [4]
    assert case_count(svc) == 10


def test_two_row_merged_header_and_hash_keys(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = office
    svc.add_village(BAISHUI, "白水村")
    path = L.ledger_b(tmp_path / "b.xlsx")
    report = import_ledger(path, svc)
    layout = report.plan.layout
    assert (layout.header_start, layout.header_rows) == (1, 2)
    fields = {c.header: c.field for c in layout.columns}
    assert fields["申请人/民族"] == "applicant.ethnicity"
    assert fields["被申请人/手机"] == "respondent.phone"
    assert fields["调解情况/调解人"] == "mediator"
    assert fields["调解情况/调解结果"] == "result"
    assert report.imported == 3 and not report.rejected
    rows = by_row(report)
    cf = svc.case_file(rows[4].case_id)
    qian, sun = cf.parties
    assert (qian.ethnicity, qian.birth_date, qian.gender) == ("汉", date(1985, 5, 6), Gender.MALE.name)
    assert sun.phone == "13811112222"
    assert cf.case.import_key.startswith("row:") and cf.case.dispute_type == DisputeType.FOREST_LAND.name
    assert (cf.case.state, cf.case.archived_on) == (CaseState.ARCHIVED.name, date(2025, 3, 30))
    assert cf.case.village_code == QINGSHI
    cf = svc.case_file(rows[5].case_id)
    assert cf.case.village_code == QINGSHI  # merged down from the row above
    assert [p.name for p in cf.parties] == ["李红", "周明", "吴刚"]
    assert [p.phone for p in cf.parties[1:]] == ["13822223333", "13833334444"]
    assert cf.parties[0].ethnicity == "畲族"
    imported = next(e for e in cf.events if e.kind == EventKind.IMPORT.name)
    assert "李红年龄：36" in imported.body  # no ID: the age is kept as text
    assert (cf.case.state, cf.case.outcome) == (CaseState.ARCHIVED.name, "FAILED")
    c = svc.case_file(rows[6].case_id).case
    assert (c.state, c.village_code, c.dispute_type) == (
        CaseState.ACCEPTED.name, BAISHUI, DisputeType.MARRIAGE_FAMILY.name)
    assert report.result.new_mediators == ["李调解"]
    assert import_ledger(path, svc).imported == 0


def test_wps_style_workbook(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = office
    path = L.ledger_c(tmp_path / "c.xlsx")
    report = import_ledger(path, svc)
    assert report.plan.table.sheet == "Sheet1" and report.imported == 4  # despite dimension A1
    rows = by_row(report)
    cases = {n: svc.case_file(rows[n].case_id) for n in (2, 3, 4, 5)}
    assert [cases[n].case.registered_on for n in cases] == [
        date(2026, 1, 5), date(2026, 1, 9), date(2026, 2, 3), date(2026, 3, 4)]
    assert [cases[n].case.dispute_type for n in cases] == [
        "NEIGHBOUR", "FOREST_LAND", "OTHER", "NEIGHBOUR"]
    assert [cases[n].case.amount_fen for n in cases] == [300000, 300000, 500000, 0]
    assert cases[2].case.archived_on == date(2026, 1, 20)  # a bare serial number
    assert cases[3].case.archived_on == date(2026, 2, 3)
    assert cases[3].parties[0].phone == "13700002222"  # a phone typed into a number cell
    sun = cases[4]
    assert sun.parties[0].id_number is None and "存成了数字" in sun.case.import_flags
    assert (sun.case.state, sun.case.outcome) == (CaseState.ARCHIVED.name, "FAILED")
    assert sun.case.type_note == "家长里短"
    assert "不详" in cases[5].case.import_flags
    body = next(e.body for e in cases[2].events if e.kind == EventKind.IMPORT.name)
    assert "档案盒号：A-01" in body  # an unrecognised column is kept, not dropped


def test_gbk_csv(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = office
    path = L.ledger_d(tmp_path / "d.csv")
    assert path.read_bytes().decode("gbk")  # really GBK, not UTF-8
    report = import_ledger(path, svc)
    assert report.plan.table.encoding == "gb18030"
    assert report.imported == 2 and report.rejected == [(4, "缺少受理日期")]
    cf = svc.case_file(by_row(report)[2].case_id)
    assert [(p.name, p.role) for p in cf.parties] == [
        ("张三", "APPLICANT"), ("李四", "APPLICANT"), ("王五", "RESPONDENT")]
    c = cf.case
    assert ledger_link(svc, c.id)[0] == "(2025)青石人调字第101号"
    assert (c.dispute_type, c.amount_fen, c.state) == ("DAMAGES", 120000, "ARCHIVED")
    assert (c.registered_on, c.archived_on) == (date(2025, 11, 5), date(2025, 11, 20))
    c2 = svc.case_file(by_row(report)[3].case_id)
    assert [p.name for p in c2.parties] == ["钱一", "孙二", "周三"]
    assert c2.case.state == CaseState.MEDIATING.name  # 调解中 in the ledger: 调解中 here
    assert states(c2)[-1] == ("ACCEPTED", "MEDIATING", date(2025, 12, 1))
    ws = load_workbook(report.reject_file, read_only=True).active
    assert list(ws.iter_rows(values_only=True))[1][:3] == ("(2025)青石人调字第103号", None, "吴四")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = L.ledger_d(tmp_path / f"{encoding}.csv", encoding=encoding)
    plan = plan_ledger(path, date(2026, 11, 23))
    assert plan.rows[0].case.case.parties[0].name == "张三"


def test_dry_run_writes_nothing(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    svc = office
    path = L.ledger_a(tmp_path / "a.xlsx")
    with svc.db.read() as s:
        audit_before = s.exec(text("SELECT count(*) FROM audit_log")).scalar_one()  # type: ignore[call-overload]
    report = import_ledger(path, svc, dry_run=True)
    assert report.result.dry_run and report.imported == 6 and len(report.rejected) == 3
    assert report.reject_file is None and not reject_path(path).exists()
    assert case_count(svc) == 0 and svc.mediators()[0].name == "王调解" and len(svc.mediators()) == 1
    with svc.db.read() as s:
        assert s.exec(text("SELECT count(*) FROM audit_log")).scalar_one() == audit_before  # type: ignore[call-overload]
    assert import_ledger(path, svc).imported == 6  # and the real run still does it all


def test_same_date_parties_and_type_but_other_facts_both_imported(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["受理日期", "申请人", "被申请人", "纠纷类型", "纠纷简要情况"])
    ws.append(["2026-05-01", "甲一", "乙一", "邻里纠纷", "第一次"])
    ws.append(["2026-05-01", "甲一", "乙一", "邻里纠纷", "重复录入"])
    ws.append(["2026-05-01", "甲一", "乙二", "邻里纠纷", "另一件"])
    wb.save(tmp_path / "dup.xlsx")
    report = import_ledger(tmp_path / "dup.xlsx", office)
    assert report.imported == 3 and report.rejected == []
    assert [(r.row_no, r.flags) for r in report.flagged] == [
        (2, ("与第3行受理日期、当事人、纠纷类型相同，其他内容不同，可能重复",)),
        (3, ("与第2行受理日期、当事人、纠纷类型相同，其他内容不同，可能重复",))]


def test_missing_required_column_is_a_clear_error(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import Workbook

    from mediator.core.errors import ValidationError

    wb = Workbook()
    ws = wb.active
    ws.append(["申请人", "被申请人", "纠纷类型"])
    ws.append(["甲", "乙", "邻里"])
    wb.save(tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="受理日期"):
        import_ledger(tmp_path / "x.xlsx", office)
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    with pytest.raises(ValidationError, match="另存为"):
        import_ledger(tmp_path / "old.xls", office)
    with pytest.raises(ValidationError, match="找不到台账文件"):
        import_ledger(tmp_path / "nope.xlsx", office)


def test_a_thousand_rows_in_batches(office, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """More rows than one batch: numbering continues across batches, progress is reported,
    every case is indexed for search."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet1")
    ws.append(["编号", "受理日期", "申请人", "被申请人", "纠纷类型", "纠纷简要情况", "调解结果"])
    for i in range(1, 1201):
        ws.append([i, date(2025, 1 + i % 12, 1 + i % 28), f"申{i}", f"被{i}", "邻里纠纷",
                   f"第{i}件{'围墙' if i % 3 == 0 else '噪音'}纠纷的情况",
                   "调解成功" if i % 2 else ""])
    wb.save(tmp_path / "big.xlsx")
    seen: list[tuple[int, int]] = []
    report = import_ledger(tmp_path / "big.xlsx", office, progress=lambda d, n: seen.append((d, n)))
    assert report.imported == 1200 and seen[-1] == (1200, 1200) and len(seen) >= 2
    def index_state() -> tuple[int, int, int]:
        with office.db.read() as s:
            return tuple(s.exec(text(  # type: ignore[call-overload]
                "SELECT (SELECT count(*) FROM case_fts), (SELECT count(*) FROM search_pending), "
                "(SELECT count(DISTINCT case_rowid) FROM case_term)")).one())

    with office.db.read() as s:
        seqs = s.exec(text("SELECT max(seq), count(DISTINCT seq) FROM dispute_case")).one()  # type: ignore[call-overload]
    assert tuple(seqs) == (1200, 1200)
    # the index entries are left for later (issue 16); every search finds the cases anyway
    assert index_state() == (0, 1200, 0)
    for built in (False, True):
        if built:
            assert office.index_pending_cases(chunk=500) == 1200
            assert index_state() == (1200, 0, 1200)
        assert office.count_cases(CaseFilter(query="第1199件")) == 1
        assert office.count_cases(CaseFilter(query="申1177")) == 1  # a name, via case_term
        # two-character words of the facts, via the character-pair index
        assert office.count_cases(CaseFilter(query="围墙")) == 400
        assert office.count_cases(CaseFilter(query="噪音")) == 800
        # both: rows 3, 30–39 and 300–399 whose number is a multiple of 3 (1 + 4 + 34)
        assert office.count_cases(CaseFilter(query="围墙 申3")) == 39
    assert office.index_pending_cases() == 0


def covered_counts(svc) -> tuple[dict[str, int], dict[str, int]]:  # type: ignore[no-untyped-def]
    """Rows of each audited table, and the audit digests held for each."""
    with svc.db.read() as s:
        rows = {tbl: s.exec(text(f"SELECT count(*) FROM {tbl}")).scalar_one()  # type: ignore[call-overload]
                for tbl in audit.COVERED}
        held = {tbl: s.exec(text("SELECT count(*) FROM audit_row WHERE table_name = :t"),  # type: ignore[call-overload]
                            params={"t": tbl}).scalar_one() for tbl in audit.COVERED}
    return rows, held


def test_imported_rows_are_digested_and_later_writes_still_noted(office, make_case,
                                                                  tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """The bulk writer notes its new rows for the audit digests itself (the per-row trigger is
    off during its inserts): every imported row has its digest, and the trigger is back for
    the writes that follow, after a dry run (rolled back) as after a real import."""
    svc = office
    path = L.ledger_a(tmp_path / "a.xlsx")
    import_ledger(path, svc, dry_run=True)
    make_case()  # a case typed in after a dry run: its rows noted by the trigger
    rows, held = covered_counts(svc)
    assert rows == held and rows["dispute_case"] == 1 and rows["party"] == 2
    assert import_ledger(path, svc).imported == 6
    rows, held = covered_counts(svc)
    assert rows == held and rows["dispute_case"] == 7
    make_case(days_ago=3)
    rows, held = covered_counts(svc)
    assert rows == held and rows["dispute_case"] == 8 and rows["party"] == held["party"]
    with svc.db.read() as s:
        assert audit.verify(s).ok
        triggers = {r[0] for r in s.exec(text(  # type: ignore[call-overload]
            "SELECT name FROM temp.sqlite_master WHERE type = 'trigger'"))}
    assert {f"audit_ins_{tbl}" for tbl in audit.COVERED} <= triggers
