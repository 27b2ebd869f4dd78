"""信访事项书面答复 (issue 25): the draft reply built from the case's petition record, exact
paragraphs, and a clear refusal (non-zero exit from the CLI) for a case without one."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import docx
import pytest

from mediator.cli import main
from mediator.core.enums import CaseSource, PetitionChannel
from mediator.core.errors import DomainError
from mediator.core.petition import PetitionInput
from mediator.documents.forms import BLANK, cn_date
from mediator.documents.service import generate


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_petition_reply(svc, make_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    today = svc.today()
    received = today - timedelta(days=20)
    case = make_case(days_ago=20, source=CaseSource.PETITION, petition_received_on=received,
                     petition_channel=PetitionChannel.VISIT)
    svc.record_petition(case.id, PetitionInput(
        received_on=received, petition_no="青信转〔2026〕12号", from_body="县信访局",
        channel="VISIT"))
    # before acceptance and reply: the draft keeps blanks to fill by hand
    path = generate(svc, "petition_reply", case.case_no, folder=tmp_path)
    assert path.name == f"信访事项书面答复_{case.case_no}.docx"
    review = ("如对本答复意见不服，可以自收到本答复意见书之日起30日内向原办理机关的上一级机关"
              "请求复查。（《信访工作条例》第三十五条）")
    assert paragraphs(path) == [
        "信访事项答复意见书", "青信转〔2026〕12号", "张三：",
        f"你（们）于{cn_date(received)}提出的信访事项（邻里纠纷），经县信访局转交本机关办理，"
        f"本机关于{BLANK}受理。经调查核实，现答复如下：",
        BLANK, review, f"{svc.office().name}（盖章）", BLANK]
    accepted = today - timedelta(days=18)
    svc.petition_notice(case.id, accepted=True, on=accepted)
    replied = today - timedelta(days=1)
    svc.petition_reply(case.id, "经调解双方达成书面协议，信访事项办结。", on=replied)
    path = generate(svc, "petition_reply", case.case_no, folder=tmp_path)
    assert paragraphs(path) == [
        "信访事项答复意见书", "青信转〔2026〕12号", "张三：",
        f"你（们）于{cn_date(received)}提出的信访事项（邻里纠纷），经县信访局转交本机关办理，"
        f"本机关于{cn_date(accepted)}受理。经调查核实，现答复如下：",
        "经调解双方达成书面协议，信访事项办结。", review, f"{svc.office().name}（盖章）",
        cn_date(replied)]


def test_no_petition_record_is_refused(svc, make_case, db_path, tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    case = make_case()
    with pytest.raises(DomainError) as err:
        generate(svc, "petition_reply", case.case_no, folder=tmp_path)
    message = f"案件 {case.case_no} 没有信访件记录：请先登记信访件"
    assert err.value.message == message
    out = tmp_path / "答复.docx"
    assert main(["doc", "petition_reply", case.case_no, "-o", str(out),
                 "--db", str(db_path)]) != 0
    assert message in capsys.readouterr().err
    assert not out.exists()
