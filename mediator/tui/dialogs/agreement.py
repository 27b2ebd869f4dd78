"""达成协议 (oral or written, with instalments), 登记履行 with its proof, and 司法确认.

An oral agreement that carries money or obligations must be written (人民调解法 §28); the
service returns that warning and the case file shows it. Each instalment becomes an
obligation with its own 履行回访 on its due date.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from mediator.core.enums import AgreementForm, JudicialResult
from mediator.core.errors import ValidationError
from mediator.core.money import format_fen
from mediator.core.referral import referring_court
from mediator.core.rules import Action, judicial_deadline
from mediator.core.services import AgreementInput, CaseFile, ObligationInput, Outcome
from mediator.core.validate import normalise
from mediator.i18n import t
from mediator.tui.dialogs.base import enum_select, plain_input, text_area
from mediator.tui.dialogs.case_actions import CaseDialog
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.form import (
    FormField,
    ParsedInput,
    amount_input,
    date_input,
)
from mediator.tui.widgets.inputs import Input
from mediator.tui.widgets.select import Select


class InstalmentRow(Horizontal):
    """One instalment or duty: due date, amount, what, who. Two lines (due, amount, what /
    who, remove), so that 'what' keeps a readable width at 80 columns (issue 18: it was 9
    cells, "偿款第一期"); the Tab order stays due, amount, what, who."""

    DEFAULT_CSS = """
    InstalmentRow { layout: grid; grid-size: 4; grid-columns: 4 14 14 1fr; grid-rows: auto;
                    height: auto; margin: 0 0 0 0; }
    InstalmentRow > .inst-no { width: 4; color: $text-muted; }
    InstalmentRow > .inst-due { width: 14; }
    InstalmentRow > .inst-amount { width: 12; margin: 0 1; }
    InstalmentRow > .inst-what { width: 1fr; }
    InstalmentRow > .inst-who { column-span: 3; width: 1fr; margin: 0 0 0 4; }
    InstalmentRow > Button { width: 4; min-width: 4; margin: 0 0 0 1; }
    """

    def __init__(self, today: Callable[[], date], number: int) -> None:
        super().__init__(classes="instalment")
        self._today = today
        self.number = number

    def compose(self) -> ComposeResult:
        yield Static(f"{self.number}.", classes="inst-no")
        yield date_input(today=self._today, classes="inst-due", placeholder=t("caseact.inst.due"))
        yield amount_input(classes="inst-amount", placeholder=t("caseact.inst.amount"))
        yield Input(compact=True, classes="inst-what", placeholder=t("caseact.inst.what"))
        yield Input(compact=True, classes="inst-who", placeholder=t("caseact.inst.who"))
        yield Button(
            "x",
            classes="inst-remove",
            compact=True,
            variant="error",
            tooltip=t("caseact.inst.remove"),
        )

    def set_number(self, n: int) -> None:
        self.number = n
        self.query_one(".inst-no", Static).update(f"{n}.")

    def is_blank(self) -> bool:
        return not any(normalise(w.value) for w in self.query(Input))

    def to_input(self) -> ObligationInput:
        prefix = t("caseact.inst.prefix", n=self.number)
        try:
            due = self.query_one(".inst-due", ParsedInput).parsed()
            amount = self.query_one(".inst-amount", ParsedInput).parsed() or 0
        except ValidationError as exc:
            raise ValidationError(prefix + exc.message, "obligations") from None
        if due is None:
            raise ValidationError(prefix + t("caseact.inst.due_required"), "obligations")
        return ObligationInput(
            due_on=due,
            amount_fen=amount,
            description=normalise(self.query_one(".inst-what", Input).value),
            obligor=normalise(self.query_one(".inst-who", Input).value) or None,
        )


class InstalmentList(Vertical):
    DEFAULT_CSS = """
    InstalmentList { height: auto; width: 1fr; }
    InstalmentList > #inst-add { width: auto; }
    """

    def __init__(self, today: Callable[[], date], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._today = today

    def compose(self) -> ComposeResult:
        yield Button(t("caseact.inst.add"), id="inst-add", compact=True)

    @property
    def rows(self) -> list[InstalmentRow]:
        return list(self.query_children(InstalmentRow))

    def add_row(self) -> InstalmentRow:
        row = InstalmentRow(self._today, len(self.rows) + 1)
        self.mount(row, before=self.query_one("#inst-add"))
        return row

    @on(Button.Pressed, "#inst-add")
    def _add(self, event: Button.Pressed) -> None:
        event.stop()
        row = self.add_row()
        self.call_after_refresh(lambda: row.query_one(".inst-due", Input).focus())

    @on(Button.Pressed, ".inst-remove")
    def _remove(self, event: Button.Pressed) -> None:
        event.stop()
        row = event.button.parent
        if isinstance(row, InstalmentRow):
            row.remove()
            self.call_after_refresh(self._renumber)

    def _renumber(self) -> None:
        for i, row in enumerate(self.rows, start=1):
            row.set_number(i)

    def value(self) -> list[ObligationInput]:
        return [r.to_input() for r in self.rows if not r.is_blank()]


def performance_fields(today: Callable[[], date]) -> ComposeResult:
    """履行方式, 履行地点, 履行期限: what a written agreement states of its performance (the
    agreement dialog and 补签书面协议 ask the same)."""
    yield FormField(
        t("caseact.f.perform_method"), plain_input(id="f-method"), field_name="perform_method"
    )
    yield FormField(
        t("caseact.f.perform_place"), plain_input(id="f-place"), field_name="perform_place"
    )
    yield FormField(
        t("caseact.f.perform_by"),
        date_input(today=today, id="f-perform_by", field_name="perform_by"),
        field_name="perform_by",
    )


class AgreementDialog(CaseDialog):
    """达成协议: form, effect date, terms, money, how/where/by when, instalments."""

    action = Action.AGREE

    def form(self) -> ComposeResult:
        yield FormField(
            t("caseact.f.agreement_form"),
            enum_select(AgreementForm, AgreementForm.WRITTEN, id="f-form"),
            field_name="form",
            required=True,
        )
        yield self.date_field("effective_on", t("caseact.f.effective_on"))
        yield FormField(
            t("caseact.f.terms"),
            text_area(id="f-terms", height=5),
            field_name="terms",
            required=True,
        )
        yield FormField(
            t("caseact.f.responsibilities"),
            text_area(id="f-resp", height=2),
            field_name="responsibilities",
        )
        yield FormField(
            t("casew.f.amount"),
            amount_input(id="f-amount", field_name="amount_fen"),
            field_name="amount_fen",
            hint=t("caseact.amount_hint"),
        )
        yield from performance_fields(self.today)
        yield Checkbox(t("caseact.f.performed_now"), id="performed_now", compact=True)
        yield FormField(
            t("caseact.f.instalments"),
            InstalmentList(self.today, id="instalments"),
            field_name="obligations",
        )

    def build(self) -> Callable[[], Outcome]:
        form = AgreementForm(self.select_value("form"))
        effective = self.on_date("effective_on")
        terms = self.text("terms")  # required: the service says so under the field
        obligations = self.query_one("#instalments", InstalmentList).value()
        amount = self.parsed("amount_fen")
        if amount is None:
            amount = sum(o.amount_fen for o in obligations)
        data = AgreementInput(
            form=form,
            effective_on=effective,
            terms=terms,
            amount_fen=amount,
            responsibilities=self.text("responsibilities"),
            perform_place=self.text("perform_place") or None,
            perform_method=self.text("perform_method") or None,
            perform_by=self.parsed("perform_by"),
            obligations=obligations,
            performed_now=self.checked("performed_now"),
        )
        return lambda: self.services.record_agreement(self.case_id, data)


class RecordPerformanceDialog(CaseDialog):
    """登记履行: which obligation, how much was paid now (a part payment leaves a balance),
    when, and the proof (收据号, 转账记录…)."""

    action = Action.RECORD_PERFORMANCE

    def __init__(self, cf: CaseFile, obligation_id: str | None = None) -> None:
        super().__init__(cf)
        self.open_items = [o for o in cf.obligations if o.performed_on is None]
        self.obligation_id = obligation_id
        #: the amount field's text as last filled in from the chosen obligation's balance
        self._prefill = ""

    @staticmethod
    def balance(o: Any) -> int:
        return max(o.amount_fen - o.paid_fen, 0)

    def _balance_text(self, obligation_id: Any) -> str:
        o = next((o for o in self.open_items if o.id == obligation_id), None)
        return format_fen(self.balance(o)) if o is not None and o.amount_fen else ""

    def form(self) -> ComposeResult:
        options = []
        for o in self.open_items:
            if o.paid_fen:
                text = t("caseact.obligation_label_part", n=o.seq, due=o.due_on.isoformat(),
                         amount=format_fen(o.amount_fen), paid=format_fen(o.paid_fen),
                         balance=format_fen(self.balance(o)))
            elif o.amount_fen:
                text = t("caseact.obligation_label", n=o.seq, due=o.due_on.isoformat(),
                         amount=format_fen(o.amount_fen))
            else:
                text = t("caseact.obligation_label", n=o.seq, due=o.due_on.isoformat(),
                         amount="0.00")
            label = Text(text)
            if o.description:
                label.append("  ")
                label.append(Text(o.description[:40]))
            options.append((label, o.id))
        chosen = self.obligation_id or (options[0][1] if options else None)
        yield FormField(
            t("caseact.f.obligation"),
            Select(
                options,
                value=chosen if chosen else Select.NULL,
                allow_blank=not options,
                compact=True,
                id="f-obligation",
            ),
            field_name="obligation",
            required=True,
        )
        self._prefill = self._balance_text(chosen)
        yield FormField(
            t("caseact.f.paid_amount"),
            amount_input(self._prefill, id="f-amount", field_name="amount",
                         placeholder=t("caseact.f.paid_amount_ph")),
            field_name="amount",
        )
        yield self.date_field("on", t("caseact.f.performed_on"))
        yield FormField(
            t("caseact.f.proof"),
            plain_input(id="f-proof", placeholder=t("caseact.f.proof_ph")),
            field_name="proof",
        )

    @on(Select.Changed, "#f-obligation")
    def _chosen(self, event: Select.Changed) -> None:
        """The amount follows the chosen obligation's balance unless the clerk typed one."""
        amount = self.query_one("#f-amount", Input)
        fill = self._balance_text(event.value)
        if amount.value == self._prefill and fill != self._prefill:
            amount.value = fill
        self._prefill = fill

    def build(self) -> Callable[[], Outcome]:
        ob = self.select_value("obligation")
        if not ob:
            raise ValidationError(t("caseact.no_open_obligation"), "obligation")
        # a money obligation needs the amount paid now (prefilled with its balance)
        amount = self.parsed("amount", required=bool(self._balance_text(ob)))
        on_ = self.on_date("on")
        proof = self.text("proof")
        return lambda: self.services.record_performance(ob, on_, proof, amount)


