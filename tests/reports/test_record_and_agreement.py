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
