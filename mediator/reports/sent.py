"""What was sent stays known (issue 19): a report of figures written out is recorded with its
period, figures and each case's share of them. Writing the same report again compares: when
the figures now differ (a past date or outcome corrected, a case deleted, …) the report says
so — it is marked 更正 with what changed — and the caller can show which cases changed it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text

from mediator.core.db import Database
from mediator.i18n import t
from mediator.reports.build import ReportRequest
from mediator.reports.stats import SUMMARY_KEYS, per_case

#: the kinds of report whose figures are recorded when sent
FIGURE_KINDS = ("weekly", "monthly", "range")


@dataclass(frozen=True)
class Sent:
    """The last recording of a report: when, its figures and each case's share."""

    sent_at: str
    figures: dict[str, Any]
    cases: dict[str, dict[str, int]]


@dataclass(frozen=True)
class Drift:
    """How the figures of a report differ from what was sent: (before, now) per figure, and
    the case numbers whose share changed (added, removed or different)."""

    sent: Sent
    changed: dict[str, tuple[Any, Any]]
    cases: list[str]

    def changes_text(self) -> str:
        """受理数 6→5，调解成功率 66.7%→62.5%"""
        from mediator.reports.build import figure_cell
        from mediator.reports.model import format_cell

        return t("report.sent.sep").join(
            t("report.sent.change", figure=t(f"fig.{k}"),
              before=format_cell(figure_cell(k, a)), now=format_cell(figure_cell(k, b)))
            for k, (a, b) in self.changed.items())


def local_time(sent_at: str) -> str:
    """``2026-11-23 09:30``: when a report was sent, on this PC's clock."""
    return datetime.fromisoformat(sent_at).astimezone().strftime("%Y-%m-%d %H:%M")


def _offices_key(offices: Sequence[str] | None) -> str:
    return ",".join(sorted(offices)) if offices else ""


def _digest(figures: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(figures, sort_keys=True).encode("utf-8")).hexdigest()


def last_sent(db: Database, req: ReportRequest) -> Sent | None:
    with db.read() as s:
        row = s.exec(text(  # type: ignore[call-overload]
            "SELECT sent_at, figures, cases FROM report_sent WHERE kind = :k AND "
            "period_label = :p AND offices = :o ORDER BY id DESC LIMIT 1"),
            params={"k": req.kind, "p": req.period.label,
                    "o": _offices_key(req.offices)}).first()
    if row is None:
        return None
    return Sent(row[0], json.loads(row[1]), json.loads(row[2]))


def drift(db: Database, req: ReportRequest, figures: dict[str, Any], today: date
          ) -> tuple[Drift | None, dict[str, dict[str, int]]]:
    """(how ``figures`` differ from what was last sent for this report, or None; each case's
    share of them now)."""
    cases = per_case(db, req.period, today, req.offices)
    before = last_sent(db, req)
    if before is None:
        return None, cases

    def same(a: Any, b: Any) -> bool:
        if isinstance(a, float) or isinstance(b, float):
            return a is not None and b is not None and round(a, 6) == round(b, 6)
        return a == b

    changed = {k: (before.figures.get(k), figures.get(k)) for k in SUMMARY_KEYS
               if not same(before.figures.get(k), figures.get(k))}
    if not changed:
        return None, cases
    moved = sorted(no for no in set(cases) | set(before.cases)
                   if cases.get(no) != before.cases.get(no))
    return Drift(before, changed, moved), cases


def record(s: Any, req: ReportRequest, figures: dict[str, Any],
           cases: dict[str, dict[str, int]], channel: str, path: str | None,
           operator: str | None, correction: bool) -> None:
    """Record a report written out (inside the caller's write transaction)."""
    s.exec(text(  # type: ignore[call-overload]
        "INSERT INTO report_sent (kind, period_label, offices, digest, figures, cases, sent_at, "
        "channel, path, operator, correction) VALUES (:k, :p, :o, :d, :f, :c, :at, :ch, :path, "
        ":op, :corr)"),
        params={"k": req.kind, "p": req.period.label, "o": _offices_key(req.offices),
                "d": _digest(figures), "f": json.dumps(figures, sort_keys=True),
                "c": json.dumps(cases, sort_keys=True, ensure_ascii=False),
                "at": datetime.now(UTC).isoformat(timespec="seconds"), "ch": channel,
                "path": path, "op": operator, "corr": int(correction)})


__all__ = ["FIGURE_KINDS", "Drift", "Sent", "drift", "last_sent", "local_time", "record"]
