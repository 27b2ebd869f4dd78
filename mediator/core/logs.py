"""The log file: what happened on this PC, for the county's IT person, without personal data.

``setup_logging`` (called first thing by the ``mediator`` command) sends records to
``mediator.log`` in the log folder (``Paths.logs``), rotated at 1 MB with 5 old files kept.
mediator's own loggers write from INFO (start and end of each command), every other library
from WARNING only: SQLAlchemy at INFO would write every statement with its parameters, that
is names and ID numbers.

Nothing personal may reach the file. Messages written here name commands, versions and
exception types; an exception's own message can carry what a user typed (a value in a
ValueError, a path under ``C:\\Users\\张三``), so every line written, tracebacks included, goes
through :func:`scrub`: 18-digit ID numbers, mobile numbers and runs of Chinese characters
(names, facts, addresses) are masked. The exception type and the code lines of the traceback
stay, which is what a diagnosis needs.

The log file is appended to by ``logging`` itself, not written through
:mod:`mediator.core.files`: a log grows line by line and is never swapped in whole. A log
that cannot be written (read-only folder, a second window holding the file while the first
rotates it on Windows) never disturbs the user: the line is dropped.
"""

from __future__ import annotations

import logging
import platform
import re
import sys
from pathlib import Path

from mediator import __version__
from mediator.core.lazyre import lazy

#: the file in the log folder; rotated copies are ``mediator.log.1`` ... ``.5``
LOG_NAME = "mediator.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s [%(process)d] %(name)s: %(message)s"

log = logging.getLogger("mediator")

#: 18-digit resident ID numbers (the last character may be X); full-width digits count too
ID_NUMBER = lazy(r"\d{17}[\dXx]")
#: mainland mobile numbers
MOBILE = lazy(r"1[3-9]\d{9}")
#: Chinese characters (CJK ideographs, extensions, compatibility) and the full-width forms
#: an input method produces: names, facts and addresses are written in them. Compiled on the
#: first line that is not ASCII (1.5 ms that most runs, whose lines are ASCII, never pay).
CHINESE = (r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
           r"\u3000-\u303f\uff00-\uffef]+")

ID_MASK = "[ID]"
PHONE_MASK = "[PHONE]"
TEXT_MASK = "[…]"

_handler: logging.Handler | None = None
_folder: Path | None = None


def scrub(text: str) -> str:
    """``text`` without ID numbers, mobile numbers or Chinese text."""
    text = ID_NUMBER.sub(ID_MASK, text)
    text = MOBILE.sub(PHONE_MASK, text)
    if text.isascii():
        return text
    return re.sub(CHINESE, TEXT_MASK, text)  # re caches the compiled pattern


class ScrubbingFormatter(logging.Formatter):
    """Formats a record as usual, then scrubs the whole text: the message, the traceback,
    chained exceptions and notes alike (one place, so nothing slips past)."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(super().format(record))


def _file_handler(path: Path) -> logging.Handler:
    from logging.handlers import RotatingFileHandler

    class Handler(RotatingFileHandler):
        def doRollover(self) -> None:
            # On Windows a file another mediator window holds cannot be renamed: keep
            # writing to it and rotate on a later line.
            try:
                super().doRollover()
            except OSError:
                if self.stream is None:
                    self.stream = self._open()

        def handleError(self, record: logging.LogRecord) -> None:
            pass  # a line that cannot be written is dropped, never shown to the user

    handler = Handler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8",
                      delay=True)
    handler.setFormatter(ScrubbingFormatter(FORMAT))
    return handler


def setup_logging(folder: Path) -> Path | None:
    """Log to ``folder/mediator.log`` from now on (replacing an earlier call's file, so tests
    and repeated ``main()`` calls do not stack handlers). Returns the file, or None when the
    folder cannot be made (the program then runs without a log)."""
    global _handler, _folder
    close_logging()
    folder = Path(folder)
    _folder = folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    _handler = _file_handler(folder / LOG_NAME)
    root = logging.getLogger()
    root.addHandler(_handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    log.setLevel(logging.INFO)
    return folder / LOG_NAME


def close_logging() -> None:
    """Detach and close the log file (the end of ``main``; tests)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None


def log_folder() -> Path:
    """The folder the log is written to (where the user is told to look)."""
    if _folder is not None:
        return _folder
    from mediator.core.paths import resolve_paths

    return resolve_paths().logs


def log_files(folder: Path) -> list[Path]:
    """The log and its rotated copies in ``folder``, newest first."""
    names = [LOG_NAME, *(f"{LOG_NAME}.{i}" for i in range(1, BACKUP_COUNT + 1))]
    return [folder / n for n in names if (folder / n).is_file()]


