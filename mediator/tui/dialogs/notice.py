"""发布通报 at the county (issue 22, point 5: 通报 from the dashboard).

:class:`NoticeDialog` asks for the period (a month ``2026-11`` or a week ``2026-W47``; the
month before today's by default) and the measures to rank the townships on; 确定 calls
``NoticeService.issue`` (one transaction, audited), the same use case as
``mediator supervision notice issue``. The rows travel with the next 下发 (downward package).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label

from mediator.core.errors import ValidationError
from mediator.core.notice import DEFAULT_MEASURES, MEASURES
from mediator.i18n import t
from mediator.reports.periods import Period, parse_month, parse_week
from mediator.tui.dialogs.base import FormDialog, plain_input
from mediator.tui.widgets.checkbox import Checkbox
from mediator.tui.widgets.form import FormField


def notice_period(text: str, today: object) -> Period:
    """A month (2026-11, 2026年11月) or, with a W in it, a week (2026-W47)."""
    from datetime import date

    assert isinstance(today, date)
    raw = text.strip()
    if not raw:
        raise ValidationError(t("notice.dialog.period_required"), "period")
    try:
        return parse_week(raw, today) if "w" in raw.lower() else parse_month(raw, today)
    except ValidationError as exc:   # shown under the period's field
        raise ValidationError(exc.message, "period") from exc


class NoticeDialog(FormDialog[tuple[str, int] | None]):
    """通报 for one period to every township below. Dismisses with (period label, townships)."""

    DEFAULT_CSS = """
    NoticeDialog #notice-measures { height: auto; padding-left: 2; }
    NoticeDialog .notice-measures-label { margin-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.title_text = t("notice.dialog.title")
        self.ok_label = t("notice.dialog.ok")

    def form(self) -> ComposeResult:
        last_month = self.today().replace(day=1) - timedelta(days=1)
        yield FormField(t("notice.dialog.period"),
                        plain_input(f"{last_month.year}-{last_month.month:02d}", id="f-period",
                                    placeholder="2026-11 / 2026-W47"),
                        field_name="period", required=True)
        yield Label(Text(t("notice.dialog.measures")), classes="notice-measures-label")
        with Vertical(id="notice-measures"):
            for name in MEASURES:
                yield Checkbox(t(f"notice.measure.{name}"), name in DEFAULT_MEASURES,
                               id=f"m-{name}", compact=True)

    def build(self) -> Callable[[], tuple[str, int]]:
        from mediator.reports.notice import NoticeService

        period = notice_period(self.text("period"), self.today())
        chosen = [name for name in MEASURES if self.checked(f"m-{name}")]
        if not chosen:
            raise ValidationError(t("notice.dialog.measure_required"))
        svc = NoticeService(self.services)

        def issue() -> tuple[str, int]:
            return period.label, len(svc.issue(period, chosen))

        return issue
