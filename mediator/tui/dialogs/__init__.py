"""Modal dialogs of the case file: one per action, each validating before it writes.

``ACTION_DIALOGS`` maps an action key (a :class:`mediator.core.rules.Action` name, or
``COMPLETE_FOLLOW_UP``) to its dialog class; :func:`available_actions` lists the keys a case
offers right now (legal in its state, and with something to act on).
"""

from __future__ import annotations

from mediator.core.enums import AgreementForm, JudicialResult
from mediator.core.rules import Action
from mediator.core.services import CaseFile
from mediator.tui.dialogs.agreement import (
    AgreementDialog,
    JudicialApplyDialog,
    JudicialResultDialog,
    PutInWritingDialog,
    RecordPerformanceDialog,
)
from mediator.tui.dialogs.case_actions import (
    AcceptDialog,
    AdviseSuitDialog,
    ArchiveDialog,
    CaseDialog,
    CompletePerformanceDialog,
    ExtendDialog,
    NoteDialog,
    NoticeDialog,
    RefuseDialog,
    RemediateDialog,
    SessionDialog,
    TerminateDialog,
    TransferDialog,
    UrgeDialog,
    WithdrawDialog,
)
from mediator.tui.dialogs.edit import EditCaseDialog, PartyDialog
from mediator.tui.dialogs.follow_up import CompleteFollowUpDialog, ScheduleFollowUpDialog
from mediator.tui.dialogs.petition import CONSENT, ConsentDialog
from mediator.tui.dialogs.petition import DIALOGS as PETITION_DIALOGS
from mediator.tui.dialogs.petition import label as petition_label
from mediator.tui.dialogs.petition import offered as petition_offered

COMPLETE_FOLLOW_UP = "COMPLETE_FOLLOW_UP"

ACTION_DIALOGS: dict[str, type[CaseDialog]] = {
    Action.ACCEPT.name: AcceptDialog,
    Action.REFUSE.name: RefuseDialog,
    Action.NOTICE.name: NoticeDialog,
    Action.SESSION.name: SessionDialog,
    Action.EXTEND.name: ExtendDialog,
    Action.AGREE.name: AgreementDialog,
    Action.TERMINATE.name: TerminateDialog,
    Action.RECORD_PERFORMANCE.name: RecordPerformanceDialog,
    Action.COMPLETE_PERFORMANCE.name: CompletePerformanceDialog,
    Action.URGE.name: UrgeDialog,
    Action.REMEDIATE.name: RemediateDialog,
    Action.ADVISE_SUIT.name: AdviseSuitDialog,
    Action.JUDICIAL_APPLY.name: JudicialApplyDialog,
    Action.JUDICIAL_RESULT.name: JudicialResultDialog,
    Action.PUT_IN_WRITING.name: PutInWritingDialog,
    Action.SCHEDULE_FOLLOW_UP.name: ScheduleFollowUpDialog,
    COMPLETE_FOLLOW_UP: CompleteFollowUpDialog,
    Action.TRANSFER.name: TransferDialog,
    Action.WITHDRAW.name: WithdrawDialog,
    Action.NOTE.name: NoteDialog,
    Action.EDIT.name: EditCaseDialog,
    Action.ARCHIVE.name: ArchiveDialog,
    # 信访件 (core/petition.py): offered by what the petition record holds, not the state
    **PETITION_DIALOGS,
    # 当事人意愿 before 受理 (人民调解法 §17)
    CONSENT: ConsentDialog,
}

#: the order a case file offers its actions in (most frequent work first)
ORDER = list(ACTION_DIALOGS)


def available_actions(cf: CaseFile) -> list[str]:
    """Action keys to offer: legal in the case's state and with something to act on."""
    if cf.read_only:
        return []
    legal = {a.name for a in cf.legal_actions}
    ag = cf.agreement
    out = []
    petition = petition_offered(cf)
    for key in ORDER:
        if key in PETITION_DIALOGS:
            if key in petition:
                out.append(key)
            continue
        if key == CONSENT:
            if Action.ACCEPT.name in legal and cf.parties:
                out.append(key)
            continue
        if key == COMPLETE_FOLLOW_UP:
            if any(f.done_on is None for f in cf.follow_ups):
                out.append(key)
            continue
        if key not in legal:
            continue
        if key == Action.RECORD_PERFORMANCE.name and not any(
            o.performed_on is None for o in cf.obligations
        ):
            continue
        if key == Action.JUDICIAL_APPLY.name and (ag is None or ag.judicial_status is not None):
            continue
        if key == Action.PUT_IN_WRITING.name and (
            ag is None or ag.form != AgreementForm.ORAL.name
        ):
            continue
        if key == Action.JUDICIAL_RESULT.name and (
            ag is None or ag.judicial_status != JudicialResult.APPLIED.name
        ):
            continue
        out.append(key)
    return out


def action_label(key: str) -> str:
    from mediator.i18n import t

    if key == COMPLETE_FOLLOW_UP:
        return t("casefile.action.COMPLETE_FOLLOW_UP")
    if key in PETITION_DIALOGS:
        return petition_label(key)
    if key == CONSENT:
        return t("casefile.action.CONSENT")
    return Action[key].label


__all__ = [
    "ACTION_DIALOGS",
    "COMPLETE_FOLLOW_UP",
    "PartyDialog",
    "action_label",
    "available_actions",
]
