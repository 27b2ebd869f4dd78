"""Reports built from the statistics: the 周报 / 月报 / range summary, the ledger (台账), the
monthly 矛盾纠纷排查调处情况表 and the 以案定补申报表. Each builder returns a ``Report``; the
renderers turn it into a file. No figure is computed here: the numbers come from
``stats.compute`` and the case lists from ``lists``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import text

from mediator.core.db import Database
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    Outcome,
    PartyRole,
    RiskGrade,
)
from mediator.core.files import MAX_NAME, safe_filename
from mediator.core.money import format_fen
from mediator.core.validate import office_area_prefix
from mediator.documents.completeness import assess, load_facts, subsidy_grade
from mediator.i18n import t
from mediator.reports import ledger_extra, lists
from mediator.reports.masking import mask_id, mask_name, mask_names_text, mask_phone, scrub
from mediator.reports.model import Column, Money, Points, Rate, Report, Signed, Table
from mediator.reports.periods import Period
from mediator.reports.stats import (
    FIGURE_BY_KEY,
    LEDGER_KEYS,
    SUMMARY_KEYS,
    Figures,
    GroupRow,
    Stats,
    compute,
)

SUMMARY_KINDS = ("weekly", "monthly", "range")
FORM_KINDS = ("ledger", "screening", "subsidy")
KINDS = SUMMARY_KINDS + FORM_KINDS
#: rows of a case list shown in a summary (the total is always stated)
LIST_LIMIT = 1000


@dataclass(frozen=True)
class ReportRequest:
    kind: str
    period: Period
    offices: tuple[str, ...] | None = None
    masked: bool = True
    #: a county template (reports.templates.Template) to fill as the first table (issue 24)
    template: Any = None


# --- names ----------------------------------------------------------------------------------

_OFFICE_SUFFIXES = ("人民调解委员会", "调解委员会", "司法所", "综治中心", "矛调中心")


def place_name(office_name: str) -> str:
    """青石镇人民调解委员会 -> 青石镇: the name reports and files are titled with."""
    for suffix in _OFFICE_SUFFIXES:
        if office_name.endswith(suffix) and len(office_name) > len(suffix):
            return office_name[: -len(suffix)]
    return office_name


def office_title(db: Database, offices: Sequence[str] | None) -> str:
    """The reporting office: this database's office, or the offices asked for."""
    with db.read() as s:
        if not offices:
            row = s.exec(text(  # type: ignore[call-overload]
                "SELECT o.name FROM office o JOIN setting st ON st.key = 'office_code' "
                "AND st.value = o.code WHERE o.deleted = 0 LIMIT 1")).first()
            return row[0] if row else t("report.this_office")
        names = []
        for code in offices:
            prefix = office_area_prefix(code)
            row = s.exec(text(  # type: ignore[call-overload]
                "SELECT name FROM office WHERE deleted = 0 AND code LIKE :p ORDER BY length(code), "
                "code LIMIT 1"), params={"p": prefix + "%"}).first()
            names.append(row[0] if row else code)
    return "、".join(names)


def _safe(name: str) -> str:
    """The report's file name without its suffix, as Windows accepts it."""
    return safe_filename(name, max_length=MAX_NAME - 5)


# --- cells ----------------------------------------------------------------------------------


def figure_cell(key: str, value: Any) -> Any:
    kind = FIGURE_BY_KEY[key].kind
    if kind == "money":
        return Money(int(value or 0))
    if kind == "rate":
        return Rate(value)
    return int(value or 0)


def change_cells(key: str, current: Figures, other: Figures) -> tuple[Any, Any]:
    """(difference, relative change) of a figure against another period: +3 and +25.0%;
    a rate changes by percentage points and has no relative change."""
    cur, old = current[key], other[key]
    kind = FIGURE_BY_KEY[key].kind
    if kind == "rate":  # in percentage points (个百分点)
        if cur is None or old is None:
            return Points(None), None
        return Points(float(cur) - float(old)), None
    diff = int(cur or 0) - int(old or 0)
    pct = Rate(diff / int(old)) if old else Rate(None)
    return Signed(Money(diff) if kind == "money" else diff), Signed(pct)


def _labels(keys: Sequence[str]) -> list[Column]:
    return [Column(k, t(f"fig.{k}"), 9) for k in keys]


def _kind_word(kind: str) -> str:
    return t(f"report.word.{kind}")


# --- the summary (周报 / 月报 / range) ----------------------------------------------------------


