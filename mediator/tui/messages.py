"""Messages shared by the screens of the terminal UI.

A screen that changed the database posts :class:`CasesChanged` to the app
(``self.app.post_message(CasesChanged())``); the app hands it to the case list and the agenda,
which reload in their thread workers. Nothing else needs to know who changed what.
"""

from __future__ import annotations

from textual.message import Message


class CasesChanged(Message):
    """Something in the database changed: case lists, counts and the agenda must reload.

    ``case_id`` names the case concerned when there is one (the list keeps its cursor there).
    """

    def __init__(self, case_id: str | None = None) -> None:
        super().__init__()
        self.case_id = case_id

    def can_replace(self, message: Message) -> bool:
        # several changes in a row need one reload, not one each
        return isinstance(message, CasesChanged)


class OfficeReady(Message):
    """The database now has an office (first start finished, or the demo database opened)."""
