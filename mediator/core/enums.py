"""Coded values. Member NAMES are stored in the database and travel in sync packages, so they
are stable ASCII; the Chinese/English labels come from the i18n catalog (``enum.<Class>.<NAME>``).
"""

from __future__ import annotations

import enum

from mediator.i18n import t


class LabelledEnum(str, enum.Enum):
    """A str enum whose value equals its name, with a translated ``label``."""

    @property
    def label(self) -> str:
        return t(f"enum.{type(self).__name__}.{self.name}")

    @classmethod
    def choices(cls) -> list[tuple[str, LabelledEnum]]:
        return [(m.label, m) for m in cls]

    @classmethod
    def from_label(cls, text: str) -> LabelledEnum | None:
        """Match a member by name, code or (part of) its label in any language."""
        from mediator.i18n import LANGUAGES, load_catalog

        text = (text or "").strip()
        if not text:
            return None
        for m in cls:
            if text.upper() == m.name or text == getattr(m, "code", None):
                return m
        for lang in LANGUAGES:
            cat = load_catalog(lang)
            for m in cls:
                if cat.get(f"enum.{cls.__name__}.{m.name}") == text:
                    return m
        for lang in LANGUAGES:
            cat = load_catalog(lang)
            hits = [m for m in cls if text in cat.get(f"enum.{cls.__name__}.{m.name}", "")]
            if len(hits) == 1:
                return hits[0]
        return None

    def __str__(self) -> str:  # pragma: no cover - convenience
        return self.name



class CaseState(LabelledEnum):
    REGISTERED = "REGISTERED"      # 登记(待受理)
    REFUSED = "REFUSED"            # 不予受理
    ACCEPTED = "ACCEPTED"          # 已受理
    MEDIATING = "MEDIATING"        # 调解中
    TERMINATED = "TERMINATED"      # 调解终止
    TRANSFERRED = "TRANSFERRED"    # 移交/上报
    WITHDRAWN = "WITHDRAWN"        # 撤回
    AGREED = "AGREED"              # 达成协议
    PERFORMING = "PERFORMING"      # 履行中
    PERFORMED = "PERFORMED"        # 履行完毕
    UNPERFORMED = "UNPERFORMED"    # 未履行
    URGED = "URGED"                # 督促
    SUIT_ADVISED = "SUIT_ADVISED"  # 告知起诉
    ARCHIVED = "ARCHIVED"          # 归档


class Outcome(LabelledEnum):
    """How a concluded case ended; the basis of the success rate (success ÷ concluded)."""

    AGREEMENT = "AGREEMENT"        # 调解成功
    FAILED = "FAILED"              # 调解不成/终止
    WITHDRAWN = "WITHDRAWN"        # 撤回
    TRANSFERRED = "TRANSFERRED"    # 移交/上报
    REFUSED = "REFUSED"            # 不予受理


class DisputeType(LabelledEnum):
    MARRIAGE_FAMILY = "MARRIAGE_FAMILY"
    NEIGHBOUR = "NEIGHBOUR"
    HOUSE_HOMESTEAD = "HOUSE_HOMESTEAD"
    CONTRACT = "CONTRACT"
    BUSINESS = "BUSINESS"
    DAMAGES = "DAMAGES"
    FOREST_LAND = "FOREST_LAND"
    LAND_ACQUISITION = "LAND_ACQUISITION"
    POLLUTION = "POLLUTION"
    LABOUR = "LABOUR"
    WAGE_ARREARS = "WAGE_ARREARS"  # 10 劳动争议 sub-type: 拖欠农民工工资
    TOURISM = "TOURISM"
    CONSUMER = "CONSUMER"
    MEDICAL = "MEDICAL"
    TRAFFIC = "TRAFFIC"
    PROPERTY_MGMT = "PROPERTY_MGMT"
    IP = "IP"
    INTERNET = "INTERNET"
    OTHER = "OTHER"

    @property
    def code(self) -> str:
        """The statistics code (01–17, 99); the wage sub-type reports under 10."""
        return _TYPE_CODES[self.name]