def _ledger_table(key: str, title: str, first: str, rows: list[tuple[str, Figures]],
                  total: Figures, chart: str | None = None) -> Table:
    columns = [Column("name", first, 18)] + _labels(LEDGER_KEYS)
    body = [[t("report.total")] + [figure_cell(k, total[k]) for k in LEDGER_KEYS]]
    body += [[label] + [figure_cell(k, f[k]) for k in LEDGER_KEYS] for label, f in rows]
    return Table(key, title, columns, body, chart=chart,
                 chart_values=("registered",) if chart else (), total_row=True,
                 sub_rows=_sub_rows(rows, offset=1))


def _sub_rows(rows: Sequence[tuple[str, Figures]], offset: int) -> frozenset[int]:
    prefix = t("report.of_which", label="")
    return frozenset(i + offset for i, (label, _) in enumerate(rows) if label.startswith(prefix))


def type_rows(groups: Sequence[GroupRow], all_types: bool = False) -> list[tuple[str, Figures]]:
    """Lines by statistics code. 拖欠农民工工资 is a sub-type of 10 劳动争议: its cases count in
    the 劳动争议 line and again in a 其中 line below it (never added twice into the total)."""
    by_key = {g.key: g.figures for g in groups}
    out: list[tuple[str, Figures]] = []
    for m in DisputeType:
        if m is DisputeType.WAGE_ARREARS:
            continue
        figs = by_key.get(m.name)
        if m is DisputeType.LABOUR:
            wage = by_key.get(DisputeType.WAGE_ARREARS.name)
            if wage is not None:
                figs = wage if figs is None else figs + wage
            if figs is not None or all_types:
                out.append((f"{m.code} {m.label}", figs or Figures.empty()))
            if wage is not None or all_types:
                out.append((t("report.of_which", label=DisputeType.WAGE_ARREARS.label),
                            wage or Figures.empty()))
            continue
        if figs is not None or all_types:
            out.append((f"{m.code} {m.label}", figs or Figures.empty()))
    return out


def _names(masked: bool) -> Callable[[str, tuple[str, ...]], str]:
    return mask_names_text if masked else (lambda s, _orgs=(): s)


def _change_phrase(diff: int) -> str:
    if diff > 0:
        return t("report.change.up", n=diff)
    if diff < 0:
        return t("report.change.down", n=-diff)
    return t("report.change.same")


