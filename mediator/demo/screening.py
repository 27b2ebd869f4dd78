"""The demo's 排查 (issue 24): a year of screening rounds in every village (half-monthly, a
third of them 零报告) and monthly township rounds, the disputes they found and what became of
each, the demo's 排查发现 cases linked to the round that found them, and a 激化风险 event behind
every 防止民转刑 / 防止群体性上访 the demo claims (plus a few 防止自杀 / 械斗 on items).

Written with plain INSERTs inside the demo's one transaction, like the cases; ids are uuid4
hex from the seeded RNG, so the same seed gives the same rows.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

#: what villages find, by dispute type
_FINDINGS = (
    ("NEIGHBOUR", "两户因排水沟堵塞发生口角"), ("HOUSE_HOMESTEAD", "宅基地界址有争议，双方互不相让"),
    ("MARRIAGE_FAMILY", "夫妻长期争吵，一方扬言离家"), ("FOREST_LAND", "山林边界不清，两组村民有意见"),
    ("WAGE_ARREARS", "工地拖欠务工人员工资，工人情绪激动"), ("DAMAGES", "牲畜践踏庄稼引发赔偿争议"),
    ("LAND_ACQUISITION", "征地补偿款分配有意见"), ("CONTRACT", "土地流转租金未按时支付"),
)
_HOW = ("调解员上门说和，双方各退一步", "提前约谈双方，讲明政策", "协调村组干部现场划定界址",
        "联系用工单位，约定付款时间")
_TO = ("镇国土所", "镇劳动保障所", "县人社局劳动监察大队", "镇综治中心")
_FOCUS = ("宅基地、邻里纠纷", "春耕用水", "节前欠薪", "征地拆迁", "婚姻家庭")


def _stamp(day: date) -> str:
    return f"{day.isoformat()} 02:00:00.000000"


def add_screening(raw: Any, office_code: str, villages: list[tuple[str, str]], today: date,
                  rng: random.Random, operator: str, police: str) -> dict[str, int]:
    """Rounds, items and risk events for the year up to ``today``; returns the row counts."""
    def uid() -> str:
        return f"{rng.getrandbits(128):032x}"

    rounds: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    risks: list[tuple[Any, ...]] = []
    start = today - timedelta(days=364)
    # the demo's 排查发现 cases, by village: linked to an item of a round that found them
    found_cases: dict[str | None, list[tuple[str, str]]] = {}
    for cid, village, registered in raw.execute(
            "SELECT id, village_code, registered_on FROM dispute_case WHERE owner_code = ? "
            "AND source = 'SCREENING' AND deleted = 0 ORDER BY registered_on", (office_code,)):
        found_cases.setdefault(village, []).append((cid, registered))

    def add_round(day: date, level: str, village: str | None, nil: bool, by: str,
                  focus: str) -> str:
        rid = uid()
        rounds.append((rid, office_code, 1, _stamp(day), _stamp(day), 0, None, day.isoformat(),
                       level, village, None, by, focus, 0, int(nil), ""))
        return rid

    def add_item(rid: str, day: date, village: str | None, case: tuple[str, str] | None) -> str:
        iid = uid()
        dtype, summary = rng.choice(_FINDINGS)
        persons = rng.choice((2, 2, 3, 4, 6))
        grade = rng.choices(("GENERAL", "MAJOR", "SEVERE"), (85, 12, 3))[0]
        if case is not None:
            disposition, note, case_id = "CASE", "", case[0]
        else:
            disposition = rng.choices(("RESOLVED", "PREVENTED", "TRANSFERRED", "WATCHING"),
                                      (45, 35, 8, 12))[0]
            note = {"PREVENTED": rng.choice(_HOW), "TRANSFERRED": rng.choice(_TO)}.get(
                disposition, "")
            case_id = None
        disposed = day + timedelta(days=rng.choice((0, 0, 1, 3)))
        disposed = min(disposed, today)
        items.append((iid, office_code, 1, _stamp(day), _stamp(day), 0, None, rid, day.isoformat(),
                      dtype, village, grade, summary, "", persons, None, None, None, disposition,
                      disposed.isoformat(), note, case_id))
        return iid

    for code, name in villages:
        cadre = f"{name}调委会"
        waiting = list(found_cases.get(code, []))
        day = start + timedelta(days=rng.randrange(15))
        while day <= today:
            linked = [c for c in waiting if day <= date.fromisoformat(c[1]) < day + timedelta(days=15)]
            nil = not linked and rng.random() < 0.35
            rid = add_round(day, "VILLAGE", code, nil, cadre, rng.choice(_FOCUS))
            if not nil:
                for case in linked:
                    add_item(rid, day, code, case)
                    waiting.remove(case)
                for _ in range(rng.choice((0, 1, 1, 2)) if linked else rng.choice((1, 1, 2, 3))):
                    iid = add_item(rid, day, code, None)
                    if rng.random() < 0.03:
                        kind = rng.choice(("SUICIDE", "FIGHT"))
                        risks.append((uid(), office_code, 1, _stamp(day), _stamp(day), 0, None,
                                      None, iid, day.isoformat(),
                                      "当事人情绪激动，扬言过激行为", "安排专人稳控，亲属陪护",
                                      police, "值班民警", day.isoformat(), "情绪平稳，未发生意外",
                                      kind, rng.choice((1, 2, 8)), operator))
            day += timedelta(days=15 + rng.choice((-1, 0, 0, 1)))
    day = start.replace(day=1) + timedelta(days=31)
    while day <= today:
        held = day.replace(day=min(day.day, 28))
        if held <= today:
            add_round(held, "TOWNSHIP", None, rng.random() < 0.2, operator, "月度排查")
        day = (held.replace(day=1) + timedelta(days=32)).replace(day=10)
    # the evidence behind every 防止民转刑 / 防止群体性上访 the demo claims
    for cid, crim, pet, persons, on in raw.execute(
            "SELECT id, prevented_criminal, prevented_petition, persons_involved, "
            "coalesce(accepted_on, registered_on) FROM dispute_case WHERE owner_code = ? "
            "AND deleted = 0 AND (prevented_criminal = 1 OR prevented_petition = 1)",
            (office_code,)).fetchall():
        kinds = ",".join(k for k, flag in (("CRIMINAL", crim), ("PETITION", pet)) if flag)
        risks.append((uid(), office_code, 1, _stamp(date.fromisoformat(on)),
                      _stamp(date.fromisoformat(on)), 0, None, cid, None, on,
                      "双方矛盾激化，一方扬言报复或集体上访", "调解员连夜上门，分别稳控",
                      police, "值班民警", on, "矛盾化解，未发生过激行为", kinds,
                      max(1, int(persons)), operator))
    raw.executemany(f"INSERT INTO screening_round VALUES ({', '.join('?' * 16)})", rounds)
    raw.executemany(f"INSERT INTO screening_item VALUES ({', '.join('?' * 22)})", items)
    raw.executemany(f"INSERT INTO risk_event VALUES ({', '.join('?' * 19)})", risks)
    return {"screening_round": len(rounds), "screening_item": len(items), "risk_event": len(risks)}
