"""Cell values as a clerk writes them: dates in every form Excel and people produce, type
labels matched to the coded dispute types, amounts, several names in one cell, results.

Each parser returns a value or raises ``ValueError`` (the importer turns that into a flag or a
rejected row with the cell's text); none of them touches the database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from mediator.core.enums import AgreementForm, CaseSource, DisputeType, Gender, RiskGrade
from mediator.core.enums import Outcome as CaseOutcome
from mediator.core.errors import ValidationError
from mediator.core.importing import Performance
from mediator.core.validate import (
    iso_date,
    normalise,
    normalise_text,
    parse_amount_fen,
    parse_date,
)

EXCEL_EPOCH = date(1899, 12, 30)  # serial 1 = 1900-01-01 (Excel's 1900 leap-year bug included)
_SERIAL_RANGE = (3653, 73050)  # 1910-01-01 .. 2099-12-31: a plain number outside is not a date


def text_of(value: Any) -> str:
    """A cell as text: numbers without a spurious '.0' (Excel stores 13812345678 as a float)."""
    if type(value) is str:
        return _norm(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if not (value.hour or value.minute) else value.isoformat(" ")
    if isinstance(value, date):
        return iso_date(value)
    if isinstance(value, str):
        return _norm(value)
    return normalise(str(value))


def texts_of(cells: dict[str, Any]) -> dict[str, str]:
    """:func:`text_of` of each cell of a row (one call a row: most cells are text, made so
    by the same cached :func:`_norm`)."""
    norm = _norm
    return {name: norm(value) if type(value) is str else text_of(value)
            for name, value in cells.items()}


def free_text_of(value: Any) -> str:
    """A free-text cell (facts, terms, notes) as the clerk wrote it: Chinese punctuation kept
    (，stays ，), only invisible characters dropped and full-width digits/letters folded —
    NFKC is for identifiers, not for prose. A blank marker (—, /, 无) is blank."""
    if type(value) is str:
        return "" if _norm(value) in BLANK_TEXTS else normalise_text(value)
    return "" if is_blank(value) else text_of(value)


@lru_cache(maxsize=16384)
def _norm(text: str) -> str:
    """normalise() with a cache: a ledger repeats its types, results, villages, mediators."""
    return normalise(text)


#: what a clerk writes in a cell that has nothing to say
BLANK_TEXTS = frozenset(("", "/", "-", "--", "—", "——", "无", "空", "\\"))


def is_blank(value: Any) -> bool:
    return text_of(value) in BLANK_TEXTS


# --- dates --------------------------------------------------------------------------------


def excel_serial(number: float) -> date:
    if not _SERIAL_RANGE[0] <= number <= _SERIAL_RANGE[1]:
        raise ValueError(number)
    return EXCEL_EPOCH + timedelta(days=int(number))


_TRAILING_TIME = re.compile(r"\s*(?:[0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2})?(?:\.[0-9]+)?)$")
_YEAR = re.compile(r"(?:19|20)[0-9]{2}")


def parse_cell_date(value: Any) -> date | None:
    """None for an empty cell; a date; or ValueError.

    Accepts real date cells, Excel serial numbers (also stored as text, as WPS does with
    some imports), ``2026.1.5``, ``2026/1/5``, ``2026-01-05 00:00:00``, ``2026年1月5日``,
    ``2026年1月5号``, ``20260105``. Relative words (今天) are not dates in a ledger.
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 19000101 <= value <= 21001231 and float(value).is_integer():
            return parse_cell_date(str(int(value)))
        return excel_serial(float(value))
    if is_blank(value):
        return None
    return _date_of_text(str(value))


@lru_cache(maxsize=8192)
def _date_of_text(raw: str) -> date:
    """:func:`parse_cell_date` of a text (remembered: a ledger's dates as text — a CSV's, all
    of them — repeat a few thousand days, and each parse was ~4 µs, 30,000 a 10,000-row CSV;
    a date is immutable; a text that is no date raises again each time)."""
    text = normalise(raw).replace(" ", "") if "年" in raw else normalise(raw)
    text = _TRAILING_TIME.sub("", text).rstrip(".。")
    if re.fullmatch(r"[0-9]{5}(?:\.[0-9]+)?", text):
        return excel_serial(float(text))
    if not _YEAR.match(text):
        raise ValueError(text)
    try:
        return parse_date(text)
    except ValidationError as exc:
        raise ValueError(text) from exc


