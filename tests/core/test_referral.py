"""Referral regimes (issue 25 point 3): the regime and its record set at 登记 and in 修改信息,
the regime deciding the source, 诉前委派's 30 days through ``rules.apply``, the result fed
back once the mediation has one, bad input refused in Chinese, an upgraded database, and the
``mediator referral`` commands."""

from __future__ import annotations

import os
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest
from schema_history import rewind_before

from mediator.cli import main
from mediator.core import rules
from mediator.core.enums import CaseSource, DisputeType, EventKind, PartyRole, ReferralKind, Route
from mediator.core.errors import DomainError, ValidationError
from mediator.core.inputs import CaseInput, PartyInput
from mediator.i18n import t


def test_each_regime_has_its_source() -> None:
    assert {k.name: k.source.name for k in ReferralKind} == {
        "PRE_SUIT": "COURT", "IN_SUIT": "COURT", "POLICE_110": "POLICE",
        "TRAFFIC_POLICE": "POLICE", "PETITION_OFFICE": "PETITION",
        "HOTLINE_12345": "GOVERNMENT", "CENTRE": "GOVERNMENT", "PROCURATORATE": "GOVERNMENT"}
    assert [k.name for k in ReferralKind if k.court] == ["PRE_SUIT", "IN_SUIT"]
    assert ReferralKind.PRE_SUIT.label == "诉前委派（法院）"


