"""通报 (issue 22): built at the county from the reports' own figures, laid out for both offices.

``NoticeService.issue`` computes, for one period, each township's figures exactly as the reports
do (mediator.reports.stats.compute for that township's cases: 登记, 受理, 调结, 成功, 期末逾期未结,
应回访, 已回访; and 督办逾期, the county's 督办/交办 to it past due at the period's end by
core/overdue.py; 调解成功率 on the office's configured basis as every report prints it; 回访率 =
已回访 ÷ 应回访 of the period), ranks the townships on the measures the county chose, and stores
one ``notice`` row per township (mediator.core.notice), which the next downward package carries.
Re-issuing a period to a township is a new revision of the same row.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text

from mediator.core.errors import DomainError
from mediator.core.models import new_id
from mediator.core.notice import (
    COUNTS,
    Notice,
    NoticeRow,
    notices,
    parse_measures,
    to_json,
    with_ranks,
)
from mediator.core.overdue import overdue_supervision_counts
from mediator.core.supervision import now_text
from mediator.core.text import plain
from mediator.i18n import t
from mediator.reports.periods import Period
from mediator.reports.stats import compute, rate_basis, success_rate_on

FORMATS = ("md", "csv", "json", "xlsx")


def _below(own: str, code: str) -> bool:
    from mediator.sync.down import directly_above

    return directly_above(own, code)


class NoticeService:
    """The county's 通报 (issue and list) and the township's reading of those it received."""

    def __init__(self, services: Any) -> None:
        self.services = services
        self.db = services.db

    def townships(self) -> list[tuple[str, str]]:
        """(code, name) of every township directly below this office that the county knows
        (from its office list or its cases), in code order."""
        with self.db.read() as s:
            own = str(self.services._office(s).code)
            names = dict(s.exec(text(  # type: ignore[call-overload]
                "SELECT code, name FROM office WHERE deleted = 0")).all())
            owners = {r[0] for r in s.exec(text(  # type: ignore[call-overload]
                "SELECT DISTINCT owner_code FROM dispute_case")).all()}
        codes = sorted(c for c in set(names) | owners if _below(own, c))
        return [(c, str(names.get(c, c))) for c in codes]

    def figures(self, period: Period, measures: Sequence[str]) -> list[NoticeRow]:
        """Each township's figures for ``period`` with its ranks (nothing is stored)."""
        today = self.services.today()
        basis = rate_basis(self.db)
        with self.db.read() as s:
            late = overdue_supervision_counts(s, min(period.end, today))
        rows = []
        for code, name in self.townships():
            f = compute(self.db, period, today, [code], breakdowns=False, trend_weeks=0,
                        compare=False).totals
            counts = {k: int(f[k] or 0) for k in COUNTS if k != "supervision_overdue"}
            counts["supervision_overdue"] = late.get(code, 0)
            due, done = counts["followups_due"], counts["followups_done"]
            rows.append(NoticeRow(code, name, counts,
                                  {"success_rate": success_rate_on(f, basis),
                                   "visit_rate": done / due if due else None}, {}))
        return with_ranks(rows, measures)

    def issue(self, period: Period, measures: str | Sequence[str] | None = None) -> list[str]:
        """通报 for ``period`` to every township below: one row each (a new revision when the
        period was issued to it before). Returns the rows' ids in township order."""
        chosen = parse_measures(measures)
        rows = self.figures(period, chosen)
        if not rows:
            raise DomainError(t("notice.no_townships"))
        body, now = to_json(rows), now_text()
        ids = []
        with self.db.write() as s:
            own = str(self.services._office(s).code)
            for row in rows:
                held = s.exec(text(  # type: ignore[call-overload]
                    "SELECT id FROM notice WHERE owner_code = :own AND target_code = :code "
                    "AND period_start = :s AND period_end = :e"),
                    params={"own": own, "code": row.code, "s": period.start.isoformat(),
                            "e": period.end.isoformat()}).first()
                params = {"own": own, "code": row.code, "label": period.label,
                          "s": period.start.isoformat(), "e": period.end.isoformat(),
                          "issued": self.services.today().isoformat(),
                          "m": ",".join(chosen), "body": body, "now": now}
                if held is None:
                    nid = new_id()
                    s.exec(text(  # type: ignore[call-overload]
                        "INSERT INTO notice (id, owner_code, revision, created_at, updated_at, "
                        "deleted, origin, target_code, period_label, period_start, period_end, "
                        "issued_on, measures, figures_json) VALUES (:id, :own, 1, :now, :now, "
                        "0, NULL, :code, :label, :s, :e, :issued, :m, :body)"),
                        params={**params, "id": nid})
                else:
                    nid = str(held[0])
                    s.exec(text(  # type: ignore[call-overload]
                        "UPDATE notice SET revision = revision + 1, updated_at = :now, "
                        "deleted = 0, period_label = :label, issued_on = :issued, "
                        "measures = :m, figures_json = :body WHERE id = :id"),
                        params={**params, "id": nid})
                ids.append(nid)
            self.services._audit(s, "notice.issue", "notice", None, None, {
                "period": period.label, "measures": list(chosen),
                "townships": [r.code for r in rows]})
        return ids

    def held(self) -> list[Notice]:
        """The 通报 this office holds: at a township those it received (newest first), at the
        county one per period (the row of its first township: every row has the same table)."""
        with self.db.read() as s:
            own = str(self.services._office(s).code)
            got = notices(s)
        mine = [n for n in got if n.target_code == own]
        if mine:
            return mine
        seen: set[tuple[date, date]] = set()
        out = []
        for n in got:
            if n.owner_code == own and (n.period_start, n.period_end) not in seen:
                seen.add((n.period_start, n.period_end))
                out.append(n)
        return out

    def latest(self) -> Notice | None:
        got = self.held()
        return got[0] if got else None

    def find(self, label: str | None) -> Notice:
        got = self.held()
        if label:
            got = [n for n in got if n.period_label == label.strip()]
        if not got:
            raise DomainError(t("notice.none_held") if not label else
                              t("notice.not_found", period=label))
        return got[0]


