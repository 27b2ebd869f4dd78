"""Windows' file rules, emulated on Linux for the tests (the fixture ``windows_rules``).

On Windows:

- ``os.fsync`` is ``FlushFileBuffers``, which needs a handle opened with write access; on a
  read-only handle it fails with "Bad file descriptor" (EBADF).
- A file that is open (by this process — Python's ``open`` and SQLite do not share delete
  access — or by another program such as WPS, Excel or an antivirus) cannot be replaced,
  renamed or deleted: WinError 32, surfaced by Python as ``PermissionError``.

The emulation reads this process's open files from ``/proc/self/fd`` (so the database, WAL and
shared-memory files SQLite holds count too), and takes files a test marks as open in another
program (``rules.hold(path)``, e.g. a report the clerk is looking at in WPS).
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
from pathlib import Path
from typing import Any

import pytest

IN_USE = "[WinError 32] 另一个程序正在使用此文件，进程无法访问。"


def _real(path: Any) -> str:
    return os.path.realpath(os.fspath(path))


class WindowsRules:
    def __init__(self) -> None:
        self.held: set[str] = set()
        self.refused: list[tuple[str, str]] = []   # (operation, path) refused so far

    def hold(self, path: Path) -> None:
        """Mark ``path`` as open in another program until ``release``."""
        self.held.add(_real(path))

    def release(self, path: Path) -> None:
        self.held.discard(_real(path))

    @staticmethod
    def open_files() -> set[str]:
        found: set[str] = set()
        for fd in os.listdir("/proc/self/fd"):
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target.startswith("/"):
                found.add(target)
        return found

    def check(self, operation: str, *paths: Any) -> None:
        busy = self.held | self.open_files()
        for path in paths:
            if path is None or isinstance(path, int):
                continue
            if _real(path) in busy:
                self.refused.append((operation, os.fspath(path)))
                raise PermissionError(errno.EACCES, IN_USE, os.fspath(path))


def install(monkeypatch: pytest.MonkeyPatch) -> WindowsRules:
    rules = WindowsRules()
    real_fsync, real_replace, real_rename = os.fsync, os.replace, os.rename
    real_unlink, real_remove = os.unlink, os.remove

    def fsync(fd: Any) -> None:
        number = fd if isinstance(fd, int) else fd.fileno()
        # a folder's rename made durable: POSIX only (files.fsync_dir skips it on Windows,
        # where folders cannot be opened at all)
        if stat.S_ISDIR(os.fstat(number).st_mode):
            real_fsync(number)
            return
        if fcntl.fcntl(number, fcntl.F_GETFL) & os.O_ACCMODE == os.O_RDONLY:
            rules.refused.append(("fsync", str(number)))
            raise OSError(errno.EBADF, "Bad file descriptor")
        real_fsync(number)

    def replace(src: Any, dst: Any, **kw: Any) -> None:
        rules.check("replace", src, dst)
        real_replace(src, dst, **kw)

    def rename(src: Any, dst: Any, **kw: Any) -> None:
        rules.check("rename", src, dst)
        real_rename(src, dst, **kw)

    def unlink(path: Any, **kw: Any) -> None:
        if "dir_fd" not in kw:
            rules.check("unlink", path)
        real_unlink(path, **kw)

    def remove(path: Any, **kw: Any) -> None:
        if "dir_fd" not in kw:
            rules.check("remove", path)
        real_remove(path, **kw)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    monkeypatch.setattr(os, "rename", rename)
    monkeypatch.setattr(os, "unlink", unlink)
    monkeypatch.setattr(os, "remove", remove)
    return rules
