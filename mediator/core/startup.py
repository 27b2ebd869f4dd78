"""Checks made before a database is opened: is this PC's SQLite new enough, and is the file
somewhere SQLite can keep it safe?

- The schema's search index uses FTS5's ``trigram`` tokenizer, added in SQLite 3.34.0. An
  older library cannot open the schema (or builds it without search): refuse at once with a
  message that says what to do, rather than fail on the first search.
- WAL, which every write relies on, keeps its index in shared memory: it works only when every
  program using the file runs on the same machine. A file on a network share (``\\\\server\\
  share``, a mapped drive, NFS/SMB/SSHFS) can be damaged by two PCs at once; say so and
  suggest a local copy.
- A file on a USB stick is lost or damaged when the stick is pulled while mediator writes.
  The portable build is meant to run from a stick: it says once (remembered in the config
  folder) to close mediator before pulling it.

Windows is asked through ``GetDriveTypeW``; Linux through ``/proc/mounts`` and
``/sys/dev/block``; elsewhere nothing is known and nothing is said. Every probe is best
effort: a failure means "unknown", never an error.
"""

from __future__ import annotations

import ntpath
import os
import re
import sqlite3
import sys
from pathlib import Path

from mediator.core.errors import MediatorError
from mediator.i18n import t

#: FTS5 trigram tokenizer
SQLITE_MINIMUM = (3, 34, 0)

LOCAL, NETWORK, REMOVABLE, UNKNOWN = "local", "network", "removable", "unknown"

#: GetDriveTypeW's answers that matter here
DRIVE_REMOVABLE = 2
DRIVE_REMOTE = 4

#: file systems that live on another machine
NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs",
              "ncpfs", "davfs", "fuse.davfs2", "fuse.rclone"}

#: where Linux tells mounts and block devices apart (tests point these at a fake tree)
PROC_MOUNTS = Path("/proc/mounts")
SYS_ROOT = Path("/sys")

#: the portable build's "told once" marker, in the config folder
PORTABLE_MARKER = "removable-warned.txt"


class SqliteTooOldError(MediatorError):
    """This Python's SQLite library is older than the schema needs."""

    exit_code = 5


def check_sqlite(version: tuple[int, ...] | None = None) -> None:
    """Raise :class:`SqliteTooOldError` when SQLite is older than :data:`SQLITE_MINIMUM`."""
    found = tuple(version if version is not None else sqlite3.sqlite_version_info)
    if found < SQLITE_MINIMUM:
        raise SqliteTooOldError(t("logs.sqlite_too_old",
                                  found=".".join(str(n) for n in found),
                                  needed=".".join(str(n) for n in SQLITE_MINIMUM)))


# --- where a file lives -------------------------------------------------------------------


def storage_kind(path: str | os.PathLike[str]) -> str:
    """``local``, ``network``, ``removable`` or ``unknown`` for the drive holding ``path``
    (which need not exist yet)."""
    try:
        if os.name == "nt":
            return _windows_kind(os.fspath(path))
        if sys.platform.startswith("linux") and PROC_MOUNTS.exists():
            return _linux_kind(Path(path))
    except (OSError, ValueError, AttributeError):
        pass
    return UNKNOWN


def _windows_kind(path: str) -> str:
    """Decide from the path's drive (string work only: this runs on Linux in tests)."""
    if path.startswith(("\\\\?\\UNC\\", "//?/UNC/")):
        return NETWORK
    if path.startswith(("\\\\?\\", "\\\\.\\", "//?/", "//./")):
        path = path[4:]
    if not ntpath.isabs(path):
        path = ntpath.abspath(path)
    drive, _ = ntpath.splitdrive(path)
    if drive.startswith(("\\\\", "//")):
        return NETWORK  # \\server\share
    if len(drive) != 2 or drive[1] != ":":
        return UNKNOWN
    kind = _drive_type(drive.upper() + "\\")
    if kind == DRIVE_REMOTE:
        return NETWORK
    if kind == DRIVE_REMOVABLE:
        return REMOVABLE
    return LOCAL if kind in (3, 5, 6) else UNKNOWN  # fixed, CD-ROM, RAM disk


def _drive_type(root: str) -> int:
    """``GetDriveTypeW`` for a root like ``E:\\`` (Windows only)."""
    import ctypes

    if os.name == "nt":
        return int(ctypes.windll.kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)))  # type: ignore[attr-defined]
    return 0


def _existing(path: Path) -> Path:
    """``path`` or its nearest parent that exists (a database about to be created)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _linux_kind(path: Path) -> str:
    target = _existing(path)
    real = Path(os.path.realpath(target))
    mount = _mount_of(real, PROC_MOUNTS.read_text(encoding="utf-8", errors="replace"))
    if mount is not None and mount[1] in NETWORK_FS:
        return NETWORK
    if _removable_device(target, SYS_ROOT):
        return REMOVABLE
    return LOCAL


def _unescape(field: str) -> str:
    """/proc/mounts writes a space as ``\\040`` (octal escapes)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _mount_of(path: Path, mounts: str) -> tuple[str, str] | None:
    """``(mount point, fs type)`` of the longest mount point holding ``path``."""
    best: tuple[str, str] | None = None
    text = str(path)
    for line in mounts.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        point, fstype = _unescape(fields[1]), fields[2]
        inside = text == point or text.startswith(point.rstrip("/") + "/")
        if inside and (best is None or len(point) > len(best[0])):
            best = (point, fstype)
    return best


def _removable_device(path: Path, sys_root: Path) -> bool:
    """``removable`` of the block device holding ``path`` (or of its disk, for a
    partition): 1 for USB sticks and card readers."""
    dev = os.stat(path).st_dev
    node = sys_root / "dev" / "block" / f"{os.major(dev)}:{os.minor(dev)}"
    if not node.exists():
        return False
    real = Path(os.path.realpath(node))
    for folder in (real, real.parent):
        flag = folder / "removable"
        if flag.is_file():
            return flag.read_text(encoding="ascii", errors="replace").strip() == "1"
    return False


# --- what to say ----------------------------------------------------------------------------


def location_warnings(db: Path, config: Path, *, kind: str | None = None,
                      portable: bool | None = None) -> list[str]:
    """Warnings about where ``db`` lives (``kind`` from :func:`storage_kind`, asked when not
    given), in the user's language; empty when all is well. In the portable build a
    database on a stick is expected: it is said once, and the marker that remembers it is
    written in ``config``."""
    if kind is None:
        kind = storage_kind(db)
    if kind == NETWORK:
        return [t("logs.network_drive", path=str(db))]
    if kind != REMOVABLE:
        return []
    if portable is None:
        from mediator.core.paths import is_portable

        portable = is_portable()
    if not portable:
        return [t("logs.removable", path=str(db))]
    marker = Path(config) / PORTABLE_MARKER
    if marker.exists():
        return []
    from mediator.core.files import atomic_write

    try:
        atomic_write(marker, "told\n")
    except MediatorError:
        pass  # said again next time: better than never
    return [t("logs.removable_portable", path=str(db))]
