"""`mediator demo --cases 100000` build time (a fresh build each run, into scratch)."""

from __future__ import annotations

import subprocess
import time

from bench.common import DATA, PY, Figure, env_for


def demo_figure(cases: int = 100_000, runs: int = 1) -> Figure:
    samples = []
    for i in range(runs):
        target = DATA / "scratch" / f"demo-timing-{i}.db"
        target.parent.mkdir(parents=True, exist_ok=True)
        for p in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            p.unlink(missing_ok=True)
        t0 = time.perf_counter()
        subprocess.run([PY, "-m", "mediator", "demo", "--cases", str(cases), "--seed", "5",
                        "--db", str(target)], check=True, env=env_for(home=DATA / "home"),
                       stdout=subprocess.DEVNULL)
        samples.append(time.perf_counter() - t0)
        target.unlink(missing_ok=True)
    return Figure(f"mediator demo --cases {cases:,}", "s", samples, target=60,
                  note="whole command incl. interpreter start; one run (it takes most of a minute)")
