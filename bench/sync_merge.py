"""Merging township packages into a county: time and peak memory (issue 5).

    python bench/sync_merge.py --towns 100 --cases 10000      # the target of the issue
    python bench/sync_merge.py --towns 10 --cases 10000       # a quicker realistic run

One township is made with ``mediator demo`` (cached in --work), then copied to N townships
with rewritten ids and owner codes (far faster than generating each); each writes a real
sealed package with its own keys. A fresh county trusts them all and imports the N files in
a separate process (so its peak RSS is the import's own); then the same files again (the
re-import no-op); then a second export of every township with nothing changed (every row
"unchanged": the weekly case). Prints one table of figures.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

CHILD = r"""
import sys, time, resource
from datetime import date
from pathlib import Path
from mediator.core.db import open_database
from mediator.core.paths import Paths
from mediator.core.services import Services
from mediator.sync.service import SyncService
root, files = Path(sys.argv[1]), [Path(p) for p in sys.argv[2:]]
paths = Paths(data=root, config=root / "config", backups=root / "backups", db=root / "county.db")
svc = Services(open_database(paths.db), operator="bench", today=lambda: date(2026, 11, 23))
t = time.perf_counter()
reports = SyncService(svc, paths).import_files(files)
took = time.perf_counter() - t
bad = [r.message for r in reports if not r.ok]
assert not bad, bad[:3]
rows = sum(r.counts.new + r.counts.updated + r.counts.unchanged for r in reports)
cpu = time.process_time()
# the new cases' search entries, which the merges leave for after them (issue 21): the CLI
# builds them at the end of the command, the TUI in a background worker
t = time.perf_counter()
svc.index_pending_cases(chunk=5000)   # as `mediator sync import` does
index = time.perf_counter() - t
print(f"{took:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {rows} "
      f"{sum(r.counts.new for r in reports)} {sum(r.counts.unchanged for r in reports)} "
      f"{sum(r.counts.updated for r in reports)} {cpu:.2f} {index:.2f} "
      f"{time.process_time() - cpu:.2f}")
"""

ID_COLS = {"id", "case_id", "agreement_id", "mediator_id", "obligation_id", "linked_case_id",
           "round_id", "item_id", "ref_id"}


def make_township(src: Path, dst: Path, k: int) -> str:
    """Copy the demo township with ids, owner and village codes rewritten for number k."""
    code = f"330106{k:03d}"
    shutil.copyfile(src, dst)
    con = sqlite3.connect(dst, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("BEGIN")
    prefix = f"{k:02x}"[-2:] if k < 256 else f"{k:03x}"
    # every table a package carries (the tables added after issue 5 were left out before, so
    # townships 2… carried township 1's 排查, 信访 and fact rows: refused by the plain copy)
    from mediator.sync.payload import TABLES

    for table in TABLES:
        cols = [r[1] for r in con.execute(f"PRAGMA table_info({table})")]
        sets = [f"{c} = '{prefix}' || substr({c}, {len(prefix) + 1})" for c in cols if c in ID_COLS]
        sets.append(f"owner_code = '{code}'")
        if table == "office":
            sets.append(f"code = '{code}'")
            sets.append(f"name = '第{k}镇人民调解委员会'")
        if table == "village":
            sets.append(f"code = '{code}' || substr(code, 10)")
        if table != "village" and "village_code" in cols:
            sets.append(f"village_code = CASE WHEN village_code IS NULL THEN NULL "
                        f"ELSE '{code}' || substr(village_code, 10) END")
        con.execute(f"UPDATE {table} SET {', '.join(sets)}")
    con.execute("UPDATE setting SET value = ? WHERE key = 'office_code'", (code,))
    con.execute("COMMIT")
    con.close()
    return code


def change_cases(db_path: Path, share: int = 100) -> int:
    """Edit one case in ``share`` (its facts, revision + 1) and record one new timeline entry
    for it, as a week of work at a township does: next week's package with 1 % changed."""
    con = sqlite3.connect(db_path, isolation_level=None)
    con.execute("BEGIN")
    changed = con.execute(
        f"UPDATE dispute_case SET revision = revision + 1, facts = facts || '（补记）', "
        f"updated_at = '2026-11-30 09:00:00.000000' WHERE rowid % {share} = 0").rowcount
    cols = [r[1] for r in con.execute("PRAGMA table_info(case_event)")]
    # ids are the township number, the time ("9a" in these) …: "fe" there is new
    values = ", ".join({"id": "substr(e.id, 1, 2) || 'fe' || substr(e.id, 5)",
                        "revision": "1", "summary": "'补记事实'",
                        "created_at": "'2026-11-30 09:00:00.000000'",
                        "updated_at": "'2026-11-30 09:00:00.000000'"}.get(c, f"e.{c}")
                       for c in cols)
    con.execute(f"INSERT INTO case_event ({', '.join(cols)}) SELECT {values} FROM case_event e "
                f"WHERE e.rowid IN (SELECT max(x.rowid) FROM case_event x JOIN dispute_case c "
                f"ON c.id = x.case_id WHERE c.rowid % {share} = 0 GROUP BY x.case_id)")
    con.execute("COMMIT")
    con.close()
    return changed


