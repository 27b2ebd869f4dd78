"""Unsaved form drafts kept on disk, so a crash or a power cut never costs a half-typed case.

A draft is one small JSON file per form in ``<data>/drafts``. Every save goes through
``mediator.core.files.atomic_write`` (a temporary file in the same folder, fsynced, then
swapped in): after a power cut the file holds either the previous draft or the new one,
never a mix. A file that cannot be read (damaged disk, hand-edited) is moved aside as ``.bad``
and ignored instead of stopping the form from opening.

Pure file handling, no Textual: the screens decide when to save (debounced while typing) and
when to delete (after a successful save or an explicit discard).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mediator.core.errors import MediatorError
from mediator.core.files import atomic_write, remove, replace

FORMAT_VERSION = 1


@dataclass(frozen=True)
class Draft:
    name: str
    saved_at: datetime
    form: dict[str, Any]


#: set by ``mediator serve`` for each browser tab's app: its drafts live in a folder of their
#: own, so two tabs editing the same form never overwrite each other's draft
SLOT_VARIABLE = "MEDIATOR_DRAFT_SLOT"
_SLOT = re.compile(r"[a-z0-9-]{1,40}")


def drafts_folder(data_dir: Path) -> Path:
    folder = Path(data_dir) / "drafts"
    slot = os.environ.get(SLOT_VARIABLE, "")
    if slot and _SLOT.fullmatch(slot):
        return folder / slot
    return folder


class DraftStore:
    """Drafts of one user data folder, by form name (``intake``)."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)

    def path(self, name: str) -> Path:
        if not name.isidentifier():
            raise ValueError(f"bad draft name {name!r}")
        return self.folder / f"{name}.json"

    def save(self, name: str, form: dict[str, Any]) -> Path:
        """Write the draft atomically (tmp + fsync + replace)."""
        target = self.path(name)
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": FORMAT_VERSION,
            "name": name,
            "saved_at": datetime.now(UTC).isoformat(),
            "form": form,
        }
        data = json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8")
        atomic_write(target, data)
        return target

    def load(self, name: str) -> Draft | None:
        target = self.path(name)
        try:
            raw = target.read_bytes()
        except FileNotFoundError:
            return None
        except OSError:
            return None
        try:
            payload = json.loads(raw.decode("utf-8"))
            form = payload["form"]
            if not isinstance(form, dict):
                raise TypeError("form")
            saved = datetime.fromisoformat(str(payload.get("saved_at")))
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            with contextlib.suppress(OSError, MediatorError):
                replace(target, target.with_suffix(".bad"))
            return None
        return Draft(name=name, saved_at=saved, form=form)

    def delete(self, name: str) -> None:
        """Gone (no error when it already was), retried while another program holds it."""
        remove(self.path(name))

