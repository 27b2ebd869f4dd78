"""信访 matters (core.petition, issue 25): the petition record of a case, its clocks and the
use cases that move them. The issue's "Done when" scenario runs here end to end."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
from schema_history import rewind_before

from mediator.core import petition, workdays
from mediator.core.db import open_database
from mediator.core.enums import AgreementForm, CaseSource, DisputeType, PartyRole, PetitionChannel
from mediator.core.errors import DomainError, ValidationError, ValidationErrors
from mediator.core.inputs import AgreementInput, CaseInput, PartyInput
from mediator.core.petition import Evaluation, Level, PetitionFacts, PetitionInput, Stage
from mediator.core.queries import CaseFilter
from mediator.core.rules import DeadlineKind as K
from mediator.core.services import Services
from mediator.i18n import t


@pytest.fixture(autouse=True)
def library_calendar():  # type: ignore[no-untyped-def]
    previous = workdays.use(workdays.WorkCalendar())
    yield
    workdays.use(previous)


class Clock:
    def __init__(self, day: date):
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def clock() -> Clock:
    return Clock(date(2026, 2, 13))


@pytest.fixture
def office(db, clock):  # type: ignore[no-untyped-def]
    svc = Services(db, operator="王调解", today=clock)
    svc.init_office("青石镇人民调解委员会", "青石", "330106001")
    return svc


def petition_case(svc: Services, received: date, dispute_type: DisputeType = DisputeType.NEIGHBOUR,
                  id_number: str = "11010519491231002X") -> str:
    return svc.register_case(CaseInput(
        parties=[PartyInput("张三", id_number=id_number),
                 PartyInput("李四", role=PartyRole.RESPONDENT)],
        dispute_type=dispute_type, facts="宅基地边界争议，县信访局转来",
        source=CaseSource.PETITION, registered_on=received, petition_received_on=received,
        petition_channel=PetitionChannel.VISIT)).case_id


def clocks(svc: Services, case_id: str) -> list[tuple[K, date, bool]]:
    return [(d.kind, d.due, d.optional) for d in svc.case_file(case_id).deadlines
            if d.kind.name.startswith("PETITION")]


def list_due(svc: Services, case_id: str) -> tuple[date | None, str | None]:
    row = next(r for r in svc.list_cases(CaseFilter(), limit=500).rows if r.id == case_id)
    return row.next_due_on, row.next_due_kind


@pytest.mark.parametrize(("received", "notice", "objection"), [
    # Friday before 春节: Saturday 2-14 is a 调休 working day, 2-15..2-23 off
    (date(2026, 2, 13), date(2026, 2, 28), date(2026, 2, 27)),
    # Friday before 清明 (4-4..4-6 off)
    (date(2026, 4, 3), date(2026, 4, 18), date(2026, 4, 13)),
    # Friday before 国庆 is 9-25 中秋 itself; the Friday before: 9-18 (9-20 a 调休 Sunday)
    (date(2026, 9, 18), date(2026, 10, 3), date(2026, 9, 24)),
])
def test_friday_before_a_holiday(office, clock, received, notice, objection) -> None:  # type: ignore[no-untyped-def]
    clock.day = received
    case_id = petition_case(office, received)
    assert clocks(office, case_id) == [(K.PETITION_OBJECTION, objection, True),
                                       (K.PETITION_NOTICE, notice, False)]
    assert list_due(office, case_id) == (notice, "PETITION_NOTICE")
    assert office.case_file(case_id).petition.received_on == received


def test_done_when_scenario(office, clock) -> None:  # type: ignore[no-untyped-def]
    """The issue's scenario: a mediation extension leaves the petition clock alone, a
    petition extension needs its approver, an agreement leaves the petition open until its
    written reply, 复查 runs its own clock."""
    case_id = petition_case(office, date(2026, 2, 13))
    office.record_petition(case_id, PetitionInput(
        received_on=date(2026, 2, 13), petition_no="青信转〔2026〕12号", from_body="县信访局",
        assigned=True, channel="VISIT", first_handler="李所长", first_visit=True))
    clock.day = date(2026, 2, 24)
    office.petition_notice(case_id, accepted=True)
    assert clocks(office, case_id) == [(K.PETITION_COMPLETE, date(2026, 4, 25), False)]
    office.accept_case(case_id)
    office.extend_case(case_id, date(2026, 4, 10), "双方当事人同意延期")
    assert clocks(office, case_id) == [(K.PETITION_COMPLETE, date(2026, 4, 25), False)]
    # the petition's own extension: approver, reason and the date the petitioner was told
    clock.day = date(2026, 4, 20)
    with pytest.raises(ValidationError) as err:
        office.petition_extend(case_id, 30, "", "需现场勘验", told_on=date(2026, 4, 20))
    assert (err.value.message, err.value.field) == (t("petition.approver_required"), "approver")
    with pytest.raises(ValidationError) as err:
        office.petition_extend(case_id, 31, "王镇长", "需现场勘验", told_on=date(2026, 4, 20))
    assert err.value.message == t("petition.extension_days")
    office.petition_extend(case_id, 30, "王镇长", "需现场勘验", told_on=date(2026, 4, 20))
    assert clocks(office, case_id) == [(K.PETITION_COMPLETE, date(2026, 5, 25), False)]
    with pytest.raises(DomainError) as once:
        office.petition_extend(case_id, 10, "王镇长", "再延", told_on=date(2026, 4, 20))
    assert once.value.message == t("petition.extend_once", date="2026-04-20")
    # an agreement: the case moves on, the petition stays open until its written reply
    clock.day = date(2026, 5, 6)
    office.record_agreement(case_id, AgreementInput(AgreementForm.WRITTEN, date(2026, 5, 6),
                                                    "重新确认地界", performed_now=True))
    assert clocks(office, case_id) == [(K.PETITION_COMPLETE, date(2026, 5, 25), False)]
    assert list_due(office, case_id) == (date(2026, 5, 25), "PETITION_COMPLETE")
    clock.day = date(2026, 5, 8)
    out = office.petition_reply(case_id, "经调解双方达成书面协议，信访事项办结。")
    assert out.warnings == (t("petition.warn.feedback_missing"),)
    assert clocks(office, case_id) == []
    assert [w.message for w in office.case_file(case_id).warnings
            if w.code.name == "PETITION"] == [t("petition.warn.feedback_missing")]
    office.petition_feedback(case_id, "已向县信访局反馈办理结果")
    office.petition_evaluate(case_id, Evaluation.BASIC)
    # 复查: requested within 30 days of the reply, decided within 30 days of the request
    clock.day = date(2026, 5, 20)
    office.petition_review_request(case_id, Level.REVIEW)
    p = office.case_file(case_id).petition
    assert (PetitionFacts.from_row(p).stage, p.closed_on) == (Stage.REVIEWING, None)
    assert clocks(office, case_id) == [(K.PETITION_REVIEW, date(2026, 6, 19), False)]
    clock.day = date(2026, 6, 1)
    office.petition_review_decide(case_id, Level.REVIEW, "维持原答复意见")
    p = office.case_file(case_id).petition
    assert (p.closed_on, p.close_reason, p.evaluation, p.feedback_on, p.extension_approver) == (
        date(2026, 6, 1), "REVIEWED", "BASIC", date(2026, 5, 8), "王镇长")
    assert clocks(office, case_id) == []
    # 复核 too late: 30 days from the 复查 decision
    clock.day = date(2026, 7, 2)
    with pytest.raises(ValidationError) as late:
        office.petition_review_request(case_id, Level.REREVIEW)
    assert late.value.message == t("petition.review_too_late", level="复核", date="2026-07-01")


def test_objection_closes_and_not_accepted_closes(office, clock) -> None:  # type: ignore[no-untyped-def]
    a, b = petition_case(office, date(2026, 2, 13)), petition_case(office, date(2026, 2, 13))
    clock.day = date(2026, 2, 27)
    with pytest.raises(ValidationError):
        office.petition_object(a, "  ")
    assert office.petition_object(a, "属劳动仲裁机构职权范围").warnings == ()
    assert office.case_file(a).petition.close_reason == "OBJECTED"
    assert clocks(office, a) == []
    with pytest.raises(DomainError) as again:
        office.petition_notice(a)
    assert again.value.message == t("petition.already_noticed")
    clock.day = date(2026, 3, 2)
    out = office.petition_notice(b, accepted=False)
    assert out.warnings == (t("petition.warn.notice_late", days=2),)
    p = office.case_file(b).petition
    assert (p.not_accepted, p.closed_on, p.close_reason) == (True, date(2026, 3, 2), "NOT_ACCEPTED")
    with pytest.raises(DomainError) as reply:
        office.petition_reply(b, "答复")
    assert reply.value.message == t("petition.reply_not_accepted")


def test_record_checks(office, make_case) -> None:  # type: ignore[no-untyped-def]
    case_id = petition_case(office, date(2026, 2, 10))
    with pytest.raises(ValidationErrors) as err:
        office.record_petition(case_id, PetitionInput(
            received_on=date(2026, 2, 10), assigned=True, collective=True, persons=3,
            representatives=6))
    assert [(e.field, e.message) for e in err.value.errors] == [
        ("persons", t("petition.collective_persons")),
        ("representatives", t("petition.too_many_representatives")),
        ("from_body", t("petition.assigned_needs_body"))]
    office.record_petition(case_id, PetitionInput(
        received_on=date(2026, 2, 10), collective=True, persons=12, representatives=5,
        over_level="COUNTY", repeat_visit=True, from_body="县信访局"))
    p = office.case_file(case_id).petition
    assert (p.collective, p.persons, p.representatives, p.over_level, p.repeat_visit,
            p.revision) == (True, 12, 5, "COUNTY", True, 2)
    other = make_case(days_ago=1)
    with pytest.raises(DomainError) as none:
        office.petition_notice(other.id)
    assert none.value.message == t("petition.none", case=other.case_no)


def test_repeat_visit_suggested(office, clock) -> None:  # type: ignore[no-untyped-def]
    first = petition_case(office, date(2026, 1, 5))
    second = petition_case(office, date(2026, 2, 13))
    other_type = petition_case(office, date(2026, 2, 13), DisputeType.CONTRACT)
    other_person = petition_case(office, date(2026, 2, 13), id_number="110105198001010016")
    first_no = office.case_file(first).case.case_no
    assert office.suggest_repeat(second) == [first_no]
    assert office.suggest_repeat(other_type) == []
    assert office.suggest_repeat(other_person) == []
    office.set_setting(petition.REPEAT_SETTING, "30")
    assert office.suggest_repeat(second) == []


def test_upgrade_makes_petition_records(office, clock, db_path) -> None:  # type: ignore[no-untyped-def]
    open_one = petition_case(office, date(2026, 2, 13))
    done = petition_case(office, date(2026, 2, 13))
    clock.day = date(2026, 2, 20)
    for c in (open_one, done):
        office.accept_case(c)
    office.withdraw_case(done, "申请人撤回")
    office.db.close()
    con = sqlite3.connect(db_path)
    con.execute("UPDATE dispute_case SET petition_extended = 1 WHERE id = ?", (open_one,))
    rewind_before(con, "petition")
    con.commit()
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=clock)
        p = again.case_file(open_one).petition
        assert (p.id, p.received_on, p.accepted_on, p.notice_on, p.extension_days, p.channel,
                p.closed_on) == (open_one, date(2026, 2, 13), date(2026, 2, 20),
                                 date(2026, 2, 20), 30, "VISIT", None)
        assert clocks(again, open_one) == [(K.PETITION_COMPLETE, date(2026, 5, 21), False)]
        q = again.case_file(done).petition
        assert (q.closed_on, q.close_reason) == (date(2026, 2, 20), "LEGACY")
        assert clocks(again, done) == []


def test_pure_clocks() -> None:
    p = PetitionFacts(received_on=date(2026, 9, 30))
    assert petition.clocks(p) == [("PETITION_NOTICE", date(2026, 10, 15), False),
                                  ("PETITION_OBJECTION", date(2026, 10, 13), True)]
    p = PetitionFacts(received_on=date(2026, 9, 30), accepted_on=date(2026, 10, 9),
                      notice_on=date(2026, 10, 9), extension_days=15)
    assert petition.clocks(p) == [("PETITION_COMPLETE", date(2026, 12, 23), False)]
    assert petition.warnings(PetitionFacts(received_on=date(2026, 9, 30)), date(2026, 10, 20)) == [
        t("petition.warn.notice_late", days=5)]


def test_the_agenda_shows_the_petition_clock(office, clock) -> None:  # type: ignore[no-untyped-def]
    case_id = petition_case(office, date(2026, 2, 13))
    clock.day = date(2026, 2, 24)
    items = [(i.kind, i.due_on, i.case_id) for i in office.agenda(days=7)]
    assert items == [("PETITION_NOTICE", date(2026, 2, 28), case_id)]
    office.petition_notice(case_id)
    office.accept_case(case_id)
    clock.day = date(2026, 4, 20)
    items = [(i.kind, i.due_on, i.case_id) for i in office.agenda(days=7)]
    # the mediation's month (3-24) is overdue and nearer than the petition's 60 days
    assert items == [("MEDIATION", date(2026, 3, 24), case_id)]
