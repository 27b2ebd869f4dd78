"""登记履行 with a part payment, driven with Pilot: the amount paid now is prefilled with the
instalment's balance, a smaller one leaves a balance shown in the case file, an overpayment
is refused under the field with nothing written (issue 18, item 12)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from case_harness import app_on, choose_action, field_error, settle, shown, type_in

from mediator.core.enums import AgreementForm, CaseState
from mediator.core.inputs import AgreementInput, ObligationInput
from mediator.i18n import t
from mediator.tui.dialogs.agreement import RecordPerformanceDialog
from mediator.tui.screens.case_file import CaseFileScreen


def paid(svc: Any, case_id: str) -> list[tuple[int, int, str | None, str | None]]:
    return [(o.amount_fen, o.paid_fen, o.performed_on and o.performed_on.isoformat(), o.proof)
            for o in svc.case_file(case_id).obligations]


async def test_a_part_payment_then_the_balance(svc: Any, make_case: Any) -> None:
    case = make_case()
    svc.accept_case(case.id)
    today = svc.today()
    svc.record_agreement(case.id, AgreementInput(
        AgreementForm.WRITTEN, today, "分期赔偿", amount_fen=150000,
        obligations=[ObligationInput(today + timedelta(days=10), 100000, "第一期"),
                     ObligationInput(today + timedelta(days=40), 50000, "第二期")]))
    app = app_on(svc, lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        dialog = await choose_action(pilot, app, "RECORD_PERFORMANCE")
        assert isinstance(dialog, RecordPerformanceDialog)
        amount = dialog.field("amount").widget
        assert amount.value == "1,000.00"  # the first instalment's balance
        amount.focus()
        await pilot.press("ctrl+u")
        await type_in(pilot, amount, "300")
        await type_in(pilot, dialog.field("proof").widget, "收条一张")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, RecordPerformanceDialog)
        assert paid(svc, case.id) == [(100000, 30000, None, "收条一张"), (50000, 0, None, None)]
        agreement = shown(app.screen.query_one("#cf-agreement"), width=120)
        assert t("casefile.ob_paid", paid="300.00", balance="700.00") in agreement

        # more than the balance: refused under the field, nothing written
        dialog = await choose_action(pilot, app, "RECORD_PERFORMANCE")
        amount = dialog.field("amount").widget
        assert amount.value == "700.00"
        amount.focus()
        await pilot.press("ctrl+u")
        await type_in(pilot, amount, "八百元")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.screen is dialog
        assert field_error(dialog, "amount") == t(
            "svc.payment_over_balance", paid="800.00", balance="700.00")
        assert app.focused is amount
        assert paid(svc, case.id) == [(100000, 30000, None, "收条一张"), (50000, 0, None, None)]
        # the balance: the instalment is performed
        await pilot.press("ctrl+u")
        await type_in(pilot, amount, "700")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, RecordPerformanceDialog)
    assert paid(svc, case.id) == [(100000, 100000, today.isoformat(), "收条一张"),
                                  (50000, 0, None, None)]
    assert svc.case_file(case.id).case.state == CaseState.PERFORMING.name


async def test_the_amount_follows_the_chosen_instalment(svc: Any, make_case: Any) -> None:
    case = make_case()
    svc.accept_case(case.id)
    today = svc.today()
    svc.record_agreement(case.id, AgreementInput(
        AgreementForm.WRITTEN, today, "分期赔偿", amount_fen=150000,
        obligations=[ObligationInput(today + timedelta(days=10), 100000, "第一期"),
                     ObligationInput(today + timedelta(days=40), 50000, "第二期")]))
    second = svc.case_file(case.id).obligations[1]
    app = app_on(svc, lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        dialog = await choose_action(pilot, app, "RECORD_PERFORMANCE")
        dialog.field("obligation").widget.value = second.id
        await pilot.pause()
        assert dialog.field("amount").widget.value == "500.00"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
    assert paid(svc, case.id) == [(100000, 0, None, None),
                                  (50000, 50000, today.isoformat(), None)]


async def test_the_case_amount_follows_a_written_agreement(svc: Any, make_case: Any) -> None:
    """Issue 18 item 12: the case's 涉及金额 stayed "—" after a written agreement with money."""
    from mediator.core.models import Case
    from mediator.tui.dialogs.agreement import AgreementDialog

    case = make_case()
    svc.accept_case(case.id)
    app = app_on(svc, lambda: CaseFileScreen(case.id))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot, app)
        dialog = await choose_action(pilot, app, "AGREE")
        assert isinstance(dialog, AgreementDialog)
        await type_in(pilot, dialog.field("terms").widget, "李四赔偿张三五千元")
        await type_in(pilot, dialog.field("amount_fen").widget, "五千元")
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert not isinstance(app.screen, AgreementDialog)
        details = shown(app.screen.query_one("#cf-details"), width=120)
    with svc.db.read() as s:
        assert s.get(Case, case.id).amount_fen == 500000
    assert t("casefile.yuan", yuan="5,000.00") in details
