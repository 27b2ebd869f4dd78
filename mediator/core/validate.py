"""Parsing and validation of values typed by users or read from files.

Pure functions, no database or UI imports, so the CLI, the TUI forms, importers and sync all
accept exactly the same inputs and reject them with the same translated messages. Everything
goes through :func:`normalise` first because Chinese input methods produce full-width digits
and punctuation (``２０２６－０１－０５``) and pasted text often carries zero-width characters.

Every parser raises :class:`~mediator.core.errors.ValidationError` with a message that says
what is wrong (and, where possible, what would be right); ``field`` is passed through so a
form can show the message next to its input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from operator import mul

from mediator.core.enums import Gender
from mediator.core.errors import ValidationError
from mediator.core.lazyre import lazy
from mediator.core.text import strip_controls
from mediator.i18n import t

__all__ = [
    "MAX_NAME",
    "MAX_SHORT_NAME",
    "PROVINCE_CODES",
    "ResidentId",
    "is_valid_resident_id",
    "is_within_area",
    "normalise",
    "normalise_line",
    "office_area_prefix",
    "parse_amount_fen",
    "parse_date",
    "parse_division_code",
    "parse_int",
    "parse_office_code",
    "parse_phone",
    "parse_resident_id",
    "parse_village_code",
    "require",
    "resident_id_check_char",
]


def _fail(key: str, field: str | None, /, **kwargs: object) -> ValidationError:
    """Build the error for a catalog key (keys are spelt out in full at each call site so a
    test can check that every one of them exists in both catalogs)."""
    return ValidationError(t(key, **kwargs), field=field)


# --------------------------------------------------------------------------------------------
# Normalisation and generic fields

# Zero-width and invisible formatting characters that sneak in via copy-paste from chat apps
# and web pages; they make "identical" IDs compare unequal.
_INVISIBLE = dict.fromkeys(
    map(ord, "\u00ad\u180e\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff")
)


def normalise(text: str | None) -> str:
    """NFKC-fold, drop zero-width and control characters and strip; ``None`` becomes ``''``.

    NFKC turns the full-width forms produced by Chinese IMEs into ASCII
    (``２０２６－０１－０５`` -> ``2026-01-05``, ``，`` -> ``,``, ideographic space -> space).
    Control characters other than tab and line breaks (a vertical tab pasted from Word, ESC,
    NUL, C1) are removed: nobody means them, python-docx refuses them and a terminal obeys
    them. Every typed, imported and synced value passes here.
    """
    if text is None:
        return ""
    text = str(text)
    if text.isprintable() or _DIRTY.search(text) is None:
        # nothing to drop (the common case, ~200,000 values in a 10,000-row ledger): the
        # translate and the substitution below would return the text unchanged
        return unicodedata.normalize("NFKC", text).strip()
    return unicodedata.normalize("NFKC", strip_controls(text.translate(_INVISIBLE),
                                                        multi_line=True)).strip()


#: a character :func:`normalise` drops: invisible, or a control other than tab and line breaks
_DIRTY = lazy("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
              + "".join(map(chr, _INVISIBLE)) + "]")


#: the longest name typed input accepts (a party, mediator, office, village); package rows
#: are held to the same limit
MAX_NAME = 100
#: the longest short office name (it goes into every case number)
MAX_SHORT_NAME = 10


def normalise_line(text: str | None) -> str:
    """:func:`normalise` for a one-line field (a name): tabs and line breaks become a space."""
    return strip_controls(normalise(text))


#: Full-width forms folded in free text: digits, Latin letters and a few symbols that IMEs
#: produce where ASCII was meant (２０２６, ＡＢＣ, ３０％). Chinese punctuation (，。：；（）！？)
#: is left as typed: NFKC would turn "，" into "," and damage agreement texts.
_FOLD_IN_TEXT = {cp: cp - 0xFEE0 for cp in (
    *range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B),
    0xFF05, 0xFF0B, 0xFF0D, 0xFF0F, 0xFF1D, 0xFF20, 0xFF03, 0xFF04, 0xFF06, 0xFF0A)}
_FOLD_IN_TEXT[0x3000] = 0x20
#: a character :data:`_FOLD_IN_TEXT` folds
_FOLDABLE = lazy("[" + "".join(re.escape(chr(cp)) for cp in sorted(_FOLD_IN_TEXT)) + "]")


def normalise_text(text: str | None) -> str:
    """Normalise free text (facts, terms, notes): NFC, invisible and control characters
    dropped (line breaks and tabs kept, CR LF made LF), full-width digits and letters folded,
    Chinese punctuation kept; stripped."""
    if text is None:
        return ""
    value = str(text)
    if not value.isprintable():
        # a control, a line break or tab, or an invisible (format) character to deal with;
        # a printable text (most of a ledger's 80,000 free-text cells) has none of them
        value = strip_controls(value.replace("\r\n", "\n").replace("\r", "\n"),
                               multi_line=True).translate(_INVISIBLE)
    if _FOLDABLE.search(value) is not None:
        # str.translate looks every character up in the table (~80 instructions each, 2.6 %
        # of a ledger import's facts and notes); a regex finds there is nothing to fold in a
        # fifth of that: most free text has no full-width digit, letter or space
        value = value.translate(_FOLD_IN_TEXT)
    return unicodedata.normalize("NFC", value).strip()


def require(text: str | None, field: str, *, label: str | None = None) -> str:
    """The normalised text, or an error naming the field when it is empty.

    ``field`` identifies the input (it is set on the error); ``label`` is the name shown to
    the user and defaults to ``field``.
    """
    value = normalise(text)
    if not value:
        raise _fail("validate.required", field, field=label or field)
    return value


def parse_int(
    text: str | None,
    field: str,
    *,
    label: str | None = None,
    minimum: int | None = None,
    maximum: int | None = None,
) -> int:
    """A whole number, typed as digits (``1,200`` allowed) or Chinese numerals (``十二``)."""
    name = label or field
    value = re.sub(r"\s+", "", require(text, field, label=label)).replace(",", "")
    if re.fullmatch(r"[+-]?[0-9]+", value):
        number = int(value)
    else:
        try:
            decimal = _cn_number(value)
        except ValueError:
            decimal = None
        if decimal is None or decimal != decimal.to_integral_value():
            raise _fail("validate.int.invalid", field, field=name, value=normalise(text))
        number = int(decimal)
    if minimum is not None and number < minimum:
        raise _fail("validate.int.too_small", field, field=name, minimum=minimum)
    if maximum is not None and number > maximum:
        raise _fail("validate.int.too_large", field, field=name, maximum=maximum)
    return number


# --------------------------------------------------------------------------------------------
# Resident identity card numbers (GB 11643-1999)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_MIN_BIRTH = date(1900, 1, 1)


@dataclass(frozen=True)
class ResidentId:
    """A parsed resident ID.

    ``number`` is the canonical form (upper-case X; legacy numbers stay 15 digits, because
    the check digit of an upgraded number cannot be known for certain from the old card).
    The first six digits are the place of household registration, not the current address.
    """

    number: str
    birth_date: date
    gender: Gender
    legacy: bool

    @property
    def address_code(self) -> str:
        return self.number[:6]

    def age_on(self, day: date) -> int:
        """Completed years on ``day`` (children under 14 are sensitive data under PIPL)."""
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


_DIGITS17 = lazy(r"[0-9]{17}")


@lru_cache(maxsize=1 << 15)
def resident_id_check_char(first17: str) -> str:
    """The check character for the first 17 digits of an 18-character ID (cached: a ledger
    import checks each party's ID when reading the row and again in ``checks.check_case``)."""
    if not _DIGITS17.fullmatch(first17):
        raise ValueError("need exactly 17 ASCII digits")
    total = sum(map(mul, map(int, first17), _ID_WEIGHTS))
    return _ID_CHECK[total % 11]


_PLAIN_ID = lazy(r"[0-9]{17}[0-9X]|[0-9]{15}")


#: ``date.isoformat`` remembered (a bulk writer's dates): it formats through
#: ``PyUnicode_FromFormat``, ~3,000 instructions, ~190,000 times a 10,000-row ledger import
#: for a few thousand distinct days. Only for ``date`` (not ``datetime``) values.
iso_date = lru_cache(maxsize=8192)(date.isoformat)


def parse_resident_id(
    text: str | None, *, today: date | None = None, field: str | None = None
) -> ResidentId:
    """Check an ID number and derive birth date and gender from it.

    Spaces and dashes that people type to group the digits are ignored; a lower-case ``x`` is
    accepted. The birth date must be a real date between 1900-01-01 and ``today``.
    """
    if type(text) is str:
        # the ledger import parses each party's ID when it reads the row and again in
        # checks.check_case: the second time is a lookup (ResidentId is immutable)
        try:
            return _parse_resident_id_cached(text, today or date.today())
        except ValidationError:
            pass  # parsed again below, for the error with its field
    return _parse_resident_id(text, today=today, field=field)


@lru_cache(maxsize=32768)
def _parse_resident_id_cached(text: str, today: date) -> ResidentId:
    return _parse_resident_id(text, today=today)


def _parse_resident_id(
    text: str | None, *, today: date | None = None, field: str | None = None
) -> ResidentId:
    if type(text) is str and _PLAIN_ID.fullmatch(text):
        number = text  # nothing to normalise (most IDs of a ledger): as the line below makes it
    else:
        number = re.sub(r"[\s\-]", "", normalise(text)).upper()
    if len(number) not in (15, 18):
        raise _fail("validate.id.length", field, length=len(number))
    legacy = len(number) == 15
    pattern = r"[0-9]{15}" if legacy else r"[0-9]{17}[0-9X]"
    if not re.fullmatch(pattern, number):
        raise _fail("validate.id.chars", field)

    digits = "19" + number[6:12] if legacy else number[6:14]
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        birth = None
    if birth is None or not (_MIN_BIRTH <= birth <= (today or date.today())):
        shown = f"{digits[:4]}-{digits[4:6]}-{digits[6:8]}"
        raise _fail("validate.id.birth_date", field, value=shown)

    if not legacy:
        expected = resident_id_check_char(number[:17])
        if number[17] != expected:
            raise _fail("validate.id.check_digit", field, expected=expected, actual=number[17])

    sequence_digit = int(number[14] if legacy else number[16])
    gender = Gender.MALE if sequence_digit % 2 else Gender.FEMALE
    return ResidentId(number=number, birth_date=birth, gender=gender, legacy=legacy)


def is_valid_resident_id(text: str | None, *, today: date | None = None) -> bool:
    """True when :func:`parse_resident_id` accepts ``text``."""
    try:
        parse_resident_id(text, today=today)
    except ValidationError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Telephone numbers

_MOBILE = lazy(r"1[3-9][0-9]{9}")
_PHONE_SEPARATORS = lazy(r"[\s\-\u2010-\u2015()]+")
_EXTENSION = lazy(r"(.*?)(?:转|分机|ext\.?|x|#)\s*([0-9]{1,6})", re.IGNORECASE)


def parse_phone(text: str | None, *, field: str | None = None) -> str:
    """A mobile number as 11 digits, or a landline as ``0571-88886666`` (``-123`` extension).

    Spaces, dashes and brackets are ignored and a ``+86``/``0086`` prefix is dropped. Area
    codes have three digits for Beijing (010) and 02x, four digits everywhere else, which is
    how the area code is told apart from the local number when no dash is typed.
    """
    if type(text) is str and _MOBILE.fullmatch(text):
        return text  # 11 plain digits (most numbers of a ledger): what the lines below return
    raw = normalise(text)
    value = raw
    extension = ""
    marked = _EXTENSION.fullmatch(value)
    if marked:
        value, extension = marked.group(1), marked.group(2)

    groups = [g for g in _PHONE_SEPARATORS.split(value) if g]
    compact = "".join(groups)
    international = False
    for prefix in ("+86", "0086"):
        if compact.startswith(prefix):
            compact = compact[len(prefix):]
            international = True
            groups = _drop_prefix(groups, len(prefix))
            break

    if not extension and _MOBILE.fullmatch(compact):
        return compact

    if international and not compact.startswith("0"):
        compact = "0" + compact  # +86 571 ... is dialled 0571 ... at home
        groups = ["0"] + groups
    landline = _parse_landline(groups, compact, extension)
    if landline is None:
        raise _fail("validate.phone.invalid", field, value=raw)
    return landline


def _drop_prefix(groups: list[str], count: int) -> list[str]:
    """Remove the first ``count`` characters from a list of digit groups."""
    out = list(groups)
    while count and out:
        head = out[0]
        if len(head) <= count:
            count -= len(head)
            out.pop(0)
        else:
            out[0] = head[count:]
            count = 0
    return out


def _parse_landline(groups: list[str], compact: str, extension: str) -> str | None:
    if not re.fullmatch(r"0[1-9][0-9]+", compact):
        return None
    area_len = 3 if compact.startswith(("010", "02")) else 4
    # Walk the typed groups: the area code, then groups until the local number has 7-8 digits;
    # whatever is left is the extension (0571-8888-6666-12 -> 0571-88886666-12).
    first, rest = groups[0], list(groups[1:])
    while len(first) < area_len and rest:  # "0 571 ..." or the "0" put back after +86
        first += rest.pop(0)
    if len(first) < area_len:
        return None
    area, local = first[:area_len], first[area_len:]
    while len(local) < 7 and rest:
        local += rest.pop(0)
    if not (7 <= len(local) <= 8) or local[0] in "01":
        return None
    if rest:
        if extension:
            return None
        extension = "".join(rest)
        if not 1 <= len(extension) <= 6:
            return None
    return f"{area}-{local}" + (f"-{extension}" if extension else "")


# --------------------------------------------------------------------------------------------
# Dates

_DATE_WORDS = {
    "今天": 0, "今日": 0, "today": 0,
    "明天": 1, "明日": 1, "tomorrow": 1,
    "昨天": -1, "昨日": -1, "yesterday": -1,
    "后天": 2, "前天": -2,
}
_TIME_SUFFIX = r"(?:[ t][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DATE_PATTERNS = (
    lazy(r"([0-9]{4})\s*([-/.。])\s*([0-9]{1,2})\s*\2\s*([0-9]{1,2})" + _TIME_SUFFIX),
    lazy(r"([0-9]{4})()([0-9]{2})([0-9]{2})"),
    lazy(r"([0-9]{4})\s*年()\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*[日号]?"),
)
_RELATIVE = lazy(r"([+-])\s*([0-9]{1,5})\s*(?:天|日|d|days?)?")
MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_date(
    text: str | None, today: date | None = None, *, field: str | None = None
) -> date:
    """A calendar date from the forms people actually type.

    ``2026-1-5``, ``2026/1/5``, ``2026.1.5``, ``20260105``, ``2026年1月5日``; ``今天``/``today``,
    ``明天``/``tomorrow``, ``昨天``/``yesterday``, ``后天``, ``前天``; ``+7``/``-3`` days from
    ``today``. Years outside 1900-2100 are rejected as typing mistakes.
    """
    raw = normalise(text)
    value = raw.lower()
    base = today or date.today()
    if value in _DATE_WORDS:
        return base + timedelta(days=_DATE_WORDS[value])
    relative = _RELATIVE.fullmatch(value)
    if relative:
        days = int(relative.group(2)) * (1 if relative.group(1) == "+" else -1)
        try:
            result = base + timedelta(days=days)
        except OverflowError:
            raise _fail("validate.date.range", field, value=raw) from None
        if not MIN_YEAR <= result.year <= MAX_YEAR:
            raise _fail("validate.date.range", field, value=raw)
        return result
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(value)
        if match:
            year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise _fail("validate.date.range", field, value=raw)
            try:
                return date(year, month, day)
            except ValueError:
                raise _fail(
                    "validate.date.invalid", field, year=year, month=month, day=day
                ) from None
    raise _fail("validate.date.format", field, value=raw)


