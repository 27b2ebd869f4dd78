"""Referral regimes (委派 / 委托 / 移交; issue 25 point 3).

A case handed over by another body carries the regime it came under (:class:`ReferralKind`:
诉前委派, 诉中委托, 公安 110 移交, 交警, 信访部门, 12345 热线, 综治中心分流, 检调) and a
record of it: the referring body, its number (法院案号, 警情编号, 信访件号, 工单号), the
referral date, and the result fed back to the body (委托调解结果告知函: date and words).

- the regime decides the 案件来源 the case is counted under (``ReferralKind.source``: a
  court's two regimes are the county form's 其中人民法院委派委托);
- a regime with a time limit of its own (``rules.REFERRAL_LIMITS``: 诉前委派 30 days) sets
  the mediation deadline at 受理 through ``rules.apply``'s ``referral`` argument; marking
  the regime after 受理 leaves the deadline already set alone (as a change of dispute type
  does), the officer extends or corrects it through the actions meant for that;
- the result is fed back once the mediation has a result.

:func:`check_fields` is shared by 登记 and 修改信息; :class:`ReferralUseCases` (mixed into
``Services``) holds the feedback use case.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from mediator.core.enums import CaseSource, EventKind, ReferralKind
from mediator.core.errors import DomainError, ValidationError
from mediator.core.validate import normalise_text
from mediator.i18n import t

if TYPE_CHECKING:
    from sqlmodel import Session

    from mediator.core.inputs import CaseResult
    from mediator.core.models import Case

#: the columns of the referral record that 登记 and 修改信息 set
FIELDS = ("referral_kind", "referral_body", "referral_no", "referral_on")


def check_fields(kind: ReferralKind | str | None, body: str | None, number: str | None,
                 on: date | None, *, source: CaseSource | str | None, registered_on: date,
                 today: date, source_given: bool = True) -> dict[str, Any]:
    """The referral columns to store (and ``source`` when the regime decides it), or a
    ValidationError in Chinese: a record without its regime, a regime another source
    contradicts, a referral date after registration or in the future."""
    kind_m = ReferralKind(kind) if kind else None
    body, number = normalise_text(body) or None, normalise_text(number) or None
    if kind_m is None:
        if body or number or on:
            raise ValidationError(t("referral.kind_required"), "referral_kind")
        return {"referral_kind": None, "referral_body": None, "referral_no": None,
                "referral_on": None}
    out: dict[str, Any] = {"referral_kind": kind_m.name, "referral_body": body,
                           "referral_no": number, "referral_on": on}
    if on is not None:
        if on > today:
            raise ValidationError(t("svc.date_in_future"), "referral_on")
        if on > registered_on:
            raise ValidationError(t("referral.after_registration",
                                    date=registered_on.isoformat()), "referral_on")
    wanted = kind_m.source
    if source_given and source and CaseSource(source) is not wanted \
            and CaseSource(source) is not CaseSource.APPLICATION:
        raise ValidationError(t("referral.source_mismatch", kind=kind_m.label,
                                source=CaseSource(source).label, wanted=wanted.label), "source")
    out["source"] = wanted.name
    return out


def referring_court(case: Any) -> str:
    """The court that referred the case (诉前委派 / 诉中委托 with its body recorded), which
    司法确认 is applied to unless another court is named; "" otherwise."""
    kind = getattr(case, "referral_kind", None)
    if kind and ReferralKind(kind).court:
        return case.referral_body or ""
    return ""


class ReferralUseCases:
    """The referral use cases of ``Services`` (mixed in), one transaction each."""

    today: Callable[[], date]
    _change: Callable[..., CaseResult]
    _event: Callable[..., Any]

    def record_referral_feedback(self, case_id: str, result: str,
                                 on: date | None = None) -> CaseResult:
        """回复/反馈: the mediation's result told to the body that referred the case (for a
        court, the 委托调解结果告知函), once the mediation has a result."""
        words = normalise_text(result)

        def work(s: Session, case: Case) -> None:
            if not case.referral_kind:
                raise DomainError(t("referral.none", case=case.case_no))
            if not case.outcome or case.concluded_on is None:
                raise DomainError(t("referral.no_result", case=case.case_no))
            if not words:
                raise ValidationError(t("referral.result_required"), "result")
            day = on or self.today()
            if day > self.today():
                raise ValidationError(t("svc.date_in_future"), "on")
            if day < case.concluded_on:
                raise ValidationError(t("referral.feedback_before_result",
                                        date=case.concluded_on.isoformat()), "on")
            case.referral_feedback_on, case.referral_result = day, words
            self._event(s, case, EventKind.TRANSFER, day,
                        t("referral.ev.feedback", body=case.referral_body
                          or ReferralKind(case.referral_kind).label), words)
        return self._change(case_id, "case.referral_feedback", work)