@dataclass
class Setup:
    county_root: Path
    packages: list[Path]       # the first export of every township
    packages2: list[Path]      # a second export with nothing changed (next week's)
    packages3: list[Path]      # a third, after 1 % of the cases changed (change_cases)
    town_dbs: list[Path]
    built: float | None        # seconds spent building townships and packages (None: cached)


def prepare(work: Path, towns: int, cases: int, reuse: bool = True) -> Setup:
    """The county (keys, trust, empty database) and every township's packages. With
    ``reuse`` the packages of a previous run with the same sizes are kept (they are sealed to
    the county key, so that key is kept with them)."""
    from mediator.core.db import open_database
    from mediator.core.paths import Paths
    from mediator.core.services import Services
    from mediator.demo import generate
    from mediator.sync.export import export_package
    from mediator.sync.keys import ensure_keys, load_keys
    from mediator.sync.service import SyncService

    work.mkdir(parents=True, exist_ok=True)
    stamp = work / "built-for.txt"
    reuse = reuse and stamp.exists() and stamp.read_text() == f"{towns} {cases}"
    demo = work / f"demo-{cases}.db"
    if not demo.exists():
        t = time.perf_counter()
        with open_database(demo) as db:
            generate(db, cases=cases, seed=1)
        print(f"  demo township of {cases} cases: {time.perf_counter() - t:.1f} s", flush=True)
    county_root = work / "county"
    saved_keys = work / "county-keys"
    if reuse and (county_root / "config" / "keys").is_dir():
        shutil.rmtree(saved_keys, ignore_errors=True)
        shutil.copytree(county_root / "config" / "keys", saved_keys)
    shutil.rmtree(county_root, ignore_errors=True)
    if reuse and saved_keys.is_dir():   # packages already sealed to this county's key
        shutil.copytree(saved_keys, county_root / "config" / "keys")
    county_paths = Paths(data=county_root, config=county_root / "config",
                         backups=county_root / "backups", db=county_root / "county.db").ensure()
    county_svc = Services(open_database(county_paths.db), operator="bench",
                          today=lambda: date(2026, 11, 23))
    county = county_svc.init_office("西湖区人民调解委员会", "西湖", "330106")
    county_keys = ensure_keys(county_paths, county)
    county_sync = SyncService(county_svc, county_paths)

    towns_dir = work / "towns"
    packages = [work / f"pkg1-{k:03d}.mdsync" for k in range(1, towns + 1)]
    packages2 = [work / f"pkg2-{k:03d}.mdsync" for k in range(1, towns + 1)]
    packages3 = [work / f"pkg3-{k:03d}.mdsync" for k in range(1, towns + 1)]
    town_dbs = [towns_dir / f"t{k}.db" for k in range(1, towns + 1)]
    reuse = reuse and all(p.exists() for p in packages + packages2 + packages3 + town_dbs)
    if not reuse:
        stamp.unlink(missing_ok=True)
        shutil.rmtree(towns_dir, ignore_errors=True)
        towns_dir.mkdir()
    t = time.perf_counter()
    export_time = 0.0
    for k in range(1, towns + 1):
        db_path = towns_dir / f"t{k}.db"
        tpaths = Paths(data=towns_dir / f"d{k}", config=towns_dir / f"d{k}" / "config",
                       backups=towns_dir / f"d{k}" / "b", db=db_path)
        if reuse:   # the county still has to trust the townships' keys
            county_sync.trust_key(load_keys(tpaths, f"330106{k:03d}").public)
            continue
        code = make_township(demo, db_path, k)

        class O:  # the office row as ensure_keys wants it
            pass

        o = O()
        o.code, o.name = code, f"第{k}镇人民调解委员会"
        keys = ensure_keys(tpaths, o)
        county_sync.trust_key(keys.public)
        db = open_database(db_path)
        for n in (1, 2, 3):
            if n == 3:   # the plain copy copies t{k}.db: the rows of the first package
                db.close()
                changed = towns_dir / f"t{k}-changed.db"
                shutil.copyfile(db_path, changed)
                change_cases(changed)
                db = open_database(changed)
            e = time.perf_counter()
            export_package(db, data_dir=tpaths.data, keys=load_keys(tpaths, code),
                           office_name=o.name, recipient_code="330106",
                           recipient_name="西湖区", recipient=county_keys.public,
                           today=date(2026, 11, 23), output=work / f"pkg{n}-{k:03d}.mdsync")
            export_time += time.perf_counter() - e
        db.close()
    county_svc.db.close()
    built = None
    if not reuse:
        built = time.perf_counter() - t
        stamp.write_text(f"{towns} {cases}")
        size = sum(p.stat().st_size for p in packages)
        print(f"  {towns} township packages: {size / 1e6:.0f} MB in all, built in {built:.0f} s "
              f"(export alone {export_time / (3 * towns):.2f} s per package of {cases} cases)",
              flush=True)
    return Setup(county_root, packages, packages2, packages3, town_dbs, built)


