"""Command palette (Ctrl+P). The app's actions come from ``MediatorApp.get_system_commands``
(titled in the user's language); this provider adds cases: type a case number, a name, pinyin
initials or an ID/phone tail and open the case from the palette."""

from __future__ import annotations

import asyncio
from functools import partial

from rich.text import Text
from textual.command import Hit, Hits, Provider

from mediator.core.enums import CaseState
from mediator.core.queries import CaseFilter
from mediator.i18n import t
from mediator.tui.text import plain

LIMIT = 8


class CaseLookup(Provider):
    """Cases matching what was typed (the same search as the case list)."""

    async def search(self, query: str) -> Hits:
        app = self.app
        if not query.strip() or getattr(app, "has_office", None) is False:
            return
        try:
            page = await asyncio.to_thread(
                app.services.list_cases, CaseFilter(query=query), None, LIMIT)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - a failed lookup simply shows no cases
            return
        for rank, row in enumerate(page.rows):
            label = Text(plain(row.case_no), style="bold")
            label.append("  ")
            label.append(plain(row.parties, limit=60))
            label.append(f"  {CaseState(row.state).label}", style="dim")
            yield Hit(0.9 - rank * 0.01, label, partial(app.open_case, row.id),  # type: ignore[attr-defined]
                      text=f"{row.case_no} {row.parties}", help=t("tui.cmd.open_case_help"))
