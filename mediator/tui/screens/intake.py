"""登记 (a new case, full form) and 简易登记 (a dispute settled on the spot, one screen).

The full form keeps a draft on disk while the mediator types: half a minute after a power cut
the next start of 登记 offers it back. A successful save deletes it; Esc asks before throwing
away what was typed. Saving runs ``Services.register_case`` in a thread worker; what the service
rejects is shown next to the field it names, and nothing is written.

简易登记 exists because oral cases are real cases that count in every statistic: it must be
quick enough (two names, a type, a line of facts, what was agreed) that nobody skips it.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Header, Label, Static, TextArea

from mediator.core.enums import AgreementForm, CaseSource, PartyRole
from mediator.core.errors import MediatorError, Problems, ValidationError, ValidationErrors
from mediator.core.services import (
    AgreementInput,
    CaseInput,
    ObligationInput,
    PartyInput,
    RepeatHit,
)
from mediator.core.validate import normalise
from mediator.i18n import t
from mediator.tui.base import MediatorScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.dialogs.base import DIALOG_CSS, ChooseDialog, ConfirmDialog, unexpected
from mediator.tui.drafts import DraftStore, drafts_folder
from mediator.tui.messages import CasesChanged
from mediator.tui.text import literal
from mediator.tui.widgets.case_details import (
    CaseDetailsForm,
    References,
    load_references,
    type_choices,
)
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.form import (
    FormField,
    ParsedInput,
    amount_input,
    clear_errors,
    date_input,
    find_field,
    phone_input,
)
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.party_editor import PartyEditor
from mediator.tui.widgets.picker import CycleChoice, Picker
from mediator.tui.work import WorkFailed, post_result

DRAFT_NAME = "intake"


@dataclass
class IntakeLoaded(Message):
    """The choices of 登记 (villages, mediators) and the draft left from last time."""

    refs: References
    draft: Any


@dataclass
class CaseRegistered(Message):
    case_id: str
    case_no: str
    #: the township the case was 交办 to in the same transaction (a county, issue 22)
    assigned_to: str | None = None


@dataclass
class QuickLoaded(Message):
    refs: References


@dataclass
class QuickRegistered(Message):
    case_id: str
    case_no: str
    warnings: tuple[str, ...]
DRAFT_DELAY = 0.5




def repeat_rows(hits: list[RepeatHit]) -> list[tuple[str, Text]]:
    rows = []
    seen: set[str] = set()
    for h in hits:
        if h.case_id in seen:
            continue
        seen.add(h.case_id)
        why = {"id": t("intake.repeat_by_id"),
               "id_other_name": t("intake.repeat_by_id_other_name")}.get(
            h.reason, t("intake.repeat_by_phone"))
        label = Text()
        label.append(literal(h.case_no, "bold", one_line=False))
        label.append(f"  {h.state.label}  {h.registered_on.isoformat()}  ")
        label.append(literal(h.party_name, one_line=False))
        label.append(f"（{why}）", style="dim")
        rows.append((h.case_id, label))
    return rows


SCREEN_CSS = """
{cls} #form { padding: 0 1; }
{cls} .section-title { text-style: bold; color: $accent; padding: 1 0 0 0; }
{cls} .form-error { display: none; color: $error; height: auto; padding: 0 0 0 13; }
{cls} .form-error.-shown { display: block; }
{cls} Horizontal { height: auto; }
{cls} #add-party { margin: 0 0 0 13; width: auto; }
{cls} #parties { height: auto; }
"""


class _FormScreen(MediatorScreen[str | None]):
    """What 登记 and 简易登记 share: showing errors next to fields, opening repeats."""

    def show_error(self, exc: BaseException, general: str = "#form-error") -> None:
        if isinstance(exc, ValidationErrors):
            # every problem under its field; the focus goes to the first one in the form
            fields = list(self.query(FormField))
            placed = [(find_field(self, e.field), e) for e in exc.errors]
            for ff, e in placed:
                if ff is None:
                    self._show_general(e.message, e.field, general)
                else:
                    ff.set_error(e.message)
            found = [ff for ff, _ in placed if ff is not None]
            if found:
                first = min(found, key=fields.index)
                self._focus_in(first.widget)
                first.scroll_visible()
            return
        message = exc.message if isinstance(exc, MediatorError) else unexpected(exc)
        field = getattr(exc, "field", None)
        ff = find_field(self, field)
        if ff is not None:
            ff.set_error(message)
            self._focus_in(ff.widget)
            ff.scroll_visible()
            return
        self._show_general(message, field, general)

    def _show_general(self, message: str, field: str | None, general: str) -> None:
        target = general
        if field == "parties" and self.query("#parties-error"):
            target = "#parties-error"
        box = self.query_one(target, Static)
        box.update(Text(message))
        box.add_class("-shown")
        box.scroll_visible()

    def _focus_in(self, widget: Widget) -> None:
        if widget.focusable:
            widget.focus()
            return
        for inner in widget.query("Input, TextArea, Select"):
            if inner.focusable:
                inner.focus()
                return

    def clear_form_errors(self) -> None:
        clear_errors(self)
        for box in self.query(".form-error"):
            box.remove_class("-shown")

    def changed(self) -> None:
        self.app.post_message(CasesChanged())


# --------------------------------------------------------------------------------------------
# 登记


class IntakeScreen(_FormScreen):
    """登记: several parties and all the details of the dispute."""

    DEFAULT_CSS = SCREEN_CSS.replace("{cls}", "IntakeScreen") + """
