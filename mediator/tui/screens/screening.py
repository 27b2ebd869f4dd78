"""矛盾纠纷排查 — rounds by village and week, the items each found, and what is due.

Above: which villages (and the township) are due for screening. The rounds table lists the
rounds newest first (filter by village with ``v``); the items table under it shows what the
highlighted round found. ``n`` records a 零报告 in a few keys (village preselected, today,
Ctrl+S); ``a`` a round with its details; ``i`` an item of the highlighted round; ``d`` its
disposition (转立案 registers the case and opens it). Every write is one
:class:`~mediator.core.screening.Screening` call in a dialog's worker (FormDialog).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import Label, Static

from mediator.core.enums import Disposition, DisputeType, RiskGrade, ScreeningLevel
from mediator.core.errors import ValidationError
from mediator.core.screening import (
    DueScreening,
    ItemInput,
    ItemRow,
    RoundDetail,
    RoundInput,
    RoundRow,
    Screening,
)
from mediator.i18n import t
from mediator.tui.base import MediatorScreen
from mediator.tui.bindings import translate_bindings
from mediator.tui.dialogs.base import FormDialog, enum_select, plain_input, text_area
from mediator.tui.messages import CasesChanged
from mediator.tui.text import clip, plain
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.data_table import DataTable
from mediator.tui.widgets.footer import Footer
from mediator.tui.widgets.form import FormField, date_input, int_input
from mediator.tui.widgets.select import Select
from mediator.tui.work import WorkFailed, post_result

#: reminders: due within this many days
DUE_DAYS = 7
ALL = "__all__"


def when_text(d: DueScreening, today: Any) -> str:
    left = d.days_left(today)
    if left < 0:
        return t("deadline.overdue", days=-left)
    return t("deadline.today") if left == 0 else t("deadline.left", days=left)


@dataclass
class ScreeningLoaded(Message):
    rounds: list[RoundRow]
    due: list[DueScreening]
    villages: list[tuple[str, str]]


@dataclass
class RoundShown(Message):
    detail: RoundDetail


def disposition_text(item: ItemRow) -> str:
    if item.disposition is None:
        return t("tui.scr.pending")
    text = Disposition(item.disposition).label
    if item.case_no:
        return f"{text} {item.case_no}"
    return f"{text}（{item.disposition_note}）" if item.disposition_note else text


class ScreeningScreen(MediatorScreen[None]):
    """排查: rounds by village and week, their items, quick 零报告."""

    DEFAULT_CSS = """
    ScreeningScreen #scr-title { text-style: bold; padding: 0 1; }
    ScreeningScreen #scr-due { padding: 0 1; height: auto; color: $warning; }
    ScreeningScreen #scr-filter { height: auto; padding: 0 1; }
    ScreeningScreen #scr-filter > Label { padding: 0 1 0 0; }
    ScreeningScreen #scr-filter > Select { width: 30; }
    ScreeningScreen #scr-rounds { height: 1fr; }
    ScreeningScreen #scr-items-title { padding: 0 1; text-style: bold; }
    ScreeningScreen #scr-items { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "nil_round", "tui.scr.key.nil", id="screening.nil_round"),
        Binding("a", "add_round", "tui.scr.key.round", id="screening.add_round"),
        Binding("i", "add_item", "tui.scr.key.item", id="screening.add_item"),
        Binding("d", "dispose", "tui.scr.key.dispose", id="screening.dispose"),
        Binding("k", "record_risk", "tui.scr.key.risk", id="screening.record_risk"),
        Binding("o", "open_case", "tui.scr.key.open_case", id="screening.open_case"),
        Binding("v", "filter_village", "tui.scr.key.village", id="screening.filter_village"),
        Binding("s", "rhythm", "tui.scr.key.rhythm", id="screening.rhythm"),
        Binding("escape", "back", "tui.scr.key.back", id="screening.back"),
        Binding("ctrl+r", "reload", "tui.key.reload", show=False, id="screening.reload"),
    ]

    ROUND_COLUMNS: ClassVar[tuple[str, ...]] = ("week", "date", "level", "place", "by", "items",
                                                "open", "nil")
    ITEM_COLUMNS: ClassVar[tuple[str, ...]] = ("type", "grade", "summary", "responsible",
                                               "resolve_by", "disposition")

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)
        self.rounds: dict[str, RoundRow] = {}
        self.items: dict[str, ItemRow] = {}
        self.villages: list[tuple[str, str]] = []
        self.due: list[DueScreening] = []
        self.village_filter: str | None = None
        self.shown_round: str | None = None
        #: set once the first list arrived (tests wait on it)
        self.loaded = False

    @property
    def screening(self) -> Screening:
        return Screening(self.services)

    def compose(self) -> ComposeResult:
        yield Label(Content(t("tui.scr.title")), id="scr-title")
        yield Static(Content(""), id="scr-due")
        with Horizontal(id="scr-filter"):
            yield Label(Content(t("tui.scr.village_filter")))
            yield Select([(Text(t("tui.scr.all_villages")), ALL)], value=ALL, allow_blank=False,
                         compact=True, id="scr-village")
        rounds: DataTable[Text] = DataTable(id="scr-rounds", cursor_type="row")
        yield rounds
        yield Label(Content(""), id="scr-items-title")
        items: DataTable[Text] = DataTable(id="scr-items", cursor_type="row")
        yield items
        yield Footer()

    def on_mount(self) -> None:
        self.mediator.watch_data(self)
        rounds = self.query_one("#scr-rounds", DataTable)
        for key in self.ROUND_COLUMNS:
            rounds.add_column(Text(t(f"tui.scr.col.{key}")), key=key)
        items = self.query_one("#scr-items", DataTable)
        for key in self.ITEM_COLUMNS:
            items.add_column(Text(t(f"tui.scr.col.{key}")), key=key)
        rounds.focus()
        self.reload()

    def data_changed(self, case_id: str | None = None) -> None:
        self.reload()

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.app.pop_screen()

    # --- loading ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="screening", exit_on_error=False)
    def reload(self) -> None:
        village = self.village_filter

        def load() -> ScreeningLoaded:
            scr = self.screening
            return ScreeningLoaded(scr.rounds(village_code=village), scr.due(DUE_DAYS),
                                   [(v.code, v.name) for v in self.services.villages()])

        post_result(self, "screening", load)

    def on_screening_loaded(self, msg: ScreeningLoaded) -> None:
        self.due, self.villages = msg.due, msg.villages
        today = self.services.today()
        due = self.query_one("#scr-due", Static)
        if msg.due:
            parts = [f"{plain(d.name, limit=20)}（{when_text(d, today)}）" for d in msg.due[:8]]
            more = t("tui.scr.due_more", n=len(msg.due)) if len(msg.due) > 8 else ""
            due.update(Content(t("tui.scr.due", places="、".join(parts), more=more)))
        else:
            due.update(Content(t("tui.scr.due_none")))
        select = self.query_one("#scr-village", Select)
        options = [(Text(t("tui.scr.all_villages")), ALL)] + [
            (Text(plain(name, limit=30)), code) for code, name in msg.villages]
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = self.village_filter or ALL
        table = self.query_one("#scr-rounds", DataTable)
        keep = self.shown_round
        table.clear()
        self.rounds = {r.id: r for r in msg.rounds}
        for r in msg.rounds:
            table.add_row(Text(r.week.rsplit("-", 1)[-1]), Text(r.held_on.isoformat()),
                          Text(t(f"tui.scr.level.{ScreeningLevel(r.level).name}")),
                          Text(clip(plain(r.place), 16)),
                          Text(clip(plain(r.screened_by), 12)),
                          Text(str(r.items), justify="right"),
                          Text(str(r.open_items), justify="right"),
                          Text(t("tui.scr.nil_mark") if r.nil_return else ""), key=r.id)
        table.add_class("-empty") if not msg.rounds else table.remove_class("-empty")
        if keep in self.rounds:
            table.move_cursor(row=table.get_row_index(keep))
        self.loaded = True
        self._show_current()

    def _current_round(self) -> RoundRow | None:
        table = self.query_one("#scr-rounds", DataTable)
        if not self.rounds or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.rounds.get(str(key))

    def _current_item(self) -> ItemRow | None:
        table = self.query_one("#scr-items", DataTable)
        if not self.items or table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return self.items.get(str(key))

    @on(DataTable.RowHighlighted, "#scr-rounds")
    def _round_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_current()

    def _show_current(self) -> None:
        current = self._current_round()
        if current is None:
            self.shown_round = None
            self.items = {}
            self.query_one("#scr-items", DataTable).clear()
            self.query_one("#scr-items-title", Label).update(Content(t("tui.scr.no_rounds")))
            return
        self.shown_round = current.id
        self.load_round(current.id)

    @work(thread=True, exclusive=True, group="screening-round", exit_on_error=False)
    def load_round(self, round_id: str) -> None:
        post_result(self, "screening-round", lambda: self.screening.round_detail(round_id),
                    RoundShown)

    def on_round_shown(self, msg: RoundShown) -> None:
        r = msg.detail.round
        if r.id != self.shown_round:
            return
        title = t("tui.scr.items_title", date=r.held_on.isoformat(), place=plain(r.place, limit=20),
                  n=len(msg.detail.items))
        if r.nil_return:
            title = t("tui.scr.items_nil", date=r.held_on.isoformat(), place=plain(r.place, limit=20))
        if r.focus:
            title += t("tui.scr.items_focus", focus=plain(r.focus, limit=40))
        self.query_one("#scr-items-title", Label).update(Content(title))
        table = self.query_one("#scr-items", DataTable)
        keep = self._current_item()
        table.clear()
        self.items = {i.id: i for i in msg.detail.items}
        for i in msg.detail.items:
            table.add_row(Text(DisputeType(i.dispute_type).label), Text(RiskGrade(i.risk_grade).label),
                          Text(clip(plain(i.summary), 30)),
                          Text(clip(plain(i.responsible_person or ""), 10)),
                          Text(i.resolve_by.isoformat() if i.resolve_by else ""),
                          Text(clip(plain(disposition_text(i)), 30)), key=i.id)
        if keep is not None and keep.id in self.items:
            table.move_cursor(row=table.get_row_index(keep.id))

    def on_work_failed(self, msg: WorkFailed) -> None:
        if msg.group.startswith("screening"):
            msg.stop()
            self.mediator.report_error(msg.error)

    # --- actions ---------------------------------------------------------------------------

    @on(Select.Changed, "#scr-village")
    def _village_chosen(self, event: Select.Changed) -> None:
        value = event.value
        self.village_filter = None if value in (ALL, Select.NULL) else str(value)
        self.reload()

    def action_filter_village(self) -> None:
        self.query_one("#scr-village", Select).focus()

    def _saved(self, result: Any) -> None:
        if result is None:
            return
        if isinstance(result, RoundRow):
            self.shown_round = result.id
            self.notify(t("tui.scr.round_saved", place=plain(result.place, limit=20),
                          date=result.held_on.isoformat()), markup=False)
        elif isinstance(result, tuple):  # 转立案: (item, CaseResult)
            self.notify(t("tui.scr.case_saved", case_no=result[1].case_no), markup=False)
            self.app.post_message(CasesChanged(result[1].case_id))
            self.mediator.open_case(result[1].case_id)
        else:
            self.notify(t("tui.scr.item_saved"), markup=False)
        self.reload()

    def _default_village(self) -> str | None:
        due = [d.code for d in self.due if d.level == ScreeningLevel.VILLAGE.name]
        if due:
            return due[0]
        return self.village_filter or (self.villages[0][0] if self.villages else None)

    def action_nil_round(self) -> None:
        if not self.villages:
            self.notify(t("tui.scr.no_villages"), severity="warning", markup=False)
            return
        self.app.push_screen(NilRoundDialog(self.villages, self._default_village()), self._saved)

    def action_add_round(self) -> None:
        self.app.push_screen(RoundDialog(self.villages, self._default_village()), self._saved)

    def action_add_item(self) -> None:
        current = self._current_round()
        if current is None:
            self.notify(t("tui.scr.choose_round"), severity="warning", markup=False)
            return
        if current.nil_return:
            self.notify(t("scr.nil_round_no_items"), severity="warning", markup=False)
            return
        self.app.push_screen(ItemDialog(current), self._saved)

    def action_dispose(self) -> None:
        item = self._current_item()
        if item is None:
            self.notify(t("tui.scr.choose_item"), severity="warning", markup=False)
            return
        if item.case_id:
            self.notify(t("scr.item_is_case"), severity="warning", markup=False)
            return
        self.app.push_screen(DisposeDialog(item), self._saved)

    def action_record_risk(self) -> None:
        item = self._current_item()
        if item is None:
            self.notify(t("tui.scr.choose_item"), severity="warning", markup=False)
            return
        from mediator.tui.dialogs.risk import RiskDialog

        def saved(row: object) -> None:
            if row is not None:
                self.notify(t("tui.risk.saved"), markup=False)

        if item.case_id:  # the item became a case: the risk belongs to the case
            self.app.push_screen(RiskDialog(case_id=item.case_id, subject=item.case_no or ""), saved)
        else:
            self.app.push_screen(RiskDialog(item_id=item.id, subject=clip(plain(item.summary), 20)),
                                 saved)

    def action_rhythm(self) -> None:
        self.app.push_screen(RhythmDialog(self.screening.rhythm()), self._rhythm_saved)

    def _rhythm_saved(self, result: Any) -> None:
        if result is not None:
            self.notify(t("tui.scr.rhythm_saved"), markup=False)
            self.reload()

    def action_open_case(self) -> None:
        item = self._current_item()
        if item is not None and item.case_id:
            self.mediator.open_case(item.case_id)


