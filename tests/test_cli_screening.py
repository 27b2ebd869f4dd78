"""``mediator screening``: a month of rounds from the command line, checked in the database."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from mediator.cli import main
from mediator.core.db import open_database
from mediator.core.errors import NotFoundError
from mediator.core.models import Case, ScreeningItem, ScreeningRound
from mediator.core.screening import week_label
from mediator.i18n import t


@pytest.fixture
def dbfile(db_path, svc):  # type: ignore[no-untyped-def]
    svc.add_village("330106001001", "东村")
    svc.add_village("330106001002", "西村")
    svc.db.close()
    return db_path


def run(dbfile, capsys, *args: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    code = main(["screening", *args, "--db", str(dbfile), "--operator", "王调解"])
    out = capsys.readouterr()
    return code, out.out, out.err


def rows(dbfile, model):  # type: ignore[no-untyped-def]
    with open_database(dbfile) as db, db.read() as s:
        return s.exec(select(model).order_by(model.created_at)).all()


def test_nil_round_item_and_case_from_the_command_line(dbfile, capsys) -> None:  # type: ignore[no-untyped-def]
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    code, out, _ = run(dbfile, capsys, "nil", "东村", "--date", yesterday)
    rnd = rows(dbfile, ScreeningRound)[0]
    assert code == 0
    assert out.strip() == t("cli.scr.round_done", id=rnd.id[:8], date=yesterday, place="东村",
                            level="村(居)排查", nil="零报告")
    assert (rnd.village_code, rnd.nil_return, rnd.screened_by) == ("330106001001", True, "王调解")
    # the same nil return again: refused, exit 2, nothing added
    code, out, err = run(dbfile, capsys, "nil", "东村", "--date", yesterday)
    assert (code, out) == (2, "")
    assert err.strip() == t("cli.error", message=t("scr.round_exists", date=yesterday,
                                                    place="东村"))
    assert len(rows(dbfile, ScreeningRound)) == 1

    code, out, _ = run(dbfile, capsys, "round", "--village", "西村", "--focus", "宅基地")
    west = rows(dbfile, ScreeningRound)[1]
    code, out, _ = run(dbfile, capsys, "item", west.id[:8], "--type", "邻里", "--summary",
                       "两家为排水沟争执", "--persons", "4", "--grade", "较大")
    item = rows(dbfile, ScreeningItem)[0]
    assert (code, item.dispute_type, item.persons_involved, item.risk_grade, item.village_code) == (
        0, "NEIGHBOUR", 4, "MAJOR", "330106001002")
    code, _, err = run(dbfile, capsys, "item", west.id[:8], "--type", "火星", "--summary", "x")
    assert (code, err.strip()) == (2, t("cli.error", message=t("cli.scr.bad_type", value="火星")))
    code, _, err = run(dbfile, capsys, "dispose", item.id[:8], "--as", "prevented")
    assert (code, err.strip()) == (2, t("cli.error", message=t("scr.prevented_needs_how")))
    code, out, _ = run(dbfile, capsys, "dispose", item.id[:8], "--as", "case", "--applicant",
                       "王五", "--respondent", "赵六")
    case = rows(dbfile, Case)[0]
    assert (code, out.strip()) == (0, t("cli.scr.to_case", id=item.id[:8], case_no=case.case_no))
    assert (case.source, rows(dbfile, ScreeningItem)[0].case_id) == ("SCREENING", case.id)
    code, out, _ = run(dbfile, capsys, "list")
    assert code == 0
    assert out.splitlines()[1:] == [
        t("cli.scr.list_row", week=week_label(west.held_on), date=west.held_on.isoformat(), id=west.id[:8], level="村(居)排查", place="西村",
          by="王调解", items=1, open=0, nil=""),
        t("cli.scr.list_row", week=week_label(rnd.held_on),
          date=yesterday, id=rnd.id[:8], level="村(居)排查", place="东村", by="王调解", items=0,
          open=0, nil="是"),
    ]


def test_bad_level_and_unknown_round(dbfile, capsys) -> None:  # type: ignore[no-untyped-def]
    code, _, err = run(dbfile, capsys, "round", "--level", "county")
    assert (code, err.strip()) == (2, t("cli.error", message=t("cli.scr.bad_level", value="county")))
    code, _, err = run(dbfile, capsys, "show", "deadbeef")
    assert code == NotFoundError.exit_code
    assert err.strip() == t("cli.error", message=t("scr.round_not_found", id="deadbeef"))
    assert rows(dbfile, ScreeningRound) == []


def test_risk_from_the_command_line(dbfile, capsys) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import DisputeType
    from mediator.core.inputs import CaseInput, PartyInput
    from mediator.core.models import RiskEvent
    from mediator.core.services import Services

    with open_database(dbfile) as db:
        case = Services(db, "王调解").register_case(CaseInput(
            parties=[PartyInput("张三")], dispute_type=DisputeType.NEIGHBOUR, facts="滴水"))
    args = ["risk", "--case", case.case_no, "--signs", "扬言报复", "--measures", "上门劝阻",
            "--prevented", "fight"]
    code, _, err = run(dbfile, capsys, *args)
    assert (code, err.strip()) == (2, t("cli.error", message=t("risk.claim_needs_report")))
    code, _, err = run(dbfile, capsys, *args[:-1], "mars")
    assert (code, err.strip()) == (2, t("cli.error", message=t("cli.scr.bad_prevention",
                                                                 value="mars")))
    assert rows(dbfile, RiskEvent) == []
    code, out, _ = run(dbfile, capsys, *args, "--reported-to", "青石派出所", "--outcome", "平息",
                       "--persons", "12")
    event = rows(dbfile, RiskEvent)[0]
    assert (code, out.strip()) == (0, t("cli.scr.risk_done", id=event.id[:8],
                                        prevented="防止群体性械斗"))
    assert (event.case_id, event.prevented, event.prevented_persons) == (case.case_id, "FIGHT", 12)


def test_policy_from_the_command_line(dbfile, capsys) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.policy import get_policy
    from mediator.core.services import Services

    code, out, _ = run(dbfile, capsys, "policy")
    assert (code, out.strip()) == (0, t("cli.scr.policy", success=30, risk=15,
                                        basis=t("report.rate_def.ACCEPTED")))
    code, _, err = run(dbfile, capsys, "policy", "--rate-basis", "median")
    assert (code, err.strip()) == (2, t("cli.error", message=t("policy.bad_basis", value="median")))
    code, _, err = run(dbfile, capsys, "policy", "--followup-days", "400")
    assert (code, err.strip()) == (2, t("cli.error", message=t("policy.days_range")))
    code, out, _ = run(dbfile, capsys, "policy", "--followup-days", "15", "--rate-basis",
                       "concluded")
    assert code == 0
    with open_database(dbfile) as db:
        policy = get_policy(Services(db, "王调解"))
    assert (policy.success_days, policy.risk_days, policy.rate_basis) == (15, 15, "CONCLUDED")