_TYPE_CODES = {
    "MARRIAGE_FAMILY": "01", "NEIGHBOUR": "02", "HOUSE_HOMESTEAD": "03", "CONTRACT": "04",
    "BUSINESS": "05", "DAMAGES": "06", "FOREST_LAND": "07", "LAND_ACQUISITION": "08",
    "POLLUTION": "09", "LABOUR": "10", "WAGE_ARREARS": "10", "TOURISM": "11", "CONSUMER": "12",
    "MEDICAL": "13", "TRAFFIC": "14", "PROPERTY_MGMT": "15", "IP": "16", "INTERNET": "17",
    "OTHER": "99",
}


class CaseSource(LabelledEnum):
    APPLICATION = "APPLICATION"          # 当事人申请
    INITIATIVE = "INITIATIVE"            # 主动调解
    SCREENING = "SCREENING"              # 排查发现
    GRID = "GRID"                        # 网格上报
    VILLAGE_COMMITTEE = "VILLAGE_COMMITTEE"  # 村(居)调委会上报
    COURT = "COURT"                      # 法院委托
    POLICE = "POLICE"                    # 公安移交
    PETITION = "PETITION"                # 信访转交
    GOVERNMENT = "GOVERNMENT"            # 政府部门指定


class PartyRole(LabelledEnum):
    APPLICANT = "APPLICANT"      # 申请人
    RESPONDENT = "RESPONDENT"    # 被申请人
    THIRD_PARTY = "THIRD_PARTY"  # 第三人


class PartyKind(LabelledEnum):
    PERSON = "PERSON"
    ORGANISATION = "ORGANISATION"


