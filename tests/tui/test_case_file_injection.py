"""Hostile text in every place the case file, its dialogs and the intake show user text: shown
literally (no markup styling, no clickable quit, no terminal escape codes), no crash on emoji or
a 4,000-character fact, and the layout stays as it was."""

from __future__ import annotations

import html
import re
from typing import Any

from case_harness import Harness, choose_action, make_paths, settle, type_in
from rich.console import Console

from mediator.core.enums import AgreementForm, DisputeType, PartyRole
from mediator.core.inputs import AgreementInput, CaseInput, ObligationInput, PartyInput
from mediator.core.text import strip_controls
from mediator.tui.dialogs.base import ChooseDialog
from mediator.tui.screens.case_file import CaseFileScreen
from mediator.tui.screens.intake import IntakeScreen
from mediator.tui.text import plain
from mediator.tui.widgets.party_editor import PartyEditor

HOSTILE = [
    "[bold]张三",
    "李四[/]",
    "[@click=app.quit]点我[/]",
    "\x1b[31m红\x1b[0m",
    "王😀五🎉",
    "[link=https://example.com]链接[/link]",
    "赵\u202e六",
]
LONG_FACT = "两家因宅基地滴水问题发生争执[red]" + "很长的事实描述" * 580  # > 4,000 characters
ID = "11010519491231002X"


def screen_text(app: Any) -> str:
    svg = app.export_screenshot()
    return html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")


def rendered(widget: Any, width: int = 80) -> tuple[str, list[Any]]:
    """Plain text and styles of what a Static shows, rendered as Textual would."""
    content = widget.content
    console = Console(width=width, color_system="truecolor", force_terminal=True)
    segments = list(console.render(content, console.options.update_width(width)))
    return "".join(s.text for s in segments), [s.style for s in segments if s.style]


def seed(svc: Any) -> str:
    svc.add_village("330106001001", "[bold]青石村[/]")
    mediator = svc.add_mediator("[@click=app.quit]调解员[/]")
    parties = [
        PartyInput(HOSTILE[0], id_number=ID, phone="13812345678", address=HOSTILE[3]),
        PartyInput(HOSTILE[1], role=PartyRole.RESPONDENT, address=HOSTILE[5]),
        PartyInput(HOSTILE[2], role=PartyRole.THIRD_PARTY),
        PartyInput(HOSTILE[4], role=PartyRole.THIRD_PARTY, address=HOSTILE[6]),
    ]
    case = svc.register_case(
        CaseInput(
            parties=parties,
            dispute_type=DisputeType.OTHER,
            facts=LONG_FACT,
            requests="[@click=app.quit]退[/]",
            village_code="330106001001",
            mediator_id=mediator.id,
            is_hard=True,
            lead_official=HOSTILE[2],
            stabilising_measures=HOSTILE[3],
        )
    )
    svc.accept_case(case.case_id)
    svc.record_notice(case.case_id, note=HOSTILE[5])
    svc.add_session(case.case_id, HOSTILE[2] + LONG_FACT, place=HOSTILE[0], participants=HOSTILE[3])
    svc.schedule_follow_up(case.case_id, svc.today(), note=HOSTILE[2])
    svc.record_agreement(
        case.case_id,
        AgreementInput(
            form=AgreementForm.WRITTEN,
            effective_on=svc.today(),
            terms=HOSTILE[2] + "赔偿",
            responsibilities=HOSTILE[3],
            perform_place=HOSTILE[0],
            obligations=[
                ObligationInput(svc.today(), 1000, HOSTILE[4], obligor=HOSTILE[2]),
                ObligationInput(svc.today(), 2000, HOSTILE[5], obligor=HOSTILE[1]),
            ],
        ),
    )
    first = svc.case_file(case.case_id).obligations[0]
    svc.record_performance(first.id, proof=HOSTILE[2])
    svc.add_note(case.case_id, "\n".join(HOSTILE))
    # typed input no longer stores ESC (it is removed on input); a database written by an
    # older version, by hand or by an import can still hold it: the screen must show it inert
    from sqlalchemy import text

    with svc.db.write() as s:
        s.exec(text("UPDATE party SET address = :raw WHERE address = :clean"),
               params={"raw": HOSTILE[3], "clean": strip_controls(HOSTILE[3])})
        s.exec(text("UPDATE dispute_case SET stabilising_measures = :raw"),
               params={"raw": HOSTILE[3]})
    return case.case_id


