"""A database where every reported figure is known by hand.

Built once per test module through the real services on a fixed clock (today Monday
2026-11-23, so the report week 2026-W47 is 11-16..11-22 and has ended). The cases:

C1  邻里, 当事人申请, 东村, 刘调解; registered and accepted 11-16, 告知 11-17, session 11-18,
    written agreement 11-19 for 500.00 yuan with one instalment due 11-21 (its 回访 is due
    11-21 and never done: missed); judicial confirmation applied 11-20, confirmed 11-21;
    marked 防止民转刑. Parties 张三 (full ID and phone) and 李四 (phone only).
C2  婚姻家庭, 排查发现, 西村, 陈调解; registered and accepted 11-17, 6 persons (group), hard
    case (包案领导 赵书记, 化解时限 12-01); still in mediation; a 回访 due 11-20 done 11-20.
C3  合同, 东村, 刘调解; registered 10-01, accepted 10-02, never concluded: overdue since 11-02.
C4  损害赔偿, 公安移交, no village or mediator; registered and refused 11-18.
C5  拖欠农民工工资, 网格上报, 西村, 陈调解; registered/accepted 11-10 (W46), mediation failed
    11-20; marked 防止群体性上访.
C6  邻里, 东村, 刘调解; registered 11-19, withdrawn 11-20.
C7  劳动争议, 东村, 刘调解; registered/accepted 11-11 (W46), transferred up 11-21.
C8  邻里; a quick oral agreement on 2025-11-20 (the 同比 week 2025-W47).
C9  registered 11-20 and deleted: never counted.
C11 合同, 东村; W45 (11-02..11-05): every paper of a complete file, archived.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

TODAY = date(2026, 11, 23)
FULL_ID = "11010519491231002X"
FULL_PHONE = "13812345678"
OTHER_PHONE = "13900001111"
PARTY_NAMES = ("张三", "李四", "孙七", "周八", "吴九", "郑十", "王五", "赵六", "钱二", "冯一",
               "陈甲", "卫乙", "蒋丙", "沈丁")
EAST, WEST = "330106001001", "330106001002"

#: every figure of 2026-W47, counted by hand from the cases above
W47 = {
    "registered": 4, "screened": 1, "accepted": 2, "refused": 1, "concluded": 4, "success": 1,
    "failed": 1, "withdrawn": 1, "transferred": 1, "success_rate": 0.25, "mediating": 2,
    "overdue": 1, "hard_open": 1, "persons": 12, "group_disputes": 1, "agreements": 1,
    "written_agreements": 1, "amount_fen": 50000, "judicial_applied": 1, "judicial_confirmed": 1,
    "followups_due": 2, "followups_done": 1, "followups_missed": 1, "prevented_criminal": 1,
    "prevented_criminal_persons": 2, "prevented_petition": 1, "prevented_petition_persons": 2,
}
#: 2026-W46 (the 环比 week), as at 11-15
W46 = dict.fromkeys(W47, 0) | {
    "registered": 2, "screened": 1, "accepted": 2, "success_rate": None, "mediating": 3,
    "overdue": 1, "persons": 4,
}
#: 2025-W47 (the 同比 week)
AGO = dict.fromkeys(W47, 0) | {
    "registered": 1, "accepted": 1, "concluded": 1, "success": 1, "success_rate": 1.0,
    "persons": 2, "agreements": 1,
}


@dataclass
class Fixture:
    svc: object
    db: object
    path: Path
    cases: dict[str, str]  # name -> case id
    case_nos: dict[str, str]


@pytest.fixture(scope="module")
def known(tmp_path_factory: pytest.TempPathFactory) -> Fixture:
    from mediator.core.db import open_database
    from mediator.core.enums import (
        AgreementForm,
        CaseSource,
        DisputeType,
        FollowUpMethod,
        FollowUpResult,
        JudicialResult,
        PartyRole,
        Prevention,
        RiskGrade,
        Route,
    )
    from mediator.core.inputs import AgreementInput, CaseInput, ObligationInput, PartyInput
    from mediator.core.risk import RiskInput, Risks
    from mediator.core.services import Services
    from mediator.i18n import set_language

    set_language("zh_CN")
    path = tmp_path_factory.mktemp("报表 数据") / "mediator.db"
    db = open_database(path)
    svc = Services(db, operator="王调解", today=lambda: TODAY)
    svc.init_office("青石镇人民调解委员会", "青石", "330106001")
    liu = svc.add_mediator("刘调解").id
    chen = svc.add_mediator("陈调解").id
    svc.add_village(EAST, "东村")
    svc.add_village(WEST, "西村")

    def reg(a: str, b: str, on: date, kind: DisputeType, **kw: object) -> str:
        parties = kw.pop("parties", None) or [PartyInput(a), PartyInput(b, role=PartyRole.RESPONDENT)]
        data = CaseInput(parties=parties, dispute_type=kind, registered_on=on,
                         facts=kw.pop("facts", f"{a}与{b}发生纠纷"), **kw)  # type: ignore[arg-type]
        return svc.register_case(data).case_id

    d = date
    cases: dict[str, str] = {}
    c1 = cases["C1"] = reg("张三", "李四", d(2026, 11, 16), DisputeType.NEIGHBOUR, parties=[
        PartyInput("张三", id_number=FULL_ID, phone=FULL_PHONE, address="东村1组8号"),
        PartyInput("李四", role=PartyRole.RESPONDENT, phone=OTHER_PHONE, address="东村1组9号")],
        facts=f"张三（身份证{FULL_ID}，电话{FULL_PHONE}）与李四因屋檐滴水发生争执",
        requests="李四赔偿修缮费用", village_code=EAST, mediator_id=liu)
    svc.accept_case(c1, on=d(2026, 11, 16))
    svc.record_notice(c1, on=d(2026, 11, 17))
    svc.add_session(c1, "张三：要求赔偿修缮费用800元\n李四：同意赔偿一部分", on=d(2026, 11, 18),
                    place="青石镇调委会", participants="张三、李四、刘调解")
    svc.record_agreement(c1, AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=d(2026, 11, 19), terms="李四赔偿张三修缮费用500元",
        amount_fen=50000, responsibilities="李四负主要责任", perform_method="现金支付",
        perform_place="青石镇调委会", perform_by=d(2026, 11, 21),
        obligations=[ObligationInput(d(2026, 11, 21), 50000, "支付修缮费用500元", "李四")]))
    svc.judicial_apply(c1, on=d(2026, 11, 20), court="青石人民法庭")
    svc.judicial_result(c1, JudicialResult.CONFIRMED, on=d(2026, 11, 21), ref="(2026)浙0106民特1号")
    # 防止民转刑 is claimed on a recorded escalation risk (issue 24), which ticks the case's box
    Risks(svc).record(RiskInput("张三扬言要砸李四家窗户", "调解员当晚上门劝阻", case_id=c1,
                                occurred_on=d(2026, 11, 17), reported_to="青石派出所",
                                receiver="王警官", outcome="双方冷静，未发生冲突",
                                prevented=[Prevention.CRIMINAL], prevented_persons=2))

    c2 = cases["C2"] = reg("孙七", "周八", d(2026, 11, 17), DisputeType.MARRIAGE_FAMILY,
                           source=CaseSource.SCREENING, village_code=WEST, mediator_id=chen,
                           persons_involved=6, is_hard=True, lead_official="赵书记",
                           responsible_person="钱主任", resolve_by=d(2026, 12, 1),
                           stabilising_measures="每日走访孙七，电话13700002222联系",
                           risk_grade=RiskGrade.MAJOR)
    svc.accept_case(c2, on=d(2026, 11, 17))
    svc.schedule_follow_up(c2, d(2026, 11, 20))
    fu = svc.case_file(c2).follow_ups[0]
    svc.complete_follow_up(fu.id, FollowUpResult.SATISFIED, FollowUpMethod.VISIT,
                           done_on=d(2026, 11, 20))

    c3 = cases["C3"] = reg("吴九", "郑十", d(2026, 10, 1), DisputeType.CONTRACT,
                           village_code=EAST, mediator_id=liu)
    svc.accept_case(c3, on=d(2026, 10, 2))

    c4 = cases["C4"] = reg("钱二", "冯一", d(2026, 11, 18), DisputeType.DAMAGES,
                           source=CaseSource.POLICE)
    svc.refuse_case(c4, "已由公安机关立案处理", [Route.LITIGATION], on=d(2026, 11, 18))

    c5 = cases["C5"] = reg("陈甲", "卫乙", d(2026, 11, 10), DisputeType.WAGE_ARREARS,
                           source=CaseSource.GRID, village_code=WEST, mediator_id=chen)
    svc.accept_case(c5, on=d(2026, 11, 10))
    svc.record_failure(c5, "双方分歧过大", [Route.ARBITRATION], on=d(2026, 11, 20))
    Risks(svc).record(RiskInput("工友二十余人商议集体到县里上访", "镇劳保所约谈老板，约定付款时间",
                                case_id=c5, occurred_on=d(2026, 11, 12),
                                reported_to="镇信访办", outcome="工友同意等待付款",
                                prevented=[Prevention.PETITION], prevented_persons=2))

    c6 = cases["C6"] = reg("蒋丙", "沈丁", d(2026, 11, 19), DisputeType.NEIGHBOUR,
                           village_code=EAST, mediator_id=liu)
    svc.withdraw_case(c6, "双方自行和解", on=d(2026, 11, 20))

    c7 = cases["C7"] = reg("蒋丙", "沈丁", d(2026, 11, 11), DisputeType.LABOUR,
                           village_code=EAST, mediator_id=liu)
    svc.accept_case(c7, on=d(2026, 11, 11))
    svc.transfer_case(c7, "县劳动人事争议仲裁院", "属劳动仲裁受理范围", on=d(2026, 11, 21))

    c8 = svc.quick_oral_case(
        CaseInput(parties=[PartyInput("钱二"), PartyInput("冯一", role=PartyRole.RESPONDENT)],
                  dispute_type=DisputeType.NEIGHBOUR, facts="借用农具未还"),
        AgreementInput(form=AgreementForm.ORAL, effective_on=d(2025, 11, 20), terms="当场归还农具",
                       performed_now=True), on=d(2025, 11, 20))
    cases["C8"] = c8.case_id

    c9 = cases["C9"] = reg("张三", "李四", d(2026, 11, 20), DisputeType.NEIGHBOUR)
    svc.delete_case(c9, "重复登记")

    c11 = cases["C11"] = reg("王五", "赵六", d(2026, 11, 2), DisputeType.CONTRACT, parties=[
        PartyInput("王五", id_number="330106198001010013", phone="13600003333", address="东村2组"),
        PartyInput("赵六", role=PartyRole.RESPONDENT, id_number="330106198502020025")],
        village_code=EAST, mediator_id=liu, requests="返还货款")
    svc.accept_case(c11, on=d(2026, 11, 2))
    svc.record_notice(c11, on=d(2026, 11, 2))
    svc.add_session(c11, "王五：要求返还货款\n赵六：同意返还", on=d(2026, 11, 3), place="东村村委会")
    svc.record_agreement(c11, AgreementInput(
        form=AgreementForm.WRITTEN, effective_on=d(2026, 11, 4), terms="赵六当场返还货款1000元",
        amount_fen=100000, responsibilities="赵六未按约付款", perform_method="现金",
        perform_place="东村村委会", performed_now=True))
    # every 调解成功 is visited (issue 24): the policy's 回访, made before filing
    [visit] = [f for f in svc.case_file(c11).follow_ups if f.done_on is None]
    svc.complete_follow_up(visit.id, FollowUpResult.SATISFIED, FollowUpMethod.PHONE,
                           done_on=d(2026, 11, 5), performance="已当场履行完毕",
                           satisfaction="SATISFIED")
    svc.archive_case(c11, on=d(2026, 11, 5))

    nos = {name: svc.case_file(cid).case.case_no for name, cid in cases.items() if name != "C9"}
    yield Fixture(svc, db, path, cases, nos)
    db.close()