# --- dialogs ---------------------------------------------------------------------------------


def _village_select(villages: list[tuple[str, str]], value: str | None, *, blank: bool = False,
                    id: str = "f-village") -> Select[str]:
    options = [(Text(plain(name, limit=30)), code) for code, name in villages]
    chosen = value if value in {c for c, _ in villages} else None
    if chosen is None and not blank and options:
        chosen = options[0][1]
    return Select(options, value=chosen if chosen is not None else Select.NULL,
                  allow_blank=blank or not options, compact=True, id=id)


class NilRoundDialog(FormDialog[RoundRow]):
    """零报告: the village (the first one due is chosen), the date (today); Ctrl+S."""

    DEFAULT_CSS = FormDialog.DEFAULT_CSS.replace("FormDialog", "NilRoundDialog")

    def __init__(self, villages: list[tuple[str, str]], village: str | None) -> None:
        self.title_text = t("tui.scr.nil_title")
        super().__init__()
        self.villages, self.village = villages, village

    def form(self) -> ComposeResult:
        yield FormField(t("tui.scr.f.village"), _village_select(self.villages, self.village),
                        field_name="village_code", required=True)
        yield FormField(t("tui.scr.f.date"), date_input(self.today().isoformat(), today=self.today, id="f-date",
                                                        field_name="held_on"),
                        field_name="held_on", required=True)
        yield FormField(t("tui.scr.f.by"), plain_input(id="f-by", placeholder=t("tui.scr.f.by_hint")),
                        field_name="screened_by")

    def build(self) -> Callable[[], RoundRow]:
        village = self.select_value("village_code")
        if village is None:
            raise ValidationError(t("scr.village_required"), "village_code")
        held_on = self.parsed("held_on", required=True)
        by = self.text("screened_by")
        return lambda: Screening(self.services).add_nil_round(village, held_on, by)


