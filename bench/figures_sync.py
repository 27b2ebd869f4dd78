"""Upward merge figures: N sealed township packages into an empty county (time, peak memory),
the same files again, and the ratio to a plain SQLite copy of the same rows.
The logic lives in bench/sync_merge.py, which also runs on its own."""

from __future__ import annotations

from pathlib import Path

from bench.common import DATA, Figure
from bench.sync_merge import plain_copy, prepare, run_import


def figures(town: Path, county: Path | None = None, towns: int = 100,
            cases: int = 10_000) -> list[Figure]:
    work = DATA / "sync"
    built_in = prepare(work, towns, cases, reuse=True).built   # builds what is missing
    firsts, agains, floors = [], [], []
    rss = 0.0
    rows = new = 0
    for _ in range(2):   # each run starts from an empty county
        setup = prepare(work, towns, cases, reuse=True)
        took, peak, rows, new, _unchanged = run_import(setup.county_root, setup.packages)
        firsts.append(took)
        rss = max(rss, peak)
        again = run_import(setup.county_root, setup.packages)
        agains.append(again[0])
        if again[3]:
            raise RuntimeError(f"re-import added {again[3]} rows")
        floors.append(plain_copy(work, setup.town_dbs)[0])
    first = min(firsts)
    label = f"{towns} packages × {cases:,} cases"
    built = f"; packages built in {built_in:.0f} s (cached for later runs)" if built_in else ""
    return [
        Figure(f"merge {label} into an empty county", "s", firsts, target=60,
               note=f"{rows:,} rows, {new:,} new; separate process, sealed and signed files"
                    + built),
        Figure("merge: peak memory", "MB", [rss], target=300, note="peak RSS of the import process"),
        Figure("re-import the same files ÷ first import", "s", agains, target=0.10,
               ratio=min(agains) / first, baseline="first import",
               note="each file recognised by its hash: nothing read beyond the copy-in"),
        Figure("merge ÷ plain SQLite ATTACH + INSERT … SELECT", "s", firsts, target=3,
               ratio=first / min(floors), baseline="plain copy",
               note=f"floor {min(floors):.1f} s: the same rows into the real schema and indexes, "
                    "one transaction per township; the merge also verifies, decrypts, validates "
                    "every row, classifies by revision and builds the search index"),
    ]
