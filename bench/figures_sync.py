"""Upward merge figures: N sealed township packages into an empty county (time, peak memory),
the same files again, next week's packages with nothing changed and with 1 % of the cases
changed, and the ratio to a plain SQLite copy of the same rows, measured alternately (plain
copy, then merge) in each round. The logic lives in bench/sync_merge.py, which also runs on
its own.

Measured on 20 townships of 10,000 cases (3.5 million rows), not 100 (issue 21): one round at
100 took a quarter of an hour here (the plain copy alone 254 s), and the suite has to stay
under 20 minutes. ``python bench/sync_merge.py --towns 100`` measures the county of the issue.
"""

from __future__ import annotations

from pathlib import Path

from bench.common import DATA, Figure
from bench.sync_merge import plain_copy, prepare, run_import

TOWNS = 20
BUILT = 0.0   # seconds spent building packages in this run (bench/run.py reports it apart)


def figures(town: Path, county: Path | None = None, towns: int = TOWNS,
            cases: int = 10_000) -> list[Figure]:
    work = DATA / f"sync-{towns}"
    global BUILT
    built_in = prepare(work, towns, cases, reuse=True).built   # builds what is missing
    BUILT = built_in or 0.0
    rounds = []
    for _ in range(2):   # alternating, so the machine's load weighs on both alike
        floor = plain_copy(work, prepare(work, towns, cases, reuse=True).town_dbs)
        setup = prepare(work, towns, cases, reuse=True)   # an empty county
        first = run_import(setup.county_root, setup.packages)
        again = run_import(setup.county_root, setup.packages)
        if again.new:
            raise RuntimeError(f"re-import added {again.new} rows")
        weekly = run_import(setup.county_root, setup.packages2)
        changed = run_import(setup.county_root, setup.packages3)
        rounds.append((floor[0], first, again, weekly, changed))
    label = f"{towns} packages × {cases:,} cases"
    built = f"; packages built in {built_in:.0f} s (cached for later runs)" if built_in else ""
    firsts = [r[1].seconds for r in rounds]
    best = min(rounds, key=lambda r: r[1].seconds)
    merge_ratio = min(r[1].seconds / r[0] for r in rounds)
    weekly_ratio = min(r[3].seconds / r[1].seconds for r in rounds)
    changed_ratio = min(r[4].seconds / r[1].seconds for r in rounds)
    again_ratio = min(r[2].seconds / r[1].seconds for r in rounds)
    return [
        Figure(f"merge {label} into an empty county", "s", firsts,
               note=f"{best[1].rows:,} rows, {best[1].new:,} new; separate process, sealed and "
                    f"signed files{built}; 100 townships not measured by the suite (see notes)"),
        Figure("merge: peak memory", "MB", [best[1].rss_mb], target=300,
               note="peak RSS of the import process"),
        Figure("re-import the same files ÷ first import", "s", [r[2].seconds for r in rounds],
               target=0.10, ratio=again_ratio, baseline="first import",
               note="each file recognised by its hash: nothing read beyond the copy-in"),
        Figure("merge ÷ plain SQLite ATTACH + INSERT … SELECT", "s", firsts, target=2,
               ratio=merge_ratio, baseline="plain copy",
               note=f"floor {min(r[0] for r in rounds):.1f} s: the same rows into the real schema "
                    "and indexes, one transaction per township, alternating with the merge; the "
                    "merge also verifies, decrypts, validates every row and classifies by "
                    "revision; the search entries of the new cases are built after it"),
        Figure("search index of the first import's new cases, built after the merge", "s",
               [r[1].index_seconds for r in rounds],
               note="the CLI builds it at the end of the command, the TUI in a background "
                    "worker; searches find the cases meanwhile by scanning their texts"),
        Figure("next week's packages, nothing changed ÷ first import", "s",
               [r[3].seconds for r in rounds], target=0.05, ratio=weekly_ratio,
               baseline="first import",
               note="every table's signed digest as merged last time: logged, not decrypted"),
        Figure("next week's packages, 1 % of cases changed ÷ first import", "s",
               [r[4].seconds for r in rounds], target=0.10, ratio=changed_ratio,
               baseline="first import",
               note=f"{best[4].updated:,} rows updated, {best[4].new:,} new; only the tables "
                    "whose digest changed are checked and merged"),
    ]