class RoundDialog(FormDialog[RoundRow]):
    """登记排查: level, village or unit, date, who, focus, 敏感期, 零报告."""

    DEFAULT_CSS = FormDialog.DEFAULT_CSS.replace("FormDialog", "RoundDialog")

    def __init__(self, villages: list[tuple[str, str]], village: str | None) -> None:
        self.title_text = t("tui.scr.round_title")
        super().__init__()
        self.villages, self.village = villages, village

    def form(self) -> ComposeResult:
        yield FormField(t("tui.scr.f.level"), enum_select(ScreeningLevel, ScreeningLevel.VILLAGE,
                                                          id="f-level"), field_name="level")
        yield FormField(t("tui.scr.f.village"), _village_select(self.villages, self.village,
                                                                blank=True),
                        field_name="village_code")
        yield FormField(t("tui.scr.f.unit"), plain_input(id="f-unit"), field_name="unit")
        yield FormField(t("tui.scr.f.date"), date_input(self.today().isoformat(), today=self.today, id="f-date",
                                                        field_name="held_on"),
                        field_name="held_on", required=True)
        yield FormField(t("tui.scr.f.by"), plain_input(id="f-by", placeholder=t("tui.scr.f.by_hint")),
                        field_name="screened_by")
        yield FormField(t("tui.scr.f.focus"), text_area(id="f-focus", height=2), field_name="focus")
        yield Checkbox(t("tui.scr.f.sensitive"), id="f-sensitive", compact=True)
        yield Checkbox(t("tui.scr.f.nil"), id="f-nil", compact=True)

    def build(self) -> Callable[[], RoundRow]:
        data = RoundInput(level=ScreeningLevel(self.select_value("level")),
                          village_code=self.select_value("village_code"),
                          held_on=self.parsed("held_on", required=True),
                          unit=self.text("unit"), screened_by=self.text("screened_by"),
                          focus=self.text("focus"), sensitive=self.checked("f-sensitive"),
                          nil_return=self.checked("f-nil"))
        return lambda: Screening(self.services).add_round(data)