# --------------------------------------------------------------------------------------------
# Administrative division codes (统计用区划代码)

PROVINCE_CODES: frozenset[str] = frozenset(
    f"{n:02d}"
    for n in (
        *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
        *range(50, 55), *range(61, 66), 71, 81, 82,
    )
)
# Ends of the groups province(2) city(2) county(2) township(3) village(3).
_GROUP_ENDS = (2, 4, 6, 9, 12)


def parse_division_code(
    text: str | None, lengths: tuple[int, ...] = (12,), *, field: str | None = None
) -> str:
    """A division code of one of the allowed ``lengths`` whose first two digits are a province."""
    raw = normalise(text)
    code = re.sub(r"\s+", "", raw)
    if not re.fullmatch(r"[0-9]*", code):
        raise _fail("validate.division.chars", field, value=raw)
    if len(code) not in lengths:
        allowed = "/".join(str(n) for n in lengths)
        raise _fail("validate.division.length", field, lengths=allowed, length=len(code))
    if code[:2] not in PROVINCE_CODES:
        raise _fail("validate.division.province", field, prefix=code[:2])
    return code


def parse_office_code(text: str | None, *, field: str | None = None) -> str:
    """A mediation office's area: 4 (city), 6 (county) or 9 (township) digits."""
    return parse_division_code(text, (4, 6, 9), field=field)


