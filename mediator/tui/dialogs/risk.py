"""激化风险: record an escalation risk on a case (case file, ``k``) or on a screening item
(排查 screen, ``k``) — signs, measures, whom it was reported to, outcome, and what it prevented.
The service refuses a prevention claimed without the report, the outcome or the persons."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult

from mediator.core.enums import Prevention
from mediator.core.risk import RiskInput, RiskRow, Risks
from mediator.i18n import t
from mediator.tui.dialogs.base import FormDialog, plain_input, text_area
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.form import FormField, date_input, int_input


class RiskDialog(FormDialog[RiskRow]):
    """One 激化风险 record; dismissed with the saved row."""

    def __init__(self, *, case_id: str | None = None, item_id: str | None = None,
                 subject: str = "") -> None:
        self.title_text = t("tui.risk.title", subject=subject)
        super().__init__()
        self.case_id, self.item_id = case_id, item_id

    def form(self) -> ComposeResult:
        yield FormField(t("tui.risk.f.on"), date_input(self.today().isoformat(), today=self.today, id="f-on",
                                                       field_name="occurred_on"),
                        field_name="occurred_on", required=True)
        yield FormField(t("tui.risk.f.signs"), text_area(id="f-signs", height=2),
                        field_name="signs", required=True)
        yield FormField(t("tui.risk.f.measures"), text_area(id="f-measures", height=2),
                        field_name="measures", required=True)
        yield FormField(t("tui.risk.f.reported_to"), plain_input(
            id="f-reported-to", placeholder=t("tui.risk.f.reported_to_hint")),
            field_name="reported_to")
        yield FormField(t("tui.risk.f.receiver"), plain_input(id="f-receiver"),
                        field_name="receiver")
        yield FormField(t("tui.risk.f.reported_on"), date_input(today=self.today,
                                                                id="f-reported-on",
                                                                field_name="reported_on"),
                        field_name="reported_on")
        yield FormField(t("tui.risk.f.outcome"), text_area(id="f-outcome", height=2),
                        field_name="outcome")
        for kind in Prevention:
            yield Checkbox(kind.label, id=f"f-prevented-{kind.name}", compact=True)
        yield FormField(t("tui.risk.f.persons"), int_input("0", field_name="prevented_persons",
                                                           label=t("tui.risk.f.persons"),
                                                           id="f-persons"),
                        field_name="prevented_persons")

    def build(self) -> Callable[[], RiskRow]:
        data = RiskInput(
            self.text("signs"), self.text("measures"), case_id=self.case_id,
            item_id=self.item_id, occurred_on=self.parsed("occurred_on", required=True),
            reported_to=self.text("reported_to"), receiver=self.text("receiver"),
            reported_on=self.parsed("reported_on"), outcome=self.text("outcome"),
            prevented=[k for k in Prevention if self.checked(f"f-prevented-{k.name}")],
            prevented_persons=self.parsed("prevented_persons") or 0)
        return lambda: Risks(self.services).record(data)