def own_line(services: Any) -> str | None:
    """This township's line of the latest 通报 it received (for the dashboard), or None."""
    got = NoticeService(services).held()
    if not got or got[0].own_row() is None:
        return None
    n = got[0]
    r = n.own_row()
    assert r is not None

    def place(m: str) -> str:
        v = r.ranks.get(m)
        return "—" if v is None else str(v)
    return t("notice.own_line", period=n.period_label, rate=_pct(r.rates["success_rate"]),
             rank_rate=place("success_rate"), overdue=r.counts["overdue"],
             rank_overdue=place("overdue"), visit=_pct(r.rates["visit_rate"]),
             rank_visit=place("visit_rate"), late=r.counts["supervision_overdue"],
             n=len(n.rows))


# --- layout ---------------------------------------------------------------------------------

COLUMNS = ("rank_township", "registered", "accepted", "concluded", "success", "success_rate",
           "overdue", "followups_due", "followups_done", "visit_rate", "supervision_overdue")


def _pct(v: float | None) -> str:
    return "—" if v is None else f"{v * 100:.1f}%"


def _heads(n: Notice) -> list[str]:
    heads = [t("notice.col.township")] + [t(f"notice.col.{c}") for c in COLUMNS[1:]]
    return heads + [t("notice.col.rank", measure=t(f"notice.measure.{m}")) for m in n.measures]


def _cells(n: Notice, r: NoticeRow) -> list[str]:
    cells = [plain(r.name)] + [str(r.counts[c]) if c in COUNTS else _pct(r.rates[c])
                               for c in COLUMNS[1:]]
    return cells + ["—" if r.ranks[m] is None else str(r.ranks[m]) for m in n.measures]


def _record(n: Notice) -> dict[str, Any]:
    return {"period": n.period_label, "start": n.period_start.isoformat(),
            "end": n.period_end.isoformat(), "issued_on": n.issued_on.isoformat(),
            "from": n.owner_code, "measures": list(n.measures),
            "rows": [{"code": r.code, "name": r.name, **r.counts, **r.rates,
                      "ranks": r.ranks} for r in n.rows]}


def title(n: Notice) -> str:
    return t("notice.title", period=n.period_label)


def render(n: Notice, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(_record(n), ensure_ascii=False, indent=1) + "\n"
    heads = _heads(n)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(heads)
        w.writerows(_cells(n, r) for r in n.rows)
        return buf.getvalue()
    if fmt == "md":
        def esc(v: str) -> str:
            return v.replace("|", "\\|").replace("\n", " ")
        lines = [f"# {title(n)}", "",
                 t("notice.issued", day=n.issued_on.isoformat(),
                   start=n.period_start.isoformat(), end=n.period_end.isoformat()), "",
                 "| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        lines += ["| " + " | ".join(esc(c) for c in _cells(n, r)) + " |" for r in n.rows]
        return "\n".join(lines) + "\n"
    raise ValueError(fmt)


def to_report(n: Notice, office_name: str) -> Any:
    """The 通报 as a report model, for the xlsx writer (mediator.reports.xlsx)."""
    from mediator.reports.model import Column, Report, Table

    heads = _heads(n)
    table = Table(key="notice", title=title(n),
                  columns=[Column(f"c{i}", h, 16 if i == 0 else 10) for i, h in enumerate(heads)])
    for r in n.rows:
        table.rows.append(list(_cells(n, r)))
    return Report(kind="notice", title=title(n), subtitle="", office_name=office_name,
                  name=f"通报_{n.period_label}", masked=False, generated_on=n.issued_on,
                  period_label=n.period_label, tables=[table])
