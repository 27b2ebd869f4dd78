"""Every format shows the same numbers: each file is read back (xlsx with openpyxl, docx with
python-docx, csv/md/json parsed) and every table cell compared with the report model, whose
summary is in turn checked against the figures counted by hand."""

from __future__ import annotations

import csv
import json
import zipfile
from datetime import date, datetime
from pathlib import Path
from typing import Any

import docx
import openpyxl
import pytest

from mediator.i18n import t
from mediator.reports import render
from mediator.reports.build import ReportRequest, build
from mediator.reports.model import Money, Points, Rate, Report, Signed, format_cell
from mediator.reports.periods import parse_month, parse_week

from .conftest import AGO, FULL_ID, FULL_PHONE, PARTY_NAMES, TODAY, W46, W47

POINTS = "个百分点"


def canon(value: Any) -> Any:
    """One comparable form for a cell, whichever file it was read from (rates to the 0.1% the
    files print)."""
    if isinstance(value, str):
        value = value.strip()
    if isinstance(value, Signed):
        value = value.value
    if isinstance(value, Points):  # a change of a rate, in percentage points (-75.0个百分点)
        return None if value.value is None else round(value.value * 100, 3)
    if isinstance(value, Money):
        return round(value.fen / 100, 3)
    if isinstance(value, Rate):
        return None if value.value is None else round(value.value, 3)
    if value is None or value == "—" or value == "":
        return None
    if isinstance(value, bool):
        return t("report.yes") if value else t("report.no")
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (int, float)):
        return round(float(value), 3)
    text = str(value).replace("<br>", "\n").replace("\\|", "|").strip()
    text = text.removeprefix("'")
    raw = text.replace(",", "")
    try:
        if raw.endswith(POINTS):
            return round(float(raw[:-len(POINTS)]), 3)
        if raw.endswith("%"):
            return round(float(raw[:-1]) / 100, 3)
        return round(float(raw), 3)
    except ValueError:
        return text


def model_tables(report: Report) -> list[list[list[Any]]]:
    return [[[canon(c) for c in row] for row in tb.rows] for tb in report.tables]


def read_xlsx(path: Path, report: Report) -> list[list[list[Any]]]:
    wb = openpyxl.load_workbook(path)
    out = []
    for ws, tb in zip(wb.worksheets, report.tables):
        labels = [c.label for c in tb.columns]
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        head = next(i for i, r in enumerate(rows) if [str(x) for x in r[:len(labels)]] == labels)
        body = rows[head + 1: head + 1 + len(tb.rows)]
        out.append([[canon(c) for c in r[:len(labels)]] for r in body])
    return out


def read_docx(path: Path, report: Report) -> list[list[list[Any]]]:
    d = docx.Document(str(path))
    out = []
    for table in d.tables:
        rows = [[cell.text for cell in row.cells] for row in table.rows]
        out.append([[canon(c) for c in r] for r in rows[1:]])
    return out