@dataclass
class Imported:
    seconds: float
    rss_mb: float
    rows: int
    new: int
    unchanged: int
    updated: int
    cpu: float    # CPU seconds of the importing process (start-up included)
    #: building the search entries of the new cases after the merges (seconds, CPU seconds)
    index_seconds: float = 0.0
    index_cpu: float = 0.0

    def __iter__(self):  # type: ignore[no-untyped-def]
        # (seconds, peak RSS, rows, new, unchanged), as callers unpacked it before
        return iter((self.seconds, self.rss_mb, self.rows, self.new, self.unchanged))

    def __getitem__(self, i: int) -> float:
        return tuple(self)[i]


def run_import(county_root: Path, files: list[Path]) -> Imported:
    """Import ``files`` into the county in a fresh process: seconds, peak RSS (MB), rows,
    rows new, rows unchanged (and, by name, rows updated and CPU seconds)."""
    out = subprocess.run([sys.executable, "-c", CHILD, str(county_root), *map(str, files)],
                         capture_output=True, text=True, check=True)
    took, rss_kb, rows, new, unchanged, updated, cpu, index, index_cpu = out.stdout.split()
    return Imported(float(took), int(rss_kb) / 1024, int(rows), int(new), int(unchanged),
                    int(updated), float(cpu), float(index), float(index_cpu))


PLAIN = r"""
import sqlite3, sys, time, resource
from pathlib import Path
from mediator.sync.payload import TABLES
dest, towns = sys.argv[1], sys.argv[2:]
con = sqlite3.connect(dest, isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA synchronous=FULL")
con.execute("PRAGMA foreign_keys=ON")
cols = {t: ", ".join(r[1] for r in con.execute(f"PRAGMA table_info({t})")) for t in TABLES}
t = time.perf_counter()
for town in towns:
    con.execute("ATTACH ? AS town", (town,))
    con.execute("BEGIN IMMEDIATE")
    for table in TABLES:
        con.execute(f"INSERT INTO main.{table} ({cols[table]}) SELECT {cols[table]} FROM town.{table}")
    con.execute("COMMIT")
    con.execute("DETACH town")
took = time.perf_counter() - t
rows = sum(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES)
print(f"{took:.2f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss} {rows}")
"""


