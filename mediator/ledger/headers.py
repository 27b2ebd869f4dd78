"""Which column is which: the header row(s) of a ledger and the field each column holds.

Ledgers are typed by hand, so the same column is called 受理日期, 登记时间 or 收案日期, a
title row (青石镇矛盾纠纷调解台账) sits above the header, and party details often sit under a
merged 申请人 / 被申请人 heading (a two-row header). The recogniser:

1. scores the first rows by how many cells are known header words and takes the best one as
   the header; if the row above or below also looks like a header, the two form a two-row
   header (merged cells have already been filled by the reader);
2. reads each column as top + bottom: a party heading (申请人) on top makes 姓名/身份证号/电话
   below that party's; a bare 身份证号 in a one-row header belongs to the party whose name
   column came last before it (申请人 | 身份证号 | 被申请人 | 身份证号);
3. leaves what it does not know as "unrecognised": a mapping file can name it, and its text
   is kept in the case's import note rather than dropped.

Field names (``registered_on``, ``applicant.phone``...) are the ones a mapping file uses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from mediator.core.errors import ValidationError
from mediator.core.validate import normalise
from mediator.i18n import t
from mediator.ledger.reader import Table, column_letter

#: case-level fields and the header wordings that mean them (compared after normalising:
#: NFKC, no spaces, no '*', '：', full-width brackets folded)
CASE_FIELDS: dict[str, tuple[str, ...]] = {
    "number": ("案件编号", "编号", "卷号", "案号", "卷宗号", "档案号", "登记编号", "案卷号",
               "台账编号", "案件编码", "登记号", "文号"),
    "registered_on": ("受理日期", "登记日期", "受理时间", "登记时间", "申请日期", "收案日期",
                      "立案日期", "受理日", "收案时间", "申请时间", "受理登记日期"),
    "dispute_type": ("纠纷类型", "类别", "纠纷类别", "案件类型", "类型", "纠纷种类",
                     "矛盾纠纷类型", "案件类别", "纠纷性质", "纠纷分类"),
    "facts": ("纠纷简要情况", "简要情况", "基本情况", "纠纷事实", "主要事实", "案情简介",
              "纠纷内容", "简要案情", "纠纷情况", "矛盾纠纷简要情况", "纠纷概况", "主要案情",
              "案由", "事由", "纠纷简况", "纠纷主要事实", "简要事实"),
    "requests": ("申请事项", "调解请求", "当事人请求", "请求事项", "诉求", "申请调解事项"),
    "mediator": ("调解员", "调解人", "承办人", "主持人", "调解人员", "承办调解员", "经办人",
                 "主持调解员", "承办人员"),
    "mediated_on": ("调解日期", "调解时间", "调处日期", "调解结束日期", "调结日期"),
    "result": ("调解结果", "结果", "调处结果", "调解情况", "处理结果", "是否调解成功",
               "调解成功与否", "化解情况", "处理情况", "是否成功"),
    "agreement_form": ("协议形式", "协议类型", "协议方式", "协议种类"),
    "agreement_terms": ("协议内容", "协议主要内容", "协议条款", "调解协议内容"),
    "amount": ("协议金额", "涉及金额", "涉案金额", "标的额", "金额", "标的金额", "涉及标的",
               "协议涉及金额", "调解金额"),
    "performance": ("履行情况", "是否履行", "协议履行情况", "履行", "履行结果"),
    "follow_up_on": ("回访日期", "回访时间"),
    "follow_up_by": ("回访人", "回访人员"),
    "follow_up_note": ("回访情况", "回访结果", "回访记录"),
    "closed_on": ("结案日期", "结案时间", "归档日期", "办结日期", "结案", "办结时间"),
    "note": ("备注", "说明"),
    "village": ("村(居)", "所在村", "村居", "村(社区)", "所属村", "村别", "村组",
                "村(居)委会", "所在村(居)", "村", "社区", "村名", "所属村(居)", "村社区",
                "所在村居", "村(居)名称", "所属村居"),
    "source": ("来源", "纠纷来源", "案件来源", "受理方式", "案件来源方式"),
    "persons": ("涉及人数", "人数", "当事人数", "涉及人员"),
    "risk_grade": ("风险等级", "风险级别", "风险程度"),
    "state": ("办理状态", "案件状态", "当前状态", "状态"),
}

#: party headings; a column under (or starting with) one of these belongs to that party
ROLE_WORDS: dict[str, str] = {
    "申请人": "applicant", "当事人": "applicant", "申请方": "applicant", "甲方": "applicant",
    "当事人甲": "applicant", "被申请人": "respondent", "对方当事人": "respondent",
    "被申请方": "respondent", "乙方": "respondent", "当事人乙": "respondent",
    "第三人": "third_party",
}
ROLES = ("applicant", "respondent", "third_party")

#: party details and their wordings
PARTY_ATTRS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "名称", "姓名(名称)", "姓名或名称", "姓名/名称", "名字"),
    "gender": ("性别",),
    "ethnicity": ("民族",),
    "age": ("年龄",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "身份证", "证件号码", "证件号",
                  "身份号码", "身份证件号码", "统一社会信用代码"),
    "phone": ("联系电话", "电话", "手机", "联系方式", "手机号", "手机号码", "电话号码"),
    "address": ("住址", "家庭住址", "地址", "住所", "现住址", "户籍地址", "居住地址", "住所地",
                "家庭地址"),
}

#: columns that are known and deliberately not imported (row counters, our own reason column)
IGNORED = ("序号", "行号", "原因", "未导入原因", "序", "reason", "工作表", "sheet")

PARTY_FIELDS = tuple(f"{r}.{a}" for r in ROLES for a in PARTY_ATTRS)
ALL_FIELDS = tuple(CASE_FIELDS) + PARTY_FIELDS

_CASE_INDEX = {normalise(w): f for f, words in CASE_FIELDS.items() for w in words}
_ATTR_INDEX = {normalise(w): a for a, words in PARTY_ATTRS.items() for w in words}
_ROLE_PREFIXES = sorted(ROLE_WORDS, key=len, reverse=True)
#: wordings long enough to be recognised inside a longer header (纠纷简要情况及调解经过)
_KEYWORDS = sorted(
    [(w, ("field", f)) for w, f in _CASE_INDEX.items() if len(w) >= 3]
    + [(w, ("attr", a)) for w, a in _ATTR_INDEX.items() if len(w) >= 3]
    + [(w, ("field", f)) for w, f in (("备注", "note"), ("案情", "facts"), ("编号", "number"),
                                      ("案号", "number"), ("卷号", "number"))],
    key=lambda x: len(x[0]), reverse=True)
_PARENS = re.compile(r"\(([^()]*)\)")


def norm_header(text: Any) -> str:
    """Header text as compared: NFKC, no whitespace (headers wrap: 受理\\n日期), no marks."""
    value = normalise(str(text)) if text is not None else ""
    value = re.sub(r"\s+", "", value)
    value = value.replace("*", "").replace(":", "").replace("【", "(").replace("】", ")")
    return value.lower()


@dataclass(frozen=True)
class Hit:
    kind: str  # "field" (a full field name) | "attr" (party detail, party from context) | "ignore"
    name: str = ""


def classify(text: str) -> Hit | None:
    """What one header text means, without context; ``text`` already normalised."""
    h = text
    if not h:
        return None
    if h in IGNORED:
        return Hit("ignore")
    if h in _CASE_INDEX:
        return Hit("field", _CASE_INDEX[h])
    role = next((w for w in _ROLE_PREFIXES if h.startswith(w)), None)
    if role:
        rest = h[len(role):].lstrip("的")
        rest = _PARENS.sub("", rest) if rest not in _ATTR_INDEX else rest
        if not rest or rest.isdigit():
            return Hit("field", f"{ROLE_WORDS[role]}.name")
        if rest in _ATTR_INDEX:
            return Hit("field", f"{ROLE_WORDS[role]}.{_ATTR_INDEX[rest]}")
    if h in _ATTR_INDEX:
        return Hit("attr", _ATTR_INDEX[h])
    inner = _PARENS.findall(h)
    outer = _PARENS.sub("", h)
    if inner and outer != h and outer:
        for word in inner:  # 联系电话(申请人)
            if word in ROLE_WORDS and outer in _ATTR_INDEX:
                return Hit("field", f"{ROLE_WORDS[word]}.{_ATTR_INDEX[outer]}")
        return classify(outer)  # 受理日期(年月日), 金额(元)
    for word, (kind, name) in _KEYWORDS:
        if word in h:
            return Hit(kind, name)
    return None


def _role_of(text: str) -> str | None:
    return ROLE_WORDS.get(text)


@dataclass
class Column:
    index: int
    header: str  # as shown to the clerk; "申请人/身份证号" for a two-row header
    field: str | None = None
    how: str = "unknown"  # "auto" | "mapping" | "ignored" | "unknown" | "duplicate"
    #: multiplier for amounts given in 万元
    scale: int = 1

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass
class Layout:
    header_start: int  # 0-based index of the first header row
    header_rows: int
    columns: list[Column] = field(default_factory=list)

    @property
    def data_start(self) -> int:
        return self.header_start + self.header_rows

    def index_of(self) -> dict[str, Column]:
        return {c.field: c for c in self.columns if c.field}

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]


def _text(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", "", normalise(str(value)))


def _is_data_value(value: Any) -> bool:
    if isinstance(value, (int, float, date, datetime)) and not isinstance(value, bool):
        return True
    text = _text(value)
    return bool(re.fullmatch(r"[0-9.\-/年月日:]+", text)) and any(c.isdigit() for c in text)


def row_score(row: list[Any]) -> tuple[int, int, bool]:
    """(cells that are header words, non-empty cells, any cell looks like data)."""
    hits = filled = 0
    data = False
    for value in row:
        text = _text(value)
        if not text:
            continue
        filled += 1
        if _is_data_value(value):
            data = True
        elif classify(norm_header(text)) is not None or norm_header(text) in ROLE_WORDS:
            hits += 1
    return hits, filled, data


def _looks_like_header(row: list[Any]) -> bool:
    hits, filled, data = row_score(row)
    return hits >= 2 and not data and hits * 2 >= filled


def detect_layout(table: Table, header_row: int | None = None,
                  header_rows: int | None = None, scan: int = 20) -> Layout:
    """Find the header and name every column (``header_row`` is 1-based, from a mapping)."""
    rows = table.rows
    if not rows:
        raise ValidationError(t("ledger.error.empty"), "file")
    if header_row is not None:
        start = header_row - 1
        if not 0 <= start < len(rows):
            raise ValidationError(t("ledger.error.header_row", row=header_row), "header_row")
        count = header_rows or (2 if start + 1 < len(rows) and _looks_like_header(rows[start + 1])
                                else 1)
    else:
        scores = [row_score(r) for r in rows[:scan]]
        best = max(range(len(scores)), key=lambda i: (scores[i][0], -i))
        if scores[best][0] < 2:
            raise ValidationError(t("ledger.error.no_header", rows=min(scan, len(rows))), "file")
        start, count = best, 1
        if header_rows is not None:
            count = header_rows
        else:  # up to three rows: 当事人 over 申请人 | 被申请人 over 姓名 | 身份证号 | 电话
            while count < 3 and start + count < len(rows) \
                    and _looks_like_header(rows[start + count]):
                count += 1
            while count < 3 and start > 0 and _looks_like_header(rows[start - 1]):
                start, count = start - 1, count + 1
    return Layout(start, count, resolve_columns(rows[start:start + count], table.width))


def resolve_columns(header: list[list[Any]], width: int) -> list[Column]:
    """Name every column from one to three header rows (see the module docstring)."""
    if len(header) > 2:
        # three rows: the middle one is the more precise parent (当事人 › 申请人 › 姓名); a
        # column merged down all three rows reads the same on each
        top3 = [_clean(header[0][i]) if i < len(header[0]) else "" for i in range(width)]
        middle = [_clean(header[1][i]) if i < len(header[1]) else "" for i in range(width)]
        parent = [m if m and m != b else t_ for t_, m, b in zip(
            top3, middle, [_clean(header[2][i]) if i < len(header[2]) else ""
                           for i in range(width)])]
        header = [parent, header[2]]
    top = [_clean(header[0][i]) if i < len(header[0]) else "" for i in range(width)]
    bottom = ([_clean(header[1][i]) if i < len(header[1]) else "" for i in range(width)]
              if len(header) > 1 else [""] * width)
    if len(header) > 1:
        for i in range(1, width):  # a CSV has no merges: 申请人,,, above 姓名,电话,住址
            if (not top[i] and bottom[i] and top[i - 1] and bottom[i - 1]
                    and bottom[i - 1] != top[i - 1]):
                top[i] = top[i - 1]
    columns: list[Column] = []
    used: set[str] = set()
    context = "applicant"
    for i in range(width):
        upper, lower = top[i], bottom[i]
        if lower and lower != upper:
            shown = f"{upper}/{lower}" if upper else lower
        else:
            shown, lower = upper, ""
        col = Column(index=i, header=shown)
        columns.append(col)
        if not shown:
            col.how = "empty"
            continue
        hit, role = _column_hit(norm_header(upper), norm_header(lower))
        if hit is None:
            continue
        if hit.kind == "ignore":
            col.how = "ignored"
            continue
        if hit.kind == "attr":
            role = role or context
            name = f"{role}.{hit.name}"
            while name in used and role != ROLES[-1]:
                role = ROLES[ROLES.index(role) + 1]
                name = f"{role}.{hit.name}"
        else:
            name = hit.name
        if name in used:
            col.how = "duplicate"
            continue
        if "." in name:
            context = name.split(".")[0]
        col.field, col.how = name, "auto"
        used.add(name)
        if name == "amount" and "万" in shown:
            col.scale = 10000
    return columns


def _clean(value: Any) -> str:
    if value is None:
        return ""
    return re.sub(r"\s+", "", normalise(str(value)))


def _column_hit(upper: str, lower: str) -> tuple[Hit | None, str | None]:
    """The meaning of a column from its top and (for two-row headers) bottom text."""
    if not lower:
        if "/" in upper:  # a header written back as 申请人/身份证号 by our reject file
            a, _, b = upper.partition("/")
            return _column_hit(a, b)
        return classify(upper), None
    above = classify(upper)
    role = _role_of(upper)
    if role is None and above is not None and above.kind == "field" and above.name.endswith(".name"):
        role = above.name.split(".")[0]
    below = classify(lower)
    if role:
        if _role_of(lower) is not None and below is not None and below.kind == "field":
            return below, _role_of(lower)
        if below is not None and below.kind == "attr":
            return Hit("field", f"{role}.{below.name}"), role
        if below is not None and below.kind == "field" and below.name.endswith(".name"):
            return Hit("field", f"{role}.name"), role
        if below is not None:
            return below, None
        return classify(upper + lower), role
    if below is not None:
        return below, None
    return classify(upper + lower), None
