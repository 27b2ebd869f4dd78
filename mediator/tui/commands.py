"""Command palette (Ctrl+P). The app's actions come from ``MediatorApp.get_system_commands``
(titled in the user's language); this provider adds cases: type a case number, a name, pinyin
initials or an ID/phone tail and open the case from the palette."""

from __future__ import annotations

import asyncio
from functools import partial

from rich.align import Align
from rich.text import Text
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.widgets.option_list import Option

from mediator.core.enums import CaseState
from mediator.core.queries import CaseFilter
from mediator.i18n import t
from mediator.tui.base import MediatorNode
from mediator.tui.text import plain

LIMIT = 8


class CaseLookup(MediatorNode, Provider):
    """Cases matching what was typed (the same search as the case list)."""

    async def search(self, query: str) -> Hits:
        app = self.mediator
        if not query.strip() or app.has_office is False:
            return
        try:
            page = await asyncio.to_thread(
                app.services.list_cases, CaseFilter(query=query), None, LIMIT)
        except Exception:  # noqa: BLE001 - a failed lookup simply shows no cases
            return
        for rank, row in enumerate(page.rows):
            label = Text(plain(row.case_no), style="bold")
            label.append("  ")
            label.append(plain(row.parties, limit=60))
            label.append(f"  {CaseState(row.state).label}", style="dim")
            yield Hit(0.9 - rank * 0.01, label, partial(app.open_case, row.id),
                      text=f"{row.case_no} {row.parties}", help=t("tui.cmd.open_case_help"))


#: the reports the palette finds by name (the dashboard's export kinds)
REPORTS = ("weekly", "monthly", "ledger", "screening", "subsidy")


class ReportCommands(MediatorNode, Provider):
    """Every report by its Chinese or English name (周报, 月报, 台账, 排查, 以案定补, weekly ...):
    the overview opens with its export form set to that report."""

    def _commands(self) -> list[tuple[str, str, str]]:
        return [(kind, t("tui.cmd.report", report=t(f"tui.dash.kind.{kind}")),
                 t(f"tui.cmd.report_words.{kind}")) for kind in REPORTS]

    async def discover(self) -> Hits:
        if self.mediator.has_office is False:
            return
        for kind, title, words in self._commands():
            yield DiscoveryHit(title, partial(self.mediator.open_report, kind),
                               help=t("tui.cmd.report_help", words=words))

    async def search(self, query: str) -> Hits:
        if self.mediator.has_office is False:
            return
        matcher = self.matcher(query)
        for kind, title, words in self._commands():
            score = max(matcher.match(title), matcher.match(words))
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self.mediator.open_report, kind),
                          text=title, help=t("tui.cmd.report_help", words=words))


class Palette(CommandPalette):
    """Textual's command palette with its own two texts in the user's language (it said
    "Search for commands…" and "No matches found" in a Chinese interface)."""

    def __init__(self) -> None:
        super().__init__(placeholder=t("tui.palette.placeholder"), id="--command-palette")

    def _start_no_matches_countdown(self, search_value: str) -> None:
        # Textual's own countdown (textual.command, 8.2.8) with the message translated
        self._stop_no_matches_countdown()

        def show_no_matches() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(t("tui.palette.no_matches"), style="not bold")),
                    disabled=True, id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show_no_matches)
