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
from mediator.reports import render
from mediator.reports.build import ReportRequest, build

#: formats each kind of report can be written in
KIND_FORMATS = {
    "weekly": render.FORMATS, "monthly": render.FORMATS, "range": render.FORMATS,
    "ledger": ("xlsx", "csv", "md", "json", "docx"),
    "screening": render.FORMATS, "subsidy": render.FORMATS,
}


def export(services: Services, req: ReportRequest, fmt: str, path: Path | None = None,
           folder: Path | None = None,
           progress: Callable[[str], None] | None = None) -> Path:
    """Compute, render and write one report; returns the file written. ``progress`` is told
    each step (``compute``, ``render``, ``done``) for a progress display."""
    _check_format(req, fmt)
    if progress:
        progress("compute")
    report = build(services.db, req, services.today())
    if progress:
        progress("render")
    if req.masked:
        written = render.write(report, fmt, path, folder)
    else:
        # the file and its audit entry stand or fall together
        with services.db.write() as s:
            written = render.write(report, fmt, path, folder)
            try:
                _audit_unmasked(s, services, req, fmt, str(written))
            except BaseException:
                written.unlink(missing_ok=True)
                raise
    if progress:
        progress("done")
    return written


def export_text(services: Services, req: ReportRequest, fmt: str) -> str:
    """The report as text (md, csv, json) for standard output (``-o -``)."""
    _check_format(req, fmt)
    report = build(services.db, req, services.today())
    text = render.as_text(report, fmt)
    if not req.masked:
        with services.db.write() as s:
            _audit_unmasked(s, services, req, fmt, "-")
    return text


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
