"""调解笔录 keeps every line in order with who said it; 调解协议书 states what the law asks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import docx
import pytest

from mediator.documents.service import generate

DAY = date(2026, 11, 23)


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def _section(paras: list[str], start: str, end: str) -> list[str]:
    i = paras.index(start)
    return paras[i + 1:paras.index(end, i)]


@pytest.fixture
def mediated(svc, make_case):  # type: ignore[no-untyped-def]
    def make(content: str):  # type: ignore[no-untyped-def]
        case = make_case()
        svc.accept_case(case.id, on=DAY)
        svc.add_session(case.id, content, on=DAY, place="青石村委会")
        return svc.case_file(case.id).case.case_no
    return make


def test_every_line_in_order_and_the_mediators_own(svc, mediated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    no = mediated("9:30至11:00\n调解员询问双方滴水经过。\n张三称：要求加装檐沟\n"
                  "李四：同意加装，但费用平摊\n调解员提出：檐沟费用由李四承担，张三让出半米\n"
                  "被申请人表示同意")
    paras = paragraphs(generate(svc, "record", no, folder=tmp_path))
    assert "时间：2026年11月23日9:30至11:00" in paras
    assert _section(paras, "当事人陈述及调解经过", "查明的事实") == [
        "人民调解员：询问双方滴水经过。",
        "申请人张三陈述：要求加装檐沟",
        "被申请人李四陈述：同意加装，但费用平摊",
        "人民调解员：檐沟费用由李四承担，张三让出半米",
        "被申请人李四陈述：同意",
    ]


def test_one_line_record_split_per_speaker_without_a_doubled_prefix(svc, mediated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    no = mediated("申请人陈述：李四家屋檐滴水。被申请人陈述：愿意加装檐沟。")
    paras = paragraphs(generate(svc, "record", no, folder=tmp_path))
    assert _section(paras, "当事人陈述及调解经过", "查明的事实") == [
        "申请人张三陈述：李四家屋檐滴水。",
        "被申请人李四陈述：愿意加装檐沟。",
    ]
    assert "时间：2026年11月23日＿＿时＿＿分至＿＿时＿＿分" in paras


def test_a_record_without_speakers_is_the_mediators(svc, mediated, tmp_path) -> None:  # type: ignore[no-untyped-def]
    no = mediated("双方到场，调解员讲解了相邻关系的规定\n双方同意回去商量")
    paras = paragraphs(generate(svc, "record", no, folder=tmp_path))
    assert _section(paras, "当事人陈述及调解经过", "查明的事实") == [
        "人民调解员：双方到场，调解员讲解了相邻关系的规定", "人民调解员：双方同意回去商量"]


@pytest.fixture
def three_sides(svc, make_case):  # type: ignore[no-untyped-def]
    from mediator.core.enums import PartyRole
    from mediator.core.services import PartyInput

    case = make_case(parties=[
        PartyInput("张三", ethnicity="汉族"), PartyInput("马五", ethnicity="回"),
        PartyInput("李四", role=PartyRole.RESPONDENT, ethnicity="汉")], requests="赔偿修缮费用")
    svc.accept_case(case.id, on=DAY)
    return case.id


def test_agreement_capitals_ethnicity_copies_and_numbering(svc, three_sides, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import AgreementForm
    from mediator.core.services import AgreementInput, ObligationInput

    out = svc.record_agreement(three_sides, AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=DAY, amount_fen=1005050,
        terms="一、李四赔偿张三、马五修缮费用10050.50元\n2. 张三、马五不再追究\n（三）2026.12.1前修好檐沟",
        responsibilities="李四负主要责任", perform_method="转账", perform_place="青石镇调委会",
        obligations=[ObligationInput(date(2026, 11, 30), 1005050, "支付修缮费用", "李四")]))
    assert out.warnings == ("达成协议时尚未记录权利义务告知、调解记录：卷宗应有告知和调解过程的记录，请补记。",)  # no 告知, no session on file (issue 25)
    paras = paragraphs(generate(svc, "agreement", svc.case_file(three_sides).case.case_no,
                                folder=tmp_path))
    persons = [p for p in paras if p.startswith(("申请人：", "被申请人："))]
    assert [p.split("，")[2] for p in persons] == ["汉族", "回族", "汉族"]
    assert "协议涉及金额：人民币10,050.50元（大写：人民币壹万零伍拾元伍角）。" in paras
    instalment = ("第1项：李四于2026年11月30日前支付修缮费用（金额：人民币10,050.50元"
                  "（大写：人民币壹万零伍拾元伍角））")
    assert instalment in paras
    terms = _section(paras, "四、经青石镇人民调解委员会主持调解，当事人自愿达成如下协议：",
                     "五、履行方式、地点和期限")
    assert terms[:3] == ["（一）李四赔偿张三、马五修缮费用10050.50元", "（二）张三、马五不再追究",
                         "（三）2026.12.1前修好檐沟"]
    assert "本协议一式四份，各方当事人各执一份，人民调解委员会留存一份。" in paras


def test_written_agreement_without_what_art36_requires_warns(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import AgreementForm
    from mediator.core.services import AgreementInput
    from mediator.documents.completeness import Status, check_case

    case = make_case()  # no requests: 争议事项 is blank
    svc.accept_case(case.id, on=DAY)
    out = svc.record_agreement(case.id, AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=DAY, terms="李四加装檐沟", perform_method="自行施工"))
    assert out.warnings == (("书面调解协议书缺少：争议事项、各方责任、履行地点、履行期限"
                             "（《人民调解工作若干规定》第三十六条），请补充后再打印协议书。"),
                            "达成协议时尚未记录权利义务告知、调解记录：卷宗应有告知和调解过程的记录，请补记。")
    item = next(i for i in check_case(svc.db, case.id, DAY).items if i.key == "AGREEMENT")
    assert (item.status, item.note) == (Status.MISSING,
                                        "协议书缺少：争议事项、各方责任、履行地点、履行期限")


def test_two_sides_copies() -> None:
    from mediator.documents.forms import copies_text
    from mediator.i18n import set_language

    set_language("zh_CN")
    assert copies_text(2) == "本协议一式三份，双方当事人各执一份，人民调解委员会留存一份。"
    assert copies_text(4) == "本协议一式五份，各方当事人各执一份，人民调解委员会留存一份。"


def test_put_in_writing_only_an_oral_agreement(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import AgreementForm
    from mediator.core.errors import DomainError
    from mediator.core.services import AgreementInput

    case = make_case()
    svc.accept_case(case.id, on=DAY)
    svc.record_agreement(case.id, AgreementInput(form=AgreementForm.ORAL, effective_on=DAY,
                                                 terms="李四赔偿两千元", amount_fen=200000,
                                                 performed_now=True))
    out = svc.put_agreement_in_writing(case.id, responsibilities="李四负责", on=DAY)
    assert out.warnings == (("书面调解协议书缺少：争议事项、履行方式、履行地点"
                             "（《人民调解工作若干规定》第三十六条），请补充后再打印协议书。"),)
    assert svc.case_file(case.id).agreement.form == AgreementForm.WRITTEN.name
    with pytest.raises(DomainError, match="现行协议已是书面协议"):
        svc.put_agreement_in_writing(case.id, on=DAY)