class ItemDialog(FormDialog[ItemRow]):
    """排查发现: what, how grave, who is involved (as little as will do), owner, measures."""

    DEFAULT_CSS = FormDialog.DEFAULT_CSS.replace("FormDialog", "ItemDialog")

    def __init__(self, round_row: RoundRow) -> None:
        self.title_text = t("tui.scr.item_title", place=plain(round_row.place, limit=20),
                            date=round_row.held_on.isoformat())
        super().__init__()
        self.round_row = round_row

    def form(self) -> ComposeResult:
        yield FormField(t("tui.scr.f.summary"), text_area(id="f-summary", height=3),
                        field_name="summary", required=True)
        yield FormField(t("tui.scr.f.type"), enum_select(DisputeType, DisputeType.NEIGHBOUR,
                                                         id="f-type"), field_name="dispute_type")
        yield FormField(t("tui.scr.f.grade"), enum_select(RiskGrade, RiskGrade.GENERAL,
                                                          id="f-grade"), field_name="risk_grade")
        yield FormField(t("tui.scr.f.people"), plain_input(id="f-people",
                                                           placeholder=t("tui.scr.f.people_hint")),
                        field_name="people")
        yield FormField(t("tui.scr.f.persons"), int_input("0", field_name="persons_involved",
                                                          label=t("tui.scr.f.persons"),
                                                          id="f-persons"),
                        field_name="persons_involved")
        yield FormField(t("tui.scr.f.responsible"), plain_input(id="f-responsible"),
                        field_name="responsible_person")
        yield FormField(t("tui.scr.f.measures"), text_area(id="f-measures", height=2),
                        field_name="stabilising_measures")
        yield FormField(t("tui.scr.f.resolve_by"), date_input(today=self.today, id="f-resolve",
                                                              field_name="resolve_by"),
                        field_name="resolve_by")

    def build(self) -> Callable[[], ItemRow]:
        data = ItemInput(DisputeType(self.select_value("dispute_type")), self.text("summary"),
                         risk_grade=RiskGrade(self.select_value("risk_grade")),
                         people=self.text("people"),
                         persons_involved=self.parsed("persons_involved") or 0,
                         responsible_person=self.text("responsible_person"),
                         stabilising_measures=self.text("stabilising_measures"),
                         resolve_by=self.parsed("resolve_by"))
        round_id = self.round_row.id
        return lambda: Screening(self.services).add_item(round_id, data)


