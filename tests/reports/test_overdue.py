"""One definition of 逾期案件 (mediator.core.overdue): ``doctor``, the dashboard's list and the
report count the same cases. An archived case's open 回访 and a petition's 15-day notice are
items past due on the agenda, never overdue cases."""

from __future__ import annotations

from datetime import date

import pytest

from mediator.cli import main

TODAY = date(2026, 11, 23)


@pytest.fixture(scope="module")
def township(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from mediator.core.db import open_database
    from mediator.core.enums import (
        AgreementForm,
        CaseSource,
        DisputeType,
        PartyRole,
        PetitionChannel,
    )
    from mediator.core.services import AgreementInput, CaseInput, PartyInput, Services
    from mediator.i18n import set_language

    set_language("zh_CN")
    path = tmp_path_factory.mktemp("逾期") / "mediator.db"
    db = open_database(path)
    svc = Services(db, operator="王调解", today=lambda: TODAY)
    svc.init_office("青石镇人民调解委员会", "青石", "330106001")

    def reg(on: date, **kw: object) -> str:
        return svc.register_case(CaseInput(
            parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
            dispute_type=DisputeType.NEIGHBOUR, registered_on=on, facts="屋檐滴水",
            **kw)).case_id  # type: ignore[arg-type]

    late = [reg(date(2026, 9, 1)), reg(date(2026, 10, 1))]  # in mediation past a month
    for cid, on in zip(late, (date(2026, 9, 2), date(2026, 10, 2))):
        svc.accept_case(cid, on=on)
    done = reg(date(2026, 10, 5))  # agreed and archived, a 回访 still open since 11-01
    svc.accept_case(done, on=date(2026, 10, 5))
    svc.record_agreement(done, AgreementInput(form=AgreementForm.ORAL,
                                              effective_on=date(2026, 10, 10),
                                              terms="李四加装檐沟", performed_now=True))
    svc.schedule_follow_up(done, date(2026, 11, 1))
    svc.archive_case(done, on=date(2026, 10, 20))
    reg(date(2026, 10, 20), source=CaseSource.PETITION,  # 15-day notice due 11-04, not accepted
        petition_channel=PetitionChannel.VISIT, petition_received_on=date(2026, 10, 20))
    yield svc, db, path
    db.close()


def test_doctor_and_the_report_count_the_same_overdue_cases(township) -> None:  # type: ignore[no-untyped-def]
    from mediator.reports import lists
    from mediator.reports.periods import week_period
    from mediator.reports.stats import compute

    svc, db, _ = township
    week = week_period(TODAY)
    report = compute(db, week, TODAY).totals["overdue"]
    listed, total = lists.overdue_cases(db, week, TODAY)
    assert (report, total, len(listed)) == (2, 2, 2)
    assert svc.health().overdue == 2
    agenda = svc.agenda(days=7)
    # the archived case's 回访 and the petition's notice are still on the agenda as items
    from mediator.core.overdue import item_past_due

    # (two 回访: the one scheduled by hand and the policy's, 30 days after the agreement)
    assert sorted(i.kind for i in agenda if item_past_due(i.due_on, TODAY)) == \
        sorted(["FOLLOW_UP", "FOLLOW_UP", "MEDIATION", "MEDIATION", "PETITION_NOTICE"])


def test_doctor_prints_the_one_definition(township, capsys) -> None:  # type: ignore[no-untyped-def]
    _, _, path = township
    # doctor runs on the real clock: every case above is long past its deadline by then
    assert main(["--db", str(path), "doctor"]) == 0
    assert "逾期案件（超过调解期限）：2" in capsys.readouterr().out.splitlines()


def test_overdue_case_count_by_day(township) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.overdue import overdue_case_count

    _, db, _ = township
    with db.read() as s:
        counts = [overdue_case_count(s, d) for d in
                  (date(2026, 10, 2), date(2026, 10, 3), date(2026, 11, 2), date(2026, 11, 3))]
    assert counts == [0, 1, 1, 2]
