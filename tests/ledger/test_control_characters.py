"""A ledger pasted together from Word documents carries vertical tabs, form feeds and worse:
imported names and texts are stored without them, and the reject file is still written
(issue 17, item 4)."""

from __future__ import annotations

import csv
from pathlib import Path

from openpyxl import load_workbook

from mediator.ledger.importer import import_ledger
from tests.ledger import ledgers as L


def test_ledger_cells_with_control_characters_are_cleaned(svc, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = [list(r) for r in L.D_ROWS]
    rows[0][2] = "张\x0b三、李\x1b[2J四"
    rows[0][5] = "鸡鸭\x0c啄食\x00庄稼\n第二行"
    rows[2][2] = "吴\x0b四"            # a row that is rejected (no date) goes to the reject file
    path = tmp_path / "dirty.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(L.D_HEADER)
        writer.writerows(rows)
    report = import_ledger(path, svc)
    assert report.imported == 2 and len(report.rejected) == 1
    case_id = next(r.case_id for r in report.result.rows if r.row_no == 2)
    cf = svc.case_file(case_id)
    assert sorted(p.name for p in cf.parties) == ["张三", "李[2J四", "王五"]
    assert cf.case.facts == "鸡鸭啄食庄稼\n第二行"
    ws = load_workbook(report.reject_file, read_only=True).active
    assert "吴四" in list(ws.iter_rows(values_only=True))[1]