class DisposeDialog(FormDialog[Any]):
    """处置: 当场化解 / 预防 (how) / 转立案 (the parties: it registers the case) / 移交 (to
    whom) / 持续关注."""

    DEFAULT_CSS = FormDialog.DEFAULT_CSS.replace("FormDialog", "DisposeDialog")

    def __init__(self, item: ItemRow) -> None:
        self.title_text = t("tui.scr.dispose_title", summary=clip(plain(item.summary), 30))
        super().__init__()
        self.item = item

    def form(self) -> ComposeResult:
        yield FormField(t("tui.scr.f.disposition"),
                        enum_select(Disposition, Disposition(self.item.disposition)
                                    if self.item.disposition else Disposition.RESOLVED,
                                    id="f-disposition"), field_name="disposition")
        yield FormField(t("tui.scr.f.note"), text_area(id="f-note", height=2), field_name="note",
                        hint=t("tui.scr.f.note_hint"))
        yield FormField(t("tui.scr.f.date"), date_input(self.today().isoformat(), today=self.today, id="f-date",
                                                        field_name="on"),
                        field_name="on", required=True)
        yield FormField(t("tui.scr.f.applicant"), plain_input(id="f-applicant"),
                        field_name="applicant", hint=t("tui.scr.f.case_hint"))
        yield FormField(t("tui.scr.f.respondent"), plain_input(id="f-respondent"),
                        field_name="respondent")

    def build(self) -> Callable[[], Any]:
        disposition = Disposition(self.select_value("disposition"))
        on_day = self.parsed("on", required=True)
        item_id = self.item.id
        scr = Screening(self.services)
        if disposition is Disposition.CASE:
            applicant, respondent = self.text("applicant"), self.text("respondent")
            return lambda: scr.item_to_case(item_id, applicant, respondent, on_day)
        note = self.text("note")
        return lambda: scr.dispose_item(item_id, disposition, note, on_day)


