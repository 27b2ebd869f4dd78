"""设置 — the office's identity, mediators, villages, the office's 回访 policy and success-rate
denominator (issue 24), and this PC's preferences (operator name,
language, theme, screen glyphs, risk colours). People and places live in the database (changed through
Services, audited); preferences live in ``config.toml`` (``mediator.core.config``)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label, Static, TabbedContent, TabPane

from mediator.core.config import Config
from mediator.core.enums import RiskGrade
from mediator.core.errors import MediatorError, ValidationError
from mediator.core.glyphs import GLYPH_MODES, normalise_glyph_mode, use_safe_glyphs
from mediator.core.models import Mediator, Office, Village
from mediator.core.policy import RATE_BASES, Policy, get_policy, set_policy
from mediator.core.validate import normalise
from mediator.i18n import get_language, normalise_language, t
from mediator.tui.base import ReloadingScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.messages import CasesChanged
from mediator.tui.text import literal, plain
from mediator.tui.widgets.case_list import parse_colour, risk_style
from mediator.tui.widgets.data_table import DataTable
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.nav import NavBar
from mediator.tui.widgets.office_form import OfficeForm, OfficeValues
from mediator.tui.widgets.select import Select
from mediator.tui.work import WorkFailed

LANGUAGES = (("zh_CN", "中文"), ("en", "English"))


@dataclass
class SettingsLoaded(Message):
    office: Office | None
    mediators: list[Mediator]
    villages: list[Village]


@dataclass
class Saved(Message):
    """A change went through: clear the form it came from and reload."""

    form: str


@dataclass
class Failed(Message):
    form: str
    message: str


@dataclass
class OfficeRefused(Message):
    error: ValidationError


@dataclass
class PolicyLoaded(Message):
    policy: Policy


@dataclass
class PolicyRefused(Message):
    error: ValidationError


class OfficeCreated(Message):
    """The office now exists (created on the settings screen of an office-less database)."""


class SettingsScreen(ReloadingScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+r", "reload", "tui.key.reload", show=False, id="settings.reload")]

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.office: Office | None = None
        self.mediators: dict[str, Mediator] = {}
        self.policy: Policy | None = None

    # --- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield NavBar("settings")
        with TabbedContent(id="settings-tabs"):
            with TabPane(t("tui.settings.tab_office"), id="tab-office"), VerticalScroll():
                yield Static(Content(t("tui.settings.loading")), id="office-view")
                with Vertical(id="office-init"):
                    yield Static(Content(t("tui.settings.office_missing")), classes="hint")
                    yield OfficeForm(with_operator=False)
                    yield Button(Content(t("tui.settings.office_create")), id="office-create",
                                 variant="primary")
            with TabPane(t("tui.settings.tab_mediators"), id="tab-mediators"):
                yield DataTable(id="mediators", cursor_type="row")
                with Horizontal(classes="add-row"):
                    yield Input(placeholder=t("tui.settings.med_name"), id="med-name", compact=True,
                                max_length=50)
                    yield Input(placeholder=t("tui.settings.med_phone"), id="med-phone",
                                compact=True, max_length=20)
                    yield Input(placeholder=t("tui.settings.med_title"), id="med-title",
                                compact=True, max_length=30)
                    yield Button(Content(t("tui.settings.add")), id="med-add", compact=True,
                                 variant="primary")
                    yield Button(Content(t("tui.settings.med_toggle")), id="med-toggle",
                                 compact=True)
                yield Static(Content(""), id="med-error", classes="error")
            with TabPane(t("tui.settings.tab_villages"), id="tab-villages"):
                yield DataTable(id="villages", cursor_type="row")
                with Horizontal(classes="add-row"):
                    yield Input(placeholder=t("tui.settings.vil_code"), id="vil-code", compact=True,
                                max_length=12)
                    yield Input(placeholder=t("tui.settings.vil_name"), id="vil-name", compact=True,
                                max_length=50)
                    yield Button(Content(t("tui.settings.add")), id="vil-add", compact=True,
                                 variant="primary")
                yield Static(Content(""), id="vil-error", classes="error")
            with TabPane(t("polx.tab"), id="tab-policy"):
                yield from self._policy()
            with TabPane(t("tui.settings.tab_prefs"), id="tab-prefs"):
                yield from self._prefs()
        yield Footer()

    def _policy(self) -> ComposeResult:
        """The office's 回访 policy and success-rate denominator (issue 24; also
        ``mediator screening policy``): stored in the database, so every PC of the office
        uses the same."""
        with VerticalScroll(id="policy"):
            for name in ("success_days", "risk_days"):
                with Horizontal(classes="form-row"):
                    yield Label(Content(t(f"polx.{name}")))
                    yield Input(id=f"pol-{name}", compact=True, max_length=4)
                yield Static(Content(""), id=f"pol-{name}-error", classes="error")
            yield Static(Content(t("polx.days_hint")), classes="hint")
            with Horizontal(classes="form-row"):
                yield Label(Content(t("polx.rate_basis")))
                yield Select([(Content(t(f"polx.basis.{b}")), b) for b in RATE_BASES],
                             allow_blank=True, id="pol-rate_basis", compact=True)
            yield Static(Content(""), id="pol-rate_basis-error", classes="error")
            yield Static(Content(""), id="pol-definition", classes="hint")
            yield Button(Content(t("tui.settings.save")), id="pol-save", variant="primary")
            yield Static(Content(""), id="pol-status")

    def _prefs(self) -> ComposeResult:
        cfg: Config = self.config
        with VerticalScroll(id="prefs"):
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.settings.operator")))
                yield Input(value=cfg.operator or self.mediator.operator,
                            id="pref-operator", compact=True, max_length=20)
            yield Static(Content(""), id="pref-operator-error", classes="error")
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.settings.language")))
                yield Select([(Content(label), code) for code, label in LANGUAGES],
                             value=_language_value(cfg.language), allow_blank=False,
                             id="pref-language", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("tui.settings.theme")))
                yield Select([(Content(t("tui.settings.theme_dark")), "dark"),
                              (Content(t("tui.settings.theme_light")), "light")],
                             value="light" if self.app.theme == "textual-light" else "dark",
                             allow_blank=False, id="pref-theme", compact=True)
            with Horizontal(classes="form-row"):
                yield Label(Content(t("glyphs.setting")))
                yield Select([(Content(t(f"glyphs.mode.{mode}")), mode) for mode in GLYPH_MODES],
                             value=normalise_glyph_mode(cfg.glyphs), allow_blank=False,
                             id="pref-glyphs", compact=True)
            yield Static(Content(t("glyphs.setting_hint")), classes="hint")
            yield Static(Content(t("tui.settings.risk_colours")), classes="section")
            for grade in RiskGrade:
                with Horizontal(classes="form-row"):
                    yield Label(Content(grade.label))
                    yield Input(value=cfg.risk_colours.get(grade.name, ""), id=f"risk-{grade.name}",
                                compact=True, max_length=30)
                    yield Static(self._badge(grade, cfg.risk_colours.get(grade.name, "")),
                                 id=f"risk-{grade.name}-preview", classes="badge")
                yield Static(Content(""), id=f"risk-{grade.name}-error", classes="error")
            yield Static(Content(t("tui.settings.risk_hint")), classes="hint")
            yield Button(Content(t("tui.settings.save")), id="pref-save", variant="primary")
            yield Static(Content(""), id="pref-status")

    @staticmethod
    def _badge(grade: RiskGrade, colour: str) -> Text:
        return Text(f" {grade.label} ", style=risk_style(colour))

    def on_mount(self) -> None:
        self.mediator.watch_data(self)
        if self.app.is_headless:
            for widget in self.query(Input):
                widget.cursor_blink = False
        meds = self.query_one("#mediators", DataTable)
        for key in ("name", "phone", "title", "status"):
            meds.add_column(Text(t(f"tui.settings.med_col.{key}")), key=key)
        vils = self.query_one("#villages", DataTable)
        for key in ("code", "name"):
            vils.add_column(Text(t(f"tui.settings.vil_col.{key}")), key=key)
        self.query_one("#office-init").display = False
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    # --- loading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="settings-load", exit_on_error=False)
    def reload(self) -> None:
        svc: Any = self.services
        try:
            self.post_message(SettingsLoaded(svc.office(), svc.mediators(include_inactive=True),
                                             svc.villages()))
            self.post_message(PolicyLoaded(get_policy(svc)))
        except Exception as exc:  # noqa: BLE001 - reported by the app
            self.post_message(WorkFailed("settings", exc))

    def on_settings_loaded(self, msg: SettingsLoaded) -> None:
        self.office = msg.office
        view = self.query_one("#office-view", Static)
        if msg.office is None:
            view.update(Content(t("tui.settings.office_none")))
            self.query_one("#office-init").display = True
        else:
            o = msg.office
            text = Text()
            for label, value in ((t("tui.office.name"), o.name), (t("tui.office.short"), o.short_name),
                                 (t("tui.office.code"), o.code)):
                text.append(t("tui.settings.field_label", label=label), style="bold")
                text.append_text(literal(value))
                text.append("\n")
            text.append(t("tui.settings.office_fixed"), style="dim")
            view.update(text)
            self.query_one("#office-init").display = False
            self.mediator.set_office_title(o.name)
            code = self.query_one("#vil-code", Input)
            if not code.value:
                code.value = o.code[:9]
        meds = self.query_one("#mediators", DataTable)
        keep = meds.cursor_row
        meds.clear()
        self.mediators = {m.id: m for m in msg.mediators}
        for m in msg.mediators:
            status = t("tui.settings.active") if m.active else t("tui.settings.inactive")
            meds.add_row(literal(m.name), literal(m.phone or ""), literal(m.title or ""),
                         Text(status, style="" if m.active else "dim"), key=m.id)
        if msg.mediators:
            meds.move_cursor(row=min(max(keep, 0), len(msg.mediators) - 1))
        vils = self.query_one("#villages", DataTable)
        vils.clear()
        for v in msg.villages:
            vils.add_row(Text(v.code), literal(v.name), key=v.id)

    # --- office --------------------------------------------------------------------------

    @on(Button.Pressed, "#office-create")
    def _create_office(self) -> None:
        values = self.query_one(OfficeForm).values()
        if values is not None:
            self._init_office(values)

    @work(thread=True, exclusive=True, group="settings-save", exit_on_error=False)
    def _init_office(self, values: OfficeValues) -> None:
        try:
            self.services.init_office(values.name, values.short_name, values.code)
        except ValidationError as exc:
            self.post_message(OfficeRefused(exc))
            return
        except Exception as exc:  # noqa: BLE001 - reported by the app
            self.post_message(WorkFailed("settings", exc))
            return
        self.post_message(OfficeCreated())

    # --- mediators -----------------------------------------------------------------------

    @on(Input.Submitted, "#med-name, #med-phone, #med-title")
    @on(Button.Pressed, "#med-add")
    def _add_mediator(self) -> None:
        name = self.query_one("#med-name", Input).value
        if not normalise(name):
            self.on_failed(Failed("med", t("svc.mediator_name_required")))
            self.query_one("#med-name", Input).focus()
            return
        self._save("med", "add_mediator", name, self.query_one("#med-phone", Input).value or None,
                   self.query_one("#med-title", Input).value or None)

    @on(Button.Pressed, "#med-toggle")
    def _toggle_mediator(self) -> None:
        meds = self.query_one("#mediators", DataTable)
        if not meds.row_count:
            self.on_failed(Failed("med", t("tui.settings.med_none_selected")))
            return
        key = meds.coordinate_to_cell_key(meds.cursor_coordinate).row_key.value
        mediator = self.mediators.get(key or "")
        if mediator is not None:
            self._save("med-toggle", "update_mediator", mediator.id, active=not mediator.active)

    # --- villages ------------------------------------------------------------------------

    @on(Input.Submitted, "#vil-code, #vil-name")
    @on(Button.Pressed, "#vil-add")
    def _add_village(self) -> None:
        name = self.query_one("#vil-name", Input).value
        if not normalise(name):
            self.on_failed(Failed("vil", t("svc.village_name_required")))
            self.query_one("#vil-name", Input).focus()
            return
        self._save("vil", "add_village", self.query_one("#vil-code", Input).value, name)

    # --- saving people and places ----------------------------------------------------------

    @work(thread=True, exclusive=True, group="settings-save", exit_on_error=False)
    def _save(self, form: str, method: str, *args: Any, **kwargs: Any) -> None:
        try:
            getattr(self.services, method)(*args, **kwargs)
        except MediatorError as exc:
            self.post_message(Failed(form, exc.message))
            return
        except Exception as exc:  # noqa: BLE001 - reported by the app
            self.post_message(WorkFailed("settings", exc))
            return
        self.post_message(Saved(form))

    def on_failed(self, msg: Failed) -> None:
        target = "med" if msg.form.startswith("med") else msg.form
        self.query_one(f"#{target}-error", Static).update(Content(plain(msg.message)))

    def on_office_refused(self, msg: OfficeRefused) -> None:
        self.query_one(OfficeForm).show_error(msg.error)

    def on_office_created(self, msg: OfficeCreated) -> None:
        self.mediator.office_ready()

    def on_saved(self, msg: Saved) -> None:
        if msg.form == "med":
            for field in ("#med-name", "#med-phone", "#med-title"):
                self.query_one(field, Input).value = ""
            self.query_one("#med-name", Input).focus()
            self.query_one("#med-error", Static).update(Content(t("tui.settings.med_added")))
        elif msg.form == "med-toggle":
            self.query_one("#med-error", Static).update(Content(""))
        elif msg.form == "vil":
            self.query_one("#vil-name", Input).value = ""
            code = self.query_one("#vil-code", Input)
            code.value = self.office.code[:9] if self.office else ""
            code.focus()
            self.query_one("#vil-error", Static).update(Content(t("tui.settings.vil_added")))
        elif msg.form == "pol":
            self.query_one("#pol-status", Static).update(Content(t("polx.saved")))
        self.app.post_message(CasesChanged())

    # --- 回访 policy and success-rate denominator (issue 24) ------------------------------

    def on_policy_loaded(self, msg: PolicyLoaded) -> None:
        """Fill the form when the stored policy differs from what it was last filled with, so
        a reload (another change in the data) does not wipe what is being typed."""
        if msg.policy == self.policy:
            return
        self.policy = msg.policy
        self.query_one("#pol-success_days", Input).value = str(msg.policy.success_days)
        self.query_one("#pol-risk_days", Input).value = str(msg.policy.risk_days)
        self.query_one("#pol-rate_basis", Select).value = msg.policy.rate_basis

    @on(Select.Changed, "#pol-rate_basis")
    def _show_definition(self, event: Select.Changed) -> None:
        value = event.value
        self.query_one("#pol-definition", Static).update(
            Content(t(f"report.rate_def.{value}") if value in RATE_BASES else ""))

    @on(Input.Submitted, "#pol-success_days, #pol-risk_days")
    @on(Button.Pressed, "#pol-save")
    def _save_policy(self) -> None:
        days: dict[str, int] = {}
        for name in ("success_days", "risk_days"):
            raw = normalise(self.query_one(f"#pol-{name}", Input).value)
            try:
                days[name] = int(raw)
            except ValueError:
                days[name] = -1  # refused below, with the range in the message
            ok = 0 <= days[name] <= 366 and raw.isdigit()
            self._policy_error(name, "" if ok else t("polx.bad_days", value=plain(raw)))
        basis = self.query_one("#pol-rate_basis", Select).value
        self._policy_error("rate_basis", "" if basis in RATE_BASES else t("polx.need_basis"))
        status = self.query_one("#pol-status", Static)
        bad = [n for n in ("success_days", "risk_days", "rate_basis")
               if self.query_one(f"#pol-{n}-error", Static).has_class("-shown")]
        if bad:
            status.update(Content(""))
            self.query_one(f"#pol-{bad[0]}").focus()
            return
        self._store_policy(days["success_days"], days["risk_days"], str(basis))

    @work(thread=True, exclusive=True, group="settings-save", exit_on_error=False)
    def _store_policy(self, success_days: int, risk_days: int, basis: str) -> None:
        try:
            policy = set_policy(self.services, success_days=success_days, risk_days=risk_days,
                                rate_basis=basis)
        except ValidationError as exc:
            self.post_message(PolicyRefused(exc))
            return
        except Exception as exc:  # noqa: BLE001 - reported by the app
            self.post_message(WorkFailed("settings", exc))
            return
        self.post_message(PolicyLoaded(policy))
        self.post_message(Saved("pol"))

    def on_policy_refused(self, msg: PolicyRefused) -> None:
        name = msg.error.field if msg.error.field in ("risk_days", "rate_basis") else "success_days"
        self._policy_error(name, msg.error.message)

    def _policy_error(self, name: str, message: str) -> None:
        widget = self.query_one(f"#pol-{name}-error", Static)
        widget.update(Content(message))
        widget.set_class(bool(message), "-shown")

    # --- preferences ---------------------------------------------------------------------

    @on(Input.Changed, "#prefs Input")
    def _preview(self, event: Input.Changed) -> None:
        if event.input.id and event.input.id.startswith("risk-"):
            grade = RiskGrade(event.input.id.removeprefix("risk-"))
            self.query_one(f"#risk-{grade.name}-preview", Static).update(
                self._badge(grade, normalise(event.value)))

    @on(Button.Pressed, "#pref-save")
    def _save_prefs(self) -> None:
        cfg: Config = self.config
        ok = True
        operator = normalise(self.query_one("#pref-operator", Input).value)
        self._pref_error("operator", "" if operator else t("tui.office.operator_required"))
        ok &= bool(operator)
        colours = {}
        for grade in RiskGrade:
            value = normalise(self.query_one(f"#risk-{grade.name}", Input).value).lower()
            if parse_colour(value) is not None:
                self._pref_error(grade.name, "")
                colours[grade.name] = value
            else:
                self._pref_error(grade.name, t("tui.settings.bad_colour", value=plain(value)))
                ok = False
        status = self.query_one("#pref-status", Static)
        if not ok:
            status.update(Content(""))
            return
        language = str(self.query_one("#pref-language", Select).value)
        theme = str(self.query_one("#pref-theme", Select).value)
        glyphs = str(self.query_one("#pref-glyphs", Select).value)
        new = replace(cfg, operator=operator, language=language, theme=theme, glyphs=glyphs,
                      risk_colours={**cfg.risk_colours, **colours}, problem=None)
        try:
            self.mediator.save_settings(new)
        except OSError as exc:
            status.update(Content(t("tui.settings.save_failed", error=str(exc))))
            return
        note = t("tui.settings.saved")
        if normalise_language(language) != get_language():
            note += " " + t("tui.settings.language_restart")
        if use_safe_glyphs(glyphs) != self.mediator.safe_glyphs:
            note += " " + t("glyphs.restart")
        status.update(Content(note))

    def _pref_error(self, field: str, message: str) -> None:
        widget = self.query_one("#pref-operator-error" if field == "operator"
                                else f"#risk-{field}-error", Static)
        widget.update(Content(message))
        widget.set_class(bool(message), "-shown")


def _language_value(configured: str) -> str:
    try:
        return normalise_language(configured or get_language())
    except ValueError:
        return "zh_CN"
