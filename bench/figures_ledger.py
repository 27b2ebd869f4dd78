"""Ledger import (issue 16): the whole `mediator import ledger` command on a 10,000-row 台账,
as .xlsx and as the same rows saved as a GBK .csv, each in a fresh process into an empty
database. CPU time of the child (user + system): the steadier figure on a shared machine.
Target ≤ 3 s CPU each. ``bench/ledger_import.py --whole`` runs the same alone."""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from bench.common import BENCH, DATA, Figure


def figures(town: Path | None = None, county: Path | None = None, rows: int = 10_000,
            runs: int = 3) -> list[Figure]:
    sys.path.insert(0, str(BENCH))
    import ledger_import as li

    work = DATA / "scratch" / "ledger"
    work.mkdir(parents=True, exist_ok=True)
    xlsx = work / f"台账_{rows}.xlsx"
    if not xlsx.exists():
        li.build(xlsx, rows)
    csv_file = work / f"台账_{rows}.csv"
    if not csv_file.exists():
        li.to_gbk_csv(xlsx, csv_file)
    out = []
    for label, path in (("xlsx", xlsx), ("GBK csv", csv_file)):
        results = [li.whole_command(path, work) for _ in range(runs)]
        wall = statistics.median(r["wall"] for r in results)
        out.append(Figure(f"import ledger, {rows:,}-row {label}, whole command (CPU)", "s",
                          [r["cpu"] for r in results], target=3.0,
                          note=f"fresh process into an empty database (its search index built "
                          f"after the command); wall median {wall:.1f} s"))
    return out
