"""What a killed run leaves with personal data in it is removed on the next start, at any age
(a staged restore, decrypted packages in quarantine), unless a running mediator still holds
it; the database, backups and packages are readable by the user alone on POSIX (issue 17,
item 7)."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core import backup
from mediator.core.files import LOCK_SUFFIX, in_use, sweep_abandoned

POSIX = pytest.mark.skipif(os.name != "posix", reason="permission bits are POSIX")


@pytest.fixture
def home() -> Path:
    return Path(os.environ["MEDIATOR_HOME"])


@pytest.fixture
def live(tmp_path: Path) -> Path:
    path = tmp_path / "数据 库" / "mediator.db"
    assert main(["--db", str(path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    return path


def _quarantine_leftover(home: Path, name: str) -> Path:
    folder = home / "sync" / "quarantine" / name
    folder.mkdir(parents=True)
    (folder / "payload.sqlite").write_bytes(b"decrypted personal data")
    return folder


def test_next_start_removes_quarantine_and_staged_copies_of_any_age(live: Path,
                                                                    home: Path) -> None:
    left = _quarantine_leftover(home, "import-killed")
    snapshot = home / "sync" / "tmp" / "export-killed"
    snapshot.mkdir(parents=True)
    (snapshot / "payload.sqlite").write_bytes(b"a plain snapshot")
    staged = backup.staged_path(live)
    staged.write_bytes(b"a full copy of the data")
    partial = live.with_name(f".{staged.stem}.4242-deadbeef.partial{staged.suffix}")
    partial.write_bytes(b"half a copy")
    stale_lock = staged.with_name(staged.name + LOCK_SUFFIX)
    stale_lock.write_bytes(b"")  # left by the killed restore; no process holds it
    assert main(["--db", str(live), "audit", "verify"]) == 0  # any command: a start
    assert not left.exists() and not staged.exists() and not partial.exists()
    assert not snapshot.exists()
    assert not stale_lock.exists()
    assert sorted(p.name for p in live.parent.iterdir() if "restore" in p.name) == []


def test_what_a_running_mediator_holds_is_left_alone(live: Path, home: Path) -> None:
    running = _quarantine_leftover(home, "import-running")
    staged = backup.staged_path(live)
    with in_use(running / LOCK_SUFFIX), in_use(staged.with_name(staged.name + LOCK_SUFFIX)):
        staged.write_bytes(b"being restored now")
        assert main(["--db", str(live), "audit", "verify"]) == 0
        assert (running / "payload.sqlite").exists() and staged.exists()
    staged.unlink()
    assert main(["--db", str(live), "audit", "verify"]) == 0
    assert not running.exists()


def test_sweep_abandoned_runs_only_when_nobody_holds_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / ("x" + LOCK_SUFFIX)
    removed: list[int] = []
    with in_use(lock):
        assert lock.exists()
        assert sweep_abandoned(lock, lambda: removed.append(1)) is False
    assert not lock.exists() and removed == []
    assert sweep_abandoned(lock, lambda: removed.append(2)) is True and removed == [2]


def test_a_killed_import_leaves_its_quarantine_to_the_next_import(tmp_path: Path) -> None:
    from mediator.sync.importer import sweep_quarantine

    root = tmp_path / "q"
    fresh = root / "import-fresh"
    fresh.mkdir(parents=True)
    (fresh / "payload.sqlite").write_bytes(b"x")
    assert sweep_quarantine(root) == 1 and not fresh.exists()  # seconds old: still removed


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@POSIX
def test_database_backups_and_outbox_are_private(live: Path, home: Path, tmp_path: Path) -> None:
    os.umask(0o022)
    assert _mode(live) == 0o600
    assert main(["--db", str(live), "backup"]) == 0
    backups = home / "backups"
    assert _mode(backups) == 0o700
    made = list(backups.iterdir())
    assert made and all(_mode(p) == 0o600 for p in made), [(p.name, oct(_mode(p))) for p in made]
    assert main(["--db", str(live), "sync", "export", "--plain", "--to", "330106"]) == 0
    outbox = home / "outbox"
    assert _mode(outbox) == 0o700
    packages = list(outbox.iterdir())
    assert packages and all(_mode(p) == 0o600 for p in packages)
    # a restore puts a private file in place, even in a new folder
    target = tmp_path / "新 电脑" / "mediator.db"
    backup.restore(target, next(p for p in made if p.suffix == ".db"), tmp_path / "kept")
    assert _mode(target) == 0o600


@POSIX
def test_an_existing_world_readable_database_is_made_private(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    assert main(["--db", str(path), "init", "--office-name", "青石镇人民调解委员会",
                 "--office-code", "330106001"]) == 0
    os.chmod(path, 0o644)
    assert main(["--db", str(path), "doctor"]) == 0
    assert _mode(path) == 0o600


@POSIX
def test_the_copy_kept_before_an_upgrade_is_private(tmp_path: Path) -> None:
    from mediator.core.db import open_database
    from tests.core.dbtools import make_v1_database

    os.umask(0o022)
    old = tmp_path / "v1.db"
    make_v1_database(old)
    open_database(old, backups=tmp_path / "升级前").close()
    (kept,) = (tmp_path / "升级前").glob("before-upgrade-v1-*.db")
    assert _mode(kept.parent) == 0o700 and _mode(kept) == 0o600
    assert _mode(backup.sidecar_path(kept)) == 0o600
