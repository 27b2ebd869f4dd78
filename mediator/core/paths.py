"""Where data, configuration, backups, exports and logs live.

``MEDIATOR_HOME`` moves all of them at once (a USB install, tests); ``MEDIATOR_DB`` or ``--db``
names the database file alone. A portable build (see ``portable_home``) keeps everything in
``数据/`` beside its executable. Otherwise platformdirs picks the OS's usual folders, which
works the same on Windows; exports made in the TUI go to a folder a clerk can find
(``Documents\\人民调解``), not the hidden data folder; logs to
``%LOCALAPPDATA%\\mediator\\Logs``.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "mediator"
#: the exports folder's name in the user's documents
EXPORTS_NAME = "人民调解"

#: the file that packaging/build.py puts beside the frozen executable of a portable build
PORTABLE_MARKER = "portable.txt"
#: the folder, beside the executable, where a portable build keeps all its data
PORTABLE_DATA = "数据"


def portable_home() -> Path | None:
    """``<folder of the executable>/数据`` for a portable build, else None.

    Only a frozen build with the marker beside it counts, so that the whole office travels on
    one stick whether it is started through the launcher or by double-clicking the program,
    and a developer's ``python`` (never frozen) keeps using the user's folders.
    """
    if not getattr(sys, "frozen", False):
        return None
    folder = Path(sys.executable).absolute().parent
    if not (folder / PORTABLE_MARKER).is_file():
        return None
    return folder / PORTABLE_DATA


@dataclass(frozen=True)
class Paths:
    data: Path
    config: Path
    backups: Path
    db: Path
    #: where reports, documents and packages made in the TUI go by default (None: ``exports``
    #: in the data folder), see ``resolve_paths``
    exports: Path | None = None
    #: the log folder; left out, ``<data>/logs`` (constructors written before logs existed)
    logs: Path = None  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.logs is None:
            object.__setattr__(self, "logs", self.data / "logs")

    @property
    def config_file(self) -> Path:
        return self.config / "config.toml"

    @property
    def export_folder(self) -> Path:
        """The folder shown to the user as 导出."""
        return self.exports if self.exports is not None else self.data / "exports"

    @property
    def quarantine(self) -> Path:
        """Where sync import decrypts packages (private; swept at every start)."""
        return self.data / "sync" / "quarantine"

    @property
    def demo_db(self) -> Path:
        return self.data / "demo.db"

    def ensure(self) -> Paths:
        for folder in (self.data, self.config, self.backups, self.db.parent):
            folder.mkdir(parents=True, exist_ok=True)
        return self


def resolve_paths(db: str | os.PathLike[str] | None = None) -> Paths:
    home = os.environ.get("MEDIATOR_HOME")
    base = Path(home).expanduser() if home else portable_home()
    if base is not None:
        data, config = base, base / "config"
        exports, logs = base / "exports", base / "logs"
    else:
        data = platformdirs.user_data_path(APP, appauthor=False)
        config = platformdirs.user_config_path(APP, appauthor=False)
        # a folder a clerk finds (Documents\人民调解), not the hidden AppData one
        exports = platformdirs.user_documents_path() / EXPORTS_NAME
        logs = platformdirs.user_log_path(APP, appauthor=False)
    backups = data / "backups"
    if db is None:
        env_db = os.environ.get("MEDIATOR_DB")
        db_path = Path(env_db).expanduser() if env_db else data / "mediator.db"
    else:
        db_path = Path(db).expanduser()
    return Paths(data=data, config=config, backups=backups, db=db_path, exports=exports,
                 logs=logs)


def is_portable() -> bool:
    """Whether this is the portable build: a frozen executable with ``portable.txt`` beside
    it (the build that runs from a USB stick)."""
    return portable_home() is not None
