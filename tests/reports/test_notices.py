"""不予受理告知书 and 委托调解结果告知函 (issue 25, point 5): exact paragraphs from the case's
record, and a clear refusal for a case they do not fit."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import docx
import pytest

from mediator.core.enums import AgreementForm, CaseSource, ReferralKind, Route
from mediator.core.errors import DomainError
from mediator.core.inputs import AgreementInput
from mediator.documents.forms import cn_date
from mediator.documents.service import generate


def paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def test_refusal_notice(svc, make_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    case = make_case(days_ago=3)
    with pytest.raises(DomainError) as err:
        generate(svc, "refusal", case.case_no, folder=tmp_path)
    assert err.value.message == f"案件 {case.case_no} 未作不予受理，不能生成不予受理告知书。"
    on = svc.today() - timedelta(days=1)
    svc.refuse_case(case.id, "该纠纷已由人民法院受理", [Route.LITIGATION], on=on,
                    to_body="青石县人民法院")
    path = generate(svc, "refusal", case.case_no, folder=tmp_path)
    assert path.name == f"不予受理告知书_{case.case_no}.docx"
    reg = svc.today() - timedelta(days=3)
    assert paragraphs(path) == [
        "不予受理告知书", case.case_no, "张三：",
        f"你（们）于{cn_date(reg)}申请调解的邻里纠纷，经审查，本委员会决定不予受理。"
        "理由：该纠纷已由人民法院受理",
        "你（们）可以通过以下途径解决：诉讼。",
        "你（们）可以向青石县人民法院反映或申请处理。",
        "特此告知。（《中华人民共和国人民调解法》第十八条）",
        f"{svc.office().name}（盖章）", cn_date(on)]


def test_referral_result_letter(svc, make_case, tmp_path) -> None:  # type: ignore[no-untyped-def]
    today = svc.today()
    plain = make_case()
    with pytest.raises(DomainError) as err:
        generate(svc, "referral_result", plain.case_no, folder=tmp_path)
    assert err.value.message == f"案件 {plain.case_no} 不是委派、委托或移交的案件，没有需要反馈的单位。"
    case = make_case(days_ago=5, referral_kind=ReferralKind.PRE_SUIT, referral_body="青石县人民法院",
                     referral_no="（2026）浙0106民诉前调9号", referral_on=today - timedelta(days=6))
    assert case.source == CaseSource.COURT.name
    with pytest.raises(DomainError):
        generate(svc, "referral_result", case.case_no, folder=tmp_path)
    svc.accept_case(case.id, on=today - timedelta(days=4))
    svc.record_agreement(case.id, AgreementInput(AgreementForm.ORAL, today - timedelta(days=2),
                                                 "互相道歉", performed_now=True))
    svc.record_referral_feedback(case.id, "双方当场履行完毕", on=today)
    path = generate(svc, "referral_result", case.case_no, folder=tmp_path)
    assert paragraphs(path) == [
        "委托调解结果告知函", case.case_no, "青石县人民法院：",
        f"贵单位于{cn_date(today - timedelta(days=6))}以诉前委派（法院）方式"
        "（文号：（2026）浙0106民诉前调9号）交由本委员会调解的"
        f"张三与李四之间的邻里纠纷，本委员会于{cn_date(today - timedelta(days=4))}受理。",
        f"经调解，双方于{cn_date(today - timedelta(days=2))}达成调解协议。协议形式：口头协议。",
        "办理情况：双方当场履行完毕", "特此函告。",
        f"{svc.office().name}（盖章）", cn_date(today)]
