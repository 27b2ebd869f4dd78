"""The command line of 通报 (issue 22): issued at the county, sent down, shown and exported
at the township."""

from __future__ import annotations

import json
from pathlib import Path

from mediator.i18n import t

from .test_sync_cli import _register, homes  # noqa: F401  (the fixture)


def test_notice_on_the_command_line(homes, tmp_path: Path, capsys) -> None:  # noqa: F811
    stick = tmp_path / "U盘"
    stick.mkdir()
    assert homes("town", "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001") == 0
    assert homes("county", "init", "--office-name", "西湖区人民调解委员会",
                 "--office-code", "330106") == 0
    assert homes("county", "keys", "export", "-o", str(stick)) == 0
    assert homes("town", "keys", "export", "-o", str(stick)) == 0
    assert homes("town", "keys", "trust", str(stick / "330106_西湖区.pub")) == 0
    assert homes("county", "keys", "trust", str(stick / "330106001_青石镇.pub")) == 0
    _register(tmp_path / "town", 2)
    assert homes("town", "sync", "export", "-o", str(stick)) == 0
    assert homes("county", "sync", "import", str(stick)) == 0
    capsys.readouterr()
    # bad input: refused in Chinese, nothing written
    assert homes("county", "supervision", "notice", "issue", "--month", "2026-11",
                 "--measures", "speed") == 2
    assert capsys.readouterr().err.strip().endswith(
        "排名指标“speed”不认识，可选：success_rate、overdue、visit_rate、supervision_overdue")
    assert homes("town", "supervision", "notice", "show") != 0
    assert t("notice.none_held") in capsys.readouterr().err
    assert homes("county", "supervision", "notice", "issue", "--month", "2026-11",
                 "--measures", "overdue,success_rate") == 0
    assert capsys.readouterr().out.strip() == t("notice.issued_cli", period="2026-11", n=1)
    down = tmp_path / "下发"
    down.mkdir()
    assert homes("county", "sync", "export", "--down", "330106001", "-o", str(down)) == 0
    [package] = list(down.glob("*.mdsync"))
    assert homes("town", "sync", "import", str(package)) == 0
    capsys.readouterr()
    assert homes("town", "supervision", "notice", "show", "-f", "json", "-o", "-") == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["period"], data["measures"]) == ("2026-11", ["overdue", "success_rate"])
    [row] = data["rows"]
    assert (row["code"], row["registered"], row["accepted"], row["overdue"],
            row["success_rate"], row["ranks"]) == (
        "330106001", 2, 0, 0, None, {"overdue": 1, "success_rate": None})
    out = tmp_path / "通报.csv"
    assert homes("town", "supervision", "notice", "show", "-f", "csv", "-o", str(out)) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines == ["乡镇,登记,受理,调结,调解成功,调解成功率,逾期未结,应回访,已回访,回访率,"
                     "督办逾期,逾期未结数排名,调解成功率排名",
                     "青石镇人民调解委员会,2,0,0,0,—,0,0,0,—,0,1,—"]
    book = tmp_path / "通报.xlsx"
    assert homes("town", "supervision", "notice", "show", "-f", "xlsx", "-o", str(book)) == 0
    from openpyxl import load_workbook

    values = [tuple(r) for r in load_workbook(book).worksheets[0].iter_rows(values_only=True)]
    assert ("青石镇人民调解委员会", "2", "0", "0", "0", "—", "0", "0", "0", "—", "0", "1",
            "—") in values
    assert homes("town", "supervision", "notice", "show", "-f", "pdf") == 2
    assert t("notice.bad_format", format="pdf", formats="md/csv/json/xlsx") in \
        capsys.readouterr().err
