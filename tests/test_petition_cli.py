"""``mediator petition`` and its steps on a real database: every use case of core.petition
from the command line, exact output, and bad input refused with a message and an exit code."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core import petition
from mediator.core.db import open_database
from mediator.core.enums import CaseSource, DisputeType, PartyRole, PetitionChannel
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.services import Services
from mediator.i18n import t


@pytest.fixture
def case_no() -> str:
    home = Path(os.environ["MEDIATOR_HOME"])
    today = date.today()
    with open_database(home / "mediator.db") as db:
        svc = Services(db, operator="王调解", today=date.today)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        out = svc.register_case(CaseInput(
            parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
            dispute_type=DisputeType.NEIGHBOUR, facts="县信访局转来的宅基地纠纷",
            source=CaseSource.PETITION, registered_on=today - timedelta(days=3),
            petition_received_on=today - timedelta(days=3),
            petition_channel=PetitionChannel.LETTER))
        return out.case_no


def clock_line(kind: str, due: date) -> str:
    days = (due - date.today()).days
    badge = t("deadline.left", days=days) if days > 0 else (
        t("deadline.today") if days == 0 else t("deadline.overdue", days=-days))
    return t("cli.petition.clock", kind=t(f"deadline.{kind}"), due=due.isoformat(), badge=badge)


def test_petition_commands(case_no: str, capsys: pytest.CaptureFixture[str]) -> None:
    today = date.today()
    received = today - timedelta(days=3)
    assert main(["petition", "show", case_no]) == 0
    head = t("cli.petition.head", no="-", body="-", received=received.isoformat(),
             stage=t("petition.stage.RECEIVED"))
    clocks = sorted([(petition.objection_due(received), "PETITION_OBJECTION"),
                     (received + timedelta(days=15), "PETITION_NOTICE")])
    assert capsys.readouterr().out.splitlines() == [head] + [clock_line(k, d) for d, k in clocks]

    assert main(["petition", "record", case_no, "--received", received.isoformat(),
                 "--no", "县信转〔2026〕8号", "--from", "县信访局", "--assigned",
                 "--channel", "来信", "--first-handler", "李所长"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[:2] == [t("cli.petition.done", case_no=case_no),
                       t("cli.petition.head", no="县信转〔2026〕8号", body="县信访局",
                         received=received.isoformat(), stage=t("petition.stage.RECEIVED"))]

    # an extension before acceptance is refused; so is one without its approver
    assert main(["petition", "extend", case_no, "--days", "30", "--approver", "王镇长",
                 "--reason", "需勘验", "--told", "今天"]) == 2
    assert capsys.readouterr().err.strip() == t(
        "cli.error", message=t("petition.extend_not_handling"))
    assert main(["petition", "notice", case_no]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        t("cli.petition.head", no="县信转〔2026〕8号", body="县信访局",
          received=received.isoformat(), stage=t("petition.stage.HANDLING")),
        clock_line("PETITION_COMPLETE", today + timedelta(days=60))]
    assert main(["petition", "extend", case_no, "--days", "30", "--approver", " ",
                 "--reason", "需勘验", "--told", "今天"]) == 2
    assert capsys.readouterr().err.strip() == t(
        "cli.error", message=t("petition.approver_required"))
    assert main(["petition", "extend", case_no, "--days", "30", "--approver", "王镇长",
                 "--reason", "需勘验", "--told", "今天"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == clock_line(
        "PETITION_COMPLETE", today + timedelta(days=90))
    assert main(["petition", "reply", case_no, "--content", "已调解结案，答复如下……"]) == 0
    captured = capsys.readouterr()
    assert captured.err.strip() == t("petition.warn.feedback_missing")
    assert captured.out.splitlines()[-1] == t(
        "cli.petition.head", no="县信转〔2026〕8号", body="县信访局",
        received=received.isoformat(), stage=t("petition.stage.CLOSED"))
    assert main(["petition", "feedback", case_no, "--note", "已书面反馈县信访局"]) == 0
    assert main(["petition", "evaluate", case_no, "SATISFIED"]) == 0
    assert main(["petition", "review", case_no]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == clock_line(
        "PETITION_REVIEW", today + timedelta(days=30))
    assert main(["petition", "review", case_no, "--decide", "维持原答复"]) == 0
    assert capsys.readouterr().out.splitlines()[-1].endswith(t("petition.stage.CLOSED"))
    assert main(["petition", "review", case_no, "--decide", "再次"]) == 2
    assert capsys.readouterr().err.strip() == t("cli.error", message=t(
        "petition.review_decided", level=t("petition.level.REVIEW"), date=today.isoformat()))


def test_consent_command(case_no: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["consent", case_no, "李四", "REFUSED"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == t("cli.petition.done", case_no=case_no)
    assert captured.err.strip() == t("svc.consent_refused_hint")
    assert main(["consent", case_no, "王五", "ORAL"]) == 2
    assert capsys.readouterr().err.strip() == t("cli.error", message=t(
        "cli.consent.no_party", name="王五"))


def test_show_suggests_a_repeat_petition(case_no: str, capsys: pytest.CaptureFixture[str]) -> None:
    home = Path(os.environ["MEDIATOR_HOME"])
    today = date.today()
    with open_database(home / "mediator.db") as db:
        svc = Services(db, operator="王调解", today=date.today)
        again = svc.register_case(CaseInput(
            parties=[PartyInput("张三"), PartyInput("赵六", role=PartyRole.RESPONDENT)],
            dispute_type=DisputeType.NEIGHBOUR, facts="同一事项再次来访",
            source=CaseSource.PETITION, registered_on=today, petition_received_on=today,
            petition_channel=PetitionChannel.VISIT)).case_no
    assert main(["petition", "show", again]) == 0
    assert capsys.readouterr().out.splitlines()[1] == t("petition.repeat_suggested",
                                                        cases=case_no)
