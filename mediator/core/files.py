"""Every file mediator writes goes through here, written the way Windows allows.

The rules this module follows (all of them hold on Windows, most also elsewhere):

- A file is written beside its target under a temporary name, flushed, fsynced, and only then
  swapped in with ``os.replace``: a crash or power cut leaves the old file or the new one,
  never half of one.
- ``os.fsync`` is ``FlushFileBuffers`` on Windows, which refuses a handle opened read-only
  ("Bad file descriptor"): a finished file is fsynced through a handle opened for writing.
- A file another program holds open (a report open in WPS or Excel, a backup an antivirus is
  scanning) cannot be replaced, renamed or deleted. The swap is retried for a moment, since a
  scanner lets go quickly; a target that stays held raises ``FileInUseError`` naming the file
  and asking to close it. The temporary file is always removed and the old file is untouched.
- Folders cannot be opened to fsync a rename on Windows; there ``fsync_dir`` does nothing.
- File names made from office names or case numbers avoid what Windows refuses: the
  characters ``<>:"/\\|?*``, control characters, reserved device names (CON, NUL, COM1 ...),
  trailing dots and spaces, and overlong names.

No other module calls ``os.replace`` or ``os.fsync``.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
import unicodedata
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

from mediator.core.errors import MediatorError
from mediator.core.lazyre import lazy
from mediator.i18n import t

#: pauses between attempts to swap in or remove a file another program holds (about 2 s in
#: all): long enough for an antivirus scan or a backup tool, short enough for a person
RETRY_DELAYS = (0.05, 0.1, 0.2, 0.4, 0.6, 0.8)

#: Windows error numbers for "in use by another process" and "access denied"
_WIN_SHARING = {32, 33, 5}

_RESERVED = {"CON", "PRN", "AUX", "NUL",
             *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
_INVALID = lazy(r'[<>:"/\\|?*\x00-\x1f\x7f]')
#: the longest file name written (bytes in UTF-8 would be the POSIX limit, 255; Windows counts
#: UTF-16 units, 255 too): Chinese names of 80 characters stay well inside both
MAX_NAME = 120


class FileWriteError(MediatorError, OSError):
    """A file could not be written (disk full, no permission, folder missing ...). Also an
    ``OSError``, so callers that handle file errors keep handling these."""

    exit_code = 7


class FileInUseError(FileWriteError):
    """The target is held open by another program (WPS, Excel, an antivirus)."""


def _held(exc: OSError) -> bool:
    """Whether an error means "another program holds the file" (retrying may help)."""
    winerror = getattr(exc, "winerror", None)
    if winerror is not None:
        return winerror in _WIN_SHARING
    return isinstance(exc, PermissionError) or exc.errno in (errno.EACCES, errno.EBUSY,
                                                             errno.ETXTBSY)


def _retrying(action: Callable[[], None], path: Path) -> None:
    for delay in (*RETRY_DELAYS, None):
        try:
            action()
            return
        except OSError as exc:
            if not _held(exc):
                raise FileWriteError(t("files.cannot_write", path=str(path),
                                       error=_reason(exc))) from exc
            if delay is None:
                raise FileInUseError(t("files.in_use", path=str(path))) from exc
            time.sleep(delay)


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def replace(source: Path, target: Path) -> None:
    """``os.replace`` with retries while another program holds ``target``."""
    _retrying(lambda: os.replace(source, target), Path(target))


def remove(path: Path) -> None:
    """Delete ``path`` (no error when it is already gone), retrying while it is held."""

    def unlink() -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)

    _retrying(unlink, Path(path))


def fsync_file(path: Path) -> None:
    """Flush a finished file to the disk, through a handle that may write (Windows' rule)."""
    fd = os.open(path, os.O_RDWR | getattr(os, "O_BINARY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_handle(fh: BinaryIO) -> None:
    """Flush an open file written by us (its handle can write) to the disk."""
    fh.flush()
    os.fsync(fh.fileno())


def fsync_dir(path: Path) -> None:
    """Make a rename durable where folders can be opened (POSIX); nothing on Windows."""
    if os.name == "nt":
        return
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def temp_name(target: Path) -> Path:
    """A temporary name beside ``target`` that no other writer uses (hidden, same suffix, so
    libraries that look at the suffix still write the right format)."""
    target = Path(target)
    return target.with_name(f".{target.stem}.{os.getpid()}-{uuid.uuid4().hex[:8]}"
                            f".partial{target.suffix}")


@contextlib.contextmanager
def atomic_path(target: Path, *, private: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``target`` for a library to write into (xlsxwriter,
    python-docx, SQLite's backup); on success it is fsynced and swapped in, on any failure
    removed. ``private`` makes the file readable by the user alone (keys)."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileWriteError(t("files.cannot_write", path=str(target),
                               error=_reason(exc))) from exc
    tmp = temp_name(target)
    try:
        if private:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                         0o600)
            os.close(fd)
        yield tmp
        fsync_file(tmp)
        replace(tmp, target)
    except FileWriteError:
        _discard(tmp)
        raise
    except OSError as exc:
        _discard(tmp)
        raise FileWriteError(t("files.cannot_write", path=str(target),
                               error=_reason(exc))) from exc
    except BaseException:
        _discard(tmp)
        raise
    fsync_dir(target.parent)


def _discard(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(tmp)


def atomic_write(target: Path, data: bytes | str | Callable[[BinaryIO], None], *,
                 encoding: str = "utf-8", private: bool = False) -> Path:
    """Write ``data`` (bytes, text in ``encoding``, or a function given the open binary file)
    to ``target`` atomically. Returns ``target``."""
    target = Path(target)
    with atomic_path(target, private=private) as tmp:
        with open(tmp, "r+b" if private else "wb") as fh:
            if callable(data):
                data(fh)
            else:
                fh.write(data.encode(encoding) if isinstance(data, str) else data)
            fsync_handle(fh)
    return target


def restrict(path: Path, mode: int) -> None:
    """Set POSIX permission bits (0600 files, 0700 folders: the database, backups and
    packages hold personal data). Windows keeps its own access lists: nothing is done."""
    if os.name == "posix":
        with contextlib.suppress(OSError):
            os.chmod(path, mode)


def private_folder(path: Path) -> Path:
    """Create ``path`` (and parents) as a folder only the user can enter (POSIX)."""
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileWriteError(t("files.cannot_write", path=str(path),
                               error=_reason(exc))) from exc
    restrict(path, 0o700)
    return path


#: the lock file a process holds while its private scratch files (a decrypted payload, a
#: staged restore) exist, so that another process's start-up sweep leaves them alone
LOCK_SUFFIX = ".in-use"


@contextlib.contextmanager
def in_use(lock: Path) -> Iterator[None]:
    """Hold ``lock`` for the block. POSIX: an exclusive ``flock``; Windows: the open handle
    itself, since Windows refuses to delete a file that is open. Removed on the way out."""
    lock = Path(lock)
    while True:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o600)
        if os.name != "posix":
            break
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            same = os.fstat(fd).st_ino == os.stat(lock).st_ino
        except OSError:
            same = False
        if same:  # not a file a sweep removed while this process waited for it
            break
        os.close(fd)
    try:
        yield
    finally:
        # closed first: Windows refuses to delete an open file (a sweep that takes the lock
        # in between finds the scratch files already gone)
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(lock)


def sweep_abandoned(lock: Path, remove: Callable[[], None]) -> bool:
    """Run ``remove`` (delete scratch files left by a process that was killed) when no
    running process holds ``lock``; False, doing nothing, while one does."""
    lock = Path(lock)
    if os.name != "posix":
        try:
            os.unlink(lock)  # refused while the owner has it open
        except FileNotFoundError:
            pass
        except OSError:
            return False
        remove()
        return True
    import fcntl

    try:
        fd = os.open(lock, os.O_RDWR)
    except FileNotFoundError:
        remove()
        return True
    except OSError:
        return False
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        remove()
    finally:
        os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(lock)
    return True


def sweep_folders(root: Path, pattern: str) -> int:
    """Remove the scratch folders matching ``pattern`` in ``root`` that no running process
    holds (each holds ``LOCK_SUFFIX`` inside its folder while it works); returns how many."""
    import shutil

    removed = 0
    if not Path(root).is_dir():
        return 0
    for folder in Path(root).glob(pattern):
        try:
            if folder.is_dir() and sweep_abandoned(
                    folder / LOCK_SUFFIX, lambda f=folder: shutil.rmtree(f, ignore_errors=True)):
                removed += 1
        except OSError:
            continue
    return removed


def writable_or_raise(target: Path) -> None:
    """Refuse early, before minutes of work, when ``target`` exists and is held by another
    program: opening it for appending is refused on Windows while WPS has it open."""
    target = Path(target)
    if not target.exists():
        return
    try:
        with open(target, "ab"):
            pass
    except OSError as exc:
        if _held(exc):
            raise FileInUseError(t("files.in_use", path=str(target))) from exc


def safe_filename(name: str, *, replacement: str = "_", max_length: int = MAX_NAME) -> str:
    """``name`` made acceptable to Windows (and everything else) as one file name."""
    name = unicodedata.normalize("NFC", name)
    name = "".join(replacement if _INVALID.match(ch) or unicodedata.category(ch) in
                   ("Cc", "Cf", "Zl", "Zp") else ch for ch in name)
    name = name.strip().rstrip(". ")
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 8 or not stem:
        stem, suffix = name, ""
    if stem.split(".")[0].strip().upper() in _RESERVED:
        stem = replacement + stem
    budget = max_length - (len(suffix) + 1 if suffix else 0)
    stem = stem[:max(budget, 1)].rstrip(". ")
    result = f"{stem}.{suffix}" if suffix else stem
    return result or replacement