class Gender(LabelledEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"


class RiskGrade(LabelledEnum):
    GENERAL = "GENERAL"  # 一般
    MAJOR = "MAJOR"      # 较大
    SEVERE = "SEVERE"    # 重大


class AgreementForm(LabelledEnum):
    ORAL = "ORAL"
    WRITTEN = "WRITTEN"


class FollowUpType(LabelledEnum):
    PERFORMANCE = "PERFORMANCE"  # 履行回访
    STABILITY = "STABILITY"      # 稳控回访
    ROUTINE = "ROUTINE"          # 常规回访


class FollowUpMethod(LabelledEnum):
    VISIT = "VISIT"      # 上门走访
    PHONE = "PHONE"      # 电话回访
    OFFICE = "OFFICE"    # 来所面谈
    MESSAGE = "MESSAGE"  # 短信/微信


class FollowUpResult(LabelledEnum):
    SATISFIED = "SATISFIED"          # 履行良好/满意
    PERFORMED = "PERFORMED"          # 已履行
    NOT_PERFORMED = "NOT_PERFORMED"  # 未履行
    UNREACHABLE = "UNREACHABLE"      # 联系不上
    RECURRED = "RECURRED"            # 纠纷反复


class EventKind(LabelledEnum):
    """Kinds of case timeline entries."""

    STATE = "STATE"              # 状态变更
    NOTICE = "NOTICE"            # 告知
    SESSION = "SESSION"          # 调解记录
    NOTE = "NOTE"                # 备注
    EXTENSION = "EXTENSION"      # 延期
    FOLLOW_UP = "FOLLOW_UP"      # 回访
    PERFORMANCE = "PERFORMANCE"  # 履行
    JUDICIAL = "JUDICIAL"        # 司法确认
    TRANSFER = "TRANSFER"        # 移交/上报
    EDIT = "EDIT"                # 修改
    IMPORT = "IMPORT"            # 导入


class Route(LabelledEnum):
    """Other routes parties are told of when mediation fails or is refused."""

    ARBITRATION = "ARBITRATION"        # 仲裁
    ADMINISTRATIVE = "ADMINISTRATIVE"  # 行政处理
    LITIGATION = "LITIGATION"          # 诉讼
    PETITION = "PETITION"              # 信访
    OTHER = "OTHER"


class JudicialResult(LabelledEnum):
    APPLIED = "APPLIED"      # 已申请
    CONFIRMED = "CONFIRMED"  # 确认有效
    REJECTED = "REJECTED"    # 驳回


class PetitionChannel(LabelledEnum):
    LETTER = "LETTER"  # 来信
    VISIT = "VISIT"    # 来访
    ONLINE = "ONLINE"  # 网上
    PHONE = "PHONE"    # 电话
    FAX = "FAX"        # 传真


# --- 排查 (screening, issue 24) ------------------------------------------------------------


class ScreeningLevel(LabelledEnum):
    """Who screened: a village (居) committee, the township, or a special campaign."""

    VILLAGE = "VILLAGE"      # 村(居)排查
    TOWNSHIP = "TOWNSHIP"    # 乡镇排查
    SPECIAL = "SPECIAL"      # 专项排查


class Disposition(LabelledEnum):
    """What became of a dispute or 隐患 found in a screening round."""

    RESOLVED = "RESOLVED"        # 当场化解
    PREVENTED = "PREVENTED"      # 预防 (prevented, with how)
    CASE = "CASE"                # 转立案
    TRANSFERRED = "TRANSFERRED"  # 移交 (to whom)
    WATCHING = "WATCHING"        # 持续关注


class Prevention(LabelledEnum):
    """What a recorded escalation risk (激化风险) prevented, as the county's form counts it."""

    CRIMINAL = "CRIMINAL"    # 防止民转刑
    PETITION = "PETITION"    # 防止群体性上访
    SUICIDE = "SUICIDE"      # 防止民间纠纷引起自杀
    FIGHT = "FIGHT"          # 防止群体性械斗


class Satisfaction(LabelledEnum):
    """满意度 asked at a 回访."""

    SATISFIED = "SATISFIED"        # 满意
    BASIC = "BASIC"                # 基本满意
    DISSATISFIED = "DISSATISFIED"  # 不满意
class RemediateReason(LabelledEnum):
    """Why a concluded agreement goes back to mediation (重新调解, issue 25)."""

    NON_PERFORMANCE = "NON_PERFORMANCE"    # 未履行，督促无效
    JUDICIAL_REJECTED = "JUDICIAL_REJECTED"  # 司法确认驳回/不予确认
    IMPROPER_CONTENT = "IMPROPER_CONTENT"  # 协议内容不当/显失公平
    HARDSHIP = "HARDSHIP"                  # 履行确有特殊困难


class TerminateReason(LabelledEnum):
    """Coded reasons a mediation is ended without agreement (调解终止, issue 25)."""

    FAILED = "FAILED"              # 调解不成
    PARTY_ENDS = "PARTY_ENDS"      # 一方要求终止
    OTHER_ROUTE = "OTHER_ROUTE"    # 已起诉/申请仲裁/行政处理
    LOST_CONTACT = "LOST_CONTACT"  # 当事人失联
    ESCALATED = "ESCALATED"        # 矛盾激化移交


class ConsentForm(LabelledEnum):
    """A party's answer to mediation before 受理 (人民调解法 §17: 当事人一方明确拒绝调解的，
    不得调解)."""

    ORAL = "ORAL"                  # 口头同意
    WRITTEN = "WRITTEN"            # 书面同意
    NO_OBJECTION = "NO_OBJECTION"  # 主动调解：未表示反对
    REFUSED = "REFUSED"            # 明确拒绝调解


class ReferralKind(LabelledEnum):
    """Who handed the matter over, and under which regime (委派/委托/移交, issue 25 point 3).
    A regime with a limit of its own is in ``rules.REFERRAL_LIMITS`` (诉前委派: 30 days)."""

    PRE_SUIT = "PRE_SUIT"            # 诉前委派 (法院)
    IN_SUIT = "IN_SUIT"              # 诉中委托 (法院)
    POLICE_110 = "POLICE_110"        # 公安 110 移交
    TRAFFIC_POLICE = "TRAFFIC_POLICE"  # 交警移交
    PETITION_OFFICE = "PETITION_OFFICE"  # 信访部门
    HOTLINE_12345 = "HOTLINE_12345"  # 12345 热线
    CENTRE = "CENTRE"                # 综治中心分流
    PROCURATORATE = "PROCURATORATE"  # 检调对接

    @property
    def source(self) -> CaseSource:
        """The 案件来源 a referral of this kind is counted under (委托移送; a court's two
        regimes are the 其中人民法院委派委托)."""
        return CaseSource[_REFERRAL_SOURCE[self.name]]

    @property
    def court(self) -> bool:
        return self.name in ("PRE_SUIT", "IN_SUIT")


_REFERRAL_SOURCE = {
    "PRE_SUIT": "COURT", "IN_SUIT": "COURT", "POLICE_110": "POLICE", "TRAFFIC_POLICE": "POLICE",
    "PETITION_OFFICE": "PETITION", "HOTLINE_12345": "GOVERNMENT", "CENTRE": "GOVERNMENT",
    "PROCURATORATE": "GOVERNMENT",
}
