"""Opening a folder in the system's file manager (Explorer on Windows), after an export."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from mediator.core.errors import MediatorError
from mediator.i18n import t


def open_folder(path: Path) -> None:
    """Show ``path`` (a folder, or the folder of a file) in the file manager. Raises a
    ``MediatorError`` naming the folder when there is nothing to open it with (a server, a
    desktop without xdg-open), so the user can open it by hand."""
    folder = Path(path)
    if not folder.is_dir():
        folder = folder.parent
    if not folder.is_dir():
        raise MediatorError(t("files.no_folder", path=str(folder)))
    try:
        if os.name == "nt":
            startfile = os.startfile
            startfile(str(folder))
            return
        tool = "open" if sys.platform == "darwin" else "xdg-open"
        exe = shutil.which(tool)
        if exe is None:
            raise MediatorError(t("files.cannot_open_folder", path=str(folder)))
        subprocess.Popen([exe, str(folder)], stdin=subprocess.DEVNULL,
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    except OSError as exc:
        raise MediatorError(t("files.cannot_open_folder", path=str(folder))) from exc