def plain_copy(work: Path, town_dbs: list[Path]) -> tuple[float, float, int]:
    """The floor: the same rows copied by plain SQLite (ATTACH + INSERT … SELECT, one
    transaction per township) into an empty database with the real schema, its indexes and
    constraints. Seconds, peak RSS (MB), rows."""
    from mediator.core.db import open_database
    from mediator.core.services import Services

    dest = work / "plain-copy" / "county.db"
    shutil.rmtree(dest.parent, ignore_errors=True)
    dest.parent.mkdir(parents=True)
    db = open_database(dest)   # the real schema
    Services(db, operator="bench").init_office("西湖区人民调解委员会", "西湖", "330106")
    db.close()
    out = subprocess.run([sys.executable, "-c", PLAIN, str(dest), *map(str, town_dbs)],
                         capture_output=True, text=True, check=True)
    took, rss_kb, rows = out.stdout.split()
    shutil.rmtree(dest.parent, ignore_errors=True)
    return float(took), int(rss_kb) / 1024, int(rows)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--towns", type=int, default=100)
    ap.add_argument("--cases", type=int, default=10000)
    ap.add_argument("--work", type=Path, default=Path("bench/data/sync"))
    ap.add_argument("--rounds", type=int, default=1,
                    help="plain copy and merge measured alternately this many times")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the township packages of the previous run (same --towns)")
    args = ap.parse_args()
    setup = prepare(args.work, args.towns, args.cases, args.reuse)
    rounds = []
    for _ in range(args.rounds):   # alternating: the machine's load changes under both alike
        floor = plain_copy(args.work, setup.town_dbs)
        setup = prepare(args.work, args.towns, args.cases, reuse=True)   # an empty county
        first = run_import(setup.county_root, setup.packages)
        again = run_import(setup.county_root, setup.packages)
        weekly = run_import(setup.county_root, setup.packages2)
        changed = run_import(setup.county_root, setup.packages3)
        rounds.append((floor, first, again, weekly, changed))
        print(f"  round: floor {floor[0]:.1f} s, first {first.seconds:.1f} s "
              f"(÷ floor {first.seconds / floor[0]:.2f}), weekly unchanged {weekly.seconds:.2f} s "
              f"({weekly.seconds / first.seconds:.1%}), 1 % changed {changed.seconds:.2f} s "
              f"({changed.seconds / first.seconds:.1%}); search index of the new cases "
              f"after the first import {first.index_seconds:.1f} s", flush=True)
    floor, first, again, weekly, changed = min(rounds, key=lambda r: r[1].seconds)
    county_size = sum(f.stat().st_size for f in setup.county_root.glob("county.db*"))
    print()
    print("| step | seconds | CPU s | peak RSS MB | rows new | rows updated | rows unchanged |")
    print("|---|---|---|---|---|---|---|")
    for label, r in ((f"import {args.towns} packages into an empty county", first),
                     (f"import the same {args.towns} files again (no-op)", again),
                     (f"import next week's {args.towns} packages, nothing changed", weekly),
                     (f"import the week after's {args.towns} packages, 1 % of cases changed",
                      changed)):
        print(f"| {label} | {r.seconds:.2f} | {r.cpu:.1f} | {r.rss_mb:.0f} | {r.new} | "
              f"{r.updated} | {r.unchanged} |")
    print(f"| search index of the first import's new cases, built after it | "
          f"{first.index_seconds:.2f} | {first.index_cpu:.1f} | | | | |")
    print(f"| plain ATTACH + INSERT … SELECT of the same rows | {floor[0]:.1f} | | "
          f"{floor[1]:.0f} | {floor[2]} | | |")
    print(f"\nratios (each round: floor, then merge): merge ÷ floor "
          f"{', '.join(f'{r[1].seconds / r[0][0]:.2f}' for r in rounds)}; weekly unchanged ÷ first "
          f"{', '.join(f'{r[3].seconds / r[1].seconds:.1%}' for r in rounds)}; 1 % changed ÷ first "
          f"{', '.join(f'{r[4].seconds / r[1].seconds:.1%}' for r in rounds)}")
    print(f"county database afterwards: {county_size / 1e6:.0f} MB; "
          f"this process peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
