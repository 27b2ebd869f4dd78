"""Start-up checks: an SQLite too old for the schema is refused; a database on a network
drive or a USB stick is warned about (the portable build warns once). Windows is tested here
on Linux with ``os.name`` and the ``GetDriveTypeW`` call patched."""

from __future__ import annotations

import ctypes
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from mediator.cli import main
from mediator.core import paths as paths_module
from mediator.core import startup
from mediator.core.startup import (
    LOCAL,
    NETWORK,
    REMOVABLE,
    UNKNOWN,
    SqliteTooOldError,
    check_sqlite,
    location_warnings,
    storage_kind,
)

INIT = ["init", "--office-name", "青石镇人民调解委员会", "--office-code", "330106001"]


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "数据 库" / "mediator.db"
    assert main(["--db", str(path), *INIT]) == 0
    return path


# --- SQLite --------------------------------------------------------------------------------


def test_sqlite_new_enough() -> None:
    check_sqlite((3, 34, 0))
    check_sqlite((3, 45, 1))
    check_sqlite()  # this machine's (3.40 here)


def test_sqlite_too_old_is_refused() -> None:
    with pytest.raises(SqliteTooOldError) as exc:
        check_sqlite((3, 33, 9))
    assert exc.value.exit_code == 5
    assert exc.value.message == (
        "本机 Python 自带的 SQLite 版本为 3.33.9，mediator 需要 3.34.0 或更新版本（案件检索要用）。"
        "请安装较新的 Python（3.11 及以上的官方安装包即可）或使用 mediator 便携版。")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_cli_refuses_an_old_sqlite_before_touching_the_file(
        lang: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 31, 1))
    db = tmp_path / "new.db"
    assert main(["--lang", lang, "--db", str(db), *INIT]) == 5
    out = capsys.readouterr()
    expected = {
        "zh": "错误：本机 Python 自带的 SQLite 版本为 3.31.1，mediator 需要 3.34.0 或更新版本（案件检索"
              "要用）。请安装较新的 Python（3.11 及以上的官方安装包即可）或使用 mediator 便携版。\n",
        "en": "Error: This Python's SQLite library is version 3.31.1; mediator needs 3.34.0 or newer "
              "(for case search). Install a newer Python (any official 3.11 or later installer) or "
              "use the portable mediator.\n"}[lang]
    assert (out.out, out.err) == ("", expected)
    assert not db.exists()


def test_the_tui_is_refused_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    import mediator.tui.app

    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 22, 0))
    monkeypatch.setattr(mediator.tui.app.MediatorApp, "run",
                        lambda self: pytest.fail("the app started"))
    assert main(["--db", str(tmp_path / "x.db")]) == 5
    assert capsys.readouterr().err.startswith("错误：本机 Python 自带的 SQLite 版本为 3.22.0，")


def test_demo_is_refused_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sqlite3, "sqlite_version_info", (3, 22, 0))
    assert main(["--db", str(tmp_path / "demo.db"), "demo", "--cases", "1"]) == 5
    assert not (tmp_path / "demo.db").exists()


# --- Windows: UNC paths and GetDriveTypeW ---------------------------------------------------


def as_windows(path: str) -> str:
    """``storage_kind(path)`` with ``os.name == "nt"`` for that call only (pathlib and pytest
    build WindowsPath objects, which fail on Linux, while it is set)."""
    with pytest.MonkeyPatch.context() as m:
        m.setattr(os, "name", "nt")
        return storage_kind(path)


