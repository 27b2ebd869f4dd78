"""案件卷宗: one case, everything about it, and what can be done next.

The header names the case, its state, its nearest deadline (余N天 / 逾期N天) and the warnings the
rules raise. Parties are shown with ID and phone masked; revealing them is an explicit action
written to the audit trail (PIPL). Below: agreement and performance, follow-ups, and the
timeline of everything that happened. The action list offers only what the case's state allows
(``CaseFile.legal_actions``), each as a dialog; a case of another office (county view) is read
only and offers none.

The whole file is read by one ``Services.case_file`` call in a thread worker and rendered as a
handful of Rich tables, so a case with 50 timeline entries opens in a few milliseconds.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from rich.cells import set_cell_size
from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from mediator.core import rules
from mediator.core.enums import (
    AgreementForm,
    CaseSource,
    CaseState,
    DisputeType,
    EventKind,
    FollowUpMethod,
    FollowUpResult,
    FollowUpType,
    Gender,
    JudicialResult,
    PartyKind,
    PartyRole,
    PetitionChannel,
    RiskGrade,
    Route,
)
from mediator.core.errors import MediatorError
from mediator.core.models import Party
from mediator.core.money import format_fen
from mediator.core.privacy import mask_id, mask_phone
from mediator.core.services import CaseFile, Outcome, Services
from mediator.i18n import t
from mediator.tui.base import MediatorScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.dialogs import (
    ACTION_DIALOGS,
    PartyDialog,
    action_label,
    available_actions,
)
from mediator.tui.dialogs.base import ConfirmDialog, unexpected
from mediator.tui.messages import CasesChanged
from mediator.tui.text import literal, plain
from mediator.tui.widgets.data_table import DataTable
from mediator.tui.widgets.footer import Footer
from mediator.tui.work import WorkFailed, post_result

BADGE_SOON_DAYS = 3


def petition_rows(p: Any) -> list[tuple[str, str | None, str, str | None]]:
    """The petition record's lines in the case file (its clocks are in the deadlines line)."""
    from mediator.core.petition import Close, Evaluation, PetitionFacts

    flags = [t(f"petition.f.{name}") for name in ("first_visit", "repeat_visit", "collective")
             if getattr(p, name)]
    if p.over_level:
        flags.append(t("petition.flag.over_level",
                       level=t(f"petition.level_visited.{p.over_level}")))
    if p.collective:
        flags.append(t("petition.flag.persons", persons=p.persons, reps=p.representatives))
    stage = PetitionFacts.from_row(p).stage.label
    if p.close_reason:
        stage = f"{stage}（{Close[p.close_reason].label}）"
    rows: list[tuple[str, str | None, str, str | None]] = [
        (t("petition.f.petition_no"), p.petition_no,
         t("petition.f.from_body"), (p.from_body or "") + (t("petition.f.assigned_mark")
                                                           if p.assigned else "") or None),
        (t("petition.f.stage"), stage, t("petition.f.first_handler"), p.first_handler),
    ]
    if p.accepted_on or p.extension_days:
        ext = (t("petition.f.extension_shown", days=p.extension_days,
                 approver=p.extension_approver or "", told=str(p.extension_told_on or ""))
               if p.extension_days else None)
        rows.append((t("petition.f.accepted_on_label"), str(p.accepted_on or "") or None,
                     t("petition.f.extension"), ext))
    if p.reply_on or p.feedback_on:
        rows.append((t("petition.f.reply_on"), str(p.reply_on or "") or None,
                     t("petition.f.feedback_on"), str(p.feedback_on or "") or None))
    if flags or p.evaluation:
        rows.append((t("petition.f.flags"), "、".join(flags) or None,
                     t("petition.f.evaluation"),
                     Evaluation[p.evaluation].label if p.evaluation else None))
    return rows


def _limit_note(dispute_type: str) -> str:
    """（劳动争议调解期限十五日，期满可申请劳动仲裁）beside a deadline that is not the one month."""
    limit = rules.time_limit(dispute_type)
    return "" if limit is rules.LIMIT_DEFAULT else t("limit.note", limit=limit.label)


def deadline_style(d: rules.Deadline) -> str:
    if d.overdue:
        return "bold red"
    if d.days_left <= BADGE_SOON_DAYS:
        return "bold yellow"
    return "green" if not d.optional else "dim"


