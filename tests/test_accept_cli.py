"""``mediator accept`` (人民调解法 §17): refused while a party's answer to mediation is not
recorded, accepted with ``--without-consent`` (warning printed, timeline noted) or once every
answer is recorded; a refusal cannot be accepted either way."""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core import rules
from mediator.core.db import open_database
from mediator.core.enums import CaseState, ConsentForm, DisputeType, PartyRole
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.services import Services


def _services(db):  # type: ignore[no-untyped-def]
    return Services(db, operator="王调解", today=date.today)


@pytest.fixture
def cases() -> list[str]:
    home = Path(os.environ["MEDIATOR_HOME"])
    with open_database(home / "mediator.db") as db:
        svc = _services(db)
        svc.init_office("青石镇人民调解委员会", "青石", "330106001")
        out = []
        for n in range(3):
            out.append(svc.register_case(CaseInput(
                parties=[PartyInput("张三"), PartyInput("李四", role=PartyRole.RESPONDENT)],
                dispute_type=DisputeType.NEIGHBOUR, facts=f"相邻通行纠纷{n}",
                registered_on=date.today() - timedelta(days=2))).case_no)
        return out


def _consent(case_no: str, forms: dict[str, ConsentForm]) -> None:
    with open_database(Path(os.environ["MEDIATOR_HOME"]) / "mediator.db") as db:
        svc = _services(db)
        for p in svc.case_file(svc.find_case(case_no).id).parties:
            if p.name in forms:
                svc.record_consent(p.id, forms[p.name])


def _state(case_no: str) -> tuple[str, list[str]]:
    with open_database(Path(os.environ["MEDIATOR_HOME"]) / "mediator.db") as db:
        svc = _services(db)
        cf = svc.case_file(svc.find_case(case_no).id)
        return cf.case.state, [e.body for e in cf.events if e.state_to == "ACCEPTED"]


def test_accept_asks_for_the_parties_answer(cases: list[str],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    first, second, third = cases
    today = date.today()
    due = rules.add_months(today, 1).isoformat()
    _consent(first, {"张三": ConsentForm.ORAL})
    assert main(["accept", first]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "错误：当事人李四是否同意调解尚未记录（《人民调解法》第十七条）：请先记录当事人意愿；"
        "确需受理的，请确认后再受理。"]
    assert _state(first) == (CaseState.REGISTERED.name, [])
    assert main(["accept", first, "--without-consent"]) == 0
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"{first}：已受理，调解期限至 {due}。"]
    assert captured.err.splitlines() == ["受理时未记录当事人李四同意调解的意愿（经确认受理）。"]
    assert _state(first) == (CaseState.ACCEPTED.name,
                             ["受理时未记录当事人李四同意调解的意愿（经确认受理）。"])
    _consent(second, {"张三": ConsentForm.WRITTEN, "李四": ConsentForm.ORAL})
    assert main(["accept", second]) == 0
    captured = capsys.readouterr()
    assert (captured.out.splitlines(), captured.err) == ([f"{second}：已受理，调解期限至 {due}。"], "")
    assert _state(second) == (CaseState.ACCEPTED.name, [""])
    _consent(third, {"张三": ConsentForm.ORAL, "李四": ConsentForm.REFUSED})
    assert main(["accept", third, "--without-consent"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "错误：当事人李四明确拒绝调解，不得受理（《人民调解法》第十七条）：请以“一方拒绝调解”为由"
        "不予受理，并告知其他途径"]
    assert _state(third) == (CaseState.REGISTERED.name, [])