# --- dispute types ------------------------------------------------------------------------

D = DisputeType
TYPE_SYNONYMS: dict[str, DisputeType] = {
    "婚姻": D.MARRIAGE_FAMILY, "家庭": D.MARRIAGE_FAMILY, "婚姻家庭": D.MARRIAGE_FAMILY,
    "婚姻家庭邻里": D.MARRIAGE_FAMILY, "离婚": D.MARRIAGE_FAMILY, "赡养": D.MARRIAGE_FAMILY,
    "抚养": D.MARRIAGE_FAMILY, "扶养": D.MARRIAGE_FAMILY, "继承": D.MARRIAGE_FAMILY,
    "家事": D.MARRIAGE_FAMILY, "婆媳": D.MARRIAGE_FAMILY, "家庭矛盾": D.MARRIAGE_FAMILY,
    "邻里": D.NEIGHBOUR, "邻居": D.NEIGHBOUR, "相邻关系": D.NEIGHBOUR, "相邻": D.NEIGHBOUR,
    "房屋": D.HOUSE_HOMESTEAD, "宅基地": D.HOUSE_HOMESTEAD, "房屋宅基地": D.HOUSE_HOMESTEAD,
    "建房": D.HOUSE_HOMESTEAD, "房产": D.HOUSE_HOMESTEAD,
    "合同": D.CONTRACT, "借贷": D.CONTRACT, "民间借贷": D.CONTRACT, "债务": D.CONTRACT,
    "债权债务": D.CONTRACT, "买卖": D.CONTRACT, "买卖合同": D.CONTRACT,
    "生产经营": D.BUSINESS, "经营": D.BUSINESS, "生产": D.BUSINESS,
    "损害赔偿": D.DAMAGES, "人身损害": D.DAMAGES, "人身损害赔偿": D.DAMAGES,
    "财产损害": D.DAMAGES, "侵权": D.DAMAGES, "赔偿": D.DAMAGES,
    "山林": D.FOREST_LAND, "土地": D.FOREST_LAND, "山林土地": D.FOREST_LAND,
    "土地承包": D.FOREST_LAND, "林地": D.FOREST_LAND, "承包地": D.FOREST_LAND,
    "土地山林": D.FOREST_LAND, "林权": D.FOREST_LAND,
    "征地拆迁": D.LAND_ACQUISITION, "征地": D.LAND_ACQUISITION, "拆迁": D.LAND_ACQUISITION,
    "征收": D.LAND_ACQUISITION, "征迁": D.LAND_ACQUISITION,
    "环境污染": D.POLLUTION, "污染": D.POLLUTION, "噪音": D.POLLUTION, "环境": D.POLLUTION,
    "劳动争议": D.LABOUR, "劳动": D.LABOUR, "劳资": D.LABOUR, "工伤": D.LABOUR,
    "劳动关系": D.LABOUR,
    "拖欠农民工工资": D.WAGE_ARREARS, "欠薪": D.WAGE_ARREARS, "拖欠工资": D.WAGE_ARREARS,
    "农民工工资": D.WAGE_ARREARS, "讨薪": D.WAGE_ARREARS, "欠薪讨薪": D.WAGE_ARREARS,
    "旅游": D.TOURISM, "消费": D.CONSUMER, "消费者权益": D.CONSUMER, "消费维权": D.CONSUMER,
    "医疗": D.MEDICAL, "医患": D.MEDICAL,
    "道路交通事故": D.TRAFFIC, "交通事故": D.TRAFFIC, "交通": D.TRAFFIC, "车祸": D.TRAFFIC,
    "物业管理": D.PROPERTY_MGMT, "物业": D.PROPERTY_MGMT,
    "知识产权": D.IP, "互联网": D.INTERNET, "网络": D.INTERNET, "电子商务": D.INTERNET,
    "其他": D.OTHER, "其它": D.OTHER,
}
_TYPE_SUFFIXES = ("纠纷", "争议", "矛盾", "类", "问题", "方面", "案件")
_CODE_PREFIX = re.compile(r"([0-9]{1,2})(?:[\s.、\-_:]+|(?=[^0-9])|$)(.*)")


