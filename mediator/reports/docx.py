"""Word (.docx) rendering of a report: the title, the short narrative, then the tables, on A4
landscape (the ledger layout is wide) with Chinese fonts named for WPS and Word.

Case lists longer than ``DOCX_LIST_LIMIT`` rows are cut with a note pointing to the xlsx:
a Word table of thousands of rows is neither readable nor quick to write.
"""

from __future__ import annotations

from pathlib import Path

from mediator.documents import docxkit
from mediator.i18n import t
from mediator.reports.model import Report, format_cell

DOCX_LIST_LIMIT = 300


def render(report: Report, path: Path) -> Path:
    doc = docxkit.new_document(landscape=True, body_size=14,
                               margins_cm=(2.5, 2.2, 2.5, 2.5))
    docxkit.title(doc, report.title, size=20)
    docxkit.para(doc, report.subtitle, indent=False, align="center", size=12,
                 font=docxkit.KAI)
    if not report.masked:
        docxkit.para(doc, t("report.unmasked_notice"), indent=False, size=10)
    if report.zero:
        docxkit.para(doc, t("report.zero_banner"), indent=False, align="center", size=16,
                     font=docxkit.HEI)
    for line in report.narrative:
        docxkit.para(doc, line, size=14)
    for n, table in enumerate(report.tables, start=1):
        docxkit.heading(doc, t("report.docx.table_heading", n=n, title=table.title), size=13)
        rows = table.rows
        note = table.note
        if len(rows) > DOCX_LIST_LIMIT:
            rows = rows[:DOCX_LIST_LIMIT]
            note = (note + " " if note else "") + t("report.docx.cut", shown=DOCX_LIST_LIMIT,
                                                   total=len(table.rows))
        text_rows = []
        for i, values in enumerate(rows):
            cells = [format_cell(c) for c in values]
            if i in table.sub_rows and cells:
                cells[0] = "  " + cells[0]
            text_rows.append(cells)
        widths = [max(1.2, min(6.0, c.width * 0.2)) for c in table.columns]
        docxkit.table(doc, [c.label for c in table.columns], text_rows, widths_cm=widths,
                      size=8 if len(table.columns) > 10 else 9,
                      bold_rows=(0,) if table.total_row else ())
        if note:
            docxkit.para(doc, note, indent=False, size=9)
    docxkit.para(doc, t("report.generated", office=report.office_name,
                        date=report.generated_on.isoformat()), indent=False, align="right",
                 size=12)
    return docxkit.save(doc, path)
