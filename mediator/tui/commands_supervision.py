"""督办台账 in the command palette (issue 22), offered at an office above townships (a county).
Kept apart from the screen so the app's start does not load the screen's module."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from mediator.i18n import t
from mediator.tui.base import MediatorNode


class SupervisionCommands(MediatorNode, Provider):
    """督办台账 in the command palette, at an office above townships (a county)."""

    async def _county(self) -> bool:
        import asyncio

        from mediator.core.supervision import can_assign_from

        if self.mediator.has_office is False:
            return False
        try:
            office = await asyncio.to_thread(self.mediator.services.office)
        except Exception:  # noqa: BLE001 - no command rather than a failed palette
            return False
        return office is not None and can_assign_from(office.code)

    def _open(self) -> None:
        self.mediator.action_open_screen("supervision", "SupervisionLedgerScreen")

    async def discover(self) -> Hits:
        if await self._county():
            yield DiscoveryHit(t("tui.cmd.supervision"), self._open,
                               help=t("tui.cmd.supervision_help"))

    async def search(self, query: str) -> Hits:
        if not await self._county():
            return
        matcher = self.matcher(query)
        title = t("tui.cmd.supervision")
        words = t("tui.cmd.supervision_words")
        score = max(matcher.match(title), matcher.match(words))
        if score > 0:
            yield Hit(score, matcher.highlight(title), partial(self._open), text=title,
                      help=t("tui.cmd.supervision_help"))
