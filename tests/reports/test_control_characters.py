"""Control characters never crash Word or Excel output (issue 17, item 4).

A party name with a vertical tab pasted from a Word table used to be stored as typed, and
python-docx then refused it: every document of that case and the unmasked ledger died. Now
typed text is cleaned on input, and the writers drop what XML cannot hold, for rows an older
version or an import stored (written here directly, as an import at the county could)."""

from __future__ import annotations

import sqlite3
import zipfile
from datetime import date

import docx
import openpyxl
import pytest

from mediator.core.enums import DisputeType, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.documents.service import generate
from mediator.reports.build import ReportRequest
from mediator.reports.periods import parse_month
from mediator.reports.service import export

from .conftest import TODAY

BAD = "\x00\x1b[2J\x0b\x0c\x07\x08\x7f\x85\x9b"


def test_typed_name_with_a_vertical_tab_is_stored_without_it(known) -> None:  # type: ignore[no-untyped-def]
    svc = known.svc
    case = svc.register_case(CaseInput(
        parties=[PartyInput("张\x0b三\x1b[31m"), PartyInput("李\t四", role=PartyRole.RESPONDENT)],
        dispute_type=DisputeType.NEIGHBOUR, registered_on=date(2026, 11, 20),
        facts="第一行\x0b\n第二行\x00\r\n第三行\t完", requests="赔偿\x1b[2J"))
    cf = svc.case_file(case.case_id)
    names = sorted(p.name for p in cf.parties)
    assert names == ["张三[31m", "李 四"]
    assert cf.case.facts == "第一行\n第二行\n第三行\t完"
    assert cf.case.requests == "赔偿[2J"
    mediator = svc.add_mediator("王\x0c调解\n")
    assert mediator.name == "王调解"
    svc.delete_case(case.case_id, "测试\x0b用")


@pytest.fixture(scope="module")
def dirty(known):  # type: ignore[no-untyped-def]
    """Every text column of case C1 and C11 laced with NUL, ESC, VT and C1 controls, written
    behind the application's back."""
    con = sqlite3.connect(known.path, isolation_level=None)
    try:
        con.execute("PRAGMA foreign_keys=OFF")
        for table, cols in {
            "party": ("name", "address"),
            "dispute_case": ("facts", "requests"),
            "agreement": ("terms", "responsibilities", "perform_place"),
            "case_event": ("summary", "content"),
            "office": ("name",),
            "mediator": ("name",),
            "village": ("name",),
        }.items():
            have = {r[1] for r in con.execute(f"PRAGMA table_info({table})")}
            sets = ", ".join(f"{c} = substr({c}, 1, 1) || ? || substr({c}, 2)"
                             for c in cols if c in have)
            n = sum(c in have for c in cols)
            for trigger, in con.execute("SELECT name FROM sqlite_master WHERE type='trigger' "
                                        "AND tbl_name=?", (table,)).fetchall():
                pytest.fail(f"unexpected trigger {trigger}")
            con.execute(f"UPDATE {table} SET {sets} WHERE {cols[0]} IS NOT NULL", (BAD,) * n)
    finally:
        con.close()
    return known


@pytest.mark.parametrize("kind", ["register", "agreement", "record", "casefile"])
def test_every_document_prints_stored_control_characters(dirty, tmp_path, kind) -> None:  # type: ignore[no-untyped-def]
    path = generate(dirty.svc, kind, dirty.case_nos["C1"], folder=tmp_path)
    body = "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    for table in docx.Document(str(path)).tables:
        body += "\n".join(c.text for row in table.rows for c in row.cells)
    assert "张" in body
    for ch in "\x00\x1b\x0b\x0c\x07\x08\x7f\x85\x9b":
        assert ch not in body, (kind, repr(ch))


@pytest.mark.parametrize("fmt", ["docx", "xlsx"])
def test_the_unmasked_ledger_prints_stored_control_characters(dirty, tmp_path, fmt) -> None:  # type: ignore[no-untyped-def]
    req = ReportRequest("ledger", parse_month("2026-11", TODAY), masked=False)
    path = export(dirty.svc, req, fmt, folder=tmp_path)
    if fmt == "docx":
        d = docx.Document(str(path))
        text = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    else:
        wb = openpyxl.load_workbook(path)
        text = "\n".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row
                         if c.value is not None)
    assert "张三" in text.replace("[2J", "")
    with zipfile.ZipFile(path) as z:
        xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    for ch in (b"\x00", b"\x1b", b"\x0b", b"\x0c", b"_x001B_", b"_x000B_"):
        assert ch not in xml, (fmt, ch)
