"""The notices issue 25 adds (point 5): 不予受理告知书 (to the applicant: the reason and where
to go instead) and 委托调解结果告知函 (to the body that referred the case: the result).

Each lays out every element with a blank line to fill by hand when the record lacks it, like
the other forms (``documents.forms``)."""

from __future__ import annotations

from docx.document import Document

from mediator.core.enums import (
    AgreementForm,
    DisputeType,
    Outcome,
    PartyRole,
    ReferralKind,
    Route,
)
from mediator.core.errors import DomainError
from mediator.core.inputs import CaseFile
from mediator.core.models import Office
from mediator.documents import docxkit
from mediator.documents.forms import BLANK, BODY, cn_date
from mediator.i18n import t


def refusal_document(cf: CaseFile, office: Office) -> Document:
    """不予受理告知书: to the applicants, the reason and the routes or body they were told of."""
    case = cf.case
    if case.outcome != Outcome.REFUSED.name:
        raise DomainError(t("doc.err.not_refused", case=case.case_no))
    doc = docxkit.new_document()
    docxkit.title(doc, t("doc.refusal.title"))
    docxkit.para(doc, t("doc.refusal.no", case_no=case.case_no), indent=False, align="right",
                 size=BODY)
    applicants = "、".join(p.name for p in cf.parties if p.role == PartyRole.APPLICANT.name)
    docxkit.para(doc, t("doc.refusal.to", names=applicants or BLANK), indent=False, size=BODY)
    docxkit.para(doc, t("doc.refusal.body", date=cn_date(case.registered_on),
                        type=DisputeType(case.dispute_type).label,
                        reason=case.refusal_reason or BLANK), size=BODY)
    routes = "、".join(Route(r).label for r in (case.routes_told or "").split(",") if r)
    if routes:
        docxkit.para(doc, t("doc.refusal.routes", routes=routes), size=BODY)
    if case.transfer_to:
        docxkit.para(doc, t("doc.refusal.body_named", body=case.transfer_to), size=BODY)
    docxkit.para(doc, t("doc.refusal.law"), size=BODY)
    docxkit.para(doc, t("doc.sign.seal", office=office.name), indent=False, align="right",
                 size=BODY)
    docxkit.para(doc, cn_date(case.concluded_on), indent=False, align="right", size=BODY)
    return doc


def referral_result_document(cf: CaseFile, office: Office) -> Document:
    """委托调解结果告知函: to the referring body, the case it referred and how it ended."""
    case = cf.case
    if not case.referral_kind:
        raise DomainError(t("referral.none", case=case.case_no))
    if not case.outcome:
        raise DomainError(t("referral.no_result", case=case.case_no))
    kind = ReferralKind(case.referral_kind)
    doc = docxkit.new_document()
    docxkit.title(doc, t("doc.referral.title"))
    docxkit.para(doc, t("doc.refusal.no", case_no=case.case_no), indent=False, align="right",
                 size=BODY)
    docxkit.para(doc, t("doc.refusal.to", names=case.referral_body or BLANK), indent=False,
                 size=BODY)
    docxkit.para(doc, t("doc.referral.body", date=cn_date(case.referral_on) if case.referral_on
                        else BLANK, kind=kind.label, number=case.referral_no or BLANK,
                        parties="与".join(p.name for p in cf.parties) or BLANK,
                        type=DisputeType(case.dispute_type).label,
                        accepted=cn_date(case.accepted_on) if case.accepted_on else BLANK),
                 size=BODY)
    outcome = Outcome(case.outcome)
    result = t(f"doc.referral.outcome.{outcome.name}", date=cn_date(case.concluded_on))
    if outcome is Outcome.AGREEMENT and cf.agreement is not None:
        result += t("doc.referral.agreement", form=AgreementForm(cf.agreement.form).label)
    docxkit.para(doc, result, size=BODY)
    if case.referral_result:
        docxkit.para(doc, t("doc.referral.note", text=case.referral_result), size=BODY)
    docxkit.para(doc, t("doc.referral.closing"), size=BODY)
    docxkit.para(doc, t("doc.sign.seal", office=office.name), indent=False, align="right",
                 size=BODY)
    docxkit.para(doc, cn_date(case.referral_feedback_on or case.concluded_on), indent=False,
                 align="right", size=BODY)
    return doc


def petition_reply_document(cf: CaseFile, office: Office) -> Document:
    """信访事项书面答复 (draft): to the petitioners, the matter as received and accepted, the
    answer, and the 复查 route (信访工作条例 第三十五条)."""
    case, p = cf.case, cf.petition
    if p is None:
        raise DomainError(t("petition.none", case=case.case_no))
    doc = docxkit.new_document()
    docxkit.title(doc, t("doc.petition_reply.title"))
    docxkit.para(doc, t("doc.refusal.no", case_no=p.petition_no or case.case_no), indent=False,
                 align="right", size=BODY)
    applicants = "、".join(x.name for x in cf.parties if x.role == PartyRole.APPLICANT.name)
    docxkit.para(doc, t("doc.refusal.to", names=applicants or BLANK), indent=False, size=BODY)
    docxkit.para(doc, t("doc.petition_reply.body", received=cn_date(p.received_on),
                        body=p.from_body or BLANK, type=DisputeType(case.dispute_type).label,
                        accepted=cn_date(p.accepted_on) if p.accepted_on else BLANK),
                 size=BODY)
    docxkit.para(doc, t("doc.petition_reply.answer", text=p.reply_content or BLANK), size=BODY)
    docxkit.para(doc, t("doc.petition_reply.review"), size=BODY)
    docxkit.para(doc, t("doc.sign.seal", office=office.name), indent=False, align="right",
                 size=BODY)
    docxkit.para(doc, cn_date(p.reply_on) if p.reply_on else BLANK, indent=False, align="right",
                 size=BODY)
    return doc