@dataclass(frozen=True)
class TypeMatch:
    type: DisputeType
    how: str  # "exact" (label, code or synonym) | "keyword" (guessed from a word in it) | "unknown" | "blank"


class TypeMatcher:
    """Ledger type labels to coded types, cached (a ledger repeats a dozen labels)."""

    def __init__(self, extra: dict[str, DisputeType] | None = None):
        self.extra = {self._key(k): v for k, v in (extra or {}).items()}
        self.cache: dict[str, TypeMatch] = {}

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"\s+", "", normalise(text))

    def match(self, label: Any) -> TypeMatch:
        text = self._key(text_of(label))
        if text in self.cache:
            return self.cache[text]
        self.cache[text] = found = self._match(text)
        return found

    def _exact(self, text: str) -> DisputeType | None:
        candidates = [text]
        for suffix in _TYPE_SUFFIXES:
            for c in list(candidates):
                if c.endswith(suffix) and len(c) > len(suffix):
                    candidates.append(c[: -len(suffix)])
        for c in candidates:
            if c in self.extra:
                return self.extra[c]
            if c in TYPE_SYNONYMS:
                return TYPE_SYNONYMS[c]
            found = DisputeType.from_label(c)
            if found is not None:
                return found  # type: ignore[return-value]
        return None

    def _match(self, text: str) -> TypeMatch:
        if not text or is_blank(text):
            return TypeMatch(D.OTHER, "blank")
        code = _CODE_PREFIX.fullmatch(text)
        if code:
            rest = code.group(2)
            found = self._exact(rest) if rest else None
            if found is None:
                by_code = [m for m in DisputeType if m.code == code.group(1).zfill(2)]
                if by_code:
                    return TypeMatch(by_code[0], "exact")
            elif found is not None:
                return TypeMatch(found, "exact")
        found = self._exact(text)
        if found is not None:
            return TypeMatch(found, "exact")
        words = sorted([*self.extra.items(), *TYPE_SYNONYMS.items()], key=lambda kv: -len(kv[0]))
        for word, kind in words:
            if len(word) >= 2 and word in text and kind is not D.OTHER:
                return TypeMatch(kind, "keyword")
        return TypeMatch(D.OTHER, "unknown")


# --- sources, results, agreements, performance ---------------------------------------------

_SOURCE_WORDS = (
    ("信访", CaseSource.PETITION), ("法院", CaseSource.COURT), ("公安", CaseSource.POLICE),
    ("派出所", CaseSource.POLICE), ("警", CaseSource.POLICE), ("网格", CaseSource.GRID),
    ("排查", CaseSource.SCREENING), ("主动", CaseSource.INITIATIVE),
    ("村", CaseSource.VILLAGE_COMMITTEE), ("社区", CaseSource.VILLAGE_COMMITTEE),
    ("政府", CaseSource.GOVERNMENT), ("部门", CaseSource.GOVERNMENT),
    ("指派", CaseSource.GOVERNMENT), ("申请", CaseSource.APPLICATION),
    ("来访", CaseSource.APPLICATION), ("当事人", CaseSource.APPLICATION),
)


def parse_source(value: Any) -> CaseSource | None:
    """None for an empty cell; ValueError when not understood."""
    text = text_of(value)
    if text in BLANK_TEXTS:
        return None
    return _source_of(text)


@lru_cache(maxsize=1024)
def _source_of(text: str) -> CaseSource:
    found = CaseSource.from_label(text)
    if found is not None:
        return found  # type: ignore[return-value]
    for word, source in _SOURCE_WORDS:
        if word in text:
            return source
    raise ValueError(text)


_OPEN_WORDS = ("调解中", "在调", "正在", "未结", "进行中", "待调", "未调", "跟进", "处理中",
               "办理中", "未办结", "化解中")
