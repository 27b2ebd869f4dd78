"""Run the benchmark suite and write bench/results.md.

    python bench/run.py            # everything (first run builds and caches the data sets)
    python bench/run.py --only search,casefile

Data sets are built with `mediator demo` (fixed seeds) and cached in bench/data/.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH, Figure, county_db, demo_db, scratch_copy

SEED_TOWNSHIP = 100


def fmt(x: float) -> str:
    return f"{x:.3g}" if x < 100 else f"{x:.0f}"


def table(figures: list[Figure]) -> str:
    lines = ["| figure | median | min–max | target | ratio | met | note |",
             "|---|---|---|---|---|---|---|"]
    for f in figures:
        rng = f"{fmt(min(f.samples))}–{fmt(max(f.samples))}" if len(f.samples) > 1 else "–"
        target = "" if f.target is None else (f"≤ {fmt(f.target)}" + ("" if f.ratio is not None else f" {f.unit}"))
        ratio = "" if f.ratio is None else f"{f.ratio:.2f} ({f.baseline})"
        met = {True: "yes", False: "**NO**", None: ""}[f.ok]
        lines.append(f"| {f.name} | {fmt(f.median)} {f.unit} | {rng} | {target} | {ratio} | {met} | {f.note} |")
    return "\n".join(lines)


def versions() -> str:
    import importlib.metadata as md

    return (f"Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}, "
            f"textual {md.version('textual')}, sqlmodel {md.version('sqlmodel')}, "
            f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}")


def compile_package() -> None:
    """Bytecode for every module of mediator, as an installed copy has it (pip compiles at
    install, the portable build ships it). Without it, a module changed since its last
    ``.pyc`` is compiled again by every process the suite starts — and this machine sets
    ``PYTHONDONTWRITEBYTECODE``, so that happened on every run (~0.05 s of each ledger
    import, each start measured in a fresh process)."""
    import compileall

    compileall.compile_dir(str(BENCH.parent / "mediator"), quiet=1)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", default="", help="comma-separated groups: demo,search,casefile,ui,report,sync,ledger")
    ap.add_argument("--no-write", action="store_true", help="print only; do not write results.md")
    args = ap.parse_args()
    groups = set(filter(None, args.only.split(","))) or {"demo", "search", "casefile", "ui", "report", "sync", "ledger"}
    t_start = time.perf_counter()
    figures: list[Figure] = []
    compile_package()

    print("data sets …", flush=True)
    town, built = demo_db(100_000, SEED_TOWNSHIP)
    building = built or 0.0   # data sets built in this run (cached in bench/data for the next)
    if built is not None:
        print(f"  built {town.name} in {built:.1f} s", flush=True)
    county = None
    if groups & {"search", "report"}:
        county, cbuilt = county_db(town, copies=10)
        if cbuilt is not None:
            building += cbuilt
            print(f"  built {county.name} in {cbuilt:.1f} s", flush=True)

    if "demo" in groups:
        from bench.figures_demo import demo_figure

        figures.append(demo_figure())
    if "search" in groups:
        from bench.common import warm
        from bench.figures_core import search_figure

        for data in (d for d in (town, county) if d is not None):
            print(f"  read {data.name} into the OS cache in {warm(data):.1f} s", flush=True)

        figures += search_figure(town, "100,000 cases", 10)
        figures += search_figure(county, "1,000,000 cases", 50)
    if "casefile" in groups:
        from bench.figures_core import case_file_figure

        figures.append(case_file_figure(town, scratch_copy(town, "casefile.db")))
    for group, module in (("ui", "bench.figures_ui"), ("report", "bench.figures_report"),
                          ("sync", "bench.figures_sync"), ("ledger", "bench.figures_ledger")):
        if group in groups:
            try:
                mod = __import__(module, fromlist=["figures"])
            except ImportError as exc:
                print(f"  {group}: not measured ({exc})", flush=True)
                continue
            figures += mod.figures(town=town, county=county)
            building += getattr(mod, "BUILT", 0.0)
    for f in figures:
        print(f"  {f.name}: {fmt(f.median)} {f.unit}" + (f" (ratio {f.ratio:.2f})" if f.ratio else ""),
              flush=True)
    total = time.perf_counter() - t_start
    out = table(figures)
    print(out)
    cached = (f", of which {building:.0f} s building data sets that later runs reuse "
              f"({total - building:.0f} s with them cached)") if building >= 1 else ""
    print(f"suite time: {total:.0f} s{cached}")
    if not args.no_write:
        header = (f"# Benchmark results\n\nProduced by `python bench/run.py` on "
                  f"{datetime.now():%Y-%m-%d %H:%M}; {versions()}. Suite time {total:.0f} s{cached}.\n\n")
        notes_file = BENCH / "notes.md"
        notes = notes_file.read_text(encoding="utf-8") if notes_file.exists() else ""
        (BENCH / "results.md").write_text(header + out + "\n\n" + notes, encoding="utf-8")
    return 0 if all(f.ok is not False for f in figures) else 1


if __name__ == "__main__":
    raise SystemExit(main())
