"""SVG snapshots of a case file at 100×30 in Chinese and English (fixed clock)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from case_harness import app_on, freeze_cursors, settle

from mediator.core.enums import AgreementForm, FollowUpMethod, FollowUpResult
from mediator.core.inputs import AgreementInput, ObligationInput
from mediator.i18n import set_language
from mediator.tui.screens.case_file import CaseFileScreen


def a_case(svc: Any, make_case: Any) -> str:
    # the snapshot shows the case file as drawn before the 回访 policy (issue 24)
    svc.set_setting("followup.success_days", "0")
    svc.add_village("330106001001", "青山村")
    mediator = svc.add_mediator("王调解")
    case = make_case(
        days_ago=12,
        village_code="330106001001",
        mediator_id=mediator.id,
        amount_fen=300000,
        requests="李四赔偿损失三千元",
    )
    today = svc.today()
    svc.accept_case(case.id, on=today - timedelta(days=11))
    svc.record_notice(case.id, on=today - timedelta(days=11), note="口头告知")
    svc.add_session(
        case.id,
        "双方陈述滴水经过，同意分期赔偿",
        on=today - timedelta(days=5),
        place="青山村委会",
        participants="张三、李四",
    )
    svc.schedule_follow_up(case.id, today - timedelta(days=3), note="了解双方情绪")
    fu = svc.case_file(case.id).follow_ups[0]
    svc.complete_follow_up(
        fu.id,
        FollowUpResult.SATISFIED,
        FollowUpMethod.PHONE,
        "情绪稳定",
        done_on=today - timedelta(days=3),
    )
    svc.record_agreement(
        case.id,
        AgreementInput(
            form=AgreementForm.WRITTEN,
            effective_on=today - timedelta(days=2),
            terms="李四分两期赔偿张三三千元",
            perform_method="现金",
            amount_fen=300000,
            obligations=[
                ObligationInput(today + timedelta(days=5), 100000, "第一期", "李四"),
                ObligationInput(today + timedelta(days=35), 200000, "第二期", "李四"),
            ],
        ),
    )
    return case.id


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_case_file_snapshot(snap_compare: Any, svc: Any, make_case: Any, lang: str) -> None:
    case_id = a_case(svc, make_case)
    set_language(lang)
    app = app_on(svc, lambda: CaseFileScreen(case_id))

    async def ready(pilot: Any) -> None:
        await settle(pilot, app)
        freeze_cursors(app)
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=ready)
