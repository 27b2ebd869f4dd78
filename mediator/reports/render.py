"""One entry point for writing a report in any format."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from mediator.core.errors import ValidationError
from mediator.core.files import writable_or_raise
from mediator.i18n import t
from mediator.reports.model import Report

FORMATS = ("xlsx", "docx", "md", "csv", "json")


def _renderer(fmt: str) -> Callable[[Report, Path], Path]:
    if fmt == "xlsx":
        from mediator.reports.xlsx import render
        return render
    if fmt == "docx":
        from mediator.reports.docx import render as render_docx
        return render_docx
    from mediator.reports import text
    return {"md": text.render_md, "csv": text.render_csv, "json": text.render_json}[fmt]


def write(report: Report, fmt: str, path: Path | None = None, folder: Path | None = None) -> Path:
    """Write ``report`` as ``fmt`` to ``path`` (default: its standard name in ``folder`` or the
    current folder). Returns the path written."""
    if fmt not in FORMATS:
        raise ValidationError(t("report.err.format", value=fmt, formats="/".join(FORMATS)), "format")
    if path is None:
        path = (folder or Path.cwd()) / f"{report.name}.{fmt}"
    path = Path(path)
    if path.is_dir():
        path = path / f"{report.name}.{fmt}"
    # refused now rather than after the rendering: a report still open in WPS
    writable_or_raise(path)
    return _renderer(fmt)(report, path)


def as_text(report: Report, fmt: str) -> str:
    """The report as text, for ``-o -`` (md, csv, json)."""
    from mediator.reports import text

    if fmt not in text.TEXTS:
        raise ValidationError(t("report.err.stdout_format", fmt=fmt), "format")
    return text.TEXTS[fmt](report)