IntakeScreen #assign-box { height: auto; }
IntakeScreen #assign-box.-hidden { display: none; }
IntakeScreen #assign-hint { color: $text-muted; padding: 0 0 0 13; height: auto; }
"""

    BINDINGS = [
        Binding("ctrl+s", "save", "intake.key.save", priority=True, id="intake.save"),
        Binding("escape", "leave", "intake.key.leave", id="intake.leave"),
        Binding("ctrl+n", "add_party", "intake.key.add_party", id="intake.add_party"),
    ]

    def __init__(
        self, *, open_after_save: bool = True
    ) -> None:
        super().__init__()
        translate_bindings(self)
        self._drafts: DraftStore | None = None
        self.open_after_save = open_after_save
        self._pristine: dict[str, Any] | None = None
        self._draft_timer: Any = None
        self._draft_lock = threading.Lock()
        self._drafts_closed = False
        self._saving = False
        self.ready = False

    @property
    def drafts(self) -> DraftStore:
        if self._drafts is None:
            self._drafts = DraftStore(drafts_folder(self.paths.data))
        return self._drafts

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Label(t("intake.section.parties"), classes="section-title")
            with Vertical(id="parties"):
                yield PartyEditor(0, role=PartyRole.APPLICANT)
                yield PartyEditor(1, role=PartyRole.RESPONDENT)
            yield Static("", id="parties-error", classes="form-error", markup=False)
            yield Button(t("intake.add_party"), id="add-party", compact=True)
            yield Label(t("intake.section.details"), classes="section-title")
            yield CaseDetailsForm(self.services.today, id="details")
            with Vertical(id="assign-box", classes="-hidden"):
                yield from self._assign_fields()
            yield Static("", id="form-error", classes="form-error", markup=False)
        yield Footer()

    def _assign_fields(self) -> ComposeResult:
        """交办 at a county (issue 22): shown once the townships below are known."""
        from datetime import timedelta

        from mediator.tui.dialogs.assign import DEFAULT_DAYS
        from mediator.tui.dialogs.base import plain_input, text_area
        from mediator.tui.widgets.select import Select

        yield Label(t("intake.section.assign"), classes="section-title")
        yield Static(t("intake.assign_hint"), id="assign-hint", markup=False)
        yield FormField(t("intake.assign_to"),
                        Select([], allow_blank=True, compact=True, id="f-assign-target",
                               prompt=t("intake.assign_none")),
                        field_name="target_code")
        yield FormField(t("assign.instruction"),
                        text_area(id="f-assign-instruction", height=3), field_name="instruction")
        today = self.services.today
        yield FormField(t("supervise.due"),
                        date_input((today() + timedelta(days=DEFAULT_DAYS)).isoformat(),
                                   today=today, id="f-assign-due", field_name="due_on"),
                        field_name="due_on")
        yield FormField(t("supervision.field.leader"), plain_input(id="f-assign-leader"),
                        field_name="leader")

    def on_mount(self) -> None:
        self.title = t("intake.title")
        self.sub_title = ""
        self._renumber()
        self.query_one(PartyEditor).focus_name()
        self._load_references()
        self._load_townships()

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-townships")
    def _load_townships(self) -> None:
        from mediator.core.supervision import can_assign_from
        from mediator.tui.dialogs.assign import TownshipsLoaded, load_townships

        def load() -> TownshipsLoaded:
            office = self.services.office()
            county = office is not None and can_assign_from(office.code)
            return TownshipsLoaded(load_townships(self.services) if county else [])

        post_result(self, "intake-townships", load)

    def on_townships_loaded(self, message: Any) -> None:
        from rich.text import Text as RichText

        from mediator.tui.dialogs.assign import township_label
        from mediator.tui.widgets.select import Select

        if not message.townships:
            return
        clean = self._pristine is not None and self.form_data() == self._pristine
        select = self.query_one("#f-assign-target", Select)
        select.set_options([(RichText(township_label(c, n)), c) for c, n in message.townships])
        self.query_one("#assign-box").remove_class("-hidden")
        if clean:   # still untouched: Esc leaves without asking
            self._pristine = self.form_data()

    @property
    def assigning(self) -> bool:
        return not self.query_one("#assign-box").has_class("-hidden")

    def assign_data(self) -> dict[str, Any]:
        from mediator.tui.widgets.select import Select

        target = self.query_one("#f-assign-target", Select).value
        return {"target": None if target is Select.NULL else str(target),
                "instruction": self.query_one("#f-assign-instruction", TextArea).text,
                "due": self.query_one("#f-assign-due", ParsedInput).value,
                "leader": self.query_one("#f-assign-leader", Input).value}

    # --- loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-load")
    def _load_references(self) -> None:
        post_result(self, "intake-load",
                    lambda: IntakeLoaded(load_references(self.services),
                                         self.drafts.load(DRAFT_NAME)))

    def on_intake_loaded(self, message: IntakeLoaded) -> None:
        self._loaded(message.refs, message.draft)

    def _loaded(self, refs: References, draft: Any) -> None:
        self.details.set_references(refs)
        self.call_after_refresh(self._capture_pristine, draft)

    def _capture_pristine(self, draft: Any) -> None:
        self._pristine = self.form_data()
        self.ready = True
        if draft is not None and draft.form and draft.form != self._pristine:
            when = draft.saved_at.astimezone().strftime("%Y-%m-%d %H:%M")
            self.app.push_screen(
                ConfirmDialog(
                    t("intake.draft_title"),
                    t("intake.draft_message", when=when),
                    t("intake.draft_restore"),
                    t("intake.draft_discard"),
                    safe=True,
                ),
                lambda restore: self._answer_draft(draft.form, bool(restore)),
            )

    async def _answer_draft(self, form: dict[str, Any], restore: bool) -> None:
        if restore:
            await self.restore(form)
        else:
            self._delete_draft(close=False)

    # --- form data -----------------------------------------------------------------------

    @property
    def details(self) -> CaseDetailsForm:
        return self.query_one("#details", CaseDetailsForm)

    @property
    def editors(self) -> list[PartyEditor]:
        return list(self.query_one("#parties").query_children(PartyEditor))

    def form_data(self) -> dict[str, Any]:
        data = {"parties": [e.to_dict() for e in self.editors], "details": self.details.raw()}
        if self.assigning:
            data["assign"] = self.assign_data()
        return data

    async def restore(self, form: dict[str, Any]) -> None:
        parties = [p for p in form.get("parties") or [] if isinstance(p, dict)]
        box = self.query_one("#parties")
        await box.remove_children()
        editors = [PartyEditor(i, p) for i, p in enumerate(parties)] or [
            PartyEditor(0, role=PartyRole.APPLICANT)
        ]
        await box.mount_all(editors)
        details = form.get("details")
        if isinstance(details, dict):
            self.details.load(details)
        self._renumber()

    def _renumber(self) -> None:
        editors = self.editors
        for i, editor in enumerate(editors):
            editor.set_index(i)
            editor.set_removable(len(editors) > 1)

    def case_input(self) -> CaseInput:
        """The form as the services take it, or every problem of it at once."""
        problems = Problems()
        parties = []
        for e in self.editors:
            if not (e.is_blank() and len(self.editors) > 1):
                with problems.check():
                    parties.append(e.to_input())
        d: dict[str, Any] = {}
        with problems.check():
            d = self.details.parse()
        problems.raise_if_any()
        return CaseInput(parties=parties, **d)  # no party at all: the service says so

    # --- drafts --------------------------------------------------------------------------

    def _schedule_draft(self) -> None:
        if not self.ready or self._drafts_closed:
            return
        if self._draft_timer is not None:
            self._draft_timer.stop()
        self._draft_timer = self.set_timer(DRAFT_DELAY, self._save_draft_now)

    def _save_draft_now(self) -> None:
        if self._drafts_closed:
            return
        data = self.form_data()
        if data == self._pristine:
            return
        self._write_draft(data)

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-draft")
    def _write_draft(self, data: dict[str, Any]) -> None:
        with self._draft_lock:
            if not self._drafts_closed:
                self.drafts.save(DRAFT_NAME, data)

    def _delete_draft(self, close: bool = True) -> None:
        with self._draft_lock:
            if close:
                self._drafts_closed = True
            self.drafts.delete(DRAFT_NAME)

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(CycleChoice.Changed)
    @on(Checkbox.Changed)
    @on(Picker.Changed)
    def _edited(self) -> None:
        self._schedule_draft()

    # --- parties -------------------------------------------------------------------------

    async def action_add_party(self) -> None:
        role = PartyRole.APPLICANT if not self.editors else PartyRole.RESPONDENT
        editor = PartyEditor(len(self.editors), role=role)
        await self.query_one("#parties").mount(editor)
        self._renumber()
        editor.focus_name()
        editor.scroll_visible()
        self._schedule_draft()

    @on(Button.Pressed, "#add-party")
    async def _add_party_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        await self.action_add_party()

    @on(PartyEditor.RemoveRequested)
    async def _remove_party(self, event: PartyEditor.RemoveRequested) -> None:
        if len(self.editors) <= 1:
            return
        await event.editor.remove()
        self._renumber()
        self._schedule_draft()

    @on(PartyEditor.OpenRepeats)
    def _open_repeats(self, event: PartyEditor.OpenRepeats) -> None:
        rows = repeat_rows(event.hits)
        self.app.push_screen(
            ChooseDialog(t("intake.repeat_title"), rows, message=t("intake.repeat_message")),
            self._open_repeat_case,
        )

    def _open_repeat_case(self, case_id: str | None) -> None:
        if case_id:
            self.mediator.open_case(case_id)

    # --- saving and leaving --------------------------------------------------------------

    def action_save(self) -> None:
        if self._saving:
            return
        self.clear_form_errors()
        try:
            data = self.case_input()
        except MediatorError as exc:
            self.show_error(exc)
            return
        assign = self.assign_data() if self.assigning else None
        if assign is not None and assign["target"] is not None:
            try:
                due = self.query_one("#f-assign-due", ParsedInput).parsed()
                if due is None:
                    raise ValidationError(t("caseact.required"), "due_on")
            except MediatorError as exc:
                self.show_error(exc)
                return
            self._saving = True
            self._register_assign(data, assign["target"], assign["instruction"], due,
                                  assign["leader"])
            return
        self._saving = True
        self._register(data)

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-save")
    def _register(self, data: CaseInput) -> None:
        def register() -> CaseRegistered:
            case = self.services.register_case(data)
            self._delete_draft(close=True)
            return CaseRegistered(case.case_id, case.case_no)

        post_result(self, "intake-save", register)

    @work(thread=True, exclusive=True, exit_on_error=False, group="intake-save")
    def _register_assign(self, data: CaseInput, target: str, instruction: str, due: date,
                         leader: str) -> None:
        """登记 and 交办 in one transaction (``SupervisionService.register_and_assign``)."""
        from mediator.core.supervision import SupervisionService

        def register() -> CaseRegistered:
            case_id, case_no, _ = SupervisionService(self.services).register_and_assign(
                target, data, instruction, due, leader)
            self._delete_draft(close=True)
            return CaseRegistered(case_id, case_no, target)

        post_result(self, "intake-save", register)

    def on_case_registered(self, message: CaseRegistered) -> None:
        case_id = message.case_id
        self.changed_case(case_id)
        saved = (t("intake.assigned", case_no=message.case_no, code=message.assigned_to)
                 if message.assigned_to else t("intake.saved", case_no=message.case_no))
        self.notify(
            Text(saved).plain,
            markup=False,
            title=t("intake.title"),
        )
        app = self.mediator
        self.dismiss(case_id)
        if self.open_after_save:
            app.open_case(case_id)

    def on_work_failed(self, message: WorkFailed) -> None:
        message.stop()
        if message.group == "intake-load":
            self.ready = True
            self._pristine = self.form_data()
        elif message.group == "intake-save":
            self._saving = False
        elif message.group == "intake-townships":
            return   # no 交办 section; 登记 itself still works
        self.show_error(message.error)

    def changed_case(self, case_id: str) -> None:
        self.app.post_message(CasesChanged(case_id))

    def action_leave(self) -> None:
        if self._saving:
            return
        if self._pristine is not None and self.form_data() == self._pristine:
            self._delete_draft(close=True)
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmDialog(
                t("intake.discard_title"),
                t("intake.discard_message"),
                t("intake.discard"),
                t("intake.keep_editing"),
                yes_variant="error",
            ),
            self._answer_leave,
        )

    def _answer_leave(self, discard: bool | None) -> None:
        if discard:
            if self._draft_timer is not None:
                self._draft_timer.stop()
            self._delete_draft(close=True)
            self.dismiss(None)


# --------------------------------------------------------------------------------------------
# 简易登记


class QuickDoneDialog(ModalScreen[str]):
    """After 简易登记: the case number, the warnings, and what next."""

    DEFAULT_CSS = (
        DIALOG_CSS.replace("{cls}", "QuickDoneDialog")
        + """
    QuickDoneDialog .warning { color: $warning; height: auto; }
    """
    )
    BINDINGS = [Binding("escape", "choose('back')", "caseact.close", id="quickdone.close")]

    def __init__(self, case_no: str, warnings: tuple[str, ...]) -> None:
        super().__init__()
        translate_bindings(self)
        self.case_no, self.warnings = case_no, warnings

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(Text(t("quick.done_title")), id="dialog-title")
            yield Static(Text(t("quick.done_message", case_no=self.case_no)), markup=False)
            for w in self.warnings:
                yield Static(Text("! " + w), classes="warning", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("quick.again"), id="again", variant="primary")
                yield Button(t("quick.open"), id="open")
                yield Button(t("quick.back"), id="back")

    def on_mount(self) -> None:
        self.query_one("#again", Button).focus()

    def action_choose(self, what: str) -> None:
        self.dismiss(what)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id or "back")


class QuickCaseScreen(_FormScreen):
    """简易登记: two parties, type, a line of facts, what was agreed, performed now or by a date."""

    DEFAULT_CSS = (
        SCREEN_CSS.replace("{cls}", "QuickCaseScreen")
        + """
    QuickCaseScreen #intro { color: $text-muted; padding: 0 0 1 0; }
    QuickCaseScreen #performed_now { border: none; padding: 0 1; margin: 0 0 0 13; }
    """
    )

    BINDINGS = [
        Binding("ctrl+s", "save", "quick.key.save", priority=True, id="quick.save"),
        Binding("escape", "leave", "quick.key.leave", id="quick.leave"),
    ]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self._saving = False
        self._default_mediator: str | None = None

    def compose(self) -> ComposeResult:
        today = self.services.today
        yield Header()
        with VerticalScroll(id="form"):
            yield Static(Text(t("quick.intro")), id="intro")
            with Horizontal():
                yield FormField(
                    t("quick.applicant"),
                    Input(compact=True, id="a_name"),
                    field_name="parties.0.name",
                    required=True,
                )
                yield FormField(
                    t("casew.party.phone"),
                    phone_input(id="a_phone", field_name="parties.0.phone"),
                    field_name="parties.0.phone",
                )
            with Horizontal():
                yield FormField(
                    t("quick.respondent"),
                    Input(compact=True, id="b_name"),
                    field_name="parties.1.name",
                    required=True,
                )
                yield FormField(
                    t("casew.party.phone"),
                    phone_input(id="b_phone", field_name="parties.1.phone"),
                    field_name="parties.1.phone",
                )
            with Horizontal():
                yield FormField(
                    t("casew.f.dispute_type"),
                    Picker(type_choices(), id="dispute_type"),
                    field_name="dispute_type",
                    required=True,
                )
                yield FormField(
                    t("casew.f.village"), Picker([], id="village_code"), field_name="village_code"
                )
            yield FormField(
                t("quick.facts"),
                Input(compact=True, id="facts", placeholder=t("quick.facts_ph")),
                field_name="facts",
                required=True,
            )
            yield FormField(
                t("quick.terms"),
                Input(compact=True, id="terms", placeholder=t("quick.terms_ph")),
                field_name="terms",
                required=True,
            )
            yield FormField(
                t("casew.f.amount"),
                amount_input(id="amount", field_name="amount_fen"),
                field_name="amount_fen",
            )
            yield Checkbox(t("quick.performed_now"), True, id="performed_now", compact=True)
            yield FormField(
                t("quick.due_on"),
                date_input(today=today, id="due_on", field_name="obligations", disabled=True),
                field_name="obligations",
            )
            yield Static("", id="form-error", classes="form-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.title = t("quick.title")
        self.query_one("#a_name", Input).focus()
        self._load_references()

    @work(thread=True, exclusive=True, exit_on_error=False, group="quick-load")
    def _load_references(self) -> None:
        post_result(self, "quick-load", lambda: load_references(self.services), QuickLoaded)

    def on_quick_loaded(self, message: QuickLoaded) -> None:
        self._default_mediator = message.refs.default_mediator
        self.query_one("#village_code", Picker).set_choices(message.refs.villages)

    @on(Checkbox.Changed, "#performed_now")
    def _performed_now(self, event: Checkbox.Changed) -> None:
        due = self.query_one("#due_on", Input)
        due.disabled = event.value
        if event.value:
            obligations = find_field(self, "obligations")
            if obligations is not None:
                obligations.clear()

    def inputs(self) -> tuple[CaseInput, AgreementInput]:
        """The form as the services take it, or every problem of it at once: what cannot be
        read (a phone, a date, an amount, a type not in the list) and what the services'
        own checks (``core.checks``, the same functions the services run) find."""
        from mediator.core import checks
        from mediator.core.enums import DisputeType

        def val(wid: str) -> str:
            return self.query_one(f"#{wid}", Input).value

        problems = Problems()
        today = self.services.today()
        names = []
        parties = []
        for role, n, p in ((PartyRole.APPLICANT, "a_name", "a_phone"),
                           (PartyRole.RESPONDENT, "b_name", "b_phone")):
            name = normalise(val(n))
            phone = None
            with problems.check():
                phone = self.query_one(f"#{p}", ParsedInput).parsed()
            parties.append(PartyInput(name=name, role=role, phone=phone))
            names.append(name)
        dtype = self.query_one("#dispute_type", Picker)
        if dtype.value is None:
            key = "casew.picker_no_match" if normalise(dtype.text) else "casew.f.type_required"
            problems.add(ValidationError(t(key, text=normalise(dtype.text)), "dispute_type"))
        village = self.query_one("#village_code", Picker)
        if village.value is None and normalise(village.text):
            problems.add(ValidationError(
                t("casew.picker_no_match", text=normalise(village.text)), "village_code"))
        facts = normalise(val("facts"))
        terms = normalise(val("terms"))
        amount = 0
        with problems.check():
            amount = self.query_one("#amount", ParsedInput).parsed() or 0
        now = self.query_one("#performed_now", Checkbox).value
        obligations: list[ObligationInput] = []
        due: date | None = None
        if not now:
            with problems.check():
                due = self.query_one("#due_on", ParsedInput).parsed()
            if due is None:
                problems.add(ValidationError(t("quick.due_required"), "obligations"))
            else:
                obligations.append(ObligationInput(due_on=due, amount_fen=amount,
                                                   description=terms, obligor=names[1]))
        case = CaseInput(
            parties=parties,
            dispute_type=DisputeType(dtype.value or DisputeType.OTHER.name),
            source=CaseSource.APPLICATION,
            registered_on=today,
            facts=facts,
            village_code=village.value,
            mediator_id=self._default_mediator,
        )
        agreement = AgreementInput(
            form=AgreementForm.ORAL,
            effective_on=today,
            terms=terms,
            amount_fen=amount,
            performed_now=now,
            perform_by=due,
            obligations=obligations,
        )
        with problems.check():
            checks.check_case(case, today)
        with problems.check():
            checks.check_agreement(agreement, today)
        problems.raise_if_any()
        return case, agreement

    def action_save(self) -> None:
        if self._saving:
            return
        self.clear_form_errors()
        try:
            case, agreement = self.inputs()
        except MediatorError as exc:
            self.show_error(exc)
            return
        self._saving = True
        self._register(case, agreement)

    @work(thread=True, exclusive=True, exit_on_error=False, group="quick-save")
    def _register(self, case: CaseInput, agreement: AgreementInput) -> None:
        def register() -> QuickRegistered:
            outcome = self.services.quick_oral_case(case, agreement)
            case_no = self.services.find_case(outcome.case_id).case_no
            return QuickRegistered(outcome.case_id, case_no, outcome.warnings)

        post_result(self, "quick-save", register)

    def on_quick_registered(self, message: QuickRegistered) -> None:
        case_id = message.case_id
        self._saving = False
        self.app.post_message(CasesChanged(case_id))
        self.app.push_screen(
            QuickDoneDialog(message.case_no, message.warnings),
            lambda what: self._after_done(what, case_id),
        )

    def on_work_failed(self, message: WorkFailed) -> None:
        message.stop()
        if message.group == "quick-save":
            self._saving = False
        self.show_error(message.error)

    def _after_done(self, what: str | None, case_id: str) -> None:
        if what == "again":
            self.reset()
        elif what == "open":
            app = self.mediator
            self.dismiss(case_id)
            app.open_case(case_id)
        else:
            self.dismiss(case_id)

    def reset(self) -> None:
        for wid in ("a_name", "a_phone", "b_name", "b_phone", "facts", "terms", "amount", "due_on"):
            self.query_one(f"#{wid}", Input).value = ""
        self.query_one("#dispute_type", Picker).set_value(None)
        self.query_one("#performed_now", Checkbox).value = True
        self.clear_form_errors()
        self.query_one("#a_name", Input).focus()

    def _dirty(self) -> bool:
        return any(
            normalise(self.query_one(f"#{w}", Input).value)
            for w in ("a_name", "a_phone", "b_name", "b_phone", "facts", "terms", "amount")
        )

    def action_leave(self) -> None:
        if self._saving:
            return
        if not self._dirty():
            self.dismiss(None)
            return
        self.app.push_screen(
            ConfirmDialog(
                t("intake.discard_title"),
                t("intake.discard_message"),
                t("intake.discard"),
                t("intake.keep_editing"),
                yes_variant="error",
            ),
            lambda discard: self.dismiss(None) if discard else None,
        )
