"""Read-only case list: the first screen, paged from SQL (the full UI builds on this)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

from mediator.core.db import Database
from mediator.core.enums import CaseState, DisputeType, RiskGrade
from mediator.core.queries import list_cases
from mediator.core.rules import DeadlineKind
from mediator.i18n import t


class MediatorApp(App[int]):
    TITLE = "mediator"
    BINDINGS = [("q", "quit", "退出")]

    def __init__(self, db: Database, operator: str = "", paths: Any = None):
        super().__init__()
        self.db, self.operator, self.paths = db, operator, paths

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="cases", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("案号", "当事人", "类型", "村(居)", "状态", "受理日期", "期限", "风险")
        today = date.today()
        with self.db.read() as s:
            page = list_cases(s, limit=200)
        for r in page.rows:
            due = ""
            if r.next_due_on:
                days = (r.next_due_on - today).days
                due = t("deadline.left", days=days) if days >= 0 else t("deadline.overdue", days=-days)
            table.add_row(Text(r.case_no), Text(r.parties), Text(DisputeType(r.dispute_type).label),
                          Text(r.village or ""), Text(CaseState(r.state).label),
                          Text(r.registered_on.isoformat()), Text(due),
                          Text(RiskGrade(r.risk_grade).label), key=r.id)
        _ = DeadlineKind
