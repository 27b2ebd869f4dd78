"""The smaller points of issue 19: the by-type chart without 其中 bars, list sheets with a
frozen, filtered header, page numbers in every docx, a warning for a period not yet begun."""

from __future__ import annotations

import re
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from mediator.cli import main
from mediator.documents.service import generate
from mediator.reports.build import ReportRequest, build
from mediator.reports.periods import parse_month, parse_week
from mediator.reports.render import write as render

from .conftest import TODAY


@pytest.fixture(scope="module")
def wage_and_consumer(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """Labour, its 其中 wage sub-type, and a type coded after it (12 消费)."""
    from mediator.core.db import open_database
    from mediator.core.enums import DisputeType, PartyRole
    from mediator.core.services import CaseInput, PartyInput, Services

    db = open_database(tmp_path_factory.mktemp("类型") / "mediator.db")
    svc = Services(db, operator="王调解", today=lambda: TODAY)
    svc.init_office("青石镇人民调解委员会", "青石", "330106001")
    for kind in (DisputeType.NEIGHBOUR, DisputeType.LABOUR, DisputeType.WAGE_ARREARS,
                 DisputeType.WAGE_ARREARS, DisputeType.CONSUMER):
        svc.register_case(CaseInput(
            parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
            dispute_type=kind, facts="纠纷", registered_on=date(2026, 11, 17)))
    yield db
    db.close()


def _chart_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        names = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return "\n".join(z.read(n).decode("utf-8") for n in names)


def test_the_by_type_chart_draws_no_of_which_bar(wage_and_consumer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = build(wage_and_consumer, ReportRequest("weekly", parse_week("2026-W47", TODAY)),
                   TODAY)
    by_type = next(tb for tb in report.tables if tb.key == "by_type")
    assert [r[0] for r in by_type.rows] == ["合计", "02 邻里", "10 劳动争议",
                                            "其中：拖欠农民工工资", "12 消费"]
    path = render(report, "xlsx", tmp_path / "周报.xlsx")
    xml = _chart_xml(path)
    # the type lines are sheet rows 4..7 (3 is 合计): bars for 4, 5 and 7 — never 6 (其中)
    assert re.findall(r"<c:f>([^<]*)</c:f>", xml)[1:3] == [
        "(按纠纷类型!$A$4:$A$5,按纠纷类型!$A$7)", "(按纠纷类型!$B$4:$B$5,按纠纷类型!$B$7)"]


def test_list_sheets_have_a_frozen_filtered_header(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    for kind in ("ledger", "subsidy"):
        report = build(known.db, ReportRequest(kind, parse_month("2026-11", TODAY)), TODAY)
        path = render(report, "xlsx", tmp_path / f"{kind}.xlsx")
        index = [tb.key for tb in report.tables].index(kind)
        table = report.tables[index]
        ws = openpyxl.load_workbook(path).worksheets[index]
        header = next(i for i, row in enumerate(ws.iter_rows(values_only=True), start=1)
                      if row[0] == table.columns[0].label)
        assert ws.freeze_panes == f"A{header + 1}"
        last = openpyxl.utils.get_column_letter(len(table.columns))
        assert ws.auto_filter.ref == f"A{header}:{last}{header + len(table.rows)}"


def _footer_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        footers = [n for n in z.namelist() if re.fullmatch(r"word/footer\d+\.xml", n)]
        assert footers, "no footer"
        xml = z.read(footers[0]).decode("utf-8")
    assert "PAGE" in re.sub(r"<[^>]+>", "", xml)
    return "".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", xml))


def test_every_docx_has_page_numbers(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    paths = [render(build(known.db, ReportRequest("weekly", parse_week("2026-W47", TODAY)),
                          TODAY), "docx", tmp_path / "周报.docx")]
    for kind in ("agreement", "record", "register", "casefile"):
        paths.append(generate(known.svc, kind, known.case_nos["C1"], folder=tmp_path))
    assert [_footer_text(p) for p in paths] == ["— 1 —"] * 5


def test_a_period_not_yet_begun_says_so(known, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    report = build(known.db, ReportRequest("weekly", parse_week("2026-W50", TODAY)), TODAY)
    assert report.subtitle == ("2026年第50周（2026年12月7日至12月13日）　本期尚未开始"
                               "（2026-12-07起），各项数字均为0")
    monkeypatch.chdir(tmp_path)
    assert main(["report", "weekly", "--week", "2099-W01", "-f", "md", "--db",
                 str(known.path)]) == 0
    err = capsys.readouterr().err
    assert "注意：2099年第1周（2098年12月29日至2099年1月4日）尚未开始（2098-12-29起），报表中的各项数字均为0。" \
        in err.splitlines()