def _label(enum_cls: Any, name: str | None) -> str:
    if not name:
        return ""
    try:
        return enum_cls(name).label
    except ValueError:
        return name


def _grid(columns: int = 2) -> Table:
    table = Table.grid(padding=(0, 1), expand=True)
    for i in range(columns):
        if i % 2 == 0:
            table.add_column(no_wrap=True, style="dim")
        else:
            table.add_column(ratio=1, overflow="fold")
    return table


def _value(value: Any) -> Text:
    if value is None or value == "":
        return Text("—", style="dim")
    if isinstance(value, Text):
        return value
    if isinstance(value, date):
        return Text(value.isoformat())
    return literal(value, one_line=False)


# --------------------------------------------------------------------------------------------
# rendering (pure: CaseFile in, renderables out)


def render_title(cf: CaseFile) -> Text:
    case = cf.case
    out = Text()
    out.append(literal(case.case_no, "bold", one_line=False))
    out.append("  ")
    out.append(f" {CaseState(case.state).label} ", style="reverse")
    nearest = rules.nearest_deadline(cf.deadlines)
    if nearest is not None:
        out.append("  ")
        out.append(f"{nearest.kind.label} {nearest.due.isoformat()} ", style="dim")
        out.append(nearest.badge(), style=deadline_style(nearest))
    if case.is_hard:
        out.append("  ")
        out.append(t("casefile.hard_badge"), style="bold magenta")
    if cf.read_only:
        out.append("  ")
        out.append(t("casefile.read_only_badge"), style="bold cyan")
    return out


def render_warnings(cf: CaseFile) -> Text | None:
    if not cf.warnings and not cf.supervision:
        return None
    out = Text()
    for i, w in enumerate(cf.warnings):
        if i:
            out.append("\n")
        out.append("! ", style="bold yellow")
        out.append(literal(w.message, "yellow", one_line=False))
    for i, item in enumerate(cf.supervision):
        if i or cf.warnings:
            out.append("\n")
        out.append(render_supervision_line(item))
    return out


def render_supervision_line(item: Any) -> Text:
    """督办/交办 (issue 22) in the case file's header: what the county asked, by when."""
    out = Text()
    out.append(t(f"supervision.kind.{item.kind}") + " ", style="bold red")
    out.append(t("casefile.supervision_due", due=item.due_on.isoformat()), style="red")
    if item.leader:
        out.append(" " + t("casefile.supervision_leader") + " ", style="red")
        out.append(literal(item.leader, "red"))
    if getattr(item, "township_case_id", None) or getattr(item, "target_name", None):
        # the county's own record of a 交办: to whom, and the township's case once known
        out.append(" " + t("casefile.assigned_to",
                           township=item.target_name or item.target_code) + " ", style="red")
        if item.township_case_no:
            out.append(literal(t("casefile.assigned_case", case=item.township_case_no),
                               "bold red"))
        else:
            out.append(t("casefile.assigned_unknown"), style="red")
    out.append(" ")
    out.append(literal(item.instruction, "red", one_line=True))
    return out


PREVIEW_CHARS = 160


def _long(value: str | None, full: bool) -> Text:
    """Long user text (a 4,000-character statement of facts) cut to a preview unless ``full``,
    so that one case's facts do not push its parties and timeline off the screen."""
    if not value:
        return _value(value)
    if full or len(value) <= PREVIEW_CHARS:
        return literal(value, one_line=False)
    out = literal(value[:PREVIEW_CHARS], one_line=False)
    out.append(" " + t("casefile.more", n=len(value)), style="dim italic")
    return out


