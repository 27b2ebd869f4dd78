"""Case documents (read back with python-docx) and the case-file completeness check."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import docx
import pytest
from sqlalchemy import text

from mediator.core.errors import DomainError, NotFoundError, ValidationError
from mediator.documents.completeness import Status, check_case
from mediator.documents.service import generate

from .conftest import FULL_ID, FULL_PHONE, OTHER_PHONE, TODAY


def doc_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def last_audit(db) -> tuple[str, str, dict]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        row = s.exec(text("SELECT action, entity_id, \"after\" FROM audit_log "
                          "ORDER BY seq DESC LIMIT 1")).one()
    return row[0], row[1], json.loads(row[2])


def test_agreement_has_every_required_element(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = generate(known.svc, "agreement", known.case_nos["C1"], folder=tmp_path)
    assert path.name == f"调解协议书_{known.case_nos['C1']}.docx"
    body = doc_text(path)
    required = {
        "title": "人民调解协议书",
        "case number": known.case_nos["C1"],
        # the parties' basic details, in full (the document is for the parties)
        "applicant": "申请人：张三，女",
        "applicant ID": FULL_ID,
        "applicant address": "东村1组8号",
        "applicant phone": FULL_PHONE,
        "respondent": "被申请人：李四",
        "respondent phone": OTHER_PHONE,
        # main facts, points in dispute, responsibilities
        "facts heading": "纠纷主要事实",
        "facts": "因屋檐滴水发生争执",
        "dispute heading": "争议事项",
        "dispute": "李四赔偿修缮费用",
        "responsibilities heading": "各方责任",
        "responsibilities": "李四负主要责任",
        # agreed terms
        "terms heading": "自愿达成如下协议",
        "terms": "李四赔偿张三修缮费用500元",
        "amount": "人民币500.00元",
        # how, where and by when performed
        "method": "履行方式：现金支付",
        "place": "履行地点：青石镇调委会",
        "deadline": "履行期限：2026年11月21日前履行完毕",
        "instalment": "李四于2026年11月21日前支付修缮费用500元",
        # effect, judicial confirmation, copies
        "binding": "具有法律约束力",
        "judicial": "三十日内共同向人民法院申请司法确认",
        "copies": "本协议一式3份，2方当事人各执一份，人民调解委员会留存一份",
        # signature lines and seal
        "party signatures": "当事人（签名或盖章、按指印）",
        "applicant signs": "申请人　张三：",
        "respondent signs": "被申请人　李四：",
        "mediator signs": "人民调解员（签名）：刘调解",
        "seal": "青石镇人民调解委员会（盖章）",
        "date": "2026年11月19日",
    }
    missing = [name for name, fragment in required.items() if fragment not in body]
    assert not missing
    action, entity, after = last_audit(known.db)
    assert (action, entity) == ("document.generate", known.cases["C1"])
    assert after["kind"] == "agreement" and after["path"] == str(path)


def test_agreement_document_fonts_and_paper(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = generate(known.svc, "agreement", known.case_nos["C1"], tmp_path / "协议 书.docx")
    section = docx.Document(str(path)).sections[0]
    assert (round(section.page_width.cm, 1), round(section.page_height.cm, 1)) == (21.0, 29.7)
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    assert 'w:eastAsia="宋体"' in xml and 'w:eastAsia="仿宋"' in xml


def test_no_agreement_no_agreement_document(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(DomainError, match="尚无调解协议"):
        generate(known.svc, "agreement", known.case_nos["C3"], folder=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_session_record(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = generate(known.svc, "record", known.case_nos["C1"], folder=tmp_path)
    body = doc_text(path)
    for fragment in ("人民调解笔录", "时间：2026年11月18日", "地点：青石镇调委会",
                     "事由：邻里纠纷", "参加人：张三、李四、刘调解", "人民调解员：刘调解",
                     "记录人：王调解", "告知事项", "权利义务告知书已于2026年11月17日送达",
                     "申请人张三陈述", "要求赔偿修缮费用800元", "被申请人李四陈述",
                     "同意赔偿一部分", "查明的事实", "调解结果", "自愿达成书面协议",
                     "李四赔偿张三修缮费用500元", "与所述一致", "记录人（签名）"):
        assert fragment in body, fragment
    with pytest.raises(DomainError, match="没有第3次"):
        generate(known.svc, "record", known.case_nos["C1"], folder=tmp_path, session_no=3)
    with pytest.raises(DomainError, match="尚无调解记录"):
        generate(known.svc, "record", known.case_nos["C3"], folder=tmp_path)


def test_registration_form(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    body = doc_text(generate(known.svc, "register", known.case_nos["C4"], folder=tmp_path))
    for fragment in ("人民调解受理登记表", known.case_nos["C4"], "公安移交", "损害赔偿", "钱二",
                     "冯一", "不予受理。理由：已由公安机关立案处理", "诉讼"):
        assert fragment in body, fragment


def test_casefile_cover_and_index(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    body = doc_text(generate(known.svc, "casefile", known.case_nos["C1"], folder=tmp_path))
    for fragment in ("人民调解卷宗", "卷内目录", "备考表", "权利义务告知书", "调解协议书",
                     "司法确认材料", "缺：当事人身份证明（必备）", "缺：卷宗封底（备考表）（必备）"):
        assert fragment in body, fragment
    complete = doc_text(generate(known.svc, "casefile", known.case_nos["C11"], folder=tmp_path))
    assert "卷宗材料齐全" in complete and "缺：" not in complete


def test_completeness_from_the_records(known) -> None:  # type: ignore[no-untyped-def]
    c1 = check_case(known.db, known.cases["C1"], TODAY)
    status = {i.key: i.status for i in c1.items}
    assert status["NOTICE"] is Status.PRESENT and status["SESSION"] is Status.PRESENT
    assert status["AGREEMENT"] is Status.PRESENT and status["JUDICIAL"] is Status.PRESENT
    assert status["IDENTITY"] is Status.MISSING            # 李四 has no ID number
    assert status["FOLLOW_UP"] is Status.MISSING           # the 11-21 visit was never made
    assert status["BACK_COVER"] is Status.MISSING          # not archived
    assert status["EVIDENCE"] is Status.VERIFY             # money: the paper must be looked at
    assert {i.key for i in c1.missing} == {"IDENTITY", "FOLLOW_UP", "BACK_COVER"}

    c3 = {i.key: i.status for i in check_case(known.db, known.cases["C3"], TODAY).items}
    assert c3["NOTICE"] is Status.MISSING and c3["SESSION"] is Status.MISSING
    c4 = {i.key: i.status for i in check_case(known.db, known.cases["C4"], TODAY).items}
    assert c4["NOTICE"] is Status.NOT_NEEDED and c4["STATEMENT"] is Status.PRESENT
    c11 = check_case(known.db, known.cases["C11"], TODAY)
    assert c11.complete and not c11.missing


def test_oral_agreement_with_money_needs_a_written_one(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from datetime import timedelta

    from mediator.core.enums import AgreementForm
    from mediator.core.inputs import AgreementInput

    case = make_case(days_ago=5)
    svc.accept_case(case.id, on=TODAY - timedelta(days=5))
    svc.record_agreement(case.id, AgreementInput(AgreementForm.ORAL, TODAY, "赔偿200元",
                                                 amount_fen=20000, performed_now=True))
    items = {i.key: i for i in check_case(svc.db, case.id, TODAY).items}
    assert items["AGREEMENT"].status is Status.MISSING
    assert items["SESSION"].status is Status.PRESENT  # the oral agreement's record


def test_unknown_case_and_kind(known, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(NotFoundError, match="找不到案件"):
        generate(known.svc, "agreement", "(2026)青石人调字第999号", folder=tmp_path)
    with pytest.raises(ValidationError):
        generate(known.svc, "letter", known.case_nos["C1"], folder=tmp_path)
