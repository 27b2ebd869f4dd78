"""Generating a case document: find the case, load its file, lay the document out, write it
atomically and record in the audit trail who printed what (the document carries personal
information in full)."""

from __future__ import annotations

from pathlib import Path

from mediator.core import audit
from mediator.core.errors import DomainError, ValidationError
from mediator.core.files import safe_filename
from mediator.core.services import Services
from mediator.documents import docxkit, forms, notices
from mediator.documents.completeness import check_case
from mediator.i18n import t

DOC_KINDS = ("agreement", "record", "register", "casefile", "refusal", "referral_result",
             "petition_reply")


def default_name(kind: str, case_no: str, session_no: int | None = None) -> str:
    name = t(f"doc.file.{kind}", case_no=case_no)
    if kind == "record" and session_no:
        name = t("doc.file.record_n", case_no=case_no, n=session_no)
    return safe_filename(name + ".docx")


def generate(services: Services, kind: str, case_ref: str, path: Path | None = None,
             session_no: int | None = None, folder: Path | None = None) -> Path:
    """Write document ``kind`` for the case numbered (or with id) ``case_ref``."""
    if kind not in DOC_KINDS:
        raise ValidationError(t("doc.err.kind", kind=kind, kinds="/".join(DOC_KINDS)), "kind")
    case = services.find_case(case_ref)
    cf = services.case_file(case.id)
    office = services.office()
    if office is None:
        raise DomainError(t("svc.no_office"))
    if kind == "agreement":
        doc = forms.agreement_document(cf, office)
    elif kind == "record":
        doc = forms.record_document(cf, office, session_no)
        session_no = session_no or len(forms.sessions(cf))
    elif kind == "register":
        doc = forms.register_document(cf, office)
    elif kind == "refusal":  # 不予受理告知书 (issue 25)
        doc = notices.refusal_document(cf, office)
    elif kind == "referral_result":  # 委托调解结果告知函 (issue 25)
        doc = notices.referral_result_document(cf, office)
    elif kind == "petition_reply":  # 信访事项书面答复 (issue 25)
        doc = notices.petition_reply_document(cf, office)
    else:
        doc = forms.casefile_document(cf, office, check_case(services.db, case.id, services.today()))
    if path is None:
        path = (folder or Path.cwd()) / default_name(kind, case.case_no, session_no)
    elif Path(path).is_dir():
        path = Path(path) / default_name(kind, case.case_no, session_no)
    # the file and its audit entry stand or fall together
    with services.db.write() as s:
        written = docxkit.save(doc, Path(path))
        try:
            audit.append(s, services.operator, "document.generate", "case", case.id, None,
                         {"kind": kind, "case_no": case.case_no, "session": session_no,
                          "path": str(written)})
        except BaseException:
            written.unlink(missing_ok=True)
            raise
    return written