def render_details(cf: CaseFile, full: bool = False) -> RenderableType:
    case = cf.case
    g = _grid(4)
    g.add_row(
        t("casefile.f.type"),
        _value(_label(DisputeType, case.dispute_type)),
        t("casefile.f.source"),
        _value(_label(CaseSource, case.source)),
    )
    g.add_row(
        t("casefile.f.village"),
        _value(cf.village_name or case.village_code),
        t("casefile.f.mediator"),
        _value(cf.mediator_name),
    )
    if cf.ledger_no:
        g.add_row(t("casefile.f.ledger_no"), _value(cf.ledger_no), "", "")
    g.add_row(
        t("casefile.f.registered_on"),
        _value(case.registered_on),
        t("casefile.f.accepted_on"),
        _value(case.accepted_on),
    )
    g.add_row(
        t("casefile.f.persons"),
        _value(case.persons_involved),
        t("casefile.f.amount"),
        _value(t("casefile.yuan", yuan=format_fen(case.amount_fen)) if case.amount_fen else None),
    )
    g.add_row(
        t("casefile.f.risk"),
        _value(_label(RiskGrade, case.risk_grade)),
        t("casefile.f.group"),
        _value(t("casefile.yes") if case.group_dispute else t("casefile.no")),
    )
    if case.notice_on or case.deadline_on:
        g.add_row(
            t("casefile.f.notice_on"),
            _value(case.notice_on),
            t("casefile.f.deadline_on"),
            _value(
                Text(
                    case.deadline_on.isoformat()
                    + (
                        t("casefile.extended", n=case.extension_count)
                        if case.extension_count
                        else ""
                    )
                    + _limit_note(case.dispute_type)
                )
                if case.deadline_on
                else None
            ),
        )
    if case.is_hard:
        g.add_row(
            t("casefile.f.lead_official"),
            _value(case.lead_official),
            t("casefile.f.responsible_person"),
            _value(case.responsible_person),
        )
        g.add_row(
            t("casefile.f.resolve_by"),
            _value(case.resolve_by),
            t("casefile.f.measures"),
            _value(case.stabilising_measures),
        )
    if case.source == CaseSource.PETITION.name:
        g.add_row(
            t("casefile.f.petition_channel"),
            _value(_label(PetitionChannel, case.petition_channel)),
            t("casefile.f.petition_received_on"),
            _value(case.petition_received_on),
        )
    if cf.petition is not None:
        for row in petition_rows(cf.petition):
            g.add_row(*(_value(v) if i % 2 else v for i, v in enumerate(row)))
    if case.outcome or case.routes_told or case.transfer_to:
        routes = "、".join(_label(Route, r) for r in (case.routes_told or "").split(",") if r)
        g.add_row(
            t("casefile.f.routes_told"),
            _value(routes),
            t("casefile.f.transfer_to"),
            _value(case.transfer_to),
        )
    if case.refusal_reason or case.withdraw_reason:
        g.add_row(
            t("casefile.f.refusal_reason"),
            _value(case.refusal_reason),
            t("casefile.f.withdraw_reason"),
            _value(case.withdraw_reason),
        )
    deadlines = [d for d in cf.deadlines]
    parts: list[RenderableType] = [g]
    if deadlines:
        line = Text(t("casefile.f.deadlines") + "  ", style="dim")
        for i, d in enumerate(deadlines):
            if i:
                line.append("  ·  ", style="dim")
            line.append(f"{d.kind.label} {d.due.isoformat()} ")
            line.append(d.badge(), style=deadline_style(d))
        parts.append(line)
    facts = _grid(2)
    facts.add_row(t("casefile.f.facts"), _long(case.facts, full))
    facts.add_row(t("casefile.f.requests"), _long(case.requests, full))
    parts.append(facts)
    return Group(*parts)


def party_cells(p: Party, today: date, revealed: bool) -> tuple[Text, ...]:
    org = p.kind == PartyKind.ORGANISATION.name
    if org:
        number = p.org_code or ""
        who = Text(_label(PartyKind, p.kind), style="dim")
    else:
        number = p.id_number if revealed else mask_id(p.id_number) if p.id_number else ""
        bits = []
        if p.gender:
            bits.append(_label(Gender, p.gender))
        if p.birth_date:
            years = (
                today.year
                - p.birth_date.year
                - ((today.month, today.day) < (p.birth_date.month, p.birth_date.day))
            )
            bits.append(t("casefile.age", n=years))
        who = Text(" ".join(bits))
    phone = (p.phone if revealed else mask_phone(p.phone)) if p.phone else ""
    return (
        Text(_label(PartyRole, p.role)),
        literal(p.name, "bold", one_line=False),
        who,
        literal(number, one_line=False),
        literal(phone, one_line=False),
        literal(p.address or "", one_line=False),
    )


