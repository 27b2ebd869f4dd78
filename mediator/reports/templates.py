"""County report templates (issue 24, point 4).

A county describes its own form — sections and rows, each row an indicator with its label and
unit (件 / 人 / 次 / 个 / % / 万元) — in a small TOML file it hands to its townships;
``mediator report weekly|monthly --template FILE`` fills it from the figures the report
computed anyway (``stats``: the one place figures are defined), as the report's first table.
A template naming an indicator mediator does not know is refused with the list of known ones.
The ministry-style layout ships as ``county_templates/default.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from mediator.core.errors import ValidationError
from mediator.i18n import t

UNITS = ("件", "人", "次", "个", "%", "元", "万元", "")
MAX_ROWS = 500


@dataclass(frozen=True)
class TemplateRow:
    indicator: str
    label: str
    unit: str


@dataclass(frozen=True)
class Section:
    title: str
    rows: tuple[TemplateRow, ...]


@dataclass(frozen=True)
class Template:
    title: str
    sections: tuple[Section, ...]
    source: str = ""


def known_indicators() -> tuple[str, ...]:
    """Every indicator a template may name: the case figures, the 排查/防止 figures, the county
    form's figures, and the two rates (success rate on the configured basis, 履行率)."""
    from mediator.reports.stats import COUNTY_FIGURES, FIGURES, SCREENING_FIGURES

    return (tuple(f.key for f in FIGURES) + tuple(f.key for f in SCREENING_FIGURES)
            + tuple(f.key for f in COUNTY_FIGURES) + ("success_rate_on_basis", "performance_rate"))


def default_template() -> Template:
    text = resources.files("mediator.reports").joinpath("county_templates/default.toml").read_text(
        encoding="utf-8")
    return parse_template(text, "default.toml")


def load_template(path: Path) -> Template:
    """A template file, checked: refused with a clear message when it cannot be read, is not
    TOML, or names an unknown indicator or unit."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValidationError(t("tpl.unreadable", path=str(path), error=str(exc)), "template") from exc
    return parse_template(text, Path(path).name)


def parse_template(text: str, source: str) -> Template:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(t("tpl.not_toml", name=source, error=str(exc)), "template") from exc
    known = set(known_indicators())
    sections_raw = data.get("section")
    if not isinstance(sections_raw, list) or not sections_raw:
        raise ValidationError(t("tpl.no_sections", name=source), "template")
    sections: list[Section] = []
    count = 0
    for i, sec in enumerate(sections_raw, start=1):
        rows_raw = sec.get("rows") if isinstance(sec, dict) else None
        if not isinstance(rows_raw, list):
            raise ValidationError(t("tpl.bad_section", name=source, n=i), "template")
        rows: list[TemplateRow] = []
        for row in rows_raw:
            count += 1
            if not isinstance(row, dict) or not isinstance(row.get("indicator"), str):
                raise ValidationError(t("tpl.bad_row", name=source, n=count), "template")
            indicator = row["indicator"].strip()
            if indicator not in known:
                raise ValidationError(t("tpl.unknown_indicator", name=source, indicator=indicator,
                                        n=count), "template")
            unit = str(row.get("unit", "")).strip()
            if unit not in UNITS:
                raise ValidationError(t("tpl.bad_unit", name=source, unit=unit, n=count,
                                        units=" / ".join(u for u in UNITS if u)), "template")
            label = str(row.get("label") or t(f"fig.{indicator}")).strip()
            rows.append(TemplateRow(indicator, label, unit))
        if count > MAX_ROWS:
            raise ValidationError(t("tpl.too_many", name=source, limit=MAX_ROWS), "template")
        sections.append(Section(str(sec.get("title", "")).strip(), tuple(rows)))
    return Template(str(data.get("title") or t("tpl.default_title")).strip(), tuple(sections),
                    source)


def _value(values: dict[str, Any], row: TemplateRow) -> Any:
    value = values.get(row.indicator)
    if value is None:
        return None
    if row.unit == "%":
        return round(float(value) * 100, 1)
    if row.indicator == "amount_fen":
        return round(int(value) / (1_000_000 if row.unit == "万元" else 100), 2)
    return value


def fill(template: Template, figures: dict[str, Any]) -> Any:
    """The template as a report table, from a summary report's figures (its JSON: the case
    figures, the 排查 part and the county part)."""
    from mediator.reports.model import Column, Table

    values: dict[str, Any] = dict(figures.get("current") or {})
    screening = dict(figures.get("screening") or {})
    values.update({k: v for k, v in screening.items() if not isinstance(v, (list, dict))})
    values.update(screening.get("county") or {})
    table = Table("template", template.title, [
        Column("item", t("tpl.col.item"), 30), Column("unit", t("tpl.col.unit"), 6),
        Column("value", t("tpl.col.value"), 12)])
    table.note = t("tpl.note", source=template.source)
    for section in template.sections:
        if section.title:
            table.rows.append([section.title, "", ""])
        for row in section.rows:
            table.rows.append([row.label, row.unit, _value(values, row)])
    return table
