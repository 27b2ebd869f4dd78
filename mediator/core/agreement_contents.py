"""What a written agreement (调解协议书) must state — 《人民调解法》§29 and 《人民调解工作若干规定》
Art. 36: the parties' details, the main facts, **the points in dispute (争议事项)**, **each
side's responsibility (各方责任)**, the agreed terms, and **how, where and by when they are
performed (履行方式、地点、期限)**. Recording a written agreement without one of the marked
elements warns (domain.md: warn, do not refuse), and the case file check (卷宗) lists it.
"""

from __future__ import annotations

from datetime import date

from mediator.i18n import t

#: the elements checked, in the order the document prints them
ELEMENTS = ("dispute", "responsibilities", "method", "place", "deadline")


def missing_elements(*, requests: str | None, responsibilities: str | None,
                     method: str | None, place: str | None, perform_by: date | None,
                     instalments: int, performed_on_the_spot: bool) -> list[str]:
    """The keys of ``ELEMENTS`` a written agreement lacks. 争议事项 is the case's requests;
    the deadline is the agreement's 履行期限, its instalments' due days, or the day itself
    when it was performed on the spot."""
    present = {
        "dispute": bool((requests or "").strip()),
        "responsibilities": bool((responsibilities or "").strip()),
        "method": bool((method or "").strip()),
        "place": bool((place or "").strip()),
        "deadline": perform_by is not None or instalments > 0 or performed_on_the_spot,
    }
    return [key for key in ELEMENTS if not present[key]]


def missing_text(keys: list[str]) -> str:
    """争议事项、履行地点 — the labels of the missing elements."""
    return t("agreement.element_sep").join(t(f"agreement.element.{k}") for k in keys)


__all__ = ["ELEMENTS", "missing_elements", "missing_text"]