def render_agreement(cf: CaseFile, today: date) -> RenderableType | None:
    ag = cf.agreement
    if ag is None:
        return None
    g = _grid(4)
    g.add_row(
        t("casefile.f.agreement_form"),
        _value(_label(AgreementForm, ag.form)),
        t("casefile.f.effective_on"),
        _value(ag.effective_on),
    )
    g.add_row(
        t("casefile.f.amount"),
        _value(t("casefile.yuan", yuan=format_fen(ag.amount_fen)) if ag.amount_fen else None),
        t("casefile.f.perform_by"),
        _value(ag.perform_by),
    )
    if ag.perform_method or ag.perform_place:
        g.add_row(
            t("casefile.f.perform_method"),
            _value(ag.perform_method),
            t("casefile.f.perform_place"),
            _value(ag.perform_place),
        )
    if ag.judicial_status:
        status = Text(_label(JudicialResult, ag.judicial_status))
        if ag.judicial_applied_on:
            status.append(
                " " + t("casefile.judicial_applied_on", date=ag.judicial_applied_on.isoformat()),
                style="dim",
            )
        if ag.judicial_decided_on:
            status.append(
                " " + t("casefile.judicial_decided_on", date=ag.judicial_decided_on.isoformat()),
                style="dim",
            )
        g.add_row(
            t("casefile.f.judicial"),
            status,
            t("casefile.f.court"),
            _value(" ".join(x for x in (ag.judicial_court, ag.judicial_ref) if x)),
        )
    terms = _grid(2)
    terms.add_row(t("casefile.f.terms"), _value(ag.terms))
    if ag.responsibilities:
        terms.add_row(t("casefile.f.responsibilities"), _value(ag.responsibilities))
    parts: list[RenderableType] = [g, terms]
    if cf.obligations:
        ob = Table.grid(padding=(0, 1), expand=True)
        ob.add_column(no_wrap=True)
        ob.add_column(no_wrap=True)
        ob.add_column(no_wrap=True, justify="right")
        ob.add_column(ratio=1, overflow="fold")
        ob.add_column(no_wrap=True)
        for o in cf.obligations:
            if o.performed_on:
                status = Text(
                    t("casefile.performed_on", date=o.performed_on.isoformat()), style="green"
                )
                if o.proof:
                    status.append(" ")
                    status.append(literal(o.proof, "dim", one_line=False))
            else:
                days = (o.due_on - today).days
                d = rules.Deadline(rules.DeadlineKind.PERFORMANCE, o.due_on, days)
                status = Text(d.badge(), style=deadline_style(d))
                if o.paid_fen and o.amount_fen:  # part paid: 应付 (the amount column) / 已付 / 余额
                    status = Text(t("casefile.ob_paid", paid=format_fen(o.paid_fen),
                                    balance=format_fen(max(o.amount_fen - o.paid_fen, 0))),
                                  style="yellow") + Text(" ") + status
            what = Text()
            if o.obligor:
                what.append(literal(o.obligor, "bold", one_line=False))
                what.append(" ")
            what.append(literal(o.description, one_line=False))
            ob.add_row(
                Text(f"{o.seq}.", style="dim"),
                Text(o.due_on.isoformat()),
                Text(format_fen(o.amount_fen) if o.amount_fen else ""),
                what,
                status,
            )
        parts.append(ob)
    return Group(*parts)


def render_follow_ups(cf: CaseFile, today: date) -> RenderableType | None:
    if not cf.follow_ups:
        return None
    g = Table.grid(padding=(0, 1), expand=True)
    g.add_column(no_wrap=True)
    g.add_column(no_wrap=True)
    g.add_column(ratio=1, overflow="fold")
    for f in cf.follow_ups:
        if f.done_on:
            status = Text(
                t(
                    "casefile.followup_done",
                    date=f.done_on.isoformat(),
                    result=_label(FollowUpResult, f.result),
                    method=_label(FollowUpMethod, f.method),
                ),
                style="green",
            )
        else:
            d = rules.Deadline(rules.DeadlineKind.FOLLOW_UP, f.due_on, (f.due_on - today).days)
            status = Text(d.badge(), style=deadline_style(d))
        if f.note:
            status.append("  ")
            status.append(literal(f.note, "dim", one_line=False))
        g.add_row(Text(f.due_on.isoformat()), Text(_label(FollowUpType, f.kind)), status)
    return g


TIMELINE_KIND_WIDTH = 12
TIMELINE_INDENT = 10 + 2 + TIMELINE_KIND_WIDTH + 2


