"""Many cases quickly, for list and paging tests.

``Services.register_case`` takes ~10 ms a case (one audited transaction each), so 2,000 cases
would cost 20 s per test. Here rows are built as model instances (so every default applies),
inserted in one transaction with SQLAlchemy Core, and indexed with ``search.reindex_cases``,
the same path bulk loads take. Fixed seed: the same database every time.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import insert

from mediator.core import facts, search
from mediator.core.checks import format_case_no, parties_text
from mediator.core.db import Database
from mediator.core.enums import CaseSource, DisputeType, PartyRole, RiskGrade
from mediator.core.models import Case, Party, Village, new_id
from mediator.core.rules import mediation_deadline

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
FACTS = ("两家因宅基地滴水问题发生争执", "借款三万元到期未还", "邻居装修噪音扰民",
         "承包土地边界不清", "拖欠务工工资八千元", "交通事故赔偿协商不成", "赡养老人费用分担")
VILLAGES = (("330106001001", "青石村"), ("330106001002", "白沙村"), ("330106001003", "溪口社区"))


def name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def bulk_cases(db: Database, n: int, today: date, *, seed: int = 7,
               office_code: str = "330106001", short_name: str = "青石") -> None:
    """``n`` cases over the last ~2 years for the office already set up in ``db``."""
    rng = random.Random(seed)
    cases, parties = [], []
    with db.write() as s:
        if not s.get(Village, VILLAGES[0][0]):
            for code, vname in VILLAGES:
                s.add(Village(owner_code=office_code, code=code, name=vname))
        # one model instance each for the defaults; building 6,000 SQLModel rows costs seconds
        case_template = Case(owner_code=office_code, year=2000, seq=0, case_no="",
                             dispute_type="OTHER", source="APPLICATION",
                             registered_on=today).model_dump()
        party_template = Party(owner_code=office_code, case_id="", name="").model_dump()
        seq_by_year: dict[int, int] = {}
        days = sorted((rng.randrange(0, 700) for _ in range(n)), reverse=True)
        for day in days:
            registered = today - timedelta(days=day)
            seq_by_year[registered.year] = seq_by_year.get(registered.year, 0) + 1
            seq = seq_by_year[registered.year]
            names = [(PartyRole.APPLICANT.name, name(rng)), (PartyRole.RESPONDENT.name, name(rng))]
            open_case = day < 60
            accepted = registered if open_case else None
            dispute_type = rng.choice(list(DisputeType)).name
            deadline = mediation_deadline(registered, dispute_type) if open_case else None
            case = dict(case_template, id=new_id(), year=registered.year, seq=seq,
                        case_no=format_case_no(registered.year, short_name, seq),
                        state="MEDIATING" if open_case else "ARCHIVED",
                        dispute_type=dispute_type,
                        source=CaseSource.APPLICATION.name, registered_on=registered,
                        accepted_on=accepted, deadline_on=deadline, next_due_on=deadline,
                        next_due_kind="MEDIATION" if deadline else None,
                        village_code=rng.choice(VILLAGES)[0], facts=rng.choice(FACTS),
                        risk_grade=rng.choice(list(RiskGrade)).name,
                        persons_involved=2, parties_text=parties_text(names))
            cases.append(case)
            for pos, (role, pname) in enumerate(names):
                parties.append(dict(party_template, id=new_id(), case_id=case["id"], position=pos,
                                    role=role, name=pname,
                                    phone=f"138{rng.randrange(10**8):08d}"))
        s.flush()
        s.execute(insert(Case), cases)
        s.execute(insert(Party), parties)
        search.reindex_cases(s)
        # their dated facts (the open ones' mediation spell), as the ledger import derives them
        facts.derive(s.connection().connection.driver_connection,
                     [c["id"] for c in cases])
