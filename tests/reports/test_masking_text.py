"""Masked exports: ID and phone numbers typed with separators inside free text are masked;
dates, amounts and case numbers stay readable; organisations are never masked as persons."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediator.reports.masking import mask_names_text, scrub

FULL = str.maketrans("０１２３４５６７８９Ｘｘ", "0123456789Xx")
SEPARATORS = [" ", "-", ".", "\u3000", "－", "．", " - ", "·", "  ", "—"]


@pytest.mark.parametrize(("typed", "masked"), [
    ("电话138 1234 9999。", "电话138****9999。"),
    ("电话138-1234-9999。", "电话138****9999。"),
    ("电话138.1234.9999", "电话138****9999"),
    ("电话１３８－１２３４－９９９９", "电话138****9999"),
    ("身份证330106 19900101 7893，", "身份证330106********7893，"),
    ("身份证330106-1990-0101-789X", "身份证330106********789X"),
    ("座机0571-8888 6666", "座机0571****6666"),
    ("2026-11-23 13812349999", "2026-11-23 138****9999"),
])
def test_numbers_with_separators(typed: str, masked: str) -> None:
    assert scrub(typed) == masked


@pytest.mark.parametrize("readable", [
    "2026-11-23 9:30在(2026)青石人调字第007号调解，赔偿10,050.50元",
    "2026.11.23至2026.12.23分两期支付5000元",
    "２０２６年１１月２３日，第1期1,000.00元",
    "(2026)青石人调字第1234号 2026-11-23",
])
def test_dates_amounts_and_case_numbers_stay(readable: str) -> None:
    assert scrub(readable, ["张三"]) == readable


def test_organisations_are_not_persons() -> None:
    assert scrub("张三与青石建材有限公司、李四养殖场因货款纠纷", ["张三", "李四"]) == \
        "张某与青石建材有限公司、李四养殖场因货款纠纷"
    assert scrub("张三去五金店买东西", ["张三"]) == "张某去五金店买东西"
    # by party kind: an organisation whose name does not say so is kept as named
    assert mask_names_text("张三 / 青石建材、东村运输", ("青石建材",)) == "张某 / 青石建材、东某"
    assert mask_names_text("王五 / 东村运输队") == "王某 / 东村运输队"


# --- hypothesis: any ID or phone, any separators, any text around it -----------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Nd", "Cs", "No")), max_size=12)


def _weighted(digits: str) -> str:
    from mediator.core.validate import resident_id_check_char

    return digits + resident_id_check_char(digits)


mobiles = st.builds(lambda a, b: "1" + a + b, st.sampled_from("3456789"),
                    st.text(alphabet="0123456789", min_size=9, max_size=9))
ids18 = st.builds(lambda a, b: _weighted(a + b), st.sampled_from("123456789"),
                  st.text(alphabet="0123456789", min_size=16, max_size=16))
ids15 = st.builds(lambda a, b: a + b, st.sampled_from("123456789"),
                  st.text(alphabet="0123456789", min_size=14, max_size=14))


NUMBERS = st.one_of(mobiles, ids18, ids15)


@st.composite
def written(draw):  # type: ignore[no-untyped-def]
    """A number as someone might type it: separators anywhere, maybe full-width digits."""
    number = draw(NUMBERS)
    out = []
    for i, ch in enumerate(number):
        if i and draw(st.booleans()) and draw(st.booleans()):
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(ch)
    typed = "".join(out)
    if draw(st.booleans()):
        typed = typed.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ"))
    return number, typed


def _digits(text: str) -> str:
    return re.sub(r"[^0-9Xx]", "", text.translate(FULL))


@settings(max_examples=400, deadline=None)
@given(written(), TEXT, TEXT, st.lists(st.sampled_from(["张三", "李四"]), max_size=2))
def test_no_id_or_phone_survives(number_typed, before, after, names) -> None:  # type: ignore[no-untyped-def]
    number, typed = number_typed
    out = scrub(before + typed + after, names)
    assert number.upper() not in _digits(out).upper()
    if not names:  # the text around the number is left as it was
        assert out.startswith(before) and out.endswith(after)


def test_masked_ledger_export(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.enums import PartyKind, PartyRole
    from mediator.core.services import PartyInput
    from mediator.reports.build import ReportRequest, build
    from mediator.reports.periods import parse_month

    make_case(parties=[PartyInput("张三", phone="13812349999"),
                       PartyInput("青石建材", kind=PartyKind.ORGANISATION,
                                  role=PartyRole.RESPONDENT, representative="王经理")],
              facts="张三（电话138 1234 9999，身份证330106 19900101 7893）称青石建材拖欠货款10,050.50元",
              days_ago=1)
    report = build(svc.db, ReportRequest("ledger", parse_month("2026-11", date(2026, 11, 23))),
                   date(2026, 11, 23))
    [row] = report.tables[0].rows
    cols = [c.key for c in report.tables[0].columns]
    assert row[cols.index("parties")] == "申请人：张某\n被申请人：青石建材"
    assert row[cols.index("facts")] == \
        "张某（电话138****9999，身份证330106********7893）称青石建材拖欠货款10,050.50元"