_RESULT_WORDS: tuple[tuple[tuple[str, ...], CaseOutcome], ...] = (
    (("不予受理", "不受理"), CaseOutcome.REFUSED),
    (("撤回", "撤诉", "撤销申请", "放弃调解", "放弃"), CaseOutcome.WITHDRAWN),
    (("移交", "上报", "移送", "转交", "转办", "转法院", "转公安"), CaseOutcome.TRANSFERRED),
    (("不成功", "未成功", "调解不成", "失败", "终止", "未达成", "不成", "未调成", "未果",
      "无果", "未化解", "否"), CaseOutcome.FAILED),
    (("成功", "调成", "达成", "调结", "化解", "已调解", "和解", "解决", "调处", "已结", "办结",
      "是"), CaseOutcome.AGREEMENT),
)


def parse_result(value: Any) -> CaseOutcome | None:
    """调解结果: None for empty or still open; ValueError when not understood."""
    text = text_of(value)
    if text in BLANK_TEXTS:
        return None
    return _result_of(text)


@lru_cache(maxsize=1024)
def _result_of(text: str) -> CaseOutcome | None:
    if _has(text, _OPEN_WORDS) or text.endswith("中"):
        return None
    found = CaseOutcome.from_label(text)
    if found is not None:
        return found  # type: ignore[return-value]
    for words, outcome in _RESULT_WORDS:
        if _has(text, words):
            return outcome
    raise ValueError(text)


def parse_agreement_form(value: Any) -> AgreementForm | None:
    text = text_of(value)
    if text in BLANK_TEXTS:
        return None
    if "书面" in text or "协议书" in text:
        return AgreementForm.WRITTEN
    if "口头" in text:
        return AgreementForm.ORAL
    raise ValueError(text)


_PERFORMANCE_WORDS = (  # order matters: 未履行完 is still performing, 未履行 is not performed
    (("履行中", "部分履行", "正在履行", "分期", "未履行完", "部分"), Performance.PERFORMING),
    (("未履行", "不履行", "拒不履行", "没有履行", "未兑现", "拒绝履行", "否", "未付"),
     Performance.UNPERFORMED),
    (("已履行", "履行完毕", "当场履行", "即时履行", "履行完", "已兑现", "已付清", "已给付",
      "已支付", "全部履行", "已经履行", "自动履行", "是", "履行"), Performance.PERFORMED),
)


def _has(text: str, words: tuple[str, ...]) -> bool:
    """A word occurs in the text; one-character words (是/否) must be the whole text."""
    return any((w == text) if len(w) == 1 else (w in text) for w in words)


def parse_performance(value: Any) -> Performance | None:
    text = text_of(value)
    if text in BLANK_TEXTS:
        return None
    return _performance_of(text)


@lru_cache(maxsize=1024)
def _performance_of(text: str) -> Performance:
    for words, perf in _PERFORMANCE_WORDS:
        if _has(text, words):
            return perf
    raise ValueError(text)


def parse_gender(value: Any) -> Gender | None:
    text = text_of(value)
    if text in BLANK_TEXTS:
        return None
    if text.startswith("男") or text.upper() in ("M", "MALE"):
        return Gender.MALE
    if text.startswith("女") or text.upper() in ("F", "FEMALE"):
        return Gender.FEMALE
    raise ValueError(text)


def parse_risk(value: Any) -> RiskGrade | None:
    text = text_of(value)
    if text in BLANK_TEXTS:
        return None
    for word, grade in (("重大", RiskGrade.SEVERE), ("较大", RiskGrade.MAJOR), ("高", RiskGrade.SEVERE),
                        ("中", RiskGrade.MAJOR), ("一般", RiskGrade.GENERAL), ("低", RiskGrade.GENERAL)):
        if word in text:
            return grade
    raise ValueError(text)


# --- amounts ------------------------------------------------------------------------------

_NO_AMOUNT = ("无", "0", "不涉及", "未涉及", "暂无", "/", "-", "—", "无金额", "0元")


def parse_money(value: Any, scale: int = 1) -> int:
    """Fen from a cell: 3000, 3000.5 (numbers), '3,000元', '三千元', '1.5万' (text);
    ``scale`` = 10000 when the header says 万元. Raises ValueError."""
    if value is None:
        return 0
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        try:
            amount = Decimal(str(value)) * scale * 100
        except InvalidOperation as exc:  # pragma: no cover - nan/inf
            raise ValueError(value) from exc
        if amount < 0:
            raise ValueError(value)
        return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = text_of(value)
    if not text or text in _NO_AMOUNT:
        return 0
    try:
        fen = parse_amount_fen(text)
    except ValidationError as exc:
        raise ValueError(text) from exc
    if scale != 1 and re.fullmatch(r"[0-9.,]+", text):
        fen *= scale
    return fen


