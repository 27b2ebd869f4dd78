"""The one place every reported figure is defined and computed.

``compute(db, period, offices, today)`` returns every figure for the period, for the period
before it (环比) and for the same period a year earlier (同比), broken down by dispute type,
source, village and mediator, plus a trend (12 weeks, or 12 months for a monthly report)
ending on the period's last day. Every report format, form and the TUI
dashboard render this result; none of them counts anything on its own.

Each figure is a ``Figure`` in ``FIGURES`` with its definition as text (the README section
"Figures" repeats these) and the SQL aggregate that computes it. All counting is done by SQLite
with aggregates and GROUP BY over index ranges; nothing loops over cases in Python.

Conventions used by the definitions:

* The period is ``[start, end]``, both days included.
* "At period end" means at the end of the period's last day, or at the end of today if the
  period has not ended yet (``as_of = min(end, today)``).
* Every figure of what happened is counted from the dated facts (``case_fact``,
  mediator.core.facts), never from the case's current columns: a mediation *spell* starts on
  its acceptance (受理, or 重新调解 after non-performance) and ends on its conclusion, with its
  outcome; an extension counts from the day it was recorded. So a past period computed again
  gives the same numbers: a re-mediated case keeps its earlier conclusion in its period and
  counts again when it concludes again, and an extension recorded after the period does not
  change its 期末逾期数. Only a correction of a past fact (Services.correct_dates) changes it.
* A spell is *concluded* on ``concluded_on``: the day its outcome was reached (调解成功 on the
  day the agreement took effect; 调解不成, 撤回, 移交上报 on the day recorded). 不予受理 also
  ends a spell (one without acceptance) but is counted as *refused*, never as concluded: a
  refused case was never mediated, so it must not lower the success rate.
* Deleted (tombstoned) cases and rows are never counted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import text

from mediator.core.db import Database
from mediator.core.enums import ReferralKind
from mediator.core.overdue import P_SPELL_OPEN_AT, P_SPELL_OVERDUE_AT
from mediator.core.validate import office_area_prefix
from mediator.reports.periods import Period, month_period

#: outcomes that end a mediation (the denominator of the success rate).
CONCLUDED_OUTCOMES = ("AGREEMENT", "FAILED", "WITHDRAWN", "TRANSFERRED")
#: sources that count as found by screening (排查发现) rather than brought in.
SCREENING_SOURCES = ("SCREENING", "GRID", "VILLAGE_COMMITTEE")
#: persons from which a dispute counts as a group dispute (群体性纠纷).
GROUP_PERSONS = 5
TREND_WEEKS = 12
#: a monthly report's trend: the 12 months ending with its month
TREND_MONTHS = 12

# --- predicates (SQL on dispute_case c, case_fact p, agreement a, follow_up f) ------------

_IN = "BETWEEN :s AND :e"
_OUTCOMES = "(" + ", ".join(f"'{o}'" for o in CONCLUDED_OUTCOMES) + ")"
P_REGISTERED = f"c.registered_on {_IN}"
#: on the spell p (a SPELL row of case_fact)
P_ACCEPTED = f"p.accepted_on {_IN}"
P_CONCLUDED = f"(p.concluded_on {_IN} AND p.outcome IN {_OUTCOMES})"
#: in mediation / 逾期案件 at period end: the one definition, in mediator.core.overdue (on the
#: spell running then, with the deadline as it stood then)
P_OPEN_AT_END = P_SPELL_OPEN_AT
P_OVERDUE_AT_END = P_SPELL_OVERDUE_AT
P_GROUP = f"(c.group_dispute = 1 OR c.persons_involved >= {GROUP_PERSONS})"
#: a case concluded at the end of day :asof: a spell of it ended by then and no later one
#: started by then
P_ENDED_AT = ("EXISTS (SELECT 1 FROM case_fact p WHERE p.case_id = c.id AND p.kind = 'SPELL' "
              "AND p.deleted = 0 AND p.concluded_on <= :asof AND NOT EXISTS (SELECT 1 FROM "
              "case_fact q WHERE q.case_id = c.id AND q.kind = 'SPELL' AND q.deleted = 0 "
              "AND q.spell > p.spell AND q.accepted_on <= :asof))")
P_HARD_OPEN = f"(c.is_hard = 1 AND c.registered_on <= :asof AND NOT {P_ENDED_AT})"
#: an agreement written at the end of day :asof (an oral one put in writing later is not)
P_WRITTEN_AT = ("(a.form = 'WRITTEN' AND NOT EXISTS (SELECT 1 FROM case_fact w WHERE "
                "w.ref_id = a.id AND w.kind = 'PUT_IN_WRITING' AND w.deleted = 0 "
                "AND w.fact_on > :asof))")
#: a 回访 as it stood at the end of day :asof: live, or dropped (with a replaced agreement)
#: only after that day
P_FOLLOW_UP_HELD = ("(f.deleted = 0 OR EXISTS (SELECT 1 FROM case_fact d WHERE d.ref_id = f.id "
                    "AND d.kind = 'FOLLOW_UP_DROPPED' AND d.deleted = 0 AND d.fact_on > :asof))")


def _count(pred: str) -> str:
    """Per-row value of a counted figure: 1 when the case (row) meets ``pred``."""
    return f"CASE WHEN {pred} THEN 1 ELSE 0 END"


def _sum(pred: str, column: str) -> str:
    """Per-row value of a summed figure: ``column`` when the row meets ``pred``."""
    return f"CASE WHEN {pred} THEN {column} ELSE 0 END"


def _outcome(name: str) -> str:
    return f"(p.concluded_on {_IN} AND p.outcome = '{name}')"


@dataclass(frozen=True)
class Figure:
    """One reported figure: its key, its kind (count, persons, money in fen, rate), the table
    it is counted from (case: registrations in the period; spell: acceptances and
    conclusions in the period; stock: spells running at period end; hard: hard cases;
    agreement; follow_up; or derived), its per-row SQL value (the
    figure is the SUM of it over the rows of the period's cases) and its definition."""

    key: str
    kind: str
    source: str
    sql: str | None
    definition: str

    @property
    def label(self) -> str:
        from mediator.i18n import t

        return t(f"fig.{self.key}")


FIGURES: tuple[Figure, ...] = (
    Figure("registered", "count", "case", _count(P_REGISTERED),
           "登记数: cases registered (registered_on) in the period, whatever happened to them later."),
    Figure("screened", "count", "case",
           _count(f"{P_REGISTERED} AND c.source IN "
                  + "(" + ", ".join(f"'{s}'" for s in SCREENING_SOURCES) + ")"),
           "排查发现数: of the registered cases, those whose source is 排查发现, 网格上报 or "
           "村(居)调委会上报 (found by screening rather than brought in by a party or body)."),
    Figure("accepted", "count", "spell", _count(P_ACCEPTED),
           "受理数: cases accepted (accepted_on) in the period; a case mediated again after "
           "non-performance counts again on the day mediation restarted."),
    Figure("refused", "count", "spell", _count(_outcome("REFUSED")),
           "不予受理数: cases refused in the period (outcome 不予受理, concluded_on in period)."),
    Figure("concluded", "count", "spell", _count(P_CONCLUDED),
           "调结数: cases whose mediation ended in the period (concluded_on in period) as "
           "调解成功, 调解不成, 撤回 or 移交上报. Refusals are not included."),
    Figure("success", "count", "spell", _count(_outcome("AGREEMENT")),
           "调解成功数: concluded cases that ended in an agreement (口头 or 书面) in the period."),
    Figure("failed", "count", "spell", _count(_outcome("FAILED")),
           "调解不成数: concluded cases where mediation failed or was terminated in the period."),
    Figure("withdrawn", "count", "spell", _count(_outcome("WITHDRAWN")),
           "撤回数: cases the applicant withdrew in the period."),
    Figure("transferred", "count", "spell", _count(_outcome("TRANSFERRED")),
           "移交上报数: cases passed to another body or up a level in the period."),
    Figure("success_rate", "rate", "derived", None,
           "调解成功率: success ÷ concluded for the period; shown as — when nothing was concluded."),
    Figure("mediating", "count", "stock", _count(P_OPEN_AT_END),
           "期末在调数: cases accepted on or before the period end and not concluded by then."),
    Figure("overdue", "count", "stock", _count(P_OVERDUE_AT_END),
           "期末逾期数: of the cases in mediation at period end, those past their mediation "
           "deadline (one month from acceptance, or the recorded extension) on that day."),
    Figure("hard_open", "count", "hard", _count(P_HARD_OPEN),
           "在办疑难案件: hard cases (五个一, with a 包案领导) registered by period end and not "
           "concluded by then."),
    Figure("persons", "persons", "case", _sum(P_REGISTERED, "c.persons_involved"),
           "涉及人数: persons involved in the cases registered in the period."),
    Figure("group_disputes", "count", "case", _count(f"{P_REGISTERED} AND {P_GROUP}"),
           "群体性纠纷: registered cases in the period involving 5 or more persons, or marked as "
           "a group dispute by the mediator."),
    Figure("prevented_criminal", "count", "spell",
           _count(f"{P_CONCLUDED} AND c.prevented_criminal = 1"),
           "防止民转刑(件): concluded cases in the period marked as having prevented a civil "
           "dispute turning into a criminal case."),
    Figure("prevented_criminal_persons", "persons", "spell",
           _sum(f"{P_CONCLUDED} AND c.prevented_criminal = 1", "c.persons_involved"),
           "防止民转刑(人): persons involved in those cases."),
    Figure("prevented_petition", "count", "spell",
           _count(f"{P_CONCLUDED} AND c.prevented_petition = 1"),
           "防止群体性上访(件): concluded cases in the period marked as having prevented a "
           "(group) petition."),
    Figure("prevented_petition_persons", "persons", "spell",
           _sum(f"{P_CONCLUDED} AND c.prevented_petition = 1", "c.persons_involved"),
           "防止群体性上访(人): persons involved in those cases."),
    Figure("agreements", "count", "agreement", _count(f"a.effective_on {_IN}"),
           "协议数: agreements (口头 and 书面) that took effect in the period."),
    Figure("written_agreements", "count", "agreement",
           _count(f"a.effective_on {_IN} AND {P_WRITTEN_AT}"),
           "书面协议数: of those, written agreements (调解协议书)."),
    Figure("amount_fen", "money", "agreement", _sum(f"a.effective_on {_IN}", "a.amount_fen"),
           "协议涉及金额: total amount of the agreements that took effect in the period, in fen "
           "(shown in yuan)."),
    Figure("judicial_applied", "count", "agreement", _count(f"a.judicial_applied_on {_IN}"),
           "申请司法确认数: agreements whose parties applied for judicial confirmation in the period."),
    Figure("judicial_confirmed", "count", "agreement",
           _count(f"a.judicial_status = 'CONFIRMED' AND a.judicial_decided_on {_IN}"),
           "司法确认有效数: agreements a court confirmed as valid in the period."),
    Figure("followups_due", "count", "follow_up", _count(f"f.due_on {_IN}"),
           "应回访数: follow-up visits due in the period."),
    Figure("followups_done", "count", "follow_up", _count(f"f.done_on {_IN}"),
           "已回访数: follow-up visits done in the period (whenever they were due)."),
    Figure("followups_missed", "count", "follow_up",
           _count(f"f.due_on {_IN} AND f.due_on < :today "
                  "AND (f.done_on IS NULL OR f.done_on > :asof)"),
           "逾期未回访数: follow-ups due in the period whose due day has passed and that were not "
           "done by period end."),
)

FIGURE_BY_KEY = {f.key: f for f in FIGURES}
#: the figures of the ledger layout (台账), in the order leaders read them.
LEDGER_KEYS = ("registered", "screened", "accepted", "success", "success_rate", "mediating",
               "overdue", "persons", "amount_fen", "group_disputes", "prevented_criminal",
               "prevented_criminal_persons", "prevented_petition", "prevented_petition_persons")
#: every figure in the order the summary table shows them.
SUMMARY_KEYS = ("registered", "screened", "accepted", "refused", "concluded", "success",
                "failed", "withdrawn", "transferred", "success_rate", "mediating", "overdue",
                "hard_open", "persons", "group_disputes", "agreements", "written_agreements",
                "amount_fen", "judicial_applied", "judicial_confirmed", "followups_due",
                "followups_done", "followups_missed", "prevented_criminal",
                "prevented_criminal_persons", "prevented_petition", "prevented_petition_persons")
assert set(SUMMARY_KEYS) == set(FIGURE_BY_KEY), "every figure must be in the summary"


def success_rate(success: int, concluded: int) -> float | None:
    """调解成功率 = success ÷ concluded (None when nothing was concluded)."""
    return success / concluded if concluded else None


@dataclass(frozen=True)
class Figures:
    """The values of every figure for one period and one group of cases."""

    values: dict[str, int]

    def __getitem__(self, key: str) -> int | float | None:
        if key == "success_rate":
            return self.rate
        return self.values.get(key, 0)

    @property
    def rate(self) -> float | None:
        return success_rate(self.values.get("success", 0), self.values.get("concluded", 0))

    def __add__(self, other: Figures) -> Figures:
        keys = set(self.values) | set(other.values)
        return Figures({k: self.values.get(k, 0) + other.values.get(k, 0) for k in keys})

    def as_dict(self) -> dict[str, int | float | None]:
        return {key: self[key] for key in SUMMARY_KEYS}

    @classmethod
    def empty(cls) -> Figures:
        return cls({f.key: 0 for f in FIGURES if f.sql})


@dataclass(frozen=True)
class GroupRow:
    """One line of a breakdown: the stored key (type name, source name, village code, mediator
    id, or None for 未填), its display label and its figures."""

    key: str | None
    label: str
    figures: Figures


@dataclass(frozen=True)
class TrendPoint:
    """One span of the trend: an ISO week (the last one cut at the period's end) or, in a
    monthly report, a month."""

    week: Period
    registered: int
    concluded: int

    @property
    def span(self) -> Period:
        return self.week


@dataclass
class Stats:
    period: Period
    as_of: date
    offices: tuple[str, ...] | None
    totals: Figures
    previous_period: Period
    previous: Figures
    year_ago_period: Period
    year_ago: Figures
    by_type: list[GroupRow] = field(default_factory=list)
    by_source: list[GroupRow] = field(default_factory=list)
    by_village: list[GroupRow] = field(default_factory=list)
    by_mediator: list[GroupRow] = field(default_factory=list)
    #: per owning office: one row per township in a county database (one row at a township)
    by_office: list[GroupRow] = field(default_factory=list)
    trend: list[TrendPoint] = field(default_factory=list)

    @property
    def zero_report(self) -> bool:
        """零报告: nothing new was registered in the period."""
        return self.totals["registered"] == 0


# --- SQL ----------------------------------------------------------------------------------

#: the group-by column of each breakdown (all on dispute_case c).
DIMENSIONS = {"type": "c.dispute_type", "source": "c.source", "village": "c.village_code",
              "mediator": "c.mediator_id", "office": "c.owner_code"}


#: the grouping behind ``per_case``: each case's share of the figures (not a breakdown of
#: reports; used to tell which cases changed a report already sent)
PER_CASE = {"case": "c.case_no"}


def per_case(db: Database, period: Period, today: date,
             offices: Sequence[str] | None = None) -> dict[str, dict[str, int]]:
    """{case_no: {figure: value}} of the cases counted in the period's figures (values that
    are 0 left out), by the same SQL as the figures."""
    with db.read() as s:
        rows = _figures(s, period, today, offices, ("case",))
    return {key: {k: v for k, v in values.items() if v}
            for (g, key), values in rows.items() if g == "case" and any(values.values())}


def office_clause(offices: Sequence[str] | None, params: dict[str, Any], alias: str = "c") -> str:
    """SQL condition keeping the cases owned by the given offices (or areas: a county code
    takes in every township under it). None means every case in the database."""
    if not offices:
        return "1 = 1"
    parts = []
    for i, code in enumerate(offices):
        params[f"own{i}"] = office_area_prefix(code) + "%"
        parts.append(f"{alias}.owner_code LIKE :own{i}")
    return "(" + " OR ".join(parts) + ")"


#: per source: the rows any figure of that source can count (a union of index range scans,
#: so a week of a million-case database reads thousands of rows, not a million) and the FROM
#: clause joining them to their case.
_ROWS = {
    "case": ("SELECT rowid FROM dispute_case WHERE registered_on BETWEEN :s AND :e",
             "dispute_case c"),
    "spell": (("SELECT rowid FROM case_fact WHERE accepted_on BETWEEN :s AND :e "
               "UNION SELECT rowid FROM case_fact WHERE concluded_on BETWEEN :s AND :e"),
              "case_fact p JOIN dispute_case c ON c.id = p.case_id"),
    # spells running at period end: those not concluded yet, read from the partial index
    # ix_fact_open, and those concluded after the period end (ix_fact_concluded)
    "stock": ("", "case_fact p JOIN dispute_case c ON c.id = p.case_id"),
    # the hard cases registered by period end (ix_case_hard: a few)
    "hard": ("SELECT rowid FROM dispute_case WHERE is_hard = 1 AND registered_on <= :asof",
             "dispute_case c"),
    "agreement": (("SELECT rowid FROM agreement WHERE effective_on BETWEEN :s AND :e "
                   "UNION SELECT rowid FROM agreement WHERE judicial_applied_on BETWEEN :s AND :e "
                   "UNION SELECT rowid FROM agreement WHERE judicial_decided_on BETWEEN :s AND :e"),
                  "agreement a JOIN dispute_case c ON c.id = a.case_id"),
    "follow_up": (("SELECT rowid FROM follow_up WHERE due_on BETWEEN :s AND :e "
                   "UNION SELECT rowid FROM follow_up WHERE done_on BETWEEN :s AND :e"),
                  "follow_up f JOIN dispute_case c ON c.id = f.case_id"),
}
_ALIAS = {"case": "c", "spell": "p", "stock": "p", "hard": "c", "agreement": "a",
          "follow_up": "f"}


def _select(source: str, groups: Sequence[str], own: str) -> str:
    """One statement giving the totals (grp_dim = 'total') and one GROUP BY per dimension in
    ``groups``: the period's rows are read once into a materialised CTE of per-row values,
    then summed per grouping."""
    figures = [f for f in FIGURES if f.source == source]
    rowids, from_ = _ROWS[source]
    alias = _ALIAS[source]
    dims = ", ".join(f"{(DIMENSIONS | PER_CASE)[g]} AS d_{g}" for g in groups)
    values = ", ".join(f"{f.sql} AS {f.key}" for f in figures)
    held = P_FOLLOW_UP_HELD if alias == "f" else f"{alias}.deleted = 0"
    deleted = held + ("" if alias == "c" else " AND c.deleted = 0")
    head = f"SELECT {dims + ', ' if dims else ''}{values} FROM {from_} WHERE "
    if source == "stock":
        spell = "p.kind = 'SPELL' AND p.accepted_on <= :asof"
        rel = (f"{head.replace('case_fact p', 'case_fact p INDEXED BY ix_fact_open')}"
               f"p.kind = 'SPELL' AND p.concluded_on IS NULL AND p.accepted_on <= :asof "
               f"AND {deleted} AND {own} UNION ALL "
               f"{head}p.concluded_on > :asof AND {spell} AND {deleted} AND {own}")
    else:
        rel = f"{head}{alias}.rowid IN ({rowids}) AND {deleted} AND {own}"
    sums = ", ".join(f"COALESCE(SUM({f.key}), 0)" for f in figures)
    parts = [f"SELECT 'total', NULL, {sums} FROM rel"]
    parts += [f"SELECT '{g}', d_{g}, {sums} FROM rel GROUP BY d_{g}" for g in groups]
    return f"WITH rel AS MATERIALIZED ({rel}) " + " UNION ALL ".join(parts)


def params_for(period: Period, today: date) -> dict[str, Any]:
    as_of = min(period.end, today)
    return {"s": period.start.isoformat(), "e": period.end.isoformat(),
            "asof": as_of.isoformat(), "today": today.isoformat()}


def _figures(session: Any, period: Period, today: date, offices: Sequence[str] | None,
             groups: Sequence[str] = ()) -> dict[tuple[str, Any], dict[str, int]]:
    """{(grouping, key): {figure key: value}} for one period; ("total", None) always present."""
    out: dict[tuple[str, Any], dict[str, int]] = {("total", None): {}}
    for source in _ROWS:
        params = params_for(period, today)
        own = office_clause(offices, params)
        keys = [f.key for f in FIGURES if f.source == source]
        rows = session.exec(text(_select(source, groups, own)), params=params).all()  # type: ignore[call-overload]
        for row in rows:
            out.setdefault((row[0], row[1]), {}).update(
                {k: int(v or 0) for k, v in zip(keys, row[2:])})
    for values in out.values():
        for f in FIGURES:
            if f.sql:
                values.setdefault(f.key, 0)
    return out


def trend_spans(period: Period, weeks: int = TREND_WEEKS) -> list[Period]:
    """The spans of a period's trend, oldest first, the last one ending on the period's last
    day (a week or month running past it is cut there, so the trend of November never counts a
    December case): a monthly report has the 12 months ending with its month, any other report
    the ``weeks`` ISO weeks ending with the week of its last day."""
    if period.kind == "month":
        out = []
        year, month = period.start.year, period.start.month
        for _ in range(TREND_MONTHS):
            out.append(month_period(year, month))
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return out[::-1]
    spans = period.weeks(weeks)
    last = spans[-1]
    if last.end > period.end:
        spans[-1] = Period(last.kind, last.start, period.end)
    return spans


def _trend(session: Any, period: Period, today: date, offices: Sequence[str] | None,
           weeks: int) -> list[TrendPoint]:
    """Registered and concluded per span of ``trend_spans``, by the same predicates as the
    figures."""
    spans = trend_spans(period, weeks)
    params: dict[str, Any] = {"s": spans[0].start.isoformat(), "e": spans[-1].end.isoformat()}
    counts: dict[str, dict[int, int]] = {}
    # conclusions from the facts alone (ix_fact_concluded covers them): a fact row carries
    # its case's owner, and is tombstoned with it
    for key, column, pred, from_, alias in (
            ("registered", "c.registered_on", P_REGISTERED, "dispute_case c", "c"),
            ("concluded", "p.concluded_on", P_CONCLUDED, "case_fact p", "p")):
        own = office_clause(offices, params, alias)
        bucket = "CASE " + " ".join(
            f"WHEN {column} <= '{span.end.isoformat()}' THEN {i}" for i, span in enumerate(spans)
        ) + " END"
        sql = (f"SELECT {bucket} AS wk, count(*) FROM {from_} "
               f"WHERE {pred} AND {alias}.deleted = 0 AND {own} GROUP BY wk")
        rows = session.exec(text(sql), params=params).all()  # type: ignore[call-overload]
        counts[key] = {int(r[0]): int(r[1]) for r in rows if r[0] is not None}
    return [TrendPoint(w, counts["registered"].get(i, 0), counts["concluded"].get(i, 0))
            for i, w in enumerate(spans)]


def _labels(session: Any, dimension: str, keys: list[Any]) -> dict[Any, str]:
    from mediator.core.enums import CaseSource, DisputeType
    from mediator.i18n import t

    if dimension == "type":
        return {k: f"{DisputeType(k).code} {DisputeType(k).label}" if k in DisputeType.__members__
                else str(k) for k in keys}
    if dimension == "source":
        return {k: CaseSource(k).label if k in CaseSource.__members__ else str(k) for k in keys}
    names: dict[Any, str] = {}
    present = [k for k in keys if k]
    if present:
        table, col = {"village": ("village", "code"), "mediator": ("mediator", "id"),
                      "office": ("office", "code")}[dimension]
        marks = ", ".join(f":k{i}" for i in range(len(present)))
        rows = session.exec(text(  # type: ignore[call-overload]
            f"SELECT {col}, name FROM {table} WHERE {col} IN ({marks}) ORDER BY deleted DESC"),
            params={f"k{i}": k for i, k in enumerate(present)}).all()
        names = {r[0]: r[1] for r in rows}  # a live row wins over a deleted one
    missing = t("report.unset_village") if dimension == "village" else t("report.unset_mediator")
    return {k: names.get(k, str(k)) if k else missing for k in keys}


def _order(dimension: str, rows: list[GroupRow]) -> list[GroupRow]:
    from mediator.core.enums import CaseSource, DisputeType

    if dimension == "type":
        order = {m.name: (m.code, i) for i, m in enumerate(DisputeType)}
        return sorted(rows, key=lambda r: order.get(r.key or "", ("zz", 0)))
    if dimension == "source":
        pos = {m.name: i for i, m in enumerate(CaseSource)}
        return sorted(rows, key=lambda r: pos.get(r.key or "", 99))
    # villages and offices by code, mediators by name; the 未填 line last
    by_code = dimension in ("village", "office")
    return sorted(rows, key=lambda r: (r.key is None, r.key if by_code else r.label))


def compute(db: Database, period: Period, today: date, offices: Sequence[str] | None = None,
            *, breakdowns: bool = True, trend_weeks: int = TREND_WEEKS,
            compare: bool = True) -> Stats:
    """Every figure for ``period`` (and, with ``compare``, 环比 / 同比), for the cases of
    ``offices`` (None: every case in the database), in one read transaction."""
    prev, ago = period.previous(), period.year_ago()
    with db.read() as s:
        groups = tuple(DIMENSIONS) if breakdowns else ()
        current = _figures(s, period, today, offices, groups)

        def other(p: Period) -> Figures:
            return Figures(_figures(s, p, today, offices)[("total", None)]) if compare \
                else Figures.empty()

        stats = Stats(period=period, as_of=min(period.end, today),
                      offices=tuple(offices) if offices else None,
                      totals=Figures(current[("total", None)]),
                      previous_period=prev, previous=other(prev),
                      year_ago_period=ago, year_ago=other(ago))
        for dim in groups:
            grouped = {key: v for (g, key), v in current.items() if g == dim and any(v.values())}
            labels = _labels(s, dim, list(grouped))
            rows = [GroupRow(k, labels[k], Figures(v)) for k, v in grouped.items()]
            setattr(stats, f"by_{dim}", _order(dim, rows))
        if trend_weeks:
            stats.trend = _trend(s, period, today, offices, trend_weeks)
    return stats


__all__ = [
    "CONCLUDED_OUTCOMES",
    "FIGURES",
    "FIGURE_BY_KEY",
    "LEDGER_KEYS",
    "P_GROUP",
    "P_HARD_OPEN",
    "P_OVERDUE_AT_END",
    "P_REGISTERED",
    "SUMMARY_KEYS",
    "Figure",
    "Figures",
    "GroupRow",
    "Stats",
    "TrendPoint",
    "compute",
    "office_clause",
    "params_for",
    "per_case",
    "success_rate",
    "trend_spans",
]


# --- 排查, 激化风险 and the success rate's basis (issue 24) ------------------------------------
#
# Added as their own figures and functions, beside the case figures above: 排查 rounds and
# items and risk events are not cases, and a county counts them separately from cases
# (开展矛盾纠纷排查N次，排查发现N件，预防纠纷N件).

#: the setting naming the success rate's denominator; 受理 is what published county
#: statistics divide by
from mediator.core.policy import DEFAULT_RATE_BASIS, RATE_BASES, RATE_BASIS_KEY

#: the preventions counted from risk events, in the county form's order
PREVENTIONS = ("CRIMINAL", "PETITION", "SUICIDE", "FIGHT")
_PREVENTION_WORDS = {"CRIMINAL": "防止民转刑", "PETITION": "防止群体性上访",
                     "SUICIDE": "防止民间纠纷引起自杀", "FIGHT": "防止群体性械斗"}

_ROUND_IN = "r.held_on BETWEEN :s AND :e AND r.deleted = 0"
_ITEM_IN = "i.found_on BETWEEN :s AND :e AND i.deleted = 0"
_RISK_IN = "k.occurred_on BETWEEN :s AND :e AND k.deleted = 0"


def _disposed(name: str) -> str:
    return f"sum(i.disposition = '{name}')"


#: key, the SQL aggregate (over the period's rounds r, items i or risk events k) and the
#: definition printed beside it
SCREENING_FIGURES: tuple[Figure, ...] = (
    Figure("screening_rounds", "count", "round", "count(*)",
           "排查次数: screening rounds held in the period (held_on), nil returns included, at "
           "every level (村(居), 乡镇, 专项)."),
    Figure("screening_nil_rounds", "count", "round", "sum(r.nil_return = 1)",
           "零报告次数: of those, rounds that found nothing (screened, nothing found)."),
    Figure("screening_villages", "count", "round", "count(DISTINCT r.village_code)",
           "排查村(居)数: villages with at least one round in the period."),
    Figure("screening_nil_villages", "count", "village", None,
           "零报告村(居)数: villages screened in the period whose every round was a nil return."),
    Figure("screening_found", "count", "item", "count(*)",
           "排查发现(件): disputes and risks found by screening rounds in the period (found_on); "
           "not the same as cases registered with source 排查发现."),
    Figure("screening_found_persons", "persons", "item", "coalesce(sum(i.persons_involved), 0)",
           "排查发现涉及人数: persons involved in those items."),
    Figure("screening_resolved", "count", "item", _disposed("RESOLVED"),
           "当场化解(件): items found in the period and resolved on the spot."),
    Figure("screening_prevented", "count", "item", _disposed("PREVENTED"),
           "预防纠纷(件): items found in the period recorded as prevented (with how)."),
    Figure("screening_to_case", "count", "item", _disposed("CASE"),
           "转立案(件): items found in the period that were registered as cases (排查发现)."),
    Figure("screening_transferred", "count", "item", _disposed("TRANSFERRED"),
           "移交(件): items found in the period passed to another body."),
    Figure("screening_open", "count", "item",
           "sum(i.disposition IS NULL OR i.disposition = 'WATCHING')",
           "持续关注/待处置(件): items found in the period not yet settled (under watch or "
           "without a disposition) when the report was made."),
    Figure("risk_events", "count", "risk", "count(*)",
           "激化风险(次): escalation risks recorded in the period (on cases or screening items), "
           "the evidence behind the 防止 figures."),
    Figure("risk_reported", "count", "risk", "sum(k.reported_to <> '')",
           "已报告(次): of those, risks reported to the police or another authority "
           "(人民调解法 §25)."),
    *(f for kind in PREVENTIONS for f in (
        Figure(f"prevented_{kind.lower()}_events", "count", "risk",
               f"sum(instr(',' || k.prevented || ',', ',{kind},') > 0)",
               f"{_PREVENTION_WORDS[kind]}(件): risk events in the period that claim it; each "
               "is a record with its date, signs, measures, report and outcome."),
        Figure(f"prevented_{kind.lower()}_events_persons", "persons", "risk",
               f"coalesce(sum(CASE WHEN instr(',' || k.prevented || ',', ',{kind},') > 0 "
               "THEN k.prevented_persons ELSE 0 END), 0)",
               f"{_PREVENTION_WORDS[kind]}(人): persons concerned in those events."))),
)
SCREENING_FIGURE_BY_KEY = {f.key: f for f in SCREENING_FIGURES}


@dataclass(frozen=True)
class VillageScreening:
    """One village's screening in the period (the per-village table)."""

    code: str
    name: str
    rounds: int
    nil_rounds: int
    found: int
    prevented: int
    resolved: int
    to_case: int
    #: 回访 done in the period on the village's cases (issue 24, point 6)
    followups_done: int = 0

    @property
    def nil_village(self) -> bool:
        return self.rounds > 0 and self.rounds == self.nil_rounds


def screening_figures(db: Database, period: Period,
                      offices: Sequence[str] | None = None) -> dict[str, int]:
    """Every 排查 and 激化风险 figure of ``period`` for ``offices`` (None: the whole database)."""
    params: dict[str, Any] = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    out: dict[str, int] = {}
    with db.read() as s:
        for source, alias, table, where in (("round", "r", "screening_round", _ROUND_IN),
                                            ("item", "i", "screening_item", _ITEM_IN),
                                            ("risk", "k", "risk_event", _RISK_IN)):
            figures = [f for f in SCREENING_FIGURES if f.source == source]
            own = office_clause(offices, params, alias)
            sql = (f"SELECT {', '.join(str(f.sql) for f in figures)} FROM {table} {alias} "
                   f"WHERE {where} AND {own}")
            row = s.exec(text(sql), params=params).one()  # type: ignore[call-overload]
            out.update({f.key: int(v or 0) for f, v in zip(figures, row)})
    out["screening_nil_villages"] = sum(
        1 for v in screening_by_village(db, period, offices) if v.nil_village)
    return {f.key: out.get(f.key, 0) for f in SCREENING_FIGURES}


def screening_by_village(db: Database, period: Period,
                         offices: Sequence[str] | None = None) -> list[VillageScreening]:
    """Per village (every village of the offices, screened or not, by code): rounds, nil
    rounds, items found and what became of them in the period."""
    params: dict[str, Any] = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    own = office_clause(offices, params, "v")
    # each table counted once, grouped by village, then joined to the villages (a subquery
    # per village and figure walked every case of the village for its follow-ups: 0.2 s at
    # 100,000 cases, twice per weekly summary)
    sql = ("SELECT v.code, v.name, coalesce(r.rounds, 0), coalesce(r.nil, 0), "
           "coalesce(i.found, 0), coalesce(i.prevented, 0), coalesce(i.resolved, 0), "
           "coalesce(i.cased, 0), coalesce(f.visits, 0) FROM village v "
           "LEFT JOIN (SELECT r.village_code AS code, count(*) AS rounds, "
           f"sum(r.nil_return = 1) AS nil FROM screening_round r WHERE {_ROUND_IN} "
           "GROUP BY r.village_code) r ON r.code = v.code "
           "LEFT JOIN (SELECT i.village_code AS code, count(*) AS found, "
           "sum(i.disposition = 'PREVENTED') AS prevented, "
           "sum(i.disposition = 'RESOLVED') AS resolved, sum(i.disposition = 'CASE') AS cased "
           f"FROM screening_item i WHERE {_ITEM_IN} GROUP BY i.village_code) i "
           "ON i.code = v.code "
           "LEFT JOIN (SELECT c.village_code AS code, count(*) AS visits FROM follow_up f "
           "JOIN dispute_case c ON c.id = f.case_id WHERE c.deleted = 0 AND f.deleted = 0 "
           "AND f.done_on BETWEEN :s AND :e GROUP BY c.village_code) f ON f.code = v.code "
           f"WHERE v.deleted = 0 AND {own} ORDER BY v.code")
    with db.read() as s:
        rows = s.exec(text(sql), params=params).all()  # type: ignore[call-overload]
    return [VillageScreening(r[0], r[1], *(int(x) for x in r[2:])) for r in rows]


def rate_basis(db: Database) -> str:
    """The configured denominator of the success rate (受理 unless the office chose otherwise)."""
    with db.read() as s:
        row = s.exec(text("SELECT value FROM setting WHERE key = :k"),  # type: ignore[call-overload]
                     params={"k": RATE_BASIS_KEY}).first()
    value = str(row[0]).upper() if row else DEFAULT_RATE_BASIS
    return value if value in RATE_BASES else DEFAULT_RATE_BASIS


def success_rate_on(figures: Figures, basis: str = DEFAULT_RATE_BASIS) -> float | None:
    """调解成功率 on a chosen denominator: 受理 (accepted in the period), 调结 (concluded) or
    成功+不成 (success + failed); None when the denominator is 0."""
    denominator = {"ACCEPTED": int(figures["accepted"] or 0),
                   "CONCLUDED": int(figures["concluded"] or 0),
                   "DECIDED": int(figures["success"] or 0) + int(figures["failed"] or 0)}[basis]
    return int(figures["success"] or 0) / denominator if denominator else None


def rate_definition(basis: str) -> str:
    """The definition printed beside every success rate (i18n: report.rate_def.<basis>)."""
    from mediator.i18n import t

    return t(f"report.rate_def.{basis}")


# --- the county form's other figures, and the cohort view (issue 24, point 3) ---------------

#: 委托移送: cases brought by a court, the police, a petition office or a government body:
#: the sources the referral regimes count under (enums.ReferralKind.source, one definition;
#: a court's 诉前委派 and 诉中委托 are the 其中人民法院委派委托)
REFERRED_SOURCES = tuple(dict.fromkeys(k.source.name for k in ReferralKind))
COURT_SOURCES = tuple(dict.fromkeys(k.source.name for k in ReferralKind if k.court))
_REFERRED_IN = "(" + ", ".join(f"'{s}'" for s in REFERRED_SOURCES) + ")"
_COURT_IN = "(" + ", ".join(f"'{s}'" for s in COURT_SOURCES) + ")"

COUNTY_FIGURES: tuple[Figure, ...] = (
    Figure("source_application", "count", "case", "sum(c.source = 'APPLICATION')",
           "申请(件): cases registered in the period on a party's application."),
    Figure("source_initiative", "count", "case",
           "sum(c.source IN ('INITIATIVE', 'SCREENING', 'GRID', 'VILLAGE_COMMITTEE'))",
           "主动(件): cases the committees took up themselves (主动调解, 排查发现, 网格上报, "
           "村(居)调委会上报), registered in the period."),
    Figure("source_referred", "count", "case",
           f"sum(c.source IN {_REFERRED_IN})",
           "委托移送(件): cases referred by a court, the police, a petition office or a government "
           "body, registered in the period."),
    Figure("source_court", "count", "case", f"sum(c.source IN {_COURT_IN})",
           "其中人民法院委派委托(件): of those, cases a court referred (诉前委派 or 诉中委托, "
           "or 法院委托 before the regime was recorded)."),
    Figure("agreements_performed", "count", "agreement",
           "sum(c.state IN ('PERFORMED', 'ARCHIVED') AND c.outcome = 'AGREEMENT')",
           "协议履行数: agreements that took effect in the period whose case is now 履行完毕 "
           "(or archived after it)."),
    Figure("agreements_in_period", "count", "agreement", "count(*)",
           "协议数 (the denominator of 协议履行率): agreements that took effect in the period."),
    Figure("committees", "count", "office", None,
           "调委会数: the township committee and the village (居) committees on its list."),
    Figure("mediators_active", "count", "office", None,
           "调解员数: mediators on the list and active."),
    Figure("cohort_accepted", "count", "cohort", "count(*)",
           "受理(队列): cases accepted in the period, followed to today."),
    Figure("cohort_success", "count", "cohort", "sum(c.outcome = 'AGREEMENT')",
           "其中已调解成功: of those, cases that have reached an agreement so far."),
    Figure("cohort_failed", "count", "cohort", "sum(c.outcome = 'FAILED')",
           "其中调解不成: of those, cases whose mediation failed so far."),
    Figure("cohort_other", "count", "cohort", "sum(c.outcome IN ('WITHDRAWN', 'TRANSFERRED'))",
           "其中撤回或移交: of those, cases withdrawn or passed on so far."),
    Figure("cohort_open", "count", "cohort", "sum(c.outcome IS NULL)",
           "其中仍在调解: of those, cases without an outcome yet."),
)


def county_figures(db: Database, period: Period,
                   offices: Sequence[str] | None = None) -> dict[str, int | float | None]:
    """The county form's figures the case figures above do not give: 申请 / 主动 / 委托移送
    (含人民法院委派委托), 协议履行数 and 履行率, 调委会 and 调解员 counts, and the cohort view
    (cases accepted in the period and their outcome so far) beside the flow view."""
    params: dict[str, Any] = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    own = office_clause(offices, params)
    out: dict[str, int | float | None] = {}
    with db.read() as s:
        for source, frm, where in (
                ("case", "dispute_case c", "c.registered_on BETWEEN :s AND :e"),
                ("agreement", "agreement a JOIN dispute_case c ON c.id = a.case_id",
                 "a.effective_on BETWEEN :s AND :e AND a.deleted = 0"),
                ("cohort", "dispute_case c", "c.accepted_on BETWEEN :s AND :e")):
            figures = [f for f in COUNTY_FIGURES if f.source == source]
            row = s.exec(text(  # type: ignore[call-overload]
                f"SELECT {', '.join(str(f.sql) for f in figures)} FROM {frm} "
                f"WHERE {where} AND c.deleted = 0 AND {own}"), params=params).one()
            out.update({f.key: int(v or 0) for f, v in zip(figures, row)})
        vown = office_clause(offices, params, "v")
        mown = office_clause(offices, params, "m")
        oown = office_clause(offices, params, "o")
        out["committees"] = int(s.exec(text(  # type: ignore[call-overload]
            f"SELECT (SELECT count(*) FROM office o WHERE o.deleted = 0 AND {oown}) + "
            f"(SELECT count(*) FROM village v WHERE v.deleted = 0 AND {vown})"),
            params=params).one()[0])
        out["mediators_active"] = int(s.exec(text(  # type: ignore[call-overload]
            f"SELECT count(*) FROM mediator m WHERE m.deleted = 0 AND m.active = 1 AND {mown}"),
            params=params).one()[0])
    agreements = int(out["agreements_in_period"] or 0)
    out["performance_rate"] = int(out["agreements_performed"] or 0) / agreements if agreements \
        else None
    return out


# --- 信访 matters: 首办化解率 and 按期办结率 (issue 25, point 1) ------------------------------

#: a petition matter is 办结 when its written reply (书面答复) is given; it was due 60 days
#: from its acceptance plus its approved extension (core.petition.complete_due)
_PETITION_DUE = "date(p.accepted_on, '+60 days', '+' || p.extension_days || ' days')"
_PETITION_REPLIED = ("p.reply_on BETWEEN :s AND :e AND p.accepted_on IS NOT NULL "
                     "AND p.not_accepted = 0 AND p.deleted = 0")

PETITION_FIGURES: tuple[Figure, ...] = (
    Figure("petition_replied", "count", "petition", "count(*)",
           "信访事项办结数: petition matters accepted and given their written reply (书面答复) "
           "in the period."),
    Figure("petition_on_time", "count", "petition", f"sum(p.reply_on <= {_PETITION_DUE})",
           "其中按期办结: of those, replied within 60 days of the petition's acceptance plus "
           "its approved extension."),
    Figure("petition_first_resolved", "count", "petition",
           "sum(p.review_requested_on IS NULL OR p.review_requested_on > :e)",
           "其中首办化解: of those, matters whose petitioner had not asked for a 复查 by the "
           "period's end (a later request does not rewrite a period already reported)."),
)
PETITION_FIGURE_BY_KEY = {f.key: f for f in PETITION_FIGURES}


def petition_figures(db: Database, period: Period,
                     offices: Sequence[str] | None = None) -> dict[str, int | float | None]:
    """办结数, 按期办结 and 首办化解 of the petition matters replied in the period, and the two
    rates: 按期办结率 = 按期办结 ÷ 办结数, 首办化解率 = 首办化解 ÷ 办结数 (None with nothing
    replied)."""
    params: dict[str, Any] = {"s": period.start.isoformat(), "e": period.end.isoformat()}
    own = office_clause(offices, params)
    with db.read() as s:
        row = s.exec(text(  # type: ignore[call-overload]
            f"SELECT {', '.join(str(f.sql) for f in PETITION_FIGURES)} FROM petition p "
            f"JOIN dispute_case c ON c.id = p.case_id "
            f"WHERE {_PETITION_REPLIED} AND c.deleted = 0 AND {own}"), params=params).one()
    out: dict[str, int | float | None] = {f.key: int(v or 0) for f, v in zip(PETITION_FIGURES, row)}
    replied = int(out["petition_replied"] or 0)
    out["petition_on_time_rate"] = int(out["petition_on_time"] or 0) / replied if replied else None
    out["petition_first_rate"] = (int(out["petition_first_resolved"] or 0) / replied
                                  if replied else None)
    return out


def holds_petitions(db: Database, offices: Sequence[str] | None = None) -> bool:
    """Whether any petition matter is on record (the report's 信访 table shows then)."""
    params: dict[str, Any] = {}
    own = office_clause(offices, params)
    with db.read() as s:
        return s.exec(text(  # type: ignore[call-overload]
            "SELECT EXISTS (SELECT 1 FROM petition p JOIN dispute_case c ON c.id = p.case_id "
            f"WHERE p.deleted = 0 AND c.deleted = 0 AND {own})"), params=params).one()[0] == 1


# --- 督办/交办 (issue 22) ----------------------------------------------------------------------
#
# The county's items a township received (target_code), as figures of that township's own
# reports; 逾期 by core/overdue.py's P_SUPERVISION_OVERDUE_AT (the same predicate the county's
# 通报 ranks on), on the period's last day (or today while it runs).

SUPERVISION_FIGURES: tuple[Figure, ...] = (
    Figure("supervision_received", "count", "supervision", None,
           "收到督办/交办(项): items the county issued in the period (issued_on) to the office, "
           "withdrawn ones left out."),
    Figure("supervision_finished", "count", "supervision", None,
           "办结(项): items whose 办结报告 is dated in the period."),
    Figure("supervision_open", "count", "supervision", None,
           "未办结(项): items issued by the period's end with neither a 办结报告 nor a 退回 "
           "dated by then."),
    Figure("supervision_overdue", "count", "supervision", None,
           "督办逾期(项): of those, items past their 办理时限 at the period's end (or today "
           "while it runs) — the one definition in core/overdue.py, as the county's 通报."),
)


def _target_filter(offices: Sequence[str] | None, params: dict[str, Any]) -> str:
    if not offices:
        return ""
    parts = []
    for i, code in enumerate(offices):
        params[f"t{i}"] = office_area_prefix(code) + "%"
        parts.append(f"sv.target_code LIKE :t{i}")
    return " AND (" + " OR ".join(parts) + ")"


def supervision_figures(db: Database, period: Period, today: date,
                        offices: Sequence[str] | None = None) -> dict[str, int] | None:
    """The 督办/交办 figures of ``offices`` (None: every office) for ``period``, or None when
    no item was ever sent to them (the report then has no such table)."""
    from mediator.core.overdue import P_SUPERVISION_OVERDUE_AT

    asof = min(period.end, today)
    params: dict[str, Any] = {"s": period.start.isoformat(), "e": period.end.isoformat(),
                              "asof": asof.isoformat()}
    where = _target_filter(offices, params)
    settled = ("EXISTS (SELECT 1 FROM supervision_reply r WHERE r.item_id = sv.id AND "
               "r.deleted = 0 AND r.kind IN ('DONE', 'RETURN') AND r.on_date <= :asof)")
    with db.read() as s:
        held = s.exec(text(  # type: ignore[call-overload]
            f"SELECT count(*) FROM supervision sv WHERE 1 = 1{where}"), params=params).one()[0]
        if not held:
            return None
        row = s.exec(text(  # type: ignore[call-overload]
            "SELECT "
            "coalesce(sum(sv.deleted = 0 AND sv.issued_on BETWEEN :s AND :e), 0), "
            "coalesce(sum(sv.deleted = 0 AND EXISTS (SELECT 1 FROM supervision_reply r WHERE "
            "r.item_id = sv.id AND r.deleted = 0 AND r.kind = 'DONE' "
            "AND r.on_date BETWEEN :s AND :e)), 0), "
            f"coalesce(sum(sv.deleted = 0 AND sv.issued_on <= :asof AND NOT {settled}), 0), "
            f"coalesce(sum({P_SUPERVISION_OVERDUE_AT}), 0) "
            f"FROM supervision sv WHERE 1 = 1{where}"), params=params).one()
    return dict(zip((f.key for f in SUPERVISION_FIGURES), (int(v) for v in row), strict=True))