def assert_literal(text: str, *values: str) -> None:
    """Each value appears as stored: as typed less the control characters input cleaning
    removes, or as written behind the application's back (wrapping may break lines and pad
    them: ignore whitespace)."""
    flat = re.sub(r"\s+", "", text)
    for value in values:
        shown = {re.sub(r"\s+", "", plain(v, one_line=False))
                 for v in (value, strip_controls(value, multi_line=True))}
        assert any(v in flat for v in shown), value
    assert "\x1b" not in text


def assert_inert(styles: list[Any]) -> None:
    for style in styles:
        assert not style.meta, style.meta  # no @click actions
        assert not style.link, style.link


async def test_case_file_shows_hostile_text_literally(svc: Any) -> None:
    case_id = seed(svc)
    app = Harness(svc, None, lambda a: CaseFileScreen(a.services, case_id))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        title_region = screen.query_one("#cf-title").region
        side_width = screen.query_one("#cf-side").region.width
        assert title_region.height == 1

        text, styles = rendered(screen.query_one("#cf-details"), 200)
        assert_literal(
            text,
            "[bold]青石村[/]",
            "[@click=app.quit]调解员[/]",
            HOSTILE[2],
            HOSTILE[3],
            "[@click=app.quit]退[/]",
            "很长的事实描述" * 20,
        )
        assert_inert(styles)
        assert "共4" in text and "按 f 看全文" in text  # a preview of the 4,000 characters
        await pilot.press("f")
        await pilot.pause()
        text, styles = rendered(screen.query_one("#cf-details"), 200)
        assert_literal(text, LONG_FACT)
        assert_inert(styles)
        text, styles = rendered(screen.query_one("#cf-timeline"), 200)
        assert_literal(text, *[h.replace("\n", " ") for h in HOSTILE], HOSTILE[0], HOSTILE[3])
        assert_inert(styles)
        text, styles = rendered(screen.query_one("#cf-agreement"), 200)
        assert_literal(text, HOSTILE[2] + "赔偿", HOSTILE[3], HOSTILE[4], HOSTILE[5], HOSTILE[0])
        assert_inert(styles)
        text, styles = rendered(screen.query_one("#cf-followups"), 200)
        assert_literal(text, HOSTILE[2])
        assert_inert(styles)
        await pilot.press("f")  # back to the preview
        await pilot.pause()

        shown = screen_text(app)
        assert "[bold]张三" in shown and "李四[/]" in shown and "[@click=app.quit]点我[/]" in shown
        assert "^[[31m红" in shown and "\x1b" not in shown

        # clicking on the would-be link does nothing; keys still work; the layout is unchanged
        table = screen.query_one("#cf-parties")
        for row in range(table.region.y, table.region.bottom):
            await pilot.click(offset=(table.region.x + 12, row))
        await pilot.press("r")
        await settle(pilot, app)
        assert app.is_running and app.screen is screen
        assert screen.query_one("#cf-title").region == title_region
        assert screen.query_one("#cf-side").region.width == side_width

        dialog = await choose_action(pilot, app, "RECORD_PERFORMANCE")
        await pilot.pause()
        shown = screen_text(app)
        assert plain(HOSTILE[5]) in shown  # the open obligation's description
        await pilot.press("escape")
        await pilot.pause()
        dialog = await choose_action(pilot, app, "COMPLETE_FOLLOW_UP")
        assert "[@click=app.quit]点我[/]" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        dialog = await choose_action(pilot, app, "NOTE")
        await type_in(pilot, dialog.field("note").widget, "[@click=app.quit]再点[/]😀")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.is_running and app.screen is screen
    notes = [e.body for e in svc.case_file(case_id).events if e.kind == "NOTE"]
    assert notes[-1] == "[@click=app.quit]再点[/]😀"


async def test_intake_shows_hostile_names_literally(svc: Any, tmp_path: Any) -> None:
    seed(svc)
    paths = make_paths(tmp_path / "home")
    app = Harness(svc, paths, lambda a: IntakeScreen(a.services))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot, app)
        first = app.screen.query(PartyEditor).first()
        await type_in(pilot, first.query_one("#name"), "[@click=app.quit]点我[/]")
        await type_in(pilot, first.query_one("#id_number"), ID)
        await pilot.pause(0.5)
        await settle(pilot, app)
        await pilot.click(first.query_one("#repeat-open"))
        await pilot.pause()
        assert isinstance(app.screen, ChooseDialog)
        shown = screen_text(app)
        assert "[bold]张三" in shown and "\x1b" not in shown
        await pilot.press("escape")
        await pilot.pause()
        app.screen.query_one("#dispute_type").set_value(DisputeType.OTHER.name)
        app.screen.query_one("#facts").text = LONG_FACT
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert isinstance(app.screen, CaseFileScreen)
        assert "[@click=app.quit]点我[/]" in screen_text(app)
        assert app.is_running
