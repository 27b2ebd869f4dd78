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
    # One merge of 100 packages is most of a quarter of an hour here, and the plain copy five
    # minutes more: each is measured once (two rounds took the suite past 20 minutes). The
    # cheap re-import is measured three times.
    setup = prepare(work, towns, cases, reuse=True)   # an empty county
    took, rss, rows, new, _unchanged = run_import(setup.county_root, setup.packages)
    firsts = [took]
    agains = []
    for _ in range(3):
        again = run_import(setup.county_root, setup.packages)
        if again[3]:
            raise RuntimeError(f"re-import added {again[3]} rows")
        agains.append(again[0])
    floors = [plain_copy(work, setup.town_dbs)[0]]
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
