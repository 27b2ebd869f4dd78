"""Where a portable build keeps its data: ``数据/`` beside the executable, and only there.

The frozen build is played by monkeypatching ``sys.frozen`` and ``sys.executable``: a folder
with a Chinese name and a space stands for the unpacked zip on a USB stick.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from mediator.core import paths as paths_mod
from mediator.core.paths import PORTABLE_DATA, PORTABLE_MARKER, portable_home, resolve_paths


@pytest.fixture
def stick(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An unpacked portable build: the executable and the marker beside it, no env overrides."""
    folder = tmp_path / "U盘 E" / "mediator"
    folder.mkdir(parents=True)
    exe = folder / "mediator.exe"
    exe.write_bytes(b"")
    (folder / PORTABLE_MARKER).write_text("portable\n", encoding="utf-8")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(exe))
    monkeypatch.delenv("MEDIATOR_HOME", raising=False)
    monkeypatch.delenv("MEDIATOR_DB", raising=False)
    return folder


def _fail_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> Path:
        raise AssertionError("a portable build asked for the user's folders")

    monkeypatch.setattr(paths_mod.platformdirs, "user_data_path", refuse)
    monkeypatch.setattr(paths_mod.platformdirs, "user_config_path", refuse)


def test_portable_build_keeps_everything_beside_the_executable(
        stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _fail_platformdirs(monkeypatch)
    home = stick / PORTABLE_DATA
    assert portable_home() == home
    paths = resolve_paths()
    assert paths.data == home
    assert paths.config == home / "config"
    assert paths.backups == home / "backups"
    assert paths.db == home / "mediator.db"
    assert paths.demo_db == home / "demo.db"
    for folder in (paths.data, paths.config, paths.backups, paths.db.parent):
        assert folder.is_relative_to(stick)


def test_started_from_another_folder_still_uses_its_own(
        stick: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Double-clicked or started from a shell elsewhere: the working folder does not matter."""
    elsewhere = tmp_path / "desktop"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert resolve_paths().db == stick / PORTABLE_DATA / "mediator.db"


def test_ensure_creates_the_data_folder_inside_the_build(stick: Path) -> None:
    resolve_paths().ensure()
    assert (stick / PORTABLE_DATA / "config").is_dir()
    assert (stick / PORTABLE_DATA / "backups").is_dir()


def test_frozen_without_marker_is_an_ordinary_install(
        stick: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (stick / PORTABLE_MARKER).unlink()
    assert portable_home() is None
    monkeypatch.setattr(paths_mod.platformdirs, "user_data_path",
                        lambda *a, **k: tmp_path / "user-data")
    monkeypatch.setattr(paths_mod.platformdirs, "user_config_path",
                        lambda *a, **k: tmp_path / "user-config")
    paths = resolve_paths()
    assert paths.data == tmp_path / "user-data"
    assert paths.config == tmp_path / "user-config"


def test_not_frozen_ignores_a_marker(stick: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's python with a stray portable.txt beside it is not a portable build."""
    monkeypatch.setattr(sys, "frozen", False)
    assert portable_home() is None


def test_environment_still_wins(stick: Path, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
    """MEDIATOR_HOME moves everything, MEDIATOR_DB and --db name the file, as documented."""
    monkeypatch.setenv("MEDIATOR_HOME", str(tmp_path / "home"))
    assert resolve_paths().data == tmp_path / "home"
    monkeypatch.delenv("MEDIATOR_HOME")
    monkeypatch.setenv("MEDIATOR_DB", str(tmp_path / "other.db"))
    paths = resolve_paths()
    assert paths.db == tmp_path / "other.db"
    assert paths.data == stick / PORTABLE_DATA
    assert resolve_paths(tmp_path / "x.db").db == tmp_path / "x.db"


def test_upgrade_over_an_older_unpacked_build_keeps_the_data(stick: Path) -> None:
    """Unpacking a newer zip replaces the program files; 数据/ is not in the zip, so it stays."""
    paths = resolve_paths().ensure()
    paths.db.write_bytes(b"old office data")
    # the newer zip's files land over the old ones (an unzip that replaces all)
    (stick / "mediator.exe").write_bytes(b"newer")
    (stick / PORTABLE_MARKER).write_text("portable\n", encoding="utf-8")
    assert resolve_paths().db.read_bytes() == b"old office data"
