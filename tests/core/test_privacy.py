"""Tests of mediator.core.privacy: masks follow the document conventions and never reveal
the whole value."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mediator.core.privacy import (
    COMPOUND_SURNAMES,
    is_organisation_name,
    mask_id,
    mask_name,
    mask_phone,
)
from mediator.core.validate import resident_id_check_char

fast = settings(max_examples=60, deadline=None)


# --------------------------------------------------------------------------------------------
# IDs


def test_mask_id_examples():
    assert mask_id("110105194912310021") == "110105********0021"
    assert mask_id("11010519491231002X") == "110105********002X"
    assert mask_id("110105491231003") == "110105*****1003"
    assert mask_id("１１０１０５１９４９１２３１００２１") == "110105********0021"
    assert mask_id("") == ""
    assert mask_id(None) == ""
    assert mask_id("123") == "***"
    assert mask_id("12345678") == "12****78"


@fast
@given(
    st.from_regex(r"[0-9]{6}", fullmatch=True),
    st.dates(min_value=date(1900, 1, 1), max_value=date(2025, 12, 31)),
    st.integers(0, 999),
)
def test_mask_id_never_contains_the_id(address, birth, sequence):
    first17 = f"{address}{birth:%Y%m%d}{sequence:03d}"
    number = first17 + resident_id_check_char(first17)
    masked = mask_id(number)
    assert number not in masked
    assert len(masked) == 18
    assert masked.startswith(address) and masked.endswith(number[-4:])
    assert f"{birth:%Y%m%d}" not in masked
    assert mask_id(number.lower()[:17] + number[17].lower()).startswith(address)


@fast
@given(st.text(alphabet="0123456789Xx", min_size=1, max_size=20))
def test_mask_id_hides_any_string(text):
    masked = mask_id(text)
    assert len(masked) == len(text)
    if len(text) >= 2:
        assert masked != text or set(text) == {"*"}
        assert "*" in masked


# --------------------------------------------------------------------------------------------
# Phones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812341234", "138****1234"),
        ("+86 138 1234 1234", "138****1234"),
        ("０５７１－８８８８６６６６", "0571-****6666"),
        ("010-8888666", "010-***8666"),
        ("0571-88886666-123", "0571-****6666-123"),
        ("", ""),
        (None, ""),
        ("12345", "*****"),
        ("99999999999", "*******9999"),
    ],
)
def test_mask_phone_examples(text, expected):
    assert mask_phone(text) == expected


@fast
@given(st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_mask_mobile_never_contains_the_number(mobile):
    masked = mask_phone(mobile)
    assert mobile not in masked
    assert masked == mobile[:3] + "****" + mobile[-4:]


@fast
@given(st.from_regex(r"0[3-9][0-9]{2}", fullmatch=True),
       st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True))
def test_mask_landline_never_contains_the_number(area, local):
    masked = mask_phone(f"{area}-{local}")
    assert local not in masked
    assert masked.startswith(area + "-") and masked.endswith(local[-4:])


@fast
@given(st.text(alphabet="0123456789 -+()", max_size=20))
def test_mask_phone_never_shows_seven_digits_of_input(text):
    masked = mask_phone(text)
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 7:
        assert digits not in masked.replace("-", "")


# --------------------------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三", "张某"),
        ("张三丰", "张某"),
        ("欧阳小明", "欧阳某"),
        ("欧阳明", "欧阳某"),
        ("司马相如", "司马某"),
        ("欧阳", "欧某"),
        ("单雄信", "单某"),
        ("张", "张某"),
        ("张某", "张某"),
        (" 李四\u200b ", "李某"),
        ("阿依古丽·买买提", "阿某"),
        ("John Smith", "J***"),
        ("", ""),
        (None, ""),
        ("杭州某某科技有限公司", "杭州某某科技有限公司"),
        ("城关镇红星村民委员会", "城关镇红星村民委员会"),
        ("王家庄农机专业合作社", "王家庄农机专业合作社"),
        ("县人民医院", "县人民医院"),
        ("老张小吃店", "老张小吃店"),
        ("红星砖厂", "红星砖厂"),
    ],
)
def test_mask_name_examples(name, expected):
    assert mask_name(name) == expected


def test_is_organisation_name():
    assert is_organisation_name("西湖区文化中心")
    assert is_organisation_name("实验学校")
    assert not is_organisation_name("张三")
    assert not is_organisation_name(None)


# Common surname and given-name characters, none of them an organisation marker.
surnames = st.sampled_from(list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"))
given_chars = st.text(alphabet="伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰", min_size=1, max_size=3)


@fast
@given(st.one_of(surnames, st.sampled_from(sorted(COMPOUND_SURNAMES))), given_chars)
def test_mask_name_keeps_only_the_surname(surname, given_name):
    name = surname + given_name
    masked = mask_name(name)
    assert masked.endswith("某")
    assert masked == name[: len(masked) - 1] + "某"  # a prefix of the name, then 某
    assert len(masked) <= 3
    assert masked != name
    if len(surname) == 2 and len(name) >= 3:
        assert masked == surname + "某"
    if len(surname) == 1:
        assert masked == surname + "某"
    assert mask_name(masked) == masked  # idempotent