class JudicialApplyDialog(CaseDialog):
    action = Action.JUDICIAL_APPLY

    def form(self) -> ComposeResult:
        if self.cf.agreement is not None:
            until = judicial_deadline(self.cf.agreement.effective_on).isoformat()
            yield Static(Text(t("caseact.judicial_window", date=until)), classes="dialog-hint")
        yield self.date_field("on", t("caseact.f.applied_on"))
        yield FormField(t("caseact.f.court"),
                        plain_input(referring_court(self.cf.case), id="f-court"),
                        field_name="court")

    def build(self) -> Callable[[], Outcome]:
        on_ = self.on_date("on")
        court = self.text("court")
        return lambda: self.services.judicial_apply(self.case_id, on_, court)


class JudicialResultDialog(CaseDialog):
    action = Action.JUDICIAL_RESULT

    def form(self) -> ComposeResult:
        yield FormField(
            t("caseact.f.judicial_result"),
            enum_select(
                JudicialResult,
                JudicialResult.CONFIRMED,
                id="f-result",
                members=[JudicialResult.CONFIRMED, JudicialResult.REJECTED],
            ),
            field_name="result",
            required=True,
        )
        yield self.date_field("on", t("caseact.f.decided_on"))
        yield FormField(t("caseact.f.judicial_ref"), plain_input(id="f-ref"), field_name="ref")

    def build(self) -> Callable[[], Outcome]:
        result = JudicialResult(self.select_value("result"))
        on_ = self.on_date("on")
        ref = self.text("ref")
        return lambda: self.services.judicial_result(self.case_id, result, on_, ref)


