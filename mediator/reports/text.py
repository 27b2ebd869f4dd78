"""CSV, Markdown and JSON rendering of a report.

CSV is UTF-8 with a byte-order mark so Excel and WPS open Chinese text correctly, one block
per table (title line, header, rows, blank line). Text that a spreadsheet would run as a
formula (starting with = + - @) is prefixed with an apostrophe. JSON keeps numbers as numbers
(money in yuan, rates as ratios) and carries the raw figures.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from mediator.core.files import atomic_write
from mediator.i18n import t
from mediator.reports.model import Report, format_cell, json_cell


def _csv_text(cell: Any) -> str:
    value = format_cell(cell)
    if isinstance(cell, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def csv_text(report: Report) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([report.title])
    w.writerow([report.subtitle])
    if not report.masked:
        w.writerow([t("report.unmasked_notice")])
    for line in report.narrative:
        w.writerow([line])
    w.writerow([])
    for table in report.tables:
        w.writerow([table.title])
        w.writerow([c.label for c in table.columns])
        for values in table.rows:
            w.writerow([_csv_text(c) for c in values])
        if table.note:
            w.writerow([table.note])
        w.writerow([])
    return buf.getvalue()


def render_csv(report: Report, path: Path) -> Path:
    return atomic_write(Path(path), csv_text(report), encoding=ENCODINGS["csv"])


def _md_cell(cell: Any) -> str:
    return format_cell(cell).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def md_text(report: Report) -> str:
    out = [f"# {report.title}", "", report.subtitle, ""]
    if not report.masked:
        out += [f"> {t('report.unmasked_notice')}", ""]
    if report.zero:
        out += [f"**{t('report.zero_banner')}**", ""]
    for line in report.narrative:
        out += [line, ""]
    for table in report.tables:
        out += [f"## {table.title}", ""]
        out.append("| " + " | ".join(_md_cell(c.label) for c in table.columns) + " |")
        out.append("|" + "|".join("---" for _ in table.columns) + "|")
        for values in table.rows:
            out.append("| " + " | ".join(_md_cell(c) for c in values) + " |")
        if table.note:
            out += ["", table.note]
        out.append("")
    out.append(t("report.generated", office=report.office_name, date=report.generated_on.isoformat()))
    return "\n".join(out) + "\n"


def render_md(report: Report, path: Path) -> Path:
    return atomic_write(Path(path), md_text(report), encoding=ENCODINGS["md"])


def report_json(report: Report) -> dict[str, Any]:
    return {
        "kind": report.kind, "title": report.title, "subtitle": report.subtitle,
        "office": report.office_name, "period": report.period_label,
        "generated_on": report.generated_on.isoformat(), "masked": report.masked,
        "zero_report": report.zero, "narrative": report.narrative, "figures": report.figures,
        "tables": [{"key": tb.key, "title": tb.title,
                    "columns": [{"key": c.key, "label": c.label} for c in tb.columns],
                    "rows": [[json_cell(c) for c in row] for row in tb.rows],
                    "note": tb.note} for tb in report.tables],
    }


def json_text(report: Report) -> str:
    return json.dumps(report_json(report), ensure_ascii=False, indent=1) + "\n"


def render_json(report: Report, path: Path) -> Path:
    return atomic_write(Path(path), json_text(report), encoding=ENCODINGS["json"])


#: how each text format is encoded in a file (CSV with a byte-order mark, so that Excel and WPS
#: read it as UTF-8)
ENCODINGS = {"csv": "utf-8-sig", "md": "utf-8", "json": "utf-8"}
TEXTS = {"csv": csv_text, "md": md_text, "json": json_text}
