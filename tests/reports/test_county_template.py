"""County report templates (issue 24, point 4): the default ministry-style one filled from a
month counted by hand; a template naming an unknown indicator refused, nothing written."""

from __future__ import annotations

from datetime import date

import pytest

from mediator.cli import main
from mediator.core.errors import ValidationError
from mediator.i18n import t
from mediator.reports.build import ReportRequest, build
from mediator.reports.templates import default_template, load_template, parse_template

from .test_screening_figures import NOV, month  # noqa: F401 - the fixture

TODAY = date(2026, 11, 23)


def test_the_default_template_is_filled(month) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    report = build(month.db, ReportRequest("monthly", NOV, template=default_template()),
                   TODAY)
    table = report.tables[0]
    assert (table.key, table.title) == ("template", "人民调解工作统计表")
    rows = {r[0]: r[1:] for r in table.rows}
    assert rows["开展矛盾纠纷排查"] == ["次", 5]
    assert rows["其中零报告村(居)"] == ["个", 1]
    assert rows["排查发现矛盾纠纷"] == ["件", 4]
    assert rows["预防纠纷"] == ["件", 1]
    assert rows["防止民间纠纷转化为刑事案件"] == ["件", 1]
    assert rows["防止因民间纠纷引起自杀"] == ["件", 1]
    assert rows["调解成功率"] == ["%", None]  # nothing accepted in November
    assert rows["人民调解委员会"] == ["个", 4]
    assert table.rows[0] == ["一、矛盾纠纷排查", "", ""]


def test_unknown_indicators_and_bad_files_are_refused(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = 'title = "县表"\n[[section]]\ntitle = "一"\nrows = [{ indicator = "mars_landings", unit = "件" }]\n'
    with pytest.raises(ValidationError) as err:
        parse_template(bad, "县表.toml")
    assert str(err.value) == t("tpl.unknown_indicator", name="县表.toml",
                               indicator="mars_landings", n=1)
    with pytest.raises(ValidationError) as err:
        parse_template('[[section]]\nrows = [{ indicator = "accepted", unit = "斤" }]', "x.toml")
    assert str(err.value) == t("tpl.bad_unit", name="x.toml", unit="斤", n=1,
                               units="件 / 人 / 次 / 个 / % / 元 / 万元")
    with pytest.raises(ValidationError):
        parse_template("title = ", "x.toml")
    with pytest.raises(ValidationError):
        load_template(tmp_path / "missing.toml")


def test_cli_refuses_an_unknown_indicator_before_anything(db_path, svc, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    svc.db.close()
    path = tmp_path / "县 模板.toml"
    path.write_text('[[section]]\nrows = [{ indicator = "nope", unit = "件" }]\n', encoding="utf-8")
    out = tmp_path / "月报.md"
    code = main(["report", "monthly", "--month", "2026-11", "--template", str(path), "-f", "md",
                 "-o", str(out), "--db", str(db_path)])
    assert code == 2
    assert capsys.readouterr().err.strip() == t("cli.error", message=t(
        "tpl.unknown_indicator", name="县 模板.toml", indicator="nope", n=1))
    assert not out.exists()
    code = main(["report", "monthly", "--month", "2026-11", "--template", "default", "-f", "md",
                 "-o", str(out), "--db", str(db_path)])
    assert code == 0
    assert "## 人民调解工作统计表" in out.read_text(encoding="utf-8")