# --- names --------------------------------------------------------------------------------

_SPLIT = re.compile(r"[、,，;；/／\n]+")
_MORE = re.compile(r"等\s*([0-9]+|[一二两三四五六七八九十百]+)\s*(?:人|户|名)$")
_CN_SMALL = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
ORG_SUFFIXES = ("公司", "厂", "合作社", "委员会", "村委会", "居委会", "学校", "医院", "中心", "商店",
                "超市", "集团", "银行", "协会", "物业", "项目部", "经营部", "门市部", "工作室", "诊所",
                "幼儿园", "酒店", "宾馆", "饭店", "店", "场", "站", "局", "所", "队", "社", "部")


def _cn_count(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + _CN_SMALL.get(text[1:], 0)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_SMALL.get(tens, 1) * 10 + _CN_SMALL.get(ones, 0)
    return _CN_SMALL.get(text, 0)


def split_names(value: Any) -> tuple[list[str], int]:
    """Names in one cell and the head count it states: '张三、李四' -> (['张三', '李四'], 0);
    '张三等5人' -> (['张三'], 5). Whitespace separates names too ('张三 李四'), except the
    padding that aligns a two-character name ('王　五')."""
    return split_names_text(text_of(value))


def split_names_text(text: str) -> tuple[list[str], int]:
    """:func:`split_names` of a cell already made text by :func:`text_of`."""
    if text in BLANK_TEXTS:
        return [], 0
    names: list[str] = []
    persons = 0
    for chunk in _SPLIT.split(text):
        chunk = chunk.strip()
        more = _MORE.search(chunk)
        if more:
            persons = max(persons, _cn_count(more.group(1)))
            chunk = chunk[: more.start()].strip()
        if not chunk:
            continue
        tokens = chunk.split()
        if len(tokens) > 1 and any(len(tok) == 1 for tok in tokens):
            names.append("".join(tokens))
        else:
            names.extend(tokens)
    return names, persons


def split_values(value: Any) -> list[str]:
    """Several IDs or phones in one cell, in the order of the names."""
    return split_values_text(text_of(value))


def split_values_text(text: str) -> list[str]:
    """:func:`split_values` of a cell already made text by :func:`text_of`."""
    if text in BLANK_TEXTS:
        return []
    parts = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    if len(parts) == 1 and " " in parts[0]:
        tokens = parts[0].split()
        if all(len(tok) >= 7 for tok in tokens):  # several numbers separated by spaces
            return tokens
    return parts


def is_organisation(name: str) -> bool:
    return len(name) >= 4 and name.endswith(ORG_SUFFIXES)


_SPACES = re.compile(r"\s+")


def ledger_number(text: str) -> str:
    """The ledger's own case number from its cell's text (:func:`text_of`), normalised
    ('007' and 7.0 both read '007'/'7')."""
    return _SPACES.sub("", text)


# --- identifiers --------------------------------------------------------------------------

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_USCC = re.compile(r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
#: what Excel shows for a long number typed into a number cell: 3.30106E+17
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,2}")


def is_org_code(text: str) -> bool:
    """统一社会信用代码 (GB 32100-2015): 18 characters of the code's alphabet, the 3rd–8th the
    division code, the last a check character over the first 17."""
    text = text.upper()
    if not _USCC.fullmatch(text):
        return False
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(text, _USCC_WEIGHTS))
    return _USCC_CHARS[(31 - total % 31) % 31] == text[17]


_RESIDENT_SHAPE = re.compile(
    r"[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]")


def damaged_by_excel(text: str) -> bool:
    """An ID Excel turned into a number and shows as 3.30106E+17: its digits are gone."""
    return bool(_SCIENTIFIC.fullmatch(text))


def is_org_id(text: str) -> bool:
    """An 18-character value is a person's ID unless it is an organisation code: it passes
    GB 32100's check and is not shaped like a resident ID (area, birth date, sequence) — a
    resident ID with a wrong check digit passes the other check one time in 31."""
    return not _RESIDENT_SHAPE.fullmatch(text) and is_org_code(text)
