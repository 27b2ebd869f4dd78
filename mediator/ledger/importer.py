"""The ledger import use case.

``plan_ledger`` reads a file and understands it without touching the database: the column
mapping, every row as an ``ImportedCase`` (or the reason it cannot be one). The preview, the
terminal dialog and ``--dry-run`` show a plan. ``run_import`` hands the importable rows to
``Services.import_ledger_rows`` (one transaction) and writes the rows that could not be
imported to ``<name>_未导入.xlsx``: the same columns plus 原因, so the clerk fixes them there
and imports that file again.

Rows are rejected only when no case can be made of them: no 受理日期 (or not a date, or after
today) or no party. Everything else that is doubtful (an ID that fails its check digit, a
type that had to be guessed, an amount that could not be read...) is imported and flagged.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mediator.core import rules
from mediator.core.checks import parties_text
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    PartyKind,
    PartyRole,
    RiskGrade,
)
from mediator.core.enums import Outcome as CaseOutcome
from mediator.core.errors import ValidationError
from mediator.core.files import atomic_path, remove
from mediator.core.importing import (
    ImportedCase,
    ImportResult,
    Performance,
    RowResult,
    plan_lifecycle,
)
from mediator.core.inputs import CaseInput, PartyInput
from mediator.core.ledger_rows import digests, identity_of
from mediator.core.validate import normalise_text, parse_int, parse_phone, parse_resident_id
from mediator.i18n import t
from mediator.ledger.context import (
    YearHint,
    case_row_groups,
    join_rows,
    month_day,
    split_role_lines,
    with_year,
    year_hint,
)
from mediator.ledger.headers import ROLES, Column, Layout, detect_layout
from mediator.ledger.identity import mark_duplicates, place
from mediator.ledger.mapping import Mapping, apply_mapping, load_mapping
from mediator.ledger.reader import Table, read_table
from mediator.ledger.values import (
    BLANK_TEXTS,
    TypeMatcher,
    damaged_by_excel,
    free_text_of,
    is_blank,
    is_org_code,
    is_org_id,
    is_organisation,
    ledger_number,
    parse_agreement_form,
    parse_cell_date,
    parse_gender,
    parse_money,
    parse_performance,
    parse_result,
    parse_risk,
    parse_source,
    split_names_text,
    split_values_text,
    text_of,
    texts_of,
)

REJECT_SUFFIX = "_未导入"
REQUIRED = ("registered_on", "applicant.name")
OPTIONAL = ("respondent.name", "dispute_type", "facts", "result", "closed_on")
_PERFORMANCE_OF_STATE = {
    CaseState.PERFORMING: Performance.PERFORMING, CaseState.PERFORMED: Performance.PERFORMED,
    CaseState.UNPERFORMED: Performance.UNPERFORMED, CaseState.URGED: Performance.UNPERFORMED,
    CaseState.SUIT_ADVISED: Performance.UNPERFORMED}
_MEDIATING_WORDS = ("调解中", "正在调解", "调处中", "正在调处", "调解阶段")
_SUMMARY_WORDS = ("合计", "总计", "小计", "共计", "汇总")
#: the signature lines under a ledger (填表人：王某 审核人：李某 填报日期：...)
_FOOTER_WORDS = ("填表人", "审核人", "填报日期", "制表人", "制表日期", "填报人", "负责人",
                 "单位负责人", "审核", "填表日期", "统计人", "经办人:", "主管领导", "签字")
_ROLE = {"applicant": PartyRole.APPLICANT, "respondent": PartyRole.RESPONDENT,
         "third_party": PartyRole.THIRD_PARTY}
#: a role's party fields, as the row's cells are keyed (made once, not per party)
_PARTY_KEYS = {role: tuple(f"{role}.{attr}" for attr in (
    "id_number", "phone", "gender", "ethnicity", "age", "address")) for role in _ROLE}
_NAME_KEYS = {role: f"{role}.name" for role in _ROLE}


@dataclass
class ParsedRow:
    row_no: int  # as Excel / WPS number the row (1-based)
    values: list[Any]
    case: ImportedCase | None = None
    reason: str | None = None  # why no case can be made of it
    sheet: str | None = None
    #: rows of the ledger this case is written over (merged date and applicant cells)
    spans: int = 1
    #: pasted twice: where the row it repeats is (第3行, 「二月」第3行); not imported
    duplicate_of: str | None = None


@dataclass
class SheetPart:
    """One data sheet of a workbook (a CSV is one part)."""

    table: Table
    layout: Layout
    rows: list[ParsedRow]
    unmatched_mapping: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)


@dataclass
class LedgerPlan:
    """A whole ledger as understood: every data sheet (``parts``); ``table`` and ``layout``
    are the first sheet's, ``rows`` all sheets' rows in workbook order."""

    path: Path
    table: Table
    layout: Layout
    rows: list[ParsedRow]
    mapping: Mapping | None = None
    unmatched_mapping: list[str] = field(default_factory=list)
    #: rows left out on purpose: {"empty": n, "summary": n, "header": n}
    skipped: dict[str, int] = field(default_factory=dict)
    parts: list[SheetPart] = field(default_factory=list)
    #: sheets not read as ledger sheets, and why (汇总 by its name, no header...)
    skipped_sheets: list[tuple[str, str]] = field(default_factory=list)

    @property
    def several(self) -> bool:
        return len(self.parts) > 1

    def place(self, row: ParsedRow) -> str:
        return place(row.sheet, row.row_no, several=self.several)

    def part_of(self, row: ParsedRow) -> SheetPart:
        return next((p for p in self.parts if p.table.sheet == row.sheet), self.parts[0])

    @property
    def cases(self) -> list[ImportedCase]:
        return [r.case for r in self.rows if r.case is not None and r.duplicate_of is None]

    @property
    def duplicates(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.duplicate_of is not None]

    @property
    def rejected(self) -> list[ParsedRow]:
        return [r for r in self.rows if r.reason is not None]

    @property
    def reject_path(self) -> Path:
        return reject_path(self.path)

    @property
    def missing(self) -> list[str]:
        """Useful columns the ledger does not have (said once, not flagged on every row)."""
        present: set[str] = set()
        for part in self.parts or [SheetPart(self.table, self.layout, [])]:
            present.update(part.layout.index_of())
        return [f for f in OPTIONAL if f not in present]


@dataclass
class LedgerReport:
    plan: LedgerPlan
    result: ImportResult
    rejected: list[tuple[int, str]]  # (row, reason), parse-time and service-time together
    reject_file: Path | None
    seconds: float
    #: the rejected rows themselves, in ledger order, with the reason
    reject_rows: list[tuple[ParsedRow, str]] = field(default_factory=list)
    #: the ledger's folder could not be written: the reject file went to the data folder
    reject_moved: bool = False
    #: why no reject file could be written anywhere (the rows are still listed)
    reject_error: str | None = None
    #: an older reject file of this ledger removed by a clean import
    reject_removed: Path | None = None
    #: the row each result is about (results come in the order of ``plan.cases``)
    sources: dict[int, ParsedRow] = field(default_factory=dict)

    def place(self, result: RowResult) -> str:
        row = self.sources.get(id(result))
        return self.plan.place(row) if row is not None else t("ledger.place", row=result.row_no)

    @property
    def rejected_at(self) -> list[tuple[str, str]]:
        """(第5行 / 「二月」第5行, reason) for printing."""
        return [(self.plan.place(r), reason) for r, reason in self.reject_rows]

    @property
    def imported(self) -> int:
        return self.result.count("imported")

    @property
    def existing(self) -> int:
        return self.result.count("existing")

    @property
    def flagged(self) -> list[RowResult]:
        return [r for r in self.result.rows if r.status == "imported" and r.flags]

    @property
    def changed(self) -> list[RowResult]:
        return [r for r in self.result.rows if r.status == "changed"]

    @property
    def updated(self) -> list[RowResult]:
        """Changed rows applied to their cases (``--update``)."""
        return [r for r in self.changed if r.applied]

    @property
    def not_updated(self) -> list[RowResult]:
        """Changed rows ``--update`` could not apply, each with its reason."""
        return [r for r in self.changed if not r.applied and r.reason]

    @property
    def duplicates(self) -> list[ParsedRow]:
        return self.plan.duplicates


def reject_path(path: Path) -> Path:
    return Path(path).with_name(f"{Path(path).stem}{REJECT_SUFFIX}.xlsx")


# --- planning -----------------------------------------------------------------------------


#: a sheet with one of these in its name sums the others up: no cases of its own
_SUMMARY_SHEET_WORDS = ("汇总", "统计", "合计", "总计", "小计")


def plan_ledger(path: Path, today: date, *, sheet: str | None = None,
                mapping_path: Path | None = None) -> LedgerPlan:
    """Read and understand a ledger, all its data sheets (or ``sheet``); nothing is written.

    A sheet named like a summary (汇总, 统计…) is skipped by its name; one in which no
    header with 受理日期 and 申请人 can be found (an instructions sheet, a chart) is skipped
    too; both are listed in ``skipped_sheets``. When no sheet can be read, the error of the
    first one is raised."""
    path = Path(path)
    mapping = load_mapping(mapping_path) if mapping_path else None
    wanted = sheet or (mapping.sheet if mapping else None)
    first = read_table(path, wanted)
    names = first.sheets if (wanted is None and len(first.sheets) > 1) else [first.sheet]
    parts: list[SheetPart] = []
    skipped_sheets: list[tuple[str, str]] = []
    errors: list[ValidationError] = []
    for name in names:
        if len(names) > 1 and name and any(w in name for w in _SUMMARY_SHEET_WORDS):
            skipped_sheets.append((name, t("ledger.sheet.summary")))
            continue
        table = first if name == first.sheet else read_table(path, name)
        try:
            parts.append(_plan_sheet(path, table, today, mapping))
        except ValidationError as exc:
            if len(names) == 1:
                raise
            errors.append(exc)
            skipped_sheets.append((name or "", t("ledger.sheet.no_cases", error=exc.message)))
    if not parts:
        raise errors[0] if errors else ValidationError(t("ledger.error.empty"), "file")
    rows = [r for p in parts for r in p.rows]
    mark_duplicates(rows, several_sheets=len(parts) > 1)
    skipped: dict[str, int] = {}
    for p in parts:
        for k, v in p.skipped.items():
            skipped[k] = skipped.get(k, 0) + v
    head = parts[0]
    return LedgerPlan(path, head.table, head.layout, rows, mapping, head.unmatched_mapping,
                      skipped, parts, skipped_sheets)


def _plan_sheet(path: Path, table: Table, today: date, mapping: Mapping | None) -> SheetPart:
    layout = detect_layout(table, mapping.header_row if mapping else None,
                           mapping.header_rows if mapping else None)
    unmatched = apply_mapping(layout.columns, mapping) if mapping else []
    fields = layout.index_of()
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise ValidationError(t("ledger.error.missing_columns", columns="、".join(
            field_label(f) for f in missing)), "file")
    converter = RowConverter(layout, today, mapping.types if mapping else None,
                             year_hint(table, layout, path))
    header_texts = [text_of(v) for v in table.rows[layout.data_start - 1]]
    rows: list[ParsedRow] = []
    skipped = {"empty": 0, "summary": 0, "header": 0}
    data: list[int] = []
    for index in range(layout.data_start, len(table.rows)):
        kind = _skip_kind(table.rows[index], header_texts, index == layout.data_start)
        if kind:
            skipped[kind] += 1
            continue
        data.append(index)
    for first, group in case_row_groups(table, layout, data):
        parsed = converter.convert(first + 1, join_rows(table, layout, group))
        parsed.spans = len(group)
        rows.append(parsed)
    for r in rows:
        r.sheet = table.sheet
        if r.case is not None:
            r.case.sheet = table.sheet
    return SheetPart(table, layout, rows, unmatched, {k: v for k, v in skipped.items() if v})


def _skip_kind(values: list[Any], header: list[str], first: bool) -> str | None:
    lead = next((v for v in values if v is not None and (type(v) is not str or v.strip())), None)
    if lead is None:
        return "empty"
    lead_text = text_of(lead).replace(" ", "")
    if lead_text.startswith(_SUMMARY_WORDS):
        return "summary"
    if lead_text.startswith(_FOOTER_WORDS) and not any(
            isinstance(v, (date, int, float)) and not isinstance(v, bool) for v in values[:1]):
        return "summary"  # the footer: nobody's case
    if lead_text in header and [text_of(v) for v in values] == header:
        return "header"  # the header repeated (printed ledgers repeat it on every page)
    if first:
        filled = [x for x in (text_of(v) for v in values) if x]
        if all(x.isdigit() for x in filled) and \
                [int(x) for x in filled] == list(range(int(filled[0]), int(filled[0]) + len(filled))):
            return "header"  # a row of column numbers 1 2 3 ... under the header
    return None


def field_label(name: str) -> str:
    """The display name of a field: 受理日期, 申请人联系电话..."""
    if "." in name:
        role, attr = name.split(".", 1)
        return t("ledger.party_field", role=t(f"ledger.role.{role}"), attr=t(f"ledger.attr.{attr}"))
    return t(f"ledger.field.{name}")


class RowConverter:
    """One row of cells -> an ImportedCase, with the doubts found on the way."""

    def __init__(self, layout: Layout, today: date, types: dict[str, DisputeType] | None = None,
                 year: YearHint | None = None):
        self.today = today
        self.year = year
        self._registered: date | None = None
        self.columns: dict[str, Column] = layout.index_of()
        self.index = [(name, col.index) for name, col in self.columns.items()]
        self.other_columns = [c for c in layout.columns if c.how in ("unknown", "duplicate")]
        self.types = TypeMatcher(types)

    def convert(self, row_no: int, values: list[Any]) -> ParsedRow:
        width = len(values)
        cells = {name: values[i] for name, i in self.index if i < width}
        split_role_lines(cells)
        get = cells.get
        # each cell made text once (the parsers below, the blank checks and the change
        # digests all start from it)
        texts = texts_of(cells)
        text = texts.get

        def free(name: str) -> str:  # free_text_of(get(name)), from the cell's text
            found = text(name, "")
            if found in BLANK_TEXTS:
                return ""
            value = cells[name]
            return normalise_text(value) if type(value) is str else found
        flags: list[str] = []
        notes: list[str] = []

        raw_date = get("registered_on")
        try:
            registered = parse_cell_date(raw_date)
        except ValueError:
            md = month_day(raw_date)
            if md is None or self.year is None:
                return ParsedRow(row_no, values, reason=t(
                    "ledger.reject.bad_date" if md is None else "ledger.reject.no_year",
                    value=text_of(raw_date)))
            try:
                registered = with_year(md, self.year.year)
            except ValueError:
                return ParsedRow(row_no, values, reason=t("ledger.reject.bad_date",
                                                          value=text_of(raw_date)))
            if self.year.source == "file":
                flags.append(t("import.flag.year_from_file", value=text_of(raw_date),
                               year=self.year.year))
        if registered is None:
            return ParsedRow(row_no, values, reason=t("ledger.reject.no_date"))
        if registered > self.today:
            return ParsedRow(row_no, values, reason=t("ledger.reject.future_date",
                                                      date=registered.isoformat()))

        self._registered = registered
        parties: list[PartyInput] = []
        persons_hint = 0
        seen_ids: set[str] = set()
        for role in ROLES:
            names, hint = split_names_text(text(_NAME_KEYS[role], ""))
            persons_hint += hint
            if names:
                parties += self._parties(role, names, cells, texts, seen_ids, flags, notes)
        if not any(p.role is PartyRole.APPLICANT for p in parties):
            return ParsedRow(row_no, values, reason=t("ledger.reject.no_party"))

        label = text("dispute_type", "")
        match = self.types.match(label)
        type_note = None
        if match.how == "keyword":
            type_note = label
            flags.append(t("import.flag.type_guessed", label=label, type=match.type.label))
        elif match.how == "unknown":
            type_note = label
            flags.append(t("import.flag.type_unknown", label=label))
        elif match.how == "blank" and "dispute_type" in self.columns:
            flags.append(t("import.flag.type_blank"))

        amount = 0
        raw_amount = get("amount")
        if text("amount", "") not in BLANK_TEXTS:
            try:
                amount = parse_money(raw_amount, self.columns["amount"].scale)
            except ValueError:
                flags.append(t("import.flag.amount_unreadable", value=text_of(raw_amount)))

        outcome = self._parse(get("result"), parse_result, "result", flags)
        result_text = text("result", "")
        mediating = outcome is None and any(w in result_text for w in _MEDIATING_WORDS)
        form = self._parse(get("agreement_form"), parse_agreement_form, "agreement_form", flags)
        if outcome is CaseOutcome.AGREEMENT and form is None:
            form = AgreementForm.WRITTEN if amount > 0 else AgreementForm.ORAL
            flags.append(t("import.flag.form_assumed", form=form.label))
        performance = self._parse(get("performance"), parse_performance, "performance", flags)
        mediated_on = self._date(get("mediated_on"), "mediated_on", flags)
        closed_on = self._date(get("closed_on"), "closed_on", flags)
        state_text = text("state", "")
        state = CaseState.from_label(state_text) if state_text not in BLANK_TEXTS else None
        if state is not None and closed_on is not None and outcome is not None:
            # with a 办理状态 column (this app's own export), 结案日期 is when mediation ended;
            # the case was archived only if the state says so
            mediated_on = mediated_on or closed_on
            if state is not CaseState.ARCHIVED:
                closed_on = None
        if state is CaseState.MEDIATING and outcome is None:
            mediating = True
        if performance is None and outcome is CaseOutcome.AGREEMENT:
            performance = _PERFORMANCE_OF_STATE.get(state)  # type: ignore[arg-type]
        # the other defaults the lifecycle assumes are flagged like 协议形式 (this app's own
        # export says the state instead, and needs no guess)
        if state is None and outcome is CaseOutcome.AGREEMENT and performance is None \
                and closed_on is not None:
            flags.append(t("import.flag.performed_assumed"))
        if state is None and outcome not in (None, CaseOutcome.REFUSED) \
                and mediated_on is None and closed_on is None:
            flags.append(t("import.flag.concluded_assumed", result=outcome.label,
                           date=registered.isoformat()))
        follow_up_on = self._date(get("follow_up_on"), "follow_up_on", flags)
        source = self._parse(get("source"), parse_source, "source", flags) or CaseSource.APPLICATION
        risk = self._parse(get("risk_grade"), parse_risk, "risk_grade", flags) or RiskGrade.GENERAL

        persons = max(persons_hint, len(parties))
        persons_text = text("persons", "")
        if persons_text not in BLANK_TEXTS:
            try:
                stated = parse_int(persons_text.rstrip("人名"), "persons", minimum=0)
            except ValidationError:
                flags.append(t("import.flag.unreadable", field=field_label("persons"),
                               value=persons_text))
            else:
                if stated < len(parties):
                    flags.append(t("import.flag.persons_too_few", n=stated, parties=len(parties)))
                persons = max(persons, stated)

        facts = free("facts")
        if not facts:
            facts = t("import.no_facts")
            if "facts" in self.columns:  # no column at all is said once, in the mapping
                flags.append(t("import.flag.no_facts"))
        mediators, _ = split_names_text(text("mediator", ""))
        if len(mediators) > 1:
            notes.append(t("ledger.note.line", label=field_label("mediator"),
                           value="、".join(mediators)))
        follow_up_note = free("follow_up_note")
        if follow_up_note and follow_up_on is None:  # no date to hang a follow-up on
            notes.append(t("ledger.note.line", label=field_label("follow_up_note"),
                           value=follow_up_note))
        note = free("note")
        if note:
            notes.append(t("ledger.note.line", label=field_label("note"), value=note))
        for col in self.other_columns:
            value = free_text_of(values[col.index]) if col.index < len(values) else ""
            if value:
                notes.append(t("ledger.note.line", label=col.header, value=value))

        number = ledger_number(text("number", "")) or None
        identity = identity_of(registered, (p.name for p in parties), match.type.name)
        key = "row:" + hashlib.sha256(identity.encode("utf-8")).hexdigest()[:24]
        kept = {}  # each field's text, "" when blank (the ledger's number is not a field)
        row_texts = {}
        for name, value in cells.items():
            if name != "number":
                cell_text = texts[name]
                if cell_text in BLANK_TEXTS:
                    kept[name] = ""
                else:
                    kept[name] = cell_text
                    # as written (free text keeps its punctuation): the change as reported
                    row_texts[name] = value.strip() if type(value) is str else cell_text
        row_fields = digests(kept)

        case = CaseInput(
            parties=parties, dispute_type=match.type, source=source, registered_on=registered,
            facts=facts, requests=free("requests"), persons_involved=persons,
            amount_fen=amount, risk_grade=risk, type_note=type_note, import_key=key,
            petition_received_on=registered if source is CaseSource.PETITION else None)
        imported = ImportedCase(
            row_no=row_no, case=case, outcome=outcome, mediated_on=mediated_on,
            closed_on=closed_on, agreement_form=form,
            agreement_terms=free("agreement_terms"), agreement_amount_fen=amount,
            performance=performance, follow_up_on=follow_up_on,
            follow_up_by=text("follow_up_by", "") or None,
            follow_up_note=follow_up_note, mediator_names=mediators,
            village_name=text("village", "") or None, note="\n".join(notes), flags=flags,
            identity=identity, ledger_no=number, fields=row_fields, mediating=mediating,
            texts=row_texts)
        return ParsedRow(row_no, values, case=imported)

    def _parse(self, value: Any, parser: Callable[[Any], Any], name: str, flags: list[str]) -> Any:
        if value is None:
            return None
        try:
            return parser(value)
        except ValueError:
            flags.append(t("import.flag.unreadable", field=field_label(name), value=text_of(value)))
            return None

    def _date(self, value: Any, name: str, flags: list[str]) -> date | None:
        md = month_day(value) if self.year is not None else None
        if md is None:
            return self._parse(value, parse_cell_date, name, flags)
        try:  # a later step of a case of 12月28日 on 1月5日 is in the next year
            found = with_year(md, self.year.year)  # type: ignore[union-attr]
        except ValueError:
            flags.append(t("import.flag.unreadable", field=field_label(name),
                           value=text_of(value)))
            return None
        if self._registered is not None and found < self._registered \
                and (found.month, found.day) != (2, 29):
            found = found.replace(year=found.year + 1)
        return found

    def _parties(self, role: str, names: list[str], cells: dict[str, Any],
                 texts: dict[str, str], seen_ids: set[str], flags: list[str],
                 notes: list[str]) -> list[PartyInput]:
        k_id, k_phone, k_gender, k_ethnicity, k_age, k_address = _PARTY_KEYS[role]
        get = texts.get
        raw_id = cells.get(k_id)
        ids = split_values_text(get(k_id, ""))
        phones = split_values_text(get(k_phone, ""))
        genders = split_values_text(get(k_gender, ""))
        ethnicities = split_values_text(get(k_ethnicity, ""))
        ages = split_values_text(get(k_age, ""))
        address = get(k_address, "")
        addresses = [a.strip() for a in re.split(r"[;；\n]+", address) if a.strip()] \
            if len(names) > 1 else ([address] if address else [])
        out = []
        for k, name in enumerate(names):
            kind = PartyKind.ORGANISATION if is_organisation(name) else PartyKind.PERSON
            p = PartyInput(name=name, role=_ROLE[role], kind=kind,
                           ethnicity=ethnicities[k] if k < len(ethnicities) else None,
                           address=addresses[k] if k < len(addresses) else None)
            idtext = ids[k] if k < len(ids) and ids[k] not in BLANK_TEXTS else ""
            id_gender = None
            if idtext and damaged_by_excel(idtext):
                flags.append(t("import.flag.id_damaged", name=name, id=idtext))
                notes.append(t("ledger.note.damaged_id", name=name, id=idtext))
            elif idtext and (is_org_id(idtext) or (kind is PartyKind.ORGANISATION
                                                   and is_org_code(idtext))):
                p.org_code = idtext.upper()  # 18 characters that pass GB 32100's check
            elif idtext and kind is PartyKind.ORGANISATION:
                flags.append(t("import.flag.bad_org_code", name=name, id=idtext))
                notes.append(t("ledger.note.damaged_id", name=name, id=idtext))
            elif idtext:
                try:
                    rid = parse_resident_id(idtext, today=self.today)
                except ValidationError as exc:
                    hint = t("import.flag.id_as_number") if isinstance(raw_id, (int, float)) else ""
                    flags.append(t("import.flag.bad_id", name=name, id=idtext,
                                   error=exc.message) + hint)
                else:
                    if rid.number in seen_ids:
                        flags.append(t("import.flag.duplicate_id", name=name, id=rid.number))
                    else:
                        seen_ids.add(rid.number)
                        p.id_number, id_gender = rid.number, rid.gender
            gender_text = genders[k] if k < len(genders) else ""
            if gender_text:
                try:
                    gender = parse_gender(gender_text)
                except ValueError:
                    flags.append(t("import.flag.unreadable", field=field_label(f"{role}.gender"),
                                   value=gender_text))
                else:
                    if p.id_number is None:
                        p.gender = gender
                    elif gender is not id_gender:
                        flags.append(t("import.flag.gender_mismatch", name=name))
            phone_text = phones[k] if k < len(phones) and phones[k] not in BLANK_TEXTS else ""
            if phone_text:
                try:
                    p.phone = parse_phone(phone_text)
                except ValidationError:
                    flags.append(t("import.flag.bad_phone", name=name, phone=phone_text))
            age = ages[k] if k < len(ages) else ""
            if age and p.id_number is None:
                notes.append(t("ledger.note.age", name=name, age=age))
            out.append(p)
        if len(ids) > len(names) and names:
            flags.append(t("import.flag.extra_values", field=field_label(f"{role}.id_number")))
        if len(phones) > len(names) and names:
            flags.append(t("import.flag.extra_values", field=field_label(f"{role}.phone")))
        return out


# --- preview ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    """One row as understood, in words (the dialog's preview and ``--dry-run``)."""

    row_no: int
    date: str
    parties: str
    type: str
    state: str
    note: str  # doubts, or why the row cannot be imported
    rejected: bool = False
    #: 第5行, or 「二月」第5行 in a workbook read sheet by sheet
    place: str = ""


def predicted_state(row: ImportedCase, today: date) -> CaseState:
    state = CaseState.REGISTERED
    for step in plan_lifecycle(row, today).steps:
        state = rules.next_state(state, step.action)
    return state


def preview_rows(plan: LedgerPlan, today: date, limit: int = 20) -> list[PreviewRow]:
    out = []
    for r in plan.rows[:limit]:
        where = plan.place(r)
        if r.case is None:
            out.append(PreviewRow(r.row_no, "", "", "", t("ledger.preview.rejected"),
                                  r.reason or "", rejected=True, place=where))
            continue
        if r.duplicate_of is not None:
            out.append(PreviewRow(r.row_no, "", "", "", t("ledger.preview.duplicate"),
                                  t("ledger.preview.duplicate_of", other=r.duplicate_of),
                                  place=where))
            continue
        c = r.case.case
        kind = DisputeType(c.dispute_type).label + (f"（{c.type_note}）" if c.type_note else "")
        out.append(PreviewRow(
            r.row_no, c.registered_on.isoformat() if c.registered_on else "",
            parties_text([(p.role.name, p.name) for p in c.parties]), kind,
            predicted_state(r.case, today).label, "；".join(r.case.flags), place=where))
    return out


def describe_change(report: LedgerReport, result: RowResult) -> str:
    """What differs in a changed row, field by field, as the ledger now says it:
    调解结果“调解成功”；结案日期“2026-03-20”."""
    row = report.sources.get(id(result))
    columns = report.plan.part_of(row).layout.index_of() if row is not None else {}
    parts = []
    for name in result.changed:
        col = columns.get(name)
        value = row.values[col.index] if row is not None and col is not None \
            and col.index < len(row.values) else None
        shown = "" if is_blank(value) else free_text_of(value)
        parts.append(t("ledger.change", field=field_label(name), value=shown) if shown
                     else t("ledger.change_blank", field=field_label(name)))
    return "；".join(parts)


# --- running ------------------------------------------------------------------------------


def run_import(plan: LedgerPlan, services: Any, *,
               progress: Callable[[int, int], None] | None = None,
               dry_run: bool = False, fallback_dir: Path | None = None,
               update: bool = False) -> LedgerReport:
    """Insert the plan's cases; write the reject file (not on a dry run). ``update``: apply
    the changed rows to their cases (``core.ledger_update``).

    The cases are committed first; the reject file is written after, beside the ledger, or
    in ``fallback_dir`` (the data folder) when the ledger's folder cannot be written. A clean
    import removes an older reject file of the same ledger (its rows are in now)."""
    started = time.perf_counter()
    result = services.import_ledger_rows(plan.cases, plan.path.name, progress=progress,
                                         dry_run=dry_run, update=update)
    case_rows = [r for r in plan.rows if r.case is not None and r.duplicate_of is None]
    sources = {id(res): row for res, row in zip(result.rows, case_rows)}
    order = {id(r): i for i, r in enumerate(plan.rows)}
    reject_rows = [(r, r.reason or "") for r in plan.rejected] + \
        [(sources[id(res)], res.reason or "") for res in result.rows if res.status == "rejected"]
    reject_rows.sort(key=lambda x: order[id(x[0])])
    report = LedgerReport(plan, result, [(r.row_no, reason) for r, reason in reject_rows],
                          None, 0.0, reject_rows, sources=sources)
    if not dry_run:
        if reject_rows:
            try:
                report.reject_file = write_rejects(plan, reject_rows)
            except OSError as exc:
                report.reject_error = str(exc)
                if fallback_dir is not None:
                    try:
                        Path(fallback_dir).mkdir(parents=True, exist_ok=True)
                        report.reject_file = write_rejects(
                            plan, reject_rows, Path(fallback_dir) / plan.reject_path.name)
                    except OSError as again:
                        report.reject_error = str(again)
                    else:
                        report.reject_moved, report.reject_error = True, None
        elif plan.reject_path.exists():
            with contextlib.suppress(OSError):
                remove(plan.reject_path)
                report.reject_removed = plan.reject_path
    report.seconds = time.perf_counter() - started
    return report


def import_ledger(path: Path, services: Any, *, sheet: str | None = None,
                  mapping_path: Path | None = None, dry_run: bool = False,
                  progress: Callable[[int, int], None] | None = None,
                  fallback_dir: Path | None = None, update: bool = False) -> LedgerReport:
    started = time.perf_counter()
    plan = plan_ledger(path, services.today(), sheet=sheet, mapping_path=mapping_path)
    report = run_import(plan, services, progress=progress, dry_run=dry_run,
                        fallback_dir=fallback_dir, update=update)
    report.seconds = time.perf_counter() - started
    return report


def _cell(value: Any) -> Any:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def write_rejects(plan: LedgerPlan, rows: list[tuple[ParsedRow, str]],
                  target: Path | None = None) -> Path:
    """``<name>_未导入.xlsx``: the ledger's columns as read, plus 工作表 and 原因; written
    atomically. Sheets with the same columns share one worksheet; a workbook whose sheets
    differ gets one worksheet per sheet, so the file imports back as it is."""
    from openpyxl import Workbook

    target = Path(target) if target is not None else plan.reject_path
    groups: dict[tuple[str, ...], list[tuple[ParsedRow, str]]] = {}
    for row, reason in rows:
        groups.setdefault(tuple(plan.part_of(row).layout.headers), []).append((row, reason))
    wb = Workbook(write_only=True)
    used: set[str] = set()
    for headers, members in groups.items():
        sheets = {r.sheet for r, _ in members}
        title = ((members[0][0].sheet or "Sheet1") if len(sheets) == 1
                 else t("ledger.reject.sheet_title"))[:31]
        while title in used:
            title = title[:28] + f"({len(used)})"
        used.add(title)
        ws = wb.create_sheet(title=title)
        width = len(headers)
        ws.append([_cell(h) for h in headers]
                  + [t("ledger.reject.sheet_column"), t("ledger.reject.column")])
        for row, reason in members:
            values = list(row.values[:width]) + [None] * max(0, width - len(row.values))
            ws.append([_cell(v) for v in values] + [_cell(row.sheet or ""),
                      t("ledger.reject.reason", row=row.row_no, reason=reason)])
    with atomic_path(target) as tmp:
        wb.save(tmp)
    return target
