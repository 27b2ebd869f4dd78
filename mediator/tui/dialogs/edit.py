"""修改信息: the details of a case, and its parties (add, change, remove).

Only what was changed is sent to ``Services.edit_case``, so the timeline says which fields
changed and the audit trail holds the before/after of exactly those.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.message import Message

from mediator.core.enums import PartyRole
from mediator.core.models import Party
from mediator.core.rules import Action
from mediator.core.services import CaseFile, Outcome, Services
from mediator.i18n import t
from mediator.tui.dialogs.case_actions import CaseDialog
from mediator.tui.widgets.case_details import CaseDetailsForm, References, load_references
from mediator.tui.widgets.party_editor import PartyEditor
from mediator.tui.work import WorkFailed, post_result

_ENUM_FIELDS = ("dispute_type", "source", "risk_grade", "petition_channel", "referral_kind")


class EditCaseDialog(CaseDialog):
    action = Action.EDIT

    DEFAULT_CSS = (
        CaseDialog.DEFAULT_CSS.replace("FormDialog", "EditCaseDialog")
        + """
    EditCaseDialog > #dialog { width: 96; }
    """
    )

    def form(self) -> ComposeResult:
        yield CaseDetailsForm(self.today, with_registered_on=False, id="details")

    def on_mount(self) -> None:
        details = self.query_one("#details", CaseDetailsForm)
        details.load(details.from_case(self.cf.case))
        self._load_references()  # (Textual runs FormDialog.on_mount too: it focuses a field)

    class ReferencesLoaded(Message):
        def __init__(self, refs: References) -> None:
            super().__init__()
            self.refs = refs

    @work(thread=True, exclusive=True, exit_on_error=False, group="edit-refs")
    def _load_references(self) -> None:
        post_result(self, "edit-refs",
                    lambda: load_references(self.services, include_inactive=True),
                    self.ReferencesLoaded)

    def on_edit_case_dialog_references_loaded(self, message: ReferencesLoaded) -> None:
        details = self.query_one("#details", CaseDetailsForm)
        self.program_change(lambda: details.set_references(message.refs))

    def on_work_failed(self, message: WorkFailed) -> None:
        # Textual also calls FormDialog's handler (every class in the MRO gets the message),
        # which deals with the submit worker only
        if message.group == "edit-refs":
            message.stop()
            self.show_error(message.error)

    def changes(self) -> dict[str, Any]:
        parsed = self.query_one("#details", CaseDetailsForm).parse()
        case = self.cf.case
        out: dict[str, Any] = {}
        for key, value in parsed.items():
            if key not in Services.EDITABLE:
                continue
            if key in _ENUM_FIELDS:
                value = value.name if value is not None else None
            current = getattr(case, key)
            if key == "persons_involved" and value is None:
                value = current
            if key in ("facts", "requests") and value.strip() == (current or "").strip():
                continue
            if value != current:
                out[key] = value
        return out

    def build(self) -> Callable[[], Outcome | None]:
        changes = self.changes()
        if not changes:
            return lambda: None
        return lambda: self.services.edit_case(self.case_id, **changes)


class PartyDialog(CaseDialog):
    """Add a party to the case, or change one (``party`` given)."""

    action = Action.EDIT

    def __init__(self, cf: CaseFile, party: Party | None = None) -> None:
        self.party = party
        self.action_title = t("casefile.party_edit") if party else t("casefile.party_add")
        super().__init__(cf)

    def form(self) -> ComposeResult:
        p = self.party
        data = None
        if p is not None:
            data = {
                "role": p.role,
                "kind": p.kind,
                "name": p.name,
                "id_number": p.id_number or p.org_code or "",
                "phone": p.phone or "",
                "address": p.address or "",
            }
        yield PartyEditor(0, data, role=PartyRole.RESPONDENT, id="party")

    def on_mount(self) -> None:
        editor = self.query_one("#party", PartyEditor)
        editor.set_removable(False)
        editor.focus_name()

    def build(self) -> Callable[[], Outcome]:
        data = self.query_one("#party", PartyEditor).to_input()
        if self.party is not None:
            pid = self.party.id
            return lambda: self.services.update_party(pid, data)
        return lambda: self.services.add_party(self.case_id, data)
