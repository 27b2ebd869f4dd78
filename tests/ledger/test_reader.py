"""The streaming .xlsx reader gives exactly what openpyxl gives, and falls back to it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from mediator.core.errors import ValidationError
from mediator.ledger import reader
from tests.ledger import ledgers as L


def both(path: Path, sheet: str | None = None) -> tuple[reader.Table, reader.Table]:
    fast = reader._read_xlsx_stream(path, sheet)
    assert fast is not None
    return fast, reader._read_xlsx_openpyxl(path, sheet)


@pytest.mark.parametrize("build", [L.ledger_a, L.ledger_b, L.ledger_c])
def test_same_as_openpyxl(tmp_path: Path, build) -> None:  # type: ignore[no-untyped-def]
    fast, slow = both(build(tmp_path / "x.xlsx"))
    assert fast.rows == slow.rows and fast.sheet == slow.sheet and fast.sheets == slow.sheets
    assert sorted(fast.merged) == sorted(slow.merged)


def test_value_kinds(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws.append(["受理日期", "申请人", "金额", "是否", "公式"])
    ws.append([datetime(2026, 1, 5, 9, 30), "张三 & <李四>", 3000.5, True, "=1+1"])
    ws.append([date(2026, 2, 1), "  王五", 12, False, None])
    ws["A3"].number_format = 'yyyy"年"m"月"d"日"'
    ws["C4"] = 7
    ws["C4"].number_format = "0.00"
    ws["E5"] = "后面的行"
    wb.create_sheet("空表")
    wb.save(tmp_path / "k.xlsx")
    fast, slow = both(tmp_path / "k.xlsx")
    assert fast.rows == slow.rows
    assert fast.rows[1][:4] == [datetime(2026, 1, 5, 9, 30), "张三 & <李四>", 3000.5, True]
    assert fast.rows[2][0] == datetime(2026, 2, 1) and fast.rows[3][2] == 7
    assert fast.sheets == ["台账", "空表"]
    fast2, slow2 = both(tmp_path / "k.xlsx", "空表")
    assert fast2.rows == slow2.rows == [] and fast2.sheet == "空表"
    with pytest.raises(ValidationError, match="没有名为"):
        reader.read_table(tmp_path / "k.xlsx", "2025")


def test_falls_back_to_openpyxl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = L.ledger_a(tmp_path / "a.xlsx")

    def broken(*_: object) -> None:
        raise KeyError("xl/workbook.xml")

    monkeypatch.setattr(reader, "_read_xlsx_stream", broken)
    table = reader.read_table(path)
    assert table.sheet == "2026年" and table.rows[1][2] == "张三"
