"""Figures that need only the core: search query time, opening a case file, demo build time."""

from __future__ import annotations

import random
import sqlite3
import time
from datetime import date
from pathlib import Path

from bench.common import Figure, timed


def query_mix(db_path: Path, n: int = 200, seed: int = 3) -> list[tuple[str, str]]:
    """A realistic mix: two-character names, 3+ character and two-character words of the
    facts, ID and phone tails, pinyin initials, case numbers — sampled from the data itself."""
    from mediator.core.search import initials

    rng = random.Random(seed)
    con = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    names2 = [r[0] for r in con.execute(
        "SELECT name FROM party WHERE length(name) = 2 AND kind='PERSON' LIMIT 5000")]
    names3 = [r[0] for r in con.execute(
        "SELECT name FROM party WHERE length(name) = 3 AND kind='PERSON' LIMIT 5000")]
    ids = [r[0] for r in con.execute(
        "SELECT id_number FROM party WHERE id_number IS NOT NULL LIMIT 5000")]
    phones = [r[0] for r in con.execute("SELECT phone FROM party WHERE phone IS NOT NULL LIMIT 5000")]
    facts = [r[0] for r in con.execute("SELECT facts FROM dispute_case LIMIT 3000")]
    numbers = [r[0] for r in con.execute("SELECT case_no FROM dispute_case LIMIT 3000")]
    con.close()
    mix: list[tuple[str, str]] = []
    kinds = ["name2", "name3", "fact", "fact2", "id_tail", "phone_tail", "initials", "case_no"]
    for i in range(n):
        kind = kinds[i % len(kinds)]
        if kind == "name2" and names2:
            q = rng.choice(names2)
        elif kind == "name3" and names3:
            q = rng.choice(names3)
        elif kind == "fact":
            f = rng.choice(facts)
            start = rng.randrange(0, max(1, len(f) - 4))
            q = f[start:start + rng.choice((3, 4))]
        elif kind == "fact2":  # a two-character word (围墙, 噪音): two Chinese characters
            f = rng.choice(facts)
            words = [f[j:j + 2] for j in range(len(f) - 1)
                     if all("\u4e00" <= ch <= "\u9fff" for ch in f[j:j + 2])]
            q = rng.choice(words)
        elif kind == "id_tail" and ids:
            q = rng.choice(ids)[-rng.choice((4, 6)):]
        elif kind == "phone_tail" and phones:
            q = rng.choice(phones)[-4:]
        elif kind == "initials":
            q = initials(rng.choice(names2 + names3))
        else:
            no = rng.choice(numbers)
            q = no if rng.random() < 0.5 else no[no.index("第"):]
        mix.append((kind, q))
    return mix


def search_figure(db_path: Path, label: str, target_ms: float) -> list[Figure]:
    from mediator.core.db import open_database
    from mediator.core.queries import CaseFilter, count_cases, list_cases

    db = open_database(db_path)
    mix = query_mix(db_path)
    page_times: list[float] = []
    count_times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    count_by_kind: dict[str, list[float]] = {}
    with db.read() as s:
        list_cases(s, CaseFilter(query=mix[0][1]), limit=100)  # warm the cache
        for _ in range(3):
            for kind, q in mix:
                t0 = time.perf_counter()
                list_cases(s, CaseFilter(query=q), limit=100)
                dt = time.perf_counter() - t0
                page_times.append(dt * 1000)
                by_kind.setdefault(kind, []).append(dt * 1000)
                t0 = time.perf_counter()
                count_cases(s, CaseFilter(query=q))
                count_times.append((time.perf_counter() - t0) * 1000)
                count_by_kind.setdefault(kind, []).append(count_times[-1])
    db.close()
    page_times.sort()
    count_times.sort()

    def p95(xs: list[float]) -> float:
        xs = sorted(xs)
        return xs[min(len(xs) - 1, int(len(xs) * 0.95))]

    fig = Figure(f"search p95, one page ({label})", "ms", [p95(page_times)], target=target_ms,
                 note="file read once into the OS cache first; per kind p95: "
                      + ", ".join(f"{k} {p95(v):.1f}" for k, v in by_kind.items()))
    fig2 = Figure(f"search p95, match count ({label})", "ms", [p95(count_times)], target=None,
                  note="the count is shown beside the list; fetched after the page; per kind "
                       "p95: " + ", ".join(f"{k} {p95(v):.1f}" for k, v in count_by_kind.items()))
    return [fig, fig2]


def case_file_figure(db_path: Path, scratch: Path) -> Figure:
    """Open a case file with 50 timeline entries (Services.case_file: one read transaction)."""
    from mediator.core.db import open_database
    from mediator.core.services import Services

    db = open_database(scratch)
    today = date.today()
    svc = Services(db, operator="bench", today=lambda: today)
    with db.read() as s:
        from sqlalchemy import text

        case_id = s.exec(text(  # type: ignore[call-overload]
            "SELECT id FROM dispute_case WHERE state='MEDIATING' AND owner_code = "
            "(SELECT value FROM setting WHERE key='office_code') LIMIT 1")).scalar_one()
    have = len(svc.case_file(case_id).events)
    for i in range(max(0, 50 - have)):
        svc.add_note(case_id, f"第{i + 1}次电话沟通，双方态度缓和。")
    events = len(svc.case_file(case_id).events)
    samples = [x * 1000 for x in timed(lambda: svc.case_file(case_id), repeat=20, warmup=2)]
    db.close()
    return Figure("open a case file (50 timeline entries), data", "ms", samples, target=100,
                  note=f"{events} entries; Services.case_file")