@pytest.fixture
def windows(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Drive types from a table; records the roots asked about."""
    types: dict[str, int] = {"C:\\": 3, "D:\\": 3, "E:\\": 2, "Z:\\": 4, "F:\\": 5}
    asked: list[str] = []

    def drive_type(root: str) -> int:
        asked.append(root)
        return types.get(root, 1)

    monkeypatch.setattr(startup, "_drive_type", drive_type)
    types["asked"] = asked  # type: ignore[assignment]
    return types


@pytest.mark.parametrize(("path", "kind", "root"), [
    ("C:\\Users\\王五\\AppData\\Local\\mediator\\mediator.db", LOCAL, "C:\\"),
    ("d:\\调解\\mediator.db", LOCAL, "D:\\"),
    ("E:\\mediator\\数据\\mediator.db", REMOVABLE, "E:\\"),
    ("Z:\\司法所\\mediator.db", NETWORK, "Z:\\"),
    ("F:\\mediator.db", LOCAL, "F:\\"),                       # CD-ROM: not a stick
    ("Q:\\mediator.db", UNKNOWN, "Q:\\"),                     # no such drive
    ("\\\\server\\share\\mediator.db", NETWORK, None),
    ("//server/share/mediator.db", NETWORK, None),
    ("\\\\?\\UNC\\server\\share\\mediator.db", NETWORK, None),
    ("\\\\?\\E:\\mediator.db", REMOVABLE, "E:\\"),
])
def test_windows_drive_kinds(windows: dict, path: str, kind: str, root: str | None) -> None:
    assert as_windows(path) == kind
    assert windows["asked"] == ([] if root is None else [root])


def test_windows_drive_type_calls_the_api(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []

    class Kernel32:
        @staticmethod
        def GetDriveTypeW(root: object) -> int:
            calls.append(root.value)  # type: ignore[attr-defined]
            return 4

    class WinDLL:
        kernel32 = Kernel32()

    monkeypatch.setattr(ctypes, "windll", WinDLL(), raising=False)
    assert as_windows("Z:\\data\\mediator.db") == NETWORK
    assert calls == ["Z:\\"]


def test_windows_api_failure_means_unknown(monkeypatch: pytest.MonkeyPatch) -> None:
    class Broken:
        @property
        def kernel32(self) -> object:
            raise OSError("no kernel32")

    monkeypatch.setattr(ctypes, "windll", Broken(), raising=False)
    assert as_windows("E:\\mediator.db") == UNKNOWN


def test_off_windows_no_windows_api_is_called(tmp_path: Path) -> None:
    assert startup._drive_type("C:\\") == 0
    assert not hasattr(ctypes, "windll")


# --- Linux: /proc/mounts and /sys -----------------------------------------------------------


@pytest.fixture
def fake_linux(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Point the probes at a fake /proc/mounts and /sys; ``make(mounts, removable)``."""
    root = tmp_path / "fake"
    (root / "sys" / "dev" / "block").mkdir(parents=True)
    proc = root / "mounts"
    monkeypatch.setattr(startup, "PROC_MOUNTS", proc)
    monkeypatch.setattr(startup, "SYS_ROOT", root / "sys")
    monkeypatch.setattr(sys, "platform", "linux")

    def make(mounts: str, removable: str | None, target: Path) -> None:
        proc.write_text(mounts, encoding="utf-8")
        if removable is None:
            return
        dev = os.stat(target).st_dev
        disk = root / "sys" / "devices" / "usb1" / "block" / "sdb"
        part = disk / "sdb1"
        part.mkdir(parents=True)
        (disk / "removable").write_text(removable + "\n", encoding="ascii")
        (root / "sys" / "dev" / "block" / f"{os.major(dev)}:{os.minor(dev)}").symlink_to(part)

    return make


def test_linux_network_mount(fake_linux, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    share = tmp_path / "share 共享"
    share.mkdir()
    escaped = str(share).replace(" ", "\\040")
    fake_linux(f"/dev/sda1 / ext4 rw 0 0\n//server/share {escaped} cifs rw 0 0\n"
               f"server:/x {tmp_path}/nfs nfs4 rw 0 0\n", None, share)
    assert storage_kind(share / "mediator.db") == NETWORK          # not created yet
    assert storage_kind(tmp_path / "nfs" / "a" / "mediator.db") == LOCAL  # no such folder: /
    assert storage_kind(tmp_path / "share" / "mediator.db") == LOCAL  # a prefix is not a parent


@pytest.mark.parametrize("fstype", ["nfs", "cifs", "smb3", "fuse.sshfs"])
def test_linux_network_types(fake_linux, tmp_path: Path, fstype: str) -> None:  # type: ignore[no-untyped-def]
    fake_linux(f"/dev/sda1 / ext4 rw 0 0\nremote {tmp_path} {fstype} rw 0 0\n", None, tmp_path)
    assert storage_kind(tmp_path / "mediator.db") == NETWORK


@pytest.mark.parametrize(("flag", "kind"), [("1", REMOVABLE), ("0", LOCAL)])
def test_linux_removable_disk(fake_linux, tmp_path: Path, flag: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "stick").mkdir()
    fake_linux("/dev/sdb1 / vfat rw 0 0\n", flag, tmp_path / "stick")
    assert storage_kind(tmp_path / "stick" / "mediator.db") == kind


def test_linux_without_sys_entry_is_local(fake_linux, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    fake_linux("/dev/sda1 / ext4 rw 0 0\n", None, tmp_path)
    assert storage_kind(tmp_path / "mediator.db") == LOCAL


def test_elsewhere_unknown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(sys, "platform", "darwin")
    assert storage_kind(tmp_path / "mediator.db") == UNKNOWN


# --- what is said ---------------------------------------------------------------------------


def test_network_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "m.db"
    assert location_warnings(db, tmp_path, kind=NETWORK) == [
        f"警告：数据库 {db} 在网络共享或网络驱动器上。SQLite 的写入方式（WAL）不能跨计算机工作，"
        "两台电脑同时使用会损坏数据。请把数据库复制到本机硬盘（例如 mediator backup -o "
        "D:\\调解\\mediator.db，此后用 --db D:\\调解\\mediator.db 打开），只在本机使用。"]
    assert location_warnings(db, tmp_path, kind=LOCAL) == []
    assert location_warnings(db, tmp_path, kind=UNKNOWN) == []


def test_removable_warning_every_time_outside_the_portable_build(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    expected = [f"警告：数据库 {db} 在U盘等可移动磁盘上。正在写入时拔出或松动会损坏数据。"
                "请把数据库复制到本机硬盘使用，U盘只用来传递和备份。"]
    assert location_warnings(db, tmp_path, kind=REMOVABLE, portable=False) == expected
    assert location_warnings(db, tmp_path, kind=REMOVABLE, portable=False) == expected
    assert list(tmp_path.iterdir()) == []


def test_portable_build_warns_once(tmp_path: Path) -> None:
    db, config = tmp_path / "m.db", tmp_path / "config 配置"
    assert location_warnings(db, config, kind=REMOVABLE, portable=True) == [
        f"提示：便携版在U盘上运行，数据库为 {db}。拔U盘前请先退出 mediator（Ctrl+Q），"
        "等窗口关闭后再拔，否则正在写入的数据可能损坏。此提示只显示一次。"]
    assert [p.name for p in config.iterdir()] == ["removable-warned.txt"]
    assert location_warnings(db, config, kind=REMOVABLE, portable=True) == []
    # a network share is always said, portable or not
    assert len(location_warnings(db, config, kind=NETWORK, portable=True)) == 1


def test_is_portable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    exe = tmp_path / "便携 版" / "mediator.exe"
    exe.parent.mkdir()
    monkeypatch.setattr(sys, "executable", str(exe))
    assert paths_module.is_portable() is False            # not frozen
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    assert paths_module.is_portable() is False            # no portable.txt
    (exe.parent / "portable.txt").write_text("", encoding="utf-8")
    assert paths_module.is_portable() is True


def test_the_cli_warns_on_stderr_and_keeps_its_exit_code(
        good: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    capsys.readouterr()
    monkeypatch.setattr(startup, "storage_kind", lambda path: NETWORK)
    assert main(["--lang", "en", "--db", str(good), "audit", "verify"]) == 0
    out = capsys.readouterr()
    assert out.err == (
        f"Warning: the database {good} is on a network share or network drive. SQLite's "
        "write-ahead log (WAL) does not work across computers, and two PCs using it at once "
        "damage the data. Copy the database to this PC's own disk (e.g. mediator backup -o "
        "D:\\mediation\\mediator.db, then open it with --db D:\\mediation\\mediator.db) and use it "
        "only there.\n")
    assert out.out == "Audit trail intact: 1 entry.\n"


def test_portable_cli_says_it_once(good: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    capsys.readouterr()
    monkeypatch.setattr(startup, "storage_kind", lambda path: REMOVABLE)
    monkeypatch.setattr(paths_module, "is_portable", lambda: True)
    assert main(["--db", str(good), "audit", "verify"]) == 0
    assert capsys.readouterr().err.startswith("提示：便携版在U盘上运行，")
    assert main(["--db", str(good), "audit", "verify"]) == 0
    assert capsys.readouterr().err == ""