def render_timeline(cf: CaseFile, full: bool = False) -> RenderableType:
    """One header line per entry and its text indented under it.

    Built from Text lines, not a Rich Table: measuring table cells made 50 entries cost ~80 ms,
    this costs a quarter of that.
    """
    parts: list[RenderableType] = []
    for e in cf.events:
        head = Text(no_wrap=False)
        head.append(e.occurred_on.isoformat(), style="dim")
        head.append("  ")
        head.append(set_cell_size(_label(EventKind, e.kind), TIMELINE_KIND_WIDTH), style="cyan")
        head.append("  ")
        head.append(literal(e.summary, "bold" if e.kind == EventKind.STATE.name else "", one_line=False))
        if e.state_to and e.kind == EventKind.STATE.name:
            target = _label(CaseState, e.state_to)
            if target != e.summary:      # not "Registered -> Registered"
                head.append(f" -> {target}", style="dim")
        if e.operator:
            head.append(" ")
            head.append(literal(f"（{e.operator}）", "dim", one_line=False))
        parts.append(head)
        body = Text()
        extra = [x for x in (e.place, e.participants) if x]
        if extra:
            body.append(literal("  ".join(extra), "dim", one_line=False))
        if e.body:
            if extra:
                body.append("\n")
            text = Services.edited_fields(e.body) if e.kind == EventKind.EDIT.name else e.body
            body.append(_long(text, full))
        if body.plain:
            parts.append(Padding(body, (0, 0, 0, TIMELINE_INDENT)))
    return Group(*parts)


# --------------------------------------------------------------------------------------------
# command palette


class CaseActionsProvider(Provider):
    """The case file's actions in the command palette, with their Chinese (or English) names."""

    def _items(self) -> list[tuple[str, Any, str]]:
        screen = self.screen
        if not isinstance(screen, CaseFileScreen):
            return []
        return [
            (label, partial(screen.run_action, key), t("casefile.palette_help"))
            for key, label in screen.action_items()
        ]

    async def discover(self) -> Hits:
        for label, callback, help_text in self._items():
            yield DiscoveryHit(label, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for label, callback, help_text in self._items():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, matcher.highlight(label), callback, help=help_text)


# --------------------------------------------------------------------------------------------
# screen


@dataclass
class CaseFileLoaded(Message):
    cf: CaseFile


@dataclass
class PartyRevealed(Message):
    party: Party


@dataclass
class LinkedCaseOpened(Message):
    outcome: Outcome


@dataclass
class PartyRemoved(Message):
    outcome: Outcome


