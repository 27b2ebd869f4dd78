"""The command line of issue 22: 督办 at the county, 下发, 签收/办理情况 at the township, the
county's 督办台账 (``report supervision``)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from mediator.i18n import t

from .test_sync_cli import _register, homes  # noqa: F401  (the fixture)


def test_supervision_round_trip_on_the_command_line(homes, tmp_path: Path, capsys) -> None:  # noqa: F811
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
    _register(tmp_path / "town", 1)
    assert homes("town", "sync", "export", "-o", str(stick)) == 0
    assert homes("county", "sync", "import", str(stick)) == 0
    con = sqlite3.connect(tmp_path / "town" / "mediator.db")
    [(case_no,)] = con.execute("SELECT case_no FROM dispute_case").fetchall()
    con.close()
    capsys.readouterr()

    assert homes("county", "supervision", "add", case_no, "--instruction", "请尽快化解",
                 "--due", "+10", "--leader", "李副县长") == 0
    item = re.search(r"编号 ([0-9a-f]{32})", capsys.readouterr().out).group(1)
    # 交办 from the command line: an unknown dispute type is refused, nothing written
    assert homes("county", "supervision", "assign", "--to", "330106001", "--applicant", "王五",
                 "--type", "不存在的类型", "--facts", "信访转交", "--instruction", "请调处",
                 "--due", "+30") != 0
    assert t("cli.supervision.bad_type", type="不存在的类型") in capsys.readouterr().err
    assert homes("county", "supervision", "assign", "--to", "330106001", "--applicant", "王五",
                 "--respondent", "赵六", "--type", "邻里", "--facts", "信访转交：排水沟纠纷",
                 "--instruction", "请依法调处", "--due", "+30", "--ref", "西信转12号") == 0
    assigned = re.search(r"编号 ([0-9a-f]{32})", capsys.readouterr().out).group(1)
    # a bad format is refused in Chinese, nothing written
    assert homes("county", "report", "supervision", "-f", "pdf") != 0
    assert t("cli.supervision.bad_format", format="pdf", formats="md/csv/json/xlsx") in \
        capsys.readouterr().err
    down = tmp_path / "下发"
    down.mkdir()
    assert homes("county", "sync", "export", "--down", "330106001", "-o", str(down)) == 0
    [package] = list(down.glob("*.mdsync"))
    assert homes("town", "sync", "import", str(package)) == 0
    capsys.readouterr()
    assert homes("town", "supervision", "list") == 0
    listed = capsys.readouterr().out
    assert item in listed and assigned in listed
    con = sqlite3.connect(tmp_path / "town" / "mediator.db")
    assert con.execute("SELECT facts, source FROM dispute_case WHERE source = 'GOVERNMENT'"
                       ).fetchall() == [("信访转交：排水沟纠纷", "GOVERNMENT")]
    con.close()
    assert homes("town", "supervision", "ack", item) == 0
    assert homes("town", "supervision", "progress", item, "--note", "已约谈双方") == 0
    up = tmp_path / "上报"
    up.mkdir()
    assert homes("town", "sync", "export", "-o", str(up)) == 0
    assert homes("county", "sync", "import", str(up)) == 0
    capsys.readouterr()
    [sent] = list(up.glob("*.mdsync"))
    assert homes("town", "sync", "sent") == 0
    assert capsys.readouterr().out.strip() == t("cli.sync.sent_pending", name=sent.name)
    # the county's next package down brings the 回执
    assert homes("county", "sync", "export", "--down", "330106001", "-o", str(down)) == 0
    assert homes("town", "sync", "import", *map(str, down.glob("*.mdsync"))) == 0
    capsys.readouterr()
    assert homes("town", "sync", "sent") == 0
    assert capsys.readouterr().out.startswith(
        t("cli.sync.sent_received", name=sent.name, at="X").split("X")[0])
    assert homes("county", "report", "supervision", "-f", "json", "-o", "-") == 0
    data = json.loads(capsys.readouterr().out)
    [row] = [r for r in data["items"] if r["id"] == item]
    assert (row["id"], row["status"], row["progress"], row["days_left"], row["leader"],
            row["case_no"]) == (item, "WORKING", "已约谈双方", 10, "李副县长", case_no)
    out = tmp_path / "台账.csv"
    assert homes("county", "report", "supervision", "-f", "csv", "-o", str(out)) == 0
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].split(",")[:3] == ["乡镇", "类别", "案件编号"]
    assert sorted(line.split(",")[8] for line in lines[1:]) == ["办理中", "未签收"]
    book = tmp_path / "台账.xlsx"
    assert homes("county", "report", "supervision", "-f", "xlsx", "-o", str(book)) == 0
    from openpyxl import load_workbook

    ws = load_workbook(book).worksheets[0]
    values = [tuple(r) for r in ws.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(values) if r[0] == "乡镇")
    first = next(r for r in values[header + 1:] if r[1] == "督办")
    assert first[:3] == ("青石镇人民调解委员会", "督办", case_no)
    assert first[8:10] == ("办理中", 10)
