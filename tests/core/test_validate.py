"""Tests of mediator.core.validate: examples plus Hypothesis properties for every parser."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mediator.core.enums import Gender
from mediator.core.errors import ValidationError
from mediator.core.validate import (
    PROVINCE_CODES,
    ResidentId,
    is_valid_resident_id,
    is_within_area,
    normalise,
    normalise_text,
    office_area_prefix,
    parse_amount_fen,
    parse_date,
    parse_division_code,
    parse_int,
    parse_office_code,
    parse_phone,
    parse_resident_id,
    parse_village_code,
    require,
    resident_id_check_char,
)
from mediator.i18n import get_language, set_language

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 1, 1)

# Local settings (not a global profile, which would leak into other test modules).
fast = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def _chinese():
    """Messages are asserted in Chinese unless a test switches language itself."""
    before = get_language()
    set_language("zh_CN")
    yield
    set_language(before)


def full_width(text: str) -> str:
    """What a Chinese IME in full-width mode produces for ``text``."""
    return "".join(
        chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else ("\u3000" if c == " " else c) for c in text
    )


# Independent implementation of the GB 11643 check character, to cross-check the module.
def check_char(first17: str) -> str:
    weights = [2 ** (17 - i) % 11 for i in range(17)]  # the standard's definition of wᵢ
    return "10X98765432"[sum(int(d) * w for d, w in zip(first17, weights)) % 11]


# --------------------------------------------------------------------------------------------
# normalise / require / parse_int


def test_normalise_examples():
    assert normalise(None) == ""
    assert normalise("２０２６－０１－０５") == "2026-01-05"
    assert normalise("\u3000 张三\u200b ") == "张三"
    assert normalise("1101\u200b0519\ufeff491231002X") == "11010519491231002X"
    assert normalise("３，０００元") == "3,000元"


@fast
@given(st.text(max_size=30))
def test_normalise_is_idempotent(text):
    once = normalise(text)
    assert normalise(once) == once
    assert "\u200b" not in once and "\ufeff" not in once


def test_require():
    assert require(" 张三 ", "name") == "张三"
    with pytest.raises(ValidationError) as info:
        require(" \u200b\u3000", "name", label="姓名")
    assert info.value.field == "name"
    assert "姓名" in info.value.message


def test_parse_int():
    assert parse_int("12", "n") == 12
    assert parse_int("１，２００", "n") == 1200
    assert parse_int("-3", "n") == -3
    assert parse_int("十二", "n") == 12
    with pytest.raises(ValidationError, match="人数"):
        parse_int("abc", "n", label="人数")
    with pytest.raises(ValidationError):
        parse_int("1.5", "n")
    with pytest.raises(ValidationError):
        parse_int("", "n")
    with pytest.raises(ValidationError):
        parse_int("0", "n", minimum=1)
    with pytest.raises(ValidationError):
        parse_int("11", "n", maximum=10)


@fast
@given(st.integers(-10**12, 10**12))
def test_parse_int_round_trips(n):
    assert parse_int(str(n), "n") == n
    assert parse_int(full_width(f"{n:,}"), "n") == n


# --------------------------------------------------------------------------------------------
# Resident IDs


def test_id_test_vector():
    rid = parse_resident_id("11010519491231002X")
    assert rid == ResidentId("11010519491231002X", date(1949, 12, 31), Gender.FEMALE, False)
    assert rid.address_code == "110105"
    assert rid.age_on(date(2026, 1, 1)) == 76
    assert parse_resident_id("11010519491231002x").number == "11010519491231002X"
    assert parse_resident_id("１１０１０５ １９４９１２３１ ００２ｘ").number == "11010519491231002X"
    assert is_valid_resident_id("11010519491231002X")
    assert resident_id_check_char("11010519491231002") == "X"


def test_id_legacy():
    rid = parse_resident_id("110105491231003")
    assert rid.legacy and rid.number == "110105491231003"
    assert rid.birth_date == date(1949, 12, 31)
    assert rid.gender is Gender.MALE


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("1101051949123100", "16位"),
        ("", "0位"),
        ("11010519491231002Y", "只能包含数字"),
        ("1101051949123100X2", "只能包含数字"),
        ("11010519491331002X", "出生日期1949-13-31"),
        ("11010518991231002X", "出生日期1899-12-31"),
        ("110105491301003", "出生日期1949-13-01"),
        ("110105194912310021", "应为X"),
    ],
)
def test_id_errors_are_specific(text, fragment):
    with pytest.raises(ValidationError) as info:
        parse_resident_id(text, field="id_number")
    assert fragment in info.value.message
    assert info.value.field == "id_number"
    assert not is_valid_resident_id(text)


def test_id_future_birth_date_rejected():
    first17 = "11010520300101001"
    number = first17 + check_char(first17)
    assert not is_valid_resident_id(number, today=TODAY)
    assert is_valid_resident_id(number, today=date(2031, 1, 1))


def test_id_check_digit_message_in_english():
    set_language("en")
    with pytest.raises(ValidationError, match="should be X"):
        parse_resident_id("110105194912310021")


addresses = st.from_regex(r"[0-9]{6}", fullmatch=True)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date.today())


@st.composite
def valid_ids(draw):
    birth = draw(birth_dates)
    sequence = draw(st.integers(0, 999))
    first17 = f"{draw(addresses)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17), birth, sequence


@fast
@given(valid_ids())
def test_generated_ids_parse_and_round_trip(case):
    number, birth, sequence = case
    rid = parse_resident_id(number)
    assert rid.number == number and not rid.legacy
    assert rid.birth_date == birth
    assert rid.gender is (Gender.MALE if sequence % 2 else Gender.FEMALE)
    assert parse_resident_id(number.lower()) == rid
    assert parse_resident_id(full_width(number)) == rid


@fast
@given(valid_ids(), st.integers(0, 17), st.sampled_from("0123456789X"))
def test_any_single_character_change_is_rejected(case, position, replacement):
    number = case[0]
    assume(replacement != number[position])
    assume(position == 17 or replacement != "X")
    changed = number[:position] + replacement + number[position + 1:]
    assert not is_valid_resident_id(changed)


@fast
@given(
    addresses,
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    st.integers(0, 999),
)
def test_generated_legacy_ids_parse(address, birth, sequence):
    number = f"{address}{birth:%y%m%d}{sequence:03d}"
    rid = parse_resident_id(number)
    assert rid.legacy and rid.birth_date == birth
    assert rid.gender is (Gender.MALE if sequence % 2 else Gender.FEMALE)


@fast
@given(st.text(alphabet="0123456789Xx -", max_size=25))
def test_id_parser_never_crashes(text):
    try:
        parse_resident_id(text)
    except ValidationError:
        pass


# --------------------------------------------------------------------------------------------
# Phones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812341234", "13812341234"),
        ("138 1234 1234", "13812341234"),
        ("138-1234-1234", "13812341234"),
        ("+86 138 1234 1234", "13812341234"),
        ("0086-13812341234", "13812341234"),
        ("１３８１２３４１２３４", "13812341234"),
        ("0571-88886666", "0571-88886666"),
        ("057188886666", "0571-88886666"),
        ("(0571) 8888 6666", "0571-88886666"),
        ("０５７１－８８８８６６６６", "0571-88886666"),
        ("010-88886666", "010-88886666"),
        ("01088886666", "010-88886666"),
        ("020-8888666", "020-8888666"),
        ("0571-88886666-123", "0571-88886666-123"),
        ("0571-88886666转123", "0571-88886666-123"),
        ("+86 571 8888 6666", "0571-88886666"),
    ],
)
def test_phone_examples(text, expected):
    assert parse_phone(text) == expected


@pytest.mark.parametrize(
    "text", ["", "12812341234", "1381234123", "138123412345", "88886666", "0571-888", "abc",
             "0571-08886666", "0571-88886666-1234567"]
)
def test_phone_rejects(text):
    with pytest.raises(ValidationError, match="不是有效的电话号码"):
        parse_phone(text, field="phone")


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@fast
@given(
    mobiles,
    st.sampled_from(["", "+86", "+86 ", "0086", "0086-"]),
    st.sampled_from([" ", "-", ""]),
)
def test_mobile_formats_parse(mobile, prefix, sep):
    typed = prefix + mobile[:3] + sep + mobile[3:7] + sep + mobile[7:]
    assert parse_phone(typed) == mobile
    assert parse_phone(full_width(typed)) == mobile


area_codes = st.one_of(
    st.just("010"),
    st.from_regex(r"02[0-9]", fullmatch=True),
    st.from_regex(r"0[3-9][0-9]{2}", fullmatch=True),
)


@fast
@given(
    area_codes,
    st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),
    st.one_of(st.just(""), st.from_regex(r"[0-9]{1,4}", fullmatch=True)),
    st.sampled_from(["{a}-{l}", "{a}{l}", "({a}){l}", "{a} {l}", "({a}) {l}"]),
)
def test_landline_formats_parse(area, local, extension, layout):
    typed = layout.format(a=area, l=local)
    expected = f"{area}-{local}"
    if extension:
        typed += f"-{extension}"
        expected += f"-{extension}"
    assert parse_phone(typed) == expected
    assert parse_phone(full_width(typed)) == expected


# --------------------------------------------------------------------------------------------
# Dates


@pytest.mark.parametrize(
    "text",
    ["2026-1-5", "2026-01-05", "2026/1/5", "2026.1.5", "20260105", "2026年1月5日", "2026年1月5号",
     "2026 年 1 月 5 日", "２０２６－０１－０５", "2026。1。5", "2026-01-05 10:30:00",
     "2026-01-05T10:30"],
)
def test_date_formats(text):
    assert parse_date(text) == date(2026, 1, 5)


@pytest.mark.parametrize(
    ("text", "delta"),
    [("今天", 0), ("today", 0), ("Today", 0), ("明天", 1), ("tomorrow", 1), ("昨天", -1),
     ("yesterday", -1), ("后天", 2), ("前天", -2), ("+7", 7), ("-3", -3), ("＋７", 7),
     ("+10天", 10), ("+0", 0)],
)
def test_relative_dates(text, delta):
    assert parse_date(text, today=TODAY) == TODAY + timedelta(days=delta)


def test_date_errors():
    with pytest.raises(ValidationError, match="日期不存在"):
        parse_date("2026-02-30")
    with pytest.raises(ValidationError, match="日期不存在"):
        parse_date("2026年13月1日")
    with pytest.raises(ValidationError, match="无法识别日期"):
        parse_date("下周")
    with pytest.raises(ValidationError, match="无法识别日期"):
        parse_date("")
    with pytest.raises(ValidationError, match="无法识别日期"):
        parse_date("2026-1/5")
    with pytest.raises(ValidationError, match="超出范围"):
        parse_date("0026-01-05")
    with pytest.raises(ValidationError, match="超出范围"):
        parse_date("+99999", today=TODAY)
    with pytest.raises(ValidationError) as info:
        parse_date("2026-02-30", field="due")
    assert info.value.field == "due"


DATE_STYLES = [
    lambda d: f"{d.year}-{d.month}-{d.day}",
    lambda d: f"{d:%Y-%m-%d}",
    lambda d: f"{d.year}/{d.month}/{d.day}",
    lambda d: f"{d:%Y/%m/%d}",
    lambda d: f"{d.year}.{d.month}.{d.day}",
    lambda d: f"{d:%Y%m%d}",
    lambda d: f"{d.year}年{d.month}月{d.day}日",
    lambda d: f"{d:%Y年%m月%d日}",
]


@fast
@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
       st.sampled_from(DATE_STYLES))
def test_every_style_round_trips(day, style):
    typed = style(day)
    assert parse_date(typed) == day
    assert parse_date(full_width(typed)) == day


@fast
@given(st.integers(-3650, 3650))
def test_relative_offsets(days):
    typed = f"{days:+d}"
    assert parse_date(typed, today=TODAY) == TODAY + timedelta(days=days)


@fast
@given(st.integers(1900, 2100), st.integers(1, 12), st.integers(29, 31))
def test_impossible_days_rejected(year, month, day):
    try:
        date(year, month, day)
    except ValueError:
        with pytest.raises(ValidationError):
            parse_date(f"{year}-{month}-{day}")
    else:
        assert parse_date(f"{year}-{month}-{day}") == date(year, month, day)


# --------------------------------------------------------------------------------------------
# Division codes


def test_division_examples():
    assert parse_village_code("330106001001") == "330106001001"
    assert parse_village_code("３３０１０６００１００１") == "330106001001"
    assert parse_office_code("330106001") == "330106001"
    assert parse_office_code("330106") == "330106"
    assert parse_office_code("3301") == "3301"
    assert parse_division_code("810000", lengths=(6,)) == "810000"
    with pytest.raises(ValidationError, match="只能包含数字"):
        parse_village_code("33010600100A")
    with pytest.raises(ValidationError, match="12位"):
        parse_village_code("330106001")
    with pytest.raises(ValidationError, match="4/6/9位"):
        parse_office_code("33010600")
    with pytest.raises(ValidationError, match="“16”"):
        parse_office_code("160106001")
    for bad in ("00", "10", "16", "20", "24", "38", "47", "55", "60", "66", "70", "72", "83", "99"):
        with pytest.raises(ValidationError):
            parse_division_code(bad + "0106", lengths=(6,))


def test_office_area_prefix():
    assert office_area_prefix("330106000") == "330106"
    assert office_area_prefix("330106001") == "330106001"
    assert office_area_prefix("330100") == "3301"
    assert office_area_prefix("330000000000") == "33"
    assert office_area_prefix("330106001000") == "330106001"
    assert office_area_prefix("330106000001") == "330106000001"
    assert is_within_area("330106001203", "330106000")
    assert is_within_area("330106001203", "330106001")
    assert not is_within_area("330106002203", "330106001")
    assert not is_within_area("330107001203", "330106")
    with pytest.raises(ValidationError):
        office_area_prefix("3301060")


provinces = st.sampled_from(sorted(PROVINCE_CODES))


@fast
@given(provinces, st.from_regex(r"[0-9]{10}", fullmatch=True), st.sampled_from([4, 6, 9, 12]))
def test_division_codes_parse(province, rest, length):
    code = (province + rest)[:length]
    assert parse_division_code(code, lengths=(length,)) == code
    assert parse_division_code(full_width(code), lengths=(length,)) == code
    if length == 12:
        assert parse_village_code(code) == code
    else:
        assert parse_office_code(code) == code
    prefix = office_area_prefix(code)
    assert code.startswith(prefix)
    assert code == prefix + "0" * (length - len(prefix))
    assert len(prefix) in (2, 4, 6, 9, 12)
    inner_ends = [end for end in (2, 4, 6, 9) if end < len(prefix)]
    if inner_ends:  # the last group kept is not all zeros
        assert set(prefix[inner_ends[-1]:]) != {"0"}
    assert is_within_area(code, code)


@fast
@given(st.from_regex(r"[0-9]{2}", fullmatch=True), st.from_regex(r"[0-9]{10}", fullmatch=True))
def test_division_province_must_exist(province, rest):
    code = province + rest
    if province in PROVINCE_CODES:
        assert parse_village_code(code) == code
    else:
        with pytest.raises(ValidationError):
            parse_village_code(code)


# --------------------------------------------------------------------------------------------
# Amounts


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("3000", 300000), ("3,000元", 300000), ("3000.5", 300050), ("¥1,234.56", 123456),
        ("￥1,234.56", 123456), ("人民币3000元整", 300000), ("RMB 3000", 300000),
        ("3千", 300000), ("1.5万元", 1500000), ("三千元", 300000), ("一万二千五百元", 1250000),
        ("五万", 5000000), ("贰仟元", 200000), ("壹万贰仟伍佰元整", 1250000), ("十五元", 1500),
        ("一百零五元", 10500), ("一万零五十元", 1005000), ("两万", 2000000), ("一万二", 1200000),
        ("三千五", 350000), ("1万2千", 1200000), ("一点五万", 1500000), ("3元5角", 350),
        ("3块5", 350), ("3元5角2分", 352), ("五毛", 50), ("三元零五分", 305), ("0", 0),
        ("１，０００元", 100000), ("1.2亿", 12000000000), ("3k", 300000), ("2.5w", 2500000),
        ("+100", 10000),
    ],
)
def test_amount_examples(text, fen):
    assert parse_amount_fen(text) == fen


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("-5", "负数"), ("负五百元", "负数"), ("abc", "无法识别"), ("", "无法识别"), ("元", "无法识别"),
        ("3,00", "无法识别"), ("1.234", "两位小数"), ("3.5元5角", "无法识别"), ("五千三千", "无法识别"),
        ("百", "无法识别"), ("1万1.5", "无法识别"), ("9999999999999", "过大"),
    ],
)
def test_amount_errors(text, fragment):
    with pytest.raises(ValidationError, match=fragment) as info:
        parse_amount_fen(text, field="amount")
    assert info.value.field == "amount"


@fast
@given(st.integers(0, 10**14 - 1))
def test_amount_with_separators_round_trips(fen):
    yuan, cents = divmod(fen, 100)
    for typed in (f"{yuan:,}.{cents:02d}", f"¥{yuan:,}.{cents:02d}", f"{yuan}.{cents:02d}元"):
        assert parse_amount_fen(typed) == fen
        assert parse_amount_fen(full_width(typed)) == fen
    if cents == 0:
        assert parse_amount_fen(f"{yuan:,}元") == fen


def to_chinese(n: int, financial: bool = False) -> str:
    """Independent formatter: the way numbers are written in agreements (0 <= n < 10**12)."""
    digits = "零壹贰叁肆伍陆柒捌玖" if financial else "零一二三四五六七八九"
    units = ("", "拾", "佰", "仟") if financial else ("", "十", "百", "千")
    if n == 0:
        return digits[0]

    def four(group: int) -> str:
        out, zero = "", False
        for power in (3, 2, 1, 0):
            digit = group // 10**power % 10
            if digit == 0:
                zero = bool(out)
                continue
            if zero:
                out += digits[0]
                zero = False
            out += digits[digit] + units[power]
        return out

    groups = []
    while n:
        groups.append(n % 10000)
        n //= 10000
    out, need_zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out += digits[0]
        out += four(group) + ("", "万", "亿")[index]
        need_zero = False
    return out


def test_to_chinese_helper():
    assert to_chinese(12500) == "一万二千五百"
    assert to_chinese(100010001) == "一亿零一万零一"
    assert to_chinese(2000, financial=True) == "贰仟"


@fast
@given(st.integers(0, 10**12 - 1), st.booleans())
def test_chinese_numerals_round_trip(yuan, financial):
    typed = to_chinese(yuan, financial)
    assert parse_amount_fen(typed + "元") == yuan * 100
    assert parse_amount_fen(typed) == yuan * 100


@fast
@given(st.integers(1, 9999), st.integers(0, 9), st.sampled_from(["万", "千", "w", "k"]))
def test_scaled_decimals(whole, tenth, unit):
    typed = f"{whole}.{tenth}{unit}"
    scale = 10_000 if unit in "万w" else 1000
    assert parse_amount_fen(typed) == (whole * 10 + tenth) * scale * 10
    assert parse_amount_fen(full_width(typed) + "元") == (whole * 10 + tenth) * scale * 10


@fast
@given(st.text(alphabet="0123456789.,元万千百十一二三零两角分块负-¥ ", max_size=12))
def test_amount_parser_never_crashes(text):
    try:
        value = parse_amount_fen(text)
    except ValidationError:
        return
    assert isinstance(value, int) and value >= 0


# --------------------------------------------------------------------------------------------
# Catalogs and purity


def test_every_message_key_is_in_both_catalogs():
    source = (ROOT / "mediator/core/validate.py").read_text(encoding="utf-8")
    used = set(re.findall(r'"(validate\.[a-z_.]+)"', source))
    assert used
    catalogs = {}
    for lang in ("zh_CN", "en"):
        path = ROOT / "mediator/i18n" / lang / "validate.json"
        catalogs[lang] = json.loads(path.read_text(encoding="utf-8"))
        assert all(key.startswith("validate.") for key in catalogs[lang])
        assert used <= catalogs[lang].keys(), used - catalogs[lang].keys()
    assert catalogs["zh_CN"].keys() == catalogs["en"].keys()


def test_english_messages_format():
    set_language("en")
    with pytest.raises(ValidationError, match="No such date: 2026-02-30"):
        parse_date("2026-02-30")
    with pytest.raises(ValidationError, match="Name is required"):
        require("", "name", label="Name")


def test_no_heavy_imports():
    code = (
        "import sys, mediator.core.validate, mediator.core.privacy; "
        "bad = [m for m in ('sqlmodel', 'sqlalchemy', 'textual') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT)


def test_free_text_keeps_chinese_punctuation_but_folds_ime_digits() -> None:
    from mediator.core.validate import normalise_text

    assert normalise_text("  李四赔偿张三３０００元，分两期付清：（一）…  ") == "李四赔偿张三3000元，分两期付清：（一）…"
    assert normalise_text("ＡＢＣ　３０％\u200b") == "ABC 30%"
    assert normalise_text(None) == ""


def test_printable_free_text_skips_only_steps_that_would_not_change_it() -> None:
    """normalise_text leaves out the control, line-break and invisible-character steps for a
    printable text (issue 16: most of a ledger's free text): no printable character is one
    those steps change, so both ways give the same text."""
    from mediator.core.text import strip_controls
    from mediator.core.validate import _INVISIBLE

    printable = "".join(ch for ch in map(chr, range(0x30000))
                        if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF)
    assert len(printable) > 100_000
    slow = strip_controls(printable.replace("\r\n", "\n").replace("\r", "\n"),
                          multi_line=True).translate(_INVISIBLE)
    assert slow == printable
    assert normalise_text("甲方，赔偿２０００元\u200b。\r\n乙方\x1b[31m同意") == \
        "甲方，赔偿2000元。\n乙方[31m同意"
    assert normalise_text("　漏水１次，已调解　") == "漏水1次，已调解"


def test_the_fold_is_skipped_exactly_when_there_is_nothing_to_fold() -> None:
    """normalise_text translates only a text the regex finds a foldable character in (issue
    16): the regex finds exactly the characters the table folds, over the whole range."""
    from mediator.core.validate import _FOLD_IN_TEXT, _FOLDABLE

    found = {ord(ch) for ch in map(chr, range(0x30000))
             if not 0xD800 <= ord(ch) <= 0xDFFF and _FOLDABLE.search(ch)}
    assert found == set(_FOLD_IN_TEXT)
    assert normalise_text("调解成功，当场履行。") == "调解成功，当场履行。"
    assert normalise_text("赔偿＋３００元／月") == "赔偿+300元/月"


def test_a_resident_id_parsed_twice_is_the_same_and_errors_keep_their_field() -> None:
    first = parse_resident_id("11010519491231002X", today=date(2026, 1, 1))
    assert parse_resident_id("11010519491231002X", today=date(2026, 1, 1)) is first
    assert (first.number, first.birth_date, first.gender) == (
        "11010519491231002X", date(1949, 12, 31), Gender.FEMALE)
    for _ in range(2):
        with pytest.raises(ValidationError) as exc:
            parse_resident_id("110105194912310021", today=date(2026, 1, 1), field="p.id")
        assert exc.value.field == "p.id"