class CaseFileScreen(MediatorScreen[None]):
    DEFAULT_CSS = """
    CaseFileScreen #cf-head { height: auto; padding: 0 1; background: $boost; }
    CaseFileScreen #cf-warnings { display: none; height: auto; }
    CaseFileScreen #cf-warnings.-shown { display: block; }
    CaseFileScreen #cf-body { height: 1fr; }
    CaseFileScreen #cf-main { width: 1fr; padding: 0 1; }
    CaseFileScreen #cf-side { width: 24; border-left: vkey $primary-muted; padding: 0 0 0 1; }
    CaseFileScreen #cf-side.-hidden { display: none; }
    CaseFileScreen .cf-section { text-style: bold; color: $accent; padding: 1 0 0 0; }
    CaseFileScreen .cf-block { height: auto; }
    CaseFileScreen .-empty { display: none; }
    CaseFileScreen #cf-parties { height: auto; max-height: 12; margin: 0 0 1 0; }
    /* narrow terminals: no scrollbar line under the parties (← → scroll to the ID, phone and
       address; Enter opens the party with every field) */
    CaseFileScreen #cf-parties { scrollbar-size-horizontal: 0; }
    CaseFileScreen #cf-actions { height: 1fr; border: none; }
    CaseFileScreen #cf-error { color: $error; height: auto; }
    """

    BINDINGS = [
        Binding("escape", "back", "casefile.key.back", id="casefile.back"),
        Binding("a", "focus_actions", "casefile.key.actions", id="casefile.actions"),
        Binding("r", "reveal", "casefile.key.reveal", id="casefile.reveal"),
        Binding("n", "run_action('NOTE')", "casefile.key.note", id="casefile.note"),
        Binding("e", "run_action('EDIT')", "casefile.key.edit", id="casefile.edit"),
        Binding("p", "add_party", "casefile.key.add_party", show=False, id="casefile.add_party"),
        Binding(
            "delete",
            "remove_party",
            "casefile.key.remove_party",
            show=False,
            id="casefile.remove_party",
        ),
        Binding("f", "toggle_full", "casefile.key.full", id="casefile.full"),
        # at a county: 承接 a case a township passed up (shown on read-only cases only)
        Binding("l", "open_linked", "casefile.key.open_linked", id="casefile.open_linked"),
        Binding("d", "supervise", "casefile.key.supervise", id="casefile.supervise"),
        Binding("j", "assign", "casefile.key.assign", id="casefile.assign"),
        Binding("t", "open_assigned", "casefile.key.open_assigned", id="casefile.open_assigned"),
        Binding("f5", "reload", "casefile.key.reload", show=False, id="casefile.reload"),
        Binding("k", "record_risk", "casefile.key.risk", show=False, id="casefile.record_risk"),
    ]

    COMMANDS = {CaseActionsProvider}
    AUTO_FOCUS = "#cf-actions"

    def __init__(self, case_id: str) -> None:
        super().__init__()
        translate_bindings(self)
        self.case_id = case_id
        self.cf: CaseFile | None = None
        self.revealed: set[str] = set()
        self.actions: list[str] = []
        self.load_seconds: float | None = None
        #: long texts (facts, session records) in full instead of a preview
        self.full_text = False
        self._load_started = 0.0

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="cf-head"):
            yield Static(Text(t("casefile.loading")), id="cf-title")
            yield Static("", id="cf-warnings")
        with Horizontal(id="cf-body"):
            with VerticalScroll(id="cf-main"):
                yield Static("", id="cf-error", classes="-empty")
                yield DataTable(id="cf-parties", cursor_type="row", zebra_stripes=True)
                yield Static("", id="cf-details", classes="cf-block")
                yield Label(
                    t("casefile.section.agreement"),
                    classes="cf-section -empty",
                    id="cf-agreement-title",
                )
                yield Static("", id="cf-agreement", classes="cf-block -empty")
                yield Label(
                    t("casefile.section.followups"),
                    classes="cf-section -empty",
                    id="cf-followups-title",
                )
                yield Static("", id="cf-followups", classes="cf-block -empty")
                yield Label(t("casefile.section.timeline"), classes="cf-section")
                yield Static("", id="cf-timeline", classes="cf-block")
            with Vertical(id="cf-side"):
                yield Label(t("casefile.section.actions"), classes="cf-section")
                yield OptionList(id="cf-actions", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("casefile.title")
        table = self.query_one("#cf-parties", DataTable)
        for key in ("role", "name", "who", "id", "phone", "address"):
            table.add_column(t(f"casefile.col.{key}"), key=key)
        self.action_reload()

    # --- loading -------------------------------------------------------------------------

    def action_reload(self) -> None:
        self._load_started = time.perf_counter()
        self._load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="cf-load")
    def _load(self) -> None:
        post_result(self, "cf-load", lambda: self.services.case_file(self.case_id),
                    CaseFileLoaded)

    def on_case_file_loaded(self, message: CaseFileLoaded) -> None:
        self.show(message.cf)
        self.load_seconds = time.perf_counter() - self._load_started

    def on_party_revealed(self, message: PartyRevealed) -> None:
        self.revealed.add(message.party.id)
        self._update_party(message.party)

    def on_linked_case_opened(self, message: LinkedCaseOpened) -> None:
        self.app.post_message(CasesChanged(message.outcome.case_id))
        self.mediator.open_case(message.outcome.case_id)

    def on_party_removed(self, message: PartyRemoved) -> None:
        self._after_change(message.outcome)

    def on_work_failed(self, message: WorkFailed) -> None:
        message.stop()
        if message.group == "cf-load":
            self.show_failure(message.error)
        else:
            self.notify(self._message(message.error), severity="error", markup=False)

    @staticmethod
    def _message(exc: BaseException | None) -> str:
        if isinstance(exc, MediatorError):
            return exc.message
        return unexpected(exc or RuntimeError())

    def show_failure(self, exc: BaseException | None) -> None:
        box = self.query_one("#cf-error", Static)
        box.update(Text(self._message(exc)))
        box.remove_class("-empty")
        self.query_one("#cf-title", Static).update(Text(t("casefile.not_loaded")))

    def show(self, cf: CaseFile) -> None:
        """Render a loaded case file (also called by tests to time rendering alone)."""
        self.cf = cf
        today = self.services.today()
        self.sub_title = plain(cf.case.case_no, one_line=False)
        self.query_one("#cf-error", Static).add_class("-empty")
        self.query_one("#cf-title", Static).update(render_title(cf))
        warnings = render_warnings(cf)
        wbox = self.query_one("#cf-warnings", Static)
        wbox.update(warnings or "")
        wbox.set_class(warnings is not None, "-shown")
        self.query_one("#cf-details", Static).update(render_details(cf, self.full_text))
        self._fill_parties(cf, today)
        self._set_block("cf-agreement", render_agreement(cf, today))
        self._set_block("cf-followups", render_follow_ups(cf, today))
        self.query_one("#cf-timeline", Static).update(render_timeline(cf, self.full_text))
        self._fill_actions(cf)
        self.refresh_bindings()
        focused = self.focused
        if not self.actions and (focused is None or focused.id == "cf-actions"):
            self.query_one("#cf-parties").focus()
        elif focused is None:
            self.query_one("#cf-actions").focus()

    def _set_block(self, wid: str, content: RenderableType | None) -> None:
        box = self.query_one(f"#{wid}", Static)
        box.update(content if content is not None else "")
        box.set_class(content is None, "-empty")
        self.query_one(f"#{wid}-title").set_class(content is None, "-empty")

    def _fill_parties(self, cf: CaseFile, today: date) -> None:
        table = self.query_one("#cf-parties", DataTable)
        row = table.cursor_row
        table.clear()
        for p in cf.parties:
            table.add_row(*party_cells(p, today, p.id in self.revealed), key=p.id)
        if cf.parties:
            table.move_cursor(row=min(max(row, 0), len(cf.parties) - 1))

    def _update_party(self, party: Party) -> None:
        table = self.query_one("#cf-parties", DataTable)
        cells = party_cells(party, self.services.today(), party.id in self.revealed)
        for key, value in zip(
            ("role", "name", "who", "id", "phone", "address"), cells, strict=True
        ):
            table.update_cell(party.id, key, value)

    def _fill_actions(self, cf: CaseFile) -> None:
        self.actions = available_actions(cf)
        side = self.query_one("#cf-side")
        side.set_class(cf.read_only, "-hidden")
        lst = self.query_one("#cf-actions", OptionList)
        highlighted = lst.highlighted
        lst.clear_options()
        lst.add_options([Option(Text(action_label(k)), id=k) for k in self.actions])
        if self.actions:
            lst.highlighted = min(highlighted or 0, len(self.actions) - 1)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "open_linked":
            return self.cf is not None and self.cf.read_only
        if action == "supervise":   # 督办: the county, on a township's case (issue 22)
            return self.cf is not None and self.cf.read_only
        if action == "open_assigned":   # the township's case of the county's 交办
            return self.cf is not None and any(
                getattr(i, "township_case_id", None) for i in self.cf.supervision)
        if action == "assign":   # 交办: the county, one of its own cases (issue 22)
            from mediator.core.supervision import can_assign_from

            return (self.cf is not None and not self.cf.read_only
                    and can_assign_from(self.cf.case.owner_code))
        return True

    def action_open_assigned(self) -> None:
        """The township's case registered for the county's 交办 of this case."""
        cf = self.cf
        linked = [i.township_case_id for i in (cf.supervision if cf else [])
                  if getattr(i, "township_case_id", None)]
        if linked:
            self.mediator.open_case(linked[0])

    def action_assign(self) -> None:
        from mediator.tui.dialogs.assign import AssignDialog

        cf = self.cf
        if cf is None or not self.check_action("assign", ()):
            return

        def done(item_id: str | None) -> None:
            if item_id is not None:
                self.notify(t("assign.done"), markup=False)
                self.action_reload()

        self.app.push_screen(AssignDialog(cf), done)

    def action_supervise(self) -> None:
        from mediator.tui.dialogs.supervise import SuperviseDialog

        cf = self.cf
        if cf is None or not self.check_action("supervise", ()):
            return

        def done(item_id: str | None) -> None:
            if item_id is not None:
                self.notify(t("supervise.done"), markup=False)
                self.action_reload()

        self.app.push_screen(SuperviseDialog(cf), done)

    def action_open_linked(self) -> None:
        cf = self.cf
        if cf is None or not cf.read_only:
            return
        self.app.push_screen(
            ConfirmDialog(
                t("casefile.open_linked_title"),
                t("casefile.open_linked_message", case=plain(cf.case.case_no, one_line=False)),
                t("casefile.open_linked_yes"),
                t("caseact.cancel"),
            ),
            lambda yes: self._open_linked(cf.case.id) if yes else None,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="cf-open-linked")
    def _open_linked(self, case_id: str) -> None:
        post_result(self, "cf-open-linked", lambda: self.services.open_linked_case(case_id),
                    LinkedCaseOpened)

    def action_items(self) -> list[tuple[str, str]]:
        return [(k, action_label(k)) for k in self.actions]

    # --- actions -------------------------------------------------------------------------

    def action_record_risk(self) -> None:
        """激化风险 on this case (issue 24): the evidence a 防止… claim needs."""
        from mediator.tui.dialogs.risk import RiskDialog

        def saved(row: object) -> None:
            if row is not None:
                self.notify(t("tui.risk.saved"), markup=False)
                self.app.post_message(CasesChanged(self.case_id))

        subject = self.cf.case.case_no if self.cf is not None else ""
        self.app.push_screen(RiskDialog(case_id=self.case_id, subject=subject), saved)

    def action_back(self) -> None:
        self.dismiss(None)

    def action_toggle_full(self) -> None:
        self.full_text = not self.full_text
        if self.cf is not None:
            self.show(self.cf)

    def action_focus_actions(self) -> None:
        if self.actions:
            self.query_one("#cf-actions", OptionList).focus()

    @on(OptionList.OptionSelected, "#cf-actions")
    def _action_chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.run_action(event.option.id)

    def action_run_action(self, key: str) -> None:
        """The footer's keys for frequent actions (n 备注, e 修改)."""
        self.run_action(key)

    def run_action(self, key: str) -> None:
        """Open the dialog of an action, if the case offers it now."""
        if self.cf is None or key not in self.actions:
            if self.cf is not None and not self.cf.read_only:
                self.notify(
                    t("casefile.not_now", action=action_label(key)),
                    markup=False,
                    severity="warning",
                )
            return
        dialog = ACTION_DIALOGS[key](self.cf)
        self.app.push_screen(dialog, self._after_change)

    def _after_change(self, outcome: Outcome | None) -> None:
        if outcome is None:
            return
        self.app.post_message(CasesChanged(self.case_id))
        for w in outcome.warnings:
            self.notify(w, severity="warning", markup=False, timeout=10)
        self.action_reload()

    def _selected_party(self) -> Party | None:
        if self.cf is None or not self.cf.parties:
            return None
        table = self.query_one("#cf-parties", DataTable)
        index = min(max(table.cursor_row, 0), len(self.cf.parties) - 1)
        return self.cf.parties[index]

    def action_reveal(self) -> None:
        party = self._selected_party()
        if party is None:
            return
        if party.id in self.revealed:
            self.revealed.discard(party.id)
            self._update_party(party)
            return
        self._reveal(party.id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="cf-reveal")
    def _reveal(self, party_id: str) -> None:
        post_result(self, "cf-reveal", lambda: self.services.reveal_party(party_id),
                    PartyRevealed)

    def _can_edit(self) -> bool:
        return "EDIT" in self.actions

    @on(DataTable.RowSelected, "#cf-parties")
    def _party_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        party = self._selected_party()
        if party is not None and self._can_edit() and self.cf is not None:
            self.app.push_screen(PartyDialog(self.cf, party), self._after_change)

    def action_add_party(self) -> None:
        if self.cf is not None and self._can_edit():
            self.app.push_screen(PartyDialog(self.cf), self._after_change)

    def action_remove_party(self) -> None:
        party = self._selected_party()
        if party is None or not self._can_edit() or self.cf is None or len(self.cf.parties) < 2:
            return
        self.app.push_screen(
            ConfirmDialog(
                t("casefile.remove_party_title"),
                t("casefile.remove_party_message", name=plain(party.name, one_line=False)),
                t("casefile.remove_party_yes"),
                t("caseact.cancel"),
                yes_variant="error",
            ),
            lambda yes: self._remove_party(party.id) if yes else None,
        )

    @work(thread=True, exclusive=True, exit_on_error=False, group="cf-remove-party")
    def _remove_party(self, party_id: str) -> None:
        post_result(self, "cf-remove-party", lambda: self.services.remove_party(party_id),
                    PartyRemoved)


__all__ = ["CaseFileScreen", "render_timeline", "render_title"]
