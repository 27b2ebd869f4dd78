"""The office's choices behind issue 24's rules, kept as settings: the 回访 policy (days after a
调解成功, days after a case ended at risk) and the success rate's denominator (受理 / 调结 /
成功+不成). One use case reads them, one changes them (one transaction, audited)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from mediator.core.errors import ValidationError
from mediator.core.followups import (
    DEFAULT_RISK_DAYS,
    DEFAULT_SUCCESS_DAYS,
    RISK_DAYS_KEY,
    SUCCESS_DAYS_KEY,
    policy_days,
)
from mediator.core.models import Setting
from mediator.i18n import t

RATE_BASIS_KEY = "report.success_rate_basis"
RATE_BASES = ("ACCEPTED", "CONCLUDED", "DECIDED")
DEFAULT_RATE_BASIS = "ACCEPTED"


@dataclass(frozen=True)
class Policy:
    success_days: int
    risk_days: int
    rate_basis: str


def _read(s: Session) -> Policy:
    row = s.get(Setting, RATE_BASIS_KEY)
    basis = row.value.upper() if row else DEFAULT_RATE_BASIS
    return Policy(policy_days(s, SUCCESS_DAYS_KEY, DEFAULT_SUCCESS_DAYS),
                  policy_days(s, RISK_DAYS_KEY, DEFAULT_RISK_DAYS),
                  basis if basis in RATE_BASES else DEFAULT_RATE_BASIS)


def get_policy(svc: Any) -> Policy:
    with svc.db.read() as s:
        return _read(s)


def set_policy(svc: Any, *, success_days: int | None = None, risk_days: int | None = None,
               rate_basis: str | None = None) -> Policy:
    """Change the 回访 days (0 turns a rule off; at most 366) and the success-rate basis."""
    values: dict[str, str] = {}
    for key, days, name in ((SUCCESS_DAYS_KEY, success_days, "success_days"),
                            (RISK_DAYS_KEY, risk_days, "risk_days")):
        if days is not None:
            if not 0 <= days <= 366:
                raise ValidationError(t("policy.days_range"), name)
            values[key] = str(days)
    if rate_basis is not None:
        basis = rate_basis.strip().upper()
        if basis not in RATE_BASES:
            raise ValidationError(t("policy.bad_basis", value=rate_basis), "rate_basis")
        values[RATE_BASIS_KEY] = basis
    with svc.db.write() as s:
        for key, value in values.items():
            old = s.get(Setting, key)
            s.merge(Setting(key=key, value=value))
            svc._audit(s, "setting.set", "setting", key, {"value": old.value} if old else None,
                       {"value": value})
        s.flush()
        return _read(s)
