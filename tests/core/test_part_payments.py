"""Part payments (issue 18, item 12): an instalment records each payment up to its balance
and is performed once fully paid; overpayment is refused; an upgraded database counts the
instalments performed before as fully paid."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta

import pytest
from schema_history import rewind_before

from mediator.core.enums import AgreementForm, CaseState
from mediator.core.errors import ValidationError
from mediator.core.models import Obligation
from mediator.core.services import AgreementInput, ObligationInput
from mediator.i18n import t

TODAY = date(2026, 11, 23)


def agreed(svc, make_case, *amounts: int):  # type: ignore[no-untyped-def]
    case = make_case()
    svc.accept_case(case.id)
    svc.record_agreement(case.id, AgreementInput(
        AgreementForm.WRITTEN, TODAY, "分期赔偿", amount_fen=sum(amounts),
        obligations=[ObligationInput(TODAY + timedelta(days=10 * (i + 1)), a, f"第{i + 1}期")
                     for i, a in enumerate(amounts)]))
    return case, svc.case_file(case.id).obligations


def paid(svc, case_id: str) -> list[tuple[int, int, str | None, str | None]]:  # type: ignore[no-untyped-def]
    return [(o.amount_fen, o.paid_fen, o.performed_on and o.performed_on.isoformat(), o.proof)
            for o in svc.case_file(case_id).obligations]


def test_part_payments_until_the_balance_is_paid(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    case, (first, second) = agreed(svc, make_case, 100000, 50000)
    svc.record_performance(first.id, TODAY, "收条1", amount_fen=30000)
    assert paid(svc, case.id) == [(100000, 30000, None, "收条1"), (50000, 0, None, None)]
    events = [e.summary for e in svc.case_file(case.id).events]
    assert events[-1] == t("svc.ev.obligation_part_paid", n=1, paid="300.00", balance="700.00")
    assert svc.case_file(case.id).case.state == CaseState.PERFORMING.name
    svc.record_performance(first.id, TODAY, "转账2", amount_fen=70000)
    assert paid(svc, case.id) == [(100000, 100000, "2026-11-23", "收条1；转账2"),
                                  (50000, 0, None, None)]
    assert svc.case_file(case.id).case.state == CaseState.PERFORMING.name
    svc.record_performance(second.id, TODAY)  # no amount: the whole balance
    assert paid(svc, case.id) == [(100000, 100000, "2026-11-23", "收条1；转账2"),
                                  (50000, 50000, "2026-11-23", None)]
    assert svc.case_file(case.id).case.state == CaseState.PERFORMED.name


@pytest.mark.parametrize(("amount", "key", "kw"), [
    (70001, "svc.payment_over_balance", {"paid": "700.01", "balance": "700.00"}),
    (0, "svc.payment_not_positive", {}),
])
def test_overpayment_and_nothing_paid_are_refused(svc, make_case, amount, key, kw) -> None:  # type: ignore[no-untyped-def]
    case, (first,) = agreed(svc, make_case, 100000)
    svc.record_performance(first.id, TODAY, amount_fen=30000)
    before = paid(svc, case.id), len(svc.case_file(case.id).events)
    with pytest.raises(ValidationError) as caught:
        svc.record_performance(first.id, TODAY, "收条", amount_fen=amount)
    assert (caught.value.message, caught.value.field) == (t(key, **kw), "amount")
    assert (paid(svc, case.id), len(svc.case_file(case.id).events)) == before


def test_overpayment_message_in_both_languages(svc, make_case) -> None:  # type: ignore[no-untyped-def]
    from mediator.i18n import set_language

    case, (first,) = agreed(svc, make_case, 100000)
    for lang, text in (("zh_CN", "本次付款 1,000.01 元超过该期余额 1,000.00 元，请核对金额。"),
                       ("en", "The payment of 1,000.01 yuan is more than this instalment's "
                              "balance of 1,000.00 yuan; check the amount.")):
        set_language(lang)
        try:
            with pytest.raises(ValidationError) as caught:
                svc.record_performance(first.id, TODAY, amount_fen=100001)
        finally:
            set_language("zh_CN")
        assert caught.value.message == text


def test_upgrade_counts_performed_instalments_as_fully_paid(svc, make_case, db_path) -> None:  # type: ignore[no-untyped-def]
    from mediator.core.db import open_database
    from mediator.core.services import Services

    case, (first, second) = agreed(svc, make_case, 100000, 50000)
    svc.record_performance(first.id, TODAY)
    svc.db.close()
    con = sqlite3.connect(db_path)
    rewind_before(con, "part_payments")  # paid_fen dropped, as the earlier version had it
    con.commit()
    con.close()
    with open_database(db_path) as db:
        again = Services(db, operator="王调解", today=lambda: TODAY)
        with db.read() as s:
            assert [(o.seq, o.paid_fen) for o in sorted(
                (s.get(Obligation, first.id), s.get(Obligation, second.id)),
                key=lambda o: o.seq)] == [(1, 100000), (2, 0)]
        again.record_performance(second.id, TODAY, amount_fen=20000)
        assert paid(again, case.id)[1] == (50000, 20000, None, None)