def flush() -> None:
    if _handler is not None:
        _handler.flush()


def versions() -> dict[str, str]:
    """Versions that matter when something goes wrong (no personal data). Libraries are
    read from their installed metadata: importing textual here would slow ``doctor``."""
    import sqlite3
    from importlib import metadata

    from mediator.core.paths import is_portable

    found = {"mediator": __version__, "python": platform.python_version(),
             "sqlite": sqlite3.sqlite_version}
    for dist in ("textual", "sqlmodel", "sqlalchemy", "rich", "platformdirs"):
        try:
            found[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            found[dist] = "-"
    found["platform"] = platform.platform()
    found["frozen"] = "yes" if getattr(sys, "frozen", False) else "no"
    found["portable"] = "yes" if is_portable() else "no"
    return found


#: names inside the bundle
BUNDLE_DOCTOR = "doctor.txt"
BUNDLE_VERSIONS = "versions.txt"
BUNDLE_LOGS = "logs"


def write_bundle(target: Path, doctor_text: str, folder: Path) -> Path:
    """Write the zip ``doctor --bundle`` hands to the county's IT person: ``doctor.txt``,
    ``versions.txt`` and ``logs/mediator.log*``. Never the database or anything read from
    it; the logs are scrubbed again on the way in, in case a line ever slipped past."""
    import zipfile

    from mediator.core.files import atomic_path
    from mediator.i18n import get_language

    info = versions()
    info["language"] = get_language()
    info["log folder"] = str(folder)
    version_text = "".join(f"{k}: {v}\n" for k, v in info.items())
    with atomic_path(Path(target)) as tmp:
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(BUNDLE_DOCTOR, scrub_numbers(doctor_text))
            zf.writestr(BUNDLE_VERSIONS, scrub_numbers(version_text))
            for path in log_files(folder):
                text = path.read_text(encoding="utf-8", errors="replace")
                zf.writestr(f"{BUNDLE_LOGS}/{path.name}", scrub(text))
    return Path(target)


def scrub_numbers(text: str) -> str:
    """ID and mobile numbers masked; Chinese kept (doctor speaks Chinese, and the names it
    prints are of folders and tables, not of people)."""
    return MOBILE.sub(PHONE_MASK, ID_NUMBER.sub(ID_MASK, text))


def log_start(command: str) -> None:
    """One INFO line per run: the command (never its arguments: they carry names) and
    versions. SQLite's version is left to ``doctor``: importing sqlite3 here would slow the
    start of every command."""
    log.info("start command=%s version=%s python=%s platform=%s", command, __version__,
             platform.python_version(), short_platform())


def short_platform() -> str:
    """``Windows-10-10.0.19045-AMD64``: the system without ``platform.platform()``, which
    reads the Python binary on Linux (13 ms at every start)."""
    return "-".join(p for p in (platform.system(), platform.release(), platform.version()
                                if platform.system() == "Windows" else "",
                                platform.machine()) if p)


def log_stop(command: str, code: int) -> None:
    log.info("stop command=%s exit=%s", command, code)


def log_exception(exc: BaseException, where: str) -> None:
    """Write ``exc`` with its traceback to the log (scrubbed like every line)."""
    log.error("unexpected error in %s: %s", where, type(exc).__name__,
              exc_info=(type(exc), exc, exc.__traceback__))
    flush()


def log_unexpected(exc: BaseException, where: str) -> str:
    """Write ``exc`` with its traceback to the log; return the short message the user sees,
    in their language, saying where the log is."""
    from mediator.i18n import t

    log_exception(exc, where)
    return t("logs.unexpected", error=summary(exc), folder=str(log_folder()))


def where_logged() -> str:
    """The sentence that tells the user where the details went."""
    from mediator.i18n import t

    return t("logs.where", folder=str(log_folder()))


def user_message(exc: BaseException, where: str) -> str:
    """What to show for an error caught in a screen: a user's error (anything carrying a
    ``message`` in their language) as it is; anything else logged and explained by
    :func:`log_unexpected`."""
    message = getattr(exc, "message", None)
    if isinstance(message, str) and message:
        return message
    return log_unexpected(exc, where)


def summary(exc: BaseException) -> str:
    """``Type: first line of the message`` shortened: for the user's own screen, not the log."""
    try:
        text = str(exc).strip()
    except Exception:  # noqa: BLE001 - a broken __str__ must not hide the real error
        text = ""
    text = text.splitlines()[0] if text else ""
    if len(text) > 200:
        text = text[:199] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