def read_csv(path: Path, report: Report) -> list[list[list[Any]]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    out = []
    for tb in report.tables:
        at = next(i for i, r in enumerate(rows) if r == [tb.title]
                  and rows[i + 1] == [c.label for c in tb.columns])
        out.append([[canon(c) for c in r] for r in rows[at + 2: at + 2 + len(tb.rows)]])
    return out


def read_md(path: Path, report: Report) -> list[list[list[Any]]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    out = []
    for tb in report.tables:
        at = lines.index(f"## {tb.title}")
        body = lines[at + 4: at + 4 + len(tb.rows)]
        out.append([[canon(c) for c in line.strip().strip("|").split(" | ")] for line in body])
    return out


def read_json(path: Path, report: Report) -> list[list[list[Any]]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [[[canon(c) for c in row] for row in tb["rows"]] for tb in data["tables"]]


READERS = {"xlsx": read_xlsx, "docx": read_docx, "csv": read_csv, "md": read_md, "json": read_json}


@pytest.fixture(scope="module")
def weekly(known) -> Report:  # type: ignore[no-untyped-def]
    return build(known.db, ReportRequest("weekly", parse_week("2026-W47", TODAY)), TODAY)


@pytest.fixture(scope="module")
def written(weekly, tmp_path_factory) -> dict[str, Path]:  # type: ignore[no-untyped-def]
    folder = tmp_path_factory.mktemp("输出 文件")
    return {fmt: render.write(weekly, fmt, folder=folder) for fmt in render.FORMATS}


def _figure(key: str, value: Any) -> Any:
    return None if value is None else round(value / 100 if key == "amount_fen" else value, 3)


def test_summary_model_holds_the_hand_counted_figures(weekly) -> None:  # type: ignore[no-untyped-def]
    summary = weekly.table("summary")
    rows = {row[0]: [canon(c) for c in row[1:]] for row in summary.rows}
    for key in W47:
        current, previous, _, _, year_ago = rows[t(f"fig.{key}")][:5]
        assert current == _figure(key, W47[key]), key
        assert previous == _figure(key, W46[key]), key
        assert year_ago == _figure(key, AGO[key]), key
    assert rows[t("fig.registered")][2:4] == [2.0, 1.0]          # +2, +100%
    assert rows[t("fig.success_rate")][5] == -75.0  # percentage points
    rate = next(r for r in summary.rows if r[0] == t("fig.success_rate"))
    assert format_cell(rate[6]) == "-75.0个百分点"


@pytest.mark.parametrize("fmt", render.FORMATS)
def test_every_format_shows_the_same_numbers(fmt, weekly, written) -> None:  # type: ignore[no-untyped-def]
    assert READERS[fmt](written[fmt], weekly) == model_tables(weekly)


def test_default_file_name(written) -> None:  # type: ignore[no-untyped-def]
    assert written["xlsx"].name == "青石镇人民调解周报_2026-W47.xlsx"
    assert written["docx"].name == "青石镇人民调解周报_2026-W47.docx"


def test_xlsx_charts_and_print_setup(written) -> None:  # type: ignore[no-untyped-def]
    wb = openpyxl.load_workbook(written["xlsx"])
    names = wb.sheetnames
    assert names[:2] == ["主要指标", "按纠纷类型"] and "在办疑难案件" in names and "逾期案件" in names
    assert len(wb["按纠纷类型"]._charts) == 1 and len(wb["近12周趋势"]._charts) == 1
    assert wb["近12周趋势"]._charts[0].tagname == "lineChart"
    assert len(wb["近12周趋势"]._charts[0].series) == 2
    for ws in wb.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
        assert ws.print_title_rows  # header row repeated on every printed page
    hard = [r for r in wb["在办疑难案件"].iter_rows(values_only=True)]
    header = hard[1]
    assert {"包案领导", "责任人", "化解时限", "稳控措施"} <= set(header)
    assert hard[2][header.index("包案领导")] == "赵书记"


def test_docx_is_a4_with_chinese_fonts(written) -> None:  # type: ignore[no-untyped-def]
    d = docx.Document(str(written["docx"]))
    section = d.sections[0]
    assert {round(section.page_width.cm, 1), round(section.page_height.cm, 1)} == {21.0, 29.7}
    with zipfile.ZipFile(written["docx"]) as z:
        styles = z.read("word/styles.xml").decode("utf-8")
        body = z.read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="仿宋"' in styles
    assert 'w:eastAsia="宋体"' in body
    text = "\n".join(p.text for p in d.paragraphs)
    assert "本周共登记矛盾纠纷4件（上周2件，增加2件）" in text
    assert "调解成功率25.0%" in text


def test_csv_has_a_bom(written) -> None:  # type: ignore[no-untyped-def]
    assert written["csv"].read_bytes()[:3] == b"\xef\xbb\xbf"


def test_json_figures_are_raw_numbers(written) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(written["json"].read_text(encoding="utf-8"))
    assert data["figures"]["current"] == W47
    assert data["figures"]["previous"] == W46 and data["figures"]["year_ago"] == AGO
    assert data["figures"]["period"] == {"kind": "week", "label": "2026-W47",
                                         "start": "2026-11-16", "end": "2026-11-22"}
    assert data["masked"] is True and data["zero_report"] is False


def _texts(path: Path) -> str:
    """All text of a file, xlsx and docx unzipped."""
    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as z:
            return "\n".join(z.read(n).decode("utf-8", "replace") for n in z.namelist()
                             if n.endswith(".xml"))
    return path.read_text(encoding="utf-8-sig")


@pytest.mark.parametrize("kind,period", [
    ("weekly", "2026-W47"), ("monthly", "2026-11"), ("range", None), ("ledger", "2026-11"),
    ("screening", "2026-11"), ("subsidy", "2026-11")])
def test_masked_by_default_in_every_summary_format(kind, period, known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mediator.reports.periods import parse_range

    p = (parse_week(period, TODAY) if period and "W" in period else
         parse_month(period, TODAY) if period else parse_range("2026-10-01", "2026-11-23", TODAY))
    report = build(known.db, ReportRequest(kind, p), TODAY)
    assert report.masked
    for fmt in render.FORMATS:
        content = _texts(render.write(report, fmt, folder=tmp_path))
        assert FULL_ID not in content and FULL_PHONE not in content, (kind, fmt)
        assert "13700002222" not in content  # a phone typed into the 稳控措施 text
        for name in PARTY_NAMES:
            assert name not in content, (kind, fmt, name)
    if kind == "ledger":
        assert "110105********002X" in content and "138****5678" in content
        assert "张某" in content


def test_unmasked_is_explicit_and_audited(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from mediator.core import audit
    from mediator.reports.service import export

    req = ReportRequest("ledger", parse_month("2026-11", TODAY), masked=False)
    path = export(known.svc, req, "csv", folder=tmp_path)
    content = path.read_text(encoding="utf-8-sig")
    assert FULL_ID in content and FULL_PHONE in content and "张三" in content
    assert t("report.unmasked_notice") in content
    with known.db.read() as s:
        row = s.exec(text("SELECT operator, action, \"after\" FROM audit_log "
                          "ORDER BY seq DESC LIMIT 1")).one()
        assert audit.verify(s).ok
    assert row[0] == "王调解" and row[1] == "report.unmasked"
    assert json.loads(row[2])["path"] == str(path) and json.loads(row[2])["kind"] == "ledger"


def test_masked_export_writes_no_audit_entry(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import text

    from mediator.reports.service import export

    with known.db.read() as s:
        before = s.exec(text("SELECT count(*) FROM audit_log")).scalar_one()
    export(known.svc, ReportRequest("weekly", parse_week("2026-W47", TODAY)), "md", folder=tmp_path)
    with known.db.read() as s:
        assert s.exec(text("SELECT count(*) FROM audit_log")).scalar_one() == before


def test_empty_week_says_zero_report_in_every_format(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    report = build(known.db, ReportRequest("weekly", parse_week("2026-W43", TODAY)), TODAY)
    assert report.zero
    for fmt in render.FORMATS:
        path = render.write(report, fmt, folder=tmp_path)
        assert "零报告" in _texts(path), fmt
    assert path.name == "青石镇人民调解周报_2026-W43.json"


def test_screening_table_adds_up(known) -> None:  # type: ignore[no-untyped-def]
    report = build(known.db, ReportRequest("screening", parse_month("2026-11", TODAY)), TODAY)
    table = report.tables[0]
    labels = [row[0] for row in table.rows]
    assert labels[0] == "合计" and "01 婚姻家庭" in labels and "99 其他" in labels
    assert "其中：拖欠农民工工资" in labels
    col = [c.key for c in table.columns].index("registered")
    main = [row for i, row in enumerate(table.rows[1:], start=1) if i not in table.sub_rows]
    assert sum(row[col] for row in main) == table.rows[0][col] == 7
    labour = labels.index("10 劳动争议")
    assert table.rows[labour][col] == 2 and table.rows[labour + 1][col] == 1  # C5 in both


def test_subsidy_list_grades_and_file_check(known) -> None:  # type: ignore[no-untyped-def]
    report = build(known.db, ReportRequest("subsidy", parse_month("2026-11", TODAY)), TODAY)
    claims = report.table("subsidy")
    cols = [c.key for c in claims.columns]
    by_no = {row[cols.index("case_no")]: row for row in claims.rows}
    assert set(by_no) == {known.case_nos["C1"], known.case_nos["C11"]}
    c1, c11 = by_no[known.case_nos["C1"]], by_no[known.case_nos["C11"]]
    assert c11[cols.index("complete")] == "是" and c11[cols.index("missing")] == ""
    assert c1[cols.index("complete")] == "否"
    assert "当事人身份证明" in c1[cols.index("missing")]
    assert c1[cols.index("grade")] == "一般"
    assert report.figures["cases"] == 2 and report.figures["complete"] == 1