def _rate_text(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def narrative(stats: Stats, kind: str) -> list[str]:
    """The 周报's short text: every number in it is a figure of the summary table."""
    f, p = stats.totals, stats.previous
    word, prev_word = _kind_word(kind), t(f"report.word.prev_{kind}")
    out = []
    if stats.zero_report:
        out.append(t("report.text.zero", word=word))
    out.append(t("report.text.registered", word=word, n=f["registered"], prev_word=prev_word,
                 prev=p["registered"],
                 change=_change_phrase(int(f["registered"] or 0) - int(p["registered"] or 0)),
                 screened=f["screened"], accepted=f["accepted"], refused=f["refused"]))
    out.append(t("report.text.concluded", concluded=f["concluded"], success=f["success"],
                 failed=f["failed"], withdrawn=f["withdrawn"], transferred=f["transferred"],
                 rate=_rate_text(f.rate), agreements=f["agreements"],
                 written=f["written_agreements"], amount=format_fen(f["amount_fen"] or 0),
                 applied=f["judicial_applied"], confirmed=f["judicial_confirmed"]))
    out.append(t("report.text.open", as_of=stats.as_of.isoformat(), mediating=f["mediating"],
                 overdue=f["overdue"], hard=f["hard_open"]))
    out.append(t("report.text.people", persons=f["persons"], group=f["group_disputes"],
                 pc=f["prevented_criminal"], pcp=f["prevented_criminal_persons"],
                 pp=f["prevented_petition"], ppp=f["prevented_petition_persons"]))
    out.append(t("report.text.followups", due=f["followups_due"], done=f["followups_done"],
                 missed=f["followups_missed"]))
    return out


def is_future(period: Period, today: date) -> bool:
    """A period that has not begun: every figure in it is 0 (its 统计截至 would precede it)."""
    return today < period.start


def subtitle(period: Period, today: date) -> str:
    """``2026年第47周（…）　统计截至2026-11-22``; a period that has not begun says so instead of
    giving a 统计截至 day before its start."""
    if is_future(period, today):
        return t("report.subtitle_future", period=period.title, start=period.start.isoformat())
    return t("report.subtitle", period=period.title, as_of=min(period.end, today).isoformat())


def _limit_note(shown: int, total: int) -> str:
    return t("report.list_limited", total=total, shown=shown) if total > shown else ""


def build_summary(db: Database, req: ReportRequest, today: date,
                  office_name: str | None = None) -> Report:
    office_name = office_name or office_title(db, req.offices)
    stats = compute(db, req.period, today, req.offices)
    names = _names(req.masked)
    f = stats.totals
    summary = Table("summary", t("report.table.summary"), [
        Column("figure", t("report.col.figure"), 22),
        Column("current", t("report.col.current"), 12),
        Column("previous", t("report.col.previous"), 12),
        Column("mom_diff", t("report.col.mom_diff"), 12),
        Column("mom_pct", t("report.col.mom_pct"), 10),
        Column("year_ago", t("report.col.year_ago"), 12),
        Column("yoy_diff", t("report.col.yoy_diff"), 12),
        Column("yoy_pct", t("report.col.yoy_pct"), 10),
    ])
    for key in SUMMARY_KEYS:
        mom = change_cells(key, f, stats.previous)
        yoy = change_cells(key, f, stats.year_ago)
        summary.rows.append([t(f"fig.{key}"), figure_cell(key, f[key]),
                             figure_cell(key, stats.previous[key]), mom[0], mom[1],
                             figure_cell(key, stats.year_ago[key]), yoy[0], yoy[1]])
    summary.note = t("report.compare_note", prev=stats.previous_period.title,
                     ago=stats.year_ago_period.title)
    tables = [summary,
              _ledger_table("by_type", t("report.table.by_type"), t("report.col.type"),
                            type_rows(stats.by_type), f, chart="bar"),
              _ledger_table("by_source", t("report.table.by_source"), t("report.col.source"),
                            [(g.label, g.figures) for g in stats.by_source], f),
              _ledger_table("by_village", t("report.table.by_village"), t("report.col.village"),
                            [(g.label, g.figures) for g in stats.by_village], f),
              _ledger_table("by_mediator", t("report.table.by_mediator"), t("report.col.mediator"),
                            [(g.label, g.figures) for g in stats.by_mediator], f)]
    if len(stats.by_office) > 1:
        # a county (or city) database: the same ledger line for each township it holds
        tables.insert(1, _ledger_table("by_office", t("report.table.by_office"),
                                       t("report.col.office"),
                                       [(g.label, g.figures) for g in stats.by_office], f))
    monthly = bool(stats.trend) and stats.trend[0].span.kind == "month"
    trend = Table("trend", t("report.table.trend_months" if monthly else "report.table.trend",
                             n=len(stats.trend)), [
        Column("week", t("report.col.month" if monthly else "report.col.week"), 10), Column("span", t("report.col.span"), 24),
        Column("registered", t("fig.registered"), 10),
        Column("concluded", t("fig.concluded"), 10)], chart="line",
        chart_values=("registered", "concluded"))
    for point in stats.trend:
        trend.rows.append([point.week.label, t("report.period.span_short",
                                                start=point.week.start.isoformat(),
                                                end=point.week.end.isoformat()),
                           point.registered, point.concluded])
    tables.append(trend)
    hard, n_hard = lists.hard_cases(db, req.period, today, req.offices, LIST_LIMIT)
    hard_table = Table("hard_cases", t("report.table.hard_cases"), [
        Column("case_no", t("report.col.case_no"), 26), Column("parties", t("report.col.parties"), 20),
        Column("type", t("report.col.type"), 12), Column("village", t("report.col.village"), 12),
        Column("risk", t("report.col.risk"), 8), Column("lead", t("report.col.lead_official"), 10),
        Column("responsible", t("report.col.responsible"), 10),
        Column("resolve_by", t("report.col.resolve_by"), 12),
        Column("measures", t("report.col.measures"), 30),
        Column("registered_on", t("report.col.registered_on"), 12)],
        note=_limit_note(len(hard), n_hard))
    for c in hard:
        hard_table.rows.append([
            c.case_no, names(c.parties, c.organisations), DisputeType(c.dispute_type).label,
            c.village, RiskGrade(c.risk_grade).label, c.lead_official, c.responsible_person,
            c.resolve_by,
            scrub(c.stabilising_measures, c.persons) if req.masked else c.stabilising_measures,
            c.registered_on])
    tables.append(hard_table)
    overdue, n_overdue = lists.overdue_cases(db, req.period, today, req.offices, LIST_LIMIT)
    overdue_table = Table("overdue_cases", t("report.table.overdue_cases"), [
        Column("case_no", t("report.col.case_no"), 26), Column("parties", t("report.col.parties"), 20),
        Column("type", t("report.col.type"), 12), Column("village", t("report.col.village"), 12),
        Column("mediator", t("report.col.mediator"), 10),
        Column("accepted_on", t("report.col.accepted_on"), 12),
        Column("deadline", t("report.col.deadline"), 12),
        Column("days", t("report.col.days_overdue"), 10)],
        note=_limit_note(len(overdue), n_overdue))
    for c in overdue:
        overdue_table.rows.append([c.case_no, names(c.parties, c.organisations),
                                   DisputeType(c.dispute_type).label,
                                   c.village, c.mediator, c.accepted_on, c.deadline_on,
                                   c.days_overdue])
    tables.append(overdue_table)
    # 排查, 防止 and the success rate on its configured basis (issue 24)
    from mediator.reports.screening import screening_part
    from mediator.reports.stats import rate_definition

    screening_tables, screening_text, screening_data = screening_part(
        db, req.period, f, req.offices)
    tables.extend(screening_tables)
    # 信访: 按期办结率 and 首办化解率 with their definitions (issue 25), for offices holding any
    from mediator.reports.petitions import petition_part

    petition = petition_part(db, req.period, req.offices)
    if petition is not None:
        tables.append(petition[0])
    # 督办/交办 from the county (issue 22), for offices that received any
    from mediator.reports.supervision import supervision_part

    supervised = supervision_part(db, req.period, today, req.offices)
    if supervised is not None:
        tables.append(supervised[0])
    # every rate prints its definition: the summary's (and the breakdowns') 调解成功率 is
    # success ÷ concluded; the configured basis is in the 排查 table
    summary.note = f"{summary.note}；" + t("report.scr.rate_note",
                                          definition=rate_definition("CONCLUDED"))
    place = place_name(office_name)
    label = req.period.label
    report = Report(
        kind=req.kind, title=t(f"report.title.{req.kind}", place=place),
        subtitle=subtitle(req.period, today),
        office_name=office_name, name=_safe(t(f"report.file.{req.kind}", place=place, label=label)),
        masked=req.masked, generated_on=today, period_label=label,
        narrative=narrative(stats, req.kind), tables=tables, zero=stats.zero_report,
        figures={"period": _period_json(req.period), "as_of": stats.as_of.isoformat(),
                 "previous_period": _period_json(stats.previous_period),
                 "year_ago_period": _period_json(stats.year_ago_period),
                 "current": stats.totals.as_dict(), "previous": stats.previous.as_dict(),
                 "year_ago": stats.year_ago.as_dict(), "zero_report": stats.zero_report,
                 "offices": list(req.offices) if req.offices else None})
    report.narrative.append(screening_text)
    assert report.figures is not None
    report.figures["screening"] = screening_data
    if petition is not None:
        report.figures["petition"] = petition[1]
    if supervised is not None:
        report.figures["supervision"] = supervised[1]
    if req.template is not None:
        from mediator.reports.templates import fill

        report.tables.insert(0, fill(req.template, report.figures))
    return report


def _period_json(p: Period) -> dict[str, str]:
    return {"kind": p.kind, "label": p.label, "start": p.start.isoformat(), "end": p.end.isoformat()}


# --- the forms ------------------------------------------------------------------------------


def build_screening(db: Database, req: ReportRequest, today: date,
                    office_name: str | None = None) -> Report:
    """矛盾纠纷排查调处情况表: one line per dispute type (all of them, zeros included)."""
    office_name = office_name or office_title(db, req.offices)
    stats = compute(db, req.period, today, req.offices, trend_weeks=0)
    keys = ("registered", "screened", "accepted", "success", "failed", "transferred", "withdrawn",
            "mediating", "success_rate", "persons", "amount_fen", "group_disputes",
            "prevented_criminal", "prevented_criminal_persons", "prevented_petition",
            "prevented_petition_persons")
    table = Table("screening", t("report.title.screening_table"),
                  [Column("type", t("report.col.type"), 18)] + _labels(keys), total_row=True)
    table.rows.append([t("report.total")] + [figure_cell(k, stats.totals[k]) for k in keys])
    rows = type_rows(stats.by_type, all_types=True)
    for label, figs in rows:
        table.rows.append([label] + [figure_cell(k, figs[k]) for k in keys])
    table.sub_rows = _sub_rows(rows, offset=1)
    place = place_name(office_name)
    return Report(
        kind="screening", title=t("report.title.screening", place=place),
        subtitle=subtitle(req.period, today),
        office_name=office_name, name=_safe(t("report.file.screening", place=place,
                                               label=req.period.label)),
        masked=req.masked, generated_on=today, period_label=req.period.label,
        narrative=narrative(stats, "range" if req.period.kind == "range" else
                            "monthly" if req.period.kind == "month" else "weekly")
        + [t("report.form_footer", office=office_name, date=today.isoformat())],
        tables=[table], zero=stats.zero_report,
        figures={"period": _period_json(req.period), "current": stats.totals.as_dict()})


def build_subsidy(db: Database, req: ReportRequest, today: date,
                  office_name: str | None = None) -> Report:
    """以案定补申报表: the cases mediated to an agreement in the period, graded, with whether
    each case file is complete and what it lacks."""
    office_name = office_name or office_title(db, req.offices)
    where, params = lists.subsidy_where(req.period, today, req.offices)
    checks = [assess(f) for f in load_facts(db, where, params, today,
                                            order="c.concluded_on, c.registered_on, c.seq")]
    info = lists.subsidy_info(db, req.period, today, req.offices)
    names = _names(req.masked)
    table = Table("subsidy", t("report.table.subsidy"), [
        Column("n", t("report.col.n"), 6), Column("case_no", t("report.col.case_no"), 26),
        Column("parties", t("report.col.parties"), 20), Column("type", t("report.col.type"), 12),
        Column("mediator", t("report.col.mediator"), 10),
        Column("accepted_on", t("report.col.accepted_on"), 12),
        Column("concluded_on", t("report.col.concluded_on"), 12),
        Column("form", t("report.col.agreement_form"), 8),
        Column("amount", t("report.col.agreement_amount"), 12),
        Column("grade", t("report.col.grade"), 8), Column("complete", t("report.col.complete"), 8),
        Column("missing", t("report.col.missing"), 30)])
    grades: dict[str, list[int]] = {g: [0, 0] for g in ("GENERAL", "DIFFICULT", "MAJOR")}
    for i, check in enumerate(checks, start=1):
        f = check.facts
        inf = info[f.case_id]
        grade = subsidy_grade(inf.risk_grade, inf.is_hard, inf.group_dispute)
        grades[grade][0] += 1
        grades[grade][1] += 1 if check.complete else 0
        table.rows.append([
            i, f.case_no, names(inf.parties, inf.organisations), DisputeType(inf.dispute_type).label,
            inf.mediator,
            f.accepted_on, f.concluded_on,
            AgreementForm(f.agreement_form).label if f.agreement_form else None,
            Money(f.agreement_amount_fen), t(f"report.grade.{grade}"),
            t("report.yes") if check.complete else t("report.no"), check.missing_text()])
    by_grade = Table("subsidy_grades", t("report.table.subsidy_grades"), [
        Column("grade", t("report.col.grade"), 10), Column("cases", t("report.col.cases"), 10),
        Column("complete", t("report.col.complete_cases"), 12)], total_row=True)
    by_grade.rows.append([t("report.total"), len(checks), sum(v[1] for v in grades.values())])
    for g, (n, k) in grades.items():
        by_grade.rows.append([t(f"report.grade.{g}"), n, k])
    place = place_name(office_name)
    return Report(
        kind="subsidy", title=t("report.title.subsidy", place=place),
        subtitle=subtitle(req.period, today),
        office_name=office_name, name=_safe(t("report.file.subsidy", place=place,
                                               label=req.period.label)),
        masked=req.masked, generated_on=today, period_label=req.period.label,
        narrative=[t("report.text.subsidy", n=len(checks), general=grades["GENERAL"][0],
                     difficult=grades["DIFFICULT"][0], major=grades["MAJOR"][0],
                     complete=sum(v[1] for v in grades.values())),
                   t("report.form_footer", office=office_name, date=today.isoformat())],
        tables=[by_grade, table], zero=not checks,
        figures={"period": _period_json(req.period), "cases": len(checks),
                 "complete": sum(v[1] for v in grades.values()),
                 "by_grade": {g: {"cases": n, "complete": k} for g, (n, k) in grades.items()}})


def _party_lines(line: lists.LedgerLine, masked: bool) -> tuple[str, str, str]:
    """当事人 / 身份证号码 / 联系电话 cells: one line per party, in the same order."""
    names, ids, phones = [], [], []
    for p in line.parties:
        role = PartyRole(p.role).label if p.role in PartyRole.__members__ else p.role
        person = p.kind == "PERSON"
        names.append(f"{role}：{mask_name(p.name) if masked and person else p.name}")
        ids.append((mask_id(p.id_number) if masked and person else p.id_number) or "—")
        phones.append((mask_phone(p.phone) if masked else p.phone) or "—")
    return "\n".join(names), "\n".join(ids), "\n".join(phones)


def build_ledger(db: Database, req: ReportRequest, today: date,
                 office_name: str | None = None) -> Report:
    """台账 in the usual column order: every case registered in the period."""
    office_name = office_name or office_title(db, req.offices)
    rows = lists.ledger(db, req.period, today, req.offices)
    table = Table("ledger", t("report.table.ledger"), [
        Column("n", t("report.col.n"), 6), Column("case_no", t("report.col.case_no"), 26),
        Column("registered_on", t("report.col.registered_on"), 12),
        Column("type", t("report.col.type"), 12), Column("source", t("report.col.source"), 12),
        Column("village", t("report.col.village"), 12),
        Column("parties", t("report.col.parties"), 22), Column("id", t("report.col.id_number"), 22),
        Column("phone", t("report.col.phone"), 16), Column("facts", t("report.col.facts"), 40),
        Column("persons", t("report.col.persons"), 8), Column("amount", t("report.col.amount"), 12),
        Column("mediator", t("report.col.mediator"), 10),
        Column("accepted_on", t("report.col.accepted_on"), 12),
        Column("state", t("report.col.state"), 10), Column("outcome", t("report.col.outcome"), 10),
        Column("concluded_on", t("report.col.concluded_on"), 12),
        Column("form", t("report.col.agreement_form"), 8),
        Column("agreement_amount", t("report.col.agreement_amount"), 12),
        Column("followups", t("report.col.followups"), 8), *ledger_extra.visit_columns(),
        Column("risk", t("report.col.risk"), 8), Column("remarks", t("report.col.remarks"), 14)])
    for i, line in enumerate(rows, start=1):
        party_names, ids, phones = _party_lines(line, req.masked)
        facts = (scrub(line.facts, [p.name for p in line.parties if p.kind == "PERSON"])
                 if req.masked else line.facts)
        remarks = "、".join(x for x, on in ((t("report.remark.hard"), line.is_hard),
                                           (t("report.remark.group"), line.group_dispute)) if on)
        table.rows.append([
            i, line.case_no, line.registered_on, DisputeType(line.dispute_type).label,
            CaseSource(line.source).label, line.village, party_names, ids, phones, facts,
            line.persons, Money(line.amount_fen), line.mediator, line.accepted_on,
            CaseState(line.state).label, Outcome(line.outcome).label if line.outcome else None,
            line.concluded_on,
            AgreementForm(line.agreement_form).label if line.agreement_form else None,
            None if line.agreement_amount_fen is None else Money(line.agreement_amount_fen),
            line.followups_done, *ledger_extra.visit_cells(line, req.masked),
            RiskGrade(line.risk_grade).label, remarks])
    rounds_table, rounds = ledger_extra.rounds_table(db, req.period, req.offices, req.masked)
    place = place_name(office_name)
    return Report(
        kind="ledger", title=t("report.title.ledger", place=place),
        subtitle=subtitle(req.period, today),
        office_name=office_name, name=_safe(t("report.file.ledger", place=place,
                                               label=req.period.label)),
        masked=req.masked, generated_on=today, period_label=req.period.label,
        narrative=[t("report.text.ledger", n=len(rows)),
                   t("ledx.text", rounds=len(rounds), nil=sum(r.nil_return for r in rounds),
                     found=sum(r.found for r in rounds))],
        tables=[table, rounds_table], zero=not rows,
        figures={"period": _period_json(req.period), "cases": len(rows),
                 "screening_rounds": len(rounds)})


BUILDERS = {"weekly": build_summary, "monthly": build_summary, "range": build_summary,
            "ledger": build_ledger, "screening": build_screening, "subsidy": build_subsidy}


def build(db: Database, req: ReportRequest, today: date) -> Report:
    return BUILDERS[req.kind](db, req, today)