class PutInWritingDialog(CaseDialog):
    """补签书面协议: the oral agreement's terms (as recorded, to be corrected as signed) and
    what a written agreement states besides: each side's responsibility and how, where and
    by when it is performed."""

    action = Action.PUT_IN_WRITING

    def form(self) -> ComposeResult:
        ag = self.cf.agreement
        yield Static(Text(t("caseact.put_in_writing_hint")), classes="dialog-hint")
        yield self.date_field("on", t("caseact.f.on"))
        yield FormField(
            t("caseact.f.terms"),
            text_area(ag.terms if ag else "", id="f-terms", height=4),
            field_name="terms",
            required=True,
        )
        yield FormField(
            t("caseact.f.responsibilities"),
            text_area(ag.responsibilities if ag else "", id="f-resp", height=2),
            field_name="responsibilities",
        )
        yield from performance_fields(self.today)

    def build(self) -> Callable[[], Outcome]:
        on_ = self.on_date("on")
        terms = self.text("terms")
        if not normalise(terms):
            raise ValidationError(t("svc.terms_required"), "terms")
        resp = self.text("responsibilities")
        method = self.text("perform_method") or None
        place = self.text("perform_place") or None
        by = self.parsed("perform_by")
        return lambda: self.services.put_agreement_in_writing(
            self.case_id, terms, resp, method, place, by, on_)
