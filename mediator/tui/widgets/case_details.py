"""The details of a dispute, shared by 登记 (new case) and 修改信息 (edit a case).

Type, source, village and mediator are chosen by typing part of the label. The 疑难案件 fields
(包案领导 / 责任人 / 化解时限 / 稳控措施) appear when the case is marked hard, the petition fields
(渠道, 收到日期) when the source is 信访转交. ``raw()``/``load()`` move the typed text in and out
unparsed (drafts keep exactly what was typed); ``parse()`` returns checked values named like the
services' fields, raising ValidationError with that name so the message lands next to the input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import TextArea

from mediator.core.enums import CaseSource, DisputeType, PetitionChannel, ReferralKind, RiskGrade
from mediator.core.errors import Problems, ValidationError
from mediator.core.models import Mediator, Village
from mediator.core.money import format_fen
from mediator.core.services import Services
from mediator.core.validate import normalise
from mediator.i18n import t
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.form import (
    FormField,
    ParsedInput,
    amount_input,
    date_input,
    find_field,
    int_input,
)
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.picker import Choice, CycleChoice, Picker, make_choices

TEXT_FIELDS = ("facts", "requests", "stabilising_measures")
INPUT_FIELDS = (
    "registered_on",
    "persons_involved",
    "amount_fen",
    "lead_official",
    "responsible_person",
    "resolve_by",
    "petition_received_on",
    "referral_on",
)
PICKER_FIELDS = ("dispute_type", "source", "village_code", "mediator_id")
SELECT_FIELDS = ("risk_grade", "petition_channel", "referral_kind")
#: the referral record's plain text inputs (issue 25 point 3), shown for a referred source
REFERRAL_TEXT = ("referral_body", "referral_no")
REFERRED = tuple(k.source.name for k in ReferralKind)
CHECK_FIELDS = ("group_dispute", "is_hard")


def type_choices() -> list[Choice]:
    """Dispute types by label or statistics code (02 邻里). No pinyin here: loading the pinyin
    dictionary takes seconds and would stall opening the form; labels are short enough."""
    return make_choices(
        [(d.name, d.label) for d in DisputeType],
        codes={d.name: d.code for d in DisputeType},
        pinyin=False,
    )


def source_choices() -> list[Choice]:
    return make_choices([(s.name, s.label) for s in CaseSource], pinyin=False)


def village_choices(villages: Sequence[Village]) -> list[Choice]:
    """Villages by name, code or pinyin initials (qsc 青山村); build these in a worker thread."""
    return make_choices(
        [(v.code, v.name) for v in villages], codes={v.code: v.code for v in villages}
    )


def mediator_choices(mediators: Sequence[Mediator]) -> list[Choice]:
    return make_choices([(m.id, m.name) for m in mediators])


@dataclass(frozen=True)
class References:
    """The village and mediator lists of a form, ready to show (built off the UI thread)."""

    villages: list[Choice]
    mediators: list[Choice]
    #: the operator's own mediator record, chosen by default in new cases
    default_mediator: str | None = None


def load_references(services: Services, *, include_inactive: bool = False) -> References:
    """Read villages and mediators and build their choices. Call it in a thread worker: it
    reads the database and may load the pinyin dictionary."""
    villages = services.villages()
    mediators = services.mediators(include_inactive=include_inactive)
    same = [m.id for m in mediators if m.name == services.operator]
    return References(
        village_choices(villages), mediator_choices(mediators), same[0] if len(same) == 1 else None
    )


def _text_area(text: str, wid: str, height: int) -> TextArea:
    ta = TextArea(
        text, id=wid, compact=True, soft_wrap=True, show_line_numbers=False, tab_behavior="focus"
    )
    ta.styles.height = height
    return ta


class CaseDetailsForm(Vertical):
    """All case-level inputs; ``with_registered_on`` adds the 登记日期 (new cases only)."""

    DEFAULT_CSS = """
    CaseDetailsForm { height: auto; }
    CaseDetailsForm > Horizontal { height: auto; }
    CaseDetailsForm > .cd-section { height: auto; display: none; border-left: wide $warning-muted;
                                    padding: 0 0 0 1; }
    CaseDetailsForm > .cd-section.-shown { display: block; }
    CaseDetailsForm > .cd-section > Horizontal { height: auto; }
    CaseDetailsForm .cd-check { height: auto; padding: 0 0 0 13; }
    CaseDetailsForm Checkbox { border: none; padding: 0 1; margin: 0 2 0 0; }
    """

    def __init__(
        self, today: Callable[[], date], *, with_registered_on: bool = True, id: str | None = None
    ):
        super().__init__(id=id)
        self._today = today
        self.with_registered_on = with_registered_on
        self._group_touched = False
        self._auto_group = False

    def compose(self) -> ComposeResult:
        today = self._today
        with Horizontal():
            yield FormField(
                t("casew.f.dispute_type"),
                Picker(type_choices(), id="dispute_type"),
                field_name="dispute_type",
                required=True,
            )
            yield FormField(
                t("casew.f.source"),
                Picker(source_choices(), CaseSource.APPLICATION.name, id="source"),
                field_name="source",
            )
        with Horizontal():
            yield FormField(
                t("casew.f.village"), Picker([], id="village_code"), field_name="village_code"
            )
            yield FormField(
                t("casew.f.mediator"), Picker([], id="mediator_id"), field_name="mediator_id"
            )
        with Horizontal():
            if self.with_registered_on:
                yield FormField(
                    t("casew.f.registered_on"),
                    date_input(
                        today().isoformat(),
                        today=today,
                        id="registered_on",
                        field_name="registered_on",
                    ),
                    field_name="registered_on",
                )
            yield FormField(
                t("casew.f.risk_grade"),
                CycleChoice(
                    [(r.label, r.name) for r in RiskGrade],
                    RiskGrade.GENERAL.name,
                    id="risk_grade",
                    tooltip=t("casew.party.cycle_tip"),
                ),
                field_name="risk_grade",
            )
        yield FormField(
            t("casew.f.facts"), _text_area("", "facts", 4), field_name="facts", required=True
        )
        yield FormField(t("casew.f.requests"), _text_area("", "requests", 2), field_name="requests")
        with Horizontal():
            yield FormField(
                t("casew.f.persons"),
                int_input(
                    id="persons_involved",
                    field_name="persons_involved",
                    label=t("casew.f.persons"),
                    placeholder=t("casew.f.persons_ph"),
                ),
                field_name="persons_involved",
            )
            yield FormField(
                t("casew.f.amount"),
                amount_input(id="amount_fen", field_name="amount_fen"),
                field_name="amount_fen",
            )
        with Horizontal(classes="cd-check"):
            yield Checkbox(t("casew.f.group_dispute"), id="group_dispute", compact=True)
            yield Checkbox(t("casew.f.is_hard"), id="is_hard", compact=True)
        with Vertical(classes="cd-section", id="hard-section"):
            with Horizontal():
                yield FormField(
                    t("casew.f.lead_official"),
                    Input(compact=True, id="lead_official"),
                    field_name="lead_official",
                    required=True,
                )
                yield FormField(
                    t("casew.f.responsible_person"),
                    Input(compact=True, id="responsible_person"),
                    field_name="responsible_person",
                )
            yield FormField(
                t("casew.f.resolve_by"),
                date_input(today=today, id="resolve_by", field_name="resolve_by"),
                field_name="resolve_by",
            )
            yield FormField(
                t("casew.f.measures"),
                _text_area("", "stabilising_measures", 2),
                field_name="stabilising_measures",
            )
        with Horizontal(classes="cd-section", id="petition-section"):
            yield FormField(
                t("casew.f.petition_channel"),
                CycleChoice(
                    [(t("casew.f.choose"), None)] + [(c.label, c.name) for c in PetitionChannel],
                    id="petition_channel",
                    tooltip=t("casew.party.cycle_tip"),
                ),
                field_name="petition_channel",
            )
            yield FormField(
                t("casew.f.petition_received_on"),
                date_input(
                    today=today, id="petition_received_on", field_name="petition_received_on"
                ),
                field_name="petition_received_on",
                required=True,
            )
        with Vertical(classes="cd-section", id="referral-section"):
            with Horizontal():
                yield FormField(
                    t("casew.f.referral_kind"),
                    CycleChoice(
                        [(t("casew.referral.none"), None)]
                        + [(k.label, k.name) for k in ReferralKind],
                        id="referral_kind",
                        tooltip=t("casew.party.cycle_tip"),
                    ),
                    field_name="referral_kind",
                )
                yield FormField(
                    t("svc.field.referral_on"),
                    date_input(today=today, id="referral_on", field_name="referral_on"),
                    field_name="referral_on",
                )
            with Horizontal():
                yield FormField(
                    t("casew.f.referral_body"),
                    Input(compact=True, id="referral_body"),
                    field_name="referral_body",
                )
                yield FormField(
                    t("casew.f.referral_no"),
                    Input(compact=True, id="referral_no"),
                    field_name="referral_no",
                )

    # --- reference lists ------------------------------------------------------------------

    def set_references(self, refs: References) -> None:
        """Fill the village and mediator lists (loaded in a worker by the screen)."""
        vp = self.query_one("#village_code", Picker)
        mp = self.query_one("#mediator_id", Picker)
        m_text = mp.text
        vp.set_choices(refs.villages)
        mp.set_choices(refs.mediators)
        if mp.value is None and not m_text and refs.default_mediator:
            mp.set_value(refs.default_mediator)
        # a first-day office has neither list yet: say where they are made, instead of a
        # picker that silently offers nothing
        for name, choices, key in (("village_code", refs.villages, "casew.hint.no_villages"),
                                   ("mediator_id", refs.mediators, "casew.hint.no_mediators")):
            field = find_field(self, name)
            if field is not None and field.default_hint != ("" if choices else t(key)):
                field.default_hint = "" if choices else t(key)
                field.clear()

    # --- visibility -----------------------------------------------------------------------

    def _sync_sections(self) -> None:
        self.query_one("#hard-section").set_class(
            self.query_one("#is_hard", Checkbox).value, "-shown"
        )
        petition = self.query_one("#source", Picker).value == CaseSource.PETITION.name
        self.query_one("#petition-section").set_class(petition, "-shown")
        referred = self.query_one("#source", Picker).value in REFERRED
        self.query_one("#referral-section").set_class(referred, "-shown")

    def on_mount(self) -> None:
        self._sync_sections()

    @on(Checkbox.Changed, "#is_hard")
    def _hard(self) -> None:
        self._sync_sections()

    @on(Checkbox.Changed, "#group_dispute")
    def _group(self, event: Checkbox.Changed) -> None:
        if not self._auto_group:
            self._group_touched = True
        self._auto_group = False

    @on(Picker.Changed, "#source")
    def _source(self) -> None:
        self._sync_sections()

    @on(Input.Changed, "#persons_involved")
    def _persons(self, event: Input.Changed) -> None:
        """Five or more people make a 群体性纠纷, unless the user decided otherwise."""
        if self._group_touched:
            return
        try:
            n = int(normalise(event.value))
        except ValueError:
            return
        box = self.query_one("#group_dispute", Checkbox)
        if box.value != (n >= 5):
            self._auto_group = True
            box.value = n >= 5

    # --- values ---------------------------------------------------------------------------

    def raw(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            out[name] = self.query_one(f"#{name}", TextArea).text
        for name in INPUT_FIELDS:
            found = self.query(f"#{name}")
            if found:
                out[name] = found.first(Input).value
        for name in PICKER_FIELDS:
            p = self.query_one(f"#{name}", Picker)
            out[name] = {"value": p.value, "text": p.text}
        for name in SELECT_FIELDS:
            out[name] = self.query_one(f"#{name}", CycleChoice).value
        for name in CHECK_FIELDS:
            out[name] = self.query_one(f"#{name}", Checkbox).value
        for name in REFERRAL_TEXT:
            out[name] = self.query_one(f"#{name}", Input).value
        out["group_touched"] = self._group_touched
        return out

    def load(self, data: dict[str, Any]) -> None:
        """Put values back (a draft, or an existing case to edit)."""
        for name in TEXT_FIELDS:
            if name in data:
                self.query_one(f"#{name}", TextArea).text = str(data[name] or "")
        for name in INPUT_FIELDS:
            found = self.query(f"#{name}")
            if found and name in data:
                found.first(Input).value = str(data[name] or "")
        for name in PICKER_FIELDS:
            if name in data:
                item = data[name]
                p = self.query_one(f"#{name}", Picker)
                if isinstance(item, dict):
                    if item.get("value"):
                        p.set_value(item["value"])
                    else:
                        p.set_text(str(item.get("text") or ""))
                else:
                    p.set_value(item)
        for name in SELECT_FIELDS:
            if name in data:
                self.query_one(f"#{name}", CycleChoice).set_value(data[name] or None)
        for name in REFERRAL_TEXT:
            if name in data:
                self.query_one(f"#{name}", Input).value = str(data[name] or "")
        self._group_touched = bool(data.get("group_touched", True))
        for name in CHECK_FIELDS:
            if name in data:
                box = self.query_one(f"#{name}", Checkbox)
                if box.value != bool(data[name]):
                    if name == "group_dispute":
                        self._auto_group = True
                    box.value = bool(data[name])
        self._sync_sections()

    def parse(self) -> dict[str, Any]:
        """Checked values named like CaseInput's fields; every problem at once (see
        :class:`~mediator.core.errors.Problems`)."""
        out: dict[str, Any] = {}
        problems = Problems()
        dtype = self.query_one("#dispute_type", Picker)
        if dtype.value is None:
            key = "casew.picker_no_match" if normalise(dtype.text) else "casew.f.type_required"
            problems.add(ValidationError(t(key, text=normalise(dtype.text)), "dispute_type"))
        else:
            out["dispute_type"] = DisputeType(dtype.value)
        source = self.query_one("#source", Picker)
        if source.value is None and normalise(source.text):
            problems.add(ValidationError(t("casew.picker_no_match", text=normalise(source.text)),
                                         "source"))
        out["source"] = CaseSource(source.value or CaseSource.APPLICATION.name)
        for name in ("village_code", "mediator_id"):
            p = self.query_one(f"#{name}", Picker)
            if p.value is None and normalise(p.text):
                problems.add(ValidationError(t("casew.picker_no_match", text=normalise(p.text)),
                                             name))
            out[name] = p.value
        parsed = ["persons_involved", "amount_fen", "resolve_by"]
        if self.with_registered_on:
            parsed.insert(0, "registered_on")
        for name in parsed:
            out[name] = None
            with problems.check():
                out[name] = self._parsed(name)
        out["amount_fen"] = out["amount_fen"] or 0
        out["risk_grade"] = RiskGrade(self.query_one("#risk_grade", CycleChoice).value)
        out["facts"] = self.query_one("#facts", TextArea).text
        out["requests"] = self.query_one("#requests", TextArea).text
        out["group_dispute"] = self.query_one("#group_dispute", Checkbox).value
        hard = self.query_one("#is_hard", Checkbox).value
        out["is_hard"] = hard
        out["lead_official"] = normalise(self.query_one("#lead_official", Input).value) or None
        out["responsible_person"] = (
            normalise(self.query_one("#responsible_person", Input).value) or None
        )
        out["stabilising_measures"] = (
            normalise(self.query_one("#stabilising_measures", TextArea).text) or None
        )
        # a hard case needs its leading official: the service checks it (checks.check_case)
        if not hard:
            for name in (
                "lead_official",
                "responsible_person",
                "resolve_by",
                "stabilising_measures",
            ):
                out[name] = None
        out["petition_channel"] = None
        out["petition_received_on"] = None
        if out["source"] is CaseSource.PETITION:
            ch = self.query_one("#petition_channel", CycleChoice).value
            out["petition_channel"] = PetitionChannel(ch) if ch else None
            with problems.check():  # required: the service checks it
                out["petition_received_on"] = self._parsed("petition_received_on")
        # the referral regime and record (issue 25 point 3): only for a referred source
        for name in ("referral_kind", "referral_on", *REFERRAL_TEXT):
            out[name] = None
        if out["source"].name in REFERRED:
            kind = self.query_one("#referral_kind", CycleChoice).value
            out["referral_kind"] = ReferralKind(kind) if kind else None
            for name in REFERRAL_TEXT:
                out[name] = normalise(self.query_one(f"#{name}", Input).value) or None
            with problems.check():
                out["referral_on"] = self._parsed("referral_on")
        problems.raise_if_any()
        return out

    def _parsed(self, name: str) -> Any:
        return self.query_one(f"#{name}", ParsedInput).parsed()

    def from_case(self, case: Any) -> dict[str, Any]:
        """The load() form of an existing case (for 修改信息)."""
        return {
            "facts": case.facts,
            "requests": case.requests,
            "stabilising_measures": case.stabilising_measures or "",
            "persons_involved": str(case.persons_involved or ""),
            "amount_fen": format_fen(case.amount_fen) if case.amount_fen else "",
            "lead_official": case.lead_official or "",
            "responsible_person": case.responsible_person or "",
            "resolve_by": case.resolve_by.isoformat() if case.resolve_by else "",
            "petition_received_on": case.petition_received_on.isoformat()
            if case.petition_received_on
            else "",
            "dispute_type": case.dispute_type,
            "source": case.source,
            "village_code": case.village_code,
            "mediator_id": case.mediator_id,
            "risk_grade": case.risk_grade,
            "petition_channel": case.petition_channel,
            "referral_kind": case.referral_kind,
            "referral_on": case.referral_on.isoformat() if case.referral_on else "",
            "referral_body": case.referral_body or "",
            "referral_no": case.referral_no or "",
            "group_dispute": case.group_dispute,
            "is_hard": case.is_hard,
            "group_touched": True,
        }
