"""kill -9 in the middle of a merge leaves the county's database exactly as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mediator.core.db import integrity_check
from mediator.sync.importer import IMPORTED

from .conftest import logical_dump, synced_rows

CHILD = textwrap.dedent("""
    import sys, time
    from datetime import date
    from pathlib import Path
    from mediator.core.db import open_database
    from mediator.core.paths import Paths
    from mediator.core.services import Services
    from mediator.sync import merge
    from mediator.sync.service import SyncService

    data, config, db_path, package, marker = map(Path, sys.argv[1:6])
    real = merge.reindex_affected

    def stall(conn, session):
        # every table is merged by now, inside the one open transaction: stop here
        real(conn, session)
        marker.write_text("merging")
        time.sleep(120)

    merge.reindex_affected = stall
    paths = Paths(data=data, config=config, backups=data / "backups", db=db_path)
    svc = Services(open_database(db_path), operator="kill-test", today=lambda: date(2026, 11, 23))
    SyncService(svc, paths).import_files([package])
""")


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL is POSIX")
def test_sigkill_mid_merge_changes_nothing(net, tmp_path: Path) -> None:
    net.t1.register(5)
    first = net.t1.export(tmp_path / "first.mdsync")
    net.county.sync.import_files([first.path])
    ids = net.t1.register(20, facts="第二批")
    net.t1.svc.edit_case(ids[0], facts="改")
    second = net.t1.export(tmp_path / "second.mdsync")
    county = net.county
    county.db.close()
    before = logical_dump(county.paths.db)
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(county.paths.data), str(county.paths.config),
         str(county.paths.db), str(second.path), str(marker)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the child never reached the merge"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert logical_dump(county.paths.db) == before
    assert integrity_check(county.paths.db) == []
    # the killed import left decrypted data in quarantine; the next import clears it at once
    # (nobody holds its lock any more), however fresh it is
    quarantine = county.paths.data / "sync" / "quarantine"
    leftovers = list(quarantine.iterdir())
    assert leftovers
    county.reopen()
    (rep,) = county.sync.import_files([second.path])
    assert rep.status == IMPORTED
    assert not any(quarantine.iterdir())
    assert synced_rows(county.db.path, "330106001") == synced_rows(net.t1.db.path, "330106001")
