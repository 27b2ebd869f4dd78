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
import os
from pathlib import Path
from typing import Any

from mediator.i18n import t
from mediator.reports.model import Report, format_cell, json_cell


def _atomic_write(path: Path, data: str, encoding: str = "utf-8") -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.partial{path.suffix}")
    with open(tmp, "w", encoding=encoding, newline="") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return path


def _csv_text(cell: Any) -> str:
    value = format_cell(cell)
    if isinstance(cell, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def render_csv(report: Report, path: Path) -> Path:
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
    return _atomic_write(path, buf.getvalue(), encoding="utf-8-sig")


def _md_cell(cell: Any) -> str:
    return format_cell(cell).replace("|", "\\|").replace("\r", "").replace("\n", "<br>")


def render_md(report: Report, path: Path) -> Path:
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
    return _atomic_write(path, "\n".join(out) + "\n")


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


def render_json(report: Report, path: Path) -> Path:
    return _atomic_write(path, json.dumps(report_json(report), ensure_ascii=False, indent=1) + "\n")