class RhythmDialog(FormDialog[Any]):
    """排查频次: days between village and township rounds, and the 敏感期 with its rhythm."""

    def __init__(self, rhythm: Any) -> None:
        self.title_text = t("tui.scr.rhythm_title")
        super().__init__()
        self.rhythm = rhythm

    def form(self) -> ComposeResult:
        r = self.rhythm
        for name, value in (("village_days", r.village_days), ("township_days", r.township_days),
                            ("sensitive_days", r.sensitive_days)):
            yield FormField(t(f"tui.scr.f.{name}"), int_input(
                str(value), field_name=name, label=t(f"tui.scr.f.{name}"), minimum=1,
                id=f"f-{name}"), field_name=name, required=True)
        for name, day in (("sensitive_from", r.sensitive_from), ("sensitive_to", r.sensitive_to)):
            yield FormField(t(f"tui.scr.f.{name}"), plain_input(
                day.isoformat() if day else "", id=f"f-{name}",
                placeholder=t("tui.scr.f.sensitive_hint")), field_name=name)

    def build(self) -> Callable[[], Any]:
        village, township, sensitive = (self.parsed(n, required=True) for n in (
            "village_days", "township_days", "sensitive_days"))
        start, end = self.text("sensitive_from"), self.text("sensitive_to")
        return lambda: Screening(self.services).set_rhythm(
            village_days=village, township_days=township, sensitive_days=sensitive,
            sensitive_from=start, sensitive_to=end)
