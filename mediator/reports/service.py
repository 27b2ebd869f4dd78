"""Building and writing a report in one call, for the CLI and the TUI. An unmasked report is
an explicit choice and is recorded in the audit trail (PIPL; domain.md §4)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from mediator.core import audit
from mediator.core.errors import ValidationError
from mediator.core.services import Services
from mediator.i18n import t
from mediator.reports import render, sent
from mediator.reports.build import ReportRequest, build
from mediator.reports.model import Report
from mediator.reports.sent import Drift

#: formats each kind of report can be written in
KIND_FORMATS = {
    "weekly": render.FORMATS, "monthly": render.FORMATS, "range": render.FORMATS,
    "ledger": ("xlsx", "csv", "md", "json", "docx"),
    "screening": render.FORMATS, "subsidy": render.FORMATS,
}


def export(services: Services, req: ReportRequest, fmt: str, path: Path | None = None,
           folder: Path | None = None,
           progress: Callable[[str], None] | None = None, *, channel: str = "file",
           on_drift: Callable[[Drift], None] | None = None) -> Path:
    """Compute, render and write one report; returns the file written. ``progress`` is told
    each step (``compute``, ``render``, ``done``) for a progress display. A report of figures
    is recorded as sent; when its figures differ from what was sent before, it is marked 更正
    with what changed and ``on_drift`` is told (to list the cases that changed them)."""
    _check_format(req, fmt)
    if progress:
        progress("compute")
    report = build(services.db, req, services.today())
    figures, cases, found = _compare(services, req, report)
    if found is not None and on_drift is not None:
        on_drift(found)
    if progress:
        progress("render")
    if req.masked and figures is None:
        written = render.write(report, fmt, path, folder)
    else:
        # the file, its audit entry and its record as sent stand or fall together
        with services.db.write() as s:
            written = render.write(report, fmt, path, folder)
            try:
                if not req.masked:
                    _audit_unmasked(s, services, req, fmt, str(written))
                if figures is not None:
                    sent.record(s, req, figures, cases, channel, str(written), services.operator,
                                found is not None)
            except BaseException:
                written.unlink(missing_ok=True)
                raise
    if progress:
        progress("done")
    return written


def export_text(services: Services, req: ReportRequest, fmt: str, *,
                on_drift: Callable[[Drift], None] | None = None) -> str:
    """The report as text (md, csv, json) for standard output (``-o -``)."""
    _check_format(req, fmt)
    report = build(services.db, req, services.today())
    figures, cases, found = _compare(services, req, report)
    if found is not None and on_drift is not None:
        on_drift(found)
    text = render.as_text(report, fmt)
    if not req.masked or figures is not None:
        with services.db.write() as s:
            if not req.masked:
                _audit_unmasked(s, services, req, fmt, "-")
            if figures is not None:
                sent.record(s, req, figures, cases, "stdout", None, services.operator,
                            found is not None)
    return text


def _compare(services: Services, req: ReportRequest, report: Report
             ) -> tuple[dict[str, Any] | None, dict[str, dict[str, int]], Drift | None]:
    """For a report of figures: its figures, each case's share, and how they differ from what
    was sent before (the report then marked 更正 with what changed)."""
    if req.kind not in sent.FIGURE_KINDS or not report.figures:
        return None, {}, None
    figures = dict(report.figures["current"])
    found, cases = sent.drift(services.db, req, figures, services.today())
    if found is not None:
        report.title = t("report.sent.corrected_title", title=report.title)
        report.narrative.insert(0, t("report.sent.corrected_line",
                                     sent_at=sent.local_time(found.sent.sent_at),
                                     changes=found.changes_text()))
    return figures, cases, found


def _check_format(req: ReportRequest, fmt: str) -> None:
    if fmt not in KIND_FORMATS.get(req.kind, ()):
        raise ValidationError(t("report.err.format_for_kind", kind=req.kind, fmt=fmt,
                                formats="/".join(KIND_FORMATS.get(req.kind, ()))), "format")


def _audit_unmasked(s: Any, services: Services, req: ReportRequest, fmt: str,
                    path: str) -> None:
    audit.append(s, services.operator, "report.unmasked", "report", None, None,
                 {"kind": req.kind, "period": req.period.label, "format": fmt,
                  "offices": list(req.offices) if req.offices else None, "path": path})


def known_offices(services: Services, codes: Sequence[str] | None) -> tuple[str, ...] | None:
    """``--office CODE ...`` checked: each code names an office of this database or an area
    holding its cases (a county code takes in every township under it). None: every case."""
    if not codes:
        return None
    from sqlalchemy import text

    from mediator.core.validate import normalise, office_area_prefix

    out = []
    with services.db.read() as s:
        for raw in codes:
            code = normalise(raw)
            prefix = office_area_prefix(code)
            hit = s.exec(text(  # type: ignore[call-overload]
                "SELECT 1 FROM office WHERE deleted = 0 AND code LIKE :p "
                "UNION SELECT 1 FROM dispute_case WHERE owner_code LIKE :p LIMIT 1"),
                params={"p": prefix + "%"}).first()
            if hit is None:
                raise ValidationError(t("report.err.office", value=code), "office")
            out.append(code)
    return tuple(out)
