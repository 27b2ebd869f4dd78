"""Drafts on disk: atomic writes, damaged files set aside, nothing left behind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from mediator.tui.drafts import DraftStore, drafts_folder


@pytest.fixture
def store(tmp_path: Path) -> DraftStore:
    return DraftStore(drafts_folder(tmp_path / "数据 data"))


def test_save_load_delete_round_trip(store: DraftStore) -> None:
    form = {"parties": [{"name": "[bold]张三", "id_number": "１１０１０５"}], "facts": "x" * 4000}
    path = store.save("intake", form)
    assert path.parent == store.folder
    draft = store.load("intake")
    assert draft is not None and draft.form == form
    assert draft.saved_at.tzinfo is not None
    store.delete("intake")
    assert store.load("intake") is None
    store.delete("intake")  # deleting twice is fine


def test_save_replaces_whole_file_and_leaves_no_temp_files(store: DraftStore) -> None:
    store.save("intake", {"n": 1})
    store.save("intake", {"n": 2})
    assert store.load("intake").form == {"n": 2}  # type: ignore[union-attr]
    assert sorted(p.name for p in store.folder.iterdir()) == ["intake.json"]
    json.loads(store.path("intake").read_text(encoding="utf-8"))  # complete JSON


def test_damaged_draft_is_set_aside_not_fatal(store: DraftStore) -> None:
    store.folder.mkdir(parents=True)
    store.path("intake").write_bytes(b'{"version": 1, "form": {"parties": [')  # cut by a power loss
    assert store.load("intake") is None
    assert (store.folder / "intake.bad").exists()
    store.path("intake").write_bytes(b"\xff\xfe not utf-8")
    assert store.load("intake") is None


def test_a_stale_temp_file_from_a_crash_is_ignored(store: DraftStore) -> None:
    store.save("intake", {"n": 1})
    (store.folder / ".intake.999.deadbeef.tmp").write_text('{"half', encoding="utf-8")
    assert store.load("intake").form == {"n": 1}  # type: ignore[union-attr]


def test_names_are_plain_identifiers(store: DraftStore) -> None:
    with pytest.raises(ValueError):
        store.path("../escape")


@pytest.mark.skipif(os.name == "nt", reason="permission bits")
def test_unwritable_folder_raises_oserror(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):  # running as root: permissions are not enforced
            pytest.skip("root ignores permission bits")
        with pytest.raises(OSError):
            DraftStore(folder).save("intake", {})
    finally:
        folder.chmod(0o700)
