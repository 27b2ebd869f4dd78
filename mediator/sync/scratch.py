"""The scratch folders a killed sync run leaves with personal data in them, swept at every
start. Its own module so that the sweep of every command does not import the exporter and
the importer (and with them the merge, the payload checks and the cryptography: ~0.14 s of
each command's start, measured for issue 16's ledger import)."""

from __future__ import annotations

from pathlib import Path

from mediator.core.files import sweep_folders


def sweep_work(data_dir: Path) -> int:
    """Remove the scratch folders of exports that were killed (a plain snapshot of the
    data), at any age, except one an export running now holds."""
    return sweep_folders(Path(data_dir) / "sync" / "tmp", "export-*")


def sweep_quarantine(root: Path) -> int:
    """Remove quarantine folders left by an import that was killed (they hold decrypted
    personal data), whatever their age; a folder whose import is still running (another
    mediator window: it holds the folder's lock, see ``files.in_use``) is left alone."""
    return sweep_folders(root, "import-*")
