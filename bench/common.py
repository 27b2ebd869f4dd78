"""Shared helpers for the benchmark suite: data sets (built with `mediator demo`, cached),
timing, and the result table."""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
PY = sys.executable


@dataclass
class Figure:
    name: str
    unit: str
    samples: list[float]
    target: float | None = None
    #: "max": lower is better and must be ≤ target; "ratio" likewise but unitless
    baseline: str = ""
    ratio: float | None = None
    note: str = ""
    extra: dict[str, float] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def ok(self) -> bool | None:
        if self.target is None:
            return None
        value = self.ratio if self.ratio is not None else self.median
        return value <= self.target


def timed(fn: Callable[[], object], repeat: int = 5, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def env_for(db: Path | None = None, home: Path | None = None) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("MEDIATOR_DB", None)
    if home is not None:
        env["MEDIATOR_HOME"] = str(home)
    if db is not None:
        env["MEDIATOR_DB"] = str(db)
    return env


def demo_db(cases: int, seed: int, name: str | None = None) -> tuple[Path, float | None]:
    """The cached demo database with ``cases`` cases; builds it (timed) when missing."""
    DATA.mkdir(parents=True, exist_ok=True)
    path = DATA / (name or f"demo-{cases}-s{seed}.db")
    if path.exists():
        return path, None
    tmp = path.with_name(path.name + ".building")
    for p in (tmp, tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        p.unlink(missing_ok=True)
    home = DATA / "home"
    t0 = time.perf_counter()
    subprocess.run([PY, "-m", "mediator", "demo", "--cases", str(cases), "--seed", str(seed),
                    "--db", str(tmp)], check=True, env=env_for(home=home),
                   stdout=subprocess.DEVNULL)
    elapsed = time.perf_counter() - t0
    import sqlite3

    con = sqlite3.connect(tmp)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    os.replace(tmp, path)
    return path, elapsed


def scratch_copy(src: Path, name: str) -> Path:
    """A throw-away copy of a cached data set (benchmarks that write must not touch the cache)."""
    dst = DATA / "scratch" / name
    dst.parent.mkdir(parents=True, exist_ok=True)
    for p in (dst, dst.with_name(dst.name + "-wal"), dst.with_name(dst.name + "-shm")):
        p.unlink(missing_ok=True)
    shutil.copyfile(src, dst)
    return dst


ID_COLUMNS = {"id", "case_id", "agreement_id", "obligation_id", "mediator_id", "linked_case_id"}
CLONED_TABLES = ("office", "mediator", "village", "dispute_case", "party", "case_event",
                 "follow_up", "agreement", "obligation")


def warm(path: Path) -> float:
    """Read a data set once so that the figures after it time the queries, not this VM's
    disk (building the others evicts it from the OS cache: a cold 1,000,000-case file gave
    search p95 59 ms, the same file read once 32 ms). Seconds taken."""
    t0 = time.perf_counter()
    with open(path, "rb") as f:
        while f.read(16 << 20):
            pass
    return time.perf_counter() - t0


def county_db(township: Path, copies: int = 10) -> tuple[Path, float | None]:
    """A county-sized database: ``copies`` townships made from one demo township by rewriting
    keys and owner codes in SQL (much faster than generating a million cases one by one)."""
    import sqlite3

    from mediator.core.search import bigram_doc

    path = DATA / f"county-{copies}x-{township.stem}.db"
    if path.exists():
        return path, None
    tmp = path.with_name(path.name + ".building")
    tmp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    shutil.copyfile(township, tmp)
    con = sqlite3.connect(tmp, isolation_level=None)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    con.execute("ATTACH ? AS src", (str(township),))
    src_office = con.execute("SELECT value FROM setting WHERE key='office_code'").fetchone()[0]
    # each copy's cases take the rowids after the previous copy's, as cases merged one
    # township after another get them (the search sizes its plans by the largest rowid)
    step = con.execute("SELECT max(rowid) FROM src.dispute_case").fetchone()[0]
    con.execute("BEGIN")
    for k in range(1, copies):
        code = src_office[:6] + f"{int(src_office[6:]) + k:03d}"
        suffix = f"{k:02d}"
        for table in CLONED_TABLES:
            cols = [r[1] for r in con.execute(f"PRAGMA src.table_info({table})")]
            exprs = []
            for c in cols:
                if c in ID_COLUMNS:
                    exprs.append(f"CASE WHEN {c} IS NULL THEN NULL ELSE 'f{k}'||substr({c},3) END")
                elif c == "owner_code" or table == "office" and c == "code":
                    exprs.append(f"'{code}'")
                elif table == "office" and c in ("name", "short_name"):
                    exprs.append(f"{c}||'{suffix}'")
                elif table == "village" and c == "code":
                    exprs.append(f"'{code}'||substr(code,10,3)")
                elif table == "dispute_case" and c == "village_code":
                    exprs.append(f"CASE WHEN village_code IS NULL THEN NULL ELSE '{code}'||substr(village_code,10,3) END")
                else:
                    exprs.append(c)
            rowid = "rowid + %d, " % (k * step) if table == "dispute_case" else ""
            rcol = "rowid, " if table == "dispute_case" else ""
            con.execute(f"INSERT INTO main.{table} ({rcol}{', '.join(cols)}) "
                        f"SELECT {rowid}{', '.join(exprs)} FROM src.{table}")
        con.execute(f"INSERT INTO main.case_fts (rowid, body) SELECT rowid + {k * step}, body FROM src.case_fts")
        con.execute(f"INSERT INTO main.case_term (term, case_rowid) SELECT term, case_rowid + {k * step} FROM src.case_term")
        # the character-pair index keeps no text to copy: its terms come from the same bodies
        bodies = con.execute("SELECT rowid, body FROM src.case_fts")
        while chunk := bodies.fetchmany(5000):
            con.executemany("INSERT INTO main.case_bigram (rowid, body) VALUES (?, ?)",
                            [(rowid + k * step, bigram_doc(body)) for rowid, body in chunk])
    con.execute("COMMIT")
    con.execute("DETACH src")
    con.execute("ANALYZE")
    con.execute("PRAGMA journal_mode=DELETE")
    con.close()
    os.replace(tmp, path)
    return path, time.perf_counter() - t0
