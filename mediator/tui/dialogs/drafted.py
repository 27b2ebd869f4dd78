"""Drafts of the case-file dialogs (issue 18: 调解记录, 备注, 达成协议 … kept nothing typed when
the program or the computer stopped; only 登记 did).

While the clerk types, the dialog's fields are written half a second after the last key to
``drafts/dialog_<Dialog>_<case id>.json`` (the same atomic store as 登记's draft). The next time
the same dialog opens on the same case, the question 恢复 / 丢弃 comes first (恢复 is what Enter
gives). A draft goes when its dialog is saved, or left with its text discarded. Fields are
kept by widget id; rows added in the dialog (instalments) are not part of a draft.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

from textual import on, work
from textual.widgets import TextArea

from mediator.core.errors import MediatorError
from mediator.i18n import t
from mediator.tui.dialogs.base import ConfirmDialog, FormDialog
from mediator.tui.drafts import DraftStore, drafts_folder
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.select import Select

#: seconds after the last key before the draft is written
DRAFT_DELAY = 0.5
R = TypeVar("R")


class DraftedDialog(FormDialog[R]):
    """A FormDialog on one case (``case_id``) whose typed fields are kept as a draft."""

    case_id: str
    _draft_pristine: dict[str, Any] | None = None
    _draft_timer: Any = None
    _draft_closed = False

    def _capture_pristine(self) -> None:
        super()._capture_pristine()
        if self._draft_pristine is None:
            self.offer_draft()

    def program_change(self, change: Callable[[], None]) -> None:
        clean = self._draft_pristine is None or self.draft_values() == self._draft_pristine
        super().program_change(change)
        if clean and self._draft_pristine is not None:
            self.call_after_refresh(self._recapture_draft_pristine)

    def _recapture_draft_pristine(self) -> None:
        self._draft_pristine = self.draft_values()

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Checkbox.Changed)
    @on(Select.Changed)
    def _edited_for_draft(self) -> None:
        self.draft_edited()

    def dismiss(self, result: Any = None) -> Any:
        # saved (a result) or left with its text discarded: the draft has done its work
        self.close_draft()
        return super().dismiss(result)

    # --- the fields ------------------------------------------------------------------------

    def draft_name(self) -> str:
        return f"dialog_{type(self).__name__}_{self.case_id}"

    def draft_values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for w in self.query("#dialog-body *"):
            if not w.id or w.has_class("instalment") or any(
                    a.has_class("instalment") for a in w.ancestors):
                continue
            if isinstance(w, TextArea):
                values[w.id] = w.text
            elif isinstance(w, Checkbox):
                values[w.id] = bool(w.value)
            elif isinstance(w, Select):
                values[w.id] = None if w.value is Select.NULL else str(w.value)
            elif isinstance(w, Input):
                values[w.id] = w.value
        return values

    def restore_values(self, values: dict[str, Any]) -> None:
        widgets = {w.id: w for w in self.query("#dialog-body *") if w.id}
        for wid, value in values.items():
            w = widgets.get(wid) if isinstance(wid, str) else None
            if w is None:
                continue
            if isinstance(w, TextArea) and isinstance(value, str):
                w.text = value
            elif isinstance(w, Checkbox) and isinstance(value, bool):
                w.value = value
            elif isinstance(w, Select):
                if value is None:
                    continue
                if any(v == value for _, v in w._options):
                    w.value = value
            elif isinstance(w, Input) and isinstance(value, str):
                w.value = value

    # --- the store -------------------------------------------------------------------------

    @property
    def _drafts(self) -> DraftStore:
        return DraftStore(drafts_folder(self.paths.data))

    def offer_draft(self) -> None:
        """Called once the dialog shows what it starts with: a draft of it is offered back."""
        self._draft_lock = threading.Lock()
        self._draft_pristine = self.draft_values()
        try:
            draft = self._drafts.load(self.draft_name())
        except (OSError, ValueError):
            draft = None
        if draft is None or not draft.form or draft.form == self._draft_pristine:
            return
        when = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")

        def answered(restore: bool | None) -> None:
            if restore:
                self.restore_values(draft.form)
            else:
                self._delete_draft()

        self.app.push_screen(
            ConfirmDialog(t("intake.draft_title"), t("intake.draft_message", when=when),
                          t("intake.draft_restore"), t("intake.draft_discard"), safe=True),
            answered)

    def draft_edited(self) -> None:
        """A field changed: the draft is written once the typing pauses."""
        if self._draft_pristine is None or self._draft_closed:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self.save_draft_now)

    def save_draft_now(self) -> None:
        if self._draft_closed or self._draft_pristine is None:
            return
        values = self.draft_values()
        if values == self._draft_pristine:
            return
        self._write_draft(values)

    @work(thread=True, exclusive=True, exit_on_error=False, group="dialog-draft")
    def _write_draft(self, values: dict[str, Any]) -> None:
        with self._draft_lock:
            if not self._draft_closed:
                self._drafts.save(self.draft_name(), values)

    def _delete_draft(self) -> None:
        lock = getattr(self, "_draft_lock", None) or threading.Lock()
        with lock:
            try:
                self._drafts.delete(self.draft_name())
            except (OSError, MediatorError):
                pass  # a draft that cannot be removed is offered again: nothing is lost

    def close_draft(self) -> None:
        """The dialog is saved or its text discarded: no draft is kept or written."""
        if self._draft_timer is not None:
            self._draft_timer.stop()
        lock = getattr(self, "_draft_lock", None) or threading.Lock()
        with lock:
            self._draft_closed = True
        self._delete_draft()