def test_pre_suit_referral_registered_runs_thirty_days(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    today = svc.today()
    case = make_case(days_ago=5, referral_kind=ReferralKind.PRE_SUIT, referral_body="青石县人民法院",
                     referral_no=" （2026）浙0106民诉前调1234号 ", referral_on=today - timedelta(days=6))
    assert (case.source, case.referral_kind, case.referral_body, case.referral_no,
            case.referral_on) == ("COURT", "PRE_SUIT", "青石县人民法院", "（2026）浙0106民诉前调1234号",
                                  today - timedelta(days=6))
    svc.accept_case(case.id, on=today - timedelta(days=4))
    cf = svc.case_file(case.id)
    assert cf.case.deadline_on == today + timedelta(days=26)
    # a labour dispute referred before suit runs the referral's 30 days, not 15
    labour = make_case(dispute_type=DisputeType.LABOUR, referral_kind=ReferralKind.PRE_SUIT)
    svc.accept_case(labour.id, on=today)
    assert svc.case_file(labour.id).case.deadline_on == today + timedelta(days=30)
    # an in-suit referral keeps the type's limit (one month)
    in_suit = make_case(referral_kind=ReferralKind.IN_SUIT)
    svc.accept_case(in_suit.id, on=today)
    assert svc.case_file(in_suit.id).case.deadline_on == rules.add_months(today, 1)


def test_past_the_referral_limit_warns_with_its_route() -> None:
    on = date(2026, 11, 2)
    f = rules.CaseFacts(state=rules.S.MEDIATING, registered_on=on, accepted_on=on,
                        dispute_type="NEIGHBOUR", referral="PRE_SUIT")
    [d] = rules.deadlines(f, date(2026, 12, 5))
    assert d.due == date(2026, 12, 2)
    [w] = rules.warnings(f, date(2026, 12, 5))
    assert w.message == t("rules.warn.past_limit", limit=rules.LIMIT_PRE_SUIT.label, days=3)
    assert rules.LIMIT_PRE_SUIT.route is Route.LITIGATION


def test_marked_in_edit_sets_the_source_and_record(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    today = svc.today()
    case = make_case()
    svc.edit_case(case.id, referral_kind=ReferralKind.POLICE_110, referral_body="青石派出所",
                  referral_no="J3301062026110200123", referral_on=today - timedelta(days=10))
    row = svc.find_case(case.id)
    assert (row.source, row.referral_kind, row.referral_body, row.referral_no, row.referral_on) == (
        "POLICE", "POLICE_110", "青石派出所", "J3301062026110200123", today - timedelta(days=10))
    edit = [e for e in svc.case_file(case.id).events if e.kind == EventKind.EDIT.name][-1]
    assert svc.edited_fields(edit.body) == "委派/移交单位、委派/移交类型、委派/移交文号、委派/移交日期"
    # cleared: the record goes with its regime; the source stays as the officer left it
    svc.edit_case(case.id, referral_kind=None, referral_body=None, referral_no=None,
                  referral_on=None)
    row = svc.find_case(case.id)
    assert (row.source, row.referral_kind, row.referral_body, row.referral_no, row.referral_on) == (
        "POLICE", None, None, None, None)


@pytest.mark.parametrize(("kw", "field", "message"), [
    (dict(referral_body="县法院"), "referral_kind", "填写委派/移交单位、文号或日期前，请先选择委派/移交类型。"),
    (dict(referral_kind=ReferralKind.PRE_SUIT, source=CaseSource.POLICE), "source",
     "委派/移交类型“诉前委派（法院）”对应的案件来源是“法院委托”，与所填来源“公安移交”不符。"),
    (dict(referral_kind=ReferralKind.CENTRE, referral_on=9), "referral_on",
     "委派/移交日期不能晚于登记日期（{registered}）。"),
])
def test_bad_referral_refused_at_registration(svc, kw, field, message) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.errors import ValidationErrors

    registered = svc.today() - timedelta(days=10)
    if "referral_on" in kw:  # days before today
        kw = dict(kw, referral_on=svc.today() - timedelta(days=kw["referral_on"]))
    message = message.format(registered=registered.isoformat())
    data = CaseInput(parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
                     dispute_type=DisputeType.NEIGHBOUR, facts="相邻通行纠纷",
                     registered_on=registered, **kw)
    with pytest.raises((ValidationError, ValidationErrors)) as err:
        svc.register_case(data)
    problems = getattr(err.value, "errors", None) or [err.value]
    assert [(p.field, p.message) for p in problems] == [(field, message)]
    assert svc.count_cases() == 0


def test_feedback_once_there_is_a_result(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    today = svc.today()
    plain_case = make_case()
    with pytest.raises(DomainError) as err:
        svc.record_referral_feedback(plain_case.id, "已调解成功")
    assert err.value.message == t("referral.none", case=plain_case.case_no)
    case = make_case(referral_kind=ReferralKind.PRE_SUIT, referral_body="青石县人民法院")
    with pytest.raises(DomainError) as err:
        svc.record_referral_feedback(case.id, "已调解成功")
    assert err.value.message == f"案件 {case.case_no} 尚无调解结果，不能向委派/移交单位反馈结果。"
    svc.accept_case(case.id, on=today - timedelta(days=3))
    svc.record_failure(case.id, "双方分歧较大", [Route.LITIGATION], on=today - timedelta(days=1))
    with pytest.raises(ValidationError) as err:
        svc.record_referral_feedback(case.id, "调解不成", on=today - timedelta(days=2))
    assert err.value.message == t("referral.feedback_before_result",
                                  date=(today - timedelta(days=1)).isoformat())
    with pytest.raises(ValidationError) as err:
        svc.record_referral_feedback(case.id, "   ")
    assert err.value.message == "请填写反馈的调解结果。"
    svc.record_referral_feedback(case.id, "调解不成，已告知当事人依法起诉", on=today)
    row = svc.find_case(case.id)
    assert (row.referral_feedback_on, row.referral_result) == (today, "调解不成，已告知当事人依法起诉")
    ev = svc.case_file(case.id).events[-1]
    assert (ev.kind, ev.summary, ev.body) == ("TRANSFER", "向青石县人民法院反馈调解结果",
                                              "调解不成，已告知当事人依法起诉")


def test_upgrade_keeps_court_cases_unmarked(svc, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.db import open_database
    from mediator.core.services import Services

    today = svc.today()
    court = make_case(source=CaseSource.COURT)
    svc.accept_case(court.id, on=today)
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "referral")
    con.commit()
    assert "referral_kind" not in {r[1] for r in con.execute("PRAGMA table_info(dispute_case)")}
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=lambda: today)
        row = again.find_case(court.id)
        assert (row.source, row.referral_kind, row.deadline_on) == (
            "COURT", None, rules.add_months(today, 1))
        again.edit_case(court.id, referral_kind=ReferralKind.IN_SUIT)
        assert again.find_case(court.id).referral_kind == "IN_SUIT"


@pytest.fixture
def cli_case() -> str:
    from mediator.core.db import open_database
    from mediator.core.services import Services

    home = Path(os.environ["MEDIATOR_HOME"])
    with open_database(home / "mediator.db") as db:
        svc = Services(db, operator="王调解", today=date.today)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        return svc.register_case(CaseInput(
            parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
            dispute_type=DisputeType.CONTRACT, facts="买卖合同货款纠纷",
            registered_on=date.today() - timedelta(days=2))).case_no


def test_referral_commands(cli_case: str, capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    assert main(["referral", "show", cli_case]) == 1
    assert capsys.readouterr().out.splitlines() == [f"{cli_case} 不是委派、委托或移交的案件。"]
    assert main(["referral", "set", cli_case, "--kind", "PRE_SUIT", "--body", "青石县人民法院",
                 "--no", "（2026）浙0106民诉前调88号", "--on",
                 (today - timedelta(days=3)).isoformat()]) == 0
    assert capsys.readouterr().out.splitlines() == [
        f"{cli_case}：已保存委派/移交记录（诉前委派（法院））。",
        "委派/移交类型：诉前委派（法院）", "委派/移交单位：青石县人民法院",
        "文号：（2026）浙0106民诉前调88号",
        f"委派/移交日期：{(today - timedelta(days=3)).isoformat()}",
        "调解期限：（未填）", "结果反馈：（未填）"]
    # a referral date after registration is refused, nothing changed
    assert main(["referral", "set", cli_case, "--kind", "IN_SUIT", "--on",
                 today.isoformat()]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"错误：委派/移交日期不能晚于登记日期（{(today - timedelta(days=2)).isoformat()}）。"]
    assert main(["referral", "feedback", cli_case, "--result", "已调解成功"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"错误：案件 {cli_case} 尚无调解结果，不能向委派/移交单位反馈结果。"]
    assert main(["referral", "show", cli_case]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "委派/移交类型：诉前委派（法院）"


def test_referred_cases_in_the_county_figures(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    """委托移送 and its 其中人民法院委派委托 count the regimes' sources (one definition)."""
    from mediator.reports.periods import month_period
    from mediator.reports.stats import COURT_SOURCES, REFERRED_SOURCES, county_figures

    assert REFERRED_SOURCES == ("COURT", "POLICE", "PETITION", "GOVERNMENT")
    assert COURT_SOURCES == ("COURT",)
    for kind in (ReferralKind.PRE_SUIT, ReferralKind.IN_SUIT, ReferralKind.POLICE_110,
                 ReferralKind.HOTLINE_12345, None):
        make_case(days_ago=1, referral_kind=kind)
    make_case(days_ago=1, source=CaseSource.COURT)  # 法院委托 before the regime was recorded
    day = svc.today() - timedelta(days=1)
    got = county_figures(svc.db, month_period(day.year, day.month))
    assert (got["source_application"], got["source_referred"], got["source_court"]) == (1, 5, 3)


def test_agreeing_or_terminating_without_notice_or_session_warns(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    """卷宗评查: an agreement or a termination with no 告知 or no session on file warns (the
    step is still recorded); with both on file, no warning."""
    from mediator.core.enums import AgreementForm
    from mediator.core.inputs import AgreementInput
    from mediator.core.rules import Action, concluding_warning

    today = svc.today()
    assert concluding_warning(Action.AGREE, None, 0) == [
        "达成协议时尚未记录权利义务告知、调解记录：卷宗应有告知和调解过程的记录，请补记。"]
    assert concluding_warning(Action.TERMINATE, today, 0) == [
        "调解终止时尚未记录调解记录：卷宗应有告知和调解过程的记录，请补记。"]
    assert concluding_warning(Action.AGREE, today, 1) == []
    noticed = make_case()
    svc.accept_case(noticed.id, on=today - timedelta(days=3))
    svc.record_notice(noticed.id, on=today - timedelta(days=3))
    out = svc.record_failure(noticed.id, "双方分歧较大", [Route.LITIGATION])
    assert out.warnings == ("调解终止时尚未记录调解记录：卷宗应有告知和调解过程的记录，请补记。",)
    assert svc.find_case(noticed.id).state == "TERMINATED"
    full = make_case()
    svc.accept_case(full.id, on=today - timedelta(days=3))
    svc.record_notice(full.id, on=today - timedelta(days=3))
    svc.add_session(full.id, "双方陈述", on=today - timedelta(days=2))
    out = svc.record_agreement(full.id, AgreementInput(AgreementForm.ORAL, today, "互相道歉",
                                                        performed_now=True))
    assert out.warnings == ()
    bare = make_case()
    svc.accept_case(bare.id, on=today - timedelta(days=3))
    svc.add_session(bare.id, "双方陈述", on=today - timedelta(days=2))
    out = svc.record_failure(bare.id, "一方要求终止", [Route.LITIGATION])
    assert out.warnings == ("调解终止时尚未记录权利义务告知：卷宗应有告知和调解过程的记录，请补记。",)


def test_judicial_confirmation_goes_to_the_referring_court(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import AgreementForm
    from mediator.core.inputs import AgreementInput
    from mediator.core.referral import referring_court

    today = svc.today()
    case = make_case(referral_kind=ReferralKind.IN_SUIT, referral_body="青石县人民法院")
    police = make_case(referral_kind=ReferralKind.POLICE_110, referral_body="青石派出所")
    assert (referring_court(case), referring_court(police)) == ("青石县人民法院", "")
    for c in (case, police):
        svc.accept_case(c.id, on=today - timedelta(days=3))
        svc.record_agreement(c.id, AgreementInput(AgreementForm.WRITTEN, today - timedelta(days=1),
                                                  "李四赔偿张三修缮费", amount_fen=50000))
    svc.judicial_apply(case.id)
    svc.judicial_apply(police.id)
    assert svc.case_file(case.id).agreement.judicial_court == "青石县人民法院"
    assert svc.case_file(police.id).agreement.judicial_court is None
    ev = [e for e in svc.case_file(case.id).events if e.kind == EventKind.JUDICIAL.name][-1]
    assert ev.body == "青石县人民法院"
