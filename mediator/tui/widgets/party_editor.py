"""One party of a case being registered: role, person or organisation, name, ID, phone, address.

The ID number fills in birth date and gender as it is typed. When the ID (or the name with the
phone) already appears in other cases, the editor says so ("此人另有 3 件案件") and offers to
open them: a repeat visitor is something the mediator must know before mediating.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static

from mediator.core.enums import PartyKind, PartyRole
from mediator.core.errors import Problems, ValidationError
from mediator.core.services import PartyInput, RepeatHit
from mediator.core.validate import normalise, parse_phone, parse_resident_id
from mediator.i18n import t
from mediator.tui.base import MediatorNode
from mediator.tui.widgets.form import FormField, ParsedInput, id_input, phone_input
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.picker import CycleChoice
from mediator.tui.work import WorkFailed, post_result

LOOKUP_DELAY = 0.35

PARTY_FIELDS = ("role", "kind", "name", "id_number", "phone", "address")


def role_options() -> list[tuple[str, str | None]]:
    return [(r.label, r.name) for r in PartyRole]


def kind_options() -> list[tuple[str, str | None]]:
    return [(k.label, k.name) for k in PartyKind]


class PartyEditor(MediatorNode, Vertical):
    """The inputs of one party; ``index`` is its position in the form (0-based)."""

    DEFAULT_CSS = """
    PartyEditor { height: auto; border-left: wide $primary-muted; padding: 0 0 0 1;
                  margin: 0 0 1 0; }
    PartyEditor > .pe-row { height: auto; }
    PartyEditor #role, PartyEditor #kind { margin: 0 0 0 1; }
    PartyEditor .pe-remove { width: auto; min-width: 6; margin: 0 0 0 1; }
    PartyEditor > .pe-repeat { height: auto; }
    PartyEditor > .pe-repeat > Static { width: auto; color: $warning; padding: 0 1 0 13; }
    PartyEditor > .pe-repeat > Button { width: auto; min-width: 8; }
    """

    class RemoveRequested(Message):
        def __init__(self, editor: PartyEditor):
            super().__init__()
            self.editor = editor

    class RepeatsFound(Message):
        """Parties in other cases that look like this one (the worker's answer)."""

        def __init__(self, hits: list[RepeatHit]):
            super().__init__()
            self.hits = hits

    class OpenRepeats(Message):
        def __init__(self, editor: PartyEditor, hits: list[RepeatHit]):
            super().__init__()
            self.editor = editor
            self.hits = hits

    def __init__(
        self,
        index: int,
        data: dict[str, Any] | None = None,
        *,
        role: PartyRole = PartyRole.APPLICANT,
        id: str | None = None,
    ):
        super().__init__(id=id, classes="party-editor")
        self.index = index
        data = dict(data or {})
        self._initial = {
            "role": data.get("role") if data.get("role") in PartyRole.__members__ else role.name,
            "kind": data.get("kind")
            if data.get("kind") in PartyKind.__members__
            else PartyKind.PERSON.name,
            "name": str(data.get("name") or ""),
            "id_number": str(data.get("id_number") or ""),
            "phone": str(data.get("phone") or ""),
            "address": str(data.get("address") or ""),
        }
        self.repeats: list[RepeatHit] = []
        self._id_kind = self._initial["kind"]
        self._lookup_timer: Any = None
        self._lookup_key: tuple[str, str, str] | None = None

    def _today(self) -> date:
        return self.services.today()

    def compose(self) -> ComposeResult:
        i = self._initial
        with Horizontal(classes="pe-row"):
            yield FormField(
                t("casew.party.name"),
                Input(i["name"], compact=True, id="name", placeholder=t("casew.party.name_ph")),
                field_name=self._fname("name"),
                required=True,
            )
            yield CycleChoice(
                role_options(), i["role"], id="role", tooltip=t("casew.party.cycle_tip")
            )
            yield CycleChoice(
                kind_options(), i["kind"], id="kind", tooltip=t("casew.party.cycle_tip")
            )
            remove = Button(
                t("casew.party.remove"),
                id="remove",
                classes="pe-remove",
                compact=True,
                variant="error",
            )
            remove.can_focus = False  # clicked; keeps Tab moving through the inputs only
            yield remove
        with Horizontal(classes="pe-row"):
            yield FormField(
                self._id_label(i["kind"]),
                self._make_id_input(i["kind"], i["id_number"]),
                field_name=self._fname("id_number"),
                id="ff-id",
            )
            yield FormField(
                t("casew.party.phone"),
                phone_input(i["phone"], id="phone", field_name=self._fname("phone")),
                field_name=self._fname("phone"),
            )
        yield FormField(
            t("casew.party.address"),
            Input(i["address"], compact=True, id="address"),
            field_name=self._fname("address"),
        )

    def _fname(self, name: str) -> str:
        return f"parties.{self.index}.{name}"

    def _id_label(self, kind: str) -> str:
        return (
            t("casew.party.org_code")
            if kind == PartyKind.ORGANISATION.name
            else t("casew.party.id")
        )

    def _make_id_input(self, kind: str, value: str) -> Input:
        if kind == PartyKind.ORGANISATION.name:
            return ParsedInput(
                value,
                parser=normalise,
                id="id_number",
                field_name=self._fname("id_number"),
                placeholder=t("casew.party.org_code_ph"),
            )
        return id_input(
            value, today=self._today, id="id_number", field_name=self._fname("id_number")
        )

    def set_index(self, index: int) -> None:
        """Renumber after another party was removed (errors are routed by index)."""
        self.index = index
        for ff in self.query(FormField):
            ff.field_name = self._fname(ff.field_name.rsplit(".", 1)[-1])
        for pi in self.query(ParsedInput):
            pi.field_name = self._fname(pi.field_name.rsplit(".", 1)[-1]) if pi.field_name else None

    def set_removable(self, removable: bool) -> None:
        self.query_one("#remove", Button).display = removable

    # --- values --------------------------------------------------------------------------

    def _value(self, wid: str) -> str:
        return self.query_one(f"#{wid}", Input).value

    @property
    def role(self) -> str:
        return str(self.query_one("#role", CycleChoice).value)

    @property
    def kind(self) -> str:
        return str(self.query_one("#kind", CycleChoice).value)

    def to_dict(self) -> dict[str, str]:
        return {
            "role": self.role,
            "kind": self.kind,
            "name": self._value("name"),
            "id_number": self._value("id_number"),
            "phone": self._value("phone"),
            "address": self._value("address"),
        }

    def is_blank(self) -> bool:
        d = self.to_dict()
        return not any(normalise(d[k]) for k in ("name", "id_number", "phone", "address"))

    def to_input(self) -> PartyInput:
        """The party as the services take it; parse errors name this party's field, all of
        them at once."""
        d = self.to_dict()
        kind = PartyKind(d["kind"])
        name = normalise(d["name"])
        problems = Problems()
        if not name:
            problems.add(ValidationError(
                t("svc.party_name_required", n=self.index + 1), self._fname("name")
            ))
        p = PartyInput(
            name=name, role=PartyRole(d["role"]), kind=kind, address=normalise(d["address"]) or None
        )
        idno = normalise(d["id_number"])
        if idno:
            if kind is PartyKind.ORGANISATION:
                p.org_code = idno
            else:
                with problems.check():
                    rid = parse_resident_id(idno, today=self._today(),
                                            field=self._fname("id_number"))
                    p.id_number, p.birth_date, p.gender = rid.number, rid.birth_date, rid.gender
        phone = normalise(d["phone"])
        if phone:
            with problems.check():
                p.phone = parse_phone(phone, field=self._fname("phone"))
        problems.raise_if_any()
        return p

    # --- events --------------------------------------------------------------------------

    @on(CycleChoice.Changed, "#kind")
    async def _kind_changed(self, event: CycleChoice.Changed) -> None:
        event.stop()
        kind = str(event.value)
        if kind == self._id_kind:
            return
        self._id_kind = kind
        ff = self.query_one("#ff-id", FormField)
        old = ff.widget
        value = old.value if isinstance(old, Input) else ""
        await old.remove()
        new = self._make_id_input(kind, value)
        ff.widget = new
        ff.set_label(self._id_label(kind))
        await ff.mount(new)
        ff.clear()
        self.post_message(Input.Changed(new, value))  # keeps drafts and lookups current

    @on(Button.Pressed, "#remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.RemoveRequested(self))

    @on(Button.Pressed, "#repeat-open")
    def _open_repeats(self, event: Button.Pressed) -> None:
        event.stop()
        if self.repeats:
            self.post_message(self.OpenRepeats(self, list(self.repeats)))

    @on(Input.Changed)
    def _identity_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("name", "id_number", "phone"):
            if self._lookup_timer is not None:
                self._lookup_timer.stop()
            self._lookup_timer = self.set_timer(LOOKUP_DELAY, self._start_lookup)

    def _lookup_args(self) -> tuple[str, str, str]:
        d = self.to_dict()
        idno = ""
        if d["kind"] == PartyKind.PERSON.name:
            try:
                idno = parse_resident_id(d["id_number"], today=self._today()).number
            except ValidationError:
                idno = ""
        name = normalise(d["name"])
        try:
            phone = parse_phone(d["phone"]) if normalise(d["phone"]) else ""
        except ValidationError:
            phone = ""
        # the name goes with an ID too: the same ID under another name is worth a warning
        return idno, (name if phone or idno else ""), phone if name else ""

    def _start_lookup(self) -> None:
        args = self._lookup_args()
        if args == self._lookup_key:
            return
        self._lookup_key = args
        if not args[0] and not (args[1] and args[2]):
            self.show_repeats([])
            return
        self._lookup(*args)

    @work(thread=True, exclusive=True, exit_on_error=False, group="repeat-lookup")
    def _lookup(self, idno: str, name: str, phone: str) -> None:
        post_result(self, "repeat-lookup", lambda: self.services.find_repeat_parties(
            id_number=idno or None, name=name or None, phone=phone or None
        ), self.RepeatsFound)

    def on_party_editor_repeats_found(self, message: RepeatsFound) -> None:
        message.stop()
        self.show_repeats(list(message.hits))

    def on_work_failed(self, message: WorkFailed) -> None:
        if message.group != "repeat-lookup":
            return
        message.stop()
        # a failed lookup only hides the hint; the form keeps working, the log keeps why
        from mediator.core.logs import log_exception

        log_exception(message.error, "repeat lookup")

    def show_repeats(self, hits: list[RepeatHit]) -> None:
        """Say how many other cases this party has (the notice is mounted when first needed)."""
        self.repeats = hits
        boxes = self.query(".pe-repeat")
        if not hits:
            if boxes:
                boxes.first().display = False
            return
        message = Text(t("casew.party.repeat", n=len({h.case_id for h in hits})))
        others = sorted({h.party_name for h in hits if h.reason == "id_other_name"})
        if others:
            message.append("\n" + t("casew.party.id_other_name", names="、".join(others)))
        if boxes:
            box = boxes.first()
            box.query_one("#repeat-msg", Static).update(message)
            box.display = True
        else:
            self.mount(
                Horizontal(
                    Static(message, id="repeat-msg", markup=False),
                    Button(t("casew.party.repeat_open"), id="repeat-open", compact=True),
                    classes="pe-repeat",
                )
            )

    def focus_name(self) -> None:
        self.query_one("#name", Input).focus()


def blank_party_data(role: PartyRole) -> dict[str, str]:
    return {
        "role": role.name,
        "kind": PartyKind.PERSON.name,
        "name": "",
        "id_number": "",
        "phone": "",
        "address": "",
    }
