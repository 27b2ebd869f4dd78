"""What was sent stays known: a report of figures written out is recorded; written again after
a past fact changed, it warns with the figures and cases that changed and is marked 更正."""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import text

from mediator.cli import main
from mediator.reports.build import ReportRequest
from mediator.reports.periods import parse_week
from mediator.reports.service import export

TODAY = date(2026, 11, 23)


def _sent(db):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.exec(text("SELECT kind, period_label, channel, correction, figures, cases "
                           "FROM report_sent ORDER BY id")).all()


def test_a_corrected_report_says_what_changed(svc, make_case, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    a, b = make_case(days_ago=7), make_case(days_ago=6)  # registered 11-16 and 11-17 (W47)
    svc.accept_case(a.id, on=date(2026, 11, 16))
    svc.accept_case(b.id, on=date(2026, 11, 17))
    no_b = svc.case_file(b.id).case.case_no
    req = ReportRequest("weekly", parse_week("2026-W47", TODAY))
    seen: list = []
    first = export(svc, req, "md", folder=tmp_path, on_drift=seen.append)
    assert seen == []
    assert "更正" not in first.read_text(encoding="utf-8")
    [(kind, label, channel, corr, figures, cases)] = _sent(svc.db)
    assert (kind, label, channel, corr) == ("weekly", "2026-W47", "file", 0)
    assert json.loads(figures)["accepted"] == 2
    assert json.loads(cases)[no_b] == {"registered": 1, "accepted": 1, "mediating": 1,
                                       "persons": 2}

    # the same figures again: nothing to say, nothing marked
    export(svc, req, "md", tmp_path / "again.md", on_drift=seen.append)
    assert seen == [] and [r[3] for r in _sent(svc.db)] == [0, 0]

    svc.delete_case(b.id, "重复登记")  # a correction of the past week
    second = export(svc, req, "md", tmp_path / "更正.md", on_drift=seen.append)
    [drift] = seen
    assert drift.cases == [no_b]
    assert drift.changed["registered"] == (2, 1) and drift.changed["accepted"] == (2, 1)
    body = second.read_text(encoding="utf-8")
    assert body.splitlines()[0] == "# 青石镇人民调解周报（更正）"
    assert "此后数字有变：登记数 2→1，受理数 2→1，期末在调数 2→1，涉及人数 4→2。" in body
    assert [r[3] for r in _sent(svc.db)] == [0, 0, 1]


def test_the_cli_warns_and_lists_the_cases(svc, make_case, tmp_path, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = make_case(days_ago=7)
    b = make_case(days_ago=6)
    no_b = svc.case_file(b.id).case.case_no
    monkeypatch.chdir(tmp_path)
    db = str(svc.db.path)
    assert main(["report", "weekly", "--week", "2026-W47", "-f", "md", "--db", db]) == 0
    assert "注意" not in capsys.readouterr().err
    svc.delete_case(b.id, "重复登记")
    assert main(["report", "weekly", "--week", "2026-W47", "-f", "md", "-o", "-",
                 "--db", db]) == 0
    err = capsys.readouterr().err
    assert "此后数字有变：登记数 2→1，涉及人数 4→2。" in err
    assert f"引起变化的案件：{no_b}。" in err
    assert a.id
    # recording what was sent leaves the audit chain intact
    assert main(["--db", db, "doctor"]) == 0
    assert "审计记录完整" in capsys.readouterr().out