def parse_village_code(text: str | None, *, field: str | None = None) -> str:
    """A village or community: the full 12 digits."""
    return parse_division_code(text, (12,), field=field)


def office_area_prefix(code: str) -> str:
    """The code without trailing all-zero groups: the prefix every code inside the area has.

    ``330106000`` (a county written as 9 digits) -> ``330106``; ``330106001`` stays. Used to
    check that a row's owner lies within the area of whoever sent it.
    """
    value = re.sub(r"\s+", "", normalise(code))
    if not re.fullmatch(r"[0-9]+", value) or len(value) not in _GROUP_ENDS:
        raise _fail(
            "validate.division.length", None, lengths="2/4/6/9/12", length=len(value)
        )
    ends = [end for end in _GROUP_ENDS if end <= len(value)]
    while len(ends) > 1 and set(value[ends[-2]:ends[-1]]) == {"0"}:
        ends.pop()
    return value[: ends[-1]]


def is_within_area(code: str, area: str) -> bool:
    """True when division ``code`` lies inside ``area`` (any length of either)."""
    return normalise(code).startswith(office_area_prefix(area))


# --------------------------------------------------------------------------------------------
# Money

_CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3, "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6,
    "陸": 6, "七": 7, "柒": 7, "八": 8, "捌": 8, "九": 9, "玖": 9,
    **{str(i): i for i in range(10)},
}
_CN_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_CN_BIG_UNITS = (("亿", 10**8), ("万", 10**4))
_DIGIT_CLASS = "".join(_CN_DIGITS)
_ARABIC = lazy(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")
_ARABIC_UNIT = lazy(r"([0-9]+(?:\.[0-9]+)?)([十拾百佰千仟])")
_AMOUNT_ALIASES = str.maketrans({"億": "亿", "萬": "万", "圓": "圆", "k": "千", "w": "万"})
_SUB_YUAN = lazy(rf"(?:([{_DIGIT_CLASS}])[角毛])?(?:零?([{_DIGIT_CLASS}])(分?))?")
_MAX_FEN = 10**14  # 1 万亿 yuan: far above any dispute, far below SQLite's integer limit


def _cn_small(text: str) -> int:
    """0-9999 written with 十百千 (or plain digits); ``三千五`` means 3500 as people say it."""
    if not text:
        raise ValueError(text)
    total = 0
    number: int | None = None
    last_unit: int | None = None
    after_zero = False
    for ch in text:
        if ch in _CN_DIGITS:
            digit = _CN_DIGITS[ch]
            if number is None:
                after_zero = digit == 0 and last_unit is not None
                number = digit
            else:
                number = number * 10 + digit
        elif ch in _CN_SMALL_UNITS:
            unit = _CN_SMALL_UNITS[ch]
            if last_unit is not None and unit >= last_unit:
                raise ValueError(text)
            if number is None:
                if unit != 10 or total:  # a bare 十 means ten; a bare 百 is a typo
                    raise ValueError(text)
                number = 1
            total += number * unit
            number, last_unit, after_zero = None, unit, False
        else:
            raise ValueError(text)
    if number is not None:
        if last_unit is not None and last_unit >= 100 and not after_zero and number < 10:
            total += number * last_unit // 10  # 三千五 = 3500, 两百五 = 250
        else:
            total += number
    return total


def _cn_number(text: str) -> Decimal:
    """A number written in Arabic digits, Chinese numerals (also 大写 壹贰叁) or a mix
    (``1.5万``, ``1万2千``, ``一万二千五百``, ``一点五万``). Raises ValueError."""
    if not text:
        raise ValueError(text)
    if _ARABIC.fullmatch(text):
        return Decimal(text.replace(",", ""))
    for char, unit in _CN_BIG_UNITS:
        if char in text:
            head, tail = text.split(char, 1)
            value = _cn_number(head) * unit
            if tail:
                if "." in tail or "点" in tail:
                    raise ValueError(text)
                if len(tail) == 1 and tail in _CN_DIGITS:
                    rest = Decimal(_CN_DIGITS[tail] * unit // 10)  # 一万二 = 12000
                else:
                    rest = _cn_number(tail)
                if rest >= unit:
                    raise ValueError(text)
                value += rest
            return value
    if "点" in text:
        whole, _, fraction = text.partition("点")
        if not fraction or any(c not in _CN_DIGITS for c in fraction):
            raise ValueError(text)
        digits = "".join(str(_CN_DIGITS[c]) for c in fraction)
        return Decimal(_cn_small(whole) if whole else 0) + Decimal("0." + digits)
    scaled = _ARABIC_UNIT.fullmatch(text)
    if scaled:
        return Decimal(scaled.group(1)) * _CN_SMALL_UNITS[scaled.group(2)]
    return Decimal(_cn_small(text))


def _sub_yuan_fen(tail: str) -> int:
    """Fen from what follows 元: ``5角``, ``5毛5``, ``零5分``, or a bare digit (``3块5``)."""
    if not tail:
        return 0
    if len(tail) == 1 and tail in _CN_DIGITS:
        return _CN_DIGITS[tail] * 10
    match = _SUB_YUAN.fullmatch(tail)
    if not match:
        raise ValueError(tail)
    jiao, fen, fen_unit = match.groups()
    if fen is not None and jiao is None and not fen_unit:
        raise ValueError(tail)
    return _CN_DIGITS.get(jiao or "0", 0) * 10 + _CN_DIGITS.get(fen or "0", 0)


def parse_amount_fen(text: str | None, *, field: str | None = None) -> int:
    """An amount of money in integer fen (分), so sums never suffer from float rounding.

    Accepts ``3000``, ``3,000元``, ``3000.5``, ``¥1,234.56``, ``3千``, ``1.5万元``, ``三千元``,
    ``一万二千五百元``, ``五万``, ``贰仟元``, ``3元5角``, ``3块5``. Negative amounts and more than
    two decimal places are rejected.
    """
    raw = normalise(text)
    value = re.sub(r"\s+", "", raw).lower()
    for prefix in ("人民币", "rmb", "cny", "¥"):
        if value.startswith(prefix):
            value = value[len(prefix):]
            break
    value = value.translate(_AMOUNT_ALIASES)
    for suffix in ("整", "正"):
        value = value.removesuffix(suffix)
    if value.startswith(("-", "负", "\u2212")) and len(value) > 1:
        raise _fail("validate.amount.negative", field, value=raw)
    value = value.removeprefix("+")

    try:
        cut = next((i for i, c in enumerate(value) if c in "元块圆"), -1)
        if cut >= 0:
            yuan_text, tail = value[:cut], value[cut + 1:]
        else:
            sub = re.search(rf"[{_DIGIT_CLASS}][角毛分]", value)
            yuan_text, tail = (value[: sub.start()], value[sub.start():]) if sub else (value, "")
            if sub and yuan_text:
                raise ValueError(value)
        if not yuan_text and not tail:
            raise ValueError(value)
        yuan = _cn_number(yuan_text) if yuan_text else Decimal(0)
        sub_fen = _sub_yuan_fen(tail)
        if sub_fen and yuan != yuan.to_integral_value():
            raise ValueError(value)  # 3.5元5角
    except ValueError:
        raise _fail("validate.amount.invalid", field, value=raw) from None

    fen = yuan * 100
    if fen != fen.to_integral_value():
        raise _fail("validate.amount.precision", field, value=raw)
    total = int(fen) + sub_fen
    if total >= _MAX_FEN:
        raise _fail("validate.amount.too_large", field, value=raw)
    return total
